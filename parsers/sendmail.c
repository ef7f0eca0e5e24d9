/* SPDX-License-Identifier: MIT */
/*
 * sendmail - the Sendmail syslog parser. See sendmail.h for the contract.
 * Line shapes are those of sendmail 8.x (contrib/sendmail/src srvrsmtp.c,
 * main.c; corpus README "Sendmail"). Hand scanning only, nothing allocated
 * per line; the open sessions live in an hv_smap (smap.h).
 */
#include "sendmail.h"

#include <stdlib.h>
#include <string.h>

#include "ascii.h"
#include "smap.h"
#include "parser.h"
#include "spamtext.h"
#include "syslog.h"
#include "textscan.h"

/* ==== Small scanning helpers ==== */

#define STARTS(p, len, lit)                                                  \
    ((len) >= sizeof(lit) - 1 && memcmp((p), (lit), sizeof(lit) - 1) == 0)

/* ==== Client fields ==== */

/* bracket_addr - "[ip]" at p (len bytes): the address and the length. */
static size_t bracket_addr(const char *p, size_t len, struct hv_addr *a)
{
    if (len < 3 || p[0] != '[')
        return 0;
    const char *rb = memchr(p, ']', len);
    if (rb == NULL || !hv_smap_addr_parse(p + 1, (size_t)(rb - p - 1), a))
        return 0;
    return (size_t)(rb - p) + 1;
}

bool hv_sendmail_client_parse(const char *p, size_t len,
                              struct hv_sendmail_client *c)
{
    size_t k;
    const char *sp = memchr(p, ' ', len);
    size_t tok = sp != NULL ? (size_t)(sp - p) : len;
    c->rdns = NULL;
    c->rdns_len = 0;
    c->forged = false;
    /* "RDNS [IP]" (RDNS may be empty: "from  [IP]") */
    k = 0;
    if (sp != NULL && memchr(p, '[', tok) == NULL) {
        k = bracket_addr(sp + 1, len - tok - 1, &c->addr);
        if (k > 0) {
            const char *name = p;
            size_t nl = tok;
            const char *at = memchr(name, '@', nl);
            if (at != NULL) {
                nl -= (size_t)(at + 1 - name);
                name = at + 1;
            }
            c->rdns = nl > 0 ? name : NULL;
            c->rdns_len = nl;
            k += tok + 1;
        }
    }
    /* "[IP]", or "[IP] [IP]" (no reverse name: both the same) */
    if (k == 0) {
        k = bracket_addr(p, len, &c->addr);
        if (k == 0)
            return false;
        if (k + 1 < len && p[k] == ' ' && p[k + 1] == '[') {
            size_t k2 = bracket_addr(p + k + 1, len - k - 1, &c->addr);
            if (k2 > 0)
                k += 1 + k2;
        }
    }
    if (STARTS(p + k, len - k, " (may be forged)")) {
        k += 16;
        c->forged = true;
        c->rdns = NULL;
        c->rdns_len = 0;
    }
    if (k < len && p[k] != ',' && p[k] != ':' && p[k] != ' ')
        return false;
    c->end = k;
    return true;
}

/* ==== Line classification ==== */

/* What one line says about a client. */
struct hit {
    struct hv_sendmail_client c;
    const char *helo;
    size_t helo_len;
    unsigned messages, r5, r4;
    bool lost, complete;
    enum hv_label_from label; /* a spam label the line gives, else NONE */
};

/* last_relay - the last "relay=" whose value parses as a client and is
 * followed by the end or ','. Sendmail writes its relay= after any client
 * text (user=, arg1=), so the last one is its own. */
static bool last_relay(const char *b, size_t bn, struct hit *x, size_t *at)
{
    size_t lim = bn;
    for (;;) {
        const char *r = hv_rfind(b, lim, "relay=", 6);
        if (r == NULL)
            return false;
        size_t o = (size_t)(r - b);
        bool sep = o == 0 || (o >= 2 && b[o - 1] == ' ' &&
                              (b[o - 2] == ',' || b[o - 2] == ':'));
        if (sep && hv_sendmail_client_parse(b + o + 6, bn - o - 6, &x->c)) {
            size_t e = o + 6 + x->c.end;
            if (e == bn || b[e] == ',') {
                x->c.end = e;
                *at = o;
                return true;
            }
        }
        if (o == 0)
            return false;
        lim = o;
    }
}

/* reject_label - the spam label of the reply "reject=5xx TEXT" at r
 * (n bytes; spamtext.h): DNSBL when TEXT cites a block list; FILTER when
 * content is set (a milter's verdict on the message) and TEXT says spam. */
static enum hv_label_from reject_label(const char *r, size_t n, bool content)
{
    enum hv_label_from l = hv_reject_label(r, n);
    return l == HV_LFROM_DNSBL || (content && l == HV_LFROM_FILTER) ? l : HV_LFROM_NONE;
}

/* reply_of - count the reply "reject=5xx"/"reject=4xx" at or after t; a
 * 5xx that cites a block list labels the session (reject_label). */
static void reply_of(const char *t, size_t n, struct hit *x)
{
    const char *r = FIND(t, n, "reject=");
    if (r == NULL || (size_t)(r - t) + 8 > n)
        return;
    if (r[7] == '5') {
        x->r5++;
        x->label = reject_label(r, n - (size_t)(r - t), false);
    } else if (r[7] == '4') {
        x->r4++;
    }
}

/* classify - one sendmail message body b (after "QID: "). Returns true
 * when the line names an SMTP client (x filled). */
static bool classify(const char *b, size_t bn, struct hit *x)
{
    if (STARTS(b, bn, "to=") || STARTS(b, bn, "STARTTLS=client") ||
        STARTS(b, bn, "AUTH=client") || STARTS(b, bn, "SYSERR"))
        return false;

    size_t at;
    if (last_relay(b, bn, x, &at)) {
        if (STARTS(b, bn, "from=")) {
            /* nrcpts=0: the transaction was abandoned, no message */
            const char *n = hv_rfind(b, at, ", nrcpts=", 9);
            if (n != NULL && (size_t)(n - b) + 9 < at && is_digit(n[9]) &&
                !(n[9] == '0' && !is_digit(n[10])))
                x->messages = 1;
        } else if (STARTS(b, bn, "ruleset=")) {
            reply_of(b + x->c.end, bn - x->c.end, x);
            if (STARTS(b, bn, "ruleset=check_relay"))
                x->complete = true;
        } else if (STARTS(b, bn, "AUTH failure")) {
            x->r5++;
        }
        return true;
    }

    /* "lost input channel from RDNS [IP] to MTA after rcpt" */
    if (STARTS(b, bn, "lost input channel from ")) {
        if (!hv_sendmail_client_parse(b + 24, bn - 24, &x->c))
            return false;
        x->lost = true;
        x->complete = true;
        return true;
    }
    /* "rejecting commands from RDNS [IP] due to pre-greeting traffic" */
    if (STARTS(b, bn, "rejecting commands from ")) {
        if (!hv_sendmail_client_parse(b + 24, bn - 24, &x->c))
            return false;
        x->r5++;
        return true;
    }
    /* "timeout waiting for input from RDNS [IP] during server cmd read"
     * ("during client ..." is Sendmail waiting for a remote server) */
    if (STARTS(b, bn, "timeout waiting for input from ")) {
        if (FIND(b, bn, " during client") != NULL ||
            !hv_sendmail_client_parse(b + 31, bn - 31, &x->c))
            return false;
        x->lost = true;
        x->complete = true;
        return true;
    }
    /* "connect from RDNS [IP]" (LogLevel > 9) */
    if (STARTS(b, bn, "connect from "))
        return hv_sendmail_client_parse(b + 13, bn - 13, &x->c);
    /* "tcpwrappers (RDNS, IP) rejection": refused at connect */
    if (STARTS(b, bn, "tcpwrappers (")) {
        const char *cm = FIND(b, bn, ", ");
        const char *cp = cm != NULL ? memchr(cm, ')', bn - (size_t)(cm - b))
                                    : NULL;
        if (cp == NULL ||
            !hv_smap_addr_parse(cm + 2, (size_t)(cp - cm - 2), &x->c.addr))
            return false;
        size_t nl = (size_t)(cm - b) - 13;
        x->c.rdns = nl > 0 && !(nl == 7 && memcmp(b + 13, "unknown", 7) == 0)
                        ? b + 13
                        : NULL;
        x->c.rdns_len = x->c.rdns != NULL ? nl : 0;
        x->r5++;
        x->complete = true;
        return true;
    }
    /* "invalid domain name (HELO) from RDNS [IP]" (LogLevel > 9): the
     * HELO is the client's text, the last ") from " is Sendmail's. */
    if (STARTS(b, bn, "invalid domain name (")) {
        const char *f = RFIND(b, bn, ") from ");
        if (f == NULL || f < b + 21)
            return false;
        size_t o = (size_t)(f - b) + 7;
        if (!hv_sendmail_client_parse(b + o, bn - o, &x->c))
            return false;
        x->helo = b + 21;
        x->helo_len = (size_t)(f - b) - 21;
        x->r5++;
        return true;
    }
    /* "RDNS [IP] (may be forged) did not issue MAIL/EXPN/VRFY/ETRN during
     * connection to MTA", "RDNS [IP]: possible SMTP attack: ...",
     * "[IP]: EXPN root [rejected]" */
    if (hv_sendmail_client_parse(b, bn, &x->c)) {
        const char *t = b + x->c.end;
        size_t n = bn - x->c.end;
        if (STARTS(t, n, " did not issue ")) {
            x->lost = true;
            x->complete = true;
            return true;
        }
        if (STARTS(t, n, ": ")) {
            if (n >= 11 && memcmp(t + n - 11, " [rejected]", 11) == 0)
                x->r5++;
            return true;
        }
    }
    return false;
}

/* ==== The parser ==== */

struct hv_parser {
    struct hv_smap *map;
    struct hv_clock *clock;
    struct hv_syslog_cache stamp_cache;   /* last syslog minute */
};

/* split_tag - "HOST PROG[PID]: " at *p when the syslog splitter stopped
 * before it (a "<facility.level>" field after the stamp): prog and pid out,
 * *p and *n advanced past it. */
static bool split_tag(const char **p, size_t *n, const char **prog,
                      size_t *prog_len, unsigned long *pid)
{
    const char *s = *p;
    size_t len = *n < 256 ? *n : 256;
    const char *sp = memchr(s, ' ', len);
    if (sp == NULL)
        return false;
    const char *t = sp + 1;
    size_t tl = len - (size_t)(t - s);
    const char *colon = FIND(t, tl, ": ");
    if (colon == NULL || memchr(t, ' ', (size_t)(colon - t)) != NULL)
        return false;
    const char *lb = memchr(t, '[', (size_t)(colon - t));
    unsigned long v = 0;
    if (lb != NULL) {
        for (const char *d = lb + 1; d < colon - 1; d++) {
            if (!is_digit(*d))
                return false;
            v = v * 10 + (unsigned long)(*d - '0');
        }
    }
    *prog = t;
    *prog_len = (size_t)((lb != NULL ? lb : colon) - t);
    *pid = v;
    *n -= (size_t)(colon + 2 - s);
    *p = colon + 2;
    return true;
}

/* ours - a program name of the Sendmail MTA (base name of the tag). */
static bool ours(const char *prog, size_t len)
{
    const char *b;
    size_t bl;
    hv_syslog_prog_base(prog, len, &b, &bl);
    if (STARTS(b, bl, "sm-msp-queue"))
        return false;
    return STARTS(b, bl, "sendmail") || STARTS(b, bl, "sm-");
}

/* sendmail_open - see parser.h. */
static struct hv_parser *sendmail_open(const struct hv_parse_opts *opts,
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

/* same_ip - the session's address is a. */
static bool same_ip(const struct hv_session *s, const struct hv_addr *a)
{
    char t[46];
    hv_smap_addr_format(a, t);
    return strcmp(s->ip, t) == 0;
}

/* sendmail_feed - see parser.h. */
static int sendmail_feed(struct hv_parser *p, const struct hv_line *line,
                         const char **reason)
{
    struct hv_syslog sl;
    int st = hv_syslog_split_cached(line->p, line->len, p->clock,
                                    &p->stamp_cache, &sl);
    if (st == HV_SYSLOG_BADSTAMP) {
        *reason = "bad-timestamp";
        return HV_PARSE_SKIP;
    }
    const char *b = sl.msg;
    size_t bn = sl.msg_len;
    const char *prog = sl.prog;
    size_t prog_len = sl.prog_len;
    unsigned long pid = hv_syslog_pidnum(&sl);
    bool have_ts = st == HV_SYSLOG_OK || st == HV_SYSLOG_NOTAG;
    if (st == HV_SYSLOG_NOTAG &&
        !split_tag(&b, &bn, &prog, &prog_len, &pid))
        return HV_PARSE_OK;
    if (st != HV_SYSLOG_NOPREFIX && !ours(prog, prog_len))
        return HV_PARSE_OK;

    /* "QID: " (6 to 20 letters and digits with at least one digit, or
     * upper-case hex, so that "Milter: " and "NOQUEUE: " are not taken) */
    const char *qid = NULL;
    size_t qlen = 0;
    {
        size_t i = 0;
        bool digit = false, hex = true;
        while (i < bn && i < 21 && is_alnum(b[i])) {
            digit = digit || is_digit(b[i]);
            hex = hex && (is_digit(b[i]) || (b[i] >= 'A' && b[i] <= 'F'));
            i++;
        }
        if (i >= 6 && i <= 20 && (digit || hex) && i + 1 < bn &&
            b[i] == ':' && b[i + 1] == ' ') {
            qid = b;
            qlen = i;
            b += i + 2;
            bn -= i + 2;
        } else if (STARTS(b, bn, "NOQUEUE: ")) {
            b += 9;
            bn -= 9;
        }
    }

    struct hit x;
    memset(&x, 0, sizeof(x));
    if (!classify(b, bn, &x)) {
        /* a line of an open session without the client: its queue ID,
         * and RCPT rejections ("<x@y>... User unknown") */
        if (pid != 0 && have_ts) {
            struct hv_smap_key k;
            memset(&k, 0, sizeof(k));
            k.pid = pid;
            struct hv_session *s = hv_smap_find(p->map, &k);
            if (s != NULL) {
                if (qid != NULL)
                    hv_session_add_qid(s, qid, qlen);
                if (b[0] == '<' && (FIND(b, bn, ">... User unknown") != NULL ||
                                    FIND(b, bn, ">... No such user") != NULL))
                    s->replies_5xx++;
                /* a milter's rejection ("Milter: data, reject=550 5.7.1
                 * Blocked by SpamAssassin", or "milter=NAME, action=data,"
                 * at higher LogLevels): spam words count at the data or
                 * end-of-message stage only ("Milter: to=<x>, reject=..."
                 * is a recipient's) */
                const char *r = FIND(b, bn, "reject=5");
                if (r != NULL && (STARTS(b, bn, "Milter") || STARTS(b, bn, "milter=")))
                    hv_session_set_label(s, HV_LABEL_SPAM,
                                         reject_label(r, bn - (size_t)(r - b),
                                                      FIND(b, (size_t)(r - b), "data") != NULL ||
                                                          FIND(b, (size_t)(r - b), "eom") != NULL));
            }
        }
        return HV_PARSE_OK;
    }
    if (!have_ts) {
        *reason = "bad-timestamp";
        return HV_PARSE_SKIP;
    }
    /* a HELO too long to keep whole: kept truncated (hv_session_set_helo,
     * as in the other parsers) and the line is counted */
    bool too_long = x.helo != NULL && x.helo_len > HV_HELO_MAX;
    int64_t ts = sl.ts;
    hv_smap_expire(p->map, ts);
    struct hv_smap_key k;
    memset(&k, 0, sizeof(k));
    if (pid != 0) {
        k.pid = pid;
    } else {
        memcpy(k.addr, x.c.addr.b, 16);
        k.family = (uint8_t)x.c.addr.family;
    }
    struct hv_session *s = hv_smap_find(p->map, &k);
    if (s != NULL && !same_ip(s, &x.c.addr)) {
        hv_smap_close(p->map, s);
        s = NULL;
    }
    if (s == NULL) {
        s = hv_smap_open(p->map, &k, ts);
        s->mta = HV_MTA_SENDMAIL;
        s->ts = ts;
        s->line = line->lineno;
        s->offset = line->offset;
        hv_smap_addr_format(&x.c.addr, s->ip);
    }
    hv_smap_touch(p->map, s, ts);
    if (x.helo != NULL && !s->has_helo)
        hv_session_set_helo(s, x.helo, x.helo_len);
    if (x.c.rdns != NULL && s->rdns[0] == '\0')
        hv_session_set_rdns(s, x.c.rdns, x.c.rdns_len);
    if (qid != NULL)
        hv_session_add_qid(s, qid, qlen);
    s->messages += x.messages;
    s->replies_5xx += x.r5;
    s->replies_4xx += x.r4;
    if (x.label != HV_LFROM_NONE)
        hv_session_set_label(s, HV_LABEL_SPAM, x.label);
    if (x.lost)
        s->lost = true;
    if (x.complete) {
        s->complete = true;
        hv_smap_close(p->map, s);
    }
    if (too_long) {
        *reason = "helo-truncated";
        return HV_PARSE_SKIP;
    }
    return HV_PARSE_OK;
}

/* sendmail_finish - see parser.h. */
static void sendmail_finish(struct hv_parser *p)
{
    hv_smap_flush(p->map);
}

/* sendmail_close - see parser.h. */
static void sendmail_close(struct hv_parser *p)
{
    if (p == NULL)
        return;
    hv_smap_free(p->map);
    free(p);
}

/* sendmail_probe - see parser.h: a syslog line from a Sendmail program. */
static int sendmail_probe(const char *line, size_t len)
{
    struct hv_syslog sl;
    int st = hv_syslog_split(line, len, NULL, &sl);
    const char *prog = sl.prog, *b = sl.msg;
    size_t prog_len = sl.prog_len, bn = sl.msg_len;
    unsigned long pid;
    if (st == HV_SYSLOG_NOTAG && !split_tag(&b, &bn, &prog, &prog_len, &pid))
        return 0;
    if (st != HV_SYSLOG_OK && st != HV_SYSLOG_NOTAG)
        return 0;
    const char *base;
    size_t bl;
    hv_syslog_prog_base(prog, prog_len, &base, &bl);
    if (STARTS(base, bl, "sm-msp-queue"))
        return 80;
    return ours(prog, prog_len) ? 90 : 0;
}

const struct hv_format hv_format_sendmail = {
    "sendmail",     sendmail_probe, sendmail_open,
    sendmail_feed,  sendmail_finish, sendmail_close, false, NULL, HV_MTA_SENDMAIL,
};
