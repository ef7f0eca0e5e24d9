/* SPDX-License-Identifier: MIT */
/*
 * mbox - mbox / Maildir / .eml reader: one session per message, from the
 * border Received hop. See mbox.h for the framing rules and the bounds.
 *
 * State per message: the header being collected (only Received and Date
 * are kept, unfolded, up to MBOX_MAX_HEADER bytes in one buffer allocated
 * at open), the number of Received headers seen, and the border hop once
 * found (headers below it are not parsed: they were written by hosts we
 * do not trust). Nothing is allocated per line or per message.
 */
#include "mbox.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ascii.h"
#include "netaddr.h"
#include "received.h"
#include "session.h"
#include "spamtext.h"
#include "tstamp.h"
#include "xmem.h"

enum mbox_state {
    ST_START,    /* nothing but empty lines yet */
    ST_HEADER,   /* inside a message's header section */
    ST_BODY,     /* inside a body (or after a decided message) */
};

enum hdr_kind {
    H_NONE,      /* no header open */
    H_RECEIVED,  /* collecting a Received header */
    H_DATE,      /* collecting the Date header */
    H_OTHER,     /* a header we skip (continuations ignored) */
};

struct hv_parser {
    const struct hv_parse_opts *opts;
    hv_emit_fn emit;
    void *arg;
    struct hv_netlist own_trusted;     /* default list when opts has none */
    const struct hv_netlist *trusted;  /* opts->trusted or own_trusted */

    enum mbox_state st;
    bool single;             /* the whole input is one message */
    bool prev_empty;         /* the previous line was empty */
    bool at_end;             /* finish(): a header cut by the end is open */

    /* the current message */
    uint64_t msg_line;       /* line of its From_ line (1: single) */
    uint64_t msg_off;        /* offset of its From_ line (0: single) */
    bool has_from_ts;
    int64_t from_ts;         /* From_ line date */
    bool has_date_ts;
    int64_t date_ts;         /* Date: header */
    unsigned nreceived;      /* Received headers seen so far */
    bool border_done;        /* border found: stop parsing hops */
    bool border_found;
    struct hv_hop border;    /* the border hop (valid when border_found) */
    bool label_done;         /* its first spam-filter header was seen */
    enum hv_label label;     /* that header's verdict */

    /* the header being collected */
    enum hdr_kind hdr;
    bool hdr_cut;            /* over MBOX_MAX_HEADER, already reported */
    char *buf;               /* MBOX_MAX_HEADER + 1 bytes */
    size_t blen;

    struct hv_hop hop;       /* scratch for received_parse */
    struct hv_session s;     /* the session being emitted */
};

/* ==== Line classification ==== */

bool mbox_from_line(const char *line, size_t len, int64_t *ts)
{
    int64_t t;
    if (len < 5 || memcmp(line, "From ", 5) != 0)
        return false;
    size_t i = 5;
    while (i < len && line[i] == ' ')
        i++;
    if (i >= len)
        return false;
    size_t j = i;
    while (j < len && line[j] != ' ' && line[j] != '\t')
        j++;
    size_t k = j;
    while (k < len && (line[k] == ' ' || line[k] == '\t'))
        k++;
    /* "From addr date", or "From date" when the sender is missing */
    if (!(k < len && tstamp_ctime(line + k, len - k, &t) > 0) &&
        !(tstamp_ctime(line + i, len - i, &t) > 0))
        return false;
    if (ts != NULL)
        *ts = t;
    return true;
}

/* header_name_len - length of "Name" when line is "Name: ...", else 0.
 * Names are letters, digits and '-', starting with a letter (RFC 5322
 * allows more, but logs must not look like headers). */
static size_t header_name_len(const char *line, size_t len)
{
    size_t i = 0;
    if (len == 0 || !is_alpha(line[0]))
        return 0;
    while (i < len && i < 128) {
        unsigned char c = (unsigned char)line[i];
        if (c == ':')
            return i;
        if (!is_alnum(c) && c != '-' && c != '_')
            return 0;
        i++;
    }
    return 0;
}

/* name_is - the header name (n bytes) equals lit, case-insensitively. */
static bool name_is(const char *p, size_t n, const char *lit)
{
    return strlen(lit) == n && strncasecmp(p, lit, n) == 0;
}

/* mbox_probe - 100 for a From_ line, 60 for a trace or X- header line,
 * 30 for another header line, 0 otherwise. */
static int mbox_probe(const char *line, size_t len)
{
    if (mbox_from_line(line, len, NULL))
        return 100;
    size_t n = header_name_len(line, len);
    if (n == 0)
        return 0;
    if (name_is(line, n, "Return-Path") || name_is(line, n, "Received") ||
        name_is(line, n, "Delivered-To") || name_is(line, n, "X-Original-To") ||
        (n > 2 && strncasecmp(line, "X-", 2) == 0))
        return 60;
    return 30;
}

/* ==== Messages ==== */

/* begin_message - a new message whose first line is (lineno, off). */
static void begin_message(struct hv_parser *p, uint64_t lineno, uint64_t off)
{
    p->st = ST_HEADER;
    p->msg_line = lineno;
    p->msg_off = off;
    p->has_from_ts = false;
    p->has_date_ts = false;
    p->nreceived = 0;
    p->border_done = false;
    p->border_found = false;
    p->label_done = false;
    p->label = HV_LABEL_NONE;
    p->hdr = H_NONE;
    p->hdr_cut = false;
    p->blen = 0;
}

/* consider_hop - parse the collected Received header; the first hop with
 * an untrusted client is the border. */
static void consider_hop(struct hv_parser *p)
{
    struct hv_addr a;
    received_parse(p->buf, p->blen, &p->hop);
    if (!p->hop.has_ip)
        return;   /* local or unparsed hop: look further down */
    if (!hv_addr_parse(p->hop.ip, strlen(p->hop.ip), &a))
        return;
    if (hv_netlist_contains(p->trusted, &a))
        return;   /* our own relays */
    p->border = p->hop;
    p->border_found = true;
    p->border_done = true;
}

/* end_header - the open header is complete. */
static void end_header(struct hv_parser *p)
{
    if (p->hdr == H_RECEIVED && !p->border_done)
        consider_hop(p);
    else if (p->hdr == H_DATE && !p->has_date_ts) {
        int64_t t;
        if (tstamp_rfc2822(p->buf, p->blen, &t) > 0) {
            p->date_ts = t;
            p->has_date_ts = true;
        }
    }
    p->hdr = H_NONE;
    p->blen = 0;
    p->hdr_cut = false;
}

/* append - add bytes to the open header; false when it was cut (first
 * time only). */
static bool append(struct hv_parser *p, const char *s, size_t n)
{
    size_t room = MBOX_MAX_HEADER - p->blen;
    bool cut = n > room;
    if (cut)
        n = room;
    memcpy(p->buf + p->blen, s, n);
    p->blen += n;
    p->buf[p->blen] = '\0';
    if (cut && !p->hdr_cut) {
        p->hdr_cut = true;
        return false;
    }
    return true;
}

/* decide - the header section is over: emit the session or say why not.
 * Returns HV_PARSE_OK or HV_PARSE_SKIP with *reason. */
static int decide(struct hv_parser *p, const char **reason)
{
    end_header(p);
    p->st = ST_BODY;
    if (!p->border_found || p->border.kind != HV_HOP_SMTP) {
        *reason = "no-client-hop";
        return HV_PARSE_SKIP;
    }
    struct hv_session *s = &p->s;
    const struct hv_hop *h = &p->border;
    hv_session_reset(s);
    s->mta = HV_MTA_MBOX;
    if (h->has_date)
        s->ts = h->ts;
    else if (p->has_from_ts)
        s->ts = p->from_ts;
    else if (p->has_date_ts)
        s->ts = p->date_ts;
    s->line = p->msg_line;
    s->offset = p->msg_off;
    memcpy(s->ip, h->ip, sizeof(s->ip));
    s->ip[HV_IP_MAX] = '\0';
    if (h->has_helo) {
        hv_session_set_helo(s, h->helo, strlen(h->helo));
        if (h->helo_src == HV_HELO_HIDDEN)
            s->helo_origin = HV_HELO_IMPLIED;   /* Exim/qmail from RDNS */
    }
    hv_session_set_rdns(s, h->rdns, strlen(h->rdns));
    if (h->id[0] != '\0')
        hv_session_add_qid(s, h->id, strlen(h->id));
    s->messages = 1;
    /* a junk folder is the user's judgement: it beats any header */
    if (p->opts != NULL && p->opts->folder_spam)
        hv_session_set_label(s, HV_LABEL_SPAM, HV_LFROM_FOLDER);
    else
        hv_session_set_label(s, p->label, HV_LFROM_HEADER);
    /* a header cut by the end of the input may go on when the file grows */
    s->complete = !p->at_end;
    p->emit(p->arg, s);
    if (h->helo_truncated) {
        /* kept with its HELO cut to HV_HELO_MAX bytes, and counted */
        *reason = "helo-truncated";
        return HV_PARSE_SKIP;
    }
    return HV_PARSE_OK;
}

/* header_line - one line of the header section (not empty). */
static int header_line(struct hv_parser *p, const char *line, size_t len,
                       const char **reason)
{
    if (line[0] == ' ' || line[0] == '\t') {
        /* continuation: unfold by dropping the line break */
        if (p->hdr == H_RECEIVED || p->hdr == H_DATE) {
            if (!append(p, line, len)) {
                *reason = "header-too-long";
                return HV_PARSE_SKIP;
            }
        }
        return HV_PARSE_OK;
    }
    end_header(p);
    size_t n = header_name_len(line, len);
    if (n == 0)
        return HV_PARSE_OK;   /* not a header: tolerated, ignored */
    const char *v = line + n + 1;
    size_t vl = len - n - 1;
    if (name_is(line, n, "Received")) {
        p->nreceived++;
        if (p->nreceived > MBOX_MAX_RECEIVED) {
            p->hdr = H_OTHER;
            if (p->nreceived == MBOX_MAX_RECEIVED + 1) {
                *reason = "too-many-received";
                return HV_PARSE_SKIP;
            }
            return HV_PARSE_OK;
        }
        p->hdr = p->border_done ? H_OTHER : H_RECEIVED;
    } else if (name_is(line, n, "Date") && !p->has_date_ts) {
        p->hdr = H_DATE;
    } else {
        p->hdr = H_OTHER;
        /* the first spam-filter header decides (the topmost is the
         * receiving server's; lower ones may be the sender's forgeries) */
        if (!p->label_done && line[1] == '-' && (line[0] == 'X' || line[0] == 'x'))
            p->label_done = hv_spam_header(line, n, v, vl, &p->label);
        return HV_PARSE_OK;
    }
    if (p->hdr != H_OTHER && !append(p, v, vl)) {
        *reason = "header-too-long";
        return HV_PARSE_SKIP;
    }
    return HV_PARSE_OK;
}

/* ==== The hv_format interface ==== */

/* mbox_open - a parser emitting through emit(arg, session). */
static struct hv_parser *mbox_open(const struct hv_parse_opts *opts,
                                   hv_emit_fn emit, void *arg)
{
    struct hv_parser *p = xcalloc(1, sizeof(*p));
    p->opts = opts;
    p->emit = emit;
    p->arg = arg;
    if (opts != NULL && opts->trusted != NULL) {
        p->trusted = opts->trusted;
    } else {
        hv_netlist_default_trusted(&p->own_trusted);
        p->trusted = &p->own_trusted;
    }
    p->buf = xmalloc(MBOX_MAX_HEADER + 1);
    p->buf[0] = '\0';
    p->st = ST_START;
    p->single = opts != NULL && opts->single_message;
    p->prev_empty = true;
    return p;
}

/* mbox_feed - one line; see mbox.h for the skip reasons. */
static int mbox_feed(struct hv_parser *p, const struct hv_line *ln,
                     const char **reason)
{
    const char *line = ln->p;
    size_t len = ln->len;
    int64_t t;
    int rc = HV_PARSE_OK;

    if (len > 0 && line[len - 1] == '\r')
        len--;   /* the reader removes CRLF; be safe with a stray CR */
    bool empty = len == 0;

    switch (p->st) {
    case ST_START:
        if (empty)
            break;
        if (!p->single && mbox_from_line(line, len, &t)) {
            begin_message(p, ln->lineno, ln->offset);
            p->from_ts = t;
            p->has_from_ts = true;
            break;
        }
        p->single = true;
        begin_message(p, 1, 0);
        if (mbox_from_line(line, len, &t)) {
            /* the envelope line of a single message */
            p->from_ts = t;
            p->has_from_ts = true;
            break;
        }
        rc = header_line(p, line, len, reason);
        break;
    case ST_HEADER:
        if (empty)
            rc = decide(p, reason);
        else
            rc = header_line(p, line, len, reason);
        break;
    case ST_BODY:
        if (!p->single && p->prev_empty && len >= 5 && line[0] == 'F' &&
            mbox_from_line(line, len, &t)) {
            begin_message(p, ln->lineno, ln->offset);
            p->from_ts = t;
            p->has_from_ts = true;
        }
        break;
    }
    p->prev_empty = empty;
    return rc;
}

/* mbox_finish - end of input: a message still in its header is decided
 * now (its session emitted; a skip cannot be reported from here). */
static void mbox_finish(struct hv_parser *p)
{
    const char *reason = NULL;
    p->at_end = true;
    if (p->st == ST_HEADER)
        (void)decide(p, &reason);
    p->at_end = false;
    p->st = ST_BODY;
}

/* mbox_open_since - the last message may go on in a grown file (a From_
 * line ends it, never the end of input): it is open since its start. */
static bool mbox_open_since(struct hv_parser *p, uint64_t *offset, uint64_t *lines)
{
    if (p->msg_line == 0)
        return false;
    *offset = p->msg_off;
    *lines = p->msg_line - 1;
    return true;
}

/* mbox_close - free the parser. */
static void mbox_close(struct hv_parser *p)
{
    if (p == NULL)
        return;
    hv_netlist_fini(&p->own_trusted);
    free(p->buf);
    free(p);
}

const struct hv_format hv_format_mbox = {
    "mbox", mbox_probe, mbox_open, mbox_feed, mbox_finish, mbox_close, true,
    mbox_open_since, HV_MTA_MBOX,
};
