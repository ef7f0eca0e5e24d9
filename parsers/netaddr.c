/* SPDX-License-Identifier: MIT */
/* netaddr - IP address parsing, formatting and CIDR lists. */
#include "netaddr.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ascii.h"
#include "xmem.h"

/* The parsers and the formatter below follow inet_pton and inet_ntop (as
 * glibc has them) byte for byte, tests/unit/parsers/test_netaddr.c compares them on
 * generated input; they exist because the libc calls need a NUL-terminated
 * copy and format through sprintf, and they run on every client address of
 * a log. */

/* pton4 - inet_pton(AF_INET) of exactly [p, e): four decimal parts, each at
 * most 255 and without a leading zero. */
static bool pton4(const char *p, const char *e, uint8_t out[4])
{
    uint8_t tmp[4] = {0};
    int octets = 0;
    bool saw_digit = false;
    while (p < e) {
        unsigned char c = (unsigned char)*p++;
        if (is_digit(c)) {
            unsigned v = (unsigned)(c - '0');
            if (!saw_digit) {
                if (++octets > 4)
                    return false;
                saw_digit = true;
            } else {
                if (tmp[octets - 1] == 0)
                    return false;   /* a leading zero */
                v += tmp[octets - 1] * 10u;
                if (v > 255)
                    return false;
            }
            tmp[octets - 1] = (uint8_t)v;
        } else if (c == '.' && saw_digit) {
            if (octets == 4)
                return false;
            saw_digit = false;
        } else {
            return false;
        }
    }
    if (octets < 4 || !saw_digit)
        return false;
    memcpy(out, tmp, 4);
    return true;
}

/* hexval - the value of a hex digit, or -1. */
static inline int hexval(unsigned char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c |= 0x20;
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

/* pton6 - inet_pton(AF_INET6) of exactly [p, e): up to eight groups of one
 * to four hex digits, one "::", an optional dotted quad at the end. */
static bool pton6(const char *p, const char *e, uint8_t out[16])
{
    uint8_t tmp[16] = {0};
    size_t tp = 0, colonp = SIZE_MAX;
    if (p == e)
        return false;
    if (*p == ':') {
        p++;
        if (p == e || *p != ':')
            return false;
    }
    const char *curtok = p;
    unsigned xdigits = 0, val = 0;
    while (p < e) {
        unsigned char c = (unsigned char)*p++;
        int d = hexval(c);
        if (d >= 0) {
            if (xdigits == 4)
                return false;
            val = (val << 4) | (unsigned)d;
            xdigits++;
            continue;
        }
        if (c == ':') {
            curtok = p;
            if (xdigits == 0) {
                if (colonp != SIZE_MAX)
                    return false;
                colonp = tp;
                continue;
            }
            if (p == e || tp + 2 > 16)
                return false;
            tmp[tp++] = (uint8_t)(val >> 8);
            tmp[tp++] = (uint8_t)val;
            xdigits = 0;
            val = 0;
            continue;
        }
        if (c == '.' && tp + 4 <= 16 && pton4(curtok, e, tmp + tp)) {
            tp += 4;
            xdigits = 0;
            break;
        }
        return false;
    }
    if (xdigits > 0) {
        if (tp + 2 > 16)
            return false;
        tmp[tp++] = (uint8_t)(val >> 8);
        tmp[tp++] = (uint8_t)val;
    }
    if (colonp != SIZE_MAX) {
        if (tp == 16)
            return false;   /* "::" would stand for no group at all */
        size_t n = tp - colonp;
        memmove(tmp + 16 - n, tmp + colonp, n);
        memset(tmp + colonp, 0, 16 - n - colonp);
        tp = 16;
    }
    if (tp != 16)
        return false;
    memcpy(out, tmp, 16);
    return true;
}

/* digit_at - the value of the digit at p when p is before e, else 10 (no
 * digit). */
static unsigned digit_at(const char *p, const char *e)
{
    return p < e ? (unsigned)((unsigned char)*p - '0') : 10u;
}

/* hv_ip4_dotted_quad - one pass: each number's digits unrolled (netaddr.h). */
bool hv_ip4_dotted_quad(const char *p, size_t len, uint8_t q[4])
{
    const char *e = p + len;
    if (len < 7 || len > 15)
        return false;
    for (int oct = 0;; oct++) {
        unsigned v = digit_at(p, e), d;
        if (v > 9)
            return false;
        p++;
        if (v != 0 && (d = digit_at(p, e)) <= 9) {
            v = v * 10 + d;
            p++;
            if ((d = digit_at(p, e)) <= 9) {
                v = v * 10 + d;
                p++;
                if (v > 255)
                    return false;
            }
        }
        q[oct] = (uint8_t)v;
        if (oct == 3)
            return p == e;
        if (p == e || *p != '.')
            return false;
        p++;
    }
}

bool hv_addr_parse(const char *p, size_t len, struct hv_addr *a)
{
    if (len >= 2 && p[0] == '[' && p[len - 1] == ']') {
        p++;
        len -= 2;
    }
    if (len > 5 && strncasecmp(p, "IPv6:", 5) == 0) {
        p += 5;
        len -= 5;
    }
    if (len == 0 || len >= 64)
        return false;
    memset(a, 0, sizeof(*a));
    if (memchr(p, ':', len) == NULL) {
        if (!pton4(p, p + len, a->b))
            return false;
        a->family = 4;
        return true;
    }
    const char *pct = memchr(p, '%', len);
    if (!pton6(p, pct != NULL ? pct : p + len, a->b))
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

/* ntop4 - "a.b.c.d" at out; returns the bytes written (no NUL). */
static size_t ntop4(const uint8_t b[4], char *out)
{
    size_t k = 0;
    for (int i = 0; i < 4; i++) {
        unsigned v = b[i];
        if (i > 0)
            out[k++] = '.';
        if (v >= 100)
            out[k++] = (char)('0' + v / 100);
        if (v >= 10)
            out[k++] = (char)('0' + v / 10 % 10);
        out[k++] = (char)('0' + v % 10);
    }
    return k;
}

void hv_addr_format(const struct hv_addr *a, char out[46])
{
    static const char hex[] = "0123456789abcdef";
    if (a->family == 4) {
        out[ntop4(a->b, out)] = '\0';
        return;
    }
    if (a->family != 6) {
        out[0] = '\0';
        return;
    }
    unsigned w[8];
    for (int i = 0; i < 8; i++)
        w[i] = (unsigned)a->b[2 * i] << 8 | a->b[2 * i + 1];
    /* the first longest run of two or more zero groups becomes "::" */
    int best = -1, best_len = 0, cur = -1, cur_len = 0;
    for (int i = 0; i <= 8; i++) {
        if (i < 8 && w[i] == 0) {
            if (cur < 0)
                cur = i, cur_len = 0;
            cur_len++;
        } else if (cur >= 0) {
            if (cur_len > best_len)
                best = cur, best_len = cur_len;
            cur = -1;
        }
    }
    if (best_len < 2)
        best = -1;
    size_t k = 0;
    for (int i = 0; i < 8; i++) {
        if (best >= 0 && i >= best && i < best + best_len) {
            if (i == best)
                out[k++] = ':';
            continue;
        }
        if (i != 0)
            out[k++] = ':';
        /* ::a.b.c.d and ::ffff:a.b.c.d end in a dotted quad */
        if (i == 6 && best == 0 && (best_len == 6 || (best_len == 5 && w[5] == 0xffff))) {
            k += ntop4(a->b + 12, out + k);
            break;
        }
        bool lead = true;
        for (int sh = 12; sh >= 0; sh -= 4) {
            unsigned d = (w[i] >> sh) & 15;
            if (d == 0 && lead && sh > 0)
                continue;
            lead = false;
            out[k++] = hex[d];
        }
    }
    if (best >= 0 && best + best_len == 8)
        out[k++] = ':';
    out[k] = '\0';
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
            if (!is_digit(ch))
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
        "169.254.0.0/16", "100.64.0.0/10", "::1",
        "fc00::/7",       "fe80::/10",
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
