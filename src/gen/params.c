/*
 * params.c - the generator's parameters: their defaults (the bundled
 * sample organisation), their configuration keys, and reading and writing
 * them.
 *
 * One table lists every key with its type and where it lives in
 * orgmri_gen_params, so the config reader, the --set flag, the writer and
 * docs/generator.md all agree on one list.
 */
#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/util.h"
#include "orgmri/gen.h"
#include "orgmri/time.h"

typedef enum { P_U64, P_INT, P_REAL, P_DATE, P_STR, P_MODE, P_STAGE } ptype;

typedef struct param {
	const char *key;
	ptype type;
	size_t off;
	double lo, hi;  /* accepted range for numbers */
} param;

#define F(m) offsetof(orgmri_gen_params, m)

static const param params[] = {
	{ "gen.seed", P_U64, F(seed), 0, 0 },
	{ "gen.repo", P_STR, F(repo), 0, 0 },
	{ "gen.start", P_DATE, F(start), 0, 0 },
	{ "gen.days", P_REAL, F(days), 0.01, 36500 },
	{ "gen.units", P_INT, F(units), 1, 100000 },  /* x capacities < 1e7 */
	{ "gen.arrivals-per-day", P_REAL, F(arrivals_per_day), 0.001, 1e6 },
	{ "gen.commits", P_REAL, F(commits_mean), 1, 100 },
	{ "ai.rollout", P_DATE, F(rollout), 0, 0 },
	{ "ai.arrival-factor", P_REAL, F(ai_arrival_factor), 0.01, 100 },
	{ "ai.share", P_REAL, F(ai_share), 0, 1 },
	{ "ai.coding-factor", P_REAL, F(ai_coding_factor), 0.01, 100 },
	{ "stage.coding.capacity", P_INT, F(coding.capacity), 1, 10000 },
	{ "stage.coding.hours", P_REAL, F(coding.hours), 0.001, 1e5 },
	{ "stage.coding.sigma", P_REAL, F(coding.sigma), 0, 5 },
	{ "stage.review.capacity", P_INT, F(review.capacity), 1, 10000 },
	{ "stage.review.hours", P_REAL, F(review.hours), 0.001, 1e5 },
	{ "stage.review.sigma", P_REAL, F(review.sigma), 0, 5 },
	{ "stage.review.rework", P_REAL, F(rework_prob), 0, 0.95 },
	{ "stage.review.rework-hours", P_REAL, F(rework_hours), 0.001, 1e5 },
	{ "stage.security.capacity", P_INT, F(security.capacity), 1, 10000 },
	{ "stage.security.hours", P_REAL, F(security.hours), 0.001, 1e5 },
	{ "stage.security.sigma", P_REAL, F(security.sigma), 0, 5 },
	{ "stage.security.share", P_REAL, F(security_share), 0, 1 },
	{ "stage.security.rework", P_REAL, F(security_rework_prob), 0, 0.95 },
	{ "stage.qa.capacity", P_INT, F(qa.capacity), 1, 10000 },
	{ "stage.qa.hours", P_REAL, F(qa.hours), 0.001, 1e5 },
	{ "stage.qa.sigma", P_REAL, F(qa.sigma), 0, 5 },
	{ "stage.qa.share", P_REAL, F(qa_share), 0, 1 },
	{ "merge.hours", P_REAL, F(merge_hours), 0.001, 1e5 },
	{ "ci.minutes", P_REAL, F(ci_minutes), 0.1, 1e5 },
	{ "ci.fail", P_REAL, F(ci_fail_prob), 0, 0.9 },
	{ "deploy.mode", P_MODE, F(deploy_continuous), 0, 0 },
	{ "deploy.every-hours", P_REAL, F(deploy_every_hours), 0.1, 1e5 },
	{ "deploy.minutes", P_REAL, F(deploy_minutes), 0.1, 1e5 },
	{ "deploy.fail", P_REAL, F(deploy_fail_prob), 0, 0.9 },
	{ "incident.prob", P_REAL, F(incident_prob), 0, 1 },
	{ "incident.restore-hours", P_REAL, F(restore_hours), 0.001, 1e5 },
	{ "plant.stage", P_STAGE, F(plant), 0, 0 },
	{ "plant.load", P_REAL, F(plant_load), 0.01, 2 },
	{ "plant.other-load", P_REAL, F(other_load), 0.01, 2 },
};

#define NPARAMS (sizeof(params) / sizeof(params[0]))

static const char *const stage_names[ORGMRI_GEN_NSTAGES] = {
	"coding", "pickup", "review", "security", "qa", "merge", "deploy"
};

const char *orgmri_gen_stage_name(int stage)
{
	if (stage < 0 || stage >= ORGMRI_GEN_NSTAGES)
		return "none";
	return stage_names[stage];
}

/* Only the stages that are pools of people can be planted. */
static int pool_stage(int s)
{
	return s == ORGMRI_GEN_CODING || s == ORGMRI_GEN_REVIEW ||
	       s == ORGMRI_GEN_SECURITY || s == ORGMRI_GEN_QA;
}

/*
 * The sample organisation: one product team of 14 developers, 3 senior
 * reviewers, 2 security engineers and 2 QA engineers, deploying once a
 * day.  Before the rollout security runs at about 0.7 of its capacity;
 * after it (AI-assisted coding takes 0.55 of the time, 35% more work
 * arriving) security saturates and absorbs what coding gained.
 */
void orgmri_gen_params_default(orgmri_gen_params *p)
{
	memset(p, 0, sizeof(*p));
	p->seed = 3;
	snprintf(p->repo, sizeof(p->repo), "acme/shop");
	p->start = orgmri_days_from_civil(2026, 1, 5) * 86400000;
	p->days = 240;
	p->rollout = orgmri_days_from_civil(2026, 5, 5) * 86400000;
	p->units = 1;
	p->arrivals_per_day = 6;
	p->commits_mean = 2.5;
	p->ai_arrival_factor = 1.35;
	p->ai_share = 0.8;
	p->ai_coding_factor = 0.55;
	p->coding = (orgmri_gen_pool){ 14, 16, 0.6 };
	p->review = (orgmri_gen_pool){ 3, 2.5, 0.5 };
	p->rework_prob = 0.3;
	p->rework_hours = 3;
	p->security = (orgmri_gen_pool){ 2, 7.75, 0.4 };
	p->security_share = 0.6;
	p->security_rework_prob = 0.15;
	p->qa = (orgmri_gen_pool){ 2, 2, 0.5 };
	p->qa_share = 0.3;
	p->merge_hours = 1;
	p->ci_minutes = 12;
	p->ci_fail_prob = 0.15;
	p->deploy_continuous = 0;
	p->deploy_every_hours = 24;
	p->deploy_minutes = 20;
	p->deploy_fail_prob = 0.05;
	p->incident_prob = 0.01;
	p->restore_hours = 3;
	p->plant = -1;
	p->plant_load = 0.92;
	p->other_load = 0.5;
}

static const param *find_param(const char *key)
{
	for (size_t i = 0; i < NPARAMS; i++)
		if (strcasecmp(params[i].key, key) == 0)
			return &params[i];
	return NULL;
}

static int bad(orgmri_error *err, const char *key, const char *value,
               const char *why)
{
	return orgmri_seterr(err, ORGMRI_EINVAL, "%s = \"%.60s\": %s", key,
	                     value, why);
}

static int set_number(const param *d, void *at, const char *value,
                      orgmri_error *err)
{
	char *end;
	errno = 0;
	double v = strtod(value, &end);
	if (end == value || *end || errno || !isfinite(v))
		return bad(err, d->key, value, "not a number");
	if (d->type == P_U64) {
		unsigned long long u = strtoull(value, &end, 10);
		if (*end || value[0] == '-')
			return bad(err, d->key, value, "not a whole number");
		*(uint64_t *)at = u;
		return 0;
	}
	if (v < d->lo || v > d->hi) {
		char why[96];
		snprintf(why, sizeof(why), "must be between %g and %g", d->lo, d->hi);
		return bad(err, d->key, value, why);
	}
	if (d->type == P_INT) {
		if (v != floor(v))
			return bad(err, d->key, value, "not a whole number");
		*(int *)at = (int)v;
	} else {
		*(double *)at = v;
	}
	return 0;
}

int orgmri_gen_params_set(orgmri_gen_params *p, const char *key,
                          const char *value, orgmri_error *err)
{
	const param *d = find_param(key);
	if (!d)
		return orgmri_seterr(err, ORGMRI_EINVAL,
		                     "unknown generator setting \"%.80s\" (see "
		                     "docs/generator.md)", key);
	void *at = (char *)p + d->off;
	int64_t t;
	switch (d->type) {
	case P_U64:
	case P_INT:
	case P_REAL:
		return set_number(d, at, value, err);
	case P_DATE:
		if (orgmri_time_parse(value, strlen(value), 0, &t, NULL, NULL))
			return bad(err, d->key, value, "not a date (e.g. 2026-05-05)");
		*(int64_t *)at = t;
		return 0;
	case P_STR:
		if (!value[0] || strlen(value) >= sizeof(p->repo) ||
		    strpbrk(value, " ;#\"\\") || !strchr(value, '/'))
			return bad(err, d->key, value,
			           "must be OWNER/NAME, under 64 characters");
		snprintf(p->repo, sizeof(p->repo), "%s", value);
		return 0;
	case P_MODE:
		if (strcasecmp(value, "continuous") == 0)
			p->deploy_continuous = 1;
		else if (strcasecmp(value, "scheduled") == 0)
			p->deploy_continuous = 0;
		else
			return bad(err, d->key, value,
			           "must be scheduled or continuous");
		return 0;
	case P_STAGE:
		if (strcasecmp(value, "none") == 0) {
			p->plant = -1;
			return 0;
		}
		for (int s = 0; s < ORGMRI_GEN_NSTAGES; s++)
			if (pool_stage(s) && strcasecmp(value, stage_names[s]) == 0) {
				p->plant = s;
				return 0;
			}
		return bad(err, d->key, value,
		           "must be none, coding, review, security or qa");
	}
	return 0;
}

typedef struct cfg_ctx {
	orgmri_gen_params *p;
	orgmri_error *err;
} cfg_ctx;

static int apply_entry(const char *name, const char *value, void *vctx)
{
	cfg_ctx *c = vctx;
	return orgmri_gen_params_set(c->p, name, value, c->err);
}

int orgmri_gen_params_from_config(orgmri_gen_params *p,
                                  const orgmri_config *cfg,
                                  orgmri_error *err)
{
	static const char *const sections[] = {
		"gen.", "ai.", "stage.", "merge.", "ci.", "deploy.", "incident.",
		"plant."
	};
	cfg_ctx c = { p, err };
	for (size_t i = 0; i < sizeof(sections) / sizeof(sections[0]); i++) {
		int rc = orgmri_config_each_prefix(cfg, sections[i], apply_entry, &c);
		if (rc)
			return rc;
	}
	return 0;
}

/* Print one value in the form orgmri_gen_params_set reads back to the
 * same bits ("%.15g" round-trips the decimal constants we use). */
static void print_value(const orgmri_gen_params *p, const param *d, FILE *fp)
{
	const void *at = (const char *)p + d->off;
	char tb[ORGMRI_TIME_BUFSZ];
	switch (d->type) {
	case P_U64: fprintf(fp, "%llu", (unsigned long long)*(const uint64_t *)at); break;
	case P_INT: fprintf(fp, "%d", *(const int *)at); break;
	case P_REAL: fprintf(fp, "%.15g", *(const double *)at); break;
	case P_DATE: fputs(orgmri_time_format(*(const int64_t *)at, tb), fp); break;
	case P_STR: fputs(p->repo, fp); break;
	case P_MODE: fputs(p->deploy_continuous ? "continuous" : "scheduled", fp); break;
	case P_STAGE: fputs(p->plant < 0 ? "none" : stage_names[p->plant], fp); break;
	}
}

int orgmri_gen_params_write(const orgmri_gen_params *p, FILE *fp,
                            orgmri_error *err)
{
	char section[64] = "";
	for (size_t i = 0; i < NPARAMS; i++) {
		const char *key = params[i].key;
		const char *last = strrchr(key, '.');
		size_t sl = (size_t)(last - key);
		if (strlen(section) != sl || strncmp(section, key, sl) != 0) {
			snprintf(section, sizeof(section), "%.*s", (int)sl, key);
			const char *dot = strchr(section, '.');
			if (dot)
				fprintf(fp, "%s[%.*s \"%s\"]\n", i ? "\n" : "",
				        (int)(dot - section), section, dot + 1);
			else
				fprintf(fp, "%s[%s]\n", i ? "\n" : "", section);
		}
		fprintf(fp, "\t%s = ", last + 1);
		print_value(p, &params[i], fp);
		fputc('\n', fp);
	}
	if (fflush(fp) != 0 || ferror(fp))
		return orgmri_seterr(err, ORGMRI_EIO, "write failed");
	return 0;
}
