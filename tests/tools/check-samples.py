#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""check-samples - verify sample-logs/ against its generator and against heloval.

Usage: python3 tests/tools/check-samples.py [--heloval PATH] [--keep DIR]
Run from the repository top. Checks, each counted:
  1. sample-logs/ and tests/tools/sample-expected.tsv are exactly what mksample.py writes;
  2. every zone of dns-snapshot.zone passes nsd-checkzone (when installed);
  3. every mbox/Maildir border hop names a queue ID and client IP that the Postfix log
     shows on a `QUEUEID: client=NAME[IP]` line;
  4. with ./heloval (or --heloval / $HELOVAL) present: `scan` + `resolve --dns-zone
     sample-logs/dns-snapshot.zone --accreditor dna.example` + `export verdicts`, then each
     expected session is found at its (source, line) with the expected mta, ip, HELO (after
     the mbox join), disposition, messages, CSA status/reason, DNA status and verdict; and
     `--trust-listed` turns mail.shop.example's DNA status into recommended; each session's
     spam/ham label and its origin (sessions.label, label_from) are the expected ones.
Prints one line per failure and "N passed, N failed" last; exit 1 on any failure.
"""
import argparse
import csv
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile

TOP = os.getcwd()
passed = 0
failed = 0


def ok(cond, what):
    global passed, failed
    if cond:
        passed += 1
    else:
        failed += 1
        print("FAIL %s" % what)
    return cond


def run(cmd, **kw):
    return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                          **kw)


def check_generator():
    p = run([sys.executable, "tests/tools/mksample.py", "--check"])
    ok(p.returncode == 0, "sample-logs differs from mksample.py output:\n" + p.stderr)


def check_zones(tmp):
    zdir = os.path.join(tmp, "zones")
    p = run([sys.executable, "tests/tools/mksample.py", "--zone-dir", zdir])
    if not ok(p.returncode == 0, "mksample --zone-dir: " + p.stderr):
        return
    if not shutil.which("nsd-checkzone"):
        print("note: nsd-checkzone not installed; zone syntax not checked")
        return
    for z in sorted(os.listdir(zdir)):
        p = run(["nsd-checkzone", z[:-5], os.path.join(zdir, z)])
        ok(p.returncode == 0, "nsd-checkzone %s: %s" % (z, p.stdout + p.stderr))


def check_join():
    log = open("sample-logs/postfix/mail.log").read()
    clients = dict(re.findall(r"\]: ([0-9A-F]{10,12}): client=\S+\[([^\]]+)\]", log))
    msgs = [open("sample-logs/mbox/inbox.mbox").read().split("\nFrom ")]
    texts = msgs[0]
    for root, _, names in os.walk("sample-logs/maildir"):
        for n in names:
            if n != ".keep":
                texts.append(open(os.path.join(root, n)).read())
    n = 0
    for t in texts:
        hdr = t.split("\n\n", 1)[0].replace("\n\t", " ")
        hops = re.findall(r"^Received: from \S+ \(\S+ \[(?:IPv6:)?([^\]]+)\]\).*? by "
                          r"mx1\.example\.org \(Postfix\) with \S+ id ([0-9A-F]+)", hdr, re.M)
        if not ok(len(hops) == 1, "message without a border hop by mx1: %r" % hdr[:120]):
            continue
        ip, q = hops[0]
        n += 1
        ok(clients.get(q) == ip, "border hop id %s ip %s not on a client= line (log: %s)"
           % (q, ip, clients.get(q)))
    ok(n >= 10, "only %d messages checked" % n)


def export(heloval, db, *extra):
    p = run([heloval, "--no-progress", "-q", "export", "verdicts", "--db", db,
             "--format", "tsv"])
    if not ok(p.returncode == 0, "export verdicts: %s" % p.stderr):
        return []
    # the export writes an unknown value (no HELO, no CSA answer) as \N;
    # the expected table leaves it empty
    return [{k: ("" if v == "\\N" else v) for k, v in r.items()}
            for r in csv.DictReader(p.stdout.splitlines(), delimiter="\t",
                                    quoting=csv.QUOTE_NONE)]


def check_heloval(heloval, tmp):
    db = os.path.join(tmp, "s.db")
    p = run([heloval, "--no-progress", "scan", "--db", db, "--year", "2026", "sample-logs"])
    if not ok(p.returncode == 0, "scan sample-logs: rc %d %s" % (p.returncode, p.stderr)):
        return
    p = run([heloval, "--no-progress", "resolve", "--db", db, "--dns-zone",
             "sample-logs/dns-snapshot.zone", "--accreditor", "dna.example"])
    if not ok(p.returncode == 0, "resolve: rc %d %s" % (p.returncode, p.stderr)):
        return
    got = {}
    for row in export(heloval, db):
        src = row["source"]
        if src.startswith("sample-logs/"):
            src = src[len("sample-logs/"):]
        got[(src, row["line"])] = row
    want = list(csv.DictReader(open("tests/tools/sample-expected.tsv"), delimiter="\t",
                               quoting=csv.QUOTE_NONE))
    ok(len(got) == len(want), "sessions: heloval %d, expected %d" % (len(got), len(want)))
    for w in want:
        key = (w["source"], w["line"])
        g = got.get(key)
        if not ok(g is not None, "%s:%s (%s %s %s) missing" % (key + (w["mta"], w["ip"],
                                                                       w["helo"]))):
            continue
        helo = w["helo"] or w["helo_mbox"]
        for col, val in (("mta", w["mta"]), ("ip", w["ip"]), ("helo", helo),
                         ("disposition", w["disposition"]), ("messages", w["messages"]),
                         ("csa_status", w["csa_status"]), ("csa_reason", w["csa_reason"]),
                         ("dna_status", w["dna_status"]), ("verdict", w["verdict"])):
            ok(g.get(col) == val, "%s:%s %s: heloval %r, expected %r (helo %r%s)" % (
                key[0], key[1], col, g.get(col), val, helo,
                ", " + w["note"] if w["note"] else ""))
    # labels: every session's (label, label_from) as expected ('' for none)
    con = sqlite3.connect(db)
    labels = {}
    for src, line, lab, frm in con.execute(
            "SELECT src.path, s.line, COALESCE(s.label,''), COALESCE(s.label_from,'')"
            " FROM sessions s JOIN sources src ON src.id = s.source_id"):
        if src.startswith("sample-logs/"):
            src = src[len("sample-logs/"):]
        labels[(src, str(line))] = (lab, frm)
    con.close()
    nlab = 0
    for w in want:
        key = (w["source"], w["line"])
        nlab += w["label"] != ""
        ok(labels.get(key) == (w["label"], w["label_from"]), "%s:%s label: heloval %r, "
           "expected %r" % (key + (labels.get(key), (w["label"], w["label_from"]))))
    ok(nlab >= 10, "only %d labelled sessions expected" % nlab)
    # --trust-listed: mail.shop.example lists vouch.test, which says A.
    db2 = os.path.join(tmp, "t.db")
    run([heloval, "--no-progress", "-q", "scan", "--db", db2, "--year", "2026",
         "sample-logs"])
    p = run([heloval, "--no-progress", "-q", "resolve", "--db", db2, "--dns-zone",
             "sample-logs/dns-snapshot.zone", "--accreditor", "dna.example",
             "--trust-listed"])
    ok(p.returncode == 0, "resolve --trust-listed: %s" % p.stderr)
    shop = [r for r in export(heloval, db2) if r["helo"] == "mail.shop.example"]
    ok(len(shop) > 0 and all(r["dna_status"] == "recommended" for r in shop),
       "--trust-listed: mail.shop.example dna %s" % [r["dna_status"] for r in shop])


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--heloval", default=os.environ.get("HELOVAL", "./heloval"))
    ap.add_argument("--keep", help="keep the work files in this directory")
    a = ap.parse_args()
    tmp = a.keep or tempfile.mkdtemp(prefix="check-samples.")
    os.makedirs(tmp, exist_ok=True)
    try:
        check_generator()
        check_zones(tmp)
        check_join()
        if os.access(a.heloval, os.X_OK):
            check_heloval(a.heloval, tmp)
        else:
            print("note: %s not built; heloval checks skipped" % a.heloval)
    finally:
        if not a.keep:
            shutil.rmtree(tmp, ignore_errors=True)
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
