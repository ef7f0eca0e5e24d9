/* SPDX-License-Identifier: MIT */
/*
 * renderers - the table of report renderers (report.h): the one list of
 * `heloval report --format` values, read by report_run, the CLI, its usage
 * text and the file-name rule of `run -o FILE`. A new renderer is a
 * report_<name>.c file and one row here (and its tests).
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fmt.h"
#include "report.h"

/* iso - t as ISO-8601 UTC into buf (32 bytes). */
static const char *iso(long long t, char *buf)
{
    fmt_iso_time(t, buf, 32);
    return buf;
}

/* day - the date of t ("2026-11-01"), plus days, into buf (32 bytes). */
static const char *day(long long t, int days, char *buf)
{
    long long d = t - ((t % 86400) + 86400) % 86400 + (long long)days * 86400;
    fmt_iso_time(d, buf, 32);
    buf[10] = '\0';
    return buf;
}

void report_range_line(const struct report *r, struct fmt_buf *b)
{
    char x[32], y[32];
    if (r->since == LLONG_MIN && r->until == LLONG_MAX) {
        if (r->has_span)
            fmt_buf_printf(b, "all sessions: %s .. %s", iso(r->first, x), iso(r->last, y));
        else
            fmt_buf_puts(b, "all sessions: none in the database");
        return;
    }
    if (r->since != LLONG_MIN)
        fmt_buf_printf(b, "from %s (inclusive)", iso(r->since, x));
    if (r->until != LLONG_MAX)
        fmt_buf_printf(b, "%suntil %s (exclusive)", r->since != LLONG_MIN ? " " : "",
                       iso(r->until, y));
    if (r->has_span)
        fmt_buf_printf(b, "; sessions %s .. %s", iso(r->first, x), iso(r->last, y));
    else if (r->has_data_span) {
        char d0[32], d1[32];
        fmt_buf_printf(b, ": no session in this window; the database has sessions from %s"
                          " to %s (try --since %s --until %s)",
                       iso(r->data_first, x), iso(r->data_last, y),
                       day(r->data_first, 0, d0), day(r->data_last, 1, d1));
    }
    else
        fmt_buf_puts(b, ": no session in this window; the database has none");
}

/* render_text - text, coloured for --color, or (auto) for a terminal with
 * NO_COLOR unset. */
static int render_text(const struct report *r, FILE *out, const struct report_opts *o,
                       char **err)
{
    bool color = o->color == 1;
    if (o->color < 0) {
        const char *nc = getenv("NO_COLOR");
        color = isatty(fileno(out)) && (nc == NULL || nc[0] == '\0');
    }
    return report_render_text(r, out, color, err);
}

/* render_csv - every table, or the one --table names. */
static int render_csv(const struct report *r, FILE *out, const struct report_opts *o,
                      char **err)
{
    return report_render_csv(r, out, o->table, err);
}

/* render_json - one JSON document. */
static int render_json(const struct report *r, FILE *out, const struct report_opts *o,
                       char **err)
{
    (void)o;
    return report_render_json(r, out, err);
}

/* render_html - one self-contained page. */
static int render_html(const struct report *r, FILE *out, const struct report_opts *o,
                       char **err)
{
    (void)o;
    return report_render_html(r, out, err);
}

/* The first row is the default format; suffix NULL: any other file name. */
static const struct report_renderer renderers[] = {
    {"text", ".txt", render_text},
    {"csv", ".csv", render_csv},
    {"json", ".json", render_json},
    {"html", NULL, render_html},
};
#define NRENDERERS (sizeof(renderers) / sizeof(renderers[0]))

const struct report_renderer *report_renderer_at(size_t i)
{
    return i < NRENDERERS ? &renderers[i] : NULL;
}

const char *report_renderer_name(size_t i)
{
    return i < NRENDERERS ? renderers[i].name : NULL;
}

const struct report_renderer *report_renderer_find(const char *name)
{
    if (name == NULL)
        return &renderers[0];
    for (size_t i = 0; i < NRENDERERS; i++)
        if (strcmp(renderers[i].name, name) == 0)
            return &renderers[i];
    return NULL;
}

const struct report_renderer *report_renderer_for_file(const char *path)
{
    size_t n = strlen(path);
    const struct report_renderer *other = NULL;
    for (size_t i = 0; i < NRENDERERS; i++) {
        const char *suf = renderers[i].suffix;
        if (suf == NULL) {
            if (other == NULL)
                other = &renderers[i];
            continue;
        }
        size_t k = strlen(suf);
        if (n >= k && strcmp(path + n - k, suf) == 0)
            return &renderers[i];
    }
    return other;
}

const char *report_join_names(char *buf, size_t size, const char *(*name_at)(size_t),
                              const char *sep, const char *last_sep)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; name_at(i) != NULL && used < size; i++) {
        const char *before = i == 0 ? "" : name_at(i + 1) == NULL ? last_sep : sep;
        int w = snprintf(buf + used, size - used, "%s%s", before, name_at(i));
        used = w < 0 ? size : used + (size_t)w;
    }
    return buf;
}
