#!/bin/sh
# scan.test.sh - the scan stage on real files: plain, gzip, truncated gzip,
# stdin, directories, resume, rotation, interruption, locking, junk input.
. tests/lib.sh
D=$T_TMP

# A small Postfix log: three sessions, one spanning the half-way cut.
cat > "$D/part1" <<'LOG'
Nov  1 10:00:00 mx1 postfix/smtpd[100]: connect from mail.example.com[192.0.2.10]
Nov  1 10:00:01 mx1 postfix/smtpd[100]: NOQUEUE: reject: RCPT from mail.example.com[192.0.2.10]: 554 5.7.1 <x@example.org>: Relay access denied; from=<a@example.com> to=<x@example.org> proto=ESMTP helo=<mail.example.com>
Nov  1 10:00:02 mx1 postfix/smtpd[100]: disconnect from mail.example.com[192.0.2.10] ehlo=1 mail=1 rcpt=0/1 quit=1 commands=3/4
Nov  1 10:00:03 mx1 postfix/smtpd[200]: connect from unknown[198.51.100.20]
Nov  1 10:00:04 mx1 postfix/smtpd[200]: 4ABC123DEF: client=unknown[198.51.100.20]
LOG
cat > "$D/part2" <<'LOG'
Nov  1 10:00:05 mx1 postfix/cleanup[300]: 4ABC123DEF: warning: header Subject: hi from unknown[198.51.100.20]; from=<b@example.net> to=<y@example.org> proto=ESMTP helo=<relay.example.net>
Nov  1 10:00:06 mx1 postfix/smtpd[200]: disconnect from unknown[198.51.100.20] ehlo=1 mail=1 rcpt=1 data=1 quit=1 commands=5
Nov  1 10:00:07 mx1 postfix/smtpd[400]: connect from unknown[2001:db8::7]
Nov  1 10:00:08 mx1 postfix/smtpd[400]: lost connection after EHLO from unknown[2001:db8::7]
Nov  1 10:00:09 mx1 postfix/smtpd[400]: disconnect from unknown[2001:db8::7] ehlo=1 commands=1
LOG
cat "$D/part1" "$D/part2" > "$D/full.log"
touch -d '2026-11-01 12:00:00' "$D/full.log"

# 1. plain file
check_cmd plain-scan hv scan --db "$D/a.db" -q "$D/full.log"
check_eq plain-sessions "$(q "$D/a.db" 'select count(*) from sessions')" 3
check_eq plain-helo "$(q "$D/a.db" "select helo from sessions where ip='198.51.100.20'")" relay.example.net
check_eq plain-disp "$(q "$D/a.db" "select group_concat(disposition,',') from (select disposition from sessions order by line)")" "rejected,accepted,lost"
check_eq plain-time "$(q "$D/a.db" "select ts from sessions order by line limit 1")" "$(date -u -d '2026-11-01 10:00:00' +%s)"
check_eq plain-messages "$(q "$D/a.db" "select sum(messages) from sessions")" 1
check_eq plain-ipv6 "$(q "$D/a.db" "select count(*) from sessions where ip='2001:db8::7'")" 1

# 2. the same file again adds nothing
check_cmd rescan hv scan --db "$D/a.db" -q "$D/full.log"
check_eq rescan-sessions "$(q "$D/a.db" 'select count(*) from sessions')" 3
check_eq rescan-sources "$(q "$D/a.db" 'select count(*) from sources')" 1

# 3. rotation: renamed and gzipped, it is recognised by its content
mkdir "$D/rot"
gzip -c "$D/full.log" > "$D/rot/mail.log.1.gz"
check_cmd rotated-scan hv scan --db "$D/a.db" "$D/rot"
check_eq rotated-sessions "$(q "$D/a.db" 'select count(*) from sessions')" 3
check_eq rotated-sources "$(q "$D/a.db" 'select count(*) from sources')" 1
grep -q "1 unchanged" "$T_TMP/err" && ok rotated-msg || fail rotated-msg "$(cat "$T_TMP/err")"

# 4. gzip into a fresh database gives the same sessions as plain
check_cmd gzip-scan hv scan --db "$D/g.db" -q --year 2026 "$D/rot/mail.log.1.gz"
check_eq gzip-same "$(q "$D/g.db" 'select group_concat(ip||helo,",") from sessions order by line')" \
    "$(q "$D/a.db" 'select group_concat(ip||helo,",") from sessions order by line')"

# 5. resume: the first half, then the grown file
cp "$D/part1" "$D/grow.log"
check_cmd grow1 hv scan --db "$D/r.db" -q --year 2026 "$D/grow.log"
check_eq grow1-open "$(q "$D/r.db" "select disposition from sessions where ip='198.51.100.20'")" accepted
cat "$D/part2" >> "$D/grow.log"
check_cmd grow2 hv scan --db "$D/r.db" -q --year 2026 "$D/grow.log"
check_eq grow2-sessions "$(q "$D/r.db" 'select count(*) from sessions')" 3
check_eq grow2-helo "$(q "$D/r.db" "select helo from sessions where ip='198.51.100.20'")" relay.example.net
check_eq grow2-lines "$(q "$D/r.db" 'select lines_read from sources')" 10

# 5b. a postscreen connection open at the end of the first read is handed
# to smtpd after it: one session, the smtpd one (the row stored for the
# open postscreen connection goes away when the re-read no longer gives it)
cat > "$D/ps1" <<'LOG'
Nov  1 11:00:00 mx1 postfix/smtpd[500]: connect from mail.example.com[192.0.2.30]
Nov  1 11:00:01 mx1 postfix/smtpd[500]: disconnect from mail.example.com[192.0.2.30] ehlo=1 quit=1 commands=2
Nov  1 11:00:02 mx1 postfix/postscreen[90]: CONNECT from [198.51.100.40]:40000 to [192.0.2.25]:25
LOG
cat > "$D/ps2" <<'LOG'
Nov  1 11:00:08 mx1 postfix/postscreen[90]: PASS NEW [198.51.100.40]:40000
Nov  1 11:00:08 mx1 postfix/smtpd[501]: connect from unknown[198.51.100.40]
Nov  1 11:00:09 mx1 postfix/smtpd[501]: NOQUEUE: reject: RCPT from unknown[198.51.100.40]: 554 5.7.1 <x@example.org>: Relay access denied; from=<a@example.net> to=<x@example.org> proto=ESMTP helo=<ps.example.net>
Nov  1 11:00:10 mx1 postfix/smtpd[501]: disconnect from unknown[198.51.100.40] ehlo=1 mail=1 rcpt=0/1 quit=1 commands=3/4
LOG
cp "$D/ps1" "$D/psgrow.log"
check_cmd psgrow1 hv scan --db "$D/p.db" -q --year 2026 "$D/psgrow.log"
check_eq psgrow1-open "$(q "$D/p.db" "select disposition from sessions where ip='198.51.100.40'")" unknown
cat "$D/ps2" >> "$D/psgrow.log"
check_cmd psgrow2 hv scan --db "$D/p.db" -q --year 2026 "$D/psgrow.log"
check_eq psgrow2-sessions "$(q "$D/p.db" "select count(*) from sessions where ip='198.51.100.40'")" 1
check_eq psgrow2-session "$(q "$D/p.db" "select line || ' ' || helo || ' ' || disposition from sessions where ip='198.51.100.40'")" "5 ps.example.net rejected"
check_eq psgrow2-all "$(q "$D/p.db" 'select count(*) from sessions')" 2

# 6. stdin
check_cmd stdin hv scan --db "$D/s.db" -q --year 2026 - < "$D/full.log"
check_eq stdin-sessions "$(q "$D/s.db" 'select count(*) from sessions')" 3
check_eq stdin-source "$(q "$D/s.db" 'select path from sources')" "-"

# 7. truncated gzip: what came before the cut is kept, the cut is counted
$GENLOG --format postfix --sessions 3000 --seed 7 > "$D/big.log"
gzip -c "$D/big.log" > "$D/big.gz"
size=$(stat -c %s "$D/big.gz")
head -c $((size / 2)) "$D/big.gz" > "$D/trunc.gz"
hv scan --db "$D/t.db" --year 2026 "$D/trunc.gz" >/dev/null 2>"$T_TMP/err"
check_eq trunc-exit $? 1
grep -q "truncated gzip" "$T_TMP/err" && ok trunc-msg || fail trunc-msg "$(cat "$T_TMP/err")"
n=$(q "$D/t.db" 'select count(*) from sessions')
[ "$n" -gt 100 ] && ok trunc-kept || fail trunc-kept "only $n sessions"
check_eq trunc-counted "$(q "$D/t.db" "select count from source_skips where reason='truncated-gzip'")" 1

# 8. directories: recursed, ordered by the time of the first line
mkdir -p "$D/dir/sub"
printf 'Nov  2 09:00:00 mx1 postfix/smtpd[1]: connect from a.example[192.0.2.1]\n' > "$D/dir/a-newer.log"
printf 'Nov  1 09:00:00 mx1 postfix/smtpd[1]: connect from b.example[192.0.2.2]\n' > "$D/dir/sub/z-older.log"
check_cmd dir-scan hv scan --db "$D/d.db" -q --year 2026 "$D/dir"
check_eq dir-order "$(q "$D/d.db" "select group_concat(path,',') from (select path from sources order by id)")" \
    "$D/dir/sub/z-older.log,$D/dir/a-newer.log"

# 9. junk: random bytes, NULs, a 50 MB line; counted, never a crash
head -c 200000 /dev/urandom > "$D/junk.bin"
hv scan --db "$D/j.db" "$D/junk.bin" >/dev/null 2>"$T_TMP/err"
check_eq junk-exit $? 1
grep -q "not a Postfix" "$T_TMP/err" && ok junk-msg || fail junk-msg "$(cat "$T_TMP/err")"
{ head -n 5 "$D/full.log"; head -c 50000000 /dev/zero | tr '\0' 'A'; printf '\n'; tail -n 5 "$D/full.log"; } > "$D/huge.log"
check_cmd huge-scan hv scan --db "$D/h.db" -q --year 2026 "$D/huge.log"
check_eq huge-sessions "$(q "$D/h.db" 'select count(*) from sessions')" 3
check_eq huge-counted "$(q "$D/h.db" "select count from source_skips where reason='too-long'")" 1

# 10. interruption leaves a consistent database; the next scan completes
$GENLOG --format postfix --sessions 60000 --seed 3 > "$D/int.log"
check_cmd int-ref hv scan --db "$D/ref.db" -q --year 2026 "$D/int.log"
# the kill lands while heloval waits for the second half of its input
head -n 100000 "$D/int.log" > "$D/int.a"; tail -n +100001 "$D/int.log" > "$D/int.b"
{ cat "$D/int.a"; sleep 3; cat "$D/int.b"; } | $HELOVAL scan --db "$D/i.db" -q --year 2026 - & pid=$!
sleep 1.5; kill -TERM $pid 2>/dev/null; wait $pid
check_eq int-exit $? 1
n=$(q "$D/i.db" 'select count(*) from sessions')
[ "$n" -gt 1000 ] && ok int-partial || fail int-partial "only $n sessions kept after the interruption"
check_eq int-integrity "$(q "$D/i.db" 'pragma integrity_check')" ok
check_cmd int-resume hv scan --db "$D/i.db" -q --year 2026 - < "$D/int.log"
check_eq int-same "$(q "$D/i.db" 'select count(*) from sessions')" "$(q "$D/ref.db" 'select count(*) from sessions')"

# 11. two runs on one database: the second is refused clearly
# The first run reads a FIFO that stays open until the second run is done,
# so it holds the lock however slow the second one is (valgrind); it has
# the lock once it wrote its pid into l.db.lock.
mkfifo "$D/lock.fifo"
$HELOVAL scan --db "$D/l.db" -q --year 2026 - < "$D/lock.fifo" & pid=$!
exec 3> "$D/lock.fifo"
head -n 1000 "$D/int.log" >&3
i=0
while [ ! -s "$D/l.db.lock" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
hv scan --db "$D/l.db" -q --year 2026 "$D/full.log" 2>"$T_TMP/err"
check_eq lock-exit $? 1
grep -q "in use by another heloval" "$T_TMP/err" && ok lock-msg || fail lock-msg "$(cat "$T_TMP/err")"
exec 3>&-
wait $pid
check_eq lock-first-exit $? 0

# 12. usage errors exit 2
hv scan --bogus x 2>/dev/null; check_eq usage-option $? 2
hv frobnicate 2>/dev/null; check_eq usage-command $? 2
hv scan 2>/dev/null; check_eq usage-nopath $? 2
hv scan --year abc x 2>/dev/null; check_eq usage-year $? 2

# 13. the writer thread stores exactly what a single-threaded scan stores
$GENLOG --format exim --sessions 20000 --seed 5 > "$D/ex.log"
for f in "$D/int.log" "$D/ex.log"; do
    rm -f "$D/t1.db" "$D/t2.db"
    hv scan --db "$D/t1.db" -q --year 2026 "$f"
    HELOVAL_NO_THREADS=1 hv scan --db "$D/t2.db" -q --year 2026 "$f"
    sum() { q "$1" "select count(*), count(helo), total(messages), group_concat(disposition, '') from (select * from sessions order by id)" | md5sum; }
    check_eq "threads-same-$(basename "$f")" "$(sum "$D/t1.db")" "$(sum "$D/t2.db")"
    check_eq "threads-diff-$(basename "$f")" "$(q "$D/t1.db" "attach '$D/t2.db' as b; select count(*) from sessions a left join b.sessions b on b.id = a.id where b.id is null or a.helo is not b.helo or a.ip is not b.ip or a.rdns is not b.rdns or a.qids is not b.qids or a.ts is not b.ts or a.helo_from is not b.helo_from")" 0
done

# 14. a first load into an empty database runs without fsync, fenced by a
# mark in meta that a synced commit removes at the end. A report during the
# load is refused; after a kill -9 the next scan checks the file and goes
# on; a damaged file left by a cut-off load is refused with what to do.
check_eq first-mark-gone "$(q "$D/a.db" "select count(*) from meta where key='first_load'")" 0
check_eq first-wal "$(q "$D/a.db" 'pragma journal_mode')" wal
# a new file stays in rollback mode while it is filled; every command that
# creates one leaves it in WAL (scan at the end of the load, the others when
# they close it)
check_cmd first-resolve hv resolve --db "$D/new-r.db" -q --dns-zone "$PWD/tests/dns/zones/ex.zone"
check_eq first-resolve-wal "$(q "$D/new-r.db" 'pragma journal_mode')" wal
check_cmd first-empty-scan hv scan --db "$D/new-e.db" -q /dev/null
check_eq first-empty-wal "$(q "$D/new-e.db" 'pragma journal_mode')" wal
mkfifo "$D/k.fifo"
$HELOVAL scan --db "$D/k.db" -q --year 2026 - < "$D/k.fifo" & pid=$!
exec 4> "$D/k.fifo"
head -n 100000 "$D/int.log" >&4
mark() { q "$D/k.db" "select count(*) from meta where key='first_load'" 2>/dev/null; }
i=0
while [ "$(mark)" != 1 ] && [ $i -lt 150 ]; do sleep 0.1; i=$((i + 1)); done
check_eq first-mark-set "$(mark)" 1
hv report --db "$D/k.db" -o "$D/k.txt" 2>"$T_TMP/err"
check_eq first-report-refused $? 1
grep -q "first scan is still running or was cut off" "$T_TMP/err" && ok first-report-msg ||
    fail first-report-msg "$(cat "$T_TMP/err")"
kill -KILL $pid 2>/dev/null
wait $pid 2>/dev/null
exec 4>&-
check_cmd first-resume hv scan --db "$D/k.db" -q --year 2026 "$D/int.log"
check_eq first-resume-mark "$(mark)" 0
check_eq first-resume-same "$(q "$D/k.db" 'select count(*) from sessions')" "$(q "$D/ref.db" 'select count(*) from sessions')"
check_eq first-resume-integrity "$(q "$D/k.db" 'pragma integrity_check')" ok
cp "$D/ref.db" "$D/dmg.db"
q "$D/dmg.db" "insert into meta values('first_load', '1')"
dd if=/dev/zero of="$D/dmg.db" bs=8192 seek=5 count=3 conv=notrunc 2>/dev/null
hv scan --db "$D/dmg.db" -q --year 2026 "$D/full.log" 2>"$T_TMP/err"
check_eq first-damaged-exit $? 1
grep -q "first scan was cut off (crash or power loss) and the file is damaged; delete it" "$T_TMP/err" &&
    ok first-damaged-msg || fail first-damaged-msg "$(cat "$T_TMP/err")"

# a Maildir is read in delivery order (the time its message names start
# with), not by mtime, which a copy or a checkout resets: the same source
# ids and session ids on every machine
mkdir -p "$D/md/Maildir/cur"
a=sample-logs/maildir/cur/1793539296.Vfd01I2a4b60M685640.mx1:2,S
b=sample-logs/maildir/cur/1793553110.Vfd01I2a4b67M297517.mx1:2,S
cp "$a" "$D/md/Maildir/cur/"
cp "$b" "$D/md/Maildir/cur/"
touch -d 2020-01-02 "$D/md/Maildir/cur/${a##*/}"
touch -d 2020-01-01 "$D/md/Maildir/cur/${b##*/}"
hv scan --db "$D/md.db" -q --year 2026 "$D/md" 2>"$T_TMP/err"
check_eq maildir-order-exit $? 0
check_eq maildir-order "$(q "$D/md.db" "SELECT substr(path, length(path) - 37, 10) FROM sources ORDER BY id" | tr '\n' ' ')" "1793539296 1793553110 "
