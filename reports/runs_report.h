/* SPDX-License-Identifier: MIT */
/*
 * runs_report - the report tables of nightly runs and DNS drift, and the
 * listing of `heloval runs` (README "Nightly runs", "DNS drift").
 * temp.hv_p holds only the pairs workrows.h names: a query here that
 * reads other pairs needs its condition there.
 *
 * sender_cohorts: the current at-risk senders (the at_risk grouping of
 *   temp.hv_p: domain + reason, verdict reject, accepted sessions) against
 *   those of the last run recorded before the last resolve began (rv_runs,
 *   rv_run_senders, rv_resolve_runs: for `run` and for a report after it,
 *   the run before; after a `resolve` alone, the last run): status new
 *   (not at risk in that run), still (at risk there too; runs = the
 *   consecutive recorded runs it was at risk, plus this one; first_seen =
 *   the start of the first of them) or fixed (at risk in that run, not
 *   now, with accepted sessions in the window; runs, first_seen as for
 *   still but without this one; sessions and messages are that run's) or
 *   absent (as fixed, but the domain has no accepted session in the
 *   window: a moving --since window says nothing of it). Without a
 *   recorded run the table is empty.
 * dns_drift: the recorded CSA (helo, ip) and DNA (helo) changes of the
 *   senders with sessions in the window, newest first, top N, with the
 *   sessions of the window they affect.
 * dns_age: kv; over the sessions of the window with a time and a CSA
 *   answer, the age of the answer (its evaluated_at - the session time, in
 *   seconds): min, median (the lower one), max, the share over 7 and over
 *   365 days away, and a warning sentence when the median is over
 *   RUNS_AGE_WARN_DAYS days (empty otherwise).
 *
 * All SQL reads only rv_* views and temp tables (report.c binds :since,
 * :until, :top). No stored string enters a sentence.
 */
#ifndef HV_RUNS_REPORT_H
#define HV_RUNS_REPORT_H

#include "report.h"

#define RUNS_AGE_WARN_DAYS 30

#define SENDER_COHORTS_COLS "domain,reason,status,runs,first_seen,sessions,messages"
#define SENDER_COHORTS_TYPES "tttisii"
#define DNS_DRIFT_COLS "helo,ip,what,old,new,changed_at,sessions"
#define DNS_DRIFT_TYPES "ttttts" "i"

extern const char sender_cohorts_sql[];
extern const char dns_drift_sql[];
extern const char dns_age_sql[];

/* the figures of dns_age worked out in C (report.c, from the sessions it
 * holds): n ages; min, lower median (the (n-1)/2-th in order), max; how
 * many are over 7 and over 365 days away (abs) */
struct dns_age_stats {
    long long n, min, median, max, over_7_days, over_365_days;
};

/* dns_age_stats_sql - into b, a read-only statement of the dns_age table
 * with st's figures: the row dns_age_sql gives for the same ages. */
struct fmt_buf;
void dns_age_stats_sql(const struct dns_age_stats *st, struct fmt_buf *b);

/* runs_render_list - the recorded runs of db (rv_runs; read-only) as one
 * table "runs" (id, started_at, finished_at, since, until, sessions,
 * at_risk_senders, new, fixed: new and fixed against the run before) in
 * the renderer o->format names, to out. HV_OK, or HV_EDB / HV_EIO /
 * HV_EUSAGE with *err set. */
int runs_render_list(sqlite3 *db, const struct report_opts *o, FILE *out, char **err);

/* runs_at_risk - the report's at_risk table over db for the window and
 * policy of o, without the --top limit and unmasked, into *r (free with
 * report_free): the senders `heloval run` records. */
int runs_at_risk(sqlite3 *db, const struct report_opts *o, struct report *r, char **err);

#endif
