#!/bin/sh
# run-tests.sh - run every unit-test binary in $B/tests and every shell test
# tests/*.test.sh, add up their "N passed, N failed" lines, print the total
# as the last line and exit 1 on any failure. VALGRIND=1 wraps the unit
# binaries in valgrind.
B=${B:-build}
export LC_ALL=C TZ=UTC
export HELOVAL="$PWD/heloval" TOP="$PWD" B
passed=0
failed=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT

vg=""
if [ -n "$VALGRIND" ]; then
    vg="valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect --suppressions=tests/valgrind.supp"
    export HELOVAL_WRAP="$vg"
fi

# account NAME STATUS - fold one test program's result into the totals.
account() {
    name=$1 status=$2
    last=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1)
    if [ -z "$last" ]; then
        echo "FAIL $name: no result line (exit $status)"
        sed -n '1,40p' "$log"
        failed=$((failed + 1))
        return
    fi
    p=$(echo "$last" | cut -d' ' -f1)
    f=$(echo "$last" | cut -d' ' -f3)
    if [ "$status" != 0 ] && [ "$f" = 0 ]; then
        f=1
        echo "FAIL $name: exit status $status"
    fi
    passed=$((passed + p))
    failed=$((failed + f))
    if [ "$f" != 0 ]; then
        grep -E '^(FAIL|not ok|==[0-9]+==)' "$log" | head -n 60
    fi
    echo "  $name: $last"
}

for t in "$B"/tests/test_*; do
    [ -x "$t" ] || continue
    $vg "$t" > "$log" 2>&1
    account "$(basename "$t")" $?
done
for t in tests/*.test.sh; do
    [ -f "$t" ] || continue
    sh "$t" > "$log" 2>&1
    account "$(basename "$t")" $?
done
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
