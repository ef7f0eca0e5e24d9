-- SPDX-License-Identifier: MIT
-- Load `heloval export sessions|verdicts --format jsonl` into the tables of
-- schema.sql. {sessions} and {verdicts} stand for the files' paths (quoted
-- SQL strings): replace them before running (tests/engines/duckdb-run.js
-- does). JSONL keeps every byte of a value (no TSV escapes to undo).
INSERT INTO sessions BY NAME
SELECT * FROM read_json({sessions}, format = 'newline_delimited',
    columns = {source: 'VARCHAR', line: 'BIGINT', time: 'VARCHAR',
               mta: 'VARCHAR', ip: 'VARCHAR', helo: 'VARCHAR',
               rdns: 'VARCHAR', disposition: 'VARCHAR', messages: 'BIGINT',
               time_epoch: 'BIGINT', session_id: 'BIGINT'});
INSERT INTO verdicts BY NAME
SELECT * FROM read_json({verdicts}, format = 'newline_delimited',
    columns = {source: 'VARCHAR', line: 'BIGINT', time: 'VARCHAR',
               mta: 'VARCHAR', ip: 'VARCHAR', helo: 'VARCHAR',
               rdns: 'VARCHAR', disposition: 'VARCHAR', messages: 'BIGINT',
               csa_status: 'VARCHAR', csa_reason: 'VARCHAR',
               csa_record: 'VARCHAR', dna_status: 'VARCHAR',
               dna_grade: 'VARCHAR', dna_service: 'VARCHAR',
               verdict: 'VARCHAR', smtp_reply: 'VARCHAR',
               time_epoch: 'BIGINT', session_id: 'BIGINT',
               domain: 'VARCHAR', dns_age_seconds: 'BIGINT'});
