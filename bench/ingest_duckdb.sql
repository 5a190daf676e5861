-- bench/ingest_duckdb.sql - DuckDB's side of bench/ingest.sh: load the
-- same canonical CSV into a plain table (every column as text, as the
-- sqlite3 shell's .import does), then count it.
CREATE TABLE events AS SELECT * FROM read_csv('${CSV}', header = true, all_varchar = true);
SELECT count(*) AS n FROM events;
