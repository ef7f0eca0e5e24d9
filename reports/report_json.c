/* SPDX-License-Identifier: MIT */
/*
 * report_json - the report as one JSON document (UTF-8, keys stable):
 *   {"version": 1,
 *    "filter": {"since": ISO|null, "until": ISO|null, "top": N,
 *               "policy": "database"|FILE, "time_step": "day"|"hour"},
 *    "window": {"first_session": ISO|null, "last_session": ISO|null,
 *               "database_first_session": ISO|null (set only when the
 *               window has no session), "database_last_session": ISO|null,
 *               "text": the range line of the text report},
 *    "headline": {item: integer, ...} (first; the percentages as numbers),
 *    "summary": {item: value, ...},
 *    "<table>": [ {column: value, ...}, ... ], ...}
 * Table and column names are those of the csv and text formats; counts are
 * numbers, percentages numbers with one decimal, strings escaped by
 * fmt_json (invalid UTF-8 bytes as \u00XX).
 */
#include <string.h>

#include "fmt.h"
#include "msg.h"
#include "report.h"

/* json_cell - one cell as a JSON value. */
static void json_cell(struct fmt_buf *b, const struct rcell *c)
{
    char tbuf[32];
    if (c->null && c->type != RCOL_INT) {
        fmt_buf_puts(b, "null");
        return;
    }
    switch (c->type) {
    case RCOL_TEXT: fmt_json(b, c->s, c->n); break;
    case RCOL_INT: fmt_buf_int(b, c->i); break;
    case RCOL_PCT: fmt_buf_printf(b, "%.1f", c->d); break;
    case RCOL_TIME:
        fmt_iso_time(c->i, tbuf, sizeof(tbuf));
        fmt_json(b, tbuf, strlen(tbuf));
        break;
    default: msg_panic("json_cell: unknown cell type %d", (int)c->type);
    }
}

/* json_time - an ISO time string or null for an unset bound. */
static void json_time(struct fmt_buf *b, long long t, long long unset)
{
    char tbuf[32];
    if (t == unset) {
        fmt_buf_puts(b, "null");
        return;
    }
    fmt_iso_time(t, tbuf, sizeof(tbuf));
    fmt_json(b, tbuf, strlen(tbuf));
}

/* json_time_if - t as an ISO string when has, else null. */
static void json_time_if(struct fmt_buf *b, bool has, long long t)
{
    if (has)
        json_time(b, t, LLONG_MIN);
    else
        fmt_buf_puts(b, "null");
}

/* json_table - "key": value of one table. */
static void json_table(struct fmt_buf *b, const struct rtable *t)
{
    fmt_buf_puts(b, "  ");
    fmt_json(b, t->key, strlen(t->key));
    if (t->kv) {
        fmt_buf_puts(b, ": {");
        for (size_t i = 0; i < t->nrows; i++) {
            const struct rcell *k = report_cell(t, i, 0);
            fmt_buf_puts(b, i ? ",\n    " : "\n    ");
            fmt_json(b, k->s, k->n);
            fmt_buf_puts(b, ": ");
            json_cell(b, report_cell(t, i, 1));
        }
        fmt_buf_puts(b, t->nrows ? "\n  }" : "}");
        return;
    }
    fmt_buf_puts(b, ": [");
    for (size_t i = 0; i < t->nrows; i++) {
        fmt_buf_puts(b, i ? ",\n    {" : "\n    {");
        for (size_t j = 0; j < t->ncols; j++) {
            if (j > 0)
                fmt_buf_puts(b, ", ");
            fmt_json(b, t->cols[j], strlen(t->cols[j]));
            fmt_buf_puts(b, ": ");
            json_cell(b, report_cell(t, i, j));
        }
        fmt_buf_puts(b, "}");
    }
    fmt_buf_puts(b, t->nrows ? "\n  ]" : "]");
}

int report_render_json(const struct report *r, FILE *out, char **err)
{
    struct fmt_buf b;
    bool ok;
    fmt_buf_init(&b);
    fmt_buf_puts(&b, "{\n  \"version\": 1,\n");
    if (r->warning != NULL) {
        fmt_buf_puts(&b, "  \"warnings\": [");
        fmt_json(&b, r->warning, strlen(r->warning));
        fmt_buf_puts(&b, "],\n");
    }
    fmt_buf_puts(&b, "  \"filter\": {\"since\": ");
    json_time(&b, r->since, LLONG_MIN);
    fmt_buf_puts(&b, ", \"until\": ");
    json_time(&b, r->until, LLONG_MAX);
    fmt_buf_printf(&b, ", \"top\": %d, \"policy\": ", r->top);
    fmt_json(&b, r->policy, strlen(r->policy));
    fmt_buf_puts(&b, ", \"time_step\": ");
    fmt_json(&b, r->bucket, strlen(r->bucket));
    fmt_buf_puts(&b, "},\n  \"window\": {\"first_session\": ");
    json_time_if(&b, r->has_span, r->first);
    fmt_buf_puts(&b, ", \"last_session\": ");
    json_time_if(&b, r->has_span, r->last);
    fmt_buf_puts(&b, ", \"database_first_session\": ");
    json_time_if(&b, r->has_data_span, r->data_first);
    fmt_buf_puts(&b, ", \"database_last_session\": ");
    json_time_if(&b, r->has_data_span, r->data_last);
    fmt_buf_puts(&b, ", \"text\": ");
    struct fmt_buf range;
    fmt_buf_init(&range);
    report_range_line(r, &range);
    fmt_json(&b, fmt_buf_str(&range), range.len);
    fmt_buf_free(&range);
    fmt_buf_puts(&b, "}");
    if (r->has_previous) {
        fmt_buf_puts(&b, ",\n  \"previous_window\": {\"since\": ");
        json_time(&b, r->prev_since, LLONG_MIN);
        fmt_buf_puts(&b, ", \"until\": ");
        json_time(&b, r->prev_until, LLONG_MAX);
        fmt_buf_printf(&b, ", \"has_sessions\": %s}",
                       r->prev_has_span ? "true" : "false");
    }
    ok = fmt_buf_write(&b, out);
    for (size_t k = 0; k < r->ntables && ok; k++) {
        fmt_buf_reset(&b);
        fmt_buf_puts(&b, ",\n");
        json_table(&b, r->tables[k]);
        ok = fmt_buf_write(&b, out);
    }
    if (ok)
        ok = fputs("\n}\n", out) != EOF;
    fmt_buf_free(&b);
    return ok ? HV_OK : hv_errf(err, HV_EIO, "write error");
}
