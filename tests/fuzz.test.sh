#!/bin/sh
# fuzz.test.sh - replay every fuzz corpus (seeds and kept crash inputs)
# through its entry point built without libFuzzer. A crash fails the test.
. tests/lib.sh
for bin in "$B"/fuzz/replay_*; do
    [ -x "$bin" ] || continue
    name=${bin##*/replay_}
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
