/* SPDX-License-Identifier: MIT */
/*
 * Folder parsers/ (README "Layout"): one file per input format, their
 * shared pieces and the format table (registry.c). Includes only parsers/
 * and analyzer/base/ headers (make lint); the parser unit tests link only
 * these two folders.
 */
/*
 * parser - the contract every input format implements (the formats are
 * the rows of registry.c, the one list of them). A parser is fed one line at a time, keeps whatever state
 * assembles a session across lines (bounded), and hands finished sessions to
 * the emit callback. It never touches SQLite, DNS, stdout or stderr and never
 * exits: bad input comes back as a skip reason the pipeline counts.
 *
 * Emitting the same session twice (same line) is allowed and means "update":
 * the store keys sessions by (source, line). Parsers use this to add a HELO
 * learnt from a later line (Postfix cleanup warnings after disconnect).
 */
#ifndef HV_PARSER_H
#define HV_PARSER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "netaddr.h"
#include "session.h"
#include "tstamp.h"

/* One input line, without its terminator (CR and LF removed, NULs removed). */
struct hv_line {
    const char *p;       /* bytes; p[len] == '\0' */
    size_t len;
    uint64_t lineno;     /* 1-based */
    uint64_t offset;     /* byte offset of the line's first byte */
};

/* Options shared by all parsers of one scan. Borrowed; outlives the parser. */
struct hv_parse_opts {
    struct hv_clock *clock;             /* year inference for syslog stamps */
    const struct hv_netlist *trusted;   /* mbox: networks that are not the border */
    int single_message;                 /* mbox: input is one .eml / Maildir file */
    int folder_spam;                    /* mbox: input is filed in a junk folder
                                           (spamtext.h hv_spam_folder): every
                                           message is spam (label_from folder) */
};

/* Return values of feed(). */
#define HV_PARSE_OK 0     /* line used (or harmless noise of this format) */
#define HV_PARSE_SKIP 1   /* line counted as skipped; *reason names why */

typedef void (*hv_emit_fn)(void *arg, const struct hv_session *s);

struct hv_parser;

struct hv_format {
    const char *name;   /* --format value, stored source format; also the
                           name of its MTA when it is the MTA's first row */
    /* probe - how sure (0..100) that this line is of the format. */
    int (*probe)(const char *line, size_t len);
    /* open - a parser that emits through emit(arg, session); freed by close. */
    struct hv_parser *(*open)(const struct hv_parse_opts *opts, hv_emit_fn emit,
                              void *arg);
    /* feed - one line. Returns HV_PARSE_OK, or HV_PARSE_SKIP with *reason set
     * to a static kebab-case string ("bad-timestamp", "malformed", ...). */
    int (*feed)(struct hv_parser *p, const struct hv_line *line,
                const char **reason);
    /* finish - end of input: emit every session still open, complete=false. */
    void (*finish)(struct hv_parser *p);
    /* close - free the parser (NULL is a no-op). */
    void (*close)(struct hv_parser *p);
    /* a mail file starts with its format (From_ line or header): detection
     * takes no file whose first line the probe does not know */
    bool first_line_decides;
    /* open_since - optional: after finish, whether a unit of input is still
     * open (an mbox message, whose end only the next From_ line shows), and
     * then where it began (*offset, and *lines before it): the next scan of
     * the grown file must start there. NULL: only the sessions finish()
     * emits as incomplete hold the resume point back. */
    bool (*open_since)(struct hv_parser *p, uint64_t *offset, uint64_t *lines);
    /* mta - the MTA of the sessions it emits */
    enum hv_mta mta;
};

/* The rows the registry may hold (a fixed bound for per-format arrays). */
#define HV_FORMAT_MAX 16

extern const struct hv_format hv_format_postfix;
extern const struct hv_format hv_format_exim;
extern const struct hv_format hv_format_sendmail;
extern const struct hv_format hv_format_mbox;

/*
 * The registry (registry.c) is the one list of input formats, and through
 * their mta field of MTAs: the CLI, its usage text, the scan summary, the
 * syslog dispatcher (mixed.c) and the fuzz target read it. A new format is
 * its parser file, its row in registry.c (and an enum hv_mta value if it is
 * a new MTA) and its tests.
 */

/* hv_format_at - the i-th format of the registry (0-based, detection
 * order), or NULL past the last: how every consumer lists the formats. */
const struct hv_format *hv_format_at(size_t i);

/* hv_format_find - the format called name, or NULL. */
const struct hv_format *hv_format_find(const char *name);

/* hv_format_detect - the best format for a file whose first lines are given
 * (n lines), or NULL when none scores. */
const struct hv_format *hv_format_detect(const struct hv_line *lines, size_t n);

#endif
