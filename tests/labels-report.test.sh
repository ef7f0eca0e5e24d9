#!/bin/sh
# labels-report.test.sh - spam/ham in the report (README "Reports and
# exports", spam and ham): tests/labels scanned and resolved offline against
# a zone and a policy that give its labelled sessions every verdict but
# unresolved (accept, mark, reject, tempfail; unevaluated from Sendmail);
# the tables verdict_by_label and spam_ham in csv and json against counts
# made independently from the sessions table joined (source, line) to
# `export verdicts`; --table in every format; a window with no session.
. tests/lib.sh
D=$T_TMP
F=tests/labels

# CSA: ok for ham, inbox, junk; fail for spam, bl, ham.exim; no record for
# the rest. DNA grade E (not recommended) for junk.
cat > "$D/z.zone" <<'ZONE'
$ORIGIN example.
$TTL 3600
example.	3600	IN	SOA	ns1.example. hostmaster.example. 2026103001 7200 3600 1209600 300
example.	3600	IN	NS	ns1.example.
ns1.example.	3600	IN	A	192.0.2.2
ham.example.	3600	IN	A	192.0.2.55
_client._smtp.ham.example.	3600	IN	SRV	1 2 0 ham.example.
inbox.example.	3600	IN	A	192.0.2.92
_client._smtp.inbox.example.	3600	IN	SRV	1 2 0 inbox.example.
junk.example.	3600	IN	A	192.0.2.91
_client._smtp.junk.example.	3600	IN	SRV	1 2 0 junk.example.
spam.example.	3600	IN	A	192.0.2.56
_client._smtp.spam.example.	3600	IN	SRV	1 1 0 spam.example.
bl.example.	3600	IN	A	192.0.2.51
_client._smtp.bl.example.	3600	IN	SRV	1 1 0 bl.example.
ham.exim.example.	3600	IN	A	192.0.2.63
_client._smtp.ham.exim.example.	3600	IN	SRV	1 1 0 ham.exim.example.

$ORIGIN dna.example.
$TTL 3600
dna.example.	3600	IN	SOA	ns1.dna.example. hostmaster.dna.example. 2026103001 7200 3600 1209600 300
dna.example.	3600	IN	NS	ns1.dna.example.
ns1.dna.example.	3600	IN	A	203.0.113.3
junk.example.dna.example.	3600	IN	TXT	"MARID,1,E"
ZONE
cat > "$D/p.policy" <<'POL'
ok * accept
ok not-recommended mark
fail * reject
unknown * tempfail
POL

check_cmd scan hv scan --db "$D/t.db" --year 2026 --no-progress "$F"
check_cmd resolve hv resolve --db "$D/t.db" -q --dns-zone "$D/z.zone" \
    --accreditor dna.example --policy "$D/p.policy"
hv export verdicts --db "$D/t.db" --format csv -o "$D/v.csv"
check_eq export-exit $? 0

# the expected tables, from the sessions table and the export only
python3 - "$D/t.db" "$D/v.csv" > "$D/want" <<'PY' || fail expected "python"
import csv, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
label = {}
for path, line, lab in db.execute("select src.path, s.line, s.label from sessions s"
                                  " join sources src on src.id = s.source_id"):
    label[(path, line)] = lab if lab in ("spam", "ham") else "unknown"
order = ["accept", "mark", "reject", "tempfail", "unresolved", "unevaluated"]
labs = ["spam", "ham", "unknown"]
n = {(v, l): 0 for v in order for l in labs}
m = dict(n)
rows = list(csv.DictReader(open(sys.argv[2], newline="")))
assert len(rows) == len(label), (len(rows), len(label))
for r in rows:
    l = label[(r["source"], int(r["line"]))]
    n[(r["verdict"], l)] += 1
    m[(r["verdict"], l)] += int(r["messages"])
print("verdict,spam_sessions,ham_sessions,unknown_sessions,spam_messages,ham_messages,unknown_messages")
for v in order:
    print(",".join([v] + [str(n[(v, l)]) for l in labs] + [str(m[(v, l)]) for l in labs]))
def tot(c, l, stop=False):
    return sum(c[(v, l)] for v in order if not stop or v in ("reject", "tempfail"))
def pct(a, b):
    return "%.1f" % (round(1000.0 * a / max(b, 1)) / 10)
print("item,value")
for unit, c, sfx in (("sessions", n, ""), ("messages", m, "_messages")):
    for l, word in (("spam", "stopped"), ("ham", "hurt")):
        print("%s_%s,%d" % (l, unit, tot(c, l)))
        print("%s_%s_%s,%d" % (l, word, unit, tot(c, l, True)))
        print("%s_%s%s_pct,%s" % (l, word, sfx, pct(tot(c, l, True), tot(c, l))))
print("unknown_sessions,%d" % tot(n, "unknown"))
print("unknown_messages,%d" % tot(m, "unknown"))
PY

# the data gives every verdict a labelled session but unresolved (else the
# comparison below would prove little)
check_eq verdicts-covered "$(awk -F, 'NR>1 && NR<8 && ($2+$3) > 0 {print $1}' "$D/want" | tr '\n' ' ')" \
    "accept mark reject tempfail unevaluated "
check_eq known-cells "$(sed -n 2,7p "$D/want" | tr '\n' ' ')" \
    "accept,0,3,0,0,3,0 mark,1,0,0,1,0,0 reject,3,2,0,2,2,0 tempfail,6,0,5,1,0,2 unresolved,0,0,0,0,0,0 unevaluated,1,0,1,0,0,0 "

check_cmd csv-by-label hv report --db "$D/t.db" --format csv --table verdict_by_label -o "$D/l.csv"
check_cmd csv-kv hv report --db "$D/t.db" --format csv --table spam_ham -o "$D/k.csv"
# (the csv report ends its lines with CRLF, RFC 4180)
check_eq csv-crlf "$(grep -c "$(printf '\r')\$" "$D/l.csv")" 7
check_eq csv "$(cat "$D/l.csv" "$D/k.csv" | tr -d '\r')" "$(cat "$D/want")"

# json: the whole report, both tables
check_cmd json hv report --db "$D/t.db" --format json -o "$D/r.json"
python3 - "$D/r.json" > "$D/got.json" <<'PY' || fail json-parse "python"
import json, sys
r = json.load(open(sys.argv[1]))
t = r["verdict_by_label"]
cols = ["verdict", "spam_sessions", "ham_sessions", "unknown_sessions",
        "spam_messages", "ham_messages", "unknown_messages"]
print(",".join(cols))
for row in t:
    print(",".join(str(row[c]) for c in cols))
print("item,value")
for k, v in r["spam_ham"].items():
    print("%s,%s" % (k, "%.1f" % v if isinstance(v, float) else v))
PY
check_eq json "$(cat "$D/got.json")" "$(cat "$D/want")"

# the shares in the text report, titled with what they mean
check_cmd text hv report --db "$D/t.db" --format text --table spam_ham
grep -q "share of spam CSV would have stopped, of ham it would have hurt (verdict reject or tempfail)" "$T_TMP/out" &&
    ok text-title || fail text-title "$(cat "$T_TMP/out")"
check_eq text-spam-pct "$(awk '$1 == "spam_stopped_pct" {print $2}' "$T_TMP/out")" \
    "$(awk -F, '$1 == "spam_stopped_pct" {print $2 "%"}' "$D/want")"
check_eq text-ham-hurt "$(awk '$1 == "ham_hurt_sessions" {print $2}' "$T_TMP/out")" 2

# --table works in every format
for f in text csv json html; do
    for t in verdict_by_label spam_ham; do
        hv report --db "$D/t.db" --format $f --table $t -o "$D/one.$f" 2>"$T_TMP/err"
        check_eq "table-$t-$f-exit" $? 0
        grep -q "ham_sessions" "$D/one.$f" && ok "table-$t-$f" ||
            fail "table-$t-$f" "$(head -c 300 "$D/one.$f")"
    done
done
grep -q "<table" "$D/one.html" && ok html-table || fail html-table "no <table>"

# a window with no session: every count 0, the shares 0.0
check_cmd empty hv report --db "$D/t.db" --format csv --table spam_ham --since 2030-01-01
check_eq empty-kv "$(tr -d '\r' < "$T_TMP/out" | grep -c ',0$\|,0\.0$')" 14
