/* SPDX-License-Identifier: MIT */
/*
 * test_zonefile - offline answers from master files: the wire messages
 * zonefile_answer builds (parsed back with dnsmsg) for positive answers,
 * additional A/AAAA of SRV targets, NODATA and NXDOMAIN with the SOA,
 * empty non-terminals, CNAME chains, wildcards, several zones in one file,
 * names outside the zones and syntax errors with their line number.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "dnsmsg.h"
#include "zonefile.h"

static const char zone_text[] =
    "; two zones in one file, as dig prints them\n"
    "$TTL 300\n"
    "example.test.   600 IN SOA ns.example.test. host.example.test. 1 3600 600 86400 120\n"
    "example.test.   IN NS ns.example.test.\n"
    "$ORIGIN example.test.\n"
    "_client._smtp.mail  SRV 1 2 0 mail.example.test.\n"
    "mail                A    192.0.2.1\n"
    "mail                AAAA 2001:db8::1\n"
    "_client._smtp.two   SRV 1 2 0 mail.example.test.\n"
    "_client._smtp.two   SRV 1 2 0 other.example.test.\n"
    "other               A    192.0.2.2\n"
    "alias               CNAME mail\n"
    "loop1               CNAME loop2\n"
    "loop2               CNAME loop1\n"
    "out                 CNAME somewhere.else.invalid.\n"
    "deep.ent            TXT  \"below an empty non-terminal\"\n"
    "*.wild              TXT  \"MARID,1,A\"\n"
    "txt                 TXT  \"MARID,\" \"1,B\"\n"
    "Mixed.Case          A    192.0.2.9\n"
    "sub.other.test.     3600 IN SOA ns.other.test. h.other.test. 7 3600 600 86400 60\n"
    "x.sub.other.test.   IN A 198.51.100.7\n";

/* ask - answer and parse; returns the zonefile_answer code. */
static int ask(struct zonefile *zf, const char *q, int qtype,
               struct dnsmsg *m, unsigned char **wire)
{
    size_t len = 0;
    int rc = zonefile_answer(zf, q, qtype, wire, &len);
    memset(m, 0, sizeof *m);
    if (rc == 1 && dnsmsg_parse(*wire, len, m) != 0)
        return -2;
    return rc;
}

/* count_section - RRs of a type in a section. */
static int count_section(const struct dnsmsg *m, enum dnsmsg_section s,
                         int type)
{
    int n = 0;
    for (size_t i = 0; i < m->nrr; i++)
        if (m->rr[i].section == s && m->rr[i].type == type)
            n++;
    return n;
}

int main(void)
{
    char path[] = "/tmp/hv-zonefile-XXXXXX";
    int fd = mkstemp(path);
    struct zonefile *zf = zonefile_new();
    struct dnsmsg m;
    unsigned char *w = NULL;
    char *err = NULL;
    FILE *fp;

    CHECK(fd >= 0);
    fp = fdopen(fd, "w");
    fputs(zone_text, fp);
    fclose(fp);

    CHECK_INTEQ(zonefile_load(zf, path, &err), 0);
    CHECK(err == NULL);
    CHECK_INTEQ(zonefile_zones(zf), 2);
    CHECK_INTEQ(zonefile_records(zf), 18);

    /* positive SRV: AA, answer, A and AAAA of the target in additional */
    CHECK_INTEQ(ask(zf, "_client._smtp.mail.example.test", DNS_T_SRV, &m, &w), 1);
    CHECK(m.qr && m.aa);
    CHECK_INTEQ(m.rcode, DNS_R_NOERROR);
    CHECK_STREQ(m.qname, "_client._smtp.mail.example.test");
    CHECK_INTEQ(m.qtype, DNS_T_SRV);
    CHECK_INTEQ(dnsmsg_status(&m, "_client._smtp.mail.example.test", DNS_T_SRV), DNSQ_OK);
    CHECK_INTEQ(count_section(&m, DNSMSG_AN, DNS_T_SRV), 1);
    CHECK_INTEQ(count_section(&m, DNSMSG_AR, DNS_T_A), 1);
    CHECK_INTEQ(count_section(&m, DNSMSG_AR, DNS_T_AAAA), 1);
    CHECK_INTEQ(dnsmsg_cache_ttl(&m, DNSQ_OK), 300);
    dnsmsg_free(&m);
    free(w);

    /* two SRV targets: both targets' addresses, no duplicates */
    CHECK_INTEQ(ask(zf, "_client._smtp.two.example.test.", DNS_T_SRV, &m, &w), 1);
    CHECK_INTEQ(count_section(&m, DNSMSG_AN, DNS_T_SRV), 2);
    CHECK_INTEQ(count_section(&m, DNSMSG_AR, DNS_T_A), 2);
    CHECK_INTEQ(count_section(&m, DNSMSG_AR, DNS_T_AAAA), 1);
    dnsmsg_free(&m);
    free(w);

    /* NODATA: the name exists, SOA in authority, negative TTL RFC 2308 */
    CHECK_INTEQ(ask(zf, "mail.example.test", DNS_T_TXT, &m, &w), 1);
    CHECK_INTEQ(m.rcode, DNS_R_NOERROR);
    CHECK_INTEQ(dnsmsg_status(&m, "mail.example.test", DNS_T_TXT), DNSQ_NODATA);
    CHECK_INTEQ(count_section(&m, DNSMSG_NS, DNS_T_SOA), 1);
    CHECK_INTEQ(dnsmsg_cache_ttl(&m, DNSQ_NODATA), 120);
    dnsmsg_free(&m);
    free(w);

    /* an empty non-terminal is NODATA, not NXDOMAIN */
    CHECK_INTEQ(ask(zf, "ent.example.test", DNS_T_A, &m, &w), 1);
    CHECK_INTEQ(dnsmsg_status(&m, "ent.example.test", DNS_T_A), DNSQ_NODATA);
    dnsmsg_free(&m);
    free(w);

    /* NXDOMAIN with the zone's SOA (owner = apex: the parent-search rule) */
    CHECK_INTEQ(ask(zf, "_client._smtp.nosuch.example.test", DNS_T_SRV, &m, &w), 1);
    CHECK_INTEQ(m.rcode, DNS_R_NXDOMAIN);
    CHECK_INTEQ(dnsmsg_status(&m, "_client._smtp.nosuch.example.test", DNS_T_SRV), DNSQ_NXDOMAIN);
    CHECK_STREQ(dnsmsg_soa_owner(&m), "example.test");
    dnsmsg_free(&m);
    free(w);

    /* the longest apex wins: sub.other.test is its own zone */
    CHECK_INTEQ(ask(zf, "nope.sub.other.test", DNS_T_A, &m, &w), 1);
    CHECK_STREQ(dnsmsg_soa_owner(&m), "sub.other.test");
    CHECK_INTEQ(dnsmsg_cache_ttl(&m, DNSQ_NXDOMAIN), 60);
    dnsmsg_free(&m);
    free(w);
    CHECK_INTEQ(ask(zf, "X.Sub.Other.Test", DNS_T_A, &m, &w), 1);
    CHECK_INTEQ(dnsmsg_status(&m, "x.sub.other.test", DNS_T_A), DNSQ_OK);
    dnsmsg_free(&m);
    free(w);

    /* case-insensitive owners */
    CHECK_INTEQ(ask(zf, "mixed.case.example.test", DNS_T_A, &m, &w), 1);
    CHECK_INTEQ(dnsmsg_status(&m, "mixed.case.example.test", DNS_T_A), DNSQ_OK);
    dnsmsg_free(&m);
    free(w);

    /* CNAME followed inside the zones */
    CHECK_INTEQ(ask(zf, "alias.example.test", DNS_T_A, &m, &w), 1);
    CHECK_INTEQ(count_section(&m, DNSMSG_AN, DNS_T_CNAME), 1);
    CHECK_INTEQ(count_section(&m, DNSMSG_AN, DNS_T_A), 1);
    CHECK_INTEQ(dnsmsg_status(&m, "alias.example.test", DNS_T_A), DNSQ_OK);
    dnsmsg_free(&m);
    free(w);
    /* a CNAME loop ends after 8 hops, no crash */
    CHECK_INTEQ(ask(zf, "loop1.example.test", DNS_T_A, &m, &w), 1);
    CHECK(count_section(&m, DNSMSG_AN, DNS_T_CNAME) <= 9);
    CHECK(dnsmsg_status(&m, "loop1.example.test", DNS_T_A) != DNSQ_OK);
    dnsmsg_free(&m);
    free(w);
    /* a CNAME leaving the zones: just the CNAME */
    CHECK_INTEQ(ask(zf, "out.example.test", DNS_T_A, &m, &w), 1);
    CHECK_INTEQ(count_section(&m, DNSMSG_AN, DNS_T_CNAME), 1);
    CHECK_INTEQ(m.rcode, DNS_R_NOERROR);
    dnsmsg_free(&m);
    free(w);

    /* wildcard synthesis with the query name as owner */
    CHECK_INTEQ(ask(zf, "anything.wild.example.test", DNS_T_TXT, &m, &w), 1);
    CHECK_INTEQ(dnsmsg_status(&m, "anything.wild.example.test", DNS_T_TXT), DNSQ_OK);
    CHECK(m.nrr >= 1 && strcmp(m.rr[0].owner, "anything.wild.example.test") == 0);
    CHECK(m.nrr >= 1 && m.rr[0].ok && strcmp(m.rr[0].u.txt.data, "MARID,1,A") == 0);
    dnsmsg_free(&m);
    free(w);
    CHECK_INTEQ(ask(zf, "anything.wild.example.test", DNS_T_A, &m, &w), 1);
    CHECK_INTEQ(dnsmsg_status(&m, "anything.wild.example.test", DNS_T_A), DNSQ_NODATA);
    dnsmsg_free(&m);
    free(w);

    /* multi-string TXT kept as separate character-strings, joined by dnsmsg */
    CHECK_INTEQ(ask(zf, "txt.example.test", DNS_T_TXT, &m, &w), 1);
    CHECK(m.nrr >= 1 && m.rr[0].ok && strcmp(m.rr[0].u.txt.data, "MARID,1,B") == 0);
    dnsmsg_free(&m);
    free(w);

    /* outside every zone: 0, nothing allocated */
    w = NULL;
    CHECK_INTEQ(ask(zf, "mail.example.org", DNS_T_A, &m, &w), 0);
    CHECK(w == NULL);

    /* syntax error: file and line; the set is unchanged */
    fp = fopen(path, "w");
    fputs("$ORIGIN bad.test.\n@ SOA ns h 1 2 3 4 5\nok A 192.0.2.1\nbroken A 300.1.2.3\n", fp);
    fclose(fp);
    CHECK_INTEQ(zonefile_load(zf, path, &err), -1);
    CHECK_MSG(err != NULL && strstr(err, ":4:") != NULL, "%s", err ? err : "");
    free(err);
    err = NULL;
    CHECK_INTEQ(zonefile_records(zf), 18);
    CHECK_INTEQ(ask(zf, "ok.bad.test", DNS_T_A, &m, &w), 0);

    /* $INCLUDE refused, missing file reported */
    fp = fopen(path, "w");
    fputs("$INCLUDE /etc/passwd\n", fp);
    fclose(fp);
    CHECK_INTEQ(zonefile_load(zf, path, &err), -1);
    CHECK(err != NULL && strstr(err, "INCLUDE") != NULL);
    free(err);
    err = NULL;
    unlink(path);
    CHECK_INTEQ(zonefile_load(zf, path, &err), -1);
    CHECK(err != NULL);
    free(err);

    /* records without any SOA: an implicit root zone, NXDOMAIN without SOA */
    {
        struct zonefile *z2 = zonefile_new();
        fp = fopen(path, "w");
        fputs("mail.example.net. 60 IN A 192.0.2.5\n", fp);
        fclose(fp);
        CHECK_INTEQ(zonefile_load(z2, path, &err), 0);
        CHECK_INTEQ(ask(z2, "mail.example.net", DNS_T_A, &m, &w), 1);
        CHECK_INTEQ(dnsmsg_status(&m, "mail.example.net", DNS_T_A), DNSQ_OK);
        dnsmsg_free(&m);
        free(w);
        CHECK_INTEQ(ask(z2, "nope.example.net", DNS_T_A, &m, &w), 1);
        CHECK_INTEQ(m.rcode, DNS_R_NXDOMAIN);
        CHECK(dnsmsg_soa_owner(&m) == NULL);
        dnsmsg_free(&m);
        free(w);
        zonefile_free(z2);
        unlink(path);
    }

    zonefile_free(zf);
    return CHECK_DONE();
}
