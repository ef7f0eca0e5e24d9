/* SPDX-License-Identifier: MIT */
/*
 * heloname - HELO classification, the "may be queried" rule and reverse-tree
 * names (spec/csv-spec.md §1.4; RFC 5321 §4.1.3 address literals; RFC 1035
 * §3.5 in-addr.arpa; RFC 3596 §2.5 ip6.arpa). Locale-free byte tests only.
 */
#include "heloname.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "ascii.h"

/* is_label_byte - letters, digits, hyphen, underscore (DESIGN.md). */
static bool is_label_byte(unsigned char c)
{
    return is_alnum(c) || c == '-' || c == '_';
}

/* name_labels - count labels of a name made of valid labels; 0 when any
 * label is empty, too long, has a bad byte, or the whole is too long. One
 * trailing dot is allowed. */
static size_t name_labels(const char *s, size_t len)
{
    size_t labels = 0, cur = 0;

    if (len > 0 && s[len - 1] == '.')
        len--;
    if (len == 0 || len > 253)
        return 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];

        if (c == '.') {
            if (cur == 0)
                return 0;
            labels++;
            cur = 0;
        } else if (is_label_byte(c)) {
            if (++cur > 63)
                return 0;
        } else {
            return 0;
        }
    }
    if (cur == 0)
        return 0;
    return labels + 1;
}

bool helo_name_valid(const char *s, size_t len)
{
    return s != NULL && name_labels(s, len) >= 2;
}

/* parse_ip - exactly len bytes as an IPv4 dotted quad or IPv6 text. */
static bool parse_ip(const char *s, size_t len, struct hv_addr *a)
{
    char buf[64];

    if (len == 0 || len >= sizeof(buf) || memchr(s, '\0', len) != NULL)
        return false;
    memcpy(buf, s, len);
    buf[len] = '\0';
    memset(a, 0, sizeof(*a));
    if (inet_pton(AF_INET, buf, a->b) == 1) {
        a->family = 4;
        return true;
    }
    if (inet_pton(AF_INET6, buf, a->b) == 1) {
        a->family = 6;
        return true;
    }
    return false;
}

/* literal_addr - "[1.2.3.4]", "[IPv6:x::y]", "[IPv4:1.2.3.4]" (tags
 * case-insensitive; Exim's check_helo accepts both) and, leniently, "[x::y]"
 * without the tag. */
static bool literal_addr(const char *s, size_t len, struct hv_addr *a)
{
    if (len < 3 || s[0] != '[' || s[len - 1] != ']')
        return false;
    s++;
    len -= 2;
    if (len > 5 && strncasecmp(s, "IPv6:", 5) == 0) {
        return parse_ip(s + 5, len - 5, a) && a->family == 6;
    }
    if (len > 5 && strncasecmp(s, "IPv4:", 5) == 0) {
        return parse_ip(s + 5, len - 5, a) && a->family == 4;
    }
    return parse_ip(s, len, a);
}

enum helo_class helo_classify(const char *helo)
{
    struct hv_addr a;
    size_t len, labels;

    if (helo == NULL || helo[0] == '\0')
        return HELO_NONE;
    len = strlen(helo);
    if (helo[0] == '[')
        return literal_addr(helo, len, &a) ? HELO_ADDRESS_LITERAL
                                            : HELO_INVALID;
    if (parse_ip(helo, len, &a) ||
        (len > 1 && helo[len - 1] == '.' && parse_ip(helo, len - 1, &a) &&
         a.family == 4))
        return HELO_BARE_IP;
    labels = name_labels(helo, len);
    if (labels >= 2)
        return HELO_FQDN;
    if (labels == 1)
        return HELO_BARE_NAME;
    return HELO_INVALID;
}

bool helo_overlong_name(const char *helo, char *out, size_t outlen)
{
    size_t len, labels = 0, cur = 0;

    if (out == NULL || outlen == 0)
        return false;
    out[0] = '\0';
    if (helo == NULL || helo_classify(helo) != HELO_INVALID)
        return false;
    len = strlen(helo);
    if (len > 0 && helo[len - 1] == '.')
        len--;
    if (len == 0 || len >= outlen || len >= HELO_LONG_MAX)
        return false;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)helo[i];

        if (c == '.') {
            if (cur == 0)
                return false;
            labels++;
            cur = 0;
        } else if (is_label_byte(c)) {
            cur++;
        } else {
            return false;
        }
    }
    if (cur == 0 || labels == 0)
        return false;
    for (size_t i = 0; i < len; i++)
        out[i] = to_lower((unsigned char)helo[i]);
    out[len] = '\0';
    return true;
}

const char *helo_class_name(enum helo_class c)
{
    switch (c) {
    case HELO_FQDN:
        return "fqdn";
    case HELO_ADDRESS_LITERAL:
        return "address-literal";
    case HELO_BARE_IP:
        return "bare-ip";
    case HELO_BARE_NAME:
        return "bare-name";
    case HELO_NONE:
        return "none";
    case HELO_INVALID:
    default:
        return "invalid";
    }
}

bool helo_norm_name(const char *helo, char *out, size_t outlen)
{
    size_t len;

    if (out == NULL || outlen == 0)
        return false;
    out[0] = '\0';
    if (helo_classify(helo) != HELO_FQDN)
        return false;
    len = strlen(helo);
    if (helo[len - 1] == '.')
        len--;
    if (len >= outlen)
        return false;
    for (size_t i = 0; i < len; i++)
        out[i] = to_lower((unsigned char)helo[i]);
    out[len] = '\0';
    return true;
}

bool helo_literal_addr(const char *helo, struct hv_addr *a)
{
    size_t len;

    switch (helo_classify(helo)) {
    case HELO_ADDRESS_LITERAL:
        return literal_addr(helo, strlen(helo), a);
    case HELO_BARE_IP:
        len = strlen(helo);
        if (parse_ip(helo, len, a))
            return true;
        return parse_ip(helo, len - 1, a); /* "192.0.2.1." */
    default:
        return false;
    }
}

bool helo_reverse_name(const char *helo, char *out, size_t outlen)
{
    static const char hex[] = "0123456789abcdef";
    struct hv_addr a;
    int n;

    if (out == NULL || outlen == 0)
        return false;
    out[0] = '\0';
    if (!helo_literal_addr(helo, &a))
        return false;
    if (a.family == 4) {
        n = snprintf(out, outlen, "%u.%u.%u.%u.in-addr.arpa", a.b[3], a.b[2],
                     a.b[1], a.b[0]);
    } else {
        char buf[80];
        size_t o = 0;

        for (int i = 15; i >= 0; i--) {
            buf[o++] = hex[a.b[i] & 0xF];
            buf[o++] = '.';
            buf[o++] = hex[a.b[i] >> 4];
            buf[o++] = '.';
        }
        buf[o] = '\0';
        n = snprintf(out, outlen, "%sip6.arpa", buf);
    }
    if (n < 0 || (size_t)n >= outlen) {
        out[0] = '\0';
        return false;
    }
    return true;
}
