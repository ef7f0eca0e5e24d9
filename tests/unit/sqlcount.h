/* SPDX-License-Identifier: MIT */
/*
 * sqlcount - a test helper: the integer a one-row, one-column query gives.
 */
#ifndef HV_TEST_SQLCOUNT_H
#define HV_TEST_SQLCOUNT_H

#include <sqlite3.h>

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

#endif
