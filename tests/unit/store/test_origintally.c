/* SPDX-License-Identifier: MIT */
/*
 * test_origintally - the counts an origin tally (analyzer/store/
 * origintally.h) keeps equal those a GROUP BY over main.sessions gives:
 * after random inserts, upserts that change or keep the provenance,
 * updates, deletes, and transactions committed or rolled back (the counts
 * of a rolled-back one never show); rows of a sessions table in another
 * schema are not counted; a value that is not text and more than 64
 * groups make it say it lost track; and on heloval's own schema, a first
 * load written by store_put_session counts the same as the table.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "origintally.h"
#include "session.h"
#include "sqlcount.h"
#include "store.h"
#include "tmpstore.h"
#include "xorshift.h"

/* Counts as told by origin_tally_each, or by the GROUP BY. */
struct counts {
    char key[128][64];
    long long n[128];
    int len;
};

/* add_count - one group into a counts ("mta|from", "-" for NULL). */
static void add_count(void *arg, const char *mta, const char *from, int64_t n)
{
    struct counts *c = arg;
    if (c->len == 128)
        return;
    snprintf(c->key[c->len], sizeof(c->key[0]), "%s|%s", mta ? mta : "-", from ? from : "-");
    c->n[c->len++] = n;
}

/* count_of - the count of key in c, 0 when absent. */
static long long count_of(const struct counts *c, const char *key)
{
    for (int i = 0; i < c->len; i++)
        if (strcmp(c->key[i], key) == 0)
            return c->n[i];
    return 0;
}

/* same_counts - the tally's counts and the table's are the same groups
 * with the same counts (said on stderr when not). */
static bool same_counts(const struct origin_tally *t, sqlite3 *db, const char *when)
{
    struct counts told = {0}, table = {0};
    if (!origin_tally_each(t, add_count, &told)) {
        fprintf(stderr, "%s: the tally lost track\n", when);
        return false;
    }
    sqlite3_stmt *q;
    if (sqlite3_prepare_v2(db, "SELECT mta, helo_from, count(*) FROM main.sessions"
                               " GROUP BY 1, 2", -1, &q, NULL) != SQLITE_OK)
        return false;
    while (sqlite3_step(q) == SQLITE_ROW)
        add_count(&table, (const char *)sqlite3_column_text(q, 0),
                  (const char *)sqlite3_column_text(q, 1), sqlite3_column_int64(q, 2));
    sqlite3_finalize(q);
    bool same = told.len == table.len;
    for (int i = 0; i < table.len; i++)
        if (count_of(&told, table.key[i]) != table.n[i]) {
            fprintf(stderr, "%s: %s: tally %lld, table %lld\n", when, table.key[i],
                    count_of(&told, table.key[i]), table.n[i]);
            same = false;
        }
    if (told.len != table.len)
        fprintf(stderr, "%s: %d groups told, %d in the table\n", when, told.len, table.len);
    return same;
}

/* exec - run sql on db; false (said) when it fails. */
static bool exec(sqlite3 *db, const char *sql)
{
    char *err = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &err) == SQLITE_OK)
        return true;
    fprintf(stderr, "%s: %s\n", sql, err ? err : "?");
    sqlite3_free(err);
    return false;
}

static const char *const mtas[] = {"postfix", "exim", "sendmail", "mbox"};
static const char *const froms[] = {"log", "implied", "received", "none", NULL};

/* random_change - one random write to sessions (rows 1..200). */
static bool random_change(sqlite3 *db, uint64_t *rng)
{
    char sql[256], from[32];
    long long id = 1 + (long long)xorshift_below(rng, 200);
    const char *f = froms[xorshift_below(rng, 5)];
    if (f != NULL)
        snprintf(from, sizeof(from), "'%s'", f);
    else
        snprintf(from, sizeof(from), "NULL");
    const char *m = mtas[xorshift_below(rng, 4)];
    switch (xorshift_below(rng, 5)) {
    case 0:   /* an upsert: a new row, or the old one changed */
        snprintf(sql, sizeof(sql),
                 "INSERT INTO sessions(id,mta,helo_from) VALUES(%lld,'%s',%s)"
                 " ON CONFLICT(id) DO UPDATE SET helo_from=excluded.helo_from",
                 id, m, from);
        break;
    case 1:   /* a plain insert, ignored when the row exists */
        snprintf(sql, sizeof(sql),
                 "INSERT OR IGNORE INTO sessions(id,mta,helo_from) VALUES(%lld,'%s',%s)", id,
                 m, from);
        break;
    case 2:   /* the Received join's kind of update, over a range */
        snprintf(sql, sizeof(sql),
                 "UPDATE sessions SET helo_from='received' WHERE id BETWEEN %lld AND %lld"
                 " AND helo_from IS NULL",
                 id, id + 20);
        break;
    case 3:   /* an update that changes nothing counted */
        snprintf(sql, sizeof(sql), "UPDATE sessions SET helo='x%lld' WHERE id=%lld", id, id);
        break;
    default:
        snprintf(sql, sizeof(sql), "DELETE FROM sessions WHERE id BETWEEN %lld AND %lld", id,
                 id + 3);
        break;
    }
    return exec(db, sql);
}

/* random_writes - rounds of random changes, each in autocommit mode or in
 * a transaction committed or rolled back; the counts match after each. */
static void random_writes(void)
{
    sqlite3 *db;
    CHECK(sqlite3_open(":memory:", &db) == SQLITE_OK);
    CHECK(exec(db, "CREATE TABLE sessions(id INTEGER PRIMARY KEY, ts INTEGER, mta TEXT,"
                   " helo TEXT, helo_from TEXT)"));
    struct origin_tally *t = origin_tally_watch(db);
    CHECK(t != NULL);
    uint64_t rng = XORSHIFT_SEED;
    char when[64];
    for (int round = 0; t != NULL && round < 300; round++) {
        int how = (int)xorshift_below(&rng, 3);
        if (how > 0)
            CHECK(exec(db, "BEGIN"));
        int n = 1 + (int)xorshift_below(&rng, 12);
        for (int k = 0; k < n; k++)
            CHECK(random_change(db, &rng));
        if (how == 1)
            CHECK(exec(db, "COMMIT"));
        else if (how == 2)
            CHECK(exec(db, "ROLLBACK"));
        snprintf(when, sizeof(when), "round %d (%s)", round,
                 how == 0 ? "autocommit" : how == 1 ? "committed" : "rolled back");
        if (!same_counts(t, db, when)) {
            CHECK_MSG(false, "%s: the tally differs from the table", when);
            break;
        }
    }
    CHECK(sql_count(db, "SELECT count(*) FROM sessions") > 50);

    /* another schema's sessions table is not counted */
    CHECK(exec(db, "ATTACH ':memory:' AS other;"
                   " CREATE TABLE other.sessions(id INTEGER PRIMARY KEY, mta TEXT,"
                   " helo_from TEXT);"
                   " INSERT INTO other.sessions VALUES(1,'exim','log'),(2,'exim','none')"));
    CHECK(same_counts(t, db, "after writing other.sessions"));

    /* a value that is not text: the tally says it lost track */
    CHECK(exec(db, "INSERT INTO sessions(id,mta,helo_from) VALUES(1000,'exim',X'07')"));
    struct counts c = {0};
    CHECK(!origin_tally_each(t, add_count, &c));
    CHECK_INTEQ(c.len, 0);
    origin_tally_free(t);

    /* more than 64 groups: lost track too */
    CHECK(exec(db, "DELETE FROM sessions"));
    t = origin_tally_watch(db);
    char sql[128];
    for (int i = 0; i < 64; i++) {
        snprintf(sql, sizeof(sql), "INSERT INTO sessions(mta,helo_from) VALUES('m%d','log')", i);
        CHECK(exec(db, sql));
    }
    CHECK(same_counts(t, db, "64 groups"));
    CHECK(exec(db, "INSERT INTO sessions(mta,helo_from) VALUES('m64','log')"));
    CHECK(!origin_tally_each(t, add_count, &c));
    origin_tally_free(t);

    /* started on a table that was not empty: rows out of nothing */
    t = origin_tally_watch(db);
    CHECK(exec(db, "DELETE FROM sessions WHERE mta = 'm1'"));
    CHECK(!origin_tally_each(t, add_count, &c));
    origin_tally_free(t);

    /* unhooked: writes after origin_tally_free reach no freed tally */
    CHECK(exec(db, "INSERT INTO sessions(mta,helo_from) VALUES('exim','log')"));

    /* a table without the columns: nothing to watch */
    CHECK(exec(db, "DROP TABLE sessions; CREATE TABLE sessions(id INTEGER PRIMARY KEY)"));
    CHECK(origin_tally_watch(db) == NULL);
    sqlite3_close(db);
}

/* make_session - session line of the first load: its MTA and provenance
 * follow from line and variant (a later put of the same line with another
 * variant changes them). */
static void make_session(struct hv_session *s, uint64_t line, int variant)
{
    static const enum hv_helo_origin origins[] = {HV_HELO_LOGGED, HV_HELO_IMPLIED,
                                                  HV_HELO_ABSENT, HV_HELO_UNOBSERVED};
    hv_session_reset(s);
    /* variant 4: one MTA, so that whole batches go to one statement */
    s->mta = variant < 4 && line % 3 == 0 ? HV_MTA_EXIM : HV_MTA_POSTFIX;
    s->line = line;
    s->ts = 1793491200 + (int64_t)line;
    snprintf(s->ip, sizeof(s->ip), "192.0.2.%d", (int)(line % 250));
    s->helo_origin = origins[(line + (uint64_t)variant) % 4];
    if (s->helo_origin == HV_HELO_LOGGED || s->helo_origin == HV_HELO_IMPLIED) {
        snprintf(s->helo, sizeof(s->helo), "mx%d.example.org", (int)(line % 97));
        s->has_helo = true;
    }
    s->complete = true;
}

/* put_range - store lines first..first+n-1 (variant, again as given) with
 * one store_put_rows call: STORE_PUT_BATCH rows to a statement, the rest
 * one by one. */
static int put_range(struct store *st, int64_t source_id, uint64_t first, int n,
                     int variant, bool again)
{
    struct store_row *rows = calloc((size_t)n, sizeof(*rows));
    char *text = malloc((size_t)n * STORE_ROW_TEXT_MAX);
    struct hv_session s;
    for (int i = 0; i < n; i++) {
        make_session(&s, first + (uint64_t)i, variant);
        s.again = again;
        store_row_pack(&rows[i], source_id, &s, text + (size_t)i * STORE_ROW_TEXT_MAX);
    }
    int rc = store_put_rows(st, rows, (size_t)n);
    free(rows);
    free(text);
    return rc;
}

/* first_load - heloval's schema, written through the store as a scan does
 * (store_watch_origins): batches of new rows, a transaction rolled back,
 * lines stored again (a batch that meets a stored row, merged row by row;
 * whole batches of one MTA, one of them stopped inside by a stored row),
 * updates of sessions put before (again), and the Received join's kind of
 * update all count as the table does. */
static void first_load(void)
{
    struct tmpstore ts;
    if (!tmpstore_open(&ts, "origintally", "o.db"))
        return;
    struct store *st = ts.st;
    sqlite3 *db = store_db(st);
    CHECK(!store_watch_origins(st));   /* not a first load */
    struct store_source src;
    CHECK(tmpstore_add_source(&ts, &src));
    CHECK_INTEQ(store_bulk_begin(st), HV_OK);
    CHECK(store_first_load(st));
    CHECK(store_watch_origins(st));
    struct counts c = {0};
    CHECK(store_watched_origins(st, add_count, &c));
    CHECK_INTEQ(c.len, 0);
    CHECK_INTEQ(store_begin(st), HV_OK);
    CHECK_INTEQ(put_range(st, src.id, 1, 3000, 0, false), HV_OK);
    CHECK_INTEQ(store_commit(st), HV_OK);
    CHECK_INTEQ(store_begin(st), HV_OK);
    CHECK_INTEQ(put_range(st, src.id, 3001, 3000, 0, false), HV_OK);
    store_rollback(st);
    CHECK_INTEQ(store_begin(st), HV_OK);
    /* 100 lines, 50 of them stored already: the batches meet stored rows */
    CHECK_INTEQ(put_range(st, src.id, 2951, 100, 1, false), HV_OK);
    /* sessions put before, updated */
    CHECK_INTEQ(put_range(st, src.id, 1001, 200, 2, true), HV_OK);
    /* one MTA: whole batches in one statement each, counted without the
     * pre-update hook; the first meets a stored row at its 40th (the 39
     * rows before it are in), the second is all new */
    CHECK_INTEQ(put_range(st, src.id, 5040, 1, 4, false), HV_OK);
    CHECK_INTEQ(put_range(st, src.id, 5001, 2 * STORE_PUT_BATCH, 4, false), HV_OK);
    CHECK_INTEQ(store_commit(st), HV_OK);
    CHECK_INTEQ(sql_count(db, "SELECT count(*) FROM sessions"), 3050 + 128);
    CHECK(exec(db, "UPDATE sessions SET helo_from = 'received' WHERE helo_from IS NULL"
                   " AND line % 5 = 0"));
    CHECK(exec(db, "DELETE FROM sessions WHERE line % 11 = 0"));
    CHECK_INTEQ(sql_count(db, "SELECT count(*) FROM sessions"), 3050 + 128 - 277 - 12);
    struct counts told = {0}, table = {0};
    CHECK(store_watched_origins(st, add_count, &told));
    sqlite3_stmt *q;
    CHECK(sqlite3_prepare_v2(db, "SELECT mta, helo_from, count(*) FROM sessions GROUP BY 1, 2",
                             -1, &q, NULL) == SQLITE_OK);
    while (sqlite3_step(q) == SQLITE_ROW)
        add_count(&table, (const char *)sqlite3_column_text(q, 0),
                  (const char *)sqlite3_column_text(q, 1), sqlite3_column_int64(q, 2));
    sqlite3_finalize(q);
    CHECK_INTEQ(told.len, table.len);
    CHECK(table.len >= 8);
    for (int i = 0; i < table.len; i++)
        CHECK_MSG(count_of(&told, table.key[i]) == table.n[i], "%s: told %lld, table %lld",
                  table.key[i], count_of(&told, table.key[i]), table.n[i]);
    CHECK_INTEQ(store_bulk_end(st), HV_OK);
    CHECK(!store_watched_origins(st, add_count, &told));   /* the watch ended */
    tmpstore_close(&ts);
}

int main(void)
{
    random_writes();
    first_load();
    return CHECK_DONE();
}
