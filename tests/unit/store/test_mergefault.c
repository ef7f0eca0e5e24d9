/* SPDX-License-Identifier: MIT */
/*
 * test_mergefault - every sqlite3_step of merge_from is checked (issue 16):
 * one statement run at a time is interrupted (tests/unit/stepfault.h) while
 * an input database is merged into a fresh target; each merge must either
 * fail with a message naming the input file and the cause, or, when the
 * interrupted statement did not matter, report exactly the counts of the
 * merge without a fault. A count whose step failed used to read as 0.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "merge.h"
#include "stepfault.h"
#include "store.h"

static const char fill_in[] =
    "INSERT INTO sources(id,path,fingerprint,fp_len,format,lines_read)"
    " VALUES(1,'logs/a.log','aa',4096,'postfix',10),"
    " (2,'logs/b.log','bb',4096,'exim',10);"
    "INSERT INTO sessions(id,source_id,line,ts,mta,ip,helo,helo_from,rdns,"
    " disposition,messages) VALUES"
    " ((1<<32)|1,1,1,1793491201,'postfix','192.0.2.1','a.example','log','',"
    "  'accepted',1),"
    " ((2<<32)|1,2,1,1793491202,'exim','192.0.2.2','b.example','log','',"
    "  'accepted',1);";

static const char fill_out[] =
    "INSERT INTO sources(id,path,fingerprint,fp_len,format,lines_read)"
    " VALUES(1,'logs/a.log','aa',4096,'postfix',10);"
    "INSERT INTO sessions(id,source_id,line,ts,mta,ip,helo,helo_from,rdns,"
    " disposition,messages) VALUES"
    " ((1<<32)|1,1,1,1793491201,'postfix','192.0.2.1','a.example','log','',"
    "  'accepted',1);";

/* make_db - a fresh database at path filled by sql. */
static struct store *make_db(const char *path, const char *sql)
{
    struct store *st = NULL;
    char *err = NULL;
    unlink(path);
    if (store_open(path, 0, &st, &err) != HV_OK) {
        printf("store_open %s: %s\n", path, err ? err : "?");
        free(err);
        return NULL;
    }
    CHECK_INTEQ(store_exec(st, sql), HV_OK);
    return st;
}

/* merge_once - merge in into a fresh out, faulting statement k (0: none). */
static int merge_once(const char *out, const char *in, int k,
                      struct merge_stats *ms, char **err)
{
    struct store *st = make_db(out, fill_out);
    int rc;
    if (st == NULL)
        return HV_EDB;
    arm(store_db(st), k);
    rc = merge_from(st, in, ms, err);
    disarm(store_db(st));
    store_close(st);
    return rc;
}

int main(void)
{
    char dir[] = "/tmp/hv-test-mergefault-XXXXXX";
    char in[256], out[256], cmd[300];
    struct merge_stats want, got;
    char *err = NULL;
    int failed = 0;
    if (mkdtemp(dir) == NULL) {
        CHECK(0);
        return CHECK_DONE();
    }
    snprintf(in, sizeof(in), "%s/in.db", dir);
    snprintf(out, sizeof(out), "%s/out.db", dir);
    struct store *src = make_db(in, fill_in);
    CHECK(src != NULL);
    store_close(src);

    CHECK_INTEQ(merge_once(out, in, 0, &want, &err), HV_OK);
    int nstmt = stmt_no;
    CHECK_INTEQ(want.sources_added, 1);
    CHECK_INTEQ(want.sources_shared, 1);
    CHECK_INTEQ(want.sessions_added, 1);
    CHECK_MSG(nstmt > 5, "only %d statements seen", nstmt);
    for (int k = 1; k <= nstmt; k++) {
        free(err);
        err = NULL;
        faults = 0;
        int rc = merge_once(out, in, k, &got, &err);
        if (faults == 0)
            continue;
        if (rc != HV_OK) {
            failed++;
            CHECK_MSG(err != NULL && strstr(err, in) != NULL &&
                          strstr(err, "interrupted") != NULL,
                      "fault at statement %d: message '%s'", k,
                      err ? err : "(none)");
        } else {
            CHECK_MSG(memcmp(&got, &want, sizeof(got)) == 0,
                      "fault at statement %d ignored: added %lld shared %lld"
                      " sessions %lld", k, got.sources_added,
                      got.sources_shared, got.sessions_added);
        }
    }
    CHECK_MSG(failed > 0, "no fault made the merge fail");
    free(err);
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    CHECK(system(cmd) == 0);
    return CHECK_DONE();
}
