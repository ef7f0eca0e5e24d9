/* SPDX-License-Identifier: MIT */
/* scandb - the scan stage's SQL; see scandb.h. Moved from scan.c (issue
 * 16) with every step's result now checked. */
#include "scandb.h"

#include <stdbool.h>
#include <stdlib.h>

#include "origingroups.h"
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

int scandb_rename_source(struct store *st, int64_t source_id, const char *path)
{
    static const char what[] = "renaming a source";
    sqlite3_stmt *q;
    if (prepare(st, "UPDATE sources SET path=?1 WHERE id=?2", &q, what) != HV_OK)
        return HV_EDB;
    sqlite3_bind_text(q, 1, path, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(q, 2, source_id);
    int rc = sqlite3_step(q) == SQLITE_DONE ? HV_OK : store_fail(st, what);
    sqlite3_finalize(q);
    return rc;
}

int scandb_session_lines(struct store *st, int64_t source_id, int64_t after_line,
                         int64_t upto_line, int64_t **lines, size_t *n)
{
    static const char what[] = "reading the stored sessions of a source";
    sqlite3_stmt *q;
    size_t cap = 0;
    *lines = NULL;
    *n = 0;
    if (prepare(st,
                "SELECT line FROM sessions WHERE id > (?1 << 32) | ?2"
                " AND id <= (?1 << 32) | ?3 ORDER BY id",
                &q, what) != HV_OK)
        return HV_EDB;
    sqlite3_bind_int64(q, 1, source_id);
    sqlite3_bind_int64(q, 2, after_line);
    sqlite3_bind_int64(q, 3, upto_line);
    int step;
    while ((step = sqlite3_step(q)) == SQLITE_ROW) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 64;
            *lines = xrealloc(*lines, cap * sizeof(**lines));
        }
        (*lines)[(*n)++] = sqlite3_column_int64(q, 0);
    }
    int rc = step == SQLITE_DONE ? HV_OK : store_fail(st, what);
    sqlite3_finalize(q);
    if (rc != HV_OK) {
        free(*lines);
        *lines = NULL;
        *n = 0;
    }
    return rc;
}

int scandb_drop_sessions(struct store *st, int64_t source_id, const int64_t *lines,
                         const bool *keep, size_t n)
{
    static const char what[] = "deleting sessions no longer in a source";
    sqlite3_stmt *q;
    int rc = HV_OK;
    if (n == 0)
        return HV_OK;
    if (prepare(st, "DELETE FROM sessions WHERE id = (?1 << 32) | ?2", &q, what) != HV_OK)
        return HV_EDB;
    for (size_t i = 0; i < n && rc == HV_OK; i++) {
        if (keep[i])
            continue;
        sqlite3_bind_int64(q, 1, source_id);
        sqlite3_bind_int64(q, 2, lines[i]);
        if (sqlite3_step(q) != SQLITE_DONE)
            rc = store_fail(st, what);
        sqlite3_reset(q);
    }
    sqlite3_finalize(q);
    return rc;
}

int scandb_count_rows(struct store *st, int64_t source_id, int64_t *n)
{
    static const char what[] = "counting the stored sessions of a source";
    sqlite3_stmt *q;
    if (prepare(st,
                "SELECT count(*) FROM sessions"
                " WHERE id >= (?1 << 32) AND id < ((?1 + 1) << 32)",
                &q, what) != HV_OK)
        return HV_EDB;
    sqlite3_bind_int64(q, 1, source_id);
    int rc = HV_OK;
    if (sqlite3_step(q) == SQLITE_ROW)
        *n = sqlite3_column_int64(q, 0);
    else
        rc = store_fail(st, what);
    sqlite3_finalize(q);
    return rc;
}

int scandb_count_source(struct store *st, int64_t source_id,
                        void (*row)(void *arg, const char *mta, int64_t n,
                                    int64_t with_helo),
                        void *arg)
{
    static const char what[] = "counting the sessions of a source";
    sqlite3_stmt *q;
    if (prepare(st,
                "SELECT mta, count(*), count(helo) FROM sessions"
                " WHERE id >= (?1 << 32) AND id < ((?1 + 1) << 32) GROUP BY mta",
                &q, what) != HV_OK)
        return HV_EDB;
    sqlite3_bind_int64(q, 1, source_id);
    int step;
    while ((step = sqlite3_step(q)) == SQLITE_ROW)
        row(arg, (const char *)sqlite3_column_text(q, 0), sqlite3_column_int64(q, 1),
            sqlite3_column_int64(q, 2));
    int rc = step == SQLITE_DONE ? HV_OK : store_fail(st, what);
    sqlite3_finalize(q);
    return rc;
}

/* count_groups_in_c - one pass over the sessions (no sort: the table has
 * no index to group by) counting each (mta, helo_from) group of gs into
 * n[]. HV_OK, HV_EBUSY when there are more than ORIGIN_GROUPS_MAX groups
 * (SQLite groups them instead), or HV_EDB. */
static int count_groups_in_c(struct store *st, struct origin_groups *gs, int64_t *n,
                             const char *what)
{
    sqlite3_stmt *q;
    if (prepare(st, "SELECT mta, helo_from FROM sessions", &q, what) != HV_OK)
        return HV_EDB;
    int step, rc = HV_OK;
    while ((step = sqlite3_step(q)) == SQLITE_ROW) {
        long i = origin_groups_find(gs, (const char *)sqlite3_column_text(q, 0),
                                    (const char *)sqlite3_column_text(q, 1));
        if (i < 0) {
            rc = HV_EBUSY;
            break;
        }
        n[i]++;
    }
    if (rc == HV_OK && step != SQLITE_DONE)
        rc = store_fail(st, what);
    sqlite3_finalize(q);
    return rc;
}

int scandb_count_helo_from(struct store *st,
                           void (*row)(void *arg, const char *mta,
                                       const char *helo_from, int64_t n),
                           void *arg)
{
    static const char what[] = "counting the sessions by HELO provenance";
    struct origin_groups gs;
    int64_t n[ORIGIN_GROUPS_MAX] = {0};
    origin_groups_init(&gs);
    int rc = count_groups_in_c(st, &gs, n, what);
    for (size_t i = 0; rc == HV_OK && i < gs.n; i++)
        row(arg, gs.g[i].mta, gs.g[i].from, n[i]);
    origin_groups_free(&gs);
    if (rc != HV_EBUSY)
        return rc;
    /* a database with odd values: let SQLite sort and group them */
    sqlite3_stmt *q;
    if (prepare(st, "SELECT mta, helo_from, count(*) FROM sessions GROUP BY 1, 2",
                &q, what) != HV_OK)
        return HV_EDB;
    int step;
    while ((step = sqlite3_step(q)) == SQLITE_ROW)
        row(arg, (const char *)sqlite3_column_text(q, 0),
            (const char *)sqlite3_column_text(q, 1), sqlite3_column_int64(q, 2));
    rc = step == SQLITE_DONE ? HV_OK : store_fail(st, what);
    sqlite3_finalize(q);
    return rc;
}

int scandb_record_run(struct store *st, const struct scandb_run *run)
{
    static const char what[] = "recording the scan run";
    sqlite3_stmt *q;
    if (prepare(st,
                "INSERT INTO scan_runs(started_at,finished_at,files,"
                "bytes,lines,sessions,helo_joined)"
                " VALUES(?1,?2,?3,?4,?5,?6,?7)",
                &q, what) != HV_OK)
        return HV_EDB;
    sqlite3_bind_int64(q, 1, run->started_at);
    sqlite3_bind_int64(q, 2, run->finished_at);
    sqlite3_bind_int64(q, 3, run->files);
    sqlite3_bind_int64(q, 4, run->bytes);
    sqlite3_bind_int64(q, 5, run->lines);
    sqlite3_bind_int64(q, 6, run->sessions);
    sqlite3_bind_int64(q, 7, run->helo_joined);
    int rc = sqlite3_step(q) == SQLITE_DONE ? HV_OK : store_fail(st, what);
    sqlite3_finalize(q);
    return rc;
}
