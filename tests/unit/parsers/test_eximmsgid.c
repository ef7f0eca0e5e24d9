/* SPDX-License-Identifier: MIT */
/*
 * test_eximmsgid - hv_exim_msgid_len against a byte-by-byte reference:
 * 300,000 texts made from both id shapes (6-6-2 and 6-11-4), each byte
 * drawn from base-62 characters and from the bytes next to their ranges
 * ('/', ':', '@', '[', '`', '{', '-', ' ', 0x80, 0xc1, 0xda, 0xff, ...),
 * mostly with the separators in place, cut at every length and copied to
 * every alignment of a buffer.
 */
#include <stdint.h>
#include <string.h>

#include "check.h"
#include "exim.h"
#include "xorshift.h"

static uint64_t rng = XORSHIFT_SEED;

/* rnd - the next of the fixed sequence, below n. */
static size_t rnd(size_t n)
{
    return (size_t)xorshift_below(&rng, n);
}

/* ref_b62 - 0-9 A-Z a-z. */
static bool ref_b62(unsigned char c)
{
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

/* ref_runs - p[from, from + n) all base 62. */
static bool ref_runs(const char *p, size_t from, size_t n)
{
    for (size_t i = from; i < from + n; i++)
        if (!ref_b62((unsigned char)p[i]))
            return false;
    return true;
}

/* ref_msgid_len - the length of the id starting p, or 0 (exim.h). */
static size_t ref_msgid_len(const char *p, size_t len)
{
    if (len >= 17 && p[6] == '-' && p[13] == '-' && p[16] == ' ')
        return ref_runs(p, 0, 6) && ref_runs(p, 7, 6) && ref_runs(p, 14, 2) ? 16 : 0;
    if (len >= 24 && p[6] == '-' && p[18] == '-' && p[23] == ' ')
        return ref_runs(p, 0, 6) && ref_runs(p, 7, 11) && ref_runs(p, 19, 4) ? 23 : 0;
    return 0;
}

/* pick - a byte: mostly base 62, else one of the bytes around the ranges. */
static char pick(void)
{
    static const char b62[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    static const unsigned char odd[] = {'/', ':', '@', '[', '`', '{', '-', ' ',
                                        0x80, 0xc1, 0xda, 0xff, 0x00, 0x7f, 0xb0,
                                        0xe1, 0x10, 0x3a, 0x5b};
    if (rnd(8) != 0)
        return b62[rnd(sizeof(b62) - 1)];
    return (char)odd[rnd(sizeof(odd))];
}

int main(void)
{
    char text[40], buf[64];
    long fails = 0, ids = 0;
    for (int round = 0; round < 300000; round++) {
        size_t mid = rnd(2) ? 6 : 11, n = 32;
        for (size_t i = 0; i < n; i++)
            text[i] = pick();
        text[6] = '-';
        text[mid + 7] = '-';
        text[mid + 8 + (mid == 6 ? 2 : 4)] = ' ';
        for (size_t k = rnd(3) == 0 ? 1 : 0; k > 0; k--)
            text[rnd(25)] = rnd(2) ? '-' : ' ';
        n = rnd(n + 1);
        size_t off = rnd(16);
        memcpy(buf + off, text, n);
        size_t got = hv_exim_msgid_len(buf + off, n);
        size_t want = ref_msgid_len(buf + off, n);
        ids += want > 0;
        if (got != want && fails++ < 5)
            CHECK_MSG(false, "len %zu shape %zu: got %zu want %zu", n, mid, got, want);
    }
    CHECK_INTEQ(fails, 0);
    CHECK(ids > 10000);
    return CHECK_DONE();
}
