/* SPDX-License-Identifier: MIT */
/*
 * resolvedb - the SQL of the resolve stage (analyzer/dns/resolve.c): the
 * work list (which CSA pairs and DNA names have no fresh result), writing
 * CSA and DNA results, the options signatures and warning in meta, the
 * indexes the work list needs, and the resolve_runs row. resolve.c owns
 * the evaluation, the TTL policy and the transactions (store_begin...);
 * this file owns the statements. The store is borrowed. Every function
 * binds all values, checks every step and returns HV_OK or HV_EDB with
 * the text in store_errmsg(st). The result writers run once per job: their
 * statements are prepared once by resolvedb_open and reused.
 */
#ifndef HV_RESOLVEDB_H
#define HV_RESOLVEDB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store.h"

/* ==== options, warning, indexes, runs ==== */

/* resolvedb_ensure_indexes - the sessions(ts) index of the reports' time
 * windows, and an index leading with (helo, ip) for the work list unless
 * one exists: created once, after the first scan's bulk load. */
int resolvedb_ensure_indexes(struct store *st);

/* resolvedb_set_csa_opts - keep sig as meta "csa_opts"; when it differs
 * from the stored one, every CSA result is marked stale (it stays, and is
 * shown, until replaced). */
int resolvedb_set_csa_opts(struct store *st, const char *sig);

/* resolvedb_set_dna_opts - keep sig as meta "dna_opts"; when it differs,
 * every DNA result is marked stale (keep) or deleted (!keep: no DNA
 * service is asked any more, and "unknown" is no row). */
int resolvedb_set_dna_opts(struct store *st, const char *sig, bool keep);

/* resolvedb_set_authserv_id - keep id as meta "authserv_id". */
int resolvedb_set_authserv_id(struct store *st, const char *id);

/* resolvedb_set_warning - keep text as meta "resolve_warning" (the reports
 * print it at their top); NULL clears it. */
int resolvedb_set_warning(struct store *st, const char *text);

/* resolvedb_run_begin - add a resolve_runs row started at started_at;
 * *id receives its id. */
int resolvedb_run_begin(struct store *st, int64_t started_at, int64_t *id);

/* The totals a resolve_runs row ends with. */
struct resolvedb_run {
    int64_t finished_at;
    long long names, queries, cache_hits, timeouts, failures;
};

/* resolvedb_run_end - write the totals of run id. */
int resolvedb_run_end(struct store *st, int64_t id, const struct resolvedb_run *run);

/* ==== the work list ==== */

/* Freshness: a stored result is fresh until its expiry; with max_age >= 0
 * for max_age seconds after its evaluation, except a defer, which also
 * needs its own (short) expiry, and a result marked stale by changed
 * options (evaluated_at 0), whatever the age allowed. */

enum resolvedb_work {
    RESOLVEDB_PAIRS,    /* (helo, ip) of sessions with a HELO, no fresh CSA */
    RESOLVEDB_NOHELO,   /* ip of sessions without a HELO, no fresh CSA */
    RESOLVEDB_HELOS     /* helo of sessions, no fresh DNA result */
};

/* resolvedb_count_work - the number of jobs of the three kinds at time now
 * (RESOLVEDB_HELOS only when dna), for the progress bar. */
int resolvedb_count_work(struct store *st, int64_t now, long long max_age, bool dna,
                         long long *n);

struct resolvedb_cursor;

/* resolvedb_work_open - walk one kind of work in key order, in chunks
 * (resolvedb_work_next). Free with resolvedb_work_close. */
int resolvedb_work_open(struct store *st, enum resolvedb_work kind, int64_t now,
                        long long max_age, struct resolvedb_cursor **out);

/* resolvedb_work_next - the next (at most limit) jobs whose key follows
 * (k1, k2): row(arg, a, b) for each, in key order, with a the HELO (the IP
 * for RESOLVEDB_NOHELO) and b the IP (RESOLVEDB_PAIRS) or NULL; the texts
 * are borrowed for the call. *n receives the number of rows. Each call
 * reads the database afresh, so results written between calls count. */
int resolvedb_work_next(struct resolvedb_cursor *w, const char *k1, const char *k2,
                        size_t limit,
                        void (*row)(void *arg, const char *a, const char *b),
                        void *arg, size_t *n);

/* resolvedb_work_close - free w; NULL is a no-op. */
void resolvedb_work_close(struct resolvedb_cursor *w);

/* ==== results ==== */

struct resolvedb;

/* resolvedb_open - prepare the result writers. Close with resolvedb_close
 * before the store. */
int resolvedb_open(struct store *st, struct resolvedb **out);

/* resolvedb_close - finalize; NULL is a no-op. */
void resolvedb_close(struct resolvedb *db);

/* One CSA result row (csa table). Empty or NULL record: none. */
struct resolvedb_csa {
    const char *helo;      /* "" for a session without a HELO */
    const char *ip;
    const char *status, *reason, *record;
    int64_t evaluated_at, expires_at;
};

/* resolvedb_put_csa - insert or replace the CSA result of (helo, ip). */
int resolvedb_put_csa(struct resolvedb *db, const struct resolvedb_csa *r);

/* resolvedb_clear_dna - delete the per-service DNA rows of helo (before
 * its new ones are put). */
int resolvedb_clear_dna(struct resolvedb *db, const char *helo);

/* One DNA row of one service (dna table). Empty or NULL texts: none. */
struct resolvedb_dna {
    const char *helo, *service;
    const char *grade, *level, *info;
    const char *status;
    int64_t evaluated_at, expires_at;
};

/* resolvedb_put_dna - insert or replace one service's DNA row. */
int resolvedb_put_dna(struct resolvedb *db, const struct resolvedb_dna *r);

/* The DNA verdict of one HELO (dna_result table). Empty or NULL: none. */
struct resolvedb_dna_result {
    const char *helo, *status;
    const char *grade, *service;
    int64_t evaluated_at, expires_at;
};

/* resolvedb_put_dna_result - insert or replace the DNA verdict of helo. */
int resolvedb_put_dna_result(struct resolvedb *db, const struct resolvedb_dna_result *r);

#endif
