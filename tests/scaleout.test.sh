#!/bin/sh
# scaleout.test.sh - the pieces for running past one machine.
# 1. `scan --emit jsonl` (the map step for Hadoop Streaming / Spark pipe()):
#    from files and from stdin, one valid JSON object per line, no database,
#    the same sessions the database export shows.
# 2. `merge`: sample-logs/ split into two groups (Postfix + Exim on one
#    machine, Sendmail + mbox + Maildir on the other, so the Received-HELO
#    join has to happen at merge time), each scanned and resolved on its
#    own with the same zone snapshot, merged into a third database: report
#    (json) and exports equal those of one database that scanned everything,
#    except the DNS run counters (see RUN_FIELDS below). Merging the same
#    input again, or a database holding a shorter reading of a source that
#    is already present, counts nothing twice.
. tests/lib.sh
D=$T_TMP
S="$PWD/sample-logs"
Z="--dns-zone $S/dns-snapshot.zone --accreditor dna.example"
# every resolve at one clock (2026-11-08): the answers' age (report dns_age,
# export dns_age_seconds) is then the same in every database compared
export HELOVAL_NOW=1794096000

# ==== 1. emit jsonl
# same_sessions JSONL EXPORT - the emitted sessions (the last line of each
# (source, line) wins: a parser may emit a session again when a later line
# completes it) equal the exported ones; prints "ok" or the first difference.
same_sessions() {
    python3 - "$1" "$2" <<'EOF'
import json, sys
def rows(path, emitted):
    out = {}
    for n, l in enumerate(open(path, "rb"), 1):
        try:
            r = json.loads(l)
        except ValueError as e:
            print("line %d of %s is not JSON: %s" % (n, path, e)); sys.exit(0)
        helo = r["helo"] if r["helo"] is not None else ""
        out[(r["source"], r["line"])] = (r["time"], r["mta"], r["ip"], helo, r["rdns"],
                                         r["disposition"], r["messages"])
    return out
a, b = rows(sys.argv[1], True), rows(sys.argv[2], False)
if a == b:
    print("ok")
else:
    diff = sorted(set(a.items()) ^ set(b.items()))[:2]
    print("%d emitted, %d exported; %r" % (len(a), len(b), diff))
EOF
}

for f in postfix/mail.log postfix/mail.log.1.gz exim/mainlog sendmail/maillog mbox/inbox.mbox; do
    n=$(echo "$f" | tr '/.' '__')
    hv scan --emit jsonl --year 2026 --db "$D/emit-$n.db" "$S/$f" > "$D/e-$n.jsonl" 2>"$T_TMP/err"
    check_eq "emit-$n-exit" $? 0
    [ -e "$D/emit-$n.db" ] && fail "emit-$n-nodb" "--emit created a database" || ok "emit-$n-nodb"
    hv scan --db "$D/x-$n.db" -q --year 2026 "$S/$f" &&
        hv export sessions --db "$D/x-$n.db" --format jsonl > "$D/x-$n.jsonl"
    check_eq "emit-$n-same" "$(same_sessions "$D/e-$n.jsonl" "$D/x-$n.jsonl")" ok
    grep -q "sessions in these files: $(wc -l < "$D/x-$n.jsonl" | tr -d ' ')" "$T_TMP/err" &&
        ok "emit-$n-summary" || fail "emit-$n-summary" "$(grep 'sessions in' "$T_TMP/err")"
done
# stdin (plain and gzip): the same lines, source "-"
hv scan --emit jsonl --year 2026 - < "$S/postfix/mail.log" > "$D/stdin.jsonl" 2>/dev/null
check_eq emit-stdin-exit $? 0
check_eq emit-stdin-same "$(sed 's/^{"source":"-",/{/' "$D/stdin.jsonl" | cksum)" \
    "$(sed 's/^{"source":"[^"]*",/{/' "$D/e-postfix_mail_log.jsonl" | cksum)"
check_eq emit-stdin-source "$(grep -vc '^{"source":"-",' "$D/stdin.jsonl")" 0
hv scan --emit jsonl --year 2026 - < "$S/postfix/mail.log.1.gz" > "$D/stdin-gz.jsonl" 2>/dev/null
check_eq emit-stdin-gz "$(sed 's/^{"source":"-",/{/' "$D/stdin-gz.jsonl" | cksum)" \
    "$(sed 's/^{"source":"[^"]*",/{/' "$D/e-postfix_mail_log_1_gz.jsonl" | cksum)"
# a whole tree, as one mapper would get it: every line a JSON object
hv scan --emit jsonl --year 2026 "$S" > "$D/tree.jsonl" 2>/dev/null
check_eq emit-tree-exit $? 0
check_eq emit-tree-json "$(python3 -c '
import json, sys
n = 0
for l in open(sys.argv[1], "rb"):
    r = json.loads(l)
    assert isinstance(r, dict) and "ip" in r and "helo" in r and "time" in r
    n += 1
print(n)' "$D/tree.jsonl" 2>&1)" 216
# stdout is for sessions only: the summary goes to stderr
check_eq emit-quiet-stdout "$(hv scan --emit jsonl --year 2026 "$S/exim/mainlog" 2>/dev/null | grep -vc '^{')" 0

# ==== 2. two machines, then merge
check_cmd whole-scan hv scan --db "$D/whole.db" -q --year 2026 "$S"
check_cmd whole-resolve hv resolve --db "$D/whole.db" -q $Z
check_cmd a-scan hv scan --db "$D/a.db" -q --year 2026 "$S/postfix" "$S/exim"
check_cmd a-resolve hv resolve --db "$D/a.db" -q $Z
check_cmd b-scan hv scan --db "$D/b.db" -q --year 2026 "$S/sendmail" "$S/mbox" "$S/maildir"
check_cmd b-resolve hv resolve --db "$D/b.db" -q $Z
check_eq split-covers "$(( $(q "$D/a.db" 'select count(*) from sessions') + $(q "$D/b.db" 'select count(*) from sessions') ))" \
    "$(q "$D/whole.db" 'select count(*) from sessions')"
hv merge "$D/m.db" "$D/a.db" "$D/b.db" 2>"$T_TMP/err"
check_eq merge-exit $? 0
grep -q "b.db: 16 new source(s), 0 already present, 58 new session(s), 24 HELO(s) joined" "$T_TMP/err" &&
    ok merge-msg || fail merge-msg "$(cat "$T_TMP/err")"
# the labelled messages give their 11 postfix-in log sessions their label
grep -q "b.db: 11 log session(s) took the label of their message (Received join)" "$T_TMP/err" &&
    ok merge-labels || fail merge-labels "$(cat "$T_TMP/err")"
check_eq merge-integrity "$(q "$D/m.db" 'pragma integrity_check')" ok

# Fields that legitimately differ: every machine's resolve run is kept in
# resolve_runs, so the merged report counts two runs, and the names the two
# machines both resolved are counted once per run: the merged dns_names is
# the sum of the two machines' dns_names. The DNS work counters (queries,
# cache hits, timeouts, failures) are sums over runs as well. Nothing else
# may differ.
RUN_FIELDS="dns_runs dns_names dns_queries dns_cache_hits dns_timeouts dns_failures"
norm_report() {
    hv report --db "$1" --format json | python3 -c '
import json, sys
r = json.load(sys.stdin)
for k in sys.argv[1:]:
    r["summary"].pop(k, None)
print(json.dumps(r, sort_keys=True, indent=1))' $RUN_FIELDS
}
norm_report "$D/whole.db" > "$D/whole.json"
norm_report "$D/m.db" > "$D/m.json"
[ -s "$D/whole.json" ] && ok report-json || fail report-json "no JSON report"
if cmp -s "$D/whole.json" "$D/m.json"; then ok merge-report-same; else
    fail merge-report-same "$(diff "$D/whole.json" "$D/m.json" | head -20)"; fi
# dns_runs and dns_names of a report (summary fields)
runs_names() {
    hv report --db "$1" --format json | python3 -c 'import json,sys; s=json.load(sys.stdin)["summary"]; print(s["dns_runs"], s["dns_names"])'
}
na=$(runs_names "$D/a.db" | cut -d' ' -f2)
nb=$(runs_names "$D/b.db" | cut -d' ' -f2)
check_eq merge-runs "$(runs_names "$D/m.db")" "2 $((na + nb))"
check_eq merge-runs-overlap "$(test $((na + nb)) -gt "$(runs_names "$D/whole.db" | cut -d' ' -f2)" && echo yes)" yes
for what in sessions verdicts; do
    # (session_id: the store's, not the sessions')
    hv export "$what" --db "$D/whole.db" --format tsv | no_session_id > "$D/whole.$what"
    hv export "$what" --db "$D/m.db" --format tsv | no_session_id > "$D/m.$what"
    if cmp -s "$D/whole.$what" "$D/m.$what"; then ok "merge-export-$what"; else
        fail "merge-export-$what" "$(diff "$D/whole.$what" "$D/m.$what" | head -6)"; fi
done
check_eq merge-helo-joined "$(q "$D/m.db" "select count(*) from sessions where helo_from = 'received'")" \
    "$(q "$D/whole.db" "select count(*) from sessions where helo_from = 'received'")"
# nothing left for resolve after the merge: every pair came with its result
check_cmd merge-resolve hv resolve --db "$D/m.db" $Z
check_eq merge-resolve-work "$(q "$D/m.db" 'select names from resolve_runs order by id desc limit 1')" 0
check_eq merge-no-unresolved "$(q "$D/m.db" 'select count(*) from verdicts where csa_status is null')" 0

# the same input again: nothing is counted twice
hv merge "$D/m.db" "$D/a.db" 2>"$T_TMP/err"
check_eq remerge-exit $? 0
grep -q "a.db: 0 new source(s), 3 already present, 0 new session(s)" "$T_TMP/err" &&
    ok remerge-msg || fail remerge-msg "$(cat "$T_TMP/err")"
check_eq remerge-sessions "$(q "$D/m.db" 'select count(*) from sessions')" 216
check_eq remerge-sources "$(q "$D/m.db" 'select count(*) from sources')" 19
norm_report "$D/m.db" > "$D/m2.json"
cmp -s "$D/whole.json" "$D/m2.json" && ok remerge-report || fail remerge-report "$(diff "$D/whole.json" "$D/m2.json" | head -10)"

# a third machine read only the first 300 lines of the same Postfix log
# (under another name): same source by fingerprint, no new session
mkdir "$D/part"
head -n 300 "$S/postfix/mail.log" > "$D/part/maillog-copy"
check_cmd part-scan hv scan --db "$D/p.db" -q --year 2026 "$D/part/maillog-copy"
check_cmd part-resolve hv resolve --db "$D/p.db" -q $Z
hv merge "$D/m.db" "$D/p.db" 2>"$T_TMP/err"
check_eq part-exit $? 0
grep -q "p.db: 0 new source(s), 1 already present, 0 new session(s)" "$T_TMP/err" &&
    ok part-msg || fail part-msg "$(cat "$T_TMP/err")"
check_eq part-sessions "$(q "$D/m.db" 'select count(*) from sessions')" 216
check_eq part-lines "$(q "$D/m.db" "select lines_read from sources where path = '$S/postfix/mail.log'")" 591
norm_report "$D/m.db" > "$D/m3.json"
cmp -s "$D/whole.json" "$D/m3.json" && ok part-report || fail part-report "$(diff "$D/whole.json" "$D/m3.json" | head -10)"
# and the other way round: the short reading first, the whole one merged in
cp "$D/p.db" "$D/pw.db"
check_cmd part-first hv merge "$D/pw.db" "$D/a.db" "$D/b.db"
check_eq part-first-sessions "$(q "$D/pw.db" 'select count(*) from sessions')" 216
check_eq part-first-lines "$(q "$D/pw.db" "select lines_read from sources where fingerprint = (select fingerprint from sources where path = '$D/part/maillog-copy')")" 591
hv export verdicts --db "$D/pw.db" --format tsv | no_session_id | sed "s|^$D/part/maillog-copy	|$S/postfix/mail.log	|" | sort > "$D/pw.v"
sort "$D/whole.verdicts" > "$D/whole.v"
cmp -s "$D/whole.v" "$D/pw.v" && ok part-first-verdicts || fail part-first-verdicts "$(diff "$D/whole.v" "$D/pw.v" | head -6)"

# merge refuses what is not a heloval database, and keeps the target whole
printf 'not a database' > "$D/junk.db"
hv merge "$D/m.db" "$D/junk.db" 2>"$T_TMP/err"
check_eq junk-exit $? 1
check_eq junk-integrity "$(q "$D/m.db" 'pragma integrity_check')" ok
check_eq junk-sessions "$(q "$D/m.db" 'select count(*) from sessions')" 216
hv merge "$D/m.db" "$D/m.db" 2>"$T_TMP/err"
check_eq self-exit $? 0
grep -q "not merging a database into itself" "$T_TMP/err" && ok self-msg || fail self-msg "$(cat "$T_TMP/err")"
