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

CREATE TEMP TABLE commit_of AS
  SELECT DISTINCT src_id AS c, dst_id AS x FROM links WHERE relation = 'contains'
  UNION SELECT DISTINCT dst_id, src_id FROM links WHERE relation = 'belongs_to';

-- the first value of an attribute per object, in time order
CREATE TEMP TABLE attr_env AS
  SELECT o, v AS env FROM (
    SELECT o, json_extract(attrs, '$.environment') AS v,
      ROW_NUMBER() OVER (PARTITION BY o ORDER BY t) AS rn
    FROM ev WHERE json_extract(attrs, '$.environment') IS NOT NULL) x
  WHERE rn = 1;
CREATE TEMP TABLE attr_repo AS
  SELECT o, v AS repo FROM (
    SELECT o, json_extract(attrs, '$.repo') AS v,
      ROW_NUMBER() OVER (PARTITION BY o ORDER BY t) AS rn
    FROM ev WHERE json_extract(attrs, '$.repo') IS NOT NULL) x
  WHERE rn = 1;

-- deployments: finished = first `deployed`
CREATE TEMP TABLE dep AS
  SELECT ev.o,
    MIN(CASE WHEN act = 'deployed' THEN t END) AS finished,
    MIN(CASE WHEN act = 'rolled_back' THEN t END) AS rolled_back,
    MIN(attr_env.env) AS env, MIN(attr_repo.repo) AS repo
  FROM ev JOIN objects ob ON ob.id = ev.o AND ob.type = 'deployment'
  LEFT JOIN attr_env ON attr_env.o = ev.o
  LEFT JOIN attr_repo ON attr_repo.o = ev.o
  GROUP BY ev.o;

CREATE TEMP TABLE proddep AS
  SELECT * FROM dep WHERE finished IS NOT NULL
    AND (env IS NULL OR env = '' OR lower(env) IN ('production', 'prod'));

-- what each production deployment ships: linked objects and their commits
CREATE TEMP TABLE ships AS
  SELECT l.src_id AS d, l.dst_id AS x FROM links l
    JOIN proddep p ON p.o = l.src_id WHERE l.relation = 'deploys'
  UNION
  SELECT l.src_id, co.x FROM links l JOIN commit_of co ON co.c = l.dst_id
    JOIN proddep p ON p.o = l.src_id WHERE l.relation = 'deploys';

CREATE TEMP TABLE cev AS
  SELECT ev.* FROM ev JOIN objects ob ON ob.id = ev.o AND ob.type = 'change';

CREATE TEMP TABLE author AS
  SELECT o, actor AS author FROM (
    SELECT o, actor, ROW_NUMBER() OVER (PARTITION BY o ORDER BY t) AS rn
    FROM cev WHERE act = 'opened') x
  WHERE rn = 1;

CREATE TEMP TABLE item AS
  WITH agg AS (
    SELECT o,
      MIN(CASE WHEN act = 'opened' THEN t END) AS opened,
      MIN(CASE WHEN act = 'ready_for_review' THEN t END) AS ready,
      MAX(CASE WHEN act = 'approved' THEN t END) AS last_approved,
      MIN(CASE WHEN act = 'merged' THEN t END) AS merged,
      MIN(CASE WHEN act = 'review_requested'
               AND json_extract(attrs, '$.team') = 'security' THEN t END) AS sec_req,
      MIN(CASE WHEN act = 'approved'
               AND json_extract(attrs, '$.team') = 'security' THEN t END) AS sec_appr
    FROM cev GROUP BY o),
  fr AS (
    SELECT cev.o, MIN(cev.t) AS first_review
    FROM cev JOIN people p ON p.id = cev.actor
    LEFT JOIN author a ON a.o = cev.o
    WHERE cev.act IN ('commented', 'changes_requested', 'approved')
      AND cev.actor IS DISTINCT FROM a.author AND p.bot = 0
    GROUP BY cev.o),
  fc AS (
    SELECT co.c AS o, MIN(ev.t) AS first_commit
    FROM commit_of co JOIN ev ON ev.o = co.x
    WHERE ev.act = 'authored' GROUP BY co.c),
  dx AS (
    SELECT s.x, MIN(p.finished) AS f FROM ships s
    JOIN proddep p ON p.o = s.d GROUP BY s.x),
  dpl AS (
    SELECT o, MIN(f) AS deployed FROM (
      SELECT x AS o, f FROM dx
      UNION ALL SELECT co.c, dx.f FROM commit_of co JOIN dx ON dx.x = co.x) y
    GROUP BY o)
  SELECT agg.*, fr.first_review, fc.first_commit, dpl.deployed
  FROM agg LEFT JOIN fr ON fr.o = agg.o LEFT JOIN fc ON fc.o = agg.o
  LEFT JOIN dpl ON dpl.o = agg.o;

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
  SELECT ev.o,
    MIN(CASE WHEN act = 'incident_opened' THEN t END) AS opened,
    MAX(CASE WHEN act = 'incident_resolved' THEN t END) AS resolved,
    MIN(attr_repo.repo) AS repo
  FROM ev JOIN objects ob ON ob.id = ev.o AND ob.type = 'incident'
  LEFT JOIN attr_repo ON attr_repo.o = ev.o
  GROUP BY ev.o;

-- explicit caused_by link to a production deployment
CREATE TEMP TABLE inc_explicit AS
  SELECT l.src_id AS o, MIN(l.dst_id) AS d FROM links l
  JOIN proddep p ON p.o = l.dst_id
  WHERE l.relation = 'caused_by' GROUP BY l.src_id;

-- else the last production deployment finished strictly before the
-- incident opened, of the incident's repo: a running maximum over one
-- timeline per repo where, at equal times, incidents sort first
CREATE TEMP TABLE inc_prev AS
  SELECT o, last_f FROM (
    SELECT kind, o, MAX(f) OVER (PARTITION BY repo ORDER BY t, kind
                                 ROWS UNBOUNDED PRECEDING) AS last_f
    FROM (SELECT 1 AS kind, o, repo, finished AS t, finished AS f FROM proddep
          UNION ALL
          SELECT 0, o, repo, opened, NULL FROM inc WHERE opened IS NOT NULL) tl) x
  WHERE kind = 0;

ALTER TABLE inc ADD COLUMN d BIGINT;
UPDATE inc SET d = COALESCE(
  (SELECT d FROM inc_explicit e WHERE e.o = inc.o),
  (SELECT MAX(p.o) FROM inc_prev ip JOIN proddep p
     ON p.finished = ip.last_f AND p.repo IS NOT DISTINCT FROM inc.repo
   WHERE ip.o = inc.o));

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
