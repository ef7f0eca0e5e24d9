/* SPDX-License-Identifier: MIT */
/* evaluate - `heloval evaluate`, the pipe-mode filter; see evaluate.h. */
#include "evaluate.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "evaldb.h"
#include "export.h"
#include "interrupt.h"
#include "msg.h"
#include "netaddr.h"
#include "xmem.h"

static const char *const bad_names[EVAL_NREASONS] = {
    [EVAL_OK] = "",
    [EVAL_FIELDS] = "not-two-fields",
    [EVAL_JSON] = "bad-json",
    [EVAL_IP] = "bad-ip",
    [EVAL_NUL] = "nul-byte",
    [EVAL_LONG] = "too-long",
};

const char *evaluate_bad_name(enum eval_bad r)
{
    return (unsigned)r < EVAL_NREASONS ? bad_names[r] : "";
}

void evaluate_line_free(struct eval_line *l)
{
    free(l->ip);
    free(l->helo);
    memset(l, 0, sizeof(*l));
}

/* tsv_unescape - the byte the TSV escape \c stands for (\t \n \r \\ as
 * the exports write them; \b \f \' \0 as ClickHouse and MySQL do) into
 * *r; false when \c is no escape (it is then kept as written). */
static bool tsv_unescape(char c, char *r)
{
    switch (c) {
    case 't': *r = '\t'; return true;
    case 'n': *r = '\n'; return true;
    case 'r': *r = '\r'; return true;
    case 'b': *r = '\b'; return true;
    case 'f': *r = '\f'; return true;
    case '0': *r = '\0'; return true;
    case '\\': *r = '\\'; return true;
    case '\'': *r = '\''; return true;
    default: return false;
    }
}

/* tsv_field - the unescaped copy of the TSV field s[0..n) (malloc'ed,
 * NUL-terminated; \0 gives an inner NUL) and its length in *outn. */
static char *tsv_field(const char *s, size_t n, size_t *outn)
{
    char *o = xmalloc(n + 1);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        char r;
        if (s[i] == '\\' && i + 1 < n && tsv_unescape(s[i + 1], &r)) {
            o[k++] = r;
            i++;
            continue;
        }
        o[k++] = s[i];
    }
    o[k] = '\0';
    *outn = k;
    return o;
}

/* ---- a small JSON reader: one flat object ---- */

struct jr {
    const char *p, *end;
    bool nul; /* a \u0000 was read */
};

/* jr_ws - skip JSON white space. */
static void jr_ws(struct jr *j)
{
    while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r'))
        j->p++;
}

/* jr_hex4 - four hex digits at p into *v; false when not. */
static bool jr_hex4(struct jr *j, unsigned *v)
{
    if (j->end - j->p < 4)
        return false;
    unsigned x = 0;
    for (int i = 0; i < 4; i++) {
        char c = j->p[i];
        x <<= 4;
        if (c >= '0' && c <= '9')
            x |= (unsigned)(c - '0');
        else if (c >= 'a' && c <= 'f')
            x |= (unsigned)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F')
            x |= (unsigned)(c - 'A' + 10);
        else
            return false;
    }
    j->p += 4;
    *v = x;
    return true;
}

/* put_utf8 - code point cp as UTF-8 at o; the bytes written. */
static size_t put_utf8(char *o, unsigned cp)
{
    if (cp < 0x80) {
        o[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (char)(0xc0 | (cp >> 6));
        o[1] = (char)(0x80 | (cp & 0x3f));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (char)(0xe0 | (cp >> 12));
        o[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
        o[2] = (char)(0x80 | (cp & 0x3f));
        return 3;
    }
    o[0] = (char)(0xf0 | (cp >> 18));
    o[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
    o[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
    o[3] = (char)(0x80 | (cp & 0x3f));
    return 4;
}

/* jr_string - a JSON string at p (the opening quote) into a malloc'ed,
 * NUL-terminated copy (*out, *outn; out NULL: skipped); false when it is
 * not one. A \u escape of 0x80..0xff is that single byte (evaluate.h). */
static bool jr_string(struct jr *j, char **out, size_t *outn)
{
    if (j->p >= j->end || *j->p != '"')
        return false;
    j->p++;
    /* decoded text is never longer than the source (\uXXXX: 6 -> <= 3,
     * a surrogate pair: 12 -> 4) */
    char *o = xmalloc((size_t)(j->end - j->p) + 1);
    size_t k = 0;
    while (j->p < j->end && *j->p != '"') {
        unsigned char c = (unsigned char)*j->p++;
        if (c < 0x20)
            goto bad; /* raw control characters are not JSON */
        if (c != '\\') {
            o[k++] = (char)c;
            continue;
        }
        if (j->p >= j->end)
            goto bad;
        char e = *j->p++;
        unsigned cp;
        switch (e) {
        case '"': o[k++] = '"'; break;
        case '\\': o[k++] = '\\'; break;
        case '/': o[k++] = '/'; break;
        case 'b': o[k++] = '\b'; break;
        case 'f': o[k++] = '\f'; break;
        case 'n': o[k++] = '\n'; break;
        case 'r': o[k++] = '\r'; break;
        case 't': o[k++] = '\t'; break;
        case 'u':
            if (!jr_hex4(j, &cp))
                goto bad;
            if (cp == 0) {
                j->nul = true;
                goto bad;
            }
            if (cp >= 0x80 && cp <= 0xff) {
                o[k++] = (char)cp;
                break;
            }
            if (cp >= 0xd800 && cp <= 0xdbff) {
                unsigned lo;
                if (j->end - j->p < 6 || j->p[0] != '\\' || j->p[1] != 'u')
                    goto bad;
                j->p += 2;
                if (!jr_hex4(j, &lo) || lo < 0xdc00 || lo > 0xdfff)
                    goto bad;
                cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
            } else if (cp >= 0xdc00 && cp <= 0xdfff) {
                goto bad;
            }
            k += put_utf8(o + k, cp);
            break;
        default:
            goto bad;
        }
    }
    if (j->p >= j->end)
        goto bad;
    j->p++; /* the closing quote */
    o[k] = '\0';
    if (out != NULL) {
        *out = o;
        *outn = k;
    } else {
        free(o);
    }
    return true;
bad:
    free(o);
    return false;
}

/* jr_scalar - skip a number, true, false or null; *is_null says which. */
static bool jr_scalar(struct jr *j, bool *is_null)
{
    static const char *const words[] = {"true", "false", "null"};
    *is_null = false;
    for (size_t w = 0; w < 3; w++) {
        size_t l = strlen(words[w]);
        if ((size_t)(j->end - j->p) >= l && memcmp(j->p, words[w], l) == 0) {
            j->p += l;
            *is_null = w == 2;
            return true;
        }
    }
    const char *s = j->p;
    bool digit = false;
    while (j->p < j->end && *j->p != '\0' && strchr("0123456789+-.eE", *j->p) != NULL) {
        if (*j->p >= '0' && *j->p <= '9')
            digit = true;
        j->p++;
    }
    return digit && (s[0] == '-' || (s[0] >= '0' && s[0] <= '9'));
}

/* json_line - the object line[0..n) into *out. */
static enum eval_bad json_line(const char *line, size_t n, struct eval_line *out)
{
    struct jr j = {line, line + n, false};
    bool have_ip = false, have_helo = false;
    jr_ws(&j);
    if (j.p >= j.end || *j.p != '{')
        return EVAL_JSON;
    j.p++;
    jr_ws(&j);
    if (j.p < j.end && *j.p == '}') {
        j.p++;
        goto done;
    }
    for (;;) {
        char *key = NULL;
        size_t kn = 0;
        jr_ws(&j);
        if (!jr_string(&j, &key, &kn))
            goto bad;
        jr_ws(&j);
        if (j.p >= j.end || *j.p != ':') {
            free(key);
            goto bad;
        }
        j.p++;
        jr_ws(&j);
        bool is_ip = kn == 2 && memcmp(key, "ip", 2) == 0;
        bool is_helo = kn == 4 && memcmp(key, "helo", 4) == 0;
        free(key);
        if ((is_ip && have_ip) || (is_helo && have_helo))
            goto bad; /* a duplicate member */
        if (j.p < j.end && *j.p == '"') {
            char *v = NULL;
            size_t vn = 0;
            if (!jr_string(&j, is_ip || is_helo ? &v : NULL, &vn))
                goto bad;
            if (is_ip) {
                out->ip = v;
                out->ipn = vn;
                have_ip = true;
            } else if (is_helo) {
                out->helo = v;
                out->helon = vn;
                have_helo = true;
            }
        } else {
            bool is_null;
            if (!jr_scalar(&j, &is_null))
                goto bad;
            if (is_ip || (is_helo && !is_null))
                goto bad; /* ip must be a string; helo a string or null */
            if (is_helo) {
                out->helo = xstrdup("");
                out->helon = 0;
                have_helo = true;
            }
        }
        jr_ws(&j);
        if (j.p < j.end && *j.p == ',') {
            j.p++;
            continue;
        }
        if (j.p < j.end && *j.p == '}') {
            j.p++;
            break;
        }
        goto bad;
    }
done:
    jr_ws(&j);
    if (j.p != j.end || !have_ip || !have_helo)
        goto bad;
    return EVAL_OK;
bad:
    return j.nul ? EVAL_NUL : EVAL_JSON;
}

enum eval_bad evaluate_parse(const char *line, size_t n, bool jsonl, struct eval_line *out)
{
    memset(out, 0, sizeof(*out));
    if (n > EVAL_MAX_LINE)
        return EVAL_LONG;
    if (n > 0 && line[n - 1] == '\r')
        n--;
    if (memchr(line, '\0', n) != NULL)
        return EVAL_NUL;
    enum eval_bad r;
    if (jsonl) {
        r = json_line(line, n, out);
        if (r != EVAL_OK) {
            evaluate_line_free(out);
            return r;
        }
    } else {
        const char *tab = memchr(line, '\t', n);
        if (tab == NULL || memchr(tab + 1, '\t', n - (size_t)(tab + 1 - line)) != NULL)
            return EVAL_FIELDS;
        out->ip = tsv_field(line, (size_t)(tab - line), &out->ipn);
        out->helo = tsv_field(tab + 1, n - (size_t)(tab + 1 - line), &out->helon);
        /* \N, the exports' NULL (no HELO), is the empty HELO, as JSON null */
        if (n - (size_t)(tab + 1 - line) == 2 && memcmp(tab + 1, "\\N", 2) == 0) {
            out->helo[0] = '\0';
            out->helon = 0;
        }
        if (memchr(out->ip, '\0', out->ipn) != NULL ||
            memchr(out->helo, '\0', out->helon) != NULL) {
            evaluate_line_free(out);
            return EVAL_NUL;
        }
    }
    if (memchr(out->ip, '\0', out->ipn) != NULL || memchr(out->helo, '\0', out->helon) != NULL)
        return EVAL_NUL; /* a NUL from an escape: kept for the echo */
    if (!hv_ip_canon(out->ip, out->ipn, out->canon)) {
        out->canon[0] = '\0';
        return EVAL_IP;
    }
    return EVAL_OK;
}

/* ---- reading lines ---- */

/* read_line - the next line of in (without its newline) into buf (at most
 * EVAL_MAX_LINE + 1 bytes kept: more means too long; the rest is read and
 * dropped); *n its bytes kept, *over whether it was longer. false at the
 * end of the input (or a read error: ferror) with nothing read. */
static bool read_line(FILE *in, char *buf, size_t *n, bool *over)
{
    size_t k = 0;
    int c;
    bool any = false;
    *over = false;
    while ((c = getc(in)) != EOF) {
        any = true;
        if (c == '\n')
            break;
        if (k <= EVAL_MAX_LINE)
            buf[k++] = (char)c;
        else
            *over = true;
    }
    if (k > EVAL_MAX_LINE)
        *over = true;
    *n = k;
    return any;
}

/* ---- the batches ---- */

struct row {
    struct eval_line l;
    enum eval_bad bad;
};

struct batch {
    struct row *rows;
    size_t n, bytes;
    struct evaldb_pair *pairs;
};

/* batch_clear - free the batch's rows. */
static void batch_clear(struct batch *b)
{
    for (size_t i = 0; i < b->n; i++)
        evaluate_line_free(&b->rows[i].l);
    b->n = 0;
    b->bytes = 0;
}

/* run_batch - resolve the batch's good pairs and write all its rows. */
static int run_batch(struct store *st, const struct evaluate_opts *o, struct batch *b,
                     struct export_pairs *w, FILE *out, struct evaluate_stats *s,
                     char **err)
{
    size_t np = 0;
    for (size_t i = 0; i < b->n; i++)
        if (b->rows[i].bad == EVAL_OK) {
            b->pairs[np].ip = b->rows[i].l.canon;
            b->pairs[np].helo = b->rows[i].l.helo;
            np++;
        }
    int rc = HV_OK;
    if (np > 0) {
        if (evaldb_put(st, b->pairs, np) != HV_OK)
            return hv_errf(err, HV_EDB, "evaluate: %s", store_errmsg(st));
        struct resolve_opts ro = *o->ro;
        struct resolve_stats rs;
        char *rerr = NULL;
        bool quiet = msg_quiet;
        ro.progress = false;
        msg_quiet = true; /* one summary, evaluate's */
        rc = resolve_run(st, &ro, &rs, &rerr);
        msg_quiet = quiet;
        if (rc == HV_OK || rc == HV_EDEGRADED || rc == HV_EINTR) {
            s->queries += rs.queries;
            s->cache_hits += rs.cache_hits;
        }
        if (rc == HV_EDEGRADED) {
            s->degraded = true;
            free(*err);
            *err = rerr;
            rc = HV_OK;
        } else if (rc != HV_OK) {
            free(*err);
            *err = rerr;
            return rc;
        }
        rc = export_pairs_refresh(w, err);
        if (rc != HV_OK)
            return rc;
    }
    for (size_t i = 0; rc == HV_OK && i < b->n; i++) {
        const struct row *r = &b->rows[i];
        rc = export_pairs_row(w, r->l.ip, r->l.ipn, r->l.helo, r->l.helon,
                              r->bad == EVAL_OK ? NULL : evaluate_bad_name(r->bad), out,
                              err);
        s->lines++;
    }
    if (rc == HV_OK && fflush(out) != 0)
        rc = hv_errf(err, HV_EIO, "evaluate: write error: %s", strerror(errno));
    s->batches++;
    return rc;
}

int evaluate_run(struct store *st, const struct evaluate_opts *o, FILE *in, FILE *out,
                 struct evaluate_stats *s, char **err)
{
    struct export_pairs *w = NULL;
    bool jsonl = false;
    memset(s, 0, sizeof(*s));
    int rc = export_pairs_open(store_db(st), o->format, o->ro->authserv_id, &w, &jsonl, err);
    if (rc != HV_OK)
        return rc;
    if (o->header)
        rc = export_pairs_header(w, out, err);
    char *buf = xmalloc(EVAL_MAX_LINE + 2);
    struct batch b = {xcalloc(EVAL_BATCH, sizeof(struct row)), 0, 0,
                      xcalloc(EVAL_BATCH, sizeof(struct evaldb_pair))};
    bool first = true;
    size_t n;
    bool over;
    while (rc == HV_OK && !interrupt_requested() && read_line(in, buf, &n, &over)) {
        if (first && !jsonl && !over) {
            first = false;
            size_t hn = n > 0 && buf[n - 1] == '\r' ? n - 1 : n;
            if (hn == 7 && memcmp(buf, "ip\thelo", 7) == 0)
                continue; /* the header */
        }
        first = false;
        struct row *r = &b.rows[b.n++];
        r->bad = over ? EVAL_LONG : evaluate_parse(buf, n, jsonl, &r->l);
        if (r->bad == EVAL_OK) {
            s->pairs++;
        } else {
            s->bad[r->bad]++;
            s->nbad++;
        }
        b.bytes += r->l.ipn + r->l.helon + 64;
        if (b.n == EVAL_BATCH || b.bytes >= EVAL_BATCH_BYTES) {
            rc = run_batch(st, o, &b, w, out, s, err);
            batch_clear(&b);
        }
    }
    if (rc == HV_OK && interrupt_requested())
        rc = hv_errf(err, HV_EINTR, "evaluate interrupted");
    if (rc == HV_OK && ferror(in))
        rc = hv_errf(err, HV_EIO, "evaluate: reading the input: %s", strerror(errno));
    if (rc == HV_OK && b.n > 0)
        rc = run_batch(st, o, &b, w, out, s, err);
    batch_clear(&b);
    if (rc == HV_OK && fflush(out) != 0)
        rc = hv_errf(err, HV_EIO, "evaluate: write error: %s", strerror(errno));
    if (evaldb_clear(st) != HV_OK && rc == HV_OK)
        rc = hv_errf(err, HV_EDB, "evaluate: %s", store_errmsg(st));
    free(b.rows);
    free(b.pairs);
    free(buf);
    export_pairs_close(w);
    return rc;
}

void evaluate_summary(const struct evaluate_stats *s)
{
    char why[256] = "";
    size_t k = 0;
    for (int r = 1; r < EVAL_NREASONS; r++) {
        if (s->bad[r] == 0)
            continue;
        int m = snprintf(why + k, sizeof(why) - k, "%s%lld %s", k == 0 ? " (" : ", ",
                         s->bad[r], bad_names[r]);
        if (m > 0 && (size_t)m < sizeof(why) - k)
            k += (size_t)m;
    }
    if (k > 0 && k + 1 < sizeof(why))
        why[k++] = ')', why[k] = '\0';
    msg_info("evaluate: %lld pairs, %lld bad lines%s, %lld queries, %lld cache hits",
             s->pairs, s->nbad, why, s->queries, s->cache_hits);
}
