/* SPDX-License-Identifier: MIT */
/*
 * headline - the answer a report opens with, and its coverage.
 *
 * The headline (kv table "headline", first in every format) counts, over
 * the sessions the MTA accepted in the window (messages exist only in
 * accepted sessions), how many messages and sessions CSV would have
 * rejected, deferred (verdict tempfail), marked and accepted, and how many
 * it could not evaluate (verdicts unresolved and unevaluated). Its items,
 * all integers but the two percentages:
 *   accepted_messages, would_reject_messages, would_defer_messages,
 *   would_mark_messages, would_accept_messages, unevaluated_messages,
 *   accepted_sessions, would_reject_sessions, ... unevaluated_sessions,
 *   evaluated_messages_pct, evaluated_sessions_pct (0..100, one decimal),
 *   low_coverage (1 when under HEADLINE_LOW_COVERAGE_PCT of the accepted
 *   messages, or of the accepted sessions when no message was counted,
 *   were evaluated; else 0).
 * would_* + unevaluated_* = accepted_* for messages and sessions alike.
 *
 * The coverage table ("coverage") splits the accepted sessions and
 * messages of each MTA by cause: evaluated, helo-unobserved (the log does
 * not show the HELO: verdict unevaluated), dns-unresolved (no CSA answer
 * stored: verdict unresolved), each with its share of the MTA's accepted
 * sessions and messages and the action that closes the gap.
 *
 * Both are SQL over the report's work table temp.hv_g (report.c); this
 * file also turns a built headline table into sentences for the text and
 * HTML renderers. No string from the store enters the sentences.
 */
#ifndef HV_HEADLINE_H
#define HV_HEADLINE_H

#include <stdbool.h>

#include "fmt.h"
#include "report.h"

/* under this share (percent) of accepted messages evaluated, the report
 * warns at its top */
#define HEADLINE_LOW_COVERAGE_PCT 80

/* The one-row query of the headline kv table (columns = items). */
extern const char headline_sql[];

/* The query of the coverage table, with columns
 * mta,cause,sessions,sessions_pct,messages,messages_pct,closes_the_gap. */
extern const char coverage_sql[];

/* The headline's figures, read back from a built table. */
struct headline {
    long long acc_m, rej_m, def_m, mark_m, ok_m, unev_m; /* messages */
    long long acc_s, rej_s, def_s, mark_s, ok_s, unev_s; /* sessions */
    double eval_m_pct, eval_s_pct;
    bool low;
};

/* headline_get - the figures of r's "headline" table into *h; false (h
 * zeroed) when r has no such table. */
bool headline_get(const struct report *r, struct headline *h);

/* headline_sentences - the headline in words into b (appended, plain
 * ASCII without newline): "Of 85 accepted messages (82 sessions), CSV
 * would have rejected 25 (29.4%), deferred ..., marked ... and accepted
 * ...; 14 (16.5%) could not be evaluated (...). Sessions: 25 (30.5%)
 * rejected, ... not evaluated." */
void headline_sentences(const struct headline *h, struct fmt_buf *b);

/* headline_warning - when h->low, the low-coverage warning into b
 * (appended, plain ASCII, no newline) and true; else false, b untouched. */
bool headline_warning(const struct headline *h, struct fmt_buf *b);

/* headline_count - n with thousands separators ("1,234") into b. */
void headline_count(struct fmt_buf *b, long long n);

/* headline_pct - 100 * part / whole (0 when whole is 0). */
double headline_pct(long long part, long long whole);

#endif
