#!/bin/sh
# bench-report.sh - time `heloval report` in each format, and the exports,
# over BENCH_REPORT_SESSIONS (default 1,000,000) synthetic sessions inserted
# by SQL into a database created by `heloval scan` (faster than generating
# and parsing a log: this measures the report, not the scan). 50,000
# distinct HELOs, about 60,000 CSA results, DNA for a tenth of the names,
# 30 days. Not part of `make test`; run from the repo top after `make`.
# Prints one line per measurement: "report <format> <seconds> s".
set -e
HELOVAL=${HELOVAL:-$PWD/heloval}
N=${BENCH_REPORT_SESSIONS:-1000000}
D=$(mktemp -d /tmp/heloval-bench-report.XXXXXX)
trap 'rm -rf "$D"' EXIT
export LC_ALL=C TZ=UTC

now() { date +%s.%N; }
elapsed() { echo "$1 $2" | awk '{printf "%.2f", $2 - $1}'; }
# timed LABEL CMD... - run CMD and print wall and CPU seconds and peak RSS
# (/usr/bin/time, package `time`; wall time only without it).
timed() {
    label=$1; shift
    if [ -x /usr/bin/time ]; then
        /usr/bin/time -f "%e %U %S %M" -o "$D/time" "$@"
        read -r wall usr sys rss < "$D/time"
        echo "$label: $wall s wall, $(echo "$usr $sys" | awk '{printf "%.2f", $1 + $2}') s CPU, $((rss / 1024)) MB peak RSS"
    else
        t0=$(now); "$@"; t1=$(now)
        echo "$label: $(elapsed "$t0" "$t1") s wall"
    fi
}

: > "$D/empty.log"
"$HELOVAL" scan --db "$D/b.db" --format postfix --year 2026 -q --no-progress "$D/empty.log"
t0=$(now)
sqlite3 "$D/b.db" > /dev/null <<EOF
PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF;
BEGIN;
INSERT INTO sources(id,path,fingerprint,fp_len,format,lines_read)
  VALUES(1000,'bench/mail.log','bench',4096,'postfix',$N * 6);
INSERT INTO source_skips VALUES(1000,'malformed',17);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $N),
 k AS (SELECT i, (i * 7919) % 50000 AS h FROM n)
INSERT INTO sessions(id,source_id,line,ts,mta,ip,helo,helo_from,rdns,disposition,messages)
SELECT (1000 << 32) | (i * 6), 1000, i * 6, 1793491200 + (i * 2592000) / $N, 'postfix',
  CASE WHEN h % 9 = 0 THEN printf('2001:db8:%x::%x', h % 4096, i % 3)
       ELSE printf('198.%d.%d.%d', h % 200, (h / 200) % 256, i % 3) END,
  CASE WHEN h % 20 = 0 THEN NULL WHEN h % 20 = 1 THEN printf('WIN-%d', h)
       WHEN h % 20 = 2 THEN printf('[192.0.2.%d]', h % 256)
       ELSE printf('mail%d.d%d.example', h, h % 5000) END,
  CASE WHEN h % 20 = 0 THEN NULL ELSE 'log' END, '',
  CASE i % 10 WHEN 0 THEN 'rejected' WHEN 1 THEN 'deferred' WHEN 2 THEN 'lost'
       WHEN 3 THEN 'unknown' ELSE 'accepted' END,
  CASE WHEN i % 10 >= 4 THEN 1 + i % 3 ELSE 0 END
FROM k;
INSERT INTO csa(helo,ip,status,reason,record,evaluated_at,expires_at)
SELECT helo, ip,
  CASE x WHEN 0 THEN 'ok' WHEN 1 THEN 'fail' WHEN 2 THEN 'unknown' ELSE 'defer' END,
  CASE x WHEN 0 THEN 'authorized' WHEN 1 THEN 'mismatch' WHEN 2 THEN 'no-record'
       ELSE 'srv-lookup-failed' END,
  CASE WHEN x < 2 THEN '_client._smtp.' || helo || '. SRV 1 2 0 ' || helo || '.' END,
  0, 0
FROM (SELECT DISTINCT COALESCE(helo,'') AS helo, ip,
      (length(helo) + length(ip)) % 5 AS x FROM sessions WHERE source_id = 1000)
WHERE x < 4;
INSERT INTO dna_result(helo,status,grade,service,evaluated_at,expires_at)
SELECT helo, CASE WHEN length(helo) % 2 THEN 'recommended' ELSE 'not-recommended' END,
  CASE WHEN length(helo) % 2 THEN 'A' ELSE 'D' END, 'dna.example', 0, 0
FROM (SELECT DISTINCT helo FROM csa WHERE helo LIKE 'mail%0.%');
-- the indexes heloval resolve adds before any report
CREATE INDEX IF NOT EXISTS sessions_ts ON sessions(ts);
CREATE INDEX IF NOT EXISTS resolve_helo_ip ON sessions(helo, ip);
COMMIT;
EOF
t1=$(now)
echo "bench-report: $N sessions, $(sqlite3 "$D/b.db" 'SELECT count(*) FROM csa') CSA rows" \
     "inserted in $(elapsed "$t0" "$t1") s"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
for f in text csv json html; do
    timed "report --format $f" "$HELOVAL" report --db "$D/b.db" --format $f -o "$D/r.$f"
done
timed "report --format json --since/--until (2 of 30 days)" "$HELOVAL" report \
    --db "$D/b.db" --format json --since 2026-11-10 --until 2026-11-12 -o "$D/r2.json"
for w in sessions verdicts; do
    timed "export $w --format tsv ($N rows)" "$HELOVAL" export $w --db "$D/b.db" \
        --format tsv -o "$D/e.tsv"
done
