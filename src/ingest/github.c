/*
 * github.c - the two GitHub adapters: an export folder (what `gh api
 * --paginate` writes, scripts/export-github.sh; layout in DESIGN.md and
 * docs/github.md) and a file of webhook deliveries (JSON Lines of
 * {"event", "delivery", "payload"}).  Both read through github_pages.c and
 * hand every object to the normaliser (github_norm.c), so the two give the
 * same events for the same facts.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/lines.h"
#include "ingest/github.h"
#include "ingest/platform.h"

typedef int (*element_fn)(gh_norm *n, json_t *el, void *ctx,
                          orgmri_error *err);

/* Every element of one export file: malformed elements are bad records
 * (skipped and counted, or fatal with --strict); a missing file is no
 * data.  `rel` is the file's path inside the folder. */
static int each_element(gh_norm *n, const char *dir, const char *rel,
                        element_fn fn, void *ctx, orgmri_error *err)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	FILE *fp = fopen(path, "rb");
	if (!fp)
		return errno == ENOENT ? 0 : orgmri_seterr(err, ORGMRI_EIO,
		                                           "%s: cannot open", path);
	gh_pages p;
	int rc = gh_pages_init(&p, fp);
	if (rc) {
		fclose(fp);
		return orgmri_seterr(err, rc, "out of memory");
	}
	const char *saved_file = n->file;
	n->file = path;
	for (;;) {
		json_t *el;
		gh_where w;
		orgmri_error rec;
		orgmri_error_clear(&rec);
		int got = gh_pages_next(&p, &el, &w, &rec);
		if (got == 0)
			break;
		if (got == ORGMRI_EPARSE) {
			if ((rc = gh_bad(n, &rec, err)))
				break;
			continue;
		}
		if (got < 0) {
			if (!rec.file[0])
				orgmri_seterr_at(&rec, path, rec.line, rec.column);
			if (err)
				*err = rec;
			rc = got;
			break;
		}
		n->line = w.line;
		n->col = w.col;
		snprintf(n->prefix, sizeof(n->prefix), "%s", w.path);
		int erc = fn(n, el, ctx, &rec);
		json_decref(el);
		if (erc == ORGMRI_EPARSE) {
			if ((rc = gh_bad(n, &rec, err)))
				break;
		} else if (erc) {
			if (err)
				*err = rec;
			rc = erc;
			break;
		}
	}
	n->file = saved_file;
	gh_pages_free(&p);
	fclose(fp);
	return rc;
}

/* ---- the export folder ---------------------------------------------------- */

typedef struct folder {
	const char *dir;
	char repo[GH_KEY_MAX];
	long long number;
	long long deployment;
	char sha[GH_SHA_MAX + 1], environment[128];
	json_t *timeline;           /* the current PR's timeline items */
} folder;

static int collect_timeline(gh_norm *n, json_t *el, void *ctx,
                            orgmri_error *err)
{
	(void)n;
	(void)err;
	folder *f = ctx;
	return json_array_append(f->timeline, el) ? ORGMRI_ENOMEM : 0;
}

static int on_review(gh_norm *n, json_t *el, void *ctx, orgmri_error *err)
{
	folder *f = ctx;
	return gh_norm_review(n, el, f->repo, f->number, err);
}

static int on_commit(gh_norm *n, json_t *el, void *ctx, orgmri_error *err)
{
	folder *f = ctx;
	return gh_norm_pr_commit(n, el, f->repo, f->number, err);
}

static int on_pull(gh_norm *n, json_t *pr, void *ctx, orgmri_error *err)
{
	folder *f = ctx;
	json_t *num = json_object_get(pr, "number");
	if (!json_is_integer(num))
		return gh_norm_pull(n, pr, NULL, 1, f->repo, &f->number, err);
	f->number = json_integer_value(num);
	/* The timeline first: it says who merged and who closed. */
	char rel[256];
	f->timeline = json_array();
	if (!f->timeline)
		return ORGMRI_ENOMEM;
	snprintf(rel, sizeof(rel), "issues/%lld/timeline.json", f->number);
	char saved[GH_PATH_MAX];
	long line = n->line, col = n->col;
	snprintf(saved, sizeof(saved), "%s", n->prefix);
	int rc = each_element(n, f->dir, rel, collect_timeline, f, err);
	n->line = line;
	n->col = col;
	snprintf(n->prefix, sizeof(n->prefix), "%s", saved);
	size_t i;
	json_t *t;
	json_array_foreach(f->timeline, i, t)
		gh_norm_timeline_actors(t, &n->merged_by, &n->closed_by);
	if (!rc)
		rc = gh_norm_pull(n, pr, NULL, 1, f->repo, &f->number, err);
	n->merged_by = n->closed_by = NULL;
	json_array_foreach(f->timeline, i, t) {
		if (rc)
			break;
		snprintf(n->prefix, sizeof(n->prefix), "%s[%zu]", rel, i);
		rc = gh_norm_timeline(n, t, f->repo, f->number, err);
		if (rc == ORGMRI_EPARSE)
			rc = gh_bad(n, err, err);
	}
	json_decref(f->timeline);
	f->timeline = NULL;
	if (rc)
		return rc;
	snprintf(rel, sizeof(rel), "pulls/%lld/reviews.json", f->number);
	if ((rc = each_element(n, f->dir, rel, on_review, f, err)))
		return rc;
	snprintf(rel, sizeof(rel), "pulls/%lld/commits.json", f->number);
	return each_element(n, f->dir, rel, on_commit, f, err);
}

static int on_issue(gh_norm *n, json_t *el, void *ctx, orgmri_error *err)
{
	folder *f = ctx;
	return gh_norm_issue(n, el, f->repo[0] ? f->repo : NULL, err);
}

static int on_status(gh_norm *n, json_t *el, void *ctx, orgmri_error *err)
{
	folder *f = ctx;
	return gh_norm_deployment_status(n, el, f->repo, f->deployment, f->sha,
	                                 f->environment, err);
}

static int on_deployment(gh_norm *n, json_t *d, void *ctx, orgmri_error *err)
{
	folder *f = ctx;
	int rc = gh_norm_deployment(n, d, f->repo[0] ? f->repo : NULL,
	                            &f->deployment, f->sha, f->repo, err);
	if (rc)
		return rc;
	json_t *env = json_object_get(d, "environment");
	snprintf(f->environment, sizeof(f->environment), "%s",
	         json_is_string(env) ? json_string_value(env) : "");
	char rel[256];
	snprintf(rel, sizeof(rel), "deployments/%lld/statuses.json",
	         f->deployment);
	return each_element(n, f->dir, rel, on_status, f, err);
}

static int on_run(gh_norm *n, json_t *el, void *ctx, orgmri_error *err)
{
	folder *f = ctx;
	return gh_norm_run(n, el, f->repo[0] ? f->repo : NULL, err);
}

static int read_folder(orgmri_adapter_ctx *ctx, orgmri_error *err);

static int detect_folder(const char *path)
{
	char p[4096];
	snprintf(p, sizeof(p), "%s/pulls.json", path);
	FILE *fp = orgmri_path_is_dir(path) ? fopen(p, "rb") : NULL;
	if (!fp)
		return 0;
	fclose(fp);
	return 50;
}

static int run_folder(orgmri_adapter_ctx *ctx, orgmri_error *err)
{
	/* deployments get the commits they shipped */
	return plat_deploys_run(ctx, read_folder, err);
}

static int read_folder(orgmri_adapter_ctx *ctx, orgmri_error *err)
{
	gh_norm n;
	gh_norm_init(&n, ctx);
	folder f;
	memset(&f, 0, sizeof(f));
	f.dir = ctx->path;
	if (n.default_repo)
		snprintf(f.repo, sizeof(f.repo), "%s", n.default_repo);
	int rc;
	if ((rc = each_element(&n, f.dir, "pulls.json", on_pull, &f, err)) ||
	    (rc = each_element(&n, f.dir, "issues.json", on_issue, &f, err)) ||
	    (rc = each_element(&n, f.dir, "deployments.json", on_deployment, &f,
	                       err)) ||
	    (rc = each_element(&n, f.dir, "actions/runs.json", on_run, &f, err)))
		return rc;
	return 0;
}

const orgmri_adapter orgmri_adapter_github = {
	"github", "GitHub export folder (pulls.json, reviews, timelines, issues, "
	"deployments, Actions runs; docs/github.md)",
	detect_folder, run_folder, 0,
};

/* ---- webhook deliveries ------------------------------------------------- */

/* Messages about a payload member name its path ("$.payload.review"). */
static json_t *member(gh_norm *n, json_t *payload, const char *name)
{
	snprintf(n->prefix, sizeof(n->prefix), "$.payload.%s", name);
	return json_object_get(payload, name);
}

static int delivery(gh_norm *n, const char *event, json_t *payload,
                    orgmri_error *err)
{
	json_t *pr = json_object_get(payload, "pull_request");
	json_t *act = json_object_get(payload, "action");
	const char *action = json_is_string(act) ? json_string_value(act) : "";
	char repo[GH_KEY_MAX] = "";
	json_t *r = json_object_get(payload, "repository");
	if (r) {
		json_t *fn = json_object_get(r, "full_name");
		if (json_is_string(fn))
			snprintf(repo, sizeof(repo), "%s", json_string_value(fn));
	}
	const char *rp = repo[0] ? repo : NULL;
	if (strcmp(event, "pull_request") == 0)
		return gh_norm_pull_action(n, payload, action, err);
	if (strcmp(event, "pull_request_review") == 0) {
		json_t *num = pr ? json_object_get(pr, "number") : NULL;
		if (!json_is_integer(num))
			return orgmri_seterr(err, ORGMRI_EPARSE, "%s.pull_request.number: "
			                     "expected an integer", n->prefix);
		return gh_norm_review(n, member(n, payload, "review"), rp,
		                      json_integer_value(num), err);
	}
	if (strcmp(event, "push") == 0)
		return gh_norm_push(n, payload, rp, err);
	if (strcmp(event, "issues") == 0)
		return gh_norm_issue(n, member(n, payload, "issue"), rp, err);
	if (strcmp(event, "workflow_run") == 0)
		return gh_norm_run(n, member(n, payload, "workflow_run"), rp,
		                   err);
	if (strcmp(event, "check_run") == 0)
		return gh_norm_check_run(n, member(n, payload, "check_run"), rp,
		                         err);
	json_t *dep = json_object_get(payload, "deployment");
	if (strcmp(event, "deployment") == 0) {
		long long id = 0;
		char sha[GH_SHA_MAX + 1], out[GH_KEY_MAX];
		return gh_norm_deployment(n, member(n, payload, "deployment"), rp,
		                          &id, sha, out, err);
	}
	if (strcmp(event, "deployment_status") == 0) {
		json_t *id = dep ? json_object_get(dep, "id") : NULL;
		json_t *sha = dep ? json_object_get(dep, "sha") : NULL;
		json_t *env = dep ? json_object_get(dep, "environment") : NULL;
		if (!json_is_integer(id))
			return orgmri_seterr(err, ORGMRI_EPARSE, "$.payload.deployment.id:"
			                     " expected an integer");
		return gh_norm_deployment_status(n,
			member(n, payload, "deployment_status"), rp,
			json_integer_value(id),
			json_is_string(sha) ? json_string_value(sha) : "",
			json_is_string(env) ? json_string_value(env) : "", err);
	}
	n->ignored++;   /* an event we do not use (ping, star, ...) */
	return 0;
}

static int detect_webhooks(const char *path)
{
	char head[512];
	if (!plat_jsonl_head(path, head, sizeof(head)))
		return 0;
	/* a delivery line: {"event": ..., "delivery": ..., "payload": ... */
	return strstr(head, "\"delivery\"") && strstr(head, "\"payload\"") &&
	       strstr(head, "\"event\"") ? 20 : 0;
}

static int read_webhooks(orgmri_adapter_ctx *ctx, orgmri_error *err);

static int run_webhooks(orgmri_adapter_ctx *ctx, orgmri_error *err)
{
	/* deployments get the commits they shipped */
	return plat_deploys_run(ctx, read_webhooks, err);
}

static int read_webhooks(orgmri_adapter_ctx *ctx, orgmri_error *err)
{
	gh_norm n;
	gh_norm_init(&n, ctx);
	n.file = ctx->path;
	FILE *fp = fopen(ctx->path, "rb");
	if (!fp)
		return orgmri_seterr(err, ORGMRI_EIO, "%s: cannot open: %s", ctx->path,
		                     strerror(errno));
	orgmri_lines lr;
	orgmri_intern seen;   /* delivery ids: GitHub redelivers */
	orgmri_intern_init(&seen);
	int rc = orgmri_lines_init(&lr, fp, GH_MAX_ELEMENT);
	while (!rc) {
		const char *line;
		size_t len;
		int got = orgmri_lines_next(&lr, &line, &len);
		if (got == 0)
			break;
		orgmri_error rec;
		orgmri_error_clear(&rec);
		if (got < 0) {
			orgmri_seterr(&rec, got, got == ORGMRI_ELIMIT ? "delivery larger "
			              "than the size cap" : "read failed");
			orgmri_seterr_at(&rec, ctx->path, lr.line, 0);
			rc = got == ORGMRI_ELIMIT ? gh_bad(&n, &rec, err)
			                          : (err ? (*err = rec, got) : got);
			continue;
		}
		if (len == 0)
			continue;
		n.line = lr.line;
		n.col = 0;
		json_error_t je;
		json_t *root = json_loadb(line, len, 0, &je);
		json_t *ev = root ? json_object_get(root, "event") : NULL;
		json_t *id = root ? json_object_get(root, "delivery") : NULL;
		json_t *payload = root ? json_object_get(root, "payload") : NULL;
		int erc = 0;
		if (!root) {
			erc = orgmri_seterr(&rec, ORGMRI_EPARSE, "invalid JSON: %s",
			                    je.text);
			orgmri_seterr_at(&rec, ctx->path, lr.line, je.column);
		} else if (!json_is_string(ev) || !json_is_object(payload)) {
			erc = orgmri_seterr(&rec, ORGMRI_EPARSE, "expected {\"event\": "
			                    "NAME, \"delivery\": ID, \"payload\": {...}}");
		} else {
			const char *did = json_is_string(id) ? json_string_value(id) : "";
			uint32_t before = seen.count;
			if (did[0] && orgmri_intern_add(&seen, did, strlen(did)) < 0)
				erc = orgmri_seterr(&rec, ORGMRI_ENOMEM, "out of memory");
			else if (did[0] && seen.count == before)
				n.ignored++;   /* a redelivery */
			else {
				snprintf(n.prefix, sizeof(n.prefix), "$.payload");
				erc = delivery(&n, json_string_value(ev), payload, &rec);
			}
		}
		json_decref(root);
		if (erc == ORGMRI_EPARSE)
			rc = gh_bad(&n, &rec, err);
		else if (erc) {
			if (err)
				*err = rec;
			rc = erc;
		}
	}
	orgmri_lines_free(&lr);
	orgmri_intern_free(&seen);
	fclose(fp);
	return rc;
}

const orgmri_adapter orgmri_adapter_github_webhooks = {
	"github-webhooks", "GitHub webhook deliveries, JSON Lines of {event, "
	"delivery, payload} (docs/github.md)",
	detect_webhooks, run_webhooks, 0,
};
