/* SPDX-License-Identifier: MIT */
/*
 * runs_report - sender cohorts, DNS drift and answer age; the runs list.
 * See runs_report.h.
 */
#include "runs_report.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "fmt.h"
#include "readviews.h"
#include "rptsql.h"
#include "xmem.h"

/* last: the run recorded before the last resolve began (`run` records
 * after its resolve and report, so its own row is never the base);
 * streak: per sender of that run, the last run up to it where it was not
 * at risk (b); the runs after b are its consecutive runs at risk */
const char sender_cohorts_sql[] =
    "WITH last AS (SELECT max(id) AS id FROM rv_runs WHERE finished_at <"
    "  COALESCE((SELECT max(started_at) FROM rv_resolve_runs), finished_at + 1)),"
    " cur AS (SELECT domain, why AS reason, sum(n_acc) AS sessions,"
    "  sum(m) AS messages FROM temp.hv_p WHERE verdict = 'reject' AND n_acc > 0"
    "  GROUP BY domain, why),"
    " prev AS (SELECT domain, reason, sessions, messages FROM rv_run_senders"
    "  WHERE run_id = (SELECT id FROM last)),"
    " brk AS (SELECT p.domain, p.reason, COALESCE((SELECT max(r.id) FROM rv_runs r"
    "  WHERE r.id <= (SELECT id FROM last) AND NOT EXISTS (SELECT 1"
    "  FROM rv_run_senders s WHERE s.run_id = r.id"
    "  AND s.domain = p.domain AND s.reason = p.reason)), 0) AS b FROM prev p),"
    " st AS (SELECT b.domain, b.reason,"
    "  (SELECT count(*) FROM rv_runs r WHERE r.id > b.b"
    "   AND r.id <= (SELECT id FROM last)) AS n,"
    "  (SELECT min(r.started_at) FROM rv_runs r WHERE r.id > b.b"
    "   AND r.id <= (SELECT id FROM last)) AS first"
    "  FROM brk b),"
    " rows AS ("
    "  SELECT c.domain, c.reason, CASE WHEN s.domain IS NULL THEN 'new'"
    "   ELSE 'still' END AS status, COALESCE(s.n, 0) + 1 AS runs, s.first,"
    "   c.sessions, c.messages FROM cur c LEFT JOIN st s"
    "   ON s.domain = c.domain AND s.reason = c.reason"
    "   WHERE (SELECT id FROM last) IS NOT NULL"
    "  UNION ALL"
    "  SELECT s.domain, s.reason, CASE WHEN EXISTS (SELECT 1 FROM temp.hv_p h"
    "   WHERE h.domain = s.domain AND h.n_acc > 0) THEN 'fixed' ELSE 'absent' END,"
    "   s.n, s.first, p.sessions, p.messages"
    "   FROM st s JOIN prev p ON p.domain = s.domain AND p.reason = s.reason"
    "   WHERE NOT EXISTS (SELECT 1 FROM cur c WHERE c.domain = s.domain"
    "   AND c.reason = s.reason))"
    " SELECT * FROM rows ORDER BY CASE status WHEN 'new' THEN 1"
    " WHEN 'fixed' THEN 2 WHEN 'absent' THEN 3 ELSE 4 END, messages DESC, sessions DESC, domain, reason"
    " LIMIT :top";

/* the sessions of the window per changed pair / HELO: one pass over
 * temp.hv_p, each pair looked up in the changes' index */
const char dns_drift_sql[] =
    "WITH pc AS MATERIALIZED (SELECT p.helo, p.ip, sum(p.n) AS n FROM temp.hv_p p"
    "  WHERE EXISTS (SELECT 1 FROM rv_csa_changes c WHERE c.helo = p.helo"
    "  AND c.ip = p.ip) GROUP BY p.helo, p.ip),"
    " hc AS MATERIALIZED (SELECT p.helo, sum(p.n) AS n FROM temp.hv_p p"
    "  WHERE EXISTS (SELECT 1 FROM rv_dna_changes c WHERE c.helo = p.helo)"
    "  GROUP BY p.helo),"
    " d AS ("
    " SELECT c.helo, c.ip, 'csa' AS what,"
    "  c.old_status || '/' || c.old_reason AS old,"
    "  c.new_status || '/' || c.new_reason AS new, c.changed_at, c.id,"
    "  pc.n AS sessions FROM rv_csa_changes c"
    "  JOIN pc ON pc.helo = c.helo AND pc.ip = c.ip"
    " UNION ALL"
    " SELECT c.helo, '', 'dna', c.old_status || COALESCE('/' || c.old_grade, ''),"
    "  c.new_status || COALESCE('/' || c.new_grade, ''), c.changed_at, c.id, hc.n"
    "  FROM rv_dna_changes c JOIN hc ON hc.helo = c.helo)"
    " SELECT helo, ip, what, old, new, changed_at, sessions FROM d"
    " WHERE sessions > 0 ORDER BY changed_at DESC, id DESC, what, helo, ip LIMIT :top";

#define DAY "86400"
/* the table from one row st(n, mn, med, mx, c7, c365): the count, min,
 * lower median and max of the ages and the counts over 7 and 365 days
 * away (min, med, max NULL without an age) */
#define DNS_AGE_TAIL                                                          \
    " SELECT n AS sessions, mn AS min_seconds, med AS median_seconds,"        \
    " mx AS max_seconds, CAST(med / " DAY " AS INTEGER) AS median_days,"      \
    " round(100.0 * c7 / max(n, 1), 1) + 0.0 AS over_7_days_pct,"             \
    " round(100.0 * c365 / max(n, 1), 1) + 0.0 AS over_365_days_pct,"         \
    " CASE WHEN med > 30 * " DAY " THEN 'the DNS answers are '"               \
    "  || CAST(med / " DAY " AS INTEGER) || ' days newer than"                \
    " the mail (median): the records may have changed since' ELSE '' END"     \
    " AS warning FROM st"

const char dns_age_sql[] =
    "WITH a AS MATERIALIZED (SELECT c.evaluated_at - s.ts AS age FROM rv_sessions s"
    "  JOIN rv_csa c ON c.helo = COALESCE(s.helo,'') AND c.ip = s.ip"
    "  WHERE s.ts IS NOT NULL AND s.ts >= :since AND s.ts < :until),"
    " st AS (SELECT count(*) AS n, min(age) AS mn, (SELECT age FROM a"
    "  ORDER BY age LIMIT 1 OFFSET (SELECT (count(*) - 1) / 2 FROM a)) AS med,"
    "  max(age) AS mx, COALESCE(sum(abs(age) > 7 * " DAY "), 0) AS c7,"
    "  COALESCE(sum(abs(age) > 365 * " DAY "), 0) AS c365 FROM a)"
    DNS_AGE_TAIL;

void dns_age_stats_sql(const struct dns_age_stats *st, struct fmt_buf *b)
{
    fmt_buf_reset(b);
    if (st->n == 0) {
        fmt_buf_puts(b, "WITH st(n, mn, med, mx, c7, c365) AS"
                        " (VALUES(0, NULL, NULL, NULL, 0, 0))" DNS_AGE_TAIL);
        return;
    }
    fmt_buf_printf(b, "WITH st(n, mn, med, mx, c7, c365) AS"
                      " (VALUES(%lld, %lld, %lld, %lld, %lld, %lld))" DNS_AGE_TAIL,
                   st->n, st->min, st->median, st->max, st->over_7_days,
                   st->over_365_days);
}

/* the runs, with new and fixed against the run before */
static const char sql_runs[] =
    "SELECT r.id, r.started_at, r.finished_at, r.since, r.until, r.sessions,"
    " r.at_risk_senders,"
    " (SELECT count(*) FROM rv_run_senders s WHERE s.run_id = r.id AND NOT EXISTS"
    "  (SELECT 1 FROM rv_run_senders p WHERE p.run_id = (SELECT max(id) FROM rv_runs"
    "   WHERE id < r.id) AND p.domain = s.domain AND p.reason = s.reason)),"
    " (SELECT count(*) FROM rv_run_senders p WHERE p.run_id = (SELECT max(id)"
    "  FROM rv_runs WHERE id < r.id) AND NOT EXISTS (SELECT 1 FROM rv_run_senders s"
    "  WHERE s.run_id = r.id AND s.domain = p.domain AND s.reason = p.reason))"
    " FROM rv_runs r ORDER BY r.id";

static const char *const runs_cols[] = {
    "id", "started_at", "finished_at", "since", "until", "sessions",
    "at_risk_senders", "new", "fixed",
};
static const enum rcol_type runs_types[] = {
    RCOL_INT, RCOL_TIME, RCOL_TIME, RCOL_TIME, RCOL_TIME, RCOL_INT,
    RCOL_INT, RCOL_INT, RCOL_INT,
};

int runs_render_list(sqlite3 *db, const struct report_opts *o, FILE *out, char **err)
{
    const struct report_renderer *rend = report_renderer_find(o->format);
    if (rend == NULL)
        return hv_errf(err, HV_EUSAGE, "unknown format '%s'", o->format);
    int rc = readviews_create(db, err);
    if (rc != HV_OK)
        return rc;
    sqlite3_stmt *q = NULL;
    rc = rpt_prepare(db, sql_runs, &q, err);
    if (rc != HV_OK)
        return rc;
    struct report r;
    memset(&r, 0, sizeof(r));
    r.since = LLONG_MIN;
    r.until = LLONG_MAX;
    r.top = o->top;
    r.bucket = "day";
    r.policy = "database";
    r.authserv_id = "localhost";
    struct rtable *t = xcalloc(1, sizeof(*t));
    t->key = "runs";
    t->title = "Recorded runs (heloval run)";
    t->empty = "no recorded run (heloval run records one)";
    t->ncols = sizeof(runs_cols) / sizeof(runs_cols[0]);
    for (size_t i = 0; i < t->ncols; i++) {
        t->cols[i] = runs_cols[i];
        t->types[i] = runs_types[i];
    }
    r.tables[r.ntables++] = t;
    /* the header's range: the database's sessions, as a report's */
    sqlite3_stmt *sp = NULL;
    rc = rpt_prepare(db, READVIEWS_SESSION_SPAN_SQL, &sp, err);
    if (rc == HV_OK && sqlite3_step(sp) != SQLITE_ROW) /* it has one row */
        rc = rpt_dberr(db, "reading the sessions' time span", err);
    if (rc == HV_OK && sqlite3_column_type(sp, 0) != SQLITE_NULL) {
        r.has_span = true;
        r.first = sqlite3_column_int64(sp, 0);
        r.last = sqlite3_column_int64(sp, 1);
    }
    sqlite3_finalize(sp);
    int s;
    while (rc == HV_OK && (s = sqlite3_step(q)) == SQLITE_ROW) {
        struct rcell *row = report_row_add(t);
        for (size_t i = 0; i < t->ncols; i++) {
            row[i].type = t->types[i];
            row[i].null = sqlite3_column_type(q, (int)i) == SQLITE_NULL;
            row[i].i = sqlite3_column_int64(q, (int)i);
        }
    }
    if (rc == HV_OK)
        rc = rpt_step_done(db, s, "listing the runs", err);
    sqlite3_finalize(q);
    if (rc == HV_OK) {
        struct report_opts ro = *o;
        ro.table = NULL;
        rc = rend->render(&r, out, &ro, err);
    }
    report_free(&r);
    return rc;
}

int runs_at_risk(sqlite3 *db, const struct report_opts *o, struct report *r, char **err)
{
    struct report_opts ro = *o;
    ro.table = "at_risk";
    ro.top = 100000;
    ro.anonymize = false;
    ro.ncompare = 0;
    ro.want_figures = false;
    ro.compare_previous = false;
    return report_build(db, &ro, r, err);
}
