#!/bin/sh
# nightly.test.sh - three simulated nights of `scan`, `resolve` and
# `report` over a log directory rotated the logrotate way (mail.log ->
# mail.log.1 -> mail.log.2.gz, a fresh mail.log that grows during the day).
# Checks that each night reads only the new bytes, that no session is ever
# stored twice (the same sessions as one scan of the concatenated days),
# that resolve answers known names from its cache (a real NSD on
# 127.0.0.1 serving a root zone counts the work) and re-asks only what
# --max-age expires, that --since/--until windows count only their days,
# and that two runs on one database are refused with a clear message and
# never corrupt it.
. tests/lib.sh
D=$T_TMP
NSD_PID=""
BG_PID=""
cleanup() {
    for p in $BG_PID $NSD_PID; do kill "$p" 2>/dev/null; done
    for p in $BG_PID $NSD_PID; do wait "$p" 2>/dev/null; done
    NSD_PID="" BG_PID=""
}
trap 'cleanup; t_finish; exit $?' EXIT
trap 'exit 1' INT TERM HUP

# day SEED DAY N [REPEAT_OF] - a Postfix log of N sessions from 00:00 on
# Nov DAY (truth file $D/tSEED); with REPEAT_OF, the first 150 sessions
# of that seed's day follow from 23:00, every IPv4 address but the
# server's (192.0.2.25) renumbered
# (same HELOs from new addresses; the generator's first sessions do not
# depend on --sessions).
nov() { python3 -c 'import calendar, sys; print(calendar.timegm((2026, 11, int(sys.argv[1]), int(sys.argv[2]), 0, 0)))' "$1" "$2"; }
day() {
    $GENLOG --format postfix --sessions "$3" --seed "$1" --domains 300 \
        --start "$(nov "$2" 0)" --truth "$D/t$1"
    if [ -n "$4" ]; then
        $GENLOG --format postfix --sessions 150 --seed "$4" --domains 300 \
            --start "$(nov "$2" 23)" |
            python3 -c '
import re, sys
def bump(m):
    if m.group(1) == "192.0.2.25":   # the server itself
        return m.group(1)
    a = m.group(1).split(".")
    a[3] = str(int(a[3]) % 250 + 1)
    return ".".join(a)
for l in sys.stdin:
    sys.stdout.write(re.sub(r"\b(\d{1,3}(?:\.\d{1,3}){3})\b", bump, l))'
    fi
}
day 1 1 1000 > "$D/d1"
day 2 2 1000 1 > "$D/d2"
day 3 3 1000 2 > "$D/d3"
n2=$(wc -l < "$D/d2")
head -n $((n2 * 55 / 100)) "$D/d2" > "$D/d2a"
tail -n +$((n2 * 55 / 100 + 1)) "$D/d2" > "$D/d2b"
size() { stat -c %s "$1"; }
lines() { wc -l < "$1" | tr -d ' '; }

# ==== a real NSD, authoritative for the root: every name gets an answer
# (NXDOMAIN with the root SOA, so negative answers are cached a day)
start_nsd() {
    d="$D/nsd"
    mkdir -p "$d"
    cat > "$d/root.zone" <<'EOF'
$ORIGIN .
$TTL 86400
@ IN SOA a.root.test. hostmaster.root.test. 1 3600 600 86400 86400
@ IN NS a.root.test.
EOF
    NSD_PORT=$(free_port)
    cat > "$d/nsd.conf" <<EOF
server:
    ip-address: 127.0.0.1
    port: $NSD_PORT
    do-ip6: no
    username: ""
    chroot: ""
    zonesdir: "$d"
    pidfile: "$d/nsd.pid"
    logfile: "$d/nsd.log"
    database: ""
    zonelistfile: "$d/zone.list"
    xfrdfile: "$d/xfrd.state"
    xfrdir: "$d"
    verbosity: 1
    server-count: 1
    hide-version: yes
    rrl-ratelimit: 0
    rrl-whitelist-ratelimit: 0
remote-control:
    control-enable: no
zone:
    name: "."
    zonefile: "root.zone"
EOF
    nsd -d -c "$d/nsd.conf" >"$d/stderr" 2>&1 &
    NSD_PID=$!
    wait_udp "$NSD_PORT"
}
if ! command -v nsd >/dev/null 2>&1; then
    fail nsd "nsd is not installed (make test installs it when root)"
    exit 1
fi
if start_nsd; then ok nsd-start; else
    fail nsd-start "$(tail -5 "$D/nsd/stderr" "$D/nsd/nsd.log" 2>/dev/null)"
    exit 1
fi

DB="$D/night.db"
L="$D/log"
mkdir "$L"
RES="--dns-server 127.0.0.1:$NSD_PORT --timeout 2000 --tries 3"

# last_run COLS - columns of the newest scan_runs / resolve_runs row
last_scan() { q "$DB" "select $1 from scan_runs order by id desc limit 1"; }
last_res() { q "$DB" "select $1 from resolve_runs order by id desc limit 1"; }
# age_cache S - pretend every cached answer and result is S seconds older
age_cache() {
    q "$DB" "update dns_cache set fetched_at = fetched_at - $1, expires_at = expires_at - $1;
             update csa set evaluated_at = evaluated_at - $1, expires_at = expires_at - $1;
             update dna set evaluated_at = evaluated_at - $1, expires_at = expires_at - $1;
             update dna_result set evaluated_at = evaluated_at - $1, expires_at = expires_at - $1"
}
# unresolved - sessions without a CSA result
unresolved() { q "$DB" 'select count(*) from verdicts where csa_status is null'; }

# ==== night 1: mail.log holds day 1
cp "$D/d1" "$L/mail.log"
check_cmd n1-scan hv scan --db "$DB" --year 2026 "$L"
check_eq n1-bytes "$(last_scan 'bytes || " " || lines')" "$(size "$D/d1") $(lines "$D/d1")"
# one stored session per generated one (the truth file has a header row)
rows() { echo $(( $(wc -l < "$1") - 1 )); }
check_eq n1-sessions "$(q "$DB" 'select count(*) from sessions')" "$(rows "$D/t1")"
check_cmd n1-resolve hv resolve --db "$DB" $RES
check_eq n1-all-resolved "$(unresolved)" 0
Q1=$(last_res queries)
[ "$Q1" -gt 100 ] && ok n1-queries || fail n1-queries "only $Q1 queries"
check_eq n1-queries-cached "$(q "$DB" "select count(*) from dns_cache where status='nxdomain'")" "$Q1"
check_eq n1-no-timeouts "$(last_res 'timeouts + failures')" 0
# the same night again: nothing to read, nothing to ask
check_cmd n1-rescan hv scan --db "$DB" --year 2026 "$L"
check_eq n1-rescan-bytes "$(last_scan bytes)" 0
check_cmd n1-reresolve hv resolve --db "$DB" $RES
check_eq n1-reresolve-work "$(last_res 'names || " " || queries')" "0 0"
C1=$(q "$DB" 'select count(*) from dns_cache')
# an hour passes: the day-1 answers are older than anything fetched later
age_cache 3600
T1=$(q "$DB" 'select max(fetched_at) from dns_cache')

# ==== night 2: rotated; the new mail.log holds the first part of day 2
mv "$L/mail.log" "$L/mail.log.1"
cp "$D/d2a" "$L/mail.log"
check_cmd n2-scan hv scan --db "$DB" --year 2026 "$L"
grep -q "1 unchanged" "$T_TMP/err" && ok n2-unchanged || fail n2-unchanged "$(head -c 300 "$T_TMP/err")"
check_eq n2-bytes "$(last_scan 'bytes || " " || lines')" "$(size "$D/d2a") $(lines "$D/d2a")"
check_eq n2-sources "$(q "$DB" 'select count(*) from sources')" 2
check_eq n2-renamed "$(q "$DB" 'select path from sources where id = 1')" "$L/mail.log.1"
check_cmd n2-resolve hv resolve --db "$DB" $RES
check_eq n2-all-resolved "$(unresolved)" 0
Q2=$(last_res queries)
check_eq n2-queries-new-only "$(q "$DB" 'select count(*) from dns_cache') $(q "$DB" "select count(*) from dns_cache where fetched_at <= $T1")" "$((C1 + Q2)) $C1"
check_eq n2-no-timeouts "$(last_res 'timeouts + failures')" 0
# during day 2 the rest of the day (with day-1 senders from new addresses)
cat "$D/d2b" >> "$L/mail.log"
RESUME=$(q "$DB" 'select last_offset from sources where id = 2')

# ==== night 3: mail.log.1 -> mail.log.2.gz, mail.log -> mail.log.1, new day 3
gzip -c "$L/mail.log.1" > "$L/mail.log.2.gz"
rm "$L/mail.log.1"
mv "$L/mail.log" "$L/mail.log.1"
cp "$D/d3" "$L/mail.log"
age_cache 3600
T2=$(q "$DB" 'select max(fetched_at) from dns_cache')
C2=$(q "$DB" 'select count(*) from dns_cache')
S2=$(q "$DB" 'select count(*) from sessions')
check_cmd n3-scan hv scan --db "$DB" --year 2026 "$L"
grep -q "1 unchanged" "$T_TMP/err" && ok n3-unchanged || fail n3-unchanged "$(head -c 300 "$T_TMP/err")"
# the summary says what was new: one file resumed, the sessions added
grep -q "file(s) read (1 resumed: only their new part), 1 unchanged" "$T_TMP/err" &&
    ok n3-says-resumed || fail n3-says-resumed "$(head -c 300 "$T_TMP/err")"
check_eq n3-says-new "$(sed -n 's/.*of them new since the last scan: //p' "$T_TMP/err")" \
    "$(( $(q "$DB" 'select count(*) from sessions') - S2 ))"
# read: the rest of mail.log.1 from its resume point, and all of day 3
check_eq n3-bytes "$(last_scan bytes)" "$(( $(size "$D/d2") - RESUME + $(size "$D/d3") ))"
[ "$RESUME" -le "$(size "$D/d2a")" ] && [ "$RESUME" -gt 0 ] && ok n3-resume-point ||
    fail n3-resume-point "resume offset $RESUME, first part $(size "$D/d2a") bytes"
check_eq n3-sources "$(q "$DB" 'select count(*) from sources')" 3
check_eq n3-paths "$(q "$DB" "select group_concat(replace(path, '$L/', ''), ' ') from (select path from sources order by id)")" \
    "mail.log.2.gz mail.log.1 mail.log"
check_eq n3-fully-read "$(q "$DB" 'select group_concat(bytes_read, " ") from (select bytes_read from sources order by id)')" \
    "$(size "$D/d1") $(size "$D/d2") $(size "$D/d3")"
check_cmd n3-resolve hv resolve --db "$DB" $RES
check_eq n3-all-resolved "$(unresolved)" 0
Q3=$(last_res queries)
H3=$(last_res cache_hits)
[ "$H3" -gt 0 ] && ok n3-cache-hits || fail n3-cache-hits "no answer came from the cache"
check_eq n3-queries-new-only "$(q "$DB" 'select count(*) from dns_cache') $(q "$DB" "select count(*) from dns_cache where fetched_at <= $T2")" "$((C2 + Q3)) $C2"
# day-2 senders that came back from new addresses: their names were known
# (all the HELOs the log shows for those 150 sessions, except those with a
# client's IPv4 address in them, which were renumbered with the clients)
known=$(q "$DB" "select count(distinct s.helo) from sessions s where s.source_id = 3 and s.ts >= strftime('%s','2026-11-03 23:00:00') and exists (select 1 from sessions o where o.source_id = 2 and o.helo = s.helo)")
want=$(python3 -c '
import re, sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1])][1:151]
print(len({r[3] for r in rows if r[3] and not re.search(r"\d+\.\d+\.\d+\.\d+", r[3].replace("192.0.2.25", ""))}))' "$D/t2")
check_eq n3-known-helos "$known" "$want"
[ "$want" -gt 10 ] && ok n3-known-enough || fail n3-known-enough "only $want repeated HELOs"

# ==== no session twice: the same as one scan of the three days in a row
cat "$D/d1" "$D/d2" "$D/d3" > "$D/all.log"
check_cmd ref-scan hv scan --db "$D/ref.db" -q --year 2026 "$D/all.log"
SQL_SESS="select ts, ip, coalesce(helo, '-'), disposition, messages from sessions order by 1, 2, 3, 4, 5"
check_eq no-duplicates "$(q "$DB" 'select count(*) from sessions')" "$(q "$D/ref.db" 'select count(*) from sessions')"
check_eq same-sessions "$(q "$DB" "$SQL_SESS" | cksum)" "$(q "$D/ref.db" "$SQL_SESS" | cksum)"
check_eq same-lines "$(q "$DB" 'select sum(lines_read) from sources')" "$(lines "$D/all.log")"

# ==== --max-age: nothing is older than two days: no work; then a max age of
# one hour expires everything fetched before this night
check_cmd age-fresh hv resolve --db "$DB" $RES --max-age 172800
check_eq age-fresh-work "$(last_res 'names || " " || queries')" "0 0"
T3=$(q "$DB" 'select max(fetched_at) from dns_cache')
age_cache 7200
check_cmd age-expire hv resolve --db "$DB" $RES --max-age 3600
QA=$(last_res queries)
check_eq age-expire-refetched "$(q "$DB" "select count(*) from dns_cache where fetched_at < $T3 - 3600")" 0
[ "$QA" -ge "$(q "$DB" 'select count(*) from dns_cache')" ] && ok age-expire-queries ||
    fail age-expire-queries "$QA queries for $(q "$DB" 'select count(*) from dns_cache') names"
check_eq age-expire-resolved "$(unresolved)" 0

# ==== report windows (half-open: since <= ts < until)
win() {
    hv report --db "$DB" --format json "$@" 2>"$T_TMP/err" |
        python3 -c 'import json, sys; print(json.load(sys.stdin)["summary"]["sessions"])'
}
cnt() { q "$DB" "select count(*) from sessions where ts >= strftime('%s','$1') and ts < strftime('%s','$2')"; }
N_DAY2=$(cnt 2026-11-02 2026-11-03)
check_eq day2-sessions "$N_DAY2" "$(( $(rows "$D/t2") + 150 ))"
check_eq window-day2 "$(win --since 2026-11-02 --until 2026-11-03)" "$N_DAY2"
check_eq window-day3 "$(win --since 2026-11-03)" "$(cnt 2026-11-03 2026-11-04)"
check_eq window-upto-day1 "$(win --until 2026-11-02)" "$(cnt 2026-11-01 2026-11-02)"
check_eq window-all "$(win)" "$(q "$DB" 'select count(*) from sessions')"
check_eq window-evening "$(win --since 2026-11-02T23:00:00Z --until 2026-11-03)" "$(cnt '2026-11-02 23:00:00' 2026-11-03)"
hv report --db "$DB" --since yesterday >/dev/null 2>&1
check_eq window-yesterday-ok $? 0

# ==== the cron line of the README: run -q -o FILE prints nothing when all
# goes well (cron mails any output) and writes the report; without -q the
# text report goes to stdout as well
hv run --db "$DB" --year 2026 $RES -q -o "$D/cron.html" "$L" > "$D/cron.out" 2> "$D/cron.err"
check_eq cron-exit "$?" 0
check_eq cron-silent "$(wc -c < "$D/cron.out") $(wc -c < "$D/cron.err")" "0 0"
grep -q "<html" "$D/cron.html" && ok cron-report || fail cron-report "no HTML in $D/cron.html"
hv run --db "$DB" --year 2026 $RES -o "$D/cron2.html" "$L" 2> /dev/null | head -n 1 > "$D/cron2.out"
check_eq run-o-text "$(cat "$D/cron2.out")" "heloval report"
# the cron alert: --fail-if passed gives exit 3 and one alert line, nothing else
hv run --db "$DB" --year 2026 $RES -q -o "$D/cron3.html" --fail-if 'at-risk-messages>=0%' "$L" \
    > "$D/cron.out" 2> "$D/cron.err"
check_eq cron-alert-exit "$?" 3
check_eq cron-alert-output "$(wc -c < "$D/cron.out") $(wc -l < "$D/cron.err") $(grep -c '^heloval: alert: --fail-if: ' "$D/cron.err")" "0 1 1"

# ==== two runs on one database: the second is refused, the file stays whole
{ head -n 20000 "$D/all.log"; sleep 3; tail -n +20001 "$D/all.log"; } |
    $HELOVAL scan --db "$D/lock.db" -q --year 2026 - &
BG_PID=$!
i=0
while [ ! -s "$D/lock.db.lock" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
sleep 0.3
hv scan --db "$D/lock.db" --year 2026 "$D/d1" >/dev/null 2>"$T_TMP/err"
check_eq lock-scan-exit $? 1
grep -q "in use by another heloval" "$T_TMP/err" && ok lock-scan-msg || fail lock-scan-msg "$(cat "$T_TMP/err")"
hv resolve --db "$D/lock.db" $RES >/dev/null 2>"$T_TMP/err"
check_eq lock-resolve-exit $? 1
grep -q "in use by another heloval" "$T_TMP/err" && ok lock-resolve-msg || fail lock-resolve-msg "$(cat "$T_TMP/err")"
wait $BG_PID
check_eq lock-first-exit $? 0
BG_PID=""
check_eq lock-integrity "$(q "$D/lock.db" 'pragma integrity_check')" ok
check_cmd lock-after hv scan --db "$D/lock.db" -q --year 2026 "$D/all.log"
check_eq lock-complete "$(q "$D/lock.db" 'select count(*) from sessions')" "$(q "$D/ref.db" 'select count(*) from sessions')"
check_eq night-integrity "$(q "$DB" 'pragma integrity_check')" ok
