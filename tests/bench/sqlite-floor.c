/* SPDX-License-Identifier: MIT */
/*
 * sqlite-floor - a reference for `make bench`: the least time SQLite takes
 * to store a scan's sessions, with nothing else to do.
 *
 *   sqlite-floor SCANNED.db SCRATCH.db
 *
 * Reads every row of SCANNED.db's sessions table into memory, then times
 * storing them into a fresh SCRATCH.db: the same table, no index, no
 * journal, no sync, one transaction, 64-row INSERT statements prepared once,
 * values bound without copies, the connection set up as heloval's (no
 * mutexes, no memory statistics, 8 KiB pages, 8 MiB cache). Prints
 * "<rows> <seconds> <seconds with rowids> <compact> <compact+names>": the
 * first stores the rows with their ids as heloval does (source_id << 32 |
 * line), the second lets SQLite number them (1, 2, 3, ...: appended without
 * a search, the cheapest insert SQLite has). The last two measure the
 * smaller rows issue 15 asks about, with heloval's ids: "compact" stores
 * the MTA, disposition and HELO provenance as integer codes and drops
 * source_id and line (both are in the id); "compact+names" also stores each
 * distinct HELO and reverse name once in a names table and the row refers
 * to it by integer (a C hash table finds a name's id; a new name is one
 * more insert). Each time covers opening the file, creating the tables, the
 * inserts and closing, after an untimed first store (the first in a
 * process pays for first-touching SQLite's memory, which a fresh heloval
 * process pays too: the floor is what storing costs once that is paid).
 * heloval's scan does all of that and parses the log
 * too; its time over the first shows what parsing and safety (journal,
 * sync) cost, and the second over `grep -c` shows how far any SQLite-backed
 * scan is from grep whatever its row ids.
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define BATCH 64
#define NCOL 14

struct row {
    sqlite3_int64 num[NCOL];   /* integer columns */
    char *text[NCOL];          /* text columns (NULL: SQL NULL) */
    int len[NCOL];
    unsigned char is_int[NCOL];
};

static const char columns[] = "id,source_id,line,ts,mta,ip,helo,helo_from,rdns,"
                              "disposition,messages,qids,label,label_from";

/* now - monotonic seconds. */
static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* load - every session row of path into *out; returns the count or -1. */
static long load(const char *path, struct row **out)
{
    sqlite3 *db;
    sqlite3_stmt *q;
    char sql[256];
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
        return -1;
    snprintf(sql, sizeof(sql), "SELECT %s FROM sessions ORDER BY id", columns);
    if (sqlite3_prepare_v2(db, sql, -1, &q, NULL) != SQLITE_OK) {
        sqlite3_close(db);
        return -1;
    }
    size_t cap = 1024, n = 0;
    struct row *rows = malloc(cap * sizeof(*rows));
    while (rows != NULL && sqlite3_step(q) == SQLITE_ROW) {
        if (n == cap) {
            cap *= 2;
            struct row *r = realloc(rows, cap * sizeof(*rows));
            if (r == NULL)
                break;
            rows = r;
        }
        struct row *r = &rows[n++];
        for (int c = 0; c < NCOL; c++) {
            r->text[c] = NULL;
            r->is_int[c] = sqlite3_column_type(q, c) == SQLITE_INTEGER;
            if (r->is_int[c]) {
                r->num[c] = sqlite3_column_int64(q, c);
            } else if (sqlite3_column_type(q, c) != SQLITE_NULL) {
                r->len[c] = sqlite3_column_bytes(q, c);
                r->text[c] = malloc((size_t)r->len[c] + 1);
                if (r->text[c] != NULL)
                    memcpy(r->text[c], sqlite3_column_text(q, c), (size_t)r->len[c] + 1);
            }
        }
    }
    sqlite3_finalize(q);
    sqlite3_close(db);
    *out = rows;
    return rows != NULL ? (long)n : -1;
}

/* bind - the columns of r from parameter base + 1; the id column (0) as
 * NULL when auto_id (SQLite numbers the row). */
static void bind(sqlite3_stmt *q, int base, const struct row *r, int auto_id)
{
    for (int c = 0; c < NCOL; c++) {
        if (c == 0 && auto_id)
            sqlite3_bind_null(q, base + 1);
        else if (r->is_int[c])
            sqlite3_bind_int64(q, base + c + 1, r->num[c]);
        else if (r->text[c] != NULL)
            sqlite3_bind_text(q, base + c + 1, r->text[c], r->len[c], SQLITE_STATIC);
        else
            sqlite3_bind_null(q, base + c + 1);
    }
}

/* open_scratch - a fresh file at path set up as heloval's connection (no
 * journal, no sync: the floor), with the tables of create made and a
 * transaction begun; NULL on error. */
static sqlite3 *open_scratch(const char *path, const char *create)
{
    sqlite3 *db;
    unlink(path);
    if (sqlite3_open_v2(path, &db,
                        SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
                        NULL) != SQLITE_OK)
        return NULL;
    if (sqlite3_exec(db,
                     "PRAGMA page_size=8192; PRAGMA cache_size=-8192;"
                     "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF",
                     NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_exec(db, create, NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK) {
        sqlite3_close(db);
        return NULL;
    }
    return db;
}

/* store - time storing rows[0..n) into a fresh file at path (ids numbered
 * by SQLite when auto_id); -1 on error. */
static double store(const char *path, const struct row *rows, long n, int auto_id)
{
    static char sql[BATCH * 64 + 256];
    sqlite3 *db;
    sqlite3_stmt *batch, *one;
    double t0 = now();
    db = open_scratch(path,
                      "CREATE TABLE sessions(id INTEGER PRIMARY KEY, source_id INTEGER NOT NULL,"
                      " line INTEGER NOT NULL, ts INTEGER, mta TEXT NOT NULL, ip TEXT NOT NULL,"
                      " helo TEXT, helo_from TEXT, rdns TEXT NOT NULL DEFAULT '',"
                      " disposition TEXT NOT NULL, messages INTEGER NOT NULL DEFAULT 0,"
                      " qids TEXT, label TEXT, label_from TEXT)");
    if (db == NULL)
        return -1;
    size_t used = (size_t)snprintf(sql, sizeof(sql), "INSERT INTO sessions(%s) VALUES", columns);
    for (int k = 0; k < BATCH; k++)
        used += (size_t)snprintf(sql + used, sizeof(sql) - used,
                                 "%s(?,?,?,?,?,?,?,?,?,?,?,?,?,?)", k ? "," : "");
    if (sqlite3_prepare_v2(db, sql, -1, &batch, NULL) != SQLITE_OK)
        return -1;
    snprintf(sql, sizeof(sql), "INSERT INTO sessions(%s) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
             columns);
    if (sqlite3_prepare_v2(db, sql, -1, &one, NULL) != SQLITE_OK)
        return -1;
    long i = 0;
    for (; i + BATCH <= n; i += BATCH) {
        for (int k = 0; k < BATCH; k++)
            bind(batch, k * NCOL, &rows[i + k], auto_id);
        if (sqlite3_step(batch) != SQLITE_DONE)
            return -1;
        sqlite3_reset(batch);
    }
    for (; i < n; i++) {
        bind(one, 0, &rows[i], auto_id);
        if (sqlite3_step(one) != SQLITE_DONE)
            return -1;
        sqlite3_reset(one);
    }
    sqlite3_finalize(batch);
    sqlite3_finalize(one);
    if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
        return -1;
    sqlite3_close(db);
    return now() - t0;
}

/* The codes of the compact row: an index in these lists (a value not in
 * the list: its length). */
static const char *const mta_codes[] = {"postfix", "exim", "sendmail", "mbox", NULL};
static const char *const disposition_codes[] = {"accepted", "rejected", "deferred", "lost",
                                                "unknown", NULL};
static const char *const helo_from_codes[] = {"log", "implied", "received", "none", NULL};
static const char *const label_codes[] = {"spam", "ham", NULL};
static const char *const label_from_codes[] = {"folder", "header", "dnsbl", "content-filter",
                                               "received", NULL};

/* code_of - the index of text in list (NULL-terminated). */
static int code_of(const char *const *list, const char *text)
{
    int i = 0;
    for (; list[i] != NULL; i++)
        if (text != NULL && strcmp(list[i], text) == 0)
            break;
    return i;
}

/* A name table for "compact+names": open addressing, keys borrowed from the
 * loaded rows. */
struct names {
    const char **key;
    int *len;
    sqlite3_int64 *id;
    size_t cap;
    sqlite3_int64 n;
    sqlite3_stmt *insert;
};

/* name_id - the id of text[0..len) (inserted into the names table the
 * first time); -1 on error. */
static sqlite3_int64 name_id(struct names *t, const char *text, int len)
{
    unsigned long long h = 1469598103934665603ULL;
    for (int i = 0; i < len; i++)
        h = (h ^ (unsigned char)text[i]) * 1099511628211ULL;
    size_t i = (size_t)h & (t->cap - 1);
    for (; t->key[i] != NULL; i = (i + 1) & (t->cap - 1))
        if (t->len[i] == len && memcmp(t->key[i], text, (size_t)len) == 0)
            return t->id[i];
    t->key[i] = text;
    t->len[i] = len;
    t->id[i] = ++t->n;
    sqlite3_bind_int64(t->insert, 1, t->n);
    sqlite3_bind_text(t->insert, 2, text, len, SQLITE_STATIC);
    if (sqlite3_step(t->insert) != SQLITE_DONE)
        return -1;
    sqlite3_reset(t->insert);
    return t->n;
}

#define COMPACT_COLS 12 /* id, ts, mta, ip, helo, helo_from, rdns, disposition, messages, qids,
                           label, label_from */

/* bind_name - text column c of r at parameter k: NULL, the text, or (t
 * given) its id in the names table. 0, or -1 on error. */
static int bind_name(sqlite3_stmt *q, int k, const struct row *r, int c, struct names *t)
{
    if (r->text[c] == NULL)
        return sqlite3_bind_null(q, k), 0;
    if (t == NULL)
        return sqlite3_bind_text(q, k, r->text[c], r->len[c], SQLITE_STATIC), 0;
    sqlite3_int64 id = name_id(t, r->text[c], r->len[c]);
    sqlite3_bind_int64(q, k, id);
    return id < 0 ? -1 : 0;
}

/* bind_compact - row r as a compact row from parameter base + 1. */
static int bind_compact(sqlite3_stmt *q, int base, const struct row *r, struct names *t)
{
    sqlite3_bind_int64(q, base + 1, r->num[0]);
    if (r->is_int[3])
        sqlite3_bind_int64(q, base + 2, r->num[3]);
    else
        sqlite3_bind_null(q, base + 2);
    sqlite3_bind_int(q, base + 3, code_of(mta_codes, r->text[4]));
    sqlite3_bind_text(q, base + 4, r->text[5], r->len[5], SQLITE_STATIC);
    if (bind_name(q, base + 5, r, 6, t) != 0)
        return -1;
    if (r->text[7] == NULL)
        sqlite3_bind_null(q, base + 6);
    else
        sqlite3_bind_int(q, base + 6, code_of(helo_from_codes, r->text[7]));
    if (bind_name(q, base + 7, r, 8, t) != 0)
        return -1;
    sqlite3_bind_int(q, base + 8, code_of(disposition_codes, r->text[9]));
    sqlite3_bind_int64(q, base + 9, r->num[10]);
    if (r->text[11] != NULL)
        sqlite3_bind_text(q, base + 10, r->text[11], r->len[11], SQLITE_STATIC);
    else
        sqlite3_bind_null(q, base + 10);
    for (int c = 12; c <= 13; c++) {
        if (r->text[c] == NULL)
            sqlite3_bind_null(q, base + c - 1);
        else
            sqlite3_bind_int(q, base + c - 1,
                             code_of(c == 12 ? label_codes : label_from_codes, r->text[c]));
    }
    return 0;
}

/* store_compact - time storing rows[0..n) as compact rows (with_names: HELO
 * and reverse name by id) into a fresh file at path; -1 on error. */
static double store_compact(const char *path, const struct row *rows, long n, int with_names)
{
    static char sql[BATCH * 32 + 256];
    struct names t = {NULL, NULL, NULL, 1, 0, NULL};
    while (t.cap < 2 * (size_t)n + 2)
        t.cap *= 2;
    sqlite3 *db;
    sqlite3_stmt *batch, *one;
    double t0 = now();
    db = open_scratch(path,
                      "CREATE TABLE names(id INTEGER PRIMARY KEY, name TEXT NOT NULL);"
                      "CREATE TABLE sessions(id INTEGER PRIMARY KEY, ts INTEGER,"
                      " mta INTEGER NOT NULL, ip TEXT NOT NULL, helo ANY, helo_from INTEGER,"
                      " rdns ANY, disposition INTEGER NOT NULL,"
                      " messages INTEGER NOT NULL DEFAULT 0, qids TEXT, label INTEGER,"
                      " label_from INTEGER)");
    if (db == NULL)
        return -1;
    if (with_names) {
        t.key = calloc(t.cap, sizeof(*t.key));
        t.len = calloc(t.cap, sizeof(*t.len));
        t.id = calloc(t.cap, sizeof(*t.id));
        if (t.key == NULL || t.len == NULL || t.id == NULL ||
            sqlite3_prepare_v2(db, "INSERT INTO names VALUES(?,?)", -1, &t.insert, NULL) != SQLITE_OK)
            return -1;
    }
    size_t used = (size_t)snprintf(sql, sizeof(sql), "INSERT INTO sessions VALUES");
    for (int k = 0; k < BATCH; k++)
        used += (size_t)snprintf(sql + used, sizeof(sql) - used, "%s(?,?,?,?,?,?,?,?,?,?,?,?)",
                                 k ? "," : "");
    if (sqlite3_prepare_v2(db, sql, -1, &batch, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db, "INSERT INTO sessions VALUES(?,?,?,?,?,?,?,?,?,?,?,?)", -1, &one,
                           NULL) != SQLITE_OK)
        return -1;
    struct names *tp = with_names ? &t : NULL;
    long i = 0;
    for (; i + BATCH <= n; i += BATCH) {
        for (int k = 0; k < BATCH; k++)
            if (bind_compact(batch, k * COMPACT_COLS, &rows[i + k], tp) != 0)
                return -1;
        if (sqlite3_step(batch) != SQLITE_DONE)
            return -1;
        sqlite3_reset(batch);
    }
    for (; i < n; i++) {
        if (bind_compact(one, 0, &rows[i], tp) != 0 || sqlite3_step(one) != SQLITE_DONE)
            return -1;
        sqlite3_reset(one);
    }
    sqlite3_finalize(batch);
    sqlite3_finalize(one);
    sqlite3_finalize(t.insert);
    if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
        return -1;
    sqlite3_close(db);
    free(t.key);
    free(t.len);
    free(t.id);
    return now() - t0;
}

int main(int argc, char **argv)
{
    struct row *rows = NULL;
    if (argc != 3) {
        fprintf(stderr, "usage: sqlite-floor SCANNED.db SCRATCH.db\n");
        return 2;
    }
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);   /* as heloval */
    long n = load(argv[1], &rows);
    if (n < 0) {
        fprintf(stderr, "sqlite-floor: cannot read the sessions of %s\n", argv[1]);
        return 1;
    }
    /* an untimed store first: the process's first pass through SQLite
     * first-touches its page cache and heap (page faults), which would
     * weigh on whichever variant ran first */
    double t = store(argv[2], rows, n, 0);
    if (t >= 0)
        t = store(argv[2], rows, n, 0);
    double t_auto = t < 0 ? t : store(argv[2], rows, n, 1);
    double t_compact = t_auto < 0 ? t_auto : store_compact(argv[2], rows, n, 0);
    double t_names = t_compact < 0 ? t_compact : store_compact(argv[2], rows, n, 1);
    if (t < 0 || t_auto < 0 || t_compact < 0 || t_names < 0) {
        fprintf(stderr, "sqlite-floor: storing into %s failed\n", argv[2]);
        return 1;
    }
    printf("%ld %.3f %.3f %.3f %.3f\n", n, t, t_auto, t_compact, t_names);
    return 0;
}
