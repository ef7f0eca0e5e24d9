/* SPDX-License-Identifier: MIT */
/*
 * sendmail - the Sendmail syslog parser (hv_format_sendmail, declared in
 * parser.h) and its client-field reader, exposed for tests.
 *
 * Sendmail names the SMTP client as "relay=[ident@]RDNS [IP] (may be
 * forged)" or "relay=[IP]", or as the same CurSmtpClient text in a few
 * fixed sentences ("RDNS [IP] did not issue MAIL/EXPN/VRFY/ETRN during
 * connection to MTA", "lost input channel from ...", "rejecting commands from
 * ... due to pre-greeting traffic", "QID: RDNS [IP]: possible SMTP attack").
 * The last relay= of a line is Sendmail's own (earlier ones can sit inside
 * client text such as user=). Its standard lines carry no HELO; the one
 * exception read here is "invalid domain name (HELO) from RDNS [IP]".
 *
 * Sessions: one per sendmail process (the syslog pid); lines with that pid
 * and client IP are merged, a new IP on the same pid starts a new session.
 * Queue IDs seen for the session are recorded (hv_session_add_qid) for the
 * mbox join on "id QUEUEID" in Received headers. Sessions end as in exim.h
 * (end line, HV_SMAP_IDLE seconds idle, map full, finish). Programs taken:
 * sendmail*, sm-mta, sm-acceptingconnections and other sm-*; sm-msp-queue
 * is local submission and never a network session. Labels (session.h;
 * words in spamtext.h): a "reject=5xx" citing a block list is DNSBL; a
 * milter's "reject=5xx" at data or end of message that says spam
 * ("Milter: data, reject=550 ... SpamAssassin", by pid) is FILTER. Deliveries (to=,
 * STARTTLS=client, AUTH=client, "during client ...") are not sessions.
 */
#ifndef HV_SENDMAIL_H
#define HV_SENDMAIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "netaddr.h"

/* One client field; spans point into the parsed text. */
struct hv_sendmail_client {
    struct hv_addr addr;
    const char *rdns;      /* verified reverse name, NULL when none or
                              "(may be forged)" */
    size_t rdns_len;
    bool forged;           /* "(may be forged)" followed */
    size_t end;            /* bytes consumed from p */
};

/*
 * hv_sendmail_client_parse - parse "[ident@]RDNS [IP]", "[IP]" or
 * " [IP]" (empty RDNS), with an optional " (may be forged)", at p. IPv6 as
 * "[IPv6:2001:db8::1]" or bare. Returns true and fills c, or false.
 */
bool hv_sendmail_client_parse(const char *p, size_t len,
                              struct hv_sendmail_client *c);

#endif
