/*
 * cli.h - what the orgmri subcommands share: the common options, output
 * handling and error printing.  The CLI uses only the public API.
 */
#ifndef ORGMRI_CLI_H
#define ORGMRI_CLI_H

#include <getopt.h>
#include <stdint.h>
#include <stdio.h>

#include "orgmri/orgmri.h"

/* Exit statuses (DESIGN.md). */
#define EXIT_OK 0
#define EXIT_FAIL 1
#define EXIT_USAGE 2

typedef struct cli_ctx {
	const char *prog;
	const char *command;
	const char *db_path;      /* --db, else default */
	const char *config_path;  /* --config */
	const char *format;       /* --format: text (default), json, csv */
	const char *output;       /* -o FILE */
	const char *html;         /* --html FILE */
	const char *team, *repo;  /* --team, --repo */
	int64_t since, until;     /* --since/--until, INT64_MIN/MAX if unset */
	int quiet;                /* --quiet */
	int color;                /* colour allowed on stdout */
	FILE *out;                /* stdout or -o */
} cli_ctx;

typedef struct cli_command {
	const char *name;
	const char *summary;
	const char *usage;   /* full help text, printed by --help */
	int (*run)(cli_ctx *ctx, int argc, char **argv);
} cli_command;

/* Command-specific option handler: return 0, or EXIT_USAGE. */
typedef int (*cli_opt_fn)(cli_ctx *ctx, int opt, const char *arg, void *st);

/*
 * Parse the common options plus `extra` (terminated by a zero entry) from
 * argv.  Returns -1 when parsing succeeded (then *first is the index of
 * the first operand), or an exit status (after --help: EXIT_OK).
 */
int cli_parse(cli_ctx *ctx, const cli_command *cmd, int argc, char **argv,
              const struct option *extra, const char *extra_short,
              cli_opt_fn fn, void *st, int *first);

/* Print "orgmri: <what>: <why>" from an error record to stderr. */
void cli_error(const cli_ctx *ctx, const orgmri_error *err);
/* Print "orgmri: <message>" to stderr. */
void cli_errorf(const cli_ctx *ctx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Usage error: message plus a pointer to --help; returns EXIT_USAGE. */
int cli_usage_error(const cli_ctx *ctx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Open the store named by --db/$ORGMRI_DB. */
int cli_open_store(cli_ctx *ctx, orgmri_store **store, int readonly);
/* Open -o FILE (or stdout) as ctx->out. Returns 0 or EXIT_FAIL. */
int cli_open_output(cli_ctx *ctx);
int cli_close_output(cli_ctx *ctx);

/* Check --format is one of the comma-free list `allowed` ("text,json"). */
int cli_check_format(cli_ctx *ctx, const char *allowed);

/* Parse a date/time option value (ISO 8601). */
int cli_parse_time(const char *text, int64_t *out);

/* Shared ingest step (used by ingest and scan). */
int cli_ingest_sources(cli_ctx *ctx, orgmri_store *store, char **paths,
                       int npaths, const orgmri_ingest_options *base);

/* The commands. */
extern const cli_command cmd_ingest;
extern const cli_command cmd_stats;
extern const cli_command cmd_export;
extern const cli_command cmd_demo;
extern const cli_command cmd_compare;
extern const cli_command cmd_scan;
extern const cli_command cmd_report;

/* compare, scan, report and demo (diagnosis_run.c); with --html the
 * report is written too, and DIAG_HTML_ONLY prints nothing else. */
#define DIAG_HTML_ONLY 0x100
struct orgmri_diagnose_options;
extern const struct option diag_options[];
int diag_on_opt(cli_ctx *ctx, int opt, const char *arg, void *st);
int diag_check_periods(cli_ctx *ctx,
                       const struct orgmri_diagnose_options *o);
int diag_run(cli_ctx *ctx, orgmri_store *store,
             struct orgmri_diagnose_options *o, unsigned render_flags);
extern const cli_command cmd_generate;
extern const cli_command cmd_simulate;
extern const cli_command cmd_forecast;
extern const cli_command cmd_map;
extern const cli_command cmd_dora;
extern const cli_command cmd_stages;
extern const cli_command cmd_flow;
extern const cli_command cmd_people;
extern const cli_command cmd_rework;
extern const cli_command cmd_metrics;

#endif
