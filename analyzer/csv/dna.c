/* SPDX-License-Identifier: MIT */
/*
 * dna - Domain Name Accreditation evaluation (spec/csv-spec.md §2: the
 * listing PTR "_VOUCH._SMTP.<service>" at the HELO name, DNA-02 §4; the
 * report TXT "MARID,1,<A-E>[;info]" at "<helo>.<service>", DNA-02 §6), a
 * pure function over the lookup callback. See dna.h for the rules chosen
 * where the drafts say nothing.
 */
#include "dna.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "ascii.h"
#include "csvfetch.h"
#include "heloname.h"

#define DNA_MAX_RR 64 /* PTR/TXT records looked at per answer */

bool dna_parse_report(const char *s, size_t len, char *grade, char *info,
                      size_t infolen)
{
    char g;
    size_t n = 0;

    /* DNA-02 §6: service "MARID", ",", level "1", ",", A-E, ";" or end */
    if (s == NULL || len < 9 || strncasecmp(s, "MARID,1,", 8) != 0)
        return false;
    g = s[8];
    g = to_upper((unsigned char)g);
    if (g < 'A' || g > 'E')
        return false;
    if (len > 9 && s[9] != ';')
        return false;
    if (info != NULL && infolen > 0) {
        for (size_t i = 10; i < len && n + 1 < infolen; i++) {
            if (s[i] == '\0')
                break;
            info[n++] = s[i];
        }
        info[n] = '\0';
    }
    *grade = g;
    return true;
}

/* add_service - append a service (normalised: lower case, no trailing dot,
 * a name we may query) unless present or the table is full. */
static void add_service(struct dna_result *out, const char *s, size_t len,
                        bool listed)
{
    struct dna_service_result *r;

    if (len > 0 && s[len - 1] == '.')
        len--;
    if (!helo_name_valid(s, len) || len >= DNA_NAME_MAX ||
        out->n >= DNA_MAX_SERVICES)
        return;
    for (size_t i = 0; i < out->n; i++)
        if (strlen(out->svc[i].service) == len &&
            strncasecmp(out->svc[i].service, s, len) == 0)
            return;
    r = &out->svc[out->n++];
    memset(r, 0, sizeof(*r));
    for (size_t i = 0; i < len; i++)
        r->service[i] = to_lower((unsigned char)s[i]);
    r->service[len] = '\0';
    r->status = "none";
    r->level[0] = '\0';
    r->listed = listed;
}

/* listed_services - the services named by the sender's PTR records
 * (DNA-02 §4, §7: records without the _VOUCH._SMTP. prefix are discarded). */
static void listed_services(struct dna_result *out, const struct dnsmsg *m,
                            const char *name)
{
    static const char prefix[] = "_vouch._smtp.";
    const struct dnsrr *v[DNA_MAX_RR];
    size_t n = dnsmsg_find(m, name, DNS_T_PTR, v, DNA_MAX_RR);

    if (n > DNA_MAX_RR)
        n = DNA_MAX_RR;
    for (size_t i = 0; i < n; i++) {
        const char *t;

        if (!v[i]->ok)
            continue;
        t = v[i]->u.name;
        if (strncasecmp(t, prefix, sizeof(prefix) - 1) != 0)
            continue;
        t += sizeof(prefix) - 1;
        add_service(out, t, strlen(t), true);
    }
}

/* service_report - read the TXT answer of one service into r: the worst
 * grade among the valid report strings. */
static void service_report(struct dna_service_result *r,
                           const struct dnsmsg *m, const char *qn)
{
    const struct dnsrr *v[DNA_MAX_RR];
    size_t n = dnsmsg_find(m, qn, DNS_T_TXT, v, DNA_MAX_RR);

    if (n > DNA_MAX_RR)
        n = DNA_MAX_RR;
    r->status = "none";
    for (size_t i = 0; i < n; i++) {
        char g, info[DNA_INFO_MAX];

        if (!v[i]->ok ||
            !dna_parse_report(v[i]->u.txt.data, v[i]->u.txt.len, &g, info,
                              sizeof(info)))
            continue;
        if (r->grade == 0 || g > r->grade) {
            r->grade = g;
            memcpy(r->info, info, sizeof(r->info));
        }
        r->status = "report";
        memcpy(r->level, "1", 2);
    }
}

/* combine - DESIGN.md: any D/E -> not-recommended; best A/B ->
 * recommended; any failed lookup -> defer; else unknown. */
static void combine(struct dna_result *out, bool failed)
{
    const struct dna_service_result *worst = NULL, *best = NULL;

    for (size_t i = 0; i < out->n; i++) {
        const struct dna_service_result *r = &out->svc[i];

        if (r->grade == 0)
            continue;
        if (worst == NULL || r->grade > worst->grade)
            worst = r;
        if (best == NULL || r->grade < best->grade)
            best = r;
    }
    for (size_t i = 0; i < out->n; i++)
        if (strcmp(out->svc[i].status, "defer") == 0)
            failed = true;
    if (worst != NULL && worst->grade >= 'D') {
        out->status = "not-recommended";
        out->grade = worst->grade;
        memcpy(out->service, worst->service, sizeof(out->service));
    } else if (best != NULL && best->grade <= 'B') {
        out->status = "recommended";
        out->grade = best->grade;
        memcpy(out->service, best->service, sizeof(out->service));
    } else if (failed) {
        out->status = "defer";
    } else {
        out->status = "unknown";
        if (best != NULL) {
            out->grade = best->grade; /* 'C' */
            memcpy(out->service, best->service, sizeof(out->service));
        }
    }
}

int dna_evaluate(const char *helo, const struct dna_opts *o,
                 dns_lookup_fn lookup, void *arg, struct dna_result *out)
{
    struct csv_fetch f;
    char name[HELO_NAME_MAX];
    bool pending = false, failed = false;
    enum dnsq_status st;
    struct dnsmsg m;
    uint32_t ttl;

    memset(out, 0, sizeof(*out));
    csv_fetch_init(&f, lookup, arg, &out->ttl);
    out->status = "unknown";
    out->ptr_status = "";
    if (o == NULL || !helo_norm_name(helo, name, sizeof(name)))
        return EVAL_DONE;
    for (size_t i = 0; i < o->nservices; i++)
        if (o->services[i] != NULL)
            add_service(out, o->services[i], strlen(o->services[i]), false);
    if (o->trust_listed) {
        if (!csv_fetch(&f, name, DNS_T_PTR, &st, &m, &ttl)) {
            pending = true;
        } else {
            switch (st) {
            case DNSQ_OK:
                out->ptr_status = "ok";
                listed_services(out, &m, name);
                break;
            case DNSQ_NXDOMAIN:
            case DNSQ_NODATA:
                out->ptr_status = "none";
                break;
            default:
                out->ptr_status = "defer";
                failed = true;
                break;
            }
            dnsmsg_free(&m);
        }
    }
    for (size_t i = 0; i < out->n; i++) {
        struct dna_service_result *r = &out->svc[i];
        char qn[2 * HELO_NAME_MAX];
        int n = snprintf(qn, sizeof(qn), "%s.%s", name, r->service);

        r->status = "none";
        if (n < 0 || (size_t)n > 253)
            continue; /* no such name can exist */
        if (!csv_fetch(&f, qn, DNS_T_TXT, &st, &m, &ttl)) {
            pending = true;
            continue;
        }
        r->ttl = ttl;
        if (st == DNSQ_OK)
            service_report(r, &m, qn);
        else if (st != DNSQ_NXDOMAIN && st != DNSQ_NODATA)
            r->status = "defer";
        dnsmsg_free(&m);
    }
    if (pending) {
        memset(out, 0, sizeof(*out));
        return EVAL_PENDING;
    }
    combine(out, failed);
    return EVAL_DONE;
}
