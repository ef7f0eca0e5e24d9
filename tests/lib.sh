# lib.sh - helpers for the shell tests (sourced). Counts checks and prints
# the "N passed, N failed" line at exit. Needs $HELOVAL (set by run-tests.sh).
export LC_ALL=C TZ=UTC
HELOVAL=${HELOVAL:-$PWD/heloval}
T_PASSED=0
T_FAILED=0
T_TMP=$(mktemp -d /tmp/heloval-test.XXXXXX)
SHARED=${HV_SHARED:-$(cd .. && pwd)/shared}
TOP=${TOP:-$PWD}
# GENLOG - the seeded log generator (tests/tools/genlog.py; HV_GENLOG
# overrides the path)
GENLOG="python3 ${HV_GENLOG:-$TOP/tests/tools/genlog.py}"

# t_finish - print the totals; exit 1 on any failure.
t_finish() {
    rm -rf "$T_TMP"
    echo "$T_PASSED passed, $T_FAILED failed"
    [ "$T_FAILED" = 0 ]
}
trap 't_finish; exit $?' EXIT

# ok NAME - record a pass. fail NAME DETAIL - record a failure.
ok() { T_PASSED=$((T_PASSED + 1)); }
fail() { T_FAILED=$((T_FAILED + 1)); echo "FAIL $1: $2"; }

# check_eq NAME GOT WANT
check_eq() {
    if [ "$2" = "$3" ]; then ok "$1"; else fail "$1" "got '$2', want '$3'"; fi
}

# check_cmd NAME CMD... - the command must succeed.
check_cmd() {
    name=$1; shift
    if "$@" >"$T_TMP/out" 2>"$T_TMP/err"; then ok "$name"; else
        fail "$name" "exit $?: $(head -c 600 "$T_TMP/err")"; fi
}

# q DB SQL - one value from sqlite3.
q() { sqlite3 -batch -noheader "$1" "$2"; }

# hv ARGS... - run heloval (under valgrind when HELOVAL_WRAP is set).
hv() { $HELOVAL_WRAP "$HELOVAL" "$@"; }

# free_port - a TCP port on 127.0.0.1 that was free a moment ago.
free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# wait_udp PORT - until something answers DNS on 127.0.0.1:PORT (10 s);
# the exit status says whether it did.
wait_udp() {
    python3 - "$1" <<'EOF'
import socket, struct, sys, time
port = int(sys.argv[1])
q = struct.pack("!HHHHHH", 7, 0x0100, 1, 0, 0, 0) + b"\x02ex\x00\x00\x06\x00\x01"
for _ in range(100):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(0.1)
    try:
        s.sendto(q, ("127.0.0.1", port))
        s.recvfrom(512)
        sys.exit(0)
    except OSError:
        time.sleep(0.1)
    finally:
        s.close()
sys.exit(1)
EOF
}

# read_portfile FILE - the port a test responder wrote to FILE, once it is
# there (10 s); nothing when it never came.
read_portfile() {
    _i=0
    while [ ! -s "$1" ] && [ $_i -lt 100 ]; do
        sleep 0.1
        _i=$((_i + 1))
    done
    cat "$1" 2>/dev/null
}

# no_session_id - a TSV export (stdin) without its session_id column (the
# store's id: it differs between databases holding the same sessions,
# after a merge or a scan in another order).
no_session_id() {
    awk -F'\t' -v OFS='\t' '
        NR == 1 { for (i = 1; i <= NF; i++) if ($i == "session_id") c = i }
        { if (c) { for (i = c; i < NF; i++) $i = $(i + 1); NF-- } print }'
}

# start_nsd - Debian's NSD, unprivileged, on 127.0.0.1 at a free high port
# (NSD_PORT) serving the test zones of tests/dns/zones (forward and
# reverse) from $T_TMP/nsd; its pid in NSD_PID (the caller kills it). DNS
# must name tests/dns. A server that does not answer fails the test.
start_nsd() {
    d="$T_TMP/nsd"  # the zones of tests/dns/zones, forward and reverse
    mkdir -p "$d"
    cp "$DNS"/zones/*.zone "$d/"
    NSD_PORT=$(free_port)
    zones=""
    for z in ex test.ex dna.ex dna2.ex; do
        zones="${zones}zone:
    name: \"$z\"
    zonefile: \"$z.zone\"
"
    done
    zones="${zones}zone:
    name: \"2.0.192.in-addr.arpa\"
    zonefile: \"rev4.zone\"
zone:
    name: \"8.b.d.0.1.0.0.2.ip6.arpa\"
    zonefile: \"rev6.zone\"
"
    DIR="$d" PORT="$NSD_PORT" ZONES="$zones" python3 -c '
import os, sys
t = open(sys.argv[1]).read()
for k in ("DIR", "PORT", "ZONES"):
    t = t.replace("@" + k + "@", os.environ[k])
open(sys.argv[2], "w").write(t)' "$DNS/nsd.conf.in" "$d/nsd.conf"
    nsd -d -c "$d/nsd.conf" >"$d/stderr" 2>&1 &
    NSD_PID=$!
    if wait_udp "$NSD_PORT"; then ok nsd-start; else
        fail nsd-start "$(cat "$d/stderr" "$d/nsd.log" 2>/dev/null | tail -5)"
        exit 1
    fi
}
