/* SPDX-License-Identifier: MIT */
/*
 * test_dnsmsg - the raw DNS message parser on hand-built wire messages,
 * well-formed and hostile, built with the test encoder in dnswire.h.
 */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "dnsmsg.h"

#include "dnswire.h"

/* ==== the tests ==== */

static struct wire W;

/* parse_w - parse the current W. */
static int parse_w(struct dnsmsg *m)
{
    return dnsmsg_parse(W.b, W.n, m);
}

static void test_basic_srv(void)
{
    struct dnsmsg m;
    const struct dnsrr *v[4];

    w_init(&W, 0, "_client._smtp.CSA1.test.ex", 33);
    w_srv(&W, 1, "_client._smtp.CSA1.test.ex", 3600, 1, 2, 0,
          "csa1.test.ex");
    w_nameref(&W, 2, "test.ex", 2, 7200, "ns.test.ex");
    w_addr(&W, 3, "csa1.test.ex", 300, "10.9.8.7");
    w_addr(&W, 3, "csa1.test.ex", 300, "2001:db8::7");
    CHECK_INTEQ(parse_w(&m), 0);
    CHECK(m.qr && m.aa && m.rd && m.ra && !m.tc);
    CHECK_INTEQ(m.id, 0x1234);
    CHECK_INTEQ(m.rcode, 0);
    CHECK_STREQ(m.qname, "_client._smtp.csa1.test.ex");
    CHECK_INTEQ(m.qtype, 33);
    CHECK_INTEQ(m.nrr, 4);
    CHECK_INTEQ(m.rr[0].section, DNSMSG_AN);
    CHECK_INTEQ(m.rr[1].section, DNSMSG_NS);
    CHECK_INTEQ(m.rr[2].section, DNSMSG_AR);
    CHECK(m.rr[0].ok);
    CHECK_INTEQ(m.rr[0].u.srv.priority, 1);
    CHECK_INTEQ(m.rr[0].u.srv.weight, 2);
    CHECK_INTEQ(m.rr[0].u.srv.port, 0);
    CHECK_STREQ(m.rr[0].u.srv.target, "csa1.test.ex");
    CHECK_STREQ(m.rr[1].u.name, "ns.test.ex");
    CHECK_INTEQ(m.rr[2].u.addr.family, 4);
    CHECK(memcmp(m.rr[2].u.addr.b, "\x0a\x09\x08\x07", 4) == 0);
    CHECK_INTEQ(m.rr[3].u.addr.family, 6);
    CHECK_INTEQ(m.rr[3].u.addr.b[15], 7);
    CHECK_INTEQ(dnsmsg_status(&m, "_client._smtp.csa1.test.ex", 33),
                DNSQ_OK);
    CHECK_INTEQ(dnsmsg_status(&m, "_client._smtp.csa1.test.ex.", 33),
                DNSQ_OK);
    CHECK_INTEQ(dnsmsg_status(&m, NULL, 33), DNSQ_OK);
    /* the question is for another name or type */
    CHECK_INTEQ(dnsmsg_status(&m, "_client._smtp.csa2.test.ex", 33),
                DNSQ_ERROR);
    CHECK_INTEQ(dnsmsg_status(&m, "_client._smtp.csa1.test.ex", 1),
                DNSQ_ERROR);
    CHECK_INTEQ(dnsmsg_cache_ttl(&m, DNSQ_OK), 3600);
    CHECK_INTEQ(dnsmsg_find(&m, "_client._smtp.csa1.test.ex", 33, v, 4), 1);
    CHECK(v[0] == &m.rr[0]);
    /* additional records are not answers */
    CHECK_INTEQ(dnsmsg_find(&m, "csa1.test.ex", 1, v, 4), 0);
    dnsmsg_free(&m);
    CHECK(m.rr == NULL && m.arena == NULL && m.nrr == 0);
    dnsmsg_free(&m); /* twice is harmless */
}

static void test_negative(void)
{
    struct dnsmsg m;

    /* NXDOMAIN with SOA: ttl = min(SOA TTL, MINIMUM) (RFC 2308 §5) */
    w_init(&W, 3, "_client._smtp.nx.test.ex", 33);
    w_soa(&W, "test.ex", 3600, 300);
    CHECK_INTEQ(parse_w(&m), 0);
    CHECK_INTEQ(dnsmsg_status(&m, "_client._smtp.nx.test.ex", 33),
                DNSQ_NXDOMAIN);
    CHECK_INTEQ(dnsmsg_cache_ttl(&m, DNSQ_NXDOMAIN), 300);
    CHECK_STREQ(dnsmsg_soa_owner(&m), "test.ex");
    CHECK_STREQ(m.rr[0].u.soa.mname, "ns.test.ex");
    CHECK_STREQ(m.rr[0].u.soa.rname, "hostmaster.test.ex");
    CHECK_INTEQ(m.rr[0].u.soa.serial, 1);
    CHECK_INTEQ(m.rr[0].u.soa.minimum, 300);
    dnsmsg_free(&m);

    w_init(&W, 0, "nodata.test.ex", 33);
    w_soa(&W, "test.ex", 120, 900);
    CHECK_INTEQ(parse_w(&m), 0);
    CHECK_INTEQ(dnsmsg_status(&m, "nodata.test.ex", 33), DNSQ_NODATA);
    CHECK_INTEQ(dnsmsg_cache_ttl(&m, DNSQ_NODATA), 120);
    dnsmsg_free(&m);

    /* no SOA: nothing to go by */
    w_init(&W, 3, "nx.test.ex", 1);
    CHECK_INTEQ(parse_w(&m), 0);
    CHECK_INTEQ(dnsmsg_status(&m, "nx.test.ex", 1), DNSQ_NXDOMAIN);
    CHECK_INTEQ(dnsmsg_cache_ttl(&m, DNSQ_NXDOMAIN), 0);
    CHECK(dnsmsg_soa_owner(&m) == NULL);
    dnsmsg_free(&m);

    /* root SOA owner is "" */
    w_init(&W, 3, "nx.invalid", 1);
    w_soa(&W, "", 86400, 86400);
    CHECK_INTEQ(parse_w(&m), 0);
    CHECK_STREQ(dnsmsg_soa_owner(&m), "");
    dnsmsg_free(&m);

    /* rcodes */
    static const struct {
        int rcode;
        enum dnsq_status st;
    } rc[] = { { 2, DNSQ_SERVFAIL }, { 5, DNSQ_REFUSED }, { 1, DNSQ_ERROR },
               { 4, DNSQ_ERROR },    { 9, DNSQ_ERROR } };
    for (size_t i = 0; i < sizeof(rc) / sizeof(rc[0]); i++) {
        w_init(&W, rc[i].rcode, "x.test.ex", 1);
        CHECK_INTEQ(parse_w(&m), 0);
        CHECK_INTEQ(dnsmsg_status(&m, "x.test.ex", 1), rc[i].st);
        CHECK_INTEQ(dnsmsg_cache_ttl(&m, rc[i].st), 0);
        dnsmsg_free(&m);
    }

    /* a query (QR clear) is not an answer */
    w_init(&W, 0, "x.test.ex", 1);
    W.b[2] &= 0x7F;
    w_addr(&W, 1, "x.test.ex", 60, "192.0.2.1");
    CHECK_INTEQ(parse_w(&m), 0);
    CHECK(!m.qr);
    CHECK_INTEQ(dnsmsg_status(&m, "x.test.ex", 1), DNSQ_ERROR);
    dnsmsg_free(&m);

    /* truncated (TC) without the answer: not a NODATA */
    w_init(&W, 0, "x.test.ex", 16);
    W.b[2] |= 0x02;
    CHECK_INTEQ(parse_w(&m), 0);
    CHECK(m.tc);
    CHECK_INTEQ(dnsmsg_status(&m, "x.test.ex", 16), DNSQ_ERROR);
    dnsmsg_free(&m);

    /* no question: only NULL qname checks are impossible */
    w_init(&W, 0, NULL, 0);
    CHECK_INTEQ(parse_w(&m), 0);
    CHECK(m.qname == NULL);
    CHECK_INTEQ(dnsmsg_status(&m, NULL, 1), DNSQ_ERROR);
    CHECK_INTEQ(dnsmsg_status(&m, "x.test.ex", 1), DNSQ_ERROR);
    dnsmsg_free(&m);
}

static void test_cname(void)
{
    struct dnsmsg m;
    const struct dnsrr *v[4];

    w_init(&W, 0, "www.test.ex", 1);
    w_nameref(&W, 1, "www.test.ex", 5, 600, "web.test.ex");
    w_nameref(&W, 1, "web.test.ex", 5, 300, "host.test.ex");
    w_addr(&W, 1, "host.test.ex", 900, "192.0.2.9");
    w_addr(&W, 1, "other.test.ex", 10, "192.0.2.10");
    CHECK_INTEQ(parse_w(&m), 0);
    CHECK_INTEQ(dnsmsg_status(&m, "www.test.ex", 1), DNSQ_OK);
    CHECK_INTEQ(dnsmsg_find(&m, "www.test.ex", 1, v, 4), 1);
    CHECK_INTEQ(v[0]->u.addr.b[3], 9);
    CHECK_INTEQ(dnsmsg_find(&m, "www.test.ex", 5, v, 4), 1);
    CHECK_STREQ(v[0]->u.name, "web.test.ex");
    CHECK_INTEQ(dnsmsg_status(&m, "www.test.ex", 28), DNSQ_ERROR);
    CHECK_INTEQ(dnsmsg_cache_ttl(&m, DNSQ_OK), 10);
    dnsmsg_free(&m);

    /* chain without the final record: NODATA */
    w_init(&W, 0, "www.test.ex", 28);
    w_nameref(&W, 1, "www.test.ex", 5, 600, "host.test.ex");
    CHECK_INTEQ(parse_w(&m), 0);
    CHECK_INTEQ(dnsmsg_status(&m, "www.test.ex", 28), DNSQ_NODATA);
    dnsmsg_free(&m);

    /* CNAME loop inside the message terminates */
    w_init(&W, 0, "a.test.ex", 1);
    w_nameref(&W, 1, "a.test.ex", 5, 600, "b.test.ex");
    w_nameref(&W, 1, "b.test.ex", 5, 600, "a.test.ex");
    CHECK_INTEQ(parse_w(&m), 0);
    CHECK_INTEQ(dnsmsg_status(&m, "a.test.ex", 1), DNSQ_NODATA);
    dnsmsg_free(&m);
}

static void test_txt_ptr(void)
{
    struct dnsmsg m;
    char big[256];

    w_init(&W, 0, "h.test.ex.dnswl.test", 16);
    w_txt(&W, 1, "h.test.ex.dnswl.test", 60, "MARID,1,", "A;info", NULL);
    w_txt(&W, 1, "h.test.ex.dnswl.test", 60, "", NULL);
    CHECK_INTEQ(parse_w(&m), 0);
    CHECK(m.rr[0].ok);
    CHECK_INTEQ(m.rr[0].u.txt.len, 14);
    CHECK_STREQ(m.rr[0].u.txt.data, "MARID,1,A;info");
    CHECK(!m.rr[0].u.txt.truncated);
    CHECK(m.rr[1].ok);
    CHECK_INTEQ(m.rr[1].u.txt.len, 0);
    dnsmsg_free(&m);

    /* 20 strings of 255 bytes: joined and capped at DNSMSG_TXT_MAX - 1 */
    memset(big, 'x', 255);
    big[255] = '\0';
    w_init(&W, 0, "t.test.ex", 16);
    w_rr_begin(&W, 1, "t.test.ex", 16, 60);
    for (int i = 0; i < 20; i++) {
        w_u8(&W, 255);
        for (int j = 0; j < 255; j++)
            w_u8(&W, (unsigned char)big[j]);
    }
    w_rr_end(&W);
    CHECK_INTEQ(parse_w(&m), 0);
    CHECK(m.rr[0].ok);
    CHECK(m.rr[0].u.txt.truncated);
    CHECK_INTEQ(m.rr[0].u.txt.len, DNSMSG_TXT_MAX - 1);
    dnsmsg_free(&m);

    /* empty TXT rdata and a string running past the rdata: not decoded,
     * message still fine */
    w_init(&W, 0, "t.test.ex", 16);
    w_rr_begin(&W, 1, "t.test.ex", 16, 60);
    w_rr_end(&W);
    w_rr_begin(&W, 1, "t.test.ex", 16, 60);
    w_u8(&W, 5);
    w_u8(&W, 'a');
    w_rr_end(&W);
    CHECK_INTEQ(parse_w(&m), 0);
    CHECK_INTEQ(m.nrr, 2);
    CHECK(!m.rr[0].ok);
    CHECK(!m.rr[1].ok);
    dnsmsg_free(&m);

    w_init(&W, 0, "h.test.ex", 12);
    w_nameref(&W, 1, "h.test.ex", 12, 60, "_VOUCH._SMTP.Accreditor.Test");
    CHECK_INTEQ(parse_w(&m), 0);
    CHECK_STREQ(m.rr[0].u.name, "_vouch._smtp.accreditor.test");
    dnsmsg_free(&m);
}

static void test_bad_rdata(void)
{
    struct dnsmsg m;

    w_init(&W, 0, "_client._smtp.x.test.ex", 33);
    /* SRV with 4 bytes of rdata (Exim skips < 6) */
    w_rr_begin(&W, 1, "_client._smtp.x.test.ex", 33, 60);
    w_u16(&W, 1);
    w_u16(&W, 2);
    w_rr_end(&W);
    /* A with 5 bytes, AAAA with 4 */
    w_rr_begin(&W, 3, "x.test.ex", 1, 60);
    w_u32(&W, 1);
    w_u8(&W, 1);
    w_rr_end(&W);
    w_rr_begin(&W, 3, "x.test.ex", 28, 60);
    w_u32(&W, 1);
    w_rr_end(&W);
    /* SRV whose target runs past the rdata */
    w_rr_begin(&W, 1, "_client._smtp.x.test.ex", 33, 60);
    w_u16(&W, 1);
    w_u16(&W, 2);
    w_u16(&W, 0);
    w_u8(&W, 3);
    w_u8(&W, 'a');
    w_rr_end(&W);
    /* an unknown type is kept undecoded */
    w_rr_begin(&W, 3, "x.test.ex", 99, 60);
    w_u8(&W, 7);
    w_rr_end(&W);
    CHECK_INTEQ(parse_w(&m), 0);
    CHECK_INTEQ(m.nrr, 5);
    for (size_t i = 0; i < m.nrr; i++)
        CHECK_MSG(!m.rr[i].ok, "rr %zu", i);
    CHECK_INTEQ(m.rr[4].type, 99);
    CHECK_INTEQ(m.rr[4].rdlen, 1);
    CHECK_INTEQ(m.rr[4].rdata[0], 7);
    dnsmsg_free(&m);

    /* SRV of exactly 6 bytes: the numbers, no target (issue 11) */
    w_init(&W, 0, "_client._smtp.x.test.ex", 33);
    w_rr_begin(&W, 1, "_client._smtp.x.test.ex", 33, 60);
    w_u16(&W, 1);
    w_u16(&W, 3);
    w_u16(&W, 1);
    w_rr_end(&W);
    CHECK_INTEQ(parse_w(&m), 0);
    CHECK_INTEQ(m.nrr, 1);
    CHECK(m.rr[0].ok);
    CHECK_INTEQ(m.rr[0].u.srv.priority, 1);
    CHECK_INTEQ(m.rr[0].u.srv.weight, 3);
    CHECK_INTEQ(m.rr[0].u.srv.port, 1);
    CHECK(m.rr[0].u.srv.target == NULL);
    dnsmsg_free(&m);

    /* TTL with the top bit set counts as 0 (RFC 2181 §8) */
    w_init(&W, 0, "x.test.ex", 1);
    w_addr(&W, 1, "x.test.ex", 0x80000001u, "192.0.2.1");
    CHECK_INTEQ(parse_w(&m), 0);
    CHECK_INTEQ(m.rr[0].ttl, 0);
    dnsmsg_free(&m);
}

static void test_truncations(void)
{
    struct dnsmsg m;
    size_t full;
    int bad = 0;

    w_init(&W, 0, "_client._smtp.csa1.test.ex", 33);
    w_srv(&W, 1, "_client._smtp.csa1.test.ex", 3600, 1, 2, 0,
          "csa1.test.ex");
    w_soa(&W, "test.ex", 3600, 300);
    w_addr(&W, 3, "csa1.test.ex", 300, "10.9.8.7");
    full = W.n;
    CHECK_INTEQ(dnsmsg_parse(W.b, full, &m), 0);
    dnsmsg_free(&m);
    /* every shorter prefix fails cleanly (and never reads past it: run
     * under valgrind/ASan) */
    for (size_t len = 0; len < full; len++) {
        unsigned char cut[WIRE_MAX];
        int rc;

        memcpy(cut, W.b, len);
        rc = dnsmsg_parse(cut, len, &m);
        if (rc >= 0 || m.rr != NULL)
            bad++;
        dnsmsg_free(&m);
    }
    CHECK_INTEQ(bad, 0);
    CHECK_INTEQ(dnsmsg_parse(NULL, 0, &m), DNSMSG_ETRUNC);
    /* trailing bytes after the last RR are ignored */
    W.b[W.n++] = 0xAB;
    CHECK_INTEQ(parse_w(&m), 0);
    dnsmsg_free(&m);
}

static void test_counts(void)
{
    struct dnsmsg m;

    /* ancount 1000 in a 60-byte message */
    w_init(&W, 0, "x.test.ex", 1);
    w_addr(&W, 1, "x.test.ex", 60, "192.0.2.1");
    w_set16(&W, 6, 1000);
    CHECK_INTEQ(parse_w(&m), DNSMSG_ECOUNT);
    /* arcount 0xFFFF */
    w_set16(&W, 6, 1);
    w_set16(&W, 10, 0xFFFF);
    CHECK_INTEQ(parse_w(&m), DNSMSG_ECOUNT);
    /* two questions */
    w_set16(&W, 10, 0);
    w_set16(&W, 4, 2);
    CHECK_INTEQ(parse_w(&m), DNSMSG_ECOUNT);
    /* the counts fit the length but an rdlength runs past the end */
    w_init(&W, 0, "x.test.ex", 1);
    w_set16(&W, 6, 2);
    for (int i = 0; i < 9; i++)
        w_u8(&W, 0);
    w_u16(&W, 200);
    for (int i = 0; i < 11; i++)
        w_u8(&W, 0);
    CHECK_INTEQ(parse_w(&m), DNSMSG_ETRUNC);
    CHECK(m.rr == NULL && m.arena == NULL);

    /* 512 records are fine, 600 real ones are over the cap */
    w_init(&W, 0, "x", 1);
    for (int i = 0; i < 512; i++)
        w_addr(&W, 1, "x", 60, "192.0.2.1");
    CHECK_INTEQ(parse_w(&m), 0);
    CHECK_INTEQ(m.nrr, 512);
    CHECK_INTEQ(dnsmsg_status(&m, "x", 1), DNSQ_OK);
    dnsmsg_free(&m);
    w_init(&W, 0, "x", 1);
    for (int i = 0; i < 600; i++)
        w_addr(&W, 1 + i % 3, "x", 60, "192.0.2.1");
    CHECK(W.n < WIRE_MAX);
    CHECK_INTEQ(parse_w(&m), DNSMSG_ECOUNT);
    CHECK(m.rr == NULL);
}

/* hdr_raw - a response header without a question and an answers. */
static void hdr_raw(struct wire *w, uint16_t an)
{
    w->n = 0;
    w_u16(w, 1);
    w_u16(w, 0x8180);
    w_u16(w, 0);
    w_u16(w, an);
    w_u16(w, 0);
    w_u16(w, 0);
}

static void test_names(void)
{
    struct dnsmsg m;
    char l63[64];

    /* compression pointer to an earlier name: fine */
    w_init(&W, 0, "host.test.ex", 1);
    W.b[W.n++] = 0xC0;
    W.b[W.n++] = 12; /* -> the question name */
    w_set16(&W, 6, 1);
    w_u16(&W, 1);
    w_u16(&W, 1);
    w_u32(&W, 60);
    w_u16(&W, 4);
    w_u32(&W, 0xC0000201u);
    CHECK_INTEQ(parse_w(&m), 0);
    CHECK_STREQ(m.rr[0].owner, "host.test.ex");
    CHECK_INTEQ(dnsmsg_status(&m, "host.test.ex", 1), DNSQ_OK);
    dnsmsg_free(&m);

    /* label + pointer into the middle of an earlier name */
    w_init(&W, 0, "host.test.ex", 1);
    w_set16(&W, 6, 1);
    w_u8(&W, 3);
    w_u8(&W, 'w');
    w_u8(&W, 'w');
    w_u8(&W, 'w');
    W.b[W.n++] = 0xC0;
    W.b[W.n++] = 12 + 5; /* -> "test.ex" */
    w_u16(&W, 1);
    w_u16(&W, 1);
    w_u32(&W, 60);
    w_u16(&W, 4);
    w_u32(&W, 0xC0000201u);
    CHECK_INTEQ(parse_w(&m), 0);
    CHECK_STREQ(m.rr[0].owner, "www.test.ex");
    dnsmsg_free(&m);

    /* a pointer to itself (loop) */
    hdr_raw(&W, 1);
    W.b[W.n++] = 0xC0;
    W.b[W.n++] = 12;
    for (int i = 0; i < 14; i++)
        w_u8(&W, 0);
    CHECK_INTEQ(parse_w(&m), DNSMSG_ENAME);

    /* forward pointer */
    hdr_raw(&W, 1);
    W.b[W.n++] = 0xC0;
    W.b[W.n++] = 20;
    for (int i = 0; i < 14; i++)
        w_u8(&W, 0);
    CHECK_INTEQ(parse_w(&m), DNSMSG_ENAME);

    /* two names pointing at each other: the second points backwards to
     * the first, which points forwards to the second */
    hdr_raw(&W, 1);
    w_set16(&W, 4, 1);
    W.b[W.n++] = 0xC0; /* question name at 12 -> 18 */
    W.b[W.n++] = 18;
    w_u16(&W, 1);
    w_u16(&W, 1);
    W.b[W.n++] = 0xC0; /* owner at 18 -> 12 */
    W.b[W.n++] = 12;
    for (int i = 0; i < 10; i++)
        w_u8(&W, 0);
    CHECK_INTEQ(parse_w(&m), DNSMSG_ENAME);

    /* a name that jumps forwards into a name that jumps back to it: the
     * owner at 12 is "b" + pointer to 17, and 17 is "a" + pointer to 12 */
    hdr_raw(&W, 1);
    w_u8(&W, 1); /* 12 */
    w_u8(&W, 'b');
    W.b[W.n++] = 0xC0;
    W.b[W.n++] = 17;
    w_u8(&W, 0); /* 16 */
    w_u8(&W, 1); /* 17 */
    w_u8(&W, 'a');
    W.b[W.n++] = 0xC0;
    W.b[W.n++] = 12;
    for (int i = 0; i < 10; i++)
        w_u8(&W, 0);
    CHECK_INTEQ(parse_w(&m), DNSMSG_ENAME);

    /* extended label types 0x40 and 0x80 */
    hdr_raw(&W, 1);
    w_u8(&W, 0x41);
    w_u8(&W, 'a');
    w_u8(&W, 0);
    for (int i = 0; i < 10; i++)
        w_u8(&W, 0);
    CHECK_INTEQ(parse_w(&m), DNSMSG_ENAME);
    W.b[12] = 0x81;
    CHECK_INTEQ(parse_w(&m), DNSMSG_ENAME);

    /* 255 wire octets is the maximum, 257 too much */
    memset(l63, 'a', 63);
    l63[63] = '\0';
    {
        char name[300];
        struct dnsmsg m2;

        snprintf(name, sizeof(name), "%s.%s.%s.%.61s", l63, l63, l63, l63);
        w_init(&W, 0, name, 1);
        CHECK_INTEQ(parse_w(&m2), 0);
        CHECK_INTEQ(strlen(m2.qname), 253);
        dnsmsg_free(&m2);
        snprintf(name, sizeof(name), "%s.%s.%s.%.62s", l63, l63, l63, l63);
        w_init(&W, 0, name, 1);
        CHECK_INTEQ(parse_w(&m2), DNSMSG_ENAME);
        /* long through compression: 200 octets of labels + a pointer to
         * a 100-octet name */
        snprintf(name, sizeof(name), "%s.%.34s", l63, l63); /* 100 octets */
        w_init(&W, 0, name, 1);
        w_set16(&W, 6, 1);
        for (int i = 0; i < 3; i++) {
            w_u8(&W, 63);
            for (int j = 0; j < 63; j++)
                w_u8(&W, 'b');
        }
        W.b[W.n++] = 0xC0;
        W.b[W.n++] = 12;
        w_u16(&W, 1);
        w_u16(&W, 1);
        w_u32(&W, 60);
        w_u16(&W, 4);
        w_u32(&W, 1);
        CHECK_INTEQ(parse_w(&m2), DNSMSG_ENAME);
    }

    /* case folded, odd bytes escaped, root is "" */
    w_init(&W, 0, NULL, 0);
    w_set16(&W, 6, 2);
    w_u8(&W, 4);
    w_u8(&W, 'A');
    w_u8(&W, '.');
    w_u8(&W, ' ');
    w_u8(&W, 0);
    w_u8(&W, 2);
    w_u8(&W, 'E');
    w_u8(&W, 'x');
    w_u8(&W, 0);
    w_u16(&W, 1);
    w_u16(&W, 1);
    w_u32(&W, 60);
    w_u16(&W, 4);
    w_u32(&W, 1);
    w_u8(&W, 0); /* root owner */
    w_u16(&W, 2);
    w_u16(&W, 1);
    w_u32(&W, 60);
    w_u16(&W, 1);
    w_u8(&W, 0);
    CHECK_INTEQ(parse_w(&m), 0);
    CHECK_STREQ(m.rr[0].owner, "a\\046\\032\\000.ex");
    CHECK_STREQ(m.rr[1].owner, "");
    CHECK_STREQ(m.rr[1].u.name, "");
    CHECK(m.rr[1].ok);
    dnsmsg_free(&m);
}

static void test_helpers(void)
{
    CHECK(dnsname_eq("A.b.", "a.B"));
    CHECK(dnsname_eq("", "."));
    CHECK(dnsname_eq("x.test.ex", "X.TEST.EX."));
    CHECK(!dnsname_eq("x.test.ex", "x.test.e"));
    CHECK(!dnsname_eq("x.test.ex", "y.test.ex"));
    CHECK(!dnsname_eq(NULL, "a"));
    for (int s = DNSQ_OK; s <= DNSQ_ERROR; s++)
        CHECK_INTEQ(dnsq_status_from_name(dnsq_status_name(s)), s);
    CHECK_STREQ(dnsq_status_name(DNSQ_NXDOMAIN), "nxdomain");
    CHECK_STREQ(dnsq_status_name(DNSQ_TIMEOUT), "timeout");
    CHECK_STREQ(dnsq_status_name((enum dnsq_status)42), "error");
    CHECK_INTEQ(dnsq_status_from_name("bogus"), DNSQ_ERROR);
    CHECK_STREQ(dnsmsg_strerror(DNSMSG_ENAME),
                "bad name (label type, pointer or length)");
}

/* A deterministic stream of mutated messages: never a crash, a leak or an
 * out-of-bounds read (the point of running this under valgrind/ASan). */
static void test_mutations(void)
{
    struct wire base;
    uint32_t seed = 12345;
    int ok = 0, fail = 0;

    w_init(&base, 0, "_client._smtp.csa1.test.ex", 33);
    w_srv(&base, 1, "_client._smtp.csa1.test.ex", 3600, 1, 2, 0,
          "csa1.test.ex");
    w_txt(&base, 1, "_client._smtp.csa1.test.ex", 60, "MARID,1,A", NULL);
    w_soa(&base, "test.ex", 3600, 300);
    w_addr(&base, 3, "csa1.test.ex", 300, "10.9.8.7");
    for (int iter = 0; iter < 20000; iter++) {
        struct dnsmsg m;
        int nflip;

        W = base;
        seed = seed * 1103515245u + 12345u;
        nflip = 1 + (int)((seed >> 16) % 4);
        for (int k = 0; k < nflip; k++) {
            seed = seed * 1103515245u + 12345u;
            W.b[(seed >> 8) % W.n] = (unsigned char)(seed >> 24);
        }
        if (dnsmsg_parse(W.b, W.n, &m) == 0) {
            ok++;
            (void)dnsmsg_status(&m, NULL, 33);
            (void)dnsmsg_cache_ttl(&m, DNSQ_OK);
            (void)dnsmsg_cache_ttl(&m, DNSQ_NXDOMAIN);
        } else {
            fail++;
        }
        dnsmsg_free(&m);
    }
    CHECK(ok > 0);
    CHECK(fail > 0);
}

int main(void)
{
    test_basic_srv();
    test_negative();
    test_cname();
    test_txt_ptr();
    test_bad_rdata();
    test_truncations();
    test_counts();
    test_names();
    test_helpers();
    test_mutations();
    return CHECK_DONE();
}
