/* SPDX-License-Identifier: MIT */
/*
 * merge - combine heloval databases scanned (and maybe resolved) on several
 * machines into one, without double counting: sources are matched by their
 * content fingerprint, sessions by (source, line), cached DNS answers and
 * CSA/DNA results by their keys (the newest wins). Log sessions without a
 * HELO are joined with mbox sessions by queue ID and client IP afterwards,
 * as `scan` does, since the two may come from different machines.
 */
#ifndef HV_MERGE_H
#define HV_MERGE_H

#include "store.h"

/* merge_stats - what one merge added; helo_joined: sessions (of either
 * side) that got their HELO from a Received header once both were in;
 * label_joined: those that took their message's spam/ham label. A
 * session's label (like its HELO) is kept; the input's fills a missing one. */
struct merge_stats {
    long long sources_added, sources_shared, sessions_added, helo_joined, label_joined;
};

/* merge_from - merge the database at path into st (which is open for
 * writing). One transaction per input. HV_OK or HV_EDB with a malloc'ed
 * message in *err. */
int merge_from(struct store *st, const char *path, struct merge_stats *ms, char **err);

#endif
