/* SPDX-License-Identifier: MIT */
/*
 * test_workrows - which pairs the report's work table holds (workrows.h):
 * each condition keeps a pair that meets it alone and only such a pair
 * (near misses: another verdict, no sessions of the disposition, another
 * class, an unobserved HELO, a key one byte off, a NUL inside a key); the
 * sets come from the read views, NULLs left out; a load that fails, a set
 * larger than a quarter of the pairs or HV_REPORT_ALL_PAIRS keeps every
 * pair (a set within WORKROWS_MIN_CAP keys is always loaded); the
 * publishing domains count each domain once, publishing when
 * any of its resolved FQDN pairs publishes, whatever the order the pairs
 * come in.
 */
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "sqlcount.h"
#include "workrows.h"

/* open_db - an in-memory database with the three read views over tables
 * holding: a CSA change of (mail.c.example, 192.0.2.30), one with a NUL
 * in its HELO and one with a NULL IP; a DNA change of mail.f.example and
 * a NULL one; the run senders b.example (twice) and NULL. */
static sqlite3 *open_db(void)
{
    sqlite3 *db = NULL;
    CHECK(sqlite3_open(":memory:", &db) == SQLITE_OK);
    sql_exec(db, "CREATE TABLE cc(helo TEXT, ip TEXT);"
                 "INSERT INTO cc VALUES('mail.c.example','192.0.2.30'),"
                 " (CAST(x'6e00756c' AS TEXT),'192.0.2.31'),"
                 " ('mail.n.example',NULL);"
                 "CREATE TABLE dc(helo TEXT);"
                 "INSERT INTO dc VALUES('mail.f.example'),(NULL);"
                 "CREATE TABLE rs(domain TEXT);"
                 "INSERT INTO rs VALUES('b.example'),('b.example'),(NULL);"
                 "CREATE TEMP VIEW rv_csa_changes AS SELECT helo, ip FROM cc;"
                 "CREATE TEMP VIEW rv_dna_changes AS SELECT helo FROM dc;"
                 "CREATE TEMP VIEW rv_run_senders AS SELECT domain FROM rs;");
    return db;
}

/* pv - a pval of the C string s (NULL stays NULL). */
static struct pval pv(const char *s)
{
    return (struct pval){s, s != NULL ? strlen(s) : 0};
}

/* plain - a pair meeting no condition: mail.x.example from 192.0.2.99,
 * verdict mark, CSA unknown, FQDN of x.example, accepted and rejected
 * sessions. */
static struct workpair plain(void)
{
    struct workpair p;
    memset(&p, 0, sizeof(p));
    p.helo = pv("mail.x.example");
    p.ip = pv("192.0.2.99");
    p.verdict = pv("mark");
    p.csa_status = pv("unknown");
    p.cls = "fqdn";
    p.domain = pv("x.example");
    p.n_acc = 3;
    p.n_rej = 2;
    return p;
}

/* test_conditions - each condition alone keeps a pair; near misses not. */
static void test_conditions(void)
{
    sqlite3 *db = open_db();
    struct workrows w;
    unsetenv("HV_REPORT_ALL_PAIRS");
    workrows_open(&w, db, 100);
    CHECK(!w.keep_all);
    struct workpair p = plain();
    CHECK(!workrows_keep(&w, &p));

    /* at risk: reject or tempfail with accepted sessions */
    p = plain();
    p.verdict = pv("reject");
    CHECK(workrows_keep(&w, &p));
    p.verdict = pv("tempfail");
    CHECK(workrows_keep(&w, &p));
    p.n_acc = 0;
    CHECK(!workrows_keep(&w, &p));
    p = plain();
    p.verdict = pv("rejected");
    CHECK(!workrows_keep(&w, &p));
    p.verdict = (struct pval){"reject\0", 7}; /* a NUL inside */
    CHECK(!workrows_keep(&w, &p));

    /* rescued: accept with rejected sessions */
    p = plain();
    p.verdict = pv("accept");
    CHECK(workrows_keep(&w, &p));
    p.n_rej = 0;
    CHECK(!workrows_keep(&w, &p));

    /* an observed FQDN whose CSA status is ok */
    p = plain();
    p.n_acc = p.n_rej = 0;
    p.csa_status = pv("ok");
    CHECK(workrows_keep(&w, &p));
    p.unobs = true;
    CHECK(!workrows_keep(&w, &p));
    p.unobs = false;
    p.cls = "bare";
    CHECK(!workrows_keep(&w, &p));
    p.cls = "fqdn";
    p.csa_status = pv(NULL);
    CHECK(!workrows_keep(&w, &p));

    /* accepted sessions of a domain a recorded run listed */
    p = plain();
    p.domain = pv("b.example");
    CHECK(workrows_keep(&w, &p));
    p.n_acc = 0;
    CHECK(!workrows_keep(&w, &p));
    p = plain();
    p.domain = pv("b.exampl");
    CHECK(!workrows_keep(&w, &p));

    /* a CSA change of the pair, a DNA change of the HELO */
    p = plain();
    p.n_acc = p.n_rej = 0;
    p.helo = pv("mail.c.example");
    p.ip = pv("192.0.2.30");
    CHECK(workrows_keep(&w, &p));
    p.ip = pv("192.0.2.3");
    CHECK(!workrows_keep(&w, &p));
    p.helo = pv("mail.c.example1");
    p.ip = pv("92.0.2.30"); /* the same bytes, split elsewhere */
    CHECK(!workrows_keep(&w, &p));
    p.helo = (struct pval){"n\0ul", 4};
    p.ip = pv("192.0.2.31");
    CHECK(workrows_keep(&w, &p));
    p.helo = (struct pval){"n", 1};
    CHECK(!workrows_keep(&w, &p));
    p.helo = pv("mail.n.example"); /* its change has a NULL IP */
    p.ip = pv("");
    CHECK(!workrows_keep(&w, &p));
    p.helo = pv("mail.f.example");
    p.ip = pv("192.0.2.77");
    CHECK(workrows_keep(&w, &p));
    p.helo = pv("");
    CHECK(!workrows_keep(&w, &p));
    workrows_close(&w);

    /* every pair: the environment, a set over a quarter of the pairs, a
     * view that is missing */
    setenv("HV_REPORT_ALL_PAIRS", "1", 1);
    workrows_open(&w, db, 100);
    p = plain();
    CHECK(w.keep_all && workrows_keep(&w, &p));
    workrows_close(&w);
    unsetenv("HV_REPORT_ALL_PAIRS");
    /* 3 + WORKROWS_MIN_CAP CSA changes: over the floor, and over a
     * quarter of 4 * (WORKROWS_MIN_CAP + 3) - 1 pairs, within one more */
    sql_exec(db, "INSERT INTO cc WITH RECURSIVE k(x) AS (SELECT 1 UNION ALL"
                 " SELECT x + 1 FROM k WHERE x < 4096) SELECT 'h' || x,"
                 " '192.0.2.1' FROM k");
    CHECK(WORKROWS_MIN_CAP == 4096);
    workrows_open(&w, db, 100);
    CHECK(w.keep_all && workrows_keep(&w, &p));
    workrows_close(&w);
    workrows_open(&w, db, 4 * (WORKROWS_MIN_CAP + 3) - 1);
    CHECK(w.keep_all && workrows_keep(&w, &p));
    workrows_close(&w);
    workrows_open(&w, db, 4 * (WORKROWS_MIN_CAP + 3));
    CHECK(!w.keep_all && !workrows_keep(&w, &p));
    p.helo = pv("h4096");
    p.ip = pv("192.0.2.1");
    CHECK(workrows_keep(&w, &p));
    workrows_close(&w);
    p = plain();
    sql_exec(db, "DROP VIEW rv_run_senders");
    workrows_open(&w, db, 100);
    CHECK(w.keep_all && workrows_keep(&w, &p));
    workrows_close(&w);
    sqlite3_close(db);
}

/* test_publishing - the domains of resolved FQDN pairs and those with a
 * pair that publishes, each domain once, in any order. */
static void test_publishing(void)
{
    sqlite3 *db = open_db();
    struct workrows w;
    workrows_open(&w, db, 100);
    static const struct {
        const char *domain, *csa, *cls;
        bool publishes;
    } pairs[] = {
        {"a.example", "ok", "fqdn", false},
        {"a.example", "fail", "fqdn", true},     /* a publishes */
        {"b.example", "unknown", "fqdn", false}, /* b does not */
        {"c.example", NULL, "fqdn", true},       /* not resolved */
        {"d.example", "ok", "literal", true},    /* not an FQDN */
        {"b.example", "ok", "fqdn", false},
        {"a.example", "ok", "fqdn", false},      /* a again, apart */
        {"e.example", "fail", "fqdn", false},
        {"e.example", "fail", "fqdn", true},     /* e publishes later */
    };
    for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
        struct workpair p = plain();
        p.domain = pv(pairs[i].domain);
        p.csa_status = pv(pairs[i].csa);
        p.cls = pairs[i].cls;
        p.publishes = pairs[i].publishes;
        workrows_count(&w, &p);
    }
    workrows_close(&w);
    CHECK_MSG(w.domains == 3, "%lld", w.domains); /* a, b, e */
    CHECK_MSG(w.domains_publishing == 2, "%lld", w.domains_publishing);
    sqlite3_close(db);
}

int main(void)
{
    test_conditions();
    test_publishing();
    return CHECK_DONE();
}
