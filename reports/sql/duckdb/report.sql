-- SPDX-License-Identifier: MIT
-- heloval report tables in DuckDB over the `verdicts` table (schema.sql):
-- each view has the rows and columns of the table of the same name in
-- `heloval report --format json` over the same sessions (the whole
-- export; the report's --since/--until window is a WHERE on time_epoch).
-- tests/engines.test.sh proves the equality. Rules they share with
-- reports/report.c and reports/headline.c:
--  * messages exist only in accepted sessions; a session counts once.
--  * a "pair" is (helo, ip); at_risk groups pairs with an accepted
--    session whose verdict is reject, by domain and reason.
--  * the time series steps by the day when last - first > 48 hours, else
--    by the hour; buckets start at a multiple of the step (UTC) and run
--    from the first session's to the last's (at most 20,000), empty ones
--    as zero rows; sessions without a time are in no bucket.

-- the sessions as the report counts them: a NULL verdict (no CSA answer
-- stored, or no policy row for it) is the report's 'unresolved'
CREATE OR REPLACE VIEW hv_sessions AS
SELECT * REPLACE (COALESCE(verdict, 'unresolved') AS verdict) FROM verdicts;

-- verdicts in the report's display order
CREATE OR REPLACE VIEW hv_verdict_order AS
SELECT * FROM (VALUES ('accept', 1), ('mark', 2), ('reject', 3),
    ('tempfail', 4), ('unresolved', 5), ('unevaluated', 6)) v(verdict, ord);

-- headline: one row (README "Reports and exports", headline.h)
CREATE OR REPLACE VIEW headline AS
WITH h AS (
    SELECT COALESCE(sum(messages), 0)::BIGINT AS am,
        COALESCE(sum(messages) FILTER (verdict = 'reject'), 0)::BIGINT AS rm,
        COALESCE(sum(messages) FILTER (verdict = 'tempfail'), 0)::BIGINT AS dm,
        COALESCE(sum(messages) FILTER (verdict = 'mark'), 0)::BIGINT AS mm,
        COALESCE(sum(messages) FILTER (verdict = 'accept'), 0)::BIGINT AS om,
        count(*) FILTER (disposition = 'accepted') AS an,
        count(*) FILTER (disposition = 'accepted' AND verdict = 'reject') AS rn,
        count(*) FILTER (disposition = 'accepted' AND verdict = 'tempfail') AS dn,
        count(*) FILTER (disposition = 'accepted' AND verdict = 'mark') AS mn,
        count(*) FILTER (disposition = 'accepted' AND verdict = 'accept') AS onn
    FROM hv_sessions)
SELECT am AS accepted_messages, rm AS would_reject_messages,
    dm AS would_defer_messages, mm AS would_mark_messages,
    om AS would_accept_messages,
    am - rm - dm - mm - om AS unevaluated_messages,
    an AS accepted_sessions, rn AS would_reject_sessions,
    dn AS would_defer_sessions, mn AS would_mark_sessions,
    onn AS would_accept_sessions,
    an - rn - dn - mn - onn AS unevaluated_sessions,
    round(100.0 * (rm + dm + mm + om) / greatest(am, 1), 1)
        AS evaluated_messages_pct,
    round(100.0 * (rn + dn + mn + onn) / greatest(an, 1), 1)
        AS evaluated_sessions_pct,
    CASE WHEN am > 0 THEN (100 * (rm + dm + mm + om) < 80 * am)::INTEGER
         WHEN an > 0 THEN (100 * (rn + dn + mn + onn) < 80 * an)::INTEGER
         ELSE 0 END AS low_coverage
FROM h;

-- impact: sessions per verdict by what the MTA did
CREATE OR REPLACE VIEW impact AS
WITH a AS (
    SELECT verdict,
        count(*) FILTER (disposition = 'accepted') AS accepted,
        count(*) FILTER (disposition = 'rejected') AS rejected,
        count(*) FILTER (disposition = 'deferred') AS deferred,
        count(*) FILTER (disposition = 'lost') AS lost,
        count(*) FILTER (disposition NOT IN ('accepted', 'rejected',
            'deferred', 'lost')) AS unknown,
        count(*) AS sessions
    FROM hv_sessions GROUP BY verdict)
SELECT v.verdict, COALESCE(a.accepted, 0) AS accepted,
    COALESCE(a.rejected, 0) AS rejected, COALESCE(a.deferred, 0) AS deferred,
    COALESCE(a.lost, 0) AS lost, COALESCE(a.unknown, 0) AS unknown,
    COALESCE(a.sessions, 0) AS sessions
FROM hv_verdict_order v LEFT JOIN a ON a.verdict = v.verdict
ORDER BY v.ord;

-- at_risk: senders whose accepted mail CSV would reject, by domain and
-- reason ("dna-" + DNA status when CSA passes or is unknown but DNA rates
-- the domain not-recommended or defer, else the CSA reason); example is
-- the group's accepted session with the least session_id, as
-- source:line. The report shows the first --top rows (default 10).
CREATE OR REPLACE VIEW at_risk AS
WITH p AS (
    SELECT COALESCE(domain, '') AS domain, ip,
        CASE WHEN csa_status IN ('ok', 'unknown')
              AND dna_status IN ('not-recommended', 'defer')
             THEN 'dna-' || dna_status ELSE csa_reason END AS reason,
        count(*) FILTER (disposition = 'accepted') AS n_acc,
        sum(messages) AS m,
        min(session_id) FILTER (disposition = 'accepted') AS ex
    FROM hv_sessions WHERE verdict = 'reject'
    GROUP BY helo, ip, domain, reason),
g AS (
    SELECT domain, count(DISTINCT ip) AS ips, sum(n_acc)::BIGINT AS sessions,
        sum(m)::BIGINT AS messages, reason, min(ex) AS ex
    FROM p WHERE n_acc > 0 GROUP BY domain, reason)
SELECT g.domain, g.ips, g.sessions, g.messages, g.reason,
    v.source || ':' || v.line AS example
FROM g JOIN hv_sessions v ON v.session_id = g.ex
ORDER BY g.messages DESC, g.sessions DESC, g.domain, g.reason;

-- csa: sessions and messages per CSA status and reason
CREATE OR REPLACE VIEW csa AS
SELECT COALESCE(csa_status, 'unresolved') AS status,
    COALESCE(csa_reason, '') AS reason, count(*) AS sessions,
    sum(messages)::BIGINT AS messages
FROM hv_sessions GROUP BY 1, 2 ORDER BY 3 DESC, 1, 2;

-- dna: sessions and messages per DNA status and grade
CREATE OR REPLACE VIEW dna AS
SELECT dna_status AS status, COALESCE(dna_grade, '') AS grade,
    count(*) AS sessions, sum(messages)::BIGINT AS messages
FROM hv_sessions GROUP BY 1, 2 ORDER BY 3 DESC, 1, 2;

-- timeseries: per bucket the accepted messages per verdict, the accepted
-- sessions and all sessions
CREATE OR REPLACE VIEW timeseries AS
WITH span AS (
    SELECT min(time_epoch) AS first, max(time_epoch) AS last,
        CASE WHEN max(time_epoch) - min(time_epoch) > 48 * 3600
             THEN 86400 ELSE 3600 END AS step
    FROM hv_sessions),
b AS (
    SELECT step, (first // step) * step AS b0,
        least((last - (first // step) * step) // step + 1, 20000) AS nb
    FROM span WHERE first IS NOT NULL),
c AS (
    SELECT (v.time_epoch - b.b0) // b.step AS k,
        sum(messages) FILTER (acc AND verdict = 'accept') AS accept_messages,
        sum(messages) FILTER (acc AND verdict = 'mark') AS mark_messages,
        sum(messages) FILTER (acc AND verdict = 'reject') AS reject_messages,
        sum(messages) FILTER (acc AND verdict = 'tempfail') AS tempfail_messages,
        sum(messages) FILTER (acc AND verdict = 'unresolved') AS unresolved_messages,
        sum(messages) FILTER (acc AND verdict = 'unevaluated') AS unevaluated_messages,
        count(*) FILTER (acc) AS accepted_sessions,
        count(*) AS sessions
    FROM (SELECT *, disposition = 'accepted' AS acc FROM hv_sessions) v, b
    WHERE v.time_epoch IS NOT NULL GROUP BY 1)
SELECT CASE WHEN b.step = 3600
        THEN strftime(make_timestamp((b.b0 + g.k * b.step) * 1000000),
                      '%Y-%m-%dT%H:00Z')
        ELSE strftime(make_timestamp((b.b0 + g.k * b.step) * 1000000),
                      '%Y-%m-%d') END AS time,
    COALESCE(c.accept_messages, 0)::BIGINT AS accept_messages,
    COALESCE(c.mark_messages, 0)::BIGINT AS mark_messages,
    COALESCE(c.reject_messages, 0)::BIGINT AS reject_messages,
    COALESCE(c.tempfail_messages, 0)::BIGINT AS tempfail_messages,
    COALESCE(c.unresolved_messages, 0)::BIGINT AS unresolved_messages,
    COALESCE(c.unevaluated_messages, 0)::BIGINT AS unevaluated_messages,
    COALESCE(c.accepted_sessions, 0) AS accepted_sessions,
    COALESCE(c.sessions, 0) AS sessions
FROM b, range(0, b.nb) g(k) LEFT JOIN c ON c.k = g.k
ORDER BY g.k;
