/* SPDX-License-Identifier: MIT */
/*
 * test_bulkload - store_bulk_begin / store_bulk_end (analyzer/store/store.h)
 * set the connection as their contract says: a first load (empty sessions
 * table) runs in rollback-journal mode with a 1 MiB page cache and no
 * foreign-key checks; store_bulk_end gives back WAL mode, the 8 MiB cache and
 * the checks; a load into a database that has sessions keeps WAL and 8 MiB.
 * The rows of the first load are all there after it, and rows whose
 * label, HELO and queue IDs come and go from one batch slot to the next
 * are stored each with its own values (the batch statement keeps its NULL
 * parameters bound between batches).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "session.h"
#include "sqlcount.h"
#include "store.h"
#include "tmpstore.h"

/* load - one bulk load of n sessions from line first on; HV_OK or the
 * first error. */
static int load(struct store *st, int64_t source_id, uint64_t first, int n)
{
    struct hv_session s;
    int rc = store_begin(st);
    for (int i = 0; rc == HV_OK && i < n; i++) {
        hv_session_reset(&s);
        s.mta = HV_MTA_POSTFIX;
        s.line = first + (uint64_t)i;
        s.ts = 1793491200 + i;
        snprintf(s.ip, sizeof(s.ip), "192.0.2.%d", i % 250);
        snprintf(s.helo, sizeof(s.helo), "mx%d.example.org", i % 97);
        s.has_helo = true;
        s.helo_origin = HV_HELO_LOGGED;
        s.complete = true;
        rc = store_put_session(st, source_id, &s);
    }
    return rc == HV_OK ? store_commit(st) : rc;
}

/* pattern - which of label, HELO and queue IDs line i has: bit 0 label,
 * bit 1 HELO, bit 2 queue IDs (changing within and across batch slots). */
static unsigned pattern(uint64_t i)
{
    return (unsigned)((i * 7 + i / 64 * 3 + i / 128) % 8);
}

/* load_patterned - n sessions from line first on, with pattern()'s
 * fields, in one store_put_rows call (STORE_PUT_BATCH rows a statement, as
 * the scan's writer stores them); HV_OK or the first error. */
static int load_patterned(struct store *st, int64_t source_id, uint64_t first, int n)
{
    struct store_row *rows = calloc((size_t)n, sizeof(*rows));
    char *text = malloc((size_t)n * STORE_ROW_TEXT_MAX);
    struct hv_session s;
    for (int i = 0; i < n; i++) {
        uint64_t line = first + (uint64_t)i;
        unsigned p = pattern(line);
        hv_session_reset(&s);
        s.mta = HV_MTA_POSTFIX;
        s.line = line;
        s.ts = 1793491200 + i;
        snprintf(s.ip, sizeof(s.ip), "192.0.2.%d", i % 250);
        if (p & 1)
            hv_session_set_label(&s, HV_LABEL_SPAM, HV_LFROM_DNSBL);
        if (p & 2) {
            snprintf(s.helo, sizeof(s.helo), "mx%d.example.org", i % 97);
            s.has_helo = true;
            s.helo_origin = HV_HELO_LOGGED;
        }
        if (p & 4)
            hv_session_add_qid(&s, "4XyZ1234", 8);
        s.complete = true;
        store_row_pack(&rows[i], source_id, &s, text + (size_t)i * STORE_ROW_TEXT_MAX);
    }
    int rc = store_begin(st);
    if (rc == HV_OK)
        rc = store_put_rows(st, rows, (size_t)n);
    free(rows);
    free(text);
    return rc == HV_OK ? store_commit(st) : rc;
}

int main(void)
{
    struct tmpstore t;
    char buf[64];

    if (!tmpstore_open(&t, "bulkload", "b.db"))
        return CHECK_DONE();
    struct store *st = t.st;
    sqlite3 *db = store_db(st);
    CHECK_INTEQ(sql_count(db, "PRAGMA cache_size"), -8192);

    struct store_source src;
    CHECK(tmpstore_add_source(&t, &src));

    /* the first load */
    CHECK_INTEQ(store_bulk_begin(st), HV_OK);
    CHECK_INTEQ(sql_count(db, "PRAGMA cache_size"), -1024);
    CHECK(store_first_load(st));
    CHECK_INTEQ(sql_count(db, "PRAGMA foreign_keys"), 0);
    CHECK_STREQ(sql_text(db, "PRAGMA journal_mode", buf, sizeof(buf)), "delete");
    CHECK_INTEQ(load(st, src.id, 1, 20000), HV_OK);
    CHECK_INTEQ(store_bulk_end(st), HV_OK);
    CHECK_INTEQ(sql_count(db, "PRAGMA cache_size"), -8192);
    CHECK_INTEQ(sql_count(db, "PRAGMA foreign_keys"), 1);
    CHECK_STREQ(sql_text(db, "PRAGMA journal_mode", buf, sizeof(buf)), "wal");
    CHECK_INTEQ(sql_count(db, "SELECT count(*) FROM sessions"), 20000);
    CHECK_INTEQ(sql_count(db, "SELECT count(DISTINCT helo) FROM sessions"), 97);
    CHECK_STREQ(sql_text(db, "PRAGMA quick_check", buf, sizeof(buf)), "ok");

    /* a later load: the database has sessions, nothing but the checks changes */
    CHECK_INTEQ(store_bulk_begin(st), HV_OK);
    CHECK_INTEQ(sql_count(db, "PRAGMA cache_size"), -8192);
    CHECK_STREQ(sql_text(db, "PRAGMA journal_mode", buf, sizeof(buf)), "wal");
    CHECK_INTEQ(load(st, src.id, 20001, 100), HV_OK);
    CHECK_INTEQ(store_bulk_end(st), HV_OK);
    CHECK_INTEQ(sql_count(db, "SELECT count(*) FROM sessions"), 20100);

    /* fields that come and go in the same batch slots: each row as given */
    CHECK_INTEQ(store_bulk_begin(st), HV_OK);
    CHECK_INTEQ(load_patterned(st, src.id, 30001, 64 * 40), HV_OK);
    CHECK_INTEQ(store_bulk_end(st), HV_OK);
    long long want = 0, nlabel = 0;
    for (uint64_t line = 30001; line < 30001 + 64 * 40; line++) {
        want += (long long)(line * (1 + pattern(line) * 2));
        nlabel += pattern(line) & 1;
    }
    CHECK_INTEQ(sql_count(db, "SELECT sum(line * (1 + 2 * ((label IS NOT NULL)"
                              " + 2 * (helo IS NOT NULL) + 4 * (qids IS NOT NULL))))"
                              " FROM sessions WHERE line > 30000"),
                want);
    CHECK_INTEQ(sql_count(db, "SELECT count(*) FROM sessions WHERE line > 30000"
                              " AND (label IS NULL) <> (label_from IS NULL)"),
                0);
    CHECK_INTEQ(sql_count(db, "SELECT count(label) FROM sessions WHERE line > 30000"),
                nlabel);

    tmpstore_close(&t);
    return CHECK_DONE();
}
