#!/bin/sh
# genzone.sh DB - a zone file (on stdout) answering for every FQDN HELO of
# the scanned database DB, so that `heloval resolve --dns-zone` gives a mix
# of verdicts: by a hash of the name, 40% publish a CSA SRV authorizing
# the client's address, 10% an SRV denying it, 10% an SRV authorizing
# another address, the rest nothing; 20% carry a DNA grade (A-D) under
# dna.example. Deterministic: the same database gives the same zone. Used
# by tests/bench/bench-report.sh and tests/engines.test.sh.
sqlite3 "$1" "SELECT helo, min(ip) FROM sessions WHERE helo LIKE '%_._%'
    AND helo NOT LIKE '[%' AND helo NOT GLOB '*[^A-Za-z0-9.-]*' GROUP BY helo" |
awk -F'|' '
function h(s,   i, v) { v = 0; for (i = 1; i <= length(s); i++) v = (v * 31 + index("abcdefghijklmnopqrstuvwxyz0123456789.-", substr(s, i, 1))) % 1000003; return v }
{
    name = tolower($1); ip = $2
    if (name in seen) next
    seen[name] = 1
    n = split(name, part, ".")
    tld = part[n]
    if (!(tld in tlds)) { tlds[tld] = 1; order[++nt] = tld }
    k = h(name) % 10
    rr = (ip ~ /:/) ? "AAAA" : "A"
    other = (ip ~ /:/) ? "2001:db8:ffff::1" : "192.0.2.254"
    if (k < 4)      { rec[tld] = rec[tld] "_client._smtp." name ". 3600 IN SRV 1 2 0 " name ".\n" name ". 3600 IN " rr " " ip "\n" }
    else if (k < 5) { rec[tld] = rec[tld] "_client._smtp." name ". 3600 IN SRV 1 1 0 " name ".\n" name ". 3600 IN " rr " " ip "\n" }
    else if (k < 6) { rec[tld] = rec[tld] "_client._smtp." name ". 3600 IN SRV 1 2 0 " name ".\n" name ". 3600 IN " rr " " other "\n" }
    if (k < 2) { rec[tld] = rec[tld] name ". 3600 IN PTR _VOUCH._SMTP.dna.example.\n"
                 dna = dna name ".dna.example. 3600 IN TXT \"MARID,1," substr("ABCD", h(name) % 4 + 1, 1) "\"\n" }
}
END {
    for (i = 1; i <= nt; i++) {
        t = order[i]
        if (t == "example") continue
        print t ". 3600 IN SOA ns1." t ". hostmaster." t ". 1 7200 3600 1209600 300"
        print t ". 3600 IN NS ns1." t "."
        printf "%s", rec[t]
    }
    print "dna.example. 3600 IN SOA ns1.dna.example. hostmaster.dna.example. 1 7200 3600 1209600 300"
    print "dna.example. 3600 IN NS ns1.dna.example."
    printf "%s", dna
}'
