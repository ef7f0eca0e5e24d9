/* SPDX-License-Identifier: MIT */
/*
 * session - one SMTP session as the parsers hand it to the store: the client
 * (IP, HELO, reverse name), when it started, where it was seen (line and byte
 * offset of its first line) and what the MTA did with it. Fixed-size fields:
 * a parser never allocates per session. All text is copied in, NUL-terminated.
 */
#ifndef HV_SESSION_H
#define HV_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HV_IP_MAX 45          /* INET6_ADDRSTRLEN - 1 */
#define HV_HELO_MAX 1024      /* longer HELOs are truncated, flagged, counted */
#define HV_HOST_MAX 255       /* reverse DNS name */
#define HV_QID_MAX 31         /* queue ID (Postfix long IDs fit) */
#define HV_SESSION_QIDS 8     /* queue IDs remembered per session */

enum hv_mta {
    HV_MTA_POSTFIX,
    HV_MTA_EXIM,
    HV_MTA_SENDMAIL,
    HV_MTA_MBOX,
    HV_MTA_COUNT, /* the number of MTAs (keep last): sizes per-MTA counters */
};

/* Where a session's HELO comes from. The default (zero) is UNOBSERVED: the
 * client may well have sent one, but nothing read shows it (a Postfix
 * session accepted without a logged action line, every Sendmail session).
 * ABSENT is kept for sessions that provably sent none (Postfix "disconnect
 * ... commands=" without helo=/ehlo=, Exim lines before any HELO). LOGGED:
 * helo[] is what the log or header wrote. IMPLIED: helo[] follows from the
 * MTA's format rule (Exim's H=name [ip] after a HELO was given: the HELO
 * equals the verified name, or [ip] for H=[ip]). has_helo is true exactly
 * for LOGGED and IMPLIED. */
enum hv_helo_origin {
    HV_HELO_UNOBSERVED = 0,
    HV_HELO_ABSENT,
    HV_HELO_LOGGED,
    HV_HELO_IMPLIED,
};

/* Spam or ham, when the data says (README "Inputs", labels). A session gets
 * at most one label and keeps it: hv_session_set_label never replaces a
 * set one, so a re-emitted session (again) carries the label an earlier
 * line gave it. Where a label comes from (enum hv_label_from):
 *  - FOLDER: an mbox or Maildir message filed in a Junk/Spam folder
 *    (hv_parse_opts.folder_spam): always spam, and it beats any header
 *    (the user's judgement beats the filter's);
 *  - HEADER: the message's first spam-filter header (SpamAssassin,
 *    rspamd, Exchange SCL: spamtext.h), the receiving server's;
 *  - DNSBL: the MTA rejected the session (5xx) citing a DNS block list;
 *  - FILTER: the MTA rejected a message (5xx) on its content (header or
 *    body checks, a milter at end of data, a DATA ACL that says spam).
 * A 4xx is never a label (greylisting, a deferral). The store adds a fifth
 * origin, 'received': a log session joined to a labelled mbox message. */
enum hv_label {
    HV_LABEL_NONE = 0,
    HV_LABEL_HAM,
    HV_LABEL_SPAM,
};

enum hv_label_from {
    HV_LFROM_NONE = 0,
    HV_LFROM_FOLDER,
    HV_LFROM_HEADER,
    HV_LFROM_DNSBL,
    HV_LFROM_FILTER,
};

enum hv_disposition {
    HV_DISP_UNKNOWN,   /* the log cannot tell (session still open at EOF) */
    HV_DISP_ACCEPTED,  /* at least one message accepted */
    HV_DISP_REJECTED,  /* no message, at least one 5xx */
    HV_DISP_DEFERRED,  /* no message, no 5xx, at least one 4xx */
    HV_DISP_LOST,      /* ended (or dropped) with none of the above */
};

struct hv_session {
    enum hv_mta mta;
    int64_t ts;                      /* first line, UTC epoch seconds */
    uint64_t line;                   /* 1-based line of the first line */
    uint64_t offset;                 /* byte offset of the first line */
    char ip[HV_IP_MAX + 1];          /* canonical text (inet_ntop form) */
    bool has_helo;                   /* helo[] is set (LOGGED or IMPLIED) */
    enum hv_helo_origin helo_origin; /* see enum hv_helo_origin */
    bool helo_truncated;             /* helo[] is the first HV_HELO_MAX
                                        bytes of a longer HELO */
    char helo[HV_HELO_MAX + 1];      /* exactly as the client sent it */
    char rdns[HV_HOST_MAX + 1];      /* "" when unknown/unverified */
    unsigned messages;               /* messages the MTA accepted */
    unsigned replies_5xx;            /* permanent rejections seen */
    unsigned replies_4xx;            /* temporary rejections seen */
    bool lost;                       /* connection lost / timed out */
    bool complete;                   /* the session's end was seen */
    bool again;                      /* emitted before: an update of the
                                        session that starts at this line */
    bool had_helo;                   /* (again) the earlier emission had one */
    bool had_label;                  /* (again) the earlier emission had a label */
    enum hv_label label;             /* spam, ham or none (enum hv_label) */
    enum hv_label_from label_from;   /* NONE exactly when label is NONE */
    unsigned nqids;                  /* entries used in qids */
    char qids[HV_SESSION_QIDS][HV_QID_MAX + 1]; /* queue IDs of its messages */
};

/* hv_session_reset - clear every field (zero, empty strings). */
void hv_session_reset(struct hv_session *s);

/* hv_session_disposition - DESIGN.md rule: accepted if messages > 0, else
 * rejected on any 5xx, else deferred on any 4xx, else lost if the session
 * ended or was lost, else unknown. */
enum hv_disposition hv_session_disposition(const struct hv_session *s);

/* hv_session_add_qid - remember a queue ID once (ignored when full or too
 * long). Returns true when it is (now) recorded. */
bool hv_session_add_qid(struct hv_session *s, const char *qid, size_t len);

/* hv_session_set_helo - copy a HELO of len bytes (origin LOGGED). One
 * longer than HV_HELO_MAX is kept truncated to HV_HELO_MAX bytes with
 * helo_truncated set, and false is returned (the caller counts the line,
 * reason "helo-truncated"); the session is never dropped for its HELO. */
bool hv_session_set_helo(struct hv_session *s, const char *helo, size_t len);

/* hv_session_imply_helo - record a HELO that the log does not print but
 * its format implies (HV_HELO_IMPLIED): copied like hv_session_set_helo,
 * truncated to HV_HELO_MAX (an implied HELO is a host name or an address
 * literal, never that long). Never replaces a LOGGED HELO. */
void hv_session_imply_helo(struct hv_session *s, const char *helo, size_t len);

/* hv_session_note_no_helo - the session provably sent no HELO so far:
 * UNOBSERVED becomes ABSENT; a session with a HELO is left as it is. */
void hv_session_note_no_helo(struct hv_session *s);

/* hv_helo_origin_name - the store's helo_from value of an origin: "log",
 * "implied", "none" (ABSENT), or NULL (UNOBSERVED). Static strings. */
const char *hv_helo_origin_name(enum hv_helo_origin o);

/* hv_session_set_label - give the session label (from where): only when it
 * has none yet (a set label is kept). Returns true when it changed. */
bool hv_session_set_label(struct hv_session *s, enum hv_label label,
                          enum hv_label_from from);

/* hv_label_name / hv_label_from_name - the store's label and label_from
 * values: "ham", "spam"; "folder", "header", "dnsbl", "content-filter";
 * NULL for NONE. Static strings. */
const char *hv_label_name(enum hv_label l);
const char *hv_label_from_name(enum hv_label_from f);

/* hv_session_set_rdns - copy a reverse name, truncated to HV_HOST_MAX;
 * "unknown" (Postfix/qmail for none) is stored as "". */
void hv_session_set_rdns(struct hv_session *s, const char *name, size_t len);

/* hv_mta_name / hv_disposition_name - the vocabulary used in the store and
 * exports ("accepted", ...). Static strings. An MTA is named by the first
 * format of the registry that emits its sessions (registry.c). */
const char *hv_mta_name(enum hv_mta m);
const char *hv_disposition_name(enum hv_disposition d);

#endif
