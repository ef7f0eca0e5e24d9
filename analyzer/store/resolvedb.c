/* SPDX-License-Identifier: MIT */
/* resolvedb - the resolve stage's SQL; see resolvedb.h. Moved from
 * analyzer/dns/resolve.c (issue 16) with every step's result now checked. */
#include "resolvedb.h"

#include <stdlib.h>
#include <string.h>

#include "xmem.h"

/* prepare - one statement on st's handle; HV_OK or HV_EDB (text kept). */
static int prepare(struct store *st, const char *sql, sqlite3_stmt **q,
                   const char *what)
{
    if (sqlite3_prepare_v2(store_db(st), sql, -1, q, NULL) != SQLITE_OK) {
        *q = NULL;
        return store_fail(st, what);
    }
    return HV_OK;
}

/* bind_opt - text (borrowed for the step) or NULL when empty. */
static void bind_opt(sqlite3_stmt *s, int i, const char *v)
{
    if (v != NULL && *v != '\0')
        sqlite3_bind_text(s, i, v, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(s, i);
}

/* step_once - run a prepared one-shot write and finalize it. */
static int step_once(struct store *st, sqlite3_stmt *q, const char *what)
{
    int rc = sqlite3_step(q) == SQLITE_DONE ? HV_OK : store_fail(st, what);
    sqlite3_finalize(q);
    return rc;
}

/* ==== options, warning, indexes, runs ==== */

int resolvedb_ensure_indexes(struct store *st)
{
    static const char what[] = "looking for the (helo, ip) index";
    static const char find[] =
        "SELECT 1 FROM pragma_index_list('sessions') l"
        " WHERE (SELECT name FROM pragma_index_info(l.name) WHERE seqno = 0)"
        " = 'helo' AND (SELECT name FROM pragma_index_info(l.name)"
        " WHERE seqno = 1) = 'ip'";
    sqlite3_stmt *s;

    if (store_exec(st, "CREATE INDEX IF NOT EXISTS sessions_ts ON sessions(ts)") != HV_OK)
        return HV_EDB;
    if (prepare(st, find, &s, what) != HV_OK)
        return HV_EDB;
    int step = sqlite3_step(s);
    int rc = step == SQLITE_ROW || step == SQLITE_DONE ? HV_OK : store_fail(st, what);
    sqlite3_finalize(s);
    if (rc != HV_OK || step == SQLITE_ROW)
        return rc;
    return store_exec(st, "CREATE INDEX IF NOT EXISTS resolve_helo_ip"
                          " ON sessions(helo, ip)");
}

/* meta_sync - when meta[key] differs from value: run drop_sql (if any)
 * and store the new value. HV_OK or HV_EDB. */
static int meta_sync(struct store *st, const char *key, const char *value,
                     const char *drop_sql)
{
    static const char what[] = "reading or writing meta";
    sqlite3_stmt *s;
    bool same = false;

    if (prepare(st, "SELECT value FROM meta WHERE key = ?1", &s, what) != HV_OK)
        return HV_EDB;
    sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
    int step = sqlite3_step(s);
    if (step == SQLITE_ROW) {
        const char *v = (const char *)sqlite3_column_text(s, 0);
        same = v != NULL && strcmp(v, value) == 0;
    }
    int rc = step == SQLITE_ROW || step == SQLITE_DONE ? HV_OK : store_fail(st, what);
    sqlite3_finalize(s);
    if (rc != HV_OK || same)
        return rc;
    if (drop_sql != NULL && store_exec(st, drop_sql) != HV_OK)
        return HV_EDB;
    if (prepare(st, "INSERT OR REPLACE INTO meta(key, value) VALUES (?1, ?2)", &s,
                what) != HV_OK)
        return HV_EDB;
    sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, value, -1, SQLITE_STATIC);
    return step_once(st, s, what);
}

/* Changed evaluation options make every stored result stale, not absent:
 * it stays (and reports show it) until this or a later run writes its
 * replacement, in the same chunk transaction (INSERT OR REPLACE). Only
 * DNA without any service has no replacement: "unknown" is no row. */
static const char sql_stale_csa[] =
    "UPDATE csa SET evaluated_at = 0, expires_at = 0";
static const char sql_stale_dna[] =
    "UPDATE dna SET evaluated_at = 0, expires_at = 0;"
    " UPDATE dna_result SET evaluated_at = 0, expires_at = 0";
static const char sql_drop_dna[] = "DELETE FROM dna; DELETE FROM dna_result";

int resolvedb_set_csa_opts(struct store *st, const char *sig)
{
    return meta_sync(st, "csa_opts", sig, sql_stale_csa);
}

int resolvedb_set_dna_opts(struct store *st, const char *sig, bool keep)
{
    return meta_sync(st, "dna_opts", sig, keep ? sql_stale_dna : sql_drop_dna);
}

int resolvedb_set_authserv_id(struct store *st, const char *id)
{
    return meta_sync(st, "authserv_id", id, NULL);
}

int resolvedb_set_warning(struct store *st, const char *text)
{
    static const char what[] = "keeping the resolve warning";
    sqlite3_stmt *s;
    if (prepare(st, text != NULL
                        ? "INSERT OR REPLACE INTO meta(key, value)"
                          " VALUES ('resolve_warning', ?1)"
                        : "DELETE FROM meta WHERE key = 'resolve_warning'",
                &s, what) != HV_OK)
        return HV_EDB;
    if (text != NULL)
        sqlite3_bind_text(s, 1, text, -1, SQLITE_STATIC);
    return step_once(st, s, what);
}

int resolvedb_run_begin(struct store *st, int64_t started_at, int64_t *id)
{
    static const char what[] = "recording the resolve run";
    sqlite3_stmt *s;
    if (prepare(st, "INSERT INTO resolve_runs(started_at) VALUES (?1)", &s, what) != HV_OK)
        return HV_EDB;
    sqlite3_bind_int64(s, 1, started_at);
    int rc = step_once(st, s, what);
    if (rc == HV_OK)
        *id = sqlite3_last_insert_rowid(store_db(st));
    return rc;
}

int resolvedb_run_end(struct store *st, int64_t id, const struct resolvedb_run *run)
{
    static const char what[] = "recording the resolve run";
    sqlite3_stmt *s;
    if (prepare(st,
                "UPDATE resolve_runs SET finished_at = ?2,"
                " names = ?3, queries = ?4, cache_hits = ?5,"
                " timeouts = ?6, failures = ?7 WHERE id = ?1",
                &s, what) != HV_OK)
        return HV_EDB;
    sqlite3_bind_int64(s, 1, id);
    sqlite3_bind_int64(s, 2, run->finished_at);
    sqlite3_bind_int64(s, 3, run->names);
    sqlite3_bind_int64(s, 4, run->queries);
    sqlite3_bind_int64(s, 5, run->cache_hits);
    sqlite3_bind_int64(s, 6, run->timeouts);
    sqlite3_bind_int64(s, 7, run->failures);
    return step_once(st, s, what);
}

/* ==== the work list ==== */

/* FRESH(t) - the freshness rule of resolvedb.h on table alias t, with ?4
 * now and ?5 max_age. */
#define FRESH(t) " AND ((?5 < 0 AND " t ".expires_at > ?4) OR (?5 >= 0 AND " \
                 t ".evaluated_at > 0 AND " \
                 t ".evaluated_at + ?5 > ?4 AND (" t ".status != 'defer'" \
                 " OR " t ".expires_at > ?4)))"

/* the keyset queries of enum resolvedb_work: ?1, ?2 the last key, ?3 the
 * chunk size */
static const char *const sql_work[] = {
    [RESOLVEDB_PAIRS] =
        "SELECT s.helo, s.ip FROM sessions s"
        " WHERE s.helo IS NOT NULL AND (s.helo, s.ip) > (?1, ?2)"
        " AND NOT EXISTS (SELECT 1 FROM csa c WHERE c.helo = s.helo"
        " AND c.ip = s.ip" FRESH("c") ")"
        " GROUP BY s.helo, s.ip ORDER BY s.helo, s.ip LIMIT ?3",
    [RESOLVEDB_NOHELO] =
        "SELECT DISTINCT s.ip FROM sessions s"
        " WHERE s.helo IS NULL AND s.ip > ?1 AND ?2 IS NOT NULL"
        " AND NOT EXISTS (SELECT 1 FROM csa c WHERE c.helo = ''"
        " AND c.ip = s.ip" FRESH("c") ")"
        " ORDER BY s.ip LIMIT ?3",
    [RESOLVEDB_HELOS] =
        "SELECT DISTINCT s.helo FROM sessions s"
        " WHERE s.helo IS NOT NULL AND s.helo > ?1 AND ?2 IS NOT NULL"
        " AND NOT EXISTS (SELECT 1 FROM dna_result d WHERE d.helo = s.helo"
        FRESH("d") ")"
        " ORDER BY s.helo LIMIT ?3",
};

static const char sql_count[] =
    "SELECT"
    " (SELECT COUNT(*) FROM (SELECT 1 FROM sessions s WHERE s.helo IS NOT NULL"
    "  AND NOT EXISTS (SELECT 1 FROM csa c WHERE c.helo = s.helo"
    "  AND c.ip = s.ip" FRESH("c") ") GROUP BY s.helo, s.ip))"
    " + (SELECT COUNT(*) FROM (SELECT DISTINCT s.ip FROM sessions s"
    "  WHERE s.helo IS NULL AND NOT EXISTS (SELECT 1 FROM csa c"
    "  WHERE c.helo = '' AND c.ip = s.ip" FRESH("c") ")))"
    " + (SELECT COUNT(*) FROM (SELECT DISTINCT s.helo FROM sessions s"
    "  WHERE ?6 AND s.helo IS NOT NULL"
    "  AND NOT EXISTS (SELECT 1 FROM dna_result d WHERE d.helo = s.helo"
    FRESH("d") ")))";

int resolvedb_count_work(struct store *st, int64_t now, long long max_age, bool dna,
                         long long *n)
{
    static const char what[] = "counting the resolve work";
    sqlite3_stmt *s;
    *n = 0;
    if (prepare(st, sql_count, &s, what) != HV_OK)
        return HV_EDB;
    sqlite3_bind_int64(s, 4, now);
    sqlite3_bind_int64(s, 5, max_age);
    sqlite3_bind_int(s, 6, dna);
    int rc = HV_OK;
    if (sqlite3_step(s) == SQLITE_ROW)
        *n = sqlite3_column_int64(s, 0);
    else
        rc = store_fail(st, what);
    sqlite3_finalize(s);
    return rc;
}

struct resolvedb_cursor {
    struct store *st;
    enum resolvedb_work kind;
    sqlite3_stmt *q;
    int64_t now;
    long long max_age;
};

int resolvedb_work_open(struct store *st, enum resolvedb_work kind, int64_t now,
                        long long max_age, struct resolvedb_cursor **out)
{
    struct resolvedb_cursor *w = xcalloc(1, sizeof(*w));
    w->st = st;
    w->kind = kind;
    w->now = now;
    w->max_age = max_age;
    *out = NULL;
    if (prepare(st, sql_work[kind], &w->q, "reading the resolve work list") != HV_OK) {
        free(w);
        return HV_EDB;
    }
    *out = w;
    return HV_OK;
}

int resolvedb_work_next(struct resolvedb_cursor *w, const char *k1, const char *k2,
                        size_t limit,
                        void (*row)(void *arg, const char *a, const char *b),
                        void *arg, size_t *n)
{
    sqlite3_stmt *s = w->q;
    int step = SQLITE_DONE;
    *n = 0;
    sqlite3_bind_text(s, 1, k1, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, k2, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 3, (sqlite3_int64)limit);
    sqlite3_bind_int64(s, 4, w->now);
    sqlite3_bind_int64(s, 5, w->max_age);
    while (*n < limit && (step = sqlite3_step(s)) == SQLITE_ROW) {
        const char *b = w->kind == RESOLVEDB_PAIRS
                            ? (const char *)sqlite3_column_text(s, 1) : NULL;
        row(arg, (const char *)sqlite3_column_text(s, 0), b);
        (*n)++;
    }
    int rc = step == SQLITE_ROW || step == SQLITE_DONE
                 ? HV_OK : store_fail(w->st, "reading the resolve work list");
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    return rc;
}

void resolvedb_work_close(struct resolvedb_cursor *w)
{
    if (w == NULL)
        return;
    sqlite3_finalize(w->q);
    free(w);
}

/* ==== results ==== */

struct resolvedb {
    struct store *st;
    sqlite3_stmt *put_csa, *del_dna, *put_dna, *put_dnares;
};

int resolvedb_open(struct store *st, struct resolvedb **out)
{
    static const char what[] = "preparing the result writers";
    struct resolvedb *db = xcalloc(1, sizeof(*db));
    db->st = st;
    *out = NULL;
    if (prepare(st,
                "INSERT OR REPLACE INTO csa(helo, ip, status, reason, record,"
                " evaluated_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                &db->put_csa, what) != HV_OK ||
        prepare(st, "DELETE FROM dna WHERE helo = ?1", &db->del_dna, what) != HV_OK ||
        prepare(st,
                "INSERT OR REPLACE INTO dna(helo, service, grade, level, info, status,"
                " evaluated_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                &db->put_dna, what) != HV_OK ||
        prepare(st,
                "INSERT OR REPLACE INTO dna_result(helo, status, grade, service,"
                " evaluated_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                &db->put_dnares, what) != HV_OK) {
        resolvedb_close(db);
        return HV_EDB;
    }
    *out = db;
    return HV_OK;
}

void resolvedb_close(struct resolvedb *db)
{
    if (db == NULL)
        return;
    sqlite3_finalize(db->put_csa);
    sqlite3_finalize(db->del_dna);
    sqlite3_finalize(db->put_dna);
    sqlite3_finalize(db->put_dnares);
    free(db);
}

/* step_reset - run a reused write statement and ready it for the next
 * use; HV_OK or HV_EDB. */
static int step_reset(struct resolvedb *db, sqlite3_stmt *s, const char *what)
{
    int step = sqlite3_step(s);
    int rc = step == SQLITE_DONE ? HV_OK : store_fail(db->st, what);
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    return rc;
}

int resolvedb_put_csa(struct resolvedb *db, const struct resolvedb_csa *r)
{
    sqlite3_stmt *s = db->put_csa;
    sqlite3_bind_text(s, 1, r->helo, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, r->ip, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 3, r->status, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 4, r->reason, -1, SQLITE_STATIC);
    bind_opt(s, 5, r->record);
    sqlite3_bind_int64(s, 6, r->evaluated_at);
    sqlite3_bind_int64(s, 7, r->expires_at);
    return step_reset(db, s, "writing a CSA result");
}

int resolvedb_clear_dna(struct resolvedb *db, const char *helo)
{
    sqlite3_bind_text(db->del_dna, 1, helo, -1, SQLITE_STATIC);
    return step_reset(db, db->del_dna, "deleting old DNA results");
}

int resolvedb_put_dna(struct resolvedb *db, const struct resolvedb_dna *r)
{
    sqlite3_stmt *s = db->put_dna;
    sqlite3_bind_text(s, 1, r->helo, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, r->service, -1, SQLITE_STATIC);
    bind_opt(s, 3, r->grade);
    bind_opt(s, 4, r->level);
    bind_opt(s, 5, r->info);
    sqlite3_bind_text(s, 6, r->status, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 7, r->evaluated_at);
    sqlite3_bind_int64(s, 8, r->expires_at);
    return step_reset(db, s, "writing a DNA result");
}

int resolvedb_put_dna_result(struct resolvedb *db, const struct resolvedb_dna_result *r)
{
    sqlite3_stmt *s = db->put_dnares;
    sqlite3_bind_text(s, 1, r->helo, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, r->status, -1, SQLITE_STATIC);
    bind_opt(s, 3, r->grade);
    bind_opt(s, 4, r->service);
    sqlite3_bind_int64(s, 5, r->evaluated_at);
    sqlite3_bind_int64(s, 6, r->expires_at);
    return step_reset(db, s, "writing a DNA verdict");
}
