/*
 * advice.c - what to fix first, ordered by Theory of Constraints.
 *
 * Improving anything but the constraint does not raise throughput, so the
 * constraint's levers come first, picked by the evidence (a saturated
 * stage needs capacity or less demand on it; a stage whose waits come with
 * rework needs clearer input), then the health findings that feed it, then
 * a warning about what will limit next.  Expected effects use Kingman's
 * approximation, wait ~ rho / (1 - rho): rough on purpose, and each says
 * so and points at `orgmri simulate` for a calibrated answer.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "orgmri/diagnose.h"

/* Levers per stage name, most direct first. */
static const struct lever {
	const char *stage;
	const char *lever;
	int capacity;   /* acts by adding people (else by cutting demand) */
	double demand;  /* share of demand removed when not capacity */
} levers[] = {
	{ "security", "risk-based review tiers: send only high-risk changes "
	  "(auth, crypto, dependencies, infrastructure, large diffs) to manual "
	  "security review, scan the rest automatically", 0, 0.5 },
	{ "security", "add security reviewer capacity, or train reviewers in "
	  "product teams as security champions", 1, 0 },
	{ "review", "spread review: more reviewers per codebase, review "
	  "rotation, no single gatekeeper", 1, 0 },
	{ "review", "smaller pull requests and a WIP limit on open changes "
	  "per author", 0, 0.25 },
	{ "pickup", "a review service level (first response within a working "
	  "day) and review rotation", 1, 0 },
	{ "qa", "automate regression checks before manual QA; test in the "
	  "pipeline, not after it", 0, 0.4 },
	{ "qa", "add QA capacity or embed testing in the teams", 1, 0 },
	{ "coding", "clearer specifications and smaller work items before "
	  "coding starts", 0, 0.2 },
	{ "merge", "a merge queue and automated merge once approved", 0, 0.5 },
	{ "deploy", "deploy more often: continuous deployment of each merged "
	  "change", 0, 0.5 },
};

static double wait_factor(double rho)
{
	return rho / (1.0 - rho);
}

static void expect_text(const orgmri_stage_row *s, const struct lever *lv,
                        char *out, size_t size)
{
	double rho = s->load_after.utilisation;
	int c = s->load_after.servers;
	if (!s->has_load || isnan(rho) || c <= 0) {
		snprintf(out, size, "shorter waits in %s; run `orgmri simulate` "
		         "for a calibrated estimate", s->name);
		return;
	}
	double rho2 = lv->capacity ? rho * c / (c + 1.0) : rho * (1 - lv->demand);
	const char *how = lv->capacity ? "one more person" : "that share less "
	                  "demand";
	if (rho >= 1.0) {
		snprintf(out, size, "the queue grows without bound now (%.0f%% "
		         "utilised); %s brings it to %.0f%%, so waits stop growing "
		         "(Kingman estimate; `orgmri simulate` calibrates it)",
		         100 * rho, how, 100 * rho2);
		return;
	}
	double f = wait_factor(rho2) / wait_factor(rho);
	snprintf(out, size, "utilisation %.0f%% -> %.0f%% with %s: waiting in "
	         "%s about %.0f%% shorter (Kingman estimate; `orgmri simulate` "
	         "calibrates it)", 100 * rho, 100 * rho2, how, s->name,
	         100 * (1 - f));
}

static orgmri_advice *add(orgmri_diagnosis *d)
{
	if (d->nadvice >= ORGMRI_DIAG_MAX_ADVICE)
		return NULL;
	orgmri_advice *a = &d->advice[d->nadvice++];
	memset(a, 0, sizeof(*a));
	return a;
}

static const orgmri_health_row *health(const orgmri_diagnosis *d,
                                       const char *name)
{
	for (size_t i = 0; i < d->nhealth; i++)
		if (strcmp(d->health[i].name, name) == 0)
			return &d->health[i];
	return NULL;
}

static void constraint_levers(orgmri_diagnosis *d, size_t stage)
{
	/* a copy: the advice is written into the same struct */
	const orgmri_stage_row row = d->stages[stage];
	const orgmri_stage_row *s = &row;
	char reason[sizeof(d->constraint_after.reason)];
	memcpy(reason, d->constraint_after.reason, sizeof(reason));
	size_t found = 0;
	for (size_t i = 0; i < sizeof(levers) / sizeof(levers[0]); i++) {
		if (strcasecmp(levers[i].stage, s->name) != 0)
			continue;
		orgmri_advice *a = add(d);
		if (!a)
			return;
		found++;
		snprintf(a->stage, sizeof(a->stage), "%s", s->name);
		snprintf(a->lever, sizeof(a->lever), "%s", levers[i].lever);
		snprintf(a->why, sizeof(a->why), "%s is the constraint: %s",
		         s->name, reason);
		expect_text(s, &levers[i], a->expect, sizeof(a->expect));
	}
	if (found == 0) {
		orgmri_advice *a = add(d);
		if (!a)
			return;
		snprintf(a->stage, sizeof(a->stage), "%s", s->name);
		snprintf(a->lever, sizeof(a->lever), "add capacity to %s or cut "
		         "the work that reaches it (WIP limit upstream)", s->name);
		snprintf(a->why, sizeof(a->why), "%s is the constraint: %s",
		         s->name, reason);
		struct lever generic = { s->name, "", 1, 0 };
		expect_text(s, &generic, a->expect, sizeof(a->expect));
	}
}

/* Health findings that make the constraint worse, as levers. */
static void health_levers(orgmri_diagnosis *d)
{
	static const struct {
		const char *indicator, *lever, *expect;
	} rules[] = {
		{ "review load concentration", "spread review load: the top "
		  "reviewers are a bottleneck and a risk (hero culture)",
		  "fewer items waiting for the same few people" },
		{ "rework cycles", "clearer specifications and earlier feedback "
		  "(pairing, design review) to cut review rounds",
		  "fewer review rounds per change, less load on reviewers" },
		{ "CI pass rate", "fix flaky and slow checks; run them before "
		  "asking for human review", "fewer wasted review rounds" },
		{ "PR size", "smaller batches: split large changes", "faster, "
		  "safer reviews; less rework" },
		{ "unassigned reviews", "assign reviewers automatically "
		  "(CODEOWNERS, rotation)", "shorter pickup" },
		{ "CODEOWNERS coverage", "give every path an owner in CODEOWNERS "
		  "so that reviews are requested automatically",
		  "shorter pickup, fewer changes reviewed by the wrong people" },
		{ "integration: same files", "limit work in progress and keep "
		  "branches short-lived: merge small changes often",
		  "fewer conflicts and re-reviews after rebases" },
		{ "integration: base merges", "shorter-lived branches (trunk-based "
		  "development) instead of merging the base branch in",
		  "less integration work per change" },
		{ "truck factor", "spread knowledge: pair on and rotate the code "
		  "few people know", "no single departure stalls delivery" },
		{ "code churn", "settle what to build before building it "
		  "(clearer specifications, design review, smaller slices)",
		  "less code rewritten within weeks of being written" },
	};
	/* one slot stays free for what becomes the constraint next */
	for (size_t r = 0; r < sizeof(rules) / sizeof(rules[0]) &&
	                   d->nadvice + 1 < ORGMRI_DIAG_MAX_ADVICE; r++) {
		const orgmri_health_row *hp = health(d, rules[r].indicator);
		if (!hp || !hp->concern)
			continue;
		const orgmri_health_row hr = *hp, *h = &hr;
		orgmri_advice *a = add(d);
		if (!a)
			return;
		snprintf(a->stage, sizeof(a->stage), "health");
		snprintf(a->lever, sizeof(a->lever), "%s", rules[r].lever);
		snprintf(a->why, sizeof(a->why), "%s: %s", h->name, h->detail);
		snprintf(a->expect, sizeof(a->expect), "%s", rules[r].expect);
	}
}

void orgmri_advise(orgmri_diagnosis *d)
{
	d->nadvice = 0;
	const orgmri_constraint cc = d->constraint_after, *c = &cc;
	if (c->stage >= 0 && (size_t)c->stage < d->nstages)
		constraint_levers(d, (size_t)c->stage);
	health_levers(d);
	if (c->next >= 0 && (size_t)c->next < d->nstages && c->stage >= 0) {
		const orgmri_stage_row nr = d->stages[c->next], *n = &nr;
		char cname[sizeof(nr.name)];
		memcpy(cname, d->stages[c->stage].name, sizeof(cname));
		orgmri_advice *a = add(d);
		if (a) {
			snprintf(a->stage, sizeof(a->stage), "%s", n->name);
			snprintf(a->lever, sizeof(a->lever), "watch %s: it becomes the "
			         "constraint once %s is relieved", n->name, cname);
			snprintf(a->why, sizeof(a->why), "%s is the next busiest stage "
			         "(%.0f%% utilised)", n->name,
			         100 * n->load_after.utilisation);
			snprintf(a->expect, sizeof(a->expect), "plan its capacity "
			         "before the constraint moves there");
		}
	}
	if (c->stage < 0) {
		orgmri_advice *a = add(d);
		if (a) {
			snprintf(a->stage, sizeof(a->stage), "-");
			snprintf(a->lever, sizeof(a->lever), "record the missing "
			         "events first (see the notes), then scan again");
			snprintf(a->why, sizeof(a->why), "%s", c->reason);
			snprintf(a->expect, sizeof(a->expect), "a constraint orgmri "
			         "can name with confidence");
		}
	}
}
