/* SPDX-License-Identifier: MIT */
/*
 * bench_postfix - feed a Postfix log through the parser alone (no SQLite)
 * and print lines/s, sessions and MB/s; not run by `make test`.
 *
 *   python3 tests/tools/genlog.py --format postfix --sessions 200000 \
 *       --truth /tmp/pf.truth > /tmp/pf.log
 *   make build/tests/bench_postfix && build/tests/bench_postfix /tmp/pf.log
 *
 * The file is read in large blocks and split on '\n' in place, as the scan
 * pipeline does, so the figure is the parser's own cost.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "postfix.h"

static unsigned long long sessions, with_helo;

/* Final state of every session (by first line) for --dump. */
struct rec {
    uint64_t line;
    char ip[HV_IP_MAX + 1];
    char helo[64];
    bool has_helo, complete;
    enum hv_disposition disp;
};
static struct rec *recs;
static size_t nrecs, caprecs;
static uint32_t *by_line;   /* line -> rec index + 1 */
static size_t nby_line;

static void count(void *arg, const struct hv_session *s)
{
    (void)arg;
    sessions++;
    with_helo += s->has_helo;
    if (by_line == NULL)
        return;
    if (s->line >= nby_line)
        return;
    size_t i = by_line[s->line];
    if (i == 0) {
        if (nrecs == caprecs) {
            caprecs = caprecs ? caprecs * 2 : 4096;
            recs = realloc(recs, caprecs * sizeof(*recs));
        }
        i = ++nrecs;
        by_line[s->line] = (uint32_t)i;
    }
    struct rec *r = &recs[i - 1];
    r->line = s->line;
    snprintf(r->ip, sizeof(r->ip), "%s", s->ip);
    size_t hl = strlen(s->helo);
    if (hl >= sizeof(r->helo))
        hl = sizeof(r->helo) - 1;
    memcpy(r->helo, s->helo, hl);
    r->helo[hl] = '\0';
    r->has_helo = s->has_helo;
    r->complete = s->complete;
    r->disp = hv_session_disposition(s);
}

static double now(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    if (argc != 2 && !(argc == 4 && strcmp(argv[2], "--dump") == 0)) {
        fprintf(stderr, "usage: bench_postfix FILE [--dump OUT.tsv]\n");
        return 2;
    }
    if (argc == 4) {
        nby_line = 8u << 20;
        by_line = calloc(nby_line, sizeof(*by_line));
    }
    FILE *fp = fopen(argv[1], "rb");
    if (fp == NULL) {
        perror(argv[1]);
        return 1;
    }
    struct hv_clock clock;
    hv_clock_init(&clock, 2026, 0);
    struct hv_parse_opts opts = {&clock, NULL, 0, 0};
    struct hv_parser *p = hv_format_postfix.open(&opts, count, NULL);
    size_t cap = 1 << 20, have = 0;
    char *buf = malloc(cap + 1);
    unsigned long long lines = 0, bytes = 0, skipped = 0;
    double t0 = now(CLOCK_MONOTONIC), c0 = now(CLOCK_PROCESS_CPUTIME_ID);
    for (;;) {
        size_t n = fread(buf + have, 1, cap - have, fp);
        if (n == 0 && have == 0)
            break;
        have += n;
        size_t start = 0;
        for (;;) {
            char *nl = memchr(buf + start, '\n', have - start);
            if (nl == NULL) {
                if (n == 0 && start < have)
                    nl = buf + have;   /* last line without LF */
                else
                    break;
            }
            size_t len = (size_t)(nl - (buf + start));
            buf[start + len] = '\0';
            struct hv_line l = {buf + start, len, ++lines, bytes};
            const char *reason = NULL;
            if (hv_format_postfix.feed(p, &l, &reason) != HV_PARSE_OK)
                skipped++;
            bytes += len + 1;
            start += len + 1;
            if (start >= have)
                break;
        }
        if (start > have)
            start = have;
        memmove(buf, buf + start, have - start);
        have -= start;
        if (n == 0)
            break;
    }
    hv_format_postfix.finish(p);
    double dt = now(CLOCK_MONOTONIC) - t0;
    double ct = now(CLOCK_PROCESS_CPUTIME_ID) - c0;
    struct postfix_stats st;
    postfix_get_stats(p, &st);
    hv_format_postfix.close(p);
    fclose(fp);
    free(buf);
    if (argc == 4) {
        FILE *out = fopen(argv[3], "w");
        for (size_t i = 0; out != NULL && i < nrecs; i++)
            fprintf(out, "%llu\t%s\t%s\t%s\t%d\n",
                    (unsigned long long)recs[i].line, recs[i].ip,
                    recs[i].helo, hv_disposition_name(recs[i].disp),
                    recs[i].complete);
        if (out != NULL)
            fclose(out);
        free(recs);
        free(by_line);
    }
    printf("%llu lines, %.1f MB in %.3f s (cpu %.3f s): %.0f lines/s, "
           "%.0f MB/s (by cpu time)\n", lines, (double)bytes / 1e6, dt, ct,
           (double)lines / ct, (double)bytes / 1e6 / ct);
    printf("%llu emits (%llu with HELO), %llu opened, %llu handed off, "
           "%llu re-emitted, %llu evicted, %llu skipped lines\n",
           sessions, with_helo, (unsigned long long)st.opened,
           (unsigned long long)st.handed_off,
           (unsigned long long)st.reemitted, (unsigned long long)st.evicted,
           skipped);
    return 0;
}
