/* SPDX-License-Identifier: MIT */
/* test_rowsort - the writer's reorder window: rows out in id order, equal
 * ids in arrival order, text copied in. */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "rowsort.h"

/* make_row - a row of source src and line ln whose ip text is buf. */
static struct store_row make_row(int64_t src, int64_t ln, char *buf, size_t cap,
                                 const char *helo)
{
    struct store_row r;
    memset(&r, 0, sizeof(r));
    r.source_id = src;
    r.line = ln;
    r.mta = "postfix";
    r.disposition = "accepted";
    snprintf(buf, cap, "192.0.2.%d", (int)(ln % 250));
    r.ip = buf;
    r.ip_len = (int)strlen(buf);
    r.rdns = "";
    r.helo = helo;
    r.helo_len = helo != NULL ? (int)strlen(helo) : 0;
    r.messages = (unsigned)ln;
    return r;
}

/* test_order - rows that arrive late by up to 40 places come out sorted
 * across sources, whatever the take sizes. */
static void test_order(void)
{
    struct rowsort *w = rowsort_new();
    char buf[32];
    int64_t last = -1;
    size_t out = 0;
    int bad = 0;
    for (int64_t i = 0; i < 5000; i++) {
        /* blocks of 40 lines arrive in reverse */
        int64_t ln = (i / 40) * 40 + (39 - i % 40) + 1;
        int64_t src = ln > 2500 ? 2 : 1;
        struct store_row r = make_row(src, ln, buf, sizeof(buf), "mx.example");
        rowsort_add(w, &r);
        memset(buf, 'X', sizeof(buf) - 1);   /* the window has its own copy */
        size_t n = rowsort_count(w);
        if (n > 100) {
            size_t k = (n - 100) / 7 * 7;
            const struct store_row *rows = rowsort_take(w, k);
            for (size_t j = 0; j < k; j++, out++) {
                int64_t id = rows[j].source_id << 32 | rows[j].line;
                bad += id <= last;
                char want[32];
                snprintf(want, sizeof(want), "192.0.2.%d", (int)(rows[j].line % 250));
                bad += strcmp(rows[j].ip, want) != 0 || rows[j].ip_len != (int)strlen(want);
                bad += strcmp(rows[j].helo, "mx.example") != 0;
                last = id;
            }
        }
    }
    size_t rest = rowsort_count(w);
    const struct store_row *rows = rowsort_take(w, rest + 10);   /* more than held */
    for (size_t j = 0; j < rest; j++, out++) {
        int64_t id = rows[j].source_id << 32 | rows[j].line;
        bad += id <= last;
        last = id;
    }
    CHECK_INTEQ(bad, 0);
    CHECK_INTEQ((long long)out, 5000);
    CHECK_INTEQ((long long)rowsort_count(w), 0);
    rowsort_free(w);
}

/* test_equal_ids - rows of the same id keep their arrival order; NULL
 * helo and qids stay NULL. */
static void test_equal_ids(void)
{
    struct rowsort *w = rowsort_new();
    char buf[32];
    struct store_row a = make_row(1, 7, buf, sizeof(buf), NULL);
    a.messages = 1;
    rowsort_add(w, &a);
    struct store_row b = make_row(1, 3, buf, sizeof(buf), "b.example");
    rowsort_add(w, &b);
    struct store_row c = make_row(1, 7, buf, sizeof(buf), NULL);
    c.messages = 2;
    c.qids = "[\"4Q1\"]";
    c.qids_len = 7;
    rowsort_add(w, &c);
    const struct store_row *r = rowsort_take(w, 3);
    CHECK_INTEQ((long long)r[0].line, 3);
    CHECK_INTEQ((long long)r[1].messages, 1);
    CHECK_INTEQ((long long)r[2].messages, 2);
    CHECK(r[1].helo == NULL && r[1].qids == NULL);
    CHECK_STREQ(r[2].qids, "[\"4Q1\"]");
    CHECK(r[2].qids != c.qids);   /* copied, not borrowed */
    CHECK_INTEQ((long long)rowsort_count(w), 0);
    /* the same when the later one is placed by search, not appended */
    a.messages = 1;
    rowsort_add(w, &a);
    struct store_row d = make_row(1, 9, buf, sizeof(buf), NULL);
    rowsort_add(w, &d);
    c.messages = 2;
    rowsort_add(w, &c);
    r = rowsort_take(w, 3);
    CHECK_INTEQ((long long)r[0].messages, 1);
    CHECK_INTEQ((long long)r[1].messages, 2);
    CHECK_INTEQ((long long)r[2].line, 9);
    rowsort_free(w);
    rowsort_free(NULL);
}

/* test_empty - taking from an empty window, and nothing from a full one. */
static void test_empty(void)
{
    struct rowsort *w = rowsort_new();
    (void)rowsort_take(w, 0);
    (void)rowsort_take(w, 5);
    CHECK_INTEQ((long long)rowsort_count(w), 0);
    char buf[32];
    struct store_row r = make_row(1, 1, buf, sizeof(buf), NULL);
    rowsort_add(w, &r);
    (void)rowsort_take(w, 0);
    CHECK_INTEQ((long long)rowsort_count(w), 1);
    rowsort_free(w);
}

int main(void)
{
    test_empty();
    test_order();
    test_equal_ids();
    return CHECK_DONE();
}
