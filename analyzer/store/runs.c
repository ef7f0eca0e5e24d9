/* SPDX-License-Identifier: MIT */
/*
 * runs - recorded runs and prune. See runs.h.
 */
#include "runs.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "hverr.h"
#include "resolvedb.h"
#include "xmem.h"

/* prep - prepare sql on st; HV_OK or HV_EDB naming what. */
static int prep(struct store *st, const char *sql, sqlite3_stmt **q, const char *what)
{
    if (sqlite3_prepare_v2(store_db(st), sql, -1, q, NULL) != SQLITE_OK) {
        *q = NULL;
        return store_fail(st, what);
    }
    return HV_OK;
}

/* bind_time - bind v at i, NULL when it is the open end (LLONG_MIN/MAX). */
static void bind_time(sqlite3_stmt *q, int i, long long v)
{
    if (v == LLONG_MIN || v == LLONG_MAX)
        sqlite3_bind_null(q, i);
    else
        sqlite3_bind_int64(q, i, v);
}

/* run_done - step q to its end and finalize it; HV_OK or HV_EDB. */
static int run_done(struct store *st, sqlite3_stmt *q, const char *what)
{
    int s = sqlite3_step(q);
    int rc = s == SQLITE_DONE || s == SQLITE_ROW ? HV_OK : store_fail(st, what);
    sqlite3_finalize(q);
    return rc;
}

/* one_int - the first column of the one-row query sql (binding before at
 * ?1 when it has one) into *out; HV_OK or HV_EDB. */
static int one_int(struct store *st, const char *sql, long long before, long long *out)
{
    sqlite3_stmt *q;
    int rc = prep(st, sql, &q, "prune: counting");
    if (rc != HV_OK)
        return rc;
    if (sqlite3_bind_parameter_count(q) > 0)
        sqlite3_bind_int64(q, 1, before);
    int s = sqlite3_step(q);
    if (s == SQLITE_ROW) {
        *out = sqlite3_column_int64(q, 0);
        rc = HV_OK;
    } else {
        rc = store_fail(st, "prune: counting");
    }
    sqlite3_finalize(q);
    return rc;
}

int runs_record(struct store *st, const struct runs_new *r, long long *id)
{
    sqlite3_stmt *q = NULL;
    int rc = store_begin(st);
    if (rc != HV_OK)
        return rc;
    rc = prep(st,
              "INSERT INTO runs(started_at, finished_at, since, until, sessions,"
              " at_risk_senders) SELECT ?1, ?2, ?3, ?4, (SELECT count(*) FROM sessions"
              " WHERE (?3 IS NULL AND ?4 IS NULL) OR (ts IS NOT NULL"
              " AND ts >= COALESCE(?3, ts) AND ts < COALESCE(?4, ts + 1))), ?5",
              &q, "recording the run");
    if (rc == HV_OK) {
        sqlite3_bind_int64(q, 1, r->started_at);
        sqlite3_bind_int64(q, 2, r->finished_at);
        bind_time(q, 3, r->since);
        bind_time(q, 4, r->until);
        sqlite3_bind_int64(q, 5, (long long)r->nsenders);
        rc = run_done(st, q, "recording the run");
    }
    long long rid = sqlite3_last_insert_rowid(store_db(st));
    if (rc == HV_OK)
        rc = prep(st,
                  "INSERT OR REPLACE INTO run_senders(run_id, domain, reason, sessions,"
                  " messages) VALUES (?1, ?2, ?3, ?4, ?5)",
                  &q, "recording the run's senders");
    for (size_t i = 0; rc == HV_OK && i < r->nsenders; i++) {
        const struct runs_sender *s = &r->senders[i];
        sqlite3_bind_int64(q, 1, rid);
        sqlite3_bind_text(q, 2, s->domain != NULL ? s->domain : "", -1, SQLITE_STATIC);
        sqlite3_bind_text(q, 3, s->reason != NULL ? s->reason : "", -1, SQLITE_STATIC);
        sqlite3_bind_int64(q, 4, s->sessions);
        sqlite3_bind_int64(q, 5, s->messages);
        if (sqlite3_step(q) != SQLITE_DONE)
            rc = store_fail(st, "recording the run's senders");
        sqlite3_reset(q);
    }
    if (rc == HV_OK) {
        sqlite3_finalize(q);
        q = NULL;
        rc = store_commit(st);
    }
    if (rc != HV_OK) {
        sqlite3_finalize(q);
        store_rollback(st);
        return rc;
    }
    if (id != NULL)
        *id = rid;
    return HV_OK;
}

/* the runs with their new and fixed senders against the run before */
static const char sql_list[] =
    "SELECT r.id, r.started_at, r.finished_at, r.since, r.until, r.sessions,"
    " r.at_risk_senders,"
    " (SELECT count(*) FROM run_senders s WHERE s.run_id = r.id AND NOT EXISTS"
    "  (SELECT 1 FROM run_senders p WHERE p.run_id = (SELECT max(id) FROM runs"
    "   WHERE id < r.id) AND p.domain = s.domain AND p.reason = s.reason)),"
    " (SELECT count(*) FROM run_senders p WHERE p.run_id = (SELECT max(id)"
    "  FROM runs WHERE id < r.id) AND NOT EXISTS (SELECT 1 FROM run_senders s"
    "  WHERE s.run_id = r.id AND s.domain = p.domain AND s.reason = p.reason))"
    " FROM runs r ORDER BY r.id";

int runs_list(struct store *st, struct runs_row **rows, size_t *n)
{
    sqlite3_stmt *q;
    size_t cap = 0;
    *rows = NULL;
    *n = 0;
    int rc = prep(st, sql_list, &q, "listing the runs");
    if (rc != HV_OK)
        return rc;
    int s;
    while ((s = sqlite3_step(q)) == SQLITE_ROW) {
        if (*n == cap) {
            cap = cap ? 2 * cap : 16;
            *rows = xrealloc(*rows, cap * sizeof(**rows));
        }
        struct runs_row *w = &(*rows)[(*n)++];
        memset(w, 0, sizeof(*w));
        w->id = sqlite3_column_int64(q, 0);
        w->started_at = sqlite3_column_int64(q, 1);
        w->finished_at = sqlite3_column_int64(q, 2);
        w->has_since = sqlite3_column_type(q, 3) != SQLITE_NULL;
        w->since = sqlite3_column_int64(q, 3);
        w->has_until = sqlite3_column_type(q, 4) != SQLITE_NULL;
        w->until = sqlite3_column_int64(q, 4);
        w->sessions = sqlite3_column_int64(q, 5);
        w->at_risk = sqlite3_column_int64(q, 6);
        w->nnew = sqlite3_column_int64(q, 7);
        w->nfixed = sqlite3_column_int64(q, 8);
    }
    rc = s == SQLITE_DONE ? HV_OK : store_fail(st, "listing the runs");
    sqlite3_finalize(q);
    if (rc != HV_OK) {
        free(*rows);
        *rows = NULL;
        *n = 0;
    }
    return rc;
}

/* the steps of prune, in order, in one transaction; ?1 = before. The
 * pruned sessions are kept in temp.hv_prune for the later steps. */
static const char *const prune_steps[] = {
    "DROP TABLE IF EXISTS temp.hv_prune",
    "CREATE TEMP TABLE hv_prune AS SELECT id, COALESCE(helo,'') AS helo, ip, ts"
    " FROM sessions WHERE ts IS NOT NULL AND ts < ?1",
    "DELETE FROM sessions WHERE id IN (SELECT id FROM temp.hv_prune)",
    /* the pairs and HELOs no remaining session references */
    "DROP TABLE IF EXISTS temp.hv_prune_pairs",
    "CREATE TEMP TABLE hv_prune_pairs AS SELECT DISTINCT p.helo, p.ip"
    " FROM temp.hv_prune p WHERE NOT EXISTS (SELECT 1 FROM sessions s"
    " WHERE s.ip = p.ip AND (s.helo = p.helo OR (p.helo = '' AND s.helo IS NULL)))",
    "DROP TABLE IF EXISTS temp.hv_prune_helos",
    "CREATE TEMP TABLE hv_prune_helos AS SELECT DISTINCT p.helo"
    " FROM temp.hv_prune p WHERE NOT EXISTS (SELECT 1 FROM sessions s"
    " WHERE s.helo = p.helo OR (p.helo = '' AND s.helo IS NULL))",
};

/* the deletions of stored rows, each counted (changes()) */
static const char *const prune_deletes[] = {
    "DELETE FROM csa WHERE (helo, ip) IN (SELECT helo, ip FROM temp.hv_prune_pairs)",
    "DELETE FROM dna_result WHERE helo IN (SELECT helo FROM temp.hv_prune_helos)",
    "DELETE FROM run_senders WHERE run_id IN (SELECT id FROM runs WHERE started_at < ?1)",
    "DELETE FROM runs WHERE started_at < ?1",
    "DELETE FROM csa_changes WHERE (helo, ip) IN"
    " (SELECT helo, ip FROM temp.hv_prune_pairs)",
    "DELETE FROM dna_changes WHERE helo IN (SELECT helo FROM temp.hv_prune_helos)",
    "DELETE FROM dna WHERE helo IN (SELECT helo FROM temp.hv_prune_helos)",
};

/* exec_before - run sql with ?1 = before (when it has it); HV_OK or HV_EDB;
 * *changed the rows it changed (may be NULL). */
static int exec_before(struct store *st, const char *sql, long long before, long long *changed)
{
    sqlite3_stmt *q;
    int rc = prep(st, sql, &q, "prune");
    if (rc != HV_OK)
        return rc;
    if (sqlite3_bind_parameter_count(q) > 0)
        sqlite3_bind_int64(q, 1, before);
    rc = run_done(st, q, "prune");
    if (rc == HV_OK && changed != NULL)
        *changed = sqlite3_changes(store_db(st));
    return rc;
}

int prune_before(struct store *st, long long before, bool dry_run, struct prune_stats *out)
{
    memset(out, 0, sizeof(*out));
    int rc = store_begin(st);
    if (rc != HV_OK)
        return rc;
    /* the indexes resolve makes (sessions by time, by (helo, ip)): without
     * them each "still referenced?" would read every session; in the
     * transaction, so a dry run leaves the file as it was */
    rc = resolvedb_ensure_indexes(st);
    for (size_t i = 0; rc == HV_OK && i < sizeof(prune_steps) / sizeof(prune_steps[0]); i++)
        rc = exec_before(st, prune_steps[i], before, NULL);
    long long k = 0;
    if (rc == HV_OK)
        rc = one_int(st, "SELECT count(*) FROM temp.hv_prune", before, &out->sessions);
    if (rc == HV_OK)
        rc = one_int(st, "SELECT count(*) FROM sessions WHERE ts IS NULL", before,
                     &out->untimed_kept);
    if (rc == HV_OK)
        rc = one_int(st, "SELECT count(*) FROM temp.hv_prune_pairs", before, &out->pairs);
    if (rc == HV_OK)
        rc = one_int(st, "SELECT count(*) FROM temp.hv_prune_helos", before, &out->helos);
    if (rc == HV_OK && out->sessions > 0) {
        out->has_span = true;
        rc = one_int(st, "SELECT min(ts) FROM temp.hv_prune", before, &out->first);
        if (rc == HV_OK)
            rc = one_int(st, "SELECT max(ts) FROM temp.hv_prune", before, &out->last);
    }
    for (size_t i = 0; rc == HV_OK && i < sizeof(prune_deletes) / sizeof(prune_deletes[0]);
         i++) {
        rc = exec_before(st, prune_deletes[i], before, &k);
        if (i == 0)
            out->csa_rows = k;
        else if (i == 1)
            out->dna_rows = k;
        else if (i == 3)
            out->runs = k;
    }
    if (rc == HV_OK)
        exec_before(st, "DROP TABLE IF EXISTS temp.hv_prune", before, NULL);
    if (rc == HV_OK)
        exec_before(st, "DROP TABLE IF EXISTS temp.hv_prune_pairs", before, NULL);
    if (rc == HV_OK)
        exec_before(st, "DROP TABLE IF EXISTS temp.hv_prune_helos", before, NULL);
    if (rc != HV_OK || dry_run) {
        store_rollback(st);
        return rc;
    }
    return store_commit(st);
}
