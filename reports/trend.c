/* SPDX-License-Identifier: MIT */
/* trend - the headline against the previous window; see trend.h. */
#include "trend.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "headline.h"
#include "xmem.h"

/* floor_to - t rounded down to a multiple of step (also below 0). */
static long long floor_to(long long t, long long step)
{
    return t - ((t % step) + step) % step;
}

int trend_window(const struct report_opts *o, bool has_span, long long first,
                 long long last, long long *since, long long *until,
                 char **err)
{
    long long start = o->since, end = o->until;
    *since = *until = 0;
    if (start == LLONG_MIN || end == LLONG_MAX) {
        if (!has_span)
            return hv_errf(err, HV_EUSAGE,
                           "--compare-previous needs a window: give --since "
                           "and --until, or report a range that holds "
                           "sessions");
        if (start == LLONG_MIN)
            start = floor_to(first, 86400);
        if (end == LLONG_MAX)
            end = floor_to(last, 86400) + 86400;
    }
    if (end <= start)
        return hv_errf(err, HV_EUSAGE,
                       "--compare-previous needs a window: --since must be "
                       "before --until");
    *since = start - (end - start);
    *until = start;
    return HV_OK;
}

int trend_previous(sqlite3 *db, const struct report_opts *o, long long since,
                   long long until, struct report *prev, char **err)
{
    struct report_opts po = *o;
    po.since = since;
    po.until = until;
    po.table = "headline";
    po.want_figures = false;
    po.compare_previous = false;
    po.anonymize = false; /* the headline holds no address */
    po.ncompare = 0;
    return report_build(db, &po, prev, err);
}

void trend_fill_previous(struct rtable *t, const struct report *prev)
{
    const struct rtable *h = report_find(prev, "headline");
    for (size_t i = 0; h != NULL && i < h->nrows; i++) {
        struct rcell *row = report_row_add(t);
        for (size_t j = 0; j < 2; j++) {
            const struct rcell *c = report_cell(h, i, j);
            row[j] = *c;
            row[j].s = c->s != NULL ? xmemdup0(c->s, c->n) : NULL;
        }
    }
}

/* the integer items of the headline the comparison shows, and their words
 * in the sentence */
static const struct {
    const char *item, *words;
} figures[] = {
    {"accepted_messages", "accepted"},
    {"would_reject_messages", "would reject"},
    {"would_defer_messages", "would defer"},
    {"would_mark_messages", "would mark"},
    {"would_accept_messages", "would accept"},
    {"unevaluated_messages", "not evaluated"},
    {"accepted_sessions", "accepted"},
    {"would_reject_sessions", "would reject"},
    {"would_defer_sessions", "would defer"},
    {"would_mark_sessions", "would mark"},
    {"would_accept_sessions", "would accept"},
    {"unevaluated_sessions", "not evaluated"},
};
#define NFIG (sizeof(figures) / sizeof(figures[0]))

/* kv_find - the value cell of item in kv table t, or NULL. */
static const struct rcell *kv_find(const struct rtable *t, const char *item)
{
    for (size_t i = 0; t != NULL && i < t->nrows; i++) {
        const struct rcell *k = report_cell(t, i, 0);
        if (k->s != NULL && strcmp(k->s, item) == 0)
            return report_cell(t, i, 1);
    }
    return NULL;
}

void trend_fill_compare(struct rtable *t, const struct report *cur,
                        const struct report *prev)
{
    const struct rtable *hc = report_find(cur, "headline");
    const struct rtable *hp = report_find(prev, "headline");
    if (hc == NULL || hp == NULL)
        return;
    for (size_t f = 0; f < NFIG; f++) {
        const struct rcell *a = kv_find(hc, figures[f].item);
        const struct rcell *b = kv_find(hp, figures[f].item);
        long long va = a != NULL ? a->i : 0, vb = b != NULL ? b->i : 0;
        struct rcell *row = report_row_add(t);
        report_cell_text(&row[0], figures[f].item, strlen(figures[f].item));
        row[1].type = row[2].type = row[3].type = RCOL_INT;
        row[1].i = va;
        row[2].i = vb;
        row[3].i = va - vb;
        row[4].type = RCOL_PCT;
        if (vb == 0)
            row[4].null = true;
        else
        {
            double x = 1000.0 * (double)(va - vb) / (double)vb;
            row[4].d = (double)(long long)(x < 0 ? x - 0.5 : x + 0.5) / 10.0;
        }
    }
}

/* span_words - "1 day", "3 days", "6 hours" or "90 seconds" into b. */
static void span_words(struct fmt_buf *b, long long len)
{
    if (len % 86400 == 0)
        fmt_buf_printf(b, "%lld day%s", len / 86400, len == 86400 ? "" : "s");
    else if (len % 3600 == 0)
        fmt_buf_printf(b, "%lld hour%s", len / 3600, len == 3600 ? "" : "s");
    else
        fmt_buf_printf(b, "%lld second%s", len, len == 1 ? "" : "s");
}

/* iso - t as 2026-11-01T00:00:00Z into b. */
static void iso(struct fmt_buf *b, long long t)
{
    char s[32];
    time_t tt = (time_t)t;
    struct tm tm;
    if (gmtime_r(&tt, &tm) == NULL ||
        strftime(s, sizeof(s), "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
        snprintf(s, sizeof(s), "%lld", t);
    fmt_buf_puts(b, s);
}

/* change_words - "+5 (+16.7%)", "-3 (-10.0%)", "+4 (new)" or "0" of row i
 * of the comparison table t into b; with comma "+5, +16.7%", "+4, new". */
static void change_words(struct fmt_buf *b, const struct rtable *t, size_t i,
                         bool comma)
{
    long long ch = report_cell(t, i, 3)->i;
    const struct rcell *pct = report_cell(t, i, 4);
    if (ch == 0) {
        fmt_buf_puts(b, "0");
        return;
    }
    fmt_buf_printf(b, "%+lld", ch);
    if (pct->null)
        fmt_buf_puts(b, comma ? ", new" : " (new)");
    else
        fmt_buf_printf(b, comma ? ", %+.1f%%" : " (%+.1f%%)", pct->d);
}

/* compare_row - the row of figure in r's headline_compare table, or -1. */
static long compare_row(const struct rtable *t, const char *figure)
{
    for (size_t i = 0; t != NULL && i < t->nrows; i++)
        if (strcmp(report_cell(t, i, 0)->s, figure) == 0)
            return (long)i;
    return -1;
}

bool trend_sentence(const struct report *r, struct fmt_buf *b)
{
    const struct rtable *t = report_find(r, "headline_compare");
    if (!r->has_previous || t == NULL)
        return false;
    fmt_buf_puts(b, "Against the previous ");
    span_words(b, r->prev_until - r->prev_since);
    fmt_buf_puts(b, " (");
    iso(b, r->prev_since);
    fmt_buf_puts(b, " .. ");
    iso(b, r->prev_until);
    fmt_buf_puts(b, ")");
    if (!r->prev_has_span) {
        fmt_buf_puts(b, ": no sessions in that window.");
        return true;
    }
    for (size_t f = 0; f < NFIG; f++) {
        long i = compare_row(t, figures[f].item);
        if (i < 0)
            continue;
        fmt_buf_puts(b, f == 0 ? ": messages " : f == 6 ? "; sessions " : ", ");
        fmt_buf_printf(b, "%s ", figures[f].words);
        headline_count(b, report_cell(t, (size_t)i, 1)->i);
        fmt_buf_puts(b, " (");
        change_words(b, t, (size_t)i, true);
        fmt_buf_puts(b, ")");
    }
    fmt_buf_puts(b, ".");
    return true;
}

bool trend_change(const struct report *r, const char *figure,
                  struct fmt_buf *b)
{
    if (!r->has_previous)
        return false;
    const struct rtable *t = report_find(r, "headline_compare");
    long i = compare_row(t, figure);
    if (i < 0)
        return false;
    change_words(b, t, (size_t)i, false);
    fmt_buf_puts(b, " against the previous ");
    span_words(b, r->prev_until - r->prev_since);
    return true;
}
