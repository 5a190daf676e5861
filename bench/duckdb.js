// bench/duckdb.js - run a SQL file in DuckDB through @duckdb/node-api and
// print {"seconds": S, "rows": [...last statement's rows...]} on stdout.
//
//   node bench/duckdb.js DB_FILE_OR_:memory: SQL_FILE [NAME=VALUE ...]
//
// ${NAME} in the SQL is replaced by VALUE (file paths), so the same
// bench/*.sql text is what DuckDB runs.  Statements are separated by ';'
// at the end of a line.  Used by bench scripts as the DuckDB comparator.
const fs = require('fs');
const { DuckDBInstance } = require('@duckdb/node-api');

async function main() {
  const [db, file, ...vars] = process.argv.slice(2);
  let sql = fs.readFileSync(file, 'utf8');
  for (const v of vars) {
    const i = v.indexOf('=');
    sql = sql.split('${' + v.slice(0, i) + '}').join(v.slice(i + 1));
  }
  const stmts = sql.split(/;\s*\n/).map((s) => s.replace(/^\s*--.*$/gm, '').trim())
    .filter((s) => s.length);
  const inst = await DuckDBInstance.create(db);
  const con = await inst.connect();
  const t0 = process.hrtime.bigint();
  let rows = [];
  for (const s of stmts) {
    const r = await con.runAndReadAll(s);
    rows = r.getRowObjectsJson();
  }
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  process.stdout.write(JSON.stringify({ seconds: secs, rows }) + '\n');
}
main().catch((e) => { console.error('duckdb.js: ' + e.message); process.exit(1); });
