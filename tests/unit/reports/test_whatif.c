/* SPDX-License-Identifier: MIT */
/* test_whatif - pairinfo_action_in, pairinfo_verdict and the what-if tables
 * (reports/whatif.h) over pairs made here: counts and the top senders
 * checked against a brute-force computation. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "hverr.h"
#include "pairinfo.h"
#include "policy.h"
#include "whatif.h"

static struct pval pv(const char *s)
{
    return (struct pval){s, s != NULL ? strlen(s) : 0};
}

/* csv - a pair_csv with these CSA and DNA statuses (NULL: none) and the
 * action of the default table. */
static struct pair_csv csv(const char *csa, const char *dna)
{
    struct pair_csv pc;
    struct policy def;
    memset(&pc, 0, sizeof(pc));
    pc.csa_status = pv(csa);
    pc.dna_status = pv(dna);
    policy_default(&def);
    pc.action = pairinfo_action_in(&def, &pc);
    return pc;
}

static void test_action(void)
{
    struct policy def;
    policy_default(&def);
    struct pair_csv pc = csv("ok", NULL);
    CHECK_STREQ(pairinfo_action_in(&def, &pc).s, "mark"); /* DNA unknown */
    pc = csv("ok", "recommended");
    CHECK_STREQ(pairinfo_action_in(&def, &pc).s, "accept");
    pc = csv("fail", "recommended");
    CHECK_STREQ(pairinfo_action_in(&def, &pc).s, "reject");
    pc = csv("defer", "unknown");
    CHECK_STREQ(pairinfo_action_in(&def, &pc).s, "tempfail");
    /* byte for byte, as the policy rows of pairinfo_get */
    pc = csv("OK", "recommended");
    CHECK(pairinfo_action_in(&def, &pc).s == NULL);
    pc.csa_status = (struct pval){"ok\0x", 4};
    CHECK(pairinfo_action_in(&def, &pc).s == NULL);
    pc = csv(NULL, "recommended");
    CHECK(pairinfo_action_in(&def, &pc).s == NULL);
    pc = csv("ok", "bogus");
    CHECK(pairinfo_action_in(&def, &pc).s == NULL);
    /* another table */
    struct policy p;
    char *err = NULL;
    static const char text[] = "ok * reject\n";
    CHECK_INTEQ(policy_parse(text, sizeof(text) - 1, "t", &p, &err), HV_OK);
    pc = csv("ok", "recommended");
    CHECK_STREQ(pairinfo_action_in(&p, &pc).s, "reject");
    CHECK_INTEQ(pairinfo_action_in(&p, &pc).n, 6);
}

static void test_verdict(void)
{
    struct pair_csv pc = csv("ok", "recommended");
    CHECK_STREQ(pairinfo_verdict(true, &pc, pc.action).s, "unevaluated");
    CHECK_STREQ(pairinfo_verdict(false, &pc, pc.action).s, "accept");
    CHECK_STREQ(pairinfo_verdict(false, &pc, pv(NULL)).s, "unresolved");
    pc = csv(NULL, NULL);
    CHECK_STREQ(pairinfo_verdict(false, &pc, pv("accept")).s, "unresolved");
    CHECK_INTEQ(pairinfo_verdict(false, &pc, pv(NULL)).n, 10);
}

/* a pair made by the test */
struct tp {
    char helo[32], ip[32], dom[16];
    const char *csa;
    long long n, m, acc;
    bool unobs;
};

static int tp_rank(const void *pa, const void *pb)
{
    const struct tp *a = pa, *b = pb;
    if (a->m != b->m)
        return a->m > b->m ? -1 : 1;
    if (a->n != b->n)
        return a->n > b->n ? -1 : 1;
    int c = strcmp(a->dom, b->dom);
    if (c == 0)
        c = strcmp(a->helo, b->helo);
    return c != 0 ? c : strcmp(a->ip, b->ip);
}

static struct rtable *table(const char *cols, size_t ncols)
{
    struct rtable *t = calloc(1, sizeof(*t));
    (void)cols;
    t->ncols = ncols;
    return t;
}

static void table_free(struct rtable *t)
{
    for (size_t i = 0; i < t->nrows * t->ncols; i++)
        free(t->cells[i].s);
    free(t->cells);
    free(t);
}

static void test_whatif(void)
{
    char path[] = "/tmp/test_whatif.XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    static const char strict[] = "# strict\nunknown * reject\n";
    CHECK(write(fd, strict, sizeof(strict) - 1) == (ssize_t)(sizeof(strict) - 1));
    close(fd);

    /* 300 pairs: CSA unknown (mark -> reject), ok with DNA recommended
     * (accept either way), none (unresolved either way), unobserved */
    enum { NP = 300, TOP = 7 };
    static struct tp p[NP];
    unsigned seed = 12345;
    long long want_n = 0, want_m = 0, want_acc = 0, nchanged = 0;
    for (int i = 0; i < NP; i++) {
        seed = seed * 1103515245u + 12345u;
        snprintf(p[i].helo, sizeof(p[i].helo), "h%d.example", i % 37);
        snprintf(p[i].ip, sizeof(p[i].ip), "192.0.2.%d", i);
        snprintf(p[i].dom, sizeof(p[i].dom), "d%d", i % 5);
        p[i].csa = i % 4 == 0 ? "unknown" : i % 4 == 1 ? "ok" : i % 4 == 2 ? NULL : "unknown";
        p[i].unobs = i % 4 == 3;
        p[i].n = 1 + (seed >> 16) % 9;
        p[i].m = (seed >> 8) % 4; /* ties on purpose */
        p[i].acc = p[i].m > 0 ? p[i].n : 0;
        if (i % 4 == 0) {
            want_n += p[i].n;
            want_m += p[i].m;
            want_acc += p[i].acc;
            nchanged++;
        }
    }
    const char *files[2] = {path, path};
    struct whatif *w = NULL;
    char *err = NULL;
    CHECK_INTEQ(whatif_open(&w, files, 2, TOP, &err), HV_OK);
    CHECK(w != NULL);
    for (int i = 0; w != NULL && i < NP; i++) {
        struct pair_csv pc = csv(p[i].csa, p[i].csa != NULL && strcmp(p[i].csa, "ok") == 0
                                               ? "recommended"
                                               : NULL);
        struct pval old = pairinfo_verdict(p[i].unobs, &pc, pc.action);
        whatif_pair(w, p[i].unobs, &pc, old, pv(p[i].helo), pv(p[i].ip), pv(p[i].dom),
                    p[i].n, p[i].m, p[i].acc);
    }
    struct rtable *d = table(WHATIF_DELTA_COLS, 6);
    whatif_fill_delta(w, d);
    CHECK_INTEQ(d->nrows, 2); /* one per file */
    for (size_t r = 0; r < d->nrows; r++) {
        CHECK_STREQ(report_cell(d, r, 0)->s, path);
        CHECK_STREQ(report_cell(d, r, 1)->s, "mark");
        CHECK_STREQ(report_cell(d, r, 2)->s, "reject");
        CHECK_INTEQ(report_cell(d, r, 3)->i, want_n);
        CHECK_INTEQ(report_cell(d, r, 4)->i, want_m);
        CHECK_INTEQ(report_cell(d, r, 5)->i, want_acc);
    }
    table_free(d);

    /* the top senders: the brute-force ranking of the changed pairs */
    struct tp ch[NP];
    size_t nch = 0;
    for (int i = 0; i < NP; i++)
        if (i % 4 == 0)
            ch[nch++] = p[i];
    CHECK_INTEQ(nch, nchanged);
    qsort(ch, nch, sizeof(*ch), tp_rank);
    struct rtable *s = table(WHATIF_SENDERS_COLS, 8);
    whatif_fill_senders(w, s);
    CHECK_INTEQ(s->nrows, 2 * TOP);
    for (size_t r = 0; r < s->nrows && r < 2 * TOP; r++) {
        const struct tp *e = &ch[r % TOP];
        CHECK_STREQ(report_cell(s, r, 1)->s, e->dom);
        CHECK_STREQ(report_cell(s, r, 2)->s, e->helo);
        CHECK_STREQ(report_cell(s, r, 3)->s, e->ip);
        CHECK_INTEQ(report_cell(s, r, 4)->i, e->n);
        CHECK_INTEQ(report_cell(s, r, 5)->i, e->m);
        CHECK_STREQ(report_cell(s, r, 6)->s, "mark");
        CHECK_STREQ(report_cell(s, r, 7)->s, "reject");
    }
    table_free(s);
    whatif_free(w);

    /* top 0: counts, no senders */
    CHECK_INTEQ(whatif_open(&w, files, 1, 0, &err), HV_OK);
    struct pair_csv pc = csv("unknown", NULL);
    whatif_pair(w, false, &pc, pv("mark"), pv("h"), pv("i"), pv("d"), 2, 1, 1);
    s = table(WHATIF_SENDERS_COLS, 8);
    whatif_fill_senders(w, s);
    CHECK_INTEQ(s->nrows, 0);
    table_free(s);
    whatif_free(w);

    /* a bad file: HV_EINPUT, the message names the file and the line */
    fd = open(path, O_WRONLY | O_TRUNC);
    static const char bad[] = "ok * accept\nok * nope\n";
    CHECK(write(fd, bad, sizeof(bad) - 1) == (ssize_t)(sizeof(bad) - 1));
    close(fd);
    w = (struct whatif *)1;
    CHECK_INTEQ(whatif_open(&w, files, 2, TOP, &err), HV_EINPUT);
    CHECK(w == NULL);
    char want[64];
    snprintf(want, sizeof(want), "%s:2: unknown action", path);
    CHECK_MSG(err != NULL && strncmp(err, want, strlen(want)) == 0, "%s", err ? err : "");
    free(err);
    unlink(path);
}

int main(void)
{
    test_action();
    test_verdict();
    test_whatif();
    return CHECK_DONE();
}
