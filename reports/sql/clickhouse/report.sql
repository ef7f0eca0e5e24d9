-- SPDX-License-Identifier: MIT
-- heloval report tables in ClickHouse over the `verdicts` table
-- (schema.sql): the same views, columns and rules as
-- reports/sql/duckdb/report.sql (which tests/engines.test.sh runs against
-- `heloval report --format json`); read that file's header for the rules.
-- ClickHouse specifics: round() on floats rounds half to even, so the
-- percentages round a Decimal (half away from zero, as SQLite does);
-- integer division is intDiv.

CREATE OR REPLACE VIEW hv_sessions AS
SELECT * REPLACE (ifNull(verdict, 'unresolved') AS verdict) FROM verdicts;

CREATE OR REPLACE VIEW headline AS
SELECT am AS accepted_messages, rm AS would_reject_messages,
    dm AS would_defer_messages, mm AS would_mark_messages,
    om AS would_accept_messages,
    am - rm - dm - mm - om AS unevaluated_messages,
    an AS accepted_sessions, rn AS would_reject_sessions,
    dn AS would_defer_sessions, mn AS would_mark_sessions,
    onn AS would_accept_sessions,
    an - rn - dn - mn - onn AS unevaluated_sessions,
    toFloat64(round(toDecimal64(100.0 * (rm + dm + mm + om) / greatest(am, 1), 9), 1))
        AS evaluated_messages_pct,
    toFloat64(round(toDecimal64(100.0 * (rn + dn + mn + onn) / greatest(an, 1), 9), 1))
        AS evaluated_sessions_pct,
    toUInt8(multiIf(am > 0, 100 * (rm + dm + mm + om) < 80 * am,
                    an > 0, 100 * (rn + dn + mn + onn) < 80 * an, 0))
        AS low_coverage
FROM (
    SELECT toInt64(sum(messages)) AS am,
        toInt64(sumIf(messages, verdict = 'reject')) AS rm,
        toInt64(sumIf(messages, verdict = 'tempfail')) AS dm,
        toInt64(sumIf(messages, verdict = 'mark')) AS mm,
        toInt64(sumIf(messages, verdict = 'accept')) AS om,
        toInt64(countIf(disposition = 'accepted')) AS an,
        toInt64(countIf(disposition = 'accepted' AND verdict = 'reject')) AS rn,
        toInt64(countIf(disposition = 'accepted' AND verdict = 'tempfail')) AS dn,
        toInt64(countIf(disposition = 'accepted' AND verdict = 'mark')) AS mn,
        toInt64(countIf(disposition = 'accepted' AND verdict = 'accept')) AS onn
    FROM hv_sessions);

CREATE OR REPLACE VIEW impact AS
SELECT o.verdict AS verdict, ifNull(a.accepted, 0) AS accepted,
    ifNull(a.rejected, 0) AS rejected, ifNull(a.deferred, 0) AS deferred,
    ifNull(a.lost, 0) AS lost, ifNull(a.unknown, 0) AS unknown,
    ifNull(a.sessions, 0) AS sessions
FROM values('verdict String, ord UInt8', ('accept', 1), ('mark', 2),
    ('reject', 3), ('tempfail', 4), ('unresolved', 5), ('unevaluated', 6)) AS o
LEFT JOIN (
    SELECT verdict,
        countIf(disposition = 'accepted') AS accepted,
        countIf(disposition = 'rejected') AS rejected,
        countIf(disposition = 'deferred') AS deferred,
        countIf(disposition = 'lost') AS lost,
        countIf(disposition NOT IN ('accepted', 'rejected', 'deferred', 'lost'))
            AS unknown,
        count() AS sessions
    FROM hv_sessions GROUP BY verdict) AS a ON a.verdict = o.verdict
ORDER BY o.ord;

CREATE OR REPLACE VIEW at_risk AS
SELECT g.dom AS domain, g.ips AS ips, g.sessions AS sessions,
    g.messages AS messages, g.why AS reason,
    concat(v.source, ':', toString(v.line)) AS example
FROM (
    SELECT dom, why, uniqExact(ip) AS ips, toInt64(sum(n_acc)) AS sessions,
        toInt64(sum(m)) AS messages, min(ex) AS ex
    FROM (
        SELECT ifNull(domain, '') AS dom, ip, helo,
            if(csa_status IN ('ok', 'unknown')
               AND dna_status IN ('not-recommended', 'defer'),
               concat('dna-', dna_status), csa_reason) AS why,
            countIf(disposition = 'accepted') AS n_acc,
            sum(messages) AS m,
            minIf(session_id, disposition = 'accepted') AS ex
        FROM hv_sessions WHERE verdict = 'reject'
        GROUP BY helo, ip, dom, why)
    WHERE n_acc > 0 GROUP BY dom, why) AS g
INNER JOIN hv_sessions AS v ON v.session_id = g.ex
ORDER BY messages DESC, sessions DESC, domain, reason;

CREATE OR REPLACE VIEW csa AS
SELECT ifNull(csa_status, 'unresolved') AS status,
    ifNull(csa_reason, '') AS reason, count() AS sessions,
    toInt64(sum(messages)) AS messages
FROM hv_sessions GROUP BY status, reason
ORDER BY sessions DESC, status, reason;

CREATE OR REPLACE VIEW dna AS
SELECT dna_status AS status, ifNull(dna_grade, '') AS grade,
    count() AS sessions, toInt64(sum(messages)) AS messages
FROM hv_sessions GROUP BY status, grade
ORDER BY sessions DESC, status, grade;

CREATE OR REPLACE VIEW timeseries AS
SELECT if(b.step = 3600,
        formatDateTime(toDateTime(b.b0 + b.k * b.step, 'UTC'), '%Y-%m-%dT%H:00Z'),
        formatDateTime(toDateTime(b.b0 + b.k * b.step, 'UTC'), '%Y-%m-%d'))
        AS time,
    ifNull(c.accept_messages, 0) AS accept_messages,
    ifNull(c.mark_messages, 0) AS mark_messages,
    ifNull(c.reject_messages, 0) AS reject_messages,
    ifNull(c.tempfail_messages, 0) AS tempfail_messages,
    ifNull(c.unresolved_messages, 0) AS unresolved_messages,
    ifNull(c.unevaluated_messages, 0) AS unevaluated_messages,
    ifNull(c.accepted_sessions, 0) AS accepted_sessions,
    ifNull(c.sessions, 0) AS sessions
FROM (
    SELECT step, b0, arrayJoin(range(toUInt64(nb))) AS k
    FROM (
        SELECT step, intDiv(first, step) * step AS b0,
            least(intDiv(last - intDiv(first, step) * step, step) + 1, 20000) AS nb
        FROM (
            SELECT assumeNotNull(min(time_epoch)) AS first,
                assumeNotNull(max(time_epoch)) AS last,
                if(max(time_epoch) - min(time_epoch) > 48 * 3600, 86400, 3600)
                    AS step,
                count(time_epoch) AS timed
            FROM hv_sessions)
        WHERE timed > 0)) AS b
LEFT JOIN (
    SELECT intDiv(assumeNotNull(time_epoch) - s.b0, s.step) AS k,
        toInt64(sumIf(messages, disposition = 'accepted' AND verdict = 'accept')) AS accept_messages,
        toInt64(sumIf(messages, disposition = 'accepted' AND verdict = 'mark')) AS mark_messages,
        toInt64(sumIf(messages, disposition = 'accepted' AND verdict = 'reject')) AS reject_messages,
        toInt64(sumIf(messages, disposition = 'accepted' AND verdict = 'tempfail')) AS tempfail_messages,
        toInt64(sumIf(messages, disposition = 'accepted' AND verdict = 'unresolved')) AS unresolved_messages,
        toInt64(sumIf(messages, disposition = 'accepted' AND verdict = 'unevaluated')) AS unevaluated_messages,
        countIf(disposition = 'accepted') AS accepted_sessions,
        count() AS sessions
    FROM hv_sessions
    CROSS JOIN (
        SELECT step, intDiv(first, step) * step AS b0
        FROM (
            SELECT assumeNotNull(min(time_epoch)) AS first,
                if(max(time_epoch) - min(time_epoch) > 48 * 3600, 86400, 3600)
                    AS step
            FROM hv_sessions)) AS s
    WHERE time_epoch IS NOT NULL
    GROUP BY k) AS c ON c.k = b.k
ORDER BY b.k;
