/* SPDX-License-Identifier: MIT */
/*
 * regdomain - the registered domain of a name by the Public Suffix List
 * (contract in regdomain.h). libpsl's own psl_registrable_domain() counts
 * PRIVATE suffixes as boundaries; the ICANN-only walk here asks
 * psl_is_public_suffix2(..., PSL_TYPE_ICANN) of each suffix, longest first.
 */
#include "regdomain.h"

#include <libpsl.h>
#include <pthread.h>
#include <stdbool.h>
#include <string.h>
#include <stdlib.h>

#include "ascii.h"
#include "heloname.h"
#include "xmem.h"

static pthread_once_t psl_once = PTHREAD_ONCE_INIT;
static const psl_ctx_t *psl_ctx;
static const char *psl_from = "none";

/* psl_load - the list (regdomain.h), once. */
static void psl_load(void)
{
    psl_ctx_t *latest = psl_latest(NULL);
    if (latest != NULL) {
        psl_ctx = latest;
        psl_from = psl_dist_filename() != NULL && psl_dist_filename()[0] != '\0'
                       ? psl_dist_filename()
                       : "libpsl built-in";
        return;
    }
    psl_ctx = psl_builtin();
    if (psl_ctx != NULL)
        psl_from = "libpsl built-in";
}

const char *regdomain_list(void)
{
    pthread_once(&psl_once, psl_load);
    return psl_from;
}

void regdomain_memo_init(struct regdomain_memo *m)
{
    memset(m, 0, sizeof(*m));
    keymap_init(&m->suffixes);
}

void regdomain_memo_free(struct regdomain_memo *m)
{
    keymap_free(&m->suffixes);
    free(m->is_public);
    memset(m, 0, sizeof(*m));
}

/* is_public - psl_is_public_suffix2 (ICANN) of suffix s of a name, asked
 * once per memo for a suffix that is not the whole name (whole names are
 * mostly met once; their suffixes, the domains, again and again). */
static bool is_public(const char *s, bool whole, struct regdomain_memo *m)
{
    if (m == NULL || whole)
        return psl_is_public_suffix2(psl_ctx, s, PSL_TYPE_ICANN) != 0;
    bool added;
    size_t i = keymap_intern(&m->suffixes, s, strlen(s), &added);
    if (added) {
        if (i >= m->cap) {
            m->cap = m->cap ? 2 * m->cap : 256;
            m->is_public = xrealloc(m->is_public, m->cap);
        }
        m->is_public[i] = psl_is_public_suffix2(psl_ctx, s, PSL_TYPE_ICANN) != 0;
    }
    return m->is_public[i] != 0;
}

const char *regdomain_find_memo(const char *name, struct regdomain_memo *m)
{
    pthread_once(&psl_once, psl_load);
    if (psl_ctx == NULL || name == NULL || name[0] == '\0' || name[0] == '.')
        return NULL;
    size_t len = strlen(name);
    if (name[len - 1] == '.' || strstr(name, "..") != NULL)
        return NULL;
    /* suffixes from the longest (name itself) to the last label; the first
     * one that is an ICANN public suffix is the longest such */
    const char *prev = NULL;
    for (const char *s = name; s != NULL;) {
        if (is_public(s, s == name, m))
            return prev;
        prev = s;
        s = strchr(s, '.');
        if (s != NULL)
            s++;
    }
    return NULL; /* not reached: the last label is a suffix by the "*" rule */
}

const char *regdomain_find(const char *name)
{
    return regdomain_find_memo(name, NULL);
}

void regdomain_helo(const char *helo, size_t hn, const char *cls,
                    struct fmt_buf *b)
{
    regdomain_helo_memo(helo, hn, cls, b, NULL);
}

void regdomain_helo_memo(const char *helo, size_t hn, const char *cls,
                         struct fmt_buf *b, struct regdomain_memo *m)
{
    char norm[HELO_NAME_MAX];
    fmt_buf_reset(b);
    if (helo == NULL || hn == 0 || helo[0] == '\0')
        return;
    if (strcmp(cls, "fqdn") == 0 && strlen(helo) == hn &&
        helo_norm_name(helo, norm, sizeof(norm))) {
        const char *d = regdomain_find_memo(norm, m);
        fmt_buf_puts(b, d != NULL ? d : norm);
        return;
    }
    for (size_t i = 0; i < hn; i++) {
        char ch = to_lower(helo[i]);
        fmt_buf_add(b, &ch, 1);
    }
}

const char *regdomain_helo_class(const char *hz, size_t hn)
{
    return hn == 0             ? "none"
           : strlen(hz) != hn ? "invalid"
                              : helo_class_name(helo_classify(hz));
}

void regdomain_of_helo(const char *helo, size_t hn, struct fmt_buf *b)
{
    if (helo == NULL || hn == 0) {
        fmt_buf_reset(b);
        return;
    }
    char *hz = xmemdup0(helo, hn);
    regdomain_helo(hz, hn, regdomain_helo_class(hz, hn), b);
    free(hz);
}
