/* SPDX-License-Identifier: MIT */
/*
 * test_twinread - the twin connection of twinread.h sees the state of the
 * database its first connection's read transaction sees, or is not had:
 * with no commit between twinread_mark and twinread_begin the twin reads
 * the rows the first connection reads, also after a later commit (its own
 * read transaction holds); a commit between the first connection's read
 * transaction and twinread_begin, or between twinread_mark and that
 * transaction, closes the twin; a first connection already in a read
 * transaction (a statement stepped and not reset, or BEGIN) or without a
 * file gets no twin; the twin is read-only. In WAL mode and with a rollback
 * journal.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "sqlcount.h"
#include "twinread.h"

/* count - SELECT count(*) FROM t on db (-1 on failure). */
static long long count(sqlite3 *db)
{
    return sql_count(db, "SELECT count(*) FROM t");
}

/* open_db - a connection to path (created), NULL on failure (checked). */
static sqlite3 *open_db(const char *path)
{
    sqlite3 *db = NULL;
    int rc = sqlite3_open_v2(path, &db,
                             SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
    CHECK_MSG(rc == SQLITE_OK, "open %s", path);
    return rc == SQLITE_OK ? db : NULL;
}

/* reader_begins - the first connection's read transaction: a statement
 * stepped to its row and left there, as the report's hold statement. */
static sqlite3_stmt *reader_begins(sqlite3 *a)
{
    sqlite3_stmt *q = NULL;
    CHECK(sqlite3_prepare_v2(a, "SELECT count(*) FROM t", -1, &q, NULL) ==
          SQLITE_OK);
    CHECK(q != NULL && sqlite3_step(q) == SQLITE_ROW);
    return q;
}

/* one_mode - every case over a database at path in journal mode `mode`. */
static void one_mode(const char *path, const char *mode)
{
    sqlite3 *w = open_db(path), *a = open_db(path);
    if (w == NULL || a == NULL) {
        sqlite3_close(w);
        sqlite3_close(a);
        return;
    }
    char sql[128];
    snprintf(sql, sizeof(sql), "PRAGMA journal_mode=%s", mode);
    sql_exec(w, sql);
    sql_exec(w, "DROP TABLE IF EXISTS t; CREATE TABLE t(x);"
                "INSERT INTO t VALUES(1),(2),(3)");
    bool wal = strcmp(mode, "wal") == 0;

    /* no commit in between: the twin reads what a reads */
    struct twinread tw;
    twinread_mark(&tw, a);
    CHECK_MSG(tw.db != NULL, "%s: no twin", mode);
    sqlite3_stmt *hold = reader_begins(a);
    CHECK_MSG(twinread_begin(&tw), "%s: a twin on the same state refused",
              mode);
    CHECK(tw.db != NULL && count(tw.db) == 3);
    if (wal && tw.db != NULL) {
        /* the twin's transaction holds its state past a later commit */
        sql_exec(w, "INSERT INTO t VALUES(4)");
        CHECK_INTEQ(count(tw.db), 3);
        CHECK_INTEQ(count(a), 3);
    }
    if (tw.db != NULL) /* read-only */
        CHECK(sqlite3_exec(tw.db, "INSERT INTO t VALUES(9)", NULL, NULL,
                           NULL) != SQLITE_OK);
    twinread_close(&tw);
    CHECK(tw.db == NULL);
    sqlite3_finalize(hold);

    if (wal) {
        /* a commit after a's transaction began, before the twin's: no twin */
        twinread_mark(&tw, a);
        hold = reader_begins(a);
        sql_exec(w, "INSERT INTO t VALUES(5)");
        CHECK_MSG(!twinread_begin(&tw), "a twin past a commit was kept");
        CHECK(tw.db == NULL);
        sqlite3_finalize(hold);
    }
    /* a commit between the mark and a's transaction: no twin (the states
     * are the same, but nothing can tell) */
    twinread_mark(&tw, a);
    sql_exec(w, "INSERT INTO t VALUES(6)");
    hold = reader_begins(a);
    CHECK_MSG(!twinread_begin(&tw), "%s: a twin marked before a commit was"
              " kept", mode);
    CHECK(tw.db == NULL);

    /* a already reading (its statement not reset): no twin at all */
    twinread_mark(&tw, a);
    CHECK_MSG(tw.db == NULL, "%s: a twin of a connection already reading",
              mode);
    CHECK(!twinread_begin(&tw));
    sqlite3_finalize(hold);
    sql_exec(a, "BEGIN");
    twinread_mark(&tw, a);
    CHECK_MSG(tw.db == NULL, "%s: a twin inside BEGIN", mode);
    sql_exec(a, "COMMIT");
    twinread_close(&tw); /* nothing to close: no harm */
    sqlite3_close(a);
    sqlite3_close(w);
}

int main(void)
{
    char dir[] = "/tmp/hv-test-twinread-XXXXXX";
    if (mkdtemp(dir) == NULL) {
        CHECK_MSG(0, "mkdtemp failed");
        return CHECK_DONE();
    }
    char path[128], side[160];
    snprintf(path, sizeof(path), "%s/t.db", dir);
    one_mode(path, "wal");
    one_mode(path, "delete");
    /* no file of its own: no twin */
    sqlite3 *m = NULL;
    CHECK(sqlite3_open(":memory:", &m) == SQLITE_OK);
    struct twinread tw;
    twinread_mark(&tw, m);
    CHECK(tw.db == NULL && !twinread_begin(&tw));
    sqlite3_close(m);
    static const char *const left[] = {"t.db", "t.db-wal", "t.db-shm",
                                       "t.db-journal"};
    for (size_t i = 0; i < sizeof(left) / sizeof(left[0]); i++) {
        snprintf(side, sizeof(side), "%s/%s", dir, left[i]);
        unlink(side);
    }
    rmdir(dir);
    return CHECK_DONE();
}
