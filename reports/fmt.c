/* SPDX-License-Identifier: MIT */
/* fmt - escaping of hostile text per output medium (contract in fmt.h). */
#include "fmt.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tstamp.h"
#include "xmem.h"

static const char hexdig[] = "0123456789abcdef";

/* ==== Buffer ==== */

void fmt_buf_init(struct fmt_buf *b)
{
    b->p = NULL;
    b->len = 0;
    b->cap = 0;
}

void fmt_buf_free(struct fmt_buf *b)
{
    free(b->p);
    fmt_buf_init(b);
}

void fmt_buf_reset(struct fmt_buf *b)
{
    b->len = 0;
    if (b->p != NULL)
        b->p[0] = '\0';
}

/* grow - make room for n more bytes plus the terminator. */
static void grow(struct fmt_buf *b, size_t n)
{
    size_t need = b->len + n + 1;
    if (need <= b->cap)
        return;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < need)
        cap *= 2;
    b->p = xrealloc(b->p, cap);
    b->cap = cap;
}

void fmt_buf_add(struct fmt_buf *b, const char *s, size_t len)
{
    grow(b, len);
    if (len > 0)
        memcpy(b->p + b->len, s, len);
    b->len += len;
    b->p[b->len] = '\0';
}

void fmt_buf_puts(struct fmt_buf *b, const char *s)
{
    fmt_buf_add(b, s, strlen(s));
}

/* addc - append one byte. */
static void addc(struct fmt_buf *b, char c)
{
    grow(b, 1);
    b->p[b->len++] = c;
    b->p[b->len] = '\0';
}

void fmt_buf_printf(struct fmt_buf *b, const char *fmt, ...)
{
    /* one pass into the room there is (most cells are short), a second
     * only when the text did not fit */
    grow(b, 63);
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
    va_end(ap);
    if (n <= 0) {
        b->p[b->len] = '\0';
        return;
    }
    if ((size_t)n >= b->cap - b->len) {
        grow(b, (size_t)n);
        va_start(ap, fmt);
        vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
        va_end(ap);
    }
    b->len += (size_t)n;
}

void fmt_buf_int(struct fmt_buf *b, long long v)
{
    char d[24];
    size_t i = sizeof(d);
    /* the magnitude as unsigned: -LLONG_MIN does not fit a long long */
    unsigned long long u = v < 0 ? 0ull - (unsigned long long)v
                                 : (unsigned long long)v;
    do {
        d[--i] = (char)('0' + u % 10);
        u /= 10;
    } while (u != 0);
    if (v < 0)
        d[--i] = '-';
    fmt_buf_add(b, d + i, sizeof(d) - i);
}

const char *fmt_buf_str(const struct fmt_buf *b)
{
    return b->p != NULL ? b->p : "";
}

bool fmt_buf_write(const struct fmt_buf *b, FILE *out)
{
    if (b->len == 0)
        return true;
    return fwrite(b->p, 1, b->len, out) == b->len;
}

/* ==== UTF-8 ==== */

size_t fmt_utf8_len(const unsigned char *p, size_t n, unsigned *cp)
{
    if (n == 0)
        return 0;
    unsigned c = p[0];
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    size_t len;
    unsigned min;
    if (c >= 0xc2 && c <= 0xdf) {
        len = 2;
        c &= 0x1f;
        min = 0x80;
    } else if (c >= 0xe0 && c <= 0xef) {
        len = 3;
        c &= 0x0f;
        min = 0x800;
    } else if (c >= 0xf0 && c <= 0xf4) {
        len = 4;
        c &= 0x07;
        min = 0x10000;
    } else {
        return 0;
    }
    if (n < len)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((p[i] & 0xc0) != 0x80)
            return 0;
        c = (c << 6) | (p[i] & 0x3f);
    }
    if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
        return 0;
    *cp = c;
    return len;
}

/* is_invisible - code points a terminal or browser would not show as
 * themselves: C1 controls, zero-width and bidi formatting characters. */
static bool is_invisible(unsigned cp)
{
    return (cp >= 0x80 && cp <= 0x9f) || (cp >= 0x200b && cp <= 0x200f) ||
           (cp >= 0x2028 && cp <= 0x202e) || (cp >= 0x2060 && cp <= 0x2069) ||
           cp == 0xfeff;
}

/* add_hex_byte - append \xHH. */
static void add_hex_byte(struct fmt_buf *b, unsigned char c)
{
    char e[4] = {'\\', 'x', hexdig[c >> 4], hexdig[c & 15]};
    fmt_buf_add(b, e, 4);
}

/* add_u4 - append prefix then four hex digits of cp (cp < 0x10000). */
static void add_u4(struct fmt_buf *b, const char *prefix, unsigned cp)
{
    fmt_buf_puts(b, prefix);
    char e[4] = {hexdig[(cp >> 12) & 15], hexdig[(cp >> 8) & 15],
                 hexdig[(cp >> 4) & 15], hexdig[cp & 15]};
    fmt_buf_add(b, e, 4);
}

/* ==== Media ==== */

void fmt_term(struct fmt_buf *b, const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    grow(b, len);
    while (i < len) {
        unsigned cp;
        size_t n = fmt_utf8_len(p + i, len - i, &cp);
        if (n == 0) {
            add_hex_byte(b, p[i]);
            i++;
        } else if (cp < 0x20 || cp == 0x7f) {
            add_hex_byte(b, (unsigned char)cp);
            i++;
        } else if (cp == '\\') {
            fmt_buf_add(b, "\\\\", 2);
            i++;
        } else if (is_invisible(cp)) {
            add_u4(b, "\\u", cp);
            i += n;
        } else {
            fmt_buf_add(b, s + i, n);
            i += n;
        }
    }
}

void fmt_html(struct fmt_buf *b, const char *s, size_t len)
{
    struct fmt_buf t;
    fmt_buf_init(&t);
    fmt_term(&t, s, len);
    for (size_t i = 0; i < t.len; i++) {
        switch (t.p[i]) {
        case '&': fmt_buf_puts(b, "&amp;"); break;
        case '<': fmt_buf_puts(b, "&lt;"); break;
        case '>': fmt_buf_puts(b, "&gt;"); break;
        case '"': fmt_buf_puts(b, "&quot;"); break;
        case '\'': fmt_buf_puts(b, "&#39;"); break;
        default: addc(b, t.p[i]); break;
        }
    }
    fmt_buf_free(&t);
}

void fmt_json(struct fmt_buf *b, const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    grow(b, len + 2);
    addc(b, '"');
    while (i < len) {
        unsigned cp;
        size_t n = fmt_utf8_len(p + i, len - i, &cp);
        if (n == 0) {
            add_u4(b, "\\u", p[i]);
            i++;
            continue;
        }
        switch (cp) {
        case '"': fmt_buf_add(b, "\\\"", 2); break;
        case '\\': fmt_buf_add(b, "\\\\", 2); break;
        case '\b': fmt_buf_add(b, "\\b", 2); break;
        case '\f': fmt_buf_add(b, "\\f", 2); break;
        case '\n': fmt_buf_add(b, "\\n", 2); break;
        case '\r': fmt_buf_add(b, "\\r", 2); break;
        case '\t': fmt_buf_add(b, "\\t", 2); break;
        default:
            if (cp < 0x20 || cp == 0x7f || cp == 0x2028 || cp == 0x2029)
                add_u4(b, "\\u", cp);
            else
                fmt_buf_add(b, s + i, n);
            break;
        }
        i += n;
    }
    addc(b, '"');
}

void fmt_csv(struct fmt_buf *b, const char *s, size_t len)
{
    bool guard = len > 0 && strchr("=+-@\t\r", s[0]) != NULL;
    bool quote = guard && s[0] == '\r';
    for (size_t i = 0; i < len && !quote; i++)
        quote = s[i] == ',' || s[i] == '"' || s[i] == '\r' || s[i] == '\n';
    grow(b, len + 3);
    if (quote)
        addc(b, '"');
    if (guard)
        addc(b, '\'');
    size_t run = 0; /* start of the bytes not yet copied */
    for (const char *dq; run < len && (dq = memchr(s + run, '"', len - run));
         run = (size_t)(dq - s) + 1) {
        fmt_buf_add(b, s + run, (size_t)(dq - s) + 1 - run);
        addc(b, '"'); /* a quote doubled */
    }
    fmt_buf_add(b, s + run, len - run);
    if (quote)
        addc(b, '"');
}

/* ONES times a byte: the byte in every byte of a word; HIGHS: each top bit */
#define ONES 0x0101010101010101ULL
#define HIGHS 0x8080808080808080ULL

/* tsv_plain_prefix - the length of the longest prefix of s (len bytes)
 * without a byte TSV escapes (\t \n \r \\): eight bytes at a time, a
 * word with a byte below 0x0e or a backslash read byte by byte (most cells
 * have none, and are copied whole). */
static size_t tsv_plain_prefix(const char *s, size_t len)
{
    size_t i = 0;
    for (; i + 8 <= len; i += 8) {
        uint64_t w, x;
        memcpy(&w, s + i, 8);
        x = w ^ (ONES * '\\');
        if ((((w - ONES * 0x0e) & ~w) | ((x - ONES) & ~x)) & HIGHS)
            break;
    }
    for (; i < len; i++)
        if (s[i] == '\t' || s[i] == '\r' || s[i] == '\n' || s[i] == '\\')
            break;
    return i;
}

void fmt_tsv(struct fmt_buf *b, const char *s, size_t len)
{
    size_t run = tsv_plain_prefix(s, len); /* bytes copied as they are */
    fmt_buf_add(b, s, run);
    for (size_t i = run; i < len; i++) {
        const char *esc;
        switch (s[i]) {
        case '\t': esc = "\\t"; break;
        case '\r': esc = "\\r"; break;
        case '\n': esc = "\\n"; break;
        case '\\': esc = "\\\\"; break;
        default: continue;
        }
        fmt_buf_add(b, s + run, i - run);
        fmt_buf_add(b, esc, 2);
        run = i + 1;
    }
    fmt_buf_add(b, s + run, len - run);
}

size_t fmt_width(const char *s, size_t len)
{
    size_t w = 0;
    for (size_t i = 0; i < len; i++)
        if (((unsigned char)s[i] & 0xc0) != 0x80)
            w++;
    return w;
}

void fmt_iso_time(long long t, char *buf, size_t size)
{
    char iso[21];
    if (size == 0)
        return;
    tstamp_format_iso((int64_t)t, iso);
    size_t n = strlen(iso);
    if (n >= size)
        n = size - 1;
    memcpy(buf, iso, n); /* a cell per row of the exports: no printf */
    buf[n] = '\0';
}
