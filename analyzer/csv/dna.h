/* SPDX-License-Identifier: MIT */
/*
 * dna - Domain Name Accreditation (draft-ietf-marid-csv-dna-02;
 * spec/csv-spec.md §2) as a pure function over a DNS lookup callback
 * (dnsmsg.h). For each accreditation service S the report is TXT at
 * "<helo>.<S>"; a report string is "MARID,1,<A-E>[;info]" (MARID
 * case-insensitive, level exactly "1", the letter case-insensitive; other
 * strings are ignored; the character-strings of one TXT record are joined
 * first). Several reports from one service: the worst grade counts.
 * With trust_listed, PTR records at the HELO name whose target starts with
 * "_vouch._smtp." add the service named after the prefix.
 * Combined status (DESIGN.md): any D/E -> not-recommended (service: the one
 * with the worst grade, first in order on a tie); else best grade A/B ->
 * recommended; else any failed lookup -> defer; else unknown.
 */
#ifndef HV_DNA_H
#define HV_DNA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dnsmsg.h"

#define DNA_MAX_SERVICES 16 /* configured + listed; further ones dropped */
#define DNA_NAME_MAX 256
#define DNA_INFO_MAX 256

struct dna_opts {
    const char *const *services; /* --accreditor domains (borrowed) */
    size_t nservices;
    bool trust_listed;           /* also query the sender's _vouch PTRs */
};

/* One service's answer. */
struct dna_service_result {
    char service[DNA_NAME_MAX]; /* lower-case, no trailing dot */
    const char *status;         /* "report"|"none"|"defer" (static) */
    char grade;                 /* 'A'..'E', 0 when status != "report" */
    char level[8];              /* "1" when a report was found, else "" */
    char info[DNA_INFO_MAX];    /* text after ';' (raw bytes, truncated) */
    bool listed;                /* came from the sender's PTR records */
    uint32_t ttl;               /* cache TTL of the TXT answer, 0: none */
};

struct dna_result {
    const char *status;          /* recommended|not-recommended|unknown|
                                    defer (static) */
    char grade;                  /* deciding grade, 0 when none */
    char service[DNA_NAME_MAX];  /* deciding service, "" when none */
    size_t n;                    /* entries in svc */
    struct dna_service_result svc[DNA_MAX_SERVICES];
    const char *ptr_status;      /* "ok"|"none"|"defer"|"" (no PTR query) */
    uint32_t ttl;                /* smallest TTL used, 0: none known */
};

/* dna_evaluate - DNA for HELO helo. Only HELO_FQDN names are queried; any
 * other HELO (or no service at all) gives "unknown" with no query.
 * Queries: PTR at <helo> (trust_listed), TXT at <helo>.<service> for each
 * configured service (asked together), then TXT for the listed services.
 * A name longer than 253 bytes is not queried (service status "none").
 * Returns EVAL_DONE with *out filled, or EVAL_PENDING (out not valid). */
int dna_evaluate(const char *helo, const struct dna_opts *o,
                 dns_lookup_fn lookup, void *arg, struct dna_result *out);

/* dna_parse_report - parse one joined TXT string (len bytes). On a valid
 * "MARID,1,<A-E>[;info]" returns true with *grade (upper-case) and info
 * (NUL-terminated, at most infolen-1 bytes); false otherwise. */
bool dna_parse_report(const char *s, size_t len, char *grade, char *info,
                      size_t infolen);

#endif
