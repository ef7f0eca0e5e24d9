/* SPDX-License-Identifier: MIT */
/*
 * test_dna - DNA evaluation over hand-built DNS answers: grades A..E, junk
 * and multi-string TXT, listed services from _vouch._smtp PTRs, the
 * combination rules and the defer paths.
 */
#include "check.h"
#include "dnswire.h"

#include "dna.h"

static struct fake F;
static int rounds;
static struct dna_result R;

static int run(const char *helo, const struct dna_opts *o)
{
    for (rounds = 0; rounds < 20; rounds++) {
        int rc = dna_evaluate(helo, o, fake_lookup, &F, &R);

        if (rc == EVAL_DONE)
            return rc;
        if (rc != EVAL_PENDING || fake_round(&F) == 0)
            return -1;
    }
    return -1;
}

/* txt - one report TXT answer for name (NULL s: NXDOMAIN by default). */
static void txt(const char *name, const char *s)
{
    struct wire *w = fake_add(&F, name, 16, DNSQ_OK);

    w_txt(w, 1, name, 300, s, NULL);
}

static void test_parse_report(void)
{
    static const struct {
        const char *s;
        bool ok;
        char grade;
        const char *info;
    } v[] = {
        { "MARID,1,A", true, 'A', "" },
        { "marid,1,b", true, 'B', "" },
        { "MaRiD,1,C;", true, 'C', "" },
        { "MARID,1,D;listed 2005-06-01", true, 'D', "listed 2005-06-01" },
        { "MARID,1,E;x;y", true, 'E', "x;y" },
        { "MARID,1,F", false, 0, NULL },
        { "MARID,2,A", false, 0, NULL },
        { "MARID,01,A", false, 0, NULL },
        { "MARID,1,AB", false, 0, NULL },
        { "MARID,1,", false, 0, NULL },
        { "MARID ,1,A", false, 0, NULL },
        { " MARID,1,A", false, 0, NULL },
        { "OTHER,1,A", false, 0, NULL },
        { "v=spf1 -all", false, 0, NULL },
        { "", false, 0, NULL },
    };
    char info[32];
    char g;

    for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
        bool ok;

        g = 0;
        ok = dna_parse_report(v[i].s, strlen(v[i].s), &g, info, sizeof(info));
        CHECK_MSG(ok == v[i].ok, "\"%s\"", v[i].s);
        if (ok && v[i].ok) {
            CHECK_INTEQ(g, v[i].grade);
            CHECK_STREQ(info, v[i].info);
        }
    }
    /* info bounded */
    CHECK(dna_parse_report("MARID,1,A;0123456789abcdefghij", 30, &g, info,
                           16));
    CHECK_STREQ(info, "0123456789abcde");
    /* length, not NUL, bounds the string */
    CHECK(!dna_parse_report("MARID,1,A", 8, &g, info, sizeof(info)));
}

static void test_grades(void)
{
    static const char *const one[] = { "dnswl.test" };
    struct dna_opts o = { one, 1, false };
    static const struct {
        const char *txt;
        const char *status;
        char grade;
    } v[] = {
        { "MARID,1,A", "recommended", 'A' },
        { "MARID,1,B;ok", "recommended", 'B' },
        { "MARID,1,C", "unknown", 'C' },
        { "MARID,1,D", "not-recommended", 'D' },
        { "marid,1,e;spam", "not-recommended", 'E' },
        { "junk", "unknown", 0 },
    };

    for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
        fake_reset(&F, "dnswl.test");
        txt("mail.example.com.dnswl.test", v[i].txt);
        CHECK_INTEQ(run("Mail.Example.COM.", &o), EVAL_DONE);
        CHECK_STREQ(R.status, v[i].status);
        CHECK_INTEQ(R.grade, v[i].grade);
        CHECK_INTEQ(R.n, 1);
        CHECK_STREQ(R.svc[0].service, "dnswl.test");
        CHECK_STREQ(R.svc[0].status, v[i].grade ? "report" : "none");
        CHECK_STREQ(R.svc[0].level, v[i].grade ? "1" : "");
        CHECK_STREQ(R.service, v[i].grade ? "dnswl.test" : "");
        CHECK_INTEQ(R.ttl, 300);
        CHECK_INTEQ(rounds, 1);
        CHECK_STREQ(R.ptr_status, "");
    }
    CHECK_STREQ(R.svc[0].info, "");
    fake_reset(&F, "dnswl.test");
    txt("mail.example.com.dnswl.test", "MARID,1,E;spam");
    run("mail.example.com", &o);
    CHECK_STREQ(R.svc[0].info, "spam");

    /* no record at all */
    fake_reset(&F, "dnswl.test");
    CHECK_INTEQ(run("mail.example.com", &o), EVAL_DONE);
    CHECK_STREQ(R.status, "unknown");
    CHECK_STREQ(R.svc[0].status, "none");
    CHECK_INTEQ(R.ttl, 300); /* NXDOMAIN: SOA minimum */
}

static void test_txt_forms(void)
{
    static const char *const one[] = { "dnswl.test" };
    struct dna_opts o = { one, 1, false };
    struct wire *w;

    /* multi-string TXT joined first; other records ignored; the worst of
     * several reports counts */
    fake_reset(&F, "dnswl.test");
    w = fake_add(&F, "h.example.com.dnswl.test", 16, DNSQ_OK);
    w_txt(w, 1, "h.example.com.dnswl.test", 60, "v=spf1", " -all", NULL);
    w_txt(w, 1, "h.example.com.dnswl.test", 60, "MAR", "ID,1", ",B;x", NULL);
    CHECK_INTEQ(run("h.example.com", &o), EVAL_DONE);
    CHECK_STREQ(R.status, "recommended");
    CHECK_INTEQ(R.grade, 'B');
    CHECK_STREQ(R.svc[0].info, "x");

    fake_reset(&F, "dnswl.test");
    w = fake_add(&F, "h.example.com.dnswl.test", 16, DNSQ_OK);
    w_txt(w, 1, "h.example.com.dnswl.test", 60, "MARID,1,A", NULL);
    w_txt(w, 1, "h.example.com.dnswl.test", 60, "MARID,1,D;bad", NULL);
    w_txt(w, 1, "h.example.com.dnswl.test", 60, "MARID,1,B", NULL);
    CHECK_INTEQ(run("h.example.com", &o), EVAL_DONE);
    CHECK_STREQ(R.status, "not-recommended");
    CHECK_INTEQ(R.grade, 'D');
    CHECK_STREQ(R.svc[0].info, "bad");

    /* a TXT with a NUL byte and control characters: junk, ignored */
    fake_reset(&F, "dnswl.test");
    w = fake_add(&F, "h.example.com.dnswl.test", 16, DNSQ_OK);
    w_rr_begin(w, 1, "h.example.com.dnswl.test", 16, 60);
    w_u8(w, 10);
    for (const char *p = "MARID\0001,A\x1b"; p < "MARID\0001,A\x1b" + 10; p++)
        w_u8(w, (unsigned char)*p);
    w_rr_end(w);
    CHECK_INTEQ(run("h.example.com", &o), EVAL_DONE);
    CHECK_STREQ(R.status, "unknown");
    CHECK_STREQ(R.svc[0].status, "none");
}

static void test_combine(void)
{
    static const char *const three[] = { "a.test", "B.Test.", "c.test" };
    struct dna_opts o = { three, 3, false };

    /* A + D: any D/E wins */
    fake_reset(&F, "-");
    txt("h.example.com.a.test", "MARID,1,A");
    txt("h.example.com.b.test", "MARID,1,D");
    CHECK_INTEQ(run("h.example.com", &o), EVAL_DONE);
    CHECK_STREQ(R.status, "not-recommended");
    CHECK_STREQ(R.service, "b.test");
    CHECK_INTEQ(R.grade, 'D');
    CHECK_INTEQ(R.n, 3);
    CHECK_STREQ(R.svc[2].status, "none");
    CHECK_INTEQ(rounds, 1); /* every service asked in one round */
    CHECK_INTEQ(F.queries, 3);
    /* D then E: the worst names the service */
    fake_reset(&F, "-");
    txt("h.example.com.a.test", "MARID,1,D");
    txt("h.example.com.c.test", "MARID,1,E");
    run("h.example.com", &o);
    CHECK_STREQ(R.service, "c.test");
    CHECK_INTEQ(R.grade, 'E');
    /* C + B: best is B */
    fake_reset(&F, "-");
    txt("h.example.com.a.test", "MARID,1,C");
    txt("h.example.com.c.test", "MARID,1,B");
    run("h.example.com", &o);
    CHECK_STREQ(R.status, "recommended");
    CHECK_STREQ(R.service, "c.test");
    /* C + timeout: defer */
    fake_reset(&F, "-");
    txt("h.example.com.a.test", "MARID,1,C");
    fake_add(&F, "h.example.com.b.test", 16, DNSQ_TIMEOUT);
    run("h.example.com", &o);
    CHECK_STREQ(R.status, "defer");
    CHECK_STREQ(R.svc[1].status, "defer");
    CHECK_INTEQ(R.grade, 0);
    /* A + SERVFAIL: still recommended */
    fake_reset(&F, "-");
    txt("h.example.com.a.test", "MARID,1,A");
    fake_add(&F, "h.example.com.b.test", 16, DNSQ_SERVFAIL);
    run("h.example.com", &o);
    CHECK_STREQ(R.status, "recommended");
    /* E + REFUSED: not-recommended */
    fake_reset(&F, "-");
    txt("h.example.com.a.test", "MARID,1,E");
    fake_add(&F, "h.example.com.c.test", 16, DNSQ_REFUSED);
    run("h.example.com", &o);
    CHECK_STREQ(R.status, "not-recommended");
    /* C only: unknown with the C named */
    fake_reset(&F, "-");
    txt("h.example.com.b.test", "MARID,1,C");
    run("h.example.com", &o);
    CHECK_STREQ(R.status, "unknown");
    CHECK_INTEQ(R.grade, 'C');
    CHECK_STREQ(R.service, "b.test");
}

static void test_no_query(void)
{
    static const char *const one[] = { "dnswl.test" };
    static const char *const bad[] = { "bad service", NULL, "x" };
    struct dna_opts o = { one, 1, true };
    struct dna_opts ob = { bad, 3, false };
    struct dna_opts none = { NULL, 0, false };
    static const char *const helos[] = { NULL, "", "localhost", "[192.0.2.1]",
                                         "192.0.2.1", "a..b",
                                         "<b>x</b>.example" };

    fake_reset(&F, "-");
    for (size_t i = 0; i < sizeof(helos) / sizeof(helos[0]); i++) {
        CHECK_INTEQ(run(helos[i], &o), EVAL_DONE);
        CHECK_STREQ(R.status, "unknown");
        CHECK_INTEQ(R.n, 0);
    }
    CHECK_INTEQ(run("h.example.com", &none), EVAL_DONE);
    CHECK_STREQ(R.status, "unknown");
    CHECK_INTEQ(run("h.example.com", NULL), EVAL_DONE);
    /* services that are not names are never queried */
    CHECK_INTEQ(run("h.example.com", &ob), EVAL_DONE);
    CHECK_INTEQ(R.n, 0);
    CHECK_INTEQ(F.lookups, 0);
}

static void test_listed(void)
{
    static const char *const one[] = { "dnswl.test" };
    struct dna_opts o = { one, 1, true };
    struct dna_opts only = { NULL, 0, true };
    struct wire *w;
    char longsvc[300];

    fake_reset(&F, "-");
    w = fake_add(&F, "h.example.com", 12, DNSQ_OK);
    w_nameref(w, 1, "h.example.com", 12, 120, "_VOUCH._SMTP.Vouch.Test");
    w_nameref(w, 1, "h.example.com", 12, 120, "_vouch._smtp.dnswl.test");
    w_nameref(w, 1, "h.example.com", 12, 120, "mail.example.com"); /* no */
    w_nameref(w, 1, "h.example.com", 12, 120, "_vouch._smtp.x"); /* no */
    txt("h.example.com.vouch.test", "MARID,1,A");
    txt("h.example.com.dnswl.test", "MARID,1,C");
    CHECK_INTEQ(run("h.example.com", &o), EVAL_DONE);
    CHECK_STREQ(R.ptr_status, "ok");
    CHECK_INTEQ(R.n, 2);
    CHECK_STREQ(R.svc[0].service, "dnswl.test");
    CHECK(!R.svc[0].listed);
    CHECK_STREQ(R.svc[1].service, "vouch.test");
    CHECK(R.svc[1].listed);
    CHECK_STREQ(R.status, "recommended");
    CHECK_STREQ(R.service, "vouch.test");
    CHECK_INTEQ(rounds, 2); /* PTR + configured, then the listed TXT */
    CHECK_INTEQ(R.ttl, 120);

    /* PTR lookup failure with nothing else: defer */
    fake_reset(&F, "-");
    fake_add(&F, "h.example.com", 12, DNSQ_TIMEOUT);
    CHECK_INTEQ(run("h.example.com", &only), EVAL_DONE);
    CHECK_STREQ(R.ptr_status, "defer");
    CHECK_STREQ(R.status, "defer");
    /* ... but a recommendation still counts */
    fake_reset(&F, "-");
    fake_add(&F, "h.example.com", 12, DNSQ_SERVFAIL);
    txt("h.example.com.dnswl.test", "MARID,1,B");
    run("h.example.com", &o);
    CHECK_STREQ(R.status, "recommended");
    /* no PTR */
    fake_reset(&F, "-");
    run("h.example.com", &only);
    CHECK_STREQ(R.ptr_status, "none");
    CHECK_STREQ(R.status, "unknown");

    /* too many listed services: capped at DNA_MAX_SERVICES */
    fake_reset(&F, "-");
    w = fake_add(&F, "h.example.com", 12, DNSQ_OK);
    for (int i = 0; i < 40; i++) {
        char t[64];

        snprintf(t, sizeof(t), "_vouch._smtp.s%d.test", i);
        w_nameref(w, 1, "h.example.com", 12, 120, t);
    }
    CHECK_INTEQ(run("h.example.com", &only), EVAL_DONE);
    CHECK_INTEQ(R.n, DNA_MAX_SERVICES);
    CHECK_INTEQ(F.queries, 1 + DNA_MAX_SERVICES);

    /* "<helo>.<service>" over 253 bytes is not queried */
    {
        char l60[61];

        memset(l60, 'a', 60);
        l60[60] = '\0';
        /* 4 x 60 + 4 dots + "test" = 248 bytes: a valid name */
        snprintf(longsvc, sizeof(longsvc), "%s.%s.%s.%s.test", l60, l60, l60,
                 l60);
    }
    {
        const char *const l[] = { longsvc };
        struct dna_opts ol = { l, 1, false };

        fake_reset(&F, "-");
        CHECK_INTEQ(run("host.example.com", &ol), EVAL_DONE);
        CHECK_INTEQ(R.n, 1);
        CHECK_STREQ(R.svc[0].status, "none");
        CHECK_INTEQ(F.lookups, 0);
    }
}

int main(void)
{
    test_parse_report();
    test_grades();
    test_txt_forms();
    test_combine();
    test_no_query();
    test_listed();
    return CHECK_DONE();
}
