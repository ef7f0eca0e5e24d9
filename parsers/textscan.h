/* SPDX-License-Identifier: MIT */
/*
 * textscan - substring search over length-bounded byte ranges, shared by
 * the log parsers (memmem is a GNU extension, outside the POSIX feature set
 * the build uses). Inputs need not be NUL-terminated.
 */
#ifndef HV_TEXTSCAN_H
#define HV_TEXTSCAN_H

#include <stddef.h>
#include <string.h>

/* hv_find - first occurrence of needle (nl bytes) in [p, p+n), or NULL.
 * memchr runs on the needle's first byte that is not a space: spaces are
 * everywhere in log text, so anchoring " from " on 'f' saves false starts. */
static inline const char *hv_find(const char *p, size_t n, const char *needle, size_t nl)
{
    if (nl == 0 || n < nl)
        return NULL;
    size_t k = 0;
    while (k + 1 < nl && needle[k] == ' ')
        k++;
    const char *q = p + k, *end = p + n - nl + k + 1;
    while (q < end) {
        const char *c = memchr(q, needle[k], (size_t)(end - q));
        if (c == NULL)
            return NULL;
        if (memcmp(c - k, needle, nl) == 0)
            return c - k;
        q = c + 1;
    }
    return NULL;
}

/* hv_rfind - last occurrence of needle (nl bytes) in [p, p+n), or NULL. */
static inline const char *hv_rfind(const char *p, size_t n, const char *needle, size_t nl)
{
    if (nl == 0 || n < nl)
        return NULL;
    for (size_t i = n - nl + 1; i-- > 0;)
        if (p[i] == needle[0] && memcmp(p + i, needle, nl) == 0)
            return p + i;
    return NULL;
}

/* FIND / RFIND - the same with a string literal needle. */
#define FIND(p, len, lit) hv_find((p), (len), (lit), sizeof(lit) - 1)
#define RFIND(p, len, lit) hv_rfind((p), (len), (lit), sizeof(lit) - 1)

#endif
