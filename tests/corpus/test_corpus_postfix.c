/* SPDX-License-Identifier: MIT */
/*
 * test_corpus_postfix - replay the public Postfix corpus
 * ($HV_CORPUS/postfix/NAME.log, default ../shared/corpus) one line at a time,
 * each line through a fresh parser, and hold the sessions against
 * logs.expected.tsv (ip + HELO), logs.ip-only.tsv (role=client: ip and no
 * HELO; server/other: no session) and logs.helo-only.tsv / unlisted lines
 * (no session). postfix-grok-patterns-messages.log has no syslog prefix:
 * its lines go through postfix_feed_message() with the program named by
 * the .sources.tsv row ("test/smtpd_0004.yaml" -> "smtpd").
 *
 * Exceptions, where the parser deliberately differs from the corpus labels
 * (the corpus marks where a client IP is *written*; a session is more):
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "postfix.h"

struct exception {
    const char *file;
    unsigned line;
    const char *why;
    const char *ip;     /* NULL: no session; else one session, no HELO */
};

static const struct exception exceptions[] = {
    /* anvil aggregates connection counts/rates per client over a period;
     * it is not a session and is logged by another process (noise). */
    {"postfix-grok-patterns-messages.log", 2, "anvil statistics", NULL},
    {"postfix-grok-patterns-messages.log", 3, "anvil statistics", NULL},
    {"postfix-grok-patterns-messages.log", 4, "anvil statistics", NULL},
    {"postfix-grok-patterns-messages.log", 5, "anvil statistics", NULL},
    {"postfix-grok-patterns-messages.log", 6, "anvil statistics", NULL},
    {"postfix-grok-patterns-messages.log", 7, "anvil statistics", NULL},
    /* dnsblog answers postscreen's DNSBL queries; the postscreen session of
     * that client is counted from postscreen's own lines. */
    {"postfix-grok-patterns-messages.log", 33, "dnsblog lookup", NULL},
    {"postfix-grok-patterns-messages.log", 34, "dnsblog lookup", NULL},
    /* PASS OLD/NEW and WHITELISTED hand the client to smtpd, whose own
     * "connect from" starts the session that counts: a postscreen part that
     * ends in a hand-off is dropped (documented in postfix.h). */
    {"postfix-grok-patterns-messages.log", 56, "postscreen PASS OLD hand-off", NULL},
    {"postfix-grok-patterns-messages.log", 57, "postscreen PASS OLD hand-off", NULL},
    {"postfix-grok-patterns-messages.log", 58, "postscreen PASS NEW hand-off", NULL},
    {"postfix-grok-patterns-messages.log", 59, "postscreen WHITELISTED hand-off", NULL},
    /* tlsproxy CONNECT/DISCONNECT: the TLS helper of postscreen (and of the
     * smtp client); postscreen's own lines carry that connection. */
    {"postfix-grok-patterns-messages.log", 183, "tlsproxy DISCONNECT", NULL},
    {"postfix-grok-patterns-messages.log", 184, "tlsproxy CONNECT", NULL},
    /* "QID: client=NAME[IP]" names the client (and counts a message), but
     * the corpus lists this line nowhere: a session with that ip. */
    {"postfix-grok-patterns-messages.log", 134, "client= line unlisted",
     "61.238.241.86"},
    {NULL, 0, NULL, NULL},
};

/* ==== Expectations ==== */

enum want_kind { W_NONE, W_HELO, W_IPONLY, W_NOSESSION };

struct want {
    char file[96];
    unsigned line;
    enum want_kind kind;
    char ip[64];
    char helo[1100];
    char host[300];
};

static struct want *wants;
static size_t nwants;

/* unescape - the corpus TSV escapes (\\, \t, \r, \n) in place. */
static void unescape(char *s)
{
    char *o = s;
    for (char *i = s; *i != '\0'; i++) {
        if (*i == '\\' && i[1] != '\0') {
            i++;
            *o++ = *i == 't' ? '\t' : *i == 'r' ? '\r' : *i == 'n' ? '\n' : *i;
        } else {
            *o++ = *i;
        }
    }
    *o = '\0';
}

/* split_tabs - cut line into at most max fields; returns the count. */
static int split_tabs(char *line, char **f, int max)
{
    int n = 0;
    f[n++] = line;
    for (char *p = line; *p != '\0' && n < max; p++) {
        if (*p == '\t') {
            *p = '\0';
            f[n++] = p + 1;
        }
    }
    return n;
}

static void copy(char *dst, size_t size, const char *src)
{
    snprintf(dst, size, "%s", src);
}

/* load_tsv - add the postfix rows of one expectation file. */
static int load_tsv(const char *dir, const char *name, int which)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    FILE *fp = fopen(path, "r");
    if (fp == NULL)
        return -1;
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    bool header = true;
    while ((n = getline(&line, &cap, fp)) > 0) {
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            line[--n] = '\0';
        if (header) {
            header = false;
            continue;
        }
        char *f[8];
        int nf = split_tabs(line, f, 8);
        if (nf < 4 || strncmp(f[0], "postfix/", 8) != 0)
            continue;
        struct want w;
        memset(&w, 0, sizeof(w));
        copy(w.file, sizeof(w.file), f[0] + 8);
        w.line = (unsigned)strtoul(f[1], NULL, 10);
        for (int i = 0; i < nf; i++)
            unescape(f[i]);
        if (which == 0 && nf >= 6) {         /* expected: ip, helo, host */
            w.kind = W_HELO;
            copy(w.ip, sizeof(w.ip), f[3]);
            copy(w.helo, sizeof(w.helo), f[4]);
            copy(w.host, sizeof(w.host), f[5]);
        } else if (which == 1 && nf >= 6) {  /* ip-only: ip, host, role */
            w.kind = strcmp(f[5], "client") == 0 ? W_IPONLY : W_NOSESSION;
            copy(w.ip, sizeof(w.ip), f[3]);
            copy(w.host, sizeof(w.host), f[4]);
        } else if (which == 2) {             /* helo-only: no client IP */
            w.kind = W_NOSESSION;
        } else {
            continue;
        }
        wants = realloc(wants, (nwants + 1) * sizeof(*wants));
        if (wants == NULL)
            abort();
        wants[nwants++] = w;
    }
    free(line);
    fclose(fp);
    return 0;
}

static const struct want *find_want(const char *file, unsigned line)
{
    for (size_t i = 0; i < nwants; i++)
        if (wants[i].line == line && strcmp(wants[i].file, file) == 0)
            return &wants[i];
    return NULL;
}

static const struct exception *find_exception(const char *file, unsigned line)
{
    for (const struct exception *e = exceptions; e->file != NULL; e++)
        if (e->line == line && strcmp(e->file, file) == 0)
            return e;
    return NULL;
}

/* ==== Sessions of one line ==== */

#define MAXS 8
static struct hv_session got[MAXS];
static size_t ngot;

/* collect - keep the last state of every emitted session (by line). */
static void collect(void *arg, const struct hv_session *s)
{
    (void)arg;
    for (size_t i = 0; i < ngot; i++) {
        if (got[i].line == s->line) {
            got[i] = *s;
            return;
        }
    }
    if (ngot < MAXS)
        got[ngot++] = *s;
}

/* prog_of_source - "test/smtpd_0004.yaml" -> "smtpd" into out. */
static void prog_of_source(const char *src, char *out, size_t size)
{
    const char *b = strrchr(src, '/');
    b = b != NULL ? b + 1 : src;
    const char *u = strrchr(b, '_');
    size_t n = u != NULL ? (size_t)(u - b) : strlen(b);
    if (n >= size)
        n = size - 1;
    memcpy(out, b, n);
    out[n] = '\0';
}

/* load_sources - line -> program table of the grok file. */
static char (*progs)[64];
static size_t nprogs;

static int load_sources(const char *path)
{
    FILE *fp = fopen(path, "r");
    if (fp == NULL)
        return -1;
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    while ((n = getline(&line, &cap, fp)) > 0) {
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            line[--n] = '\0';
        char *f[3];
        if (split_tabs(line, f, 3) < 2)
            continue;
        char *e;
        unsigned long no = strtoul(f[0], &e, 10);
        if (*e != '\0' || no == 0 || no > 100000)
            continue;
        if (no > nprogs) {
            progs = realloc(progs, no * sizeof(*progs));
            if (progs == NULL)
                abort();
            for (size_t i = nprogs; i < no; i++)
                progs[i][0] = '\0';
            nprogs = no;
        }
        prog_of_source(f[1], progs[no - 1], sizeof(progs[0]));
    }
    free(line);
    fclose(fp);
    return 0;
}

/* replay - one corpus file; returns the number of lines checked. */
static unsigned replay(const char *dir, const char *name)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/postfix/%s", dir, name);
    bool bare = strstr(name, "grok") != NULL;
    if (bare) {
        char src[512];
        snprintf(src, sizeof(src), "%s/postfix/%.*s.sources.tsv", dir,
                 (int)(strlen(name) - 4), name);
        free(progs);
        progs = NULL;
        nprogs = 0;
        CHECK_MSG(load_sources(src) == 0, "cannot read %s", src);
    }
    FILE *fp = fopen(path, "r");
    CHECK_MSG(fp != NULL, "cannot read %s", path);
    if (fp == NULL)
        return 0;
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    unsigned lineno = 0;
    uint64_t offset = 0;
    while ((n = getline(&line, &cap, fp)) > 0) {
        lineno++;
        size_t len = (size_t)n;
        uint64_t off = offset;
        offset += len;
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            line[--len] = '\0';
        struct hv_clock clock;
        hv_clock_init(&clock, 2026, 0);
        struct hv_parse_opts opts = {&clock, NULL, 0, 0};
        struct hv_parser *p = hv_format_postfix.open(&opts, collect, NULL);
        struct hv_line hl = {line, len, lineno, off};
        const char *reason = NULL;
        ngot = 0;
        if (bare) {
            const char *prog = lineno <= nprogs ? progs[lineno - 1] : "";
            postfix_feed_message(p, prog, strlen(prog), &hl, &reason);
        } else {
            hv_format_postfix.feed(p, &hl, &reason);
        }
        hv_format_postfix.finish(p);
        hv_format_postfix.close(p);

        const struct want *w = find_want(name, lineno);
        const struct exception *x = find_exception(name, lineno);
        enum want_kind k = w != NULL ? w->kind : W_NONE;
        if (x != NULL && x->ip == NULL) {
            CHECK_MSG(ngot == 0, "%s:%u (exception: %s): %zu sessions", name,
                      lineno, x->why, ngot);
            continue;
        }
        if (x != NULL) {
            CHECK_MSG(ngot == 1 && strcmp(got[0].ip, x->ip) == 0 &&
                          !got[0].has_helo && got[0].messages == 1,
                      "%s:%u (exception: %s): %zu sessions", name, lineno,
                      x->why, ngot);
            continue;
        }
        if (k == W_NONE || k == W_NOSESSION) {
            CHECK_MSG(ngot == 0, "%s:%u: want no session, got %zu (ip %s)",
                      name, lineno, ngot, ngot ? got[0].ip : "");
            continue;
        }
        CHECK_MSG(ngot == 1, "%s:%u: want one session, got %zu", name,
                  lineno, ngot);
        if (ngot != 1)
            continue;
        const struct hv_session *s = &got[0];
        CHECK_MSG(strcmp(s->ip, w->ip) == 0, "%s:%u: ip %s, want %s", name,
                  lineno, s->ip, w->ip);
        CHECK_MSG(s->line == lineno && s->offset == off, "%s:%u: line %llu",
                  name, lineno, (unsigned long long)s->line);
        if (k == W_HELO)
            CHECK_MSG(s->has_helo && strcmp(s->helo, w->helo) == 0,
                      "%s:%u: helo \"%s\" (has %d), want \"%s\"", name,
                      lineno, s->helo, s->has_helo, w->helo);
        else
            CHECK_MSG(!s->has_helo, "%s:%u: helo \"%s\", want none", name,
                      lineno, s->helo);
        if (w->host[0] != '\0') {
            const char *rd = strcmp(w->host, "unknown") == 0 ? "" : w->host;
            CHECK_MSG(strcmp(s->rdns, rd) == 0, "%s:%u: rdns \"%s\", want \"%s\"",
                      name, lineno, s->rdns, rd);
        }
    }
    free(line);
    fclose(fp);
    return lineno;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(void)
{
    const char *dir = getenv("HV_CORPUS");
    if (dir == NULL || *dir == '\0')
        dir = "../shared/corpus";
    char sub[512];
    snprintf(sub, sizeof(sub), "%s/postfix", dir);
    DIR *d = opendir(sub);
    if (d == NULL) {
        printf("FAIL: corpus directory %s not found (set HV_CORPUS to the "
               "corpus top, the one with logs.expected.tsv)\n", sub);
        check_failed++;
        return CHECK_DONE();
    }
    CHECK(load_tsv(dir, "logs.expected.tsv", 0) == 0);
    CHECK(load_tsv(dir, "logs.ip-only.tsv", 1) == 0);
    CHECK(load_tsv(dir, "logs.helo-only.tsv", 2) == 0);
    CHECK(nwants > 100);

    char *names[64];
    size_t nn = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL && nn < 64) {
        size_t l = strlen(de->d_name);
        if (l > 4 && strcmp(de->d_name + l - 4, ".log") == 0)
            names[nn++] = strdup(de->d_name);
    }
    closedir(d);
    qsort(names, nn, sizeof(names[0]), by_name);
    CHECK_MSG(nn >= 2, "only %zu .log files in %s", nn, sub);
    unsigned total = 0;
    for (size_t i = 0; i < nn; i++) {
        total += replay(dir, names[i]);
        free(names[i]);
    }
    CHECK_MSG(total >= 250, "only %u corpus lines replayed", total);
    free(wants);
    free(progs);
    return CHECK_DONE();
}
