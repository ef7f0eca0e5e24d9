/* SPDX-License-Identifier: MIT */
/* test_advice - the reason vocabulary of the advice table
 * (reports/advice.c): every CSA reason of csa.h and the two DNA ones have
 * their own sentence, and exactly the CSA reasons a record can fix are
 * fixable; advice_name_key gives the bytes SQLite's rtrim(lower(x),'.')
 * does, for names made of every kind of byte. (The table itself:
 * tests/advice.test.sh.) */
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#include "advice.h"
#include "check.h"
#include "fmt.h"
#include "xorshift.h"

/* same_as_sqlite - advice_name_key of the n bytes at s equals what
 * SQLite's rtrim(lower(?),'.') makes of them as text. */
static bool same_as_sqlite(sqlite3 *db, sqlite3_stmt *q, const char *s, size_t n)
{
    struct fmt_buf b;
    fmt_buf_init(&b);
    advice_name_key(s, n, &b);
    sqlite3_reset(q);
    sqlite3_bind_text(q, 1, s, (int)n, SQLITE_STATIC);
    bool same = false;
    if (sqlite3_step(q) == SQLITE_ROW) {
        const void *want = sqlite3_column_blob(q, 0);
        size_t wn = (size_t)sqlite3_column_bytes(q, 0);
        same = wn == b.len && (wn == 0 || memcmp(want, b.p, wn) == 0);
    } else {
        fprintf(stderr, "sqlite: %s\n", sqlite3_errmsg(db));
    }
    fmt_buf_free(&b);
    return same;
}

/* name_keys - fixed names (upper case, UTF-8, dots anywhere, embedded NUL,
 * empty) and random ones over bytes that matter ('.', letters either
 * case, NUL, bytes >= 0x80) against SQLite. */
static void name_keys(void)
{
    sqlite3 *db;
    sqlite3_stmt *q;
    CHECK(sqlite3_open(":memory:", &db) == SQLITE_OK);
    CHECK(sqlite3_prepare_v2(db, "SELECT CAST(rtrim(lower(?1),'.') AS BLOB)", -1, &q, NULL) ==
          SQLITE_OK);
    static const char *const fixed[] = {
        "", ".", "...", "MX1.Example.ORG.", "mx1.example.org", "a..b..", ".a.",
        "\xc3\x89" "COLE.example.", "Z@[].", "mail.EXAMPLE.com...",
    };
    for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
        CHECK_MSG(same_as_sqlite(db, q, fixed[i], strlen(fixed[i])), "'%s'", fixed[i]);
    CHECK(same_as_sqlite(db, q, "A\0B.", 4));
    static const char bytes[] = "..aAzZ@[`{\0\x80\xc3\x89\xff-9";
    uint64_t rng = XORSHIFT_SEED;
    char s[24];
    for (int round = 0; round < 20000; round++) {
        size_t n = (size_t)xorshift_below(&rng, sizeof(s));
        for (size_t k = 0; k < n; k++)
            s[k] = bytes[xorshift_below(&rng, sizeof(bytes) - 1)];
        if (!same_as_sqlite(db, q, s, n)) {
            CHECK_MSG(false, "round %d: %zu bytes differ from SQLite's", round, n);
            break;
        }
    }
    sqlite3_finalize(q);
    sqlite3_close(db);
}

int main(void)
{
    static const char *const fixable[] = {
        "no-record", "not-authorized", "explicit-required", "no-addresses",
        "mismatch", "weight-3", "unusable-record", "srv-lookup-failed",
        "addr-lookup-failed",
    };
    static const char *const not_fixable[] = {
        "invalid-helo", "no-helo", "dna-not-recommended", "dna-defer",
        "authorized",
    };
    const char *generic = advice_explain("no-such-reason");
    for (size_t i = 0; i < sizeof(fixable) / sizeof(fixable[0]); i++) {
        CHECK_MSG(advice_fixable(fixable[i]), "%s", fixable[i]);
        CHECK_MSG(advice_explain(fixable[i]) != generic, "%s", fixable[i]);
    }
    for (size_t i = 0; i < sizeof(not_fixable) / sizeof(not_fixable[0]); i++) {
        CHECK_MSG(!advice_fixable(not_fixable[i]), "%s", not_fixable[i]);
        CHECK_MSG(advice_explain(not_fixable[i]) != generic, "%s", not_fixable[i]);
    }
    CHECK(!advice_fixable(NULL));
    CHECK(!advice_fixable("no-such-reason"));
    CHECK(advice_explain(NULL) == generic);
    CHECK(strstr(advice_explain("mismatch"),
                 "do not include the client address") != NULL);
    CHECK(strstr(advice_explain("not-authorized"), "not authorised") != NULL);
    CHECK(strstr(advice_explain("no-record"), "publishes no CSA record") != NULL);
    name_keys();
    return CHECK_DONE();
}
