#!/bin/sh
# bench-resolve.sh - resolve-stage benchmark (not part of `make test`):
# N distinct HELO names (default 20000; BENCH_RESOLVE_NAMES or BENCH_NAMES) with CSA records in
# an NSD zone on 127.0.0.1; heloval resolves one session per name against
# it, then dnsperf runs the same SRV query list against the same server in
# the same run (`dnsperf -s 127.0.0.1 -p PORT -d querylist -l 10`). Prints
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

# heloval: three first runs on copies of the same database (every name
# asked; the machine is noisy: the best of 3 counts, as in tests/bench/bench.sh),
# then a second run over the last one (all cached).
DB0="$TMP/bench0.db"
"$HELOVAL" resolve --db "$DB0" -q --dns-zone "$TMP/bench.ex.zone" >/dev/null 2>&1
sqlite3 "$DB0" "DELETE FROM resolve_runs; DELETE FROM meta;" < /dev/null
sqlite3 "$DB0" < "$TMP/sessions.sql"
best=""
for k in 1 2 3; do
    DB="$TMP/bench$k.db"
    cp "$DB0" "$DB"
    /usr/bin/time -v "$HELOVAL" resolve --db "$DB" --dns-server "127.0.0.1:$PORT" -q \
        2>"$TMP/time$k"
    st=$?
    [ $st = 0 ] || { echo "bench-resolve: heloval failed" >&2; cat "$TMP/time$k" >&2; exit 1; }
    w=$(awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, t, ":"); s = 0;
                   for (i = 1; i <= n; i++) s = s * 60 + t[i]; print s }' "$TMP/time$k")
    if [ -z "$best" ] || awk -v a="$w" -v b="$best" 'BEGIN { exit !(a < b) }'; then
        best=$w
        bestk=$k
    fi
done
wall=$best
queries=$(sqlite3 "$TMP/bench$bestk.db" "SELECT queries FROM resolve_runs ORDER BY id DESC LIMIT 1")
rss=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$TMP/time$bestk")
ok=$(sqlite3 "$DB" "SELECT COUNT(*) FROM csa WHERE status = 'ok'")
hv_qps=$(awk -v q="$queries" -v t="$wall" 'BEGIN { printf "%.0f", (t > 0 ? q / t : 0) }')

"$HELOVAL" resolve --db "$DB" --dns-server "127.0.0.1:$PORT" -q 2>/dev/null
again=$(sqlite3 "$DB" "SELECT queries FROM resolve_runs ORDER BY id DESC LIMIT 1")

# dnsperf on the same list and server.
dnsperf -s 127.0.0.1 -p "$PORT" -d "$TMP/querylist" -l 10 >"$TMP/dnsperf" 2>&1
perf_qps=$(awk '/Queries per second:/ { printf "%.0f", $4 }' "$TMP/dnsperf")
ratio=$(awk -v a="$hv_qps" -v b="$perf_qps" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')

echo "resolve benchmark: $N distinct HELO names, NSD 127.0.0.1:$PORT"
echo "  heloval: $queries queries in ${wall}s (best of 3) = $hv_qps q/s; $ok/$N ok/authorized; peak RSS ${rss} KiB"
echo "  dnsperf: $perf_qps q/s (-l 10, same query list, same server)"
echo "  ratio heloval/dnsperf: $ratio (target >= 0.50)"
echo "  second run: $again queries sent (target 0)"
pass=$(awk -v r="$ratio" 'BEGIN { print (r >= 0.5) ? "yes" : "no" }')
if [ "$pass" = yes ] && [ "$again" = 0 ] && [ "$ok" = "$N" ]; then
    echo "  result: PASS"
else
    echo "  result: FAIL"
    exit 1
fi
