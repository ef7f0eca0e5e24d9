/* SPDX-License-Identifier: MIT */
/*
 * exim - the Exim main log parser. See exim.h for the contract. Line
 * shapes follow Exim's own log formats (src/src/host.c sender_fullhost,
 * receive.c add_host_info_for_log, smtp_in.c, acl.c) and the corpus in
 * ../shared/corpus/README.md. Hand scanning only: every line is looked at a
 * few times by memchr/memcmp, nothing allocated.
 */
#include "exim.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "ascii.h"
#include "spamtext.h"
#include "syslog.h"
#include "textscan.h"
#include "tstamp.h"

/* ==== Small scanning helpers ==== */


/* starts - p[0..len) begins with the literal. */
static bool starts(const char *p, size_t len, const char *lit, size_t n)
{
    return len >= n && memcmp(p, lit, n) == 0;
}
#define STARTS(p, len, lit) starts((p), (len), (lit), sizeof(lit) - 1)

/* LEN - the length of a string literal, without its NUL. */
#define LEN(lit) (sizeof(lit) - 1)

/* ==== Exim host fields ==== */

bool hv_exim_host_parse(const char *p, size_t len, struct hv_exim_host *h)
{
    for (size_t i = 0; i < len; i++) {
        const char *lb = hv_find_near(p + i, len - i, '[');
        if (lb == NULL)
            return false;
        i = (size_t)(lb - p);
        if (i > 0 && p[i - 1] != ' ')
            continue;
        const char *rb = hv_find_near(p + i, len - i, ']');
        if (rb == NULL)
            return false;
        size_t j = (size_t)(rb - p);
        if (!hv_smap_addr_parse(p + i + 1, j - i - 1, &h->addr))
            continue;
        size_t k = j + 1;
        uint32_t port = 0;
        if (k < len && p[k] == ':' && k + 1 < len && p[k + 1] != ' ') {
            size_t d = k + 1;
            while (d < len && is_digit(p[d]) && port < 100000)
                port = port * 10 + (uint32_t)(p[d++] - '0');
            if (d == k + 1 || port > 65535) {
                /* ":PORT_D" (test-suite placeholder) or junk: no port */
                port = 0;
                while (d < len && p[d] != ' ')
                    d++;
            }
            k = d;
        }
        if (k < len && p[k] != ' ' && p[k] != ':' && p[k] != ',' &&
            p[k] != ')')
            continue;
        /* what precedes " [ip]" must be one of the four shapes */
        size_t sl = i > 0 ? i - 1 : 0;
        h->name = h->helo = NULL;
        h->name_len = h->helo_len = 0;
        if (sl > 0) {
            if (p[0] == '(') {
                if (sl < 2 || p[sl - 1] != ')')
                    continue;
                h->helo = p + 1;
                h->helo_len = sl - 2;
            } else {
                const char *sp = memchr(p, ' ', sl);
                if (sp == NULL) {
                    h->name = p;
                    h->name_len = sl;
                } else {
                    size_t n = (size_t)(sp - p);
                    if (n + 2 >= sl || p[n + 1] != '(' || p[sl - 1] != ')')
                        continue;
                    h->name = p;
                    h->name_len = n;
                    h->helo = p + n + 2;
                    h->helo_len = sl - n - 3;
                }
            }
        }
        h->port = port;
        h->end = k;
        h->addr_text = p + i + 1;
        h->addr_len = j - i - 1;
        return true;
    }
    return false;
}

#if defined(__SSE2__)
/* b62_mask - bit i set when p[i] (i < 16, all 16 bytes readable) is a
 * base-62 character: a digit, or a letter once 0x20 is or'ed in (bytes
 * from 0x80 are negative as signed and fall outside both ranges). */
static unsigned b62_mask(const char *p)
{
    __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
    __m128i lo = _mm_or_si128(v, _mm_set1_epi8(0x20));
    __m128i alpha = _mm_and_si128(_mm_cmpgt_epi8(lo, _mm_set1_epi8('a' - 1)),
                                  _mm_cmpgt_epi8(_mm_set1_epi8('z' + 1), lo));
    __m128i digit = _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8('0' - 1)),
                                  _mm_cmpgt_epi8(_mm_set1_epi8('9' + 1), v));
    return (unsigned)_mm_movemask_epi8(_mm_or_si128(alpha, digit));
}

/* msgid_runs - the runs of an id at p (6-6-2 when mid is 6, else 6-11-4;
 * p holds at least 17 or 24 bytes) are all base 62. */
static bool msgid_runs(const char *p, size_t mid)
{
    if (mid == 6)   /* bytes 0-5, 7-12, 14-15 */
        return (b62_mask(p) & 0xDFBFu) == 0xDFBFu;
    /* bytes 0-5, 7-15; then (bit k is byte 8 + k) 16-17, 19-22 */
    return (b62_mask(p) & 0xFFBFu) == 0xFFBFu &&
           (b62_mask(p + 8) & 0x7B00u) == 0x7B00u;
}
#else
/* is_b62 - a base-62 character of an Exim message id. */
static bool is_b62(char c)
{
    return is_alnum((unsigned char)c);
}

/* msgid_runs - the runs of an id at p (6-6-2 when mid is 6, else 6-11-4)
 * are all base 62. */
static bool msgid_runs(const char *p, size_t mid)
{
    size_t last = mid == 6 ? 2 : 4;
    for (size_t i = 0; i < 6; i++)
        if (!is_b62(p[i]))
            return false;
    for (size_t i = 0; i < mid; i++)
        if (!is_b62(p[7 + i]))
            return false;
    for (size_t i = 0; i < last; i++)
        if (!is_b62(p[mid + 8 + i]))
            return false;
    return true;
}
#endif

size_t hv_exim_msgid_len(const char *p, size_t len)
{
    if (len >= 17 && p[6] == '-' && p[13] == '-' && p[16] == ' ')
        return msgid_runs(p, 6) ? 16 : 0;
    if (len >= 24 && p[6] == '-' && p[18] == '-' && p[23] == ' ')
        return msgid_runs(p, 11) ? 23 : 0;
    return 0;
}

/* ==== Line classification ==== */

/* What one line says about a client. */
struct hit {
    struct hv_exim_host h;
    const char *helo;        /* HELO to record (host field or argument) */
    size_t helo_len;
    const char *rdns;        /* verified name to record */
    size_t rdns_len;
    const char *qid;         /* message id of an arrival */
    size_t qid_len;
    unsigned messages;
    unsigned r5, r4;
    bool lost, complete, start;
    bool helo_given;         /* the session got past HELO (MAIL and later) */
    enum hv_label_from label; /* a spam label the line gives, else NONE */
};

/* mail_stage - the text after an ACL line's host field shows a MAIL
 * transaction (a sender "F=<...>", a RCPT or DATA-stage rejection, a
 * local_scan() verdict): since Exim 4.95 (hosts_require_helo = *, the
 * default) MAIL is refused before HELO/EHLO, so a HELO was given. */
static bool mail_stage(const char *t, size_t n)
{
    return FIND(t, n, "F=<") != NULL || FIND(t, n, "rejected RCPT") != NULL ||
           FIND(t, n, "rejected MAIL") != NULL ||
           FIND(t, n, "after DATA") != NULL ||
           FIND(t, n, "rejected by local_scan") != NULL ||
           FIND(t, n, "sender verify") != NULL;
}

/* commands_show_helo - a "C=EHLO,MAIL,QUIT" command list (log_selector
 * +smtp_no_mail) after the host field names HELO or EHLO. */
static bool commands_show_helo(const char *t, size_t n)
{
    const char *c = FIND(t, n, " C=");
    if (c == NULL)
        return false;
    const char *e = c + 3;
    const char *end = t + n;
    while (e < end && *e != ' ')
        e++;
    size_t cl = (size_t)(e - c);
    return hv_find(c, cl, "HELO", 4) != NULL || hv_find(c, cl, "EHLO", 4) != NULL;
}

/* host_at - parse a host field at b+off, after an optional "H=". */
static bool host_at(const char *b, size_t bn, size_t off, struct hit *x)
{
    if (off > bn)
        return false;
    if (STARTS(b + off, bn - off, "H="))
        off += LEN("H=");
    if (!hv_exim_host_parse(b + off, bn - off, &x->h))
        return false;
    x->h.end += off;
    return true;
}

/* host_token - parse the host field after the " H=" at c (a pointer into
 * b); the field must end the line or be followed by a space or ':'. */
static bool host_token(const char *b, size_t bn, const char *c, struct hit *x)
{
    size_t off = (size_t)(c - b) + LEN(" H=");
    if (!host_at(b, bn, off, x))
        return false;
    return true;
}

/* last_host - the last " H=" after b+from whose host field
 * parses: for lines where client text comes before Exim's own field
 * ("SMTP protocol error in "AUTH x H=(evil) [8.8.8.8]" H=(real) [ip] ...").
 * The field must be followed by the end, a space or ':'; a forged field
 * that ends in the closing quote of the logged command is refused. */
static bool last_host(const char *b, size_t bn, size_t from, struct hit *x)
{
    size_t lim = bn;
    while (lim > from) {
        const char *c = hv_rfind(b + from, lim - from, " H=", 3);
        if (c == NULL)
            return false;
        if (host_token(b, bn, c, x)) {
            size_t e = x->h.end;
            if (e == bn || b[e] == ' ' || b[e] == ':')
                return true;
        }
        lim = (size_t)(c - b);
    }
    return false;
}

/* inbound_after - the text after the host field starts with an inbound token:
 * a KEY= field (I= U= F= P= X= CV= SNI= Ci=...), or one of the ACL verbs.
 * Delivery errors ("H=mx [ip]: SMTP error", "H=mx [ip] Connection refused")
 * fail this test. */
static bool inbound_after(const char *b, size_t bn, size_t e)
{
    if (e >= bn)
        return true;
    if (b[e] != ' ')
        return false;
    const char *t = b + e + 1;
    size_t n = bn - e - 1;
    size_t k = 0;
    while (k < n && is_alpha(t[k]))
        k++;
    if (k > 0 && k < n && t[k] == '=')
        return true;
    return STARTS(t, n, "rejected") || STARTS(t, n, "temporarily rejected") ||
           STARTS(t, n, "sender verify") || STARTS(t, n, "Warning:") ||
           STARTS(t, n, "dropped by") || STARTS(t, n, "RCPT ") ||
           STARTS(t, n, "DS ") || STARTS(t, n, "TFO") ||
           STARTS(t, n, "F=") || STARTS(t, n, "discarded");
}

/* acl_verdict - 4xx/5xx/end from the text after an ACL line's host field. */
static void acl_verdict(const char *t, size_t n, struct hit *x)
{
    const char *r = FIND(t, n, "rejected");
    const char *tr = FIND(t, n, "temporarily rejected");
    if (tr != NULL && (r == NULL || tr + LEN("temporarily ") <= r))
        x->r4++;
    else if (r != NULL)
        x->r5++;
    else if (FIND(t, n, "dropped by") != NULL)
        x->r5++;
    if (FIND(t, n, "rejected connection") != NULL ||
        FIND(t, n, "dropped by") != NULL)
        x->complete = true;
}

/* acl_label - the spam label of an ACL line's 5xx rejection (x->r5, text t
 * after the host field; spamtext.h): DNSBL when the text from "rejected"
 * on cites a block list, FILTER when a DATA-stage or local_scan()
 * rejection says spam; nothing for a 4xx. */
static void acl_label(const char *t, size_t n, struct hit *x)
{
    const char *r = FIND(t, n, "rejected");
    if (x->r5 == 0 || x->r4 != 0 || r == NULL)
        return;
    size_t rn = n - (size_t)(r - t);
    enum hv_label_from l = hv_reject_label(r, rn);
    if (l == HV_LFROM_DNSBL)
        x->label = l;
    else if (l == HV_LFROM_FILTER && (STARTS(r, rn, "rejected after DATA") ||
                                      STARTS(r, rn, "rejected by local_scan")))
        x->label = l;
}

/* reply_code - the first " 4xx"/" 5xx" reply after ": " in t: counts it. */
static void reply_code(const char *t, size_t n, struct hit *x)
{
    const char *c = FIND(t, n, ": ");
    if (c == NULL || (size_t)(c - t) + LEN(": 5xx") > n)
        return;
    if ((c[2] == '4' || c[2] == '5') && is_digit(c[3]) && is_digit(c[4])) {
        if (c[2] == '4')
            x->r4++;
        else
            x->r5++;
    }
}

/* ==== Line kinds ====
 *
 * One function per kind of log line that can name an SMTP client. Each
 * looks at one Exim message body (after stamp, [pid] and message id) and
 * answers NOT_MINE (another kind may take the line), NO_CLIENT (this kind,
 * but no client to record) or CLIENT (x filled). Offsets into the line are
 * the lengths of the literals they skip (LEN), never bare numbers. */

/* PAST - the offset in b just past the literal lit found at c (c points
 * into b). */
#define PAST(b, c, lit) ((size_t)((c) - (b)) + LEN(lit))

enum kind_verdict { NOT_MINE, NO_CLIENT, CLIENT };

/* One body to classify. */
struct body {
    const char *b;           /* the text after stamp, [pid] and message id */
    size_t bn;
    const char *msgid;       /* the message id, or NULL */
    size_t mlen;
};

/* found - CLIENT when the host field parsed, NO_CLIENT otherwise. */
static enum kind_verdict found(bool ok)
{
    return ok ? CLIENT : NO_CLIENT;
}

/* kind_outbound - "=> ", "-> ", ">> ", "*> ", "** ", "== " (Exim is the
 * client) and "Completed": never a session. */
static enum kind_verdict kind_outbound(const struct body *l, struct hit *x)
{
    const char *b = l->b;
    size_t bn = l->bn;
    (void)x;
    if (bn >= 3 && b[2] == ' ' &&
        (STARTS(b, bn, "=> ") || STARTS(b, bn, "-> ") || STARTS(b, bn, ">> ") ||
         STARTS(b, bn, "*> ") || STARTS(b, bn, "** ") || STARTS(b, bn, "== ")))
        return NO_CLIENT;
    return STARTS(b, bn, "Completed") ? NO_CLIENT : NOT_MINE;
}

/* kind_arrival - "<= sender [R=id] [DS] H=host ..." (receive.c); "(= " the
 * same for a message Exim has seen before. */
static enum kind_verdict kind_arrival(const struct body *l, struct hit *x)
{
    const char *b = l->b;
    size_t bn = l->bn;
    if (!STARTS(b, bn, "<= ") && !STARTS(b, bn, "(= "))
        return NOT_MINE;
    if (l->msgid == NULL)
        return NO_CLIENT;
    size_t i = LEN("<= ");
    if (i < bn && b[i] == '"') {
        i++;
        while (i < bn && b[i] != '"') {
            if (b[i] == '\\' && i + 1 < bn)
                i++;
            i++;
        }
    }
    while (i < bn && b[i] != ' ')
        i++;
    if (STARTS(b + i, bn - i, " R=")) {
        i += LEN(" R=");
        while (i < bn && b[i] != ' ')
            i++;
    }
    if (STARTS(b + i, bn - i, " DS"))
        i += LEN(" DS");
    if (!STARTS(b + i, bn - i, " H=") || !host_at(b, bn, i + LEN(" "), x))
        return NO_CLIENT;
    x->messages = 1;
    x->qid = l->msgid;
    x->qid_len = l->mlen;
    /* an SMTP arrival (any P= protocol) went through HELO/EHLO */
    x->helo_given = FIND(b + x->h.end, bn - x->h.end, " P=") != NULL;
    return CLIENT;
}

/* kind_acl - ACL lines: the host field starts the body ("H=... rejected
 * RCPT", "DS H=...", "F=<s> H=... P=esmtp rejected by local_scan()"). */
static enum kind_verdict kind_acl(const struct body *l, struct hit *x)
{
    const char *b = l->b;
    size_t bn = l->bn;
    size_t off = 0;
    if (STARTS(b, bn, "DS H="))
        off = LEN("DS ");
    else if (STARTS(b, bn, "F=")) {
        while (off < bn && b[off] != ' ')
            off++;
        if (off < bn)
            off++;
    }
    if (!STARTS(b + off, bn - off, "H="))
        return NOT_MINE;
    if (!host_at(b, bn, off, x) || !inbound_after(b, bn, x->h.end))
        return NO_CLIENT;
    acl_verdict(b + x->h.end, bn - x->h.end, x);
    acl_label(b + x->h.end, bn - x->h.end, x);
    x->helo_given = (off > 0 && b[0] == 'F') ||
                    mail_stage(b + x->h.end, bn - x->h.end);
    return CLIENT;
}

/* kind_sync_error - "SMTP protocol synchronization error (...): rejected
 * connection from H=[ip] input="..."" or "...: rejected "CMD" H=host next
 * input="..."". The client's text follows (and in the second form also
 * precedes) Exim's field: take the field right after "connection from ",
 * else the last one before the last " next input=". */
static enum kind_verdict kind_sync_error(const struct body *l, struct hit *x)
{
    const char *b = l->b;
    size_t bn = l->bn;
    if (!STARTS(b, bn, "SMTP protocol synchronization error"))
        return NOT_MINE;
    const char *c = FIND(b, bn, "): rejected connection from ");
    if (c != NULL) {
        if (!host_at(b, bn, PAST(b, c, "): rejected connection from "), x))
            return NO_CLIENT;
    } else {
        const char *ni = RFIND(b, bn, " next input=");
        size_t lim = ni != NULL ? (size_t)(ni - b) : bn;
        const char *h = hv_rfind(b, lim, " H=", LEN(" H="));
        if (h == NULL || !host_token(b, bn, h, x))
            return NO_CLIENT;
    }
    x->r5++;
    x->complete = true;
    return CLIENT;
}

/* kind_client_text - "SMTP protocol error in "CMD" H=host ..." and other
 * lines with the client's text before Exim's field: the last field wins. */
static enum kind_verdict kind_client_text(const struct body *l, struct hit *x)
{
    const char *b = l->b;
    size_t bn = l->bn;
    bool rejects = STARTS(b, bn, "SMTP protocol error in ") ||
                   STARTS(b, bn, "SMTP syntax error in ") ||
                   STARTS(b, bn, "rejected from <");
    bool lost = STARTS(b, bn, "SMTP connection lost after");
    if (!rejects && !lost && !STARTS(b, bn, "VRFY failed for ") &&
        !STARTS(b, bn, "ignoring AUTH="))
        return NOT_MINE;
    if (!last_host(b, bn, 0, x))
        return NO_CLIENT;
    if (lost) {
        x->lost = true;
        x->complete = true;
        x->helo_given = STARTS(b, bn, "SMTP connection lost after final dot");
    } else if (rejects) {
        x->r5++;
    }
    return CLIENT;
}

/* kind_auth_failed - "<name> authenticator failed for [H=]host: 535 ..."
 * (server side, old and new form); "<name> authenticator failed H=host"
 * without a message id is the server side too (custom messages), with a
 * message id it is Exim authenticating to a remote server. */
static enum kind_verdict kind_auth_failed(const struct body *l, struct hit *x)
{
    const char *b = l->b;
    size_t bn = l->bn;
    const char *c = FIND(b, bn, "authenticator failed ");
    if (c == NULL)
        return NOT_MINE;
    size_t o = PAST(b, c, "authenticator failed ");
    if (STARTS(b + o, bn - o, "for "))
        o += LEN("for ");
    else if (l->msgid != NULL || !STARTS(b + o, bn - o, "H="))
        return NO_CLIENT;
    if (!host_at(b, bn, o, x))
        return NO_CLIENT;
    reply_code(b + x->h.end, bn - x->h.end, x);
    if (x->r4 == 0 && x->r5 == 0) {
        /* "H=(h) [ip] [ip] 535 ..." (custom message form) */
        const char *t = b + x->h.end;
        size_t n = bn - x->h.end;
        const char *d = FIND(t, n, " 5");
        if (d != NULL && (size_t)(d - t) + LEN(" 5xx") <= n && is_digit(d[2]) &&
            is_digit(d[3]))
            x->r5++;
    }
    return CLIENT;
}

/* kind_smtp_connection - "SMTP connection [Ci=id ]from host (TCP/IP
 * connection count = 1)", "... closed by QUIT|EOF|DROP in ACL", "...
 * lost", "no MAIL in SMTP connection from", "(during SMTP connection from
 * [ip])". */
static enum kind_verdict kind_smtp_connection(const struct body *l,
                                              struct hit *x)
{
    const char *b = l->b;
    size_t bn = l->bn;
    const char *c = FIND(b, bn, "SMTP connection ");
    if (c == NULL)
        return NOT_MINE;
    size_t o = PAST(b, c, "SMTP connection ");
    if (STARTS(b + o, bn - o, "Ci=")) {
        while (o < bn && b[o] != ' ')
            o++;
        if (o < bn)
            o++;
    }
    if (!STARTS(b + o, bn - o, "from ") || !host_at(b, bn, o + LEN("from "), x))
        return NO_CLIENT;
    const char *t = b + x->h.end;
    size_t n = bn - x->h.end;
    if (FIND(t, n, " lost") != NULL) {
        x->lost = true;
        x->complete = true;
    } else if (FIND(t, n, "closed by") != NULL) {
        x->complete = true;
        if (FIND(t, n, "closed by DROP") != NULL)
            x->r5++;
    } else if (FIND(t, n, "connection count") != NULL) {
        x->start = true;
    } else if (c >= b + LEN("no MAIL in ") &&
               memcmp(c - LEN("no MAIL in "), "no MAIL in ",
                      LEN("no MAIL in ")) == 0) {
        x->complete = true;
    }
    x->helo_given = commands_show_helo(t, n);
    return CLIENT;
}

/* kind_call_dropped - "SMTP call from host dropped: too many ...". */
static enum kind_verdict kind_call_dropped(const struct body *l, struct hit *x)
{
    if (!STARTS(l->b, l->bn, "SMTP call from "))
        return NOT_MINE;
    if (!host_at(l->b, l->bn, LEN("SMTP call from "), x))
        return NO_CLIENT;
    x->lost = true;
    x->complete = true;
    return CLIENT;
}

/* kind_timeout - timeouts, disconnections and TLS failures end the
 * session: "SMTP command timeout on [TLS ]connection from host", "SMTP
 * data timeout (message abandoned) on connection from host", "TLS error on
 * connection from host", "unexpected disconnection while reading SMTP
 * command from host". */
static enum kind_verdict kind_timeout(const struct body *l, struct hit *x)
{
    const char *b = l->b;
    size_t bn = l->bn;
    size_t o;
    const char *c;
    if ((STARTS(b, bn, "SMTP command timeout on ") || STARTS(b, bn, "SMTP data timeout ") ||
         STARTS(b, bn, "TLS error on ")) &&
        (c = FIND(b, bn, "connection from ")) != NULL)
        o = PAST(b, c, "connection from ");
    else if (STARTS(b, bn, "unexpected disconnection while reading SMTP command from "))
        o = LEN("unexpected disconnection while reading SMTP command from ");
    else
        return NOT_MINE;
    if (!host_at(b, bn, o, x))
        return NO_CLIENT;
    x->lost = true;
    x->complete = true;
    return CLIENT;
}

/* invalid_helo_arg - the argument of "...: syntactically invalid
 * argument(s): ARG" in t, unless Exim says "(no argument given)". */
static void invalid_helo_arg(const char *t, size_t n, struct hit *x)
{
    static const char intro[] = ": syntactically invalid argument(s): ";
    static const char none[] = "(no argument given)";
    const char *a = FIND(t, n, intro);
    if (a == NULL)
        return;
    const char *v = a + LEN(intro);
    size_t vl = (size_t)(t + n - v);
    if (vl > 0 && !(vl == LEN(none) && memcmp(v, none, LEN(none)) == 0)) {
        x->helo = v;
        x->helo_len = vl;
    }
}

/* kind_rejected_cmd - "rejected EHLO from host: syntactically invalid
 * argument(s): ARG", "rejected MAIL from host: no HELO/EHLO given",
 * "rejected XCLIENT from ...". The HELO shown in the host field wins;
 * without one, an invalid EHLO/HELO argument is taken as logged. */
static enum kind_verdict kind_rejected_cmd(const struct body *l, struct hit *x)
{
    const char *b = l->b;
    size_t bn = l->bn;
    if (!STARTS(b, bn, "rejected "))
        return NOT_MINE;
    const size_t cmd = LEN("rejected ");
    size_t o = cmd;
    while (o < bn && is_upper(b[o]))
        o++;
    if (o == cmd || !STARTS(b + o, bn - o, " from ") ||
        !host_at(b, bn, o + LEN(" from "), x))
        return NO_CLIENT;
    x->r5++;
    if ((STARTS(b + cmd, bn - cmd, "EHLO ") ||
         STARTS(b + cmd, bn - cmd, "HELO ")) &&
        x->h.helo == NULL)
        invalid_helo_arg(b + x->h.end, bn - x->h.end, x);
    return CLIENT;
}

/* kind_refused - "Connection from [ip] refused: too many connections from
 * that IP address" (daemon.c: 421, connection closed) and "refused
 * connection from [ip] (host_reject_connection)" (550). */
static enum kind_verdict kind_refused(const struct body *l, struct hit *x)
{
    const char *b = l->b;
    size_t bn = l->bn;
    if (STARTS(b, bn, "Connection from ")) {
        if (!host_at(b, bn, LEN("Connection from "), x) ||
            FIND(b, bn, " refused") == NULL)
            return NO_CLIENT;
        x->r4++;
    } else if (STARTS(b, bn, "refused connection from ")) {
        if (!host_at(b, bn, LEN("refused connection from "), x))
            return NO_CLIENT;
        x->r5++;
    } else {
        return NOT_MINE;
    }
    x->complete = true;
    return CLIENT;
}

/* kind_etrn - "ETRN #dom received from host", "ATRN 'x' received from
 * host": the argument is the client's, so the last " received from " is
 * Exim's. */
static enum kind_verdict kind_etrn(const struct body *l, struct hit *x)
{
    const char *b = l->b;
    size_t bn = l->bn;
    if (!STARTS(b, bn, "ETRN ") && !STARTS(b, bn, "ATRN "))
        return NOT_MINE;
    const char *c = RFIND(b, bn, " received from ");
    return found(c != NULL && host_at(b, bn, PAST(b, c, " received from "), x));
}

/* kind_sa_exim - sa-exim: "SA: ... From <s> (host=NAME [IP]) for rcpt";
 * NAME is "NULL" when there is none. */
static enum kind_verdict kind_sa_exim(const struct body *l, struct hit *x)
{
    const char *b = l->b;
    size_t bn = l->bn;
    const char *c;
    if (!STARTS(b, bn, "SA: ") || (c = RFIND(b, bn, "(host=")) == NULL)
        return NOT_MINE;
    if (!host_at(b, bn, PAST(b, c, "(host="), x))
        return NO_CLIENT;
    if (x->h.name_len == LEN("NULL") && memcmp(x->h.name, "NULL", LEN("NULL")) == 0)
        x->h.name = NULL, x->h.name_len = 0;
    /* NAME is sender_host_name alone, not Exim's host field: no HELO
     * is shown or implied (the arrival line that follows tells) */
    x->h.helo = NULL;
    /* SpamAssassin's verdict on the message: "SA: Action: flagged as Spam
     * but accepted", "... silently tossed message", "... Rejected" */
    if (STARTS(b, bn, "SA: Action: ") &&
        (FIND(b, bn, "flagged as Spam") != NULL || FIND(b, bn, "silently tossed") != NULL ||
         STARTS(b + LEN("SA: Action: "), bn - LEN("SA: Action: "), "Rejected")))
        x->label = HV_LFROM_FILTER;
    return CLIENT;
}

/* kind_no_host_name - "no host name found for IP address 192.0.2.8". */
static enum kind_verdict kind_no_host_name(const struct body *l, struct hit *x)
{
    static const char intro[] = "no host name found for IP address ";
    const char *b = l->b;
    size_t bn = l->bn;
    if (!STARTS(b, bn, intro))
        return NOT_MINE;
    const char *v = b + LEN(intro);
    size_t vl = bn - LEN(intro);
    while (vl > 0 && v[vl - 1] == ' ')
        vl--;
    if (!hv_smap_addr_parse(v, vl, &x->h.addr))
        return NO_CLIENT;
    x->h.port = 0;
    x->h.name = x->h.helo = NULL;
    x->h.addr_text = v;
    x->h.addr_len = vl;
    x->h.end = bn;
    return CLIENT;
}

/* The kinds in the order they are tried: the first that is not NOT_MINE
 * decides (the order matters: an ACL line may hold "SMTP connection", an
 * "SMTP connection lost" line is client text, ...). */
enum kind_index {
    K_OUTBOUND, K_ARRIVAL, K_ACL, K_SYNC_ERROR, K_CLIENT_TEXT, K_AUTH_FAILED,
    K_SMTP_CONNECTION, K_CALL_DROPPED, K_TIMEOUT, K_REJECTED_CMD, K_REFUSED,
    K_ETRN, K_SA_EXIM, K_NO_HOST_NAME, K_COUNT
};
static enum kind_verdict (*const kinds[K_COUNT])(const struct body *, struct hit *) = {
    [K_OUTBOUND] = kind_outbound,       [K_ARRIVAL] = kind_arrival,
    [K_ACL] = kind_acl,                 [K_SYNC_ERROR] = kind_sync_error,
    [K_CLIENT_TEXT] = kind_client_text, [K_AUTH_FAILED] = kind_auth_failed,
    [K_SMTP_CONNECTION] = kind_smtp_connection,
    [K_CALL_DROPPED] = kind_call_dropped, [K_TIMEOUT] = kind_timeout,
    [K_REJECTED_CMD] = kind_rejected_cmd, [K_REFUSED] = kind_refused,
    [K_ETRN] = kind_etrn,               [K_SA_EXIM] = kind_sa_exim,
    [K_NO_HOST_NAME] = kind_no_host_name,
};

/* Bits of kinds[] by index, and the kinds that look past the first word. */
#define KIND(i) (1u << (i))
#define KINDS_ALL (KIND(K_COUNT) - 1u)
#define KINDS_ANYWHERE (KIND(K_AUTH_FAILED) | KIND(K_SMTP_CONNECTION))

/* kinds_for - the kinds that may take a body starting with byte c (0 for
 * an empty body): each kind's literal prefixes start with one of the bytes
 * listed for it; kind_auth_failed and kind_smtp_connection search the whole
 * body and are always tried. A kind left out would have said NOT_MINE. */
static unsigned kinds_for(unsigned char c)
{
    switch (c) {
    case '=': case '-': case '>': case '*':
        return KIND(K_OUTBOUND) | KINDS_ANYWHERE;
    case 'C':   /* "Completed", "Connection from " */
        return KIND(K_OUTBOUND) | KIND(K_REFUSED) | KINDS_ANYWHERE;
    case '<': case '(':
        return KIND(K_ARRIVAL) | KINDS_ANYWHERE;
    case 'D': case 'F': case 'H':
        return KIND(K_ACL) | KINDS_ANYWHERE;
    case 'S':   /* "SMTP ...", "SA: " */
        return KIND(K_SYNC_ERROR) | KIND(K_CLIENT_TEXT) | KIND(K_CALL_DROPPED) |
               KIND(K_TIMEOUT) | KIND(K_SA_EXIM) | KINDS_ANYWHERE;
    case 'r':   /* "rejected from <", "rejected CMD", "refused connection" */
        return KIND(K_CLIENT_TEXT) | KIND(K_REJECTED_CMD) | KIND(K_REFUSED) |
               KINDS_ANYWHERE;
    case 'V': case 'i':   /* "VRFY failed for ", "ignoring AUTH=" */
        return KIND(K_CLIENT_TEXT) | KINDS_ANYWHERE;
    case 'T': case 'u':   /* "TLS error on ", "unexpected disconnection" */
        return KIND(K_TIMEOUT) | KINDS_ANYWHERE;
    case 'E': case 'A':
        return KIND(K_ETRN) | KINDS_ANYWHERE;
    case 'n':
        return KIND(K_NO_HOST_NAME) | KINDS_ANYWHERE;
    default:
        return KINDS_ANYWHERE;
    }
}

/* classify_some - the first kind of the set todo (bits of kinds[], tried in
 * order) that is not NOT_MINE decides; returns its index, or -1. */
static int classify_some(const struct body *l, struct hit *x, unsigned todo,
                         enum kind_verdict *v)
{
    for (; todo != 0; todo &= todo - 1) {
        int i = __builtin_ctz(todo);
        *v = kinds[i](l, x);
        if (*v != NOT_MINE)
            return i;
    }
    return -1;
}

/* classify - look at one Exim message body b (after stamp, [pid] and
 * message id; msgid/mlen the id or NULL). Returns true when the line names
 * an SMTP client (x filled). */
static bool classify(const char *b, size_t bn, const char *msgid, size_t mlen,
                     struct hit *x)
{
    const struct body l = {b, bn, msgid, mlen};
    enum kind_verdict v = NOT_MINE;
    classify_some(&l, x, kinds_for(bn > 0 ? (unsigned char)b[0] : 0), &v);
    return v == CLIENT;
}

int hv_exim_kind_of(const char *b, size_t bn, bool msgid, bool every)
{
    const struct body l = {b, bn, msgid ? "1tOHFe-040742-93" : NULL, msgid ? 16 : 0};
    struct hit x;
    memset(&x, 0, sizeof(x));
    enum kind_verdict v;
    unsigned todo = every ? KINDS_ALL : kinds_for(bn > 0 ? (unsigned char)b[0] : 0);
    return classify_some(&l, &x, todo, &v);
}

/* ==== The parser ==== */

struct hv_parser {
    bool ports_seen;                      /* some line gave a client port */
    struct hv_smap *map;
    struct hv_clock *clock;
    struct hv_syslog_cache stamp_cache;   /* last syslog minute */
    struct tstamp_day day;                /* last Exim stamp's day */
};

/* tag_rest - skip_tag once "exim" is known to start the first or the
 * second word of s (len bytes, at most 256, of the *n at *p). */
__attribute__((noinline)) static bool tag_rest(const char **p, size_t *n, uint64_t *pid,
                                                size_t len)
{
    const char *s = *p;
    const char *colon = FIND(s, len, "]: ");
    if (colon == NULL)
        return false;
    const char *lb = colon;
    while (lb > s && *lb != '[')
        lb--;
    if (*lb != '[' || lb + 1 == colon)
        return false;
    uint64_t v = 0;
    for (const char *d = lb + 1; d < colon; d++) {
        if (!is_digit(*d))
            return false;
        v = v * 10 + (uint64_t)(*d - '0');
    }
    const char *prog = lb;
    while (prog > s && prog[-1] != ' ')
        prog--;
    if (lb - prog < 4 || memcmp(prog, "exim", 4) != 0)
        return false;
    if (prog > s && memchr(s, ' ', (size_t)(prog - s - 1)) != NULL)
        return false;   /* at most one word (the host) before the tag */
    *pid = v;
    *n -= (size_t)(colon + 3 - s);
    *p = colon + 3;
    return true;
}

/* skip_tag - "host exim[pid]: " or "exim[pid]: " (a program whose name
 * starts with "exim") at *p: advance past it, set *pid. The cheap test
 * (does "exim" start the first or the second word?) is small enough to be
 * inlined where every line of an Exim log takes it and fails. */
static inline bool skip_tag(const char **p, size_t *n, uint64_t *pid)
{
    const char *s = *p;
    size_t len = *n < 256 ? *n : 256;
    if (!STARTS(s, len, "exim")) {
        const char *sp = hv_find_near(s, len < 128 ? len : 128, ' ');
        if (sp == NULL || !STARTS(sp + 1, len - (size_t)(sp + 1 - s), "exim"))
            return false;
    }
    return tag_rest(p, n, pid, len);
}

size_t hv_exim_skip_tag(const char *s, size_t n, uint64_t *pid)
{
    const char *p = s;
    size_t left = n;
    return skip_tag(&p, &left, pid) ? n - left : 0;
}

/* exim_stamp - "YYYY-MM-DD hh:mm:ss" starts p. */
static bool exim_stamp(const char *p, size_t n)
{
    return n >= 19 && is_digit(p[0]) && p[4] == '-' && p[7] == '-' &&
           p[10] == ' ' && p[13] == ':';
}

/* exim_open - see parser.h. */
static struct hv_parser *exim_open(const struct hv_parse_opts *opts,
                                   hv_emit_fn emit, void *arg)
{
    struct hv_parser *p = calloc(1, sizeof(*p));
    if (p == NULL)
        return NULL;
    p->map = hv_smap_new(0, HV_SMAP_IDLE, emit, arg);
    if (p->map == NULL) {
        free(p);
        return NULL;
    }
    p->clock = opts != NULL ? opts->clock : NULL;
    return p;
}

/* imply_helo - host_build_sender_fullhost() (Exim src/host.c) leaves the
 * HELO out of "H=name [ip]" when it equals the verified host name (or is
 * the address literal of the client): in a session that gave one, the HELO
 * is taken to be that name. Without a verified name Exim prints "(helo)"
 * whenever a HELO was given, so "H=[ip]" means none was: nothing is implied
 * and the session stays HELO-less. */
static void imply_helo(struct hv_session *s, const struct hv_exim_host *h)
{
    if (h->name != NULL && h->name_len > 0)
        hv_session_imply_helo(s, h->name, h->name_len);
}

/* apply - merge one line's hit into its session (see exim.h). */
static int apply(struct hv_parser *p, const struct hv_line *line, int64_t ts,
                 uint64_t pid, struct hit *x, const char **reason)
{
    const char *helo = x->helo != NULL ? x->helo : x->h.helo;
    size_t helo_len = x->helo != NULL ? x->helo_len : x->h.helo_len;
    /* a HELO too long to keep whole: kept truncated to HV_HELO_MAX (as in
     * the other parsers), compared as kept, and the line is counted */
    bool too_long = helo != NULL && helo_len > HV_HELO_MAX;
    size_t kept_len = too_long ? HV_HELO_MAX : helo_len;
    hv_smap_expire(p->map, ts);
    struct hv_smap_key k;
    memset(&k, 0, sizeof(k));
    memcpy(k.addr, x->h.addr.b, 16);
    k.family = (uint8_t)x->h.addr.family;
    k.port = x->h.port;
    /* the pid tells connections apart only when no port is logged; the
     * "connection count" line comes from the listening daemon, whose pid
     * is not the connection's */
    k.pid = k.port != 0 || x->start ? 0 : pid;
    if (k.port != 0)
        p->ports_seen = true;
    struct hv_session *s = NULL;
    /* in a log that records ports, a line without one ("no host name
     * found for IP address X") belongs to X's open connection */
    if (k.port == 0 && p->ports_seen && !x->start)
        s = hv_smap_find_addr(p->map, k.addr, k.family);
    if (s == NULL)
        s = hv_smap_find(p->map, &k);
    if (s != NULL && x->start) {
        hv_smap_close(p->map, s);
        s = NULL;
    }
    if (s != NULL && k.port == 0 && k.pid == 0 && helo != NULL &&
        s->has_helo &&
        (strlen(s->helo) != kept_len || memcmp(s->helo, helo, kept_len) != 0)) {
        hv_smap_close(p->map, s);
        s = NULL;
    }
    if (s == NULL) {
        /* a bare "connection count" session of this IP (daemon pid, no
         * port) is the start of this pid's connection: take it over */
        int64_t first_ts = ts;
        uint64_t first_line = line->lineno, first_off = line->offset;
        if (k.pid != 0) {
            struct hv_smap_key k0 = k;
            k0.pid = 0;
            struct hv_session *b = hv_smap_find(p->map, &k0);
            if (b != NULL && !b->has_helo && b->messages == 0 &&
                b->replies_5xx == 0 && b->replies_4xx == 0 && !b->lost) {
                first_ts = b->ts;
                first_line = b->line;
                first_off = b->offset;
                hv_smap_discard(p->map, b);
            }
        }
        s = hv_smap_open(p->map, &k, ts);
        s->mta = HV_MTA_EXIM;
        s->ts = first_ts;
        s->line = first_line;
        s->offset = first_off;
        hv_smap_addr_format(&x->h.addr, s->ip);
    }
    hv_smap_touch(p->map, s, ts);
    if (helo != NULL && s->helo_origin != HV_HELO_LOGGED)
        hv_session_set_helo(s, helo, helo_len);
    else if (x->helo_given && !s->has_helo && helo == NULL)
        imply_helo(s, &x->h);
    /* no HELO shown and none implied: Exim prints any HELO that differs
     * from the host name, so the session is read as HELO-less */
    hv_session_note_no_helo(s);
    if (x->h.name != NULL && s->rdns[0] == '\0')
        hv_session_set_rdns(s, x->h.name, x->h.name_len);
    s->messages += x->messages;
    if (x->qid != NULL)
        hv_session_add_qid(s, x->qid, x->qid_len);
    s->replies_5xx += x->r5;
    s->replies_4xx += x->r4;
    if (x->label != HV_LFROM_NONE)
        hv_session_set_label(s, HV_LABEL_SPAM, x->label);
    if (x->lost)
        s->lost = true;
    if (x->complete) {
        s->complete = true;
        hv_smap_close(p->map, s);
    }
    if (too_long) {
        *reason = "helo-truncated";
        return HV_PARSE_SKIP;
    }
    return HV_PARSE_OK;
}

/* exim_feed - see parser.h. */
static int exim_feed(struct hv_parser *p, const struct hv_line *line,
                     const char **reason)
{
    const char *s = line->p;
    size_t n = line->len;
    int64_t ts = 0;
    bool have_ts = false;
    uint64_t pid = 0;

    if (n >= 5 && is_digit(s[0]) && s[4] == '-' && (n < 11 || s[10] != 'T')) {
        size_t k = tstamp_exim_cached(s, n, &p->day, &ts);
        if (k == 0) {
            *reason = "bad-timestamp";
            return HV_PARSE_SKIP;
        }
        have_ts = true;
        s += k;
        n -= k;
        skip_tag(&s, &n, &pid);
    } else {
        struct hv_syslog sl;
        int st = hv_syslog_split_cached(s, n, p->clock, &p->stamp_cache,
                                        &sl);
        if (st == HV_SYSLOG_BADSTAMP) {
            *reason = "bad-timestamp";
            return HV_PARSE_SKIP;
        }
        if (st == HV_SYSLOG_OK) {
            if (sl.prog_len < 4 || memcmp(sl.prog, "exim", 4) != 0)
                return HV_PARSE_OK;
            ts = sl.ts;
            have_ts = true;
            pid = hv_syslog_pidnum(&sl);
            s = sl.msg;
            n = sl.msg_len;
        } else if (st == HV_SYSLOG_NOTAG) {
            ts = sl.ts;
            have_ts = true;
            s = sl.msg;
            n = sl.msg_len;
        } else {
            skip_tag(&s, &n, &pid);   /* "host exim[pid]: <exim stamp>" */
        }
        if (exim_stamp(s, n)) {
            size_t k = tstamp_exim(s, n, &ts);
            if (k == 0) {
                *reason = "bad-timestamp";
                return HV_PARSE_SKIP;
            }
            have_ts = true;
            s += k;
            n -= k;
        }
    }

    /* "[pid] " from log_selector +pid */
    if (n > 2 && s[0] == '[' && is_digit(s[1])) {
        size_t i = 1;
        uint64_t v = 0;
        while (i < n && is_digit(s[i]) && i < 21)
            v = v * 10 + (uint64_t)(s[i++] - '0');
        if (i + 1 < n && s[i] == ']' && s[i + 1] == ' ') {
            pid = v;
            s += i + 2;
            n -= i + 2;
        }
    }
    const char *msgid = NULL;
    size_t mlen = hv_exim_msgid_len(s, n);
    if (mlen > 0) {
        msgid = s;
        s += mlen + 1;
        n -= mlen + 1;
    }

    struct hit x;
    memset(&x, 0, sizeof(x));
    if (!classify(s, n, msgid, mlen, &x))
        return HV_PARSE_OK;
    if (!have_ts) {
        *reason = "bad-timestamp";
        return HV_PARSE_SKIP;
    }
    return apply(p, line, ts, pid, &x, reason);
}

/* exim_finish - see parser.h. */
static void exim_finish(struct hv_parser *p)
{
    hv_smap_flush(p->map);
}

/* exim_close - see parser.h. */
static void exim_close(struct hv_parser *p)
{
    if (p == NULL)
        return;
    hv_smap_free(p->map);
    free(p);
}

/* exim_probe - see parser.h: an Exim stamp followed by a message id or
 * known Exim text; a syslog line from a program called exim*. */
static int exim_probe(const char *line, size_t len)
{
    const char *s = line;
    size_t n = len;
    uint64_t pid = 0;
    bool tagged = false;
    if (!exim_stamp(s, n)) {
        struct hv_syslog sl;
        if (hv_syslog_split(s, n, NULL, &sl) == HV_SYSLOG_OK)
            return sl.prog_len >= 4 && memcmp(sl.prog, "exim", 4) == 0 ? 90 : 0;
        if (!skip_tag(&s, &n, &pid) || !exim_stamp(s, n))
            return 0;
        tagged = true;   /* "host exim[pid]: <exim stamp>" */
    }
    int64_t ts;
    size_t k = tstamp_exim(s, n, &ts);
    if (k == 0)
        return 0;
    s += k;
    n -= k;
    if (tagged || skip_tag(&s, &n, &pid))
        return 90;
    if (n > 2 && s[0] == '[' && is_digit(s[1])) {
        const char *rb = memchr(s, ']', n < 24 ? n : 24);
        if (rb != NULL && (size_t)(rb - s) + 2 <= n) {
            n -= (size_t)(rb - s) + 2;
            s = rb + 2;
        }
    }
    if (hv_exim_msgid_len(s, n) > 0)
        return 95;
    static const char *const known[] = {
        "H=", "SMTP connection", "SMTP call from", "no MAIL in",
        "SMTP protocol", "exim ", "Start queue run", "End queue run",
        "TLS error", "rejected ", "refused connection", "SMTP command timeout",
    };
    for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
        if (starts(s, n, known[i], strlen(known[i])))
            return 85;
    if (FIND(s, n, "authenticator failed") != NULL)
        return 85;
    return 40;
}

const struct hv_format hv_format_exim = {
    "exim", exim_probe, exim_open, exim_feed, exim_finish, exim_close, false, NULL, HV_MTA_EXIM,
};
