/* SPDX-License-Identifier: MIT */
/*
 * smap - the bounded map of open sessions that the Exim and Sendmail
 * parsers share: sessions found by a key (client address, port, pid),
 * ended when idle for HV_SMAP_IDLE seconds of log time, evicted least
 * recently active first when full, each ended session handed to the
 * parser's emit callback. Memory is reserved once; nothing is allocated per
 * line. Also the address helpers both parsers use.
 */
#ifndef HV_SMAP_H
#define HV_SMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "netaddr.h"
#include "parser.h"
#include "session.h"

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

/* hv_smap_find_addr - the most recently active open session of this
 * address (16 bytes as in hv_addr.b, family 4 or 6) whose key has a port,
 * or NULL. For lines that name the client without its port in a log that
 * records ports: they belong to that address's open connection. Walks the
 * open sessions, newest first. */
struct hv_session *hv_smap_find_addr(struct hv_smap *m, const uint8_t addr[16],
                                     uint8_t family);

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

#endif
