/* SPDX-License-Identifier: MIT */
/*
 * sqlcount - test helpers: the integer or the text a one-row, one-column
 * query gives, and SQL run under CHECK (check.h).
 */
#ifndef HV_TEST_SQLCOUNT_H
#define HV_TEST_SQLCOUNT_H

#include <sqlite3.h>
#include <stdio.h>

#include "check.h"

/* sql_count - the first column of the first row of sql on db, as an
 * integer; -1 when the statement cannot be prepared or gives no row. */
static inline long long sql_count(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *q = NULL;
    long long v = -1;
    if (sqlite3_prepare_v2(db, sql, -1, &q, NULL) == SQLITE_OK &&
        sqlite3_step(q) == SQLITE_ROW)
        v = sqlite3_column_int64(q, 0);
    sqlite3_finalize(q);
    return v;
}

/* sql_text - the first column of the first row of sql on db as text into
 * buf (n bytes, cut to fit), "(null)" for SQL NULL, "(error: SQLite's
 * message)" when the statement cannot be prepared or gives no row;
 * returns buf. */
static inline const char *sql_text(sqlite3 *db, const char *sql, char *buf,
                                   size_t n)
{
    sqlite3_stmt *q = NULL;
    if (sqlite3_prepare_v2(db, sql, -1, &q, NULL) == SQLITE_OK &&
        sqlite3_step(q) == SQLITE_ROW) {
        const unsigned char *t = sqlite3_column_text(q, 0);
        snprintf(buf, n, "%s", t != NULL ? (const char *)t : "(null)");
    } else {
        snprintf(buf, n, "(error: %s)", sqlite3_errmsg(db));
    }
    sqlite3_finalize(q);
    return buf;
}

/* sql_exec - run sql (one or more statements) on db; CHECKed: a failure is
 * counted and printed with the SQL and SQLite's message. */
static inline void sql_exec(sqlite3 *db, const char *sql)
{
    char *msg = NULL;
    int rc = sqlite3_exec(db, sql, NULL, NULL, &msg);
    CHECK_MSG(rc == SQLITE_OK, "%s: %s", sql, msg ? msg : "?");
    sqlite3_free(msg);
}

#endif
