/* SPDX-License-Identifier: MIT */
/*
 * syslog - split one syslog line into its parts, for the log parsers that
 * read syslog files (postfix, exim via syslog, sendmail).
 *
 *   [<PRI>]STAMP HOST TAG[PID]: MESSAGE
 *   <PRI>1 STAMP HOST APP PROCID MSGID SD MESSAGE         (RFC 5424)
 *
 * STAMP is RFC 3164 ("Nov  1 00:00:01", day space- or un-padded, year from
 * the hv_clock) or RFC 3339 ("2026-11-01T00:00:01.123+01:00", as rsyslog
 * and journald write it). TAG is the program name as logged, slashes and
 * dashes included ("postfix/smtpd", "postfix-in/smtpd", "sm-mta"); PID is
 * optional. All results are spans into the caller's line (borrowed, valid
 * while the line is), nothing is allocated and nothing is copied.
 *
 * Lines with no syslog prefix at all (bare messages, as in test corpora)
 * come back as HV_SYSLOG_NOPREFIX with msg spanning the whole line, so a
 * caller can still parse the message text. The module knows nothing about
 * any MTA.
 */
#ifndef HV_SYSLOG_H
#define HV_SYSLOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tstamp.h"

/* Results of hv_syslog_split(). */
enum hv_syslog_status {
    HV_SYSLOG_OK = 0,        /* stamp, host, tag and message all found */
    HV_SYSLOG_NOPREFIX = 1,  /* not a syslog line: msg = the whole line */
    HV_SYSLOG_BADSTAMP = 2,  /* starts like a stamp but it does not parse
                                (bad month, day, time, zone...): count the
                                line as "bad-timestamp" */
    HV_SYSLOG_NOTAG = 3,     /* stamp (and maybe host) parsed, but no
                                "TAG[PID]: " follows: ts and host are set,
                                msg = the rest after the stamp */
};

/* One split line. Spans have length 0 when the part is absent. */
struct hv_syslog {
    int64_t ts;           /* UTC epoch seconds; 0 unless the stamp parsed */
    const char *host;     /* reporting host */
    size_t host_len;
    const char *prog;     /* tag without "[pid]" and ":" */
    size_t prog_len;
    const char *base;     /* last '/'-separated part of the tag ("smtpd") */
    size_t base_len;
    const char *pid;      /* decimal digits of the pid, or length 0 */
    size_t pid_len;       /* (hv_syslog_pidnum gives the number) */
    const char *msg;      /* message text after "TAG[PID]: " */
    size_t msg_len;
};

/*
 * hv_syslog_split - split line (len bytes, need not be NUL-terminated).
 *   clock  year inference for RFC 3164 stamps (updated: December to
 *          January steps advance the year); may be NULL, then RFC 3164
 *          stamps are read with the fixed year 1970.
 *   out    OUT: filled on every return (all spans point into line).
 * Returns an enum hv_syslog_status. Never allocates; O(len) at worst,
 * usually only the first ~60 bytes are looked at.
 */
int hv_syslog_split(const char *line, size_t len, struct hv_clock *clock,
                    struct hv_syslog *out);

/*
 * hv_syslog_split_cached - hv_syslog_split with a per-stream cache of the
 * last RFC 3164 minute ("Nov  1 00:00"): lines of the same minute skip the
 * date arithmetic. Same results as hv_syslog_split as long as every line
 * of the stream goes through the same cache and clock. The cache is the
 * caller's (zero it before the first line); no allocation.
 */
struct hv_syslog_cache {
    char prefix[12];      /* "Mmm dd hh:mm" of the cached minute */
    bool valid;
    int64_t base;         /* epoch seconds of that minute, seconds = 0 */
    int year;             /* clock->year when cached */
    int month;            /* clock->last_month when cached */
};

int hv_syslog_split_cached(const char *line, size_t len,
                           struct hv_clock *clock,
                           struct hv_syslog_cache *cache,
                           struct hv_syslog *out);

/*
 * hv_syslog_plain_digit - true only when hv_syslog_split (cached or not,
 * any clock) returns HV_SYSLOG_NOPREFIX at its first look: the line starts
 * with a digit that does not begin an RFC 3339 stamp (no 'T' or 't' at
 * byte 10), as every line of Exim's own log does. False says nothing; out
 * is not filled, so a caller that needs msg must still split.
 */
static inline bool hv_syslog_plain_digit(const char *line, size_t len)
{
    return len > 0 && line[0] >= '0' && line[0] <= '9' &&
           (len < 11 || (line[10] != 'T' && line[10] != 't'));
}

/*
 * hv_syslog_prog_base - the last '/'-separated part of a tag
 * ("postfix-in/smtpd" -> "smtpd", "exim" -> "exim"), as a span into prog.
 */
void hv_syslog_prog_base(const char *prog, size_t prog_len, const char **base,
                         size_t *base_len);

/* hv_syslog_pidnum - the pid of a split line as a number, 0 when absent. */
unsigned long hv_syslog_pidnum(const struct hv_syslog *sl);

#endif
