/*
 * jsonl.c - reader of canonical events as JSON Lines (docs/formats.md).
 *
 * One JSON object per line, parsed with jansson.  A bad line is reported
 * with file, line and column (jansson's column within the line) or the
 * field at fault, then skipped and counted, or in strict mode ends the
 * read.  Blank lines are allowed.
 */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/lines.h"
#include "core/util.h"
#include "ingest/canonical_common.h"
#include "orgmri/time.h"

int canon_bad_record(const orgmri_read_options *opts, orgmri_error *rec_err,
                     orgmri_error *err)
{
	if (!opts || opts->strict) {
		if (err)
			*err = *rec_err;
		return rec_err->code ? rec_err->code : ORGMRI_EPARSE;
	}
	if (opts->warn)
		opts->warn(rec_err, opts->warn_ctx);
	if (opts->skipped)
		opts->skipped(opts->skipped_ctx);
	return 0;
}

/* Shortest "%.Ng" text that reads back as the same double. */
static void format_real(double d, char *out, size_t size)
{
	for (int prec = 15; prec <= 17; prec++) {
		snprintf(out, size, "%.*g", prec, d);
		if (strtod(out, NULL) == d)
			break;
	}
	/* Keep it a JSON number that is not mistaken for an integer. */
	if (!strpbrk(out, ".eEn"))
		strncat(out, ".0", size - strlen(out) - 1);
}

typedef struct jrec {
	orgmri_event ev;
	const char *related[CANON_MAX_RELATED];
	orgmri_attr attrs[CANON_MAX_ATTRS];
	char numbuf[CANON_MAX_ATTRS][32];
	char idbuf[32];
} jrec;

static int field_err(orgmri_error *e, const char *field, const char *why)
{
	snprintf(e->path, sizeof(e->path), "$.%s", field);
	return orgmri_seterr(e, ORGMRI_EPARSE, "%s", why);
}

static int parse_time(json_t *t, int64_t *out, orgmri_error *e)
{
	if (json_is_integer(t)) {
		*out = json_integer_value(t);
		return 0;
	}
	if (!json_is_string(t))
		return field_err(e, "time", "must be an ISO-8601 string or "
		                 "integer epoch milliseconds");
	int rc = orgmri_time_parse(json_string_value(t), json_string_length(t),
	                           0, out, NULL, e);
	if (rc) {
		e->column = 0;
		snprintf(e->path, sizeof(e->path), "$.time");
	}
	return rc;
}

static int optional_string(json_t *o, const char *name, const char **out,
                           orgmri_error *e)
{
	json_t *v = json_object_get(o, name);
	*out = NULL;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_string(v))
		return field_err(e, name, "must be a string");
	*out = json_string_value(v);
	return 0;
}

static int convert(json_t *root, jrec *r, orgmri_error *e)
{
	int rc;
	memset(&r->ev, 0, sizeof(r->ev));
	if (!json_is_object(root))
		return orgmri_seterr(e, ORGMRI_EPARSE, "expected a JSON object");
	json_t *t = json_object_get(root, "time");
	if (!t)
		return field_err(e, "time", "missing");
	if ((rc = parse_time(t, &r->ev.time, e)))
		return rc;
	if ((rc = optional_string(root, "object", &r->ev.object, e)) ||
	    (rc = optional_string(root, "activity", &r->ev.activity, e)) ||
	    (rc = optional_string(root, "actor", &r->ev.actor, e)))
		return rc;
	if (!r->ev.object)
		return field_err(e, "object", "missing");
	if (!r->ev.activity)
		return field_err(e, "activity", "missing");

	json_t *id = json_object_get(root, "id");
	if (json_is_integer(id)) {
		snprintf(r->idbuf, sizeof(r->idbuf), "%" JSON_INTEGER_FORMAT,
		         json_integer_value(id));
		r->ev.discriminator = r->idbuf;
	} else if (json_is_string(id)) {
		r->ev.discriminator = json_string_value(id);
	} else if (id && !json_is_null(id)) {
		return field_err(e, "id", "must be a string or an integer");
	}

	json_t *rel = json_object_get(root, "related");
	if (rel && !json_is_null(rel)) {
		if (!json_is_array(rel))
			return field_err(e, "related", "must be an array of strings");
		size_t n = json_array_size(rel);
		if (n > CANON_MAX_RELATED)
			return field_err(e, "related", "too many related objects");
		for (size_t i = 0; i < n; i++) {
			json_t *x = json_array_get(rel, i);
			if (!json_is_string(x)) {
				snprintf(e->path, sizeof(e->path), "$.related[%zu]", i);
				return orgmri_seterr(e, ORGMRI_EPARSE, "must be a string");
			}
			r->related[i] = json_string_value(x);
		}
		r->ev.related = r->related;
		r->ev.nrelated = n;
	}

	json_t *attrs = json_object_get(root, "attrs");
	if (attrs && !json_is_null(attrs)) {
		if (!json_is_object(attrs))
			return field_err(e, "attrs", "must be an object");
		const char *k;
		json_t *v;
		size_t n = 0;
		json_object_foreach(attrs, k, v) {
			if (json_is_null(v))
				continue;
			if (n == CANON_MAX_ATTRS)
				return field_err(e, "attrs", "too many attributes");
			orgmri_attr *a = &r->attrs[n];
			a->name = k;
			switch (json_typeof(v)) {
			case JSON_STRING:
				a->type = ORGMRI_ATTR_STRING;
				a->value = json_string_value(v);
				if (strlen(a->value) != json_string_length(v)) {
					snprintf(e->path, sizeof(e->path), "$.attrs.%.200s", k);
					return orgmri_seterr(e, ORGMRI_EPARSE,
					                     "contains a NUL character");
				}
				break;
			case JSON_INTEGER:
				a->type = ORGMRI_ATTR_INT;
				snprintf(r->numbuf[n], 32, "%" JSON_INTEGER_FORMAT,
				         json_integer_value(v));
				a->value = r->numbuf[n];
				break;
			case JSON_REAL:
				a->type = ORGMRI_ATTR_REAL;
				format_real(json_real_value(v), r->numbuf[n], 32);
				a->value = r->numbuf[n];
				break;
			case JSON_TRUE:
			case JSON_FALSE:
				a->type = ORGMRI_ATTR_BOOL;
				a->value = json_is_true(v) ? "true" : "false";
				break;
			default:
				snprintf(e->path, sizeof(e->path), "$.attrs.%.200s", k);
				return orgmri_seterr(e, ORGMRI_EPARSE,
				                     "must be a string, number or boolean");
			}
			n++;
		}
		r->ev.attrs = r->attrs;
		r->ev.nattrs = n;
	}
	/* The sink validates again, but checking here puts the line number
	 * on the message. */
	return orgmri_event_validate(&r->ev, e);
}

int orgmri_canonical_read_jsonl(FILE *in, const char *name,
                                const orgmri_read_options *opts,
                                orgmri_sink *sink, orgmri_error *err)
{
	orgmri_lines lr;
	if (orgmri_lines_init(&lr, in, ORGMRI_CANONICAL_MAX_RECORD))
		return orgmri_seterr(err, ORGMRI_ENOMEM, "out of memory");
	jrec *r = malloc(sizeof(*r));
	int rc = 0;
	if (!r) {
		rc = orgmri_seterr(err, ORGMRI_ENOMEM, "out of memory");
		goto done;
	}
	for (;;) {
		const char *line;
		size_t len;
		int got = orgmri_lines_next(&lr, &line, &len);
		if (got == 0)
			break;
		orgmri_error e;
		orgmri_error_clear(&e);
		if (got == ORGMRI_ELIMIT) {
			orgmri_seterr(&e, ORGMRI_ELIMIT,
			              "line longer than %u bytes",
			              ORGMRI_CANONICAL_MAX_RECORD);
			orgmri_seterr_at(&e, name, lr.line, 0);
			if ((rc = canon_bad_record(opts, &e, err)))
				goto done;
			continue;
		}
		if (got < 0) {
			rc = orgmri_seterr(err, got, "%s: read failed", name);
			goto done;
		}
		size_t k = 0;
		while (k < len && (line[k] == ' ' || line[k] == '\t'))
			k++;
		if (k == len)
			continue; /* blank line */
		size_t ok = orgmri_utf8_valid_prefix(line, len);
		if (ok != len) {
			orgmri_seterr(&e, ORGMRI_EPARSE, "not valid UTF-8");
			orgmri_seterr_at(&e, name, lr.line, (long)ok + 1);
			if ((rc = canon_bad_record(opts, &e, err)))
				goto done;
			continue;
		}
		json_error_t je;
		json_t *root = json_loadb(line, len, 0, &je);
		if (!root) {
			orgmri_seterr(&e, ORGMRI_EPARSE, "invalid JSON: %s", je.text);
			orgmri_seterr_at(&e, name, lr.line,
			                 je.column > 0 ? je.column : je.position + 1);
			if ((rc = canon_bad_record(opts, &e, err)))
				goto done;
			continue;
		}
		int crc = convert(root, r, &e);
		if (!crc) {
			crc = sink->event(sink, &r->ev, &e);
			if (crc && crc != ORGMRI_EPARSE) {
				/* The sink failed (store error): fatal. */
				json_decref(root);
				if (err)
					*err = e;
				rc = crc;
				goto done;
			}
		}
		json_decref(root);
		if (crc) {
			orgmri_seterr_at(&e, name, lr.line, e.column);
			if ((rc = canon_bad_record(opts, &e, err)))
				goto done;
		}
	}
done:
	free(r);
	orgmri_lines_free(&lr);
	return rc;
}
