-- SPDX-License-Identifier: MIT
-- heloval engine contract, DuckDB: the tables of `heloval export sessions`
-- and `heloval export verdicts` (README "Engines: ClickHouse and DuckDB").
-- Column order = the exports' column order. NULL = unknown (\N in TSV,
-- null in JSONL). Load with load-jsonl.sql or load-tsv.sql, then run
-- report.sql.
CREATE TABLE sessions (
    source      VARCHAR NOT NULL, -- the log or mailbox file, as scanned
    line        BIGINT  NOT NULL, -- its line (mailbox: message) number
    time        VARCHAR,          -- ISO 8601 UTC, NULL when the log has none
    mta         VARCHAR NOT NULL,
    ip          VARCHAR NOT NULL,
    helo        VARCHAR,          -- as sent; NULL: no HELO known
    rdns        VARCHAR,          -- reverse name, '' when none was logged
    disposition VARCHAR NOT NULL, -- accepted rejected deferred lost unknown
    messages    BIGINT  NOT NULL,
    time_epoch  BIGINT,           -- time as Unix seconds, NULL with time
    session_id  BIGINT  NOT NULL  -- the store's id: unique in a database,
                                  -- in scan order (source_id << 32 | line)
);

CREATE TABLE verdicts (
    source      VARCHAR NOT NULL,
    line        BIGINT  NOT NULL,
    time        VARCHAR,
    mta         VARCHAR NOT NULL,
    ip          VARCHAR NOT NULL,
    helo        VARCHAR,
    rdns        VARCHAR,
    disposition VARCHAR NOT NULL,
    messages    BIGINT  NOT NULL,
    csa_status  VARCHAR,          -- NULL: not resolved (verdict unresolved)
    csa_reason  VARCHAR,
    csa_record  VARCHAR,
    dna_status  VARCHAR NOT NULL, -- 'unknown' when no DNA answer
    dna_grade   VARCHAR,
    dna_service VARCHAR,
    verdict     VARCHAR,          -- accept mark reject tempfail unevaluated;
                                  -- NULL: unresolved (no CSA answer or policy row)
    smtp_reply  VARCHAR NOT NULL, -- '' when the verdict sends none
    time_epoch  BIGINT,
    session_id  BIGINT  NOT NULL,
    domain      VARCHAR,          -- registered domain of the HELO (PSL), NULL: no HELO
    dns_age_seconds BIGINT        -- CSA answer time - session time, NULL: none
);
