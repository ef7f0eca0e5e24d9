/* SPDX-License-Identifier: MIT */
/*
 * exim - the Exim main log parser (hv_format_exim, declared in parser.h)
 * and the pieces of it that tests drive directly. Open sessions live in an
 * hv_smap (smap.h), shared with the Sendmail parser.
 *
 * What a session is: every line naming the SMTP client through Exim's own
 * host field (sender_fullhost: "name (helo) [ip]:port", see host.c
 * host_build_sender_fullhost) after "H=" or after a fixed phrase ("SMTP
 * connection from", "authenticator failed for", ...). Lines where Exim is
 * the SMTP *client* (deliveries => -> >> *> ** ==, delivery errors, callouts,
 * cutthrough, client-side AUTH, "delivering unencrypted to") are not
 * sessions. Lines of one connection are merged: by client IP and port when
 * the port is logged (+incoming_port), else by IP and Exim pid ("[pid]" of
 * +pid, or the syslog pid; the daemon's "connection count" line is taken
 * over by the first line of the connection's own pid), else by IP alone
 * while the HELO stays the same (a line with another HELO starts a new
 * session, a line without one joins). A merged session is emitted when its
 * end is logged (closed by, lost, no MAIL, timeouts, dropped, connect-time
 * rejects), when it has been idle for HV_SMAP_IDLE seconds of log time,
 * when the map is full (the least recently active goes, complete=false) or
 * at finish(). The HELO kept is the first one seen.
 *
 * Labels (session.h; words in spamtext.h): an ACL line's 5xx rejection
 * ("rejected RCPT|connection|after DATA ...", not "temporarily rejected")
 * whose text from "rejected" on cites a block list is DNSBL; a "rejected
 * after DATA" or "rejected by local_scan()" that says spam, and SA-Exim's
 * "SA: Action: flagged as Spam / silently tossed / Rejected", are FILTER.
 *
 * Trust: everything in a line is attacker text except the host field that
 * Exim wrote; where a client-chosen string precedes or follows that field
 * (logged commands, input="..."), the parser picks the field by position as
 * documented per shape in exim.c. Nothing here allocates per line.
 */
#ifndef HV_EXIM_H
#define HV_EXIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "netaddr.h"
#include "parser.h"
#include "session.h"
#include "smap.h"

/* ==== Exim host fields ==== */

/* One parsed host field; spans point into the parsed text. */
struct hv_exim_host {
    struct hv_addr addr;   /* the client address (the bracketed one) */
    const char *addr_text; /* that address as logged, inside the brackets */
    size_t addr_len;
    uint32_t port;         /* 0 when not logged */
    const char *name;      /* verified host name, or NULL */
    size_t name_len;
    const char *helo;      /* HELO/EHLO argument, or NULL when not shown */
    size_t helo_len;
    size_t end;            /* bytes of the field, from the start of p */
};

/*
 * hv_exim_host_parse - parse Exim's sender_fullhost at p (len bytes, the
 * text right after "H="): "[ip]", "name [ip]", "(helo) [ip]" or
 * "name (helo) [ip]", each optionally followed by ":port". The address is
 * the first bracketed, space-preceded one that parses and is followed by
 * the end, a space, ':' ',' or ')'; what precedes it must be one of the
 * four shapes, else the next bracket is tried. "name [ip]" has no HELO
 * (Exim shows the HELO only when it differs from the verified name).
 * Returns true and fills h, or false.
 */
bool hv_exim_host_parse(const char *p, size_t len, struct hv_exim_host *h);

/* hv_exim_msgid_len - length of an Exim message id at p ("1tOHFe-040742-93",
 * 6-6-2, or the 4.97+ "10HmaX-000000005vi-0000", 6-11-4) when one starts
 * there and is followed by a space; else 0. */
size_t hv_exim_msgid_len(const char *p, size_t len);

/* hv_exim_skip_tag - for tests: the bytes of a "host exim[pid]: " or
 * "exim[pid]: " tag starting s (n bytes; the program's name starts with
 * "exim", at most one word before it), its pid into *pid; 0 when there is
 * none (*pid untouched). */
size_t hv_exim_skip_tag(const char *s, size_t n, uint64_t *pid);

/* hv_exim_kind_of - for tests: the index of the line kind (exim.c's
 * kinds[]) that decides message body b (bn bytes, after stamp, [pid] and
 * message id; msgid: the line had an id), or -1 when none does. every:
 * try every kind in order, else only those its first byte allows (as the
 * parser does); both must agree. */
int hv_exim_kind_of(const char *b, size_t bn, bool msgid, bool every);

#endif
