/* SPDX-License-Identifier: MIT */
/*
 * received - split one Received: header value (RFC 5321 section 4.4, RFC
 * 5322 section 3.6.7) into a hop: the SMTP client that the receiving host
 * saw (address, HELO, reverse name) and the receiving side (by, with, id,
 * date). Pure function: no allocation, no global state, no recursion; the
 * work is linear in the length of the value, whatever its parentheses.
 *
 * Received headers are written by dozens of MTAs in dozens of shapes and
 * are attacker-controlled below the border hop. The parser is tolerant:
 * unknown clauses are ignored, never errors. Conventions (SpamAssassin's
 * Received.pm where the shape is ambiguous):
 *  - Postfix/Sendmail/OpenSMTPD `from HELO (RDNS [IP])`: the from-name is
 *    the HELO (Postfix writes the client name there when none was given);
 *    RDNS `unknown` (and `softdnserr`, `unverified`) means none; a trailing
 *    dot (Google) is dropped; Sendmail's `(RDNS [IP] (may be forged))` is
 *    no verified name (rdns empty). The HELO is every byte from the name
 *    to the comment holding the address ("a b", "a;b" as Postfix prints
 *    them): a HELO never loses the hop its client.
 *  - Exim `from RDNS ([IP]:PORT helo=HELO)`: the helo= value is the HELO.
 *    Exim prints the HELO only when it differs from the verified name, so
 *    Exim's `from RDNS ([IP])` records helo = rdns = RDNS, and Exim's
 *    `from [IP]` (no name, no helo=) has no HELO. Exim is recognised by an
 *    `(Exim ...)` comment after `by`, by its message ID (6-6-2 or 6-11-4
 *    base-62) or by `([IP]:port)` with a lower-case `with esmtp`/`smtp...`.
 *    The hidden HELO has helo_src HV_HELO_HIDDEN.
 *  - qmail `from RDNS (HELO x) (ident@IP)`, `from RDNS (IP)`: the name is the
 *    reverse name; without `(HELO x)` it is also the HELO (HV_HELO_HIDDEN).
 *    `unknown` means no reverse name (and, without `(HELO x)`, no HELO); an
 *    address as the name (`from 127.0.0.1 (EHLO x) (IP)`, Yahoo) is none.
 *  - Exchange `from HELO (IP) by ... with Microsoft SMTP Server` and Smail
 *    `by HOST (Smail) from HELO (IP)` (from after by): the name is the
 *    HELO, there is no reverse name.
 *  - ZMailer `from RDNS ([IP]:port "EHLO x" rhost-flags-...)`: the quoted
 *    word (maybe folded) is the explicit HELO.
 *  - `(HELO x)`, `(EHLO x)`, `(LHLO x)`, `helo=x`, `claiming to be "x"` are
 *    explicit HELOs; `(HELO )` is an explicit empty one (no HELO).
 *  - `from IP by ...` (bare address, nothing else) names a client without
 *    a HELO; `from [IP] by ...` (literal) takes the literal as the HELO.
 *  - Local hops have no SMTP client and no address (kind HV_HOP_LOCAL):
 *    `with local*`, `with LMTP*` (the internal delivery to the mailbox
 *    server, never the border), IMAP/POP3 pickups (fetchmail), qmail-scanner,
 *    `by uid N`. Hops without a from clause (`by HOST (Postfix, from userid
 *    500)`, `(qmail N invoked ...)`) are HV_HOP_NONE.
 *  - HTTP, MAPI, NNFMP and QMQP hops name a client address but the client
 *    did not speak SMTP: kind HV_HOP_OTHER and no HELO.
 */
#ifndef HV_RECEIVED_H
#define HV_RECEIVED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "session.h"

enum hv_hop_kind {
    HV_HOP_NONE,   /* no client address shown (by-only, unparsed, qmail) */
    HV_HOP_SMTP,   /* an SMTP/ESMTP/LMTP client with an address */
    HV_HOP_LOCAL,  /* local submission, pickup, fetchmail, scanner */
    HV_HOP_OTHER,  /* a client address, but HTTP/MAPI/...: no HELO */
};

/* Where hop->helo came from. */
enum hv_helo_src {
    HV_HELO_NONE,      /* no HELO */
    HV_HELO_EXPLICIT,  /* HELO x, EHLO x, LHLO x, helo=x, claiming to be */
    HV_HELO_FROM,      /* the name after "from" (Postfix, Sendmail, ...) */
    HV_HELO_HIDDEN,    /* Exim from RDNS ([IP]), qmail from RDNS (IP):
                          HELO == RDNS (or none); helo holds RDNS */
    HV_HELO_COMMENT,   /* Exim 3 from RDNS (HELO) [IP] */
};

#define HV_HOP_WITH_MAX 63
#define HV_HOP_ID_MAX 127

struct hv_hop {
    enum hv_hop_kind kind;
    bool has_ip;                      /* ip is set (never for LOCAL/NONE) */
    char ip[HV_IP_MAX + 1];           /* canonical (inet_ntop) text */
    bool has_helo;                    /* helo is set and not empty */
    bool helo_truncated;              /* a HELO over HV_HELO_MAX was cut to
                                         HV_HELO_MAX bytes */
    enum hv_helo_src helo_src;        /* EXPLICIT with has_helo false: an
                                         explicit empty "(HELO )" */
    char helo[HV_HELO_MAX + 1];       /* as the client sent it, as written */
    char rdns[HV_HOST_MAX + 1];       /* "" when none / unknown */
    char from[HV_HOST_MAX + 1];       /* the name after "from" as written */
    char by[HV_HOST_MAX + 1];         /* the receiving host */
    char with[HV_HOP_WITH_MAX + 1];   /* protocol (with, else via) */
    char id[HV_HOP_ID_MAX + 1];       /* queue ID as written */
    bool has_date;
    int64_t ts;                       /* date after the last ';', UTC */
};

/*
 * received_parse - split one unfolded Received: value into a hop.
 *   val, len  the header value (borrowed; need not be NUL-terminated; may
 *             still contain CR/LF/TAB folding, which count as spaces; a
 *             leading "Received:" field name is skipped)
 *   hop       OUT: every field reset, then filled (text copied in, truncated
 *             to the field size; a HELO that does not fit is cut to
 *             HV_HELO_MAX bytes and helo_truncated set)
 * Returns hop->kind. Never fails: unknown shapes give HV_HOP_NONE.
 */
enum hv_hop_kind received_parse(const char *val, size_t len,
                                struct hv_hop *hop);

/* received_kind_name - "none", "smtp", "local", "other". Static string. */
const char *received_kind_name(enum hv_hop_kind k);

#endif
