/* SPDX-License-Identifier: MIT */
/*
 * Folder analyzer/dns/ (README "Layout"): the resolve stage (resolve.h),
 * DNS queries through c-ares (resolver.h, the only file under analyzer/
 * that includes ares.h), the DNS wire format (dnsmsg.h), zone files
 * (zonefile.h) and the (name, qtype) table of both (qtable.h). The
 * stage's SQL is analyzer/store/resolvedb.h.
 */
/*
 * resolve - the resolve stage the CLI calls: evaluate CSA for every
 * distinct (HELO, client IP) and DNA for every distinct HELO whose stored
 * result is missing or expired, fetching what the evaluators (csa.h,
 * dna.h) need from the SQLite cache (dnscache.h), from --dns-zone master
 * files (zonefile.h) or from the network (resolver.h). The work list is
 * streamed from SQLite in chunks (sorted by HELO, so each distinct name is
 * asked once per chunk; dns_cache deduplicates across chunks); memory
 * follows the chunk and the queries in flight, not the number of names.
 * In a chunk every job is evaluated; the answers it lacks are sent at once
 * (deduplicated) and it is evaluated again as soon as all of them are in,
 * inside the resolver's callbacks, so evaluation overlaps the network. A
 * job still pending after RESOLVE_MAX_ROUNDS evaluations is deferred.
 * With threads > 1 (network runs only), each chunk is split between that
 * many event loops by a hash of the HELO, each with its own resolver and
 * answer map and its share of concurrency and qps: the stored results are
 * the same as with one, but a question needed by HELOs of two loops may be
 * sent once per loop.
 * Each chunk is one transaction; results are written as they are decided;
 * SIGINT/SIGTERM stop the run cleanly (what is done stays committed; the
 * next run continues).
 *
 * Database effects: csa, dna, dna_result, dns_cache rows; policy (when
 * policy_file is given); meta keys "authserv_id", "csa_opts",
 * "resolve_warning" (see HV_EDEGRADED) and "dna_opts" (when the evaluation options differ from the stored ones,
 * the csa resp. dna/dna_result rows are marked stale and redone, each
 * replaced in the transaction that writes its new value); one
 * resolve_runs row per run.
 */
#ifndef HV_RESOLVE_H
#define HV_RESOLVE_H

#include <stdbool.h>
#include <stddef.h>

#include "hverr.h" /* HV_EDNS, HV_EINTR, HV_EDEGRADED */
#include "store.h"

#define RESOLVE_MAX_ROUNDS 12
#define RESOLVE_MAX_THREADS 64

struct resolve_opts {
    const char **servers; size_t nservers;      /* "ADDR[:PORT]" (--dns-server) */
    const char **zones; size_t nzones;          /* --dns-zone FILE: offline answers */
    const char **accreditors; size_t naccreditors; /* --accreditor DOMAIN */
    bool trust_listed;                          /* --trust-listed */
    int concurrency;   /* --concurrency, default 1000 */
    int timeout_ms;    /* --timeout, default 1500 */
    int tries;         /* --tries, default 2 */
    int qps;           /* --qps, 0 = no cap */
    int threads;       /* --threads, default (0) 1 */
    long long max_age; /* --max-age S, -1 = use TTLs */
    bool use_reverse;  /* !--no-reverse */
    bool parent_search;/* !--no-parent-search */
    int search_limit;  /* --csa-search-limit, default 5 */
    const char *policy_file; /* --policy */
    const char *authserv_id; /* --authserv-id, default "localhost" */
    bool progress;     /* progress bar on stderr */
};

/* resolve_opts_init - the defaults above (no servers: /etc/resolv.conf). */
void resolve_opts_init(struct resolve_opts *o);

struct resolve_stats { long long names, pairs, queries, cache_hits, timeouts, failures,
                       lookups; double elapsed; };

/* resolve_run - evaluate every session whose CSA/DNA is missing or expired; HV_OK or an
   error with a malloc'ed message in *err. Prints the progress bar and the summary with
   msg_info (analyzer/base/msg.h) unless msg_quiet. Errors: HV_EDB (SQLite), HV_EDNS (server
   list, zone file, c-ares/epoll setup, policy file), HV_EINTR (interrupted: *out is still
   filled, what was finished is committed), HV_EDEGRADED (the run finished and stored its
   results, but more than half of the lookups it sent to the network ended in a timeout,
   SERVFAIL, REFUSED, a malformed answer or a network error: a dead or refusing server;
   *err names the servers and the counts, and the same text is kept in meta key
   "resolve_warning" for the reports until a run whose lookups mostly succeed). lookups =
   lookups that went to the network and ended (each counted once, however many tries). names = distinct HELOs evaluated for DNA,
   pairs = (HELO, IP) evaluated for CSA, queries = DNS messages sent (retries included),
   cache_hits = answers taken from dns_cache, timeouts/failures = queries that ended so. */
int resolve_run(struct store *st, const struct resolve_opts *o, struct resolve_stats *out,
                char **err);

#endif
