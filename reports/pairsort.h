/* SPDX-License-Identifier: MIT */
/*
 * pairsort - the pairs of a pairmap in the order the ordered scans of the
 * CSA and DNA rows read them (pairinfo_ordered: HELO, then IP, as SQLite's
 * BINARY collation orders text; pairinfo_cmp), pairs with equal keys by
 * their number. Above 65,536 pairs the sort takes two threads (after one
 * partition each sorts a part); the order is the same either way. Memory:
 * 24 bytes a pair while it sorts, and the order returned.
 */
#ifndef HV_PAIRSORT_H
#define HV_PAIRSORT_H

#include <stdint.h>

#include "pairmap.h"

/* pairsort_order - the pair numbers of pm in that order: an array of
 * pairmap_count(pm) entries (malloc'ed, the caller frees it). pm is only
 * read, from both threads. */
uint32_t *pairsort_order(const struct pairmap *pm);

#endif
