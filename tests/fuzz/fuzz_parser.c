/* SPDX-License-Identifier: MIT */
/*
 * fuzz_parser - libFuzzer entry point for one log/mail parser, chosen at
 * compile time with -DFUZZ_FORMAT=hv_format_postfix (exim, sendmail, mbox).
 * The input is split into lines as lineio would hand them out (no NUL, no
 * CR) and fed through open/feed/finish/close; every emitted session is
 * checked for the invariants the store relies on.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "parser.h"

#ifndef FUZZ_FORMAT
#error "define FUZZ_FORMAT"
#endif

extern const struct hv_format FUZZ_FORMAT;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* check_session - invariants: terminated strings, sane counters. */
static void check_session(void *arg, const struct hv_session *s)
{
    (void)arg;
    if (memchr(s->ip, '\0', sizeof(s->ip)) == NULL ||
        memchr(s->helo, '\0', sizeof(s->helo)) == NULL ||
        memchr(s->rdns, '\0', sizeof(s->rdns)) == NULL || s->nqids > HV_SESSION_QIDS)
        abort();
    if (s->has_helo && strlen(s->helo) > HV_HELO_MAX)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *copy = malloc(size + 1);
    if (copy == NULL)
        return 0;
    size_t n = 0;
    for (size_t i = 0; i < size; i++)
        if (data[i] != '\0' && data[i] != '\r')
            copy[n++] = (char)data[i];
    copy[n] = '\0';
    struct hv_clock clock;
    hv_clock_init(&clock, 2026, 0);
    struct hv_netlist trusted = {0};
    hv_netlist_default_trusted(&trusted);
    struct hv_parse_opts opts = {&clock, &trusted, 0};
    struct hv_parser *p = FUZZ_FORMAT.open(&opts, check_session, NULL);
    uint64_t lineno = 0;
    size_t start = 0;
    for (size_t i = 0; i <= n; i++) {
        if (i < n && copy[i] != '\n')
            continue;
        copy[i] = '\0';
        struct hv_line l = {copy + start, i - start, ++lineno, start};
        const char *reason = NULL;
        (void)FUZZ_FORMAT.probe(l.p, l.len);
        if (FUZZ_FORMAT.feed(p, &l, &reason) == HV_PARSE_SKIP && reason == NULL)
            abort();
        start = i + 1;
    }
    FUZZ_FORMAT.finish(p);
    FUZZ_FORMAT.close(p);
    hv_netlist_fini(&trusted);
    free(copy);
    return 0;
}
