/* SPDX-License-Identifier: MIT */
/*
 * tstamp - timestamp forms of mail logs and headers to UTC epoch seconds.
 * Everything is hand-scanned: these run once per log line, so no regex,
 * no locale, no mktime/timegm.
 */
#include "tstamp.h"

#include <string.h>

#include "ascii.h"

static const char months[12][4] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

/* month_index - 1..12 for a three-letter English month (any case), else 0. */
static int month_index(const char *p)
{
    char a = (char)(p[0] | 0x20), b = (char)(p[1] | 0x20), c = (char)(p[2] | 0x20);
    for (int i = 0; i < 12; i++)
        if ((months[i][0] | 0x20) == a && months[i][1] == b && months[i][2] == c)
            return i + 1;
    return 0;
}

/* digits - value of n decimal digits at p, or -1. */
static int digits(const char *p, size_t n)
{
    int v = 0;
    for (size_t i = 0; i < n; i++) {
        if (!is_digit(p[i]))
            return -1;
        v = v * 10 + (p[i] - '0');
    }
    return v;
}

int64_t tstamp_days_from_civil(int64_t y, int m, int d)
{
    /* Howard Hinnant's days_from_civil. */
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

/* make_ts - epoch seconds of a civil UTC time; -1 for impossible fields. */
static int64_t make_ts(int64_t y, int mo, int d, int h, int mi, int s)
{
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60 ||
        h < 0 || mi < 0 || s < 0)
        return -1;
    return tstamp_days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s;
}

/* hms - "hh:mm:ss" at p; returns false unless all three parse. */
static bool hms(const char *p, size_t len, int *h, int *m, int *s)
{
    if (len < 8 || p[2] != ':' || p[5] != ':')
        return false;
    *h = digits(p, 2);
    *m = digits(p + 3, 2);
    *s = digits(p + 6, 2);
    return *h >= 0 && *m >= 0 && *s >= 0;
}

void hv_clock_init(struct hv_clock *c, int year, int64_t ref_time)
{
    memset(c, 0, sizeof(*c));
    c->ref_time = ref_time;
    if (year > 0) {
        c->year = year;
        c->explicit_year = true;
    } else {
        int64_t days = ref_time / 86400 - (ref_time % 86400 < 0);
        /* civil_from_days, year only */
        int64_t z = days + 719468;
        int64_t era = (z >= 0 ? z : z - 146096) / 146097;
        int64_t doe = z - era * 146097;
        int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
        int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        int64_t mp = (5 * doy + 2) / 153;
        int64_t m = mp + (mp < 10 ? 3 : -9);
        c->year = (int)(yoe + era * 400 + (m <= 2));
    }
}

size_t tstamp_rfc3164(const char *p, size_t len, struct hv_clock *c,
                      int64_t *ts)
{
    int h, mi, s;
    if (len < 15 || p[3] != ' ')
        return 0;
    int mo = month_index(p);
    if (mo == 0)
        return 0;
    int d;
    if (p[4] == ' ')
        d = digits(p + 5, 1);
    else
        d = digits(p + 4, 2);
    if (d < 1 || p[6] != ' ' || !hms(p + 7, len - 7, &h, &mi, &s))
        return 0;
    size_t used = 15;
    /* fractional seconds, as some syslog daemons write "hh:mm:ss.mmm" */
    if (used < len && p[used] == '.') {
        size_t k = used + 1;
        while (k < len && is_digit(p[k]))
            k++;
        used = k;
    }
    int64_t t;
    if (c->explicit_year) {
        if (c->last_month == 12 && mo == 1)
            c->year++;
        t = make_ts(c->year, mo, d, h, mi, s);
    } else {
        t = make_ts(c->year, mo, d, h, mi, s);
        if (t > c->ref_time + 86400)
            t = make_ts(c->year - 1, mo, d, h, mi, s);
    }
    if (t < 0)
        return 0;
    c->last_month = mo;
    *ts = t;
    if (used < len && p[used] == ' ')
        used++;
    return used;
}

/* zone_offset - "Z", "+hh:mm", "+hhmm" at p; seconds east in *off. */
static size_t zone_offset(const char *p, size_t len, bool colon_ok, int *off)
{
    if (len >= 1 && (p[0] == 'Z' || p[0] == 'z')) {
        *off = 0;
        return 1;
    }
    if (len < 5 || (p[0] != '+' && p[0] != '-'))
        return 0;
    int hh = digits(p + 1, 2), mm;
    size_t used;
    if (colon_ok && len >= 6 && p[3] == ':') {
        mm = digits(p + 4, 2);
        used = 6;
    } else {
        mm = digits(p + 3, 2);
        used = 5;
    }
    if (hh < 0 || mm < 0 || hh > 23 || mm > 59)
        return 0;
    *off = (hh * 3600 + mm * 60) * (p[0] == '-' ? -1 : 1);
    return used;
}

/* skip_fraction - length of ".ddd..." at p (0 when absent). */
static size_t skip_fraction(const char *p, size_t len)
{
    size_t k = 0;
    if (len > 0 && (p[0] == '.' || p[0] == ',')) {
        k = 1;
        while (k < len && is_digit(p[k]))
            k++;
        if (k == 1)
            return 0;
    }
    return k;
}

/* ymd - "YYYY-MM-DD" at p. */
static bool ymd(const char *p, size_t len, int *y, int *mo, int *d)
{
    if (len < 10 || p[4] != '-' || p[7] != '-')
        return false;
    *y = digits(p, 4);
    *mo = digits(p + 5, 2);
    *d = digits(p + 8, 2);
    return *y >= 0 && *mo >= 0 && *d >= 0;
}

size_t tstamp_rfc3339(const char *p, size_t len, int64_t *ts)
{
    int y, mo, d, h, mi, s, off = 0;
    if (!ymd(p, len, &y, &mo, &d) || len < 19 || (p[10] != 'T' && p[10] != 't') ||
        !hms(p + 11, len - 11, &h, &mi, &s))
        return 0;
    size_t k = 19;
    k += skip_fraction(p + k, len - k);
    size_t z = zone_offset(p + k, len - k, true, &off);
    if (z == 0)
        return 0;
    k += z;
    int64_t t = make_ts(y, mo, d, h, mi, s);
    if (t < 0)
        return 0;
    *ts = t - off;
    if (k < len && p[k] == ' ')
        k++;
    return k;
}

size_t tstamp_exim(const char *p, size_t len, int64_t *ts)
{
    int y, mo, d, h, mi, s, off = 0;
    if (!ymd(p, len, &y, &mo, &d) || len < 19 || p[10] != ' ' ||
        !hms(p + 11, len - 11, &h, &mi, &s))
        return 0;
    size_t k = 19;
    k += skip_fraction(p + k, len - k);
    if (k + 1 < len && p[k] == ' ' && (p[k + 1] == '+' || p[k + 1] == '-')) {
        size_t z = zone_offset(p + k + 1, len - k - 1, false, &off);
        if (z == 5)
            k += 1 + z;
        else
            off = 0;
    }
    int64_t t = make_ts(y, mo, d, h, mi, s);
    if (t < 0)
        return 0;
    *ts = t - off;
    if (k < len && p[k] == ' ')
        k++;
    return k;
}

/* plain_exim_time - the seconds into the day of a plain Exim stamp at p
 * ("YYYY-MM-DD hh:mm:ss " with no fraction and no zone after it), or -1
 * when it is not one or its time is out of range. */
static int plain_exim_time(const char *p, size_t len)
{
    int h, mi, s;
    if (len < 20 || p[10] != ' ' || p[19] != ' ' ||
        (len > 20 && (p[20] == '+' || p[20] == '-')) ||
        !hms(p + 11, len - 11, &h, &mi, &s) || h > 23 || mi > 59 || s > 60)
        return -1;
    return h * 3600 + mi * 60 + s;
}

/* plain_exim_seconds - the seconds of a plain Exim stamp at p whose
 * "YYYY-MM-DD hh:mm" is known to be good (plain_exim_time took it): ":ss "
 * at p + 16, ss up to 60, no zone after it; -1 when that is not there. */
static int plain_exim_seconds(const char *p, size_t len)
{
    if (len < 20 || p[16] != ':' || p[19] != ' ' ||
        (len > 20 && (p[20] == '+' || p[20] == '-')))
        return -1;
    int s = digits(p + 17, 2);
    return s <= 60 ? s : -1;
}

/* remember_minute - cache the minute of the plain stamp at p, read as ts. */
static void remember_minute(struct tstamp_day *day, const char *p, int64_t ts)
{
    memcpy(day->minute, p, 16);
    day->minute_base = ts - digits(p + 17, 2);
    day->minute_valid = true;
}

size_t tstamp_exim_cached(const char *p, size_t len, struct tstamp_day *day,
                          int64_t *ts)
{
    int secs;
    if (day->minute_valid && len >= 20 && memcmp(p, day->minute, 16) == 0 &&
        (secs = plain_exim_seconds(p, len)) >= 0) {
        *ts = day->minute_base + secs;
        return 20;
    }
    if (day->valid && len >= 20 && memcmp(p, day->date, 10) == 0 &&
        (secs = plain_exim_time(p, len)) >= 0) {
        *ts = day->base + secs;
        remember_minute(day, p, *ts);
        return 20;
    }
    size_t k = tstamp_exim(p, len, ts);
    if (k == 20 && (secs = plain_exim_time(p, len)) >= 0) {
        memcpy(day->date, p, 10);
        day->base = *ts - secs;
        day->valid = true;
        remember_minute(day, p, *ts);
    }
    return k;
}

/* obsolete_zone - RFC 5322 4.3 zone names; seconds east, or false. */
static bool obsolete_zone(const char *p, size_t n, int *off)
{
    static const struct {
        const char *name;
        int hours;
    } zones[] = {{"UT", 0},   {"UTC", 0},  {"GMT", 0},  {"Z", 0},
                 {"EST", -5}, {"EDT", -4}, {"CST", -6}, {"CDT", -5},
                 {"MST", -7}, {"MDT", -6}, {"PST", -8}, {"PDT", -7}};
    for (size_t i = 0; i < sizeof(zones) / sizeof(zones[0]); i++) {
        size_t zl = strlen(zones[i].name);
        if (zl != n)
            continue;
        size_t j = 0;
        while (j < n && (p[j] & ~0x20) == zones[i].name[j])
            j++;
        if (j == n) {
            *off = zones[i].hours * 3600;
            return true;
        }
    }
    return false;
}

/* number - up to maxd digits at p[*k]; -1 when none. */
static int number(const char *p, size_t len, size_t *k, int maxd)
{
    int v = 0, n = 0;
    while (*k < len && n < maxd && is_digit(p[*k])) {
        v = v * 10 + (p[*k] - '0');
        (*k)++;
        n++;
    }
    return n ? v : -1;
}

/* skip_ws - advance over spaces and tabs. */
static void skip_ws(const char *p, size_t len, size_t *k)
{
    while (*k < len && (p[*k] == ' ' || p[*k] == '\t'))
        (*k)++;
}

size_t tstamp_rfc2822(const char *p, size_t len, int64_t *ts)
{
    size_t k = 0;
    skip_ws(p, len, &k);
    /* optional day name and comma */
    if (k + 3 < len && p[k] > '9') {
        size_t j = k;
        while (j < len && is_alpha(p[j]))
            j++;
        if (j < len && p[j] == ',')
            k = j + 1;
        skip_ws(p, len, &k);
    }
    int d = number(p, len, &k, 2);
    if (d < 1)
        return 0;
    skip_ws(p, len, &k);
    if (k + 3 > len)
        return 0;
    int mo = month_index(p + k);
    if (mo == 0)
        return 0;
    k += 3;
    skip_ws(p, len, &k);
    size_t ys = k;
    int y = number(p, len, &k, 4);
    if (y < 0)
        return 0;
    if (k - ys == 2)
        y += y < 50 ? 2000 : 1900;
    else if (k - ys == 3)
        y += 1900;
    skip_ws(p, len, &k);
    int h = number(p, len, &k, 2);
    if (h < 0 || k >= len || p[k] != ':')
        return 0;
    k++;
    int mi = number(p, len, &k, 2), s = 0;
    if (mi < 0)
        return 0;
    if (k < len && p[k] == ':') {
        k++;
        s = number(p, len, &k, 2);
        if (s < 0)
            return 0;
    }
    k += skip_fraction(p + k, len - k);
    skip_ws(p, len, &k);
    int off = 0;
    size_t z = zone_offset(p + k, len - k, true, &off);
    if (z == 0) {
        size_t j = k;
        while (j < len && is_alpha(p[j]))
            j++;
        if (j > k && obsolete_zone(p + k, j - k, &off))
            z = j - k;
    }
    k += z;
    int64_t t = make_ts(y, mo, d, h, mi, s);
    if (t < 0)
        return 0;
    *ts = t - off;
    return k;
}

size_t tstamp_ctime(const char *p, size_t len, int64_t *ts)
{
    /* "Mon Nov  2 00:00:13 2026", optionally "... 2026 +0000" or with a
     * zone name before the year; also "Mon, 2 Nov 2026 00:00:13 +0000". */
    size_t k = 0;
    skip_ws(p, len, &k);
    if (k + 7 > len || p[k + 3] != ' ' || month_index(p + k + 4) == 0)
        return tstamp_rfc2822(p, len, ts);
    k += 4;
    skip_ws(p, len, &k);
    if (k + 3 > len)
        return 0;
    int mo = month_index(p + k);
    if (mo == 0)
        return 0;
    k += 3;
    skip_ws(p, len, &k);
    int d = number(p, len, &k, 2);
    if (d < 1)
        return 0;
    skip_ws(p, len, &k);
    int h, mi, s;
    if (!hms(p + k, len - k, &h, &mi, &s))
        return 0;
    k += 8;
    skip_ws(p, len, &k);
    /* optional zone name before the year */
    if (k < len && p[k] > '9') {
        size_t j = k;
        while (j < len && p[j] != ' ')
            j++;
        k = j;
        skip_ws(p, len, &k);
    }
    int y = number(p, len, &k, 4);
    if (y < 1000)
        return 0;
    int off = 0;
    size_t save = k;
    skip_ws(p, len, &k);
    size_t z = zone_offset(p + k, len - k, true, &off);
    if (z)
        k += z;
    else
        k = save;
    int64_t t = make_ts(y, mo, d, h, mi, s);
    if (t < 0)
        return 0;
    *ts = t - off;
    return k;
}

bool tstamp_format_iso(int64_t ts, char out[21])
{
    if (ts < TSTAMP_ISO_MIN || ts > TSTAMP_ISO_MAX) {
        out[0] = '\0';
        return false;
    }
    int64_t days = ts / 86400, secs = ts % 86400;
    if (secs < 0) {
        secs += 86400;
        days--;
    }
    int64_t z = days + 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t y = yoe + era * 400;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    int64_t d = doy - (153 * mp + 2) / 5 + 1;
    int64_t m = mp + (mp < 10 ? 3 : -9);
    y += (m <= 2);
    char *o = out;
    int vals[6] = {(int)y, (int)m, (int)d, (int)(secs / 3600),
                   (int)(secs / 60 % 60), (int)(secs % 60)};
    static const char seps[6] = {'-', '-', 'T', ':', ':', 'Z'};
    for (int i = 0; i < 6; i++) {
        int v = vals[i];
        if (i == 0) {
            *o++ = (char)('0' + v / 1000);
            *o++ = (char)('0' + v / 100 % 10);
        }
        *o++ = (char)('0' + v / 10 % 10);
        *o++ = (char)('0' + v % 10);
        *o++ = seps[i];
    }
    *o = '\0';
    return true;
}
