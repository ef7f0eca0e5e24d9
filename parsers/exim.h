/* SPDX-License-Identifier: MIT */
/*
 * exim - the Exim main log parser (hv_format_exim, declared in parser.h),
 * the pieces of it that tests drive directly, and the bounded map of open
 * sessions that the Exim and Sendmail parsers share (hv_smap).
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

/* ==== The shared map of open sessions ==== */

#define HV_SMAP_MAX 8192   /* open sessions kept per parser */
#define HV_SMAP_IDLE 300   /* seconds of log time before a session ends */

/* What identifies one open session. Unused parts are zero. */
struct hv_smap_key {
    uint8_t addr[16];    /* client address (hv_addr.b), or zero */
    uint8_t family;      /* 4, 6, or 0 when the key has no address */
    uint32_t port;       /* client port, 0 when not logged */
    uint64_t pid;        /* MTA process id, 0 when not logged */
};

struct hv_smap;

/*
 * hv_smap_new - an empty map of at most max sessions (0: HV_SMAP_MAX) that
 * ends sessions idle for more than idle seconds and hands every ended session
 * to emit(arg, s). Returns NULL when out of memory. Free with hv_smap_free.
 * The session storage is reserved once (calloc) and only touched as used.
 */
struct hv_smap *hv_smap_new(size_t max, int64_t idle, hv_emit_fn emit,
                            void *arg);

/* hv_smap_find - the open session with this key, or NULL. The pointer is
 * valid until the session is closed, expired or evicted. */
struct hv_session *hv_smap_find(struct hv_smap *m, const struct hv_smap_key *k);

/* hv_smap_open - a new, reset session under key k, last active at ts. When
 * the map is full the least recently active session is emitted first
 * (complete stays as it was: false unless its end was seen). The caller
 * must not open a key that is already open (find first). */
struct hv_session *hv_smap_open(struct hv_smap *m, const struct hv_smap_key *k,
                                int64_t ts);

/* hv_smap_touch - mark s (from this map) active at ts. */
void hv_smap_touch(struct hv_smap *m, struct hv_session *s, int64_t ts);

/* hv_smap_close - emit s and forget it. */
void hv_smap_close(struct hv_smap *m, struct hv_session *s);

/* hv_smap_discard - forget s without emitting it. */
void hv_smap_discard(struct hv_smap *m, struct hv_session *s);

/* hv_smap_expire - emit and forget every session last active before
 * now - idle. */
void hv_smap_expire(struct hv_smap *m, int64_t now);

/* hv_smap_flush - emit and forget every open session, oldest first. */
void hv_smap_flush(struct hv_smap *m);

/* hv_smap_count - number of open sessions. */
size_t hv_smap_count(const struct hv_smap *m);

/* hv_smap_free - free the map without emitting (NULL is a no-op). */
void hv_smap_free(struct hv_smap *m);

/* hv_smap_addr_parse / hv_smap_addr_format - hv_addr_parse and
 * hv_addr_format (netaddr.h) with a fast path for dotted-quad IPv4 (the
 * common case, parsed and printed without inet_pton/inet_ntop); other
 * forms go to netaddr. Same results. */
bool hv_smap_addr_parse(const char *p, size_t len, struct hv_addr *a);
void hv_smap_addr_format(const struct hv_addr *a, char out[46]);

/* ==== Exim host fields ==== */

/* One parsed host field; spans point into the parsed text. */
struct hv_exim_host {
    struct hv_addr addr;   /* the client address (the bracketed one) */
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

#endif
