#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""genlog - seeded mail-server logs and mbox archives with a truth file.

Usage:
  python3 tests/tools/genlog.py --format postfix|exim|sendmail|mbox
      [--sessions N] [--seed S] [--domains D] [--truth FILE]
      [--start EPOCH] [--gap SECONDS] [--new-clients P] [--exim-pid]
      > output

Writes N SMTP sessions (mbox: N messages) as the MTA writes them, with the
noise around them: Postfix smtpd, postscreen, cleanup, qmgr, local/lmtp/smtp
deliveries, TLS and anvil lines; Exim arrivals, deliveries, ACL rejects,
"SMTP connection" lines and queue runs; Sendmail sm-mta lines; mbox messages
with Received chains in the shapes of Postfix, Exim, Sendmail, qmail and
Microsoft, above them our own internal hops, and some messages that never
crossed the border (local, trusted or webmail only). Clients come back
(a growing population picked with a skew), IPv4 and IPv6, with HELOs from
a pool of D domains, bare names, address literals and junk. Sessions overlap
in time as concurrent servers log them. Only Python's standard library is
used; the same arguments give the same bytes (random.Random(seed), nothing
from the clock or the hash seed), and a run of N sessions starts with the
same sessions as any longer run with the same seed.

--start EPOCH  time of the first session (default 2026-11-01T00:00:00Z);
               syslog lines carry no year (scan them with --year).
--gap SECONDS  mean time between two sessions' starts (default 0.8; 1,000,000
               sessions over 30 days take --gap 2.592).
--new-clients P
               the chance that a session comes from a client not seen
               before (default 0.35: most pairs of HELO and address are
               seen once or twice); a smaller P gives a population that
               comes back day after day (0.03: 52,746 pairs in 1,000,000
               sessions). The default's bytes do not depend on the option.
--exim-pid     Exim with log_selector +pid and without +incoming_port:
               every line carries [pid], host fields have no port, and a
               client without a reverse name gets Exim's "no host name found
               for IP address" line. The default is +incoming_port (every
               host field ends in :port) and +smtp_connection, without +pid.

--truth FILE writes one TSV row per session (mbox: per message), after a
header row:
  session_no   0, 1, 2... in the order the sessions were generated
  ip           the client (canonical text); mbox: the border client, empty
               when the message has no SMTP client outside the trusted
               networks (local, internal or webmail only: no session)
  helo_sent    what the client sent after HELO/EHLO ('' when it sent none)
  helo_seen    the HELO a correct reader of this output can know: the text
               the log or header writes (logged), or the one Exim's or
               qmail's format rule implies (implied); '' otherwise
  helo_origin  logged | implied | unobserved | absent:
               logged      the log line or header writes the HELO
               implied     Exim H=name [ip] (log) or "from NAME ([IP])"
                           (Received), qmail "from NAME (IP)", after a HELO
                           was given: it equals the name shown
               unobserved  the output does not show it, whether or not one
                           was sent (see helo_sent): Postfix sessions
                           accepted without a helo= line, every Sendmail
                           session, Exim H=name [ip] without a MAIL stage
               absent      the output shows that none was sent (Postfix
                           "disconnect ... commands=" without helo/ehlo,
                           postscreen hang-up before the handshake, Exim
                           H=[ip] or a connect-time reject); mbox rows
                           without a session
  disposition  accepted | rejected | deferred | lost (the first that
               applies: a message accepted, a 5xx, a 4xx, none); mbox:
               accepted
"""
import argparse
import calendar
import heapq
import ipaddress
import random
import sys
import time

DEFAULT_START = calendar.timegm((2026, 11, 1, 0, 0, 0))
MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()
WDAYS = "Mon Tue Wed Thu Fri Sat Sun".split()
OUR_HOST = "mx1"
OUR_FQDN = "mx1.example.org"
OUR_IP = "192.0.2.25"
OUR_DOMAIN = "example.org"
SYLLABLES = ("ab ac al an ar as at ba be bo ca ce co da de di do el en er "
             "fa fe fi ga ge go ha he in ka ke ki la le li lo lu ma me mi "
             "mo na ne no or pa pe po ra re ri ro sa se si so ta te ti to "
             "tra va ve vi wa we zo").split()
TLDS = ["com", "com", "com", "net", "org", "de", "co.uk", "fr", "nl", "it",
        "ru", "com.br", "jp", "pl", "info", "io", "ch", "se"]
MTA_LABELS = ["mail", "mx", "smtp", "out", "mta", "relay", "mailout",
              "smtp-out", "outbound", "mx1", "mx2", "mail2", "o1", "gw"]
ISP_WORDS = ["dyn", "dynamic", "pool", "dsl", "cable", "ppp", "broadband",
             "client", "host", "static"]
JUNK_HELOS = ["localhost", "User", "ylmf-pc", "localhost.localdomain",
              "EHLO", "mail", "smtp", "xxx", "test", "admin", "HELO",
              "friend", "server", "PC", "127.0.0.1", "[127.0.0.1]",
              "home", "ADMIN-PC", "default"]
TRUTH_HEADER = "session_no\tip\thelo_sent\thelo_seen\thelo_origin\tdisposition\n"


# ==== Addresses and names ====

def public_ip4(r):
    """A unicast IPv4 address outside every private, loopback, shared,
    link-local, multicast and documentation range heloval trusts."""
    while True:
        a = r.randint(1, 223)
        b = r.randint(0, 255)
        if a in (10, 127, 0) or (a == 172 and 16 <= b <= 31) or \
                (a == 192 and b == 168) or (a == 169 and b == 254) or \
                (a == 100 and 64 <= b <= 127) or (a == 192 and b == 0) or \
                (a == 198 and b in (18, 19, 51)) or (a == 203 and b == 0):
            continue
        return "%d.%d.%d.%d" % (a, b, r.randint(0, 255), r.randint(1, 254))


IP6_PREFIXES = ["2a01:4f8", "2001:41d0", "2604:a880", "2a00:1450",
                "2a02:c207", "2001:470", "2a03:b0c0", "2607:f8b0"]


def public_ip6(r):
    """A global IPv6 address in its canonical (RFC 5952) text form."""
    text = "%s:%x:%x::%x" % (r.choice(IP6_PREFIXES), r.randint(0, 0xffff),
                             r.randint(0, 0xffff), r.randint(1, 0xffff))
    return ipaddress.IPv6Address(text).compressed


def literal(ip):
    """The SMTP address literal of ip: [192.0.2.1], [IPv6:2001:db8::1]."""
    return "[IPv6:%s]" % ip if ":" in ip else "[%s]" % ip


def word(r, lo=2, hi=3):
    return "".join(r.choice(SYLLABLES) for _ in range(r.randint(lo, hi)))


def make_domains(r, n):
    """n distinct registrable domains."""
    seen = set()
    out = []
    while len(out) < n:
        d = "%s.%s" % (word(r), r.choice(TLDS))
        if d in seen:
            d = "%s%d.%s" % (word(r), len(out), r.choice(TLDS))
            if d in seen:
                continue
        seen.add(d)
        out.append(d)
    return out


class Client:
    """One SMTP client: address, reverse name, the HELO it sends."""
    __slots__ = ("kind", "ip", "rdns", "ptr_bad", "helo", "domain", "port",
                 "user", "verb")

    def __init__(self, kind, ip, rdns, ptr_bad, helo, domain, r):
        self.kind = kind        # mta, bot, scan, user
        self.ip = ip
        self.rdns = rdns        # verified reverse name, or None
        self.ptr_bad = ptr_bad  # a PTR name that does not resolve back
        self.helo = helo        # None: never sends HELO/EHLO
        self.domain = domain
        self.port = r.randint(32768, 60999)
        self.user = None
        self.verb = "HELO" if r.random() < 0.08 else "EHLO"

    def next_port(self, r):
        """The source port of the next connection (sequential, wraps)."""
        self.port += r.randint(1, 9)
        if self.port > 60999:
            self.port -= 28232
        return self.port


class Population:
    """Clients appear and come back: each session is a new client with
    probability new (--new-clients), else an earlier one, the early ones
    more often."""

    def __init__(self, r, domains, new):
        self.r = r
        self.domains = domains
        self.new = new
        self.clients = []

    def pick(self):
        r = self.r
        n = len(self.clients)
        if n == 0 or r.random() < self.new:
            c = self.new_client()
            self.clients.append(c)
            return c
        return self.clients[int(n * r.random() ** 1.7)]

    def new_client(self):
        r = self.r
        x = r.random()
        kind = "mta" if x < 0.46 else "bot" if x < 0.84 else \
            "scan" if x < 0.94 else "user"
        ip = public_ip6(r) if r.random() < 0.09 else public_ip4(r)
        if kind == "mta":
            return self.mta(ip)
        if kind == "user":
            c = Client("user", ip, None, None, r.choice(
                ["[192.168.%d.%d]" % (r.randint(0, 9), r.randint(2, 250)),
                 "laptop-%s" % word(r, 1, 2), "%s-PC" % word(r, 1, 2).upper(),
                 "[IPv6:fd00::%x]" % r.randint(1, 0xffff)]), OUR_DOMAIN, r)
            c.user = "%s@%s" % (word(r, 1, 2), OUR_DOMAIN)
            if r.random() < 0.5:
                c.rdns = self.dyn_name(ip)
            return c
        rdns, ptr_bad = None, None
        y = r.random()
        if y < 0.3:
            rdns = self.dyn_name(ip)
        elif y < 0.45:
            ptr_bad = self.dyn_name(ip)
        if kind == "scan":
            return Client("scan", ip, rdns, ptr_bad, None, None, r)
        return Client("bot", ip, rdns, ptr_bad, self.bot_helo(ip, rdns),
                      None, r)

    def mta(self, ip):
        r = self.r
        dom = r.choice(self.domains)
        name = "%s.%s" % (r.choice(MTA_LABELS), dom)
        if r.random() < 0.3:
            name = "%s%d.%s" % (r.choice(MTA_LABELS), r.randint(1, 40), dom)
        x = r.random()
        if x < 0.03:   # an address literal: no usable reverse name
            return Client("mta", ip, None, None, literal(ip), dom, r)
        rdns = name if r.random() < 0.88 else None
        ptr_bad = None if rdns else (name if r.random() < 0.5 else None)
        helo = name if x < 0.78 else dom if x < 0.88 else \
            "%s.%s" % (r.choice(MTA_LABELS), dom)
        if helo != name and helo.lower() == name.lower():
            helo = name
        return Client("mta", ip, rdns, ptr_bad, helo, dom, r)

    def dyn_name(self, ip):
        r = self.r
        tag = ip.replace(".", "-").replace(":", "-")
        return "%s-%s.%s.%s" % (r.choice(ISP_WORDS), tag, r.choice(ISP_WORDS),
                                r.choice(self.domains))

    def bot_helo(self, ip, rdns):
        """The HELO of a spam bot; a literal of its own address only when it
        has no verified name (Exim would hide it behind that name)."""
        r = self.r
        while True:
            x = r.random()
            if x < 0.25:
                h = r.choice(JUNK_HELOS)
            elif x < 0.37:
                h = literal(ip)
            elif x < 0.41:
                h = ip
            elif x < 0.52:
                h = r.choice(["WIN-%s" % "".join(r.choice(
                    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") for _ in range(11)),
                    "DESKTOP-%s" % word(r, 2, 3).upper(),
                    "%s_%s" % (word(r, 1, 2), word(r, 1, 2)),
                    word(r, 2, 3)])
            elif x < 0.78:
                h = "%s.%s" % (r.choice(MTA_LABELS), r.choice(self.domains))
            elif x < 0.88:
                h = r.choice([OUR_DOMAIN, OUR_FQDN, "[%s]" % OUR_IP])
            else:
                h = rdns or r.choice(self.domains)
            if rdns is None or (h != literal(ip) and h.lower() != rdns.lower()
                                or h == rdns):
                return h


# ==== Output: time-ordered lines from overlapping sessions ====

class Timeline:
    """Lines of overlapping sessions, written in time order. add() takes a
    line at time t; flush(t) writes every line before t (no later session
    can add one there)."""

    def __init__(self, out, stamp, start):
        self.out = out
        self.stamp = stamp
        self.start = start
        self.heap = []
        self.seq = 0
        self.last_sec = None
        self.last_text = ""

    def add(self, t, text):
        self.seq += 1
        heapq.heappush(self.heap, (t, self.seq, text))

    def flush(self, before):
        heap = self.heap
        buf = []
        while heap and heap[0][0] < before:
            t, _, text = heapq.heappop(heap)
            sec = int(self.start + t)
            if sec != self.last_sec:
                self.last_sec = sec
                self.last_text = self.stamp(sec)
            buf.append(self.last_text)
            buf.append(text)
        if buf:
            self.out.write("".join(buf))

    def close(self):
        self.flush(float("inf"))


def syslog_stamp(sec):
    g = time.gmtime(sec)
    return "%s %2d %02d:%02d:%02d " % (MONTHS[g.tm_mon - 1], g.tm_mday,
                                       g.tm_hour, g.tm_min, g.tm_sec)


def exim_stamp(sec):
    g = time.gmtime(sec)
    return "%04d-%02d-%02d %02d:%02d:%02d " % (g.tm_year, g.tm_mon, g.tm_mday,
                                               g.tm_hour, g.tm_min, g.tm_sec)


def rfc2822(sec):
    g = time.gmtime(sec)
    return "%s, %d %s %04d %02d:%02d:%02d +0000" % (
        WDAYS[g.tm_wday], g.tm_mday, MONTHS[g.tm_mon - 1], g.tm_year,
        g.tm_hour, g.tm_min, g.tm_sec)


def ctime_stamp(sec):
    g = time.gmtime(sec)
    return "%s %s %2d %02d:%02d:%02d %04d" % (
        WDAYS[g.tm_wday], MONTHS[g.tm_mon - 1], g.tm_mday, g.tm_hour,
        g.tm_min, g.tm_sec, g.tm_year)


class Pids:
    """Process ids: new processes get increasing ids; a pool reuses an idle
    process (Postfix smtpd) until it has been idle for max_idle seconds."""

    def __init__(self, r, first):
        self.r = r
        self.next_pid = first
        self.idle = []   # heap of (free_at, pid)

    def fresh(self):
        self.next_pid += self.r.randint(1, 40)
        if self.next_pid > 4194000:
            self.next_pid = 1000
        return self.next_pid

    def take(self, t, max_idle=100.0):
        idle = self.idle
        while idle and idle[0][0] < t - max_idle:
            heapq.heappop(idle)
        if idle and idle[0][0] < t:
            return heapq.heappop(idle)[1]
        return self.fresh()

    def release(self, t, pid):
        heapq.heappush(self.idle, (t, pid))


B62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def b62(n, width):
    s = []
    for _ in range(width):
        n, d = divmod(n, 62)
        s.append(B62[d])
    return "".join(reversed(s))


# ==== The generator ====

class Gen:
    """State shared by the formats: randomness, clients, time, ids."""

    def __init__(self, args, out):
        self.r = random.Random(args.seed)
        self.domains = make_domains(self.r, max(1, args.domains))
        self.pop = Population(self.r, self.domains, args.new_clients)
        self.start = args.start
        self.gap = args.gap
        self.out = out
        self.exim_pid = args.exim_pid
        self.serial = 0
        self.pids = Pids(self.r, self.r.randint(2000, 9000))

    def sender(self, c):
        r = self.r
        if c.user:
            return c.user
        if c.domain and r.random() < 0.8:
            return "%s@%s" % (r.choice(["info", "news", "billing", "noreply",
                                        "support", word(r, 1, 2)]), c.domain)
        if r.random() < 0.1:
            return ""
        return "%s@%s" % (word(r, 1, 3), r.choice(self.domains))

    def rcpt(self):
        r = self.r
        return "%s@%s" % (r.choice(["anna", "bob", "carla", "dieter", "eve",
                                    "info", "sales", "postmaster", "jobs",
                                    word(r, 1, 2)]), OUR_DOMAIN)

    def msgid(self, dom):
        self.serial += 1
        return "%x.%x@%s" % (self.r.getrandbits(40), self.serial, dom or OUR_DOMAIN)


# ---- Postfix ----

def pf_counters(cmds):
    """'ehlo=1 mail=1 rcpt=0/1 quit=1 commands=3/4' from [(name, ok, n)]."""
    parts = []
    ok_all = tot_all = 0
    for name, ok, n in cmds:
        parts.append("%s=%d" % (name, ok) if ok == n else "%s=%d/%d" % (name, ok, n))
        ok_all += ok
        tot_all += n
    parts.append("commands=%d" % ok_all if ok_all == tot_all
                 else "commands=%d/%d" % (ok_all, tot_all))
    return " ".join(parts)


class Postfix:
    """One smtpd process per session, behind postscreen for most of them,
    with the cleanup/qmgr/delivery lines of every accepted message."""

    def __init__(self, g):
        self.g = g
        self.tl = Timeline(g.out, syslog_stamp, g.start)
        self.ps_pid = g.r.randint(900, 1900)
        self.qmgr_pid = g.r.randint(700, 899)
        self.qserial = g.r.randint(0, 0xFFFFF)
        self.anvil_at = 0.0

    def qid(self, t):
        self.qserial = (self.qserial + self.g.r.randint(1, 97)) & 0xFFFFF
        return "%05X%05X" % (int(t * 1e6) & 0xFFFFF, self.qserial)

    def noise(self, t):
        """anvil statistics and pickup submissions between the sessions."""
        g, r, tl = self.g, self.g.r, self.tl
        if t >= self.anvil_at:
            if self.anvil_at > 0:
                c = r.choice(g.pop.clients)
                when = syslog_stamp(int(g.start + t - r.uniform(1, 500)))[:-1]
                pid = g.pids.fresh()
                pre = "%s postfix/anvil[%d]: statistics: " % (OUR_HOST, pid)
                tl.add(t, pre + "max connection rate %d/60s for (smtp:%s) at %s\n"
                       % (r.randint(1, 9), c.ip, when))
                tl.add(t, pre + "max connection count %d for (smtp:%s) at %s\n"
                       % (r.randint(1, 4), c.ip, when))
                tl.add(t, pre + "max cache size %d at %s\n" % (r.randint(1, 30), when))
            self.anvil_at = t + r.uniform(300, 700)
        if r.random() < 0.03:
            q = self.qid(t)
            who = word(r, 1, 2)
            tl.add(t, "%s postfix/pickup[%d]: %s: uid=%d from=<%s>\n"
                   % (OUR_HOST, g.pids.fresh(), q, r.randint(1000, 1010), who))
            tl.add(t + 0.01, "%s postfix/cleanup[%d]: %s: message-id=<%s>\n"
                   % (OUR_HOST, g.pids.fresh(), q, g.msgid(OUR_FQDN)))
            tl.add(t + 0.02, "%s postfix/qmgr[%d]: %s: from=<%s@%s>, size=%d, nrcpt=1 (queue active)\n"
                   % (OUR_HOST, self.qmgr_pid, q, who, OUR_FQDN, r.randint(400, 9000)))
            dom = r.choice(g.domains)
            mx_ip = public_ip4(r)
            if r.random() < 0.85:
                tl.add(t + 0.9, "%s postfix/smtp[%d]: %s: to=<%s@%s>, relay=mx.%s[%s]:25, delay=0.9, "
                       "delays=0.02/0.01/0.4/0.47, dsn=2.0.0, status=sent (250 2.0.0 Ok: queued as %s)\n"
                       % (OUR_HOST, g.pids.fresh(), q, word(r), dom, dom, mx_ip, self.qid(t)))
                tl.add(t + 0.91, "%s postfix/qmgr[%d]: %s: removed\n" % (OUR_HOST, self.qmgr_pid, q))
            else:
                tl.add(t + 30.0, "%s postfix/smtp[%d]: connect to mx.%s[%s]:25: Connection timed out\n"
                       % (OUR_HOST, g.pids.fresh(), dom, mx_ip))
                tl.add(t + 30.01, "%s postfix/smtp[%d]: %s: to=<%s@%s>, relay=none, delay=30, "
                       "delays=0.02/0.01/30/0, dsn=4.4.1, status=deferred (connect to mx.%s[%s]:25: "
                       "Connection timed out)\n"
                       % (OUR_HOST, g.pids.fresh(), q, word(r), dom, dom, mx_ip))

    def session(self, c, t):
        """Lines of one session starting at t; returns the truth row."""
        g, r = self.g, self.g.r
        lines = []          # (offset, text)
        now = [0.0]

        def at(text, dt=None):
            now[0] += dt if dt is not None else r.uniform(0.02, 0.9)
            lines.append((now[0], text))

        ip = c.ip
        name = c.rdns or "unknown"
        client = "%s[%s]" % (name, ip)
        sub = c.kind == "user"
        tag = "postfix/submission/smtpd" if sub else "postfix/smtpd"
        helo = c.helo

        # postscreen in front of port 25
        ps = "%s postfix/postscreen[%d]: " % (OUR_HOST, self.ps_pid)
        port = c.next_port(r)
        pc = "[%s]:%d" % (ip, port)
        x = r.random()
        if not sub and x < 0.6:
            at(ps + "CONNECT from %s to [%s]:25\n" % (pc, OUR_IP), 0.0)
            y = r.random()
            if c.kind == "bot" and y < 0.18:
                at(ps + "DNSBL rank %d for %s\n" % (r.randint(3, 9), pc), 0.3)
                at(ps + "NOQUEUE: reject: RCPT from %s: 550 5.7.1 Service unavailable; client [%s] "
                   "blocked using zen.spamhaus.org; from=<%s>, to=<%s>, proto=ESMTP, helo=<%s>\n"
                   % (pc, ip, g.sender(c), g.rcpt(), helo), r.uniform(6, 7))
                at(ps + "DISCONNECT %s\n" % pc)
                return self.emit(lines, t, ip, helo, helo, "logged", "rejected")
            if c.kind == "bot" and y < 0.26:
                at(ps + "PREGREET %d after %.2g from %s: %s %s\\r\\n\n"
                   % (len(helo) + 7, r.uniform(0.05, 2), pc, c.verb, helo))
                at(ps + "DISCONNECT %s\n" % pc)
                return self.emit(lines, t, ip, helo, "", "unobserved", "lost")
            if c.kind == "scan" and y < 0.5:
                at(ps + "HANGUP after %.2g from %s in tests before SMTP handshake\n"
                   % (r.uniform(0.1, 5.5), pc))
                at(ps + "DISCONNECT %s\n" % pc)
                return self.emit(lines, t, ip, None, "", "absent", "lost")
            at(ps + "%s %s\n" % (r.choice(["PASS OLD", "PASS OLD", "PASS NEW",
                                            "WHITELISTED"]), pc), r.uniform(0.01, 6.1))
        pid = g.pids.take(t + now[0] + 0.01)
        sd = "%s %s[%d]: " % (OUR_HOST, tag, pid)
        if c.ptr_bad:
            at(sd + "warning: hostname %s does not resolve to address %s: Name or service not known\n"
               % (c.ptr_bad, ip), 0.01)
        at(sd + "connect from %s\n" % client, 0.01)

        if helo is None:
            y = r.random()
            if y < 0.45:
                at(sd + "lost connection after CONNECT from %s\n" % client)
                at(sd + "disconnect from %s commands=0/0\n" % client, 0.0)
            elif y < 0.75:
                at(sd + "disconnect from %s quit=1 commands=1\n" % client)
            else:
                at(sd + "warning: non-SMTP command from %s: %s\n"
                   % (client, r.choice(["GET / HTTP/1.1", "\\026\\003\\001",
                                        "CONNECT www.example.com:443 HTTP/1.1"])))
                at(sd + "disconnect from %s unknown=0/1 commands=0/1\n" % client, 0.0)
            g.pids.release(t + now[0], pid)
            return self.emit(lines, t, ip, None, "", "absent", "lost")

        verb = c.verb.lower()
        proto = "ESMTP" if verb == "ehlo" else "SMTP"
        cmds = []
        tls = verb == "ehlo" and c.kind in ("mta", "user") and r.random() < 0.7
        if tls:
            at(sd + "Anonymous TLS connection established from %s: TLSv1.3 with cipher "
               "TLS_AES_256_GCM_SHA384 (256/256 bits) key-exchange X25519 server-signature "
               "RSA-PSS (2048 bits) server-digest SHA256\n" % client)
            cmds += [(verb, 2, 2), ("starttls", 1, 1)]
        else:
            cmds.append((verb, 1, 1))

        def trailer(s, rc):
            return "from=<%s> to=<%s> proto=%s helo=<%s>" % (s, rc, proto, helo)

        y = r.random()
        if c.kind in ("mta", "user"):
            kind = "accept" if y < 0.8 else "reject" if y < 0.87 else \
                "defer" if y < 0.94 else "lost"
        elif c.kind == "bot":
            kind = "accept" if y < 0.05 else "reject" if y < 0.62 else \
                "defer" if y < 0.77 else "lost"
        if kind == "lost":
            z = r.random()
            if z < 0.5:
                at(sd + "lost connection after %s from %s\n" % (c.verb, client))
            elif z < 0.7:
                at(sd + "timeout after %s from %s\n" % (c.verb, client), r.uniform(60, 300))
            else:
                cmds.append(("quit", 1, 1))
            at(sd + "disconnect from %s %s\n" % (client, pf_counters(cmds)), 0.0)
            g.pids.release(t + now[0], pid)
            return self.emit(lines, t, ip, helo, "", "unobserved", "lost")

        s = g.sender(c)
        rc = g.rcpt()
        if kind in ("reject", "defer"):
            if kind == "reject":
                if "." not in helo and not helo.startswith("[") and r.random() < 0.5:
                    reply = "504 5.5.2 <%s>: Helo command rejected: need fully-qualified hostname" % helo
                elif "_" in helo:
                    reply = "501 5.5.2 <%s>: Helo command rejected: Invalid name" % helo
                elif c.kind == "bot" and r.random() < 0.6:
                    reply = ("554 5.7.1 Service unavailable; Client host [%s] blocked using "
                             "zen.spamhaus.org; https://www.spamhaus.org/query/ip/%s" % (ip, ip))
                elif c.rdns is None and r.random() < 0.3:
                    reply = "550 5.7.1 Client host rejected: cannot find your reverse hostname, [%s]" % ip
                elif r.random() < 0.5:
                    reply = "550 5.1.1 <%s>: Recipient address rejected: User unknown in virtual mailbox table" % rc
                else:
                    rc = "%s@%s" % (word(r), r.choice(g.domains))
                    reply = "554 5.7.1 <%s>: Relay access denied" % rc
            else:
                if c.rdns is None and r.random() < 0.4:
                    reply = "450 4.7.25 Client host rejected: cannot find your hostname, [%s]" % ip
                elif "." in helo and not helo.startswith("[") and r.random() < 0.2:
                    reply = "450 4.7.1 <%s>: Helo command rejected: Host not found" % helo
                else:
                    reply = ("450 4.2.0 <%s>: Recipient address rejected: Greylisted, see "
                             "https://postgrey.schweikert.ch/help/%s.html" % (rc, OUR_DOMAIN))
            nr = r.choice([1, 1, 1, 2])
            for _ in range(nr):
                at(sd + "NOQUEUE: reject: RCPT from %s: %s; %s\n" % (client, reply, trailer(s, rc)))
            cmds += [("mail", 1, 1), ("rcpt", 0, nr)]
            if r.random() < 0.4:
                at(sd + "lost connection after RCPT from %s\n" % client)
            else:
                cmds.append(("quit", 1, 1))
            at(sd + "disconnect from %s %s\n" % (client, pf_counters(cmds)), 0.0)
            g.pids.release(t + now[0], pid)
            return self.emit(lines, t, ip, helo, helo, "logged",
                             "rejected" if kind == "reject" else "deferred")

        # accepted: one or two messages, maybe after a rejected recipient;
        # a header check may refuse one (a session whose only message was
        # refused is rejected)
        seen_helo = False
        mails = rcpt_ok = rcpt_tot = data_ok = data_tot = 0
        if r.random() < 0.06:
            bad_rc = "%s@%s" % (word(r), OUR_DOMAIN)
            at(sd + "NOQUEUE: reject: RCPT from %s: 550 5.1.1 <%s>: Recipient address rejected: "
               "User unknown in virtual mailbox table; %s\n" % (client, bad_rc, trailer(s, bad_rc)))
            seen_helo = True
            rcpt_tot += 1
        for _ in range(2 if r.random() < 0.1 else 1):
            mails += 1
            rcpt_ok += 1
            rcpt_tot += 1
            data_tot += 1
            q = self.qid(t + now[0])
            extra = ", sasl_method=PLAIN, sasl_username=%s" % c.user if sub else ""
            at(sd + "%s: client=%s%s\n" % (q, client, extra))
            cl = "%s postfix/cleanup[%d]: %s: " % (OUR_HOST, 3000 + pid % 7, q)
            at(cl + "message-id=<%s>\n" % g.msgid(c.domain))
            z = r.random()
            if z < 0.1:
                at(cl + "warning: header Subject: Invoice %d from %s; %s: Subject\n"
                   % (r.randint(1, 99999), client, trailer(s, rc)))
                seen_helo = True
            elif z < 0.13:
                at(cl + "reject: header Subject: =?UTF-8?B?V2luIG5vdw==?= from %s; %s: "
                   "5.7.1 Message content rejected\n" % (client, trailer(s, rc)))
                seen_helo = True
                continue
            data_ok += 1
            qm = "%s postfix/qmgr[%d]: %s: " % (OUR_HOST, self.qmgr_pid, q)
            lines.append((now[0] + 0.05, qm + "from=<%s>, size=%d, nrcpt=1 (queue active)\n"
                          % (s, r.randint(900, 90000))))
            if r.random() < 0.7:
                dl = "%s postfix/lmtp[%d]: %s: to=<%s>, relay=mail.%s[private/dovecot-lmtp], " \
                     "delay=0.3, delays=0.1/0.01/0.05/0.14, dsn=2.0.0, status=sent (250 2.0.0 " \
                     "<%s> %s Saved)\n" % (OUR_HOST, 4000 + pid % 11, q, rc, OUR_DOMAIN, rc,
                                           b62(r.getrandbits(64), 11))
            else:
                dl = "%s postfix/local[%d]: %s: to=<%s>, relay=local, delay=0.2, " \
                     "delays=0.1/0.01/0/0.09, dsn=2.0.0, status=sent (delivered to mailbox)\n" \
                     % (OUR_HOST, 5000 + pid % 13, q, rc)
            lines.append((now[0] + 0.4, dl))
            lines.append((now[0] + 0.41, qm + "removed\n"))
        if sub:
            cmds.append(("auth", 1, 1))
        cmds += [("mail", mails, mails), ("rcpt", rcpt_ok, rcpt_tot),
                 ("data", data_ok, data_tot), ("quit", 1, 1)]
        at(sd + "disconnect from %s %s\n" % (client, pf_counters(cmds)))
        g.pids.release(t + now[0], pid)
        if seen_helo:
            return self.emit(lines, t, ip, helo, helo, "logged",
                             "accepted" if data_ok else "rejected")
        return self.emit(lines, t, ip, helo, "", "unobserved",
                         "accepted" if data_ok else "rejected")

    def emit(self, lines, t, ip, sent, seen, origin, disp):
        tl = self.tl
        for dt, text in lines:
            tl.add(t + dt, text)
        self.end = max(dt for dt, _ in lines)
        return ip, sent or "", seen, origin, disp



# ---- Exim ----

class Exim:
    """Exim's main log: the daemon's "SMTP connection" line, one process per
    connection, arrivals and their deliveries, ACL rejects, queue runs."""

    def __init__(self, g):
        self.g = g
        self.tl = Timeline(g.out, exim_stamp, g.start)
        self.daemon_pid = g.r.randint(600, 1900)
        self.queue_at = 0.0
        self.conns = 0

    def mid(self, t, pid):
        self.g.serial += 1
        sec = int(self.g.start + t)
        return "%s-%s-%s" % (b62(sec, 6), b62(pid * 64 + self.g.serial % 64, 6),
                             b62(self.g.serial % 3844, 2))

    def noise(self, t):
        g, r = self.g, self.g.r
        if t >= self.queue_at:
            pid = g.pids.fresh()
            pfx = "[%d] " % pid if g.exim_pid else ""
            self.tl.add(t, pfx + "Start queue run: pid=%d\n" % pid)
            self.tl.add(t + r.uniform(0.1, 2), pfx + "End queue run: pid=%d\n" % pid)
            self.queue_at = t + 1800

    def session(self, c, t):
        g, r = self.g, self.g.r
        lines = []
        now = [0.0]
        pid = g.pids.fresh()
        pfx = "[%d] " % pid if g.exim_pid else ""

        def at(text, dt=None):
            now[0] += dt if dt is not None else r.uniform(0.02, 0.9)
            lines.append((now[0], pfx + text))

        ip = c.ip
        addr = "[%s]" % ip if g.exim_pid else "[%s]:%d" % (ip, c.next_port(r))
        helo = c.helo
        name = c.rdns
        # sender_fullhost before and after HELO (host.c)
        pre = "%s %s" % (name, addr) if name else addr
        if helo is None:
            post = pre
        elif name:
            post = pre if helo == name else "%s (%s) %s" % (name, helo, addr)
        else:
            post = "(%s) %s" % (helo, addr)

        self.conns = max(1, min(self.conns + r.choice([-1, 0, 1]), 9))
        dpfx = "[%d] " % self.daemon_pid if g.exim_pid else ""
        lines.append((0.0, dpfx + "SMTP connection from %s (TCP/IP connection count = %d)\n"
                      % ("[%s]" % ip if g.exim_pid else addr, self.conns)))
        if g.exim_pid and name is None:
            at("no host name found for IP address %s\n" % ip, r.uniform(0.01, 2.5))

        def done(sent, seen, origin, disp):
            tl = self.tl
            for dt, text in lines:
                tl.add(t + dt, text)
            self.end = max(dt for dt, _ in lines)
            return ip, sent or "", seen, origin, disp

        if helo is None:
            y = r.random()
            if y < 0.25:
                at("SMTP protocol synchronization error (input sent without waiting for "
                   "greeting): rejected connection from H=%s input=\"%s\"\n"
                   % (pre, r.choice(["GET / HTTP/1.1", "\\026\\003\\001\\002"])))
                return done(None, "", "absent", "rejected")
            if y < 0.45:
                at("H=%s rejected connection in \"connect\" ACL: listed at zen.spamhaus.org\n" % pre)
                return done(None, "", "absent", "rejected")
            at("SMTP connection from %s lost D=%ds\n" % (pre, r.randint(0, 20)))
            return done(None, "", "absent" if name is None else "unobserved", "lost")

        implied = name is not None and helo == name
        shown = (name, "implied") if implied else (helo, "logged")
        y = r.random()
        if "_" in helo:
            at("rejected %s from %s: syntactically invalid argument(s): %s\n" % (c.verb, pre, helo))
            at("SMTP connection from %s closed by QUIT\n" % pre)
            return done(helo, helo, "logged", "rejected")
        if c.kind == "bot" and y < 0.12:
            at("dovecot_login authenticator failed for %s: 535 Incorrect authentication data "
               "(set_id=%s)\n" % (post, r.choice(["admin", "info", "test", "sales", word(r)])),
               r.uniform(1, 9))
            at("SMTP connection from %s lost D=%ds\n" % (post, r.randint(2, 20)))
            return done(helo, helo if not implied else name, shown[1], "rejected")
        if c.kind in ("mta", "user"):
            kind = "accept" if y < 0.8 else "reject" if y < 0.87 else \
                "defer" if y < 0.93 else "lost"
        else:
            kind = "accept" if y < 0.17 else "reject" if y < 0.7 else \
                "defer" if y < 0.8 else "lost"
        if kind == "lost":
            z = r.random()
            if z < 0.4:
                at("no MAIL in SMTP connection from %s D=%ds C=%s,QUIT\n"
                   % (post, r.randint(1, 30), c.verb))
            elif z < 0.7:
                at("SMTP connection from %s lost D=%ds\n" % (post, r.randint(1, 30)))
            else:
                at("unexpected disconnection while reading SMTP command from %s D=%ds\n"
                   % (post, r.randint(1, 30)))
            if implied:   # the log cannot tell whether a HELO was given
                return done(helo, "", "unobserved", "lost")
            return done(helo, helo, "logged", "lost")
        s = g.sender(c)
        rc = g.rcpt()
        if kind in ("reject", "defer"):
            if kind == "reject":
                why = r.choice(["JunkMail rejected - %s is in an RBL: https://www.spamhaus.org/query/ip/%s"
                                % (ip, ip), "Unrouteable address", "relay not permitted",
                                "sender verify failed"])
                verb = "rejected RCPT <%s>: %s" % (rc, why)
            else:
                verb = "temporarily rejected RCPT <%s>: greylisted." % rc
            at("H=%s F=<%s> %s\n" % (post, s, verb))
            if r.random() < 0.5:
                at("SMTP connection from %s closed by QUIT\n" % post)
            else:
                at("SMTP connection from %s lost D=%ds\n" % (post, r.randint(1, 30)))
            return done(helo, shown[0], shown[1], "rejected" if kind == "reject" else "deferred")
        nmsg = 2 if r.random() < 0.1 else 1
        for _ in range(nmsg):
            m = self.mid(t + now[0], pid)
            auth = " A=dovecot_plain:%s" % c.user if c.user else ""
            at("%s <= %s H=%s P=esmtp%s%s S=%d id=%s\n"
               % (m, s or "<>", post, "sa" if c.user else "s" if c.kind == "mta" else "",
                  (" X=TLS1.3:TLS_AES_256_GCM_SHA384:256 CV=no" if c.kind == "mta" else "") + auth,
                  r.randint(900, 90000), g.msgid(c.domain)))
            # deliveries happen in their own processes
            dl = []
            if r.random() < 0.85:
                dl.append("%s => %s <%s> R=local_user T=mail_spool\n" % (m, rc.split("@")[0], rc))
            else:
                dom = r.choice(g.domains)
                rip = public_ip4(r)
                if r.random() < 0.5:
                    dl.append("%s == fwd@%s R=dnslookup T=remote_smtp defer (-44) H=mx.%s [%s]: "
                              "SMTP error from remote mail server after RCPT TO:<fwd@%s>: 451 4.7.1 "
                              "Please try again later\n" % (m, dom, dom, rip, dom))
                dl.append("%s => fwd@%s <%s> R=dnslookup T=remote_smtp H=mx.%s [%s] "
                          "X=TLS1.3:TLS_AES_256_GCM_SHA384:256 CV=yes C=\"250 2.0.0 Ok: queued\"\n"
                          % (m, dom, rc, dom, rip))
            dl.append("%s Completed\n" % m)
            dpid = g.pids.fresh()
            for k, text in enumerate(dl):
                lines.append((now[0] + 0.3 + 0.1 * k,
                              ("[%d] " % dpid if g.exim_pid else "") + text))
        at("SMTP connection from %s closed by QUIT\n" % post)
        return done(helo, shown[0], shown[1], "accepted")



# ---- Sendmail ----

class Sendmail:
    """sm-mta: one process per connection (its pid keys the session)."""

    def __init__(self, g):
        self.g = g
        self.tl = Timeline(g.out, syslog_stamp, g.start)
        self.end = 0.0

    def noise(self, t):
        pass

    def session(self, c, t):
        g, r = self.g, self.g.r
        lines = []
        now = [0.0]
        pid = g.pids.fresh()
        sec = int(g.start + t)
        qid = "%s%06d" % (b62(sec * 8 + r.randint(0, 7), 8), pid % 1000000)
        pre = "%s sm-mta[%d]: " % (OUR_HOST, pid)

        def at(text, dt=None):
            now[0] += dt if dt is not None else r.uniform(0.02, 0.9)
            lines.append((now[0], pre + text))

        ip = c.ip
        lit = "[IPv6:%s]" % ip if ":" in ip else "[%s]" % ip
        if c.rdns:
            rel = "%s %s" % (c.rdns, lit)
        elif c.ptr_bad:
            rel = "%s %s (may be forged)" % (c.ptr_bad, lit)
        else:
            rel = lit
        helo = c.helo
        y = r.random()
        if c.kind == "bot" and y < 0.12:
            arg1 = c.rdns or lit
            at("ruleset=check_relay, arg1=%s, arg2=%s, relay=%s, reject=554 5.7.1 Rejected %s "
               "found in zen.spamhaus.org\n" % (arg1, ip, rel, ip), 0.0)
            return self.done(lines, t, ip, helo, "rejected")
        if helo is None or y > 0.94:
            at("%s: %s did not issue MAIL/EXPN/VRFY/ETRN during connection to MTA\n"
               % (qid, rel), r.uniform(0.1, 20))
            return self.done(lines, t, ip, helo, "lost")
        if c.kind in ("mta", "user") and r.random() < 0.6:
            at("STARTTLS=server, relay=%s, version=TLSv1.3, verify=NO, "
               "cipher=TLS_AES_256_GCM_SHA384, bits=256/256\n" % rel)
        if c.user:
            at("AUTH=server, relay=%s, authid=%s, mech=PLAIN, bits=0\n" % (rel, c.user))
        s = g.sender(c)
        rc = g.rcpt()
        z = r.random()
        if c.kind in ("mta", "user"):
            kind = "accept" if z < 0.85 else "reject" if z < 0.93 else "defer"
        else:
            kind = "accept" if z < 0.1 else "reject" if z < 0.8 else "defer"
        if kind == "reject":
            at("%s: ruleset=check_rcpt, arg1=<%s>, relay=%s, reject=550 5.7.1 <%s>... Relaying denied\n"
               % (qid, rc, rel, rc))
            at("%s: from=<%s>, size=0, class=0, nrcpts=0, proto=ESMTP, daemon=MTA, relay=%s\n"
               % (qid, s, rel))
            return self.done(lines, t, ip, helo, "rejected")
        if kind == "defer":
            at("%s: ruleset=check_mail, arg1=<%s>, relay=%s, reject=451 4.1.8 Domain of sender "
               "address %s does not resolve\n" % (qid, s, rel, s))
            if r.random() < 0.5:
                at("%s: lost input channel from %s to MTA after mail\n" % (qid, rel))
            return self.done(lines, t, ip, helo, "deferred")
        at("%s: from=<%s>, size=%d, class=0, nrcpts=1, msgid=<%s>, bodytype=8BITMIME, "
           "proto=ESMTP%s, daemon=MTA, relay=%s\n"
           % (qid, s, r.randint(900, 90000), g.msgid(c.domain), "S" if c.kind == "mta" else "", rel))
        lines.append((now[0] + 0.5, "%s sm-mta[%d]: %s: to=<%s>, delay=00:00:01, xdelay=00:00:00, "
                      "mailer=local, pri=%d, dsn=2.0.0, stat=Sent\n"
                      % (OUR_HOST, g.pids.fresh(), qid, rc, r.randint(30000, 130000))))
        return self.done(lines, t, ip, helo, "accepted")

    def done(self, lines, t, ip, helo, disp):
        for dt, text in lines:
            self.tl.add(t + dt, text)
        self.end = max(dt for dt, _ in lines)
        # standard Sendmail lines never carry the HELO
        return ip, helo or "", "", "unobserved", disp



# ---- mbox ----

class Mbox:
    """One message per session: the border hop written by our MX in one of
    five MTA shapes, our internal hops above it, the sender's hops below."""

    def __init__(self, g):
        self.g = g
        self.tl = None
        self.end = 0.0

    def noise(self, t):
        pass

    def border(self, c, sec, rc):
        """(header lines, helo_seen, origin) of the hop from client c."""
        g, r = self.g, self.g.r
        ip, helo, name = c.ip, c.helo, c.rdns
        date = rfc2822(sec)
        x = r.random()
        own_literal = helo == literal(ip)
        if x < 0.25 and ":" not in ip:
            # qmail: "from RDNS (HELO x) (IP)"; the HELO part only when it
            # differs from the name
            if name and helo == name:
                return (["Received: from %s (%s)" % (name, ip),
                         "  by %s with SMTP; %s" % (OUR_FQDN, date.split(", ", 1)[1].replace("+0000", "-0000"))],
                        name, "implied")
            return (["Received: from %s (HELO %s) (%s)" % (name or "unknown", helo, ip),
                     "  by %s with SMTP; %s" % (OUR_FQDN, date.split(", ", 1)[1].replace("+0000", "-0000"))],
                    helo, "logged")
        if x < 0.5 and not (name and own_literal):
            port = c.next_port(r)
            m = "%s-%s-%s" % (b62(sec, 6), b62(r.getrandbits(32), 6), b62(r.getrandbits(11), 2))
            if name:
                host = "%s ([%s]:%d)" % (name, ip, port) if helo == name else \
                    "%s ([%s]:%d helo=%s)" % (name, ip, port, helo)
                seen = (name, "implied") if helo == name else (helo, "logged")
            elif own_literal:
                host = "[%s] (port=%d)" % (ip, port)
                seen = ("", "unobserved")
            else:
                host = "[%s] (port=%d helo=%s)" % (ip, port, helo)
                seen = (helo, "logged")
            return (["Received: from %s" % host,
                     "\tby %s with esmtps  (TLS1.3) tls TLS_AES_256_GCM_SHA384" % OUR_FQDN,
                     "\t(Exim 4.97)", "\t(envelope-from <%s>)" % g.sender(c),
                     "\tid %s" % m, "\tfor %s;" % rc, "\t%s" % date], seen[0], seen[1])
        if x < 0.62:
            if name:
                paren = "%s %s" % (name, literal(ip))
            elif c.ptr_bad:
                paren = "%s %s (may be forged)" % (c.ptr_bad, literal(ip))
            else:
                paren = literal(ip)
            qid = "%s%06d" % (b62(sec, 8), r.randint(1000, 999999))
            return (["Received: from %s (%s)" % (helo, paren),
                     "\tby %s (8.17.1.9/8.17.1.9/Debian-2) with ESMTP id %s" % (OUR_FQDN, qid),
                     "\tfor <%s>; %s" % (rc, date)], helo, "logged")
        if x < 0.7:
            return (["Received: from %s (%s) by %s (%s) with Microsoft SMTP Server" % (helo, ip, OUR_FQDN, OUR_IP),
                     " (version=TLS1_2, cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id",
                     " 15.2.1544.%d; %s" % (r.randint(1, 40), date)], helo, "logged")
        qid = "%s%05X" % (b62(sec, 4), r.getrandbits(20))
        return (["Received: from %s (%s [%s])" % (helo, name or "unknown",
                                                  "IPv6:" + ip if ":" in ip else ip),
                 "\tby %s (Postfix) with ESMTPS id 4%s" % (OUR_FQDN, qid),
                 "\tfor <%s>; %s" % (rc, date)], helo, "logged")

    def message(self, c, t):
        """Header lines of one message and its truth row."""
        g, r = self.g, self.g.r
        sec = int(g.start + t)
        date = rfc2822(sec)
        rc = g.rcpt()
        local = r.random() < 0.1
        if local:
            s = "%s@%s" % (r.choice(["root", "www-data", "backup", word(r, 1, 2)]), OUR_DOMAIN)
        else:
            if c.helo is None:   # a client that never says HELO sends no mail
                c = g.pop.mta(c.ip)
            s = g.sender(c) or "bounce@%s" % r.choice(g.domains)
        out = ["From %s %s" % (s, ctime_stamp(sec)), "Return-Path: <%s>" % s,
               "Delivered-To: %s" % rc]
        # our own hop: LMTP delivery into the mailbox (no address)
        out += ["Received: from %s" % OUR_FQDN,
                "\tby imap.%s with LMTP" % OUR_DOMAIN,
                "\tid %s" % b62(r.getrandbits(60), 10),
                "\t(envelope-from <%s>)" % s, "\tfor <%s>; %s" % (rc, date)]
        if local:
            return out, self.local_only(out, sec, s, rc, date)
        if r.random() < 0.3:   # content filter re-injection over loopback
            out += ["Received: from localhost (localhost [127.0.0.1])",
                    "\tby %s (Postfix) with ESMTP id 4%s" % (OUR_FQDN, b62(r.getrandbits(40), 7)),
                    "\tfor <%s>; %s" % (rc, date)]
        hop, seen, origin = self.border(c, sec, rc)
        out += hop
        if c.kind == "mta" and r.random() < 0.5:   # the sender's own hops
            out += ["Received: from [10.%d.%d.%d] (helo=%s)" % (r.randint(0, 255), r.randint(0, 255),
                                                              r.randint(1, 254), word(r, 1, 2)),
                    "\tby %s with esmtpsa (Exim 4.96)" % (c.helo if "." in c.helo else "mail.example.net"),
                    "\t(envelope-from <%s>) id %s; %s" % (s, b62(r.getrandbits(60), 12), date)]
        return out, (c.ip, c.helo, seen, origin, "accepted")

    def local_only(self, out, sec, s, rc, date):
        """A message that never crossed the border: no session."""
        r = self.g.r
        z = r.random()
        if z < 0.35:
            out += ["Received: by %s (Postfix, from userid %d)" % (OUR_FQDN, r.choice([0, 33, 1000])),
                    "\tid 4%s; %s" % (b62(r.getrandbits(40), 7), date)]
        elif z < 0.7:
            out += ["Received: from [10.0.%d.%d] (helo=%s)" % (r.randint(0, 9), r.randint(2, 250), word(r, 1, 2)),
                    "\tby %s with esmtpsa  (TLS1.3) tls TLS_AES_256_GCM_SHA384" % OUR_FQDN,
                    "\t(Exim 4.97)", "\t(envelope-from <%s>)" % s,
                    "\tid %s-%s-%s; %s" % (b62(sec, 6), b62(r.getrandbits(32), 6), b62(r.getrandbits(11), 2), date)]
        elif z < 0.85:
            out += ["Received: from localhost (localhost [IPv6:::1])",
                    "\tby %s (Postfix) with ESMTP id 4%s" % (OUR_FQDN, b62(r.getrandbits(40), 7)),
                    "\tfor <%s>; %s" % (rc, date)]
        else:
            out += ["Received: from %s by webmail.%s with HTTP; %s" % (public_ip4(r), OUR_DOMAIN, date)]
        return ("", "", "", "absent", "accepted")

    def session(self, c, t):
        """Write one message at time t; returns its truth row."""
        g, r = self.g, self.g.r
        out, row = self.message(c, t)
        dom = out[1][14:-1].rpartition("@")[2]
        out += ["From: <%s>" % out[1][14:-1], "To: <%s>" % out[2][14:],
                "Subject: %s %d" % (r.choice(["Invoice", "Meeting", "Re: offer", "Newsletter"]),
                                    r.randint(1, 99999)),
                "Date: %s" % rfc2822(int(g.start + t) - r.randint(0, 90)),
                "Message-ID: <%s>" % g.msgid(dom),
                "MIME-Version: 1.0", "Content-Type: text/plain; charset=utf-8", ""]
        for _ in range(r.randint(2, 12)):
            z = r.random()
            if z < 0.02:
                out.append(">From the desk of %s" % word(r))
            elif z < 0.04:
                out.append("From here on the text goes %s" % word(r))
            else:
                out.append("Lorem ipsum %d dolor sit amet, %s adipiscing elit"
                           % (r.randint(0, 10 ** 6), word(r)))
        out.append("")
        g.out.write("\n".join(out) + "\n")
        return row


def drive(fmt, g, n, truth):
    """n sessions, one every g.gap seconds on average (default 0.8); a
    client has one connection at a time (so that no two sessions share a key
    the readers use)."""
    r = g.r
    t = 0.0
    busy = {}   # client address -> end of its last session
    for i in range(n):
        t += r.expovariate(1 / g.gap)
        if fmt.tl is not None:
            fmt.tl.flush(t)
        fmt.noise(t)
        c = g.pop.pick()
        while busy.get(c.ip, -1.0) >= t:
            c = g.pop.pick()
        row = fmt.session(c, t)
        busy[c.ip] = t + fmt.end
        if truth:
            truth.write("%d\t%s\t%s\t%s\t%s\t%s\n" % ((i,) + row))
    if fmt.tl is not None:
        fmt.tl.close()


FORMATS = {"postfix": Postfix, "exim": Exim, "sendmail": Sendmail, "mbox": Mbox}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--format", choices=sorted(FORMATS), required=True)
    ap.add_argument("--sessions", type=int, default=10000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--domains", type=int, default=2000)
    ap.add_argument("--truth")
    ap.add_argument("--start", type=int, default=DEFAULT_START)
    ap.add_argument("--gap", type=float, default=0.8)
    ap.add_argument("--new-clients", type=float, default=0.35)
    ap.add_argument("--exim-pid", action="store_true")
    a = ap.parse_args()
    if not a.gap > 0:
        ap.error("--gap must be a positive number of seconds")
    if not 0 < a.new_clients <= 1:
        ap.error("--new-clients must be more than 0 and at most 1")
    out = open(sys.stdout.fileno(), "w", buffering=1 << 20, encoding="utf-8",
               newline="\n", closefd=False)
    truth = open(a.truth, "w", encoding="utf-8", newline="\n") if a.truth else None
    if truth:
        truth.write(TRUTH_HEADER)
    g = Gen(a, out)
    drive(FORMATS[a.format](g), g, max(0, a.sessions), truth)
    out.flush()
    if truth:
        truth.close()


if __name__ == "__main__":
    try:
        main()
    except BrokenPipeError:
        sys.exit(1)
