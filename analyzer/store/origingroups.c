/* SPDX-License-Identifier: MIT */
/* origingroups - (mta, helo_from) groups found by their texts; see the header. */
#include "origingroups.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "xmem.h"

void origin_groups_init(struct origin_groups *gs)
{
    memset(gs, 0, sizeof(*gs));
}

/* same_text - a and b equal, NULL equal to NULL only (the writers' static
 * vocabulary makes the pointers equal most of the time). */
static bool same_text(const char *a, const char *b)
{
    return a == b || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

/* is_group - group i has the texts (mta, from). */
static bool is_group(const struct origin_groups *gs, size_t i, const char *mta,
                     const char *from)
{
    return same_text(gs->g[i].mta, mta) && same_text(gs->g[i].from, from);
}

long origin_groups_find(struct origin_groups *gs, const char *mta, const char *from)
{
    if (gs->last < gs->n && is_group(gs, gs->last, mta, from))
        return (long)gs->last;
    size_t i = 0;
    while (i < gs->n && !is_group(gs, i, mta, from))
        i++;
    if (i == gs->n) {
        if (gs->n == ORIGIN_GROUPS_MAX)
            return -1;
        gs->g[i].mta = mta != NULL ? xstrdup(mta) : NULL;
        gs->g[i].from = from != NULL ? xstrdup(from) : NULL;
        gs->n++;
    }
    gs->last = i;
    return (long)i;
}

void origin_groups_free(struct origin_groups *gs)
{
    for (size_t i = 0; i < gs->n; i++) {
        free(gs->g[i].mta);
        free(gs->g[i].from);
    }
    origin_groups_init(gs);
}
