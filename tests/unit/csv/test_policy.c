/* SPDX-License-Identifier: MIT */
/*
 * test_policy - the default table (every cell), the policy file format and
 * its errors, policy_store into a real SQLite file with the project schema,
 * and the SMTP reply texts in C and through hv_smtp_reply() in SQL.
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "csvsql.h"
#include "hverr.h"
#include "policy.h"
#include "schema.h"

static void test_defaults(void)
{
    static const char *const want[4][4] = {
        { "accept", "mark", "reject", "mark" },
        { "reject", "reject", "reject", "reject" },
        { "mark", "mark", "reject", "mark" },
        { "tempfail", "tempfail", "reject", "tempfail" },
    };
    struct policy p;

    policy_default(&p);
    for (int c = 0; c < 4; c++)
        for (int d = 0; d < 4; d++)
            CHECK_STREQ(policy_action(&p, policy_csa_names[c],
                                      policy_dna_names[d]),
                        want[c][d]);
    CHECK_STREQ(policy_action(&p, "ok", NULL), "mark"); /* no DNA row */
    CHECK_STREQ(policy_action(&p, "defer", NULL), "tempfail");
    CHECK(policy_action(&p, NULL, "unknown") == NULL);
    CHECK(policy_action(&p, "bogus", "unknown") == NULL);
    CHECK(policy_action(&p, "ok", "bogus") == NULL);
    CHECK(policy_action(NULL, "ok", "unknown") == NULL);
}

/* parse - policy_parse of a C string; its message (or "") copied into err. */
static int parse(const char *text, struct policy *p, char *err, size_t n)
{
    char *msg = NULL;
    int rc = policy_parse(text, strlen(text), "pol", p, &msg);
    snprintf(err, n, "%s", msg != NULL ? msg : "");
    free(msg);
    return rc;
}

/* parse_n / load - the same for a text with NULs and for a file. */
static int parse_n(const char *text, size_t len, struct policy *p, char *err,
                   size_t n)
{
    char *msg = NULL;
    int rc = policy_parse(text, len, "pol", p, &msg);
    snprintf(err, n, "%s", msg != NULL ? msg : "");
    free(msg);
    return rc;
}

static int load(const char *path, struct policy *p, char *err, size_t n)
{
    char *msg = NULL;
    int rc = policy_load(path, p, &msg);
    snprintf(err, n, "%s", msg != NULL ? msg : "");
    free(msg);
    return rc;
}

static void test_parse(void)
{
    struct policy p;
    char err[200];

    CHECK_INTEQ(parse("# comment only\n\n   \n", &p, err, sizeof(err)), 0);
    CHECK_STREQ(err, "");
    CHECK_STREQ(policy_action(&p, "ok", "recommended"), "accept");

    CHECK_INTEQ(parse("unknown unknown accept   # be lenient\n"
                      "OK\tUnknown\tACCEPT\r\n"
                      "fail * mark\n"
                      "* defer tempfail\n"
                      "defer defer reject\n",
                      &p, err, sizeof(err)),
                0);
    CHECK_STREQ(policy_action(&p, "unknown", "unknown"), "accept");
    CHECK_STREQ(policy_action(&p, "ok", "unknown"), "accept");
    CHECK_STREQ(policy_action(&p, "fail", "recommended"), "mark");
    CHECK_STREQ(policy_action(&p, "fail", "not-recommended"), "mark");
    CHECK_STREQ(policy_action(&p, "fail", "defer"), "tempfail");
    CHECK_STREQ(policy_action(&p, "ok", "defer"), "tempfail");
    CHECK_STREQ(policy_action(&p, "defer", "defer"), "reject"); /* later */
    CHECK_STREQ(policy_action(&p, "unknown", "recommended"), "mark");
    CHECK_STREQ(policy_action(&p, "ok", "recommended"), "accept");
    CHECK_INTEQ(parse("* * reject", &p, err, sizeof(err)), 0); /* no \n */
    CHECK_STREQ(policy_action(&p, "ok", "recommended"), "reject");

    static const struct {
        const char *text;
        const char *err;
    } bad[] = {
        { "ok unknown\n", "pol:1: expected 3 fields" },
        { "\n\nok unknown accept mark\n", "pol:3: expected 3 fields" },
        { "okay unknown accept\n", "pol:1: unknown CSA status \"okay\"" },
        { "ok maybe accept\n", "pol:1: unknown DNA status \"maybe\"" },
        { "ok unknown allow\n", "pol:1: unknown action \"allow\"" },
        { "ok unknown accept\nfail unknown\xff reject\n",
          "pol:2: unknown DNA status \"unknown?\"" },
        { "ok unknown <script>\n", "pol:1: unknown action \"<script>\"" },
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        CHECK_INTEQ(parse(bad[i].text, &p, err, sizeof(err)), HV_EINPUT);
        CHECK_MSG(strncmp(err, bad[i].err, strlen(bad[i].err)) == 0,
                  "got \"%s\", want \"%s...\"", err, bad[i].err);
        /* a failed parse leaves the defaults */
        CHECK_STREQ(policy_action(&p, "ok", "unknown"), "mark");
    }
    /* NUL byte and overlong line */
    CHECK_INTEQ(parse_n("ok unknown\0 accept\n", 19, &p, err, sizeof(err)),
                HV_EINPUT);
    CHECK_STREQ(err, "pol:1: NUL byte");
    {
        static char big[3000];

        memset(big, ' ', sizeof(big));
        memcpy(big, "# x\n", 4);
        CHECK_INTEQ(parse_n(big, sizeof(big), &p, err, sizeof(err)), HV_EINPUT);
        CHECK_STREQ(err, "pol:2: line longer than 1000 bytes");
    }
    /* the message is the caller's to free, whole (not cut to a buffer) */
    {
        char *msg = NULL;
        CHECK_INTEQ(policy_parse("nope", 4, "pol", &p, &msg), HV_EINPUT);
        CHECK(msg != NULL && strstr(msg, "expected 3 fields \"CSA-STATUS") != NULL);
        free(msg);
        msg = NULL;
        CHECK_INTEQ(policy_parse("ok ok accept", 12, "pol", &p, &msg), HV_EINPUT);
        CHECK_INTEQ(policy_parse("* * accept", 10, "pol", &p, &msg), HV_OK);
        CHECK(msg != NULL); /* a success leaves *err alone */
        free(msg);
    }
}

static void test_load_store(void)
{
    char dir[] = "/tmp/hv-policy-XXXXXX";
    char path[300], dbpath[300], err[300];
    struct policy p;
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    FILE *fp;
    int rows = 0;

    CHECK(mkdtemp(dir) != NULL);
    snprintf(path, sizeof(path), "%s/policy.txt", dir);
    snprintf(dbpath, sizeof(dbpath), "%s/h.db", dir);
    CHECK_INTEQ(load(path, &p, err, sizeof(err)), HV_EINPUT);
    CHECK(strstr(err, "No such file") != NULL);
    fp = fopen(path, "w");
    CHECK(fp != NULL);
    if (fp != NULL) {
        fputs("# strict site\nunknown * reject\nok unknown accept\n", fp);
        fclose(fp);
    }
    CHECK_INTEQ(load(path, &p, err, sizeof(err)), HV_OK);
    CHECK_STREQ(policy_action(&p, "unknown", "recommended"), "reject");
    CHECK_STREQ(policy_action(&p, "ok", "unknown"), "accept");

    CHECK_INTEQ(sqlite3_open(dbpath, &db), SQLITE_OK);
    for (size_t i = 0; i < schema_version; i++)
        CHECK_INTEQ(sqlite3_exec(db, schema_migrations[i], NULL, NULL, NULL),
                    SQLITE_OK);
    CHECK_INTEQ(policy_store(&p, db), 0);
    CHECK_INTEQ(sqlite3_prepare_v2(db,
                                   "SELECT csa_status, dna_status, action "
                                   "FROM policy",
                                   -1, &st, NULL),
                SQLITE_OK);
    while (st != NULL && sqlite3_step(st) == SQLITE_ROW) {
        const char *c = (const char *)sqlite3_column_text(st, 0);
        const char *d = (const char *)sqlite3_column_text(st, 1);

        CHECK_STREQ((const char *)sqlite3_column_text(st, 2),
                    policy_action(&p, c, d));
        rows++;
    }
    sqlite3_finalize(st);
    CHECK_INTEQ(rows, 16);
    /* storing again replaces, and works inside an open transaction */
    policy_default(&p);
    CHECK_INTEQ(sqlite3_exec(db, "BEGIN", NULL, NULL, NULL), SQLITE_OK);
    CHECK_INTEQ(policy_store(&p, db), 0);
    CHECK_INTEQ(sqlite3_exec(db, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
    CHECK_INTEQ(sqlite3_prepare_v2(db,
                                   "SELECT count(*), sum(action='accept') "
                                   "FROM policy",
                                   -1, &st, NULL),
                SQLITE_OK);
    CHECK_INTEQ(sqlite3_step(st), SQLITE_ROW);
    CHECK_INTEQ(sqlite3_column_int(st, 0), 16);
    CHECK_INTEQ(sqlite3_column_int(st, 1), 1);
    sqlite3_finalize(st);
    /* no policy table: an error, nothing half-done */
    CHECK_INTEQ(sqlite3_exec(db, "DROP VIEW verdicts; DROP TABLE policy",
                             NULL, NULL, NULL),
                SQLITE_OK);
    CHECK_INTEQ(policy_store(&p, db), -1);
    CHECK_INTEQ(sqlite3_get_autocommit(db), 1);
    sqlite3_close(db);
    unlink(path);
    unlink(dbpath);
    rmdir(dir);
}

static void test_replies(void)
{
    char out[400];

    CHECK(policy_smtp_reply(out, sizeof(out), "accept", "ok", "authorized",
                            "recommended", "a.test", "h.example", "mx"));
    CHECK_STREQ(out, "");
    CHECK(policy_smtp_reply(out, sizeof(out), "reject", "fail", "mismatch",
                            "unknown", NULL, "h.example", "mx"));
    CHECK_STREQ(out, "550 5.7.1 Client SMTP authorization failed (mismatch)");
    CHECK(policy_smtp_reply(out, sizeof(out), "reject", "ok", "authorized",
                            "not-recommended", "dnswl.test", "h.example",
                            "mx"));
    CHECK_STREQ(out, "550 5.7.1 Access denied based on dnswl.test report");
    CHECK(policy_smtp_reply(out, sizeof(out), "reject", "unknown",
                            "no-record", "not-recommended", NULL, "h", "mx"));
    CHECK_STREQ(out, "550 5.7.1 Access denied based on accreditation report");
    /* both: the CSA failure is named */
    CHECK(policy_smtp_reply(out, sizeof(out), "reject", "fail",
                            "not-authorized", "not-recommended", "dnswl.test",
                            "h.example", "mx"));
    CHECK_STREQ(out,
                "550 5.7.1 Client SMTP authorization failed (not-authorized)");
    /* a policy that rejects unknown */
    CHECK(policy_smtp_reply(out, sizeof(out), "reject", "unknown",
                            "no-record", "unknown", NULL, "h.example", "mx"));
    CHECK_STREQ(out, "550 5.7.1 Client SMTP authorization failed (no-record)");
    CHECK(policy_smtp_reply(out, sizeof(out), "tempfail", "defer",
                            "srv-lookup-failed", "unknown", NULL, "h.example",
                            "mx"));
    CHECK_STREQ(out, "451 4.7.1 Client SMTP authorization deferred "
                     "(srv-lookup-failed)");
    CHECK(policy_smtp_reply(out, sizeof(out), "tempfail", "ok", "authorized",
                            "defer", NULL, "h.example", "mx"));
    CHECK_STREQ(out, "451 4.7.1 Accreditation lookup deferred");
    CHECK(policy_smtp_reply(out, sizeof(out), "mark", "unknown", "no-record",
                            "unknown", NULL, "mail.example.com",
                            "mx.example.org"));
    CHECK_STREQ(out, "Authentication-Results: mx.example.org; x-csa=unknown "
                     "smtp.helo=mail.example.com");
    CHECK(policy_smtp_reply(out, sizeof(out), "mark", "ok", "authorized",
                            "unknown", NULL, "[192.0.2.1]", NULL));
    CHECK_STREQ(out, "Authentication-Results: localhost; x-csa=ok "
                     "smtp.helo=\"[192.0.2.1]\"");
    /* hostile HELO: one line, quoted, escapes kept inside the quotes */
    CHECK(policy_smtp_reply(out, sizeof(out), "mark", "unknown",
                            "invalid-helo", "unknown", NULL,
                            "a\"b\\c\r\nX-Evil: 1\x1b[0m", "mx"));
    CHECK_STREQ(out, "Authentication-Results: mx; x-csa=unknown "
                     "smtp.helo=\"a\\\"b\\\\c??X-Evil: 1?[0m\"");
    CHECK(policy_smtp_reply(out, sizeof(out), "mark", "unknown", "no-helo",
                            "unknown", NULL, "", "mx"));
    CHECK_STREQ(out, "Authentication-Results: mx; x-csa=unknown smtp.helo=\"\"");
    CHECK(!policy_smtp_reply(out, sizeof(out), NULL, "ok", "authorized",
                             "unknown", NULL, "h", "mx"));
    CHECK(!policy_smtp_reply(out, sizeof(out), "drop", "ok", "authorized",
                             "unknown", NULL, "h", "mx"));
    CHECK_STREQ(out, "");
    /* truncation keeps the terminator */
    CHECK(policy_smtp_reply(out, 10, "reject", "fail", "mismatch", "unknown",
                            NULL, "h", "mx"));
    CHECK_STREQ(out, "550 5.7.1");
}

static void test_sql(void)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    int n = 0;

    CHECK_INTEQ(sqlite3_open(":memory:", &db), SQLITE_OK);
    policy_register_sql(db);
    CHECK_INTEQ(sqlite3_prepare_v2(
                    db,
                    "SELECT hv_smtp_reply(column1, column2, column3, "
                    "column4, column5, column6, 'mx') FROM (VALUES"
                    " ('reject','fail','mismatch','unknown',NULL,'h.ex'),"
                    " ('mark','ok','authorized',NULL,NULL,'h.ex'),"
                    " ('accept','ok','authorized','recommended','a','h.ex'),"
                    " (NULL,NULL,NULL,NULL,NULL,'h.ex'))",
                    -1, &st, NULL),
                SQLITE_OK);
    CHECK(st != NULL);
    while (st != NULL && sqlite3_step(st) == SQLITE_ROW) {
        const char *t = (const char *)sqlite3_column_text(st, 0);

        switch (n) {
        case 0:
            CHECK_STREQ(t, "550 5.7.1 Client SMTP authorization failed "
                           "(mismatch)");
            break;
        case 1:
            CHECK_STREQ(t, "Authentication-Results: mx; x-csa=ok "
                           "smtp.helo=h.ex");
            break;
        case 2:
            CHECK_STREQ(t, "");
            break;
        case 3:
            CHECK(sqlite3_column_type(st, 0) == SQLITE_NULL);
            break;
        }
        n++;
    }
    CHECK_INTEQ(n, 4);
    sqlite3_finalize(st);
    sqlite3_close(db);
}

int main(void)
{
    test_defaults();
    test_parse();
    test_load_store();
    test_replies();
    test_sql();
    return CHECK_DONE();
}
