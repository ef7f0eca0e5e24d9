/* SPDX-License-Identifier: MIT */
/*
 * fuzz_parser - libFuzzer entry point for every input format of the
 * registry (parsers/registry.c): each input is fed to each format in turn,
 * so a format added to the registry is fuzzed (and its corpus replayed)
 * without a new target. The input is split into lines as lineio would hand
 * them out (no NUL, no CR) and fed through open/feed/finish/close; every
 * emitted session is checked for the invariants the store relies on.
 * Detection sees the first lines too. Seeds: tests/fuzz/corpus/parser/<format>/.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "parser.h"

#define HEAD_LINES 64 /* lines detection sees, as scan gives it a head */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* check_session - invariants: terminated strings, sane counters, the MTA
 * of the format that emitted it. */
static void check_session(void *arg, const struct hv_session *s)
{
    const struct hv_format *fmt = arg;
    if (memchr(s->ip, '\0', sizeof(s->ip)) == NULL ||
        memchr(s->helo, '\0', sizeof(s->helo)) == NULL ||
        memchr(s->rdns, '\0', sizeof(s->rdns)) == NULL || s->nqids > HV_SESSION_QIDS)
        abort();
    if (s->has_helo && strlen(s->helo) > HV_HELO_MAX)
        abort();
    if (s->mta != fmt->mta)
        abort();
}

/* split_lines - cut copy (n bytes, NUL-terminated, no NUL inside) into
 * lines in place; returns how many (at most n + 1) in lines[]. */
static size_t split_lines(char *copy, size_t n, struct hv_line *lines)
{
    size_t nl = 0, start = 0;
    for (size_t i = 0; i <= n; i++) {
        if (i < n && copy[i] != '\n')
            continue;
        copy[i] = '\0';
        lines[nl] = (struct hv_line){copy + start, i - start, nl + 1, start};
        nl++;
        start = i + 1;
    }
    return nl;
}

/* feed_format - the lines through one format, probing each. */
static void feed_format(const struct hv_format *fmt, const struct hv_parse_opts *opts,
                        const struct hv_line *lines, size_t nl)
{
    struct hv_parser *p = fmt->open(opts, check_session, (void *)fmt);
    for (size_t i = 0; i < nl; i++) {
        const char *reason = NULL;
        (void)fmt->probe(lines[i].p, lines[i].len);
        if (fmt->feed(p, &lines[i], &reason) == HV_PARSE_SKIP && reason == NULL)
            abort();
    }
    fmt->finish(p);
    fmt->close(p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *copy = malloc(size + 1);
    struct hv_line *lines = malloc((size + 1) * sizeof(*lines));
    if (copy == NULL || lines == NULL) {
        free(copy);
        free(lines);
        return 0;
    }
    size_t n = 0;
    for (size_t i = 0; i < size; i++)
        if (data[i] != '\0' && data[i] != '\r')
            copy[n++] = (char)data[i];
    copy[n] = '\0';
    size_t nl = split_lines(copy, n, lines);
    (void)hv_format_detect(lines, nl < HEAD_LINES ? nl : HEAD_LINES);
    struct hv_clock clock;
    hv_clock_init(&clock, 2026, 0);
    struct hv_netlist trusted = {0};
    hv_netlist_default_trusted(&trusted);
    struct hv_parse_opts opts = {&clock, &trusted, 0, 0};
    for (size_t f = 0; hv_format_at(f) != NULL; f++) {
        hv_clock_init(&clock, 2026, 0);
        feed_format(hv_format_at(f), &opts, lines, nl);
    }
    hv_netlist_fini(&trusted);
    free(lines);
    free(copy);
    return 0;
}
