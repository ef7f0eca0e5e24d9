/* SPDX-License-Identifier: MIT */
/* test_evaluate - the input line parser of `heloval evaluate`
 * (analyzer/evaluate.c) on good lines and hostile bytes. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "evaluate.h"

/* parse - evaluate_parse over n bytes of s; the reason; ip/helo copied
 * out (hex-free, NUL-terminated) when set. */
static enum eval_bad parse(const char *s, size_t n, bool jsonl, char *ip, char *helo,
                           char *canon)
{
    struct eval_line l;
    enum eval_bad r = evaluate_parse(s, n, jsonl, &l);
    ip[0] = helo[0] = canon[0] = '\0';
    if (l.ip != NULL) {
        memcpy(ip, l.ip, l.ipn + 1);
        CHECK_INTEQ(strlen(l.ip), l.ipn);
    }
    if (l.helo != NULL) {
        memcpy(helo, l.helo, l.helon + 1);
        CHECK_INTEQ(strlen(l.helo), l.helon);
    }
    strcpy(canon, l.canon);
    evaluate_line_free(&l);
    CHECK(l.ip == NULL && l.helo == NULL);
    return r;
}

#define P(lit, j) parse(lit, sizeof(lit) - 1, j, ip, helo, canon)

int main(void)
{
    char ip[256], helo[256], canon[64];

    /* tsv */
    CHECK_INTEQ(P("192.0.2.1\tmail.example.com", false), EVAL_OK);
    CHECK_STREQ(ip, "192.0.2.1");
    CHECK_STREQ(helo, "mail.example.com");
    CHECK_STREQ(canon, "192.0.2.1");
    CHECK_INTEQ(P("2001:DB8::1\tx\r", false), EVAL_OK); /* CR dropped */
    CHECK_STREQ(ip, "2001:DB8::1");                     /* echoed as given */
    CHECK_STREQ(canon, "2001:db8::1");                  /* evaluated canonical */
    CHECK_STREQ(helo, "x");
    CHECK_INTEQ(P("192.0.2.1\t", false), EVAL_OK);
    CHECK_STREQ(helo, "");
    CHECK_INTEQ(P("192.0.2.1\ta\\tb\\nc\\rd\\\\e\\qf\\", false), EVAL_OK);
    CHECK_STREQ(helo, "a\tb\nc\rd\\e\\qf\\");
    CHECK_INTEQ(P("192.0.2.1\ta\\bb\\fc\\'d", false), EVAL_OK); /* ClickHouse's */
    CHECK_STREQ(helo, "a\bb\fc'd");
    CHECK_INTEQ(P("192.0.2.1\ta\\0b", false), EVAL_NUL);
    CHECK_INTEQ(P("192.0.2.1", false), EVAL_FIELDS);
    CHECK_INTEQ(P("", false), EVAL_FIELDS);
    CHECK_INTEQ(P("1.2.3.4\ta\tb", false), EVAL_FIELDS);
    CHECK_INTEQ(P("1.2.3.4\x00\tb", false), EVAL_NUL);
    CHECK_INTEQ(P("1.2.3.4\tb\x00", false), EVAL_NUL);
    CHECK_INTEQ(P("1.2.3.256\th", false), EVAL_IP);
    CHECK_STREQ(ip, "1.2.3.256"); /* echoed */
    CHECK_STREQ(helo, "h");
    CHECK_INTEQ(P("\xff\xfe\th", false), EVAL_IP);
    CHECK_INTEQ(P(" 1.2.3.4\th", false), EVAL_IP);
    CHECK_INTEQ(P("\t\xc3\x28", false), EVAL_IP);

    /* jsonl */
    CHECK_INTEQ(P("{\"ip\": \"192.0.2.1\", \"helo\": \"mail.example.com\"}", true), EVAL_OK);
    CHECK_STREQ(helo, "mail.example.com");
    CHECK_INTEQ(P(" { \"helo\" : \"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\" , \"ip\":\"::1\" } ", true),
                EVAL_OK);
    CHECK_STREQ(helo, "a\"b\\c/d\b\f\n\r\t");
    CHECK_STREQ(canon, "::1");
    CHECK_INTEQ(P("{\"ip\": \"::1\", \"helo\": \"\\u00e9\\u00FF\\u0041\\u00e9x\"}", true), EVAL_OK);
    CHECK_STREQ(helo, "\xe9\xff" "A\xe9x"); /* \u0080..\u00ff: one byte */
    CHECK_INTEQ(P("{\"ip\": \"::1\", \"helo\": \"\\u2028\\ud83d\\ude00\\u07ff\"}", true), EVAL_OK);
    CHECK_STREQ(helo, "\xe2\x80\xa8\xf0\x9f\x98\x80\xdf\xbf");
    CHECK_INTEQ(P("{\"ip\": \"::1\", \"helo\": null, \"n\": -1.5e3, \"b\": false}", true), EVAL_OK);
    CHECK_STREQ(helo, "");
    CHECK_INTEQ(P("{\"ip\": \"::1\", \"helo\": \"\\u0000\"}", true), EVAL_NUL);
    CHECK_INTEQ(P("{\"ip\": \"::1\", \"helo\": \"a\x00\"}", true), EVAL_NUL);
    static const char *const bad[] = {
        "", "[]", "{", "}", "{}", "{\"ip\": \"::1\"}", "{\"helo\": \"x\"}",
        "{\"ip\": \"::1\", \"helo\": \"x\"", "{\"ip\": \"::1\", \"helo\": \"x\"} x",
        "{\"ip\": \"::1\", \"helo\": \"x\",}", "{\"ip\": \"::1\" \"helo\": \"x\"}",
        "{\"ip\": \"::1\", \"helo\": \"x\", \"ip\": \"::2\"}",
        "{\"ip\": null, \"helo\": \"x\"}", "{\"ip\": 5, \"helo\": \"x\"}",
        "{\"ip\": \"::1\", \"helo\": true}", "{\"ip\": \"::1\", \"helo\": [\"x\"]}",
        "{\"ip\": \"::1\", \"helo\": {}}", "{\"ip\": \"::1\", \"helo\": \"\\ud800\"}",
        "{\"ip\": \"::1\", \"helo\": \"\\udc00\"}", "{\"ip\": \"::1\", \"helo\": \"\\ud800\\u0041\"}",
        "{\"ip\": \"::1\", \"helo\": \"\\u12\"}", "{\"ip\": \"::1\", \"helo\": \"\\x\"}",
        "{\"ip\": \"::1\", \"helo\": \"a\tb\"}", "{\"ip\": \"::1\", \"helo\": \"\\",
        "{\"ip\": \"::1\", \"helo\": \"x\", \"z\": nul}", "{\"ip\": \"::1\", \"helo\": \"x\", \"z\": -}",
        "{ip: \"::1\", \"helo\": \"x\"}", "\"ip\"", "{\"ip\": \"::1\", \"helo\": \"x\"}}",
        NULL};
    for (size_t i = 0; bad[i] != NULL; i++)
        CHECK_MSG(parse(bad[i], strlen(bad[i]), true, ip, helo, canon) == EVAL_JSON,
                  "bad json %zu: %s", i, bad[i]);
    CHECK_INTEQ(P("{\"ip\": \"1.2.3\", \"helo\": \"x\"}", true), EVAL_IP);
    CHECK_STREQ(ip, "1.2.3");

    /* lengths */
    size_t big = EVAL_MAX_LINE + 1;
    char *line = malloc(big);
    memset(line, 'a', big);
    memcpy(line, "1.2.3.4\t", 8);
    CHECK_INTEQ(parse(line, big, false, ip, helo, canon) == EVAL_LONG, 1);
    struct eval_line l;
    CHECK_INTEQ(evaluate_parse(line, EVAL_MAX_LINE, false, &l), EVAL_OK);
    CHECK_INTEQ(l.helon, EVAL_MAX_LINE - 8);
    evaluate_line_free(&l);

    /* every byte pair after a valid prefix: no crash, a defined reason */
    for (int a = 0; a < 256; a++)
        for (int b = 0; b < 256; b++) {
            char s[] = {'{', '"', 'i', 'p', '"', ':', '"', (char)a, (char)b, '"', '}'};
            enum eval_bad r = evaluate_parse(s, sizeof(s), true, &l);
            CHECK_MSG(r == EVAL_JSON || r == EVAL_NUL || r == EVAL_IP, "%d %d: %d", a, b, (int)r);
            evaluate_line_free(&l);
            char t[] = {(char)a, '\t', (char)b};
            r = evaluate_parse(t, sizeof(t), false, &l);
            CHECK_MSG(r == EVAL_IP || r == EVAL_NUL || r == EVAL_FIELDS, "%d %d: %d", a, b,
                      (int)r);
            evaluate_line_free(&l);
        }
    free(line);

    CHECK_STREQ(evaluate_bad_name(EVAL_FIELDS), "not-two-fields");
    CHECK_STREQ(evaluate_bad_name(EVAL_OK), "");
    CHECK_STREQ(evaluate_bad_name(EVAL_NREASONS), "");
    return CHECK_DONE();
}
