/* SPDX-License-Identifier: MIT */
/* rowcopy - statement texts copied into one arena; see rowcopy.h. */
#include "rowcopy.h"

void rowcopy_init(struct rowcopy *rc)
{
    fmt_buf_init(&rc->text);
}

void rowcopy_free(struct rowcopy *rc)
{
    fmt_buf_free(&rc->text);
}

void rowcopy_reset(struct rowcopy *rc)
{
    fmt_buf_reset(&rc->text);
}

size_t rowcopy_add(struct rowcopy *rc, sqlite3_stmt *q, int col, size_t *len)
{
    const char *t = (const char *)sqlite3_column_text(q, col);
    if (t == NULL) {
        *len = 0;
        return ROWCOPY_NULL;
    }
    *len = (size_t)sqlite3_column_bytes(q, col);
    size_t off = rc->text.len;
    /* SQLite ends every text with a NUL: copied with it */
    fmt_buf_add(&rc->text, t, *len + 1);
    return off;
}

const char *rowcopy_text(const struct rowcopy *rc, size_t off)
{
    return off == ROWCOPY_NULL ? NULL : rc->text.p + off;
}
