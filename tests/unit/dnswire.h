/* SPDX-License-Identifier: MIT */
/*
 * dnswire - test-only helpers shared by test_dnsmsg.c, test_csa.c and
 * test_dna.c: a tiny DNS message encoder (names never compressed) and a
 * fake answer cache behind dns_lookup_fn that records what the evaluator
 * asks for and answers it one round later, like the resolve stage does.
 * Functions are static inline so each test uses what it needs.
 */
#ifndef HV_TEST_DNSWIRE_H
#define HV_TEST_DNSWIRE_H

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "dnsmsg.h"

/* ==== test-only encoder (RFC 1035 §4.1, names never compressed) ==== */

#define WIRE_MAX 16384

struct wire {
    unsigned char b[WIRE_MAX];
    size_t n;
    size_t rdstart; /* start of the rdata being written */
};

static inline void w_u8(struct wire *w, unsigned v)
{
    if (w->n < WIRE_MAX)
        w->b[w->n++] = (unsigned char)v;
}

static inline void w_u16(struct wire *w, unsigned v)
{
    w_u8(w, (v >> 8) & 0xFF);
    w_u8(w, v & 0xFF);
}

static inline void w_u32(struct wire *w, uint32_t v)
{
    w_u16(w, v >> 16);
    w_u16(w, v & 0xFFFF);
}

static inline void w_set16(struct wire *w, size_t at, unsigned v)
{
    w->b[at] = (unsigned char)(v >> 8);
    w->b[at + 1] = (unsigned char)v;
}

static inline unsigned w_get16(const struct wire *w, size_t at)
{
    return (unsigned)(w->b[at] << 8 | w->b[at + 1]);
}

/* w_name - "a.b.c" (or "" / "." for the root) as uncompressed labels. */
static inline void w_name(struct wire *w, const char *name)
{
    const char *p = name;

    while (*p != '\0' && strcmp(p, ".") != 0) {
        const char *dot = strchr(p, '.');
        size_t l = dot != NULL ? (size_t)(dot - p) : strlen(p);

        w_u8(w, (unsigned)l);
        for (size_t i = 0; i < l; i++)
            w_u8(w, (unsigned char)p[i]);
        p += l;
        if (*p == '.')
            p++;
    }
    w_u8(w, 0);
}

/* w_init - header (QR set, rcode) and one question. */
static inline void w_init(struct wire *w, int rcode, const char *qname,
                          int qtype)
{
    w->n = 0;
    w_u16(w, 0x1234);
    w_u16(w, 0x8000 | 0x0400 | 0x0100 | 0x0080 | (rcode & 0xF));
    w_u16(w, qname != NULL ? 1 : 0);
    w_u16(w, 0);
    w_u16(w, 0);
    w_u16(w, 0);
    if (qname != NULL) {
        w_name(w, qname);
        w_u16(w, (unsigned)qtype);
        w_u16(w, 1);
    }
}

/* w_rr_begin - owner, type, class IN, ttl; counts it in section sec (1 AN,
 * 2 NS, 3 AR); rdata follows, then w_rr_end. */
static inline void w_rr_begin(struct wire *w, int sec, const char *owner,
                              int type, uint32_t ttl)
{
    size_t at = 4 + 2 * (size_t)sec;

    w_set16(w, at, w_get16(w, at) + 1);
    w_name(w, owner);
    w_u16(w, (unsigned)type);
    w_u16(w, 1);
    w_u32(w, ttl);
    w_u16(w, 0); /* rdlength, patched */
    w->rdstart = w->n;
}

static inline void w_rr_end(struct wire *w)
{
    w_set16(w, w->rdstart - 2, (unsigned)(w->n - w->rdstart));
}

static inline void w_srv(struct wire *w, int sec, const char *owner,
                         uint32_t ttl, unsigned prio, unsigned weight,
                         unsigned port, const char *target)
{
    w_rr_begin(w, sec, owner, 33, ttl);
    w_u16(w, prio);
    w_u16(w, weight);
    w_u16(w, port);
    w_name(w, target);
    w_rr_end(w);
}

static inline void w_addr(struct wire *w, int sec, const char *owner,
                          uint32_t ttl, const char *ip)
{
    unsigned char b[16];

    if (inet_pton(AF_INET, ip, b) == 1) {
        w_rr_begin(w, sec, owner, 1, ttl);
        for (int i = 0; i < 4; i++)
            w_u8(w, b[i]);
    } else {
        inet_pton(AF_INET6, ip, b);
        w_rr_begin(w, sec, owner, 28, ttl);
        for (int i = 0; i < 16; i++)
            w_u8(w, b[i]);
    }
    w_rr_end(w);
}

/* w_txt - one TXT RR of the given character-strings (NULL-terminated). */
static inline void w_txt(struct wire *w, int sec, const char *owner,
                         uint32_t ttl, ...)
{
    va_list ap;
    const char *s;

    w_rr_begin(w, sec, owner, 16, ttl);
    va_start(ap, ttl);
    for (s = va_arg(ap, const char *); s != NULL;
         s = va_arg(ap, const char *)) {
        size_t l = strlen(s);

        w_u8(w, (unsigned)l);
        for (size_t i = 0; i < l; i++)
            w_u8(w, (unsigned char)s[i]);
    }
    va_end(ap);
    w_rr_end(w);
}

/* w_nameref - PTR, CNAME or NS RR. */
static inline void w_nameref(struct wire *w, int sec, const char *owner,
                             int type, uint32_t ttl, const char *target)
{
    w_rr_begin(w, sec, owner, type, ttl);
    w_name(w, target);
    w_rr_end(w);
}

static inline void w_soa(struct wire *w, const char *owner, uint32_t ttl,
                         uint32_t minimum)
{
    w_rr_begin(w, 2, owner, 6, ttl);
    w_name(w, "ns.test.ex");
    w_name(w, "hostmaster.test.ex");
    w_u32(w, 1);
    w_u32(w, 3600);
    w_u32(w, 600);
    w_u32(w, 86400);
    w_u32(w, minimum);
    w_rr_end(w);
}

/* ==== a fake cache behind dns_lookup_fn ==== */

#define FAKE_MAX 96

struct fake_ent {
    char qname[300];
    int qtype;
    enum dnsq_status st;
    struct wire w;    /* the answer (unused for DNSQ_TIMEOUT) */
    bool fetched;     /* known to the evaluator */
    bool requested;   /* asked for while not known (a query to send) */
};

struct fake {
    struct fake_ent e[FAKE_MAX];
    size_t n;
    char soa[300];     /* owner of the SOA in default NXDOMAIN answers,
                          "-" for none */
    int queries;       /* misses the caller would have fetched */
    int lookups;       /* every callback call */
    char last[300];    /* last qname asked */
};

/* fake_reset - empty cache; default NXDOMAIN answers carry a SOA of soa. */
static inline void fake_reset(struct fake *f, const char *soa)
{
    f->n = 0;
    f->queries = 0;
    f->lookups = 0;
    f->last[0] = '\0';
    snprintf(f->soa, sizeof(f->soa), "%s", soa);
}

static inline int rcode_of(enum dnsq_status st)
{
    switch (st) {
    case DNSQ_NXDOMAIN:
        return 3;
    case DNSQ_SERVFAIL:
        return 2;
    case DNSQ_REFUSED:
        return 5;
    case DNSQ_ERROR:
        return 1;
    default:
        return 0;
    }
}

/* fake_add - an answer for (qname, qtype) with status st; returns its wire
 * (header and question written) for the caller to add RRs to. */
static inline struct wire *fake_add(struct fake *f, const char *qname,
                                    int qtype, enum dnsq_status st)
{
    struct fake_ent *e = &f->e[f->n++];

    memset(e, 0, sizeof(*e));
    snprintf(e->qname, sizeof(e->qname), "%s", qname);
    e->qtype = qtype;
    e->st = st;
    w_init(&e->w, rcode_of(st), qname, qtype);
    return &e->w;
}

static inline bool fake_lookup(void *arg, const char *qname, int qtype,
                               struct dns_result *out)
{
    struct fake *f = arg;
    struct fake_ent *e = NULL;

    f->lookups++;
    snprintf(f->last, sizeof(f->last), "%s", qname);
    for (size_t i = 0; i < f->n; i++)
        if (f->e[i].qtype == qtype && dnsname_eq(f->e[i].qname, qname))
            e = &f->e[i];
    if (e == NULL) {
        /* not in the zone: NXDOMAIN */
        struct wire *w = fake_add(f, qname, qtype, DNSQ_NXDOMAIN);

        if (strcmp(f->soa, "-") != 0)
            w_soa(w, f->soa, 3600, 300);
        e = &f->e[f->n - 1];
    }
    if (!e->fetched) {
        if (!e->requested)
            f->queries++;
        e->requested = true;
        return false;
    }
    out->status = e->st;
    out->msg = e->st == DNSQ_TIMEOUT ? NULL : e->w.b;
    out->len = e->st == DNSQ_TIMEOUT ? 0 : e->w.n;
    return true;
}

/* fake_round - fetch everything asked for; returns how many. */
static inline int fake_round(struct fake *f)
{
    int n = 0;

    for (size_t i = 0; i < f->n; i++)
        if (f->e[i].requested && !f->e[i].fetched) {
            f->e[i].fetched = true;
            n++;
        }
    return n;
}

/* fake_asked - was (qname, qtype) asked for at all? */
static inline bool fake_asked(const struct fake *f, const char *qname,
                              int qtype)
{
    for (size_t i = 0; i < f->n; i++)
        if (f->e[i].qtype == qtype && dnsname_eq(f->e[i].qname, qname))
            return f->e[i].requested || f->e[i].fetched;
    return false;
}

#endif
