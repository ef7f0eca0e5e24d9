/* SPDX-License-Identifier: MIT */
/*
 * dnscache - the dns_cache table (analyzer/store/schema.c): raw DNS answers keyed
 * by (lower-case qname, qtype) with their status, rcode, TTL, fetch time
 * and expiry. Positive and negative answers are kept for their TTL (RFC 2308
 * for negative ones), failures (timeout, servfail, refused, error) for
 * DNSCACHE_FAIL_TTL seconds. --max-age overrides the TTLs: an entry is then
 * fresh while fetched_at + max_age > now. Statements are prepared once per
 * handle; the caller owns transactions (puts are meant to be batched).
 */
#ifndef HV_DNSCACHE_H
#define HV_DNSCACHE_H

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

#include "dnsmsg.h"
#include "hverr.h"

#define DNSCACHE_FAIL_TTL 60    /* seconds a failure is remembered */
#define DNSCACHE_NEG_TTL 300    /* negative answer without an SOA */

struct dnscache;

/* One cached answer; answer is malloc'ed (NULL for failures without one),
 * released with dnscache_entry_fini. */
struct dnscache_entry {
    enum dnsq_status status;
    int rcode;
    unsigned char *answer;
    size_t len;
    int64_t ttl, fetched_at, expires_at;
};

/* dnscache_open - prepare the statements on db (borrowed; must outlive
 * the handle). HV_OK, or HV_EDB with the SQLite text in *err (malloc'ed). */
int dnscache_open(sqlite3 *db, struct dnscache **out, char **err);

/* dnscache_close - finalize; NULL is a no-op. */
void dnscache_close(struct dnscache *c);

/* dnscache_get - the fresh entry for (qname, qtype) at time now: 1 (hit,
 * *e filled), 0 (absent or stale), HV_EDB (SQLite error). max_age < 0: use
 * the stored expiry; >= 0: fresh while fetched_at + max_age > now
 * (failures also need their own expiry). */
int dnscache_get(struct dnscache *c, const char *qname, int qtype,
                 int64_t now, int64_t max_age, struct dnscache_entry *e);

/* dnscache_put - insert or replace; expires_at = now + ttl. HV_OK or HV_EDB. */
int dnscache_put(struct dnscache *c, const char *qname, int qtype,
                 enum dnsq_status st, int rcode, const unsigned char *msg,
                 size_t len, int64_t ttl, int64_t now);

/* dnscache_ttl - the TTL to store for an outcome: msg_ttl (from
 * dnsmsg_cache_ttl) for OK (0 stays 0: not reused by a later run) and for
 * NODATA/NXDOMAIN (0, i.e. no SOA: DNSCACHE_NEG_TTL); DNSCACHE_FAIL_TTL
 * for failures. */
int64_t dnscache_ttl(enum dnsq_status st, uint32_t msg_ttl);

/* dnscache_entry_fini - free the answer copy. */
void dnscache_entry_fini(struct dnscache_entry *e);

/* dnscache_errmsg - text of the last SQLite error (borrowed). */
const char *dnscache_errmsg(struct dnscache *c);

#endif
