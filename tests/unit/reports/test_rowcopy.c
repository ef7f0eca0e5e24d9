/* SPDX-License-Identifier: MIT */
/*
 * test_rowcopy - texts copied out of statement rows stay what SQLite gave
 * after the statement has stepped on and the arena has grown: NULL apart
 * from '', embedded NULs kept by length, numbers as SQLite's text, every
 * copy NUL-terminated; a reset arena starts again at offset 0.
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "rowcopy.h"

#define NROWS 500

/* the SQL value of row i: NULL, '', a text with a NUL, an integer, a
 * real, a long text, or a short one */
static const char rows_sql[] =
    "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n"
    " WHERE i + 1 < 500)"
    " SELECT i, CASE i % 7 WHEN 0 THEN NULL WHEN 1 THEN ''"
    "  WHEN 2 THEN CAST(x'61006200' AS TEXT) || i WHEN 3 THEN i * 1000"
    "  WHEN 4 THEN i + 0.5 WHEN 5 THEN printf('%.*c', 300 + i, 'x')"
    "  ELSE 'h' || i || '.example' END FROM n";

/* wants - column 1 of every row of rows_sql copied one by one with malloc
 * (NULL for SQL NULL), the plain reference; their lengths in n[]. */
static void wants(sqlite3 *db, char **w, size_t *n)
{
    sqlite3_stmt *q;
    CHECK(sqlite3_prepare_v2(db, rows_sql, -1, &q, NULL) == SQLITE_OK);
    for (int i = 0; i < NROWS; i++) {
        w[i] = NULL;
        n[i] = 0;
        if (q == NULL || sqlite3_step(q) != SQLITE_ROW)
            continue;
        const char *t = (const char *)sqlite3_column_text(q, 1);
        if (t != NULL) {
            n[i] = (size_t)sqlite3_column_bytes(q, 1);
            w[i] = malloc(n[i] + 1);
            memcpy(w[i], t, n[i] + 1);
        }
    }
    sqlite3_finalize(q);
}

int main(void)
{
    sqlite3 *db;
    if (sqlite3_open(":memory:", &db) != SQLITE_OK)
        return CHECK_DONE();
    static char *want[NROWS];
    static size_t wantn[NROWS];
    wants(db, want, wantn);
    sqlite3_stmt *q;
    CHECK(sqlite3_prepare_v2(db, rows_sql, -1, &q, NULL) == SQLITE_OK);
    struct rowcopy rc;
    rowcopy_init(&rc);
    size_t off[NROWS], len[NROWS];
    int rows = 0;
    /* batches of 37 rows; each batch is checked once the statement has
     * moved past it */
    int first = 0;
    for (;;) {
        int st = sqlite3_step(q);
        if (st == SQLITE_ROW) {
            CHECK(sqlite3_column_int(q, 0) == rows);
            off[rows] = rowcopy_add(&rc, q, 1, &len[rows]);
            rows++;
        }
        if (st != SQLITE_ROW || rows - first == 37) {
            for (int i = first; i < rows; i++) {
                size_t wn = wantn[i];
                const char *w = want[i];
                const char *t = rowcopy_text(&rc, off[i]);
                if (i % 7 == 0) {
                    CHECK_MSG(t == NULL && off[i] == ROWCOPY_NULL &&
                                  len[i] == 0, "row %d: NULL", i);
                } else {
                    CHECK_MSG(t != NULL && w != NULL && len[i] == wn &&
                                  memcmp(t, w, wn) == 0 && t[wn] == '\0',
                              "row %d: %zu bytes, want %zu", i, len[i], wn);
                }
                if (i == first)
                    CHECK_MSG(i % 7 == 0 || off[i] == 0,
                              "row %d: offset %zu after a reset", i, off[i]);
            }
            rowcopy_reset(&rc);
            first = rows;
        }
        if (st != SQLITE_ROW)
            break;
    }
    CHECK(rows == NROWS);
    for (int i = 0; i < NROWS; i++)
        free(want[i]);
    sqlite3_finalize(q);
    rowcopy_free(&rc);
    CHECK(rowcopy_text(&rc, ROWCOPY_NULL) == NULL);
    sqlite3_close(db);
    return CHECK_DONE();
}
