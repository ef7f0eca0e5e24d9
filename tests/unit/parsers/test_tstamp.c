/* SPDX-License-Identifier: MIT */
/* test_tstamp - every timestamp form, year inference and rollover. */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "tstamp.h"

/* ts_of - epoch seconds of a UTC civil time, via the module itself. */
static int64_t ts_of(int y, int mo, int d, int h, int mi, int s)
{
    return tstamp_days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s;
}

/* exim_cache_agrees - tstamp_exim_cached over a stream of stamps (days
 * repeating, changing and invalid; times in and out of range; fractions,
 * zones, a "-" that is no zone, short lines) gives what tstamp_exim gives
 * for each, and the cache was used. Returns the stamps read from it. */
static int exim_cache_agrees(void)
{
    static const char *const days[] = {"2026-11-01", "2026-11-02", "2026-12-31",
                                       "2027-01-01", "2026-13-01", "1969-12-31",
                                       "2026-02-30", "20x6-11-01"};
    static const char *const tails[] = {" ", " rest", " +0100 x", " -0130 x",
                                        " -x", ".25 x", "", " +01 x"};
    static const char *const times[] = {"00:00:00", "23:59:60", "12:34:56", "24:00:00",
                                        "10:60:00", "1a:00:00", "09:08:07", "12:34:00",
                                        "12:34:60", "12:34:61", "12:34:5x", "12:34:6",
                                        "12:34-56", "12:35:00"};
    struct tstamp_day day;
    memset(&day, 0, sizeof(day));
    unsigned r = 12345;
    int hits = 0;
    for (int i = 0; i < 20000; i++) {
        r = r * 1103515245u + 12345u;
        unsigned di = (r >> 8) % 8, ti = (r >> 12) % 14, xi = (r >> 16) % 8;
        if ((r >> 20) % 4 != 0)
            di = (r >> 24) % 2;   /* mostly the same two days */
        char line[64];
        int n = snprintf(line, sizeof(line), "%s %s%s", days[di], times[ti], tails[xi]);
        int64_t a = -7, b = -7;
        size_t ka = tstamp_exim(line, (size_t)n, &a);
        bool cached = day.valid && memcmp(line, day.date, 10) == 0;
        size_t kb = tstamp_exim_cached(line, (size_t)n, &day, &b);
        hits += cached && kb == 20;
        CHECK_MSG(ka == kb && (ka == 0 || a == b), "exim stamp \"%s\": %zu %lld / %zu %lld",
                  line, ka, (long long)a, kb, (long long)b);
    }
    return hits;
}

int main(void)
{
    int64_t t = 0;
    struct hv_clock c;
    char iso[21];

    CHECK_INTEQ(tstamp_days_from_civil(1970, 1, 1), 0);
    CHECK_INTEQ(tstamp_days_from_civil(2000, 3, 1), 11017);
    tstamp_format_iso(0, iso);
    CHECK_STREQ(iso, "1970-01-01T00:00:00Z");
    tstamp_format_iso(ts_of(2026, 11, 29, 5, 55, 17), iso);
    CHECK_STREQ(iso, "2026-11-29T05:55:17Z");
    /* the range is 0000-01-01T00:00:00Z .. 9999-12-31T23:59:59Z; outside it
     * the result is "" and false (never a made-up date) */
    CHECK(tstamp_format_iso(-1, iso));
    CHECK_STREQ(iso, "1969-12-31T23:59:59Z");
    CHECK(tstamp_format_iso(ts_of(0, 1, 1, 0, 0, 0), iso));
    CHECK_STREQ(iso, "0000-01-01T00:00:00Z");
    CHECK(tstamp_format_iso(ts_of(1600, 2, 29, 12, 0, 0), iso));
    CHECK_STREQ(iso, "1600-02-29T12:00:00Z");
    CHECK(tstamp_format_iso(ts_of(9999, 12, 31, 23, 59, 59), iso));
    CHECK_STREQ(iso, "9999-12-31T23:59:59Z");
    CHECK(!tstamp_format_iso(ts_of(0, 1, 1, 0, 0, 0) - 1, iso));
    CHECK_STREQ(iso, "");
    CHECK(!tstamp_format_iso(ts_of(10000, 1, 1, 0, 0, 0), iso));
    CHECK_STREQ(iso, "");
    CHECK(!tstamp_format_iso(INT64_MIN, iso));
    CHECK_STREQ(iso, "");
    CHECK(!tstamp_format_iso(INT64_MAX, iso));
    CHECK_STREQ(iso, "");

    /* RFC 3164 with an explicit year and a December -> January rollover */
    hv_clock_init(&c, 2025, 0);
    CHECK_INTEQ(tstamp_rfc3164("Dec 31 23:59:59 mx1 postfix", 27, &c, &t), 16);
    CHECK_INTEQ(t, ts_of(2025, 12, 31, 23, 59, 59));
    CHECK_INTEQ(tstamp_rfc3164("Jan  1 00:00:01 mx1 postfix", 27, &c, &t), 16);
    CHECK_INTEQ(t, ts_of(2026, 1, 1, 0, 0, 1));
    /* inferred from the mtime: a Dec line in a file written in January */
    hv_clock_init(&c, 0, ts_of(2027, 1, 2, 0, 0, 0));
    CHECK(tstamp_rfc3164("Dec 31 23:59:59 x", 17, &c, &t) > 0);
    CHECK_INTEQ(t, ts_of(2026, 12, 31, 23, 59, 59));
    CHECK(tstamp_rfc3164("Jan  1 10:00:00 x", 17, &c, &t) > 0);
    CHECK_INTEQ(t, ts_of(2027, 1, 1, 10, 0, 0));
    CHECK_INTEQ(c.year, 2027);
    /* junk */
    CHECK_INTEQ(tstamp_rfc3164("Foo  1 00:00:01 x", 17, &c, &t), 0);
    CHECK_INTEQ(tstamp_rfc3164("Nov 41 00:00:01 x", 17, &c, &t), 0);
    CHECK_INTEQ(tstamp_rfc3164("Nov  1 25:00:01 x", 17, &c, &t), 0);
    CHECK_INTEQ(tstamp_rfc3164("Nov  1", 6, &c, &t), 0);

    /* RFC 3339 as rsyslog writes it on Debian 12 */
    CHECK_INTEQ(tstamp_rfc3339("2026-10-31T23:59:58.123456+00:00 mx1", 36, &t), 33);
    CHECK_INTEQ(t, ts_of(2026, 10, 31, 23, 59, 58));
    CHECK(tstamp_rfc3339("2026-11-01T01:00:00+01:00 x", 27, &t) > 0);
    CHECK_INTEQ(t, ts_of(2026, 11, 1, 0, 0, 0));
    CHECK(tstamp_rfc3339("2026-11-01T00:00:00Z", 20, &t) > 0);
    CHECK_INTEQ(t, ts_of(2026, 11, 1, 0, 0, 0));
    CHECK(tstamp_rfc3339("2026-11-01T00:00:00-05:30 x", 27, &t) > 0);
    CHECK_INTEQ(t, ts_of(2026, 11, 1, 5, 30, 0));
    CHECK_INTEQ(tstamp_rfc3339("2026-11-01 00:00:00", 19, &t), 0);
    CHECK_INTEQ(tstamp_rfc3339("2026-11-01T00:00:00", 19, &t), 0);

    /* Exim */
    CHECK_INTEQ(tstamp_exim("2013-01-04 17:03:46 login", 25, &t), 20);
    CHECK_INTEQ(t, ts_of(2013, 1, 4, 17, 3, 46));
    CHECK(tstamp_exim("2013-01-04 17:03:46 +0100 [123] x", 33, &t) > 0);
    CHECK_INTEQ(t, ts_of(2013, 1, 4, 16, 3, 46));
    CHECK(tstamp_exim("2013-01-04 17:03:46.123 x", 25, &t) > 0);
    CHECK_INTEQ(t, ts_of(2013, 1, 4, 17, 3, 46));
    CHECK_INTEQ(tstamp_exim("2013-13-04 17:03:46 x", 21, &t), 0);

    /* RFC 2822 Received / Date */
    CHECK(tstamp_rfc2822(" Tue, 3 Feb 2004 11:14:06 -0500 (EST)", 38, &t) > 0);
    CHECK_INTEQ(t, ts_of(2004, 2, 3, 16, 14, 6));
    CHECK(tstamp_rfc2822("14 Nov 2003 08:05:52 -0000", 26, &t) > 0);
    CHECK_INTEQ(t, ts_of(2003, 11, 14, 8, 5, 52));
    CHECK(tstamp_rfc2822("Mon, 08 Mar 2004 16:13:23 PST", 29, &t) > 0);
    CHECK_INTEQ(t, ts_of(2004, 3, 9, 0, 13, 23));
    CHECK(tstamp_rfc2822("Mon, 8 Mar 04 16:13 GMT", 23, &t) > 0);
    CHECK_INTEQ(t, ts_of(2004, 3, 8, 16, 13, 0));
    CHECK_INTEQ(tstamp_rfc2822("yesterday", 9, &t), 0);

    /* mbox From_ dates */
    CHECK(tstamp_ctime("Mon Nov  2 00:00:13 2026", 24, &t) > 0);
    CHECK_INTEQ(t, ts_of(2026, 11, 2, 0, 0, 13));
    CHECK(tstamp_ctime("Sat Jan  3 01:05:34 1996", 24, &t) > 0);
    CHECK_INTEQ(t, ts_of(1996, 1, 3, 1, 5, 34));
    CHECK(tstamp_ctime("Mon Nov  2 00:00:13 PST 2026", 28, &t) > 0);
    CHECK_INTEQ(tstamp_ctime("not a date", 10, &t), 0);
    CHECK_MSG(exim_cache_agrees() > 1000, "the day cache was used");
    return CHECK_DONE();
}
