#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""realworld - run the public real-world corpus checks against heloval.

usage: realworld.py CORPUS_DIR HELOVAL [KNOWN_FILE]

CORPUS_DIR is the public corpus top (../shared/corpus); its realworld/logs
and realworld/mail folders each hold a check.py written with the data, which
scans the data with HELOVAL and prints every difference from the expected
sessions. This script runs both and accepts a difference only when it is
written down in KNOWN_FILE (default: realworld-known.tsv beside this script)
with its reason. It fails on:
  - a check that could not run (exit status 2, no TOTAL line);
  - a difference that KNOWN_FILE does not explain;
  - an entry of KNOWN_FILE that no longer matches any difference (stale:
    the difference was fixed, so the entry must go);
  - for the logs: a TOTAL whose (a), (b) or (c) counts are incomplete or
    whose (d) false-session count is not 0, beyond what KNOWN_FILE explains.
Prints one line per check and the plain closing line "N passed, N failed".

KNOWN_FILE is tab-separated: check ("logs" or "mail"), pattern (a substring
of the difference line as check.py prints it), reason. Lines starting with
'#' and empty lines are ignored.
"""
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def load_known(path):
    """The known differences: a list of (check, pattern, reason)."""
    known = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line.strip() or line.startswith("#"):
                continue
            parts = line.split("\t")
            if len(parts) != 3 or not parts[1] or not parts[2]:
                raise SystemExit("%s:%d: want check<TAB>pattern<TAB>reason" % (path, n))
            known.append(tuple(parts))
    return known


def differences(check, output):
    """The difference lines of one check's output."""
    if check == "mail":
        return [l.strip() for l in output.splitlines() if re.match(r"^msg +\d+ ", l)]
    marks = ("(a) MISS", "(b) miss", "(c) MISS", "(d) FALSE")
    diffs = []
    current = ""
    for l in output.splitlines():
        if l.startswith("== "):
            current = l.split()[1]
        elif l.strip().startswith(marks):
            diffs.append("%s: %s" % (current, l.strip()))
    return diffs


def run_check(check, corpus, heloval):
    """(exit status, stdout+stderr) of one check.py."""
    script = os.path.join(corpus, "realworld", check, "check.py")
    if not os.path.isfile(script):
        return 2, "%s not found" % script
    r = subprocess.run([sys.executable, script, heloval], capture_output=True, text=True)
    return r.returncode, r.stdout + r.stderr


def main(argv):
    if len(argv) not in (3, 4):
        print(__doc__, file=sys.stderr)
        return 2
    corpus, heloval = argv[1], os.path.abspath(argv[2])
    known = load_known(argv[3] if len(argv) == 4 else os.path.join(HERE, "realworld-known.tsv"))
    passed = failed = 0
    for check in ("logs", "mail"):
        rc, out = run_check(check, corpus, heloval)
        total = [l for l in out.splitlines() if l.startswith("TOTAL") or l.startswith("messages:")]
        if rc == 2 or (check == "logs" and not total):
            print("FAIL realworld/%s: the check did not run (exit %d):" % (check, rc))
            print("\n".join(out.splitlines()[-20:]))
            failed += 1
            continue
        mine = [k for k in known if k[0] == check]
        diffs = differences(check, out)
        unexplained = [d for d in diffs if not any(k[1] in d for k in mine)]
        stale = [k for k in mine if not any(k[1] in d for d in diffs)]
        for d in unexplained:
            print("FAIL realworld/%s: difference not in realworld-known.tsv: %s" % (check, d))
        for k in stale:
            print("FAIL realworld/%s: known difference no longer seen (remove it): %s" % (check, k[1]))
        if unexplained or stale:
            failed += 1
        else:
            passed += 1
        if rc != 0 and not diffs:
            print("FAIL realworld/%s: exit %d with no difference listed:" % (check, rc))
            print("\n".join(out.splitlines()[-20:]))
            failed += 1
        elif rc == 0 and diffs:
            # check.py passed although it printed differences: only the
            # informational kinds may do that
            pass
        if check == "logs" and total:
            m = re.search(r"\(a\) helo pairs (\d+)/(\d+).*\(b\) implied (\d+)/(\d+).*"
                          r"\(c\) client ips (\d+)/(\d+).*\(d\) false sessions (\d+)", total[0])
            if m is None:
                print("FAIL realworld/logs: unreadable TOTAL line: %s" % total[0])
                failed += 1
            else:
                a, at, b, bt, c, ct, d = (int(x) for x in m.groups())
                explained = {mark: sum(1 for x in diffs if mark in x and any(k[1] in x for k in mine))
                             for mark in ("(a) MISS", "(b) miss", "(c) MISS", "(d) FALSE")}
                ok = (at - a == explained["(a) MISS"] and bt - b == explained["(b) miss"]
                      and ct - c == explained["(c) MISS"] and d == explained["(d) FALSE"])
                if ok:
                    passed += 1
                else:
                    print("FAIL realworld/logs: counts incomplete: %s" % total[0])
                    failed += 1
        print("  realworld/%s: %s" % (check, "; ".join(total) if total else "exit %d" % rc))
    print("%d passed, %d failed" % (passed, failed))
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
