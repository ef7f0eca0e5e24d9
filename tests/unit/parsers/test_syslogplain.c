/* SPDX-License-Identifier: MIT */
/*
 * test_syslogplain - hv_syslog_plain_digit against hv_syslog_split itself:
 * 200,000 lines made from an RFC 3339 syslog line and an Exim line, their
 * first 24 bytes mutated over an alphabet of stamp bytes (digits, '-', 'T',
 * 't', ':', ' ', '<', '>', 'Z') and cut at every length. Wherever the fast
 * test says "plain", the split (no clock, a clock, a clock with a cache)
 * must answer HV_SYSLOG_NOPREFIX; every Exim-shaped line ("dddd-dd-dd hh:")
 * must be called plain.
 */
#include <stdint.h>
#include <string.h>

#include "check.h"
#include "syslog.h"
#include "xorshift.h"

static uint64_t rng = XORSHIFT_SEED;

/* rnd - the next of the fixed sequence, below n. */
static size_t rnd(size_t n)
{
    return (size_t)xorshift_below(&rng, n);
}

/* split_status - hv_syslog_split's answer with the given clock use: 0 no
 * clock, 1 a clock, 2 a clock and a cache (fresh for the line). */
static int split_status(const char *p, size_t n, int mode)
{
    struct hv_syslog sl;
    struct hv_clock c;
    struct hv_syslog_cache cache;
    memset(&cache, 0, sizeof(cache));
    hv_clock_init(&c, 2026, 0);
    if (mode == 0)
        return hv_syslog_split(p, n, NULL, &sl);
    if (mode == 1)
        return hv_syslog_split(p, n, &c, &sl);
    return hv_syslog_split_cached(p, n, &c, &cache, &sl);
}

/* exim_shaped - "dddd-dd-dd hh" at p: a line of Exim's own log. */
static bool exim_shaped(const char *p, size_t n)
{
    return n >= 11 && p[0] >= '0' && p[0] <= '9' && p[4] == '-' && p[10] == ' ';
}

int main(void)
{
    static const char *const base[] = {
        "2026-11-01T00:00:01.123+01:00 mx1 exim[12]: 1xNIzR-000abx-01 <= a@b",
        "2026-11-01 00:00:00 SMTP connection from [192.0.2.1]:25 lost",
        "<22>1 2026-11-01T00:00:01Z mx1 exim 12 - - text",
        "2026-11-01t00:00:01Z mx1 postfix/smtpd[9]: connect from x[192.0.2.1]",
    };
    static const char alpha[] = "0123456789-Tt: <>Z1";
    char line[128];
    long plain = 0, fails = 0, exim = 0;
    for (int round = 0; round < 200000; round++) {
        const char *b = base[rnd(4)];
        size_t n = strlen(b);
        memcpy(line, b, n);
        for (size_t k = rnd(4); k > 0; k--)
            line[rnd(24)] = alpha[rnd(sizeof(alpha) - 1)];
        n = rnd(n + 1);
        if (!hv_syslog_plain_digit(line, n)) {
            if (exim_shaped(line, n) && fails++ < 5)
                CHECK_MSG(false, "Exim line not plain: %.*s", (int)n, line);
            continue;
        }
        plain++;
        exim += exim_shaped(line, n);
        for (int mode = 0; mode < 3; mode++) {
            int st = split_status(line, n, mode);
            if (st != HV_SYSLOG_NOPREFIX && fails++ < 5)
                CHECK_MSG(false, "plain but split says %d (mode %d): %.*s", st, mode,
                          (int)n, line);
        }
    }
    CHECK_INTEQ(fails, 0);
    CHECK(plain > 20000);
    CHECK(exim > 10000);
    CHECK(!hv_syslog_plain_digit("", 0));
    CHECK(!hv_syslog_plain_digit("Nov  1 00:00:01 mx1 exim[1]: x", 30));
    CHECK(hv_syslog_plain_digit("2026-11-01 00:00:00 x", 21));
    CHECK(hv_syslog_plain_digit("7", 1));
    return CHECK_DONE();
}
