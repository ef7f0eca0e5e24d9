#!/bin/sh
# helo-origin.test.sh - HELO provenance end to end (README "Database
# schema", helo_from): the Received join fills a HELO the log does not show
# and replaces an implied one, never a provably absent one; unobserved
# HELOs are unknown/helo-unobserved with verdict unevaluated; schema 1 -> 2
# reads the old HELO-less rows as 'none'.
. tests/lib.sh
D=$T_TMP
F=tests/helo-origin
check_cmd scan hv scan --db "$D/t.db" --year 2026 --no-progress "$F/postfix.log" \
    "$F/exim.log" "$F/received.mbox"
from() { q "$D/t.db" "select coalesce(helo,'-') || ' ' || coalesce(helo_from,'NULL') from sessions where mta <> 'mbox' and ip = '$1'"; }
# accepted, ehlo=1 counted but no name logged: filled from the header
check_eq unobserved-joined "$(from 192.0.2.31)" "a.example received"
# counters without helo=/ehlo=: provably none, the header does not change it
check_eq none-kept "$(from 192.0.2.32)" "- none"
# Exim H=name [ip] on an arrival: implied, replaced by the header's helo=
check_eq implied-replaced "$(from 192.0.2.33)" "explicit.c.example received"
check_eq implied "$(from 192.0.2.34)" "mx.d.example implied"
# no mailbox message for it: stays unobserved
check_eq unobserved "$(from 192.0.2.35)" "- NULL"
grep -q "HELO of postfix sessions in the database: logged 0, implied 0, from Received 1, absent 1, unobserved 1" "$T_TMP/err" &&
    ok scan-summary || fail scan-summary "$(cat "$T_TMP/err")"
# a first load's provenance lines come from the counts kept as it wrote
# (the Received join's updates included); a later scan, of nothing new,
# counts the stored table: the same lines
grep 'sessions in the database' "$T_TMP/err" > "$D/tally.lines"
cp "$D/t.db" "$D/recount.db"
: > "$D/empty.log"
check_cmd recount hv scan --db "$D/recount.db" --year 2026 --no-progress "$D/empty.log"
check_eq tally-lines "$(wc -l < "$D/tally.lines")" 3   # postfix, exim, mbox
check_eq tally-recounted "$(grep 'sessions in the database' "$T_TMP/err")" "$(cat "$D/tally.lines")"
hv export verdicts --db "$D/t.db" --format tsv > "$D/v.tsv"
check_eq unevaluated "$(awk -F'\t' '$5 == "192.0.2.35" { print $10 "/" $11 " " $16 }' "$D/v.tsv")" \
    "unknown/helo-unobserved unevaluated"
check_eq view-unevaluated "$(q "$D/t.db" "select csa_reason || ' ' || verdict || ' ' || coalesce(helo_from,'NULL') from verdicts where ip = '192.0.2.35'")" \
    "helo-unobserved unevaluated NULL"
check_eq view-none "$(q "$D/t.db" "select coalesce(verdict,'') from verdicts where mta = 'postfix' and ip = '192.0.2.32'")" ""

# a header that hides the HELO too (an implied mbox HELO, Exim's "from name
# ([ip])") does not replace an implied log HELO; the join runs on every scan
cp "$D/t.db" "$D/h.db"
q "$D/h.db" "update sessions set helo = 'mx.c.example', helo_from = 'implied'
    where mta = 'exim' and ip = '192.0.2.33';
    update sessions set helo_from = 'implied' where mta = 'mbox' and ip = '192.0.2.33'" > /dev/null
check_cmd rescan hv scan --db "$D/h.db" --year 2026 --no-progress "$F/exim.log"
check_eq implied-kept "$(q "$D/h.db" "select helo || ' ' || helo_from from sessions where mta = 'exim' and ip = '192.0.2.33'")" \
    "mx.c.example implied"

# schema 1 -> 2: a version 1 database read every HELO-less session as
# sending none; the migration keeps that reading (and 2 -> 3 follows: the
# version 1 file has no label columns)
cp "$D/t.db" "$D/old.db"
q "$D/old.db" "update sessions set helo_from = NULL where helo is null; drop view verdicts;
    alter table sessions drop column label; alter table sessions drop column label_from;
    create view verdicts as select 1 as x; pragma user_version = 1" > /dev/null
check_cmd migrate hv scan --db "$D/old.db" --year 2026 --no-progress "$F/postfix.log"
check_eq migrated-version "$(q "$D/old.db" "pragma user_version")" 4
check_eq migrated-none "$(q "$D/old.db" "select count(*) from sessions where helo is null and helo_from is null")" 0
check_eq migrated-view "$(q "$D/old.db" "select verdict is null from verdicts where ip = '192.0.2.35'")" 1

# the provenance line counts the whole database in one pass in C: it must
# agree with SQLite's GROUP BY, also when odd stored values (more than 64
# distinct) make it hand the grouping to SQLite
python3 tests/tools/genlog.py --format exim --sessions 400 > "$D/g.log"
check_cmd gen-scan hv scan --db "$D/g.db" --year 2026 --no-progress "$D/g.log"
# expected - the provenance line from SQL (unknown values count as unobserved)
expected() {
    q "$D/g.db" "select 'logged ' || sum(helo_from = 'log') || ', implied ' ||
        sum(helo_from = 'implied') || ', from Received ' || sum(helo_from = 'received') ||
        ', absent ' || sum(helo_from = 'none') || ', unobserved ' ||
        sum(helo_from is null or helo_from not in ('log','implied','received','none'))
        from sessions where mta = 'exim'"
}
provenance() { sed -n 's/.*HELO of exim sessions in the database: //p' "$T_TMP/err"; }
check_eq provenance-c "$(provenance)" "$(expected)"
q "$D/g.db" "update sessions set helo_from = 'odd' || (id % 70) where helo_from = 'log'" > /dev/null
check_eq odd-values "$(q "$D/g.db" "select count(distinct helo_from) > 64 from sessions")" 1
check_cmd odd-rescan hv scan --db "$D/g.db" --year 2026 --no-progress "$D/g.log"
check_eq provenance-sql "$(provenance)" "$(expected)"
