// duckdb_run.mjs - run bench/metrics.sql (adapted to DuckDB's dialect by
// bench/metrics.sh) against a DuckDB database file and print the result
// sets as CSV, for the timing comparison in bench/metrics.sh.
//   node duckdb_run.mjs DBFILE SQLFILE
import { DuckDBInstance } from '@duckdb/node-api';
import { readFileSync } from 'node:fs';

const [db, sqlFile] = process.argv.slice(2);
const instance = await DuckDBInstance.create(db);
const con = await instance.connect();
const text = readFileSync(sqlFile, 'utf8')
  .split('\n').filter((l) => !l.startsWith('--') && !l.startsWith('.')).join('\n');
for (const stmt of text.split(';').map((s) => s.trim()).filter(Boolean)) {
  if (/^select/i.test(stmt)) {
    const reader = await con.runAndReadAll(stmt);
    console.log(reader.columnNames().join(','));
    for (const row of reader.getRows()) console.log(row.join(','));
  } else {
    await con.run(stmt);
  }
}
