/* SPDX-License-Identifier: MIT */
/*
 * test_mbox - hv_format_mbox fed line by line as the scan pipeline does:
 * mbox framing (mboxo, mboxrd, body "From " lines, From_ lines without a
 * blank line before them), border-hop choice with default and custom
 * trusted networks, bounds (5,000 Received headers, a 1 MB folded header),
 * skip reasons, single-message mode (.eml / Maildir), timestamps, probe().
 */
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "genlog_pipe.h"
#include "mbox.h"
#include "netaddr.h"
#include "parser.h"
#include "tstamp.h"

#define MAX_SESS 16
#define MAX_REASONS 16

struct result {
    size_t nsess;
    struct hv_session sess[MAX_SESS];
    size_t nskip;
    const char *reason[MAX_REASONS];   /* the first skip reasons */
    uint64_t reason_line[MAX_REASONS];
};

/* on_session - the emit callback: keep a copy. */
static void on_session(void *arg, const struct hv_session *s)
{
    struct result *r = arg;
    if (r->nsess < MAX_SESS)
        r->sess[r->nsess] = *s;
    r->nsess++;
}

/* run_text - feed text (LF-separated lines; like the reader, a CR before
 * the LF is removed) through a fresh parser, then finish and close. */
static void run_text(const char *text, size_t len,
                     const struct hv_parse_opts *opts, struct result *r)
{
    memset(r, 0, sizeof(*r));
    struct hv_parser *p = hv_format_mbox.open(opts, on_session, r);
    uint64_t lineno = 0, off = 0;
    size_t i = 0;
    while (i < len) {
        const char *nl = memchr(text + i, '\n', len - i);
        size_t end = nl != NULL ? (size_t)(nl - text) : len;
        size_t n = end - i;
        if (n > 0 && text[i + n - 1] == '\r')
            n--;
        struct hv_line ln = {text + i, n, ++lineno, off};
        const char *reason = NULL;
        if (hv_format_mbox.feed(p, &ln, &reason) == HV_PARSE_SKIP) {
            if (r->nskip < MAX_REASONS) {
                r->reason[r->nskip] = reason;
                r->reason_line[r->nskip] = lineno;
            }
            r->nskip++;
        }
        off += (end - i) + (nl != NULL ? 1 : 0);
        i = end + (nl != NULL ? 1 : 0);
    }
    hv_format_mbox.finish(p);
    hv_format_mbox.close(p);
}

/* run_str - run_text on a C string. */
static void run_str(const char *text, const struct hv_parse_opts *opts,
                    struct result *r)
{
    run_text(text, strlen(text), opts, r);
}

/* count_reason - how many skips had this reason. */
static size_t count_reason(const struct result *r, const char *reason)
{
    size_t n = 0;
    for (size_t i = 0; i < r->nskip && i < MAX_REASONS; i++)
        if (r->reason[i] != NULL && strcmp(r->reason[i], reason) == 0)
            n++;
    return n;
}

/* ctime_ts - epoch of a From_ style date. */
static int64_t ctime_ts(const char *s)
{
    int64_t t = 0;
    tstamp_ctime(s, strlen(s), &t);
    return t;
}

/* rfc_ts - epoch of an RFC 5322 date. */
static int64_t rfc_ts(const char *s)
{
    int64_t t = 0;
    tstamp_rfc2822(s, strlen(s), &t);
    return t;
}

static void test_framing(void)
{
    struct result r;
    /* mboxo: two messages; a body "From " line that is not a From_ line;
     * a valid From_ line not preceded by an empty line (not a split) */
    const char *mb =
        "From alice@example.org Mon Nov  2 00:00:13 2026\n"      /* 1 */
        "Return-Path: <alice@example.org>\n"
        "Received: from mail.example.org (mail.example.org [192.0.2.1])\n"
        "\tby mx.example.net (Postfix) with ESMTP id 4ABC1\n"
        "\tfor <bob@example.net>; Mon,  2 Nov 2026 00:00:10 +0000\n"  /* 5 */
        "Subject: hi\n"
        "\n"
        "From here on, the body.\n"
        "\n"
        "From the desk of nobody\n"                                 /* 10 */
        "text\n"
        "From carol@example.org Mon Nov  2 00:00:20 2026\n"
        "\n"
        "From bob@example.com Tue Nov  3 10:00:00 2026\n"           /* 14 */
        "Received: from [198.51.100.2] (helo=client.example.com)\n"
        "\tby mx.example.net with esmtp (Exim 4.96) id 1qX-0001;\n"
        "\tTue, 03 Nov 2026 09:59:58 +0000\n"
        "\n"
        "body\n";
    run_str(mb, NULL, &r);
    CHECK_INTEQ(r.nsess, 2);
    CHECK_INTEQ(r.nskip, 0);
    if (r.nsess >= 2) {
        const struct hv_session *s = &r.sess[0];
        CHECK_INTEQ(s->mta, HV_MTA_MBOX);
        CHECK_INTEQ(s->line, 1);
        CHECK_INTEQ(s->offset, 0);
        CHECK_STREQ(s->ip, "192.0.2.1");
        CHECK(s->has_helo);
        CHECK_STREQ(s->helo, "mail.example.org");
        CHECK_STREQ(s->rdns, "mail.example.org");
        CHECK_INTEQ(s->nqids, 1);
        CHECK_STREQ(s->qids[0], "4ABC1");
        CHECK_INTEQ(s->messages, 1);
        CHECK(s->complete);
        CHECK_INTEQ(hv_session_disposition(s), HV_DISP_ACCEPTED);
        CHECK_INTEQ(s->ts, rfc_ts("Mon,  2 Nov 2026 00:00:10 +0000"));
        s = &r.sess[1];
        CHECK_INTEQ(s->line, 14);
        CHECK_INTEQ(s->offset, (uint64_t)(strstr(mb, "From bob@") - mb));
        CHECK_STREQ(s->ip, "198.51.100.2");
        CHECK_STREQ(s->helo, "client.example.com");
        CHECK_STREQ(s->rdns, "");
        CHECK_STREQ(s->qids[0], "1qX-0001");
        CHECK_INTEQ(s->ts, rfc_ts("Tue, 03 Nov 2026 09:59:58 +0000"));
    }

    /* mboxrd: ">From " and ">>From " body lines never split; CRLF input
     * (the reader removes CR LF, a stray CR is tolerated) */
    const char *rd =
        "From a@example.org Mon Nov  2 00:00:13 2026\r\n"
        "Received: from h1.example (h1.example [203.0.113.1]) by mx\r\n"
        " (Postfix) with SMTP id Q1; Mon, 2 Nov 2026 00:00:01 +0000\r\n"
        "\r\n"
        ">From b@example.org Mon Nov  2 00:00:14 2026\r\n"
        "\r\n"
        ">>From c@example.org Mon Nov  2 00:00:15 2026\r\n"
        "\r\n"
        "From d@example.org Mon Nov  2 00:00:16 2026\r\n"
        "Received: from h2.example (h2.example [203.0.113.2]) by mx\r\n"
        " (Postfix) with SMTP id Q2; Mon, 2 Nov 2026 00:00:02 +0000\r\n"
        "\r\n";
    run_str(rd, NULL, &r);
    CHECK_INTEQ(r.nsess, 2);
    if (r.nsess >= 2) {
        CHECK_STREQ(r.sess[0].ip, "203.0.113.1");
        CHECK_STREQ(r.sess[0].qids[0], "Q1");
        CHECK_STREQ(r.sess[1].ip, "203.0.113.2");
        CHECK_INTEQ(r.sess[1].line, 9);
    }

    /* a From_ line without an empty line before it is body text */
    const char *nb =
        "From a@example.org Mon Nov  2 00:00:13 2026\n"
        "Received: from h1.example ([203.0.113.1]) by mx with SMTP\n"
        "\n"
        "text\n"
        "From d@example.org Mon Nov  2 00:00:16 2026\n"
        "Received: from h2.example ([203.0.113.2]) by mx with SMTP\n"
        "\n";
    run_str(nb, NULL, &r);
    CHECK_INTEQ(r.nsess, 1);
    CHECK_INTEQ(r.nskip, 0);

    /* mbox_from_line itself */
    CHECK(mbox_from_line("From a@b Mon Nov  2 00:00:13 2026", 33, NULL));
    CHECK(mbox_from_line("From MAILER-DAEMON Tue Nov  3 10:00:00 2026", 43,
                         NULL));
    CHECK(!mbox_from_line("From here on, the body.", 23, NULL));
    CHECK(!mbox_from_line("From: a@b", 9, NULL));
    CHECK(!mbox_from_line(">From a@b Mon Nov  2 00:00:13 2026", 34, NULL));
    CHECK(!mbox_from_line("From ", 5, NULL));
}

static void test_border(void)
{
    struct result r;
    const char *msg =
        "From a@example.org Mon Nov  2 00:00:13 2026\n"
        "Received: by mx.example.net (Postfix, from userid 500) id L1;\n"
        "\tMon, 2 Nov 2026 00:00:09 +0000\n"
        "Received: from localhost (localhost [127.0.0.1]) by mx.example.net\n"
        "\t(Postfix) with ESMTP id L2; Mon, 2 Nov 2026 00:00:08 +0000\n"
        "Received: from relay.internal (relay.internal [10.1.2.3])\n"
        "\tby mx.example.net (Postfix) with ESMTP id L3;\n"
        "\tMon, 2 Nov 2026 00:00:07 +0000\n"
        "Received: from out.example.com (out.example.com [192.0.2.10])\n"
        "\tby relay.internal (Postfix) with ESMTPS id B4;\n"
        "\tMon, 2 Nov 2026 00:00:06 +0000\n"
        "Received: from forged.example (forged [198.51.100.99])\n"
        "\tby out.example.com (Postfix) with ESMTP id F5;\n"
        "\tMon, 2 Nov 2026 00:00:05 +0000\n"
        "\n"
        "body\n";
    /* default trusted: loopback and RFC 1918 are ours */
    run_str(msg, NULL, &r);
    CHECK_INTEQ(r.nsess, 1);
    if (r.nsess == 1) {
        CHECK_STREQ(r.sess[0].ip, "192.0.2.10");
        CHECK_STREQ(r.sess[0].helo, "out.example.com");
        CHECK_STREQ(r.sess[0].qids[0], "B4");
        CHECK_INTEQ(r.sess[0].ts, rfc_ts("Mon, 2 Nov 2026 00:00:06 +0000"));
    }
    /* custom trusted: 192.0.2.0/24 is ours too, the border moves down */
    struct hv_netlist nl = {NULL, 0};
    hv_netlist_default_trusted(&nl);
    CHECK(hv_netlist_add_csv(&nl, "192.0.2.0/24", NULL));
    struct hv_parse_opts o = {NULL, &nl, 0, 0};
    run_str(msg, &o, &r);
    CHECK_INTEQ(r.nsess, 1);
    if (r.nsess == 1) {
        CHECK_STREQ(r.sess[0].ip, "198.51.100.99");
        CHECK_STREQ(r.sess[0].helo, "forged.example");
        CHECK_STREQ(r.sess[0].rdns, "forged");
    }
    /* custom trusted without the private ranges: 10.1.2.3 is the border */
    struct hv_netlist only_lo = {NULL, 0};
    CHECK(hv_netlist_add_csv(&only_lo, "127.0.0.0/8,::1", NULL));
    struct hv_parse_opts o2 = {NULL, &only_lo, 0, 0};
    run_str(msg, &o2, &r);
    CHECK_INTEQ(r.nsess, 1);
    if (r.nsess == 1)
        CHECK_STREQ(r.sess[0].ip, "10.1.2.3");
    /* everything trusted: no client hop */
    struct hv_netlist all = {NULL, 0};
    CHECK(hv_netlist_add_csv(&all, "0.0.0.0/0,::/0", NULL));
    struct hv_parse_opts o3 = {NULL, &all, 0, 0};
    run_str(msg, &o3, &r);
    CHECK_INTEQ(r.nsess, 0);
    CHECK_INTEQ(r.nskip, 1);
    CHECK_INTEQ(count_reason(&r, "no-client-hop"), 1);
    CHECK_INTEQ(r.reason_line[0], 15);   /* the empty line ending the header */
    hv_netlist_fini(&nl);
    hv_netlist_fini(&only_lo);
    hv_netlist_fini(&all);

    /* webmail: the border client spoke HTTP, not SMTP */
    const char *web =
        "From a@example.org Mon Nov  2 00:00:13 2026\n"
        "Received: from [198.51.100.5] by web.example.com with HTTP;\n"
        "\tMon, 2 Nov 2026 00:00:01 +0000\n"
        "\n";
    run_str(web, NULL, &r);
    CHECK_INTEQ(r.nsess, 0);
    CHECK_INTEQ(count_reason(&r, "no-client-hop"), 1);
    /* fetchmail pseudo-hop on top is passed over */
    const char *fm =
        "From a@example.org Mon Nov  2 00:00:13 2026\n"
        "Received: from pop.example.com [198.51.100.6] by localhost with POP3"
        " (fetchmail-6.4.0) for <u@localhost> (single-drop);\n"
        "\tMon, 2 Nov 2026 00:00:12 +0000\n"
        "Received: from ext.example.org (ext.example.org [198.51.100.7]) by\n"
        "\tpop.example.com (Postfix) with ESMTP id P7; Mon, 2 Nov 2026 "
        "00:00:02 +0000\n"
        "\n";
    run_str(fm, NULL, &r);
    CHECK_INTEQ(r.nsess, 1);
    if (r.nsess == 1)
        CHECK_STREQ(r.sess[0].ip, "198.51.100.7");
}

/* build - append to a growing buffer (test helper). */
struct gbuf {
    char *p;
    size_t len, cap;
};

static void gput(struct gbuf *b, const char *s)
{
    size_t n = strlen(s);
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 4096;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *q = realloc(b->p, cap);
        if (q == NULL)
            abort();
        b->p = q;
        b->cap = cap;
    }
    memcpy(b->p + b->len, s, n + 1);
    b->len += n;
}

static void test_bounds(void)
{
    struct result r;
    struct gbuf b = {NULL, 0, 0};
    char line[256];

    /* 5,000 Received headers: the first 64 are considered, the rest
     * counted once as too-many-received */
    gput(&b, "From a@example.org Mon Nov  2 00:00:13 2026\n");
    for (int i = 0; i < 5000; i++) {
        snprintf(line, sizeof(line),
                 "Received: from r%d.internal (r%d.internal [10.0.%d.%d]) by "
                 "x (Postfix) with ESMTP id I%d;\n"
                 "\tMon, 2 Nov 2026 00:00:00 +0000\n",
                 i, i, (i / 250) % 256, i % 250 + 1, i);
        gput(&b, line);
    }
    gput(&b, "\n");
    run_text(b.p, b.len, NULL, &r);
    CHECK_INTEQ(r.nsess, 0);
    CHECK_INTEQ(r.nskip, 2);
    CHECK_INTEQ(count_reason(&r, "too-many-received"), 1);
    CHECK_INTEQ(count_reason(&r, "no-client-hop"), 1);
    CHECK_INTEQ(r.reason_line[0], 2 + 2 * 64);   /* the 65th header */

    /* the 65th hop is not considered even when it is the first outside */
    b.len = 0;
    gput(&b, "From a@example.org Mon Nov  2 00:00:13 2026\n");
    for (int i = 0; i < 70; i++) {
        snprintf(line, sizeof(line),
                 "Received: from h (h [%s.%d]) by x with SMTP\n",
                 i < 64 ? "10.9.9" : "192.0.2", i + 1);
        gput(&b, line);
    }
    gput(&b, "\n");
    run_text(b.p, b.len, NULL, &r);
    CHECK_INTEQ(r.nsess, 0);
    CHECK_INTEQ(count_reason(&r, "too-many-received"), 1);
    /* ...but a border at position 64 is */
    b.len = 0;
    gput(&b, "From a@example.org Mon Nov  2 00:00:13 2026\n");
    for (int i = 0; i < 70; i++) {
        snprintf(line, sizeof(line),
                 "Received: from h (h [%s.%d]) by x with SMTP\n",
                 i < 63 ? "10.9.9" : "192.0.2", i + 1);
        gput(&b, line);
    }
    gput(&b, "\n");
    run_text(b.p, b.len, NULL, &r);
    CHECK_INTEQ(r.nsess, 1);
    if (r.nsess == 1)
        CHECK_STREQ(r.sess[0].ip, "192.0.2.64");

    /* a 1 MB folded Received header: cut at 64 KiB, counted once, the
     * client in its first line still found */
    b.len = 0;
    gput(&b, "From a@example.org Mon Nov  2 00:00:13 2026\n"
             "Received: from big.example (big.example [198.51.100.8])\n");
    for (int i = 0; i < 20000; i++)
        gput(&b, "\t(comment comment comment comment comment comment x)\n");
    gput(&b, "\tby mx.example.net (Postfix) with ESMTP id BIG;\n"
             "Subject: a 1 MB folded subject follows\n");
    for (int i = 0; i < 20000; i++)
        gput(&b, " subject subject subject subject subject subject subjec\n");
    gput(&b, "\nbody\n");
    CHECK(b.len > 2 * 1000 * 1000);
    run_text(b.p, b.len, NULL, &r);
    CHECK_INTEQ(r.nsess, 1);
    CHECK_INTEQ(r.nskip, 1);
    CHECK_INTEQ(count_reason(&r, "header-too-long"), 1);
    if (r.nsess == 1) {
        CHECK_STREQ(r.sess[0].ip, "198.51.100.8");
        CHECK_STREQ(r.sess[0].helo, "big.example");
        CHECK_INTEQ(r.sess[0].nqids, 0);   /* "id BIG" was past the cut */
        CHECK_INTEQ(r.sess[0].ts, ctime_ts("Mon Nov  2 00:00:13 2026"));
    }

    /* no-client-hop: once per message, on the line ending its header */
    b.len = 0;
    for (int i = 0; i < 3; i++) {
        gput(&b, "From a@example.org Mon Nov  2 00:00:13 2026\n"
                 "Received: by mx.example.net (Postfix, from userid 0) id X;\n"
                 "\tMon, 2 Nov 2026 00:00:09 +0000\n"
                 "Subject: cron\n"
                 "\n"
                 "body\n"
                 "\n");
    }
    gput(&b, "From a@example.org Mon Nov  2 00:00:13 2026\n"
             "Subject: no Received at all\n"
             "\n");
    run_text(b.p, b.len, NULL, &r);
    CHECK_INTEQ(r.nsess, 0);
    CHECK_INTEQ(count_reason(&r, "no-client-hop"), 4);
    CHECK_INTEQ(r.reason_line[0], 5);
    CHECK_INTEQ(r.reason_line[1], 12);
    free(b.p);
}

static void test_single(void)
{
    struct result r;
    /* .eml / Maildir: the first line is a header, the whole input is one
     * message; "From " lines in the body never split */
    const char *eml =
        "Return-Path: <a@example.org>\n"
        "Delivered-To: b@example.net\n"
        "Received: from mx.example.org (mx.example.org [192.0.2.20]) by\n"
        "\tmx.example.net (Postfix) with ESMTPS id E1\n"
        "Date: Tue, 3 Nov 2026 10:00:00 +0100\n"
        "\n"
        "From a@example.org Mon Nov  2 00:00:13 2026\n"
        "Received: from other.example ([198.51.100.30]) by x with SMTP\n"
        "\n";
    run_str(eml, NULL, &r);
    CHECK_INTEQ(r.nsess, 1);
    if (r.nsess == 1) {
        CHECK_INTEQ(r.sess[0].line, 1);
        CHECK_INTEQ(r.sess[0].offset, 0);
        CHECK_STREQ(r.sess[0].ip, "192.0.2.20");
        /* no hop date, no From_ line: the Date: header */
        CHECK_INTEQ(r.sess[0].ts, rfc_ts("Tue, 3 Nov 2026 10:00:00 +0100"));
    }
    /* leading empty lines before the first header */
    const char *lead = "\n\nReceived: from a ([192.0.2.21]) by b with SMTP\n";
    run_str(lead, NULL, &r);
    CHECK_INTEQ(r.nsess, 1);   /* header ends at EOF: finish() decides */
    if (r.nsess == 1)
        CHECK_INTEQ(r.sess[0].line, 1);

    /* opts->single_message: a From_ envelope line at the top is only the
     * date; later From_ lines (even after an empty line) do not split */
    struct hv_parse_opts o = {NULL, NULL, 1, 0};
    const char *md =
        "From a@example.org Mon Nov  2 00:00:13 2026\n"
        "Received: from h.example (h.example [192.0.2.22]) by mx with SMTP\n"
        "\n"
        "From b@example.org Mon Nov  2 00:00:14 2026\n"
        "Received: from i.example (i.example [192.0.2.23]) by mx with SMTP\n"
        "\n";
    run_str(md, &o, &r);
    CHECK_INTEQ(r.nsess, 1);
    if (r.nsess == 1) {
        CHECK_STREQ(r.sess[0].ip, "192.0.2.22");
        CHECK_INTEQ(r.sess[0].line, 1);
        CHECK_INTEQ(r.sess[0].ts, ctime_ts("Mon Nov  2 00:00:13 2026"));
    }
    /* the same text as an mbox gives two messages */
    run_str(md, NULL, &r);
    CHECK_INTEQ(r.nsess, 2);
    /* finish() with nothing fed, and an empty input */
    run_str("", NULL, &r);
    CHECK_INTEQ(r.nsess, 0);
    CHECK_INTEQ(r.nskip, 0);
    run_str("\n\n\n", NULL, &r);
    CHECK_INTEQ(r.nsess, 0);
    hv_format_mbox.close(NULL);
}

static void test_probe(void)
{
    const char *from = "From a@example.org Mon Nov  2 00:00:13 2026";
    CHECK_INTEQ(hv_format_mbox.probe(from, strlen(from)), 100);
    CHECK_INTEQ(hv_format_mbox.probe("Return-Path: <a@b>", 18), 60);
    CHECK_INTEQ(hv_format_mbox.probe("Received: from x", 16), 60);
    CHECK_INTEQ(hv_format_mbox.probe("Delivered-To: a@b", 17), 60);
    CHECK_INTEQ(hv_format_mbox.probe("X-Spam-Status: No", 17), 60);
    CHECK_INTEQ(hv_format_mbox.probe("Subject: hello", 14), 30);
    const char *pf = "Nov  1 00:00:01 mx postfix/smtpd[1]: connect from x";
    CHECK_INTEQ(hv_format_mbox.probe(pf, strlen(pf)), 0);
    const char *ex = "2026-11-01 00:00:01 1qX-0001 <= a@b H=x [192.0.2.1]";
    CHECK_INTEQ(hv_format_mbox.probe(ex, strlen(ex)), 0);
    const char *r3 = "2026-11-01T00:00:01+00:00 mx postfix/smtpd[1]: x";
    CHECK_INTEQ(hv_format_mbox.probe(r3, strlen(r3)), 0);
    CHECK_INTEQ(hv_format_mbox.probe("From here on", 12), 0);
    CHECK_INTEQ(hv_format_mbox.probe("", 0), 0);
    CHECK(hv_format_find("mbox") == &hv_format_mbox);
}

/* ==== Against genlog's truth ==== */

struct mk_sess {
    char ip[HV_IP_MAX + 1];
    char helo[HV_HELO_MAX + 1];
};

struct mk_result {
    struct mk_sess *v;
    size_t n, cap;
};

/* on_mk_session - keep ip and HELO of every session. */
static void on_mk_session(void *arg, const struct hv_session *s)
{
    struct mk_result *r = arg;
    if (r->n == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 1024;
        struct mk_sess *v = realloc(r->v, cap * sizeof(*v));
        if (v == NULL)
            abort();
        r->v = v;
        r->cap = cap;
    }
    snprintf(r->v[r->n].ip, sizeof(r->v[r->n].ip), "%s", s->ip);
    snprintf(r->v[r->n].helo, sizeof(r->v[r->n].helo), "%s",
             s->has_helo ? s->helo : "");
    r->n++;
}

/* test_genlog - a generated mbox (tests/tools/genlog.py, relative to the
 * repository top where the tests run; HV_GENLOG overrides; streamed through
 * a pipe) against the generator's truth file: every message with a border
 * client (a non-empty ip, outside the default trusted networks) gives its
 * session, in order, with the true IP and the HELO the header shows
 * (helo_seen); the others are counted as no-client-hop. */
static void test_genlog(void)
{
    char truth[32];
    FILE *in = genlog_pipe("mbox", 3000, 11, truth);
    if (in == NULL)
        return;
    struct mk_result res = {NULL, 0, 0};
    struct hv_parser *p = hv_format_mbox.open(NULL, on_mk_session, &res);
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    uint64_t lineno = 0, off = 0, skips = 0, other_skips = 0;
    while ((n = getline(&line, &cap, in)) > 0) {
        size_t len = (size_t)n;
        if (line[len - 1] == '\n')
            len--;
        struct hv_line ln = {line, len, ++lineno, off};
        const char *reason = NULL;
        off += (uint64_t)n;
        if (hv_format_mbox.feed(p, &ln, &reason) == HV_PARSE_SKIP) {
            if (reason != NULL && strcmp(reason, "no-client-hop") == 0)
                skips++;
            else
                other_skips++;
        }
    }
    hv_format_mbox.finish(p);
    hv_format_mbox.close(p);
    free(line);
    CHECK_INTEQ(pclose(in), 0);
    CHECK_INTEQ(other_skips, 0);

    struct hv_netlist tr = {NULL, 0};
    hv_netlist_default_trusted(&tr);
    FILE *t = fopen(truth, "r");
    CHECK(t != NULL);
    size_t k = 0, want_skips = 0, rows = 0, bad = 0;
    char buf[2048];
    if (t != NULL && fgets(buf, sizeof(buf), t) == NULL)   /* header row */
        CHECK(0);
    while (t != NULL && fgets(buf, sizeof(buf), t) != NULL) {
        /* session_no ip helo_sent helo_seen helo_origin disposition */
        char *f[6] = {buf, NULL, NULL, NULL, NULL, NULL};
        int nf = 1;
        for (char *q = buf; *q != '\0' && nf < 6; q++)
            if (*q == '\t') {
                *q = '\0';
                f[nf++] = q + 1;
            }
        if (nf < 6)
            continue;
        rows++;
        if (f[1][0] == '\0') {
            want_skips++;   /* no border client: no session */
            continue;
        }
        struct hv_addr a;
        char ip[46];
        CHECK(hv_addr_parse(f[1], strlen(f[1]), &a));
        hv_addr_format(&a, ip);
        CHECK(!hv_netlist_contains(&tr, &a));
        if (k >= res.n || strcmp(res.v[k].ip, ip) != 0 ||
            strcmp(res.v[k].helo, f[3]) != 0) {
            if (bad++ < 5)
                printf("FAIL genlog message %zu: got %s/%s want %s/%s\n", rows,
                       k < res.n ? res.v[k].ip : "-",
                       k < res.n ? res.v[k].helo : "-", ip, f[3]);
        }
        k++;
    }
    if (t != NULL)
        fclose(t);
    unlink(truth);
    CHECK_INTEQ(rows, 3000);
    CHECK_INTEQ(bad, 0);
    CHECK_INTEQ(res.n, k);
    CHECK_INTEQ(skips, want_skips);
    CHECK(want_skips > 0 && k > want_skips);
    printf("genlog: %zu messages, %zu sessions, %llu no-client-hop\n", rows,
           res.n, (unsigned long long)skips);
    hv_netlist_fini(&tr);
    free(res.v);
}

/* ==== Against the sample-logs expectations ==== */

struct all_sess {
    struct hv_session *v;
    size_t n, cap;
};

/* on_any_session - keep every session. */
static void on_any_session(void *arg, const struct hv_session *s)
{
    struct all_sess *r = arg;
    if (r->n == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 16;
        struct hv_session *v = realloc(r->v, cap * sizeof(*v));
        if (v == NULL)
            abort();
        r->v = v;
        r->cap = cap;
    }
    r->v[r->n++] = *s;
}

/* parse_file - every session of one file, fed line by line. */
static bool parse_file(const char *path, struct all_sess *out)
{
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return false;
    struct hv_parser *p = hv_format_mbox.open(NULL, on_any_session, out);
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    uint64_t lineno = 0, off = 0;
    while ((n = getline(&line, &cap, f)) > 0) {
        size_t len = (size_t)n;
        if (line[len - 1] == '\n')
            len--;
        struct hv_line ln = {line, len, ++lineno, off};
        const char *reason = NULL;
        off += (uint64_t)n;
        (void)hv_format_mbox.feed(p, &ln, &reason);
    }
    hv_format_mbox.finish(p);
    hv_format_mbox.close(p);
    free(line);
    fclose(f);
    return true;
}

/* test_sample - sample-logs/mbox and sample-logs/maildir against the
 * mbox rows of tests/tools/sample-expected.tsv (source, line, mta, time,
 * ip, helo, helo_mbox, rdns, disposition, messages, qids, ...). */
static void test_sample(void)
{
    FILE *t = fopen("tests/tools/sample-expected.tsv", "r");
    if (t == NULL) {
        printf("note: tests/tools/sample-expected.tsv not found, sample "
               "comparison not run\n");
        return;
    }
    char buf[4096];
    size_t rows = 0;
    while (fgets(buf, sizeof(buf), t) != NULL) {
        char *col[12];
        size_t nc = 0;
        char *c = buf;
        buf[strcspn(buf, "\n")] = '\0';
        while (c != NULL && nc < 12) {
            col[nc++] = c;
            c = strchr(c, '\t');
            if (c != NULL)
                *c++ = '\0';
        }
        if (nc < 11 || strcmp(col[2], "mbox") != 0)
            continue;
        rows++;
        char path[1200];
        snprintf(path, sizeof(path), "sample-logs/%s", col[0]);
        struct all_sess all = {NULL, 0, 0};
        bool ok = parse_file(path, &all);
        CHECK_MSG(ok, "cannot read %s", path);
        uint64_t line = strtoull(col[1], NULL, 10);
        const struct hv_session *s = NULL;
        for (size_t i = 0; i < all.n; i++)
            if (all.v[i].line == line)
                s = &all.v[i];
        CHECK_MSG(s != NULL, "%s:%s: no session", col[0], col[1]);
        if (s != NULL) {
            char iso[21];
            tstamp_format_iso(s->ts, iso);
            const char *helo = col[6][0] != '\0' ? col[6] : col[5];
            CHECK_MSG(strcmp(iso, col[3]) == 0, "%s:%s time %s want %s",
                      col[0], col[1], iso, col[3]);
            CHECK_MSG(strcmp(s->ip, col[4]) == 0, "%s:%s ip %s want %s",
                      col[0], col[1], s->ip, col[4]);
            CHECK_MSG(strcmp(s->helo, helo) == 0, "%s:%s helo %s want %s",
                      col[0], col[1], s->helo, helo);
            CHECK_MSG(strcmp(s->rdns, col[7]) == 0, "%s:%s rdns %s want %s",
                      col[0], col[1], s->rdns, col[7]);
            CHECK_MSG(s->nqids == 1 && strcmp(s->qids[0], col[10]) == 0,
                      "%s:%s qid %s want %s", col[0], col[1],
                      s->nqids ? s->qids[0] : "-", col[10]);
            CHECK_STREQ(hv_disposition_name(hv_session_disposition(s)),
                        col[8]);
        }
        free(all.v);
    }
    fclose(t);
    CHECK(rows > 0);
    printf("sample-logs: %zu mbox/Maildir sessions compared\n", rows);
}

/* detect - the format hv_format_detect picks for the lines of text, or
 * "none". */
static const char *detect(const char *text)
{
    static char copy[4096];
    struct hv_line lines[20];
    size_t n = 0;
    snprintf(copy, sizeof(copy), "%s", text);
    for (char *p = copy; *p != '\0' && n < 20;) {
        char *nl = strchr(p, '\n');
        size_t len = nl != NULL ? (size_t)(nl - p) : strlen(p);
        lines[n].p = p;
        lines[n].len = len;
        lines[n].lineno = n + 1;
        lines[n].offset = (uint64_t)(p - copy);
        n++;
        if (nl == NULL)
            break;
        p = nl + 1;
    }
    const struct hv_format *f = hv_format_detect(lines, n);
    return f != NULL ? f->name : "none";
}

/* test_detect - a mail file is known by its first line; a header-like line
 * inside junk does not make one (random bytes were taken for mbox). */
static void test_detect(void)
{
    CHECK_STREQ(detect("From alice@example.org Mon Nov  2 09:00:00 2026\n"
                       "Received: from a.example (a.example [192.0.2.1])\n"), "mbox");
    CHECK_STREQ(detect("Return-Path: <a@example.org>\nReceived: from x\n"
                       "\tby mx.example.net\nSubject: hi\n"), "mbox");
    CHECK_STREQ(detect("\x01\xfe\x88 junk\n\x7f\x80\n"
                       "Ab: \x90\x91\n\x02\x03\n"), "none");
    CHECK_STREQ(detect("\x01\xfe\x88 junk\nSubject: a header after junk\n"), "none");
    /* a log that starts with a cut line is still a log */
    CHECK_STREQ(detect("ed line\n"
                       "Nov  2 09:00:00 mx1 postfix/smtpd[1]: connect from a.example[192.0.2.1]\n"
                       "Nov  2 09:00:01 mx1 postfix/smtpd[1]: disconnect from a.example[192.0.2.1]\n"),
                "postfix");
}

/* test_helo_origin - hidden HELOs become IMPLIED, written ones LOGGED;
 * LMTP and 0.0.0.0 hops; junk and over-long HELOs keep the session. */
static void test_helo_origin(void)
{
    struct result r;
    /* Exim "from RDNS ([IP]:port)": HELO hidden, equal to RDNS */
    run_str("From a@example.org Mon Nov  2 00:00:13 2026\n"
            "Received: from out.example.com ([192.0.2.20]:4711)\n"
            "\tby mx.example.net with esmtp id 1Mp3wA-0007kA-Ic\n"
            "\tfor <u@example.net>; Mon, 2 Nov 2026 00:00:06 +0000\n"
            "\n"
            "body\n",
            NULL, &r);
    CHECK_INTEQ(r.nsess, 1);
    if (r.nsess == 1) {
        CHECK(r.sess[0].has_helo);
        CHECK_STREQ(r.sess[0].helo, "out.example.com");
        CHECK_STREQ(r.sess[0].rdns, "out.example.com");
        CHECK_INTEQ(r.sess[0].helo_origin, HV_HELO_IMPLIED);
    }
    /* qmail "from RDNS (IP)" */
    run_str("From a@example.org Mon Nov  2 00:00:13 2026\n"
            "Received: from out.example.com (192.0.2.21)\n"
            "  by mx.example.net with SMTP; 2 Nov 2026 00:00:06 -0000\n"
            "\n",
            NULL, &r);
    CHECK_INTEQ(r.nsess, 1);
    if (r.nsess == 1) {
        CHECK_STREQ(r.sess[0].helo, "out.example.com");
        CHECK_INTEQ(r.sess[0].helo_origin, HV_HELO_IMPLIED);
    }
    /* Postfix writes the HELO: LOGGED */
    run_str("From a@example.org Mon Nov  2 00:00:13 2026\n"
            "Received: from helo.example (out.example.com [192.0.2.22])\n"
            "\tby mx.example.net (Postfix) with ESMTP id P1\n"
            "\n",
            NULL, &r);
    CHECK_INTEQ(r.nsess, 1);
    if (r.nsess == 1) {
        CHECK_STREQ(r.sess[0].helo, "helo.example");
        CHECK_INTEQ(r.sess[0].helo_origin, HV_HELO_LOGGED);
    }
    /* an LMTP hop above the border is internal delivery */
    run_str("From a@example.org Mon Nov  2 00:00:13 2026\n"
            "Received: from mx.example.net (mx.example.net [203.0.113.50])\n"
            "\tby store.example.net with LMTP id L1\n"
            "Received: from out.example.com (out.example.com [192.0.2.23])\n"
            "\tby mx.example.net (Postfix) with ESMTP id P2\n"
            "\n",
            NULL, &r);
    CHECK_INTEQ(r.nsess, 1);
    if (r.nsess == 1)
        CHECK_STREQ(r.sess[0].ip, "192.0.2.23");
    /* a HELO with ';', spaces and control bytes: the session is kept with
     * the bytes as sent */
    run_str("From a@example.org Mon Nov  2 00:00:13 2026\n"
            "Received: from x;y \001z (unknown [192.0.2.24])\n"
            "\tby mx.example.net (Postfix) with ESMTP id P3;\n"
            "\tMon, 2 Nov 2026 00:00:06 +0000\n"
            "\n",
            NULL, &r);
    CHECK_INTEQ(r.nsess, 1);
    CHECK_INTEQ(r.nskip, 0);
    if (r.nsess == 1) {
        CHECK_STREQ(r.sess[0].ip, "192.0.2.24");
        CHECK_STREQ(r.sess[0].helo, "x;y \001z");
        CHECK_INTEQ(r.sess[0].ts, rfc_ts("Mon, 2 Nov 2026 00:00:06 +0000"));
    }
    /* an over-long HELO: kept cut to HV_HELO_MAX, reported once */
    size_t big = HV_HELO_MAX + 500;
    char *m = malloc(big + 256);
    CHECK(m != NULL);
    if (m == NULL)
        return;
    size_t k = (size_t)snprintf(m, 128, "From a@example.org Mon Nov  2 "
                                        "00:00:13 2026\nReceived: from ");
    memset(m + k, 'h', big);
    k += big;
    k += (size_t)snprintf(m + k, 128, " (unknown [192.0.2.25])\n"
                                      "\tby mx.example.net (Postfix) id P4\n"
                                      "\n");
    run_text(m, k, NULL, &r);
    free(m);
    CHECK_INTEQ(r.nsess, 1);
    CHECK_INTEQ(r.nskip, 1);
    CHECK_INTEQ(count_reason(&r, "helo-truncated"), 1);
    if (r.nsess == 1) {
        CHECK_STREQ(r.sess[0].ip, "192.0.2.25");
        CHECK(r.sess[0].has_helo);
        CHECK_INTEQ(strlen(r.sess[0].helo), HV_HELO_MAX);
    }
    /* 0.0.0.0 is not one of our relays: it is the border as written */
    run_str("From a@example.org Mon Nov  2 00:00:13 2026\n"
            "Received: from out.example.com (out.example.com [0.0.0.0])\n"
            "\tby mx.example.net (Postfix) with ESMTP id P5\n"
            "Received: from inner.example (inner.example [192.0.2.26])\n"
            "\tby out.example.com (Postfix) with ESMTP id P6\n"
            "\n",
            NULL, &r);
    CHECK_INTEQ(r.nsess, 1);
    if (r.nsess == 1)
        CHECK_STREQ(r.sess[0].ip, "0.0.0.0");
}

/* test_labels - the first spam-filter header of a message labels it (a
 * lower one, maybe the sender's, does not; an undecided first one leaves
 * it unlabelled); each message starts unlabelled; a junk folder makes every
 * message spam whatever its headers say. */
static void test_labels(void)
{
    static const char box[] =
        "From a@b Sun Nov  1 00:00:10 2026\n"
        "X-Spam-Flag: YES\n"
        "Received: from a.example (a.example [192.0.2.1])\n"
        "\tby mx.example.org (Postfix) with ESMTP id AAA1\n"
        "\tfor <x@example.org>; Sun,  1 Nov 2026 00:00:02 +0000\n"
        "X-Spam-Flag: NO\n"
        "X-Spam-Status: No, score=0\n"
        "\n"
        "body\n"
        "X-Spam-Flag: YES\n"
        "\n"
        "From a@b Sun Nov  1 00:00:11 2026\n"
        "Received: from b.example (b.example [192.0.2.2])\n"
        "\tby mx.example.org (Postfix) with ESMTP id AAA2\n"
        "\tfor <x@example.org>; Sun,  1 Nov 2026 00:00:03 +0000\n"
        "x-spam-status: no,\n"
        "\tscore=-3.0 tests=ALL_TRUSTED\n"
        "\n"
        "From a@b Sun Nov  1 00:00:12 2026\n"
        "X-Rspamd-Action: greylist\n"
        "X-Spam: Yes\n"
        "Received: from c.example (c.example [192.0.2.3])\n"
        "\tby mx.example.org (Postfix) with ESMTP id AAA3\n"
        "\tfor <x@example.org>; Sun,  1 Nov 2026 00:00:04 +0000\n"
        "\n"
        "From a@b Sun Nov  1 00:00:13 2026\n"
        "Received: from d.example (d.example [192.0.2.4])\n"
        "\tby mx.example.org (Postfix) with ESMTP id AAA4\n"
        "\tfor <x@example.org>; Sun,  1 Nov 2026 00:00:05 +0000\n"
        "X-Spamd-Result: default: True [16.00 / 15.00];\n"
        "\tBAYES_SPAM(5.00)[99.99%]\n"
        "\n"
        "From a@b Sun Nov  1 00:00:14 2026\n"
        "Received: from e.example (e.example [192.0.2.5])\n"
        "\tby mx.example.org (Postfix) with ESMTP id AAA5\n"
        "\tfor <x@example.org>; Sun,  1 Nov 2026 00:00:06 +0000\n"
        "\n";
    struct result r;
    struct hv_parse_opts o = {NULL, NULL, 0, 0};
    run_str(box, &o, &r);
    CHECK_INTEQ(r.nsess, 5);
    if (r.nsess == 5) {
        CHECK(r.sess[0].label == HV_LABEL_SPAM && r.sess[0].label_from == HV_LFROM_HEADER);
        CHECK(r.sess[1].label == HV_LABEL_HAM && r.sess[1].label_from == HV_LFROM_HEADER);
        CHECK(r.sess[2].label == HV_LABEL_NONE && r.sess[2].label_from == HV_LFROM_NONE);
        CHECK(r.sess[3].label == HV_LABEL_SPAM && r.sess[3].label_from == HV_LFROM_HEADER);
        CHECK(r.sess[4].label == HV_LABEL_NONE);
    }
    /* the same mailbox filed in a junk folder: all spam, from the folder */
    struct hv_parse_opts junk = {NULL, NULL, 0, 1};
    run_str(box, &junk, &r);
    CHECK_INTEQ(r.nsess, 5);
    for (size_t i = 0; i < r.nsess && i < MAX_SESS; i++)
        CHECK(r.sess[i].label == HV_LABEL_SPAM && r.sess[i].label_from == HV_LFROM_FOLDER);
    /* one message (Maildir file) */
    static const char one[] =
        "X-MS-Exchange-Organization-SCL: 1\n"
        "Received: from f.example (f.example [192.0.2.6])\n"
        "\tby mx.example.org (Postfix) with ESMTP id AAA6\n"
        "\tfor <x@example.org>; Sun,  1 Nov 2026 00:00:07 +0000\n"
        "\n"
        "x\n";
    struct hv_parse_opts single = {NULL, NULL, 1, 0};
    run_str(one, &single, &r);
    CHECK(r.nsess == 1 && r.sess[0].label == HV_LABEL_HAM &&
          r.sess[0].label_from == HV_LFROM_HEADER);
}

int main(void)
{
    test_detect();
    test_framing();
    test_border();
    test_helo_origin();
    test_labels();
    test_bounds();
    test_single();
    test_probe();
    test_genlog();
    test_sample();
    return CHECK_DONE();
}
