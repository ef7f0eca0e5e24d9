/* SPDX-License-Identifier: MIT */
/* spamham - spam/ham per CSV verdict; see spamham.h. */
#include "spamham.h"

#include <string.h>

#include "rptsql.h"

/* the verdicts in the report's order (VERDICT_ORDER in report.c) */
static const char *const verdicts[SPAMHAM_NV] = {
    "accept", "mark", "reject", "tempfail", "unresolved", "unevaluated",
};

void spamham_init(struct spamham *sh)
{
    memset(sh, 0, sizeof(*sh));
}

int spamham_verdict(const char *v, size_t n)
{
    for (int k = 0; k < SPAMHAM_NV; k++)
        if (strlen(verdicts[k]) == n && memcmp(verdicts[k], v, n) == 0)
            return k + 1;
    return 0;
}

void spamham_add(struct spamham *sh, int k, const struct pagg *a)
{
    if (k < 1 || k > SPAMHAM_NV)
        return;
    long long *n = sh->n[k - 1], *m = sh->m[k - 1];
    n[PLABEL_SPAM] += a->n_spam;
    n[PLABEL_HAM] += a->n_ham;
    n[PLABEL_UNKNOWN] += (long long)a->n - a->n_spam - a->n_ham;
    m[PLABEL_SPAM] += a->m_spam;
    m[PLABEL_HAM] += a->m_ham;
    m[PLABEL_UNKNOWN] += a->m - a->m_spam - a->m_ham;
}

int spamham_store(sqlite3 *db, const struct spamham *sh, char **err)
{
    int rc = rpt_exec_temp(db,
                           "DROP TABLE IF EXISTS temp.hv_l;"
                           "CREATE TEMP TABLE hv_l(verdict TEXT, ord INTEGER,"
                           " n_spam INTEGER, n_ham INTEGER, n_unk INTEGER,"
                           " m_spam INTEGER, m_ham INTEGER, m_unk INTEGER)",
                           err);
    if (rc != HV_OK)
        return rc;
    sqlite3_stmt *q;
    rc = rpt_prepare_temp(db, "INSERT INTO temp.hv_l VALUES(?,?,?,?,?,?,?,?)",
                          NULL, &q, err);
    for (int k = 0; rc == HV_OK && k < SPAMHAM_NV; k++) {
        sqlite3_bind_text(q, 1, verdicts[k], -1, SQLITE_STATIC);
        sqlite3_bind_int(q, 2, k + 1);
        sqlite3_bind_int64(q, 3, sh->n[k][PLABEL_SPAM]);
        sqlite3_bind_int64(q, 4, sh->n[k][PLABEL_HAM]);
        sqlite3_bind_int64(q, 5, sh->n[k][PLABEL_UNKNOWN]);
        sqlite3_bind_int64(q, 6, sh->m[k][PLABEL_SPAM]);
        sqlite3_bind_int64(q, 7, sh->m[k][PLABEL_HAM]);
        sqlite3_bind_int64(q, 8, sh->m[k][PLABEL_UNKNOWN]);
        rc = rpt_step_done(db, sqlite3_step(q), "report query failed", err);
        sqlite3_reset(q);
    }
    sqlite3_finalize(q);
    return rc;
}

const char spamham_sql_by_label[] =
    "SELECT verdict, n_spam, n_ham, n_unk, m_spam, m_ham, m_unk"
    " FROM temp.hv_l ORDER BY ord";

/* stopped / hurt: the verdicts reject and tempfail */
#define SH_STOP(col) "COALESCE(sum(CASE WHEN verdict IN ('reject','tempfail')" \
                     " THEN " col " END),0)"
#define SH_ALL(col) "COALESCE(sum(" col "),0)"
#define SH_PCT(col) "round(100.0 * " SH_STOP(col) " / max(" SH_ALL(col) ",1), 1)"

const char spamham_sql_kv[] =
    "SELECT " SH_ALL("n_spam") " AS spam_sessions,"
    " " SH_STOP("n_spam") " AS spam_stopped_sessions,"
    " " SH_PCT("n_spam") " AS spam_stopped_pct,"
    " " SH_ALL("n_ham") " AS ham_sessions,"
    " " SH_STOP("n_ham") " AS ham_hurt_sessions,"
    " " SH_PCT("n_ham") " AS ham_hurt_pct,"
    " " SH_ALL("m_spam") " AS spam_messages,"
    " " SH_STOP("m_spam") " AS spam_stopped_messages,"
    " " SH_PCT("m_spam") " AS spam_stopped_messages_pct,"
    " " SH_ALL("m_ham") " AS ham_messages,"
    " " SH_STOP("m_ham") " AS ham_hurt_messages,"
    " " SH_PCT("m_ham") " AS ham_hurt_messages_pct,"
    " " SH_ALL("n_unk") " AS unknown_sessions,"
    " " SH_ALL("m_unk") " AS unknown_messages"
    " FROM temp.hv_l";
