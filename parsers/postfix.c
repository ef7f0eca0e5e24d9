/* SPDX-License-Identifier: MIT */
/*
 * postfix - Postfix logs (smtpd, postscreen, cleanup) into SMTP sessions.
 *
 * Line shapes (format strings from vdukhovni/postfix: smtpd/smtpd_check.c
 * log_whatsup(), smtpd/smtpd.c, cleanup/cleanup_message.c
 * cleanup_act_log(), postscreen/postscreen_*.c):
 *
 *   smtpd[7150]: connect from badserver.example.com[93.184.216.34]
 *   smtpd[7150]: NOQUEUE: reject: RCPT from badserver.example.com[93.184.
 *       216.34]: 450 4.7.1 Client host rejected: cannot find your hostname,
 *       [93.184.216.34]; from=<a@example.com> to=<b@example.com>
 *       proto=ESMTP helo=<badserver.example.com>
 *   smtpd[3462]: NOQUEUE: reject: EHLO from x[78.107.251.238]: 504 5.5.2
 *       <User>: Helo command rejected: need fully-qualified hostname;
 *       proto=SMTP helo=<User>
 *   smtpd[42]: 4104E3D: client=061238241086.static.ctinets.com[61.238.241.86]
 *   cleanup[9]: D8B07E3DB6: warning: header Subject: ... from o1.example.net
 *       [167.89.17.173]; from=<a@b> to=<c@d> proto=ESMTP helo=<o1.example.net>
 *   smtpd[42]: lost connection after STARTTLS from unknown[72.13.58.7]
 *   smtpd[42]: disconnect from unknown[192.0.2.1] helo=1 auth=0/1 quit=1
 *       commands=2/3                      (counters, not a HELO)
 *   postscreen[1148]: CONNECT from [61.238.241.86]:53024 to [89.1.2.3]:25
 *   postscreen[1148]: PASS OLD [61.238.241.86]:53024
 *   postscreen[1148]: NOQUEUE: reject: RCPT from [216.245.194.173]:60591:
 *       550 5.7.1 Service unavailable; ...; from=<s@x>, to=<r@y>,
 *       proto=ESMTP, helo=<badguy.example.com>
 *   postscreen[1148]: DISCONNECT [216.81.72.72]:43421
 *
 * Everything is hand-scanned: a cheap look at the program name and the first
 * words of the message decides whether a line matters at all, then a few
 * memchr/memcmp passes take it apart. Nothing is allocated per line; open
 * sessions live in chunked slot pools that only grow up to the limits in
 * postfix.h. Trust: the whole line is attacker-influenced (HELO, addresses,
 * reply text, header text), so the client is taken from the fixed position
 * right after the command and the HELO from the trailer after " proto=".
 */
#include "postfix.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#include <time.h>

#include "ascii.h"
#include "bytehash.h"
#include "spamtext.h"
#include "syslog.h"
#include "textscan.h"
#include "xmem.h"

#define PF_KEY_MAX 200   /* host, tag, pid (and postscreen client) */
#define PF_CHUNK 1024    /* slots per pool chunk */
#define PF_NONE 0u       /* "no slot" in the index+1 links */

/* ==== Line facts ==== */

enum pf_kind {
    K_NONE,        /* nothing for us */
    K_CONNECT,     /* smtpd "connect from", postscreen "CONNECT from" */
    K_DISCONNECT,  /* smtpd "disconnect from", postscreen "DISCONNECT" */
    K_CLIENT,      /* "QID: client=" */
    K_PASS,        /* postscreen hands the client to smtpd */
    K_OTHER,       /* any other line naming the client or a HELO */
};

/* Client addresses seen lately and found valid: a session names its client
 * on most of its lines, so most checks are answered here. Direct-mapped,
 * texts of 8 to PF_ADDR_SEEN_MAX bytes (every dotted quad but the shortest,
 * IPv6), compared whole. */
#define PF_ADDR_CACHE 256
#define PF_ADDR_SEEN_MAX 46
struct pf_addr_seen {
    uint64_t head, tail;       /* the first and the last 8 bytes */
    uint8_t len;               /* 0: empty */
    bool canon4;               /* a canonical dotted quad */
    char mid[PF_ADDR_SEEN_MAX - 16];   /* the bytes between, if any */
};

/* What one line says; spans point into the line. */
struct pf_info {
    struct pf_addr_seen *seen; /* the parser's address cache */
    enum pf_kind kind;
    const char *name;     /* client name as logged ("unknown" included) */
    size_t name_len;
    const char *ip;       /* client address text, NULL when not named */
    size_t ip_len;
    bool ip_is_canon;     /* ip is a canonical dotted quad already */
    const char *helo;     /* HELO from the trailer, NULL when absent */
    size_t helo_len;
    const char *qid;      /* queue ID of the line, NULL when none */
    size_t qid_len;
    int reply;            /* 4 or 5 for a rejection, else 0 */
    enum hv_label_from label; /* a 5xx rejection's spam label, else NONE */
    bool uncount;         /* the message qid was rejected after client= */
    bool lost;            /* lost connection / timeout */
    bool preconnect;      /* smtpd logs it before "connect from" */
    int helo_seen;        /* -1: no HELO given (yet), +1: one was given
                             (name not shown), 0: the line does not tell */
};

/* The parts of one line that identify its process. */
struct pf_ctx {
    int64_t ts;
    uint64_t lineno;
    uint64_t offset;
    const char *host;
    size_t host_len;
    const char *prog;
    size_t prog_len;
    const char *pid;
    size_t pid_len;
    const char *base;     /* daemon name: last part of prog */
    size_t base_len;
};

/* ==== State ==== */

/* An open session. */
struct pf_sess {
    struct hv_session s;
    uint64_t serial;           /* unique per session, for queue-ID links */
    uint32_t self;             /* own index + 1 */
    uint32_t hnext;            /* hash chain (index + 1) / free list */
    uint32_t prev, next;       /* activity list, oldest first (index + 1) */
    uint32_t khash;
    uint16_t keylen;
    uint16_t pklen;            /* key prefix without the client */
    uint32_t pkhash;           /* hash of that prefix */
    uint32_t pnext;            /* chain of the per-process index */
    uint64_t last_act;         /* activity stamp (line count) */
    bool in_use;
    bool connected;            /* its "connect from" was seen */
    bool pre_only;             /* only pre-connect warnings so far */
    uint32_t qhead;            /* its queue IDs (qmap entries, index + 1) */
    char key[PF_KEY_MAX];
};

/* A closed session that late cleanup lines may still update. */
struct pf_closed {
    struct hv_session s;
    uint64_t serial;           /* 0: empty */
    uint32_t qhead;            /* its queue IDs (qmap entries, index + 1) */
};

/* A postscreen connection handed to smtpd (dropped unless revived). */
struct pf_handoff {
    bool used;
    uint32_t hnext;            /* bucket chain (index + 1) */
    uint32_t khash;
    uint16_t keylen;
    int64_t ts;
    uint64_t line, offset;
    char ip[HV_IP_MAX + 1];
    char key[PF_KEY_MAX];
};

enum { Q_OPEN = 1, Q_CLOSED = 2 };

/* Queue ID -> session (open slot or closed ring entry). */
struct pf_qent {
    char qid[HV_QID_MAX + 1];
    uint8_t len;
    uint8_t where;             /* Q_OPEN, Q_CLOSED, 0 when free */
    uint32_t idx;
    uint64_t serial;
    uint32_t hnext;            /* hash chain / free list (index + 1) */
    uint32_t snext;            /* next queue ID of the same session */
    uint32_t qhash;            /* hash of qid */
    bool uncounted;            /* its message was rejected after client= */
};

struct hv_parser {
    hv_emit_fn emit;
    void *arg;
    struct pf_addr_seen seen[PF_ADDR_CACHE];
    struct hv_clock own_clock;
    struct hv_clock *clock;
    size_t max_open, closed_n, handoff_n;
    /* open sessions */
    struct pf_sess **chunks;
    size_t nchunks;
    uint32_t nslots;           /* slots allocated */
    uint32_t free_head;
    uint32_t *buckets;
    uint32_t *pbuckets;        /* per-process index: (host, tag, pid) */
    uint32_t nbuckets;         /* power of two, both tables */
    uint64_t act;              /* activity counter */
    size_t nopen;
    uint32_t lru_head, lru_tail;
    uint64_t next_serial;
    /* closed ring, handoff ring */
    struct pf_closed *closed;
    size_t closed_pos;
    struct pf_handoff *handoff;
    size_t handoff_pos;
    uint32_t *hbuckets;        /* handoff_n * 2 (a power of two) buckets */
    uint32_t nhbuckets;
    /* queue IDs */
    struct pf_qent **qchunks;
    size_t nqchunks;
    uint32_t nqslots;
    uint32_t qfree;
    uint32_t *qbuckets;
    uint32_t nqbuckets;
    size_t nq;
    struct postfix_stats st;
    struct hv_syslog_cache stamp_cache;
};

/* ==== Small scanners ==== */

/* has_prefix - p (n bytes) starts with the literal s. */
static inline bool has_prefix(const char *p, size_t n, const char *s,
                              size_t sl)
{
    return n >= sl && memcmp(p, s, sl) == 0;
}
#define HAS(p, n, lit) has_prefix((p), (n), lit, sizeof(lit) - 1)

/* Byte classes: CLS_ALNUM letter or digit, CLS_DIGIT digit, CLS_HEX digit
 * or A-F (queue IDs), CLS_NAME a byte of a host name as Postfix logs it
 * (valid_hostname: letters, digits, '-', '.', '_'). */
enum { CLS_ALNUM = 1, CLS_DIGIT = 2, CLS_HEX = 4, CLS_NAME = 8 };
#define CLS_D (CLS_ALNUM | CLS_DIGIT | CLS_HEX | CLS_NAME)
#define CLS_X (CLS_ALNUM | CLS_HEX | CLS_NAME)
#define CLS_L (CLS_ALNUM | CLS_NAME)
static const unsigned char cls[256] = {
    ['-'] = CLS_NAME, ['.'] = CLS_NAME, ['_'] = CLS_NAME,
    ['0'] = CLS_D, ['1'] = CLS_D, ['2'] = CLS_D, ['3'] = CLS_D, ['4'] = CLS_D,
    ['5'] = CLS_D, ['6'] = CLS_D, ['7'] = CLS_D, ['8'] = CLS_D, ['9'] = CLS_D,
    ['A'] = CLS_X, ['B'] = CLS_X, ['C'] = CLS_X, ['D'] = CLS_X, ['E'] = CLS_X, ['F'] = CLS_X,
    ['G'] = CLS_L, ['H'] = CLS_L, ['I'] = CLS_L, ['J'] = CLS_L, ['K'] = CLS_L, ['L'] = CLS_L,
    ['M'] = CLS_L, ['N'] = CLS_L, ['O'] = CLS_L, ['P'] = CLS_L, ['Q'] = CLS_L, ['R'] = CLS_L,
    ['S'] = CLS_L, ['T'] = CLS_L, ['U'] = CLS_L, ['V'] = CLS_L, ['W'] = CLS_L, ['X'] = CLS_L,
    ['Y'] = CLS_L, ['Z'] = CLS_L,
    ['a'] = CLS_L, ['b'] = CLS_L, ['c'] = CLS_L, ['d'] = CLS_L, ['e'] = CLS_L, ['f'] = CLS_L,
    ['g'] = CLS_L, ['h'] = CLS_L, ['i'] = CLS_L, ['j'] = CLS_L, ['k'] = CLS_L, ['l'] = CLS_L,
    ['m'] = CLS_L, ['n'] = CLS_L, ['o'] = CLS_L, ['p'] = CLS_L, ['q'] = CLS_L, ['r'] = CLS_L,
    ['s'] = CLS_L, ['t'] = CLS_L, ['u'] = CLS_L, ['v'] = CLS_L, ['w'] = CLS_L, ['x'] = CLS_L,
    ['y'] = CLS_L, ['z'] = CLS_L,
};

/* is_namech - byte of a logged client name (CLS_NAME). */
static inline bool is_namech(unsigned char c)
{
    return (cls[c] & CLS_NAME) != 0;
}

/* namech_end - the first byte in [p, end) that is not a name byte (or
 * end); 16 at a time with SSE2. */
static const char *namech_end(const char *p, const char *end)
{
#if defined(__SSE2__)
    const __m128i a1 = _mm_set1_epi8('a' - 1), z1 = _mm_set1_epi8('z' + 1),
                  d1 = _mm_set1_epi8('0' - 1), n1 = _mm_set1_epi8('9' + 1),
                  lc = _mm_set1_epi8(0x20), dash = _mm_set1_epi8('-'),
                  dot = _mm_set1_epi8('.'), us = _mm_set1_epi8('_');
    while (end - p >= 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
        __m128i lo = _mm_or_si128(v, lc);   /* bytes >= 0x80 stay negative */
        __m128i ok = _mm_and_si128(_mm_cmpgt_epi8(lo, a1), _mm_cmpgt_epi8(z1, lo));
        ok = _mm_or_si128(ok, _mm_and_si128(_mm_cmpgt_epi8(v, d1), _mm_cmpgt_epi8(n1, v)));
        ok = _mm_or_si128(ok, _mm_or_si128(_mm_cmpeq_epi8(v, dash),
                                           _mm_or_si128(_mm_cmpeq_epi8(v, dot),
                                                        _mm_cmpeq_epi8(v, us))));
        unsigned bad = ~(unsigned)_mm_movemask_epi8(ok) & 0xFFFFu;
        if (bad != 0)
            return p + __builtin_ctz(bad);
        p += 16;
    }
#endif
    while (p < end && is_namech((unsigned char)*p))
        p++;
    return p;
}

/* rchr - last c in [p, p+n), or NULL. */
static const char *rchr(const char *p, size_t n, char c)
{
    while (n-- > 0)
        if (p[n] == c)
            return p + n;
    return NULL;
}

/* ip4_canonical - p is a dotted quad exactly as inet_ntop writes it (no
 * leading zeros, parts up to 255): its text is then its canonical form and
 * inet_pton/inet_ntop (which formats through sprintf) can be skipped. */
static bool ip4_canonical(const char *p, size_t n)
{
    if (n < 7 || n > 15)
        return false;
    const unsigned char *s = (const unsigned char *)p, *e = s + n;
    /* four parts of 1-3 digits, no leading zero, at most 255, dots between */
    for (int part = 0; part < 4; part++) {
        if (s >= e || !is_digit(*s))
            return false;
        unsigned v = (unsigned)(*s++ - '0');
        if (s < e && is_digit(*s)) {
            if (v == 0)
                return false;
            v = v * 10 + (unsigned)(*s++ - '0');
            if (s < e && is_digit(*s)) {
                v = v * 10 + (unsigned)(*s++ - '0');
                if (v > 255)
                    return false;
            }
        }
        if (part < 3) {
            if (s >= e || *s != '.')
                return false;
            s++;
        }
    }
    return s == e;
}

/* ip_canon - canonical text of an address into out (46 bytes). */
static bool ip_canon(const char *p, size_t n, char out[46])
{
    if (ip4_canonical(p, n)) {
        memcpy(out, p, n);
        out[n] = '\0';
        return true;
    }
    return hv_ip_canon(p, n, out);
}

/* addr_valid - whether the n bytes at p are an address, and a canonical
 * dotted quad (*canon4); seen (may be NULL) remembers valid ones. */
static bool addr_valid(struct pf_addr_seen *seen, const char *p, size_t n, bool *canon4)
{
    struct pf_addr_seen *e = NULL;
    uint64_t head = 0, tail = 0;
    if (seen != NULL && n >= 8 && n <= PF_ADDR_SEEN_MAX) {
        memcpy(&head, p, 8);
        memcpy(&tail, p + n - 8, 8);
        uint64_t h = (head * 0x9E3779B97F4A7C15ull) ^ (tail * 0xc4ceb9fe1a85ec53ull) ^ n;
        e = &seen[(h >> 32) % PF_ADDR_CACHE];
        if (e->len == n && e->head == head && e->tail == tail &&
            (n <= 16 || memcmp(e->mid, p + 8, n - 16) == 0)) {
            *canon4 = e->canon4;
            return true;
        }
    }
    *canon4 = ip4_canonical(p, n);
    struct hv_addr a;
    if (!*canon4 && !hv_addr_parse(p, n, &a))
        return false;
    if (e != NULL) {
        e->head = head;
        e->tail = tail;
        e->len = (uint8_t)n;
        e->canon4 = *canon4;
        if (n > 16)
            memcpy(e->mid, p + 8, n - 16);
    }
    return true;
}

/* scan_client - "NAME[IP]" (NAME may be empty) at p, optionally followed by
 * ":PORT". Returns the byte after it, or NULL (info untouched) when p does
 * not hold that shape or IP is not an address. */
static const char *scan_client(const char *p, const char *end,
                               struct pf_info *in)
{
    const char *q = p;
    q = namech_end(q, end);
    if (q >= end || *q != '[')
        return NULL;
    const char *ip = q + 1;
    /* bounded: an address is short, and a hostile line may hold many
     * "from x[" without a ']' (this keeps every scan linear) */
    size_t lim = (size_t)(end - ip) < 64 ? (size_t)(end - ip) : 64;
    const char *cb = memchr(ip, ']', lim);
    if (cb == NULL || cb == ip || cb - ip > 60)
        return NULL;
    bool canon4;
    if (!addr_valid(in->seen, ip, (size_t)(cb - ip), &canon4))
        return NULL;
    in->name = p;
    in->name_len = (size_t)(q - p);
    in->ip = ip;
    in->ip_len = (size_t)(cb - ip);
    in->ip_is_canon = canon4;
    q = cb + 1;
    if (q + 1 < end && *q == ':' && is_digit((unsigned char)q[1])) {
        q++;
        while (q < end && is_digit((unsigned char)*q))
            q++;
    }
    return q;
}

/* find_from_client - the first "from NAME[IP]" in [p, end) (at the start or
 * after a space). Returns the byte after the client, or NULL. */
static const char *find_from_client(const char *p, const char *end,
                                    struct pf_info *in)
{
    const char *q = p;
    if (HAS(q, (size_t)(end - q), "from ")) {
        const char *r = scan_client(q + 5, end, in);
        if (r != NULL)
            return r;
    }
    while (q < end) {
        const char *f = hv_find(q, (size_t)(end - q), " from ", 6);
        if (f == NULL)
            return NULL;
        const char *r = scan_client(f + 6, end, in);
        if (r != NULL)
            return r;
        q = f + 6;
    }
    return NULL;
}

/* reply_class - 4 or 5 for a reply ("550 5.7.1 ...", "5.7.1 ...",
 * "451-4.7.1") at p after spaces, 2 for 2xx, 0 when no code is there. */
static int reply_class(const char *p, const char *end)
{
    while (p < end && *p == ' ')
        p++;
    if (end - p >= 3 && is_digit((unsigned char)p[0]) &&
        is_digit((unsigned char)p[1]) && is_digit((unsigned char)p[2]) &&
        (end - p == 3 || p[3] == ' ' || p[3] == '-'))
        return p[0] - '0';
    if (end - p >= 5 && is_digit((unsigned char)p[0]) && p[1] == '.' &&
        is_digit((unsigned char)p[2]))
        return p[0] - '0';
    return 0;
}

/* scan_qid - length of a queue ID followed by ": " at p, or 0. Short IDs
 * are upper-case hex, long IDs (enable_long_queue_ids) letters and digits
 * with a digit somewhere; "warning", "statistics" or "NOQUEUE" are
 * neither. */
static size_t scan_qid(const char *p, size_t n)
{
    size_t k = 0, lim = n < HV_QID_MAX + 1 ? n : HV_QID_MAX + 1;
    unsigned any = 0, all = CLS_DIGIT | CLS_HEX;
    for (; k < lim; k++) {
        unsigned c = cls[(unsigned char)p[k]];
        if (!(c & CLS_ALNUM))
            break;
        any |= c;
        all &= c;
    }
    bool digit = (any & CLS_DIGIT) != 0, hex = (all & CLS_HEX) != 0;
    if (k < 5 || k > HV_QID_MAX || !(digit || hex) || k + 1 >= n ||
        p[k] != ':' || p[k + 1] != ' ')
        return 0;
    return k;
}

/* find_helo - the HELO of the trailer "... proto=ESMTP helo=<HELO>" (smtpd,
 * cleanup) or "..., proto=ESMTP, helo=<HELO>" (postscreen). The trailer is
 * found from the last " proto=", which comes after any client-supplied
 * text; without one, the last " helo=<" is taken. The HELO runs to the last
 * '>' of the field: the end of the line, or for cleanup lines the ">: "
 * before the optional text. Returns false when there is no complete one. */
static bool find_helo(const char *m, size_t n, bool cleanup,
                      struct pf_info *in)
{
    const char *end = m + n;
    const char *h = NULL;
    const char *pr = hv_rfind(m, n, " proto=", 7);
    if (pr != NULL) {
        const char *q = pr + 7;
        while (q < end && *q != ' ' && *q != ',')
            q++;
        if (q < end && *q == ',')
            q++;
        if (q < end && *q == ' ')
            q++;
        if (HAS(q, (size_t)(end - q), "helo=<"))
            h = q + 6;
    } else {
        const char *q = hv_rfind(m, n, " helo=<", 7);
        if (q != NULL)
            h = q + 7;
    }
    if (h == NULL)
        return false;
    const char *e = NULL;
    if (cleanup)
        e = hv_find(h, (size_t)(end - h), ">: ", 3);
    if (e == NULL)
        e = rchr(h, (size_t)(end - h), '>');
    if (e == NULL)
        return false;
    in->helo = h;
    in->helo_len = (size_t)(e - h);
    return true;
}

/* action_reject - reply class an action implies when its reply has no
 * code: 5 for reject-like actions, 4 for defer, 0 for the others (warn,
 * info, reject_warning, discard, hold, filter, redirect, prepend...). */
static int action_reject(const char *a, size_t n)
{
    if ((n == 6 && memcmp(a, "reject", 6) == 0) ||
        (n == 13 && memcmp(a, "milter-reject", 13) == 0) ||
        (n == 12 && memcmp(a, "proxy-reject", 12) == 0))
        return 5;
    if (n == 5 && memcmp(a, "defer", 5) == 0)
        return 4;
    return 0;
}

/* reject_label - the spam label of a 5xx rejection whose reply text
 * starts at t (spamtext.h): DNSBL when the text up to the trailer
 * ("; from=<") cites a block list; at the content stage (content: DATA,
 * BDAT, END-OF-MESSAGE) FILTER for a milter's rejection or a text that
 * says spam; else NONE. */
static enum hv_label_from reject_label(const char *t, const char *end, bool content,
                                       bool milter)
{
    const char *tr = FIND(t, (size_t)(end - t), "; from=<");
    enum hv_label_from l = hv_reject_label(t, (size_t)((tr != NULL ? tr : end) - t));
    if (l == HV_LFROM_DNSBL)
        return l;
    return content && (milter || l == HV_LFROM_FILTER) ? HV_LFROM_FILTER : HV_LFROM_NONE;
}

/* content_cmd - the command of a rejection is a content stage one. */
static bool content_cmd(const char *cmd, size_t cl)
{
    return (cl == 4 && (memcmp(cmd, "DATA", 4) == 0 || memcmp(cmd, "BDAT", 4) == 0)) ||
           (cl == 14 && memcmp(cmd, "END-OF-MESSAGE", 14) == 0);
}

/* ==== Per-program classifiers ==== */

/* smtpd_action - "ACTION: CMD from NAME[IP]: REPLY; trailer" at r (after
 * "NOQUEUE: " or "QID: "). Returns false when r is not of that shape. */
static bool smtpd_action(const char *r, const char *end, struct pf_info *in)
{
    const char *a = r;
    while (r < end && (is_lower(*r) || *r == '_' || *r == '-'))
        r++;
    size_t alen = (size_t)(r - a);
    if (alen == 0 || end - r < 2 || r[0] != ':' || r[1] != ' ')
        return false;
    r += 2;
    const char *cmd = r;
    while (r < end && (is_upper(*r) || *r == '-'))
        r++;
    if (r == cmd || !HAS(r, (size_t)(end - r), " from "))
        return false;
    const char *after = scan_client(r + 6, end, in);
    if (after == NULL)
        return false;
    in->kind = K_OTHER;
    int code = action_reject(a, alen);
    if (code != 0) {
        int c = 0;
        if (after < end && *after == ':')
            c = reply_class(after + 1, end);
        in->reply = c == 4 || c == 5 ? c : (c == 0 ? code : 0);
        size_t cl = (size_t)(r - cmd);
        bool content = content_cmd(cmd, cl);
        if (in->qid != NULL && content)
            in->uncount = in->reply != 0;
        if (in->reply == 5)
            in->label = reject_label(after, end, content,
                                     alen == 13 && a[0] == 'm');
    }
    /* log_whatsup() writes helo=<...> whenever a HELO was given: a
     * trailer with proto= but without it shows none so far */
    if (!find_helo(a, (size_t)(end - a), false, in) &&
        hv_rfind(a, (size_t)(end - a), " proto=", 7) != NULL)
        in->helo_seen = -1;
    return true;
}

/* disconnect_counters - "disconnect from C ehlo=1 mail=1 ... commands=5"
 * (Postfix 3.0+): +1 when helo= or ehlo= counts a HELO, -1 when the
 * counters are there without one, 0 without counters. */
static int disconnect_counters(const char *r, const char *end)
{
    size_t n = (size_t)(end - r);
    if (hv_find(r, n, " commands=", 10) == NULL)
        return 0;
    return hv_find(r, n, " helo=", 6) != NULL ||
                   hv_find(r, n, " ehlo=", 6) != NULL
               ? 1
               : -1;
}

/* after_connect - "lost connection after CONNECT", "timeout after
 * CONNECT": the client left before any command, HELO included. */
static bool after_connect(const char *r, const char *end)
{
    return HAS(r, (size_t)(end - r), "CONNECT ");
}

/* trace_helo - the verbose trace (debug_peer_list) "< NAME[IP]: HELO arg"
 * or "EHLO arg": the client and the HELO as sent. */
static void trace_helo(const char *m, const char *end, struct pf_info *in)
{
    const char *after = scan_client(m + 2, end, in);
    if (after == NULL || end - after < 7 || after[0] != ':' || after[1] != ' ')
        goto none;
    const char *c = after + 2;
    if ((c[0] != 'H' && c[0] != 'h' && c[0] != 'E' && c[0] != 'e') ||
        (c[1] != 'E' && c[1] != 'e' && c[1] != 'H' && c[1] != 'h') ||
        (c[2] != 'L' && c[2] != 'l') || (c[3] != 'O' && c[3] != 'o') ||
        c[4] != ' ')
        goto none;
    const char *h = c + 5;
    while (h < end && *h == ' ')
        h++;
    const char *e = end;
    while (e > h && (e[-1] == ' ' || e[-1] == '\r'))
        e--;
    if (e == h)
        goto none;
    in->kind = K_OTHER;
    in->helo = h;
    in->helo_len = (size_t)(e - h);
    return;
none:
    in->ip = NULL;
    in->name = NULL;
    in->name_len = 0;
    in->ip_is_canon = false;
}

/* smtpd_warning - client of "warning: ..." lines: "NAME[IP]: SASL ...",
 * "hostname H does not resolve to address IP", "IP: address not listed
 * for hostname H", "IP: hostname H verification failed", or any
 * "... from NAME[IP]" (rate limits, non-SMTP commands...). */
static void smtpd_warning(const char *r, const char *end, struct pf_info *in)
{
    const char *after = scan_client(r, end, in);
    if (after != NULL && after < end && *after == ':')
        return;
    in->ip = NULL;
    in->ip_is_canon = false;
    in->name = NULL;
    in->name_len = 0;
    if (HAS(r, (size_t)(end - r), "hostname ")) {
        const char *f = hv_find(r, (size_t)(end - r), " does not resolve to address ", 29);
        if (f != NULL) {
            const char *ip = f + 29, *q = ip;
            while (q < end && *q != ':' && *q != ' ')
                q++;
            /* IPv6 has colons: take up to ": " or the end instead */
            const char *c = hv_find(ip, (size_t)(end - ip), ": ", 2);
            const char *e = c != NULL ? c : end;
            struct hv_addr a;
            if (hv_addr_parse(ip, (size_t)(q - ip), &a)) {
                in->ip = ip;
                in->ip_len = (size_t)(q - ip);
            } else if (hv_addr_parse(ip, (size_t)(e - ip), &a)) {
                in->ip = ip;
                in->ip_len = (size_t)(e - ip);
            }
            in->preconnect = in->ip != NULL;
            return;
        }
    }
    const char *c = hv_find(r, (size_t)(end - r), ": ", 2);
    if (c != NULL && c - r <= 45) {
        const char *rest = c + 2;
        size_t rl = (size_t)(end - rest);
        struct hv_addr a;
        if ((HAS(rest, rl, "address not listed for hostname ") ||
             (HAS(rest, rl, "hostname ") &&
              hv_find(rest, rl, " verification failed", 20) != NULL)) &&
            hv_addr_parse(r, (size_t)(c - r), &a)) {
            in->ip = r;
            in->ip_len = (size_t)(c - r);
            in->preconnect = true;
            return;
        }
    }
    find_from_client(r, end, in);
}

/* smtpd_line - classify one smtpd message. */
static void smtpd_line(const char *m, size_t n, struct pf_info *in)
{
    const char *end = m + n;
    if (n < 8)
        return;
    switch (m[0]) {
    case 'c':
        if (HAS(m, n, "connect from ")) {
            if (scan_client(m + 13, end, in) != NULL)
                in->kind = K_CONNECT;
            return;
        }
        break;
    case 'd':
        if (HAS(m, n, "disconnect from ")) {
            in->kind = K_DISCONNECT;
            scan_client(m + 16, end, in);
            in->helo_seen = disconnect_counters(m + 16, end);
            return;
        }
        break;
    case 'l':
        if (HAS(m, n, "lost connection after ")) {
            in->lost = true;
            in->kind = K_OTHER;
            find_from_client(m + 22, end, in);
            if (after_connect(m + 22, end))
                in->helo_seen = -1;
            return;
        }
        break;
    case 't':
        if (HAS(m, n, "timeout after ")) {
            in->lost = true;
            in->kind = K_OTHER;
            find_from_client(m + 14, end, in);
            if (after_connect(m + 14, end))
                in->helo_seen = -1;
            return;
        }
        break;
    case 'w':
        if (HAS(m, n, "warning: ")) {
            smtpd_warning(m + 9, end, in);
            if (in->ip != NULL)
                in->kind = K_OTHER;
            return;
        }
        break;
    case 'p':
        if (HAS(m, n, "proxy-accept: ") || HAS(m, n, "proxy-reject: ")) {
            /* smtpd_proxy_filter: HELO and reply, but no client address */
            in->kind = K_OTHER;
            if (m[6] == 'r') {
                const char *c = hv_find(m + 14, n - 14, ": ", 2);
                int cl = c != NULL ? reply_class(c + 2, end) : 0;
                in->reply = cl == 4 || cl == 5 ? cl : (cl == 0 ? 5 : 0);
                /* the after-queue filter (amavis...) on the message */
                if (in->reply == 5 && c != NULL)
                    in->label = reject_label(c, end, HAS(m + 14, n - 14, "END-OF-MESSAGE"),
                                             false);
            }
            find_helo(m, n, false, in);
            return;
        }
        break;
    case '<':
        if (m[1] == ' ') {
            trace_helo(m, end, in);
            return;
        }
        break;
    case 'N':
        if (HAS(m, n, "NOQUEUE: ")) {
            const char *r = m + 9;
            size_t rl = n - 9;
            if (HAS(r, rl, "lost connection after ") ||
                HAS(r, rl, "timeout after ")) {
                in->lost = true;
                in->kind = K_OTHER;
                find_from_client(r, end, in);
                return;
            }
            if (smtpd_action(r, end, in))
                return;
            if (find_from_client(r, end, in) != NULL)
                in->kind = K_OTHER;
            return;
        }
        break;
    default:
        break;
    }
    if (is_alnum((unsigned char)m[0])) {
        size_t ql = scan_qid(m, n);
        if (ql > 0) {
            const char *r = m + ql + 2;
            in->qid = m;
            in->qid_len = ql;
            if (HAS(r, (size_t)(end - r), "client=")) {
                if (scan_client(r + 7, end, in) != NULL)
                    in->kind = K_CLIENT;
                return;
            }
            if (smtpd_action(r, end, in))
                return;
            in->qid = NULL;
        }
    }
    /* TLS, SSL_accept, pipelining, "too many errors", "bare <LF>"... */
    if (find_from_client(m, end, in) != NULL)
        in->kind = K_OTHER;
}

/* postscreen_line - classify one postscreen message; the client is the
 * first "[IP]" (every postscreen line about a client names it so). */
static void postscreen_line(const char *m, size_t n, struct pf_info *in)
{
    const char *end = m + n;
    const char *b = memchr(m, '[', n);
    if (b == NULL)
        return;
    const char *after = scan_client(b, end, in);
    if (after == NULL)
        return;
    in->name = NULL;
    in->name_len = 0;
    in->kind = K_OTHER;
    if (HAS(m, n, "CONNECT from ")) {
        in->kind = K_CONNECT;
    } else if (HAS(m, n, "DISCONNECT ")) {
        in->kind = K_DISCONNECT;
    } else if (HAS(m, n, "PASS NEW ") || HAS(m, n, "PASS OLD ") ||
               HAS(m, n, "WHITELISTED ") || HAS(m, n, "ALLOWLISTED ")) {
        in->kind = K_PASS;
    } else if (HAS(m, n, "HANGUP ") || HAS(m, n, "PREGREET ")) {
        /* before the SMTP handshake: no HELO so far (a later helo=<>
         * trailer still gives one) */
        in->helo_seen = -1;
    } else if (HAS(m, n, "NOQUEUE: reject: ")) {
        int c = after < end && *after == ':' ? reply_class(after + 1, end) : 0;
        if (c == 4 || c == 5)
            in->reply = c;
        else if (c == 0)    /* "CONNECT from [..]:p: too many connections" */
            in->reply = HAS(m + 17, n - 17, "CONNECT ") ? 4 : 5;
        if (in->reply == 5)
            in->label = reject_label(after, end, false, false);
        find_helo(m, n, false, in);
    }
}

/* cleanup_client - the client of a header/body check line, "... from
 * NAME[IP]; from=<s> to=<r> proto=P helo=<h>": the last "NAME[IP];" that
 * is followed by a trailer field, searched backwards from lim. */
static void cleanup_client(const char *m, const char *lim, struct pf_info *in)
{
    const char *q = lim;
    while (q > m) {
        const char *s = hv_rfind(m, (size_t)(q - m), "];", 2);
        if (s == NULL)
            return;
        const char *t = s + 2;
        size_t tl = (size_t)(lim - t);
        if (tl == 0 || HAS(t, tl, " from=<") || HAS(t, tl, " to=<") ||
            HAS(t, tl, " proto=") || HAS(t, tl, " helo=<")) {
            const char *w = s - m > 64 ? s - 64 : m;
            const char *o = rchr(w, (size_t)(s - w), '[');
            if (o != NULL) {
                const char *nm = o;
                while (nm > m && is_namech((unsigned char)nm[-1]))
                    nm--;
                if (nm - m >= 6 && memcmp(nm - 6, " from ", 6) == 0 &&
                    scan_client(nm, s + 1, in) != NULL)
                    return;
            }
        }
        q = s;
    }
}

/* cleanup_line - "QID: ACTION: header|body NAME: TEXT from NAME[IP];
 * trailer[: text]" (header_checks) or "QID: milter-reject: CMD from
 * NAME[IP]: REPLY; trailer" (milters). Only lines with a HELO or a
 * rejection matter; message-id= and the like are skipped at once. */
static void cleanup_line(const char *m, size_t n, struct pf_info *in)
{
    const char *end = m + n;
    size_t ql = scan_qid(m, n);
    if (ql == 0)
        return;
    const char *a = m + ql + 2, *r = a;
    while (r < end && (is_lower(*r) || *r == '_' || *r == '-'))
        r++;
    size_t alen = (size_t)(r - a);
    if (alen == 0 || end - r < 2 || r[0] != ':' || r[1] != ' ')
        return;       /* "message-id=<...>", "resent-message-id=..." */
    int code = action_reject(a, alen);
    bool helo = find_helo(m, n, true, in);
    if (!helo && code == 0)
        return;
    in->qid = m;
    in->qid_len = ql;
    in->kind = K_OTHER;
    r += 2;
    size_t rl = (size_t)(end - r);
    if (HAS(r, rl, "header ") || HAS(r, rl, "body ")) {
        const char *lim = helo ? in->helo - 6 : end;
        cleanup_client(r, lim, in);
        if (code != 0) {
            int c = 0;
            const char *t = helo ? in->helo + in->helo_len : r;
            const char *x = hv_find(t, (size_t)(end - t), ": ", 2);
            if (x != NULL)
                c = reply_class(x + 2, end);
            in->reply = c == 4 || c == 5 ? c : (c == 0 ? code : 0);
            /* header_checks / body_checks: a content filter */
            if (in->reply == 5)
                in->label = HV_LFROM_FILTER;
        }
    } else {
        const char *cmd = r;
        while (r < end && (is_upper(*r) || *r == '-'))
            r++;
        const char *after = NULL;
        if (r > cmd && HAS(r, (size_t)(end - r), " from "))
            after = scan_client(r + 6, end, in);
        if (code != 0) {
            int c = after != NULL && after < end && *after == ':'
                        ? reply_class(after + 1, end) : 0;
            in->reply = c == 4 || c == 5 ? c : (c == 0 ? code : 0);
            if (in->reply == 5 && after != NULL)
                in->label = reject_label(after, end, content_cmd(cmd, (size_t)(r - cmd)),
                                         alen == 13 && a[0] == 'm');
        }
    }
    in->uncount = in->reply != 0;
}

/* ==== Open-session table ==== */

/* slot - the open-session slot of index+1 i. */
static inline struct pf_sess *slot(const struct hv_parser *p, uint32_t i)
{
    return &p->chunks[(i - 1) / PF_CHUNK][(i - 1) % PF_CHUNK];
}

/* slot_index - the index + 1 of an open-session slot. */
static inline uint32_t slot_index(const struct hv_parser *p,
                                  const struct pf_sess *ps)
{
    (void)p;
    return ps->self;
}

/* make_key - "host\x1ftag\x1fpid\x1f[client]" into key; returns length.
 * When the line holds host, tag and pid as "host tag[pid" (the usual
 * syslog layout) that span is taken whole, with its ' ' and '[' for
 * separators: no host holds a space and no tag a '[', so keys of either
 * shape never meet. */
static uint16_t make_key(const struct pf_ctx *cx, const char *client,
                         size_t client_len, char key[PF_KEY_MAX],
                         uint32_t *hash, uint16_t *pklen)
{
    size_t k = 0;
    const char *end = cx->pid + cx->pid_len;
    if (cx->host_len > 0 && cx->prog == cx->host + cx->host_len + 1 &&
        cx->host[cx->host_len] == ' ' && cx->pid == cx->prog + cx->prog_len + 1 &&
        cx->prog[cx->prog_len] == '[' && (size_t)(end - cx->host) < PF_KEY_MAX / 2) {
        k = (size_t)(end - cx->host);
        memcpy(key, cx->host, k);
        key[k++] = '\x1f';
        *pklen = (uint16_t)k;
        if (client != NULL) {
            size_t n = client_len < PF_KEY_MAX - 1 - k ? client_len : PF_KEY_MAX - 1 - k;
            memcpy(key + k, client, n);
            k += n;
        }
        *hash = hv_hash_bytes(key, k);
        return (uint16_t)k;
    }
    const struct {
        const char *p;
        size_t n;
    } parts[4] = {{cx->host, cx->host_len},
                  {cx->prog, cx->prog_len},
                  {cx->pid, cx->pid_len},
                  {client, client_len}};
    for (int i = 0; i < 4; i++) {
        if (i == 3 && client == NULL)
            break;
        size_t n = parts[i].n;
        if (n > PF_KEY_MAX - 1 - k)
            n = PF_KEY_MAX - 1 - k;
        memcpy(key + k, parts[i].p, n);
        k += n;
        if (k < PF_KEY_MAX - 1 && i < 3)
            key[k++] = '\x1f';
        if (i == 2)
            *pklen = (uint16_t)k;
    }
    *hash = hv_hash_bytes(key, k);
    return (uint16_t)k;
}

/* sess_find_proc - the most recently active session of a process (key
 * prefix host, tag, pid), for lines that do not name the client. */
static struct pf_sess *sess_find_proc(const struct hv_parser *p,
                                      const char *key, uint16_t pklen,
                                      uint32_t pkhash)
{
    struct pf_sess *best = NULL;
    for (uint32_t i = p->pbuckets[pkhash & (p->nbuckets - 1)]; i != PF_NONE;) {
        struct pf_sess *ps = slot(p, i);
        if (ps->pkhash == pkhash && ps->pklen == pklen &&
            memcmp(ps->key, key, pklen) == 0 &&
            (best == NULL || ps->last_act > best->last_act))
            best = ps;
        i = ps->pnext;
    }
    return best;
}

/* sess_find - the open session of a full key, or NULL. */
static struct pf_sess *sess_find(const struct hv_parser *p, const char *key,
                                 uint16_t keylen, uint32_t hash)
{
    for (uint32_t i = p->buckets[hash & (p->nbuckets - 1)]; i != PF_NONE;) {
        struct pf_sess *ps = slot(p, i);
        if (ps->khash == hash && ps->keylen == keylen &&
            memcmp(ps->key, key, keylen) == 0)
            return ps;
        i = ps->hnext;
    }
    return NULL;
}

/* lru_unlink / lru_append - the activity list (index + 1 links). */
static void lru_unlink(struct hv_parser *p, struct pf_sess *ps, uint32_t i)
{
    if (ps->prev != PF_NONE)
        slot(p, ps->prev)->next = ps->next;
    else
        p->lru_head = ps->next;
    if (ps->next != PF_NONE)
        slot(p, ps->next)->prev = ps->prev;
    else
        p->lru_tail = ps->prev;
    ps->prev = ps->next = PF_NONE;
    (void)i;
}

static void lru_append(struct hv_parser *p, struct pf_sess *ps, uint32_t i)
{
    ps->prev = p->lru_tail;
    ps->next = PF_NONE;
    if (p->lru_tail != PF_NONE)
        slot(p, p->lru_tail)->next = i;
    else
        p->lru_head = i;
    p->lru_tail = i;
}

/* sess_touch - mark ps as the most recently active session. */
static void sess_touch(struct hv_parser *p, struct pf_sess *ps)
{
    uint32_t i = slot_index(p, ps);
    ps->last_act = ++p->act;
    if (p->lru_tail == i)
        return;
    lru_unlink(p, ps, i);
    lru_append(p, ps, i);
}

/* grow_buckets - double the hash table when it is fuller than 1. */
static void grow_buckets(struct hv_parser *p)
{
    uint32_t nb = p->nbuckets * 2;
    uint32_t *b = xcalloc(nb, sizeof(*b));
    uint32_t *pb = xcalloc(nb, sizeof(*pb));
    for (uint32_t c = 1; c <= p->nslots; c++) {
        struct pf_sess *ps = slot(p, c);
        if (!ps->in_use)
            continue;
        ps->hnext = b[ps->khash & (nb - 1)];
        b[ps->khash & (nb - 1)] = c;
        ps->pnext = pb[ps->pkhash & (nb - 1)];
        pb[ps->pkhash & (nb - 1)] = c;
    }
    free(p->buckets);
    free(p->pbuckets);
    p->buckets = b;
    p->pbuckets = pb;
    p->nbuckets = nb;
}

/* ==== Queue-ID map ==== */

/* qslot - the queue-ID entry of index + 1 i. */
static inline struct pf_qent *qslot(const struct hv_parser *p, uint32_t i)
{
    return &p->qchunks[(i - 1) / PF_CHUNK][(i - 1) % PF_CHUNK];
}

/* grow_qbuckets - double the queue-ID hash when it is fuller than 1. */
static void grow_qbuckets(struct hv_parser *p)
{
    uint32_t nb = p->nqbuckets * 2;
    uint32_t *b = xcalloc(nb, sizeof(*b));
    for (uint32_t c = 1; c <= p->nqslots; c++) {
        struct pf_qent *e = qslot(p, c);
        if (e->where == 0)
            continue;
        uint32_t h = e->qhash & (nb - 1);
        e->hnext = b[h];
        b[h] = c;
    }
    free(p->qbuckets);
    p->qbuckets = b;
    p->nqbuckets = nb;
}

/* qmap_lookup - the newest entry of qid, or NULL. */
static struct pf_qent *qmap_lookup(const struct hv_parser *p, const char *qid,
                                   size_t len)
{
    if (len == 0 || len > HV_QID_MAX)
        return NULL;
    struct pf_qent *best = NULL;
    uint32_t h = hv_hash_words(HV_HASH_SEED, qid, len) & (p->nqbuckets - 1);
    for (uint32_t i = p->qbuckets[h]; i != PF_NONE;) {
        struct pf_qent *e = qslot(p, i);
        if (e->len == len && memcmp(e->qid, qid, len) == 0 &&
            (best == NULL || e->serial > best->serial))
            best = e;
        i = e->hnext;
    }
    return best;
}

/* qmap_add - a new entry qid -> (where, idx, serial), linked into the
 * session's list *head. A queue ID seen again (reuse) shadows the old
 * entry, which leaves with its own session. */
static void qmap_add(struct hv_parser *p, const char *qid, size_t len,
                     int where, uint32_t idx, uint64_t serial, uint32_t *head)
{
    if (len == 0 || len > HV_QID_MAX)
        return;
    if (p->qfree == PF_NONE) {
        size_t c = p->nqchunks++;
        p->qchunks = xrealloc(p->qchunks, p->nqchunks * sizeof(*p->qchunks));
        p->qchunks[c] = xcalloc(PF_CHUNK, sizeof(struct pf_qent));
        for (uint32_t k = PF_CHUNK; k > 0; k--) {
            uint32_t i = (uint32_t)(c * PF_CHUNK + k);
            qslot(p, i)->hnext = p->qfree;
            p->qfree = i;
        }
        p->nqslots += PF_CHUNK;
    }
    if (p->nq + 1 > p->nqbuckets)
        grow_qbuckets(p);
    uint32_t i = p->qfree;
    struct pf_qent *e = qslot(p, i);
    p->qfree = e->hnext;
    memcpy(e->qid, qid, len);
    e->qid[len] = '\0';
    e->len = (uint8_t)len;
    e->where = (uint8_t)where;
    e->idx = idx;
    e->serial = serial;
    e->uncounted = false;
    e->qhash = hv_hash_words(HV_HASH_SEED, qid, len);
    uint32_t h = e->qhash & (p->nqbuckets - 1);
    e->hnext = p->qbuckets[h];
    p->qbuckets[h] = i;
    e->snext = *head;
    *head = i;
    p->nq++;
}

/* qmap_drop_list - free every entry of a session's list. */
static void qmap_drop_list(struct hv_parser *p, uint32_t *head)
{
    uint32_t i = *head;
    while (i != PF_NONE) {
        struct pf_qent *e = qslot(p, i);
        uint32_t next = e->snext;
        uint32_t *l = &p->qbuckets[e->qhash & (p->nqbuckets - 1)];
        while (*l != PF_NONE && *l != i)
            l = &qslot(p, *l)->hnext;
        if (*l == i)
            *l = e->hnext;
        e->where = 0;
        e->hnext = p->qfree;
        p->qfree = i;
        p->nq--;
        i = next;
    }
    *head = PF_NONE;
}

/* qmap_move_list - point every entry of a list at (where, idx). */
static void qmap_move_list(struct hv_parser *p, uint32_t head, int where,
                           uint32_t idx)
{
    for (uint32_t i = head; i != PF_NONE; i = qslot(p, i)->snext) {
        qslot(p, i)->where = (uint8_t)where;
        qslot(p, i)->idx = idx;
    }
}

/* ==== Session life ==== */

/* sess_clear - hv_session_reset without writing the 1.3 KB of string
 * buffers: every string is emptied by its first byte. */
static void sess_clear(struct hv_session *s)
{
    s->mta = HV_MTA_POSTFIX;
    s->ts = 0;
    s->line = s->offset = 0;
    s->ip[0] = s->helo[0] = s->rdns[0] = '\0';
    s->has_helo = false;
    s->helo_origin = HV_HELO_UNOBSERVED;
    s->helo_truncated = false;
    s->messages = s->replies_5xx = s->replies_4xx = 0;
    s->lost = s->complete = s->again = s->had_helo = false;
    s->label = HV_LABEL_NONE;
    s->label_from = HV_LFROM_NONE;
    s->had_label = false;
    s->nqids = 0;
}

/* sess_copy - *dst = *src, copying strings only up to their NUL. */
static void sess_copy(struct hv_session *dst, const struct hv_session *src)
{
    dst->mta = src->mta;
    dst->ts = src->ts;
    dst->line = src->line;
    dst->offset = src->offset;
    memcpy(dst->ip, src->ip, strlen(src->ip) + 1);
    dst->has_helo = src->has_helo;
    dst->helo_origin = src->helo_origin;
    dst->helo_truncated = src->helo_truncated;
    memcpy(dst->helo, src->helo, strlen(src->helo) + 1);
    memcpy(dst->rdns, src->rdns, strlen(src->rdns) + 1);
    dst->messages = src->messages;
    dst->replies_5xx = src->replies_5xx;
    dst->replies_4xx = src->replies_4xx;
    dst->lost = src->lost;
    dst->complete = src->complete;
    dst->again = src->again;
    dst->had_helo = src->had_helo;
    dst->had_label = src->had_label;
    dst->label = src->label;
    dst->label_from = src->label_from;
    dst->nqids = src->nqids;
    for (unsigned q = 0; q < src->nqids && q < HV_SESSION_QIDS; q++)
        memcpy(dst->qids[q], src->qids[q], strlen(src->qids[q]) + 1);
}

/* emit - hand a session to the store. */
static void emit(struct hv_parser *p, const struct hv_session *s)
{
    p->st.emitted++;
    p->emit(p->arg, s);
}

/* closed_put - keep a copy of a finished session with queue IDs, so late
 * cleanup lines can still update it; takes over its queue-ID list *qhead.
 * The entry it replaces is forgotten with its queue IDs. */
static void closed_put(struct hv_parser *p, const struct hv_session *s,
                       uint32_t *qhead, uint64_t serial)
{
    if (p->closed == NULL)
        p->closed = xcalloc(p->closed_n, sizeof(*p->closed));
    size_t i = p->closed_pos;
    struct pf_closed *c = &p->closed[i];
    p->closed_pos = (i + 1) % p->closed_n;
    if (c->serial != 0)
        qmap_drop_list(p, &c->qhead);
    sess_copy(&c->s, s);
    c->serial = serial;
    c->qhead = *qhead;
    *qhead = PF_NONE;
    qmap_move_list(p, c->qhead, Q_CLOSED, (uint32_t)i);
}

/* sess_release - take ps out of the table (no emit). */
static void sess_release(struct hv_parser *p, struct pf_sess *ps)
{
    uint32_t i = slot_index(p, ps);
    uint32_t *l = &p->buckets[ps->khash & (p->nbuckets - 1)];
    while (*l != PF_NONE && *l != i)
        l = &slot(p, *l)->hnext;
    if (*l == i)
        *l = ps->hnext;
    l = &p->pbuckets[ps->pkhash & (p->nbuckets - 1)];
    while (*l != PF_NONE && *l != i)
        l = &slot(p, *l)->pnext;
    if (*l == i)
        *l = ps->pnext;
    lru_unlink(p, ps, i);
    qmap_drop_list(p, &ps->qhead);
    ps->in_use = false;
    ps->hnext = p->free_head;
    p->free_head = i;
    p->nopen--;
}

/* sess_close - emit ps (complete or not) and release it; sessions with
 * queue IDs move to the closed ring. */
static void sess_close(struct hv_parser *p, struct pf_sess *ps, bool complete)
{
    ps->s.complete = complete;
    emit(p, &ps->s);
    if (ps->qhead != PF_NONE)
        closed_put(p, &ps->s, &ps->qhead, ps->serial);
    sess_release(p, ps);
}

/* sess_new - open a session for key at the line of cx; the least recently
 * active one is emitted as incomplete when the table is full. */
static struct pf_sess *sess_new(struct hv_parser *p, const struct pf_ctx *cx,
                                const char *key, uint16_t keylen,
                                uint32_t hash, uint16_t pklen)
{
    if (p->nopen >= p->max_open && p->lru_head != PF_NONE) {
        p->st.evicted++;
        sess_close(p, slot(p, p->lru_head), false);
    }
    if (p->free_head == PF_NONE) {
        size_t c = p->nchunks++;
        p->chunks = xrealloc(p->chunks, p->nchunks * sizeof(*p->chunks));
        p->chunks[c] = xcalloc(PF_CHUNK, sizeof(struct pf_sess));
        for (uint32_t k = PF_CHUNK; k > 0; k--) {
            uint32_t i = (uint32_t)(c * PF_CHUNK + k);
            slot(p, i)->self = i;
            slot(p, i)->hnext = p->free_head;
            p->free_head = i;
        }
        p->nslots += PF_CHUNK;
    }
    if (p->nopen + 1 > p->nbuckets)
        grow_buckets(p);
    uint32_t i = p->free_head;
    struct pf_sess *ps = slot(p, i);
    p->free_head = ps->hnext;
    sess_clear(&ps->s);
    ps->s.ts = cx->ts;
    ps->s.line = cx->lineno;
    ps->s.offset = cx->offset;
    ps->serial = ++p->next_serial;
    ps->khash = hash;
    ps->keylen = keylen;
    memcpy(ps->key, key, keylen);
    ps->in_use = true;
    ps->connected = false;
    ps->pre_only = true;
    ps->qhead = PF_NONE;
    ps->hnext = p->buckets[hash & (p->nbuckets - 1)];
    p->buckets[hash & (p->nbuckets - 1)] = i;
    ps->pklen = pklen;
    ps->pkhash = hv_hash_bytes(key, pklen);
    ps->pnext = p->pbuckets[ps->pkhash & (p->nbuckets - 1)];
    p->pbuckets[ps->pkhash & (p->nbuckets - 1)] = i;
    ps->last_act = ++p->act;
    lru_append(p, ps, i);
    p->nopen++;
    p->st.opened++;
    return ps;
}

/* set_ip - record the client address in canonical form (once). */
static void set_ip(struct hv_session *s, const char *ip, size_t len,
                   bool is_canon)
{
    if (s->ip[0] != '\0')
        return;
    if (is_canon && len <= HV_IP_MAX) {
        memcpy(s->ip, ip, len);
        s->ip[len] = '\0';
    } else if (!ip_canon(ip, len, s->ip)) {
        s->ip[0] = '\0';
    }
}

/* note_helo_seen - what a line says about a HELO whose name it does not
 * show: -1 none given (UNOBSERVED becomes ABSENT), +1 one was given (an
 * ABSENT reading from an earlier line is withdrawn). Returns true when the
 * origin changed. */
static bool note_helo_seen(struct hv_session *s, int seen)
{
    enum hv_helo_origin before = s->helo_origin;
    if (seen < 0)
        hv_session_note_no_helo(s);
    else if (seen > 0 && s->helo_origin == HV_HELO_ABSENT)
        s->helo_origin = HV_HELO_UNOBSERVED;
    return s->helo_origin != before;
}

/* apply - fold what a line says into a session (queue IDs aside).
 * Returns true when the session changed (so a closed one must be emitted
 * again); *too_long is set when the HELO was kept only truncated. */
static bool apply(struct hv_session *s, const struct pf_info *in,
                  bool *too_long)
{
    bool changed = false;
    if (in->ip != NULL && s->ip[0] == '\0') {
        set_ip(s, in->ip, in->ip_len, in->ip_is_canon);
        changed = true;
    }
    if (in->name != NULL && in->name_len > 0 && s->rdns[0] == '\0' &&
        !(in->name_len == 7 && memcmp(in->name, "unknown", 7) == 0)) {
        hv_session_set_rdns(s, in->name, in->name_len);
        changed = true;
    }
    if (in->helo != NULL && in->helo_len > 0) {
        /* one too long to keep whole is kept truncated, and counted */
        size_t kept = in->helo_len;
        if (kept > HV_HELO_MAX) {
            *too_long = true;
            kept = HV_HELO_MAX;
        }
        if (!s->has_helo || strlen(s->helo) != kept ||
            memcmp(s->helo, in->helo, kept) != 0) {
            hv_session_set_helo(s, in->helo, in->helo_len);
            changed = true;
        }
    }
    changed |= note_helo_seen(s, in->helo_seen);
    if (in->reply == 5) {
        s->replies_5xx++;
        changed = true;
        if (in->label != HV_LFROM_NONE)
            hv_session_set_label(s, HV_LABEL_SPAM, in->label);
    } else if (in->reply == 4) {
        s->replies_4xx++;
        changed = true;
    }
    if (in->lost && !s->lost) {
        s->lost = true;
        changed = true;
    }
    return changed;
}

/* add_message - a "QID: client=" line: count the message once and map its
 * queue ID to the session (all of them, not only the HV_SESSION_QIDS the
 * session struct lists). */
static void add_message(struct hv_parser *p, struct hv_session *s,
                        uint32_t *qhead, int where, uint32_t idx,
                        uint64_t serial, const char *qid, size_t len)
{
    const struct pf_qent *e = qmap_lookup(p, qid, len);
    if (e != NULL && e->serial == serial)
        return;
    s->messages++;
    hv_session_add_qid(s, qid, len);
    qmap_add(p, qid, len, where, idx, serial, qhead);
}

/* uncount - the message of entry e was rejected after its client= line. */
static bool uncount(struct hv_session *s, struct pf_qent *e)
{
    if (e == NULL || e->uncounted || s->messages == 0)
        return false;
    e->uncounted = true;
    s->messages--;
    return true;
}

/* ==== postscreen hand-off ring ==== */

/* handoff_unlink - take record i (index + 1) out of its bucket chain. */
static void handoff_unlink(struct hv_parser *p, uint32_t i)
{
    struct pf_handoff *h = &p->handoff[i - 1];
    uint32_t *l = &p->hbuckets[h->khash & (p->nhbuckets - 1)];
    while (*l != PF_NONE && *l != i)
        l = &p->handoff[*l - 1].hnext;
    if (*l == i)
        *l = h->hnext;
    h->used = false;
}

/* handoff_put - remember a postscreen connection passed to smtpd (the
 * oldest record is overwritten: its connection is simply dropped). */
static void handoff_put(struct hv_parser *p, const struct pf_sess *ps)
{
    if (p->handoff == NULL)
        p->handoff = xcalloc(p->handoff_n, sizeof(*p->handoff));
    uint32_t i = (uint32_t)p->handoff_pos + 1;
    struct pf_handoff *h = &p->handoff[p->handoff_pos];
    p->handoff_pos = (p->handoff_pos + 1) % p->handoff_n;
    if (h->used)
        handoff_unlink(p, i);
    h->used = true;
    h->hnext = p->hbuckets[ps->khash & (p->nhbuckets - 1)];
    p->hbuckets[ps->khash & (p->nhbuckets - 1)] = i;
    h->khash = ps->khash;
    h->keylen = ps->keylen;
    memcpy(h->key, ps->key, ps->keylen);
    h->ts = ps->s.ts;
    h->line = ps->s.line;
    h->offset = ps->s.offset;
    memcpy(h->ip, ps->s.ip, sizeof(h->ip));
}

/* handoff_take - the hand-off record of key (removed), or NULL. */
static struct pf_handoff *handoff_take(struct hv_parser *p, const char *key,
                                       uint16_t keylen, uint32_t hash)
{
    for (uint32_t i = p->hbuckets[hash & (p->nhbuckets - 1)]; i != PF_NONE;) {
        struct pf_handoff *h = &p->handoff[i - 1];
        if (h->used && h->khash == hash && h->keylen == keylen &&
            memcmp(h->key, key, keylen) == 0) {
            handoff_unlink(p, i);
            return h;
        }
        i = h->hnext;
    }
    return NULL;
}

/* ==== Line handlers ==== */

/* on_session_line - smtpd and postscreen: find or open the session of the
 * line's process and fold the line in. */
static int on_session_line(struct hv_parser *p, const struct pf_ctx *cx,
                           struct pf_info *in, bool postscreen,
                           const char **reason)
{
    char key[PF_KEY_MAX];
    uint32_t hash;
    uint16_t pklen = 0;
    uint16_t keylen = make_key(cx, in->ip, in->ip_len, key, &hash, &pklen);
    struct pf_sess *ps;
    bool too_long = false;

    /* Sessions are keyed by process and client: a smtpd process serves one
     * client at a time, so a new "connect from" normally follows the
     * previous disconnect; keying by the client as well keeps two sessions
     * apart if a log (or a generator) shows them overlapping in one pid. */
    if (in->ip != NULL) {
        ps = sess_find(p, key, keylen, hash);
    } else {
        /* nothing names the client: attach to the process's latest session
         * (proxy-accept, "disconnect from unknown[unknown]"), or drop */
        ps = sess_find_proc(p, key, pklen, hv_hash_bytes(key, pklen));
        if (ps == NULL)
            return HV_PARSE_OK;
    }
    if (in->kind == K_PASS) {
        if (ps != NULL && ps->s.replies_4xx == 0 && ps->s.replies_5xx == 0 &&
            !ps->s.has_helo) {
            handoff_put(p, ps);
            sess_release(p, ps);
            p->st.handed_off++;
        }
        return HV_PARSE_OK;
    }
    if (in->kind == K_CONNECT) {
        /* the same process and client again: the old session ended unseen
         * (log gap), unless all it had were smtpd's pre-connect warnings
         * (hostname verification), which belong to this connection */
        if (ps != NULL && (ps->connected || !ps->pre_only)) {
            sess_close(p, ps, false);
            ps = NULL;
        }
        if (postscreen)
            (void)handoff_take(p, key, keylen, hash);
    }
    if (ps == NULL) {
        struct pf_handoff *h = NULL;
        if (postscreen && in->kind != K_CONNECT)
            h = handoff_take(p, key, keylen, hash);
        if (h != NULL) {
            struct pf_ctx hc = *cx;
            hc.ts = h->ts;
            hc.lineno = h->line;
            hc.offset = h->offset;
            ps = sess_new(p, &hc, key, keylen, hash, pklen);
            memcpy(ps->s.ip, h->ip, sizeof(h->ip));
            ps->connected = true;
        } else {
            ps = sess_new(p, cx, key, keylen, hash, pklen);
        }
    } else {
        sess_touch(p, ps);
    }
    if (in->kind == K_CONNECT)
        ps->connected = true;
    ps->pre_only = ps->pre_only && in->preconnect;
    apply(&ps->s, in, &too_long);
    if (in->kind == K_CLIENT && in->qid != NULL)
        add_message(p, &ps->s, &ps->qhead, Q_OPEN, slot_index(p, ps),
                    ps->serial, in->qid, in->qid_len);
    if (in->uncount && in->qid != NULL) {
        struct pf_qent *e = qmap_lookup(p, in->qid, in->qid_len);
        if (e != NULL && e->serial == ps->serial)
            uncount(&ps->s, e);
    }
    if (in->kind == K_DISCONNECT)
        sess_close(p, ps, true);
    if (too_long) {
        *reason = "helo-truncated";
        return HV_PARSE_SKIP;
    }
    return HV_PARSE_OK;
}

/* on_cleanup_line - tie a cleanup line to its session by queue ID: update
 * an open session, re-emit a closed one, or (queue ID never seen: the log
 * started after its client= line) start a session from the line itself. */
static int on_cleanup_line(struct hv_parser *p, const struct pf_ctx *cx,
                           struct pf_info *in, const char **reason)
{
    bool too_long = false;
    struct pf_qent *e = qmap_lookup(p, in->qid, in->qid_len);
    if (e != NULL && e->where == Q_OPEN && e->idx >= 1 &&
        e->idx <= p->nslots && slot(p, e->idx)->in_use &&
        slot(p, e->idx)->serial == e->serial) {
        struct pf_sess *ps = slot(p, e->idx);
        apply(&ps->s, in, &too_long);
        if (in->uncount)
            uncount(&ps->s, e);
        sess_touch(p, ps);
        p->st.linked++;
    } else if (e != NULL && e->where == Q_CLOSED && e->idx < p->closed_n &&
               p->closed != NULL && p->closed[e->idx].serial == e->serial) {
        struct pf_closed *c = &p->closed[e->idx];
        p->st.linked++;
        bool had_helo = c->s.has_helo;
        bool had_label = c->s.label != HV_LABEL_NONE;
        bool changed = apply(&c->s, in, &too_long);
        if (in->uncount)
            changed |= uncount(&c->s, e);
        if (changed) {
            p->st.reemitted++;
            c->s.again = true;
            c->s.had_helo = had_helo;
            c->s.had_label = had_label;
            emit(p, &c->s);
        }
    } else if (in->ip != NULL) {
        struct hv_session s;
        uint32_t qhead = PF_NONE;
        uint64_t serial = ++p->next_serial;
        sess_clear(&s);
        s.ts = cx->ts;
        s.line = cx->lineno;
        s.offset = cx->offset;
        apply(&s, in, &too_long);
        /* the queue file exists, so smtpd accepted a MAIL transaction */
        add_message(p, &s, &qhead, Q_CLOSED, 0, serial, in->qid, in->qid_len);
        if (in->uncount)
            uncount(&s, qmap_lookup(p, in->qid, in->qid_len));
        p->st.opened++;
        emit(p, &s);
        closed_put(p, &s, &qhead, serial);
    }
    if (too_long) {
        *reason = "helo-truncated";
        return HV_PARSE_SKIP;
    }
    return HV_PARSE_OK;
}

/* dispatch - route one message by program. loose accepts bare daemon
 * names ("smtpd"); syslog lines need "syslog_name/daemon", as Postfix
 * always writes it, so OpenSMTPD's "smtpd[pid]" is not mistaken for it. */
static int dispatch(struct hv_parser *p, const struct pf_ctx *cx,
                    const char *m, size_t n, bool loose, const char **reason)
{
    const char *base = cx->base;
    size_t bl = cx->base_len;
    if (!loose && bl == cx->prog_len)
        return HV_PARSE_OK;
    struct pf_info in;
    if (bl < 5 || bl > 10 || (base[0] != 's' && base[0] != 'p' &&
                              base[0] != 'c'))
        return HV_PARSE_OK;
    /* field by field: cheaper than a memset of the whole struct */
    in.seen = p->seen;
    in.kind = K_NONE;
    in.name = in.ip = in.helo = in.qid = NULL;
    in.name_len = in.ip_len = in.helo_len = in.qid_len = 0;
    in.ip_is_canon = in.uncount = in.lost = in.preconnect = false;
    in.reply = 0;
    in.label = HV_LFROM_NONE;
    in.helo_seen = 0;
    if (bl == 5 && memcmp(base, "smtpd", 5) == 0) {
        smtpd_line(m, n, &in);
        if (in.kind == K_NONE)
            return HV_PARSE_OK;
        return on_session_line(p, cx, &in, false, reason);
    }
    if (bl == 10 && memcmp(base, "postscreen", 10) == 0) {
        postscreen_line(m, n, &in);
        if (in.kind == K_NONE)
            return HV_PARSE_OK;
        return on_session_line(p, cx, &in, true, reason);
    }
    if (bl == 7 && memcmp(base, "cleanup", 7) == 0) {
        cleanup_line(m, n, &in);
        if (in.kind == K_NONE)
            return HV_PARSE_OK;
        return on_cleanup_line(p, cx, &in, reason);
    }
    return HV_PARSE_OK;   /* qmgr, smtp, local, pickup, anvil...: noise */
}

/* ==== hv_format interface ==== */

/* pf_probe - 100 for a syslog line of a postfix or postfix-* program,
 * 60 for another "name/daemon" tag of a Postfix daemon, else 0. */
static int pf_probe(const char *line, size_t len)
{
    struct hv_syslog sl;
    if (hv_syslog_split(line, len, NULL, &sl) != HV_SYSLOG_OK)
        return 0;
    if (sl.prog_len >= 8 && memcmp(sl.prog, "postfix", 7) == 0 &&
        (sl.prog[7] == '/' || sl.prog[7] == '-'))
        return 100;
    const char *base;
    size_t bl;
    hv_syslog_prog_base(sl.prog, sl.prog_len, &base, &bl);
    if (bl == sl.prog_len)
        return 0;
    static const char *const daemons[] = {"smtpd", "postscreen", "cleanup",
                                          "qmgr", "smtp", "local", "pickup",
                                          "bounce", "anvil", "lmtp"};
    for (size_t i = 0; i < sizeof(daemons) / sizeof(daemons[0]); i++)
        if (strlen(daemons[i]) == bl && memcmp(daemons[i], base, bl) == 0)
            return 60;
    return 0;
}

/* handoff_buckets - (re)make the hand-off hash for handoff_n records. */
static void handoff_buckets(struct hv_parser *p)
{
    uint32_t nb = 16;
    while (nb < p->handoff_n * 2)
        nb *= 2;
    free(p->hbuckets);
    p->hbuckets = xcalloc(nb, sizeof(*p->hbuckets));
    p->nhbuckets = nb;
}

/* pf_open - hv_format.open: an empty parser with the default bounds. */
static struct hv_parser *pf_open(const struct hv_parse_opts *opts,
                                 hv_emit_fn emit_fn, void *arg)
{
    struct hv_parser *p = xcalloc(1, sizeof(*p));
    p->emit = emit_fn;
    p->arg = arg;
    if (opts != NULL && opts->clock != NULL) {
        p->clock = opts->clock;
    } else {
        hv_clock_init(&p->own_clock, 0, (int64_t)time(NULL));
        p->clock = &p->own_clock;
    }
    p->max_open = POSTFIX_MAX_OPEN;
    p->closed_n = POSTFIX_CLOSED_RING;
    p->handoff_n = POSTFIX_HANDOFF_RING;
    p->nbuckets = 1024;
    p->buckets = xcalloc(p->nbuckets, sizeof(*p->buckets));
    p->pbuckets = xcalloc(p->nbuckets, sizeof(*p->pbuckets));
    p->nqbuckets = 1024;
    p->qbuckets = xcalloc(p->nqbuckets, sizeof(*p->qbuckets));
    handoff_buckets(p);   /* the rings themselves are made on first use */
    return p;
}

void postfix_set_limits(struct hv_parser *p, size_t max_open,
                        size_t closed_ring, size_t handoff_ring)
{
    if (max_open > 0)
        p->max_open = max_open;
    if (closed_ring > 0 && closed_ring != p->closed_n && p->closed == NULL)
        p->closed_n = closed_ring;
    if (handoff_ring > 0 && handoff_ring != p->handoff_n &&
        p->handoff == NULL) {
        p->handoff_n = handoff_ring;
        handoff_buckets(p);
    }
}

size_t postfix_open_sessions(const struct hv_parser *p)
{
    return p->nopen;
}

void postfix_get_stats(const struct hv_parser *p, struct postfix_stats *st)
{
    *st = p->st;
}

/* pf_feed - hv_format.feed: split the syslog prefix, route the message. */
static int pf_feed(struct hv_parser *p, const struct hv_line *line,
                   const char **reason)
{
    struct hv_syslog sl;
    int rc = hv_syslog_split_cached(line->p, line->len, p->clock,
                                    &p->stamp_cache, &sl);
    if (rc == HV_SYSLOG_BADSTAMP) {
        *reason = "bad-timestamp";
        return HV_PARSE_SKIP;
    }
    if (rc == HV_SYSLOG_NOPREFIX) {
        if (line->len == 0)
            return HV_PARSE_OK;
        *reason = "malformed";
        return HV_PARSE_SKIP;
    }
    if (rc != HV_SYSLOG_OK)
        return HV_PARSE_OK;   /* "-- MARK --" and other tagless lines */
    struct pf_ctx cx = {sl.ts, line->lineno, line->offset, sl.host,
                        sl.host_len, sl.prog, sl.prog_len, sl.pid,
                        sl.pid_len, sl.base, sl.base_len};
    return dispatch(p, &cx, sl.msg, sl.msg_len, false, reason);
}

int postfix_feed_message(struct hv_parser *p, const char *prog,
                         size_t prog_len, const struct hv_line *line,
                         const char **reason)
{
    struct pf_ctx cx = {0, line->lineno, line->offset, "", 0, prog, prog_len,
                        "", 0, NULL, 0};
    hv_syslog_prog_base(prog, prog_len, &cx.base, &cx.base_len);
    return dispatch(p, &cx, line->p, line->len, true, reason);
}

/* pf_finish - hv_format.finish: emit every open session as incomplete;
 * postscreen connections handed to smtpd are dropped. */
static void pf_finish(struct hv_parser *p)
{
    while (p->lru_head != PF_NONE)
        sess_close(p, slot(p, p->lru_head), false);
    for (size_t i = 0; p->handoff != NULL && i < p->handoff_n; i++)
        if (p->handoff[i].used)
            handoff_unlink(p, (uint32_t)i + 1);
}

/* pf_close - hv_format.close: free everything (NULL is a no-op). */
static void pf_close(struct hv_parser *p)
{
    if (p == NULL)
        return;
    for (size_t c = 0; c < p->nchunks; c++)
        free(p->chunks[c]);
    free(p->chunks);
    for (size_t c = 0; c < p->nqchunks; c++)
        free(p->qchunks[c]);
    free(p->qchunks);
    free(p->buckets);
    free(p->pbuckets);
    free(p->qbuckets);
    free(p->closed);
    free(p->handoff);
    free(p->hbuckets);
    free(p);
}

const struct hv_format hv_format_postfix = {
    "postfix", pf_probe, pf_open, pf_feed, pf_finish, pf_close, false, NULL, HV_MTA_POSTFIX,
};
