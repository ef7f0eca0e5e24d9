/* SPDX-License-Identifier: MIT */
/*
 * test_bulkload - store_bulk_begin / store_bulk_end (analyzer/store/store.h)
 * set the connection as their contract says: a first load (empty sessions
 * table) runs in rollback-journal mode with a 1 MiB page cache and no
 * foreign-key checks; store_bulk_end gives back WAL mode, the 8 MiB cache and
 * the checks; a load into a database that has sessions keeps WAL and 8 MiB.
 * The rows of the first load are all there after it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "session.h"
#include "sqlcount.h"
#include "store.h"
#include "tmpstore.h"

/* load - one bulk load of n sessions from line first on; HV_OK or the
 * first error. */
static int load(struct store *st, int64_t source_id, uint64_t first, int n)
{
    struct hv_session s;
    int rc = store_begin(st);
    for (int i = 0; rc == HV_OK && i < n; i++) {
        hv_session_reset(&s);
        s.mta = HV_MTA_POSTFIX;
        s.line = first + (uint64_t)i;
        s.ts = 1793491200 + i;
        snprintf(s.ip, sizeof(s.ip), "192.0.2.%d", i % 250);
        snprintf(s.helo, sizeof(s.helo), "mx%d.example.org", i % 97);
        s.has_helo = true;
        s.helo_origin = HV_HELO_LOGGED;
        s.complete = true;
        rc = store_put_session(st, source_id, &s);
    }
    return rc == HV_OK ? store_commit(st) : rc;
}

int main(void)
{
    struct tmpstore t;
    char buf[64];

    if (!tmpstore_open(&t, "bulkload", "b.db"))
        return CHECK_DONE();
    struct store *st = t.st;
    sqlite3 *db = store_db(st);
    CHECK_INTEQ(sql_count(db, "PRAGMA cache_size"), -8192);

    struct store_source src;
    CHECK(tmpstore_add_source(&t, &src));

    /* the first load */
    CHECK_INTEQ(store_bulk_begin(st), HV_OK);
    CHECK_INTEQ(sql_count(db, "PRAGMA cache_size"), -1024);
    CHECK(store_first_load(st));
    CHECK_INTEQ(sql_count(db, "PRAGMA foreign_keys"), 0);
    CHECK_STREQ(sql_text(db, "PRAGMA journal_mode", buf, sizeof(buf)), "delete");
    CHECK_INTEQ(load(st, src.id, 1, 20000), HV_OK);
    CHECK_INTEQ(store_bulk_end(st), HV_OK);
    CHECK_INTEQ(sql_count(db, "PRAGMA cache_size"), -8192);
    CHECK_INTEQ(sql_count(db, "PRAGMA foreign_keys"), 1);
    CHECK_STREQ(sql_text(db, "PRAGMA journal_mode", buf, sizeof(buf)), "wal");
    CHECK_INTEQ(sql_count(db, "SELECT count(*) FROM sessions"), 20000);
    CHECK_INTEQ(sql_count(db, "SELECT count(DISTINCT helo) FROM sessions"), 97);
    CHECK_STREQ(sql_text(db, "PRAGMA quick_check", buf, sizeof(buf)), "ok");

    /* a later load: the database has sessions, nothing but the checks changes */
    CHECK_INTEQ(store_bulk_begin(st), HV_OK);
    CHECK_INTEQ(sql_count(db, "PRAGMA cache_size"), -8192);
    CHECK_STREQ(sql_text(db, "PRAGMA journal_mode", buf, sizeof(buf)), "wal");
    CHECK_INTEQ(load(st, src.id, 20001, 100), HV_OK);
    CHECK_INTEQ(store_bulk_end(st), HV_OK);
    CHECK_INTEQ(sql_count(db, "SELECT count(*) FROM sessions"), 20100);

    tmpstore_close(&t);
    return CHECK_DONE();
}
