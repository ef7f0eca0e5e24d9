#!/bin/sh
# SPDX-License-Identifier: MIT
# genlog.test.sh - tests/tools/genlog.py, the seeded log generator the other
# tests and the benchmark use: the same seed gives the same bytes, another
# seed other bytes, a short run is the start of a longer one; heloval reads
# every format without a skipped line, stores one session per truth row
# (mbox: per message with a border client), and the Postfix HELOs it
# exports are the truth's helo_seen.
. tests/lib.sh
D=$T_TMP

# gen NAME FORMAT ARGS... - $D/NAME.log and its truth $D/NAME.tsv
gen() {
    name=$1 fmt=$2
    shift 2
    $GENLOG --format "$fmt" --truth "$D/$name.tsv" "$@" > "$D/$name.log"
}
# rows FILE - truth rows (without the header)
rows() { echo $(( $(wc -l < "$1") - 1 )); }

# ==== reproducible: same seed, same bytes; another seed, other bytes
for f in postfix exim sendmail mbox; do
    gen "$f-a" "$f" --sessions 400 --seed 5
    gen "$f-b" "$f" --sessions 400 --seed 5
    gen "$f-c" "$f" --sessions 400 --seed 6
    cmp -s "$D/$f-a.log" "$D/$f-b.log" && ok "same-$f" || fail "same-$f" "seed 5 twice differs"
    cmp -s "$D/$f-a.tsv" "$D/$f-b.tsv" && ok "same-truth-$f" || fail "same-truth-$f" "seed 5 twice differs"
    cmp -s "$D/$f-a.log" "$D/$f-c.log" && fail "other-$f" "seeds 5 and 6 give the same log" || ok "other-$f"
done
# the hash seed plays no part
PYTHONHASHSEED=123 $GENLOG --format postfix --sessions 400 --seed 5 > "$D/hash.log"
cmp -s "$D/postfix-a.log" "$D/hash.log" && ok hashseed || fail hashseed "PYTHONHASHSEED changes the output"
# a run of 150 sessions is the start of the run of 400 (nightly.test.sh
# repeats a day's first sessions that way)
$GENLOG --format postfix --sessions 150 --seed 5 --truth "$D/short.tsv" > /dev/null
check_eq prefix "$(cksum < "$D/short.tsv")" "$(head -n 151 "$D/postfix-a.tsv" | cksum)"

# --gap spreads the sessions: 1000 at 129.6 s apart on average span about
# a day and a half (the last line on Nov 2), at the default 0.8 s a quarter
# of an hour (Nov 1); a gap that is not positive is refused
$GENLOG --format postfix --sessions 1000 --seed 5 --gap 129.6 > "$D/gap.log"
check_eq gap-first-day "$(head -n 1 "$D/gap.log" | cut -c1-6)" "Nov  1"
check_eq gap-last-day "$(tail -n 1 "$D/gap.log" | cut -c1-6)" "Nov  2"
check_eq gap-default-last-day "$($GENLOG --format postfix --sessions 1000 --seed 5 | tail -n 1 | cut -c1-6)" "Nov  1"
if $GENLOG --format postfix --sessions 10 --gap 0 > /dev/null 2>&1; then
    fail gap-zero "--gap 0 accepted"
else
    ok gap-zero
fi

# --new-clients: 0.35 is the default's bytes; a smaller chance of a new
# client gives as many sessions from fewer clients (distinct addresses of
# the truth); 0 and more than 1 are refused
gen nc-default postfix --sessions 2000 --seed 5 --new-clients 0.35
gen nc-plain postfix --sessions 2000 --seed 5
gen nc-few postfix --sessions 2000 --seed 5 --new-clients 0.05
cmp -s "$D/nc-default.log" "$D/nc-plain.log" && ok new-clients-default ||
    fail new-clients-default "--new-clients 0.35 is not the default's bytes"
check_eq new-clients-sessions "$(rows "$D/nc-few.tsv")" 2000
# addresses - distinct client addresses of truth file $1
addresses() { awk -F'\t' 'NR > 1 && $2 != ""' "$1" | cut -f2 | sort -u | wc -l; }
plain=$(addresses "$D/nc-plain.tsv") few=$(addresses "$D/nc-few.tsv")
# about 700 (0.35 of 2000) against about 100 (0.05)
[ "$plain" -gt 500 ] && [ "$few" -lt 200 ] && ok new-clients-fewer ||
    fail new-clients-fewer "distinct clients: $plain by default, $few at 0.05"
for p in 0 1.5; do
    if $GENLOG --format postfix --sessions 10 --new-clients $p > /dev/null 2>&1; then
        fail "new-clients-refused-$p" "--new-clients $p accepted"
    else
        ok "new-clients-refused-$p"
    fi
done

# ==== the truth file: header, six columns, its vocabulary
check_eq truth-header "$(head -n 1 "$D/postfix-a.tsv")" \
    "$(printf 'session_no\tip\thelo_sent\thelo_seen\thelo_origin\tdisposition')"
bad=$(cat "$D"/*-a.tsv | awk -F'\t' '$1 != "session_no" && (NF != 6 ||
    $5 !~ /^(logged|implied|unobserved|absent)$/ ||
    $6 !~ /^(accepted|rejected|deferred|lost)$/ ||
    ($5 == "logged" && $4 == "") || ($5 == "absent" && $3 != ""))' | wc -l)
check_eq truth-rows-valid "$bad" 0
for o in logged unobserved absent; do
    n=$(awk -F'\t' -v o=$o '$5 == o' "$D/postfix-a.tsv" | wc -l)
    [ "$n" -gt 0 ] && ok "postfix-has-$o" || fail "postfix-has-$o" "no $o row"
done
n=$(awk -F'\t' '$5 == "implied"' "$D/exim-a.tsv" | wc -l)
[ "$n" -gt 0 ] && ok exim-has-implied || fail exim-has-implied "no implied row"

# ==== heloval reads all of it
# scan NAME [OPTS] - scan $D/NAME.log into $D/NAME.db
scan() {
    name=$1
    shift
    check_cmd "scan-$name" hv scan --db "$D/$name.db" -q --year 2026 "$@" "$D/$name.log"
}
skips() { q "$D/$1.db" "select coalesce(group_concat(reason || '=' || count, ' '), '') from source_skips"; }
gen pf postfix --sessions 3000 --seed 21
gen ex exim --sessions 3000 --seed 22
gen exp exim --sessions 3000 --seed 23 --exim-pid
gen sm sendmail --sessions 3000 --seed 24
gen mb mbox --sessions 3000 --seed 25
for n in pf ex exp sm; do
    scan $n
    check_eq "$n-no-skips" "$(skips $n)" ""
    check_eq "$n-lines" "$(q "$D/$n.db" 'select lines_read from sources')" "$(wc -l < "$D/$n.log" | tr -d ' ')"
    check_eq "$n-sessions" "$(q "$D/$n.db" 'select count(*) from sessions')" "$(rows "$D/$n.tsv")"
done
grep -q "no host name found" "$D/exp.log" && ok exim-pid-lookup || fail exim-pid-lookup "no lookup line"
grep -q ']:[0-9]* (TCP/IP connection count' "$D/ex.log" && ok exim-ports || fail exim-ports "no port"
scan mb
check_eq mb-only-no-client-hop "$(skips mb)" "no-client-hop=$(awk -F'\t' 'NR > 1 && $2 == ""' "$D/mb.tsv" | wc -l)"
check_eq mb-sessions "$(q "$D/mb.db" 'select count(*) from sessions')" \
    "$(awk -F'\t' 'NR > 1 && $2 != ""' "$D/mb.tsv" | wc -l)"

# ==== the sessions are the truth's, disposition included
# pairs DB - "ip helo disposition" of every session, sorted
pairs() { q "$1" "select ip || ' ' || coalesce(helo, '') || ' ' || disposition from sessions" | sort; }
tpairs() { awk -F'\t' 'NR > 1 && $2 != "" { print $2 " " $4 " " $6 }' "$1" | sort; }
check_eq pf-truth "$(pairs "$D/pf.db" | cksum)" "$(tpairs "$D/pf.tsv" | cksum)"
check_eq mb-truth "$(q "$D/mb.db" "select ip || ' ' || coalesce(helo, '') || ' accepted' from sessions" | sort | cksum)" \
    "$(tpairs "$D/mb.tsv" | cksum)"
# the Postfix export: the (ip, helo) pairs of the sessions with a HELO are
# the truth's (ip, helo_seen) where that is not empty
check_cmd pf-export hv export sessions --db "$D/pf.db" --format tsv -o "$D/pf.export"
check_eq pf-export-helos "$(awk -F'\t' 'NR > 1 && $6 != "" && $6 != "\\N" { print $5 " " $6 }' "$D/pf.export" | sort | cksum)" \
    "$(awk -F'\t' 'NR > 1 && $4 != "" { print $2 " " $4 }' "$D/pf.tsv" | sort | cksum)"
n=$(awk -F'\t' 'NR > 1 && $4 != ""' "$D/pf.tsv" | wc -l)
[ "$n" -gt 1000 ] && ok pf-export-many || fail pf-export-many "only $n sessions with a HELO"
# Exim: every HELO the log writes is stored with its client (the implied
# ones are not asserted here); the Sendmail dispositions are the truth's
pairs "$D/ex.db" > "$D/ex.pairs"
missing=$(awk -F'\t' 'NR > 1 && $5 == "logged" { print $2 " " $4 " " $6 }' "$D/ex.tsv" | sort |
    comm -23 - "$D/ex.pairs" | wc -l)
check_eq ex-logged-helos "$missing" 0
check_eq sm-dispositions "$(q "$D/sm.db" "select ip || ' ' || disposition from sessions" | sort | cksum)" \
    "$(awk -F'\t' 'NR > 1 { print $2 " " $6 }' "$D/sm.tsv" | sort | cksum)"
