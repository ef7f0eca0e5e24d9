#!/bin/sh
# scanio.test.sh - scanning inputs in pieces and through pipes: a log scanned,
# grown (as cron after logrotate would see it) and scanned again must give
# exactly the rows of one clean scan of the final file; pipes, /dev/stdin and
# FIFOs are read once and whole; syslog files holding several MTAs.
. tests/lib.sh
D=$T_TMP
export HELOVAL_NO_THREADS

# export_rows DB - the stored sessions, sorted (header dropped).
export_rows() {
    hv export sessions --db "$1" --format tsv | tail -n +2 | sort
}

# clean_rows FILE - the rows of one clean scan of FILE into a fresh DB.
clean_rows() {
    rm -f "$D/clean.db"*
    hv scan --db "$D/clean.db" -q --year 2026 "$1" 2>/dev/null
    export_rows "$D/clean.db"
}

# grow_check NAME SRC CUT... - scan the first CUT bytes of SRC (as grow.log),
# then each larger CUT, then the whole of SRC; the rows must equal those of
# one clean scan of the final file, and no source may be stored twice.
grow_check() {
    name=$1 src=$2
    shift 2
    rm -f "$D/inc.db"* "$D/grow.log"
    : > "$D/grow.log"
    have=0
    for cut in "$@" $(wc -c < "$src"); do
        tail -c +$((have + 1)) "$src" | head -c $((cut - have)) >> "$D/grow.log"
        have=$cut
        hv scan --db "$D/inc.db" -q --year 2026 "$D/grow.log" 2>"$D/inc.err" ||
            { fail "$name-scan-$cut" "$(head -c 300 "$D/inc.err")"; return; }
    done
    export_rows "$D/inc.db" > "$D/inc.rows"
    clean_rows "$D/grow.log" > "$D/clean.rows"
    if cmp -s "$D/inc.rows" "$D/clean.rows"; then ok "$name"; else
        fail "$name" "rows differ from a clean scan: $(diff "$D/clean.rows" "$D/inc.rows" | head -8)"
    fi
    check_eq "$name-sources" "$(q "$D/inc.db" 'select count(*) from sources')" 1
    check_eq "$name-lines" "$(q "$D/inc.db" 'select lines_read from sources')" \
        "$(q "$D/clean.db" 'select lines_read from sources')"
}

# byte offset of the end of line N of FILE
line_end() { head -n "$2" "$1" | wc -c; }

# A Postfix log with postscreen: big enough to pass 4 KiB early on.
$GENLOG --format postfix --sessions 120 --seed 7 > "$D/pf.log"
# a postscreen CONNECT past the first 4 KiB (its PASS or reject follows)
ps_line=$(grep -n 'postscreen.*CONNECT from' "$D/pf.log" | awk -F: '$1 > 60 { print $1; exit }')

for threads in 1 0; do
    if [ $threads = 1 ]; then unset HELOVAL_NO_THREADS; t=thr; else HELOVAL_NO_THREADS=1; t=one; fi
    # 7a. under 4 KiB at the first scan, then grown past it
    grow_check "small-grows-$t" "$D/pf.log" "$(line_end "$D/pf.log" 5)" \
        "$(line_end "$D/pf.log" 12)"
    # 7b. cut right after a postscreen CONNECT (a session still open)
    grow_check "postscreen-open-$t" "$D/pf.log" "$(line_end "$D/pf.log" "$ps_line")" \
        "$(line_end "$D/pf.log" $((ps_line + 60)))"
    # 7c. cut inside a line: the last line has no newline yet
    grow_check "no-newline-$t" "$D/pf.log" $(($(line_end "$D/pf.log" 40) - 17)) \
        $(($(line_end "$D/pf.log" 90) - 5))
    # a file that ends without a newline is not read again by the next scan
    head -c $(($(wc -c < "$D/pf.log") - 1)) "$D/pf.log" > "$D/nonl.log"
    rm -f "$D/n.db"*
    hv scan --db "$D/n.db" -q --year 2026 "$D/nonl.log"
    check_cmd "nonl-rescan-$t" hv scan --db "$D/n.db" --year 2026 "$D/nonl.log"
    grep -q "1 unchanged" "$T_TMP/err" && ok "nonl-unchanged-$t" ||
        fail "nonl-unchanged-$t" "$(cat "$T_TMP/err")"
    # many cuts, at line ends and inside lines
    grow_check "many-cuts-$t" "$D/pf.log" 300 2000 4095 4096 4097 9000 \
        "$(line_end "$D/pf.log" 200)" 40000 "$(line_end "$D/pf.log" 500)" 100000
done
unset HELOVAL_NO_THREADS

# Exim and Sendmail logs grown in pieces
$GENLOG --format exim --sessions 60 --seed 5 > "$D/ex.log"
grow_check exim-grows "$D/ex.log" 1500 "$(line_end "$D/ex.log" 30)" 9000
$GENLOG --format sendmail --sessions 60 --seed 5 > "$D/sm.log"
grow_check sendmail-grows "$D/sm.log" 1500 "$(line_end "$D/sm.log" 30)" 9000
# an mbox grown inside a header and inside a body: the last message is open
# until the next From_ line
$GENLOG --format mbox --sessions 40 --seed 5 > "$D/mb.log"
grow_check mbox-grows "$D/mb.log" 119 "$(line_end "$D/mb.log" 30)" 9653 20000

# 8. pipes: read once and whole (no 64 KiB lost, no hang), whatever the path
$GENLOG --format postfix --sessions 400 --seed 9 > "$D/big.log"
rm -f "$D/ref.db"*
hv scan --db "$D/ref.db" -q --year 2026 "$D/big.log"
# rows without the source column
rows_of() { hv export sessions --db "$1" --format tsv | tail -n +2 | cut -f2- | sort; }
rows_of "$D/ref.db" > "$D/ref.rows"
# pipe_check NAME CMD - CMD (sh -c; $H is heloval under `timeout 60`, $DB the
# database, $LOG big.log) scans big.log through a pipe
pipe_check() {
    rm -f "$D/p.db"*
    if DB="$D/p.db" LOG="$D/big.log" H="timeout 60 $HELOVAL" sh -c "$2" >/dev/null 2>"$D/p.err"; then
        rows_of "$D/p.db" > "$D/p.rows"
        if cmp -s "$D/p.rows" "$D/ref.rows"; then ok "$1"; else
            fail "$1" "$(wc -l < "$D/p.rows") rows, want $(wc -l < "$D/ref.rows"): $(head -c 300 "$D/p.err")"
        fi
    else
        fail "$1" "exit $? (124: hung): $(head -c 300 "$D/p.err")"
    fi
}
for threads in 1 0; do
    if [ $threads = 1 ]; then unset HELOVAL_NO_THREADS; t=thr; else HELOVAL_NO_THREADS=1; t=one; fi
    pipe_check "pipe-dash-$t" 'cat "$LOG" | $H scan --db "$DB" -q --year 2026 -'
    pipe_check "pipe-devstdin-$t" 'cat "$LOG" | $H scan --db "$DB" -q --year 2026 /dev/stdin'
    if command -v bash >/dev/null; then
        pipe_check "pipe-procsubst-$t" 'bash -c '\''$H scan --db "$DB" -q --year 2026 <(cat "$LOG")'\'
        pipe_check "pipe-procsubst-gz-$t" 'bash -c '\''$H scan --db "$DB" -q --year 2026 <(gzip -c "$LOG")'\'
    fi
    rm -f "$D/fifo"
    mkfifo "$D/fifo"
    pipe_check "fifo-$t" '(cat "$LOG" > "'"$D"'/fifo" &); $H scan --db "$DB" -q --year 2026 "'"$D"'/fifo"'
    # a slow writer: the reader waits for it
    pipe_check "fifo-slow-$t" '( { head -c 70000 "$LOG"; sleep 1; tail -c +70001 "$LOG"; } > "'"$D"'/fifo" &); $H scan --db "$DB" -q --year 2026 "'"$D"'/fifo"'
done
unset HELOVAL_NO_THREADS
# a stream is known by its content like a file: piped again grown, it
# gives the rows of one clean scan; piped again shorter, it adds nothing
rm -f "$D/s.db"*
head -c 70000 "$D/big.log" | hv scan --db "$D/s.db" -q --year 2026 -
hv scan --db "$D/s.db" -q --year 2026 - < "$D/big.log"
head -c 5000 "$D/big.log" | hv scan --db "$D/s.db" -q --year 2026 -
rows_of "$D/s.db" > "$D/s.rows"
cmp -s "$D/s.rows" "$D/ref.rows" && ok stream-grows ||
    fail stream-grows "$(diff "$D/ref.rows" "$D/s.rows" | head -4)"
check_eq stream-sources "$(q "$D/s.db" 'select count(*) from sources')" 1

# 6. one syslog file with the lines of several programs: every MTA's
# sessions stored with its MTA, the lines of other daemons counted apart
$GENLOG --format postfix --sessions 80 --seed 21 > "$D/m-pf.log"
$GENLOG --format sendmail --sessions 60 --seed 22 > "$D/m-sm.log"
# Exim's own lines behind a syslog prefix (as with log_file_path = syslog)
$GENLOG --format exim --sessions 60 --seed 23 |
    sed -E 's/^2026-11-01 ([0-9:]+) /Nov  1 \1 mx1 exim[4242]: /' > "$D/m-ex.log"
awk '{ if (NR % 7 == 0) printf "Nov  1 %s mx1 dovecot: imap-login: Login: user=<u%d>, method=PLAIN\n", $3, NR;
       else if (NR % 11 == 0) printf "Nov  1 %s mx1 opendkim[77]: ABC%d: no signature data\n", $3, NR }' \
    "$D/m-pf.log" > "$D/m-other.log"
cat "$D/m-pf.log" "$D/m-sm.log" "$D/m-ex.log" "$D/m-other.log" | sort -s -k3,3 > "$D/mixed.log"
# the rows of each MTA's log scanned alone, without source and line
rm -f "$D/sep.db"*
hv scan --db "$D/sep.db" -q --year 2026 "$D/m-pf.log" "$D/m-sm.log" "$D/m-ex.log"
hv export sessions --db "$D/sep.db" --format tsv | no_session_id | tail -n +2 | cut -f3- | sort > "$D/sep.rows"
for threads in 1 0; do
    if [ $threads = 1 ]; then unset HELOVAL_NO_THREADS; t=thr; else HELOVAL_NO_THREADS=1; t=one; fi
    rm -f "$D/mix.db"*
    check_cmd "mixed-scan-$t" hv scan --db "$D/mix.db" --year 2026 "$D/mixed.log"
    hv export sessions --db "$D/mix.db" --format tsv | no_session_id | tail -n +2 | cut -f3- | sort > "$D/mix.rows"
    if cmp -s "$D/mix.rows" "$D/sep.rows"; then ok "mixed-rows-$t"; else
        fail "mixed-rows-$t" "$(wc -l < "$D/mix.rows") rows, want $(wc -l < "$D/sep.rows")"
    fi
    for mta in postfix exim sendmail; do
        check_eq "mixed-$mta-$t" "$(q "$D/mix.db" "select count(*) from sessions where mta='$mta'")" \
            "$(q "$D/sep.db" "select count(*) from sessions where mta='$mta'")"
    done
    check_eq "mixed-other-$t" "$(q "$D/mix.db" "select count from source_skips where reason='other-program'")" \
        "$(wc -l < "$D/m-other.log")"
    check_eq "mixed-skips-$t" "$(q "$D/mix.db" "select coalesce(sum(count),0) from source_skips where reason<>'other-program'")" \
        "$(q "$D/sep.db" "select coalesce(sum(count),0) from source_skips")"
    grep -q "$(wc -l < "$D/m-other.log") line(s) of other programs" "$T_TMP/err" && ok "mixed-msg-$t" ||
        fail "mixed-msg-$t" "$(cat "$T_TMP/err")"
    grep -q "postfix $(q "$D/sep.db" "select count(*) from sessions where mta='postfix'"), exim $(q "$D/sep.db" "select count(*) from sessions where mta='exim'"), sendmail $(q "$D/sep.db" "select count(*) from sessions where mta='sendmail'")" "$T_TMP/err" &&
        ok "mixed-summary-$t" || fail "mixed-summary-$t" "$(cat "$T_TMP/err")"
    # the report's skipped-line total leaves other programs' lines out
    check_eq "mixed-report-skipped-$t" "$(hv report --db "$D/mix.db" --format json |
        python3 -c 'import json,sys; print(json.load(sys.stdin)["summary"]["lines_skipped"])')" \
        "$(q "$D/sep.db" "select coalesce(sum(count),0) from source_skips")"
done
unset HELOVAL_NO_THREADS
# grown in pieces, the mixed file gives the rows of one clean scan
grow_check mixed-grows "$D/mixed.log" 3000 "$(line_end "$D/mixed.log" 100)" 20000
