#!/bin/sh
# test-all.sh - `make test`: the suite on the normal build (make check), under
# AddressSanitizer + UndefinedBehaviorSanitizer (make asan) and under valgrind
# (make valgrind). Each pass prints its own "N passed, N failed"; this script
# adds them up, prints the total as the last line and fails if any pass
# failed. HELOVAL_TEST_PASSES (default "check asan valgrind") picks passes.
passes=${HELOVAL_TEST_PASSES:-check asan valgrind}
total_p=0
total_f=0
total_s=0
status=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT
for pass in $passes; do
    echo "==== make $pass"
    t0=$(date +%s)
    make --no-print-directory "$pass" 2>&1 | tee "$log"
    rc=$(tail -n 1 "$log" | grep -cE 'passed, 0 failed(, [0-9]+ skipped)?$')
    last=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1)
    p=$(echo "${last:-0 passed, 1 failed}" | cut -d' ' -f1)
    f=$(echo "${last:-0 passed, 1 failed}" | cut -d' ' -f3 | tr -d ,)
    s=$(echo "$last" | sed -n 's/.* \([0-9][0-9]*\) skipped$/\1/p')
    if [ "$rc" != 1 ] && [ "$f" = 0 ]; then
        f=1   # the pass broke before or after its tests
    fi
    [ "$f" != 0 ] && status=1
    echo "==== make $pass: $p passed, $f failed, ${s:-0} skipped ($(( $(date +%s) - t0 )) s)"
    total_p=$((total_p + p))
    total_f=$((total_f + f))
    total_s=$((total_s + ${s:-0}))
done
echo "$total_p passed, $total_f failed, $total_s skipped"
exit $status
