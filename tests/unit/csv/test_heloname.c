/* SPDX-License-Identifier: MIT */
/*
 * test_heloname - HELO classes, the "may be queried" rule, normalised and
 * reverse-tree names, and the hv_helo_class() SQL function on a real
 * SQLite database.
 */
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "csvsql.h"
#include "heloname.h"

static const struct {
    const char *helo;
    enum helo_class cls;
} classes[] = {
    { "mail.example.com", HELO_FQDN },
    { "MAIL.Example.COM.", HELO_FQDN },
    { "a.b", HELO_FQDN },
    { "_x-1.b_2.example", HELO_FQDN },
    { "1.2.3", HELO_FQDN },
    { "-lead.example", HELO_FQDN },
    { "[192.0.2.1]", HELO_ADDRESS_LITERAL },
    { "[IPv6:2001:db8::1]", HELO_ADDRESS_LITERAL },
    { "[ipv6:2001:DB8::1]", HELO_ADDRESS_LITERAL },
    { "[2001:db8::1]", HELO_ADDRESS_LITERAL },
    { "[IPv6:::ffff:192.0.2.1]", HELO_ADDRESS_LITERAL },
    { "[IPv4:192.0.2.1]", HELO_ADDRESS_LITERAL },
    { "[ipv4:192.0.2.1]", HELO_ADDRESS_LITERAL },
    { "192.0.2.1", HELO_BARE_IP },
    { "192.0.2.1.", HELO_BARE_IP },
    { "2001:db8::1", HELO_BARE_IP },
    { "::1", HELO_BARE_IP },
    { "localhost", HELO_BARE_NAME },
    { "WIN-3RT9Q7A0D1K", HELO_BARE_NAME },
    { "localhost.", HELO_BARE_NAME },
    { "a..b", HELO_INVALID },
    { ".a.b", HELO_INVALID },
    { "a.b..", HELO_INVALID },
    { ".", HELO_INVALID },
    { "mail example.com", HELO_INVALID },
    { "mail.example.com\r", HELO_INVALID },
    { "<script>x</script>.example", HELO_INVALID },
    { "\"quoted\".example", HELO_INVALID },
    { "=cmd|' /C calc'!A0", HELO_INVALID },
    { "\x1b[31mred.example", HELO_INVALID },
    { "m\xc3\xa4il.example", HELO_INVALID },
    { "[192.0.2.1", HELO_INVALID },
    { "[192.0.2.256]", HELO_INVALID },
    { "[IPv6:192.0.2.1]", HELO_INVALID },
    { "[IPv4:2001:db8::1]", HELO_INVALID },
    { "[IPv4:]", HELO_INVALID },
    { "[]", HELO_INVALID },
    { "[mail.example.com]", HELO_INVALID },
    { "192.0.2.1:25", HELO_INVALID },
    { "", HELO_NONE },
    { NULL, HELO_NONE },
};

static void test_classes(void)
{
    char l63[64], l64[65], name[400];

    for (size_t i = 0; i < sizeof(classes) / sizeof(classes[0]); i++)
        CHECK_MSG(helo_classify(classes[i].helo) == classes[i].cls,
                  "%s: got %s", classes[i].helo ? classes[i].helo : "(null)",
                  helo_class_name(helo_classify(classes[i].helo)));

    /* label and total lengths */
    memset(l63, 'a', 63);
    l63[63] = '\0';
    memset(l64, 'a', 64);
    l64[64] = '\0';
    snprintf(name, sizeof(name), "%s.example", l63);
    CHECK_INTEQ(helo_classify(name), HELO_FQDN);
    snprintf(name, sizeof(name), "%s.example", l64);
    CHECK_INTEQ(helo_classify(name), HELO_INVALID);
    /* 63+1+63+1+63+1+61 = 253 */
    snprintf(name, sizeof(name), "%s.%s.%s.%.61s", l63, l63, l63, l63);
    CHECK_INTEQ(strlen(name), 253);
    CHECK_INTEQ(helo_classify(name), HELO_FQDN);
    name[253] = '.'; /* a trailing dot is allowed on top */
    name[254] = '\0';
    CHECK_INTEQ(helo_classify(name), HELO_FQDN);
    snprintf(name, sizeof(name), "%s.%s.%s.%.62s", l63, l63, l63, l63);
    CHECK_INTEQ(helo_classify(name), HELO_INVALID);

    CHECK(helo_name_valid("a.b", 3));
    CHECK(helo_name_valid("a.b.c", 3)); /* only the first 3 bytes */
    CHECK(!helo_name_valid("a.b", 1));
    CHECK(!helo_name_valid("localhost", 9));
    CHECK(!helo_name_valid("a.b\0c", 5));
    CHECK(!helo_name_valid(NULL, 0));

    CHECK_STREQ(helo_class_name(HELO_FQDN), "fqdn");
    CHECK_STREQ(helo_class_name(HELO_ADDRESS_LITERAL), "address-literal");
    CHECK_STREQ(helo_class_name(HELO_BARE_IP), "bare-ip");
    CHECK_STREQ(helo_class_name(HELO_BARE_NAME), "bare-name");
    CHECK_STREQ(helo_class_name(HELO_INVALID), "invalid");
    CHECK_STREQ(helo_class_name(HELO_NONE), "none");
}

static void test_names(void)
{
    char out[HELO_NAME_MAX];
    char small[8];
    struct hv_addr a;

    CHECK(helo_norm_name("MAIL.Example.COM.", out, sizeof(out)));
    CHECK_STREQ(out, "mail.example.com");
    CHECK(!helo_norm_name("localhost", out, sizeof(out)));
    CHECK_STREQ(out, "");
    CHECK(!helo_norm_name("[192.0.2.1]", out, sizeof(out)));
    CHECK(!helo_norm_name("mail.example.com", small, sizeof(small)));
    CHECK_STREQ(small, "");

    CHECK(helo_reverse_name("[192.0.2.1]", out, sizeof(out)));
    CHECK_STREQ(out, "1.2.0.192.in-addr.arpa");
    CHECK(helo_reverse_name("10.9.8.7", out, sizeof(out)));
    CHECK_STREQ(out, "7.8.9.10.in-addr.arpa");
    CHECK(helo_reverse_name("192.0.2.95.", out, sizeof(out)));
    CHECK_STREQ(out, "95.2.0.192.in-addr.arpa");
    CHECK(helo_reverse_name("[IPv6:2001:db8::1]", out, sizeof(out)));
    CHECK_STREQ(out, "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0."
                     "1.0.0.2.ip6.arpa");
    CHECK(helo_reverse_name("2001:DB8:abcd::12", out, sizeof(out)));
    CHECK_STREQ(out, "2.1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.d.c.b.a.8.b.d.0."
                     "1.0.0.2.ip6.arpa");
    CHECK(!helo_reverse_name("mail.example.com", out, sizeof(out)));
    CHECK_STREQ(out, "");
    CHECK(!helo_reverse_name("[IPv6:2001:db8::1]", small, sizeof(small)));
    CHECK_STREQ(small, "");

    CHECK(helo_literal_addr("[192.0.2.1]", &a));
    CHECK_INTEQ(a.family, 4);
    CHECK_INTEQ(a.b[3], 1);
    CHECK(helo_literal_addr("[IPv6:2001:db8::1]", &a));
    CHECK_INTEQ(a.family, 6);
    CHECK(!helo_literal_addr("localhost", &a));
    CHECK(helo_reverse_name("[IPv4:192.0.2.1]", out, sizeof(out)));
    CHECK_STREQ(out, "1.2.0.192.in-addr.arpa");
}

/* test_overlong - names invalid only by their length (issue 11). */
static void test_overlong(void)
{
    char helo[1200], out[HELO_LONG_MAX];
    char small[8];

    memset(helo, 'A', 64);
    strcpy(helo + 64, ".Example.COM.");
    CHECK_INTEQ(helo_classify(helo), HELO_INVALID);
    CHECK(helo_overlong_name(helo, out, sizeof(out)));
    CHECK_INTEQ((int)strlen(out), 64 + 12);
    CHECK(out[0] == 'a');
    CHECK_STREQ(out + 64, ".example.com");
    CHECK(!helo_overlong_name(helo, small, sizeof(small)));
    CHECK_STREQ(small, "");
    /* 260 bytes of labels under 64 */
    for (int i = 0; i < 260; i++)
        helo[i] = i % 50 == 49 ? '.' : 'x';
    strcpy(helo + 260, ".com");
    CHECK(helo_overlong_name(helo, out, sizeof(out)));
    /* not names: a queryable name, junk, one label, empty labels, huge */
    CHECK(!helo_overlong_name("mail.example.com", out, sizeof(out)));
    CHECK_STREQ(out, "");
    memset(helo, 'a', 70);
    helo[70] = '\0';
    CHECK(!helo_overlong_name(helo, out, sizeof(out)));
    strcpy(helo + 70, "..com");
    CHECK(!helo_overlong_name(helo, out, sizeof(out)));
    CHECK_STREQ(out, "");
    strcpy(helo + 70, ".c m");
    CHECK(!helo_overlong_name(helo, out, sizeof(out)));
    CHECK_STREQ(out, "");
    memset(helo, 'a', 1100);
    strcpy(helo + 1100, ".com");
    CHECK(!helo_overlong_name(helo, out, sizeof(out)));
    CHECK(!helo_overlong_name(NULL, out, sizeof(out)));
}

static void test_sql(void)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    static const char *const want[] = { "fqdn", "address-literal", "bare-ip",
                                        "bare-name", "invalid", "none",
                                        "invalid" };
    int i = 0;

    CHECK_INTEQ(sqlite3_open(":memory:", &db), SQLITE_OK);
    heloname_register_sql(db);
    CHECK_INTEQ(sqlite3_exec(db,
                             "CREATE TABLE h(id INTEGER PRIMARY KEY, helo);"
                             "INSERT INTO h(helo) VALUES('mail.example.com'),"
                             "('[192.0.2.1]'),('192.0.2.1'),('localhost'),"
                             "('a..b'),(NULL),(CAST(x'612e620063' AS TEXT));",
                             NULL, NULL, NULL),
                SQLITE_OK);
    CHECK_INTEQ(sqlite3_prepare_v2(db,
                                   "SELECT hv_helo_class(helo) FROM h "
                                   "ORDER BY id",
                                   -1, &st, NULL),
                SQLITE_OK);
    while (st != NULL && sqlite3_step(st) == SQLITE_ROW && i < 7) {
        CHECK_STREQ((const char *)sqlite3_column_text(st, 0), want[i]);
        i++;
    }
    CHECK_INTEQ(i, 7);
    sqlite3_finalize(st);
    /* deterministic: usable in an index expression */
    CHECK_INTEQ(sqlite3_exec(db, "CREATE INDEX hc ON h(hv_helo_class(helo))",
                             NULL, NULL, NULL),
                SQLITE_OK);
    sqlite3_close(db);
}

int main(void)
{
    test_classes();
    test_names();
    test_overlong();
    test_sql();
    return CHECK_DONE();
}
