#!/bin/sh
# hostile.test.sh - attacker-controlled input end to end. Every hostile
# input (random bytes, NUL bytes, invalid UTF-8, a 50 MB line, truncated and
# corrupt gzip, a gzip of 200 MB of one byte, 5,000 Received headers, deeply
# nested parentheses, 10 KB HELOs) is scanned into a database that already
# holds a good log: the exit status is 0 or 1 (never a signal), the skip is
# counted in source_skips under its reason, peak RSS stays under 256 MB,
# PRAGMA integrity_check says ok and the good sessions are all still there.
# Then hostile HELO strings go through scan, resolve (zone file, and a
# query-logging responder on 127.0.0.1), export and report in every format:
# nothing is injected and no invalid HELO is ever sent to DNS.
# Inputs come from tests/hostile/gen.py at run time (nothing big committed).
. tests/lib.sh
D=$T_TMP
HOST="$PWD/tests/hostile"
QLOG_PID=""
trap '[ -n "$QLOG_PID" ] && kill "$QLOG_PID" 2>/dev/null; t_finish; exit $?' EXIT
trap 'exit 1' INT TERM HUP

MAXRSS_KB=262144    # 256 MB
python3 "$HOST/gen.py" "$D" || { fail gen "tests/hostile/gen.py failed"; exit 1; }

# peak memory: GNU time when present (installed when root and missing),
# else Python's getrusage of the child
if [ ! -x /usr/bin/time ] && [ "$(id -u)" = 0 ]; then
    apt-get install -y time >/dev/null 2>&1
fi

# run NAME ARGS... - run heloval; sets RC (exit status, 128+N on signal N)
# and PEAK (KB); stderr in $D/NAME.err.
run() {
    name=$1; shift
    if [ -x /usr/bin/time ]; then
        /usr/bin/time -f %M -o "$D/$name.rss" $HELOVAL_WRAP "$HELOVAL" "$@" \
            >"$D/$name.out" 2>"$D/$name.err"
        RC=$?
    else
        python3 -c '
import resource, subprocess, sys
r = subprocess.call(sys.argv[2:])
open(sys.argv[1], "w").write("%d\n" % resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
sys.exit(128 - r if r < 0 else r)' "$D/$name.rss" $HELOVAL_WRAP "$HELOVAL" "$@" \
            >"$D/$name.out" 2>"$D/$name.err"
        RC=$?
    fi
    PEAK=$(tail -n 1 "$D/$name.rss" 2>/dev/null)
    case $PEAK in ''|*[!0-9]*) PEAK=999999999 ;; esac
}

# A database holding the good log first (the "earlier" sessions).
GOOD="$TOP/sample-logs/postfix/mail.log"
[ -f "$GOOD" ] || GOOD="$PWD/sample-logs/postfix/mail.log"
check_cmd good-scan hv scan --db "$D/tmpl.db" -q --year 2026 "$GOOD"
GOOD_N=$(q "$D/tmpl.db" 'select count(*) from sessions')
[ "$GOOD_N" -gt 50 ] && ok good-sessions || fail good-sessions "only $GOOD_N sessions"
GOOD_SUM=$(q "$D/tmpl.db" "select count(*), sum(length(coalesce(helo,''))), group_concat(ip) from (select * from sessions order by id)" | cksum)

# scan_case NAME WANT_RC FILE [SCAN ARGS...] - scan FILE into a copy of the
# good database; checks exit status, memory, integrity, the good sessions.
# Leaves the database at $DB and the new source's id at $SRC.
scan_case() {
    name=$1 want=$2 file=$3; shift 3
    DB="$D/$name.db"
    cp "$D/tmpl.db" "$DB"
    [ -f "$D/tmpl.db-wal" ] && cp "$D/tmpl.db-wal" "$DB-wal"
    run "$name" scan --db "$DB" --year 2026 "$@" "$file"
    if [ "$RC" -ge 128 ]; then
        fail "$name-exit" "killed by signal $((RC - 128)): $(head -c 400 "$D/$name.err")"
    else
        check_eq "$name-exit" "$RC" "$want"
    fi
    # (under valgrind the peak is valgrind's own: not checked)
    if [ -z "$HELOVAL_WRAP" ]; then
        [ "$PEAK" -lt $MAXRSS_KB ] && ok "$name-rss" || fail "$name-rss" "peak RSS $PEAK KB"
    fi
    check_eq "$name-integrity" "$(q "$DB" 'pragma integrity_check')" ok
    check_eq "$name-good-kept" "$(q "$DB" "select count(*), sum(length(coalesce(helo,''))), group_concat(ip) from (select * from sessions where source_id = 1 order by id)" | cksum)" "$GOOD_SUM"
    SRC=$(q "$DB" 'select max(id) from sources')
}

# skips NAME REASON WANT - the count of one reason for the hostile source.
skips() {
    check_eq "$1-$2" "$(q "$DB" "select coalesce(sum(count),0) from source_skips where source_id=$SRC and reason='$2'")" "$3"
}
# sessions NAME WANT - sessions stored from the hostile source.
sessions() {
    check_eq "$1-sessions" "$(q "$DB" "select count(*) from sessions where source_id=$SRC")" "$2"
}

# 1. random bytes: refused as an unknown format (counted), and forced
# through every parser
scan_case random 1 "$D/random.bin"
grep -q "not a Postfix, Exim or Sendmail log" "$D/random.err" && ok random-msg ||
    fail random-msg "$(head -c 300 "$D/random.err")"
skips random unrecognised-format 1
sessions random 0
RAND_NUL=$(python3 -c 'import sys
print(sum(1 for l in open(sys.argv[1], "rb").read().split(b"\n") if b"\0" in l))' "$D/random.bin")
for f in postfix exim sendmail mbox; do
    scan_case "random-$f" 0 "$D/random.bin" --format "$f"
    skips "random-$f" nul-bytes "$RAND_NUL"
    n=$(q "$DB" "select coalesce(sum(count),0) from source_skips where source_id=$SRC and reason in ('invalid-utf8')")
    [ "$n" -gt 0 ] && ok "random-$f-utf8" || fail "random-$f-utf8" "no invalid-utf8 count"
    sessions "random-$f" 0
done

# 2. NUL bytes inside lines: removed, counted, the sessions kept
scan_case nul 0 "$D/nul.log"
skips nul nul-bytes 40
sessions nul 42
check_eq nul-helo "$(q "$DB" "select helo from sessions where source_id=$SRC and ip='198.51.100.1'")" nul0.example.net

# 3. invalid UTF-8 (kept as bytes, counted) and CRLF (repaired, counted)
scan_case utf8 0 "$D/badutf8.log"
skips utf8 invalid-utf8 10
skips utf8 crlf 3
sessions utf8 13
check_eq utf8-crlf-helo "$(q "$DB" "select helo from sessions where source_id=$SRC and ip='203.0.113.200'")" crlf.example.net
# repaired lines are read, not skipped: the scan and the report count them apart
grep -q "lines repaired and read (not skipped): invalid-utf8 10, crlf 3" "$D/utf8.err" &&
    ok utf8-scan-repaired || fail utf8-scan-repaired "$(cat "$D/utf8.err")"
grep -q "lines skipped" "$D/utf8.err" && fail utf8-scan-not-skipped "$(cat "$D/utf8.err")" ||
    ok utf8-scan-not-skipped
hv report --db "$DB" --format json > "$D/utf8.json"
check_eq utf8-report "$(python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
s, src = r["summary"], [x for x in r["sources"] if x["source"].endswith("badutf8.log")]
print(s["lines_skipped"],
      s["lines_repaired"], src[0]["skipped"],
      " ".join("%s=%d" % (x["reason"], x["lines"]) for x in r["repairs"]),
      [x["reason"] for x in r["skips"] if x["reason"] in ("crlf", "invalid-utf8")])' "$D/utf8.json")" \
    "0 13 0 crlf=3 invalid-utf8=10 []"

# 4. a 50 MB line between good sessions
{ head -n 3 "$D/nul.log"; head -c 50000000 /dev/zero | tr '\0' 'A'; printf '\n'; tail -n 3 "$D/nul.log"; } > "$D/huge.log"
scan_case huge 0 "$D/huge.log"
skips huge too-long 1
sessions huge 2

# 5. truncated gzip: what came before the cut is kept, the cut is counted
$GENLOG --format postfix --sessions 3000 --seed 11 > "$D/mk.log"
gzip -c "$D/mk.log" > "$D/mk.gz"
size=$(stat -c %s "$D/mk.gz")
head -c $((size / 2)) "$D/mk.gz" > "$D/trunc.gz"
scan_case trunc 1 "$D/trunc.gz"
grep -q "truncated gzip" "$D/trunc.err" && ok trunc-msg || fail trunc-msg "$(head -c 300 "$D/trunc.err")"
skips trunc truncated-gzip 1
n=$(q "$DB" "select count(*) from sessions where source_id=$SRC")
[ "$n" -gt 100 ] && ok trunc-kept || fail trunc-kept "only $n sessions"

# 6. a gzip cut inside its own header: no content at all, still counted
head -c 6 "$D/mk.gz" > "$D/stub.gz"
scan_case stub 1 "$D/stub.gz"
grep -q "truncated gzip" "$D/stub.err" && ok stub-msg || fail stub-msg "$(head -c 300 "$D/stub.err")"
skips stub truncated-gzip 1

# 7. corrupt gzip: 64 bytes flipped in the middle
python3 -c '
import sys
d = bytearray(open(sys.argv[1], "rb").read())
for i in range(len(d) // 2, len(d) // 2 + 64):
    d[i] ^= 0x5A
open(sys.argv[2], "wb").write(d)' "$D/mk.gz" "$D/corrupt.gz"
scan_case corrupt 1 "$D/corrupt.gz"
grep -q "corrupt gzip" "$D/corrupt.err" && ok corrupt-msg || fail corrupt-msg "$(head -c 300 "$D/corrupt.err")"
skips corrupt corrupt-gzip 1
n=$(q "$DB" "select count(*) from sessions where source_id=$SRC")
[ "$n" -gt 100 ] && ok corrupt-kept || fail corrupt-kept "only $n sessions"

# 8. the gzip bomb: 200,000,000 bytes of 'a' (about 1 MB compressed), read
# whole in bounded memory as one over-long line; then the same stream
# between two gzip members of good lines (auto-detected as Postfix)
head -c 200000000 /dev/zero | tr '\0' 'a' | gzip -1 > "$D/bomb.gz"
scan_case bomb 0 "$D/bomb.gz" --format postfix
skips bomb too-long 1
check_eq bomb-bytes "$(q "$DB" "select bytes_read || ' ' || lines_read from sources where id=$SRC")" "200000000 1"
{ head -n 3 "$D/nul.log" | gzip -1; cat "$D/bomb.gz"; { printf '\n'; tail -n 3 "$D/nul.log"; } | gzip -1; } > "$D/bomb2.gz"
scan_case bomb2 0 "$D/bomb2.gz"
skips bomb2 too-long 1
sessions bomb2 2

# 9. 5,000 Received headers in one message: the first 64 are considered,
# the rest counted once; the messages around it are untouched
scan_case received 0 "$D/received5000.mbox"
skips received too-many-received 1
sessions received 3
check_eq received-border "$(q "$DB" "select helo from sessions where source_id=$SRC and ip='203.0.113.66'")" spam.example.net

# 10. deeply nested parentheses (10,000 levels; 40,000 in an 80 KB line;
# 5,000 folded continuation lines): every message is either a session or
# a counted no-client-hop; the 80 KB line is a counted too-long line
scan_case parens 0 "$D/parens.mbox"
check_eq parens-accounted "$(q "$DB" "select (select count(*) from sessions where source_id=$SRC) + (select coalesce(sum(count),0) from source_skips where source_id=$SRC and reason='no-client-hop')")" 5
skips parens too-long 1
check_eq parens-good "$(q "$DB" "select group_concat(ip) from (select ip from sessions where source_id=$SRC and ip in ('192.0.2.10','192.0.2.11') order by line)")" "192.0.2.10,192.0.2.11"

# 11. a 10 KB HELO in each format: counted (helo-truncated); every parser
# keeps the session with the HELO cut to 1024 bytes
scan_case helo-postfix 0 "$D/helo10k.postfix"
skips helo-postfix helo-truncated 1
sessions helo-postfix 3
check_eq helo-postfix-cut "$(q "$DB" "select length(helo) || ' ' || helo_from from sessions where source_id=$SRC and ip='203.0.113.80'")" "1024 log"
scan_case helo-exim 0 "$D/helo10k.exim"
skips helo-exim helo-truncated 1
check_eq helo-exim-good "$(q "$DB" "select count(*) from sessions where source_id=$SRC and ip in ('192.0.2.10','192.0.2.11')")" 2
sessions helo-exim 3
check_eq helo-exim-cut "$(q "$DB" "select length(helo) || ' ' || helo_from || ' ' || messages from sessions where source_id=$SRC and ip='203.0.113.80'")" "1024 log 1"
check_eq helo-exim-nobig "$(q "$DB" "select count(*) from sessions where length(helo) > 1024")" 0
scan_case helo-mbox 0 "$D/helo10k.mbox"
skips helo-mbox helo-truncated 1
sessions helo-mbox 3
check_eq helo-mbox-cut "$(q "$DB" "select length(helo) || ' ' || substr(helo, 1, 3) from sessions where source_id=$SRC and ip='203.0.113.80'")" "1024 aaa"

# ==== hostile HELO strings end to end ====
scan_case hhelo 0 "$D/hostile-helo.log"
nh=$(wc -l < "$D/hostile-helo.txt")
sessions hhelo $((nh + 2))
check_eq hhelo-integrity "$(q "$DB" 'pragma integrity_check')" ok
# from here on a database of that log alone, so every name is accounted for
H=$D/e2e.db
check_cmd e2e-scan hv scan --db "$H" -q --year 2026 "$D/hostile-helo.log"
SRC=1
# stored verbatim, byte for byte (bound parameters, no quoting games)
python3 - "$H" "$D/hostile-helo.txt" "$SRC" > "$D/verbatim.out" 2>&1 <<'EOF'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.text_factory = bytes
got = [r[0] for r in db.execute(
    "select helo from sessions where source_id=? and ip like '203.0.113.%' order by line",
    (int(sys.argv[3]),))]
want = open(sys.argv[2], "rb").read().split(b"\n")[:-1]
bad = [(w, g) for w, g in zip(want, got) if w != g]
print("ok" if not bad and len(got) == len(want) else "differ %r (%d vs %d)" % (bad[:3], len(got), len(want)))
EOF
check_eq hhelo-verbatim "$(cat "$D/verbatim.out")" ok
check_eq hhelo-tables "$(q "$H" "select count(*) from sqlite_master where name in ('sessions','sources','csa')")" 3

# resolve offline from a tiny zone: only the two good names are valid
cat > "$D/tiny.zone" <<'EOF'
$ORIGIN example.com.
$TTL 3600
@ IN SOA ns.example.com. hostmaster.example.com. 1 3600 600 86400 60
@ IN NS ns.example.com.
ns IN A 192.0.2.53
_client._smtp.mail IN SRV 1 2 0 mail.example.com.
mail IN A 192.0.2.10
EOF
cp "$H" "$D/hq.db"
run hres resolve --db "$H" --dns-zone "$D/tiny.zone" --accreditor dna.example
check_eq hres-exit "$RC" 0
check_eq hres-invalid "$(q "$H" "select count(*) from csa c join sessions s on s.helo = c.helo and s.ip = c.ip where s.source_id=$SRC and s.ip like '203.0.113.%' and c.reason = 'invalid-helo'")" "$nh"
check_eq hres-good "$(q "$H" "select status || '/' || reason from csa where helo='mail.example.com' and ip='192.0.2.10'")" ok/authorized

# the same over the network: a responder that logs every question proves
# that no invalid HELO (nor a DNA name built from one) is ever sent
python3 "$HOST/qlog.py" --log "$D/qlog.log" --portfile "$D/qlog.port" 2>"$D/qlog.err" &
QLOG_PID=$!
i=0
while [ ! -s "$D/qlog.port" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
run hnet resolve --db "$D/hq.db" --dns-server "127.0.0.1:$(cat "$D/qlog.port")" \
    --accreditor dna.example --timeout 300 --tries 1
kill "$QLOG_PID" 2>/dev/null; wait "$QLOG_PID" 2>/dev/null; QLOG_PID=""
check_eq hnet-exit "$RC" 0
n=$(wc -l < "$D/qlog.log")
[ "$n" -gt 0 ] && ok hnet-queried || fail hnet-queried "the responder saw no query"
bad=$(grep -v -E '^[A-Za-z0-9_.-]+ [0-9]+$' "$D/qlog.log" | head -3)
check_eq hnet-no-invalid-query "$bad" ""
bad=$(grep -v -E '^(_client\._smtp\.)?(mail\.|out\.)?example\.com\.(dna\.example\.)? ' "$D/qlog.log" | head -3)
check_eq hnet-only-good-names "$bad" ""
check_eq hnet-invalid "$(q "$D/hq.db" "select count(*) from csa where reason = 'invalid-helo'")" "$nh"
check_eq hnet-cache "$(q "$D/hq.db" "select count(*) from dns_cache where qname glob '*[^A-Za-z0-9._-]*'")" 0

# exports in every format
for what in sessions verdicts; do
    for f in tsv csv jsonl; do
        run "x-$what-$f" export "$what" --db "$H" --format "$f" -o "$D/x.$what.$f"
        check_eq "x-$what-$f-exit" "$RC" 0
    done
done
# JSON Lines: every line parses, HELOs come back byte for byte
python3 - "$D/x.sessions.jsonl" "$D/x.verdicts.jsonl" "$D/hostile-helo.txt" > "$D/jsonl.out" 2>&1 <<'EOF'
import json, sys
# a byte that is not valid UTF-8 comes back as the code point U+00XX
def expect(w):
    s = w.decode("utf-8", "surrogateescape")
    return "".join(chr(ord(c) - 0xdc00) if 0xdc80 <= ord(c) <= 0xdcff else c for c in s)
want = [expect(w) for w in open(sys.argv[3], "rb").read().split(b"\n")[:-1]]
for f in sys.argv[1:3]:
    rows = [json.loads(l) for l in open(f, "rb")]
    got = [r["helo"] for r in rows if r["ip"].startswith("203.0.113.")]
    if got != want:
        print("differ", f, [(w, g) for w, g in zip(want, got) if w != g][:3], len(got))
        sys.exit(0)
print("ok")
EOF
check_eq x-jsonl-parse "$(cat "$D/jsonl.out")" ok
# TSV and CSV: the column count never moves; formulas guarded
for what in sessions verdicts; do
    want=11; [ $what = verdicts ] && want=21
    check_eq "x-$what-tsv-cols" "$(awk -F'\t' '{print NF}' "$D/x.$what.tsv" | sort -u | tr '\n' ' ')" "$want "
    check_eq "x-$what-csv-cols" "$(python3 -c '
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline="", encoding="latin-1")))
print(" ".join(sorted({str(len(r)) for r in rows})))' "$D/x.$what.csv")" "$want"
    bad=$(python3 -c '
import csv, sys
for r in csv.reader(open(sys.argv[1], newline="", encoding="latin-1")):
    for c in r:
        if c[:1] in ("=", "+", "-", "@", "\t", "\r"):
            print(repr(c)); break' "$D/x.$what.csv" | head -3)
    check_eq "x-$what-csv-formula" "$bad" ""
done
grep -q "^[^,]*,[0-9]*,[^,]*,postfix,203.0.113.106,'=cmd|' /C calc'!A0," "$D/x.sessions.csv" &&
    ok x-csv-guarded || fail x-csv-guarded "$(grep -a 203.0.113.106 "$D/x.sessions.csv")"

# reports in every format
for f in text csv json html; do
    run "r-$f" report --db "$H" --format "$f" -o "$D/r.$f"
    check_eq "r-$f-exit" "$RC" 0
    [ -s "$D/r.$f" ] && ok "r-$f-nonempty" || fail "r-$f-nonempty" "empty report"
done
# stdout to a terminal-like sink: the text report as a user sees it
run r-stdout report --db "$H"
for f in "$D/r.text" "$D/r-stdout.out"; do
    n=$(tr -cd '\033\007\010\177' < "$f" | wc -c)
    check_eq "r-text-no-controls-$(basename "$f")" "$n" 0
done
grep -q 'x1b\[31mred' "$D/r.text" && ok r-text-escaped || fail r-text-escaped "the ANSI HELO is not shown escaped"
python3 -m json.tool "$D/r.json" >/dev/null 2>"$D/json.err" && ok r-json-parse ||
    fail r-json-parse "$(head -c 300 "$D/json.err")"
n=$(grep -ci '<script\|<img' "$D/r.html")
check_eq r-html-no-tags "$n" 0
grep -q '&lt;script&gt;' "$D/r.html" && ok r-html-escaped || fail r-html-escaped "no escaped <script> in the HTML"
n=$(tr -cd '\033' < "$D/r.html" | wc -c)
check_eq r-html-no-esc "$n" 0
bad=$(python3 -c '
import csv, sys
for r in csv.reader(open(sys.argv[1], newline="", encoding="latin-1")):
    for c in r:
        if c[:1] in ("=", "+", "-", "@"):
            print(repr(c)); break' "$D/r.csv" | head -3)
check_eq r-csv-formula "$bad" ""
# the database is still whole after all of it
check_eq hhelo-final-integrity "$(q "$H" 'pragma integrity_check')" ok
check_eq hhelo-final-sessions "$(q "$H" 'select count(*) from sessions')" "$((nh + 2))"
