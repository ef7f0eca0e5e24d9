/* SPDX-License-Identifier: MIT */
/* test_smap - the address helpers of smap.h against netaddr's, which they
 * must match byte for byte: hv_smap_addr_parse's dotted-quad fast path
 * (leading zeros, 256, too many digits, trailing junk, IPv6, empty, random
 * texts) and hv_smap_addr_format. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "smap.h"
#include "xorshift.h"

/* rnd - a fixed xorshift sequence: the generated cases are the same on
 * every run. */
static uint64_t rnd_state = XORSHIFT_SEED;
static unsigned rnd(unsigned n)
{
    return (unsigned)xorshift_below(&rnd_state, n);
}

/* same_parse - hv_smap_addr_parse and hv_addr_parse agree on p[0..len):
 * both refuse, or both accept with the same family and bytes. The text is
 * copied with digits after it, so a parser reading past len would differ. */
static bool same_parse(const char *p, size_t len)
{
    char buf[96];
    if (len + 4 > sizeof(buf))
        return false;
    memcpy(buf, p, len);
    memcpy(buf + len, "1234", 4);
    struct hv_addr a, b;
    memset(&a, 0xAB, sizeof(a));
    memset(&b, 0xCD, sizeof(b));
    bool ok_a = hv_smap_addr_parse(buf, len, &a);
    bool ok_b = hv_addr_parse(buf, len, &b);
    if (ok_a != ok_b)
        return false;
    return !ok_a || (a.family == b.family && memcmp(a.b, b.b, 16) == 0);
}

/* same_format - hv_smap_addr_format writes what hv_addr_format does. */
static bool same_format(const struct hv_addr *a)
{
    char x[46], y[46];
    hv_smap_addr_format(a, x);
    hv_addr_format(a, y);
    return strcmp(x, y) == 0;
}

/* parses_to - text parses (fast path or not) to the IPv4 address q. */
static bool parses_to(const char *text, unsigned q0, unsigned q1, unsigned q2,
                      unsigned q3)
{
    struct hv_addr a;
    const uint8_t want[4] = {(uint8_t)q0, (uint8_t)q1, (uint8_t)q2, (uint8_t)q3};
    return hv_smap_addr_parse(text, strlen(text), &a) && a.family == 4 &&
           memcmp(a.b, want, 4) == 0;
}

/* random_text - a text that is often nearly a dotted quad: numbers of 0-4
 * digits (some with leading zeros), a dot or some other byte between them,
 * sometimes junk at either end. */
static size_t random_text(char *out, size_t cap)
{
    static const char junk[] = ".:x []0/%-";
    size_t n = 0;
    unsigned parts = rnd(4) == 0 ? 1 + rnd(6) : 4;
    if (rnd(16) == 0)
        out[n++] = junk[rnd(sizeof(junk) - 1)];
    for (unsigned i = 0; i < parts && n + 8 < cap; i++) {
        unsigned nd = rnd(8) == 0 ? rnd(5) : 1 + rnd(3);
        if (rnd(3) == 0 && nd > 0) {   /* a value near 255 */
            n += (size_t)snprintf(out + n, cap - n, "%u", 250 + rnd(10));
        } else {
            for (unsigned d = 0; d < nd; d++)
                out[n++] = (char)('0' + (d == 0 && rnd(16) != 0 ? 1 + rnd(9) : rnd(10)));
        }
        if (i + 1 < parts)
            out[n++] = rnd(12) == 0 ? junk[rnd(sizeof(junk) - 1)] : '.';
    }
    if (rnd(16) == 0 && n + 1 < cap)
        out[n++] = junk[rnd(sizeof(junk) - 1)];
    return n;
}

int main(void)
{
    static const char *const cases[] = {
        "", "1", "1.2.3", "1.2.3.4", "0.0.0.0", "255.255.255.255",
        "192.0.2.1", "10.0.0.255", "256.1.1.1", "1.2.3.256", "1.2.3.999",
        "01.2.3.4", "1.02.3.4", "1.2.3.04", "1.2.3.00", "00.0.0.0",
        "1234.1.1.1", "1.2.3.4567", "1.2.3.4.", "1.2.3.4 ", " 1.2.3.4",
        "1.2.3.4x", "1.2.3.4.5", "1..2.3", "1.2..3.4", ".1.2.3.4", "1.2.3.",
        "a.b.c.d", "[1.2.3.4]", "1.2.3.4:25", "::1", "2001:db8::1",
        "::ffff:1.2.3.4", "IPv6:2001:db8::1", "[IPv6:2001:db8::1]",
        "fe80::1%eth0", "1.2.3.4/24", "100.200.250.255", "249.250.251.252",
        "199.99.9.0", "300.0.0.0", "1.2.3.-4", "1.2.3.+4", "111.222.233.244",
    };
    int parse_bad = 0;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        if (!same_parse(cases[i], strlen(cases[i]))) {
            parse_bad++;
            CHECK_MSG(0, "parse \"%s\": smap and netaddr differ", cases[i]);
        }
    }
    CHECK(parses_to("0.0.0.0", 0, 0, 0, 0));
    CHECK(parses_to("255.255.255.255", 255, 255, 255, 255));
    CHECK(parses_to("192.0.2.10", 192, 0, 2, 10));
    CHECK(parses_to("::ffff:198.51.100.7", 198, 51, 100, 7));
    struct hv_addr a;
    CHECK(!hv_smap_addr_parse("256.0.0.1", 9, &a));
    CHECK(!hv_smap_addr_parse("1.2.3.4x", 8, &a));
    CHECK(!hv_smap_addr_parse("", 0, &a));
    CHECK(hv_smap_addr_parse("1.2.3.45", 7, &a) && a.b[3] == 4);

    /* generated texts: the same verdict and bytes as netaddr */
    int valid = 0;
    for (int i = 0; i < 300000; i++) {
        char text[64];
        size_t n = random_text(text, sizeof(text));
        if (!same_parse(text, n)) {
            if (parse_bad++ < 10)
                CHECK_MSG(0, "parse \"%.*s\": smap and netaddr differ", (int)n,
                          text);
        }
        if (hv_smap_addr_parse(text, n, &a))
            valid++;
    }
    CHECK_INTEQ(parse_bad, 0);
    CHECK_MSG(valid > 10000 && valid < 200000,
              "%d of 300000 generated texts were addresses", valid);

    /* every IPv4 value class and random IPv6: the same text as netaddr */
    int format_bad = 0;
    for (int i = 0; i < 200000; i++) {
        memset(&a, 0, sizeof(a));
        a.family = rnd(4) == 0 ? 6 : 4;
        for (int k = 0; k < (a.family == 4 ? 4 : 16); k++)
            a.b[k] = (uint8_t)(rnd(3) == 0 ? rnd(10) : rnd(256));
        if (!same_format(&a))
            format_bad++;
    }
    CHECK_INTEQ(format_bad, 0);
    return CHECK_DONE();
}
