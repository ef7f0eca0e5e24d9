/* SPDX-License-Identifier: MIT */
/*
 * test_sendmail - table-driven tests of the Sendmail parser
 * (parsers/sendmail.c): client fields, relay= shapes, the last-relay=
 * injection rule, dispositions, queue IDs, merging per process, the HELO
 * of "invalid domain name", programs that are not the MTA, skip reasons and
 * probe.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "parser.h"
#include "sendmail.h"
#include "session.h"
#include "tstamp.h"

#define HARNESS_FORMAT hv_format_sendmail
#include "parser_harness.h"

/* ==== Client fields ==== */

static void test_client_parse(void)
{
    static const struct {
        const char *in;
        const char *ip;     /* NULL: must not parse */
        const char *rdns;   /* "" when none */
        int forged;
    } t[] = {
        {"host.example [192.0.2.1]", "192.0.2.1", "host.example", 0},
        {"host.example [192.0.2.1], reject=550", "192.0.2.1", "host.example", 0},
        {"[192.0.2.2]", "192.0.2.2", "", 0},
        {"[192.0.2.2] [192.0.2.2]", "192.0.2.2", "", 0},
        {"ident@host.example [192.0.2.3]", "192.0.2.3", "host.example", 0},
        {"host.example [192.0.2.4] (may be forged)", "192.0.2.4", "", 1},
        {" [209.15.212.253] due to", "209.15.212.253", "", 0},
        {"example.com [IPv6:2001:DB8::1] did not", "2001:db8::1", "example.com", 0},
        {"[2001:db8::5]", "2001:db8::5", "", 0},
        {"[192.0.2.6]: possible SMTP attack", "192.0.2.6", "", 0},
        {"local", NULL, NULL, 0},
        {"root@localhost", NULL, NULL, 0},
        {"[ip4.ip4]", NULL, NULL, 0},
        {"host [192.0.2.7]x", NULL, NULL, 0},
        {"", NULL, NULL, 0},
    };
    for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
        struct hv_sendmail_client c;
        bool ok = hv_sendmail_client_parse(t[i].in, strlen(t[i].in), &c);
        CHECK_MSG(ok == (t[i].ip != NULL), "client %zu: %s", i, t[i].in);
        if (!ok || t[i].ip == NULL)
            continue;
        char ip[46], rdns[256];
        hv_addr_format(&c.addr, ip);
        CHECK_STREQ(ip, t[i].ip);
        snprintf(rdns, sizeof(rdns), "%.*s", (int)c.rdns_len,
                 c.rdns ? c.rdns : "");
        CHECK_STREQ(rdns, t[i].rdns);
        CHECK_INTEQ(c.forged, t[i].forged);
    }
}

/* ==== One line, one session ==== */

struct one {
    const char *line;
    const char *ip;        /* NULL: no session */
    const char *rdns;
    const char *helo;      /* NULL: no HELO */
    unsigned messages, r5, r4;
    enum hv_disposition disp;
    const char *qid;       /* NULL: none recorded */
};

static const struct one ones[] = {
    {"Nov  3 11:35:30 mx sendmail[26254]: rA37ZTSC026254: from=<a@b.com>, "
     "size=10, class=0, nrcpts=1, bodytype=8BITMIME, proto=ESMTP, "
     "daemon=MTA, relay=mx.example.ru [95.32.23.163]",
     "95.32.23.163", "mx.example.ru", NULL, 1, 0, 0, HV_DISP_ACCEPTED,
     "rA37ZTSC026254"},
    /* nrcpts=0: transaction abandoned, no message */
    {"Nov  3 11:35:30 mx sendmail[26254]: rA37ZTSC026254: from=<a@b.com>, "
     "size=0, class=0, nrcpts=0, proto=ESMTP, daemon=MTA, relay=[95.32.23.163]",
     "95.32.23.163", "", NULL, 0, 0, 0, HV_DISP_UNKNOWN, "rA37ZTSC026254"},
    /* a forged ", nrcpts=3, relay=" inside from=<...> does not count */
    {"Nov  3 11:35:30 mx sendmail[1]: s0ABCDEF000001: from=<x, nrcpts=3, "
     "relay=[8.8.8.8]>, size=0, class=0, nrcpts=0, relay=[192.0.2.9]",
     "192.0.2.9", "", NULL, 0, 0, 0, HV_DISP_UNKNOWN, NULL},
    {"Feb 23 07:57:28 pm sm-mta[6519]: s1N7vR47006519: ruleset=check_rcpt, "
     "arg1=<c@c.pt>, relay=[2.180.185.27], reject=553 5.1.8 <c@c.pt>... "
     "Domain of sender address does not exist",
     "2.180.185.27", "", NULL, 0, 1, 0, HV_DISP_REJECTED, "s1N7vR47006519"},
    {"Feb 27 22:44:43 b sm-mta[4012]: 56CF8Qni004012: ruleset=check_rcpt, "
     "arg1=<e@example.com>, relay=[192.0.2.100] (may be forged), "
     "reject=451 4.1.8 Domain of sender address does not resolve",
     "192.0.2.100", "", NULL, 0, 0, 1, HV_DISP_DEFERRED, NULL},
    {"Feb 24 01:46:44 pm sm-mta[24422]: ruleset=check_relay, "
     "arg1=leased.telecom.by, arg2=217.21.54.82, relay=leased.telecom.by "
     "[217.21.54.82], reject=421 4.3.2 Connection rate limit exceeded.",
     "217.21.54.82", "leased.telecom.by", NULL, 0, 0, 1, HV_DISP_DEFERRED, NULL},
    {"Mar  6 16:55:28 s sm-mta[20949]: v26LtRA0020949: some-host.example.org "
     "[192.0.2.194] did not issue MAIL/EXPN/VRFY/ETRN during connection to MTA",
     "192.0.2.194", "some-host.example.org", NULL, 0, 0, 0, HV_DISP_LOST, NULL},
    {"Mar 29 22:51:46 server sm-mta[50438]: 06QDQnNf050438: example.com "
     "[IPv6:2001:DB8::1] did not issue MAIL/EXPN/VRFY/ETRN during connection "
     "to IPv6",
     "2001:db8::1", "example.com", NULL, 0, 0, 0, HV_DISP_LOST, NULL},
    {"Jul 31 13:03:43 <mail.notice> alarmpi sm-mta[24291]: 56VFYCxS024291: "
     "lost input channel from mail.aqicn.org [139.162.120.196] to MTA-v4 "
     "after rcpt",
     "139.162.120.196", "mail.aqicn.org", NULL, 0, 0, 0, HV_DISP_LOST, NULL},
    {"Feb 27 10:53:06 batman sm-mta[44307]: s1R9r60D044307: rejecting "
     "commands from  [209.15.212.253] due to pre-greeting traffic after 0 "
     "seconds",
     "209.15.212.253", "", NULL, 0, 1, 0, HV_DISP_REJECTED, NULL},
    {"Feb 16 23:40:36 smtp1 sm-mta[5178]: s1GNeNqe005178: cpe.rr.com "
     "[75.176.164.191]: possible SMTP attack: command=AUTH, count=5",
     "75.176.164.191", "cpe.rr.com", NULL, 0, 0, 0, HV_DISP_UNKNOWN, NULL},
    {"Feb 22 14:02:44 batman sm-mta[4030]: s1MD2hsd004030: rrcs.rr.com "
     "[24.73.201.194]: EXPN root [rejected]",
     "24.73.201.194", "rrcs.rr.com", NULL, 0, 1, 0, HV_DISP_REJECTED, NULL},
    /* a relay= inside the reply text that is not followed by ',' or the
     * end is not Sendmail's */
    {"Feb 23 07:57:28 pm sm-mta[6519]: s1N7vR47006519: ruleset=check_rcpt, "
     "arg1=<c@c.pt>, relay=[192.0.2.15], reject=550 5.7.1 <c@c.pt>... "
     "Rejected, relay=[8.8.8.8] is not you",
     "192.0.2.15", "", NULL, 0, 1, 0, HV_DISP_REJECTED, NULL},
    /* injection: a forged relay= inside user= */
    {"Feb 25 04:02:28 relay1 sendmail[16665]: 06I02CNi016765: AUTH failure "
     "(LOGIN): authentication failure (-13) SASL(-13): authentication "
     "failure: checkpass failed, user=criminal, relay=[192.0.2.100], "
     "relay=[192.0.2.4] (may be forged)",
     "192.0.2.4", "", NULL, 0, 1, 0, HV_DISP_REJECTED, NULL},
    {"Feb 25 04:02:28 relay1 sendmail[1]: s0ABCDEF000009: AUTH failure (LOGIN): x, "
     "user=u@x.example, relay=id@host.example [192.0.2.5]",
     "192.0.2.5", "host.example", NULL, 0, 1, 0, HV_DISP_REJECTED, NULL},
    {"Jan  1 00:00:00 mx sm-mta[9]: s0ABCDEF000009: STARTTLS=server, relay=c.example "
     "[192.0.2.11], version=TLSv1.3, verify=NO, cipher=TLS_AES_256_GCM_SHA384",
     "192.0.2.11", "c.example", NULL, 0, 0, 0, HV_DISP_UNKNOWN, NULL},
    /* the rare HELO line */
    {"Jan  1 00:00:00 mx sm-mta[9]: s0ABCDEF000009: invalid domain name (bad_helo!) from "
     "h.example [192.0.2.12]",
     "192.0.2.12", "h.example", "bad_helo!", 0, 1, 0, HV_DISP_REJECTED, NULL},
    {"Jan  1 00:00:00 mx sm-mta[9]: s0ABCDEF000009: invalid domain name (x) from y.z "
     "[8.8.8.8]) from [192.0.2.13]",
     "192.0.2.13", "", "x) from y.z [8.8.8.8]", 0, 1, 0, HV_DISP_REJECTED, NULL},
    {"Jan  1 00:00:00 mx sm-mta[9]: s0ABCDEF000009: timeout waiting for input from "
     "c.example [192.0.2.14] during server cmd read",
     "192.0.2.14", "c.example", NULL, 0, 0, 0, HV_DISP_LOST, NULL},
    {"Jan  1 00:00:00 mx sm-mta[9]: NOQUEUE: connect from c.example "
     "[192.0.2.16]",
     "192.0.2.16", "c.example", NULL, 0, 0, 0, HV_DISP_UNKNOWN, NULL},
    {"Jan  1 00:00:00 mx sm-mta[9]: NOQUEUE: [192.0.2.17]: possible SMTP "
     "attack: command=AUTH, count=5",
     "192.0.2.17", "", NULL, 0, 0, 0, HV_DISP_UNKNOWN, NULL},
    {"Jan  1 00:00:00 mx sm-mta[9]: NOQUEUE: tcpwrappers (bad.example, "
     "192.0.2.18) rejection",
     "192.0.2.18", "bad.example", NULL, 0, 1, 0, HV_DISP_REJECTED, NULL},
    {"Jan  1 00:00:00 mx sm-mta[9]: NOQUEUE: tcpwrappers (unknown, "
     "2001:db8::18) rejection",
     "2001:db8::18", "", NULL, 0, 1, 0, HV_DISP_REJECTED, NULL},
    /* not sessions */
    {"Jan  1 00:00:00 mx sm-mta[9]: s0ABCDEF000009: timeout waiting for input from "
     "mx.remote. during client greeting",
     NULL, NULL, NULL, 0, 0, 0, HV_DISP_UNKNOWN, NULL},
    {"Nov  1 00:00:04 mx1 sendmail[12445]: 0AC7D4E2F8D: to=<r@example.org>, "
     "delay=00:00:01, mailer=esmtp, relay=mx.remote.example. [192.0.2.20], "
     "dsn=2.0.0, stat=Sent",
     NULL, NULL, NULL, 0, 0, 0, HV_DISP_UNKNOWN, NULL},
    {"Jan  1 00:00:00 mx sm-mta[9]: s0ABCDEF000009: STARTTLS=client, relay=mx.remote. "
     "[192.0.2.21], version=TLSv1.3",
     NULL, NULL, NULL, 0, 0, 0, HV_DISP_UNKNOWN, NULL},
    {"Jan  1 00:00:00 mx sm-msp-queue[9]: s0ABCDEF000009: from=root, size=1, class=0, "
     "nrcpts=1, relay=root@localhost",
     NULL, NULL, NULL, 0, 0, 0, HV_DISP_UNKNOWN, NULL},
    {"Jan  1 00:00:00 mx sm-msp-queue[9]: s0ABCDEF000009: to=a@b, relay=[127.0.0.1] "
     "[127.0.0.1], stat=Sent",
     NULL, NULL, NULL, 0, 0, 0, HV_DISP_UNKNOWN, NULL},
    {"Jan  1 00:00:00 mx postfix/smtpd[9]: connect from x[192.0.2.22]",
     NULL, NULL, NULL, 0, 0, 0, HV_DISP_UNKNOWN, NULL},
    {"Nov  3 11:35:30 Microsoft sendmail[26254]: rA37ZTSC026250: "
     "<arhipov@domain.com>... No such user here",
     NULL, NULL, NULL, 0, 0, 0, HV_DISP_UNKNOWN, NULL},
};

/* test_one_line - each row through check_one_line (parser_harness.h; its
 * struct one_want has helo before rdns). */
static void test_one_line(void)
{
    for (size_t i = 0; i < sizeof(ones) / sizeof(ones[0]); i++) {
        const struct one *t = &ones[i];
        const struct one_want w = {t->line,     t->ip, t->helo, t->rdns,
                                   t->messages, t->r5, t->r4,   t->disp,
                                   t->qid};
        check_one_line(i, &w, HV_MTA_SENDMAIL);
    }
}

/* ==== Merging per process ==== */

static void test_merge(void)
{
    struct got g;
    /* one process, one client: a rejected RCPT, a queue ID seen on a line
     * without the client, then the accepted message */
    const char *a[] = {
        "Nov  1 00:00:01 mx sm-mta[100]: AAA0001: ruleset=check_rcpt, "
        "arg1=<x@y>, relay=c.example [192.0.2.1], reject=550 5.7.1 <x@y>... "
        "Relaying denied",
        "Nov  1 00:00:01 mx sm-mta[100]: AAA0001: <nobody@example.org>... "
        "User unknown",
        "Nov  1 00:00:02 mx sm-mta[200]: BBB0001: [192.0.2.2] did not issue "
        "MAIL/EXPN/VRFY/ETRN during connection to MTA",
        "Nov  1 00:00:03 mx sm-mta[100]: AAA0002: from=<a@b>, size=5, "
        "class=0, nrcpts=1, msgid=<m@b>, proto=ESMTP, daemon=MTA, "
        "relay=c.example [192.0.2.1]",
        "Nov  1 00:00:04 mx sm-mta[100]: AAA0002: to=<r@example.org>, "
        "mailer=local, stat=Sent",
        NULL};
    run(a, &g, NULL);
    CHECK_INTEQ(g.n, 2);
    CHECK_STREQ(g.s[0].ip, "192.0.2.2");       /* ended first */
    CHECK(g.s[0].complete);
    CHECK_INTEQ(g.s[0].line, 3);
    CHECK_STREQ(g.s[1].ip, "192.0.2.1");
    CHECK_INTEQ(g.s[1].line, 1);
    CHECK_INTEQ(g.s[1].replies_5xx, 2);
    CHECK_INTEQ(g.s[1].messages, 1);
    CHECK_INTEQ(g.s[1].nqids, 2);
    CHECK_STREQ(g.s[1].qids[0], "AAA0001");
    CHECK_STREQ(g.s[1].qids[1], "AAA0002");
    CHECK_STREQ(g.s[1].rdns, "c.example");
    CHECK(!g.s[1].complete);
    CHECK_INTEQ(hv_session_disposition(&g.s[1]), HV_DISP_ACCEPTED);

    /* a new client IP on the same pid starts a new session; another pid
     * with the same IP is another session */
    const char *b[] = {
        "Nov  1 00:00:01 mx sm-mta[100]: s0QQQQQQ000001: ruleset=check_rcpt, arg1=<x>, "
        "relay=[192.0.2.1], reject=550 no",
        "Nov  1 00:00:02 mx sm-mta[100]: s0QQQQQQ000002: ruleset=check_rcpt, arg1=<x>, "
        "relay=[192.0.2.3], reject=550 no",
        "Nov  1 00:00:03 mx sm-mta[101]: s0QQQQQQ000003: ruleset=check_rcpt, arg1=<x>, "
        "relay=[192.0.2.3], reject=550 no",
        NULL};
    run(b, &g, NULL);
    CHECK_INTEQ(g.n, 3);
    CHECK_STREQ(g.s[0].ip, "192.0.2.1");
    CHECK_INTEQ(g.s[0].line, 1);

    /* idle: 5 minutes of log time end a session */
    const char *c[] = {
        "Nov  1 00:00:01 mx sm-mta[100]: s0QQQQQQ000001: ruleset=check_rcpt, arg1=<x>, "
        "relay=[192.0.2.1], reject=550 no",
        "Nov  1 00:10:01 mx sm-mta[100]: s0QQQQQQ000002: ruleset=check_rcpt, arg1=<x>, "
        "relay=[192.0.2.1], reject=550 no",
        NULL};
    run(c, &g, NULL);
    CHECK_INTEQ(g.n, 2);
    CHECK_INTEQ(g.s[0].replies_5xx, 1);

    /* no syslog pid: merged by IP */
    const char *d[] = {
        "Nov  1 00:00:01 mx sendmail: s0QQQQQQ000001: ruleset=check_rcpt, arg1=<x>, "
        "relay=[192.0.2.1], reject=550 no",
        "Nov  1 00:00:02 mx sendmail: s0QQQQQQ000002: ruleset=check_rcpt, arg1=<x>, "
        "relay=[192.0.2.1], reject=451 later",
        NULL};
    run(d, &g, NULL);
    CHECK_INTEQ(g.n, 1);
    CHECK_INTEQ(g.s[0].replies_5xx, 1);
    CHECK_INTEQ(g.s[0].replies_4xx, 1);
}

/* ==== Skip reasons ==== */

static void test_skips(void)
{
    struct got g;
    const char *reason = NULL;
    /* a line with a client but no stamp cannot be dated */
    const char *a[] = {"s0QQQQQQ000001: ruleset=check_rcpt, arg1=<x>, relay=[192.0.2.1], "
                       "reject=550 no", NULL};
    CHECK_INTEQ(run(a, &g, &reason), 1);
    CHECK_STREQ(reason, "bad-timestamp");
    CHECK_INTEQ(g.n, 0);
    /* a broken stamp */
    reason = NULL;
    const char *b[] = {"Nov 41 00:00:01 mx sm-mta[1]: s0QQQQQQ000001: [192.0.2.1] did "
                       "not issue MAIL/EXPN/VRFY/ETRN during connection to MTA",
                       NULL};
    CHECK_INTEQ(run(b, &g, &reason), 1);
    CHECK_STREQ(reason, "bad-timestamp");
    CHECK_INTEQ(g.n, 0);
    /* HELO over HV_HELO_MAX */
    static char big[HV_HELO_MAX + 256];
    int n = snprintf(big, sizeof(big),
                     "Jan  1 00:00:00 mx sm-mta[9]: s0ABCDEF000009: invalid domain name (");
    memset(big + n, 'h', HV_HELO_MAX + 1);
    snprintf(big + n + HV_HELO_MAX + 1,
             sizeof(big) - (size_t)n - HV_HELO_MAX - 1, ") from [192.0.2.1]");
    const char *c[] = {big, NULL};
    reason = NULL;
    CHECK_INTEQ(run(c, &g, &reason), 1);
    CHECK_STREQ(reason, "helo-truncated");
    /* the session stays, with the HELO truncated and flagged */
    CHECK_INTEQ(g.n, 1);
    CHECK(g.n == 1 && g.s[0].has_helo && g.s[0].helo_truncated &&
          strlen(g.s[0].helo) == HV_HELO_MAX &&
          strcmp(g.s[0].ip, "192.0.2.1") == 0);
    /* the stamp is the session's time */
    const char *d[] = {"Nov  1 00:00:05 mx sm-mta[1]: s0QQQQQQ000001: [192.0.2.1] did "
                       "not issue MAIL/EXPN/VRFY/ETRN during connection to MTA",
                       NULL};
    run(d, &g, NULL);
    CHECK_INTEQ(g.n, 1);
    char iso[21];
    tstamp_format_iso(g.s[0].ts, iso);
    CHECK_STREQ(iso, "2026-11-01T00:00:05Z");
}

/* ==== Probe ==== */

static void test_probe(void)
{
    static const struct probe_want t[] = {
        {"Feb 16 23:33:20 smtp1 sm-mta[5133]: s1GNXHYB005133: [190.5.230.178]: "
         "possible SMTP attack", 85, 100},
        {"Nov  1 00:00:00 mx1 sendmail[54322]: 1D6C844C101: x", 85, 100},
        {"Feb 24 12:10:15 k sm-acceptingconnections[32053]: s0ABCDEF000009: x", 85, 100},
        {"Jun 17 14:37:39 <mail.info> robin sm-mta[2794]: s0ABCDEF000009: from=<r>", 85, 100},
        {"Jan  1 00:00:00 mx sm-msp-queue[9]: s0ABCDEF000009: to=a@b", 50, 85},
        {"Nov  1 00:00:01 mx postfix/smtpd[1]: connect from x[192.0.2.1]", 0, 0},
        {"2026-11-01 00:00:02 1tOHFe-040742-93 <= a@b H=x [192.0.2.1]", 0, 0},
        {"", 0, 0},
    };
    check_probes(t, sizeof(t) / sizeof(t[0]));
    CHECK(hv_format_find("sendmail") == &hv_format_sendmail);
}

/* ==== Truncated input ==== */

/* one_line - the line of table row i (for check_truncations). */
static const char *one_line(size_t i)
{
    return ones[i].line;
}

/* test_truncated - every prefix and suffix of every table line. */
static void test_truncated(void)
{
    check_truncations(one_line, sizeof(ones) / sizeof(ones[0]));
}

/* test_helo_origin - Sendmail logs no accepted HELO: its sessions are
 * UNOBSERVED (not provably HELO-less); a refused one is LOGGED. */
static void test_helo_origin(void)
{
    struct got g;
    const char *a[] = {"Nov  1 00:00:01 mx sendmail[7]: s0ABCDEF000001: "
                       "from=<a@b>, size=10, class=0, nrcpts=1, proto=ESMTP, "
                       "daemon=MTA, relay=mx.example.net [192.0.2.40]", NULL};
    run(a, &g, NULL);
    CHECK_INTEQ(g.n, 1);
    CHECK(g.n == 1 && !g.s[0].has_helo &&
          g.s[0].helo_origin == HV_HELO_UNOBSERVED);
    const char *b[] = {"Nov  1 00:00:01 mx sm-mta[9]: s0ABCDEF000009: invalid "
                       "domain name (bad..helo) from [192.0.2.41]", NULL};
    run(b, &g, NULL);
    CHECK_INTEQ(g.n, 1);
    CHECK(g.n == 1 && g.s[0].helo_origin == HV_HELO_LOGGED &&
          strcmp(g.s[0].helo, "bad..helo") == 0);
}

/* test_labels - DNS block lists cited in a 5xx reject= (corpus shapes), a
 * milter's spam verdict on the message; other rejections are no label. */
static void test_labels(void)
{
    struct got g;
    const char *a[] = {"Feb 23 07:00:08 petermurray sm-mta[3992]: s1N706jo003992:"
                       " ruleset=check_rcpt, arg1=<joaofr@camilopinto.pt>,"
                       " relay=[151.232.63.226], reject=550 5.7.1 <joaofr@camilopinto.pt>..."
                       " Rejected: 151.232.63.226 listed at sbl-xbl.spamhaus.org", NULL};
    run(a, &g, NULL);
    CHECK(g.n == 1 && g.s[0].label == HV_LABEL_SPAM && g.s[0].label_from == HV_LFROM_DNSBL);
    const char *b[] = {"Feb 23 04:36:21 kismet sm-acceptingconnections[12603]:"
                       " s1N9aKAw012603: ruleset=check_rcpt, arg1=<user@host.com>,"
                       " relay=74-137-127-206.dhcp.insightbb.com [74.137.127.206],"
                       " reject=550 5.7.1 <user@host.com>... Rejected: IP in SpamCop"
                       " blacklist, see: http://spamcop.net/bl.shtml?74.137.127.206", NULL};
    run(b, &g, NULL);
    CHECK(g.n == 1 && g.s[0].label == HV_LABEL_SPAM && g.s[0].label_from == HV_LFROM_DNSBL);
    const char *c[] = {"Feb 25 03:01:10 kismet sm-acceptingconnections[27713]:"
                       " s1P819mk027713: ruleset=check_rcpt, arg1=<a@freemailhost.ru>,"
                       " relay=128-68-136-133.broadband.corbina.ru [128.68.136.133],"
                       " reject=550 5.7.1 <a@freemailhost.ru>... Relaying denied. Proper"
                       " authentication required.", NULL};
    run(c, &g, NULL);
    CHECK(g.n == 1 && g.s[0].label == HV_LABEL_NONE && g.s[0].label_from == HV_LFROM_NONE);
    const char *d[] = {"Nov  1 00:00:01 mx sm-mta[7]: s0ABCDEF000001: ruleset=check_rcpt,"
                       " arg1=<x@example.org>, relay=[192.0.2.7], reject=450 4.7.1"
                       " <x@example.org>... 192.0.2.7 listed at zen.spamhaus.org", NULL};
    run(d, &g, NULL);
    CHECK(g.n == 1 && g.s[0].label == HV_LABEL_NONE);
    const char *e[] = {"Nov  1 00:00:01 mx sm-mta[8]: s0ABCDEF000008: from=<a@b>, size=10,"
                       " class=0, nrcpts=1, proto=ESMTP, daemon=MTA, relay=mx.example.net"
                       " [192.0.2.8]",
                       "Nov  1 00:00:02 mx sm-mta[8]: s0ABCDEF000008: Milter: data,"
                       " reject=550 5.7.1 Blocked by SpamAssassin", NULL};
    run(e, &g, NULL);
    CHECK(g.n == 1 && g.s[0].label == HV_LABEL_SPAM && g.s[0].label_from == HV_LFROM_FILTER);
    const char *f[] = {"Nov  1 00:00:01 mx sm-mta[9]: s0ABCDEF000009: from=<a@b>, size=10,"
                       " class=0, nrcpts=1, proto=ESMTP, daemon=MTA, relay=mx.example.net"
                       " [192.0.2.9]",
                       "Nov  1 00:00:02 mx sm-mta[9]: s0ABCDEF000009: Milter: to=<spam@x>,"
                       " reject=550 5.7.1 no spam here", NULL};
    run(f, &g, NULL);
    CHECK(g.n == 1 && g.s[0].label == HV_LABEL_NONE);
}

int main(void)
{
    test_client_parse();
    test_one_line();
    test_merge();
    test_skips();
    test_probe();
    test_truncated();
    test_helo_origin();
    test_labels();
    return CHECK_DONE();
}
