#!/bin/sh
# trend.test.sh - three simulated nights of `run` over an Exim log directory
# rotated each night (mainlog -> mainlog.1 -> mainlog.2, a fresh mainlog),
# resolved each night against that night's zone file with --max-age 0: a
# sender fixes its CSA record after night 1 (mail.fix.example: weight 1,
# not authorized -> weight 2, ok), another newly fails on night 3
# (mail.newfail.example: its address record moves away -> mismatch).
# Checks:
#  - the time series (accepted messages by CSV verdict, accepted sessions,
#    all sessions) per day over the three days and per hour over one day
#    equals independent sqlite3 counts over the verdicts view, after every
#    night; the fix and the new failure show in the verdicts each night;
#  - --compare-previous: headline_compare and headline_previous equal the
#    headline of a report run on the previous window directly (both bounds,
#    one bound, none: the derived windows), in json, csv, text and html;
#    a previous window without sessions says so; no window is an error;
#  - the HTML chart: one group per verdict, rect heights that add up.
. tests/lib.sh
D=$T_TMP
L=$D/logs
mkdir -p "$L"

# night N - the Exim log of Nov N (deterministic, a few senders)
night() {
    python3 - "$1" <<'EOF'
import sys
n = int(sys.argv[1])
senders = [  # helo, ip, sessions on night n, first hour
    ("mail.good.example", "192.0.2.60", 3 + n, 1),
    ("mail.fix.example", "192.0.2.50", 2 + n, 2),
    ("mail.newfail.example", "192.0.2.51", 1 + 2 * n, 3),
    ("mail.nopub.example", "192.0.2.70", n, 5),
]
lines = []
k = 0
for helo, ip, cnt, h0 in senders:
    for i in range(cnt):
        hh, mm = (h0 + 3 * i) % 24, (7 * i + 11 * n) % 60
        t = "2026-11-%02d %02d:%02d:%02d" % (n, hh, mm, 10 + i % 40)
        mid = "1xN%d%02d-%06d-aa" % (n, k, k)
        k += 1
        lines.append((t, "%s %s <= a@%s H=(%s) [%s] I=[192.0.2.26]:25 P=esmtp S=900 id=%d.%d@x" % (t, mid, helo, helo, ip, n, k)))
        lines.append((t, "%s %s => pm <pm@example.org> R=local_user T=mail_spool" % (t, mid)))
        lines.append((t, "%s %s Completed" % (t, mid)))
for i in range(2 + n):  # spam the MTA rejects: sessions, no message
    t = "2026-11-%02d %02d:%02d:00" % (n, (4 * i + 2) % 24, 5 + i)
    lines.append((t, "%s H=(spam%d.invalid) [203.0.113.%d] F=<x@spam.invalid> rejected RCPT <pm@example.org>: JunkMail rejected" % (t, i, 9 + i)))
lines.sort(key=lambda x: x[0])
print("\n".join(l for _, l in lines))
EOF
}

# zone N - the senders' records as resolved on night N
zone() {
    fixw=2; nfip=192.0.2.51
    [ "$1" = 1 ] && fixw=1
    [ "$1" = 3 ] && nfip=192.0.2.99
    cat <<EOF
\$ORIGIN example.
example. 3600 IN SOA ns1.example. hostmaster.example. $1 7200 3600 1209600 300
example. 3600 IN NS ns1.example.
_client._smtp.mail.good.example. 3600 IN SRV 1 2 0 mail.good.example.
mail.good.example. 3600 IN A 192.0.2.60
_client._smtp.mail.fix.example. 3600 IN SRV 1 $fixw 0 mail.fix.example.
mail.fix.example. 3600 IN A 192.0.2.50
_client._smtp.mail.newfail.example. 3600 IN SRV 1 2 0 mail.newfail.example.
mail.newfail.example. 3600 IN A $nfip
EOF
}

DB=$D/t.db
# verdict_of HELO - the distinct verdicts of HELO's sessions now
verdict_of() { q "$DB" "SELECT group_concat(DISTINCT verdict) FROM verdicts WHERE helo = '$1'"; }

# series_check NAME JSON FMT - the report's timeseries equals the counts of
# the verdicts view bucketed by strftime FMT over the report's window
series_check() {
    python3 - "$DB" "$2" "$3" > "$D/series.out" <<'EOF'
import json, sqlite3, sys
db, rep, fmt = sys.argv[1:4]
r = json.load(open(rep))
since, until = r["filter"]["since"], r["filter"]["until"]
import calendar, time
def ep(s): return calendar.timegm(time.strptime(s, "%Y-%m-%dT%H:%M:%SZ"))
lo = ep(since) if since else -2**62
hi = ep(until) if until else 2**62
c = sqlite3.connect(db)
want = {}
vs = ["accept", "mark", "reject", "tempfail", "unresolved", "unevaluated"]
for b, v, disp, m in c.execute(
        "SELECT strftime(?, ts, 'unixepoch'), COALESCE(verdict,'unresolved'), disposition,"
        " messages FROM verdicts WHERE ts >= ? AND ts < ?", (fmt, lo, hi)):
    row = want.setdefault(b, dict.fromkeys([x + "_messages" for x in vs] +
                                           ["accepted_sessions", "sessions"], 0))
    row["sessions"] += 1
    if disp == "accepted":
        row["accepted_sessions"] += 1
        row[v + "_messages"] += m
got = {x["time"]: {k: x[k] for k in x if k != "time"} for x in r["timeseries"]}
nonzero = {k: v for k, v in got.items() if v["sessions"]}
print("ok" if nonzero == want and len(want) > 0 else "got %s want %s" % (nonzero, want))
EOF
    check_eq "$1" "$(cat "$D/series.out")" ok
}

# compare_check NAME JSON PREV_JSON - headline_previous and headline_compare
# of JSON equal the headline of PREV_JSON (a report of the previous window)
compare_check() {
    python3 - "$2" "$3" > "$D/cmp.out" <<'EOF'
import json, sys
r = json.load(open(sys.argv[1])); p = json.load(open(sys.argv[2]))
bad = []
if r["headline_previous"] != p["headline"]:
    bad.append("previous %s != %s" % (r["headline_previous"], p["headline"]))
rows = {x["figure"]: x for x in r["headline_compare"]}
ints = [k for k, v in r["headline"].items()
        if isinstance(v, int) and not k.endswith("_pct") and k != "low_coverage"]
if sorted(rows) != sorted(ints):
    bad.append("figures %s" % sorted(rows))
for k in ints:
    x = rows.get(k, {})
    cur, prev = r["headline"][k], p["headline"][k]
    # one decimal, halves away from zero (as the report rounds)
    t = 1000.0 * (cur - prev) / prev if prev else 0
    pct = None if prev == 0 else (int(t + 0.5) if t >= 0 else -int(-t + 0.5)) / 10.0
    if (x.get("current"), x.get("previous"), x.get("change"), x.get("change_pct")) != (cur, prev, cur - prev, pct):
        bad.append("%s: %s want %s" % (k, x, (cur, prev, cur - prev, pct)))
pw = r["previous_window"]
if (pw["since"], pw["until"]) != (p["filter"]["since"], p["filter"]["until"]):
    bad.append("window %s" % pw)
print("ok" if not bad else "; ".join(bad))
EOF
    check_eq "$1" "$(cat "$D/cmp.out")" ok
}

for n in 1 2 3; do
    if [ "$n" -gt 1 ]; then  # logrotate: mainlog.1 -> mainlog.2, mainlog -> mainlog.1
        [ -f "$L/mainlog.1" ] && mv "$L/mainlog.1" "$L/mainlog.2"
        mv "$L/mainlog" "$L/mainlog.1"
    fi
    night "$n" > "$L/mainlog"
    zone "$n" > "$D/zone$n"
    check_cmd "night $n run" hv run --db "$DB" --dns-zone "$D/zone$n" --max-age 0 \
        --no-progress -q "$L"
    hv report --db "$DB" --format json -o "$D/all$n.json"
    step=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["filter"]["time_step"])' "$D/all$n.json")
    if [ "$n" = 3 ]; then
        check_eq "night 3 step (three days)" "$step" day
        series_check "night 3 per day = verdicts view" "$D/all$n.json" "%Y-%m-%d"
    else
        # one or two days of data: not over 48 hours, per hour
        check_eq "night $n step" "$step" hour
        series_check "night $n per hour = verdicts view" "$D/all$n.json" "%Y-%m-%dT%H:00Z"
    fi
    hv report --db "$DB" --format json --since "2026-11-0$n" --until "2026-11-0$((n + 1))" \
        -o "$D/day$n.json"
    series_check "night $n one day per hour = verdicts view" "$D/day$n.json" "%Y-%m-%dT%H:00Z"
    check_eq "night $n sessions" "$(q "$DB" 'SELECT count(*) FROM sessions')" \
        "$(( 8 * n + 3 * n * (n + 1) ))"
    case $n in
    1) check_eq "night 1 fix fails" "$(verdict_of mail.fix.example)" reject
       nf1=$(verdict_of mail.newfail.example) ;;
    2) check_eq "night 2 fix passes" "$(verdict_of mail.fix.example)" "$nf1" ;;
    3) check_eq "night 3 newfail fails" "$(verdict_of mail.newfail.example)" reject
       check_eq "night 3 fix still passes" "$(verdict_of mail.fix.example)" "$(verdict_of mail.good.example)" ;;
    esac
done
# the series tells the nights apart: Nov 3 has newfail's 7 messages under reject
check_eq "nov 3 reject messages" \
    "$(python3 -c 'import json,sys; print([x["reject_messages"] for x in json.load(open(sys.argv[1]))["timeseries"]])' "$D/all3.json")" \
    "[3, 5, 7]"

# ==== --compare-previous ====
R="report --db $DB"
hv $R --since 2026-11-03 --until 2026-11-04 --compare-previous --format json -o "$D/c3.json"
hv $R --since 2026-11-02 --until 2026-11-03 --format json -o "$D/p2.json"
compare_check "compare nov3 = report nov2" "$D/c3.json" "$D/p2.json"
check_eq "compare nov3 reject change" \
    "$(python3 -c 'import json,sys; print([(x["current"], x["previous"], x["change"], x["change_pct"]) for x in json.load(open(sys.argv[1]))["headline_compare"] if x["figure"] == "would_reject_messages"])' "$D/c3.json")" \
    "[(7, 5, 2, 40.0)]"
# one bound: [Nov 2, the last session's day + 1) = 2 days -> [Oct 31, Nov 2)
hv $R --since 2026-11-02 --compare-previous --format json -o "$D/c2.json"
hv $R --since 2026-10-31 --until 2026-11-02 --format json -o "$D/p1.json"
compare_check "compare since nov2 = report oct31..nov2" "$D/c2.json" "$D/p1.json"
# no bound: the data's whole days [Nov 1, Nov 4) -> [Oct 29, Nov 1): empty
hv $R --compare-previous --format json -o "$D/c0.json"
hv $R --since 2026-10-29 --until 2026-11-01 --format json -o "$D/p0.json"
compare_check "compare all = report oct29..nov1" "$D/c0.json" "$D/p0.json"
check_eq "compare all: previous empty" \
    "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["previous_window"]["has_sessions"])' "$D/c0.json")" False
hv $R --compare-previous | tr '\n' ' ' | sed 's/  */ /g' > "$D/c0.txt"
check_cmd "text: no sessions" grep -q "Against the previous 3 days (2026-10-29T00:00:00Z .. 2026-11-01T00:00:00Z): no sessions in that window." "$D/c0.txt"
# text, csv, html carry the comparison
hv $R --since 2026-11-03 --until 2026-11-04 --compare-previous > "$D/c3.txt"
# newfail's 7 messages rejected against its 5 the day before (its verdict
# is today's, for every day); 5 accepted messages more (good 6 vs 5, fix 5
# vs 4, newfail 7 vs 5, nopub 3 vs 2)
check_cmd "text sentence" grep -q "Against the previous 1 day (2026-11-02T00:00:00Z .. 2026-11-03T00:00:00Z):" "$D/c3.txt"
tr '\n' ' ' < "$D/c3.txt" | sed 's/  */ /g' > "$D/c3.flat"
check_cmd "text figures" grep -q "messages accepted 21 (+5, +31.3%), would reject 7 (+2, +40.0%), would defer 0 (0)" "$D/c3.flat"
hv $R --since 2026-11-03 --until 2026-11-04 --compare-previous --format csv \
    --table headline_compare | tr -d '\r' > "$D/c3.csv"
check_eq "csv row" "$(grep '^would_reject_messages,' "$D/c3.csv")" "would_reject_messages,7,5,2,40.0"
check_eq "csv row pct" "$(grep '^accepted_messages,' "$D/c3.csv")" "accepted_messages,21,16,5,31.3"
check_eq "csv row null pct" "$(grep '^would_defer_messages,' "$D/c3.csv")" "would_defer_messages,0,0,0,"
hv $R --since 2026-11-03 --until 2026-11-04 --compare-previous --format html -o "$D/c3.html"
check_cmd "html card change" grep -q 'chg">messages +2 (+40.0%) against the previous 1 day' "$D/c3.html"
check_cmd "html sentence" grep -q 'id="compare-previous"' "$D/c3.html"
# run takes it too
hv run --db "$DB" --dns-zone "$D/zone3" --no-progress --since 2026-11-03 --until 2026-11-04 \
    --compare-previous "$L" > "$D/run.txt" 2>&1
check_cmd "run --compare-previous" grep -q "Against the previous 1 day" "$D/run.txt"
# no window: an error that says so; a table that needs the option
if hv $R --since 2027-01-01 --compare-previous > /dev/null 2> "$D/why"; then
    fail "no window" "exit 0"
else
    check_cmd "no window message" grep -q "compare-previous needs a window" "$D/why"
fi
if hv $R --table headline_compare > /dev/null 2> "$D/why"; then
    fail "table without option" "exit 0"
else
    check_cmd "table without option message" grep -q "needs --compare-previous" "$D/why"
fi

# ==== the HTML chart: a group per verdict, heights adding up ====
hv $R --format html -o "$D/all.html"
python3 - "$D/all.html" "$D/all3.json" > "$D/svg.out" <<'EOF'
import json, re, sys
import xml.etree.ElementTree as ET
html = open(sys.argv[1]).read()
m = re.search(r'<svg class="chart" id="chart-timeseries".*?</svg>', html, re.S)
svg = ET.fromstring(m.group(0))
ns = "{http://www.w3.org/2000/svg}"
vs = ["accept", "mark", "reject", "tempfail", "unresolved", "unevaluated"]
groups = [g for g in svg.iter(ns + "g") if g.get("class") == "series"]
bad = []
if [g.get("data-verdict") for g in groups] != vs:
    bad.append("groups %s" % [g.get("data-verdict") for g in groups])
ts = json.load(open(sys.argv[2]))["timeseries"]
tot = [sum(x[v + "_messages"] for v in vs) for x in ts]
mx = max(tot)
# per column (x): the heights of its rects stack from the axis (y 212) to
# 212 - 200 * total / max, each as tall as its share
cols = {}
for g, v in zip(groups, vs):
    for r in g.iter(ns + "rect"):
        cols.setdefault(r.get("x"), []).append((v, float(r.get("y")), float(r.get("height")), int(r.get("data-n"))))
xs = sorted(cols, key=float)
if len(xs) != sum(1 for t in tot if t):
    bad.append("columns %d" % len(xs))
for x, t, row in zip(xs, [t for t in tot if t], [r for r, t in zip(ts, tot) if t]):
    segs = cols[x]
    if abs(sum(h for _, _, h, _ in segs) - 200.0 * t / mx) > 0.01:
        bad.append("height at %s" % x)
    if any(n != row[v + "_messages"] for v, _, _, n in segs):
        bad.append("values at %s" % x)
    y = 212.0
    for _, top, h, _ in segs:
        if abs(top + h - y) > 0.01:
            bad.append("stack at %s" % x)
        y = top
legend = [t.text for t in svg.iter(ns + "text") if t.text in vs]
if legend != vs:
    bad.append("legend %s" % legend)
print("ok" if not bad else "; ".join(bad))
EOF
check_eq "html stacked chart" "$(cat "$D/svg.out")" ok
