#!/usr/bin/env python3
# gen.py - write the hostile inputs of tests/hostile.test.sh into a directory.
# Deterministic (fixed seed); nothing here is committed except this script.
#
#   python3 tests/hostile/gen.py OUTDIR
#
# Files written (each holds one good session before and one after the
# hostile part, so the test can check the good ones survive):
#   random.bin           2 MB of random bytes
#   nul.log              a Postfix log with NUL bytes inside lines
#   badutf8.log          a Postfix log with invalid UTF-8 and CRLF lines
#   received5000.mbox    a message with 5,000 Received headers between two
#                        ordinary messages
#   parens.mbox          Received headers with deeply nested parentheses
#                        (10,000 levels; one cut at 64 KiB, one inside it)
#   helo10k.postfix      a 10 KB HELO in a Postfix smtpd line
#   helo10k.exim         a 10 KB HELO in an Exim <= line
#   helo10k.mbox         a 10 KB HELO in a border Received header
#   hostile-helo.log     Postfix sessions whose HELOs are hostile strings
#                        (one per line of hostile-helo.txt, in order)
#   hostile-helo.txt     those HELOs as bytes, one per line (for the checks)
import os
import random
import sys

OUT = sys.argv[1]
rnd = random.Random(2026)


def w(name, data):
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(data)


def pf_session(pid, ip, helo, t="10:00", qid=None):
    """A complete Postfix smtpd session (connect, reject with helo=, disconnect)."""
    h = b"Nov  2 " + t.encode() + b":"
    out = [h + b"01 mx1 postfix/smtpd[%d]: connect from unknown[%s]" % (pid, ip.encode())]
    out.append(h + b"02 mx1 postfix/smtpd[%d]: NOQUEUE: reject: RCPT from unknown[%s]: "
               b"554 5.7.1 <x@example.org>: Relay access denied; from=<a@example.com> "
               b"to=<x@example.org> proto=ESMTP helo=<%s>" % (pid, ip.encode(), helo))
    out.append(h + b"03 mx1 postfix/smtpd[%d]: disconnect from unknown[%s] ehlo=1 mail=1 "
               b"rcpt=0/1 quit=1 commands=3/4" % (pid, ip.encode()))
    return out


GOOD_A = pf_session(100, "192.0.2.10", b"mail.example.com", "09:00")
GOOD_B = pf_session(101, "192.0.2.11", b"out.example.com", "11:00")


def lines(ls):
    return b"\n".join(ls) + b"\n"


# random bytes
w("random.bin", bytes(rnd.getrandbits(8) for _ in range(2 * 1024 * 1024)))

# NUL bytes inside lines
mid = []
for i in range(40):
    ls = pf_session(200 + i, "198.51.100.%d" % (i + 1), b"nul%d.example.net" % i, "10:%02d" % i)
    ls[1] = ls[1][:30] + b"\0\0\0" + ls[1][30:]
    mid += ls
w("nul.log", lines(GOOD_A + mid + GOOD_B))

# invalid UTF-8 and CRLF
mid = []
for i in range(10):
    ls = pf_session(300 + i, "203.0.113.%d" % (i + 1), b"u\xff\xfe%d.example.net" % i, "10:%02d" % i)
    mid += ls
crlf = [l + b"\r" for l in pf_session(400, "203.0.113.200", b"crlf.example.net", "10:30")]
w("badutf8.log", lines(GOOD_A + mid + crlf + GOOD_B))


def mbox_msg(frm_ts, received, subject=b"hi"):
    out = [b"From a@example.com  " + frm_ts]
    out += received
    out += [b"From: <a@example.com>", b"To: <b@example.org>", b"Subject: " + subject,
            b"Date: Mon, 2 Nov 2026 10:00:00 +0000", b"", b"body", b""]
    return out


def border(helo, ip, qid=b"4ABC000001"):
    return [b"Received: from " + helo + b" (unknown [" + ip + b"])",
            b"\tby mx1.example.org (Postfix) with ESMTP id " + qid,
            b"\tfor <b@example.org>; Mon,  2 Nov 2026 10:00:00 +0000 (UTC)"]


MB_A = mbox_msg(b"Mon Nov  2 09:00:00 2026", border(b"mail.example.com", b"192.0.2.10", b"4ABC0000AA"))
MB_B = mbox_msg(b"Mon Nov  2 11:00:00 2026", border(b"out.example.com", b"192.0.2.11", b"4ABC0000BB"))

# 5,000 Received headers: the first would be the border, 4,999 more below it
many = border(b"spam.example.net", b"203.0.113.66", b"4ABC0000CC")
for i in range(4999):
    many += [b"Received: from h%d.example.net (h%d.example.net [198.51.100.%d])" % (i, i, i % 250 + 1),
             b"\tby h%d.example.net with SMTP id X%d; Mon, 2 Nov 2026 09:00:00 +0000" % (i + 1, i)]
w("received5000.mbox", lines(MB_A + mbox_msg(b"Mon Nov  2 10:00:00 2026", many) + MB_B))

# deeply nested parentheses: 10,000 levels (one header of 20 KB, inside the
# 64 KiB limit) and 40,000 levels (cut at 64 KiB)
deep = [b"Received: from deep.example.net " + b"(" * 10000 + b"unknown [203.0.113.70]" +
        b")" * 10000, b"\tby mx1.example.org (Postfix) with ESMTP id 4ABC0000DD;"
        b" Mon,  2 Nov 2026 10:00:00 +0000 (UTC)"]
deeper = [b"Received: from deeper.example.net (" + b"(" * 40000 + b"x" + b")" * 40000 +
          b" [203.0.113.71])", b"\tby mx1.example.org (Postfix) with ESMTP id 4ABC0000EE;"
          b" Mon,  2 Nov 2026 10:00:00 +0000 (UTC)"]
# folded: every level on its own continuation line
folded = [b"Received: from folded.example.net"] + [b"\t(" for _ in range(5000)] + \
    [b"\t[203.0.113.72]"] + [b"\t)" for _ in range(5000)] + \
    [b"\tby mx1.example.org (Postfix) with ESMTP id 4ABC0000FF;"
     b" Mon,  2 Nov 2026 10:00:00 +0000 (UTC)"]
w("parens.mbox", lines(MB_A + mbox_msg(b"Mon Nov  2 10:00:00 2026", deep) +
                       mbox_msg(b"Mon Nov  2 10:01:00 2026", deeper) +
                       mbox_msg(b"Mon Nov  2 10:02:00 2026", folded) + MB_B))

# a 10 KB HELO
big = b"a" * 10240
w("helo10k.postfix", lines(GOOD_A + pf_session(500, "203.0.113.80", big, "10:00") + GOOD_B))
ex = [b"2026-11-02 09:00:00 1vAAAA-000001-AA <= a@example.com H=(mail.example.com) [192.0.2.10]"
      b" P=esmtp S=1000 id=1@example.com",
      b"2026-11-02 10:00:00 1vAAAA-000002-AA <= a@example.com H=(" + big + b") [203.0.113.80]"
      b" P=esmtp S=1000 id=2@example.com",
      b"2026-11-02 11:00:00 1vAAAA-000003-AA <= a@example.com H=(out.example.com) [192.0.2.11]"
      b" P=esmtp S=1000 id=3@example.com"]
w("helo10k.exim", lines(ex))
w("helo10k.mbox", lines(MB_A + mbox_msg(b"Mon Nov  2 10:00:00 2026",
                                        border(big, b"203.0.113.80", b"4ABC000011")) + MB_B))

# hostile HELO strings (Postfix's helo=<...> runs to the last '>')
HOSTILE = [
    b"\x1b[31mred\x1b[0m.example.net",           # ANSI escape
    b"bell\x07\x08back\x7f.example.net",         # other control characters
    b"<script>alert(1)</script>",                # HTML/script
    b"<img src=x onerror=alert(1)>",
    b"x' OR '1'='1",                      # SQL fragments
    b"'); DROP TABLE sessions; --",
    b"=cmd|' /C calc'!A0",                        # spreadsheet formulas
    b"+1+1", b"-2+3", b"@SUM(1)",
    b"a\"b,c\"d,e.example.net",                  # quotes and commas
    b"\xc3\x28\xff\xfe.example.net",             # invalid UTF-8
    b"$(reboot)", b"`reboot`", b";rm -rf /",  # shell metacharacters
    b"a|b&c>d<e.example.net",
    b"tab\there.example.net",
]
mid = []
for i, h in enumerate(HOSTILE):
    mid += pf_session(600 + i, "203.0.113.%d" % (100 + i), h, "10:%02d" % i)
w("hostile-helo.log", lines(GOOD_A + mid + GOOD_B))
w("hostile-helo.txt", lines(HOSTILE))
