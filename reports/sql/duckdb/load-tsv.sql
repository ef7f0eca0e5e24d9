-- SPDX-License-Identifier: MIT
-- Load `heloval export sessions|verdicts --format tsv` into the tables of
-- schema.sql ({sessions}, {verdicts}: the files' paths as quoted SQL
-- strings). \N is NULL. DuckDB's reader does not undo the export's
-- backslash escapes (\t \r \n \\ inside a value): values holding those
-- bytes stay escaped; load the JSONL export when they matter.
INSERT INTO sessions
SELECT * FROM read_csv({sessions}, delim = '\t', header = true, quote = '',
    escape = '', nullstr = '\N', all_varchar = false,
    columns = {source: 'VARCHAR', line: 'BIGINT', time: 'VARCHAR',
               mta: 'VARCHAR', ip: 'VARCHAR', helo: 'VARCHAR',
               rdns: 'VARCHAR', disposition: 'VARCHAR', messages: 'BIGINT',
               time_epoch: 'BIGINT', session_id: 'BIGINT'});
INSERT INTO verdicts
SELECT * FROM read_csv({verdicts}, delim = '\t', header = true, quote = '',
    escape = '', nullstr = '\N',
    columns = {source: 'VARCHAR', line: 'BIGINT', time: 'VARCHAR',
               mta: 'VARCHAR', ip: 'VARCHAR', helo: 'VARCHAR',
               rdns: 'VARCHAR', disposition: 'VARCHAR', messages: 'BIGINT',
               csa_status: 'VARCHAR', csa_reason: 'VARCHAR',
               csa_record: 'VARCHAR', dna_status: 'VARCHAR',
               dna_grade: 'VARCHAR', dna_service: 'VARCHAR',
               verdict: 'VARCHAR', smtp_reply: 'VARCHAR',
               time_epoch: 'BIGINT', session_id: 'BIGINT',
               domain: 'VARCHAR', dns_age_seconds: 'BIGINT'});
