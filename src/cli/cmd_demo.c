/*
 * cmd_demo.c - `orgmri demo`: the bundled sample organisation, end to end.
 *
 * The generator simulates the sample organisation (data/sample/org.conf:
 * an AI rollout after which coding is faster, more changes arrive, and
 * security review saturates) into a temporary store; the scan then
 * diagnoses it with the rollout as the split.  Nothing is written to the
 * current folder except the HTML report (demo-report.html, or --html).
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "orgmri/diagnose.h"
#include "orgmri/gen.h"

static void remove_store(const char *db)
{
	char side[4200];
	unlink(db);
	snprintf(side, sizeof(side), "%s-wal", db);
	unlink(side);
	snprintf(side, sizeof(side), "%s-shm", db);
	unlink(side);
	snprintf(side, sizeof(side), "%s.snap", db);   /* the table snapshot */
	unlink(side);
}

/* Simulate the sample organisation into the store and its team list
 * into `teams`. */
static int generate(cli_ctx *ctx, orgmri_store *store, const char *teams,
                    orgmri_gen_params *p)
{
	orgmri_error err;
	orgmri_error_clear(&err);
	orgmri_gen_params_default(p);
	FILE *fp = fopen(teams, "w");
	if (!fp || orgmri_gen_teams_write(p, fp, &err)) {
		if (fp)
			fclose(fp);
		cli_errorf(ctx, "%s: cannot write the team list", teams);
		return EXIT_FAIL;
	}
	fclose(fp);
	orgmri_ingest *ing;
	if (orgmri_ingest_begin(store, "sample organisation", "generate", &ing,
	                        &err)) {
		cli_error(ctx, &err);
		return EXIT_FAIL;
	}
	orgmri_gen_truth truth;
	int rc = orgmri_gen_run(p, orgmri_ingest_sink(ing), &truth, &err);
	orgmri_error ferr;
	orgmri_error_clear(&ferr);
	int frc = orgmri_ingest_finish(ing, rc == 0, NULL, &ferr);
	if (rc || frc) {
		cli_error(ctx, rc ? &err : &ferr);
		return EXIT_FAIL;
	}
	if (!ctx->quiet)
		fprintf(stderr, "demo: simulated the sample organisation: %lld "
		        "events, %lld changes, %lld deployments\n", truth.events,
		        truth.changes, truth.deployments);
	return 0;
}

static int run(cli_ctx *ctx, int argc, char **argv)
{
	orgmri_diagnose_options o = ORGMRI_DIAGNOSE_OPTIONS_INIT;
	int first, status = cli_parse(ctx, &cmd_demo, argc, argv, diag_options,
	                              "", diag_on_opt, &o, &first);
	if (status >= 0)
		return status;
	if (first < argc)
		return cli_usage_error(ctx, "unexpected argument '%s'", argv[first]);
	if ((status = cli_check_format(ctx, "text,json")))
		return status;
	char dir[] = "/tmp/orgmri-demo-XXXXXX";
	if (!mkdtemp(dir)) {
		cli_errorf(ctx, "cannot make a temporary folder");
		return EXIT_FAIL;
	}
	char db[sizeof(dir) + 16], teams[sizeof(dir) + 16];
	snprintf(db, sizeof(db), "%s/demo.db", dir);
	snprintf(teams, sizeof(teams), "%s/teams.conf", dir);
	ctx->db_path = db;
	ctx->config_path = teams;
	if (!ctx->html)
		ctx->html = "demo-report.html";
	orgmri_store *store;
	orgmri_gen_params p;
	if ((status = cli_open_store(ctx, &store, 0)))
		goto done;
	status = generate(ctx, store, teams, &p);
	if (!status) {
		if (o.split == INT64_MIN && o.after_from == INT64_MIN) {
			o.split = p.rollout;
			o.split_source = "the sample organisation's AI rollout";
		}
		status = diag_run(ctx, store, &o, 0);
	}
	orgmri_store_close(store);
done:
	remove_store(db);
	unlink(teams);
	rmdir(dir);
	return status;
}

const cli_command cmd_demo = {
	"demo", "simulate the bundled sample organisation and scan it",
	"usage: orgmri demo [--format text|json] [-o FILE] [--html FILE]\n"
	"                   [--seed N]\n"
	"\n"
	"Simulate the bundled sample organisation (data/sample/org.conf: 240\n"
	"days of a 14-developer team; after an AI rollout coding is faster and\n"
	"more changes arrive, and security review saturates) into a temporary\n"
	"store, print `orgmri scan` of it split at the rollout, and write the\n"
	"HTML report to demo-report.html (or --html FILE).  The store is\n"
	"temporary; the report is the only file left behind.\n",
	run,
};
