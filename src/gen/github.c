/*
 * github.c - the generator's events as GitHub would record them: an
 * export folder (what `gh api --paginate` writes, DESIGN.md's list) and
 * webhook deliveries, so the GitHub adapters run on data of any size.
 *
 * It is a sink that understands the generator's own events (emit.c), not
 * arbitrary canonical events.  Shapes follow ../shared/notes/github-fields.md
 * and the recorded REST samples: REST review states upper case, webhook
 * review states lower case, `/actions/runs` wrapped in
 * {total_count, workflow_runs}, deployment statuses newest first.
 * Mapping:
 *   change opened            pulls.json entry; webhook pull_request opened
 *   review_requested         timeline review_requested (requested_team:
 *                            "reviewers", or the event's team); webhook
 *   approved/changes_requested  pulls/N/reviews.json; timeline reviewed;
 *                            webhook pull_request_review submitted
 *   pushed                   webhook pull_request synchronize
 *   merged                   merged_at, state closed; timeline merged and
 *                            closed; webhook pull_request closed (merged)
 *   commit authored          pulls/N/commits.json; timeline committed
 *   build ci_*               actions/runs.json; webhook workflow_run
 *   deploy_*                 deployments.json (payload.changes lists the
 *                            PR numbers shipped), deployments/ID/statuses.json;
 *                            webhooks deployment, deployment_status
 *   incident_*               issues.json (label "incident"); webhook issues
 * Issue-tracker events (issue:...) are not GitHub's and are left out.
 *
 * Everything is kept as jansson values until close; that is fine at the
 * sizes a GitHub export is useful for (the canonical writers stream).
 */
#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "core/util.h"
#include "gen/rng.h"
#include "orgmri/gen.h"
#include "orgmri/time.h"

typedef struct gh_repo {
	char *name;
	json_t *pulls;        /* array, index = number - 1 */
	json_t *reviews, *commits, *timeline;  /* arrays parallel to pulls */
	json_t *runs;         /* array */
	json_t *deployments;  /* array */
	json_t *statuses;     /* array parallel to deployments (newest first) */
	json_t *issues;       /* array: incidents */
	const char *last_head; /* head sha of the last merged PR */
	char last_head_buf[48];
} gh_repo;

struct orgmri_gen_github {
	orgmri_sink sink;
	char *dir;
	FILE *hooks;
	gh_repo *repos;
	size_t nrepos;
	json_t *commit_map;   /* commit key -> commit json (author, date) */
	json_t *run_map;      /* build key -> run json */
	json_t *dep_map;      /* deployment key -> index in its repo */
	json_t *inc_map;      /* incident key -> issue json */
	long long next_id;
	uint64_t delivery;
	int oom;
};

static orgmri_gen_github *of_sink(orgmri_sink *s)
{
	return (orgmri_gen_github *)((char *)s - offsetof(orgmri_gen_github, sink));
}

static json_t *user(const char *login)
{
	size_t n = login ? strlen(login) : 0;
	int bot = login && (strstr(login, "[bot]") != NULL ||
	                    (n > 4 && strcmp(login + n - 4, "-bot") == 0));
	return json_pack("{s:s, s:s}", "login", login ? login : "ghost", "type",
	                 bot ? "Bot" : "User");
}

static json_t *time_str(int64_t ms)
{
	char tb[ORGMRI_TIME_BUFSZ];
	return json_string(orgmri_time_format(ms, tb));
}

static const char *attr(const orgmri_event *ev, const char *name)
{
	const orgmri_attr *a = orgmri_event_attr(ev, name);
	return a ? a->value : NULL;
}

static long long attr_int(const orgmri_event *ev, const char *name)
{
	const char *v = attr(ev, name);
	return v ? strtoll(v, NULL, 10) : 0;
}

/* The repository part of KEY in "TYPE:KEY": up to '#', '@' or the third
 * '/' ("acme/shop/actions/7" -> "acme/shop"). */
static gh_repo *repo_of(orgmri_gen_github *g, const char *object)
{
	const char *k = strchr(object, ':') + 1;
	size_t n = 0;
	int slashes = 0;
	while (k[n] && k[n] != '#' && k[n] != '@') {
		if (k[n] == '/' && ++slashes == 2)
			break;
		n++;
	}
	for (size_t i = 0; i < g->nrepos; i++)
		if (strlen(g->repos[i].name) == n &&
		    memcmp(g->repos[i].name, k, n) == 0)
			return &g->repos[i];
	gh_repo *r = orgmri_reallocarray(g->repos, g->nrepos + 1, sizeof(*r));
	if (!r)
		return NULL;
	g->repos = r;
	r = &g->repos[g->nrepos];
	memset(r, 0, sizeof(*r));
	r->name = strndup(k, n);
	r->pulls = json_array();
	r->reviews = json_array();
	r->commits = json_array();
	r->timeline = json_array();
	r->runs = json_array();
	r->deployments = json_array();
	r->statuses = json_array();
	r->issues = json_array();
	if (!r->name || !r->pulls || !r->issues)
		return NULL;
	g->nrepos++;
	return r;
}

static long number_of(const char *object)
{
	const char *h = strrchr(object, '#');
	return h ? strtol(h + 1, NULL, 10) : 0;
}

static const char *sha_of(const char *commit_key)
{
	const char *at = strrchr(commit_key, '@');
	return at ? at + 1 : "";
}

static json_t *repo_json(const gh_repo *r)
{
	return json_pack("{s:i, s:s, s:s, s:b}", "id", 1000, "full_name",
	                 r->name, "name", strchr(r->name, '/') + 1, "private", 1);
}

/* One webhook delivery line; takes ownership of payload. */
static void deliver(orgmri_gen_github *g, const gh_repo *r, const char *event,
                    const char *sender, json_t *payload)
{
	if (!g->hooks || !payload) {
		json_decref(payload);
		return;
	}
	json_object_set_new(payload, "repository", repo_json(r));
	json_object_set_new(payload, "sender", user(sender));
	/* a reproducible GUID-shaped delivery id */
	uint64_t st = ++g->delivery, a = gen_splitmix64(&st), b = gen_splitmix64(&st);
	char guid[40];
	snprintf(guid, sizeof(guid), "%08x-%04x-4%03x-a%03x-%012llx",
	         (unsigned)(a >> 32), (unsigned)(a >> 16) & 0xffff,
	         (unsigned)a & 0xfff, (unsigned)(b >> 52) & 0xfff,
	         (unsigned long long)(b & 0xffffffffffffULL));
	json_t *line = json_pack("{s:s, s:s, s:o}", "event", event, "delivery",
	                         guid, "payload", payload);
	if (!line || json_dumpf(line, g->hooks, JSON_COMPACT) != 0 ||
	    fputc('\n', g->hooks) == EOF)
		g->oom = 1;
	json_decref(line);
}

static json_t *pr_of(gh_repo *r, long number)
{
	if (number < 1 || (size_t)number > json_array_size(r->pulls))
		return NULL;
	return json_array_get(r->pulls, (size_t)number - 1);
}

static void on_opened(orgmri_gen_github *g, gh_repo *r, const orgmri_event *ev)
{
	long number = number_of(ev->object);
	json_t *labels = json_array(), *commits = json_array();
	const char *lab = attr(ev, "labels");
	char buf[128];
	while (lab && *lab) {
		size_t n = strcspn(lab, ",");
		snprintf(buf, sizeof(buf), "%.*s", (int)n, lab);
		json_array_append_new(labels, json_pack("{s:s}", "name", buf));
		lab += n + (lab[n] == ',');
	}
	const char *head = "";
	for (size_t i = 0; i < ev->nrelated; i++) {
		json_t *c = json_object_get(g->commit_map, ev->related[i]);
		if (c) {
			json_array_append(commits, c);
			head = sha_of(ev->related[i]);
		}
	}
	snprintf(buf, sizeof(buf), "gen-%ld", number);
	json_t *pr = json_pack(
	    "{s:I, s:i, s:s, s:s, s:o, s:s, s:o, s:o, s:o, s:n, s:n, s:n, s:b,"
	    " s:{s:s, s:s}, s:{s:s}, s:[], s:[], s:I, s:I, s:I, s:i, s:n}",
	    "id", ++g->next_id, "number", (int)number, "state", "open", "title",
	    attr(ev, "title") ? attr(ev, "title") : "", "user", user(ev->actor),
	    "body", "", "labels", labels, "created_at", time_str(ev->time),
	    "updated_at", time_str(ev->time), "closed_at", "merged_at",
	    "merge_commit_sha", "draft", 0, "head", "ref", buf, "sha", head,
	    "base", "ref", "main", "requested_reviewers", "requested_teams",
	    "additions", (json_int_t)attr_int(ev, "additions"), "deletions",
	    (json_int_t)attr_int(ev, "deletions"), "changed_files",
	    (json_int_t)attr_int(ev, "files"), "commits", (int)json_array_size(commits),
	    "merged_by");
	/* PR numbers are dense and in order, so index = number - 1 */
	while (json_array_size(r->pulls) + 1 < (size_t)number) {
		json_array_append_new(r->pulls, json_null());
		json_array_append_new(r->reviews, json_array());
		json_array_append_new(r->commits, json_array());
		json_array_append_new(r->timeline, json_array());
	}
	json_t *tl = json_array();
	size_t i;
	json_t *c;
	json_array_foreach(commits, i, c)
		json_array_append_new(tl, json_pack("{s:s, s:s, s:O, s:O, s:O}",
		    "event", "committed", "sha", json_string_value(json_object_get(c, "sha")),
		    "author", json_object_get(json_object_get(c, "commit"), "author"),
		    "committer", json_object_get(json_object_get(c, "commit"), "committer"),
		    "message", json_object_get(json_object_get(c, "commit"), "message")));
	json_array_append_new(r->pulls, pr);
	json_array_append_new(r->reviews, json_array());
	json_array_append_new(r->commits, commits);
	json_array_append_new(r->timeline, tl);
	if (!pr)
		g->oom = 1;
	deliver(g, r, "pull_request", ev->actor,
	        json_pack("{s:s, s:i, s:O}", "action", "opened", "number",
	                  (int)number, "pull_request", pr));
}

static void timeline_add(gh_repo *r, long number, json_t *item)
{
	json_t *tl = json_array_get(r->timeline, (size_t)number - 1);
	if (tl && item)
		json_array_append_new(tl, item);
	else
		json_decref(item);
}

static void on_review_requested(orgmri_gen_github *g, gh_repo *r,
                                const orgmri_event *ev, json_t *pr)
{
	const char *team = attr(ev, "team");
	team = team ? team : "reviewers";
	long number = number_of(ev->object);
	timeline_add(r, number, json_pack(
	    "{s:s, s:o, s:o, s:o, s:{s:s, s:s}}", "event", "review_requested",
	    "created_at", time_str(ev->time), "actor", user(ev->actor),
	    "review_requester", user(ev->actor), "requested_team", "name", team,
	    "slug", team));
	deliver(g, r, "pull_request", ev->actor,
	        json_pack("{s:s, s:i, s:O, s:{s:s, s:s}}", "action",
	                  "review_requested", "number", (int)number,
	                  "pull_request", pr, "requested_team", "name", team,
	                  "slug", team));
}

static void on_review(orgmri_gen_github *g, gh_repo *r, const orgmri_event *ev,
                      json_t *pr)
{
	int approved = strcmp(ev->activity, "approved") == 0;
	long number = number_of(ev->object);
	const char *head = json_string_value(json_object_get(
	    json_object_get(pr, "head"), "sha"));
	json_int_t id = ++g->next_id;
	json_t *rv = json_pack("{s:I, s:o, s:s, s:s, s:o, s:s, s:s}", "id", id,
	                       "user", user(ev->actor), "body", "", "state",
	                       approved ? "APPROVED" : "CHANGES_REQUESTED",
	                       "submitted_at", time_str(ev->time), "commit_id",
	                       head ? head : "", "author_association", "MEMBER");
	json_array_append(json_array_get(r->reviews, (size_t)number - 1), rv);
	timeline_add(r, number, json_pack(
	    "{s:s, s:I, s:o, s:s, s:o, s:s}", "event", "reviewed", "id", id,
	    "user", user(ev->actor), "state",
	    approved ? "approved" : "changes_requested", "submitted_at",
	    time_str(ev->time), "commit_id", head ? head : ""));
	json_object_set_new(rv, "state", json_string(approved ? "approved"
	                                                      : "changes_requested"));
	deliver(g, r, "pull_request_review", ev->actor,
	        json_pack("{s:s, s:o, s:O}", "action", "submitted", "review", rv,
	                  "pull_request", pr));
	/* the REST copy keeps upper case */
	json_t *arr = json_array_get(r->reviews, (size_t)number - 1);
	json_object_set_new(json_array_get(arr, json_array_size(arr) - 1), "state",
	                    json_string(approved ? "APPROVED" : "CHANGES_REQUESTED"));
}

static void on_pushed(orgmri_gen_github *g, gh_repo *r, const orgmri_event *ev,
                      json_t *pr)
{
	long number = number_of(ev->object);
	json_t *head = json_object_get(pr, "head");
	char before[48];
	snprintf(before, sizeof(before), "%s",
	         json_string_value(json_object_get(head, "sha")));
	for (size_t i = 0; i < ev->nrelated; i++) {
		json_t *c = json_object_get(g->commit_map, ev->related[i]);
		if (!c)
			continue;
		json_array_append(json_array_get(r->commits, (size_t)number - 1), c);
		json_t *cc = json_object_get(c, "commit");
		timeline_add(r, number, json_pack(
		    "{s:s, s:s, s:O, s:O, s:O}", "event", "committed", "sha",
		    sha_of(ev->related[i]), "author", json_object_get(cc, "author"),
		    "committer", json_object_get(cc, "committer"), "message",
		    json_object_get(cc, "message")));
		json_object_set_new(head, "sha", json_string(sha_of(ev->related[i])));
	}
	json_object_set_new(pr, "commits", json_integer((json_int_t)json_array_size(
	    json_array_get(r->commits, (size_t)number - 1))));
	json_object_set_new(pr, "updated_at", time_str(ev->time));
	deliver(g, r, "pull_request", ev->actor,
	        json_pack("{s:s, s:i, s:s, s:s, s:O}", "action", "synchronize",
	                  "number", (int)number, "before", before, "after",
	                  json_string_value(json_object_get(head, "sha")),
	                  "pull_request", pr));
}

static void on_merged(orgmri_gen_github *g, gh_repo *r, const orgmri_event *ev,
                      json_t *pr)
{
	long number = number_of(ev->object);
	const char *head = json_string_value(json_object_get(
	    json_object_get(pr, "head"), "sha"));
	snprintf(r->last_head_buf, sizeof(r->last_head_buf), "%s", head ? head : "");
	r->last_head = r->last_head_buf;
	json_object_set_new(pr, "state", json_string("closed"));
	json_object_set_new(pr, "merged_at", time_str(ev->time));
	json_object_set_new(pr, "closed_at", time_str(ev->time));
	json_object_set_new(pr, "updated_at", time_str(ev->time));
	json_object_set_new(pr, "merge_commit_sha", json_string(head ? head : ""));
	json_object_set_new(pr, "merged_by", user(ev->actor));
	timeline_add(r, number, json_pack("{s:s, s:o, s:o, s:s}", "event", "merged",
	                                  "created_at", time_str(ev->time), "actor",
	                                  user(ev->actor), "commit_id",
	                                  head ? head : ""));
	timeline_add(r, number, json_pack("{s:s, s:o, s:o}", "event", "closed",
	                                  "created_at", time_str(ev->time), "actor",
	                                  user(ev->actor)));
	json_t *p = json_pack("{s:s, s:i, s:O}", "action", "closed", "number",
	                      (int)number, "pull_request", pr);
	json_object_set_new(json_object_get(p, "pull_request"), "merged",
	                    json_true());
	deliver(g, r, "pull_request", ev->actor, p);
}

static void on_commit(orgmri_gen_github *g, const orgmri_event *ev)
{
	char name[96], email[128];
	const char *who = ev->actor ? ev->actor : "ghost";
	snprintf(name, sizeof(name), "%s", who);
	snprintf(email, sizeof(email), "%s@acme.example", who);
	json_t *c = json_pack(
	    "{s:s, s:{s:{s:s, s:s, s:o}, s:{s:s, s:s, s:o}, s:s}, s:o, s:o, s:[]}",
	    "sha", sha_of(ev->object), "commit", "author", "name", name, "email",
	    email, "date", time_str(ev->time), "committer", "name", name, "email",
	    email, "date", time_str(ev->time), "message",
	    strcmp(attr(ev, "ai_assisted") ? attr(ev, "ai_assisted") : "", "true")
	        ? "Work in progress"
	        : "Work in progress\n\nAssisted-by: AI",
	    "author", user(who), "committer", user(who), "parents");
	if (!c || json_object_set_new(g->commit_map, ev->object, c))
		g->oom = 1;
}

static void on_build(orgmri_gen_github *g, gh_repo *r, const orgmri_event *ev)
{
	json_t *run = json_object_get(g->run_map, ev->object);
	if (strcmp(ev->activity, "ci_started") == 0) {
		const char *sha = "";
		long number = 0;
		for (size_t i = 0; i < ev->nrelated; i++) {
			if (strncmp(ev->related[i], "commit:", 7) == 0)
				sha = sha_of(ev->related[i]);
			else if (strncmp(ev->related[i], "change:", 7) == 0)
				number = number_of(ev->related[i]);
		}
		const char *slash = strrchr(ev->object, '/');
		json_int_t id = slash ? strtoll(slash + 1, NULL, 10) : 0;
		char ref[32];
		snprintf(ref, sizeof(ref), "gen-%ld", number);
		run = json_pack("{s:I, s:s, s:s, s:s, s:n, s:s, s:s, s:o, s:o, s:o,"
		                " s:I, s:i, s:[{s:i}], s:o}",
		                "id", 5000000 + id, "name", "CI", "event", "pull_request",
		                "status", "in_progress", "conclusion", "head_sha", sha,
		                "head_branch", ref, "created_at", time_str(ev->time),
		                "run_started_at", time_str(ev->time), "updated_at",
		                time_str(ev->time), "run_number", id, "run_attempt", 1,
		                "pull_requests", "number", (int)number, "actor",
		                user(ev->actor));
		if (!run || json_object_set_new(g->run_map, ev->object, run) ||
		    json_array_append(r->runs, run))
			g->oom = 1;
		return;
	}
	if (!run)
		return;
	json_object_set_new(run, "status", json_string("completed"));
	json_object_set_new(run, "conclusion",
	                    json_string(strcmp(ev->activity, "ci_passed") == 0
	                                    ? "success" : "failure"));
	json_object_set_new(run, "updated_at", time_str(ev->time));
	deliver(g, r, "workflow_run", ev->actor,
	        json_pack("{s:s, s:O}", "action", "completed", "workflow_run", run));
}

static void on_deploy(orgmri_gen_github *g, gh_repo *r, const orgmri_event *ev)
{
	json_t *ix = json_object_get(g->dep_map, ev->object);
	const char *state = "in_progress";
	json_t *dep;
	if (strcmp(ev->activity, "deploy_started") == 0) {
		dep = json_pack("{s:I, s:s, s:s, s:s, s:s, s:b, s:b, s:o, s:o, s:o,"
		                " s:s, s:{s:[]}}",
		                "id", ++g->next_id, "sha",
		                r->last_head ? r->last_head : "", "ref", "main", "task",
		                "deploy", "environment", "production",
		                "production_environment", 1, "transient_environment", 0,
		                "created_at", time_str(ev->time), "updated_at",
		                time_str(ev->time), "creator", user(ev->actor),
		                "description", "daily deployment", "payload", "changes");
		if (!dep || json_object_set_new(g->dep_map, ev->object,
		                                json_integer((json_int_t)json_array_size(
		                                    r->deployments))) ||
		    json_array_append_new(r->deployments, dep) ||
		    json_array_append_new(r->statuses, json_array()))
			g->oom = 1;
		deliver(g, r, "deployment", ev->actor,
		        json_pack("{s:s, s:O}", "action", "created", "deployment", dep));
	} else {
		if (!ix)
			return;
		dep = json_array_get(r->deployments, (size_t)json_integer_value(ix));
		state = strcmp(ev->activity, "deployed") == 0 ? "success" : "failure";
		json_t *changes = json_object_get(json_object_get(dep, "payload"),
		                                  "changes");
		for (size_t i = 0; i < ev->nrelated; i++)
			if (strncmp(ev->related[i], "change:", 7) == 0)
				json_array_append_new(changes,
				                      json_integer(number_of(ev->related[i])));
		json_object_set_new(dep, "updated_at", time_str(ev->time));
	}
	ix = json_object_get(g->dep_map, ev->object);
	json_t *sts = json_array_get(r->statuses, (size_t)json_integer_value(ix));
	json_t *st = json_pack("{s:I, s:s, s:s, s:o, s:o, s:o, s:s}", "id",
	                       ++g->next_id, "state", state, "environment",
	                       "production", "created_at", time_str(ev->time),
	                       "updated_at", time_str(ev->time), "creator",
	                       user(ev->actor), "description", state);
	json_array_insert(sts, 0, st);  /* newest first, as GitHub lists them */
	if (strcmp(state, "in_progress") != 0)
		deliver(g, r, "deployment_status", ev->actor,
		        json_pack("{s:s, s:O, s:O}", "action", "created",
		                  "deployment_status", st, "deployment", dep));
	json_decref(st);
}

static void on_incident(orgmri_gen_github *g, gh_repo *r,
                        const orgmri_event *ev)
{
	json_t *is = json_object_get(g->inc_map, ev->object);
	if (strcmp(ev->activity, "incident_opened") == 0) {
		const char *sev = attr(ev, "severity");
		char body[160] = "";
		for (size_t i = 0; i < ev->nrelated; i++)
			if (strncmp(ev->related[i], "deployment:", 11) == 0)
				snprintf(body, sizeof(body), "Caused by %s", ev->related[i]);
		const char *dash = strrchr(ev->object, '-');
		is = json_pack("{s:I, s:i, s:s, s:s, s:s, s:o, s:[{s:s},{s:s}], s:o,"
		               " s:o, s:n}",
		               "id", ++g->next_id, "number",
		               dash ? atoi(dash + 1) : 0, "state", "open", "title",
		               attr(ev, "title") ? attr(ev, "title") : "incident",
		               "body", body, "user", user(ev->actor), "labels", "name",
		               "incident", "name", sev ? sev : "sev3", "created_at",
		               time_str(ev->time), "updated_at", time_str(ev->time),
		               "closed_at");
		if (!is || json_object_set_new(g->inc_map, ev->object, is) ||
		    json_array_append(r->issues, is))
			g->oom = 1;
		deliver(g, r, "issues", ev->actor,
		        json_pack("{s:s, s:O}", "action", "opened", "issue", is));
		return;
	}
	if (!is)
		return;
	json_object_set_new(is, "state", json_string("closed"));
	json_object_set_new(is, "closed_at", time_str(ev->time));
	json_object_set_new(is, "updated_at", time_str(ev->time));
	deliver(g, r, "issues", ev->actor,
	        json_pack("{s:s, s:O}", "action", "closed", "issue", is));
}

static int gh_event(orgmri_sink *s, const orgmri_event *ev, orgmri_error *err)
{
	orgmri_gen_github *g = of_sink(s);
	const char *o = ev->object, *a = ev->activity;
	if (strncmp(o, "issue:", 6) == 0)
		return 0;
	if (strncmp(o, "commit:", 7) == 0) {
		if (strcmp(a, "authored") == 0)
			on_commit(g, ev);
		return g->oom ? orgmri_seterr(err, ORGMRI_ENOMEM, "out of memory") : 0;
	}
	gh_repo *r = repo_of(g, o);
	if (!r)
		return orgmri_seterr(err, ORGMRI_ENOMEM, "out of memory");
	if (strncmp(o, "change:", 7) == 0) {
		if (strcmp(a, "opened") == 0) {
			on_opened(g, r, ev);
		} else {
			json_t *pr = pr_of(r, number_of(o));
			if (!pr)
				return 0;
			if (strcmp(a, "review_requested") == 0)
				on_review_requested(g, r, ev, pr);
			else if (strcmp(a, "approved") == 0 ||
			         strcmp(a, "changes_requested") == 0)
				on_review(g, r, ev, pr);
			else if (strcmp(a, "pushed") == 0)
				on_pushed(g, r, ev, pr);
			else if (strcmp(a, "merged") == 0)
				on_merged(g, r, ev, pr);
		}
	} else if (strncmp(o, "build:", 6) == 0) {
		on_build(g, r, ev);
	} else if (strncmp(o, "deployment:", 11) == 0) {
		on_deploy(g, r, ev);
	} else if (strncmp(o, "incident:", 9) == 0) {
		on_incident(g, r, ev);
	}
	return g->oom ? orgmri_seterr(err, ORGMRI_ENOMEM,
	                              "out of memory or write failed") : 0;
}

int orgmri_gen_github_new(orgmri_gen_github **out, const char *dir,
                          FILE *webhooks, orgmri_error *err)
{
	orgmri_gen_github *g = calloc(1, sizeof(*g));
	*out = NULL;
	if (!g)
		return orgmri_seterr(err, ORGMRI_ENOMEM, "out of memory");
	g->sink.event = gh_event;
	g->hooks = webhooks;
	g->dir = dir ? strdup(dir) : NULL;
	g->commit_map = json_object();
	g->run_map = json_object();
	g->dep_map = json_object();
	g->inc_map = json_object();
	g->next_id = 100000;
	if ((dir && !g->dir) || !g->commit_map || !g->run_map || !g->dep_map ||
	    !g->inc_map) {
		orgmri_gen_github_close(g, NULL);
		return orgmri_seterr(err, ORGMRI_ENOMEM, "out of memory");
	}
	*out = g;
	return 0;
}

orgmri_sink *orgmri_gen_github_sink(orgmri_gen_github *g)
{
	return &g->sink;
}

/* mkdir -p: every folder of `path` (modified in place, then restored). */
static int make_dirs(char *path)
{
	for (char *p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		int bad = mkdir(path, 0777) != 0 && errno != EEXIST;
		*p = '/';
		if (bad)
			return -1;
	}
	return mkdir(path, 0777) != 0 && errno != EEXIST ? -1 : 0;
}

/* Write v as base/rel; with `mkdirs`, make its folder first. */
static int dump(const char *base, const char *rel, json_t *v, int mkdirs,
                orgmri_error *err)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s", base, rel);
	char *slash = strrchr(path, '/');
	if (mkdirs) {
		*slash = '\0';
		/* usually only the last folder is new */
		int made = mkdir(path, 0777) == 0 || errno == EEXIST;
		if (!made && (errno != ENOENT || make_dirs(path)))
			return orgmri_seterr(err, ORGMRI_EIO, "%s: cannot make folder: %s",
			                     path, strerror(errno));
		*slash = '/';
	}
	if (json_dump_file(v, path, JSON_INDENT(1)) != 0)
		return orgmri_seterr(err, ORGMRI_EIO, "%s: cannot write", path);
	return 0;
}

/* One folder per PR (pulls/N, issues/N) and per deployment, each made
 * once: the parents exist by then. */
static int write_repo(const char *dir, gh_repo *r, orgmri_error *err)
{
	char base[4096], rel[256];
	snprintf(base, sizeof(base), "%s/%s", dir, r->name);
	int rc = dump(base, "pulls.json", r->pulls, 1, err);
	for (size_t i = 0; !rc && i < json_array_size(r->pulls); i++) {
		if (json_is_null(json_array_get(r->pulls, i)))
			continue;
		snprintf(rel, sizeof(rel), "pulls/%zu/reviews.json", i + 1);
		rc = dump(base, rel, json_array_get(r->reviews, i), 1, err);
		snprintf(rel, sizeof(rel), "pulls/%zu/commits.json", i + 1);
		if (!rc)
			rc = dump(base, rel, json_array_get(r->commits, i), 0, err);
		snprintf(rel, sizeof(rel), "issues/%zu/timeline.json", i + 1);
		if (!rc)
			rc = dump(base, rel, json_array_get(r->timeline, i), 1, err);
	}
	if (!rc)
		rc = dump(base, "deployments.json", r->deployments, 0, err);
	for (size_t i = 0; !rc && i < json_array_size(r->deployments); i++) {
		json_t *d = json_array_get(r->deployments, i);
		snprintf(rel, sizeof(rel), "deployments/%lld/statuses.json",
		         (long long)json_integer_value(json_object_get(d, "id")));
		rc = dump(base, rel, json_array_get(r->statuses, i), 1, err);
	}
	if (!rc) {
		json_t *runs = json_pack("{s:I, s:O}", "total_count",
		                         (json_int_t)json_array_size(r->runs),
		                         "workflow_runs", r->runs);
		rc = runs ? dump(base, "actions/runs.json", runs, 1, err)
		          : orgmri_seterr(err, ORGMRI_ENOMEM, "out of memory");
		json_decref(runs);
	}
	if (!rc)
		rc = dump(base, "issues.json", r->issues, 0, err);
	return rc;
}

int orgmri_gen_github_close(orgmri_gen_github *g, orgmri_error *err)
{
	if (!g)
		return 0;
	int rc = g->oom ? orgmri_seterr(err, ORGMRI_ENOMEM,
	                                "out of memory or write failed") : 0;
	for (size_t i = 0; !rc && g->dir && i < g->nrepos; i++)
		rc = write_repo(g->dir, &g->repos[i], err);
	for (size_t i = 0; i < g->nrepos; i++) {
		gh_repo *r = &g->repos[i];
		free(r->name);
		json_decref(r->pulls);
		json_decref(r->reviews);
		json_decref(r->commits);
		json_decref(r->timeline);
		json_decref(r->runs);
		json_decref(r->deployments);
		json_decref(r->statuses);
		json_decref(r->issues);
	}
	free(g->repos);
	json_decref(g->commit_map);
	json_decref(g->run_map);
	json_decref(g->dep_map);
	json_decref(g->inc_map);
	free(g->dir);
	free(g);
	return rc;
}
