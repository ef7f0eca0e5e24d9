/* SPDX-License-Identifier: MIT */
/*
 * workrows - which of the report's pairs its work table temp.hv_p must
 * hold, and the publishing coverage's domain figures worked out in C.
 *
 * Every table but a few is worked out from the pairs in C; the ones still
 * in SQL read hv_p only through these conditions (report.c, advice.c,
 * runs_report.c), so a pair that meets none of them changes no table and
 * is not written (the bench database: 460,000 pairs, 50,000 written):
 *   - at risk: verdict reject or tempfail with accepted sessions (at_risk,
 *     advice, sender_cohorts' current senders);
 *   - rescued: verdict accept with rejected sessions
 *     (mta_rejected_csv_accepted);
 *   - an FQDN HELO whose CSA status is ok, observed (advice: the addresses
 *     a record must cover);
 *   - accepted sessions of a domain some recorded run listed
 *     (sender_cohorts: fixed or absent);
 *   - a (HELO, IP) with a CSA change, a HELO with a DNA change (dns_drift).
 * The publishing coverage's "domains" row (distinct domains of resolved
 * FQDN pairs, and those with a pair that publishes) was a GROUP BY over
 * every pair: it is counted here instead.
 * When a set it loads would be large (over a quarter of the pairs and
 * over WORKROWS_MIN_CAP keys), or the load fails (the table's own query
 * then reports it), or
 * HV_REPORT_ALL_PAIRS is set in the environment (tests compare the two),
 * every pair is kept. Keys are compared byte for byte: a superset of the
 * SQL's BINARY equality, so no row a table reads is left out.
 * Owns its sets; the pairs it is shown are borrowed for the call.
 * Memory: the loaded keys and the distinct publishing domains.
 */
#ifndef HV_WORKROWS_H
#define HV_WORKROWS_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "keymap.h"
#include "pairinfo.h"

/* a set of at most this many keys is always loaded (a few hundred kB) */
#define WORKROWS_MIN_CAP 4096

/* one pair as the work table's row has it */
struct workpair {
    struct pval helo, ip;     /* COALESCE(helo,''), the client IP */
    bool unobs;               /* the log does not show the HELO */
    struct pval verdict;      /* hv_p.verdict */
    struct pval csa_status;   /* hv_p.csa_status (NULL: none) */
    const char *cls;          /* hv_p.cls (regdomain_helo_class) */
    struct pval domain;       /* hv_p.domain */
    long long n_acc, n_rej;   /* accepted and rejected sessions */
    bool publishes;           /* hv_p.publishes */
};

struct workrows {
    bool keep_all;
    struct keymap csa_changed;    /* length-prefixed HELO, then IP */
    struct keymap dna_changed;    /* HELO */
    struct keymap sender_domains; /* domains of recorded runs */
    struct keymap pub_domains;    /* resolved FQDN pairs' domains */
    unsigned char *pub;           /* per pub_domains key: one publishes */
    size_t pub_cap;
    size_t last_dom;              /* the last domain's index, or SIZE_MAX */
    long long domains, domains_publishing;
};

/* workrows_open - the sets of db's read views (rv_csa_changes,
 * rv_dna_changes, rv_run_senders) for a report of npairs pairs; never
 * fails (a failed or large load keeps every pair). */
void workrows_open(struct workrows *w, sqlite3 *db, size_t npairs);

/* workrows_keep - whether a table reads p from hv_p. */
bool workrows_keep(const struct workrows *w, const struct workpair *p);

/* workrows_count - p into the publishing domain figures (w->domains,
 * w->domains_publishing), as SELECT count(*), sum(p) FROM (SELECT domain,
 * max(publishes) AS p FROM hv_p WHERE cls = 'fqdn' AND csa_status IS NOT
 * NULL GROUP BY domain) over every pair gives them. */
void workrows_count(struct workrows *w, const struct workpair *p);

/* workrows_close - free everything (the figures stay). */
void workrows_close(struct workrows *w);

#endif
