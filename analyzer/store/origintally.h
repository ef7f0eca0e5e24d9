/* SPDX-License-Identifier: MIT */
/*
 * origintally - the sessions' HELO provenance counts (sessions.mta x
 * sessions.helo_from) kept while a scan writes them, so that the scan's
 * summary need not read every stored session again afterwards.
 *
 * A tally watches one connection: SQLite's pre-update hook sees each row
 * of main.sessions inserted, updated or deleted on it (by any statement,
 * upserts and cascades included) and counts its old row out and its new
 * row in, pending until the transaction commits (the commit hook adds
 * them) or rolls back (the rollback hook drops them). It starts from an
 * empty sessions table (a first load): then its committed counts are
 * those of the whole table, as long as every commit on the connection
 * succeeded and nothing else wrote to the file meanwhile (the scan holds
 * the writer's lock, and a failed scan prints no counts).
 *
 * Ownership: the tally borrows db and owns its hooks (a connection has one
 * of each: nothing else on it may set them while it watches) and the
 * group texts. One thread at a time: the hooks run on the thread that
 * writes; read the counts after that thread is done.
 */
#ifndef HV_ORIGINTALLY_H
#define HV_ORIGINTALLY_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct origin_tally;

/* origin_tally_watch - start counting main.sessions' changes on db, from
 * zero (the caller knows the table is empty). NULL when the table has no
 * mta or helo_from column (nothing is hooked then). */
struct origin_tally *origin_tally_watch(sqlite3 *db);

/* A row about to be inserted, as its writer bound it: its row id and the
 * texts of its mta and helo_from (NULL for SQL NULL). The texts must be
 * static: the tally knows them again by their addresses. */
struct origin_insert {
    int64_t id;
    const char *mta, *helo_from;
};

/* origin_tally_expect - the inserts of the next statement: rows[0..n),
 * in the order the statement inserts them (a multi-row VALUES list does).
 * An insert of rows[k].id, met in turn, is counted from rows[k] without
 * reading the record SQLite built (that read costs more than the insert);
 * any other change is read from SQLite as usual. rows must stay valid
 * until origin_tally_expect(t, NULL, 0), which ends the expectation. */
void origin_tally_expect(struct origin_tally *t, const struct origin_insert *rows, size_t n);

/* origin_tally_hold - hold (true) or resume (false) the pre-update hook,
 * for a statement whose changes the caller counts itself with
 * origin_tally_inserted or origin_tally_lose (the commit and rollback
 * hooks stay: a held statement's counts are still pending). */
void origin_tally_hold(struct origin_tally *t, bool hold);

/* origin_tally_inserted - count rows[0..n) as inserted (pending until the
 * commit), as their writer bound them (the texts static, as for
 * origin_tally_expect). */
void origin_tally_inserted(struct origin_tally *t, const struct origin_insert *rows,
                           size_t n);

/* origin_tally_lose - the tally cannot say what a held statement changed:
 * origin_tally_each gives the count back to the caller from now on. */
void origin_tally_lose(struct origin_tally *t);

/* origin_tally_each - row(arg, mta, helo_from, n) for every group with a
 * committed count other than 0, in first-seen order (either text may be
 * NULL). Returns false, calling row for none, when the tally lost track:
 * more than 64 groups, a value neither text nor NULL, SQLite failing to
 * tell a value, or a group with more rows out than in (the table was not
 * empty); the caller counts the table itself then. */
bool origin_tally_each(const struct origin_tally *t,
                       void (*row)(void *arg, const char *mta, const char *helo_from,
                                   int64_t n),
                       void *arg);

/* origin_tally_free - unhook the connection and free the tally (NULL is
 * a no-op). */
void origin_tally_free(struct origin_tally *t);

#endif
