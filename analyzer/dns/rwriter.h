/* SPDX-License-Identifier: MIT */
/*
 * rwriter - a writer thread for the resolve stage: the DNS cache rows and
 * CSA results the event loop produces are queued and written to SQLite by
 * a second thread, so the loop never waits for an insert. The SQLite handle
 * is NOMUTEX: every use of it outside the writer while the writer lives
 * goes through rwriter_lock/rwriter_unlock, or follows rwriter_drain (the
 * writer touches the handle only while it holds the lock, and is idle once
 * drained). Without threads (rwriter_new returns NULL) the caller writes
 * directly.
 */
#ifndef HV_RWRITER_H
#define HV_RWRITER_H

#include <stddef.h>
#include <stdint.h>

#include "dnscache.h"
#include "resolvedb.h"
#include "store.h"

struct rwriter;

/* rwriter_new - start the thread writing through cache and rdb (borrowed;
 * must outlive the writer; cache may be NULL). NULL if it cannot start. */
struct rwriter *rwriter_new(struct store *st, struct dnscache *cache,
                            struct resolvedb *rdb);

/* rwriter_put_cache - queue a copy of a dnscache_put. */
void rwriter_put_cache(struct rwriter *w, const char *qname, int qtype,
                       enum dnsq_status st, int rcode,
                       const unsigned char *msg, size_t len, int64_t ttl,
                       int64_t now);

/* rwriter_put_csa - queue a copy of a resolvedb_put_csa. */
void rwriter_put_csa(struct rwriter *w, const struct resolvedb_csa *row);

/* rwriter_drain - wait until everything queued is written. HV_OK, or the
 * first failure since the last drain (already recorded with store_fail). */
int rwriter_drain(struct rwriter *w);

/* rwriter_lock / rwriter_unlock - exclusive use of the SQLite handle. */
void rwriter_lock(struct rwriter *w);
void rwriter_unlock(struct rwriter *w);

/* rwriter_free - drain, stop the thread, free; NULL is a no-op. */
void rwriter_free(struct rwriter *w);

#endif
