/* SPDX-License-Identifier: MIT */
/* mbox - STUB: replaced by the real parser. */
#include "parser.h"

#include <stddef.h>

/* probe_stub - never claims a line. */
static int probe_stub(const char *line, size_t len)
{
    (void)line;
    (void)len;
    return 0;
}

const struct hv_format hv_format_mbox = {
    "mbox", probe_stub, NULL, NULL, NULL, NULL,
};
