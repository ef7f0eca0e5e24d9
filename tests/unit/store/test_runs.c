/* SPDX-License-Identifier: MIT */
/*
 * test_runs - analyzer/store/runs.h and the drift triggers of schema v4:
 *  - replacing a csa / dna_result row with another status or reason
 *    (grade) records old -> new with the new evaluated_at; the same result
 *    again records nothing;
 *  - runs_record stores a run, its window (open ends NULL), the sessions
 *    in the window and its senders; runs_list gives new and fixed against
 *    the run before;
 *  - prune_before: dry run counts and changes nothing; then removes the
 *    timed sessions before the date, the pairs and HELOs only they used
 *    (csa, dna, dna_result, changes), the runs started before; keeps the
 *    sessions without a time, the shared pair and the sources.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "runs.h"
#include "sqlcount.h"
#include "store.h"

static const char data_sql[] =
    "INSERT INTO sources(id, path, fingerprint, fp_len) VALUES (1, 'a.log', 'f', 1);"
    "INSERT INTO sessions(id, source_id, line, ts, mta, ip, helo, helo_from, disposition,"
    " messages) VALUES"
    " (1, 1, 1, 1000, 'exim', '192.0.2.1', 'old.example', 'log', 'accepted', 1),"
    " (2, 1, 2, 1100, 'exim', '192.0.2.2', 'both.example', 'log', 'accepted', 1),"
    " (3, 1, 3, 3000, 'exim', '192.0.2.2', 'both.example', 'log', 'accepted', 1),"
    " (4, 1, 4, NULL, 'exim', '192.0.2.9', 'notime.example', 'log', 'accepted', 1),"
    " (5, 1, 5, 3100, 'exim', '192.0.2.3', 'new.example', 'log', 'accepted', 1);"
    "INSERT INTO csa VALUES ('old.example', '192.0.2.1', 'fail', 'not-authorized', NULL,"
    " 500, 9999), ('both.example', '192.0.2.2', 'ok', 'authorized', NULL, 500, 9999),"
    " ('notime.example', '192.0.2.9', 'ok', 'authorized', NULL, 500, 9999),"
    " ('new.example', '192.0.2.3', 'ok', 'authorized', NULL, 500, 9999);"
    "INSERT INTO dna_result VALUES ('old.example', 'unknown', NULL, NULL, 500, 9999);"
    "INSERT INTO dna VALUES ('old.example', 'dna.example', NULL, NULL, NULL, 'none', 500,"
    " 9999);";

int main(void)
{
    char dir[] = "/tmp/hv-test-runs-XXXXXX";
    char path[256];
    struct store *st = NULL;
    char *err = NULL;

    if (mkdtemp(dir) == NULL)
        return 1;
    snprintf(path, sizeof(path), "%s/r.db", dir);
    CHECK_INTEQ(store_open(path, 0, &st, &err), HV_OK);
    if (st == NULL)
        return CHECK_DONE();
    sqlite3 *db = store_db(st);
    CHECK_INTEQ(store_exec(st, data_sql), HV_OK);

    /* drift: a change is recorded, the same result again is not */
    CHECK_INTEQ(store_exec(st, "INSERT OR REPLACE INTO csa VALUES ('old.example',"
                               " '192.0.2.1', 'ok', 'authorized', 'r', 2000, 9999)"), HV_OK);
    CHECK_INTEQ(store_exec(st, "INSERT OR REPLACE INTO csa VALUES ('old.example',"
                               " '192.0.2.1', 'ok', 'authorized', 'r', 2100, 9999)"), HV_OK);
    CHECK_INTEQ(sql_count(db, "SELECT count(*) FROM csa_changes"), 1);
    CHECK_INTEQ(sql_count(db, "SELECT count(*) FROM csa_changes WHERE helo = 'old.example'"
                              " AND old_status = 'fail' AND old_reason = 'not-authorized'"
                              " AND new_status = 'ok' AND new_reason = 'authorized'"
                              " AND old_evaluated_at = 500 AND changed_at = 2000"), 1);
    CHECK_INTEQ(store_exec(st, "INSERT OR REPLACE INTO dna_result VALUES ('old.example',"
                               " 'recommended', 'A', 'dna.example', 2000, 9999)"), HV_OK);
    CHECK_INTEQ(sql_count(db, "SELECT count(*) FROM dna_changes WHERE old_status = 'unknown'"
                              " AND old_grade IS NULL AND new_status = 'recommended'"
                              " AND new_grade = 'A' AND changed_at = 2000"), 1);

    /* runs: window [1000, 3000) holds sessions 1 and 2 */
    struct runs_sender s1[] = {{"a.example", "not-authorized", 2, 3},
                               {"b.example", "mismatch", 1, 1}};
    struct runs_sender s2[] = {{"b.example", "mismatch", 1, 1},
                               {"c.example", "not-authorized", 1, 2}};
    struct runs_new r1 = {1500, 1600, 1000, 3000, s1, 2};
    struct runs_new r2 = {3500, 3600, LLONG_MIN, LLONG_MAX, s2, 2};
    long long id1 = 0, id2 = 0;
    CHECK_INTEQ(runs_record(st, &r1, &id1), HV_OK);
    CHECK_INTEQ(runs_record(st, &r2, &id2), HV_OK);
    CHECK(id2 == id1 + 1);
    CHECK_INTEQ(sql_count(db, "SELECT sessions FROM runs WHERE id = 1"), 2);
    CHECK_INTEQ(sql_count(db, "SELECT sessions FROM runs WHERE id = 2"), 5);
    CHECK_INTEQ(sql_count(db, "SELECT count(*) FROM runs WHERE id = 2 AND since IS NULL"
                              " AND until IS NULL"), 1);
    CHECK_INTEQ(sql_count(db, "SELECT messages FROM run_senders WHERE run_id = 1"
                              " AND domain = 'a.example'"), 3);
    struct runs_row *rows = NULL;
    size_t n = 0;
    CHECK_INTEQ(runs_list(st, &rows, &n), HV_OK);
    CHECK_INTEQ((long long)n, 2);
    if (n == 2) {
        CHECK(rows[0].has_since && rows[0].since == 1000 && rows[0].until == 3000);
        CHECK_INTEQ(rows[0].nnew, 2);
        CHECK_INTEQ(rows[0].nfixed, 0);
        CHECK(!rows[1].has_since && !rows[1].has_until);
        CHECK_INTEQ(rows[1].at_risk, 2);
        CHECK_INTEQ(rows[1].nnew, 1);   /* c.example */
        CHECK_INTEQ(rows[1].nfixed, 1); /* a.example */
    }
    free(rows);

    /* prune before 2000: sessions 1 and 2; old.example's pair and HELO
     * go, both.example's stays (session 3); run 1 (started 1500) goes */
    struct prune_stats ps;
    CHECK_INTEQ(prune_before(st, 2000, true, &ps), HV_OK);
    CHECK_INTEQ(ps.sessions, 2);
    CHECK_INTEQ(sql_count(db, "SELECT count(*) FROM sessions"), 5);
    CHECK_INTEQ(sql_count(db, "SELECT count(*) FROM runs"), 2);
    CHECK_INTEQ(sql_count(db, "SELECT count(*) FROM csa_changes"), 1);
    memset(&ps, 0, sizeof(ps));
    CHECK_INTEQ(prune_before(st, 2000, false, &ps), HV_OK);
    CHECK_INTEQ(ps.sessions, 2);
    CHECK_INTEQ(ps.untimed_kept, 1);
    CHECK_INTEQ(ps.pairs, 1);
    CHECK_INTEQ(ps.helos, 1);
    CHECK_INTEQ(ps.csa_rows, 1);
    CHECK_INTEQ(ps.dna_rows, 1);
    CHECK_INTEQ(ps.runs, 1);
    CHECK(ps.has_span && ps.first == 1000 && ps.last == 1100);
    CHECK_INTEQ(sql_count(db, "SELECT count(*) FROM sessions"), 3);
    CHECK_INTEQ(sql_count(db, "SELECT count(*) FROM sessions WHERE ts IS NULL"), 1);
    CHECK_INTEQ(sql_count(db, "SELECT count(*) FROM csa"), 3);
    CHECK_INTEQ(sql_count(db, "SELECT count(*) FROM csa WHERE helo = 'both.example'"), 1);
    CHECK_INTEQ(sql_count(db, "SELECT count(*) FROM dna"), 0);
    CHECK_INTEQ(sql_count(db, "SELECT count(*) FROM dna_result"), 0);
    CHECK_INTEQ(sql_count(db, "SELECT count(*) FROM csa_changes"), 0);
    CHECK_INTEQ(sql_count(db, "SELECT count(*) FROM dna_changes"), 0);
    CHECK_INTEQ(sql_count(db, "SELECT count(*) FROM runs"), 1);
    CHECK_INTEQ(sql_count(db, "SELECT count(*) FROM run_senders"), 2);
    CHECK_INTEQ(sql_count(db, "SELECT count(*) FROM sources"), 1);
    /* again: nothing left before the date */
    CHECK_INTEQ(prune_before(st, 2000, false, &ps), HV_OK);
    CHECK_INTEQ(ps.sessions, 0);
    CHECK(!ps.has_span);

    store_close(st);
    free(err);
    char cmd[300];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        CHECK(0);
    return CHECK_DONE();
}
