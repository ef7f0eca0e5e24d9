#!/bin/sh
# headline.test.sh - the report's headline and coverage tables through the
# real binary:
#  - over sample-logs/ (offline, DNS snapshot), the JSON headline is a
#    top-level object of integers equal to counts computed independently
#    with sqlite3 from the sessions (the verdicts view), and they add up;
#  - every format (text, csv, json, html) opens with the headline; the text
#    says it in words; --table headline shows that table alone;
#  - a low-coverage database (Postfix and Sendmail logs scanned, no mailbox,
#    no resolve) warns right after the headline in text and html and sets
#    low_coverage in JSON; the sample (86.9% evaluated) does not;
#  - the coverage table's rows per MTA and cause equal sqlite3's counts and
#    name the action that closes each gap.
. tests/lib.sh
D=$T_TMP

check_cmd "run sample-logs" hv run --db "$D/s.db" --year 2026 \
    --accreditor dna.example --dns-zone sample-logs/dns-snapshot.zone \
    --no-progress -q sample-logs
for f in text csv json html; do
    check_cmd "report $f" hv report --db "$D/s.db" --format $f -o "$D/r.$f"
done

# want DB - the headline's figures from the verdicts view, as "key=value"
# lines in the JSON's order (accepted sessions carry every message; a
# verdict other than the four is not evaluated, NULL included)
want() {
    sqlite3 -batch -noheader "$1" "
WITH a AS (SELECT COALESCE(verdict,'none') AS v, messages AS m FROM verdicts
           WHERE disposition = 'accepted'),
s AS (SELECT
  (SELECT count(*) FROM a) AS an, (SELECT COALESCE(sum(m),0) FROM a) AS am,
  (SELECT count(*) FROM a WHERE v = 'reject') AS rn,
  (SELECT COALESCE(sum(m),0) FROM a WHERE v = 'reject') AS rm,
  (SELECT count(*) FROM a WHERE v = 'tempfail') AS dn,
  (SELECT COALESCE(sum(m),0) FROM a WHERE v = 'tempfail') AS dm,
  (SELECT count(*) FROM a WHERE v = 'mark') AS mn,
  (SELECT COALESCE(sum(m),0) FROM a WHERE v = 'mark') AS mm,
  (SELECT count(*) FROM a WHERE v = 'accept') AS onn,
  (SELECT COALESCE(sum(m),0) FROM a WHERE v = 'accept') AS om,
  (SELECT count(*) FROM a WHERE v NOT IN ('reject','tempfail','mark','accept')) AS un,
  (SELECT COALESCE(sum(m),0) FROM a WHERE v NOT IN ('reject','tempfail','mark','accept')) AS um)
SELECT 'accepted_messages=' || am || char(10) || 'would_reject_messages=' || rm
 || char(10) || 'would_defer_messages=' || dm || char(10)
 || 'would_mark_messages=' || mm || char(10) || 'would_accept_messages=' || om
 || char(10) || 'unevaluated_messages=' || um || char(10)
 || 'accepted_sessions=' || an || char(10) || 'would_reject_sessions=' || rn
 || char(10) || 'would_defer_sessions=' || dn || char(10)
 || 'would_mark_sessions=' || mn || char(10) || 'would_accept_sessions=' || onn
 || char(10) || 'unevaluated_sessions=' || un FROM s"
}

# got JSONFILE - the same lines from the report's top-level "headline"
# object, its integer items only, then "adds-up" lines and its
# low_coverage
got() {
    python3 - "$1" <<'PYEOF'
import json, sys
doc = json.load(open(sys.argv[1]))
h = doc.get("headline")
if not isinstance(h, dict):
    print("no top-level headline object"); sys.exit()
keys = ["accepted_messages", "would_reject_messages", "would_defer_messages",
        "would_mark_messages", "would_accept_messages", "unevaluated_messages",
        "accepted_sessions", "would_reject_sessions", "would_defer_sessions",
        "would_mark_sessions", "would_accept_sessions", "unevaluated_sessions"]
for k in keys:
    v = h.get(k)
    print(f"{k}={v}" if type(v) is int else f"{k}=not an integer: {v!r}")
PYEOF
}

# adds_up JSONFILE - "messages ok sessions ok low=N" when would_* +
# unevaluated_* = accepted_* for both
adds_up() {
    python3 - "$1" <<'PYEOF'
import json, sys
h = json.load(open(sys.argv[1]))["headline"]
out = []
for u in ("messages", "sessions"):
    parts = sum(h[f"{k}_{u}"] for k in ("would_reject", "would_defer",
                "would_mark", "would_accept", "unevaluated"))
    out.append(f"{u} {'ok' if parts == h['accepted_' + u] else 'differ'}")
out.append(f"low={h.get('low_coverage')}")
print(" ".join(out))
PYEOF
}

W=$(want "$D/s.db")
check_eq "sample figures from sqlite3" "$(echo "$W" | head -1)" "accepted_messages=107"
check_eq "json headline = sqlite3" "$(got "$D/r.json")" "$W"
check_eq "json headline adds up" "$(adds_up "$D/r.json")" "messages ok sessions ok low=0"
check_eq "json headline first table" \
    "$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print([k for k in d if k not in ("version","warnings","filter","window")][0])' "$D/r.json")" \
    headline

# ---- every format opens with it ----
check_eq "text first table" "$(sed -n 5p "$D/r.text")" \
    "Headline: what CSV would have done with the accepted mail"
check_eq "text words" "$(sed -n 6p "$D/r.text")" \
    "  Of 107 accepted messages (104 sessions), CSV would have rejected 35 (32.7%),"
check_eq "text sessions words" "$(grep -c '14 (13.5%) not evaluated.$' "$D/r.text")" 1
check_eq "text no warning" "$(grep -c 'WARNING' "$D/r.text")" 0
tr -d '\r' < "$D/r.csv" > "$D/r.csv.lf"
check_eq "csv first table" "$(sed -n 1p "$D/r.csv.lf")" "# headline"
check_eq "csv reject" "$(grep -m1 '^would_reject_messages,' "$D/r.csv.lf")" \
    "would_reject_messages,35"
check_eq "html headline before the other tables" \
    "$(grep -o '<section id="[a-z_]*"' "$D/r.html" | head -3 | tr '\n' ' ')" \
    '<section id="headline" <section id="impact" <section id="coverage" '
check_eq "html cards" "$(grep -c 'class="card c-' "$D/r.html")" 6
check_eq "html words" "$(grep -c 'Of 107 accepted messages (104 sessions)' "$D/r.html")" 1
check_eq "html heat map" "$(grep -c 'style="background:rgba(9,105,218,0.95)">39<' "$D/r.html")" 1
check_eq "html print css" "$(grep -c '@media print' "$D/r.html")" 1
check_eq "html no low coverage" "$(grep -c 'id="low-coverage"' "$D/r.html")" 0

# ---- --table headline ----
check_cmd "table headline json" hv report --db "$D/s.db" --format json \
    --table headline -o "$D/t.json"
check_eq "table headline json keys" \
    "$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(sorted(k for k in d if k not in ("version","warnings","filter","window")))' "$D/t.json")" \
    "['headline']"
check_eq "table headline json = sqlite3" "$(got "$D/t.json")" "$W"
check_cmd "table headline csv" hv report --db "$D/s.db" --format csv \
    --table headline -o "$D/t.csv"
check_eq "table headline csv" "$(tr -d '\r' < "$D/t.csv" | sed -n '1p;2p;14p' | tr '\n' ' ')" \
    "item,value accepted_messages,107 evaluated_messages_pct,86.9 "

# ---- low coverage: HELOs not logged, nothing resolved ----
check_cmd "scan low" hv scan --db "$D/low.db" --year 2026 --no-progress -q \
    sample-logs/sendmail/maillog sample-logs/postfix/mail.log
check_cmd "report low json" hv report --db "$D/low.db" --format json -o "$D/low.json"
check_cmd "report low text" hv report --db "$D/low.db" --format text -o "$D/low.text"
check_cmd "report low html" hv report --db "$D/low.db" --format html -o "$D/low.html"
WL=$(want "$D/low.db")
check_eq "low figures from sqlite3" "$(echo "$WL" | grep unevaluated_sessions)" \
    "unevaluated_sessions=56"
check_eq "low json = sqlite3" "$(got "$D/low.json")" "$WL"
check_eq "low json adds up" "$(adds_up "$D/low.json")" "messages ok sessions ok low=1"
# the warning is the line right after the headline's words
check_eq "low text warning after the words" \
    "$(grep -B1 '^  WARNING' "$D/low.text" | head -1 | grep -c 'not evaluated\.$')" 1
check_eq "low text warning" "$(grep -c '^  WARNING: low coverage: only 0.0% of the accepted messages' "$D/low.text")" 1
check_eq "low html warning" "$(grep -c '<p class="lowcov" id="low-coverage" role="alert">Warning: low coverage' "$D/low.html")" 1

# ---- coverage: per MTA and cause, equal to sqlite3 ----
check_cmd "coverage csv" hv report --db "$D/low.db" --format csv --table coverage \
    -o "$D/cov.csv"
# the MTA of a (HELO, client IP, HELO unobserved) pair is the first by
# name of its sessions' MTAs (the report's work table counts per pair)
check_eq "coverage rows" "$(tr -d '\r' < "$D/cov.csv" | grep -v '^$' | cut -d, -f1-3,5 | tr '\n' ' ')" \
    "$(sqlite3 -batch -noheader -csv "$D/low.db" "
WITH p AS (SELECT helo, ip, verdict IS 'unevaluated' AS u, min(mta) AS mta
           FROM verdicts GROUP BY 1, 2, 3),
a AS (SELECT p.mta, CASE WHEN v.verdict = 'unevaluated' THEN 'helo-unobserved'
        WHEN v.verdict IS NULL OR v.verdict = 'unresolved' THEN 'dns-unresolved'
        ELSE 'evaluated' END AS cause, v.messages
      FROM verdicts v JOIN p ON p.helo = v.helo AND p.ip = v.ip
        AND p.u = (v.verdict IS 'unevaluated')
      WHERE v.disposition = 'accepted')
SELECT 'mta', 'cause', 'sessions', 'messages'
UNION ALL SELECT * FROM (SELECT mta, cause, count(*), sum(messages) FROM a
  GROUP BY 1, 2 ORDER BY (SELECT count(*) FROM a x WHERE x.mta = a.mta) DESC,
  1, 2 DESC)" | tr -d '\r' | tr '\n' ' ')"
check_eq "coverage sendmail action" \
    "$(grep -c '^sendmail,helo-unobserved,.*Sendmail logs no HELO' "$D/cov.csv")" 1
check_eq "coverage postfix action" \
    "$(grep -c '^postfix,helo-unobserved,.*smtpd_log_access_permit_actions = static:all' "$D/cov.csv")" 1
check_eq "coverage unresolved action" \
    "$(grep -c '^postfix,dns-unresolved,.*run heloval resolve' "$D/cov.csv")" 1
check_cmd "coverage sample" hv report --db "$D/s.db" --format csv --table coverage \
    -o "$D/cov-s.csv"
check_eq "coverage sample shares" "$(tr -d '\r' < "$D/cov-s.csv" | grep '^postfix,' | cut -d, -f1-6 | tr '\n' ' ')" \
    "postfix,evaluated,5,83.3,5,83.3 postfix,helo-unobserved,1,16.7,1,16.7 "
