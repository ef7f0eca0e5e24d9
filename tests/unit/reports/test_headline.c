/* SPDX-License-Identifier: MIT */
/*
 * test_headline - reports/headline.c on hand-made headline tables: the
 * figures read back, the thousands separators, the sentences and the
 * low-coverage warning (messages, or sessions when no message was counted).
 */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "fmt.h"
#include "headline.h"
#include "report.h"

/* The items of a headline table in the report's order. */
static const char *const items[] = {
    "accepted_messages",     "would_reject_messages", "would_defer_messages",
    "would_mark_messages",   "would_accept_messages", "unevaluated_messages",
    "accepted_sessions",     "would_reject_sessions", "would_defer_sessions",
    "would_mark_sessions",   "would_accept_sessions", "unevaluated_sessions",
    "low_coverage",
};
#define NITEMS (sizeof(items) / sizeof(items[0]))

/* make - a report holding one kv table "headline" with these values. */
static void make(struct report *r, struct rtable *t, struct rcell *cells,
                 const long long *v)
{
    memset(r, 0, sizeof(*r));
    memset(t, 0, sizeof(*t));
    t->key = "headline";
    t->title = "Headline";
    t->kv = true;
    t->ncols = 2;
    t->cols[0] = "item";
    t->cols[1] = "value";
    t->nrows = NITEMS;
    t->cells = cells;
    for (size_t i = 0; i < NITEMS; i++) {
        memset(&cells[2 * i], 0, 2 * sizeof(*cells));
        cells[2 * i].type = RCOL_TEXT;
        cells[2 * i].s = (char *)items[i];
        cells[2 * i].n = strlen(items[i]);
        cells[2 * i + 1].type = RCOL_INT;
        cells[2 * i + 1].i = v[i];
    }
    r->tables[0] = t;
    r->ntables = 1;
}

/* count_str - headline_count(n) as a string (static buffer). */
static const char *count_str(long long n)
{
    static char out[64];
    struct fmt_buf b;
    fmt_buf_init(&b);
    headline_count(&b, n);
    snprintf(out, sizeof(out), "%s", fmt_buf_str(&b));
    fmt_buf_free(&b);
    return out;
}

int main(void)
{
    struct report r;
    struct rtable t;
    struct rcell cells[2 * NITEMS];
    struct headline h;
    struct fmt_buf b;

    CHECK_STREQ(count_str(0), "0");
    CHECK_STREQ(count_str(999), "999");
    CHECK_STREQ(count_str(1000), "1,000");
    CHECK_STREQ(count_str(1234567), "1,234,567");
    CHECK_STREQ(count_str(-12345), "-12,345");

    /* no headline table */
    memset(&r, 0, sizeof(r));
    CHECK(!headline_get(&r, &h));
    CHECK_INTEQ(h.acc_m, 0);

    /* 1,234 messages in 56 sessions, 12 rejected, 234 not evaluated */
    const long long v1[NITEMS] = {1234, 12, 0, 988, 0, 234,
                                  56,   3,  1, 40,  2, 10, 0};
    make(&r, &t, cells, v1);
    CHECK(headline_get(&r, &h));
    CHECK_INTEQ(h.acc_m, 1234);
    CHECK_INTEQ(h.mark_m, 988);
    CHECK_INTEQ(h.unev_s, 10);
    CHECK(!h.low);
    CHECK(h.eval_m_pct > 81.0 && h.eval_m_pct < 81.1); /* 1000 / 1234 */
    fmt_buf_init(&b);
    headline_sentences(&h, &b);
    CHECK_STREQ(fmt_buf_str(&b),
                "Of 1,234 accepted messages (56 sessions), CSV would have"
                " rejected 12 (1.0%), deferred 0 (0.0%), marked 988 (80.1%)"
                " and accepted 0 (0.0%); 234 (19.0%) could not be evaluated"
                " (HELO not in the log or DNS unresolved). Sessions: 3 (5.4%)"
                " rejected, 1 (1.8%) deferred, 40 (71.4%) marked, 2 (3.6%)"
                " accepted, 10 (17.9%) not evaluated.");
    fmt_buf_reset(&b);
    CHECK(!headline_warning(&h, &b));
    CHECK_INTEQ(b.len, 0);

    /* low coverage on messages */
    const long long v2[NITEMS] = {100, 10, 0, 0, 11, 79, 9, 1, 0, 0, 1, 7, 1};
    make(&r, &t, cells, v2);
    CHECK(headline_get(&r, &h));
    CHECK(h.low);
    CHECK(headline_warning(&h, &b));
    CHECK_STREQ(fmt_buf_str(&b),
                "low coverage: only 21.0% of the accepted messages were"
                " evaluated (under 80%); the coverage table says what closes"
                " the gap");

    /* no message counted: the sessions' share */
    const long long v3[NITEMS] = {0, 0, 0, 0, 0, 0, 4, 1, 0, 0, 0, 3, 1};
    make(&r, &t, cells, v3);
    CHECK(headline_get(&r, &h));
    fmt_buf_reset(&b);
    CHECK(headline_warning(&h, &b));
    CHECK_STREQ(fmt_buf_str(&b),
                "low coverage: only 25.0% of the accepted sessions were"
                " evaluated (under 80%); the coverage table says what closes"
                " the gap");
    fmt_buf_reset(&b);
    headline_sentences(&h, &b);
    CHECK(strncmp(fmt_buf_str(&b), "Of 0 accepted messages (4 sessions), CSV"
                                   " would have rejected 0 (0.0%),",
                  70) == 0);
    fmt_buf_free(&b);
    return CHECK_DONE();
}
