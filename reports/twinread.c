/* SPDX-License-Identifier: MIT */
#include "twinread.h"

#include <stdlib.h>

#include "rptsql.h"

void twinread_mark(struct twinread *t, sqlite3 *db)
{
    t->db = NULL;
    t->began = false;
    /* db must not have begun its read transaction yet: a transaction or a
     * statement stepped and not reset may hold one already */
    if (sqlite3_get_autocommit(db) == 0)
        return;
    for (sqlite3_stmt *q = sqlite3_next_stmt(db, NULL); q != NULL;
         q = sqlite3_next_stmt(db, q))
        if (sqlite3_stmt_busy(q))
            return;
    sqlite3 *twin;
    if (rpt_twin_open(db, &twin, NULL) != HV_OK || twin == NULL)
        return;
    /* read outside a transaction: the version of the state it read then */
    if (rpt_data_version(twin, &t->mark, NULL) != HV_OK) {
        sqlite3_close(twin);
        return;
    }
    t->db = twin;
}

bool twinread_begin(struct twinread *t)
{
    if (t->db == NULL)
        return false;
    long long now;
    /* the pragma inside the transaction begins it: the state the twin's
     * reads will see, and its version */
    if (rpt_read_begin(t->db, &t->began, NULL) == HV_OK && t->began &&
        rpt_data_version(t->db, &now, NULL) == HV_OK && now == t->mark)
        return true;
    twinread_close(t);
    return false;
}

void twinread_close(struct twinread *t)
{
    if (t->db == NULL)
        return;
    rpt_read_end(t->db, t->began);
    sqlite3_close(t->db);
    t->db = NULL;
    t->began = false;
}
