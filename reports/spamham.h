/* SPDX-License-Identifier: MIT */
/*
 * spamham - the report's spam/ham tables (README "Reports and exports",
 * spam and ham): the sessions and messages of each CSV verdict split by
 * the sessions' label (sessions.label 'spam', 'ham', or none: unknown),
 * and the two shares a study needs: of the spam, how much CSV would have
 * stopped; of the ham, how much it would have hurt. "Stopped" and "hurt"
 * both mean the CSV verdict of the session's pair is reject or tempfail.
 *
 * The counts come from the report's one pass over the sessions: pairmap
 * counts each pair's labelled sessions (struct pagg), spamham_add sums the
 * pairs by verdict once their verdict is known, and spamham_store writes
 * the six verdicts as the TEMP table hv_l, which the two SQL tables below
 * read (the report's model: tables are SQL over TEMP work tables).
 *   temp.hv_l(verdict TEXT, ord INTEGER, n_spam, n_ham, n_unk, m_spam,
 *             m_ham, m_unk INTEGER): one row per verdict, ord 1..6.
 * A pair whose verdict is none of the six is not counted (the verdicts
 * table shows the same six).
 */
#ifndef HV_SPAMHAM_H
#define HV_SPAMHAM_H

#include <sqlite3.h>

#include "pairmap.h"

/* the verdicts, in the report's order: index 1..SPAMHAM_NV (0: none) */
#define SPAMHAM_NV 6

struct spamham {
    long long n[SPAMHAM_NV][3]; /* sessions per verdict and enum plabel */
    long long m[SPAMHAM_NV][3]; /* messages */
};

/* spamham_init - all counts zero. */
void spamham_init(struct spamham *sh);

/* spamham_verdict - the index (1..SPAMHAM_NV) of the verdict named by the
 * n bytes at v, or 0 when it is none of the six. */
int spamham_verdict(const char *v, size_t n);

/* spamham_add - count pair a's sessions and messages, by label, under the
 * verdict of index k (spamham_verdict; 0 counts nothing). */
void spamham_add(struct spamham *sh, int k, const struct pagg *a);

/* spamham_store - (re)create temp.hv_l from sh: always SPAMHAM_NV rows.
 * HV_OK, or HV_EDB / HV_EWRITE with *err set. */
int spamham_store(sqlite3 *db, const struct spamham *sh, char **err);

/* the table verdict_by_label: per verdict (report order) the sessions and
 * messages labelled spam, ham and neither (columns verdict, spam_sessions,
 * ham_sessions, unknown_sessions, spam_messages, ham_messages,
 * unknown_messages) */
extern const char spamham_sql_by_label[];

/* the kv table spam_ham: one row whose columns are the items
 * spam_sessions, spam_stopped_sessions, spam_stopped_pct, ham_sessions,
 * ham_hurt_sessions, ham_hurt_pct, the same six in messages, and
 * unknown_sessions, unknown_messages (percentages are REAL, of the label's
 * total, 0.0 when it is 0) */
extern const char spamham_sql_kv[];

#endif
