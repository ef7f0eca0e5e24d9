/* SPDX-License-Identifier: MIT */
/*
 * netaddr - IPv4/IPv6 addresses as binary values: parsing (with or without
 * brackets and an "IPv6:" tag), canonical text, and CIDR lists such as the
 * trusted networks of the mbox border search. No DNS.
 */
#ifndef HV_NETADDR_H
#define HV_NETADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct hv_addr {
    int family;            /* 4 or 6 */
    uint8_t b[16];         /* network order; IPv4 in b[0..3] */
};

/* hv_addr_parse - parse exactly len bytes as an address. Accepts "1.2.3.4",
 * "2001:db8::1", "[1.2.3.4]", "[IPv6:2001:db8::1]", "IPv6:..." and a
 * "%zone" suffix on IPv6 (dropped). IPv4-mapped IPv6 becomes IPv4.
 * Returns true on success. */
bool hv_addr_parse(const char *p, size_t len, struct hv_addr *a);

/* hv_ip4_dotted_quad - whether exactly len bytes at p are an IPv4 address
 * in its one canonical text, "a.b.c.d": four numbers 0-255 without a
 * leading zero (a lone "0" is fine), as inet_ntop writes it; its bytes
 * into q. Two such texts are equal exactly when their addresses are. */
bool hv_ip4_dotted_quad(const char *p, size_t len, uint8_t q[4]);

/* hv_addr_format - canonical text (inet_ntop) into out (46 bytes). */
void hv_addr_format(const struct hv_addr *a, char out[46]);

/* hv_addr_equal - same family and bytes. */
bool hv_addr_equal(const struct hv_addr *a, const struct hv_addr *b);

/* hv_ip_canon - parse and re-format in one step; false when not an address. */
bool hv_ip_canon(const char *p, size_t len, char out[46]);

struct hv_cidr {
    struct hv_addr net;
    unsigned prefix;
};

/* A list of networks. Owned by whoever filled it; free with hv_netlist_fini. */
struct hv_netlist {
    struct hv_cidr *v;
    size_t n;
};

/* hv_netlist_add - add "a.b.c.d/n", "x::/n" or a bare address; false when
 * the text is not a network. */
bool hv_netlist_add(struct hv_netlist *l, const char *text, size_t len);
/* hv_netlist_add_csv - add "CIDR,CIDR,..."; false on the first bad item
 * (*bad set to it, borrowed from text). */
bool hv_netlist_add_csv(struct hv_netlist *l, const char *text,
                        const char **bad);
/* hv_netlist_default_trusted - loopback, RFC 1918, RFC 4193, link-local,
 * 100.64/10 (CGNAT) and the unspecified address. */
void hv_netlist_default_trusted(struct hv_netlist *l);
/* hv_netlist_contains - true when a is inside one of the networks. */
bool hv_netlist_contains(const struct hv_netlist *l, const struct hv_addr *a);
/* hv_netlist_fini - free the list's memory. */
void hv_netlist_fini(struct hv_netlist *l);

#endif
