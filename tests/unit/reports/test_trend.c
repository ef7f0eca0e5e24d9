/* SPDX-License-Identifier: MIT */
/*
 * test_trend - reports/trend.c: the previous window for both bounds, one
 * bound and none (whole UTC days from the sessions), the errors when none
 * can be derived; the headline_compare rows (change, one-decimal change_pct,
 * NULL when the previous figure is 0) from hand-made headline tables, and
 * the sentence and card words. And pairmap's per-session record of the
 * time series: bucket, acceptance bit and messages.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "fmt.h"
#include "pairmap.h"
#include "report.h"
#include "trend.h"

#define DAY 86400LL
#define NOV1 1793491200LL /* 2026-11-01T00:00:00Z */

/* headline - a report holding one kv table "headline" with the headline's
 * twelve integer items set to v[0..11] (the rest 0); free with
 * report_free. */
static void headline(struct report *r, const long long *v)
{
    static const char *const items[] = {
        "accepted_messages",     "would_reject_messages",
        "would_defer_messages",  "would_mark_messages",
        "would_accept_messages", "unevaluated_messages",
        "accepted_sessions",     "would_reject_sessions",
        "would_defer_sessions",  "would_mark_sessions",
        "would_accept_sessions", "unevaluated_sessions",
        "low_coverage",
    };
    memset(r, 0, sizeof(*r));
    struct rtable *t = calloc(1, sizeof(*t));
    t->key = "headline";
    t->kv = true;
    t->ncols = 2;
    t->cols[0] = "item";
    t->cols[1] = "value";
    t->types[0] = RCOL_TEXT;
    t->types[1] = RCOL_INT;
    for (size_t i = 0; i < sizeof(items) / sizeof(items[0]); i++) {
        struct rcell *row = report_row_add(t);
        report_cell_text(&row[0], items[i], strlen(items[i]));
        row[1].type = RCOL_INT;
        row[1].i = i < 12 ? v[i] : 0;
    }
    r->tables[r->ntables++] = t;
}

/* add_table - an empty table key with cols/types to r. */
static struct rtable *add_table(struct report *r, const char *key,
                                const char *const *cols,
                                const enum rcol_type *types, size_t n)
{
    struct rtable *t = calloc(1, sizeof(*t));
    t->key = key;
    t->ncols = n;
    for (size_t i = 0; i < n; i++) {
        t->cols[i] = cols[i];
        t->types[i] = types[i];
    }
    r->tables[r->ntables++] = t;
    return t;
}

static void test_window(void)
{
    struct report_opts o;
    report_opts_init(&o);
    long long s, u;
    char *err = NULL;
    /* both bounds: [since - len, since) */
    o.since = NOV1 + DAY;
    o.until = NOV1 + 3 * DAY;
    CHECK(trend_window(&o, false, 0, 0, &s, &u, &err) == HV_OK);
    CHECK_INTEQ(s, NOV1 - DAY);
    CHECK_INTEQ(u, NOV1 + DAY);
    /* --since only: until = the day after the last session's */
    o.until = LLONG_MAX;
    CHECK(trend_window(&o, true, NOV1 + DAY + 60, NOV1 + 2 * DAY + 3600,
                       &s, &u, &err) == HV_OK);
    CHECK_INTEQ(u, NOV1 + DAY);
    CHECK_INTEQ(s, NOV1 - DAY);
    /* no bound: the first session's day .. the day after the last's */
    o.since = LLONG_MIN;
    CHECK(trend_window(&o, true, NOV1 + 5, NOV1 + 5 + 3600, &s, &u, &err) ==
          HV_OK);
    CHECK_INTEQ(s, NOV1 - DAY);
    CHECK_INTEQ(u, NOV1);
    /* --until only, a session exactly at midnight: its own day */
    o.until = NOV1 + 2 * DAY;
    CHECK(trend_window(&o, true, NOV1, NOV1 + DAY, &s, &u, &err) == HV_OK);
    CHECK_INTEQ(s, NOV1 - 2 * DAY);
    CHECK_INTEQ(u, NOV1);
    /* no bound and no session: an error that names the option */
    o.until = LLONG_MAX;
    CHECK(trend_window(&o, false, 0, 0, &s, &u, &err) == HV_EUSAGE);
    CHECK(err != NULL && strstr(err, "--compare-previous needs a window"));
    free(err);
    err = NULL;
    /* since >= until */
    o.since = NOV1;
    o.until = NOV1;
    CHECK(trend_window(&o, false, 0, 0, &s, &u, &err) == HV_EUSAGE);
    free(err);
}

static void test_compare(void)
{
    const long long cur_v[12] = {21, 7, 0, 9, 2, 3, 20, 7, 0, 8, 2, 3};
    const long long prev_v[12] = {16, 5, 0, 6, 2, 3, 15, 5, 0, 5, 2, 3};
    struct report cur, prev;
    headline(&cur, cur_v);
    headline(&prev, prev_v);
    static const char *const cols[] = {"figure", "current", "previous",
                                       "change", "change_pct"};
    static const enum rcol_type types[] = {RCOL_TEXT, RCOL_INT, RCOL_INT,
                                           RCOL_INT, RCOL_PCT};
    struct rtable *t = add_table(&cur, "headline_compare", cols, types, 5);
    trend_fill_compare(t, &cur, &prev);
    CHECK_INTEQ(t->nrows, 12);
    CHECK_STREQ(report_cell(t, 0, 0)->s, "accepted_messages");
    CHECK_INTEQ(report_cell(t, 0, 1)->i, 21);
    CHECK_INTEQ(report_cell(t, 0, 2)->i, 16);
    CHECK_INTEQ(report_cell(t, 0, 3)->i, 5);
    /* 5 / 16 = 31.25%: halves away from zero */
    CHECK(!report_cell(t, 0, 4)->null && report_cell(t, 0, 4)->d == 31.3);
    CHECK_INTEQ(report_cell(t, 1, 3)->i, 2);
    CHECK(report_cell(t, 1, 4)->d == 40.0);
    /* 0 before: change_pct NULL */
    CHECK_STREQ(report_cell(t, 2, 0)->s, "would_defer_messages");
    CHECK(report_cell(t, 2, 4)->null);
    /* a fall */
    CHECK_STREQ(report_cell(t, 11, 0)->s, "unevaluated_sessions");
    CHECK_INTEQ(report_cell(t, 11, 3)->i, 0);

    static const char *const kvcols[] = {"item", "value"};
    static const enum rcol_type kvtypes[] = {RCOL_TEXT, RCOL_TEXT};
    struct rtable *p = add_table(&cur, "headline_previous", kvcols, kvtypes, 2);
    trend_fill_previous(p, &prev);
    CHECK_INTEQ(p->nrows, 13);
    CHECK_STREQ(report_cell(p, 1, 0)->s, "would_reject_messages");
    CHECK_INTEQ(report_cell(p, 1, 1)->i, 5);

    struct fmt_buf b;
    fmt_buf_init(&b);
    CHECK(!trend_sentence(&cur, &b)); /* no previous window set */
    CHECK_INTEQ(b.len, 0);
    cur.has_previous = true;
    cur.prev_since = NOV1;
    cur.prev_until = NOV1 + DAY;
    cur.prev_has_span = true;
    CHECK(trend_sentence(&cur, &b));
    CHECK_STREQ(fmt_buf_str(&b),
                "Against the previous 1 day (2026-11-01T00:00:00Z .. "
                "2026-11-02T00:00:00Z): messages accepted 21 (+5, +31.3%), "
                "would reject 7 (+2, +40.0%), would defer 0 (0), would mark "
                "9 (+3, +50.0%), would accept 2 (0), not evaluated 3 (0); "
                "sessions accepted 20 (+5, +33.3%), would reject 7 (+2, "
                "+40.0%), would defer 0 (0), would mark 8 (+3, +60.0%), "
                "would accept 2 (0), not evaluated 3 (0).");
    fmt_buf_reset(&b);
    CHECK(trend_change(&cur, "would_reject_messages", &b));
    CHECK_STREQ(fmt_buf_str(&b), "+2 (+40.0%) against the previous 1 day");
    fmt_buf_reset(&b);
    CHECK(!trend_change(&cur, "no_such_figure", &b));
    cur.prev_has_span = false;
    cur.prev_since = NOV1 - 2 * DAY;
    CHECK(trend_sentence(&cur, &b));
    CHECK_STREQ(fmt_buf_str(&b),
                "Against the previous 3 days (2026-10-30T00:00:00Z .. "
                "2026-11-02T00:00:00Z): no sessions in that window.");
    fmt_buf_free(&b);
    report_free(&cur);
    report_free(&prev);
}

static void test_pairmap_series(void)
{
    struct pairmap pm;
    pairmap_init(&pm);
    struct psession s;
    memset(&s, 0, sizeof(s));
    s.helo = "a.example";
    s.hn = 9;
    s.ip = "192.0.2.1";
    s.in = 9;
    s.mta = "postfix";
    s.mn = 7;
    s.messages = 3;
    s.disposition = "accepted";
    s.dn = 8;
    pairmap_add(&pm, &s, 5);
    s.messages = 0;
    s.disposition = "rejected";
    s.dn = 8;
    pairmap_add(&pm, &s, PAIRMAP_MAX_BUCKETS - 1);
    pairmap_add(&pm, &s, -1); /* out of the series */
    CHECK_INTEQ(pm.nsess, 2);
    CHECK_INTEQ(pm.sess_bucket[0], 5 | PAIRMAP_ACCEPTED);
    CHECK_INTEQ(pm.sess_msgs[0], 3);
    CHECK_INTEQ(pm.sess_bucket[1], PAIRMAP_MAX_BUCKETS - 1);
    CHECK_INTEQ(pm.sess_msgs[1], 0);
    CHECK_INTEQ(pm.sess_pair[1], 0);
    pairmap_free(&pm);
}

int main(void)
{
    test_window();
    test_compare();
    test_pairmap_series();
    return CHECK_DONE();
}
