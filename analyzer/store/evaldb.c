/* SPDX-License-Identifier: MIT */
/* evaldb - the SQL of `heloval evaluate`; see evaldb.h. */
#include "evaldb.h"

#include <stdint.h>

#define EVAL_FP EVALDB_FINGERPRINT

/* A session's id is (source_id << 32) | line (schema.c). */
static const char sql_del_sessions[] =
    "DELETE FROM sessions WHERE source_id IN"
    " (SELECT id FROM sources WHERE fingerprint = '" EVAL_FP "' AND fp_len = 0)";
static const char sql_del_source[] =
    "DELETE FROM sources WHERE fingerprint = '" EVAL_FP "' AND fp_len = 0";

/* source_id - the reserved source's id into *id, added when missing. */
static int source_id(struct store *st, int64_t *id)
{
    static const char what[] = "adding the evaluate source";
    sqlite3_stmt *q;
    if (sqlite3_prepare_v2(store_db(st),
                           "SELECT id FROM sources WHERE fingerprint = '" EVAL_FP
                           "' AND fp_len = 0", -1, &q, NULL) != SQLITE_OK)
        return store_fail(st, what);
    int step = sqlite3_step(q);
    if (step == SQLITE_ROW)
        *id = sqlite3_column_int64(q, 0);
    sqlite3_finalize(q);
    if (step == SQLITE_ROW)
        return HV_OK;
    if (step != SQLITE_DONE)
        return store_fail(st, what);
    if (store_exec(st, "INSERT INTO sources(path, fingerprint, fp_len, format)"
                       " VALUES ('(evaluate)', '" EVAL_FP "', 0, NULL)") != HV_OK)
        return HV_EDB;
    *id = sqlite3_last_insert_rowid(store_db(st));
    return HV_OK;
}

int evaldb_put(struct store *st, const struct evaldb_pair *pairs, size_t n)
{
    static const char what[] = "adding the evaluate batch";
    sqlite3_stmt *q = NULL;
    int64_t sid = 0;
    if (store_begin(st) != HV_OK)
        return HV_EDB;
    int rc = store_exec(st, sql_del_sessions);
    if (rc == HV_OK)
        rc = source_id(st, &sid);
    if (rc == HV_OK &&
        sqlite3_prepare_v2(store_db(st),
                           "INSERT INTO sessions(id, source_id, line, mta, ip, helo,"
                           " helo_from, disposition) VALUES (?1, ?2, ?3, 'evaluate', ?4,"
                           " ?5, ?6, 'unknown')", -1, &q, NULL) != SQLITE_OK)
        rc = store_fail(st, what);
    for (size_t i = 0; rc == HV_OK && i < n; i++) {
        int64_t line = (int64_t)i + 1;
        bool nohelo = pairs[i].helo == NULL || pairs[i].helo[0] == '\0';
        sqlite3_bind_int64(q, 1, (sid << 32) | line);
        sqlite3_bind_int64(q, 2, sid);
        sqlite3_bind_int64(q, 3, line);
        sqlite3_bind_text(q, 4, pairs[i].ip, -1, SQLITE_STATIC);
        if (nohelo) {
            sqlite3_bind_null(q, 5);
            sqlite3_bind_text(q, 6, "none", -1, SQLITE_STATIC);
        } else {
            sqlite3_bind_text(q, 5, pairs[i].helo, -1, SQLITE_STATIC);
            sqlite3_bind_text(q, 6, "log", -1, SQLITE_STATIC);
        }
        if (sqlite3_step(q) != SQLITE_DONE)
            rc = store_fail(st, what);
        sqlite3_reset(q);
    }
    sqlite3_finalize(q);
    if (rc != HV_OK) {
        store_rollback(st);
        return rc;
    }
    return store_commit(st);
}

int evaldb_clear(struct store *st)
{
    if (store_begin(st) != HV_OK)
        return HV_EDB;
    int rc = store_exec(st, sql_del_sessions);
    if (rc == HV_OK)
        rc = store_exec(st, sql_del_source);
    if (rc != HV_OK) {
        store_rollback(st);
        return rc;
    }
    return store_commit(st);
}
