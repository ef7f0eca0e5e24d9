#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""mksample - regenerate heloval's sample-logs/ (deterministic, seeded).

Usage:
  python3 tests/tools/mksample.py [--out DIR] [--seed N]    (default: sample-logs, 2026)
  python3 tests/tools/mksample.py --check [--out DIR]       (regenerate into a temp dir and
                                                             compare byte for byte with DIR)

One imaginary mail server, mx1.example.org, seen through every input heloval reads:
  postfix/mail.log         RFC 3164 syslog, 2026-11-01 and 2026-11-02 (Postfix 3.7, postscreen,
                           a second instance postfix-in)
  postfix/mail.log.1.gz    the rotated day before, 2026-10-31, RFC 3339 stamps (rsyslog, Debian 12)
  exim/mainlog             Exim 4.96 on the secondary address, same two days
  sendmail/maillog         sm-mta 8.17 on a third address, same two days
  mbox/inbox.mbox          messages of Postfix sessions whose log shows no HELO (join by queue ID)
  maildir/{cur,new,tmp}    messages delivered by the postfix-in instance
  maildir/.Junk/cur        spam the filter filed away (postfix-in; spam/ham labels, with the
                           inbox messages whose X-Spam-Status/X-Spamd-Result say spam or ham)
  dns-snapshot.zone        the DNS snapshot: one RFC 1035 master file holding 11 zones
  tests/tools/sample-expected.tsv   one row per session: what heloval should find and decide
                           (kept out of sample-logs/, which `heloval scan` reads whole)
  README.md                what is inside and what each HELO exercises

Only documentation addresses and names are used (RFC 5737, RFC 3849, RFC 2606/6761).
Everything is derived from the tables below and random.Random(seed): two runs give the same
bytes (the gzip header carries a fixed name and mtime).
"""
import argparse
import calendar
import filecmp
import gzip
import io
import ipaddress
import os
import random
import shutil
import sys
import tempfile

DAY0 = calendar.timegm((2026, 10, 31, 0, 0, 0))   # rotated file
DAY1 = calendar.timegm((2026, 11, 1, 0, 0, 0))    # mail.log, first day
DAY2 = calendar.timegm((2026, 11, 2, 0, 0, 0))    # mail.log, second day
EXPECTED = "@expected"    # written to --expected, outside sample-logs/ (scan reads that tree)
MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()
WDAYS = "Mon Tue Wed Thu Fri Sat Sun".split()

MX1_PF = "192.0.2.25"        # Postfix (postscreen + smtpd), also 2001:db8::25
MX1_PF6 = "2001:db8::25"
MX1_IN = "192.0.2.28"        # postfix-in instance (secondary MX address)
MX1_EXIM = "192.0.2.26"      # Exim listener
MX1_SM = "192.0.2.27"        # Sendmail listener
STORE = ("store.example.org", "10.0.0.30")   # internal mail store behind mx1

# ---------------------------------------------------------------------------------------
# The senders: every (HELO, client IP) pair in the set, with the CSA outcome the DNS
# snapshot gives it.  key: (helo, ip, verified rdns or None, csa_status, csa_reason, note)
# ---------------------------------------------------------------------------------------
SENDERS = {
    "ok4": ("mail.example.com", "192.0.2.10", "mail.example.com", "ok", "authorized",
            "weight 2, client IP is an A record of the target"),
    "ok6": ("mail.example.com", "2001:db8:10::10", "mail.example.com", "ok", "authorized",
            "weight 2, IPv6 client matches the target's AAAA"),
    "okuc": ("MAIL.EXAMPLE.COM", "192.0.2.10", "mail.example.com", "ok", "authorized",
             "upper-case HELO: DNS names compare case-insensitively"),
    "okdot": ("mail.example.com.", "192.0.2.10", "mail.example.com", "ok", "authorized",
              "HELO with a trailing dot (one trailing dot is allowed)"),
    "out": ("out.example.com", "192.0.2.11", "out.example.com", "ok", "authorized",
            "weight 2, second host of example.com"),
    "forge": ("out.example.com", "198.51.100.200", None, "fail", "mismatch",
              "forged HELO of a CSA-protected name"),
    "stale": ("relay.example.com", "192.0.2.112", None, "fail", "mismatch",
              "renumbered server: the target's A still says 192.0.2.12; a legitimate sender "
              "CSA would lose (its rDNS does not resolve back, so Postfix logs unknown)"),
    "alias": ("alias.example.com", "192.0.2.14", "pool2.example.com", "ok", "authorized",
              "target is another name (smtp-pool.example.com) with two A records"),
    "web": ("web.example.com", "192.0.2.80", "web.example.com", "fail", "not-authorized",
            "weight 1: this name never sends mail (a web server's own address)"),
    "web2": ("web.example.com", "203.0.113.99", None, "fail", "not-authorized",
             "weight 1, from elsewhere"),
    "legacy": ("legacy.example.com", "192.0.2.81", "legacy.example.com", "fail",
               "not-authorized", "weight 0 (treated like 1)"),
    "roam": ("roaming.example.com", "198.51.100.140", None, "unknown", "weight-3",
             "weight 3: authorized, not authenticatable by address"),
    "dead": ("dead.example.com", "198.51.100.141", None, "fail", "no-addresses",
             "weight 2 with target \".\""),
    "broken": ("broken.example.com", "192.0.2.90", "broken.example.com", "fail",
               "no-addresses", "weight 2, target nowhere.example.com does not exist"),
    "future": ("future.example.com", "192.0.2.91", "future.example.com", "unknown",
               "unusable-record", "priority 2 (an unknown CSA version)"),
    "odd": ("odd.example.com", "192.0.2.92", "odd.example.com", "unknown", "unusable-record",
            "weight 6: a reserved weight bit is set"),
    "www": ("www.example.com", "203.0.113.150", None, "unknown", "no-record",
            "no record at the name; parent example.com has none either"),
    "usc": ("mail_gw.example.com", "198.51.100.160", None, "unknown", "no-record",
            "underscore: still a queryable name; no record"),
    "mxnet4": ("mx.example.net", "198.51.100.20", "mx.example.net", "ok", "authorized",
               "own weight-2 record under an Explicit parent"),
    "mxnet6": ("mx.example.net", "2001:db8:20::20", None, "ok", "authorized",
               "same host over IPv6"),
    "ghost": ("ghost.example.net", "203.0.113.201", None, "fail", "explicit-required",
              "no record; parent _client._smtp.example.net has port 1 (Explicit)"),
    "dyn": ("dsl-203-0-113-77.dyn.example.net", "203.0.113.77",
            "dsl-203-0-113-77.dyn.example.net", "fail", "explicit-required",
            "dynamic-pool name two levels below the Explicit parent"),
    "lists": ("lists.example.org", "192.0.2.30", "lists.example.org", "ok", "authorized",
              "weight 2; DNA grade C"),
    "backup": ("backup.example.org", "192.0.2.31", "backup.example.org", "unknown",
               "no-record", "parent example.org has a record without the Explicit bit: "
               "the search goes on and finds nothing"),
    "shop": ("mail.shop.example", "203.0.113.40", "mail.shop.example", "ok", "authorized",
             "weight 2; DNA only through its own _VOUCH._SMTP PTR (--trust-listed)"),
    "bulk": ("smtp.bulk.test", "203.0.113.60", "bulk-60.bulk.test", "ok", "authorized",
             "weight 2 but DNA grade D"),
    "rtest": ("mta.relay.test", "203.0.113.61", None, "unknown", "no-record",
              "NXDOMAIN whose SOA is the TLD (test.): the parent search stops at once"),
    "lit4": ("[203.0.113.45]", "203.0.113.45", None, "ok", "authorized",
             "address literal; reverse-tree record _client._smtp.45.113.0.203.in-addr.arpa"),
    "litf": ("[203.0.113.45]", "198.51.100.99", None, "fail", "mismatch",
             "address literal of another host"),
    "litx": ("[198.51.100.23]", "198.51.100.23", None, "fail", "explicit-required",
             "reverse-tree parent 100.51.198.in-addr.arpa asserts Explicit"),
    "litn": ("[192.0.2.200]", "192.0.2.200", None, "unknown", "no-record",
             "address literal without any reverse-tree record"),
    "bare": ("192.0.2.201", "192.0.2.201", None, "unknown", "no-record",
             "bare IP HELO, looked up in the reverse tree like a literal"),
    "lit6": ("[IPv6:2001:db8:25::17]", "2001:db8:25::17", None, "ok", "authorized",
             "IPv6 literal; record under 8.b.d.0.1.0.0.2.ip6.arpa"),
    "loop": ("127.0.0.1", "198.51.100.150", None, "unknown", "no-record",
             "loopback address as HELO: reverse tree 127.in-addr.arpa, nothing there"),
    "lhost": ("localhost", "203.0.113.9", None, "unknown", "invalid-helo",
              "single label: never queried"),
    "win": ("WIN-3RT9Q7A0D1K", "198.51.100.77", None, "unknown", "invalid-helo",
            "Windows machine name"),
    "ylmf": ("ylmf-pc", "203.0.113.12", None, "unknown", "invalid-helo",
             "password-guessing bot"),
    "user": ("User", "198.51.100.88", None, "unknown", "invalid-helo", "bot"),
    "dots": ("a..b", "203.0.113.13", None, "unknown", "invalid-helo", "empty label"),
    "html": ("<b>x</b>", "198.51.100.90", None, "unknown", "invalid-helo",
             "HTML in a HELO: every report must escape it"),
    "formula": ("=cmd|' /C calc'!A0", "203.0.113.14", None, "unknown", "invalid-helo",
                "spreadsheet formula: the CSV export must guard it"),
    "atsign": ("box@home", "198.51.100.66", None, "unknown", "invalid-helo",
               "Sendmail's `invalid domain name` line"),
    "mail1": ("mail", "203.0.113.15", None, "unknown", "invalid-helo", "single label"),
}

# Sessions whose log never shows a HELO (client IP, verified rdns or None).
NOHELO_IPS = [("203.0.113.170", None), ("198.51.100.172", None), ("203.0.113.171", None),
              ("198.51.100.173", "client-173.example.net"), ("2001:db8:bad::1", None),
              ("203.0.113.174", None)]

# DNA reports at the accreditor dna.example (and vouch.test, listed by mail.shop.example).
DNA_TXT = {
    "mail.example.com": ['"MARID,1,B"'],
    "alias.example.com": ['"MARID,1," "A;member since 2019"'],
    "lists.example.org": ['"MARID,1,C"'],
    "smtp.bulk.test": ['"MARID,1,D;bulk sender, complaints"'],
    "mx.example.net": ['"MARID,1,E"'],
    "relay.example.com": ['"v=spf1 -all"', '"MARID,2,A"'],
    "*.dyn.example.net": ['"MARID,1,E;dynamic address pool"'],
}
DNA_STATUS = {"B": "recommended", "A": "recommended", "C": "unknown",
              "D": "not-recommended", "E": "not-recommended"}
POLICY = {  # DESIGN.md default policy: POLICY[csa][dna]
    "ok": {"recommended": "accept", "unknown": "mark", "not-recommended": "reject",
           "defer": "mark"},
    "fail": {"recommended": "reject", "unknown": "reject", "not-recommended": "reject",
             "defer": "reject"},
    "unknown": {"recommended": "mark", "unknown": "mark", "not-recommended": "reject",
                "defer": "mark"},
    "defer": {"recommended": "tempfail", "unknown": "tempfail", "not-recommended": "reject",
              "defer": "tempfail"},
}


def dna_of(helo):
    """(grade or '', dna_status) with --accreditor dna.example, default options."""
    if not helo:
        return "", "unknown"
    name = helo.lower()
    if name.endswith("."):
        name = name[:-1]
    recs = DNA_TXT.get(name)
    if recs is None and "." in name:
        recs = DNA_TXT.get("*." + name.split(".", 1)[1], [])
    for rec in recs or []:
        s = "".join(p.strip('"') for p in rec.split('" "'))
        parts = s.split(";", 1)[0].split(",")
        if len(parts) == 3 and parts[0].upper() == "MARID" and parts[1] == "1" \
                and parts[2] in "ABCDE" and len(parts[2]) == 1:
            return parts[2], DNA_STATUS[parts[2]]
    return "", "unknown"


# ---------------------------------------------------------------------------------------
# The DNS snapshot
# ---------------------------------------------------------------------------------------
def rev4(ip):
    return ipaddress.ip_address(ip).reverse_pointer


def zones():
    """{zone: [(owner, ttl, type, rdata)]}; owners and names absolute, with trailing dot."""
    z = {}

    def soa(zone, ns):
        return [(zone, 3600, "SOA", "%s hostmaster.%s 2026103001 7200 3600 1209600 300"
                 % (ns, zone)), (zone, 3600, "NS", ns)]

    c = "example.com."
    z[c] = soa(c, "ns1.example.com.") + [
        ("ns1.example.com.", 3600, "A", "192.0.2.2"),
        ("mail.example.com.", 3600, "A", "192.0.2.10"),
        ("mail.example.com.", 3600, "AAAA", "2001:db8:10::10"),
        ("mail.example.com.", 3600, "PTR", "_VOUCH._SMTP.dna.example."),
        ("_client._smtp.mail.example.com.", 3600, "SRV", "1 2 0 mail.example.com."),
        ("out.example.com.", 3600, "A", "192.0.2.11"),
        ("_client._smtp.out.example.com.", 3600, "SRV", "1 2 0 out.example.com."),
        ("relay.example.com.", 3600, "A", "192.0.2.12"),
        ("_client._smtp.relay.example.com.", 3600, "SRV", "1 2 0 relay.example.com."),
        ("alias.example.com.", 3600, "A", "192.0.2.14"),
        ("_client._smtp.alias.example.com.", 3600, "SRV", "1 2 0 smtp-pool.example.com."),
        ("smtp-pool.example.com.", 300, "A", "192.0.2.13"),
        ("smtp-pool.example.com.", 300, "A", "192.0.2.14"),
        ("pool2.example.com.", 3600, "A", "192.0.2.14"),
        ("web.example.com.", 3600, "A", "192.0.2.80"),
        ("_client._smtp.web.example.com.", 86400, "SRV", "1 1 0 web.example.com."),
        ("www.example.com.", 3600, "A", "192.0.2.80"),
        ("legacy.example.com.", 3600, "A", "192.0.2.81"),
        ("_client._smtp.legacy.example.com.", 3600, "SRV", "1 0 0 legacy.example.com."),
        ("_client._smtp.roaming.example.com.", 3600, "SRV", "1 3 0 roaming.example.com."),
        ("_client._smtp.dead.example.com.", 3600, "SRV", "1 2 0 ."),
        ("broken.example.com.", 3600, "A", "192.0.2.90"),
        ("_client._smtp.broken.example.com.", 3600, "SRV", "1 2 0 nowhere.example.com."),
        ("future.example.com.", 3600, "A", "192.0.2.91"),
        ("_client._smtp.future.example.com.", 3600, "SRV", "2 2 0 future.example.com."),
        ("odd.example.com.", 3600, "A", "192.0.2.92"),
        ("_client._smtp.odd.example.com.", 3600, "SRV", "1 6 0 odd.example.com."),
        ("gw.example.com.", 3600, "A", "203.0.113.45"),
        ("v6host.example.com.", 3600, "AAAA", "2001:db8:25::17"),
    ]
    n = "example.net."
    z[n] = soa(n, "ns1.example.net.") + [
        ("ns1.example.net.", 3600, "A", "198.51.100.2"),
        ("_client._smtp.example.net.", 86400, "SRV", "1 1 1 example.net."),
        ("mx.example.net.", 3600, "A", "198.51.100.20"),
        ("mx.example.net.", 3600, "AAAA", "2001:db8:20::20"),
        ("_client._smtp.mx.example.net.", 3600, "SRV", "1 2 1 mx.example.net."),
        ("ghost.example.net.", 3600, "A", "203.0.113.201"),
        ("dsl-203-0-113-77.dyn.example.net.", 3600, "A", "203.0.113.77"),
        ("client-173.example.net.", 3600, "A", "198.51.100.173"),
    ]
    o = "example.org."
    z[o] = soa(o, "ns1.example.org.") + [
        ("example.org.", 3600, "MX", "10 mx1.example.org."),
        ("ns1.example.org.", 3600, "A", "192.0.2.3"),
        ("mx1.example.org.", 3600, "A", MX1_PF),
        ("mx1.example.org.", 3600, "A", MX1_EXIM),
        ("mx1.example.org.", 3600, "A", MX1_SM),
        ("mx1.example.org.", 3600, "A", MX1_IN),
        ("mx1.example.org.", 3600, "AAAA", MX1_PF6),
        ("_client._smtp.example.org.", 3600, "SRV", "1 2 0 mx1.example.org."),
        ("_client._smtp.mx1.example.org.", 3600, "SRV", "1 2 0 mx1.example.org."),
        ("lists.example.org.", 3600, "A", "192.0.2.30"),
        ("_client._smtp.lists.example.org.", 3600, "SRV", "1 2 0 lists.example.org."),
        ("backup.example.org.", 3600, "A", "192.0.2.31"),
    ]
    s = "shop.example."
    z[s] = soa(s, "ns1.shop.example.") + [
        ("ns1.shop.example.", 3600, "A", "203.0.113.2"),
        ("mail.shop.example.", 3600, "A", "203.0.113.40"),
        ("mail.shop.example.", 3600, "PTR", "_VOUCH._SMTP.vouch.test."),
        ("_client._smtp.mail.shop.example.", 3600, "SRV", "1 2 0 mail.shop.example."),
    ]
    d = "dna.example."
    z[d] = soa(d, "ns1.dna.example.") + [("ns1.dna.example.", 3600, "A", "203.0.113.3")]
    for helo, recs in DNA_TXT.items():
        for r in recs:
            z[d].append(("%s.dna.example." % helo, 3600, "TXT", r))
    t = "test."
    z[t] = soa(t, "ns1.test.") + [
        ("ns1.test.", 3600, "A", "203.0.113.4"),
        ("smtp.bulk.test.", 3600, "A", "203.0.113.60"),
        ("bulk-60.bulk.test.", 3600, "A", "203.0.113.60"),
        ("_client._smtp.smtp.bulk.test.", 3600, "SRV", "1 2 0 smtp.bulk.test."),
        ("mta.relay.test.", 3600, "A", "203.0.113.61"),
        ("ns1.vouch.test.", 3600, "A", "203.0.113.5"),
        ("mail.shop.example.vouch.test.", 3600, "TXT", '"MARID,1,A;self-listed service"'),
    ]
    for octet, ns in (("192", "ns1.example.com."), ("198", "ns1.example.net."),
                      ("203", "ns1.example.org."), ("127", "localhost.")):
        r = "%s.in-addr.arpa." % octet
        z[r] = soa(r, ns)
    z["127.in-addr.arpa."].append(("1.0.0.127.in-addr.arpa.", 3600, "PTR", "localhost."))
    z["203.in-addr.arpa."] += [
        ("_client._smtp.%s." % rev4("203.0.113.45"), 3600, "SRV", "1 2 0 gw.example.com."),
        (rev4("203.0.113.45") + ".", 3600, "PTR", "gw.example.com."),
    ]
    z["198.in-addr.arpa."] += [
        ("_client._smtp.100.51.198.in-addr.arpa.", 3600, "SRV",
         "1 1 1 100.51.198.in-addr.arpa."),
        (rev4("198.51.100.20") + ".", 3600, "PTR", "mx.example.net."),
    ]
    z["192.in-addr.arpa."] += [
        (rev4("192.0.2.10") + ".", 3600, "PTR", "mail.example.com."),
        (rev4("192.0.2.25") + ".", 3600, "PTR", "mx1.example.org."),
    ]
    v6 = "8.b.d.0.1.0.0.2.ip6.arpa."
    z[v6] = soa(v6, "ns1.example.com.") + [
        ("_client._smtp.%s." % ipaddress.ip_address("2001:db8:25::17").reverse_pointer,
         3600, "SRV", "1 2 0 v6host.example.com."),
        (ipaddress.ip_address("2001:db8:10::10").reverse_pointer + ".", 3600, "PTR",
         "mail.example.com."),
    ]
    return z


def zone_text(zone, rrs, head=True):
    out = []
    if head:
        out += ["; heloval sample DNS: zone %s (generated by tests/tools/mksample.py)" % zone]
    out += ["$ORIGIN %s" % zone, "$TTL 3600"]
    for owner, ttl, typ, rdata in rrs:
        out.append("%s\t%d\tIN\t%s\t%s" % (owner, ttl, typ, rdata))
    return "\n".join(out) + "\n"


def snapshot_text(zs):
    """All zones in one master file: each zone starts with its $ORIGIN and SOA (heloval's
    zone loader starts a zone at every SOA; records go to the longest enclosing apex)."""
    out = ["; heloval sample DNS snapshot, 2026-10-30 (generated by tests/tools/mksample.py).",
           "; RFC 1035 master file, records as dig prints them; %d zones, each starting with"
           % len(zs),
           "; its SOA. For a server that wants one file per zone (NSD), split it with",
           ";   python3 tests/tools/mksample.py --zone-dir DIR"]
    for zone, rrs in zs.items():
        out += ["", "; ---- zone %s" % zone, zone_text(zone, rrs, False).rstrip("\n")]
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------------------------------
# Small helpers
# ---------------------------------------------------------------------------------------
B62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
B60 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwx"


def b62(n, width):
    s = ""
    for _ in range(width):
        n, r = divmod(n, 62)
        s = B62[r] + s
    return s


def stamp3164(t):
    g = _gm(t)
    return "%s %2d %02d:%02d:%02d" % (MONTHS[g.tm_mon - 1], g.tm_mday, g.tm_hour, g.tm_min,
                                      g.tm_sec)


def stamp3339(t):
    g = _gm(t)
    return "%04d-%02d-%02dT%02d:%02d:%02d.%06d+00:00" % (
        g.tm_year, g.tm_mon, g.tm_mday, g.tm_hour, g.tm_min, g.tm_sec,
        int(round((t - int(t)) * 1e6)) % 1000000)


def stamp_exim(t):
    g = _gm(t)
    return "%04d-%02d-%02d %02d:%02d:%02d" % (g.tm_year, g.tm_mon, g.tm_mday, g.tm_hour,
                                              g.tm_min, g.tm_sec)


def stamp_2822(t):
    g = _gm(t)
    return "%s, %2d %s %04d %02d:%02d:%02d +0000" % (WDAYS[g.tm_wday], g.tm_mday,
                                                     MONTHS[g.tm_mon - 1], g.tm_year,
                                                     g.tm_hour, g.tm_min, g.tm_sec)


def stamp_ctime(t):
    g = _gm(t)
    return "%s %s %2d %02d:%02d:%02d %04d" % (WDAYS[g.tm_wday], MONTHS[g.tm_mon - 1],
                                              g.tm_mday, g.tm_hour, g.tm_min, g.tm_sec,
                                              g.tm_year)


def _gm(t):
    import time
    return time.gmtime(int(t))


def iso(t):
    g = _gm(t)
    return "%04d-%02d-%02dT%02d:%02d:%02dZ" % (g.tm_year, g.tm_mon, g.tm_mday, g.tm_hour,
                                               g.tm_min, g.tm_sec)


class Pids:
    """A Linux-like pid counter plus pools of long-lived daemon processes that are reused
    while idle less than max_idle seconds (Postfix smtpd, cleanup)."""

    def __init__(self, r, start):
        self.r = r
        self.next = start
        self.pools = {}

    def new(self):
        self.next += self.r.randint(2, 60)
        return self.next

    def get(self, pool, t0, t1, max_idle=100.0):
        procs = self.pools.setdefault(pool, [])
        for p in procs:
            if p[1] <= t0 and t0 - p[1] < max_idle:
                p[1] = t1
                return p[0]
        p = [self.new(), t1]
        procs.append(p)
        return p[0]


class Rec:
    """One generated session (the truth written to expected.tsv)."""

    def __init__(self, mta, key, ip, helo, rdns, kind, source):
        self.mta, self.key, self.ip, self.helo, self.rdns = mta, key, ip, helo, rdns
        self.kind, self.source = kind, source
        self.disp = "unknown"
        self.messages = 0
        self.qids = []
        self.helo_mbox = ""
        self.helo_given = False   # Exim: a line shows HELO/EHLO was given
        self.helo_absent = False  # the log proves no HELO was sent
        self.first = None     # the Line object that starts the session
        self.label = ("", "")  # (spam|ham, where the label comes from), or none
        self.line = 0
        self.t = 0.0
        self.notes = []


class Line:
    def __init__(self, t, text, rec=None, first=False):
        self.t, self.text, self.rec, self.first = t, text, rec, first


# ---------------------------------------------------------------------------------------
# Postfix
# ---------------------------------------------------------------------------------------
RCPTS = ["bob@example.org", "alice@example.org", "carol@example.org", "sales@example.org",
         "postmaster@example.org", "dave@example.org"]
SENDER_OF = {
    "ok4": "news@example.com", "ok6": "alice@example.com", "okuc": "billing@example.com",
    "okdot": "alice@example.com", "out": "noreply@example.com", "stale": "orders@example.com",
    "alias": "support@example.com", "web": "www-data@web.example.com",
    "legacy": "root@legacy.example.com", "roam": "erin@example.net",
    "broken": "info@example.com", "future": "ops@example.com", "odd": "ops@example.com",
    "mxnet4": "frank@example.net", "mxnet6": "frank@example.net",
    "lists": "announce-bounces@lists.example.org", "backup": "backup@example.org",
    "shop": "shop@shop.example", "bulk": "promo@bulk.test", "lit4": "gw@example.com",
    "lit6": "v6@example.com",
}


# Session kinds whose Postfix log lines carry helo=<...>.
PF_SHOWS_HELO = ("accept-warn", "accept-rw", "reject", "defer", "ehlo-reject", "milter",
                 "ps-reject", "ps-pregreet")


class Postfix:
    def __init__(self, r, pids, fmt):
        self.r, self.pids, self.fmt = r, pids, fmt
        self.lines = []
        self.qids = set()
        self.recs = []

    def qid(self):
        while True:
            q = "".join(self.r.choice("0123456789ABCDEF") for _ in range(10))
            if q[0] != "0" and q not in self.qids:
                self.qids.add(q)
                return q

    def add(self, t, inst, prog, pid, msg, rec=None, first=False):
        self.lines.append(Line(t, (inst, prog, pid, msg), rec, first))

    def sender(self, key):
        return SENDER_OF.get(key) or "%s@%s" % (
            "".join(self.r.choice("bcdfghjklmnpqrstvwxz") for _ in range(6)),
            self.r.choice(["example.net", "example.com", "shop.example", "relay.test"]))

    def session(self, key, kind, t, inst="postfix", nmsg=1, mbox=None, hostwarn=False):
        """Emit one SMTP session; returns its Rec.  kind: accept, accept-warn,
        accept-rw (reject_warning then accepted), reject, defer, ehlo-reject, milter,
        lost, timeout, ps-reject, ps-pregreet, ps-drop, ps-hangup."""
        r = self.r
        if key in SENDERS:
            helo, ip, rdns = SENDERS[key][0], SENDERS[key][1], SENDERS[key][2]
        else:
            ip, rdns = key
            helo = None
            key = "nohelo"
        name = "%s[%s]" % (rdns or "unknown", ip)
        rec = Rec("postfix", key, ip, helo, rdns or "", kind, None)
        rec.t = t
        self.recs.append(rec)
        rcpt = r.choice(RCPTS)
        rec.rcpt = rcpt
        frm = self.sender(key)
        v6 = ":" in ip
        port = r.randint(1025, 65500)
        at = [t]

        def step(lo=0.01, hi=0.6):
            at[0] += r.uniform(lo, hi)
            return at[0]

        postscreen = inst == "postfix"
        if postscreen:
            self.add(t, inst, "postscreen", 905, "CONNECT from [%s]:%d to [%s]:25"
                     % (ip, port, MX1_PF6 if v6 else MX1_PF), rec, kind.startswith("ps-"))
            if kind.startswith("ps-"):
                return self._postscreen_only(rec, kind, ip, port, helo, frm, rcpt, step)
            self.add(step(0.0, 0.05), inst, "postscreen", 905,
                     "PASS %s [%s]:%d" % (r.choice(["OLD", "OLD", "NEW"]), ip, port))
        dur = {"timeout": 320.0}.get(kind, 8.0)
        spid = self.pids.get(inst + "/smtpd", at[0], at[0] + dur)
        if hostwarn:   # logged by the session's smtpd before `connect from`: its first line
            self.add(step(0.01, 0.05), inst, "smtpd", spid,
                     "warning: hostname relay-new.example.com does not resolve to address "
                     "%s: Name or service not known" % ip, rec, True)
        self.add(step(0.0, 0.02), inst, "smtpd", spid, "connect from %s" % name, rec,
                 not hostwarn)
        say = lambda m: self.add(step(), inst, "smtpd", spid, m)
        tls = r.random() < 0.3 and kind not in ("lost", "ehlo-reject")
        if tls:
            say("Anonymous TLS connection established from %s: TLSv1.3 with cipher "
                "TLS_AES_256_GCM_SHA384 (256/256 bits) key-exchange X25519 server-signature "
                "RSA-PSS (2048 bits) server-digest SHA256" % name)
        ehlo = "ehlo=2 starttls=1" if tls else "ehlo=1"
        base = 3 if tls else 1
        tail = "proto=ESMTP helo=<%s>" % helo
        if kind in ("accept", "accept-warn", "accept-rw", "milter"):
            if kind == "accept-rw":
                say("NOQUEUE: reject_warning: RCPT from %s: 450 4.7.1 Client host rejected: "
                    "cannot find your reverse hostname, [%s]; from=<%s> to=<%s> %s"
                    % (name, ip, frm, rcpt, tail))
            cpid = self.pids.get(inst + "/cleanup", at[0], at[0] + 30, 300.0)
            for i in range(nmsg):
                q = self.qid()
                rec.qids.append(q)
                say("%s: client=%s" % (q, name))
                if kind == "accept-warn" and i == 0:
                    self.add(step(0.05, 0.3), inst, "cleanup", cpid,
                             "%s: warning: header Subject: %s from %s; from=<%s> to=<%s> %s"
                             % (q, r.choice(["Invoice %d" % r.randint(1000, 9999),
                                             "Your order #%d" % r.randint(10000, 99999),
                                             "Re: meeting notes", "Weekly digest"]),
                                name, frm, rcpt, tail))
                if kind == "milter":
                    self.add(step(0.3, 1.5), inst, "cleanup", cpid,
                             "%s: milter-reject: END-OF-MESSAGE from %s: 5.7.1 Spam message "
                             "rejected; from=<%s> to=<%s> %s" % (q, name, frm, rcpt, tail))
                    continue
                self.add(step(0.05, 0.3), inst, "cleanup", cpid,
                         "%s: message-id=<%s.%x@%s>" % (q, iso(at[0])[:10].replace("-", ""),
                                                       r.getrandbits(40), frm.split("@")[1]))
                self.add(step(0.01, 0.1), inst, "qmgr", 811 if inst == "postfix" else 1820,
                         "%s: from=<%s>, size=%d, nrcpt=1 (queue active)"
                         % (q, frm, r.randint(1800, 48000)))
            n = nmsg
            if kind == "milter":
                say("disconnect from %s %s mail=1 rcpt=1 data=0/1 quit=1 commands=%d/%d"
                    % (name, ehlo, base + 3, base + 4))
                rec.disp = "rejected"
                rec.label = ("spam", "content-filter")
                rec.notes.append("milter-reject after client=")
            else:
                say("disconnect from %s %s mail=%d rcpt=%d data=%d quit=1 commands=%d"
                    % (name, ehlo, n, n, n, base + 1 + 3 * n))
                rec.disp = "accepted"
                rec.messages = n
                for q in rec.qids:
                    self._deliver(q, inst, rcpt, step, mbox == "mbox" and r.random() < 0.5)
        elif kind in ("reject", "defer"):
            code = self._reply(key, kind, ip, helo, rcpt)
            say("NOQUEUE: reject: RCPT from %s: %s; from=<%s> to=<%s> %s"
                % (name, code, frm, rcpt, tail))
            if "blocked using" in code:     # a DNSBL rejection: heloval labels it spam
                rec.label = ("spam", "dnsbl")
            say("disconnect from %s %s mail=1 rcpt=0/1 quit=1 commands=%d/%d"
                % (name, ehlo, base + 2, base + 3))
            rec.disp = "rejected" if kind == "reject" else "deferred"
        elif kind == "ehlo-reject":
            say("NOQUEUE: reject: EHLO from %s: 504 5.5.2 <%s>: Helo command rejected: need "
                "fully-qualified hostname; %s" % (name, helo, tail))
            say("disconnect from %s ehlo=0/1 quit=1 commands=1/2" % name)
            rec.disp = "rejected"
        elif kind == "lost":
            after = r.choice(["CONNECT", "EHLO", "EHLO", "STARTTLS"])
            say("lost connection after %s from %s" % (after, name))
            if after == "CONNECT":
                say("disconnect from %s commands=0" % name)
                rec.helo_absent = True
            elif after == "EHLO":
                say("disconnect from %s ehlo=1 commands=1" % name)
            else:
                say("disconnect from %s ehlo=1 starttls=0/1 commands=1/2" % name)
            rec.disp = "lost"
        elif kind == "timeout":
            at[0] += 300.0
            say("timeout after DATA (0 bytes) from %s" % name)
            say("disconnect from %s %s mail=1 rcpt=1 data=0/1 commands=%d/%d"
                % (name, ehlo, base + 2, base + 3))
            rec.disp = "lost"
        else:
            raise ValueError(kind)
        if mbox and rec.disp == "accepted":
            rec.mbox = mbox
        if kind not in PF_SHOWS_HELO:
            rec.helo = None
        return rec

    def _reply(self, key, kind, ip, helo, rcpt):
        if kind == "defer":
            return self.r.choice([
                "450 4.2.0 <%s>: Recipient address rejected: Greylisted, see "
                "https://postgrey.schweikert.ch/help/example.org.html" % rcpt,
                "450 4.7.25 Client host rejected: cannot find your hostname, [%s]" % ip])
        if key in ("lhost", "mail1", "bare", "win"):
            return "504 5.5.2 <%s>: Helo command rejected: need fully-qualified hostname" % helo
        if key in ("html", "dots"):
            return "501 5.5.2 <%s>: Helo command rejected: Invalid name" % helo
        if key == "loop":
            return "554 5.7.1 <%s>: Helo command rejected: You are not me" % helo
        if key in ("dead", "www", "rtest"):
            return "550 5.1.1 <%s>: Recipient address rejected: User unknown in local " \
                   "recipient table" % rcpt.replace("@", "-old@")
        return "554 5.7.1 Service unavailable; Client host [%s] blocked using " \
               "zen.spamhaus.org; https://www.spamhaus.org/query/ip/%s" % (ip, ip)

    def _postscreen_only(self, rec, kind, ip, port, helo, frm, rcpt, step):
        ps = lambda m: self.add(step(), "postfix", "postscreen", 905, m)
        if kind == "ps-reject":
            self.add(step(0.0, 0.05), "postfix", "dnsblog", self.pids.new(),
                     "addr %s listed by domain zen.spamhaus.org as 127.0.0.2" % ip)
            ps("DNSBL rank 3 for [%s]:%d" % (ip, port))
            ps("NOQUEUE: reject: RCPT from [%s]:%d: 550 5.7.1 Service unavailable; client [%s] "
               "blocked using zen.spamhaus.org; from=<%s>, to=<%s>, proto=ESMTP, helo=<%s>"
               % (ip, port, ip, frm, rcpt, helo))
            rec.disp = "rejected"
            rec.label = ("spam", "dnsbl")
        elif kind == "ps-pregreet":
            ps("PREGREET 14 after 0.08 from [%s]:%d: EHLO %s\\r\\n" % (ip, port, helo))
            ps("NOQUEUE: reject: RCPT from [%s]:%d: 550 5.5.1 Protocol error; from=<%s>, "
               "to=<%s>, proto=SMTP, helo=<%s>" % (ip, port, frm, rcpt, helo))
            rec.disp = "rejected"
        elif kind == "ps-drop":
            ps("PREGREET 11 after 0.21 from [%s]:%d: HELO User\\r\\n" % (ip, port))
            rec.disp = "lost"
            rec.helo_absent = True
            rec.notes.append("PREGREET text is not a HELO")
        elif kind == "ps-hangup":
            ps("HANGUP after %d from [%s]:%d in tests before SMTP handshake"
               % (self.r.randint(1, 20), ip, port))
            rec.disp = "lost"
            rec.helo_absent = True
        ps("DISCONNECT [%s]:%d" % (ip, port))
        return rec

    def _deliver(self, q, inst, rcpt, step, to_store):
        r = self.r
        t1 = step(0.05, 0.8)
        d = "%.2f" % r.uniform(0.2, 1.5)
        if inst != "postfix":
            self.add(t1, inst, "virtual", self.pids.new(),
                     "%s: to=<%s>, relay=virtual, delay=%s, delays=%s/0.01/0/0.02, dsn=2.0.0, "
                     "status=sent (delivered to maildir)" % (q, rcpt, d, d))
            self.add(step(0.0, 0.05), inst, "qmgr", 1820, "%s: removed" % q)
            return
        if to_store:
            self.add(t1, inst, "smtp", self.pids.get("postfix/smtp", t1, t1 + 1, 300.0),
                     "%s: to=<%s>, relay=%s[%s]:25, delay=%s, delays=%s/0.01/0.02/0.05, "
                     "dsn=2.0.0, status=sent (250 2.0.0 Ok: queued as %s)"
                     % (q, rcpt, STORE[0], STORE[1], d, d, "STOREQ"))
        else:
            self.add(t1, inst, "local", self.pids.new(),
                     "%s: to=<%s>, relay=local, delay=%s, delays=%s/0.01/0/0.03, dsn=2.0.0, "
                     "status=sent (delivered to mailbox)" % (q, rcpt, d, d))
        self.add(step(0.0, 0.05), inst, "qmgr", 811, "%s: removed" % q)


# ---------------------------------------------------------------------------------------
# Exim
# ---------------------------------------------------------------------------------------
class Exim:
    def __init__(self, r, pids):
        self.r, self.pids = r, pids
        self.lines = []
        self.recs = []
        self.ports = True

    def mid(self, t):
        return "%s-%s-%s" % (b62(int(t), 6), b62(self.pids.new(), 6),
                             b62(self.r.randint(0, 3843), 2))

    def add(self, t, text, rec=None, first=False):
        self.lines.append(Line(t, text, rec, first))

    def host(self, rdns, helo, ip, port):
        p = ":%d" % port if self.ports else ""
        if helo is None:
            return "%s[%s]%s" % (rdns + " " if rdns else "", ip, p)
        if rdns and rdns.lower() == helo.lower():
            return "%s [%s]%s" % (rdns, ip, p)
        if rdns:
            return "%s (%s) [%s]%s" % (rdns, helo, ip, p)
        return "(%s) [%s]%s" % (helo, ip, p)

    def session(self, key, kind, t, nmsg=1):
        r = self.r
        if key in SENDERS:
            helo, ip, rdns = SENDERS[key][0], SENDERS[key][1], SENDERS[key][2]
        else:
            ip, rdns = key
            helo, key = None, "nohelo"
        port = r.randint(1025, 65500)
        hs = self.host(rdns, helo, ip, port)
        shown = helo if "(" in hs else None
        rec = Rec("exim", key, ip, shown, rdns or "", kind, "exim/mainlog")
        rec.t = t
        # an arrival, a RCPT-stage line or C=EHLO shows a HELO was given
        rec.helo_given = kind in ("accept", "reject", "defer", "nomail")
        if helo and not shown:
            rec.notes.append("Exim hides a HELO equal to the rDNS")
        self.recs.append(rec)
        frm = SENDER_OF.get(key) or "%s@example.net" % "".join(
            r.choice("bcdfghjklmnpqrstvwxz") for _ in range(7))
        rcpt = r.choice(RCPTS)
        at = [t]

        def step(lo=0.2, hi=3.0):
            at[0] += r.uniform(lo, hi)
            return at[0]
        if kind == "accept":
            for i in range(nmsg):
                m = self.mid(at[0])
                rec.qids.append(m)
                self.add(at[0], "%s <= %s H=%s I=[%s]:25 P=esmtps X=TLS1.3:"
                         "TLS_AES_256_GCM_SHA384:256 CV=no S=%d id=%s.%x@%s"
                         % (m, frm, hs, MX1_EXIM, r.randint(1800, 48000),
                            iso(at[0])[:10].replace("-", ""), r.getrandbits(40),
                            frm.split("@")[1]), rec, i == 0)
                self.add(step(0.1, 0.5), "%s => %s <%s> R=local_user T=mail_spool"
                         % (m, rcpt.split("@")[0], rcpt))
                self.add(step(0.0, 0.1), "%s Completed" % m)
                if i + 1 < nmsg:
                    step(1.0, 5.0)
            rec.disp, rec.messages = "accepted", nmsg
        elif kind == "reject":
            why = {"lhost": "HELO/EHLO must contain a FQDN",
                   "bare": "HELO/EHLO must not be an IP address"}.get(
                key, "JunkMail rejected - %s is listed at zen.spamhaus.org" % ip)
            self.add(t, "H=%s F=<%s> rejected RCPT <%s>: %s" % (hs, frm, rcpt, why), rec, True)
            rec.disp = "rejected"
            if "is listed at" in why:
                rec.label = ("spam", "dnsbl")
        elif kind == "defer":
            self.add(t, "H=%s F=<%s> temporarily rejected RCPT <%s>: greylisted, please try "
                     "again in 5 minutes" % (hs, frm, rcpt), rec, True)
            rec.disp = "deferred"
        elif kind == "badehlo":
            p = ":%d" % port if self.ports else ""
            self.add(t, "rejected EHLO from [%s]%s: syntactically invalid argument(s): %s"
                     % (ip, p, helo), rec, True)
            rec.helo = helo
            rec.disp = "rejected"
        elif kind == "nomail":
            if key == "ylmf":
                self.add(t, "login authenticator failed for %s: 535 Incorrect authentication "
                         "data (set_id=admin)" % hs, rec, True)
                self.add(step(), "no MAIL in SMTP connection from %s D=%ds C=EHLO,AUTH,QUIT"
                         % (hs, r.randint(2, 9)))
                rec.disp = "rejected"       # the 535 reply to AUTH is a 5xx
                return rec
            else:
                self.add(t, "no MAIL in SMTP connection from %s D=%ds C=EHLO,QUIT"
                         % (hs, r.randint(0, 9)), rec, True)
            rec.disp = "lost"
        elif kind == "lost":
            self.add(t, "SMTP connection from %s lost D=%ds" % (hs, r.randint(1, 30)), rec, True)
            rec.disp = "lost"
        elif kind == "timeout":
            self.add(t, "SMTP command timeout on connection from %s D=5m" % hs, rec, True)
            rec.disp = "lost"
        elif kind == "unexpected":
            self.add(t, "unexpected disconnection while reading SMTP command from %s D=%ds"
                     % (hs, r.randint(0, 4)), rec, True)
            rec.disp = "lost"
        else:
            raise ValueError(kind)
        return rec

    def outbound(self, t, to, rhelo_host, rip):
        """Local submission relayed out: the H= of => is the remote server, not a client."""
        m = self.mid(t)
        self.add(t, "%s <= root@mx1.example.org U=root P=local S=%d id=%s@mx1.example.org"
                 % (m, self.r.randint(600, 3000), m))
        self.add(t + 1.2, "%s => %s R=dnslookup T=remote_smtp H=%s [%s] X=TLS1.3:"
                 "TLS_AES_256_GCM_SHA384:256 CV=yes K C=\"250 2.0.0 Ok: queued as %s\""
                 % (m, to, rhelo_host, rip, "".join(self.r.choice("0123456789ABCDEF")
                                                   for _ in range(10))))
        self.add(t + 1.3, "%s Completed" % m)

    def deferred_out(self, t):
        m = self.mid(t)
        self.add(t, "%s <= <> R=%s U=Debian-exim P=local S=%d" % (
            m, self.mid(t - 40), self.r.randint(1500, 4000)))
        self.add(t + 0.9, "%s == frank@example.net R=dnslookup T=remote_smtp defer (-44) "
                 "H=mx.example.net [198.51.100.20]: SMTP error from remote mail server after "
                 "RCPT TO:<frank@example.net>: 451 4.7.1 Greylisted, try again later" % m)


# ---------------------------------------------------------------------------------------
# Sendmail
# ---------------------------------------------------------------------------------------
class Sendmail:
    def __init__(self, r, pids):
        self.r, self.pids = r, pids
        self.lines = []
        self.recs = []
        self.seq = 0

    def qid(self, t, pid):
        g = _gm(t)
        self.seq += 1
        return "%s%s%s%s%s%s%s%s%06d" % (
            B60[(g.tm_year - 1900) % 60], B60[g.tm_mon - 1], B60[g.tm_mday], B60[g.tm_hour],
            B60[g.tm_min], B60[g.tm_sec], B60[self.seq // 60 % 60], B60[self.seq % 60], pid)

    def add(self, t, prog, pid, msg, rec=None, first=False):
        self.lines.append(Line(t, (prog, pid, msg), rec, first))

    def session(self, key, kind, t):
        r = self.r
        if key in SENDERS:
            helo, ip, rdns = SENDERS[key][0], SENDERS[key][1], SENDERS[key][2]
        else:
            ip, rdns = key
            helo, key = None, "nohelo"
        pid = self.pids.new()
        q = self.qid(t, pid)
        lit = "[IPv6:%s]" % ip if ":" in ip else "[%s]" % ip
        forged = key == "stale"
        rel = "%s %s%s" % ("relay-new.example.com" if forged else (rdns or ""), lit,
                           " (may be forged)" if forged else "")
        rel = rel.strip()
        rec = Rec("sendmail", key, ip, None, rdns or "", kind, "sendmail/maillog")
        rec.t = t
        rec.qids.append(q)
        self.recs.append(rec)
        frm = SENDER_OF.get(key) or "%s@example.com" % "".join(
            r.choice("bcdfghjklmnpqrstvwxz") for _ in range(6))
        rcpt = r.choice(RCPTS)
        at = [t]

        def step(lo=0.1, hi=2.0):
            at[0] += r.uniform(lo, hi)
            return at[0]
        say = lambda m, first=False: self.add(at[0] if first else step(), "sm-mta", pid, m,
                                              rec, first)
        if kind == "accept":
            if r.random() < 0.5:
                say("STARTTLS=server, relay=%s, version=TLSv1.3, verify=NO, cipher="
                    "TLS_AES_256_GCM_SHA384, bits=256/256" % rel, True)
                say("%s: from=<%s>, size=%d, class=0, nrcpts=1, msgid=<%s.%x@%s>, "
                    "proto=ESMTPS, daemon=MTA-v4, relay=%s" % (
                        q, frm, r.randint(1800, 48000), iso(t)[:10].replace("-", ""),
                        r.getrandbits(40), frm.split("@")[1], rel))
            else:
                say("%s: from=<%s>, size=%d, class=0, nrcpts=1, msgid=<%s.%x@%s>, "
                    "proto=ESMTP, daemon=MTA-v4, relay=%s" % (
                        q, frm, r.randint(1800, 48000), iso(t)[:10].replace("-", ""),
                        r.getrandbits(40), frm.split("@")[1], rel), True)
            self.add(step(), "sm-mta", self.pids.new(),
                     "%s: to=<%s>, delay=00:00:01, xdelay=00:00:00, mailer=local, pri=%d, "
                     "dsn=2.0.0, stat=Sent" % (q, rcpt, r.randint(30000, 120000)))
            rec.disp, rec.messages = "accepted", 1
        elif kind == "reject":
            say("%s: ruleset=check_rcpt, arg1=<%s>, relay=%s, reject=550 5.7.1 <%s>... "
                "Relaying denied. Proper authentication required." % (q, rcpt.replace(
                    "example.org", "example.net"), rel, rcpt.replace("example.org",
                                                                     "example.net")), True)
            say("%s: from=<%s>, size=0, class=0, nrcpts=0, proto=ESMTP, daemon=MTA-v4, "
                "relay=%s" % (q, frm, rel))
            rec.disp = "rejected"
        elif kind == "defer":
            say("%s: ruleset=check_rcpt, arg1=<%s>, relay=%s, reject=450 4.4.0 <%s>... "
                "Relaying temporarily denied. Cannot resolve PTR record for %s"
                % (q, rcpt, rel, rcpt, ip), True)
            rec.disp = "deferred"
        elif kind == "invalid":
            say("%s: invalid domain name (%s) from %s" % (q, helo, rel), True)
            rec.helo = helo
            say("%s: %s did not issue MAIL/EXPN/VRFY/ETRN during connection to MTA-v4"
                % (q, rel))
            rec.disp = "rejected"    # 501 5.0.0 Invalid domain name
        elif kind == "nomail":
            say("%s: %s did not issue MAIL/EXPN/VRFY/ETRN during connection to MTA-v4"
                % (q, rel), True)
            rec.disp = "lost"
        elif kind == "attack":
            say("%s: %s: possible SMTP attack: command=AUTH, count=5" % (q, rel), True)
            say("%s: lost input channel from %s to MTA-v4 after auth" % (q, rel))
            rec.disp = "lost"
        elif kind == "pregreet":
            say("%s: rejecting commands from %s due to pre-greeting traffic after 0 seconds"
                % (q, rel if rdns else " " + rel), True)
            say("%s: %s did not issue MAIL/EXPN/VRFY/ETRN during connection to MTA-v4"
                % (q, rel))
            rec.disp = "rejected"    # sendmail answers 554 after pre-greeting traffic
        elif kind == "lostrcpt":
            say("%s: from=<%s>, size=0, class=0, nrcpts=0, proto=ESMTP, daemon=MTA-v4, "
                "relay=%s" % (q, frm, rel), True)
            say("%s: lost input channel from %s to MTA-v4 after rcpt" % (q, rel))
            rec.disp = "lost"
        else:
            raise ValueError(kind)
        return rec

    def local_submission(self, t):
        """sendmail (MSP) submits to sm-mta over 127.0.0.1: a loopback session."""
        mpid = self.pids.new()
        q1 = self.qid(t, mpid)
        self.add(t, "sendmail", mpid, "%s: from=root, size=%d, class=0, nrcpts=1, "
                 "msgid=<%s.%s@mx1.example.org>, relay=root@localhost"
                 % (q1, self.r.randint(400, 2000), iso(t)[:10].replace("-", ""), q1))
        spid = self.pids.new()
        q2 = self.qid(t + 0.1, spid)
        rec = Rec("sendmail", "local", "127.0.0.1", None, "localhost", "accept",
                  "sendmail/maillog")
        rec.t = t + 0.1
        rec.qids.append(q2)
        rec.disp, rec.messages = "accepted", 1
        rec.notes.append("MSP relaying to the MTA over loopback")
        self.recs.append(rec)
        self.add(t + 0.1, "sm-mta", spid, "%s: from=<root@mx1.example.org>, size=%d, class=0, "
                 "nrcpts=1, msgid=<%s.%s@mx1.example.org>, proto=ESMTP, daemon=MTA-v4, "
                 "relay=localhost [127.0.0.1]" % (q2, self.r.randint(600, 2300),
                                                  iso(t)[:10].replace("-", ""), q1), rec, True)
        self.add(t + 0.2, "sendmail", mpid, "%s: to=root, ctladdr=root (0/0), delay=00:00:00, "
                 "xdelay=00:00:00, mailer=relay, pri=30%03d, relay=[127.0.0.1] [127.0.0.1], "
                 "dsn=2.0.0, stat=Sent (%s Message accepted for delivery)"
                 % (q1, self.r.randint(100, 999), q2))
        self.add(t + 0.3, "sm-mta", self.pids.new(), "%s: to=<postmaster@example.org>, "
                 "ctladdr=<root@mx1.example.org> (0/0), delay=00:00:00, xdelay=00:00:00, "
                 "mailer=local, pri=31%03d, dsn=2.0.0, stat=Sent" % (q2, self.r.randint(100, 999)))


# ---------------------------------------------------------------------------------------
# Plan: which sessions each log holds
# ---------------------------------------------------------------------------------------
# (sender key, kind, extra) for the Postfix log, days 1-2.  extra: dict(inst, nmsg, mbox,
# hostwarn).  mbox="mbox" puts the message in inbox.mbox (the log shows no HELO for these
# sessions: the HELO comes from the Received header), "maildir" in the Maildir.
PF_PLAN = [
    ("ok4", "accept", {"mbox": "mbox"}),
    ("ok4", "accept-warn", {}),
    ("ok6", "accept", {"mbox": "mbox"}),
    ("okuc", "accept-warn", {}),
    ("out", "accept", {"mbox": "mbox"}),
    ("forge", "reject", {}),
    ("stale", "accept", {"mbox": "mbox", "hostwarn": True}),
    ("alias", "accept", {"mbox": "mbox"}),
    ("web2", "defer", {}),
    ("web", "accept-warn", {}),
    ("legacy", "accept", {"mbox": "mbox"}),
    ("roam", "accept", {"mbox": "mbox"}),
    ("dead", "reject", {}),
    ("broken", "accept-warn", {}),
    ("future", "accept", {"mbox": "mbox"}),
    ("odd", "accept-rw", {}),
    ("www", "reject", {}),
    ("usc", "defer", {}),
    ("mxnet4", "accept", {"mbox": "mbox"}),
    ("mxnet6", "accept-warn", {"inst": "postfix-in"}),
    ("ghost", "reject", {}),
    ("dyn", "ps-reject", {}),
    ("lists", "accept", {"mbox": "mbox", "nmsg": 2}),
    ("backup", "accept-warn", {}),
    ("shop", "accept", {"mbox": "mbox"}),
    ("bulk", "accept-warn", {}),
    ("rtest", "reject", {}),
    ("lit4", "accept-warn", {}),
    ("litf", "reject", {}),
    ("litx", "ps-reject", {}),
    ("litn", "reject", {}),
    ("bare", "reject", {}),
    ("lit6", "accept-warn", {}),
    ("loop", "reject", {}),
    ("lhost", "reject", {}),
    ("win", "ehlo-reject", {"inst": "postfix-in"}),
    ("ylmf", "ps-pregreet", {}),
    ("user", "milter", {}),
    ("html", "reject", {}),
    ("dots", "reject", {}),
    ("mail1", "reject", {}),
    (NOHELO_IPS[0], "lost", {}),
    (NOHELO_IPS[1], "timeout", {}),
    (NOHELO_IPS[2], "ps-drop", {}),
    (NOHELO_IPS[3], "ps-hangup", {}),
    (NOHELO_IPS[4], "lost", {}),
    (NOHELO_IPS[5], "accept", {}),                 # accepted, message not in the mbox
    ("shop", "accept", {"inst": "postfix-in", "mbox": "maildir"}),
    ("alias", "accept", {"inst": "postfix-in", "mbox": "maildir"}),
    ("lists", "accept-warn", {"inst": "postfix-in", "mbox": "maildir"}),
]
# Repeat visitors, drawn at random to fill the two days.
PF_FILL = [("ok4", "accept", {"mbox": "mbox"}), ("ok4", "accept-warn", {}),
           ("ylmf", "ps-pregreet", {}), ("ylmf", "reject", {}), ("ghost", "reject", {}),
           ("dyn", "ps-reject", {}), ("lhost", "reject", {}), ("forge", "reject", {}),
           (NOHELO_IPS[0], "lost", {}), (NOHELO_IPS[2], "ps-hangup", {}),
           ("lists", "accept-warn", {}), ("mxnet4", "accept-warn", {}),
           ("bulk", "accept-warn", {}), ("win", "reject", {}), ("user", "reject", {})]
PF_OLD = [("lists", "accept-warn", {}), ("ok4", "accept-warn", {}), ("ghost", "reject", {}),
          ("ylmf", "ps-pregreet", {}), ("lhost", "reject", {}), ("forge", "reject", {}),
          (NOHELO_IPS[0], "lost", {}), ("mxnet4", "accept-warn", {}), ("win", "reject", {}),
          ("bulk", "accept-warn", {}), ("dyn", "ps-reject", {}), ("usc", "defer", {}),
          ("ok6", "accept-warn", {}), ("stale", "accept-warn", {"hostwarn": True})]

EXIM_PLAN = [
    ("ok4", "accept", 1), ("okdot", "accept", 1), ("ok6", "accept", 1),
    ("alias", "accept", 2), ("forge", "reject", 1), ("web2", "defer", 1),
    ("roam", "accept", 1), ("mxnet6", "accept", 1), ("ghost", "reject", 1),
    ("dyn", "reject", 1), ("lists", "accept", 2), ("shop", "accept", 1),
    ("bulk", "accept", 1), ("rtest", "reject", 1), ("litf", "reject", 1),
    ("bare", "reject", 1), ("usc", "badehlo", 1), ("formula", "badehlo", 1),
    ("lhost", "reject", 1), ("ylmf", "nomail", 1), ("user", "lost", 1),
    ("win", "unexpected", 1), ("backup", "defer", 1), ("web", "accept", 1),
    (NOHELO_IPS[2], "timeout", 1), (NOHELO_IPS[1], "nomail", 1),
    (NOHELO_IPS[3], "nomail", 1), ("dots", "reject", 1),
]
EXIM_FILL = [("ok4", "accept", 1), ("ylmf", "nomail", 1), ("ghost", "reject", 1),
             ("lists", "accept", 1), ("forge", "reject", 1), ("user", "lost", 1),
             ("bulk", "accept", 1), ("lhost", "reject", 1)]
SM_PLAN = [
    ("ok4", "accept"), ("ok6", "accept"), ("stale", "accept"), ("ylmf", "reject"),
    ("atsign", "invalid"), ("out", "accept"), ("forge", "reject"), ("web2", "defer"),
    ("lists", "accept"), ("mxnet4", "accept"), (NOHELO_IPS[0], "nomail"),
    (NOHELO_IPS[1], "attack"), (NOHELO_IPS[2], "pregreet"), (NOHELO_IPS[3], "lostrcpt"),
    (NOHELO_IPS[4], "nomail"), ("dyn", "reject"), ("shop", "accept"),
]
SM_FILL = [("ok4", "accept"), ("ylmf", "reject"), ("ghost", "reject"),
           (NOHELO_IPS[0], "nomail"), ("lists", "accept"), ("dyn", "reject")]


# Labelled mail (README "Inputs", labels): postfix-in sessions (the log shows no HELO: the
# Received join supplies it, and the message's label) whose messages a spam filter judged:
# (sender key, label, where, header lines). where "junk": maildir/.Junk/cur (the folder
# says spam, whatever a header says); "inbox": maildir/cur, the header decides. The senders
# give the labels every default-policy verdict CSV reaches here (accept, mark, reject), so
# that the report's verdict_by_label and spam_ham tables have something to say. Generated
# with their own random stream after everything else: the rest of the sample is unchanged
# but for the lines these sessions add to postfix/mail.log.
LABEL_PLAN = [
    ("bulk", "spam", "junk", ["X-Spam-Flag: YES", "X-Spam-Status: Yes, score=9.1 required=5.0"]),
    ("dyn", "spam", "junk", ["X-Spam-Status: Yes, score=12.4 required=5.0"]),
    ("www", "spam", "junk", ["X-Spam-Status: Yes, score=6.3 required=5.0"]),
    ("roam", "spam", "junk", ["X-Spam-Status: No, score=3.2 required=5.0"]),  # moved by hand
    ("ok4", "spam", "junk", ["X-Spamd-Result: default: True [16.20 / 15.00]"]),
    ("ghost", "spam", "inbox", ["X-Spam-Flag: YES", "X-Spam-Status: Yes, score=7.7 required=5.0"]),
    ("ok6", "ham", "inbox", ["X-Spam-Status: No, score=-1.2 required=5.0"]),
    ("alias", "ham", "inbox", ["X-Spamd-Result: default: False [-0.40 / 15.00]"]),
    ("lists", "ham", "inbox", ["X-Spam-Status: No, score=0.4 required=5.0"]),
    ("stale", "ham", "inbox", ["X-Spam-Status: No, score=-0.1 required=5.0"]),
    ("legacy", "ham", "inbox", ["X-Spam-Status: No, score=1.8 required=5.0"]),
]
SPAM_SUBJECTS = ["Subject: You have won a gift card", "Subject: Cheap meds, no prescription",
                 "Subject: Urgent: verify your mailbox", "Subject: Limited offer, 90% off"]


def spread(r, n, day0, burst=0.15):
    """n start times over one day (office-hours heavy, some bursts of a few seconds)."""
    ts = []
    while len(ts) < n:
        h = r.choice([r.uniform(0, 24), r.uniform(7, 19), r.uniform(7, 19)])
        t = day0 + h * 3600
        ts.append(t)
        if r.random() < burst and len(ts) < n:
            ts.append(t + r.uniform(0.5, 6.0))
    return sorted(ts[:n])


def build(seed):
    r = random.Random(seed)
    files = {}
    recs = []

    # --- Postfix, days 1 and 2 --------------------------------------------------------
    pids = Pids(r, 20000)
    pf = Postfix(r, pids, "3164")
    plan = list(PF_PLAN) + [r.choice(PF_FILL) for _ in range(22)]
    r.shuffle(plan)
    half = (len(plan) + 1) // 2
    starts = spread(r, half, DAY1) + spread(r, len(plan) - half, DAY2)
    # keep the multi-message and IPv6 scenarios on a whole day
    for (key, kind, extra), t in zip(plan, starts):
        pf.session(key, kind, t, inst=extra.get("inst", "postfix"), nmsg=extra.get("nmsg", 1),
                   mbox=extra.get("mbox"), hostwarn=extra.get("hostwarn", False))
    pf.lines.append(Line(DAY1 + 3 * 3600 + 0.5, ("postfix", "anvil", pids.new(),
                         "statistics: max connection rate 3/60s for (smtp:203.0.113.12) at "
                         "Nov  1 02:57:11")))
    pf.lines.append(Line(DAY2 + 0.31, ("postfix", "pickup", pids.new(),
                                       "%s: uid=0 from=<root>" % pf.qid())))
    # the labelled sessions, from their own random stream (LABEL_PLAN)
    r2 = random.Random(seed + 1)
    pf.r = pids.r = r2
    half = (len(LABEL_PLAN) + 1) // 2
    lstarts = spread(r2, half, DAY1, 0) + spread(r2, len(LABEL_PLAN) - half, DAY2, 0)
    for (key, label, where, hdrs), t in zip(LABEL_PLAN, lstarts):
        rec = pf.session(key, "accept", t, inst="postfix-in", mbox="label")
        rec.label = (label, where, hdrs)
    pf.r = pids.r = r
    pf_lines = sorted(pf.lines, key=lambda x: x.t)
    store_q = {}
    text = []
    for i, ln in enumerate(pf_lines):
        inst, prog, pid, msg = ln.text
        if "STOREQ" in msg:   # the store's queue ID, which the mbox hop above shows too
            q = msg.split(":", 1)[0]
            store_q[q] = "".join(r.choice("0123456789ABCDEF") for _ in range(10))
            msg = msg.replace("STOREQ", store_q[q])
        text.append("%s mx1 %s/%s[%d]: %s" % (stamp3164(ln.t), inst, prog, pid, msg))
        if ln.first:
            ln.rec.line = i + 1
            ln.rec.source = "postfix/mail.log"
    files["postfix/mail.log"] = "\n".join(text) + "\n"
    recs += pf.recs

    # --- Postfix, the rotated day (RFC 3339 stamps, gzip) ------------------------------
    pids0 = Pids(r, 3000)
    pf0 = Postfix(r, pids0, "3339")
    plan0 = list(PF_OLD) + [r.choice(PF_FILL) for _ in range(10)]
    plan0 = [p for p in plan0 if not p[2].get("mbox")]
    r.shuffle(plan0)
    plan0.append(("ghost", "reject", {}))     # the day's last session, just before midnight
    starts0 = spread(r, len(plan0) - 1, DAY0 + 60) + [DAY1 - 8.712345]
    for (key, kind, extra), t in zip(plan0, starts0):
        pf0.session(key, kind, t, inst=extra.get("inst", "postfix"),
                    hostwarn=extra.get("hostwarn", False))
    last = max(ln.t for ln in pf0.lines)
    assert last < DAY1 - 1.876544, "rotated day overflows midnight"
    pf0.lines.append(Line(DAY1 - 1.876544, ("postfix", "anvil", pids0.new(),
                     "statistics: max cache size 4 at Oct 31 23:59:40")))
    lines0 = sorted(pf0.lines, key=lambda x: x.t)
    text0 = []
    for i, ln in enumerate(lines0):
        inst, prog, pid, msg = ln.text
        text0.append("%s mx1 %s/%s[%d]: %s" % (stamp3339(ln.t), inst, prog, pid, msg))
        if ln.first:
            ln.rec.line = i + 1
            ln.rec.source = "postfix/mail.log.1.gz"
    files["postfix/mail.log.1.gz"] = "\n".join(text0) + "\n"
    recs += pf0.recs

    # --- Exim ---------------------------------------------------------------------------
    ex = Exim(r, Pids(r, 40000))
    eplan = list(EXIM_PLAN) + [r.choice(EXIM_FILL) for _ in range(22)]
    r.shuffle(eplan)
    half = (len(eplan) + 1) // 2
    st = spread(r, half, DAY1, 0) + spread(r, len(eplan) - half, DAY2 + 700, 0)
    ex.ports = False
    started = False
    for (key, kind, n), t in zip(eplan, st):
        if t >= DAY2 and not started:
            ex.ports = True   # log_selector = +incoming_port from the restart on
            started = True
            ex.add(DAY2 + 611.0, "exim 4.96 daemon started: pid=%d, -q30m, listening for "
                   "SMTP on port 25 (IPv6 and IPv4) port 587 (IPv6 and IPv4)" % ex.pids.new())
        ex.session(key, kind, t, n)
    for d in (DAY1, DAY2):
        for h in (3, 9, 15, 21):
            qp = ex.pids.new()
            ex.add(d + h * 3600 + 1800.2, "Start queue run: pid=%d" % qp)
            ex.add(d + h * 3600 + 1800.6, "End queue run: pid=%d" % qp)
    ex.outbound(DAY1 + 10 * 3600 + 77, "alice@example.com", "mail.example.com", "192.0.2.10")
    ex.outbound(DAY2 + 14 * 3600 + 5, "sales@shop.example", "mail.shop.example",
                "203.0.113.40")
    ex.deferred_out(DAY2 + 16 * 3600 + 41)
    elines = sorted(ex.lines, key=lambda x: x.t)
    etext = []
    for i, ln in enumerate(elines):
        etext.append("%s %s" % (stamp_exim(ln.t), ln.text))
        if ln.first:
            ln.rec.line = i + 1
    files["exim/mainlog"] = "\n".join(etext) + "\n"
    recs += ex.recs

    # --- Sendmail ---------------------------------------------------------------------
    sm = Sendmail(r, Pids(r, 7000))
    splan = list(SM_PLAN) + [r.choice(SM_FILL) for _ in range(13)]
    r.shuffle(splan)
    half = (len(splan) + 1) // 2
    st = spread(r, half, DAY1, 0) + spread(r, len(splan) - half, DAY2, 0)
    for (key, kind), t in zip(splan, st):
        sm.session(key, kind, t)
    sm.local_submission(DAY1 + 6 * 3600 + 25 * 60 + 1)
    sm.local_submission(DAY2 + 6 * 3600 + 25 * 60 + 3)
    slines = sorted(sm.lines, key=lambda x: x.t)
    stext = []
    for i, ln in enumerate(slines):
        prog, pid, msg = ln.text
        stext.append("%s mx1 %s[%d]: %s" % (stamp3164(ln.t), prog, pid, msg))
        if ln.first:
            ln.rec.line = i + 1
    files["sendmail/maillog"] = "\n".join(stext) + "\n"
    recs += sm.recs

    # --- mbox and Maildir -------------------------------------------------------------
    mrecs = []
    mbox = []
    mdir = []
    for rec in sorted(pf.recs, key=lambda x: x.t):
        where = getattr(rec, "mbox", None)
        if not where or where == "label":
            continue
        for q in rec.qids:
            msg, m = mail_message(r, rec, q, store_q.get(q), len(mrecs))
            rec.helo_mbox = rec.helo_mbox or SENDERS[rec.key][0]
            if where == "mbox":
                mbox.append((rec, msg, m))
            else:
                mdir.append((rec, msg, m))
            mrecs.append(m)
    out = []
    nline = 0
    for rec, msg, m in mbox:
        if out:
            out.append("")
            nline += 1
        m.line = nline + 1
        m.source = "mbox/inbox.mbox"
        out += msg
        nline += len(msg)
    files["mbox/inbox.mbox"] = "\n".join(out) + "\n\n"
    for i, (rec, msg, m) in enumerate(mdir):
        t = int(m.t) + 2
        base = "%d.V%xI%xM%d.mx1" % (t, 0xfd01, 0x2a4b60 + i * 7, r.randint(100000, 999999))
        name = "maildir/cur/%s:2,S" % base if i < 2 else "maildir/new/%s" % base
        m.source = name
        m.line = 1
        files[name] = "\n".join(msg[1:]) + "\n"     # no From_ line in a Maildir file
    files["maildir/tmp/.keep"] = ""
    recs += mrecs

    # --- labelled messages (LABEL_PLAN), their own random stream -------------------------
    labelled = [rec for rec in pf.recs if getattr(rec, "mbox", None) == "label"]
    for i, rec in enumerate(sorted(labelled, key=lambda x: x.t)):
        label, where, hdrs = rec.label
        q = rec.qids[0]
        msg, m = mail_message(r2, rec, q, None, -1)
        rec.helo_mbox = rec.helo_mbox or SENDERS[rec.key][0]
        # the filter's headers go on top, above the border hop (the filter ran on mx1)
        msg = msg[:4] + hdrs + msg[4:]
        if label == "spam":
            msg = [SPAM_SUBJECTS[i % len(SPAM_SUBJECTS)] if ln.startswith("Subject: ") else ln
                   for ln in msg]
        t = int(m.t) + 2
        base = "%d.V%xI%xM%d.mx1" % (t, 0xfd01, 0x2a4c00 + i * 7, r2.randint(100000, 999999))
        name = ("maildir/.Junk/cur/%s:2,S" if where == "junk" else "maildir/cur/%s:2,S") % base
        m.source = name
        m.line = 1
        m.label = (label, "folder" if where == "junk" else "header")
        rec.label = (label, "received")
        files[name] = "\n".join(msg[1:]) + "\n"
        recs.append(m)

    # --- DNS snapshot ------------------------------------------------------------------
    files["dns-snapshot.zone"] = snapshot_text(zones())

    files[EXPECTED] = expected_tsv(recs)
    files["README.md"] = readme(recs, files)
    return files


def mail_message(r, rec, q, storeq, n):
    """An mbox message (From_ line first) for one accepted Postfix message."""
    helo, ip, rdns = SENDERS[rec.key][0], rec.ip, rec.rdns or "unknown"
    frm = SENDER_OF.get(rec.key, "someone@example.com")
    rcpt = rec.rcpt
    t = rec.t + 1.0
    lit = "IPv6:%s" % ip if ":" in ip else ip
    h = []
    h.append("From %s  %s" % (frm, stamp_ctime(t + 1)))
    h.append("Return-Path: <%s>" % frm)
    h.append("X-Original-To: %s" % rcpt)
    h.append("Delivered-To: %s" % rcpt)
    if storeq:      # relayed to the internal store: one trusted hop above the border
        via = r.choice([("10.0.0.25", "mx1.internal.example.org"),
                        ("192.168.50.25", "mx1-bk.internal.example.org")])
        h.append("Received: from mx1.example.org (%s [%s])" % (via[1], via[0]))
        h.append("\tby %s (Postfix) with ESMTP id %s" % (STORE[0], storeq))
        h.append("\tfor <%s>; %s (UTC)" % (rcpt, stamp_2822(t + 1)))
    by = "mx1.example.org (Postfix)"
    h.append("Received: from %s (%s [%s])" % (helo, rdns, lit))
    if r.random() < 0.6:
        h.append("\t(using TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits)")
        h.append("\t key-exchange X25519 server-signature RSA-PSS (2048 bits) "
                 "server-digest SHA256)")
        h.append("\t(No client certificate requested)")
        proto = "ESMTPS"
    else:
        proto = "ESMTP"
    h.append("\tby %s with %s id %s" % (by, proto, q))
    h.append("\tfor <%s>; %s (UTC)" % (rcpt, stamp_2822(t)))
    if r.random() < 0.4:    # the sender's own submission hop, below the border
        inner = r.choice(["192.168.1.17", "10.20.30.40"])
        h.append("Received: from [%s] (unknown [%s])" % (inner, inner))
        h.append("\t(Authenticated sender: %s)" % frm)
        h.append("\tby %s (Postfix) with ESMTPSA id %s" % (
            helo.lower().rstrip(".") if not helo.startswith("[") else "localhost",
            "".join(r.choice("0123456789ABCDEF") for _ in range(9))))
        h.append("\tfor <%s>; %s (UTC)" % (rcpt, stamp_2822(t - 2)))
    subj = {"lists": "[announce] November release notes", "shop": "Your order has shipped",
            "stale": "Order confirmation", "mxnet4": "Re: lunch on Monday?"}.get(
        rec.key, r.choice(["Meeting notes", "Invoice %d" % r.randint(1000, 9999),
                           "Quarterly report", "Re: your question"]))
    h += ["From: <%s>" % frm, "To: <%s>" % rcpt, "Subject: %s" % subj,
          "Date: %s" % stamp_2822(t - 1).replace(",  ", ", "),
          "Message-ID: <%s.%x@%s>" % (iso(t)[:10].replace("-", ""), r.getrandbits(40),
                                      frm.split("@")[1]),
          "MIME-Version: 1.0", "Content-Type: text/plain; charset=utf-8", ""]
    body = ["Hello %s," % rcpt.split("@")[0].capitalize(), "", r.choice([
        "Please find the figures for last month below.",
        "Thanks for the quick reply yesterday.",
        "This is an automated message; do not reply.",
        "The release is out: see the changelog for details."])]
    if n == 2:
        body += ["", ">From the archives: an old post that started with From, quoted by",
                 "the delivery agent (mboxrd)."]
    body += ["", "-- ", frm.split("@")[0]]
    m = Rec("mbox", rec.key, ip, helo, rec.rdns, "accept", None)
    m.t = t
    m.disp, m.messages = "accepted", 1
    m.qids = [q]
    if storeq:
        m.notes.append("trusted hop above the border")
    return h + body, m


def explicit_parent(helo):
    """A HELO outside SENDERS (an implied one) under a parent whose CSA
    record sets the Explicit bit (port 1) in the snapshot: example.net and
    the reverse zone 100.51.198.in-addr.arpa."""
    h = helo.lower()
    if h.startswith("[") and h.endswith("]"):
        return h[1:-1].startswith("198.51.100.")
    return h.endswith(".example.net")


def expected_tsv(recs):
    cols = ["source", "line", "mta", "time", "ip", "helo", "helo_mbox", "rdns",
            "disposition", "messages", "qids", "csa_status", "csa_reason", "dna_grade",
            "dna_status", "verdict", "label", "label_from", "note"]
    out = ["\t".join(cols)]
    for rec in sorted(recs, key=lambda x: (x.source, x.line)):
        helo = rec.helo if rec.helo is not None else ""
        implied = False
        if rec.mta == "exim" and not helo and rec.helo_given and rec.rdns:
            # Exim's H=name [ip] hides a HELO equal to the verified name:
            # a session that gave one has it. (H=[ip], no verified name,
            # would have shown any HELO: none was given.)
            helo = rec.rdns
            implied = True
        # the mbox's Received HELO fills a HELO the log does not show
        # (and replaces an implied one), never a provably absent one
        none = not helo and (rec.mta == "exim" or rec.helo_absent)
        eff = helo if helo and not implied else (
            (rec.helo_mbox or helo) if not none else "")
        if rec.key in SENDERS and eff and eff.lower() == SENDERS[rec.key][0].lower():
            st, why = SENDERS[rec.key][3], SENDERS[rec.key][4]
        elif eff and explicit_parent(eff):
            st, why = "fail", "explicit-required"
        elif eff:
            st, why = "unknown", "no-record"
        elif none:
            st, why = "unknown", "no-helo"
        else:
            st, why = "unknown", "helo-unobserved"
        grade, dna = dna_of(eff)
        verdict = "unevaluated" if why == "helo-unobserved" else POLICY[st][dna]
        if implied and rec.helo_mbox:
            helo = ""     # the Received HELO replaces the implied one
        if implied:
            rec.notes.append("HELO implied by Exim's H= rule")
        notes = "; ".join(rec.notes)
        out.append("\t".join(str(x) for x in [
            rec.source, rec.line, rec.mta, iso(rec.t), rec.ip, helo, rec.helo_mbox,
            rec.rdns, rec.disp, rec.messages, ",".join(rec.qids), st, why, grade, dna,
            verdict, rec.label[0], rec.label[1], notes]))
    return "\n".join(out) + "\n"


def readme(recs, files):
    from collections import Counter, defaultdict
    per = defaultdict(Counter)
    for rec in recs:
        if rec.helo or rec.helo_mbox:      # sessions where the HELO is visible somewhere
            per[(rec.key, rec.ip)][rec.mta] += 1
    rows = []
    for key, (helo, ip, rdns, st, why, note) in SENDERS.items():
        c = per.get((key, ip), Counter())
        seen = ", ".join("%s %d" % (m, c[m]) for m in ("postfix", "exim", "sendmail", "mbox")
                         if c[m])
        grade, dna = dna_of(helo)
        rows.append("| `%s` | %s | %s/%s | %s | %s | %s | %s |" % (
            helo.replace("|", "\\|"), ip, st, why, (grade + " " if grade else "") + dna,
            POLICY[st][dna], seen or "-", note.replace("|", "\\|")))
    counts = Counter(rec.source.split("/")[0] if not rec.source.startswith("maildir")
                     else "maildir" for rec in recs)
    zl = [z.rstrip(".") for z in zones()]
    return README.format(
        table="\n".join(rows), npf=counts["postfix"], nex=counts["exim"],
        nsm=counts["sendmail"], nmb=counts["mbox"], nmd=counts["maildir"],
        total=len(recs), zones=", ".join("`%s`" % z for z in zl),
        nlab=sum(1 for rec in recs if rec.label[0]),
        ndnsbl=sum(1 for rec in recs if rec.label[1] == "dnsbl"),
        ncf=sum(1 for rec in recs if rec.label[1] == "content-filter"),
        nfolder=sum(1 for rec in recs if rec.label[1] == "folder"),
        nheader=sum(1 for rec in recs if rec.label[1] == "header"),
        hspam=sum(1 for rec in recs if rec.label == ("spam", "header")),
        hham=sum(1 for rec in recs if rec.label == ("ham", "header")),
        nrecv=sum(1 for rec in recs if rec.label[1] == "received"))


README = """# sample-logs: one small mail server, every input heloval reads

Generated by `python3 tests/tools/mksample.py` (deterministic: seed 2026; `--check` verifies
that this directory is exactly what the generator writes). Do not edit by hand: change the
tables in the generator and regenerate.

The imaginary server is **mx1.example.org**. It runs Postfix 3.7 on 192.0.2.25 and
2001:db8::25 (postscreen in front of smtpd) plus a second Postfix instance `postfix-in` on
192.0.2.28 (no postscreen, `smtpd_delay_reject = no`, virtual Maildir delivery); Exim 4.96 on
192.0.2.26 and Sendmail 8.17 (`sm-mta`) on 192.0.2.27 receive for the same domain, so the
same senders show up in all three logs. Accepted Postfix mail goes to a local mbox or is
relayed to the internal store `store.example.org` (10.0.0.30). All addresses and names are
documentation ones (RFC 5737, RFC 3849, RFC 2606/6761); the host clock is UTC.

## Files

| path | what |
|---|---|
| `postfix/mail.log` | RFC 3164 syslog (`Nov  1 08:12:03 mx1 postfix/smtpd[pid]: ...`), 2026-11-01 and 2026-11-02 |
| `postfix/mail.log.1.gz` | the rotated day before (2026-10-31), gzip, RFC 3339 stamps (`2026-10-31T23:59:58.123456+00:00`) as rsyslog writes them on Debian 12 |
| `exim/mainlog` | Exim 4.96 main log, same two days; `+incoming_port` was switched on with the daemon restart on 2026-11-02 00:10, so day 1 has `[ip]` and day 2 `[ip]:port` |
| `sendmail/maillog` | sm-mta syslog, same two days |
| `mbox/inbox.mbox` | messages of Postfix sessions whose log lines never show the HELO: the border `Received:` header carries the same queue ID and client IP as the `client=` line, and the HELO |
| `maildir/{{cur,new,tmp}}` | messages delivered by `postfix-in` (`tmp/.keep` only keeps the empty folder); six in `cur/` carry a spam filter's verdict (`X-Spam-Status`, `X-Spam-Flag`, rspamd's `X-Spamd-Result`) |
| `maildir/.Junk/cur` | spam the filter filed into the Junk folder (the folder says spam, even where a header says No) |
| `dns-snapshot.zone` | the DNS snapshot: one RFC 1035 master file with every zone (see below) |
| `../tests/tools/sample-expected.tsv` | (outside this directory, which `heloval scan` reads whole) one row per session: what heloval should find (source, first line, mta, time, ip, HELO as the log shows it, HELO the mbox adds, rdns, disposition, messages, queue IDs) and decide (CSA, DNA, default-policy verdict) |

Sessions: {total} in all: Postfix {npf} (both files), Exim {nex}, Sendmail {nsm}, mbox {nmb},
Maildir {nmd}.

Run everything offline (the zone file answers every query; no network is needed):

```sh
./heloval run --db build/sample.db --year 2026 --accreditor dna.example \\
    --dns-zone sample-logs/dns-snapshot.zone -o report.html sample-logs
```

Spam and ham: {nlab} sessions are labelled (README "Inputs", labels): {ndnsbl} rejected
by a DNSBL (Postfix `blocked using`, postscreen, Exim `is listed at`) and {ncf} by a milter
(content filter) are spam; {nfolder} Maildir messages in `.Junk` (spam, from the folder),
{nheader} in the inbox whose filter header decides ({hspam} spam, {hham} ham), and their
{nrecv} `postfix-in` log sessions, which take their message's label through the Received
join. Their senders reach the verdicts accept, mark and
reject, so the report's `verdict_by_label` and `spam_ham` tables show spam CSV would have
stopped and ham it would have hurt (`stale` and `legacy`: legitimate senders whose CSA fails).
The expected label of each session is in `sample-expected.tsv` (columns label, label_from).

`--trust-listed` additionally follows `mail.shop.example`'s own `_VOUCH._SMTP.vouch.test`
PTR, which turns its DNA status from unknown into recommended (grade A).

## Line shapes covered

- Postfix: postscreen `CONNECT`/`PASS OLD|NEW`/`DNSBL rank`/`PREGREET`/`HANGUP`/`DISCONNECT`
  and its comma-separated `NOQUEUE: reject: RCPT from [ip]:port: ...; from=<>, to=<>,
  proto=ESMTP, helo=<>`; smtpd `connect from`, `NOQUEUE: reject:` (5xx and 4xx),
  `reject_warning:`, an EHLO-stage reject without from/to (`postfix-in`), `QUEUEID: client=`
  (one session with two messages), `lost connection after ...`, `timeout after DATA`,
  `disconnect from ... ehlo=1 mail=1 ... commands=N` counters (not HELOs), `warning: hostname
  ... does not resolve to address`, TLS lines; cleanup `warning: header Subject: ... helo=<>`
  and `milter-reject: END-OF-MESSAGE ... helo=<>`; qmgr, local, virtual, smtp (relay to the
  store), anvil, pickup and dnsblog noise; IPv6 clients, address-literal, bare-IP and junk
  HELOs; pids of long-lived smtpd processes reused by several sessions.
- Exim: `<=` with `H=rdns (helo) [ip]`, `H=(helo) [ip]`, `H=name [ip]` (HELO hidden because it
  equals the verified name), with and without `:port`, `I=[...]:25`; two messages in one
  connection; `rejected RCPT`, `temporarily rejected RCPT`, `rejected EHLO from [ip]:
  syntactically invalid argument(s): ...`, `login authenticator failed for`, `no MAIL in SMTP
  connection from`, `SMTP connection from ... lost`, `SMTP command timeout on connection
  from`, `unexpected disconnection while reading SMTP command from`; deliveries `=>` and
  `==` whose `H=` is the remote server (not sessions), local `<=` without `H=`, queue runs,
  daemon start.
- Sendmail: `from=... relay=rdns [ip]`, `relay=[ip]`, `[IPv6:...]`, `(may be forged)`,
  `STARTTLS=server, relay=`, `ruleset=check_rcpt ... reject=550/450`, `did not issue
  MAIL/EXPN/VRFY/ETRN`, `possible SMTP attack`, `lost input channel`, `rejecting commands from
  ... due to pre-greeting traffic`, one `invalid domain name (box@home) from [ip]` (the only
  Sendmail line with a HELO), MSP `sendmail[pid]` local submission relayed over 127.0.0.1.
- mbox: Postfix-local From_ lines (`From sender  Sun Nov  1 ...`), `Return-Path`,
  `X-Original-To`, `Delivered-To`; border hops `from HELO (rdns [ip])` with and without TLS
  comment lines, `unknown` rdns, `[IPv6:...]`; trusted hops above the border (10.0.0.25 and
  192.168.50.25 relaying to the store) and the sender's own authenticated hop below it; an
  mboxrd `>From ` body line. Maildir files have no From_ line.

## The DNS snapshot

`dns-snapshot.zone` holds these zones, each starting with its `$ORIGIN` and SOA (the SOA
owner matters: CSA's parent search stops on an NXDOMAIN whose SOA is the root or the TLD):
{zones}. heloval's loader starts a zone at every SOA; a plain `ldns_zone_new_frm_fp()` or
NSD wants one zone per file: `python3 tests/tools/mksample.py --zone-dir DIR` writes them.

`example.com`, `example.net`, `example.org`, `shop.example` and `dna.example` are ordinary
second-level zones. `test.` is a TLD-level zone, so its NXDOMAIN answers end the parent search
at once. The reverse zones are /8 zones (`192`, `198`, `203`, `127.in-addr.arpa`) so that the
reverse-tree parent search (/8, /16, /24) stays inside them; `8.b.d.0.1.0.0.2.ip6.arpa` holds
the IPv6 literal's record. `dna.example` is the accreditor (`<helo>.dna.example TXT
"MARID,1,<grade>"`): grades A (a two-string TXT `"MARID,1," "A;..."`), B, C, D, E, and junk
(`"v=spf1 -all"`, `"MARID,2,A"`) that must be ignored, plus a wildcard
`*.dyn.example.net.dna.example TXT "MARID,1,E;..."` (grade E for the dynamic pool).
`vouch.test` (inside `test.`) is the service `mail.shop.example` lists for itself.

## What each HELO exercises

Expected results with `--accreditor dna.example` and the default policy (DESIGN.md). "seen
in" counts sessions per source (mbox includes the Maildir). A session whose log does not show
a HELO it may have sent (Postfix accepted without an action line, every Sendmail session) is
`unknown/helo-unobserved` (verdict unevaluated) unless the mbox join supplies it; one that
provably sent none (Postfix `lost connection after CONNECT`, postscreen hangups, Exim
sessions with no sign of a HELO) is `unknown/no-helo` (verdict mark). Exim's `H=name [ip]`
hides a HELO equal to the name: in a session that shows a HELO was given (an arrival, a RCPT
rejection, `C=EHLO`) the HELO is implied, the name; `H=[ip]` (no verified name) would show
any HELO given, so it means none was (`unknown/no-helo`); see
`tests/tools/sample-expected.tsv`.

| HELO | client IP | CSA status/reason | DNA | verdict | seen in | exercises |
|---|---|---|---|---|---|---|
{table}
| (none, provably) | several | unknown/no-helo | unknown | mark | postfix, exim | lost connections after CONNECT, postscreen hangups, Exim sessions without a sign of a HELO |
| (not in the log) | several | unknown/helo-unobserved | unknown | unevaluated | postfix, sendmail | accepted Postfix sessions without an action line, Sendmail sessions |
"""


def write(files, out, expected):
    for name, data in sorted(files.items()):
        path = expected if name == EXPECTED else os.path.join(out, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        if name.endswith(".gz"):
            buf = io.BytesIO()
            with gzip.GzipFile(filename="mail.log.1", mode="wb", fileobj=buf,
                               compresslevel=9, mtime=DAY1) as g:
                g.write(data.encode())
            blob = buf.getvalue()
        else:
            blob = data.encode()
        with open(path, "wb") as f:
            f.write(blob)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default="sample-logs")
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--expected", default="tests/tools/sample-expected.tsv",
                    help="where the per-session truth goes (default: %(default)s)")
    ap.add_argument("--zone-dir", help="also write one master file per zone into this "
                    "directory (for NSD) and exit")
    ap.add_argument("--check", action="store_true",
                    help="compare a fresh generation with --out instead of writing it")
    a = ap.parse_args()
    if a.zone_dir:
        os.makedirs(a.zone_dir, exist_ok=True)
        for zone, rrs in zones().items():
            with open(os.path.join(a.zone_dir, zone.rstrip(".") + ".zone"), "w") as f:
                f.write(zone_text(zone, rrs))
        return 0
    files = build(a.seed)
    if not a.check:
        write(files, a.out, a.expected)
        return 0
    tmp = tempfile.mkdtemp(prefix="mksample.")
    try:
        write(files, tmp, os.path.join(tmp, "expected.tsv"))
        bad = []
        for name in sorted(files):
            p = a.expected if name == EXPECTED else os.path.join(a.out, name)
            q = os.path.join(tmp, "expected.tsv" if name == EXPECTED else name)
            if not os.path.exists(p) or not filecmp.cmp(p, q, False):
                bad.append(p)
        for root, _, names in os.walk(a.out):
            for n in names:
                rel = os.path.relpath(os.path.join(root, n), a.out)
                if rel not in files:
                    bad.append(rel + " (not generated)")
        for b in bad:
            print("mksample: differs: %s" % b, file=sys.stderr)
        return 1 if bad else 0
    finally:
        shutil.rmtree(tmp)


if __name__ == "__main__":
    sys.exit(main())
