/* SPDX-License-Identifier: MIT */
/*
 * test_eximtag - the Exim parser's syslog tag skip (exim.c skip_tag, whose
 * cheap first test is inlined and whose rest is tag_rest) against a
 * reference written apart from it from the tag's definition: 300,000
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
#include "xorshift.h"

/* ref_skip - the tag as its definition reads, index by index, written
 * apart from exim.c: within the first 256 bytes, the first "]: " ends the
 * tag; the '[' nearest before it opens at least one digit, all digits up
 * to the ']', the pid; the word holding the '[' starts with "exim"; before
 * that word at most one word (the host) and its space; and (the quick
 * look the parser takes first) "exim" starts the text, or the word after
 * a first space that lies within the first 128 bytes. The bytes of the
 * tag, or 0 when there is none. */
static size_t ref_skip(const char *s, size_t n, uint64_t *pid)
{
    size_t len = n < 256 ? n : 256;
    size_t end = SIZE_MAX; /* index of the ']' of the first "]: " */
    for (size_t i = 0; i + 3 <= len && end == SIZE_MAX; i++)
        if (s[i] == ']' && s[i + 1] == ':' && s[i + 2] == ' ')
            end = i;
    if (end == SIZE_MAX)
        return 0;
    size_t open = SIZE_MAX; /* the last '[' at or before end */
    for (size_t i = 0; i <= end; i++)
        if (s[i] == '[')
            open = i;
    if (open == SIZE_MAX || open + 1 == end)
        return 0;
    uint64_t v = 0;
    for (size_t i = open + 1; i < end; i++) {
        if (s[i] < '0' || s[i] > '9')
            return 0;
        v = v * 10 + (uint64_t)(s[i] - '0');
    }
    size_t word = 0; /* the start of the word holding the '[' */
    for (size_t i = 0; i < open; i++)
        if (s[i] == ' ')
            word = i + 1;
    if (open - word < 4 || memcmp(s + word, "exim", 4) != 0)
        return 0;
    size_t spaces = 0;
    for (size_t i = 0; i < word; i++)
        spaces += s[i] == ' ';
    if (spaces > 1)
        return 0;
    bool quick = len >= 4 && memcmp(s, "exim", 4) == 0;
    size_t first = 0;
    while (first < len && first < 128 && s[first] != ' ')
        first++;
    if (!quick && first < len && first < 128)
        quick = len - (first + 1) >= 4 && memcmp(s + first + 1, "exim", 4) == 0;
    if (!quick)
        return 0;
    *pid = v;
    return end + 3;
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
        "host exim ", "exim x ", "h exim4 exim[5]: ", "exi", "exim ", "i",
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
        size_t want = ref_skip(buf, n, &pid_a);
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
