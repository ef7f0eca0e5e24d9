/* SPDX-License-Identifier: MIT */
/*
 * test_readviews - the read views of reports/ (analyzer/store/readviews.h):
 * created on a read-only connection, idempotent, each rv_ view shows its
 * table's rows with the documented columns, and a temp_store change (which
 * drops TEMP objects) is repaired by creating them again. The sessions'
 * time span (READVIEWS_SESSION_SPAN_SQL) leaves NULL times out and is two
 * look-ups of the time index, not a pass over the sessions.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "sqlcount.h"
#include "readviews.h"
#include "store.h"
#include "tmpstore.h"

static const char fill[] =
    "INSERT INTO sources(id,path,fingerprint,fp_len,format,lines_read)"
    " VALUES(1,'logs/a.log','aa',4096,'postfix',10);"
    "INSERT INTO source_skips VALUES(1,'malformed',3);"
    "INSERT INTO sessions(id,source_id,line,ts,mta,ip,helo,helo_from,rdns,"
    " disposition,messages) VALUES"
    " ((1<<32)|1,1,1,1793491201,'postfix','192.0.2.1','a.example','log','',"
    "  'accepted',1),"
    " ((1<<32)|7,1,7,1793491202,'postfix','192.0.2.2',NULL,NULL,'',"
    "  'rejected',0),"
    " ((1<<32)|9,1,9,NULL,'postfix','192.0.2.3','b.example','log','',"
    "  'accepted',1);"
    /* as the first resolve makes it */
    "CREATE INDEX sessions_ts ON sessions(ts);"
    "INSERT INTO csa VALUES('a.example','192.0.2.1','ok','authorized',"
    " 'x',1,2);"
    "INSERT INTO dna_result VALUES('a.example','unknown',NULL,NULL,1,2);"
    "INSERT INTO meta VALUES('authserv_id','mx.example');";

/* span_of - READVIEWS_SESSION_SPAN_SQL on db into *first and *last (-1
 * for NULL, -2 when it fails). */
static void span_of(sqlite3 *db, long long *first, long long *last)
{
    sqlite3_stmt *q = NULL;
    *first = *last = -2;
    if (sqlite3_prepare_v2(db, READVIEWS_SESSION_SPAN_SQL, -1, &q, NULL) ==
            SQLITE_OK &&
        sqlite3_step(q) == SQLITE_ROW) {
        *first = sqlite3_column_type(q, 0) == SQLITE_NULL
                     ? -1 : sqlite3_column_int64(q, 0);
        *last = sqlite3_column_type(q, 1) == SQLITE_NULL
                    ? -1 : sqlite3_column_int64(q, 1);
    }
    sqlite3_finalize(q);
}

int main(void)
{
    struct tmpstore t;
    char path[256];
    sqlite3 *db = NULL;
    char *err = NULL;

    if (!tmpstore_open(&t, "readviews", "h.db"))
        return CHECK_DONE();
    CHECK_INTEQ(store_exec(t.st, fill), HV_OK);
    store_close(t.st);
    t.st = NULL;
    snprintf(path, sizeof(path), "%s", t.path);

    /* a read-only connection, as `heloval report` and `export` open it */
    CHECK_INTEQ(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    CHECK_INTEQ(readviews_create(db, &err), HV_OK);
    CHECK_INTEQ(readviews_create(db, &err), HV_OK); /* idempotent */
    CHECK(err == NULL);
    CHECK_INTEQ(sql_count(db, "SELECT count(*) FROM rv_sessions"), 3);
    CHECK_INTEQ(sql_count(db, "SELECT count(*) FROM rv_sessions"
                          " WHERE helo IS NULL AND helo_from IS NULL"), 1);
    CHECK_INTEQ(sql_count(db, "SELECT sum(lines_read) FROM rv_sources"), 10);
    CHECK_INTEQ(sql_count(db, "SELECT sum(count) FROM rv_source_skips"), 3);
    CHECK_INTEQ(sql_count(db, "SELECT count(*) FROM rv_csa WHERE status = 'ok'"), 1);
    CHECK_INTEQ(sql_count(db, "SELECT count(*) FROM rv_dna_result"), 1);
    CHECK_INTEQ(sql_count(db, "SELECT count(*) FROM rv_dna"), 0);
    CHECK_INTEQ(sql_count(db, "SELECT count(*) FROM rv_policy"), 16);
    CHECK_INTEQ(sql_count(db, "SELECT count(*) FROM rv_meta"
                          " WHERE value = 'mx.example'"), 1);
    CHECK_INTEQ(sql_count(db, "SELECT count(*) FROM rv_resolve_runs"), 0);
    CHECK_INTEQ(sql_count(db, "SELECT count(*) FROM rv_scan_runs"), 0);
    CHECK_INTEQ(sql_count(db, "SELECT count(*) FROM rv_runs"), 0);
    CHECK_INTEQ(sql_count(db, "SELECT count(*) FROM rv_run_senders"), 0);
    CHECK_INTEQ(sql_count(db, "SELECT count(*) FROM rv_csa_changes"), 0);
    CHECK_INTEQ(sql_count(db, "SELECT count(*) FROM rv_dna_changes"), 0);
    CHECK_INTEQ(sql_count(db, "SELECT count(*) FROM rv_session_keys"
                          " WHERE id IN (SELECT id FROM sessions)"), 3);
    CHECK_INTEQ(sql_count(db, "SELECT count(*) FROM rv_indexes"),
                sql_count(db, "SELECT count(*) FROM main.sqlite_master"
                          " WHERE type = 'index'"));
    CHECK(sql_count(db, "SELECT count(*) FROM rv_indexes") > 0);
    /* the time span: the least and the most time, the NULL one left out,
     * each found in the time index (no plan step scans the sessions) */
    long long first = 0, last = 0;
    span_of(db, &first, &last);
    CHECK_INTEQ(first, 1793491201);
    CHECK_INTEQ(last, 1793491202);
    sqlite3_stmt *plan;
    CHECK_INTEQ(sqlite3_prepare_v2(db, "EXPLAIN QUERY PLAN "
                                   READVIEWS_SESSION_SPAN_SQL, -1, &plan, NULL),
                SQLITE_OK);
    int scans = 0, index_steps = 0;
    while (sqlite3_step(plan) == SQLITE_ROW) {
        const char *d = (const char *)sqlite3_column_text(plan, 3);
        scans += d != NULL && strstr(d, "SCAN") != NULL &&
                 strstr(d, "sessions") != NULL;
        index_steps += d != NULL && strstr(d, "USING INDEX sessions_ts") != NULL;
    }
    sqlite3_finalize(plan);
    CHECK_INTEQ(scans, 0);
    CHECK_INTEQ(index_steps, 2);
    /* the views are TEMP: the file has none of them */
    CHECK_INTEQ(sql_count(db, "SELECT count(*) FROM main.sqlite_master"
                          " WHERE name LIKE 'rv\\_%' ESCAPE '\\'"), 0);
    CHECK_INTEQ(sql_count(db, "SELECT count(*) FROM temp.sqlite_master"
                          " WHERE type = 'view' AND name LIKE 'rv\\_%' ESCAPE '\\'"), 16);
    /* a temp_store change drops them; creating them again repairs it */
    CHECK_INTEQ(sqlite3_exec(db, "PRAGMA temp_store=FILE", NULL, NULL, NULL), SQLITE_OK);
    CHECK_INTEQ(sql_count(db, "SELECT count(*) FROM rv_sessions"), -1);
    CHECK_INTEQ(readviews_create(db, &err), HV_OK);
    CHECK_INTEQ(sql_count(db, "SELECT count(*) FROM rv_sessions"), 3);
    sqlite3_close(db);

    /* a file without the tables: the views are made (SQLite binds a view
     * when a query reads it) and reading one fails */
    snprintf(path, sizeof(path), "%s/empty.db", t.dir);
    CHECK_INTEQ(sqlite3_open(path, &db), SQLITE_OK);
    CHECK_INTEQ(readviews_create(db, &err), HV_OK);
    CHECK_INTEQ(sql_count(db, "SELECT count(*) FROM rv_sessions"), -1);
    sqlite3_close(db);

    /* a database without a session: no span (NULL, NULL) */
    struct tmpstore e;
    if (tmpstore_open(&e, "readviews-empty", "e.db")) {
        store_close(e.st);
        e.st = NULL;
        CHECK_INTEQ(sqlite3_open_v2(e.path, &db, SQLITE_OPEN_READONLY, NULL),
                    SQLITE_OK);
        CHECK_INTEQ(readviews_create(db, &err), HV_OK);
        span_of(db, &first, &last);
        CHECK_INTEQ(first, -1);
        CHECK_INTEQ(last, -1);
        sqlite3_close(db);
        tmpstore_close(&e);
    }
    free(err);
    tmpstore_close(&t);
    return CHECK_DONE();
}
