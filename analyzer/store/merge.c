/* SPDX-License-Identifier: MIT */
/* merge - ATTACH another heloval database and fold it in (see merge.h). */
#include "merge.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "schema.h"
#include "xmem.h"

/* The statements of one merge, run in order inside one transaction. The
 * input is attached as "src"; temp.idmap maps its source ids to ours. */
static const char *const merge_sql[] = {
    "CREATE TEMP TABLE idmap(src_id INTEGER PRIMARY KEY, dst_id INTEGER)",
    /* sources we do not have yet, by fingerprint */
    "INSERT INTO main.sources(path,fingerprint,fp_len,format,size,mtime,compressed,"
    " bytes_read,lines_read,last_offset,last_line,first_ts,last_ts,scanned_at)"
    " SELECT s.path,s.fingerprint,s.fp_len,s.format,s.size,s.mtime,s.compressed,"
    " s.bytes_read,s.lines_read,s.last_offset,s.last_line,s.first_ts,s.last_ts,s.scanned_at"
    " FROM src.sources s WHERE NOT EXISTS (SELECT 1 FROM main.sources m"
    "  WHERE m.fingerprint = s.fingerprint AND m.fp_len = s.fp_len)",
    "INSERT INTO temp.idmap SELECT s.id, (SELECT m.id FROM main.sources m"
    " WHERE m.fingerprint = s.fingerprint AND m.fp_len = s.fp_len ORDER BY m.id LIMIT 1)"
    " FROM src.sources s",
    /* a source read further on the other machine keeps the longer reading */
    "UPDATE main.sources AS m SET bytes_read = s.bytes_read, lines_read = s.lines_read,"
    " last_offset = s.last_offset, last_line = s.last_line,"
    " first_ts = MIN(COALESCE(m.first_ts, s.first_ts), COALESCE(s.first_ts, m.first_ts)),"
    " last_ts = MAX(COALESCE(m.last_ts, s.last_ts), COALESCE(s.last_ts, m.last_ts))"
    " FROM src.sources s JOIN temp.idmap i ON i.src_id = s.id"
    " WHERE m.id = i.dst_id AND s.bytes_read > m.bytes_read",
    "INSERT INTO main.source_skips(source_id,reason,count)"
    " SELECT i.dst_id, k.reason, k.count FROM src.source_skips k"
    " JOIN temp.idmap i ON i.src_id = k.source_id WHERE true"
    " ON CONFLICT(source_id,reason) DO UPDATE SET count = MAX(count, excluded.count)",
    "INSERT INTO main.sessions(id,source_id,line,ts,mta,ip,helo,helo_from,rdns,"
    " disposition,messages,qids,label,label_from)"
    " SELECT (i.dst_id << 32) | s.line,i.dst_id,s.line,s.ts,s.mta,s.ip,s.helo,s.helo_from,s.rdns,s.disposition,"
    " s.messages,s.qids,s.label,s.label_from"
    " FROM src.sessions s JOIN temp.idmap i ON i.src_id = s.source_id WHERE true"
    " ON CONFLICT(id) DO UPDATE SET"
    " helo = COALESCE(sessions.helo, excluded.helo),"
    " helo_from = COALESCE(sessions.helo_from, excluded.helo_from),"
    " disposition = CASE WHEN sessions.disposition = 'unknown'"
    "  THEN excluded.disposition ELSE sessions.disposition END,"
    " messages = MAX(sessions.messages, excluded.messages),"
    " qids = COALESCE(sessions.qids, excluded.qids),"
    " label_from = CASE WHEN sessions.label IS NULL THEN excluded.label_from"
    "  ELSE sessions.label_from END,"
    " label = COALESCE(sessions.label, excluded.label)",
    "INSERT INTO main.dns_cache SELECT * FROM src.dns_cache WHERE true"
    " ON CONFLICT(qname,qtype) DO UPDATE SET status=excluded.status,"
    " rcode=excluded.rcode, answer=excluded.answer, ttl=excluded.ttl,"
    " fetched_at=excluded.fetched_at, expires_at=excluded.expires_at"
    " WHERE excluded.fetched_at > dns_cache.fetched_at",
    /* the resolve options the results were made with (csa_opts, dna_opts,
     * authserv_id): a target without its own takes the input's, so the next
     * resolve with the same options keeps the merged results */
    "INSERT OR IGNORE INTO main.meta(key, value) SELECT key, value FROM src.meta",
    "INSERT INTO main.csa SELECT * FROM src.csa WHERE true"
    " ON CONFLICT(helo,ip) DO UPDATE SET status=excluded.status,"
    " reason=excluded.reason, record=excluded.record,"
    " evaluated_at=excluded.evaluated_at, expires_at=excluded.expires_at"
    " WHERE excluded.evaluated_at > csa.evaluated_at",
    "INSERT INTO main.dna SELECT * FROM src.dna WHERE true"
    " ON CONFLICT(helo,service) DO UPDATE SET grade=excluded.grade,"
    " level=excluded.level, info=excluded.info, status=excluded.status,"
    " evaluated_at=excluded.evaluated_at, expires_at=excluded.expires_at"
    " WHERE excluded.evaluated_at > dna.evaluated_at",
    "INSERT INTO main.dna_result SELECT * FROM src.dna_result WHERE true"
    " ON CONFLICT(helo) DO UPDATE SET status=excluded.status,"
    " grade=excluded.grade, service=excluded.service,"
    " evaluated_at=excluded.evaluated_at, expires_at=excluded.expires_at"
    " WHERE excluded.evaluated_at > dna_result.evaluated_at",
    "INSERT INTO main.resolve_runs(started_at,finished_at,names,queries,cache_hits,"
    " timeouts,failures) SELECT started_at,finished_at,names,queries,cache_hits,"
    " timeouts,failures FROM src.resolve_runs",
    "INSERT INTO main.scan_runs(started_at,finished_at,files,bytes,lines,sessions,"
    " helo_joined) SELECT started_at,finished_at,files,bytes,lines,sessions,"
    " helo_joined FROM src.scan_runs",
};

/* fail - "PATH: SQLite's message" into *err, roll back and detach. HV_EDB. */
static int fail(sqlite3 *db, const char *what, char **err, bool in_tx)
{
    int rc = hv_errf(err, HV_EDB, "%s: %s", what, sqlite3_errmsg(db));
    if (in_tx)
        sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    sqlite3_exec(db, "DROP TABLE IF EXISTS temp.idmap", NULL, NULL, NULL);
    sqlite3_exec(db, "DETACH DATABASE src", NULL, NULL, NULL);
    return rc;
}

/* count - the one integer sql returns into *v. HV_OK, or HV_EDB (the
 * text in sqlite3_errmsg(db)) when it cannot be prepared or stepped. */
static int count(sqlite3 *db, const char *sql, long long *v)
{
    sqlite3_stmt *q;
    int rc;
    *v = 0;
    if (sqlite3_prepare_v2(db, sql, -1, &q, NULL) != SQLITE_OK)
        return HV_EDB;
    rc = sqlite3_step(q);
    if (rc == SQLITE_ROW)
        *v = sqlite3_column_int64(q, 0);
    sqlite3_finalize(q);
    return rc == SQLITE_ROW ? HV_OK : HV_EDB;
}

int merge_from(struct store *st, const char *path, struct merge_stats *ms, char **err)
{
    sqlite3 *db = store_db(st);
    sqlite3_stmt *q;
    memset(ms, 0, sizeof(*ms));
    /* ATTACH would create a missing file: an input must exist already */
    if (store_check_file(path, false, err) != HV_OK)
        return HV_EDB;
    if (sqlite3_prepare_v2(db, "ATTACH DATABASE ?1 AS src", -1, &q, NULL) != SQLITE_OK)
        return fail(db, path, err, false);
    char *uri = xmalloc(strlen(path) + 16);
    snprintf(uri, strlen(path) + 16, "%s", path);
    sqlite3_bind_text(q, 1, uri, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(q);
    sqlite3_finalize(q);
    free(uri);
    if (rc != SQLITE_DONE)
        return fail(db, path, err, false);
    long long version;
    if (count(db, "PRAGMA src.user_version", &version) != HV_OK)
        return fail(db, path, err, false);
    if (version != (long long)schema_version) {
        sqlite3_exec(db, "DETACH DATABASE src", NULL, NULL, NULL);
        return hv_errf(err, HV_EDB,
                       "%s: not a heloval database of this version (schema %lld)", path,
                       version);
    }
    if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
        return fail(db, path, err, false);
    long long sources_before, sessions_before, src_sources, sources_after, sessions_after;
    if (count(db, "SELECT count(*) FROM main.sources", &sources_before) != HV_OK ||
        count(db, "SELECT count(*) FROM main.sessions", &sessions_before) != HV_OK ||
        count(db, "SELECT count(*) FROM src.sources", &src_sources) != HV_OK)
        return fail(db, path, err, true);
    for (size_t i = 0; i < sizeof(merge_sql) / sizeof(merge_sql[0]); i++)
        if (sqlite3_exec(db, merge_sql[i], NULL, NULL, NULL) != SQLITE_OK)
            return fail(db, path, err, true);
    if (count(db, "SELECT count(*) FROM main.sources", &sources_after) != HV_OK ||
        count(db, "SELECT count(*) FROM main.sessions", &sessions_after) != HV_OK)
        return fail(db, path, err, true);
    ms->sources_added = sources_after - sources_before;
    ms->sources_shared = src_sources - ms->sources_added;
    ms->sessions_added = sessions_after - sessions_before;
    /* an mbox scanned on one machine names the HELO of a log session
     * scanned on another: join them here as scan does */
    int64_t joined = 0, labelled = 0;
    if (store_join_received_helo(st, &joined, &labelled) != HV_OK)
        return fail(db, path, err, true);
    ms->helo_joined = joined;
    ms->label_joined = labelled;
    if (sqlite3_exec(db, "DROP TABLE temp.idmap", NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
        return fail(db, path, err, true);
    sqlite3_exec(db, "DETACH DATABASE src", NULL, NULL, NULL);
    return HV_OK;
}
