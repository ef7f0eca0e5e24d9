/* SPDX-License-Identifier: MIT */
/* test_anon - the masking of --anonymize (reports/anon.c): addresses to
 * their /24 and /48, local parts, mailbox paths, and what must not change. */
#include <stdlib.h>
#include <string.h>

#include "anon.h"
#include "check.h"
#include "keymap.h"

struct tcase {
    const char *in;
    const char *want;
};

static const struct tcase text_cases[] = {
    /* IPv4: the /24, an existing prefix cut or kept */
    {"192.0.2.77", "192.0.2.0/24"},
    {"[192.0.2.77]", "[192.0.2.0/24]"},
    {"client 203.0.113.9 said", "client 203.0.113.0/24 said"},
    {"192.0.2.0/24", "192.0.2.0/24"},
    {"192.0.2.5/32", "192.0.2.0/24"},
    {"10.1.2.3/8", "10.1.2.0/8"},
    {"a 255.255.255.255.", "a 255.255.255.0/24."},
    /* not addresses */
    {"1.2.3.4.5", "1.2.3.4.5"},
    {"256.1.1.1", "256.1.1.1"},
    {"v1.2.3.4", "v1.2.3.4"},
    {"1.2.3", "1.2.3"},
    {"2026-11-01T10:00:00Z", "2026-11-01T10:00:00Z"},
    {"at 10:00:00 UTC", "at 10:00:00 UTC"},
    {"mail.example.com", "mail.example.com"},
    {"", ""},
    /* IPv6: the /48 */
    {"2001:db8:10:20::5", "2001:db8:10::/48"},
    {"[IPv6:2001:db8:1:2::1]", "[IPv6:2001:db8:1::/48]"},
    {"2001:db8:1:2::/64", "2001:db8:1::/48"},
    {"2001:db8:1::/32", "2001:db8::/32"},
    {"::1", "::/48"},
    {"::ffff:192.0.2.9", "192.0.2.0/24"},
    {"ends 2001:db8::1.", "ends 2001:db8::/48."},
    /* dashed addresses in host names */
    {"dsl-203-0-113-77.dyn.example.net", "dsl-x-x-x-x.dyn.example.net"},
    {"77-113-0-203.pool.example", "x-x-x-x.pool.example"},
    {"a-300-1-1-1.example", "a-300-1-1-1.example"},
    {"2026-11-01", "2026-11-01"},
    /* local parts */
    {"alice@example.org", "*@example.org"},
    {"<bob.smith+tag@example.org>", "<*@example.org>"},
    {"a@b", "*@b"},
    {"@example.org", "@example.org"},
    {"alice@", "alice@"},
    {NULL, NULL},
};

static const struct tcase path_cases[] = {
    {"/home/alice/Maildir/.Junk/cur/1700.M1.mx1:2,S",
     "/home/*/Maildir/.Junk/cur/1700.M1.mx1:2,S"},
    {"/var/mail/alice", "/var/mail/*"},
    {"/var/spool/mail/bob", "/var/spool/mail/*"},
    {"mail/alice/Junk.mbox", "mail/*/Junk.mbox"},
    {"sample-logs/mbox/inbox.mbox", "*/mbox/inbox.mbox"},
    {"archives/INBOX", "archives/INBOX"},
    {"alice.mbox", "*"},
    {NULL, NULL},
};

static void test_text(void)
{
    struct fmt_buf b;
    fmt_buf_init(&b);
    for (const struct tcase *t = text_cases; t->in != NULL; t++) {
        fmt_buf_reset(&b);
        anon_text(&b, t->in, strlen(t->in));
        CHECK_MSG(strcmp(fmt_buf_str(&b), t->want) == 0, "anon_text(%s): got [%s] want [%s]",
                  t->in, fmt_buf_str(&b), t->want);
    }
    /* bytes that are not text pass through, NUL included */
    fmt_buf_reset(&b);
    anon_text(&b, "a\0b\xff", 4);
    CHECK_INTEQ(b.len, 4);
    CHECK(memcmp(b.p, "a\0b\xff", 4) == 0);
    /* a long run of digits and colons is no address and no hang */
    char big[5000];
    for (size_t i = 0; i < sizeof(big); i++)
        big[i] = i % 2 ? ':' : '1';
    fmt_buf_reset(&b);
    anon_text(&b, big, sizeof(big));
    CHECK_INTEQ(b.len, sizeof(big));
    fmt_buf_free(&b);
}

static void test_paths(void)
{
    struct fmt_buf b;
    fmt_buf_init(&b);
    for (const struct tcase *t = path_cases; t->in != NULL; t++) {
        fmt_buf_reset(&b);
        anon_mailbox_path(&b, t->in, strlen(t->in));
        CHECK_MSG(strcmp(fmt_buf_str(&b), t->want) == 0,
                  "anon_mailbox_path(%s): got [%s] want [%s]", t->in, fmt_buf_str(&b),
                  t->want);
    }
    fmt_buf_free(&b);
}

/* anon_value: a mailbox source's path (alone or with :LINE) as a path,
 * a log's path unchanged, anything else as text */
static void test_value(void)
{
    struct anon a;
    keymap_init(&a.mailboxes);
    const char *mb = "/home/alice/mail/inbox";
    const char *md = "/home/alice/Maildir/cur/17.M1.mx1:2,S";
    keymap_intern(&a.mailboxes, mb, strlen(mb), NULL);
    keymap_intern(&a.mailboxes, md, strlen(md), NULL);
    static const struct tcase cases[] = {
        {"/home/alice/mail/inbox", "/home/*/mail/inbox"},
        {"/home/alice/mail/inbox:120", "/home/*/mail/inbox:120"},
        {"/home/alice/Maildir/cur/17.M1.mx1:2,S", "/home/*/Maildir/cur/17.M1.mx1:2,S"},
        {"/home/alice/Maildir/cur/17.M1.mx1:2,S:3", "/home/*/Maildir/cur/17.M1.mx1:2,S:3"},
        {"/var/log/alice/mail.log:12", "/var/log/alice/mail.log:12"},
        {"/home/alice/mail/inbox:x", "/home/alice/mail/inbox:x"},
        {"192.0.2.1", "192.0.2.0/24"},
        {NULL, NULL},
    };
    struct fmt_buf b;
    fmt_buf_init(&b);
    for (const struct tcase *t = cases; t->in != NULL; t++) {
        fmt_buf_reset(&b);
        anon_value(&a, &b, t->in, strlen(t->in));
        CHECK_MSG(strcmp(fmt_buf_str(&b), t->want) == 0, "anon_value(%s): got [%s] want [%s]",
                  t->in, fmt_buf_str(&b), t->want);
    }
    fmt_buf_free(&b);
    anon_close(&a);
}

int main(void)
{
    test_text();
    test_paths();
    test_value();
    return CHECK_DONE();
}
