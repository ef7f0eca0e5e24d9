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
 * "<rows> <seconds> <seconds with rowids>": the first stores the rows with
 * their ids as heloval does (source_id << 32 | line), the second lets SQLite
 * number them (1, 2, 3, ...: appended without a search, the cheapest insert
 * SQLite has). Each time covers opening the file, creating the table, the
 * inserts and closing. heloval's scan does all of that and parses the log
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
#define NCOL 12

struct row {
    sqlite3_int64 num[NCOL];   /* integer columns */
    char *text[NCOL];          /* text columns (NULL: SQL NULL) */
    int len[NCOL];
    unsigned char is_int[NCOL];
};

static const char columns[] = "id,source_id,line,ts,mta,ip,helo,helo_from,rdns,"
                              "disposition,messages,qids";

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

/* store - time storing rows[0..n) into a fresh file at path (ids numbered
 * by SQLite when auto_id); -1 on error. */
static double store(const char *path, const struct row *rows, long n, int auto_id)
{
    static char sql[BATCH * 64 + 256];
    sqlite3 *db;
    sqlite3_stmt *batch, *one;
    unlink(path);
    double t0 = now();
    if (sqlite3_open_v2(path, &db,
                        SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
                        NULL) != SQLITE_OK)
        return -1;
    if (sqlite3_exec(db,
                     "PRAGMA page_size=8192; PRAGMA cache_size=-8192;"
                     "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;"
                     "CREATE TABLE sessions(id INTEGER PRIMARY KEY, source_id INTEGER NOT NULL,"
                     " line INTEGER NOT NULL, ts INTEGER, mta TEXT NOT NULL, ip TEXT NOT NULL,"
                     " helo TEXT, helo_from TEXT, rdns TEXT NOT NULL DEFAULT '',"
                     " disposition TEXT NOT NULL, messages INTEGER NOT NULL DEFAULT 0,"
                     " qids TEXT); BEGIN",
                     NULL, NULL, NULL) != SQLITE_OK)
        return -1;
    size_t used = (size_t)snprintf(sql, sizeof(sql), "INSERT INTO sessions(%s) VALUES", columns);
    for (int k = 0; k < BATCH; k++)
        used += (size_t)snprintf(sql + used, sizeof(sql) - used,
                                 "%s(?,?,?,?,?,?,?,?,?,?,?,?)", k ? "," : "");
    if (sqlite3_prepare_v2(db, sql, -1, &batch, NULL) != SQLITE_OK)
        return -1;
    snprintf(sql, sizeof(sql), "INSERT INTO sessions(%s) VALUES(?,?,?,?,?,?,?,?,?,?,?,?)",
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
    double t = store(argv[2], rows, n, 0);
    double t_auto = t < 0 ? t : store(argv[2], rows, n, 1);
    if (t < 0 || t_auto < 0) {
        fprintf(stderr, "sqlite-floor: storing into %s failed\n", argv[2]);
        return 1;
    }
    printf("%ld %.3f %.3f\n", n, t, t_auto);
    return 0;
}
