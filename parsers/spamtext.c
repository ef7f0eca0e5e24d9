/* SPDX-License-Identifier: MIT */
/* spamtext - spam/ham words of rejections, headers and folders (see
 * spamtext.h). */
#include "spamtext.h"

#include <string.h>

#include "ascii.h"

/* ci_prefix - [p, p+len) starts with lit (lower case), case-insensitively. */
static bool ci_prefix(const char *p, size_t len, const char *lit)
{
    size_t i = 0;
    for (; lit[i] != '\0'; i++)
        if (i >= len || to_lower((unsigned char)p[i]) != lit[i])
            return false;
    return true;
}

/* ci_eq - [p, p+len) equals lit (lower case), case-insensitively. */
static bool ci_eq(const char *p, size_t len, const char *lit)
{
    size_t n = strlen(lit);
    if (len != n)
        return false;
    for (size_t i = 0; i < n; i++)
        if (to_lower((unsigned char)p[i]) != lit[i])
            return false;
    return true;
}

/* ci_word - [p, p+len) starts with lit (n bytes, lower case) as a whole
 * word: the next byte, if any, is not a letter or digit. */
static bool ci_word_n(const char *p, size_t len, const char *lit, size_t n)
{
    if (len < n)
        return false;
    for (size_t i = 0; i < n; i++)
        if (to_lower((unsigned char)p[i]) != lit[i])
            return false;
    return len == n || !is_alnum((unsigned char)p[n]);
}

/* ci_word - ci_word_n with a string literal (its length known when
 * compiled). */
#define ci_word(p, len, lit) ci_word_n((p), (len), (lit), sizeof(lit) - 1)

/* MARKS - the letters hv_reject_label's markers start with (b, d, l, r,
 * s), as bits 0..25 for 'a'..'z'. */
#define MARK(c) (1u << ((c) - 'a'))
#define MARKS (MARK('b') | MARK('d') | MARK('l') | MARK('r') | MARK('s'))

enum hv_label_from hv_reject_label(const char *text, size_t len)
{
    /* one pass: each byte is looked at once, the markers are tried only
     * where their first letter is (5xx rejections are common in a log) */
    bool spam = false;
    for (size_t i = 0; i < len; i++) {
        /* a letter in lower case ('A' | 0x20 == 'a'); any other byte lands
         * outside 'a'..'z' */
        unsigned c = (unsigned char)text[i] | 0x20u;
        if (c - 'a' > (unsigned)('z' - 'a') || (MARKS >> (c - 'a') & 1u) == 0)
            continue;
        const char *p = text + i;
        size_t n = len - i;
        switch (c) {
        case 'b':
            if (n >= 9 && to_lower((unsigned char)p[1]) == 'l' &&
                (ci_prefix(p, n, "blocked using") || ci_prefix(p, n, "black list") ||
                 ci_prefix(p, n, "blacklist") || ci_prefix(p, n, "block list") ||
                 ci_prefix(p, n, "blocklist")))
                return HV_LFROM_DNSBL;
            break;
        case 'l':
            if (ci_prefix(p, n, "listed ") &&
                (ci_prefix(p + 7, n - 7, "in") || ci_prefix(p + 7, n - 7, "at")))
                return HV_LFROM_DNSBL;
            break;
        case 's':
            if (ci_prefix(p, n, "spam")) {
                if (ci_prefix(p, n, "spamhaus"))
                    return HV_LFROM_DNSBL;
                spam = true;
            }
            break;
        case 'r':
        case 'd':
            /* the words rbl, dnsbl (and plurals), not "marbles" */
            if ((i == 0 || !is_alnum((unsigned char)p[-1])) &&
                (ci_word(p, n, "rbl") || ci_word(p, n, "rbls") || ci_word(p, n, "dnsbl") ||
                 ci_word(p, n, "dnsbls")))
                return HV_LFROM_DNSBL;
            break;
        default:
            break;
        }
    }
    return spam ? HV_LFROM_FILTER : HV_LFROM_NONE;
}

/* yes_no - spam for a leading word "yes", ham for "no", else none. */
static enum hv_label yes_no(const char *v, size_t n)
{
    if (ci_word(v, n, "yes"))
        return HV_LABEL_SPAM;
    if (ci_word(v, n, "no"))
        return HV_LABEL_HAM;
    return HV_LABEL_NONE;
}

/* scl - Exchange's spam confidence level: -1..4 ham, 5..9 spam. */
static enum hv_label scl(const char *v, size_t n)
{
    bool neg = n > 0 && v[0] == '-';
    size_t i = neg ? 1 : 0;
    if (i >= n || !is_digit((unsigned char)v[i]) ||
        (i + 1 < n && is_alnum((unsigned char)v[i + 1])))
        return HV_LABEL_NONE;
    int d = v[i] - '0';
    if (neg)
        return d == 1 ? HV_LABEL_HAM : HV_LABEL_NONE;
    return d >= 5 ? HV_LABEL_SPAM : HV_LABEL_HAM;
}

bool hv_spam_header(const char *name, size_t nlen, const char *value, size_t vlen,
                    enum hv_label *label)
{
    /* every known name starts "X-" and is at least "X-Spam" long */
    if (nlen < 6 || (name[0] != 'X' && name[0] != 'x') || name[1] != '-')
        return false;
    while (vlen > 0 && (value[0] == ' ' || value[0] == '\t'))
        value++, vlen--;
    while (vlen > 0 && (value[vlen - 1] == ' ' || value[vlen - 1] == '\t'))
        vlen--;
    if (ci_eq(name, nlen, "x-spam-flag") || ci_eq(name, nlen, "x-spam-status") ||
        ci_eq(name, nlen, "x-spam")) {
        *label = yes_no(value, vlen);
    } else if (ci_eq(name, nlen, "x-rspamd-action")) {
        if (ci_eq(value, vlen, "no action"))
            *label = HV_LABEL_HAM;
        else if (ci_eq(value, vlen, "reject") || ci_eq(value, vlen, "add header") ||
                 ci_eq(value, vlen, "rewrite subject"))
            *label = HV_LABEL_SPAM;
        else
            *label = HV_LABEL_NONE;
    } else if (ci_eq(name, nlen, "x-spamd-result")) {
        static const char lead[] = "default:";
        size_t k = sizeof(lead) - 1;
        *label = HV_LABEL_NONE;
        if (vlen >= k && ci_eq(value, k, lead)) {
            while (k < vlen && value[k] == ' ')
                k++;
            if (ci_word(value + k, vlen - k, "true"))
                *label = HV_LABEL_SPAM;
            else if (ci_word(value + k, vlen - k, "false"))
                *label = HV_LABEL_HAM;
        }
    } else if (ci_eq(name, nlen, "x-ms-exchange-organization-scl")) {
        *label = scl(value, vlen);
    } else {
        return false;
    }
    return true;
}

bool hv_spam_folder(const char *name, size_t len)
{
    static const char *const junk[] = {
        "junk", "spam", "junk e-mail", "junk email", "bulk", "bulk mail",
    };
    while (len > 0 && name[0] == '.')
        name++, len--;
    if (len > 6 && ci_eq(name, 6, "inbox."))
        name += 6, len -= 6;
    if (len > 5 && ci_eq(name + len - 5, 5, ".mbox"))
        len -= 5;
    else if (len > 4 && ci_eq(name + len - 4, 4, ".mbx"))
        len -= 4;
    for (size_t i = 0; i < sizeof(junk) / sizeof(junk[0]); i++)
        if (ci_eq(name, len, junk[i]))
            return true;
    return false;
}
