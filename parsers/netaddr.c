/* SPDX-License-Identifier: MIT */
/* netaddr - IP address parsing, formatting and CIDR lists. */
#include "netaddr.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "xmem.h"

bool hv_addr_parse(const char *p, size_t len, struct hv_addr *a)
{
    char buf[64];
    if (len >= 2 && p[0] == '[' && p[len - 1] == ']') {
        p++;
        len -= 2;
    }
    if (len > 5 && strncasecmp(p, "IPv6:", 5) == 0) {
        p += 5;
        len -= 5;
    }
    if (len == 0 || len >= sizeof(buf))
        return false;
    memcpy(buf, p, len);
    buf[len] = '\0';
    memset(a, 0, sizeof(*a));
    if (memchr(buf, ':', len) == NULL) {
        if (inet_pton(AF_INET, buf, a->b) != 1)
            return false;
        a->family = 4;
        return true;
    }
    char *pct = strchr(buf, '%');
    if (pct != NULL)
        *pct = '\0';
    if (inet_pton(AF_INET6, buf, a->b) != 1)
        return false;
    a->family = 6;
    static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (memcmp(a->b, mapped, 12) == 0) {
        memmove(a->b, a->b + 12, 4);
        memset(a->b + 4, 0, 12);
        a->family = 4;
    }
    return true;
}

void hv_addr_format(const struct hv_addr *a, char out[46])
{
    if (inet_ntop(a->family == 4 ? AF_INET : AF_INET6, a->b, out, 46) == NULL)
        out[0] = '\0';
}

bool hv_addr_equal(const struct hv_addr *a, const struct hv_addr *b)
{
    return a->family == b->family &&
           memcmp(a->b, b->b, a->family == 4 ? 4 : 16) == 0;
}

bool hv_ip_canon(const char *p, size_t len, char out[46])
{
    struct hv_addr a;
    if (!hv_addr_parse(p, len, &a))
        return false;
    hv_addr_format(&a, out);
    return true;
}

bool hv_netlist_add(struct hv_netlist *l, const char *text, size_t len)
{
    struct hv_cidr c;
    const char *slash = memchr(text, '/', len);
    size_t alen = slash ? (size_t)(slash - text) : len;
    if (!hv_addr_parse(text, alen, &c.net))
        return false;
    unsigned max = c.net.family == 4 ? 32 : 128;
    c.prefix = max;
    if (slash != NULL) {
        size_t n = len - alen - 1;
        if (n == 0 || n > 3)
            return false;
        unsigned v = 0;
        for (size_t i = 0; i < n; i++) {
            char ch = slash[1 + i];
            if (ch < '0' || ch > '9')
                return false;
            v = v * 10 + (unsigned)(ch - '0');
        }
        /* an IPv4-mapped network written in IPv6 form keeps its low bits */
        if (c.net.family == 4 && memchr(text, ':', alen) != NULL) {
            if (v < 96)
                return false;
            v -= 96;
        }
        if (v > max)
            return false;
        c.prefix = v;
    }
    l->v = xrealloc(l->v, (l->n + 1) * sizeof(*l->v));
    l->v[l->n++] = c;
    return true;
}

bool hv_netlist_add_csv(struct hv_netlist *l, const char *text,
                        const char **bad)
{
    const char *p = text;
    while (*p != '\0') {
        while (*p == ',' || *p == ' ')
            p++;
        if (*p == '\0')
            break;
        const char *e = p;
        while (*e != '\0' && *e != ',' && *e != ' ')
            e++;
        if (!hv_netlist_add(l, p, (size_t)(e - p))) {
            if (bad != NULL)
                *bad = p;
            return false;
        }
        p = e;
    }
    return true;
}

void hv_netlist_default_trusted(struct hv_netlist *l)
{
    static const char *const nets[] = {
        "127.0.0.0/8", "10.0.0.0/8",   "172.16.0.0/12", "192.168.0.0/16",
        "169.254.0.0/16", "100.64.0.0/10", "0.0.0.0/32", "::1",
        "::/128",      "fc00::/7",     "fe80::/10",
    };
    for (size_t i = 0; i < sizeof(nets) / sizeof(nets[0]); i++)
        hv_netlist_add(l, nets[i], strlen(nets[i]));
}

bool hv_netlist_contains(const struct hv_netlist *l, const struct hv_addr *a)
{
    for (size_t i = 0; i < l->n; i++) {
        const struct hv_cidr *c = &l->v[i];
        if (c->net.family != a->family)
            continue;
        unsigned bits = c->prefix, full = bits / 8, rest = bits % 8;
        if (memcmp(c->net.b, a->b, full) != 0)
            continue;
        if (rest != 0) {
            uint8_t mask = (uint8_t)(0xff << (8 - rest));
            if ((c->net.b[full] & mask) != (a->b[full] & mask))
                continue;
        }
        return true;
    }
    return false;
}

void hv_netlist_fini(struct hv_netlist *l)
{
    free(l->v);
    l->v = NULL;
    l->n = 0;
}
