/* SPDX-License-Identifier: MIT */
/*
 * tstamp - the timestamps found in mail logs and mail headers, turned into
 * UTC epoch seconds. Each function parses a prefix of p (need not be
 * NUL-terminated) and returns the number of bytes consumed (including one
 * trailing space where the format has it), or 0 when p does not start with
 * that form. Fractions are dropped; offsets are applied.
 */
#ifndef HV_TSTAMP_H
#define HV_TSTAMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Year inference for stamps without a year (RFC 3164, "Nov  1 00:00:01").
 * With explicit_year, the first stamp gets that year and each December to
 * January step adds one. Otherwise the year is the one that puts the stamp
 * at or before ref_time (+1 day of slack): a file's mtime. */
struct hv_clock {
    int year;            /* explicit year, or the year of ref_time */
    bool explicit_year;
    int64_t ref_time;    /* file mtime (or now for stdin) */
    int last_month;      /* 1..12 of the previous stamp, 0 at start */
};

/* hv_clock_init - explicit year when year > 0, otherwise infer from ref_time. */
void hv_clock_init(struct hv_clock *c, int year, int64_t ref_time);

/* tstamp_rfc3164 - "Mmm dd hh:mm:ss " (day may be space-padded). */
size_t tstamp_rfc3164(const char *p, size_t len, struct hv_clock *c,
                      int64_t *ts);
/* tstamp_rfc3339 - "2026-11-01T00:00:01[.frac](Z|+hh:mm) ". */
size_t tstamp_rfc3339(const char *p, size_t len, int64_t *ts);
/* tstamp_exim - "2026-11-01 00:00:01[.frac][ +hhmm] " (local stamps are
 * taken as UTC). */
size_t tstamp_exim(const char *p, size_t len, int64_t *ts);

/* tstamp_exim_cached - tstamp_exim, with the calendar arithmetic of the
 * last plain stamp's day ("2026-11-01 00:00:01 ") and minute kept in *day:
 * a plain stamp of the same minute is read from its seconds alone, one of
 * the same day from its time. The same results as tstamp_exim for any
 * sequence of stamps; *day is the caller's, zeroed before the first call. */
struct tstamp_day {
    char date[10];       /* "YYYY-MM-DD" of the cached day */
    bool valid;
    int64_t base;        /* epoch seconds of its midnight */
    char minute[16];     /* "YYYY-MM-DD hh:mm" of the cached minute */
    bool minute_valid;
    int64_t minute_base; /* epoch seconds of that minute, seconds = 0 */
};
size_t tstamp_exim_cached(const char *p, size_t len, struct tstamp_day *day,
                          int64_t *ts);
/* tstamp_rfc2822 - "[Tue, ]3 Feb 2004 11:14:06 -0500" and obsolete zone names
 * (UT, GMT, EST...); a trailing comment is not consumed. */
size_t tstamp_rfc2822(const char *p, size_t len, int64_t *ts);
/* tstamp_ctime - mbox From_ date, "Mon Nov  2 00:00:13 2026" (also with a
 * zone or the year before the time, as some MUAs write it). */
size_t tstamp_ctime(const char *p, size_t len, int64_t *ts);

/* tstamp_days_from_civil - days since 1970-01-01 of a proleptic Gregorian
 * date (month 1..12). */
int64_t tstamp_days_from_civil(int64_t y, int m, int d);

/* TSTAMP_ISO_MIN / TSTAMP_ISO_MAX - the times tstamp_format_iso writes:
 * 0000-01-01T00:00:00Z and 9999-12-31T23:59:59Z (ISO 8601 without an
 * expanded year has four digits). */
#define TSTAMP_ISO_MIN (-62167219200LL)
#define TSTAMP_ISO_MAX 253402300799LL

/* tstamp_format_iso - UTC epoch seconds ts as "2026-11-01T00:00:01Z" into
 * out (at least 21 bytes; proleptic Gregorian, no leap seconds). The one
 * ISO 8601 formatter of the program (the reports' fmt_iso_time uses it).
 * Returns false and writes "" for a time outside TSTAMP_ISO_MIN ..
 * TSTAMP_ISO_MAX (a negative year, a year past 9999, INT64 extremes): no
 * made-up or five-digit date is ever printed. */
bool tstamp_format_iso(int64_t ts, char out[21]);

#endif
