/* SPDX-License-Identifier: MIT */
/*
 * headline - the report's opening answer and its coverage (headline.h).
 */
#include "headline.h"

#include <stdio.h>
#include <string.h>

/* the threshold as SQL text */
#define STR2(x) #x
#define STR(x) STR2(x)
#define LOW STR(HEADLINE_LOW_COVERAGE_PCT)

/* sums over temp.hv_g of one column for one verdict set, 0 when empty */
#define SUM_IF(col, cond) "COALESCE(sum(CASE WHEN " cond " THEN " col " END),0)"

const char headline_sql[] =
    "WITH h AS (SELECT"
    " COALESCE(sum(m),0) AS am,"
    " " SUM_IF("m", "verdict = 'reject'") " AS rm,"
    " " SUM_IF("m", "verdict = 'tempfail'") " AS dm,"
    " " SUM_IF("m", "verdict = 'mark'") " AS mm,"
    " " SUM_IF("m", "verdict = 'accept'") " AS om,"
    " " SUM_IF("n_acc", "1") " AS an,"
    " " SUM_IF("n_acc", "verdict = 'reject'") " AS rn,"
    " " SUM_IF("n_acc", "verdict = 'tempfail'") " AS dn,"
    " " SUM_IF("n_acc", "verdict = 'mark'") " AS mn,"
    " " SUM_IF("n_acc", "verdict = 'accept'") " AS onn"
    " FROM temp.hv_g)"
    " SELECT am AS accepted_messages, rm AS would_reject_messages,"
    " dm AS would_defer_messages, mm AS would_mark_messages,"
    " om AS would_accept_messages,"
    /* whatever is not one of the four verdicts was not evaluated, so the
     * items always add up */
    " am - rm - dm - mm - om AS unevaluated_messages,"
    " an AS accepted_sessions, rn AS would_reject_sessions,"
    " dn AS would_defer_sessions, mn AS would_mark_sessions,"
    " onn AS would_accept_sessions,"
    " an - rn - dn - mn - onn AS unevaluated_sessions,"
    " round(100.0 * (rm + dm + mm + om) / max(am,1), 1)"
    "  AS evaluated_messages_pct,"
    " round(100.0 * (rn + dn + mn + onn) / max(an,1), 1)"
    "  AS evaluated_sessions_pct,"
    " CASE WHEN am > 0 THEN 100 * (rm + dm + mm + om) < " LOW " * am"
    "  WHEN an > 0 THEN 100 * (rn + dn + mn + onn) < " LOW " * an"
    "  ELSE 0 END AS low_coverage"
    " FROM h";

/* the action that closes each gap (README "Coverage") */
const char coverage_sql[] =
    "WITH a AS (SELECT mta,"
    "  CASE verdict WHEN 'unevaluated' THEN 'helo-unobserved'"
    "  WHEN 'unresolved' THEN 'dns-unresolved' ELSE 'evaluated' END AS cause,"
    "  sum(n_acc) AS n, sum(m) AS m FROM temp.hv_g WHERE acc GROUP BY 1, 2),"
    " t AS (SELECT mta, sum(n) AS n, sum(m) AS m FROM a GROUP BY mta),"
    " c(cause, ord) AS (VALUES('evaluated',1),('helo-unobserved',2),"
    "  ('dns-unresolved',3))"
    " SELECT a.mta, a.cause, a.n, round(100.0 * a.n / max(t.n,1), 1),"
    "  a.m, round(100.0 * a.m / max(t.m,1), 1),"
    "  CASE a.cause WHEN 'evaluated' THEN ''"
    "  WHEN 'dns-unresolved' THEN 'run heloval resolve (again): no CSA"
    " answer is stored for these HELOs'"
    "  ELSE CASE a.mta"
    "   WHEN 'postfix' THEN 'scan the mailbox (Received join), or set"
    " smtpd_log_access_permit_actions = static:all'"
    "   WHEN 'sendmail' THEN 'scan the mailbox (Received join): Sendmail logs"
    " no HELO'"
    "   ELSE 'scan the mailbox (Received join)' END END"
    " FROM a JOIN t ON t.mta IS a.mta JOIN c ON c.cause = a.cause"
    " ORDER BY t.n DESC, a.mta, c.ord";

/* kv_int - the integer item name of the kv table t (0 when absent). */
static long long kv_int(const struct rtable *t, const char *name)
{
    for (size_t i = 0; i < t->nrows; i++) {
        const struct rcell *k = report_cell(t, i, 0);
        if (k->s != NULL && strcmp(k->s, name) == 0)
            return report_cell(t, i, 1)->i;
    }
    return 0;
}

double headline_pct(long long part, long long whole)
{
    return whole > 0 ? 100.0 * (double)part / (double)whole : 0.0;
}

bool headline_get(const struct report *r, struct headline *h)
{
    memset(h, 0, sizeof(*h));
    const struct rtable *t = report_find(r, "headline");
    if (t == NULL)
        return false;
    h->acc_m = kv_int(t, "accepted_messages");
    h->rej_m = kv_int(t, "would_reject_messages");
    h->def_m = kv_int(t, "would_defer_messages");
    h->mark_m = kv_int(t, "would_mark_messages");
    h->ok_m = kv_int(t, "would_accept_messages");
    h->unev_m = kv_int(t, "unevaluated_messages");
    h->acc_s = kv_int(t, "accepted_sessions");
    h->rej_s = kv_int(t, "would_reject_sessions");
    h->def_s = kv_int(t, "would_defer_sessions");
    h->mark_s = kv_int(t, "would_mark_sessions");
    h->ok_s = kv_int(t, "would_accept_sessions");
    h->unev_s = kv_int(t, "unevaluated_sessions");
    h->eval_m_pct = headline_pct(h->acc_m - h->unev_m, h->acc_m);
    h->eval_s_pct = headline_pct(h->acc_s - h->unev_s, h->acc_s);
    h->low = kv_int(t, "low_coverage") != 0;
    return true;
}

void headline_count(struct fmt_buf *b, long long n)
{
    char digits[32];
    int len = snprintf(digits, sizeof(digits), "%lld", n < 0 ? -n : n);
    if (n < 0)
        fmt_buf_puts(b, "-");
    for (int i = 0; i < len; i++) {
        if (i > 0 && (len - i) % 3 == 0)
            fmt_buf_puts(b, ",");
        fmt_buf_add(b, digits + i, 1);
    }
}

/* part - "N (P%)" of whole into b. */
static void part(struct fmt_buf *b, long long n, long long whole)
{
    headline_count(b, n);
    fmt_buf_printf(b, " (%.1f%%)", headline_pct(n, whole));
}

void headline_sentences(const struct headline *h, struct fmt_buf *b)
{
    fmt_buf_puts(b, "Of ");
    headline_count(b, h->acc_m);
    fmt_buf_puts(b, " accepted messages (");
    headline_count(b, h->acc_s);
    fmt_buf_puts(b, " sessions), CSV would have rejected ");
    part(b, h->rej_m, h->acc_m);
    fmt_buf_puts(b, ", deferred ");
    part(b, h->def_m, h->acc_m);
    fmt_buf_puts(b, ", marked ");
    part(b, h->mark_m, h->acc_m);
    fmt_buf_puts(b, " and accepted ");
    part(b, h->ok_m, h->acc_m);
    fmt_buf_puts(b, "; ");
    part(b, h->unev_m, h->acc_m);
    fmt_buf_puts(b, " could not be evaluated (HELO not in the log or DNS"
                    " unresolved). Sessions: ");
    part(b, h->rej_s, h->acc_s);
    fmt_buf_puts(b, " rejected, ");
    part(b, h->def_s, h->acc_s);
    fmt_buf_puts(b, " deferred, ");
    part(b, h->mark_s, h->acc_s);
    fmt_buf_puts(b, " marked, ");
    part(b, h->ok_s, h->acc_s);
    fmt_buf_puts(b, " accepted, ");
    part(b, h->unev_s, h->acc_s);
    fmt_buf_puts(b, " not evaluated.");
}

bool headline_warning(const struct headline *h, struct fmt_buf *b)
{
    if (!h->low)
        return false;
    if (h->acc_m > 0)
        fmt_buf_printf(b, "low coverage: only %.1f%% of the accepted messages"
                          " were evaluated (under %d%%)",
                       h->eval_m_pct, HEADLINE_LOW_COVERAGE_PCT);
    else
        fmt_buf_printf(b, "low coverage: only %.1f%% of the accepted sessions"
                          " were evaluated (under %d%%)",
                       h->eval_s_pct, HEADLINE_LOW_COVERAGE_PCT);
    fmt_buf_puts(b, "; the coverage table says what closes the gap");
    return true;
}
