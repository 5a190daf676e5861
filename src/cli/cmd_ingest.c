/*
 * cmd_ingest.c - `orgmri ingest SOURCE...`: bring sources into the store.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"

#define MAX_WARNINGS_SHOWN 20

typedef struct ingest_state {
	orgmri_ingest_options opts;
	int list_kinds;
	const cli_ctx *ctx;
	long long warnings;
	int tty;
	double started, last;
} ingest_state;

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void warn(const orgmri_error *what, void *p)
{
	ingest_state *st = p;
	if (what->code == 0) {
		/* A note, not a skipped record (e.g. "timestamps read as UTC"). */
		char buf[2048];
		if (!st->ctx->quiet)
			fprintf(stderr, "%sorgmri: %s\n", st->tty ? "\r\033[K" : "",
			        orgmri_error_format(what, buf, sizeof(buf)));
		return;
	}
	if (++st->warnings <= MAX_WARNINGS_SHOWN && !st->ctx->quiet) {
		char buf[2048];
		if (st->tty)
			fputs("\r\033[K", stderr);
		fprintf(stderr, "orgmri: warning: skipped: %s\n",
		        orgmri_error_format(what, buf, sizeof(buf)));
		if (st->warnings == MAX_WARNINGS_SHOWN)
			fprintf(stderr, "orgmri: warning: further skipped records "
			                "are counted, not shown\n");
	}
}

static void progress(const orgmri_progress *p, void *ctx)
{
	ingest_state *st = ctx;
	double t = now_s();
	if (t - st->last < 0.25)
		return;
	st->last = t;
	double rate = p->done / (t - st->started + 1e-9);
	fprintf(stderr, "\r\033[Kingest: %s: %lld %s", p->source, p->done, p->unit);
	if (p->total > 0) {
		double eta = (p->total - p->done) / (rate > 0 ? rate : 1);
		fprintf(stderr, " of %lld (%.0f%%), %.0f/s, ETA %.0fs", p->total,
		        100.0 * p->done / p->total, rate, eta);
	} else {
		fprintf(stderr, ", %.0f/s", rate);
	}
}

int cli_ingest_sources(cli_ctx *ctx, orgmri_store *store, char **paths,
                       int npaths, const orgmri_ingest_options *base)
{
	ingest_state st;
	memset(&st, 0, sizeof(st));
	st.opts = *base;
	st.ctx = ctx;
	st.tty = isatty(STDERR_FILENO) && !ctx->quiet;
	st.opts.warn = warn;
	st.opts.warn_ctx = &st;
	if (st.tty) {
		st.opts.progress = progress;
		st.opts.progress_ctx = &st;
	}
	orgmri_config *cfg = NULL;
	orgmri_error err;
	orgmri_error_clear(&err);
	if (!st.opts.config) {
		if (orgmri_config_load(&cfg, ctx->config_path, &err)) {
			cli_error(ctx, &err);
			return EXIT_FAIL;
		}
		st.opts.config = cfg;
	}
	int status = EXIT_OK;
	for (int i = 0; i < npaths; i++) {
		orgmri_ingest_counts c;
		long long warned = st.warnings;
		st.started = now_s();
		st.last = st.started;
		orgmri_error_clear(&err);
		int rc = orgmri_ingest_source(store, paths[i], &st.opts, &c, &err);
		double secs = now_s() - st.started;
		if (st.tty)
			fputs("\r\033[K", stderr);
		if (rc) {
			cli_error(ctx, &err);
			if (c.read > 0 && !ctx->quiet)
				fprintf(stderr, "orgmri: %s: %lld events stored before the "
				        "error are kept; fix the input and run ingest "
				        "again to complete it\n", paths[i], c.added);
			status = EXIT_FAIL;
			continue;
		}
		if (!ctx->quiet) {
			fprintf(stderr, "%s: %lld events read, %lld new, %lld links",
			        paths[i], c.read, c.added, c.links);
			if (c.skipped)
				fprintf(stderr, ", %lld bad records skipped", c.skipped);
			fprintf(stderr, " (%.2fs", secs);
			if (secs > 0 && c.read > 0)
				fprintf(stderr, ", %.0f events/s", c.read / secs);
			fprintf(stderr, ")\n");
		}
		(void)warned;
	}
	orgmri_config_free(cfg);
	return status;
}

enum { OPT_KIND = 1, OPT_STRICT, OPT_ALL, OPT_NO_DIFF, OPT_LIST, OPT_BATCH };

static const struct option ingest_options[] = {
	{ "kind", required_argument, NULL, OPT_KIND },
	{ "strict", no_argument, NULL, OPT_STRICT },
	{ "all", no_argument, NULL, OPT_ALL },
	{ "no-diff", no_argument, NULL, OPT_NO_DIFF },
	{ "list-kinds", no_argument, NULL, OPT_LIST },
	{ "batch", required_argument, NULL, OPT_BATCH },
	{ NULL, 0, NULL, 0 },
};

static int on_opt(cli_ctx *ctx, int opt, const char *arg, void *p)
{
	ingest_state *st = p;
	switch (opt) {
	case OPT_KIND: st->opts.kind = arg; break;
	case OPT_STRICT: st->opts.strict = 1; break;
	case OPT_ALL: st->opts.all_refs = 1; break;
	case OPT_NO_DIFF: st->opts.no_diff = 1; break;
	case OPT_LIST: st->list_kinds = 1; break;
	case OPT_BATCH: {
		char *end;
		st->opts.batch = strtol(arg, &end, 10);
		if (*end || st->opts.batch < 1)
			return cli_usage_error(ctx, "--batch: a positive number of "
			                       "events");
		break;
	}
	default: return 1;
	}
	return 0;
}

static void print_kind(const char *kind, const char *desc, void *ctx)
{
	fprintf(ctx, "  %-12s %s\n", kind, desc);
}

static int run(cli_ctx *ctx, int argc, char **argv)
{
	ingest_state st;
	memset(&st, 0, sizeof(st));
	orgmri_ingest_options defaults = ORGMRI_INGEST_OPTIONS_INIT;
	st.opts = defaults;
	int first, status = cli_parse(ctx, &cmd_ingest, argc, argv,
	                              ingest_options, "", on_opt, &st, &first);
	if (status >= 0)
		return status;
	if (st.list_kinds) {
		orgmri_ingest_each_kind(print_kind, stdout);
		return EXIT_OK;
	}
	if (first >= argc)
		return cli_usage_error(ctx, "name at least one SOURCE to ingest");
	st.opts.since = ctx->since;
	orgmri_store *store;
	if ((status = cli_open_store(ctx, &store, 0)))
		return status;
	status = cli_ingest_sources(ctx, store, argv + first, argc - first,
	                            &st.opts);
	orgmri_store_close(store);
	return status;
}

const cli_command cmd_ingest = {
	"ingest", "read sources (git, exports, event files) into the store",
	"usage: orgmri ingest [OPTIONS] SOURCE...\n"
	"\n"
	"Read each SOURCE into the store.  What a SOURCE is (a git repository,\n"
	"a GitHub export folder, a canonical .jsonl/.csv event file, an XES\n"
	"log, ...) is detected; --kind names it instead.  Ingesting the same\n"
	"data again changes nothing.  Bad records are reported with file and\n"
	"line (or JSON path), skipped and counted, unless --strict.\n"
	"\n"
	"Options:\n"
	"  --kind KIND     the source kind (see --list-kinds)\n"
	"  --list-kinds    list the kinds of source orgmri reads\n"
	"  --strict        stop at the first bad record (exit status 1);\n"
	"                  events stored before it are kept\n"
	"  --all           git: every branch and tag, not only the default branch\n"
	"  --no-diff       git: skip line counts (faster)\n"
	"  --batch N       events per transaction (default 500000): smaller\n"
	"                  loses less work to a crash, uses less memory; the\n"
	"                  first ingest into an empty store is one transaction\n"
	"                  (a crash leaves it empty) unless its input stalls\n"
	"  --since DATE    git: only commits at or after DATE\n"
	"  --db PATH       the store (default $ORGMRI_DB, else ./.orgmri.db)\n"
	"  --config FILE   configuration file (default ./.orgmri)\n"
	"  -q, --quiet     no progress or summary on standard error\n"
	"\n"
	"Use '-' as SOURCE with --kind jsonl or --kind csv to read standard input.\n",
	run,
};
