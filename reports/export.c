/* SPDX-License-Identifier: MIT */
/*
 * export - sessions and verdicts as tsv, csv or jsonl (contract in
 * export.h). An outer statement walks the sources by path; an inner one
 * streams each source's sessions by line as one rowid range, so no sort of
 * the whole table is needed. Verdict columns are those of the `verdicts`
 * view, and hv_smtp_reply().
 */
#include "export.h"

#include <string.h>

#include "fmt.h"
#include "csvsql.h"
#include "policy.h"
#include "readviews.h"
#include "msg.h"
#include "report.h"
#include "rptsql.h"
#include "schema.h"

enum xfmt { XF_TSV, XF_CSV, XF_JSONL };

/* The export formats (the one list of `export --format` values), by enum
 * xfmt; the first is the default. */
static const char *const xfmt_names[] = {
    [XF_TSV] = "tsv",
    [XF_CSV] = "csv",
    [XF_JSONL] = "jsonl",
};
#define NXFMT (sizeof(xfmt_names) / sizeof(xfmt_names[0]))

const char *export_format_at(size_t i)
{
    return i < NXFMT ? xfmt_names[i] : NULL;
}

/* xfmt_find - the export format called name (NULL: the default), or -1. */
static int xfmt_find(const char *name)
{
    for (size_t i = 0; i < NXFMT; i++)
        if (name == NULL || strcmp(name, xfmt_names[i]) == 0)
            return (int)i;
    return -1;
}

static const char *const session_cols[] = {
    "source", "line", "time", "mta", "ip", "helo", "rdns", "disposition",
    "messages", "csa_status", "csa_reason", "csa_record", "dna_status",
    "dna_grade", "dna_service", "verdict", "smtp_reply",
};
#define NCOLS_SESSIONS 9
#define NCOLS_VERDICTS 17

/* One source at a time: a session's id is (source_id << 32) | line
 * (analyzer/store/schema.c), so a source's sessions are one rowid range, read in
 * line order without a sort. */
#define SOURCE_RANGE " WHERE s.id >= (?1 << 32) AND s.id < ((?1 + 1) << 32)"

static const char sql_sessions[] =
    "SELECT src.path, s.line, s.ts, s.mta, s.ip, COALESCE(s.helo,''),"
    " s.rdns, s.disposition, s.messages"
    " FROM rv_sessions s JOIN rv_sources src ON src.id = s.source_id"
    SOURCE_RANGE " ORDER BY s.id";

/* The joins of the `verdicts` view (analyzer/store/schema.c), restricted to one
 * source: the view itself cannot be filtered by source id through the
 * index. Keep the two in step. */
static const char sql_verdicts[] =
    "SELECT src.path, s.line, s.ts, s.mta, s.ip, COALESCE(s.helo,''),"
    " s.rdns, s.disposition, s.messages,"
    " CASE WHEN " HV_SQL_HELO_UNOBSERVED " THEN 'unknown' ELSE c.status END,"
    " CASE WHEN " HV_SQL_HELO_UNOBSERVED " THEN 'helo-unobserved'"
    "  ELSE c.reason END,"
    " CASE WHEN " HV_SQL_HELO_UNOBSERVED " THEN NULL ELSE c.record END,"
    " COALESCE(d.status,'unknown'), d.grade, d.service,"
    " CASE WHEN " HV_SQL_HELO_UNOBSERVED " THEN 'unevaluated' ELSE p.action END,"
    " CASE WHEN " HV_SQL_HELO_UNOBSERVED " THEN '' ELSE"
    " COALESCE(hv_smtp_reply(p.action, c.status, c.reason,"
    " COALESCE(d.status,'unknown'), d.service, COALESCE(s.helo,''), ?2),'') END"
    " FROM rv_sessions s JOIN rv_sources src ON src.id = s.source_id"
    " LEFT JOIN rv_csa c ON c.helo = COALESCE(s.helo,'') AND c.ip = s.ip"
    " LEFT JOIN rv_dna_result d ON d.helo = COALESCE(s.helo,'')"
    " LEFT JOIN rv_policy p ON p.csa_status = c.status"
    "  AND p.dna_status = COALESCE(d.status,'unknown')"
    SOURCE_RANGE " ORDER BY s.id";

/* put_value - one value of column i (0-based) from q into b. */
static void put_value(struct fmt_buf *b, enum xfmt f, sqlite3_stmt *q, int i)
{
    if (i == 1 || i == 8) { /* line, messages */
        fmt_buf_printf(b, "%lld", (long long)sqlite3_column_int64(q, i));
        return;
    }
    char tbuf[32] = "";
    const char *s;
    size_t n;
    if (i == 2) { /* time */
        if (sqlite3_column_type(q, i) != SQLITE_NULL)
            fmt_iso_time(sqlite3_column_int64(q, i), tbuf, sizeof(tbuf));
        s = tbuf;
        n = strlen(tbuf);
    } else {
        s = (const char *)sqlite3_column_text(q, i);
        n = (size_t)sqlite3_column_bytes(q, i);
        if (s == NULL) {
            s = "";
            n = 0;
        }
    }
    switch (f) {
    case XF_TSV: fmt_tsv(b, s, n); break;
    case XF_CSV: fmt_csv(b, s, n); break;
    case XF_JSONL: fmt_json(b, s, n); break;
    default: msg_panic("put_value: unknown export format %d", (int)f);
    }
}

/* put_row - one record of ncols columns (or the header when q is NULL). */
static void put_row(struct fmt_buf *b, enum xfmt f, sqlite3_stmt *q,
                    int ncols)
{
    if (f == XF_JSONL)
        fmt_buf_puts(b, "{");
    for (int i = 0; i < ncols; i++) {
        if (i > 0)
            fmt_buf_puts(b, f == XF_TSV ? "\t" : f == XF_CSV ? "," : ", ");
        if (f == XF_JSONL) {
            fmt_json(b, session_cols[i], strlen(session_cols[i]));
            fmt_buf_puts(b, ": ");
        }
        if (q != NULL)
            put_value(b, f, q, i);
        else
            fmt_buf_puts(b, session_cols[i]);
    }
    fmt_buf_puts(b, f == XF_JSONL ? "}\n" : f == XF_CSV ? "\r\n" : "\n");
}

int export_db(sqlite3 *db, const char *what, const char *format,
              const char *authserv_id, FILE *out, char **err)
{
    int ncols;
    const char *sql;
    int fi = xfmt_find(format);
    if (fi < 0) {
        char names[128];
        return hv_errf(err, HV_EUSAGE, "unknown export format '%s' (%s)", format,
                       report_join_names(names, sizeof(names), export_format_at, ", ",
                                         ", "));
    }
    enum xfmt f = (enum xfmt)fi;
    if (what != NULL && strcmp(what, "sessions") == 0) {
        ncols = NCOLS_SESSIONS;
        sql = sql_sessions;
    } else if (what != NULL && strcmp(what, "verdicts") == 0) {
        ncols = NCOLS_VERDICTS;
        sql = sql_verdicts;
        policy_register_sql(db);
    } else {
        return hv_errf(err, HV_EUSAGE, "unknown export '%s' (sessions, verdicts)",
                       what ? what : "");
    }
    sqlite3_stmt *paths = NULL, *q = NULL;
    struct fmt_buf b;
    int rc;
    fmt_buf_init(&b);
    rc = readviews_create(db, err);
    if (rc == HV_OK)
        rc = rpt_prepare(db, "SELECT id FROM rv_sources ORDER BY path, id", &paths,
                         err);
    if (rc == HV_OK)
        rc = rpt_prepare(db, sql, &q, err);
    if (rc != HV_OK)
        goto out;
    if (ncols == NCOLS_VERDICTS)
        sqlite3_bind_text(q, 2, authserv_id ? authserv_id : "localhost", -1,
                          SQLITE_STATIC);
    if (f != XF_JSONL) {
        put_row(&b, f, NULL, ncols);
        if (!fmt_buf_write(&b, out))
            goto werr;
    }
    int prc;
    while ((prc = sqlite3_step(paths)) == SQLITE_ROW) {
        sqlite3_bind_value(q, 1, sqlite3_column_value(paths, 0));
        int qrc;
        while ((qrc = sqlite3_step(q)) == SQLITE_ROW) {
            fmt_buf_reset(&b);
            put_row(&b, f, q, ncols);
            if (!fmt_buf_write(&b, out))
                goto werr;
        }
        rc = rpt_step_done(db, qrc, "export", err);
        if (rc != HV_OK)
            goto out;
        sqlite3_reset(q);
    }
    rc = rpt_step_done(db, prc, "export", err);
    if (rc != HV_OK)
        goto out;
    if (fflush(out) != 0 || ferror(out))
        goto werr;
    goto out;
werr:
    rc = hv_errf(err, HV_EIO, "export: write error");
out:
    sqlite3_finalize(paths);
    sqlite3_finalize(q);
    fmt_buf_free(&b);
    return rc;
}

int export_run(struct store *st, const char *what, const char *format,
               FILE *out, char **err)
{
    return export_db(store_db(st), what, format, NULL, out, err);
}
