/* SPDX-License-Identifier: MIT */
/* xmem - allocation wrappers that exit on out-of-memory. */
#include "xmem.h"

#include <stdlib.h>
#include <string.h>

#include "msg.h"

/* oom - report and leave; nothing sensible can continue without memory
 * ("heloval: fatal: out of memory (N bytes)", exit 1, as before). */
static _Noreturn void oom(size_t n)
{
    msg_fatal("out of memory (%zu bytes)", n);
}

void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (p == NULL)
        oom(n);
    return p;
}

void *xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (p == NULL)
        oom(n * size);
    return p;
}

void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (q == NULL)
        oom(n);
    return q;
}

char *xstrdup(const char *s)
{
    return xmemdup0(s, strlen(s));
}

char *xmemdup0(const void *p, size_t len)
{
    char *q = xmalloc(len + 1);
    memcpy(q, p, len);
    q[len] = '\0';
    return q;
}
