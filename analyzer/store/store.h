/* SPDX-License-Identifier: MIT */
/*
 * Folder analyzer/store/ (README "Layout"): the database. The schema and
 * its views (schema.h), opening and writing sessions and runs (store.h),
 * the DNS cache (dnscache.h), merging databases (merge.h), and the SQL side
 * of analyzer/csv/ (csvsql.h), and the SQL of the scan stage (scandb.h)
 * and of the resolve stage (resolvedb.h). Under analyzer/ only this folder
 * prepares statements (make lint).
 */
/*
 * store - the SQLite database file: opening (WAL, migrations to the current
 * schema, a lock against a second writer), sources and sessions for the scan
 * stage, and the raw handle for the other analyzer modules (resolver,
 * reports). Statements are prepared once; values are always bound.
 * Errors come back as HV_EDB (hverr.h) with the text in store_errmsg().
 */
#ifndef HV_STORE_H
#define HV_STORE_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hverr.h"
#include "session.h"

struct store;

#define STORE_READONLY 1

/* how long a connection waits for another's lock before SQLITE_BUSY (ms):
 * the store's, and any second connection opened beside it */
#define STORE_BUSY_TIMEOUT_MS 10000

/* store_open - open (creating when absent unless STORE_READONLY) and migrate.
 * On failure returns HV_EDB/HV_EBUSY, *out is NULL and *err holds a
 * malloc'ed message the caller frees. */
int store_open(const char *path, int flags, struct store **out, char **err);

/* store_check_file - before SQLite sees path: a directory, a device or
 * FIFO (/dev/null), a file too short for the SQLite header or one that is
 * not SQLite is refused with a malloc'ed message naming path and the cause
 * in *err. An absent file passes when may_create, else is refused too.
 * (A file shorter than its header says is diagnosed by store_open when
 * SQLite fails on it.) HV_OK or HV_EDB. */
int store_check_file(const char *path, bool may_create, char **err);

/* store_close - finalize statements and close; NULL is a no-op. */
void store_close(struct store *st);

/* store_db - the sqlite3 handle, borrowed, for analyzer/ and reports/. */
sqlite3 *store_db(struct store *st);

/* store_errmsg - text of the last failure on this handle (borrowed). */
const char *store_errmsg(struct store *st);

/* store_fail - for the store modules beside store.c (scandb.c,
 * resolvedb.c...): keep "what: <SQLite's message>" as the text
 * store_errmsg returns; returns HV_EDB. */
int store_fail(struct store *st, const char *what);

/* store_exec - run SQL without results; HV_OK or HV_EDB. */
int store_exec(struct store *st, const char *sql);

/* store_begin / store_commit / store_rollback - one write transaction. */
int store_begin(struct store *st);
int store_commit(struct store *st);
void store_rollback(struct store *st);

/* store_bulk_begin - ready the database for a scan's bulk load, outside any
 * transaction: foreign-key checks off (the scan writes only source ids it
 * has just stored) and, when the sessions table is still empty (a first
 * load), the rollback journal in place of the WAL, so every page is written
 * once instead of twice (WAL, then checkpoint), and a page cache of 1 MiB
 * instead of 8 (appends need only the table's rightmost pages). A
 * database another connection has open stays in WAL mode. HV_OK or HV_EDB. */
int store_bulk_begin(struct store *st);

/* STORE_FIRST_LOAD_LINES - during a first load, commit at least this often
 * (log lines): what is written between two commits then fits the 1 MiB
 * cache, and readers are not shut out by a spill (store.c). */
#define STORE_FIRST_LOAD_LINES 32768

/* store_first_load - whether a first load is running (store_bulk_begin found
 * no sessions and store_bulk_end has not ended it). */
bool store_first_load(const struct store *st);

/* store_writeback - during a first load (which does not sync), ask the
 * kernel to start writing the file out now, so the sync that ends the load
 * has little left to wait for. Cheap; a no-op elsewhere. */
void store_writeback(struct store *st);

/* store_watch_origins - during a first load, count the sessions by MTA and
 * HELO provenance as this connection writes them (origintally.h: every
 * insert, update and delete, a rolled-back transaction's dropped), so that
 * store_watched_origins tells the table's counts without reading it. The
 * watch ends with store_bulk_end or store_close. False, and nothing
 * watched, outside a first load. */
bool store_watch_origins(struct store *st);

/* store_watched_origins - row(arg, mta, helo_from, n) per (mta, helo_from)
 * group of the sessions table (either text may be NULL) as counted since
 * store_watch_origins. False, row never called, when nothing is watched or
 * the count lost track: count the table itself then. */
bool store_watched_origins(struct store *st,
                           void (*row)(void *arg, const char *mta, const char *helo_from,
                                       int64_t n),
                           void *arg);

/* store_bulk_end - undo store_bulk_begin: foreign keys on, the 8 MiB cache
 * and WAL mode again (when another connection has the file open, the next
 * store_open does it); the origins watch ends.
 * HV_OK or HV_EDB. */
int store_bulk_end(struct store *st);

/* What the store knows about one input, matched by content fingerprint. */
struct store_source {
    int64_t id;              /* 0: not known yet */
    int64_t size;
    int64_t mtime;
    int compressed;
    int64_t bytes_read;
    int64_t lines_read;
    int64_t last_offset;
    int64_t last_line;
    char format[16];
};

/* store_find_source - look up the source whose first fp_len bytes hash to
 * fp. Fills *src (id 0 when none). HV_OK or HV_EDB. */
int store_find_source(struct store *st, const char *fp, int fp_len,
                      struct store_source *src);

/* store_find_source_prefix - for inputs shorter than 4 KiB seen earlier:
 * the source whose fp_len is below 4096 and whose fingerprint equals the
 * hash of the same number of this input's first bytes. hashfn(len, arg)
 * returns the hex hash of the input's first len bytes (borrowed buffer). */
int store_find_source_prefix(struct store *st,
                             const char *(*hashfn)(int len, void *arg),
                             void *arg, struct store_source *src);

/* store_save_source - insert (src->id == 0, id filled in) or update. */
int store_save_source(struct store *st, struct store_source *src,
                      const char *path, const char *fp, int fp_len,
                      int64_t first_ts, int64_t last_ts);

/* store_add_skips - add n to the count of reason for a source. */
int store_add_skips(struct store *st, int64_t source_id, const char *reason,
                    int64_t n);

/* One session flattened for storing. The text lives in a buffer of the
 * caller's (see store_row_pack) and must outlive the store_put_rows call. */
struct store_row {
    int64_t source_id;
    int64_t line;
    int64_t ts;
    const char *mta;          /* static vocabulary ("postfix", ...) */
    const char *disposition;  /* static vocabulary ("accepted", ...) */
    const char *ip;
    const char *helo;         /* NULL: the log never showed it */
    const char *helo_from;    /* static: "log", "implied", "none" (provably
                                 no HELO), or NULL (not observed) */
    const char *rdns;
    const char *qids;         /* JSON array of queue IDs, NULL: none */
    const char *label;        /* static: "spam", "ham" or NULL (none) */
    const char *label_from;   /* static: "folder", "header", "dnsbl",
                                 "content-filter", or NULL (no label) */
    int ip_len, helo_len, rdns_len, qids_len;
    unsigned messages;
    bool again;               /* an update of a session emitted before */
};

/* the most text one row carries: ip, helo, rdns (each with a NUL) and the
 * queue-ID array */
#define STORE_ROW_TEXT_MAX                                                  \
    (HV_IP_MAX + HV_HELO_MAX + HV_HOST_MAX + 3 +                            \
     HV_SESSION_QIDS * (HV_QID_MAX + 3) + 3)

/* store_row_pack - flatten s (of source_id) into *row, copying its text
 * into buf, which has room for STORE_ROW_TEXT_MAX bytes. Returns the bytes
 * of buf used. Queue IDs with characters outside [0-9A-Za-z._-] are left
 * out. */
size_t store_row_pack(struct store_row *row, int64_t source_id,
                      const struct hv_session *s, char *buf);

/* new rows store_put_rows inserts with one statement; a smaller rest is
 * inserted row by row */
#define STORE_PUT_BATCH 64

/* store_put_rows - store n rows in order: new sessions are inserted
 * (several to a statement), updates (again) and rows whose source line is
 * stored already are merged into the stored row (a HELO, queue IDs or a
 * label are never replaced by none). HV_OK or HV_EDB. */
int store_put_rows(struct store *st, const struct store_row *rows, size_t n);

/* store_put_session - store_put_rows for one session. */
int store_put_session(struct store *st, int64_t source_id,
                      const struct hv_session *s);

/* store_join_received_helo - give sessions without a HELO the HELO of the
 * mbox session (border Received hop) with the same queue ID and client IP,
 * and every such joined log session without a label the message's label
 * (label_from 'received'; its HELO may be known already). *joined and
 * *labelled receive the numbers of sessions updated. A database with no
 * mbox source has nothing to join from: it returns at once with both 0;
 * with no labelled mbox session the label step is skipped. */
int store_join_received_helo(struct store *st, int64_t *joined, int64_t *labelled);

#endif
