/* SPDX-License-Identifier: MIT */
/*
 * origingroups - the (mta, helo_from) groups the HELO provenance counts
 * are kept by: a small table of text pairs, each found again by its texts
 * (NULL equal to NULL only), its group number stable until freed.
 * A database heloval wrote has at most 4 MTAs x 5 provenances; the table
 * holds ORIGIN_GROUPS_MAX and says when a new pair finds it full, so that
 * its user counts another way. Used by the scan's recount (scandb.c) and
 * by the counts kept as rows are written (origintally.c).
 * Ownership: the table owns copies of its texts, freed by
 * origin_groups_free; the caller keeps its counters, by group number.
 */
#ifndef HV_ORIGINGROUPS_H
#define HV_ORIGINGROUPS_H

#include <stddef.h>

#define ORIGIN_GROUPS_MAX 64

struct origin_groups {
    struct origin_group {
        char *mta, *from; /* owned; NULL for SQL NULL */
    } g[ORIGIN_GROUPS_MAX];
    size_t n;    /* groups in g */
    size_t last; /* the group found before (rows come in runs) */
};

/* origin_groups_init - an empty table. */
void origin_groups_init(struct origin_groups *gs);

/* origin_groups_find - the number (0 .. n-1) of the group (mta, from),
 * added with copies of the texts when new; -1 when it is new and the table
 * is full (nothing added). The group found before is tried first. */
long origin_groups_find(struct origin_groups *gs, const char *mta, const char *from);

/* origin_groups_free - free the texts; the table is empty again. */
void origin_groups_free(struct origin_groups *gs);

#endif
