/* SPDX-License-Identifier: MIT */
/*
 * advice - the advice table (contract in advice.h). Two reads of the work
 * table: first the addresses of the HELO names of at-risk pairs (what
 * their records must cover), then the at-risk pairs ordered by domain,
 * grouped here one domain at a time (so memory holds one domain's sets,
 * the addresses and the finished rows); the rows are sorted in C and
 * appended to the table.
 */
#include "advice.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "fmt.h"
#include "heloname.h"
#include "keymap.h"
#include "rptsql.h"
#include "xmem.h"

/* the at-risk pairs, grouped by domain */
static const char sql_pairs[] =
    "SELECT p.domain, p.helo, p.ip, p.n_acc, p.m, p.verdict,"
    " COALESCE(p.why,''), p.cls, p.ex_acc"
    " FROM temp.hv_p p"
    " WHERE p.verdict IN ('reject','tempfail') AND p.n_acc > 0 AND NOT p.unobs"
    " ORDER BY p.domain, p.helo, p.ip";

/* the evidence of a domain: its example session's source:line (the read
 * view of sources). A session's id is source_id << 32 | line (schema.c):
 * its source's path and its line without reading the session. Asked only
 * for the example a domain keeps, not for every pair. */
static const char sql_evidence[] =
    "SELECT src.path || ':' || (?1 & 4294967295) FROM rv_sources src"
    " WHERE src.id = ?1 >> 32";

/* the addresses a record must cover: of the HELO names (lower-cased, no
 * trailing dot: helo_norm_name's form for an FQDN) of at-risk pairs, the
 * at-risk pairs and the pairs the current CSA record authorises. The
 * names are matched in C (advice_name_key), as
 *   ... AND rtrim(lower(helo),'.') IN (SELECT rtrim(lower(helo),'.')
 *   FROM temp.hv_p WHERE cls = 'fqdn' AND AT_RISK)
 * would: SQLite's look-ups in the list took most of the advice's time. */
#define AT_RISK "n_acc > 0 AND verdict IN ('reject','tempfail') AND NOT unobs"
static const char sql_risk_names[] =
    "SELECT helo FROM temp.hv_p WHERE cls = 'fqdn' AND " AT_RISK;
static const char sql_addrs[] =
    "SELECT helo, ip FROM temp.hv_p WHERE cls = 'fqdn' AND NOT unobs AND"
    " (csa_status = 'ok' OR (" AT_RISK "))";

static const struct {
    const char *code;
    bool fixable;
    const char *text;
} reasons[] = {
    {"no-record", true,
     "publishes no CSA record (no SRV at _client._smtp.<HELO>); mail under a"
     " policy that rejects unknown CSA is refused"},
    {"not-authorized", true,
     "the CSA SRV record says this host is not authorised to send mail"
     " (weight 1); publish weight 2 instead"},
    {"explicit-required", true,
     "a parent domain's CSA record requires every host to publish its own"
     " record (Explicit bit), and this HELO name has none"},
    {"no-addresses", true,
     "the CSA SRV record authorises a target that has no address of the"
     " client's family (or no target)"},
    {"mismatch", true,
     "the SRV target's addresses do not include the client address"},
    {"weight-3", true,
     "the CSA SRV record has weight 3 (authorisation unknown), which this"
     " policy refuses"},
    {"unusable-record", true,
     "the CSA SRV records are unusable (priority other than 1, weight over"
     " 3, or short data)"},
    {"srv-lookup-failed", true,
     "the DNS query for the CSA SRV record failed (timeout or server"
     " error): the mail is deferred until the domain's name servers answer"},
    {"addr-lookup-failed", true,
     "the lookup of the SRV target's addresses failed: the mail is deferred"
     " until the name servers answer"},
    {"invalid-helo", false,
     "the HELO is not a domain name, so CSA cannot vouch for it: configure"
     " the MTA to greet with its fully-qualified host name"},
    {"no-helo", false,
     "the client sent no HELO: configure the MTA to greet with its"
     " fully-qualified host name"},
    {"dna-not-recommended", false,
     "the DNA accreditation service rates this domain not recommended; no"
     " record of the sender changes that: ask the accreditor"},
    {"dna-defer", false,
     "the DNA accreditation lookup failed: the mail is deferred until the"
     " accreditation service answers"},
    {"authorized", false,
     "CSA authorises this host; the policy refuses it for another reason"},
};
#define NREASONS (sizeof(reasons) / sizeof(reasons[0]))

const char *advice_explain(const char *reason)
{
    for (size_t i = 0; reason != NULL && i < NREASONS; i++)
        if (strcmp(reasons[i].code, reason) == 0)
            return reasons[i].text;
    return "CSV refuses this sender for this reason (see the csa and dna"
           " tables)";
}

bool advice_fixable(const char *reason)
{
    for (size_t i = 0; reason != NULL && i < NREASONS; i++)
        if (strcmp(reasons[i].code, reason) == 0)
            return reasons[i].fixable;
    return false;
}

/* one reason of a domain: its messages and sessions and its HELOs */
struct areason {
    long long m, n;
    struct keymap helos;
};

/* the domain being grouped */
struct adom {
    char *domain;
    size_t dn;
    struct keymap helos, ips, reasons, names; /* names: records to make */
    struct keymap nonhost; /* HELOs that are not host names (no record) */
    struct areason *r;
    size_t rcap;
    long long n, m, ex;
    bool reject;
    char *evidence;
};

/* a finished row */
struct arow {
    char *cell[10];
    size_t len[10];
    long long n, m;
};

struct actx {
    struct keymap allnames; /* the names of sql_addrs */
    struct keymap nameips;  /* name index (4 bytes) + address */
    size_t *first;          /* per name: its addresses are addr[first[i] ..
                             * first[i + 1]), sorted (index_addrs) */
    const char **addr;
};

/* adom_init - an empty group for domain (n bytes). */
static void adom_init(struct adom *d, const char *domain, size_t n)
{
    memset(d, 0, sizeof(*d));
    d->domain = xmemdup0(domain, n);
    d->dn = n;
    d->ex = -1;
    keymap_init(&d->helos);
    keymap_init(&d->ips);
    keymap_init(&d->reasons);
    keymap_init(&d->names);
    keymap_init(&d->nonhost);
}

/* adom_free - release d. */
static void adom_free(struct adom *d)
{
    for (size_t i = 0; i < keymap_count(&d->reasons); i++)
        keymap_free(&d->r[i].helos);
    free(d->r);
    keymap_free(&d->helos);
    keymap_free(&d->ips);
    keymap_free(&d->reasons);
    keymap_free(&d->names);
    keymap_free(&d->nonhost);
    free(d->domain);
    free(d->evidence);
}

/* text_of - column i of q as (s, n), "" for NULL. */
static const char *text_of(sqlite3_stmt *q, int i, size_t *n)
{
    const char *s = (const char *)sqlite3_column_text(q, i);
    *n = s != NULL ? (size_t)sqlite3_column_bytes(q, i) : 0;
    return s != NULL ? s : "";
}

/* set_evidence - d's evidence: the text sql_evidence (ev) makes of
 * session id, "" when it makes none. HV_OK, or HV_EDB / HV_EWRITE. */
static int set_evidence(sqlite3 *db, struct adom *d, sqlite3_stmt *ev, long long id,
                        char **err)
{
    sqlite3_reset(ev);
    sqlite3_bind_int64(ev, 1, id);
    int st = sqlite3_step(ev);
    size_t en = 0;
    const char *text = st == SQLITE_ROW ? text_of(ev, 0, &en) : "";
    free(d->evidence);
    d->evidence = xmemdup0(text, en);
    d->ex = id;
    if (st == SQLITE_ROW)
        st = sqlite3_step(ev);
    return rpt_step_done(db, st, "advice query failed", err);
}

/* adom_add - one at-risk pair (a row of sql_pairs) into d; ev looks up
 * the evidence of a new example. HV_OK, or HV_EDB / HV_EWRITE. */
static int adom_add(sqlite3 *db, struct adom *d, sqlite3_stmt *q, sqlite3_stmt *ev,
                    char **err)
{
    int rc = HV_OK;
    size_t hn, in, vn, wn, cn;
    const char *helo = text_of(q, 1, &hn);
    const char *ip = text_of(q, 2, &in);
    const char *verdict = text_of(q, 5, &vn);
    const char *why = text_of(q, 6, &wn);
    const char *cls = text_of(q, 7, &cn);
    long long n = sqlite3_column_int64(q, 3), m = sqlite3_column_int64(q, 4);
    d->n += n;
    d->m += m;
    if (vn == 6 && memcmp(verdict, "reject", 6) == 0)
        d->reject = true;
    keymap_intern(&d->helos, helo, hn, NULL);
    keymap_intern(&d->ips, ip, in, NULL);
    bool added;
    size_t ri = keymap_intern(&d->reasons, why, wn, &added);
    if (added) {
        if (ri >= d->rcap) {
            d->rcap = d->rcap ? 2 * d->rcap : 4;
            d->r = xrealloc(d->r, d->rcap * sizeof(*d->r));
        }
        memset(&d->r[ri], 0, sizeof(d->r[ri]));
        keymap_init(&d->r[ri].helos);
    }
    d->r[ri].m += m;
    d->r[ri].n += n;
    keymap_intern(&d->r[ri].helos, helo, hn, NULL);
    if (sqlite3_column_type(q, 8) != SQLITE_NULL &&
        (d->ex < 0 || sqlite3_column_int64(q, 8) < d->ex))
        rc = set_evidence(db, d, ev, sqlite3_column_int64(q, 8), err);
    /* a host name whose reason a record can fix gets records */
    char norm[HELO_NAME_MAX];
    char *why0 = xmemdup0(why, wn);
    /* the SRV name must be queryable: "_client._smtp." + name <= 253 */
    if (cn == 4 && memcmp(cls, "fqdn", 4) == 0 && strlen(helo) == hn &&
        advice_fixable(why0) && helo_norm_name(helo, norm, sizeof(norm)) &&
        strlen(norm) <= 253 - (sizeof("_client._smtp.") - 1)) {
        keymap_intern(&d->names, norm, strlen(norm), NULL);
    } else if (advice_fixable(why0)) {
        keymap_intern(&d->nonhost, helo, hn, NULL);
    }
    free(why0);
    return rc;
}

/* str_cmp - qsort of const char * by strcmp. */
static int str_cmp(const void *pa, const void *pb)
{
    const char *const *a = pa, *const *b = pb;
    return strcmp(*a, *b);
}

/* sorted_keys - the keys of m, sorted (array malloc'ed, keys borrowed). */
static const char **sorted_keys(const struct keymap *m)
{
    size_t n = keymap_count(m);
    const char **v = xcalloc(n + 1, sizeof(*v));
    for (size_t i = 0; i < n; i++)
        v[i] = keymap_key(m, i, NULL);
    qsort(v, n, sizeof(*v), str_cmp);
    return v;
}

/* put_list - the sorted keys of m, comma-joined, at most max of them, then
 * " +N more", into b. */
static void put_list(struct fmt_buf *b, const struct keymap *m, size_t max)
{
    const char **v = sorted_keys(m);
    size_t n = keymap_count(m);
    for (size_t i = 0; i < n && i < max; i++) {
        if (i > 0)
            fmt_buf_puts(b, ", ");
        fmt_buf_puts(b, v[i]);
    }
    if (n > max)
        fmt_buf_printf(b, " +%zu more", n - max);
    free(v);
}

/* reason_order - the reasons of d by messages, sessions (descending), then
 * code (malloc'ed array of indexes). */
static const struct adom *order_dom;
static int reason_cmp(const void *pa, const void *pb)
{
    size_t a = *(const size_t *)pa, b = *(const size_t *)pb;
    const struct areason *ra = &order_dom->r[a], *rb = &order_dom->r[b];
    if (ra->m != rb->m)
        return ra->m > rb->m ? -1 : 1;
    if (ra->n != rb->n)
        return ra->n > rb->n ? -1 : 1;
    return strcmp(keymap_key(&order_dom->reasons, a, NULL),
                  keymap_key(&order_dom->reasons, b, NULL));
}
static size_t *reason_order(const struct adom *d)
{
    size_t n = keymap_count(&d->reasons);
    size_t *o = xcalloc(n + 1, sizeof(*o));
    for (size_t i = 0; i < n; i++)
        o[i] = i;
    order_dom = d;
    qsort(o, n, sizeof(*o), reason_cmp);
    order_dom = NULL;
    return o;
}

/* index_addrs - a->first and a->addr from a->nameips: each name's
 * addresses together (a counting sort by name), sorted. */
static void index_addrs(struct actx *a)
{
    size_t nn = keymap_count(&a->allnames), n = keymap_count(&a->nameips);
    a->first = xcalloc(nn + 2, sizeof(*a->first));
    a->addr = xcalloc(n + 1, sizeof(*a->addr));
    for (size_t i = 0; i < n; i++) {
        uint32_t idx;
        memcpy(&idx, keymap_key(&a->nameips, i, NULL), sizeof(idx));
        a->first[idx + 1]++;
    }
    for (size_t i = 0; i < nn; i++)
        a->first[i + 1] += a->first[i];
    size_t *fill = xcalloc(nn + 1, sizeof(*fill));
    for (size_t i = 0; i < n; i++) {
        const char *key = keymap_key(&a->nameips, i, NULL);
        uint32_t idx;
        memcpy(&idx, key, sizeof(idx));
        a->addr[a->first[idx] + fill[idx]++] = key + sizeof(idx);
    }
    free(fill);
    for (size_t i = 0; i < nn; i++)
        qsort(a->addr + a->first[i], a->first[i + 1] - a->first[i],
              sizeof(*a->addr), str_cmp);
}

/* put_records - the zone-file lines for name (number ni of a->allnames;
 * its addresses by index_addrs), one per line, into b. */
static void put_records(struct fmt_buf *b, const struct actx *a,
                        const char *name, size_t ni)
{
    const char **v = a->addr + a->first[ni];
    size_t k = a->first[ni + 1] - a->first[ni];
    if (b->len > 0)
        fmt_buf_puts(b, "\n");
    fmt_buf_printf(b, "_client._smtp.%s. IN SRV 1 2 0 %s.", name, name);
    for (size_t i = 0; i < k; i++) {
        unsigned char bin[16];
        char txt[INET6_ADDRSTRLEN];
        if (inet_pton(AF_INET, v[i], bin) == 1) {
            inet_ntop(AF_INET, bin, txt, sizeof(txt));
            fmt_buf_printf(b, "\n%s. IN A %s", name, txt);
        } else if (inet_pton(AF_INET6, v[i], bin) == 1) {
            /* a mapped client is IPv4 to CSA (csa.h) */
            static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0,
                                                     0, 0, 0, 0, 0xff, 0xff};
            if (memcmp(bin, mapped, 12) == 0) {
                inet_ntop(AF_INET, bin + 12, txt, sizeof(txt));
                fmt_buf_printf(b, "\n%s. IN A %s", name, txt);
            } else {
                inet_ntop(AF_INET6, bin, txt, sizeof(txt));
                fmt_buf_printf(b, "\n%s. IN AAAA %s", name, txt);
            }
        }
    }
}

/* adom_row - the finished row of d (records made once the addresses are
 * known: a->nameips is filled). */
static void adom_row(struct actx *a, const struct adom *d, struct arow *row)
{
    struct fmt_buf b;
    fmt_buf_init(&b);
    memset(row, 0, sizeof(*row));
    row->n = d->n;
    row->m = d->m;
    for (int c = 0; c < 10; c++) {
        fmt_buf_reset(&b);
        switch (c) {
        case 0: fmt_buf_add(&b, d->domain, d->dn); break;
        case 1: put_list(&b, &d->helos, ADVICE_LIST_MAX); break;
        case 2: put_list(&b, &d->ips, ADVICE_LIST_MAX); break;
        case 5: fmt_buf_puts(&b, d->reject ? "reject" : "tempfail"); break;
        case 6:
        case 7: {
            size_t *o = reason_order(d);
            for (size_t i = 0; i < keymap_count(&d->reasons); i++) {
                const char *code = keymap_key(&d->reasons, o[i], NULL);
                if (c == 6) {
                    fmt_buf_puts(&b, i > 0 ? "," : "");
                    fmt_buf_puts(&b, code);
                    continue;
                }
                fmt_buf_puts(&b, i > 0 ? " " : "");
                fmt_buf_puts(&b, "HELO ");
                put_list(&b, &d->r[o[i]].helos, 3);
                fmt_buf_printf(&b, ": %s.", advice_explain(code));
            }
            free(o);
            if (c == 7 && keymap_count(&d->nonhost) > 0) {
                fmt_buf_puts(&b, " HELO ");
                put_list(&b, &d->nonhost, 3);
                fmt_buf_puts(&b, ": not a host name CSA can look up (an address,"
                                 " or an invalid or overlong name), so no record"
                                 " is offered: greet with the host's"
                                 " fully-qualified name and publish its records.");
            }
            break;
        }
        case 8: {
            const char **names = sorted_keys(&d->names);
            for (size_t i = 0; i < keymap_count(&d->names); i++) {
                size_t ni;
                if (keymap_find(&a->allnames, names[i], strlen(names[i]), &ni))
                    put_records(&b, a, names[i], ni);
            }
            free(names);
            break;
        }
        case 9:
            fmt_buf_puts(&b, d->evidence != NULL ? d->evidence : "");
            break;
        default: continue; /* the counts */
        }
        row->cell[c] = xmemdup0(b.p != NULL ? b.p : "", b.len);
        row->len[c] = b.len;
    }
    fmt_buf_free(&b);
}

/* arow_cmp - messages, sessions descending, then domain. */
static int arow_cmp(const void *pa, const void *pb)
{
    const struct arow *a = pa, *b = pb;
    if (a->m != b->m)
        return a->m > b->m ? -1 : 1;
    if (a->n != b->n)
        return a->n > b->n ? -1 : 1;
    return strcmp(a->cell[0], b->cell[0]);
}

void advice_name_key(const char *s, size_t n, struct fmt_buf *b)
{
    while (n > 0 && s[n - 1] == '.')
        n--;
    fmt_buf_reset(b);
    fmt_buf_add(b, s, n);
    for (size_t i = 0; i < n; i++)
        if (b->p[i] >= 'A' && b->p[i] <= 'Z')
            b->p[i] = (char)(b->p[i] - 'A' + 'a');
}

/* risk_names - the name keys (advice_name_key) of the at-risk pairs'
 * HELOs into names. HV_OK or HV_EDB / HV_EWRITE. */
static int risk_names(sqlite3 *db, struct keymap *names, struct fmt_buf *key, char **err)
{
    sqlite3_stmt *q;
    int rc = rpt_prepare(db, sql_risk_names, &q, err);
    if (rc != HV_OK)
        return rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        if (sqlite3_column_type(q, 0) == SQLITE_NULL)
            continue;   /* NULL is in no list */
        size_t hn;
        const char *helo = text_of(q, 0, &hn);
        advice_name_key(helo, hn, key);
        keymap_intern(names, key->p != NULL ? key->p : "", key->len, NULL);
    }
    rc = rpt_step_done(db, rc, "advice query failed", err);
    sqlite3_finalize(q);
    return rc;
}

/* read_addrs - the names of sql_addrs whose key is an at-risk pair's
 * (risk_names) into a->allnames and their addresses into a->nameips.
 * HV_OK or HV_EDB / HV_EWRITE. */
static int read_addrs(sqlite3 *db, struct actx *a, char **err)
{
    struct keymap risky;
    struct fmt_buf key;
    keymap_init(&risky);
    fmt_buf_init(&key);
    sqlite3_stmt *q = NULL;
    int rc = risk_names(db, &risky, &key, err);
    if (rc == HV_OK)
        rc = rpt_prepare(db, sql_addrs, &q, err);
    if (rc != HV_OK) {
        keymap_free(&risky);
        fmt_buf_free(&key);
        return rc;
    }
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        size_t hn, in, ni;
        if (sqlite3_column_type(q, 0) == SQLITE_NULL)
            continue;
        const char *helo = text_of(q, 0, &hn);
        advice_name_key(helo, hn, &key);
        if (!keymap_find(&risky, key.p != NULL ? key.p : "", key.len, &ni))
            continue;
        const char *ip = text_of(q, 1, &in);
        char norm[HELO_NAME_MAX];
        if (strlen(helo) != hn || !helo_norm_name(helo, norm, sizeof(norm)))
            continue;
        ni = keymap_intern(&a->allnames, norm, strlen(norm), NULL);
        uint32_t idx = (uint32_t)ni;
        fmt_buf_reset(&key);
        fmt_buf_add(&key, (const char *)&idx, sizeof(idx));
        fmt_buf_add(&key, ip, strlen(ip) < in ? strlen(ip) : in);
        keymap_intern(&a->nameips, key.p, key.len, NULL);
    }
    fmt_buf_free(&key);
    keymap_free(&risky);
    rc = rpt_step_done(db, rc, "advice query failed", err);
    sqlite3_finalize(q);
    return rc;
}

/* add_rows - the sorted rows (at most top; top < 0: all) into t. */
static void add_rows(struct rtable *t, struct arow *rows, size_t n, int top)
{
    for (size_t i = 0; i < n && (top < 0 || i < (size_t)top); i++) {
        struct rcell *c = report_row_add(t);
        for (size_t k = 0; k < t->ncols && k < 10; k++) {
            c[k].type = t->types[k];
            if (k == 3 || k == 4) {
                c[k].i = k == 3 ? rows[i].n : rows[i].m;
            } else {
                c[k].s = rows[i].cell[k];
                c[k].n = rows[i].len[k];
                rows[i].cell[k] = NULL;
            }
        }
    }
}

/* rows_push - room for one more row in *rows (count *n, capacity *cap). */
static struct arow *rows_push(struct arow **rows, size_t *n, size_t *cap)
{
    if (*n == *cap) {
        *cap = *cap ? 2 * *cap : 16;
        *rows = xrealloc(*rows, *cap * sizeof(**rows));
    }
    return &(*rows)[(*n)++];
}

int advice_fill(sqlite3 *db, struct rtable *t, int top, char **err)
{
    struct actx a;
    memset(&a, 0, sizeof(a));
    keymap_init(&a.allnames);
    keymap_init(&a.nameips);
    struct arow *rows = NULL;
    size_t nr = 0, rcap = 0;
    struct adom d;
    bool open = false;
    sqlite3_stmt *q = NULL, *ev = NULL;
    int rc = read_addrs(db, &a, err);
    if (rc == HV_OK) {
        index_addrs(&a);
        rc = rpt_prepare(db, sql_pairs, &q, err);
    }
    if (rc == HV_OK)
        rc = rpt_prepare(db, sql_evidence, &ev, err);
    if (rc == HV_OK) {
        int st = SQLITE_DONE;
        while (rc == HV_OK && (st = sqlite3_step(q)) == SQLITE_ROW) {
            size_t dn;
            const char *domain = text_of(q, 0, &dn);
            if (open && (d.dn != dn || memcmp(d.domain, domain, dn) != 0)) {
                adom_row(&a, &d, rows_push(&rows, &nr, &rcap));
                adom_free(&d);
                open = false;
            }
            if (!open) {
                adom_init(&d, domain, dn);
                open = true;
            }
            rc = adom_add(db, &d, q, ev, err);
        }
        if (rc == HV_OK)
            rc = rpt_step_done(db, st, "advice query failed", err);
    }
    sqlite3_finalize(q);
    sqlite3_finalize(ev);
    if (open) {
        if (rc == HV_OK)
            adom_row(&a, &d, rows_push(&rows, &nr, &rcap));
        adom_free(&d);
    }
    if (rc == HV_OK && nr > 0) {
        qsort(rows, nr, sizeof(*rows), arow_cmp);
        add_rows(t, rows, nr, top);
    }
    for (size_t i = 0; i < nr; i++)
        for (int c = 0; c < 10; c++)
            free(rows[i].cell[c]);
    free(rows);
    free(a.first);
    free(a.addr);
    keymap_free(&a.allnames);
    keymap_free(&a.nameips);
    return rc;
}
