#!/bin/sh
# fuzz.test.sh - replay every fuzz corpus (seeds and kept crash inputs)
# through its entry point built without libFuzzer. A crash fails the test.
. tests/lib.sh
# the targets are the sources tests/fuzz/fuzz_NAME.c (a replay binary left in
# the build directory by a target since removed is not one)
for src in tests/fuzz/fuzz_*.c; do
    name=${src##*/fuzz_}
    name=${name%.c}
    bin=$B/fuzz/replay_$name
    if [ ! -x "$bin" ]; then
        fail "$name" "$bin was not built"
        continue
    fi
    dir=tests/fuzz/corpus/$name
    if [ ! -d "$dir" ]; then
        fail "$name" "no corpus directory $dir"
        continue
    fi
    if $HELOVAL_WRAP "$bin" "$dir" >"$T_TMP/out" 2>&1; then
        ok "$name"
    else
        fail "$name" "$(tail -n 20 "$T_TMP/out")"
    fi
done
