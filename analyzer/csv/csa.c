/* SPDX-License-Identifier: MIT */
/*
 * csa - Client SMTP Authorization evaluation (spec/csv-spec.md §1.5-1.7:
 * Exim's acl_verify_csa and dns_special_lookup T_CSA, 4.52-4.94 behaviour),
 * a pure function over the lookup callback. See csa.h for the decisions
 * that differ from Exim.
 */
#include "csa.h"

#include <stdio.h>
#include <string.h>

#include "csvfetch.h"
#include "heloname.h"

/* SRV records looked at per answer: all that dnsmsg keeps, so a record
 * after hundreds of unusable ones still decides, as in Exim. */
#define CSA_MAX_SRV DNSMSG_MAX_RR
#define CSA_MAX_LABELS 128

void csa_opts_init(struct csa_opts *o)
{
    o->use_reverse = true;
    o->search_limit = 5;
    o->parent_search = true;
}

/* Evaluation state for one call. */
struct ctx {
    struct csv_fetch f;  /* the lookups; folds TTLs into out->ttl */
    struct csa_result *out;
};

/* set - the final result. */
static int set(struct ctx *c, const char *status, const char *reason)
{
    c->out->status = status;
    c->out->reason = reason;
    return EVAL_DONE;
}

/* srv_text - presentation form of an SRV RR into the result. */
static void srv_text(struct ctx *c, const struct dnsrr *rr)
{
    const char *t = rr->u.srv.target;
    int n;

    if (t == NULL) /* no target: the RFC 3597 form of the numbers */
        n = snprintf(c->out->record, sizeof(c->out->record),
                     "%s. SRV \\# 6 %04x%04x%04x", rr->owner,
                     (unsigned)rr->u.srv.priority, (unsigned)rr->u.srv.weight,
                     (unsigned)rr->u.srv.port);
    else
        n = snprintf(c->out->record, sizeof(c->out->record),
                     "%s. SRV %u %u %u %s.", rr->owner,
                     (unsigned)rr->u.srv.priority, (unsigned)rr->u.srv.weight,
                     (unsigned)rr->u.srv.port, t); /* root: "" + "." */

    if (n < 0)
        c->out->record[0] = '\0';
}

/* addr_match - 1 when the client is among the address RRs of owner target
 * in section sec (types A and AAAA, as Exim scans both), 0 when there are
 * such RRs but none matches, -1 when there are none. sec DNSMSG_AN follows
 * CNAMEs (dnsmsg_find) for the asked type only. */
static int addr_match(const struct dnsmsg *m, enum dnsmsg_section sec,
                      const char *target, int qtype,
                      const struct hv_addr *client)
{
    int seen = -1;

    if (sec == DNSMSG_AN) {
        const struct dnsrr *v[CSA_MAX_SRV];
        size_t n = dnsmsg_find(m, target, qtype, v, CSA_MAX_SRV);

        if (n > CSA_MAX_SRV)
            n = CSA_MAX_SRV;
        for (size_t i = 0; i < n; i++) {
            if (!v[i]->ok)
                continue;
            seen = 0;
            if (hv_addr_equal(&v[i]->u.addr, client))
                return 1;
        }
        return seen;
    }
    for (size_t i = 0; i < m->nrr; i++) {
        const struct dnsrr *rr = &m->rr[i];

        if (rr->section != sec || rr->rclass != DNS_C_IN || !rr->ok ||
            (rr->type != DNS_T_A && rr->type != DNS_T_AAAA) ||
            !dnsname_eq(rr->owner, target))
            continue;
        seen = 0;
        if (hv_addr_equal(&rr->u.addr, client))
            return 1;
    }
    return seen;
}

/* check_target - weight 2: is the client among the target's addresses?
 * (Exim acl_verify_csa steps 8-10.) */
static int check_target(struct ctx *c, const struct dnsmsg *srvmsg,
                        const struct dnsrr *rr, const struct hv_addr *client)
{
    const char *target = rr->u.srv.target;
    int qtype = client->family == 6 ? DNS_T_AAAA : DNS_T_A;
    enum dnsq_status st;
    struct dnsmsg m;
    int r;

    srv_text(c, rr);
    /* "." is an odd way of saying weight 1: no lookup (keeps load off the
     * root servers). Any other target is looked up whatever its syntax, as
     * Exim does. No target at all (6-byte rdata) names no address either
     * (Exim would read past the rdata). */
    if (target == NULL || target[0] == '\0')
        return set(c, "fail", "no-addresses");
    r = addr_match(srvmsg, DNSMSG_AR, target, 0, client);
    if (r == 1)
        return set(c, "ok", "authorized");
    if (r == 0)
        return set(c, "fail", "mismatch");
    if (!csv_fetch(&c->f, target, qtype, &st, &m, NULL))
        return EVAL_PENDING;
    switch (st) {
    case DNSQ_OK:
        r = addr_match(&m, DNSMSG_AN, target, qtype, client);
        dnsmsg_free(&m);
        if (r == 1)
            return set(c, "ok", "authorized");
        if (r == 0)
            return set(c, "fail", "mismatch");
        return set(c, "fail", "no-addresses");
    case DNSQ_NXDOMAIN:
    case DNSQ_NODATA:
        dnsmsg_free(&m);
        return set(c, "fail", "no-addresses");
    default:
        dnsmsg_free(&m);
        return set(c, "defer", "addr-lookup-failed");
    }
}

/* exact_records - the SRV records at the HELO name itself, scanned in DNS
 * order (Exim acl_verify_csa step 6): priority != 1 and weight > 3 are
 * skipped, weight 0/1 fails, the first weight 2 decides by address,
 * weight 3 alone is unknown/weight-3. */
static int exact_records(struct ctx *c, const struct dnsmsg *m,
                         const char *qname, const struct hv_addr *client)
{
    const struct dnsrr *v[CSA_MAX_SRV];
    const struct dnsrr *w3 = NULL, *first = NULL;
    size_t n = dnsmsg_find(m, qname, DNS_T_SRV, v, CSA_MAX_SRV);

    if (n > CSA_MAX_SRV)
        n = CSA_MAX_SRV;
    for (size_t i = 0; i < n; i++) {
        const struct dnsrr *rr = v[i];

        if (!rr->ok)
            continue; /* rdata under 6 bytes: no numbers to read */
        if (first == NULL)
            first = rr;
        if (rr->u.srv.priority != 1 || rr->u.srv.weight > 3)
            continue;
        if (rr->u.srv.weight < 2) {
            srv_text(c, rr);
            return set(c, "fail", "not-authorized");
        }
        if (rr->u.srv.weight == 3) {
            if (w3 == NULL)
                w3 = rr;
            continue;
        }
        return check_target(c, m, rr, client);
    }
    if (w3 != NULL) {
        srv_text(c, w3);
        return set(c, "unknown", "weight-3");
    }
    if (first != NULL)
        srv_text(c, first);
    return set(c, "unknown", "unusable-record");
}

/* split_labels - start offsets of the labels of name; returns the count,
 * 0 when there are too many. */
static size_t split_labels(const char *name, size_t starts[CSA_MAX_LABELS])
{
    size_t n = 0;

    starts[n++] = 0;
    for (size_t i = 0; name[i] != '\0'; i++) {
        if (name[i] == '.') {
            if (n == CSA_MAX_LABELS)
                return 0;
            starts[n++] = i + 1;
        }
    }
    return n;
}

/* ends_with - name ends in "." + suffix (case already folded). */
static bool ends_with(const char *name, const char *suffix)
{
    size_t ln = strlen(name), ls = strlen(suffix);

    return ln > ls + 1 && name[ln - ls - 1] == '.' &&
           strcmp(name + ln - ls, suffix) == 0;
}

/* parent_search - Exim 4.52-4.94 dns_special_lookup T_CSA after a NXDOMAIN
 * or NODATA at the exact name: skip when the NXDOMAIN's authority SOA is the
 * root's or the TLD's; then top-down from the second-level domain (the
 * /8 /16 /24 or /16 /32 /48 zones in the reverse trees, limit 3 whatever
 * o->search_limit says), at most limit steps, never the full name; an
 * ancestor that cannot be queried (too long) uses up its step, as Exim's
 * failed lookup does. The first ancestor holding a priority-1 record with
 * the Explicit bit (port & 1) gives fail/explicit-required. */
static int parent_search(struct ctx *c, const char *name,
                         enum dnsq_status exact_st, const struct dnsmsg *exact,
                         const struct csa_opts *o)
{
    size_t starts[CSA_MAX_LABELS];
    size_t nl = split_labels(name, starts);
    size_t tld_labels = 1, step = 1;
    int limit = o->search_limit;
    const char *tld;
    char qn[HELO_LONG_MAX + 16];
    bool missing = false;
    size_t k;

    if (nl < 2)
        return set(c, "unknown", "no-record");
    if (ends_with(name, "in-addr.arpa")) {
        tld_labels = 2;
        limit = 3;
    } else if (ends_with(name, "ip6.arpa")) {
        tld_labels = 2;
        step = 4;
        limit = 3;
    }
    if (nl <= tld_labels)
        return set(c, "unknown", "no-record");
    tld = name + starts[nl - tld_labels];
    if (exact_st == DNSQ_NXDOMAIN) {
        const char *soa = dnsmsg_soa_owner(exact);

        if (soa != NULL && (soa[0] == '\0' || dnsname_eq(soa, tld)))
            return set(c, "unknown", "no-record");
    }
    /* Every ancestor is asked for in the same round; they are decided in
     * order, so nothing after the first missing answer counts yet. */
    for (int i = 0; i < limit; i++) {
        enum dnsq_status st;
        struct dnsmsg m;
        int n;

        k = tld_labels + step * (size_t)(i + 1);
        if (k >= nl)
            break; /* the full name was the exact query */
        n = snprintf(qn, sizeof(qn), "_client._smtp.%s",
                     name + starts[nl - k]);
        if (n < 0 || n > 253 ||
            !helo_name_valid(name + starts[nl - k],
                             strlen(name + starts[nl - k])))
            continue; /* cannot be queried: Exim's lookup fails, moves on */
        if (!csv_fetch(&c->f, qn, DNS_T_SRV, &st, &m, NULL)) {
            missing = true;
            continue;
        }
        if (missing) {
            dnsmsg_free(&m);
            continue;
        }
        if (st == DNSQ_TIMEOUT || st == DNSQ_SERVFAIL) {
            /* Exim: DNS_AGAIN (timeout, SERVFAIL) defers; other failures
             * just move on to the next ancestor */
            dnsmsg_free(&m);
            return set(c, "defer", "srv-lookup-failed");
        }
        if (st == DNSQ_OK) {
            const struct dnsrr *v[CSA_MAX_SRV];
            size_t nv = dnsmsg_find(&m, qn, DNS_T_SRV, v, CSA_MAX_SRV);

            if (nv > CSA_MAX_SRV)
                nv = CSA_MAX_SRV;
            for (size_t j = 0; j < nv; j++) {
                if (v[j]->ok && v[j]->u.srv.priority == 1 &&
                    (v[j]->u.srv.port & 1)) {
                    srv_text(c, v[j]);
                    dnsmsg_free(&m);
                    return set(c, "fail", "explicit-required");
                }
            }
        }
        dnsmsg_free(&m);
    }
    if (missing)
        return EVAL_PENDING;
    return set(c, "unknown", "no-record");
}

/* unqueryable - the name's own SRV query cannot be sent (over 253 bytes
 * with the prefix, or a label over 63): Exim's lookup fails hard and it
 * searches the parents, so an Explicit parent still decides. Without one
 * the result is none_reason (unknown). */
static int unqueryable(struct ctx *c, const char *name, const char *none_reason,
                       const struct csa_opts *o)
{
    struct dnsmsg none;
    int rc;

    if (!o->parent_search)
        return set(c, "unknown", none_reason);
    memset(&none, 0, sizeof(none));
    rc = parent_search(c, name, DNSQ_ERROR, &none, o);
    if (rc == EVAL_DONE && strcmp(c->out->reason, "no-record") == 0)
        rc = set(c, "unknown", none_reason);
    return rc;
}

int csa_evaluate(const char *helo, const char *ip, const struct csa_opts *o,
                 dns_lookup_fn lookup, void *arg, struct csa_result *out)
{
    struct csa_opts def;
    struct ctx c;
    struct hv_addr client;
    char name[HELO_LONG_MAX];
    char qn[HELO_LONG_MAX + 16];
    enum dnsq_status st;
    struct dnsmsg m;
    bool overlong = false;
    int n, rc;

    memset(out, 0, sizeof(*out));
    c.out = out;
    csv_fetch_init(&c.f, lookup, arg, &out->ttl);
    if (o == NULL) {
        csa_opts_init(&def);
        o = &def;
    }
    switch (helo_classify(helo)) {
    case HELO_NONE:
        return set(&c, "unknown", "no-helo");
    case HELO_FQDN:
        if (!helo_norm_name(helo, name, sizeof(name)))
            return set(&c, "unknown", "invalid-helo");
        break;
    case HELO_ADDRESS_LITERAL:
    case HELO_BARE_IP:
        /* Exim's reverse-tree extension (dns_csa_use_reverse) */
        if (!o->use_reverse)
            return set(&c, "unknown", "no-record");
        if (!helo_reverse_name(helo, name, sizeof(name)))
            return set(&c, "unknown", "invalid-helo");
        break;
    default:
        if (!helo_overlong_name(helo, name, sizeof(name)))
            return set(&c, "unknown", "invalid-helo");
        overlong = true; /* a label over 63 or over 253 bytes */
        break;
    }
    if (ip == NULL || !hv_addr_parse(ip, strlen(ip), &client))
        return set(&c, "unknown", "no-record"); /* Exim: no client IP */
    n = snprintf(qn, sizeof(qn), "_client._smtp.%s", name);
    if (overlong || n < 0 || (size_t)n > 253) {
        rc = unqueryable(&c, name, overlong ? "invalid-helo" : "no-record", o);
        if (rc == EVAL_PENDING)
            memset(out, 0, sizeof(*out));
        return rc;
    }
    if (!csv_fetch(&c.f, qn, DNS_T_SRV, &st, &m, NULL))
        return EVAL_PENDING;
    switch (st) {
    case DNSQ_OK:
        rc = exact_records(&c, &m, qn, &client);
        break;
    case DNSQ_NXDOMAIN:
    case DNSQ_NODATA:
        /* --csa-search-limit 0 stops the forward search only: the reverse
         * trees keep their fixed depth of 3 (parent_search) */
        if (o->parent_search)
            rc = parent_search(&c, name, st, &m, o);
        else
            rc = set(&c, "unknown", "no-record");
        break;
    default:
        /* DESIGN.md: any failure of the exact query defers (Exim defers
         * on timeout/SERVFAIL only and searches the parents after REFUSED
         * or FORMERR) */
        rc = set(&c, "defer", "srv-lookup-failed");
        break;
    }
    dnsmsg_free(&m);
    if (rc == EVAL_PENDING)
        memset(out, 0, sizeof(*out));
    return rc;
}
