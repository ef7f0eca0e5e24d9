/* SPDX-License-Identifier: MIT */
/* hverr - error codes in words, and the malloc'ed detail text. */
#include "hverr.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "xmem.h"

const char *hv_strerror(int code)
{
    switch (code) {
    case HV_OK: return "success";
    case HV_EDB: return "database error";
    case HV_EBUSY: return "database in use by another heloval";
    case HV_EDNS: return "DNS setup failed";
    case HV_EINTR: return "interrupted";
    case HV_EDEGRADED: return "most DNS lookups failed";
    case HV_EIO: return "write error";
    case HV_EUSAGE: return "invalid argument";
    case HV_EINPUT: return "unusable input file";
    case HV_EWRITE: return "statement would write to a read-only database";
    default: return "unknown error";
    }
}

int hv_errf(char **err, int code, const char *fmt, ...)
{
    va_list ap;
    int n;
    char *s;

    if (err == NULL)
        return code;
    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        n = 0;
    s = xmalloc((size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(s, (size_t)n + 1, fmt, ap);
    va_end(ap);
    free(*err);
    *err = s;
    return code;
}
