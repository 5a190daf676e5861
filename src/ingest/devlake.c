/*
 * devlake.c - the "devlake" adapter: a folder of Apache DevLake
 * domain-layer tables exported as CSV (one file per table, DevLake's
 * column names), so that organisations already running DevLake's
 * collectors bring that data in without collecting again.
 *
 * Tables read (docs/platforms.md gives the columns used):
 *   repos.csv                    id -> name (the `repo` attribute)
 *   pull_requests.csv            change:ID  opened, merged, closed
 *   pull_request_commits.csv     commit:SHA authored; change contains commit
 *   pull_request_comments.csv    commented / approved / changes_requested
 *   cicd_deployment_commits.csv  deployment:ID deploy_started, deployed,
 *                                deploy_failed; deploys its commit
 *   commits_diffs.csv            ... and the commits it shipped since the
 *                                previous deployment (refdiff)
 *   issues.csv                   issue:ID created/resolved, or
 *                                incident:ID incident_opened/resolved
 *                                when type is INCIDENT
 *   issue_changelogs.csv         status_changed (field_name "status")
 *
 * Object keys are DevLake's own ids (change:github:GithubPullRequest:1:7,
 * commit:SHA), because they are what joins DevLake's tables.  Other files
 * in the folder are ignored.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ingest/csvsplit.h"
#include "ingest/platform.h"

/* ---- a string multimap: sorted pairs, looked up by key ---------------- */

typedef struct pair {
	char *k, *v;
} pair;

typedef struct multimap {
	pair *p;
	size_t n, cap;
} multimap;

static int mm_add(multimap *m, const char *k, const char *v)
{
	if (m->n == m->cap) {
		size_t cap = m->cap ? m->cap * 2 : 64;
		pair *p = orgmri_reallocarray(m->p, cap, sizeof(*p));
		if (!p)
			return ORGMRI_ENOMEM;
		m->p = p;
		m->cap = cap;
	}
	pair *x = &m->p[m->n];
	x->k = strdup(k);
	x->v = strdup(v);
	if (!x->k || !x->v) {
		free(x->k);
		free(x->v);
		return ORGMRI_ENOMEM;
	}
	m->n++;
	return 0;
}

static int cmp_pair(const void *a, const void *b)
{
	const pair *x = a, *y = b;
	int c = strcmp(x->k, y->k);
	return c ? c : strcmp(x->v, y->v);
}

static void mm_sort(multimap *m)
{
	if (m->n)
		qsort(m->p, m->n, sizeof(*m->p), cmp_pair);
}

/* The first pair with key k and how many there are. */
static pair *mm_find(const multimap *m, const char *k, size_t *count)
{
	size_t lo = 0, hi = m->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(m->p[mid].k, k) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	size_t e = lo;
	while (e < m->n && strcmp(m->p[e].k, k) == 0)
		e++;
	*count = e - lo;
	return e > lo ? &m->p[lo] : NULL;
}

static void mm_free(multimap *m)
{
	for (size_t i = 0; i < m->n; i++) {
		free(m->p[i].k);
		free(m->p[i].v);
	}
	free(m->p);
	memset(m, 0, sizeof(*m));
}

/* ---- tables ----------------------------------------------------------- */

typedef struct dl_run {
	orgmri_adapter_ctx *ctx;
	plat_event pe;
	multimap repo_name;     /* repo id -> name */
	multimap pr_commits;    /* pr id -> sha */
	multimap diffs;         /* deployment (new) sha -> shipped sha */
	multimap incidents;     /* issue id -> "" for type INCIDENT */
} dl_run;

/* One table being read: the current row and the header's columns. */
typedef struct table {
	const char *path;
	csv_reader r;
	char **names;
	size_t ncols;
} table;

/* The cell of column `name` in the current row; NULL when the table has
 * no such column or the cell is empty. */
static const char *col(const table *t, const char *name)
{
	for (size_t i = 0; i < t->ncols; i++)
		if (strcmp(t->names[i], name) == 0) {
			const char *v = csv_split_field(&t->r, i);
			return v[0] ? v : NULL;
		}
	return NULL;
}

static long col_pos(const table *t, const char *name)
{
	for (size_t i = 0; i < t->ncols; i++)
		if (strcmp(t->names[i], name) == 0)
			return t->r.cols[i];
	return 0;
}

/* A required cell: ORGMRI_EPARSE naming the column when empty. */
static int need(const table *t, const char *name, const char **out,
                orgmri_error *e)
{
	if ((*out = col(t, name)))
		return 0;
	e->column = col_pos(t, name);
	return orgmri_seterr(e, ORGMRI_EPARSE, "empty or missing \"%s\"", name);
}

/* A time cell (NULL/empty gives *has 0). */
static int time_cell(const table *t, const char *name, int64_t *out,
                     int *has, orgmri_error *e)
{
	const char *v = col(t, name);
	*has = 0;
	if (!v)
		return 0;
	if (plat_time_parse(v, out, e)) {
		e->column = col_pos(t, name);
		return ORGMRI_EPARSE;
	}
	*has = 1;
	return 0;
}

typedef int (*row_fn)(dl_run *r, const table *t, orgmri_error *e);

static void table_free(table *t)
{
	for (size_t i = 0; i < t->ncols; i++)
		free(t->names[i]);
	free(t->names);
	csv_split_free(&t->r);
}

/*
 * Read dir/name row by row (a missing file is no error).  `required`
 * lists columns the header must have.  Bad rows are reported with file,
 * line and column, and skipped per policy.
 */
static int read_table(dl_run *r, const char *name, const char *const *required,
                      row_fn fn, orgmri_error *err)
{
	char *path = plat_join(r->ctx->path, name);
	if (!path)
		return orgmri_seterr(err, ORGMRI_ENOMEM, "out of memory");
	FILE *fp = fopen(path, "rb");
	if (!fp) {
		int rc = errno == ENOENT ? 0 : orgmri_seterr(err, ORGMRI_EIO,
		         "%s: cannot open: %s", path, strerror(errno));
		free(path);
		return rc;
	}
	table t;
	memset(&t, 0, sizeof(t));
	t.path = path;
	long ecol = 0;
	int rc = csv_split_init(&t.r, fp);
	if (rc) {
		rc = orgmri_seterr(err, rc, "out of memory");
		goto done;
	}
	if ((rc = csv_split_next(&t.r, &ecol)) <= 0) {
		rc = rc ? orgmri_seterr(err, ORGMRI_EPARSE, "%s: bad CSV header",
		                        path) : 0;
		goto done;
	}
	t.ncols = t.r.nfields;
	if (!(t.names = calloc(t.ncols, sizeof(*t.names)))) {
		rc = orgmri_seterr(err, ORGMRI_ENOMEM, "out of memory");
		goto done;
	}
	for (size_t i = 0; i < t.ncols; i++) {
		const char *h = csv_split_field(&t.r, i);
		if (i == 0 && (unsigned char)h[0] == 0xef)
			h += 3; /* UTF-8 byte order mark */
		if (!(t.names[i] = strdup(h))) {
			rc = orgmri_seterr(err, ORGMRI_ENOMEM, "out of memory");
			goto done;
		}
	}
	for (size_t k = 0; required && required[k]; k++) {
		size_t i = 0;
		while (i < t.ncols && strcmp(t.names[i], required[k]) != 0)
			i++;
		if (i == t.ncols) {
			rc = orgmri_seterr(err, ORGMRI_EPARSE, "header has no \"%s\" "
			                   "column: not DevLake's %s table",
			                   required[k], name);
			orgmri_seterr_at(err, path, 1, 0);
			goto done;
		}
	}
	rc = 0;
	for (;;) {
		orgmri_error e;
		orgmri_error_clear(&e);
		int got = csv_split_next(&t.r, &ecol), crc;
		if (got == 0)
			break;
		if (got == ORGMRI_EIO || got == ORGMRI_ENOMEM) {
			rc = orgmri_seterr(err, got, "%s: %s", path, got == ORGMRI_EIO
			                   ? "read failed" : "out of memory");
			break;
		}
		if (got < 0) {
			crc = orgmri_seterr(&e, got, got == ORGMRI_ELIMIT ?
			                    "record longer than the size cap" :
			                    "stray '\"' in a field");
			e.column = ecol;
		} else if (t.r.nfields == 1 && !csv_split_field(&t.r, 0)[0]) {
			continue;
		} else if (t.r.nfields != t.ncols) {
			crc = orgmri_seterr(&e, ORGMRI_EPARSE, "expected %zu fields, "
			                    "found %zu", t.ncols, t.r.nfields);
		} else {
			plat_event_reset(&r->pe);
			crc = fn(r, &t, &e);
		}
		if (!crc)
			continue;
		if (crc != ORGMRI_EPARSE && crc != ORGMRI_ELIMIT) {
			if (err)
				*err = e;
			if (crc == ORGMRI_ENOMEM && err && !err->message[0])
				orgmri_seterr(err, crc, "out of memory");
			rc = crc;
			break;
		}
		orgmri_seterr_at(&e, path, t.r.line, e.column);
		if ((rc = orgmri_adapter_bad_record(r->ctx, &e, err)))
			break;
	}
done:
	table_free(&t);
	fclose(fp);
	free(path);
	return rc;
}

/* ---- rows ------------------------------------------------------------- */

static int emit(dl_run *r, orgmri_error *e)
{
	return plat_emit(r->ctx, &r->pe, e);
}

static int repo_row(dl_run *r, const table *t, orgmri_error *e)
{
	(void)e;
	const char *id = col(t, "id"), *name = col(t, "name");
	return id && name ? mm_add(&r->repo_name, id, name) : 0;
}

static const char *repo_of(dl_run *r, const char *id)
{
	size_t n;
	pair *p = id ? mm_find(&r->repo_name, id, &n) : NULL;
	return p ? p->v : id;
}

static int pr_commit_row(dl_run *r, const table *t, orgmri_error *e)
{
	const char *sha, *pr, *author = col(t, "commit_author_name");
	int64_t at;
	int has, rc;
	if ((rc = need(t, "commit_sha", &sha, e)) ||
	    (rc = need(t, "pull_request_id", &pr, e)) ||
	    (rc = time_cell(t, "commit_authored_date", &at, &has, e)))
		return rc;
	if ((rc = mm_add(&r->pr_commits, pr, sha)))
		return rc;
	if (!has)
		return 0;
	plat_begin(&r->pe, plat_fmt(&r->pe, "commit:%s", sha), "authored", at,
	           author, NULL);
	return emit(r, e);
}

static int diff_row(dl_run *r, const table *t, orgmri_error *e)
{
	const char *dep, *sha;
	int rc;
	if ((rc = need(t, "new_commit_sha", &dep, e)) ||
	    (rc = need(t, "commit_sha", &sha, e)))
		return rc;
	return mm_add(&r->diffs, dep, sha);
}

static int pr_row(dl_run *r, const table *t, orgmri_error *e)
{
	const char *id;
	int64_t created, merged, closed;
	int has_o, has_m, has_c, rc;
	if ((rc = need(t, "id", &id, e)) ||
	    (rc = time_cell(t, "created_date", &created, &has_o, e)) ||
	    (rc = time_cell(t, "merged_date", &merged, &has_m, e)) ||
	    (rc = time_cell(t, "closed_date", &closed, &has_c, e)))
		return rc;
	if (!has_o) {
		e->column = col_pos(t, "created_date");
		return orgmri_seterr(e, ORGMRI_EPARSE, "empty \"created_date\"");
	}
	const char *obj = plat_fmt(&r->pe, "change:%s", id);
	const char *author = col(t, "author_name");
	plat_begin(&r->pe, obj, "opened", created,
	           author ? author : col(t, "author_id"), NULL);
	plat_attr(&r->pe, "title", col(t, "title"));
	plat_attr(&r->pe, "state", col(t, "status"));
	plat_attr(&r->pe, "repo", repo_of(r, col(t, "base_repo_id")));
	plat_attr(&r->pe, "number", col(t, "pull_request_key"));
	plat_attr(&r->pe, "source_branch", col(t, "head_ref"));
	plat_attr(&r->pe, "target_branch", col(t, "base_ref"));
	size_t n;
	pair *p = mm_find(&r->pr_commits, id, &n);
	for (size_t i = 0; i < n; i++)
		plat_rel(&r->pe, plat_fmt(&r->pe, "commit:%s", p[i].v));
	if ((rc = emit(r, e)))
		return rc;
	if (has_m) {
		const char *msha = col(t, "merge_commit_sha");
		plat_begin(&r->pe, obj, "merged", merged, col(t, "merged_by_name"),
		           NULL);
		if (msha)
			plat_rel(&r->pe, plat_fmt(&r->pe, "commit:%s", msha));
		if ((rc = emit(r, e)))
			return rc;
	} else if (has_c) {
		plat_begin(&r->pe, obj, "closed", closed, NULL, NULL);
		if ((rc = emit(r, e)))
			return rc;
	}
	return 0;
}

/* Review comment states DevLake keeps in pull_request_comments.status,
 * and GitLab's approval system note kept as a comment body. */
static const plat_map review_states[] = {
	{ "APPROVED", "approved" },
	{ "CHANGES_REQUESTED", "changes_requested" },
	{ NULL, NULL }
};

static int comment_row(dl_run *r, const table *t, orgmri_error *e)
{
	const char *id, *pr;
	int64_t at;
	int has, rc;
	if ((rc = need(t, "id", &id, e)) ||
	    (rc = need(t, "pull_request_id", &pr, e)) ||
	    (rc = time_cell(t, "created_date", &at, &has, e)))
		return rc;
	if (!has) {
		e->column = col_pos(t, "created_date");
		return orgmri_seterr(e, ORGMRI_EPARSE, "empty \"created_date\"");
	}
	const char *body = col(t, "body");
	const char *act = plat_lookup(review_states, col(t, "status"));
	if (body && strcmp(body, "approved this merge request") == 0)
		act = "approved";
	else if (body && strcmp(body, "unapproved this merge request") == 0)
		return 0;
	plat_begin(&r->pe, plat_fmt(&r->pe, "change:%s", pr),
	           act ? act : "commented", at, col(t, "account_id"), id);
	if (!act) {
		const char *type = col(t, "type");
		plat_attr(&r->pe, "kind", type && strcmp(type, "DIFF") == 0
		                          ? "diff" : "normal");
	}
	return emit(r, e);
}

/* DevLake's deployment results. */
static const plat_map deploy_results[] = {
	{ "SUCCESS", "deployed" }, { "FAILURE", "deploy_failed" },
	{ NULL, NULL }
};

static int deployment_row(dl_run *r, const table *t, orgmri_error *e)
{
	const char *id, *sha;
	int64_t created, started, finished;
	int has_c, has_s, has_f, rc;
	if ((rc = need(t, "id", &id, e)) ||
	    (rc = need(t, "commit_sha", &sha, e)) ||
	    (rc = time_cell(t, "created_date", &created, &has_c, e)) ||
	    (rc = time_cell(t, "started_date", &started, &has_s, e)) ||
	    (rc = time_cell(t, "finished_date", &finished, &has_f, e)))
		return rc;
	if (!has_s && !has_c) {
		e->column = col_pos(t, "started_date");
		return orgmri_seterr(e, ORGMRI_EPARSE, "no started_date or "
		                     "created_date");
	}
	const char *result = col(t, "result");
	const char *outcome = result ? plat_lookup(deploy_results, result) : "";
	if (!outcome) {
		e->column = col_pos(t, "result");
		return orgmri_seterr(e, ORGMRI_EPARSE, "unknown result \"%.40s\" "
		                     "(SUCCESS, FAILURE or empty)", result);
	}
	const char *obj = plat_fmt(&r->pe, "deployment:%s", id);
	const char *commit = plat_fmt(&r->pe, "commit:%s", sha);
	const char *repo = col(t, "repo_id");
	if (!repo)
		repo = col(t, "repo_url");
	plat_begin(&r->pe, obj, "deploy_started", has_s ? started : created,
	           NULL, NULL);
	plat_attr(&r->pe, "environment", col(t, "environment"));
	plat_attr(&r->pe, "repo", repo_of(r, repo));
	plat_attr(&r->pe, "pipeline", col(t, "cicd_deployment_id"));
	plat_attr(&r->pe, "state", result);
	plat_rel(&r->pe, commit);
	if ((rc = emit(r, e)))
		return rc;
	if (!outcome[0])
		return 0;
	/* A deployment without a finish time ended when it started. */
	plat_begin(&r->pe, obj, outcome, has_f ? finished : has_s ? started
	           : created, NULL, NULL);
	plat_attr(&r->pe, "environment", col(t, "environment"));
	plat_rel(&r->pe, commit);
	if (strcmp(outcome, "deployed") == 0) {
		size_t n;
		pair *p = mm_find(&r->diffs, sha, &n);
		for (size_t i = 0; i < n; i++)
			plat_rel(&r->pe, plat_fmt(&r->pe, "commit:%s", p[i].v));
	}
	return emit(r, e);
}

static int is_incident(const table *t)
{
	const char *type = col(t, "type");
	return type && strcasecmp(type, "INCIDENT") == 0;
}

static int issue_row(dl_run *r, const table *t, orgmri_error *e)
{
	const char *id;
	int64_t created, resolved;
	int has_c, has_r, rc;
	if ((rc = need(t, "id", &id, e)) ||
	    (rc = time_cell(t, "created_date", &created, &has_c, e)) ||
	    (rc = time_cell(t, "resolution_date", &resolved, &has_r, e)))
		return rc;
	if (!has_c) {
		e->column = col_pos(t, "created_date");
		return orgmri_seterr(e, ORGMRI_EPARSE, "empty \"created_date\"");
	}
	int inc = is_incident(t);
	if (inc && (rc = mm_add(&r->incidents, id, "")))
		return rc;
	const char *obj = plat_fmt(&r->pe, "%s:%s", inc ? "incident" : "issue",
	                           id);
	const char *sev = col(t, "severity");
	if (!sev)
		sev = col(t, "priority");
	if (!sev)
		sev = col(t, "urgency");
	plat_begin(&r->pe, obj, inc ? "incident_opened" : "created", created,
	           col(t, "creator_name"), NULL);
	plat_attr(&r->pe, "key", col(t, "issue_key"));
	plat_attr(&r->pe, "title", col(t, "title"));
	plat_attr(&r->pe, "type", col(t, "original_type") ? col(t,
	          "original_type") : col(t, "type"));
	plat_attr(&r->pe, "state", col(t, "original_status"));
	if (inc)
		plat_attr(&r->pe, "severity", sev);
	if ((rc = emit(r, e)))
		return rc;
	if (!has_r)
		return 0;
	plat_begin(&r->pe, obj, inc ? "incident_resolved" : "resolved",
	           resolved, NULL, NULL);
	return emit(r, e);
}

/* DevLake's standard statuses and the stage category of each. */
static const plat_map standard_status[] = {
	{ "TODO", "ready" }, { "IN_PROGRESS", "in_progress" },
	{ "DONE", "done" }, { NULL, NULL }
};

static const plat_map stage_categories[] = {
	{ "spec", "spec" }, { "ready", "ready" },
	{ "in_progress", "in_progress" }, { "review", "review" },
	{ "qa", "qa" }, { "done", "done" }, { NULL, NULL }
};

/* status.<original>.category, else status.<standard>.category, else the
 * standard status's category. */
static const char *category(dl_run *r, const char *original,
                            const char *standard)
{
	const char *names[2] = { original, standard };
	for (int i = 0; i < 2; i++) {
		if (!names[i])
			continue;
		char key[300];
		snprintf(key, sizeof(key), "status.%s.category", names[i]);
		const char *c = plat_lookup(stage_categories, orgmri_config_string(
		                            r->ctx->config, key, NULL));
		if (c)
			return c;
	}
	return plat_lookup(standard_status, standard);
}

static int changelog_row(dl_run *r, const table *t, orgmri_error *e)
{
	const char *field = col(t, "field_name"), *issue, *id;
	int64_t at;
	int has, rc;
	if (!field || strcasecmp(field, "status") != 0)
		return 0;
	if ((rc = need(t, "issue_id", &issue, e)) ||
	    (rc = need(t, "id", &id, e)) ||
	    (rc = time_cell(t, "created_date", &at, &has, e)))
		return rc;
	if (!has) {
		e->column = col_pos(t, "created_date");
		return orgmri_seterr(e, ORGMRI_EPARSE, "empty \"created_date\"");
	}
	size_t n;
	mm_find(&r->incidents, issue, &n);
	const char *from = col(t, "original_from_value");
	const char *to = col(t, "original_to_value");
	plat_begin(&r->pe, plat_fmt(&r->pe, "%s:%s", n ? "incident" : "issue",
	                            issue), "status_changed", at,
	           col(t, "author_name"), id);
	plat_attr(&r->pe, "from", from ? from : col(t, "from_value"));
	plat_attr(&r->pe, "to", to ? to : col(t, "to_value"));
	plat_attr(&r->pe, "from_category", category(r, from, col(t,
	          "from_value")));
	plat_attr(&r->pe, "category", category(r, to, col(t, "to_value")));
	return emit(r, e);
}

/* ---- the adapter ------------------------------------------------------ */

typedef struct dl_table {
	const char *file;
	const char *required[4];
	row_fn fn;
	void (*after)(dl_run *r);  /* e.g. sort a map */
} dl_table;

static void sort_repos(dl_run *r) { mm_sort(&r->repo_name); }
static void sort_commits(dl_run *r) { mm_sort(&r->pr_commits); }
static void sort_diffs(dl_run *r) { mm_sort(&r->diffs); }
static void sort_incidents(dl_run *r) { mm_sort(&r->incidents); }

/* In this order: maps first, then the tables that use them. */
static const dl_table tables[] = {
	{ "repos.csv", { "id", NULL }, repo_row, sort_repos },
	{ "pull_request_commits.csv", { "commit_sha", "pull_request_id", NULL },
	  pr_commit_row, sort_commits },
	{ "commits_diffs.csv", { "new_commit_sha", "commit_sha", NULL },
	  diff_row, sort_diffs },
	{ "pull_requests.csv", { "id", "created_date", NULL }, pr_row, NULL },
	{ "pull_request_comments.csv", { "id", "pull_request_id",
	  "created_date", NULL }, comment_row, NULL },
	{ "cicd_deployment_commits.csv", { "id", "commit_sha", NULL },
	  deployment_row, NULL },
	{ "issues.csv", { "id", "created_date", NULL }, issue_row,
	  sort_incidents },
	{ "issue_changelogs.csv", { "issue_id", "field_name", "created_date",
	  NULL }, changelog_row, NULL },
};

#define NTABLES (sizeof(tables) / sizeof(tables[0]))

static int detect(const char *path)
{
	if (!orgmri_path_is_dir(path))
		return 0;
	int hits = 0;
	for (size_t i = 0; i < NTABLES; i++) {
		char *p = plat_join(path, tables[i].file);
		hits += p && plat_file_exists(p);
		free(p);
	}
	/* repos.csv alone says little; two DevLake tables say enough */
	return hits >= 2 ? 12 : 0;
}

static int run(orgmri_adapter_ctx *ctx, orgmri_error *err)
{
	dl_run r;
	memset(&r, 0, sizeof(r));
	r.ctx = ctx;
	plat_event_init(&r.pe);
	int rc = 0;
	for (size_t i = 0; i < NTABLES && !rc; i++) {
		rc = read_table(&r, tables[i].file, tables[i].required,
		                tables[i].fn, err);
		if (!rc && tables[i].after)
			tables[i].after(&r);
		orgmri_adapter_progress(ctx, "tables", (long long)i + 1, NTABLES);
	}
	mm_free(&r.repo_name);
	mm_free(&r.pr_commits);
	mm_free(&r.diffs);
	mm_free(&r.incidents);
	plat_event_free(&r.pe);
	return rc;
}

const orgmri_adapter orgmri_adapter_devlake = {
	"devlake", "Apache DevLake domain tables exported as CSV "
	"(docs/platforms.md)",
	detect, run,
};
