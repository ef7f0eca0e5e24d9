#!/bin/sh
# report-golden.test.sh - the full pipeline over sample-logs/ must produce
# exactly the golden report and export files in tests/golden/ (made by
# tests/golden/regen.sh; after an intended change run `sh
# tests/golden/regen.sh` and review the diff).
. tests/lib.sh
if [ ! -f sample-logs/dns-snapshot.zone ]; then
    fail "sample-logs" "sample-logs/ missing"
    exit
fi
if sh tests/golden/regen.sh "$T_TMP/out" > "$T_TMP/regen.log" 2>&1; then
    ok "pipeline"
else
    fail "pipeline" "$(head -c 600 "$T_TMP/regen.log")"
fi
n=0
for g in tests/golden/*; do
    case $g in *.sh) continue ;; esac
    f=$(basename "$g")
    n=$((n + 1))
    if cmp -s "$g" "$T_TMP/out/$f"; then
        ok "$f"
    else
        fail "$f" "differs from the golden file:"
        diff -u "$g" "$T_TMP/out/$f" | head -n 30
    fi
done
check_eq "golden files present" "$([ "$n" -ge 10 ] && echo yes)" yes
# every output made is covered by a golden file
for f in "$T_TMP"/out/*; do
    [ -f "tests/golden/$(basename "$f")" ] || fail "$(basename "$f")" "no golden file"
done
