/*
 * cmd_generate.c - `orgmri generate`: a simulated organisation's delivery
 * history with its ground truth, for demos, tests and benchmarks
 * (docs/generator.md).
 *
 * The events go to any mix of: a canonical file (events.jsonl or
 * events.csv), a GitHub export folder and webhook deliveries, and the
 * store (--store).  One tee sink hands each event to all of them.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "cli/cli.h"
#include "orgmri/gen.h"

enum { OPT_ORG = 2000, OPT_SEED, OPT_EVENTS, OPT_SET, OPT_GITHUB,
       OPT_WEBHOOKS, OPT_STORE, OPT_PRINT, OPT_NO_EVENTS };

typedef struct gen_opts {
	const char *org;
	const char *seed;
	const char *events;
	const char **sets;
	size_t nsets;
	int github, webhooks, store, print, no_events;
	int oom;
} gen_opts;

static const struct option gen_options[] = {
	{ "org", required_argument, NULL, OPT_ORG },
	{ "seed", required_argument, NULL, OPT_SEED },
	{ "events", required_argument, NULL, OPT_EVENTS },
	{ "set", required_argument, NULL, OPT_SET },
	{ "github", no_argument, NULL, OPT_GITHUB },
	{ "webhooks", no_argument, NULL, OPT_WEBHOOKS },
	{ "store", no_argument, NULL, OPT_STORE },
	{ "print-config", no_argument, NULL, OPT_PRINT },
	{ "no-events", no_argument, NULL, OPT_NO_EVENTS },
	{ NULL, 0, NULL, 0 },
};

static int on_opt(cli_ctx *ctx, int opt, const char *arg, void *st)
{
	gen_opts *o = st;
	(void)ctx;
	switch (opt) {
	case OPT_ORG: o->org = arg; break;
	case OPT_SEED: o->seed = arg; break;
	case OPT_EVENTS: o->events = arg; break;
	case OPT_GITHUB: o->github = 1; break;
	case OPT_WEBHOOKS: o->webhooks = 1; break;
	case OPT_STORE: o->store = 1; break;
	case OPT_PRINT: o->print = 1; break;
	case OPT_NO_EVENTS: o->no_events = 1; break;
	case OPT_SET: {
		const char **s = realloc(o->sets, (o->nsets + 1) * sizeof(*s));
		if (!s) {
			o->oom = 1;
			return 1;
		}
		o->sets = s;
		o->sets[o->nsets++] = arg;
		break;
	}
	default: return 1;
	}
	return 0;
}

/* Hands each event to every sink in turn. */
typedef struct tee_sink {
	orgmri_sink sink;
	orgmri_sink *to[3];
	int n;
} tee_sink;

static int tee_event(orgmri_sink *s, const orgmri_event *ev,
                     orgmri_error *err)
{
	tee_sink *t = (tee_sink *)s;
	for (int i = 0; i < t->n; i++) {
		int rc = t->to[i]->event(t->to[i], ev, err);
		if (rc)
			return rc;
	}
	return 0;
}

static int load_params(cli_ctx *ctx, gen_opts *o, orgmri_gen_params *p)
{
	orgmri_error err;
	orgmri_error_clear(&err);
	orgmri_gen_params_default(p);
	if (o->org) {
		orgmri_config *cfg;
		if (orgmri_config_load(&cfg, o->org, &err)) {
			cli_error(ctx, &err);
			return EXIT_FAIL;
		}
		int rc = orgmri_gen_params_from_config(p, cfg, &err);
		orgmri_config_free(cfg);
		if (rc) {
			cli_errorf(ctx, "%s: %s", o->org, err.message);
			return EXIT_FAIL;
		}
	}
	for (size_t i = 0; i < o->nsets; i++) {
		char key[128];
		const char *eq = strchr(o->sets[i], '=');
		if (!eq || eq == o->sets[i] || (size_t)(eq - o->sets[i]) >= sizeof(key))
			return cli_usage_error(ctx, "--set wants KEY=VALUE, got \"%s\"",
			                       o->sets[i]);
		snprintf(key, sizeof(key), "%.*s", (int)(eq - o->sets[i]), o->sets[i]);
		if (orgmri_gen_params_set(p, key, eq + 1, &err))
			return cli_usage_error(ctx, "--set: %s", err.message);
	}
	if (o->seed && orgmri_gen_params_set(p, "gen.seed", o->seed, &err))
		return cli_usage_error(ctx, "--seed: %s", err.message);
	if (o->events) {
		char *end;
		errno = 0;
		long long n = strtoll(o->events, &end, 10);
		if (*end == 'k' || *end == 'K')
			n *= 1000, end++;
		else if (*end == 'm' || *end == 'M')
			n *= 1000000, end++;
		if (*end || errno || n < 1)
			return cli_usage_error(ctx, "--events wants a positive count "
			                       "(e.g. 1000, 50k, 10M), got \"%s\"",
			                       o->events);
		if (orgmri_gen_params_scale(p, n, &err)) {
			cli_error(ctx, &err);
			return EXIT_FAIL;
		}
	}
	return 0;
}

static FILE *open_in(cli_ctx *ctx, const char *dir, const char *name)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *fp = fopen(path, "w");
	if (!fp)
		cli_errorf(ctx, "%s: cannot write: %s", path, strerror(errno));
	else
		setvbuf(fp, NULL, _IOFBF, 1 << 20);
	return fp;
}

static int close_file(cli_ctx *ctx, FILE *fp, const char *dir,
                      const char *name)
{
	if (!fp)
		return 0;
	int bad = fflush(fp) != 0 || ferror(fp);
	if (fclose(fp) != 0)
		bad = 1;
	if (bad)
		cli_errorf(ctx, "%s/%s: write failed", dir, name);
	return bad ? EXIT_FAIL : 0;
}

static int run(cli_ctx *ctx, int argc, char **argv)
{
	gen_opts o;
	memset(&o, 0, sizeof(o));
	int first, status = cli_parse(ctx, &cmd_generate, argc, argv, gen_options,
	                              NULL, on_opt, &o, &first);
	orgmri_gen_params p;
	orgmri_gen_truth truth;
	orgmri_error err;
	orgmri_error_clear(&err);
	FILE *events = NULL, *hooks = NULL, *tf = NULL;
	orgmri_writer *w = NULL;
	orgmri_gen_github *gh = NULL;
	orgmri_store *store = NULL;
	orgmri_ingest *ing = NULL;
	tee_sink tee = { { tee_event }, { NULL }, 0 };
	const char *dir = ctx->output;
	const char *evname = "events.jsonl";
	int rc = 0;
	if (o.oom) {
		cli_errorf(ctx, "out of memory");
		status = EXIT_FAIL;
	}
	if (status >= 0)
		goto done;
	status = 0;
	if (first < argc) {
		status = cli_usage_error(ctx, "unexpected argument '%s'", argv[first]);
		goto done;
	}
	if (!ctx->format)
		ctx->format = "jsonl";
	if ((status = cli_check_format(ctx, "jsonl,csv")))
		goto done;
	if ((status = load_params(ctx, &o, &p)))
		goto done;
	if (o.print) {
		if (orgmri_gen_params_write(&p, stdout, &err))
			rc = -1;
		goto done;
	}
	if (!dir && !o.store) {
		status = cli_usage_error(ctx, "say where: -o DIR (a folder) "
		                         "and/or --store");
		goto done;
	}
	if (dir && mkdir(dir, 0777) != 0 && errno != EEXIST) {
		cli_errorf(ctx, "%s: cannot make folder: %s", dir, strerror(errno));
		status = EXIT_FAIL;
		goto done;
	}
	if (dir && !o.no_events) {
		if (strcmp(ctx->format, "csv") == 0)
			evname = "events.csv";
		if (!(events = open_in(ctx, dir, evname))) {
			status = EXIT_FAIL;
			goto done;
		}
		size_t nnames;
		const char *const *names = orgmri_gen_attr_names(&nnames);
		rc = strcmp(ctx->format, "csv") == 0
		         ? orgmri_csv_writer_new(&w, events, names, nnames, &err)
		         : orgmri_jsonl_writer_new(&w, events, &err);
		if (rc)
			goto done;
		tee.to[tee.n++] = orgmri_writer_sink(w);
	}
	if (dir && (o.github || o.webhooks)) {
		char ghdir[4096];
		snprintf(ghdir, sizeof(ghdir), "%s/github", dir);
		if (o.webhooks && !(hooks = open_in(ctx, dir, "webhooks.jsonl"))) {
			status = EXIT_FAIL;
			goto done;
		}
		if ((rc = orgmri_gen_github_new(&gh, o.github ? ghdir : NULL, hooks,
		                                &err)))
			goto done;
		tee.to[tee.n++] = orgmri_gen_github_sink(gh);
	}
	if (o.store) {
		if ((status = cli_open_store(ctx, &store, 0)))
			goto done;
		if ((rc = orgmri_ingest_begin(store, "orgmri generate", "generate",
		                              &ing, &err)))
			goto done;
		tee.to[tee.n++] = orgmri_ingest_sink(ing);
	}
	rc = orgmri_gen_run(&p, &tee.sink, &truth, &err);
	if (ing) {
		int frc = orgmri_ingest_finish(ing, rc == 0, rc ? err.message : NULL,
		                               rc ? NULL : &err);
		ing = NULL;
		rc = rc ? rc : frc;
	}
	if (w) {
		int crc = orgmri_writer_close(w, rc ? NULL : &err);
		w = NULL;
		rc = rc ? rc : crc;
	}
	if (gh) {
		int crc = orgmri_gen_github_close(gh, rc ? NULL : &err);
		gh = NULL;
		rc = rc ? rc : crc;
	}
	if (rc)
		goto done;
	if (dir) {
		if (!(tf = open_in(ctx, dir, "truth.json"))) {
			status = EXIT_FAIL;
			goto done;
		}
		rc = orgmri_gen_truth_write_json(&truth, &p, tf, &err);
		status = close_file(ctx, tf, dir, "truth.json");
		if (!rc && !status && (tf = open_in(ctx, dir, "org.conf"))) {
			rc = orgmri_gen_params_write(&p, tf, &err);
			status = close_file(ctx, tf, dir, "org.conf");
		}
		if (!rc && !status && (tf = open_in(ctx, dir, "teams.conf"))) {
			rc = orgmri_gen_teams_write(&p, tf, &err);
			status = close_file(ctx, tf, dir, "teams.conf");
		}
	}
	if (!rc && !ctx->quiet)
		fprintf(stderr, "orgmri: generated %lld events (%lld changes, "
		        "%lld deployments); constraint before: %s, after: %s%s%s\n",
		        truth.events, truth.changes, truth.deployments,
		        orgmri_gen_stage_name(truth.period[0].constraint),
		        orgmri_gen_stage_name(truth.period[1].constraint),
		        dir ? "; in " : "", dir ? dir : "");
done:
	if (ing)
		orgmri_ingest_finish(ing, 0, "failed", NULL);
	if (w)
		orgmri_writer_close(w, NULL);
	if (gh)
		orgmri_gen_github_close(gh, NULL);
	if (close_file(ctx, events, dir, evname))
		status = EXIT_FAIL;
	if (close_file(ctx, hooks, dir, "webhooks.jsonl"))
		status = EXIT_FAIL;
	if (store)
		orgmri_store_close(store);
	free(o.sets);
	if (rc) {
		if (err.message[0])
			cli_error(ctx, &err);
		return EXIT_FAIL;
	}
	return status;
}

const cli_command cmd_generate = {
	"generate", "simulate an organisation: events plus ground truth",
	"usage: orgmri generate [-o DIR] [--store] [--org FILE] [--seed N]\n"
	"                       [--events N] [--set KEY=VALUE]...\n"
	"                       [--format jsonl|csv] [--github] [--webhooks]\n"
	"                       [--print-config]\n"
	"\n"
	"Simulate a software organisation (teams, review, security review, QA,\n"
	"CI, deployments, incidents, issue statuses, an AI rollout) and write\n"
	"its delivery history, for demos, tests and benchmarks.  Without --org\n"
	"it is the bundled sample organisation (data/sample/org.conf).\n"
	"\n"
	"Into DIR (-o) go events.jsonl (or events.csv), truth.json (the\n"
	"planted constraint, true utilisation and stage medians per period),\n"
	"org.conf (the parameters used) and teams.conf (who is in which team,\n"
	"as .orgmri configuration).\n"
	"\n"
	"  --org FILE        generator parameters, git-config syntax\n"
	"  --seed N          random seed (same seed, same bytes)\n"
	"  --events N        about N events (1000, 50k, 10M): scales the size\n"
	"  --set KEY=VALUE   one parameter, e.g. stage.security.capacity=3\n"
	"  --github          also DIR/github/REPO/: a GitHub export folder\n"
	"  --webhooks        also DIR/webhooks.jsonl: webhook deliveries\n"
	"  --store           also ingest into the store (--db)\n"
	"  --no-events       no events file (with --github/--webhooks/--store)\n"
	"  --print-config    print the parameters as a config file and stop\n"
	"\n"
	"Keys and the model: docs/generator.md.\n",
	run,
};
