/* SPDX-License-Identifier: MIT */
/*
 * test_rwriter - the resolve stage's writer thread on a real database:
 * every queued cache row and CSA result is written by the drain, in the
 * order queued (a later put of the same key wins), the copies outlive the
 * caller's buffers, a cache read under the lock works while the thread
 * writes, and a failing write is returned by the next drain, after which
 * the writer goes on.
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "dnscache.h"
#include "resolvedb.h"
#include "rwriter.h"
#include "sqlcount.h"
#include "store.h"

int main(void)
{
    char dir[] = "/tmp/test_rwriter.XXXXXX";
    char path[64];
    struct store *st = NULL;
    struct dnscache *cache = NULL;
    struct resolvedb *rdb = NULL;
    struct rwriter *w;
    struct dnscache_entry e;
    char *err = NULL;
    const int64_t t = 1700000000;

    CHECK(mkdtemp(dir) != NULL);
    snprintf(path, sizeof path, "%s/w.db", dir);
    CHECK_INTEQ(store_open(path, 0, &st, &err), HV_OK);
    CHECK_INTEQ(dnscache_open(store_db(st), &cache, &err), HV_OK);
    CHECK_INTEQ(resolvedb_open(st, &rdb), HV_OK);
    w = rwriter_new(st, cache, rdb);
    CHECK(w != NULL);
    if (w == NULL)
        return CHECK_DONE();

    /* 1000 names, each put twice (the second wins), from stack buffers
     * overwritten at once. */
    CHECK_INTEQ(store_begin(st), HV_OK);
    for (int round = 0; round < 2; round++) {
        for (int i = 0; i < 1000; i++) {
            char name[64], ip[32], reason[32];
            unsigned char msg[16];
            snprintf(name, sizeof name, "h%04d.example", i);
            snprintf(ip, sizeof ip, "192.0.2.%d", i % 250);
            snprintf(reason, sizeof reason, "round-%d", round);
            memset(msg, round, sizeof msg);
            rwriter_put_cache(w, name, 33, DNSQ_OK, 0, msg, sizeof msg,
                              300 + round, t);
            struct resolvedb_csa row = { name, ip, "ok", reason, NULL, t,
                                         t + 300 };
            rwriter_put_csa(w, &row);
            memset(name, 'x', sizeof name - 1);
            memset(reason, 'x', sizeof reason - 1);
            if (i == 500) {
                /* A read under the lock while the thread may write. */
                rwriter_lock(w);
                CHECK(dnscache_get(cache, "none.example", 33, t, -1, &e) == 0);
                rwriter_unlock(w);
            }
        }
    }
    CHECK_INTEQ(rwriter_drain(w), HV_OK);
    CHECK_INTEQ(store_commit(st), HV_OK);
    CHECK_INTEQ(sql_count(store_db(st), "SELECT COUNT(*) FROM csa"), 1000);
    CHECK_INTEQ(sql_count(store_db(st), "SELECT COUNT(*) FROM csa"
                                    " WHERE reason = 'round-1'"), 1000);
    CHECK_INTEQ(sql_count(store_db(st), "SELECT COUNT(*) FROM dns_cache"), 1000);
    CHECK_INTEQ(dnscache_get(cache, "h0999.example", 33, t, -1, &e), 1);
    CHECK_INTEQ(e.expires_at, t + 301);
    CHECK(e.answer != NULL && e.len == 16 && e.answer[15] == 1);
    dnscache_entry_fini(&e);

    /* A failing write (reason NULL: NOT NULL) comes with the next drain. */
    CHECK_INTEQ(store_begin(st), HV_OK);
    struct resolvedb_csa bad = { "bad.example", "192.0.2.1", "ok", NULL,
                                 NULL, t, t + 1 };
    rwriter_put_csa(w, &bad);
    CHECK_INTEQ(rwriter_drain(w), HV_EDB);
    CHECK(strstr(store_errmsg(st), "NOT NULL") != NULL ||
          strstr(store_errmsg(st), "CSA") != NULL);
    CHECK_INTEQ(rwriter_drain(w), HV_OK); /* reported once */
    struct resolvedb_csa good = { "good.example", "192.0.2.1", "ok", "r",
                                  NULL, t, t + 1 };
    rwriter_put_csa(w, &good);
    CHECK_INTEQ(rwriter_drain(w), HV_OK);
    CHECK_INTEQ(store_commit(st), HV_OK);
    CHECK_INTEQ(sql_count(store_db(st), "SELECT COUNT(*) FROM csa"
                                    " WHERE helo = 'good.example'"), 1);

    rwriter_free(w);
    rwriter_free(NULL);
    resolvedb_close(rdb);
    dnscache_close(cache);
    store_close(st);
    unlink(path);
    {
        char side[80];
        snprintf(side, sizeof side, "%s-wal", path);
        unlink(side);
        snprintf(side, sizeof side, "%s-shm", path);
        unlink(side);
        snprintf(side, sizeof side, "%s.lock", path);
        unlink(side);
    }
    rmdir(dir);
    free(err);
    return CHECK_DONE();
}
