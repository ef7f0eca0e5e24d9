/* SPDX-License-Identifier: MIT */
/*
 * postfix - the Postfix log parser (hv_format_postfix in parser.h) and the
 * few extra entry points its tests and benchmark use.
 *
 * Sessions: one per smtpd connection, keyed by (host, syslog tag such as
 * "postfix-in/smtpd", pid, client address), from "connect from" to
 * "disconnect from"; lines that name no client (proxy-accept, "disconnect
 * from unknown[unknown]") go to the process's latest session. Any line
 * that names the client opens a session when none is open (logs that
 * start mid-session, single lines). cleanup lines are tied
 * to the session by queue ID ("QID: client=" links them), also after the
 * disconnect (the session is then emitted again with the HELO; a bounded
 * ring remembers recently closed sessions). postscreen connections are
 * sessions of their own only when postscreen itself ended them (rejected,
 * dropped, hung up): a PASS NEW/OLD or WHITELISTED/ALLOWLISTED hands the
 * client to smtpd, whose own "connect from" starts the session that counts,
 * so the postscreen part is then dropped without being emitted.
 *
 * Labels (session.h; words in spamtext.h), read on 5xx rejection lines
 * only: a reply citing a block list (smtpd reject_rbl_client and
 * reject_rhsbl_*, postscreen: "blocked using ZONE") is DNSBL; cleanup
 * header/body check rejections, milter-reject at DATA or END-OF-MESSAGE
 * and a content-stage reject or proxy-reject that says spam are FILTER.
 * The reply text is read up to the "; from=<" trailer. A late cleanup
 * label re-emits a closed session (had_label tells the earlier emission).
 *
 * Memory is bounded: at most max_open open sessions (the least recently
 * active one is emitted as incomplete beyond that), a ring of closed
 * sessions for late cleanup lines and a ring of handed-off postscreen
 * connections. No allocation per line; no regex (hand-scanned).
 */
#ifndef HV_POSTFIX_H
#define HV_POSTFIX_H

#include <stddef.h>
#include <stdint.h>

#include "parser.h"

/* Defaults of the bounds (postfix_set_limits changes them). */
#define POSTFIX_MAX_OPEN 100000   /* open sessions */
#define POSTFIX_CLOSED_RING 2048  /* closed sessions kept for cleanup lines */
#define POSTFIX_HANDOFF_RING 1024 /* postscreen connections passed to smtpd */

/* Counters of one parser, for tests and --progress style summaries. */
struct postfix_stats {
    uint64_t opened;      /* sessions started */
    uint64_t emitted;     /* emit() calls, re-emits included */
    uint64_t reemitted;   /* emit() calls that updated a closed session */
    uint64_t evicted;     /* open sessions pushed out by max_open */
    uint64_t handed_off;  /* postscreen connections passed to smtpd */
    uint64_t linked;      /* cleanup lines matched to a session by queue ID */
};

/*
 * postfix_feed_message - feed a bare message with no syslog prefix (as in
 * test corpora): prog is the program name it came from ("smtpd",
 * "postfix/postscreen", "postfix-in/cleanup"); host is "", pid 0 and the
 * time 0. Same returns and reasons as hv_format_postfix.feed.
 */
int postfix_feed_message(struct hv_parser *p, const char *prog,
                         size_t prog_len, const struct hv_line *line,
                         const char **reason);

/*
 * postfix_set_limits - change the bounds (0 keeps a value). Only before the
 * first line is fed.
 */
void postfix_set_limits(struct hv_parser *p, size_t max_open,
                        size_t closed_ring, size_t handoff_ring);

/* postfix_open_sessions - number of sessions currently open. */
size_t postfix_open_sessions(const struct hv_parser *p);

/* postfix_get_stats - copy of the parser's counters. */
void postfix_get_stats(const struct hv_parser *p, struct postfix_stats *st);

#endif
