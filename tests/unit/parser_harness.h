/* SPDX-License-Identifier: MIT */
/*
 * parser_harness - helpers shared by the line-parser unit tests
 * (test_exim.c, test_sendmail.c). The including file defines
 * HARNESS_FORMAT (e.g. hv_format_exim) first. Provides struct got (the
 * sessions a parser emitted, in order, at most MAXS kept), collect (the emit
 * callback), run (feed lines to a fresh parser), check_one_line (one line,
 * at most one session, against what a table row wants), check_probes (the
 * format's probe over a table) and check_truncations (every prefix and
 * suffix of every line, in exact-size heap blocks).
 */
#ifndef HV_PARSER_HARNESS_H
#define HV_PARSER_HARNESS_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "parser.h"
#include "session.h"
#include "tstamp.h"

#ifndef HARNESS_FORMAT
#error "define HARNESS_FORMAT before including parser_harness.h"
#endif

#define MAXS 16

struct got {
    size_t n;
    struct hv_session s[MAXS];
};

/* collect - emit callback: keep the sessions in order. */
static void collect(void *arg, const struct hv_session *s)
{
    struct got *g = arg;
    if (g->n < MAXS)
        g->s[g->n] = *s;
    g->n++;
}

/* run - feed lines (NULL-terminated) to a fresh parser, finish, close.
 * Returns the number of lines skipped; *last_reason the last reason. */
static int run(const char *const *lines, struct got *g, const char **last_reason)
{
    struct hv_clock clock;
    hv_clock_init(&clock, 2026, 0);
    struct hv_parse_opts opts = {&clock, NULL, 0, 0};
    memset(g, 0, sizeof(*g));
    struct hv_parser *p = HARNESS_FORMAT.open(&opts, collect, g);
    int skipped = 0;
    uint64_t off = 0;
    for (unsigned i = 0; lines[i] != NULL; i++) {
        struct hv_line ln = {lines[i], strlen(lines[i]), i + 1, off};
        const char *reason = NULL;
        if (HARNESS_FORMAT.feed(p, &ln, &reason) == HV_PARSE_SKIP) {
            skipped++;
            if (last_reason)
                *last_reason = reason;
        }
        off += ln.len + 1;
    }
    HARNESS_FORMAT.finish(p);
    HARNESS_FORMAT.close(p);
    return skipped;
}

/* What one log line must give: no session (ip NULL) or exactly one. */
struct one_want {
    const char *line;
    const char *ip;          /* NULL: no session at all */
    const char *helo;        /* NULL: has_helo false */
    const char *rdns;
    unsigned messages, r5, r4;
    enum hv_disposition disp;
    const char *qid;         /* first queue id, or NULL: not checked */
};

/* check_one_line - feed w->line (table row i) alone to a fresh parser: not
 * skipped, and no session or one from mta on line 1 with w's fields. */
static void check_one_line(size_t i, const struct one_want *w, enum hv_mta mta)
{
    const char *lines[] = {w->line, NULL};
    struct got g;
    int skipped = run(lines, &g, NULL);
    CHECK_MSG(skipped == 0, "case %zu skipped", i);
    if (w->ip == NULL) {
        CHECK_MSG(g.n == 0, "case %zu: want none, got %zu (%s)", i, g.n,
                  g.n ? g.s[0].ip : "");
        return;
    }
    CHECK_MSG(g.n == 1, "case %zu: want 1 session, got %zu", i, g.n);
    if (g.n != 1)
        return;
    const struct hv_session *s = &g.s[0];
    CHECK_INTEQ(s->mta, mta);
    CHECK_STREQ(s->ip, w->ip);
    CHECK_MSG(s->has_helo == (w->helo != NULL), "case %zu: has_helo %d", i,
              s->has_helo);
    if (w->helo != NULL)
        CHECK_STREQ(s->helo, w->helo);
    CHECK_STREQ(s->rdns, w->rdns);
    CHECK_INTEQ(s->messages, w->messages);
    CHECK_INTEQ(s->replies_5xx, w->r5);
    CHECK_INTEQ(s->replies_4xx, w->r4);
    CHECK_MSG(hv_session_disposition(s) == w->disp, "case %zu: disp %s", i,
              hv_disposition_name(hv_session_disposition(s)));
    CHECK_INTEQ(s->line, 1);
    if (w->qid != NULL) {
        CHECK_INTEQ(s->nqids, 1);
        CHECK_STREQ(s->qids[0], w->qid);
    }
}

/* A probe score range for one line. */
struct probe_want {
    const char *line;
    int min, max;
};

/* check_probes - HARNESS_FORMAT's probe scores each of the n lines within
 * its range. */
static void check_probes(const struct probe_want *t, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        int s = HARNESS_FORMAT.probe(t[i].line, strlen(t[i].line));
        CHECK_MSG(s >= t[i].min && s <= t[i].max, "probe %zu: %d", i, s);
    }
}

/* check_truncations - every prefix and suffix of line_at(0..n-1), each in a
 * heap block of its exact size (so ASan/valgrind see any read past the
 * end), through one parser: no crash, and whatever comes out has an
 * address. */
static void check_truncations(const char *(*line_at)(size_t), size_t n_lines)
{
    struct hv_clock clock;
    hv_clock_init(&clock, 2026, 0);
    struct hv_parse_opts opts = {&clock, NULL, 0, 0};
    struct got g;
    memset(&g, 0, sizeof(g));
    struct hv_parser *p = HARNESS_FORMAT.open(&opts, collect, &g);
    uint64_t lineno = 0;
    size_t bad = 0, fed = 0;
    for (size_t i = 0; i < n_lines; i++) {
        const char *line = line_at(i);
        size_t len = strlen(line);
        for (size_t k = 0; k <= 2 * len; k++) {
            size_t from = k <= len ? 0 : k - len;
            size_t n = k <= len ? k : len - from;
            char *b = malloc(n + 1);
            if (b == NULL)
                abort();
            memcpy(b, line + from, n);
            b[n] = '\0';
            struct hv_line ln = {b, n, ++lineno, 0};
            const char *r;
            size_t before = g.n;
            HARNESS_FORMAT.feed(p, &ln, &r);
            for (size_t j = before; j < g.n && j < MAXS; j++)
                if (g.s[j].ip[0] == '\0')
                    bad++;
            if (g.n >= MAXS)
                g.n = 0;
            free(b);
            fed++;
        }
    }
    HARNESS_FORMAT.finish(p);
    HARNESS_FORMAT.close(p);
    CHECK_INTEQ(bad, 0);
    CHECK(fed > 1000);
}

#endif
