/* SPDX-License-Identifier: MIT */
/*
 * report_csv - the report as RFC 4180 CSV (CRLF line ends). With a table
 * name: that table alone, its first record naming the columns. Without:
 * every table in turn, each introduced by a one-field record "# <name>"
 * and followed by an empty line. Strings go through fmt_csv (quoting and
 * the spreadsheet formula guard); numbers are written bare.
 */
#include <string.h>

#include "fmt.h"
#include "msg.h"
#include "report.h"

/* csv_cell - one cell as a CSV field. */
static void csv_cell(struct fmt_buf *b, const struct rcell *c)
{
    char tbuf[32];
    switch (c->type) {
    case RCOL_TEXT: fmt_csv(b, c->s, c->n); break;
    case RCOL_INT: fmt_buf_int(b, c->i); break;
    case RCOL_PCT:
        if (!c->null)
            fmt_buf_printf(b, "%.1f", c->d);
        break;
    case RCOL_TIME:
        tbuf[0] = '\0';
        if (!c->null)
            fmt_iso_time(c->i, tbuf, sizeof(tbuf));
        fmt_buf_puts(b, tbuf);
        break;
    default: msg_panic("csv_cell: unknown cell type %d", (int)c->type);
    }
}

/* csv_table - header record and rows of t into b. */
static void csv_table(struct fmt_buf *b, const struct rtable *t)
{
    for (size_t j = 0; j < t->ncols; j++) {
        if (j > 0)
            fmt_buf_puts(b, ",");
        fmt_csv(b, t->cols[j], strlen(t->cols[j]));
    }
    fmt_buf_puts(b, "\r\n");
    for (size_t i = 0; i < t->nrows; i++) {
        for (size_t j = 0; j < t->ncols; j++) {
            if (j > 0)
                fmt_buf_puts(b, ",");
            csv_cell(b, report_cell(t, i, j));
        }
        fmt_buf_puts(b, "\r\n");
    }
}

int report_render_csv(const struct report *r, FILE *out, const char *table,
                      char **err)
{
    struct fmt_buf b;
    bool ok = true;
    fmt_buf_init(&b);
    if (r->warning != NULL) {
        /* a "# warning" record, then the text as one CSV field */
        fmt_buf_puts(&b, "# warning\r\n");
        fmt_csv(&b, r->warning, strlen(r->warning));
        fmt_buf_puts(&b, "\r\n\r\n");
        ok = fmt_buf_write(&b, out);
    }
    for (size_t k = 0; k < r->ntables && ok; k++) {
        const struct rtable *t = r->tables[k];
        if (table != NULL && strcmp(table, t->key) != 0)
            continue;
        fmt_buf_reset(&b);
        if (table == NULL)
            fmt_buf_printf(&b, "# %s\r\n", t->key);
        csv_table(&b, t);
        if (table == NULL)
            fmt_buf_puts(&b, "\r\n");
        ok = fmt_buf_write(&b, out);
    }
    fmt_buf_free(&b);
    return ok ? HV_OK : hv_errf(err, HV_EIO, "write error");
}
