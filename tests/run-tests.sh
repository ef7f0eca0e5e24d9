#!/bin/sh
# run-tests.sh - run every unit-test binary in $B/tests and every shell test
# tests/*.test.sh, add up their "N passed, N failed" lines, print the total
# as the last line and exit 1 on any failure.
#
# Memory checking. Every program a test runs leaves its sanitizer or valgrind
# report in a private directory ($mc); after each test any report found there
# is printed and counts as one more failure, so an error is caught even when
# the test discards stderr or ignores the exit status.
# - make asan (B=build-asan): the unit binaries, fuzz replays and
#   build-asan/heloval are built with ASan+UBSan; ASAN_OPTIONS/UBSAN_OPTIONS
#   below make every error and every leak fatal. Shell tests run $HELOVAL,
#   which the Makefile sets to build-asan/heloval, directly or through `hv`.
# - make valgrind (VALGRIND=1): the unit binaries run under valgrind
#   (memcheck, definite and indirect leaks are errors, tests/valgrind.supp);
#   HELOVAL_WRAP makes `hv` (tests/lib.sh), tests/golden/regen.sh and the fuzz
#   replays run under it too. Not under valgrind (plain binary): the calls
#   that tests make as "$HELOVAL" on purpose because they kill or time the
#   process (scan.test.sh interruption and lock holder, nightly.test.sh lock
#   holder, dns.test.sh `timeout 60 "$HELOVAL"` fault runs) and
#   tests/tools/check-samples.py (samples.test.sh): the same code paths run
#   wrapped elsewhere (regen.sh runs the whole sample pipeline), and valgrind
#   on them would only add minutes or upset their timing. The whole
#   `make valgrind` takes about 8.5 minutes on 2 cores.
# Time limit. Each test program runs with stdin from /dev/null under
# `timeout` (its whole process group is stopped): a test that hangs fails
# after $HV_TEST_LIMIT seconds (default 900) with the end of its output,
# instead of holding the whole run until CI's own limit. Every result line
# gives the test's wall time, so a slow machine shows where the time went.
# gcc caveat: UBSan linked next to ASan ignores log_path and reports on
# stderr only; account() also greps each test's output for reports, and a
# UBSan error aborts the program (exit 134), which tests checking the exit
# status see. A UBSan-only build honours log_path:
#   make B=build-ubsan HELOVAL_BIN=build-ubsan/heloval \
#        CFLAGS="-O1 -g -fsanitize=undefined -fno-sanitize-recover=all" test
B=${B:-build}
export LC_ALL=C TZ=UTC
# the program under test: $HELOVAL when given (the Makefile passes it), else
# $B/heloval when that build made one (build-asan/heloval), else ./heloval
if [ -z "$HELOVAL" ]; then
    if [ -x "$B/heloval" ]; then HELOVAL="$PWD/$B/heloval"; else HELOVAL="$PWD/heloval"; fi
fi
export HELOVAL TOP="$PWD" B
# T=NAME (make check T=csa) runs only the tests whose name contains NAME
T=${T:-}
# the public corpus lives outside the repository; the corpus suite runs when
# it is there (CI), is reported skipped otherwise, and is required when
# HV_REQUIRE_CORPUS=1 (.ci/run)
CORPUS=${HV_CORPUS:-$TOP/../shared/corpus}
mc=$(mktemp -d /tmp/heloval-memcheck.XXXXXX)
# sanitizer builds: every error and every leak is fatal, with a stack, and
# the report goes to $mc (plain builds ignore these variables)
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:halt_on_error=1:abort_on_error=1:print_stacktrace=1:strict_string_checks=1:detect_stack_use_after_return=1:check_initialization_order=1}:log_path=$mc/asan"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-halt_on_error=1:abort_on_error=1:print_stacktrace=1}:log_path=$mc/ubsan"
# (a -fsanitize=thread build, for the scan writer thread, reports here too)
export TSAN_OPTIONS="${TSAN_OPTIONS:-halt_on_error=0:second_deadlock_stack=1}:log_path=$mc/tsan"
LIMIT=${HV_TEST_LIMIT:-900}
passed=0
failed=0
skipped=0
log=$(mktemp)
trap 'rm -rf "$log" "$mc"' EXIT

vg=""
if [ -n "$VALGRIND" ]; then
    vg="valgrind -q --error-exitcode=99 --leak-check=full --show-leak-kinds=definite,indirect --errors-for-leak-kinds=definite,indirect --suppressions=$PWD/tests/valgrind.supp --log-file=$mc/valgrind.%p"
    export HELOVAL_WRAP="$vg"
fi

# memcheck NAME - print and count every sanitizer/valgrind report in $mc.
memcheck() {
    for r in "$mc"/*; do
        [ -s "$r" ] || { rm -f "$r"; continue; }
        echo "FAIL $1: memory error report ${r##*/}:"
        sed -n '1,60p' "$r"
        rm -f "$r"
        failed=$((failed + 1))
    done
}

# run_limited CMD... - run one test program into $log: stdin /dev/null,
# stopped (TERM, then KILL 20 s later) after $LIMIT seconds; sets t_start.
run_limited() {
    t_start=$(date +%s)
    timeout -k 20 "$LIMIT" "$@" < /dev/null > "$log" 2>&1
}

# account NAME STATUS - fold one test program's result into the totals.
account() {
    name=$1 status=$2
    secs=$(( $(date +%s) - t_start ))
    memcheck "$name"
    if [ "$status" = 124 ] || [ "$status" = 137 ]; then
        echo "FAIL $name: stopped after $secs s (limit $LIMIT s, HV_TEST_LIMIT); the end of its output:"
        tail -n 30 "$log"
        failed=$((failed + 1))
        return
    fi
    # UBSan linked next to ASan (gcc) ignores log_path and writes to stderr:
    # catch what reached the test's output
    if grep -qE '(runtime error:|ERROR: (Address|Leak)Sanitizer)' "$log"; then
        echo "FAIL $name: sanitizer report in the output:"
        grep -E -A 12 '(runtime error:|ERROR: (Address|Leak)Sanitizer)' "$log" | head -n 40
        failed=$((failed + 1))
    fi
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
    # a part a test could not run here (no engine, no registry) is a line
    # "SKIP what: why": counted and shown, never a failure
    s=$(grep -c '^SKIP ' "$log")
    skipped=$((skipped + s))
    grep '^SKIP ' "$log" | sed 's/^/  /'
    if [ "$f" != 0 ]; then
        grep -E '^(FAIL|not ok|==[0-9]+==)' "$log" | head -n 60
    fi
    echo "  $name: $last ($secs s)"
}

# wanted NAME - true when NAME is selected by T (every name when T is empty).
wanted() {
    case $1 in *"$T"*) return 0 ;; esac
    return 1
}

for t in "$B"/tests/test_*; do
    [ -x "$t" ] || continue
    wanted "$(basename "$t")" || continue
    run_limited $vg "$t"
    account "$(basename "$t")" $?
done
for t in tests/*.test.sh; do
    [ -f "$t" ] || continue
    wanted "$(basename "$t")" || continue
    run_limited sh "$t"
    account "$(basename "$t")" $?
done

# The corpus suite: the replays of the public corpus (tests/corpus/), one
# suite that runs only where the corpus is present.
if wanted corpus; then
    if [ -f "$CORPUS/logs.expected.tsv" ] && [ -d "$CORPUS/realworld" ]; then
        export HV_CORPUS="$CORPUS"
        for t in "$B"/corpus/test_*; do
            [ -x "$t" ] || continue
            run_limited $vg "$t"
            account "corpus/$(basename "$t")" $?
        done
        # check.py runs heloval itself: through a wrapper under valgrind
        wrap=$(mktemp /tmp/heloval-wrap.XXXXXX)
        printf '#!/bin/sh\nexec %s "%s" "$@"\n' "$HELOVAL_WRAP" "$HELOVAL" > "$wrap"
        chmod +x "$wrap"
        run_limited python3 tests/corpus/realworld.py "$CORPUS" "$wrap"
        account corpus/realworld $?
        rm -f "$wrap"
    elif [ "${HV_REQUIRE_CORPUS:-0}" = 1 ]; then
        echo "FAIL corpus suite: the public corpus is required here (HV_REQUIRE_CORPUS=1) and is missing at $CORPUS"
        failed=$((failed + 1))
    else
        echo "  corpus suite: skipped (the public corpus is not at $CORPUS; it lives outside the repository, set HV_CORPUS to run it)"
        skipped=$((skipped + 1))
    fi
fi
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" = 0 ]
