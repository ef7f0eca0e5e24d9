/* SPDX-License-Identifier: MIT */
/*
 * test_corpus_sendmail - replay the public corpus (../shared/corpus, or
 * $HV_CORPUS) through the Sendmail parser, one line at a time, each line
 * fed to a fresh parser and finished at once, and check it against the
 * corpus expectations (corpus README.md, "Log TSV columns"):
 *   - a logs.expected.tsv row gives a session with exactly that ip and helo
 *     (there are none for Sendmail: its standard lines carry no HELO);
 *   - a logs.ip-only.tsv row with role=client gives a session with that ip
 *     and no HELO (this includes the injection line, where a forged
 *     relay= sits inside user= and the last relay= is Sendmail's own);
 *   - role=server/other rows and lines listed nowhere give no session.
 * Addresses are compared in canonical form (the TSV writes 2001:DB8::1).
 * The replay code is tests/unit/corpus_replay.h, shared with
 * test_corpus_exim.c; the placeholder substitution never fires on these
 * files.
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
#define CORPUS_MTA "sendmail"
#define CORPUS_FORMAT hv_format_sendmail
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
    {NULL, 0, NULL},   /* none: every Sendmail row is checked as listed */
};

#include "corpus_replay.h"
