#!/bin/sh
# anonymize.test.sh - --anonymize (issue 13 item 6; README "Sharing a
# study"): over the sample logs, with the mailboxes moved under a user's
# home and an mbox named after its user, every report format and every
# export shows no client address (only /24 and /48 networks), no mailbox
# owner's name and no mail address local part, and the same counts as
# without the option; run takes it too. Real SQLite files, offline.
. tests/lib.sh

D="$T_TMP"
IN="$D/in"
mkdir -p "$IN/home/alice" "$IN/var/mail" "$IN/logs"
cp -r sample-logs/mbox sample-logs/maildir "$IN/home/alice/"
cp sample-logs/mbox/inbox.mbox "$IN/var/mail/alice"
cp sample-logs/postfix/mail.log sample-logs/exim/mainlog "$IN/logs/"
# a HELO that is a mail address: its local part is someone's name
printf 'Nov  3 10:00:00 mx1 postfix/smtpd[900]: connect from unknown[192.0.2.201]\nNov  3 10:00:01 mx1 postfix/smtpd[900]: NOQUEUE: reject: RCPT from unknown[192.0.2.201]: 554 5.7.1 <x@example.org>: Relay access denied; from=<a@example.org> to=<x@example.org> proto=ESMTP helo=<carol.jones@example.org>\nNov  3 10:00:02 mx1 postfix/smtpd[900]: disconnect from unknown[192.0.2.201]\n' \
    > "$IN/logs/extra.log"
DB="$D/t.db"
check_cmd run hv run --db "$DB" --year 2026 --accreditor dna.example \
    --dns-zone sample-logs/dns-snapshot.zone --no-progress -q "$IN"

# the client addresses and names the outputs must not show
q "$DB" "SELECT DISTINCT ip FROM sessions WHERE ip <> ''" > "$D/ips"
check_eq "addresses to hide" "$([ "$(wc -l < "$D/ips")" -ge 10 ] && echo yes)" yes
check_eq "an IPv6 client" "$(grep -c : "$D/ips" | awk '{print ($1 > 0)}')" 1

# leaks FILE - the client addresses, owner and local part found in FILE.
leaks() {
    grep -F -x -v -e 0 "$D/ips" | while read -r ip; do
        # an address is only a leak as a whole token
        if grep -q -E "(^|[^0-9A-Fa-f:.])$(printf '%s' "$ip" | sed 's/[.]/[.]/g')([^0-9A-Fa-f:./]|$)" "$1"; then
            echo "$ip"
        fi
    done
    grep -o -i -E 'alice|carol[.]jones' "$1" | sort -u
}

for fmt in text csv json html; do
    hv report --db "$DB" --anonymize --format "$fmt" -o "$D/r.$fmt" --top 100
    check_eq "report $fmt exit" "$?" 0
    check_eq "report $fmt leaks" "$(leaks "$D/r.$fmt" | tr '\n' ' ')" ""
    hv report --db "$DB" --format "$fmt" -o "$D/plain.$fmt" --top 100
    # the same report without the option does show them (the check can fail)
    check_eq "plain $fmt shows them" "$(leaks "$D/plain.$fmt" | grep -c . | awk '{print ($1 > 0)}')" 1
done
check_eq "masked networks shown" "$(grep -c -E '192[.]0[.]2[.]0/24' "$D/r.text" | awk '{print ($1 > 0)}')" 1
check_eq "masked mailbox path" "$(grep -c -F 'home/*/maildir/cur/' "$D/r.text" | awk '{print ($1 > 0)}')" 1
check_eq "masked mbox owner" "$(grep -c -F 'var/mail/*' "$D/r.text" | awk '{print ($1 > 0)}')" 1

# the same numbers: every integer of the JSON report is unchanged
nums() { python3 -c 'import json,sys
def walk(v, p):
    if isinstance(v, dict):
        for k in v: walk(v[k], p + "/" + k)
    elif isinstance(v, list):
        for i, x in enumerate(v): walk(x, p + "/" + str(i))
    elif isinstance(v, (int, float)) and not isinstance(v, bool):
        print(p, v)
walk(json.load(open(sys.argv[1])), "")' "$1"; }
nums "$D/plain.json" > "$D/n.plain"
nums "$D/r.json" > "$D/n.anon"
check_eq "json numbers" "$(cmp -s "$D/n.plain" "$D/n.anon" && echo same)" same
check_eq "json numbers present" "$([ "$(wc -l < "$D/n.plain")" -ge 50 ] && echo yes)" yes

for what in sessions verdicts; do
    for fmt in tsv csv jsonl; do
        hv export --db "$DB" "$what" --format "$fmt" --anonymize -o "$D/x.$fmt"
        check_eq "export $what $fmt exit" "$?" 0
        check_eq "export $what $fmt leaks" "$(leaks "$D/x.$fmt" | tr '\n' ' ')" ""
        hv export --db "$DB" "$what" --format "$fmt" -o "$D/xp.$fmt"
        check_eq "export $what $fmt rows" "$(wc -l < "$D/x.$fmt")" "$(wc -l < "$D/xp.$fmt")"
        check_eq "plain export $what $fmt shows them" \
            "$(leaks "$D/xp.$fmt" | grep -c . | awk '{print ($1 > 0)}')" 1
    done
done
# the masked HELO that was a mail address
check_eq "local part masked" "$(grep -c -F '*@example.org' "$D/x.tsv" | awk '{print ($1 > 0)}')" 1
# every IPv4 in the ip column is a /24 network
check_eq "ip column" "$(awk -F'\t' 'NR > 1 && $5 != "" && $5 !~ /^[0-9.]+\.0\/24$/ && $5 !~ /::\/48$/' "$D/x.tsv" | head -3)" ""

# run prints its report masked too
hv run --db "$D/r2.db" --year 2026 --accreditor dna.example \
    --dns-zone sample-logs/dns-snapshot.zone --no-progress --anonymize "$IN" > "$D/run.txt" 2> "$D/run.err"
check_eq "run exit" "$?" 0
check_eq "run leaks" "$(leaks "$D/run.txt" | tr '\n' ' ')" ""
check_eq "run report" "$(grep -c "^Impact: CSV verdict" "$D/run.txt")" 1
t_finish
