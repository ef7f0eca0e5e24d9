#!/bin/sh
# labels.test.sh - spam/ham labels end to end (README "Inputs", labels;
# "Database schema", label and label_from): scan a Postfix, an Exim and a
# Sendmail log (DNSBL and content-filter rejections, 4xx ones that are no
# label), an mbox (SpamAssassin, rspamd and Exchange headers: the first
# one decides) and a Maildir with a .Junk folder (the folder beats the
# header); the Received join gives log sessions their message's label; the
# summary line; merge; --emit jsonl; schema 2 -> 3.
. tests/lib.sh
D=$T_TMP
F=tests/labels
lab() { q "$1" "select coalesce(label,'-') || ' ' || coalesce(label_from,'-') from sessions where mta = '$2' and ip = '$3'"; }

check_cmd scan hv scan --db "$D/t.db" --year 2026 --no-progress "$F"
cp "$T_TMP/err" "$D/scan.err"
# expect MTA IP LABEL FROM
expect() { check_eq "$1-$2" "$(lab "$D/t.db" "$1" "$2")" "$3 $4"; }
expect postfix 192.0.2.51 spam dnsbl           # smtpd reject_rbl_client
expect postfix 192.0.2.52 spam dnsbl           # postscreen
expect postfix 192.0.2.53 spam content-filter  # cleanup milter-reject END-OF-MESSAGE
expect postfix 192.0.2.54 - -                  # 454: a deferral is no label
expect postfix 192.0.2.57 spam content-filter  # body_checks reject after disconnect
expect exim 192.0.2.61 spam dnsbl              # "is in a black list at"
expect exim 192.0.2.62 spam content-filter     # rejected after DATA ... spam
expect exim 192.0.2.64 - -                     # temporarily rejected
expect exim 192.0.2.65 - -                     # a virus is not spam
expect sendmail 192.0.2.71 spam dnsbl          # reject=550 ... listed at
expect sendmail 192.0.2.72 - -                 # relaying denied
expect mbox 192.0.2.55 ham header              # X-Spam-Status: No
expect mbox 192.0.2.56 spam header             # X-Spam-Flag: YES (a lower NO ignored)
expect mbox 192.0.2.63 ham header              # rspamd X-Spamd-Result: default: False
expect mbox 192.0.2.81 - -                     # no filter header
expect mbox 192.0.2.82 - -                     # first header undecided (greylist)
expect mbox 192.0.2.83 spam header             # Exchange SCL 7
expect mbox 192.0.2.91 spam folder             # Maildir .Junk, header said No
expect mbox 192.0.2.92 ham header              # Maildir inbox
# the Received join: same queue ID and client IP, also with a logged HELO
expect postfix 192.0.2.55 ham received
expect postfix 192.0.2.56 spam received
expect exim 192.0.2.63 ham received
check_eq values "$(q "$D/t.db" "select count(*) from sessions where label not in ('spam','ham')
    or label_from not in ('folder','header','dnsbl','content-filter','received')
    or (label is null) <> (label_from is null)")" 0
grep -q "scan: sessions labelled from these files: spam 10 (folder 1, header 2, dnsbl 4, content-filter 3), ham 3$" "$D/scan.err" &&
    ok summary || fail summary "$(cat "$D/scan.err")"
grep -q "scan: 3 log session(s) took the label of their message (Received join)" "$D/scan.err" &&
    ok summary-joined || fail summary-joined "$(cat "$D/scan.err")"
# the verdicts view shows them; the exports do not change
check_eq view "$(q "$D/t.db" "select count(*) from verdicts where label = 'spam'")" 11
hv export verdicts --db "$D/t.db" --format tsv > "$D/v.tsv"
check_eq export-columns "$(head -1 "$D/v.tsv" | tr '\t' '\n' | grep -c label)" 0
# a scan of nothing labelled prints no label line
check_cmd unlabelled-scan hv scan --db "$D/n.db" --year 2026 --no-progress tests/helo-origin/postfix.log
grep -q "labelled" "$T_TMP/err" && fail no-label-line "$(cat "$T_TMP/err")" || ok no-label-line
# a rescan keeps every label (nothing re-read, the join runs again)
check_cmd rescan hv scan --db "$D/t.db" --year 2026 --no-progress "$F"
check_eq rescan-same "$(q "$D/t.db" "select count(*) from sessions where label is not null")" 16

# merge: the logs scanned on one machine, the mailboxes on another; the
# join runs on the merged database; a label is never replaced by none
check_cmd logs hv scan --db "$D/logs.db" --year 2026 --no-progress "$F/postfix.log" \
    "$F/exim.log" "$F/sendmail.log"
check_cmd mail hv scan --db "$D/mail.db" --year 2026 --no-progress "$F/inbox.mbox" "$F/Maildir"
check_eq before-merge "$(lab "$D/logs.db" postfix 192.0.2.56)" "- -"
check_cmd merge hv merge "$D/logs.db" "$D/mail.db"
grep -q "merge: .*mail.db: 3 log session(s) took the label of their message" "$T_TMP/err" &&
    ok merge-line || fail merge-line "$(cat "$T_TMP/err")"
check_eq merged-joined "$(lab "$D/logs.db" postfix 192.0.2.56)" "spam received"
check_eq merged-same "$(q "$D/logs.db" "select group_concat(mta || ip || coalesce(label,'') || coalesce(label_from,''), ',') from (select * from sessions order by mta, ip)")" \
    "$(q "$D/t.db" "select group_concat(mta || ip || coalesce(label,'') || coalesce(label_from,''), ',') from (select * from sessions order by mta, ip)")"
q "$D/mail.db" "update sessions set label = null, label_from = null" > /dev/null
check_cmd merge-again hv merge "$D/logs.db" "$D/mail.db"
check_eq merge-keeps "$(lab "$D/logs.db" mbox 192.0.2.91)" "spam folder"

# --emit jsonl: label and label_from, null without one
hv scan --emit jsonl --year 2026 "$F/postfix.log" "$F/Maildir" > "$D/e.jsonl" 2>"$T_TMP/err"
check_eq emit-exit $? 0
check_eq emit "$(python3 -c '
import json, sys
for l in open(sys.argv[1]):
    r = json.loads(l)
    print(r["ip"], r["label"], r["label_from"])' "$D/e.jsonl" | sort -u | tr '\n' ';')" \
    "192.0.2.51 spam dnsbl;192.0.2.52 spam dnsbl;192.0.2.53 spam content-filter;192.0.2.54 None None;192.0.2.55 None None;192.0.2.56 None None;192.0.2.57 None None;192.0.2.57 spam content-filter;192.0.2.91 spam folder;192.0.2.92 ham header;"
grep -q "scan: sessions labelled from these files: spam 5 (folder 1, header 0, dnsbl 2, content-filter 2), ham 1$" "$T_TMP/err" &&
    ok emit-summary || fail emit-summary "$(cat "$T_TMP/err")"

# schema 2 -> 3: a version 2 file (no label columns, the version 2 view)
# gains them, and its verdicts view shows them
cp "$D/n.db" "$D/v2.db"
q "$D/v2.db" "drop view verdicts; alter table sessions drop column label;
    alter table sessions drop column label_from;
    create view verdicts as select s.id as session_id, s.helo_from as helo_from from sessions s;
    pragma user_version = 2" > /dev/null
check_cmd migrate hv scan --db "$D/v2.db" --year 2026 --no-progress "$F/postfix.log"
check_eq migrated-version "$(q "$D/v2.db" "pragma user_version")" 4
check_eq migrated-old-rows "$(q "$D/v2.db" "select count(*) from sessions where ip like '192.0.2.3%' and label is null")" 3
check_eq migrated-new-rows "$(lab "$D/v2.db" postfix 192.0.2.51)" "spam dnsbl"
check_eq migrated-view "$(q "$D/v2.db" "select label || ' ' || label_from from verdicts where ip = '192.0.2.53'")" \
    "spam content-filter"
# a new database and a migrated one have the same sessions table and view
check_eq same-schema "$(q "$D/v2.db" "select sql from sqlite_master where name in ('sessions','verdicts') order by name")" \
    "$(q "$D/t.db" "select sql from sqlite_master where name in ('sessions','verdicts') order by name")"
