/* SPDX-License-Identifier: MIT */
/*
 * dnsmsg - bounded parser of raw DNS messages (RFC 1035 §4.1, §4.1.4 name
 * compression; RFC 2782 SRV; RFC 3596 AAAA; RFC 2308 negative caching).
 * Every read is checked against the message length; compression pointers
 * must point strictly before the name that uses them, which also rules out
 * loops; a name is at most 255 octets in wire form.
 */
#include "dnsmsg.h"

#include <stdlib.h>
#include <string.h>

#include "ascii.h"
#include "xmem.h"

/* ==== arena: strings that live as long as the parsed message ==== */

struct dnsmsg_arena {
    struct dnsmsg_arena *next;
    size_t used, cap;
    char data[];
};

#define ARENA_CHUNK 8192

/* arena_alloc - n bytes from the message's arena (never fails: xmalloc). */
static char *arena_alloc(struct dnsmsg *m, size_t n)
{
    struct dnsmsg_arena *a = m->arena;

    if (a == NULL || a->cap - a->used < n) {
        size_t cap = n > ARENA_CHUNK ? n : ARENA_CHUNK;
        a = xmalloc(sizeof(*a) + cap);
        a->next = m->arena;
        a->used = 0;
        a->cap = cap;
        m->arena = a;
    }
    a->used += n;
    return a->data + a->used - n;
}

/* arena_strdup - copy of a NUL-terminated string into the arena. */
static const char *arena_strdup(struct dnsmsg *m, const char *s, size_t len)
{
    char *p = arena_alloc(m, len + 1);

    memcpy(p, s, len);
    p[len] = '\0';
    return p;
}

/* ==== reading primitives ==== */

struct rd {
    const unsigned char *msg;
    size_t len;
};

static uint16_t get16(const unsigned char *p)
{
    return (uint16_t)((p[0] << 8) | p[1]);
}

static uint32_t get32(const unsigned char *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) |
           ((uint32_t)p[2] << 8) | (uint32_t)p[3];
}

/* name_read - decode the name at *off (limit: end of the containing field)
 * into out (DNSMSG_NAME_MAX bytes) as lower-case presentation text without
 * the trailing dot; advances *off past the name as stored in place.
 * Returns 0 or DNSMSG_ETRUNC / DNSMSG_ENAME. */
static int name_read(const struct rd *r, size_t *off, size_t limit,
                     char out[DNSMSG_NAME_MAX])
{
    size_t pos = *off;       /* where we read now */
    size_t floor = *off;     /* pointers must point below this */
    size_t end = limit;      /* bound for the current segment */
    size_t wire = 0;         /* octets of the name in wire form */
    size_t o = 0;            /* bytes written to out */
    bool jumped = false;

    for (;;) {
        unsigned len;

        if (pos >= end)
            return DNSMSG_ETRUNC;
        len = r->msg[pos];
        if ((len & 0xC0) == 0xC0) {
            size_t target;

            if (pos + 1 >= end)
                return DNSMSG_ETRUNC;
            target = ((size_t)(len & 0x3F) << 8) | r->msg[pos + 1];
            /* RFC 1035 §4.1.4: a pointer to a prior occurrence. Strictly
             * backwards from the start of the segment that holds it, so a
             * chain always descends and cannot loop. */
            if (target >= floor)
                return DNSMSG_ENAME;
            if (!jumped) {
                *off = pos + 2;
                jumped = true;
            }
            floor = target;
            pos = target;
            end = r->len;
            continue;
        }
        if ((len & 0xC0) != 0)
            return DNSMSG_ENAME; /* 0x40/0x80: extended label types */
        wire += len + 1;
        if (wire > 255)
            return DNSMSG_ENAME;
        if (len == 0) {
            if (!jumped)
                *off = pos + 1;
            break;
        }
        if (pos + 1 + len > end)
            return DNSMSG_ETRUNC;
        if (o > 0)
            out[o++] = '.';
        for (unsigned i = 0; i < len; i++) {
            unsigned char c = r->msg[pos + 1 + i];

            if (c >= 'A' && c <= 'Z')
                c = (unsigned char)(c - 'A' + 'a');
            if (c <= 0x20 || c >= 0x7F || c == '.' || c == '\\') {
                /* \DDD: at most 4 bytes per octet, 255 octets < 1024 */
                out[o++] = '\\';
                out[o++] = (char)('0' + c / 100);
                out[o++] = (char)('0' + c / 10 % 10);
                out[o++] = (char)('0' + c % 10);
            } else {
                out[o++] = (char)c;
            }
        }
        pos += 1 + len;
    }
    out[o] = '\0';
    return 0;
}

/* name_dup - read a name and copy it into the arena. */
static int name_dup(struct dnsmsg *m, const struct rd *r, size_t *off,
                    size_t limit, const char **res)
{
    char buf[DNSMSG_NAME_MAX];
    int rc = name_read(r, off, limit, buf);

    if (rc < 0)
        return rc;
    *res = arena_strdup(m, buf, strlen(buf));
    return 0;
}

/* rdata_decode - decode the rdata of the types we use; sets rr->ok. Names
 * in rdata may be compressed (RFC 3597 §4 allows it for the RFC 1035 types
 * and SRV is often compressed in practice). */
static void rdata_decode(struct dnsmsg *m, const struct rd *r, size_t off,
                         struct dnsrr *rr)
{
    size_t end = off + rr->rdlen;
    size_t p = off;

    rr->ok = false;
    switch (rr->type) {
    case DNS_T_A:
        if (rr->rdlen != 4)
            return;
        memset(&rr->u.addr, 0, sizeof(rr->u.addr));
        rr->u.addr.family = 4;
        memcpy(rr->u.addr.b, r->msg + off, 4);
        break;
    case DNS_T_AAAA:
        if (rr->rdlen != 16)
            return;
        rr->u.addr.family = 6;
        memcpy(rr->u.addr.b, r->msg + off, 16);
        break;
    case DNS_T_SRV:
        /* Exactly 6 bytes: the three numbers and no target (NULL), read
         * as Exim reads them; longer: the target must be a well-formed
         * name filling the rest exactly. */
        if (rr->rdlen < 6)
            return;
        rr->u.srv.priority = get16(r->msg + off);
        rr->u.srv.weight = get16(r->msg + off + 2);
        rr->u.srv.port = get16(r->msg + off + 4);
        rr->u.srv.target = NULL;
        p = off + 6;
        if (p < end &&
            (name_dup(m, r, &p, end, &rr->u.srv.target) < 0 || p != end))
            return;
        break;
    case DNS_T_PTR:
    case DNS_T_CNAME:
    case DNS_T_NS:
        if (name_dup(m, r, &p, end, &rr->u.name) < 0 || p != end)
            return;
        break;
    case DNS_T_SOA:
        if (name_dup(m, r, &p, end, &rr->u.soa.mname) < 0 ||
            name_dup(m, r, &p, end, &rr->u.soa.rname) < 0 || end - p != 20)
            return;
        rr->u.soa.serial = get32(r->msg + p);
        rr->u.soa.refresh = get32(r->msg + p + 4);
        rr->u.soa.retry = get32(r->msg + p + 8);
        rr->u.soa.expire = get32(r->msg + p + 12);
        rr->u.soa.minimum = get32(r->msg + p + 16);
        break;
    case DNS_T_TXT: {
        char buf[DNSMSG_TXT_MAX];
        size_t n = 0;
        bool trunc = false;

        if (rr->rdlen == 0)
            return; /* at least one character-string (RFC 1035 §3.3.14) */
        while (p < end) {
            size_t l = r->msg[p];

            if (p + 1 + l > end)
                return;
            for (size_t i = 0; i < l; i++) {
                if (n < sizeof(buf) - 1)
                    buf[n++] = (char)r->msg[p + 1 + i];
                else
                    trunc = true;
            }
            p += 1 + l;
        }
        rr->u.txt.data = arena_strdup(m, buf, n);
        rr->u.txt.len = n;
        rr->u.txt.truncated = trunc;
        break;
    }
    default:
        return; /* kept undecoded */
    }
    rr->ok = true;
}

int dnsmsg_parse(const unsigned char *msg, size_t len, struct dnsmsg *out)
{
    struct rd r = { msg, len };
    size_t off = 12;
    size_t total;
    int rc;

    memset(out, 0, sizeof(*out));
    if (msg == NULL || len < 12)
        return DNSMSG_ETRUNC;
    out->id = get16(msg);
    out->flags = get16(msg + 2);
    out->qr = (out->flags & 0x8000) != 0;
    out->aa = (out->flags & 0x0400) != 0;
    out->tc = (out->flags & 0x0200) != 0;
    out->rd = (out->flags & 0x0100) != 0;
    out->ra = (out->flags & 0x0080) != 0;
    out->rcode = out->flags & 0x000F;
    out->qdcount = get16(msg + 4);
    out->ancount = get16(msg + 6);
    out->nscount = get16(msg + 8);
    out->arcount = get16(msg + 10);

    /* A question takes at least 5 bytes, an RR at least 11. */
    total = (size_t)out->ancount + out->nscount + out->arcount;
    if (total > DNSMSG_MAX_RR || out->qdcount > 1 ||
        12 + (size_t)out->qdcount * 5 + total * 11 > len)
        return DNSMSG_ECOUNT;

    if (out->qdcount == 1) {
        rc = name_dup(out, &r, &off, len, &out->qname);
        if (rc < 0)
            goto fail;
        if (off + 4 > len) {
            rc = DNSMSG_ETRUNC;
            goto fail;
        }
        out->qtype = get16(msg + off);
        out->qclass = get16(msg + off + 2);
        off += 4;
    }
    if (total > 0)
        out->rr = xcalloc(total, sizeof(*out->rr));
    for (size_t i = 0; i < total; i++) {
        struct dnsrr *rr = &out->rr[i];

        rr->section = i < out->ancount ? DNSMSG_AN
                      : i < (size_t)out->ancount + out->nscount ? DNSMSG_NS
                                                                 : DNSMSG_AR;
        rc = name_dup(out, &r, &off, len, &rr->owner);
        if (rc < 0)
            goto fail;
        if (off + 10 > len) {
            rc = DNSMSG_ETRUNC;
            goto fail;
        }
        rr->type = get16(msg + off);
        rr->rclass = get16(msg + off + 2);
        rr->ttl = get32(msg + off + 4);
        if (rr->ttl > 0x7FFFFFFFu)
            rr->ttl = 0; /* RFC 2181 §8: treat as zero */
        rr->rdlen = get16(msg + off + 8);
        off += 10;
        if (off + rr->rdlen > len) {
            rc = DNSMSG_ETRUNC;
            goto fail;
        }
        rr->rdata = msg + off;
        rdata_decode(out, &r, off, rr);
        off += rr->rdlen;
        out->nrr++;
    }
    return 0;
fail:
    dnsmsg_free(out);
    return rc;
}

void dnsmsg_free(struct dnsmsg *m)
{
    struct dnsmsg_arena *a;

    if (m == NULL)
        return;
    a = m->arena;
    while (a != NULL) {
        struct dnsmsg_arena *next = a->next;
        free(a);
        a = next;
    }
    free(m->rr);
    memset(m, 0, sizeof(*m));
}

const char *dnsmsg_strerror(int err)
{
    switch (err) {
    case 0:
        return "ok";
    case DNSMSG_ETRUNC:
        return "message truncated";
    case DNSMSG_ECOUNT:
        return "record counts impossible for the message length";
    case DNSMSG_ENAME:
        return "bad name (label type, pointer or length)";
    default:
        return "unknown error";
    }
}

static const char *const status_names[] = {
    "ok", "nodata", "nxdomain", "servfail", "refused", "timeout", "error",
};

const char *dnsq_status_name(enum dnsq_status st)
{
    if ((unsigned)st >= sizeof(status_names) / sizeof(status_names[0]))
        return "error";
    return status_names[st];
}

enum dnsq_status dnsq_status_from_name(const char *name)
{
    if (name != NULL)
        for (size_t i = 0; i < sizeof(status_names) / sizeof(status_names[0]);
             i++)
            if (strcmp(name, status_names[i]) == 0)
                return (enum dnsq_status)i;
    return DNSQ_ERROR;
}

bool dnsname_eq(const char *a, const char *b)
{
    size_t la, lb;

    if (a == NULL || b == NULL)
        return false;
    la = strlen(a);
    lb = strlen(b);
    if (la > 0 && a[la - 1] == '.' && !(la > 1 && a[la - 2] == '\\'))
        la--;
    if (lb > 0 && b[lb - 1] == '.' && !(lb > 1 && b[lb - 2] == '\\'))
        lb--;
    if (la != lb)
        return false;
    for (size_t i = 0; i < la; i++)
        if (to_lower((unsigned char)a[i]) != to_lower((unsigned char)b[i]))
            return false;
    return true;
}

size_t dnsmsg_find(const struct dnsmsg *m, const char *qname, int qtype,
                   const struct dnsrr **out, size_t max)
{
    const char *cur = qname;
    size_t found = 0;

    if (m == NULL || qname == NULL)
        return 0;
    for (int hop = 0; hop <= DNSMSG_CNAME_HOPS; hop++) {
        const char *next = NULL;

        for (size_t i = 0; i < m->nrr; i++) {
            const struct dnsrr *rr = &m->rr[i];

            if (rr->section != DNSMSG_AN || rr->rclass != DNS_C_IN ||
                !dnsname_eq(rr->owner, cur))
                continue;
            if (rr->type == qtype) {
                if (found < max)
                    out[found] = rr;
                found++;
            } else if (rr->type == DNS_T_CNAME && rr->ok && next == NULL) {
                next = rr->u.name;
            }
        }
        if (found > 0 || next == NULL || qtype == DNS_T_CNAME)
            break;
        cur = next;
    }
    return found;
}

enum dnsq_status dnsmsg_status(const struct dnsmsg *m, const char *qname,
                               int qtype)
{
    if (m == NULL || !m->qr)
        return DNSQ_ERROR;
    if (qname != NULL) {
        if (m->qdcount != 1 || !dnsname_eq(m->qname, qname) ||
            m->qtype != qtype)
            return DNSQ_ERROR;
    } else {
        qname = m->qname;
        if (qname == NULL)
            return DNSQ_ERROR;
    }
    switch (m->rcode) {
    case DNS_R_NOERROR:
        if (dnsmsg_find(m, qname, qtype, NULL, 0) > 0)
            return DNSQ_OK;
        return m->tc ? DNSQ_ERROR : DNSQ_NODATA;
    case DNS_R_NXDOMAIN:
        return DNSQ_NXDOMAIN;
    case DNS_R_SERVFAIL:
        return DNSQ_SERVFAIL;
    case DNS_R_REFUSED:
        return DNSQ_REFUSED;
    default:
        return DNSQ_ERROR;
    }
}

const char *dnsmsg_soa_owner(const struct dnsmsg *m)
{
    if (m == NULL)
        return NULL;
    for (size_t i = 0; i < m->nrr; i++)
        if (m->rr[i].section == DNSMSG_NS && m->rr[i].type == DNS_T_SOA)
            return m->rr[i].owner;
    return NULL;
}

uint32_t dnsmsg_cache_ttl(const struct dnsmsg *m, enum dnsq_status st)
{
    uint32_t ttl = 0;
    bool any = false;

    if (m == NULL)
        return 0;
    for (size_t i = 0; i < m->nrr; i++) {
        const struct dnsrr *rr = &m->rr[i];
        uint32_t t;

        if (st == DNSQ_OK) {
            if (rr->section != DNSMSG_AN)
                continue;
            t = rr->ttl;
        } else if (st == DNSQ_NODATA || st == DNSQ_NXDOMAIN) {
            /* RFC 2308 §5: the smaller of the SOA's TTL and MINIMUM */
            if (rr->section != DNSMSG_NS || rr->type != DNS_T_SOA || !rr->ok)
                continue;
            t = rr->ttl < rr->u.soa.minimum ? rr->ttl : rr->u.soa.minimum;
        } else {
            return 0;
        }
        if (!any || t < ttl)
            ttl = t;
        any = true;
    }
    return ttl;
}
