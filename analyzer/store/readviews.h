/* SPDX-License-Identifier: MIT */
/*
 * readviews - the database's read interface for reports/ (README "Database
 * schema"): one view per table a report or export reads, named rv_<table>,
 * with the columns documented there. reports/ names only these views, the
 * documented `verdicts` view and its own TEMP tables (make lint), so a
 * change of the stored tables (a compact session row, say) changes these
 * views, not the reports.
 *
 * The views live in the connection's TEMP schema: a read-only connection
 * has them too, a database of any schema version needs no migration for
 * them, and nothing is written to the file. SQLite flattens such views into
 * the queries that read them (indexes are used as on the tables). Setting
 * PRAGMA temp_store drops every TEMP object: create the views after it.
 */
#ifndef HV_READVIEWS_H
#define HV_READVIEWS_H

#include <sqlite3.h>

/* readviews_create - create the rv_* views on db when absent (idempotent).
 * HV_OK, or HV_EDB with a malloc'ed message naming the cause in *err. */
int readviews_create(sqlite3 *db, char **err);

/* The first and last session time of the whole database (NULL, NULL when
 * no session has one), as two look-ups of the time index: min(ts) and
 * max(ts) in one SELECT over rv_sessions read every session instead (the
 * view's WHERE keeps SQLite from its min/max shortcut: 0.11 s at
 * 1,000,000 sessions, for a report of an empty window). */
#define READVIEWS_SESSION_SPAN_SQL                                            \
    "SELECT (SELECT min(ts) FROM rv_sessions),"                               \
    " (SELECT max(ts) FROM rv_sessions)"

#endif
