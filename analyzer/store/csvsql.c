/* SPDX-License-Identifier: MIT */
/* csvsql - see csvsql.h. Moved unchanged from csv/heloname.c and
 * csv/policy.c. */
#include "csvsql.h"

#include <string.h>

/* ==== The policy table ==== */

/* policy_store - see csvsql.h. */
int policy_store(const struct policy *p, sqlite3 *db)
{
    sqlite3_stmt *st = NULL;
    int rc;

    if (sqlite3_exec(db, "SAVEPOINT policy_store", NULL, NULL, NULL) !=
        SQLITE_OK)
        return HV_EDB;
    rc = sqlite3_exec(db, "DELETE FROM policy", NULL, NULL, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_prepare_v2(db,
                                "INSERT INTO policy(csa_status, dna_status, "
                                "action) VALUES(?1, ?2, ?3)",
                                -1, &st, NULL);
    for (int c = 0; rc == SQLITE_OK && c < POLICY_NCSA; c++) {
        for (int d = 0; rc == SQLITE_OK && d < POLICY_NDNA; d++) {
            sqlite3_bind_text(st, 1, policy_csa_names[c], -1, SQLITE_STATIC);
            sqlite3_bind_text(st, 2, policy_dna_names[d], -1, SQLITE_STATIC);
            sqlite3_bind_text(st, 3, policy_action_names[p->cell[c][d]], -1,
                              SQLITE_STATIC);
            rc = sqlite3_step(st);
            if (rc == SQLITE_DONE)
                rc = sqlite3_reset(st);
        }
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_OK) {
        sqlite3_exec(db, "ROLLBACK TO policy_store", NULL, NULL, NULL);
        sqlite3_exec(db, "RELEASE policy_store", NULL, NULL, NULL);
        return HV_EDB;
    }
    if (sqlite3_exec(db, "RELEASE policy_store", NULL, NULL, NULL) !=
        SQLITE_OK)
        return HV_EDB;
    return HV_OK;
}

/* ==== SQL functions ==== */

/* sql_helo_class - hv_helo_class(helo): the class name; text with an
 * embedded NUL is "invalid". */
static void sql_helo_class(sqlite3_context *ctx, int argc, sqlite3_value **v)
{
    const unsigned char *t;
    int n;

    (void)argc;
    if (sqlite3_value_type(v[0]) == SQLITE_NULL) {
        sqlite3_result_text(ctx, "none", -1, SQLITE_STATIC);
        return;
    }
    t = sqlite3_value_text(v[0]);
    n = sqlite3_value_bytes(v[0]);
    if (t == NULL) {
        sqlite3_result_error_nomem(ctx);
        return;
    }
    if (strlen((const char *)t) != (size_t)n) {
        sqlite3_result_text(ctx, "invalid", -1, SQLITE_STATIC);
        return;
    }
    sqlite3_result_text(ctx, helo_class_name(helo_classify((const char *)t)),
                        -1, SQLITE_STATIC);
}

void heloname_register_sql(sqlite3 *db)
{
    sqlite3_create_function_v2(db, "hv_helo_class", 1,
                               SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL,
                               sql_helo_class, NULL, NULL, NULL);
}

/* arg_text - an SQL argument as text, NULL for SQL NULL. */
static const char *arg_text(sqlite3_value *v)
{
    if (sqlite3_value_type(v) == SQLITE_NULL)
        return NULL;
    return (const char *)sqlite3_value_text(v);
}

/* sql_smtp_reply - hv_smtp_reply(verdict, csa_status, csa_reason,
 * dna_status, dna_service, helo, authserv_id). */
static void sql_smtp_reply(sqlite3_context *ctx, int argc, sqlite3_value **v)
{
    char out[1400];

    (void)argc;
    if (!policy_smtp_reply(out, sizeof(out), arg_text(v[0]), arg_text(v[1]),
                           arg_text(v[2]), arg_text(v[3]), arg_text(v[4]),
                           arg_text(v[5]), arg_text(v[6]))) {
        sqlite3_result_null(ctx);
        return;
    }
    sqlite3_result_text(ctx, out, -1, SQLITE_TRANSIENT);
}

void policy_register_sql(sqlite3 *db)
{
    sqlite3_create_function_v2(db, "hv_smtp_reply", 7,
                               SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL,
                               sql_smtp_reply, NULL, NULL, NULL);
}
