/* SPDX-License-Identifier: MIT */
/*
 * advice - the report's "advice" table (and `heloval export advice`): one
 * row per registered domain (regdomain.h, the hv_p.domain column) of the
 * senders at risk, i.e. the (HELO, client IP) pairs the MTA accepted
 * (n_acc > 0) that CSV would reject or tempfail (a tempfail of a sender
 * whose DNS keeps failing delays its mail until it bounces: at risk too;
 * the verdict column tells the two apart: "reject" when any of the
 * domain's pairs is rejected, else "tempfail").
 *
 * Columns (stable, ADVICE_COLS):
 *   domain       the registered domain ("[192.0.2.1]", a bare name...: the
 *                HELO itself when it is not a domain name)
 *   helos, ips   the distinct HELOs as sent and client addresses of the
 *                at-risk pairs, sorted, comma-joined, at most ADVICE_LIST_MAX
 *                then "+N more"
 *   sessions     accepted sessions of those pairs; messages: their messages
 *   verdict      "reject" or "tempfail"
 *   reason       the distinct reason codes (hv_p.why: CSA reasons of
 *                csa.h, dna-not-recommended, dna-defer), most messages
 *                first, comma-joined
 *   explanation  one plain-English sentence per reason, naming its HELOs,
 *                and one naming the HELOs that get no record although
 *                their reason is a CSA one (not a queryable host name)
 *   records      the zone-file lines that make CSA authorise every at-risk
 *                pair whose reason a DNS record can fix, one per line
 *                ("\n"): for each such HELO name N (an FQDN, normalised, of at
 *                most 239 bytes so that _client._smtp.N can be queried),
 *                  _client._smtp.N. IN SRV 1 2 0 N.
 *                  N. IN A a      (AAAA for IPv6; an IPv4-mapped client: A)
 *                for every address a seen with N in an at-risk pair or in
 *                a pair the current CSA record already authorises (so
 *                that the replacement keeps those), sorted; SRV priority 1,
 *                weight 2 (authorised), port 0 (csv-spec.md, CSA-02 §3).
 *                Empty when no DNS record of the sender helps (DNA
 *                reasons, a HELO that is not a host name).
 *   evidence     source:line of the domain's first at-risk accepted
 *                session (the smallest session id, as at_risk's example)
 * Rows: most messages first, then sessions, then domain; at most top rows
 * (top < 0: all).
 */
#ifndef HV_ADVICE_H
#define HV_ADVICE_H

#include <sqlite3.h>

#include "report.h"

#define ADVICE_COLS                                                           \
    "domain,helos,ips,sessions,messages,verdict,reason,explanation,records,"  \
    "evidence"
#define ADVICE_TYPES "tttiittttt"
/* the names and addresses listed per cell before "+N more" */
#define ADVICE_LIST_MAX 5

/* advice_fill - the rows of the advice table t (made with ADVICE_COLS and
 * ADVICE_TYPES) from the report's work table temp.hv_p (report.c; it
 * holds only the pairs workrows.h names, which cover the at-risk pairs and
 * the observed FQDN pairs whose CSA status is ok that this reads) and the
 * read views (source paths of the evidence). HV_OK, or HV_EDB / HV_EWRITE
 * with a malloc'ed *err. */
int advice_fill(sqlite3 *db, struct rtable *t, int top, char **err);

/* advice_explain - the plain-English sentence for a reason code (static;
 * a generic one for a code it does not know). */
const char *advice_explain(const char *reason);

/* advice_name_key - into b (reset first), the bytes SQLite's
 * rtrim(lower(s), '.') gives for the n bytes at s: ASCII letters
 * lower-cased, every other byte kept, trailing dots dropped. The advice
 * matches HELO names by it. */
struct fmt_buf;
void advice_name_key(const char *s, size_t n, struct fmt_buf *b);

/* advice_fixable - whether a DNS record published by the sender can turn
 * this reason into a pass (CSA reasons but invalid-helo and no-helo). */
bool advice_fixable(const char *reason);

#endif
