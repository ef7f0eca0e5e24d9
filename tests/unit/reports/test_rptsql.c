/* SPDX-License-Identifier: MIT */
/*
 * test_rptsql - the run-time read-only rule of reports/ (rptsql.h): a
 * statement that writes is refused by rpt_prepare; rpt_prepare_temp and
 * rpt_exec_temp let writes to TEMP objects through and refuse every other
 * write (main tables, schema, pragmas that change the file, ATTACH,
 * transactions) before it runs; rpt_read_begin gives the statements up to
 * rpt_read_end one state of the database while another connection commits,
 * and leaves a caller's own transaction alone. Also hv_strerror and
 * hv_errf (hverr.h).
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "sqlcount.h"
#include "hverr.h"
#include "rptsql.h"

/* refused - sql goes through prepare (rpt_prepare, or rpt_prepare_temp
 * when temp) only to be refused with HV_EWRITE, no statement and a
 * message naming the database file. */
static void refused(sqlite3 *db, const char *sql, int temp)
{
    sqlite3_stmt *q = (sqlite3_stmt *)1;
    char *err = NULL;
    int rc = temp ? rpt_prepare_temp(db, sql, NULL, &q, &err)
                  : rpt_prepare(db, sql, &q, &err);
    CHECK_MSG(rc == HV_EWRITE, "%s: rc %d", sql, rc);
    CHECK_MSG(q == NULL, "%s: a statement came back", sql);
    CHECK_MSG(err != NULL && strstr(err, "t.db: refused a report statement") != NULL,
              "%s: message '%s'", sql, err ? err : "(none)");
    sqlite3_finalize(q == (sqlite3_stmt *)1 ? NULL : q);
    free(err);
}

/* allowed - sql prepares, runs to its end and is finalized. */
static void allowed(sqlite3 *db, const char *sql, int temp)
{
    sqlite3_stmt *q = NULL;
    char *err = NULL;
    int rc = temp ? rpt_prepare_temp(db, sql, NULL, &q, &err)
                  : rpt_prepare(db, sql, &q, &err);
    CHECK_MSG(rc == HV_OK && q != NULL, "%s: rc %d (%s)", sql, rc,
              err ? err : "");
    if (q != NULL) {
        int s;
        while ((s = sqlite3_step(q)) == SQLITE_ROW)
            ;
        CHECK_MSG(rpt_step_done(db, s, "test", &err) == HV_OK, "%s: %s", sql,
                  err ? err : "");
    }
    sqlite3_finalize(q);
    free(err);
}

static void test_rules(sqlite3 *db)
{
    char *err = NULL;

    /* read-only statements: reads only */
    allowed(db, "SELECT count(*) FROM sessions", 0);
    refused(db, "DELETE FROM sessions", 0);
    refused(db, "INSERT INTO sessions(id) VALUES(9)", 0);
    refused(db, "UPDATE sessions SET helo = 'x'", 0);
    refused(db, "CREATE TEMP TABLE t0(a)", 0); /* temp writes need _temp */

    /* temp statements: TEMP objects and two connection settings only */
    allowed(db, "CREATE TEMP TABLE t1(a)", 1);
    allowed(db, "INSERT INTO temp.t1 VALUES(1)", 1);
    refused(db, "INSERT INTO temp.t1 VALUES(1)", 0); /* not read-only */
    allowed(db, "UPDATE temp.t1 SET a = 2", 1);
    allowed(db, "CREATE INDEX temp.t1_a ON t1(a)", 1);
    allowed(db, "DELETE FROM temp.t1", 1);
    allowed(db, "PRAGMA temp_store=MEMORY", 1);
    allowed(db, "PRAGMA cache_size=-1024", 1);
    allowed(db, "DROP TABLE IF EXISTS temp.t1", 1);
    refused(db, "DELETE FROM sessions", 1);
    refused(db, "INSERT INTO main.sessions(id) VALUES(9)", 1);
    refused(db, "UPDATE sessions SET helo = 'x'", 1);
    refused(db, "CREATE TABLE main.t2(a)", 1);
    refused(db, "CREATE INDEX main.s_helo ON sessions(helo)", 1);
    refused(db, "DROP TABLE sessions", 1);
    refused(db, "ALTER TABLE sessions ADD COLUMN x", 1);
    refused(db, "PRAGMA journal_mode=DELETE", 1);
    refused(db, "PRAGMA user_version=99", 1);
    refused(db, "ATTACH DATABASE ':memory:' AS other", 1);
    refused(db, "BEGIN IMMEDIATE", 1);
    refused(db, "CREATE TEMP TRIGGER tr AFTER INSERT ON sessions BEGIN"
                " SELECT 1; END", 1);

    /* rpt_exec_temp stops at the first refused statement: nothing of the
     * main schema is touched */
    CHECK_INTEQ(rpt_exec_temp(db, "CREATE TEMP TABLE t3(a);"
                                  " DELETE FROM sessions;"
                                  " INSERT INTO temp.t3 VALUES(1)",
                              &err),
                HV_EWRITE);
    CHECK(err != NULL && strstr(err, "DELETE FROM sessions") != NULL);
    CHECK_INTEQ(sql_count(db, "SELECT count(*) FROM sessions"), 2);
    CHECK_INTEQ(sql_count(db, "SELECT count(*) FROM temp.t3"), 0);
    CHECK_INTEQ(sql_count(db, "PRAGMA user_version"), 0);
    free(err);
    err = NULL;
    CHECK_INTEQ(rpt_exec_temp(db, "DROP TABLE IF EXISTS temp.t3; ", &err),
                HV_OK);
    CHECK(err == NULL);

    /* SQLite's own failures are HV_EDB naming the file and the cause */
    CHECK_INTEQ(rpt_exec_temp(db, "SELECT * FROM no_such_table", &err),
                HV_EDB);
    CHECK(err != NULL && strstr(err, "t.db: ") != NULL &&
          strstr(err, "no such table: no_such_table") != NULL);
    free(err);
    err = NULL;
    /* the authorizer is gone after the prepare: the connection may write */
    CHECK(sqlite3_exec(db, "INSERT INTO sessions(id) VALUES(3)", NULL, NULL,
                       NULL) == SQLITE_OK);
}

static void test_hverr(void)
{
    char *err = NULL;
    CHECK_STREQ(hv_strerror(HV_OK), "success");
    CHECK_STREQ(hv_strerror(HV_EDB), "database error");
    CHECK_STREQ(hv_strerror(HV_EIO), "write error");
    CHECK_STREQ(hv_strerror(12345), "unknown error");
    /* the codes kept their numbers */
    CHECK_INTEQ(HV_EDB, -1);
    CHECK_INTEQ(HV_EBUSY, -2);
    CHECK_INTEQ(HV_EDNS, -3);
    CHECK_INTEQ(HV_EINTR, -4);
    CHECK_INTEQ(HV_EDEGRADED, -5);
    for (int c = HV_EWRITE; c < HV_OK; c++)
        CHECK_MSG(strcmp(hv_strerror(c), "unknown error") != 0, "code %d", c);
    CHECK_INTEQ(hv_errf(&err, HV_EIO, "%s: %s", "out.txt", "disk full"), HV_EIO);
    CHECK_STREQ(err, "out.txt: disk full");
    CHECK_INTEQ(hv_errf(&err, HV_EDB, "second %d", 2), HV_EDB); /* replaced */
    CHECK_STREQ(err, "second 2");
    free(err);
    CHECK_INTEQ(hv_errf(NULL, HV_EUSAGE, "dropped"), HV_EUSAGE);
}

/* test_read_txn - in WAL mode, a row committed by another connection
 * after rpt_read_begin is seen only after rpt_read_end. */
static void test_read_txn(const char *path)
{
    sqlite3 *a = NULL, *b = NULL;
    char *err = NULL;
    bool began = false;
    CHECK(sqlite3_open(path, &a) == SQLITE_OK);
    CHECK(sqlite3_open(path, &b) == SQLITE_OK);
    CHECK(sqlite3_exec(a, "PRAGMA journal_mode=WAL", NULL, NULL, NULL) ==
          SQLITE_OK);
    long long before = sql_count(a, "SELECT count(*) FROM sessions");
    CHECK_INTEQ(rpt_read_begin(a, &began, &err), HV_OK);
    CHECK(began && sqlite3_get_autocommit(a) == 0);
    CHECK_INTEQ(sql_count(a, "SELECT count(*) FROM sessions"), before);
    CHECK(sqlite3_exec(b, "INSERT INTO sessions(id) VALUES(100)", NULL, NULL,
                       NULL) == SQLITE_OK);
    CHECK_INTEQ(sql_count(a, "SELECT count(*) FROM sessions"), before);
    rpt_read_end(a, began);
    CHECK(sqlite3_get_autocommit(a) != 0);
    CHECK_INTEQ(sql_count(a, "SELECT count(*) FROM sessions"), before + 1);
    /* the caller's transaction: neither begun nor ended here */
    CHECK(sqlite3_exec(a, "BEGIN", NULL, NULL, NULL) == SQLITE_OK);
    CHECK_INTEQ(rpt_read_begin(a, &began, &err), HV_OK);
    CHECK(!began);
    rpt_read_end(a, began);
    CHECK(sqlite3_get_autocommit(a) == 0);
    CHECK(sqlite3_exec(a, "COMMIT; DELETE FROM sessions WHERE id = 100",
                       NULL, NULL, NULL) == SQLITE_OK);
    CHECK(err == NULL);
    free(err);
    sqlite3_close(b);
    sqlite3_close(a);
}

int main(void)
{
    char dir[] = "/tmp/hv-test-rptsql-XXXXXX";
    char path[256];
    sqlite3 *db = NULL;
    if (mkdtemp(dir) == NULL) {
        CHECK(0);
        return CHECK_DONE();
    }
    snprintf(path, sizeof(path), "%s/t.db", dir);
    CHECK(sqlite3_open(path, &db) == SQLITE_OK);
    CHECK(sqlite3_exec(db, "CREATE TABLE sessions(id INTEGER PRIMARY KEY,"
                           " helo TEXT); INSERT INTO sessions(id)"
                           " VALUES(1),(2)",
                       NULL, NULL, NULL) == SQLITE_OK);
    test_rules(db);
    test_hverr();
    test_read_txn(path);
    sqlite3_close(db);
    snprintf(path, sizeof(path), "rm -rf '%s'", dir);
    CHECK(system(path) == 0);
    return CHECK_DONE();
}
