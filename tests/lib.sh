# lib.sh - helpers for the shell tests (sourced). Counts checks and prints
# the "N passed, N failed" line at exit. Needs $HELOVAL (set by run-tests.sh).
export LC_ALL=C TZ=UTC
HELOVAL=${HELOVAL:-$PWD/heloval}
T_PASSED=0
T_FAILED=0
T_TMP=$(mktemp -d /tmp/heloval-test.XXXXXX)
SHARED=${HV_SHARED:-$(cd .. && pwd)/shared}
MKLOG="python3 $SHARED/tools/mklog"

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
