/* SPDX-License-Identifier: MIT */
/*
 * origintally - HELO provenance counts kept by SQLite's hooks (see the
 * header). Debian's libsqlite3 is built with the pre-update hook
 * (PRAGMA compile_options: ENABLE_PREUPDATE_HOOK); its declarations are
 * only visible with the macro below.
 */
#define SQLITE_ENABLE_PREUPDATE_HOOK 1

#include "origintally.h"

#include <stdlib.h>
#include <string.h>

#include "origingroups.h"
#include "xmem.h"

/* Told (mta, helo_from) texts known again by their addresses (a writer
 * has one address per MTA name and per provenance). */
#define TOLD_MAX 16

struct origin_tally {
    sqlite3 *db;
    int mta_col, from_col;               /* column indexes in main.sessions */
    struct origin_groups groups;         /* (mta, helo_from) -> number */
    int64_t committed[ORIGIN_GROUPS_MAX], pending[ORIGIN_GROUPS_MAX];
    bool lost;
    const struct origin_insert *expect;  /* origin_tally_expect's rows */
    size_t nexpect, next;                /* ... and the next one due */
    struct {                             /* groups of told inserts by */
        const char *mta, *from;          /* ... the addresses of their */
        size_t group;                    /* ... static texts */
    } told[TOLD_MAX];
    size_t ntold;
};

/* value_text - *text = v's text, NULL for SQL NULL. False for any other
 * type or a missing value (the tally cannot say what the table holds). */
static bool value_text(sqlite3_value *v, const char **text)
{
    if (v == NULL)
        return false;
    switch (sqlite3_value_type(v)) {
    case SQLITE_NULL:
        *text = NULL;
        return true;
    case SQLITE_TEXT:
        *text = (const char *)sqlite3_value_text(v);
        return *text != NULL;
    default:
        return false;
    }
}

/* count_texts - add delta to the pending count of the group (mta, from).
 * Marks the tally lost when there is no room for a new group. */
static void count_texts(struct origin_tally *t, const char *mta, const char *from,
                        int64_t delta)
{
    long i = origin_groups_find(&t->groups, mta, from);
    if (i < 0)
        t->lost = true;
    else
        t->pending[i] += delta;
}

/* count_row - add delta to the pending count of the changing row's group:
 * its old values (old true) or its new ones, as SQLite tells them. Marks
 * the tally lost when they cannot be read. */
static void count_row(struct origin_tally *t, bool old, int64_t delta)
{
    sqlite3_value *vm = NULL, *vf = NULL;
    int rm = old ? sqlite3_preupdate_old(t->db, t->mta_col, &vm)
                 : sqlite3_preupdate_new(t->db, t->mta_col, &vm);
    int rf = old ? sqlite3_preupdate_old(t->db, t->from_col, &vf)
                 : sqlite3_preupdate_new(t->db, t->from_col, &vf);
    const char *mta, *from;
    if (rm != SQLITE_OK || rf != SQLITE_OK || !value_text(vm, &mta) ||
        !value_text(vf, &from)) {
        t->lost = true;
        return;
    }
    count_texts(t, mta, from, delta);
}

/* count_told - count a told insert in, finding its group by the
 * addresses of its static texts when they were met before. */
static void count_told(struct origin_tally *t, const struct origin_insert *r)
{
    for (size_t k = 0; k < t->ntold; k++)
        if (t->told[k].mta == r->mta && t->told[k].from == r->helo_from) {
            t->pending[t->told[k].group]++;
            return;
        }
    count_texts(t, r->mta, r->helo_from, +1);
    if (!t->lost && t->ntold < TOLD_MAX) {
        t->told[t->ntold].mta = r->mta;
        t->told[t->ntold].from = r->helo_from;
        t->told[t->ntold++].group = t->groups.last;
    }
}

/* on_preupdate - a row of some table about to change: count the rows of
 * main.sessions out (old) and in (new). */
static void on_preupdate(void *arg, sqlite3 *db, int op, const char *schema,
                         const char *table, sqlite3_int64 key_old, sqlite3_int64 key_new)
{
    struct origin_tally *t = arg;
    (void)db;
    (void)key_old;
    if (t->lost || strcmp(table, "sessions") != 0 || strcmp(schema, "main") != 0)
        return;
    if (op == SQLITE_INSERT && t->next < t->nexpect && t->expect[t->next].id == key_new) {
        count_told(t, &t->expect[t->next++]);
        return;
    }
    if (op == SQLITE_DELETE || op == SQLITE_UPDATE)
        count_row(t, true, -1);
    if (op == SQLITE_INSERT || op == SQLITE_UPDATE)
        count_row(t, false, +1);
}

/* on_commit - the transaction's changes are in: pending becomes committed.
 * Never vetoes the commit. */
static int on_commit(void *arg)
{
    struct origin_tally *t = arg;
    for (size_t i = 0; i < t->groups.n; i++) {
        t->committed[i] += t->pending[i];
        t->pending[i] = 0;
    }
    return 0;
}

/* on_rollback - the transaction's changes are undone: so are its counts. */
static void on_rollback(void *arg)
{
    struct origin_tally *t = arg;
    for (size_t i = 0; i < t->groups.n; i++)
        t->pending[i] = 0;
}

/* column_index - the index of column name in main.sessions, or -1. */
static int column_index(sqlite3 *db, const char *name)
{
    sqlite3_stmt *q;
    if (sqlite3_prepare_v2(db, "SELECT cid FROM pragma_table_info('sessions', 'main')"
                               " WHERE name = ?1",
                           -1, &q, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_text(q, 1, name, -1, SQLITE_STATIC);
    int cid = sqlite3_step(q) == SQLITE_ROW ? sqlite3_column_int(q, 0) : -1;
    sqlite3_finalize(q);
    return cid;
}

struct origin_tally *origin_tally_watch(sqlite3 *db)
{
    int mta_col = column_index(db, "mta"), from_col = column_index(db, "helo_from");
    if (mta_col < 0 || from_col < 0)
        return NULL;
    struct origin_tally *t = xcalloc(1, sizeof(*t));
    origin_groups_init(&t->groups);
    t->db = db;
    t->mta_col = mta_col;
    t->from_col = from_col;
    sqlite3_preupdate_hook(db, on_preupdate, t);
    sqlite3_commit_hook(db, on_commit, t);
    sqlite3_rollback_hook(db, on_rollback, t);
    return t;
}

void origin_tally_expect(struct origin_tally *t, const struct origin_insert *rows, size_t n)
{
    t->expect = rows;
    t->nexpect = rows != NULL ? n : 0;
    t->next = 0;
}

void origin_tally_hold(struct origin_tally *t, bool hold)
{
    sqlite3_preupdate_hook(t->db, hold ? NULL : on_preupdate, hold ? NULL : t);
}

void origin_tally_inserted(struct origin_tally *t, const struct origin_insert *rows,
                           size_t n)
{
    for (size_t k = 0; k < n && !t->lost; k++)
        count_told(t, &rows[k]);
}

void origin_tally_lose(struct origin_tally *t)
{
    t->lost = true;
}

bool origin_tally_each(const struct origin_tally *t,
                       void (*row)(void *arg, const char *mta, const char *helo_from,
                                   int64_t n),
                       void *arg)
{
    if (t->lost)
        return false;
    const struct origin_groups *gs = &t->groups;
    for (size_t i = 0; i < gs->n; i++)
        if (t->committed[i] < 0)
            return false;   /* more rows out than in: not started empty */
    for (size_t i = 0; i < gs->n; i++)
        if (t->committed[i] != 0)
            row(arg, gs->g[i].mta, gs->g[i].from, t->committed[i]);
    return true;
}

void origin_tally_free(struct origin_tally *t)
{
    if (t == NULL)
        return;
    sqlite3_preupdate_hook(t->db, NULL, NULL);
    sqlite3_commit_hook(t->db, NULL, NULL);
    sqlite3_rollback_hook(t->db, NULL, NULL);
    origin_groups_free(&t->groups);
    free(t);
}
