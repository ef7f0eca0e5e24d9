#!/bin/sh
# evaluate.test.sh - `heloval evaluate`, the pipe-mode filter: over the
# sample logs and their DNS snapshot its rows equal `export verdicts` of a
# scanned and resolved database (tsv and jsonl); against a real NSD a
# second evaluate of the same pairs sends no query; bad lines of every kind
# are counted, reported and answered with an aligned "invalid-input" row;
# --policy changes the verdict; 100,000 pairs run in bounded memory; a
# reader that goes away ends it with 141. Everything started here is
# killed on exit.
. tests/lib.sh

DNS="$PWD/tests/dns"
ZONE="$PWD/sample-logs/dns-snapshot.zone"
NSD_PID=""
cleanup() {
    [ -n "$NSD_PID" ] && kill "$NSD_PID" 2>/dev/null && wait "$NSD_PID" 2>/dev/null
    NSD_PID=""
}
trap 'cleanup; t_finish; exit $?' EXIT
trap 'exit 1' INT TERM HUP PIPE
W="$T_TMP"
OPTS="--accreditor dna.example --dns-zone $ZONE"

# ==== equal to export verdicts (zone file, sample logs) ====
hv run --db "$W/s.db" --year 2026 $OPTS --no-progress -q sample-logs >/dev/null ||
    fail scan-sample "heloval run failed"
# the distinct observed pairs of the scanned database, and their columns
# (the export's NULL, \N, is an empty cell in evaluate's rows; a \N HELO
# read back is no HELO)
hv export verdicts --db "$W/s.db" |
    awk -F'\t' 'NR > 1 && $11 != "helo-unobserved" { OFS = "\t";
        for (i = 1; i <= NF; i++) if ($i == "\\N") $i = ""
        print $5, $6, $10, $11, $12, $13, $14, $15, $16, $17, "" }' |
    sort -u > "$W/want.tsv"
cut -f1,2 "$W/want.tsv" > "$W/pairs.tsv"
n=$(wc -l < "$W/pairs.tsv")
if [ "$n" -gt 40 ]; then ok pairs; else fail pairs "only $n pairs"; fi

# a batch left behind (evaluate killed with -9 between adding and removing
# it: planted here) is no mail received: no report or export shows it
cp "$W/s.db" "$W/left.db"
hv report --db "$W/s.db" --format json --table headline > "$W/left-before.json"
hv export sessions --db "$W/s.db" > "$W/left-before.tsv"
q "$W/left.db" "INSERT INTO sources(id, path, fingerprint, fp_len, format)
    VALUES (999, '(evaluate)', 'heloval-evaluate', 0, NULL);
    INSERT INTO sessions(id, source_id, line, ts, mta, ip, helo, disposition, messages)
    VALUES ((999 << 32) | 1, 999, 1, 1793500000, 'postfix', '192.0.2.99',
            'left.example', 'accepted', 1)"
check_eq "left batch: planted" "$(q "$W/left.db" 'SELECT COUNT(*) FROM sessions WHERE source_id = 999')" 1
hv report --db "$W/left.db" --format json --table headline > "$W/left-after.json"
hv export sessions --db "$W/left.db" > "$W/left-after.tsv"
check_eq "left batch: report unchanged" "$(cmp -s "$W/left-before.json" "$W/left-after.json" && echo same)" same
check_eq "left batch: export unchanged" "$(cmp -s "$W/left-before.tsv" "$W/left-after.tsv" && echo same)" same
check_eq "left batch: sources table" "$(hv report --db "$W/left.db" --format csv --table sources | grep -c evaluate)" 0
check_eq "pairs distinct" "$(sort -u "$W/pairs.tsv" | wc -l)" "$n"
hv evaluate --db "$W/c.db" $OPTS < "$W/pairs.tsv" > "$W/got.tsv" 2>"$W/err" ||
    fail evaluate-tsv "exit $?: $(cat "$W/err")"
check_eq "tsv: the rows of export verdicts" "$(cat "$W/got.tsv")" "$(cat "$W/want.tsv")"
check_eq "tsv: summary" "$(cat "$W/err")" \
    "heloval: evaluate: $n pairs, 0 bad lines, 0 queries, 0 cache hits"
check_eq "cache: CSA rows stored" "$(q "$W/c.db" 'SELECT COUNT(*) FROM csa')" "$n"
check_eq "cache: no batch left" \
    "$(q "$W/c.db" 'SELECT (SELECT COUNT(*) FROM sessions) + (SELECT COUNT(*) FROM sources)')" 0
check_eq "cache: one resolve run" "$(q "$W/c.db" 'SELECT COUNT(*) FROM resolve_runs')" 1
check_eq "cache: DNA names" "$(q "$W/c.db" 'SELECT names FROM resolve_runs')" \
    "$(cut -f2 "$W/pairs.tsv" | grep . | sort -u | wc -l)"
# the second time: nothing left to evaluate
hv evaluate --db "$W/c.db" $OPTS < "$W/pairs.tsv" > "$W/got2.tsv" 2>/dev/null
check_eq "second run: same rows" "$(cat "$W/got2.tsv")" "$(cat "$W/want.tsv")"
check_eq "second run: nothing evaluated" \
    "$(q "$W/c.db" 'SELECT names FROM resolve_runs ORDER BY id DESC LIMIT 1')" 0
# a reversed input: rows follow the input order
tac "$W/pairs.tsv" | hv evaluate --db "$W/c.db" $OPTS -q > "$W/rev.tsv"
check_eq "input order kept" "$(cat "$W/rev.tsv")" "$(tac "$W/want.tsv")"
# an empty HELO is a client without one
printf '192.0.2.10\t\n' | hv evaluate --db "$W/c.db" $OPTS -q > "$W/nohelo.tsv"
check_eq "empty HELO: no-helo" "$(cut -f3,4,9 "$W/nohelo.tsv")" "$(printf 'unknown\tno-helo\tmark')"
# \N (the exports' NULL) is no HELO too; \\N is the HELO "\N"
printf '192.0.2.10\t\\N\n192.0.2.10\t\\\\N\n' | hv evaluate --db "$W/c.db" $OPTS -q > "$W/nullhelo.tsv"
check_eq "\\N HELO: no-helo" "$(cut -f2,3,4 "$W/nullhelo.tsv")" \
    "$(printf '\tunknown\tno-helo\n\\\\N\tunknown\tinvalid-helo')"
# header in, header out
{ printf 'ip\thelo\n'; head -3 "$W/pairs.tsv"; } | hv evaluate --db "$W/c.db" $OPTS -q --header > "$W/h.tsv"
check_eq "header written, input header skipped" "$(head -1 "$W/h.tsv")" \
    "$(printf 'ip\thelo\tcsa_status\tcsa_reason\tcsa_record\tdna_status\tdna_grade\tdna_service\tverdict\tsmtp_reply\terror')"
check_eq "header: 3 rows" "$(tail -n +2 "$W/h.tsv")" "$(head -3 "$W/want.tsv")"
# TSV escapes of the input are read as export writes them
printf '192.0.2.10\tmail\\\\x\\tY\n' | hv evaluate --db "$W/c.db" $OPTS -q > "$W/esc.tsv"
check_eq "tsv escapes round-trip" "$(cut -f2,3 "$W/esc.tsv")" "$(printf 'mail\\\\x\\tY\tunknown')"

# ==== jsonl ====
python3 -c '
import json, sys
for l in open(sys.argv[1]):
    ip, helo = l.rstrip("\n").split("\t")
    print(json.dumps({"ip": ip, "helo": helo}))' "$W/pairs.tsv" > "$W/pairs.jsonl"
hv evaluate --db "$W/cj.db" $OPTS --format jsonl -q < "$W/pairs.jsonl" > "$W/got.jsonl" ||
    fail evaluate-jsonl "exit $?"
python3 -c '
import json, sys
cols = "ip helo csa_status csa_reason csa_record dna_status dna_grade dna_service verdict smtp_reply error".split()
for l in open(sys.argv[1]):
    o = json.loads(l)
    assert list(o) == cols, list(o)
    print("\t".join(o[c] for c in cols))' "$W/got.jsonl" > "$W/got-j.tsv" 2>"$W/err" ||
    fail jsonl-valid "$(tail -1 "$W/err")"
check_eq "jsonl: the rows of export verdicts" "$(cat "$W/got-j.tsv")" "$(cat "$W/want.tsv")"
printf '{"helo": null, "x": [1], "ip": "192.0.2.10"}\n{"ip":"192.0.2.10","helo":null,"n":1.5e3,"t":true}\n' |
    hv evaluate --db "$W/cj.db" $OPTS --format jsonl -q > "$W/null.jsonl"
check_eq "jsonl: arrays are bad, null HELO is none" "$(python3 -c '
import json, sys
for l in open(sys.argv[1]):
    o = json.loads(l); print(o["verdict"], o["csa_reason"], o["error"])' "$W/null.jsonl")" \
    "$(printf 'invalid-input  bad-json\nmark no-helo ')"

# ==== bad lines: counted, reported, aligned ====
good=$(sed -n 2p "$W/pairs.tsv")
wantgood=$(sed -n 2p "$W/want.tsv")
python3 - "$W/bad.tsv" "$good" <<'EOF'
import sys
good = sys.argv[2].encode()
lines = [good, b"no tab here", b"a\tb\tc", b"300.1.2.3\tmail.example.com",
         good, b"192.0.2.10\tmail\x00x", b"192.0.2.1\t" + b"h" * 70000,
         b"\t", b"\xff\xfe\t\x01", good]
open(sys.argv[1], "wb").write(b"\n".join(lines))   # no final newline
EOF
hv evaluate --db "$W/c.db" $OPTS < "$W/bad.tsv" > "$W/bad.out" 2>"$W/bad.err"
check_eq "bad lines: exit 0" "$?" 0
check_eq "bad lines: one row per input line" "$(wc -l < "$W/bad.out")" 10
check_eq "bad lines: reasons in order" "$(cut -f9,11 "$W/bad.out" | cut -c1-40)" \
    "$(printf '%s\t\ninvalid-input\tnot-two-fields\ninvalid-input\tnot-two-fields\ninvalid-input\tbad-ip\n%s\t\ninvalid-input\tnul-byte\ninvalid-input\ttoo-long\ninvalid-input\tbad-ip\ninvalid-input\tbad-ip\n%s\t' \
        "$(echo "$wantgood" | cut -f9)" "$(echo "$wantgood" | cut -f9)" "$(echo "$wantgood" | cut -f9)")"
check_eq "bad lines: good rows unchanged" "$(sed -n '1p;5p;10p' "$W/bad.out" | sort -u)" "$wantgood"
check_eq "bad lines: bad ip echoed" "$(sed -n 4p "$W/bad.out" | cut -f1,2)" "$(printf '300.1.2.3\tmail.example.com')"
check_eq "bad lines: summary" "$(cat "$W/bad.err")" \
    "heloval: evaluate: 3 pairs, 7 bad lines (2 not-two-fields, 3 bad-ip, 1 nul-byte, 1 too-long), 0 queries, 0 cache hits"
hv evaluate --db "$W/c.db" $OPTS -q < "$W/bad.tsv" > /dev/null 2>"$W/q.err"
check_eq "-q: no summary" "$(cat "$W/q.err")" ""
printf '{"ip": "192.0.2.10", "helo": "x"\n[1]\n{"ip": "192.0.2.10", "helo": "a\\u0000b"}\n{"ip": "192.0.2.10", "helo": "\\ud800"}\n{"ip": "::1", "helo": "\\u00ff\\u00e9\\u2028"}\nip\thelo\n{"ip": "1.2.3.4", "ip": "1.2.3.4", "helo": "h"}\n{"ip": 5, "helo": "h"}\n' |
    hv evaluate --db "$W/c.db" $OPTS --format jsonl > "$W/badj.out" 2>"$W/badj.err"
check_eq "bad json: exit 0" "$?" 0
check_eq "bad json: reasons" "$(python3 -c '
import json, sys
for l in open(sys.argv[1]):
    o = json.loads(l); print(o["error"] or o["csa_status"])' "$W/badj.out" | tr '\n' ' ')" \
    "bad-json bad-json nul-byte bad-json unknown bad-json bad-json bad-json "
check_eq "bad json: \\u00XX is a byte, other escapes UTF-8" \
    "$(sed -n 5p "$W/badj.out" | cut -c1-43)" '{"ip": "::1", "helo": "\u00ff\u00e9\u2028",'
check_eq "bad json: summary" "$(cat "$W/badj.err")" \
    "heloval: evaluate: 1 pairs, 7 bad lines (6 bad-json, 1 nul-byte), 0 queries, 0 cache hits"
printf '' | hv evaluate --db "$W/c.db" $OPTS > "$W/empty.out" 2>/dev/null
check_eq "empty input: exit 0" "$?" 0
check_eq "empty input: no rows" "$(wc -c < "$W/empty.out")" 0
hv evaluate --db "$W/c.db" $OPTS --format csv </dev/null >/dev/null 2>"$W/err"
check_eq "csv: usage error" "$?" 2

# ==== --policy ====
printf 'ok * mark\n' > "$W/mark.policy"
hv evaluate --db "$W/cp.db" $OPTS --policy "$W/mark.policy" -q < "$W/pairs.tsv" > "$W/pol.tsv"
check_eq "policy: ok pairs marked" \
    "$(awk -F'\t' '$3 == "ok" { print $9 }' "$W/pol.tsv" | sort -u)" mark
check_eq "policy: the default accepts some of them" \
    "$(awk -F'\t' '$3 == "ok" && $9 == "accept" { print "y" }' "$W/got.tsv" | sort -u)" y
check_eq "policy: other columns unchanged" "$(cut -f1-8 "$W/pol.tsv")" "$(cut -f1-8 "$W/got.tsv")"

# ==== a reader that goes away: 141 ====
python3 -c '
for i in range(30000): print("10.1.%d.%d\th%d.example.com" % (i >> 8, i & 255, i))' > "$W/mid.tsv"
( hv evaluate --db "$W/c.db" $OPTS -q < "$W/mid.tsv"; echo $? > "$W/pipe.rc" ) | head -1 > /dev/null
check_eq "stdout closed early: exit 141" "$(cat "$W/pipe.rc")" 141
# stdin closed early (a producer that stops): the rows read are answered
head -c 100000 "$W/mid.tsv" | hv evaluate --db "$W/c.db" $OPTS -q > "$W/part.out"
check_eq "stdin closed early: one row per line read" "$(wc -l < "$W/part.out")" \
    "$(head -c 100000 "$W/mid.tsv" | awk 'END { print NR }')"

# SIGINT while waiting for input: stops at once, exit 1, says so
mkfifo "$W/fifo"
( printf '192.0.2.10\tmail.example.com\n'; sleep 5 ) > "$W/fifo" &
feeder=$!
$HELOVAL_WRAP "$HELOVAL" evaluate --db "$W/c.db" $OPTS < "$W/fifo" > "$W/int.out" 2>"$W/int.err" &
pid=$!
sleep 2
kill -INT "$pid" 2>/dev/null
wait "$pid"
check_eq "SIGINT: exit 1" "$?" 1
kill "$feeder" 2>/dev/null
check_eq "SIGINT: said" "$(tail -1 "$W/int.err")" "heloval: error: evaluate interrupted"
check_eq "SIGINT: no batch left" "$(q "$W/c.db" 'SELECT COUNT(*) FROM sessions')" 0

# ==== 100,000 pairs in bounded memory ====
# (not under valgrind or ASan: their own memory is not the program's)
case "$HELOVAL" in *asan*) PLAIN= ;; *) PLAIN=${HELOVAL_WRAP:-y} ;; esac
if [ "$PLAIN" = y ]; then
    python3 -c '
for i in range(100000): print("10.%d.%d.%d\th%d.example.com" % (i >> 16, (i >> 8) & 255, i & 255, i % 5000))' > "$W/big.tsv"
    /usr/bin/time -f %M -o "$W/rss" "$HELOVAL" evaluate --db "$W/big.db" $OPTS -q \
        < "$W/big.tsv" > "$W/big.out"
    check_eq "100k: rows" "$(wc -l < "$W/big.out")" 100000
    check_eq "100k: order" "$(cut -f1,2 "$W/big.out" | cmp - "$W/big.tsv" && echo same)" same
    rss=$(cat "$W/rss")
    if [ "$rss" -lt 100000 ]; then ok rss; else fail rss "peak RSS $rss KB"; fi
    check_eq "100k: batches" "$(q "$W/big.db" 'SELECT COUNT(*) FROM resolve_runs')" 10
fi

# ==== a real NSD: the second evaluate sends no query ====
if command -v nsd >/dev/null 2>&1; then
    start_nsd
    printf '10.9.8.7\tcsa1.test.ex.\n10.0.0.1\th.strict.test.ex.\n10.0.0.2\tgradea.test.ex\n10.0.0.2\tgraded.test.ex\n10.0.0.2\tnothing.test.ex\nbad\tline\n10.0.0.3\t\n' > "$W/n.tsv"
    NOPTS="--accreditor dna.ex --no-reverse --timeout 1000 --tries 2 --dns-server 127.0.0.1:$NSD_PORT"
    hv evaluate --db "$W/n.db" $NOPTS < "$W/n.tsv" > "$W/n1.out" 2>"$W/n1.err" ||
        fail nsd-run "exit $?: $(cat "$W/n1.err")"
    check_eq "nsd: verdicts" "$(cut -f3,4,6,7,9,11 "$W/n1.out")" "$(printf '%s\n' \
        'ok	authorized	recommended	B	accept	' \
        'fail	explicit-required	unknown		reject	' \
        'unknown	no-record	recommended	A	mark	' \
        'unknown	no-record	not-recommended	D	reject	' \
        'unknown	no-record	unknown		mark	' \
        '				invalid-input	bad-ip' \
        'unknown	no-helo	unknown		mark	')"
    n1=$(q "$W/n.db" 'SELECT queries FROM resolve_runs ORDER BY id DESC LIMIT 1')
    if [ "$n1" -gt 5 ]; then ok nsd-queries; else fail nsd-queries "$n1"; fi
    case $(cat "$W/n1.err") in
        *" $n1 queries"*) ok nsd-summary ;;
        *) fail nsd-summary "$(cat "$W/n1.err")" ;;
    esac
    hv evaluate --db "$W/n.db" $NOPTS < "$W/n.tsv" > "$W/n2.out" 2>"$W/n2.err"
    check_eq "nsd: second run same rows" "$(cat "$W/n2.out")" "$(cat "$W/n1.out")"
    check_eq "nsd: second run no query (resolve_runs)" \
        "$(q "$W/n.db" 'SELECT queries FROM resolve_runs ORDER BY id DESC LIMIT 1')" 0
    check_eq "nsd: second run no query (summary)" "$(cat "$W/n2.err")" \
        "heloval: evaluate: 6 pairs, 1 bad lines (1 bad-ip), 0 queries, 0 cache hits"
    # the same zones offline give the same rows
    zo=""
    for z in ex test.ex dna.ex dna2.ex; do zo="$zo --dns-zone $DNS/zones/$z.zone"; done
    hv evaluate --db "$W/nz.db" --accreditor dna.ex --no-reverse $zo -q < "$W/n.tsv" > "$W/nz.out"
    check_eq "zone files = NSD" "$(cat "$W/nz.out")" "$(cat "$W/n1.out")"
    cleanup
fi
