/* SPDX-License-Identifier: MIT */
/*
 * test_dnscache - the dns_cache table on a real SQLite database with the
 * real schema: positive and negative answers reused until their TTL,
 * failures for DNSCACHE_FAIL_TTL, --max-age overriding the TTLs, blobs kept
 * byte for byte, replace on a second put.
 */
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "dnscache.h"
#include "schema.h"

int main(void)
{
    sqlite3 *db = NULL;
    struct dnscache *c = NULL;
    struct dnscache_entry e;
    char *err = NULL;
    const unsigned char msg[] = { 0x12, 0x34, 0x84, 0x00, 0, 1, 0, 1,
                                  0, 0, 0, 0, 0xff, 0x00, 0x01 };
    const int64_t t = 1700000000;

    CHECK_INTEQ(sqlite3_open(":memory:", &db), SQLITE_OK);
    for (size_t i = 0; i < schema_version; i++)
        CHECK_INTEQ(sqlite3_exec(db, schema_migrations[i], NULL, NULL, NULL),
                    SQLITE_OK);
    CHECK_INTEQ(dnscache_open(db, &c, &err), 0);

    /* TTL policy */
    CHECK_INTEQ(dnscache_ttl(DNSQ_OK, 300), 300);
    CHECK_INTEQ(dnscache_ttl(DNSQ_OK, 0), 0);
    CHECK_INTEQ(dnscache_ttl(DNSQ_NXDOMAIN, 120), 120);
    CHECK_INTEQ(dnscache_ttl(DNSQ_NODATA, 0), DNSCACHE_NEG_TTL);
    CHECK_INTEQ(dnscache_ttl(DNSQ_TIMEOUT, 86400), DNSCACHE_FAIL_TTL);
    CHECK_INTEQ(dnscache_ttl(DNSQ_SERVFAIL, 0), DNSCACHE_FAIL_TTL);
    CHECK_INTEQ(dnscache_ttl(DNSQ_REFUSED, 0), DNSCACHE_FAIL_TTL);

    /* absent */
    CHECK_INTEQ(dnscache_get(c, "a.example", 33, t, -1, &e), 0);

    /* positive answer: fresh until expiry, blob intact */
    CHECK_INTEQ(dnscache_put(c, "a.example", 33, DNSQ_OK, 0, msg, sizeof msg,
                             300, t), 0);
    CHECK_INTEQ(dnscache_get(c, "a.example", 33, t + 299, -1, &e), 1);
    CHECK_INTEQ(e.status, DNSQ_OK);
    CHECK_INTEQ(e.len, sizeof msg);
    CHECK(e.answer != NULL && memcmp(e.answer, msg, sizeof msg) == 0);
    CHECK_INTEQ(e.fetched_at, t);
    CHECK_INTEQ(e.expires_at, t + 300);
    dnscache_entry_fini(&e);
    CHECK(e.answer == NULL);
    CHECK_INTEQ(dnscache_get(c, "a.example", 33, t + 300, -1, &e), 0);
    CHECK_INTEQ(dnscache_get(c, "a.example", 1, t, -1, &e), 0);

    /* --max-age overrides the TTL both ways */
    CHECK_INTEQ(dnscache_get(c, "a.example", 33, t + 1000, 2000, &e), 1);
    dnscache_entry_fini(&e);
    CHECK_INTEQ(dnscache_get(c, "a.example", 33, t + 10, 5, &e), 0);
    CHECK_INTEQ(dnscache_get(c, "a.example", 33, t, 0, &e), 0);

    /* negative answer with its SOA TTL */
    CHECK_INTEQ(dnscache_put(c, "nx.example", 33, DNSQ_NXDOMAIN, 3, msg,
                             sizeof msg, 120, t), 0);
    CHECK_INTEQ(dnscache_get(c, "nx.example", 33, t + 119, -1, &e), 1);
    CHECK_INTEQ(e.status, DNSQ_NXDOMAIN);
    CHECK_INTEQ(e.rcode, 3);
    dnscache_entry_fini(&e);
    CHECK_INTEQ(dnscache_get(c, "nx.example", 33, t + 121, -1, &e), 0);

    /* failure without a message: briefly, and max-age cannot stretch it */
    CHECK_INTEQ(dnscache_put(c, "to.example", 16, DNSQ_TIMEOUT, 0, NULL, 0,
                             dnscache_ttl(DNSQ_TIMEOUT, 0), t), 0);
    CHECK_INTEQ(dnscache_get(c, "to.example", 16, t + 59, -1, &e), 1);
    CHECK_INTEQ(e.status, DNSQ_TIMEOUT);
    CHECK(e.answer == NULL);
    CHECK_INTEQ(e.len, 0);
    CHECK_INTEQ(dnscache_get(c, "to.example", 16, t + 61, -1, &e), 0);
    CHECK_INTEQ(dnscache_get(c, "to.example", 16, t + 61, 86400, &e), 0);

    /* a second put replaces the row */
    CHECK_INTEQ(dnscache_put(c, "a.example", 33, DNSQ_SERVFAIL, 2, NULL, 0,
                             60, t + 500), 0);
    CHECK_INTEQ(dnscache_get(c, "a.example", 33, t + 501, -1, &e), 1);
    CHECK_INTEQ(e.status, DNSQ_SERVFAIL);
    CHECK_INTEQ(e.rcode, 2);
    {
        sqlite3_stmt *s;
        sqlite3_prepare_v2(db, "SELECT COUNT(*) FROM dns_cache", -1, &s, NULL);
        CHECK_INTEQ(sqlite3_step(s), SQLITE_ROW);
        CHECK_INTEQ(sqlite3_column_int(s, 0), 3);
        sqlite3_finalize(s);
    }

    dnscache_close(c);
    sqlite3_close(db);
    return CHECK_DONE();
}
