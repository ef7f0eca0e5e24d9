#!/bin/sh
# safety.test.sh - data safety (issue 10, items 10-13): a resolve or run
# whose setup fails keeps every stored result; a resolve against a dead or
# refusing server exits 1 and every report says so at the top; -o writes
# through a temporary file renamed into place (disk full keeps the old
# file), a closed pipe ends an export quietly, SIGINT/SIGTERM stop report
# and export; messages name the path and the cause. Real SQLite files, the
# sample logs with their DNS snapshot (offline), loopback only.
. tests/lib.sh

D="$T_TMP"
ZONE="$PWD/sample-logs/dns-snapshot.zone"
RUNOPTS="--year 2026 --accreditor dna.example --no-progress -q"

# counts DB - "csa dna dna_result" row counts.
counts() {
    q "$1" "SELECT (SELECT COUNT(*) FROM csa) || ' ' || (SELECT COUNT(*) FROM dna)
            || ' ' || (SELECT COUNT(*) FROM dna_result)"
}

# results DB - a digest of every stored result (to compare whole tables).
results() {
    q "$1" "SELECT 'csa', helo, ip, status, reason, evaluated_at FROM csa
            UNION ALL SELECT 'dna', helo, service, status, grade, evaluated_at FROM dna
            UNION ALL SELECT 'res', helo, '', status, grade, evaluated_at FROM dna_result
            ORDER BY 1, 2, 3" | md5sum
}

# ==== item 10: a failing setup removes nothing ====
DB="$D/keep.db"
check_cmd keep-run hv run --db "$DB" $RUNOPTS --dns-zone "$ZONE" sample-logs
BEFORE=$(results "$DB")
N0=$(counts "$DB")
case "$N0" in 0\ *|*\ 0\ *|*\ 0) fail keep-setup "no results to protect: $N0" ;; *) ok keep-setup ;; esac

# expect_kept NAME CMD... - CMD must fail (exit 1) and leave every result.
expect_kept() {
    name=$1; shift
    "$@" >"$D/out" 2>"$D/err"
    check_eq "$name: exit" "$?" 1
    check_eq "$name: results kept" "$(results "$DB")" "$BEFORE"
}
expect_kept missing-zone hv resolve --db "$DB" --accreditor dna.example -q \
    --dns-zone "$D/no-such.zone"
grep -q "no-such.zone: No such file or directory" "$D/err" && ok missing-zone-msg ||
    fail missing-zone-msg "$(cat "$D/err")"
expect_kept run-missing-zone hv run --db "$DB" $RUNOPTS --dns-zone "$D/no-such.zone" sample-logs
expect_kept bad-server hv resolve --db "$DB" --accreditor dna.example -q --dns-server "no such server"
expect_kept run-bad-server hv run --db "$DB" $RUNOPTS --dns-server "no such server" sample-logs
# other accreditors: the old DNA results stay until the new ones are written
expect_kept accreditor-bad-zone hv resolve --db "$DB" --accreditor other.example -q \
    --dns-zone "$D/no-such.zone"
printf 'not a policy\n' > "$D/bad.policy"
expect_kept bad-policy hv resolve --db "$DB" --accreditor dna.example -q \
    --dns-zone "$ZONE" --policy "$D/bad.policy"
check_eq keep-integrity "$(q "$DB" 'PRAGMA integrity_check')" ok

# changed options redo every result, replacing the old rows in place
check_cmd keep-redo hv resolve --db "$DB" --accreditor dna.example -q --no-reverse \
    --dns-zone "$ZONE"
check_eq keep-redo-counts "$(counts "$DB")" "$N0"
check_eq keep-redo-all-new "$(q "$DB" "SELECT COUNT(*) FROM csa WHERE evaluated_at = 0")" 0
# dropping the accreditor: DNA is unknown, its old rows go (nothing replaces them)
check_cmd keep-no-dna hv resolve --db "$DB" -q --no-reverse --dns-zone "$ZONE"
check_eq keep-no-dna-rows "$(q "$DB" 'SELECT COUNT(*) FROM dna_result')" 0
# a stale result is redone however long --max-age would keep a fresh one
check_cmd keep-redo-max-age hv resolve --db "$DB" -q --max-age 3153600000 --dns-zone "$ZONE"
check_eq keep-redo-max-age-all-new "$(q "$DB" "SELECT COUNT(*) FROM csa WHERE evaluated_at = 0")" 0

# ==== item 12: outputs: temp file + rename, disk full, pipes, signals ====
A="$D/a.db"
check_cmd out-db hv run --db "$A" $RUNOPTS --dns-zone "$ZONE" sample-logs
printf 'previous report\n' > "$D/old.txt"
check_cmd out-report hv report --db "$A" -o "$D/r.txt"
check_eq out-no-temp "$(ls "$D" | grep -c '\.tmp\.')" 0
hv report --db "$A" > "$D/r-stdout.txt"
check_eq out-same-as-stdout "$(cmp "$D/r.txt" "$D/r-stdout.txt" && echo same)" same

# -o through a symbolic link: the file it points to is replaced, the link kept
mkdir -p "$D/real"
printf 'previous report\n' > "$D/real/r.txt"
ln -s real/r.txt "$D/link.txt"
check_cmd out-link hv report --db "$A" -o "$D/link.txt"
check_eq out-link-kept "$(test -L "$D/link.txt" && echo link)" link
check_eq out-link-target "$(cmp "$D/real/r.txt" "$D/r.txt" && echo same)" same
check_eq out-link-no-temp "$(ls "$D" "$D/real" | grep -c '\.tmp\.')" 0

# expect_write_fail NAME WANT_MSG CMD... - exit 1, one message naming the
# file and the cause, the old file intact, no temporary file left.
expect_write_fail() {
    name=$1 want=$2; shift 2
    "$@" >"$D/out" 2>"$D/err"
    check_eq "$name: exit" "$?" 1
    grep -qF "$want" "$D/err" && ok "$name: message" ||
        fail "$name: message" "want '$want', got '$(cat "$D/err")'"
}
# streams: /dev/full as stdout and as -o (a device is written in place)
expect_write_fail full-stdout "heloval: error: writing stdout: No space left on device" \
    sh -c '"$0" report --db "$1" > /dev/full' "$HELOVAL" "$A"
expect_write_fail full-export-stdout "heloval: error: writing stdout: No space left on device" \
    sh -c '"$0" export verdicts --db "$1" > /dev/full' "$HELOVAL" "$A"
expect_write_fail full-dev "heloval: error: writing /dev/full: No space left on device" \
    hv export sessions --db "$A" -o /dev/full
# a file size limit (EFBIG) on -o: the previous file stays
cp "$D/old.txt" "$D/x.tsv"
expect_write_fail efbig "heloval: error: writing $D/x.tsv: File too large" \
    sh -c 'trap "" XFSZ; ulimit -f 64; exec "$0" export verdicts --format jsonl --db "$1" -o "$2"' \
    "$HELOVAL" "$A" "$D/x.tsv"
check_eq efbig-old-kept "$(cat "$D/x.tsv")" "previous report"
check_eq efbig-no-temp "$(ls "$D" | grep -c '\.tmp\.')" 0
cp "$D/old.txt" "$D/x.html"
expect_write_fail efbig-report "heloval: error: writing $D/x.html: File too large" \
    sh -c 'trap "" XFSZ; ulimit -f 64; exec "$0" report --format html --db "$1" -o "$2"' \
    "$HELOVAL" "$A" "$D/x.html"
check_eq efbig-report-old-kept "$(cat "$D/x.html")" "previous report"
# a full file system (a 64 KiB tmpfs; needs mount, else a counted skip)
mkdir -p "$D/small"
if mount -t tmpfs -o size=64k tmpfs "$D/small" 2>/dev/null; then
    cp "$D/old.txt" "$D/small/v.tsv"
    expect_write_fail enospc "heloval: error: writing $D/small/v.tsv: No space left on device" \
        hv export verdicts --db "$A" --format jsonl -o "$D/small/v.tsv"
    # (the sample export is small: fill the rest of the file system first)
    dd if=/dev/zero of="$D/small/fill" bs=1k count=200 2>/dev/null
    expect_write_fail enospc-report "heloval: error: writing $D/small/v.tsv: No space left on device" \
        hv report --db "$A" --format html -o "$D/small/v.tsv"
    check_eq enospc-old-kept "$(cat "$D/small/v.tsv")" "previous report"
    check_eq enospc-no-temp "$(ls "$D/small" | grep -c '\.tmp\.')" 0
    umount "$D/small"
else
    echo "SKIP enospc: cannot mount a tmpfs here (not root?)"
    ok enospc-skipped-counted
fi

# a bigger database (about 200,000 sessions) for pipes and signals
BIG="$D/big.db"
cp "$A" "$BIG"
q "$BIG" "WITH RECURSIVE k(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM k WHERE n < 1000)
    INSERT INTO sessions(source_id, line, ts, mta, ip, helo, helo_from, rdns, disposition, messages)
    SELECT s.source_id, s.line + 100000 * k.n, s.ts + k.n, s.mta, s.ip, s.helo, s.helo_from,
           s.rdns, s.disposition, s.messages FROM sessions s, k"
# export | head: quiet, status 141 (SIGPIPE's, as cat) or 0 when it was done
sh -c '"$0" export verdicts --db "$1" 2>"$2"; echo $? > "$3"' "$HELOVAL" "$BIG" "$D/pipe.err" \
    "$D/pipe.st" | head -1 > "$D/head.out"
check_eq pipe-head "$(cut -f1-3 "$D/head.out")" "$(printf 'source\tline\ttime')"
check_eq pipe-quiet "$(cat "$D/pipe.err")" ""
case "$(cat "$D/pipe.st")" in 0|141) ok pipe-status ;; *) fail pipe-status "$(cat "$D/pipe.st")" ;; esac

# interrupt NAME SIG FILE CMD... - start CMD, wait for FILE's temporary
# file, send SIG: exit 1 within seconds, "interrupted", FILE as it was.
interrupt() {
    name=$1 sig=$2 file=$3; shift 3
    cp "$D/old.txt" "$file"
    "$@" 2>"$D/int.err" &
    pid=$!
    i=0
    while [ $i -lt 200 ] && ! ls "$file".tmp.* >/dev/null 2>&1; do sleep 0.02; i=$((i + 1)); done
    kill -"$sig" "$pid"
    wait "$pid"
    check_eq "$name: exit" "$?" 1
    grep -q "interrupted; $file left as it was" "$D/int.err" && ok "$name: message" ||
        fail "$name: message" "$(cat "$D/int.err")"
    check_eq "$name: old kept" "$(cat "$file")" "previous report"
    check_eq "$name: no temp" "$(ls "$file".tmp.* 2>/dev/null | wc -l)" 0
}
interrupt report-term TERM "$D/int.html" timeout 30 "$HELOVAL" report --db "$BIG" -o "$D/int.html"
interrupt report-int INT "$D/int.json" timeout 30 "$HELOVAL" report --db "$BIG" --format json -o "$D/int.json"
interrupt export-term TERM "$D/int.tsv" timeout 30 "$HELOVAL" export verdicts --db "$BIG" -o "$D/int.tsv"
# an export blocked on a pipe nobody reads stops on SIGTERM too
mkfifo "$D/fifo"
sleep 30 < "$D/fifo" &
SLEEPER=$!
timeout 30 "$HELOVAL" export verdicts --db "$BIG" > "$D/fifo" 2>"$D/int.err" &
pid=$!
sleep 0.5
kill -TERM "$pid"
wait "$pid"
check_eq export-blocked-exit "$?" 1
grep -q "export interrupted" "$D/int.err" && ok export-blocked-msg || fail export-blocked-msg "$(cat "$D/int.err")"
kill "$SLEEPER" 2>/dev/null
wait "$SLEEPER" 2>/dev/null

# ==== item 11: a resolve whose lookups mostly fail ====
# a dead server (nothing listens on the port) and a server that refuses
# every query: exit 1, a message naming the server and the counts, the
# fact kept in the database, and every report format warns at its top
W="$D/w.db"
cp "$A" "$W"
DEAD=$(free_port)
hv resolve --db "$W" --accreditor dna.example -q --dns-server "127.0.0.1:$DEAD" \
    --timeout 200 --tries 1 >"$D/out" 2>"$D/err"
check_eq dead-exit "$?" 1
grep -q "DNS lookups to 127.0.0.1:$DEAD ended in a timeout" "$D/err" && ok dead-msg ||
    fail dead-msg "$(cat "$D/err")"
check_eq dead-counts "$(sed -n 's/.*failed: \([0-9]*\) of \([0-9]*\) DNS.*/\1=\2/p' "$D/err" |
    awk -F= '$1 == $2 && $1 > 0 { print "all" }')" all
check_eq dead-recorded "$(q "$W" "SELECT COUNT(*) FROM meta WHERE key = 'resolve_warning'")" 1
[ "$(q "$W" "SELECT COUNT(*) FROM csa WHERE status = 'defer'")" -gt 0 ] && ok dead-defers ||
    fail dead-defers "no defer stored"
hv report --db "$W" > "$D/w.txt"
check_eq warn-text "$(head -1 "$D/w.txt" | cut -c1-26)" "WARNING: the resolve of 20"
hv report --db "$W" --format csv > "$D/w.csv"
check_eq warn-csv "$(head -1 "$D/w.csv")" "$(printf '# warning\r')"
hv report --db "$W" --format csv --table verdicts > "$D/w1.csv"
check_eq warn-csv-table "$(head -1 "$D/w1.csv")" "$(printf '# warning\r')"
hv report --db "$W" --format json > "$D/w.json"
check_eq warn-json "$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1]));
print(list(d)[:2], "lookups to 127.0.0.1" in d["warnings"][0])' "$D/w.json")" "['version', 'warnings'] True"
hv report --db "$W" --format html > "$D/w.html"
check_eq warn-html "$(grep -c '<body>' "$D/w.html") $(sed -n '/<body>/{n;p;}' "$D/w.html" | cut -c1-18)" \
    '1 <p class="warning"'
# run (two minutes later: the defers, kept 60 s, are due again): the
# report is still written (with the warning), the exit is 1
HELOVAL_NOW=$(( $(date +%s) + 120 )) hv run --db "$W" $RUNOPTS --dns-server "127.0.0.1:$DEAD" --timeout 200 --tries 1 \
    -o "$D/run.json" sample-logs >"$D/run.txt" 2>"$D/err"
check_eq run-dead-exit "$?" 1
# -q with -o: no text report on stdout; the failure is said on stderr
check_eq run-dead-report "$(wc -c < "$D/run.txt") $(grep -c 'error' "$D/err")" "0 1"
check_eq run-dead-json "$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["warnings"]))' \
    "$D/run.json")" 1
# a good resolve clears it; reports are as before
check_cmd good-again hv resolve --db "$W" --accreditor dna.example -q --dns-zone "$ZONE"
check_eq warn-cleared "$(q "$W" "SELECT COUNT(*) FROM meta WHERE key = 'resolve_warning'")" 0
hv report --db "$W" > "$D/w2.txt"
check_eq warn-gone "$(head -1 "$D/w2.txt")" "heloval report"

# a server that answers REFUSED to everything
RPORT=$(free_port)
python3 - "$RPORT" "$D/refused.ready" <<'PY' &
import socket, struct, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", int(sys.argv[1])))
open(sys.argv[2], "w").write("up\n")
s.settimeout(30)
try:
    while True:
        q, peer = s.recvfrom(4096)
        if len(q) < 12:
            continue
        qid, flags = struct.unpack("!HH", q[:4])
        # QR, the opcode and RD copied, RCODE 5 (REFUSED), the question kept
        s.sendto(struct.pack("!HHHHHH", qid, 0x8000 | (flags & 0x7900) | 5, 1, 0, 0, 0) + q[12:], peer)
except socket.timeout:
    pass
PY
RPID=$!
read_portfile "$D/refused.ready" >/dev/null
R="$D/r.db"
cp "$A" "$R"
hv resolve --db "$R" -q --dns-server "127.0.0.1:$RPORT" --tries 1 >"$D/out" 2>"$D/err"
check_eq refused-exit "$?" 1
grep -q "DNS lookups to 127.0.0.1:$RPORT ended" "$D/err" && ok refused-msg || fail refused-msg "$(cat "$D/err")"
hv report --db "$R" --format json > "$D/r.json"
check_eq refused-json "$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1])).get("warnings", [])))' \
    "$D/r.json")" 1
kill "$RPID" 2>/dev/null
wait "$RPID" 2>/dev/null

# ==== item 13: messages that name the path and the cause ====
# expect_msg NAME STATUS WANT CMD... - exit STATUS and WANT in the message.
expect_msg() {
    name=$1 want_st=$2 want=$3; shift 3
    "$@" >"$D/out" 2>"$D/err"
    check_eq "$name: exit" "$?" "$want_st"
    grep -qF -- "$want" "$D/err" && ok "$name: message" ||
        fail "$name: message" "want '$want', got '$(cat "$D/err")'"
}
# a truncated database: half of a real one, and a stub shorter than the header
head -c 50000 "$A" > "$D/trunc.db"
expect_msg trunc-report 1 "$D/trunc.db: truncated database (50000 bytes; its header says" \
    hv report --db "$D/trunc.db"
expect_msg trunc-resolve 1 "$D/trunc.db: truncated database" \
    hv resolve --db "$D/trunc.db" --dns-zone "$ZONE"
head -c 50 "$A" > "$D/stub.db"
expect_msg trunc-stub 1 "$D/stub.db: truncated database (50 bytes, shorter than the 100-byte" \
    hv export sessions --db "$D/stub.db"
printf 'hello\n' > "$D/text.db"
expect_msg not-sqlite 1 "$D/text.db: not a SQLite database" hv report --db "$D/text.db"
# --db naming a directory or a device
mkdir -p "$D/dir.db"
expect_msg db-dir-scan 1 "$D/dir.db: is a directory, not a database file" \
    hv scan --db "$D/dir.db" -q sample-logs/exim
expect_msg db-dir-report 1 "$D/dir.db: is a directory, not a database file" hv report --db "$D/dir.db"
expect_msg db-null-scan 1 "/dev/null: not a regular file (a device or FIFO cannot hold a database)" \
    hv scan --db /dev/null -q sample-logs/exim
expect_msg db-null-report 1 "/dev/null: not a regular file" hv report --db /dev/null
# a --dns-server port over 65535: a usage error, nothing is opened
expect_msg port-range 2 "--dns-server '127.0.0.1:70000': the port must be 1..65535" \
    hv resolve --db "$D/none.db" --dns-server 127.0.0.1:70000
expect_msg port-range-v6 2 "--dns-server '[::1]:65536': the port must be 1..65535" \
    hv resolve --db "$D/none.db" --dns-server '[::1]:65536'
check_eq port-range-no-db "$(ls "$D/none.db" 2>/dev/null)" ""
# merge never creates its inputs
expect_msg merge-missing 1 "merge: $D/missing.db: No such file or directory" \
    hv merge "$D/m.db" "$D/missing.db"
check_eq merge-missing-not-created "$(ls "$D/missing.db" 2>/dev/null)" ""
expect_msg merge-dir 1 "merge: $D/dir.db: is a directory" hv merge "$D/m.db" "$D/dir.db"

# permissions: as root they mean nothing, so those cases run as nobody
# (setpriv), or as the caller when the tests do not run as root
if [ "$(id -u)" = 0 ]; then
    OTHER="setpriv --reuid=65534 --regid=65534 --clear-groups"
else
    OTHER=""
fi
P="$D/perm"
mkdir -p "$P/rodir" "$P/rwdir"
chmod 755 "$D" "$P"
cp "$A" "$P/rodir/w.db"        # a WAL database, no -shm beside it yet
chmod 555 "$P/rodir"
cp "$A" "$P/rwdir/ro.db"
chmod 444 "$P/rwdir/ro.db"
chmod 777 "$P/rwdir"
if $OTHER "$HELOVAL" --version >/dev/null 2>&1 && ! $OTHER touch "$P/rodir/probe" 2>/dev/null; then
    expect_msg wal-ro-dir-report 1 "$P/rodir/w.db: cannot read this database: its directory $P/rodir is not writable (Permission denied), and SQLite must create $P/rodir/w.db-shm beside it for a WAL database" \
        $OTHER "$HELOVAL" report --db "$P/rodir/w.db"
    expect_msg wal-ro-dir-scan 1 "$P/rodir/w.db: cannot create the lock file $P/rodir/w.db.lock: Permission denied" \
        $OTHER "$HELOVAL" scan --db "$P/rodir/w.db" -q sample-logs/exim
    expect_msg ro-db-resolve 1 "$P/rwdir/ro.db: read-only database (Permission denied)" \
        $OTHER "$HELOVAL" resolve --db "$P/rwdir/ro.db" -q --no-reverse --dns-zone "$ZONE"
    expect_msg ro-db-scan 1 "$P/rwdir/ro.db: read-only database (Permission denied)" \
        $OTHER "$HELOVAL" scan --db "$P/rwdir/ro.db" -q sample-logs/exim
    # reading it is fine
    check_cmd ro-db-report $OTHER "$HELOVAL" report --db "$P/rwdir/ro.db"
else
    echo "SKIP permission cases: cannot run as another user here"
    ok permission-skipped-counted
fi
chmod 755 "$P/rodir"
