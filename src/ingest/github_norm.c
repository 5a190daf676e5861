/*
 * github_norm.c - GitHub's JSON objects (REST items and the objects inside
 * webhook deliveries) turned into canonical events.  One function per
 * object kind; the export-folder and webhook adapters both call them, so
 * the same pull request read either way gives the same events (same
 * object, activity, time, actor and discriminator), which the store's
 * uniqueness then merges.  docs/github.md lists every rule exactly.
 */
#include <ctype.h>
#include <stdarg.h>
#include <string.h>
#include <strings.h>

#include "ingest/github.h"
#include "orgmri/time.h"

/* ---- JSON field access with paths in errors -------------------------- */

static int field_err(gh_norm *n, const char *field, orgmri_error *err,
                     const char *fmt, ...) ORGMRI_PRINTF(4, 5);

static int field_err(gh_norm *n, const char *field, orgmri_error *err,
                     const char *fmt, ...)
{
	if (!err)
		return ORGMRI_EPARSE;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err->message, sizeof(err->message), fmt, ap);
	va_end(ap);
	err->code = ORGMRI_EPARSE;
	snprintf(err->path, sizeof(err->path), "%s%s%s", n->prefix,
	         field && *field ? "." : "", field ? field : "");
	return ORGMRI_EPARSE;
}

/* o.a.b.c, or NULL when any step is absent or not an object. */
static json_t *get(json_t *o, const char *dotted)
{
	char part[64];
	while (o && *dotted) {
		const char *dot = strchr(dotted, '.');
		size_t len = dot ? (size_t)(dot - dotted) : strlen(dotted);
		if (len >= sizeof(part) || !json_is_object(o))
			return NULL;
		memcpy(part, dotted, len);
		part[len] = '\0';
		o = json_object_get(o, part);
		dotted += len + (dot ? 1 : 0);
	}
	return o;
}

/* A string field: *out NULL when absent or null (an error if required). */
static int get_str(gh_norm *n, json_t *o, const char *f, int required,
                   const char **out, orgmri_error *err)
{
	json_t *v = get(o, f);
	*out = NULL;
	if (!v || json_is_null(v))
		return required ? field_err(n, f, err, "missing") : 0;
	if (!json_is_string(v))
		return field_err(n, f, err, "expected a string");
	*out = json_string_value(v);
	return 0;
}

static int get_int(gh_norm *n, json_t *o, const char *f, int required,
                   long long *out, int *present, orgmri_error *err)
{
	json_t *v = get(o, f);
	*present = 0;
	if (!v || json_is_null(v))
		return required ? field_err(n, f, err, "missing") : 0;
	if (!json_is_integer(v))
		return field_err(n, f, err, "expected an integer");
	*out = json_integer_value(v);
	*present = 1;
	return 0;
}

/* ISO-8601 text (offset or Z; none = UTC) or integer epoch seconds (as in
 * push deliveries). */
static int get_time(gh_norm *n, json_t *o, const char *f, int required,
                    int64_t *out, int *present, orgmri_error *err)
{
	json_t *v = get(o, f);
	*present = 0;
	if (!v || json_is_null(v) ||
	    (json_is_string(v) && json_string_length(v) == 0))
		return required ? field_err(n, f, err, "missing") : 0;
	if (json_is_integer(v)) {
		*out = (int64_t)json_integer_value(v) * 1000;
		*present = 1;
		return 0;
	}
	if (!json_is_string(v))
		return field_err(n, f, err, "expected an ISO-8601 time");
	orgmri_error te;
	orgmri_error_clear(&te);
	if (orgmri_time_parse(json_string_value(v), json_string_length(v), 0,
	                      out, NULL, &te))
		return field_err(n, f, err, "%s", te.message);
	*present = 1;
	return 0;
}

static int get_bool(json_t *o, const char *f)
{
	return json_is_true(get(o, f));
}

/* Login and bot flag of a user object (may be NULL or null). */
static const char *user_login(json_t *user, int *bot)
{
	json_t *l = get(user, "login");
	json_t *t = get(user, "type");
	*bot = json_is_string(t) && strcmp(json_string_value(t), "Bot") == 0;
	return json_is_string(l) ? json_string_value(l) : "";
}

/* ---- building events -------------------------------------------------- */

typedef struct gh_ev {
	orgmri_event ev;
	char object[GH_KEY_MAX];
	char disc[GH_KEY_MAX];
	const char *related[GH_MAX_RELATED];
	char rel[GH_MAX_RELATED][GH_KEY_MAX];
	orgmri_attr attrs[GH_MAX_ATTRS];
	char num[GH_MAX_ATTRS][24];
	char labels[GH_MAX_LABELS_TEXT];
} gh_ev;

static void ev_init(gh_ev *e, const char *activity, int64_t time,
                    const char *actor, int bot)
{
	e->ev.time = time;
	e->ev.object = e->object;
	e->ev.activity = activity;
	e->ev.actor = actor ? actor : "";
	e->ev.discriminator = NULL;
	e->ev.related = e->related;
	e->ev.nrelated = 0;
	e->ev.attrs = e->attrs;
	e->ev.nattrs = 0;
	if (bot) {
		e->attrs[0].name = "bot";
		e->attrs[0].value = "true";
		e->attrs[0].type = ORGMRI_ATTR_BOOL;
		e->ev.nattrs = 1;
	}
}

static void ev_rel(gh_ev *e, const char *fmt, ...) ORGMRI_PRINTF(2, 3);
static void ev_rel(gh_ev *e, const char *fmt, ...)
{
	if (e->ev.nrelated == GH_MAX_RELATED)
		return;
	char *dst = e->rel[e->ev.nrelated];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(dst, GH_KEY_MAX, fmt, ap);
	va_end(ap);
	for (size_t i = 0; i < e->ev.nrelated; i++)
		if (strcmp(e->related[i], dst) == 0)
			return; /* already there */
	e->related[e->ev.nrelated++] = dst;
}

static void ev_attr(gh_ev *e, const char *name, const char *value,
                    orgmri_attr_type type)
{
	if (!value || e->ev.nattrs == GH_MAX_ATTRS)
		return;
	orgmri_attr *a = &e->attrs[e->ev.nattrs++];
	a->name = name;
	a->value = value;
	a->type = type;
}

static void ev_str(gh_ev *e, const char *name, const char *value)
{
	ev_attr(e, name, value, ORGMRI_ATTR_STRING);
}

static void ev_int(gh_ev *e, const char *name, long long v)
{
	if (e->ev.nattrs == GH_MAX_ATTRS)
		return;
	snprintf(e->num[e->ev.nattrs], 24, "%lld", v);
	ev_attr(e, name, e->num[e->ev.nattrs], ORGMRI_ATTR_INT);
}

static void ev_int_field(gh_ev *e, const char *name, json_t *o,
                         const char *f)
{
	json_t *v = get(o, f);
	if (json_is_integer(v))
		ev_int(e, name, json_integer_value(v));
}

static void ev_str_field(gh_ev *e, const char *name, json_t *o,
                         const char *f)
{
	json_t *v = get(o, f);
	if (json_is_string(v) && json_string_length(v) > 0)
		ev_str(e, name, json_string_value(v));
}

static void ev_bool(gh_ev *e, const char *name, int v)
{
	ev_attr(e, name, v ? "true" : "false", ORGMRI_ATTR_BOOL);
}

/* Send; a validation failure is the record's fault (EPARSE), any other
 * failure is the store's (fatal). */
static int emit(gh_norm *n, gh_ev *e, orgmri_error *err)
{
	orgmri_sink *s = n->actx->sink;
	int rc = s->event(s, &e->ev, err);
	if (rc == ORGMRI_EPARSE && err)
		snprintf(err->path, sizeof(err->path), "%s", n->prefix);
	return rc;
}

/* ---- repositories ------------------------------------------------------ */

/* "owner/repo" from an API url ".../repos/OWNER/REPO/...". */
static int repo_from_url(const char *url, char *out)
{
	const char *p = url ? strstr(url, "/repos/") : NULL;
	if (!p)
		return -1;
	p += 7;
	const char *slash = strchr(p, '/');
	if (!slash || slash == p)
		return -1;
	const char *end = strchr(slash + 1, '/');
	size_t len = end ? (size_t)(end - p) : strlen(p);
	if (len == (size_t)(slash - p) + 1 || len >= GH_KEY_MAX)
		return -1;
	memcpy(out, p, len);
	out[len] = '\0';
	return 0;
}

int gh_repo_of(gh_norm *n, json_t *obj, const char *field, char *out,
               orgmri_error *err)
{
	const char *s;
	int rc = get_str(n, obj, field, 1, &s, err);
	if (rc)
		return rc;
	if (!strchr(s, '/') || strlen(s) >= GH_KEY_MAX)
		return field_err(n, field, err, "expected OWNER/REPO, got \"%.80s\"",
		                 s);
	snprintf(out, GH_KEY_MAX, "%s", s);
	return 0;
}

/* The repository of an object: given, else its own fields, else the
 * adapter's default. */
static int resolve_repo(gh_norm *n, json_t *o, const char *repo,
                        const char *full_name_field, char *out,
                        orgmri_error *err)
{
	if (repo && *repo) {
		snprintf(out, GH_KEY_MAX, "%s", repo);
		return 0;
	}
	json_t *fn = full_name_field ? get(o, full_name_field) : NULL;
	if (json_is_string(fn) && strchr(json_string_value(fn), '/')) {
		snprintf(out, GH_KEY_MAX, "%s", json_string_value(fn));
		return 0;
	}
	static const char *const urls[] = { "repository_url", "url",
	                                    "pull_request_url" };
	for (size_t i = 0; i < sizeof(urls) / sizeof(*urls); i++) {
		json_t *u = get(o, urls[i]);
		if (json_is_string(u) && !repo_from_url(json_string_value(u), out))
			return 0;
	}
	if (n->default_repo) {
		snprintf(out, GH_KEY_MAX, "%s", n->default_repo);
		return 0;
	}
	return field_err(n, "url", err, "cannot tell the repository (no "
	                 "full_name or API url)");
}

/* ---- text scanning for links ---------------------------------------- */

/* GitHub's closing keywords (docs: "Linking a pull request to an
 * issue"). */
static const char *const closing_words[] = {
	"closes", "closed", "close", "fixes", "fixed", "fix",
	"resolves", "resolved", "resolve",
};

/* Upper-case words that look like tracker keys but are not. */
static const char *const not_keys[] = {
	"UTF", "SHA", "ISO", "RFC", "CVE", "HTTP", "TLS", "SSL", "GPT", "PEP",
	"MD", "AES", "RSA", "ECMA", "IEEE", "X",
};

static int is_word(char c)
{
	return isalnum((unsigned char)c) || c == '_';
}

/* "Fixes #12", "closes owner/repo#12": issue:REPO#N related objects. */
static void scan_closing(gh_ev *e, const char *text, const char *repo)
{
	for (const char *p = text; p && *p; p++) {
		if (p > text && is_word(p[-1]))
			continue;
		size_t w = 0;
		for (size_t k = 0; k < sizeof(closing_words) /
		     sizeof(*closing_words); k++) {
			size_t l = strlen(closing_words[k]);
			if (strncasecmp(p, closing_words[k], l) == 0 &&
			    !is_word(p[l])) {
				w = l;
				break;
			}
		}
		if (!w)
			continue;
		const char *q = p + w;
		if (*q == ':')
			q++;
		while (*q == ' ' || *q == '\t')
			q++;
		const char *ref = q;
		while (*q && (is_word(*q) || *q == '-' || *q == '.' || *q == '/'))
			q++;
		if (*q != '#' || !isdigit((unsigned char)q[1]))
			continue;
		char target[GH_KEY_MAX];
		size_t rl = (size_t)(q - ref);
		if (rl == 0)
			snprintf(target, sizeof(target), "%s", repo);
		else if (rl < sizeof(target) && memchr(ref, '/', rl))
			snprintf(target, sizeof(target), "%.*s", (int)rl, ref);
		else
			continue;
		long long num = strtoll(q + 1, NULL, 10);
		ev_rel(e, "issue:%s#%lld", target, num);
	}
}

/* Tracker keys such as ABC-123 (2-10 upper-case letters/digits starting
 * with a letter, a dash, a number not starting with 0). */
static void scan_keys(gh_ev *e, const char *text)
{
	for (const char *p = text; p && *p; p++) {
		if (!isupper((unsigned char)*p) || (p > text && isalnum(
		    (unsigned char)p[-1])))
			continue;
		const char *q = p;
		while (isupper((unsigned char)*q) || isdigit((unsigned char)*q))
			q++;
		size_t pl = (size_t)(q - p);
		if (pl < 2 || pl > 10 || *q != '-' || q[1] < '1' || q[1] > '9')
			continue;
		const char *d = q + 1;
		while (isdigit((unsigned char)*d))
			d++;
		if (d - q - 1 > 7 || isalnum((unsigned char)*d))
			continue;
		int deny = 0;
		for (size_t k = 0; k < sizeof(not_keys) / sizeof(*not_keys); k++)
			if (strlen(not_keys[k]) == pl &&
			    strncmp(p, not_keys[k], pl) == 0)
				deny = 1;
		if (!deny)
			ev_rel(e, "issue:%.*s", (int)(d - p), p);
		p = d - 1;
	}
}

/* Label names joined by ',' into e->labels; returns it or NULL. */
static const char *join_labels(gh_ev *e, json_t *labels)
{
	size_t len = 0, i;
	json_t *l;
	e->labels[0] = '\0';
	json_array_foreach(labels, i, l) {
		json_t *name = json_is_string(l) ? l : get(l, "name");
		if (!json_is_string(name))
			continue;
		int k = snprintf(e->labels + len, sizeof(e->labels) - len, "%s%s",
		                 len ? "," : "", json_string_value(name));
		if (k < 0 || (size_t)k >= sizeof(e->labels) - len)
			break;
		len += (size_t)k;
	}
	return len ? e->labels : NULL;
}

/* ---- pull requests ----------------------------------------------------- */

void gh_norm_init(gh_norm *n, orgmri_adapter_ctx *actx)
{
	memset(n, 0, sizeof(*n));
	n->actx = actx;
	snprintf(n->prefix, sizeof(n->prefix), "$");
	n->default_repo = orgmri_config_string(actx->config, "github.repo",
	                                       NULL);
}

static int add_incident_label(const char *v, void *ctx)
{
	gh_norm *n = ctx;
	if (n->nincident_labels < GH_MAX_INCIDENT_LABELS)
		n->incident_labels[n->nincident_labels++] = v;
	return 0;
}

static void load_incident_labels(gh_norm *n)
{
	if (n->nincident_labels)
		return;
	orgmri_config_each(n->actx->config, "github.incidentLabel",
	                   add_incident_label, n);
	if (!n->nincident_labels)
		n->incident_labels[n->nincident_labels++] = "incident";
}

int gh_norm_pull(gh_norm *n, json_t *pr, const char *repo, int final,
                 char *repo_out, long long *number_out, orgmri_error *err)
{
	gh_ev e;
	char r[GH_KEY_MAX];
	long long num = 0;
	int64_t created, merged_at = 0, closed_at = 0;
	int has = 0, has_merged = 0, has_closed = 0, bot = 0, rc = 0;
	const char *title, *body, *head;
	if (!json_is_object(pr))
		return field_err(n, NULL, err, "expected a pull request object");
	if ((rc = get_int(n, pr, "number", 1, &num, &has, err)) ||
	    (rc = resolve_repo(n, pr, repo, "base.repo.full_name", r, err)) ||
	    (rc = get_time(n, pr, "created_at", 1, &created, &has, err)) ||
	    (rc = get_time(n, pr, "merged_at", 0, &merged_at, &has_merged, err)) ||
	    (rc = get_time(n, pr, "closed_at", 0, &closed_at, &has_closed, err)) ||
	    (rc = get_str(n, pr, "title", 0, &title, err)) ||
	    (rc = get_str(n, pr, "body", 0, &body, err)) ||
	    (rc = get_str(n, pr, "head.ref", 0, &head, err)))
		return rc;
	if (repo_out)
		snprintf(repo_out, GH_KEY_MAX, "%s", r);
	if (number_out)
		*number_out = num;
	/* `merged: true` without merged_at (seen in hand-edited data): the
	 * close time is the merge time.  merge_commit_sha proves nothing. */
	if (!has_merged && get_bool(pr, "merged") && has_closed) {
		merged_at = closed_at;
		has_merged = 1;
	}

	const char *author = user_login(get(pr, "user"), &bot);
	ev_init(&e, "opened", created, author, bot);
	snprintf(e.object, sizeof(e.object), "change:%s#%lld", r, num);
	ev_str(&e, "repo", r);
	ev_str(&e, "title", title);
	ev_bool(&e, "draft", get_bool(pr, "draft"));
	ev_str(&e, "labels", join_labels(&e, get(pr, "labels")));
	ev_str(&e, "head", head);
	ev_str_field(&e, "base", pr, "base.ref");
	ev_int_field(&e, "additions", pr, "additions");
	ev_int_field(&e, "deletions", pr, "deletions");
	ev_int_field(&e, "files", pr, "changed_files");
	scan_closing(&e, title, r);
	scan_closing(&e, body, r);
	scan_keys(&e, title);
	scan_keys(&e, head);
	if ((rc = emit(n, &e, err)) || !final)
		return rc;

	if (has_merged) {
		const char *who = user_login(get(pr, "merged_by"), &bot);
		if (!*who && n->merged_by)
			who = n->merged_by, bot = 0;
		ev_init(&e, "merged", merged_at, who, bot);
		snprintf(e.object, sizeof(e.object), "change:%s#%lld", r, num);
		const char *sha;
		if ((rc = get_str(n, pr, "merge_commit_sha", 0, &sha, err)))
			return rc;
		if (sha && *sha) {
			ev_str(&e, "merge_commit", sha);
			ev_rel(&e, "commit:%s@%s", r, sha);
		}
		return emit(n, &e, err);
	}
	if (has_closed) {
		ev_init(&e, "closed", closed_at, n->closed_by, 0);
		snprintf(e.object, sizeof(e.object), "change:%s#%lld", r, num);
		return emit(n, &e, err);
	}
	return 0;
}

/* Review states, as REST (upper case) and webhooks (lower case) send
 * them, to activities.  NULL = not a submitted review (ignored). */
static const struct { const char *state, *activity; } review_states[] = {
	{ "approved", "approved" },
	{ "changes_requested", "changes_requested" },
	{ "commented", "commented" },
	{ "dismissed", "commented" }, /* a review whose verdict was withdrawn */
	{ "pending", NULL },
};

int gh_norm_review(gh_norm *n, json_t *rv, const char *repo,
                   long long number, orgmri_error *err)
{
	const char *state;
	int rc = 0, has = 0, bot = 0;
	long long id = 0;
	int64_t at = 0;
	if (!json_is_object(rv))
		return field_err(n, NULL, err, "expected a review object");
	if ((rc = get_str(n, rv, "state", 1, &state, err)))
		return rc;
	size_t k = 0, nk = sizeof(review_states) / sizeof(*review_states);
	while (k < nk && strcasecmp(review_states[k].state, state) != 0)
		k++;
	if (k == nk)
		return field_err(n, "state", err, "unknown review state \"%.40s\"",
		                 state);
	if (!review_states[k].activity) {
		n->ignored++;
		return 0;
	}
	if ((rc = get_time(n, rv, "submitted_at", 1, &at, &has, err)) ||
	    (rc = get_int(n, rv, "id", 1, &id, &has, err)))
		return rc;
	gh_ev e;
	/* the login first: an argument list has no order of evaluation */
	const char *who = user_login(get(rv, "user"), &bot);
	ev_init(&e, review_states[k].activity, at, who, bot);
	snprintf(e.object, sizeof(e.object), "change:%s#%lld", repo, number);
	snprintf(e.disc, sizeof(e.disc), "%lld", id);
	e.ev.discriminator = e.disc;
	ev_str(&e, "state", review_states[k].state);
	ev_str_field(&e, "commit", rv, "commit_id");
	return emit(n, &e, err);
}

/* Actor of a commit: the GitHub account when known, else the author's
 * name as written in the commit. */
static const char *commit_author(json_t *c, int *bot)
{
	const char *login = user_login(get(c, "author"), bot);
	if (*login)
		return login;
	json_t *name = get(c, "commit.author.name");
	return json_is_string(name) ? json_string_value(name) : "";
}

int gh_norm_pr_commit(gh_norm *n, json_t *c, const char *repo,
                      long long number, orgmri_error *err)
{
	const char *sha;
	int64_t authored = 0, committed = 0;
	int rc = 0, has_a = 0, has_c = 0, bot = 0;
	if (!json_is_object(c))
		return field_err(n, NULL, err, "expected a commit object");
	if ((rc = get_str(n, c, "sha", 1, &sha, err)) ||
	    (rc = get_time(n, c, "commit.author.date", 1, &authored, &has_a,
	                   err)) ||
	    (rc = get_time(n, c, "commit.committer.date", 0, &committed, &has_c,
	                   err)))
		return rc;
	const char *who = commit_author(c, &bot);
	gh_ev e;
	ev_init(&e, "authored", authored, who, bot);
	snprintf(e.object, sizeof(e.object), "commit:%s@%s", repo, sha);
	ev_str(&e, "repo", repo);
	if ((rc = emit(n, &e, err)))
		return rc;
	/* The REST API does not say when a commit reached the PR; its
	 * committer date is the closest it records. */
	ev_init(&e, "pushed", has_c ? committed : authored, who, bot);
	snprintf(e.object, sizeof(e.object), "change:%s#%lld", repo, number);
	e.ev.discriminator = sha;
	ev_str(&e, "sha", sha);
	ev_rel(&e, "commit:%s@%s", repo, sha);
	return emit(n, &e, err);
}

/* An event on change REPO#NUMBER with an optional discriminator and one
 * optional attribute. */
static int change_event(gh_norm *n, const char *repo, long long number,
                        const char *activity, int64_t t, const char *actor,
                        int bot, const char *disc, const char *aname,
                        const char *aval, orgmri_error *err)
{
	gh_ev e;
	ev_init(&e, activity, t, actor, bot);
	snprintf(e.object, sizeof(e.object), "change:%s#%lld", repo, number);
	e.ev.discriminator = disc;
	if (aname)
		ev_str(&e, aname, aval);
	return emit(n, &e, err);
}

/* A review request: a user (reviewer attr) or a team (team attr, the
 * team's slug). */
static int review_request(gh_norm *n, json_t *o, const char *repo,
                          long long number, int64_t t, const char *actor,
                          int bot, orgmri_error *err)
{
	const char *who, *team;
	int rbot = 0, rc = 0;
	char disc[GH_KEY_MAX];
	if ((rc = get_str(n, o, "requested_team.slug", 0, &team, err)))
		return rc;
	if (team) {
		snprintf(disc, sizeof(disc), "team:%s", team);
		return change_event(n, repo, number, "review_requested", t, actor,
		                    bot, disc, "team", team, err);
	}
	who = user_login(get(o, "requested_reviewer"), &rbot);
	if (!*who)
		return field_err(n, "requested_reviewer", err, "neither "
		                 "requested_reviewer nor requested_team");
	return change_event(n, repo, number, "review_requested", t, actor, bot,
	                    who, "reviewer", who, err);
}

void gh_norm_timeline_actors(json_t *t, const char **merged_by,
                             const char **closed_by)
{
	json_t *ev = get(t, "event");
	int bot = 0;
	if (!json_is_string(ev))
		return;
	const char *who = user_login(get(t, "actor"), &bot);
	if (strcmp(json_string_value(ev), "merged") == 0 && *who)
		*merged_by = who;
	else if (strcmp(json_string_value(ev), "closed") == 0 && *who)
		*closed_by = who;
}

int gh_norm_timeline(gh_norm *n, json_t *t, const char *repo,
                     long long number, orgmri_error *err)
{
	const char *kind;
	int rc = 0, has = 0, bot = 0;
	int64_t at = 0;
	if (!json_is_object(t))
		return field_err(n, NULL, err, "expected a timeline event object");
	if ((rc = get_str(n, t, "event", 1, &kind, err)))
		return rc;
	int used = strcmp(kind, "review_requested") == 0 ||
	           strcmp(kind, "ready_for_review") == 0 ||
	           strcmp(kind, "labeled") == 0 ||
	           strcmp(kind, "reopened") == 0;
	if (!used) {
		n->ignored++;
		return 0;
	}
	if ((rc = get_time(n, t, "created_at", 1, &at, &has, err)))
		return rc;
	const char *actor = user_login(get(t, "actor"), &bot);
	if (strcmp(kind, "review_requested") == 0)
		return review_request(n, t, repo, number, at, actor, bot, err);
	if (strcmp(kind, "labeled") == 0) {
		const char *label;
		if ((rc = get_str(n, t, "label.name", 1, &label, err)))
			return rc;
		return change_event(n, repo, number, "labeled", at, actor, bot,
		                    label, "label", label, err);
	}
	return change_event(n, repo, number, kind, at, actor, bot, NULL, NULL,
	                    NULL, err);
}

int gh_norm_pull_action(gh_norm *n, json_t *payload, const char *action,
                        orgmri_error *err)
{
	json_t *pr = get(payload, "pull_request");
	char repo[GH_KEY_MAX];
	long long num = 0;
	int rc, bot = 0, has = 0;
	int64_t t = 0;
	const char *sender = user_login(get(payload, "sender"), &bot);
	char saved[GH_PATH_MAX];
	snprintf(saved, sizeof(saved), "%s", n->prefix);
	snprintf(n->prefix, sizeof(n->prefix), "%s.pull_request", saved);
	n->closed_by = sender;
	n->merged_by = sender;
	rc = gh_norm_pull(n, pr, NULL, strcmp(action, "closed") == 0, repo, &num,
	                  err);
	if (!rc)
		rc = get_time(n, pr, "updated_at", 1, &t, &has, err);
	snprintf(n->prefix, sizeof(n->prefix), "%s", saved);
	n->closed_by = n->merged_by = NULL;
	if (rc)
		return rc;
	/* Webhooks carry no time for the action itself; GitHub sets the PR's
	 * updated_at when it happens. */
	if (strcmp(action, "review_requested") == 0)
		return review_request(n, payload, repo, num, t, sender, bot, err);
	if (strcmp(action, "labeled") == 0) {
		const char *label;
		if ((rc = get_str(n, payload, "label.name", 1, &label, err)))
			return rc;
		return change_event(n, repo, num, "labeled", t, sender, bot, label,
		                    "label", label, err);
	}
	if (strcmp(action, "ready_for_review") == 0 ||
	    strcmp(action, "reopened") == 0)
		return change_event(n, repo, num, action, t, sender, bot, NULL,
		                    NULL, NULL, err);
	if (strcmp(action, "synchronize") == 0) {
		const char *after;
		if ((rc = get_str(n, payload, "after", 1, &after, err)))
			return rc;
		gh_ev e;
		ev_init(&e, "pushed", t, sender, bot);
		snprintf(e.object, sizeof(e.object), "change:%s#%lld", repo, num);
		e.ev.discriminator = after;
		ev_str(&e, "sha", after);
		ev_rel(&e, "commit:%s@%s", repo, after);
		return emit(n, &e, err);
	}
	return 0;
}

/* ---- issues and incidents -------------------------------------------- */

static int has_incident_label(gh_norm *n, json_t *labels)
{
	size_t i;
	json_t *l;
	load_incident_labels(n);
	json_array_foreach(labels, i, l) {
		json_t *name = json_is_string(l) ? l : get(l, "name");
		if (!json_is_string(name))
			continue;
		for (size_t k = 0; k < n->nincident_labels; k++)
			if (strcasecmp(json_string_value(name),
			               n->incident_labels[k]) == 0)
				return 1;
	}
	return 0;
}

/* Severity from a label "severity:X", "severity/X", "sev:X" or "sev/X". */
static const char *severity_of(json_t *labels)
{
	static const char *const prefixes[] = { "severity:", "severity/",
	                                        "sev:", "sev/" };
	size_t i;
	json_t *l;
	json_array_foreach(labels, i, l) {
		json_t *name = json_is_string(l) ? l : get(l, "name");
		if (!json_is_string(name))
			continue;
		const char *s = json_string_value(name);
		for (size_t k = 0; k < sizeof(prefixes) / sizeof(*prefixes); k++)
			if (strncasecmp(s, prefixes[k], strlen(prefixes[k])) == 0 &&
			    s[strlen(prefixes[k])])
				return s + strlen(prefixes[k]);
	}
	return NULL;
}

int gh_norm_issue(gh_norm *n, json_t *is, const char *repo,
                  orgmri_error *err)
{
	char r[GH_KEY_MAX];
	long long num = 0;
	int64_t created = 0, closed = 0;
	int rc = 0, has = 0, has_closed = 0, bot = 0;
	const char *title;
	if (!json_is_object(is))
		return field_err(n, NULL, err, "expected an issue object");
	if (get(is, "pull_request")) {
		n->ignored++; /* the issues list includes PRs; pulls.json has them */
		return 0;
	}
	if ((rc = get_int(n, is, "number", 1, &num, &has, err)) ||
	    (rc = resolve_repo(n, is, repo, NULL, r, err)) ||
	    (rc = get_time(n, is, "created_at", 1, &created, &has, err)) ||
	    (rc = get_time(n, is, "closed_at", 0, &closed, &has_closed, err)) ||
	    (rc = get_str(n, is, "title", 0, &title, err)))
		return rc;
	json_t *labels = get(is, "labels");
	if (labels && !json_is_array(labels))
		return field_err(n, "labels", err, "expected an array");
	int incident = has_incident_label(n, labels);
	gh_ev e;
	const char *who = user_login(get(is, "user"), &bot);
	ev_init(&e, incident ? "incident_opened" : "created", created, who, bot);
	snprintf(e.object, sizeof(e.object), "%s:%s#%lld",
	         incident ? "incident" : "issue", r, num);
	ev_str(&e, "repo", r);
	ev_str(&e, "title", title);
	ev_str(&e, "labels", join_labels(&e, labels));
	if (incident)
		ev_str(&e, "severity", severity_of(labels));
	if ((rc = emit(n, &e, err)) || !has_closed)
		return rc;
	who = user_login(get(is, "closed_by"), &bot);
	ev_init(&e, incident ? "incident_resolved" : "resolved", closed, who,
	        bot);
	snprintf(e.object, sizeof(e.object), "%s:%s#%lld",
	         incident ? "incident" : "issue", r, num);
	ev_str_field(&e, "reason", is, "state_reason");
	return emit(n, &e, err);
}

/* ---- deployments ------------------------------------------------------- */

int gh_norm_deployment(gh_norm *n, json_t *d, const char *repo,
                       long long *id_out, char *sha_out, char *repo_out,
                       orgmri_error *err)
{
	char r[GH_KEY_MAX];
	long long id = 0;
	int64_t created = 0;
	int rc = 0, has = 0, bot = 0;
	const char *sha, *env;
	if (!json_is_object(d))
		return field_err(n, NULL, err, "expected a deployment object");
	if ((rc = get_int(n, d, "id", 1, &id, &has, err)) ||
	    (rc = resolve_repo(n, d, repo, NULL, r, err)) ||
	    (rc = get_str(n, d, "sha", 1, &sha, err)) ||
	    (rc = get_str(n, d, "environment", 1, &env, err)) ||
	    (rc = get_time(n, d, "created_at", 1, &created, &has, err)))
		return rc;
	if (strlen(sha) > GH_SHA_MAX)
		return field_err(n, "sha", err, "longer than %d characters",
		                 GH_SHA_MAX);
	if (id_out)
		*id_out = id;
	if (sha_out)
		snprintf(sha_out, GH_SHA_MAX + 1, "%s", sha);
	if (repo_out)
		snprintf(repo_out, GH_KEY_MAX, "%s", r);
	gh_ev e;
	const char *who = user_login(get(d, "creator"), &bot);
	ev_init(&e, "deploy_started", created, who, bot);
	snprintf(e.object, sizeof(e.object), "deployment:%s/%lld", r, id);
	ev_str(&e, "repo", r);
	ev_str(&e, "environment", env);
	ev_str(&e, "sha", sha);
	ev_str_field(&e, "ref", d, "ref");
	ev_str_field(&e, "task", d, "task");
	if (json_is_boolean(get(d, "production_environment")))
		ev_bool(&e, "production", get_bool(d, "production_environment"));
	ev_rel(&e, "commit:%s@%s", r, sha);
	return emit(n, &e, err);
}

/* Deployment status states.  NULL: not an outcome (ignored). */
static const struct { const char *state, *activity; } deploy_states[] = {
	{ "success", "deployed" },
	{ "failure", "deploy_failed" },
	{ "error", "deploy_failed" },
	{ "pending", NULL },
	{ "queued", NULL },
	{ "in_progress", NULL },
	{ "inactive", NULL }, /* a later deployment replaced this one */
};

int gh_norm_deployment_status(gh_norm *n, json_t *s, const char *repo,
                              long long deployment_id, const char *sha,
                              const char *environment, orgmri_error *err)
{
	const char *state, *env;
	int64_t at = 0;
	int rc = 0, has = 0, bot = 0;
	long long id = 0;
	if (!json_is_object(s))
		return field_err(n, NULL, err, "expected a deployment status");
	if ((rc = get_str(n, s, "state", 1, &state, err)))
		return rc;
	size_t k = 0, nk = sizeof(deploy_states) / sizeof(*deploy_states);
	while (k < nk && strcasecmp(deploy_states[k].state, state) != 0)
		k++;
	if (k == nk)
		return field_err(n, "state", err, "unknown deployment state "
		                 "\"%.40s\"", state);
	if (!deploy_states[k].activity) {
		n->ignored++;
		return 0;
	}
	if ((rc = get_time(n, s, "created_at", 1, &at, &has, err)) ||
	    (rc = get_int(n, s, "id", 0, &id, &has, err)) ||
	    (rc = get_str(n, s, "environment", 0, &env, err)))
		return rc;
	gh_ev e;
	const char *who = user_login(get(s, "creator"), &bot);
	ev_init(&e, deploy_states[k].activity, at, who, bot);
	snprintf(e.object, sizeof(e.object), "deployment:%s/%lld", repo,
	         deployment_id);
	if (has) {
		snprintf(e.disc, sizeof(e.disc), "%lld", id);
		e.ev.discriminator = e.disc;
	}
	ev_str(&e, "environment", env && *env ? env : environment);
	ev_str(&e, "state", deploy_states[k].state);
	ev_rel(&e, "commit:%s@%s", repo, sha);
	return emit(n, &e, err);
}

/* ---- CI runs ----------------------------------------------------------- */

/* Conclusions of workflow and check runs (any case: recorded data has
 * "SUCCESS" too) and the outcome event each gives, as Apache DevLake
 * classifies them (its github plugin: SUCCESS, FAILURE, or no result):
 * a cancelled, timed-out or never-started run is a failed one;
 * `ci_skipped` is a run that ended without a verdict on the code, which
 * pass rates leave out (docs/github.md). */
static const struct { const char *conclusion, *activity; } ci_outcomes[] = {
	{ "success", "ci_passed" },
	{ "failure", "ci_failed" },
	{ "timed_out", "ci_failed" },
	{ "startup_failure", "ci_failed" },
	{ "cancelled", "ci_failed" },
	{ "neutral", "ci_skipped" },
	{ "skipped", "ci_skipped" },
	{ "stale", "ci_skipped" },
	{ "action_required", "ci_skipped" },
};

static const char *const ci_statuses[] = {
	"requested", "queued", "pending", "waiting", "in_progress", "completed",
	/* filter values the API also reports as statuses */
	"success", "failure", "cancelled", "timed_out", "startup_failure",
	"neutral", "skipped", "stale", "action_required",
};

/* Shared by workflow runs and check runs. */
static int ci_events(gh_norm *n, json_t *r, const char *key,
                     const char *repo, const char *start_field,
                     const char *end_field, const char *actor, int bot,
                     const char *name, orgmri_error *err)
{
	const char *status, *concl, *sha;
	int64_t started = 0, ended = 0;
	int rc = 0, has_s = 0, has_e = 0;
	if ((rc = get_str(n, r, "status", 0, &status, err)) ||
	    (rc = get_str(n, r, "conclusion", 0, &concl, err)) ||
	    (rc = get_str(n, r, "head_sha", 1, &sha, err)) ||
	    (rc = get_time(n, r, start_field, 0, &started, &has_s, err)) ||
	    (rc = get_time(n, r, end_field, 0, &ended, &has_e, err)))
		return rc;
	if (!has_s && (rc = get_time(n, r, "created_at", 1, &started, &has_s,
	                             err)))
		return rc;
	if (status) {
		size_t k = 0, nk = sizeof(ci_statuses) / sizeof(*ci_statuses);
		while (k < nk && strcasecmp(ci_statuses[k], status) != 0)
			k++;
		if (k == nk)
			return field_err(n, "status", err, "unknown run status "
			                 "\"%.40s\"", status);
	}
	size_t k = 0, nk = sizeof(ci_outcomes) / sizeof(*ci_outcomes);
	if (concl && *concl) {
		while (k < nk && strcasecmp(ci_outcomes[k].conclusion, concl) != 0)
			k++;
		if (k == nk)
			return field_err(n, "conclusion", err, "unknown conclusion "
			                 "\"%.40s\"", concl);
	}
	gh_ev e;
	ev_init(&e, "ci_started", started, actor, bot);
	snprintf(e.object, sizeof(e.object), "%s", key);
	ev_str(&e, "repo", repo);
	ev_str(&e, "name", name);
	ev_str_field(&e, "branch", r, "head_branch");
	ev_str_field(&e, "trigger", r, "event");
	ev_int_field(&e, "attempt", r, "run_attempt");
	ev_rel(&e, "commit:%s@%s", repo, sha);
	size_t i;
	json_t *p;
	json_array_foreach(get(r, "pull_requests"), i, p) {
		json_t *num = get(p, "number");
		if (json_is_integer(num))
			ev_rel(&e, "change:%s#%lld", repo,
			       (long long)json_integer_value(num));
	}
	if ((rc = emit(n, &e, err)))
		return rc;
	if (!concl || !*concl)
		return 0;   /* still queued or running */
	e.ev.activity = ci_outcomes[k].activity;
	e.ev.time = has_e ? ended : started;
	ev_str(&e, "conclusion", ci_outcomes[k].conclusion);
	return emit(n, &e, err);
}

int gh_norm_run(gh_norm *n, json_t *r, const char *repo, orgmri_error *err)
{
	char rp[GH_KEY_MAX], key[GH_KEY_MAX];
	long long id = 0;
	int rc = 0, has = 0, bot = 0;
	const char *name;
	if (!json_is_object(r))
		return field_err(n, NULL, err, "expected a workflow run object");
	if ((rc = get_int(n, r, "id", 1, &id, &has, err)) ||
	    (rc = resolve_repo(n, r, repo, "repository.full_name", rp, err)) ||
	    (rc = get_str(n, r, "name", 0, &name, err)))
		return rc;
	const char *actor = user_login(get(r, "actor"), &bot);
	snprintf(key, sizeof(key), "build:%s/run/%lld", rp, id);
	/* Workflow runs have no completed_at: updated_at is when it ended. */
	return ci_events(n, r, key, rp, "run_started_at", "updated_at", actor,
	                 bot, name, err);
}

int gh_norm_check_run(gh_norm *n, json_t *c, const char *repo,
                      orgmri_error *err)
{
	char key[GH_KEY_MAX];
	long long id = 0;
	int rc = 0, has = 0;
	const char *name, *app;
	if (!json_is_object(c))
		return field_err(n, NULL, err, "expected a check run object");
	if ((rc = get_int(n, c, "id", 1, &id, &has, err)) ||
	    (rc = get_str(n, c, "name", 0, &name, err)) ||
	    (rc = get_str(n, c, "app.slug", 0, &app, err)))
		return rc;
	/* Actions' own check runs are its jobs; the workflow_run delivery
	 * already describes the run. */
	if (app && strcmp(app, "github-actions") == 0) {
		n->ignored++;
		return 0;
	}
	snprintf(key, sizeof(key), "build:%s/check/%lld", repo, id);
	return ci_events(n, c, key, repo, "started_at", "completed_at", "", 0,
	                 name, err);
}

/* ---- push -------------------------------------------------------------- */

int gh_norm_push(gh_norm *n, json_t *payload, const char *repo,
                 orgmri_error *err)
{
	json_t *commits = get(payload, "commits");
	if (get_bool(payload, "deleted") || !commits) {
		n->ignored++;
		return 0;
	}
	if (!json_is_array(commits))
		return field_err(n, "commits", err, "expected an array");
	size_t i;
	json_t *c;
	char saved[GH_PATH_MAX];
	snprintf(saved, sizeof(saved), "%s", n->prefix);
	int rc = 0;
	json_array_foreach(commits, i, c) {
		snprintf(n->prefix, sizeof(n->prefix), "%s.commits[%zu]", saved, i);
		const char *sha, *who;
		int64_t at;
		int has;
		if ((rc = get_str(n, c, "id", 1, &sha, err)) ||
		    (rc = get_time(n, c, "timestamp", 1, &at, &has, err)) ||
		    (rc = get_str(n, c, "author.username", 0, &who, err)))
			break;
		if (!who && (rc = get_str(n, c, "author.name", 0, &who, err)))
			break;
		gh_ev e;
		ev_init(&e, "authored", at, who, 0);
		snprintf(e.object, sizeof(e.object), "commit:%s@%s", repo, sha);
		ev_str(&e, "repo", repo);
		if ((rc = emit(n, &e, err)))
			break;
	}
	snprintf(n->prefix, sizeof(n->prefix), "%s", saved);
	return rc;
}

int gh_bad(gh_norm *n, orgmri_error *rec, orgmri_error *err)
{
	if (!rec->file[0])
		snprintf(rec->file, sizeof(rec->file), "%s", n->file);
	if (!rec->line) {
		rec->line = n->line;
		rec->column = n->col;
	}
	return orgmri_adapter_bad_record(n->actx, rec, err);
}
