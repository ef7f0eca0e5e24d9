/* SPDX-License-Identifier: MIT */
/*
 * test_eximkinds - the Exim parser's first-byte choice of line kinds
 * (exim.c kinds_for) against trying every kind in order: 300,000 message
 * bodies made of the phrases the kinds look for (prefixes and the phrases
 * searched anywhere), host fields and other text, with the first byte
 * often replaced by another byte and the body cut at any length, with and
 * without a message id. hv_exim_kind_of must name the same kind (or none)
 * both ways.
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

static const char *const phrases[] = {
    "=> ", "-> ", ">> ", "*> ", "** ", "== ", "Completed", "<= ", "(= ",
    "DS H=", "F=<a@b> ", "H=", "SMTP protocol synchronization error (x): ",
    "SMTP protocol error in ", "SMTP syntax error in ", "rejected from <",
    "SMTP connection lost after", "SMTP connection lost after final dot",
    "VRFY failed for ", "ignoring AUTH=", "authenticator failed ",
    "authenticator failed for ", "SMTP connection ", "SMTP connection from ",
    "SMTP call from ", "SMTP command timeout on ", "SMTP data timeout ",
    "TLS error on ", "connection from ", "unexpected disconnection while "
    "reading SMTP command from ", "rejected ", "rejected EHLO from ",
    "Connection from ", "refused connection from ", "ETRN ", "ATRN ",
    " received from ", "SA: ", "SA: Action: ", "(host=",
    "no host name found for IP address ", "192.0.2.7", "[192.0.2.7]:25 ",
    "(helo) ", "mx.example ", " refused", " closed by QUIT", "x ", " ", "",
};

/* append - add one phrase to buf at *n (bounded by cap). */
static void append(char *buf, size_t *n, size_t cap)
{
    const char *ph = phrases[rnd(sizeof(phrases) / sizeof(phrases[0]))];
    size_t l = strlen(ph);
    if (*n + l > cap)
        l = cap - *n;
    memcpy(buf + *n, ph, l);
    *n += l;
}

int main(void)
{
    static const char firsts[] = "=->*C<(DFHSrViTuEAnsSmxR 1\x80";
    char buf[400];
    long fails = 0;
    long decided[16] = {0};
    for (int round = 0; round < 300000; round++) {
        size_t n = 0;
        for (size_t k = 1 + rnd(5); k > 0; k--)
            append(buf, &n, sizeof(buf));
        if (n > 0 && rnd(4) == 0)
            buf[0] = firsts[rnd(sizeof(firsts) - 1)];
        n = rnd(3) == 0 ? rnd(n + 1) : n;
        bool msgid = rnd(2) == 0;
        int all = hv_exim_kind_of(buf, n, msgid, true);
        int fast = hv_exim_kind_of(buf, n, msgid, false);
        decided[all + 1]++;
        if (all != fast && fails++ < 5)
            CHECK_MSG(false, "every kind %d, first-byte choice %d: %.*s", all, fast, (int)n,
                      buf);
    }
    CHECK_INTEQ(fails, 0);
    /* every kind decided some bodies (the generator reaches them all) */
    for (int k = 0; k < 15; k++)
        CHECK_MSG(decided[k] > 100, "kind %d decided %ld bodies", k - 1, decided[k]);
    return CHECK_DONE();
}
