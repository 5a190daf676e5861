/*
 * platform.c - shared machinery of the delivery-platform adapters (see
 * platform.h): concatenated-JSON export files, typed field access with
 * JSON paths in messages, the per-record event builder and the lenient
 * timestamp parser.
 *
 * Why read a whole file and parse page by page with jansson's
 * JSON_DISABLE_EOF_CHECK: `gh api --paginate` and `glab api --paginate`
 * write one array per page back to back ("[...][...]"), which is not one
 * JSON document; parsing one value at a time and carrying on after the
 * bytes it consumed reads them all and keeps the line of each page for
 * messages.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "ingest/platform.h"
#include "orgmri/time.h"

/* ---- files ------------------------------------------------------------ */

char *plat_join(const char *dir, const char *name)
{
	size_t a = strlen(dir), b = strlen(name);
	char *p = malloc(a + b + 2);
	if (!p)
		return NULL;
	memcpy(p, dir, a);
	p[a] = '/';
	memcpy(p + a + 1, name, b + 1);
	return p;
}

int plat_file_exists(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

int plat_sniff_json(const char *path, const char *needle)
{
	FILE *fp = fopen(path, "rb");
	if (!fp)
		return 0;
	static const size_t window = 64 * 1024;
	char *buf = malloc(window + 1);
	int ok = 0;
	if (buf) {
		size_t n = fread(buf, 1, window, fp);
		buf[n] = '\0';
		size_t k = 0;
		while (k < n && isspace((unsigned char)buf[k]))
			k++;
		/* NUL bytes would end strstr early; binary files fail anyway */
		ok = k < n && (buf[k] == '[' || buf[k] == '{') &&
		     (!needle || strstr(buf + k, needle));
	}
	free(buf);
	fclose(fp);
	return ok;
}

/* Read a whole file into a malloc'ed, NUL-terminated buffer. */
static int slurp(const char *path, char **out, size_t *len, orgmri_error *err)
{
	*out = NULL;
	FILE *fp = fopen(path, "rb");
	if (!fp)
		return orgmri_seterr(err, errno == ENOENT ? ORGMRI_ENOTFOUND
		                                          : ORGMRI_EIO,
		                     "%s: cannot open: %s", path, strerror(errno));
	orgmri_buf b = ORGMRI_BUF_INIT;
	char chunk[65536];
	int rc = 0;
	size_t n;
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0) {
		if (b.len + n > PLAT_MAX_FILE) {
			rc = orgmri_seterr(err, ORGMRI_ELIMIT, "%s: larger than %zu "
			                   "bytes", path, PLAT_MAX_FILE);
			goto done;
		}
		if (orgmri_buf_put(&b, chunk, n)) {
			rc = orgmri_seterr(err, ORGMRI_ENOMEM, "out of memory");
			goto done;
		}
	}
	if (ferror(fp)) {
		rc = orgmri_seterr(err, ORGMRI_EIO, "%s: read failed", path);
		goto done;
	}
	if (!orgmri_buf_cstr(&b)) {
		rc = orgmri_seterr(err, ORGMRI_ENOMEM, "out of memory");
		goto done;
	}
	*out = b.ptr;
	*len = b.len;
	b.ptr = NULL;
done:
	orgmri_buf_free(&b);
	fclose(fp);
	return rc;
}

int plat_bad_item(orgmri_adapter_ctx *ctx, const plat_where *w,
                  orgmri_error *e, orgmri_error *err)
{
	char rel[ORGMRI_ERROR_PATH_MAX];
	snprintf(rel, sizeof(rel), "%s", e->path);
	orgmri_seterr_at(e, w->file, w->page > 1 ? w->line : 0, 0);
	e->record = w->record;
	snprintf(e->path, sizeof(e->path), "$[%zu]%s", w->index, rel);
	if (w->page > 1)
		orgmri_err_prefix(e, "page %ld", w->page);
	if (!e->code)
		e->code = ORGMRI_EPARSE;
	return orgmri_adapter_bad_record(ctx, e, err);
}

/* Items of one top-level value: see plat_json_each. */
static int each_in_value(orgmri_adapter_ctx *ctx, json_t *v,
                         const char *member, plat_where *w, plat_item_fn fn,
                         void *arg, orgmri_error *err)
{
	json_t *arr = v;
	if (json_is_object(v)) {
		json_t *m = member ? json_object_get(v, member) : NULL;
		arr = m && json_is_array(m) ? m : NULL;
		if (!arr) {
			orgmri_error e;
			orgmri_error_clear(&e);
			w->index = 0;
			w->record++;
			int rc = fn(v, w, arg, &e);
			if (rc == ORGMRI_EPARSE && !e.file[0])
				return plat_bad_item(ctx, w, &e, err);
			if (rc && err)
				*err = e;
			return rc;
		}
	}
	if (!json_is_array(arr)) {
		orgmri_error e;
		orgmri_error_clear(&e);
		orgmri_seterr(&e, ORGMRI_EPARSE, "expected a JSON array or object, "
		              "found a %s", json_is_string(v) ? "string" :
		              json_is_number(v) ? "number" : "literal");
		orgmri_seterr_at(&e, w->file, w->line, 0);
		e.record = w->record + 1;
		return orgmri_adapter_bad_record(ctx, &e, err);
	}
	size_t i;
	json_t *item;
	json_array_foreach(arr, i, item) {
		orgmri_error e;
		orgmri_error_clear(&e);
		w->index = i;
		w->record++;
		int rc = fn(item, w, arg, &e);
		/* An error that already names its file was reported (and
		 * failed in strict mode) further down: pass it on. */
		if (rc == ORGMRI_EPARSE && !e.file[0])
			rc = plat_bad_item(ctx, w, &e, err);
		else if (rc && err)
			*err = e;
		if (rc)
			return rc;
	}
	return 0;
}

int plat_json_each(orgmri_adapter_ctx *ctx, const char *path,
                   const char *member, plat_item_fn fn, void *arg,
                   int *found, orgmri_error *err)
{
	if (found)
		*found = 0;
	char *text;
	size_t len;
	int rc = slurp(path, &text, &len, err);
	if (rc == ORGMRI_ENOTFOUND)
		return 0;
	if (rc)
		return rc;
	if (found)
		*found = 1;
	plat_where w = { path, 0, 1, 0, 0 };
	size_t pos = 0;
	long line = 1;
	for (;;) {
		while (pos < len && isspace((unsigned char)text[pos])) {
			if (text[pos] == '\n')
				line++;
			pos++;
		}
		if (pos >= len)
			break;
		json_error_t je;
		/* JSON_ALLOW_NUL: real Jira text holds \u0000; pj_str reads
		 * such a string up to its first NUL. */
		json_t *v = json_loadb(text + pos, len - pos,
		                       JSON_DISABLE_EOF_CHECK | JSON_DECODE_ANY |
		                       JSON_ALLOW_NUL, &je);
		if (!v) {
			/* Nothing after a syntax error can be trusted: report it
			 * once and leave the rest of this file. */
			orgmri_error e;
			orgmri_error_clear(&e);
			orgmri_seterr(&e, ORGMRI_EPARSE, "invalid JSON (rest of file "
			              "skipped): %s", je.text);
			orgmri_seterr_at(&e, path, line + je.line - 1,
			                 je.line == 1 ? 0 : je.column);
			if (je.line == 1) {
				/* column within the first line of this page */
				long col = 1;
				for (size_t k = pos; k > 0 && text[k - 1] != '\n'; k--)
					col++;
				e.column = col + je.column - 1;
			}
			rc = orgmri_adapter_bad_record(ctx, &e, err);
			break;
		}
		w.page++;
		w.line = line;
		for (size_t k = pos; k < pos + (size_t)je.position && k < len; k++)
			if (text[k] == '\n')
				line++;
		pos += (size_t)je.position;
		rc = each_in_value(ctx, v, member, &w, fn, arg, err);
		json_decref(v);
		if (rc)
			break;
	}
	free(text);
	return rc;
}

/* ---- typed fields ----------------------------------------------------- */

json_t *pj_get(json_t *obj, const char *dotted)
{
	const char *p = dotted;
	json_t *v = obj;
	while (v && *p) {
		const char *dot = strchr(p, '.');
		size_t n = dot ? (size_t)(dot - p) : strlen(p);
		if (!json_is_object(v))
			return NULL;
		char key[128];
		if (n >= sizeof(key))
			return NULL;
		memcpy(key, p, n);
		key[n] = '\0';
		v = json_object_get(v, key);
		p += n + (dot ? 1 : 0);
	}
	return json_is_null(v) ? NULL : v;
}

static int wrong_type(orgmri_error *e, const char *dotted, const char *want,
                      json_t *v)
{
	static const char *names[] = { "an object", "an array", "a string",
	                               "an integer", "a number", "true",
	                               "false", "null" };
	int t = json_typeof(v);
	snprintf(e->path, sizeof(e->path), ".%s", dotted);
	return orgmri_seterr(e, ORGMRI_EPARSE, "must be %s, found %s", want,
	                     t >= 0 && t < 8 ? names[t] : "another type");
}

static int missing(orgmri_error *e, const char *dotted)
{
	snprintf(e->path, sizeof(e->path), ".%s", dotted);
	return orgmri_seterr(e, ORGMRI_EPARSE, "missing");
}

int pj_str(json_t *obj, const char *dotted, const char **out,
           orgmri_error *e)
{
	json_t *v = pj_get(obj, dotted);
	*out = NULL;
	if (!v)
		return 0;
	if (!json_is_string(v))
		return wrong_type(e, dotted, "a string", v);
	*out = json_string_value(v);
	return 0;
}

int pj_int(json_t *obj, const char *dotted, long long *out, int *present,
           orgmri_error *e)
{
	json_t *v = pj_get(obj, dotted);
	*present = 0;
	*out = 0;
	if (!v)
		return 0;
	if (!json_is_integer(v))
		return wrong_type(e, dotted, "an integer", v);
	*out = json_integer_value(v);
	*present = 1;
	return 0;
}

int pj_bool(json_t *obj, const char *dotted, int *out, orgmri_error *e)
{
	json_t *v = pj_get(obj, dotted);
	*out = 0;
	if (!v)
		return 0;
	if (!json_is_boolean(v))
		return wrong_type(e, dotted, "true or false", v);
	*out = json_is_true(v);
	return 0;
}

int pj_time(json_t *obj, const char *dotted, int64_t *out, int *present,
            orgmri_error *e)
{
	const char *s;
	*present = 0;
	*out = 0;
	int rc = pj_str(obj, dotted, &s, e);
	if (rc || !s)
		return rc;
	if ((rc = plat_time_parse(s, out, e))) {
		snprintf(e->path, sizeof(e->path), ".%s", dotted);
		e->column = 0;
		return rc;
	}
	*present = 1;
	return 0;
}

int pj_need_str(json_t *obj, const char *dotted, const char **out,
                orgmri_error *e)
{
	int rc = pj_str(obj, dotted, out, e);
	return rc ? rc : *out ? 0 : missing(e, dotted);
}

int pj_need_time(json_t *obj, const char *dotted, int64_t *out,
                 orgmri_error *e)
{
	int present;
	int rc = pj_time(obj, dotted, out, &present, e);
	return rc ? rc : present ? 0 : missing(e, dotted);
}

int pj_need_int(json_t *obj, const char *dotted, long long *out,
                orgmri_error *e)
{
	int present;
	int rc = pj_int(obj, dotted, out, &present, e);
	return rc ? rc : present ? 0 : missing(e, dotted);
}

/* ---- timestamps ------------------------------------------------------- */

/* Read 1..maxd digits at *p into *v. */
static int digits(const char **p, int maxd, int *v)
{
	int n = 0;
	*v = 0;
	while (n < maxd && isdigit((unsigned char)**p)) {
		*v = *v * 10 + (**p - '0');
		(*p)++;
		n++;
	}
	return n;
}

int plat_time_parse(const char *s, int64_t *out, orgmri_error *e)
{
	size_t len = strlen(s);
	orgmri_error first;
	orgmri_error_clear(&first);
	if (orgmri_time_parse(s, len, 0, out, NULL, &first) == 0)
		return 0;
	/* The unpadded "Y-M-D H:M:S" form: pad it and parse again. */
	const char *p = s;
	int y, mo, d, h = 0, mi = 0, se = 0;
	if (digits(&p, 4, &y) != 4 || *p++ != '-' || !digits(&p, 2, &mo) ||
	    *p++ != '-' || !digits(&p, 2, &d))
		goto fail;
	if (*p == ' ' || *p == 'T') {
		p++;
		if (!digits(&p, 2, &h) || *p++ != ':' || !digits(&p, 2, &mi))
			goto fail;
		if (*p == ':') {
			p++;
			if (!digits(&p, 2, &se))
				goto fail;
		}
	} else if (*p) {
		goto fail;
	}
	/* GitLab's hooks write "2016-08-12 15:23:28 UTC" and
	 * "2021-04-28 21:50:00 +0200": a space before the zone */
	if (*p == ' ' && (p[1] == '+' || p[1] == '-' || strcmp(p, " UTC") == 0))
		p = p[1] == 'U' ? "Z" : p + 1;
	char buf[96];
	int n = snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02d%.40s",
	                 y, mo, d, h, mi, se, p);
	if (n > 0 && (size_t)n < sizeof(buf) &&
	    orgmri_time_parse(buf, (size_t)n, 0, out, NULL, NULL) == 0)
		return 0;
fail:
	if (e)
		*e = first;
	return orgmri_seterr(e, ORGMRI_EPARSE, "bad timestamp \"%.64s\": %s", s,
	                     first.message);
}

/* ---- event builder ---------------------------------------------------- */

void plat_event_init(plat_event *pe)
{
	memset(pe, 0, sizeof(*pe));
	orgmri_arena_init(&pe->arena, 16384);
}

void plat_event_reset(plat_event *pe)
{
	orgmri_arena_free(&pe->arena);
	orgmri_arena_init(&pe->arena, 16384);
	pe->oom = 0;
}

void plat_event_free(plat_event *pe)
{
	orgmri_arena_free(&pe->arena);
}

char *plat_fmt(plat_event *pe, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	char *p = n >= 0 ? orgmri_arena_alloc(&pe->arena, (size_t)n + 1) : NULL;
	if (!p) {
		pe->oom = 1;
		return NULL;
	}
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}

void plat_begin(plat_event *pe, const char *object, const char *activity,
                int64_t time, const char *actor, const char *discriminator)
{
	memset(&pe->ev, 0, sizeof(pe->ev));
	pe->ev.object = object;
	pe->ev.activity = activity;
	pe->ev.time = time;
	pe->ev.actor = actor;
	pe->ev.discriminator = discriminator;
	pe->ev.attrs = pe->attrs;
	pe->ev.related = pe->related;
}

static void add_attr(plat_event *pe, const char *name, const char *value,
                     orgmri_attr_type type)
{
	if (!value || !value[0] || pe->ev.nattrs == PLAT_MAX_ATTRS)
		return;
	orgmri_attr *a = &pe->attrs[pe->ev.nattrs++];
	a->name = name;
	a->value = value;
	a->type = type;
}

void plat_attr(plat_event *pe, const char *name, const char *value)
{
	add_attr(pe, name, value, ORGMRI_ATTR_STRING);
}

void plat_attr_int(plat_event *pe, const char *name, long long v)
{
	add_attr(pe, name, plat_fmt(pe, "%lld", v), ORGMRI_ATTR_INT);
}

void plat_attr_bool(plat_event *pe, const char *name, int v)
{
	add_attr(pe, name, v ? "true" : "false", ORGMRI_ATTR_BOOL);
}

void plat_rel(plat_event *pe, const char *object)
{
	if (!object || pe->ev.nrelated == PLAT_MAX_RELATED)
		return;
	for (size_t i = 0; i < pe->ev.nrelated; i++)
		if (strcmp(pe->related[i], object) == 0)
			return;
	pe->related[pe->ev.nrelated++] = object;
}

int plat_emit(orgmri_adapter_ctx *ctx, plat_event *pe, orgmri_error *e)
{
	if (pe->oom)
		return orgmri_seterr(e, ORGMRI_ENOMEM, "out of memory");
	if (!pe->ev.object)
		return orgmri_seterr(e, ORGMRI_EPARSE, "no object key");
	if (ctx->opts && pe->ev.time < ctx->opts->since)
		return 0;
	int rc = orgmri_event_validate(&pe->ev, e);
	if (rc)
		return rc;
	return ctx->sink->event(ctx->sink, &pe->ev, e);
}

const char *plat_lookup(const plat_map *table, const char *key)
{
	if (!key)
		return NULL;
	for (const plat_map *m = table; m->name; m++)
		if (strcasecmp(m->name, key) == 0)
			return m->value;
	return NULL;
}

int plat_jsonl_head(const char *path, char *head, size_t size)
{
	if (size == 0 || orgmri_path_is_dir(path) ||
	    !(orgmri_path_has_suffix(path, ".jsonl") ||
	      orgmri_path_has_suffix(path, ".ndjson")))
		return 0;
	FILE *fp = fopen(path, "rb");
	if (!fp)
		return 0;
	size_t k = fread(head, 1, size - 1, fp);
	fclose(fp);
	head[k] = '\0';
	char *nl = strchr(head, '\n');
	if (nl)
		*nl = '\0';
	return 1;
}
