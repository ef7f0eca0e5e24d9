/* SPDX-License-Identifier: MIT */
/*
 * twinread - a second read connection that sees exactly the state of the
 * database a first connection's read transaction sees, so that a thread
 * can read beside that connection (each SQLite connection of heloval is
 * used by one thread at a time).
 *
 * twinread_mark, before the first connection's read transaction begins,
 * opens the twin and notes its PRAGMA data_version; twinread_begin, once
 * that transaction has begun, begins the twin's own and compares: when no
 * other connection's commit became visible in between, both transactions
 * began on the same state (a read transaction never sees an older state
 * than one begun before it), else the twin is closed and the caller reads
 * on its own connection. A twin that cannot be opened is no failure: the
 * caller reads alone. The twin connection belongs to the twinread until
 * twinread_close; between twinread_begin and twinread_close, to whichever
 * thread the caller gives it.
 */
#ifndef HV_TWINREAD_H
#define HV_TWINREAD_H

#include <sqlite3.h>
#include <stdbool.h>

struct twinread {
    sqlite3 *db;    /* the twin, or NULL */
    long long mark; /* its data_version at twinread_mark */
    bool began;     /* twinread_begin began its read transaction */
};

/* twinread_mark - open a twin of db (NULL t->db when db has no file, the
 * twin cannot be had, or db may already be in a read transaction: a
 * transaction is open or a statement of db is stepped and not reset) and
 * note its data_version. */
void twinread_mark(struct twinread *t, sqlite3 *db);

/* twinread_begin - after the first connection's read transaction began:
 * begin the twin's and return true when it sees the same state (t->db is
 * then ready); false, with the twin closed (t->db NULL), when a commit
 * came in between, there is no twin, or a step failed. */
bool twinread_begin(struct twinread *t);

/* twinread_close - end the twin's read transaction and close it (nothing
 * without one); every statement on it must be finalized first. */
void twinread_close(struct twinread *t);

#endif
