/* SPDX-License-Identifier: MIT */
/*
 * test_eximtag - the Exim parser's syslog tag skip (exim.c skip_tag, whose
 * cheap first test is inlined and whose rest is tag_rest) against the
 * single function it was before, kept here as the reference: 300,000
 * texts made of tag pieces ("exim", "exim4", "[123]: ", "host ", words,
 * brackets, colons, digits, spaces) and filler that pushes the pieces past
 * the 128- and 256-byte windows the skip looks in. Both must skip the same
 * bytes and read the same pid.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "check.h"
#include "exim.h"
#include "textscan.h"
#include "xorshift.h"

/* starts - p[0..len) begins with the literal. */
static bool starts(const char *p, size_t len, const char *lit, size_t n)
{
    return len >= n && memcmp(p, lit, n) == 0;
}
#define STARTS(p, len, lit) starts((p), (len), (lit), sizeof(lit) - 1)

/* is_digit - '0'..'9'. */
static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* ref_skip_tag - the skip as one function (exim.c before the split). */
static bool ref_skip_tag(const char **p, size_t *n, uint64_t *pid)
{
    const char *s = *p;
    size_t len = *n < 256 ? *n : 256;
    /* cheap test first: "exim" starts the first or the second word */
    if (!STARTS(s, len, "exim")) {
        const char *sp = hv_find_near(s, len < 128 ? len : 128, ' ');
        if (sp == NULL || !STARTS(sp + 1, len - (size_t)(sp + 1 - s), "exim"))
            return false;
    }
    const char *colon = FIND(s, len, "]: ");
    if (colon == NULL)
        return false;
    const char *lb = colon;
    while (lb > s && *lb != '[')
        lb--;
    if (*lb != '[' || lb + 1 == colon)
        return false;
    uint64_t v = 0;
    for (const char *d = lb + 1; d < colon; d++) {
        if (!is_digit(*d))
            return false;
        v = v * 10 + (uint64_t)(*d - '0');
    }
    const char *prog = lb;
    while (prog > s && prog[-1] != ' ')
        prog--;
    if (lb - prog < 4 || memcmp(prog, "exim", 4) != 0)
        return false;
    if (prog > s && memchr(s, ' ', (size_t)(prog - s - 1)) != NULL)
        return false;   /* at most one word (the host) before the tag */
    *pid = v;
    *n -= (size_t)(colon + 3 - s);
    *p = colon + 3;
    return true;
}

static uint64_t rng = XORSHIFT_SEED;

/* rnd - the next of the fixed sequence, below n. */
static size_t rnd(size_t n)
{
    return (size_t)xorshift_below(&rng, n);
}

int main(void)
{
    static const char *const pieces[] = {
        "exim", "exim4", "exim[", "[", "]", "]: ", ": ", "123", "7", "x", "host ",
        "mx1 ", "a b ", " ", "eximd[42]: ", "exim[9]: ", "[1]: ", "e", "ex",
        "host exim ", "exim x ", "h exim4 exim[5]: ",
    };
    char buf[400];
    long fails = 0, tags = 0;
    for (int round = 0; round < 300000; round++) {
        size_t n = 0;
        if (rnd(4) == 0) {   /* filler: the pieces land past the windows */
            size_t f = rnd(300);
            memset(buf, rnd(2) ? 'y' : ' ', f);
            n = f;
        }
        for (size_t k = 1 + rnd(6); k > 0; k--) {
            const char *pc = pieces[rnd(sizeof(pieces) / sizeof(pieces[0]))];
            size_t l = strlen(pc);
            if (n + l > sizeof(buf))
                break;
            memcpy(buf + n, pc, l);
            n += l;
        }
        if (rnd(3) == 0 && n + 20 <= sizeof(buf)) {
            memcpy(buf + n, "SMTP connection from", 20);
            n += 20;
        }
        uint64_t pid_a = 1, pid_b = 1;
        const char *p = buf;
        size_t left = n;
        size_t want = ref_skip_tag(&p, &left, &pid_a) ? n - left : 0;
        size_t got = hv_exim_skip_tag(buf, n, &pid_b);
        tags += want > 0;
        if ((got != want || pid_a != pid_b) && fails++ < 5)
            CHECK_MSG(false, "got %zu pid %llu, want %zu pid %llu: %.*s", got,
                      (unsigned long long)pid_b, want, (unsigned long long)pid_a, (int)n, buf);
    }
    CHECK_INTEQ(fails, 0);
    CHECK(tags > 10000);
    return CHECK_DONE();
}
