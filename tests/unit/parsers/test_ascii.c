/* SPDX-License-Identifier: MIT */
/* test_ascii - every class of ascii.h over all 256 byte values, against the
 * ASCII definition written out as sets of characters (no <ctype.h>). */
#include <string.h>

#include "ascii.h"
#include "check.h"

static const char digits[] = "0123456789";
static const char upper[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
static const char lower[] = "abcdefghijklmnopqrstuvwxyz";
static const char xdig[] = "0123456789abcdefABCDEF";
static const char space[] = " \t\n\v\f\r";

/* in - byte b is one of the characters of set (the terminating NUL is not
 * a member). */
static bool in(const char *set, unsigned b)
{
    return b != 0 && memchr(set, (int)b, strlen(set)) != NULL;
}

int main(void)
{
    int wrong = 0;

    for (unsigned b = 0; b < 256; b++) {
        unsigned char c = (unsigned char)b;
        bool d = in(digits, b), u = in(upper, b), l = in(lower, b);
        char want_lower = u ? lower[strchr(upper, (int)b) - upper] : (char)c;
        char want_upper = l ? upper[strchr(lower, (int)b) - lower] : (char)c;

        CHECK_MSG(is_digit(c) == d, "is_digit(0x%02x)", b);
        CHECK_MSG(is_upper(c) == u, "is_upper(0x%02x)", b);
        CHECK_MSG(is_lower(c) == l, "is_lower(0x%02x)", b);
        CHECK_MSG(is_alpha(c) == (u || l), "is_alpha(0x%02x)", b);
        CHECK_MSG(is_alnum(c) == (u || l || d), "is_alnum(0x%02x)", b);
        CHECK_MSG(is_xdigit(c) == in(xdig, b), "is_xdigit(0x%02x)", b);
        CHECK_MSG(is_space(c) == in(space, b), "is_space(0x%02x)", b);
        CHECK_MSG(to_lower(c) == want_lower, "to_lower(0x%02x)", b);
        CHECK_MSG(to_upper(c) == want_upper, "to_upper(0x%02x)", b);
        /* a plain (possibly negative) char converts to the same byte */
        if (is_digit((char)c) != d || to_lower((char)c) != want_lower)
            wrong++;
    }
    CHECK_INTEQ(wrong, 0);
    return CHECK_DONE();
}
