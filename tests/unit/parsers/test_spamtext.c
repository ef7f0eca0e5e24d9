/* SPDX-License-Identifier: MIT */
/*
 * test_spamtext - the label words of parsers/spamtext.h: rejection texts
 * (the shapes of the public corpus, tests/corpus: Postfix "blocked using", Exim "is in
 * a black list at", "found in dnsbl", "is in an RBL", Sendmail "listed at",
 * "SpamCop blacklist"; content filters that say spam), spam-filter headers
 * (SpamAssassin, rspamd, Exchange SCL; names and values in any case) and
 * junk folder names (Maildir++ dots and INBOX. prefix, .mbox suffix);
 * hv_reject_label against a plain byte-by-byte reading of its contract on
 * generated texts.
 */
#include <stdint.h>
#include <string.h>

#include "check.h"
#include "spamtext.h"
#include "xorshift.h"

/* rl - hv_reject_label on a C string. */
static enum hv_label_from rl(const char *t)
{
    return hv_reject_label(t, strlen(t));
}

static void test_reject(void)
{
    /* Postfix smtpd reject_rbl_client, reject_rhsbl_helo, postscreen */
    CHECK_INTEQ(rl("554 5.7.1 Service unavailable; Client host [93.184.216.34] blocked"
                   " using zen.spamhaus.org; http://www.spamhaus.org/sbl/query/SBLCSS"),
                HV_LFROM_DNSBL);
    CHECK_INTEQ(rl("554 5.7.1 Service unavailable; Helo command [news.zihan-promo.com]"
                   " blocked using dbl.spamhaus.org"), HV_LFROM_DNSBL);
    CHECK_INTEQ(rl("550 5.7.1 Service unavailable; client [27.157.200.233] BLOCKED USING"
                   " zen.spamhaus.org"), HV_LFROM_DNSBL);
    /* Exim */
    CHECK_INTEQ(rl("rejected RCPT <info@nanomedtech.ua>: rejected because 111.67.203.114 is"
                   " in a black list at dnsbl.sorbs.net\\nCurrently Sending Spam"),
                HV_LFROM_DNSBL);
    CHECK_INTEQ(rl("rejected RCPT some@email.com: rejected found in dnsbl zen.spamhaus.org"),
                HV_LFROM_DNSBL);
    CHECK_INTEQ(rl("rejected RCPT <userx@exim.test.ex>: host is listed in rbl2.test.ex"),
                HV_LFROM_DNSBL);
    CHECK_INTEQ(rl("rejected RCPT <toto@toto.com>: \"JunkMail rejected - test.com"
                   " [1.2.3.4]:53343 is in an RBL: https://www.spamhaus.org/sbl/query/SBLCSS\""),
                HV_LFROM_DNSBL);
    /* Sendmail */
    CHECK_INTEQ(rl("reject=550 5.7.1 <joaofr@camilopinto.pt>... Rejected: 151.232.63.226"
                   " listed at sbl-xbl.spamhaus.org"), HV_LFROM_DNSBL);
    CHECK_INTEQ(rl("reject=550 5.7.1 <user@host.com>... Rejected: IP in SpamCop blacklist,"
                   " see: http://spamcop.net/bl.shtml?74.137.127.206"), HV_LFROM_DNSBL);
    CHECK_INTEQ(rl("blacklisted by our policy"), HV_LFROM_DNSBL);
    CHECK_INTEQ(rl("reject=550 5.7.1 <user@host.com>... Rejected: IP in Barracuda RBL, see:"
                   " http://www.barracudacentral.org/reputation?ip=203.229.186.250"),
                HV_LFROM_DNSBL);
    CHECK_INTEQ(rl("reject=550 5.7.1 <user@host.com>... Rejected: IP in SpamHaus PBL, see"
                   " http://www.spamhaus.org/query/bl?ip=186.54.117.93"), HV_LFROM_DNSBL);
    CHECK_INTEQ(rl("550 rejected: dnsbl"), HV_LFROM_DNSBL);
    /* rbl/dnsbl only as words */
    CHECK_INTEQ(rl("550 too many marbles; verbless"), HV_LFROM_NONE);
    CHECK_INTEQ(rl("550 rbl2"), HV_LFROM_NONE);
    /* content filters */
    CHECK_INTEQ(rl("5.7.1 Blocked by SpamAssassin"), HV_LFROM_FILTER);
    CHECK_INTEQ(rl("rejected after DATA: Your message looks like SPAM"), HV_LFROM_FILTER);
    /* neither */
    CHECK_INTEQ(rl("rejected after DATA: This message contains a virus"
                   " (Sanesecurity.Junk.39934.UNOFFICIAL)."), HV_LFROM_NONE);
    CHECK_INTEQ(rl("550 5.1.1 <x@y>: Recipient address rejected: User unknown"), HV_LFROM_NONE);
    CHECK_INTEQ(rl("Relaying denied. Proper authentication required."), HV_LFROM_NONE);
    CHECK_INTEQ(rl(""), HV_LFROM_NONE);
    CHECK_INTEQ(hv_reject_label("blocked using", 12), HV_LFROM_NONE);  /* bounded */
    CHECK_INTEQ(rl("spa"), HV_LFROM_NONE);
}

/* hdr - hv_spam_header on "name" and "value": -1 when not a known name
 * (and the label untouched: -2 when it was), else the label. */
/* ref_lower - ASCII lower case, every other byte as it is. */
static char ref_lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* ref_alnum - an ASCII letter or digit. */
static bool ref_alnum(char c)
{
    c = ref_lower(c);
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

/* ref_at - lit (lower case) at t[i..len), case-insensitively. */
static bool ref_at(const char *t, size_t len, size_t i, const char *lit)
{
    size_t n = strlen(lit);
    if (len - i < n)
        return false;
    for (size_t k = 0; k < n; k++)
        if (ref_lower(t[i + k]) != lit[k])
            return false;
    return true;
}

/* ref_word - lit at t[i..len) as a whole word (nothing alphanumeric on
 * either side). */
static bool ref_word(const char *t, size_t len, size_t i, const char *lit)
{
    size_t n = strlen(lit);
    return (i == 0 || !ref_alnum(t[i - 1])) && ref_at(t, len, i, lit) &&
           (i + n == len || !ref_alnum(t[i + n]));
}

/* ref_reject_label - hv_reject_label's contract (spamtext.h), read at every
 * position, slowly: the first marker found decides DNSBL, else any "spam"
 * makes FILTER. */
static enum hv_label_from ref_reject_label(const char *t, size_t len)
{
    static const char *const dnsbl[] = {
        "blocked using", "black list", "blacklist", "block list", "blocklist",
        "listed in", "listed at", "spamhaus",
    };
    static const char *const words[] = {"rbl", "rbls", "dnsbl", "dnsbls"};
    bool spam = false;
    for (size_t i = 0; i < len; i++) {
        for (size_t k = 0; k < sizeof(dnsbl) / sizeof(dnsbl[0]); k++)
            if (ref_at(t, len, i, dnsbl[k]))
                return HV_LFROM_DNSBL;
        for (size_t k = 0; k < sizeof(words) / sizeof(words[0]); k++)
            if (ref_word(t, len, i, words[k]))
                return HV_LFROM_DNSBL;
        if (ref_at(t, len, i, "spam"))
            spam = true;
    }
    return spam ? HV_LFROM_FILTER : HV_LFROM_NONE;
}

/* test_reject_generated - hv_reject_label and ref_reject_label agree on
 * texts built of marker pieces, near misses, other words and odd bytes
 * ('@', '[', '`', '{', bytes above 127 whose low bits are a letter's),
 * each letter in either case. */
static void test_reject_generated(void)
{
    static const char *const piece[] = {
        "blocked using", "black list", "blacklist", "block list", "blocklist",
        "listed in", "listed at", "listed ", "spamhaus", "spam", "spa", "rbl",
        "rbls", "dnsbl", "dnsbls", "marbles", "rblx", "dnsb", "bl", "blocke",
        "rejected RCPT", " ", " ", ": ", "relay not permitted", "in", "at",
        "zen.", "x", "2", "@", "[", "`", "{", "\xc2", "\xd2", "\xf3", "_",
    };
    uint64_t st = XORSHIFT_SEED;
    int bad = 0, dnsbl = 0, filter = 0;
    for (int i = 0; i < 200000; i++) {
        char t[160];
        size_t n = 0;
        unsigned parts = (unsigned)xorshift_below(&st, 8);
        for (unsigned k = 0; k < parts; k++) {
            const char *w = piece[xorshift_below(&st, sizeof(piece) / sizeof(piece[0]))];
            size_t wl = strlen(w);
            if (n + wl >= sizeof(t))
                break;
            for (size_t j = 0; j < wl; j++) {
                char c = w[j];
                if (c >= 'a' && c <= 'z' && xorshift_below(&st, 4) == 0)
                    c = (char)(c - 'a' + 'A');
                t[n++] = c;
            }
        }
        enum hv_label_from got = hv_reject_label(t, n), want = ref_reject_label(t, n);
        if (got != want && bad++ < 10)
            CHECK_MSG(0, "hv_reject_label(\"%.*s\") = %d, want %d", (int)n, t,
                      (int)got, (int)want);
        dnsbl += want == HV_LFROM_DNSBL;
        filter += want == HV_LFROM_FILTER;
    }
    CHECK_INTEQ(bad, 0);
    CHECK_MSG(dnsbl > 20000 && filter > 3000, "generated: %d DNSBL, %d FILTER",
              dnsbl, filter);
}

static int hdr(const char *name, const char *value)
{
    enum hv_label l = HV_LABEL_SPAM;
    if (!hv_spam_header(name, strlen(name), value, strlen(value), &l))
        return l == HV_LABEL_SPAM ? -1 : -2;
    return (int)l;
}

static void test_header(void)
{
    CHECK_INTEQ(hdr("X-Spam-Flag", " YES"), HV_LABEL_SPAM);
    CHECK_INTEQ(hdr("x-spam-flag", " no"), HV_LABEL_HAM);
    CHECK_INTEQ(hdr("X-Spam-Status", " Yes, score=9.1 required=5.0 tests=BAYES_99"),
                HV_LABEL_SPAM);
    CHECK_INTEQ(hdr("X-Spam-Status", " No, score=-1.0 required=5.0"), HV_LABEL_HAM);
    CHECK_INTEQ(hdr("X-Spam-Status", " Yesterday"), HV_LABEL_NONE);  /* a whole word */
    CHECK_INTEQ(hdr("X-Spam-Status", ""), HV_LABEL_NONE);
    CHECK_INTEQ(hdr("X-Spam", " Yes"), HV_LABEL_SPAM);
    CHECK_INTEQ(hdr("X-Spam", "No"), HV_LABEL_HAM);
    CHECK_INTEQ(hdr("X-Rspamd-Action", " no action"), HV_LABEL_HAM);
    CHECK_INTEQ(hdr("X-Rspamd-Action", " reject"), HV_LABEL_SPAM);
    CHECK_INTEQ(hdr("X-Rspamd-Action", " add header "), HV_LABEL_SPAM);
    CHECK_INTEQ(hdr("X-Rspamd-Action", " Rewrite Subject"), HV_LABEL_SPAM);
    CHECK_INTEQ(hdr("X-Rspamd-Action", " greylist"), HV_LABEL_NONE);
    CHECK_INTEQ(hdr("X-Rspamd-Action", " soft reject"), HV_LABEL_NONE);
    CHECK_INTEQ(hdr("X-Spamd-Result", " default: False [1.20 / 15.00];"), HV_LABEL_HAM);
    CHECK_INTEQ(hdr("X-Spamd-Result", " default: True [16.00 / 15.00];"), HV_LABEL_SPAM);
    CHECK_INTEQ(hdr("X-Spamd-Result", " other: True"), HV_LABEL_NONE);
    CHECK_INTEQ(hdr("X-MS-Exchange-Organization-SCL", " 9"), HV_LABEL_SPAM);
    CHECK_INTEQ(hdr("X-MS-Exchange-Organization-SCL", " 5"), HV_LABEL_SPAM);
    CHECK_INTEQ(hdr("X-MS-Exchange-Organization-SCL", " 4"), HV_LABEL_HAM);
    CHECK_INTEQ(hdr("X-MS-Exchange-Organization-SCL", " -1"), HV_LABEL_HAM);
    CHECK_INTEQ(hdr("X-MS-Exchange-Organization-SCL", " -2"), HV_LABEL_NONE);
    CHECK_INTEQ(hdr("X-MS-Exchange-Organization-SCL", " 10"), HV_LABEL_NONE);
    /* not spam-filter verdicts */
    CHECK_INTEQ(hdr("X-Spam-Level", " ****"), -1);
    CHECK_INTEQ(hdr("X-Spam-Score", " 9.1"), -1);
    CHECK_INTEQ(hdr("Subject", " Yes"), -1);
    CHECK_INTEQ(hdr("X-", " Yes"), -1);
}

/* folder - hv_spam_folder on a C string. */
static bool folder(const char *n)
{
    return hv_spam_folder(n, strlen(n));
}

static void test_folder(void)
{
    CHECK(folder("Junk"));
    CHECK(folder("spam"));
    CHECK(folder(".Junk"));
    CHECK(folder(".INBOX.Spam"));
    CHECK(folder("INBOX.Junk"));
    CHECK(folder("Junk E-mail"));
    CHECK(folder("junk email"));
    CHECK(folder("Bulk"));
    CHECK(folder("Bulk Mail"));
    CHECK(folder("Junk.mbox"));
    CHECK(folder("SPAM.mbx"));
    CHECK(!folder("Inbox"));
    CHECK(!folder("cur"));
    CHECK(!folder("spam-trap"));
    CHECK(!folder(".Junk.Archive"));
    CHECK(!folder("INBOX."));
    CHECK(!folder(".mbox"));
    CHECK(!folder(""));
    CHECK(!folder("..."));
    CHECK(hv_spam_folder("Junkyard", 4));   /* bounded by len */
}

int main(void)
{
    test_reject();
    test_reject_generated();
    test_header();
    test_folder();
    return CHECK_DONE();
}
