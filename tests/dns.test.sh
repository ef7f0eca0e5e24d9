#!/bin/sh
# dns.test.sh - the resolve stage end to end: a real NSD (Debian's nsd,
# unprivileged, 127.0.0.1:<free port>) serving tests/dns/zones, the scripted
# responder tests/dns/faultd.py for SERVFAIL, REFUSED, silence, truncation
# and retries, and the same zones loaded offline with --dns-zone. Sessions
# are inserted with sqlite3 into a database that `heloval resolve` created.
# Checks the CSA status/reason of every case, DNA grades, the cache (a
# second run sends no query, as the responder's own log proves), option
# changes, SIGINT, and that zone-file mode gives the verdicts NSD mode
# gives. Everything started here is killed on exit.
. tests/lib.sh

DNS="$PWD/tests/dns"
NSD_PID=""
FAULT_PID=""
BG_PID=""

cleanup() {
    for p in $BG_PID $FAULT_PID $NSD_PID; do
        kill "$p" 2>/dev/null
    done
    for p in $BG_PID $FAULT_PID $NSD_PID; do
        wait "$p" 2>/dev/null
    done
    NSD_PID="" FAULT_PID="" BG_PID=""
}
trap 'cleanup; t_finish; exit $?' EXIT
trap 'exit 1' INT TERM HUP PIPE

start_faultd() {
    python3 "$DNS/faultd.py" --log "$T_TMP/fault.log" \
        --portfile "$T_TMP/fault.port" 2>"$T_TMP/fault.err" &
    FAULT_PID=$!
    FAULT_PORT=$(read_portfile "$T_TMP/fault.port")
    if [ -n "$FAULT_PORT" ] && wait_udp "$FAULT_PORT"; then ok faultd-start
    else fail faultd-start "$(cat "$T_TMP/fault.err")"; exit 1; fi
}

# newdb NAME - an empty database made by heloval itself, with one source.
newdb() {
    rm -f "$T_TMP/$1.db"
    hv resolve --db "$T_TMP/$1.db" -q --dns-zone "$DNS/zones/ex.zone" \
        >/dev/null 2>&1 || fail "newdb-$1" "heloval resolve could not create it"
    q "$T_TMP/$1.db" "INSERT INTO sources(id, path, fingerprint, fp_len)
                      VALUES (1, 'test', 'x', 1)"
}

# add DB - sessions from stdin, "IP HELO" per line (HELO NULL: none seen).
add() {
    awk -v line="$(q "$1" 'SELECT COALESCE(MAX(line), 0) FROM sessions')" '
        NF >= 1 { line++
          helo = ($2 == "NULL" || NF < 2) ? "NULL" : "'\''" $2 "'\''"
          printf "INSERT INTO sessions(source_id, line, mta, ip, helo, disposition) VALUES (1, %d, '\''postfix'\'', '\''%s'\'', %s, '\''accepted'\'');\n", line, $1, helo }' |
        sqlite3 -batch "$1"
}

# csa DB HELO IP - "status/reason".
csa() {
    q "$1" "SELECT status || '/' || reason FROM csa WHERE helo = '$2' AND ip = '$3'"
}

# expect_csa DB CASES - CASES: "IP HELO STATUS/REASON" lines. (A here-doc,
# not a pipe: the counters must stay in this shell.)
expect_csa() {
    while read -r ip helo want; do
        [ -n "$ip" ] || continue
        h=$helo
        [ "$h" = NULL ] && h=""
        check_eq "csa $helo $ip" "$(csa "$1" "$h" "$ip")" "$want"
    done <<EOF
$2
EOF
}

# last_run DB COLUMN - from the newest resolve_runs row.
last_run() {
    q "$1" "SELECT $2 FROM resolve_runs ORDER BY id DESC LIMIT 1"
}

# wait_log PATTERN N - until the responder saw N queries matching (30 s).
wait_log() {
    k=0
    while [ "$(loglines "$1")" -lt "$2" ] && [ $k -lt 300 ]; do
        sleep 0.1
        k=$((k + 1))
    done
}

# loglines PATTERN - queries the responder saw matching an ERE.
loglines() {
    grep -cE "$1" "$T_TMP/fault.log" 2>/dev/null || true
}

CSA_CASES='10.9.8.7 csa1.test.ex ok/authorized
10.9.8.8 csa1.test.ex fail/mismatch
10.9.8.7 csa2.test.ex fail/not-authorized
10.9.8.8 csa2.test.ex fail/not-authorized
2001:db8::25 v6.test.ex ok/authorized
2001:db8::26 v6.test.ex fail/mismatch
::ffff:192.0.2.25 v6.test.ex ok/authorized
192.0.2.25 v6.test.ex ok/authorized
10.0.0.1 w0.test.ex fail/not-authorized
10.0.0.1 w3.test.ex unknown/weight-3
10.0.0.1 w6.test.ex unknown/unusable-record
10.0.0.1 prio2.test.ex unknown/unusable-record
10.0.0.1 dot.test.ex fail/no-addresses
10.0.0.1 noaddr.test.ex fail/no-addresses
10.6.6.6 far.test.ex ok/authorized
10.6.6.7 far.test.ex fail/mismatch
10.1.1.1 alias.test.ex ok/authorized
10.0.0.1 h.strict.test.ex fail/explicit-required
10.2.2.2 ok.strict.test.ex ok/authorized
10.0.0.1 a.b.strict.test.ex fail/explicit-required
10.0.0.1 h.loose.test.ex unknown/no-record
10.0.0.1 h.l4.l3.l2.l1.test.ex fail/explicit-required
10.0.0.1 nothing.test.ex unknown/no-record
10.0.0.1 host.nosuch.ex unknown/no-record
192.0.2.10 [192.0.2.10] ok/authorized
192.0.2.11 [192.0.2.10] fail/mismatch
192.0.2.10 192.0.2.10 ok/authorized
192.0.2.99 [192.0.2.99] fail/explicit-required
2001:db8::10 [IPv6:2001:db8::10] ok/authorized
2001:db8::99 [IPv6:2001:db8::99] fail/explicit-required
10.4.4.4 bigsrv.test.ex ok/authorized
10.0.0.1 localhost unknown/invalid-helo
10.0.0.1 WIN-3RT9Q7A0D1K unknown/invalid-helo
10.0.0.1 a..b unknown/invalid-helo
10.0.0.3 NULL unknown/no-helo'

# Issue 11 (Exim at the edges): HELOs whose own SRV name cannot be queried
# (a label over 63 bytes; over 253 bytes with "_client._smtp.") still fall
# under strict.test.ex's Explicit record; SRV targets looked up whatever
# their syntax; an IPv4-mapped AAAA is not the IPv4 client; [IPv4:...].
lbl() { printf "%${1}s" "" | tr ' ' "$2"; }
LONG_LABEL="$(lbl 64 a).strict.test.ex"
LONG_PREFIXED="$(lbl 63 a).$(lbl 63 b).$(lbl 63 c).$(lbl 40 d).strict.test.ex"
LONG_NAME="$(lbl 63 a).$(lbl 63 b).$(lbl 63 c).$(lbl 63 d).strict.test.ex"
CSA_CASES="$CSA_CASES
10.0.0.1 $LONG_LABEL fail/explicit-required
10.0.0.1 $LONG_PREFIXED fail/explicit-required
10.0.0.1 $LONG_NAME fail/explicit-required
10.5.5.1 tgt1.test.ex ok/authorized
10.5.5.2 plus.test.ex ok/authorized
192.0.2.34 mapped.test.ex fail/mismatch
192.0.2.10 [IPv4:192.0.2.10] ok/authorized"
# README's deliberate differences from Exim: a trailing dot is the same
# name (its parent search never asks the TLD), "192.0.2.10." is the bare
# IP, an untagged IPv6 literal is its own address, any Explicit record of a
# parent counts, a label starting with "-" is queried as written
CSA_CASES="$CSA_CASES
10.9.8.7 csa1.test.ex. ok/authorized
10.0.0.1 h.strict.test.ex. fail/explicit-required
192.0.2.10 192.0.2.10. ok/authorized
2001:db8::10 [2001:db8::10] ok/authorized
10.0.0.1 h.two.test.ex fail/explicit-required
10.7.7.7 -edge.test.ex ok/authorized"

DNA_CASES='gradea.test.ex recommended A dna.ex
gradeb.test.ex recommended B dna.ex
gradec.test.ex unknown C dna.ex
graded.test.ex not-recommended D dna.ex
gradee.test.ex not-recommended E dna.ex
junk.test.ex unknown - -
multi.test.ex recommended A dna.ex
big.test.ex recommended B dna.ex
listed.test.ex not-recommended E dna2.ex
nothing.test.ex unknown - -'

# expect_dna DB
expect_dna() {
    while read -r helo st grade svc; do
        got=$(q "$1" "SELECT status || ' ' || COALESCE(grade, '-') || ' ' ||
                      COALESCE(service, '-') FROM dna_result WHERE helo = '$helo'")
        if [ "$st" = unknown ]; then
            # the grade/service behind an unknown result is not asserted
            check_eq "dna $helo" "${got%% *}" "$st"
        else
            check_eq "dna $helo" "$got" "$st $grade $svc"
        fi
    done <<EOF
$DNA_CASES
EOF
}

sessions_all() {
    echo "$CSA_CASES" | awk '{ print $1, $2 }'
    echo "$DNA_CASES" | awk '{ print "10.0.0.2", $1 }'
}

RESOLVE_OPTS="--accreditor dna.ex --trust-listed --timeout 1000 --tries 2"

# ==== NSD ====
start_nsd
newdb nsd
DB="$T_TMP/nsd.db"
sessions_all | add "$DB"
check_cmd resolve-nsd hv resolve --db "$DB" --dns-server "127.0.0.1:$NSD_PORT" $RESOLVE_OPTS
expect_csa "$DB" "$CSA_CASES"
expect_dna "$DB"
check_eq "csa record text" \
    "$(q "$DB" "SELECT record FROM csa WHERE helo = 'csa1.test.ex' AND ip = '10.9.8.7'")" \
    "_client._smtp.csa1.test.ex. SRV 1 2 0 csa1.test.ex."
check_eq "dna info" "$(q "$DB" "SELECT grade || '|' || level || '|' || info FROM dna WHERE helo = 'gradeb.test.ex'")" \
    "B|1|vouched since 2004"
check_eq "dna listed service row" \
    "$(q "$DB" "SELECT status || grade FROM dna WHERE helo = 'listed.test.ex' AND service = 'dna2.ex'")" "reportE"
check_eq "truncated answers fetched over TCP (SRV and TXT sets)" \
    "$(q "$DB" "SELECT COUNT(*) FROM dns_cache WHERE status = 'ok' AND length(answer) > 512")" "2"
check_eq "pairs evaluated" "$(q "$DB" 'SELECT COUNT(*) FROM csa')" \
    "$(q "$DB" "SELECT COUNT(*) FROM (SELECT DISTINCT COALESCE(helo, ''), ip FROM sessions)")"
n1=$(last_run "$DB" queries)
if [ "$n1" -gt 40 ]; then ok queries-counted; else fail queries-counted "$n1"; fi
check_eq "run row finished" "$(last_run "$DB" 'finished_at IS NOT NULL')" 1
check_eq "names = distinct HELOs" "$(last_run "$DB" names)" \
    "$(q "$DB" 'SELECT COUNT(DISTINCT helo) FROM sessions WHERE helo IS NOT NULL')"
check_eq "no timeouts against NSD" "$(last_run "$DB" timeouts)" 0
# REFUSED: reverse-tree parents outside the zones NSD serves
check_eq "failures = refused answers" "$(last_run "$DB" failures)" \
    "$(q "$DB" "SELECT COUNT(*) FROM dns_cache WHERE status NOT IN ('ok', 'nodata', 'nxdomain')")"
# every distinct query name was sent once: cached names = queries sent
check_eq "each name queried once" "$(q "$DB" 'SELECT COUNT(*) FROM dns_cache')" "$n1"
check_eq "the 2LD asked once" "$(q "$DB" "SELECT COUNT(*) FROM dns_cache WHERE lower(qname) = '_client._smtp.test.ex' AND qtype = 33")" 1
check_eq "no TLD asked (trailing-dot HELOs included)" "$(q "$DB" "SELECT COUNT(*) FROM dns_cache WHERE lower(qname) IN ('_client._smtp.ex', '_client._smtp.ex.')")" 0
check_eq "authserv-id stored" "$(q "$DB" "SELECT value FROM meta WHERE key = 'authserv_id'")" localhost

# second run: everything fresh, no query at all
hv resolve --db "$DB" --dns-server "127.0.0.1:$NSD_PORT" $RESOLVE_OPTS 2>"$T_TMP/err2"
check_eq "second run queries" "$(last_run "$DB" queries)" 0
check_eq "second run names" "$(last_run "$DB" names)" 0
if grep -q "0 queries sent" "$T_TMP/err2"; then ok summary; else fail summary "$(cat "$T_TMP/err2")"; fi

# a new client for known HELOs: answered from dns_cache, no query
printf '10.9.8.9 csa1.test.ex\n10.9.8.7 csa1.test.ex\n2001:db8::27 v6.test.ex\n' | add "$DB"
hv resolve --db "$DB" --dns-server "127.0.0.1:$NSD_PORT" $RESOLVE_OPTS -q
check_eq "new pair from cache: queries" "$(last_run "$DB" queries)" 0
if [ "$(last_run "$DB" cache_hits)" -ge 2 ]; then ok cache-hits; else fail cache-hits "$(last_run "$DB" cache_hits)"; fi
check_eq "new pair verdict" "$(csa "$DB" csa1.test.ex 10.9.8.9)" fail/mismatch
check_eq "new v6 pair verdict" "$(csa "$DB" v6.test.ex 2001:db8::27)" fail/mismatch

# past the TTLs (300 s): everything is asked again
HELOVAL_NOW=$(( $(date +%s) + 400 )) hv resolve --db "$DB" --dns-server "127.0.0.1:$NSD_PORT" $RESOLVE_OPTS -q
n3=$(last_run "$DB" queries)
if [ "$n3" -ge "$n1" ]; then ok expired-requeried; else fail expired-requeried "$n3 < $n1"; fi
# --max-age overrides the TTLs: 1 day later, still fresh with --max-age 2 days
HELOVAL_NOW=$(( $(date +%s) + 86400 )) hv resolve --db "$DB" --dns-server "127.0.0.1:$NSD_PORT" $RESOLVE_OPTS --max-age 172800 -q
check_eq "max-age keeps results" "$(last_run "$DB" queries)" 0

# option changes redo the CSA results
hv resolve --db "$DB" --dns-server "127.0.0.1:$NSD_PORT" $RESOLVE_OPTS --csa-search-limit 3 -q
check_eq "search limit 3" "$(csa "$DB" h.l4.l3.l2.l1.test.ex 10.0.0.1)" unknown/no-record
check_eq "search limit 3 keeps depth 2" "$(csa "$DB" h.strict.test.ex 10.0.0.1)" fail/explicit-required
hv resolve --db "$DB" --dns-server "127.0.0.1:$NSD_PORT" $RESOLVE_OPTS --no-parent-search -q
check_eq "no parent search" "$(csa "$DB" h.strict.test.ex 10.0.0.1)" unknown/no-record
hv resolve --db "$DB" --dns-server "127.0.0.1:$NSD_PORT" $RESOLVE_OPTS --no-reverse -q
check_eq "no reverse" "$(csa "$DB" '[192.0.2.10]' 192.0.2.10)" unknown/no-record
check_eq "no reverse keeps names" "$(csa "$DB" csa1.test.ex 10.9.8.7)" ok/authorized
# --csa-search-limit 0: no forward search; the reverse tree keeps depth 3
hv resolve --db "$DB" --dns-server "127.0.0.1:$NSD_PORT" $RESOLVE_OPTS --csa-search-limit 0 -q
check_eq "search limit 0: no forward search" "$(csa "$DB" h.strict.test.ex 10.0.0.1)" unknown/no-record
check_eq "search limit 0 keeps the reverse search" "$(csa "$DB" '[192.0.2.99]' 192.0.2.99)" fail/explicit-required

# concurrency 1 and a rate cap give the same verdicts
newdb slow
printf '10.9.8.7 csa1.test.ex\n10.4.4.4 bigsrv.test.ex\n192.0.2.99 [192.0.2.99]\n10.0.0.1 h.l4.l3.l2.l1.test.ex\n' | add "$T_TMP/slow.db"
check_cmd resolve-concurrency-1 hv resolve --db "$T_TMP/slow.db" --dns-server "127.0.0.1:$NSD_PORT" \
    --concurrency 1 --qps 200 -q
check_eq "conc1 csa1" "$(csa "$T_TMP/slow.db" csa1.test.ex 10.9.8.7)" ok/authorized
check_eq "conc1 bigsrv" "$(csa "$T_TMP/slow.db" bigsrv.test.ex 10.4.4.4)" ok/authorized
check_eq "conc1 literal" "$(csa "$T_TMP/slow.db" '[192.0.2.99]' 192.0.2.99)" fail/explicit-required
check_eq "conc1 deep" "$(csa "$T_TMP/slow.db" h.l4.l3.l2.l1.test.ex 10.0.0.1)" fail/explicit-required

# --threads: 1, 2 and 3 event loops store the same results (every case
# above, at one fixed time; cached answers compared without their message
# ID), and a second threaded run sends no query
# dump DB - every stored result and cached answer, sorted.
dump() {
    q "$1" "SELECT helo, ip, status, reason, record, evaluated_at, expires_at FROM csa ORDER BY 1, 2;
            SELECT * FROM dna ORDER BY helo, service;
            SELECT * FROM dna_result ORDER BY helo;
            SELECT qname, qtype, status, rcode, hex(substr(answer, 3)), ttl, fetched_at, expires_at
              FROM dns_cache ORDER BY 1, 2"
}
HELOVAL_NOW=$(date +%s)
export HELOVAL_NOW
for t in 1 2 3; do
    newdb "threads$t"
    sessions_all | add "$T_TMP/threads$t.db"
    check_cmd "resolve-threads-$t" hv resolve --db "$T_TMP/threads$t.db" \
        --dns-server "127.0.0.1:$NSD_PORT" $RESOLVE_OPTS --threads "$t" -q
    dump "$T_TMP/threads$t.db" > "$T_TMP/threads$t.dump"
done
unset HELOVAL_NOW
if [ "$(wc -l < "$T_TMP/threads1.dump")" -gt 100 ]; then ok threads-dump; else
    fail threads-dump "$(wc -l < "$T_TMP/threads1.dump") rows"; fi
for t in 2 3; do
    if cmp -s "$T_TMP/threads1.dump" "$T_TMP/threads$t.dump"; then ok "threads $t = 1"; else
        fail "threads $t = 1" "$(diff "$T_TMP/threads1.dump" "$T_TMP/threads$t.dump" | head -5)"; fi
done
expect_csa "$T_TMP/threads2.db" "$CSA_CASES"
expect_dna "$T_TMP/threads2.db"
hv resolve --db "$T_TMP/threads2.db" --dns-server "127.0.0.1:$NSD_PORT" $RESOLVE_OPTS --threads 2 -q
check_eq "threads 2: second run queries" "$(last_run "$T_TMP/threads2.db" queries)" 0
hv resolve --db "$T_TMP/threads2.db" --threads 0 -q 2>"$T_TMP/err"
check_eq "threads 0: usage error" "$?" 2

# fourteen accreditors: one evaluation per round of answers, not per answer
newdb many
printf '10.0.0.2 gradea.test.ex\n10.0.0.2 graded.test.ex\n' | add "$T_TMP/many.db"
acc="--accreditor dna.ex"
for k in 1 2 3 4 5 6 7 8 9 10 11 12 13; do acc="$acc --accreditor acc$k.test.ex"; done
hv resolve --db "$T_TMP/many.db" --dns-server "127.0.0.1:$NSD_PORT" $acc -q
check_eq "14 services: A wins" "$(q "$T_TMP/many.db" "SELECT status || grade FROM dna_result WHERE helo = 'gradea.test.ex'")" recommendedA
check_eq "14 services: D" "$(q "$T_TMP/many.db" "SELECT status || grade FROM dna_result WHERE helo = 'graded.test.ex'")" not-recommendedD
check_eq "14 services: rows" "$(q "$T_TMP/many.db" "SELECT COUNT(*) FROM dna WHERE helo = 'gradea.test.ex'")" 14
check_eq "14 services: none deferred" "$(q "$T_TMP/many.db" "SELECT COUNT(*) FROM dna WHERE status = 'defer'")" 0

# progress bar on request
newdb prog
printf '10.9.8.7 csa1.test.ex\n' | add "$T_TMP/prog.db"
hv resolve --db "$T_TMP/prog.db" --dns-server "127.0.0.1:$NSD_PORT" --progress 2>"$T_TMP/prog.err"
if grep -q 'resolve 1/1' "$T_TMP/prog.err"; then ok progress; else fail progress "$(cat "$T_TMP/prog.err")"; fi

# a policy file is stored
printf 'unknown unknown reject\n' > "$T_TMP/policy"
hv resolve --db "$T_TMP/prog.db" --dns-server "127.0.0.1:$NSD_PORT" --policy "$T_TMP/policy" -q
check_eq "policy stored" "$(q "$T_TMP/prog.db" "SELECT action FROM policy WHERE csa_status = 'unknown' AND dna_status = 'unknown'")" reject
printf 'unknown unknown maybe\n' > "$T_TMP/policy"
if hv resolve --db "$T_TMP/prog.db" --dns-server "127.0.0.1:$NSD_PORT" --policy "$T_TMP/policy" -q 2>/dev/null; then
    fail bad-policy "accepted"; else ok bad-policy; fi

# ==== zone files: the same verdicts offline ====
newdb zone
ZDB="$T_TMP/zone.db"
sessions_all | add "$ZDB"
check_cmd resolve-zone hv resolve --db "$ZDB" $RESOLVE_OPTS \
    --dns-zone "$DNS/zones/ex.zone" --dns-zone "$DNS/zones/test.ex.zone" \
    --dns-zone "$DNS/zones/dna.ex.zone" --dns-zone "$DNS/zones/dna2.ex.zone" \
    --dns-zone "$DNS/zones/rev4.zone" --dns-zone "$DNS/zones/rev6.zone"
expect_csa "$ZDB" "$CSA_CASES"
expect_dna "$ZDB"
newdb nsd2
sessions_all | add "$T_TMP/nsd2.db"
hv resolve --db "$T_TMP/nsd2.db" --dns-server "127.0.0.1:$NSD_PORT" $RESOLVE_OPTS -q
check_eq "zone = nsd (csa)" "$(q "$ZDB" "ATTACH '$T_TMP/nsd2.db' AS n;
    SELECT COUNT(*) FROM (SELECT helo, ip, status, reason, record FROM csa
      EXCEPT SELECT helo, ip, status, reason, record FROM n.csa) ;")" 0
check_eq "nsd = zone (csa)" "$(q "$ZDB" "ATTACH '$T_TMP/nsd2.db' AS n;
    SELECT COUNT(*) FROM (SELECT helo, ip, status, reason, record FROM n.csa
      EXCEPT SELECT helo, ip, status, reason, record FROM csa) ;")" 0
check_eq "zone = nsd (dna)" "$(q "$ZDB" "ATTACH '$T_TMP/nsd2.db' AS n;
    SELECT COUNT(*) FROM (SELECT helo, service, status, grade, level, info FROM dna
      EXCEPT SELECT helo, service, status, grade, level, info FROM n.dna) ;")" 0
check_eq "nsd = zone (dna)" "$(q "$ZDB" "ATTACH '$T_TMP/nsd2.db' AS n;
    SELECT COUNT(*) FROM (SELECT helo, service, status, grade, level, info FROM n.dna
      EXCEPT SELECT helo, service, status, grade, level, info FROM dna) ;")" 0
check_eq "zone = nsd (dna_result)" "$(q "$ZDB" "ATTACH '$T_TMP/nsd2.db' AS n;
    SELECT COUNT(*) FROM (SELECT helo, status, grade, service FROM dna_result
      EXCEPT SELECT helo, status, grade, service FROM n.dna_result) ;")" 0
check_eq "zone mode sends nothing" "$(last_run "$ZDB" queries)" 0
check_eq "zone answers not cached" "$(q "$ZDB" 'SELECT COUNT(*) FROM dns_cache')" 0
hv resolve --db "$ZDB" $RESOLVE_OPTS --csa-search-limit 0 -q \
    --dns-zone "$DNS/zones/ex.zone" --dns-zone "$DNS/zones/test.ex.zone" \
    --dns-zone "$DNS/zones/rev4.zone" --dns-zone "$DNS/zones/rev6.zone"
check_eq "zone: search limit 0: no forward search" "$(csa "$ZDB" h.strict.test.ex 10.0.0.1)" unknown/no-record
check_eq "zone: search limit 0 keeps the reverse search" "$(csa "$ZDB" '[192.0.2.99]' 192.0.2.99)" fail/explicit-required
# --trust-listed lets a sender vouch for itself: every report format says
# so when the DNA results came from such a run, and none does otherwise
for f in text csv json html; do
    hv report --db "$ZDB" --format $f --no-color > "$T_TMP/trust.$f" 2>&1
    if grep -q 'with --trust-listed: services a sender names itself' "$T_TMP/trust.$f"; then
        ok "trust-listed warning ($f)"; else fail "trust-listed warning ($f)" "$(head -c 300 "$T_TMP/trust.$f")"; fi
    hv report --db "$T_TMP/slow.db" --format $f --no-color > "$T_TMP/notrust.$f" 2>&1
    if grep -q 'trust-listed' "$T_TMP/notrust.$f"; then
        fail "no trust-listed warning ($f)" "$(grep trust-listed "$T_TMP/notrust.$f" | head -c 300)"
    else ok "no trust-listed warning ($f)"; fi
done
if hv resolve --db "$ZDB" --dns-zone "$T_TMP/missing.zone" -q 2>/dev/null; then
    fail missing-zone "accepted"; else ok missing-zone; fi

# ==== the scripted responder: faults, retries, truncation ====
start_faultd
newdb fault
FDB="$T_TMP/fault.db"
cat <<'EOF' | add "$FDB"
10.5.5.5 one.auth.fault.ex
10.5.5.6 one.auth.fault.ex
10.5.5.5 flaky.fault.ex
10.5.5.5 tc.fault.ex
10.5.5.5 big.fault.ex
10.5.5.5 x.servfail.fault.ex
10.5.5.5 refused.fault.ex
10.5.5.5 silent.fault.ex
10.5.5.5 nothing.fault.ex
10.5.5.5 noglue.auth.fault.ex
EOF
check_cmd resolve-faults timeout 60 "$HELOVAL" resolve --db "$FDB" --dns-server "127.0.0.1:$FAULT_PORT" \
    --accreditor dna.fault.ex --timeout 300 --tries 2
expect_csa "$FDB" "10.5.5.5 one.auth.fault.ex ok/authorized
10.5.5.6 one.auth.fault.ex fail/mismatch
10.5.5.5 flaky.fault.ex ok/authorized
10.5.5.5 tc.fault.ex ok/authorized
10.5.5.5 x.servfail.fault.ex defer/srv-lookup-failed
10.5.5.5 refused.fault.ex defer/srv-lookup-failed
10.5.5.5 silent.fault.ex defer/srv-lookup-failed
10.5.5.5 nothing.fault.ex unknown/no-record
10.5.5.5 noglue.auth.fault.ex defer/addr-lookup-failed"
check_eq "SERVFAIL retried (tries 2)" "$(loglines '^udp 33 _client._smtp.x.servfail.fault.ex$')" 2
check_eq "SERVFAIL once, then answered" "$(loglines '^udp 33 _client._smtp.flaky.fault.ex$')" 2
check_eq "REFUSED is final" "$(loglines '^udp 33 _client._smtp.refused.fault.ex$')" 1
check_eq "timeout retried (tries 2)" "$(loglines '^udp 33 _client._smtp.silent.fault.ex$')" 2
check_eq "TC answered over TCP" "$(loglines '^tcp 33 _client._smtp.tc.fault.ex$')" 1
check_eq "big TXT over TCP" "$(loglines '^tcp 16 big.fault.ex.dna.fault.ex$')" 1
check_eq "NXDOMAIN with the TLD SOA ends the parent search" "$(loglines '^udp 33 _client._smtp.fault.ex$')" 0
check_eq "one query per distinct HELO" "$(loglines '^udp 33 _client._smtp.one.auth.fault.ex$')" 1
check_eq "target A query failed" "$(loglines '^udp 1 t.servfail.noglue.auth.fault.ex$')" 2
check_eq "dna via TCP" "$(q "$FDB" "SELECT status || grade FROM dna_result WHERE helo = 'big.fault.ex'")" recommendedB
check_eq "dna defer" "$(q "$FDB" "SELECT status FROM dna_result WHERE helo = 'x.servfail.fault.ex'")" defer
check_eq "dna ok" "$(q "$FDB" "SELECT status || grade FROM dna_result WHERE helo = 'one.auth.fault.ex'")" recommendedB
check_eq "timeouts counted" "$(last_run "$FDB" timeouts)" 2
if [ "$(last_run "$FDB" failures)" -ge 3 ]; then ok failures-counted; else fail failures-counted "$(last_run "$FDB" failures)"; fi
check_eq "queries = what the responder saw" "$(last_run "$FDB" queries)" "$(grep '^udp' "$T_TMP/fault.log" | grep -vc ' 6 ex$')"
check_eq "defer kept briefly" "$(q "$FDB" "SELECT expires_at - evaluated_at FROM csa WHERE helo = 'silent.fault.ex'")" 60
seen=$(wc -l < "$T_TMP/fault.log")
hv resolve --db "$FDB" --dns-server "127.0.0.1:$FAULT_PORT" --accreditor dna.fault.ex --timeout 300 -q
check_eq "second run: the responder saw no query" "$(wc -l < "$T_TMP/fault.log")" "$seen"
check_eq "second run: none counted" "$(last_run "$FDB" queries)" 0
# failures are cached 60 s only
HELOVAL_NOW=$(( $(date +%s) + 120 )) timeout 60 "$HELOVAL" resolve --db "$FDB" --dns-server "127.0.0.1:$FAULT_PORT" \
    --accreditor dna.fault.ex --timeout 300 --tries 1 -q
check_eq "failure retried after 60 s" "$(loglines '^udp 33 _client._smtp.silent.fault.ex$')" 3
check_eq "positive answer still cached" "$(loglines '^udp 33 _client._smtp.one.auth.fault.ex$')" 1

# SRV rdata of exactly 6 bytes (issue 11): the weight decides. NSD will not
# load such a record ("bad unknown RDATA"), so the server side is faultd;
# zone-file mode reads the same records from short6.zone.
SIX='10.5.5.5 short6.fault.ex fail/not-authorized
10.5.5.5 h.short6x.fault.ex fail/explicit-required'
newdb six
echo "$SIX" | awk '{ print $1, $2 }' | add "$T_TMP/six.db"
hv resolve --db "$T_TMP/six.db" --dns-server "127.0.0.1:$FAULT_PORT" --timeout 300 -q
expect_csa "$T_TMP/six.db" "$SIX"
newdb sixz
echo "$SIX" | awk '{ print $1, $2 }' | add "$T_TMP/sixz.db"
hv resolve --db "$T_TMP/sixz.db" --dns-zone "$DNS/zones/short6.zone" -q
expect_csa "$T_TMP/sixz.db" "$SIX"
check_eq "6-byte SRV: zone = server" "$(q "$T_TMP/sixz.db" "ATTACH '$T_TMP/six.db' AS n;
    SELECT COUNT(*) FROM (SELECT helo, ip, status, reason, record FROM csa
      EXCEPT SELECT helo, ip, status, reason, record FROM n.csa) ;")" 0
check_eq "6-byte SRV record text" "$(q "$T_TMP/six.db" "SELECT record FROM csa WHERE helo = 'short6.fault.ex'")" \
    '_client._smtp.short6.fault.ex. SRV \# 6 000100010000'

# zone files and a server together: names in the zones answered offline,
# the others asked (and cached)
newdb mixed
printf '10.9.8.7 csa1.test.ex\n10.5.5.5 two.auth.fault.ex\n' | add "$T_TMP/mixed.db"
hv resolve --db "$T_TMP/mixed.db" --dns-zone "$DNS/zones/test.ex.zone" \
    --dns-server "127.0.0.1:$FAULT_PORT" -q
check_eq "mixed: zone name" "$(csa "$T_TMP/mixed.db" csa1.test.ex 10.9.8.7)" ok/authorized
check_eq "mixed: network name" "$(csa "$T_TMP/mixed.db" two.auth.fault.ex 10.5.5.5)" ok/authorized
check_eq "mixed: zone name not sent" "$(loglines 'csa1.test.ex$')" 0
check_eq "mixed: queries" "$(last_run "$T_TMP/mixed.db" queries)" 1
check_eq "mixed: only network answers cached" "$(q "$T_TMP/mixed.db" 'SELECT qname FROM dns_cache')" \
    _client._smtp.two.auth.fault.ex

# a server that does not exist: defer in bounded time
newdb dead
printf '10.5.5.5 one.auth.fault.ex\n' | add "$T_TMP/dead.db"
DEAD=$(free_port)
timeout 60 "$HELOVAL" resolve --db "$T_TMP/dead.db" --dns-server "127.0.0.1:$DEAD" --timeout 200 --tries 2 -q
check_eq "dead server defers" "$(csa "$T_TMP/dead.db" one.auth.fault.ex 10.5.5.5)" defer/srv-lookup-failed
if hv resolve --db "$T_TMP/dead.db" --dns-server "no such server" -q 2>/dev/null; then
    fail bad-server "accepted"; else ok bad-server; fi

# SIGINT: stop cleanly, keep what was fetched, the next run continues
newdb intr
IDB="$T_TMP/intr.db"
i=0
while [ $i -lt 300 ]; do echo "10.5.5.5 s$i.auth.fault.ex"; i=$((i + 1)); done | add "$IDB"
$HELOVAL_WRAP "$HELOVAL" resolve --db "$IDB" --dns-server "127.0.0.1:$FAULT_PORT" --qps 100 -q 2>/dev/null &
BG_PID=$!
wait_log ' _client._smtp.s[0-9]*.auth.fault.ex$' 20
kill -INT "$BG_PID"
wait "$BG_PID"
st=$?
BG_PID=""
if [ "$st" != 0 ]; then ok sigint-exit; else fail sigint-exit "exit 0"; fi
check_eq "sigint integrity" "$(q "$IDB" 'PRAGMA integrity_check')" ok
got=$(q "$IDB" 'SELECT COUNT(*) FROM dns_cache')
done1=$(q "$IDB" 'SELECT COUNT(*) FROM csa')
if [ "$got" -gt 0 ] && [ "$got" -lt 300 ]; then ok sigint-partial; else fail sigint-partial "$got cached"; fi
# results are written as their answers arrive: what was fetched is done
check_eq "sigint: fetched work committed" "$done1" "$got"
check_eq "sigint run row closed" "$(last_run "$IDB" 'finished_at IS NOT NULL')" 1
# (a modest --concurrency: the Python responder's socket buffer is small and
# the kernel would drop part of a 300-query burst, which heloval retries)
hv resolve --db "$IDB" --dns-server "127.0.0.1:$FAULT_PORT" --concurrency 20 -q
check_eq "resumed: all pairs" "$(q "$IDB" "SELECT COUNT(*) FROM csa WHERE status = 'ok'")" 300
check_eq "resumed: only the rest asked" "$(last_run "$IDB" queries)" $((300 - got))
# every query sent was counted, by the interrupted run too (a query in
# flight when it stopped is asked again)
check_eq "interrupted + resumed queries = what the responder saw" \
    "$(q "$IDB" 'SELECT SUM(queries) FROM resolve_runs')" \
    "$(grep -c ' 33 _client._smtp.s[0-9]*.auth.fault.ex$' "$T_TMP/fault.log")"

# SIGTERM: the same clean stop
newdb term
TDB="$T_TMP/term.db"
i=0
while [ $i -lt 200 ]; do echo "10.5.5.5 t$i.auth.fault.ex"; i=$((i + 1)); done | add "$TDB"
$HELOVAL_WRAP "$HELOVAL" resolve --db "$TDB" --dns-server "127.0.0.1:$FAULT_PORT" --qps 100 -q 2>/dev/null &
BG_PID=$!
wait_log ' _client._smtp.t[0-9]*.auth.fault.ex$' 20
kill -TERM "$BG_PID"
wait "$BG_PID"
st=$?
BG_PID=""
if [ "$st" != 0 ]; then ok sigterm-exit; else fail sigterm-exit "exit 0"; fi
check_eq "sigterm integrity" "$(q "$TDB" 'PRAGMA integrity_check')" ok
got=$(q "$TDB" "SELECT COUNT(*) FROM csa WHERE status = 'ok'")
if [ "$got" -gt 0 ] && [ "$got" -lt 200 ]; then ok sigterm-partial; else fail sigterm-partial "$got done"; fi
