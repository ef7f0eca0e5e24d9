// SPDX-License-Identifier: MIT
// duckdb-run.js SQLDIR FORMAT SESSIONS VERDICTS - load heloval's exports
// (FORMAT jsonl or tsv) into an in-memory DuckDB with SQLDIR's schema.sql
// and load-FORMAT.sql, run report.sql and print one JSON object: each
// report view (headline: its one row as an object; the others: arrays of
// row objects), integers as JSON numbers. Needs @duckdb/node-api on
// NODE_PATH (tests/engines.test.sh installs it under the build dir).
'use strict';
const fs = require('fs');
const path = require('path');
const { DuckDBInstance } = require('@duckdb/node-api');

const [sqldir, format, sessions, verdicts] = process.argv.slice(2);
const quote = (s) => "'" + s.replace(/'/g, "''") + "'";
const read = (f) => fs.readFileSync(path.join(sqldir, f), 'utf8');
const VIEWS = ['headline', 'impact', 'at_risk', 'csa', 'dna', 'timeseries'];

// plain JSON values: BIGINT and HUGEINT as numbers, DECIMAL/DOUBLE as numbers
function plain(v) {
    if (typeof v === 'bigint')
        return Number(v);
    if (v !== null && typeof v === 'object' && typeof v.toDouble === 'function')
        return v.toDouble();
    return v;
}

(async () => {
    const db = await DuckDBInstance.create(':memory:');
    const con = await db.connect();
    await con.run(read('schema.sql'));
    await con.run(read('load-' + format + '.sql')
        .replace(/\{sessions\}/g, quote(sessions))
        .replace(/\{verdicts\}/g, quote(verdicts)));
    await con.run(read('report.sql'));
    const out = {};
    for (const v of VIEWS) {
        const r = await con.runAndReadAll('SELECT * FROM ' + v);
        const cols = r.columnNames();
        const rows = r.getRows().map((row) => {
            const o = {};
            cols.forEach((c, i) => { o[c] = plain(row[i]); });
            return o;
        });
        out[v] = v === 'headline' ? rows[0] : rows;
    }
    process.stdout.write(JSON.stringify(out) + '\n');
})().catch((e) => {
    process.stderr.write('duckdb-run: ' + (e && e.message ? e.message : e) + '\n');
    process.exit(1);
});
