/* SPDX-License-Identifier: MIT */
/*
 * mbox - mail archives as SMTP sessions: mbox files (mboxo and mboxrd,
 * RFC 4155), and single messages (.eml, one Maildir file). Implements
 * hv_format_mbox (parser.h); line-fed like the log parsers.
 *
 * Framing: in an mbox, a message starts at a valid From_ line
 * ("From <addr> <ctime date>", the date parsed by tstamp_ctime) that is the
 * first non-empty line of the input or follows an empty line; any other
 * "From " line is body text. When the first non-empty line is not a From_
 * line, or opts->single_message is set, the whole input is one message
 * (a leading From_ line is then only the envelope date).
 *
 * Each message gives at most one session: the border hop, i.e. the topmost
 * Received header whose client address is outside opts->trusted (NULL: the
 * default trusted list of netaddr.h). Hops without a client (local, by-only)
 * and hops from trusted clients are passed over. The session (mta mbox,
 * messages 1, complete) takes the hop's address, HELO, reverse name and
 * queue ID; its time is the hop's date, else the From_ date, else Date:;
 * its line and offset are those of the From_ line (1 and 0 for a single
 * message). It is emitted when the header section ends (or at finish()).
 *
 * Bounds and skip reasons (feed() returns HV_PARSE_SKIP with):
 *  - "no-client-hop": the message has no SMTP client hop outside the
 *    trusted networks (all local/trusted, no Received, or the border client
 *    did not speak SMTP, e.g. webmail over HTTP); reported on the empty line
 *    that ends the header section, once per message (a header that runs to
 *    the end of the input cannot be reported: finish() has no result);
 *  - "too-many-received": more than MBOX_MAX_RECEIVED Received headers; the
 *    rest are ignored; reported on the first ignored one, once per message;
 *  - "header-too-long": an unfolded Received or Date header over
 *    MBOX_MAX_HEADER bytes is cut there; reported once per header;
 *  - "helo-truncated": the border hop's HELO is over HV_HELO_MAX bytes; the
 *    session is emitted with its first HV_HELO_MAX bytes; reported on the
 *    line that ends the header section.
 * Labels (session.h, enum hv_label): with opts->folder_spam every session
 * is spam, label_from FOLDER, whatever its headers say; otherwise the
 * message's first spam-filter header that hv_spam_header (spamtext.h)
 * knows decides it (label_from HEADER; a value that decides nothing, such
 * as X-Rspamd-Action: greylist, leaves it unlabelled all the same: a lower
 * header may be the sender's forgery). Only a header's first line is read.
 * A HELO that is hidden by the MTA (Exim/qmail "from RDNS ([IP])", see
 * received.h) is set to RDNS with helo_origin HV_HELO_IMPLIED.
 * The body is not stored: each body line costs one byte comparison unless
 * it follows an empty line (labels are read in the header section only).
 */
#ifndef HV_MBOX_H
#define HV_MBOX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "parser.h"

#define MBOX_MAX_HEADER 65536   /* bytes kept of one unfolded header */
#define MBOX_MAX_RECEIVED 64    /* Received headers considered per message */

/* mbox_from_line - true when line is a valid From_ line; *ts (may be NULL)
 * gets its date. */
bool mbox_from_line(const char *line, size_t len, int64_t *ts);

#endif
