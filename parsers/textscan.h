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
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/* hv_find_near - first byte c in [p, p+n), or NULL: memchr, with a look at
 * the first 16 bytes (SSE2) before it for the short fields (a host, an
 * address in brackets) where it is mostly found at once. */
static inline const char *hv_find_near(const char *p, size_t n, char c)
{
#if defined(__SSE2__)
    if (n >= 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
        unsigned m = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8(c)));
        if (m != 0)
            return p + __builtin_ctz(m);
    }
#endif
    return memchr(p, c, n);
}

/* find_bytes - hv_find without SSE2: memchr on the needle's first byte
 * that is not a space (spaces are everywhere in log text, so anchoring
 * " from " on 'f' saves false starts), memcmp at each hit. */
static inline const char *find_bytes(const char *p, size_t n, const char *needle,
                                     size_t nl)
{
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

/* hv_find - first occurrence of needle (nl bytes) in [p, p+n), or NULL.
 * With SSE2, 16 start positions at a time: a start is a candidate when its
 * byte is the needle's first and the byte nl - 1 later the needle's last,
 * which in log text rules out nearly every false start at once (the lines
 * are short: most searches end within a few blocks); candidates are
 * compared in full, lowest first. The last starts (fewer than 16) go
 * through find_bytes. */
static inline const char *hv_find(const char *p, size_t n, const char *needle, size_t nl)
{
    if (nl == 0 || n < nl)
        return NULL;
#if defined(__SSE2__)
    if (nl >= 2) {
        const __m128i first = _mm_set1_epi8(needle[0]);
        const __m128i last = _mm_set1_epi8(needle[nl - 1]);
        size_t starts = n - nl + 1, i = 0;
        for (; i + 16 <= starts; i += 16) {
            __m128i a = _mm_loadu_si128((const __m128i *)(const void *)(p + i));
            __m128i b = _mm_loadu_si128((const __m128i *)(const void *)(p + i + nl - 1));
            unsigned m = (unsigned)_mm_movemask_epi8(
                _mm_and_si128(_mm_cmpeq_epi8(a, first), _mm_cmpeq_epi8(b, last)));
            for (; m != 0; m &= m - 1) {
                size_t at = i + (size_t)__builtin_ctz(m);
                if (memcmp(p + at + 1, needle + 1, nl - 2) == 0)
                    return p + at;
            }
        }
        return find_bytes(p + i, n - i, needle, nl);
    }
#endif
    return find_bytes(p, n, needle, nl);
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
