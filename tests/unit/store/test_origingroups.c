/* SPDX-License-Identifier: MIT */
/*
 * test_origingroups - the (mta, helo_from) group table of
 * analyzer/store/origingroups.h against a slow model (a list of pairs
 * compared with strcmp, NULL equal to NULL only): random pairs from a small
 * vocabulary, given as the same texts at other addresses and as NULL, keep
 * their group numbers; equal texts at other addresses are the same group;
 * "a"/NULL and NULL/"a" and ""/NULL are all different; the table copies the
 * texts (the caller's buffer is overwritten); a 65th new pair is refused
 * (-1) and changes nothing, while the 64 known ones are still found.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "origingroups.h"
#include "xorshift.h"

/* model_same - the model's equality of two texts. */
static bool model_same(const char *a, const char *b)
{
    return a == NULL ? b == NULL : b != NULL && strcmp(a, b) == 0;
}

int main(void)
{
    /* the vocabulary: NULL, "", names, and names sharing prefixes */
    static const char *const words[] = {NULL, "", "postfix", "exim", "sendmail", "mbox",
                                        "log", "implied", "received", "postfi"};
    enum { NW = sizeof(words) / sizeof(words[0]) };
    struct origin_groups gs;
    origin_groups_init(&gs);
    int model_a[ORIGIN_GROUPS_MAX], model_b[ORIGIN_GROUPS_MAX];
    size_t nmodel = 0;
    uint64_t seed = XORSHIFT_SEED;
    char bufa[32], bufb[32];
    for (int round = 0; round < 20000; round++) {
        int a = (int)xorshift_below(&seed, NW), b = (int)xorshift_below(&seed, NW);
        /* the same text at another address, half of the time */
        const char *ta = words[a], *tb = words[b];
        if (ta != NULL && xorshift_below(&seed, 2)) {
            snprintf(bufa, sizeof(bufa), "%s", ta);
            ta = bufa;
        }
        if (tb != NULL && xorshift_below(&seed, 2)) {
            snprintf(bufb, sizeof(bufb), "%s", tb);
            tb = bufb;
        }
        size_t k = 0;
        while (k < nmodel &&
               !(model_same(words[model_a[k]], ta) && model_same(words[model_b[k]], tb)))
            k++;
        long want = (long)k;
        if (k == nmodel && nmodel < ORIGIN_GROUPS_MAX) {
            model_a[nmodel] = a;
            model_b[nmodel++] = b;
        } else if (k == nmodel) {
            want = -1; /* full: refused */
        }
        long got = origin_groups_find(&gs, ta, tb);
        CHECK_INTEQ(got, want);
        CHECK_INTEQ(gs.n, nmodel);
        /* the table's texts are its own copies */
        memset(bufa, 'x', sizeof(bufa) - 1);
        memset(bufb, 'x', sizeof(bufb) - 1);
        if (got >= 0) {
            CHECK(model_same(gs.g[got].mta, words[a]) && model_same(gs.g[got].from, words[b]));
            CHECK(gs.g[got].mta != bufa && gs.g[got].from != bufb);
        }
    }
    /* 10 x 10 = 100 pairs exist; after 20,000 draws the table is full */
    CHECK_INTEQ(gs.n, (size_t)ORIGIN_GROUPS_MAX);
    for (int a = 0; a < NW; a++)
        for (int b = 0; b < NW; b++) {
            size_t k = 0;
            while (k < nmodel && !(model_a[k] == a && model_b[k] == b))
                k++;
            long got = origin_groups_find(&gs, words[a], words[b]);
            if (k < nmodel)
                CHECK_INTEQ(got, (long)k);
            else
                CHECK_INTEQ(got, -1L);
            CHECK_INTEQ(gs.n, (size_t)ORIGIN_GROUPS_MAX);
        }
    /* NULL and "" are different texts, in either place */
    struct origin_groups two;
    origin_groups_init(&two);
    CHECK_INTEQ(origin_groups_find(&two, "a", NULL), 0L);
    CHECK_INTEQ(origin_groups_find(&two, NULL, "a"), 1L);
    CHECK_INTEQ(origin_groups_find(&two, "", NULL), 2L);
    CHECK_INTEQ(origin_groups_find(&two, NULL, ""), 3L);
    CHECK_INTEQ(origin_groups_find(&two, NULL, NULL), 4L);
    CHECK_INTEQ(origin_groups_find(&two, "a", NULL), 0L);
    origin_groups_free(&two);
    CHECK_INTEQ(two.n, (size_t)0);
    origin_groups_free(&gs);
    return CHECK_DONE();
}
