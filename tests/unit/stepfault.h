/* SPDX-License-Identifier: MIT */
/*
 * stepfault - fault injection for SQLite steps in unit tests: arm(db, k)
 * interrupts the k-th statement the connection starts from then on, at its
 * first progress check (sqlite3_step returns SQLITE_INTERRUPT,
 * "interrupted"), once; arm(db, 0) only counts statements (stmt_no).
 * faults counts the interruptions delivered. One connection at a time.
 */
#ifndef HV_TEST_STEPFAULT_H
#define HV_TEST_STEPFAULT_H

#include <sqlite3.h>
#include <stdbool.h>

static int stmt_no;     /* statements started since arm() */
static int fault_at;    /* the statement to interrupt (0: none) */
static bool armed;      /* interrupt at the next progress check */
static int faults;      /* interruptions delivered */

/* on_trace - a statement starts: arm the fault when it is the chosen one. */
static int on_trace(unsigned type, void *ctx, void *p, void *x)
{
    (void)type;
    (void)ctx;
    (void)p;
    (void)x;
    if (++stmt_no == fault_at)
        armed = true;
    return 0;
}

/* on_progress - deliver the armed fault once (SQLITE_INTERRUPT). */
static int on_progress(void *ctx)
{
    (void)ctx;
    if (!armed)
        return 0;
    armed = false;
    faults++;
    return 1;
}

/* arm - fault the k-th statement from now on (0: count only). */
static void arm(sqlite3 *db, int k)
{
    stmt_no = 0;
    fault_at = k;
    armed = false;
    sqlite3_trace_v2(db, SQLITE_TRACE_STMT, on_trace, NULL);
    sqlite3_progress_handler(db, 1, on_progress, NULL);
}

/* disarm - no hooks. */
static void disarm(sqlite3 *db)
{
    sqlite3_trace_v2(db, 0, NULL, NULL);
    sqlite3_progress_handler(db, 0, NULL, NULL);
    armed = false;
}

#endif
