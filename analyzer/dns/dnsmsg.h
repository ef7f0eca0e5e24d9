/* SPDX-License-Identifier: MIT */
/*
 * dnsmsg - a bounded, defensive parser of raw DNS messages as received from
 * the wire (RFC 1035 §4, RFC 2782 SRV, RFC 3596 AAAA), plus the interface
 * between the DNS transport and the pure CSA/DNA evaluators (csa.h, dna.h).
 * Messages are hostile: compression pointers must point strictly backwards,
 * names are at most 255 octets, counts larger than the message and more than
 * DNSMSG_MAX_RR records are errors. An RR whose rdata does not decode is
 * kept with ok == false (framing is still sound); only framing errors fail
 * the whole message. No network, no allocation beyond one message's arena.
 */
#ifndef HV_DNSMSG_H
#define HV_DNSMSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "netaddr.h"

/* RR types and the class used here. */
#define DNS_T_A 1
#define DNS_T_NS 2
#define DNS_T_CNAME 5
#define DNS_T_SOA 6
#define DNS_T_PTR 12
#define DNS_T_TXT 16
#define DNS_T_AAAA 28
#define DNS_T_SRV 33
#define DNS_C_IN 1

/* RCODEs (RFC 1035 §4.1.1). */
#define DNS_R_NOERROR 0
#define DNS_R_FORMERR 1
#define DNS_R_SERVFAIL 2
#define DNS_R_NXDOMAIN 3
#define DNS_R_NOTIMP 4
#define DNS_R_REFUSED 5

#define DNSMSG_MAX_RR 512    /* answer+authority+additional records kept */
#define DNSMSG_NAME_MAX 1024 /* presentation name incl. NUL (escapes) */
#define DNSMSG_TXT_MAX 4096  /* joined TXT bytes kept (longer: truncated) */
#define DNSMSG_CNAME_HOPS 8  /* CNAME chain followed inside one message */

/* Outcome of one query, as the cache stores it (dns_cache.status). */
enum dnsq_status {
    DNSQ_OK,       /* NOERROR with an answer of the asked type */
    DNSQ_NODATA,   /* NOERROR, name exists, no RR of that type */
    DNSQ_NXDOMAIN, /* the name does not exist */
    DNSQ_SERVFAIL,
    DNSQ_REFUSED,
    DNSQ_TIMEOUT,  /* no answer at all (set by the transport) */
    DNSQ_ERROR     /* anything else: FORMERR, bad message, truncated ... */
};

/* dnsq_status_name - "ok","nodata","nxdomain","servfail","refused",
 * "timeout","error" (static string; "error" for out-of-range values). */
const char *dnsq_status_name(enum dnsq_status st);

/* dnsq_status_from_name - the inverse; DNSQ_ERROR for unknown text. */
enum dnsq_status dnsq_status_from_name(const char *name);

/* Message sections. */
enum dnsmsg_section { DNSMSG_AN = 1, DNSMSG_NS = 2, DNSMSG_AR = 3 };

/* One resource record. Strings point into the message's arena (valid until
 * dnsmsg_free); names are lower-cased presentation form without the
 * trailing dot ("" for the root), bytes outside [!-~] and '.' or '\' inside
 * a label escaped as \DDD. */
struct dnsrr {
    enum dnsmsg_section section;
    const char *owner;
    uint16_t type;
    uint16_t rclass;
    uint32_t ttl;
    uint16_t rdlen;
    const unsigned char *rdata; /* into the parsed buffer (borrowed) */
    bool ok;                    /* rdata decoded (for the types below) */
    union {
        struct {
            uint16_t priority, weight, port;
            const char *target; /* "" = "."; NULL: none (rdata of
                                   exactly 6 bytes) */
        } srv;
        struct hv_addr addr; /* A, AAAA */
        struct {
            const char *data; /* all character-strings joined, NUL-ended */
            size_t len;       /* bytes in data (may contain NULs) */
            bool truncated;   /* more than DNSMSG_TXT_MAX bytes */
        } txt;
        const char *name; /* PTR, CNAME, NS */
        struct {
            const char *mname, *rname;
            uint32_t serial, refresh, retry, expire, minimum;
        } soa;
    } u;
};

struct dnsmsg_arena; /* private */

/* A parsed message. Fill with dnsmsg_parse, release with dnsmsg_free. */
struct dnsmsg {
    uint16_t id;
    uint16_t flags;   /* the whole second header word */
    int rcode;        /* 4-bit RCODE */
    bool qr, aa, tc, rd, ra;
    uint16_t qdcount, ancount, nscount, arcount; /* as in the header */
    const char *qname;  /* first question (NULL when qdcount == 0) */
    uint16_t qtype, qclass;
    struct dnsrr *rr;   /* ancount+nscount+arcount records, in order */
    size_t nrr;
    struct dnsmsg_arena *arena;
};

/* Errors from dnsmsg_parse. */
#define DNSMSG_ETRUNC (-1)   /* message ends inside a field */
#define DNSMSG_ECOUNT (-2)   /* counts impossible for the length, or > max */
#define DNSMSG_ENAME (-3)    /* bad label, pointer loop/forward, > 255 */

/* dnsmsg_parse - parse len bytes of msg into *out. msg is borrowed and must
 * outlive *out (rdata points into it). Bytes after the last RR are
 * ignored. Returns 0, or a negative DNSMSG_E*
 * (then *out holds nothing to free, but dnsmsg_free on it is harmless). */
int dnsmsg_parse(const unsigned char *msg, size_t len, struct dnsmsg *out);

/* dnsmsg_free - release the arena and the RR array; the struct is zeroed.
 * Safe on a zeroed or failed struct. */
void dnsmsg_free(struct dnsmsg *m);

/* dnsmsg_strerror - text for a DNSMSG_E* code. */
const char *dnsmsg_strerror(int err);

/* dnsname_eq - case-insensitive comparison of two names in presentation
 * form, ignoring one trailing dot on either side ("A.b." == "a.B"). */
bool dnsname_eq(const char *a, const char *b);

/* dnsmsg_find - the answer-section RRs of type qtype (class IN) for qname,
 * following a CNAME chain inside the message (at most DNSMSG_CNAME_HOPS).
 * Stores up to max pointers (borrowed) in out and returns how many matched
 * in total (may be > max). qtype DNS_T_CNAME finds the CNAME itself. */
size_t dnsmsg_find(const struct dnsmsg *m, const char *qname, int qtype,
                   const struct dnsrr **out, size_t max);

/* dnsmsg_status - the outcome for (qname, qtype): NOERROR with a matching
 * answer (CNAMEs followed) -> DNSQ_OK; NOERROR without -> DNSQ_NODATA (but a
 * truncated (TC) one -> DNSQ_ERROR); NXDOMAIN; SERVFAIL; REFUSED; any other
 * rcode, a response without QR, or a question that is not (qname, qtype)
 * -> DNSQ_ERROR. qname may be NULL to skip the question check (then the
 * message's own question name is used). */
enum dnsq_status dnsmsg_status(const struct dnsmsg *m, const char *qname,
                               int qtype);

/* dnsmsg_cache_ttl - how long the answer may be cached: DNSQ_OK -> the
 * smallest TTL of the answer-section RRs; DNSQ_NODATA/DNSQ_NXDOMAIN -> the
 * smaller of the authority SOA's TTL and its MINIMUM (RFC 2308 §5); 0 when
 * there is nothing to go by (no SOA, failures): the caller uses a default. */
uint32_t dnsmsg_cache_ttl(const struct dnsmsg *m, enum dnsq_status st);

/* dnsmsg_soa_owner - owner of the first SOA in the authority section
 * (borrowed), or NULL. */
const char *dnsmsg_soa_owner(const struct dnsmsg *m);

/* ==== the interface between transport and evaluators ==== */

/* What is known about one (qname, qtype). msg/len: the raw answer
 * (borrowed, valid during the evaluator call); required for DNSQ_OK,
 * optional for DNSQ_NXDOMAIN/DNSQ_NODATA (used for the SOA and TTL), NULL
 * for TIMEOUT and most failures. */
struct dns_result {
    enum dnsq_status status;
    const unsigned char *msg;
    size_t len;
};

/* dns_lookup_fn - answer for (qname, qtype) when known: fill *out and
 * return true. Return false when not fetched yet: the caller records the
 * miss, fetches it and calls the evaluator again later. qname is
 * lower-case and has no trailing dot. */
typedef bool (*dns_lookup_fn)(void *arg, const char *qname, int qtype,
                              struct dns_result *out);

/* Evaluator return values (csa_evaluate, dna_evaluate). */
enum { EVAL_DONE = 0, EVAL_PENDING = 1 };

#endif
