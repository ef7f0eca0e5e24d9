#!/bin/sh
# runs.test.sh - three simulated nights of `heloval run` over a rotated
# Exim log (mainlog -> mainlog.1 -> mainlog.2), one DNS zone file per night:
#  night 1: a.example and b.example fail CSA (not authorized), c.example and
#           d.example pass; d.example sends on night 1 only;
#  night 2: a.example fixes its SRV record;
#  night 3: c.example newly fails.
# Checks: each run's own sender_cohorts (new / still with its runs count /
# fixed), `heloval runs` (3 runs, new and fixed counts), dns_drift (the fix
# and the new failure, old -> new, with the night's time), dns_age (and its
# warning over a log a year older than its resolve), the export's
# dns_age_seconds, and prune --before: exact counts checked with sqlite3,
# sources kept, a rescan adds nothing, --dry-run leaves the file's bytes
# as they were, the report after prune counts what --since DATE counted.
# On the sample logs: dns_age and the verdicts of windows against sqlite3,
# the CSA rows a window counts to choose its look-ups, and the summary's
# sums, distinct counts, top lists and sessions per source against
# Python's own count from `export verdicts`.
. tests/lib.sh
D=$T_TMP
epoch() { python3 -c 'import calendar,sys,time; print(calendar.timegm(time.strptime(sys.argv[1], "%Y-%m-%dT%H:%M:%SZ")))' "$1"; }

# log DAY SENDERS - two accepted Exim messages per sender on Nov DAY, 2026
log() {
    for s in $2; do
        case $s in a) ip=192.0.2.10 m=1 ;; b) ip=192.0.2.20 m=2 ;; c) ip=192.0.2.30 m=3 ;; d) ip=192.0.2.40 m=4 ;; esac
        for k in 1 2; do
            echo "2026-11-0$1 1$k:0$m:0$k 1xNO9$k-0000$1$s-bF <= u@$s.example H=mail.$s.example [$ip] I=[192.0.2.26]:25 P=esmtp S=1000 id=$s$k$1@$s.example"
        done
    done
}
# zone A C - the SRV weight of a.example and c.example (2 authorized, 1 not)
zone() {
    cat <<Z
\$ORIGIN example.
\$TTL 3600
example. 3600 IN SOA ns.example. h.example. 1 7200 3600 1209600 300
example. 3600 IN NS ns.example.
mail.a.example. 3600 IN A 192.0.2.10
_client._smtp.mail.a.example. 3600 IN SRV 1 $1 0 mail.a.example.
mail.b.example. 3600 IN A 192.0.2.20
_client._smtp.mail.b.example. 3600 IN SRV 1 1 0 mail.b.example.
mail.c.example. 3600 IN A 192.0.2.30
_client._smtp.mail.c.example. 3600 IN SRV 1 $2 0 mail.c.example.
mail.d.example. 3600 IN A 192.0.2.40
_client._smtp.mail.d.example. 3600 IN SRV 1 2 0 mail.d.example.
Z
}
zone 1 2 > "$D/n1.zone"
zone 2 2 > "$D/n2.zone"
zone 2 1 > "$D/n3.zone"
mkdir "$D/logs"
DB="$D/t.db"
# night N: rotate, today's log, run at 01:00 the next day
night() {
    [ -f "$D/logs/mainlog.1" ] && mv "$D/logs/mainlog.1" "$D/logs/mainlog.2"
    [ -f "$D/logs/mainlog" ] && mv "$D/logs/mainlog" "$D/logs/mainlog.1"
    log "$1" "$2" > "$D/logs/mainlog"
    HELOVAL_NOW=$(epoch "2026-11-0$(($1 + 1))T01:00:00Z") hv run --db "$DB" \
        --no-progress -q --max-age 3600 --dns-zone "$D/n$1.zone" --format csv \
        --table sender_cohorts "$D/logs" > "$D/cohorts$1.csv"
}
cohorts() { grep -v '^#' "$D/cohorts$1.csv" | grep -v '^$' | cut -d, -f1-4 | sort | tr '\n' ' '; }

night 1 "a b c d"
check_eq n1-cohorts-empty "$(cohorts 1)" "domain,reason,status,runs "
night 2 "a b c"
check_eq n2-cohorts "$(cohorts 2)" \
    "a.example,not-authorized,fixed,1 b.example,not-authorized,still,2 domain,reason,status,runs "
night 3 "a b c"
check_eq n3-cohorts "$(cohorts 3)" \
    "b.example,not-authorized,still,3 c.example,not-authorized,new,1 domain,reason,status,runs "
# b.example's first night: run 1's start
check_eq n3-first-seen "$(grep '^b.example' "$D/cohorts3.csv" | cut -d, -f5)" "2026-11-02T01:00:00Z"

# heloval runs: three runs with their new and fixed senders
hv runs --db "$DB" --format csv > "$D/runs.csv"
check_eq runs-count "$(grep -c '^[0-9]' "$D/runs.csv")" 3
check_eq runs-rows "$(grep '^[0-9]' "$D/runs.csv" | cut -d, -f1,7- | tr -d '\r' | tr '\n' ' ')" \
    "1,2,2,0 2,1,0,1 3,2,1,0 "
check_eq runs-sessions "$(grep '^3,' "$D/runs.csv" | cut -d, -f6)" "$(q "$DB" "select count(*) from sessions")"
check_eq runs-db "$(q "$DB" "select count(*) from runs; select count(*) from run_senders" | tr '\n' ' ')" "3 5 "
hv runs --db "$DB" --format json > "$D/runs.json"
check_eq runs-json "$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["runs"]))' "$D/runs.json")" 3

# dns_drift: the fix (night 2) and the new failure (night 3)
hv report --db "$DB" --format csv --table dns_drift > "$D/drift.csv"
nc=$(q "$DB" "select count(*) from sessions where helo = 'mail.c.example'")
na=$(q "$DB" "select count(*) from sessions where helo = 'mail.a.example'")
check_eq drift "$(grep '^mail' "$D/drift.csv" | cut -d, -f1-7 | tr -d '\r' | tr '\n' ' ')" \
    "mail.c.example,192.0.2.30,csa,ok/authorized,fail/not-authorized,2026-11-04T01:00:00Z,$nc mail.a.example,192.0.2.10,csa,fail/not-authorized,ok/authorized,2026-11-03T01:00:00Z,$na "
check_eq drift-db "$(q "$DB" "select count(*) from csa_changes")" 2

# dns_age: answers of the last night are 13 to 62 hours after the mail
hv report --db "$DB" --format json --table dns_age > "$D/age.json"
check_eq age "$(python3 -c 'import json,sys; a=json.load(open(sys.argv[1]))["dns_age"]; print(a["sessions"], a["min_seconds"], a["max_seconds"], a["over_7_days_pct"], a["warning"])' "$D/age.json")" \
    "$(q "$DB" "select count(*), min(c.evaluated_at - s.ts), max(c.evaluated_at - s.ts) from sessions s join csa c on c.helo = s.helo and c.ip = s.ip" | tr '|' ' ') 0.0 "
# the export's last column: answer time - session time of each verdict
check_eq export-age "$(hv export --db "$DB" verdicts --format tsv | awk -F'\t' 'NR>1{print $NF}' | sort -n | tr '\n' ' ')" \
    "$(q "$DB" "select c.evaluated_at - s.ts from sessions s join csa c on c.helo = s.helo and c.ip = s.ip" | sort -n | tr "\n" " ")"

# a log of last year resolved a year later: the report warns
mkdir "$D/old"
log 1 "b" | sed 's/^2026/2025/' > "$D/old/mainlog"
HELOVAL_NOW=$(epoch 2026-11-02T01:00:00Z) hv run --db "$D/old.db" --no-progress -q \
    --dns-zone "$D/n1.zone" --format json --table dns_age "$D/old" > "$D/oldage.json"
check_eq old-age "$(python3 -c 'import json,sys; a=json.load(open(sys.argv[1]))["dns_age"]; print(a["median_days"], a["over_365_days_pct"], a["warning"][:36])' "$D/oldage.json")" \
    "365 100.0 the DNS answers are 365 days newer t"
hv report --db "$D/old.db" --table dns_age > "$D/oldage.txt"
check_cmd old-age-text grep -q "the records may have changed since" "$D/oldage.txt"

# prune --before 2026-11-02: night 1's 8 sessions; d.example's pair and
# HELO only they reference; no run (all started on or after Nov 2)
hv report --db "$DB" --since 2026-11-02 --format csv --table summary > "$D/since.csv"
np=$(q "$DB" "select count(*) from sessions where ts < $(epoch 2026-11-02T00:00:00Z)")
nk=$(q "$DB" "select count(*) from sessions where ts >= $(epoch 2026-11-02T00:00:00Z)")
cp "$DB" "$D/dry.db"
before=$(sha256sum < "$D/dry.db")
check_cmd dry-run hv prune --db "$D/dry.db" --before 2026-11-02 --dry-run
check_eq dry-unchanged "$(sha256sum < "$D/dry.db")" "$before"
hv prune --db "$D/dry.db" --before 2026-11-02 --dry-run > "$D/dry.out"
check_cmd dry-says grep -q "$np session(s), 1 (HELO, IP) pair(s), 1 HELO(s), 0 run(s) would be removed" "$D/dry.out"
n_src=$(q "$DB" "select count(*) from sources")
hv prune --db "$DB" --before 2026-11-02 > "$D/prune.out"
check_cmd prune-says grep -q "$np session(s), 1 (HELO, IP) pair(s), 1 HELO(s), 0 run(s) removed" "$D/prune.out"
check_cmd prune-span grep -q "sessions from 2026-11-01T11:01:01Z to 2026-11-01T12:0" "$D/prune.out"
check_eq pruned-sessions "$(q "$DB" "select count(*), min(ts) >= $(epoch 2026-11-02T00:00:00Z) from sessions" | tr '|' ' ')" "$nk 1"
check_eq pruned-csa "$(q "$DB" "select count(*) from csa where helo = 'mail.d.example'")" 0
check_eq kept-csa "$(q "$DB" "select count(*) from csa")" 3
check_eq kept-sources "$(q "$DB" "select count(*) from sources")" "$n_src"
hv scan --db "$DB" --no-progress -q "$D/logs"
check_eq rescan-nothing "$(q "$DB" "select count(*) from sessions")" "$nk"
hv report --db "$DB" --format csv --table summary > "$D/after.csv"
check_eq after-prune-sessions "$(grep '^sessions,' "$D/after.csv")" "$(grep '^sessions,' "$D/since.csv")"
# runs before the date go too; -q says nothing; no --before is a usage error
check_eq prune-runs "$(hv prune --db "$DB" --before 2026-11-03T02:00:00Z -q; q "$DB" "select count(*) from runs")" 1
hv prune --db "$DB" > /dev/null 2>&1
check_eq prune-usage $? 2
hv prune --db "$D/none.db" --before 2026-11-02 2> "$D/none.err"
check_cmd prune-names-db grep -q "none.db" "$D/none.err"

# a report after night 3's run compares with night 2's run, as the run did
hv report --db "$D/dry.db" --format csv --table sender_cohorts > "$D/cohorts-after.csv"
check_eq report-after-run "$(grep '^[a-z]*\.example' "$D/cohorts-after.csv" | cut -d, -f1-4 | sort | tr -d '\r' | tr '\n' ' ')" \
    "b.example,not-authorized,still,3 c.example,not-authorized,new,1 "

# a database another program holds locked: the error names it, nothing changes
cp "$D/dry.db" "$D/busy.db"
busy=$(python3 -c '
import sqlite3, subprocess, sys
c = sqlite3.connect(sys.argv[2], isolation_level=None); c.execute("BEGIN IMMEDIATE")
p = subprocess.run([sys.argv[1], "prune", "--db", sys.argv[2], "--before", "2026-11-02"],
                   capture_output=True, text=True, timeout=120)
print(p.returncode, p.stderr.strip())' "$HELOVAL" "$D/busy.db")
case $busy in
"1 heloval: error: prune $D/busy.db: "*locked*) ok ;;
*) fail prune-locked "$busy" ;;
esac
check_eq locked-unchanged "$(q "$D/busy.db" "select count(*) from sessions")" "$(q "$D/dry.db" "select count(*) from sessions")"

# a window without the senders: at risk in the last run, but not sending: absent, not fixed
hv report --db "$D/dry.db" --since 2026-11-05 --format csv --table sender_cohorts > "$D/cohorts-absent.csv"
check_eq cohorts-absent "$(grep '^[a-z]*\.example' "$D/cohorts-absent.csv" | cut -d, -f1-3 | tr -d '\r' | tr '\n' ' ')" \
    "b.example,not-authorized,absent "

# dns_age is worked out in C from the sessions the report holds (and by its
# SQL when a session's time is too far out for the series): both equal an
# independent count by sqlite3 (window functions), on the sample logs
# (sessions without a HELO meet the CSA rows of ('', ip)), over a window,
# and with a session ten billion years ahead (the SQL path)
S="$D/sample.db"
hv run --db "$S" --year 2026 --accreditor dna.example --no-progress -q \
    --dns-zone "$TOP/sample-logs/dns-snapshot.zone" sample-logs > /dev/null 2>&1
# want_age DB SINCE UNTIL - "n min median max days pct7 pct365" by sqlite3
want_age() {
    q "$1" "WITH a AS (SELECT c.evaluated_at - s.ts AS age FROM sessions s
              JOIN csa c ON c.helo = COALESCE(s.helo,'') AND c.ip = s.ip
              WHERE s.ts IS NOT NULL AND s.ts >= $2 AND s.ts < $3),
            o AS (SELECT age, row_number() OVER (ORDER BY age) AS r,
                         count(*) OVER () AS n FROM a)
            SELECT (SELECT count(*) FROM a) || ' ' || COALESCE(min(age), 0) || ' ' ||
              COALESCE((SELECT age FROM o WHERE r = (n + 1) / 2), 0) || ' ' ||
              COALESCE(max(age), 0) || ' ' ||
              COALESCE((SELECT age FROM o WHERE r = (n + 1) / 2) / 86400, 0) || ' ' ||
              printf('%.1f', 100.0 * sum(abs(age) > 604800) / max(count(*), 1)) || ' ' ||
              printf('%.1f', 100.0 * sum(abs(age) > 31536000) / max(count(*), 1)) FROM a"
}
# got_age DB ARGS... - the same figures from the report
got_age() {
    db=$1; shift
    hv report --db "$db" --format json --table dns_age "$@" | python3 -c 'import json,sys
a = json.load(sys.stdin)["dns_age"]
print(a["sessions"], a["min_seconds"], a["median_seconds"], a["max_seconds"], a["median_days"],
      "%.1f" % a["over_7_days_pct"], "%.1f" % a["over_365_days_pct"])'
}
A0=$(want_age "$S" -9223372036854775808 9223372036854775807)
case $A0 in 0\ *|"") fail age-sample-setup "no ages: $A0" ;; *) ok age-sample-setup ;; esac
check_eq age-sample-unobserved "$(q "$S" "SELECT count(*) > 0 FROM sessions s JOIN csa c
    ON c.helo = '' AND c.ip = s.ip WHERE s.helo IS NULL AND s.ts IS NOT NULL")" 1
check_eq age-c-full "$(got_age "$S")" "$A0"
W0=$(epoch 2026-11-01T06:00:00Z) W1=$(epoch 2026-11-02T12:00:00Z)
A1=$(want_age "$S" "$W0" "$W1")   # 30 hours: hourly buckets
case $A1 in 0\ *|"") fail age-window-setup "no ages: $A1" ;; *) ok age-window-setup ;; esac
check_eq age-c-window "$(got_age "$S" --since 2026-11-01T06:00:00Z --until 2026-11-02T12:00:00Z)" "$A1"
cp "$S" "$D/far.db"
q "$D/far.db" "INSERT INTO sessions(source_id, line, ts, mta, ip, helo, disposition)
    SELECT source_id, line + 1000000, 315569520000000000, mta, ip, helo, disposition
    FROM sessions WHERE helo IS NOT NULL AND ts IS NOT NULL LIMIT 1"
check_eq age-sql-far "$(got_age "$D/far.db")" \
    "$(want_age "$D/far.db" -9223372036854775808 9223372036854775807)"

# a window's pairs are looked up one by one when they are few against the
# CSA rows, and read beside ordered scans when they are many (the full
# database always): both give the verdicts of the `verdicts` view and the
# ages sqlite3 counts (HV_REPORT_TIMING names the sort of the ordered way)
# want_verdicts DB SINCE UNTIL - "verdict sessions messages;" by sqlite3
want_verdicts() {
    q "$1" "SELECT group_concat(v || ' ' || n || ' ' || m, ';') FROM (SELECT verdict AS v,
        count(*) AS n, sum(messages) AS m FROM verdicts WHERE ts >= $2 AND ts < $3
        GROUP BY 1 ORDER BY 1)"
}
# got_verdicts DB ARGS... - the same from the report (verdicts with sessions)
got_verdicts() {
    db=$1; shift
    hv report --db "$db" --format json --table verdicts "$@" | python3 -c 'import json,sys
rows = sorted((r["verdict"], r["sessions"], r["messages"]) for r in json.load(sys.stdin)["verdicts"] if r["sessions"])
print(";".join("%s %d %d" % r for r in rows))'
}
modes=""
for w in 2026-11-01T10:00:00Z/2026-11-01T11:00:00Z 2026-11-01T06:00:00Z/2026-11-01T18:00:00Z \
         2026-10-31T00:00:00Z/2026-11-03T00:00:00Z; do
    lo=${w%/*} hi=${w#*/}
    e0=$(epoch "$lo") e1=$(epoch "$hi")
    check_eq "window-verdicts $w" "$(got_verdicts "$S" --since "$lo" --until "$hi")" \
        "$(want_verdicts "$S" "$e0" "$e1")"
    check_eq "window-ages $w" "$(got_age "$S" --since "$lo" --until "$hi")" "$(want_age "$S" "$e0" "$e1")"
    if HV_REPORT_TIMING=1 hv report --db "$S" --since "$lo" --until "$hi" -o /dev/null 2>&1 |
        grep -q 'work: sort'; then modes="$modes ordered"; else modes="$modes lookups"; fi
done
# the hour: a pair or two, looked up; the three days: every pair, scanned
check_eq window-modes "$(echo $modes | cut -d' ' -f1,3)" "lookups ordered"

# the CSA rows are counted only as far as that choice needs (ordered_pays):
# none for a window without a session, up to 16 a pair + 1 for a window of
# at most 4,096 pairs ("bounded"), every row for more
# counted DB SINCE UNTIL - "ROWS[ (bounded)] PAIRS" from HV_REPORT_TIMING
counted() {
    HV_REPORT_TIMING=1 hv report --db "$1" --since "$2" --until "$3" -o /dev/null 2> "$D/timing"
    echo "$(sed -n 's/^report: work: \([0-9]*\) CSA rows counted\(.*\)$/\1\2/p' "$D/timing")" \
        "$(sed -n 's/^report: work: [0-9]* of \([0-9]*\) pairs in hv_p$/\1/p' "$D/timing")"
}
csa_rows=$(q "$S" "SELECT count(*) FROM csa")
check_eq count-none "$(counted "$S" 2030-01-01T00:00:00Z 2030-01-02T00:00:00Z)" " 0"
for w in 2026-11-01T10:00:00Z/2026-11-01T11:00:00Z 2026-10-31T00:00:00Z/2026-11-03T00:00:00Z; do
    got=$(counted "$S" "${w%/*}" "${w#*/}")
    np=${got##* }
    want=$((np * 16 + 1))
    [ "$want" -gt "$csa_rows" ] && want=$csa_rows
    check_eq "count-bounded $w" "$got" "$want (bounded) $np"
done
# 5,000 more pairs on 2026-12-20, each with its CSA row: every row counted,
# and the verdicts still those of the view
B="$D/many.db"
cp "$S" "$B"
q "$B" "WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < 5000)
    INSERT INTO sessions(source_id, line, ts, mta, ip, helo, disposition)
    SELECT (SELECT min(id) FROM sources), 3000000 + i, $(epoch 2026-12-20T00:00:00Z) + i,
           'postfix', '2001:db8::' || printf('%x', i), 'h' || i || '.example', 'accepted' FROM k;
    WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < 5000)
    INSERT INTO csa(helo, ip, status, reason, record, evaluated_at, expires_at)
    SELECT 'h' || i || '.example', '2001:db8::' || printf('%x', i),
           CASE i % 3 WHEN 0 THEN 'ok' WHEN 1 THEN 'fail' ELSE 'unknown' END,
           CASE i % 3 WHEN 0 THEN 'authorized' WHEN 1 THEN 'not-authorized' ELSE 'no-record' END,
           NULL, $(epoch 2026-12-21T00:00:00Z), $(epoch 2026-12-22T00:00:00Z) FROM k"
check_eq count-all "$(counted "$B" 2026-12-20T00:00:00Z 2026-12-21T00:00:00Z)" \
    "$(q "$B" "SELECT count(*) FROM csa") 5000"
check_eq "window-verdicts many" \
    "$(got_verdicts "$B" --since 2026-12-20T00:00:00Z --until 2026-12-21T00:00:00Z)" \
    "$(want_verdicts "$B" "$(epoch 2026-12-20T00:00:00Z)" "$(epoch 2026-12-21T00:00:00Z)")"

# the summary's pair sums and distinct counts, the top lists (pairtops.c)
# and the sessions per source equal the same figures worked out by Python
# from `export verdicts` (its verdict, IP, HELO, domain, time per session),
# over the whole database and the windows above, with the default --top and
# with --top 2 (only some groups of a verdict shown)
cat > "$D/tops.py" <<'PYEOF'
import ipaddress, json, sys
rows, rep, lo, hi, top = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
S = [r for r in map(json.loads, open(rows, encoding="utf-8", errors="surrogateescape"))
     if (lo == -1 or (r["time_epoch"] is not None and lo <= r["time_epoch"] < hi))]
def net(ip):
    try:
        a = ipaddress.ip_address(ip)
    except ValueError:
        return ip
    n = 24 if a.version == 4 else 48
    return "%s/%d" % (ipaddress.ip_network("%s/%d" % (ip, n), strict=False).network_address, n)
order = ["accept", "mark", "reject", "tempfail", "unresolved", "unevaluated"]
def tops(key, val, min_n):
    g = {}
    for r in S:
        v = r["verdict"] or "unresolved"
        k = (v, key(r))
        e = g.setdefault(k, [0, 0, set()])
        e[0] += 1; e[1] += r["messages"]; e[2].add(val(r))
    out = []
    for v in order:
        c = sorted(((k[1], e) for k, e in g.items() if k[0] == v and e[0] >= min_n),
                   key=lambda t: (-t[1][0], -t[1][1], t[0].encode("utf-8", "surrogateescape")))
        out += [[v, k, e[0], e[1], len(e[2])] for k, e in c[:top]]
    return out
src = {}
for r in S:
    src[r["source"]] = src.get(r["source"], 0) + 1
want = {
    "sums": [len(S), sum(r["messages"] for r in S), len({r["ip"] for r in S}),
             len({r["helo"] for r in S if r["helo"]})],
    "top_domains": tops(lambda r: r["domain"] or "", lambda r: r["ip"], 1),
    "top_networks": tops(lambda r: net(r["ip"]), lambda r: r["helo"], 2),
}
j = json.load(open(rep, encoding="utf-8", errors="surrogateescape"))
s = j["summary"]
got = {
    "sums": [s["sessions"], s["messages"], s["distinct_ips"], s["distinct_helos"]],
    "top_domains": [[r["verdict"], r["domain"], r["sessions"], r["messages"], r["ips"]] for r in j["top_domains"]],
    "top_networks": [[r["verdict"], r["network"], r["sessions"], r["messages"], r["helos"]] for r in j["top_networks"]],
}
bad = [k for k in want if want[k] != got[k]]
bad += ["sources"] if any(r["sessions"] != src.get(r["source"], 0) for r in j["sources"]) else []
if not want["top_networks"] or not want["top_domains"]:
    bad.append("empty")
print(" ".join(bad) if bad else "ok")
if bad:
    for k in bad[:1]:
        print(" want", want.get(k), "\n got", got.get(k), file=sys.stderr)
PYEOF
hv export verdicts --db "$S" --format jsonl > "$D/v.jsonl"
for w in all 2026-11-01T06:00:00Z/2026-11-01T18:00:00Z 2026-10-31T00:00:00Z/2026-11-03T00:00:00Z; do
    for top in 10 2; do
        if [ "$w" = all ]; then
            hv report --db "$S" --format json --top $top -o "$D/tops.json"; e0=-1 e1=-1
        else
            lo=${w%/*} hi=${w#*/}
            e0=$(epoch "$lo") e1=$(epoch "$hi")
            hv report --db "$S" --format json --top $top --since "$lo" --until "$hi" -o "$D/tops.json"
        fi
        check_eq "pair-tables $w top $top" "$(python3 "$D/tops.py" "$D/v.jsonl" "$D/tops.json" $e0 $e1 $top)" ok
    done
done
