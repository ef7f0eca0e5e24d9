/* SPDX-License-Identifier: MIT */
/*
 * trend - `--compare-previous`: the report's headline (headline.h) beside
 * the same figures over the previous window of equal length.
 *
 * The window: with --since and --until, [since, until); with one bound or
 * none, the missing bound(s) come from the sessions in range, the first
 * session's time rounded down and the last one's rounded up to a whole
 * day (UTC; nightly reports compare days), so that `--since 2026-11-02`
 * over sessions until 2026-11-03T21:10 is the window [2026-11-02,
 * 2026-11-04), and no bound over sessions of Nov 1 to Nov 3 is [Nov 1,
 * Nov 4). No bound and no session: no window, an error
 * (HV_EUSAGE). The previous window is [start - len, start).
 *
 * Its figures are the headline of a second report over that window (the
 * same policy, only the headline computed), so they equal what `report
 * --since PREV_START --until START` shows. Two tables follow the headline:
 *   headline_previous  kv, the previous window's headline items (the same
 *                      items as headline)
 *   headline_compare   figure,current,previous,change,change_pct: one row
 *                      per integer item of the headline (low_coverage and
 *                      the percentages left out), change = current -
 *                      previous, change_pct = 100 * change / previous with
 *                      one decimal, NULL when previous is 0.
 * and the text and HTML say it in words (trend_sentence, trend_change).
 * No string from the store enters any of it.
 */
#ifndef HV_TREND_H
#define HV_TREND_H

#include <stdbool.h>

#include "fmt.h"
#include "report.h"

/* trend_window - the previous window of the report window (o's bounds,
 * the span of the sessions in range: has_span, first, last) into
 * [*since, *until). HV_OK, or HV_EUSAGE with *err set when no window can
 * be derived (a missing bound and no session in range, or since >= until). */
int trend_window(const struct report_opts *o, bool has_span, long long first,
                 long long last, long long *since, long long *until,
                 char **err);

/* trend_previous - build into *prev (report_free it in every case) the
 * headline of the report o over [since, until) on db. HV_OK or the error
 * of report_build. Must not run while the caller's work tables exist (it
 * makes and drops its own). */
int trend_previous(sqlite3 *db, const struct report_opts *o, long long since,
                   long long until, struct report *prev, char **err);

/* trend_fill_previous - the rows of the headline_previous kv table t: a
 * copy of prev's headline items (none when prev has no headline). */
void trend_fill_previous(struct rtable *t, const struct report *prev);

/* trend_fill_compare - the rows of the headline_compare table t from the
 * headline tables of cur and prev (none when either lacks one). */
void trend_fill_compare(struct rtable *t, const struct report *cur,
                        const struct report *prev);

/* trend_sentence - when r has a previous window and its headline_compare
 * table (not so under --table headline), the comparison in words
 * into b (appended, plain ASCII, no newline) and true: "Against the
 * previous 1 day (FROM .. UNTIL): accepted messages 85 (+5, +6.3%), ...";
 * or "...: no sessions in that window."; else false, b untouched. */
bool trend_sentence(const struct report *r, struct fmt_buf *b);

/* trend_change - when r has a headline_compare row for figure, "+5
 * (+16.7%) against the previous N day(s)" ("(new)" for the percentage when
 * the previous figure is 0) into b (appended, plain ASCII) and true; else
 * false, b untouched. */
bool trend_change(const struct report *r, const char *figure,
                  struct fmt_buf *b);

#endif
