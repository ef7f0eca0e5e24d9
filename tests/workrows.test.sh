#!/bin/sh
# workrows.test.sh - the report's work table holds only the pairs its SQL
# tables read (reports/workrows.h); every report is the same bytes as with
# every pair kept (HV_REPORT_ALL_PAIRS=1). Two nights (a `heloval run`,
# then a scan and a resolve) over an Exim log, zone files and a DNA
# accreditor, made so that each condition is the only one that keeps some
# pair:
#  - mail.a.example fails CSA, accepted: at risk (reject);
#  - relay.r.example has no record (unknown: accept), one session rejected
#    by the MTA: rescued;
#  - mail.e.example passes from 192.0.2.50 and fails (mismatch) from .51:
#    the ok pair is only read by the advice (the addresses to cover);
#  - mail.b.example fails on night 1 (the run records b.example at risk) and
#    is silent on night 2, when out.b.example (no record: accept) sends:
#    sender_cohorts says fixed only through out.b.example;
#  - mail.c.example passes on night 1 and has no record on night 2: a CSA
#    change of an accepted pair, read only by dns_drift;
#  - mail.f.example has no CSA record, DNA grade A then E: a DNA change;
#  - mail.x.example has no record, accepted: no table reads its pair, which
#    is left out (HV_REPORT_TIMING says how many pairs are written).
# Checked on night 2: the full report, a window and every format against
# HV_REPORT_ALL_PAIRS=1; the rows each condition is there for (in the
# window of night 2, where mail.b.example has no session); the
# publishing coverage's domains against Python's count from the export.
. tests/lib.sh
D=$T_TMP
epoch() { python3 -c 'import calendar,sys,time; print(calendar.timegm(time.strptime(sys.argv[1], "%Y-%m-%dT%H:%M:%SZ")))' "$1"; }

# acc DAY HELO IP N - N accepted Exim messages of HELO from IP on Nov DAY
acc() {
    for k in $(seq "$4"); do
        id=$(printf '1xNO9%d-%02d%03d%d-bF' "$k" "$1" "${3##*.}" "$k")
        echo "2026-11-0$1 10:0$k:0$k $id <= u@x.example H=$2 [$3] I=[192.0.2.26]:25 P=esmtp S=1000 id=$id@x.example"
    done
}
# rej DAY HELO IP - a session of HELO from IP rejected by the MTA
rej() {
    echo "2026-11-0$1 11:00:01 H=($2) [$3] F=<d@x.example> rejected RCPT <bob@example.org>: JunkMail rejected"
}
# zone NIGHT - a and b fail (not authorized), e passes from 192.0.2.50; c
# passes on night 1 and has no record on night 2; f has DNA grade A then E
zone() {
    cat <<Z
\$ORIGIN example.
\$TTL 3600
example. 3600 IN SOA ns.example. h.example. 1 7200 3600 1209600 300
example. 3600 IN NS ns.example.
mail.a.example. 3600 IN A 192.0.2.10
_client._smtp.mail.a.example. 3600 IN SRV 1 1 0 mail.a.example.
mail.e.example. 3600 IN A 192.0.2.50
_client._smtp.mail.e.example. 3600 IN SRV 1 2 0 mail.e.example.
mail.b.example. 3600 IN A 192.0.2.20
_client._smtp.mail.b.example. 3600 IN SRV 1 1 0 mail.b.example.
mail.c.example. 3600 IN A 192.0.2.30
Z
    [ "$1" = 1 ] && echo "_client._smtp.mail.c.example. 3600 IN SRV 1 2 0 mail.c.example."
    cat <<Z
\$ORIGIN dna.example.
dna.example. 3600 IN SOA ns.example. h.example. 1 7200 3600 1209600 300
dna.example. 3600 IN NS ns.example.
Z
    [ "$1" = 1 ] && echo 'mail.f.example.dna.example. 3600 IN TXT "MARID,1,A"'
    [ "$1" = 2 ] && echo 'mail.f.example.dna.example. 3600 IN TXT "MARID,1,E"'
    true
}
cat > "$D/p.policy" <<'POL'
ok * accept
fail * reject
unknown * accept
POL
mkdir "$D/logs"
DB="$D/t.db"
# night N: today's log beside yesterday's, at 01:00 the next day: night 1
# a run (recorded), night 2 a scan and a resolve (no run recorded, so
# only night 1's at-risk domains are in rv_run_senders)
night() {
    zone "$1" > "$D/n$1.zone"
    now=$(epoch "2026-11-0$(($1 + 1))T01:00:00Z")
    if [ "$1" = 1 ]; then
        HELOVAL_NOW=$now hv run --db "$DB" --no-progress -q --max-age 3600 \
            --dns-zone "$D/n$1.zone" --accreditor dna.example \
            --policy "$D/p.policy" --format csv --table sender_cohorts \
            "$D/logs" > /dev/null
    else
        hv scan --db "$DB" --no-progress -q "$D/logs"
        HELOVAL_NOW=$now hv resolve --db "$DB" -q --max-age 3600 \
            --dns-zone "$D/n$1.zone" --accreditor dna.example \
            --policy "$D/p.policy"
    fi
}
{
    acc 1 mail.a.example 192.0.2.10 2
    acc 1 mail.b.example 192.0.2.20 2
    acc 1 mail.c.example 192.0.2.30 2
    acc 1 mail.f.example 192.0.2.60 2
} > "$D/logs/mainlog.1"
night 1
{
    acc 2 mail.a.example 192.0.2.10 2
    acc 2 relay.r.example 192.0.2.40 1
    rej 2 relay.r.example 192.0.2.40
    acc 2 mail.e.example 192.0.2.50 2
    acc 2 mail.e.example 192.0.2.51 1
    acc 2 out.b.example 192.0.2.21 2
    acc 2 mail.c.example 192.0.2.30 2
    acc 2 mail.f.example 192.0.2.60 2
    acc 2 mail.x.example 192.0.2.70 1
} > "$D/logs/mainlog"
night 2
check_eq pairs "$(q "$DB" "select count(distinct helo || ' ' || ip) from sessions")" 9

# every format, the full range and a window, against every pair kept
for f in json text csv html; do
    hv report --db "$DB" --policy "$D/p.policy" --format $f -o "$D/r.$f"
    HV_REPORT_ALL_PAIRS=1 hv report --db "$DB" --policy "$D/p.policy" \
        --format $f -o "$D/all.$f"
    check_cmd "same-$f" cmp "$D/r.$f" "$D/all.$f"
done
hv report --db "$DB" --policy "$D/p.policy" --since 2026-11-02 --format json -o "$D/w.json"
HV_REPORT_ALL_PAIRS=1 hv report --db "$DB" --policy "$D/p.policy" --since 2026-11-02 \
    --format json -o "$D/wall.json"
check_cmd same-window cmp "$D/w.json" "$D/wall.json"
# every pair but mail.x.example's is read by some table
HV_REPORT_TIMING=1 hv report --db "$DB" --format json -o /dev/null 2> "$D/timing"
check_eq kept "$(grep -o '[0-9]* of [0-9]* pairs in hv_p' "$D/timing")" "8 of 9 pairs in hv_p"
HV_REPORT_TIMING=1 hv report --db "$DB" --since 2026-11-02 --format json -o /dev/null 2> "$D/timing"
check_eq kept-window "$(grep -o '[0-9]* of [0-9]* pairs in hv_p' "$D/timing")" "7 of 8 pairs in hv_p"
HV_REPORT_ALL_PAIRS=1 HV_REPORT_TIMING=1 hv report --db "$DB" --format json -o /dev/null 2> "$D/timing"
check_eq kept-all "$(grep -o '[0-9]* of [0-9]* pairs in hv_p' "$D/timing")" "9 of 9 pairs in hv_p"

# the rows each condition keeps its pairs for, in the window (so the
# comparison above compares tables that read them): mail.b.example is
# not in it, so only out.b.example makes b.example fixed
python3 - "$D/w.json" <<'PY' > "$D/rows"
import json, sys
r = json.load(open(sys.argv[1]))
print("at_risk", sorted(x["domain"] for x in r["at_risk"]))
print("rescued", sorted(x["domain"] for x in r["mta_rejected_csv_accepted"]))
print("cohorts", sorted((x["domain"], x["status"]) for x in r["sender_cohorts"]))
print("drift", sorted((x["helo"], x["ip"], x["what"], x["old"], x["new"], x["sessions"]) for x in r["dns_drift"]))
adv = [x for x in r["advice"] if x["domain"] == "e.example"]
print("advice-e", len(adv), "192.0.2.50" in json.dumps(adv), "192.0.2.51" in json.dumps(adv))
PY
check_eq at-risk "$(sed -n 1p "$D/rows")" "at_risk ['a.example', 'e.example']"
check_eq rescued "$(sed -n 2p "$D/rows")" "rescued ['r.example']"
check_eq cohorts "$(sed -n 3p "$D/rows")" \
    "cohorts [('a.example', 'still'), ('b.example', 'fixed'), ('e.example', 'new')]"
n2=$(epoch 2026-11-02T00:00:00Z)
nc=$(q "$DB" "select count(*) from sessions where helo = 'mail.c.example' and ts >= $n2")
nf=$(q "$DB" "select count(*) from sessions where helo = 'mail.f.example' and ts >= $n2")
check_eq drift "$(sed -n 4p "$D/rows")" \
    "drift [('mail.c.example', '192.0.2.30', 'csa', 'ok/authorized', 'unknown/no-record', $nc), ('mail.f.example', '', 'dna', 'recommended/A', 'not-recommended/E', $nf)]"
check_eq advice-covers-ok "$(sed -n 5p "$D/rows")" "advice-e 1 True True"

# the publishing coverage's domains, from the export: distinct domains of
# resolved FQDN pairs, and those with a pair that has a record or a reason
# other than no-record, invalid-helo, no-helo
hv export --db "$DB" verdicts --format csv -o "$D/v.csv"
want=$(python3 - "$D/v.csv" <<'PY'
import csv, re, sys
dom = {}
for r in csv.DictReader(open(sys.argv[1], newline="")):
    if not r["csa_status"] or not re.fullmatch(r"[a-z0-9-]+(\.[a-z0-9-]+)+", r["helo"]):
        continue
    pub = bool(r["csa_record"]) or r["csa_reason"] not in ("no-record", "invalid-helo", "no-helo")
    dom[r["domain"]] = dom.get(r["domain"], False) or pub
n, p = len(dom), sum(dom.values())
print("domains,%d,%d,%.1f" % (n, p, round(1000.0 * p / max(n, 1)) / 10))
PY
)
check_eq publishing-domains "$(grep '^domains,' "$D/r.csv" | tr -d '\r')" "$want"
check_eq publishing-domains-n "$want" "domains,7,3,42.9"
t_finish
