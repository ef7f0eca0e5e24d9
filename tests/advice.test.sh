#!/bin/sh
# advice.test.sh - the advice table and `heloval export advice` over a small
# Exim log resolved against a zone file: senders grouped by registered
# domain (Public Suffix List: three HELOs under example.ltd.uk, where the
# last two labels would say "ltd.uk"), HELOs, addresses, reasons and the
# records to publish; the three export formats parse; and the records, put
# into a zone in place of the sender's, make every one of its sessions pass
# heloval's own CSA check (CSA ok/authorized; verdict accept under a
# policy that accepts CSA ok, mark under the default; no advice row left).
. tests/lib.sh
D=$T_TMP

cat > "$D/mainlog" <<'EOF'
2026-11-01 05:30:14 1xNO90-000AAA-aa <= a@example.ltd.uk H=(mail.shop.example.ltd.uk) [192.0.2.50] I=[192.0.2.26]:25 P=esmtp S=1000 id=1@x
2026-11-01 05:30:15 1xNO90-000AAA-aa => pm <pm@example.org> R=local_user T=mail_spool
2026-11-01 05:30:15 1xNO90-000AAA-aa Completed
2026-11-01 06:30:14 1xNO90-000AAB-aa <= b@example.ltd.uk H=(relay.example.ltd.uk) [192.0.2.51] I=[192.0.2.26]:25 P=esmtp S=1000 id=2@x
2026-11-01 06:30:15 1xNO90-000AAB-aa => pm <pm@example.org> R=local_user T=mail_spool
2026-11-01 06:30:15 1xNO90-000AAB-aa Completed
2026-11-01 06:40:14 1xNO90-000AAE-aa <= b@example.ltd.uk H=(relay.example.ltd.uk) [192.0.2.51] I=[192.0.2.26]:25 P=esmtp S=1000 id=5@x
2026-11-01 06:40:15 1xNO90-000AAE-aa => pm <pm@example.org> R=local_user T=mail_spool
2026-11-01 06:40:15 1xNO90-000AAE-aa Completed
2026-11-01 07:30:14 1xNO90-000AAC-aa <= c@example.ltd.uk H=(V6.Example.LTD.uk) [2001:db8::5] I=[192.0.2.26]:25 P=esmtp S=1000 id=3@x
2026-11-01 07:30:15 1xNO90-000AAC-aa => pm <pm@example.org> R=local_user T=mail_spool
2026-11-01 07:30:15 1xNO90-000AAC-aa Completed
2026-11-01 08:30:14 1xNO90-000AAD-aa <= d@ok.example H=(mail.ok.example) [192.0.2.60] I=[192.0.2.26]:25 P=esmtp S=1000 id=4@x
2026-11-01 08:30:15 1xNO90-000AAD-aa => pm <pm@example.org> R=local_user T=mail_spool
2026-11-01 08:30:15 1xNO90-000AAD-aa Completed
2026-11-01 09:30:14 1xNO90-000AAF-aa <= e@ec2.example H=(ec2-192-0-2-70.compute-1.amazonaws.com) [192.0.2.70] I=[192.0.2.26]:25 P=esmtp S=1000 id=6@x
2026-11-01 09:30:15 1xNO90-000AAF-aa => pm <pm@example.org> R=local_user T=mail_spool
2026-11-01 09:30:15 1xNO90-000AAF-aa Completed
2026-11-01 10:30:14 1xNO90-000AAG-aa <= f@lit.example H=([192.0.2.80]) [192.0.2.80] I=[192.0.2.26]:25 P=esmtp S=1000 id=7@x
2026-11-01 10:30:15 1xNO90-000AAG-aa => pm <pm@example.org> R=local_user T=mail_spool
2026-11-01 10:30:15 1xNO90-000AAG-aa Completed
EOF

# the senders' zones: not-authorized (weight 1), mismatch (the target's
# address is another), not-authorized over IPv6; ok.example passes
ZONE_OTHERS='$ORIGIN ok.example.
ok.example. 3600 IN SOA ns1.ok.example. hostmaster.ok.example. 1 7200 3600 1209600 300
_client._smtp.mail.ok.example. 3600 IN SRV 1 2 0 mail.ok.example.
mail.ok.example. 3600 IN A 192.0.2.60
$ORIGIN amazonaws.com.
amazonaws.com. 3600 IN SOA ns1.amazonaws.com. hostmaster.amazonaws.com. 1 7200 3600 1209600 300
_client._smtp.ec2-192-0-2-70.compute-1.amazonaws.com. 3600 IN SRV 1 1 0 ec2-192-0-2-70.compute-1.amazonaws.com.
$ORIGIN 2.0.192.in-addr.arpa.
2.0.192.in-addr.arpa. 3600 IN SOA ns1.example.org. hostmaster.example.org. 1 7200 3600 1209600 300
_client._smtp.80.2.0.192.in-addr.arpa. 3600 IN SRV 1 1 0 host80.example.org.'
SOA='$ORIGIN example.ltd.uk.
example.ltd.uk. 3600 IN SOA ns1.example.ltd.uk. hostmaster.example.ltd.uk. 1 7200 3600 1209600 300
example.ltd.uk. 3600 IN NS ns1.example.ltd.uk.'
cat > "$D/before.zone" <<EOF
$SOA
_client._smtp.mail.shop.example.ltd.uk. 3600 IN SRV 1 1 0 mail.shop.example.ltd.uk.
mail.shop.example.ltd.uk. 3600 IN A 192.0.2.50
_client._smtp.relay.example.ltd.uk. 3600 IN SRV 1 2 0 relay.example.ltd.uk.
relay.example.ltd.uk. 3600 IN A 192.0.2.99
_client._smtp.v6.example.ltd.uk. 3600 IN SRV 1 1 0 v6.example.ltd.uk.
$ZONE_OTHERS
EOF

check_cmd run-before hv run --db "$D/a.db" --dns-zone "$D/before.zone" --no-progress -q "$D/mainlog"

# ---- the table: one row per registered domain ----
hv report --db "$D/a.db" --table advice --format json > "$D/a.json"
python3 - "$D/a.json" > "$D/rows" <<'EOF'
import json, sys
for r in json.load(open(sys.argv[1]))["advice"]:
    print("|".join(str(r[k]) for k in ("domain", "helos", "ips", "sessions",
          "messages", "verdict", "reason", "evidence")))
EOF
check_eq rows "$(cat "$D/rows")" "example.ltd.uk|V6.Example.LTD.uk, mail.shop.example.ltd.uk, relay.example.ltd.uk|192.0.2.50, 192.0.2.51, 2001:db8::5|4|4|reject|mismatch,not-authorized|$D/mainlog:1
[192.0.2.80]|[192.0.2.80]|192.0.2.80|1|1|reject|not-authorized|$D/mainlog:19
amazonaws.com|ec2-192-0-2-70.compute-1.amazonaws.com|192.0.2.70|1|1|reject|not-authorized|$D/mainlog:16"
python3 - "$D/a.json" > "$D/records" <<'EOF'
import json, sys
print(json.load(open(sys.argv[1]))["advice"][0]["records"])
EOF
check_eq records "$(cat "$D/records")" "_client._smtp.mail.shop.example.ltd.uk. IN SRV 1 2 0 mail.shop.example.ltd.uk.
mail.shop.example.ltd.uk. IN A 192.0.2.50
_client._smtp.relay.example.ltd.uk. IN SRV 1 2 0 relay.example.ltd.uk.
relay.example.ltd.uk. IN A 192.0.2.51
_client._smtp.v6.example.ltd.uk. IN SRV 1 2 0 v6.example.ltd.uk.
v6.example.ltd.uk. IN AAAA 2001:db8::5"
if grep -q "the SRV target's addresses do not include the client address" "$D/a.json" &&
   grep -q "not authorised to send mail" "$D/a.json"; then ok explanation
else fail explanation "$(head -c 600 "$D/a.json")"; fi
# an address literal: no record offered, the explanation says why
python3 - "$D/a.json" > "$D/lit" <<'EOF'
import json, sys
r = [r for r in json.load(open(sys.argv[1]))["advice"] if r["domain"] == "[192.0.2.80]"][0]
print(repr(r["records"]), "not a host name" in r["explanation"])
EOF
check_eq literal "$(cat "$D/lit")" "'' True"
# the domain column of the other tables is the PSL's too
check_eq top-domain "$(hv report --db "$D/a.db" --table top_domains --format csv | grep -c ',example.ltd.uk,')" 1
# every format carries the table
for f in text csv html; do
    hv report --db "$D/a.db" --format $f > "$D/all.$f"
    if grep -q "example.ltd.uk" "$D/all.$f" && grep -qi "advice" "$D/all.$f"; then ok "format $f"
    else fail "format $f" "no advice table"; fi
done
# the records can be copied as they are: in the text report each on a line
# of its own under the table, in HTML as one block of lines (unescaped, the
# same lines as the JSON cell)
sed -n '/^  Per domain:/,/^$/p' "$D/all.text" |
    awk '/^    [^ ]/ { n++ } n == 1 && sub(/^        /, "")' > "$D/text.records"
check_eq text-records "$(cat "$D/text.records")" "$(cat "$D/records")"
check_eq text-table-says "$(grep -c ' 2 below ' "$D/all.text")" 1
python3 - "$D/all.html" > "$D/html.records" <<'EOF'
import html, re, sys
page = open(sys.argv[1]).read()
sec = page[page.index('<section id="advice">'):]
sec = sec[:sec.index('</section>')]
print(html.unescape(re.findall(r'<pre class="rec">(.*?)</pre>', sec, re.S)[0]))
EOF
check_eq html-records "$(cat "$D/html.records")" "$(cat "$D/records")"

# ---- export advice: three formats, the same rows ----
for f in tsv csv jsonl; do
    check_cmd "export $f" hv export advice --db "$D/a.db" --format $f -o "$D/x.$f"
done
python3 - "$D/x.tsv" "$D/x.csv" "$D/x.jsonl" > "$D/parsed" <<'EOF'
import csv, json, sys
cols = ["domain", "helos", "ips", "sessions", "messages", "verdict", "reason",
        "explanation", "records", "evidence"]
def untsv(s):
    out, i = [], 0
    while i < len(s):
        if s[i] == "\\" and i + 1 < len(s):
            out.append({"t": "\t", "n": "\n", "r": "\r", "\\": "\\"}[s[i + 1]]); i += 2
        else:
            out.append(s[i]); i += 1
    return "".join(out)
lines = open(sys.argv[1], encoding="utf-8").read().split("\n")[:-1]
assert lines[0].split("\t") == cols, lines[0]
tsv = [dict(zip(cols, [untsv(v) for v in l.split("\t")])) for l in lines[1:]]
rows = list(csv.reader(open(sys.argv[2], newline="", encoding="utf-8")))
assert rows[0] == cols, rows[0]
cs = [dict(zip(cols, r)) for r in rows[1:]]
js = [json.loads(l) for l in open(sys.argv[3], encoding="utf-8")]
assert all(list(j.keys()) == cols for j in js)
assert all(isinstance(j["sessions"], int) and isinstance(j["messages"], int) for j in js)
for a, b, c in zip(tsv, cs, js):
    assert a == b == {k: str(v) for k, v in c.items()}, (a, b, c)
print(len(tsv), len(cs), len(js), js[0]["domain"], js[0]["messages"])
EOF
check_eq export-parse "$(cat "$D/parsed")" "3 3 3 example.ltd.uk 4"
# the window and the policy of export advice
check_eq export-window "$(hv export advice --db "$D/a.db" --format tsv --since 2026-11-01T06:00:00Z --until 2026-11-01T07:00:00Z | cut -f1,2,4 | tail -n +2)" "example.ltd.uk	relay.example.ltd.uk	2"
printf 'fail * mark\n' > "$D/mark.policy"
check_eq export-policy "$(hv export advice --db "$D/a.db" --format tsv --policy "$D/mark.policy" | wc -l)" 1
hv export sessions --db "$D/a.db" --since 2026-11-01 > /dev/null 2>&1
check_eq export-window-sessions $? 2

# ---- the records make the senders pass ----
python3 - "$D/x.jsonl" > "$D/records.zone" <<'EOF'
import json, sys
for l in open(sys.argv[1]):
    r = json.loads(l)
    if r["domain"] == "example.ltd.uk":
        print(r["records"])
EOF
{ echo "$SOA"; sed 's/ IN / 3600 IN /' "$D/records.zone"; echo "$ZONE_OTHERS"; } > "$D/after.zone"
# CSA ok: under the default policy the verdict is mark (DNA unknown: no
# accreditor here), under a policy that accepts CSA ok whatever DNA says
# it is accept; either way no advice row is left for example.ltd.uk
check_cmd run-after hv run --db "$D/b.db" --dns-zone "$D/after.zone" --no-progress -q "$D/mainlog"
printf 'ok * accept\n' > "$D/ok.policy"
check_cmd run-after-accept hv run --db "$D/c.db" --dns-zone "$D/after.zone" \
    --policy "$D/ok.policy" --no-progress -q "$D/mainlog"
verdicts() {
    hv export verdicts --db "$1" --format tsv |
        awk -F'\t' 'NR > 1 && tolower($6) ~ /example\.ltd\.uk/ { print $6 "=" $10 "/" $11 "/" $16 }' |
        sort | tr '\n' ' '
}
check_eq verdicts-after "$(verdicts "$D/b.db")" \
    "V6.Example.LTD.uk=ok/authorized/mark mail.shop.example.ltd.uk=ok/authorized/mark relay.example.ltd.uk=ok/authorized/mark relay.example.ltd.uk=ok/authorized/mark "
check_eq verdicts-accept "$(verdicts "$D/c.db")" \
    "V6.Example.LTD.uk=ok/authorized/accept mail.shop.example.ltd.uk=ok/authorized/accept relay.example.ltd.uk=ok/authorized/accept relay.example.ltd.uk=ok/authorized/accept "
check_eq advice-after "$(hv export advice --db "$D/b.db" --format tsv | cut -f1 | tail -n +2 | sort | tr '\n' ' ')" "[192.0.2.80] amazonaws.com "
