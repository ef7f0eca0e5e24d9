/* SPDX-License-Identifier: MIT */
/*
 * renderers - the table of report renderers (report.h): the one list of
 * `heloval report --format` values, read by report_run, the CLI, its usage
 * text and the file-name rule of `run -o FILE`. A new renderer is a
 * report_<name>.c file and one row here (and its tests).
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "report.h"

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
