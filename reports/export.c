/* SPDX-License-Identifier: MIT */
/*
 * export - sessions and verdicts as tsv, csv or jsonl (contract in
 * export.h). An outer statement walks the sources by path; an inner one
 * streams each source's sessions by line as one rowid range, so no sort of
 * the whole table is needed; both are stepped by a reading thread that
 * also formats what a session has of its own, while the caller's thread
 * adds the verdict columns and writes. Verdict columns are those of the
 * `verdicts` view, looked up once per distinct (HELO, IP) pair
 * (pairinfo.h), and policy_smtp_reply().
 */
#include "export.h"

#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "anon.h"
#include "batchpipe.h"
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
#define NCOLS_MAX 21      /* columns an export can have */
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
    "SELECT NULL, s.line, s.ts, s.mta, s.ip, s.helo,"
    " s.rdns, s.disposition, s.messages, s.id"
    " FROM rv_sessions s" SOURCE_RANGE " ORDER BY s.id";

/* verdicts: the session columns and whether its HELO is unobserved; the
 * CSA, DNA, verdict, reply and answer age columns come from pairinfo.h (the joins of
 * the `verdicts` view, analyzer/store/schema.c, looked up once per distinct
 * pair: keep the two in step) and policy_smtp_reply. */
static const char sql_verdicts[] =
    "SELECT NULL, s.line, s.ts, s.mta, s.ip, s.helo,"
    " s.rdns, s.disposition, s.messages, s.id, " HV_SQL_HELO_UNOBSERVED
    " FROM rv_sessions s" SOURCE_RANGE " ORDER BY s.id";

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
    /* what names those texts for a caller that keeps what it makes of
     * them: v[0 .. 6]'s pairinfo value numbers + 1 (pair_csv.val), v[7]'s
     * and the domain's number + 1 in texts; 0: not named */
    uint32_t val[NCOLS_VERDICTS - NCOLS_SESSIONS - 1];
    uint32_t reply_num, domain_num;
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
        vc->domain_num = m->domain;
        return;
    }
    regdomain_of_helo(helo, helo ? hn : 0, &vc->made);
    vc->domain.s = fmt_buf_str(&vc->made);
    vc->domain.n = vc->made.len;
    vc->domain_num = 0;
    uint32_t num;
    if (m != NULL && textlist_add(&vc->texts, vc->domain.s, vc->domain.n,
                                  &num)) {
        m->domain = num + 1;
        vc->domain = textlist_get(&vc->texts, num);
        vc->domain_num = num + 1;
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
    vc->val[3] = pc.val[PV_DNA_STATUS]; /* 0 for "unknown" */
    vc->val[4] = pc.val[PV_DNA_GRADE];
    vc->val[5] = pc.val[PV_DNA_SERVICE];
    vc->val[0] = vc->val[1] = vc->val[2] = vc->val[6] = 0;
    vc->reply_num = 0;
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
    vc->val[0] = pc.val[PV_CSA_STATUS];
    vc->val[1] = pc.val[PV_CSA_REASON];
    vc->val[2] = pc.val[PV_CSA_RECORD];
    vc->val[6] = pc.val[PV_ACTION];
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
    vc->reply_num = vc->pair_reply[pc.pair];
    return HV_OK;
}

/* The rows are read, and the columns a session has of its own formatted,
 * by a thread of its own (batchpipe.h) while this one adds the verdict
 * columns and writes: batches of XROWS rows, XBATCHES in flight. The
 * session's own columns are those below NCOLS_SESSIONS, COL_EPOCH and
 * COL_ID; each run of them in a row's column list is one piece of text.
 * Query columns as session_cols numbers them up to 8 (0, the source, is
 * NULL: its path comes from the outer statement), 9 id, 10 (verdicts)
 * whether the HELO is unobserved. */
#define XROWS 512
#define XBATCHES 3
#define XRUNS 3   /* runs of own columns in a row at most */
#define XGROUP 32 /* rows whose pair look-ups are started together */

/* what the verdict columns need of a row, and its own columns' text */
struct xrow {
    int64_t ts, id;
    size_t helo, hn, ip, in; /* offsets in the batch's texts, lengths */
    uint32_t hash;           /* pairinfo_pair_hash of the row's pair */
    uint32_t pair;           /* or its number (a walked pairinfo) */
    bool ts_null, unobs;
    size_t run[XRUNS + 1];   /* run j of own columns: pre[run[j] .. run[j+1]) */
};

struct xbatch {
    struct xrow r[XROWS];
    size_t n;                /* rows held */
    struct rowcopy texts;    /* the rows' HELOs and addresses (verdicts) */
    struct fmt_buf pre;      /* the rows' own columns, formatted */
};

/* own_col - whether column i (session_cols' numbering) is the session's
 * own, formatted by the reading thread. */
static bool own_col(int i)
{
    return i < NCOLS_SESSIONS || i == COL_EPOCH || i == COL_ID;
}

/* put_null - an unknown value: \N in TSV, null in JSONL, empty in CSV. */
static void put_null(struct fmt_buf *b, enum xfmt f)
{
    fmt_buf_puts(b, f == XF_TSV ? "\\N" : f == XF_JSONL ? "null" : "");
}

/* put_text - s[0..n) (NULL: put_null) as one value of format f, masked by
 * an (anon.h) unless an is NULL (tmp: scratch). */
static void put_text(struct fmt_buf *b, enum xfmt f, const char *s, size_t n,
                     const struct anon *an, struct fmt_buf *tmp)
{
    if (s == NULL) {
        put_null(b, f);
        return;
    }
    if (an != NULL) {
        fmt_buf_reset(tmp);
        anon_value(an, tmp, s, n);
        s = fmt_buf_str(tmp);
        n = tmp->len;
    }
    switch (f) {
    case XF_TSV: fmt_tsv(b, s, n); break;
    case XF_CSV: fmt_csv(b, s, n); break;
    case XF_JSONL: fmt_json(b, s, n); break;
    default: msg_panic("put_text: unknown export format %d", (int)f);
    }
}

/* What comes before each column of a record: the separator unless it is
 * the first, and in JSONL the column's name; made once, read by both
 * threads. */
struct xcols {
    const int *ids;          /* the columns (session_cols' numbers) */
    size_t n;
    bool all_own;            /* every column is own_col: the reading
                                thread makes whole records */
    bool own[NCOLS_MAX];     /* column k is own_col */
    bool run_start[NCOLS_MAX]; /* column k begins a run of own columns */
    struct fmt_buf text;     /* the prefixes, one after the other */
    size_t at[NCOLS_MAX + 1];/* prefix k: text[at[k] .. at[k + 1]) */
};

/* xcols_init - the prefixes of the n columns ids (n <= NCOLS_MAX) in
 * format f. */
static void xcols_init(struct xcols *c, enum xfmt f, const int *ids, size_t n)
{
    size_t runs = 0;
    if (n > NCOLS_MAX)
        msg_panic("xcols_init: %zu columns", n);
    c->ids = ids;
    c->n = n;
    c->all_own = true;
    for (size_t k = 0; k < n; k++) {
        c->own[k] = own_col(ids[k]);
        c->run_start[k] = c->own[k] && (k == 0 || !c->own[k - 1]);
        c->all_own = c->all_own && c->own[k];
        runs += c->run_start[k];
    }
    if (runs > XRUNS)
        msg_panic("xcols_init: %zu runs of own columns", runs);
    fmt_buf_init(&c->text);
    for (size_t k = 0; k < n; k++) {
        c->at[k] = c->text.len;
        if (k > 0)
            fmt_buf_puts(&c->text, f == XF_TSV ? "\t" : f == XF_CSV ? "," : ", ");
        if (f == XF_JSONL) {
            fmt_json(&c->text, session_cols[ids[k]], strlen(session_cols[ids[k]]));
            fmt_buf_puts(&c->text, ": ");
        }
    }
    c->at[n] = c->text.len;
}

/* put_record_start - what begins a record (JSONL: its brace). */
static void put_record_start(struct fmt_buf *b, enum xfmt f)
{
    if (f == XF_JSONL)
        fmt_buf_add(b, "{", 1);
}

/* put_record_end - what ends a record. */
static void put_record_end(struct fmt_buf *b, enum xfmt f)
{
    if (f == XF_TSV)
        fmt_buf_add(b, "\n", 1);
    else
        fmt_buf_add(b, f == XF_JSONL ? "}\n" : "\r\n", 2);
}

/* put_sep - the prefix of column k of c. */
static void put_sep(struct fmt_buf *b, const struct xcols *c, size_t k)
{
    fmt_buf_add(b, fmt_buf_str(&c->text) + c->at[k], c->at[k + 1] - c->at[k]);
}

/* put_header - the record that names the columns of c (TSV and CSV;
 * JSONL has none). */
static void put_header(struct fmt_buf *b, enum xfmt f, const struct xcols *c)
{
    for (size_t k = 0; k < c->n; k++) {
        put_sep(b, c, k);
        fmt_buf_puts(b, session_cols[c->ids[k]]);
    }
    put_record_end(b, f);
}

/* what the reading thread owns while the rows are read: both statements,
 * their connection, and its own scratch */
struct xreader {
    sqlite3_stmt *paths;     /* the sources: id, path */
    sqlite3_stmt *q;         /* one source's sessions (sql_sessions ..) */
    enum xfmt f;
    const struct xcols *cols;
    bool verdicts;           /* the query has column 10; keep HELO and IP */
    const struct anon *an;   /* masks values, or NULL */
    struct fmt_buf tmp;      /* anon's scratch */
    struct fmt_buf path;     /* the source's path, formatted */
    bool in_source;          /* q is bound to a source it has not finished */
    int st;                  /* the last step's result */
};

/* put_own - own column i of the row r->q is on into b. */
static void put_own(struct xreader *r, struct fmt_buf *b, int i)
{
    sqlite3_stmt *q = r->q;
    if (i == 0) { /* source: formatted once per source */
        fmt_buf_add(b, fmt_buf_str(&r->path), r->path.len);
        return;
    }
    if (i == 1 || i == 8 || i == COL_ID) { /* line, messages, session_id */
        fmt_buf_int(b, (long long)sqlite3_column_int64(q, i == COL_ID ? 9 : i));
        return;
    }
    if (i == 2 || i == COL_EPOCH) { /* time, time_epoch: never masked */
        if (sqlite3_column_type(q, 2) == SQLITE_NULL) {
            put_null(b, r->f);
        } else if (i == COL_EPOCH) {
            fmt_buf_int(b, (long long)sqlite3_column_int64(q, 2));
        } else {
            char tbuf[32];
            fmt_iso_time(sqlite3_column_int64(q, 2), tbuf, sizeof(tbuf));
            if (r->f == XF_TSV) /* digits, dashes, colons, T, Z */
                fmt_buf_add(b, tbuf, strlen(tbuf));
            else
                put_text(b, r->f, tbuf, strlen(tbuf), NULL, NULL);
        }
        return;
    }
    const char *s = (const char *)sqlite3_column_text(q, i);
    put_text(b, r->f, s, (size_t)sqlite3_column_bytes(q, i), r->an, &r->tmp);
}

/* read_row - the row r->q is on into the next row of b: its own columns
 * formatted, what its verdict columns need copied. */
static void read_row(struct xreader *r, struct xbatch *b)
{
    sqlite3_stmt *q = r->q;
    struct xrow *x = &b->r[b->n++];
    x->ts_null = sqlite3_column_type(q, 2) == SQLITE_NULL;
    x->ts = sqlite3_column_int64(q, 2);
    x->id = sqlite3_column_int64(q, 9);
    x->unobs = false;
    x->helo = x->ip = ROWCOPY_NULL;
    x->hn = x->in = 0;
    if (r->verdicts) {
        x->unobs = sqlite3_column_int64(q, 10) != 0;
        x->ip = rowcopy_add(&b->texts, q, 4, &x->in);
        x->helo = rowcopy_add(&b->texts, q, 5, &x->hn);
    }
    const struct xcols *c = r->cols;
    size_t run = 0;
    if (c->all_own)
        put_record_start(&b->pre, r->f);
    for (size_t k = 0; k < c->n; k++) {
        if (!c->own[k])
            continue;
        if (c->run_start[k])
            x->run[run++] = b->pre.len;
        put_sep(&b->pre, c, k);
        put_own(r, &b->pre, c->ids[k]);
    }
    if (c->all_own)
        put_record_end(&b->pre, r->f);
    x->run[run] = b->pre.len;
}

/* fill_rows - (batchpipe_fill) the next rows, source after source, into
 * the empty batch; false once the sources are done or a step failed
 * (r->st). */
static bool fill_rows(void *arg, void *batch)
{
    struct xreader *r = arg;
    struct xbatch *b = batch;
    b->n = 0;
    rowcopy_reset(&b->texts);
    fmt_buf_reset(&b->pre);
    while (b->n < XROWS) {
        if (!r->in_source) {
            if ((r->st = sqlite3_step(r->paths)) != SQLITE_ROW)
                return false;
            sqlite3_reset(r->q);
            sqlite3_bind_int64(r->q, 1, sqlite3_column_int64(r->paths, 0));
            fmt_buf_reset(&r->path);
            put_text(&r->path, r->f,
                     (const char *)sqlite3_column_text(r->paths, 1),
                     (size_t)sqlite3_column_bytes(r->paths, 1), r->an, &r->tmp);
            r->in_source = true;
        }
        if ((r->st = sqlite3_step(r->q)) == SQLITE_ROW)
            read_row(r, b);
        else if (r->st == SQLITE_DONE)
            r->in_source = false;
        else
            return false;
    }
    return true;
}

/* xtext - the text at off in b (NULL for ROWCOPY_NULL). */
static const char *xtext(const struct xbatch *b, size_t off)
{
    return rowcopy_text(&b->texts, off);
}

/* hash_pairs - the pairs' hashes of rows [from, to) of b, and their
 * look-ups started step by step over them (rows whose HELO is unobserved
 * look up only their HELO). */
static void hash_pairs(const struct pairinfo *pi, struct xbatch *b,
                       size_t from, size_t to)
{
    for (size_t k = from; k < to; k++) {
        struct xrow *x = &b->r[k];
        const char *h = xtext(b, x->helo), *ip = xtext(b, x->ip);
        x->hash = x->unobs ? 0
                           : pairinfo_pair_hash(h ? h : "", x->hn,
                                                ip ? ip : "", x->in);
    }
    for (int step = 0; step < 3; step++)
        for (size_t k = from; k < to; k++)
            if (!b->r[k].unobs)
                pairinfo_prefetch(pi, b->r[k].hash, step);
}

/* number_pairs - (a walked pairinfo) the pair numbers of rows [from, to)
 * of b, and what the verdict columns read of them (pairinfo_pair, the
 * memos of vc) loaded step by step over them. HV_OK or HV_EDB. */
static int number_pairs(struct pairinfo *pi, const struct vcols *vc,
                        struct xbatch *b, size_t from, size_t to, char **err)
{
    for (size_t k = from; k < to; k++) {
        struct xrow *x = &b->r[k];
        int rc = pairinfo_session_pair(pi, x->id, &x->pair, err);
        if (rc != HV_OK)
            return rc;
        pairinfo_pair_prefetch(pi, x->pair, 0);
        if (x->pair < vc->cap)
            __builtin_prefetch(&vc->pair_reply[x->pair]);
    }
    for (size_t k = from; k < to; k++) {
        pairinfo_pair_prefetch(pi, b->r[k].pair, 1);
        size_t h = pairinfo_pair_helo(pi, b->r[k].pair);
        if (h < vc->helo_cap)
            __builtin_prefetch(&vc->helo[h]);
    }
    return HV_OK;
}

/* Texts the writer formats once and copies after: the pairinfo values
 * and the domains and replies of vcols, each by its number (most rows
 * repeat a few statuses, and a HELO's domain and reply). */
struct fmtcache {
    struct textlist made;    /* the formatted texts that differ */
    uint32_t *of;            /* by number - 1: its formatted text + 1, 0:
                                none yet, FMT_AS_IS: the text itself,
                                FMT_QUOTED: the text in double quotes */
    size_t cap;
};
#define FMT_AS_IS UINT32_MAX       /* most TSV and CSV values */
#define FMT_QUOTED (UINT32_MAX - 1) /* most JSONL values */

/* fmtcache_init - an empty cache (allocates nothing yet). */
static void fmtcache_init(struct fmtcache *c)
{
    memset(c, 0, sizeof(*c));
    fmt_buf_init(&c->made.bytes);
}

/* fmtcache_free - what c holds; c is empty after (and ready for use). */
static void fmtcache_free(struct fmtcache *c)
{
    fmt_buf_free(&c->made.bytes);
    free(c->made.at);
    free(c->of);
    fmtcache_init(c);
}

/* what this thread owns while the rows are written */
struct xwriter {
    enum xfmt f;
    const struct xcols *cols;
    struct pairinfo *pi;     /* verdicts: the pairs' CSA and DNA, or NULL */
    struct vcols vc;
    const char *auth;        /* authserv-id of the replies */
    const struct anon *an;
    struct fmt_buf out, tmp;
    struct fmtcache vals;    /* pairinfo values by number (vcols.val) */
    struct fmtcache texts;   /* vcols' texts by number (reply, domain) */
    struct fmt_buf one;      /* a value being formatted */
    FILE *fp;
};

/* put_named - v (NULL: put_null) into w->out as put_text formats it, by
 * way of c when num (the number + 1 that names its text there) is not 0. */
static void put_named(struct xwriter *w, struct fmtcache *c, uint32_t num,
                      struct pval v)
{
    if (num == 0 || v.s == NULL) {
        put_text(&w->out, w->f, v.s, v.n, w->an, &w->tmp);
        return;
    }
    if (num > c->cap) {
        size_t cap = c->cap ? 2 * c->cap : 1024;
        while (cap < num)
            cap *= 2;
        c->of = xrealloc(c->of, cap * sizeof(*c->of));
        memset(c->of + c->cap, 0, (cap - c->cap) * sizeof(*c->of));
        c->cap = cap;
    }
    if (c->of[num - 1] == 0) {
        uint32_t made;
        fmt_buf_reset(&w->one);
        put_text(&w->one, w->f, v.s, v.n, w->an, &w->tmp);
        const char *o = fmt_buf_str(&w->one);
        if (w->one.len == v.n && memcmp(o, v.s, v.n) == 0) {
            c->of[num - 1] = FMT_AS_IS;
        } else if (w->one.len == v.n + 2 && o[0] == '"' && o[v.n + 1] == '"' &&
                   memcmp(o + 1, v.s, v.n) == 0) {
            c->of[num - 1] = FMT_QUOTED;
        } else if (!textlist_add(&c->made, fmt_buf_str(&w->one), w->one.len,
                                 &made)) {
            fmt_buf_add(&w->out, fmt_buf_str(&w->one), w->one.len); /* full */
            return;
        } else {
            c->of[num - 1] = made + 1;
        }
    }
    if (c->of[num - 1] == FMT_AS_IS || c->of[num - 1] == FMT_QUOTED) {
        bool quoted = c->of[num - 1] == FMT_QUOTED;
        if (quoted)
            fmt_buf_add(&w->out, "\"", 1);
        fmt_buf_add(&w->out, v.s, v.n);
        if (quoted)
            fmt_buf_add(&w->out, "\"", 1);
        return;
    }
    struct pval f = textlist_get(&c->made, c->of[num - 1] - 1);
    fmt_buf_add(&w->out, f.s, f.n);
}

/* put_verdict_col - verdict column i (one that is not own_col) of row x
 * from w->vc into w->out, masked by w->an unless it is NULL or a
 * number. */
static void put_verdict_col(struct xwriter *w, const struct xrow *x, int i)
{
    const struct vcols *vc = &w->vc;
    if (i == COL_DNS_AGE) { /* the CSA answer's time - the session's */
        if (vc->csa_at == PAIRINFO_NO_TIME || x->ts_null)
            put_null(&w->out, w->f);
        else
            fmt_buf_int(&w->out, (long long)(vc->csa_at - x->ts));
    } else if (i == COL_DOMAIN) {
        if (x->helo == ROWCOPY_NULL) /* no HELO */
            put_null(&w->out, w->f);
        else
            put_named(w, &w->texts, vc->domain_num, vc->domain);
    } else if (i == NCOLS_VERDICTS - 1) { /* smtp_reply */
        put_named(w, &w->texts, vc->reply_num, vc->v[i - NCOLS_SESSIONS]);
    } else {
        put_named(w, &w->vals, vc->val[i - NCOLS_SESSIONS],
                  vc->v[i - NCOLS_SESSIONS]);
    }
}

/* put_row - the record of row k of b into w->out: its own columns as the
 * reading thread made them, the verdict columns from w->vc. */
static void put_row(struct xwriter *w, const struct xbatch *b, size_t k)
{
    const struct xrow *x = &b->r[k];
    const struct xcols *cols = w->cols;
    const char *pre = fmt_buf_str(&b->pre);
    size_t run = 0;
    put_record_start(&w->out, w->f);
    for (size_t c = 0; c < cols->n; c++) {
        if (cols->run_start[c]) {
            fmt_buf_add(&w->out, pre + x->run[run],
                        x->run[run + 1] - x->run[run]);
            run++;
        }
        if (cols->own[c])
            continue;
        put_sep(&w->out, cols, c);
        put_verdict_col(w, x, cols->ids[c]);
    }
    put_record_end(&w->out, w->f);
}

/* write_batch - the records of b's rows to w->fp. HV_OK, HV_EDB (a
 * session the walk did not see) or HV_EIO. */
static int write_batch(struct xwriter *w, struct xbatch *b, char **err)
{
    struct pairinfo *pi = w->pi;
    if (w->cols->all_own) { /* whole records: written as they are */
        if (!fmt_buf_write(&b->pre, w->fp))
            return hv_errf(err, HV_EIO, "export: write error");
        return HV_OK;
    }
    fmt_buf_reset(&w->out);
    for (size_t g = 0; g < b->n; g += XGROUP) {
        size_t end = g + XGROUP < b->n ? g + XGROUP : b->n;
        if (pi != NULL && pi->walked) {
            int rc = number_pairs(pi, &w->vc, b, g, end, err);
            if (rc != HV_OK)
                return rc;
        } else if (pi != NULL) {
            hash_pairs(pi, b, g, end);
        }
        for (size_t k = g; k < end; k++) {
            const struct xrow *x = &b->r[k];
            if (pi != NULL) {
                int rc = pair_cols(pi, xtext(b, x->helo), x->hn,
                                   xtext(b, x->ip), x->in, x->pair, x->hash,
                                   x->unobs, w->auth, &w->vc, err);
                if (rc != HV_OK)
                    return rc;
            }
            put_row(w, b, k);
        }
    }
    if (!fmt_buf_write(&w->out, w->fp))
        return hv_errf(err, HV_EIO, "export: write error");
    return HV_OK;
}

/* xreader_init - a reader of rows in format f for the columns of c
 * (verdicts: the query has column 10), masked by an unless it is NULL;
 * its statements are set by the caller. */
static void xreader_init(struct xreader *r, enum xfmt f,
                         const struct xcols *c, bool verdicts,
                         const struct anon *an)
{
    memset(r, 0, sizeof(*r));
    r->f = f;
    r->cols = c;
    r->verdicts = verdicts;
    r->an = an;
    r->st = SQLITE_DONE;
    fmt_buf_init(&r->tmp);
    fmt_buf_init(&r->path);
}

/* xreader_free - what r holds (not its statements). */
static void xreader_free(struct xreader *r)
{
    fmt_buf_free(&r->tmp);
    fmt_buf_free(&r->path);
}

/* xwriter_init - a writer of records in format f for the columns of c to
 * fp, with the replies of authserv-id auth (NULL: "localhost"), masked by
 * an unless it is NULL; its pairinfo (verdicts) is set by the caller. */
static void xwriter_init(struct xwriter *w, enum xfmt f,
                         const struct xcols *c, const char *auth,
                         const struct anon *an, FILE *fp)
{
    memset(w, 0, sizeof(*w));
    w->f = f;
    w->cols = c;
    w->auth = auth != NULL ? auth : "localhost";
    w->an = an;
    w->fp = fp;
    vcols_init(&w->vc);
    fmt_buf_init(&w->out);
    fmt_buf_init(&w->tmp);
    fmt_buf_init(&w->one);
    fmtcache_init(&w->vals);
    fmtcache_init(&w->texts);
}

/* xwriter_free - what w holds (not its pairinfo). */
static void xwriter_free(struct xwriter *w)
{
    vcols_free(&w->vc);
    fmt_buf_free(&w->out);
    fmt_buf_free(&w->tmp);
    fmt_buf_free(&w->one);
    fmtcache_free(&w->vals);
    fmtcache_free(&w->texts);
}

/* write_rows - every row r reads, written by w, the reading in a thread
 * of its own (w's pairinfo, walked or preloaded, asks the database
 * nothing). HV_OK, or the first error of the writing or (HV_EDB) of the
 * reading. */
static int write_rows(sqlite3 *db, struct xreader *r, struct xwriter *w,
                      char **err)
{
    struct xbatch *batches = xcalloc(XBATCHES, sizeof(*batches));
    void *slots[XBATCHES];
    for (size_t i = 0; i < XBATCHES; i++) {
        rowcopy_init(&batches[i].texts);
        fmt_buf_init(&batches[i].pre);
        slots[i] = &batches[i];
    }
    int rc = HV_OK;
    /* r's statements and db are the pipe's until it is freed */
    struct batchpipe *pipe = batchpipe_new(slots, XBATCHES, fill_rows, r);
    struct xbatch *b;
    while (rc == HV_OK && (b = batchpipe_next(pipe)) != NULL) {
        rc = write_batch(w, b, err);
        batchpipe_done(pipe, b);
    }
    batchpipe_free(pipe);
    if (rc == HV_OK)
        rc = rpt_step_done(db, r->st, "export", err);
    for (size_t i = 0; i < XBATCHES; i++) {
        rowcopy_free(&batches[i].texts);
        fmt_buf_free(&batches[i].pre);
    }
    free(batches);
    return rc;
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
    struct anon an;
    bool an_open = false;
    struct pairinfo pi;
    bool pi_open = false;
    struct xcols cols;
    xcols_init(&cols, f, ids, ncols);
    struct xreader r;
    struct xwriter w;
    xreader_init(&r, f, &cols, ids == verdicts_ids, anonymize ? &an : NULL);
    xwriter_init(&w, f, &cols, authserv_id, anonymize ? &an : NULL, out);
    /* one read transaction: the walk and the rows see the same sessions */
    bool txn;
    int rc = rpt_read_begin(db, &txn, err);
    if (rc == HV_OK)
        rc = readviews_create(db, err);
    if (rc == HV_OK && anonymize) {
        rc = anon_open(&an, db, err);
        an_open = true;
    }
    if (rc == HV_OK && r.verdicts) {
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
        w.pi = &pi;
    }
    if (rc == HV_OK)
        rc = rpt_prepare(db, "SELECT id, path FROM rv_sources ORDER BY path, id",
                         &r.paths, err);
    if (rc == HV_OK)
        rc = rpt_prepare(db, sql, &r.q, err);
    if (rc == HV_OK && f != XF_JSONL) {
        put_header(&w.out, f, &cols);
        if (!fmt_buf_write(&w.out, out))
            rc = hv_errf(err, HV_EIO, "export: write error");
    }
    if (rc == HV_OK)
        rc = write_rows(db, &r, &w, err);
    if (rc == HV_OK && (fflush(out) != 0 || ferror(out)))
        rc = hv_errf(err, HV_EIO, "export: write error");
    sqlite3_finalize(r.paths);
    sqlite3_finalize(r.q);
    if (pi_open)
        pairinfo_close(&pi);
    rpt_read_end(db, txn);
    if (an_open)
        anon_close(&an);
    xreader_free(&r);
    xwriter_free(&w);
    fmt_buf_free(&cols.text);
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
