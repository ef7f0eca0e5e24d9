/* SPDX-License-Identifier: MIT */
/*
 * sessionpairs - a number (a pair's) per session id, for a caller that
 * learns them in one order (the sessions(helo, ip) index) and asks for
 * them in another (ascending id, one source's range at a time): the
 * (id, number) entries are added in any order, sorted once by id (a radix
 * sort: linear, stable), then found with a cursor that makes a run of
 * ascending ids one comparison each and any other id a binary search.
 * Owns its two arrays (12 bytes per entry, twice that while sorting); no
 * other state, no errors (allocation failure aborts, as xmem.h).
 */
#ifndef HV_SESSIONPAIRS_H
#define HV_SESSIONPAIRS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct sessionpairs {
    int64_t *id;     /* ascending once sorted */
    uint32_t *num;   /* the number of id[i] */
    size_t n, cap;
    size_t next;     /* where the next ascending id is looked for */
};

/* sessionpairs_init - an empty set (no allocation). */
void sessionpairs_init(struct sessionpairs *sp);

/* sessionpairs_reserve - room for n entries in all (a hint: adds past it
 * still work). */
void sessionpairs_reserve(struct sessionpairs *sp, size_t n);

/* sessionpairs_add - entry (id, num); ids must be distinct. */
void sessionpairs_add(struct sessionpairs *sp, int64_t id, uint32_t num);

/* sessionpairs_sort - the entries in ascending id order (negative ids
 * first); call once, after the last add and before the first find. */
void sessionpairs_sort(struct sessionpairs *sp);

/* sessionpairs_find - the number of id into *num: true, or false when id
 * was not added. Fastest when called with ascending ids. */
bool sessionpairs_find(struct sessionpairs *sp, int64_t id, uint32_t *num);

/* sessionpairs_free - release the arrays; sp is empty after. */
void sessionpairs_free(struct sessionpairs *sp);

#endif
