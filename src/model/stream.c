/*
 * stream.c - the built-in value streams and their configuration
 * overrides.
 *
 * The streams are data: one table row per stage with its kind and its two
 * selectors (grammar in include/orgmri/model.h).  The PR stream follows
 * DESIGN.md's table; the issue stream walks the tracker's status
 * categories; the "devlake" stream reproduces Apache DevLake's
 * project_pr_metrics stage definitions (change_lead_time_calculator.go)
 * so that its expected outputs can be checked stage by stage.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/util.h"
#include "orgmri/model.h"

typedef struct stage_row {
	const char *stream, *object_type, *name;
	orgmri_stage_kind kind;
	const char *start, *end;
} stage_row;

#define REVIEW_ACTS "commented,changes_requested,approved"
/* "later than category X": entering any later category ends stage X */
#define AFTER_SPEC "status_changed[category=ready],status_changed[category=in_progress]," \
	"status_changed[category=review],status_changed[category=qa]," \
	"status_changed[category=done],resolved"
#define AFTER_READY "status_changed[category=in_progress]," \
	"status_changed[category=review],status_changed[category=qa]," \
	"status_changed[category=done],resolved"
#define AFTER_PROGRESS "status_changed[category=review]," \
	"status_changed[category=qa],status_changed[category=done],resolved"
#define AFTER_REVIEW "status_changed[category=qa],status_changed[category=done],resolved"
#define AFTER_QA "status_changed[category=done],resolved"

static const stage_row builtin[] = {
	{ "pr", "change", "coding", ORGMRI_STAGE_WORK,
	  "first authored@commits", "first ready_for_review|opened" },
	{ "pr", "change", "pickup", ORGMRI_STAGE_WAIT,
	  "first ready_for_review|opened", "first " REVIEW_ACTS " !author" },
	{ "pr", "change", "review", ORGMRI_STAGE_WORK,
	  "first " REVIEW_ACTS " !author", "last approved[team=]" },
	{ "pr", "change", "security", ORGMRI_STAGE_WAIT,
	  "first review_requested[team=security]",
	  "first approved[team=security]" },
	{ "pr", "change", "qa", ORGMRI_STAGE_WAIT,
	  "first review_requested[team=qa]", "first approved[team=qa]" },
	{ "pr", "change", "merge", ORGMRI_STAGE_WAIT,
	  "last approved", "first merged" },
	{ "pr", "change", "deploy", ORGMRI_STAGE_WAIT,
	  "first merged", "first deployed@deploy" },

	{ "issue", "issue", "spec", ORGMRI_STAGE_WORK,
	  "first status_changed[category=spec]|created", "first " AFTER_SPEC },
	{ "issue", "issue", "ready", ORGMRI_STAGE_WAIT,
	  "first status_changed[category=ready]", "first " AFTER_READY },
	{ "issue", "issue", "in_progress", ORGMRI_STAGE_WORK,
	  "first status_changed[category=in_progress]", "first " AFTER_PROGRESS },
	{ "issue", "issue", "review", ORGMRI_STAGE_WAIT,
	  "first status_changed[category=review]", "first " AFTER_REVIEW },
	{ "issue", "issue", "qa", ORGMRI_STAGE_WAIT,
	  "first status_changed[category=qa]", "first " AFTER_QA },
	{ "issue", "issue", "done", ORGMRI_STAGE_WAIT,
	  "first status_changed[category=done]|resolved",
	  "first deployed@deploy" },

	/* DevLake: coding = first commit authored -> PR created; pickup =
	 * created -> first comment/review by another account; review = that
	 * -> merged; deploy = merged -> first production deployment */
	{ "devlake", "change", "coding", ORGMRI_STAGE_WORK,
	  "first authored@commits", "first opened" },
	{ "devlake", "change", "pickup", ORGMRI_STAGE_WAIT,
	  "first opened", "first " REVIEW_ACTS " !author" },
	{ "devlake", "change", "review", ORGMRI_STAGE_WORK,
	  "first " REVIEW_ACTS " !author", "first merged" },
	{ "devlake", "change", "deploy", ORGMRI_STAGE_WAIT,
	  "first merged", "first deployed@deploy" },
};

#define NBUILTIN (sizeof(builtin) / sizeof(builtin[0]))

static void set_stage(orgmri_stage_def *d, const char *name,
                      orgmri_stage_kind kind, const char *start,
                      const char *end)
{
	snprintf(d->name, sizeof(d->name), "%s", name);
	d->kind = kind;
	snprintf(d->start, sizeof(d->start), "%s", start);
	snprintf(d->end, sizeof(d->end), "%s", end);
}

int orgmri_stream_builtin(orgmri_stream *out, const char *name,
                          orgmri_error *err)
{
	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < NBUILTIN; i++) {
		if (strcmp(builtin[i].stream, name) != 0)
			continue;
		snprintf(out->name, sizeof(out->name), "%s", name);
		snprintf(out->object_type, sizeof(out->object_type), "%s",
		         builtin[i].object_type);
		set_stage(&out->stages[out->nstages++], builtin[i].name,
		          builtin[i].kind, builtin[i].start, builtin[i].end);
	}
	if (out->nstages == 0)
		return orgmri_seterr(err, ORGMRI_ENOTFOUND,
		                     "no value stream \"%s\" (choose pr, issue or "
		                     "devlake)", name);
	return 0;
}

typedef struct override_ctx {
	orgmri_stream *s;
	const orgmri_config *cfg;
	orgmri_error *err;
	int rc;
} override_ctx;

static orgmri_stage_def *find_or_add(orgmri_stream *s, const char *name,
                                     size_t len)
{
	for (size_t i = 0; i < s->nstages; i++)
		if (strlen(s->stages[i].name) == len &&
		    strncasecmp(s->stages[i].name, name, len) == 0)
			return &s->stages[i];
	if (s->nstages == ORGMRI_STREAM_MAX_STAGES ||
	    len >= ORGMRI_STAGE_NAME_MAX)
		return NULL;
	orgmri_stage_def *d = &s->stages[s->nstages++];
	memset(d, 0, sizeof(*d));
	memcpy(d->name, name, len);
	d->kind = ORGMRI_STAGE_WAIT;
	return d;
}

static void remove_stage(orgmri_stream *s, orgmri_stage_def *d)
{
	size_t i = (size_t)(d - s->stages);
	memmove(&s->stages[i], &s->stages[i + 1],
	        (s->nstages - i - 1) * sizeof(*d));
	s->nstages--;
}

/* The stream a configured stage belongs to: stage.<NAME>.stream, "pr" by
 * default. */
static const char *stage_stream(const orgmri_config *cfg, const char *stage,
                                size_t len)
{
	char key[128];
	snprintf(key, sizeof(key), "stage.%.*s.stream", (int)len, stage);
	return orgmri_config_string(cfg, key, "pr");
}

static int apply_override(const char *name, const char *value, void *vctx)
{
	override_ctx *c = vctx;
	const char *stage = name + strlen("stage.");
	const char *dot = strrchr(stage, '.');
	if (!dot || dot == stage)
		return 0;
	size_t len = (size_t)(dot - stage);
	const char *field = dot + 1;
	if (strcmp(stage_stream(c->cfg, stage, len), c->s->name) != 0)
		return 0;
	if (strcasecmp(field, "stream") == 0)
		return 0;
	orgmri_stage_def *d = find_or_add(c->s, stage, len);
	if (!d) {
		c->rc = orgmri_seterr(c->err, ORGMRI_ELIMIT,
		                      "%s: too many stages or name too long", name);
		return c->rc;
	}
	if (strcasecmp(field, "start") == 0 || strcasecmp(field, "end") == 0) {
		if ((c->rc = orgmri_selector_check(value, c->err))) {
			orgmri_err_prefix(c->err, "%s", name);
			return c->rc;
		}
		char *dst = strcasecmp(field, "start") == 0 ? d->start : d->end;
		if (strlen(value) >= ORGMRI_SELECTOR_MAX) {
			c->rc = orgmri_seterr(c->err, ORGMRI_ELIMIT,
			                      "%s: selector longer than %d", name,
			                      ORGMRI_SELECTOR_MAX - 1);
			return c->rc;
		}
		strcpy(dst, value);
	} else if (strcasecmp(field, "kind") == 0) {
		if (strcasecmp(value, "work") == 0)
			d->kind = ORGMRI_STAGE_WORK;
		else if (strcasecmp(value, "wait") == 0)
			d->kind = ORGMRI_STAGE_WAIT;
		else {
			c->rc = orgmri_seterr(c->err, ORGMRI_EPARSE,
			                      "%s: \"%s\" is not wait or work", name,
			                      value);
			return c->rc;
		}
	} else if (strcasecmp(field, "remove") == 0) {
		if (strcasecmp(value, "true") == 0 || strcmp(value, "1") == 0 ||
		    strcasecmp(value, "yes") == 0)
			remove_stage(c->s, d);
	} else {
		c->rc = orgmri_seterr(c->err, ORGMRI_EPARSE,
		                      "%s: unknown stage setting (use start, end, "
		                      "kind, stream or remove)", name);
		return c->rc;
	}
	return 0;
}

int orgmri_stream_configured(orgmri_stream *out, const char *name,
                             const orgmri_config *cfg, orgmri_error *err)
{
	int rc = orgmri_stream_builtin(out, name, err);
	if (rc || !cfg)
		return rc;
	override_ctx c = { out, cfg, err, 0 };
	orgmri_config_each_prefix(cfg, "stage.", apply_override, &c);
	if (c.rc)
		return c.rc;
	for (size_t i = 0; i < out->nstages; i++)
		if (!out->stages[i].start[0] || !out->stages[i].end[0])
			return orgmri_seterr(err, ORGMRI_EPARSE,
			                     "stage.%s: a new stage needs both start "
			                     "and end", out->stages[i].name);
	return 0;
}
