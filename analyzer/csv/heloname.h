/* SPDX-License-Identifier: MIT */
/*
 * heloname - what kind of thing a client put in HELO/EHLO, whether it may be
 * sent to DNS, and the names CSA/DNA query for it. The rule (DESIGN.md):
 * a name may be queried when it has two or more labels of letters, digits,
 * hyphens and underscores, labels 1-63 bytes, at most 253 bytes in all, one
 * trailing dot allowed. Anything else (spaces, controls, quotes, HTML, empty
 * labels, overlong) is never sent to DNS. Address literals ([192.0.2.1],
 * [IPv6:2001:db8::1]) and bare IPs map to the reverse tree as Exim does.
 * Pure functions; no DNS, no allocation.
 */
#ifndef HV_HELONAME_H
#define HV_HELONAME_H

#include <stdbool.h>
#include <stddef.h>

#include "netaddr.h"

enum helo_class {
    HELO_FQDN,            /* mail.example.com */
    HELO_ADDRESS_LITERAL, /* [192.0.2.1], [IPv6:2001:db8::1], [IPv4:...] */
    HELO_BARE_IP,         /* 192.0.2.1, 2001:db8::1 */
    HELO_BARE_NAME,       /* localhost, WIN-3RT9Q7A0D1K: one valid label */
    HELO_INVALID,         /* anything else */
    HELO_NONE             /* NULL or "" (never seen) */
};

/* Big enough for any queryable name, reverse names included. */
#define HELO_NAME_MAX 256

/* helo_classify - the class of helo (NUL-terminated; NULL allowed). */
enum helo_class helo_classify(const char *helo);

/* helo_class_name - "fqdn", "address-literal", "bare-ip", "bare-name",
 * "invalid", "none" (static strings). */
const char *helo_class_name(enum helo_class c);

/* helo_name_valid - true when len bytes of s form a name that may be queried
 * (the DESIGN.md rule above, two or more labels). */
bool helo_name_valid(const char *s, size_t len);

/* helo_norm_name - for an HELO_FQDN helo: the lower-cased name without the
 * trailing dot into out (outlen >= HELO_NAME_MAX is always enough). Returns
 * false (out = "") for any other class or when out is too small. */
bool helo_norm_name(const char *helo, char *out, size_t outlen);

/* Longest overlong name helo_overlong_name takes, NUL included. */
#define HELO_LONG_MAX 1024

/* helo_overlong_name - for an HELO_INVALID helo that is a name of two or
 * more non-empty labels of label bytes, invalid only because a label is
 * over 63 bytes or the whole over 253 (Exim's check_helo accepts such a
 * name; it cannot be queried but its parents can): the lower-cased name
 * without the trailing dot into out. False (out = "") otherwise, or when it
 * does not fit out or HELO_LONG_MAX. */
bool helo_overlong_name(const char *helo, char *out, size_t outlen);

/* helo_literal_addr - for HELO_ADDRESS_LITERAL or HELO_BARE_IP: the address
 * (IPv4-mapped IPv6 stays IPv6 here). False for other classes. */
bool helo_literal_addr(const char *helo, struct hv_addr *a);

/* helo_reverse_name - reverse-tree name of an address literal or bare IP,
 * "1.2.0.192.in-addr.arpa" or the 32-nibble "...ip6.arpa", no trailing
 * dot. Returns false (out = "") for other classes or a short buffer. */
bool helo_reverse_name(const char *helo, char *out, size_t outlen);

#endif
