/*
 * cmd_stats.c - `orgmri stats`: what the store holds.
 */
#include <jansson.h>
#include <string.h>

#include "cli/cli.h"

static void text_counts(FILE *fp, const char *title, const orgmri_count *c,
                        size_t n)
{
	fprintf(fp, "\n%s\n", title);
	if (n == 0)
		fprintf(fp, "  (none)\n");
	for (size_t i = 0; i < n; i++)
		fprintf(fp, "  %-24s %12lld\n", c[i].name, c[i].n);
}

static json_t *json_counts(const orgmri_count *c, size_t n)
{
	json_t *o = json_object();
	for (size_t i = 0; i < n; i++)
		json_object_set_new(o, c[i].name, json_integer(c[i].n));
	return o;
}

static void print_text(FILE *fp, const char *path, const orgmri_stats *s)
{
	char a[ORGMRI_TIME_BUFSZ], b[ORGMRI_TIME_BUFSZ];
	fprintf(fp, "store        %s\n", path);
	fprintf(fp, "objects      %lld\n", s->objects);
	fprintf(fp, "events       %lld\n", s->events);
	fprintf(fp, "links        %lld\n", s->links);
	fprintf(fp, "people       %lld\n", s->people);
	fprintf(fp, "ingest runs  %lld\n", s->runs);
	if (s->events > 0)
		fprintf(fp, "time span    %s .. %s\n",
		        orgmri_time_format(s->first_time, a),
		        orgmri_time_format(s->last_time, b));
	text_counts(fp, "objects by type", s->objects_by_type, s->nobject_types);
	text_counts(fp, "events by activity", s->events_by_activity,
	            s->nactivities);
	text_counts(fp, "links by relation", s->links_by_relation, s->nrelations);
}

static int print_json(FILE *fp, const char *path, const orgmri_stats *s)
{
	char a[ORGMRI_TIME_BUFSZ], b[ORGMRI_TIME_BUFSZ];
	json_t *o = json_object();
	json_object_set_new(o, "schema", json_string("orgmri.stats/1"));
	json_object_set_new(o, "store", json_string(path));
	json_object_set_new(o, "objects", json_integer(s->objects));
	json_object_set_new(o, "events", json_integer(s->events));
	json_object_set_new(o, "links", json_integer(s->links));
	json_object_set_new(o, "people", json_integer(s->people));
	json_object_set_new(o, "ingest_runs", json_integer(s->runs));
	json_object_set_new(o, "first_time", s->events ?
		json_string(orgmri_time_format(s->first_time, a)) : json_null());
	json_object_set_new(o, "last_time", s->events ?
		json_string(orgmri_time_format(s->last_time, b)) : json_null());
	json_object_set_new(o, "objects_by_type",
	                    json_counts(s->objects_by_type, s->nobject_types));
	json_object_set_new(o, "events_by_activity",
	                    json_counts(s->events_by_activity, s->nactivities));
	json_object_set_new(o, "links_by_relation",
	                    json_counts(s->links_by_relation, s->nrelations));
	int rc = json_dumpf(o, fp, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	fputc('\n', fp);
	json_decref(o);
	return rc;
}

static int run(cli_ctx *ctx, int argc, char **argv)
{
	int first, status = cli_parse(ctx, &cmd_stats, argc, argv, NULL, NULL,
	                              NULL, NULL, &first);
	if (status >= 0)
		return status;
	if (first < argc)
		return cli_usage_error(ctx, "unexpected argument '%s'", argv[first]);
	if ((status = cli_check_format(ctx, "text,json")))
		return status;
	orgmri_store *store;
	if ((status = cli_open_store(ctx, &store, 1)))
		return status;
	orgmri_stats s;
	orgmri_error err;
	orgmri_error_clear(&err);
	if (orgmri_store_stats(store, &s, &err)) {
		cli_error(ctx, &err);
		orgmri_store_close(store);
		return EXIT_FAIL;
	}
	const char *path = ctx->db_path ? ctx->db_path : orgmri_store_default_path();
	if ((status = cli_open_output(ctx)) == 0) {
		if (ctx->format && strcmp(ctx->format, "json") == 0)
			print_json(ctx->out, path, &s);
		else
			print_text(ctx->out, path, &s);
		status = cli_close_output(ctx);
	}
	orgmri_stats_free(&s);
	orgmri_store_close(store);
	return status;
}

const cli_command cmd_stats = {
	"stats", "what the store holds",
	"usage: orgmri stats [--format text|json] [--db PATH] [-o FILE]\n"
	"\n"
	"Counts of objects by type, events by activity, links by relation,\n"
	"people and ingest runs, and the first and last event time.\n"
	"The JSON form is documented in docs/json.md (schema orgmri.stats/1).\n",
	run,
};
