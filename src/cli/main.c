/*
 * main.c - the orgmri command: git-style subcommands over liborgmri.
 *
 *   orgmri [--db PATH] COMMAND [OPTIONS] [ARGS]
 *
 * Each command lives in its own cmd_*.c file and is listed in the table
 * below; `orgmri help COMMAND` and `orgmri COMMAND --help` print its usage.
 */
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

static const cli_command *const commands[] = {
	/* bring data in and out */
	&cmd_ingest,
	&cmd_stats,
	&cmd_export,
	/* the diagnosis */
	&cmd_scan,
	&cmd_compare,
	&cmd_report,
	/* the metric families: all at once, or one each */
	&cmd_metrics,
	&cmd_dora,
	&cmd_stages,
	&cmd_flow,
	&cmd_people,
	&cmd_rework,
	&cmd_map,
	/* what-ifs and forecasts */
	&cmd_simulate,
	&cmd_forecast,
	/* samples */
	&cmd_demo,
	&cmd_generate,
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static void print_help(FILE *fp)
{
	fprintf(fp,
	        "usage: orgmri [--db PATH] COMMAND [OPTIONS] [ARGS]\n"
	        "\n"
	        "orgmri reads what an engineering organisation already records\n"
	        "(git history, pull requests, reviews, CI runs, deployments,\n"
	        "incidents, issue statuses) and measures how it delivers.\n"
	        "\n"
	        "Commands:\n");
	for (size_t i = 0; i < NCOMMANDS; i++)
		fprintf(fp, "  %-10s %s\n", commands[i]->name, commands[i]->summary);
	fprintf(fp,
	        "  help       show the help of a command\n"
	        "\n"
	        "Common options (every command):\n"
	        "  --db PATH          the store (default $ORGMRI_DB, else ./.orgmri.db)\n"
	        "  --config FILE      configuration (default $ORGMRI_CONFIG, else ./.orgmri)\n"
	        "  --format FMT       text, json or csv, where the command offers it\n"
	        "  -o, --output FILE  write there instead of standard output\n"
	        "  --since DATE, --until DATE   restrict by time (ISO 8601)\n"
	        "  --team NAME, --repo NAME     restrict to one team or repository\n"
	        "  -q, --quiet        no progress or notes on standard error\n"
	        "  -h, --help         help of the command\n"
	        "\n"
	        "Exit status: 0 success, 1 failure, 2 bad usage.\n"
	        "Run 'orgmri help COMMAND' for a command's options.\n");
}

static const cli_command *find_command(const char *name)
{
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (strcmp(commands[i]->name, name) == 0)
			return commands[i];
	return NULL;
}

int main(int argc, char **argv)
{
	cli_ctx ctx;
	memset(&ctx, 0, sizeof(ctx));
	ctx.prog = "orgmri";
	ctx.since = INT64_MIN;
	ctx.until = INT64_MAX;
	ctx.out = stdout;

	/* Global options before the command: --db PATH, --help, --version. */
	int i = 1;
	for (; i < argc && argv[i][0] == '-'; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--version") == 0 || strcmp(a, "-V") == 0) {
			printf("orgmri %s\n", orgmri_version());
			return EXIT_OK;
		} else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			print_help(stdout);
			return EXIT_OK;
		} else if (strcmp(a, "--db") == 0 && i + 1 < argc) {
			ctx.db_path = argv[++i];
		} else if (strncmp(a, "--db=", 5) == 0) {
			ctx.db_path = a + 5;
		} else if (strcmp(a, "--config") == 0 && i + 1 < argc) {
			ctx.config_path = argv[++i];
		} else if (strcmp(a, "-q") == 0 || strcmp(a, "--quiet") == 0) {
			ctx.quiet = 1;
		} else {
			fprintf(stderr, "orgmri: unknown option '%s'\n"
			                "Try 'orgmri --help'.\n", a);
			return EXIT_USAGE;
		}
	}
	if (i >= argc) {
		print_help(stderr);
		return EXIT_USAGE;
	}
	const char *name = argv[i];
	if (strcmp(name, "help") == 0) {
		if (i + 1 >= argc) {
			print_help(stdout);
			return EXIT_OK;
		}
		const cli_command *c = find_command(argv[i + 1]);
		if (!c) {
			fprintf(stderr, "orgmri: no such command '%s'\n", argv[i + 1]);
			return EXIT_USAGE;
		}
		fputs(c->usage, stdout);
		return EXIT_OK;
	}
	const cli_command *cmd = find_command(name);
	if (!cmd) {
		fprintf(stderr, "orgmri: '%s' is not a command. "
		                "See 'orgmri --help'.\n", name);
		return EXIT_USAGE;
	}
	ctx.command = cmd->name;
	return cmd->run(&ctx, argc - i, argv + i);
}
