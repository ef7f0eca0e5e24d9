/* SPDX-License-Identifier: MIT */
/* dnscache - the dns_cache table; see dnscache.h. */
#include "dnscache.h"

#include <stdlib.h>
#include <string.h>

#include "xmem.h"

struct dnscache {
    sqlite3 *db;
    sqlite3_stmt *get, *put;
};

static const char sql_get[] =
    "SELECT status, rcode, answer, ttl, fetched_at, expires_at"
    " FROM dns_cache WHERE qname = ?1 AND qtype = ?2";

static const char sql_put[] =
    "INSERT OR REPLACE INTO dns_cache(qname, qtype, status, rcode, answer,"
    " ttl, fetched_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";

int dnscache_open(sqlite3 *db, struct dnscache **out, char **err)
{
    struct dnscache *c = xcalloc(1, sizeof *c);

    *out = NULL;
    *err = NULL;
    c->db = db;
    if (sqlite3_prepare_v3(db, sql_get, -1, SQLITE_PREPARE_PERSISTENT,
                           &c->get, NULL) != SQLITE_OK ||
        sqlite3_prepare_v3(db, sql_put, -1, SQLITE_PREPARE_PERSISTENT,
                           &c->put, NULL) != SQLITE_OK) {
        *err = xstrdup(sqlite3_errmsg(db));
        dnscache_close(c);
        return HV_EDB;
    }
    *out = c;
    return 0;
}

void dnscache_close(struct dnscache *c)
{
    if (c == NULL)
        return;
    sqlite3_finalize(c->get);
    sqlite3_finalize(c->put);
    free(c);
}

/* is_failure - an outcome that is not a real answer. */
static int is_failure(enum dnsq_status st)
{
    return st != DNSQ_OK && st != DNSQ_NODATA && st != DNSQ_NXDOMAIN;
}

int dnscache_get(struct dnscache *c, const char *qname, int qtype,
                 int64_t now, int64_t max_age, struct dnscache_entry *e)
{
    int rc, hit = 0;

    memset(e, 0, sizeof *e);
    sqlite3_bind_text(c->get, 1, qname, -1, SQLITE_STATIC);
    sqlite3_bind_int(c->get, 2, qtype);
    rc = sqlite3_step(c->get);
    if (rc == SQLITE_ROW) {
        const char *st = (const char *)sqlite3_column_text(c->get, 0);
        e->status = dnsq_status_from_name(st ? st : "error");
        e->rcode = sqlite3_column_int(c->get, 1);
        e->ttl = sqlite3_column_int64(c->get, 3);
        e->fetched_at = sqlite3_column_int64(c->get, 4);
        e->expires_at = sqlite3_column_int64(c->get, 5);
        if (max_age >= 0 && !is_failure(e->status))
            hit = e->fetched_at + max_age > now;
        else if (max_age >= 0)
            hit = e->fetched_at + max_age > now && e->expires_at > now;
        else
            hit = e->expires_at > now;
        if (hit) {
            const void *b = sqlite3_column_blob(c->get, 2);
            int n = sqlite3_column_bytes(c->get, 2);
            if (b != NULL && n > 0) {
                e->answer = xmalloc((size_t)n);
                memcpy(e->answer, b, (size_t)n);
                e->len = (size_t)n;
            }
        }
        rc = SQLITE_DONE;
    }
    sqlite3_reset(c->get);
    sqlite3_clear_bindings(c->get);
    if (rc != SQLITE_DONE)
        return HV_EDB;
    return hit;
}

int dnscache_put(struct dnscache *c, const char *qname, int qtype,
                 enum dnsq_status st, int rcode, const unsigned char *msg,
                 size_t len, int64_t ttl, int64_t now)
{
    int rc;

    sqlite3_bind_text(c->put, 1, qname, -1, SQLITE_STATIC);
    sqlite3_bind_int(c->put, 2, qtype);
    sqlite3_bind_text(c->put, 3, dnsq_status_name(st), -1, SQLITE_STATIC);
    sqlite3_bind_int(c->put, 4, rcode);
    if (msg != NULL && len > 0)
        sqlite3_bind_blob(c->put, 5, msg, (int)len, SQLITE_STATIC);
    else
        sqlite3_bind_null(c->put, 5);
    sqlite3_bind_int64(c->put, 6, ttl);
    sqlite3_bind_int64(c->put, 7, now);
    sqlite3_bind_int64(c->put, 8, now + ttl);
    rc = sqlite3_step(c->put);
    sqlite3_reset(c->put);
    sqlite3_clear_bindings(c->put);
    return rc == SQLITE_DONE ? HV_OK : HV_EDB;
}

int64_t dnscache_ttl(enum dnsq_status st, uint32_t msg_ttl)
{
    switch (st) {
    case DNSQ_OK:
        return (int64_t)msg_ttl;
    case DNSQ_NODATA:
    case DNSQ_NXDOMAIN:
        return msg_ttl ? (int64_t)msg_ttl : DNSCACHE_NEG_TTL;
    default:
        return DNSCACHE_FAIL_TTL;
    }
}

void dnscache_entry_fini(struct dnscache_entry *e)
{
    free(e->answer);
    e->answer = NULL;
    e->len = 0;
}

const char *dnscache_errmsg(struct dnscache *c)
{
    return sqlite3_errmsg(c->db);
}
