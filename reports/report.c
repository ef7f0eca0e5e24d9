/* SPDX-License-Identifier: MIT */
/*
 * report - the report's data model. One pass in C over the sessions in
 * range (pairmap.h) counts each distinct (HELO, client IP) pair and keeps
 * each session's time bucket; each pair's CSA, DNA and verdict (pairinfo.h),
 * HELO class, domain and network are computed once, and the pairs the SQL
 * tables read (workrows.h) go into the TEMP work table hv_p, every pair
 * summed over the per-status columns into hv_g;
 * the time series is counted from the buckets once the verdicts are known.
 * The per-status tables are small GROUP BYs over hv_g; the summary's sums,
 * the distinct counts and the top lists are worked out in C from the pairs
 * (pairtops.h), the sessions per source in the same pass, the publishing
 * domains too (workrows.h); the senders, advice and drift tables read
 * hv_p in SQL.
 * Renderers live in report_<format>.c.
 *
 * Heuristics (documented in the README):
 *  - "domain" of a HELO: for an FQDN its registered domain by the Public
 *    Suffix List, ICANN section (regdomain.h); lower-cased, trailing dot
 *    dropped. Address literals, bare IPs, bare and invalid names stand for
 *    themselves (lower-cased); no HELO is "".
 *  - "network" of a client: the /24 of an IPv4 address, the /48 of IPv6.
 */
#include "report.h"
#include "schema.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "advice.h"
#include "anon.h"
#include "ascii.h"
#include "batchpipe.h"
#include "fmt.h"
#include "csvsql.h"
#include "headline.h"
#include "trend.h"
#include "heloname.h"
#include "keymap.h"
#include "lineio.h"
#include "msg.h"
#include "pairinfo.h"
#include "pairmap.h"
#include "pairsort.h"
#include "pairtops.h"
#include "policy.h"
#include "readviews.h"
#include "i32select.h"
#include "regdomain.h"
#include "rowcopy.h"
#include "rptsql.h"
#include "runs_report.h"
#include "spamham.h"
#include "tstamp.h"
#include "twinread.h"
#include "whatif.h"
#include "workrows.h"
#include "xmem.h"

/* ==== Options, errors, time ==== */

void report_opts_init(struct report_opts *o)
{
    memset(o, 0, sizeof(*o)); /* every flag off (anonymize, want_figures,
                               * compare_previous, ...) */
    o->format = NULL;
    o->output = NULL;
    o->stream = NULL;
    o->since = LLONG_MIN;
    o->until = LLONG_MAX;
    o->top = 10;
    o->policy_file = NULL;
    o->table = NULL;
    o->color = -1;
    o->authserv_id = NULL;
    o->ncompare = 0;
}

/* digits - parse exactly n decimal digits at *p (advancing); -1 if not. */
static long long digits(const char **p, int n)
{
    long long v = 0;
    for (int i = 0; i < n; i++) {
        unsigned char c = (unsigned char)(*p)[i];
        if (!is_digit(c))
            return -1;
        v = v * 10 + (c - '0');
    }
    *p += n;
    return v;
}

bool report_parse_time(const char *text, long long now, long long *out)
{
    const char *p = text;
    long long day0 = now >= 0 ? now / 86400 * 86400
                              : (now - 86399) / 86400 * 86400;
    if (text == NULL || *text == '\0')
        return false;
    if (strcmp(text, "now") == 0) {
        *out = now;
        return true;
    }
    if (strcmp(text, "today") == 0) {
        *out = day0;
        return true;
    }
    if (strcmp(text, "yesterday") == 0) {
        *out = day0 - 86400;
        return true;
    }
    if (text[0] == '-') {
        char *end;
        errno = 0;
        long long n = strtoll(text + 1, &end, 10);
        long long unit;
        if (errno != 0 || end == text + 1 || n < 0 ||
            !is_digit(text[1]))
            return false;
        switch (*end) {
        case 's': unit = 1; break;
        case 'm': unit = 60; break;
        case 'h': unit = 3600; break;
        case 'd': unit = 86400; break;
        case 'w': unit = 7 * 86400; break;
        default: return false;
        }
        if (end[1] != '\0' || n > 1000000000LL / unit * 100)
            return false;
        *out = now - n * unit;
        return true;
    }
    size_t len = strlen(text);
    if (strspn(text, "0123456789") == len) {
        char *end;
        errno = 0;
        long long v = strtoll(text, &end, 10);
        if (errno != 0 || len > 12)
            return false;
        *out = v;
        return true;
    }
    long long y = digits(&p, 4);
    if (y < 0 || *p++ != '-')
        return false;
    long long mo = digits(&p, 2);
    if (mo < 1 || mo > 12 || *p++ != '-')
        return false;
    long long d = digits(&p, 2);
    static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (d < 1 || d > mdays[mo - 1])
        return false;
    if (mo == 2 && d == 29 && !(y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)))
        return false;
    long long hh = 0, mm = 0, ss = 0;
    if (*p == 'T' || *p == 't' || *p == ' ') {
        p++;
        hh = digits(&p, 2);
        if (hh < 0 || hh > 23 || *p++ != ':')
            return false;
        mm = digits(&p, 2);
        if (mm < 0 || mm > 59)
            return false;
        if (*p == ':') {
            p++;
            ss = digits(&p, 2);
            if (ss < 0 || ss > 60)
                return false;
        }
        if (*p == 'Z' || *p == 'z')
            p++;
    }
    if (*p != '\0')
        return false;
    *out = tstamp_days_from_civil(y, (int)mo, (int)d) * 86400 + hh * 3600 +
           mm * 60 + ss;
    return true;
}

/* ==== SQL helper functions ==== */

/* sql_rdomain - hv_rdomain(helo, class) -> regdomain_helo (kept for SQL
 * and the tests of the domain rule). */
static void sql_rdomain(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    const char *helo = (const char *)sqlite3_value_text(argv[0]);
    const char *cls = (const char *)sqlite3_value_text(argv[1]);
    struct fmt_buf b;
    fmt_buf_init(&b);
    regdomain_helo(helo != NULL ? helo : "",
               helo != NULL ? (size_t)sqlite3_value_bytes(argv[0]) : 0,
               cls != NULL ? cls : "", &b);
    sqlite3_result_text(ctx, fmt_buf_str(&b), (int)b.len, SQLITE_TRANSIENT);
    fmt_buf_free(&b);
}

/* sql_net - hv_net(ip) -> pairtops_net_of, the input itself when it is not an
 * address, NULL for NULL. */
static void sql_net(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    const char *ip = (const char *)sqlite3_value_text(argv[0]);
    char txt[INET6_ADDRSTRLEN + 8];
    if (ip == NULL)
        sqlite3_result_null(ctx);
    else if (pairtops_net_of(ip, txt, sizeof(txt)))
        sqlite3_result_text(ctx, txt, -1, SQLITE_TRANSIENT);
    else
        sqlite3_result_value(ctx, argv[0]);
}

/* ==== Tables ==== */

/* rt_new - a table with ncols columns named by a comma list and typed by a
 * string of letters: t=text i=int p=pct s=time. */
static struct rtable *rt_new(struct report *r, const char *key,
                             const char *title, const char *cols,
                             const char *types)
{
    struct rtable *t = xcalloc(1, sizeof(*t));
    t->key = key;
    t->title = title;
    const char *p = cols;
    while (*p != '\0' && t->ncols < RT_MAXCOLS) {
        size_t n = strcspn(p, ",");
        if (n >= sizeof(t->colbuf[0]))
            n = sizeof(t->colbuf[0]) - 1;
        memcpy(t->colbuf[t->ncols], p, n);
        t->colbuf[t->ncols][n] = '\0';
        t->cols[t->ncols] = t->colbuf[t->ncols];
        char ty = types[t->ncols];
        t->types[t->ncols] = ty == 'i' ? RCOL_INT
                             : ty == 'p' ? RCOL_PCT
                             : ty == 's' ? RCOL_TIME
                                         : RCOL_TEXT;
        t->ncols++;
        p += strcspn(p, ",");
        if (*p == ',')
            p++;
    }
    if (r->ntables < sizeof(r->tables) / sizeof(r->tables[0]))
        r->tables[r->ntables++] = t;
    return t;
}

struct rcell *report_row_add(struct rtable *t)
{
    if (t->nrows == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 16;
        t->cells = xrealloc(t->cells, t->cap * t->ncols * sizeof(*t->cells));
    }
    struct rcell *c = t->cells + t->nrows * t->ncols;
    memset(c, 0, t->ncols * sizeof(*c));
    t->nrows++;
    return c;
}

void report_cell_text(struct rcell *c, const char *s, size_t n)
{
    c->type = RCOL_TEXT;
    c->s = xmemdup0(s, n);
    c->n = n;
}

/* cell_set - fill a cell from a result column according to type. */
static void cell_set(struct rcell *c, enum rcol_type type, sqlite3_stmt *q,
                     int i)
{
    int st = sqlite3_column_type(q, i);
    c->type = type;
    if (st == SQLITE_NULL) {
        c->null = true;
        if (type == RCOL_TEXT) {
            c->s = xstrdup("");
            c->n = 0;
        }
        return;
    }
    switch (type) {
    case RCOL_TEXT: {
        const unsigned char *s = sqlite3_column_text(q, i);
        c->n = (size_t)sqlite3_column_bytes(q, i);
        c->s = xmemdup0(s != NULL ? (const char *)s : "", c->n);
        break;
    }
    case RCOL_PCT: c->d = sqlite3_column_double(q, i); break;
    case RCOL_INT:
    case RCOL_TIME: c->i = sqlite3_column_int64(q, i); break;
    default: msg_panic("cell_set: unknown column type %d", (int)type);
    }
}

/* the class and domain of the last HELO bind_pair classified */
struct helo_memo {
    bool set;
    struct fmt_buf helo, domain;
    const char *cls;
    struct regdomain_memo psl;   /* the list's answers for domains */
};

/* a source's sessions in range (sessions.id >> 32 is its source's id) */
struct srcn {
    long long id, n;
};

struct ctx {
    sqlite3 *db;
    struct report *r;
    const struct report_opts *o;
    char **err;
    bool has_span;          /* any session with a time in range */
    long long first, last;  /* its first and last session time */
    long long step;         /* time series bucket: 3600 or 86400 */
    long long b0, nb;       /* the series' first bucket, bucket count */
    long long *counts;      /* nb * SERIES_W series counts (make_work) */
    struct pairtops pt;     /* sums, distinct counts, top lists over the
                               pairs (make_work) */
    struct helo_memo helo_memo; /* bind_pair's */
    bool pairs_sorted;      /* bind_pair sees the pairs in pairsort's
                               order (make_work) */
    struct workrows wr;     /* which pairs hv_p holds; the publishing
                               domains (make_work) */
    size_t work_rows;       /* the rows written to hv_p */
    struct srcn *srcs;      /* sessions per source in range, by id */
    size_t nsrcs, srcs_cap, src_last;
    struct whatif *wi;      /* --compare-policy (whatif.h), NULL: none */
    struct report prev;     /* --compare-previous: its headline (trend.h) */
    long long unbucketed;   /* sessions with a time the series left out */
    int32_t *pair_at;       /* per pair: its CSA answer's time - b0, or
                               AT_NONE (make_work) */
    bool at_far;            /* an answer time pair_at cannot hold */
    bool age_done;          /* age holds dns_age, worked out in make_work */
    struct dns_age_stats age;
};

/* prep - prepare sql into *out (read-only, or writing TEMP objects only
 * when temp: rptsql.h) and bind :top, :since, :until, :auth when present.
 * HV_OK, or HV_EDB / HV_EWRITE with *c->err set and *out NULL. */
static int prep(struct ctx *c, const char *sql, bool temp, sqlite3_stmt **out)
{
    sqlite3_stmt *q = NULL;
    int rc = temp ? rpt_prepare_temp(c->db, sql, NULL, &q, c->err)
                  : rpt_prepare(c->db, sql, &q, c->err);
    *out = q;
    if (rc != HV_OK)
        return rc;
    int i = sqlite3_bind_parameter_index(q, ":top");
    if (i > 0)
        sqlite3_bind_int(q, i, c->o->top);
    i = sqlite3_bind_parameter_index(q, ":since");
    if (i > 0)
        sqlite3_bind_int64(q, i, c->o->since);
    i = sqlite3_bind_parameter_index(q, ":until");
    if (i > 0)
        sqlite3_bind_int64(q, i, c->o->until);
    i = sqlite3_bind_parameter_index(q, ":auth");
    if (i > 0)
        sqlite3_bind_text(q, i, c->r->authserv_id, -1, SQLITE_STATIC);
    i = sqlite3_bind_parameter_index(q, ":w");
    if (i > 0)
        sqlite3_bind_int64(q, i, c->step);
    const struct pairtops_sums *ps = &c->pt.sums;
    const struct {
        const char *name;
        long long v;
    } figures[] = {
        {":dips", c->pt.distinct_ips},
        {":dhelos", c->pt.distinct_helos},
        {":sessions", ps->sessions},
        {":messages", ps->messages},
        {":helo_known", ps->helo_known},
        {":helo_from_log", ps->helo_from_log},
        {":helo_implied", ps->helo_implied},
        {":helo_from_received", ps->helo_from_received},
        {":helo_unknown", ps->helo_unknown},
        {":helo_absent", ps->helo_absent},
        {":helo_unobserved", ps->helo_unobserved},
        {":accepted_unevaluated", ps->accepted_unevaluated},
        {":resolved_sessions", ps->resolved_sessions},
        {":pub_domains", c->wr.domains},
        {":pub_publishing", c->wr.domains_publishing},
    };
    for (size_t k = 0; k < sizeof(figures) / sizeof(figures[0]); k++) {
        i = sqlite3_bind_parameter_index(q, figures[k].name);
        if (i > 0)
            sqlite3_bind_int64(q, i, figures[k].v);
    }
    for (int k = 0; k < PAIRTOPS_NCLS; k++) {
        /* :c1 .. :c6 the classes in their order, :h1 .. :h6 their HELOs */
        char name[4] = {':', 'h', (char)('1' + k), '\0'};
        i = sqlite3_bind_parameter_index(q, name);
        if (i > 0)
            sqlite3_bind_int64(q, i, c->pt.distinct_cls[k]);
        name[1] = 'c';
        i = sqlite3_bind_parameter_index(q, name);
        if (i > 0)
            sqlite3_bind_text(q, i, pairtops_classes[k], -1, SQLITE_STATIC);
    }
    i = sqlite3_bind_parameter_index(q, ":first");
    if (i > 0 && c->has_span)
        sqlite3_bind_int64(q, i, c->first);
    i = sqlite3_bind_parameter_index(q, ":last");
    if (i > 0 && c->has_span)
        sqlite3_bind_int64(q, i, c->last);
    return HV_OK;
}

/* status_field - the value of a /proc/self/status line that starts with
 * name (as "VmHWM:") into out, without its blanks and newline; out is
 * left as it is for any other line. */
static void status_field(const char *line, const char *name, char *out,
                         size_t size)
{
    size_t n = strlen(name);
    if (strncmp(line, name, n) != 0)
        return;
    snprintf(out, size, "%s", line + n + strspn(line + n, " \t"));
    out[strcspn(out, "\n")] = '\0';
}

/* timing - with HV_REPORT_TIMING set in the environment, print how long
 * each step took, the peak resident size so far and the present one to
 * stderr (a benchmark aid; off by default). */
static void timing(const char *what, struct timespec *t0)
{
    struct timespec t1;
    if (getenv("HV_REPORT_TIMING") == NULL)
        return;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    /* the peak and the present resident size, from Linux's /proc (else
     * blank) */
    char line[128], hwm[64] = "", rss[64] = "";
    FILE *st = fopen("/proc/self/status", "r");
    while (st != NULL && fgets(line, sizeof(line), st) != NULL) {
        status_field(line, "VmHWM:", hwm, sizeof(hwm));
        status_field(line, "VmRSS:", rss, sizeof(rss));
    }
    if (st != NULL)
        fclose(st);
    fprintf(stderr, "report: %-28s %.3f s  peak %s now %s\n", what,
            (double)(t1.tv_sec - t0->tv_sec) +
                (double)(t1.tv_nsec - t0->tv_nsec) / 1e9, hwm, rss);
    *t0 = t1;
}

/* fill_done - end a table query: turn a last step result other than
 * SQLITE_DONE into the report error, finalize q, report its time. HV_OK or
 * HV_EDB. */
static int fill_done(struct ctx *c, const struct rtable *t, sqlite3_stmt *q, int rc,
                     struct timespec *t0)
{
    rc = rpt_step_done(c->db, rc, "report query failed", c->err);
    sqlite3_finalize(q);
    timing(t->key, t0);
    return rc;
}

/* fill - run sql; every result row becomes a row of t (columns in order). */
static int fill(struct ctx *c, struct rtable *t, const char *sql)
{
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    sqlite3_stmt *q;
    int rc = prep(c, sql, false, &q);
    if (rc != HV_OK)
        return rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        struct rcell *row = report_row_add(t);
        for (size_t i = 0; i < t->ncols; i++)
            cell_set(&row[i], t->types[i], q, (int)i);
    }
    return fill_done(c, t, q, rc, &t0);
}

/* kv_fill - run sql returning one row; each result column becomes an item
 * of the kv table t, named after the column, typed by its SQL value. */
static int kv_fill(struct ctx *c, struct rtable *t, const char *sql)
{
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    sqlite3_stmt *q;
    int rc = prep(c, sql, false, &q);
    if (rc != HV_OK)
        return rc;
    rc = sqlite3_step(q);
    if (rc == SQLITE_ROW) {
        for (int i = 0; i < sqlite3_column_count(q); i++) {
            struct rcell *row = report_row_add(t);
            const char *name = sqlite3_column_name(q, i);
            row[0].type = RCOL_TEXT;
            row[0].s = xstrdup(name);
            row[0].n = strlen(name);
            int ty = sqlite3_column_type(q, i);
            if (ty == SQLITE_INTEGER || ty == SQLITE_NULL) {
                row[1].type = RCOL_INT;
                row[1].i = sqlite3_column_int64(q, i);
            } else if (ty == SQLITE_FLOAT) {
                cell_set(&row[1], RCOL_PCT, q, i);
            } else {
                cell_set(&row[1], RCOL_TEXT, q, i);
            }
        }
        rc = SQLITE_DONE;
    }
    return fill_done(c, t, q, rc, &t0);
}

/* Why --trust-listed results need a warning (DNA-02 section 3). */
#define TRUST_LISTED_WARNING                                                 \
    "DNA was resolved with --trust-listed: services a sender names itself "  \
    "(_VOUCH._SMTP. PTR records at its HELO) were asked too, so a sender "   \
    "can vouch for itself; draft-ietf-marid-csv-dna-02 section 3 rules "     \
    "that out for services the receiver cannot rate"

/* warn_trust_listed - when the DNA results in the database came from a
 * resolve run with --trust-listed (meta dna_opts "trust=1 ..."), a kv table
 * "warnings" with the item "trust_listed", so that every format shows it.
 * A database without that meta row (no resolve yet) gets none. HV_OK, or
 * HV_EDB / HV_EWRITE with *c->err set. */
static int warn_trust_listed(struct ctx *c)
{
    sqlite3_stmt *q = NULL;
    int rc;

    if (rpt_prepare(c->db,
                    "SELECT 1 FROM rv_meta WHERE key = 'dna_opts'"
                    " AND value LIKE 'trust=1 %'",
                    &q, NULL) != HV_OK)
        return HV_OK; /* no meta table: nothing was resolved */
    rc = sqlite3_step(q);
    if (rc != SQLITE_ROW)
        rc = rpt_step_done(c->db, rc, "report query failed", c->err);
    sqlite3_finalize(q);
    if (rc == SQLITE_ROW) {
        struct rtable *t = rt_new(c->r, "warnings", "Warnings", "item,value",
                                  "tt");
        struct rcell *row = report_row_add(t);

        t->kv = true;
        row[0].type = RCOL_TEXT;
        row[0].s = xstrdup("trust_listed");
        row[0].n = strlen(row[0].s);
        row[1].type = RCOL_TEXT;
        row[1].s = xstrdup(TRUST_LISTED_WARNING);
        row[1].n = strlen(row[1].s);
        return HV_OK;
    }
    return rc;
}

/* ==== The work table ==== */

/* load_policy - the policy the verdicts come from: the database's (*from
 * set NULL) or a file's into *pol (*from = pol). HV_OK, or HV_EINPUT with
 * *c->err set. */
static int load_policy(struct ctx *c, struct policy *pol,
                       const struct policy **from)
{
    *from = NULL;
    if (c->o->policy_file == NULL) {
        c->r->policy = "database";
        return HV_OK;
    }
    int rc = policy_load(c->o->policy_file, pol, c->err);
    if (rc != HV_OK)
        return rc;
    c->r->policy = c->o->policy_file;
    *from = pol;
    return HV_OK;
}

/* range_where - " WHERE s.ts >= A AND s.ts < B" (or less) for the filter;
 * integers only, formatted here, never text from outside. */
static void range_where(struct ctx *c, struct fmt_buf *b, bool and_ts)
{
    const char *w = " WHERE";
    if (c->o->since != LLONG_MIN) {
        fmt_buf_printf(b, "%s s.ts >= %lld", w, c->o->since);
        w = " AND";
    }
    if (c->o->until != LLONG_MAX) {
        fmt_buf_printf(b, "%s s.ts < %lld", w, c->o->until);
        w = " AND";
    }
    if (and_ts)
        fmt_buf_printf(b, "%s s.ts IS NOT NULL", w);
}

/* src_find - whether source id is in c->srcs (sorted by id), with *at its
 * place or where it belongs. */
static bool src_find(const struct ctx *c, long long id, size_t *at)
{
    size_t lo = 0, hi = c->nsrcs;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (c->srcs[mid].id < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    *at = lo;
    return lo < c->nsrcs && c->srcs[lo].id == id;
}

/* count_source - one more session in range of source id (the last source
 * counted is tried first: the pass reads the sessions by id, or by time, a
 * source's run at a time). */
static void count_source(struct ctx *c, long long id)
{
    size_t i = c->src_last;
    if (i >= c->nsrcs || c->srcs[i].id != id) {
        if (!src_find(c, id, &i)) {
            if (c->nsrcs == c->srcs_cap) {
                c->srcs_cap = c->srcs_cap ? 2 * c->srcs_cap : 16;
                c->srcs = xrealloc(c->srcs, c->srcs_cap * sizeof(*c->srcs));
            }
            memmove(c->srcs + i + 1, c->srcs + i,
                    (c->nsrcs - i) * sizeof(*c->srcs));
            c->srcs[i] = (struct srcn){id, 0};
            c->nsrcs++;
        }
        c->src_last = i;
    }
    c->srcs[i].n++;
}

/* sql_src_sessions - hv_src_sessions(source id): its sessions in range,
 * counted by the pass over the sessions (count_source). */
static void sql_src_sessions(sqlite3_context *ctx, int argc,
                             sqlite3_value **argv)
{
    (void)argc;
    const struct ctx *c = sqlite3_user_data(ctx);
    size_t i;
    sqlite3_result_int64(ctx, src_find(c, sqlite3_value_int64(argv[0]), &i)
                                  ? c->srcs[i].n
                                  : 0);
}

/* The verdicts the series counts, in the order of its columns 1..6. */
static const char *const series_verdicts[] = {
    "accept", "mark", "reject", "tempfail", "unresolved", "unevaluated",
};
#define SERIES_NV (sizeof(series_verdicts) / sizeof(series_verdicts[0]))
/* a bucket's counts: time (unused), SERIES_NV verdicts, accepted sessions,
 * sessions */
#define SERIES_W ((long long)SERIES_NV + 3)

/* series_span - the first bucket (c->b0) and the number of buckets (c->nb,
 * at most 20,000; 0 without a span). */
static void series_span(struct ctx *c)
{
    c->nb = 0;
    if (!c->has_span)
        return;
    c->b0 = c->first - ((c->first % c->step) + c->step) % c->step;
    c->nb = (c->last - c->b0) / c->step + 1;
    if (c->nb > 20000)
        c->nb = 20000;
}

static bool table_wanted(const struct ctx *c, const char *key);

/* pair_at's value of a pair without a CSA answer (or its time) */
#define AT_NONE INT32_MIN

/* sane_time - t is within a quarter of the 64-bit range of the epoch: a
 * difference of two such times does not overflow. */
static bool sane_time(long long t)
{
    return t > LLONG_MIN / 4 && t < LLONG_MAX / 4;
}

/* ages_of - c->age from the series sessions of pm (their times) and their
 * pairs' CSA times (c->pair_at), the figures dns_age_sql would give; reuses
 * pm's sess_rem. False (nothing set) when a time is out of reach, so the
 * SQL must be asked. The series sessions are all of the range's sessions
 * with a time (c->unbucketed == 0). */
static bool ages_of(struct ctx *c, struct pairmap *pm)
{
    size_t n = 0;
    int32_t *age = pm->sess_rem;
    if (c->at_far)
        return false;
    for (size_t i = 0; i < pm->nsess; i++) {
        int32_t at = c->pair_at[pm->sess_pair[i]];
        if (at == AT_NONE)
            continue;
        long long k = pm->sess_bucket[i] & ~PAIRMAP_ACCEPTED;
        long long off = k * c->step + pm->sess_rem[i]; /* ts - b0 */
        long long ts = c->b0 + off;
        if (ts < c->o->since || ts >= c->o->until)
            continue;
        long long d = (long long)at - off;
        if (d < INT32_MIN || d > INT32_MAX)
            return false;
        age[n++] = (int32_t)d; /* n <= i: nothing unread is overwritten */
    }
    struct dns_age_stats *st = &c->age;
    memset(st, 0, sizeof(*st));
    st->n = (long long)n;
    for (size_t i = 0; i < n; i++) {
        long long a = age[i] < 0 ? -(long long)age[i] : age[i];
        st->over_7_days += a > 7 * 86400LL;
        st->over_365_days += a > 365 * 86400LL;
        if (i == 0 || age[i] < st->min)
            st->min = age[i];
        if (i == 0 || age[i] > st->max)
            st->max = age[i];
    }
    /* the lower median, as the sorted ages' element (n - 1) / 2 */
    if (n > 0)
        st->median = i32_select(age, n, (n - 1) / 2);
    return true;
}

/* a batch of the sessions scan_pairs reads: their texts copied out of the
 * statement's row (valid only until its next step), at the offsets off[]
 * (ROWCOPY_NULL: SQL NULL), until the batch is handed over */
enum { ST_HELO, ST_IP, ST_MTA, ST_DISP, ST_FROM, ST_N };
struct sbatch {
    struct psession ps[PAIRMAP_BATCH];
    long bucket[PAIRMAP_BATCH];
    size_t off[PAIRMAP_BATCH][ST_N];
    struct rowcopy texts;
    size_t n;
};

/* sbatch_text - column col of q copied into b for field f of the next
 * session, its length in *n (SQL NULL: length 0). */
static void sbatch_text(struct sbatch *b, sqlite3_stmt *q, int col, int f,
                        size_t *n)
{
    b->off[b->n][f] = rowcopy_add(&b->texts, q, col, n);
}

/* sbatch_flush - the batch's sessions into pm (the texts' pointers set
 * now that they no longer move), the batch emptied. */
static void sbatch_flush(struct sbatch *b, struct pairmap *pm)
{
    for (size_t i = 0; i < b->n; i++) {
        const size_t *o = b->off[i];
        struct psession *ps = &b->ps[i];
        const char *t[ST_N];
        for (int f = 0; f < ST_N; f++)
            t[f] = rowcopy_text(&b->texts, o[f]);
        ps->helo = t[ST_HELO] != NULL ? t[ST_HELO] : "";
        ps->ip = t[ST_IP] != NULL ? t[ST_IP] : "";
        ps->mta = t[ST_MTA] != NULL ? t[ST_MTA] : "";
        ps->disposition = t[ST_DISP] != NULL ? t[ST_DISP] : "";
        ps->helo_from = t[ST_FROM];
    }
    pairmap_add_many(pm, b->ps, b->bucket, b->n);
    b->n = 0;
    rowcopy_reset(&b->texts);
}

/* The pass over the sessions reads rows (SQLite) in a thread of its own
 * (batchpipe.h) while this one adds them to the pairs: chunks of sbatches,
 * a few in flight. */
#define SCAN_CHUNK 64  /* sbatches in a chunk */
#define SCAN_CHUNKS 3  /* chunks in flight */
struct schunk {
    struct sbatch b[SCAN_CHUNK];
    size_t n;          /* sbatches filled (the last may be part full) */
};

/* what the reading thread owns during the pass: the statement, its
 * connection, and the ctx's per-source counts (count_source) */
struct sreader {
    struct ctx *c;
    sqlite3_stmt *q;
    bool series;       /* sessions are given their bucket */
    int st;            /* the last sqlite3_step's result */
};

/* read_session - the session row r->q is on into the next slot of sb. */
static void read_session(struct sreader *r, struct sbatch *sb)
{
    struct ctx *c = r->c;
    sqlite3_stmt *q = r->q;
    struct psession ps;
    long bucket = -1;
    ps.rem = 0;
    if (sqlite3_column_type(q, 0) != SQLITE_NULL) {
        long long ts = sqlite3_column_int64(q, 0);
        if (r->series && sane_time(ts)) {
            long long k = (ts - c->b0) / c->step;
            if (k >= 0 && k < c->nb && k < PAIRMAP_MAX_BUCKETS) {
                bucket = (long)k;
                ps.rem = (int32_t)(ts - c->b0 - k * c->step);
            }
        }
        if (bucket < 0)
            c->unbucketed++; /* dns_age falls back to its SQL */
    }
    sbatch_text(sb, q, 1, ST_HELO, &ps.hn);
    sbatch_text(sb, q, 2, ST_IP, &ps.in);
    ps.id = sqlite3_column_int64(q, 3);
    count_source(c, ps.id >> 32);
    sbatch_text(sb, q, 4, ST_MTA, &ps.mn);
    ps.messages = sqlite3_column_int64(q, 5);
    sbatch_text(sb, q, 6, ST_DISP, &ps.dn);
    sbatch_text(sb, q, 7, ST_FROM, &ps.fn);
    const char *lab = (const char *)sqlite3_column_text(q, 8);
    ps.label = lab == NULL                ? PLABEL_UNKNOWN
               : strcmp(lab, "spam") == 0 ? PLABEL_SPAM
               : strcmp(lab, "ham") == 0  ? PLABEL_HAM
                                          : PLABEL_UNKNOWN;
    /* (s.helo IS NULL AND s.helo_from IS NULL): schema.h */
    ps.unobs = sb->off[sb->n][ST_HELO] == ROWCOPY_NULL &&
               sb->off[sb->n][ST_FROM] == ROWCOPY_NULL;
    sb->ps[sb->n] = ps; /* the texts are set by sbatch_flush */
    sb->bucket[sb->n] = bucket;
    sb->n++;
}

/* fill_chunk - (batchpipe_fill) the next sessions into the empty chunk;
 * false once the statement is done or failed (r->st). */
static bool fill_chunk(void *arg, void *batch)
{
    struct sreader *r = arg;
    struct schunk *ch = batch;
    ch->n = 0;
    while (ch->n < SCAN_CHUNK) {
        struct sbatch *sb = &ch->b[ch->n];
        while (sb->n < PAIRMAP_BATCH &&
               (r->st = sqlite3_step(r->q)) == SQLITE_ROW)
            read_session(r, sb);
        if (sb->n > 0)
            ch->n++;
        if (r->st != SQLITE_ROW)
            return false;
    }
    return true;
}

/* scan_pairs - the one pass over the sessions in range into pm (each
 * session's pair, and its bucket for the series). HV_OK, or HV_EDB /
 * HV_EWRITE with *c->err set. */
static int scan_pairs(struct ctx *c, struct pairmap *pm)
{
    struct fmt_buf sql;
    fmt_buf_init(&sql);
    /* COALESCE(helo,'') and HV_SQL_HELO_UNOBSERVED are taken in C */
    fmt_buf_puts(&sql, "SELECT s.ts, s.helo, s.ip, s.id, s.mta, s.messages,"
                       " s.disposition, s.helo_from, s.label"
                       " FROM rv_sessions s");
    range_where(c, &sql, false);
    sqlite3_stmt *q;
    int rc = prep(c, fmt_buf_str(&sql), false, &q);
    fmt_buf_free(&sql);
    if (rc != HV_OK)
        return rc;
    /* times far from the epoch are no real mail's: kept out of the series
     * (no overflow in ts - b0) */
    struct sreader r = {c, q, c->nb > 0 && sane_time(c->b0), SQLITE_DONE};
    struct schunk *chunks = xcalloc(SCAN_CHUNKS, sizeof(*chunks));
    void *slots[SCAN_CHUNKS];
    for (size_t i = 0; i < SCAN_CHUNKS; i++) {
        for (size_t k = 0; k < SCAN_CHUNK; k++)
            rowcopy_init(&chunks[i].b[k].texts);
        slots[i] = &chunks[i];
    }
    /* c->db, q and the source counts are the pipe's until it is freed */
    struct batchpipe *pipe = batchpipe_new(slots, SCAN_CHUNKS, fill_chunk, &r);
    struct schunk *ch;
    while ((ch = batchpipe_next(pipe)) != NULL) {
        for (size_t k = 0; k < ch->n; k++)
            sbatch_flush(&ch->b[k], pm);
        batchpipe_done(pipe, ch);
    }
    batchpipe_free(pipe);
    for (size_t i = 0; i < SCAN_CHUNKS; i++)
        for (size_t k = 0; k < SCAN_CHUNK; k++)
            rowcopy_free(&chunks[i].b[k].texts);
    free(chunks);
    rc = rpt_step_done(c->db, r.st, "report query failed", c->err);
    sqlite3_finalize(q);
    return rc;
}

/* The work table's columns after pid, in the order rows are bound. */
#define HV_P_COLS                                                             \
    "helo, ip, n, m, n_acc, n_rej, ex_acc, ex_rej, unobs, csa_status,"        \
    " publishes, verdict, why, cls, domain"
#define HV_P_NCOLS 15
/* rows per INSERT: each statement commits the TEMP file, at a cost that
 * grows with its cache, so few and large (at most 512 rows, 7,680
 * parameters, within SQLite's limit) */
#define HV_P_BATCH_MAX 512

/* insert_sql - the INSERT of up to rows rows into hv_p (its HV_P_COLS),
 * the rows whose helo is NULL left out (a batch's unused rows), into b. */
static void insert_sql(struct fmt_buf *b, int rows)
{
    fmt_buf_puts(b, "INSERT INTO temp.hv_p(" HV_P_COLS ") SELECT * FROM"
                    " (VALUES");
    for (int r = 0; r < rows; r++) {
        fmt_buf_puts(b, r > 0 ? ",(" : "(");
        for (int i = 0; i < HV_P_NCOLS; i++)
            fmt_buf_puts(b, i > 0 ? ",?" : "?");
        fmt_buf_puts(b, ")");
    }
    fmt_buf_puts(b, ") WHERE column1 IS NOT NULL");
}

/* bind_val - a pval (NULL stays NULL), borrowed until the step. */
static void bind_val(sqlite3_stmt *q, int i, struct pval v)
{
    if (v.s == NULL)
        sqlite3_bind_null(q, i);
    else
        sqlite3_bind_text(q, i, v.s, (int)v.n, SQLITE_STATIC);
}

/* bind_min - a min(id) (LLONG_MAX: none, NULL). */
static void bind_min(sqlite3_stmt *q, int i, long long v)
{
    if (v == LLONG_MAX)
        sqlite3_bind_null(q, i);
    else
        sqlite3_bind_int64(q, i, v);
}

/* The group table hv_g: the pairs summed over the few columns the
 * per-status tables group by (verdict, CSA, DNA, class, MTA, flags), so
 * that those tables read a few hundred rows, not every pair. */
#define HV_G_TEXT 8 /* text columns, then unobs, publishes, acc */
#define HV_G_INTS 3
struct gagg {
    long long n, m, acc, rej, def, lost, unk;
};
struct gmap {
    struct keymap keys; /* the columns, each as a tag byte (0: NULL), a
                         * 4-byte length and its bytes */
    struct gagg *a;
    size_t cap;
    struct fmt_buf key;
    size_t last_i;           /* the group of the last pair added (the
                              * pairs come sorted: a HELO's pairs mostly
                              * share their group) */
    struct pval last_cols[HV_G_TEXT]; /* that pair's columns as given */
    bool last_flags[HV_G_INTS];
    bool any;                /* a pair was added */
    struct keymap places;    /* the columns' places (gplace_key) met, */
    uint32_t *place_group;   /* ... each one's group */
    size_t place_cap;
};

/* the bytes of a group's places: each column's address and length, then
 * the flags */
#define GPLACE_LEN (HV_G_TEXT * (sizeof(const char *) + sizeof(size_t)) + HV_G_INTS)

/* gkey_add - one column of a group key. */
static void gkey_add(struct fmt_buf *k, const char *s, size_t n)
{
    uint32_t len = (uint32_t)n;
    char tag = s != NULL;
    fmt_buf_add(k, &tag, 1);
    fmt_buf_add(k, (const char *)&len, sizeof(len));
    if (s != NULL)
        fmt_buf_add(k, s, n);
}

/* gkey_get - column i of the group key k (s NULL for NULL). */
static struct pval gkey_get(const char *k, int i)
{
    struct pval v = {NULL, 0};
    for (int j = 0;; j++) {
        uint32_t len;
        memcpy(&len, k + 1, sizeof(len));
        if (j == i) {
            if (k[0] != 0) {
                v.s = k + 1 + sizeof(len);
                v.n = len;
            }
            return v;
        }
        k += 1 + sizeof(len) + len;
    }
}

/* gmap_key_group - the group of cols and flags (gmap_add) made current
 * (g->last_i), found or added by the key of their texts. */
static void gmap_key_group(struct gmap *g, const struct pval *cols,
                           const bool *flags)
{
    fmt_buf_reset(&g->key);
    for (int i = 0; i < HV_G_TEXT; i++)
        gkey_add(&g->key, cols[i].s, cols[i].n);
    for (int i = 0; i < HV_G_INTS; i++)
        gkey_add(&g->key, flags[i] ? "1" : "0", 1);
    bool added = false;
    size_t i = keymap_intern(&g->keys, g->key.p, g->key.len, &added);
    g->last_i = i;
    if (added) {
        if (i >= g->cap) {
            g->cap = g->cap ? 2 * g->cap : 256;
            g->a = xrealloc(g->a, g->cap * sizeof(*g->a));
        }
        memset(&g->a[i], 0, sizeof(g->a[i]));
    }
}

/* gmap_place_group - the group of cols and flags made current, found by
 * their places when met before (bind_pair's texts stay put for the whole
 * pairs phase: pairinfo's values are copies of their own, the others
 * static or the sealed pairmap's, so the same places are the same texts),
 * else by their texts (other places may hold the same texts). */
static void gmap_place_group(struct gmap *g, const struct pval *cols,
                             const bool *flags)
{
    char key[GPLACE_LEN], *k = key;
    for (int i = 0; i < HV_G_TEXT; i++) {
        memcpy(k, &cols[i].s, sizeof(cols[i].s));
        k += sizeof(cols[i].s);
        memcpy(k, &cols[i].n, sizeof(cols[i].n));
        k += sizeof(cols[i].n);
    }
    for (int i = 0; i < HV_G_INTS; i++)
        *k++ = flags[i] ? '1' : '0';
    bool added;
    size_t p = keymap_intern(&g->places, key, sizeof(key), &added);
    if (added) {
        gmap_key_group(g, cols, flags);
        if (p >= g->place_cap) {
            g->place_cap = g->place_cap ? 2 * g->place_cap : 256;
            g->place_group = xrealloc(g->place_group, g->place_cap * sizeof(*g->place_group));
        }
        g->place_group[p] = (uint32_t)g->last_i;
    }
    g->last_i = g->place_group[p];
    memcpy(g->last_cols, cols, sizeof(g->last_cols));
    memcpy(g->last_flags, flags, sizeof(g->last_flags));
    g->any = true;
}

/* gmap_add - count a pair (a) in the group of its columns (cols[0 ..
 * HV_G_TEXT-1] text, then the HV_G_INTS flags). */
static void gmap_add(struct gmap *g, const struct pval *cols,
                     const bool *flags, const struct pagg *a)
{
    /* the same places as the last pair's: its group, without a key */
    bool same = g->any;
    for (int i = 0; same && i < HV_G_TEXT; i++)
        same = cols[i].s == g->last_cols[i].s && cols[i].n == g->last_cols[i].n;
    for (int i = 0; same && i < HV_G_INTS; i++)
        same = flags[i] == g->last_flags[i];
    if (!same)
        gmap_place_group(g, cols, flags);
    struct gagg *s = &g->a[g->last_i];
    s->n += a->n;
    s->m += a->m;
    s->acc += a->n_acc;
    s->rej += a->n_rej;
    s->def += a->n_def;
    s->lost += a->n_lost;
    s->unk += (long long)a->n - a->n_acc - a->n_rej - a->n_def - a->n_lost;
}

/* insert_groups - the rows of hv_g. HV_OK, or HV_EDB / HV_EWRITE. */
static int insert_groups(struct ctx *c, struct gmap *g)
{
    sqlite3_stmt *q;
    int rc = prep(c, "INSERT INTO temp.hv_g VALUES(?,?,?,?,?,?,?,?,?,?,?,"
                     "?,?,?,?,?,?,?)", true, &q);
    for (size_t i = 0; rc == HV_OK && i < keymap_count(&g->keys); i++) {
        const char *k = keymap_key(&g->keys, i, NULL);
        int col = 1;
        for (int j = 0; j < HV_G_TEXT; j++, col++) {
            struct pval v = gkey_get(k, j);
            bind_val(q, col, v);
        }
        for (int j = 0; j < HV_G_INTS; j++, col++)
            sqlite3_bind_int(q, col, gkey_get(k, HV_G_TEXT + j).s[0] == '1');
        const struct gagg *s = &g->a[i];
        long long v[] = {s->n, s->m, s->acc, s->rej, s->def, s->lost, s->unk};
        for (size_t j = 0; j < sizeof(v) / sizeof(v[0]); j++, col++)
            sqlite3_bind_int64(q, col, v[j]);
        rc = rpt_step_done(c->db, sqlite3_step(q), "report query failed",
                           c->err);
        sqlite3_reset(q);
    }
    sqlite3_finalize(q);
    return rc;
}

/* set_pair_at - pair i's CSA answer time into c->pair_at (c->at_far when
 * it is too far from the series' start to be held). */
static void set_pair_at(struct ctx *c, size_t i, int64_t at)
{
    if (at == PAIRINFO_NO_TIME) {
        c->pair_at[i] = AT_NONE;
        return;
    }
    long long d = sane_time(at) ? at - c->b0 : LLONG_MAX;
    if (d <= INT32_MIN || d > INT32_MAX)
        c->at_far = true;
    else
        c->pair_at[i] = (int32_t)d;
}

/* look_pair - what pi says of pair i of pm into *pc: its CSA row, DNA
 * result and action, or with an unobserved HELO its DNA only; *at the CSA
 * row's time when want_at (dns_age joins the CSA row of the pair whatever
 * the HELO's origin). The look-ups bind_pair needs, made wherever pi's
 * connection is read. HV_OK, or HV_EDB with *err set. */
static int look_pair(struct pairinfo *pi, const struct pairmap *pm, size_t i,
                     bool want_at, struct pair_csv *pc, int64_t *at,
                     char **err)
{
    const char *helo, *ip;
    size_t hn, in;
    const struct pagg *a = pairmap_pair(pm, i, &helo, &hn, &ip, &in);
    int rc = HV_OK;
    *at = PAIRINFO_NO_TIME;
    if (a->unobs && want_at) {
        rc = pairinfo_get(pi, helo, hn, ip, in, pc, err);
        *at = pc->csa_at;
    }
    if (rc == HV_OK)
        rc = a->unobs ? pairinfo_dna(pi, helo, hn, pc, err)
                      : pairinfo_get(pi, helo, hn, ip, in, pc, err);
    if (rc == HV_OK && !a->unobs)
        *at = pc->csa_at;
    return rc;
}

/* bind_pair - pair i of pm: its CSA, DNA, verdict, class and domain
 * computed as the report's SQL did (from *looked, what look_pair gave with
 * its time at, or looked up in pi when looked is NULL), its group in g,
 * its sums in c->pt and its domain in c->wr's figures; *col gets the
 * verdict's series column (0: none), *keep whether hv_p must hold the pair
 * (workrows.h), which is then bound as row r of q (columns HV_P_COLS; else
 * row r is left as it was). */
static int bind_pair(struct ctx *c, struct pairinfo *pi, struct pairmap *pm,
                     size_t i, const struct pair_csv *looked, int64_t at,
                     sqlite3_stmt *q, int r, struct fmt_buf *tmp,
                     unsigned char *col, struct gmap *g, bool *keep)
{
    const char *helo, *ip;
    size_t hn, in;
    const struct pagg *a = pairmap_pair(pm, i, &helo, &hn, &ip, &in);
    struct pair_csv pc;
    if (looked != NULL) {
        pc = *looked;
    } else {
        int rc = look_pair(pi, pm, i, c->pair_at != NULL, &pc, &at, c->err);
        if (rc != HV_OK)
            return rc;
    }
    if (c->pair_at != NULL)
        set_pair_at(c, i, at);
    size_t mn;
    const char *mta = pairmap_mta(pm, a->mta, &mn);
    /* a HELO the log does not show: not evaluated (see schema.h) */
    struct pval unknown = {"unknown", 7};
    struct pval dna_status = pc.dna_status.s != NULL ? pc.dna_status : unknown;
    bool resolved = !a->unobs && pc.csa_status.s != NULL;
    struct pval csa_status = a->unobs ? unknown : pc.csa_status;
    bool publishes =
        resolved && pc.csa_reason.s != NULL &&
        ((pc.csa_record.s != NULL && pc.csa_record.n > 0) ||
         !(strcmp(pc.csa_reason.s, "no-record") == 0 ||
           strcmp(pc.csa_reason.s, "invalid-helo") == 0 ||
           strcmp(pc.csa_reason.s, "no-helo") == 0) ||
         strlen(pc.csa_reason.s) != pc.csa_reason.n);
    struct pval vv = pairinfo_verdict(a->unobs, &pc, pc.action);
    const char *verdict = vv.s;
    size_t vn = vv.n;
    *col = 0;
    for (size_t v = 0; v < SERIES_NV; v++)
        if (strlen(series_verdicts[v]) == vn &&
            memcmp(series_verdicts[v], verdict, vn) == 0)
            *col = (unsigned char)(v + 1);
    /* hv_helo_class(NULLIF(helo,'')) (text with a NUL is invalid) and the
     * domain are the HELO's: a HELO's pairs mostly come one after another
     * (sorted), so the last HELO's are kept */
    struct helo_memo *hm = &c->helo_memo;
    bool new_helo = !hm->set || hm->helo.len != hn ||
                    (hn > 0 && memcmp(hm->helo.p, helo, hn) != 0);
    if (new_helo) {
        char *hz = xmemdup0(helo, hn);
        hm->cls = regdomain_helo_class(hz, hn);
        regdomain_helo_memo(hz, hn, hm->cls, &hm->domain, &hm->psl);
        free(hz);
        fmt_buf_reset(&hm->helo);
        fmt_buf_add(&hm->helo, helo, hn);
        hm->set = true;
    }
    const char *cls = hm->cls;
    struct pval domain = {fmt_buf_str(&hm->domain), hm->domain.len};
    if (c->pairs_sorted) /* the top lists need not work them out again */
        pairtops_helo(&c->pt, pairmap_count(pm), i, new_helo, hn, cls,
                      domain.s, domain.n);
    struct pval gcols[HV_G_TEXT] = {
        {verdict, vn},
        csa_status,
        a->unobs ? (struct pval){"helo-unobserved", 15} : pc.csa_reason,
        dna_status,
        pc.dna_grade,
        pc.dna_service,
        {cls, strlen(cls)},
        {mta, mn},
    };
    bool flags[HV_G_INTS] = {a->unobs, publishes, a->n_acc > 0};
    gmap_add(g, gcols, flags, a);
    struct workpair wp = {
        .helo = {helo, hn},
        .ip = {ip, in},
        .unobs = a->unobs,
        .verdict = vv,
        .csa_status = csa_status,
        .cls = cls,
        .domain = domain,
        .n_acc = a->n_acc,
        .n_rej = a->n_rej,
        .publishes = publishes,
    };
    workrows_count(&c->wr, &wp);
    if (c->wi != NULL)
        whatif_pair(c->wi, a->unobs, &pc, vv, (struct pval){helo, hn},
                    (struct pval){ip, in}, domain, a->n, a->m, a->n_acc);
    pairtops_add(&c->pt, a, hn > 0, resolved);
    *keep = workrows_keep(&c->wr, &wp);
    if (!*keep)
        return HV_OK;
    /* the row (HV_P_COLS), for the pairs a table reads */
    int k = r * HV_P_NCOLS;
    sqlite3_bind_text(q, k + 1, helo, (int)hn, SQLITE_STATIC);
    sqlite3_bind_text(q, k + 2, ip, (int)in, SQLITE_STATIC);
    sqlite3_bind_int64(q, k + 3, a->n);
    sqlite3_bind_int64(q, k + 4, a->m);
    sqlite3_bind_int64(q, k + 5, a->n_acc);
    sqlite3_bind_int64(q, k + 6, a->n_rej);
    bind_min(q, k + 7, a->ex_acc);
    bind_min(q, k + 8, a->ex_rej);
    sqlite3_bind_int(q, k + 9, a->unobs);
    bind_val(q, k + 10, csa_status);
    sqlite3_bind_int(q, k + 11, publishes);
    sqlite3_bind_text(q, k + 12, verdict, (int)vn, SQLITE_STATIC);
    if (a->unobs) {
        sqlite3_bind_text(q, k + 13, "helo-unobserved", -1, SQLITE_STATIC);
    } else if (!resolved) {
        sqlite3_bind_text(q, k + 13, "unresolved", -1, SQLITE_STATIC);
    } else if ((strcmp(pc.csa_status.s, "ok") == 0 ||
                strcmp(pc.csa_status.s, "unknown") == 0) &&
               pc.csa_status.n == strlen(pc.csa_status.s) &&
               pc.dna_status.s != NULL &&
               pc.dna_status.n == strlen(pc.dna_status.s) &&
               (strcmp(pc.dna_status.s, "not-recommended") == 0 ||
                strcmp(pc.dna_status.s, "defer") == 0)) {
        fmt_buf_reset(tmp);
        fmt_buf_puts(tmp, "dna-");
        fmt_buf_add(tmp, pc.dna_status.s, pc.dna_status.n);
        sqlite3_bind_text(q, k + 13, fmt_buf_str(tmp), (int)tmp->len,
                          SQLITE_TRANSIENT);
    } else {
        bind_val(q, k + 13, pc.csa_reason);
    }
    sqlite3_bind_text(q, k + 14, cls, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, k + 15, domain.s, (int)domain.n, SQLITE_TRANSIENT);
    return HV_OK;
}

/* A window of at most this many pairs counts the CSA rows only up to
 * np * 16 + 1, all the choice below needs: an hour of a long database no
 * longer counts them all. SQLite counts a whole table a page at a time, a
 * bounded count row by row at three times the cost a row, so a larger
 * window counts them all (at this size a bounded count stops within
 * 65,537 rows, a few milliseconds). */
#define ORDERED_BOUNDED_COUNT_PAIRS 4096

/* ordered_pays - whether np pairs are better served by ordered scans of
 * the CSA and DNA rows (pairinfo_ordered) than by a look-up each: always
 * for the whole database, never for no pair (nothing is counted), else
 * when np * 16 reaches the CSA rows (a count that fails says yes: the
 * scans are right whatever the count). *sparse: a window's pairs are at
 * most half as many as the CSA rows, so that the scans had better pass
 * over the rows no pair asks for. With HV_REPORT_TIMING, the rows counted
 * go to stderr. */
static bool ordered_pays(struct ctx *c, size_t np, bool *sparse)
{
    *sparse = false;
    if (c->o->since == LLONG_MIN && c->o->until == LLONG_MAX)
        return true;
    if (np == 0)
        return false;
    bool bounded = np <= ORDERED_BOUNDED_COUNT_PAIRS;
    sqlite3_stmt *q;
    if (rpt_prepare(c->db,
                    bounded ? "SELECT count(*) FROM (SELECT 1 FROM rv_csa"
                              " LIMIT ?1)"
                            : "SELECT count(*) FROM rv_csa",
                    &q, NULL) != HV_OK)
        return true;
    if (bounded)
        sqlite3_bind_int64(q, 1, (sqlite3_int64)np * 16 + 1);
    bool counted = sqlite3_step(q) == SQLITE_ROW;
    double rows = counted ? (double)sqlite3_column_int64(q, 0) : 0;
    sqlite3_finalize(q);
    if (counted && getenv("HV_REPORT_TIMING") != NULL)
        fprintf(stderr, "report: work: %.0f CSA rows counted%s\n", rows,
                bounded ? " (bounded)" : "");
    *sparse = counted && (double)np * 2 <= rows;
    return !counted || (double)np * 16 >= rows;
}

/* The look-ups of the sorted pairs made by a thread of their own, on a
 * twin of the report's connection (twinread.h), LOOK_BATCH pairs a batch:
 * the CSA and DNA scans on one core, the rest of each pair's work (class,
 * domain, group, sums, the work table's rows) on the other. */
#define LOOK_BATCH 256
#define LOOK_BATCHES 4
struct lookbatch {
    size_t n;                       /* pairs looked up, from the next */
    struct pair_csv pc[LOOK_BATCH]; /* what look_pair gave */
    int64_t at[LOOK_BATCH];         /* and the time it gave */
};
/* the thread's state: pi, its connection and rc/err are the thread's until
 * the pipe is freed; pm and order are only read */
struct looker {
    struct pairinfo *pi;
    const struct pairmap *pm;
    const uint32_t *order;
    size_t np, next;
    bool want_at;
    int rc;
    char *err;
};

/* fill_looks - (batchpipe_fill) the next pairs' look-ups into the empty
 * batch; false once every pair is looked up or a look-up failed (lk->rc,
 * lk->err). */
static bool fill_looks(void *arg, void *batch)
{
    struct looker *lk = arg;
    struct lookbatch *b = batch;
    b->n = 0;
    while (b->n < LOOK_BATCH && lk->next < lk->np && lk->rc == HV_OK) {
        lk->rc = look_pair(lk->pi, lk->pm, lk->order[lk->next], lk->want_at,
                           &b->pc[b->n], &b->at[b->n], &lk->err);
        if (lk->rc == HV_OK) {
            b->n++;
            lk->next++;
        }
    }
    return lk->rc == HV_OK && lk->next < lk->np;
}

/* insert_pairs - every pair of pm bound (bind_pair: its group, sums and
 * series column), in the order of order[] when not NULL
 * (pairinfo_ordered), else of pm; the rows hv_p must hold (workrows.h)
 * inserted up to HV_P_BATCH_MAX per INSERT. When pi reads another
 * connection than the report's (a twin) and the pairs are sorted, the
 * look-ups are made by a thread of their own (fill_looks). */
static int insert_pairs(struct ctx *c, struct pairinfo *pi,
                        struct pairmap *pm, const uint32_t *order,
                        unsigned char *cols, struct gmap *g)
{
    size_t np = pairmap_count(pm);
    int lim = sqlite3_limit(c->db, SQLITE_LIMIT_VARIABLE_NUMBER, -1);
    int batch = lim / HV_P_NCOLS < HV_P_BATCH_MAX ? lim / HV_P_NCOLS
                                                  : HV_P_BATCH_MAX;
    if (batch < 1)
        batch = 1;
    struct fmt_buf sql, tmp;
    sqlite3_stmt *q = NULL;
    fmt_buf_init(&sql);
    fmt_buf_init(&tmp);
    insert_sql(&sql, batch);
    int rc = prep(c, fmt_buf_str(&sql), true, &q);
    int r = 0; /* rows bound in q */
    struct looker lk = {pi, pm, order, np, 0, c->pair_at != NULL, HV_OK, NULL};
    struct lookbatch *looks = NULL;
    struct batchpipe *pipe = NULL;
    if (rc == HV_OK && order != NULL && pi->db != c->db && np > 0) {
        looks = xcalloc(LOOK_BATCHES, sizeof(*looks));
        void *slots[LOOK_BATCHES];
        for (size_t k = 0; k < LOOK_BATCHES; k++)
            slots[k] = &looks[k];
        pipe = batchpipe_new(slots, LOOK_BATCHES, fill_looks, &lk);
    }
    struct lookbatch *lb = NULL; /* the batch of pair i, from pair lb_at */
    size_t lb_at = 0, bound = 0;
    for (size_t i = 0; rc == HV_OK && i < np; i++, bound++) {
        size_t p = order != NULL ? order[i] : i;
        /* the pairs come in key order, their data in no order: loaded
         * ahead, the entry then the key */
        if (order != NULL && i + 16 < np)
            pairmap_prefetch(pm, order[i + 16], 0);
        if (order != NULL && i + 8 < np)
            pairmap_prefetch(pm, order[i + 8], 1);
        const struct pair_csv *looked = NULL;
        int64_t at = PAIRINFO_NO_TIME;
        if (pipe != NULL) {
            if (lb != NULL && i - lb_at == lb->n) {
                batchpipe_done(pipe, lb);
                lb = NULL;
            }
            if (lb == NULL) {
                lb = batchpipe_next(pipe);
                lb_at = i;
            }
            if (lb == NULL || lb->n == 0)
                break; /* a look-up failed: lk.rc says why */
            looked = &lb->pc[i - lb_at];
            at = lb->at[i - lb_at];
        }
        bool keep = false;
        rc = bind_pair(c, pi, pm, p, looked, at, q, r, &tmp, &cols[p], g,
                       &keep);
        c->work_rows += keep;
        if (rc != HV_OK || !keep || ++r < batch)
            continue;
        rc = rpt_step_done(c->db, sqlite3_step(q), "report query failed",
                           c->err);
        sqlite3_reset(q);
        r = 0;
    }
    if (pipe != NULL) {
        if (lb != NULL)
            batchpipe_done(pipe, lb);
        batchpipe_free(pipe);
        free(looks);
        if (lk.rc != HV_OK && rc == HV_OK) {
            free(*c->err);
            *c->err = lk.err;
            lk.err = NULL;
            rc = lk.rc;
        }
        free(lk.err);
        /* a pipe that ended early must not pass for every pair */
        if (rc == HV_OK && bound != np)
            rc = hv_errf(c->err, HV_EDB, "report: the look-ups of the pairs"
                         " ended after %zu of %zu", bound, np);
    }
    if (rc == HV_OK && r > 0) {
        /* the rows left over from the batch before are left out */
        for (int k = r * HV_P_NCOLS; k < batch * HV_P_NCOLS; k++)
            sqlite3_bind_null(q, k + 1);
        rc = rpt_step_done(c->db, sqlite3_step(q), "report query failed",
                           c->err);
    }
    sqlite3_finalize(q);
    fmt_buf_free(&sql);
    fmt_buf_free(&tmp);
    return rc;
}

/* make_work - the work table hv_p: one row per distinct (HELO, client IP,
 * unobserved) in range, counted in C in one pass over the sessions
 * (pairmap.h), with its CSA, DNA and verdict (pairinfo.h), HELO class,
 * domain and network computed once per pair; and the time series counted
 * from the sessions' remembered buckets once the verdicts are known. Every
 * table but the time series reads only hv_p. */
static int make_work(struct ctx *c)
{
    struct policy pol;
    const struct policy *from;
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    int rc = load_policy(c, &pol, &from);
    if (rc == HV_OK && c->o->ncompare > 0)
        rc = whatif_open(&c->wi, c->o->compare_policy, c->o->ncompare,
                         c->o->top, c->err);
    if (rc != HV_OK)
        return rc;
    rc = rpt_exec_temp(
        c->db,
        "DROP TABLE IF EXISTS temp.hv_p;"
        /* the columns the tables that need every pair read (the others
         * read hv_g): sessions, messages, accepted and rejected ones with
         * an example session id of each */
        "CREATE TEMP TABLE hv_p(pid INTEGER PRIMARY KEY, helo TEXT, ip TEXT,"
        " n INTEGER, m INTEGER, n_acc INTEGER, n_rej INTEGER, ex_acc INTEGER,"
        " ex_rej INTEGER, unobs INTEGER,"
        " csa_status TEXT, publishes INTEGER, verdict TEXT, why TEXT,"
        " cls TEXT, domain TEXT);"
        "DROP TABLE IF EXISTS temp.hv_g;"
        "CREATE TEMP TABLE hv_g(verdict TEXT, csa_status TEXT,"
        " csa_reason TEXT, dna_status TEXT, dna_grade TEXT, dna_service TEXT,"
        " cls TEXT, mta TEXT, unobs INTEGER, publishes INTEGER, acc INTEGER,"
        " n INTEGER, m INTEGER, n_acc INTEGER, n_rej INTEGER, n_def INTEGER,"
        " n_lost INTEGER, n_unk INTEGER)",
        c->err);
    if (rc != HV_OK)
        return rc;
    series_span(c);
    /* one read transaction for the pass and the look-ups (and so one
     * commit of the inserts): a statement left on its row keeps it open;
     * without it each look-up would lock and check the file anew */
    sqlite3_stmt *hold;
    rc = prep(c, "SELECT count(*) FROM rv_policy", false, &hold);
    if (rc != HV_OK)
        return rc;
    /* a twin connection for the look-ups, on the state of the database
     * this transaction sees (twinread.h); noted before it begins */
    struct twinread twin;
    twinread_mark(&twin, c->db);
    if (twin.db != NULL && readviews_create(twin.db, NULL) != HV_OK)
        twinread_close(&twin);
    rc = sqlite3_step(hold);
    rc = rc == SQLITE_ROW ? HV_OK
                          : rpt_dberr(c->db, "report query failed", c->err);
    /* the look-ups read the twin when it sees what this transaction sees */
    sqlite3 *look_db = rc == HV_OK && twinread_begin(&twin) ? twin.db : c->db;
    struct pairmap pm;
    struct pairinfo pi;
    pairmap_init(&pm);
    /* a network seen in one session says nothing about the network: such
     * rows would fill its top list on any real log (two sessions or more) */
    bool lists[PAIRTOPS_NLISTS] = {table_wanted(c, "top_domains"),
                                   table_wanted(c, "top_networks")};
    long long min_n[PAIRTOPS_NLISTS] = {1, 2};
    pairtops_free(&c->pt);
    pairtops_init(&c->pt,
                  table_wanted(c, "summary") ||
                      table_wanted(c, "helo_quality"),
                  lists, c->o->top, min_n);
    if (rc == HV_OK)
        rc = scan_pairs(c, &pm);
    pairmap_seal(&pm);
    timing("work: sessions", &t0);
    if (rc == HV_OK)
        rc = pairinfo_open(&pi, look_db, from, false, c->err);
    if (rc != HV_OK) {
        twinread_close(&twin);
        sqlite3_finalize(hold);
        pairmap_free(&pm);
        return rc;
    }
    unsigned char *cols = xcalloc(pairmap_count(&pm) + 1, 1);
    /* while the pairs are in memory, the TEMP file's cache stays small (the
     * rows are written once, in order); it grows back for the tables (a
     * setting that fails only costs memory or speed) */
    rpt_exec_temp(c->db, "PRAGMA temp.cache_size=-4096", NULL);
    struct gmap g;
    memset(&g, 0, sizeof(g));
    keymap_init(&g.keys);
    keymap_init(&g.places);
    fmt_buf_init(&g.key);
    regdomain_memo_init(&c->helo_memo.psl);
    /* two ordered scans of the CSA and DNA rows beside the sorted pairs,
     * or a look-up per pair: a look-up costs about what reading 16 rows in
     * order does, so the scans serve the whole database and any window
     * with a sixteenth as many pairs as there are CSA rows */
    uint32_t *order = NULL;
    bool sparse;
    if (rc == HV_OK && ordered_pays(c, pairmap_count(&pm), &sparse)) {
        order = pairsort_order(&pm);
        timing("work: sort", &t0);
        rc = pairinfo_ordered(&pi, sparse, c->err);
    }
    /* dns_age in C when every session with a time is in the series (after
     * the sort: its keys are freed) */
    if (c->unbucketed == 0 && table_wanted(c, "dns_age"))
        c->pair_at = xmalloc((pairmap_count(&pm) + 1) * sizeof(*c->pair_at));
    workrows_open(&c->wr, c->db, pairmap_count(&pm));
    c->pairs_sorted = order != NULL;
    if (rc == HV_OK)
        rc = insert_pairs(c, &pi, &pm, order, cols, &g);
    c->pairs_sorted = false;
    workrows_close(&c->wr);
    free(order);
    pairinfo_close(&pi);
    twinread_close(&twin);
    if (rc == HV_OK)
        rc = insert_groups(c, &g);
    keymap_free(&g.keys);
    free(g.a);
    fmt_buf_free(&g.key);
    keymap_free(&g.places);
    free(g.place_group);
    fmt_buf_free(&c->helo_memo.helo);
    fmt_buf_free(&c->helo_memo.domain);
    regdomain_memo_free(&c->helo_memo.psl);
    memset(&c->helo_memo, 0, sizeof(c->helo_memo));
    sqlite3_finalize(hold);
    timing("work: pairs", &t0);
    if (getenv("HV_REPORT_TIMING") != NULL)
        fprintf(stderr, "report: work: %zu of %zu pairs in hv_p\n",
                c->work_rows, pairmap_count(&pm));
    /* spam/ham per verdict (spamham.h; cols[] is the verdict's index in
     * series_verdicts, the same order as spamham's) */
    struct spamham sh;
    spamham_init(&sh);
    for (size_t i = 0; rc == HV_OK && i < pairmap_count(&pm); i++) {
        const char *h, *ip;
        size_t hn, in;
        spamham_add(&sh, cols[i], pairmap_pair(&pm, i, &h, &hn, &ip, &in));
    }
    if (rc == HV_OK)
        rc = spamham_store(c->db, &sh, c->err);
    /* per bucket: accepted messages per verdict (columns 1..6, cols[] of
     * the pair; 0, no known verdict, is the unused time column), accepted
     * sessions (7), all sessions (8) */
    c->counts = xcalloc((size_t)c->nb * SERIES_W + 1, sizeof(*c->counts));
    for (size_t i = 0; rc == HV_OK && i < pm.nsess; i++) {
        unsigned kb = pm.sess_bucket[i];
        long long *row = c->counts + (kb & ~PAIRMAP_ACCEPTED) * SERIES_W;
        if (kb & PAIRMAP_ACCEPTED) {
            row[cols[pm.sess_pair[i]]] += pm.sess_msgs[i];
            row[SERIES_W - 2]++;
        }
        row[SERIES_W - 1]++;
    }
    if (rc == HV_OK && c->pair_at != NULL)
        c->age_done = ages_of(c, &pm);
    free(c->pair_at);
    c->pair_at = NULL;
    /* the pairs' aggregates go before the top lists' hash sets come */
    if (rc == HV_OK)
        pairtops_take_counts(&c->pt, &pm);
    pairmap_drop_counts(&pm);
    if (rc == HV_OK)
        pairtops_finish(&c->pt, &pm, cols);
    free(cols);
    timing("work: tops", &t0);
    pairmap_free(&pm);
    rpt_exec_temp(c->db, "PRAGMA temp.cache_size=-8192", NULL);
    return rc;
}

/* drop_work - remove the TEMP objects (also after a failure): every one
 * of the connection, the read views too, by changing temp_store and back,
 * which closes the TEMP file; dropping the work tables instead reads each
 * of their pages back to free it (0.12 s after a report of 1,000,000
 * sessions). Only when that change is refused (a statement still open),
 * the work tables are dropped. */
static void drop_work(sqlite3 *db)
{
    if (rpt_exec_temp(db, "PRAGMA temp_store=MEMORY; PRAGMA temp_store=FILE",
                      NULL) == HV_OK)
        return;
    rpt_exec_temp(db,
                  "DROP TABLE IF EXISTS temp.hv_p;"
                  "DROP TABLE IF EXISTS temp.hv_g;"
                  "DROP TABLE IF EXISTS temp.hv_l",
                  NULL);
}

/* ==== The tables of the report ==== */

/* Verdicts and dispositions in their fixed display order. */
#define VERDICT_ORDER                                                         \
    "v(verdict, ord) AS (VALUES('accept',1),('mark',2),('reject',3),"         \
    "('tempfail',4),('unresolved',5),('unevaluated',6))"

static const char sql_summary[] =
    "SELECT"
    " (SELECT count(*) FROM rv_sources) AS files,"
    " (SELECT COALESCE(sum(lines_read),0) FROM rv_sources) AS lines,"
    " (SELECT COALESCE(sum(count),0) FROM rv_source_skips"
    "  WHERE reason <> 'other-program' AND reason NOT IN " LINE_SQL_REPAIRS ")"
    "  AS lines_skipped,"
    " (SELECT COALESCE(sum(count),0) FROM rv_source_skips"
    "  WHERE reason IN " LINE_SQL_REPAIRS ") AS lines_repaired,"
    " COALESCE(strftime('%Y-%m-%dT%H:%M:%SZ', :first, 'unixepoch'),'')"
    "  AS first_session,"
    " COALESCE(strftime('%Y-%m-%dT%H:%M:%SZ', :last, 'unixepoch'),'')"
    "  AS last_session,"
    /* the sums over the pairs and the distinct counts: pairtops.h */
    " :sessions AS sessions, :messages AS messages,"
    " :dips AS distinct_ips, :dhelos AS distinct_helos,"
    " :helo_known AS helo_known, :helo_from_log AS helo_from_log,"
    " :helo_implied AS helo_implied,"
    " :helo_from_received AS helo_from_received,"
    " :helo_unknown AS helo_unknown, :helo_absent AS helo_absent,"
    " :helo_unobserved AS helo_unobserved,"
    " :accepted_unevaluated AS accepted_unevaluated,"
    " :resolved_sessions AS resolved_sessions,"
    " (SELECT count(*) FROM rv_resolve_runs) AS dns_runs,"
    " (SELECT COALESCE(sum(names),0) FROM rv_resolve_runs) AS dns_names,"
    " (SELECT COALESCE(sum(queries),0) FROM rv_resolve_runs) AS dns_queries,"
    " (SELECT COALESCE(sum(cache_hits),0) FROM rv_resolve_runs)"
    "  AS dns_cache_hits,"
    " (SELECT COALESCE(sum(timeouts),0) FROM rv_resolve_runs) AS dns_timeouts,"
    " (SELECT COALESCE(sum(failures),0) FROM rv_resolve_runs) AS dns_failures";

static const char sql_skips[] =
    "SELECT reason, sum(count) FROM rv_source_skips"
    " WHERE reason NOT IN " LINE_SQL_REPAIRS " GROUP BY reason ORDER BY reason";

/* lines repaired (CR, NUL, invalid UTF-8) and then read: not skips */
static const char sql_repairs[] =
    "SELECT reason, sum(count) FROM rv_source_skips"
    " WHERE reason IN " LINE_SQL_REPAIRS " GROUP BY reason ORDER BY reason";

/* sessions per source: counted by the pass over the sessions in range (a
 * session id is (source_id << 32) | line) */
static const char sql_sources[] =
    "SELECT src.path, COALESCE(src.format,''), src.lines_read,"
    " (SELECT COALESCE(sum(count),0) FROM rv_source_skips k"
    "  WHERE k.source_id = src.id AND k.reason <> 'other-program'"
    "  AND k.reason NOT IN " LINE_SQL_REPAIRS "),"
    " hv_src_sessions(src.id) FROM rv_sources src ORDER BY src.path, src.id";

static const char sql_verdicts[] =
    "WITH " VERDICT_ORDER ","
    " a AS (SELECT verdict, sum(n) AS n, sum(m) AS m"
    "  FROM temp.hv_g GROUP BY verdict),"
    " t AS (SELECT COALESCE(sum(n),0) AS n, COALESCE(sum(m),0) AS m"
    "  FROM temp.hv_g)"
    " SELECT v.verdict, COALESCE(a.n,0),"
    "  round(100.0 * COALESCE(a.n,0) / max(t.n,1), 1), COALESCE(a.m,0),"
    "  round(100.0 * COALESCE(a.m,0) / max(t.m,1), 1)"
    " FROM v LEFT JOIN a ON a.verdict = v.verdict, t ORDER BY v.ord";

/* accepted sessions whose HELO the log does not show, per MTA, with what
 * would close the gap (README "Reports and exports") */
static const char sql_unevaluated[] =
    "SELECT mta, sum(n_acc), sum(m), 'helo-unobserved',"
    " CASE mta"
    "  WHEN 'postfix' THEN 'scan the mailbox (Received join), or set"
    " smtpd_log_access_permit_actions = static:all'"
    "  WHEN 'sendmail' THEN 'scan the mailbox (Received join): Sendmail logs"
    " no HELO'"
    "  ELSE 'scan the mailbox (Received join)' END"
    " FROM temp.hv_g WHERE unobs AND acc GROUP BY mta ORDER BY 2 DESC, 1";

static const char sql_csa[] =
    "SELECT COALESCE(csa_status,'unresolved'), COALESCE(csa_reason,''),"
    " sum(n), sum(m) FROM temp.hv_g GROUP BY 1, 2"
    " ORDER BY 3 DESC, 1, 2";

static const char sql_dna[] =
    "SELECT dna_status, COALESCE(dna_grade,''), sum(n), sum(m)"
    " FROM temp.hv_g GROUP BY 1, 2 ORDER BY 3 DESC, 1, 2";

static const char sql_helo_quality[] =
    /* the classes in their order and the distinct HELOs of each:
     * pairtops.h (pairtops_classes, distinct_cls) */
    "WITH k(cls, ord, h) AS (VALUES(:c1,1,:h1),(:c2,2,:h2),(:c3,3,:h3),"
    " (:c4,4,:h4),(:c5,5,:h5),(:c6,6,:h6)),"
    " a AS (SELECT cls, sum(n) AS n, sum(m) AS m FROM temp.hv_g GROUP BY cls)"
    " SELECT k.cls, COALESCE(a.n,0), k.h, COALESCE(a.m,0)"
    " FROM k LEFT JOIN a ON a.cls = k.cls ORDER BY k.ord";

static const char sql_impact[] =
    "WITH " VERDICT_ORDER ","
    " a AS (SELECT verdict, sum(n_acc) AS acc, sum(n_rej) AS rej,"
    "  sum(n_def) AS def, sum(n_lost) AS lost, sum(n_unk) AS unk,"
    "  sum(n) AS n FROM temp.hv_g GROUP BY verdict)"
    " SELECT v.verdict, COALESCE(a.acc,0), COALESCE(a.rej,0),"
    "  COALESCE(a.def,0), COALESCE(a.lost,0), COALESCE(a.unk,0),"
    "  COALESCE(a.n,0)"
    " FROM v LEFT JOIN a ON a.verdict = v.verdict ORDER BY v.ord";

/* ranked list of senders: a verdict, and the sessions of one disposition
 * (messages are only ever counted in accepted sessions); the example
 * session's place from its id, source_id << 32 | line (schema.c), without
 * reading the session */
#define SQL_SENDERS(verdict, nsess, msgs, ex)                                 \
    "SELECT g.domain, g.ips, g.sessions, g.messages, g.why,"                  \
    " src.path || ':' || (g.ex & 4294967295)"                                \
    " FROM (SELECT domain, why, count(DISTINCT ip) AS ips,"                   \
    "  sum(" nsess ") AS sessions, " msgs " AS messages, min(" ex ") AS ex"   \
    "  FROM temp.hv_p WHERE verdict = '" verdict "' AND " nsess " > 0"        \
    "  GROUP BY domain, why) g"                                               \
    " JOIN rv_sources src ON src.id = g.ex >> 32"                             \
    " ORDER BY g.messages DESC, g.sessions DESC, g.domain, g.why"             \
    " LIMIT :top"

static const char sql_at_risk[] =
    SQL_SENDERS("reject", "n_acc", "sum(m)", "ex_acc");
static const char sql_rescued[] =
    SQL_SENDERS("accept", "n_rej", "0", "ex_rej");

static const char sql_publishing[] =
    "SELECT 'sessions', COALESCE(sum(n),0),"
    "  COALESCE(sum(CASE WHEN publishes THEN n END),0),"
    "  round(100.0 * COALESCE(sum(CASE WHEN publishes THEN n END),0)"
    "  / max(COALESCE(sum(n),0),1), 1)"
    "  FROM temp.hv_g WHERE csa_status IS NOT NULL AND NOT unobs"
    " UNION ALL "
    /* the distinct domains of resolved FQDN pairs and those with a pair
     * that publishes, counted over every pair (workrows.h) */
    "SELECT 'domains', :pub_domains, :pub_publishing,"
    "  round(100.0 * :pub_publishing / max(:pub_domains,1), 1)";

/* replies: the mark header is shown per CSA status with a placeholder for
 * the HELO, so that the table has one row per distinct reply (no other
 * reply names the HELO, so the groups of hv_g, without it, suffice). */
static const char sql_replies[] =
    "WITH " VERDICT_ORDER ","
    " a AS (SELECT verdict, hv_smtp_reply(verdict, csa_status, csa_reason,"
    "  dna_status, dna_service, CASE WHEN verdict = 'mark' THEN 'HELO'"
    "  ELSE '' END, :auth) AS reply, sum(n) AS n, sum(m) AS m"
    "  FROM temp.hv_g WHERE verdict IN ('reject','tempfail','mark')"
    "  GROUP BY 1, 2)"
    " SELECT a.verdict, a.reply, a.n, a.m FROM a"
    " JOIN v ON v.verdict = a.verdict ORDER BY v.ord, a.n DESC, a.reply";

/* ==== The time series ==== */

/* fill_series - the time series from the counts make_work left: every
 * bucket from the first to the last in order (at most 20,000), empty ones
 * as zero rows. */
static int fill_series(struct ctx *c, struct rtable *t)
{
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (long long k = 0; c->counts != NULL && k < c->nb; k++) {
        struct rcell *row = report_row_add(t);
        char label[32];
        time_t when = (time_t)(c->b0 + k * c->step);
        struct tm tm;
        gmtime_r(&when, &tm);
        strftime(label, sizeof(label), c->step == 3600 ? "%Y-%m-%dT%H:00Z" : "%Y-%m-%d",
                 &tm);
        row[0].type = t->types[0];
        row[0].n = strlen(label);
        row[0].s = xmemdup0(label, row[0].n);
        for (size_t i = 1; i < t->ncols; i++) {
            row[i].type = t->types[i];
            row[i].i = c->counts[k * SERIES_W + (long long)i];
        }
    }
    timing(t->key, &t0);
    return HV_OK;
}

/* series_step - the series bucket: a day (86400) when the window
 * [since, until) is over 48 hours long, else an hour (3600); without both
 * bounds the window is the data's span, first..last session time (an hour
 * when there is none). */
static long long series_step(long long since, long long until, bool has_span,
                             long long first, long long last)
{
    long long len;
    if (since != LLONG_MIN && until != LLONG_MAX)
        len = until - since;
    else if (has_span)
        len = last - first;
    else
        len = 0;
    return len > 48 * 3600 ? 86400 : 3600;
}

/* time_span - first and last session time in range (two seeks of the ts
 * index: SQLite seeks for a lone min() or max(), and scans the range for
 * both in one query), and the series step (series_step).
 * HV_OK, or HV_EDB / HV_EWRITE with *c->err set. */
static int time_span(struct ctx *c)
{
    struct fmt_buf sql;
    fmt_buf_init(&sql);
    fmt_buf_puts(&sql, "SELECT (SELECT min(s.ts) FROM rv_sessions s");
    range_where(c, &sql, false);
    fmt_buf_puts(&sql, "), (SELECT max(s.ts) FROM rv_sessions s");
    range_where(c, &sql, false);
    fmt_buf_puts(&sql, ")");
    sqlite3_stmt *q;
    int rc = prep(c, fmt_buf_str(&sql), false, &q);
    fmt_buf_free(&sql);
    c->has_span = false;
    c->step = 86400;
    c->r->bucket = "day";
    if (rc != HV_OK)
        return rc;
    rc = sqlite3_step(q);
    if (rc == SQLITE_ROW) {
        if (sqlite3_column_type(q, 0) != SQLITE_NULL) {
            c->has_span = true;
            c->first = sqlite3_column_int64(q, 0);
            c->last = sqlite3_column_int64(q, 1);
        }
        rc = HV_OK;
    } else {
        /* an aggregate without GROUP BY always has its row */
        rc = rpt_dberr(c->db, "report query failed", c->err);
    }
    sqlite3_finalize(q);
    c->step = series_step(c->o->since, c->o->until, c->has_span, c->first,
                          c->last);
    c->r->bucket = c->step == 3600 ? "hour" : "day";
    c->r->has_span = c->has_span;
    c->r->first = c->first;
    c->r->last = c->last;
    return rc;
}

/* data_span - for a window (--since/--until) with no session: the first
 * and last session time of the whole database into r->data_*, so that the
 * report can say where the data is. HV_OK, or HV_EDB with *c->err set. */
static int data_span(struct ctx *c)
{
    if (c->has_span || (c->o->since == LLONG_MIN && c->o->until == LLONG_MAX))
        return HV_OK;
    sqlite3_stmt *q;
    int rc = prep(c, READVIEWS_SESSION_SPAN_SQL, false, &q);
    if (rc != HV_OK)
        return rc;
    rc = sqlite3_step(q);
    if (rc == SQLITE_ROW) {
        if (sqlite3_column_type(q, 0) != SQLITE_NULL) {
            c->r->has_data_span = true;
            c->r->data_first = sqlite3_column_int64(q, 0);
            c->r->data_last = sqlite3_column_int64(q, 1);
        }
        rc = HV_OK;
    } else {
        rc = rpt_dberr(c->db, "report query failed", c->err);
    }
    sqlite3_finalize(q);
    return rc;
}

/* have_function - true when name(args) can be prepared on db. */
static bool have_function(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *q = NULL;
    bool ok = rpt_prepare(db, sql, &q, NULL) == HV_OK;
    sqlite3_finalize(q);
    return ok;
}

/* The tables of the report, in display order. */
struct tdef {
    const char *key;
    const char *title;
    const char *cols;  /* comma list */
    const char *types; /* t text, i int, p percentage */
    const char *sql;   /* NULL: built by code */
};

static const struct tdef tdefs[] = {
    {"headline", "Headline: what CSV would have done with the accepted mail",
     "item,value", "tt", headline_sql},
    {"headline_previous", "Headline of the previous window (--compare-previous)",
     "item,value", "tt", NULL},
    {"headline_compare", "Headline against the previous window",
     "figure,current,previous,change,change_pct", "tiiip", NULL},
    {"summary", "Summary", "item,value", "tt", sql_summary},
    {"sources", "Inputs", "source,format,lines,skipped,sessions", "ttiii",
     sql_sources},
    {"skips", "Lines skipped", "reason,lines", "ti", sql_skips},
    {"repairs", "Lines repaired and read (not skipped)", "reason,lines", "ti",
     sql_repairs},
    {"verdicts", "Verdicts",
     "verdict,sessions,sessions_pct,messages,messages_pct", "tipip",
     sql_verdicts},
    {"impact", "Impact: CSV verdict x MTA disposition (sessions)",
     "verdict,accepted,rejected,deferred,lost,unknown,sessions", "tiiiiii",
     sql_impact},
    {"coverage", "Coverage: accepted mail evaluated, per MTA and cause",
     "mta,cause,sessions,sessions_pct,messages,messages_pct,closes_the_gap",
     "ttipipt", coverage_sql},
    {"verdict_by_label",
     "Spam and ham: CSV verdict x label (spam, ham, unknown: no label)",
     "verdict,spam_sessions,ham_sessions,unknown_sessions,spam_messages,"
     "ham_messages,unknown_messages", "tiiiiii", spamham_sql_by_label},
    {"spam_ham",
     "Spam and ham: share of spam CSV would have stopped, of ham it would"
     " have hurt (verdict reject or tempfail)", "item,value", "tt",
     spamham_sql_kv},
    {"at_risk", "Senders at risk: accepted by the MTA, rejected by CSV",
     "domain,ips,sessions,messages,reason,example", "tiiitt", sql_at_risk},
    {"advice", "Advice per sender domain: what to publish to pass CSA",
     ADVICE_COLS, ADVICE_TYPES, NULL},
    {"sender_cohorts",
     "Sender cohorts: at-risk senders against the last recorded run",
     SENDER_COHORTS_COLS, SENDER_COHORTS_TYPES, sender_cohorts_sql},
    {"mta_rejected_csv_accepted", "Rejected by the MTA, accepted by CSV",
     "domain,ips,sessions,messages,reason,example", "tiiitt", sql_rescued},
    {"unevaluated",
     "Accepted mail not evaluated: the HELO is not in the log",
     "mta,sessions,messages,reason,closes_the_gap", "tiitt", sql_unevaluated},
    {"csa", "CSA status and reason", "status,reason,sessions,messages",
     "ttii", sql_csa},
    {"dna", "DNA status and grade", "status,grade,sessions,messages", "ttii",
     sql_dna},
    {"dns_drift", "DNS drift: CSA and DNA results that changed between resolves",
     DNS_DRIFT_COLS, DNS_DRIFT_TYPES, dns_drift_sql},
    {"dns_age", "DNS answer age: answer time - session time (seconds)",
     "item,value", "tt", dns_age_sql},
    {"helo_quality", "HELO quality", "class,sessions,helos,messages", "tiii",
     sql_helo_quality},
    {"publishing", "CSA publishing coverage (resolved sessions)",
     "scope,total,publishing,publishing_pct", "tiip", sql_publishing},
    {"replies", "Replies CSV would have sent",
     "verdict,reply,sessions,messages", "ttii", sql_replies},
    /* top lists: pairtops.h */
    {"top_domains", "Top HELO domains per verdict",
     "verdict,domain,sessions,messages,ips", "ttiii", NULL},
    {"top_networks", "Top client networks per verdict (two sessions or more)",
     "verdict,network,sessions,messages,helos", "ttiii", NULL},
    {"policy_delta", "Policy what-if: verdicts that change (--compare-policy)",
     WHATIF_DELTA_COLS, WHATIF_DELTA_TYPES, NULL},
    {"policy_delta_senders",
     "Policy what-if: senders whose verdict changes (top by messages)",
     WHATIF_SENDERS_COLS, WHATIF_SENDERS_TYPES, NULL},
    {"timeseries", NULL,
     "time,accept_messages,mark_messages,reject_messages,tempfail_messages,"
     "unresolved_messages,unevaluated_messages,accepted_sessions,sessions",
     "tiiiiiiii", NULL},
};

bool report_table_known(const char *key)
{
    for (size_t k = 0; k < sizeof(tdefs) / sizeof(tdefs[0]); k++)
        if (strcmp(tdefs[k].key, key) == 0)
            return true;
    return strcmp(key, "warnings") == 0; /* made with the summary */
}

/* table_wanted - whether build_tables computes the table key: all of them,
 * or the one --table names (the summary too for "warnings", which it
 * makes, and the verdicts when the caller wants the figures). */
static bool table_wanted(const struct ctx *c, const char *key)
{
    const char *want = c->o->table;
    return want == NULL || strcmp(key, want) == 0 ||
           (strcmp(key, "summary") == 0 && strcmp(want, "warnings") == 0) ||
           (strcmp(key, "headline") == 0 &&
            strncmp(want, "headline_", 9) == 0) ||
           (strcmp(key, "verdicts") == 0 && c->o->want_figures);
}

/* build_tables - the tables of tdefs that are wanted into c->r. */
static int build_tables(struct ctx *c)
{
    bool replies = have_function(c->db, "SELECT hv_smtp_reply('reject',"
                                        "'fail','x','unknown','','h','a')");
    for (size_t k = 0; k < sizeof(tdefs) / sizeof(tdefs[0]); k++) {
        const struct tdef *d = &tdefs[k];
        bool whatif = strncmp(d->key, "policy_delta", 12) == 0;
        bool trend = strncmp(d->key, "headline_", 9) == 0;
        if ((strcmp(d->key, "replies") == 0 && !replies) ||
            (whatif && c->wi == NULL) || (trend && !c->r->has_previous) ||
            !table_wanted(c, d->key))
            continue;
        const char *title = d->title;
        if (title == NULL)
            title = c->step == 3600
                        ? "Accepted messages by CSV verdict, per hour"
                        : "Accepted messages by CSV verdict, per day";
        struct rtable *t = rt_new(c->r, d->key, title, d->cols, d->types);
        int rc;
        if (strcmp(d->key, "headline") == 0) {
            t->kv = true;
            rc = kv_fill(c, t, d->sql);
        } else if (d->sql == dns_age_sql) {
            t->kv = true;
            if (c->age_done) {
                struct fmt_buf sql;
                fmt_buf_init(&sql);
                dns_age_stats_sql(&c->age, &sql);
                rc = kv_fill(c, t, fmt_buf_str(&sql));
                fmt_buf_free(&sql);
            } else {
                rc = kv_fill(c, t, d->sql);
            }
        } else if (strcmp(d->key, "summary") == 0 || d->sql == spamham_sql_kv) {
            t->kv = true;
            rc = kv_fill(c, t, d->sql);
            if (rc == 0 && d->sql != spamham_sql_kv)
                rc = warn_trust_listed(c);
        } else if (strncmp(d->key, "top_", 4) == 0) {
            struct timespec t0;
            clock_gettime(CLOCK_MONOTONIC, &t0);
            pairtops_fill_top(&c->pt,
                              strcmp(d->key, "top_domains") == 0
                                  ? PAIRTOPS_DOMAINS
                                  : PAIRTOPS_NETWORKS,
                              series_verdicts, t);
            timing(t->key, &t0);
            rc = HV_OK;
        } else if (trend) {
            t->kv = strcmp(d->key, "headline_previous") == 0;
            if (t->kv)
                trend_fill_previous(t, &c->prev);
            else
                trend_fill_compare(t, c->r, &c->prev);
            rc = HV_OK;
        } else if (whatif) {
            t->empty = "no change";
            if (strcmp(d->key, "policy_delta") == 0)
                whatif_fill_delta(c->wi, t);
            else
                whatif_fill_senders(c->wi, t);
            rc = HV_OK;
        } else if (d->sql != NULL) {
            if (d->sql == sender_cohorts_sql)
                t->empty = "no recorded run to compare with (heloval run records one)";
            rc = fill(c, t, d->sql);
        } else if (strcmp(d->key, "advice") == 0) {
            struct timespec t0;
            clock_gettime(CLOCK_MONOTONIC, &t0);
            rc = advice_fill(c->db, t, c->o->top, c->err);
            timing(t->key, &t0);
        } else {
            rc = fill_series(c, t);
        }
        if (rc != HV_OK)
            return rc;
    }
    return HV_OK;
}

/* read_warning - the stored note of a resolve whose lookups mostly
 * failed (malloc'ed) into *out, or NULL (none, or no meta table: nothing
 * was resolved). HV_OK, or HV_EDB with *err set when the read fails. */
static int read_warning(sqlite3 *db, char **out, char **err)
{
    sqlite3_stmt *s = NULL;
    int rc;

    *out = NULL;
    if (rpt_prepare(db, "SELECT value FROM rv_meta"
                        " WHERE key = 'resolve_warning'",
                    &s, NULL) != HV_OK)
        return HV_OK;
    rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) {
        if (sqlite3_column_text(s, 0) != NULL)
            *out = xstrdup((const char *)sqlite3_column_text(s, 0));
        rc = HV_OK;
    } else {
        rc = rpt_step_done(db, rc, "report query failed", err);
    }
    sqlite3_finalize(s);
    return rc;
}

int report_build(sqlite3 *db, const struct report_opts *o, struct report *r,
                 char **err)
{
    struct ctx c;
    memset(&c, 0, sizeof(c));
    c.db = db;
    c.r = r;
    c.o = o;
    c.err = err;
    memset(r, 0, sizeof(*r));
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    r->since = o->since;
    r->until = o->until;
    r->top = o->top;
    r->authserv_id = o->authserv_id != NULL ? o->authserv_id : "localhost";
    r->policy = "database";
    r->bucket = "day";
    if (o->top < 0)
        return hv_errf(err, HV_EUSAGE, "--top must be 0 or more");

    policy_register_sql(db);
    int fl = SQLITE_UTF8 | SQLITE_DETERMINISTIC;
    if (sqlite3_create_function(db, "hv_rdomain", 2, fl, NULL, sql_rdomain,
                                NULL, NULL) != SQLITE_OK ||
        sqlite3_create_function(db, "hv_net", 1, fl, NULL, sql_net, NULL,
                                NULL) != SQLITE_OK)
        return rpt_dberr(db, "report", err);
    /* the work tables are scratch in a TEMP file (deleted when closed) with
     * a bounded cache: in memory they grew with the pairs in range (250 MB
     * at 1,000,000 sessions and 460,000 pairs), through a 32 MiB cache the
     * peak stays near 50 MB for the same CPU time (a setting that fails
     * only costs memory or speed) */
    rpt_exec_temp(db, "PRAGMA temp_store=FILE; PRAGMA temp.cache_size=-32768",
                  NULL);
    /* after the pragma: changing temp_store drops every TEMP object */
    int rc = readviews_create(db, err);
    if (rc == HV_OK)
        rc = read_warning(db, &r->warning, err);
    if (rc == HV_OK)
        rc = time_span(&c);
    if (rc == HV_OK)
        rc = data_span(&c);
    /* the previous window's pass before this one's work tables exist (it
     * makes and drops its own); not for a --table that does not show it */
    if (rc == HV_OK && o->compare_previous &&
        (o->table == NULL || strncmp(o->table, "headline_", 9) == 0)) {
        rc = trend_window(o, c.has_span, c.first, c.last, &r->prev_since,
                          &r->prev_until, err);
        if (rc == HV_OK)
            rc = trend_previous(db, o, r->prev_since, r->prev_until, &c.prev,
                                err);
        /* that report ended by dropping every TEMP object (drop_work) */
        if (rc == HV_OK)
            rc = readviews_create(db, err);
        r->has_previous = rc == HV_OK;
        r->prev_has_span = c.prev.has_span;
    }
    timing("start (views, spans)", &t0);
    if (rc == HV_OK)
        rc = make_work(&c);
    /* the sources table's counts are c's, for this report's tables only
     * (a report of the previous window, made before, has its own) */
    if (rc == HV_OK &&
        sqlite3_create_function(db, "hv_src_sessions", 1, SQLITE_UTF8, &c,
                                sql_src_sessions, NULL, NULL) != SQLITE_OK)
        rc = rpt_dberr(db, "report", err);
    if (rc == HV_OK)
        rc = build_tables(&c);
    sqlite3_create_function(db, "hv_src_sessions", 1, SQLITE_UTF8, NULL, NULL,
                            NULL, NULL);
    if (rc == HV_OK && o->anonymize) {
        struct anon an;
        rc = anon_open(&an, db, err);
        if (rc == HV_OK)
            anon_report(&an, r);
        anon_close(&an);
    }
    free(c.counts);
    free(c.srcs);
    pairtops_free(&c.pt);
    report_free(&c.prev);
    whatif_free(c.wi);
    drop_work(db);
    return rc;
}

/* keep_only - drop every table of r but the one called key. */
static void keep_only(struct report *r, const char *key)
{
    size_t kept = 0;
    for (size_t k = 0; k < r->ntables; k++) {
        struct rtable *t = r->tables[k];
        if (strcmp(t->key, key) == 0) {
            r->tables[kept++] = t;
            continue;
        }
        for (size_t i = 0; i < t->nrows * t->ncols; i++)
            free(t->cells[i].s);
        free(t->cells);
        free(t);
    }
    r->ntables = kept;
}

void report_free(struct report *r)
{
    for (size_t k = 0; k < r->ntables; k++) {
        struct rtable *t = r->tables[k];
        for (size_t i = 0; i < t->nrows * t->ncols; i++)
            free(t->cells[i].s);
        free(t->cells);
        free(t);
    }
    r->ntables = 0;
    free(r->warning);
    r->warning = NULL;
}

const struct rtable *report_find(const struct report *r, const char *key)
{
    for (size_t k = 0; k < r->ntables; k++)
        if (strcmp(r->tables[k]->key, key) == 0)
            return r->tables[k];
    return NULL;
}

const struct rcell *report_cell(const struct rtable *t, size_t row,
                                size_t col)
{
    return &t->cells[row * t->ncols + col];
}

int report_col(const struct rtable *t, const char *name)
{
    for (size_t i = 0; i < t->ncols; i++)
        if (strcmp(t->cols[i], name) == 0)
            return (int)i;
    return -1;
}

/* report_figures_of - fig from r's verdicts table (zeros without one). */
static void report_figures_of(const struct report *r, struct report_figures *fig)
{
    fig->accepted_messages = fig->would_reject_messages = 0;
    const struct rtable *t = report_find(r, "verdicts");
    int v = t != NULL ? report_col(t, "verdict") : -1;
    int m = t != NULL ? report_col(t, "messages") : -1;
    for (size_t i = 0; v >= 0 && m >= 0 && i < t->nrows; i++) {
        long long n = report_cell(t, i, (size_t)m)->i;
        fig->accepted_messages += n;
        if (strcmp(report_cell(t, i, (size_t)v)->s, "reject") == 0)
            fig->would_reject_messages += n;
    }
}

int report_run(struct store *st, const struct report_opts *o,
               struct report_figures *fig, char **err)
{
    const struct report_renderer *rend = report_renderer_find(o->format);
    if (rend == NULL) {
        char names[256];
        return hv_errf(err, HV_EUSAGE, "unknown report format '%s' (%s)", o->format,
                       report_join_names(names, sizeof(names), report_renderer_name,
                                         ", ", ", "));
    }
    if (o->table != NULL && !report_table_known(o->table))
        return hv_errf(err, HV_EUSAGE, "unknown report table '%s'", o->table);
    if (o->table != NULL && strncmp(o->table, "policy_delta", 12) == 0 &&
        o->ncompare == 0)
        return hv_errf(err, HV_EUSAGE, "table '%s' needs --compare-policy FILE",
                       o->table);
    if (o->table != NULL && strncmp(o->table, "headline_", 9) == 0 &&
        !o->compare_previous)
        return hv_errf(err, HV_EUSAGE, "table '%s' needs --compare-previous",
                       o->table);
    if (o->ncompare > REPORT_MAX_COMPARE)
        return hv_errf(err, HV_EUSAGE, "at most %d --compare-policy files",
                       REPORT_MAX_COMPARE);
    struct report r;
    int rc = report_build(store_db(st), o, &r, err);
    if (rc != HV_OK) {
        report_free(&r);
        return rc;
    }
    if (fig != NULL)
        report_figures_of(&r, fig);
    if (o->table != NULL)
        keep_only(&r, o->table);
    FILE *out = o->stream != NULL ? o->stream : stdout;
    if (o->stream == NULL && o->output != NULL && strcmp(o->output, "-") != 0) {
        out = fopen(o->output, "w");
        if (out == NULL) {
            report_free(&r);
            return hv_errf(err, HV_EIO, "cannot write %s: %s", o->output,
                           strerror(errno));
        }
    }
    rc = rend->render(&r, out, o, err);
    report_free(&r);
    if (fflush(out) != 0 || ferror(out)) {
        if (rc == HV_OK)
            rc = hv_errf(err, HV_EIO, "cannot write %s: %s",
                             o->output ? o->output : "stdout",
                             strerror(errno));
    }
    if (out != stdout && out != o->stream && fclose(out) != 0 && rc == HV_OK)
        rc = hv_errf(err, HV_EIO, "cannot write %s: %s", o->output,
                     strerror(errno));
    return rc;
}
