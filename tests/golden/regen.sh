#!/bin/sh
# regen.sh [DIR] - run the whole pipeline over sample-logs/ (offline, with
# its DNS snapshot) and write the report in every format and both exports
# into DIR (default tests/golden: rewrites the golden files; review the
# diff before committing). tests/report-golden.test.sh calls it with a
# temporary DIR and diffs the result against tests/golden/. Run from the
# repository top: source paths in the outputs are relative to it. Nothing
# in the outputs depends on the clock or the machine.
set -e
OUT=${1:-tests/golden}
HELOVAL=${HELOVAL:-$PWD/heloval}
export LC_ALL=C TZ=UTC NO_COLOR=1
# the resolve's and the recorded run's clock: 2026-11-08T00:00:00Z, so
# that the answers' age (dns_age, dns_age_seconds) and the runs list do
# not depend on the day the goldens are made
export HELOVAL_NOW=1794096000
W=$(mktemp -d /tmp/heloval-golden.XXXXXX)
trap 'rm -rf "$W"' EXIT
DB="$W/sample.db"
$HELOVAL_WRAP "$HELOVAL" run --db "$DB" --year 2026 --accreditor dna.example \
    --dns-zone sample-logs/dns-snapshot.zone --no-progress -q sample-logs > /dev/null
mkdir -p "$OUT"
R="report --db $DB --authserv-id mx1.example.org"
$HELOVAL_WRAP "$HELOVAL" $R --format text -o "$OUT/report.txt"
$HELOVAL_WRAP "$HELOVAL" $R --format csv -o "$OUT/report.csv"
$HELOVAL_WRAP "$HELOVAL" $R --format json -o "$OUT/report.json"
$HELOVAL_WRAP "$HELOVAL" $R --format html -o "$OUT/report.html"
$HELOVAL_WRAP "$HELOVAL" $R --format json --top 3 --since 2026-11-02 \
    --until 2026-11-03 -o "$OUT/report-nov2.json"
# --compare-previous: Nov 2 against Nov 1 (the headline figures and their
# change), in every format
P="--since 2026-11-02 --until 2026-11-03 --compare-previous"
$HELOVAL_WRAP "$HELOVAL" $R $P --format json -o "$OUT/compare-nov2.json"
$HELOVAL_WRAP "$HELOVAL" $R $P --format text -o "$OUT/compare-nov2.txt"
$HELOVAL_WRAP "$HELOVAL" $R $P --format csv --table headline_compare \
    -o "$OUT/compare-nov2.csv"
$HELOVAL_WRAP "$HELOVAL" $R $P --format html -o "$OUT/compare-nov2.html"
$HELOVAL_WRAP "$HELOVAL" $R --format csv --table at_risk -o "$OUT/at_risk.csv"
# a stricter policy for this report only: unknown CSA is rejected too
printf '# strict\nunknown * reject\nunknown recommended mark\n' > "$W/strict.policy"
$HELOVAL_WRAP "$HELOVAL" $R --format csv --table impact --policy "$W/strict.policy" \
    -o "$OUT/impact-strict.csv"
# the policy what-if: the same sessions under that stricter table and a
# laxer one (CSA fail and DNA not-recommended are only marked); run in
# $W so that the policy column holds the relative names as given, the
# same on every machine
printf '# lax\nfail * mark\n* not-recommended mark\n' > "$W/lax.policy"
OUTA=$(cd "$OUT" && pwd)
C="--compare-policy strict.policy --compare-policy lax.policy"
(cd "$W" &&
    $HELOVAL_WRAP "$HELOVAL" $R $C --format text --table policy_delta -o "$OUTA/whatif.txt" &&
    $HELOVAL_WRAP "$HELOVAL" $R $C --format csv --table policy_delta_senders \
        -o "$OUTA/whatif-senders.csv" &&
    $HELOVAL_WRAP "$HELOVAL" $R $C --format json --table policy_delta \
        --since 2026-11-02 --until 2026-11-03 -o "$OUTA/whatif-nov2.json" &&
    $HELOVAL_WRAP "$HELOVAL" $R $C --format html --table policy_delta_senders --top 3 \
        -o "$OUTA/whatif.html")
X="export --db $DB"
$HELOVAL_WRAP "$HELOVAL" $X sessions --format tsv -o "$OUT/sessions.tsv"
$HELOVAL_WRAP "$HELOVAL" $X verdicts --format tsv -o "$OUT/verdicts.tsv"
$HELOVAL_WRAP "$HELOVAL" $X verdicts --format csv -o "$OUT/verdicts.csv"
$HELOVAL_WRAP "$HELOVAL" $X sessions --format jsonl -o "$OUT/sessions.jsonl"
$HELOVAL_WRAP "$HELOVAL" $X advice --format tsv -o "$OUT/advice.tsv"
$HELOVAL_WRAP "$HELOVAL" $X advice --format csv -o "$OUT/advice.csv"
$HELOVAL_WRAP "$HELOVAL" $X advice --format jsonl -o "$OUT/advice.jsonl"
# the recorded runs (one: the run above), every format
for f in text csv json html; do
    $HELOVAL_WRAP "$HELOVAL" runs --db "$DB" --format $f -o "$OUT/runs.$f"
done
# a second night a day later over the same logs and zone (every answer
# asked again): each sender at risk is still at risk, two runs running
cp "$DB" "$W/two.db"
HELOVAL_NOW=1794182400 $HELOVAL_WRAP "$HELOVAL" run --db "$W/two.db" --year 2026 \
    --accreditor dna.example --dns-zone sample-logs/dns-snapshot.zone --max-age 0 \
    --no-progress -q sample-logs > /dev/null
for f in text csv json html; do
    $HELOVAL_WRAP "$HELOVAL" report --db "$W/two.db" --table sender_cohorts --format $f \
        -o "$OUT/sender_cohorts.$f"
done
# --anonymize: the whole text report and the verdicts export, masked
$HELOVAL_WRAP "$HELOVAL" $R --format text --anonymize -o "$OUT/report-anon.txt"
$HELOVAL_WRAP "$HELOVAL" $X verdicts --format tsv --anonymize -o "$OUT/verdicts-anon.tsv"
$HELOVAL_WRAP "$HELOVAL" $X advice --format csv --anonymize -o "$OUT/advice-anon.csv"
# evaluate: the distinct (ip, helo) pairs of the verdicts export, and two bad
# lines, through a fresh cache, in both formats
tail -n +2 "$OUT/verdicts.tsv" | cut -f5,6 | LC_ALL=C sort -u > "$W/pairs.tsv"
printf 'not a pair\n300.1.2.3\tmail.example.com\n' >> "$W/pairs.tsv"
E="evaluate --accreditor dna.example --dns-zone sample-logs/dns-snapshot.zone --authserv-id mx1.example.org -q"
$HELOVAL_WRAP "$HELOVAL" $E --db "$W/cache.db" --header < "$W/pairs.tsv" > "$OUT/evaluate.tsv"
python3 -c '
import json, sys
for l in open(sys.argv[1], encoding="utf-8", errors="surrogateescape"):
    f = l.rstrip("\n").split("\t")
    h = f[1] if len(f) > 1 else ""
    print(json.dumps({"ip": f[0], "helo": None if h == "\\N" else h}))' "$W/pairs.tsv" > "$W/pairs.jsonl"
$HELOVAL_WRAP "$HELOVAL" $E --db "$W/cache.db" --format jsonl < "$W/pairs.jsonl" > "$OUT/evaluate.jsonl"
