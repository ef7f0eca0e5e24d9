#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# compare.py REPORT_JSON ENGINE_JSON [LABEL] - every value of the engine's
# tables (duckdb-run.js output: headline, impact, at_risk, csa, dna,
# timeseries) must equal the same table of `heloval report --format json`:
# the same rows in the same order, the same columns, the same values
# (integers as integers, percentages to the report's one decimal). Prints
# "LABEL: N values equal" or each difference, and exits 1 on any.
import json
import sys

TABLES = ["headline", "impact", "at_risk", "csa", "dna", "timeseries"]


def same(a, b):
    if isinstance(a, bool) or isinstance(b, bool):
        return a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        if isinstance(a, int) and isinstance(b, int):
            return a == b
        return round(float(a), 1) == round(float(b), 1)
    return a == b


def main():
    rep = json.load(open(sys.argv[1]))
    eng = json.load(open(sys.argv[2]))
    label = sys.argv[3] if len(sys.argv) > 3 else "engine"
    diffs = []
    n = 0
    for t in TABLES:
        r, e = rep.get(t), eng.get(t)
        if r is None or e is None:
            diffs.append(f"{t}: missing (report {r is not None}, engine {e is not None})")
            continue
        if t == "headline":
            r, e = [r], [e]
        if len(r) != len(e):
            diffs.append(f"{t}: {len(r)} rows in the report, {len(e)} from the engine")
        for i, (rr, er) in enumerate(zip(r, e)):
            if list(rr.keys()) != list(er.keys()):
                diffs.append(f"{t}[{i}]: columns {list(rr.keys())} != {list(er.keys())}")
                continue
            for k in rr:
                n += 1
                if not same(rr[k], er[k]):
                    diffs.append(f"{t}[{i}].{k}: report {rr[k]!r}, engine {er[k]!r}")
    if n == 0:
        diffs.append("nothing compared")
    for d in diffs[:40]:
        print(f"{label}: {d}")
    if diffs:
        print(f"{label}: {len(diffs)} differences")
        sys.exit(1)
    print(f"{label}: {n} values equal")


main()
