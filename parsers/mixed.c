/* SPDX-License-Identifier: MIT */
/* mixed - route syslog lines to the parser of their MTA (see mixed.h). */
#include "mixed.h"

#include <stdlib.h>
#include <string.h>

#include "syslog.h"
#include "xmem.h"

#define MIXED_TAGS 32        /* distinct tags remembered */
#define MIXED_TAG_MAX 48     /* longer tags are probed on every line */
#define ROUTE_OTHER (-1)     /* no MTA claims the tag */
#define ROUTE_PRIMARY (-2)   /* the file's own format: no tag, or mbox */

/* log_format - the i-th format of the registry if a syslog line may belong
 * to it (a log, not a mail file), else NULL. */
static const struct hv_format *log_format(size_t i)
{
    const struct hv_format *f = hv_format_at(i);
    return f != NULL && !f->first_line_decides ? f : NULL;
}

struct tag_route {
    char tag[MIXED_TAG_MAX];
    size_t len;
    int route;               /* index into the registry, or ROUTE_OTHER */
};

struct hv_mixed {
    const struct hv_format *primary;
    struct hv_parser *primary_p;
    int primary_idx;         /* primary's index (a log format), or -1 */
    struct hv_parser *p[HV_FORMAT_MAX];   /* opened at their first line */
    const struct hv_parse_opts *opts;
    hv_emit_fn emit;
    void *arg;
    struct tag_route tags[MIXED_TAGS];
    size_t ntags;
    size_t last;             /* tags[last] matched the previous line */
    /* routing reads stamps with the fixed year 1970, as a NULL clock does;
     * the cache spares it the date arithmetic of each line's minute */
    struct hv_clock route_clock;
    struct hv_syslog_cache route_cache;
};

struct hv_mixed *hv_mixed_open(const struct hv_format *primary,
                               const struct hv_parse_opts *opts, hv_emit_fn emit,
                               void *arg)
{
    struct hv_mixed *m = xcalloc(1, sizeof(*m));
    m->primary = primary;
    m->opts = opts;
    m->emit = emit;
    m->arg = arg;
    m->primary_idx = -1;
    hv_clock_init(&m->route_clock, 1970, 0);
    for (size_t i = 0; hv_format_at(i) != NULL; i++)
        if (log_format(i) == primary)
            m->primary_idx = (int)i;
    m->primary_p = primary->open(opts, emit, arg);
    if (m->primary_idx >= 0)
        m->p[m->primary_idx] = m->primary_p;
    return m;
}

/* classify - the MTA whose probe claims this tagged line most, or
 * ROUTE_OTHER. */
static int classify(const struct hv_line *line)
{
    int best = ROUTE_OTHER, best_score = 0;
    for (size_t i = 0; hv_format_at(i) != NULL; i++) {
        if (log_format(i) == NULL)
            continue;
        int s = log_format(i)->probe(line->p, line->len);
        if (s > best_score) {
            best_score = s;
            best = (int)i;
        }
    }
    return best;
}

/* route_of - where a line goes: ROUTE_PRIMARY, ROUTE_OTHER or an index. */
static int route_of(struct hv_mixed *m, const struct hv_line *line)
{
    if (m->primary_idx < 0)
        return ROUTE_PRIMARY;   /* mbox: a mail file, not syslog */
    if (hv_syslog_plain_digit(line->p, line->len))
        return ROUTE_PRIMARY;   /* no syslog prefix: split would say so */
    struct hv_syslog sl;
    /* The same status as hv_syslog_split(..., NULL, ...), whose fresh
     * clock reads every stamp in 1970: the year is set back before each
     * line (a December -> January step may move it to 1971 for one line,
     * where no January date changes validity), and the cache only holds
     * a minute under the year and month it was read with. */
    m->route_clock.year = 1970;
    if (hv_syslog_split_cached(line->p, line->len, &m->route_clock, &m->route_cache,
                               &sl) != HV_SYSLOG_OK)
        return ROUTE_PRIMARY;
    if (m->ntags > 0 && m->tags[m->last].len == sl.prog_len &&
        memcmp(m->tags[m->last].tag, sl.prog, sl.prog_len) == 0)
        return m->tags[m->last].route;
    for (size_t i = 0; i < m->ntags; i++)
        if (m->tags[i].len == sl.prog_len && memcmp(m->tags[i].tag, sl.prog, sl.prog_len) == 0) {
            m->last = i;
            return m->tags[i].route;
        }
    int route = classify(line);
    if (m->ntags < MIXED_TAGS && sl.prog_len < MIXED_TAG_MAX) {
        struct tag_route *t = &m->tags[m->ntags];
        memcpy(t->tag, sl.prog, sl.prog_len);
        t->len = sl.prog_len;
        t->route = route;
        m->last = m->ntags++;
    }
    return route;
}

int hv_mixed_feed(struct hv_mixed *m, const struct hv_line *line, const char **reason)
{
    int route = route_of(m, line);
    if (route == ROUTE_PRIMARY)
        return m->primary->feed(m->primary_p, line, reason);
    if (route == ROUTE_OTHER) {
        *reason = HV_REASON_OTHER_PROGRAM;
        return HV_PARSE_SKIP;
    }
    if (m->p[route] == NULL)
        m->p[route] = hv_format_at((size_t)route)->open(m->opts, m->emit, m->arg);
    return hv_format_at((size_t)route)->feed(m->p[route], line, reason);
}

void hv_mixed_finish(struct hv_mixed *m)
{
    if (m->primary_idx < 0)
        m->primary->finish(m->primary_p);
    for (size_t i = 0; hv_format_at(i) != NULL; i++)
        if (m->p[i] != NULL)
            hv_format_at(i)->finish(m->p[i]);
}

bool hv_mixed_open_since(struct hv_mixed *m, uint64_t *offset, uint64_t *lines)
{
    return m->primary->open_since != NULL &&
           m->primary->open_since(m->primary_p, offset, lines);
}

void hv_mixed_close(struct hv_mixed *m)
{
    if (m == NULL)
        return;
    if (m->primary_idx < 0)
        m->primary->close(m->primary_p);
    for (size_t i = 0; hv_format_at(i) != NULL; i++)
        if (m->p[i] != NULL)
            hv_format_at(i)->close(m->p[i]);
    free(m);
}
