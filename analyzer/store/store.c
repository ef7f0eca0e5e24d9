/* SPDX-License-Identifier: MIT */
/*
 * store - the SQLite file: open, lock, migrate, and the scan stage's writes.
 * A writer holds an exclusive flock on "<db>.lock" for its whole life, so
 * two heloval runs on one database are serialised with a clear message
 * instead of fighting over SQLite's locks mid-run.
 */
#define _GNU_SOURCE 1   /* sync_file_range */
#include "store.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "origintally.h"
#include "schema.h"
#include "xmem.h"

enum stmt_id {
    ST_INSERT_SESSION,
    ST_PUT_SESSION,
    ST_FIND_SOURCE,
    ST_INSERT_SOURCE,
    ST_UPDATE_SOURCE,
    ST_ADD_SKIPS,
    ST_PUT_BATCH,
    ST_COUNT
};

/* the page cache of a connection (KiB, negated as PRAGMA cache_size takes it) */
#define STORE_CACHE_KIB "-8192"

/* Parameters of the session statements: the source and MTA (bound once
 * for a whole batch: bindings outlive a reset), then BATCH_ROW_PARAMS per
 * row from BATCH_FIRST_ROW_PARAM. The id (source_id << 32 | line) is
 * computed from them. */
#define BATCH_SOURCE_PARAM 1
#define BATCH_MTA_PARAM 2
#define BATCH_FIRST_ROW_PARAM 3
#define BATCH_ROW_PARAMS 11  /* line, ts, ip, helo, helo_from, rdns,
                                disposition, messages, qids, label,
                                label_from */
#define SESSION_ROW_FMT                                                     \
    "((?%d<<32)|?%d,?%d,?%d,?%d,?%d,?%d,?%d,?%d,?%d,?%d,?%d,?%d,?%d,?%d)"
/* what ST_PUT_SESSION adds to a one-row insert: merge into the stored row */
static const char session_upsert[] =
    " ON CONFLICT(id) DO UPDATE SET ts=excluded.ts,"
    " mta=excluded.mta, ip=excluded.ip,"
    " helo=COALESCE(excluded.helo, sessions.helo),"
    " helo_from=COALESCE(excluded.helo_from, sessions.helo_from),"
    " rdns=excluded.rdns, disposition=excluded.disposition,"
    " messages=excluded.messages, qids=COALESCE(excluded.qids, sessions.qids),"
    " label=COALESCE(excluded.label, sessions.label),"
    " label_from=COALESCE(excluded.label_from, sessions.label_from)";

static const char *const stmt_sql[ST_COUNT] = {
    /* the session statements (ST_INSERT_SESSION: the common case, a
     * session seen once, a plain insert, cheaper than the upsert of
     * ST_PUT_SESSION, which runs only when the row exists already; and
     * ST_PUT_BATCH) are made by session_insert_sql */
    [ST_FIND_SOURCE] =
        "SELECT id,size,mtime,compressed,bytes_read,lines_read,last_offset,"
        "last_line,COALESCE(format,'') FROM sources"
        " WHERE fingerprint=?1 AND fp_len=?2 ORDER BY id LIMIT 1",
    [ST_INSERT_SOURCE] =
        "INSERT INTO sources(path,fingerprint,fp_len,format,size,mtime,"
        "compressed,bytes_read,lines_read,last_offset,last_line,first_ts,"
        "last_ts,scanned_at) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,"
        "?13,strftime('%s','now'))",
    [ST_UPDATE_SOURCE] =
        "UPDATE sources SET path=?1, fingerprint=?2, fp_len=?3, format=?4,"
        " size=?5, mtime=?6, compressed=?7, bytes_read=?8, lines_read=?9,"
        " last_offset=?10, last_line=?11,"
        " first_ts=COALESCE(MIN(first_ts, ?12), first_ts, ?12),"
        " last_ts=COALESCE(MAX(last_ts, ?13), last_ts, ?13),"
        " scanned_at=strftime('%s','now') WHERE id=?14",
    [ST_ADD_SKIPS] =
        "INSERT INTO source_skips(source_id,reason,count) VALUES(?1,?2,?3)"
        " ON CONFLICT(source_id,reason) DO UPDATE SET count=count+excluded.count",
};

struct store {
    sqlite3 *db;
    sqlite3_stmt *st[ST_COUNT];
    int lock_fd;
    bool first_load;     /* inside store_bulk_begin/end of an empty database */
    int wb_fd;           /* the file again, to start its write-back early */
    bool wal_pending;    /* a new file, not yet switched to WAL */
    int64_t batch_source;     /* bound to the ST_PUT_BATCH statement's source, */
    const char *batch_mta;    /* ... and MTA parameters (static text), */
    unsigned char batch_nulls[STORE_PUT_BATCH]; /* ... and per row, the
                               * nullable parameters bound to NULL now
                               * (BOUND_NULL_*: bindings outlive a reset) */
    struct origin_tally *origins;   /* store_watch_origins, or NULL */
    char errbuf[512];
};

/* set_err - remember a formatted error on the handle. */
static int set_err(struct store *st, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int set_err(struct store *st, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(st->errbuf, sizeof(st->errbuf), fmt, ap);
    va_end(ap);
    return code;
}

/* db_err - record SQLite's message for a failed step. */
static int db_err(struct store *st, const char *what)
{
    return set_err(st, HV_EDB, "%s: %s", what, sqlite3_errmsg(st->db));
}

/* dir_of - the directory holding path (malloc'ed). */
static char *dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    char *d = xstrdup(slash == NULL ? "." : path);
    if (slash != NULL)
        d[slash == path ? 1 : (size_t)(slash - path)] = '\0';
    return d;
}

/* take_lock - exclusive advisory lock next to the database file. */
static int take_lock(struct store *st, const char *path)
{
    size_t n = strlen(path) + 6;
    char *lp = xmalloc(n);
    snprintf(lp, n, "%s.lock", path);
    st->lock_fd = open(lp, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (st->lock_fd < 0) {
        int e = errno;
        char *dir = dir_of(path);
        set_err(st, HV_EDB,
                "%s: cannot create the lock file %s: %s (heloval keeps %s.lock, %s-wal"
                " and %s-shm beside the database: the directory %s must be writable)",
                path, lp, strerror(e), path, path, path, dir);
        free(dir);
        free(lp);
        return HV_EDB;
    }
    if (flock(st->lock_fd, LOCK_EX | LOCK_NB) != 0) {
        char pid[32] = "";
        ssize_t r = pread(st->lock_fd, pid, sizeof(pid) - 1, 0);
        if (r > 0) {
            pid[r] = '\0';
            pid[strcspn(pid, "\n")] = '\0';
        }
        char who[48] = "";
        if (pid[0])
            snprintf(who, sizeof(who), " (pid %s)", pid);
        set_err(st, HV_EBUSY,
                "database %s is in use by another heloval run%s; runs on one "
                "database are serialised: try again when it ends",
                path, who);
        free(lp);
        return HV_EBUSY;
    }
    char pid[32];
    int len = snprintf(pid, sizeof(pid), "%ld\n", (long)getpid());
    if (ftruncate(st->lock_fd, 0) == 0 && pwrite(st->lock_fd, pid, (size_t)len, 0) < 0) {
        /* the pid is informative only */
    }
    free(lp);
    return HV_OK;
}

/* session_insert_sql - "VERB INTO sessions(...) VALUES" with rows row
 * tuples, then tail (malloc'ed). The rows share the source and MTA
 * parameters; the id (source_id << 32 | line) is computed from the
 * parameters. For ST_PUT_BATCH,
 * INSERT OR FAIL: a row that exists already stops the statement, keeping
 * the rows before it (no statement journal needed); the caller then stores
 * all of them row by row, which merges the ones already in with
 * themselves. */
static char *session_insert_sql(const char *verb, int rows, const char *tail)
{
    size_t cap = 512 + strlen(tail) + (size_t)rows * 160, used = 0;
    char *sql = xmalloc(cap);
    used += (size_t)snprintf(sql, cap,
                             "%s INTO sessions(id,source_id,line,ts,mta,ip,helo,"
                             "helo_from,rdns,disposition,messages,qids,label,"
                             "label_from) VALUES", verb);
    for (int k = 0; k < rows; k++) {
        int b = BATCH_FIRST_ROW_PARAM + BATCH_ROW_PARAMS * k;
        if (k > 0)
            sql[used++] = ',';
        used += (size_t)snprintf(sql + used, cap - used, SESSION_ROW_FMT, BATCH_SOURCE_PARAM,
                                 b, BATCH_SOURCE_PARAM, b, b + 1, BATCH_MTA_PARAM, b + 2,
                                 b + 3, b + 4, b + 5, b + 6, b + 7, b + 8, b + 9, b + 10);
    }
    snprintf(sql + used, cap - used, "%s", tail);
    return sql;
}

/* query_int - the first column of the one row sql returns into *v. HV_OK,
 * or HV_EDB (SQLite's text in store_errmsg, what names the step) when it
 * cannot be prepared or its step returns no row. */
static int query_int(struct store *st, const char *sql, const char *what, int64_t *v)
{
    sqlite3_stmt *q;
    *v = 0;
    if (sqlite3_prepare_v2(st->db, sql, -1, &q, NULL) != SQLITE_OK)
        return db_err(st, what);
    int rc = sqlite3_step(q);
    if (rc == SQLITE_ROW)
        *v = sqlite3_column_int64(q, 0);
    else
        db_err(st, what);
    sqlite3_finalize(q);
    return rc == SQLITE_ROW ? HV_OK : HV_EDB;
}

/* migrate - bring user_version up to schema_version. */
static int migrate(struct store *st)
{
    sqlite3_stmt *q;
    int version = 0;
    if (sqlite3_prepare_v2(st->db, "PRAGMA user_version", -1, &q, NULL) != SQLITE_OK)
        return db_err(st, "reading schema version");
    int src = sqlite3_step(q);
    if (src == SQLITE_ROW)
        version = sqlite3_column_int(q, 0);
    else
        db_err(st, "reading schema version");
    sqlite3_finalize(q);
    if (src != SQLITE_ROW)
        return HV_EDB;
    if (version < 0 || (size_t)version > schema_version)
        return set_err(st, HV_EDB,
                       "database schema version %d is newer than this heloval (%zu)",
                       version, schema_version);
    if ((size_t)version == schema_version)
        return HV_OK;
    /* every step in one transaction: a new file is made in one commit
     * (one sync of each file instead of one per step), and an upgrade
     * that fails half-way leaves the version it found */
    if (sqlite3_exec(st->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
        return db_err(st, "starting migration");
    for (size_t v = (size_t)version; v < schema_version; v++) {
        char pragma[64];
        snprintf(pragma, sizeof(pragma), "PRAGMA user_version=%zu", v + 1);
        if (sqlite3_exec(st->db, schema_migrations[v], NULL, NULL, NULL) != SQLITE_OK ||
            sqlite3_exec(st->db, pragma, NULL, NULL, NULL) != SQLITE_OK) {
            int rc = db_err(st, "migrating schema");
            sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
            return rc;
        }
    }
    if (sqlite3_exec(st->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
        int rc = db_err(st, "committing migration");
        sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
        return rc;
    }
    return HV_OK;
}

static int check_first_load(struct store *st, const char *path, bool ro);

/* ==== Checks with messages that say what is wrong ==== */

/* errdup - a malloc'ed formatted message. */
static char *errdup(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *errdup(const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    return xstrdup(buf);
}

/* be16, be32 - big-endian fields of the SQLite header. */
static unsigned be16(const unsigned char *p)
{
    return (unsigned)p[0] << 8 | p[1];
}
static unsigned long be32(const unsigned char *p)
{
    return (unsigned long)p[0] << 24 | (unsigned long)p[1] << 16 |
           (unsigned long)p[2] << 8 | p[3];
}

int store_check_file(const char *path, bool may_create, char **err)
{
    struct stat sb;
    unsigned char h[100];

    *err = NULL;
    if (stat(path, &sb) != 0) {
        if (errno == ENOENT && may_create)
            return HV_OK;
        *err = errdup("%s: %s", path, strerror(errno));
        return HV_EDB;
    }
    if (S_ISDIR(sb.st_mode)) {
        *err = errdup("%s: is a directory, not a database file (give --db a file name)",
                      path);
        return HV_EDB;
    }
    if (!S_ISREG(sb.st_mode)) {
        *err = errdup("%s: not a regular file (a device or FIFO cannot hold a database)",
                      path);
        return HV_EDB;
    }
    if (sb.st_size == 0)
        return may_create ? HV_OK : (*err = errdup("%s: empty file, not a heloval database",
                                                   path), HV_EDB);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        *err = errdup("cannot open database %s: %s", path, strerror(errno));
        return HV_EDB;
    }
    ssize_t n = pread(fd, h, sizeof(h), 0);
    int e = errno;
    close(fd);
    if (n < 0) {
        *err = errdup("cannot read database %s: %s", path, strerror(e));
        return HV_EDB;
    }
    if (memcmp(h, "SQLite format 3", (size_t)n < 16 ? (size_t)n : 16) != 0) {
        *err = errdup("%s: not a SQLite database (no SQLite header)", path);
        return HV_EDB;
    }
    if ((size_t)n < sizeof(h)) {
        *err = errdup("%s: truncated database (%zd bytes, shorter than the 100-byte"
                      " SQLite header)", path, n);
        return HV_EDB;
    }
    return HV_OK;
}

/* truncated - when SQLite failed on path: is the file shorter than its
 * header says? Then a message in st. Not checked before opening: a
 * writer in rollback mode may have written the new page count before
 * the pages, and only SQLite's locks make that safe to read. */
static bool truncated(struct store *st, const char *path)
{
    struct stat sb;
    unsigned char h[100];
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    bool ok = fd >= 0 && fstat(fd, &sb) == 0 &&
              pread(fd, h, sizeof(h), 0) == (ssize_t)sizeof(h);
    if (fd >= 0)
        close(fd);
    if (!ok)
        return false;
    /* the page count at offset 28 is valid when the counter at 92 matches
     * the change counter at 24 (SQLite file format, section 1.3) */
    unsigned long long psize = be16(h + 16) == 1 ? 65536 : be16(h + 16);
    unsigned long long pages = be32(h + 28);
    if (be32(h + 92) != be32(h + 24) || pages == 0 ||
        (unsigned long long)sb.st_size >= psize * pages)
        return false;
    set_err(st, HV_EDB,
            "%s: truncated database (%lld bytes; its header says %llu pages of %llu"
            " bytes): restore it from a copy, or scan again into a new file",
            path, (long long)sb.st_size, pages, psize);
    return true;
}

/* explain_open - the message for a database SQLite could not read or
 * write: a WAL database in a directory without write permission (SQLite
 * must create PATH-shm beside it), a read-only file, or SQLite's text. */
static int explain_open(struct store *st, const char *path, bool ro)
{
    char *dir = dir_of(path);
    int rc;
    unsigned char h[20] = { 0 };
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    bool wal = fd >= 0 && pread(fd, h, sizeof(h), 0) == (ssize_t)sizeof(h) && h[18] == 2;
    if (fd >= 0)
        close(fd);
    if (access(dir, W_OK) != 0) {
        int e = errno;
        rc = set_err(st, HV_EDB,
                     "%s: cannot %s this database: its directory %s is not writable (%s),"
                     " and SQLite must create %s-%s beside it%s",
                     path, ro ? "read" : "write", dir, strerror(e), path,
                     wal ? "shm" : "journal",
                     wal ? " for a WAL database" : "");
    } else if (!ro && access(path, W_OK) != 0) {
        rc = set_err(st, HV_EDB, "%s: read-only database (%s): resolve and scan must write it",
                     path, strerror(errno));
    } else {
        rc = set_err(st, HV_EDB, "%s: cannot use this database: %s", path,
                     sqlite3_errmsg(st->db));
    }
    free(dir);
    return rc;
}

int store_open(const char *path, int flags, struct store **out, char **err)
{
    struct store *st = xcalloc(1, sizeof(*st));
    int rc = HV_OK;
    bool ro = (flags & STORE_READONLY) != 0;
    st->lock_fd = -1;
    st->wb_fd = -1;
    *out = NULL;
    char *cerr = NULL;
    if (store_check_file(path, !ro, &cerr) != HV_OK) {
        *err = cerr;
        free(st);
        return HV_EDB;
    }
    if (!ro) {
        rc = take_lock(st, path);
        if (rc != HV_OK)
            goto fail;
    }
    /* one thread at a time uses a connection (see squeue.h): no SQLite
     * mutexes, no memory statistics */
    static bool configured;
    if (!configured) {
        sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
        configured = true;
    }
    int oflags = SQLITE_OPEN_NOMUTEX |
                 (ro ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE));
    if (sqlite3_open_v2(path, &st->db, oflags, NULL) != SQLITE_OK) {
        rc = set_err(st, HV_EDB, "cannot open database %s: %s", path,
                     st->db ? sqlite3_errmsg(st->db) : "out of memory");
        goto fail;
    }
    sqlite3_busy_timeout(st->db, STORE_BUSY_TIMEOUT_MS);
    sqlite3_extended_result_codes(st->db, 1);
    if (!ro && sqlite3_db_readonly(st->db, "main") == 1) {
        /* SQLite falls back to reading a file it may not write */
        rc = explain_open(st, path, false);
        goto fail;
    }
    if (!ro) {
        /* a new file stays in rollback mode until store_bulk_end or
         * store_close: turning an empty file to WAL costs four syncs, and a
         * first scan would turn it back at once */
        int64_t pages = -1;
        bool counted = query_int(st, "PRAGMA page_count", "counting pages", &pages) == HV_OK;
        st->wal_pending = counted && pages == 0;
        if (!counted ||
            sqlite3_exec(st->db,
                         st->wal_pending ? "PRAGMA page_size=8192;"
                                         : "PRAGMA page_size=8192; PRAGMA journal_mode=WAL;",
                         NULL, NULL, NULL) != SQLITE_OK ||
            sqlite3_exec(st->db,
                         "PRAGMA synchronous=NORMAL; PRAGMA wal_autocheckpoint=8192;"
                         "PRAGMA foreign_keys=ON; PRAGMA cache_size=" STORE_CACHE_KIB ";"
                         "PRAGMA temp_store=MEMORY",
                         NULL, NULL, NULL) != SQLITE_OK) {
            rc = HV_EDB;
            if (!truncated(st, path))
                set_err(st, HV_EDB, "%s: not a usable database: %s", path,
                        sqlite3_errmsg(st->db));
            goto fail;
        }
        rc = migrate(st);
        if (rc != HV_OK) {
            truncated(st, path);
            goto fail;
        }
    } else {
        sqlite3_stmt *q;
        int version = -1;
        if (sqlite3_prepare_v2(st->db, "PRAGMA user_version", -1, &q, NULL) == SQLITE_OK) {
            if (sqlite3_step(q) == SQLITE_ROW)
                version = sqlite3_column_int(q, 0);
            sqlite3_finalize(q);
        }
        if (version < 0) {
            rc = truncated(st, path) ? HV_EDB : explain_open(st, path, true);
            goto fail;
        }
        if (version != (int)schema_version) {
            rc = set_err(st, HV_EDB,
                         "%s: not a heloval database of this version (schema %d, want %zu)",
                         path, version, schema_version);
            goto fail;
        }
    }
    rc = check_first_load(st, path, ro);
    if (rc != HV_OK)
        goto fail;
    for (int i = 0; i < ST_COUNT; i++) {
        if (ro)
            break;
        if (i == ST_PUT_BATCH)
            continue;   /* long: prepared on first use (scans only) */
        char *made = i == ST_INSERT_SESSION ? session_insert_sql("INSERT", 1, "")
                     : i == ST_PUT_SESSION  ? session_insert_sql("INSERT", 1, session_upsert)
                                            : NULL;
        int prc = sqlite3_prepare_v3(st->db, made != NULL ? made : stmt_sql[i], -1,
                                     SQLITE_PREPARE_PERSISTENT, &st->st[i], NULL);
        free(made);
        if (prc != SQLITE_OK) {
            rc = db_err(st, "preparing statement");
            goto fail;
        }
    }
    *out = st;
    return HV_OK;
fail:
    *err = xstrdup(st->errbuf);
    store_close(st);
    return rc;
}

void store_close(struct store *st)
{
    if (st == NULL)
        return;
    origin_tally_free(st->origins);
    for (int i = 0; i < ST_COUNT; i++)
        sqlite3_finalize(st->st[i]);
    if (st->wal_pending && st->db != NULL)
        sqlite3_exec(st->db, "PRAGMA journal_mode=WAL", NULL, NULL, NULL);
    if (st->db != NULL)
        sqlite3_close(st->db);
    if (st->lock_fd >= 0)
        close(st->lock_fd);
    if (st->wb_fd >= 0)
        close(st->wb_fd);
    free(st);
}

sqlite3 *store_db(struct store *st)
{
    return st->db;
}

const char *store_errmsg(struct store *st)
{
    return st->errbuf;
}

int store_fail(struct store *st, const char *what)
{
    return db_err(st, what);
}

int store_exec(struct store *st, const char *sql)
{
    if (sqlite3_exec(st->db, sql, NULL, NULL, NULL) != SQLITE_OK)
        return db_err(st, "executing SQL");
    return HV_OK;
}

int store_begin(struct store *st)
{
    if (sqlite3_exec(st->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
        return db_err(st, "starting transaction");
    return HV_OK;
}

int store_commit(struct store *st)
{
    if (sqlite3_exec(st->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
        return db_err(st, "committing");
    return HV_OK;
}

void store_rollback(struct store *st)
{
    sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
}

/* step_done - run a statement that returns no rows, then reset it. */
static int step_done(struct store *st, sqlite3_stmt *q, const char *what)
{
    int rc = sqlite3_step(q);
    sqlite3_reset(q);
    sqlite3_clear_bindings(q);
    if (rc != SQLITE_DONE && rc != SQLITE_ROW)
        return db_err(st, what);
    return HV_OK;
}

/* row_to_source - copy a ST_FIND_SOURCE row. */
static void row_to_source(sqlite3_stmt *q, struct store_source *src)
{
    src->id = sqlite3_column_int64(q, 0);
    src->size = sqlite3_column_int64(q, 1);
    src->mtime = sqlite3_column_int64(q, 2);
    src->compressed = sqlite3_column_int(q, 3);
    src->bytes_read = sqlite3_column_int64(q, 4);
    src->lines_read = sqlite3_column_int64(q, 5);
    src->last_offset = sqlite3_column_int64(q, 6);
    src->last_line = sqlite3_column_int64(q, 7);
    snprintf(src->format, sizeof(src->format), "%s",
             (const char *)sqlite3_column_text(q, 8));
}

int store_find_source(struct store *st, const char *fp, int fp_len,
                      struct store_source *src)
{
    sqlite3_stmt *q = st->st[ST_FIND_SOURCE];
    memset(src, 0, sizeof(*src));
    sqlite3_bind_text(q, 1, fp, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(q, 2, fp_len);
    int rc = sqlite3_step(q);
    if (rc == SQLITE_ROW)
        row_to_source(q, src);
    sqlite3_reset(q);
    sqlite3_clear_bindings(q);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return db_err(st, "looking up source");
    return HV_OK;
}

int store_find_source_prefix(struct store *st,
                             const char *(*hashfn)(int len, void *arg),
                             void *arg, struct store_source *src)
{
    sqlite3_stmt *q;
    memset(src, 0, sizeof(*src));
    if (sqlite3_prepare_v2(st->db,
                           "SELECT DISTINCT fp_len FROM sources WHERE fp_len < 4096"
                           " ORDER BY fp_len DESC",
                           -1, &q, NULL) != SQLITE_OK)
        return db_err(st, "looking up short sources");
    int rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        int len = sqlite3_column_int(q, 0);
        const char *h = hashfn(len, arg);
        if (h == NULL)
            continue;
        int frc = store_find_source(st, h, len, src);
        if (frc != HV_OK || src->id != 0) {
            sqlite3_finalize(q);
            return frc;
        }
    }
    sqlite3_finalize(q);
    if (rc != SQLITE_DONE)
        return db_err(st, "looking up short sources");
    return HV_OK;
}

int store_save_source(struct store *st, struct store_source *src,
                      const char *path, const char *fp, int fp_len,
                      int64_t first_ts, int64_t last_ts)
{
    bool insert = src->id == 0;
    sqlite3_stmt *q = st->st[insert ? ST_INSERT_SOURCE : ST_UPDATE_SOURCE];
    int base = insert ? 0 : -1;
    if (insert) {
        sqlite3_bind_text(q, 1, path, -1, SQLITE_TRANSIENT);
    } else {
        sqlite3_bind_text(q, 1, path, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(q, 14, src->id);
    }
    (void)base;
    sqlite3_bind_text(q, 2, fp, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(q, 3, fp_len);
    if (src->format[0])
        sqlite3_bind_text(q, 4, src->format, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(q, 5, src->size);
    sqlite3_bind_int64(q, 6, src->mtime);
    sqlite3_bind_int(q, 7, src->compressed);
    sqlite3_bind_int64(q, 8, src->bytes_read);
    sqlite3_bind_int64(q, 9, src->lines_read);
    sqlite3_bind_int64(q, 10, src->last_offset);
    sqlite3_bind_int64(q, 11, src->last_line);
    if (first_ts != INT64_MIN)
        sqlite3_bind_int64(q, 12, first_ts);
    if (last_ts != INT64_MIN)
        sqlite3_bind_int64(q, 13, last_ts);
    int rc = step_done(st, q, "saving source");
    if (rc == HV_OK && insert)
        src->id = sqlite3_last_insert_rowid(st->db);
    return rc;
}

int store_add_skips(struct store *st, int64_t source_id, const char *reason,
                    int64_t n)
{
    sqlite3_stmt *q = st->st[ST_ADD_SKIPS];
    sqlite3_bind_int64(q, 1, source_id);
    sqlite3_bind_text(q, 2, reason, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(q, 3, n);
    return step_done(st, q, "counting skipped lines");
}

/* put_text - append n bytes and a NUL at buf + *used; returns the copy. */
static const char *put_text(char *buf, size_t *used, const char *p, size_t n)
{
    char *d = buf + *used;
    memcpy(d, p, n);
    d[n] = '\0';
    *used += n + 1;
    return d;
}

size_t store_row_pack(struct store_row *row, int64_t source_id,
                      const struct hv_session *s, char *buf)
{
    size_t used = 0, n;
    row->source_id = source_id;
    row->line = (int64_t)s->line;
    row->ts = s->ts;
    row->mta = hv_mta_name(s->mta);
    row->disposition = hv_disposition_name(hv_session_disposition(s));
    row->messages = s->messages;
    row->again = s->again;
    n = strnlen(s->ip, HV_IP_MAX);
    row->ip = put_text(buf, &used, s->ip, n);
    row->ip_len = (int)n;
    row->helo = NULL;
    row->helo_len = 0;
    row->helo_from = hv_helo_origin_name(s->helo_origin);
    row->label = hv_label_name(s->label);
    row->label_from = row->label != NULL ? hv_label_from_name(s->label_from) : NULL;
    if (row->label_from == NULL)
        row->label = NULL;
    if (s->has_helo) {
        n = strnlen(s->helo, HV_HELO_MAX);
        row->helo = put_text(buf, &used, s->helo, n);
        row->helo_len = (int)n;
    }
    n = strnlen(s->rdns, HV_HOST_MAX);
    row->rdns = put_text(buf, &used, s->rdns, n);
    row->rdns_len = (int)n;
    /* queue IDs are [0-9A-Za-z] in every MTA; anything else is dropped so
     * the JSON array needs no escaping */
    char *json = buf + used;
    size_t o = 0;
    json[o++] = '[';
    for (unsigned i = 0; i < s->nqids && i < HV_SESSION_QIDS; i++) {
        const char *id = s->qids[i];
        size_t len = strnlen(id, HV_QID_MAX);
        bool clean = len > 0;
        for (size_t j = 0; j < len && clean; j++) {
            char c = id[j];
            clean = (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') ||
                    (c >= 'a' && c <= 'z') || c == '-' || c == '_' || c == '.';
        }
        if (!clean)
            continue;
        if (o > 1)
            json[o++] = ',';
        json[o++] = '"';
        memcpy(json + o, id, len);
        o += len;
        json[o++] = '"';
    }
    json[o++] = ']';
    if (o > 2) {
        json[o] = '\0';
        row->qids = json;
        row->qids_len = (int)o;
        used += o + 1;
    } else {
        row->qids = NULL;
        row->qids_len = 0;
    }
    return used;
}

/* The nullable parameters of a row, as bits of store.batch_nulls. */
enum {
    BOUND_NULL_HELO = 1,
    BOUND_NULL_FROM = 2,
    BOUND_NULL_QIDS = 4,
    BOUND_NULL_LABEL = 8, /* label and label_from */
    BOUND_NULL_ALL = 15
};

/* bind_text_or_null - text s (n bytes, -1: to its NUL) or, s NULL, SQL
 * NULL to parameter i; with nulls (the row's BOUND_NULL_* bits), a NULL
 * already bound there is left as it is, and the bit follows the binding. */
static void bind_text_or_null(sqlite3_stmt *q, int i, const char *s, int n,
                              unsigned char *nulls, unsigned bit)
{
    if (s != NULL) {
        sqlite3_bind_text(q, i, s, n, SQLITE_STATIC);
        if (nulls != NULL)
            *nulls &= (unsigned char)~bit;
    } else if (nulls == NULL || !(*nulls & bit)) {
        sqlite3_bind_null(q, i);
        if (nulls != NULL)
            *nulls |= (unsigned char)bit;
    }
}

/* bind_batch_row - the BATCH_ROW_PARAMS parameters of row k of a session
 * statement (text stays the caller's, SQLITE_STATIC). nulls: the row's
 * BOUND_NULL_* bits of the ST_PUT_BATCH statement, whose NULLs stay bound
 * between batches (most rows have no label, many no HELO); NULL for a
 * statement bound in full. */
static void bind_batch_row(sqlite3_stmt *q, int k, const struct store_row *r,
                           unsigned char *nulls)
{
    int b = BATCH_FIRST_ROW_PARAM + BATCH_ROW_PARAMS * k;
    sqlite3_bind_int64(q, b, r->line);
    sqlite3_bind_int64(q, b + 1, r->ts);
    sqlite3_bind_text(q, b + 2, r->ip, r->ip_len, SQLITE_STATIC);
    bind_text_or_null(q, b + 3, r->helo, r->helo_len, nulls, BOUND_NULL_HELO);
    bind_text_or_null(q, b + 4, r->helo_from, -1, nulls, BOUND_NULL_FROM);
    sqlite3_bind_text(q, b + 5, r->rdns, r->rdns_len, SQLITE_STATIC);
    sqlite3_bind_text(q, b + 6, r->disposition, -1, SQLITE_STATIC);
    sqlite3_bind_int64(q, b + 7, (sqlite3_int64)r->messages);
    bind_text_or_null(q, b + 8, r->qids, r->qids_len, nulls, BOUND_NULL_QIDS);
    if (r->label != NULL) {
        /* the pair's bit says both are NULL: clear it whatever label_from is */
        sqlite3_bind_text(q, b + 9, r->label, -1, SQLITE_STATIC);
        bind_text_or_null(q, b + 10, r->label_from, -1, NULL, 0);
        if (nulls != NULL)
            *nulls &= (unsigned char)~BOUND_NULL_LABEL;
    } else if (nulls == NULL || !(*nulls & BOUND_NULL_LABEL)) {
        sqlite3_bind_null(q, b + 9);
        sqlite3_bind_null(q, b + 10);
        if (nulls != NULL)
            *nulls |= BOUND_NULL_LABEL;
    }
}

/* bind_one - every parameter of a single-row session statement. */
static void bind_one(sqlite3_stmt *q, const struct store_row *r)
{
    sqlite3_bind_int64(q, BATCH_SOURCE_PARAM, r->source_id);
    sqlite3_bind_text(q, BATCH_MTA_PARAM, r->mta, -1, SQLITE_STATIC);
    bind_batch_row(q, 0, r, NULL);
}

/* inserts_of - rows[0..n) as the origins watch knows them, into ins. */
static void inserts_of(struct origin_insert *ins, const struct store_row *const *rows, int n)
{
    for (int k = 0; k < n; k++) {
        ins[k].id = (int64_t)((uint64_t)rows[k]->source_id << 32 | (uint64_t)rows[k]->line);
        ins[k].mta = rows[k]->mta;
        ins[k].helo_from = rows[k]->helo_from;
    }
}

/* expect_inserts - tell the origins watch (if any) the rows the next
 * statement inserts, in their order, into ins[0..n) (ending with
 * origin_tally_expect(t, NULL, 0) after the step). */
static void expect_inserts(struct store *st, struct origin_insert *ins,
                           const struct store_row *const *rows, int n)
{
    if (st->origins == NULL)
        return;
    inserts_of(ins, rows, n);
    origin_tally_expect(st->origins, ins, (size_t)n);
}

/* step_put - step a session statement whose inserts expect_inserts told
 * (reset after). SQLite's code. */
static int step_put(struct store *st, sqlite3_stmt *q)
{
    int rc = sqlite3_step(q);
    sqlite3_reset(q);
    if (st->origins != NULL)
        origin_tally_expect(st->origins, NULL, 0);
    return rc;
}

/* put_one - insert a row, or merge it into the stored row of the same
 * source and line (an update, or a line stored by an earlier run). */
static int put_one(struct store *st, const struct store_row *r)
{
    struct origin_insert ins;
    sqlite3_stmt *q = st->st[r->again ? ST_PUT_SESSION : ST_INSERT_SESSION];
    bind_one(q, r);
    expect_inserts(st, &ins, &r, 1);
    int rc = step_put(st, q);
    if (rc == SQLITE_DONE)
        return HV_OK;
    if (r->again || rc != SQLITE_CONSTRAINT_PRIMARYKEY)
        return db_err(st, "storing session");
    q = st->st[ST_PUT_SESSION];
    bind_one(q, r);
    expect_inserts(st, &ins, &r, 1);
    rc = step_put(st, q);
    sqlite3_clear_bindings(q);
    return rc == SQLITE_DONE ? HV_OK : db_err(st, "storing session");
}

/* step_batch - step the bound ST_PUT_BATCH statement of rows (reset
 * after), counting its inserts into the origins watch itself, without
 * the pre-update hook (which costs a call per row): all of them when it
 * is done; the first sqlite3_changes() when a row that exists stopped it
 * (INSERT OR FAIL keeps the rows before); the watch loses track on any
 * other failure. SQLite's code. */
static int step_batch(struct store *st, sqlite3_stmt *q,
                      const struct store_row *const *rows)
{
    if (st->origins == NULL)
        return step_put(st, q);
    struct origin_insert ins[STORE_PUT_BATCH];
    inserts_of(ins, rows, STORE_PUT_BATCH);
    origin_tally_hold(st->origins, true);
    int rc = sqlite3_step(q);
    int changed = sqlite3_changes(st->db);
    sqlite3_reset(q);
    origin_tally_hold(st->origins, false);
    if (rc == SQLITE_DONE)
        origin_tally_inserted(st->origins, ins, STORE_PUT_BATCH);
    else if (rc == SQLITE_CONSTRAINT_PRIMARYKEY && changed >= 0 &&
             changed < STORE_PUT_BATCH)
        origin_tally_inserted(st->origins, ins, (size_t)changed);
    else
        origin_tally_lose(st->origins);
    return rc;
}

/* put_batch - STORE_PUT_BATCH new rows in one statement, or one by one when one
 * of them is stored already or they are not all of one source and MTA. */
static int put_batch(struct store *st, const struct store_row *const *rows)
{
    sqlite3_stmt *q = st->st[ST_PUT_BATCH];
    if (q == NULL) {
        char *sql = session_insert_sql("INSERT OR FAIL", STORE_PUT_BATCH, "");
        int prc = sqlite3_prepare_v3(st->db, sql, -1, SQLITE_PREPARE_PERSISTENT,
                                     &st->st[ST_PUT_BATCH], NULL);
        free(sql);
        if (prc != SQLITE_OK)
            return db_err(st, "preparing statement");
        q = st->st[ST_PUT_BATCH];
        st->batch_source = -1;
        st->batch_mta = NULL;
        memset(st->batch_nulls, BOUND_NULL_ALL, sizeof(st->batch_nulls));
    }
    bool one_kind = true;
    for (int k = 1; k < STORE_PUT_BATCH && one_kind; k++)
        one_kind = rows[k]->source_id == rows[0]->source_id && rows[k]->mta == rows[0]->mta;
    int rc = SQLITE_CONSTRAINT_PRIMARYKEY;
    if (one_kind) {
        if (rows[0]->source_id != st->batch_source) {
            sqlite3_bind_int64(q, BATCH_SOURCE_PARAM, rows[0]->source_id);
            st->batch_source = rows[0]->source_id;
        }
        if (rows[0]->mta != st->batch_mta) {
            sqlite3_bind_text(q, BATCH_MTA_PARAM, rows[0]->mta, -1, SQLITE_STATIC);
            st->batch_mta = rows[0]->mta;
        }
        for (int k = 0; k < STORE_PUT_BATCH; k++)
            bind_batch_row(q, k, rows[k], &st->batch_nulls[k]);
        rc = step_batch(st, q, rows);
        if (rc == SQLITE_DONE)
            return HV_OK;
        if (rc != SQLITE_CONSTRAINT_PRIMARYKEY)
            return db_err(st, "storing sessions");
    }
    for (int k = 0; k < STORE_PUT_BATCH; k++) {
        int r = put_one(st, rows[k]);
        if (r != HV_OK)
            return r;
    }
    return HV_OK;
}

int store_put_session(struct store *st, int64_t source_id,
                      const struct hv_session *s)
{
    char text[STORE_ROW_TEXT_MAX];
    struct store_row row;
    store_row_pack(&row, source_id, s, text);
    return put_one(st, &row);
}

int store_put_rows(struct store *st, const struct store_row *rows, size_t n)
{
    const struct store_row *batch[STORE_PUT_BATCH];
    size_t k = 0;
    int rc;
    /* new sessions first, STORE_PUT_BATCH to a statement */
    for (size_t i = 0; i < n; i++) {
        if (rows[i].again)
            continue;
        batch[k++] = &rows[i];
        if (k == STORE_PUT_BATCH) {
            if ((rc = put_batch(st, batch)) != HV_OK)
                return rc;
            k = 0;
        }
    }
    for (size_t i = 0; i < k; i++)
        if ((rc = put_one(st, batch[i])) != HV_OK)
            return rc;
    /* then the updates, in order: the rows they update are stored by now */
    for (size_t i = 0; i < n; i++)
        if (rows[i].again && (rc = put_one(st, &rows[i])) != HV_OK)
            return rc;
    return HV_OK;
}


/* The first load of an empty database runs without fsync (synchronous=OFF):
 * a crash of heloval loses nothing (the kernel has the writes), but a power
 * loss or kernel crash could leave the file damaged. So the load is fenced by
 * a durable mark in meta: written and synced before the load, removed by the
 * synced commit that ends it. An open that finds the mark checks the file. */
#define FIRST_LOAD_KEY "first_load"

/* A first load only appends to the sessions table (no index yet): the pages
 * it needs are those on the table's rightmost path, and every page of cache
 * beyond that is memory first touched for nothing (each first touch a page
 * fault, costly on virtual machines: 8 MiB is 2,048 of them, a tenth of an
 * Exim scan of 200,000 sessions). 1 MiB holds what the scan writes between
 * two commits of a first load (STORE_FIRST_LOAD_LINES), so the pages are
 * written at commit, not spilled before it: a spill would take the
 * exclusive lock until the commit and shut readers out (a report during
 * the load must still read the first_load mark to say what is going on). */
#define FIRST_LOAD_CACHE_KIB "-1024"

int store_bulk_begin(struct store *st)
{
    if (sqlite3_exec(st->db, "PRAGMA foreign_keys=OFF", NULL, NULL, NULL) != SQLITE_OK)
        return db_err(st, "preparing the scan");
    int64_t have_sessions;
    if (query_int(st, "SELECT EXISTS(SELECT 1 FROM sessions)", "preparing the scan",
                  &have_sessions) != HV_OK)
        return HV_EDB;
    if (have_sessions != 0)
        return HV_OK;
    /* a first load: nobody has anything to read yet. The rollback journal
     * writes each page once (WAL writes it twice: log, then checkpoint). If
     * another connection has the file open the switch fails; WAL stays. */
    sqlite3_exec(st->db, "PRAGMA journal_mode=DELETE", NULL, NULL, NULL);
    if (sqlite3_exec(st->db,
                     "PRAGMA synchronous=FULL;"
                     "INSERT OR REPLACE INTO meta(key,value)"
                     " VALUES('" FIRST_LOAD_KEY "', strftime('%s','now'));"
                     "PRAGMA synchronous=OFF; PRAGMA cache_size=" FIRST_LOAD_CACHE_KIB,
                     NULL, NULL, NULL) != SQLITE_OK)
        return db_err(st, "preparing the first load");
    st->first_load = true;
    const char *file = sqlite3_db_filename(st->db, "main");
    if (file != NULL && file[0] != '\0')
        st->wb_fd = open(file, O_RDONLY | O_CLOEXEC);
    return HV_OK;
}

bool store_first_load(const struct store *st)
{
    return st->first_load;
}

void store_writeback(struct store *st)
{
#if defined(__linux__) && defined(SYNC_FILE_RANGE_WRITE)
    if (st->wb_fd >= 0)
        (void)sync_file_range(st->wb_fd, 0, 0, SYNC_FILE_RANGE_WRITE);
#else
    (void)st;
#endif
}

bool store_watch_origins(struct store *st)
{
    if (!st->first_load)
        return false;
    if (st->origins == NULL)
        st->origins = origin_tally_watch(st->db);
    return st->origins != NULL;
}

bool store_watched_origins(struct store *st,
                           void (*row)(void *arg, const char *mta, const char *helo_from,
                                       int64_t n),
                           void *arg)
{
    return st->origins != NULL && origin_tally_each(st->origins, row, arg);
}

int store_bulk_end(struct store *st)
{
    int rc = HV_OK;
    origin_tally_free(st->origins);
    st->origins = NULL;
    if (st->first_load) {
        /* the synced commit that removes the mark also flushes the load */
        if (sqlite3_exec(st->db,
                         "PRAGMA synchronous=FULL;"
                         "DELETE FROM meta WHERE key = '" FIRST_LOAD_KEY "';"
                         "PRAGMA synchronous=NORMAL; PRAGMA cache_size=" STORE_CACHE_KIB,
                         NULL, NULL, NULL) != SQLITE_OK)
            rc = db_err(st, "finishing the first load");
        else
            st->first_load = false;
    }
    if (st->wb_fd >= 0) {
        close(st->wb_fd);
        st->wb_fd = -1;
    }
    if (sqlite3_exec(st->db, "PRAGMA journal_mode=WAL", NULL, NULL, NULL) == SQLITE_OK)
        st->wal_pending = false;
    if (sqlite3_exec(st->db, "PRAGMA foreign_keys=ON", NULL, NULL, NULL) != SQLITE_OK &&
        rc == HV_OK)
        rc = db_err(st, "finishing the scan");
    return rc;
}

/* check_first_load - an earlier first load that never ended (heloval killed,
 * or the machine went down) left its mark: use the file only if SQLite's
 * check finds it sound, then drop the mark (a scan resumes the load).
 * HV_OK or HV_EDB with the reason. */
static int check_first_load(struct store *st, const char *path, bool ro)
{
    sqlite3_stmt *q;
    bool marked = false;
    if (sqlite3_prepare_v2(st->db, "SELECT 1 FROM meta WHERE key = '" FIRST_LOAD_KEY "'",
                           -1, &q, NULL) != SQLITE_OK)
        return HV_OK;   /* no meta table: not a database of ours yet */
    int src = sqlite3_step(q);
    marked = src == SQLITE_ROW;
    sqlite3_finalize(q);
    if (src != SQLITE_ROW && src != SQLITE_DONE)
        return set_err(st, HV_EDB, "%s: cannot read it: %s", path, sqlite3_errmsg(st->db));
    if (!marked)
        return HV_OK;
    if (sqlite3_prepare_v2(st->db, "PRAGMA quick_check(1)", -1, &q, NULL) != SQLITE_OK)
        return db_err(st, "checking the database");
    int rc = sqlite3_step(q);
    bool sound = rc == SQLITE_ROW &&
                 strcmp((const char *)sqlite3_column_text(q, 0), "ok") == 0;
    sqlite3_finalize(q);
    if (!sound)
        return set_err(st, HV_EDB,
                       "%s: its first scan was cut off (crash or power loss) and the"
                       " file is damaged; delete it and scan again", path);
    if (ro)
        return set_err(st, HV_EDB,
                       "%s: its first scan is still running or was cut off; let it"
                       " finish, or run the scan again to continue it", path);
    if (sqlite3_exec(st->db, "DELETE FROM meta WHERE key = '" FIRST_LOAD_KEY "'", NULL,
                     NULL, NULL) != SQLITE_OK)
        return db_err(st, "checking the database");
    return HV_OK;
}

int store_join_received_helo(struct store *st, int64_t *joined, int64_t *labelled)
{
    /* mbox sessions are few next to log sessions: index their queue IDs in
     * a temp table and look each HELO-less (or label-less) log session's
     * IDs up in it */
    static const char *const steps[] = {
        "DROP TABLE IF EXISTS temp.mbox_qids",
        "CREATE TEMP TABLE mbox_qids(qid TEXT NOT NULL, ip TEXT NOT NULL,"
        " helo TEXT, id INTEGER NOT NULL, explicit INTEGER NOT NULL, label TEXT)",
        "INSERT INTO temp.mbox_qids SELECT j.value, m.ip, m.helo, m.id,"
        " m.helo IS NOT NULL AND m.helo_from IS NOT 'implied', m.label"
        " FROM sessions m, json_each(m.qids) j"
        " WHERE m.mta = 'mbox' AND m.qids IS NOT NULL"
        "  AND (m.helo IS NOT NULL OR m.label IS NOT NULL)",
        "CREATE INDEX temp.mbox_qids_qid ON mbox_qids(qid, ip)",
        /* unobserved HELOs are filled; an implied one gives way only to a
         * header that shows its HELO explicitly (better evidence; a header
         * that hides it too, Exim's "from name ([ip])", is no better); a
         * logged HELO and a provably absent one ('none') are kept */
        "UPDATE sessions SET helo_from = 'received', helo = ("
        "  SELECT q.helo FROM json_each(sessions.qids) j"
        "  JOIN temp.mbox_qids q ON q.qid = j.value AND q.ip = sessions.ip"
        "  WHERE q.helo IS NOT NULL AND (sessions.helo_from IS NULL OR q.explicit)"
        "  ORDER BY q.id LIMIT 1)"
        " WHERE (helo_from IS NULL OR helo_from = 'implied')"
        "  AND mta <> 'mbox' AND qids IS NOT NULL"
        "  AND EXISTS (SELECT 1 FROM json_each(sessions.qids) j"
        "  JOIN temp.mbox_qids q ON q.qid = j.value AND q.ip = sessions.ip"
        "  WHERE q.helo IS NOT NULL AND (sessions.helo_from IS NULL OR q.explicit))",
    };
    /* a log session without a label takes its message's (the first mbox
     * session of the queue ID and IP that has one), whatever its HELO */
    static const char label_step[] =
        "UPDATE sessions SET label_from = 'received', label = ("
        "  SELECT q.label FROM json_each(sessions.qids) j"
        "  JOIN temp.mbox_qids q ON q.qid = j.value AND q.ip = sessions.ip"
        "  WHERE q.label IS NOT NULL ORDER BY q.id LIMIT 1)"
        " WHERE label IS NULL AND mta <> 'mbox' AND qids IS NOT NULL"
        "  AND EXISTS (SELECT 1 FROM json_each(sessions.qids) j"
        "  JOIN temp.mbox_qids q ON q.qid = j.value AND q.ip = sessions.ip"
        "  WHERE q.label IS NOT NULL)";
    *joined = 0;
    *labelled = 0;
    /* the join reads every session: skip it when no mbox was ever scanned */
    int64_t have_mbox;
    if (query_int(st, "SELECT EXISTS(SELECT 1 FROM sources WHERE format = 'mbox')",
                  "joining Received HELOs", &have_mbox) != HV_OK)
        return HV_EDB;
    if (have_mbox == 0)
        return HV_OK;
    for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
        if (sqlite3_exec(st->db, steps[i], NULL, NULL, NULL) != SQLITE_OK)
            return db_err(st, "joining Received HELOs");
        if (i == sizeof(steps) / sizeof(steps[0]) - 1)
            *joined = sqlite3_changes64(st->db);
    }
    /* the label step reads every session too: only when a message has one */
    int64_t have_label;
    if (query_int(st, "SELECT EXISTS(SELECT 1 FROM temp.mbox_qids WHERE label IS NOT NULL)",
                  "joining Received labels", &have_label) != HV_OK)
        return HV_EDB;
    if (have_label != 0) {
        if (sqlite3_exec(st->db, label_step, NULL, NULL, NULL) != SQLITE_OK)
            return db_err(st, "joining Received labels");
        *labelled = sqlite3_changes64(st->db);
    }
    sqlite3_exec(st->db, "DROP TABLE IF EXISTS temp.mbox_qids", NULL, NULL, NULL);
    return HV_OK;
}
