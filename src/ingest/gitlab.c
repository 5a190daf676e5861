/*
 * gitlab.c - the "gitlab" adapter: a folder of GitLab REST API JSON, one
 * file per endpoint of one project, as `glab api --paginate` writes it
 * (docs/platforms.md):
 *
 *   project.json                          projects/:id (optional; names it)
 *   merge_requests.json                   projects/:id/merge_requests?state=all
 *   merge_requests/IID/commits.json       .../merge_requests/:iid/commits
 *   merge_requests/IID/notes.json         .../merge_requests/:iid/notes
 *   merge_requests/IID/approvals.json     .../merge_requests/:iid/approvals
 *   pipelines.json                        projects/:id/pipelines
 *   pipelines/ID.json                     projects/:id/pipelines/:id (times, user)
 *   deployments.json                      projects/:id/deployments
 *   issues.json                           projects/:id/issues?state=all
 *
 * Objects: change:P!IID, commit:P@SHA, build:P/pipelines/ID,
 * deployment:P/deployments/ID, issue:P#IID, incident:P#IID, where P is the
 * project path ("group/sub/project").  Merge-request system notes carry
 * the review history GitLab has no other API for (approvals with their
 * time, review requests, pushes, draft -> ready); the tables below say
 * which note becomes which activity.
 */
#include <ctype.h>
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ingest/gitlab.h"
#include "ingest/platform.h"

typedef struct gl_run {
	orgmri_adapter_ctx *ctx;
	plat_event pe;
	char *project;          /* group/project, fixed once known */
	char *dir;
	/* the merge request being read */
	const char *change;
	int64_t fallback_time;  /* merged_at, else updated_at, else created_at */
	char **approvers;       /* usernames with an "approved" note */
	size_t napprovers, capprovers;
	int merged_note;        /* time of the "merged" note is known */
	int64_t merged_note_time;
	long long *pipeline_ids; /* ids listed in pipelines.json */
	size_t npipelines, cpipelines;
} gl_run;

/* ---- project path ----------------------------------------------------- */

/* "https://host/group/proj/-/merge_requests/1" -> "group/proj" */
static char *path_from_web_url(const char *url)
{
	const char *p = url ? strstr(url, "://") : NULL;
	if (!p)
		return NULL;
	p = strchr(p + 3, '/');
	const char *end = p ? strstr(p, "/-/") : NULL;
	if (!end || end - p < 2)
		return NULL;
	return strndup(p + 1, (size_t)(end - p - 1));
}

/* Fix the project path from this item if it is not known yet. */
static int learn_project(gl_run *r, json_t *item)
{
	if (r->project)
		return 0;
	const char *s = NULL;
	orgmri_error ignore;
	if (pj_str(item, "path_with_namespace", &s, &ignore) == 0 && s) {
		r->project = strdup(s);
	} else if (pj_str(item, "references.full", &s, &ignore) == 0 && s) {
		const char *bang = strpbrk(s, "!#");
		r->project = bang ? strndup(s, (size_t)(bang - s)) : strdup(s);
	} else if (pj_str(item, "web_url", &s, &ignore) == 0 && s) {
		r->project = path_from_web_url(s);
	}
	return r->project || !s ? 0 : ORGMRI_ENOMEM;
}

/* The project path, falling back to "project-ID" for items that name
 * none (a deployments.json read on its own). */
static const char *project(gl_run *r, json_t *item)
{
	if (r->project)
		return r->project;
	long long id;
	int has;
	orgmri_error ignore;
	if (pj_int(item, "project_id", &id, &has, &ignore) == 0 && has)
		return plat_fmt(&r->pe, "project-%lld", id);
	return "project";
}

/* ---- labels and users ------------------------------------------------- */

/* labels: ["a","b"] or [{"name":"a"},...] -> "a,b" */
static int labels_text(gl_run *r, json_t *item, const char **out,
                       orgmri_error *e)
{
	json_t *l = pj_get(item, "labels");
	*out = NULL;
	if (!l)
		return 0;
	if (!json_is_array(l)) {
		snprintf(e->path, sizeof(e->path), ".labels");
		return orgmri_seterr(e, ORGMRI_EPARSE, "must be an array");
	}
	orgmri_buf b = ORGMRI_BUF_INIT;
	size_t i;
	json_t *x;
	json_array_foreach(l, i, x) {
		const char *name = json_is_string(x) ? json_string_value(x) : NULL;
		if (!name && json_is_object(x))
			pj_str(x, "name", &name, e);
		if (!name) {
			orgmri_buf_free(&b);
			snprintf(e->path, sizeof(e->path), ".labels[%zu]", i);
			return orgmri_seterr(e, ORGMRI_EPARSE, "must be a string or "
			                     "an object with a name");
		}
		if (i)
			orgmri_buf_putc(&b, ',');
		orgmri_buf_puts(&b, name);
	}
	*out = b.len ? plat_fmt(&r->pe, "%s", orgmri_buf_cstr(&b)) : NULL;
	orgmri_buf_free(&b);
	return 0;
}

static int has_label(const char *labels, const char *want)
{
	if (!labels || !want)
		return 0;
	size_t n = strlen(want);
	for (const char *p = labels; *p;) {
		const char *c = strchr(p, ',');
		size_t len = c ? (size_t)(c - p) : strlen(p);
		if (len == n && strncasecmp(p, want, n) == 0)
			return 1;
		p += len + (c ? 1 : 0);
	}
	return 0;
}

/* ---- merge requests --------------------------------------------------- */

static int emit(gl_run *r, orgmri_error *e)
{
	return plat_emit(r->ctx, &r->pe, e);
}

/* commits.json: commit authored/committed events; the keys are kept in
 * the related list of the change's `opened` event (change contains
 * commit). */
typedef struct commit_list {
	gl_run *r;
	char **keys;
	size_t n, cap;
} commit_list;

static int one_commit(json_t *c, const plat_where *w, void *arg,
                      orgmri_error *e)
{
	(void)w;
	commit_list *cl = arg;
	gl_run *r = cl->r;
	const char *sha, *author, *committer, *title;
	int64_t at, ct;
	int has_ct, rc;
	if ((rc = pj_need_str(c, "id", &sha, e)) ||
	    (rc = pj_need_time(c, "authored_date", &at, e)) ||
	    (rc = pj_time(c, "committed_date", &ct, &has_ct, e)) ||
	    (rc = pj_str(c, "author_name", &author, e)) ||
	    (rc = pj_str(c, "committer_name", &committer, e)) ||
	    (rc = pj_str(c, "title", &title, e)))
		return rc;
	char *key = plat_fmt(&r->pe, "commit:%s@%s", r->project, sha);
	if (!key)
		return ORGMRI_ENOMEM;
	plat_begin(&r->pe, key, "authored", at, author, NULL);
	plat_attr(&r->pe, "title", title);
	plat_attr(&r->pe, "repo", r->project);
	if ((rc = emit(r, e)))
		return rc;
	if (has_ct) {
		plat_begin(&r->pe, key, "committed", ct, committer, NULL);
		plat_attr(&r->pe, "repo", r->project);
		if ((rc = emit(r, e)))
			return rc;
	}
	if (cl->n == cl->cap) {
		size_t cap = cl->cap ? cl->cap * 2 : 16;
		char **k = orgmri_reallocarray(cl->keys, cap, sizeof(*k));
		if (!k)
			return ORGMRI_ENOMEM;
		cl->keys = k;
		cl->cap = cap;
	}
	if (!(cl->keys[cl->n] = strdup(key)))
		return ORGMRI_ENOMEM;
	cl->n++;
	return 0;
}

static void commit_list_free(commit_list *cl)
{
	for (size_t i = 0; i < cl->n; i++)
		free(cl->keys[i]);
	free(cl->keys);
}

/*
 * System notes: the text GitLab writes, and the activity it becomes.
 * Matched as a prefix of the note body.  Notes not listed (assignments,
 * "mentioned in", "merged" - merged_at is exact -, label and milestone
 * changes, "unapproved") produce nothing.
 */
static const plat_map system_notes[] = {
	{ "approved this merge request", "approved" },
	{ "requested changes", "changes_requested" },
	{ "requested review from ", "review_requested" },
	{ "added ", "pushed" },           /* "added 3 commits" */
	{ "unmarked as a **Work In Progress**", "ready_for_review" },
	{ "marked this merge request as **ready**", "ready_for_review" },
	{ "marked as ready", "ready_for_review" },
	{ "reopened", "reopened" },
	{ NULL, NULL }
};

static const char *system_activity(const char *body)
{
	for (const plat_map *m = system_notes; m->name; m++)
		if (strncasecmp(body, m->name, strlen(m->name)) == 0) {
			/* "added ~label" is a label, "added 1 commit" a push */
			if (strcmp(m->value, "pushed") == 0 &&
			    !strstr(body, " commit"))
				return NULL;
			return m->value;
		}
	return NULL;
}

static int note_approver(gl_run *r, const char *who)
{
	if (!who)
		return 0;
	if (r->napprovers == r->capprovers) {
		size_t cap = r->capprovers ? r->capprovers * 2 : 8;
		char **a = orgmri_reallocarray(r->approvers, cap, sizeof(*a));
		if (!a)
			return ORGMRI_ENOMEM;
		r->approvers = a;
		r->capprovers = cap;
	}
	if (!(r->approvers[r->napprovers] = strdup(who)))
		return ORGMRI_ENOMEM;
	r->napprovers++;
	return 0;
}

/* "requested review from @a, @b and @c": one event per reviewer. */
static int review_requests(gl_run *r, const char *body, int64_t t,
                           const char *actor, long long id, orgmri_error *e)
{
	for (const char *p = strchr(body, '@'); p; p = strchr(p, '@')) {
		const char *s = ++p;
		while (*p && !strchr(" ,\n", *p))
			p++;
		char *who = plat_fmt(&r->pe, "%.*s", (int)(p - s), s);
		if (!who || !who[0])
			continue;
		plat_begin(&r->pe, r->change, "review_requested", t, actor,
		           plat_fmt(&r->pe, "%lld:%s", id, who));
		plat_attr(&r->pe, "reviewer", who);
		int rc = emit(r, e);
		if (rc)
			return rc;
	}
	return 0;
}

static int one_note(json_t *n, const plat_where *w, void *arg,
                    orgmri_error *e)
{
	(void)w;
	gl_run *r = arg;
	long long id;
	const char *body, *author, *type;
	int64_t t;
	int sys, rc;
	if ((rc = pj_need_int(n, "id", &id, e)) ||
	    (rc = pj_need_time(n, "created_at", &t, e)) ||
	    (rc = pj_str(n, "body", &body, e)) ||
	    (rc = pj_str(n, "author.username", &author, e)) ||
	    (rc = pj_str(n, "type", &type, e)) ||
	    (rc = pj_bool(n, "system", &sys, e)))
		return rc;
	if (!body)
		body = "";
	const char *disc = plat_fmt(&r->pe, "%lld", id);
	if (!sys) {
		plat_begin(&r->pe, r->change, "commented", t, author, disc);
		plat_attr(&r->pe, "kind", type && strcmp(type, "DiffNote") == 0
		                          ? "diff" : "normal");
		return emit(r, e);
	}
	if (strcmp(body, "merged") == 0) {
		r->merged_note = 1;
		r->merged_note_time = t;
		return 0;
	}
	const char *act = system_activity(body);
	if (!act)
		return 0;
	if (strcmp(act, "review_requested") == 0)
		return review_requests(r, body, t, author, id, e);
	if (strcmp(act, "approved") == 0 && (rc = note_approver(r, author)))
		return rc;
	plat_begin(&r->pe, r->change, act, t, author, disc);
	if (strcmp(act, "pushed") == 0) {
		long long k = strtoll(body + 6, NULL, 10);
		if (k > 0)
			plat_attr_int(&r->pe, "commits", k);
	}
	return emit(r, e);
}

/* approvals.json: approvers without an "approved" note get an approved
 * event at the merge time (else the MR's last update), marked
 * time_source=approvals_api because the API gives no approval time. */
static int one_approvals(json_t *a, const plat_where *w, void *arg,
                         orgmri_error *e)
{
	(void)w;
	gl_run *r = arg;
	json_t *list = pj_get(a, "approved_by");
	if (!list)
		return 0;
	if (!json_is_array(list)) {
		snprintf(e->path, sizeof(e->path), ".approved_by");
		return orgmri_seterr(e, ORGMRI_EPARSE, "must be an array");
	}
	size_t i;
	json_t *x;
	json_array_foreach(list, i, x) {
		const char *who;
		int rc = pj_need_str(x, "user.username", &who, e);
		if (rc) {
			char sub[ORGMRI_ERROR_PATH_MAX];
			snprintf(sub, sizeof(sub), ".approved_by[%zu]%s", i, e->path);
			snprintf(e->path, sizeof(e->path), "%s", sub);
			return rc;
		}
		int seen = 0;
		for (size_t k = 0; k < r->napprovers && !seen; k++)
			seen = strcmp(r->approvers[k], who) == 0;
		if (seen)
			continue;
		plat_begin(&r->pe, r->change, "approved", r->fallback_time, who,
		           "approvals_api");
		plat_attr(&r->pe, "time_source", "approvals_api");
		if ((rc = emit(r, e)))
			return rc;
	}
	return 0;
}

/* Read merge_requests/IID/NAME.json with fn; a bad item there is
 * reported with that file's name. */
static int mr_file(gl_run *r, long long iid, const char *name,
                   plat_item_fn fn, void *arg, orgmri_error *err)
{
	char rel[96];
	snprintf(rel, sizeof(rel), "merge_requests/%lld/%s.json", iid, name);
	char *path = plat_join(r->dir, rel);
	if (!path)
		return orgmri_seterr(err, ORGMRI_ENOMEM, "out of memory");
	int rc = plat_json_each(r->ctx, path, NULL, fn, arg, NULL, err);
	free(path);
	return rc;
}

/* "Closes #12", "fixes #3, #4": issues this MR says it resolves. */
static void closing_refs(gl_run *r, const char *text)
{
	static const char *verbs[] = { "close", "fix", "resolve", "implement" };
	for (const char *p = text; p && *p; p++) {
		int hit = 0;
		for (size_t v = 0; v < 4 && !hit; v++)
			hit = strncasecmp(p, verbs[v], strlen(verbs[v])) == 0 &&
			      (p == text || !isalnum((unsigned char)p[-1]));
		if (!hit)
			continue;
		while (*p && isalpha((unsigned char)*p))
			p++;
		for (;;) {
			while (*p == ' ' || *p == ':' || *p == ',')
				p++;
			if (strncasecmp(p, "and ", 4) == 0) {
				p += 4;
				continue;
			}
			if (*p != '#' || !isdigit((unsigned char)p[1]))
				break;
			long n = strtol(p + 1, (char **)&p, 10);
			plat_rel(&r->pe, plat_fmt(&r->pe, "issue:%s#%ld", r->project,
			                          n));
		}
		if (!*p)
			break;
	}
}

static int mr_opened(gl_run *r, json_t *mr, int64_t created,
                     const commit_list *cl, orgmri_error *e)
{
	const char *author, *title, *desc, *state, *src, *dst, *labels;
	int draft = 0, wip = 0, rc;
	if ((rc = pj_str(mr, "author.username", &author, e)) ||
	    (rc = pj_str(mr, "title", &title, e)) ||
	    (rc = pj_str(mr, "description", &desc, e)) ||
	    (rc = pj_str(mr, "state", &state, e)) ||
	    (rc = pj_str(mr, "source_branch", &src, e)) ||
	    (rc = pj_str(mr, "target_branch", &dst, e)) ||
	    (rc = pj_bool(mr, "draft", &draft, e)) ||
	    (rc = pj_bool(mr, "work_in_progress", &wip, e)) ||
	    (rc = labels_text(r, mr, &labels, e)))
		return rc;
	plat_begin(&r->pe, r->change, "opened", created, author, NULL);
	plat_attr(&r->pe, "title", title);
	plat_attr(&r->pe, "state", state);
	plat_attr(&r->pe, "repo", r->project);
	plat_attr(&r->pe, "labels", labels);
	plat_attr(&r->pe, "source_branch", src);
	plat_attr(&r->pe, "target_branch", dst);
	plat_attr_bool(&r->pe, "draft", draft || wip);
	for (size_t i = 0; i < cl->n; i++)
		plat_rel(&r->pe, cl->keys[i]);
	closing_refs(r, title);
	closing_refs(r, desc);
	return emit(r, e);
}

static int mr_closed_merged(gl_run *r, json_t *mr, orgmri_error *e)
{
	const char *state, *merger, *merger2, *closer, *msha, *ssha;
	int64_t merged, closed;
	int has_m, has_c, rc;
	if ((rc = pj_str(mr, "state", &state, e)) ||
	    (rc = pj_time(mr, "merged_at", &merged, &has_m, e)) ||
	    (rc = pj_time(mr, "closed_at", &closed, &has_c, e)) ||
	    (rc = pj_str(mr, "merged_by.username", &merger, e)) ||
	    (rc = pj_str(mr, "merge_user.username", &merger2, e)) ||
	    (rc = pj_str(mr, "closed_by.username", &closer, e)) ||
	    (rc = pj_str(mr, "merge_commit_sha", &msha, e)) ||
	    (rc = pj_str(mr, "squash_commit_sha", &ssha, e)))
		return rc;
	/* Old MRs have no merged_at: the "merged" system note has the time. */
	if (!has_m && state && strcmp(state, "merged") == 0 && r->merged_note) {
		merged = r->merged_note_time;
		has_m = 1;
	}
	if (has_m) {
		plat_begin(&r->pe, r->change, "merged", merged,
		           merger ? merger : merger2, NULL);
		if (msha)
			plat_rel(&r->pe, plat_fmt(&r->pe, "commit:%s@%s", r->project,
			                          msha));
		if (ssha)
			plat_rel(&r->pe, plat_fmt(&r->pe, "commit:%s@%s", r->project,
			                          ssha));
		if ((rc = emit(r, e)))
			return rc;
	}
	if (has_c && !has_m) {
		plat_begin(&r->pe, r->change, "closed", closed, closer, NULL);
		if ((rc = emit(r, e)))
			return rc;
	}
	return 0;
}

static void approvers_clear(gl_run *r)
{
	for (size_t i = 0; i < r->napprovers; i++)
		free(r->approvers[i]);
	r->napprovers = 0;
}

static int one_mr(json_t *mr, const plat_where *w, void *arg,
                  orgmri_error *e)
{
	(void)w;
	gl_run *r = arg;
	long long iid;
	int64_t created, t;
	int has, rc;
	plat_event_reset(&r->pe);
	approvers_clear(r);
	r->merged_note = 0;
	if (!json_is_object(mr))
		return orgmri_seterr(e, ORGMRI_EPARSE, "expected a merge request "
		                     "object");
	if ((rc = pj_need_int(mr, "iid", &iid, e)) ||
	    (rc = pj_need_time(mr, "created_at", &created, e)))
		return rc;
	if ((rc = learn_project(r, mr)))
		return rc;
	const char *proj = project(r, mr);
	r->change = plat_fmt(&r->pe, "change:%s!%lld", proj, iid);
	if (!r->change)
		return ORGMRI_ENOMEM;
	r->fallback_time = created;
	if ((rc = pj_time(mr, "updated_at", &t, &has, e)))
		return rc;
	if (has)
		r->fallback_time = t;
	if ((rc = pj_time(mr, "merged_at", &t, &has, e)))
		return rc;
	if (has)
		r->fallback_time = t;

	/* Sub-files first: their bad items are reported on their own; the
	 * MR's events follow. */
	commit_list cl = { r, NULL, 0, 0 };
	orgmri_error ferr;
	orgmri_error_clear(&ferr);
	if ((rc = mr_file(r, iid, "commits", one_commit, &cl, &ferr)) ||
	    (rc = mr_file(r, iid, "notes", one_note, r, &ferr)) ||
	    (rc = mr_file(r, iid, "approvals", one_approvals, r, &ferr))) {
		commit_list_free(&cl);
		*e = ferr;  /* names its own file: passed on, not re-reported */
		return rc;
	}
	rc = mr_opened(r, mr, created, &cl, e);
	commit_list_free(&cl);
	if (rc)
		return rc;
	return mr_closed_merged(r, mr, e);
}

/* ---- pipelines -------------------------------------------------------- */

/*
 * Pipeline and deployment statuses: GitLab's enums, each with the
 * activity of its outcome; "" = none (still to run or running).  As
 * Apache DevLake classifies pipelines (and as the GitHub adapter does
 * runs): a canceled pipeline failed; a skipped one ended without a
 * verdict (`ci_skipped`, left out of pass rates).  A canceled deployment
 * records no outcome (it never reached the environment).
 */
static const plat_map pipeline_outcome[] = {
	{ "success", "ci_passed" }, { "failed", "ci_failed" },
	{ "canceled", "ci_failed" }, { "canceling", "" },
	{ "skipped", "ci_skipped" },
	{ "created", "" }, { "waiting_for_resource", "" }, { "preparing", "" },
	{ "pending", "" }, { "running", "" }, { "manual", "" },
	{ "scheduled", "" }, { NULL, NULL }
};

static const plat_map deployment_outcome[] = {
	{ "success", "deployed" }, { "failed", "deploy_failed" },
	{ "canceled", "" }, { "skipped", "" }, { "created", "" },
	{ "running", "" }, { "blocked", "" }, { NULL, NULL }
};

const char *gl_pipeline_outcome(const char *status)
{
	return plat_lookup(pipeline_outcome, status);
}

const char *gl_deployment_outcome(const char *status)
{
	return plat_lookup(deployment_outcome, status);
}

static int unknown_status(gl_run *r, const plat_where *w, const char *what,
                          const char *status, orgmri_error *err)
{
	orgmri_error e;
	orgmri_error_clear(&e);
	snprintf(e.path, sizeof(e.path), ".status");
	orgmri_seterr(&e, ORGMRI_EPARSE, "unknown %s status \"%.64s\": no "
	              "outcome recorded", what, status);
	return plat_bad_item(r->ctx, w, &e, err);
}

/* refs/merge-requests/IID/head -> the change it tested, else NULL */
static const char *mr_of_ref(gl_run *r, const char *ref)
{
	static const char pre[] = "refs/merge-requests/";
	if (!ref || strncmp(ref, pre, sizeof(pre) - 1) != 0)
		return NULL;
	char *end;
	long long iid = strtoll(ref + sizeof(pre) - 1, &end, 10);
	if (end == ref + sizeof(pre) - 1 || strncmp(end, "/", 1) != 0)
		return NULL;
	return plat_fmt(&r->pe, "change:%s!%lld", r->project, iid);
}

/* Merge the detail file pipelines/ID.json over the list item. */
static json_t *pipeline_details(gl_run *r, long long id)
{
	char rel[64];
	snprintf(rel, sizeof(rel), "pipelines/%lld.json", id);
	char *path = plat_join(r->dir, rel);
	json_t *d = NULL;
	if (path && plat_file_exists(path)) {
		json_error_t je;
		d = json_load_file(path, 0, &je);
		if (d && !json_is_object(d)) {
			json_decref(d);
			d = NULL;
		}
	}
	free(path);
	return d;
}

static int pipeline_events(gl_run *r, json_t *p, const plat_where *w,
                           long long id, orgmri_error *e)
{
	const char *status, *ref, *sha, *source, *user;
	int64_t created, started, finished, updated;
	int has_s, has_f, has_u, rc;
	if ((rc = pj_need_time(p, "created_at", &created, e)) ||
	    (rc = pj_need_str(p, "status", &status, e)) ||
	    (rc = pj_str(p, "ref", &ref, e)) ||
	    (rc = pj_str(p, "sha", &sha, e)) ||
	    (rc = pj_str(p, "source", &source, e)) ||
	    (rc = pj_str(p, "user.username", &user, e)) ||
	    (rc = pj_time(p, "started_at", &started, &has_s, e)) ||
	    (rc = pj_time(p, "finished_at", &finished, &has_f, e)) ||
	    (rc = pj_time(p, "updated_at", &updated, &has_u, e)))
		return rc;
	const char *outcome = plat_lookup(pipeline_outcome, status);
	int64_t t0 = has_s ? started : created;
	gl_pipeline pl = {
		.project = r->project, .id = id, .status = status, .ref = ref,
		.sha = sha, .source = source, .user = user,
		.change = mr_of_ref(r, ref), .outcome = outcome,
		.started = t0, .ended = has_f ? finished : has_u ? updated : t0,
	};
	if ((rc = gl_pipeline_events(r->ctx, &r->pe, &pl, e)))
		return rc;
	if (!outcome)
		return unknown_status(r, w, "pipeline", status, e);
	return 0;
}

int gl_pipeline_events(orgmri_adapter_ctx *ctx, plat_event *pe,
                       const gl_pipeline *p, orgmri_error *e)
{
	const char *build = plat_fmt(pe, "build:%s/pipelines/%lld", p->project,
	                             p->id);
	const char *commit = p->sha ? plat_fmt(pe, "commit:%s@%s", p->project,
	                                       p->sha) : NULL;
	const char *disc = plat_fmt(pe, "%lld", p->id);
	const char *objs[2] = { build, p->change };
	int rc;
	for (int k = 0; k < 2; k++) {
		if (!objs[k])
			continue;
		plat_begin(pe, objs[k], "ci_started", p->started, p->user,
		           k ? disc : NULL);
		plat_attr(pe, "state", p->status);
		plat_attr(pe, "ref", p->ref);
		plat_attr(pe, "source", p->source);
		plat_attr(pe, "repo", p->project);
		plat_rel(pe, commit);
		plat_rel(pe, k ? build : p->change);
		if ((rc = plat_emit(ctx, pe, e)))
			return rc;
		if (!p->outcome || !p->outcome[0])
			continue;
		plat_begin(pe, objs[k], p->outcome, p->ended, p->user,
		           k ? disc : NULL);
		plat_attr(pe, "state", p->status);
		plat_rel(pe, commit);
		plat_rel(pe, k ? build : p->change);
		if ((rc = plat_emit(ctx, pe, e)))
			return rc;
	}
	return 0;
}

static int one_pipeline(json_t *p, const plat_where *w, void *arg,
                        orgmri_error *e)
{
	gl_run *r = arg;
	long long id;
	plat_event_reset(&r->pe);
	if (!json_is_object(p))
		return orgmri_seterr(e, ORGMRI_EPARSE, "expected a pipeline object");
	int rc = pj_need_int(p, "id", &id, e);
	if (rc || (rc = learn_project(r, p)))
		return rc;
	if (r->npipelines == r->cpipelines) {
		size_t cap = r->cpipelines ? r->cpipelines * 2 : 64;
		long long *ids = orgmri_reallocarray(r->pipeline_ids, cap,
		                                     sizeof(*ids));
		if (!ids)
			return ORGMRI_ENOMEM;
		r->pipeline_ids = ids;
		r->cpipelines = cap;
	}
	r->pipeline_ids[r->npipelines++] = id;
	if (!r->project)
		r->project = strdup(project(r, p));
	if (!r->project)
		return ORGMRI_ENOMEM;
	json_t *d = pipeline_details(r, id);
	if (d) {
		/* details win: started_at, finished_at, user */
		json_t *merged = json_deep_copy(p);
		if (!merged || json_object_update(merged, d)) {
			json_decref(merged);
			json_decref(d);
			return ORGMRI_ENOMEM;
		}
		json_decref(d);
		rc = pipeline_events(r, merged, w, id, e);
		json_decref(merged);
		return rc;
	}
	return pipeline_events(r, p, w, id, e);
}

static int cmp_id(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;
	return (x > y) - (x < y);
}

/*
 * pipelines/ID.json files whose pipeline pipelines.json does not list (a
 * list cut short, or details fetched on their own): read them as items
 * of their own, in id order so runs are deterministic.
 */
static int unlisted_pipelines(gl_run *r, orgmri_error *err)
{
	char *dir = plat_join(r->dir, "pipelines");
	if (!dir)
		return orgmri_seterr(err, ORGMRI_ENOMEM, "out of memory");
	DIR *d = opendir(dir);
	long long *extra = NULL;
	size_t n = 0, cap = 0;
	int rc = 0;
	/* (qsort and bsearch must not see a NULL array, even empty) */
	if (r->npipelines)
		qsort(r->pipeline_ids, r->npipelines, sizeof(long long), cmp_id);
	for (struct dirent *de; d && (de = readdir(d));) {
		char *end;
		long long id = strtoll(de->d_name, &end, 10);
		if (end == de->d_name || strcmp(end, ".json") != 0 ||
		    (r->npipelines && bsearch(&id, r->pipeline_ids, r->npipelines,
		                              sizeof(id), cmp_id)))
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			long long *x = orgmri_reallocarray(extra, cap, sizeof(*x));
			if (!x) {
				rc = orgmri_seterr(err, ORGMRI_ENOMEM, "out of memory");
				goto done;
			}
			extra = x;
		}
		extra[n++] = id;
	}
	if (n)
		qsort(extra, n, sizeof(*extra), cmp_id);
	for (size_t i = 0; i < n && !rc; i++) {
		char name[48];
		snprintf(name, sizeof(name), "%lld.json", extra[i]);
		char *path = plat_join(dir, name);
		if (!path) {
			rc = orgmri_seterr(err, ORGMRI_ENOMEM, "out of memory");
			break;
		}
		rc = plat_json_each(r->ctx, path, NULL, one_pipeline, r, NULL, err);
		free(path);
	}
done:
	if (d)
		closedir(d);
	free(extra);
	free(dir);
	return rc;
}

/* ---- deployments ------------------------------------------------------ */

static int one_deployment(json_t *d, const plat_where *w, void *arg,
                          orgmri_error *e)
{
	gl_run *r = arg;
	long long id, pid;
	const char *status, *env, *ref, *sha, *user;
	int64_t created, started, finished, updated;
	int has_s, has_f, has_u, has_p, rc;
	plat_event_reset(&r->pe);
	if (!json_is_object(d))
		return orgmri_seterr(e, ORGMRI_EPARSE, "expected a deployment "
		                     "object");
	if ((rc = pj_need_int(d, "id", &id, e)) ||
	    (rc = pj_need_time(d, "created_at", &created, e)) ||
	    (rc = pj_need_str(d, "status", &status, e)) ||
	    (rc = pj_str(d, "environment.name", &env, e)) ||
	    (rc = pj_str(d, "ref", &ref, e)) ||
	    (rc = pj_str(d, "sha", &sha, e)) ||
	    (rc = pj_str(d, "user.username", &user, e)) ||
	    (rc = pj_time(d, "deployable.started_at", &started, &has_s, e)) ||
	    (rc = pj_time(d, "deployable.finished_at", &finished, &has_f, e)) ||
	    (rc = pj_time(d, "updated_at", &updated, &has_u, e)) ||
	    (rc = pj_int(d, "deployable.pipeline.id", &pid, &has_p, e)))
		return rc;
	if (!r->project && !(r->project = strdup(project(r, d))))
		return ORGMRI_ENOMEM;
	const char *key = plat_fmt(&r->pe, "deployment:%s/deployments/%lld",
	                           r->project, id);
	const char *commit = sha ? plat_fmt(&r->pe, "commit:%s@%s", r->project,
	                                    sha) : NULL;
	const char *build = has_p ? plat_fmt(&r->pe, "build:%s/pipelines/%lld",
	                                     r->project, pid) : NULL;
	const char *outcome = plat_lookup(deployment_outcome, status);
	plat_begin(&r->pe, key, "deploy_started", has_s ? started : created,
	           user, NULL);
	plat_attr(&r->pe, "environment", env);
	plat_attr(&r->pe, "state", status);
	plat_attr(&r->pe, "ref", ref);
	plat_attr(&r->pe, "repo", r->project);
	plat_rel(&r->pe, commit);
	plat_rel(&r->pe, build);
	if ((rc = emit(r, e)))
		return rc;
	if (outcome && outcome[0]) {
		plat_begin(&r->pe, key, outcome, has_f ? finished :
		           has_u ? updated : created, user, NULL);
		plat_attr(&r->pe, "environment", env);
		plat_rel(&r->pe, commit);
		if ((rc = emit(r, e)))
			return rc;
	}
	if (!outcome)
		return unknown_status(r, w, "deployment", status, e);
	return 0;
}

/* ---- issues and incidents -------------------------------------------- */

typedef struct label_match {
	const char *labels;
	int hit;
} label_match;

static int match_label(const char *value, void *arg)
{
	label_match *m = arg;
	m->hit |= has_label(m->labels, value);
	return 0;
}

/* An issue is an incident when GitLab says so (issue_type "incident",
 * type "INCIDENT") or it carries one of the configured labels
 * (gitlab.incidentLabel, repeatable; default "incident"). */
int gl_is_incident(const orgmri_config *cfg, json_t *is, const char *labels)
{
	const char *t1 = NULL, *t2 = NULL;
	orgmri_error ignore;
	pj_str(is, "issue_type", &t1, &ignore);
	pj_str(is, "type", &t2, &ignore);
	if ((t1 && strcasecmp(t1, "incident") == 0) ||
	    (t2 && strcasecmp(t2, "incident") == 0))
		return 1;
	label_match m = { labels, 0 };
	orgmri_config_each(cfg, "gitlab.incidentlabel", match_label, &m);
	int configured = orgmri_config_string(cfg, "gitlab.incidentlabel",
	                                      NULL) != NULL;
	return m.hit || (!configured && has_label(labels, "incident"));
}

const char *gl_issue_key(plat_event *pe, const char *project, long long iid,
                         int incident)
{
	return plat_fmt(pe, "%s:%s#%lld", incident ? "incident" : "issue",
	                project, iid);
}

int gl_issue_opened(orgmri_adapter_ctx *ctx, plat_event *pe,
                    const gl_issue *is, orgmri_error *e)
{
	plat_begin(pe, is->key, is->incident ? "incident_opened" : "created",
	           is->created, is->author, NULL);
	plat_attr(pe, "title", is->title);
	plat_attr(pe, "state", is->state);
	plat_attr(pe, "labels", is->labels);
	plat_attr(pe, "type", is->type);
	if (is->incident && is->severity &&
	    strcasecmp(is->severity, "UNKNOWN") != 0)
		plat_attr(pe, "severity", is->severity);
	plat_attr(pe, "repo", is->project);
	return plat_emit(ctx, pe, e);
}

static int one_issue(json_t *is, const plat_where *w, void *arg,
                     orgmri_error *e)
{
	(void)w;
	gl_run *r = arg;
	long long iid;
	const char *title, *state, *author, *closer, *type, *sev, *labels;
	int64_t created, closed;
	int has_c, rc;
	plat_event_reset(&r->pe);
	if (!json_is_object(is))
		return orgmri_seterr(e, ORGMRI_EPARSE, "expected an issue object");
	if ((rc = pj_need_int(is, "iid", &iid, e)) ||
	    (rc = pj_need_time(is, "created_at", &created, e)) ||
	    (rc = pj_time(is, "closed_at", &closed, &has_c, e)) ||
	    (rc = pj_str(is, "title", &title, e)) ||
	    (rc = pj_str(is, "state", &state, e)) ||
	    (rc = pj_str(is, "author.username", &author, e)) ||
	    (rc = pj_str(is, "closed_by.username", &closer, e)) ||
	    (rc = pj_str(is, "issue_type", &type, e)) ||
	    (rc = pj_str(is, "severity", &sev, e)) ||
	    (rc = labels_text(r, is, &labels, e)))
		return rc;
	if ((rc = learn_project(r, is)))
		return rc;
	int inc = gl_is_incident(r->ctx->config, is, labels);
	const char *key = gl_issue_key(&r->pe, project(r, is), iid, inc);
	gl_issue gi = {
		.key = key, .project = project(r, is), .incident = inc,
		.created = created, .author = author, .title = title,
		.state = state, .labels = labels, .type = type, .severity = sev,
	};
	if ((rc = gl_issue_opened(r->ctx, &r->pe, &gi, e)))
		return rc;
	/* Only closed issues are resolved: a reopened issue keeps a stale
	 * closed_at in some GitLab versions. */
	if (has_c && state && strcmp(state, "closed") == 0) {
		plat_begin(&r->pe, key, inc ? "incident_resolved" : "resolved",
		           closed, closer, NULL);
		if ((rc = emit(r, e)))
			return rc;
	}
	return 0;
}

/* ---- the adapter ------------------------------------------------------ */

static int detect(const char *path)
{
	if (!orgmri_path_is_dir(path))
		return 0;
	static const char *marks[] = { "merge_requests.json", "pipelines.json" };
	for (size_t i = 0; i < 2; i++) {
		char *p = plat_join(path, marks[i]);
		int hit = p && plat_file_exists(p);
		free(p);
		if (hit)
			return 20;
	}
	return 0;
}

typedef struct gl_file {
	const char *name;
	plat_item_fn fn;
} gl_file;

/* In this order: merge requests name the project for the rest. */
static const gl_file files[] = {
	{ "merge_requests.json", one_mr },
	{ "issues.json", one_issue },
	{ "pipelines.json", one_pipeline },
	{ "deployments.json", one_deployment },
};

static int read_project_file(gl_run *r)
{
	const char *cfg = orgmri_config_string(r->ctx->config, "gitlab.project",
	                                       NULL);
	if (cfg)
		return (r->project = strdup(cfg)) ? 0 : ORGMRI_ENOMEM;
	char *path = plat_join(r->dir, "project.json");
	if (!path)
		return ORGMRI_ENOMEM;
	json_error_t je;
	json_t *p = plat_file_exists(path) ? json_load_file(path, 0, &je) : NULL;
	int rc = p && json_is_object(p) ? learn_project(r, p) : 0;
	json_decref(p);
	free(path);
	return rc;
}

static int read_export(orgmri_adapter_ctx *ctx, orgmri_error *err)
{
	gl_run r;
	memset(&r, 0, sizeof(r));
	r.ctx = ctx;
	plat_event_init(&r.pe);
	int rc = 0, any = 0;
	if (!(r.dir = strdup(ctx->path)) || read_project_file(&r)) {
		rc = orgmri_seterr(err, ORGMRI_ENOMEM, "out of memory");
		goto done;
	}
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		char *path = plat_join(r.dir, files[i].name);
		int found = 0;
		if (!path) {
			rc = orgmri_seterr(err, ORGMRI_ENOMEM, "out of memory");
			goto done;
		}
		rc = plat_json_each(ctx, path, NULL, files[i].fn, &r, &found, err);
		free(path);
		any |= found;
		orgmri_adapter_progress(ctx, "files", (long long)i + 1, 4);
		if (!rc && files[i].fn == one_pipeline)
			rc = unlisted_pipelines(&r, err);
		if (rc) {
			if (rc == ORGMRI_ENOMEM && err && !err->message[0])
				orgmri_seterr(err, rc, "out of memory");
			goto done;
		}
	}
	if (!any)
		rc = orgmri_seterr(err, ORGMRI_ENOTFOUND, "%s: no GitLab export "
		                   "files (merge_requests.json, pipelines.json, "
		                   "deployments.json, issues.json)", ctx->path);
done:
	approvers_clear(&r);
	free(r.approvers);
	free(r.pipeline_ids);
	free(r.project);
	free(r.dir);
	plat_event_free(&r.pe);
	return rc;
}

static int run(orgmri_adapter_ctx *ctx, orgmri_error *err)
{
	/* deployments get the commits they shipped */
	return plat_deploys_run(ctx, read_export, err);
}

const orgmri_adapter orgmri_adapter_gitlab = {
	"gitlab", "GitLab export folder: merge requests, notes, approvals, "
	"pipelines, deployments, issues (docs/platforms.md)",
	detect, run,
};
