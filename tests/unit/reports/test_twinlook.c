/* SPDX-License-Identifier: MIT */
/*
 * test_twinlook - the report's look-ups of its sorted pairs made by a
 * thread of their own on a twin connection (report.c insert_pairs,
 * twinread.h): over a database of 4,000 sessions and about 2,600 pairs
 * (so that the thread fills many batches of 256), the JSON report, whole
 * and over a window (the sparse scans), is the same text from the file
 * (twin and thread) as from a copy of it in memory (no file: no twin, the
 * look-ups inline), and the file's run is seen reading the twin from
 * another thread. Then a fault is put into the twin at one progress check
 * after another (its opening, its views, its read transaction, the scans
 * begun, the thread's steps): every run fails with a message naming the
 * database file and "interrupted", or gives the same text; some fault
 * lands in the thread and fails its run.
 */
#include <limits.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "report.h"
#include "reportjson.h"
#include "store.h"
#include "tmpstore.h"

static const char fill_sql[] =
    "INSERT INTO sources(id,path,fingerprint,fp_len,format,lines_read) VALUES"
    " (1,'a.log','a',4096,'postfix',1);"
    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n"
    "  WHERE i < 4000)"
    "INSERT INTO sessions(id,source_id,line,ts,mta,ip,helo,helo_from,rdns,"
    " disposition,messages)"
    " SELECT (1 << 32) | i, 1, i,"
    "  CASE WHEN i % 17 = 0 THEN NULL ELSE 1793491200 + i * 600 END,"
    "  CASE WHEN i % 2 = 1 THEN 'postfix' ELSE 'exim' END,"
    "  '192.0.2.' || (i % 97),"
    "  CASE i % 23 WHEN 0 THEN NULL WHEN 1 THEN '' "
    "   ELSE 'mx' || (i % 613) || '.d' || (i % 7) || '.example' END,"
    "  CASE i % 23 WHEN 0 THEN NULL ELSE 'log' END, '',"
    "  CASE i % 4 WHEN 0 THEN 'accepted' WHEN 1 THEN 'rejected'"
    "   WHEN 2 THEN 'deferred' ELSE 'lost' END,"
    "  i % 3 FROM n;"
    /* most pairs have a CSA row, in every status */
    "INSERT INTO csa(helo,ip,status,reason,record,evaluated_at,expires_at)"
    " SELECT COALESCE(helo,''), ip,"
    "  CASE (length(ip) + length(COALESCE(helo,''))) % 4 WHEN 0 THEN 'ok'"
    "   WHEN 1 THEN 'fail' WHEN 2 THEN 'unknown' ELSE 'defer' END,"
    "  CASE length(ip) % 3 WHEN 0 THEN 'authorized' WHEN 1 THEN 'no-record'"
    "   ELSE 'mismatch' END, 'rec-' || ip,"
    "  1793491000 + length(ip) * 1000, 0"
    " FROM sessions WHERE (length(COALESCE(helo,'')) + length(ip)) % 5 != 0"
    " GROUP BY 1, 2;"
    /* CSA rows of pairs no session has: rows the scans pass over */
    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n"
    "  WHERE i < 3000)"
    "INSERT INTO csa(helo,ip,status,reason,record,evaluated_at,expires_at)"
    " SELECT 'mx' || i || '.gone.example', '198.51.100.' || (i % 200), 'ok',"
    "  'authorized', 'r', 1793491000, 0 FROM n;"
    /* DNA results for the HELOs but those of mx1..: three statuses, a
     * grade for some */
    "INSERT INTO dna_result(helo,status,grade,service,evaluated_at,expires_at)"
    " SELECT h, CASE unicode(substr(h || 'xx', 3, 1)) % 3"
    "   WHEN 0 THEN 'defer' WHEN 1 THEN 'recommended'"
    "   ELSE 'not-recommended' END,"
    "  CASE WHEN h LIKE '%.d3.%' THEN NULL ELSE 'B' END, 'dna.test', 0, 0"
    " FROM (SELECT DISTINCT COALESCE(helo,'') AS h FROM sessions)"
    " WHERE h NOT LIKE 'mx1%';";

/* the twin's progress checks: counted, and one of them (fault_at, 0:
 * none) interrupts; whether a check came from another thread than main's */
static pthread_t main_thread;
static long checks, fault_at;
static bool off_main, fault_off_main;

/* on_check - a progress check of a twin. */
static int on_check(void *arg)
{
    (void)arg;
    bool off = !pthread_equal(pthread_self(), main_thread);
    off_main |= off;
    if (++checks != fault_at)
        return 0;
    fault_off_main = off;
    return 1;
}

/* on_open - (auto extension) every connection opened: a read-only one is
 * a twin (the tests' own are read-write or in memory); checked every 50
 * virtual machine steps. */
static int on_open(sqlite3 *db, const char **msg, const void *api)
{
    (void)msg;
    (void)api;
    if (sqlite3_db_readonly(db, "main") == 1)
        sqlite3_progress_handler(db, 50, on_check, NULL);
    return SQLITE_OK;
}

/* run_report - the JSON report of db (a window from since when not
 * LLONG_MIN) into a malloc'ed string; NULL with *rc and *err on failure. */
static char *run_report(sqlite3 *db, long long since, int *rc, char **err)
{
    struct report_opts o;
    report_opts_init(&o);
    o.since = since;
    if (since != LLONG_MIN)
        o.until = since + 600LL * 1500;
    return report_json_text(db, &o, rc, err);
}

/* in_memory - a copy of db's main database in memory (NULL: checked). */
static sqlite3 *in_memory(sqlite3 *db)
{
    sqlite3 *m = NULL;
    CHECK(sqlite3_open(":memory:", &m) == SQLITE_OK);
    sqlite3_backup *b = sqlite3_backup_init(m, "main", db, "main");
    CHECK(b != NULL);
    if (b != NULL) {
        CHECK(sqlite3_backup_step(b, -1) == SQLITE_DONE);
        sqlite3_backup_finish(b);
    }
    return m;
}

/* same_text - the file's report (twin) and the copy's (none) over since;
 * the file's, read from another thread than main's (malloc'ed). */
static char *same_text(sqlite3 *db, sqlite3 *mem, long long since,
                       const char *what)
{
    int rc;
    char *err = NULL;
    checks = 0;
    off_main = false;
    char *twin = run_report(db, since, &rc, &err);
    CHECK_MSG(twin != NULL, "%s: %s", what, err ? err : "?");
    CHECK_MSG(checks > 0 && off_main, "%s: the twin was not read from a"
              " thread (%ld checks)", what, checks);
    long twin_checks = checks;
    checks = 0;
    char *alone = run_report(mem, since, &rc, &err);
    CHECK_MSG(alone != NULL, "%s (in memory): %s", what, err ? err : "?");
    CHECK_MSG(checks == 0, "%s: a twin of a database in memory", what);
    CHECK_MSG(twin != NULL && alone != NULL && strcmp(twin, alone) == 0,
              "%s: the report with a twin differs from the one without",
              what);
    CHECK_MSG(twin != NULL && strstr(twin, "\"verdicts\"") != NULL,
              "%s: no verdicts in the report", what);
    free(alone);
    free(err);
    checks = twin_checks;
    return twin;
}

/* sweep - a fault at progress checks 1 .. n of the twin, every one up to
 * 64 then every 7th: each run fails naming the file, or changes nothing. */
static void sweep(sqlite3 *db, const char *path, long long since,
                  const char *want, long n, const char *what)
{
    int failed = 0, failed_off_main = 0;
    for (long k = 1; k <= n; k += k < 64 ? 1 : 7) {
        int rc;
        char *err = NULL;
        checks = 0;
        fault_at = k;
        fault_off_main = false;
        char *got = run_report(db, since, &rc, &err);
        if (rc != HV_OK) {
            failed++;
            failed_off_main += fault_off_main;
            CHECK_MSG(err != NULL && strstr(err, path) != NULL &&
                          strstr(err, "interrupted") != NULL,
                      "%s, fault at check %ld: message '%s'", what, k,
                      err ? err : "(none)");
        } else {
            CHECK_MSG(got != NULL && strcmp(got, want) == 0,
                      "%s, fault at check %ld ignored: the run succeeded"
                      " with different output", what, k);
        }
        free(got);
        free(err);
    }
    fault_at = 0;
    CHECK_MSG(failed > 0, "%s: no fault failed a run", what);
    CHECK_MSG(failed_off_main > 0, "%s: no fault in the thread failed a run",
              what);
}

int main(void)
{
    main_thread = pthread_self();
    sqlite3_auto_extension((void (*)(void))on_open);
    struct tmpstore t;
    if (!tmpstore_open(&t, "twinlook", "t.db"))
        return CHECK_DONE();
    CHECK_INTEQ(store_exec(t.st, fill_sql), HV_OK);
    sqlite3 *db = store_db(t.st);
    sqlite3 *mem = in_memory(db);
    static const long long windows[] = {LLONG_MIN, 1793491200 + 600LL * 1200};
    for (size_t w = 0; w < 2 && mem != NULL; w++) {
        const char *what = w == 0 ? "whole" : "window";
        char *want = same_text(db, mem, windows[w], what);
        if (want != NULL)
            sweep(db, t.path, windows[w], want, checks, what);
        free(want);
    }
    sqlite3_close(mem);
    sqlite3_reset_auto_extension();
    tmpstore_close(&t);
    return CHECK_DONE();
}
