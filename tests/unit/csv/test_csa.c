/* SPDX-License-Identifier: MIT */
/*
 * test_csa - CSA evaluation over hand-built DNS answers: every csa_reason,
 * Exim's test 0524 vectors, IPv6 and IPv4-mapped clients, the parent search
 * (depths, the NXDOMAIN/SOA rule, the limit, the reverse trees), and the
 * rounds of the EVAL_PENDING protocol.
 */
#include "check.h"
#include "dnswire.h"

#include "csa.h"

static struct fake F;
static int rounds;

/* run - evaluate until done, fetching what is asked in rounds; returns
 * EVAL_DONE or -1 when stuck (pending with nothing new asked). */
static int run(const char *helo, const char *ip, const struct csa_opts *o,
               struct csa_result *r)
{
    for (rounds = 0; rounds < 20; rounds++) {
        int rc = csa_evaluate(helo, ip, o, fake_lookup, &F, r);

        if (rc == EVAL_DONE)
            return rc;
        if (rc != EVAL_PENDING || fake_round(&F) == 0)
            return -1;
    }
    return -1;
}

#define EXPECT(helo, ip, o, st, rs)                                          \
    do {                                                                     \
        struct csa_result r_;                                                \
        int rc_ = run(helo, ip, o, &r_);                                     \
        CHECK_INTEQ(rc_, EVAL_DONE);                                         \
        if (rc_ == EVAL_DONE) {                                              \
            CHECK_STREQ(r_.status, st);                                      \
            CHECK_STREQ(r_.reason, rs);                                      \
        }                                                                    \
        last = r_;                                                           \
    } while (0)

static struct csa_result last;

/* zone_exim - Exim test 0524 (V4NET = 10): csa1 weight 2 with its A in the
 * additional section, csa2 weight 1. */
static void zone_exim(void)
{
    struct wire *w;

    fake_reset(&F, "test.ex");
    w = fake_add(&F, "_client._smtp.csa1.test.ex", 33, DNSQ_OK);
    w_srv(w, 1, "_client._smtp.csa1.test.ex", 3600, 1, 2, 0,
          "csa1.test.ex");
    w_addr(w, 3, "csa1.test.ex", 300, "10.9.8.7");
    w = fake_add(&F, "_client._smtp.csa2.test.ex", 33, DNSQ_OK);
    w_srv(w, 1, "_client._smtp.csa2.test.ex", 3600, 1, 1, 0,
          "csa2.test.ex");
    w_addr(w, 3, "csa2.test.ex", 300, "10.9.8.8");
}

static void test_exim_0524(void)
{
    zone_exim();
    EXPECT("csa1.test.ex", "10.9.8.7", NULL, "ok", "authorized");
    CHECK_STREQ(last.record,
                "_client._smtp.csa1.test.ex. SRV 1 2 0 csa1.test.ex.");
    CHECK_INTEQ(last.ttl, 3600);
    CHECK_INTEQ(rounds, 1); /* one query, addresses in the additional */
    CHECK_INTEQ(F.queries, 1);
    EXPECT("csa1.test.ex", "10.9.8.8", NULL, "fail", "mismatch");
    CHECK_STREQ(last.record,
                "_client._smtp.csa1.test.ex. SRV 1 2 0 csa1.test.ex.");
    EXPECT("CSA2.test.ex.", "10.9.8.7", NULL, "fail", "not-authorized");
    CHECK_STREQ(last.record,
                "_client._smtp.csa2.test.ex. SRV 1 1 0 csa2.test.ex.");
    EXPECT("csa2.test.ex", "10.9.8.8", NULL, "fail", "not-authorized");
    CHECK_INTEQ(F.queries, 2);
    /* IPv4-mapped client equals the IPv4 address */
    EXPECT("csa1.test.ex", "::ffff:10.9.8.7", NULL, "ok", "authorized");
    /* an IPv6 client against a target with only an A in the additional
     * section: mismatch, as Exim */
    EXPECT("csa1.test.ex", "2001:db8::7", NULL, "fail", "mismatch");
}

static void test_no_query(void)
{
    struct csa_opts o;

    fake_reset(&F, "test.ex");
    EXPECT(NULL, "10.0.0.1", NULL, "unknown", "no-helo");
    EXPECT("", "10.0.0.1", NULL, "unknown", "no-helo");
    CHECK_STREQ(last.record, "");
    EXPECT("localhost", "10.0.0.1", NULL, "unknown", "invalid-helo");
    EXPECT("WIN-3RT9Q7A0D1K", "10.0.0.1", NULL, "unknown", "invalid-helo");
    EXPECT("a..b", "10.0.0.1", NULL, "unknown", "invalid-helo");
    EXPECT("<b>x</b>.example", "10.0.0.1", NULL, "unknown", "invalid-helo");
    EXPECT("mail.example.com\n", "10.0.0.1", NULL, "unknown",
           "invalid-helo");
    EXPECT("[192.0.2.300]", "10.0.0.1", NULL, "unknown", "invalid-helo");
    /* no usable client address */
    EXPECT("csa1.test.ex", "unknown", NULL, "unknown", "no-record");
    EXPECT("csa1.test.ex", NULL, NULL, "unknown", "no-record");
    /* literals without the reverse tree */
    csa_opts_init(&o);
    o.use_reverse = false;
    EXPECT("[192.0.2.1]", "192.0.2.1", &o, "unknown", "no-record");
    EXPECT("192.0.2.1", "192.0.2.1", &o, "unknown", "no-record");
    CHECK_INTEQ(F.lookups, 0);
    CHECK_INTEQ(last.ttl, 0);
}

static void test_weights(void)
{
    struct wire *w;

    fake_reset(&F, "test.ex");
    w = fake_add(&F, "_client._smtp.w3.test.ex", 33, DNSQ_OK);
    w_srv(w, 1, "_client._smtp.w3.test.ex", 60, 1, 3, 0, "w3.test.ex");
    w_addr(w, 3, "w3.test.ex", 60, "10.0.0.1");
    w = fake_add(&F, "_client._smtp.w0.test.ex", 33, DNSQ_OK);
    w_srv(w, 1, "_client._smtp.w0.test.ex", 60, 1, 0, 0, "w0.test.ex");
    /* weight 3 first, then weight 2: the weight 2 decides */
    w = fake_add(&F, "_client._smtp.w32.test.ex", 33, DNSQ_OK);
    w_srv(w, 1, "_client._smtp.w32.test.ex", 60, 1, 3, 0, "w32.test.ex");
    w_srv(w, 1, "_client._smtp.w32.test.ex", 60, 1, 2, 0, "w32.test.ex");
    w_addr(w, 3, "w32.test.ex", 60, "10.0.0.1");
    /* first decisive record in DNS order wins */
    w = fake_add(&F, "_client._smtp.w21.test.ex", 33, DNSQ_OK);
    w_srv(w, 1, "_client._smtp.w21.test.ex", 60, 1, 2, 0, "w21.test.ex");
    w_srv(w, 1, "_client._smtp.w21.test.ex", 60, 1, 1, 0, "w21.test.ex");
    w_addr(w, 3, "w21.test.ex", 60, "10.0.0.1");
    w = fake_add(&F, "_client._smtp.w12.test.ex", 33, DNSQ_OK);
    w_srv(w, 1, "_client._smtp.w12.test.ex", 60, 1, 1, 0, "w12.test.ex");
    w_srv(w, 1, "_client._smtp.w12.test.ex", 60, 1, 2, 0, "w12.test.ex");
    w_addr(w, 3, "w12.test.ex", 60, "10.0.0.1");
    /* unusable: priority 2, weight 4 (reserved bits), short rdata */
    w = fake_add(&F, "_client._smtp.p2.test.ex", 33, DNSQ_OK);
    w_srv(w, 1, "_client._smtp.p2.test.ex", 60, 2, 2, 0, "p2.test.ex");
    w_srv(w, 1, "_client._smtp.p2.test.ex", 60, 1, 6, 0, "p2.test.ex");
    w_addr(w, 3, "p2.test.ex", 60, "10.0.0.1");
    w = fake_add(&F, "_client._smtp.short.test.ex", 33, DNSQ_OK);
    w_rr_begin(w, 1, "_client._smtp.short.test.ex", 33, 60);
    w_u16(w, 1);
    w_u16(w, 2);
    w_rr_end(w);
    /* an ancestor's Explicit record does not matter when the name has
     * records of its own */
    w = fake_add(&F, "_client._smtp.test.ex", 33, DNSQ_OK);
    w_srv(w, 1, "_client._smtp.test.ex", 60, 1, 1, 1, "test.ex");

    EXPECT("w3.test.ex", "10.0.0.1", NULL, "unknown", "weight-3");
    CHECK_STREQ(last.record, "_client._smtp.w3.test.ex. SRV 1 3 0 w3.test.ex.");
    EXPECT("w0.test.ex", "10.0.0.1", NULL, "fail", "not-authorized");
    EXPECT("w32.test.ex", "10.0.0.1", NULL, "ok", "authorized");
    CHECK_STREQ(last.record,
                "_client._smtp.w32.test.ex. SRV 1 2 0 w32.test.ex.");
    EXPECT("w21.test.ex", "10.0.0.1", NULL, "ok", "authorized");
    EXPECT("w12.test.ex", "10.0.0.1", NULL, "fail", "not-authorized");
    EXPECT("p2.test.ex", "10.0.0.1", NULL, "unknown", "unusable-record");
    CHECK_STREQ(last.record, "_client._smtp.p2.test.ex. SRV 2 2 0 p2.test.ex.");
    EXPECT("short.test.ex", "10.0.0.1", NULL, "unknown", "unusable-record");
    CHECK_STREQ(last.record, "");
    CHECK(!fake_asked(&F, "_client._smtp.test.ex", 33));
}

static void test_targets(void)
{
    struct wire *w;

    fake_reset(&F, "test.ex");
    /* target "." is "no addresses" without a lookup */
    w = fake_add(&F, "_client._smtp.dot.test.ex", 33, DNSQ_OK);
    w_srv(w, 1, "_client._smtp.dot.test.ex", 60, 1, 2, 0, ".");
    /* targets without additional data: separate A/AAAA query */
    static const char *const names[] = { "sep", "nx", "nodata", "sf",
                                         "to", "cn" };
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        char q[100], t[100];

        snprintf(q, sizeof(q), "_client._smtp.%s.test.ex", names[i]);
        snprintf(t, sizeof(t), "host-%s.test.ex", names[i]);
        w = fake_add(&F, q, 33, DNSQ_OK);
        w_srv(w, 1, q, 900, 1, 2, 0, t);
    }
    w = fake_add(&F, "host-sep.test.ex", 1, DNSQ_OK);
    w_addr(w, 1, "host-sep.test.ex", 120, "192.0.2.1");
    w_addr(w, 1, "host-sep.test.ex", 120, "192.0.2.2");
    w = fake_add(&F, "host-sep.test.ex", 28, DNSQ_OK);
    w_addr(w, 1, "host-sep.test.ex", 30, "2001:db8::2");
    /* host-nx: not in the zone -> NXDOMAIN by default */
    w = fake_add(&F, "host-nodata.test.ex", 1, DNSQ_NODATA);
    w_soa(w, "test.ex", 60, 60);
    fake_add(&F, "host-sf.test.ex", 1, DNSQ_SERVFAIL);
    fake_add(&F, "host-to.test.ex", 1, DNSQ_TIMEOUT);
    w = fake_add(&F, "host-cn.test.ex", 1, DNSQ_OK);
    w_nameref(w, 1, "host-cn.test.ex", 5, 60, "real.test.ex");
    w_addr(w, 1, "real.test.ex", 60, "192.0.2.7");

    EXPECT("dot.test.ex", "192.0.2.1", NULL, "fail", "no-addresses");
    CHECK_STREQ(last.record, "_client._smtp.dot.test.ex. SRV 1 2 0 .");
    CHECK_INTEQ(F.queries, 1);
    EXPECT("sep.test.ex", "192.0.2.2", NULL, "ok", "authorized");
    CHECK_INTEQ(rounds, 2);
    CHECK_INTEQ(last.ttl, 120); /* min(SRV 900, A 120) */
    CHECK(fake_asked(&F, "host-sep.test.ex", 1));
    CHECK(!fake_asked(&F, "host-sep.test.ex", 28));
    EXPECT("sep.test.ex", "192.0.2.3", NULL, "fail", "mismatch");
    EXPECT("sep.test.ex", "2001:db8::2", NULL, "ok", "authorized");
    CHECK(fake_asked(&F, "host-sep.test.ex", 28));
    CHECK_INTEQ(last.ttl, 30);
    EXPECT("sep.test.ex", "2001:db8::3", NULL, "fail", "mismatch");
    EXPECT("sep.test.ex", "::ffff:192.0.2.1", NULL, "ok", "authorized");
    EXPECT("nx.test.ex", "192.0.2.1", NULL, "fail", "no-addresses");
    EXPECT("nodata.test.ex", "192.0.2.1", NULL, "fail", "no-addresses");
    EXPECT("sf.test.ex", "192.0.2.1", NULL, "defer", "addr-lookup-failed");
    EXPECT("to.test.ex", "192.0.2.1", NULL, "defer", "addr-lookup-failed");
    CHECK_STREQ(last.record,
                "_client._smtp.to.test.ex. SRV 1 2 0 host-to.test.ex.");
    EXPECT("cn.test.ex", "192.0.2.7", NULL, "ok", "authorized");

    /* AAAA in the additional section for an IPv6 client */
    fake_reset(&F, "test.ex");
    w = fake_add(&F, "_client._smtp.v6.test.ex", 33, DNSQ_OK);
    w_srv(w, 1, "_client._smtp.v6.test.ex", 60, 1, 2, 0, "v6.test.ex");
    w_addr(w, 3, "other.test.ex", 60, "2001:db8::9"); /* wrong owner */
    w_addr(w, 3, "V6.test.ex", 60, "2001:db8::1");
    EXPECT("v6.test.ex", "2001:db8::1", NULL, "ok", "authorized");
    CHECK_INTEQ(F.queries, 1);
    EXPECT("v6.test.ex", "2001:db8::9", NULL, "fail", "mismatch");
}

static void test_srv_failures(void)
{
    static const enum dnsq_status st[] = { DNSQ_SERVFAIL, DNSQ_REFUSED,
                                           DNSQ_TIMEOUT, DNSQ_ERROR };
    struct wire *w;

    for (size_t i = 0; i < sizeof(st) / sizeof(st[0]); i++) {
        fake_reset(&F, "test.ex");
        fake_add(&F, "_client._smtp.h.test.ex", 33, st[i]);
        EXPECT("h.test.ex", "192.0.2.1", NULL, "defer", "srv-lookup-failed");
        /* no parent search after a failure */
        CHECK(!fake_asked(&F, "_client._smtp.test.ex", 33));
    }
    /* "ok" but the message does not hold the answer: error -> defer */
    fake_reset(&F, "test.ex");
    w = fake_add(&F, "_client._smtp.h.test.ex", 33, DNSQ_OK);
    w_srv(w, 1, "_client._smtp.other.test.ex", 60, 1, 2, 0, "h.test.ex");
    EXPECT("h.test.ex", "192.0.2.1", NULL, "defer", "srv-lookup-failed");
    /* "ok" with a message that does not parse */
    fake_reset(&F, "test.ex");
    w = fake_add(&F, "_client._smtp.h.test.ex", 33, DNSQ_OK);
    w_srv(w, 1, "_client._smtp.h.test.ex", 60, 1, 2, 0, "h.test.ex");
    w->n -= 3;
    EXPECT("h.test.ex", "192.0.2.1", NULL, "defer", "srv-lookup-failed");
}

static void test_parent_search(void)
{
    struct csa_opts o;
    struct wire *w;

    /* Explicit at the 2LD */
    fake_reset(&F, "example.com");
    w = fake_add(&F, "_client._smtp.example.com", 33, DNSQ_OK);
    w_srv(w, 1, "_client._smtp.example.com", 600, 1, 1, 1, "example.com");
    EXPECT("host.sub.example.com", "192.0.2.1", NULL, "fail",
           "explicit-required");
    CHECK_STREQ(last.record,
                "_client._smtp.example.com. SRV 1 1 1 example.com.");
    CHECK_INTEQ(rounds, 2); /* exact, then every parent at once */
    CHECK(fake_asked(&F, "_client._smtp.sub.example.com", 33));
    CHECK(!fake_asked(&F, "_client._smtp.com", 33));
    CHECK_INTEQ(last.ttl, 300); /* NXDOMAIN's SOA minimum 300 < 600 */

    /* 2LD record without Explicit: go on down; Explicit at the 3LD */
    fake_reset(&F, "example.com");
    w = fake_add(&F, "_client._smtp.example.com", 33, DNSQ_OK);
    w_srv(w, 1, "_client._smtp.example.com", 600, 1, 2, 0, "example.com");
    w = fake_add(&F, "_client._smtp.sub.example.com", 33, DNSQ_OK);
    w_srv(w, 1, "_client._smtp.sub.example.com", 600, 2, 1, 1,
          "sub.example.com"); /* priority 2: ignored */
    w_srv(w, 1, "_client._smtp.sub.example.com", 600, 1, 1, 1,
          "sub.example.com");
    EXPECT("a.b.sub.example.com", "192.0.2.1", NULL, "fail",
           "explicit-required");
    CHECK_STREQ(last.record,
                "_client._smtp.sub.example.com. SRV 1 1 1 sub.example.com.");
    /* without Explicit anywhere: no-record */
    fake_reset(&F, "example.com");
    w = fake_add(&F, "_client._smtp.example.com", 33, DNSQ_OK);
    w_srv(w, 1, "_client._smtp.example.com", 600, 1, 2, 0, "example.com");
    EXPECT("a.b.sub.example.com", "192.0.2.1", NULL, "unknown", "no-record");
    CHECK_STREQ(last.record, "");
    CHECK(fake_asked(&F, "_client._smtp.b.sub.example.com", 33));
    CHECK(!fake_asked(&F, "_client._smtp.a.b.sub.example.com.x", 33));

    /* NXDOMAIN with the TLD's or the root's SOA: no search */
    fake_reset(&F, "com");
    EXPECT("host.nosuch.com", "192.0.2.1", NULL, "unknown", "no-record");
    CHECK_INTEQ(F.queries, 1);
    fake_reset(&F, "");
    EXPECT("host.nosuch.zz", "192.0.2.1", NULL, "unknown", "no-record");
    CHECK_INTEQ(F.queries, 1);
    /* NXDOMAIN without SOA: search */
    fake_reset(&F, "-");
    EXPECT("host.nosuch.com", "192.0.2.1", NULL, "unknown", "no-record");
    CHECK_INTEQ(F.queries, 2);
    /* NODATA at the exact name: the SOA rule does not apply */
    fake_reset(&F, "com");
    w = fake_add(&F, "_client._smtp.host.example.com", 33, DNSQ_NODATA);
    w_soa(w, "com", 60, 60);
    w = fake_add(&F, "_client._smtp.example.com", 33, DNSQ_OK);
    w_srv(w, 1, "_client._smtp.example.com", 600, 1, 0, 1, ".");
    EXPECT("host.example.com", "192.0.2.1", NULL, "fail",
           "explicit-required");

    /* depth and limit: 9 labels, limit 5 -> 2..6 labels asked */
    fake_reset(&F, "example.com");
    EXPECT("h8.h7.h6.h5.h4.h3.example.com", "192.0.2.1", NULL, "unknown",
           "no-record");
    CHECK(fake_asked(&F, "_client._smtp.example.com", 33));
    CHECK(fake_asked(&F, "_client._smtp.h3.example.com", 33));
    CHECK(fake_asked(&F, "_client._smtp.h4.h3.example.com", 33));
    CHECK(fake_asked(&F, "_client._smtp.h5.h4.h3.example.com", 33));
    CHECK(fake_asked(&F, "_client._smtp.h6.h5.h4.h3.example.com", 33));
    CHECK(!fake_asked(&F, "_client._smtp.h7.h6.h5.h4.h3.example.com", 33));
    CHECK_INTEQ(F.queries, 6);
    /* an Explicit record below the limit is not found */
    fake_reset(&F, "example.com");
    w = fake_add(&F, "_client._smtp.h7.h6.h5.h4.h3.example.com", 33,
                 DNSQ_OK);
    w_srv(w, 1, "_client._smtp.h7.h6.h5.h4.h3.example.com", 60, 1, 1, 1,
          ".");
    EXPECT("h8.h7.h6.h5.h4.h3.example.com", "192.0.2.1", NULL, "unknown",
           "no-record");
    csa_opts_init(&o);
    o.search_limit = 6;
    EXPECT("h8.h7.h6.h5.h4.h3.example.com", "192.0.2.1", &o, "fail",
           "explicit-required");
    o.search_limit = 2;
    fake_reset(&F, "example.com");
    EXPECT("h8.h7.h6.h5.h4.h3.example.com", "192.0.2.1", &o, "unknown",
           "no-record");
    CHECK_INTEQ(F.queries, 3);
    /* two-label name: no parent but the TLD, which is never asked */
    fake_reset(&F, "-");
    EXPECT("example.com", "192.0.2.1", NULL, "unknown", "no-record");
    CHECK_INTEQ(F.queries, 1);
    /* search turned off */
    fake_reset(&F, "example.com");
    w = fake_add(&F, "_client._smtp.example.com", 33, DNSQ_OK);
    w_srv(w, 1, "_client._smtp.example.com", 600, 1, 1, 1, "example.com");
    csa_opts_init(&o);
    o.parent_search = false;
    EXPECT("host.example.com", "192.0.2.1", &o, "unknown", "no-record");
    CHECK_INTEQ(F.queries, 1);

    /* failures in the search: timeout and SERVFAIL defer, REFUSED goes
     * on; an earlier decisive ancestor wins over a later failure */
    fake_reset(&F, "example.com");
    fake_add(&F, "_client._smtp.sub.example.com", 33, DNSQ_TIMEOUT);
    EXPECT("host.sub.example.com", "192.0.2.1", NULL, "defer",
           "srv-lookup-failed");
    fake_reset(&F, "example.com");
    fake_add(&F, "_client._smtp.example.com", 33, DNSQ_SERVFAIL);
    EXPECT("host.sub.example.com", "192.0.2.1", NULL, "defer",
           "srv-lookup-failed");
    fake_reset(&F, "example.com");
    fake_add(&F, "_client._smtp.example.com", 33, DNSQ_REFUSED);
    w = fake_add(&F, "_client._smtp.sub.example.com", 33, DNSQ_OK);
    w_srv(w, 1, "_client._smtp.sub.example.com", 60, 1, 1, 1, ".");
    EXPECT("host.sub.example.com", "192.0.2.1", NULL, "fail",
           "explicit-required");
    fake_reset(&F, "example.com");
    w = fake_add(&F, "_client._smtp.example.com", 33, DNSQ_OK);
    w_srv(w, 1, "_client._smtp.example.com", 60, 1, 1, 1, ".");
    fake_add(&F, "_client._smtp.sub.example.com", 33, DNSQ_TIMEOUT);
    EXPECT("host.sub.example.com", "192.0.2.1", NULL, "fail",
           "explicit-required");
}

static void test_reverse(void)
{
    struct wire *w;

    /* [192.0.2.1] with a record in the reverse tree */
    fake_reset(&F, "2.0.192.in-addr.arpa");
    w = fake_add(&F, "_client._smtp.1.2.0.192.in-addr.arpa", 33, DNSQ_OK);
    w_srv(w, 1, "_client._smtp.1.2.0.192.in-addr.arpa", 60, 1, 2, 0,
          "mx.test.ex");
    w_addr(w, 3, "mx.test.ex", 60, "192.0.2.1");
    EXPECT("[192.0.2.1]", "192.0.2.1", NULL, "ok", "authorized");
    CHECK_STREQ(last.record, "_client._smtp.1.2.0.192.in-addr.arpa. SRV 1 2 "
                             "0 mx.test.ex.");
    EXPECT("192.0.2.1", "192.0.2.9", NULL, "fail", "mismatch");

    /* parent search in in-addr.arpa: /8, /16, /24 */
    fake_reset(&F, "192.in-addr.arpa");
    w = fake_add(&F, "_client._smtp.0.192.in-addr.arpa", 33, DNSQ_OK);
    w_srv(w, 1, "_client._smtp.0.192.in-addr.arpa", 60, 1, 1, 1, ".");
    EXPECT("[192.0.2.5]", "192.0.2.5", NULL, "fail", "explicit-required");
    CHECK(fake_asked(&F, "_client._smtp.192.in-addr.arpa", 33));
    CHECK(fake_asked(&F, "_client._smtp.2.0.192.in-addr.arpa", 33));
    CHECK(!fake_asked(&F, "_client._smtp.in-addr.arpa", 33));
    CHECK(!fake_asked(&F, "_client._smtp.arpa", 33));
    CHECK_INTEQ(F.queries, 4);
    /* SOA of in-addr.arpa itself counts as the "TLD": no search */
    fake_reset(&F, "in-addr.arpa");
    EXPECT("[198.51.100.1]", "198.51.100.1", NULL, "unknown", "no-record");
    CHECK_INTEQ(F.queries, 1);

    /* IPv6 literal: /16, /32, /48 */
    fake_reset(&F, "8.b.d.0.1.0.0.2.ip6.arpa");
    EXPECT("[IPv6:2001:db8::1]", "2001:db8::1", NULL, "unknown",
           "no-record");
    CHECK(fake_asked(&F,
                     "_client._smtp.1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0."
                     "0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa",
                     33));
    CHECK(fake_asked(&F, "_client._smtp.1.0.0.2.ip6.arpa", 33));
    CHECK(fake_asked(&F, "_client._smtp.8.b.d.0.1.0.0.2.ip6.arpa", 33));
    CHECK(fake_asked(&F, "_client._smtp.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa",
                     33));
    CHECK(!fake_asked(&F, "_client._smtp.arpa", 33));
    CHECK(!fake_asked(&F, "_client._smtp.2.ip6.arpa", 33));
    CHECK_INTEQ(F.queries, 4);
    fake_reset(&F, "8.b.d.0.1.0.0.2.ip6.arpa");
    w = fake_add(&F, "_client._smtp.8.b.d.0.1.0.0.2.ip6.arpa", 33, DNSQ_OK);
    w_srv(w, 1, "_client._smtp.8.b.d.0.1.0.0.2.ip6.arpa", 60, 1, 0, 1, ".");
    EXPECT("2001:db8::1", "2001:db8::1", NULL, "fail", "explicit-required");
}

/* long_name - "<a x la>.<b x lb>.<c x lc>.<d x ld>.<tail>" into out. */
static void long_name(char *out, size_t outlen, int la, int lb, int lc,
                      int ld, const char *tail)
{
    const int lens[4] = { la, lb, lc, ld };
    size_t o = 0;

    for (int i = 0; i < 4; i++) {
        if (lens[i] == 0)
            continue;
        for (int k = 0; k < lens[i] && o + 2 < outlen; k++)
            out[o++] = (char)('a' + i);
        out[o++] = '.';
    }
    snprintf(out + o, outlen - o, "%s", tail);
}

/* test_unqueryable - issue 11 item 1: a HELO whose own SRV name cannot be
 * queried (a label over 63 bytes; over 253 bytes with the prefix) is still
 * covered by an Explicit parent, as in Exim (its lookup fails hard and it
 * searches the parents). Without one the result stays what it was. */
static void test_unqueryable(void)
{
    struct csa_opts o;
    struct wire *w;
    char helo[400];

    fake_reset(&F, "example.com");
    w = fake_add(&F, "_client._smtp.example.com", 33, DNSQ_OK);
    w_srv(w, 1, "_client._smtp.example.com", 600, 1, 1, 1, ".");
    long_name(helo, sizeof(helo), 64, 0, 0, 0, "sub.example.com");
    EXPECT(helo, "192.0.2.1", NULL, "fail", "explicit-required");
    CHECK(fake_asked(&F, "_client._smtp.sub.example.com", 33));
    CHECK_INTEQ(F.queries, 2); /* the two parents, never the name */
    /* 241 bytes: the name is fine, "_client._smtp." + name is not */
    long_name(helo, sizeof(helo), 63, 63, 63, 37, "example.com");
    CHECK_INTEQ((int)strlen(helo), 241);
    EXPECT(helo, "192.0.2.1", NULL, "fail", "explicit-required");
    /* over 253 bytes, labels all under 64 */
    long_name(helo, sizeof(helo), 63, 63, 63, 63, "sub.example.com");
    EXPECT(helo, "192.0.2.1", NULL, "fail", "explicit-required");
    /* upper case and a trailing dot */
    long_name(helo, sizeof(helo), 70, 0, 0, 0, "Sub.Example.COM.");
    EXPECT(helo, "192.0.2.1", NULL, "fail", "explicit-required");
    /* no Explicit parent: as before */
    fake_reset(&F, "example.com");
    long_name(helo, sizeof(helo), 64, 0, 0, 0, "sub.example.com");
    EXPECT(helo, "192.0.2.1", NULL, "unknown", "invalid-helo");
    long_name(helo, sizeof(helo), 63, 63, 63, 37, "example.com");
    EXPECT(helo, "192.0.2.1", NULL, "unknown", "no-record");
    /* a label over 63 in the middle: the parents holding it are skipped */
    fake_reset(&F, "example.com");
    w = fake_add(&F, "_client._smtp.example.com", 33, DNSQ_OK);
    w_srv(w, 1, "_client._smtp.example.com", 600, 1, 2, 0, ".");
    long_name(helo, sizeof(helo), 3, 64, 0, 0, "example.com");
    EXPECT(helo, "192.0.2.1", NULL, "unknown", "invalid-helo");
    CHECK_INTEQ(F.queries, 1);
    /* parent search off: no query at all */
    fake_reset(&F, "example.com");
    csa_opts_init(&o);
    o.parent_search = false;
    long_name(helo, sizeof(helo), 64, 0, 0, 0, "sub.example.com");
    EXPECT(helo, "192.0.2.1", &o, "unknown", "invalid-helo");
    CHECK_INTEQ(F.lookups, 0);
    /* junk stays junk: no query */
    EXPECT("a b.example.com", "192.0.2.1", NULL, "unknown", "invalid-helo");
    EXPECT("a..example.com", "192.0.2.1", NULL, "unknown", "invalid-helo");
    CHECK_INTEQ(F.lookups, 0);
}

/* test_edges - issue 11 items 2-6. */
static void test_edges(void)
{
    struct csa_opts o;
    struct wire *w;

    /* 2: targets are looked up whatever their syntax; only "." is none */
    fake_reset(&F, "test.ex");
    w = fake_add(&F, "_client._smtp.one.test.ex", 33, DNSQ_OK);
    w_srv(w, 1, "_client._smtp.one.test.ex", 60, 1, 2, 0, "tgt1");
    w = fake_add(&F, "tgt1", 1, DNSQ_OK);
    w_addr(w, 1, "tgt1", 60, "192.0.2.1");
    w = fake_add(&F, "_client._smtp.plus.test.ex", 33, DNSQ_OK);
    w_srv(w, 1, "_client._smtp.plus.test.ex", 60, 1, 2, 0, "a+b.test.ex");
    w_addr(w, 3, "a+b.test.ex", 60, "192.0.2.2");
    EXPECT("one.test.ex", "192.0.2.1", NULL, "ok", "authorized");
    CHECK(fake_asked(&F, "tgt1", 1));
    EXPECT("one.test.ex", "192.0.2.9", NULL, "fail", "mismatch");
    EXPECT("plus.test.ex", "192.0.2.2", NULL, "ok", "authorized");
    CHECK_STREQ(last.record,
                "_client._smtp.plus.test.ex. SRV 1 2 0 a+b.test.ex.");

    /* 3: [IPv4:a.b.c.d] is an address literal */
    fake_reset(&F, "2.0.192.in-addr.arpa");
    w = fake_add(&F, "_client._smtp.1.2.0.192.in-addr.arpa", 33, DNSQ_OK);
    w_srv(w, 1, "_client._smtp.1.2.0.192.in-addr.arpa", 60, 1, 2, 0,
          "mx.test.ex");
    w_addr(w, 3, "mx.test.ex", 60, "192.0.2.1");
    EXPECT("[IPv4:192.0.2.1]", "192.0.2.1", NULL, "ok", "authorized");
    EXPECT("[ipv4:192.0.2.1]", "192.0.2.1", NULL, "ok", "authorized");
    EXPECT("[IPv4:2001:db8::1]", "192.0.2.1", NULL, "unknown",
           "invalid-helo");

    /* 4: --csa-search-limit 0 stops the forward search only */
    csa_opts_init(&o);
    o.search_limit = 0;
    fake_reset(&F, "192.in-addr.arpa");
    w = fake_add(&F, "_client._smtp.0.192.in-addr.arpa", 33, DNSQ_OK);
    w_srv(w, 1, "_client._smtp.0.192.in-addr.arpa", 60, 1, 1, 1, ".");
    EXPECT("[192.0.2.5]", "192.0.2.5", &o, "fail", "explicit-required");
    CHECK_INTEQ(F.queries, 4);
    fake_reset(&F, "example.com");
    w = fake_add(&F, "_client._smtp.example.com", 33, DNSQ_OK);
    w_srv(w, 1, "_client._smtp.example.com", 60, 1, 1, 1, ".");
    EXPECT("host.example.com", "192.0.2.1", &o, "unknown", "no-record");
    CHECK_INTEQ(F.queries, 1);

    /* 5: SRV rdata of exactly 6 bytes: the weight decides */
    fake_reset(&F, "test.ex");
    static const struct {
        const char *name;
        unsigned weight, port;
    } six[] = { { "s1", 1, 0 }, { "s2", 2, 0 }, { "s3", 3, 0 },
                { "s6", 6, 0 }, { "sp", 0, 1 } };
    for (size_t i = 0; i < sizeof(six) / sizeof(six[0]); i++) {
        char q[80];

        snprintf(q, sizeof(q), "_client._smtp.%s.test.ex", six[i].name);
        w = fake_add(&F, q, 33, DNSQ_OK);
        w_rr_begin(w, 1, q, 33, 60);
        w_u16(w, 1);
        w_u16(w, six[i].weight);
        w_u16(w, six[i].port);
        w_rr_end(w);
    }
    EXPECT("s1.test.ex", "192.0.2.1", NULL, "fail", "not-authorized");
    CHECK_STREQ(last.record,
                "_client._smtp.s1.test.ex. SRV \\# 6 000100010000");
    EXPECT("s2.test.ex", "192.0.2.1", NULL, "fail", "no-addresses");
    EXPECT("s3.test.ex", "192.0.2.1", NULL, "unknown", "weight-3");
    EXPECT("s6.test.ex", "192.0.2.1", NULL, "unknown", "unusable-record");
    /* as a parent: the Explicit bit of a 6-byte record counts */
    EXPECT("h.sp.test.ex", "192.0.2.1", NULL, "fail", "explicit-required");
    CHECK_STREQ(last.record,
                "_client._smtp.sp.test.ex. SRV \\# 6 000100000001");

    /* 6: an IPv4-mapped AAAA of the target is not the IPv4 client (Exim
     * compares the texts "::ffff:192.0.2.34" and "192.0.2.34"); a mapped
     * client is its IPv4 form (Exim's host_ntoa), so it does not match
     * either */
    fake_reset(&F, "test.ex");
    w = fake_add(&F, "_client._smtp.mapped.test.ex", 33, DNSQ_OK);
    w_srv(w, 1, "_client._smtp.mapped.test.ex", 60, 1, 2, 0,
          "mapped.test.ex");
    w_addr(w, 3, "mapped.test.ex", 60, "::ffff:192.0.2.34");
    EXPECT("mapped.test.ex", "192.0.2.34", NULL, "fail", "mismatch");
    EXPECT("mapped.test.ex", "::ffff:192.0.2.34", NULL, "fail", "mismatch");
}

/* is_vocab - (status, reason) is one of DESIGN.md's pairs. */
static bool is_vocab(const char *st, const char *rs)
{
    static const char *const pairs[][2] = {
        { "ok", "authorized" },          { "fail", "not-authorized" },
        { "fail", "explicit-required" }, { "fail", "no-addresses" },
        { "fail", "mismatch" },          { "unknown", "no-record" },
        { "unknown", "weight-3" },       { "unknown", "unusable-record" },
        { "unknown", "invalid-helo" },   { "unknown", "no-helo" },
        { "defer", "srv-lookup-failed" }, { "defer", "addr-lookup-failed" },
    };

    for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++)
        if (st != NULL && rs != NULL && strcmp(st, pairs[i][0]) == 0 &&
            strcmp(rs, pairs[i][1]) == 0)
            return true;
    return false;
}

/* Mutated answers: always a vocabulary result, never a crash (valgrind and
 * ASan runs of this test check the memory side). */
static void test_mutated_answers(void)
{
    struct wire base;
    uint32_t seed = 777;
    int bad = 0, seen_ok = 0, seen_other = 0;

    w_init(&base, 0, "_client._smtp.m.test.ex", 33);
    w_srv(&base, 1, "_client._smtp.m.test.ex", 60, 1, 2, 0, "m.test.ex");
    w_srv(&base, 1, "_client._smtp.m.test.ex", 60, 1, 3, 1, "m.test.ex");
    w_addr(&base, 3, "m.test.ex", 60, "192.0.2.1");
    w_addr(&base, 3, "m.test.ex", 60, "2001:db8::1");
    for (int iter = 0; iter < 3000; iter++) {
        struct csa_result r;
        struct wire *w;

        fake_reset(&F, "test.ex");
        w = fake_add(&F, "_client._smtp.m.test.ex", 33, DNSQ_OK);
        *w = base;
        for (int k = 0; k < 3; k++) {
            seed = seed * 1103515245u + 12345u;
            w->b[(seed >> 8) % w->n] = (unsigned char)(seed >> 24);
        }
        if (run("m.test.ex", "192.0.2.1", NULL, &r) != EVAL_DONE ||
            !is_vocab(r.status, r.reason) ||
            memchr(r.record, '\0', sizeof(r.record)) == NULL)
            bad++;
        else if (strcmp(r.status, "ok") == 0)
            seen_ok++;
        else
            seen_other++;
    }
    CHECK_INTEQ(bad, 0);
    CHECK(seen_ok > 0);
    CHECK(seen_other > 0);
}

/* test_foreign_answer_ttl - an answer the transport calls OK that holds no
 * record for the question (here an SRV of another name, TTL 7) is an error
 * and gives the verdict no TTL: csa.c took the foreign record's TTL (the
 * verdict cached for 7 s), dna.c none; the shared fetch (csvfetch.c) keeps
 * dna.c's rule, the TTL of the status actually used. */
static void test_foreign_answer_ttl(void)
{
    struct wire *w;

    fake_reset(&F, "test.ex");
    w = fake_add(&F, "_client._smtp.fa.test.ex", 33, DNSQ_OK);
    w_srv(w, 1, "_client._smtp.other.test.ex", 7, 1, 2, 0, "fa.test.ex");
    w = fake_add(&F, "_client._smtp.fb.test.ex", 33, DNSQ_OK);
    w_srv(w, 1, "_client._smtp.fb.test.ex", 900, 1, 2, 0, "host-fb.test.ex");
    w = fake_add(&F, "host-fb.test.ex", 1, DNSQ_OK);
    w_addr(w, 1, "elsewhere.test.ex", 5, "192.0.2.9");
    EXPECT("fa.test.ex", "192.0.2.1", NULL, "defer", "srv-lookup-failed");
    CHECK_INTEQ(last.ttl, 0);
    /* the target's foreign A: only the SRV's 900 s count */
    EXPECT("fb.test.ex", "192.0.2.9", NULL, "defer", "addr-lookup-failed");
    CHECK_INTEQ(last.ttl, 900);
}

int main(void)
{
    test_exim_0524();
    test_no_query();
    test_weights();
    test_targets();
    test_srv_failures();
    test_parent_search();
    test_reverse();
    test_unqueryable();
    test_edges();
    test_mutated_answers();
    test_foreign_answer_ttl();
    return CHECK_DONE();
}
