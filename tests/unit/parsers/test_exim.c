/* SPDX-License-Identifier: MIT */
/*
 * test_exim - table-driven tests of the Exim parser (parsers/exim.c): host
 * field shapes, line shapes, injection, deliveries that must give nothing,
 * multi-line merging (port, pid, IP+HELO, idle window), dispositions, skip
 * reasons, probe, and the shared open-session map (hv_smap).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "exim.h"
#include "parser.h"
#include "session.h"
#include "tstamp.h"

#define HARNESS_FORMAT hv_format_exim
#include "parser_harness.h"

/* ==== Host fields ==== */

static void test_host_parse(void)
{
    static const struct {
        const char *in;
        const char *ip;       /* NULL: must not parse */
        unsigned port;
        const char *name;     /* NULL: none */
        const char *helo;     /* NULL: none */
    } t[] = {
        {"[192.0.2.1]", "192.0.2.1", 0, NULL, NULL},
        {"[192.0.2.1]:4242 I=[10.0.0.1]:25", "192.0.2.1", 4242, NULL, NULL},
        {"mx.example.com [192.0.2.2]", "192.0.2.2", 0, "mx.example.com", NULL},
        {"(helo.example) [192.0.2.3] U=x", "192.0.2.3", 0, NULL, "helo.example"},
        {"rdns.example (helo.example) [192.0.2.4]:25", "192.0.2.4", 25,
         "rdns.example", "helo.example"},
        {"([192.168.2.33]) [24.106.174.74]: 535", "24.106.174.74", 0, NULL,
         "[192.168.2.33]"},
        {"(test) [::1]:39454:", "::1", 39454, NULL, "test"},
        {"(x) [2001:DB8::1]", "2001:db8::1", 0, NULL, "x"},
        {"(x) [IPv6:2001:db8::2]", "2001:db8::2", 0, NULL, "x"},
        {"[127.0.0.1]:PORT_D rest", "127.0.0.1", 0, NULL, NULL},
        {"(testing.testing) [10.0.0.5] [10.0.0.5] 535", "10.0.0.5", 0, NULL,
         "testing.testing"},
        /* a HELO with a bracket inside the parentheses is not the address */
        {"([8.8.8.8]) [192.0.2.5]", "192.0.2.5", 0, NULL, "[8.8.8.8]"},
        {"(ip4.ip4.ip4.ip4) [ip4.ip4.ip4.ip4]", NULL, 0, NULL, NULL},
        {"name junk [192.0.2.6]", NULL, 0, NULL, NULL},
        {"[192.0.2.7]\"", NULL, 0, NULL, NULL},
        {"", NULL, 0, NULL, NULL},
        {"(unterminated [192.0.2.8", NULL, 0, NULL, NULL},
    };
    for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
        struct hv_exim_host h;
        bool ok = hv_exim_host_parse(t[i].in, strlen(t[i].in), &h);
        CHECK_MSG(ok == (t[i].ip != NULL), "host %zu: %s", i, t[i].in);
        if (!ok || t[i].ip == NULL)
            continue;
        char ip[46];
        hv_addr_format(&h.addr, ip);
        CHECK_STREQ(ip, t[i].ip);
        CHECK_INTEQ(h.port, t[i].port);
        char buf[256];
        snprintf(buf, sizeof(buf), "%.*s", (int)h.name_len, h.name ? h.name : "");
        CHECK_STREQ(buf, t[i].name ? t[i].name : "");
        CHECK(t[i].name == NULL ? h.name == NULL : h.name != NULL);
        snprintf(buf, sizeof(buf), "%.*s", (int)h.helo_len, h.helo ? h.helo : "");
        CHECK_STREQ(buf, t[i].helo ? t[i].helo : "");
        CHECK(t[i].helo == NULL ? h.helo == NULL : h.helo != NULL);
    }
}

static void test_msgid(void)
{
    CHECK_INTEQ(hv_exim_msgid_len("1tOHFe-040742-93 <= a", 21), 16);
    CHECK_INTEQ(hv_exim_msgid_len("10HmaX-000000005vi-0000 => b", 28), 23);
    CHECK_INTEQ(hv_exim_msgid_len("1tOHFe-040742-93", 16), 0);
    CHECK_INTEQ(hv_exim_msgid_len("1tOHFe_040742-93 x", 18), 0);
    CHECK_INTEQ(hv_exim_msgid_len("H=(x) [1.2.3.4] abcdefgh", 24), 0);
}

/* ==== One line, one session ==== */

/* rows: line, ip, helo, rdns, messages, r5, r4, disposition, qid (struct
 * one_want, parser_harness.h) */
static const struct one_want ones[] = {
    /* arrivals */
    {"2026-11-01 00:00:02 1tOHFe-040742-93 <= user623@d00460.com "
     "H=mta30.d0055c.br (helo.d0055c.br) [85.226.142.71]:42458 "
     "I=[192.0.2.25]:25 P=esmtps S=68302 id=4d6bf079897d@d00460.com",
     "85.226.142.71", "helo.d0055c.br", "mta30.d0055c.br", 1, 0, 0,
     HV_DISP_ACCEPTED, "1tOHFe-040742-93"},
    {"2026-11-01 00:00:02 10HmaX-000000005vi-0000 <= x@y H=(test) "
     "[127.0.0.1] P=smtp S=sss",
     "127.0.0.1", "test", "", 1, 0, 0, HV_DISP_ACCEPTED,
     "10HmaX-000000005vi-0000"},
    {"2026-11-01 00:00:02 10HmaX-000000005vi-0000 (= x@y H=(test) "
     "[127.0.0.1] P=smtp S=sss",
     "127.0.0.1", "test", "", 1, 0, 0, HV_DISP_ACCEPTED, NULL},
    /* no HELO shown in an SMTP arrival: it equals the verified name
     * (Exim host_build_sender_fullhost); implied. Without a verified name
     * Exim prints "(helo)" whenever one was given: H=[ip] sent none */
    {"2026-11-01 00:00:03 1tOHFe-040742-94 <= a@b H=mx.example.net "
     "[192.0.2.10] P=esmtp S=1",
     "192.0.2.10", "mx.example.net", "mx.example.net", 1, 0, 0, HV_DISP_ACCEPTED, NULL},
    {"2026-11-01 00:00:03 1tOHFe-040742-95 <= a@b H=[192.0.2.11] P=smtp S=1",
     "192.0.2.11", NULL, "", 1, 0, 0, HV_DISP_ACCEPTED, NULL},
    /* quoted sender with spaces, R= reference, DS marker, IPv6 */
    {"2026-11-01 00:00:03 1tOHFe-040742-96 <= \"name with H=(evil) "
     "[8.8.8.8] spaces\"@x.example R=1tOHFe-040742-90 DS H=(v6.example) "
     "[2001:DB8::25]:5000 P=esmtp S=1",
     "2001:db8::25", "v6.example", "", 1, 0, 0, HV_DISP_ACCEPTED, NULL},
    /* a forged host field in the subject (after Exim's) does not win */
    {"2026-11-01 00:00:03 1tOHFe-040742-97 <= a@b H=(real.example) "
     "[192.0.2.12] P=esmtp S=1 T=\"hi H=(evil) [8.8.8.8] there\"",
     "192.0.2.12", "real.example", "", 1, 0, 0, HV_DISP_ACCEPTED, NULL},
    /* local submission: no host, no session */
    {"2026-11-01 00:00:03 1tOHFe-040742-98 <= root@x U=root P=local S=1",
     NULL, NULL, NULL, 0, 0, 0, HV_DISP_UNKNOWN, NULL},
    /* ACL rejects */
    {"2013-06-15 16:34:55 H=mx.tillions.com [182.18.24.93] "
     "F=<buh@caladan.ebay.sun.com> rejected RCPT <r@x.ua>: Sender verify failed",
     "182.18.24.93", "mx.tillions.com", "mx.tillions.com", 0, 1, 0, HV_DISP_REJECTED, NULL},
    {"2013-06-10 18:33:32 [10099] H=(yakult.com.tw) [202.132.70.178]:3755 "
     "I=[1.2.3.4]:25 F=m@l.org rejected RCPT dir@ml3.ru: relay not permitted",
     "202.132.70.178", "yakult.com.tw", "", 0, 1, 0, HV_DISP_REJECTED, NULL},
    {"1999-03-02 09:44:33 H=(test) [56.56.57.57] U=CALLER F=<u@test.ex> "
     "temporarily rejected RCPT <c@test.ex>: invalid \"condition\" value",
     "56.56.57.57", "test", "", 0, 0, 1, HV_DISP_DEFERRED, NULL},
    {"2010-11-24 21:48:41 1PLKOW-00046U-EW F=w@d.com H=93-143.t-com.hr "
     "(droolindog.com) [93.143.146.237] I=[10.10.10.32]:25 P=esmtp "
     "temporarily rejected by local_scan(): Temporary local problem",
     "93.143.146.237", "droolindog.com", "93-143.t-com.hr", 0, 0, 1,
     HV_DISP_DEFERRED, NULL},
    {"2013-06-15 11:20:36 [2516] 1Unmew-0000ea-SE H=eg.otenet.gr "
     "[83.235.177.148]:32706 I=[1.2.3.4]:25 F=a@g.com rejected after DATA: virus",
     "83.235.177.148", "eg.otenet.gr", "eg.otenet.gr", 0, 1, 0, HV_DISP_REJECTED, NULL},
    {"2022-04-03 21:53:54 H=[192.0.2.101]:62839 dropped by 'connect' ACL: "
     "Country is banned",
     "192.0.2.101", NULL, "", 0, 1, 0, HV_DISP_REJECTED, NULL},
    {"2013-06-10 10:10:59 H=uff.it (srv.uff.it) [193.169.56.211] sender "
     "verify fail for <user@example.com>: Unrouteable address",
     "193.169.56.211", "srv.uff.it", "uff.it", 0, 0, 0, HV_DISP_UNKNOWN, NULL},
    /* authenticator failures, old and new forms, 5xx and 4xx */
    {"2013-01-04 17:03:46 login authenticator failed for rrcs.rr.com "
     "([192.168.2.33]) [24.106.174.74]: 535 Incorrect authentication data",
     "24.106.174.74", "[192.168.2.33]", "rrcs.rr.com", 0, 1, 0,
     HV_DISP_REJECTED, NULL},
    {"1999-03-02 09:44:33 defer authenticator failed for H=(test.host) "
     "[10.0.0.1] U=CALLER: 435 Unable to authenticate at present",
     "10.0.0.1", "test.host", "", 0, 0, 1, HV_DISP_DEFERRED, NULL},
    /* connection-level lines */
    {"2017-01-24 02:53:13 SMTP connection from (hydra) [10.101.1.10]:53682 lost",
     "10.101.1.10", "hydra", "", 0, 0, 0, HV_DISP_LOST, NULL},
    {"2026-11-01 00:00:02 SMTP connection from H=edge15.d004a8.co.uk "
     "[83.236.208.199] lost D=20s",
     "83.236.208.199", NULL, "edge15.d004a8.co.uk", 0, 0, 0, HV_DISP_LOST, NULL},
    {"2016-03-21 06:38:05 [5718] no MAIL in SMTP connection from "
     "www3005.sakura.ne.jp [49.212.207.15]:28890 I=[172.89.0.6]:25 D=21s",
     "49.212.207.15", NULL, "www3005.sakura.ne.jp", 0, 0, 0, HV_DISP_LOST, NULL},
    {"1999-03-02 09:44:33 SMTP command timeout on connection from "
     "[127.0.0.1] D=qqs",
     "127.0.0.1", NULL, "", 0, 0, 0, HV_DISP_LOST, NULL},
    {"1999-03-02 09:44:33 unexpected disconnection while reading SMTP "
     "command from (test) [192.0.2.30] D=qqs",
     "192.0.2.30", "test", "", 0, 0, 0, HV_DISP_LOST, NULL},
    {"1999-03-02 09:44:33 TLS error on connection from (t.rhu.barb) "
     "[192.0.2.31] (tls lib accept fn): timed out",
     "192.0.2.31", "t.rhu.barb", "", 0, 0, 0, HV_DISP_LOST, NULL},
    {"2016-03-21 04:33:14 SMTP connection from (some.domain) [192.0.2.33] "
     "closed by DROP in ACL",
     "192.0.2.33", "some.domain", "", 0, 1, 0, HV_DISP_REJECTED, NULL},
    {"2013-06-02 09:22:08 SMTP call from xxx.example.com [192.0.2.109] "
     "dropped: too many syntax or protocol errors",
     "192.0.2.109", NULL, "xxx.example.com", 0, 0, 0, HV_DISP_LOST, NULL},
    {"1999-03-02 09:44:33 refused connection from [192.0.2.32] "
     "(host_reject_connection)",
     "192.0.2.32", NULL, "", 0, 1, 0, HV_DISP_REJECTED, NULL},
    /* invalid EHLO: the argument is the HELO when the field shows none */
    {"2026-11-01 00:00:04 rejected EHLO from [192.0.2.40]: syntactically "
     "invalid argument(s): foo_bar!",
     "192.0.2.40", "foo_bar!", "", 0, 1, 0, HV_DISP_REJECTED, NULL},
    {"2026-11-01 00:00:04 rejected HELO from [192.0.2.41]: syntactically "
     "invalid argument(s): (no argument given)",
     "192.0.2.41", NULL, "", 0, 1, 0, HV_DISP_REJECTED, NULL},
    {"2026-11-01 00:00:04 rejected EHLO from (prev.example) [192.0.2.42]: "
     "syntactically invalid argument(s): x y",
     "192.0.2.42", "prev.example", "", 0, 1, 0, HV_DISP_REJECTED, NULL},
    /* injection: the client's command text carries a forged field */
    {"2017-11-28 14:14:32 SMTP protocol error in \"aUtH lOgIn\" H=(test) "
     "[8.8.8.8]\" H=(roxzgj) [192.0.2.6] AUTH command used when not advertised",
     "192.0.2.6", "roxzgj", "", 0, 1, 0, HV_DISP_REJECTED, NULL},
    {"2026-11-01 00:00:05 SMTP syntax error in \"\\033[8.8.8.8] H=(e) "
     "[8.8.8.8]\" H=(syn.example) [192.0.2.8] unrecognized command",
     "192.0.2.8", "syn.example", "", 0, 1, 0, HV_DISP_REJECTED, NULL},
    {"2026-11-01 00:00:05 Connection from [192.0.2.43] refused: too many "
     "connections from that IP address",
     "192.0.2.43", NULL, "", 0, 0, 1, HV_DISP_DEFERRED, NULL},
    {"2017-11-28 14:14:32 SMTP protocol error in \"AUTH H=(test) [8.8.8.8] x\" "
     "H=(roxzgj) [192.0.2.7] AUTH command used when not advertised",
     "192.0.2.7", "roxzgj", "", 0, 1, 0, HV_DISP_REJECTED, NULL},
    {"2013-06-02 06:54:20 [13314] SMTP protocol synchronization error (input "
     "sent without waiting for greeting): rejected connection from "
     "H=[211.148.195.192]:25936 I=[1.2.3.4]:25 input=\"EHLO x H=(evil) "
     "[8.8.8.8]\\r\\n\"",
     "211.148.195.192", NULL, "", 0, 1, 0, HV_DISP_REJECTED, NULL},
    {"2013-06-02 09:05:48 [18505] SMTP protocol synchronization error (next "
     "input sent too soon: pipelining was not advertised): rejected \"RSET\" "
     "H=ba77.mx83.fr [82.96.160.77]:58302 I=[1.2.3.4]:25 next input=\"QUIT "
     "H=(evil) [8.8.8.8]\\r\\n\"",
     "82.96.160.77", NULL, "ba77.mx83.fr", 0, 1, 0, HV_DISP_REJECTED, NULL},
    {"1999-03-02 09:44:33 ETRN #a H=(evil) [8.8.8.8] received from "
     "(rhu.barb) [127.0.0.1]",
     "127.0.0.1", "rhu.barb", "", 0, 0, 0, HV_DISP_UNKNOWN, NULL},
    /* other client shapes */
    {"2013-12-29 15:39:11 1VxHWD-000NuW-83 SA: Action: silently tossed "
     "message: score=35.8 (host=NULL [178.123.108.196]) for me@my.com",
     "178.123.108.196", NULL, "", 0, 0, 0, HV_DISP_UNKNOWN, NULL},
    {"2017-12-03 08:51:35 no IP address found for host test.example.com "
     "(during SMTP connection from [192.0.2.9])",
     "192.0.2.9", NULL, "", 0, 0, 0, HV_DISP_UNKNOWN, NULL},
    {"2017-12-03 08:32:00 no host name found for IP address 192.0.2.8",
     "192.0.2.8", NULL, "", 0, 0, 0, HV_DISP_UNKNOWN, NULL},
    /* wrappers: syslog with and without the inner stamp, journal prefix,
     * stamp with fraction and zone */
    {"Nov  1 00:00:01 mx exim[123]: 2026-11-01 00:00:01 H=(a.example) "
     "[192.0.2.50] F=<x@y> rejected RCPT <z@w>",
     "192.0.2.50", "a.example", "", 0, 1, 0, HV_DISP_REJECTED, NULL},
    {"Nov  1 00:00:01 mx exim4[123]: H=(b.example) [192.0.2.51] F=<x@y> "
     "rejected RCPT <z@w>",
     "192.0.2.51", "b.example", "", 0, 1, 0, HV_DISP_REJECTED, NULL},
    {"mail.example.com exim[3751842]: 2021-07-17 23:20:49 plain_server "
     "authenticator failed for ([192.0.2.17]) [192.0.2.27]: 535 Incorrect",
     "192.0.2.27", "[192.0.2.17]", "", 0, 1, 0, HV_DISP_REJECTED, NULL},
    {"2019-10-22 03:39:17 mx1.fqdn.local exim[29786]: dovecot_login "
     "authenticator failed for (User) [192.0.2.37]: 535 Incorrect",
     "192.0.2.37", "User", "", 0, 1, 0, HV_DISP_REJECTED, NULL},
    /* Exim is the client (or no client at all): nothing */
    {"2026-11-01 00:00:03 1tOHFe-040742-93 => rcpt5 R=local_user T=mail_spool",
     NULL, NULL, NULL, 0, 0, 0, HV_DISP_UNKNOWN, NULL},
    {"1999-03-02 09:44:33 10HmaX-000000005vi-0000 => userx@test.ex R=client "
     "T=send_to_server H=127.0.0.1 [127.0.0.1] C=\"250 OK\"",
     NULL, NULL, NULL, 0, 0, 0, HV_DISP_UNKNOWN, NULL},
    {"1999-03-02 09:44:33 10HmaX-000000005vi-0000 -> x@test.ex R=client "
     "T=smtp H=(h) [127.0.0.1]", NULL, NULL, NULL, 0, 0, 0, HV_DISP_UNKNOWN, NULL},
    {"1999-03-02 09:44:33 10HmaX-000000005vi-0000 ** x@test.ex R=r "
     "T=smtp H=mx [192.0.2.60]: SMTP error from remote mail server after "
     "RCPT", NULL, NULL, NULL, 0, 0, 0, HV_DISP_UNKNOWN, NULL},
    {"1999-03-02 09:44:33 10HmaX-000000005vi-0000 == x@test.ex R=r T=smtp "
     "defer (-44): H=mx [192.0.2.60]", NULL, NULL, NULL, 0, 0, 0, HV_DISP_UNKNOWN, NULL},
    {"1999-03-02 09:44:33 10HmaX-000000005vi-0000 *> x@o.edu R=r T=smtp "
     "H=ten-1.test.ex [192.0.2.61] C=\"bypassed\"", NULL, NULL, NULL, 0, 0, 0,
     HV_DISP_UNKNOWN, NULL},
    {"1999-03-02 09:44:33 10HmaX-000000005vi-0000 >> x@o.edu P=<a@b> R=r "
     "T=smtp H=h [192.0.2.62]", NULL, NULL, NULL, 0, 0, 0, HV_DISP_UNKNOWN, NULL},
    {"1999-03-02 09:44:33 10HmaX-000000005vi-0000 H=mx.example [192.0.2.63]: "
     "SMTP error from remote mail server after RCPT TO:<x@y>: 550 no",
     NULL, NULL, NULL, 0, 0, 0, HV_DISP_UNKNOWN, NULL},
    {"1999-03-02 09:44:33 10HmaX-000000005vi-0000 H=127.0.0.1 "
     "[127.0.0.1]:PORT_D Connection refused",
     NULL, NULL, NULL, 0, 0, 0, HV_DISP_UNKNOWN, NULL},
    {"1999-03-02 09:44:33 10HmaZ-000000005vi-0000 plain authenticator failed "
     "H=127.0.0.1 [127.0.0.1] 535 Sorry, authentication failed",
     NULL, NULL, NULL, 0, 0, 0, HV_DISP_UNKNOWN, NULL},
    {"1999-03-02 09:44:33 U=CALLER sender verify fail for <z@remote>: "
     "127.0.0.1 [127.0.0.1] : SMTP error from remote mail server after RCPT",
     NULL, NULL, NULL, 0, 0, 0, HV_DISP_UNKNOWN, NULL},
    {"1999-03-02 09:44:33 10HmbA-000000005vi-0000 U=CALLER u@d.com "
     "F=<C@m.ex> P=<C@m.ex> tmp-reject from cutthrough after DATA: R=all "
     "T=smtp H=127.0.0.1 [127.0.0.1] C=\"459 content reject\"",
     NULL, NULL, NULL, 0, 0, 0, HV_DISP_UNKNOWN, NULL},
    {"1999-03-02 09:44:33 10HmaX-000000005vi-0000 TLS session: (certificate "
     "verification failed): delivering unencrypted to H=127.0.0.1 "
     "[127.0.0.1] (not in hosts_require_tls)",
     NULL, NULL, NULL, 0, 0, 0, HV_DISP_UNKNOWN, NULL},
    {"1999-03-02 09:44:33 exim x.yz daemon started: pid=1, listening for "
     "SMTP on [127.0.0.1]:25", NULL, NULL, NULL, 0, 0, 0, HV_DISP_UNKNOWN, NULL},
    {"2026-11-01 00:00:04 1tOHFe-040742-93 Completed",
     NULL, NULL, NULL, 0, 0, 0, HV_DISP_UNKNOWN, NULL},
    {"Nov  1 00:00:01 mx postfix/smtpd[1]: connect from x[192.0.2.1]",
     NULL, NULL, NULL, 0, 0, 0, HV_DISP_UNKNOWN, NULL},
};

static void test_one_line(void)
{
    for (size_t i = 0; i < sizeof(ones) / sizeof(ones[0]); i++)
        check_one_line(i, &ones[i], HV_MTA_EXIM);
}

/* ==== Where the HELO comes from ==== */

struct origin_case {
    const char *lines[5];
    const char *helo;            /* NULL: no HELO */
    enum hv_helo_origin origin;
};

static const struct origin_case origin_cases[] = {
    /* logged in the host field */
    {{"2026-11-01 00:00:02 1tOHFe-040742-93 <= a@b H=mx.example (h.example) "
      "[192.0.2.1] P=esmtp S=1", NULL},
     "h.example", HV_HELO_LOGGED},
    /* an arrival with H=name [ip]: the HELO equals the name (implied) */
    {{"2026-11-01 00:00:02 1tOHFe-040742-93 <= a@b H=Mx.Example [192.0.2.1] "
      "P=esmtps S=1", NULL},
     "Mx.Example", HV_HELO_IMPLIED},
    /* H=[ip] in a session that reached RCPT: an unverified host's HELO is
     * always printed, so none was given (not the literal [ip]) */
    {{"2026-11-01 00:00:02 H=[2001:db8::7] F=<a@b> rejected RCPT <c@d>: no",
      NULL},
     NULL, HV_HELO_ABSENT},
    /* ... whereas a literal HELO of an unverified host is printed */
    {{"2026-11-01 00:00:02 H=([2001:db8::7]) [2001:db8::7] F=<a@b> rejected RCPT <c@d>: no",
      NULL},
     "[2001:db8::7]", HV_HELO_LOGGED},
    /* implied on an early line, logged later: the logged one wins */
    {{"2026-11-01 00:00:01 H=mx.example [192.0.2.1]:5 F=<a@b> rejected RCPT <c>",
      "2026-11-01 00:00:02 SMTP connection from mx.example (other.example) "
      "[192.0.2.1]:5 D=1s closed by QUIT", NULL},
     "other.example", HV_HELO_LOGGED},
    /* "no MAIL" with a command list that has EHLO: implied */
    {{"2026-11-01 00:00:02 no MAIL in SMTP connection from mx.example "
      "[192.0.2.1] D=1s C=EHLO,QUIT", NULL},
     "mx.example", HV_HELO_IMPLIED},
    /* ... and without one: none */
    {{"2026-11-01 00:00:02 no MAIL in SMTP connection from mx.example "
      "[192.0.2.1] D=1s C=QUIT", NULL},
     NULL, HV_HELO_ABSENT},
    /* connection-stage lines only: read as HELO-less */
    {{"2026-11-01 00:00:01 SMTP connection from [192.0.2.1]:9 "
      "(TCP/IP connection count = 1)",
      "2026-11-01 00:00:02 SMTP connection from [192.0.2.1]:9 lost D=1s",
      NULL},
     NULL, HV_HELO_ABSENT},
    /* MAIL refused for want of a HELO, no later MAIL: none */
    {{"2026-11-01 00:00:01 rejected MAIL from [192.0.2.1]: no HELO/EHLO given",
      NULL},
     NULL, HV_HELO_ABSENT},
    /* a local_scan() verdict is a DATA-stage line */
    {{"2026-11-01 00:00:01 F=<a@b> H=mx.example [192.0.2.1] P=esmtp "
      "rejected by local_scan(): spam", NULL},
     "mx.example", HV_HELO_IMPLIED},
};

static void test_helo_origin(void)
{
    for (size_t i = 0; i < sizeof(origin_cases) / sizeof(origin_cases[0]); i++) {
        const struct origin_case *t = &origin_cases[i];
        struct got g;
        run(t->lines, &g, NULL);
        CHECK_MSG(g.n == 1, "origin case %zu: %zu sessions", i, g.n);
        if (g.n != 1)
            continue;
        CHECK_MSG(g.s[0].helo_origin == t->origin, "origin case %zu: origin %d",
                  i, (int)g.s[0].helo_origin);
        CHECK_MSG(g.s[0].has_helo == (t->helo != NULL), "origin case %zu", i);
        if (t->helo != NULL)
            CHECK_STREQ(g.s[0].helo, t->helo);
    }
}

/* ==== Spam labels (session.h, spamtext.h) ==== */

struct label_case {
    const char *lines[3];
    enum hv_label label;
    enum hv_label_from from;
};

static const struct label_case label_cases[] = {
    /* corpus shapes: black list, dnsbl, listed in, RBL */
    {{"2013-06-16 02:50:43 H=dbs.marsukov.com [111.67.203.114] F=<t@mail.ru> rejected RCPT"
      " <info@nanomedtech.ua>: rejected because 111.67.203.114 is in a black list at"
      " dnsbl.sorbs.net\\nCurrently Sending Spam See: http://www.sorbs.net/lookup.shtml",
      NULL}, HV_LABEL_SPAM, HV_LFROM_DNSBL},
    {{"2013-06-15 11:19:33 [2249] H=([2.181.148.95]) [2.181.148.95]:52391 I=[1.2.3.4]:25"
      " F=f@google.com rejected RCPT some@email.com: rejected found in dnsbl zen.spamhaus.org",
      NULL}, HV_LABEL_SPAM, HV_LFROM_DNSBL},
    {{"1999-03-02 09:44:33 H=(exim.test.ex) [192.0.2.14] F=<p@exim.test.ex> rejected RCPT"
      " <userx@exim.test.ex>: host is listed in rbl2.test.ex", NULL},
     HV_LABEL_SPAM, HV_LFROM_DNSBL},
    {{"2026-11-01 00:00:01 H=[192.0.2.5] rejected connection in \"connect\" ACL:"
      " 192.0.2.5 is listed at zen.spamhaus.org", NULL}, HV_LABEL_SPAM, HV_LFROM_DNSBL},
    /* a temporary rejection is no label */
    {{"2026-11-01 00:00:01 H=(a.example) [192.0.2.5] F=<a@a.example> temporarily rejected"
      " RCPT <x@example.org>: 192.0.2.5 is listed in zen.spamhaus.org", NULL},
     HV_LABEL_NONE, HV_LFROM_NONE},
    /* DATA stage: spam is a content filter, a virus or a header check is not */
    {{"2026-11-01 00:00:01 1tOHFe-040742-95 H=(a.example) [192.0.2.5] F=<a@a.example>"
      " rejected after DATA: Your message scored 12.5 SpamAssassin points", NULL},
     HV_LABEL_SPAM, HV_LFROM_FILTER},
    {{"2013-06-15 11:20:36 [2516] 1Unmew-0000ea-SE H=egeftech.static.otenet.gr"
      " [83.235.177.148]:32706 I=[1.2.3.4]:25 F=a@google.com rejected after DATA: This"
      " message contains a virus (Sanesecurity.Junk.39934.UNOFFICIAL).", NULL},
     HV_LABEL_NONE, HV_LFROM_NONE},
    {{"1999-03-02 09:44:33 10HmaX-000000005vi-0000 H=(test) [192.0.2.4] F=<u@localhost1>"
      " rejected after DATA: there is no valid sender in any header line", NULL},
     HV_LABEL_NONE, HV_LFROM_NONE},
    /* "spam" at RCPT: not a content filter */
    {{"2026-11-01 00:00:01 H=(a.example) [192.0.2.5] F=<a@a.example> rejected RCPT"
      " <spam@example.org>: unknown user", NULL}, HV_LABEL_NONE, HV_LFROM_NONE},
    /* sa-exim (corpus shapes) */
    {{"2013-12-30 00:24:50 1VxPit-000MMd-U4 SA: Action: flagged as Spam but accepted:"
      " score=8.2 required=5.0 (scanned in 6/6 secs | Message-Id: 0087@xxx.xx). From"
      " <spammer@xxx.xx> (host=ip-4.example [178.123.108.196]) for trap@example.com", NULL},
     HV_LABEL_SPAM, HV_LFROM_FILTER},
    {{"2013-12-29 15:34:12 1VxHRO-000NiI-Ly SA: Action: silently tossed message:"
      " score=31.0 required=5.0 trigger=30.0 (scanned in 6/6 secs | Message-Id: e@x)."
      " From <F@jazztel.es> (host=72.45.76.188.dynamic.jazztel.es [188.76.45.72]) for"
      " me@my.com", NULL}, HV_LABEL_SPAM, HV_LFROM_FILTER},
    /* the first label stays */
    {{"2026-11-01 00:00:01 H=(a.example) [192.0.2.5]:4000 F=<a@a.example> rejected RCPT"
      " <x@example.org>: 192.0.2.5 is listed in zen.spamhaus.org",
      "2026-11-01 00:00:02 1tOHFe-040742-95 H=(a.example) [192.0.2.5]:4000 F=<a@a.example>"
      " rejected after DATA: spam", NULL}, HV_LABEL_SPAM, HV_LFROM_DNSBL},
};

static void test_labels(void)
{
    for (size_t i = 0; i < sizeof(label_cases) / sizeof(label_cases[0]); i++) {
        const struct label_case *t = &label_cases[i];
        struct got g;
        run(t->lines, &g, NULL);
        CHECK_MSG(g.n == 1, "label case %zu: %zu sessions", i, g.n);
        if (g.n != 1)
            continue;
        CHECK_MSG(g.s[0].label == t->label && g.s[0].label_from == t->from,
                  "label case %zu: label %d from %d", i, (int)g.s[0].label,
                  (int)g.s[0].label_from);
    }
}

/* ==== Timestamps and skip reasons ==== */

static void test_stamps(void)
{
    struct got g;
    const char *reason = NULL;
    const char *a[] = {"2026-11-01 01:00:01.123 +0100 [42] H=(a) [192.0.2.1] "
                       "F=<x@y> rejected RCPT <z@w>", NULL};
    CHECK_INTEQ(run(a, &g, NULL), 0);
    CHECK_INTEQ(g.n, 1);
    char iso[21];
    tstamp_format_iso(g.s[0].ts, iso);
    CHECK_STREQ(iso, "2026-11-01T00:00:01Z");

    const char *b[] = {"Nov  1 00:00:05 mx exim[7]: H=(a) [192.0.2.1] "
                       "F=<x@y> rejected RCPT <z@w>", NULL};
    run(b, &g, NULL);
    CHECK_INTEQ(g.n, 1);
    tstamp_format_iso(g.s[0].ts, iso);
    CHECK_STREQ(iso, "2026-11-01T00:00:05Z");

    const char *c[] = {"2026-13-01 00:00:01 H=(a) [192.0.2.1] rejected RCPT",
                       NULL};
    CHECK_INTEQ(run(c, &g, &reason), 1);
    CHECK_STREQ(reason, "bad-timestamp");
    CHECK_INTEQ(g.n, 0);

    /* a session line without any stamp cannot be dated */
    reason = NULL;
    const char *d[] = {"H=(a) [192.0.2.1] F=<x@y> rejected RCPT <z@w>", NULL};
    CHECK_INTEQ(run(d, &g, &reason), 1);
    CHECK_STREQ(reason, "bad-timestamp");
    /* noise without a stamp is just noise */
    const char *e[] = {"some unrelated text", "", NULL};
    CHECK_INTEQ(run(e, &g, NULL), 0);
    CHECK_INTEQ(g.n, 0);

    /* HELO over HV_HELO_MAX */
    static char big[HV_HELO_MAX + 200];
    int n = snprintf(big, sizeof(big), "2026-11-01 00:00:01 H=(");
    memset(big + n, 'a', HV_HELO_MAX + 1);
    snprintf(big + n + HV_HELO_MAX + 1, sizeof(big) - (size_t)n - HV_HELO_MAX - 1,
             ") [192.0.2.1] F=<x@y> rejected RCPT <z@w>");
    const char *f[] = {big, NULL};
    reason = NULL;
    CHECK_INTEQ(run(f, &g, &reason), 1);
    CHECK_STREQ(reason, "helo-truncated");
    /* the session stays, with the HELO truncated and flagged */
    CHECK_INTEQ(g.n, 1);
    CHECK(g.n == 1 && g.s[0].has_helo && g.s[0].helo_truncated &&
          g.s[0].helo_origin == HV_HELO_LOGGED &&
          strlen(g.s[0].helo) == HV_HELO_MAX &&
          strcmp(g.s[0].ip, "192.0.2.1") == 0 && g.s[0].replies_5xx == 1);
    /* the same long HELO on a later line of a port-less log is the same
     * session (compared as kept) */
    const char *f2[] = {big, big, NULL};
    CHECK_INTEQ(run(f2, &g, NULL), 2);
    CHECK_INTEQ(g.n, 1);
    CHECK_INTEQ(g.n == 1 ? g.s[0].replies_5xx : 0, 2);
    /* exactly HV_HELO_MAX is fine */
    n = snprintf(big, sizeof(big), "2026-11-01 00:00:01 H=(");
    memset(big + n, 'b', HV_HELO_MAX);
    snprintf(big + n + HV_HELO_MAX, sizeof(big) - (size_t)n - HV_HELO_MAX,
             ") [192.0.2.1] F=<x@y> rejected RCPT <z@w>");
    CHECK_INTEQ(run(f, &g, NULL), 0);
    CHECK_INTEQ(g.n, 1);
    CHECK_INTEQ(strlen(g.s[0].helo), HV_HELO_MAX);
}

/* ==== Merging ==== */

static void test_merge(void)
{
    struct got g;
    /* one connection by IP and port: start, reject, two arrivals, end */
    const char *a[] = {
        "2026-11-01 00:00:01 SMTP connection from [192.0.2.1]:1234 "
        "I=[192.0.2.25]:25 (TCP/IP connection count = 1)",
        "2026-11-01 00:00:02 H=(helo.example) [192.0.2.1]:1234 F=<a@b> "
        "rejected RCPT <c@d>: no",
        "2026-11-01 00:00:03 SMTP connection from [192.0.2.2]:999 "
        "(TCP/IP connection count = 2)",
        "2026-11-01 00:00:04 1tOHFe-040742-93 <= a@b H=(helo.example) "
        "[192.0.2.1]:1234 P=esmtp S=1",
        "2026-11-01 00:00:05 1tOHFe-040742-93 => x R=local T=spool",
        "2026-11-01 00:00:06 1tOHFe-040742-94 <= a@b H=(helo.example) "
        "[192.0.2.1]:1234 P=esmtp S=1",
        "2026-11-01 00:00:07 SMTP connection from (helo.example) "
        "[192.0.2.1]:1234 D=6s closed by QUIT",
        NULL};
    run(a, &g, NULL);
    CHECK_INTEQ(g.n, 2);
    CHECK_STREQ(g.s[0].ip, "192.0.2.1");     /* emitted at its end */
    CHECK_INTEQ(g.s[0].line, 1);
    CHECK_INTEQ(g.s[0].offset, 0);
    CHECK_STREQ(g.s[0].helo, "helo.example");
    CHECK_INTEQ(g.s[0].messages, 2);
    CHECK_INTEQ(g.s[0].replies_5xx, 1);
    CHECK_INTEQ(g.s[0].nqids, 2);
    CHECK_STREQ(g.s[0].qids[1], "1tOHFe-040742-94");
    CHECK(g.s[0].complete);
    CHECK_INTEQ(hv_session_disposition(&g.s[0]), HV_DISP_ACCEPTED);
    CHECK_STREQ(g.s[1].ip, "192.0.2.2");     /* open at finish */
    CHECK(!g.s[1].complete);
    CHECK(!g.s[1].has_helo);
    CHECK_INTEQ(g.s[1].line, 3);
    CHECK_INTEQ(hv_session_disposition(&g.s[1]), HV_DISP_UNKNOWN);

    /* same IP, other ports: separate sessions */
    const char *b[] = {
        "2026-11-01 00:00:01 H=(h) [192.0.2.1]:1 F=<a@b> rejected RCPT <c@d>",
        "2026-11-01 00:00:01 H=(h) [192.0.2.1]:2 F=<a@b> rejected RCPT <c@d>",
        NULL};
    run(b, &g, NULL);
    CHECK_INTEQ(g.n, 2);

    /* no port: same IP and HELO merge; another HELO starts a new session;
     * a line without HELO joins the open one */
    const char *c[] = {
        "2026-11-01 00:00:01 H=(h1) [192.0.2.1] F=<a@b> rejected RCPT <c@d>",
        "2026-11-01 00:00:02 H=(h1) [192.0.2.1] F=<a@b> rejected RCPT <e@d>",
        "2026-11-01 00:00:03 H=(h2) [192.0.2.1] F=<a@b> temporarily "
        "rejected RCPT <c@d>",
        "2026-11-01 00:00:04 SMTP command timeout on connection from "
        "[192.0.2.1] D=1s",
        NULL};
    run(c, &g, NULL);
    CHECK_INTEQ(g.n, 2);
    CHECK_STREQ(g.s[0].helo, "h1");
    CHECK_INTEQ(g.s[0].replies_5xx, 2);
    CHECK(!g.s[0].complete);
    CHECK_STREQ(g.s[1].helo, "h2");
    CHECK_INTEQ(g.s[1].replies_4xx, 1);
    CHECK(g.s[1].lost && g.s[1].complete);
    CHECK_INTEQ(hv_session_disposition(&g.s[1]), HV_DISP_DEFERRED);
    CHECK_INTEQ(g.s[1].line, 3);

    /* Exim pid: the same process is one session, another pid another */
    const char *d[] = {
        "2016-04-01 11:08:39 [18643] H=(a) [192.0.2.1] F=<a@b> rejected RCPT <c>",
        "2016-04-01 11:08:39 [18644] H=(a) [192.0.2.1] F=<a@b> rejected RCPT <c>",
        "2016-04-01 11:08:40 [18643] no MAIL in SMTP connection from (a) "
        "[192.0.2.1] D=1s C=EHLO,QUIT",
        NULL};
    run(d, &g, NULL);
    CHECK_INTEQ(g.n, 2);
    CHECK_INTEQ(g.s[0].line, 1);
    CHECK(g.s[0].complete);
    CHECK_INTEQ(g.s[0].replies_5xx, 1);
    CHECK_INTEQ(g.s[1].line, 2);
    CHECK(!g.s[1].complete);

    /* +pid without ports: the "connection count" line carries the
     * daemon's pid; the connection's own pid takes that session over */
    const char *d2[] = {
        "2016-04-01 11:08:38 [100] SMTP connection from [192.0.2.1] "
        "(TCP/IP connection count = 1)",
        "2016-04-01 11:08:39 [18643] H=(a) [192.0.2.1] F=<a@b> rejected RCPT <c>",
        "2016-04-01 11:08:40 [18643] no MAIL in SMTP connection from (a) "
        "[192.0.2.1] D=1s C=EHLO,QUIT",
        "2016-04-01 11:08:41 [100] SMTP connection from [192.0.2.1] "
        "(TCP/IP connection count = 1)",
        NULL};
    run(d2, &g, NULL);
    CHECK_INTEQ(g.n, 2);
    CHECK_INTEQ(g.s[0].line, 1);
    CHECK_STREQ(g.s[0].helo, "a");
    CHECK(g.s[0].complete);
    CHECK_INTEQ(g.s[1].line, 4);
    CHECK(!g.s[1].complete);

    /* idle window: 5 minutes of log time */
    const char *e[] = {
        "2026-11-01 00:00:00 H=(h) [192.0.2.1] F=<a@b> rejected RCPT <c@d>",
        "2026-11-01 00:04:59 H=(h) [192.0.2.1] F=<a@b> rejected RCPT <c@d>",
        "2026-11-01 00:10:00 H=(h) [192.0.2.1] F=<a@b> rejected RCPT <c@d>",
        NULL};
    run(e, &g, NULL);
    CHECK_INTEQ(g.n, 2);
    CHECK_INTEQ(g.s[0].replies_5xx, 2);
    CHECK_INTEQ(g.s[1].line, 3);

    /* a log with ports: a port-less line of an address joins that
     * address's open connection instead of opening a session of its own */
    const char *ph[] = {
        "2023-04-23 03:50:42 SMTP connection from [46.148.40.143]:59474 "
        "(TCP/IP connection count = 1)",
        "2023-04-23 03:50:42 no host name found for IP address 46.148.40.143",
        "2023-04-23 03:50:45 dovecot_login authenticator failed for (localhost) "
        "[46.148.40.143]:59474: 535 Incorrect authentication data",
        "2023-04-23 03:50:45 SMTP connection from (localhost) "
        "[46.148.40.143]:59474 lost D=2s",
        NULL};
    run(ph, &g, NULL);
    CHECK_INTEQ(g.n, 1);
    CHECK_INTEQ(g.s[0].line, 1);
    CHECK_STREQ(g.s[0].helo, "localhost");
    CHECK(g.s[0].complete);
    /* without ports anywhere, such a line is a session of its own */
    const char *ph2[] = {
        "2020-02-22 00:48:41 no host name found for IP address 185.143.223.168",
        NULL};
    run(ph2, &g, NULL);
    CHECK_INTEQ(g.n, 1);

    /* a new connection line on an open ip:port ends the old session */
    const char *f[] = {
        "2026-11-01 00:00:00 H=(h) [192.0.2.1]:7 F=<a@b> rejected RCPT <c@d>",
        "2026-11-01 00:00:01 SMTP connection from [192.0.2.1]:7 "
        "(TCP/IP connection count = 1)",
        NULL};
    run(f, &g, NULL);
    CHECK_INTEQ(g.n, 2);
}

/* ==== The open-session map ==== */

static void test_smap(void)
{
    struct got g;
    memset(&g, 0, sizeof(g));
    struct hv_smap *m = hv_smap_new(2, 10, collect, &g);
    CHECK(m != NULL);
    struct hv_smap_key k1, k2, k3;
    memset(&k1, 0, sizeof(k1));
    k2 = k3 = k1;
    k1.pid = 1;
    k2.pid = 2;
    k3.pid = 3;
    struct hv_session *s1 = hv_smap_open(m, &k1, 100);
    s1->line = 1;
    struct hv_session *s2 = hv_smap_open(m, &k2, 101);
    s2->line = 2;
    CHECK(hv_smap_find(m, &k1) == s1);
    CHECK(hv_smap_find(m, &k3) == NULL);
    hv_smap_touch(m, s1, 102);      /* s2 is now the oldest */
    struct hv_session *s3 = hv_smap_open(m, &k3, 103);
    s3->line = 3;
    CHECK_INTEQ(g.n, 1);             /* full: the oldest went out */
    CHECK_INTEQ(g.s[0].line, 2);
    CHECK(hv_smap_find(m, &k2) == NULL);
    CHECK_INTEQ(hv_smap_count(m), 2);
    hv_smap_expire(m, 112);          /* s1 last active 102: not yet */
    CHECK_INTEQ(g.n, 1);
    hv_smap_expire(m, 113);
    CHECK_INTEQ(g.n, 2);
    CHECK_INTEQ(g.s[1].line, 1);
    hv_smap_close(m, s3);
    CHECK_INTEQ(g.n, 3);
    struct hv_session *s4 = hv_smap_open(m, &k3, 120);
    hv_smap_discard(m, s4);          /* forgotten, not emitted */
    CHECK_INTEQ(g.n, 3);
    CHECK(hv_smap_find(m, &k3) == NULL);
    CHECK_INTEQ(hv_smap_count(m), 0);
    /* reuse after free, then flush */
    for (uint64_t i = 10; i < 14; i++) {
        struct hv_smap_key k;
        memset(&k, 0, sizeof(k));
        k.pid = i;
        hv_smap_open(m, &k, 200)->line = i;
    }
    CHECK_INTEQ(g.n, 5);             /* 4 opened into 2 slots */
    hv_smap_flush(m);
    CHECK_INTEQ(g.n, 7);
    CHECK_INTEQ(g.s[6].line, 13);
    hv_smap_free(m);
    hv_smap_free(NULL);
}

/* Many distinct clients never exceed the cap; every session comes out. */
static void test_many(void)
{
    struct hv_clock clock;
    hv_clock_init(&clock, 2026, 0);
    struct hv_parse_opts opts = {&clock, NULL, 0, 0};
    struct got g;
    memset(&g, 0, sizeof(g));
    struct hv_parser *p = hv_format_exim.open(&opts, collect, &g);
    char buf[256];
    unsigned total = HV_SMAP_MAX + 500;
    for (unsigned i = 0; i < total; i++) {
        snprintf(buf, sizeof(buf),
                 "2026-11-01 00:00:01 H=(h) [10.%u.%u.%u]:25 F=<a@b> "
                 "rejected RCPT <c@d>",
                 (i >> 16) & 255, (i >> 8) & 255, i & 255);
        struct hv_line ln = {buf, strlen(buf), i + 1, 0};
        const char *r;
        hv_format_exim.feed(p, &ln, &r);
    }
    CHECK_INTEQ(g.n, 500);           /* evicted as the map filled */
    hv_format_exim.finish(p);
    CHECK_INTEQ(g.n, total);
    hv_format_exim.close(p);
}

/* ==== Probe ==== */

static void test_probe(void)
{
    static const struct probe_want t[] = {
        {"2026-11-01 00:00:02 1tOHFe-040742-93 <= a@b H=x [192.0.2.1]", 90, 100},
        {"2026-11-01 00:00:02 H=(x) [192.0.2.1] rejected RCPT", 80, 100},
        {"2016-04-01 11:08:00 [8001] no MAIL in SMTP connection from", 80, 100},
        {"Nov  1 00:00:01 mx exim4[1]: H=(x) [192.0.2.1] rejected", 80, 100},
        {"mail.example.com exim[3]: 2021-07-17 23:20:49 x", 80, 100},
        {"2026-11-01 00:00:02 something", 1, 60},
        {"Nov  1 00:00:01 mx postfix/smtpd[1]: connect from x[192.0.2.1]", 0, 0},
        {"Nov  1 00:00:01 mx sm-mta[1]: x: from=<a>, relay=[192.0.2.1]", 0, 0},
        {"From a@b Mon Nov  2 00:00:13 2026", 0, 0},
        {"", 0, 0},
    };
    check_probes(t, sizeof(t) / sizeof(t[0]));
    CHECK(hv_format_find("exim") == &hv_format_exim);
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

int main(void)
{
    test_host_parse();
    test_msgid();
    test_one_line();
    test_helo_origin();
    test_labels();
    test_stamps();
    test_merge();
    test_smap();
    test_many();
    test_probe();
    test_truncated();
    return CHECK_DONE();
}
