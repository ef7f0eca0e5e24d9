/* SPDX-License-Identifier: MIT */
/*
 * test_spamham - the report's spam/ham counts (pairmap.h, spamham.h):
 * pairmap counts each pair's sessions and messages labelled spam and ham
 * (unlabelled ones are the rest); spamham_verdict knows the six verdicts
 * and nothing else; spamham_add sums pairs per verdict and label;
 * spamham_store writes the six rows of temp.hv_l, which the two table
 * queries read: the matrix in report order, and the shares of spam stopped
 * and ham hurt (reject or tempfail), 0.0 without that label.
 */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "pairmap.h"
#include "rptsql.h"
#include "spamham.h"

/* add - one session of pair (helo, ip) with its messages, disposition and
 * label into pm. */
static void add(struct pairmap *pm, const char *helo, const char *ip,
                long long messages, enum plabel label)
{
    struct psession s;
    memset(&s, 0, sizeof(s));
    s.helo = helo;
    s.hn = strlen(helo);
    s.ip = ip;
    s.in = strlen(ip);
    s.mta = "postfix";
    s.mn = 7;
    s.id = 1;
    s.messages = messages;
    s.disposition = messages > 0 ? "accepted" : "rejected";
    s.dn = strlen(s.disposition);
    s.label = label;
    pairmap_add(pm, &s, -1);
}

/* pair - the aggregates of the pair numbered i. */
static const struct pagg *pair(const struct pairmap *pm, size_t i)
{
    const char *h, *ip;
    size_t hn, in;
    return pairmap_pair(pm, i, &h, &hn, &ip, &in);
}

/* rows - every row of sql over db, columns joined by ',' and rows by ';'
 * (REAL with one decimal), into buf. */
static void rows(sqlite3 *db, const char *sql, char *buf, size_t size)
{
    sqlite3_stmt *q = NULL;
    char *err = NULL;
    buf[0] = '\0';
    CHECK(rpt_prepare(db, sql, &q, &err) == HV_OK);
    free(err);
    size_t n = 0;
    while (q != NULL && sqlite3_step(q) == SQLITE_ROW) {
        for (int i = 0; i < sqlite3_column_count(q); i++) {
            const char *sep = i > 0 ? "," : n > 0 ? ";" : "";
            if (sqlite3_column_type(q, i) == SQLITE_FLOAT)
                n += (size_t)snprintf(buf + n, size - n, "%s%.1f", sep,
                                      sqlite3_column_double(q, i));
            else
                n += (size_t)snprintf(buf + n, size - n, "%s%s", sep,
                                      (const char *)sqlite3_column_text(q, i));
            if (n >= size)
                n = size - 1;
        }
    }
    sqlite3_finalize(q);
}

int main(void)
{
    struct pairmap pm;
    pairmap_init(&pm);
    /* pair 0: 2 spam (3 messages), 1 ham (1), 1 unlabelled (2) */
    add(&pm, "a.example", "192.0.2.1", 1, PLABEL_SPAM);
    add(&pm, "a.example", "192.0.2.1", 2, PLABEL_SPAM);
    add(&pm, "a.example", "192.0.2.1", 1, PLABEL_HAM);
    add(&pm, "a.example", "192.0.2.1", 2, PLABEL_UNKNOWN);
    /* pair 1: 1 ham (0 messages: rejected), 1 spam (0) */
    add(&pm, "b.example", "192.0.2.2", 0, PLABEL_HAM);
    add(&pm, "b.example", "192.0.2.2", 0, PLABEL_SPAM);
    /* pair 2: only unlabelled */
    add(&pm, "c.example", "192.0.2.3", 5, PLABEL_UNKNOWN);
    CHECK_INTEQ(pairmap_count(&pm), 3);
    const struct pagg *a = pair(&pm, 0);
    CHECK_INTEQ(a->n, 4);
    CHECK_INTEQ(a->n_spam, 2);
    CHECK_INTEQ(a->n_ham, 1);
    CHECK_INTEQ(a->m_spam, 3);
    CHECK_INTEQ(a->m_ham, 1);
    CHECK_INTEQ(a->m, 6);
    a = pair(&pm, 1);
    CHECK_INTEQ(a->n_spam, 1);
    CHECK_INTEQ(a->n_ham, 1);
    CHECK_INTEQ(a->m_spam + a->m_ham, 0);
    a = pair(&pm, 2);
    CHECK_INTEQ(a->n_spam + a->n_ham, 0);
    CHECK_INTEQ(a->m, 5);

    CHECK_INTEQ(spamham_verdict("accept", 6), 1);
    CHECK_INTEQ(spamham_verdict("tempfail", 8), 4);
    CHECK_INTEQ(spamham_verdict("unevaluated", 11), 6);
    CHECK_INTEQ(spamham_verdict("reject", 5), 0); /* "rejec" */
    CHECK_INTEQ(spamham_verdict("allow", 5), 0);

    /* pair 0 rejected, pair 1 accepted, pair 2 tempfail; a pair with no
     * verdict of the six is not counted */
    struct spamham sh;
    spamham_init(&sh);
    spamham_add(&sh, spamham_verdict("reject", 6), pair(&pm, 0));
    spamham_add(&sh, spamham_verdict("accept", 6), pair(&pm, 1));
    spamham_add(&sh, spamham_verdict("tempfail", 8), pair(&pm, 2));
    spamham_add(&sh, 0, pair(&pm, 0));
    spamham_add(&sh, 7, pair(&pm, 0));
    CHECK_INTEQ(sh.n[2][PLABEL_SPAM], 2);
    CHECK_INTEQ(sh.n[2][PLABEL_UNKNOWN], 1);
    CHECK_INTEQ(sh.m[2][PLABEL_UNKNOWN], 2);
    CHECK_INTEQ(sh.n[0][PLABEL_HAM], 1);
    CHECK_INTEQ(sh.n[3][PLABEL_UNKNOWN], 1);
    CHECK_INTEQ(sh.m[3][PLABEL_UNKNOWN], 5);

    sqlite3 *db = NULL;
    char *err = NULL;
    CHECK(sqlite3_open(":memory:", &db) == SQLITE_OK);
    CHECK(spamham_store(db, &sh, &err) == HV_OK);
    free(err);
    err = NULL;
    char buf[1024];
    rows(db, spamham_sql_by_label, buf, sizeof(buf));
    CHECK_STREQ(buf, "accept,1,1,0,0,0,0;mark,0,0,0,0,0,0;"
                     "reject,2,1,1,3,1,2;tempfail,0,0,1,0,0,5;"
                     "unresolved,0,0,0,0,0,0;unevaluated,0,0,0,0,0,0");
    /* spam 3 sessions, 2 stopped (66.7%), 3 messages all stopped; ham 2,
     * 1 hurt (50%), 1 message hurt; unknown 2 sessions, 7 messages */
    rows(db, spamham_sql_kv, buf, sizeof(buf));
    CHECK_STREQ(buf, "3,2,66.7,2,1,50.0,3,3,100.0,1,1,100.0,2,7");
    /* stored again (a second report on the same connection): replaced */
    spamham_init(&sh);
    CHECK(spamham_store(db, &sh, &err) == HV_OK);
    free(err);
    rows(db, spamham_sql_kv, buf, sizeof(buf));
    CHECK_STREQ(buf, "0,0,0.0,0,0,0.0,0,0,0.0,0,0,0.0,0,0");
    rows(db, "SELECT count(*) FROM temp.hv_l", buf, sizeof(buf));
    CHECK_STREQ(buf, "6");
    sqlite3_close(db);
    pairmap_free(&pm);
    return CHECK_DONE();
}
