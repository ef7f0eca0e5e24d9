/* SPDX-License-Identifier: MIT */
/*
 * rowcopy - the texts of a statement's rows copied into one growing arena,
 * so that a batch of rows outlives sqlite3_step (which invalidates the
 * texts of the row before). The report's pass over the sessions and the
 * exports read a batch of rows before they use them, to start the hash
 * look-ups of the whole batch together.
 * A text is named by its offset in the arena (stable while the arena
 * grows; pointers are not) and is NUL-terminated after its bytes (which
 * may hold NULs: use the length). Owns the arena.
 */
#ifndef HV_ROWCOPY_H
#define HV_ROWCOPY_H

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

#include "fmt.h"

/* the offset of an SQL NULL */
#define ROWCOPY_NULL SIZE_MAX

struct rowcopy {
    struct fmt_buf text;
};

/* rowcopy_init - an empty arena (no allocation). */
void rowcopy_init(struct rowcopy *rc);

/* rowcopy_free - release the arena; rc is empty after. */
void rowcopy_free(struct rowcopy *rc);

/* rowcopy_reset - forget every text, keep the room. */
void rowcopy_reset(struct rowcopy *rc);

/* rowcopy_add - a copy of the text of column col of the row q is on: its
 * offset, or ROWCOPY_NULL for SQL NULL; its length in *len (0 for NULL). */
size_t rowcopy_add(struct rowcopy *rc, sqlite3_stmt *q, int col, size_t *len);

/* rowcopy_text - the text at off (NULL for ROWCOPY_NULL), valid until the
 * next rowcopy_add, rowcopy_reset or rowcopy_free. */
const char *rowcopy_text(const struct rowcopy *rc, size_t off);

#endif
