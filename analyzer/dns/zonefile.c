/* SPDX-License-Identifier: MIT */
/*
 * zonefile - answers from master files through ldns; see zonefile.h.
 * The records sit in one array sorted by owner (lower-case presentation
 * form without the trailing dot); a second sorted array holds every name
 * that exists, empty non-terminals included, for NODATA vs NXDOMAIN.
 */
#include "zonefile.h"

#include <errno.h>
#include <ldns/ldns.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ascii.h"
#include "xmem.h"

#define ZF_NAME_MAX 1100  /* presentation names with \DDD escapes */
#define ZF_CNAME_HOPS 8

struct zrec {
    char *owner;   /* lower-case, no trailing dot */
    ldns_rr *rr;
    size_t seq;    /* file order, kept among equal owners */
};

struct zone {
    char *apex;    /* "" for the implicit root zone */
    ldns_rr *soa;  /* borrowed from recs; NULL for the implicit zone */
};

struct zonefile {
    struct zrec *recs;
    size_t nrecs, caprecs;
    struct zone *zones;
    size_t nzones, capzones;
    char **names;  /* sorted, unique; built by index() */
    size_t nnames;
    bool indexed;
};

/* ==== names ==== */

/* rdf_name - lower-case presentation form of a dname rdf without the
 * trailing dot into out. */
static void rdf_name(const ldns_rdf *rdf, char *out, size_t outlen)
{
    char *s = ldns_rdf2str(rdf);
    size_t n;

    out[0] = '\0';
    if (s == NULL)
        return;
    n = strlen(s);
    if (n > 0 && s[n - 1] == '.' && (n < 2 || s[n - 2] != '\\'))
        n--;
    if (n >= outlen)
        n = outlen - 1;
    for (size_t i = 0; i < n; i++)
        out[i] = to_lower((unsigned char)s[i]);
    out[n] = '\0';
    free(s);
}

/* in_zone - name equals apex or lies below it. */
static bool in_zone(const char *name, const char *apex)
{
    size_t n = strlen(name), a = strlen(apex);
    if (a == 0)
        return true;
    if (n == a)
        return strcmp(name, apex) == 0;
    return n > a && name[n - a - 1] == '.' && strcmp(name + n - a, apex) == 0;
}

/* parent - the name one label up ("" above a single label). */
static const char *parent(const char *name)
{
    const char *dot = strchr(name, '.');
    return dot ? dot + 1 : "";
}

/* ==== loading ==== */

struct zonefile *zonefile_new(void)
{
    return xcalloc(1, sizeof(struct zonefile));
}

/* add_rec - append one record (owned) to the set. */
static void add_rec(struct zonefile *zf, ldns_rr *rr)
{
    char owner[ZF_NAME_MAX];

    if (zf->nrecs == zf->caprecs) {
        zf->caprecs = zf->caprecs ? zf->caprecs * 2 : 256;
        zf->recs = xrealloc(zf->recs, zf->caprecs * sizeof *zf->recs);
    }
    rdf_name(ldns_rr_owner(rr), owner, sizeof owner);
    zf->recs[zf->nrecs].owner = xstrdup(owner);
    zf->recs[zf->nrecs].rr = rr;
    zf->recs[zf->nrecs].seq = zf->nrecs;
    zf->nrecs++;
    zf->indexed = false;
}

int zonefile_load(struct zonefile *zf, const char *path, char **err)
{
    FILE *fp;
    uint32_t ttl = 3600;
    ldns_rdf *origin = NULL, *prev = NULL;
    int line = 1, rc = 0;
    size_t first = zf->nrecs;

    *err = NULL;
    fp = fopen(path, "r");
    if (fp == NULL) {
        size_t n = strlen(path) + 128;
        *err = xmalloc(n);
        snprintf(*err, n, "%s: %s", path, strerror(errno));
        return -1;
    }
    while (!feof(fp)) {
        ldns_rr *rr = NULL;
        int start = line; /* ldns counts the newline it consumed */
        ldns_status s = ldns_rr_new_frm_fp_l(&rr, fp, &ttl, &origin, &prev,
                                             &line);
        if (s == LDNS_STATUS_OK) {
            if (ldns_rr_get_class(rr) == LDNS_RR_CLASS_IN)
                add_rec(zf, rr);
            else
                ldns_rr_free(rr);
            continue;
        }
        if (s == LDNS_STATUS_SYNTAX_EMPTY || s == LDNS_STATUS_SYNTAX_TTL ||
            s == LDNS_STATUS_SYNTAX_ORIGIN)
            continue;
        {
            size_t n = strlen(path) + 160;
            *err = xmalloc(n);
            snprintf(*err, n, "%s:%d: %s", path, start,
                     s == LDNS_STATUS_SYNTAX_INCLUDE
                         ? "$INCLUDE is not supported"
                         : ldns_get_errorstr_by_id(s));
        }
        rc = -1;
        break;
    }
    if (rc == 0 && ferror(fp)) {
        size_t n = strlen(path) + 64;
        *err = xmalloc(n);
        snprintf(*err, n, "%s: read error", path);
        rc = -1;
    }
    fclose(fp);
    ldns_rdf_deep_free(origin);
    ldns_rdf_deep_free(prev);
    if (rc != 0) {
        /* Leave the set as it was. */
        for (size_t i = first; i < zf->nrecs; i++) {
            free(zf->recs[i].owner);
            ldns_rr_free(zf->recs[i].rr);
        }
        zf->nrecs = first;
    }
    return rc;
}

void zonefile_free(struct zonefile *zf)
{
    if (zf == NULL)
        return;
    for (size_t i = 0; i < zf->nrecs; i++) {
        free(zf->recs[i].owner);
        ldns_rr_free(zf->recs[i].rr);
    }
    for (size_t i = 0; i < zf->nzones; i++)
        free(zf->zones[i].apex);
    for (size_t i = 0; i < zf->nnames; i++)
        free(zf->names[i]);
    free(zf->recs);
    free(zf->zones);
    free(zf->names);
    free(zf);
}

/* ==== the index ==== */

static int cmp_rec(const void *a, const void *b)
{
    const struct zrec *x = a, *y = b;
    int c = strcmp(x->owner, y->owner);
    if (c != 0)
        return c;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* find_zone - the zone with the longest apex containing name, or NULL. */
static const struct zone *find_zone(const struct zonefile *zf,
                                    const char *name)
{
    const struct zone *best = NULL;
    for (size_t i = 0; i < zf->nzones; i++) {
        const struct zone *z = &zf->zones[i];
        if (in_zone(name, z->apex) &&
            (best == NULL || strlen(z->apex) > strlen(best->apex)))
            best = z;
    }
    return best;
}

/* add_name - remember that name exists. */
static void add_name(struct zonefile *zf, size_t *cap, const char *name)
{
    if (zf->nnames == *cap) {
        *cap = *cap ? *cap * 2 : 256;
        zf->names = xrealloc(zf->names, *cap * sizeof *zf->names);
    }
    zf->names[zf->nnames++] = xstrdup(name);
}

/* index - zones from the SOAs, sorted records, the set of names. */
static void index_build(struct zonefile *zf)
{
    size_t cap = 0;
    bool orphans = false;

    for (size_t i = 0; i < zf->nzones; i++)
        free(zf->zones[i].apex);
    zf->nzones = 0;
    for (size_t i = 0; i < zf->nnames; i++)
        free(zf->names[i]);
    zf->nnames = 0;
    free(zf->names);
    zf->names = NULL;

    if (zf->nrecs > 1) /* an empty file leaves recs NULL: qsort(NULL) is UB */
        qsort(zf->recs, zf->nrecs, sizeof *zf->recs, cmp_rec);
    for (size_t i = 0; i < zf->nrecs; i++) {
        if (ldns_rr_get_type(zf->recs[i].rr) != LDNS_RR_TYPE_SOA)
            continue;
        if (find_zone(zf, zf->recs[i].owner) != NULL &&
            strcmp(find_zone(zf, zf->recs[i].owner)->apex,
                   zf->recs[i].owner) == 0)
            continue; /* a second SOA for the same apex */
        if (zf->nzones == zf->capzones) {
            zf->capzones = zf->capzones ? zf->capzones * 2 : 16;
            zf->zones = xrealloc(zf->zones, zf->capzones * sizeof *zf->zones);
        }
        zf->zones[zf->nzones].apex = xstrdup(zf->recs[i].owner);
        zf->zones[zf->nzones].soa = zf->recs[i].rr;
        zf->nzones++;
    }
    for (size_t i = 0; i < zf->nrecs; i++) {
        const struct zone *z = find_zone(zf, zf->recs[i].owner);
        const char *n = zf->recs[i].owner;
        if (z == NULL)
            orphans = true;
        /* The owner and its ancestors down to the apex exist. */
        for (;;) {
            add_name(zf, &cap, n);
            if (*n == '\0' || (z != NULL && strcmp(n, z->apex) == 0))
                break;
            if (z == NULL)
                break;
            n = parent(n);
        }
    }
    if (orphans) {
        if (zf->nzones == zf->capzones) {
            zf->capzones = zf->capzones ? zf->capzones * 2 : 16;
            zf->zones = xrealloc(zf->zones, zf->capzones * sizeof *zf->zones);
        }
        zf->zones[zf->nzones].apex = xstrdup("");
        zf->zones[zf->nzones].soa = NULL;
        zf->nzones++;
    }
    if (zf->nnames > 1)
        qsort(zf->names, zf->nnames, sizeof *zf->names, cmp_str);
    {
        size_t w = 0;
        for (size_t i = 0; i < zf->nnames; i++) {
            if (w > 0 && strcmp(zf->names[w - 1], zf->names[i]) == 0) {
                free(zf->names[i]);
                continue;
            }
            zf->names[w++] = zf->names[i];
        }
        zf->nnames = w;
    }
    zf->indexed = true;
}

/* name_exists - an owner or an empty non-terminal. */
static bool name_exists(const struct zonefile *zf, const char *name)
{
    const char *key = name;
    return bsearch(&key, zf->names, zf->nnames, sizeof *zf->names,
                   cmp_str) != NULL;
}

/* recs_at - first index and count of the records owned by name. */
static size_t recs_at(const struct zonefile *zf, const char *name,
                      size_t *first)
{
    size_t lo = 0, hi = zf->nrecs, n = 0;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(zf->recs[mid].owner, name) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    *first = lo;
    while (lo + n < zf->nrecs && strcmp(zf->recs[lo + n].owner, name) == 0)
        n++;
    return n;
}

/* ==== answering ==== */

/* push_clone - add a copy of rr to a section, renamed to owner when
 * synthesised from a wildcard. */
static void push_clone(ldns_pkt *p, ldns_pkt_section sec, const ldns_rr *rr,
                       const char *owner)
{
    ldns_rr *c = ldns_rr_clone(rr);
    if (c == NULL)
        return;
    if (owner != NULL) {
        char buf[ZF_NAME_MAX + 2];
        ldns_rdf *o;
        snprintf(buf, sizeof buf, "%s.", owner);
        o = ldns_dname_new_frm_str(buf);
        if (o != NULL) {
            ldns_rdf_deep_free(ldns_rr_owner(c));
            ldns_rr_set_owner(c, o);
        }
    }
    ldns_pkt_push_rr(p, sec, c);
}

/* add_addresses - A and AAAA of an SRV target, when the zones have them. */
static void add_addresses(const struct zonefile *zf, ldns_pkt *p,
                          const char *target)
{
    size_t first, n = recs_at(zf, target, &first);
    for (size_t i = first; i < first + n; i++) {
        ldns_rr_type t = ldns_rr_get_type(zf->recs[i].rr);
        if (t == LDNS_RR_TYPE_A || t == LDNS_RR_TYPE_AAAA)
            push_clone(p, LDNS_SECTION_ADDITIONAL, zf->recs[i].rr, NULL);
    }
}

/* wildcard - records of "*.<closest encloser of name>", or 0. */
static size_t wildcard(const struct zonefile *zf, const struct zone *z,
                       const char *name, size_t *first)
{
    const char *ce = name;
    char w[ZF_NAME_MAX + 4];

    do {
        ce = parent(ce);
    } while (*ce != '\0' && !name_exists(zf, ce) && strcmp(ce, z->apex) != 0);
    snprintf(w, sizeof w, *ce ? "*.%s" : "*", ce);
    return recs_at(zf, w, first);
}

int zonefile_answer(struct zonefile *zf, const char *qname, int qtype,
                    unsigned char **wire, size_t *len)
{
    char name[ZF_NAME_MAX], buf[ZF_NAME_MAX + 2];
    const char *targets[32];
    size_t ntargets = 0;
    const struct zone *z, *negz = NULL;
    ldns_pkt *p;
    ldns_rr *q;
    ldns_rdf *qn;
    uint8_t *out = NULL;
    size_t outlen = 0, n;
    int rcode = LDNS_RCODE_NOERROR;
    char tnames[32][ZF_NAME_MAX];

    *wire = NULL;
    *len = 0;
    n = strlen(qname);
    if (n > 0 && qname[n - 1] == '.')
        n--;
    if (n >= sizeof name - 1)
        return -1;
    for (size_t i = 0; i < n; i++)
        name[i] = to_lower((unsigned char)qname[i]);
    name[n] = '\0';
    if (!zf->indexed)
        index_build(zf);
    z = find_zone(zf, name);
    if (z == NULL)
        return 0;

    p = ldns_pkt_new();
    if (p == NULL)
        return -1;
    ldns_pkt_set_qr(p, true);
    ldns_pkt_set_aa(p, true);
    ldns_pkt_set_rd(p, true);
    snprintf(buf, sizeof buf, "%s.", name);
    qn = ldns_dname_new_frm_str(buf);
    if (qn == NULL) {
        ldns_pkt_free(p);
        return -1;
    }
    q = ldns_rr_new();
    ldns_rr_set_owner(q, qn);
    ldns_rr_set_type(q, (ldns_rr_type)qtype);
    ldns_rr_set_class(q, LDNS_RR_CLASS_IN);
    ldns_rr_set_question(q, true);
    ldns_pkt_push_rr(p, LDNS_SECTION_QUESTION, q);

    for (int hop = 0; hop <= ZF_CNAME_HOPS; hop++) {
        size_t first, cnt, matched = 0;
        const char *synth = NULL;
        const ldns_rr *cname = NULL;

        z = find_zone(zf, name);
        if (z == NULL)
            break; /* a CNAME left our zones: the answer ends there */
        cnt = recs_at(zf, name, &first);
        if (cnt == 0 && !name_exists(zf, name)) {
            cnt = wildcard(zf, z, name, &first);
            synth = name;
            if (cnt == 0) {
                rcode = LDNS_RCODE_NXDOMAIN;
                negz = z;
                break;
            }
        }
        for (size_t i = first; i < first + cnt; i++) {
            const ldns_rr *rr = zf->recs[i].rr;
            ldns_rr_type t = ldns_rr_get_type(rr);
            if ((int)t == qtype) {
                push_clone(p, LDNS_SECTION_ANSWER, rr, synth);
                matched++;
                if (t == LDNS_RR_TYPE_SRV && ntargets < 32 &&
                    ldns_rr_rd_count(rr) >= 4) {
                    rdf_name(ldns_rr_rdf(rr, 3), tnames[ntargets],
                             sizeof tnames[ntargets]);
                    targets[ntargets] = tnames[ntargets];
                    ntargets++;
                }
            } else if (t == LDNS_RR_TYPE_CNAME) {
                cname = rr;
            }
        }
        if (matched > 0)
            break;
        if (cname != NULL && qtype != LDNS_RR_TYPE_CNAME &&
            hop < ZF_CNAME_HOPS) {
            push_clone(p, LDNS_SECTION_ANSWER, cname, synth);
            rdf_name(ldns_rr_rdf(cname, 0), name, sizeof name);
            continue;
        }
        negz = z; /* NODATA */
        break;
    }
    if (negz != NULL && negz->soa != NULL)
        push_clone(p, LDNS_SECTION_AUTHORITY, negz->soa, NULL);
    for (size_t i = 0; i < ntargets; i++) {
        bool dup = false;
        for (size_t j = 0; j < i; j++)
            dup = dup || strcmp(targets[i], targets[j]) == 0;
        if (!dup && targets[i][0] != '\0')
            add_addresses(zf, p, targets[i]);
    }
    ldns_pkt_set_rcode(p, (uint8_t)rcode);
    if (ldns_pkt2wire(&out, p, &outlen) != LDNS_STATUS_OK || out == NULL) {
        ldns_pkt_free(p);
        free(out);
        return -1;
    }
    ldns_pkt_free(p);
    *wire = out;
    *len = outlen;
    return 1;
}

size_t zonefile_records(const struct zonefile *zf)
{
    return zf->nrecs;
}

size_t zonefile_zones(struct zonefile *zf)
{
    if (!zf->indexed)
        index_build(zf);
    return zf->nzones;
}
