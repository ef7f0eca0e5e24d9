/* SPDX-License-Identifier: MIT */
/*
 * Folder analyzer/csv/ (README "Layout"): what CSV decides, as pure
 * functions: CSA (csa.h), DNA (dna.h), HELO classes (heloname.h) and the
 * policy (policy.h). Neither sqlite3.h nor ares.h (make lint): DNS answers
 * come in through a lookup callback, and the SQL side is
 * analyzer/store/csvsql.h.
 */
/*
 * policy - what a CSV-enabled server would do with a session: the table
 * (CSA status x DNA status -> accept|mark|reject|tempfail), its file format,
 * its copy in the database (`policy` table, analyzer/store/schema.c, written
 * by analyzer/store/csvsql.c) and the SMTP reply or header each verdict
 * stands for.
 *
 * Default table (DESIGN.md):
 *   CSA \ DNA  recommended unknown  not-recommended defer
 *   ok         accept      mark     reject          mark
 *   fail       reject      reject   reject          reject
 *   unknown    mark        mark     reject          mark
 *   defer      tempfail    tempfail reject          tempfail
 *
 * Policy file: lines "CSA DNA ACTION" separated by blanks, where CSA is
 * ok|fail|unknown|defer|*, DNA is recommended|unknown|not-recommended|defer|*
 * ("*": every value) and ACTION is accept|mark|reject|tempfail. '#' starts a
 * comment; blank lines are ignored; words are case-insensitive. The file
 * starts from the default table and later lines override earlier ones.
 * Unknown words, missing or extra fields, lines over 1000 bytes and NUL
 * bytes are errors reported with the line number.
 */
#ifndef HV_POLICY_H
#define HV_POLICY_H

#include <stdbool.h>
#include <stddef.h>

#define POLICY_NCSA 4
#define POLICY_NDNA 4

enum policy_action {
    POLICY_ACCEPT,
    POLICY_MARK,
    POLICY_REJECT,
    POLICY_TEMPFAIL
};

struct policy {
    enum policy_action cell[POLICY_NCSA][POLICY_NDNA]; /* [csa][dna] */
};

/* Orders used for the indexes of cell. */
extern const char *const policy_csa_names[POLICY_NCSA]; /* ok fail unknown defer */
extern const char *const policy_dna_names[POLICY_NDNA]; /* recommended unknown
                                                          not-recommended defer */
extern const char *const policy_action_names[4]; /* accept mark reject tempfail */

/* policy_default - fill p with the default table. */
void policy_default(struct policy *p);

/* policy_load - default table, then the file at path applied on top.
 * Returns HV_OK, or HV_EINPUT with a malloc'ed message "path:line: ..." (or
 * the open error) in *err (hverr.h); p is then the default table. */
int policy_load(const char *path, struct policy *p, char **err);

/* policy_parse - the same over a text in memory (len bytes; name is used in
 * messages). */
int policy_parse(const char *text, size_t len, const char *name,
                 struct policy *p, char **err);

/* policy_action - the action name for (csa, dna) status names, static.
 * dna NULL counts as "unknown" (no DNA result); csa NULL or an unknown word
 * gives NULL. */
const char *policy_action(const struct policy *p, const char *csa,
                          const char *dna);

/* policy_smtp_reply - the reply text for a verdict into out (always
 * NUL-terminated; truncated to outlen-1):
 *   reject, CSA fail (or no DNA D/E) -> "550 5.7.1 Client SMTP authorization
 *            failed (<csa_reason>)"
 *   reject, DNA not-recommended and CSA not fail -> "550 5.7.1 Access denied
 *            based on <dna_service> report" ("accreditation" when no
 *            service is named)
 *   tempfail, CSA defer (or no DNA defer) -> "451 4.7.1 Client SMTP
 *            authorization deferred (<csa_reason>)"
 *   tempfail, DNA defer and CSA not defer -> "451 4.7.1 Accreditation
 *            lookup deferred"
 *   mark   -> "Authentication-Results: <authserv_id>; x-csa=<csa_status>
 *            smtp.helo=<helo>" (helo as an RFC 2045 token, else a quoted
 *            string; bytes outside printable ASCII become '?')
 *   accept -> ""
 * NULL arguments count as empty ("localhost" for authserv_id). Returns
 * false (out = "") when verdict is NULL or not an action name. */
bool policy_smtp_reply(char *out, size_t outlen, const char *verdict,
                       const char *csa_status, const char *csa_reason,
                       const char *dna_status, const char *dna_service,
                       const char *helo, const char *authserv_id);

#endif
