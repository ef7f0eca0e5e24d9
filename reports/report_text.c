/* SPDX-License-Identifier: MIT */
/*
 * report_text - the report as aligned plain-text tables for a terminal or a
 * mail. Every string is made terminal-safe with fmt_term (no ESC or other
 * control byte from the data reaches the output); colour (bold headings,
 * one colour per verdict) only when the caller asks for it.
 */
#include <stdlib.h>
#include <string.h>

#include "fmt.h"
#include "headline.h"
#include "trend.h"
#include "msg.h"
#include "report.h"
#include "xmem.h"

/* A longer cell does not widen its column: it overflows its own row only,
 * so one hostile 1000-byte HELO cannot push every other row off screen. */
#define TEXT_COL_CAP 72

#define C_BOLD "\x1b[1m"
#define C_OFF "\x1b[0m"

/* verdict_color - SGR sequence for a verdict or disposition word. */
static const char *verdict_color(const char *v)
{
    if (strcmp(v, "accept") == 0 || strcmp(v, "accepted") == 0)
        return "\x1b[32m";
    if (strcmp(v, "mark") == 0)
        return "\x1b[36m";
    if (strcmp(v, "reject") == 0 || strcmp(v, "rejected") == 0)
        return "\x1b[31m";
    if (strcmp(v, "tempfail") == 0 || strcmp(v, "deferred") == 0)
        return "\x1b[33m";
    return "\x1b[2m";
}

/* cell_text - the display form of one cell into b (terminal-safe). */
static void cell_text(struct fmt_buf *b, const struct rcell *c)
{
    char tbuf[32];
    switch (c->type) {
    case RCOL_TEXT:
        if (c->n == 0)
            fmt_buf_puts(b, "-");
        else
            fmt_term(b, c->s, c->n);
        break;
    case RCOL_INT: fmt_buf_int(b, c->i); break;
    case RCOL_PCT:
        if (c->null)
            fmt_buf_puts(b, "-");
        else
            fmt_buf_printf(b, "%.1f%%", c->d);
        break;
    case RCOL_TIME:
        fmt_iso_time(c->i, tbuf, sizeof(tbuf));
        fmt_buf_puts(b, c->null ? "-" : tbuf);
        break;
    default: msg_panic("cell_text: unknown cell type %d", (int)c->type);
    }
}

/* put_wrapped - s (ASCII, words separated by single spaces) as lines of
 * at most width columns, each indented by indent spaces. */
static void put_wrapped(FILE *out, const char *s, size_t width, int indent)
{
    while (*s != '\0') {
        size_t n = strlen(s);
        if (n > width) {
            n = width;
            while (n > 0 && s[n] != ' ')
                n--;
            if (n == 0)
                n = strcspn(s, " ");
        }
        fprintf(out, "%*s%.*s\n", indent, "", (int)n, s);
        s += n;
        while (*s == ' ')
            s++;
    }
}

/* render_headline - the headline table's figures in words, and the low
 * coverage warning when it applies, under the table's heading; the
 * numbers follow as the table itself. */
static void render_headline(const struct report *r, FILE *out, bool color)
{
    struct headline h;
    struct fmt_buf b;
    if (!headline_get(r, &h))
        return;
    fmt_buf_init(&b);
    headline_sentences(&h, &b);
    put_wrapped(out, fmt_buf_str(&b), 76, 2);
    fmt_buf_reset(&b);
    if (trend_sentence(r, &b))
        put_wrapped(out, fmt_buf_str(&b), 76, 2);
    fmt_buf_reset(&b);
    fmt_buf_puts(&b, "WARNING: ");
    if (headline_warning(&h, &b)) {
        fprintf(out, "%s", color ? C_BOLD : "");
        put_wrapped(out, fmt_buf_str(&b), 76, 2);
        fprintf(out, "%s", color ? C_OFF : "");
    }
    fputs("\n", out);
    fmt_buf_free(&b);
}

/* records_lines - the number of lines of a text cell of zone-file lines. */
static size_t records_lines(const struct rcell *c)
{
    size_t n = 1;
    for (size_t k = 0; k + 1 < c->n; k++)
        n += c->s[k] == '\n';
    return n;
}

/* render_below - the columns explanation and records of t (advice: long
 * sentences and zone-file lines) under the table, where they can be read
 * and copied: for each row that has them, its first column, the
 * explanation wrapped, then each record on a line of its own (all
 * terminal-safe). expl or rec may be -1 (no such column). */
static void render_below(const struct rtable *t, int expl, int rec, FILE *out)
{
    struct fmt_buf b;
    fmt_buf_init(&b);
    fprintf(out, "\n  Per %s:%s%s\n", t->cols[0], expl >= 0 ? " the reasons in words" : "",
            rec >= 0 ? (expl >= 0 ? "; the records to publish (zone-file lines)"
                                  : " the records to publish (zone-file lines)")
                     : "");
    for (size_t i = 0; i < t->nrows; i++) {
        fmt_buf_reset(&b);
        cell_text(&b, report_cell(t, i, 0));
        fprintf(out, "    %s\n", fmt_buf_str(&b));
        if (expl >= 0) {
            const struct rcell *c = report_cell(t, i, (size_t)expl);
            fmt_buf_reset(&b);
            cell_text(&b, c);
            put_wrapped(out, fmt_buf_str(&b), 90, 6);
        }
        const struct rcell *c = rec >= 0 ? report_cell(t, i, (size_t)rec) : NULL;
        for (size_t k = 0; c != NULL && c->type == RCOL_TEXT && k < c->n;) {
            const char *nl = memchr(c->s + k, '\n', c->n - k);
            size_t end = nl != NULL ? (size_t)(nl - c->s) : c->n;
            fmt_buf_reset(&b);
            fmt_term(&b, c->s + k, end - k);
            fprintf(out, "        %s\n", fmt_buf_str(&b));
            k = end + 1;
        }
    }
    fmt_buf_free(&b);
}

/* render_table - one table with its heading; false on a write error. */
static bool render_table(const struct report *rep, const struct rtable *t,
                         FILE *out, bool color)
{
    size_t nc = t->ncols, nr = t->nrows;
    struct fmt_buf *cells = xcalloc(nr * nc + 1, sizeof(*cells));
    size_t width[RT_MAXCOLS];
    bool right[RT_MAXCOLS];
    bool vcol[RT_MAXCOLS];
    for (size_t j = 0; j < nc; j++) {
        width[j] = t->kv ? 0 : strlen(t->cols[j]);
        right[j] = t->types[j] == RCOL_INT || t->types[j] == RCOL_PCT;
        vcol[j] = strcmp(t->cols[j], "verdict") == 0;
    }
    /* a column of zone-file lines (advice) is listed under the table, one
     * record per line, where it can be copied */
    int rec = t->kv ? -1 : report_col(t, "records");
    int expl = rec < 0 ? -1 : report_col(t, "explanation");
    for (size_t i = 0; i < nr; i++) {
        for (size_t j = 0; j < nc; j++) {
            struct fmt_buf *b = &cells[i * nc + j];
            const struct rcell *c = report_cell(t, i, j);
            if ((int)j == rec && c->type == RCOL_TEXT && c->n > 0)
                fmt_buf_printf(b, "%zu below", records_lines(c));
            else if ((int)j == expl && c->type == RCOL_TEXT && c->n > 0)
                fmt_buf_puts(b, "below");
            else
                cell_text(b, c);
            size_t w = fmt_width(b->p, b->len);
            if (w > TEXT_COL_CAP)
                w = TEXT_COL_CAP;
            if (w > width[j])
                width[j] = w;
        }
    }
    fprintf(out, "%s%s%s\n", color ? C_BOLD : "", t->title, color ? C_OFF : "");
    if (strcmp(t->key, "headline") == 0)
        render_headline(rep, out, color);
    if (!t->kv) {
        fputs(" ", out);
        for (size_t j = 0; j < nc; j++) {
            size_t pad = width[j] - strlen(t->cols[j]);
            fprintf(out, " %*s%s%*s", right[j] ? (int)pad : 0, "", t->cols[j],
                    right[j] ? 0 : (int)pad, "");
        }
        fputs("\n", out);
    }
    if (nr == 0)
        fprintf(out, "  (%s)\n", t->empty != NULL ? t->empty : "none");
    for (size_t i = 0; i < nr; i++) {
        fputs(" ", out);
        for (size_t j = 0; j < nc; j++) {
            const struct fmt_buf *b = &cells[i * nc + j];
            size_t w = fmt_width(b->p, b->len);
            size_t pad = w < width[j] ? width[j] - w : 0;
            bool r = t->kv ? report_cell(t, i, j)->type != RCOL_TEXT : right[j];
            bool last = j + 1 == nc;
            const char *col = color && vcol[j] ? verdict_color(b->p) : NULL;
            fputs(" ", out);
            if (r)
                fprintf(out, "%*s", (int)pad, "");
            if (col != NULL)
                fputs(col, out);
            fputs(fmt_buf_str(b), out);
            if (col != NULL)
                fputs(C_OFF, out);
            if (!r && !last)
                fprintf(out, "%*s", (int)pad, "");
        }
        fputs("\n", out);
    }
    if (rec >= 0 && nr > 0)
        render_below(t, expl, rec, out);
    fputs("\n", out);
    for (size_t i = 0; i < nr * nc; i++)
        fmt_buf_free(&cells[i]);
    free(cells);
    return !ferror(out);
}

int report_render_text(const struct report *r, FILE *out, bool color,
                       char **err)
{
    struct fmt_buf pol, range;
    fmt_buf_init(&pol);
    fmt_term(&pol, r->policy, strlen(r->policy));
    fmt_buf_init(&range);
    report_range_line(r, &range);
    if (r->warning != NULL) {
        struct fmt_buf w;
        fmt_buf_init(&w);
        fmt_term(&w, r->warning, strlen(r->warning));
        fprintf(out, "%sWARNING: %s%s\n\n", color ? C_BOLD : "",
                fmt_buf_str(&w), color ? C_OFF : "");
        fmt_buf_free(&w);
    }
    fprintf(out, "%sheloval report%s\n", color ? C_BOLD : "",
            color ? C_OFF : "");
    fprintf(out, "  range: %s\n", fmt_buf_str(&range));
    fmt_buf_free(&range);
    fprintf(out, "  policy: %s; top %d; time step: %s\n\n", fmt_buf_str(&pol),
            r->top, r->bucket);
    fmt_buf_free(&pol);
    for (size_t k = 0; k < r->ntables; k++)
        if (!render_table(r, r->tables[k], out, color))
            return hv_errf(err, HV_EIO, "write error");
    return HV_OK;
}
