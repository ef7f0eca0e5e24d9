/* SPDX-License-Identifier: MIT */
/* test_netaddr - address parsing, canonical form and CIDR membership. */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "netaddr.h"
#include "xorshift.h"

/* rnd - a fixed xorshift sequence: the generated cases are the same on
 * every run. */
static uint64_t rnd_state = XORSHIFT_SEED;
static unsigned rnd(unsigned n)
{
    return (unsigned)xorshift_below(&rnd_state, n);
}

/* random_addr - 16 bytes with whole groups often zero (so every shape of
 * "::" run turns up), sometimes an IPv4-mapped or -compatible prefix. */
static void random_addr(uint8_t b[16])
{
    for (int i = 0; i < 16; i += 2) {
        unsigned w = rnd(2) ? 0 : rnd(4) == 0 ? rnd(16) : rnd(65536);
        b[i] = (uint8_t)(w >> 8);
        b[i + 1] = (uint8_t)w;
    }
    if (rnd(8) == 0) {
        memset(b, 0, 10);
        b[10] = b[11] = rnd(2) ? 0xff : 0;
    }
}

/* spell - one of the many texts of the address b: inet_ntop's, or the
 * groups written out with random leading zeros, case and "::" placement,
 * sometimes with a dotted-quad tail. */
static void spell(const uint8_t b[16], char *out, size_t cap)
{
    if (rnd(3) == 0) {
        inet_ntop(AF_INET6, b, out, (socklen_t)cap);
        return;
    }
    unsigned w[8];
    for (int i = 0; i < 8; i++)
        w[i] = (unsigned)b[2 * i] << 8 | b[2 * i + 1];
    int groups = rnd(4) == 0 ? 6 : 8;   /* 6: a dotted quad follows */
    int zs = -1, ze = -1;               /* groups [zs, ze) written as "::" */
    if (rnd(2)) {
        zs = (int)rnd((unsigned)groups);
        ze = zs;
        while (ze < groups && w[ze] == 0)
            ze++;
    }
    size_t k = 0;
    for (int i = 0; i < groups && k + 12 < cap; i++) {
        if (i == zs) {
            k += (size_t)snprintf(out + k, cap - k, "%s", i == 0 ? "::" : ":");
            if (ze == zs)
                k += (size_t)snprintf(out + k, cap - k, "0%s", ze + 1 < groups ? ":" : "");
            i = (ze > zs ? ze : zs + 1) - 1;
            continue;
        }
        unsigned style = rnd(12);
        if (style < 3)
            k += (size_t)snprintf(out + k, cap - k, "%04X", w[i]);
        else if (style < 6)
            k += (size_t)snprintf(out + k, cap - k, "%02x", w[i]);
        else
            k += (size_t)snprintf(out + k, cap - k, "%x", w[i]);
        if (i + 1 < groups)
            out[k++] = ':';
    }
    if (groups == 6 && k + 20 < cap) {
        if (k > 0 && out[k - 1] != ':')
            out[k++] = ':';
        k += (size_t)snprintf(out + k, cap - k, "%u.%u.%u.%u", b[12], b[13], b[14], b[15]);
    }
    out[k] = '\0';
}

/* mutate - change, drop or insert a byte of s a few times, from the bytes
 * addresses are made of. */
static void mutate(char *s, size_t cap)
{
    static const char alphabet[] = "0123456789abcdefABCDEFg:.%";
    for (unsigned m = rnd(3) + 1; m > 0; m--) {
        size_t n = strlen(s), at = n ? rnd((unsigned)n + 1) : 0;
        char c = alphabet[rnd(sizeof(alphabet) - 1)];
        switch (rnd(3)) {
        case 0:
            if (at < n)
                s[at] = c;
            break;
        case 1:
            if (at < n)
                memmove(s + at, s + at + 1, n - at);
            break;
        default:
            if (n + 1 < cap) {
                memmove(s + at + 1, s + at, n - at + 1);
                s[at] = c;
            }
        }
    }
}

/* libc_parse - what hv_addr_parse should make of s (no brackets, no tag),
 * by inet_pton: 4, 6, or 0 when it is not an address. */
static int libc_parse(const char *s, uint8_t b[16])
{
    char buf[96];   /* texts are made in 80 bytes */
    snprintf(buf, sizeof(buf), "%s", s);
    memset(b, 0, 16);
    if (strchr(buf, ':') == NULL)
        return inet_pton(AF_INET, buf, b) == 1 ? 4 : 0;
    char *pct = strchr(buf, '%');
    if (pct != NULL)
        *pct = '\0';
    if (inet_pton(AF_INET6, buf, b) != 1)
        return 0;
    static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (memcmp(b, mapped, 12) == 0) {
        memmove(b, b + 12, 4);
        memset(b + 4, 0, 12);
        return 4;
    }
    return 6;
}

/* differential - hv_addr_parse and hv_addr_format against inet_pton and
 * inet_ntop on generated addresses and near-addresses. */
static void differential(void)
{
    int parse_bad = 0, format_bad = 0, valid = 0;
    for (int n = 0; n < 200000; n++) {
        uint8_t b[16], want[16];
        char text[80], libc[64], ours[46];
        random_addr(b);
        if (rnd(4) == 0)
            snprintf(text, sizeof(text), "%u.%u.%u.%u", rnd(300), rnd(256), rnd(256), rnd(256));
        else
            spell(b, text, sizeof(text));
        if (rnd(2))
            mutate(text, sizeof(text));
        int fam = libc_parse(text, want);
        struct hv_addr a;
        bool ok = hv_addr_parse(text, strlen(text), &a);
        valid += fam != 0;
        if (ok != (fam != 0) || (ok && (a.family != fam || memcmp(a.b, want, 16) != 0))) {
            if (parse_bad++ < 5)
                CHECK_MSG(0, "parse \"%s\": ours %s, inet_pton %s", text,
                          ok ? "an address" : "no address", fam ? "an address" : "no address");
        }
        /* formatting: any 16 bytes (mapped ones included, as inet_ntop
         * prints them) and the 4 bytes of an IPv4 address */
        a.family = rnd(5) == 0 ? 4 : 6;
        memcpy(a.b, b, 16);
        hv_addr_format(&a, ours);
        inet_ntop(a.family == 4 ? AF_INET : AF_INET6, b, libc, sizeof(libc));
        if (strcmp(ours, libc) != 0 && format_bad++ < 5)
            CHECK_MSG(0, "format: ours \"%s\", inet_ntop \"%s\"", ours, libc);
    }
    CHECK_INTEQ(parse_bad, 0);
    CHECK_INTEQ(format_bad, 0);
    /* the generator must reach both outcomes often, or it tests little */
    CHECK_MSG(valid > 50000 && valid < 180000, "%d of 200000 generated texts were addresses",
              valid);
}

/* canon - canonical text of s, or "" when it is not an address. */
static const char *canon(const char *s)
{
    static char out[46];
    if (!hv_ip_canon(s, strlen(s), out))
        return "";
    return out;
}

/* in_list - whether ip is inside the networks of csv. */
static int in_list(const char *csv, const char *ip)
{
    struct hv_netlist l = {0};
    struct hv_addr a;
    int r = -1;
    if (hv_netlist_add_csv(&l, csv, NULL) && hv_addr_parse(ip, strlen(ip), &a))
        r = hv_netlist_contains(&l, &a);
    hv_netlist_fini(&l);
    return r;
}

int main(void)
{
    CHECK_STREQ(canon("192.0.2.1"), "192.0.2.1");
    CHECK_STREQ(canon("[192.0.2.1]"), "192.0.2.1");
    CHECK_STREQ(canon("[IPv6:2001:DB8::1]"), "2001:db8::1");
    CHECK_STREQ(canon("IPv6:2001:db8:0:0::1"), "2001:db8::1");
    CHECK_STREQ(canon("::ffff:192.0.2.7"), "192.0.2.7");
    CHECK_STREQ(canon("fe80::1%6"), "fe80::1");
    CHECK_STREQ(canon("192.0.2"), "");
    CHECK_STREQ(canon("192.0.2.256"), "");
    CHECK_STREQ(canon("V4NET.9.8.7"), "");
    CHECK_STREQ(canon(""), "");
    CHECK_STREQ(canon("[]"), "");
    CHECK_STREQ(canon("1.2.3.4.5"), "");
    CHECK_STREQ(canon("01.2.3.4"), "");
    CHECK_STREQ(canon("1.2.3.4."), "");
    CHECK_STREQ(canon("0.0.0.0"), "0.0.0.0");
    CHECK_STREQ(canon("255.255.255.255"), "255.255.255.255");
    CHECK_STREQ(canon("::"), "::");
    CHECK_STREQ(canon("::1"), "::1");
    CHECK_STREQ(canon("1::"), "1::");
    CHECK_STREQ(canon("::192.0.2.1"), "::192.0.2.1");
    CHECK_STREQ(canon("2001:db8:0:1:0:0:0:1"), "2001:db8:0:1::1");
    CHECK_STREQ(canon("2001:0:0:1:0:0:0:1"), "2001:0:0:1::1");
    CHECK_STREQ(canon("2001:db8:1:2:3:4:5:0"), "2001:db8:1:2:3:4:5:0");
    CHECK_STREQ(canon("1:2:3:4:5:6:7::"), "1:2:3:4:5:6:7:0");
    CHECK_STREQ(canon("1:2:3:4:5:6:7:8::"), "");   /* "::" for no group */
    CHECK_STREQ(canon("1:2:3:4:5:6:7:8:9"), "");
    CHECK_STREQ(canon("1::2::3"), "");
    CHECK_STREQ(canon("12345::1"), "");
    CHECK_STREQ(canon(":1::2"), "");
    CHECK_STREQ(canon("1:2:3:4:5:6:1.2.3.4"), "1:2:3:4:5:6:102:304");
    /* exactly len bytes: a NUL inside is not the end of the address */
    CHECK(!hv_ip_canon("192.0.2.1\0junk", 14, (char[46]){0}));
    differential();

    struct hv_addr a, b;
    CHECK(hv_addr_parse("::ffff:10.0.0.1", 15, &a) && hv_addr_parse("10.0.0.1", 8, &b));
    CHECK(hv_addr_equal(&a, &b));

    CHECK_INTEQ(in_list("10.0.0.0/8", "10.1.2.3"), 1);
    CHECK_INTEQ(in_list("10.0.0.0/8", "11.1.2.3"), 0);
    CHECK_INTEQ(in_list("192.0.2.128/25", "192.0.2.129"), 1);
    CHECK_INTEQ(in_list("192.0.2.128/25", "192.0.2.127"), 0);
    CHECK_INTEQ(in_list("2001:db8::/32,10.0.0.0/8", "2001:db8:1::5"), 1);
    CHECK_INTEQ(in_list("2001:db8::/33", "2001:db8:8000::5"), 0);
    CHECK_INTEQ(in_list("198.51.100.7", "198.51.100.7"), 1);
    CHECK_INTEQ(in_list("0.0.0.0/0", "203.0.113.9"), 1);
    CHECK_INTEQ(in_list("10.0.0.0/33", "10.0.0.1"), -1);
    CHECK_INTEQ(in_list("bogus", "10.0.0.1"), -1);

    struct hv_netlist def = {0};
    hv_netlist_default_trusted(&def);
    const char *inside[] = {"127.0.0.1", "10.9.8.7", "172.31.0.1", "192.168.1.1",
                            "fd00::1", "fe80::1", "::1", "169.254.0.5"};
    /* the unspecified addresses are no relay of ours: a header that names
     * one as the client is the border as written (README, Mail archives) */
    const char *outside[] = {"192.0.2.1", "172.32.0.1", "2001:db8::1", "8.8.8.8",
                             "0.0.0.0",   "::"};
    for (size_t i = 0; i < sizeof(inside) / sizeof(inside[0]); i++) {
        CHECK(hv_addr_parse(inside[i], strlen(inside[i]), &a));
        CHECK_MSG(hv_netlist_contains(&def, &a), "%s should be trusted", inside[i]);
    }
    for (size_t i = 0; i < sizeof(outside) / sizeof(outside[0]); i++) {
        CHECK(hv_addr_parse(outside[i], strlen(outside[i]), &a));
        CHECK_MSG(!hv_netlist_contains(&def, &a), "%s should not be trusted", outside[i]);
    }
    hv_netlist_fini(&def);
    return CHECK_DONE();
}
