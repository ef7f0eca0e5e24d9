/* SPDX-License-Identifier: MIT */
/* anon - masking for --anonymize (see anon.h for the rules). */
#include "anon.h"

#include <arpa/inet.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "hverr.h"
#include "report.h"
#include "rptsql.h"
#include "xmem.h"

int anon_open(struct anon *a, sqlite3 *db, char **err)
{
    keymap_init(&a->mailboxes);
    sqlite3_stmt *q;
    int rc = rpt_prepare(db, "SELECT path FROM rv_sources WHERE format = 'mbox'",
                         &q, err);
    if (rc != HV_OK)
        return rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        const char *p = (const char *)sqlite3_column_text(q, 0);
        bool added;
        if (p != NULL)
            keymap_intern(&a->mailboxes, p, (size_t)sqlite3_column_bytes(q, 0),
                          &added);
    }
    rc = rpt_step_done(db, rc, "reading the sources for --anonymize", err);
    sqlite3_finalize(q);
    return rc;
}

void anon_close(struct anon *a)
{
    keymap_free(&a->mailboxes);
}

static bool is_digit(char c) { return c >= '0' && c <= '9'; }
static bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
static bool is_alnum(char c) { return is_digit(c) || is_alpha(c); }
static bool is_hex(char c)
{
    return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
/* the characters of a local part that anon_text recognises (the common
 * ones: a quoted or exotic local part is left alone) */
static bool is_local(char c)
{
    return is_alnum(c) || c == '.' || c == '_' || c == '%' || c == '+' ||
           c == '-';
}

/* prefix_len - a "/N" at s[i..n) (1 to 3 digits, not followed by a
 * digit): its length in bytes and N in *bits; 0 when there is none. */
static size_t prefix_len(const char *s, size_t i, size_t n, int *bits)
{
    if (i >= n || s[i] != '/')
        return 0;
    size_t j = i + 1;
    int v = 0;
    while (j < n && is_digit(s[j]) && j - i <= 3)
        v = v * 10 + (s[j++] - '0');
    if (j == i + 1 || (j < n && is_digit(s[j])))
        return 0;
    *bits = v;
    return j - i;
}

/* quad_end - four numbers 0..255 of one to three digits joined by sep
 * at s[i..n), not followed by a letter, a digit or sep and a digit (that
 * would be something longer: 1.2.3.4.5, 1.2.3.4a): their values into q and
 * the index past them; 0 when there are none. */
static size_t quad_end(const char *s, size_t i, size_t n, char sep, unsigned char *q)
{
    size_t j = i;
    for (int k = 0; k < 4; k++) {
        if (k > 0) {
            if (j >= n || s[j] != sep)
                return 0;
            j++;
        }
        size_t d0 = j;
        unsigned v = 0;
        while (j < n && is_digit(s[j]) && j - d0 < 3)
            v = v * 10 + (unsigned)(s[j++] - '0');
        if (j == d0 || v > 255 || (j < n && is_digit(s[j])))
            return 0;
        q[k] = (unsigned char)v;
    }
    if (j < n && (is_alnum(s[j]) || (s[j] == sep && j + 1 < n && is_digit(s[j + 1]))))
        return 0;
    return j;
}

/* put_v4 - a.b.c.0 and its prefix (/24, or a shorter given one) into b. */
static void put_v4(struct fmt_buf *b, const unsigned char *q, int bits)
{
    fmt_buf_printf(b, "%u.%u.%u.0/%d", q[0], q[1], q[2],
                   bits >= 0 && bits < 24 ? bits : 24);
}

/* try_v4 - an IPv4 address (and prefix) at s[i..n): masked into b, its
 * length returned; 0 when none starts there. */
static size_t try_v4(struct fmt_buf *b, const char *s, size_t i, size_t n)
{
    unsigned char q[4];
    size_t j = quad_end(s, i, n, '.', q);
    if (j == 0)
        return 0;
    int bits = -1;
    j += prefix_len(s, j, n, &bits);
    put_v4(b, q, bits);
    return j - i;
}

/* try_v6 - an IPv6 address (and prefix) at s[i..n): masked into b, its
 * length returned; 0 when none starts there. */
static size_t try_v6(struct fmt_buf *b, const char *s, size_t i, size_t n)
{
    size_t j = i, colons = 0;
    while (j < n && (is_hex(s[j]) || s[j] == ':' || s[j] == '.') && j - i < 46)
        colons += s[j++] == ':';
    if (colons < 2 || j - i >= 46 || (j < n && (is_alnum(s[j]) || s[j] == '_')))
        return 0;
    char tok[48];
    size_t len = j - i;
    /* a sentence's full stop or a list's colon is not part of it */
    while (len > 0 && (s[i + len - 1] == '.' ||
                       (s[i + len - 1] == ':' && len > 1 && s[i + len - 2] != ':')))
        len--;
    memcpy(tok, s + i, len);
    tok[len] = '\0';
    unsigned char a[16];
    if (inet_pton(AF_INET6, tok, a) != 1)
        return 0;
    j = i + len;
    int bits = -1;
    j += prefix_len(s, j, n, &bits);
    static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (memcmp(a, mapped, sizeof(mapped)) == 0) {
        put_v4(b, a + 12, -1);
        return j - i;
    }
    if (bits < 0 || bits >= 48)
        bits = 48;
    int whole = bits / 8;
    if (bits % 8 != 0)
        a[whole++] &= (unsigned char)(0xff << (8 - bits % 8));
    memset(a + whole, 0, 16 - (size_t)whole);
    char txt[INET6_ADDRSTRLEN];
    inet_ntop(AF_INET6, a, txt, sizeof(txt));
    fmt_buf_printf(b, "%s/%d", txt, bits);
    return j - i;
}

/* try_dashed - an IPv4 address written into a host name with dashes
 * ("dsl-203-0-113-77.example.net", either byte order) at s[i..n):
 * "x-x-x-x" into b, its length returned; 0 when none starts there. */
static size_t try_dashed(struct fmt_buf *b, const char *s, size_t i, size_t n)
{
    unsigned char q[4];
    size_t j = quad_end(s, i, n, '-', q);
    if (j == 0)
        return 0;
    fmt_buf_puts(b, "x-x-x-x");
    return j - i;
}

/* try_local - a mail address's local part at s[i..n) (followed by '@'
 * and a domain): "*" into b, its length returned; 0 when none. */
static size_t try_local(struct fmt_buf *b, const char *s, size_t i, size_t n)
{
    size_t j = i;
    while (j < n && is_local(s[j]))
        j++;
    if (j == i || j + 1 >= n || s[j] != '@' || !is_alnum(s[j + 1]))
        return 0;
    fmt_buf_puts(b, "*");
    return j - i;
}

void anon_text(struct fmt_buf *b, const char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        char p = i > 0 ? s[i - 1] : ' ';
        size_t used = 0;
        bool v6_start = !is_alnum(p) && p != ':' && p != '.' && p != '_';
        /* "[IPv6:2001:db8::1]": the literal's tag is not part of it */
        if (!v6_start && p == ':' && i >= 5 && strncasecmp(s + i - 5, "IPv6:", 5) == 0 &&
            (i == 5 || !is_alnum(s[i - 6])))
            v6_start = true;
        if (v6_start && (is_hex(s[i]) || s[i] == ':'))
            used = try_v6(b, s, i, n);
        if (used == 0 && is_digit(s[i]) && !is_alnum(p) && p != '.' && p != '_')
            used = try_v4(b, s, i, n);
        if (used == 0 && is_digit(s[i]) && !is_alnum(p))
            used = try_dashed(b, s, i, n);
        if (used == 0 && is_local(s[i]) && !is_local(p))
            used = try_local(b, s, i, n);
        if (used == 0) {
            fmt_buf_add(b, s + i, 1);
            used = 1;
        }
        i += used;
    }
}

/* keep_component - whether a component of a mailbox path names mailbox
 * structure (kept) rather than, possibly, its owner. prev is the
 * component before it (NULL for the first). */
static bool keep_component(const char *c, size_t n, const char *prev, size_t pn)
{
    static const char *const words[] = {
        "home", "var", "mail", "spool", "srv", "vmail", "usr", "local",
        "maildir", "mailboxes", "mbox", /* a folder, not a registry name */
        "cur", "new", "tmp",
        "inbox", "junk", "spam", "bulk", "sent", "trash", "drafts",
        "archive", "archives",
    };
    static const char *const structural[] = {"cur", "new", "tmp"};
    if (n == 0 || c[0] == '.') /* "/" at the start, ".", "..", ".Junk" */
        return true;
    /* a Maildir message's file name: host and time, not a person */
    for (size_t k = 0; prev != NULL && k < sizeof(structural) / sizeof(structural[0]); k++)
        if (pn == strlen(structural[k]) && strncasecmp(prev, structural[k], pn) == 0)
            return true;
    size_t base = n;
    if (n > 5 && strncasecmp(c + n - 5, ".mbox", 5) == 0)
        base = n - 5;
    for (size_t k = 0; k < sizeof(words) / sizeof(words[0]); k++)
        if (base == strlen(words[k]) && strncasecmp(c, words[k], base) == 0)
            return true;
    return false;
}

void anon_mailbox_path(struct fmt_buf *b, const char *p, size_t n)
{
    const char *prev = NULL;
    size_t pn = 0;
    for (size_t i = 0; i <= n;) {
        const char *slash = memchr(p + i, '/', n - i);
        size_t end = slash != NULL ? (size_t)(slash - p) : n;
        const char *c = p + i;
        size_t cn = end - i;
        if (keep_component(c, cn, prev, pn))
            fmt_buf_add(b, c, cn);
        else
            fmt_buf_puts(b, "*");
        if (slash == NULL)
            break;
        fmt_buf_puts(b, "/");
        prev = c;
        pn = cn;
        i = end + 1;
    }
}

void anon_value(const struct anon *a, struct fmt_buf *b, const char *s,
                size_t n)
{
    size_t idx;
    if (keymap_find(&a->mailboxes, s, n, &idx)) {
        anon_mailbox_path(b, s, n);
        return;
    }
    /* "PATH:LINE" (the evidence columns) */
    size_t k = n;
    while (k > 0 && s[k - 1] != ':')
        k--;
    if (k > 0 && k < n) {
        k--; /* the colon */
        bool digits = true;
        for (size_t j = k + 1; j < n && digits; j++)
            digits = is_digit(s[j]);
        if (digits && keymap_find(&a->mailboxes, s, k, &idx)) {
            anon_mailbox_path(b, s, k);
            fmt_buf_add(b, s + k, n - k);
            return;
        }
    }
    anon_text(b, s, n);
}

void anon_report(const struct anon *a, struct report *r)
{
    struct fmt_buf b;
    fmt_buf_init(&b);
    for (size_t t = 0; t < r->ntables; t++) {
        struct rtable *tb = r->tables[t];
        for (size_t i = 0; i < tb->nrows * tb->ncols; i++) {
            struct rcell *c = &tb->cells[i];
            if (c->type != RCOL_TEXT || c->null || c->s == NULL)
                continue;
            fmt_buf_reset(&b);
            anon_value(a, &b, c->s, c->n);
            if (b.len == c->n && memcmp(fmt_buf_str(&b), c->s, c->n) == 0)
                continue;
            free(c->s);
            c->s = xmemdup0(fmt_buf_str(&b), b.len);
            c->n = b.len;
        }
    }
    if (r->warning != NULL) {
        fmt_buf_reset(&b);
        anon_text(&b, r->warning, strlen(r->warning));
        free(r->warning);
        r->warning = xmemdup0(fmt_buf_str(&b), b.len);
    }
    fmt_buf_free(&b);
}
