/* SPDX-License-Identifier: MIT */
/*
 * anon - `--anonymize` (README "Sharing a study"): what a report or an
 * export shows of the people behind the mail, masked so that a study can
 * be shared. Counts are made before masking and never change.
 *
 *   client addresses   every IPv4 address in a text value becomes its /24
 *                      ("192.0.2.0/24"), every IPv6 address its /48
 *                      ("2001:db8:1::/48"; an IPv4-mapped one its IPv4
 *                      /24); a network already written with a longer
 *                      prefix is cut to /24 or /48, a shorter one kept.
 *                      Address literals in HELOs ("[192.0.2.5]",
 *                      "[IPv6:2001:db8::5]") are masked alike, and an
                      address written into a host name with dashes
                      ("dsl-203-0-113-77.example.net") becomes x-x-x-x.
 *   local parts        the local part of every mail address
 *                      (local@domain) becomes "*".
 *   mailbox paths      the path of a mailbox source (format mbox: an mbox
 *                      file or a Maildir message) keeps only the
 *                      components that name mailbox structure (home, var,
 *                      mail, spool, Maildir, cur, new, tmp, a Maildir++
 *                      folder ".Name", folder-like mbox names such as
 *                      inbox, junk, spam, sent, trash with or without
 *                      .mbox, and a Maildir message's file name); every
 *                      other component, which may name the mailbox's
 *                      owner, becomes "*".
 * Host names (HELOs, reverse DNS) are otherwise kept: they are the
 * subject of the study. Log file paths are kept.
 *
 * Owns nothing beyond its own struct anon; it reads the sources table
 * through the read views (rv_sources) once.
 */
#ifndef HV_ANON_H
#define HV_ANON_H

#include <sqlite3.h>
#include <stddef.h>

#include "fmt.h"
#include "keymap.h"

struct report;

/* What the masking needs to know of the database: the mailbox sources'
 * paths. */
struct anon {
    struct keymap mailboxes; /* paths of the sources of format 'mbox' */
};

/* anon_open - read the paths of the mailbox sources of db (the read views
 * must exist). HV_OK, or HV_EDB with a malloc'ed *err; a must be closed
 * with anon_close in both cases. */
int anon_open(struct anon *a, sqlite3 *db, char **err);

/* anon_close - release a. */
void anon_close(struct anon *a);

/* anon_text - append s[0..n) to b with its addresses and mail address
 * local parts masked (the rules above). Bytes that are neither pass
 * through unchanged. */
void anon_text(struct fmt_buf *b, const char *s, size_t n);

/* anon_mailbox_path - append the masked form of the mailbox path
 * p[0..n) to b (the component rule above; '/' separates components). */
void anon_mailbox_path(struct fmt_buf *b, const char *p, size_t n);

/* anon_value - append the masked form of a value to b: a mailbox source's
 * path, or such a path followed by ":LINE", is masked as a path (and
 * keeps its line); any other text goes through anon_text. */
void anon_value(const struct anon *a, struct fmt_buf *b, const char *s,
                size_t n);

/* anon_report - mask every text cell of every table of r, and r's
 * warning, with anon_value. */
void anon_report(const struct anon *a, struct report *r);

#endif
