/* SPDX-License-Identifier: MIT */
/* pairinfo - CSA, DNA and policy action per (HELO, IP); see pairinfo.h. */
#include "pairinfo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rptsql.h"
#include "xmem.h"

/* intern - the index + 1 of value v (0 for NULL), stored once. */
static uint32_t intern(struct pairinfo *pi, const char *s, size_t n)
{
    bool added;
    if (s == NULL)
        return 0;
    size_t i = keymap_intern(&pi->vals, s, n, &added);
    if (added) {
        if (i >= pi->val_cap) {
            pi->val_cap = pi->val_cap ? 2 * pi->val_cap : 64;
            pi->val = xrealloc(pi->val, pi->val_cap * sizeof(*pi->val));
        }
        pi->val[i] = xmemdup0(s, n);
    }
    return (uint32_t)(i + 1);
}

/* at_col - column i of q as a time (PAIRINFO_NO_TIME for NULL). */
static int64_t at_col(sqlite3_stmt *q, int i)
{
    if (sqlite3_column_type(q, i) == SQLITE_NULL)
        return PAIRINFO_NO_TIME;
    return (int64_t)sqlite3_column_int64(q, i);
}

/* col - the index + 1 of column i of q as a value (0 for NULL). The
 * value column i had the call before (of whichever statement) is tried
 * first: rows in key order mostly repeat it. */
static uint32_t col(struct pairinfo *pi, sqlite3_stmt *q, int i)
{
    if (sqlite3_column_type(q, i) == SQLITE_NULL)
        return 0;
    const char *s = (const char *)sqlite3_column_text(q, i);
    size_t n = (size_t)sqlite3_column_bytes(q, i);
    if (s == NULL)
        s = "";
    struct pairinfo_colmemo *m = i < PAIRINFO_COLMEMO ? &pi->colmemo[i] : NULL;
    if (m != NULL && m->id != 0 && m->n == n && memcmp(pi->val[m->id - 1], s, n) == 0)
        return m->id;
    uint32_t id = intern(pi, s, n);
    if (m != NULL) {
        m->id = id;
        m->n = n;
    }
    return id;
}

/* pv - value index + 1 back to a pval. */
static struct pval pv(const struct pairinfo *pi, uint32_t id)
{
    struct pval v = {NULL, 0};
    if (id != 0) {
        keymap_key(&pi->vals, id - 1, &v.n);
        v.s = pi->val[id - 1];
    }
    return v;
}

/* add_pol - one policy row (value indexes + 1). */
static void add_pol(struct pairinfo *pi, uint32_t c, uint32_t d, uint32_t a)
{
    pi->pol = xrealloc(pi->pol, (pi->npol + 1) * sizeof(*pi->pol));
    pi->pol[pi->npol][0] = c;
    pi->pol[pi->npol][1] = d;
    pi->pol[pi->npol][2] = a;
    pi->npol++;
}

/* load_policy - the rows of rv_policy. HV_OK or HV_EDB / HV_EWRITE. */
static int load_policy(struct pairinfo *pi, char **err)
{
    sqlite3_stmt *q;
    int rc = rpt_prepare(pi->db, "SELECT csa_status, dna_status, action"
                                 " FROM rv_policy", &q, err);
    if (rc != HV_OK)
        return rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW)
        add_pol(pi, col(pi, q, 0), col(pi, q, 1), col(pi, q, 2));
    rc = rpt_step_done(pi->db, rc, "report query failed", err);
    sqlite3_finalize(q);
    return rc;
}

int pairinfo_open(struct pairinfo *pi, sqlite3 *db, const struct policy *pol,
                  bool memo_pairs, char **err)
{
    memset(pi, 0, sizeof(*pi));
    pi->db = db;
    pi->memo_pairs = memo_pairs;
    keymap_init(&pi->vals);
    keymap_init(&pi->helos);
    keymap_init(&pi->pairs);
    int rc = rpt_prepare(db, "SELECT status, reason, record, evaluated_at"
                             " FROM rv_csa WHERE helo = ?1 AND ip = ?2", &pi->csa_q, err);
    if (rc == HV_OK)
        rc = rpt_prepare(db, "SELECT status, grade, service FROM rv_dna_result"
                             " WHERE helo = ?1", &pi->dna_q, err);
    if (rc == HV_OK && pol == NULL)
        rc = load_policy(pi, err);
    for (int i = 0; rc == HV_OK && pol != NULL && i < POLICY_NCSA; i++)
        for (int j = 0; j < POLICY_NDNA; j++) {
            const char *c = policy_csa_names[i], *d = policy_dna_names[j];
            const char *a = policy_action_names[pol->cell[i][j]];
            add_pol(pi, intern(pi, c, strlen(c)), intern(pi, d, strlen(d)),
                    intern(pi, a, strlen(a)));
        }
    if (rc != HV_OK)
        pairinfo_close(pi);
    return rc;
}

/* dna_of - the DNA value indexes of helo (memoized per HELO). */
static int dna_of(struct pairinfo *pi, const char *helo, size_t hn,
                  size_t *out, char **err)
{
    bool added;
    size_t h = keymap_intern(&pi->helos, helo, hn, &added);
    if (added) {
        if (h >= pi->dna_cap) {
            pi->dna_cap = pi->dna_cap ? 2 * pi->dna_cap : 1024;
            pi->dna = xrealloc(pi->dna, pi->dna_cap * sizeof(*pi->dna));
        }
        memset(pi->dna[h], 0, sizeof(pi->dna[h]));
        if (pi->complete) {
            *out = h;
            return HV_OK; /* preloaded: not there, no row */
        }
        sqlite3_bind_text(pi->dna_q, 1, helo, (int)hn, SQLITE_STATIC);
        int rc = sqlite3_step(pi->dna_q);
        if (rc == SQLITE_ROW) {
            for (int i = 0; i < 3; i++)
                pi->dna[h][i] = col(pi, pi->dna_q, i);
            rc = sqlite3_step(pi->dna_q); /* a primary key: one row */
        }
        rc = rpt_step_done(pi->db, rc, "report query failed", err);
        sqlite3_reset(pi->dna_q);
        sqlite3_clear_bindings(pi->dna_q);
        if (rc != HV_OK)
            return rc; /* the caller gives up: the memo is not read again */
    }
    *out = h;
    return HV_OK;
}

/* same - value indexes a and b stand for the same bytes (both not NULL). */
static bool same(uint32_t a, uint32_t b)
{
    return a != 0 && a == b; /* interned: equal bytes, equal index */
}

static void set_action(struct pairinfo *pi, const uint32_t *dna,
                       uint32_t r[4]);

/* csa_of - CSA and action indexes of the pair into r[4], its time into
 * *at. */
static int csa_of(struct pairinfo *pi, const char *helo, size_t hn,
                  const char *ip, size_t in, const uint32_t *dna,
                  uint32_t r[4], int64_t *at, char **err)
{
    memset(r, 0, 4 * sizeof(*r));
    *at = PAIRINFO_NO_TIME;
    sqlite3_bind_text(pi->csa_q, 1, helo, (int)hn, SQLITE_STATIC);
    sqlite3_bind_text(pi->csa_q, 2, ip, (int)in, SQLITE_STATIC);
    int rc = sqlite3_step(pi->csa_q);
    if (rc == SQLITE_ROW) {
        for (int i = 0; i < 3; i++)
            r[i] = col(pi, pi->csa_q, i);
        *at = at_col(pi->csa_q, 3);
        rc = sqlite3_step(pi->csa_q); /* a primary key: one row */
    }
    rc = rpt_step_done(pi->db, rc, "report query failed", err);
    sqlite3_reset(pi->csa_q);
    sqlite3_clear_bindings(pi->csa_q);
    if (rc != HV_OK)
        return rc;
    set_action(pi, dna, r);
    return HV_OK;
}

/* set_action - r[3], the policy action for the CSA status r[0] and the DNA
 * status dna[0] ("unknown" without one): that of the first policy row with
 * both, or 0 (none) when no row has them, remembered for the two statuses
 * (rows in key order mostly repeat them); without a CSA status (r[0] 0)
 * r[3] is left as it is. */
static void set_action(struct pairinfo *pi, const uint32_t *dna, uint32_t r[4])
{
    if (r[0] == 0)
        return;
    if (dna[0] == 0 && pi->unknown == 0)
        pi->unknown = intern(pi, "unknown", 7);
    uint32_t ds = dna[0] != 0 ? dna[0] : pi->unknown;
    uint32_t *m = pi->act_memo[(r[0] * 31u + ds) % PAIRINFO_ACT_MEMO];
    if (m[2] != 0 && m[0] == r[0] && m[1] == ds) {
        r[3] = m[2] - 1;
        return;
    }
    r[3] = 0;
    for (size_t k = 0; k < pi->npol; k++)
        if (same(pi->pol[k][0], r[0]) && same(pi->pol[k][1], ds)) {
            r[3] = pi->pol[k][2];
            break;
        }
    m[0] = r[0];
    m[1] = ds;
    m[2] = r[3] + 1;
}

/* fill - the pval form of dna and csa indexes (csa NULL: none). */
static void fill(const struct pairinfo *pi, const uint32_t *dna,
                 const uint32_t *csa, struct pair_csv *out)
{
    static const uint32_t none[4] = {0, 0, 0, 0};
    if (csa == NULL)
        csa = none;
    out->csa_status = pv(pi, csa[0]);
    out->csa_reason = pv(pi, csa[1]);
    out->csa_record = pv(pi, csa[2]);
    out->action = pv(pi, csa[3]);
    out->dna_status = pv(pi, dna[0]);
    out->dna_grade = pv(pi, dna[1]);
    out->dna_service = pv(pi, dna[2]);
    for (int i = 0; i < 4; i++)
        out->val[PV_CSA_STATUS + i] = csa[i];
    for (int i = 0; i < 3; i++)
        out->val[PV_DNA_STATUS + i] = dna[i];
    out->helo = PAIRINFO_NO_HELO;
    out->csa_at = PAIRINFO_NO_TIME;
}

char *pairinfo_key(const char *helo, size_t hn, const char *ip, size_t in,
                   char *small, size_t small_len, size_t *kn)
{
    uint32_t hlen = (uint32_t)hn;
    *kn = sizeof(hlen) + hn + in;
    char *k = *kn <= small_len ? small : xmalloc(*kn);
    memcpy(k, &hlen, sizeof(hlen));
    memcpy(k + sizeof(hlen), helo, hn);
    memcpy(k + sizeof(hlen) + hn, ip, in);
    return k;
}

/* pair_slot - the memo number of (helo, ip), whose pairinfo_pair_hash is
 * h, a new one zeroed (*added). */
static size_t pair_slot(struct pairinfo *pi, const char *helo, size_t hn,
                        const char *ip, size_t in, uint32_t h, bool *added)
{
    char small[512];
    size_t kn;
    char *k = pairinfo_key(helo, hn, ip, in, small, sizeof(small), &kn);
    size_t p = keymap_intern_hashed(&pi->pairs, k, kn, h, added);
    if (k != small)
        free(k);
    if (*added) {
        if (p >= pi->csa_cap) {
            pi->csa_cap = pi->csa_cap ? 2 * pi->csa_cap : 1024;
            pi->csa = xrealloc(pi->csa, pi->csa_cap * sizeof(*pi->csa));
            pi->csa_at = xrealloc(pi->csa_at,
                                  pi->csa_cap * sizeof(*pi->csa_at));
        }
        memset(pi->csa[p], 0, sizeof(pi->csa[p]));
        pi->csa_at[p] = PAIRINFO_NO_TIME;
    }
    return p;
}

uint32_t pairinfo_pair_hash(const char *helo, size_t hn, const char *ip,
                            size_t in)
{
    char small[512];
    size_t kn;
    char *k = pairinfo_key(helo, hn, ip, in, small, sizeof(small), &kn);
    uint32_t h = keymap_hash(k, kn);
    if (k != small)
        free(k);
    return h;
}

void pairinfo_prefetch(const struct pairinfo *pi, uint32_t h, int step)
{
    if (pi->memo_pairs)
        keymap_prefetch(&pi->pairs, h, step);
}

int pairinfo_bincmp(const char *a, size_t an, const char *b, size_t bn)
{
    int c = memcmp(a, b, an < bn ? an : bn);
    if (c != 0)
        return c;
    return an < bn ? -1 : an > bn ? 1 : 0;
}

int pairinfo_cmp(const char *ha, size_t hna, const char *ia, size_t ina,
                 const char *hb, size_t hnb, const char *ib, size_t inb)
{
    int c = pairinfo_bincmp(ha, hna, hb, hnb);
    return c != 0 ? c : pairinfo_bincmp(ia, ina, ib, inb);
}

/* text_at - column i of q as bytes ("" for NULL). */
static const char *text_at(sqlite3_stmt *q, int i, size_t *n)
{
    const char *s = (const char *)sqlite3_column_text(q, i);
    *n = (size_t)sqlite3_column_bytes(q, i);
    return s != NULL ? s : "";
}

/* load_rowkey - the key of the row cursor k (0 CSA, 1 DNA) is on into
 * pi->rowkey[k]: its HELO, and for the CSA cursor its IP. */
static void load_rowkey(struct pairinfo *pi, int k)
{
    sqlite3_stmt *q = k == 0 ? pi->csa_scan : pi->dna_scan;
    struct pairinfo_rowkey *rk = &pi->rowkey[k];
    rk->helo = text_at(q, 0, &rk->hn);
    if (k == 0)
        rk->ip = text_at(q, 1, &rk->in);
}

/* advance - step cursor k (0 CSA, 1 DNA; on a row: its csa_row or
 * dna_row) while its key (HELO, and IP for the CSA cursor) is below
 * (helo, ip); true when it stops on that key. For the sparse scans, the
 * key is cursor k's target while it steps, so that SQLite itself passes
 * over the rows below it (ahead_sql). HV_OK in *rc, or the step's
 * failure. */
static bool advance(struct pairinfo *pi, int k, const char *helo, size_t hn,
                    const char *ip, size_t in, int *rc, char **err)
{
    *rc = HV_OK;
    sqlite3_stmt *q = k == 0 ? pi->csa_scan : pi->dna_scan;
    bool *row = k == 0 ? &pi->csa_row : &pi->dna_row;
    struct pairinfo_target *t = &pi->target[k];
    const struct pairinfo_rowkey *rk = &pi->rowkey[k];
    bool aim = pi->ahead_fn[0] != '\0';
    while (*row) {
        int c = k == 0 ? pairinfo_cmp(rk->helo, rk->hn, rk->ip, rk->in, helo,
                                      hn, ip, in)
                       : pairinfo_bincmp(rk->helo, rk->hn, helo, hn);
        if (c >= 0)
            return c == 0;
        if (aim)
            *t = (struct pairinfo_target){helo, ip, hn, in, true};
        int st = sqlite3_step(q);
        t->set = false;
        if (st == SQLITE_ROW) {
            load_rowkey(pi, k);
        } else {
            *row = false;
            *rc = rpt_step_done(pi->db, st, "report query failed", err);
        }
    }
    return false;
}

/* ahead_sql - the SQL function hv_pairinfo_ahead_*(k, helo[, ip]) of the
 * ordered scans' WHERE: 1 unless cursor k is stepping towards a target and
 * the row's key is below it, so that rows no pair asks for are passed over
 * inside SQLite (their other columns never read, no step returns for
 * them). A NULL key or a value not text is kept: advance decides. */
static void ahead_sql(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    struct pairinfo *pi = sqlite3_user_data(ctx);
    int k = sqlite3_value_int(argv[0]);
    struct pairinfo_target *t = k == 0 || k == 1 ? &pi->target[k] : NULL;
    bool keep = true;
    if (t != NULL && t->set && argc == (k == 0 ? 3 : 2) &&
        sqlite3_value_type(argv[1]) == SQLITE_TEXT &&
        (k == 1 || sqlite3_value_type(argv[2]) == SQLITE_TEXT)) {
        const char *h = (const char *)sqlite3_value_text(argv[1]);
        size_t hn = (size_t)sqlite3_value_bytes(argv[1]);
        int c;
        if (k == 0) {
            const char *ip = (const char *)sqlite3_value_text(argv[2]);
            size_t in = (size_t)sqlite3_value_bytes(argv[2]);
            c = h == NULL || ip == NULL ? 0
                : pairinfo_cmp(h, hn, ip, in, t->helo, t->hn, t->ip, t->in);
        } else {
            c = h == NULL ? 0 : pairinfo_bincmp(h, hn, t->helo, t->hn);
        }
        keep = c >= 0;
    }
    sqlite3_result_int(ctx, keep);
}

/* ordered_dna - in ordered mode, the DNA value indexes of helo into d. */
static int ordered_dna(struct pairinfo *pi, const char *helo, size_t hn,
                       uint32_t d[3], char **err)
{
    int rc;
    memset(d, 0, 3 * sizeof(*d));
    if (advance(pi, 1, helo, hn, NULL, 0, &rc, err))
        for (int i = 0; i < 3; i++)
            d[i] = col(pi, pi->dna_scan, i + 1);
    return rc;
}

int pairinfo_ordered(struct pairinfo *pi, bool sparse, char **err)
{
    /* the passing function, named for this pairinfo (another one on the
     * connection keeps its own); without it, every row is stepped to */
    if (sparse) {
        snprintf(pi->ahead_fn, sizeof(pi->ahead_fn), "hv_pairinfo_ahead_%p",
                 (void *)pi);
        if (sqlite3_create_function(pi->db, pi->ahead_fn, -1, SQLITE_UTF8, pi,
                                    ahead_sql, NULL, NULL) != SQLITE_OK)
            pi->ahead_fn[0] = '\0';
    }
    char csa_sql[256], dna_sql[256];
    bool ahead = pi->ahead_fn[0] != '\0';
    snprintf(csa_sql, sizeof(csa_sql),
             "SELECT helo, ip, status, reason, record, evaluated_at FROM rv_csa"
             "%s%s%s ORDER BY helo, ip", ahead ? " WHERE " : "",
             ahead ? pi->ahead_fn : "", ahead ? "(0, helo, ip)" : "");
    snprintf(dna_sql, sizeof(dna_sql),
             "SELECT helo, status, grade, service FROM rv_dna_result"
             "%s%s%s ORDER BY helo", ahead ? " WHERE " : "",
             ahead ? pi->ahead_fn : "", ahead ? "(1, helo)" : "");
    int rc = rpt_prepare(pi->db, csa_sql, &pi->csa_scan, err);
    if (rc == HV_OK)
        rc = rpt_prepare(pi->db, dna_sql, &pi->dna_scan, err);
    for (int k = 0; rc == HV_OK && k < 2; k++) {
        sqlite3_stmt *q = k == 0 ? pi->csa_scan : pi->dna_scan;
        int st = sqlite3_step(q);
        if (k == 0)
            pi->csa_row = st == SQLITE_ROW;
        else
            pi->dna_row = st == SQLITE_ROW;
        if (st == SQLITE_ROW)
            load_rowkey(pi, k);
        if (st != SQLITE_ROW)
            rc = rpt_step_done(pi->db, st, "report query failed", err);
    }
    return rc;
}

/* walk_grow - room for pair p and HELO h in the walk's arrays (new
 * entries zeroed, no time). */
static void walk_grow(struct pairinfo *pi, size_t p, size_t h)
{
    if (p >= pi->csa_cap) {
        size_t cap = pi->csa_cap ? 2 * pi->csa_cap : 1024;
        pi->csa = xrealloc(pi->csa, cap * sizeof(*pi->csa));
        pi->csa_at = xrealloc(pi->csa_at, cap * sizeof(*pi->csa_at));
        pi->csa_cap = cap;
    }
    memset(pi->csa[p], 0, sizeof(pi->csa[p]));
    pi->csa_at[p] = PAIRINFO_NO_TIME;
    if (h >= pi->dna_cap) {
        pi->dna_cap = pi->dna_cap ? 2 * pi->dna_cap : 1024;
        pi->dna = xrealloc(pi->dna, pi->dna_cap * sizeof(*pi->dna));
    }
}

/* has_walk_index - whether the sessions(helo, ip) index exists. */
static int has_walk_index(struct pairinfo *pi, bool *has, char **err)
{
    sqlite3_stmt *q;
    *has = false;
    int rc = rpt_prepare(pi->db, "SELECT 1 FROM rv_indexes"
                                 " WHERE name = 'resolve_helo_ip'"
                                 " AND tbl_name = 'sessions'", &q, err);
    if (rc != HV_OK)
        return rc;
    int st = sqlite3_step(q);
    *has = st == SQLITE_ROW;
    rc = *has ? HV_OK : rpt_step_done(pi->db, st, "report query failed", err);
    sqlite3_finalize(q);
    return rc;
}

/* the previous row of the walk: its key, copied out of SQLite's row */
struct walk_prev {
    char *helo, *ip;
    size_t hn, in, hcap, icap;
    bool any, null;
};

/* keep - a copy of n bytes at s into *buf (capacity *cap). */
static void keep(char **buf, size_t *cap, const char *s, size_t n)
{
    if (n + 1 > *cap) {
        *cap = n + 1 > 2 * *cap ? n + 1 : 2 * *cap;
        *buf = xrealloc(*buf, *cap);
    }
    memcpy(*buf, s, n);
}

/* walk_pair - the CSA of pair p (HELO number h, its DNA known) of the
 * walk, with key (helo, ip) (a NULL HELO as ''): from the ordered cursor
 * when the key is not below the last one it was asked for (*cur), else
 * (an '' HELO after the NULL ones, whose IPs start again) by a look-up. */
static int walk_pair(struct pairinfo *pi, size_t p, size_t h,
                     struct walk_prev *cur, const char *helo, size_t hn,
                     const char *ip, size_t in, char **err)
{
    int rc;
    if (cur->any &&
        pairinfo_cmp(helo, hn, ip, in, cur->helo, cur->hn, cur->ip, cur->in) < 0)
        return csa_of(pi, helo, hn, ip, in, pi->dna[h], pi->csa[p],
                      &pi->csa_at[p], err);
    keep(&cur->helo, &cur->hcap, helo, hn);
    keep(&cur->ip, &cur->icap, ip, in);
    cur->hn = hn;
    cur->in = in;
    cur->any = true;
    if (advance(pi, 0, helo, hn, ip, in, &rc, err)) {
        for (int i = 0; i < 3; i++)
            pi->csa[p][i] = col(pi, pi->csa_scan, i + 2);
        pi->csa_at[p] = at_col(pi->csa_scan, 5);
    }
    if (rc == HV_OK)
        set_action(pi, pi->dna[h], pi->csa[p]);
    return rc;
}

/* walk_rows - the body of pairinfo_walk over the open cursor q. */
static int walk_rows(struct pairinfo *pi, sqlite3_stmt *q, bool *in_order,
                     char **err)
{
    struct walk_prev pv = {0}, cur = {0}; /* the last row, the cursor's */
    size_t np = 0, nh = 0;
    int st, rc = HV_OK;
    *in_order = true;
    while (rc == HV_OK && (st = sqlite3_step(q)) == SQLITE_ROW) {
        size_t hn, in;
        bool null = sqlite3_column_type(q, 0) == SQLITE_NULL;
        const char *helo = text_at(q, 0, &hn), *ip = text_at(q, 1, &in);
        int64_t id = sqlite3_column_int64(q, 2);
        int c = 1; /* the key against the previous one */
        if (pv.any && null == pv.null) {
            c = pairinfo_bincmp(helo, hn, pv.helo, pv.hn);
            int ci = c != 0 ? c : pairinfo_bincmp(ip, in, pv.ip, pv.in);
            if (null ? c != 0 : ci < 0) { /* not the index's order */
                *in_order = false;
                break;
            }
            if (ci == 0) {
                sessionpairs_add(&pi->spairs, id, (uint32_t)(np - 1));
                continue;
            }
        } else if (pv.any && null) { /* NULL after a HELO */
            *in_order = false;
            break;
        }
        if (c != 0) { /* a new HELO */
            walk_grow(pi, np, nh);
            rc = ordered_dna(pi, helo, hn, pi->dna[nh], err);
            nh++;
        } else {
            walk_grow(pi, np, nh - 1);
        }
        if (rc == HV_OK)
            rc = walk_pair(pi, np, nh - 1, &cur, helo, hn, ip, in, err);
        pi->csa[np][4] = (uint32_t)(nh - 1);
        sessionpairs_add(&pi->spairs, id, (uint32_t)np);
        np++;
        keep(&pv.helo, &pv.hcap, helo, hn);
        keep(&pv.ip, &pv.icap, ip, in);
        pv.hn = hn;
        pv.in = in;
        pv.null = null;
        pv.any = true;
    }
    if (rc == HV_OK && *in_order)
        rc = rpt_step_done(pi->db, st, "report query failed", err);
    free(pv.helo);
    free(pv.ip);
    free(cur.helo);
    free(cur.ip);
    return rc;
}

int pairinfo_walk(struct pairinfo *pi, bool *walked, char **err)
{
    bool has, in_order = false;
    sqlite3_stmt *q = NULL;
    *walked = false;
    int rc = has_walk_index(pi, &has, err);
    if (rc != HV_OK || !has)
        return rc;
    rc = rpt_prepare(pi->db, "SELECT count(*) FROM rv_session_keys", &q,
                     err);
    if (rc == HV_OK && sqlite3_step(q) == SQLITE_ROW) /* room: a hint */
        sessionpairs_reserve(&pi->spairs, (size_t)sqlite3_column_int64(q, 0));
    sqlite3_finalize(q);
    q = NULL;
    if (rc == HV_OK)
        rc = pairinfo_ordered(pi, false, err);
    if (rc == HV_OK)
        rc = rpt_prepare(pi->db, "SELECT helo, ip, id FROM rv_session_keys"
                                 " ORDER BY helo, ip", &q, err);
    if (rc == HV_OK)
        rc = walk_rows(pi, q, &in_order, err);
    sqlite3_finalize(q);
    sqlite3_finalize(pi->csa_scan);
    sqlite3_finalize(pi->dna_scan);
    pi->csa_scan = pi->dna_scan = NULL; /* pairinfo_get is not ordered */
    if (rc == HV_OK && in_order) {
        sessionpairs_sort(&pi->spairs);
        pi->walked = *walked = true;
    } else {
        sessionpairs_free(&pi->spairs);
    }
    return rc;
}

int pairinfo_session_pair(struct pairinfo *pi, int64_t id, uint32_t *pair,
                          char **err)
{
    if (!sessionpairs_find(&pi->spairs, id, pair))
        return hv_errf(err, HV_EDB, "session %lld was not in the sessions"
                       " read before: the database changed", (long long)id);
    return HV_OK;
}

void pairinfo_pair_prefetch(const struct pairinfo *pi, uint32_t pair,
                            int step)
{
    if (step == 0) {
        __builtin_prefetch(pi->csa[pair]);
        __builtin_prefetch(&pi->csa_at[pair]);
    } else {
        __builtin_prefetch(pi->dna[pi->csa[pair][4]]);
    }
}

size_t pairinfo_pair_helo(const struct pairinfo *pi, uint32_t pair)
{
    return pi->csa[pair][4];
}

void pairinfo_pair(const struct pairinfo *pi, uint32_t pair, bool unobs,
                   struct pair_csv *out)
{
    uint32_t h = pi->csa[pair][4];
    fill(pi, pi->dna[h], unobs ? NULL : pi->csa[pair], out);
    out->pair = pair;
    out->helo = h;
    if (!unobs)
        out->csa_at = pi->csa_at[pair];
}

int pairinfo_dna(struct pairinfo *pi, const char *helo, size_t hn,
                 struct pair_csv *out, char **err)
{
    if (pi->dna_scan != NULL) {
        uint32_t d[3];
        int rc = ordered_dna(pi, helo, hn, d, err);
        if (rc == HV_OK)
            fill(pi, d, NULL, out);
        return rc;
    }
    size_t h;
    int rc = dna_of(pi, helo, hn, &h, err);
    if (rc == HV_OK) {
        fill(pi, pi->dna[h], NULL, out);
        out->helo = h;
    }
    return rc;
}

int pairinfo_get(struct pairinfo *pi, const char *helo, size_t hn,
                 const char *ip, size_t in, struct pair_csv *out, char **err)
{
    uint32_t h = pi->memo_pairs ? pairinfo_pair_hash(helo, hn, ip, in) : 0;
    return pairinfo_get_hashed(pi, helo, hn, ip, in, h, out, err);
}

int pairinfo_get_hashed(struct pairinfo *pi, const char *helo, size_t hn,
                        const char *ip, size_t in, uint32_t hash,
                        struct pair_csv *out, char **err)
{
    size_t h;
    int rc;
    if (pi->csa_scan != NULL) {
        uint32_t d[3], r[5] = {0, 0, 0, 0, 0};
        int64_t at = PAIRINFO_NO_TIME;
        rc = ordered_dna(pi, helo, hn, d, err);
        if (rc == HV_OK &&
            advance(pi, 0, helo, hn, ip, in, &rc, err)) {
            for (int i = 0; i < 3; i++)
                r[i] = col(pi, pi->csa_scan, i + 2);
            at = at_col(pi->csa_scan, 5);
        }
        if (rc != HV_OK)
            return rc;
        set_action(pi, d, r);
        fill(pi, d, r, out);
        out->csa_at = at;
        return HV_OK;
    }
    if (!pi->memo_pairs) {
        uint32_t r[5];
        int64_t at;
        rc = dna_of(pi, helo, hn, &h, err);
        if (rc == HV_OK)
            rc = csa_of(pi, helo, hn, ip, in, pi->dna[h], r, &at, err);
        if (rc == HV_OK) {
            fill(pi, pi->dna[h], r, out);
            out->helo = h;
            out->csa_at = at;
        }
        return rc;
    }
    bool added;
    size_t p = pair_slot(pi, helo, hn, ip, in, hash, &added);
    if (added) {
        rc = dna_of(pi, helo, hn, &h, err);
        if (rc == HV_OK && !pi->complete)
            rc = csa_of(pi, helo, hn, ip, in, pi->dna[h], pi->csa[p],
                        &pi->csa_at[p], err);
        if (rc != HV_OK)
            return rc; /* the caller gives up: the memo is not read again */
        pi->csa[p][4] = (uint32_t)h;
    }
    fill(pi, pi->dna[pi->csa[p][4]], pi->csa[p], out);
    out->pair = p;
    out->helo = pi->csa[p][4];
    out->csa_at = pi->csa_at[p];
    return HV_OK;
}

size_t pairinfo_count(const struct pairinfo *pi)
{
    return keymap_count(&pi->pairs);
}

int pairinfo_preload(struct pairinfo *pi, char **err)
{
    sqlite3_stmt *q;
    size_t h;
    int rc = rpt_prepare(pi->db, "SELECT helo, status, grade, service"
                                 " FROM rv_dna_result", &q, err);
    if (rc != HV_OK)
        return rc;
    pi->complete = true; /* from here on dna_of asks nothing */
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        const char *helo = (const char *)sqlite3_column_text(q, 0);
        dna_of(pi, helo != NULL ? helo : "",
               (size_t)sqlite3_column_bytes(q, 0), &h, NULL);
        for (int i = 0; i < 3; i++)
            pi->dna[h][i] = col(pi, q, i + 1);
    }
    rc = rpt_step_done(pi->db, rc, "report query failed", err);
    sqlite3_finalize(q);
    if (rc != HV_OK)
        return rc;
    rc = rpt_prepare(pi->db, "SELECT helo, ip, status, reason, record,"
                             " evaluated_at FROM rv_csa", &q, err);
    if (rc != HV_OK)
        return rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        const char *helo = (const char *)sqlite3_column_text(q, 0);
        size_t hn = (size_t)sqlite3_column_bytes(q, 0);
        const char *ip = (const char *)sqlite3_column_text(q, 1);
        size_t in = (size_t)sqlite3_column_bytes(q, 1);
        if (helo == NULL)
            helo = "";
        if (ip == NULL)
            ip = "";
        bool added;
        size_t p = pair_slot(pi, helo, hn, ip, in,
                             pairinfo_pair_hash(helo, hn, ip, in), &added);
        dna_of(pi, helo, hn, &h, NULL);
        for (int i = 0; i < 3; i++)
            pi->csa[p][i] = col(pi, q, i + 2);
        pi->csa[p][4] = (uint32_t)h;
        pi->csa_at[p] = at_col(q, 5);
    }
    rc = rpt_step_done(pi->db, rc, "report query failed", err);
    sqlite3_finalize(q);
    /* the actions, once every DNA result is known */
    for (size_t p = 0; rc == HV_OK && p < keymap_count(&pi->pairs); p++)
        set_action(pi, pi->dna[pi->csa[p][4]], pi->csa[p]);
    return rc;
}

/* name_at - the index of the n bytes at s in names (exact bytes), -1 if
 * none. */
static int name_at(const char *s, size_t n, const char *const *names,
                   int count)
{
    for (int i = 0; s != NULL && i < count; i++)
        if (strlen(names[i]) == n && memcmp(names[i], s, n) == 0)
            return i;
    return -1;
}

struct pval pairinfo_action_in(const struct policy *pol,
                               const struct pair_csv *pc)
{
    struct pval none = {NULL, 0};
    struct pval dna = pc->dna_status.s != NULL ? pc->dna_status
                                               : (struct pval){"unknown", 7};
    int ci = name_at(pc->csa_status.s, pc->csa_status.n, policy_csa_names,
                     POLICY_NCSA);
    int di = name_at(dna.s, dna.n, policy_dna_names, POLICY_NDNA);
    if (pol == NULL || ci < 0 || di < 0)
        return none;
    const char *a = policy_action_names[pol->cell[ci][di]];
    return (struct pval){a, strlen(a)};
}

struct pval pairinfo_verdict(bool unobs, const struct pair_csv *pc,
                             struct pval action)
{
    if (unobs)
        return (struct pval){"unevaluated", 11};
    if (pc->csa_status.s == NULL || action.s == NULL)
        return (struct pval){"unresolved", 10};
    return action;
}

void pairinfo_close(struct pairinfo *pi)
{
    sqlite3_finalize(pi->csa_q);
    sqlite3_finalize(pi->dna_q);
    sqlite3_finalize(pi->csa_scan);
    sqlite3_finalize(pi->dna_scan);
    pi->csa_q = pi->dna_q = NULL;
    /* after its statements are gone */
    if (pi->ahead_fn[0] != '\0')
        sqlite3_create_function(pi->db, pi->ahead_fn, -1, SQLITE_UTF8, NULL,
                                NULL, NULL, NULL);
    for (size_t i = 0; i < keymap_count(&pi->vals); i++)
        free(pi->val[i]);
    free(pi->val);
    free(pi->dna);
    free(pi->csa);
    free(pi->csa_at);
    free(pi->pol);
    sessionpairs_free(&pi->spairs);
    keymap_free(&pi->vals);
    keymap_free(&pi->helos);
    keymap_free(&pi->pairs);
    memset(pi, 0, sizeof(*pi));
}
