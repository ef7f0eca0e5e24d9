/* SPDX-License-Identifier: MIT */
/*
 * export - `heloval export sessions|verdicts`: one row per session, streamed
 * (a thread of its own reads the rows, at most three batches of 512 ahead
 * of the writing: reports/batchpipe.h; nothing else is buffered but the
 * verdicts' per-pair look-ups), ordered by source path, then line. Columns (DESIGN.md, stable;
 * new ones only ever appended; README "Engines: ClickHouse and DuckDB"):
 *   sessions: source line time mta ip helo rdns disposition messages
 *             time_epoch session_id
 *   verdicts: source .. messages, csa_status csa_reason csa_record
 *             dna_status dna_grade dna_service verdict smtp_reply,
 *             time_epoch session_id domain
 * time is ISO 8601 UTC and time_epoch its Unix seconds; helo is exactly
 * as sent; session_id the store's id (unique in the database); domain the
 * report's domain of the HELO (regdomain_of_helo). An unknown value is
 * NULL: no time, no HELO, and for a session not yet resolved the CSA
 * columns and verdict (its reply is ""); a verdict with no policy row is
 * NULL too.
 * Formats:
 *   tsv   first row names the columns; TAB CR LF backslash in values are
 *         written \t \r \n \\ (nothing else changes); NULL is \N.
 *   csv   RFC 4180 (CRLF), first row names the columns; a text cell that
 *         starts with = + - @ TAB or CR gets a leading ' (formula guard);
 *         NULL is an empty field.
 *   jsonl one JSON object per line, keys = column names, line, messages,
 *         time_epoch and session_id numbers, everything else strings;
 *         NULL is null; invalid UTF-8 bytes as \u00XX, control characters
 *         escaped.
 * Reads the store only.
 *
 * `export advice` (export_table) writes a table of the report instead:
 * one row per row of the report table (every row: --top does not apply),
 * its columns in order (advice.h: domain helos ips sessions messages
 * verdict reason explanation records evidence), over the report's window
 * (--since/--until) and policy (--policy); the same three formats, integer
 * columns as JSON numbers.
 */
#ifndef HV_EXPORT_H
#define HV_EXPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "hverr.h"
#include "report.h"
#include "store.h"

/* export_format_at - the i-th export format ("tsv", the default, first),
 * or NULL past the last: the one list of them (the CLI reads it). */
const char *export_format_at(size_t i);

/* export_run - write sessions or verdicts ("sessions"|"verdicts") as
 * "tsv"|"csv"|"jsonl" to out. HV_OK, or with a malloc'ed message in *err
 * (hverr.h): HV_EUSAGE (unknown kind or format), HV_EDB (SQL failure),
 * HV_EWRITE (a statement that would write: a bug), HV_EIO (write failure). */
int export_run(struct store *st, const char *what, const char *format,
               FILE *out, char **err);

/* export_db - the same over a bare SQLite handle; authserv_id (NULL:
 * "localhost") goes into the mark header of smtp_reply; with anonymize
 * every text value is masked as anon.h says (--anonymize). */
int export_db(sqlite3 *db, const char *what, const char *format,
              const char *authserv_id, bool anonymize, FILE *out, char **err);

/* export_table - the rows of the report table key ("advice"; any table
 * of the report whose columns are not key/value) built by report_build
 * under o's window, policy and authserv-id (o->table, o->top and the
 * rendering fields are ignored) as "tsv"|"csv"|"jsonl" (NULL: tsv) to out.
 * HV_OK, or the codes of export_run with a malloc'ed *err (HV_EUSAGE also
 * for an unknown table, HV_EINPUT for a bad policy file). */
int export_table(sqlite3 *db, const char *key, const struct report_opts *o,
                 const char *format, FILE *out, char **err);

/* ==== `heloval evaluate` rows (analyzer/evaluate.h) ==== */

/* An evaluate row: ip helo csa_status csa_reason csa_record dna_status
 * dna_grade dna_service verdict smtp_reply error. ip and helo are the
 * input's, echoed; the next eight are those `export verdicts` gives a
 * session of that (HELO, IP) ("" HELO: a client without one) over the same
 * store; error is empty. A bad input row has its ip and helo as far as
 * they were read, verdict "invalid-input", error the reason, and every
 * other column empty. Formats: tsv (the header only when asked for) and
 * jsonl, escaped as the exports are. */
struct export_pairs;

/* export_pairs_open - a writer of evaluate rows on db (read views created)
 * in format (NULL: tsv); *jsonl tells whether it is jsonl. HV_OK, or
 * HV_EUSAGE (an unknown format, or csv) / HV_EDB with a malloc'ed *err. */
int export_pairs_open(sqlite3 *db, const char *format, const char *authserv_id,
                      struct export_pairs **out, bool *jsonl, char **err);

/* export_pairs_refresh - (re)start the pair look-ups, dropping everything
 * read so far: call it before the first good row and after each change of
 * the store's CSA, DNA or policy rows. HV_OK or HV_EDB. */
int export_pairs_refresh(struct export_pairs *w, char **err);

/* export_pairs_header - the column names (tsv: a header line; jsonl: an
 * object whose values are the names). HV_OK or HV_EIO. */
int export_pairs_header(struct export_pairs *w, FILE *out, char **err);

/* export_pairs_row - one row for the input (ip, helo), error NULL (a good
 * pair, looked up) or the reason the input line is bad. HV_OK, HV_EDB or
 * HV_EIO with a malloc'ed *err. */
int export_pairs_row(struct export_pairs *w, const char *ip, size_t in,
                     const char *helo, size_t hn, const char *error, FILE *out,
                     char **err);

/* export_pairs_close - free w; NULL is a no-op. */
void export_pairs_close(struct export_pairs *w);

#endif
