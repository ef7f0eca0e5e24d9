/* SPDX-License-Identifier: MIT */
/*
 * readviews - the rv_* views of the read interface. See readviews.h.
 */
#include "readviews.h"

#include <stddef.h>

#include "evaldb.h"
#include "hverr.h"

/* the reserved source of `heloval evaluate`'s batch (evaldb.h), NULL when
 * there is none: a batch left by an evaluate killed before it removed it
 * is no mail received, and no report or export shows it */
#define EVAL_SOURCE                                                           \
    "(SELECT id FROM main.sources WHERE fingerprint = '" EVALDB_FINGERPRINT   \
    "' AND fp_len = 0)"

/* the views, one statement each; columns as README "Database schema" */
static const char sql_views[] =
    "CREATE TEMP VIEW IF NOT EXISTS rv_sessions AS SELECT"
    " id, source_id, line, ts, mta, ip, helo, helo_from, rdns, disposition,"
    " messages, qids, label, label_from FROM main.sessions"
    " WHERE source_id IS NOT " EVAL_SOURCE ";"
    "CREATE TEMP VIEW IF NOT EXISTS rv_sources AS SELECT"
    " id, path, fingerprint, fp_len, format, size, mtime, compressed,"
    " bytes_read, lines_read, last_offset, last_line, first_ts, last_ts,"
    " scanned_at FROM main.sources WHERE id IS NOT " EVAL_SOURCE ";"
    "CREATE TEMP VIEW IF NOT EXISTS rv_source_skips AS SELECT"
    " source_id, reason, count FROM main.source_skips;"
    /* every session's pair key, eval batch included (the sessions(helo,
     * ip) index answers it alone, in key order: pairinfo_walk) */
    "CREATE TEMP VIEW IF NOT EXISTS rv_session_keys AS SELECT"
    " helo, ip, id FROM main.sessions;"
    "CREATE TEMP VIEW IF NOT EXISTS rv_indexes AS SELECT"
    " name, tbl_name FROM main.sqlite_master WHERE type = 'index';"
    "CREATE TEMP VIEW IF NOT EXISTS rv_csa AS SELECT"
    " helo, ip, status, reason, record, evaluated_at, expires_at FROM main.csa;"
    "CREATE TEMP VIEW IF NOT EXISTS rv_dna AS SELECT"
    " helo, service, grade, level, info, status, evaluated_at, expires_at"
    " FROM main.dna;"
    "CREATE TEMP VIEW IF NOT EXISTS rv_dna_result AS SELECT"
    " helo, status, grade, service, evaluated_at, expires_at"
    " FROM main.dna_result;"
    "CREATE TEMP VIEW IF NOT EXISTS rv_policy AS SELECT"
    " csa_status, dna_status, action FROM main.policy;"
    "CREATE TEMP VIEW IF NOT EXISTS rv_resolve_runs AS SELECT"
    " id, started_at, finished_at, names, queries, cache_hits, timeouts,"
    " failures FROM main.resolve_runs;"
    "CREATE TEMP VIEW IF NOT EXISTS rv_scan_runs AS SELECT"
    " id, started_at, finished_at, files, bytes, lines, sessions, helo_joined"
    " FROM main.scan_runs;"
    "CREATE TEMP VIEW IF NOT EXISTS rv_meta AS SELECT key, value FROM main.meta;"
    "CREATE TEMP VIEW IF NOT EXISTS rv_runs AS SELECT"
    " id, started_at, finished_at, since, until, sessions, at_risk_senders"
    " FROM main.runs;"
    "CREATE TEMP VIEW IF NOT EXISTS rv_run_senders AS SELECT"
    " run_id, domain, reason, sessions, messages FROM main.run_senders;"
    "CREATE TEMP VIEW IF NOT EXISTS rv_csa_changes AS SELECT"
    " id, helo, ip, old_status, old_reason, new_status, new_reason,"
    " old_evaluated_at, changed_at FROM main.csa_changes;"
    "CREATE TEMP VIEW IF NOT EXISTS rv_dna_changes AS SELECT"
    " id, helo, old_status, old_grade, new_status, new_grade,"
    " old_evaluated_at, changed_at FROM main.dna_changes;";

int readviews_create(sqlite3 *db, char **err)
{
    char *msg = NULL;
    if (sqlite3_exec(db, sql_views, NULL, NULL, &msg) == SQLITE_OK)
        return HV_OK;
    const char *file = sqlite3_db_filename(db, "main");
    int rc = hv_errf(err, HV_EDB, "%s: creating the read views: %s",
                     file != NULL && *file != '\0' ? file : "database",
                     msg != NULL ? msg : sqlite3_errmsg(db));
    sqlite3_free(msg);
    return rc;
}
