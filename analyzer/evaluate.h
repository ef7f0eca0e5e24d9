/* SPDX-License-Identifier: MIT */
/*
 * evaluate - `heloval evaluate`: a filter that reads (ip, helo) pairs on
 * one stream and writes, per input line and in input order, the CSA, DNA,
 * verdict and reply columns `export verdicts` would give a session of that
 * pair (export.h, export_pairs_*), for an engine that evaluates its
 * distinct pairs where the data lives and loads the rows back.
 *
 * Input lines (at most EVAL_MAX_LINE bytes before the newline; a CR before
 * it is dropped):
 *   tsv    ip TAB helo, the two fields escaped as the exports write them
 *          (\t \r \n \\, and \b \f \' \0 as ClickHouse writes them; any
 *          other backslash stays as it is); a first line
 *          "ip<TAB>helo" is a header and skipped.
 *   jsonl  one object with the string members "ip" and "helo" (helo may be
 *          null); other members whose values are strings, numbers, true,
 *          false or null are ignored. \u0080 .. \u00ff stand for the single
 *          byte of that value (the exports write invalid UTF-8 bytes so);
 *          other escapes as JSON says.
 * An empty (or null) HELO is a client that sent none (CSA no-helo). The IP
 * must be an IPv4 or IPv6 address; it is evaluated in its canonical form
 * and echoed as given.
 *
 * Work: the input is read in batches (EVAL_BATCH lines or EVAL_BATCH_BYTES
 * bytes, whichever comes first), so memory follows the batch, not the
 * stream. Each batch's good pairs are put into the store (evaldb.h) and the
 * resolve stage (resolve.h, with the caller's options: zone files, servers,
 * accreditors, policy) evaluates those whose stored result is missing or
 * expired, storing results and answers as `heloval resolve` does (so a
 * second evaluate of the same pairs sends no query); then the batch's rows
 * are written and flushed. A bad line is counted by reason and written as
 * a row with verdict "invalid-input": one output row per input line (the
 * header excepted), never fatal.
 */
#ifndef HV_EVALUATE_H
#define HV_EVALUATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "resolve.h"
#include "store.h"

#define EVAL_MAX_LINE 65536
#define EVAL_BATCH 10000
#define EVAL_BATCH_BYTES (8u << 20)

/* Why an input line is bad (EVAL_OK: it is not). */
enum eval_bad {
    EVAL_OK,
    EVAL_FIELDS,   /* tsv: not two TAB-separated fields */
    EVAL_JSON,     /* jsonl: not an object with string "ip" and "helo" */
    EVAL_IP,       /* the ip is not an IPv4 or IPv6 address */
    EVAL_NUL,      /* a NUL byte (raw, or \u0000 in JSON) */
    EVAL_LONG,     /* longer than EVAL_MAX_LINE bytes */
    EVAL_NREASONS
};

/* evaluate_bad_name - the reason's name as the error column and the
 * summary show it ("not-two-fields", "bad-json", "bad-ip", "nul-byte",
 * "too-long"); "" for EVAL_OK. */
const char *evaluate_bad_name(enum eval_bad r);

/* One parsed line: ip and helo malloc'ed and NUL-terminated (owned; also
 * set, as far as they were read, for EVAL_IP), canon the IP's canonical
 * text (EVAL_OK only). */
struct eval_line {
    char *ip, *helo;
    size_t ipn, helon;
    char canon[46];
};

/* evaluate_parse - read one input line (line[0..n), no newline) as tsv or
 * jsonl into *out (zeroed first); EVAL_OK or the reason it is bad. Every
 * byte sequence is safe to pass. Free with evaluate_line_free. */
enum eval_bad evaluate_parse(const char *line, size_t n, bool jsonl, struct eval_line *out);

/* evaluate_line_free - free what evaluate_parse set; zeroes it. */
void evaluate_line_free(struct eval_line *l);

struct evaluate_opts {
    const char *format;      /* "tsv" (NULL) or "jsonl": input and output */
    bool header;             /* write the column names first */
    const struct resolve_opts *ro; /* the resolve stage's options */
};

struct evaluate_stats {
    long long lines;                /* rows written (header lines excepted) */
    long long pairs;                /* good input pairs */
    long long bad[EVAL_NREASONS];   /* bad lines by reason */
    long long nbad;
    long long queries, cache_hits;  /* DNS, summed over the resolve runs */
    int batches;
    bool degraded;                  /* a resolve run said HV_EDEGRADED */
};

/* evaluate_run - the filter over in and out. HV_OK (also with bad lines and
 * with degraded lookups: s->degraded, the warning in *err); HV_EUSAGE (a
 * bad format), HV_EDB, HV_EDNS (resolve setup: server, zone, policy), HV_EIO
 * (reading in or writing out; errno kept), HV_EINTR (SIGINT/SIGTERM: the
 * rows of the batches finished are written) with a malloc'ed *err. The
 * store holds no evaluate batch afterwards. */
int evaluate_run(struct store *st, const struct evaluate_opts *o, FILE *in, FILE *out,
                 struct evaluate_stats *s, char **err);

/* evaluate_summary - "evaluate: N pairs, B bad lines (x reason, ...), Q
 * queries" with msg_info (silenced by -q). */
void evaluate_summary(const struct evaluate_stats *s);

#endif
