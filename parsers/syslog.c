/* SPDX-License-Identifier: MIT */
/*
 * syslog - split "[<PRI>]STAMP HOST TAG[PID]: MESSAGE" lines into spans.
 * Hand-scanned (it runs once per log line): no regex, no allocation, no
 * locale. See syslog.h for the contract.
 */
#include "syslog.h"
#include "ascii.h"
#include "textscan.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include <stdint.h>
#include <string.h>

/* looks_3164 - "Xxx [ d]d dd:dd:dd" shape, whatever the values. */
static bool looks_3164(const unsigned char *p, size_t len)
{
    if (len < 14 || !is_alpha(p[0]) || !is_alpha(p[1]) || !is_alpha(p[2]) ||
        p[3] != ' ')
        return false;
    size_t k = 4;
    if (p[k] == ' ')
        k++;
    size_t d0 = k;
    while (k < len && k < d0 + 2 && is_digit(p[k]))
        k++;
    if (k == d0 || k + 9 > len || p[k] != ' ')
        return false;
    k++;
    return is_digit(p[k]) && is_digit(p[k + 1]) && p[k + 2] == ':' &&
           is_digit(p[k + 3]) && is_digit(p[k + 4]) && p[k + 5] == ':';
}

/* looks_3339 - "dddd-dd-ddT" shape (a 't' for the T too). The T is looked
 * at first: Exim's own "dddd-dd-dd hh:mm:ss" lines, which every line of an
 * Exim log is offered here as, fail on it at once. */
static bool looks_3339(const unsigned char *p, size_t len)
{
    if (len < 11 || (p[10] != 'T' && p[10] != 't'))
        return false;
    for (size_t i = 0; i < 10; i++) {
        if (i == 4 || i == 7) {
            if (p[i] != '-')
                return false;
        } else if (!is_digit(p[i])) {
            return false;
        }
    }
    return true;
}

/* stamp_3164 - tstamp_rfc3164, also for an unpadded day ("Mar 7 02:09:33",
 * as some relays and test files write it): the stamp is re-padded in a
 * small local copy. Returns bytes of p consumed, 0 when it does not parse. */
static size_t stamp_3164(const char *p, size_t len, struct hv_clock *c,
                         int64_t *ts)
{
    size_t n = tstamp_rfc3164(p, len, c, ts);
    if (n > 0)
        return n;
    if (len >= 14 && is_digit((unsigned char)p[4]) && p[5] == ' ') {
        char buf[48];
        size_t m = len < sizeof(buf) - 1 ? len : sizeof(buf) - 1;
        memcpy(buf, p, 4);
        buf[4] = ' ';
        memcpy(buf + 5, p + 4, m - 4);
        n = tstamp_rfc3164(buf, m + 1, c, ts);
        if (n > 0)
            return n - 1;
    }
    return 0;
}

void hv_syslog_prog_base(const char *prog, size_t prog_len, const char **base,
                         size_t *base_len)
{
    size_t i = prog_len;
    while (i > 0 && prog[i - 1] != '/')
        i--;
    *base = prog + i;
    *base_len = prog_len - i;
}

/* digit_run - how many of the first n bytes at p (n <= 12) are ASCII
 * digits before the first that is not; eight at a time when there are eight
 * to read. */
static size_t digit_run(const unsigned char *p, size_t n)
{
    size_t i = 0;
    while (i + 8 <= n) {
        uint64_t v;
        memcpy(&v, p + i, 8);
        /* a byte is a digit when its high nibble is 3 and its low one <= 9 */
        uint64_t bad = ((v & 0xF0F0F0F0F0F0F0F0ull) ^ 0x3030303030303030ull) |
                       (((v & 0x0F0F0F0F0F0F0F0Full) + 0x0606060606060606ull) &
                        0xF0F0F0F0F0F0F0F0ull);
        if (bad != 0) {
            /* the lowest address is the lowest byte on little-endian x86;
             * elsewhere count byte by byte */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
            return i + (size_t)__builtin_ctzll(bad) / 8;
#else
            break;
#endif
        }
        i += 8;
    }
    while (i < n && is_digit(p[i]))
        i++;
    return i;
}

unsigned long hv_syslog_pidnum(const struct hv_syslog *sl)
{
    unsigned long v = 0;
    for (size_t i = 0; i < sl->pid_len; i++)
        v = v * 10 + (unsigned long)(sl->pid[i] - '0');
    return v;
}

/* split_tag - parse "TAG[PID]: " or "TAG: " at p; fills out and returns
 * true, or false when p does not start with a tag. */
static bool split_tag(const char *p, size_t len, struct hv_syslog *out)
{
    /* bytes that end a tag: '[', ':', ' ' (1); '/' starts a part (2) */
    static const unsigned char cls[256] = {[' '] = 1, [':'] = 1, ['['] = 1,
                                           ['/'] = 2};
    size_t k = 0, lim = len < 256 ? len : 256, base = 0;
#if defined(__SSE2__)
    /* 16 bytes at a time: the first end byte, and the last '/' before it */
    const __m128i sp = _mm_set1_epi8(' '), co = _mm_set1_epi8(':'),
                  br = _mm_set1_epi8('['), sl = _mm_set1_epi8('/');
    for (; k + 16 <= lim; k += 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(p + k));
        unsigned end = (unsigned)_mm_movemask_epi8(
            _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, sp), _mm_cmpeq_epi8(v, co)),
                         _mm_cmpeq_epi8(v, br)));
        unsigned slash = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, sl));
        if (end != 0) {
            unsigned at = (unsigned)__builtin_ctz(end);
            slash &= (1u << at) - 1;
            if (slash != 0)
                base = k + (size_t)(31 - __builtin_clz(slash)) + 1;
            k += at;
            goto found;
        }
        if (slash != 0)
            base = k + (size_t)(31 - __builtin_clz(slash)) + 1;
    }
#endif
    for (; k < lim; k++) {
        unsigned char c = cls[(unsigned char)p[k]];
        if (c == 1)
            break;
        if (c == 2)
            base = k + 1;
    }
#if defined(__SSE2__)
found:
#endif
    if (k == 0 || k >= len || p[k] == ' ')
        return false;
    size_t tag_len = k;
    const char *pid = NULL;
    size_t pid_len = 0;
    if (p[k] == '[') {
        k++;
        pid = p + k;
        pid_len = digit_run((const unsigned char *)pid, len - k < 12 ? len - k : 12);
        k += pid_len;
        if (k >= len || p[k] != ']')
            return false;
        k++;
        if (k >= len || p[k] != ':')
            return false;
    }
    k++; /* the ':' */
    if (k < len && p[k] == ' ')
        k++;
    out->prog = p;
    out->prog_len = tag_len;
    out->base = p + base;
    out->base_len = tag_len - base;
    out->pid = pid != NULL ? pid : p + tag_len;
    out->pid_len = pid_len;
    out->msg = p + k;
    out->msg_len = len - k;
    return true;
}

/* token - the run of non-space bytes at p; its length. */
static size_t token(const char *p, size_t len)
{
    const char *sp = memchr(p, ' ', len);
    return sp != NULL ? (size_t)(sp - p) : len;
}

/* split_5424 - "APP PROCID MSGID SD MSG" after the host of an RFC 5424
 * line ("-" for absent parts, SD "[id k="v"]..." with \] escapes, a BOM
 * before MSG dropped). Fills the tag, pid and message; false when the
 * parts are not there. */
static bool split_5424(const char *p, size_t len, struct hv_syslog *out)
{
    size_t k = 0, n = token(p, len);
    if (n == 0 || n >= len)
        return false;
    const char *app = p;
    size_t app_len = n == 1 && p[0] == '-' ? 0 : n;
    k = n + 1;
    n = token(p + k, len - k);            /* PROCID */
    const char *pid = p + k;
    size_t pid_len = digit_run((const unsigned char *)pid, n < 12 ? n : 12);
    if (pid_len != n)
        pid_len = 0;
    k += n;
    if (k >= len)
        return false;
    k++;
    k += token(p + k, len - k);           /* MSGID */
    if (k >= len)
        return false;
    k++;
    if (p[k] == '-') {                    /* STRUCTURED-DATA */
        k++;
    } else {
        while (k < len && p[k] == '[') {
            k++;
            while (k < len && p[k] != ']') {
                if (p[k] == '\\' && k + 1 < len)
                    k++;
                k++;
            }
            if (k >= len)
                return false;
            k++;
        }
    }
    if (k < len && p[k] == ' ')
        k++;
    if (len - k >= 3 && memcmp(p + k, "\xEF\xBB\xBF", 3) == 0)
        k += 3;
    out->prog = app;
    out->prog_len = app_len;
    hv_syslog_prog_base(app, app_len, &out->base, &out->base_len);
    out->pid = pid;
    out->pid_len = pid_len;
    out->msg = p + k;
    out->msg_len = len - k;
    return true;
}

/* split - hv_syslog_split, with an optional minute cache. */
static int split(const char *line, size_t len, struct hv_clock *clock,
                 struct hv_syslog_cache *cache, struct hv_syslog *out);

int hv_syslog_split(const char *line, size_t len, struct hv_clock *clock,
                    struct hv_syslog *out)
{
    return split(line, len, clock, NULL, out);
}

int hv_syslog_split_cached(const char *line, size_t len,
                           struct hv_clock *clock,
                           struct hv_syslog_cache *cache,
                           struct hv_syslog *out)
{
    return split(line, len, clock, cache, out);
}

/* cached_3164 - the stamp from the cache when line starts with the cached
 * minute and the clock is where it was; returns bytes used or 0. */
static size_t cached_3164(const char *p, size_t len, const struct hv_clock *c,
                          const struct hv_syslog_cache *cache, int64_t *ts)
{
    if (!cache->valid || len < 16 || memcmp(p, cache->prefix, 12) != 0 ||
        p[12] != ':' || !is_digit((unsigned char)p[13]) ||
        !is_digit((unsigned char)p[14]) || p[15] != ' ' ||
        c->year != cache->year || c->last_month != cache->month)
        return 0;
    int sec = (p[13] - '0') * 10 + (p[14] - '0');
    if (sec > 60)
        return 0;
    /* an inferred year could flip inside the minute at ref_time + 1 day */
    if (!c->explicit_year && cache->base + 61 > c->ref_time + 86400)
        return 0;
    *ts = cache->base + sec;
    return 16;
}

/* split - see the forward declaration above. */
static int split(const char *line, size_t len, struct hv_clock *clock,
                 struct hv_syslog_cache *cache, struct hv_syslog *out)
{
    const unsigned char *u = (const unsigned char *)line;
    struct hv_clock fixed;
    size_t k = 0, n = 0;

    /* field by field: a memset of the struct compiles to a slow rep stos */
    out->ts = 0;
    out->host = out->prog = out->pid = out->base = line;
    out->host_len = out->prog_len = out->pid_len = out->base_len = 0;
    out->msg = line;
    out->msg_len = len;

    /* "<PRI>" and the RFC 5424 version digit */
    bool v5424 = false;
    if (len > 3 && u[0] == '<') {
        size_t j = 1;
        while (j < len && j < 5 && is_digit(u[j]))
            j++;
        if (j > 1 && j < len && u[j] == '>') {
            k = j + 1;
            if (k + 1 < len && u[k] == '1' && u[k + 1] == ' ') {
                k += 2;
                v5424 = true;
            }
        }
    }
    if (clock == NULL) {
        hv_clock_init(&fixed, 1970, 0);
        clock = &fixed;
    }
    if (k < len && is_alpha(u[k])) {
        if (cache != NULL)
            n = cached_3164(line + k, len - k, clock, cache, &out->ts);
        if (n == 0) {
            if (!looks_3164(u + k, len - k))
                return k > 0 ? HV_SYSLOG_BADSTAMP : HV_SYSLOG_NOPREFIX;
            n = stamp_3164(line + k, len - k, clock, &out->ts);
            if (cache != NULL && n >= 16 && line[k + 15] == ' ' &&
                line[k + 12] == ':') {
                int sec = (line[k + 13] - '0') * 10 + (line[k + 14] - '0');
                memcpy(cache->prefix, line + k, 12);
                cache->base = out->ts - sec;
                cache->year = clock->year;
                cache->month = clock->last_month;
                cache->valid = true;
            }
        }
    } else if (k < len && is_digit(u[k])) {
        if (!looks_3339(u + k, len - k))
            return k > 0 ? HV_SYSLOG_BADSTAMP : HV_SYSLOG_NOPREFIX;
        n = tstamp_rfc3339(line + k, len - k, &out->ts);
    } else {
        return k > 0 ? HV_SYSLOG_BADSTAMP : HV_SYSLOG_NOPREFIX;
    }
    if (n == 0) {
        out->ts = 0;
        return HV_SYSLOG_BADSTAMP;
    }
    k += n;
    while (k < len && line[k] == ' ')
        k++;
    out->msg = line + k;
    out->msg_len = len - k;

    if (v5424) {
        size_t h = token(line + k, len - k);
        out->host = line + k;
        out->host_len = h == 1 && line[k] == '-' ? 0 : h;
        k += h;
        if (k < len)
            k++;
        if (!split_5424(line + k, len - k, out)) {
            out->prog = out->pid = out->base = line + k;
            out->msg = line + k;
            out->msg_len = len - k;
            return HV_SYSLOG_NOTAG;
        }
        return HV_SYSLOG_OK;
    }

    /* HOST, unless the daemon left it out and the tag follows directly */
    const char *sp = hv_find_near(line + k, len - k, ' ');
    size_t h = sp != NULL ? (size_t)(sp - line) : len;
    bool host_is_tag = h > k && (line[h - 1] == ':' || line[h - 1] == ']');
    if (!host_is_tag) {
        out->host = line + k;
        out->host_len = h - k;
        k = h;
        while (k < len && line[k] == ' ')
            k++;
    } else {
        out->host = line + k;
        out->host_len = 0;
    }
    if (!split_tag(line + k, len - k, out)) {
        out->prog = out->pid = line + k;
        out->msg = line + k;
        out->msg_len = len - k;
        return HV_SYSLOG_NOTAG;
    }
    return HV_SYSLOG_OK;
}
