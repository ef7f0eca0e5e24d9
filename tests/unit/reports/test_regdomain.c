/* SPDX-License-Identifier: MIT */
/* test_regdomain - the registered domain by the Public Suffix List
 * (reports/regdomain.c): ICANN suffixes, private suffixes ignored, the
 * report's "domain" of HELOs of every class; a memo of the list's answers
 * gives the same domains, whatever names warmed it. */
#include <string.h>

#include "check.h"
#include "fmt.h"
#include "heloname.h"
#include "regdomain.h"

/* find - regdomain_find as a string ("(null)" for NULL). */
static const char *find(const char *name)
{
    const char *d = regdomain_find(name);
    return d != NULL ? d : "(null)";
}

/* helo_domain - regdomain_helo of a HELO, its class computed as the
 * report does; into a static buffer. */
static const char *helo_domain(const char *helo)
{
    static char out[512];
    struct fmt_buf b;
    fmt_buf_init(&b);
    const char *cls = helo[0] == '\0' ? "none" : helo_class_name(helo_classify(helo));
    regdomain_helo(helo, strlen(helo), cls, &b);
    snprintf(out, sizeof(out), "%s", fmt_buf_str(&b));
    fmt_buf_free(&b);
    return out;
}

/* The names of the memo check: wildcard and exception rules (kawasaki.jp),
 * suffixes that are names met before, and names that are suffixes. */
static const char *const memo_names[] = {
    "www.city.kawasaki.jp", "city.kawasaki.jp", "a.b.c.kawasaki.jp", "c.kawasaki.jp",
    "kawasaki.jp", "mx.example.co.uk", "example.co.uk", "co.uk", "uk",
    "a.b.example.co.uk", "mail.example.com", "example.com", "com",
    "ec2-192-0-2-1.compute-1.amazonaws.com", "compute-1.amazonaws.com",
    "user.github.io", "github.io", "mx.bulk.test", "bulk.test", "host.invalidtld",
    "x.mx.example.com.au", "example.com.au", "com.au",
};

/* memo_same - every memo name, in order and then in reverse, through one
 * memo (warmed by the names before it) as without a memo. */
static void memo_same(void)
{
    size_t n = sizeof(memo_names) / sizeof(memo_names[0]);
    for (int pass = 0; pass < 2; pass++) {
        struct regdomain_memo m;
        regdomain_memo_init(&m);
        for (size_t k = 0; k < 2 * n; k++) {
            const char *name = memo_names[pass == 0 ? k % n : n - 1 - k % n];
            const char *plain = regdomain_find(name), *memo = regdomain_find_memo(name, &m);
            CHECK_MSG(plain == memo, "%s: %s without a memo, %s with one", name,
                      plain ? plain : "(null)", memo ? memo : "(null)");
        }
        CHECK(keymap_count(&m.suffixes) > 0);
        regdomain_memo_free(&m);
    }
}

int main(void)
{
    memo_same();
    CHECK(strcmp(regdomain_list(), "none") != 0);
    /* ICANN suffixes */
    CHECK_STREQ(find("example.com"), "example.com");
    CHECK_STREQ(find("mail.example.com"), "example.com");
    CHECK_STREQ(find("a.b.example.co.uk"), "example.co.uk");
    CHECK_STREQ(find("example.co.uk"), "example.co.uk");
    CHECK_STREQ(find("co.uk"), "(null)");
    CHECK_STREQ(find("com"), "(null)");
    CHECK_STREQ(find("mx.example.com.au"), "example.com.au");
    /* not the last two labels: a suffix of three labels, and an exception */
    CHECK_STREQ(find("www.city.kawasaki.jp"), "city.kawasaki.jp");
    CHECK_STREQ(find("a.b.c.kawasaki.jp"), "b.c.kawasaki.jp");
    /* private suffixes are not boundaries: the ICANN owner groups them */
    CHECK_STREQ(find("ec2-192-0-2-1.compute-1.amazonaws.com"), "amazonaws.com");
    CHECK_STREQ(find("ec2-1-2-3-4.eu-west-1.compute.amazonaws.com"),
                "amazonaws.com");
    CHECK_STREQ(find("user.github.io"), "github.io");
    /* unlisted TLDs: the implicit "*" rule */
    CHECK_STREQ(find("mx.bulk.test"), "bulk.test");
    CHECK_STREQ(find("host.invalidtld"), "host.invalidtld");
    /* invalid input */
    CHECK_STREQ(find(""), "(null)");
    CHECK_STREQ(find(NULL), "(null)");
    CHECK_STREQ(find("a..example.com"), "(null)");
    CHECK_STREQ(find(".example.com"), "(null)");
    CHECK_STREQ(find("example.com."), "(null)"); /* not normalised */

    /* the report's domain of a HELO: normalised first */
    CHECK_STREQ(helo_domain("MAIL.Example.CO.UK."), "example.co.uk");
    CHECK_STREQ(helo_domain("smtp.a.b.example.co.uk"), "example.co.uk");
    CHECK_STREQ(helo_domain("Mail.Example.com."), "example.com");
    CHECK_STREQ(helo_domain("co.uk"), "co.uk"); /* a suffix: itself */
    CHECK_STREQ(helo_domain("[192.0.2.1]"), "[192.0.2.1]");
    CHECK_STREQ(helo_domain("[IPv6:2001:DB8::1]"), "[ipv6:2001:db8::1]");
    CHECK_STREQ(helo_domain("192.0.2.1"), "192.0.2.1");
    CHECK_STREQ(helo_domain("WIN-3RT9Q7A0D1K"), "win-3rt9q7a0d1k");
    CHECK_STREQ(helo_domain("a..b"), "a..b");
    CHECK_STREQ(helo_domain("bad_name!.example.com"), "bad_name!.example.com");
    CHECK_STREQ(helo_domain(""), "");
    return CHECK_DONE();
}
