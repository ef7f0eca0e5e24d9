#!/bin/sh
# engines.test.sh - the engine contract (README "Engines: ClickHouse and
# DuckDB"): the exports loaded into DuckDB (@duckdb/node-api from npm, its
# own binary) with reports/sql/duckdb/ give, number for number, the
# headline, impact, at_risk, csa, dna and timeseries tables of `heloval
# report --format json` over the same database: the sample-logs (resolved
# from their DNS snapshot; JSONL and TSV loads) and a generated
# 100,000-session postfix log over 42 hours (resolved from a generated
# zone, tests/tools/genzone.sh) and 3,000 later sessions left unresolved
# (JSONL) - the second in the check and asan
# passes only (under valgrind it would take minutes and test no more C).
# The export contract itself (\N, null, integers) is checked on the
# sample. DuckDB is installed once into build/npm (npm install; offline
# once there): no npm or no registry is a counted skip ("SKIP ..."), not
# a failure.
. tests/lib.sh
SQL=$TOP/reports/sql/duckdb
D=$T_TMP

# ---- the export contract on the sample
hv run --db "$D/s.db" --year 2026 --accreditor dna.example \
    --dns-zone sample-logs/dns-snapshot.zone --no-progress -q sample-logs > /dev/null
for w in sessions verdicts; do
    for f in tsv jsonl csv; do
        check_cmd "export $w $f" hv export --db "$D/s.db" "$w" --format "$f" -o "$D/$w.$f"
    done
done
check_eq "verdicts tsv header" "$(head -n 1 "$D/verdicts.tsv" | tr '\t' ' ')" \
    "source line time mta ip helo rdns disposition messages csa_status csa_reason csa_record dna_status dna_grade dna_service verdict smtp_reply time_epoch session_id domain dns_age_seconds"
check_eq "sessions tsv header" "$(head -n 1 "$D/sessions.tsv" | tr '\t' ' ')" \
    "source line time mta ip helo rdns disposition messages time_epoch session_id"
# every row has every column; a NULL HELO is \N in TSV, null in JSONL,
# empty in CSV, and the same sessions are NULL in all three
check_eq "verdicts tsv columns" "$(awk -F'\t' '{print NF}' "$D/verdicts.tsv" | sort -u)" 21
check_eq "tsv NULL helos" "$(awk -F'\t' 'NR > 1 && $6 == "\\N"' "$D/verdicts.tsv" | wc -l)" \
    "$(q "$D/s.db" "SELECT count(*) FROM sessions WHERE helo IS NULL")"
check_eq "jsonl NULL helos" "$(python3 -c '
import json, sys
print(sum(1 for l in open(sys.argv[1]) if json.loads(l)["helo"] is None))' "$D/verdicts.jsonl")" \
    "$(q "$D/s.db" "SELECT count(*) FROM sessions WHERE helo IS NULL")"
# types in JSONL: integers as numbers, time_epoch the ISO time's seconds,
# session_id unique, domain NULL exactly when the HELO is
check_eq "jsonl types" "$(python3 -c '
import json, sys, calendar, time
bad = 0; ids = set()
for l in open(sys.argv[1]):
    r = json.loads(l)
    for k in ("line", "messages", "session_id"):
        bad += type(r[k]) is not int
    t = r["time"]
    if t is None:
        bad += r["time_epoch"] is not None
    else:
        bad += calendar.timegm(time.strptime(t, "%Y-%m-%dT%H:%M:%SZ")) != r["time_epoch"]
    bad += (r["helo"] is None) != (r["domain"] is None)
    ids.add(r["session_id"])
    n = len(ids)
print(bad, n)' "$D/verdicts.jsonl")" "0 $(q "$D/s.db" "SELECT count(*) FROM sessions")"
check_eq "csv NULL helo empty" "$(python3 -c '
import csv, sys
print(sum(1 for r in csv.DictReader(open(sys.argv[1], newline="")) if r["helo"] == ""))' "$D/verdicts.csv")" \
    "$(q "$D/s.db" "SELECT count(*) FROM sessions WHERE helo IS NULL")"

# ---- DuckDB
NPM_DIR=$TOP/build/npm
MOD=$NPM_DIR/node_modules/@duckdb/node-api
if [ ! -f "$MOD/package.json" ]; then
    NPM_DIR=$NPM_DIR sh "$TOP/tests/engines/ensure-duckdb.sh" 2> "$D/npm.log"
    cp "$NPM_DIR/install.log" "$D/npm.log" 2>/dev/null
fi
if ! command -v node > /dev/null 2>&1; then
    echo "SKIP engines duckdb: node is not installed (Debian: apt-get install nodejs npm)"
    exit 0
fi
if [ ! -f "$MOD/package.json" ]; then
    echo "SKIP engines duckdb: npm could not install @duckdb/node-api: $(tail -n 2 "$D/npm.log" 2>/dev/null | tr '\n' ' ')"
    exit 0
fi
export NODE_PATH="$NPM_DIR/node_modules"

# duck LABEL DB FORMAT - DuckDB's tables over DB's exports in FORMAT equal
# the report's
duck() {
    if node "$TOP/tests/engines/duckdb-run.js" "$SQL" "$3" "$D/sessions.$3" \
        "$D/verdicts.$3" > "$D/duck.json" 2> "$D/duck.err"; then
        ok "$1 duckdb ran"
    else
        fail "$1 duckdb ran" "$(head -c 600 "$D/duck.err")"
        return
    fi
    if python3 "$TOP/tests/engines/compare.py" "$D/report.json" "$D/duck.json" "$1" \
        > "$D/cmp.out"; then
        ok "$1 equal"
        cat "$D/cmp.out"
    else
        fail "$1 equal" "$(head -n 20 "$D/cmp.out")"
    fi
}
# --top: the whole at_risk table (the engine's view has every row)
check_cmd "sample report" hv report --db "$D/s.db" --top 100000 --format json -o "$D/report.json"
duck "sample jsonl" "$D/s.db" jsonl
duck "sample tsv" "$D/s.db" tsv
check_eq "sample daily series" "$(python3 -c '
import json, sys
d = json.load(open(sys.argv[1])); print(d["filter"]["time_step"], len(d["timeseries"]), len(d["at_risk"]) > 5)' "$D/report.json")" "day 3 True"

if [ -n "$VALGRIND" ]; then
    echo "engines: the 100,000-session set runs in the check and asan passes"
    exit 0
fi
rm -f "$D"/sessions.* "$D"/verdicts.*
$GENLOG --format postfix --sessions 100000 --seed 1 --gap 1.5 > "$D/mail.log"
check_cmd "100k scan" hv scan --db "$D/b.db" --year 2026 -q --no-progress "$D/mail.log"
sh "$TOP/tests/tools/genzone.sh" "$D/b.db" > "$D/z.zone"
check_cmd "100k resolve" hv resolve --db "$D/b.db" --dns-zone "$D/z.zone" \
    --accreditor dna.example -q --no-progress
# a second log scanned after the resolve: its new pairs have no CSA answer
# (verdict NULL in the export, unresolved in the report)
$GENLOG --format postfix --sessions 3000 --seed 2 --gap 1 \
    --start 1793642200 > "$D/late.log"
check_cmd "100k late scan" hv scan --db "$D/b.db" --year 2026 -q --no-progress "$D/late.log"
check_cmd "100k report" hv report --db "$D/b.db" --top 100000 --format json -o "$D/report.json"
for w in sessions verdicts; do
    check_cmd "100k export $w" hv export --db "$D/b.db" "$w" --format jsonl -o "$D/$w.jsonl"
done
# the set is what it is meant to be: 103,000 sessions, hourly buckets, and
# every verdict but tempfail present
check_eq "100k set" "$(python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
v = {r["verdict"]: r["sessions"] for r in d["impact"]}
print(sum(v.values()), d["filter"]["time_step"], all(v[k] > 0 for k in ("accept", "mark", "reject", "unresolved", "unevaluated")))' "$D/report.json")" "103000 hour True"
duck "100k jsonl" "$D/b.db" jsonl
