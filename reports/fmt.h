/* SPDX-License-Identifier: MIT */
/*
 * fmt - escaping of attacker-controlled text for each output medium, and a
 * small growable byte buffer to build cells in. Every string that came from
 * a log or a mail (HELO, reverse name, path, DNS record text) goes through
 * one of these before it reaches a terminal, a CSV, a JSON or an HTML file.
 *
 * Media and their rules (the README "Output escaping" section repeats them):
 *  - term: valid, printable UTF-8 passes; C0 controls, DEL and bytes that are
 *    not valid UTF-8 become \xHH, C1 controls and invisible or bidi
 *    formatting characters (U+200B-U+200F, U+2028-U+202E, U+2060-U+2069,
 *    U+FEFF) become \uHHHH, a backslash becomes \\. The output holds no ESC
 *    byte and no byte below 0x20, so it cannot move a cursor or set colours.
 *  - html: the term form, then & < > " ' as entities: safe in text and in
 *    quoted attributes, and shows the same as the text report.
 *  - json: a complete JSON string literal; " \ and controls escaped, U+2028
 *    and U+2029 escaped, a byte that is not valid UTF-8 becomes \u00HH (its
 *    Latin-1 reading: the bytes of an otherwise ASCII name are recoverable).
 *  - csv: one RFC 4180 field; a value starting with = + - @ TAB or CR gets a
 *    leading ' (spreadsheet formula guard); quoted when it holds , " CR LF
 *    (or the guard's quote), with " doubled. Other bytes pass unchanged.
 *  - tsv: TAB, CR, LF and backslash become \t \r \n \\; nothing else changes.
 * None of these functions fail; the buffer grows with xrealloc (inputs are
 * bounded by the store: a HELO is at most 1024 bytes).
 */
#ifndef HV_FMT_H
#define HV_FMT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* A growable byte buffer, always NUL-terminated after the first add. */
struct fmt_buf {
    char *p;      /* bytes, owned; NULL until something is added */
    size_t len;   /* bytes used, terminator excluded */
    size_t cap;   /* bytes allocated */
};

/* fmt_buf_init - an empty buffer (no allocation). */
void fmt_buf_init(struct fmt_buf *b);
/* fmt_buf_free - release the bytes; the buffer is empty again. */
void fmt_buf_free(struct fmt_buf *b);
/* fmt_buf_reset - forget the contents, keep the allocation. */
void fmt_buf_reset(struct fmt_buf *b);
/* fmt_buf_add - append len bytes. */
void fmt_buf_add(struct fmt_buf *b, const char *s, size_t len);
/* fmt_buf_puts - append a NUL-terminated string. */
void fmt_buf_puts(struct fmt_buf *b, const char *s);
/* fmt_buf_printf - append formatted text (snprintf, grows as needed). */
void fmt_buf_printf(struct fmt_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* fmt_buf_int - append v in decimal, as "%lld" prints it. */
void fmt_buf_int(struct fmt_buf *b, long long v);
/* fmt_buf_str - the contents as a C string ("" when empty; borrowed). */
const char *fmt_buf_str(const struct fmt_buf *b);
/* fmt_buf_write - write the contents to out; false on a write error. */
bool fmt_buf_write(const struct fmt_buf *b, FILE *out);

/* fmt_utf8_len - length (1-4) of the valid UTF-8 sequence at p (n bytes
 * available), with its code point in *cp; 0 when the bytes at p are not a
 * valid, shortest-form sequence of a scalar value (no surrogates). */
size_t fmt_utf8_len(const unsigned char *p, size_t n, unsigned *cp);

/* fmt_term - append the terminal-safe form of s[0..len) (see above). */
void fmt_term(struct fmt_buf *b, const char *s, size_t len);
/* fmt_html - append the HTML-safe form (term form, then entities). */
void fmt_html(struct fmt_buf *b, const char *s, size_t len);
/* fmt_json - append s as a JSON string literal, quotes included. */
void fmt_json(struct fmt_buf *b, const char *s, size_t len);
/* fmt_csv - append s as one RFC 4180 field with the formula guard. */
void fmt_csv(struct fmt_buf *b, const char *s, size_t len);
/* fmt_tsv - append s as one TSV field (\t \r \n \\ escaped). */
void fmt_tsv(struct fmt_buf *b, const char *s, size_t len);

/* fmt_width - display columns of already terminal-safe text: one per code
 * point (wide characters counted as one; good enough for alignment). */
size_t fmt_width(const char *s, size_t len);

/* fmt_iso_time - "2026-11-01T00:00:01Z" for epoch seconds t into buf (at
 * least 21 bytes; a shorter one gets a cut, terminated prefix): the one
 * formatter, tstamp_format_iso, so "" outside years 0000..9999. */
void fmt_iso_time(long long t, char *buf, size_t size);

#endif
