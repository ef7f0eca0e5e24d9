/* SPDX-License-Identifier: MIT */
/*
 * test_labelstore - spam/ham labels in the store (analyzer/store/store.h):
 * store_row_pack names them; a plain insert, a batch insert and an update
 * store them; an update (again) or a row stored again without a label
 * keeps the stored one (never replaced by none); a later label fills an
 * unlabelled row; rv_sessions and the verdicts view show both columns.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "readviews.h"
#include "session.h"
#include "sqlcount.h"
#include "store.h"
#include "tmpstore.h"

/* session - a postfix session at line with a label (or none). */
static void session(struct hv_session *s, uint64_t line, enum hv_label l,
                    enum hv_label_from f, bool again)
{
    hv_session_reset(s);
    s->mta = HV_MTA_POSTFIX;
    s->line = line;
    s->ts = 1793491200 + (int64_t)line;
    snprintf(s->ip, sizeof(s->ip), "192.0.2.%u", (unsigned)(line % 250));
    s->replies_5xx = 1;
    s->complete = true;
    s->again = again;
    hv_session_set_label(s, l, f);
}

/* label_of - "label/label_from" of the row at line ("-" for NULL). */
static const char *label_of(sqlite3 *db, int64_t line)
{
    static char buf[64];
    sqlite3_stmt *q;
    snprintf(buf, sizeof(buf), "?");
    if (sqlite3_prepare_v2(db, "SELECT COALESCE(label,'-') || '/' ||"
                               " COALESCE(label_from,'-') FROM sessions WHERE line = ?1",
                           -1, &q, NULL) != SQLITE_OK)
        return buf;
    sqlite3_bind_int64(q, 1, line);
    if (sqlite3_step(q) == SQLITE_ROW)
        snprintf(buf, sizeof(buf), "%s", (const char *)sqlite3_column_text(q, 0));
    sqlite3_finalize(q);
    return buf;
}

int main(void)
{
    struct tmpstore t;
    char *err = NULL;
    struct hv_session s;

    /* store_row_pack: names, and none for an inconsistent pair */
    {
        char text[STORE_ROW_TEXT_MAX];
        struct store_row row;
        session(&s, 1, HV_LABEL_SPAM, HV_LFROM_DNSBL, false);
        store_row_pack(&row, 1, &s, text);
        CHECK_STREQ(row.label, "spam");
        CHECK_STREQ(row.label_from, "dnsbl");
        session(&s, 1, HV_LABEL_NONE, HV_LFROM_NONE, false);
        s.label = HV_LABEL_HAM;   /* no origin: stored as no label */
        store_row_pack(&row, 1, &s, text);
        CHECK(row.label == NULL && row.label_from == NULL);
    }
    /* hv_session_set_label keeps the first label */
    session(&s, 1, HV_LABEL_SPAM, HV_LFROM_FOLDER, false);
    CHECK(!hv_session_set_label(&s, HV_LABEL_HAM, HV_LFROM_HEADER));
    CHECK(s.label == HV_LABEL_SPAM && s.label_from == HV_LFROM_FOLDER);
    CHECK_STREQ(hv_label_from_name(HV_LFROM_FILTER), "content-filter");
    CHECK(hv_label_name(HV_LABEL_NONE) == NULL && hv_label_from_name(HV_LFROM_NONE) == NULL);

    if (!tmpstore_open(&t, "labelstore", "l.db"))
        return CHECK_DONE();
    struct store *st = t.st;
    sqlite3 *db = store_db(st);
    struct store_source src;
    memset(&src, 0, sizeof(src));
    snprintf(src.format, sizeof(src.format), "postfix");
    CHECK_INTEQ(store_begin(st), HV_OK);
    CHECK_INTEQ(store_save_source(st, &src, "a.log", "00", 4096, INT64_MIN, INT64_MIN), HV_OK);

    /* one by one: labelled, then updated without a label (again) */
    session(&s, 1, HV_LABEL_SPAM, HV_LFROM_DNSBL, false);
    CHECK_INTEQ(store_put_session(st, src.id, &s), HV_OK);
    session(&s, 1, HV_LABEL_NONE, HV_LFROM_NONE, true);
    CHECK_INTEQ(store_put_session(st, src.id, &s), HV_OK);
    CHECK_STREQ(label_of(db, 1), "spam/dnsbl");
    /* the same line stored again (a re-read) without a label */
    session(&s, 1, HV_LABEL_NONE, HV_LFROM_NONE, false);
    CHECK_INTEQ(store_put_session(st, src.id, &s), HV_OK);
    CHECK_STREQ(label_of(db, 1), "spam/dnsbl");
    /* an unlabelled row takes a later label */
    session(&s, 2, HV_LABEL_NONE, HV_LFROM_NONE, false);
    CHECK_INTEQ(store_put_session(st, src.id, &s), HV_OK);
    CHECK_STREQ(label_of(db, 2), "-/-");
    session(&s, 2, HV_LABEL_SPAM, HV_LFROM_FILTER, true);
    CHECK_INTEQ(store_put_session(st, src.id, &s), HV_OK);
    CHECK_STREQ(label_of(db, 2), "spam/content-filter");

    /* a batch (STORE_PUT_BATCH rows to a statement) with every label */
    enum { N = STORE_PUT_BATCH + 3 };
    struct store_row *rows = calloc(N, sizeof(*rows));
    char *text = malloc((size_t)N * STORE_ROW_TEXT_MAX);
    static const enum hv_label_from froms[] = {HV_LFROM_NONE, HV_LFROM_FOLDER, HV_LFROM_HEADER,
                                               HV_LFROM_DNSBL, HV_LFROM_FILTER};
    for (int i = 0; rows != NULL && text != NULL && i < N; i++) {
        enum hv_label_from f = froms[i % 5];
        session(&s, 100 + (uint64_t)i, f == HV_LFROM_NONE ? HV_LABEL_NONE
                                       : f == HV_LFROM_HEADER ? HV_LABEL_HAM : HV_LABEL_SPAM,
                f, false);
        store_row_pack(&rows[i], src.id, &s, text + (size_t)i * STORE_ROW_TEXT_MAX);
    }
    CHECK_INTEQ(store_put_rows(st, rows, N), HV_OK);
    free(rows);
    free(text);
    CHECK_INTEQ(store_commit(st), HV_OK);
    CHECK_INTEQ(sql_count(db, "SELECT count(*) FROM sessions WHERE line >= 100"), N);
    CHECK_INTEQ(sql_count(db, "SELECT count(*) FROM sessions WHERE line >= 100"
                              " AND label IS NULL AND label_from IS NULL"), (N + 4) / 5);
    CHECK_INTEQ(sql_count(db, "SELECT count(*) FROM sessions WHERE line >= 100"
                              " AND label = 'ham' AND label_from = 'header'"), (N + 2) / 5);
    CHECK_INTEQ(sql_count(db, "SELECT count(*) FROM sessions WHERE line >= 100"
                              " AND label = 'spam' AND label_from = 'folder'"), (N + 3) / 5);
    /* the read views and the verdicts view */
    CHECK_INTEQ(readviews_create(db, &err), HV_OK);
    CHECK_INTEQ(sql_count(db, "SELECT count(*) FROM rv_sessions WHERE label = 'spam'"
                              " AND label_from = 'dnsbl'"),
                sql_count(db, "SELECT count(*) FROM sessions WHERE label_from = 'dnsbl'"));
    CHECK_INTEQ(sql_count(db, "SELECT count(*) FROM verdicts WHERE label = 'spam'"
                              " AND label_from = 'content-filter'"),
                sql_count(db, "SELECT count(*) FROM sessions WHERE label_from = 'content-filter'"));
    free(err);
    tmpstore_close(&t);
    return CHECK_DONE();
}
