/* SPDX-License-Identifier: MIT */
/* test_fmt - the escaping functions of reports/fmt.c on hostile strings. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "fmt.h"
#include "report.h"

typedef void (*fmt_fn)(struct fmt_buf *, const char *, size_t);

struct tcase {
    const char *in;
    const char *want;
};

/* run - apply fn to every case of a NULL-terminated table. */
static void run(const char *name, fmt_fn fn, const struct tcase *t)
{
    struct fmt_buf b;
    fmt_buf_init(&b);
    for (; t->in != NULL; t++) {
        fmt_buf_reset(&b);
        fn(&b, t->in, strlen(t->in));
        CHECK_MSG(strcmp(fmt_buf_str(&b), t->want) == 0,
                  "%s(%s): got [%s] want [%s]", name, t->in, fmt_buf_str(&b),
                  t->want);
    }
    fmt_buf_free(&b);
}

static const struct tcase term_cases[] = {
    {"mail.example.com", "mail.example.com"},
    {"", ""},
    {"\x1b[31mred\x1b[0m", "\\x1b[31mred\\x1b[0m"},
    {"\x1b]0;title\x07", "\\x1b]0;title\\x07"},
    {"a\tb\r\nc", "a\\x09b\\x0d\\x0ac"},
    {"back\\slash", "back\\\\slash"},
    {"del\x7f", "del\\x7f"},
    {"bad\xff\xfe", "bad\\xff\\xfe"},
    {"over\xc0\xaflong", "over\\xc0\\xaflong"},
    {"surr\xed\xa0\x80", "surr\\xed\\xa0\\x80"},
    {"trunc\xe2\x82", "trunc\\xe2\\x82"},
    {"caf\xc3\xa9.example", "caf\xc3\xa9.example"},
    {"c1\xc2\x9b" "31m", "c1\\u009b31m"},
    {"bidi\xe2\x80\xae" "gnp.exe", "bidi\\u202egnp.exe"},
    {"zw\xe2\x80\x8bsp", "zw\\u200bsp"},
    {"<script>alert(1)</script>", "<script>alert(1)</script>"},
    {NULL, NULL},
};

static const struct tcase html_cases[] = {
    {"<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"},
    {"\"><img src=x onerror=alert(1)>",
     "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"},
    {"a&b 'q'", "a&amp;b &#39;q&#39;"},
    {"\x1b[31m<b>", "\\x1b[31m&lt;b&gt;"},
    {"'; DROP TABLE sessions;--", "&#39;; DROP TABLE sessions;--"},
    {"bad\xff", "bad\\xff"},
    {"&lt;", "&amp;lt;"},
    {NULL, NULL},
};

static const struct tcase json_cases[] = {
    {"mail.example.com", "\"mail.example.com\""},
    {"", "\"\""},
    {"q\"uote\\", "\"q\\\"uote\\\\\""},
    {"\x1b[31m", "\"\\u001b[31m\""},
    {"a\tb\nc\rd\x08\x0c", "\"a\\tb\\nc\\rd\\b\\f\""},
    {"\x01\x7f", "\"\\u0001\\u007f\""},
    {"bad\xff\xc3", "\"bad\\u00ff\\u00c3\""},
    {"caf\xc3\xa9", "\"caf\xc3\xa9\""},
    {"ls\xe2\x80\xa8", "\"ls\\u2028\""},
    {"</script><script>alert(1)</script>",
     "\"</script><script>alert(1)</script>\""},
    {NULL, NULL},
};

static const struct tcase csv_cases[] = {
    {"mail.example.com", "mail.example.com"},
    {"", ""},
    {"=HYPERLINK(\"http://x\")", "\"'=HYPERLINK(\"\"http://x\"\")\""},
    {"+1", "'+1"},
    {"-2", "'-2"},
    {"@SUM(A1)", "'@SUM(A1)"},
    {"\tx", "'\tx"},
    {"\rx", "\"'\rx\""},
    {"a,b", "\"a,b\""},
    {"say \"hi\"", "\"say \"\"hi\"\"\""},
    {"\"\"", "\"\"\"\"\"\""},
    {"x\"", "\"x\"\"\""},
    {"\"x", "\"\"\"x\""},
    {"l1\nl2", "\"l1\nl2\""},
    {"'; DROP TABLE sessions;--", "'; DROP TABLE sessions;--"},
    {"a=1", "a=1"},
    {"\x1b[31m", "\x1b[31m"},
    {NULL, NULL},
};

static const struct tcase tsv_cases[] = {
    {"plain", "plain"},
    {"a\tb", "a\\tb"},
    {"a\r\nb", "a\\r\\nb"},
    {"back\\slash", "back\\\\slash"},
    {"=1,\"x\"", "=1,\"x\""},
    {NULL, NULL},
};

/* tsv_ref - fmt_tsv's contract one byte at a time, into out. */
static size_t tsv_ref(const char *s, size_t n, char *out)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        char e = s[i] == '\t' ? 't' : s[i] == '\r' ? 'r' : s[i] == '\n' ? 'n'
                 : s[i] == '\\' ? '\\' : 0;
        if (e != 0)
            out[o++] = '\\';
        out[o++] = e != 0 ? e : s[i];
    }
    return o;
}

/* test_tsv_sweep - fmt_tsv against tsv_ref for every length up to 40
 * with one byte of many values (the escaped ones and their neighbours, a
 * NUL, bytes with the top bit set) at every position, then a second at
 * every later one, and every byte value in strings of 256: the word-wide
 * search must find each escaped byte wherever it sits in a word. */
static void test_tsv_sweep(void)
{
    static const unsigned char probe[] = {
        '\t', '\n', '\r', '\\', 0x00, 0x08, 0x0b, 0x0c, 0x0e, 0x0f,
        0x5b, 0x5d, 0x7f, 0x80, 0x89, 0x8a, 0x8d, 0xdc, 0xff, 'a'};
    char in[256], want[512];
    struct fmt_buf b;
    fmt_buf_init(&b);
    int bad = 0;
    for (size_t n = 0; n <= 40; n++)
        for (size_t p = 0; p < n; p++)
            for (size_t k = 0; k < sizeof(probe); k++)
                for (size_t q = p; q < n; q++) {
                    memset(in, 'x', n);
                    in[p] = (char)probe[k];
                    if (q > p)
                        in[q] = (char)probe[(k + q) % sizeof(probe)];
                    size_t wn = tsv_ref(in, n, want);
                    fmt_buf_reset(&b);
                    fmt_tsv(&b, in, n);
                    if (b.len != wn || memcmp(fmt_buf_str(&b), want, wn) != 0)
                        bad++;
                }
    for (size_t off = 0; off < 8; off++) {
        for (size_t i = 0; i < 256 - off; i++)
            in[i] = (char)(unsigned char)((i * 37 + off) & 0xff);
        size_t wn = tsv_ref(in, 256 - off, want);
        fmt_buf_reset(&b);
        fmt_tsv(&b, in, 256 - off);
        if (b.len != wn || memcmp(fmt_buf_str(&b), want, wn) != 0)
            bad++;
    }
    CHECK_INTEQ(bad, 0);
    fmt_buf_free(&b);
}

/* test_utf8 - the validator on edge cases. */
static void test_utf8(void)
{
    unsigned cp = 0;
    CHECK_INTEQ(fmt_utf8_len((const unsigned char *)"A", 1, &cp), 1);
    CHECK_INTEQ(cp, 'A');
    CHECK_INTEQ(fmt_utf8_len((const unsigned char *)"\xc3\xa9", 2, &cp), 2);
    CHECK_INTEQ(cp, 0xe9);
    CHECK_INTEQ(fmt_utf8_len((const unsigned char *)"\xf0\x9f\x98\x80", 4, &cp),
                4);
    CHECK_INTEQ(cp, 0x1f600);
    CHECK_INTEQ(fmt_utf8_len((const unsigned char *)"\xf4\x90\x80\x80", 4, &cp),
                0);
    CHECK_INTEQ(fmt_utf8_len((const unsigned char *)"\xe0\x80\x80", 3, &cp), 0);
    CHECK_INTEQ(fmt_utf8_len((const unsigned char *)"\xc3", 1, &cp), 0);
    CHECK_INTEQ(fmt_utf8_len((const unsigned char *)"\x80", 1, &cp), 0);
}

/* test_long - a very long hostile name escapes completely, no ESC left. */
static void test_long(void)
{
    size_t n = 70000;
    char *s = malloc(n + 1);
    for (size_t i = 0; i < n; i++)
        s[i] = (i % 7 == 0) ? '\x1b' : (i % 11 == 0) ? '<' : 'a';
    s[n] = '\0';
    struct fmt_buf b;
    fmt_buf_init(&b);
    fmt_term(&b, s, n);
    CHECK(memchr(b.p, 0x1b, b.len) == NULL);
    CHECK(b.len > n);
    fmt_buf_reset(&b);
    fmt_html(&b, s, n);
    CHECK(memchr(b.p, '<', b.len) == NULL);
    CHECK(memchr(b.p, 0x1b, b.len) == NULL);
    fmt_buf_reset(&b);
    fmt_json(&b, s, n);
    CHECK(memchr(b.p, 0x1b, b.len) == NULL);
    CHECK(b.p[0] == '"' && b.p[b.len - 1] == '"');
    fmt_buf_free(&b);
    free(s);
}

/* test_misc - width, time, printf. */
static void test_misc(void)
{
    char t[32];
    fmt_iso_time(1, t, sizeof(t));
    CHECK_STREQ(t, "1970-01-01T00:00:01Z");
    fmt_iso_time(1793491201LL, t, sizeof(t));
    CHECK_STREQ(t, "2026-11-01T00:00:01Z");
    /* the same formatter as tstamp_format_iso: "" outside years 0..9999
     * (it printed "10000-01-01T00:00:00Z" and "-001-12-31T23:59:59Z") */
    fmt_iso_time(253402300799LL, t, sizeof(t));
    CHECK_STREQ(t, "9999-12-31T23:59:59Z");
    fmt_iso_time(253402300800LL, t, sizeof(t));
    CHECK_STREQ(t, "");
    fmt_iso_time(-62167219200LL, t, sizeof(t));
    CHECK_STREQ(t, "0000-01-01T00:00:00Z");
    fmt_iso_time(-62167219201LL, t, sizeof(t));
    CHECK_STREQ(t, "");
    fmt_iso_time(LLONG_MIN, t, sizeof(t));
    CHECK_STREQ(t, "");
    fmt_iso_time(LLONG_MAX, t, sizeof(t));
    CHECK_STREQ(t, "");
    fmt_iso_time(1, t, 5); /* a short buffer gets a cut, terminated prefix */
    CHECK_STREQ(t, "1970");
    /* report_parse_time's dates and the formatter agree at the edges */
    static const char *const edge[] = {
        "0000-01-01T00:00:00Z", "0000-02-29T23:59:59Z", "1600-02-29T00:00:00Z",
        "1969-12-31T23:59:59Z", "1970-01-01T00:00:00Z", "2000-02-29T12:34:56Z",
        "2100-03-01T00:00:00Z", "9999-12-31T23:59:59Z",
    };
    for (size_t i = 0; i < sizeof(edge) / sizeof(edge[0]); i++) {
        long long v = 0;
        CHECK_MSG(report_parse_time(edge[i], 0, &v), "%s", edge[i]);
        fmt_iso_time(v, t, sizeof(t));
        CHECK_STREQ(t, edge[i]);
    }
    CHECK_INTEQ(fmt_width("caf\xc3\xa9", 5), 4);
    CHECK_INTEQ(fmt_width("abc", 3), 3);
    struct fmt_buf b;
    fmt_buf_init(&b);
    CHECK_STREQ(fmt_buf_str(&b), "");
    fmt_buf_printf(&b, "%d-%s", 42, "x");
    for (int i = 0; i < 100; i++)
        fmt_buf_printf(&b, "%s", "0123456789");
    CHECK_INTEQ(b.len, 4 + 1000);
    CHECK(strncmp(fmt_buf_str(&b), "42-x0123", 8) == 0);
    fmt_buf_free(&b);
}

/* test_buf_numbers - fmt_buf_int against snprintf's "%lld" at the edges,
 * at every power of ten and its neighbours, and over a spread of values;
 * fmt_buf_printf of texts longer than its first try, into a buffer that
 * already holds text. */
static void test_buf_numbers(void)
{
    struct fmt_buf b;
    fmt_buf_init(&b);
    long long vals[200];
    size_t n = 0;
    vals[n++] = 0;
    vals[n++] = LLONG_MIN;
    vals[n++] = LLONG_MAX;
    vals[n++] = LLONG_MIN + 1;
    for (long long p = 1; p <= LLONG_MAX / 10; p *= 10) {
        vals[n++] = p;
        vals[n++] = p - 1;
        vals[n++] = p + 1;
        vals[n++] = -p;
        vals[n++] = -p + 1;
        vals[n++] = -p - 1;
    }
    unsigned long long x = 0x9E3779B97F4A7C15ull;
    while (n < sizeof(vals) / sizeof(vals[0])) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        vals[n++] = (long long)(x >> (x % 60));
    }
    for (size_t i = 0; i < n; i++) {
        char want[32];
        snprintf(want, sizeof(want), "<%lld>", vals[i]);
        fmt_buf_reset(&b);
        fmt_buf_puts(&b, "<");
        fmt_buf_int(&b, vals[i]);
        fmt_buf_puts(&b, ">");
        CHECK_MSG(strcmp(fmt_buf_str(&b), want) == 0, "%s: got %s", want,
                  fmt_buf_str(&b));
        CHECK_INTEQ(b.len, strlen(want));
    }
    /* a text of every length 0..300 after some already in the buffer */
    char big[301];
    memset(big, 'x', sizeof(big) - 1);
    big[300] = '\0';
    for (int len = 0; len <= 300; len++) {
        fmt_buf_free(&b);
        fmt_buf_puts(&b, "head:");
        fmt_buf_printf(&b, "%.*s|%d", len, big, len);
        char want[320];
        snprintf(want, sizeof(want), "head:%.*s|%d", len, big, len);
        CHECK_MSG(strcmp(fmt_buf_str(&b), want) == 0, "length %d", len);
        CHECK_INTEQ(b.len, strlen(want));
    }
    /* an empty result keeps the buffer as it was */
    fmt_buf_reset(&b);
    fmt_buf_puts(&b, "kept");
    fmt_buf_printf(&b, "%s", "");
    CHECK_STREQ(fmt_buf_str(&b), "kept");
    CHECK_INTEQ(b.len, 4);
    fmt_buf_free(&b);
}

int main(void)
{
    test_buf_numbers();
    run("term", fmt_term, term_cases);
    run("html", fmt_html, html_cases);
    run("json", fmt_json, json_cases);
    run("csv", fmt_csv, csv_cases);
    run("tsv", fmt_tsv, tsv_cases);
    test_tsv_sweep();
    test_utf8();
    test_long();
    test_misc();
    return CHECK_DONE();
}
