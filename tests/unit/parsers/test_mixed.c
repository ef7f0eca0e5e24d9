/* SPDX-License-Identifier: MIT */
/*
 * test_mixed - routing of syslog lines to the parser of their MTA
 * (parsers/mixed.c): each MTA's sessions come from its own parser, tags no
 * MTA claims are skipped as other-program, untagged lines go to the file's
 * own format, mbox is passed through.
 */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "mixed.h"
#include "parser.h"
#include "session.h"
#include "tstamp.h"

static int by_mta[4];

/* count - emit callback: sessions per MTA. */
static void count(void *arg, const struct hv_session *s)
{
    (void)arg;
    if (!s->again && (unsigned)s->mta < 4)
        by_mta[s->mta]++;
}

/* feed_all - feed lines to a dispatcher of format primary; the number of
 * other-program skips and of other skips. */
static void feed_all(const struct hv_format *primary, const char *const *lines, int *other,
                     int *skipped)
{
    struct hv_clock clock;
    hv_clock_init(&clock, 2026, 0);
    struct hv_parse_opts opts = {&clock, NULL, 0, 0};
    struct hv_mixed *m = hv_mixed_open(primary, &opts, count, NULL);
    memset(by_mta, 0, sizeof(by_mta));
    *other = *skipped = 0;
    uint64_t off = 0;
    for (int i = 0; lines[i] != NULL; i++) {
        char buf[512];
        size_t n = strlen(lines[i]);
        memcpy(buf, lines[i], n + 1);
        struct hv_line l = {buf, n, (uint64_t)i + 1, off};
        off += n + 1;
        const char *reason = NULL;
        if (hv_mixed_feed(m, &l, &reason) == HV_PARSE_SKIP) {
            if (reason != NULL && strcmp(reason, HV_REASON_OTHER_PROGRAM) == 0)
                (*other)++;
            else
                (*skipped)++;
        }
    }
    hv_mixed_finish(m);
    hv_mixed_close(m);
}

static void test_routes(void)
{
    static const char *const lines[] = {
        "Nov  1 10:00:00 mx1 postfix/smtpd[100]: connect from a.example[192.0.2.10]",
        "Nov  1 10:00:00 mx1 dovecot: imap-login: Login: user=<u>, method=PLAIN",
        "Nov  1 10:00:01 mx1 sm-mta[200]: 4A1B2C3D4E: from=<a@b.example>, size=10, class=0,"
        " nrcpts=1, msgid=<x@b.example>, proto=ESMTP, daemon=MTA, relay=mx.b.example [198.51.100.2]",
        "Nov  1 10:00:01 mx1 exim[300]: 2026-11-01 10:00:01 1tFRjW-0C18AC-34 <= u@c.example"
        " H=mx.c.example [203.0.113.3]:4000 P=esmtp S=100",
        "Nov  1 10:00:02 mx1 opendkim[77]: 4A1B2C3D4E: no signature data",
        "Nov  1 10:00:02 mx1 sm-msp-queue[210]: 4A1B2C3D4F: to=root, ctladdr=root, stat=Sent",
        "Nov  1 10:00:02 mx1 postfix/smtpd[100]: disconnect from a.example[192.0.2.10] ehlo=1 commands=1",
        "Nov  1 10:00:03 mx1 amavis[400]: (400-01) Passed CLEAN",
        "Nov  1 10:00:04 mx1 dovecot: imap(u): Logged out",
        NULL,
    };
    int other, skipped;
    feed_all(&hv_format_postfix, lines, &other, &skipped);
    CHECK_INTEQ(by_mta[HV_MTA_POSTFIX], 1);
    CHECK_INTEQ(by_mta[HV_MTA_SENDMAIL], 1);
    CHECK_INTEQ(by_mta[HV_MTA_EXIM], 1);
    CHECK_INTEQ(other, 4);
    CHECK_INTEQ(skipped, 0);
    /* the same with another MTA's format detected for the file */
    feed_all(&hv_format_sendmail, lines, &other, &skipped);
    CHECK_INTEQ(by_mta[HV_MTA_POSTFIX], 1);
    CHECK_INTEQ(by_mta[HV_MTA_SENDMAIL], 1);
    CHECK_INTEQ(by_mta[HV_MTA_EXIM], 1);
    CHECK_INTEQ(other, 4);
}

static void test_untagged(void)
{
    /* Exim's own log: no syslog tag, every line to the file's format */
    static const char *const lines[] = {
        "2026-11-01 10:00:01 1tFRjW-0C18AC-34 <= u@c.example H=mx.c.example [203.0.113.3]:4000"
        " P=esmtp S=100",
        "2026-11-01 10:00:02 H=(x.example) [203.0.113.4]:4001 F=<a@x.example> rejected RCPT"
        " <r@example.org>: relay not permitted",
        NULL,
    };
    int other, skipped;
    feed_all(&hv_format_exim, lines, &other, &skipped);
    CHECK_INTEQ(by_mta[HV_MTA_EXIM], 2);
    CHECK_INTEQ(other, 0);
    /* an mbox is a mail file: its header lines are not syslog lines */
    static const char *const mbox[] = {
        "From a@b.example Mon Nov  1 10:00:00 2026",
        "Received: from mx.b.example (mx.b.example [198.51.100.2]) by mx1 with ESMTP id 4A1B",
        "Nov  1 10:00:00 mx1 dovecot: looks like syslog",
        "",
        "body",
        NULL,
    };
    feed_all(&hv_format_mbox, mbox, &other, &skipped);
    CHECK_INTEQ(by_mta[HV_MTA_MBOX], 1);
    CHECK_INTEQ(other, 0);
}

/* test_bad_stamps - a foreign program's line whose stamp does not parse
 * goes to the file's format, which skips it as bad-timestamp, whether its
 * minute was read just before (the routing's cache) or not, across a
 * December -> January step. */
static void test_bad_stamps(void)
{
    static const char *const lines[] = {
        "Dec 31 23:59:59 mx1 dovecot: imap(u): Logged out",
        "Dec 31 23:59:61 mx1 dovecot: imap(u): Logged out",   /* bad: second 61 */
        "Jan  1 00:00:00 mx1 dovecot: imap(u): Logged out",
        "Jan  1 00:00:99 mx1 dovecot: imap(u): Logged out",   /* bad, same minute */
        "Jan  1 00:00:01 mx1 dovecot: imap(u): Logged out",
        "Jan  1 24:00:01 mx1 dovecot: imap(u): Logged out",   /* bad hour */
        "Jan 32 00:00:01 mx1 dovecot: imap(u): Logged out",   /* bad day */
        "Feb 29 00:00:01 mx1 dovecot: imap(u): Logged out",   /* no leap check */
        "Jan  1 00:00:02 mx1 postfix/smtpd[100]: connect from a.example[192.0.2.10]",
        "Jan  1 00:00:02 mx1 postfix/smtpd[100]: disconnect from a.example[192.0.2.10]"
        " ehlo=1 commands=1",
        NULL,
    };
    int other, skipped;
    feed_all(&hv_format_postfix, lines, &other, &skipped);
    CHECK_INTEQ(other, 4);
    CHECK_INTEQ(skipped, 4);
    CHECK_INTEQ(by_mta[HV_MTA_POSTFIX], 1);
}

int main(void)
{
    test_routes();
    test_bad_stamps();
    test_untagged();
    return CHECK_DONE();
}
