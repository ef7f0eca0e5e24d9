/* SPDX-License-Identifier: MIT */
/*
 * scandb - the SQL of the scan stage (analyzer/scan/scan.c) beyond storing
 * sources and sessions (store.h): what an incremental re-read needs to know
 * and undo, the per-source and whole-database counts of its summary, and
 * the scan_runs row. scan.c owns the decisions (when to resume, what to
 * drop, how to count); this file owns the statements. Every function takes
 * the store borrowed, binds all values, checks every step, and returns
 * HV_OK or HV_EDB with the text in store_errmsg(st). Statements run once
 * per file or per scan, never per line: each is prepared once per call and
 * reused for every row of that call.
 */
#ifndef HV_SCANDB_H
#define HV_SCANDB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store.h"

/* scandb_rename_source - remember path as the newest name of the source
 * source_id (its content was met again under that name). */
int scandb_rename_source(struct store *st, int64_t source_id, const char *path);

/* scandb_session_lines - the lines, ascending, at which the sessions of
 * source_id stored with a key line in (after_line, upto_line] begin.
 * *lines is malloc'ed (the caller frees it; NULL when *n is 0). On a
 * failure *lines is NULL and *n 0. */
int scandb_session_lines(struct store *st, int64_t source_id, int64_t after_line,
                         int64_t upto_line, int64_t **lines, size_t *n);

/* scandb_drop_sessions - delete the stored sessions of source_id keyed at
 * lines[i] for every i with keep[i] false (one statement for them all).
 * Stops at the first failure. */
int scandb_drop_sessions(struct store *st, int64_t source_id, const int64_t *lines,
                         const bool *keep, size_t n);

/* scandb_count_rows - *n = the stored sessions of source_id (a range of
 * row ids: no record is read). HV_OK or HV_EDB. */
int scandb_count_rows(struct store *st, int64_t source_id, int64_t *n);

/* scandb_count_source - the stored sessions of source_id grouped by MTA:
 * row(arg, mta, sessions, sessions_with_helo) once per MTA name as stored
 * (mta may be NULL). */
int scandb_count_source(struct store *st, int64_t source_id,
                        void (*row)(void *arg, const char *mta, int64_t n,
                                    int64_t with_helo),
                        void *arg);

/* scandb_count_helo_from - every stored session grouped by MTA and HELO
 * provenance (sessions.helo_from): row(arg, mta, helo_from, n) once per
 * group (either text may be NULL). One pass over the table counted in C
 * (a GROUP BY would sort every session: a third of an Exim scan's work);
 * SQLite groups only a database with more than 64 distinct pairs. */
int scandb_count_helo_from(struct store *st,
                           void (*row)(void *arg, const char *mta,
                                       const char *helo_from, int64_t n),
                           void *arg);

/* The totals of one scan, as kept in scan_runs. */
struct scandb_run {
    int64_t started_at, finished_at;   /* epoch seconds */
    int64_t files, bytes, lines, sessions, helo_joined;
};

/* scandb_record_run - add the scan_runs row of one scan. */
int scandb_record_run(struct store *st, const struct scandb_run *run);

#endif
