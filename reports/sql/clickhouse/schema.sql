-- SPDX-License-Identifier: MIT
-- heloval engine contract, ClickHouse: the tables of `heloval export
-- sessions` and `heloval export verdicts` (README "Engines: ClickHouse and
-- DuckDB"), MergeTree partitioned by day (UTC; sessions without a time in
-- the 1970-01-01 partition). Column order = the exports' column order.
-- Load the TSV exports as they are: ClickHouse's TabSeparatedWithNames
-- reads \N as NULL and undoes \t \r \n \\ exactly as heloval writes them:
--   clickhouse-client --query "INSERT INTO verdicts FORMAT TabSeparatedWithNames" < verdicts.tsv
--   clickhouse-client --query "INSERT INTO sessions FORMAT TabSeparatedWithNames" < sessions.tsv
-- (JSONL: FORMAT JSONEachRow.) Then run report.sql (its views).
-- Written for a current ClickHouse (22.x and later); not run in heloval's
-- tests (README says why).
CREATE TABLE IF NOT EXISTS sessions (
    source      String,
    line        Int64,
    time        Nullable(String),   -- ISO 8601 UTC; NULL when the log has none
    mta         LowCardinality(String),
    ip          String,
    helo        Nullable(String),   -- NULL: no HELO known
    rdns        Nullable(String),   -- '' when none was logged
    disposition LowCardinality(String),
    messages    Int64,
    time_epoch  Nullable(Int64),    -- time as Unix seconds
    session_id  Int64               -- the store's id, unique in a database
) ENGINE = MergeTree
PARTITION BY toDate(toDateTime(ifNull(time_epoch, 0), 'UTC'))
ORDER BY (session_id);

CREATE TABLE IF NOT EXISTS verdicts (
    source      String,
    line        Int64,
    time        Nullable(String),
    mta         LowCardinality(String),
    ip          String,
    helo        Nullable(String),
    rdns        Nullable(String),
    disposition LowCardinality(String),
    messages    Int64,
    csa_status  Nullable(String),   -- NULL: not resolved
    csa_reason  Nullable(String),
    csa_record  Nullable(String),
    dna_status  LowCardinality(String), -- 'unknown' when no DNA answer
    dna_grade   Nullable(String),
    dna_service Nullable(String),
    verdict     Nullable(String),   -- NULL: unresolved
    smtp_reply  String,
    time_epoch  Nullable(Int64),
    session_id  Int64,
    domain      Nullable(String),   -- registered domain of the HELO (PSL)
    dns_age_seconds Nullable(Int64) -- CSA answer time - session time
) ENGINE = MergeTree
PARTITION BY toDate(toDateTime(ifNull(time_epoch, 0), 'UTC'))
ORDER BY (session_id);
