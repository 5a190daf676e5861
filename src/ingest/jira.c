/*
 * jira.c - the "jira" adapter: issues exported with their changelog, as
 * GET /rest/api/2/search?expand=changelog (or the Agile board/sprint
 * issue endpoints, same shape) return them: pages of
 * {"issues": [{"key", "fields", "changelog": {"histories": [...]}}]},
 * one page or several back to back, or a plain array of issues.
 *
 * A source is such a file, or a folder holding search.json.  A
 * statuses.json beside it (GET /rest/api/2/status) tells the status
 * category of statuses the issues are no longer in.
 *
 * Each issue becomes issue:KEY with `created`, one `status_changed` per
 * status item of the changelog (attrs from, to and category: the stage
 * category of the new status) and `resolved` at the resolution date.
 * Categories (docs/platforms.md): `status.<NAME>.category` in the
 * configuration wins; else Jira's status category: "new" -> ready,
 * "indeterminate" -> in_progress, "done" -> done.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ingest/platform.h"

/* Jira's three status categories (statusCategory.key) and the stage
 * category each means by default. */
static const plat_map category_of_jira[] = {
	{ "new", "ready" },
	{ "indeterminate", "in_progress" },
	{ "done", "done" },
	{ NULL, NULL }
};

/* Stage categories a configuration may name. */
static const plat_map stage_categories[] = {
	{ "spec", "spec" }, { "ready", "ready" },
	{ "in_progress", "in_progress" }, { "review", "review" },
	{ "qa", "qa" }, { "done", "done" }, { NULL, NULL }
};

/* A status known by id and name, with its Jira category key. */
typedef struct jstatus {
	char *id, *name, *category;
} jstatus;

typedef struct jira_run {
	orgmri_adapter_ctx *ctx;
	plat_event pe;
	jstatus *st;
	size_t nst, cst;
	long long bad_categories;
} jira_run;

static int add_status(jira_run *r, const char *id, const char *name,
                      const char *cat)
{
	if (!cat || (!id && !name))
		return 0;
	for (size_t i = 0; i < r->nst; i++)
		if (id && r->st[i].id && strcmp(r->st[i].id, id) == 0)
			return 0;
	if (r->nst == r->cst) {
		size_t cap = r->cst ? r->cst * 2 : 32;
		jstatus *s = orgmri_reallocarray(r->st, cap, sizeof(*s));
		if (!s)
			return ORGMRI_ENOMEM;
		r->st = s;
		r->cst = cap;
	}
	jstatus *s = &r->st[r->nst];
	s->id = id ? strdup(id) : NULL;
	s->name = name ? strdup(name) : NULL;
	s->category = strdup(cat);
	if ((id && !s->id) || (name && !s->name) || !s->category) {
		free(s->id);
		free(s->name);
		free(s->category);
		return ORGMRI_ENOMEM;
	}
	r->nst++;
	return 0;
}

/* A status object {"id","name","statusCategory":{"key"}} */
static int learn_status(jira_run *r, json_t *s)
{
	const char *id = NULL, *name = NULL, *cat = NULL;
	orgmri_error ignore;
	if (!json_is_object(s))
		return 0;
	pj_str(s, "id", &id, &ignore);
	pj_str(s, "name", &name, &ignore);
	pj_str(s, "statusCategory.key", &cat, &ignore);
	return add_status(r, id, name, cat);
}

static int one_status(json_t *s, const plat_where *w, void *arg,
                      orgmri_error *e)
{
	(void)w;
	(void)e;
	return learn_status(arg, s);
}

/*
 * The stage category of a status: configuration by name, else Jira's
 * category of the status with this id, else with this name.  NULL when
 * unknown.
 */
static const char *stage_category(jira_run *r, const char *id,
                                  const char *name)
{
	if (name) {
		char key[300];
		snprintf(key, sizeof(key), "status.%s.category", name);
		const char *c = orgmri_config_string(r->ctx->config, key, NULL);
		if (c) {
			const char *ok = plat_lookup(stage_categories, c);
			if (ok)
				return ok;
			r->bad_categories++;
		}
	}
	const char *jc = NULL;
	for (size_t i = 0; i < r->nst && !jc; i++)
		if (id && r->st[i].id && strcmp(r->st[i].id, id) == 0)
			jc = r->st[i].category;
	for (size_t i = 0; i < r->nst && !jc; i++)
		if (name && r->st[i].name && strcmp(r->st[i].name, name) == 0)
			jc = r->st[i].category;
	return plat_lookup(category_of_jira, jc);
}

/* Who: displayName (Cloud hides e-mail), else name (Server), else
 * accountId. */
static const char *person(json_t *user)
{
	static const char *fields[] = { "displayName", "name", "accountId" };
	for (size_t i = 0; i < 3; i++) {
		json_t *v = json_object_get(user, fields[i]);
		if (json_is_string(v) && json_string_length(v))
			return json_string_value(v);
	}
	return NULL;
}

static int emit(jira_run *r, orgmri_error *e)
{
	return plat_emit(r->ctx, &r->pe, e);
}

/* One changelog history: a status_changed per status item. */
static int history(jira_run *r, const char *obj, json_t *h, size_t hi,
                   orgmri_error *e)
{
	const char *hid;
	int64_t t;
	int rc;
	if ((rc = pj_str(h, "id", &hid, e)) ||
	    (rc = pj_need_time(h, "created", &t, e)))
		goto where;
	json_t *items = json_object_get(h, "items");
	if (items && !json_is_array(items)) {
		snprintf(e->path, sizeof(e->path), ".items");
		rc = orgmri_seterr(e, ORGMRI_EPARSE, "must be an array");
		goto where;
	}
	size_t i;
	json_t *it;
	json_array_foreach(items, i, it) {
		const char *field, *from, *to, *fs, *ts;
		if ((rc = pj_str(it, "field", &field, e)))
			goto item;
		if (!field || strcmp(field, "status") != 0)
			continue;
		if ((rc = pj_str(it, "from", &from, e)) ||
		    (rc = pj_str(it, "to", &to, e)) ||
		    (rc = pj_str(it, "fromString", &fs, e)) ||
		    (rc = pj_need_str(it, "toString", &ts, e)))
			goto item;
		json_t *author = json_object_get(h, "author");
		plat_begin(&r->pe, obj, "status_changed", t,
		           json_is_object(author) ? person(author) : NULL,
		           plat_fmt(&r->pe, "%s:%zu", hid ? hid : "", i));
		plat_attr(&r->pe, "from", fs);
		plat_attr(&r->pe, "to", ts);
		plat_attr(&r->pe, "from_category", stage_category(r, from, fs));
		plat_attr(&r->pe, "category", stage_category(r, to, ts));
		if ((rc = emit(r, e)))
			return rc;
	}
	return 0;
item: {
		char sub[ORGMRI_ERROR_PATH_MAX];
		snprintf(sub, sizeof(sub), ".items[%zu]%s", i, e->path);
		snprintf(e->path, sizeof(e->path), "%s", sub);
	}
where: {
		char sub[ORGMRI_ERROR_PATH_MAX];
		snprintf(sub, sizeof(sub), ".changelog.histories[%zu]%s", hi,
		         e->path);
		snprintf(e->path, sizeof(e->path), "%s", sub);
	}
	return rc;
}

/* Status before the first change (the first status item's fromString),
 * else the current status: what the issue was created in. */
static void initial_status(json_t *hist, json_t *fields, const char **id,
                           const char **name)
{
	orgmri_error ignore;
	*id = *name = NULL;
	pj_str(fields, "status.id", id, &ignore);
	pj_str(fields, "status.name", name, &ignore);
	int64_t best = INT64_MAX;
	size_t i, k;
	json_t *h, *it;
	json_array_foreach(hist, i, h) {
		int64_t t;
		int has;
		if (pj_time(h, "created", &t, &has, &ignore) || !has || t >= best)
			continue;
		json_array_foreach(json_object_get(h, "items"), k, it) {
			const char *f = NULL, *from = NULL, *fs = NULL;
			pj_str(it, "field", &f, &ignore);
			if (!f || strcmp(f, "status") != 0)
				continue;
			pj_str(it, "from", &from, &ignore);
			pj_str(it, "fromString", &fs, &ignore);
			*id = from;
			*name = fs;
			best = t;
			break;
		}
	}
}

static int truncated_changelog(jira_run *r, const plat_where *w,
                               const char *key, long long have,
                               long long total, orgmri_error *err)
{
	orgmri_error e;
	orgmri_error_clear(&e);
	snprintf(e.path, sizeof(e.path), ".changelog.total");
	orgmri_seterr(&e, ORGMRI_EPARSE, "%s: changelog holds %lld of %lld "
	              "histories (export it with /issue/%s/changelog); the "
	              "rest are missing", key, have, total, key);
	return plat_bad_item(r->ctx, w, &e, err);
}

static int one_issue(json_t *is, const plat_where *w, void *arg,
                     orgmri_error *e)
{
	jira_run *r = arg;
	const char *key, *type, *summary, *prio, *proj, *resol;
	int64_t created, resolved;
	int has_r, rc;
	plat_event_reset(&r->pe);
	if (!json_is_object(is))
		return orgmri_seterr(e, ORGMRI_EPARSE, "expected an issue object");
	if ((rc = pj_need_str(is, "key", &key, e)))
		return rc;
	json_t *fields = json_object_get(is, "fields");
	if (!json_is_object(fields)) {
		snprintf(e->path, sizeof(e->path), ".fields");
		return orgmri_seterr(e, ORGMRI_EPARSE, fields ? "must be an object"
		                                              : "missing");
	}
	if ((rc = pj_need_time(is, "fields.created", &created, e)) ||
	    (rc = pj_time(is, "fields.resolutiondate", &resolved, &has_r, e)) ||
	    (rc = pj_str(is, "fields.issuetype.name", &type, e)) ||
	    (rc = pj_str(is, "fields.summary", &summary, e)) ||
	    (rc = pj_str(is, "fields.priority.name", &prio, e)) ||
	    (rc = pj_str(is, "fields.project.key", &proj, e)) ||
	    (rc = pj_str(is, "fields.resolution.name", &resol, e)))
		return rc;
	json_t *hist = pj_get(is, "changelog.histories");
	if (hist && !json_is_array(hist)) {
		snprintf(e->path, sizeof(e->path), ".changelog.histories");
		return orgmri_seterr(e, ORGMRI_EPARSE, "must be an array");
	}
	if ((rc = learn_status(r, pj_get(fields, "status"))))
		return rc;
	const char *obj = plat_fmt(&r->pe, "issue:%s", key);
	const char *sid, *sname;
	initial_status(hist, fields, &sid, &sname);
	json_t *creator = pj_get(fields, "creator");
	if (!creator)
		creator = pj_get(fields, "reporter");
	plat_begin(&r->pe, obj, "created", created,
	           json_is_object(creator) ? person(creator) : NULL, NULL);
	plat_attr(&r->pe, "type", type);
	plat_attr(&r->pe, "title", summary);
	plat_attr(&r->pe, "priority", prio);
	plat_attr(&r->pe, "project", proj);
	plat_attr(&r->pe, "status", sname);
	plat_attr(&r->pe, "category", stage_category(r, sid, sname));
	if ((rc = emit(r, e)))
		return rc;
	size_t i;
	json_t *h;
	json_array_foreach(hist, i, h)
		if ((rc = history(r, obj, h, i, e)))
			return rc;
	if (has_r) {
		plat_begin(&r->pe, obj, "resolved", resolved, NULL, NULL);
		plat_attr(&r->pe, "resolution", resol);
		if ((rc = emit(r, e)))
			return rc;
	}
	long long total;
	int has_t;
	if ((rc = pj_int(is, "changelog.total", &total, &has_t, e)))
		return rc;
	if (has_t && total > (long long)json_array_size(hist))
		return truncated_changelog(r, w, key, (long long)json_array_size(hist),
		                           total, e);
	return 0;
}

/* Statuses of every issue first, so that changelog items naming a
 * status no issue is in now still get a category. */
static int learn_issue_status(json_t *is, const plat_where *w, void *arg,
                              orgmri_error *e)
{
	(void)w;
	(void)e;
	return json_is_object(is) ? learn_status(arg, pj_get(is,
	                                         "fields.status")) : 0;
}

/* ---- the adapter ------------------------------------------------------ */

static char *issues_file(const char *path)
{
	return orgmri_path_is_dir(path) ? plat_join(path, "search.json")
	                                : strdup(path);
}

static int detect(const char *path)
{
	char *f = issues_file(path);
	int hit = f && plat_file_exists(f) &&
	          plat_sniff_json(f, "\"fields\"") &&
	          (plat_sniff_json(f, "\"changelog\"") ||
	           plat_sniff_json(f, "\"issues\""));
	free(f);
	return hit ? 15 : 0;
}

static char *statuses_file(const char *path)
{
	if (orgmri_path_is_dir(path))
		return plat_join(path, "statuses.json");
	const char *slash = strrchr(path, '/');
	if (!slash)
		return strdup("statuses.json");
	char *dir = strndup(path, (size_t)(slash - path));
	char *p = dir ? plat_join(dir, "statuses.json") : NULL;
	free(dir);
	return p;
}

static int run(orgmri_adapter_ctx *ctx, orgmri_error *err)
{
	jira_run r;
	memset(&r, 0, sizeof(r));
	r.ctx = ctx;
	plat_event_init(&r.pe);
	int rc = 0, found = 0;
	char *issues = issues_file(ctx->path), *statuses = statuses_file(ctx->path);
	if (!issues || !statuses) {
		rc = orgmri_seterr(err, ORGMRI_ENOMEM, "out of memory");
		goto done;
	}
	if ((rc = plat_json_each(ctx, statuses, NULL, one_status, &r, NULL, err)))
		goto done;
	/* a quiet first pass: bad items are reported by the second */
	orgmri_adapter_ctx quiet = *ctx;
	quiet.read.warn = NULL;
	quiet.read.skipped = NULL;
	quiet.read.strict = 0;
	orgmri_error ignore;
	if ((rc = plat_json_each(&quiet, issues, "issues", learn_issue_status, &r,
	                         &found, &ignore)) == ORGMRI_ENOMEM) {
		rc = orgmri_seterr(err, rc, "out of memory");
		goto done;
	}
	rc = 0;
	if (!found) {
		rc = orgmri_seterr(err, ORGMRI_ENOTFOUND, "%s: no Jira issues file",
		                   issues);
		goto done;
	}
	rc = plat_json_each(ctx, issues, "issues", one_issue, &r, NULL, err);
	if (!rc && r.bad_categories && ctx->opts && ctx->opts->warn) {
		orgmri_error w;
		orgmri_error_clear(&w);
		orgmri_seterr(&w, ORGMRI_EINVAL, "%lld status mappings named a "
		              "category other than spec, ready, in_progress, "
		              "review, qa, done; Jira's category was used",
		              r.bad_categories);
		ctx->opts->warn(&w, ctx->opts->warn_ctx);
	}
done:
	for (size_t i = 0; i < r.nst; i++) {
		free(r.st[i].id);
		free(r.st[i].name);
		free(r.st[i].category);
	}
	free(r.st);
	free(issues);
	free(statuses);
	plat_event_free(&r.pe);
	return rc;
}

const orgmri_adapter orgmri_adapter_jira = {
	"jira", "Jira issues with changelog (/search?expand=changelog JSON; "
	"docs/platforms.md)",
	detect, run,
};
