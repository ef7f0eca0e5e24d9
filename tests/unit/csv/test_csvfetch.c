/* SPDX-License-Identifier: MIT */
/*
 * test_csvfetch - the fetch CSA and DNA share: pending until fetched, the
 * status of each kind of answer (OK, foreign OK, NODATA, NXDOMAIN with and
 * without a SOA, SERVFAIL, timeout, a message that does not parse) and the
 * smallest TTL it keeps.
 */
#include "check.h"
#include "dnswire.h"

#include "csvfetch.h"

static struct fake F;

/* ask - csv_fetch once after the fake has answered everything asked;
 * returns the status, *ttl the answer's TTL. */
static enum dnsq_status ask(struct csv_fetch *f, const char *qname, int qtype,
                            uint32_t *ttl)
{
    enum dnsq_status st = DNSQ_ERROR;
    struct dnsmsg m;

    if (!csv_fetch(f, qname, qtype, &st, &m, ttl)) {
        CHECK(m.nrr == 0 && m.arena == NULL); /* zeroed while pending */
        fake_round(&F);
        CHECK(csv_fetch(f, qname, qtype, &st, &m, ttl));
    }
    dnsmsg_free(&m);
    return st;
}

int main(void)
{
    struct csv_fetch f;
    struct wire *w;
    uint32_t res = 0, ttl = 99;
    enum dnsq_status st;
    struct dnsmsg m;

    fake_reset(&F, "test.ex");
    w = fake_add(&F, "a.test.ex", 1, DNSQ_OK);
    w_addr(w, 1, "a.test.ex", 500, "192.0.2.1");
    w_addr(w, 1, "a.test.ex", 400, "192.0.2.2");
    w = fake_add(&F, "foreign.test.ex", 1, DNSQ_OK);
    w_addr(w, 1, "other.test.ex", 7, "192.0.2.3");
    w = fake_add(&F, "nodata.test.ex", 1, DNSQ_NODATA);
    w_soa(w, "test.ex", 900, 250);
    fake_add(&F, "nosoa.test.ex", 1, DNSQ_NXDOMAIN);
    fake_add(&F, "sf.test.ex", 1, DNSQ_SERVFAIL);
    fake_add(&F, "to.test.ex", 1, DNSQ_TIMEOUT);
    w = fake_add(&F, "cut.test.ex", 1, DNSQ_OK);
    w_addr(w, 1, "cut.test.ex", 60, "192.0.2.4");
    w->n -= 3; /* the A's rdata cut short */

    csv_fetch_init(&f, fake_lookup, &F, &res);
    /* not known yet: false, nothing folded */
    CHECK(!csv_fetch(&f, "a.test.ex", 1, &st, &m, &ttl));
    CHECK_INTEQ(ttl, 0);
    CHECK(!f.have_ttl);

    /* a failure has no TTL and folds none */
    CHECK_INTEQ(ask(&f, "sf.test.ex", 1, &ttl), DNSQ_SERVFAIL);
    CHECK_INTEQ(ttl, 0);
    CHECK_INTEQ(ask(&f, "to.test.ex", 1, &ttl), DNSQ_TIMEOUT);
    CHECK_INTEQ(ttl, 0);
    /* an NXDOMAIN without a SOA: nothing to go by */
    CHECK_INTEQ(ask(&f, "nosoa.test.ex", 1, &ttl), DNSQ_NXDOMAIN);
    CHECK(!f.have_ttl);
    /* OK without a record for the question, or cut short: an error, no TTL */
    CHECK_INTEQ(ask(&f, "foreign.test.ex", 1, &ttl), DNSQ_ERROR);
    CHECK_INTEQ(ttl, 0);
    CHECK_INTEQ(ask(&f, "cut.test.ex", 1, &ttl), DNSQ_ERROR);
    CHECK_INTEQ(ttl, 0);
    CHECK(!f.have_ttl);
    CHECK_INTEQ(res, 0);

    /* OK: the smallest answer TTL; the result keeps the smallest seen */
    CHECK_INTEQ(ask(&f, "a.test.ex", 1, &ttl), DNSQ_OK);
    CHECK_INTEQ(ttl, 400);
    CHECK(f.have_ttl);
    CHECK_INTEQ(res, 400);
    /* NODATA: min(SOA TTL, MINIMUM) (RFC 2308 §5) */
    CHECK_INTEQ(ask(&f, "nodata.test.ex", 1, &ttl), DNSQ_NODATA);
    CHECK_INTEQ(ttl, 250);
    CHECK_INTEQ(res, 250);
    /* NXDOMAIN (the fake's default answer, SOA 3600/300): 300 > 250 */
    CHECK_INTEQ(ask(&f, "gone.test.ex", 1, NULL), DNSQ_NXDOMAIN);
    CHECK_INTEQ(res, 250);
    return CHECK_DONE();
}
