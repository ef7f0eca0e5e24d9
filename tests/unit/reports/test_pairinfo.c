/* SPDX-License-Identifier: MIT */
/*
 * test_pairinfo - every way pairinfo.h answers for a (HELO, IP) pair gives
 * what the LEFT JOINs of its contract give, asked of SQLite for the same
 * pair: one look-up per call, memoized per pair, preloaded (the verdicts
 * export without the sessions(helo, ip) index), ordered (the full report)
 * and walked (the verdicts export: every session's pair numbered by a walk
 * of that index, found again by session id); over pairs with and without a
 * CSA row, HELOs with and without a DNA result or with a status no policy
 * row names, values of one length and the same end bytes that differ
 * inside (each distinct value is stored once), an embedded NUL, NULL
 * records, asked in a random order, the database's policy and another;
 * and the ordered mode asked for a sparse sorted few of the keys.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "pairinfo.h"
#include "readviews.h"
#include "tmpstore.h"
#include "xorshift.h"

#define NHELO 60
#define NIP 7

/* fill - CSA rows for most (HELO, IP) pairs, DNA results for most HELOs;
 * reasons and records of one length and the same end bytes. */
static void fill(sqlite3 *db)
{
    static const char *const status[] = {"ok", "fail", "unknown", "defer"};
    /* the statuses of the policy, and one no policy row names */
    static const char *const dna[] = {"recommended", "unknown",
                                      "not-recommended", "defer", "bogus"};
    char sql[512];
    CHECK(sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) == SQLITE_OK);
    for (int h = 0; h < NHELO; h++) {
        if (h % 5 != 4) {
            snprintf(sql, sizeof(sql),
                     "INSERT INTO dna_result VALUES('mx%02d.example',"
                     "'%s','%c','dna%d.example',%d,0)",
                     h, dna[h % 5], 'A' + h % 5, h % 3, h);
            CHECK(sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK);
        }
        for (int i = 0; i < NIP; i++) {
            if ((h + i) % 6 == 5)
                continue; /* no CSA row */
            int k = h * NIP + i;
            const char *record =
                k % 9 == 0 ? "NULL"
                : k % 9 == 1 ? "CAST(X'7200780061' AS TEXT)" /* r\0xa */
                             : NULL;
            char rec[64];
            if (record == NULL) {
                snprintf(rec, sizeof(rec), "'r%c%ca'", 'a' + k % 7,
                         'a' + k % 3);
                record = rec;
            }
            snprintf(sql, sizeof(sql),
                     "INSERT INTO csa VALUES('mx%02d.example','192.0.2.%d',"
                     "'%s','why-%c-x',%s,%d,0)",
                     h, i, status[k % 4], 'a' + k % 11, record, 1000 + k);
            CHECK(sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK);
        }
    }
    CHECK(sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) == SQLITE_OK);
}

/* same_val - v holds what column i of q holds (NULL, or the same bytes). */
static int same_val(struct pval v, sqlite3_stmt *q, int i)
{
    if (sqlite3_column_type(q, i) == SQLITE_NULL)
        return v.s == NULL;
    const char *s = (const char *)sqlite3_column_text(q, i);
    size_t n = (size_t)sqlite3_column_bytes(q, i);
    return v.s != NULL && v.n == n && memcmp(v.s, s, n) == 0 &&
           v.s[n] == '\0';
}

/* check_pair - pc is the contract's answer for (helo, ip) on db with the
 * policy table `policy` (the database's rv_policy, or hv_pol). */
static void check_pair(sqlite3 *db, const char *policy, const char *helo,
                       const char *ip, const struct pair_csv *pc)
{
    char sql[1024];
    sqlite3_stmt *q = NULL;
    snprintf(sql, sizeof(sql),
             "SELECT c.status, c.reason, c.record, d.status, d.grade,"
             " d.service, p.action, c.evaluated_at"
             " FROM (SELECT ?1 AS h, ?2 AS i) k"
             " LEFT JOIN rv_csa c ON c.helo = k.h AND c.ip = k.i"
             " LEFT JOIN rv_dna_result d ON d.helo = k.h"
             " LEFT JOIN %s p ON p.csa_status = c.status"
             " AND p.dna_status = COALESCE(d.status, 'unknown')",
             policy);
    CHECK(sqlite3_prepare_v2(db, sql, -1, &q, NULL) == SQLITE_OK);
    sqlite3_bind_text(q, 1, helo, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 2, ip, -1, SQLITE_STATIC);
    CHECK(sqlite3_step(q) == SQLITE_ROW);
    CHECK_MSG(same_val(pc->csa_status, q, 0) && same_val(pc->csa_reason, q, 1) &&
                  same_val(pc->csa_record, q, 2),
              "CSA of %s %s", helo, ip);
    CHECK_MSG(same_val(pc->dna_status, q, 3) && same_val(pc->dna_grade, q, 4) &&
                  same_val(pc->dna_service, q, 5),
              "DNA of %s", helo);
    CHECK_MSG(same_val(pc->action, q, 6), "action of %s %s: %s", helo, ip,
              pc->action.s ? pc->action.s : "NULL");
    if (sqlite3_column_type(q, 7) == SQLITE_NULL)
        CHECK(pc->csa_at == PAIRINFO_NO_TIME);
    else
        CHECK_INTEQ(pc->csa_at, sqlite3_column_int64(q, 7));
    sqlite3_finalize(q);
}

enum mode { ONE_BY_ONE, MEMO, PRELOADED, ORDERED };

/* sweep - ask pairinfo in mode m, with policy pol (NULL: the database's),
 * for every pair of HELOs 0 .. NHELO (one more than has rows) and IPs
 * 0 .. NIP, each twice: in random order, or in key order for ORDERED. */
static void sweep(sqlite3 *db, enum mode m, const struct policy *pol)
{
    struct pairinfo pi;
    char *err = NULL;
    int rc = pairinfo_open(&pi, db, pol, m == MEMO || m == PRELOADED, &err);
    CHECK_MSG(rc == HV_OK, "pairinfo_open: %s", err ? err : "?");
    if (rc == HV_OK && m == PRELOADED)
        CHECK_INTEQ(pairinfo_preload(&pi, &err), HV_OK);
    if (rc == HV_OK && m == ORDERED)
        CHECK_INTEQ(pairinfo_ordered(&pi, pol != NULL, &err), HV_OK);
    free(err);
    if (rc != HV_OK)
        return;
    size_t n = (NHELO + 1) * NIP, order[2 * (NHELO + 1) * NIP];
    for (size_t k = 0; k < 2 * n; k++)
        order[k] = m == ORDERED ? k / 2 : k % n;
    uint64_t seed = XORSHIFT_SEED + (uint64_t)m;
    for (size_t k = 2 * n - 1; m != ORDERED && k > 0; k--) {
        size_t j = (size_t)xorshift_below(&seed, k + 1), t = order[k];
        order[k] = order[j];
        order[j] = t;
    }
    for (size_t k = 0; k < 2 * n; k++) {
        char helo[32], ip[32];
        /* in key order: "mx00.example" < ... < "mx60.example" and
         * "192.0.2.0" < ... < "192.0.2.6" as bytes */
        snprintf(helo, sizeof(helo), "mx%02zu.example", order[k] / NIP);
        snprintf(ip, sizeof(ip), "192.0.2.%zu", order[k] % NIP);
        struct pair_csv pc;
        err = NULL;
        CHECK_INTEQ(pairinfo_get(&pi, helo, strlen(helo), ip, strlen(ip), &pc,
                                 &err),
                    HV_OK);
        free(err);
        check_pair(db, pol == NULL ? "rv_policy" : "hv_pol", helo, ip, &pc);
    }
    if (m == MEMO || m == PRELOADED)
        CHECK(pairinfo_count(&pi) >= (size_t)(NHELO * NIP * 5 / 6));
    pairinfo_close(&pi);
}

/* check_dna - pc holds only the DNA of helo, as rv_dna_result has it. */
static void check_dna(sqlite3 *db, const char *helo, const struct pair_csv *pc)
{
    sqlite3_stmt *q = NULL;
    CHECK(sqlite3_prepare_v2(db, "SELECT d.status, d.grade, d.service FROM"
                                 " (SELECT ?1 AS h) k LEFT JOIN rv_dna_result d"
                                 " ON d.helo = k.h", -1, &q, NULL) == SQLITE_OK);
    sqlite3_bind_text(q, 1, helo, -1, SQLITE_STATIC);
    CHECK(sqlite3_step(q) == SQLITE_ROW);
    CHECK_MSG(same_val(pc->dna_status, q, 0) && same_val(pc->dna_grade, q, 1) &&
                  same_val(pc->dna_service, q, 2),
              "DNA alone of %s", helo);
    CHECK(pc->csa_status.s == NULL && pc->action.s == NULL);
    sqlite3_finalize(q);
}

/* sparse_sweep - the ordered mode (with the passing function when sparse)
 * asked for few of the keys, as a short window of a long database asks: in key order, a random eighth of the
 * pairs (a few twice), with keys between the rows' (HELO "mxNN.examplez"
 * after "mxNN.example", IP "192.0.2.NN" between "192.0.2.N" and the next)
 * and DNA alone for some HELOs, so that the scans pass over many rows in
 * one step (ahead_sql in pairinfo.c) and must stop on every key asked. */
static void sparse_sweep(sqlite3 *db, const struct policy *pol, bool sparse,
                         uint64_t seed)
{
    struct pairinfo pi;
    char *err = NULL;
    CHECK_INTEQ(pairinfo_open(&pi, db, pol, false, &err), HV_OK);
    free(err);
    err = NULL;
    CHECK_INTEQ(pairinfo_ordered(&pi, sparse, &err), HV_OK);
    free(err);
    size_t asked = 0;
    for (int h = 0; h <= NHELO; h++) {
        for (int z = 0; z < 2; z++) {
            char helo[32];
            snprintf(helo, sizeof(helo), "mx%02d.example%s", h, z ? "z" : "");
            bool dna_first = xorshift_below(&seed, 16) == 0;
            if (dna_first) {
                struct pair_csv pc;
                err = NULL;
                CHECK_INTEQ(pairinfo_dna(&pi, helo, strlen(helo), &pc, &err), HV_OK);
                free(err);
                check_dna(db, helo, &pc);
            }
            /* IPs in byte order: 192.0.2.0, .1, .10, .11, .2, ... */
            static const int ips[] = {0, 1, 10, 11, 2, 3, 4, 5, 6};
            for (size_t i = 0; i < sizeof(ips) / sizeof(ips[0]); i++) {
                if (xorshift_below(&seed, 8) != 0)
                    continue;
                char ip[32];
                snprintf(ip, sizeof(ip), "192.0.2.%d", ips[i]);
                int times = xorshift_below(&seed, 4) == 0 ? 2 : 1;
                for (int t = 0; t < times; t++) {
                    struct pair_csv pc;
                    err = NULL;
                    CHECK_INTEQ(pairinfo_get(&pi, helo, strlen(helo), ip,
                                             strlen(ip), &pc, &err),
                                HV_OK);
                    free(err);
                    check_pair(db, pol == NULL ? "rv_policy" : "hv_pol", helo,
                               ip, &pc);
                    asked++;
                }
            }
        }
    }
    CHECK(asked > 0);
    pairinfo_close(&pi);
}

/* add_sessions - sessions for every pair of sweep's (in an order unlike
 * the key order, some pairs twice, ids that are not in key order), and
 * sessions with a NULL HELO (looked up as ''), some of them with an
 * unobserved HELO, and with an empty one. */
static void add_sessions(sqlite3 *db)
{
    char sql[512];
    CHECK(sqlite3_exec(db, "BEGIN; INSERT INTO sources(id,path,fingerprint,"
                           "fp_len,format) VALUES(1,'a.log','a',1,'postfix')",
                       NULL, NULL, NULL) == SQLITE_OK);
    int line = 0;
    for (int k = 0; k < 3 * (NHELO + 1) * NIP / 2; k++) {
        int pair = (k * 37) % ((NHELO + 1) * NIP);
        snprintf(sql, sizeof(sql),
                 "INSERT INTO sessions(id,source_id,line,mta,ip,helo,"
                 "helo_from,disposition) VALUES(%d,1,%d,'postfix',"
                 "'192.0.2.%d','mx%02d.example','log','accepted')",
                 1000 - line, line, pair % NIP, pair / NIP);
        line++;
        CHECK(sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK);
    }
    for (int i = 0; i < 6; i++) {
        snprintf(sql, sizeof(sql),
                 "INSERT INTO sessions(id,source_id,line,mta,ip,helo,"
                 "helo_from,disposition) VALUES(%d,1,%d,'postfix',"
                 "'192.0.2.%d',%s,%s,'accepted')",
                 5000 + i, line++, i % 3, i < 4 ? "NULL" : "''",
                 i % 2 == 0 ? "NULL" : "'none'");
        CHECK(sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK);
    }
    /* a CSA and DNA answer for the empty HELO, which a NULL one shares */
    CHECK(sqlite3_exec(db, "INSERT INTO csa VALUES('','192.0.2.1','unknown',"
                           "'no-helo','',7,0);"
                           "INSERT INTO dna_result VALUES('','unknown',NULL,"
                           "'x.example',0,0); COMMIT",
                       NULL, NULL, NULL) == SQLITE_OK);
}

/* walk_sweep - with policy pol (NULL: the database's), walk the sessions
 * (only with the index: walked tells) and check every session's pair, in
 * id order and then backwards, against the contract for (COALESCE(helo,
 * ''), ip); unobs gives the same DNA and no CSA. */
static void walk_sweep(sqlite3 *db, const struct policy *pol, bool indexed)
{
    struct pairinfo pi;
    char *err = NULL;
    bool walked = true;
    CHECK_INTEQ(pairinfo_open(&pi, db, pol, true, &err), HV_OK);
    CHECK_INTEQ(pairinfo_walk(&pi, &walked, &err), HV_OK);
    free(err);
    CHECK_MSG(walked == indexed, "walked %d, index %d", walked, indexed);
    if (!walked) {
        pairinfo_close(&pi);
        return;
    }
    sqlite3_stmt *q = NULL;
    int seen = 0;
    char *helos[2 * NHELO + 4];
    size_t helo_num[2 * NHELO + 4], nhelos = 0;
    for (int dir = 0; dir < 2; dir++) {
        CHECK(sqlite3_prepare_v2(db, dir == 0
                  ? "SELECT id, COALESCE(helo,''), ip, helo IS NULL"
                    " FROM sessions ORDER BY id"
                  : "SELECT id, COALESCE(helo,''), ip, helo IS NULL"
                    " FROM sessions ORDER BY id DESC", -1, &q, NULL)
              == SQLITE_OK);
        while (q != NULL && sqlite3_step(q) == SQLITE_ROW) {
            const char *helo = (const char *)sqlite3_column_text(q, 1);
            const char *ip = (const char *)sqlite3_column_text(q, 2);
            uint32_t pair = UINT32_MAX;
            err = NULL;
            CHECK_INTEQ(pairinfo_session_pair(&pi, sqlite3_column_int64(q, 0),
                                              &pair, &err), HV_OK);
            free(err);
            struct pair_csv pc, only_dna;
            pairinfo_pair(&pi, pair, false, &pc);
            pairinfo_pair(&pi, pair, true, &only_dna);
            check_pair(db, pol == NULL ? "rv_policy" : "hv_pol", helo, ip, &pc);
            CHECK(only_dna.csa_status.s == NULL && only_dna.action.s == NULL &&
                  only_dna.csa_at == PAIRINFO_NO_TIME);
            CHECK(only_dna.dna_status.s == pc.dna_status.s &&
                  only_dna.dna_service.s == pc.dna_service.s);
            /* one number per HELO text, a NULL HELO's its own (the walk
             * meets those first), the same both ways */
            size_t hnum = pairinfo_pair_helo(&pi, pair);
            CHECK(hnum == pc.helo && hnum == only_dna.helo);
            char hkey[300];
            snprintf(hkey, sizeof(hkey), "%c%s",
                     sqlite3_column_int(q, 3) ? 'n' : 't', helo);
            size_t k = 0;
            while (k < nhelos && strcmp(helos[k], hkey) != 0)
                k++;
            if (k == nhelos && nhelos < sizeof(helos) / sizeof(helos[0])) {
                for (size_t o = 0; o < nhelos; o++)
                    CHECK_MSG(helo_num[o] != hnum, "HELO %s shares number"
                              " %zu with %s", hkey, hnum, helos[o]);
                helos[nhelos] = strdup(hkey);
                helo_num[nhelos++] = hnum;
            } else if (k < nhelos) {
                CHECK_MSG(helo_num[k] == hnum, "HELO %s: number %zu, was %zu",
                          hkey, hnum, helo_num[k]);
            }
            seen++;
        }
        sqlite3_finalize(q);
    }
    CHECK(seen > 2 * (NHELO + 1) * NIP);
    CHECK(nhelos > NHELO); /* the HELOs and a NULL one */
    for (size_t k = 0; k < nhelos; k++)
        free(helos[k]);
    uint32_t none;
    err = NULL;
    CHECK_INTEQ(pairinfo_session_pair(&pi, 999999, &none, &err), HV_EDB);
    CHECK(err != NULL && strstr(err, "999999") != NULL);
    free(err);
    pairinfo_close(&pi);
}

/* walk_blob - a HELO stored as a blob sorts after every text in the index,
 * out of the BINARY order of text: the walk declines and numbers nothing. */
static void walk_blob(sqlite3 *db)
{
    CHECK(sqlite3_exec(db, "SAVEPOINT b; INSERT INTO sessions(id,source_id,"
                           "line,mta,ip,helo,helo_from,disposition) VALUES("
                           "9000,1,9000,'postfix','192.0.2.1',X'00','log',"
                           "'accepted')",
                       NULL, NULL, NULL) == SQLITE_OK);
    struct pairinfo pi;
    char *err = NULL;
    bool walked = true;
    CHECK_INTEQ(pairinfo_open(&pi, db, NULL, true, &err), HV_OK);
    CHECK_INTEQ(pairinfo_walk(&pi, &walked, &err), HV_OK);
    CHECK(!walked && !pi.walked && pi.spairs.n == 0);
    free(err);
    pairinfo_close(&pi);
    CHECK(sqlite3_exec(db, "ROLLBACK TO b; RELEASE b", NULL, NULL, NULL) ==
          SQLITE_OK);
}

int main(void)
{
    struct tmpstore t;
    if (!tmpstore_open(&t, "pairinfo", "p.db"))
        return CHECK_DONE();
    sqlite3 *db = store_db(t.st);
    char *err = NULL;
    CHECK_INTEQ(readviews_create(db, &err), HV_OK);
    free(err);
    fill(db);
    for (enum mode m = ONE_BY_ONE; m <= ORDERED; m++)
        sweep(db, m, NULL);
    for (uint64_t k = 0; k < 40; k++)
        sparse_sweep(db, NULL, k % 4 != 0, XORSHIFT_SEED + 100 + k);
    add_sessions(db);
    walk_sweep(db, NULL, false); /* no index: the caller preloads */
    CHECK(sqlite3_exec(db, "CREATE INDEX resolve_helo_ip ON"
                           " sessions(helo, ip)", NULL, NULL, NULL) == SQLITE_OK);
    walk_sweep(db, NULL, true);
    walk_blob(db);
    /* another policy: the default table turned around */
    struct policy def, pol;
    policy_default(&def);
    for (int i = 0; i < POLICY_NCSA; i++)
        for (int j = 0; j < POLICY_NDNA; j++)
            pol.cell[i][j] = def.cell[POLICY_NCSA - 1 - i][POLICY_NDNA - 1 - j];
    CHECK(sqlite3_exec(db, "CREATE TEMP TABLE hv_pol(csa_status TEXT,"
                           " dna_status TEXT, action TEXT)",
                       NULL, NULL, NULL) == SQLITE_OK);
    for (int i = 0; i < POLICY_NCSA; i++)
        for (int j = 0; j < POLICY_NDNA; j++) {
            char sql[256];
            snprintf(sql, sizeof(sql), "INSERT INTO hv_pol VALUES('%s','%s','%s')",
                     policy_csa_names[i], policy_dna_names[j],
                     policy_action_names[pol.cell[i][j]]);
            CHECK(sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK);
        }
    for (enum mode m = ONE_BY_ONE; m <= ORDERED; m++)
        sweep(db, m, &pol);
    for (uint64_t k = 0; k < 10; k++)
        sparse_sweep(db, &pol, k % 4 != 0, XORSHIFT_SEED + 200 + k);
    walk_sweep(db, &pol, true);
    tmpstore_close(&t);
    return CHECK_DONE();
}
