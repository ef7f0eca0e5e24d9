/* SPDX-License-Identifier: MIT */
/*
 * test_postfix - the Postfix parser and the syslog splitter: one table row
 * per line shape (shapes quoted from /work/shared/corpus and the Postfix
 * format strings), multi-line session assembly, cleanup lines tied by queue
 * ID before and after the disconnect, postscreen hand-off, multi-instance
 * names, IPv6, disposition, eviction, and an end-to-end replay of a small
 * tests/tools/genlog.py log against its truth file.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "genlog_pipe.h"
#include "postfix.h"
#include "syslog.h"

/* ==== Harness ==== */

#define MAXS 64

struct run {
    struct hv_session s[MAXS];  /* last state per first line */
    size_t n;
    unsigned emits;
};
static struct run R;

static void collect(void *arg, const struct hv_session *s)
{
    (void)arg;
    R.emits++;
    for (size_t i = 0; i < R.n; i++) {
        if (R.s[i].line == s->line) {
            R.s[i] = *s;
            return;
        }
    }
    if (R.n < MAXS)
        R.s[R.n++] = *s;
}

static struct hv_clock clk;

static struct hv_parser *open_p(void)
{
    memset(&R, 0, sizeof(R));
    hv_clock_init(&clk, 2026, 0);
    struct hv_parse_opts o = {&clk, NULL, 0, 0};
    return hv_format_postfix.open(&o, collect, NULL);
}

/* feed - one line; returns HV_PARSE_* and the reason ("" when OK). */
static int feed(struct hv_parser *p, const char *text, uint64_t lineno,
                const char **reason)
{
    struct hv_line l = {text, strlen(text), lineno, lineno * 100};
    const char *r = "";
    int rc = hv_format_postfix.feed(p, &l, &r);
    if (reason != NULL)
        *reason = rc == HV_PARSE_OK ? "" : r;
    return rc;
}

/* feed_all - lines 1..n, each must be accepted without a skip. */
static void feed_all(struct hv_parser *p, const char *const *lines)
{
    for (uint64_t i = 0; lines[i] != NULL; i++) {
        const char *r;
        int rc = feed(p, lines[i], i + 1, &r);
        CHECK_MSG(rc == HV_PARSE_OK, "line %llu skipped: %s",
                  (unsigned long long)(i + 1), r);
    }
}

static const struct hv_session *at_line(uint64_t line)
{
    for (size_t i = 0; i < R.n; i++)
        if (R.s[i].line == line)
            return &R.s[i];
    return NULL;
}

#define PF "Nov  1 00:00:01 mx1 postfix/smtpd[100]: "
#define PS "Nov  1 00:00:01 mx1 postfix/postscreen[90]: "
#define CU "Nov  1 00:00:02 mx1 postfix/cleanup[300]: "

/* ==== Single line shapes ==== */

struct shape {
    const char *line;
    int sessions;          /* expected sessions after finish */
    const char *ip;
    const char *helo;      /* NULL: no HELO */
    const char *rdns;
    unsigned r5, r4, messages;
    bool lost;
    const char *reason;    /* NULL: HV_PARSE_OK */
};

static const struct shape shapes[] = {
    /* smtpd connect / disconnect */
    {PF "connect from mail.example.com[192.0.2.1]", 1, "192.0.2.1", NULL,
     "mail.example.com", 0, 0, 0, false, NULL},
    {PF "disconnect from unknown[192.0.2.1] helo=1 auth=0/1 quit=1 "
        "commands=2/3", 1, "192.0.2.1", NULL, "", 0, 0, 0, false, NULL},
    {PF "disconnect from unknown[72.10.165.66] ehlo=2 starttls=1 mail=1 "
        "rcpt=0/1 data=0/1 quit=1 commands=5/7", 1, "72.10.165.66", NULL, "",
     0, 0, 0, false, NULL},
    {PF "disconnect from unknown[unknown] commands=0/0", 0, NULL, NULL, NULL,
     0, 0, 0, false, NULL},
    /* NOQUEUE actions (log_whatsup) */
    {PF "NOQUEUE: reject: RCPT from unknown[192.0.2.236]: 554 5.7.1 "
        "<dom.tld>: Helo command rejected: Access denied; "
        "from=<ADMINISTRATOR@dom.tld> to=<lp@dom.tld> proto=ESMTP "
        "helo=<dom.tld>", 1, "192.0.2.236", "dom.tld", "", 1, 0, 0, false,
     NULL},
    {PF "NOQUEUE: reject: RCPT from badserver.example.com[93.184.216.34]: "
        "450 4.7.1 Client host rejected: cannot find your hostname, "
        "[93.184.216.34]; from=<a@example.com> to=<b@example.com> "
        "proto=ESMTP helo=<badserver.example.com>", 1, "93.184.216.34",
     "badserver.example.com", "badserver.example.com", 0, 1, 0, false, NULL},
    {PF "NOQUEUE: reject: RCPT from unknown[1.2.3.4]: 450 4.7.1 Client host "
        "rejected: cannot find your reverse hostname, [2.3.4.5]; "
        "from=<meow@kitty.com> to=<kitty@meow.com> proto=ESMTP "
        "helo=<kitty.com>", 1, "1.2.3.4", "kitty.com", "", 0, 1, 0, false,
     NULL},
    {PF "NOQUEUE: reject: EHLO from s271272.static.corbina.ru"
        "[78.107.251.238]: 504 5.5.2 <User>: Helo command rejected: need "
        "fully-qualified hostname; proto=SMTP helo=<User>", 1,
     "78.107.251.238", "User", "s271272.static.corbina.ru", 1, 0, 0, false,
     NULL},
    {PF "NOQUEUE: reject: CONNECT from unknown[192.0.2.114]: 450 4.7.25 "
        "Client host rejected: cannot find your hostname, [178.215.236.114]; "
        "proto=SMTP", 1, "192.0.2.114", NULL, "", 0, 1, 0, false, NULL},
    {PF "NOQUEUE: reject_warning: RCPT from example.com[93.184.216.34]: 553 "
        "5.7.1 <sender@example.com>: Sender address rejected: not owned by "
        "user ph123; from=<sender@example.com> to=<recipient@example.com> "
        "proto=ESMTP helo=<example.com>", 1, "93.184.216.34", "example.com",
     "example.com", 0, 0, 0, false, NULL},
    {PF "NOQUEUE: warn: RCPT from x.example[192.0.2.7]: Client host is "
        "suspicious; from=<a@b.example> to=<c@d.example> proto=ESMTP "
        "helo=<x.example>", 1, "192.0.2.7", "x.example", "x.example", 0, 0, 0,
     false, NULL},
    {PF "NOQUEUE: info: RCPT from x.example[192.0.2.7]: Sender seen; "
        "from=<a@b.example> to=<c@d.example> proto=ESMTP helo=<x.example>", 1,
     "192.0.2.7", "x.example", "x.example", 0, 0, 0, false, NULL},
    {PF "NOQUEUE: hold: RCPT from x.example[192.0.2.7]: <a@b.example>: "
        "Sender address triggers HOLD action; from=<a@b.example> "
        "to=<c@d.example> proto=ESMTP helo=<x.example>", 1, "192.0.2.7",
     "x.example", "x.example", 0, 0, 0, false, NULL},
    {PF "NOQUEUE: discard: MAIL from ccm231.constantcontact.com"
        "[208.75.123.231]: <bsdbdsfbw==_4343_sdfbddw==@in.constantcontact.com>"
        ": Sender address SPAM; from=<bsdbdsfbw==_4343_sdfbddw==@in."
        "constantcontact.com> proto=ESMTP helo=<ccm231.constantcontact.com>",
     1, "208.75.123.231", "ccm231.constantcontact.com",
     "ccm231.constantcontact.com", 0, 0, 0, false, NULL},
    {PF "NOQUEUE: filter: RCPT from unknown[85.25.255.255]: "
        "<mail@sender.com>: Sender address triggers FILTER "
        "smtp-amavis:[127.0.0.1]:10024; from=<mail@sender.com> "
        "to=<user@domain.com> proto=ESMTP helo=<plutoapp.biz>", 1,
     "85.25.255.255", "plutoapp.biz", "", 0, 0, 0, false, NULL},
    {PF "NOQUEUE: milter-reject: RCPT from mailrelay.example.com[8.8.8.8]: "
        "451 4.7.1 Greylisting in action, please come back later; "
        "from=<support@example.com> to=<example@example.org> proto=ESMTP "
        "helo=<mailrelay.example.com>", 1, "8.8.8.8", "mailrelay.example.com",
     "mailrelay.example.com", 0, 1, 0, false, NULL},
    {PF "44JCRG5tYPzCqt2: reject: BDAT from signing-milter.example.com"
        "[192.0.2.109]: 550 5.5.3 <DATA>: Data command rejected: "
        "Multi-recipient bounce; from=<> to=<some@example.com> proto=ESMTP "
        "helo=<domain.tld>", 1, "192.0.2.109", "domain.tld",
     "signing-milter.example.com", 1, 0, 0, false, NULL},
    {PF "NOQUEUE: reject: VRFY from unknown[2001:968:9999:20:88b:9b7d:2a54:"
        "2bd2]: 454 4.7.1 <aap@henk.com>: Relay access denied; "
        "to=<aap@henk.com> proto=SMTP helo=<me>", 1,
     "2001:968:9999:20:88b:9b7d:2a54:2bd2", "me", "", 0, 1, 0, false, NULL},
    /* client-supplied text that looks like a trailer, HELO with '>' */
    {PF "NOQUEUE: reject: RCPT from evil.example[192.0.2.66]: 550 5.1.1 "
        "<x proto=ESMTP helo=<fake.example>@example.org>: Recipient address "
        "rejected; from=<a@b.example> to=<x proto=ESMTP "
        "helo=<fake.example>@example.org> proto=ESMTP helo=<real.example>", 1,
     "192.0.2.66", "real.example", "evil.example", 1, 0, 0, false, NULL},
    {PF "NOQUEUE: reject: RCPT from unknown[192.0.2.67]: 550 5.7.1 Nope; "
        "from=<a@b.example> to=<c@d.example> proto=ESMTP helo=<a>b>", 1,
     "192.0.2.67", "a>b", "", 1, 0, 0, false, NULL},
    {PF "NOQUEUE: reject: RCPT from unknown[192.0.2.68]: 550 5.7.1 Nope; "
        "from=<a@b.example> to=<c@d.example> proto=ESMTP "
        "helo=<[192.0.2.68]>", 1, "192.0.2.68", "[192.0.2.68]", "", 1, 0, 0,
     false, NULL},
    {PF "NOQUEUE: reject: RCPT from unknown[2001:DB8:0:0::1]: 550 5.7.1 "
        "Nope; from=<a@b.example> to=<c@d.example> proto=ESMTP "
        "helo=<[IPv6:2001:db8::1]>", 1, "2001:db8::1", "[IPv6:2001:db8::1]",
     "", 1, 0, 0, false, NULL},
    /* truncated trailers: no HELO */
    {"Feb 21 09:21:54 xxx postfix/smtpd[14398]: NOQUEUE: reject: RCPT from "
     "example.com[192.0.43.10]: 450 4.7.1 : Helo command rejected: Host not "
     "found; from=<> to=<> proto=ESMTP helo=", 1, "192.0.43.10", NULL,
     "example.com", 0, 1, 0, false, NULL},
    {PF "NOQUEUE: reject: RCPT from unknown[192.0.2.69]: 550 5.7.1 Nope; "
        "from=<a@b.example> to=<c@d.example> proto=ESMTP helo=<trunc", 1,
     "192.0.2.69", NULL, "", 1, 0, 0, false, NULL},
    /* lost, timeout, other client lines */
    {PF "lost connection after STARTTLS from unknown[72.13.58.7]", 1,
     "72.13.58.7", NULL, "", 0, 0, 0, true, NULL},
    {PF "lost connection after DATA (7774180 bytes) from unknown[72.13.58.7]",
     1, "72.13.58.7", NULL, "", 0, 0, 0, true, NULL},
    {PF "timeout after END-OF-MESSAGE from unknown[72.13.58.7]", 1,
     "72.13.58.7", NULL, "", 0, 0, 0, true, NULL},
    {PF "NOQUEUE: lost connection after CONNECT from unknown[192.0.2.25]", 1,
     "192.0.2.25", NULL, "", 0, 0, 0, true, NULL},
    {PF "4104E3D: client=061238241086.static.ctinets.com[61.238.241.86]", 1,
     "61.238.241.86", NULL, "061238241086.static.ctinets.com", 0, 0, 1,
     false, NULL},
    {PF "ACBBDCFDEEC: client=relay31.d00690.com[114.139.49.176]", 1,
     "114.139.49.176", NULL, "relay31.d00690.com", 0, 0, 1, false, NULL},
    {PF "warning: unknown[192.0.2.237]:55729: SASL LOGIN authentication "
        "failed: authentication failure", 1, "192.0.2.237", NULL, "", 0, 0, 0,
     false, NULL},
    {PF "warning: hostname bad.example.com does not resolve to address "
        "192.0.2.44: Name or service not known", 1, "192.0.2.44", NULL, "", 0,
     0, 0, false, NULL},
    {PF "warning: hostname x.example does not resolve to address "
        "2001:db8::44", 1, "2001:db8::44", NULL, "", 0, 0, 0, false, NULL},
    {PF "warning: Connection rate limit exceeded: 31 from spamhost.domain.org"
        "[192.0.2.123] for service smtpd", 1, "192.0.2.123", NULL,
     "spamhost.domain.org", 0, 0, 0, false, NULL},
    {PF "improper command pipelining after AUTH from unknown[1.2.3.4]: QUIT",
     1, "1.2.3.4", NULL, "", 0, 0, 0, false, NULL},
    {PF "Anonymous TLS connection established from julie.example.com"
        "[10.163.89.202]: TLSv1.2 with cipher AECDH-AES256-SHA (256/256 bits)",
     1, "10.163.89.202", NULL, "julie.example.com", 0, 0, 0, false, NULL},
    {PF "SSL_accept error from unknown[72.13.58.7]: lost connection", 1,
     "72.13.58.7", NULL, "", 0, 0, 0, false, NULL},
    {PF "warning: TLS library problem: error:0A000126:SSL routines", 0, NULL,
     NULL, NULL, 0, 0, 0, false, NULL},
    {PF "discarding EHLO keywords: CHUNKING ETRN DSN 8BITMIME", 0, NULL, NULL,
     NULL, 0, 0, 0, false, NULL},
    /* proxy filter: HELO but no client address */
    {PF "proxy-reject: END-OF-MESSAGE: 554 5.7.0 Reject, id=31619-02 - spam;"
        " from=<> to=<user2@example2.com> proto=SMTP helo=<17.33.12.53>", 0,
     NULL, NULL, NULL, 0, 0, 0, false, NULL},
    /* multi-instance and odd names */
    {"Mar 11 23:27:54 server postfix-smo/submission/smtpd[22427]: NOQUEUE: "
     "reject: RCPT from x.example[192.0.2.9]: 550 5.7.1 No; from=<> "
     "to=<a@b.example> proto=ESMTP helo=<inst.example>", 1, "192.0.2.9",
     "inst.example", "x.example", 1, 0, 0, false, NULL},
    {"Jan 31 13:55:24 xxx postfix-incoming/smtpd[3462]: connect from "
     "x.example[192.0.2.10]", 1, "192.0.2.10", NULL, "x.example", 0, 0, 0,
     false, NULL},
    {"Mar 7 02:09:33 server postfix/smtpd[27246]: connect from "
     "x.example[192.0.2.11]", 1, "192.0.2.11", NULL, "x.example", 0, 0, 0,
     false, NULL},
    {"2026-11-01T00:00:01.123456+01:00 mx1 postfix/smtpd[5]: connect from "
     "x.example[192.0.2.12]", 1, "192.0.2.12", NULL, "x.example", 0, 0, 0,
     false, NULL},
    {"<22>1 2026-11-01T00:00:01Z mx1 postfix/smtpd 5 - - connect from "
     "x.example[192.0.2.14]", 1, "192.0.2.14", NULL, "x.example", 0, 0, 0,
     false, NULL},
    /* OpenSMTPD also logs as "smtpd": not Postfix */
    {"Nov  1 00:00:01 mx1 smtpd[100]: connect from x.example[192.0.2.13]", 0,
     NULL, NULL, NULL, 0, 0, 0, false, NULL},
    /* postscreen */
    {PS "CONNECT from [61.238.241.86]:53024 to [89.105.204.244]:25", 1,
     "61.238.241.86", NULL, "", 0, 0, 0, false, NULL},
    {PS "PASS OLD [61.238.241.86]:53024", 0, NULL, NULL, NULL, 0, 0, 0, false,
     NULL},
    {PS "DISCONNECT [2604:8d00:0:1::3]:52237", 1, "2604:8d00:0:1::3", NULL,
     "", 0, 0, 0, false, NULL},
    {PS "PREGREET 14 after 0.08 from [192.0.2.2]:59415: EHLO ylmf-pc\\r\\n", 1,
     "192.0.2.2", NULL, "", 0, 0, 0, false, NULL},
    {PS "NOQUEUE: reject: RCPT from [216.245.194.173]:60591: 550 5.7.1 "
        "Service unavailable; client [216.245.194.173] blocked using "
        "rbl.example.com; from=<spammer@example.com>, to=<goodguy@example.com>"
        ", proto=ESMTP, helo=<badguy.example.com>", 1, "216.245.194.173",
     "badguy.example.com", "", 1, 0, 0, false, NULL},
    {PS "NOQUEUE: reject: CONNECT from [1.2.3.4]:1337: too many connections",
     1, "1.2.3.4", NULL, "", 0, 1, 0, false, NULL},
    {PS "cache btree:/var/lib/postfix-in/postscreen_cache full cleanup: "
        "retained=242 dropped=7 entries", 0, NULL, NULL, NULL, 0, 0, 0, false,
     NULL},
    /* cleanup lines on their own (queue ID never seen) */
    {CU "D8B07E3DB6: warning: header Subject: https://drive.google.com/x "
        "from o1678917x173.outbound-mail.sendgrid.net[167.89.17.173]; "
        "from=<b@sendgrid.net> to=<f@hsdjasdd.co.uk> proto=ESMTP "
        "helo=<o1678917x173.outbound-mail.sendgrid.net>", 1, "167.89.17.173",
     "o1678917x173.outbound-mail.sendgrid.net",
     "o1678917x173.outbound-mail.sendgrid.net", 0, 0, 1, false, NULL},
    {CU "4104E3D: milter-header-redirect: header X-Spam-Status: Yes, "
        "score=39.3 from 061238241086.static.ctinets.com[61.238.241.86]; "
        "from=<wumt5@cchfdc.com> to=<v@example.com> proto=ESMTP "
        "helo=<ecsolved.com>: tom@example.com", 1, "61.238.241.86",
     "ecsolved.com", "061238241086.static.ctinets.com", 0, 0, 1, false, NULL},
    {CU "4104E3D: milter-reject: END-OF-MESSAGE from 061238241086.static."
        "ctinets.com[61.238.241.86]: 5.7.1 Blocked by SpamAssassin; "
        "from=<wumt5@cchfdc.com> to=<v@example.com> proto=ESMTP "
        "helo=<ecsolved.com>", 1, "61.238.241.86", "ecsolved.com",
     "061238241086.static.ctinets.com", 1, 0, 0, false, NULL},
    {CU "5A5A5A5A5A: reject: header Subject: buy now from x.example"
        "[192.0.2.50]; from=<a@b.example> to=<c@d.example> proto=ESMTP "
        "helo=<x.example>: 5.7.1 message content rejected", 1, "192.0.2.50",
     "x.example", "x.example", 1, 0, 0, false, NULL},
    {CU "6B6B6B6B6B: warning: header Subject: x from y.example[6.6.6.6]; "
        "from=<a> to=<b> proto=ESMTP helo=<fake.example> from z.example"
        "[192.0.2.51]; from=<a@b.example> to=<c@d.example> proto=ESMTP "
        "helo=<z.example>", 1, "192.0.2.51", "z.example", "z.example", 0, 0, 1,
     false, NULL},
    {CU "D95341E50350: info: header Subject: test from local; "
        "from=<from@example.com> to=<to@example.com>", 0, NULL, NULL, NULL, 0,
     0, 0, false, NULL},
    {CU "0F5383D: message-id=<544D2523.30609@rhsoft.net>", 0, NULL, NULL,
     NULL, 0, 0, 0, false, NULL},
    /* noise of other daemons */
    {"Nov  1 00:00:01 mx1 postfix/qmgr[811]: 0F5383D: from=<a@b.example>, "
     "size=5360, nrcpt=1 (queue active)", 0, NULL, NULL, NULL, 0, 0, 0,
     false, NULL},
    {"Nov  1 00:00:01 mx1 postfix/smtp[9]: 0D9633D: to=<jos@example.com>, "
     "relay=mail1.example.net[10.74.103.11]:25, delay=11, dsn=2.0.0, "
     "status=sent (250 2.0.0 Ok)", 0, NULL, NULL, NULL, 0, 0, 0, false, NULL},
    {"Nov  1 00:00:01 mx1 postfix/anvil[9]: statistics: max connection rate "
     "1/60s for (smtpd:61.238.241.86) at Oct 26 18:13:50", 0, NULL, NULL,
     NULL, 0, 0, 0, false, NULL},
    {"Nov  1 00:00:01 mx1 postfix/tlsproxy[9]: CONNECT from "
     "[82.118.17.142]:51637", 0, NULL, NULL, NULL, 0, 0, 0, false, NULL},
    {"Nov  1 00:00:01 mx1 dovecot: imap-login: Login: user=<a>", 0, NULL,
     NULL, NULL, 0, 0, 0, false, NULL},
    /* skipped lines */
    {"Nox 99 99:99:99 mx1 postfix/smtpd[100]: connect from x[192.0.2.1]", 0,
     NULL, NULL, NULL, 0, 0, 0, false, "bad-timestamp"},
    {"Nov 31 25:00:01 mx1 postfix/smtpd[100]: connect from x[192.0.2.1]", 0,
     NULL, NULL, NULL, 0, 0, 0, false, "bad-timestamp"},
    {"2026-13-01T00:00:01Z mx1 postfix/smtpd[100]: connect from x[192.0.2.1]",
     0, NULL, NULL, NULL, 0, 0, 0, false, "bad-timestamp"},
    {"connect from x.example[192.0.2.1]", 0, NULL, NULL, NULL, 0, 0, 0, false,
     "malformed"},
    {NULL, 0, NULL, NULL, NULL, 0, 0, 0, false, NULL},
};

static void test_shapes(void)
{
    for (const struct shape *t = shapes; t->line != NULL; t++) {
        struct hv_parser *p = open_p();
        const char *reason;
        int rc = feed(p, t->line, 1, &reason);
        hv_format_postfix.finish(p);
        hv_format_postfix.close(p);
        if (t->reason == NULL)
            CHECK_MSG(rc == HV_PARSE_OK, "%s: skipped (%s)", t->line, reason);
        else
            CHECK_MSG(rc == HV_PARSE_SKIP && strcmp(reason, t->reason) == 0,
                      "%s: rc %d reason %s", t->line, rc, reason);
        CHECK_MSG((int)R.n == t->sessions, "%s: %zu sessions", t->line, R.n);
        if (R.n != 1 || t->sessions != 1)
            continue;
        const struct hv_session *s = &R.s[0];
        CHECK_MSG(strcmp(s->ip, t->ip) == 0, "%s: ip %s", t->line, s->ip);
        if (t->helo == NULL)
            CHECK_MSG(!s->has_helo, "%s: helo %s", t->line, s->helo);
        else
            CHECK_MSG(s->has_helo && strcmp(s->helo, t->helo) == 0,
                      "%s: helo \"%s\"", t->line, s->helo);
        CHECK_MSG(strcmp(s->rdns, t->rdns) == 0, "%s: rdns \"%s\"", t->line,
                  s->rdns);
        CHECK_MSG(s->replies_5xx == t->r5 && s->replies_4xx == t->r4,
                  "%s: 5xx %u 4xx %u", t->line, s->replies_5xx,
                  s->replies_4xx);
        CHECK_MSG(s->messages == t->messages, "%s: messages %u", t->line,
                  s->messages);
        CHECK_MSG(s->lost == t->lost, "%s: lost %d", t->line, s->lost);
        CHECK_MSG(s->mta == HV_MTA_POSTFIX && s->line == 1 &&
                      s->offset == 100, "%s: line %llu", t->line,
                  (unsigned long long)s->line);
    }
}

/* time stamps, HELO too long */
static void test_stamps_and_limits(void)
{
    struct hv_parser *p = open_p();
    feed(p, "Nov  1 00:00:01 mx1 postfix/smtpd[1]: connect from a[192.0.2.1]",
         1, NULL);
    feed(p, "Mar 7 02:09:33 mx1 postfix/smtpd[2]: connect from a[192.0.2.2]",
         2, NULL);
    feed(p, "2026-11-01T00:00:01.5+01:00 mx1 postfix/smtpd[3]: connect from "
            "a[192.0.2.3]", 3, NULL);
    hv_format_postfix.finish(p);
    hv_format_postfix.close(p);
    CHECK_INTEQ(R.n, 3);
    const struct hv_session *s = at_line(1);
    CHECK(s != NULL && s->ts == tstamp_days_from_civil(2026, 11, 1) * 86400 + 1);
    s = at_line(2);  /* explicit year: Nov -> Mar is not a January step */
    CHECK(s != NULL && s->ts == tstamp_days_from_civil(2026, 3, 7) * 86400 +
                                    2 * 3600 + 9 * 60 + 33);
    s = at_line(3);
    CHECK(s != NULL && s->ts == tstamp_days_from_civil(2026, 11, 1) * 86400 +
                                    1 - 3600);

    /* a HELO one byte over the limit is dropped and the line counted */
    size_t n = HV_HELO_MAX + 1;
    char *big = malloc(n + 400);
    char *h = malloc(n + 1);
    memset(h, 'a', n);
    h[n] = '\0';
    snprintf(big, n + 400, PF "NOQUEUE: reject: RCPT from x[192.0.2.5]: 550 "
                              "5.7.1 No; from=<> to=<a@b> proto=ESMTP "
                              "helo=<%s>", h);
    p = open_p();
    const char *reason;
    int rc = feed(p, big, 1, &reason);
    hv_format_postfix.finish(p);
    hv_format_postfix.close(p);
    CHECK(rc == HV_PARSE_SKIP && strcmp(reason, "helo-truncated") == 0);
    /* kept, with the HELO truncated to HV_HELO_MAX and flagged */
    CHECK(R.n == 1 && R.s[0].has_helo && R.s[0].helo_truncated &&
          strlen(R.s[0].helo) == HV_HELO_MAX &&
          strcmp(R.s[0].ip, "192.0.2.5") == 0);
    CHECK(R.n == 1 && R.s[0].replies_5xx == 1);
    /* exactly HV_HELO_MAX bytes is kept */
    h[n - 1] = '\0';
    snprintf(big, n + 400, PF "NOQUEUE: reject: RCPT from x[192.0.2.5]: 550 "
                              "5.7.1 No; from=<> to=<a@b> proto=ESMTP "
                              "helo=<%s>", h);
    p = open_p();
    rc = feed(p, big, 1, &reason);
    hv_format_postfix.finish(p);
    hv_format_postfix.close(p);
    CHECK(rc == HV_PARSE_OK);
    CHECK(R.n == 1 && R.s[0].has_helo && strlen(R.s[0].helo) == HV_HELO_MAX);
    free(big);
    free(h);
}

/* ==== Session assembly ==== */

/* test_address_cache - a client address checked once is remembered: the
 * same text again is taken, an IPv6 text is still made canonical, and an
 * invalid text of the same length (or one that differs in one byte) is
 * still refused. */
static void test_address_cache(void)
{
    static const char *const a[] = {
        "Nov  1 00:00:01 mx1 postfix/smtpd[1]: connect from a.example[192.0.2.20]",
        "Nov  1 00:00:01 mx1 postfix/smtpd[2]: connect from b.example[2001:DB8::A]",
        "Nov  1 00:00:01 mx1 postfix/smtpd[3]: connect from c.example[192.0.2.29]",
        "Nov  1 00:00:01 mx1 postfix/smtpd[4]: connect from d.example[192.0.2.2x]",
        "Nov  1 00:00:01 mx1 postfix/smtpd[5]: connect from e.example[192.0.2.020]",
        "Nov  1 00:00:02 mx1 postfix/smtpd[1]: disconnect from a.example[192.0.2.20]",
        "Nov  1 00:00:02 mx1 postfix/smtpd[2]: disconnect from b.example[2001:DB8::A]",
        "Nov  1 00:00:02 mx1 postfix/smtpd[3]: disconnect from c.example[192.0.2.29]",
        "Nov  1 00:00:02 mx1 postfix/smtpd[6]: connect from f.example[192.0.2.20]",
        "Nov  1 00:00:03 mx1 postfix/smtpd[6]: disconnect from f.example[192.0.2.20]",
        /* same length, first and last 8 bytes as line 11: only the middle
         * tells them apart (and the second is no address) */
        "Nov  1 00:00:04 mx1 postfix/smtpd[7]: connect from g.example[2001:db8:1:2:3:4:5:6]",
        "Nov  1 00:00:04 mx1 postfix/smtpd[8]: connect from h.example[2001:db8:1:x:3:4:5:6]",
        NULL,
    };
    struct hv_parser *p = open_p();
    for (uint64_t i = 0; a[i] != NULL; i++)
        (void)feed(p, a[i], i + 1, NULL);
    hv_format_postfix.finish(p);
    hv_format_postfix.close(p);
    CHECK_INTEQ(R.n, 5);   /* lines 4, 5 and 12 name no address */
    const struct hv_session *s;
    CHECK((s = at_line(1)) != NULL && strcmp(s->ip, "192.0.2.20") == 0 && s->complete);
    CHECK((s = at_line(2)) != NULL && strcmp(s->ip, "2001:db8::a") == 0 && s->complete);
    CHECK((s = at_line(3)) != NULL && strcmp(s->ip, "192.0.2.29") == 0 && s->complete);
    CHECK(at_line(4) == NULL && at_line(5) == NULL);
    CHECK((s = at_line(9)) != NULL && strcmp(s->ip, "192.0.2.20") == 0 && s->complete);
    CHECK((s = at_line(11)) != NULL && strcmp(s->ip, "2001:db8:1:2:3:4:5:6") == 0);
    CHECK(at_line(12) == NULL);
}

/* ==== Where the HELO comes from ==== */

struct origin_case {
    const char *lines[5];
    const char *helo;              /* NULL: no HELO */
    enum hv_helo_origin origin;
};

static const struct origin_case origin_cases[] = {
    /* accepted, no action line: the HELO was sent but is not in the log */
    {{PF "connect from a.example[192.0.2.30]",
      PF "4B2A11C2B1: client=a.example[192.0.2.30]",
      PF "disconnect from a.example[192.0.2.30] ehlo=1 mail=1 rcpt=1 "
         "data=1 quit=1 commands=5", NULL},
     NULL, HV_HELO_UNOBSERVED},
    /* no counters at all (Postfix < 3.0): still unobserved */
    {{PF "connect from a.example[192.0.2.30]",
      PF "disconnect from a.example[192.0.2.30]", NULL},
     NULL, HV_HELO_UNOBSERVED},
    /* counters without helo=/ehlo=: provably none */
    {{PF "connect from a.example[192.0.2.30]",
      PF "disconnect from a.example[192.0.2.30] quit=1 commands=1", NULL},
     NULL, HV_HELO_ABSENT},
    /* lost before any command */
    {{PF "connect from a.example[192.0.2.30]",
      PF "lost connection after CONNECT from a.example[192.0.2.30]", NULL},
     NULL, HV_HELO_ABSENT},
    /* log_whatsup() without helo=: none given before RCPT */
    {{PF "NOQUEUE: reject: RCPT from a.example[192.0.2.30]: 554 5.7.1 no; "
         "from=<s@x> to=<r@y> proto=SMTP", NULL},
     NULL, HV_HELO_ABSENT},
    /* every log_whatsup() action carries the HELO */
    {{PF "NOQUEUE: permit: RCPT from a.example[192.0.2.30]: ; from=<s@x> "
         "to=<r@y> proto=ESMTP helo=<p.example>", NULL},
     "p.example", HV_HELO_LOGGED},
    {{PF "NOQUEUE: hangup: DATA from a.example[192.0.2.30]: ; from=<s@x> "
         "to=<r@y> proto=ESMTP helo=<h.example>", NULL},
     "h.example", HV_HELO_LOGGED},
    {{PF "4B2A11C2B1: bcc: RCPT from a.example[192.0.2.30]: b@c; from=<s@x> "
         "to=<r@y> proto=ESMTP helo=<b.example>", NULL},
     "b.example", HV_HELO_LOGGED},
    {{PF "NOQUEUE: delay: RCPT from a.example[192.0.2.30]: ; from=<s@x> "
         "to=<r@y> proto=ESMTP helo=<d.example>", NULL},
     "d.example", HV_HELO_LOGGED},
    /* the verbose trace (debug_peer_list) */
    {{PF "connect from localhost[::1]",
      PF "< localhost[::1]: HELO yahoo.com",
      PF "disconnect from localhost[::1] helo=1 quit=1 commands=2", NULL},
     "yahoo.com", HV_HELO_LOGGED},
    {{PF "< localhost[::1]: ehlo  x.example ", NULL},
     "x.example", HV_HELO_LOGGED},
};

static void test_helo_origin(void)
{
    for (size_t i = 0; i < sizeof(origin_cases) / sizeof(origin_cases[0]); i++) {
        const struct origin_case *t = &origin_cases[i];
        struct hv_parser *p = open_p();
        feed_all(p, t->lines);
        hv_format_postfix.finish(p);
        hv_format_postfix.close(p);
        CHECK_MSG(R.n == 1, "origin case %zu: %zu sessions", i, R.n);
        if (R.n != 1)
            continue;
        CHECK_MSG(R.s[0].helo_origin == t->origin, "origin case %zu: origin %d",
                  i, (int)R.s[0].helo_origin);
        CHECK_MSG(R.s[0].has_helo == (t->helo != NULL), "origin case %zu", i);
        if (t->helo != NULL)
            CHECK_STREQ(R.s[0].helo, t->helo);
    }
}

static void test_assembly(void)
{
    /* connect, reject, client=, cleanup warning, disconnect: one session */
    static const char *const a[] = {
        PF "connect from mail.example.org[192.0.2.20]",
        PF "NOQUEUE: reject: RCPT from mail.example.org[192.0.2.20]: 550 "
           "5.1.1 <x@example.net>: Recipient address rejected; "
           "from=<s@example.org> to=<x@example.net> proto=ESMTP "
           "helo=<first.example.org>",
        PF "3F2A11C2B1: client=mail.example.org[192.0.2.20]",
        "Nov  1 00:00:01 mx1 postfix/qmgr[811]: 3F2A11C2B1: from=<s@example."
        "org>, size=100, nrcpt=1 (queue active)",
        CU "3F2A11C2B1: warning: header Subject: hi from mail.example.org"
           "[192.0.2.20]; from=<s@example.org> to=<y@example.net> "
           "proto=ESMTP helo=<mail.example.org>",
        PF "disconnect from mail.example.org[192.0.2.20] ehlo=1 mail=1 "
           "rcpt=1/2 data=1 quit=1 commands=5/6",
        NULL,
    };
    struct hv_parser *p = open_p();
    feed_all(p, a);
    CHECK_INTEQ(postfix_open_sessions(p), 0);
    hv_format_postfix.finish(p);
    struct postfix_stats st;
    postfix_get_stats(p, &st);
    hv_format_postfix.close(p);
    CHECK_INTEQ(R.n, 1);
    CHECK_INTEQ(R.emits, 1);
    CHECK_INTEQ(st.linked, 1);
    const struct hv_session *s = at_line(1);
    CHECK(s != NULL);
    if (s != NULL) {
        CHECK_STREQ(s->ip, "192.0.2.20");
        CHECK_STREQ(s->helo, "mail.example.org");   /* latest HELO wins */
        CHECK_STREQ(s->rdns, "mail.example.org");
        CHECK_INTEQ(s->messages, 1);
        CHECK_INTEQ(s->replies_5xx, 1);
        CHECK(s->complete);
        CHECK_INTEQ(s->nqids, 1);
        CHECK_STREQ(s->qids[0], "3F2A11C2B1");
        CHECK_INTEQ(hv_session_disposition(s), HV_DISP_ACCEPTED);
        CHECK_INTEQ(s->offset, 100);
    }

    /* the cleanup warning after the disconnect: the session is emitted
     * again (same line) with the HELO */
    static const char *const b[] = {
        PF "connect from unknown[192.0.2.21]",
        PF "ABCDEF1234: client=unknown[192.0.2.21]",
        PF "disconnect from unknown[192.0.2.21] ehlo=1 mail=1 rcpt=1 data=1 "
           "quit=1 commands=5",
        CU "ABCDEF1234: warning: header Subject: hi from unknown[192.0.2.21]; "
           "from=<s@example.org> to=<y@example.net> proto=ESMTP "
           "helo=<late.example>",
        CU "ABCDEF1234: warning: header X-Other: hi from unknown[192.0.2.21]; "
           "from=<s@example.org> to=<y@example.net> proto=ESMTP "
           "helo=<late.example>",
        NULL,
    };
    unsigned first_emit_had_helo = 2;
    p = open_p();
    for (uint64_t i = 0; b[i] != NULL; i++) {
        feed(p, b[i], i + 1, NULL);
        if (i == 2)
            first_emit_had_helo = R.n == 1 ? R.s[0].has_helo : 2;
    }
    hv_format_postfix.finish(p);
    postfix_get_stats(p, &st);
    hv_format_postfix.close(p);
    CHECK_INTEQ(first_emit_had_helo, 0);
    CHECK_INTEQ(R.n, 1);
    CHECK_INTEQ(R.emits, 2);        /* the identical second warning: no emit */
    CHECK_INTEQ(st.reemitted, 1);
    s = at_line(1);
    CHECK(s != NULL && s->has_helo && strcmp(s->helo, "late.example") == 0);
    CHECK(s != NULL && s->complete && s->messages == 1);

    /* a milter reject at end of message un-counts the message */
    static const char *const c[] = {
        PF "connect from unknown[192.0.2.22]",
        PF "1A2B3C4D5E: client=unknown[192.0.2.22]",
        PF "1A2B3C4D5E: milter-reject: END-OF-MESSAGE from unknown"
           "[192.0.2.22]: 5.7.1 Spam; from=<a@b.example> to=<c@d.example> "
           "proto=ESMTP helo=<spam.example>",
        PF "disconnect from unknown[192.0.2.22] ehlo=1 mail=1 rcpt=1 "
           "data=0/1 quit=1 commands=4/5",
        NULL,
    };
    p = open_p();
    feed_all(p, c);
    hv_format_postfix.finish(p);
    hv_format_postfix.close(p);
    CHECK_INTEQ(R.n, 1);
    s = at_line(1);
    CHECK(s != NULL && s->messages == 0 && s->replies_5xx == 1);
    CHECK(s != NULL && hv_session_disposition(s) == HV_DISP_REJECTED);
    CHECK(s != NULL && strcmp(s->helo, "spam.example") == 0);

    /* pre-connect warning joins the session that follows; a line with no
     * client address attaches to the process's session */
    static const char *const d[] = {
        PF "warning: hostname x.example does not resolve to address "
           "192.0.2.23",
        PF "connect from unknown[192.0.2.23]",
        PF "proxy-reject: END-OF-MESSAGE: 554 5.7.0 Reject; from=<> "
           "to=<u@example.com> proto=SMTP helo=<proxied.example>",
        PF "disconnect from unknown[unknown] commands=0/0",
        NULL,
    };
    p = open_p();
    feed_all(p, d);
    hv_format_postfix.finish(p);
    hv_format_postfix.close(p);
    CHECK_INTEQ(R.n, 1);
    s = at_line(1);
    CHECK(s != NULL && s->complete && s->replies_5xx == 1);
    CHECK(s != NULL && strcmp(s->helo, "proxied.example") == 0);

    /* interleaved sessions: hosts, instances, pids keep them apart */
    static const char *const e[] = {
        "Nov  1 00:00:01 mx1 postfix/smtpd[7]: connect from a[192.0.2.31]",
        "Nov  1 00:00:01 mx2 postfix/smtpd[7]: connect from b[192.0.2.32]",
        "Nov  1 00:00:01 mx1 postfix-in/smtpd[7]: connect from c[192.0.2.33]",
        "Nov  1 00:00:01 mx1 postfix/smtpd[8]: connect from d[192.0.2.34]",
        "Nov  1 00:00:02 mx2 postfix/smtpd[7]: NOQUEUE: reject: RCPT from "
        "b[192.0.2.32]: 450 4.7.1 Later; from=<> to=<x@y> proto=ESMTP "
        "helo=<b.helo>",
        "Nov  1 00:00:02 mx1 postfix-in/smtpd[7]: NOQUEUE: reject: RCPT from "
        "c[192.0.2.33]: 550 5.7.1 No; from=<> to=<x@y> proto=ESMTP "
        "helo=<c.helo>",
        "Nov  1 00:00:03 mx1 postfix/smtpd[7]: lost connection after EHLO "
        "from a[192.0.2.31]",
        "Nov  1 00:00:03 mx1 postfix/smtpd[7]: disconnect from a[192.0.2.31] "
        "ehlo=1 commands=1",
        "Nov  1 00:00:03 mx2 postfix/smtpd[7]: disconnect from b[192.0.2.32]",
        "Nov  1 00:00:03 mx1 postfix-in/smtpd[7]: disconnect from "
        "c[192.0.2.33]",
        "Nov  1 00:00:04 mx1 postfix/smtpd[8]: disconnect from d[192.0.2.34] "
        "commands=0",
        "Nov  1 00:00:05 mx1 postfix/smtpd[7]: connect from a2[192.0.2.35]",
        NULL,
    };
    p = open_p();
    feed_all(p, e);
    CHECK_INTEQ(postfix_open_sessions(p), 1);
    hv_format_postfix.finish(p);
    hv_format_postfix.close(p);
    CHECK_INTEQ(R.n, 5);
    s = at_line(1);
    CHECK(s != NULL && !s->has_helo && s->lost && s->complete &&
          hv_session_disposition(s) == HV_DISP_LOST);
    s = at_line(2);
    CHECK(s != NULL && strcmp(s->helo, "b.helo") == 0 &&
          hv_session_disposition(s) == HV_DISP_DEFERRED);
    s = at_line(3);
    CHECK(s != NULL && strcmp(s->helo, "c.helo") == 0 &&
          hv_session_disposition(s) == HV_DISP_REJECTED);
    s = at_line(4);
    CHECK(s != NULL && s->complete && !s->lost &&
          hv_session_disposition(s) == HV_DISP_LOST);
    s = at_line(12);    /* open at end of input */
    CHECK(s != NULL && !s->complete &&
          hv_session_disposition(s) == HV_DISP_UNKNOWN);

    /* a second connect in the same process without a disconnect: the
     * first session is emitted as incomplete */
    static const char *const f[] = {
        PF "connect from a[192.0.2.40]",
        PF "connect from a[192.0.2.40]",
        PF "disconnect from a[192.0.2.40]",
        NULL,
    };
    p = open_p();
    feed_all(p, f);
    hv_format_postfix.finish(p);
    hv_format_postfix.close(p);
    CHECK_INTEQ(R.n, 2);
    CHECK(at_line(1) != NULL && !at_line(1)->complete);
    CHECK(at_line(2) != NULL && at_line(2)->complete);

    /* the log starts mid-session: the orphan lines are a session, and the
     * next connect of the same client starts another */
    static const char *const g[] = {
        PF "NOQUEUE: reject: RCPT from a[192.0.2.41]: 550 5.7.1 No; from=<> "
           "to=<a@b> proto=ESMTP helo=<old.example>",
        PF "connect from a[192.0.2.41]",
        PF "disconnect from a[192.0.2.41]",
        NULL,
    };
    p = open_p();
    feed_all(p, g);
    hv_format_postfix.finish(p);
    hv_format_postfix.close(p);
    CHECK_INTEQ(R.n, 2);
    CHECK(at_line(1) != NULL && !at_line(1)->complete &&
          at_line(1)->replies_5xx == 1);
    CHECK(at_line(2) != NULL && at_line(2)->complete &&
          !at_line(2)->has_helo);

    /* more messages than hv_session lists queue IDs: all of them still
     * link their cleanup lines, after the disconnect too */
    char line[300];
    p = open_p();
    uint64_t n = 0;
    feed(p, PF "connect from bulk.example[192.0.2.42]", ++n, NULL);
    for (int i = 0; i < 10; i++) {
        snprintf(line, sizeof(line), PF "%010X: client=bulk.example"
                 "[192.0.2.42]", 0xA0000 + i);
        feed(p, line, ++n, NULL);
    }
    feed(p, PF "disconnect from bulk.example[192.0.2.42]", ++n, NULL);
    snprintf(line, sizeof(line), CU "%010X: warning: header Subject: x from "
             "bulk.example[192.0.2.42]; from=<a@b> to=<c@d> proto=ESMTP "
             "helo=<bulk.helo>", 0xA0000 + 9);
    feed(p, line, ++n, NULL);
    hv_format_postfix.finish(p);
    hv_format_postfix.close(p);
    CHECK_INTEQ(R.n, 1);
    CHECK_INTEQ(R.emits, 2);
    s = at_line(1);
    CHECK(s != NULL && s->messages == 10 && s->nqids == HV_SESSION_QIDS);
    CHECK(s != NULL && s->has_helo && strcmp(s->helo, "bulk.helo") == 0);
}

/* ==== postscreen ==== */

static void test_postscreen(void)
{
    /* PASS hands the client to smtpd: only the smtpd session counts */
    static const char *const a[] = {
        PS "CONNECT from [192.0.2.50]:4000 to [192.0.2.25]:25",
        PS "PASS OLD [192.0.2.50]:4000",
        PF "connect from unknown[192.0.2.50]",
        PF "NOQUEUE: reject: RCPT from unknown[192.0.2.50]: 550 5.7.1 No; "
           "from=<> to=<a@b> proto=ESMTP helo=<ps.example>",
        PF "disconnect from unknown[192.0.2.50]",
        NULL,
    };
    struct hv_parser *p = open_p();
    feed_all(p, a);
    hv_format_postfix.finish(p);
    struct postfix_stats st;
    postfix_get_stats(p, &st);
    hv_format_postfix.close(p);
    CHECK_INTEQ(R.n, 1);
    CHECK_INTEQ(st.handed_off, 1);
    CHECK(at_line(3) != NULL && strcmp(at_line(3)->helo, "ps.example") == 0);

    /* rejected and dropped by postscreen: sessions of their own */
    static const char *const b[] = {
        PS "CONNECT from [192.0.2.51]:4001 to [192.0.2.25]:25",
        PS "CONNECT from [2001:db8::52]:4002 to [192.0.2.25]:25",
        PS "PREGREET 14 after 0.08 from [192.0.2.51]:4001: EHLO ylmf-pc\\r\\n",
        PS "NOQUEUE: reject: RCPT from [2001:db8::52]:4002: 550 5.7.1 Service "
           "unavailable; client [2001:db8::52] blocked using zen.example; "
           "from=<a@b.example>, to=<c@d.example>, proto=ESMTP, "
           "helo=<bot.example>",
        PS "DISCONNECT [192.0.2.51]:4001",
        PS "DISCONNECT [2001:db8::52]:4002",
        NULL,
    };
    p = open_p();
    feed_all(p, b);
    CHECK_INTEQ(postfix_open_sessions(p), 0);
    hv_format_postfix.finish(p);
    hv_format_postfix.close(p);
    CHECK_INTEQ(R.n, 2);
    const struct hv_session *s = at_line(1);
    CHECK(s != NULL && !s->has_helo && s->complete &&
          hv_session_disposition(s) == HV_DISP_LOST);
    s = at_line(2);
    CHECK(s != NULL && strcmp(s->ip, "2001:db8::52") == 0 &&
          strcmp(s->helo, "bot.example") == 0 &&
          hv_session_disposition(s) == HV_DISP_REJECTED);

    /* after-220 tests: PASS NEW, then postscreen itself says 450 and hangs
     * up: the connection comes back as a session from its CONNECT line */
    static const char *const c[] = {
        PS "CONNECT from [192.0.2.53]:4003 to [192.0.2.25]:25",
        PS "PASS NEW [192.0.2.53]:4003",
        PS "NOQUEUE: reject: RCPT from [192.0.2.53]:4003: 450 4.3.2 Service "
           "currently unavailable; from=<a@b.example>, to=<c@d.example>, "
           "proto=ESMTP, helo=<deep.example>",
        PS "DISCONNECT [192.0.2.53]:4003",
        NULL,
    };
    p = open_p();
    feed_all(p, c);
    hv_format_postfix.finish(p);
    hv_format_postfix.close(p);
    CHECK_INTEQ(R.n, 1);
    s = at_line(1);
    CHECK(s != NULL && strcmp(s->helo, "deep.example") == 0 && s->complete &&
          hv_session_disposition(s) == HV_DISP_DEFERRED);
}

/* ==== Bounds ==== */

static void test_eviction(void)
{
    char line[200];
    struct hv_parser *p = open_p();
    postfix_set_limits(p, 3, 2, 4);
    for (int i = 1; i <= 3; i++) {
        snprintf(line, sizeof(line), "Nov  1 00:00:0%d mx1 postfix/smtpd[%d]: "
                 "connect from a[192.0.2.%d]", i, 100 + i, i);
        feed(p, line, (uint64_t)i, NULL);
    }
    /* activity on session 1 makes session 2 the least recently active */
    feed(p, "Nov  1 00:00:04 mx1 postfix/smtpd[101]: NOQUEUE: reject: RCPT "
            "from a[192.0.2.1]: 550 5.7.1 No; from=<> to=<a@b> proto=ESMTP "
            "helo=<one.example>", 4, NULL);
    for (int i = 5; i <= 6; i++) {
        snprintf(line, sizeof(line), "Nov  1 00:00:0%d mx1 postfix/smtpd[%d]: "
                 "connect from a[192.0.2.%d]", i, 100 + i, i);
        feed(p, line, (uint64_t)i, NULL);
    }
    CHECK_INTEQ(postfix_open_sessions(p), 3);
    struct postfix_stats st;
    postfix_get_stats(p, &st);
    CHECK_INTEQ(st.evicted, 2);
    CHECK_INTEQ(R.n, 2);
    CHECK(at_line(2) != NULL && !at_line(2)->complete);
    CHECK(at_line(3) != NULL && !at_line(3)->complete);
    CHECK(at_line(1) == NULL);
    /* the evicted session's process goes on: a new session at that line */
    feed(p, "Nov  1 00:00:07 mx1 postfix/smtpd[102]: disconnect from "
            "a[192.0.2.2]", 7, NULL);
    hv_format_postfix.finish(p);
    hv_format_postfix.close(p);
    CHECK(at_line(7) != NULL && at_line(7)->complete);
    CHECK(at_line(1) != NULL && at_line(1)->has_helo);
    CHECK_INTEQ(R.n, 6);

    /* the ring of closed sessions is bounded: with room for 2, the queue ID
     * of the first of three sessions is forgotten, and its late cleanup line
     * starts a session of its own */
    p = open_p();
    postfix_set_limits(p, 0, 2, 0);
    static const char *const ids[] = {"1111111111", "2222222222", "3333333333"};
    uint64_t n = 0;
    for (int i = 0; i < 3; i++) {
        snprintf(line, sizeof(line), PF "connect from a[192.0.2.%d]", 60 + i);
        feed(p, line, ++n, NULL);
        snprintf(line, sizeof(line), PF "%s: client=a[192.0.2.%d]", ids[i],
                 60 + i);
        feed(p, line, ++n, NULL);
        snprintf(line, sizeof(line), PF "disconnect from a[192.0.2.%d]",
                 60 + i);
        feed(p, line, ++n, NULL);
    }
    for (int i = 0; i < 3; i += 2) {
        snprintf(line, sizeof(line), CU "%s: warning: header Subject: x from "
                 "a[192.0.2.%d]; from=<> to=<b@c> proto=ESMTP helo=<h%d>",
                 ids[i], 60 + i, i);
        feed(p, line, ++n, NULL);
    }
    hv_format_postfix.finish(p);
    hv_format_postfix.close(p);
    CHECK_INTEQ(R.n, 4);
    CHECK(at_line(1) != NULL && !at_line(1)->has_helo);
    CHECK(at_line(7) != NULL && strcmp(at_line(7)->helo, "h2") == 0);
    CHECK(at_line(10) != NULL && strcmp(at_line(10)->helo, "h0") == 0 &&
          at_line(10)->messages == 1);
}

/* ==== syslog splitter and probe ==== */

static void test_syslog(void)
{
    struct hv_syslog sl;
    struct hv_clock c;
    hv_clock_init(&c, 2026, 0);
    const char *l1 = "Nov  1 00:00:01 mx1 postfix-in/smtpd[4242]: hello there";
    CHECK_INTEQ(hv_syslog_split(l1, strlen(l1), &c, &sl), HV_SYSLOG_OK);
    CHECK(sl.host_len == 3 && memcmp(sl.host, "mx1", 3) == 0);
    CHECK(sl.prog_len == 16 && memcmp(sl.prog, "postfix-in/smtpd", 16) == 0);
    CHECK(sl.pid_len == 4 && hv_syslog_pidnum(&sl) == 4242);
    CHECK(sl.msg_len == 11 && memcmp(sl.msg, "hello there", 11) == 0);
    const char *base;
    size_t bl;
    hv_syslog_prog_base(sl.prog, sl.prog_len, &base, &bl);
    CHECK(bl == 5 && memcmp(base, "smtpd", 5) == 0);

    /* pids of every length up to 12 digits (eight are read at once), and
     * bytes next to the digits in ASCII (':' '/' '[') that are no digits */
    const char *pids[] = {"1", "12", "1234567", "12345678", "123456789",
                          "123456789012"};
    for (size_t i = 0; i < sizeof(pids) / sizeof(pids[0]); i++) {
        char line[128];
        snprintf(line, sizeof(line), "Nov  1 00:00:01 mx1 postfix/smtpd[%s]: m", pids[i]);
        CHECK_INTEQ(hv_syslog_split(line, strlen(line), &c, &sl), HV_SYSLOG_OK);
        CHECK_MSG(sl.pid_len == strlen(pids[i]) && memcmp(sl.pid, pids[i], sl.pid_len) == 0 &&
                      hv_syslog_pidnum(&sl) == strtoul(pids[i], NULL, 10),
                  "pid %s: got %zu digits", pids[i], sl.pid_len);
    }
    const char *notpid[] = {"Nov  1 00:00:01 mx1 postfix/smtpd[12:4]: m",
                            "Nov  1 00:00:01 mx1 postfix/smtpd[1234567/9]: m",
                            "Nov  1 00:00:01 mx1 postfix/smtpd[1234567890123]: m",
                            "Nov  1 00:00:01 mx1 postfix/smtpd[123456789;]: m"};
    for (size_t i = 0; i < sizeof(notpid) / sizeof(notpid[0]); i++)
        CHECK_MSG(hv_syslog_split(notpid[i], strlen(notpid[i]), &c, &sl) == HV_SYSLOG_NOTAG,
                  "%s: taken for a tag with a pid", notpid[i]);
    const char *l2 = "<22>2026-11-01T10:00:00Z mx2 exim[7]: 2026-11-01 x";
    CHECK_INTEQ(hv_syslog_split(l2, strlen(l2), NULL, &sl), HV_SYSLOG_OK);
    CHECK(sl.ts == tstamp_days_from_civil(2026, 11, 1) * 86400 + 36000);
    CHECK(sl.prog_len == 4 && hv_syslog_pidnum(&sl) == 7);
    const char *l2b = "<22>1 2026-11-01T10:00:00.003Z mx3 postfix/smtpd 4711 "
                      "- - connect from a[192.0.2.1]";
    CHECK_INTEQ(hv_syslog_split(l2b, strlen(l2b), NULL, &sl), HV_SYSLOG_OK);
    CHECK(sl.host_len == 3 && sl.prog_len == 13 && hv_syslog_pidnum(&sl) == 4711 &&
          sl.base_len == 5 && memcmp(sl.base, "smtpd", 5) == 0);
    CHECK(sl.msg_len == 25 && memcmp(sl.msg, "connect from a[192.0.2.1]", 25) == 0);
    const char *l2c = "<22>1 2026-11-01T10:00:00Z mx3 postfix/smtpd - ID47 "
                      "[ex@32473 a=\"x\\]y\"][b@1 c=\"d\"] \xEF\xBB\xBFhello";
    CHECK_INTEQ(hv_syslog_split(l2c, strlen(l2c), NULL, &sl), HV_SYSLOG_OK);
    CHECK(sl.pid_len == 0 && sl.msg_len == 5 && memcmp(sl.msg, "hello", 5) == 0);
    const char *l3 = "Nov  1 00:00:01 sendmail: no pid here";
    CHECK_INTEQ(hv_syslog_split(l3, strlen(l3), &c, &sl), HV_SYSLOG_OK);
    CHECK(sl.host_len == 0 && sl.prog_len == 8 && sl.pid_len == 0);
    const char *l4 = "NOQUEUE: reject: RCPT from x[1.2.3.4]: 550";
    CHECK_INTEQ(hv_syslog_split(l4, strlen(l4), &c, &sl), HV_SYSLOG_NOPREFIX);
    CHECK(sl.msg == l4 && sl.msg_len == strlen(l4));
    const char *l5 = "Nov 41 00:00:01 mx1 postfix/smtpd[1]: x";
    CHECK_INTEQ(hv_syslog_split(l5, strlen(l5), &c, &sl), HV_SYSLOG_BADSTAMP);
    const char *l6 = "Nov  1 00:00:01 mx1 -- MARK --";
    CHECK_INTEQ(hv_syslog_split(l6, strlen(l6), &c, &sl), HV_SYSLOG_NOTAG);
    const char *l7 = "PASS OLD [61.238.241.86]:53024";
    CHECK_INTEQ(hv_syslog_split(l7, strlen(l7), &c, &sl), HV_SYSLOG_NOPREFIX);

    /* the minute cache gives the same stamps as the plain split, across a
     * December to January step of an explicit year */
    static const char *const seq[] = {
        "Dec 31 23:59:58 h p[1]: a", "Dec 31 23:59:59 h p[1]: b",
        "Jan  1 00:00:00 h p[1]: c", "Jan  1 00:00:30 h p[1]: d",
        "Jan  1 00:01:00 h p[1]: e", "Jan  1 00:01:00.250 h p[1]: f",
        NULL,
    };
    struct hv_clock c1, c2;
    hv_clock_init(&c1, 2025, 0);
    hv_clock_init(&c2, 2025, 0);
    struct hv_syslog_cache cache;
    memset(&cache, 0, sizeof(cache));
    for (int i = 0; seq[i] != NULL; i++) {
        struct hv_syslog a, b;
        int ra = hv_syslog_split(seq[i], strlen(seq[i]), &c1, &a);
        int rb = hv_syslog_split_cached(seq[i], strlen(seq[i]), &c2, &cache, &b);
        CHECK_MSG(ra == rb && a.ts == b.ts && a.msg_len == b.msg_len,
                  "%s: %lld vs %lld", seq[i], (long long)a.ts,
                  (long long)b.ts);
    }
    CHECK_INTEQ(c2.year, 2026);

    const char *pl = "Nov  1 00:00:01 mx1 postfix/smtpd[1]: connect from a[1.2.3.4]";
    CHECK_INTEQ(hv_format_postfix.probe(pl, strlen(pl)), 100);
    const char *pl2 = "Nov  1 00:00:01 mx1 mail-in/smtpd[1]: connect from a[1.2.3.4]";
    CHECK_INTEQ(hv_format_postfix.probe(pl2, strlen(pl2)), 60);
    const char *el = "2026-11-01 00:00:01 1t0000-000000-00 <= a@b H=x [1.2.3.4]";
    CHECK_INTEQ(hv_format_postfix.probe(el, strlen(el)), 0);
    const char *sm = "Nov  1 00:00:01 mx1 sendmail[12]: x: from=<a>";
    CHECK_INTEQ(hv_format_postfix.probe(sm, strlen(sm)), 0);
}

/* postfix_feed_message - bare messages with a program name */
static void test_bare(void)
{
    struct hv_parser *p = open_p();
    const char *m = "NOQUEUE: reject: RCPT from unknown[2001:980:cfb1:1:82f:"
                    "f74e:a45c:3033]: 504 5.5.2 <aap@henk>: Sender address "
                    "rejected; from=<aap@henk> to=<u@example.com> "
                    "proto=SMTP helo=<test>";
    struct hv_line l = {m, strlen(m), 1, 0};
    const char *reason = NULL;
    CHECK_INTEQ(postfix_feed_message(p, "smtpd", 5, &l, &reason), HV_PARSE_OK);
    const char *m2 = "PASS OLD [61.238.241.86]:53024";
    struct hv_line l2 = {m2, strlen(m2), 2, 0};
    CHECK_INTEQ(postfix_feed_message(p, "postscreen", 10, &l2, &reason),
                HV_PARSE_OK);
    hv_format_postfix.finish(p);
    hv_format_postfix.close(p);
    CHECK_INTEQ(R.n, 1);
    CHECK(R.n == 1 && strcmp(R.s[0].helo, "test") == 0 &&
          strcmp(R.s[0].ip, "2001:980:cfb1:1:82f:f74e:a45c:3033") == 0);
}

/* ==== genlog replay against its truth ==== */

struct trow {
    char ip[64];
    char helo[128];
    char disp[16];
};

static int cmp_row(const void *a, const void *b)
{
    const struct trow *x = a, *y = b;
    int c = strcmp(x->ip, y->ip);
    if (c == 0)
        c = strcmp(x->helo, y->helo);
    if (c == 0)
        c = strcmp(x->disp, y->disp);
    return c;
}

static struct trow *got_rows;
static size_t ngot_rows, capgot;
static uint32_t *row_of_line;
static size_t nrow_of_line;

static void collect_rows(void *arg, const struct hv_session *s)
{
    (void)arg;
    if (s->line >= nrow_of_line)
        return;
    uint32_t i = row_of_line[s->line];
    if (i == 0) {
        if (ngot_rows == capgot) {
            capgot = capgot ? capgot * 2 : 1024;
            got_rows = realloc(got_rows, capgot * sizeof(*got_rows));
        }
        i = (uint32_t)++ngot_rows;
        row_of_line[s->line] = i;
    }
    struct trow *r = &got_rows[i - 1];
    snprintf(r->ip, sizeof(r->ip), "%s", s->ip);
    snprintf(r->helo, sizeof(r->helo), "%.100s", s->helo);
    snprintf(r->disp, sizeof(r->disp), "%s",
             hv_disposition_name(hv_session_disposition(s)));
}

/* test_genlog - a generated Postfix log (tests/tools/genlog.py, relative
 * to the repository top where the tests run; HV_GENLOG overrides) streamed
 * through the parser: no line skipped, and the sessions equal the truth
 * file's (ip, helo_seen, disposition) rows, as multisets. */
static void test_genlog(void)
{
    char truth[32];
    FILE *in = genlog_pipe("postfix", 3000, 7, truth);
    if (in == NULL)
        return;
    struct hv_clock c;
    hv_clock_init(&c, 2026, 0);
    struct hv_parse_opts o = {&c, NULL, 0, 0};
    nrow_of_line = 1u << 16;
    row_of_line = calloc(nrow_of_line, sizeof(*row_of_line));
    struct hv_parser *p = hv_format_postfix.open(&o, collect_rows, NULL);
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    uint64_t lineno = 0, off = 0, skipped = 0;
    while ((n = getline(&line, &cap, in)) > 0) {
        size_t len = (size_t)n;
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            line[--len] = '\0';
        struct hv_line l = {line, len, ++lineno, off};
        off += (uint64_t)n;
        const char *reason;
        if (hv_format_postfix.feed(p, &l, &reason) != HV_PARSE_OK)
            skipped++;
    }
    CHECK_INTEQ(pclose(in), 0);
    hv_format_postfix.finish(p);
    hv_format_postfix.close(p);
    CHECK(lineno > 10000);
    CHECK_INTEQ(skipped, 0);

    /* session_no ip helo_sent helo_seen helo_origin disposition, after a
     * header row */
    FILE *tf = fopen(truth, "r");
    struct trow *want = calloc(4000, sizeof(*want));
    size_t nwant = 0;
    bool header = true;
    while (tf != NULL && (n = getline(&line, &cap, tf)) > 0 && nwant < 4000) {
        char *f[6] = {line, NULL, NULL, NULL, NULL, NULL};
        int k = 1;
        for (char *q = line; *q != '\0' && k < 6; q++)
            if (*q == '\t') {
                *q = '\0';
                f[k++] = q + 1;
            }
        if (header || k < 6) {
            header = false;
            continue;
        }
        f[5][strcspn(f[5], "\r\n")] = '\0';
        struct trow *r = &want[nwant++];
        snprintf(r->ip, sizeof(r->ip), "%s", f[1]);
        snprintf(r->helo, sizeof(r->helo), "%.100s", f[3]);
        snprintf(r->disp, sizeof(r->disp), "%s", f[5]);
    }
    if (tf != NULL)
        fclose(tf);
    unlink(truth);
    free(line);
    CHECK_INTEQ(nwant, 3000);
    CHECK_INTEQ(ngot_rows, nwant);
    qsort(want, nwant, sizeof(*want), cmp_row);
    qsort(got_rows, ngot_rows, sizeof(*got_rows), cmp_row);
    size_t diff = 0;
    for (size_t i = 0; i < nwant && i < ngot_rows; i++) {
        if (cmp_row(&want[i], &got_rows[i]) != 0) {
            if (diff++ < 5)
                printf("FAIL genlog: want %s|%s|%s, got %s|%s|%s\n",
                       want[i].ip, want[i].helo, want[i].disp,
                       got_rows[i].ip, got_rows[i].helo, got_rows[i].disp);
        }
    }
    CHECK_INTEQ(diff, 0);
    free(want);
    free(got_rows);
    free(row_of_line);
}

/* ==== Spam labels (session.h, spamtext.h) ==== */

struct label_case {
    const char *lines[6];
    enum hv_label label;
    enum hv_label_from from;
};

#define CONN PF "connect from x.example[192.0.2.9]"
#define CLIENT PF "ABC123DEF0: client=x.example[192.0.2.9]"
#define TRAILER "; from=<a@x.example> to=<b@example.org> proto=ESMTP helo=<x.example>"

static const struct label_case label_cases[] = {
    /* reject_rbl_client (corpus shape), a 4xx one is no label */
    {{CONN, PF "NOQUEUE: reject: RCPT from x.example[192.0.2.9]: 554 5.7.1 Service"
              " unavailable; Client host [192.0.2.9] blocked using zen.spamhaus.org;"
              " http://www.spamhaus.org/query/ip/192.0.2.9" TRAILER, NULL},
     HV_LABEL_SPAM, HV_LFROM_DNSBL},
    {{CONN, PF "NOQUEUE: reject: RCPT from x.example[192.0.2.9]: 454 4.7.1 Service"
              " unavailable; Client host [192.0.2.9] blocked using rbl.example.com" TRAILER,
      NULL}, HV_LABEL_NONE, HV_LFROM_NONE},
    /* reject_rhsbl_helo */
    {{CONN, PF "NOQUEUE: reject: RCPT from x.example[192.0.2.9]: 554 5.7.1 Service"
              " unavailable; Helo command [x.example] blocked using dbl.spamhaus.org" TRAILER,
      NULL}, HV_LABEL_SPAM, HV_LFROM_DNSBL},
    /* postscreen (corpus shape) */
    {{PS "CONNECT from [192.0.2.9]:60591 to [198.51.100.1]:25",
      PS "NOQUEUE: reject: RCPT from [192.0.2.9]:60591: 550 5.7.1 Service unavailable;"
         " client [192.0.2.9] blocked using zen.spamhaus.org; from=<s@x.example>,"
         " to=<r@example.org>, proto=ESMTP, helo=<x.example>", NULL},
     HV_LABEL_SPAM, HV_LFROM_DNSBL},
    /* "spam" at RCPT is no content filter; the trailer is not read */
    {{CONN, PF "NOQUEUE: reject: RCPT from x.example[192.0.2.9]: 550 5.7.1 you look like"
              " a spammer" TRAILER, NULL}, HV_LABEL_NONE, HV_LFROM_NONE},
    {{CONN, PF "NOQUEUE: reject: RCPT from x.example[192.0.2.9]: 550 5.1.1 <b@example.org>:"
              " Recipient address rejected: User unknown; from=<blocked.using@x.example>"
              " to=<b@example.org> proto=ESMTP helo=<listed.in.blacklist>", NULL},
     HV_LABEL_NONE, HV_LFROM_NONE},
    /* smtpd milter at DATA (corpus shape); greylisting milter at RCPT */
    {{CONN, CLIENT, PF "ABC123DEF0: milter-reject: DATA from x.example[192.0.2.9]: 550 5.7.1"
                       " Command rejected" TRAILER, NULL}, HV_LABEL_SPAM, HV_LFROM_FILTER},
    {{CONN, PF "NOQUEUE: milter-reject: RCPT from x.example[192.0.2.9]: 451 4.7.1"
              " Greylisting in action, please come back later" TRAILER, NULL},
     HV_LABEL_NONE, HV_LFROM_NONE},
    /* cleanup: milter at end of message (corpus shape), header/body checks */
    {{CONN, CLIENT, CU "ABC123DEF0: milter-reject: END-OF-MESSAGE from x.example[192.0.2.9]:"
                       " 5.7.1 Blocked by SpamAssassin" TRAILER, NULL},
     HV_LABEL_SPAM, HV_LFROM_FILTER},
    {{CONN, CLIENT, CU "ABC123DEF0: milter-reject: END-OF-MESSAGE from x.example[192.0.2.9]:"
                       " 4.7.1 try again later" TRAILER, NULL}, HV_LABEL_NONE, HV_LFROM_NONE},
    {{CONN, CLIENT, CU "ABC123DEF0: reject: body buy pills from x.example[192.0.2.9]" TRAILER
                       ": 5.7.1 message content rejected", NULL},
     HV_LABEL_SPAM, HV_LFROM_FILTER},
    {{CONN, CLIENT, CU "ABC123DEF0: reject: header Subject: hi from x.example[192.0.2.9]"
                       TRAILER ": 4.7.1 later", NULL}, HV_LABEL_NONE, HV_LFROM_NONE},
    {{CONN, CLIENT, CU "ABC123DEF0: warning: header Subject: hi from x.example[192.0.2.9]"
                       TRAILER, NULL}, HV_LABEL_NONE, HV_LFROM_NONE},
    /* smtpd_proxy_filter (amavis) at end of message (corpus shape) */
    {{CONN, PF "proxy-reject: END-OF-MESSAGE: 554 5.7.0 Reject, contact postmaster@example.com,"
              " id=31619-02 - spam; from=<> to=<user2@example2.com> proto=SMTP helo=<x.example>",
      NULL}, HV_LABEL_SPAM, HV_LFROM_FILTER},
    {{CONN, PF "proxy-reject: END-OF-MESSAGE: 451 4.5.0 Error in processing, id=31619-02;"
              " from=<> to=<user2@example2.com> proto=SMTP helo=<x.example>",
      NULL}, HV_LABEL_NONE, HV_LFROM_NONE},
    /* the first label stays */
    {{CONN, PF "NOQUEUE: reject: RCPT from x.example[192.0.2.9]: 554 5.7.1 Client host"
              " [192.0.2.9] blocked using zen.spamhaus.org" TRAILER,
      CLIENT, CU "ABC123DEF0: milter-reject: END-OF-MESSAGE from x.example[192.0.2.9]:"
                 " 5.7.1 spam" TRAILER, NULL}, HV_LABEL_SPAM, HV_LFROM_DNSBL},
};

static void test_labels(void)
{
    for (size_t i = 0; i < sizeof(label_cases) / sizeof(label_cases[0]); i++) {
        const struct label_case *t = &label_cases[i];
        struct hv_parser *p = open_p();
        feed_all(p, t->lines);
        hv_format_postfix.finish(p);
        hv_format_postfix.close(p);
        CHECK_MSG(R.n == 1, "label case %zu: %zu sessions", i, R.n);
        if (R.n != 1)
            continue;
        CHECK_MSG(R.s[0].label == t->label && R.s[0].label_from == t->from,
                  "label case %zu: label %d from %d", i, (int)R.s[0].label,
                  (int)R.s[0].label_from);
    }
    /* a closed session labelled by a late cleanup line is emitted again
     * with the label; a later update (a HELO) keeps it */
    static const char *const late[] = {
        CONN, CLIENT, PF "disconnect from x.example[192.0.2.9] ehlo=1 mail=1 rcpt=1 data=1"
                         " quit=1 commands=5",
        CU "ABC123DEF0: milter-reject: END-OF-MESSAGE from x.example[192.0.2.9]: 5.7.1"
           " Spam message rejected" TRAILER,
        CU "ABC123DEF0: warning: header Subject: hi from x.example[192.0.2.9]; from=<a@x>"
           " to=<b@y> proto=ESMTP helo=<other.example>",
        NULL};
    struct hv_parser *p = open_p();
    feed_all(p, late);
    hv_format_postfix.finish(p);
    hv_format_postfix.close(p);
    CHECK_INTEQ(R.n, 1);
    CHECK_INTEQ(R.emits, 3);
    CHECK_INTEQ(R.s[0].label, HV_LABEL_SPAM);
    CHECK_INTEQ(R.s[0].label_from, HV_LFROM_FILTER);
    CHECK(R.s[0].again && R.s[0].had_label);
    CHECK_STREQ(R.s[0].helo, "other.example");
}

int main(void)
{
    test_shapes();
    test_stamps_and_limits();
    test_address_cache();
    test_assembly();
    test_helo_origin();
    test_labels();
    test_postscreen();
    test_eviction();
    test_syslog();
    test_bare();
    test_genlog();
    return CHECK_DONE();
}
