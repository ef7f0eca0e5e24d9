/* SPDX-License-Identifier: MIT */
/*
 * Folder analyzer/base/ (README "Layout"): what every other folder may use,
 * and which uses nothing else (make lint): messages (msg.h), error codes
 * (hverr.h), allocation (xmem.h), progress lines (progress.h), output files
 * replaced atomically (outfile.h). No SQLite, no c-ares.
 */
/*
 * xmem - allocation that cannot fail. On out-of-memory the program prints one
 * message and exits 1 through msg_fatal (Postfix mymalloc). Used everywhere,
 * parsers included, because a half-parsed session is worse than a clean stop.
 */
#ifndef HV_XMEM_H
#define HV_XMEM_H

#include <stddef.h>

/* xmalloc - malloc(n) or exit; never returns NULL. Caller frees with free(). */
void *xmalloc(size_t n);
/* xcalloc - zeroed array of n*size bytes or exit (overflow checked). */
void *xcalloc(size_t n, size_t size);
/* xrealloc - realloc(p, n) or exit. */
void *xrealloc(void *p, size_t n);
/* xstrdup - copy of a NUL-terminated string; caller frees. */
char *xstrdup(const char *s);
/* xmemdup0 - copy of len bytes plus a terminating NUL; caller frees. */
char *xmemdup0(const void *p, size_t len);

#endif
