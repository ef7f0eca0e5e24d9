/* SPDX-License-Identifier: MIT */
/*
 * runs - the recorded nightly runs (tables runs, run_senders) and the
 * retention of the database (`heloval prune`). README "Nightly runs" and
 * "Retention".
 *
 * A run is recorded by `heloval run` after its report: its window, the
 * sessions in it and its at-risk senders (the report's at_risk grouping:
 * domain + reason, sessions, messages). The report's sender_cohorts table
 * compares the current at-risk set with the last recorded run's.
 *
 * prune removes, in one transaction, the sessions whose time is before a
 * date (sessions without a time are kept), then the CSA rows (and their
 * recorded changes) of the pruned (HELO, IP) pairs and the DNA rows,
 * verdicts and changes of the pruned HELOs that no remaining session
 * references, and the runs started before the date. Sources stay: they
 * hold the scan's resume state, so a rescan of a pruned file imports
 * nothing again.
 *
 * Every function returns HV_OK or HV_EDB (store_errmsg names the cause).
 */
#ifndef HV_RUNS_H
#define HV_RUNS_H

#include <stdbool.h>
#include <stddef.h>

#include "store.h"

/* One at-risk sender of a run. */
struct runs_sender {
    const char *domain;
    const char *reason;
    long long sessions, messages;
};

/* A run to record. since/until: LLONG_MIN/LLONG_MAX when open (stored as
 * NULL); sessions are those of the window (counted here). */
struct runs_new {
    long long started_at, finished_at;
    long long since, until;
    const struct runs_sender *senders;
    size_t nsenders;
};

/* runs_record - store r and its senders in one transaction; *id its id. */
int runs_record(struct store *st, const struct runs_new *r, long long *id);

/* A recorded run as `heloval runs` lists it: nnew / nfixed compare its
 * at-risk senders with the run before it (the first run: all new). */
struct runs_row {
    long long id, started_at, finished_at;
    bool has_since, has_until;
    long long since, until;
    long long sessions, at_risk, nnew, nfixed;
};

/* runs_list - every recorded run, oldest first, into *rows (malloc'ed,
 * *n rows; NULL and 0 when none). */
int runs_list(struct store *st, struct runs_row **rows, size_t *n);

/* What prune removed (or would remove). */
struct prune_stats {
    long long sessions;      /* sessions removed */
    long long untimed_kept;  /* sessions without a time: kept */
    long long pairs;         /* (HELO, IP) pairs no session references now */
    long long helos;         /* HELOs no session references now */
    long long csa_rows, dna_rows, runs; /* stored rows removed */
    bool has_span;           /* a session was removed: */
    long long first, last;   /* its first and last time */
};

/* prune_before - remove what is older than before (epoch seconds) as
 * above, in one transaction; dry_run: compute the same, change nothing
 * (the transaction is rolled back). */
int prune_before(struct store *st, long long before, bool dry_run,
                 struct prune_stats *out);

#endif
