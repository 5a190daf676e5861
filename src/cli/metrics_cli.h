/*
 * metrics_cli.h - what the metric commands (dora, stages, flow, people,
 * rework) share: the metric options, loading store -> table -> model,
 * and small formatting helpers for the three output formats.
 */
#ifndef ORGMRI_METRICS_CLI_H
#define ORGMRI_METRICS_CLI_H

#include <jansson.h>
#include "cli/cli.h"

/* Options every metric command accepts besides the common ones. */
typedef struct metrics_opts {
	const char *stream;       /* --stream pr|issue|devlake */
	const char *production;   /* --production ENV[,ENV] */
	int cohort_ai;            /* --cohort ai */
	int devlake;              /* --devlake preset */
	int per_person;           /* --per-person (people) */
	int weekly;               /* --weekly */
	/* dora */
	orgmri_dora_options dora;
} metrics_opts;

enum {
	MOPT_STREAM = 2000, MOPT_PRODUCTION, MOPT_COHORT, MOPT_DEVLAKE,
	MOPT_PER_PERSON, MOPT_WEEKLY, MOPT_LEAD, MOPT_STAT, MOPT_LINKAGE,
	MOPT_GROUP
};

/* The long options of metric commands; terminated. */
extern const struct option metrics_long_options[];

void metrics_opts_init(metrics_opts *o);
/* cli_opt_fn for the options above. */
int metrics_opt(cli_ctx *ctx, int opt, const char *arg, void *st);

/* Everything a metric command computes over. */
typedef struct metrics_input {
	orgmri_store *store;
	orgmri_config *config;
	orgmri_table *table;
	orgmri_model *model;
} metrics_input;

/* Open the store, load config and table, compute the model of `stream`.
 * Returns 0 or an exit status (error already printed). */
int metrics_load(cli_ctx *ctx, const metrics_opts *o, const char *stream,
                 metrics_input *in);
void metrics_unload(metrics_input *in);

/* One metric command: how to compute one cohort and how to render them. */
typedef struct metrics_family {
	const cli_command *cmd;
	const char *stream;    /* default value stream; --devlake: "devlake" */
	/* compute one cohort into *res (freed with free_result) */
	int (*compute)(const metrics_input *in, const metrics_opts *o,
	               const orgmri_filter *f, void **res, orgmri_error *err);
	void (*free_result)(void *res);
	/* render res[0..nc) in ctx->format to ctx->out; 0 or EXIT_FAIL */
	int (*render)(cli_ctx *ctx, const metrics_input *in, void *const *res,
	              const orgmri_cohort *cohorts, size_t nc);
} metrics_family;

/* The whole of a metric command: options, load, one compute per cohort,
 * render.  Returns the exit status. */
int metrics_run(cli_ctx *ctx, int argc, char **argv,
                const metrics_family *fam);

/* What every metrics command does first: parse the options of `cmd`
 * into *o, check the format against `formats` ("text,json,..."), load
 * the store into *in with the value stream `stream` (--devlake: DevLake's).
 * Returns -1 when *in is loaded and the command goes on (metrics_unload
 * it), else the exit status to return at once (0 after --help; nothing
 * to unload). */
int metrics_start(cli_ctx *ctx, const cli_command *cmd, int argc,
                  char **argv, const char *formats, const char *stream,
                  metrics_opts *o, metrics_input *in);

/* The families, for `orgmri metrics` (cmd_metrics.c), in its order. */
extern const metrics_family metrics_family_dora, metrics_family_stages,
                            metrics_family_flow, metrics_family_people,
                            metrics_family_rework;

/* The filter from the common options and a cohort. */
orgmri_filter metrics_filter(const cli_ctx *ctx, orgmri_cohort cohort);

/* Cohorts to report: {all} or {ai, other}. */
size_t metrics_cohorts(const metrics_opts *o, orgmri_cohort *out);
const char *metrics_cohort_name(orgmri_cohort c);

/* Number or null (NaN) in JSON; hours / days / percent helpers. */
json_t *jnum(double v);
json_t *jtime(int64_t t);
/* Print a duration in ms compactly ("3.2h", "4.1d", "-") into buf. */
const char *fmt_dur(double ms, char *buf, size_t size);
/* A CSV field: numbers as %.6g, empty for NaN. */
void csv_num(FILE *fp, double v);
/* Emit JSON to the output and free it. */
int emit_json(cli_ctx *ctx, json_t *o);

#endif
