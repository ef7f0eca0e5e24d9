/* SPDX-License-Identifier: MIT */
/*
 * csvsql - the SQL side of analyzer/csv/: the `policy` table written from a
 * struct policy, and the SQL functions hv_helo_class and hv_smtp_reply that
 * the report's and the export's queries call. It lives in store/ so that
 * csv/ itself includes neither sqlite3.h nor ares.h (make lint).
 */
#ifndef HV_CSVSQL_H
#define HV_CSVSQL_H

#include <sqlite3.h>

#include "heloname.h"
#include "hverr.h"
#include "policy.h"

/* policy_store - replace the rows of the `policy` table with p in one
 * savepoint. Returns HV_OK or HV_EDB (the SQLite error is in sqlite3_errmsg(db)). */
int policy_store(const struct policy *p, sqlite3 *db);

/* heloname_register_sql - register the deterministic SQL function
 * hv_helo_class(helo) -> class name (NULL -> "none") on db. A failure to
 * register shows up later as "no such function" in the SQL that uses it. */
void heloname_register_sql(sqlite3 *db);

/* policy_register_sql - register the deterministic SQL function
 * hv_smtp_reply(verdict, csa_status, csa_reason, dna_status, dna_service,
 * helo, authserv_id) -> text (NULL when the verdict is NULL or unknown). */
void policy_register_sql(sqlite3 *db);

#endif
