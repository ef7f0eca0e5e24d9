/* SPDX-License-Identifier: MIT */
/*
 * tmpstore - a test helper: a store (store_open, the real schema) in a
 * directory of its own under /tmp, removed with everything in it (the
 * database, its journal, WAL and lock files, and whatever else the test
 * left there) by tmpstore_close. Uses check.h: a store that cannot be made
 * is a failed check, with the message printed.
 */
#ifndef HV_TEST_TMPSTORE_H
#define HV_TEST_TMPSTORE_H

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "store.h"

struct tmpstore {
    char dir[64];     /* /tmp/hv-test-<name>-XXXXXX */
    char path[256];   /* dir/<file> */
    struct store *st; /* NULL when closed, or when it could not be made */
};

/* tmpstore_open - a new store at /tmp/hv-test-<name>-XXXXXX/<file> into
 * *t; false (a failed check, the cause printed) when the directory or the
 * store cannot be made. t->path and t->dir stay valid until
 * tmpstore_close. */
static inline bool tmpstore_open(struct tmpstore *t, const char *name,
                                 const char *file)
{
    char *err = NULL;
    memset(t, 0, sizeof(*t));
    snprintf(t->dir, sizeof(t->dir), "/tmp/hv-test-%s-XXXXXX", name);
    if (mkdtemp(t->dir) == NULL) {
        CHECK_MSG(0, "mkdtemp %s failed", t->dir);
        t->dir[0] = '\0';
        return false;
    }
    snprintf(t->path, sizeof(t->path), "%s/%s", t->dir, file);
    int rc = store_open(t->path, 0, &t->st, &err);
    CHECK_MSG(rc == HV_OK, "store_open %s: %s", t->path, err ? err : "?");
    free(err);
    return t->st != NULL;
}

/* tmpstore_add_source - a Postfix source "a.log" saved and committed in
 * t's store, its row into *src (its id in src->id); false (a failed
 * check) when that fails. */
static inline bool tmpstore_add_source(struct tmpstore *t, struct store_source *src)
{
    memset(src, 0, sizeof(*src));
    snprintf(src->format, sizeof(src->format), "postfix");
    bool ok = store_begin(t->st) == HV_OK &&
              store_save_source(t->st, src, "a.log", "00", 4096, INT64_MIN, INT64_MIN) ==
                  HV_OK &&
              store_commit(t->st) == HV_OK;
    CHECK_MSG(ok, "saving a source: %s", store_errmsg(t->st));
    return ok;
}

/* tmpstore_close - close the store (when open) and remove its directory
 * with everything in it (a failed check when that fails). */
static inline void tmpstore_close(struct tmpstore *t)
{
    char cmd[sizeof(t->dir) + 16];
    if (t->st != NULL)
        store_close(t->st);
    t->st = NULL;
    if (t->dir[0] == '\0')
        return;
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", t->dir);
    CHECK(system(cmd) == 0);
    t->dir[0] = '\0';
}

#endif
