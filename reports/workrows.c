/* SPDX-License-Identifier: MIT */
/*
 * workrows - which pairs the work table holds, the publishing domains
 * (contract in workrows.h).
 */
#include "workrows.h"

#include <stdlib.h>
#include <string.h>

#include "pairinfo.h"
#include "rptsql.h"
#include "xmem.h"

/* pval_is - v holds exactly the bytes of the C string s. */
static bool pval_is(struct pval v, const char *s)
{
    size_t n = strlen(s);
    return v.s != NULL && v.n == n && memcmp(v.s, s, n) == 0;
}

/* find_pair - whether m holds the pair (helo, ip) (pairinfo_key). */
static bool find_pair(const struct keymap *m, const char *helo, size_t hn,
                      const char *ip, size_t in)
{
    char small[512];
    size_t kn, idx;
    char *k = pairinfo_key(helo, hn, ip, in, small, sizeof(small), &kn);
    bool found = keymap_find(m, k, kn, &idx);
    if (k != small)
        free(k);
    return found;
}

/* load - the rows of sql (one or two text columns: a HELO and an IP, or
 * one value) into m, NULLs left out; false when it fails or holds more
 * than cap rows. */
static bool load(sqlite3 *db, const char *sql, bool pairs, size_t cap,
                 struct keymap *m)
{
    sqlite3_stmt *q;
    if (rpt_prepare(db, sql, &q, NULL) != HV_OK)
        return false;
    size_t rows = 0;
    int rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW && rows++ < cap) {
        /* the type before the bytes: a conversion would change it */
        if (sqlite3_column_type(q, 0) == SQLITE_NULL ||
            (pairs && sqlite3_column_type(q, 1) == SQLITE_NULL))
            continue;
        const char *a = (const char *)sqlite3_column_blob(q, 0);
        size_t an = (size_t)sqlite3_column_bytes(q, 0);
        if (!pairs) {
            keymap_intern(m, an > 0 ? a : "", an, NULL);
            continue;
        }
        const char *b = (const char *)sqlite3_column_blob(q, 1);
        size_t bn = (size_t)sqlite3_column_bytes(q, 1);
        char small[512];
        size_t kn;
        char *k = pairinfo_key(an > 0 ? a : "", an, bn > 0 ? b : "", bn,
                               small, sizeof(small), &kn);
        keymap_intern(m, k, kn, NULL);
        if (k != small)
            free(k);
    }
    bool ok = rc == SQLITE_DONE;
    sqlite3_finalize(q);
    return ok;
}

void workrows_open(struct workrows *w, sqlite3 *db, size_t npairs)
{
    memset(w, 0, sizeof(*w));
    keymap_init(&w->csa_changed);
    keymap_init(&w->dna_changed);
    keymap_init(&w->sender_domains);
    keymap_init(&w->pub_domains);
    w->last_dom = SIZE_MAX;
    const char *all = getenv("HV_REPORT_ALL_PAIRS");
    size_t cap = npairs / 4 > WORKROWS_MIN_CAP ? npairs / 4
                                               : WORKROWS_MIN_CAP;
    w->keep_all =
        (all != NULL && *all != '\0') ||
        !load(db, "SELECT helo, ip FROM rv_csa_changes", true, cap,
              &w->csa_changed) ||
        !load(db, "SELECT helo FROM rv_dna_changes", false, cap,
              &w->dna_changed) ||
        !load(db, "SELECT DISTINCT domain FROM rv_run_senders", false, cap,
              &w->sender_domains);
    if (w->keep_all) { /* nothing is looked up: free what was loaded */
        keymap_free(&w->csa_changed);
        keymap_free(&w->dna_changed);
        keymap_free(&w->sender_domains);
    }
}

bool workrows_keep(const struct workrows *w, const struct workpair *p)
{
    if (w->keep_all)
        return true;
    if (p->n_acc > 0 && (pval_is(p->verdict, "reject") ||
                         pval_is(p->verdict, "tempfail")))
        return true;
    if (p->n_rej > 0 && pval_is(p->verdict, "accept"))
        return true;
    if (!p->unobs && strcmp(p->cls, "fqdn") == 0 &&
        pval_is(p->csa_status, "ok"))
        return true;
    size_t idx;
    if (p->n_acc > 0 && keymap_count(&w->sender_domains) > 0 &&
        keymap_find(&w->sender_domains, p->domain.s, p->domain.n, &idx))
        return true;
    if (keymap_count(&w->dna_changed) > 0 &&
        keymap_find(&w->dna_changed, p->helo.s, p->helo.n, &idx))
        return true;
    return keymap_count(&w->csa_changed) > 0 &&
           find_pair(&w->csa_changed, p->helo.s, p->helo.n, p->ip.s, p->ip.n);
}

void workrows_count(struct workrows *w, const struct workpair *p)
{
    if (p->csa_status.s == NULL || strcmp(p->cls, "fqdn") != 0)
        return;
    size_t d = w->last_dom;
    size_t kn;
    const char *k = d != SIZE_MAX ? keymap_key(&w->pub_domains, d, &kn)
                                  : NULL;
    if (k == NULL || kn != p->domain.n ||
        memcmp(k, p->domain.s, kn) != 0) {
        bool added;
        d = keymap_intern(&w->pub_domains, p->domain.s, p->domain.n, &added);
        if (added) {
            if (d >= w->pub_cap) {
                w->pub_cap = w->pub_cap > 0 ? 2 * w->pub_cap : 256;
                w->pub = xrealloc(w->pub, w->pub_cap);
            }
            w->pub[d] = 0;
            w->domains++;
        }
        w->last_dom = d;
    }
    if (p->publishes && !w->pub[d]) {
        w->pub[d] = 1;
        w->domains_publishing++;
    }
}

void workrows_close(struct workrows *w)
{
    keymap_free(&w->csa_changed);
    keymap_free(&w->dna_changed);
    keymap_free(&w->sender_domains);
    keymap_free(&w->pub_domains);
    free(w->pub);
    w->pub = NULL;
    w->pub_cap = 0;
    w->last_dom = SIZE_MAX;
}
