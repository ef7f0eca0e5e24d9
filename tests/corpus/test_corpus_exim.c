/* SPDX-License-Identifier: MIT */
/*
 * test_corpus_exim - replay the public corpus (../shared/corpus, or
 * $HV_CORPUS) through the Exim parser, one line at a time, each line fed to
 * a fresh parser and finished at once, and check it against the corpus
 * expectations (corpus README.md, "Log TSV columns"):
 *   - a logs.expected.tsv row gives a session with exactly that ip and helo;
 *   - a logs.ip-only.tsv row with role=client gives a session with that ip
 *     and no HELO;
 *   - role=server/other rows and lines listed nowhere give no session.
 * Addresses are compared in canonical form (the TSV writes 2001:DB8::1).
 *
 * The -placeholders file: its addresses are test-harness placeholders
 * (ip4.ip4.ip4.ip4, V4NET.x.y.z, ip6:ip6:...), which no parser can turn
 * into an address. We replay it anyway, substituting the same fixed
 * addresses into the log line and into the expected values before
 * comparing: ip4.ip4.ip4.ip4 -> 192.0.2.4 (RFC 5737), ip6:...:ip6 ->
 * 2001:db8:0:0:0:0:0:6 (RFC 3849), V4NET -> 10 (there is no /8 documentation
 * block; 10/8 is never routed), V6NET -> 2001:db8 (only inside HELOs). This
 * checks every one of its 703 lines like the others instead of only "no
 * crash". PORT_D-style port placeholders are left alone: the parser reads
 * them as "no port".
 *
 * test_corpus_sendmail.c is the same replay over the Sendmail files; the
 * shared code is tests/unit/corpus_replay.h.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "check.h"
#include "netaddr.h"
#include "parser.h"
#include "session.h"

#ifndef CORPUS_MTA
#define CORPUS_MTA "exim"
#define CORPUS_FORMAT hv_format_exim
#endif

/*
 * Exceptions: lines where this parser deliberately disagrees with the
 * corpus TSV, each with its reason. An exception applies to every line of
 * the MTA's files that contains `text`; want_session says what we check
 * instead (0: no session; 1: a session with the TSV ip and no HELO).
 */
struct exception {
    const char *text;
    int want_session;
    const char *why;
};

static const struct exception exceptions[] = {
    /* "TLS session: (certificate verification failed): ... delivering
     * unencrypted to H=name [ip] (not in hosts_require_tls)": Exim is the
     * SMTP client here (it is delivering to H=), so the address is a
     * remote server, not a client. The TSV lists these lines (testsuite
     * 1718, placeholders 348 350 353 369 384 386) as role=client because
     * of their "H=name [ip]" shape. */
    {"delivering unencrypted to H=", 0, "delivery: H= is the remote server"},
    {NULL, 0, NULL},
};

#include "corpus_replay.h"
