/* SPDX-License-Identifier: MIT */
/* test_textscan - hv_find, hv_find_near and hv_rfind against a plain
 * byte-by-byte reference: random haystacks of 0 to 300 bytes over small
 * alphabets (so needles occur, partly occur and overlap), needles of 1 to
 * 40 bytes taken from the haystack or made up, with leading spaces, at
 * every alignment (the haystack is copied to each offset of a buffer whose
 * bytes past the end differ from the needle's, so a read past n that
 * matched would show). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "textscan.h"
#include "xorshift.h"

/* ref_find - the first i with p[i..i+nl) == needle, or -1. */
static long ref_find(const char *p, size_t n, const char *needle, size_t nl)
{
    if (nl == 0 || n < nl)
        return -1;
    for (size_t i = 0; i + nl <= n; i++)
        if (memcmp(p + i, needle, nl) == 0)
            return (long)i;
    return -1;
}

/* ref_rfind - the last such i, or -1. */
static long ref_rfind(const char *p, size_t n, const char *needle, size_t nl)
{
    long last = -1;
    for (size_t i = 0; nl > 0 && i + nl <= n; i++)
        if (memcmp(p + i, needle, nl) == 0)
            last = (long)i;
    return last;
}

static uint64_t rng = XORSHIFT_SEED;

/* rnd - the next of the fixed sequence, below n. */
static size_t rnd(size_t n)
{
    return (size_t)xorshift_below(&rng, n);
}

static long at(const char *hit, const char *p)
{
    return hit == NULL ? -1 : (long)(hit - p);
}

int main(void)
{
    static const char *const alphabets[] = {"ab", "ab ", "abc d", "lost connection from ",
                                            "\0\xff a"};
    static const size_t alen[] = {2, 3, 5, 21, 4};
    char buf[400], hay[320], needle[48];
    long found = 0;

    for (int round = 0; round < 60000; round++) {
        int a = (int)rnd(5);
        size_t n = rnd(301);
        for (size_t i = 0; i < n; i++)
            hay[i] = alphabets[a][rnd(alen[a])];
        size_t nl = 1 + rnd(40);
        if (n > 0 && rnd(3) > 0) {
            /* a piece of the haystack, sometimes with one byte changed */
            size_t from = rnd(n);
            if (nl > n - from)
                nl = n - from;
            memcpy(needle, hay + from, nl);
            if (rnd(4) == 0)
                needle[rnd(nl)] ^= 1;
        } else {
            for (size_t i = 0; i < nl; i++)
                needle[i] = alphabets[a][rnd(alen[a])];
        }
        if (rnd(5) == 0 && nl > 1)
            needle[0] = ' ';
        if (rnd(8) == 0 && nl > 2)
            needle[1] = ' ';
        size_t off = rnd(33);
        memset(buf, needle[nl - 1] ^ 0x55, sizeof(buf));
        memcpy(buf + off, hay, n);
        const char *p = buf + off;

        long want = ref_find(p, n, needle, nl);
        found += want >= 0;
        CHECK_MSG(at(hv_find(p, n, needle, nl), p) == want,
                  "hv_find round %d: n %zu nl %zu off %zu: got %ld want %ld", round, n, nl,
                  off, at(hv_find(p, n, needle, nl), p), want);
        CHECK_MSG(at(hv_rfind(p, n, needle, nl), p) == ref_rfind(p, n, needle, nl),
                  "hv_rfind round %d", round);
        long c = ref_find(p, n, needle, 1);
        CHECK_MSG(at(hv_find_near(p, n, needle[0]), p) == c, "hv_find_near round %d", round);
    }
    /* the random cases found about half their needles: both outcomes ran */
    CHECK_MSG(found > 20000 && found < 50000, "needles found %ld of 60000", found);
    CHECK(hv_find("abc", 3, "", 0) == NULL);
    CHECK(FIND("x closed by QUIT", 16, "closed by") != NULL);
    return CHECK_DONE();
}
