/*
 * common.c - option parsing, error printing and output handling shared
 * by the subcommands.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"

enum {
	OPT_DB = 1000, OPT_FORMAT, OPT_SINCE, OPT_UNTIL, OPT_TEAM, OPT_REPO,
	OPT_HTML, OPT_CONFIG, OPT_HELP
};

static const struct option common_options[] = {
	{ "db", required_argument, NULL, OPT_DB },
	{ "format", required_argument, NULL, OPT_FORMAT },
	{ "since", required_argument, NULL, OPT_SINCE },
	{ "until", required_argument, NULL, OPT_UNTIL },
	{ "team", required_argument, NULL, OPT_TEAM },
	{ "repo", required_argument, NULL, OPT_REPO },
	{ "html", required_argument, NULL, OPT_HTML },
	{ "config", required_argument, NULL, OPT_CONFIG },
	{ "output", required_argument, NULL, 'o' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "help", no_argument, NULL, 'h' },
};

#define NCOMMON (sizeof(common_options) / sizeof(common_options[0]))

void cli_errorf(const cli_ctx *ctx, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "%s: ", ctx && ctx->prog ? ctx->prog : "orgmri");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void cli_error(const cli_ctx *ctx, const orgmri_error *err)
{
	char buf[2048];
	cli_errorf(ctx, "%s", orgmri_error_format(err, buf, sizeof(buf)));
}

int cli_usage_error(const cli_ctx *ctx, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "%s: ", ctx->prog);
	if (ctx->command)
		fprintf(stderr, "%s: ", ctx->command);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry '%s%s%s --help' for more information.\n",
	        ctx->prog, ctx->command ? " " : "",
	        ctx->command ? ctx->command : "");
	return EXIT_USAGE;
}

int cli_parse_time(const char *text, int64_t *out)
{
	return orgmri_time_parse(text, strlen(text), 0, out, NULL, NULL);
}

int cli_parse(cli_ctx *ctx, const cli_command *cmd, int argc, char **argv,
              const struct option *extra, const char *extra_short,
              cli_opt_fn fn, void *st, int *first)
{
	size_t nextra = 0;
	while (extra && extra[nextra].name)
		nextra++;
	struct option *opts = calloc(NCOMMON + nextra + 1, sizeof(*opts));
	char shortopts[64];
	if (!opts) {
		cli_errorf(ctx, "out of memory");
		return EXIT_FAIL;
	}
	memcpy(opts, common_options, sizeof(common_options));
	if (nextra)
		memcpy(opts + NCOMMON, extra, nextra * sizeof(*opts));
	snprintf(shortopts, sizeof(shortopts), "+o:qh%s",
	         extra_short ? extra_short : "");
	optind = 1;
	opterr = 0;
	int c, status = -1;
	while (status < 0 &&
	       (c = getopt_long(argc, argv, shortopts, opts, NULL)) != -1) {
		switch (c) {
		case OPT_DB: ctx->db_path = optarg; break;
		case OPT_FORMAT: ctx->format = optarg; break;
		case OPT_TEAM: ctx->team = optarg; break;
		case OPT_REPO: ctx->repo = optarg; break;
		case OPT_HTML: ctx->html = optarg; break;
		case OPT_CONFIG: ctx->config_path = optarg; break;
		case 'o': ctx->output = optarg; break;
		case 'q': ctx->quiet = 1; break;
		case OPT_SINCE:
		case OPT_UNTIL:
			if (cli_parse_time(optarg, c == OPT_SINCE ? &ctx->since
			                                          : &ctx->until))
				status = cli_usage_error(ctx, "--%s: not a date: \"%s\" "
				                         "(expected e.g. 2026-03-01)",
				                         c == OPT_SINCE ? "since" : "until",
				                         optarg);
			break;
		case 'h':
			fputs(cmd->usage, stdout);
			status = EXIT_OK;
			break;
		case '?':
			if (optopt)
				status = cli_usage_error(ctx, "unknown option '-%c'", optopt);
			else
				status = cli_usage_error(ctx, "unknown option '%s'",
				                         argv[optind - 1]);
			break;
		case ':':
			status = cli_usage_error(ctx, "option '%s' needs a value",
			                         argv[optind - 1]);
			break;
		default:
			if (fn && fn(ctx, c, optarg, st))
				status = EXIT_USAGE;
			else if (!fn)
				status = cli_usage_error(ctx, "unexpected option");
		}
	}
	free(opts);
	if (status < 0 && ctx->format && ctx->format[0] == '\0')
		status = cli_usage_error(ctx, "--format needs a value");
	*first = optind;
	return status;
}

int cli_check_format(cli_ctx *ctx, const char *allowed)
{
	const char *f = ctx->format ? ctx->format : "text";
	size_t fl = strlen(f);
	for (const char *p = allowed; *p;) {
		const char *comma = strchr(p, ',');
		size_t l = comma ? (size_t)(comma - p) : strlen(p);
		if (l == fl && strncmp(p, f, l) == 0)
			return 0;
		p += l + (comma != NULL);
	}
	return cli_usage_error(ctx, "--format %s is not available here "
	                       "(choose from: %s)", f, allowed);
}

int cli_open_store(cli_ctx *ctx, orgmri_store **store, int readonly)
{
	orgmri_error err;
	orgmri_error_clear(&err);
	const char *path = ctx->db_path ? ctx->db_path
	                                : orgmri_store_default_path();
	if (readonly && access(path, F_OK) != 0) {
		cli_errorf(ctx, "%s: no store here yet; run 'orgmri ingest SOURCE' "
		           "first (or give --db PATH)", path);
		return EXIT_FAIL;
	}
	if (orgmri_store_open(store, path, readonly ? ORGMRI_STORE_READONLY : 0,
	                      &err)) {
		cli_error(ctx, &err);
		return EXIT_FAIL;
	}
	return 0;
}

int cli_open_output(cli_ctx *ctx)
{
	ctx->out = stdout;
	if (ctx->output && strcmp(ctx->output, "-") != 0) {
		ctx->out = fopen(ctx->output, "w");
		if (!ctx->out) {
			cli_errorf(ctx, "%s: cannot write: %s", ctx->output,
			           strerror(errno));
			ctx->out = stdout;
			return EXIT_FAIL;
		}
	}
	ctx->color = ctx->out == stdout && isatty(STDOUT_FILENO) &&
	             !getenv("NO_COLOR");
	return 0;
}

int cli_close_output(cli_ctx *ctx)
{
	int bad = fflush(ctx->out) != 0 || ferror(ctx->out);
	if (ctx->out != stdout && fclose(ctx->out) != 0)
		bad = 1;
	ctx->out = stdout;
	if (bad) {
		cli_errorf(ctx, "%s: write failed",
		           ctx->output ? ctx->output : "standard output");
		return EXIT_FAIL;
	}
	return 0;
}
