#!/bin/sh
# clone-check.sh - `make check-clone`, run by .ci/run: prove the test suite
# needs nothing outside the repository. Clones the committed HEAD into an
# empty temporary directory (nothing beside it: no ../shared), runs
# `make check` there and requires a green run in which the corpus suite,
# and only it, reported itself skipped. Prints "N passed, N failed".
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d /tmp/heloval-clone.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
passed=0
failed=0
log="$tmp/check.log"
if ! git clone -q "$top" "$tmp/heloval" > "$log" 2>&1; then
    echo "FAIL clone-check: git clone failed:"
    cat "$log"
    echo "0 passed, 1 failed"
    exit 1
fi
# HV_CORPUS unset and nothing beside the clone: the corpus cannot be found
(cd "$tmp/heloval" && env -u HV_CORPUS -u HV_SHARED -u HV_REQUIRE_CORPUS \
    make --no-print-directory check) > "$log" 2>&1
status=$?
last=$(tail -n 1 "$log")
echo "  clone at $tmp/heloval: $last"
if [ "$status" = 0 ] && echo "$last" | grep -qE '^[0-9]+ passed, 0 failed, 1 skipped$'; then
    passed=$((passed + 1))
else
    echo "FAIL clone-check: make check in a clone with nothing beside it (exit $status):"
    grep -E '^(FAIL|  )' "$log" | grep -v ': [0-9]* passed, 0 failed' | head -n 60
    failed=$((failed + 1))
fi
if grep -q '^  corpus suite: skipped' "$log"; then
    passed=$((passed + 1))
else
    echo "FAIL clone-check: the corpus suite did not report itself skipped"
    failed=$((failed + 1))
fi
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
