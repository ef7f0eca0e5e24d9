/* SPDX-License-Identifier: MIT */
/* rptsql - prepare reports/ statements with the read-only rule enforced. */
#include "rptsql.h"

#include <stddef.h>
#include <string.h>

#include "store.h"

/* db_name - the main database's file name, for messages. */
static const char *db_name(sqlite3 *db)
{
    const char *f = sqlite3_db_filename(db, "main");
    return f != NULL && f[0] != '\0' ? f : "(in-memory database)";
}

int rpt_dberr(sqlite3 *db, const char *what, char **err)
{
    return hv_errf(err, HV_EDB, "%s: %s: %s", db_name(db), what,
                   sqlite3_errmsg(db));
}

int rpt_step_done(sqlite3 *db, int rc, const char *what, char **err)
{
    if (rc == SQLITE_DONE)
        return HV_OK;
    return rpt_dberr(db, what, err);
}

/* head - the first 60 bytes of sql for a message (static buffer). */
static const char *head(const char *sql)
{
    static char buf[64];
    size_t n = strlen(sql);
    if (n > 60)
        n = 60;
    memcpy(buf, sql, n);
    buf[n] = '\0';
    return buf;
}

int rpt_prepare(sqlite3 *db, const char *sql, sqlite3_stmt **q, char **err)
{
    *q = NULL;
    if (sqlite3_prepare_v2(db, sql, -1, q, NULL) != SQLITE_OK) {
        sqlite3_finalize(*q);
        *q = NULL;
        return rpt_dberr(db, "report query failed", err);
    }
    if (*q != NULL && !sqlite3_stmt_readonly(*q)) {
        sqlite3_finalize(*q);
        *q = NULL;
        return hv_errf(err, HV_EWRITE,
                       "%s: refused a report statement that writes: %s",
                       db_name(db), head(sql));
    }
    return HV_OK;
}

/* is_temp_db - the schema name an authorizer was given is TEMP. */
static int is_temp_db(const char *name)
{
    return name != NULL && strcmp(name, "temp") == 0;
}

/* temp_only - authorizer: reads, and writes to the TEMP schema only. */
static int temp_only(void *arg, int action, const char *a1, const char *a2,
                     const char *dbname, const char *trigger)
{
    (void)arg;
    (void)a2;
    (void)trigger;
    switch (action) {
    case SQLITE_SELECT:
    case SQLITE_READ:
    case SQLITE_FUNCTION:
    case SQLITE_RECURSIVE:
    case SQLITE_CREATE_TEMP_TABLE:
    case SQLITE_CREATE_TEMP_INDEX:
    case SQLITE_DROP_TEMP_TABLE:
    case SQLITE_DROP_TEMP_INDEX:
        return SQLITE_OK;
    case SQLITE_INSERT:
    case SQLITE_UPDATE:
    case SQLITE_DELETE:
    case SQLITE_REINDEX: /* asked by CREATE INDEX, of the new index */
        return is_temp_db(dbname) ? SQLITE_OK : SQLITE_DENY;
    case SQLITE_PRAGMA:
        return a1 != NULL && (strcmp(a1, "temp_store") == 0 ||
                              strcmp(a1, "cache_size") == 0)
                   ? SQLITE_OK
                   : SQLITE_DENY;
    default:
        return SQLITE_DENY;
    }
}

int rpt_prepare_temp(sqlite3 *db, const char *sql, const char **tail,
                     sqlite3_stmt **q, char **err)
{
    int rc;

    *q = NULL;
    sqlite3_set_authorizer(db, temp_only, NULL);
    rc = sqlite3_prepare_v2(db, sql, -1, q, tail);
    sqlite3_set_authorizer(db, NULL, NULL);
    if (rc == SQLITE_AUTH) {
        sqlite3_finalize(*q);
        *q = NULL;
        return hv_errf(err, HV_EWRITE,
                       "%s: refused a report statement that writes outside"
                       " TEMP: %s",
                       db_name(db), head(sql));
    }
    if (rc != SQLITE_OK) {
        sqlite3_finalize(*q);
        *q = NULL;
        return rpt_dberr(db, "report query failed", err);
    }
    return HV_OK;
}

int rpt_exec_temp(sqlite3 *db, const char *sql, char **err)
{
    const char *rest = sql;

    while (rest != NULL && *rest != '\0') {
        sqlite3_stmt *q = NULL;
        int rc = rpt_prepare_temp(db, rest, &rest, &q, err);
        if (rc != HV_OK)
            return rc;
        if (q == NULL)
            break; /* only blanks or a comment were left */
        do
            rc = sqlite3_step(q);
        while (rc == SQLITE_ROW);
        rc = rpt_step_done(db, rc, "report query failed", err);
        sqlite3_finalize(q);
        if (rc != HV_OK)
            return rc;
    }
    return HV_OK;
}

int rpt_twin_open(sqlite3 *db, sqlite3 **twin, char **err)
{
    *twin = NULL;
    const char *path = sqlite3_db_filename(db, "main");
    if (path == NULL || *path == '\0')
        return HV_OK;
    /* one thread at a time, as every connection of heloval (store.c) */
    if (sqlite3_open_v2(path, twin, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX,
                        NULL) != SQLITE_OK) {
        int rc = hv_errf(err, HV_EDB, "%s: opening a second reader: %s", path,
                         *twin != NULL ? sqlite3_errmsg(*twin) : "out of memory");
        sqlite3_close(*twin);
        *twin = NULL;
        return rc;
    }
    sqlite3_busy_timeout(*twin, STORE_BUSY_TIMEOUT_MS);
    sqlite3_extended_result_codes(*twin, 1);
    /* it reads in key order: a small cache serves (a failed setting only
     * costs speed or memory) */
    rpt_exec_temp(*twin, "PRAGMA cache_size=-256", NULL);
    return HV_OK;
}

int rpt_data_version(sqlite3 *db, long long *v, char **err)
{
    sqlite3_stmt *q;
    int rc = rpt_prepare(db, "PRAGMA data_version", &q, err);
    if (rc != HV_OK)
        return rc;
    int st = sqlite3_step(q);
    if (st == SQLITE_ROW)
        *v = sqlite3_column_int64(q, 0);
    else if (st == SQLITE_DONE)
        rc = hv_errf(err, HV_EDB, "%s: reading data_version: no value",
                     db_name(db));
    else
        rc = rpt_dberr(db, "reading data_version", err);
    sqlite3_finalize(q);
    return rc;
}

int rpt_read_begin(sqlite3 *db, bool *began, char **err)
{
    *began = false;
    if (sqlite3_get_autocommit(db) == 0)
        return HV_OK; /* the caller's transaction */
    if (sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
        return rpt_dberr(db, "starting a read transaction", err);
    *began = true;
    return HV_OK;
}

void rpt_read_end(sqlite3 *db, bool began)
{
    if (began && sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
        sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
}
