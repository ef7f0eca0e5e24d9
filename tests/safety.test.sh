#!/bin/sh
# safety.test.sh - data safety (issue 10, items 10-13): a resolve or run
# whose setup fails keeps every stored result; a resolve against a dead or
# refusing server exits 1 and every report says so at the top; -o writes
# through a temporary file renamed into place (disk full keeps the old
# file), a closed pipe ends an export quietly, SIGINT/SIGTERM stop report
# and export; messages name the path and the cause. Real SQLite files, the
# sample logs with their DNS snapshot (offline), loopback only.
. tests/lib.sh

D="$T_TMP"
ZONE="$PWD/sample-logs/dns-snapshot.zone"
RUNOPTS="--year 2026 --accreditor dna.example --no-progress -q"

# counts DB - "csa dna dna_result" row counts.
counts() {
    q "$1" "SELECT (SELECT COUNT(*) FROM csa) || ' ' || (SELECT COUNT(*) FROM dna)
            || ' ' || (SELECT COUNT(*) FROM dna_result)"
}

# results DB - a digest of every stored result (to compare whole tables).
results() {
    q "$1" "SELECT 'csa', helo, ip, status, reason, evaluated_at FROM csa
            UNION ALL SELECT 'dna', helo, service, status, grade, evaluated_at FROM dna
            UNION ALL SELECT 'res', helo, '', status, grade, evaluated_at FROM dna_result
            ORDER BY 1, 2, 3" | md5sum
}

# ==== item 10: a failing setup removes nothing ====
DB="$D/keep.db"
check_cmd keep-run hv run --db "$DB" $RUNOPTS --dns-zone "$ZONE" sample-logs
BEFORE=$(results "$DB")
N0=$(counts "$DB")
case "$N0" in 0\ *|*\ 0\ *|*\ 0) fail keep-setup "no results to protect: $N0" ;; *) ok keep-setup ;; esac

# expect_kept NAME CMD... - CMD must fail (exit 1) and leave every result.
expect_kept() {
    name=$1; shift
    "$@" >"$D/out" 2>"$D/err"
    check_eq "$name: exit" "$?" 1
    check_eq "$name: results kept" "$(results "$DB")" "$BEFORE"
}
expect_kept missing-zone hv resolve --db "$DB" --accreditor dna.example -q \
    --dns-zone "$D/no-such.zone"
grep -q "no-such.zone: No such file or directory" "$D/err" && ok missing-zone-msg ||
    fail missing-zone-msg "$(cat "$D/err")"
expect_kept run-missing-zone hv run --db "$DB" $RUNOPTS --dns-zone "$D/no-such.zone" sample-logs
expect_kept bad-server hv resolve --db "$DB" --accreditor dna.example -q --dns-server "no such server"
expect_kept run-bad-server hv run --db "$DB" $RUNOPTS --dns-server "no such server" sample-logs
# other accreditors: the old DNA results stay until the new ones are written
expect_kept accreditor-bad-zone hv resolve --db "$DB" --accreditor other.example -q \
    --dns-zone "$D/no-such.zone"
printf 'not a policy\n' > "$D/bad.policy"
expect_kept bad-policy hv resolve --db "$DB" --accreditor dna.example -q \
    --dns-zone "$ZONE" --policy "$D/bad.policy"
check_eq keep-integrity "$(q "$DB" 'PRAGMA integrity_check')" ok

# changed options redo every result, replacing the old rows in place
check_cmd keep-redo hv resolve --db "$DB" --accreditor dna.example -q --no-reverse \
    --dns-zone "$ZONE"
check_eq keep-redo-counts "$(counts "$DB")" "$N0"
check_eq keep-redo-all-new "$(q "$DB" "SELECT COUNT(*) FROM csa WHERE evaluated_at = 0")" 0
# dropping the accreditor: DNA is unknown, its old rows go (nothing replaces them)
check_cmd keep-no-dna hv resolve --db "$DB" -q --no-reverse --dns-zone "$ZONE"
check_eq keep-no-dna-rows "$(q "$DB" 'SELECT COUNT(*) FROM dna_result')" 0
