/* SPDX-License-Identifier: MIT */
/*
 * csa - Client SMTP Authorization (draft-ietf-marid-csv-csa-02, the version
 * Exim 4.52-4.94 implements; spec/csv-spec.md §1) as a pure function over a
 * DNS lookup callback (dnsmsg.h). Statuses and reasons are DESIGN.md's:
 *   ok/authorized, fail/not-authorized, fail/explicit-required,
 *   fail/no-addresses, fail/mismatch, unknown/no-record, unknown/weight-3,
 *   unknown/unusable-record, unknown/invalid-helo, unknown/no-helo,
 *   defer/srv-lookup-failed, defer/addr-lookup-failed.
 * Deliberate differences from Exim: any failure of the exact-name SRV
 * query (timeout, SERVFAIL, REFUSED, FORMERR, an unparsable answer) defers
 * (DESIGN.md), where Exim defers only on DNS_AGAIN (timeout, SERVFAIL) and
 * searches the parents after the others; in the parent search timeout and
 * SERVFAIL defer and other failures move on, as in Exim. Weight 3 gives
 * unknown/weight-3 and records that are all unusable (priority != 1,
 * weight > 3, short rdata) unknown/unusable-record (Exim: "unknown").
 * An ancestor decides when any of its priority-1 records has the Explicit
 * bit (Exim: its first priority-1 record). Addresses are compared in
 * binary, which gives what Exim's text compare gives: an AAAA record (even
 * ::ffff:a.b.c.d) never equals an IPv4 client, and a mapped client address
 * is IPv4 (hv_addr_parse, as Exim's host_ntoa). The separate target lookup
 * follows CNAMEs inside the answer (Exim: fail/no-addresses). The parent
 * search is Exim 4.52-4.92's (an NXDOMAIN ends it only when the authority
 * SOA is the root's or the TLD's), without the ip6.arpa trailing-dot quirk.
 * As in Exim: a name whose own SRV query cannot be sent (over 253 bytes
 * with the prefix, a label over 63) still has its queryable parents
 * searched; SRV targets are looked up whatever their syntax ("." alone
 * means none); SRV rdata of 6 bytes is read (weight decides; weight 2
 * without a target: fail/no-addresses). README lists every difference.
 */
#ifndef HV_CSA_H
#define HV_CSA_H

#include <stdbool.h>
#include <stdint.h>

#include "dnsmsg.h"

struct csa_opts {
    bool use_reverse;  /* literals/bare IPs -> reverse tree (default true) */
    int search_limit;  /* forward parent-search steps (default 5; <= 0:
                          none; the reverse trees always use 3) */
    bool parent_search;/* search parents for Explicit (default true) */
};

/* csa_opts_init - the defaults above. */
void csa_opts_init(struct csa_opts *o);

#define CSA_RECORD_MAX 600

struct csa_result {
    const char *status;  /* "ok"|"fail"|"unknown"|"defer" (static) */
    const char *reason;  /* DESIGN.md csa_reason (static) */
    char record[CSA_RECORD_MAX]; /* deciding SRV in presentation form,
                              "_client._smtp.name. SRV 1 2 0 target.";
                              "" when none */
    uint32_t ttl;        /* smallest cache TTL of the answers used; 0: none
                            known (the caller uses its default) */
};

/* csa_evaluate - CSA for a session that said HELO helo from address ip.
 *   helo   as the client sent it (NULL/"" -> unknown/no-helo, no query;
 *          an overlong name: its parents only, see above)
 *   ip     client address text (an unparsable ip -> unknown/no-record with
 *          no query, as Exim's "no client IP")
 *   o      options (NULL: defaults)
 *   lookup answers (qname, qtype) from what is known; queries asked: SRV
 *          at _client._smtp.<name> and its parents, then A (IPv4 client) or
 *          AAAA (IPv6 client) of the SRV target when the additional section
 *          lacks the target's addresses.
 * Returns EVAL_DONE with *out filled, or EVAL_PENDING when an answer it
 * needs is not known yet (every independent missing query is asked for in
 * the same call, e.g. all parent names at once; *out is then not valid).
 * Deterministic; the answers' messages are parsed and freed inside. */
int csa_evaluate(const char *helo, const char *ip, const struct csa_opts *o,
                 dns_lookup_fn lookup, void *arg, struct csa_result *out);

#endif
