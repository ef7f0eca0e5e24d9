/* SPDX-License-Identifier: MIT */
/*
 * report_html - the report as one self-contained HTML5 file: inline CSS,
 * inline SVG charts (verdicts, impact cross-table, time series), no script,
 * no external asset. It opens with the answer, above the fold of a
 * 1400x900 window (tests/html-screenshot.test.sh): the headline as cards
 * and words (and the low-coverage warning), the impact table as a heat map
 * (cell background by value), the coverage table; then the navigation and
 * the other tables in report order. A print stylesheet (@media print)
 * drops the navigation and keeps colours and sections whole. A Content-Security-Policy meta forbids scripts and
 * every remote load, so even a missed escape could not run code; and every
 * string from the data goes through fmt_html (entities after the terminal-
 * safe form), in text and in attributes alike.
 */
#include <stdlib.h>
#include <string.h>

#include "fmt.h"
#include "headline.h"
#include "msg.h"
#include "report.h"
#include "trend.h"
#include "xmem.h"

static const char css[] =
    "body{font:14px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,"
    "sans-serif;margin:24px auto;max-width:1100px;padding:0 16px;"
    "color:#1d2329;background:#fff}"
    "h1{font-size:24px;margin:0 0 4px}"
    "h2{font-size:18px;margin:28px 0 8px;border-bottom:1px solid #d0d7de;"
    "padding-bottom:4px}"
    ".meta{color:#57606a;margin:0 0 12px}"
    "table{border-collapse:collapse;margin:6px 0 10px}"
    "th,td{border:1px solid #d0d7de;padding:3px 8px;text-align:left;"
    "vertical-align:top}"
    "th{background:#f3f5f7;font-weight:600}"
    "td.n{text-align:right;font-variant-numeric:tabular-nums}"
    "td.s{font-family:ui-monospace,Menlo,Consolas,monospace;"
    "word-break:break-all;max-width:520px}"
    "tr:nth-child(even) td{background:#fafbfc}"
    ".v-accept{color:#1a7f37;font-weight:600}"
    ".v-mark{color:#0969da;font-weight:600}"
    ".v-reject{color:#cf222e;font-weight:600}"
    ".v-tempfail{color:#bc4c00;font-weight:600}"
    ".v-unresolved{color:#6e7781;font-weight:600}"
    ".v-unevaluated{color:#9a6700;font-weight:600}"
    ".none{color:#6e7781;font-style:italic}"
    /* zone-file lines to copy (advice): one record per line, selected whole */
    "pre.rec{margin:0;font:12px ui-monospace,Menlo,Consolas,monospace;"
    "white-space:pre;user-select:all;-webkit-user-select:all}"
    "svg{display:block;margin:8px 0;max-width:100%;height:auto}"
    "svg text{font:12px system-ui,sans-serif;fill:#1d2329}"
    "summary{cursor:pointer;color:#0969da;margin:4px 0}"
    "footer{color:#6e7781;margin-top:32px;font-size:12px}"
    /* the headline cards */
    ".cards{display:flex;flex-wrap:wrap;gap:10px;margin:8px 0}"
    ".card{flex:1 1 140px;border:1px solid #d0d7de;border-left:6px solid"
    " #8c959f;border-radius:6px;padding:8px 12px;background:#f6f8fa}"
    ".card .k{font-size:12px;color:#57606a;text-transform:uppercase;"
    "letter-spacing:.03em}"
    ".card .v{font-size:26px;font-weight:700;line-height:1.2;"
    "font-variant-numeric:tabular-nums}"
    ".card .d{font-size:12px;color:#57606a}"
    ".c-accepted{border-left-color:#1d2329}"
    ".c-reject{border-left-color:#cf222e}.c-tempfail{border-left-color:#fb8f44}"
    ".c-mark{border-left-color:#218bff}.c-accept{border-left-color:#2da44e}"
    ".c-unevaluated{border-left-color:#d4a72c}"
    ".answer{font-size:15px;margin:6px 0}"
    ".lowcov{border:2px solid #bc4c00;background:#fff1e5;padding:6px 12px;"
    "font-weight:bold}"
    /* the impact heat map: the background is set per cell */
    "table.heat td.h{min-width:64px}"
    "table.heat td.hot{color:#fff}"
    "@media print{body{max-width:none;margin:0;padding:0;font-size:11px}"
    "nav,summary,footer{display:none}"
    "*{-webkit-print-color-adjust:exact;print-color-adjust:exact}"
    "section{break-inside:avoid-page}h2{break-after:avoid}"
    "td.s{max-width:none;word-break:normal;overflow-wrap:break-word}"
    "a{color:inherit;text-decoration:none}"
    ".card{background:#fff}}";

struct colour {
    const char *name;
    const char *fill;
};

static const struct colour verdict_fill[] = {
    {"accept", "#2da44e"},  {"mark", "#218bff"},
    {"reject", "#cf222e"},  {"tempfail", "#fb8f44"},
    {"unresolved", "#8c959f"}, {"unevaluated", "#d4a72c"},
};

static const struct colour disp_fill[] = {
    {"accepted", "#2da44e"}, {"rejected", "#cf222e"},
    {"deferred", "#fb8f44"}, {"lost", "#8250df"},
    {"unknown", "#8c959f"},
};

/* fill_of - colour for a word, grey when unknown. */
static const char *fill_of(const struct colour *tab, size_t n,
                           const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(tab[i].name, name) == 0)
            return tab[i].fill;
    return "#8c959f";
}

/* puts_html - escaped text. */
static void puts_html(struct fmt_buf *b, const char *s, size_t n)
{
    fmt_html(b, s, n);
}

/* cell_int - integer value of row i, column name (0 when absent). */
static long long cell_int(const struct rtable *t, size_t i, const char *name)
{
    int j = report_col(t, name);
    return j < 0 ? 0 : report_cell(t, i, (size_t)j)->i;
}

/* cell_str - text of row i, column name ("" when absent). */
static const char *cell_str(const struct rtable *t, size_t i, const char *name)
{
    int j = report_col(t, name);
    const struct rcell *c = j < 0 ? NULL : report_cell(t, i, (size_t)j);
    return c != NULL && c->s != NULL ? c->s : "";
}

/* ==== Charts ==== */

/* chart_verdicts - horizontal bars: sessions per verdict. */
static void chart_verdicts(struct fmt_buf *b, const struct rtable *t)
{
    long long max = 1;
    const double x0 = 110, bw = 440;
    for (size_t i = 0; i < t->nrows; i++)
        if (cell_int(t, i, "sessions") > max)
            max = cell_int(t, i, "sessions");
    double h = 12 + 28.0 * (double)t->nrows;
    fmt_buf_printf(b,
                   "<svg class=\"chart\" id=\"chart-verdicts\" role=\"img\" "
                   "aria-label=\"Sessions per verdict\" width=\"680\" "
                   "height=\"%.0f\" viewBox=\"0 0 680 %.0f\" "
                   "xmlns=\"http://www.w3.org/2000/svg\">\n",
                   h, h);
    for (size_t i = 0; i < t->nrows; i++) {
        const char *v = cell_str(t, i, "verdict");
        long long n = cell_int(t, i, "sessions");
        double w = bw * (double)n / (double)max;
        double y = 8 + 28.0 * (double)i;
        fmt_buf_printf(b, "<text x=\"%.0f\" y=\"%.0f\" text-anchor=\"end\">",
                       x0 - 8, y + 14);
        puts_html(b, v, strlen(v));
        fmt_buf_printf(b,
                       "</text><rect x=\"%.0f\" y=\"%.0f\" width=\"%.1f\" "
                       "height=\"20\" fill=\"%s\"><title>",
                       x0, y, w, fill_of(verdict_fill, 5, v));
        puts_html(b, v, strlen(v));
        fmt_buf_printf(b, ": %lld sessions</title></rect>", n);
        fmt_buf_printf(b, "<text x=\"%.1f\" y=\"%.0f\">%lld (%.1f%%)</text>\n",
                       x0 + w + 6, y + 14, n,
                       report_cell(t, i, 2)->d);
    }
    fmt_buf_puts(b, "</svg>\n");
}

/* legend - coloured squares with names at (x, y). */
static void legend(struct fmt_buf *b, const struct colour *tab, size_t n,
                   double x, double y)
{
    for (size_t i = 0; i < n; i++) {
        fmt_buf_printf(b,
                       "<rect x=\"%.0f\" y=\"%.0f\" width=\"12\" height=\"12\""
                       " fill=\"%s\"/><text x=\"%.0f\" y=\"%.0f\">%s</text>",
                       x, y, tab[i].fill, x + 16, y + 11, tab[i].name);
        x += 24 + 8.0 * (double)strlen(tab[i].name);
    }
    fmt_buf_puts(b, "\n");
}

/* chart_impact - one stacked bar per verdict, segments per disposition,
 * on a common scale. */
static void chart_impact(struct fmt_buf *b, const struct rtable *t)
{
    static const char *const disp[] = {"accepted", "rejected", "deferred",
                                       "lost", "unknown"};
    long long max = 1;
    const double x0 = 110, bw = 520;
    for (size_t i = 0; i < t->nrows; i++)
        if (cell_int(t, i, "sessions") > max)
            max = cell_int(t, i, "sessions");
    double h = 44 + 28.0 * (double)t->nrows;
    fmt_buf_printf(b,
                   "<svg class=\"chart\" id=\"chart-impact\" role=\"img\" "
                   "aria-label=\"CSV verdict by MTA disposition\" "
                   "width=\"680\" height=\"%.0f\" viewBox=\"0 0 680 %.0f\" "
                   "xmlns=\"http://www.w3.org/2000/svg\">\n",
                   h, h);
    for (size_t i = 0; i < t->nrows; i++) {
        const char *v = cell_str(t, i, "verdict");
        double y = 8 + 28.0 * (double)i;
        double x = x0;
        fmt_buf_printf(b, "<text x=\"%.0f\" y=\"%.0f\" text-anchor=\"end\">",
                       x0 - 8, y + 14);
        puts_html(b, v, strlen(v));
        fmt_buf_puts(b, "</text>");
        for (size_t k = 0; k < 5; k++) {
            long long n = cell_int(t, i, disp[k]);
            if (n == 0)
                continue;
            double w = bw * (double)n / (double)max;
            fmt_buf_printf(b,
                           "<rect x=\"%.1f\" y=\"%.0f\" width=\"%.1f\" "
                           "height=\"20\" fill=\"%s\"><title>",
                           x, y, w, disp_fill[k].fill);
            puts_html(b, v, strlen(v));
            fmt_buf_printf(b, " / MTA %s: %lld sessions</title></rect>",
                           disp[k], n);
            x += w;
        }
        fmt_buf_printf(b, "<text x=\"%.1f\" y=\"%.0f\">%lld</text>\n", x + 6,
                       y + 14, cell_int(t, i, "sessions"));
    }
    legend(b, disp_fill, 5, x0, h - 22);
    fmt_buf_puts(b, "</svg>\n");
}

/* chart_series - stacked columns of the accepted messages per CSV verdict
 * per time bucket on one scale (the tallest bucket's total), the verdicts
 * bottom up in table order, one <g class="series" data-verdict="V"> group
 * of rects per verdict (a rect per non-empty bucket), in the verdict
 * colours of the page, and a legend of all six verdicts. */
static void chart_series(struct fmt_buf *b, const struct rtable *t)
{
    static const char *const vs[] = {
        "accept_messages",     "mark_messages",       "reject_messages",
        "tempfail_messages",   "unresolved_messages", "unevaluated_messages"};
    const size_t nv = sizeof(vs) / sizeof(vs[0]);
    const double x0 = 56, pw = 800, ph = 200, y0 = 12;
    long long max = 1;
    for (size_t i = 0; i < t->nrows; i++) {
        long long sum = 0;
        for (size_t k = 0; k < nv; k++)
            sum += cell_int(t, i, vs[k]);
        if (sum > max)
            max = sum;
    }
    double step = t->nrows ? pw / (double)t->nrows : pw;
    double gap = step > 6 ? step * 0.15 : 0;
    fmt_buf_printf(b,
                   "<svg class=\"chart\" id=\"chart-timeseries\" role=\"img\""
                   " aria-label=\"Accepted messages by CSV verdict over time\""
                   " width=\"880\" height=\"282\" viewBox=\"0 0 880 282\" "
                   "xmlns=\"http://www.w3.org/2000/svg\">\n"
                   "<path d=\"M%.0f %.0f V%.0f H%.0f\" stroke=\"#57606a\" "
                   "fill=\"none\"/>\n"
                   "<text x=\"%.0f\" y=\"%.0f\" text-anchor=\"end\">%lld</text>"
                   "<text x=\"%.0f\" y=\"%.0f\" text-anchor=\"end\">0</text>\n",
                   x0, y0, y0 + ph, x0 + pw, x0 - 6, y0 + 10, max, x0 - 6,
                   y0 + ph);
    double *base = xcalloc(t->nrows + 1, sizeof(*base));
    for (size_t i = 0; i < t->nrows; i++)
        base[i] = y0 + ph;
    for (size_t k = 0; k < nv; k++) {
        fmt_buf_printf(b, "<g class=\"series\" data-verdict=\"%s\" fill=\"%s\">",
                       verdict_fill[k].name, verdict_fill[k].fill);
        for (size_t i = 0; i < t->nrows; i++) {
            long long n = cell_int(t, i, vs[k]);
            if (n == 0)
                continue;
            const char *label = cell_str(t, i, "time");
            double x = x0 + step * (double)i + gap / 2;
            double hh = ph * (double)n / (double)max;
            base[i] -= hh;
            fmt_buf_printf(b,
                           "<rect x=\"%.1f\" y=\"%.3f\" width=\"%.1f\" "
                           "height=\"%.3f\" data-n=\"%lld\"><title>",
                           x, base[i], step - gap, hh, n);
            puts_html(b, label, strlen(label));
            fmt_buf_printf(b, " %s: %lld accepted messages</title></rect>",
                           verdict_fill[k].name, n);
        }
        fmt_buf_puts(b, "</g>\n");
    }
    free(base);
    for (size_t i = 0; i < t->nrows; i++) {
        if (!(i == 0 || i + 1 == t->nrows ||
              (t->nrows > 8 && i == t->nrows / 2)))
            continue;
        const char *label = cell_str(t, i, "time");
        fmt_buf_printf(b, "<text x=\"%.1f\" y=\"%.0f\" text-anchor=\"%s\">",
                       x0 + step * (double)i + step / 2, y0 + ph + 18,
                       i == 0 && t->nrows > 1              ? "start"
                       : i + 1 == t->nrows && t->nrows > 1 ? "end"
                                                           : "middle");
        puts_html(b, label, strlen(label));
        fmt_buf_puts(b, "</text>\n");
    }
    legend(b, verdict_fill, nv, x0, y0 + ph + 34);
    fmt_buf_puts(b, "</svg>\n");
}

/* ==== The headline ==== */

/* card - one headline card: label, messages, their share of the accepted
 * ones, sessions and theirs (total: no shares); with --compare-previous
 * the change of its messages figure (item) against the previous window. */
static void card(struct fmt_buf *b, const struct report *r, const char *item,
                 const char *cls, const char *label, long long m,
                 long long am, long long n, long long an, bool total)
{
    fmt_buf_printf(b, "<div class=\"card c-%s\"><div class=\"k\">%s</div>"
                      "<div class=\"v\">", cls, label);
    headline_count(b, m);
    if (total)
        fmt_buf_puts(b, "</div><div class=\"d\">messages<br>");
    else
        fmt_buf_printf(b, "</div><div class=\"d\">%.1f%% of messages<br>",
                       headline_pct(m, am));
    headline_count(b, n);
    if (total)
        fmt_buf_puts(b, " sessions</div>");
    else
        fmt_buf_printf(b, " sessions (%.1f%%)</div>", headline_pct(n, an));
    struct fmt_buf chg;
    fmt_buf_init(&chg);
    if (trend_change(r, item, &chg)) {
        fmt_buf_puts(b, "<div class=\"d chg\">messages ");
        puts_html(b, chg.p, chg.len);
        fmt_buf_puts(b, "</div>");
    }
    fmt_buf_free(&chg);
    fmt_buf_puts(b, "</div>\n");
}

/* html_headline - the cards, the answer in words and the low-coverage
 * warning of the headline table (nothing without one). */
static void html_headline(struct fmt_buf *b, const struct report *r)
{
    struct headline h;
    struct fmt_buf words;
    if (!headline_get(r, &h))
        return;
    fmt_buf_puts(b, "<div class=\"cards\">\n");
    card(b, r, "accepted_messages", "accepted", "accepted by the MTA", h.acc_m, h.acc_m, h.acc_s,
         h.acc_s, true);
    card(b, r, "would_reject_messages", "reject", "CSV would reject", h.rej_m, h.acc_m, h.rej_s, h.acc_s,
         false);
    card(b, r, "would_defer_messages", "tempfail", "would defer", h.def_m, h.acc_m, h.def_s, h.acc_s,
         false);
    card(b, r, "would_mark_messages", "mark", "would mark", h.mark_m, h.acc_m, h.mark_s, h.acc_s,
         false);
    card(b, r, "would_accept_messages", "accept", "would accept", h.ok_m, h.acc_m, h.ok_s, h.acc_s,
         false);
    card(b, r, "unevaluated_messages", "unevaluated", "not evaluated", h.unev_m, h.acc_m, h.unev_s,
         h.acc_s, false);
    fmt_buf_puts(b, "</div>\n<p class=\"answer\">");
    fmt_buf_init(&words);
    headline_sentences(&h, &words);
    puts_html(b, words.p, words.len);
    fmt_buf_puts(b, "</p>\n");
    fmt_buf_reset(&words);
    if (trend_sentence(r, &words)) {
        fmt_buf_puts(b, "<p class=\"answer\" id=\"compare-previous\">");
        puts_html(b, words.p, words.len);
        fmt_buf_puts(b, "</p>\n");
    }
    fmt_buf_reset(&words);
    if (headline_warning(&h, &words)) {
        fmt_buf_puts(b, "<p class=\"lowcov\" id=\"low-coverage\""
                        " role=\"alert\">Warning: ");
        puts_html(b, words.p, words.len);
        fmt_buf_puts(b, ".</p>\n");
    }
    fmt_buf_free(&words);
}

/* heat_max - the largest disposition count of the impact table. */
static long long heat_max(const struct rtable *t)
{
    long long max = 0;
    for (size_t i = 0; i < t->nrows; i++)
        for (size_t j = 1; j + 1 < t->ncols; j++)
            if (t->types[j] == RCOL_INT && report_cell(t, i, j)->i > max)
                max = report_cell(t, i, j)->i;
    return max;
}

/* heat_cell - one <td> of the impact heat map: the background's opacity
 * grows with the value (blue; none for 0), white text on dark cells. */
static void heat_cell(struct fmt_buf *b, long long v, long long max)
{
    if (v <= 0 || max <= 0) {
        fmt_buf_printf(b, "<td class=\"n h\">%lld</td>", v);
        return;
    }
    double a = 0.12 + 0.83 * (double)v / (double)max;
    fmt_buf_printf(b, "<td class=\"n h%s\" style=\"background:rgba(9,105,"
                      "218,%.2f)\">%lld</td>",
                   a > 0.55 ? " hot" : "", a, v);
}

/* ==== Tables ==== */

/* html_cell - one <td>. */
static void html_cell(struct fmt_buf *b, const struct rtable *t, size_t j,
                      const struct rcell *c)
{
    char tbuf[32];
    switch (c->type) {
    case RCOL_TEXT:
        if (c->n == 0) {
            fmt_buf_puts(b, "<td class=\"none\">none</td>");
        } else if (strcmp(t->cols[j], "verdict") == 0) {
            fmt_buf_puts(b, "<td class=\"v-");
            puts_html(b, c->s, c->n);
            fmt_buf_puts(b, "\">");
            puts_html(b, c->s, c->n);
            fmt_buf_puts(b, "</td>");
        } else if (strcmp(t->cols[j], "records") == 0) {
            /* zone-file lines, each escaped, kept one per line to copy */
            fmt_buf_puts(b, "<td><pre class=\"rec\">");
            for (size_t k = 0; k < c->n;) {
                const char *nl = memchr(c->s + k, '\n', c->n - k);
                size_t end = nl != NULL ? (size_t)(nl - c->s) : c->n;
                puts_html(b, c->s + k, end - k);
                if (nl != NULL)
                    fmt_buf_puts(b, "\n");
                k = end + 1;
            }
            fmt_buf_puts(b, "</pre></td>");
        } else {
            fmt_buf_puts(b, "<td class=\"s\">");
            puts_html(b, c->s, c->n);
            fmt_buf_puts(b, "</td>");
        }
        break;
    case RCOL_INT: fmt_buf_printf(b, "<td class=\"n\">%lld</td>", c->i); break;
    case RCOL_PCT:
        if (c->null)
            fmt_buf_puts(b, "<td class=\"n\">-</td>");
        else
            fmt_buf_printf(b, "<td class=\"n\">%.1f%%</td>", c->d);
        break;
    case RCOL_TIME:
        tbuf[0] = '\0';
        if (!c->null)
            fmt_iso_time(c->i, tbuf, sizeof(tbuf));
        fmt_buf_printf(b, "<td>%s</td>", tbuf);
        break;
    default: msg_panic("html_cell: unknown cell type %d", (int)c->type);
    }
}

/* html_table - one section: heading, chart when there is one, table (the
 * headline: its cards and words first, the table folded). */
static void html_table(struct fmt_buf *b, const struct report *r,
                       const struct rtable *t)
{
    fmt_buf_printf(b, "<section id=\"%s\">\n<h2>", t->key);
    puts_html(b, t->title, strlen(t->title));
    fmt_buf_puts(b, "</h2>\n");
    bool impact = strcmp(t->key, "impact") == 0;
    long long hmax = impact ? heat_max(t) : 0;
    if (strcmp(t->key, "headline") == 0)
        html_headline(b, r);
    else if (strcmp(t->key, "verdicts") == 0)
        chart_verdicts(b, t);
    else if (impact)
        fmt_buf_puts(b, "<p class=\"meta\">Sessions per CSV verdict (rows)"
                        " and what the MTA actually did with them (columns);"
                        " the darker the cell, the more sessions.</p>\n");
    else if (strcmp(t->key, "timeseries") == 0 && t->nrows > 0)
        chart_series(b, t);
    bool fold = (strcmp(t->key, "timeseries") == 0 && t->nrows > 0) ||
                strcmp(t->key, "headline") == 0;
    if (fold)
        fmt_buf_printf(b, "<details><summary>%s (%zu rows)</summary>\n",
                       t->kv ? "The figures" : "Table", t->nrows);
    fmt_buf_printf(b, "<table class=\"data%s\" id=\"table-%s\">\n",
                   impact ? " heat" : "", t->key);
    if (!t->kv) {
        fmt_buf_puts(b, "<thead><tr>");
        for (size_t j = 0; j < t->ncols; j++)
            fmt_buf_printf(b, "<th>%s</th>", t->cols[j]);
        fmt_buf_puts(b, "</tr></thead>\n");
    }
    fmt_buf_puts(b, "<tbody>\n");
    if (t->nrows == 0)
        fmt_buf_printf(b, "<tr><td class=\"none\" colspan=\"%zu\">%s</td>"
                          "</tr>\n",
                       t->ncols, t->empty != NULL ? t->empty : "none");
    for (size_t i = 0; i < t->nrows; i++) {
        fmt_buf_puts(b, "<tr>");
        for (size_t j = 0; j < t->ncols; j++) {
            const struct rcell *c = report_cell(t, i, j);
            if (t->kv && j == 0) {
                fmt_buf_puts(b, "<th>");
                puts_html(b, c->s, c->n);
                fmt_buf_puts(b, "</th>");
            } else if (impact && j > 0 && j + 1 < t->ncols &&
                       c->type == RCOL_INT) {
                heat_cell(b, c->i, hmax);
            } else {
                html_cell(b, t, j, c);
            }
        }
        fmt_buf_puts(b, "</tr>\n");
    }
    fmt_buf_puts(b, "</tbody>\n</table>\n");
    if (fold)
        fmt_buf_puts(b, "</details>\n");
    if (impact)
        chart_impact(b, t);
    fmt_buf_puts(b, "</section>\n");
}

/* The tables the page opens with, in this order, before the others. */
static const char *const first_tables[] = {"headline", "impact", "coverage"};
#define NFIRST (sizeof(first_tables) / sizeof(first_tables[0]))

/* is_first - whether key is one of first_tables. */
static bool is_first(const char *key)
{
    for (size_t f = 0; f < NFIRST; f++)
        if (strcmp(first_tables[f], key) == 0)
            return true;
    return false;
}

int report_render_html(const struct report *r, FILE *out, char **err)
{
    struct fmt_buf b;
    struct fmt_buf range;
    bool ok;
    fmt_buf_init(&b);
    fmt_buf_init(&range);
    report_range_line(r, &range);
    fmt_buf_puts(&b,
                 "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
                 "<meta charset=\"utf-8\">\n"
                 "<meta http-equiv=\"Content-Security-Policy\" "
                 "content=\"default-src 'none'; style-src 'unsafe-inline'; "
                 "img-src data:; base-uri 'none'; form-action 'none'\">\n"
                 "<meta name=\"referrer\" content=\"no-referrer\">\n"
                 "<meta name=\"viewport\" content=\"width=device-width, "
                 "initial-scale=1\">\n<title>heloval report</title>\n<style>");
    fmt_buf_puts(&b, css);
    fmt_buf_puts(&b, "</style>\n</head>\n<body>\n");
    if (r->warning != NULL) {
        fmt_buf_puts(&b, "<p class=\"warning\" role=\"alert\" style=\"border:2px"
                         " solid #cf222e;background:#ffebe9;padding:8px 12px;"
                         "font-weight:bold\">Warning: ");
        puts_html(&b, r->warning, strlen(r->warning));
        fmt_buf_puts(&b, "</p>\n");
    }
    fmt_buf_puts(&b, "<h1>heloval report</h1>\n"
                     "<p class=\"meta\">What Certified Server Validation (CSA +"
                     " DNA) would have done with these sessions. Range: ");
    puts_html(&b, fmt_buf_str(&range), range.len);
    fmt_buf_free(&range);
    fmt_buf_puts(&b, "; policy: ");
    puts_html(&b, r->policy, strlen(r->policy));
    fmt_buf_printf(&b, "; top %d; time step: %s.</p>\n", r->top, r->bucket);
    /* the answer first, above the fold: headline, impact, coverage */
    for (size_t f = 0; f < NFIRST; f++) {
        const struct rtable *t = report_find(r, first_tables[f]);
        if (t != NULL)
            html_table(&b, r, t);
    }
    fmt_buf_puts(&b, "<nav><p>");
    for (size_t k = 0; k < r->ntables; k++) {
        fmt_buf_printf(&b, "%s<a href=\"#%s\">", k ? " · " : "",
                       r->tables[k]->key);
        puts_html(&b, r->tables[k]->title, strlen(r->tables[k]->title));
        fmt_buf_puts(&b, "</a>");
    }
    fmt_buf_puts(&b, "</p></nav>\n");
    ok = fmt_buf_write(&b, out);
    for (size_t k = 0; k < r->ntables && ok; k++) {
        if (is_first(r->tables[k]->key))
            continue;
        fmt_buf_reset(&b);
        html_table(&b, r, r->tables[k]);
        ok = fmt_buf_write(&b, out);
    }
    fmt_buf_reset(&b);
    fmt_buf_puts(&b, "<footer>Generated by heloval. Names from logs are shown"
                     " as the text report shows them: control characters and"
                     " invalid UTF-8 as \\xHH, backslash as \\\\.</footer>\n"
                     "</body>\n</html>\n");
    if (ok)
        ok = fmt_buf_write(&b, out);
    fmt_buf_free(&b);
    return ok ? HV_OK : hv_errf(err, HV_EIO, "write error");
}
