/* SPDX-License-Identifier: MIT */
/*
 * mixed - one syslog file holding the lines of several programs
 * (/var/log/maillog with Sendmail and Postfix, Exim's syslog lines beside
 * Postfix, dovecot and opendkim in mail.log). Each line with a syslog tag
 * goes to the parser of the MTA that claims the tag (the formats' probes
 * decide, once per distinct tag); one parser per MTA, opened at its first
 * line. Lines without a tag (Exim's own log, bare messages, bad stamps) go
 * to the file's own format, as before. A tagged line no MTA claims
 * (dovecot, opendkim, amavis, cron...) is not parsed and comes back as a
 * skip with reason HV_REASON_OTHER_PROGRAM.
 *
 * Every session is emitted by the parser of its MTA, through the emit
 * callback given here. An mbox file is fed to its one parser unchanged.
 */
#ifndef HV_MIXED_H
#define HV_MIXED_H

#include "parser.h"

#define HV_REASON_OTHER_PROGRAM "other-program"

struct hv_mixed;

/* hv_mixed_open - a dispatcher for a file of format primary; opts, emit and
 * arg as for hv_format.open (borrowed, outlive the dispatcher). */
struct hv_mixed *hv_mixed_open(const struct hv_format *primary,
                               const struct hv_parse_opts *opts, hv_emit_fn emit,
                               void *arg);

/* hv_mixed_feed - one line, as hv_format.feed. */
int hv_mixed_feed(struct hv_mixed *m, const struct hv_line *line, const char **reason);

/* hv_mixed_finish - end of input for every parser opened. */
void hv_mixed_finish(struct hv_mixed *m);

/* hv_mixed_open_since - hv_format.open_since of the file's own format
 * (false when it has none). */
bool hv_mixed_open_since(struct hv_mixed *m, uint64_t *offset, uint64_t *lines);

/* hv_mixed_close - free the dispatcher and its parsers; NULL is a no-op. */
void hv_mixed_close(struct hv_mixed *m);

#endif
