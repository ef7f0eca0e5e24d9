/* SPDX-License-Identifier: MIT */
/*
 * rptsql - the only place in reports/ that prepares SQL (make lint), so the
 * rule "reports/ reads the database and writes only TEMP objects" is
 * checked when each statement is prepared, not only by grep:
 *  - rpt_prepare takes read-only statements (sqlite3_stmt_readonly);
 *  - rpt_prepare_temp / rpt_exec_temp take statements that may write, but
 *    an authorizer installed for the prepare denies every write whose
 *    target is not in the TEMP schema (CREATE/DROP TEMP TABLE or INDEX,
 *    INSERT/UPDATE/DELETE on temp.*, and the connection settings PRAGMA
 *    temp_store and cache_size; nothing else: no ATTACH, no transaction).
 * A refused statement is not prepared and is reported as HV_EWRITE: it is a
 * bug of reports/, never a property of the data. SQLite failures are HV_EDB
 * with a message naming the database file, the step and SQLite's text.
 */
#ifndef HV_RPTSQL_H
#define HV_RPTSQL_H

#include <sqlite3.h>
#include <stdbool.h>

#include "hverr.h"

/* rpt_prepare - prepare one read-only statement of sql into *q. HV_OK, or
 * HV_EDB / HV_EWRITE with *q NULL and (when err is not NULL) a malloc'ed
 * message in *err. */
int rpt_prepare(sqlite3 *db, const char *sql, sqlite3_stmt **q, char **err);

/* rpt_prepare_temp - prepare the first statement of sql, which may write
 * TEMP objects only; *tail (when not NULL) gets the rest of sql. *q is NULL
 * for a blank remainder. HV_OK, HV_EDB or HV_EWRITE as rpt_prepare. */
int rpt_prepare_temp(sqlite3 *db, const char *sql, const char **tail,
                     sqlite3_stmt **q, char **err);

/* rpt_exec_temp - run every statement of sql (rows are ignored) through
 * rpt_prepare_temp, each stepped to its end; stops at the first failure.
 * HV_OK, HV_EDB or HV_EWRITE. */
int rpt_exec_temp(sqlite3 *db, const char *sql, char **err);

/* rpt_read_begin - a read transaction on db, so that the statements until
 * rpt_read_end see one state of the database, unless a transaction is
 * already open (*began false then). HV_OK, or HV_EDB. */
int rpt_read_begin(sqlite3 *db, bool *began, char **err);

/* rpt_read_end - end the transaction rpt_read_begin began (nothing when
 * began is false); it wrote nothing outside TEMP, so its end cannot lose
 * anything. */
void rpt_read_end(sqlite3 *db, bool began);

/* rpt_twin_open - a second connection, read-only, to db's main database
 * file (its own small page cache, the same busy timeout as the store's),
 * for a thread that reads beside db; the caller closes it
 * (sqlite3_close). *twin is NULL, with HV_OK, when db has no file of its
 * own (in memory or temporary). HV_OK, or HV_EDB with *err set. */
int rpt_twin_open(sqlite3 *db, sqlite3 **twin, char **err);

/* rpt_data_version - PRAGMA data_version of db into *v: it changes when
 * another connection's commit becomes visible to db's next read (a read
 * transaction begins with the statement when none is open). HV_OK, or
 * HV_EDB. */
int rpt_data_version(sqlite3 *db, long long *v, char **err);

/* rpt_dberr - set *err to "FILE: what: SQLite's message" for the last
 * failure on db (FILE is the main database's path); returns HV_EDB. */
int rpt_dberr(sqlite3 *db, const char *what, char **err);

/* rpt_step_done - the end of a statement stepped until rc was not
 * SQLITE_ROW: HV_OK for SQLITE_DONE, else rpt_dberr(db, what, err). */
int rpt_step_done(sqlite3 *db, int rc, const char *what, char **err);

#endif
