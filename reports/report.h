/* SPDX-License-Identifier: MIT */
/*
 * Folder reports/ (README "Layout"): the report (report.c and its four
 * renderers), the export (export.c) and text formatting (fmt.c). Reads the
 * database and writes only TEMP objects (make lint).
 */
/*
 * report - `heloval report`: what CSV would have done, aggregated over the
 * store in SQL (one GROUP BY pass over the sessions in range into a
 * temporary table of (HELO, IP) pairs, then GROUP BYs over the pairs) into
 * a format-neutral model of named tables, rendered as text, csv, json or
 * html by report_text.c, report_csv.c, report_json.c and report_html.c.
 * The store is only read: the work table lives in the connection's TEMP
 * schema (a temporary file: PRAGMA temp_store=FILE, temp.cache_size 32 MiB
 * are set on the connection) and is dropped before returning; a --policy file is
 * loaded into a TEMP table too and never written to the database.
 *
 * Every string taken from the store is attacker-controlled and is escaped
 * by the renderers through fmt.h; the model holds raw bytes.
 */
#ifndef HV_REPORT_H
#define HV_REPORT_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "hverr.h"
#include "store.h"

/* REPORT_MAX_COMPARE - the most --compare-policy files of one report. */
#define REPORT_MAX_COMPARE 8

struct report_opts {
    const char *format;      /* a renderer's name; NULL: the default (text) */
    const char *output;      /* -o FILE, NULL = stdout */
    FILE *stream;            /* when set: write here (borrowed, not closed);
                                output only names it */
    long long since, until;  /* epoch seconds, LLONG_MIN/LLONG_MAX when unset;
                                sessions with since <= ts < until */
    int top;                 /* --top N, default 10 */
    const char *policy_file; /* --policy FILE: applies to this report only */
    const char *table;       /* --table NAME: only that table is computed
                                and shown (every format); NULL = all */
    bool want_figures;       /* compute the verdicts table for
                                report_figures even when --table names
                                another (--fail-if) */
    int color;               /* -1 auto (TTY and NO_COLOR unset), 0 off, 1 on */
    const char *authserv_id; /* for the mark header text; NULL: "localhost" */
    bool anonymize;          /* --anonymize: mask addresses, local parts
                                and mailbox paths (anon.h) */
    const char *compare_policy[REPORT_MAX_COMPARE]; /* --compare-policy FILE
                                (repeatable): tables policy_delta and
                                policy_delta_senders (whatif.h) */
    size_t ncompare;
    bool compare_previous;   /* --compare-previous: the headline of the
                                previous window of equal length beside
                                this one (trend.h) */
};

/* report_opts_init - the defaults above. */
void report_opts_init(struct report_opts *o);

/* Figures of a report that a caller may act on (`--fail-if`): over the
 * window, the messages of accepted sessions (the only ones that carry
 * messages) and those of them under a CSV reject verdict. */
struct report_figures {
    long long accepted_messages;
    long long would_reject_messages;
};

/* report_run - build the report over st and write it to o->output (or
 * stdout); fig (may be NULL) gets its figures. HV_OK, or with a malloc'ed
 * message in *err (hverr.h): HV_EUSAGE (unknown format or table),
 * HV_EINPUT (bad policy file), HV_EDB (SQL failure), HV_EWRITE (a
 * statement that would write: a bug), HV_EIO (write failure). */
int report_run(struct store *st, const struct report_opts *o,
               struct report_figures *fig, char **err);

/* report_parse_time - "2026-11-01" (00:00 UTC), "2026-11-01T10:00:00Z"
 * (also with a space instead of T, without seconds, or without Z: UTC),
 * "today", "yesterday" (00:00 UTC of that day), "now", "-7d" (now minus
 * N s/m/h/d/w), epoch seconds (digits) -> epoch seconds in *out; false on
 * text it does not understand. now is the current time (for tests). */
bool report_parse_time(const char *text, long long now, long long *out);

/* ==== The model (shared by the renderers) ==== */

enum rcol_type {
    RCOL_TEXT, /* attacker-controlled or vocabulary text */
    RCOL_INT,  /* integer count */
    RCOL_PCT,  /* percentage 0..100, one decimal in text */
    RCOL_TIME, /* epoch seconds, shown as ISO 8601 UTC */
};

#define RT_MAXCOLS 12

struct rcell {
    enum rcol_type type; /* the column's type (kv tables: per item) */
    bool null;     /* SQL NULL */
    char *s;       /* RCOL_TEXT: the bytes, owned, NUL-terminated */
    size_t n;      /* length of s */
    long long i;   /* RCOL_INT, RCOL_TIME */
    double d;      /* RCOL_PCT */
};

struct rtable {
    const char *key;    /* stable name: JSON key, --table NAME */
    const char *title;  /* heading for text and html */
    bool kv;            /* two columns "item","value": JSON renders an object */
    const char *empty;  /* what text and html say of it without rows;
                           NULL: "none" */
    size_t ncols;
    const char *cols[RT_MAXCOLS];      /* column names (stable, JSON keys) */
    char colbuf[RT_MAXCOLS][32];       /* storage of cols */
    enum rcol_type types[RT_MAXCOLS];
    size_t nrows;
    size_t cap;
    struct rcell *cells;               /* nrows * ncols, row-major */
};

struct report {
    size_t ntables;
    struct rtable *tables[32];
    long long since, until;     /* the filter (LLONG_MIN/MAX unset) */
    bool has_span;              /* a session with a time is in the window: */
    long long first, last;      /* the first and last session time in it */
    bool has_data_span;         /* the window has none but the database has: */
    long long data_first, data_last; /* the database's first and last */
    int top;
    const char *bucket;         /* "day" or "hour": time series step */
    const char *policy;         /* "database" or the --policy file name */
    const char *authserv_id;
    char *warning;              /* the last resolve's failure (meta key
                                   "resolve_warning"), owned; NULL: none */
    bool has_previous;          /* --compare-previous: the previous window */
    long long prev_since, prev_until; /* [prev_since, prev_until) */
    bool prev_has_span;         /* it holds a session with a time */
};

/* report_build - run the aggregation queries on db into r (zeroed first).
 * HV_OK, or a code of report_run with a malloc'ed *err. r must be freed
 * with report_free in both cases. db is left with temp_store=FILE and no
 * TEMP object: its work tables and every other TEMP table and view of
 * the connection (the read views too) are gone at the end. */
int report_build(sqlite3 *db, const struct report_opts *o, struct report *r,
                 char **err);

/* report_free - release every table of r. */
void report_free(struct report *r);

/* report_range_line - the window in words into b (appended), the same in
 * every format: "all sessions: FIRST .. LAST", or "from SINCE (inclusive)
 * until UNTIL (exclusive); sessions FIRST .. LAST" (either bound may be
 * missing), or for a window with no session what the database holds and a
 * --since/--until that covers it. */
struct fmt_buf;
void report_range_line(const struct report *r, struct fmt_buf *b);

/* report_table_known - whether key names a table of the report (--table). */
bool report_table_known(const char *key);

/* report_find - the table with this key, or NULL. */
const struct rtable *report_find(const struct report *r, const char *key);

/* report_cell - cell (row, col) of t. */
const struct rcell *report_cell(const struct rtable *t, size_t row,
                                size_t col);

/* report_row_add - append a row of zeroed cells to t (the model's tables
 * are built by report.c and the table modules: advice, whatif, ...);
 * returns its first cell. */
struct rcell *report_row_add(struct rtable *t);

/* report_cell_text - make c a text cell holding a copy of s[0..n). */
void report_cell_text(struct rcell *c, const char *s, size_t n);

/* report_col - index of the column named name in t, or -1. */
int report_col(const struct rtable *t, const char *name);

/* ==== The renderers (renderers.c: the one list of report formats) ==== */

struct report_renderer {
    const char *name;    /* --format value: "text", ... */
    const char *suffix;  /* `run -o FILE` ending in it writes this format;
                            NULL: every file name no other row claims */
    /* render - write r to out as o asks (color, table). HV_OK, or HV_EIO
     * with a malloc'ed *err. */
    int (*render)(const struct report *r, FILE *out, const struct report_opts *o,
                  char **err);
};

/* report_renderer_at - the i-th renderer (the first is the default), or
 * NULL past the last. report_renderer_name: its name, or NULL. */
const struct report_renderer *report_renderer_at(size_t i);
const char *report_renderer_name(size_t i);

/* report_renderer_find - the renderer called name (NULL: the default), or
 * NULL for an unknown name. */
const struct report_renderer *report_renderer_find(const char *name);

/* report_renderer_for_file - the renderer `run -o path` writes: the one
 * whose suffix ends path, else the one without a suffix. */
const struct report_renderer *report_renderer_for_file(const char *path);

/* report_join_names - name_at(0), name_at(1), ... (up to the first NULL)
 * joined by sep, the last one by last_sep ("a, b or c"), into buf (cut
 * short at size bytes). Returns buf. For messages and usage text that list
 * a registry. */
const char *report_join_names(char *buf, size_t size, const char *(*name_at)(size_t),
                              const char *sep, const char *last_sep);

/* Renderers: write r to out. HV_OK, or HV_EIO with a malloc'ed *err. */
int report_render_text(const struct report *r, FILE *out, bool color,
                       char **err);
int report_render_csv(const struct report *r, FILE *out, const char *table,
                      char **err);
int report_render_json(const struct report *r, FILE *out, char **err);
int report_render_html(const struct report *r, FILE *out, char **err);

#endif
