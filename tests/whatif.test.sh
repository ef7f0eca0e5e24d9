#!/bin/sh
# whatif.test.sh - `heloval report --compare-policy FILE` (policy what-if,
# reports/whatif.h) through the real binary over a small Exim log resolved
# offline from a tiny zone: the tables policy_delta and policy_delta_senders
# in every format, checked against independent counts (the verdicts and
# impact tables of `report --policy FILE`, and `export verdicts`), two
# compare files at once, --since/--until, `run`, the error cases, and that
# the database file is not changed by a byte.
. tests/lib.sh
D=$T_TMP

# ---- the log: 7 sessions, CSA ok, fail (two reasons) and unknown ----
cat > "$D/mainlog" <<'EOF'
2026-11-01 08:00:01 1xAAAA-000AAA-a1 <= a@example.com H=(mail.example.com) [192.0.2.10] I=[192.0.2.26]:25 P=esmtp S=1000 id=1@example.com
2026-11-01 08:10:01 1xAAAB-000AAA-a2 <= a@example.com H=(mail.example.com) [192.0.2.10] I=[192.0.2.26]:25 P=esmtp S=1000 id=2@example.com
2026-11-01 09:00:01 1xAAAC-000AAA-a3 <= b@example.com H=(mail.example.com) [192.0.2.99] I=[192.0.2.26]:25 P=esmtp S=1000 id=3@example.com
2026-11-01 10:00:01 1xAAAD-000AAA-a4 <= c@example.com H=(nosrv.example.com) [192.0.2.50] I=[192.0.2.26]:25 P=esmtp S=1000 id=4@example.com
2026-11-02 10:05:01 1xAAAE-000AAA-a5 <= c@example.com H=(nosrv.example.com) [192.0.2.50] I=[192.0.2.26]:25 P=esmtp S=1000 id=5@example.com
2026-11-02 10:10:01 1xAAAF-000AAA-a6 <= c@example.com H=(nosrv.example.com) [192.0.2.50] I=[192.0.2.26]:25 P=esmtp S=1000 id=6@example.com
2026-11-02 11:00:01 H=(nosrv.example.com) [192.0.2.51] F=<d@example.com> rejected RCPT <bob@example.org>: JunkMail rejected - 192.0.2.51 is listed at zen.spamhaus.org
2026-11-02 12:00:01 H=(bad.example.com) [192.0.2.60] F=<e@example.com> rejected RCPT <bob@example.org>: JunkMail rejected - 192.0.2.60 is listed at zen.spamhaus.org
EOF
cat > "$D/tiny.zone" <<'EOF'
$ORIGIN example.com.
$TTL 3600
@ IN SOA ns.example.com. hostmaster.example.com. 1 3600 600 86400 60
@ IN NS ns.example.com.
ns IN A 192.0.2.53
mail IN A 192.0.2.10
_client._smtp.mail IN SRV 1 2 0 mail.example.com.
bad IN A 192.0.2.60
_client._smtp.bad IN SRV 1 1 0 bad.example.com.
EOF
# stricter: unknown CSA rejected; laxer: CSA fail and ok accepted
printf '# strict\nunknown * reject\n' > "$D/strict.policy"
printf '# lax\nfail * accept\nok * accept\n' > "$D/lax.policy"
printf 'ok unknown mark\n' > "$D/same.policy" # the default table's own cell

DB=$D/t.db
check_cmd "run" hv run --db "$DB" --year 2026 --dns-zone "$D/tiny.zone" \
    --accreditor dna.example --no-progress -q "$D/mainlog"
check_eq "sessions" "$(q "$DB" 'SELECT count(*) FROM sessions')" 7

sum0=$(sha256sum "$DB" | cut -d' ' -f1)
hv export --db "$DB" verdicts --format tsv > "$D/verdicts.before"

# ---- the reports the delta is checked against ----
for p in strict lax; do
    check_cmd "report --policy $p" hv report --db "$DB" --format json \
        --policy "$D/$p.policy" -o "$D/$p.json"
done
check_cmd "report database" hv report --db "$DB" --format json -o "$D/base.json"
cd "$D" || exit 1
check_cmd "report compare json" hv report --db t.db --format json --top 50 \
    --compare-policy strict.policy --compare-policy lax.policy -o cmp.json
for f in csv text html; do
    check_cmd "report compare $f" hv report --db t.db --format $f --top 50 \
        --compare-policy strict.policy --compare-policy lax.policy -o cmp.$f
done
for t in policy_delta policy_delta_senders; do
    check_cmd "csv --table $t" hv report --db t.db --format csv --table $t \
        --top 50 --compare-policy strict.policy --compare-policy lax.policy -o $t.csv
done
cd "$TOP" || exit 1

# the delta must turn the database's verdict counts into each policy's, for
# sessions and messages, and its accepted_sessions the impact table's
# "accepted" column; the senders (all of them: --top 50) add up to the
# delta and each one's old verdict is the exported one
python3 - "$D" > "$D/check.out" 2>&1 <<'EOF'
import csv, json, sys
d = sys.argv[1]
cmp = json.load(open(d + "/cmp.json"))
base = json.load(open(d + "/base.json"))
err = []
def by(tbl, key, col):
    return {r[key]: r[col] for r in tbl}
delta = cmp["policy_delta"]
senders = cmp["policy_delta_senders"]
if not delta:
    err.append("no delta rows")
for p in ("strict", "lax"):
    want = json.load(open("%s/%s.json" % (d, p)))
    name = p + ".policy"
    rows = [r for r in delta if r["policy"] == name]
    if not rows:
        err.append("%s: no rows" % name)
    for r in rows:
        if r["old_verdict"] == r["new_verdict"]:
            err.append("%s: a row without change %r" % (name, r))
    for col, tbl, key, vcol in (("sessions", "verdicts", "verdict", "sessions"),
                                ("messages", "verdicts", "verdict", "messages"),
                                ("accepted_sessions", "impact", "verdict", "accepted")):
        old = by(base[tbl], key, vcol)
        new = by(want[tbl], key, vcol)
        for v in old:
            got = old[v] - sum(r[col] for r in rows if r["old_verdict"] == v) \
                + sum(r[col] for r in rows if r["new_verdict"] == v)
            if got != new[v]:
                err.append("%s %s %s: delta gives %d, --policy gives %d"
                           % (name, col, v, got, new[v]))
    srows = [s for s in senders if s["policy"] == name]
    for col in ("sessions", "messages"):
        a = sum(r[col] for r in rows)
        b = sum(s[col] for s in srows)
        if a != b:
            err.append("%s senders %s %d != delta %d" % (name, col, b, a))
    for s in srows:
        if s["domain"] != "example.com":
            err.append("domain %r" % s)
    ranks = [(-s["messages"], -s["sessions"]) for s in srows]
    if ranks != sorted(ranks):
        err.append("%s senders not by messages, sessions" % name)
# old verdicts = the exported verdicts of the pair
ex = list(csv.DictReader(open(d + "/verdicts.before"), delimiter="\t"))
for s in senders:
    vs = {e["verdict"] for e in ex if e["helo"] == s["helo"] and e["ip"] == s["ip"]}
    if vs != {s["old_verdict"]}:
        err.append("sender %r: exported %r" % (s, vs))
# the verdict order: old, then new, in the report's order
order = ["accept", "mark", "reject", "tempfail", "unresolved", "unevaluated"]
keys = [(["strict.policy", "lax.policy"].index(r["policy"]),
         order.index(r["old_verdict"]), order.index(r["new_verdict"])) for r in delta]
if keys != sorted(keys):
    err.append("delta order %r" % keys)
# csv (whole report and --table) says the same as json
for t in ("policy_delta", "policy_delta_senders"):
    rows = list(csv.DictReader(open("%s/%s.csv" % (d, t), newline="")))
    conv = [{k: (int(v) if v.isdigit() else v) for k, v in r.items()} for r in rows]
    if conv != cmp[t]:
        err.append("%s csv %r != json %r" % (t, conv, cmp[t]))
whole = open(d + "/cmp.csv", newline="").read()
if "# policy_delta\r\npolicy,old_verdict,new_verdict,sessions,messages,accepted_sessions\r\n" not in whole:
    err.append("csv report without policy_delta")
print("ok" if not err else "\n".join(err))
EOF
check_eq "delta consistent" "$(cat "$D/check.out")" ok

# the expected values themselves (known from the log): strict moves the 3
# nosrv sessions (3 messages, 2 accepted; lines 5 and 6 are one session)
# from mark to reject; lax moves
# the 2 fail sessions to accept and the 2 ok sessions from mark to accept
check_eq "delta rows" "$(tr -d '\r' < "$D/policy_delta.csv")" \
"policy,old_verdict,new_verdict,sessions,messages,accepted_sessions
strict.policy,mark,reject,3,3,2
lax.policy,mark,accept,2,2,2
lax.policy,reject,accept,2,1,1"
check_eq "senders rows" "$(tr -d '\r' < "$D/policy_delta_senders.csv")" \
"policy,domain,helo,ip,sessions,messages,old_verdict,new_verdict
strict.policy,example.com,nosrv.example.com,192.0.2.50,2,3,mark,reject
strict.policy,example.com,nosrv.example.com,192.0.2.51,1,0,mark,reject
lax.policy,example.com,mail.example.com,192.0.2.10,2,2,mark,accept
lax.policy,example.com,mail.example.com,192.0.2.99,1,1,reject,accept
lax.policy,example.com,bad.example.com,192.0.2.60,1,0,reject,accept"

# --top cuts the senders per policy
hv report --db "$DB" --format csv --table policy_delta_senders --top 1 \
    --compare-policy "$D/strict.policy" --compare-policy "$D/lax.policy" \
    -o "$D/top1.csv"
check_eq "top 1 per policy" "$(tr -d '\r' < "$D/top1.csv" | cut -d, -f3,4 | tail -n +2 | tr '\n' ' ')" \
    "nosrv.example.com,192.0.2.50 mail.example.com,192.0.2.10 "

# text and html show both tables
check_eq "text tables" "$(grep -c '^Policy what-if' "$D/cmp.text")" 2
check_eq "text row" "$(grep -c 'strict.policy *mark *reject *3 *3 *2' "$D/cmp.text")" 1
check_eq "html tables" "$(grep -c 'id="table-policy_delta' "$D/cmp.html")" 2

# ---- no change: the same table as the database's ----
hv report --db "$DB" --table policy_delta --compare-policy "$D/same.policy" > "$D/same.txt"
check_eq "no change text" "$(grep -c '(no change)' "$D/same.txt")" 1
hv report --db "$DB" --format json --compare-policy "$D/same.policy" -o "$D/same.json"
check_eq "no change json" "$(python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); print(j["policy_delta"], j["policy_delta_senders"])' "$D/same.json")" "[] []"
hv report --db "$DB" --format html --compare-policy "$D/same.policy" -o "$D/same.html"
check_eq "no change html" "$(grep -c '>no change</td>' "$D/same.html")" 2
# the report's own --policy compared with itself changes nothing
hv report --db "$DB" --format csv --table policy_delta --policy "$D/strict.policy" \
    --compare-policy "$D/strict.policy" -o "$D/self.csv"
check_eq "policy vs itself" "$(tr -d '\r' < "$D/self.csv" | wc -l)" 1
# against --policy strict, the database's default table moves back
printf '' > "$D/default.policy"
hv report --db "$DB" --format csv --table policy_delta --policy "$D/strict.policy" \
    --compare-policy "$D/default.policy" -o "$D/back.csv"
check_eq "strict back to default" "$(tr -d '\r' < "$D/back.csv" | tail -n +2 | cut -d, -f2-)" \
    "reject,mark,3,3,2"
# without --compare-policy the tables are not in the report
hv report --db "$DB" --format json -o "$D/plain.json"
check_eq "absent without option" "$(grep -c policy_delta "$D/plain.json")" 0

# --anonymize masks the senders' addresses, counts unchanged
hv report --db "$DB" --format csv --table policy_delta_senders --anonymize \
    --compare-policy "$D/strict.policy" -o "$D/anon.csv"
check_eq "anonymized senders" "$(tr -d '\r' < "$D/anon.csv" | tail -n +2 | cut -d, -f4-6 | tr '\n' ' ')" \
    "192.0.2.0/24,2,3 192.0.2.0/24,1,0 "

# ---- a window: only the sessions of 2026-11-02 ----
hv report --db "$DB" --format csv --table policy_delta --since 2026-11-02 \
    --until 2026-11-03 --compare-policy "$D/strict.policy" \
    --compare-policy "$D/lax.policy" -o "$D/win.csv"
check_eq "window" "$(tr -d '\r' < "$D/win.csv" | tail -n +2 | cut -d, -f2- | tr '\n' ' ')" \
    "mark,reject,2,2,1 reject,accept,1,0,0 "

# ---- run takes the option too ----
cp "$DB" "$D/run.db"
hv run --db "$D/run.db" --year 2026 --dns-zone "$D/tiny.zone" --accreditor dna.example \
    --no-progress -q --compare-policy "$D/strict.policy" -o "$D/run.json" "$D/mainlog" > /dev/null
check_eq "run json" "$(python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); print(len(j["policy_delta"]), j["policy_delta"][0]["sessions"])' "$D/run.json")" "1 3"

# ---- errors: as --policy's (exit 1), naming the file and the line ----
printf 'ok unknown mark\nfail * maybe\n' > "$D/bad.policy"
hv report --db "$DB" --compare-policy "$D/bad.policy" > /dev/null 2> "$D/err1"
check_eq "bad file exit" $? 1
check_eq "bad file message" "$(grep -c "bad.policy:2: unknown action \"maybe\"" "$D/err1")" 1
hv report --db "$DB" --policy "$D/bad.policy" > /dev/null 2>&1
check_eq "--policy bad exit" $? 1
hv report --db "$DB" --compare-policy "$D/no-such.policy" > /dev/null 2> "$D/err2"
check_eq "missing file exit" $? 1
check_eq "missing file message" "$(grep -c 'no-such.policy: No such file' "$D/err2")" 1
hv report --db "$DB" --table policy_delta > /dev/null 2> "$D/err3"
check_eq "table without option" $? 2
check_eq "table without option message" "$(grep -c 'needs --compare-policy' "$D/err3")" 1
set --
for i in 1 2 3 4 5 6 7 8 9; do set -- "$@" --compare-policy "$D/lax.policy"; done
hv report --db "$DB" "$@" > /dev/null 2> "$D/err4"
check_eq "nine files" $? 2
check_eq "nine files message" "$(grep -c 'at most 8 --compare-policy' "$D/err4")" 1
shift 2
check_cmd "eight files" hv report --db "$DB" --table policy_delta "$@"
check_eq "eight files rows" "$(grep -c 'lax.policy' "$T_TMP/out")" 16
check_eq "export not for compare" "$(hv export --db "$DB" verdicts --compare-policy "$D/lax.policy" > /dev/null 2>&1; echo $?)" 2

# ---- the database is never written ----
check_eq "db bytes unchanged" "$(sha256sum "$DB" | cut -d' ' -f1)" "$sum0"
hv export --db "$DB" verdicts --format tsv > "$D/verdicts.after"
check_cmd "stored verdicts unchanged" cmp "$D/verdicts.before" "$D/verdicts.after"
