#!/bin/sh
# report.test.sh - `heloval report` and `heloval export` over a database full
# of hostile HELOs, through the real binary: a database made by `heloval
# scan`, filled by sqlite3 inserts, then every report format and every
# export format checked for injection (no raw <script, no ESC, formula cells
# guarded, JSON valid) and for loss (every hostile HELO found again after
# unescaping). The HTML report is also loaded in headless Chromium
# (installed when missing and root; skipped otherwise) and its DOM checked.
. tests/lib.sh
D=$T_TMP

# ---- a database with hostile sessions ----
: > "$D/empty.log"
check_cmd "scan creates db" hv scan --db "$D/h.db" --format postfix --year 2026 \
    --no-progress -q "$D/empty.log"

python3 - "$D/h.db" "$D/hostile.list" <<'EOF'
import sqlite3, sys
hostile = [
    b"<script>alert(1)</script>",
    b'"><img src=x onerror=alert(1)>',
    b"\x1b[31mred\x1b[0m",
    b"\x1b]0;pwned\x07title",
    b"c1raw\x9b31m",
    b"c1utf8\xc2\x9b2J",
    b'=HYPERLINK("http://x")',
    b"+1", b"-2", b"@SUM(A1)",
    b'quote"and,comma',
    b"'; DROP TABLE sessions;--",
    b"bad\xff\xfeutf8.example",
    b"A" * 300 + b".example.com",
    b"tab\there\nnew\rline",
    b"back\\slash",
    b"\xe2\x80\xaebidi.example",
    b"</td></tr></table><h1>x</h1>",
    b"&amp;entity&#x3c;",
]
db = sqlite3.connect(sys.argv[1])
db.text_factory = bytes
cur = db.cursor()
cur.execute("INSERT INTO sources(id,path,fingerprint,fp_len,format,lines_read)"
            " VALUES(100,'hostile.log','ff',4096,'postfix',1000)")
cur.execute("INSERT INTO source_skips VALUES(100,'malformed',7)")
ts = 1793491200
for i, h in enumerate(hostile):
    ip = "192.0.2.%d" % (i + 1) if i % 5 else "2001:db8:%x::%d" % (i, i)
    # sqlite3 stores str; bytes go in via CAST of a blob so invalid UTF-8 survives
    cur.execute("INSERT INTO sessions(source_id,line,ts,mta,ip,helo,helo_from,"
                "rdns,disposition,messages) VALUES(100,?,?,'postfix',?,"
                "CAST(? AS TEXT),'log',CAST(? AS TEXT),'accepted',1)",
                (i + 1, ts + 600 * i, ip, h, h))
    cur.execute("INSERT INTO csa VALUES(CAST(? AS TEXT),?,'fail','mismatch',"
                "CAST(? AS TEXT),0,0)", (h, ip, b"_client._smtp." + h))
# one normal accepted + accepted session and one unresolved (provably no
# HELO, helo_from 'none': a NULL helo_from would be unevaluated instead)
cur.execute("INSERT INTO sessions(source_id,line,ts,mta,ip,helo,helo_from,rdns,"
            "disposition,messages) VALUES(100,900,?,'postfix','198.51.100.1',"
            "'mail.example.com','log','','rejected',0)", (ts,))
cur.execute("INSERT INTO csa VALUES('mail.example.com','198.51.100.1','ok',"
            "'authorized','r',0,0)")
cur.execute("INSERT INTO dna_result VALUES('mail.example.com','recommended','A',"
            "'dna.example',0,0)")
cur.execute("INSERT INTO sessions(source_id,line,ts,mta,ip,helo,helo_from,rdns,"
            "disposition,messages) VALUES(100,901,?,'postfix','198.51.100.2',"
            "NULL,'none','','lost',0)", (ts + 86400 * 4,))
# the store's session id: (source_id << 32) | line
cur.execute("UPDATE sessions SET id = (source_id << 32) | line")
db.commit()
with open(sys.argv[2], "wb") as f:
    for h in hostile:
        f.write(h.hex().encode() + b"\n")
EOF
check_eq "hostile rows" "$(q "$D/h.db" 'SELECT count(*) FROM sessions')" 21

# ---- every format ----
for f in text csv json html; do
    check_cmd "report $f" hv report --db "$D/h.db" --format $f --top 50 \
        -o "$D/report.$f"
done
check_cmd "report text to a pipe" sh -c "'$HELOVAL' report --db '$D/h.db' --top 50 > '$D/pipe.txt'"
check_cmd "report text --color" hv report --db "$D/h.db" --top 50 --color -o "$D/color.txt"
# colour on a terminal only, and never with NO_COLOR set (script(1) gives a pty)
if command -v script >/dev/null 2>&1; then
    env -u NO_COLOR script -qec "'$HELOVAL' report --db '$D/h.db'" /dev/null > "$D/tty.txt" 2>&1
    if grep -q "$(printf '\033')\[" "$D/tty.txt"; then ok "tty colour"; else fail "tty colour" "no SGR on a tty"; fi
    NO_COLOR=1 script -qec "'$HELOVAL' report --db '$D/h.db'" /dev/null > "$D/tty-nc.txt" 2>&1
    if grep -q "$(printf '\033')" "$D/tty-nc.txt"; then fail "NO_COLOR" "ESC with NO_COLOR"; else ok "NO_COLOR"; fi
    if grep -q "$(printf '\033')" "$D/pipe.txt"; then fail "pipe colour" "ESC in a pipe"; else ok "pipe colour"; fi
fi
check_cmd "report csv --table" hv report --db "$D/h.db" --format csv --table at_risk \
    --top 50 -o "$D/at_risk.csv"
for w in sessions verdicts; do
    for f in tsv csv jsonl; do
        check_cmd "export $w $f" hv export $w --db "$D/h.db" --format $f \
            -o "$D/$w.$f"
    done
done
check_cmd "json.tool" python3 -m json.tool "$D/report.json"

# refusals
if hv report --db "$D/h.db" --format csv --table nosuch >/dev/null 2>&1; then
    fail "unknown table" "accepted"; else ok "unknown table"; fi
printf 'ok * frobnicate\n' > "$D/bad.policy"
if hv report --db "$D/h.db" --policy "$D/bad.policy" >/dev/null 2>&1; then
    fail "bad policy" "accepted"; else ok "bad policy"; fi
printf 'fail * mark\n' > "$D/mark.policy"
check_cmd "report --policy" hv report --db "$D/h.db" --format json \
    --policy "$D/mark.policy" -o "$D/policy.json"
check_cmd "report --since/--until" hv report --db "$D/h.db" --format json \
    --since 2026-11-01T01:00:00Z --until 2026-11-02 -o "$D/range.json"
# --until not after --since: a usage error (exit 2) naming both times,
# not a silently empty report
hv report --db "$D/h.db" --since 2026-11-02 --until 2026-11-01 > "$D/rev.out" 2> "$D/rev.err"
check_eq "until before since: exit" "$?" 2
grep -q "until 2026-11-01T00:00:00Z is not after --since 2026-11-02T00:00:00Z" "$D/rev.err" &&
    ok "until before since: message" || fail "until before since: message" "$(cat "$D/rev.err")"
check_eq "until before since: no output" "$(wc -c < "$D/rev.out")" 0
hv run --db "$D/rev.db" --since 2026-11-02 --until 2026-11-02 "$D/none" > /dev/null 2>&1
check_eq "until equal to since (run): exit" "$?" 2

# the range line: the real window in every format; an empty window says
# where the data is and which --since/--until covers it
iso() { q "$D/h.db" "select strftime('%Y-%m-%dT%H:%M:%SZ', $1, 'unixepoch') from sessions $2"; }
FIRST=$(iso "min(ts)" "") LAST=$(iso "max(ts)" "")
check_eq "range: all" "$(hv report --db "$D/h.db" | sed -n 's/^  range: //p')" "all sessions: $FIRST .. $LAST"
W0=$(q "$D/h.db" "select strftime('%s','2026-11-01T01:00:00')")
W1=$(q "$D/h.db" "select strftime('%s','2026-11-02')")
check_eq "range: window" "$(hv report --db "$D/h.db" --since 2026-11-01T01:00:00Z --until 2026-11-02 | sed -n 's/^  range: //p')" \
    "from 2026-11-01T01:00:00Z (inclusive) until 2026-11-02T00:00:00Z (exclusive); sessions $(iso "min(ts)" "where ts >= $W0 and ts < $W1") .. $(iso "max(ts)" "where ts >= $W0 and ts < $W1")"
hv report --db "$D/h.db" --since 2031-01-01 > "$D/empty.txt"
DAY0=$(q "$D/h.db" "select date(min(ts), 'unixepoch') from sessions")
DAY1=$(q "$D/h.db" "select date(max(ts), 'unixepoch', '+1 day') from sessions")
check_eq "range: empty window" "$(sed -n 's/^  range: //p' "$D/empty.txt")" \
    "from 2031-01-01T00:00:00Z (inclusive): no session in this window; the database has sessions from $FIRST to $LAST (try --since $DAY0 --until $DAY1)"
hv report --db "$D/h.db" --since "$DAY0" --until "$DAY1" --format json |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["summary"]["sessions"])' > "$D/cover.n"
check_eq "range: the suggested window covers every session" "$(cat "$D/cover.n")" "$(q "$D/h.db" "select count(*) from sessions where ts is not null")"
hv report --db "$D/h.db" --since 2031-01-01 --format json | python3 -c '
import json, sys
w = json.load(sys.stdin)["window"]
print(w["first_session"], w["last_session"], w["database_first_session"], w["database_last_session"])' > "$D/empty.json"
check_eq "range: empty window (json)" "$(cat "$D/empty.json")" "None None $FIRST $LAST"
hv report --db "$D/h.db" --since 2031-01-01 --format html | grep -c "no session in this window; the database has sessions from $FIRST" > "$D/empty.html.n"
check_eq "range: empty window (html)" "$(cat "$D/empty.html.n")" 1

# --table NAME: only that table, in every format, its numbers as in the
# full report; with --fail-if the figures are still computed
hv report --db "$D/h.db" --format json > "$D/full.json"
for f in json text html csv; do
    hv report --db "$D/h.db" --format $f --table impact > "$D/one.$f" ||
        fail "table impact $f" "exit $?"
done
check_eq "table json: keys" "$(python3 -c 'import json, sys; print(" ".join(json.load(open(sys.argv[1]))))' "$D/one.json")" \
    "version filter window impact"
check_eq "table json: same rows" "$(python3 -c '
import json, sys
print(json.load(open(sys.argv[1]))["impact"] == json.load(open(sys.argv[2]))["impact"])' "$D/one.json" "$D/full.json")" True
check_eq "table text: headings" "$(grep -c '^[A-Z]' "$D/one.text") $(grep -c '^Impact: ' "$D/one.text")" "1 1"
check_eq "table html: sections" "$(grep -o 'id="[a-z_]*"' "$D/one.html" | tr '\n' ' ')" 'id="impact" '
check_eq "table csv: header" "$(head -n 1 "$D/one.csv" | tr -d '\r')" "verdict,accepted,rejected,deferred,lost,unknown,sessions"
hv report --db "$D/h.db" --table impact -q --fail-if "at-risk-messages>=0" > /dev/null 2> "$D/ti.err"
check_eq "table with fail-if" "$? $(grep -c "alert: --fail-if: CSV would reject" "$D/ti.err")" "3 1"

# top_networks leaves out networks of one session (they would fill it on a
# real log); the data has some, so the rule is exercised
hv export verdicts --db "$D/h.db" --format tsv > "$D/hv.tsv"
check_eq "top_networks: no one-session row" "$(python3 -c '
import collections, ipaddress, json, sys
rows = json.load(open(sys.argv[1], errors="replace"))["top_networks"]
n = collections.Counter()
for l in open(sys.argv[2], errors="replace").read().splitlines()[1:]:
    f = l.split("\t")
    try:
        ip = ipaddress.ip_address(f[4])
    except ValueError:
        continue
    net = ipaddress.ip_network("%s/%d" % (ip, 24 if ip.version == 4 else 48), strict=False)
    n[(f[15], str(net))] += 1
print(len(rows) > 0, min(r["sessions"] for r in rows) >= 2, sum(1 for v in n.values() if v == 1) > 0)' "$D/full.json" "$D/hv.tsv")" "True True True"

# --fail-if at-risk-messages>N%: exit 3 and an alert (even under -q) when
# the share of accepted messages under a reject verdict passes N; the share
# is computed here from the JSON report's verdicts table
SHARE=$(hv report --db "$D/h.db" --format json | python3 -c '
import json, sys
v = {r["verdict"]: r["messages"] for r in json.load(sys.stdin)["verdicts"]}
t = sum(v.values())
print("%d %d %.4f" % (v["reject"], t, 100.0 * v["reject"] / t if t else 0))')
set -- $SHARE
REJ=$1 ACC=$2 PCT=$3
[ "$REJ" -gt 0 ] && ok "fail-if: data has rejects" || fail "fail-if: data has rejects" "$SHARE"
below=$(awk "BEGIN { printf \"%g\", $PCT - 0.01 }")
above=$(awk "BEGIN { v = $PCT + 0.01; if (v > 100) v = 100; printf \"%g\", v }")
hv report --db "$D/h.db" -q --fail-if "at-risk-messages>$below%" > "$D/fi.out" 2> "$D/fi.err"
check_eq "fail-if passed: exit" "$?" 3
grep -q "alert: --fail-if: CSV would reject .* of the accepted messages ($REJ of $ACC), over $below%" "$D/fi.err" &&
    ok "fail-if passed: alert" || fail "fail-if passed: alert" "$(cat "$D/fi.err")"
[ -s "$D/fi.out" ] && ok "fail-if passed: report still written" ||
    fail "fail-if passed: report still written" "empty"
hv report --db "$D/h.db" -q --fail-if "at-risk-messages>$above%" > /dev/null 2> "$D/fi.err"
check_eq "fail-if not passed: exit, stderr" "$? $(wc -c < "$D/fi.err")" "0 0"
hv report --db "$D/h.db" -q --fail-if "at-risk-messages>=0" > /dev/null 2>&1
check_eq "fail-if >=0: exit" "$?" 3
for bad in "at-risk-messages<5%" "at-risk-messages>101%" "at-risk-messages>x" "messages>5%"; do
    hv report --db "$D/h.db" --fail-if "$bad" > /dev/null 2>&1
    check_eq "fail-if '$bad': usage error" "$?" 2
done

# ---- the checks proper (python: parse every output) ----
python3 - "$D" > "$D/py.out" 2>&1 <<'EOF'
import codecs, csv, io, json, re, sys
from html.parser import HTMLParser
D = sys.argv[1]
hostile = [bytes.fromhex(l) for l in open(D + "/hostile.list").read().split()]
res = []
def check(name, cond):
    res.append(("ok " if cond else "FAIL ") + name)

codecs.register_error("hvlatin1", lambda e: ("".join(chr(b) for b in e.object[e.start:e.end]), e.end))
def jstr(b):   # what fmt_json promises: valid UTF-8 as is, invalid bytes as U+00XX
    return b.decode("utf-8", "hvlatin1")
INVIS = set(range(0x80, 0xa0)) | set(range(0x200b, 0x2010)) | set(range(0x2028, 0x202f)) \
    | set(range(0x2060, 0x206a)) | {0xfeff}
def term(b):   # what fmt_term promises
    out, i = [], 0
    while i < len(b):
        for n in (1, 2, 3, 4):
            try:
                ch = b[i:i + n].decode("utf-8")
                break
            except UnicodeDecodeError:
                ch = None
        if ch is None or (b[i] >= 0x80 and len(ch.encode()) != n):
            out.append("\\x%02x" % b[i]); i += 1; continue
        cp = ord(ch)
        if cp < 0x20 or cp == 0x7f: out.append("\\x%02x" % cp)
        elif ch == "\\": out.append("\\\\")
        elif cp in INVIS: out.append("\\u%04x" % cp)
        else: out.append(ch)
        i += len(ch.encode())
    return "".join(out)
low = lambda b: b.lower()

# text: no ESC, no control byte but LF, no C1; every HELO findable escaped
for name in ("report.text", "pipe.txt"):
    t = open(D + "/" + name, "rb").read()
    check(name + " no ESC", b"\x1b" not in t)
    check(name + " no controls", not re.search(rb"[\x00-\x09\x0b-\x1f\x7f]", t))
    check(name + " no C1", b"\xc2\x9b" not in t and b"\x9b" not in t.replace(b"\\x9b", b""))
    s = t.decode("utf-8")
    for h in hostile:
        check(name + " has " + repr(h[:20]), term(low(h)) in s)
c = open(D + "/color.txt", "rb").read()
check("color only SGR", re.sub(rb"\x1b\[[0-9;]*m", b"", c).find(b"\x1b") < 0 and b"\x1b[" in c)

# csv: parse; formula guard everywhere; HELO recoverable
def csv_rows(path, sections):
    raw = open(path, "rb").read().decode("utf-8", "surrogateescape")
    rows = list(csv.reader(io.StringIO(raw, newline="")))
    return rows
for path in ("report.csv", "at_risk.csv", "sessions.csv", "verdicts.csv"):
    rows = csv_rows(D + "/" + path, path == "report.csv")
    # a negative number (an answer age: dns_age, dns_age_seconds) is no formula
    bad = [c for r in rows for c in r if c[:1] in ("=", "+", "-", "@", "\t", "\r")
           and not re.fullmatch(r"-[0-9]+", c)]
    check(path + " formula guard", not bad)
    check(path + " CRLF", open(D + "/" + path, "rb").read().count(b"\r\n") >= len(rows) - 1)
def unguard(c):
    return c[1:] if c[:2] in ("'=", "'+", "'-", "'@", "'\t", "'\r") else c
rows = csv_rows(D + "/sessions.csv", False)
check("sessions.csv header", rows[0] == "source,line,time,mta,ip,helo,rdns,disposition,messages,time_epoch,session_id".split(","))
helos = [unguard(r[5]).encode("utf-8", "surrogateescape") for r in rows[1:]]
for h in hostile:
    check("sessions.csv has " + repr(h[:20]), h in helos)
rows = csv_rows(D + "/at_risk.csv", False)
doms = [unguard(r[0]).encode("utf-8", "surrogateescape") for r in rows[1:]]
for h in hostile:
    check("at_risk.csv has " + repr(h[:20]), low(h) in doms)

# tsv: unescape; a field that is exactly \N is NULL
def untsv(s):
    if s == b"\\N":
        return None
    return re.sub(rb"\\(.)", lambda m: {b"t": b"\t", b"r": b"\r", b"n": b"\n", b"\\": b"\\"}[m.group(1)], s)
for w, ncol in (("sessions", 11), ("verdicts", 21)):
    lines = open(D + "/%s.tsv" % w, "rb").read().split(b"\n")
    check(w + ".tsv ends with LF", lines[-1] == b"")
    lines = lines[:-1]
    check(w + ".tsv columns", all(len(l.split(b"\t")) == ncol for l in lines))
    got = [untsv(l.split(b"\t")[5]) for l in lines[1:]]
    for h in hostile:
        check(w + ".tsv has " + repr(h[:20]), h in got)
    check(w + ".tsv rdns", all(untsv(l.split(b"\t")[6]) in hostile + [b""] for l in lines[1:]))

# jsonl: every line an object with the right keys, HELO exact
for w in ("sessions", "verdicts"):
    objs = [json.loads(l) for l in open(D + "/%s.jsonl" % w, encoding="utf-8")]
    check(w + ".jsonl rows", len(objs) == 21)
    check(w + ".jsonl numbers", all(isinstance(o["line"], int) and isinstance(o["messages"], int) for o in objs))
    got = [o["helo"] for o in objs]
    for h in hostile:
        check(w + ".jsonl has " + repr(h[:20]), jstr(h) in got)
    check(w + ".jsonl no ESC", b"\x1b" not in open(D + "/%s.jsonl" % w, "rb").read())
v = [json.loads(l) for l in open(D + "/verdicts.jsonl", encoding="utf-8")]
check("verdicts reply", sum(o["smtp_reply"] == "550 5.7.1 Client SMTP authorization failed (mismatch)" for o in v) == 19)
check("verdicts unresolved NULL", [(o["csa_status"], o["verdict"], o["smtp_reply"]) for o in v if o["line"] == 901] == [(None, None, "")])

# json report: keys, values, hostile strings exact
r = json.load(open(D + "/report.json", encoding="utf-8"))
for k in ("version", "filter", "summary", "sources", "skips", "verdicts", "impact", "at_risk",
          "mta_rejected_csv_accepted", "csa", "dna", "helo_quality", "publishing",
          "top_domains", "top_networks", "timeseries"):
    check("json key " + k, k in r)
check("json sessions", r["summary"]["sessions"] == 21)
check("json skipped", r["summary"]["lines_skipped"] == 7)
vd = {x["verdict"]: x for x in r["verdicts"]}
check("json verdicts", vd["reject"]["sessions"] == 19 and vd["accept"]["sessions"] == 1 and vd["unresolved"]["sessions"] == 1)
imp = {x["verdict"]: x for x in r["impact"]}
check("json impact", imp["reject"]["accepted"] == 19 and imp["accept"]["rejected"] == 1 and imp["unresolved"]["lost"] == 1)
doms = [x["domain"] for x in r["at_risk"]]
for h in hostile:
    check("json at_risk has " + repr(h[:20]), jstr(low(h)) in doms)
check("json rescued", [x["domain"] for x in r["mta_rejected_csv_accepted"]] == ["example.com"])
check("json example", all(x["example"].startswith("hostile.log:") for x in r["at_risk"]))
check("json day step", r["filter"]["time_step"] == "day" and len(r["timeseries"]) == 5)
p = json.load(open(D + "/policy.json", encoding="utf-8"))
check("policy file applied", {x["verdict"]: x["sessions"] for x in p["verdicts"]}["mark"] == 19)
check("policy file named", p["filter"]["policy"].endswith("mark.policy"))
g = json.load(open(D + "/range.json", encoding="utf-8"))
check("range filter", g["summary"]["sessions"] == 13 and g["filter"]["since"] == "2026-11-01T01:00:00Z")

# html: parse; no script, no event handler, no injected element; text intact
class P(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags, self.attrs, self.text = [], [], []
    def handle_starttag(self, tag, attrs):
        self.tags.append(tag); self.attrs += attrs
    def handle_data(self, d):
        self.text.append(d)
raw = open(D + "/report.html", "rb").read()
check("html no raw <script", b"<script" not in raw.lower())
check("html no ESC", b"\x1b" not in raw)
check("html utf-8", raw.decode("utf-8") is not None)
p = P(); p.feed(raw.decode("utf-8"))
check("html no script tag", "script" not in p.tags)
check("html no img/h1 injected", "img" not in p.tags and p.tags.count("h1") == 1)
check("html no on* attribute", not [a for a, _ in p.attrs if a.lower().startswith("on")])
check("html csp", "Content-Security-Policy" in raw.decode() and "default-src 'none'" in raw.decode())
check("html no external", not re.search(rb"(src|href)=\"(https?:)?//", raw))
check("html svg charts", p.tags.count("svg") >= 3 and p.tags.count("rect") >= 10)
text = "".join(p.text)
for h in hostile:
    check("html has " + repr(h[:20]), term(low(h)) in text)
for l in res:
    print(l)
EOF
if [ ! -s "$D/py.out" ]; then fail "python checks" "no output"; fi
while read -r status name; do
    case $status in
        ok) ok "$name" ;;
        FAIL) fail "$name" "check failed" ;;
        *) fail "python" "$status $name" ;;
    esac
done < "$D/py.out"

# ---- headless Chromium: the HTML renders, has its charts and rows ----
CHROME=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$CHROME" ] && [ "$(id -u)" = 0 ]; then
    sh tests/ensure-debs.sh chromium >/dev/null 2>&1
    CHROME=$(command -v chromium || true)
fi
if [ -z "$CHROME" ]; then
    echo "SKIP chromium: not installed (apt-get install chromium)"
else
    timeout 120 "$CHROME" --headless --no-sandbox --disable-gpu \
        --disable-background-networking --disable-component-update \
        --disable-sync --no-first-run --user-data-dir="$D/chrome" \
        --dump-dom "file://$D/report.html" > "$D/dom.html" 2>"$D/chrome.err"
    check_eq "chromium exit" $? 0
    python3 - "$D/dom.html" > "$D/dom.out" <<'EOF'
import sys
from html.parser import HTMLParser
class P(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.ids, self.rows, self.cur = [], set(), {}, None
    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        a = dict(attrs)
        if "id" in a:
            self.ids.add(a["id"])
        if tag == "table":
            self.cur = a.get("id")
        if tag == "tr" and self.cur:
            self.rows[self.cur] = self.rows.get(self.cur, 0) + 1
dom = open(sys.argv[1], encoding="utf-8").read()
p = P(); p.feed(dom)
def check(n, c): print(("ok " if c else "FAIL ") + n)
check("dom svg", p.tags.count("svg") >= 3)
check("dom rect", p.tags.count("rect") >= 10)
check("dom charts", {"chart-verdicts", "chart-impact", "chart-timeseries"} <= p.ids)
check("dom no script", "script" not in p.tags and "img" not in p.tags)
check("dom verdict rows", p.rows.get("table-verdicts") == 7)
check("dom at_risk rows", p.rows.get("table-at_risk") == 20)
check("dom impact rows", p.rows.get("table-impact") == 7)
check("dom title", "<title>heloval report</title>" in dom)
EOF
    while read -r status name; do
        if [ "$status" = ok ]; then ok "$name"; else fail "$name" "dom check"; fi
    done < "$D/dom.out"
fi
