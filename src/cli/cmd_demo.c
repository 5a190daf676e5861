/*
 * cmd_demo.c - `orgmri demo`: the bundled sample organisation, end to end,
 * in a temporary store, so a first-time user sees orgmri work with one
 * command and no data of their own.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"

#ifndef ORGMRI_DATA_DIR
#define ORGMRI_DATA_DIR "data"
#endif

static int run(cli_ctx *ctx, int argc, char **argv)
{
	int first, status = cli_parse(ctx, &cmd_demo, argc, argv, NULL, NULL,
	                              NULL, NULL, &first);
	if (status >= 0)
		return status;
	char dir[] = "/tmp/orgmri-demo-XXXXXX";
	if (!mkdtemp(dir)) {
		cli_errorf(ctx, "cannot make a temporary folder");
		return EXIT_FAIL;
	}
	char db[sizeof(dir) + 16];
	snprintf(db, sizeof(db), "%s/demo.db", dir);
	const char *sample = getenv("ORGMRI_SAMPLE");
	char path[4096];
	snprintf(path, sizeof(path), "%s",
	         sample ? sample : ORGMRI_DATA_DIR "/sample/events.jsonl");
	ctx->db_path = db;
	orgmri_store *store;
	if ((status = cli_open_store(ctx, &store, 0)))
		goto done;
	orgmri_ingest_options opts = ORGMRI_INGEST_OPTIONS_INIT;
	char *paths[] = { path };
	status = cli_ingest_sources(ctx, store, paths, 1, &opts);
	orgmri_store_close(store);
	if (status)
		goto done;
	char *stats_argv[] = { "stats", NULL };
	status = cmd_stats.run(ctx, 1, stats_argv);
done:
	unlink(db);
	char side[sizeof(db) + 8];
	snprintf(side, sizeof(side), "%s-wal", db);
	unlink(side);
	snprintf(side, sizeof(side), "%s-shm", db);
	unlink(side);
	rmdir(dir);
	return status;
}

const cli_command cmd_demo = {
	"demo", "run orgmri on the bundled sample organisation",
	"usage: orgmri demo\n"
	"\n"
	"Ingest the bundled sample organisation into a temporary store and\n"
	"show what orgmri makes of it.  Nothing is written to the current\n"
	"folder.\n",
	run,
};
