/* SPDX-License-Identifier: MIT */
/*
 * lineio - line framing over a file, a gzip file or stdin. gzip is detected
 * by its magic bytes (not the name) and inflated with zlib, concatenated
 * members included. Lines come back without their terminator, with CR and
 * NUL bytes removed and flagged, and never longer than LINEIO_MAX: a longer
 * line is skipped whole and reported with LINE_TOO_LONG. Memory is bounded
 * by the buffer size whatever the input.
 */
#ifndef HV_LINEIO_H
#define HV_LINEIO_H

#include <stdbool.h>
#include <stdint.h>

#include "parser.h"

#define LINEIO_MAX (64 * 1024)     /* longest line handed out */
#define LINEIO_HEAD 4096           /* bytes kept for the fingerprint */

/* anomaly flags of one line */
#define LINE_CRLF 0x01       /* a CR was removed before the LF */
#define LINE_NUL 0x02        /* NUL bytes were removed */
#define LINE_BAD_UTF8 0x04   /* not valid UTF-8 (kept as bytes) */
#define LINE_TOO_LONG 0x08   /* longer than LINEIO_MAX: content dropped */
#define LINE_NO_EOL 0x10     /* last line of the input had no newline */

/* The skip-count reasons (sources' source_skips) the scan gives the
 * repairs above: such a line was repaired and then read, not skipped, and
 * reports count it apart from skipped lines. LINE_SQL_REPAIRS: the list
 * for SQL "reason IN ...". A too-long line is skipped: "too-long". */
#define LINE_REASON_CRLF "crlf"
#define LINE_REASON_NUL "nul-bytes"
#define LINE_REASON_BAD_UTF8 "invalid-utf8"
#define LINE_SQL_REPAIRS                                                      \
    "('" LINE_REASON_CRLF "','" LINE_REASON_NUL "','" LINE_REASON_BAD_UTF8 "')"

/* lineio_reason_is_repair - whether a skip-count reason is one of the
 * repairs above (the same set as LINE_SQL_REPAIRS), not a skip. */
bool lineio_reason_is_repair(const char *reason);

#define LINEIO_OK 1
#define LINEIO_EOF 0
#define LINEIO_EIO (-1)      /* read error */
#define LINEIO_ETRUNC (-2)   /* gzip stream ended early */
#define LINEIO_ECORRUPT (-3) /* gzip data error */

struct lineio;

/* lineio_open - open path ("-" for stdin). On failure returns NULL with a
 * malloc'ed message naming path and the cause in *err (the convention of
 * analyzer/base/hverr.h). The returned reader is freed by lineio_close. */
struct lineio *lineio_open(const char *path, char **err);

/* lineio_prefetch - read (and inflate) ahead in a thread of its own from the
 * next refill on, for a regular file; call before the first lineio_next.
 * Returns whether it is on (false for stdin and pipes: a thread blocked in
 * read(2) there could hold up lineio_close). Lines come back the same. */
bool lineio_prefetch(struct lineio *r);

/* lineio_head - the first bytes of the (decompressed) content, up to
 * LINEIO_HEAD; borrowed, valid until lineio_close. */
const unsigned char *lineio_head(struct lineio *r, size_t *len);

/* lineio_next - the next line. Returns LINEIO_OK (line and *flags set;
 * line->p borrowed until the next call), LINEIO_EOF, or a negative
 * LINEIO_E* (every complete line before the fault was delivered first). */
int lineio_next(struct lineio *r, struct hv_line *line, unsigned *flags);

/* lineio_skip_to - discard content up to byte offset, which is the start of
 * line number lineno+1 (a resume point saved earlier). LINEIO_OK, or an
 * error/EOF code when the input is shorter. */
int lineio_skip_to(struct lineio *r, uint64_t offset, uint64_t lineno);

/* lineio_is_gzip - whether the input is gzip-compressed. */
bool lineio_is_gzip(const struct lineio *r);

/* lineio_gzip_isize - for a gzip file, the ISIZE trailer (uncompressed size
 * mod 2^32 of the last member); false when not available (stdin, plain). */
bool lineio_gzip_isize(const struct lineio *r, uint32_t *isize);

/* lineio_offset - bytes of content consumed so far (decompressed). */
uint64_t lineio_offset(const struct lineio *r);

/* lineio_raw_offset - bytes of the underlying file read so far (for the
 * progress bar on compressed files). */
uint64_t lineio_raw_offset(const struct lineio *r);

/* lineio_strerror - text for a negative LINEIO_E* code. */
const char *lineio_strerror(int code);

/* lineio_close - close and free; NULL is a no-op. */
void lineio_close(struct lineio *r);

#endif
