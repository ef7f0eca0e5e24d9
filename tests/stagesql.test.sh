#!/bin/sh
# stagesql.test.sh - the SQL of the scan and resolve stages (analyzer/store/
# scandb.c, resolvedb.c, issue 16): a statement that fails is an error that
# names what was being written and SQLite's reason, never a silent success.
# The failures are planted with triggers that abort one write.
. tests/lib.sh
D=$T_TMP
LOG=sample-logs/postfix/mail.log
ZONE=sample-logs/dns-snapshot.zone

# plant DB TABLE EVENT - make every EVENT (INSERT, UPDATE) on TABLE fail
plant() {
    q "$1" "CREATE TRIGGER planted BEFORE $3 ON $2 BEGIN
            SELECT RAISE(ABORT, 'planted failure'); END;"
}

# expect_error NAME WHAT - the last run failed, and its stderr names WHAT
# and the planted reason
expect_error() {
    if [ "$st" != 0 ]; then ok "$1: exit"; else fail "$1: exit" "exit 0"; fi
    if grep -q "$2.*planted failure" "$D/err"; then ok "$1: message"; else
        fail "$1: message" "$(cat "$D/err")"; fi
}

# the scan_runs row of a scan (written after every file is committed)
hv scan --db "$D/runs.db" -q --year 2026 "$LOG" 2>/dev/null
plant "$D/runs.db" scan_runs INSERT
cp "$LOG" "$D/more.log" && echo "Jan  9 10:00:00 mx postfix/smtpd[1]: connect from x[192.0.2.9]" >> "$D/more.log"
hv scan --db "$D/runs.db" -q --year 2026 "$D/more.log" 2>"$D/err"
st=$?
expect_error scan-run "recording the scan run"

# the new name of a file read before, unchanged
hv scan --db "$D/name.db" -q --year 2026 "$LOG" 2>/dev/null
plant "$D/name.db" sources UPDATE
cp "$LOG" "$D/renamed.log"
hv scan --db "$D/name.db" -q --year 2026 "$D/renamed.log" 2>"$D/err"
st=$?
expect_error scan-rename "renaming a source"
check_eq "scan-rename: old name kept" \
    "$(q "$D/name.db" "SELECT count(*) FROM sources WHERE path LIKE '%renamed.log'")" 0

# a CSA result of the resolve stage
hv scan --db "$D/csa.db" -q --year 2026 "$LOG" 2>/dev/null
plant "$D/csa.db" csa INSERT
hv resolve --db "$D/csa.db" -q --dns-zone "$ZONE" 2>"$D/err"
st=$?
expect_error resolve-csa "writing a CSA result"
check_eq "resolve-csa: nothing half-written" "$(q "$D/csa.db" 'SELECT count(*) FROM csa')" 0
