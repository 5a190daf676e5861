/*
 * cmd_simulate.c - `orgmri simulate`: calibrate the delivery simulation on
 * the store's history, then run the baseline and each what-if scenario
 * and compare them (lead time, throughput, per-stage utilisation and
 * wait, the constraint and where it moves next).
 */
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

#define MAX_SCENARIOS 64

enum {
	OPT_CALIBRATION = 2000, OPT_SCENARIO, OPT_SCENARIOS, OPT_REPS,
	OPT_WEEKS, OPT_WARMUP, OPT_SEED, OPT_THREADS, OPT_MIGRATE, OPT_TREND,
	OPT_BACKTEST, OPT_RELEASES
};

static const struct option sim_options[] = {
	{ "calibration", no_argument, NULL, OPT_CALIBRATION },
	{ "scenario", required_argument, NULL, OPT_SCENARIO },
	{ "scenarios", required_argument, NULL, OPT_SCENARIOS },
	{ "replications", required_argument, NULL, OPT_REPS },
	{ "weeks", required_argument, NULL, OPT_WEEKS },
	{ "warmup", required_argument, NULL, OPT_WARMUP },
	{ "seed", required_argument, NULL, OPT_SEED },
	{ "threads", required_argument, NULL, OPT_THREADS },
	{ "migrate", required_argument, NULL, OPT_MIGRATE },
	{ "trend", no_argument, NULL, OPT_TREND },
	{ "backtest", required_argument, NULL, OPT_BACKTEST },
	{ "releases", required_argument, NULL, OPT_RELEASES },
	{ NULL, 0, NULL, 0 },
};

typedef struct sim_args {
	int calibration, trend;
	const char *scenario_text[MAX_SCENARIOS];
	int nscenario_text;
	const char *scenario_file;
	long reps, weeks, warmup, threads, migrate;
	unsigned long long seed;
	int64_t backtest;   /* end of the predicted period, or 0 */
	int releases;       /* ORGMRI_SIM_RELEASES_* */
} sim_args;

/* --releases names, indexed by ORGMRI_SIM_RELEASES_*. */
static const char *const release_modes[] = { "waits", "train", "actual",
                                              "actual-waits" };
#define NRELEASE_MODES (sizeof(release_modes) / sizeof(release_modes[0]))

/* A stage's people as printed: none for deploy and for a delay (no one
 * recorded doing the stage, servers = 0). */
static int has_people(int stage, int servers)
{
	return stage != ORGMRI_STAGE_DEPLOY && servers > 0;
}

static void people_text(char buf[16], int stage, int servers)
{
	if (has_people(stage, servers))
		snprintf(buf, 16, "%d", servers);
	else
		snprintf(buf, 16, "-");
}

static json_t *people_json(int stage, int servers)
{
	return has_people(stage, servers) ? json_integer(servers) : json_null();
}

static int parse_long(cli_ctx *ctx, const char *name, const char *arg,
                      long lo, long hi, long *out)
{
	char *end;
	errno = 0;
	long v = strtol(arg, &end, 10);
	if (errno || *end || end == arg || v < lo || v > hi)
		return cli_usage_error(ctx, "--%s: expected a whole number "
		                       "%ld..%ld, got \"%s\"", name, lo, hi, arg);
	*out = v;
	return 0;
}

static int on_option(cli_ctx *ctx, int opt, const char *arg, void *st)
{
	sim_args *a = st;
	long v = 0;
	switch (opt) {
	case OPT_CALIBRATION: a->calibration = 1; return 0;
	case OPT_TREND: a->trend = 1; return 0;
	case OPT_SCENARIO:
		if (a->nscenario_text == MAX_SCENARIOS)
			return cli_usage_error(ctx, "at most %d --scenario options",
			                       MAX_SCENARIOS);
		a->scenario_text[a->nscenario_text++] = arg;
		return 0;
	case OPT_SCENARIOS: a->scenario_file = arg; return 0;
	case OPT_RELEASES:
		for (size_t i = 0; i < NRELEASE_MODES; i++)
			if (strcmp(arg, release_modes[i]) == 0) {
				a->releases = (int)i;
				return 0;
			}
		return cli_usage_error(ctx, "--releases: expected waits, train, "
		                       "actual or actual-waits, got \"%s\"", arg);
	case OPT_BACKTEST:
		if (cli_parse_time(arg, &a->backtest))
			return cli_usage_error(ctx, "--backtest: expected a date "
			                       "(YYYY-MM-DD or RFC 3339), got \"%s\"", arg);
		return 0;
	case OPT_REPS: return parse_long(ctx, "replications", arg, 1, 100000,
	                                 &a->reps);
	case OPT_WEEKS: return parse_long(ctx, "weeks", arg, 1, 520, &a->weeks);
	case OPT_WARMUP: return parse_long(ctx, "warmup", arg, 0, 519,
	                                   &a->warmup);
	case OPT_THREADS: return parse_long(ctx, "threads", arg, 1, 64,
	                                    &a->threads);
	case OPT_MIGRATE: return parse_long(ctx, "migrate", arg, 0, 6,
	                                    &a->migrate);
	case OPT_SEED:
		if (parse_long(ctx, "seed", arg, 0, 2147483647L, &v))
			return EXIT_USAGE;
		a->seed = (unsigned long long)v;
		return 0;
	}
	return cli_usage_error(ctx, "unexpected option");
}

/* ---- calibration report ------------------------------------------------ */

static void print_calibration_text(FILE *fp, const orgmri_sim_calibration *c)
{
	const orgmri_sim_model *m = &c->model;
	fprintf(fp, "calibration: %zu changes over %.1f weeks (in progress in "
	        "the window; %zu arrived in it)\n", c->nitems, c->weeks,
	        c->narrivals);
	fprintf(fp, "arrivals     %.2f per week (least squares: %.2f %+.3f per "
	        "week)\n", c->rate_mean, c->rate_a, c->rate_b);
	fprintf(fp, "\n%-9s %6s %6s %7s %9s %9s %9s %9s %8s\n", "stage",
	        "items", "share", "people", "span p50", "span p85", "work p50",
	        "work p85", "wait avg");
	for (int s = 0; s < ORGMRI_SIM_NSTAGES; s++) {
		const orgmri_sim_stage_fit *f = &c->fit[s];
		if (s == ORGMRI_STAGE_DEPLOY) {
			fprintf(fp, "%-9s %6zu %6.2f %7s %8.1fh %8.1fh  (merge -> "
			        "production wait)\n", orgmri_sim_stage_name(s),
			        f->visits, f->share, "-", c->deploy_wait_p50,
			        c->deploy_wait_p85);
			continue;
		}
		char people[16];
		people_text(people, s, m->stage[s].servers);
		fprintf(fp, "%-9s %6zu %6.2f %7s %8.1fh %8.1fh %8.1fh %8.1fh "
		        "%7.1fh\n", orgmri_sim_stage_name(s), f->visits, f->share,
		        people, f->span_p50, f->span_p85, f->work_p50,
		        f->work_p85, f->wait_mean);
	}
	fprintf(fp, "people = median distinct people ending the stage per "
	        "active week (- = no one recorded: a delay, no queue); work = "
	        "span minus estimated queueing\n");
	fprintf(fp, "coding       %zu of %zu visits unobserved (0 h: first "
	        "commit = merge, e.g. squash; %.2f), left out of its fit\n",
	        c->coding_unobserved, c->fit[ORGMRI_STAGE_CODING].visits,
	        m->p_unobserved);
	fprintf(fp, "\nrouting      security review by tier: low %.2f (n=%zu), "
	        "medium %.2f (n=%zu), high %.2f (n=%zu)\n",
	        c->p_security[0], c->tier_n[0], c->p_security[1], c->tier_n[1],
	        c->p_security[2], c->tier_n[2]);
	fprintf(fp, "profiles     %zu finished changes resampled as item "
	        "profiles\n", m->nprofiles);
	fprintf(fp, "rework       %.2f of reviewed changes, %.2f loops each, "
	        "%.1f h per loop (n=%zu)\n", c->p_rework, c->rework_loops_mean,
	        c->rework_p50, m->nrework);
	fprintf(fp, "deployments  %zu (%.2f per week, interval p50 %.1f h)\n",
	        c->ndeploys, c->deploys_per_week, c->deploy_interval_p50);
	fprintf(fp, "releases     %zu shipped a change (interval p50 %.1f h); "
	        "the train resamples %zu intervals\n", c->nreleases,
	        c->release_interval_p50, m->ndeploy_intervals);
	fprintf(fp, "incidents    %zu (%.3f per deployment)\n", c->nincidents,
	        m->p_incident);
}

static json_t *calibration_json(const orgmri_sim_calibration *c)
{
	const orgmri_sim_model *m = &c->model;
	json_t *o = json_object(), *st = json_array();
	json_object_set_new(o, "items", json_integer((json_int_t)c->nitems));
	json_object_set_new(o, "weeks", json_real(c->weeks));
	json_t *arr = json_object();
	json_object_set_new(arr, "count", json_integer((json_int_t)c->narrivals));
	json_object_set_new(arr, "per_week", json_real(c->rate_mean));
	json_object_set_new(arr, "trend_a", json_real(c->rate_a));
	json_object_set_new(arr, "trend_b", json_real(c->rate_b));
	json_object_set_new(o, "arrivals", arr);
	for (int s = 0; s < ORGMRI_SIM_NSTAGES; s++) {
		const orgmri_sim_stage_fit *f = &c->fit[s];
		json_t *x = json_object();
		json_object_set_new(x, "stage", json_string(orgmri_sim_stage_name(s)));
		json_object_set_new(x, "items", json_integer((json_int_t)f->visits));
		json_object_set_new(x, "share", json_real(f->share));
		if (s != ORGMRI_STAGE_DEPLOY) {
			json_object_set_new(x, "people",
			                    people_json(s, m->stage[s].servers));
			json_object_set_new(x, "people_weeks",
			                    json_integer((json_int_t)f->capacity_weeks));
			json_object_set_new(x, "span_p50_hours", json_real(f->span_p50));
			json_object_set_new(x, "span_p85_hours", json_real(f->span_p85));
			json_object_set_new(x, "work_p50_hours", json_real(f->work_p50));
			json_object_set_new(x, "work_p85_hours", json_real(f->work_p85));
			json_object_set_new(x, "wait_mean_hours", json_real(f->wait_mean));
		}
		json_array_append_new(st, x);
	}
	json_object_set_new(o, "stages", st);
	json_t *cu = json_object();
	json_object_set_new(cu, "count",
	                    json_integer((json_int_t)c->coding_unobserved));
	json_object_set_new(cu, "share", json_real(m->p_unobserved));
	json_object_set_new(o, "coding_unobserved", cu);
	json_t *sec = json_object();
	for (int t = 0; t < ORGMRI_SIM_NTIERS; t++) {
		json_t *x = json_object();
		json_object_set_new(x, "share", json_real(c->p_security[t]));
		json_object_set_new(x, "items", json_integer((json_int_t)c->tier_n[t]));
		json_object_set_new(sec, orgmri_sim_tier_name(t), x);
	}
	json_object_set_new(o, "security_by_tier", sec);
	json_object_set_new(o, "profiles", json_integer((json_int_t)m->nprofiles));
	json_t *rw = json_object();
	json_object_set_new(rw, "share", json_real(c->p_rework));
	json_object_set_new(rw, "loops_mean", json_real(c->rework_loops_mean));
	json_object_set_new(rw, "hours_p50", json_real(c->rework_p50));
	json_object_set_new(rw, "samples", json_integer((json_int_t)m->nrework));
	json_object_set_new(o, "rework", rw);
	json_t *d = json_object();
	json_object_set_new(d, "count", json_integer((json_int_t)c->ndeploys));
	json_object_set_new(d, "per_week", json_real(c->deploys_per_week));
	json_object_set_new(d, "interval_p50_hours",
	                    json_real(c->deploy_interval_p50));
	json_object_set_new(d, "releases", json_integer((json_int_t)c->nreleases));
	json_object_set_new(d, "release_interval_p50_hours",
	                    json_real(c->release_interval_p50));
	json_object_set_new(d, "train_intervals",
	                    json_integer((json_int_t)m->ndeploy_intervals));
	json_object_set_new(d, "waits", json_integer((json_int_t)m->ndeploy_waits));
	json_object_set_new(d, "wait_p50_hours", json_real(c->deploy_wait_p50));
	json_object_set_new(d, "wait_p85_hours", json_real(c->deploy_wait_p85));
	json_object_set_new(o, "deployments", d);
	json_t *inc = json_object();
	json_object_set_new(inc, "count", json_integer((json_int_t)c->nincidents));
	json_object_set_new(inc, "per_deployment", json_real(m->p_incident));
	json_object_set_new(o, "incidents", inc);
	return o;
}

/* ---- scenario results --------------------------------------------------- */

typedef struct run_out {
	const char *name;
	orgmri_sim_model model;
	orgmri_sim_result res;
	int order[8], added[8];
	int norder;
} run_out;

static json_t *stat_json(orgmri_sim_stat s)
{
	json_t *o = json_object();
	json_object_set_new(o, "mean", json_real(s.mean));
	json_object_set_new(o, "lo", json_real(s.lo));
	json_object_set_new(o, "hi", json_real(s.hi));
	return o;
}

static const char *stage_or_none(int s)
{
	const char *n = orgmri_sim_stage_name(s);
	return n ? n : "none";
}

static void print_run_text(FILE *fp, const run_out *r)
{
	const orgmri_sim_result *x = &r->res;
	fprintf(fp, "\nscenario %s\n", r->name);
	fprintf(fp, "  lead time   p50 %7.1f h [%.1f, %.1f]   p85 %7.1f h "
	        "[%.1f, %.1f]   p95 %7.1f h [%.1f, %.1f]\n",
	        x->lead_p50.mean, x->lead_p50.lo, x->lead_p50.hi,
	        x->lead_p85.mean, x->lead_p85.lo, x->lead_p85.hi,
	        x->lead_p95.mean, x->lead_p95.lo, x->lead_p95.hi);
	fprintf(fp, "  throughput  %.1f items/week [%.1f, %.1f]; deployments "
	        "%.1f/week; incidents %.2f/week; unfinished %.1f%%\n",
	        x->throughput.mean, x->throughput.lo, x->throughput.hi,
	        x->deploys_per_week.mean, x->incidents_per_week.mean,
	        100 * x->unfinished_share);
	if (x->unfinished_share > 0.01)
		fprintf(fp, "  warning     %.0f%% of the measured items were not done "
		        "when the simulation stopped (overloaded?); lead times cover "
		        "the finished ones only\n", 100 * x->unfinished_share);
	if (r->model.wip > 0)
		fprintf(fp, "  backlog     %.1f h waiting for one of %d WIP slots\n",
		        x->backlog_wait.mean, r->model.wip);
	fprintf(fp, "  %-9s %6s %17s %10s %9s\n", "stage", "people",
	        "utilisation", "wait h", "work h");
	for (int s = 0; s < ORGMRI_SIM_NSTAGES; s++) {
		char people[16];
		people_text(people, s, r->model.stage[s].servers);
		fprintf(fp, "  %-9s %6s %5.2f [%.2f,%.2f] %10.1f %9.1f%s\n",
		        orgmri_sim_stage_name(s), people, x->util[s].mean,
		        x->util[s].lo, x->util[s].hi, x->wait[s].mean,
		        x->work[s].mean, s == x->constraint ? "  <- constraint" : "");
	}
	fprintf(fp, "  constraint  %s", stage_or_none(x->constraint));
	if (r->norder > 1) {
		fprintf(fp, "; relieved, it moves:");
		for (int i = 0; i < r->norder; i++)
			if (i)
				fprintf(fp, " -(+%d)-> %s", r->added[i],
				        stage_or_none(r->order[i]));
			else
				fprintf(fp, " %s", stage_or_none(r->order[i]));
	}
	fputc('\n', fp);
}

static void print_compare_text(FILE *fp, const run_out *r, int n)
{
	fprintf(fp, "\n%-32s %9s %8s %9s %9s %11s  %s\n", "comparison", "p50 h",
	        "vs base", "p85 h", "p95 h", "items/week", "constraint");
	double base = r[0].res.lead_p50.mean;
	for (int i = 0; i < n; i++)
		fprintf(fp, "%-32.32s %9.1f %+7.1f%% %9.1f %9.1f %11.1f  %s\n",
		        r[i].name, r[i].res.lead_p50.mean,
		        base > 0 ? 100 * (r[i].res.lead_p50.mean / base - 1) : 0,
		        r[i].res.lead_p85.mean, r[i].res.lead_p95.mean,
		        r[i].res.throughput.mean,
		        stage_or_none(r[i].res.constraint));
}

static json_t *run_json(const run_out *r)
{
	const orgmri_sim_result *x = &r->res;
	json_t *o = json_object(), *lead = json_object(), *st = json_array();
	json_object_set_new(o, "name", json_string(r->name));
	json_object_set_new(lead, "p50", stat_json(x->lead_p50));
	json_object_set_new(lead, "p85", stat_json(x->lead_p85));
	json_object_set_new(lead, "p95", stat_json(x->lead_p95));
	json_object_set_new(lead, "mean", stat_json(x->lead_mean));
	json_object_set_new(o, "lead_time_hours", lead);
	json_object_set_new(o, "throughput_per_week", stat_json(x->throughput));
	json_object_set_new(o, "deployments_per_week",
	                    stat_json(x->deploys_per_week));
	json_object_set_new(o, "incidents_per_week",
	                    stat_json(x->incidents_per_week));
	json_object_set_new(o, "backlog_wait_hours", stat_json(x->backlog_wait));
	json_object_set_new(o, "unfinished_share", json_real(x->unfinished_share));
	for (int s = 0; s < ORGMRI_SIM_NSTAGES; s++) {
		json_t *y = json_object();
		json_object_set_new(y, "stage", json_string(orgmri_sim_stage_name(s)));
		json_object_set_new(y, "people",
		                    people_json(s, r->model.stage[s].servers));
		json_object_set_new(y, "utilisation", stat_json(x->util[s]));
		json_object_set_new(y, "wait_hours", stat_json(x->wait[s]));
		json_object_set_new(y, "work_hours", stat_json(x->work[s]));
		json_array_append_new(st, y);
	}
	json_object_set_new(o, "stages", st);
	json_object_set_new(o, "constraint", x->constraint >= 0 ?
	                    json_string(stage_or_none(x->constraint)) : json_null());
	json_t *mig = json_array();
	for (int i = 0; i < r->norder; i++) {
		json_t *y = json_object();
		json_object_set_new(y, "constraint",
		                    json_string(stage_or_none(r->order[i])));
		json_object_set_new(y, "people_added_before", json_integer(r->added[i]));
		json_array_append_new(mig, y);
	}
	json_object_set_new(o, "constraint_migration", mig);
	json_object_set_new(o, "events", json_integer(x->events));
	return o;
}

/* ---- backtest ------------------------------------------------------------ */

#define MS_PER_WEEK (3600000.0 * ORGMRI_SIM_HOURS_PER_WEEK)

/* A backtest: the predicted period [from, to), its actual changes, and the
 * constraint of a model calibrated on that period itself. */
typedef struct backtest_out {
	orgmri_sim_backtest bt;
	int64_t since, from, to;
	int actual_constraint;
	int releases;       /* ORGMRI_SIM_RELEASES_* */
} backtest_out;

/* The constraint the predicted period's own history implies: calibrate on
 * [from, to) and simulate it with its actual arrivals. */
static int actual_constraint(const orgmri_table *t, const sim_args *a,
                             backtest_out *b, orgmri_error *err)
{
	orgmri_sim_input in;
	orgmri_sim_calibration cal;
	orgmri_sim_result r;
	int rc = orgmri_sim_input_from_table(t, b->from, b->to, &in, err);
	if (rc)
		return rc;
	rc = orgmri_sim_calibrate(&in, &cal, err);
	orgmri_sim_input_free(&in);
	if (rc)
		return rc;
	orgmri_sim_model m = cal.model;
	orgmri_sim_backtest_apply(&b->bt, &m);
	orgmri_sim_options o = { (unsigned)a->reps, (unsigned)a->threads,
	                         a->seed };
	rc = orgmri_sim_run(&m, &o, &r, err);
	b->actual_constraint = rc ? -1 : r.constraint;
	orgmri_sim_calibration_free(&cal);
	return rc;
}

static int prepare_backtest(const orgmri_table *t, const sim_args *a,
                            int64_t since, int64_t until, backtest_out *b,
                            orgmri_error *err)
{
	b->since = since;
	b->from = until;
	b->to = a->backtest;
	b->actual_constraint = -1;
	b->releases = a->releases;
	double weeks = (double)(b->to - b->from) / MS_PER_WEEK;
	double warm = floor(weeks / 5);
	if (warm > 8)
		warm = 8;
	if (a->warmup >= 0)
		warm = (double)a->warmup;
	/* read from the calibration's start, so that the last release before
	 * the simulated period is seen (the train's phase) */
	orgmri_sim_input all;
	int64_t start = b->from - (int64_t)(warm * MS_PER_WEEK);
	int rc = orgmri_sim_input_from_table(t, since < start ? since : start,
	                                     INT64_MAX, &all, err);
	if (rc)
		return rc;
	rc = orgmri_sim_backtest_prepare(&all, b->from, b->to, warm, &b->bt, err);
	orgmri_sim_input_free(&all);
	if (rc)
		return rc;
	return actual_constraint(t, a, b, err);
}

static double backtest_error(const backtest_out *b, const run_out *r)
{
	return b->bt.actual_p50 > 0 ?
		r->res.lead_p50.mean / b->bt.actual_p50 - 1 : 0;
}

static void print_backtest_text(FILE *fp, const backtest_out *b,
                                const run_out *r)
{
	char t0[ORGMRI_TIME_BUFSZ], t1[ORGMRI_TIME_BUFSZ], t2[ORGMRI_TIME_BUFSZ];
	fprintf(fp, "\nbacktest: calibrated on [%s, %s), predicted [%s, %s) "
	        "with its %zu actual arrivals (%.0f warm-up weeks before it; "
	        "%zu with coding unobserved skip coding)\n",
	        b->since == INT64_MIN ? "start" : orgmri_time_format(b->since, t0),
	        orgmri_time_format(b->from, t1), t1,
	        orgmri_time_format(b->to, t2), b->bt.narrivals,
	        b->bt.warmup_weeks, b->bt.nunobserved);
	fprintf(fp, "  releases          %s", release_modes[b->releases]);
	if (b->releases == ORGMRI_SIM_RELEASES_ACTUAL)
		fprintf(fp, ": the %zu actual releases that shipped a change from "
		        "the warm-up on", b->bt.nreleases);
	else if (b->releases == ORGMRI_SIM_RELEASES_TRAIN && b->bt.release_age < 0)
		fprintf(fp, ": calibrated cadence, no earlier release known");
	else if (b->releases == ORGMRI_SIM_RELEASES_TRAIN)
		fprintf(fp, ": calibrated cadence, last release %.0f h before the "
		        "warm-up", b->bt.release_age);
	else if (b->releases == ORGMRI_SIM_RELEASES_ACTUAL_WAITS)
		fprintf(fp, ": each change a wait of the %zu changes merged from "
		        "the warm-up on", b->bt.nwaits);
	else
		fprintf(fp, ": each change its own calibrated release wait");
	fputc('\n', fp);
	fprintf(fp, "  median lead time  predicted %.1f h [%.1f, %.1f], actual "
	        "%.1f h [%.1f, %.1f] (%zu of %zu changes done), error %+.1f%%\n",
	        r->res.lead_p50.mean, r->res.lead_p50.lo, r->res.lead_p50.hi,
	        b->bt.actual_p50, b->bt.actual_p50_lo, b->bt.actual_p50_hi,
	        b->bt.finished, b->bt.changes,
	        100 * backtest_error(b, r));
	fprintf(fp, "  constraint        predicted %s, actual %s (calibrated on "
	        "the predicted period)\n", stage_or_none(r->res.constraint),
	        stage_or_none(b->actual_constraint));
}

static json_t *backtest_json(const backtest_out *b, const run_out *r)
{
	char t[ORGMRI_TIME_BUFSZ];
	json_t *o = json_object();
	json_object_set_new(o, "calibrated_since", b->since == INT64_MIN ?
	                    json_null() :
	                    json_string(orgmri_time_format(b->since, t)));
	json_object_set_new(o, "from", json_string(orgmri_time_format(b->from, t)));
	json_object_set_new(o, "to", json_string(orgmri_time_format(b->to, t)));
	json_object_set_new(o, "warmup_weeks", json_real(b->bt.warmup_weeks));
	json_object_set_new(o, "releases", json_string(release_modes[b->releases]));
	json_object_set_new(o, "actual_releases",
	                    json_integer((json_int_t)b->bt.nreleases));
	json_object_set_new(o, "release_age_hours", json_real(b->bt.release_age));
	json_object_set_new(o, "actual_waits",
	                    json_integer((json_int_t)b->bt.nwaits));
	json_object_set_new(o, "arrivals", json_integer((json_int_t)b->bt.narrivals));
	json_object_set_new(o, "arrivals_coding_unobserved",
	                    json_integer((json_int_t)b->bt.nunobserved));
	json_object_set_new(o, "changes", json_integer((json_int_t)b->bt.changes));
	json_object_set_new(o, "changes_coding_unobserved",
	                    json_integer((json_int_t)b->bt.changes_unobserved));
	json_object_set_new(o, "finished", json_integer((json_int_t)b->bt.finished));
	json_object_set_new(o, "actual_p50_hours", json_real(b->bt.actual_p50));
	json_object_set_new(o, "actual_p50_interval_hours",
	                    json_pack("[ff]", b->bt.actual_p50_lo,
	                              b->bt.actual_p50_hi));
	json_object_set_new(o, "actual_p85_hours", json_real(b->bt.actual_p85));
	json_object_set_new(o, "predicted_p50_hours", stat_json(r->res.lead_p50));
	json_object_set_new(o, "predicted_p85_hours", stat_json(r->res.lead_p85));
	json_object_set_new(o, "error", json_real(backtest_error(b, r)));
	json_object_set_new(o, "constraint", json_string(
	                    stage_or_none(r->res.constraint)));
	json_object_set_new(o, "actual_constraint", json_string(
	                    stage_or_none(b->actual_constraint)));
	return o;
}

/* ---- the command -------------------------------------------------------- */

static int load_scenarios(cli_ctx *ctx, const sim_args *a,
                          orgmri_sim_scenario **out, size_t *n)
{
	orgmri_error err;
	orgmri_error_clear(&err);
	*out = NULL;
	*n = 0;
	if (a->scenario_file &&
	    orgmri_sim_scenario_load(a->scenario_file, out, n, &err)) {
		cli_error(ctx, &err);
		return EXIT_FAIL;
	}
	if (*n + (size_t)a->nscenario_text > MAX_SCENARIOS) {
		free(*out);
		return cli_usage_error(ctx, "at most %d scenarios", MAX_SCENARIOS);
	}
	orgmri_sim_scenario *v = realloc(*out, (*n + (size_t)a->nscenario_text + 1)
	                                 * sizeof(*v));
	if (!v) {
		free(*out);
		cli_errorf(ctx, "out of memory");
		return EXIT_FAIL;
	}
	*out = v;
	for (int i = 0; i < a->nscenario_text; i++) {
		if (orgmri_sim_scenario_parse(a->scenario_text[i], &v[*n], &err)) {
			free(*out);
			return cli_usage_error(ctx, "%s", err.message);
		}
		(*n)++;
	}
	return 0;
}

static int simulate_all(cli_ctx *ctx, const sim_args *a,
                        const orgmri_sim_calibration *cal,
                        const orgmri_sim_scenario *sc, size_t nsc,
                        const orgmri_sim_backtest *bt, run_out *runs)
{
	orgmri_error err;
	orgmri_error_clear(&err);
	orgmri_sim_options o = { (unsigned)a->reps, (unsigned)a->threads,
	                         a->seed };
	orgmri_sim_options om = o;
	om.replications = o.replications / 4 < 20 ? 20 : o.replications / 4;
	for (size_t i = 0; i <= nsc; i++) {
		run_out *r = &runs[i];
		r->name = i ? sc[i - 1].name : "baseline";
		r->model = cal->model;
		if (a->trend) {
			r->model.rate = cal->rate_a + cal->rate_b * cal->weeks;
			r->model.trend = cal->rate_b;
		}
		if (orgmri_sim_releases_apply(bt, a->releases, &r->model, &err))
			goto fail;
		if (bt) {
			orgmri_sim_backtest_apply(bt, &r->model);
		} else {
			if (a->weeks)
				r->model.horizon_weeks = (double)a->weeks;
			if (a->warmup >= 0)
				r->model.warmup_weeks = (double)a->warmup;
			else if (r->model.warmup_weeks >= r->model.horizon_weeks)
				r->model.warmup_weeks = floor(r->model.horizon_weeks / 5);
		}
		if (i && orgmri_sim_scenario_apply(&sc[i - 1], &r->model, &err))
			goto fail;
		if (orgmri_sim_run(&r->model, &o, &r->res, &err))
			goto fail;
		r->norder = 0;
		if (a->migrate > 0) {
			int k = orgmri_sim_migration(&r->model, &om, (int)a->migrate,
			                             r->order, r->added, &err);
			if (k < 0)
				goto fail;
			r->norder = k;
		}
	}
	return 0;
fail:
	cli_error(ctx, &err);
	return EXIT_FAIL;
}

static int output(cli_ctx *ctx, const sim_args *a,
                  const orgmri_sim_calibration *cal, const run_out *runs,
                  int nruns, const backtest_out *bt)
{
	int json = ctx->format && strcmp(ctx->format, "json") == 0;
	int status = cli_open_output(ctx);
	if (status)
		return status;
	if (!json) {
		if (a->calibration)
			print_calibration_text(ctx->out, cal);
		if (nruns) {
			fprintf(ctx->out, "%s%ld replications of %.0f weeks (first %.0f "
			        "warm-up), seed %llu, releases %s; [..] = 2.5-97.5%% "
			        "across replications\n", a->calibration ? "\n" : "",
			        a->reps, runs[0].model.horizon_weeks,
			        runs[0].model.warmup_weeks, a->seed,
			        release_modes[a->releases]);
			for (int i = 0; i < nruns; i++)
				print_run_text(ctx->out, &runs[i]);
			print_compare_text(ctx->out, runs, nruns);
			if (bt)
				print_backtest_text(ctx->out, bt, &runs[0]);
		}
		return cli_close_output(ctx);
	}
	json_t *o = json_object();
	json_object_set_new(o, "schema", json_string("orgmri.simulate/1"));
	json_object_set_new(o, "calibration", calibration_json(cal));
	if (nruns) {
		json_t *opt = json_object(), *arr = json_array();
		json_object_set_new(opt, "replications", json_integer(a->reps));
		json_object_set_new(opt, "seed", json_integer((json_int_t)a->seed));
		json_object_set_new(opt, "releases",
		                    json_string(release_modes[a->releases]));
		json_object_set_new(opt, "weeks", json_real(runs[0].model.horizon_weeks));
		json_object_set_new(opt, "warmup_weeks",
		                    json_real(runs[0].model.warmup_weeks));
		json_object_set_new(o, "options", opt);
		for (int i = 0; i < nruns; i++)
			json_array_append_new(arr, run_json(&runs[i]));
		json_object_set_new(o, "scenarios", arr);
		if (bt)
			json_object_set_new(o, "backtest", backtest_json(bt, &runs[0]));
	}
	json_dumpf(o, ctx->out, JSON_INDENT(2) | JSON_PRESERVE_ORDER |
	           JSON_REAL_PRECISION(6));
	fputc('\n', ctx->out);
	json_decref(o);
	return cli_close_output(ctx);
}

static int run(cli_ctx *ctx, int argc, char **argv)
{
	sim_args a;
	memset(&a, 0, sizeof(a));
	a.reps = 200;
	a.threads = 2;
	a.migrate = 3;
	a.warmup = -1;
	a.seed = 1;
	int first, status = cli_parse(ctx, &cmd_simulate, argc, argv, sim_options,
	                              NULL, on_option, &a, &first);
	if (status >= 0)
		return status;
	if (first < argc)
		return cli_usage_error(ctx, "unexpected argument '%s'", argv[first]);
	if ((status = cli_check_format(ctx, "text,json")))
		return status;
	if (a.weeks && a.warmup >= a.weeks)
		return cli_usage_error(ctx, "--warmup must be less than --weeks");
	if (a.backtest && (ctx->until == INT64_MAX || a.backtest <= ctx->until))
		return cli_usage_error(ctx, "--backtest DATE needs --until before "
		                       "DATE (calibrate before --until, predict "
		                       "[--until, DATE))");
	if ((a.releases == ORGMRI_SIM_RELEASES_ACTUAL ||
	     a.releases == ORGMRI_SIM_RELEASES_ACTUAL_WAITS) && !a.backtest)
		return cli_usage_error(ctx, "--releases %s needs --backtest (the "
		                       "releases of the predicted period)",
		                       release_modes[a.releases]);
	if (a.backtest && (a.weeks || a.trend || a.calibration ||
	                   a.nscenario_text || a.scenario_file))
		return cli_usage_error(ctx, "--backtest runs the baseline on the "
		                       "actual arrivals: no --weeks, --trend, "
		                       "--calibration or scenarios with it");
	orgmri_sim_scenario *sc = NULL;
	size_t nsc = 0;
	if ((status = load_scenarios(ctx, &a, &sc, &nsc)))
		return status;
	orgmri_store *store = NULL;
	orgmri_table *table = NULL;
	orgmri_sim_input in;
	orgmri_sim_calibration cal;
	backtest_out bt;
	run_out *runs = NULL;
	memset(&in, 0, sizeof(in));
	memset(&cal, 0, sizeof(cal));
	memset(&bt, 0, sizeof(bt));
	orgmri_error err;
	orgmri_error_clear(&err);
	if ((status = cli_open_store(ctx, &store, 1)))
		goto done;
	status = EXIT_FAIL;
	if (orgmri_table_load(store, &table, &err) ||
	    orgmri_sim_input_from_table(table, ctx->since, ctx->until, &in,
	                                &err) ||
	    orgmri_sim_calibrate(&in, &cal, &err) ||
	    (a.backtest && prepare_backtest(table, &a, ctx->since, ctx->until,
	                                    &bt, &err))) {
		cli_error(ctx, &err);
		goto done;
	}
	/* --calibration alone prints the fit; with scenarios it runs them too */
	int nruns = a.calibration && nsc == 0 ? 0 : (int)nsc + 1;
	runs = calloc(nsc + 1, sizeof(*runs));
	if (!runs) {
		cli_errorf(ctx, "out of memory");
		goto done;
	}
	if (nruns && (status = simulate_all(ctx, &a, &cal, sc, nsc,
	                                    a.backtest ? &bt.bt : NULL, runs)))
		goto done;
	status = output(ctx, &a, &cal, runs, nruns, a.backtest ? &bt : NULL);
done:
	free(runs);
	orgmri_sim_backtest_free(&bt.bt);
	orgmri_table_free(table);
	free(sc);
	orgmri_sim_calibration_free(&cal);
	orgmri_sim_input_free(&in);
	if (store)
		orgmri_store_close(store);
	return status;
}

const cli_command cmd_simulate = {
	"simulate", "what-if simulation calibrated on the history",
	"usage: orgmri simulate [--calibration] [--scenario SPEC]...\n"
	"                       [--scenarios FILE] [--replications N] [--weeks N]\n"
	"                       [--warmup N] [--seed N] [--threads N]\n"
	"                       [--migrate N] [--trend] [--backtest DATE]\n"
	"                       [--releases waits|train|actual|actual-waits]\n"
	"                       [--format text|json]\n"
	"                       [--since DATE] [--until DATE] [--db PATH] [-o FILE]\n"
	"\n"
	"Fits a discrete-event model of the pull-request value stream (arrivals,\n"
	"per-stage work times and people, routing, rework, deployment cadence,\n"
	"incidents) to the changes in the store, then simulates the baseline and\n"
	"each scenario and compares lead time (p50/p85/p95 with 95% intervals\n"
	"across replications), throughput, each stage's utilisation and wait,\n"
	"and the constraint, with the order in which it moves when the current\n"
	"constraint gets people one at a time until another stage limits flow.\n"
	"\n"
	"  --calibration      print what was fitted, with sample sizes (alone:\n"
	"                     only that)\n"
	"  --scenario SPEC    a what-if, e.g. 'ai: coding.time*0.6' or\n"
	"                     'security.capacity+2, security.skip=low'; repeatable\n"
	"  --scenarios FILE   one scenario per line ('#' comments)\n"
	"  --replications N   replications per scenario (default 200)\n"
	"  --weeks N          simulated weeks (default: the calibration window)\n"
	"  --warmup N         weeks not measured at the start (default 1/5)\n"
	"  --seed N           random seed (default 1); same seed, same report\n"
	"  --threads N        worker threads (default 2); results do not depend\n"
	"                     on it\n"
	"  --migrate N        constraint migration steps (default 3, 0 = off)\n"
	"  --trend            continue the fitted arrival trend instead of the\n"
	"                     mean rate\n"
	"  --backtest DATE    calibrate on the history before --until, simulate\n"
	"                     [--until, DATE) with the changes that actually\n"
	"                     arrived then, and compare the median lead time\n"
	"                     and the constraint with what happened\n"
	"  --releases MODE    how a merged change reaches production: waits\n"
	"                     (default; its own resampled merge -> release wait),\n"
	"                     train (it waits for the next release; releases\n"
	"                     leave at the calibrated cadence of the releases\n"
	"                     that shipped a change, so changes merged between\n"
	"                     two releases ship together) or actual (with\n"
	"                     --backtest: the releases that actually shipped a\n"
	"                     change in the predicted period, a trace-driven\n"
	"                     release schedule; then the calibrated cadence)\n"
	"                     or actual-waits (with --backtest: its own wait\n"
	"                     resampled from the waits of the changes merged\n"
	"                     in the predicted period, trace-driven release\n"
	"                     behaviour)\n"
	"\n"
	"Scenario terms: STAGE.time*X, STAGE.capacity+N|-N|=N,\n"
	"STAGE.skip=low|medium|high|none, STAGE.queue=fifo|priority, arrivals*X,\n"
	"wip=N, deploy.cadence*X, deploy.batch=N.  STAGE is coding, pickup,\n"
	"review, security, qa or merge.  See docs/simulation.md.\n",
	run,
};
