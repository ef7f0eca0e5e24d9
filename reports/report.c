/* SPDX-License-Identifier: MIT */
/*
 * report - the report's data model. One pass over the sessions in range
 * (one GROUP BY) fills a TEMP work table with one row per distinct (HELO,
 * client IP) pair: its session counts per MTA disposition, and its CSA,
 * DNA, verdict, HELO class, domain and network, looked up or computed once
 * per pair. Every table of the model is then one small GROUP BY over the
 * pairs, except the time series (one pass over the sessions in range, each
 * looked up in a C hash table of the pairs' verdicts).
 * Renderers live in report_<format>.c.
 *
 * Heuristics (documented in the README):
 *  - "domain" of a HELO: for an FQDN the last two labels, or three when the
 *    second-level label is a common registry label under a two-letter
 *    country code (co.uk, com.au, ac.jp, ...: second-level of two letters,
 *    or one of com net org gov edu); lower-cased, trailing dot dropped.
 *    Address literals, bare IPs, bare and invalid names stand for
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

#include "ascii.h"
#include "fmt.h"
#include "csvsql.h"
#include "heloname.h"
#include "lineio.h"
#include "msg.h"
#include "policy.h"
#include "readviews.h"
#include "rptsql.h"
#include "tstamp.h"
#include "xmem.h"

/* ==== Options, errors, time ==== */

void report_opts_init(struct report_opts *o)
{
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

/* is_cc_registry - second-level labels under which names are registered
 * at the third level (co.uk, com.au, ...). */
static bool is_cc_registry(const char *l, size_t n)
{
    static const char *const words[] = {"com", "net", "org", "gov", "edu"};
    if (n == 2)
        return is_alpha(l[0]) && is_alpha(l[1]);
    for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
        if (n == 3 && memcmp(l, words[i], 3) == 0)
            return true;
    return false;
}

/* regdomain - the registered-domain-ish part of a normalised FQDN, as a
 * suffix of name (borrowed). */
static const char *regdomain(const char *name)
{
    size_t len = strlen(name);
    /* the last three dots, nearest first */
    const char *dots[3] = {NULL, NULL, NULL};
    int nd = 0;
    for (size_t i = len; i-- > 0 && nd < 3;)
        if (name[i] == '.')
            dots[nd++] = name + i;
    if (nd < 2)
        return name;
    const char *tld = dots[0] + 1;
    const char *sld = dots[1] + 1;
    size_t sldlen = (size_t)(dots[0] - sld);
    if (strlen(tld) == 2 && is_cc_registry(sld, sldlen))
        return nd >= 3 ? dots[2] + 1 : name;
    return sld;
}

/* sql_rdomain - hv_rdomain(helo, class) -> the "domain" of a HELO. */
static void sql_rdomain(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    const char *helo = (const char *)sqlite3_value_text(argv[0]);
    const char *cls = (const char *)sqlite3_value_text(argv[1]);
    char norm[HELO_NAME_MAX];
    if (helo == NULL || helo[0] == '\0') {
        sqlite3_result_text(ctx, "", 0, SQLITE_STATIC);
        return;
    }
    if (cls != NULL && strcmp(cls, "fqdn") == 0 &&
        helo_norm_name(helo, norm, sizeof(norm))) {
        sqlite3_result_text(ctx, regdomain(norm), -1, SQLITE_TRANSIENT);
        return;
    }
    size_t n = (size_t)sqlite3_value_bytes(argv[0]);
    char *low = xmemdup0(helo, n);
    for (size_t i = 0; i < n; i++)
        low[i] = to_lower(low[i]);
    sqlite3_result_text(ctx, low, (int)n, free);
}

/* sql_net - hv_net(ip) -> "192.0.2.0/24" or "2001:db8:1::/48"; the input
 * itself when it is not an address. */
static void sql_net(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    const char *ip = (const char *)sqlite3_value_text(argv[0]);
    unsigned char b[16];
    char txt[INET6_ADDRSTRLEN + 8];
    if (ip == NULL) {
        sqlite3_result_null(ctx);
        return;
    }
    if (inet_pton(AF_INET, ip, b) == 1) {
        b[3] = 0;
        if (inet_ntop(AF_INET, b, txt, sizeof(txt)) != NULL) {
            size_t n = strlen(txt);
            snprintf(txt + n, sizeof(txt) - n, "/24");
            sqlite3_result_text(ctx, txt, -1, SQLITE_TRANSIENT);
            return;
        }
    } else if (inet_pton(AF_INET6, ip, b) == 1) {
        memset(b + 6, 0, 10);
        if (inet_ntop(AF_INET6, b, txt, sizeof(txt)) != NULL) {
            size_t n = strlen(txt);
            snprintf(txt + n, sizeof(txt) - n, "/48");
            sqlite3_result_text(ctx, txt, -1, SQLITE_TRANSIENT);
            return;
        }
    }
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

/* rt_row - append an empty row; returns its first cell. */
static struct rcell *rt_row(struct rtable *t)
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

struct ctx {
    sqlite3 *db;
    struct report *r;
    const struct report_opts *o;
    char **err;
    int rc;                 /* the code that goes with *err (load_policy) */
    bool has_span;          /* any session with a time in range */
    long long first, last;  /* its first and last session time */
    long long step;         /* time series bucket: 3600 or 86400 */
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
    i = sqlite3_bind_parameter_index(q, ":first");
    if (i > 0 && c->has_span)
        sqlite3_bind_int64(q, i, c->first);
    i = sqlite3_bind_parameter_index(q, ":last");
    if (i > 0 && c->has_span)
        sqlite3_bind_int64(q, i, c->last);
    return HV_OK;
}

/* timing - with HV_REPORT_TIMING set in the environment, print how long
 * each step took to stderr (a benchmark aid; off by default). */
static void timing(const char *what, struct timespec *t0)
{
    struct timespec t1;
    if (getenv("HV_REPORT_TIMING") == NULL)
        return;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    fprintf(stderr, "report: %-28s %.3f s\n", what,
            (double)(t1.tv_sec - t0->tv_sec) +
                (double)(t1.tv_nsec - t0->tv_nsec) / 1e9);
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
        struct rcell *row = rt_row(t);
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
            struct rcell *row = rt_row(t);
            const char *name = sqlite3_column_name(q, i);
            row[0].type = RCOL_TEXT;
            row[0].s = xstrdup(name);
            row[0].n = strlen(name);
            int ty = sqlite3_column_type(q, i);
            if (ty == SQLITE_INTEGER || ty == SQLITE_NULL) {
                row[1].type = RCOL_INT;
                row[1].i = sqlite3_column_int64(q, i);
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
        struct rcell *row = rt_row(t);

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

/* exec - run statements without results that write TEMP objects only.
 * HV_OK, or HV_EDB / HV_EWRITE with *c->err set. */
static int exec(struct ctx *c, const char *sql)
{
    c->rc = rpt_exec_temp(c->db, sql, c->err);
    return c->rc;
}

/* ==== The work table ==== */

/* load_policy - the policy the verdicts come from: the database's, or a
 * file's copied into TEMP table hv_policy. Returns the table name, or NULL
 * with *c->err set (HV_EINPUT for the file, HV_EDB or HV_EWRITE for SQL, in
 * c->rc). */
static const char *load_policy(struct ctx *c)
{
    struct policy pol;
    if (c->o->policy_file == NULL) {
        c->r->policy = "database";
        return "rv_policy";
    }
    c->rc = policy_load(c->o->policy_file, &pol, c->err);
    if (c->rc != HV_OK)
        return NULL;
    c->r->policy = c->o->policy_file;
    if (exec(c, "DROP TABLE IF EXISTS temp.hv_policy;"
                "CREATE TEMP TABLE hv_policy(csa_status TEXT, dna_status TEXT,"
                " action TEXT, PRIMARY KEY(csa_status, dna_status))") != HV_OK)
        return NULL;
    sqlite3_stmt *q;
    c->rc = prep(c, "INSERT INTO temp.hv_policy VALUES(?1,?2,?3)", true, &q);
    if (c->rc != HV_OK)
        return NULL;
    for (int i = 0; i < POLICY_NCSA; i++) {
        for (int j = 0; j < POLICY_NDNA; j++) {
            sqlite3_bind_text(q, 1, policy_csa_names[i], -1, SQLITE_STATIC);
            sqlite3_bind_text(q, 2, policy_dna_names[j], -1, SQLITE_STATIC);
            sqlite3_bind_text(q, 3, policy_action_names[pol.cell[i][j]], -1,
                              SQLITE_STATIC);
            c->rc = rpt_step_done(c->db, sqlite3_step(q), "report policy",
                                  c->err);
            if (c->rc != HV_OK) {
                sqlite3_finalize(q);
                return NULL;
            }
            sqlite3_reset(q);
        }
    }
    sqlite3_finalize(q);
    return "temp.hv_policy";
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

/* make_work - the work table hv_p: one row per distinct (HELO, client IP)
 * in range, with its CSA, DNA, verdict (policy), HELO class, domain and
 * network computed once per pair, and its sessions counted per MTA
 * disposition and HELO provenance in the same single pass over the sessions
 * (one GROUP BY). Every table but the time series reads only hv_p. */
static int make_work(struct ctx *c)
{
    const char *pt = load_policy(c);
    if (pt == NULL)
        return c->rc;
    struct fmt_buf sql;
    fmt_buf_init(&sql);
    fmt_buf_puts(
        &sql,
        "DROP TABLE IF EXISTS temp.hv_p;"
        "CREATE TEMP TABLE hv_p(pid INTEGER PRIMARY KEY, helo TEXT, ip TEXT,"
        /* sessions, messages, an example session id */
        " n INTEGER, m INTEGER, ex INTEGER,"
        " n_acc INTEGER, n_rej INTEGER, n_def INTEGER, n_lost INTEGER,"
        " n_unk INTEGER, ex_acc INTEGER, ex_rej INTEGER, n_recv INTEGER,"
        " n_impl INTEGER, n_none INTEGER, unobs INTEGER, mta TEXT,"
        " csa_status TEXT, csa_reason TEXT, publishes INTEGER,"
        " dna_status TEXT, dna_grade TEXT, dna_service TEXT, verdict TEXT,"
        " why TEXT, cls TEXT, domain TEXT, net TEXT);"
        "INSERT INTO temp.hv_p(helo, ip, n, m, ex, n_acc, n_rej, n_def,"
        " n_lost, n_unk, ex_acc, ex_rej, n_recv, n_impl, n_none, unobs, mta,"
        " csa_status, csa_reason,"
        " publishes, dna_status, dna_grade, dna_service, verdict, why, cls,"
        " domain, net)"
        " SELECT helo, ip, n, m, ex, n_acc, n_rej, n_def, n_lost, n_unk,"
        " ex_acc, ex_rej, n_recv, n_impl, n_none, unobs, mta,"
        " csa_status, csa_reason, publishes,"
        " dna_status, dna_grade, dna_service, verdict, why, cls,"
        " hv_rdomain(helo, cls), hv_net(ip) FROM (SELECT q.*,"
        /* a HELO the log does not show: not evaluated (see schema.h) */
        " CASE WHEN q.unobs THEN 'unknown' ELSE c.status END AS csa_status,"
        " CASE WHEN q.unobs THEN 'helo-unobserved' ELSE c.reason END"
        "  AS csa_reason,"
        " (NOT q.unobs AND c.status IS NOT NULL AND"
        "  (COALESCE(c.record,'') <> '' OR"
        "  c.reason NOT IN ('no-record','invalid-helo','no-helo')))"
        "  AS publishes,"
        " COALESCE(d.status,'unknown') AS dna_status, d.grade AS dna_grade,"
        " d.service AS dna_service,"
        " CASE WHEN q.unobs THEN 'unevaluated'"
        "  WHEN c.status IS NULL THEN 'unresolved'"
        "  ELSE COALESCE(p.action,'unresolved') END AS verdict,"
        " CASE WHEN q.unobs THEN 'helo-unobserved'"
        "  WHEN c.status IS NULL THEN 'unresolved'"
        "  WHEN c.status IN ('ok','unknown') AND d.status IN"
        "  ('not-recommended','defer') THEN 'dna-' || d.status"
        "  ELSE c.reason END AS why,"
        " hv_helo_class(NULLIF(q.helo,'')) AS cls"
        " FROM (SELECT COALESCE(helo,'') AS helo, ip, unobs, min(mta) AS mta,"
        "  sum(n) AS n,"
        "  sum(m) AS m, min(ex) AS ex, sum(n_acc) AS n_acc,"
        "  sum(n_rej) AS n_rej, sum(n_def) AS n_def, sum(n_lost) AS n_lost,"
        "  sum(n) - sum(n_acc) - sum(n_rej) - sum(n_def) - sum(n_lost)"
        "  AS n_unk, min(ex_acc) AS ex_acc, min(ex_rej) AS ex_rej,"
        "  sum(n_recv) AS n_recv, sum(n_impl) AS n_impl, sum(n_none) AS n_none"
        " FROM (SELECT s.helo AS helo, s.ip AS ip,"
        "  " HV_SQL_HELO_UNOBSERVED " AS unobs, min(s.mta) AS mta,"
        "  count(*) AS n, sum(s.messages) AS m, min(s.id) AS ex,"
        "  sum(s.disposition = 'accepted') AS n_acc,"
        "  sum(s.disposition = 'rejected') AS n_rej,"
        "  sum(s.disposition = 'deferred') AS n_def,"
        "  sum(s.disposition = 'lost') AS n_lost,"
        "  min(CASE WHEN s.disposition = 'accepted' THEN s.id END) AS ex_acc,"
        "  min(CASE WHEN s.disposition = 'rejected' THEN s.id END) AS ex_rej,"
        "  sum(s.helo_from = 'received') AS n_recv,"
        "  sum(s.helo_from = 'implied') AS n_impl,"
        "  sum(s.helo_from = 'none') AS n_none"
        "  FROM rv_sessions s");
    range_where(c, &sql, false);
    /* the inner GROUP BY sees every session and carries few expressions;
     * NULL and '' HELOs meet in the outer one, which sees one row per
     * pair */
    fmt_buf_puts(&sql, " GROUP BY s.helo, s.ip, 3) GROUP BY 1, 2, 3) q"
                       " LEFT JOIN rv_csa c ON c.helo = q.helo AND c.ip = q.ip"
                       " LEFT JOIN rv_dna_result d ON d.helo = q.helo"
                       " LEFT JOIN ");
    fmt_buf_puts(&sql, pt);
    fmt_buf_puts(&sql, " p ON p.csa_status = c.status"
                       " AND p.dna_status = COALESCE(d.status,'unknown'));"
                       "CREATE INDEX temp.hv_p_pair"
                       " ON hv_p(helo, ip, unobs, verdict);");
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    int rc = exec(c, fmt_buf_str(&sql));
    timing("work table", &t0);
    fmt_buf_free(&sql);
    return rc;
}

/* drop_work - remove the TEMP objects (also after a failure). */
static void drop_work(sqlite3 *db)
{
    rpt_exec_temp(db,
                  "DROP TABLE IF EXISTS temp.hv_p;"
                  "DROP TABLE IF EXISTS temp.hv_policy",
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
    " COALESCE(sum(n),0) AS sessions, COALESCE(sum(m),0) AS messages,"
    " count(DISTINCT ip) AS distinct_ips,"
    " count(DISTINCT NULLIF(helo,'')) AS distinct_helos,"
    " COALESCE(sum(CASE WHEN helo <> '' THEN n END),0) AS helo_known,"
    " COALESCE(sum(CASE WHEN helo <> '' THEN n - n_recv - n_impl END),0)"
    "  AS helo_from_log,"
    " COALESCE(sum(CASE WHEN helo <> '' THEN n_impl END),0)"
    "  AS helo_implied,"
    " COALESCE(sum(CASE WHEN helo <> '' THEN n_recv END),0)"
    "  AS helo_from_received,"
    " COALESCE(sum(CASE WHEN helo = '' THEN n END),0) AS helo_unknown,"
    " COALESCE(sum(CASE WHEN helo = '' AND NOT unobs THEN n END),0)"
    "  AS helo_absent,"
    " COALESCE(sum(CASE WHEN unobs THEN n END),0) AS helo_unobserved,"
    " COALESCE(sum(CASE WHEN unobs THEN n_acc END),0)"
    "  AS accepted_unevaluated,"
    " COALESCE(sum(CASE WHEN csa_status IS NOT NULL AND NOT unobs THEN n END),0)"
    "  AS resolved_sessions,"
    " (SELECT count(*) FROM rv_resolve_runs) AS dns_runs,"
    " (SELECT COALESCE(sum(names),0) FROM rv_resolve_runs) AS dns_names,"
    " (SELECT COALESCE(sum(queries),0) FROM rv_resolve_runs) AS dns_queries,"
    " (SELECT COALESCE(sum(cache_hits),0) FROM rv_resolve_runs)"
    "  AS dns_cache_hits,"
    " (SELECT COALESCE(sum(timeouts),0) FROM rv_resolve_runs) AS dns_timeouts,"
    " (SELECT COALESCE(sum(failures),0) FROM rv_resolve_runs) AS dns_failures"
    " FROM temp.hv_p";

static const char sql_skips[] =
    "SELECT reason, sum(count) FROM rv_source_skips"
    " WHERE reason NOT IN " LINE_SQL_REPAIRS " GROUP BY reason ORDER BY reason";

/* lines repaired (CR, NUL, invalid UTF-8) and then read: not skips */
static const char sql_repairs[] =
    "SELECT reason, sum(count) FROM rv_source_skips"
    " WHERE reason IN " LINE_SQL_REPAIRS " GROUP BY reason ORDER BY reason";

/* sessions per source: a session id is (source_id << 32) | line, so each
 * source's sessions are one rowid range (no sort of the sessions) */
static void sql_sources(struct ctx *c, struct fmt_buf *b)
{
    fmt_buf_puts(b, "SELECT src.path, COALESCE(src.format,''), src.lines_read,"
                    " (SELECT COALESCE(sum(count),0) FROM rv_source_skips k"
                    "  WHERE k.source_id = src.id AND k.reason <> 'other-program'"
                    "  AND k.reason NOT IN " LINE_SQL_REPAIRS "),"
                    " (SELECT count(*) FROM rv_sessions s WHERE"
                    "  s.id >= (src.id << 32) AND s.id < ((src.id + 1) << 32)");
    if (c->o->since != LLONG_MIN)
        fmt_buf_printf(b, " AND s.ts >= %lld", c->o->since);
    if (c->o->until != LLONG_MAX)
        fmt_buf_printf(b, " AND s.ts < %lld", c->o->until);
    fmt_buf_puts(b, ") FROM rv_sources src ORDER BY src.path, src.id");
}

static const char sql_verdicts[] =
    "WITH " VERDICT_ORDER ","
    " a AS (SELECT verdict, sum(n) AS n, sum(m) AS m"
    "  FROM temp.hv_p GROUP BY verdict),"
    " t AS (SELECT COALESCE(sum(n),0) AS n, COALESCE(sum(m),0) AS m"
    "  FROM temp.hv_p)"
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
    " FROM temp.hv_p WHERE unobs AND n_acc > 0 GROUP BY mta ORDER BY 2 DESC, 1";

static const char sql_csa[] =
    "SELECT COALESCE(csa_status,'unresolved'), COALESCE(csa_reason,''),"
    " sum(n), sum(m) FROM temp.hv_p GROUP BY 1, 2"
    " ORDER BY 3 DESC, 1, 2";

static const char sql_dna[] =
    "SELECT dna_status, COALESCE(dna_grade,''), sum(n), sum(m)"
    " FROM temp.hv_p GROUP BY 1, 2 ORDER BY 3 DESC, 1, 2";

static const char sql_helo_quality[] =
    "WITH k(cls, ord) AS (VALUES('fqdn',1),('address-literal',2),"
    " ('bare-ip',3),('bare-name',4),('invalid',5),('none',6)),"
    " a AS (SELECT cls, sum(n) AS n, count(DISTINCT NULLIF(helo,'')) AS h,"
    "  sum(m) AS m FROM temp.hv_p GROUP BY cls)"
    " SELECT k.cls, COALESCE(a.n,0), COALESCE(a.h,0), COALESCE(a.m,0)"
    " FROM k LEFT JOIN a ON a.cls = k.cls ORDER BY k.ord";

static const char sql_impact[] =
    "WITH " VERDICT_ORDER ","
    " a AS (SELECT verdict, sum(n_acc) AS acc, sum(n_rej) AS rej,"
    "  sum(n_def) AS def, sum(n_lost) AS lost, sum(n_unk) AS unk,"
    "  sum(n) AS n FROM temp.hv_p GROUP BY verdict)"
    " SELECT v.verdict, COALESCE(a.acc,0), COALESCE(a.rej,0),"
    "  COALESCE(a.def,0), COALESCE(a.lost,0), COALESCE(a.unk,0),"
    "  COALESCE(a.n,0)"
    " FROM v LEFT JOIN a ON a.verdict = v.verdict ORDER BY v.ord";

/* ranked list of senders: a verdict, and the sessions of one disposition
 * (messages are only ever counted in accepted sessions) */
#define SQL_SENDERS(verdict, nsess, msgs, ex)                                 \
    "SELECT g.domain, g.ips, g.sessions, g.messages, g.why,"                  \
    " src.path || ':' || r.line"                                              \
    " FROM (SELECT domain, why, count(DISTINCT ip) AS ips,"                   \
    "  sum(" nsess ") AS sessions, " msgs " AS messages, min(" ex ") AS ex"   \
    "  FROM temp.hv_p WHERE verdict = '" verdict "' AND " nsess " > 0"        \
    "  GROUP BY domain, why) g"                                               \
    " JOIN rv_sessions r ON r.id = g.ex"                                         \
    " JOIN rv_sources src ON src.id = r.source_id"                               \
    " ORDER BY g.messages DESC, g.sessions DESC, g.domain, g.why"             \
    " LIMIT :top"

static const char sql_at_risk[] =
    SQL_SENDERS("reject", "n_acc", "sum(m)", "ex_acc");
static const char sql_rescued[] =
    SQL_SENDERS("accept", "n_rej", "0", "ex_rej");

/* top N per verdict of a grouping expression (groups of at least
 * min_n sessions) */
#define SQL_TOP(expr, extra, min_n)                                           \
    "WITH " VERDICT_ORDER ","                                                 \
    " a AS (SELECT verdict, " expr " AS k, sum(n) AS n,"                      \
    "  sum(m) AS m, " extra " AS x,"                                          \
    "  row_number() OVER (PARTITION BY verdict"                               \
    "   ORDER BY sum(n) DESC, sum(m) DESC, " expr ") AS rn"                   \
    "  FROM temp.hv_p GROUP BY verdict, " expr                                \
    "  HAVING sum(n) >= " min_n ")"                                           \
    " SELECT a.verdict, a.k, a.n, a.m, a.x FROM a"                            \
    " JOIN v ON v.verdict = a.verdict WHERE a.rn <= :top"                     \
    " ORDER BY v.ord, a.rn"

static const char sql_top_domains[] =
    SQL_TOP("domain", "count(DISTINCT ip)", "1");
/* a network seen in one session says nothing about the network: such rows
 * would fill the table on any real log */
static const char sql_top_networks[] =
    SQL_TOP("net", "count(DISTINCT helo)", "2");

static const char sql_publishing[] =
    "SELECT 'sessions', COALESCE(sum(n),0),"
    "  COALESCE(sum(CASE WHEN publishes THEN n END),0),"
    "  round(100.0 * COALESCE(sum(CASE WHEN publishes THEN n END),0)"
    "  / max(COALESCE(sum(n),0),1), 1)"
    "  FROM temp.hv_p WHERE csa_status IS NOT NULL AND NOT unobs"
    " UNION ALL "
    "SELECT 'domains', count(*), COALESCE(sum(p),0),"
    "  round(100.0 * COALESCE(sum(p),0) / max(count(*),1), 1)"
    "  FROM (SELECT domain, max(publishes) AS p FROM temp.hv_p"
    "  WHERE cls = 'fqdn' AND csa_status IS NOT NULL GROUP BY domain)";

/* replies: the mark header is shown per CSA status with a placeholder for
 * the HELO, so that the table has one row per distinct reply. */
static const char sql_replies[] =
    "WITH " VERDICT_ORDER ","
    " a AS (SELECT verdict, hv_smtp_reply(verdict, csa_status, csa_reason,"
    "  dna_status, dna_service, CASE WHEN verdict = 'mark' THEN 'HELO'"
    "  ELSE helo END, :auth) AS reply, sum(n) AS n, sum(m) AS m"
    "  FROM temp.hv_p WHERE verdict IN ('reject','tempfail','mark')"
    "  GROUP BY 1, 2)"
    " SELECT a.verdict, a.reply, a.n, a.m FROM a"
    " JOIN v ON v.verdict = a.verdict ORDER BY v.ord, a.n DESC, a.reply";

/* ==== The time series ==== */

/* A pair's verdict by its key (HELO, client IP, unobserved), in an
 * open-addressing hash table built from hv_p: the time series looks every
 * session's pair up here instead of in hv_p's index (ten times faster at
 * 1,000,000 sessions). */
struct vmap_ent {
    char *key;       /* HELO NUL IP NUL unobs, owned; NULL: free slot */
    size_t len;
    int col;         /* the series column of the verdict, 0 for none */
};
struct vmap {
    struct vmap_ent *e;
    size_t cap, n;   /* cap a power of two, n < cap / 2 */
};

/* The verdicts the series counts, in the order of its columns 1..6. */
static const char *const series_verdicts[] = {
    "accept", "mark", "reject", "tempfail", "unresolved", "unevaluated",
};
#define SERIES_NV (sizeof(series_verdicts) / sizeof(series_verdicts[0]))

/* vmap_key - the key of (helo, ip, unobs) into b (reset first). */
static void vmap_key(struct fmt_buf *b, const char *helo, size_t hn,
                     const char *ip, size_t in, int unobs)
{
    fmt_buf_reset(b);
    fmt_buf_add(b, helo, hn);
    fmt_buf_add(b, "", 1);
    fmt_buf_add(b, ip, in);
    fmt_buf_add(b, unobs ? "\0001" : "\0000", 2);
}

/* vmap_slot - the slot holding key, or the free slot where it belongs. */
static struct vmap_ent *vmap_slot(const struct vmap *m, const char *key,
                                  size_t len)
{
    unsigned long long h = 1469598103934665603ULL;
    for (size_t i = 0; i < len; i++)
        h = (h ^ (unsigned char)key[i]) * 1099511628211ULL;
    for (size_t i = (size_t)h & (m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
        struct vmap_ent *e = &m->e[i];
        if (e->key == NULL ||
            (e->len == len && memcmp(e->key, key, len) == 0))
            return e;
    }
}

/* vmap_put - key -> col (the table grows to stay under half full). */
static void vmap_put(struct vmap *m, const char *key, size_t len, int col)
{
    if (2 * (m->n + 1) >= m->cap) {
        struct vmap old = *m;
        m->cap = old.cap ? 2 * old.cap : 1024;
        m->e = xcalloc(m->cap, sizeof(*m->e));
        for (size_t i = 0; i < old.cap; i++)
            if (old.e[i].key != NULL)
                *vmap_slot(m, old.e[i].key, old.e[i].len) = old.e[i];
        free(old.e);
    }
    struct vmap_ent *e = vmap_slot(m, key, len);
    if (e->key == NULL) {
        e->key = xmemdup0(key, len);
        e->len = len;
        m->n++;
    }
    e->col = col;
}

/* vmap_free - release every key and the table. */
static void vmap_free(struct vmap *m)
{
    for (size_t i = 0; i < m->cap; i++)
        free(m->e[i].key);
    free(m->e);
    m->e = NULL;
    m->cap = m->n = 0;
}

/* vmap_load - every pair of hv_p with its series column into m. */
static int vmap_load(struct ctx *c, struct vmap *m, struct fmt_buf *key)
{
    sqlite3_stmt *q;
    int rc = prep(c, "SELECT helo, ip, unobs, verdict FROM temp.hv_p", false,
                  &q);
    if (rc != HV_OK)
        return rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        const char *v = (const char *)sqlite3_column_text(q, 3);
        int col = 0;
        for (size_t k = 0; v != NULL && k < SERIES_NV; k++)
            if (strcmp(v, series_verdicts[k]) == 0)
                col = (int)k + 1;
        const char *h = (const char *)sqlite3_column_text(q, 0);
        size_t hn = (size_t)sqlite3_column_bytes(q, 0);
        const char *ip = (const char *)sqlite3_column_text(q, 1);
        size_t in = (size_t)sqlite3_column_bytes(q, 1);
        vmap_key(key, h != NULL ? h : "", hn, ip != NULL ? ip : "", in,
                 sqlite3_column_int(q, 2));
        vmap_put(m, fmt_buf_str(key), key->len, col);
    }
    rc = rpt_step_done(c->db, rc, "report query failed", c->err);
    sqlite3_finalize(q);
    return rc;
}

/* series_count - one pass over the sessions in range (with a time): each
 * counted in its bucket (of nb, from b0) under its pair's verdict column
 * and in the total (column 7); counts is nb * 8, zeroed. */
static int series_count(struct ctx *c, const struct vmap *m, long long b0,
                        long long nb, long long *counts, struct fmt_buf *key)
{
    struct fmt_buf sql;
    fmt_buf_init(&sql);
    fmt_buf_puts(&sql, "SELECT s.ts, COALESCE(s.helo,''), s.ip, "
                       HV_SQL_HELO_UNOBSERVED " FROM rv_sessions s");
    range_where(c, &sql, true);
    sqlite3_stmt *q;
    int rc = prep(c, fmt_buf_str(&sql), false, &q);
    fmt_buf_free(&sql);
    if (rc != HV_OK)
        return rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        long long k = (sqlite3_column_int64(q, 0) - b0) / c->step;
        if (k < 0 || k >= nb)
            continue;
        const char *h = (const char *)sqlite3_column_text(q, 1);
        size_t hn = (size_t)sqlite3_column_bytes(q, 1);
        const char *ip = (const char *)sqlite3_column_text(q, 2);
        size_t in = (size_t)sqlite3_column_bytes(q, 2);
        vmap_key(key, h != NULL ? h : "", hn, ip != NULL ? ip : "", in,
                 sqlite3_column_int(q, 3));
        const struct vmap_ent *e = vmap_slot(m, fmt_buf_str(key), key->len);
        if (e->key == NULL)
            continue; /* not a pair of hv_p: the join would drop it */
        counts[k * 8 + e->col]++;
        counts[k * 8 + 7]++;
    }
    rc = rpt_step_done(c->db, rc, "report query failed", c->err);
    sqlite3_finalize(q);
    return rc;
}

/* fill_series - the time series: one pass over the sessions in range,
 * each counted in its bucket under its pair's verdict (hv_p, through a
 * vmap), then every bucket from the first to the last in order (at most
 * 20,000), empty ones as zero rows. */
static int fill_series(struct ctx *c, struct rtable *t)
{
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    if (!c->has_span)
        return 0;
    long long b0 = c->first - ((c->first % c->step) + c->step) % c->step;
    long long nb = (c->last - b0) / c->step + 1;
    if (nb > 20000)
        nb = 20000;
    struct vmap m = {NULL, 0, 0};
    struct fmt_buf key;
    fmt_buf_init(&key);
    long long *counts = xcalloc((size_t)nb * 8, sizeof(*counts));
    int rc = vmap_load(c, &m, &key);
    if (rc == HV_OK)
        rc = series_count(c, &m, b0, nb, counts, &key);
    vmap_free(&m);
    fmt_buf_free(&key);
    for (long long k = 0; rc == HV_OK && k < nb; k++) {
        struct rcell *row = rt_row(t);
        char label[32];
        time_t when = (time_t)(b0 + k * c->step);
        struct tm tm;
        gmtime_r(&when, &tm);
        strftime(label, sizeof(label), c->step == 3600 ? "%Y-%m-%dT%H:00Z" : "%Y-%m-%d",
                 &tm);
        row[0].type = t->types[0];
        row[0].n = strlen(label);
        row[0].s = xmemdup0(label, row[0].n);
        for (size_t i = 1; i < t->ncols; i++) {
            row[i].type = t->types[i];
            row[i].i = counts[k * 8 + (long long)i];
        }
    }
    free(counts);
    timing(t->key, &t0);
    return rc;
}

/* time_span - first and last session time in range (the ts index makes
 * this two seeks), and the series step: an hour under 3 days, else a day.
 * HV_OK, or HV_EDB / HV_EWRITE with *c->err set. */
static int time_span(struct ctx *c)
{
    struct fmt_buf sql;
    fmt_buf_init(&sql);
    fmt_buf_puts(&sql, "SELECT min(s.ts), max(s.ts) FROM rv_sessions s");
    range_where(c, &sql, false);
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
    c->step = c->has_span && c->last - c->first < 3 * 86400 ? 3600 : 86400;
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
    int rc = prep(c, "SELECT min(ts), max(ts) FROM rv_sessions", false, &q);
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
    {"summary", "Summary", "item,value", "tt", sql_summary},
    {"sources", "Inputs", "source,format,lines,skipped,sessions", "ttiii",
     NULL},
    {"skips", "Lines skipped", "reason,lines", "ti", sql_skips},
    {"repairs", "Lines repaired and read (not skipped)", "reason,lines", "ti",
     sql_repairs},
    {"verdicts", "Verdicts",
     "verdict,sessions,sessions_pct,messages,messages_pct", "tipip",
     sql_verdicts},
    {"impact", "Impact: CSV verdict x MTA disposition (sessions)",
     "verdict,accepted,rejected,deferred,lost,unknown,sessions", "tiiiiii",
     sql_impact},
    {"at_risk", "Senders at risk: accepted by the MTA, rejected by CSV",
     "domain,ips,sessions,messages,reason,example", "tiiitt", sql_at_risk},
    {"mta_rejected_csv_accepted", "Rejected by the MTA, accepted by CSV",
     "domain,ips,sessions,messages,reason,example", "tiiitt", sql_rescued},
    {"unevaluated",
     "Accepted mail not evaluated: the HELO is not in the log",
     "mta,sessions,messages,reason,closes_the_gap", "tiitt", sql_unevaluated},
    {"csa", "CSA status and reason", "status,reason,sessions,messages",
     "ttii", sql_csa},
    {"dna", "DNA status and grade", "status,grade,sessions,messages", "ttii",
     sql_dna},
    {"helo_quality", "HELO quality", "class,sessions,helos,messages", "tiii",
     sql_helo_quality},
    {"publishing", "CSA publishing coverage (resolved sessions)",
     "scope,total,publishing,publishing_pct", "tiip", sql_publishing},
    {"replies", "Replies CSV would have sent",
     "verdict,reply,sessions,messages", "ttii", sql_replies},
    {"top_domains", "Top HELO domains per verdict",
     "verdict,domain,sessions,messages,ips", "ttiii", sql_top_domains},
    {"top_networks", "Top client networks per verdict (two sessions or more)",
     "verdict,network,sessions,messages,helos", "ttiii", sql_top_networks},
    {"timeseries", NULL,
     "time,accept,mark,reject,tempfail,unresolved,unevaluated,sessions",
     "tiiiiiii", NULL},
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
           (strcmp(key, "verdicts") == 0 && c->o->want_figures);
}

/* build_tables - the tables of tdefs that are wanted into c->r. */
static int build_tables(struct ctx *c)
{
    bool replies = have_function(c->db, "SELECT hv_smtp_reply('reject',"
                                        "'fail','x','unknown','','h','a')");
    for (size_t k = 0; k < sizeof(tdefs) / sizeof(tdefs[0]); k++) {
        const struct tdef *d = &tdefs[k];
        if ((strcmp(d->key, "replies") == 0 && !replies) || !table_wanted(c, d->key))
            continue;
        const char *title = d->title;
        if (title == NULL)
            title = c->step == 3600 ? "Verdicts per hour" : "Verdicts per day";
        struct rtable *t = rt_new(c->r, d->key, title, d->cols, d->types);
        int rc;
        if (strcmp(d->key, "summary") == 0) {
            t->kv = true;
            rc = kv_fill(c, t, d->sql);
            if (rc == 0)
                rc = warn_trust_listed(c);
        } else if (d->sql != NULL) {
            rc = fill(c, t, d->sql);
        } else if (strcmp(d->key, "sources") == 0) {
            struct fmt_buf sql;
            fmt_buf_init(&sql);
            sql_sources(c, &sql);
            rc = fill(c, t, fmt_buf_str(&sql));
            fmt_buf_free(&sql);
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
    r->since = o->since;
    r->until = o->until;
    r->top = o->top;
    r->authserv_id = o->authserv_id != NULL ? o->authserv_id : "localhost";
    r->policy = "database";
    r->bucket = "day";
    if (o->top < 0)
        return hv_errf(err, HV_EUSAGE, "--top must be 0 or more");

    heloname_register_sql(db);
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
    if (rc == HV_OK)
        rc = make_work(&c);
    if (rc == HV_OK)
        rc = build_tables(&c);
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
