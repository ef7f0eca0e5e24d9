/* SPDX-License-Identifier: MIT */
/*
 * zonefile - offline DNS answers (--dns-zone FILE) from RFC 1035 master
 * files, as dig prints them ($ORIGIN, $TTL, comments; one or several zones
 * per file), parsed with ldns. Every SOA record starts a zone whose apex is
 * its owner; a record belongs to the zone with the longest apex that
 * contains it (records outside every SOA go to an implicit root zone with
 * no SOA). Answers are real wire messages built with ldns (ldns_pkt,
 * ldns_pkt2wire) as an authoritative server would send them:
 *   - RRs of the asked type at the name: NOERROR, AA, answer section;
 *     A/AAAA of SRV targets found in the zones go to the additional
 *     section;
 *   - a CNAME at the name: the CNAME, followed inside the zones (8 hops);
 *   - the name exists (or is an empty non-terminal) without that type:
 *     NODATA, the zone's SOA in the authority section;
 *   - a wildcard "*.<closest encloser>" is synthesised (RFC 4592);
 *   - otherwise NXDOMAIN with the zone's SOA in the authority section.
 * Names are compared case-insensitively. $INCLUDE is refused. Not
 * thread-safe while loading; answering is read-only.
 */
#ifndef HV_ZONEFILE_H
#define HV_ZONEFILE_H

#include <stddef.h>

struct zonefile;

/* zonefile_new - an empty set of zones. */
struct zonefile *zonefile_new(void);

/* zonefile_load - add the zones of one master file. 0, or -1 with
 * "FILE:LINE: reason" in *err (malloc'ed); the set is unchanged then. */
int zonefile_load(struct zonefile *zf, const char *path, char **err);

/* zonefile_free - release everything; NULL is a no-op. */
void zonefile_free(struct zonefile *zf);

/* zonefile_answer - the answer to (qname, qtype) (qname: presentation
 * form, trailing dot optional). Returns 1 with a malloc'ed wire message in
 * *wire / *len (caller frees), 0 when qname lies outside every loaded zone
 * (nothing allocated), -1 when ldns cannot build the message. */
int zonefile_answer(struct zonefile *zf, const char *qname, int qtype,
                    unsigned char **wire, size_t *len);

/* zonefile_records / zonefile_zones - what was loaded. */
size_t zonefile_records(const struct zonefile *zf);
size_t zonefile_zones(struct zonefile *zf);

#endif
