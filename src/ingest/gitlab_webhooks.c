/*
 * gitlab_webhooks.c - the "gitlab-webhooks" adapter: a file of GitLab
 * webhook bodies as a receiver logs them, JSON Lines, each line either
 * the body itself (GitLab names its kind in "object_kind") or the same
 * envelope the GitHub webhook adapter reads, {"event": X-Gitlab-Event,
 * "delivery": X-Gitlab-Event-UUID, "payload": BODY} (a delivery id seen
 * before in the file is ignored: GitLab retries).
 *
 * Used (docs/platforms.md has the table), with the object keys of the
 * GitLab export adapter (gitlab.c), so hooks and exports of one project
 * give the same objects:
 *
 *   merge_request  change:P!IID  open -> opened, reopen -> reopened,
 *                  close -> closed, merge -> merged, approved/approval ->
 *                  approved, update -> pushed (when oldrev is set),
 *                  ready_for_review (draft true -> false),
 *                  review_requested (each reviewer added)
 *   note           a comment on a merge request -> commented
 *   issue          issue:P#IID (incident:P#IID when gitlab.c's test says
 *                  it is an incident): open -> created / incident_opened,
 *                  close -> resolved / incident_resolved
 *   pipeline       build:P/pipelines/ID (and change:P!IID of a merge
 *                  request pipeline) -> ci_started, then the outcome of
 *                  its status as gitlab.c maps it
 *   deployment     deployment:P/deployments/ID -> deploy_started (status
 *                  running), deployed / deploy_failed (success / failed),
 *                  at status_changed_at, linked to the deployed commit
 *
 * Other kinds (push, job, release, ...) are counted as ignored.
 * Hooks carry no time for an action itself: merge request actions are at
 * object_attributes.updated_at (merged_at / closed_at when present),
 * as the GitHub webhook adapter uses a PR's updated_at.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/lines.h"
#include "ingest/gitlab.h"
#include "ingest/platform.h"
#include "orgmri/config.h"

/* Longest hook body accepted (a cap on hostile input). */
#define GLW_MAX_LINE (64u * 1024u * 1024u)

typedef struct glw_run {
	orgmri_adapter_ctx *ctx;
	plat_event pe;
	const char *project;          /* of the hook being read (pe's arena) */
	long long ignored;
} glw_run;

typedef int (*hook_fn)(glw_run *r, json_t *p, orgmri_error *e);

static int emit(glw_run *r, orgmri_error *e)
{
	return plat_emit(r->ctx, &r->pe, e);
}

/* "a,b" from [{"title": "a"}, {"title": "b"}] (or ["a", "b"]). */
static const char *labels_text(glw_run *r, json_t *labels)
{
	orgmri_buf b = { 0 };
	size_t i;
	json_t *l;
	json_array_foreach(labels, i, l) {
		json_t *t = json_is_object(l) ? json_object_get(l, "title") : l;
		if (!json_is_string(t))
			continue;
		if ((b.len && orgmri_buf_putc(&b, ',')) ||
		    orgmri_buf_puts(&b, json_string_value(t)))
			break;
	}
	const char *out = b.len ? plat_fmt(&r->pe, "%s", orgmri_buf_cstr(&b))
	                        : NULL;
	orgmri_buf_free(&b);
	return out;
}

/* ---- merge requests ---------------------------------------------------- */

/* Usernames in changes.reviewers.current that .previous lacks: one
 * review_requested each. */
static int new_reviewers(glw_run *r, json_t *changes, const char *change,
                         int64_t t, const char *actor, orgmri_error *e)
{
	json_t *prev = pj_get(changes, "reviewers.previous");
	json_t *cur = pj_get(changes, "reviewers.current");
	size_t i, j;
	json_t *c, *p;
	json_array_foreach(cur, i, c) {
		json_t *u = json_object_get(c, "username");
		if (!json_is_string(u))
			continue;
		int seen = 0;
		json_array_foreach(prev, j, p)
			seen |= json_equal(json_object_get(p, "username"), u);
		if (seen)
			continue;
		const char *who = json_string_value(u);
		plat_begin(&r->pe, change, "review_requested", t, actor, NULL);
		plat_attr(&r->pe, "reviewer", who);
		r->pe.ev.discriminator = plat_fmt(&r->pe, "%s", who);
		int rc = emit(r, e);
		if (rc)
			return rc;
	}
	return 0;
}

/* The update action: a push, draft -> ready, reviewers added. */
static int mr_update(glw_run *r, json_t *p, json_t *oa, const char *change,
                     int64_t t, const char *actor, orgmri_error *e)
{
	const char *oldrev, *last;
	int rc;
	if ((rc = pj_str(oa, "oldrev", &oldrev, e)) ||
	    (rc = pj_str(oa, "last_commit.id", &last, e)))
		return rc;
	if (oldrev && *oldrev) {
		plat_begin(&r->pe, change, "pushed", t, actor, NULL);
		if (last)
			plat_rel(&r->pe, plat_fmt(&r->pe, "commit:%s@%s", r->project,
			                          last));
		if ((rc = emit(r, e)))
			return rc;
	}
	json_t *changes = json_object_get(p, "changes");
	json_t *was = pj_get(changes, "draft.previous");
	json_t *now = pj_get(changes, "draft.current");
	if (!was && !now) {
		was = pj_get(changes, "work_in_progress.previous");
		now = pj_get(changes, "work_in_progress.current");
	}
	if (json_is_true(was) && json_is_false(now)) {
		plat_begin(&r->pe, change, "ready_for_review", t, actor, NULL);
		if ((rc = emit(r, e)))
			return rc;
	}
	return new_reviewers(r, changes, change, t, actor, e);
}

/* The hook's object_attributes object into *oa, else a parse error at
 * that path. */
static int need_oa(json_t *p, json_t **oa, orgmri_error *e)
{
	*oa = json_object_get(p, "object_attributes");
	if (json_is_object(*oa))
		return 0;
	orgmri_seterr(e, ORGMRI_EPARSE, "expected an object");
	snprintf(e->path, sizeof(e->path), ".object_attributes");
	return ORGMRI_EPARSE;
}

/* An error found inside object_attributes: its path, from there. */
static int in_oa(orgmri_error *e, int rc)
{
	char rel[ORGMRI_ERROR_PATH_MAX];
	snprintf(rel, sizeof(rel), "%s", e->path);
	snprintf(e->path, sizeof(e->path), ".object_attributes%s", rel);
	return rc;
}

static int hook_mr(glw_run *r, json_t *p, orgmri_error *e)
{
	json_t *oa;
	const char *action, *actor, *title, *state, *src, *dst, *msha;
	long long iid;
	int64_t created, updated, merged, closed;
	int has_u, has_m, has_c, draft = 0, wip = 0, rc;
	if ((rc = pj_str(p, "user.username", &actor, e)) ||
	    (rc = need_oa(p, &oa, e)))
		return rc;
	if ((rc = pj_need_int(oa, "iid", &iid, e)) ||
	    (rc = pj_need_time(oa, "created_at", &created, e)) ||
	    (rc = pj_time(oa, "updated_at", &updated, &has_u, e)) ||
	    (rc = pj_time(oa, "merged_at", &merged, &has_m, e)) ||
	    (rc = pj_time(oa, "closed_at", &closed, &has_c, e)) ||
	    (rc = pj_str(oa, "action", &action, e)) ||
	    (rc = pj_str(oa, "title", &title, e)) ||
	    (rc = pj_str(oa, "state", &state, e)) ||
	    (rc = pj_str(oa, "source_branch", &src, e)) ||
	    (rc = pj_str(oa, "target_branch", &dst, e)) ||
	    (rc = pj_str(oa, "merge_commit_sha", &msha, e)) ||
	    (rc = pj_bool(oa, "draft", &draft, e)) ||
	    (rc = pj_bool(oa, "work_in_progress", &wip, e))) {
		return rc == ORGMRI_EPARSE ? in_oa(e, rc) : rc;
	}
	const char *change = plat_fmt(&r->pe, "change:%s!%lld", r->project, iid);
	int64_t t = has_u ? updated : created;
	if (!action) {
		r->ignored++;   /* a hook without an action: nothing happened */
		return 0;
	}
	if (strcmp(action, "open") == 0) {
		plat_begin(&r->pe, change, "opened", created, actor, NULL);
		plat_attr(&r->pe, "title", title);
		plat_attr(&r->pe, "state", state);
		plat_attr(&r->pe, "repo", r->project);
		plat_attr(&r->pe, "labels", labels_text(r, json_object_get(oa,
		                                                           "labels")));
		plat_attr(&r->pe, "source_branch", src);
		plat_attr(&r->pe, "target_branch", dst);
		plat_attr_bool(&r->pe, "draft", draft || wip);
		return emit(r, e);
	}
	if (strcmp(action, "merge") == 0) {
		plat_begin(&r->pe, change, "merged", has_m ? merged : t, actor, NULL);
		if (msha)
			plat_rel(&r->pe, plat_fmt(&r->pe, "commit:%s@%s", r->project,
			                          msha));
		return emit(r, e);
	}
	if (strcmp(action, "close") == 0 || strcmp(action, "reopen") == 0) {
		int close = action[0] == 'c';
		plat_begin(&r->pe, change, close ? "closed" : "reopened",
		           close && has_c ? closed : t, actor, NULL);
		return emit(r, e);
	}
	if (strcmp(action, "approved") == 0 || strcmp(action, "approval") == 0) {
		plat_begin(&r->pe, change, "approved", t, actor, NULL);
		return emit(r, e);
	}
	if (strcmp(action, "update") == 0)
		return mr_update(r, p, oa, change, t, actor, e);
	r->ignored++;       /* unapproved, unapproval, ... */
	return 0;
}

/* A comment on a merge request. */
static int hook_note(glw_run *r, json_t *p, orgmri_error *e)
{
	const char *type, *actor, *ntype;
	long long id, iid;
	int64_t t;
	int rc;
	if ((rc = pj_str(p, "object_attributes.noteable_type", &type, e)))
		return rc;
	if (!type || strcmp(type, "MergeRequest") != 0) {
		r->ignored++;
		return 0;
	}
	if ((rc = pj_need_int(p, "object_attributes.id", &id, e)) ||
	    (rc = pj_need_time(p, "object_attributes.created_at", &t, e)) ||
	    (rc = pj_str(p, "object_attributes.type", &ntype, e)) ||
	    (rc = pj_need_int(p, "merge_request.iid", &iid, e)) ||
	    (rc = pj_str(p, "user.username", &actor, e)))
		return rc;
	plat_begin(&r->pe, plat_fmt(&r->pe, "change:%s!%lld", r->project, iid),
	           "commented", t, actor, plat_fmt(&r->pe, "%lld", id));
	plat_attr(&r->pe, "kind", ntype && strcmp(ntype, "DiffNote") == 0
	                          ? "diff" : "normal");
	return emit(r, e);
}

/* ---- issues ------------------------------------------------------------ */

/* Opened and closed issues, as the export adapter reads them: an incident
 * (gl_is_incident) is incident:P#IID with incident_opened/_resolved, any
 * other issue:P#IID with created/resolved. */
static int hook_issue(glw_run *r, json_t *p, orgmri_error *e)
{
	json_t *oa;
	const char *action, *actor, *title, *state, *type, *sev;
	long long iid;
	int64_t created, closed, updated;
	int has_c, has_u, rc;
	if ((rc = pj_str(p, "user.username", &actor, e)) ||
	    (rc = need_oa(p, &oa, e)))
		return rc;
	if ((rc = pj_need_int(oa, "iid", &iid, e)) ||
	    (rc = pj_need_time(oa, "created_at", &created, e)) ||
	    (rc = pj_time(oa, "closed_at", &closed, &has_c, e)) ||
	    (rc = pj_time(oa, "updated_at", &updated, &has_u, e)) ||
	    (rc = pj_str(oa, "action", &action, e)) ||
	    (rc = pj_str(oa, "title", &title, e)) ||
	    (rc = pj_str(oa, "state", &state, e)) ||
	    (rc = pj_str(oa, "issue_type", &type, e)) ||
	    (rc = pj_str(oa, "severity", &sev, e)))
		return in_oa(e, rc);
	int open = action && strcmp(action, "open") == 0;
	if (!open && !(action && strcmp(action, "close") == 0)) {
		r->ignored++;   /* update, reopen: nothing the metrics use */
		return 0;
	}
	json_t *lj = json_object_get(oa, "labels");
	const char *labels = labels_text(r, lj ? lj : json_object_get(p,
	                                                              "labels"));
	int inc = gl_is_incident(r->ctx->config, oa, labels);
	const char *key = gl_issue_key(&r->pe, r->project, iid, inc);
	if (open) {
		gl_issue gi = {
			.key = key, .project = r->project, .incident = inc,
			.created = created, .author = actor, .title = title,
			.state = state, .labels = labels, .type = type, .severity = sev,
		};
		return gl_issue_opened(r->ctx, &r->pe, &gi, e);
	}
	plat_begin(&r->pe, key, inc ? "incident_resolved" : "resolved",
	           has_c ? closed : has_u ? updated : created, actor, NULL);
	return emit(r, e);
}

/* ---- pipelines and deployments ----------------------------------------- */

static int unknown(orgmri_error *e, const char *path, const char *what,
                   const char *status)
{
	orgmri_seterr(e, ORGMRI_EPARSE, "unknown %s status \"%.64s\": no "
	              "outcome recorded", what, status);
	snprintf(e->path, sizeof(e->path), "%s", path);
	return ORGMRI_EPARSE;
}

static int hook_pipeline(glw_run *r, json_t *p, orgmri_error *e)
{
	const char *status, *ref, *sha, *source, *user;
	long long id, iid;
	int64_t created, finished;
	int has_f, has_mr, rc;
	if ((rc = pj_need_int(p, "object_attributes.id", &id, e)) ||
	    (rc = pj_need_str(p, "object_attributes.status", &status, e)) ||
	    (rc = pj_need_time(p, "object_attributes.created_at", &created, e)) ||
	    (rc = pj_time(p, "object_attributes.finished_at", &finished, &has_f,
	                  e)) ||
	    (rc = pj_str(p, "object_attributes.ref", &ref, e)) ||
	    (rc = pj_str(p, "object_attributes.sha", &sha, e)) ||
	    (rc = pj_str(p, "object_attributes.source", &source, e)) ||
	    (rc = pj_int(p, "merge_request.iid", &iid, &has_mr, e)) ||
	    (rc = pj_str(p, "user.username", &user, e)))
		return rc;
	const char *outcome = gl_pipeline_outcome(status);
	if (!outcome)
		return unknown(e, ".object_attributes.status", "pipeline", status);
	/* as gitlab.c: a pipeline hook has no started_at, so both adapters
	 * agree only when the export lacks it too */
	gl_pipeline pl = {
		.project = r->project, .id = id, .status = status, .ref = ref,
		.sha = sha, .source = source, .user = user,
		.change = has_mr ? plat_fmt(&r->pe, "change:%s!%lld", r->project,
		                            iid) : NULL,
		.outcome = outcome, .started = created,
		.ended = has_f ? finished : created,
	};
	return gl_pipeline_events(r->ctx, &r->pe, &pl, e);
}

/* The full SHA at the end of a commit URL (".../-/commit/SHA"), else NULL. */
static const char *sha_of_url(glw_run *r, const char *url)
{
	const char *s = url ? strrchr(url, '/') : NULL;
	if (!s || strlen(s + 1) < 40 || strlen(s + 1) > 64)
		return NULL;
	for (const char *c = s + 1; *c; c++)
		if (!strchr("0123456789abcdef", *c))
			return NULL;
	return plat_fmt(&r->pe, "%s", s + 1);
}

static int hook_deployment(glw_run *r, json_t *p, orgmri_error *e)
{
	const char *status, *env, *ref, *url, *user;
	long long id;
	int64_t t;
	int rc;
	if ((rc = pj_need_int(p, "deployment_id", &id, e)) ||
	    (rc = pj_need_str(p, "status", &status, e)) ||
	    (rc = pj_need_time(p, "status_changed_at", &t, e)) ||
	    (rc = pj_str(p, "environment", &env, e)) ||
	    (rc = pj_str(p, "ref", &ref, e)) ||
	    (rc = pj_str(p, "commit_url", &url, e)) ||
	    (rc = pj_str(p, "user.username", &user, e)))
		return rc;
	const char *outcome = gl_deployment_outcome(status);
	if (!outcome)
		return unknown(e, ".status", "deployment", status);
	const char *act = outcome[0] ? outcome :
	                  strcasecmp(status, "running") == 0 ? "deploy_started"
	                                                     : NULL;
	if (!act) {
		r->ignored++;   /* created, canceled, ...: nothing to record */
		return 0;
	}
	const char *sha = sha_of_url(r, url);
	plat_begin(&r->pe, plat_fmt(&r->pe, "deployment:%s/deployments/%lld",
	                            r->project, id), act, t, user, NULL);
	plat_attr(&r->pe, "environment", env);
	plat_attr(&r->pe, "state", status);
	plat_attr(&r->pe, "ref", ref);
	plat_attr(&r->pe, "repo", r->project);
	if (sha)
		plat_rel(&r->pe, plat_fmt(&r->pe, "commit:%s@%s", r->project, sha));
	return emit(r, e);
}

/* ---- the file ---------------------------------------------------------- */

static const struct {
	const char *kind;
	hook_fn fn;
} hooks[] = {
	{ "merge_request", hook_mr },
	{ "note", hook_note },
	{ "issue", hook_issue },
	{ "pipeline", hook_pipeline },
	{ "deployment", hook_deployment },
};

/* One hook body; `prefix` is its JSON path in the line ("$" or
 * "$.payload"). */
static int hook(glw_run *r, json_t *body, orgmri_error *e)
{
	const char *kind, *project;
	int rc;
	if (!json_is_object(body))
		return orgmri_seterr(e, ORGMRI_EPARSE, "expected a webhook body "
		                     "(an object with object_kind)");
	if ((rc = pj_need_str(body, "object_kind", &kind, e)))
		return rc;
	size_t k = 0, nk = sizeof(hooks) / sizeof(hooks[0]);
	while (k < nk && strcmp(hooks[k].kind, kind) != 0)
		k++;
	if (k == nk) {
		r->ignored++;   /* push, job, release, ...: not used */
		return 0;
	}
	if ((rc = pj_need_str(body, "project.path_with_namespace", &project, e)))
		return rc;
	r->project = plat_fmt(&r->pe, "%s", project);
	return hooks[k].fn(r, body, e);
}

static int detect(const char *path)
{
	char head[4096];
	if (!plat_jsonl_head(path, head, sizeof(head)))
		return 0;
	/* above github-webhooks' 20: the same envelope may hold GitLab bodies */
	return strstr(head, "\"object_kind\"") ? 25 : 0;
}

/* One line: 0, ORGMRI_EPARSE with e set (file, line, path), or fatal. */
static int line_(glw_run *r, orgmri_intern *seen, const char *line,
                 size_t len, long lineno, orgmri_error *e)
{
	json_error_t je;
	json_t *root = json_loadb(line, len, 0, &je);
	if (!root) {
		orgmri_seterr(e, ORGMRI_EPARSE, "invalid JSON: %s", je.text);
		orgmri_seterr_at(e, r->ctx->path, lineno, je.column);
		return ORGMRI_EPARSE;
	}
	json_t *payload = json_object_get(root, "payload");
	json_t *body = root;
	const char *prefix = "$";
	int rc = 0;
	if (json_is_object(payload) && !json_object_get(root, "object_kind")) {
		body = payload;
		prefix = "$.payload";
		json_t *id = json_object_get(root, "delivery");
		const char *did = json_is_string(id) ? json_string_value(id) : "";
		uint32_t before = seen->count;
		if (did[0] && orgmri_intern_add(seen, did, strlen(did)) < 0)
			rc = orgmri_seterr(e, ORGMRI_ENOMEM, "out of memory");
		else if (did[0] && seen->count == before) {
			r->ignored++;   /* a redelivery */
			json_decref(root);
			return 0;
		}
	}
	if (!rc) {
		plat_event_reset(&r->pe);
		orgmri_error_clear(e);
		rc = hook(r, body, e);
	}
	json_decref(root);
	if (rc == ORGMRI_EPARSE) {
		char rel[ORGMRI_ERROR_PATH_MAX];
		snprintf(rel, sizeof(rel), "%s", e->path);
		snprintf(e->path, sizeof(e->path), "%s%s", prefix, rel);
		orgmri_seterr_at(e, r->ctx->path, lineno, 0);
	}
	return rc;
}

static int read_hooks(orgmri_adapter_ctx *ctx, orgmri_error *err)
{
	FILE *fp = fopen(ctx->path, "rb");
	if (!fp)
		return orgmri_seterr(err, ORGMRI_EIO, "%s: cannot open: %s",
		                     ctx->path, strerror(errno));
	glw_run r;
	memset(&r, 0, sizeof(r));
	r.ctx = ctx;
	plat_event_init(&r.pe);
	orgmri_lines lr;
	orgmri_intern seen;   /* delivery ids */
	orgmri_intern_init(&seen);
	int rc = orgmri_lines_init(&lr, fp, GLW_MAX_LINE);
	if (rc)
		rc = orgmri_seterr(err, rc, "out of memory");
	while (!rc) {
		const char *line;
		size_t len;
		orgmri_error e;
		orgmri_error_clear(&e);
		int got = orgmri_lines_next(&lr, &line, &len);
		if (got == 0)
			break;
		if (got == ORGMRI_ELIMIT) {
			orgmri_seterr(&e, got, "hook body larger than the size cap");
			orgmri_seterr_at(&e, ctx->path, lr.line, 0);
			rc = orgmri_adapter_bad_record(ctx, &e, err);
			continue;
		}
		if (got < 0) {
			rc = orgmri_seterr(err, got, "%s: read failed", ctx->path);
			break;
		}
		if (len == 0)
			continue;
		int lrc = line_(&r, &seen, line, len, lr.line, &e);
		if (lrc == ORGMRI_EPARSE)
			rc = orgmri_adapter_bad_record(ctx, &e, err);
		else if (lrc) {
			if (err)
				*err = e;
			rc = lrc;
		}
	}
	orgmri_lines_free(&lr);
	orgmri_intern_free(&seen);
	plat_event_free(&r.pe);
	fclose(fp);
	return rc;
}

static int run(orgmri_adapter_ctx *ctx, orgmri_error *err)
{
	/* deployments get the commits they shipped */
	return plat_deploys_run(ctx, read_hooks, err);
}

const orgmri_adapter orgmri_adapter_gitlab_webhooks = {
	"gitlab-webhooks", "GitLab webhook bodies, JSON Lines (raw, or "
	"{event, delivery, payload}): merge requests, notes, issues, "
	"pipelines, deployments (docs/platforms.md)",
	detect, run, 0,
};
