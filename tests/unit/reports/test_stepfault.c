/* SPDX-License-Identifier: MIT */
/*
 * test_stepfault - every sqlite3_step of a report and an export is checked
 * (issue 16): a fault is injected into one statement run at a time (the
 * K-th statement the connection starts is interrupted at its first check,
 * through SQLite's trace and progress hooks), and each run must either fail
 * with a message naming the database file and the cause ("interrupted"),
 * or, when the interrupted statement did not matter, give exactly the
 * output of the run without a fault (hooks: tests/unit/stepfault.h). A step whose result is ignored shows
 * up as a "successful" run with different output (a report without its
 * time series or its resolve warning). The report is swept three times:
 * over the whole database and over a window (each reads the CSA and DNA
 * rows its own way), and over a window with no session (which reads where
 * the data is); so is `heloval runs` (its header's time span).
 */
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "export.h"
#include "report.h"
#include "reportjson.h"
#include "runs_report.h"
#include "stepfault.h"
#include "store.h"
#include "tmpstore.h"

static const char fill_sql[] =
    "INSERT INTO sources(id,path,fingerprint,fp_len,format,lines_read)"
    " VALUES(1,'logs/mail.log','aa',4096,'postfix',100);"
    "INSERT INTO source_skips VALUES(1,'malformed',3);"
    "INSERT INTO sessions(id,source_id,line,ts,mta,ip,helo,helo_from,rdns,"
    " disposition,messages) VALUES"
    " (1,1,10,1793491201,'postfix','192.0.2.1','mail.example.com','log',"
    "  'mail.example.com','accepted',2),"
    " (2,1,20,1793498401,'postfix','198.51.100.5','bad.example.net','log',"
    "  '','rejected',3),"
    " (3,1,30,1793598401,'postfix','198.51.100.6',NULL,NULL,'','accepted',1),"
    /* accepted, CSV would reject: the advice table has a row (evidence) */
    " (4,1,40,1793598501,'postfix','203.0.113.7','risky.example.org','log',"
    "  '','accepted',1);"
    "INSERT INTO csa(helo,ip,status,reason,record,evaluated_at,expires_at)"
    " VALUES('mail.example.com','192.0.2.1','ok','authorized','r',0,0),"
    " ('bad.example.net','198.51.100.5','fail','mismatch','r',0,0),"
    " ('risky.example.org','203.0.113.7','fail','not-authorized','r',0,0);"
    "UPDATE sessions SET id = (source_id << 32) | line;"
    "INSERT INTO dna_result VALUES('mail.example.com','recommended','B',"
    " 'dna.example',0,0);"
    "INSERT INTO meta VALUES('resolve_warning','most lookups failed'),"
    " ('dna_opts','trust=1 x');";

/* report_since - the --since of run_report (LLONG_MIN: none) */
static long long report_since = LLONG_MIN;

/* run_report - the JSON report (over --since report_since) into a string
 * (malloc'ed, NULL on failure), rc and message in *rc, *err. */
static char *run_report(sqlite3 *db, int *rc, char **err)
{
    struct report_opts o;
    report_opts_init(&o);
    o.since = report_since;
    return report_json_text(db, &o, rc, err);
}

/* run_export - export verdicts as tsv into a string (malloc'ed). */
static char *run_export(sqlite3 *db, int *rc, char **err)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    *rc = export_db(db, "verdicts", "tsv", NULL, false, f, err);
    fclose(f);
    return buf;
}

/* run_runs - `heloval runs` as json into a string (malloc'ed). */
static char *run_runs(sqlite3 *db, int *rc, char **err)
{
    struct report_opts o;
    report_opts_init(&o);
    o.format = "json";
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    *rc = runs_render_list(db, &o, f, err);
    fclose(f);
    return buf;
}

/* sweep - fault each statement of run in turn (see the file comment). */
static void sweep(sqlite3 *db, const char *path, const char *name,
                  char *(*run)(sqlite3 *, int *, char **), const char *must)
{
    int rc, failed = 0;
    char *err = NULL;
    arm(db, 0);
    char *want = run(db, &rc, &err);
    int nstmt = stmt_no;
    disarm(db);
    CHECK_INTEQ(rc, HV_OK);
    CHECK_MSG(want != NULL && strstr(want, must) != NULL, "%s: no '%s' in"
              " the output", name, must);
    CHECK_MSG(nstmt >= 2, "%s: only %d statements seen", name, nstmt);
    for (int k = 1; k <= nstmt; k++) {
        char *got;
        free(err);
        err = NULL;
        faults = 0;
        arm(db, k);
        got = run(db, &rc, &err);
        disarm(db);
        if (faults == 0) {
            free(got);
            continue; /* the statement ended before any check */
        }
        if (rc != HV_OK) {
            failed++;
            CHECK_MSG(err != NULL && strstr(err, path) != NULL &&
                          strstr(err, "interrupted") != NULL,
                      "%s, fault at statement %d: message '%s'", name, k,
                      err ? err : "(none)");
        } else {
            CHECK_MSG(got != NULL && want != NULL && strcmp(got, want) == 0,
                      "%s, fault at statement %d ignored: the run succeeded"
                      " with different output", name, k);
        }
        free(got);
    }
    CHECK_MSG(failed > 0, "%s: no fault made the run fail", name);
    free(err);
    free(want);
}

int main(void)
{
    struct tmpstore t;
    if (!tmpstore_open(&t, "stepfault", "t.db"))
        return CHECK_DONE();
    struct store *st = t.st;
    const char *path = t.path;
    CHECK_INTEQ(store_exec(st, fill_sql), HV_OK);
    sweep(store_db(st), path, "report", run_report, "most lookups failed");
    /* a window: the pairs' CSA and DNA rows are looked up one by one (the
     * whole database reads them in two ordered scans) */
    report_since = 1793491200;
    sweep(store_db(st), path, "report window", run_report,
          "most lookups failed");
    /* a window after the data (2030): the report says where the data is */
    report_since = 1893456000;
    sweep(store_db(st), path, "report empty window", run_report,
          "\"database_first_session\": \"2026-11-01T00:00:01Z\"");
    sweep(store_db(st), path, "runs", run_runs,
          "\"first_session\": \"2026-11-01T00:00:01Z\"");
    sweep(store_db(st), path, "export", run_export, "bad.example.net");
    tmpstore_close(&t);
    return CHECK_DONE();
}
