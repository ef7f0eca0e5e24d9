/* SPDX-License-Identifier: MIT */
/*
 * export - sessions and verdicts as tsv, csv or jsonl (contract in
 * export.h). An outer statement walks the sources by path; an inner one
 * streams each source's sessions by line as one rowid range, so no sort of
 * the whole table is needed. Verdict columns are those of the `verdicts`
 * view, looked up once per distinct (HELO, IP) pair (pairinfo.h), and
 * policy_smtp_reply().
 */
#include "export.h"

#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "anon.h"
#include "fmt.h"
#include "csvsql.h"
#include "policy.h"
#include "readviews.h"
#include "msg.h"
#include "xmem.h"
#include "pairinfo.h"
#include "regdomain.h"
#include "report.h"
#include "rowcopy.h"
#include "rptsql.h"
#include "schema.h"

enum xfmt { XF_TSV, XF_CSV, XF_JSONL };

/* The export formats (the one list of `export --format` values), by enum
 * xfmt; the first is the default. */
static const char *const xfmt_names[] = {
    [XF_TSV] = "tsv",
    [XF_CSV] = "csv",
    [XF_JSONL] = "jsonl",
};
#define NXFMT (sizeof(xfmt_names) / sizeof(xfmt_names[0]))

const char *export_format_at(size_t i)
{
    return i < NXFMT ? xfmt_names[i] : NULL;
}

/* xfmt_find - the export format called name (NULL: the default), or -1. */
static int xfmt_find(const char *name)
{
    for (size_t i = 0; i < NXFMT; i++)
        if (name == NULL || strcmp(name, xfmt_names[i]) == 0)
            return (int)i;
    return -1;
}

/* xfmt_parse - the export format called name into *f; HV_OK, or HV_EUSAGE
 * with a message listing the formats. */
static int xfmt_parse(const char *name, enum xfmt *f, char **err)
{
    int fi = xfmt_find(name);
    if (fi < 0) {
        char names[128];
        return hv_errf(err, HV_EUSAGE, "unknown export format '%s' (%s)", name,
                       report_join_names(names, sizeof(names), export_format_at, ", ",
                                         ", "));
    }
    *f = (enum xfmt)fi;
    return HV_OK;
}

/* every column an export can have, by its number; the sessions export
 * writes sessions_ids, the verdicts export verdicts_ids (new columns go at
 * the end of a list: positions are part of the contract, export.h) */
static const char *const session_cols[] = {
    "source", "line", "time", "mta", "ip", "helo", "rdns", "disposition",
    "messages", "csa_status", "csa_reason", "csa_record", "dna_status",
    "dna_grade", "dna_service", "verdict", "smtp_reply", "time_epoch",
    "domain", "session_id", "dns_age_seconds",
};
#define NCOLS_SESSIONS 9  /* columns 0 .. 8 are read from the query */
#define NCOLS_VERDICTS 17 /* columns 9 .. 16 are struct vcols' v[] */
#define COL_EPOCH 17      /* time as integer seconds (query column 2) */
#define COL_DOMAIN 18     /* the report's domain of the HELO (vcols) */
#define COL_ID 19         /* the store's session id (query column 9) */
/* the CSA answer's evaluated_at (pairinfo) - the session time (query
 * column 2); NULL without a time, a CSA answer or a HELO in the log */
#define COL_DNS_AGE 20
static const int sessions_ids[] = {0, 1, 2, 3, 4, 5, 6, 7, 8, COL_EPOCH, COL_ID};
static const int verdicts_ids[] = {0,  1,  2,  3,  4,  5,         6,
                                   7,  8,  9,  10, 11, 12,        13,
                                   14, 15, 16, COL_EPOCH, COL_ID, COL_DOMAIN,
                                   COL_DNS_AGE};

/* One source at a time: a session's id is (source_id << 32) | line
 * (analyzer/store/schema.c), so a source's sessions are one rowid range, read in
 * line order without a sort. */
#define SOURCE_RANGE " WHERE s.id >= (?1 << 32) AND s.id < ((?1 + 1) << 32)"

static const char sql_sessions[] =
    "SELECT src.path, s.line, s.ts, s.mta, s.ip, s.helo,"
    " s.rdns, s.disposition, s.messages, s.id"
    " FROM rv_sessions s JOIN rv_sources src ON src.id = s.source_id"
    SOURCE_RANGE " ORDER BY s.id";

/* verdicts: the session columns and whether its HELO is unobserved; the
 * CSA, DNA, verdict, reply and answer age columns come from pairinfo.h (the joins of
 * the `verdicts` view, analyzer/store/schema.c, looked up once per distinct
 * pair: keep the two in step) and policy_smtp_reply. */
static const char sql_verdicts[] =
    "SELECT src.path, s.line, s.ts, s.mta, s.ip, s.helo,"
    " s.rdns, s.disposition, s.messages, s.id, " HV_SQL_HELO_UNOBSERVED
    " FROM rv_sessions s JOIN rv_sources src ON src.id = s.source_id"
    SOURCE_RANGE " ORDER BY s.id";

/* Texts made once and read by number: the domains and SMTP replies of
 * the verdicts export, appended without a hash (most are distinct: a mark
 * names its HELO), in one buffer. */
struct textlist {
    struct fmt_buf bytes;
    struct textref {
        uint32_t off, len;
    } *at;
    size_t n, cap;
};

/* textlist_add - a copy of s (n bytes) as text number *num; false (nothing
 * added) when the list is full: 4 GiB of text or 2^32 - 1 texts. */
static bool textlist_add(struct textlist *tl, const char *s, size_t n,
                         uint32_t *num)
{
    if (tl->bytes.len + n >= UINT32_MAX || tl->n >= UINT32_MAX - 1)
        return false;
    if (tl->n == tl->cap) {
        tl->cap = tl->cap ? 2 * tl->cap : 1024;
        tl->at = xrealloc(tl->at, tl->cap * sizeof(*tl->at));
    }
    tl->at[tl->n].off = (uint32_t)tl->bytes.len;
    tl->at[tl->n].len = (uint32_t)n;
    fmt_buf_add(&tl->bytes, s, n);
    *num = (uint32_t)tl->n++;
    return true;
}

/* textlist_get - text number i (valid until the next textlist_add). */
static struct pval textlist_get(const struct textlist *tl, uint32_t i)
{
    struct pval v = {tl->bytes.p + tl->at[i].off, tl->at[i].len};
    return v;
}

/* what a HELO's rows share: its domain, and the reply its last new pair
 * was given with the values the reply was made of (policy_smtp_reply reads
 * no more; the values are pairinfo's interned texts or static strings, so
 * equal pointers are equal texts), for the HELO's next pair: most pairs of
 * a HELO get the same reply (making and interning one per pair took about
 * a twentieth of the export's time) */
struct helo_memo {
    uint32_t domain;        /* its domain's number + 1, 0: not yet */
    uint32_t reply;         /* the last reply's number + 1, 0: none yet */
    const char *in[5];      /* action, CSA status, CSA reason, DNA status,
                               DNA service of that reply */
};

/* the verdict columns of a row (9 .. 16) and its domain, set by
 * pair_cols, and the SMTP reply of each pair, made once (a reply is a
 * function of the pair: only a mark names the HELO) */
struct vcols {
    struct pval v[NCOLS_VERDICTS - NCOLS_SESSIONS];
    struct pval domain;     /* the row's domain (regdomain_of_helo) */
    char reply[1400];
    struct fmt_buf made;    /* a domain worked out without a memo */
    struct textlist texts;  /* the domains and replies, by number */
    uint32_t *pair_reply;   /* per pair: its reply's number + 1, 0: none yet */
    size_t cap;
    int64_t csa_at;         /* the pair's CSA evaluated_at (PAIRINFO_NO_TIME:
                               none, or a HELO the log does not show) */
    struct helo_memo *helo; /* per HELO number of the pairinfo */
    size_t helo_cap;
};

/* vcols_init - an empty vc (no allocation). */
static void vcols_init(struct vcols *vc)
{
    memset(vc, 0, sizeof(*vc));
    fmt_buf_init(&vc->made);
    fmt_buf_init(&vc->texts.bytes);
}

/* vcols_free - what vc holds; vc is empty after. */
static void vcols_free(struct vcols *vc)
{
    fmt_buf_free(&vc->made);
    fmt_buf_free(&vc->texts.bytes);
    free(vc->texts.at);
    free(vc->pair_reply);
    free(vc->helo);
    vcols_init(vc);
}

/* helo_memo_at - the memo of HELO number h (zeroed when new). */
static struct helo_memo *helo_memo_at(struct vcols *vc, size_t h)
{
    if (h >= vc->helo_cap) {
        size_t cap = vc->helo_cap ? 2 * vc->helo_cap : 1024;
        while (cap <= h)
            cap *= 2;
        vc->helo = xrealloc(vc->helo, cap * sizeof(*vc->helo));
        memset(vc->helo + vc->helo_cap, 0,
               (cap - vc->helo_cap) * sizeof(*vc->helo));
        vc->helo_cap = cap;
    }
    return &vc->helo[h];
}

/* domain_cols - the domain of helo into vc->domain, worked out (PSL) once
 * per HELO number h of the pairinfo (PAIRINFO_NO_HELO: every time). */
static void domain_cols(struct vcols *vc, const char *helo, size_t hn,
                        size_t h)
{
    struct helo_memo *m = h != PAIRINFO_NO_HELO ? helo_memo_at(vc, h) : NULL;
    if (m != NULL && m->domain != 0) {
        vc->domain = textlist_get(&vc->texts, m->domain - 1);
        return;
    }
    regdomain_of_helo(helo, helo ? hn : 0, &vc->made);
    vc->domain.s = fmt_buf_str(&vc->made);
    vc->domain.n = vc->made.len;
    uint32_t num;
    if (m != NULL && textlist_add(&vc->texts, vc->domain.s, vc->domain.n,
                                  &num)) {
        m->domain = num + 1;
        vc->domain = textlist_get(&vc->texts, num);
    }
}

/* reply_of - the SMTP reply of a new pair of HELO number h
 * (PAIRINFO_NO_HELO: none) with the values in[5] (see struct helo_memo):
 * its number + 1 in vc->texts, made unless the HELO's last new pair had
 * the same values; 0 when the list is full (the reply in vc->reply). */
static uint32_t reply_of(struct vcols *vc, size_t h, const char *helo,
                         const char *const in[5], const char *auth)
{
    struct helo_memo *m = h != PAIRINFO_NO_HELO ? helo_memo_at(vc, h) : NULL;
    if (m != NULL && m->reply != 0 &&
        memcmp(m->in, in, sizeof(m->in)) == 0)
        return m->reply;
    if (!policy_smtp_reply(vc->reply, sizeof(vc->reply), in[0], in[1],
                           in[2], in[3], in[4], helo, auth))
        vc->reply[0] = '\0';
    uint32_t num;
    if (!textlist_add(&vc->texts, vc->reply, strlen(vc->reply), &num))
        return 0;
    if (m != NULL) {
        m->reply = num + 1;
        memcpy(m->in, in, sizeof(m->in));
    }
    return num + 1;
}

/* pval_str - a static value. */
static struct pval pval_str(const char *s)
{
    struct pval v = {s, s != NULL ? strlen(s) : 0};
    return v;
}

/* pair_cols - the verdict columns of (helo, ip) into *vc, as the
 * `verdicts` view has them: a HELO the log does not show (unobs) is CSA
 * unknown/helo-unobserved, verdict unevaluated, no reply. A walked
 * pairinfo reads pair (pairinfo_session_pair); otherwise hash is
 * pairinfo_pair_hash of (helo or "", ip or "") unless unobs. HV_OK or
 * HV_EDB. */
static int pair_cols(struct pairinfo *pi, const char *helo, size_t hn,
                     const char *ip, size_t in, uint32_t pair, uint32_t hash,
                     bool unobs, const char *auth, struct vcols *vc,
                     char **err)
{
    struct pair_csv pc;
    int rc = HV_OK;
    if (pi->walked)
        pairinfo_pair(pi, pair, unobs, &pc);
    else
        rc = unobs ? pairinfo_dna(pi, helo ? helo : "", hn, &pc, err)
                   : pairinfo_get_hashed(pi, helo ? helo : "", hn,
                                         ip ? ip : "", in, hash, &pc, err);
    if (rc != HV_OK)
        return rc;
    struct pval dna_status = pc.dna_status.s != NULL ? pc.dna_status
                                                     : pval_str("unknown");
    vc->csa_at = unobs ? PAIRINFO_NO_TIME : pc.csa_at;
    vc->v[3] = dna_status;
    vc->v[4] = pc.dna_grade;
    vc->v[5] = pc.dna_service;
    if (unobs) {
        vc->v[0] = pval_str("unknown");
        vc->v[1] = pval_str("helo-unobserved");
        vc->v[2] = pval_str(NULL);
        vc->v[6] = pval_str("unevaluated");
        vc->v[7] = pval_str("");
        domain_cols(vc, helo, hn, pc.helo);
        return HV_OK;
    }
    vc->v[0] = pc.csa_status;
    vc->v[1] = pc.csa_reason;
    vc->v[2] = pc.csa_record;
    vc->v[6] = pc.action;
    if (pc.pair >= vc->cap) {
        size_t cap = vc->cap ? 2 * vc->cap : 1024;
        while (cap <= pc.pair)
            cap *= 2;
        vc->pair_reply = xrealloc(vc->pair_reply, cap * sizeof(uint32_t));
        memset(vc->pair_reply + vc->cap, 0, (cap - vc->cap) * sizeof(uint32_t));
        vc->cap = cap;
    }
    if (vc->pair_reply[pc.pair] == 0) {
        const char *made_of[5] = {pc.action.s, pc.csa_status.s, pc.csa_reason.s,
                                  dna_status.s, pc.dna_service.s};
        vc->pair_reply[pc.pair] =
            reply_of(vc, pc.helo, helo ? helo : "", made_of, auth);
    }
    /* the domain last: a text added to the list moves the texts before */
    domain_cols(vc, helo, hn, pc.helo);
    /* both borrowed from the list until its next addition, after this row */
    vc->v[7] = vc->pair_reply[pc.pair] != 0
                   ? textlist_get(&vc->texts, vc->pair_reply[pc.pair] - 1)
                   : pval_str(vc->reply); /* no room: not kept */
    return HV_OK;
}

/* A batch of session rows copied out of the query, so that the look-ups
 * of their pairs can be started together (pairinfo_prefetch) before the
 * first is waited for: the sessions come in id order, their pairs in no
 * order, and each look-up misses the cache. Query columns: 0 path, 1
 * line, 2 time, 3 mta, 4 ip, 5 helo, 6 rdns, 7 disposition, 8 messages, 9
 * id, 10 (verdicts) whether the HELO is unobserved. */
#define XQCOLS 11
#define XBATCH 32

/* one copied value: text (off in the batch's texts, len) or integer */
struct xval {
    size_t off, len;
    int64_t i;
    bool null;
};

struct xbatch {
    struct xval v[XBATCH][XQCOLS];
    uint32_t hash[XBATCH];   /* pairinfo_pair_hash of the row's pair */
    uint32_t pair[XBATCH];   /* or its number (a walked pairinfo) */
    size_t n;                /* rows held */
    struct rowcopy texts;
};

/* the text columns of the query (the others are integers) */
static bool xcol_is_text(int qi)
{
    return qi == 0 || (qi >= 3 && qi <= 7);
}

/* xbatch_add - copy the row q is on (its first ncols columns) into b
 * (only the time is told NULL from 0 among the integers, as printing
 * them did). */
static void xbatch_add(struct xbatch *b, sqlite3_stmt *q, int ncols)
{
    struct xval *r = b->v[b->n++];
    for (int qi = 0; qi < ncols; qi++) {
        if (!xcol_is_text(qi)) {
            r[qi].null = qi == 2 && sqlite3_column_type(q, qi) == SQLITE_NULL;
            r[qi].i = sqlite3_column_int64(q, qi);
            continue;
        }
        r[qi].off = rowcopy_add(&b->texts, q, qi, &r[qi].len);
        r[qi].null = r[qi].off == ROWCOPY_NULL;
    }
}

/* xtext - the text of column qi of row r in b (NULL for SQL NULL). */
static const char *xtext(const struct xbatch *b, const struct xval *r, int qi)
{
    return rowcopy_text(&b->texts, r[qi].off);
}

/* verdict_cols - the verdict columns of row k of b into *vc (pair_cols).
 * HV_OK or HV_EDB. */
static int verdict_cols(struct pairinfo *pi, const struct xbatch *b,
                        size_t k, const char *auth, struct vcols *vc,
                        char **err)
{
    const struct xval *r = b->v[k];
    return pair_cols(pi, xtext(b, r, 5), r[5].null ? 0 : r[5].len,
                     xtext(b, r, 4), r[4].null ? 0 : r[4].len, b->pair[k],
                     b->hash[k], r[10].i != 0, auth, vc, err);
}

/* hash_pairs - the pairs' hashes of b's rows, and their look-ups started
 * step by step over the whole batch (rows whose HELO is unobserved look
 * up only their HELO). */
static void hash_pairs(const struct pairinfo *pi, struct xbatch *b)
{
    for (size_t k = 0; k < b->n; k++) {
        const struct xval *r = b->v[k];
        const char *h = xtext(b, r, 5), *ip = xtext(b, r, 4);
        b->hash[k] = r[10].i != 0 ? 0
                     : pairinfo_pair_hash(h ? h : "", h ? r[5].len : 0,
                                          ip ? ip : "", ip ? r[4].len : 0);
    }
    for (int step = 0; step < 3; step++)
        for (size_t k = 0; k < b->n; k++)
            if (b->v[k][10].i == 0)
                pairinfo_prefetch(pi, b->hash[k], step);
}

/* number_pairs - (a walked pairinfo) the pair numbers of b's rows, and
 * what the verdict columns read of them (pairinfo_pair, the memos of vc)
 * loaded step by step over the whole batch. HV_OK or HV_EDB. */
static int number_pairs(struct pairinfo *pi, const struct vcols *vc,
                        struct xbatch *b, char **err)
{
    for (size_t k = 0; k < b->n; k++) {
        int rc = pairinfo_session_pair(pi, b->v[k][9].i, &b->pair[k], err);
        if (rc != HV_OK)
            return rc;
        pairinfo_pair_prefetch(pi, b->pair[k], 0);
        if (b->pair[k] < vc->cap)
            __builtin_prefetch(&vc->pair_reply[b->pair[k]]);
    }
    for (size_t k = 0; k < b->n; k++) {
        pairinfo_pair_prefetch(pi, b->pair[k], 1);
        size_t h = pairinfo_pair_helo(pi, b->pair[k]);
        if (h < vc->helo_cap)
            __builtin_prefetch(&vc->helo[h]);
    }
    return HV_OK;
}

/* put_null - an unknown value: \N in TSV, null in JSONL, empty in CSV. */
static void put_null(struct fmt_buf *b, enum xfmt f)
{
    fmt_buf_puts(b, f == XF_TSV ? "\\N" : f == XF_JSONL ? "null" : "");
}

/* put_value - one value of column i (session_cols' numbering) of row r
 * of xb (columns past the sessions' from vc) into b; NULL as put_null;
 * masked by an (anon.h) unless it is NULL or a number. */
static void put_value(struct fmt_buf *b, enum xfmt f, const struct xbatch *xb,
                      const struct xval *r, const struct vcols *vc, int i,
                      const struct anon *an, struct fmt_buf *tmp)
{
    if (i == 1 || i == 8 || i == COL_ID) { /* line, messages, session_id */
        fmt_buf_int(b, (long long)r[i == COL_ID ? 9 : i].i);
        return;
    }
    if (i == COL_DNS_AGE) { /* the CSA answer's time - the session's */
        if (vc->csa_at == PAIRINFO_NO_TIME || r[2].null)
            put_null(b, f);
        else
            fmt_buf_int(b, (long long)(vc->csa_at - r[2].i));
        return;
    }
    if (i == COL_EPOCH) {
        if (r[2].null)
            put_null(b, f);
        else
            fmt_buf_int(b, (long long)r[2].i);
        return;
    }
    char tbuf[32] = "";
    const char *s;
    size_t n;
    if (i == 2) { /* time */
        if (r[2].null) {
            put_null(b, f);
            return;
        }
        fmt_iso_time(r[2].i, tbuf, sizeof(tbuf));
        s = tbuf;
        n = strlen(tbuf);
    } else if (i == COL_DOMAIN) {
        if (r[5].null) { /* no HELO */
            put_null(b, f);
            return;
        }
        s = vc->domain.s;
        n = vc->domain.n;
    } else if (i >= NCOLS_SESSIONS) {
        s = vc->v[i - NCOLS_SESSIONS].s;
        n = vc->v[i - NCOLS_SESSIONS].n;
    } else {
        s = xtext(xb, r, i);
        n = r[i].len;
    }
    if (s == NULL) {
        put_null(b, f);
        return;
    }
    if (an != NULL && i != 2) {
        fmt_buf_reset(tmp);
        anon_value(an, tmp, s, n);
        s = fmt_buf_str(tmp);
        n = tmp->len;
    }
    switch (f) {
    case XF_TSV: fmt_tsv(b, s, n); break;
    case XF_CSV: fmt_csv(b, s, n); break;
    case XF_JSONL: fmt_json(b, s, n); break;
    default: msg_panic("put_value: unknown export format %d", (int)f);
    }
}

/* put_row - one record of the ncols columns ids of row r of xb (or the
 * header when r is NULL), masked by an unless it is NULL (tmp: scratch). */
static void put_row(struct fmt_buf *b, enum xfmt f, const struct xbatch *xb,
                    const struct xval *r, const struct vcols *vc,
                    const int *ids, size_t ncols, const struct anon *an,
                    struct fmt_buf *tmp)
{
    if (f == XF_JSONL)
        fmt_buf_puts(b, "{");
    for (size_t k = 0; k < ncols; k++) {
        int i = ids[k];
        if (k > 0)
            fmt_buf_puts(b, f == XF_TSV ? "\t" : f == XF_CSV ? "," : ", ");
        if (f == XF_JSONL) {
            fmt_json(b, session_cols[i], strlen(session_cols[i]));
            fmt_buf_puts(b, ": ");
        }
        if (r != NULL)
            put_value(b, f, xb, r, vc, i, an, tmp);
        else
            fmt_buf_puts(b, session_cols[i]);
    }
    fmt_buf_puts(b, f == XF_JSONL ? "}\n" : f == XF_CSV ? "\r\n" : "\n");
}

int export_db(sqlite3 *db, const char *what, const char *format,
              const char *authserv_id, bool anonymize, FILE *out, char **err)
{
    size_t ncols;
    const int *ids;
    const char *sql;
    enum xfmt f;
    int rc0 = xfmt_parse(format, &f, err);
    if (rc0 != HV_OK)
        return rc0;
    if (what != NULL && strcmp(what, "sessions") == 0) {
        ids = sessions_ids;
        ncols = sizeof(sessions_ids) / sizeof(sessions_ids[0]);
        sql = sql_sessions;
    } else if (what != NULL && strcmp(what, "verdicts") == 0) {
        ids = verdicts_ids;
        ncols = sizeof(verdicts_ids) / sizeof(verdicts_ids[0]);
        sql = sql_verdicts;
    } else if (what != NULL && strcmp(what, "advice") == 0) {
        struct report_opts o;
        report_opts_init(&o);
        o.authserv_id = authserv_id;
        return export_table(db, what, &o, format, out, err);
    } else {
        return hv_errf(err, HV_EUSAGE,
                       "unknown export '%s' (sessions, verdicts, advice)",
                       what ? what : "");
    }
    sqlite3_stmt *paths = NULL, *q = NULL;
    struct fmt_buf b, tmp;
    struct anon an;
    bool an_open = false;
    struct pairinfo pi;
    struct vcols vc;
    const char *auth = authserv_id ? authserv_id : "localhost";
    bool pi_open = false;
    int qcols = ids == verdicts_ids ? XQCOLS : XQCOLS - 1;
    struct xbatch *xb = xcalloc(1, sizeof(*xb));
    int rc;
    fmt_buf_init(&b);
    fmt_buf_init(&tmp);
    rowcopy_init(&xb->texts);
    /* one read transaction: the walk and the rows see the same sessions */
    bool txn;
    rc = rpt_read_begin(db, &txn, err);
    if (rc == HV_OK)
        rc = readviews_create(db, err);
    if (rc == HV_OK && anonymize) {
        rc = anon_open(&an, db, err);
        an_open = true;
    }
    vcols_init(&vc);
    if (rc == HV_OK && ids == verdicts_ids) {
        rc = pairinfo_open(&pi, db, NULL, true, err);
        pi_open = rc == HV_OK;
        /* every session is read: each one's pair numbered by a walk of
         * the sessions(helo, ip) index beside the CSA and DNA tables, or
         * without that index the two tables preloaded by pair */
        bool walked = false;
        if (rc == HV_OK)
            rc = pairinfo_walk(&pi, &walked, err);
        if (rc == HV_OK && !walked)
            rc = pairinfo_preload(&pi, err);
    }
    if (rc == HV_OK)
        rc = rpt_prepare(db, "SELECT id FROM rv_sources ORDER BY path, id", &paths,
                         err);
    if (rc == HV_OK)
        rc = rpt_prepare(db, sql, &q, err);
    if (rc != HV_OK)
        goto out;
    if (f != XF_JSONL) {
        put_row(&b, f, NULL, NULL, NULL, ids, ncols, NULL, &tmp);
        if (!fmt_buf_write(&b, out))
            goto werr;
    }
    int prc;
    while ((prc = sqlite3_step(paths)) == SQLITE_ROW) {
        sqlite3_bind_value(q, 1, sqlite3_column_value(paths, 0));
        int qrc = SQLITE_ROW;
        while (qrc == SQLITE_ROW) {
            xb->n = 0;
            rowcopy_reset(&xb->texts);
            while (xb->n < XBATCH && (qrc = sqlite3_step(q)) == SQLITE_ROW)
                xbatch_add(xb, q, qcols);
            if (pi_open && pi.walked)
                rc = number_pairs(&pi, &vc, xb, err);
            else if (pi_open)
                hash_pairs(&pi, xb);
            if (rc != HV_OK)
                goto out;
            fmt_buf_reset(&b);
            for (size_t k = 0; k < xb->n; k++) {
                if (pi_open) {
                    rc = verdict_cols(&pi, xb, k, auth, &vc, err);
                    if (rc != HV_OK)
                        goto out;
                }
                put_row(&b, f, xb, xb->v[k], &vc, ids, ncols,
                        an_open ? &an : NULL, &tmp);
            }
            if (!fmt_buf_write(&b, out))
                goto werr;
        }
        rc = rpt_step_done(db, qrc, "export", err);
        if (rc != HV_OK)
            goto out;
        sqlite3_reset(q);
    }
    rc = rpt_step_done(db, prc, "export", err);
    if (rc != HV_OK)
        goto out;
    if (fflush(out) != 0 || ferror(out))
        goto werr;
    goto out;
werr:
    rc = hv_errf(err, HV_EIO, "export: write error");
out:
    sqlite3_finalize(paths);
    sqlite3_finalize(q);
    if (pi_open)
        pairinfo_close(&pi);
    rpt_read_end(db, txn);
    vcols_free(&vc);
    if (an_open)
        anon_close(&an);
    fmt_buf_free(&b);
    fmt_buf_free(&tmp);
    rowcopy_free(&xb->texts);
    free(xb);
    return rc;
}

int export_run(struct store *st, const char *what, const char *format,
               FILE *out, char **err)
{
    return export_db(store_db(st), what, format, NULL, false, out, err);
}

/* put_cell - one cell of a report table in format f into b. */
static void put_cell(struct fmt_buf *b, enum xfmt f, const struct rcell *c)
{
    char num[64];
    const char *s = c->s != NULL ? c->s : "";
    size_t n = c->s != NULL ? c->n : 0;
    if (c->type == RCOL_INT || c->type == RCOL_TIME || c->type == RCOL_PCT) {
        if (c->type == RCOL_PCT)
            snprintf(num, sizeof(num), "%.1f", c->d);
        else if (c->type == RCOL_TIME)
            fmt_iso_time(c->i, num, sizeof(num));
        else
            snprintf(num, sizeof(num), "%lld", c->i);
        if (f != XF_JSONL || c->type == RCOL_TIME) {
            s = num;
            n = strlen(num);
        } else {
            fmt_buf_puts(b, num); /* a JSON number */
            return;
        }
    }
    switch (f) {
    case XF_TSV: fmt_tsv(b, s, n); break;
    case XF_CSV: fmt_csv(b, s, n); break;
    case XF_JSONL: fmt_json(b, s, n); break;
    default: msg_panic("put_cell: unknown export format %d", (int)f);
    }
}

/* put_table_row - row i of t (the header when i is SIZE_MAX) into b. */
static void put_table_row(struct fmt_buf *b, enum xfmt f,
                          const struct rtable *t, size_t i)
{
    if (f == XF_JSONL)
        fmt_buf_puts(b, "{");
    for (size_t k = 0; k < t->ncols; k++) {
        if (k > 0)
            fmt_buf_puts(b, f == XF_TSV ? "\t" : f == XF_CSV ? "," : ", ");
        if (f == XF_JSONL) {
            fmt_json(b, t->cols[k], strlen(t->cols[k]));
            fmt_buf_puts(b, ": ");
        }
        if (i == SIZE_MAX)
            fmt_buf_puts(b, t->cols[k]);
        else
            put_cell(b, f, report_cell(t, i, k));
    }
    fmt_buf_puts(b, f == XF_JSONL ? "}\n" : f == XF_CSV ? "\r\n" : "\n");
}

int export_table(sqlite3 *db, const char *key, const struct report_opts *o,
                 const char *format, FILE *out, char **err)
{
    enum xfmt f;
    int rc0 = xfmt_parse(format, &f, err);
    if (rc0 != HV_OK)
        return rc0;
    if (key == NULL || !report_table_known(key))
        return hv_errf(err, HV_EUSAGE, "unknown export '%s'", key ? key : "");
    struct report_opts ro = *o;
    ro.table = key;
    ro.top = INT_MAX;
    ro.want_figures = false;
    struct report r;
    int rc = report_build(db, &ro, &r, err);
    const struct rtable *t = rc == HV_OK ? report_find(&r, key) : NULL;
    if (rc == HV_OK && (t == NULL || t->kv))
        rc = hv_errf(err, HV_EUSAGE, "export %s: not a table of rows", key);
    struct fmt_buf b;
    fmt_buf_init(&b);
    if (rc == HV_OK && f != XF_JSONL) {
        put_table_row(&b, f, t, SIZE_MAX);
        if (!fmt_buf_write(&b, out))
            rc = hv_errf(err, HV_EIO, "export: write error");
    }
    for (size_t i = 0; rc == HV_OK && i < t->nrows; i++) {
        fmt_buf_reset(&b);
        put_table_row(&b, f, t, i);
        if (!fmt_buf_write(&b, out))
            rc = hv_errf(err, HV_EIO, "export: write error");
    }
    if (rc == HV_OK && (fflush(out) != 0 || ferror(out)))
        rc = hv_errf(err, HV_EIO, "export: write error");
    fmt_buf_free(&b);
    report_free(&r);
    return rc;
}

/* ==== evaluate rows (export_pairs_*) ==== */

/* the columns of an evaluate row: the input echoed, the verdict columns of
 * `export verdicts` (session_cols 9 .. 16), the input error */
#define NCOLS_PAIRS (2 + NCOLS_VERDICTS - NCOLS_SESSIONS + 1)

struct export_pairs {
    sqlite3 *db;
    enum xfmt f;
    const char *auth;
    struct pairinfo pi;
    bool pi_open;
    struct vcols vc;
    struct fmt_buf b;
};

/* pair_col_name - the name of evaluate column i. */
static const char *pair_col_name(int i)
{
    if (i == 0)
        return "ip";
    if (i == 1)
        return "helo";
    if (i == NCOLS_PAIRS - 1)
        return "error";
    return session_cols[NCOLS_SESSIONS + i - 2];
}

/* pairs_forget - drop the pair look-ups and their memos (pi_open false). */
static void pairs_forget(struct export_pairs *w)
{
    if (w->pi_open)
        pairinfo_close(&w->pi);
    w->pi_open = false;
    vcols_free(&w->vc);
}

int export_pairs_open(sqlite3 *db, const char *format, const char *authserv_id,
                      struct export_pairs **out, bool *jsonl, char **err)
{
    enum xfmt f;
    *out = NULL;
    int rc = xfmt_parse(format, &f, err);
    if (rc != HV_OK)
        return rc;
    if (f == XF_CSV)
        return hv_errf(err, HV_EUSAGE, "evaluate reads and writes %s or %s, not %s",
                       xfmt_names[XF_TSV], xfmt_names[XF_JSONL], xfmt_names[XF_CSV]);
    rc = readviews_create(db, err);
    if (rc != HV_OK)
        return rc;
    struct export_pairs *w = xcalloc(1, sizeof(*w));
    w->db = db;
    w->f = f;
    w->auth = authserv_id != NULL ? authserv_id : "localhost";
    vcols_init(&w->vc);
    fmt_buf_init(&w->b);
    *jsonl = f == XF_JSONL;
    *out = w;
    return HV_OK;
}

int export_pairs_refresh(struct export_pairs *w, char **err)
{
    pairs_forget(w);
    int rc = pairinfo_open(&w->pi, w->db, NULL, true, err);
    w->pi_open = rc == HV_OK;
    return rc;
}

/* pairs_put - b gets one evaluate row of cells v (NULL s: empty), or the
 * header when v is NULL. */
static void pairs_put(struct fmt_buf *b, enum xfmt f, const struct pval *v)
{
    if (f == XF_JSONL)
        fmt_buf_puts(b, "{");
    for (int i = 0; i < NCOLS_PAIRS; i++) {
        const char *name = pair_col_name(i);
        if (i > 0)
            fmt_buf_puts(b, f == XF_TSV ? "\t" : ", ");
        if (f == XF_JSONL) {
            fmt_json(b, name, strlen(name));
            fmt_buf_puts(b, ": ");
        }
        if (v == NULL) {
            fmt_buf_puts(b, name);
            continue;
        }
        const char *s = v[i].s != NULL ? v[i].s : "";
        size_t n = v[i].s != NULL ? v[i].n : 0;
        if (f == XF_JSONL)
            fmt_json(b, s, n);
        else
            fmt_tsv(b, s, n);
    }
    fmt_buf_puts(b, f == XF_JSONL ? "}\n" : "\n");
}

int export_pairs_header(struct export_pairs *w, FILE *out, char **err)
{
    fmt_buf_reset(&w->b);
    pairs_put(&w->b, w->f, NULL);
    if (!fmt_buf_write(&w->b, out))
        return hv_errf(err, HV_EIO, "evaluate: write error");
    return HV_OK;
}

int export_pairs_row(struct export_pairs *w, const char *ip, size_t in,
                     const char *helo, size_t hn, const char *error, FILE *out,
                     char **err)
{
    struct pval v[NCOLS_PAIRS];
    memset(v, 0, sizeof(v));
    v[0].s = ip;
    v[0].n = ip != NULL ? in : 0;
    v[1].s = helo;
    v[1].n = helo != NULL ? hn : 0;
    if (error != NULL) {
        v[2 + 6] = pval_str("invalid-input");
        v[NCOLS_PAIRS - 1] = pval_str(error);
    } else {
        if (!w->pi_open)
            msg_panic("export_pairs_row: no export_pairs_refresh");
        const char *h = helo != NULL ? helo : "", *a = ip != NULL ? ip : "";
        int rc = pair_cols(&w->pi, h, v[1].n, a, v[0].n, 0,
                           pairinfo_pair_hash(h, v[1].n, a, v[0].n), false,
                           w->auth, &w->vc, err);
        if (rc != HV_OK)
            return rc;
        for (int i = 0; i < NCOLS_VERDICTS - NCOLS_SESSIONS; i++)
            v[2 + i] = w->vc.v[i];
    }
    fmt_buf_reset(&w->b);
    pairs_put(&w->b, w->f, v);
    if (!fmt_buf_write(&w->b, out))
        return hv_errf(err, HV_EIO, "evaluate: write error");
    return HV_OK;
}

void export_pairs_close(struct export_pairs *w)
{
    if (w == NULL)
        return;
    pairs_forget(w);
    fmt_buf_free(&w->b);
    free(w);
}
