/* SPDX-License-Identifier: MIT */
/*
 * whatif - the policy what-if of the report (`--compare-policy FILE`,
 * repeatable): the pairs of the report evaluated again under other policy
 * tables, and what changes.
 *
 * Contract:
 *  - Each file is read with policy_load (the default table, then the file's
 *    lines on top; policy.h). A missing or invalid file is HV_EINPUT with
 *    the message of policy_load ("FILE:LINE: ...", or "FILE: <open error>").
 *  - For every (HELO, client IP) pair of the report, report.c hands over
 *    its CSA and DNA results and its verdict under the report's policy (the
 *    "old" verdict); the "new" verdict is pairinfo_verdict over the same
 *    CSA and DNA with the other table's action (pairinfo_action_in). Nothing
 *    is looked up again and nothing is written anywhere: the stored
 *    verdicts and the database are untouched.
 *  - Table policy_delta (WHATIF_DELTA_COLS): per compare file (in the order
 *    given) and per (old verdict, new verdict) with old != new, the pairs'
 *    sessions, messages and accepted sessions (sessions the MTA accepted),
 *    ordered by file, then old, then new verdict in the order accept, mark,
 *    reject, tempfail, unresolved, unevaluated (anything else after, by
 *    bytes). No row when nothing changes.
 *  - Table policy_delta_senders (WHATIF_SENDERS_COLS): per compare file, the
 *    `top` pairs whose verdict changes with the most messages, then
 *    sessions (ties: domain, HELO, IP by bytes), best first.
 *  - Memory: the distinct (file, old, new) triples, plus `top` pairs (their
 *    bytes copied) per file; never every pair.
 * The strings of the tables are the store's bytes (attacker-controlled):
 * the renderers escape them.
 */
#ifndef HV_WHATIF_H
#define HV_WHATIF_H

#include <stdbool.h>
#include <stddef.h>

#include "pairinfo.h"
#include "report.h"

#define WHATIF_DELTA_COLS \
    "policy,old_verdict,new_verdict,sessions,messages,accepted_sessions"
#define WHATIF_DELTA_TYPES "tttiii"
#define WHATIF_SENDERS_COLS \
    "policy,domain,helo,ip,sessions,messages,old_verdict,new_verdict"
#define WHATIF_SENDERS_TYPES "ttttiitt"

struct whatif;

/* whatif_open - load the n policy files (names borrowed, kept as given for
 * the policy column) for a report showing top senders per file into *out.
 * HV_OK, or HV_EINPUT with *err set and *out NULL. */
int whatif_open(struct whatif **out, const char *const *files, size_t n,
                int top, char **err);

/* whatif_pair - count one pair: unobs (its HELO is not in the log), its
 * CSA and DNA results pc, its verdict old under the report's policy, its
 * HELO, IP and domain, and its sessions n, messages m and accepted sessions
 * n_acc. Copies what it keeps: the arguments may change afterwards. */
void whatif_pair(struct whatif *w, bool unobs, const struct pair_csv *pc,
                 struct pval old, struct pval helo, struct pval ip,
                 struct pval domain, long long n, long long m,
                 long long n_acc);

/* whatif_fill_delta - the rows of policy_delta into t (columns
 * WHATIF_DELTA_COLS). */
void whatif_fill_delta(const struct whatif *w, struct rtable *t);

/* whatif_fill_senders - the rows of policy_delta_senders into t (columns
 * WHATIF_SENDERS_COLS). */
void whatif_fill_senders(const struct whatif *w, struct rtable *t);

/* whatif_free - release w (NULL: nothing). */
void whatif_free(struct whatif *w);

#endif
