/* SPDX-License-Identifier: MIT */
/*
 * corpus_replay - the body shared by test_corpus_exim.c and
 * test_corpus_sendmail.c: load ../shared/corpus (or $HV_CORPUS) TSV
 * expectations, feed each line of the MTA's files to a fresh parser and
 * compare. The including file defines CORPUS_MTA, CORPUS_FORMAT and the
 * table `exceptions` (struct corpus_exception, ended by a NULL text) before
 * including this file, which defines main().
 */
#ifndef HV_CORPUS_REPLAY_H
#define HV_CORPUS_REPLAY_H

/* ==== TSV expectations ==== */

enum kind { K_NONE, K_BOTH, K_CLIENT, K_SERVER };

struct expect {
    char file[128];
    unsigned line;
    enum kind kind;
    char ip[128];
    char helo[2048];
    char host[256];      /* ip-only rows: the host name printed beside it */
};

static struct expect *rows;
static size_t nrows, caprows;

/* unescape - TSV value: \\ \t \r \n back to bytes, in place. */
static void unescape(char *s)
{
    char *o = s;
    for (char *i = s; *i; i++) {
        if (*i == '\\' && i[1]) {
            i++;
            *o++ = *i == 't' ? '\t' : *i == 'r' ? '\r' : *i == 'n' ? '\n' : *i;
        } else {
            *o++ = *i;
        }
    }
    *o = '\0';
}

/* field - the n-th tab-separated field of line (modified in place). */
static char *field(char *line, int n)
{
    char *p = line;
    for (int i = 0; i < n; i++) {
        p = strchr(p, '\t');
        if (p == NULL)
            return NULL;
        p++;
    }
    char *t = strchr(p, '\t');
    size_t len = t ? (size_t)(t - p) : strlen(p);
    static char buf[4][4096];
    static int k;
    char *b = buf[k++ & 3];
    if (len >= sizeof(buf[0]))
        len = sizeof(buf[0]) - 1;
    memcpy(b, p, len);
    b[len] = '\0';
    unescape(b);
    return b;
}

/* load_tsv - add the rows of one TSV for files under CORPUS_MTA "/". */
static int load_tsv(const char *dir, const char *name, int both)
{
    char path[1024];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return -1;
    char line[8192];
    int first = 1;
    while (fgets(line, sizeof(line), f)) {
        line[strcspn(line, "\n")] = '\0';
        if (first) {
            first = 0;
            continue;
        }
        char *file = field(line, 0);
        if (file == NULL || strncmp(file, CORPUS_MTA "/", strlen(CORPUS_MTA) + 1) != 0)
            continue;
        if (nrows == caprows) {
            caprows = caprows ? caprows * 2 : 1024;
            rows = realloc(rows, caprows * sizeof(*rows));
            if (rows == NULL)
                abort();
        }
        struct expect *e = &rows[nrows++];
        memset(e, 0, sizeof(*e));
        snprintf(e->file, sizeof(e->file), "%s", file);
        e->line = (unsigned)strtoul(field(line, 1), NULL, 10);
        snprintf(e->ip, sizeof(e->ip), "%s", field(line, 3));
        if (both) {
            e->kind = K_BOTH;
            snprintf(e->helo, sizeof(e->helo), "%s", field(line, 4));
        } else {
            snprintf(e->host, sizeof(e->host), "%s", field(line, 4));
            char *role = field(line, 5);
            e->kind = strcmp(role, "client") == 0 ? K_CLIENT : K_SERVER;
        }
    }
    fclose(f);
    return 0;
}

/* ==== Placeholder substitution ==== */

/* subst - replace every occurrence of from by to in s (bounded). */
static void subst(char *s, size_t cap, const char *from, const char *to)
{
    char out[70000];
    size_t o = 0, fl = strlen(from), tl = strlen(to);
    for (const char *p = s; *p;) {
        if (strncmp(p, from, fl) == 0) {
            if (o + tl >= sizeof(out))
                break;
            memcpy(out + o, to, tl);
            o += tl;
            p += fl;
        } else {
            if (o + 1 >= sizeof(out))
                break;
            out[o++] = *p++;
        }
    }
    out[o] = '\0';
    snprintf(s, cap, "%s", out);
}

/* unplace - the documented placeholder substitution. */
static void unplace(char *s, size_t cap)
{
    subst(s, cap, "ip6:ip6:ip6:ip6:ip6:ip6:ip6:ip6", "2001:db8:0:0:0:0:0:6");
    subst(s, cap, "ip4.ip4.ip4.ip4", "192.0.2.4");
    subst(s, cap, "V4NET.", "10.");
    subst(s, cap, "V6NET:", "2001:db8:");
}

/* ==== Replay ==== */

struct got {
    size_t n;
    struct hv_session s[4];
};

/* collect - emit callback: keep the first few sessions. */
static void collect(void *arg, const struct hv_session *s)
{
    struct got *g = arg;
    if (g->n < 4)
        g->s[g->n] = *s;
    g->n++;
}

/* find_row - the expectation for file:line of the given kind set. */
static const struct expect *find_row(const char *file, unsigned line)
{
    for (size_t i = 0; i < nrows; i++)
        if (rows[i].line == line && strcmp(rows[i].file, file) == 0)
            return &rows[i];
    return NULL;
}

/* find_exc - the exception matching this line, or NULL. */
static const struct exception *find_exc(const char *text)
{
    for (const struct exception *e = exceptions; e->text; e++)
        if (strstr(text, e->text) != NULL)
            return e;
    return NULL;
}

/* implied_ok - s carries a HELO implied by Exim's host-field rule: the
 * printed (verified) host name. The corpus README also allows an implied
 * "[ip]" for H=[ip]; Exim's host_build_sender_fullhost() prints "(helo)"
 * for every HELO of a host without a verified name, so H=[ip] means none
 * was given, and heloval implies nothing there (README, Exim logs): such a
 * session must stay HELO-less to pass. */
static int implied_ok(const struct hv_session *s, const char *host)
{
    return s->helo_origin == HV_HELO_IMPLIED && host != NULL && *host != '\0' &&
           strcmp(s->helo, host) == 0;
}

/* has_session - a session with ip (canonical compare) and the HELO; helo
 * NULL: no HELO logged (none, or one the log format implies, see
 * implied_ok). */
static int has_session(const struct got *g, const char *ip, const char *helo,
                       const char *host)
{
    char want[46];
    if (!hv_ip_canon(ip, strlen(ip), want))
        return 0;
    for (size_t i = 0; i < g->n && i < 4; i++) {
        if (strcmp(g->s[i].ip, want) != 0)
            continue;
        if (helo == NULL ? !g->s[i].has_helo || implied_ok(&g->s[i], host)
                         : g->s[i].has_helo && strcmp(g->s[i].helo, helo) == 0)
            return 1;
    }
    return 0;
}

/* replay_file - feed each line of rel (under dir) to a fresh parser. */
static void replay_file(const char *dir, const char *rel, unsigned *nlines)
{
    char path[1024];
    snprintf(path, sizeof(path), "%s/%s", dir, rel);
    FILE *f = fopen(path, "r");
    CHECK_MSG(f != NULL, "cannot open %s", path);
    if (f == NULL)
        return;
    int placeholders = strstr(rel, "-placeholders") != NULL;
    static char buf[70000];
    unsigned lineno = 0;
    uint64_t offset = 0;
    struct hv_clock clock;
    hv_clock_init(&clock, 2026, 0);
    struct hv_parse_opts opts = {&clock, NULL, 0, 0};
    while (fgets(buf, sizeof(buf), f)) {
        size_t raw = strlen(buf);
        lineno++;
        buf[strcspn(buf, "\n")] = '\0';
        if (placeholders)
            unplace(buf, sizeof(buf));
        struct got g;
        memset(&g, 0, sizeof(g));
        struct hv_parser *p = CORPUS_FORMAT.open(&opts, collect, &g);
        struct hv_line ln = {buf, strlen(buf), lineno, offset};
        const char *reason = NULL;
        int rc = CORPUS_FORMAT.feed(p, &ln, &reason);
        CORPUS_FORMAT.finish(p);
        CORPUS_FORMAT.close(p);
        offset += raw;

        const struct expect *e = find_row(rel, lineno);
        const struct exception *x = find_exc(buf);
        char ip[128] = "", helo[2048] = "";
        if (e != NULL) {
            snprintf(ip, sizeof(ip), "%s", e->ip);
            snprintf(helo, sizeof(helo), "%s", e->helo);
            if (placeholders) {
                unplace(ip, sizeof(ip));
                unplace(helo, sizeof(helo));
            }
        }
        if (x != NULL) {
            if (x->want_session)
                CHECK_MSG(has_session(&g, ip, NULL, NULL), "%s:%u (exception: %s)",
                          rel, lineno, x->why);
            else
                CHECK_MSG(g.n == 0, "%s:%u (exception: %s): %zu sessions",
                          rel, lineno, x->why, g.n);
        } else if (e == NULL || e->kind == K_SERVER) {
            CHECK_MSG(g.n == 0, "%s:%u: want no session, got %zu (%s helo=%s) rc=%d: %.160s",
                      rel, lineno, g.n, g.n ? g.s[0].ip : "",
                      g.n && g.s[0].has_helo ? g.s[0].helo : "-", rc, buf);
        } else {
            const char *want_helo = e->kind == K_BOTH ? helo : NULL;
            CHECK_MSG(rc == HV_PARSE_OK &&
                      has_session(&g, ip, want_helo, e->host),
                      "%s:%u: want %s helo=%s, got %zu (%s helo=%s) rc=%d %s: %.160s",
                      rel, lineno, ip, want_helo ? want_helo : "-", g.n,
                      g.n ? g.s[0].ip : "",
                      g.n && g.s[0].has_helo ? g.s[0].helo : "-", rc,
                      reason ? reason : "", buf);
        }
    }
    fclose(f);
    *nlines += lineno;
}

/* cmp_names - qsort strings. */
static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(void)
{
    const char *dir = getenv("HV_CORPUS");
    if (dir == NULL || *dir == '\0')
        dir = "../shared/corpus";
    char sub[1024];
    snprintf(sub, sizeof(sub), "%s/%s", dir, CORPUS_MTA);
    DIR *d = opendir(sub);
    if (d == NULL || load_tsv(dir, "logs.expected.tsv", 1) != 0 ||
        load_tsv(dir, "logs.ip-only.tsv", 0) != 0) {
        printf("FAIL corpus not found at %s (set HV_CORPUS)\n", dir);
        if (d)
            closedir(d);
        CHECK(0);
        return CHECK_DONE();
    }
    char *names[64];
    size_t nn = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL && nn < 64) {
        size_t l = strlen(de->d_name);
        if (l > 4 && strcmp(de->d_name + l - 4, ".log") == 0) {
            char rel[512];
            snprintf(rel, sizeof(rel), "%s/%s", CORPUS_MTA, de->d_name);
            names[nn++] = strdup(rel);
        }
    }
    closedir(d);
    qsort(names, nn, sizeof(names[0]), cmp_names);
    CHECK_MSG(nn > 0, "no %s/*.log files in %s", CORPUS_MTA, dir);
    unsigned nlines = 0;
    for (size_t i = 0; i < nn; i++) {
        replay_file(dir, names[i], &nlines);
        free(names[i]);
    }
    printf("replayed %zu files, %u lines, %zu expectation rows\n", nn, nlines,
           nrows);
    free(rows);
    return CHECK_DONE();
}


#endif
