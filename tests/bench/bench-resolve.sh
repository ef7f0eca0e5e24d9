#!/bin/sh
# bench-resolve.sh - resolve-stage benchmark (not part of `make test`):
# N distinct HELO names (default 20000; BENCH_RESOLVE_NAMES or BENCH_NAMES) with CSA records in
# an NSD zone on 127.0.0.1; heloval resolves one session per name against
# it, then dnsperf runs the same SRV query list against the same server in
# paired rounds (`dnsperf -s 127.0.0.1 -p PORT -d querylist -l 2` after each
# heloval run; median of BENCH_RESOLVE_ROUNDS=5 ratios). Prints
# both query rates, their ratio (target: heloval >= 0.5 x dnsperf), the peak
# RSS of heloval (/usr/bin/time -v) and checks that a second run over the
# same database sends no query. Run from the repo top with ./heloval built.
set -u
export LC_ALL=C TZ=UTC
HELOVAL=${HELOVAL:-$PWD/heloval}
N=${BENCH_RESOLVE_NAMES:-${BENCH_NAMES:-20000}}
DNS="$PWD/tests/dns"
TMP=$(mktemp -d /tmp/heloval-bench.XXXXXX)
NSD_PID=""
cleanup() {
    [ -n "$NSD_PID" ] && kill "$NSD_PID" 2>/dev/null && wait "$NSD_PID" 2>/dev/null
    rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP PIPE

for tool in nsd dnsperf sqlite3 python3 /usr/bin/time; do
    command -v "$tool" >/dev/null 2>&1 || { echo "bench-resolve: $tool missing" >&2; exit 1; }
done
[ -x "$HELOVAL" ] || { echo "bench-resolve: build ./heloval first" >&2; exit 1; }

# The zone, the query list and the sessions.
python3 - "$N" "$TMP" <<'EOF'
import sys
n, d = int(sys.argv[1]), sys.argv[2]
with open(d + "/bench.ex.zone", "w") as z, open(d + "/querylist", "w") as q, \
        open(d + "/sessions.sql", "w") as s:
    z.write("$ORIGIN bench.ex.\n$TTL 3600\n"
            "@ SOA ns.bench.ex. hostmaster.bench.ex. 1 3600 600 86400 3600\n"
            "@ NS ns.bench.ex.\nns A 127.0.0.1\n")
    s.write("BEGIN;\nINSERT INTO sources(id, path, fingerprint, fp_len)"
            " VALUES (1, 'bench', 'x', 1);\n")
    for i in range(n):
        ip = "10.%d.%d.%d" % (i >> 16 & 255, i >> 8 & 255, i & 255)
        z.write("_client._smtp.h%06d SRV 1 2 0 h%06d.bench.ex.\nh%06d A %s\n" % (i, i, i, ip))
        q.write("_client._smtp.h%06d.bench.ex SRV\n" % i)
        s.write("INSERT INTO sessions(source_id, line, mta, ip, helo, disposition)"
                " VALUES (1, %d, 'postfix', '%s', 'h%06d.bench.ex', 'accepted');\n" % (i + 1, ip, i))
    s.write("COMMIT;\n")
EOF

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
DIR="$TMP" PORT="$PORT" ZONES='zone:
    name: "bench.ex"
    zonefile: "bench.ex.zone"' python3 -c '
import os, sys
t = open(sys.argv[1]).read()
for k in ("DIR", "PORT", "ZONES"):
    t = t.replace("@" + k + "@", os.environ[k])
open(sys.argv[2], "w").write(t)' "$DNS/nsd.conf.in" "$TMP/nsd.conf"
nsd -d -c "$TMP/nsd.conf" >"$TMP/nsd.stderr" 2>&1 &
NSD_PID=$!
i=0
until dnsperf -s 127.0.0.1 -p "$PORT" -d "$TMP/querylist" -n 1 >/dev/null 2>&1; do
    i=$((i + 1))
    [ $i -gt 50 ] && { echo "bench-resolve: NSD did not start" >&2; cat "$TMP/nsd.stderr" >&2; exit 1; }
    sleep 0.2
done

# Paired rounds (BENCH_RESOLVE_ROUNDS, default 5): heloval resolves a fresh
# copy of the database (every name asked), then dnsperf runs the same query
# list against the same server for BENCH_RESOLVE_PERF_SECONDS (default 2).
# Each round gives a ratio of the two query rates measured seconds apart, so
# a slow spell of the shared machine weighs on both; the median ratio counts.
# heloval's rate is the queries it actually sent (resolve_runs.queries) over
# its wall time (the whole process, start-up and SQLite writes included), as
# dnsperf's is the queries it completed over its run time.
ROUNDS=${BENCH_RESOLVE_ROUNDS:-5}
PERF_SECONDS=${BENCH_RESOLVE_PERF_SECONDS:-2}
DB0="$TMP/bench0.db"
"$HELOVAL" resolve --db "$DB0" -q --dns-zone "$TMP/bench.ex.zone" >/dev/null 2>&1
sqlite3 "$DB0" "DELETE FROM resolve_runs; DELETE FROM meta;" < /dev/null
sqlite3 "$DB0" < "$TMP/sessions.sql"
: > "$TMP/rounds"
k=0
while [ $k -lt "$ROUNDS" ]; do
    k=$((k + 1))
    DB="$TMP/bench$k.db"
    cp "$DB0" "$DB"
    /usr/bin/time -v "$HELOVAL" resolve --db "$DB" --dns-server "127.0.0.1:$PORT" -q \
        2>"$TMP/time$k"
    st=$?
    [ $st = 0 ] || { echo "bench-resolve: heloval failed" >&2; cat "$TMP/time$k" >&2; exit 1; }
    w=$(awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, t, ":"); s = 0;
                   for (i = 1; i <= n; i++) s = s * 60 + t[i]; print s }' "$TMP/time$k")
    q=$(sqlite3 "$DB" "SELECT queries FROM resolve_runs ORDER BY id DESC LIMIT 1")
    rss=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$TMP/time$k")
    dnsperf -s 127.0.0.1 -p "$PORT" -d "$TMP/querylist" -l "$PERF_SECONDS" >"$TMP/dnsperf$k" 2>&1
    pq=$(awk '/Queries per second:/ { printf "%.0f", $4 }' "$TMP/dnsperf$k")
    # round: wall queries hv_qps perf_qps ratio rss
    awk -v w="$w" -v q="$q" -v p="${pq:-0}" -v m="$rss" 'BEGIN {
        h = (w > 0 ? q / w : 0);
        printf "%s %s %.0f %.0f %.3f %s\n", w, q, h, p, (p > 0 ? h / p : 0), m }' >> "$TMP/rounds"
    if [ $k -lt "$ROUNDS" ]; then rm -f "$DB"; fi
done
# median COLUMN - the median of one column of the rounds.
median() {
    sort -n -k"$1","$1" "$TMP/rounds" | awk -v c="$1" '{ v[NR] = $c }
        END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
wall=$(median 1)
queries=$(median 2)
hv_qps=$(median 3)
perf_qps=$(median 4)
ratio=$(median 5 | awk '{ printf "%.2f", $1 }')
range=$(sort -n -k5,5 "$TMP/rounds" | awk 'NR == 1 { lo = $5 } { hi = $5 }
        END { printf "%.2f-%.2f", lo, hi }')
rss=$(median 6)
ok=$(sqlite3 "$DB" "SELECT COUNT(*) FROM csa WHERE status = 'ok'")

"$HELOVAL" resolve --db "$DB" --dns-server "127.0.0.1:$PORT" -q 2>/dev/null
again=$(sqlite3 "$DB" "SELECT queries FROM resolve_runs ORDER BY id DESC LIMIT 1")
pass=$(awk -v r="$ratio" 'BEGIN { print (r >= 0.5) ? "ok" : "MISSED" }')

echo "resolve benchmark: $N distinct HELO names, NSD 127.0.0.1:$PORT, $ROUNDS paired rounds (medians)"
echo "  load average: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null)"
echo "  heloval: $queries queries in ${wall}s = $hv_qps q/s; $ok/$N ok/authorized; peak RSS ${rss} KiB"
echo "  dnsperf: $perf_qps q/s (-l $PERF_SECONDS after each heloval run, same query list, same server)"
echo "  ratio heloval/dnsperf: $ratio (rounds $range; target >= 0.50): $pass"
echo "  second run: $again queries sent (target 0)"
if [ "$pass" = ok ] && [ "$again" = 0 ] && [ "$ok" = "$N" ]; then
    echo "  result: PASS"
else
    echo "  result: FAIL"
    exit 1
fi
