/* SPDX-License-Identifier: MIT */
/*
 * regdomain - the registered domain of a name by the Public Suffix List
 * (libpsl), for the report's "domain" column and the advice table.
 *
 * Contract:
 *  - The list is psl_latest(NULL): the newer of libpsl's built-in list and
 *    the distribution's (Debian: /usr/share/publicsuffix, package
 *    publicsuffix, updated with the system); psl_builtin() when that fails.
 *    Loaded once per process, on first use, and kept (never freed).
 *  - ICANN section only: a suffix of the list's PRIVATE section
 *    (*.compute-1.amazonaws.com, github.io, ...) is not a boundary, so
 *    ec2-192-0-2-1.compute-1.amazonaws.com belongs to amazonaws.com: the
 *    party that can publish DNS records for such hosts is the owner of
 *    the ICANN-registered domain. Unlisted TLDs follow the implicit "*"
 *    rule (bulk.test is registered under "test").
 *  - Input of regdomain_find is a normalised name: lower-case, no trailing
 *    dot (helo_norm_name's output). The answer is always a suffix of it.
 */
#ifndef HV_REGDOMAIN_H
#define HV_REGDOMAIN_H

#include <stddef.h>

#include "fmt.h"
#include "keymap.h"

/* regdomain_find - the registered domain of the normalised name (a suffix
 * of name, borrowed): the longest ICANN public suffix plus one label.
 * NULL when name is empty, is itself a public suffix ("co.uk", "com"),
 * has an empty label, or no list could be loaded. */
const char *regdomain_find(const char *name);

/* The Public Suffix List's answers for the suffixes of names (not the
 * whole names, mostly met once) asked through it: its owner's, for one
 * thread; kept until regdomain_memo_free. */
struct regdomain_memo {
    struct keymap suffixes;     /* suffixes asked about, by number */
    unsigned char *is_public;   /* ... 1 when an ICANN public suffix */
    size_t cap;
};

/* regdomain_memo_init - an empty memo. */
void regdomain_memo_init(struct regdomain_memo *m);

/* regdomain_memo_free - free what m holds (it is empty again). */
void regdomain_memo_free(struct regdomain_memo *m);

/* regdomain_find_memo - regdomain_find, asking the list about each suffix
 * of the name other than itself once per memo m (NULL: no memo). */
const char *regdomain_find_memo(const char *name, struct regdomain_memo *m);

/* regdomain_helo - the "domain" of a HELO of hn bytes whose class is cls
 * (helo_class_name) into b (reset first): for an "fqdn" its registered
 * domain (regdomain_find over helo_norm_name), the normalised name itself
 * when it has none; any other HELO (address literal, bare IP, bare name,
 * invalid) stands for itself, lower-cased (ASCII); no HELO is "". */
void regdomain_helo(const char *helo, size_t hn, const char *cls,
                    struct fmt_buf *b);

/* regdomain_helo_memo - regdomain_helo through memo m (NULL: none). */
void regdomain_helo_memo(const char *helo, size_t hn, const char *cls,
                         struct fmt_buf *b, struct regdomain_memo *m);

/* regdomain_helo_class - the report's class of a HELO of hn bytes, hz a
 * NUL-terminated copy of it: "none" when empty, "invalid" when it holds a
 * NUL byte, else helo_class_name(helo_classify(hz)). */
const char *regdomain_helo_class(const char *hz, size_t hn);

/* regdomain_of_helo - regdomain_helo of a HELO of hn bytes with its class
 * computed as the report does (no HELO: "none"; a NUL byte: "invalid";
 * else helo_class_name(helo_classify)): the report's "domain" of a pair,
 * for exports that must group as the report does. */
void regdomain_of_helo(const char *helo, size_t hn, struct fmt_buf *b);

/* regdomain_list - a description of the list in use ("/usr/share/...dafsa"
 * or "libpsl built-in"), static; "none" when no list loaded. */
const char *regdomain_list(void);

#endif
