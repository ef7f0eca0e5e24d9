/* SPDX-License-Identifier: MIT */
/*
 * test_pairmap - the pairs, their aggregates and the series sessions that
 * pairmap_add and pairmap_add_many (the report's pass: pairs looked up a
 * batch at a time) count, against a plain reference written here the way
 * the SQL aggregates they replace read (pairs numbered by first session,
 * sum, count, min(id), min(mta) as text, NULL unless a helo_from); over
 * random sessions whose pairs repeat inside a batch and across batches,
 * MTAs that change, NULL and empty HELOs (observed or not), keys longer
 * than the batch's stack buffer, added one by one, in batches of every
 * length from 1 to past PAIRMAP_BATCH, and all at once.
 */
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "pairmap.h"
#include "xmem.h"
#include "xorshift.h"

#define NSESS 5000

static const char *const mtas[] = {"postfix", "exim", "sendmail", "exim"};
static const char *const disps[] = {"accepted", "rejected", "deferred",
                                    "lost", "other"};
static const char *const froms[] = {NULL, "received", "implied", "log"};

/* make - session i of a random sequence (texts in buf, 5000 bytes). */
static void make(uint64_t *seed, struct psession *s, long *bucket, char *buf)
{
    memset(s, 0, sizeof(*s));
    uint64_t k = xorshift_below(seed, 400);
    if (k < 3) { /* a HELO longer than the batch's 4096-byte stack buffer */
        memset(buf, 'a' + (int)k, 4500);
        s->hn = 4500;
    } else {
        s->hn = (size_t)snprintf(buf, 64, "mx%u.example", (unsigned)(k % 150));
    }
    s->helo = buf;
    if (k % 37 == 5)
        s->hn = 0; /* an empty HELO: observed or not */
    s->unobs = s->hn == 0 && xorshift_below(seed, 2) == 0;
    s->ip = buf + 4600;
    s->in = (size_t)snprintf(buf + 4600, 64, "192.0.2.%u",
                             (unsigned)xorshift_below(seed, 9));
    s->mta = mtas[xorshift_below(seed, 4)];
    s->mn = strlen(s->mta);
    s->id = (long long)xorshift_below(seed, 1000000);
    s->messages = (long long)xorshift_below(seed, 5);
    s->disposition = disps[xorshift_below(seed, 5)];
    s->dn = strlen(s->disposition);
    s->helo_from = froms[xorshift_below(seed, 4)];
    s->fn = s->helo_from != NULL ? strlen(s->helo_from) : 0;
    s->label = (enum plabel)xorshift_below(seed, 3);
    s->rem = (int32_t)xorshift_below(seed, 600);
    long b = (long)xorshift_below(seed, 40) - 5;
    *bucket = b < 0 ? -1 : b;
}

/* the reference's pairs: a plain array searched from the start */
struct rpair {
    const struct psession *first;
    struct pagg a;
};

/* rmta - the number of MTA text m (n bytes) among the distinct ones seen
 * so far (added when new). */
static uint32_t rmta(const char **seen, size_t *nseen, const char *m,
                     size_t n)
{
    for (size_t k = 0; k < *nseen; k++)
        if (strlen(seen[k]) == n && memcmp(seen[k], m, n) == 0)
            return (uint32_t)k;
    seen[*nseen] = m;
    return (uint32_t)(*nseen)++;
}

/* text_cmp - SQLite's BINARY order of two NUL-terminated MTA names. */
static int text_cmp(const char *a, const char *b)
{
    return strcmp(a, b);
}

/* reference - pm built the plain way: checked field by field (a pairmap
 * filled by the code under test). */
static void reference(const struct psession *s, const long *bucket,
                      size_t n, const struct pairmap *pm)
{
    struct rpair *p = xcalloc(n, sizeof(*p));
    const char *seen[8];
    size_t np = 0, nseen = 0, nsess = 0;
    for (size_t i = 0; i < n; i++) {
        size_t k = 0;
        while (k < np && !(p[k].first->unobs == s[i].unobs &&
                           p[k].first->hn == s[i].hn &&
                           p[k].first->in == s[i].in &&
                           memcmp(p[k].first->helo, s[i].helo, s[i].hn) == 0 &&
                           memcmp(p[k].first->ip, s[i].ip, s[i].in) == 0))
            k++;
        uint32_t mta = rmta(seen, &nseen, s[i].mta, s[i].mn);
        struct pagg *a = &p[k].a;
        if (k == np) {
            np++;
            p[k].first = &s[i];
            a->ex_acc = a->ex_rej = LLONG_MAX;
            a->mta = mta;
            a->unobs = s[i].unobs;
        }
        a->n++;
        a->m += s[i].messages;
        if (text_cmp(seen[mta], seen[a->mta]) < 0)
            a->mta = mta;
        const char *d = s[i].disposition;
        bool acc = strcmp(d, "accepted") == 0;
        if (acc && s[i].id < a->ex_acc)
            a->ex_acc = s[i].id;
        if (strcmp(d, "rejected") == 0 && s[i].id < a->ex_rej)
            a->ex_rej = s[i].id;
        a->n_acc += acc;
        a->n_rej += strcmp(d, "rejected") == 0;
        a->n_def += strcmp(d, "deferred") == 0;
        a->n_lost += strcmp(d, "lost") == 0;
        if (s[i].helo_from != NULL) {
            a->has_from = true;
            a->n_recv += strcmp(s[i].helo_from, "received") == 0;
            a->n_impl += strcmp(s[i].helo_from, "implied") == 0;
        }
        a->n_spam += s[i].label == PLABEL_SPAM;
        a->m_spam += s[i].label == PLABEL_SPAM ? s[i].messages : 0;
        a->n_ham += s[i].label == PLABEL_HAM;
        a->m_ham += s[i].label == PLABEL_HAM ? s[i].messages : 0;
        if (bucket[i] >= 0 && nsess < pm->nsess) {
            CHECK_MSG(pm->sess_pair[nsess] == k &&
                          pm->sess_bucket[nsess] ==
                              (uint16_t)((unsigned)bucket[i] |
                                         (acc ? PAIRMAP_ACCEPTED : 0u)) &&
                          pm->sess_msgs[nsess] == (uint32_t)s[i].messages &&
                          pm->sess_rem[nsess] == s[i].rem,
                      "series session %zu", nsess);
        }
        nsess += bucket[i] >= 0;
    }
    CHECK_INTEQ(pm->nsess, nsess);
    CHECK_INTEQ(pairmap_count(pm), np);
    for (size_t k = 0; k < np && k < pairmap_count(pm); k++) {
        const char *h, *ip;
        size_t hn, in;
        const struct pagg *a = pairmap_pair(pm, k, &h, &hn, &ip, &in);
        const struct pagg *b = &p[k].a;
        CHECK_MSG(hn == p[k].first->hn && in == p[k].first->in &&
                      memcmp(h, p[k].first->helo, hn) == 0 &&
                      memcmp(ip, p[k].first->ip, in) == 0,
                  "key of pair %zu", k);
        size_t mn;
        const char *m = pairmap_mta(pm, a->mta, &mn);
        CHECK_MSG(strlen(seen[b->mta]) == mn && memcmp(m, seen[b->mta], mn) == 0,
                  "MTA of pair %zu", k);
        CHECK_MSG(a->m == b->m && a->ex_acc == b->ex_acc &&
                      a->ex_rej == b->ex_rej && a->n == b->n &&
                      a->n_acc == b->n_acc && a->n_rej == b->n_rej &&
                      a->n_def == b->n_def && a->n_lost == b->n_lost &&
                      a->n_recv == b->n_recv && a->n_impl == b->n_impl &&
                      a->n_spam == b->n_spam && a->n_ham == b->n_ham &&
                      a->m_spam == b->m_spam && a->m_ham == b->m_ham &&
                      a->unobs == b->unobs && a->has_from == b->has_from,
                  "aggregates of pair %zu", k);
    }
    free(p);
}

int main(void)
{
    struct psession *s = xcalloc(NSESS, sizeof(*s));
    long *bucket = xcalloc(NSESS, sizeof(*bucket));
    char *text = xcalloc(NSESS, 5000);
    uint64_t seed = XORSHIFT_SEED;
    for (size_t i = 0; i < NSESS; i++)
        make(&seed, &s[i], &bucket[i], text + i * 5000);
    /* the first MTA seen sorts first: a pair must not take it unless one
     * of its sessions has it */
    s[0].mta = "exim";
    s[0].mn = 4;

    struct pairmap want;
    pairmap_init(&want);
    for (size_t i = 0; i < NSESS; i++)
        pairmap_add(&want, &s[i], bucket[i]);
    CHECK(pairmap_count(&want) > 500); /* pairs repeat, and many there are */
    CHECK(want.nsess > NSESS / 2 && want.nsess < NSESS);
    reference(s, bucket, NSESS, &want);

    /* batches of every length 1 .. 3 * PAIRMAP_BATCH, in turn */
    struct pairmap pm;
    pairmap_init(&pm);
    size_t len = 1;
    for (size_t i = 0; i < NSESS;) {
        size_t n = NSESS - i < len ? NSESS - i : len;
        pairmap_add_many(&pm, s + i, bucket + i, n);
        i += n;
        len = len % (3 * PAIRMAP_BATCH) + 1;
    }
    reference(s, bucket, NSESS, &pm);
    pairmap_free(&pm);

    /* all at once */
    pairmap_init(&pm);
    pairmap_add_many(&pm, s, bucket, NSESS);
    reference(s, bucket, NSESS, &pm);
    pairmap_free(&pm);

    pairmap_free(&want);
    free(s);
    free(bucket);
    free(text);
    return CHECK_DONE();
}
