/* SPDX-License-Identifier: MIT */
/*
 * policy - the CSA x DNA action table, its file format, its copy in the
 * database and the SMTP reply of each verdict (DESIGN.md "Default policy";
 * spec/csv-spec.md §2.4, §3 for the reply texts).
 */
#include "policy.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "hverr.h"
#include "xmem.h"

#define POLICY_LINE_MAX 1000
#define POLICY_FILE_MAX (1024 * 1024)

const char *const policy_csa_names[POLICY_NCSA] = {
    "ok", "fail", "unknown", "defer",
};
const char *const policy_dna_names[POLICY_NDNA] = {
    "recommended", "unknown", "not-recommended", "defer",
};
const char *const policy_action_names[4] = {
    "accept", "mark", "reject", "tempfail",
};

static const enum policy_action default_cells[POLICY_NCSA][POLICY_NDNA] = {
    /* recommended    unknown          not-recommended defer */
    { POLICY_ACCEPT, POLICY_MARK, POLICY_REJECT, POLICY_MARK },     /* ok */
    { POLICY_REJECT, POLICY_REJECT, POLICY_REJECT, POLICY_REJECT }, /* fail */
    { POLICY_MARK, POLICY_MARK, POLICY_REJECT, POLICY_MARK },   /* unknown */
    { POLICY_TEMPFAIL, POLICY_TEMPFAIL, POLICY_REJECT,
      POLICY_TEMPFAIL },                                         /* defer */
};

void policy_default(struct policy *p)
{
    memcpy(p->cell, default_cells, sizeof(p->cell));
}

/* word_index - index of the len bytes of w in names (case-insensitive),
 * -1 when absent. */
static int word_index(const char *w, size_t len, const char *const *names,
                      int n)
{
    for (int i = 0; i < n; i++)
        if (strlen(names[i]) == len && strncasecmp(names[i], w, len) == 0)
            return i;
    return -1;
}


/* is_blank - field separators. */
static bool is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

/* show - up to 40 bytes of a word for a message, non-printable bytes as
 * '?' (the message ends up on a terminal). */
static const char *show(char buf[41], const char *w, size_t len)
{
    size_t n = len > 40 ? 40 : len;

    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)w[i];
        buf[i] = (char)(c >= 0x20 && c < 0x7F ? c : '?');
    }
    buf[n] = '\0';
    return buf;
}

/* parse_line - one line (no newline) applied to p; HV_OK, or HV_EINPUT with
 * the message in *err. */
static int parse_line(const char *s, size_t len, const char *name,
                      size_t lineno, struct policy *p, char **err)
{
    const char *f[4];
    size_t fl[4];
    size_t nf = 0, i = 0;
    int ci, di, ai;
    char sb[41];

    for (size_t k = 0; k < len; k++)
        if (s[k] == '#') {
            len = k;
            break;
        }
    while (i < len) {
        size_t st;

        while (i < len && is_blank(s[i]))
            i++;
        if (i >= len)
            break;
        st = i;
        while (i < len && !is_blank(s[i]))
            i++;
        if (nf == 4)
            break;
        f[nf] = s + st;
        fl[nf] = i - st;
        nf++;
    }
    if (nf == 0)
        return HV_OK;
    if (nf != 3)
        return hv_errf(err, HV_EINPUT,
                    "%s:%zu: expected 3 fields \"CSA-STATUS DNA-STATUS "
                    "ACTION\"",
                    name, lineno);
    ci = fl[0] == 1 && f[0][0] == '*'
             ? POLICY_NCSA
             : word_index(f[0], fl[0], policy_csa_names, POLICY_NCSA);
    if (ci < 0)
        return hv_errf(err, HV_EINPUT,
                    "%s:%zu: unknown CSA status \"%s\" (ok, fail, unknown, "
                    "defer or *)",
                    name, lineno, show(sb, f[0], fl[0]));
    di = fl[1] == 1 && f[1][0] == '*'
             ? POLICY_NDNA
             : word_index(f[1], fl[1], policy_dna_names, POLICY_NDNA);
    if (di < 0)
        return hv_errf(err, HV_EINPUT,
                    "%s:%zu: unknown DNA status \"%s\" (recommended, "
                    "unknown, not-recommended, defer or *)",
                    name, lineno, show(sb, f[1], fl[1]));
    ai = word_index(f[2], fl[2], policy_action_names, 4);
    if (ai < 0)
        return hv_errf(err, HV_EINPUT,
                    "%s:%zu: unknown action \"%s\" (accept, mark, reject "
                    "or tempfail)",
                    name, lineno, show(sb, f[2], fl[2]));
    for (int c = 0; c < POLICY_NCSA; c++) {
        if (ci != POLICY_NCSA && ci != c)
            continue;
        for (int d = 0; d < POLICY_NDNA; d++)
            if (di == POLICY_NDNA || di == d)
                p->cell[c][d] = (enum policy_action)ai;
    }
    return HV_OK;
}

int policy_parse(const char *text, size_t len, const char *name,
                 struct policy *p, char **err)
{
    size_t pos = 0, lineno = 0;

    policy_default(p);
    if (name == NULL)
        name = "policy";
    while (pos < len) {
        const char *nl = memchr(text + pos, '\n', len - pos);
        size_t l = nl != NULL ? (size_t)(nl - (text + pos)) : len - pos;

        lineno++;
        if (l > POLICY_LINE_MAX) {
            policy_default(p);
            return hv_errf(err, HV_EINPUT, "%s:%zu: line longer than %d bytes",
                        name, lineno, POLICY_LINE_MAX);
        }
        if (memchr(text + pos, '\0', l) != NULL) {
            policy_default(p);
            return hv_errf(err, HV_EINPUT, "%s:%zu: NUL byte", name, lineno);
        }
        if (parse_line(text + pos, l, name, lineno, p, err) != HV_OK) {
            policy_default(p);
            return HV_EINPUT;
        }
        pos += l + (nl != NULL ? 1 : 0);
    }
    return HV_OK;
}

int policy_load(const char *path, struct policy *p, char **err)
{
    char *buf;
    FILE *fp;
    size_t n;
    int rc;

    policy_default(p);
    fp = fopen(path, "rb");
    if (fp == NULL)
        return hv_errf(err, HV_EINPUT, "%s: %s", path, strerror(errno));
    buf = xmalloc(POLICY_FILE_MAX + 1);
    n = fread(buf, 1, POLICY_FILE_MAX + 1, fp);
    if (ferror(fp))
        rc = hv_errf(err, HV_EINPUT, "%s: read error", path);
    else if (n > POLICY_FILE_MAX)
        rc = hv_errf(err, HV_EINPUT, "%s: larger than %d bytes", path,
                  POLICY_FILE_MAX);
    else
        rc = policy_parse(buf, n, path, p, err);
    fclose(fp);
    free(buf);
    return rc;
}

const char *policy_action(const struct policy *p, const char *csa,
                          const char *dna)
{
    int ci, di;

    if (p == NULL || csa == NULL)
        return NULL;
    if (dna == NULL)
        dna = "unknown";
    ci = word_index(csa, strlen(csa), policy_csa_names, POLICY_NCSA);
    di = word_index(dna, strlen(dna), policy_dna_names, POLICY_NDNA);
    if (ci < 0 || di < 0)
        return NULL;
    return policy_action_names[p->cell[ci][di]];
}

/* ==== SMTP replies ==== */

/* safe_copy - s with bytes outside printable ASCII replaced by '?' (the
 * reply must stay one line whatever the log contained). */
static void safe_copy(char *dst, size_t dstlen, const char *s)
{
    size_t n = 0;

    if (s != NULL)
        for (; s[n] != '\0' && n + 1 < dstlen; n++) {
            unsigned char c = (unsigned char)s[n];
            dst[n] = (char)(c >= 0x20 && c < 0x7F ? c : '?');
        }
    dst[n] = '\0';
}

/* is_token - RFC 2045 token: printable ASCII except space and tspecials. */
static bool is_token(const char *s)
{
    if (s[0] == '\0')
        return false;
    for (; *s != '\0'; s++) {
        unsigned char c = (unsigned char)*s;

        if (c <= 0x20 || c >= 0x7F || strchr("()<>@,;:\\\"/[]?=", c))
            return false;
    }
    return true;
}

/* helo_value - the HELO as an Authentication-Results value: a token as
 * is, anything else as a quoted string. */
static void helo_value(char *dst, size_t dstlen, const char *helo)
{
    char tmp[600];
    size_t n = 0;

    safe_copy(tmp, sizeof(tmp), helo);
    if (is_token(tmp)) {
        snprintf(dst, dstlen, "%s", tmp);
        return;
    }
    if (dstlen < 3) {
        dst[0] = '\0';
        return;
    }
    dst[n++] = '"';
    for (size_t i = 0; tmp[i] != '\0' && n + 3 < dstlen; i++) {
        if (tmp[i] == '"' || tmp[i] == '\\')
            dst[n++] = '\\';
        dst[n++] = tmp[i];
    }
    dst[n++] = '"';
    dst[n] = '\0';
}

static bool streq(const char *a, const char *b)
{
    return a != NULL && strcmp(a, b) == 0;
}

bool policy_smtp_reply(char *out, size_t outlen, const char *verdict,
                       const char *csa_status, const char *csa_reason,
                       const char *dna_status, const char *dna_service,
                       const char *helo, const char *authserv_id)
{
    char a[300], b[300];

    if (out == NULL || outlen == 0)
        return false;
    out[0] = '\0';
    if (verdict == NULL)
        return false;
    if (strcmp(verdict, "accept") == 0)
        return true;
    if (strcmp(verdict, "reject") == 0) {
        if (streq(dna_status, "not-recommended") &&
            !streq(csa_status, "fail")) {
            safe_copy(a, sizeof(a), dna_service);
            snprintf(out, outlen, "550 5.7.1 Access denied based on %s report",
                     a[0] != '\0' ? a : "accreditation");
        } else {
            safe_copy(a, sizeof(a), csa_reason);
            snprintf(out, outlen,
                     "550 5.7.1 Client SMTP authorization failed (%s)", a);
        }
        return true;
    }
    if (strcmp(verdict, "tempfail") == 0) {
        if (streq(dna_status, "defer") && !streq(csa_status, "defer")) {
            snprintf(out, outlen, "451 4.7.1 Accreditation lookup deferred");
        } else {
            safe_copy(a, sizeof(a), csa_reason);
            snprintf(out, outlen,
                     "451 4.7.1 Client SMTP authorization deferred (%s)", a);
        }
        return true;
    }
    if (strcmp(verdict, "mark") == 0) {
        char h[600];

        safe_copy(a, sizeof(a),
                  authserv_id != NULL && authserv_id[0] != '\0' ? authserv_id
                                                                : "localhost");
        safe_copy(b, sizeof(b), csa_status);
        helo_value(h, sizeof(h), helo);
        snprintf(out, outlen,
                 "Authentication-Results: %s; x-csa=%s smtp.helo=%s", a, b, h);
        return true;
    }
    return false;
}
