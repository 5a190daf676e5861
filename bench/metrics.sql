-- metrics.sql - the PR stage table and the DORA figures computed a second
-- way, in plain SQL over an orgmri store (docs/store.md), for the oracle
-- test (tests/cli/test_metrics_oracle.sh) and the benchmark
-- (bench/metrics.sh).  Runs in the sqlite3 shell; the same text runs in
-- DuckDB after bench/metrics.sh attaches the store.
--
-- Definitions as docs/metrics.md states them for the default PR stream and
-- `orgmri dora` with its defaults (per-PR lead time, interpolated median,
-- linkage explicit then previous deployment, production = production|prod
-- or no environment), over all data (no --since/--until).
-- Output: two result sets, printed as CSV:
--   stage,n,p50_hours,p85_hours,p95_hours,mean_hours
--   metric,value

CREATE TEMP TABLE ev AS
  SELECT e.object_id AS o, a.name AS act, e.time AS t, e.actor_id AS actor,
         NULLIF(e.attrs, '') AS attrs
  FROM events e JOIN activities a ON a.id = e.activity_id;
CREATE INDEX ev_o_act ON ev(o, act, t);

CREATE TEMP TABLE commit_of AS
  SELECT DISTINCT src_id AS c, dst_id AS x FROM links WHERE relation = 'contains'
  UNION SELECT DISTINCT dst_id, src_id FROM links WHERE relation = 'belongs_to';
CREATE INDEX commit_of_c ON commit_of(c);
CREATE INDEX commit_of_x ON commit_of(x);

-- deployments: finished = first `deployed`; environment = first given
CREATE TEMP TABLE dep AS
  SELECT o,
    MIN(CASE WHEN act = 'deployed' THEN t END) AS finished,
    MIN(CASE WHEN act = 'rolled_back' THEN t END) AS rolled_back,
    (SELECT json_extract(e2.attrs, '$.environment') FROM ev e2
      WHERE e2.o = ev.o AND json_extract(e2.attrs, '$.environment') IS NOT NULL
      ORDER BY e2.t LIMIT 1) AS env,
    (SELECT json_extract(e2.attrs, '$.repo') FROM ev e2
      WHERE e2.o = ev.o AND json_extract(e2.attrs, '$.repo') IS NOT NULL
      ORDER BY e2.t LIMIT 1) AS repo
  FROM ev WHERE o IN (SELECT id FROM objects WHERE type = 'deployment')
  GROUP BY o;

CREATE TEMP TABLE proddep AS
  SELECT * FROM dep WHERE finished IS NOT NULL
    AND (env IS NULL OR env = '' OR lower(env) IN ('production', 'prod'));

-- what each production deployment ships: linked objects and their commits
CREATE TEMP TABLE ships AS
  SELECT l.src_id AS d, l.dst_id AS x FROM links l
    WHERE l.relation = 'deploys' AND l.src_id IN (SELECT o FROM proddep)
  UNION
  SELECT l.src_id, co.x FROM links l JOIN commit_of co ON co.c = l.dst_id
    WHERE l.relation = 'deploys' AND l.src_id IN (SELECT o FROM proddep);
CREATE INDEX ships_x ON ships(x);

CREATE TEMP TABLE item AS
  SELECT c.id AS o,
    (SELECT actor FROM ev WHERE ev.o = c.id AND act = 'opened'
      ORDER BY t LIMIT 1) AS author,
    (SELECT MIN(t) FROM ev JOIN commit_of co ON co.x = ev.o
      WHERE co.c = c.id AND act = 'authored') AS first_commit,
    (SELECT MIN(t) FROM ev WHERE ev.o = c.id AND act = 'opened') AS opened,
    (SELECT MIN(t) FROM ev WHERE ev.o = c.id AND act = 'ready_for_review') AS ready,
    (SELECT MAX(t) FROM ev WHERE ev.o = c.id AND act = 'approved') AS last_approved,
    (SELECT MIN(t) FROM ev WHERE ev.o = c.id AND act = 'merged') AS merged,
    (SELECT MIN(t) FROM ev WHERE ev.o = c.id AND act = 'review_requested'
      AND json_extract(attrs, '$.team') = 'security') AS sec_req,
    (SELECT MIN(t) FROM ev WHERE ev.o = c.id AND act = 'approved'
      AND json_extract(attrs, '$.team') = 'security') AS sec_appr,
    (SELECT MIN(p.finished) FROM ships s JOIN proddep p ON p.o = s.d
      WHERE s.x = c.id OR s.x IN (SELECT x FROM commit_of WHERE commit_of.c = c.id)) AS deployed
  FROM objects c WHERE c.type = 'change';

ALTER TABLE item ADD COLUMN first_review BIGINT;
UPDATE item SET first_review = (
  SELECT MIN(ev.t) FROM ev JOIN people p ON p.id = ev.actor
  WHERE ev.o = item.o AND ev.act IN ('commented', 'changes_requested', 'approved')
    AND ev.actor IS DISTINCT FROM item.author AND p.bot = 0);

CREATE TEMP TABLE spans AS
  SELECT 1 AS k, 'coding' AS stage, COALESCE(ready, opened) - first_commit AS ms FROM item
  UNION ALL SELECT 2, 'pickup', first_review - COALESCE(ready, opened) FROM item
  UNION ALL SELECT 3, 'review', last_approved - first_review FROM item
  UNION ALL SELECT 4, 'security', sec_appr - sec_req FROM item
  UNION ALL SELECT 6, 'merge', merged - last_approved FROM item
  UNION ALL SELECT 7, 'deploy', deployed - merged FROM item;
DELETE FROM spans WHERE ms IS NULL OR ms < 0;

CREATE TEMP TABLE ranked AS
  SELECT k, stage, ms,
    ROW_NUMBER() OVER (PARTITION BY stage ORDER BY ms) - 1 AS i,
    COUNT(*) OVER (PARTITION BY stage) AS n
  FROM spans;

-- interpolated quantile q of a stage: v[floor h] + frac(h) (v[floor h + 1] - v[floor h])
CREATE TEMP TABLE quant AS
  SELECT stage, q, n, h, CAST(h AS INTEGER) AS lo FROM (
    SELECT DISTINCT stage, n, q.q, (n - 1) * q.q AS h FROM ranked,
      (SELECT 0.5 AS q UNION ALL SELECT 0.85 UNION ALL SELECT 0.95) q);

CREATE TEMP TABLE qv AS
  SELECT quant.stage, quant.q,
    a.ms + (quant.h - quant.lo) * (COALESCE(b.ms, a.ms) - a.ms) AS v
  FROM quant JOIN ranked a ON a.stage = quant.stage AND a.i = quant.lo
  LEFT JOIN ranked b ON b.stage = quant.stage AND b.i = quant.lo + 1;

.headers on
.mode csv
SELECT s.stage, COUNT(*) AS n,
  printf('%.4f', (SELECT v FROM qv WHERE qv.stage = s.stage AND q = 0.5) / 3600000.0) AS p50_hours,
  printf('%.4f', (SELECT v FROM qv WHERE qv.stage = s.stage AND q = 0.85) / 3600000.0) AS p85_hours,
  printf('%.4f', (SELECT v FROM qv WHERE qv.stage = s.stage AND q = 0.95) / 3600000.0) AS p95_hours,
  printf('%.4f', AVG(ms) / 3600000.0) AS mean_hours
FROM spans s GROUP BY s.stage ORDER BY MIN(s.k);

-- ---- DORA ---------------------------------------------------------------

CREATE TEMP TABLE inc AS
  SELECT o,
    MIN(CASE WHEN act = 'incident_opened' THEN t END) AS opened,
    MAX(CASE WHEN act = 'incident_resolved' THEN t END) AS resolved,
    (SELECT json_extract(e2.attrs, '$.repo') FROM ev e2
      WHERE e2.o = ev.o AND json_extract(e2.attrs, '$.repo') IS NOT NULL
      ORDER BY e2.t LIMIT 1) AS repo
  FROM ev WHERE o IN (SELECT id FROM objects WHERE type = 'incident')
  GROUP BY o;

-- explicit caused_by link to a production deployment, else the last
-- production deployment finished strictly before the incident opened
-- (same repository when the incident names one)
ALTER TABLE inc ADD COLUMN d BIGINT;
UPDATE inc SET d = COALESCE(
  (SELECT MIN(l.dst_id) FROM links l JOIN proddep p ON p.o = l.dst_id
    WHERE l.src_id = inc.o AND l.relation = 'caused_by'),
  (SELECT p.o FROM proddep p WHERE p.finished < inc.opened
     AND (inc.repo IS NULL OR inc.repo = '' OR p.repo = inc.repo)
   ORDER BY p.finished DESC, p.o DESC LIMIT 1));

CREATE TEMP TABLE lead AS
  SELECT deployed - first_commit AS ms FROM item
  WHERE deployed IS NOT NULL AND first_commit IS NOT NULL
    AND deployed >= first_commit;
CREATE TEMP TABLE restore AS
  SELECT resolved - opened AS ms FROM inc
  WHERE resolved IS NOT NULL AND opened IS NOT NULL AND resolved >= opened;
CREATE TEMP TABLE recovery AS
  SELECT inc.resolved - p.finished AS ms FROM inc JOIN proddep p ON p.o = inc.d
    WHERE inc.resolved >= p.finished
  UNION ALL
  SELECT p.rolled_back - p.finished FROM proddep p
    WHERE p.rolled_back >= p.finished AND p.o NOT IN
      (SELECT d FROM inc WHERE d IS NOT NULL);

CREATE TEMP TABLE med AS
  SELECT name, ms, ROW_NUMBER() OVER (PARTITION BY name ORDER BY ms) - 1 AS i,
    COUNT(*) OVER (PARTITION BY name) AS n FROM (
      SELECT 'lead' AS name, ms FROM lead
      UNION ALL SELECT 'restore', ms FROM restore
      UNION ALL SELECT 'recovery', ms FROM recovery);

CREATE TEMP TABLE medv AS
  SELECT a.name, a.n,
    a.ms + ((a.n - 1) * 0.5 - a.i) * (COALESCE(b.ms, a.ms) - a.ms) AS v
  FROM med a LEFT JOIN med b ON b.name = a.name AND b.i = a.i + 1
  WHERE a.i = CAST((a.n - 1) * 0.5 AS INTEGER);

.headers on
SELECT 'deployments' AS metric, COUNT(*) AS value FROM proddep
UNION ALL SELECT 'failed_deployments', COUNT(*) FROM proddep p
  WHERE p.rolled_back IS NOT NULL OR p.o IN (SELECT d FROM inc WHERE d IS NOT NULL)
UNION ALL SELECT 'incidents', COUNT(*) FROM inc WHERE opened IS NOT NULL
UNION ALL SELECT 'incidents_linked', COUNT(*) FROM inc WHERE d IS NOT NULL
UNION ALL SELECT 'lead_time_n', COUNT(*) FROM lead
UNION ALL SELECT 'lead_time_p50_hours', printf('%.4f', (SELECT v FROM medv WHERE name = 'lead') / 3600000.0)
UNION ALL SELECT 'restore_n', COUNT(*) FROM restore
UNION ALL SELECT 'restore_p50_hours', printf('%.4f', (SELECT v FROM medv WHERE name = 'restore') / 3600000.0)
UNION ALL SELECT 'recovery_n', COUNT(*) FROM recovery
UNION ALL SELECT 'recovery_p50_hours', printf('%.4f', (SELECT v FROM medv WHERE name = 'recovery') / 3600000.0);
