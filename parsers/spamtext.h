/* SPDX-License-Identifier: MIT */
/*
 * spamtext - the words that label a session spam or ham (session.h, enum
 * hv_label), shared by the parsers: an MTA's rejection text (Postfix,
 * Exim and Sendmail all go through hv_reject_label), a message's
 * spam-filter header (mbox) and a mail folder's name (the scan stage sets
 * hv_parse_opts.folder_spam from it). All matching is ASCII
 * case-insensitive, bounded by the lengths given (no NUL needed), and
 * allocates nothing. The callers decide when to ask: only on 5xx
 * rejection lines and on header lines, never on the hot path.
 */
#ifndef HV_SPAMTEXT_H
#define HV_SPAMTEXT_H

#include <stdbool.h>
#include <stddef.h>

#include "session.h"

/* hv_reject_label - what a rejection's text says: HV_LFROM_DNSBL when it
 * cites a block list ("blocked using", "black list", "blacklist",
 * "block list", "blocklist", "listed in", "listed at", "spamhaus", or
 * one of the words "rbl", "dnsbl", "rbls", "dnsbls"), else
 * HV_LFROM_FILTER when it mentions spam
 * ("spam" anywhere), else HV_LFROM_NONE. Where a FILTER answer counts
 * (only a content-stage rejection) is the caller's rule. */
enum hv_label_from hv_reject_label(const char *text, size_t len);

/* hv_spam_header - for a header line "name: value" (name without the
 * colon, value as it follows it): true when name is a spam-filter header
 * this knows, with *label its verdict, HV_LABEL_NONE when the value
 * decides nothing. Known headers and values:
 *   X-Spam-Flag: YES | NO                      (SpamAssassin)
 *   X-Spam-Status: Yes, ... | No, ...          (SpamAssassin)
 *   X-Spam: Yes | No                           (rspamd milter)
 *   X-Rspamd-Action: no action -> ham; reject, add header, rewrite
 *     subject -> spam; anything else (greylist, soft reject) none
 *   X-Spamd-Result: default: True -> spam, default: False -> ham (rspamd)
 *   X-MS-Exchange-Organization-SCL: 5..9 -> spam, -1..4 -> ham
 * Returns false (label untouched) for any other name. */
bool hv_spam_header(const char *name, size_t nlen, const char *value, size_t vlen,
                    enum hv_label *label);

/* hv_spam_folder - true when one path component (a directory or an mbox
 * file name, len bytes, no '/') names a junk folder: Junk, Spam,
 * "Junk E-mail", "Junk Email", Bulk or "Bulk Mail", case-insensitive,
 * after dropping Maildir++ leading dots and an "INBOX." prefix (".Junk",
 * "INBOX.Spam", ".INBOX.Junk") and an .mbox or .mbx suffix ("Junk.mbox"). */
bool hv_spam_folder(const char *name, size_t len);

#endif
