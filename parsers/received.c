/* SPDX-License-Identifier: MIT */
/*
 * received - Received: header value -> hop (client address, HELO, reverse
 * name, by, with, id, date). See received.h for the conventions.
 *
 * The value is cut into tokens (words, parenthesised comments, ';') by a
 * small lexer that never recurses: a comment is found by counting depth,
 * a bracket literal or quoted word by a bounded look for its closing byte
 * (a '[' or '"' that does not close is an ordinary byte of the word, so
 * junk HELOs such as a[b stay one word and "[[[[..." stays linear).
 * Top-level tokens are sorted into the clauses from/by/with/via/id/for;
 * the from clause (at most FROM_TOKENS tokens) is then interpreted, each
 * of its comments lexed once more.
 */
#include "received.h"

#include <string.h>
#include <strings.h>

#include "ascii.h"
#include "netaddr.h"
#include "tstamp.h"

#define FROM_TOKENS 32

/* ==== Spans and small helpers ==== */

struct span {
    const char *p;
    size_t len;
};

/* is_ws - folding and junk that separates tokens (NUL included). */
static bool is_ws(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\0' ||
           c == '\v' || c == '\f';
}

/* span_eq - case-insensitive equality with a literal. */
static bool span_eq(struct span s, const char *lit)
{
    size_t n = strlen(lit);
    return s.len == n && strncasecmp(s.p, lit, n) == 0;
}

/* span_prefix - case-insensitive prefix test. */
static bool span_prefix(struct span s, const char *lit)
{
    size_t n = strlen(lit);
    return s.len >= n && strncasecmp(s.p, lit, n) == 0;
}

/* span_contains - case-insensitive substring test (bounded, naive). */
static bool span_contains(struct span s, const char *lit)
{
    size_t n = strlen(lit);
    if (n == 0 || s.len < n)
        return false;
    for (size_t i = 0; i + n <= s.len; i++)
        if (strncasecmp(s.p + i, lit, n) == 0)
            return true;
    return false;
}

/* trim_trailing - drop trailing characters found in set. */
static struct span trim_trailing(struct span s, const char *set)
{
    while (s.len > 0 && strchr(set, s.p[s.len - 1]) != NULL)
        s.len--;
    return s;
}

/* copy_field - copy s into out (size cap), truncating. */
static void copy_field(char *out, size_t cap, struct span s)
{
    size_t n = s.len < cap - 1 ? s.len : cap - 1;
    if (n > 0)
        memcpy(out, s.p, n);
    out[n] = '\0';
}

/* ==== Lexer ==== */

enum tok_type { T_END, T_WORD, T_COMMENT, T_SEMI };

struct tok {
    enum tok_type type;
    struct span s;   /* word text, or comment content without the parens */
    bool spaced;     /* whitespace (or the start) precedes the token */
};

struct lex {
    const char *p;
    size_t len;
    size_t pos;
    bool open_seen;   /* an unclosed '(' was already taken as a word byte */
};

/* lex_init - a lexer over p[0..len). */
static void lex_init(struct lex *lx, const char *p, size_t len)
{
    lx->p = p;
    lx->len = len;
    lx->pos = 0;
    lx->open_seen = false;
}

/* quote_end - offset just after the '"' closing the quote that opens at i,
 * or i when none closes before a parenthesis or the end (the '"' is then
 * an ordinary byte, as in a HELO "ab). The scan stops at the first '"',
 * '(' or ')', so quotes cost linear time all together. */
static size_t quote_end(const struct lex *lx, size_t i)
{
    for (size_t k = i + 1; k < lx->len; k++) {
        char c = lx->p[k];
        if (c == '"')
            return k + 1;
        if (c == '(' || c == ')')
            break;
    }
    return i;
}

/* bracket_end - offset just after the ']' closing the '[' at i, or i when
 * whitespace or another '[' comes first (the '[' is then an ordinary
 * byte, as in a HELO a[b). Each byte is looked at a bounded number of
 * times, so "[[[[..." stays linear. */
static size_t bracket_end(const struct lex *lx, size_t i)
{
    for (size_t k = i + 1; k < lx->len; k++) {
        unsigned char c = (unsigned char)lx->p[k];
        if (c == ']')
            return k + 1;
        if (c == '[' || is_ws(c))
            break;
    }
    return i;
}

/* lex_next - the next token; T_END at the end. */
static struct tok lex_next(struct lex *lx)
{
    struct tok t = {T_END, {NULL, 0}, false};
    const char *p = lx->p;
    size_t len = lx->len;
    size_t start = lx->pos;

    for (;;) {
        while (lx->pos < len && is_ws((unsigned char)p[lx->pos]))
            lx->pos++;
        if (lx->pos < len && p[lx->pos] == ')') {
            lx->pos++;   /* stray closing parenthesis: noise */
            continue;
        }
        break;
    }
    t.spaced = lx->pos == 0 || lx->pos > start ||
               is_ws((unsigned char)p[lx->pos - 1]);
    if (lx->pos >= len)
        return t;

    size_t i = lx->pos;
    if (p[i] == '(') {
        size_t depth = 1, j = i + 1;
        while (j < len && depth > 0) {
            if (p[j] == '\\' && j + 1 < len)
                j++;
            else if (p[j] == '(')
                depth++;
            else if (p[j] == ')')
                depth--;
            j++;
        }
        if (depth == 0 || lx->open_seen || t.spaced) {
            t.type = T_COMMENT;
            t.s.p = p + i + 1;
            t.s.len = (depth == 0 ? j - 1 : j) - (i + 1);
            lx->pos = j;
            return t;
        }
        /* the first '(' that never closes, glued to the word before it,
         * is a byte of that word (a junk HELO "a(b"); later ones run to
         * the end as before, so "a((((..." is scanned twice at most */
        lx->open_seen = true;
    }
    if (p[i] == ';') {
        t.type = T_SEMI;
        t.s.p = p + i;
        t.s.len = 1;
        lx->pos = i + 1;
        return t;
    }
    size_t j = i;
    if (p[j] == '"')
        j = quote_end(lx, j);
    else if (p[j] == '(')
        j++;   /* the unclosed '(' above */
    while (j < len) {
        unsigned char c = (unsigned char)p[j];
        if (is_ws(c) || c == '(' || c == ')' || c == ';')
            break;
        if (c == '[') {
            size_t k = bracket_end(lx, j);
            if (k > j) {
                j = k;
                continue;
            }
        }
        j++;
    }
    t.type = T_WORD;
    t.s.p = p + i;
    t.s.len = j - i;
    lx->pos = j;
    return t;
}

/* ==== Addresses ==== */

struct addr_info {
    struct hv_addr a;
    bool bracketed;   /* written as [IP] */
    bool port;        /* a port was attached (IP:PORT, [IP]:PORT, IP.PORT) */
    bool ident;       /* written as ident@IP */
};

/* all_digits - s is one or more decimal digits. */
static bool all_digits(const char *p, size_t n)
{
    if (n == 0 || n > 5)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!is_digit(p[i]))
            return false;
    return true;
}

/* parse_inner - an address without brackets, maybe with a port. */
static bool parse_inner(const char *p, size_t n, struct addr_info *ai)
{
    while (n > 0 && p[0] == '(') {
        p++;
        n--;
    }
    while (n > 0 && p[n - 1] == ')')
        n--;
    if (n == 0)
        return false;
    if (hv_addr_parse(p, n, &ai->a))
        return true;
    /* IPv4:PORT (XMail, ecelerity) */
    const char *colon = memchr(p, ':', n);
    if (colon != NULL && memchr(colon + 1, ':', n - (size_t)(colon - p) - 1) ==
                             NULL) {
        size_t k = (size_t)(colon - p);
        if (all_digits(colon + 1, n - k - 1) && memchr(p, '.', k) != NULL &&
            hv_addr_parse(p, k, &ai->a) && ai->a.family == 4) {
            ai->port = true;
            return true;
        }
    }
    /* IPv4.PORT (Exim 3): five dotted numbers */
    if (colon == NULL) {
        size_t dots = 0, k = 0;
        for (size_t i = 0; i < n; i++) {
            if (p[i] == '.' && ++dots == 4)
                k = i;
        }
        if (dots == 4 && all_digits(p + k + 1, n - k - 1) &&
            hv_addr_parse(p, k, &ai->a)) {
            ai->port = true;
            return true;
        }
    }
    return false;
}

/* parse_addr_word - a word that is an address: "1.2.3.4", "[1.2.3.4]",
 * "[IPv6:...]", "[1.2.3.4]:25", "[1.2.3.4:25]", "1.2.3.4:25", "[(IP)]",
 * "10.0.8.6.13219" and, when allow_ident, "ident@IP" / "ident@[IP]". */
static bool parse_addr_word(struct span w, bool allow_ident,
                            struct addr_info *ai)
{
    memset(ai, 0, sizeof(*ai));
    w = trim_trailing(w, ",;");
    if (w.len == 0 || w.len > 128)
        return false;
    if (allow_ident) {
        for (size_t i = w.len; i > 0; i--) {
            if (w.p[i - 1] == '@') {
                w.p += i;
                w.len -= i;
                ai->ident = true;
                break;
            }
        }
    }
    if (w.len == 0)
        return false;
    if (w.p[0] == '[') {
        const char *close = memchr(w.p, ']', w.len);
        if (close == NULL)
            return false;
        size_t in = (size_t)(close - w.p) - 1;
        size_t after = w.len - in - 2;
        const char *ap = close + 1;
        if (after > 0) {
            if ((ap[0] != ':' && ap[0] != '.') || !all_digits(ap + 1, after - 1))
                return false;
            ai->port = true;
        }
        ai->bracketed = true;
        return parse_inner(w.p + 1, in, ai);
    }
    return parse_inner(w.p, w.len, ai);
}

/* ==== Comments inside the from clause ==== */

struct cinfo {
    bool has_ip;
    struct addr_info ai;
    struct span rdns;          /* word before the address, ident@ dropped */
    bool has_helo;             /* HELO x / EHLO x / LHLO x / helo=x seen */
    struct span helo;
    bool verified;             /* CommuniGate "[IP] verified" */
    bool forged;               /* Sendmail "(RDNS [IP] (may be forged))" */
    bool leading_space;        /* "( 1.2.3.4)" (Scalix) */
    bool plain;                /* a single word, no address */
    struct span word;          /* that word */
};

/* is_helo_kw - the word that precedes an explicit HELO argument. */
static bool is_helo_kw(struct span w)
{
    return span_eq(w, "HELO") || span_eq(w, "EHLO") || span_eq(w, "LHLO");
}

/* quoted_helo - ZMailer's "EHLO x" (one quoted word, maybe folded): true
 * with *arg set to x (empty when none) when w is such a word. */
static bool quoted_helo(struct span w, struct span *arg)
{
    if (w.len < 6 || w.p[0] != '"' || w.p[w.len - 1] != '"')
        return false;
    struct span in = {w.p + 1, w.len - 2};
    struct span kw = {in.p, 4};
    if (!is_helo_kw(kw) || (in.len > 4 && !is_ws((unsigned char)in.p[4])))
        return false;
    size_t k = 4;
    while (k < in.len && is_ws((unsigned char)in.p[k]))
        k++;
    arg->p = in.p + k;
    arg->len = in.len - k;
    while (arg->len > 0 && is_ws((unsigned char)arg->p[arg->len - 1]))
        arg->len--;
    return true;
}

/* analyze_comment - what one parenthesised comment of the from clause
 * says. Nested comments are skipped as single tokens. */
static void analyze_comment(struct span c, struct cinfo *ci)
{
    struct lex lx;
    struct span prev = {NULL, 0};
    struct span bare_rdns = {NULL, 0};
    struct addr_info bare;
    bool have_bare = false, have_bracket = false;
    size_t nwords = 0;
    bool skip_next = false;

    memset(ci, 0, sizeof(*ci));
    ci->leading_space = c.len > 0 && is_ws((unsigned char)c.p[0]);
    lex_init(&lx, c.p, c.len);
    for (;;) {
        struct tok t = lex_next(&lx);
        if (t.type == T_END)
            break;
        if (t.type == T_COMMENT && span_eq(t.s, "may be forged"))
            ci->forged = true;
        if (t.type != T_WORD) {
            prev.p = NULL;
            prev.len = 0;
            nwords += 2;   /* not a plain one-word comment */
            continue;
        }
        struct span w = trim_trailing(t.s, ",");
        nwords++;
        if (nwords == 1)
            ci->word = w;
        if (skip_next) {
            skip_next = false;
            prev.p = NULL;
            prev.len = 0;
            continue;
        }
        if (span_eq(w, "account")) {
            skip_next = true;
            continue;
        }
        if (is_helo_kw(w)) {
            struct tok a = lex_next(&lx);
            if (!ci->has_helo) {
                ci->has_helo = true;
                if (a.type == T_WORD)
                    ci->helo = trim_trailing(a.s, ",");
            }
            nwords++;
            prev.p = NULL;
            prev.len = 0;
            continue;
        }
        struct span qarg;
        if (quoted_helo(w, &qarg)) {
            if (!ci->has_helo) {
                ci->has_helo = true;
                ci->helo = qarg;
            }
            prev.p = NULL;
            prev.len = 0;
            continue;
        }
        if (span_prefix(w, "helo=")) {
            if (!ci->has_helo) {
                ci->has_helo = true;
                ci->helo.p = w.p + 5;
                ci->helo.len = w.len - 5;
            }
            prev.p = NULL;
            prev.len = 0;
            continue;
        }
        if (span_eq(w, "verified"))
            ci->verified = true;
        if (memchr(w.p, '=', w.len) != NULL) {
            prev.p = NULL;
            prev.len = 0;
            continue;
        }
        /* "name[IP]" written without a space */
        const char *br = memchr(w.p, '[', w.len);
        struct span name = prev;
        struct span aw = w;
        if (br != NULL && br != w.p) {
            name.p = w.p;
            name.len = (size_t)(br - w.p);
            aw.p = br;
            aw.len = w.len - name.len;
        }
        struct addr_info ai;
        if (!have_bracket && parse_addr_word(aw, true, &ai)) {
            if (ai.bracketed) {
                have_bracket = true;
                ci->ai = ai;
                ci->rdns = name;
            } else if (!have_bare) {
                have_bare = true;
                bare = ai;
                bare_rdns = name;
            }
        }
        prev = w;
    }
    if (have_bracket) {
        ci->has_ip = true;
        /* "(1.2.3.4 [5.6.7.8])": the literal is what the MTA connected
         * from; the bare word before it is a name that looks like one */
        if (have_bare && ci->rdns.p == NULL)
            ci->rdns = bare_rdns;
    } else if (have_bare) {
        ci->has_ip = true;
        ci->ai = bare;
        ci->rdns = bare_rdns;
    }
    if (ci->rdns.p != NULL) {
        /* ident@rdns, IDENT:user@rdns, <rdns> */
        for (size_t i = ci->rdns.len; i > 0; i--) {
            if (ci->rdns.p[i - 1] == '@') {
                ci->rdns.p += i;
                ci->rdns.len -= i;
                break;
            }
        }
        struct addr_info tmp;
        if (parse_addr_word(ci->rdns, false, &tmp))
            ci->rdns.len = 0;
    }
    ci->plain = nwords == 1 && !ci->has_ip;
}

/* ==== The whole value ==== */

enum clause { C_NONE, C_FROM, C_BY, C_WITH, C_VIA, C_ID, C_FOR };

/* keyword - the clause a top-level word opens, or C_NONE. */
static enum clause keyword(struct span w)
{
    if (span_eq(w, "from"))
        return C_FROM;
    if (span_eq(w, "by"))
        return C_BY;
    if (span_eq(w, "with"))
        return C_WITH;
    if (span_eq(w, "via"))
        return C_VIA;
    if (span_eq(w, "id"))
        return C_ID;
    if (span_eq(w, "for"))
        return C_FOR;
    return C_NONE;
}

struct scan {
    struct tok from[FROM_TOKENS];
    size_t nfrom;
    bool have_from;
    bool exim;        /* an "(Exim ...)" comment outside the from clause */
    bool from_after_by; /* Smail "by HOST (Smail) from NAME (IP)" */
    bool from_comment;  /* a comment was kept in the from clause */
    size_t semi_until;  /* semi_in_name's answer holds up to here */
    bool semi_answer;
    bool fetchmail;   /* "(fetchmail-x.y)" */
    bool by_uid;      /* qmail-scanner "by uid N" */
    bool via_http;    /* "(via HTTP)" */
    struct span by, with, via, id;
    size_t last_semi; /* offset after the last top-level ';' (0: none) */
};

/* unknownish - reverse names that mean "none". */
static bool unknownish(struct span s)
{
    return s.len == 0 || span_eq(s, "unknown") || span_eq(s, "softdnserr") ||
           span_eq(s, "unverified") || span_prefix(s, "unknown/");
}

/* clean_rdns - drop <>, a trailing dot; empty when "unknown". */
static struct span clean_rdns(struct span s)
{
    if (s.len >= 2 && s.p[0] == '<' && s.p[s.len - 1] == '>') {
        s.p++;
        s.len -= 2;
    }
    s = trim_trailing(s, ".,");
    if (unknownish(s))
        s.len = 0;
    return s;
}

/* from_add - keep one token of the from clause. Words and ';' before the
 * first comment past half of FROM_TOKENS are merged into the last kept
 * token (one span over the bytes between), so a very long junk HELO still
 * leaves room for the comment that holds the address. */
static void from_add(struct scan *sc, struct tok t)
{
    if (t.type != T_COMMENT && !sc->from_comment &&
        sc->nfrom >= FROM_TOKENS / 2 &&
        sc->from[sc->nfrom - 1].type != T_COMMENT) {
        struct tok *last = &sc->from[sc->nfrom - 1];
        last->type = T_WORD;
        last->s.len = (size_t)(t.s.p + t.s.len - last->s.p);
        return;
    }
    if (sc->nfrom < FROM_TOKENS)
        sc->from[sc->nfrom++] = t;
    if (t.type == T_COMMENT)
        sc->from_comment = true;
}

/* semi_in_name - a ';' met in the from clause before any comment belongs
 * to the name (a HELO such as "a;b", "a; b" or "a;b;c") when a comment
 * follows before a keyword or the end: "from a;b (unknown [IP]) by". The
 * look ahead runs on a copy of the lexer; its answer holds for every ';'
 * up to where it stopped (sc->semi_until), so each byte is looked at
 * once more at most. */
static bool semi_in_name(struct scan *sc, const struct lex *lx)
{
    if (lx->pos <= sc->semi_until)
        return sc->semi_answer;
    struct lex ahead = *lx;
    bool found = false;
    for (;;) {
        size_t at = ahead.pos;
        struct tok u = lex_next(&ahead);
        if (u.type == T_COMMENT) {
            found = true;
            break;
        }
        if (u.type == T_END ||
            (u.type == T_WORD && keyword(u.s) != C_NONE)) {
            ahead.pos = at;
            break;
        }
    }
    sc->semi_until = ahead.pos;
    sc->semi_answer = found;
    return found;
}

/* scan_tokens - sort the top-level tokens into clauses. */
static void scan_tokens(const char *val, size_t len, struct scan *sc)
{
    struct lex lx;
    enum clause cl = C_NONE;
    bool pending = false;   /* the next word is the clause's argument */
    bool seen_by = false;
    bool first = true;

    lex_init(&lx, val, len);
    for (;;) {
        struct tok t = lex_next(&lx);
        if (t.type == T_END)
            break;
        bool was_first = first;
        first = false;
        if (t.type == T_SEMI) {
            if (cl == C_FROM && !sc->from_comment && sc->nfrom > 0 &&
                semi_in_name(sc, &lx)) {
                from_add(sc, t);
                continue;
            }
            sc->last_semi = (size_t)(t.s.p - val) + 1;
            if (cl == C_FROM)
                cl = C_NONE;
            pending = false;
            continue;
        }
        if (t.type == T_COMMENT) {
            if (was_first && span_prefix(t.s, "from ")) {
                /* NAVGW / Sendmail submit: "(from NAME [IP]) by HOST" */
                struct lex in;
                struct span c = {t.s.p + 5, t.s.len - 5};
                lex_init(&in, c.p, c.len);
                sc->have_from = true;
                for (;;) {
                    struct tok u = lex_next(&in);
                    if (u.type == T_END || sc->nfrom == FROM_TOKENS)
                        break;
                    if (u.type != T_SEMI)
                        sc->from[sc->nfrom++] = u;
                }
                continue;
            }
            if (cl == C_FROM) {
                from_add(sc, t);
                continue;
            }
            if (span_prefix(t.s, "Exim ") || span_contains(t.s, "/exim)") ||
                span_eq(t.s, "Exim"))
                sc->exim = true;
            if (span_contains(t.s, "fetchmail"))
                sc->fetchmail = true;
            if (span_eq(t.s, "via HTTP") || span_prefix(t.s, "via HTTP "))
                sc->via_http = true;
            continue;
        }
        enum clause k = keyword(t.s);
        if (k == C_FROM && !sc->have_from) {
            sc->have_from = true;
            sc->from_after_by = seen_by;
            cl = C_FROM;
            pending = false;
            continue;
        }
        if (k != C_NONE && k != C_FROM) {
            if (k == C_BY) {
                if (seen_by) {
                    struct tok u = lex_next(&lx);
                    if (u.type == T_WORD && span_eq(u.s, "uid"))
                        sc->by_uid = true;
                    else if (u.type == T_SEMI)
                        sc->last_semi = (size_t)(u.s.p - val) + 1;
                    continue;
                }
                seen_by = true;
            }
            cl = k;
            pending = true;
            continue;
        }
        if (cl == C_FROM) {
            from_add(sc, t);
            continue;
        }
        if (pending) {
            struct span w = trim_trailing(t.s, ";,");
            pending = false;
            if (cl == C_BY && sc->by.p == NULL)
                sc->by = w;
            else if (cl == C_WITH && sc->with.p == NULL)
                sc->with = w;
            else if (cl == C_VIA && sc->via.p == NULL)
                sc->via = w;
            else if (cl == C_ID && sc->id.p == NULL)
                sc->id = w;
        }
    }
}

/* set_helo - copy an explicit or derived HELO into the hop. */
static void set_helo(struct hv_hop *hop, struct span h, enum hv_helo_src src)
{
    if (h.len >= 2 && h.p[0] == '"' && h.p[h.len - 1] == '"') {
        h.p++;
        h.len -= 2;
    }
    if (h.len == 0) {
        hop->helo_src = src;   /* explicit but empty: no HELO */
        return;
    }
    if (h.len > HV_HELO_MAX) {
        h.len = HV_HELO_MAX;   /* kept, cut, and flagged */
        hop->helo_truncated = true;
    }
    memcpy(hop->helo, h.p, h.len);
    hop->helo[h.len] = '\0';
    hop->has_helo = true;
    hop->helo_src = src;
}

/* is_local_proto - protocols of pickups and local submission. */
static bool is_local_proto(struct span w)
{
    return span_prefix(w, "local") || span_prefix(w, "LMTP") ||
           span_eq(w, "IMAP") ||
           span_eq(w, "IMAP4") || span_eq(w, "IMAPS") || span_eq(w, "POP") ||
           span_eq(w, "POP3") || span_eq(w, "POP3S") ||
           span_prefix(w, "qmail-scanner") || span_eq(w, "spamassassin");
}

/* is_other_proto - a client address, but no SMTP dialogue. */
static bool is_other_proto(struct span w)
{
    return span_prefix(w, "HTTP") || span_eq(w, "MAPI") ||
           span_eq(w, "NNFMP") || span_eq(w, "QMQP");
}

/* base62_run - n bytes of [0-9A-Za-z]. */
static bool base62_run(const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)p[i];
        bool digit = is_digit(c);
        bool letter = is_alpha(c);
        if (!digit && !letter)
            return false;
    }
    return true;
}

/* is_exim_id - an Exim message ID: 6-6-2 base-62 characters, or 6-11-4
 * (Exim 4.97 and later). */
static bool is_exim_id(struct span s)
{
    if (s.len == 16)
        return base62_run(s.p, 6) && s.p[6] == '-' && base62_run(s.p + 7, 6) &&
               s.p[13] == '-' && base62_run(s.p + 14, 2);
    if (s.len == 23)
        return base62_run(s.p, 6) && s.p[6] == '-' && base62_run(s.p + 7, 11) &&
               s.p[18] == '-' && base62_run(s.p + 19, 4);
    return false;
}

/* exim_proto - Exim's received_protocol words are lower case ("smtp",
 * "esmtp", "esmtps", "esmtpa", "esmtpsa"); Postfix and Sendmail write
 * "SMTP"/"ESMTP". Case-sensitive on purpose. */
static bool exim_proto(struct span w)
{
    return (w.len >= 4 && strncmp(w.p, "smtp", 4) == 0) ||
           (w.len >= 5 && strncmp(w.p, "esmtp", 5) == 0);
}

/* from_name - the name after "from": the first word, or, when words (and
 * ';') follow it up to a comment that holds the address, all of them with
 * the bytes between (Postfix prints a HELO "a b" or "a;b" as sent).
 * *next is the index of the first token after the name; *multi says the
 * name is more than one token. */
static struct span from_name(const struct scan *sc, size_t *next, bool *multi)
{
    struct span name = {NULL, 0};
    *next = 0;
    *multi = false;
    if (sc->nfrom == 0 || sc->from[0].type != T_WORD)
        return name;
    name = trim_trailing(sc->from[0].s, ",");
    *next = 1;
    size_t j = 1;
    while (j < sc->nfrom && sc->from[j].type != T_COMMENT) {
        struct addr_info ai;
        struct span w = sc->from[j].s;
        if (sc->from[j].type == T_WORD &&
            (span_eq(w, "claiming") || parse_addr_word(w, false, &ai)))
            return name;
        j++;
    }
    if (j == 1 || j == sc->nfrom)
        return name;
    struct cinfo ci;
    analyze_comment(sc->from[j].s, &ci);
    if (!ci.has_ip)
        return name;
    const struct tok *last = &sc->from[j - 1];
    name.len = (size_t)(last->s.p + last->s.len - name.p);
    *next = j;
    *multi = true;
    return name;
}

/* interpret_from - fill ip/helo/rdns from the from clause tokens. */
static void interpret_from(const struct scan *sc, struct hv_hop *hop)
{
    size_t i;
    bool name_multi;
    struct span name = from_name(sc, &i, &name_multi);
    struct addr_info name_ai, top_ai, ip_ai;
    bool name_addr = name.len > 0 && !name_multi &&
                     parse_addr_word(name, false, &name_ai);
    bool top_ip = false;
    struct cinfo ac, ci;
    bool have_ac = false, ac_attached = false;
    bool explicit_helo = false;
    struct span helo = {NULL, 0};
    struct span plain_before = {NULL, 0};
    bool have_plain = false;

    copy_field(hop->from, sizeof(hop->from), name);
    memset(&ac, 0, sizeof(ac));
    for (; i < sc->nfrom; i++) {
        const struct tok *t = &sc->from[i];
        if (t->type == T_COMMENT) {
            analyze_comment(t->s, &ci);
            if (ci.has_helo && !explicit_helo) {
                explicit_helo = true;
                helo = ci.helo;
            }
            if (ci.has_ip && !have_ac && !top_ip) {
                ac = ci;
                have_ac = true;
                ac_attached = !t->spaced;
            } else if (ci.plain && !have_ac && !top_ip && !have_plain &&
                       !explicit_helo) {
                plain_before = ci.word;
                have_plain = true;
            }
            continue;
        }
        if (t->type != T_WORD)
            continue;
        struct span w = trim_trailing(t->s, ",");
        if (!top_ip && !have_ac && parse_addr_word(w, false, &top_ai)) {
            top_ip = true;
            continue;
        }
        if (span_eq(w, "claiming") && i + 3 < sc->nfrom &&
            span_eq(sc->from[i + 1].s, "to") &&
            span_eq(sc->from[i + 2].s, "be") && !explicit_helo) {
            explicit_helo = true;
            helo = trim_trailing(sc->from[i + 3].s, ",");
            i += 3;
        }
    }

    /* the client address */
    bool has_ip = true;
    if (have_ac)
        ip_ai = ac.ai;
    else if (top_ip)
        ip_ai = top_ai;
    else if (name_addr)
        ip_ai = name_ai;
    else
        has_ip = false;
    if (has_ip) {
        hv_addr_format(&ip_ai.a, hop->ip);
        hop->has_ip = hop->ip[0] != '\0';
    }

    bool name_bracketed = name_addr && name_ai.bracketed;
    /* "user@host" after from is a sender or local user, never a HELO */
    bool name_user = name.len > 0 && memchr(name.p, '@', name.len) != NULL;
    /* a name that can be a reverse name: one word, not an address */
    bool name_host = name.len > 0 && !name_addr && !unknownish(name) &&
                     !name_user && !name_multi;
    bool smap = have_ac && ac_attached && !ac.ai.bracketed;
    bool exim3 = have_plain && top_ip;
    /* Exim: its comment after by, its message ID, or "([IP]:port)" with
     * one of its lower-case protocol names (not XMail's "with [XMail") */
    bool exim = sc->exim || is_exim_id(sc->id) ||
                (have_ac && ac.ai.bracketed && ac.ai.port &&
                 ac.rdns.len == 0 && exim_proto(sc->with));
    /* qmail "from RDNS (IP)": not Exchange's "from HELO (IP)" (with
     * Microsoft SMTP Server), not Smail's "by X from HELO (IP)", not XMail
     * "(IP:PORT)", not Scalix "( IP)", not an address as the name */
    bool qmail = have_ac && !smap && !exim3 && !ac.ai.bracketed &&
                 ac.rdns.len == 0 && !ac.ai.port && !ac.leading_space &&
                 name_host && !span_eq(sc->with, "Microsoft") &&
                 !sc->from_after_by;

    /* the HELO */
    if (explicit_helo)
        set_helo(hop, helo, HV_HELO_EXPLICIT);
    else if (smap)
        ;   /* smap: "RDNS(IP)"; the HELO only as "claiming to be" */
    else if (exim3)
        set_helo(hop, plain_before, HV_HELO_COMMENT);
    else if (name.len == 0 || unknownish(name) || name_user)
        ;
    else if (name_addr) {
        if (!have_ac && !top_ip && !name_bracketed)
            ;   /* "from 1.2.3.4 by": an address, not a HELO */
        else if (exim && !have_ac && !top_ip)
            ;   /* Exim "from [IP]": neither name nor HELO */
        else
            set_helo(hop, name, HV_HELO_FROM);
    } else {
        /* Exim "from RDNS ([IP])" and qmail "from RDNS (IP)" print the
         * HELO only when it differs from the verified name */
        bool exim_hidden = exim && have_ac && ac.ai.bracketed &&
                           ac.rdns.len == 0;
        bool hidden = name_host && (exim_hidden || qmail);
        set_helo(hop, name, hidden ? HV_HELO_HIDDEN : HV_HELO_FROM);
    }

    /* the reverse name */
    struct span rd = {NULL, 0};
    if (have_ac && ac.rdns.len > 0) {
        rd = clean_rdns(ac.rdns);
    } else if (smap || exim3) {
        if (name_host)
            rd = name;
    } else if (have_ac && !ac.ai.bracketed) {
        if (qmail)
            rd = name;
    } else if (have_ac || top_ip) {
        if ((explicit_helo || exim || (have_ac && ac.verified)) && name_host)
            rd = name;
    }
    if (have_ac && ac.forged)
        rd.p = NULL;   /* Sendmail: the name does not map back to the IP */
    if (rd.p != NULL)
        copy_field(hop->rdns, sizeof(hop->rdns), clean_rdns(rd));
}

enum hv_hop_kind received_parse(const char *val, size_t len,
                                struct hv_hop *hop)
{
    struct scan sc;

    memset(hop, 0, sizeof(*hop));
    memset(&sc, 0, sizeof(sc));
    if (len >= 9 && strncasecmp(val, "Received:", 9) == 0) {
        val += 9;
        len -= 9;
    }
    scan_tokens(val, len, &sc);

    copy_field(hop->by, sizeof(hop->by), sc.by);
    copy_field(hop->with, sizeof(hop->with), sc.with.p ? sc.with : sc.via);
    copy_field(hop->id, sizeof(hop->id), sc.id);
    if (sc.last_semi > 0) {
        const char *d = val + sc.last_semi;
        size_t dl = len - sc.last_semi;
        while (dl > 0 && is_ws((unsigned char)*d)) {
            d++;
            dl--;
        }
        if (dl > 0 && (tstamp_rfc2822(d, dl, &hop->ts) > 0 ||
                       tstamp_ctime(d, dl, &hop->ts) > 0))
            hop->has_date = true;
    }

    if (!sc.have_from) {
        hop->kind = HV_HOP_NONE;
        return hop->kind;
    }
    interpret_from(&sc, hop);

    struct span proto = sc.with.p ? sc.with : sc.via;
    bool local = sc.fetchmail || sc.by_uid || (proto.p && is_local_proto(proto)) ||
                 span_eq((struct span){hop->from, strlen(hop->from)}, "userid");
    bool other = sc.via_http || (proto.p && is_other_proto(proto)) ||
                 (sc.via.p && is_other_proto(sc.via));
    if (local) {
        hop->kind = HV_HOP_LOCAL;
        hop->has_ip = false;
        hop->ip[0] = '\0';
    } else if (!hop->has_ip) {
        hop->kind = HV_HOP_NONE;
    } else if (other) {
        hop->kind = HV_HOP_OTHER;
        hop->has_helo = false;
        hop->helo[0] = '\0';
        hop->helo_src = HV_HELO_NONE;
    } else {
        hop->kind = HV_HOP_SMTP;
    }
    return hop->kind;
}

const char *received_kind_name(enum hv_hop_kind k)
{
    switch (k) {
    case HV_HOP_SMTP:
        return "smtp";
    case HV_HOP_LOCAL:
        return "local";
    case HV_HOP_OTHER:
        return "other";
    case HV_HOP_NONE:
        break;
    }
    return "none";
}
