/* SPDX-License-Identifier: MIT */
/*
 * test_export - export_db and the report model over a real SQLite file made
 * by store_open, filled with hostile sessions by plain SQL: column names,
 * order, escaping per format, verdict columns, the aggregation tables, the
 * renderers (no ESC in text, no raw tag in HTML) and report_parse_time;
 * and the verdict columns of `export verdicts` (looked up once per pair in
 * C) against the SQL joins they replace, over a database that takes every
 * branch (test_verdicts_join).
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "csvsql.h"
#include "export.h"
#include "fmt.h"
#include "regdomain.h"
#include "report.h"
#include "schema.h"
#include "sqlcount.h"
#include "store.h"
#include "tmpstore.h"

static const char fill_sql[] =
    "INSERT INTO sources(id,path,fingerprint,fp_len,format,lines_read)"
    " VALUES(1,'logs/mail.log','aa',4096,'postfix',100),"
    " (2,'logs/a.log','bb',4096,'exim',50);"
    "INSERT INTO source_skips VALUES(1,'malformed',3),(2,'malformed',1),"
    " (2,'too-long',2);"
    "INSERT INTO sessions(id,source_id,line,ts,mta,ip,helo,helo_from,rdns,"
    " disposition,messages) VALUES"
    " (1,1,10,1793491201,'postfix','192.0.2.1','mail.example.com','log',"
    "  'mail.example.com','accepted',2),"
    " (2,1,5,1793494801,'postfix','192.0.2.77','<script>alert(1)</script>',"
    "  'log','','accepted',1),"
    " (3,1,20,1793498401,'postfix','198.51.100.5','bad.example.net','log',"
    "  '','accepted',3),"
    " (4,2,1,1793498402,'exim','2001:db8:1:2::5','=HYPERLINK(\"http://x\")',"
    "  'log','','rejected',0),"
    " (5,2,2,1793498403,'exim','203.0.113.9',NULL,'none','','lost',0),"
    " (6,2,3,1793498404,'exim','203.0.113.10',"
    "  char(27)||'[31mred'||char(9)||'Tab\\','received','','deferred',0),"
    " (7,1,30,1793498405,'postfix','198.51.100.6','ok.example.co.uk','log',"
    "  '','rejected',0),"
    " (8,1,31,1793498406,'postfix','198.51.100.7',"
    "  CAST(X'78ff2e6578616d706c65' AS TEXT),'log','','unknown',0),"
    /* accepted, HELO not in the log (helo_from NULL): not evaluated */
    " (9,1,40,1793499000,'postfix','198.51.100.9',NULL,NULL,'','accepted',1);"
    "INSERT INTO csa(helo,ip,status,reason,record,evaluated_at,expires_at)"
    " VALUES('mail.example.com','192.0.2.1','ok','authorized',"
    "  '_client._smtp.mail.example.com. SRV 1 2 0 mail.example.com.',0,0),"
    " ('<script>alert(1)</script>','192.0.2.77','unknown','invalid-helo',"
    "  '',0,0),"
    " ('bad.example.net','198.51.100.5','fail','mismatch',"
    "  '_client._smtp.bad.example.net. SRV 1 2 0 x.example.net.',0,0),"
    " ('=HYPERLINK(\"http://x\")','2001:db8:1:2::5','unknown',"
    "  'invalid-helo','',0,0),"
    " ('','203.0.113.9','unknown','no-helo','',0,0),"
    " ('ok.example.co.uk','198.51.100.6','ok','authorized','r',0,0),"
    " (CAST(X'78ff2e6578616d706c65' AS TEXT),'198.51.100.7','unknown',"
    "  'invalid-helo','',0,0);"
    /* the store's session id: (source_id << 32) | line */
    "UPDATE sessions SET id = (source_id << 32) | line;"
    "INSERT INTO dna_result VALUES('mail.example.com','recommended','B',"
    " 'dna.example',0,0),('ok.example.co.uk','recommended','A',"
    " 'dna.example',0,0);";

/* capture - run export_db into a string (malloc'ed), rc in *rc. */
static char *capture(sqlite3 *db, const char *what, const char *fmt, int *rc)
{
    char *buf = NULL;
    size_t len = 0;
    char *err = NULL;
    FILE *f = open_memstream(&buf, &len);
    *rc = export_db(db, what, fmt, "mx1.example.org", false, f, &err);
    fclose(f);
    if (*rc != 0)
        printf("export error: %s\n", err ? err : "?");
    free(err);
    return buf;
}

/* part_at - where part n (0-based) of s split at each sep starts, or
 * NULL when s has fewer parts. */
static const char *part_at(const char *s, int n, char sep)
{
    for (int i = 0; i < n && s != NULL; i++) {
        s = strchr(s, sep);
        if (s != NULL)
            s++;
    }
    return s;
}

/* nth_part - a copy (malloc'ed) of part n (0-based) of s split at each
 * sep, up to the first byte of ends; "" when s has fewer parts. */
static char *nth_part(const char *s, int n, char sep, const char *ends)
{
    s = part_at(s, n, sep);
    return s != NULL ? strndup(s, strcspn(s, ends)) : strdup("");
}

/* line_n - copy of the n-th (0-based) line of s, without its end. */
static char *line_n(const char *s, int n)
{
    return nth_part(s, n, '\n', "\r\n");
}

static int count_lines(const char *s)
{
    int n = 0;
    for (; *s; s++)
        n += *s == '\n';
    return n;
}

static void test_export(sqlite3 *db)
{
    int rc;
    char *s = capture(db, "sessions", "tsv", &rc);
    CHECK_INTEQ(rc, 0);
    char *l = line_n(s, 0);
    CHECK_STREQ(l, "source\tline\ttime\tmta\tip\thelo\trdns\tdisposition"
                   "\tmessages\ttime_epoch\tsession_id");
    free(l);
    /* a.log sorts before mail.log; lines in order; time_epoch is time's
     * Unix seconds, session_id the store's (source_id << 32) | line; a
     * HELO never seen is NULL: \N */
    l = line_n(s, 1);
    CHECK_STREQ(l, "logs/a.log\t1\t2026-11-01T02:00:02Z\texim\t2001:db8:1:2::5"
                   "\t=HYPERLINK(\"http://x\")\t\trejected\t0\t1793498402"
                   "\t8589934593");
    free(l);
    l = line_n(s, 2);
    CHECK_STREQ(l, "logs/a.log\t2\t2026-11-01T02:00:03Z\texim\t203.0.113.9\t\\N"
                   "\t\tlost\t0\t1793498403\t8589934594");
    free(l);
    l = line_n(s, 3);
    CHECK_STREQ(l, "logs/a.log\t3\t2026-11-01T02:00:04Z\texim\t203.0.113.10\t"
                   "\x1b[31mred\\tTab\\\\\t\tdeferred\t0\t1793498404"
                   "\t8589934595");
    free(l);
    l = line_n(s, 4);
    CHECK(strncmp(l, "logs/mail.log\t5\t", 16) == 0);
    free(l);
    CHECK_INTEQ(count_lines(s), 10);
    free(s);

    s = capture(db, "sessions", "csv", &rc);
    CHECK_INTEQ(rc, 0);
    CHECK(strstr(s, "source,line,time,mta,ip,helo,rdns,disposition,messages"
                    ",time_epoch,session_id\r\n") == s);
    /* CSV has no NULL: the unknown HELO is empty */
    CHECK(strstr(s, "\r\nlogs/a.log,2,2026-11-01T02:00:03Z,exim,203.0.113.9,,,"
                    "lost,0,1793498403,8589934594\r\n") != NULL);
    CHECK(strstr(s, ",\"'=HYPERLINK(\"\"http://x\"\")\",") != NULL);
    CHECK(strstr(s, "=HYPERLINK(\"\"http") != NULL);
    CHECK(strstr(s, ",=HYPERLINK") == NULL);
    free(s);

    s = capture(db, "sessions", "jsonl", &rc);
    CHECK_INTEQ(rc, 0);
    CHECK_INTEQ(count_lines(s), 9);
    l = line_n(s, 2);
    CHECK_STREQ(l, "{\"source\": \"logs/a.log\", \"line\": 3, \"time\": "
                   "\"2026-11-01T02:00:04Z\", \"mta\": \"exim\", \"ip\": "
                   "\"203.0.113.10\", \"helo\": \"\\u001b[31mred\\tTab\\\\\", "
                   "\"rdns\": \"\", \"disposition\": \"deferred\", "
                   "\"messages\": 0, \"time_epoch\": 1793498404, "
                   "\"session_id\": 8589934595}");
    free(l);
    /* JSON null for the unknown HELO */
    l = line_n(s, 1);
    CHECK(strstr(l, "\"helo\": null, \"rdns\": \"\"") != NULL);
    free(l);
    CHECK(strstr(s, "\"helo\": \"x\\u00ff.example\"") != NULL);
    CHECK(memchr(s, 0x1b, strlen(s)) == NULL);
    free(s);

    s = capture(db, "verdicts", "tsv", &rc);
    CHECK_INTEQ(rc, 0);
    l = line_n(s, 0);
    CHECK_STREQ(l, "source\tline\ttime\tmta\tip\thelo\trdns\tdisposition\t"
                   "messages\tcsa_status\tcsa_reason\tcsa_record\tdna_status\t"
                   "dna_grade\tdna_service\tverdict\tsmtp_reply\ttime_epoch\t"
                   "session_id\tdomain\tdns_age_seconds");
    free(l);
    /* the unresolved session: CSA columns and verdict NULL, reply empty;
     * its domain the registered domain of its HELO */
    l = line_n(s, 3);
    CHECK_STREQ(strstr(l, "\tdeferred\t"),
                "\tdeferred\t0\t\\N\t\\N\t\\N\tunknown\t\\N\t\\N\t\\N\t\t"
                "1793498404\t8589934595\t\x1b[31mred\\ttab\\\\\t\\N");
    free(l);
    CHECK(strstr(s, "\tfail\tmismatch\t_client._smtp.bad.example.net. SRV 1 2 0"
                    " x.example.net.\tunknown\t\\N\t\\N\treject\t550 5.7.1 Client "
                    "SMTP authorization failed (mismatch)\t") != NULL);
    CHECK(strstr(s, "\tok\tauthorized\t_client._smtp.mail.example.com. SRV 1 "
                    "2 0 mail.example.com.\trecommended\tB\tdna.example\t"
                    "accept\t\t") != NULL);
    CHECK(strstr(s, "mark\tAuthentication-Results: mx1.example.org; "
                    "x-csa=unknown") != NULL);
    /* domain: the registered domain by the Public Suffix List */
    CHECK(strstr(s, "\tok.example.co.uk\t") != NULL &&
          strstr(s, "\texample.co.uk\t-1793498405\n") != NULL);
    /* the session whose HELO the log does not show: not evaluated */
    CHECK(strstr(s, "\taccepted\t1\tunknown\thelo-unobserved\t\\N\tunknown\t"
                    "\\N\t\\N\tunevaluated\t\t") != NULL);
    free(s);

    s = capture(db, "verdicts", "jsonl", &rc);
    CHECK_INTEQ(rc, 0);
    CHECK(strstr(s, "\"verdict\": \"reject\", \"smtp_reply\": \"550 5.7.1 "
                    "Client SMTP authorization failed (mismatch)\", "
                    "\"time_epoch\": ") != NULL);
    /* the answer's age: its evaluated_at (0 here) - the session time */
    CHECK(strstr(s, "\"domain\": \"example.net\", \"dns_age_seconds\": -1793498401}")
          != NULL);
    CHECK(strstr(s, "\"dns_age_seconds\": null}") != NULL);
    free(s);

    s = capture(db, "verdicts", "xml", &rc);
    CHECK_INTEQ(rc, HV_EUSAGE);
    free(s);
    s = capture(db, "nothing", "tsv", &rc);
    CHECK_INTEQ(rc, HV_EUSAGE);
    free(s);
}

/* find_row - row index of t whose column col equals val, or -1. */
static int find_row(const struct rtable *t, const char *col, const char *val)
{
    int j = report_col(t, col);
    if (j < 0)
        return -1;
    for (size_t i = 0; i < t->nrows; i++) {
        const struct rcell *c = report_cell(t, i, (size_t)j);
        if (c->s != NULL && strcmp(c->s, val) == 0)
            return (int)i;
    }
    return -1;
}

/* num - integer cell (row, column name) or -999. */
static long long num(const struct rtable *t, int row, const char *col)
{
    int j = report_col(t, col);
    if (t == NULL || row < 0 || j < 0)
        return -999;
    return report_cell(t, (size_t)row, (size_t)j)->i;
}

/* str - text cell or "". */
static const char *str(const struct rtable *t, int row, const char *col)
{
    int j = report_col(t, col);
    if (t == NULL || row < 0 || j < 0)
        return "";
    const char *s = report_cell(t, (size_t)row, (size_t)j)->s;
    return s ? s : "";
}

/* kv - integer item of the summary. */
static long long kv(const struct report *r, const char *item)
{
    const struct rtable *t = report_find(r, "summary");
    int i = t ? find_row(t, "item", item) : -1;
    return i < 0 ? -999 : report_cell(t, (size_t)i, 1)->i;
}

static void test_report(sqlite3 *db)
{
    struct report_opts o;
    struct report r;
    char *err = NULL;
    report_opts_init(&o);
    o.authserv_id = "mx1.example.org";
    CHECK_INTEQ(report_build(db, &o, &r, &err), 0);
    if (err != NULL)
        printf("report error: %s\n", err);
    CHECK_INTEQ(kv(&r, "sessions"), 9);
    CHECK_INTEQ(kv(&r, "messages"), 7);
    CHECK_INTEQ(kv(&r, "files"), 2);
    CHECK_INTEQ(kv(&r, "lines"), 150);
    CHECK_INTEQ(kv(&r, "lines_skipped"), 6);
    CHECK_INTEQ(kv(&r, "helo_known"), 7);
    CHECK_INTEQ(kv(&r, "helo_from_received"), 1);
    CHECK_INTEQ(kv(&r, "helo_from_log"), 6);
    CHECK_INTEQ(kv(&r, "resolved_sessions"), 7);
    CHECK_INTEQ(kv(&r, "distinct_ips"), 9);
    /* session 5 provably sent none, session 9's HELO is not in the log */
    CHECK_INTEQ(kv(&r, "helo_absent"), 1);
    CHECK_INTEQ(kv(&r, "helo_unobserved"), 1);
    CHECK_INTEQ(kv(&r, "accepted_unevaluated"), 1);

    const struct rtable *t = report_find(&r, "verdicts");
    CHECK(t != NULL && t->nrows == 6);
    CHECK_INTEQ(num(t, find_row(t, "verdict", "unevaluated"), "sessions"), 1);
    CHECK_INTEQ(num(t, find_row(t, "verdict", "unevaluated"), "messages"), 1);
    t = report_find(&r, "csa");
    CHECK(find_row(t, "reason", "helo-unobserved") >= 0);
    CHECK_INTEQ(num(t, find_row(t, "reason", "no-helo"), "sessions"), 1);
    t = report_find(&r, "unevaluated");
    CHECK(t != NULL && t->nrows == 1);
    CHECK_STREQ(str(t, 0, "mta"), "postfix");
    CHECK_INTEQ(num(t, 0, "sessions"), 1);
    CHECK(strstr(str(t, 0, "closes_the_gap"),
                 "smtpd_log_access_permit_actions = static:all") != NULL);
    t = report_find(&r, "verdicts");
    CHECK_INTEQ(num(t, find_row(t, "verdict", "accept"), "sessions"), 2);
    CHECK_INTEQ(num(t, find_row(t, "verdict", "accept"), "messages"), 2);
    CHECK_INTEQ(num(t, find_row(t, "verdict", "reject"), "sessions"), 1);
    CHECK_INTEQ(num(t, find_row(t, "verdict", "mark"), "sessions"), 4);
    CHECK_INTEQ(num(t, find_row(t, "verdict", "unresolved"), "sessions"), 1);
    CHECK_INTEQ(num(t, find_row(t, "verdict", "tempfail"), "sessions"), 0);

    t = report_find(&r, "impact");
    int row = find_row(t, "verdict", "accept");
    CHECK_INTEQ(num(t, row, "accepted"), 1);
    CHECK_INTEQ(num(t, row, "rejected"), 1);
    row = find_row(t, "verdict", "mark");
    CHECK_INTEQ(num(t, row, "accepted"), 1);
    CHECK_INTEQ(num(t, row, "rejected"), 1);
    CHECK_INTEQ(num(t, row, "lost"), 1);
    CHECK_INTEQ(num(t, row, "unknown"), 1);

    t = report_find(&r, "at_risk");
    CHECK(t != NULL && t->nrows == 1);
    CHECK_STREQ(str(t, 0, "domain"), "example.net");
    CHECK_STREQ(str(t, 0, "reason"), "mismatch");
    CHECK_STREQ(str(t, 0, "example"), "logs/mail.log:20");
    CHECK_INTEQ(num(t, 0, "messages"), 3);
    t = report_find(&r, "mta_rejected_csv_accepted");
    CHECK(t != NULL && t->nrows == 1);
    CHECK_STREQ(str(t, 0, "domain"), "example.co.uk");

    t = report_find(&r, "helo_quality");
    CHECK_INTEQ(num(t, find_row(t, "class", "fqdn"), "sessions"), 3);
    CHECK_INTEQ(num(t, find_row(t, "class", "invalid"), "sessions"), 4);
    CHECK_INTEQ(num(t, find_row(t, "class", "none"), "sessions"), 2);

    /* each of these networks has one session: too few to be listed */
    t = report_find(&r, "top_networks");
    CHECK(t != NULL);
    CHECK(find_row(t, "network", "2001:db8:1::/48") < 0);
    CHECK(find_row(t, "network", "198.51.100.0/24") < 0);
    for (int i = 0; t != NULL && i < (int)t->nrows; i++)
        CHECK(num(t, i, "sessions") >= 2);
    t = report_find(&r, "top_domains");
    CHECK(find_row(t, "domain", "example.com") >= 0);
    CHECK(find_row(t, "domain", "<script>alert(1)</script>") >= 0);

    t = report_find(&r, "publishing");
    row = find_row(t, "scope", "sessions");
    CHECK_INTEQ(num(t, row, "total"), 7);
    CHECK_INTEQ(num(t, row, "publishing"), 3);
    row = find_row(t, "scope", "domains");
    CHECK_INTEQ(num(t, row, "total"), 3);
    CHECK_INTEQ(num(t, row, "publishing"), 3);

    t = report_find(&r, "timeseries");
    CHECK_STREQ(r.bucket, "hour");
    CHECK(t != NULL && t->nrows == 3);
    CHECK_STREQ(str(t, 0, "time"), "2026-11-01T00:00Z");
    /* accepted messages by verdict: session 1 (2 messages, accept) */
    CHECK_INTEQ(num(t, 0, "accept_messages"), 2);
    CHECK_INTEQ(num(t, 0, "accepted_sessions"), 1);
    CHECK_INTEQ(num(t, 2, "sessions"), 7);
    /* hour 2: sessions 3 (3 messages, reject) and 9 (1, unevaluated)
     * accepted; rejected, lost, deferred ones count in sessions only */
    CHECK_INTEQ(num(t, 2, "accepted_sessions"), 2);
    CHECK_INTEQ(num(t, 2, "reject_messages"), 3);
    CHECK_INTEQ(num(t, 2, "unevaluated_messages"), 1);
    CHECK_INTEQ(num(t, 2, "accept_messages"), 0);

    t = report_find(&r, "replies");
    CHECK(t != NULL && find_row(t, "reply", "550 5.7.1 Client SMTP "
                                            "authorization failed "
                                            "(mismatch)") >= 0);

    /* renderers: nothing raw from the data */
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    CHECK_INTEQ(report_render_text(&r, f, false, &err), 0);
    fclose(f);
    CHECK(memchr(buf, 0x1b, len) == NULL);
    CHECK(strstr(buf, "\\x1b[31mred\\x09Tab\\\\") != NULL ||
          strstr(buf, "example.net") != NULL);
    CHECK(strstr(buf, "x\\xff.example") != NULL);
    free(buf);
    f = open_memstream(&buf, &len);
    CHECK_INTEQ(report_render_html(&r, f, &err), 0);
    fclose(f);
    CHECK(strstr(buf, "<script") == NULL);
    CHECK(strstr(buf, "&lt;script&gt;alert(1)&lt;/script&gt;") != NULL);
    CHECK(strstr(buf, "<svg") != NULL);
    free(buf);
    f = open_memstream(&buf, &len);
    CHECK_INTEQ(report_render_csv(&r, f, "at_risk", &err), 0);
    fclose(f);
    CHECK_STREQ(buf, "domain,ips,sessions,messages,reason,example\r\n"
                     "example.net,1,1,3,mismatch,logs/mail.log:20\r\n");
    free(buf);
    report_free(&r);

    /* time filter: since inclusive, until exclusive */
    report_opts_init(&o);
    o.since = 1793494801;
    o.until = 1793498402;
    CHECK_INTEQ(report_build(db, &o, &r, &err), 0);
    CHECK_INTEQ(kv(&r, "sessions"), 2);
    report_free(&r);
    /* a build leaves no TEMP object (work tables, read views) behind */
    CHECK_INTEQ(sql_count(db, "SELECT count(*) FROM sqlite_temp_master"), 0);

    /* the same window beside the one before it: that report is built
     * first and drops every TEMP object, this one's views come back */
    o.compare_previous = true;
    CHECK_INTEQ(report_build(db, &o, &r, &err), 0);
    CHECK_MSG(err == NULL, "%s", err ? err : "");
    CHECK_INTEQ(kv(&r, "sessions"), 2);
    CHECK(r.has_previous);
    CHECK_INTEQ(sql_count(db, "SELECT count(*) FROM sqlite_temp_master"), 0);
    report_free(&r);

    /* a policy file for this report only */
    char pf[] = "/tmp/hv-policy-XXXXXX";
    int fd = mkstemp(pf);
    CHECK(fd >= 0);
    const char pol[] = "fail * mark\nunknown * reject\n";
    CHECK(write(fd, pol, sizeof(pol) - 1) == (ssize_t)(sizeof(pol) - 1));
    close(fd);
    report_opts_init(&o);
    o.policy_file = pf;
    CHECK_INTEQ(report_build(db, &o, &r, &err), 0);
    t = report_find(&r, "verdicts");
    CHECK_INTEQ(num(t, find_row(t, "verdict", "reject"), "sessions"), 4);
    CHECK_INTEQ(num(t, find_row(t, "verdict", "mark"), "sessions"), 1);
    report_free(&r);
    unlink(pf);
    sqlite3_stmt *q;
    CHECK(sqlite3_prepare_v2(db, "SELECT action FROM policy WHERE "
                                 "csa_status='fail' AND dna_status='unknown'",
                             -1, &q, NULL) == SQLITE_OK);
    CHECK(sqlite3_step(q) == SQLITE_ROW &&
          strcmp((const char *)sqlite3_column_text(q, 0), "reject") == 0);
    sqlite3_finalize(q);

    report_opts_init(&o);
    o.policy_file = "/nonexistent/policy";
    CHECK_INTEQ(report_build(db, &o, &r, &err), HV_EINPUT);
    CHECK(err != NULL);
    free(err);
    err = NULL;
    report_free(&r);
}

/* test_heuristics - hv_rdomain and hv_net, registered by report_build. */
static void test_heuristics(sqlite3 *db)
{
    static const struct {
        const char *sql, *want;
    } t[] = {
        {"SELECT hv_rdomain('mail.example.com','fqdn')", "example.com"},
        {"SELECT hv_rdomain('Mail.Example.COM.','fqdn')", "example.com"},
        {"SELECT hv_rdomain('a.b.mail.example.co.uk','fqdn')", "example.co.uk"},
        {"SELECT hv_rdomain('mx.example.com.au','fqdn')", "example.com.au"},
        {"SELECT hv_rdomain('example.co.uk','fqdn')", "example.co.uk"},
        {"SELECT hv_rdomain('mx.example.org.xyz','fqdn')", "org.xyz"},
        {"SELECT hv_rdomain('example.com','fqdn')", "example.com"},
        {"SELECT hv_rdomain('WIN-3RT9Q7A0D1K','bare-name')", "win-3rt9q7a0d1k"},
        {"SELECT hv_rdomain('[192.0.2.1]','address-literal')", "[192.0.2.1]"},
        {"SELECT hv_rdomain('','none')", ""},
        {"SELECT hv_rdomain(NULL,'none')", ""},
        {"SELECT hv_net('192.0.2.77')", "192.0.2.0/24"},
        {"SELECT hv_net('2001:db8:1:2::5')", "2001:db8:1::/48"},
        {"SELECT hv_net('::ffff:192.0.2.1')", "::/48"},
        {"SELECT hv_net('not-an-ip')", "not-an-ip"},
    };
    for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
        char got[256];
        sql_text(db, t[i].sql, got, sizeof(got));
        CHECK_MSG(strcmp(got, t[i].want) == 0, "%s: got %s", t[i].sql, got);
    }
}

static void test_parse_time(void)
{
    long long t = 0, now = 1793534400; /* 2026-11-01T12:00:00Z */
    CHECK(report_parse_time("2026-11-01", now, &t));
    CHECK_INTEQ(t, 1793491200);
    CHECK(report_parse_time("2026-11-01T10:00:00Z", now, &t));
    CHECK_INTEQ(t, 1793491200 + 36000);
    CHECK(report_parse_time("2026-11-01 10:30", now, &t));
    CHECK_INTEQ(t, 1793491200 + 37800);
    CHECK(report_parse_time("today", now, &t));
    CHECK_INTEQ(t, 1793491200);
    CHECK(report_parse_time("yesterday", now, &t));
    CHECK_INTEQ(t, 1793491200 - 86400);
    CHECK(report_parse_time("-7d", now, &t));
    CHECK_INTEQ(t, now - 7 * 86400);
    CHECK(report_parse_time("-12h", now, &t));
    CHECK_INTEQ(t, now - 12 * 3600);
    CHECK(report_parse_time("1793491200", now, &t));
    CHECK_INTEQ(t, 1793491200);
    CHECK(report_parse_time("2024-02-29", now, &t));
    CHECK(!report_parse_time("2026-02-29", now, &t));
    CHECK(!report_parse_time("2026-13-01", now, &t));
    CHECK(!report_parse_time("2026-11-01T25:00:00Z", now, &t));
    CHECK(!report_parse_time("2026-11-01Tjunk", now, &t));
    CHECK(!report_parse_time("last week", now, &t));
    CHECK(!report_parse_time("-7x", now, &t));
    CHECK(!report_parse_time("-d", now, &t));
    CHECK(!report_parse_time("", now, &t));
    CHECK(report_parse_time("1970-01-01", now, &t));
    CHECK_INTEQ(t, 0);
}


/* A database for the verdict columns: a pair seen twice, a pair without a
 * CSA row, DNA recommended / not-recommended / defer / none / a result
 * without grade, CSA ok / fail / unknown / defer, unobserved HELOs (one
 * whose pair has a CSA row), NULL and '' HELO meeting, a policy row
 * changed and one missing (no verdict). */
static const char join_sql[] =
    "INSERT INTO sources(id,path,fingerprint,fp_len,format,lines_read)"
    " VALUES(1,'a.log','cc',4096,'postfix',100);"
    "INSERT INTO sessions(id,source_id,line,ts,mta,ip,helo,helo_from,rdns,"
    " disposition,messages) VALUES"
    " (1,1,1,1793491201,'postfix','192.0.2.1','ok.example','log','','accepted',1),"
    " (2,1,2,1793491202,'postfix','192.0.2.1','ok.example','log','','accepted',2),"
    " (3,1,3,1793491203,'postfix','192.0.2.2','ok.example','log','','accepted',1),"
    " (4,1,4,1793491204,'postfix','192.0.2.3','nr.example','log','','rejected',0),"
    " (5,1,5,1793491205,'postfix','192.0.2.4','df.example','log','','accepted',1),"
    " (6,1,6,1793491206,'postfix','192.0.2.5','fl.example','log','','accepted',1),"
    " (7,1,7,1793491207,'postfix','192.0.2.6','dfr.example','log','','deferred',0),"
    " (8,1,8,1793491208,'postfix','192.0.2.7',NULL,NULL,'','accepted',1),"
    " (9,1,9,1793491209,'postfix','192.0.2.8',NULL,'none','','lost',0),"
    " (10,1,10,1793491210,'postfix','192.0.2.8','','log','','accepted',1),"
    " (11,1,11,1793491211,'postfix','192.0.2.9','mk.example','log','','accepted',1),"
    " (12,1,12,1793491212,'postfix','192.0.2.8',NULL,NULL,'','accepted',1),"
    " (13,1,13,1793491213,'postfix','192.0.2.10','ng.example','log','','accepted',1),"
    " (14,1,14,1793491214,'postfix','192.0.2.11','ur.example','received','','accepted',1),"
    " (15,1,15,1793491215,'postfix','192.0.2.4','df.example','log','','accepted',1);"
    "UPDATE sessions SET id = (source_id << 32) | line;"
    "INSERT INTO csa(helo,ip,status,reason,record,evaluated_at,expires_at) VALUES"
    " ('ok.example','192.0.2.1','ok','authorized','rec-ok',0,0),"
    " ('nr.example','192.0.2.3','ok','authorized','rec-nr',0,0),"
    " ('df.example','192.0.2.4','unknown','no-record',NULL,0,0),"
    " ('fl.example','192.0.2.5','fail','mismatch','rec-fl',0,0),"
    " ('dfr.example','192.0.2.6','defer','timeout','',0,0),"
    " ('','192.0.2.8','unknown','no-helo','',0,0),"
    " ('mk.example','192.0.2.9','ok','authorized','rec-mk',0,0),"
    " ('ng.example','192.0.2.10','unknown','no-record','',0,0),"
    " ('ur.example','192.0.2.11','unknown','no-record','',0,0);"
    "INSERT INTO dna_result VALUES"
    " ('ok.example','recommended','A','dna.example',0,0),"
    " ('nr.example','not-recommended','E','dna.example',0,0),"
    " ('df.example','defer',NULL,NULL,0,0),"
    " ('ng.example','unknown',NULL,NULL,0,0),"
    " ('','unknown',NULL,'x.example',0,0);"
    "UPDATE policy SET action = 'reject' WHERE csa_status = 'unknown'"
    " AND dna_status = 'defer';"
    "DELETE FROM policy WHERE csa_status = 'ok' AND dna_status = 'unknown';";

/* the verdict columns as the export computed them before (SQL joins) */
static const char join_ref[] =
    "SELECT s.line,"
    " CASE WHEN s.helo IS NULL AND s.helo_from IS NULL THEN 'unknown'"
    "  ELSE c.status END,"
    " CASE WHEN s.helo IS NULL AND s.helo_from IS NULL THEN 'helo-unobserved'"
    "  ELSE c.reason END,"
    " CASE WHEN s.helo IS NULL AND s.helo_from IS NULL THEN NULL"
    "  ELSE c.record END,"
    " COALESCE(d.status,'unknown'), d.grade, d.service,"
    " CASE WHEN s.helo IS NULL AND s.helo_from IS NULL THEN 'unevaluated'"
    "  ELSE p.action END,"
    " CASE WHEN s.helo IS NULL AND s.helo_from IS NULL THEN '' ELSE"
    " COALESCE(hv_smtp_reply(p.action, c.status, c.reason,"
    " COALESCE(d.status,'unknown'), d.service, COALESCE(s.helo,''),"
    " 'mx1.example.org'),'') END"
    " FROM sessions s"
    " LEFT JOIN csa c ON c.helo = COALESCE(s.helo,'') AND c.ip = s.ip"
    " LEFT JOIN dna_result d ON d.helo = COALESCE(s.helo,'')"
    " LEFT JOIN policy p ON p.csa_status = c.status"
    "  AND p.dna_status = COALESCE(d.status,'unknown') ORDER BY s.id";

/* the same, with the index resolve makes, so the export walks it */
#define WITH_INDEX "CREATE INDEX resolve_helo_ip ON sessions(helo, ip);"

/* store_with - a new store NAME in dir filled by sql (checked), or NULL. */
static struct store *store_with(const char *dir, const char *name,
                                const char *sql)
{
    char path[256];
    struct store *st = NULL;
    char *err = NULL;
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    CHECK_INTEQ(store_open(path, 0, &st, &err), HV_OK);
    if (st == NULL) {
        free(err);
        return NULL;
    }
    CHECK_INTEQ(store_exec(st, sql), HV_OK);
    return st;
}

/* test_verdicts_join - export verdicts (tsv) gives, row by row, the line
 * and verdict columns of join_ref, with each session's pair looked up
 * (indexed false) or numbered by the walk of the sessions(helo, ip) index
 * (pairinfo_walk). */
static void test_verdicts_join(const char *dir, bool indexed)
{
    int rc;
    struct store *st = store_with(dir, indexed ? "join-ix.db" : "join.db",
                                  join_sql);
    if (st == NULL)
        return;
    if (indexed)
        CHECK_INTEQ(store_exec(st, WITH_INDEX), HV_OK);
    sqlite3 *db = store_db(st);
    char *got = capture(db, "verdicts", "tsv", &rc);
    CHECK_INTEQ(rc, HV_OK);
    policy_register_sql(db);
    sqlite3_stmt *q = NULL;
    CHECK(sqlite3_prepare_v2(db, join_ref, -1, &q, NULL) == SQLITE_OK);
    int row = 0, kinds = 0;
    while (q != NULL && got != NULL && sqlite3_step(q) == SQLITE_ROW) {
        char want[2048];
        size_t n = (size_t)snprintf(want, sizeof(want), "%lld",
                                    (long long)sqlite3_column_int64(q, 0));
        for (int i = 1; i <= 8; i++) {
            const char *v = (const char *)sqlite3_column_text(q, i);
            n += (size_t)snprintf(want + n, sizeof(want) - n, "\t%s",
                                  v != NULL ? v : "\\N");
        }
        /* the export's line: fields 2 and 10..17 (NULL is \N) */
        char *line = line_n(got, ++row);
        char have[2048] = "";
        size_t hn = 0;
        int field = 1;
        for (char *f = line; f != NULL; field++) {
            char *tab = strchr(f, '\t');
            if (tab != NULL)
                *tab = '\0';
            if (field == 2 || (field >= 10 && field <= 17))
                hn += (size_t)snprintf(have + hn, sizeof(have) - hn, "%s%s",
                                       field == 2 ? "" : "\t", f);
            f = tab != NULL ? tab + 1 : NULL;
        }
        CHECK_MSG(strcmp(have, want) == 0, "row %d: got '%s' want '%s'", row,
                  have, want);
        kinds += strstr(want, "Access denied") != NULL;
        kinds += strstr(want, "smtp.helo=mk.example") == NULL &&
                 strstr(want, "\tmark\t") != NULL;
        free(line);
    }
    CHECK_INTEQ(row, 15);
    CHECK_INTEQ(count_lines(got), 16);
    CHECK(kinds >= 2); /* the data reach a DNA reject and a mark */
    sqlite3_finalize(q);
    free(got);
    store_close(st);
}

/* A database whose sessions cross the export's batches (512 rows read
 * ahead, 32 looked up together): four sources of 31, 32, 70 and 1,067
 * sessions; NULL times; unobserved, 'none'
 * and empty HELOs; a HELO and reverse names with bytes TSV escapes; pairs
 * with and without a CSA row, HELOs with and without a DNA result; the
 * pairs of one HELO with other CSA results and replies (the IPs have three
 * lengths, and the CSA status follows the length of HELO and IP). */
static const char many_sql[] =
    "INSERT INTO sources(id,path,fingerprint,fp_len,format,lines_read) VALUES"
    " (1,'a.log','a',4096,'postfix',1),(2,'b.log','b',4096,'exim',1),"
    " (3,'c\tdir/c.log','c',4096,'postfix',1),(4,'d.log','d',4096,'postfix',1);"
    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n"
    "  WHERE i < 1200),"
    " m(i, src) AS (SELECT i, CASE WHEN i <= 31 THEN 1 WHEN i <= 63 THEN 2"
    "  WHEN i <= 133 THEN 3 ELSE 4 END FROM n)"
    "INSERT INTO sessions(id,source_id,line,ts,mta,ip,helo,helo_from,rdns,"
    " disposition,messages)"
    " SELECT (src << 32) | i, src, i,"
    "  CASE WHEN i % 9 = 0 THEN NULL ELSE 1793491200 + i * 37 END,"
    "  CASE WHEN i % 2 = 1 THEN 'postfix' ELSE 'exim' END,"
    "  '192.0.2.' || (i % 7 * 20),"
    "  CASE i % 13 WHEN 0 THEN NULL WHEN 1 THEN NULL WHEN 2 THEN ''"
    "   WHEN 3 THEN 'tab' || char(9) || 'back\\slash.example'"
    "   ELSE 'h' || (i % 11) || '.example' END,"
    "  CASE i % 13 WHEN 0 THEN NULL WHEN 1 THEN 'none' ELSE 'log' END,"
    "  CASE WHEN i % 5 = 0 THEN '' ELSE 'r' || i || char(10) || '.example'"
    "  END,"
    "  CASE i % 4 WHEN 0 THEN 'accepted' WHEN 1 THEN 'rejected'"
    "   WHEN 2 THEN 'deferred' ELSE 'lost' END,"
    "  i % 4 FROM m;"
    "INSERT INTO csa(helo,ip,status,reason,record,evaluated_at,expires_at)"
    " SELECT COALESCE(helo,''), ip,"
    "  CASE (length(ip) + length(COALESCE(helo,''))) % 4 WHEN 0 THEN 'ok'"
    "   WHEN 1 THEN 'fail' WHEN 2 THEN 'unknown' ELSE 'defer' END,"
    "  'why-' || length(COALESCE(helo,'')), 'rec-' || ip,"
    "  1793491000 + length(ip) * 1000, 0"
    " FROM sessions WHERE (length(COALESCE(helo,'')) + length(ip)) % 5 != 0"
    " GROUP BY 1, 2;"
    "INSERT INTO dna_result(helo,status,grade,service,evaluated_at,expires_at)"
    " SELECT DISTINCT COALESCE(helo,''),"
    "  CASE length(COALESCE(helo,'')) % 3 WHEN 0 THEN 'recommended'"
    "   WHEN 1 THEN 'not-recommended' ELSE 'defer' END,"
    "  CASE WHEN length(COALESCE(helo,'')) % 2 = 0 THEN 'A' END,"
    "  'dna.example', 0, 0"
    " FROM sessions WHERE helo IS NULL OR helo NOT LIKE 'h1%';";

/* the TSV form of SQL value x (NULL: \N), as fmt_tsv writes it */
#define TSV(x)                                                              \
    "COALESCE(replace(replace(replace(replace(" x ",'\\','\\\\'),"          \
    "char(9),'\\t'),char(10),'\\n'),char(13),'\\r'),'\\N')"
#define UNOBS HV_SQL_HELO_UNOBSERVED

/* every export column by its number (export.c's session_cols), as SQL over
 * sessions s, sources src, csa c, dna_result d, policy p; NULL: not
 * compared in SQL (the domain: test_export_many asks regdomain_of_helo) */
static const char *const many_cols[] = {
    TSV("src.path"), "s.line",
    TSV("strftime('%Y-%m-%dT%H:%M:%SZ', s.ts, 'unixepoch')"), TSV("s.mta"),
    TSV("s.ip"), TSV("s.helo"), TSV("s.rdns"), TSV("s.disposition"),
    "s.messages",
    TSV("CASE WHEN " UNOBS " THEN 'unknown' ELSE c.status END"),
    TSV("CASE WHEN " UNOBS " THEN 'helo-unobserved' ELSE c.reason END"),
    TSV("CASE WHEN " UNOBS " THEN NULL ELSE c.record END"),
    TSV("COALESCE(d.status,'unknown')"), TSV("d.grade"), TSV("d.service"),
    TSV("CASE WHEN " UNOBS " THEN 'unevaluated' ELSE p.action END"),
    TSV("CASE WHEN " UNOBS " THEN '' ELSE COALESCE(hv_smtp_reply(p.action,"
        " c.status, c.reason, COALESCE(d.status,'unknown'), d.service,"
        " COALESCE(s.helo,''), 'mx1.example.org'),'') END"),
    TSV("s.ts"), "s.id", NULL,
    TSV("CASE WHEN " UNOBS " THEN NULL ELSE c.evaluated_at - s.ts END"),
};

/* field_at - a copy of the tab-separated field number k (0-based) of s
 * (malloc'ed; "" when s has fewer fields). */
static char *field_at(const char *s, int k)
{
    return nth_part(s, k, '\t', "\t");
}

/* domain_want - the domain column export verdicts owes a session whose
 * HELO is helo (NULL: none): \N, or regdomain_of_helo's domain as TSV. */
static char *domain_want(const char *helo)
{
    if (helo == NULL)
        return strdup("\\N");
    struct fmt_buf d, t;
    fmt_buf_init(&d);
    fmt_buf_init(&t);
    regdomain_of_helo(helo, strlen(helo), &d);
    fmt_tsv(&t, fmt_buf_str(&d), d.len);
    char *w = strdup(fmt_buf_str(&t));
    fmt_buf_free(&d);
    fmt_buf_free(&t);
    return w;
}

/* drop_field - s without its tab-separated field number k (0-based). */
static void drop_field(char *s, int k)
{
    const char *at = part_at(s, k, '\t');
    if (at == NULL)
        return;
    char *f = s + (at - s);
    char *end = strchr(f, '\t');
    if (end == NULL) {
        if (f > s)
            f[-1] = '\0';
        return;
    }
    memmove(f, end + 1, strlen(end + 1) + 1);
}

/* test_export_many - both exports of many_sql, line by line, against the
 * same columns worked out in SQL (the rows cross batch and source
 * boundaries, so a row paired with another row's look-up shows), with
 * the pairs looked up or walked as test_verdicts_join. */
static void test_export_many(const char *dir, bool indexed)
{
    struct store *st = store_with(dir, indexed ? "many-ix.db" : "many.db",
                                  many_sql);
    if (st == NULL)
        return;
    if (indexed)
        CHECK_INTEQ(store_exec(st, WITH_INDEX), HV_OK);
    sqlite3 *db = store_db(st);
    policy_register_sql(db);
    static const int sessions_cols[] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 17, 18};
    static const int verdicts_cols[] = {0,  1,  2,  3,  4,  5,  6,  7,  8,  9, 10,
                                        11, 12, 13, 14, 15, 16, 17, 18, 19, 20};
    for (int e = 0; e < 2; e++) {
        const int *cols = e == 0 ? sessions_cols : verdicts_cols;
        int ncols = e == 0 ? 11 : 21;
        char sql[8192] = "SELECT ";
        size_t n = strlen(sql);
        bool first = true;
        for (int k = 0; k < ncols; k++) {
            if (many_cols[cols[k]] == NULL)
                continue;
            n += (size_t)snprintf(sql + n, sizeof(sql) - n, "%s%s",
                                  first ? "" : " || char(9) || ",
                                  many_cols[cols[k]]);
            first = false;
        }
        snprintf(sql + n, sizeof(sql) - n, "%s",
                 ", s.helo"
                 " FROM sessions s JOIN sources src ON src.id = s.source_id"
                 " LEFT JOIN csa c ON c.helo = COALESCE(s.helo,'')"
                 "  AND c.ip = s.ip"
                 " LEFT JOIN dna_result d ON d.helo = COALESCE(s.helo,'')"
                 " LEFT JOIN policy p ON p.csa_status = c.status"
                 "  AND p.dna_status = COALESCE(d.status,'unknown')"
                 " ORDER BY src.path, s.id");
        int rc;
        char *got = capture(db, e == 0 ? "sessions" : "verdicts", "tsv", &rc);
        CHECK_INTEQ(rc, HV_OK);
        sqlite3_stmt *q = NULL;
        CHECK_MSG(sqlite3_prepare_v2(db, sql, -1, &q, NULL) == SQLITE_OK,
                  "%s", sqlite3_errmsg(db));
        int row = 0, unobs = 0, nocsa = 0, domains = 0;
        while (q != NULL && got != NULL && sqlite3_step(q) == SQLITE_ROW) {
            const char *want = (const char *)sqlite3_column_text(q, 0);
            char *line = line_n(got, ++row);
            if (e == 1) { /* the domain, against regdomain_of_helo */
                char *dom = field_at(line, 19);
                char *dw = domain_want(
                    (const char *)sqlite3_column_text(q, 1));
                CHECK_MSG(strcmp(dom, dw) == 0, "verdicts row %d: domain"
                          " '%s' want '%s'", row, dom, dw);
                domains += strcmp(dw, "\\N") != 0 && dw[0] != '\0';
                free(dom);
                free(dw);
                drop_field(line, 19);
            }
            CHECK_MSG(want != NULL && strcmp(line, want) == 0,
                      "%s row %d: got '%s' want '%s'",
                      e == 0 ? "sessions" : "verdicts", row, line,
                      want ? want : "(null)");
            unobs += e == 1 && strstr(line, "\tunevaluated\t") != NULL;
            nocsa += e == 1 && strstr(line, "\t\\N\t\\N\t\\N\t") != NULL;
            free(line);
        }
        CHECK_INTEQ(row, 1200);
        CHECK_INTEQ(got != NULL ? count_lines(got) : 0, 1201);
        if (e == 1) /* the data reach both kinds of row, and domains */
            CHECK(unobs > 0 && nocsa > 0 && domains > 0);
        sqlite3_finalize(q);
        free(got);
    }
    store_close(st);
}

int main(void)
{
    struct tmpstore t;
    if (!tmpstore_open(&t, "export", "t.db"))
        return CHECK_DONE();
    struct store *st = t.st;
    CHECK_INTEQ(store_exec(st, fill_sql), HV_OK);
    test_export(store_db(st));
    test_report(store_db(st));
    test_heuristics(store_db(st));
    test_parse_time();
    for (int indexed = 0; indexed < 2; indexed++) { /* stores beside t's */
        test_verdicts_join(t.dir, indexed);
        test_export_many(t.dir, indexed);
    }
    tmpstore_close(&t);
    return CHECK_DONE();
}
