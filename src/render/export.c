/*
 * export.c - writers of the canonical format (JSONL and CSV), as sinks.
 *
 * What they write, the canonical readers read back to the same events:
 * times in RFC 3339 UTC with milliseconds when present, attributes with
 * their types (JSONL) or as text that the CSV reader types the same way.
 */
#include <stdlib.h>
#include <string.h>

#include "core/attrs.h"
#include "core/util.h"
#include "orgmri/canonical.h"
#include "orgmri/time.h"

struct orgmri_writer {
	orgmri_sink sink;
	FILE *fp;
	int csv;
	char **names;
	size_t nnames;
	const char **row;   /* per attribute column, for the current event */
	orgmri_buf line;
	int failed;
};

static orgmri_writer *of_sink(orgmri_sink *s)
{
	return (orgmri_writer *)((char *)s - offsetof(orgmri_writer, sink));
}

static int write_line(orgmri_writer *w, orgmri_error *err)
{
	if (w->line.oom)
		return orgmri_seterr(err, ORGMRI_ENOMEM, "out of memory");
	if (fwrite(w->line.ptr, 1, w->line.len, w->fp) != w->line.len) {
		w->failed = 1;
		return orgmri_seterr(err, ORGMRI_EIO, "write failed");
	}
	return 0;
}

static int jsonl_event(orgmri_sink *s, const orgmri_event *ev,
                       orgmri_error *err)
{
	orgmri_writer *w = of_sink(s);
	orgmri_buf *b = &w->line;
	char tb[ORGMRI_TIME_BUFSZ];
	orgmri_buf_clear(b);
	orgmri_buf_puts(b, "{\"time\":\"");
	orgmri_buf_puts(b, orgmri_time_format(ev->time, tb));
	orgmri_buf_puts(b, "\",\"object\":");
	orgmri_buf_put_json_string(b, ev->object, strlen(ev->object));
	orgmri_buf_puts(b, ",\"activity\":");
	orgmri_buf_put_json_string(b, ev->activity, strlen(ev->activity));
	if (ev->actor && ev->actor[0]) {
		orgmri_buf_puts(b, ",\"actor\":");
		orgmri_buf_put_json_string(b, ev->actor, strlen(ev->actor));
	}
	if (ev->discriminator && ev->discriminator[0]) {
		orgmri_buf_puts(b, ",\"id\":");
		orgmri_buf_put_json_string(b, ev->discriminator,
		                           strlen(ev->discriminator));
	}
	if (ev->nrelated) {
		orgmri_buf_puts(b, ",\"related\":[");
		for (size_t i = 0; i < ev->nrelated; i++) {
			if (i)
				orgmri_buf_putc(b, ',');
			orgmri_buf_put_json_string(b, ev->related[i],
			                           strlen(ev->related[i]));
		}
		orgmri_buf_putc(b, ']');
	}
	if (ev->nattrs) {
		orgmri_buf_puts(b, ",\"attrs\":");
		orgmri_attrs_encode(b, ev->attrs, ev->nattrs);
	}
	orgmri_buf_puts(b, "}\n");
	return write_line(w, err);
}

static void csv_field(orgmri_buf *b, const char *s)
{
	if (!strpbrk(s, ",\"\r\n") && s[0] != ' ' &&
	    !(s[0] && s[strlen(s) - 1] == ' ')) {
		orgmri_buf_puts(b, s);
		return;
	}
	orgmri_buf_putc(b, '"');
	for (; *s; s++) {
		if (*s == '"')
			orgmri_buf_putc(b, '"');
		orgmri_buf_putc(b, *s);
	}
	orgmri_buf_putc(b, '"');
}

static int csv_event(orgmri_sink *s, const orgmri_event *ev,
                     orgmri_error *err)
{
	orgmri_writer *w = of_sink(s);
	orgmri_buf *b = &w->line;
	char tb[ORGMRI_TIME_BUFSZ];
	for (size_t i = 0; i < w->nnames; i++)
		w->row[i] = NULL;
	for (size_t a = 0; a < ev->nattrs; a++) {
		size_t i = 0;
		while (i < w->nnames && strcmp(w->names[i], ev->attrs[a].name))
			i++;
		if (i == w->nnames)
			return orgmri_seterr(err, ORGMRI_EINVAL,
			                     "attribute \"%s\" has no CSV column",
			                     ev->attrs[a].name);
		w->row[i] = ev->attrs[a].value;
	}
	orgmri_buf_clear(b);
	orgmri_buf_puts(b, orgmri_time_format(ev->time, tb));
	orgmri_buf_putc(b, ',');
	csv_field(b, ev->object);
	orgmri_buf_putc(b, ',');
	csv_field(b, ev->activity);
	orgmri_buf_putc(b, ',');
	csv_field(b, ev->actor ? ev->actor : "");
	orgmri_buf_putc(b, ',');
	orgmri_buf rel = ORGMRI_BUF_INIT;
	for (size_t i = 0; i < ev->nrelated; i++) {
		if (strchr(ev->related[i], ';')) {
			orgmri_buf_free(&rel);
			return orgmri_seterr(err, ORGMRI_EINVAL,
			                     "related object \"%s\" contains ';', "
			                     "which CSV cannot carry; use JSONL",
			                     ev->related[i]);
		}
		if (i)
			orgmri_buf_putc(&rel, ';');
		orgmri_buf_puts(&rel, ev->related[i]);
	}
	csv_field(b, orgmri_buf_cstr(&rel));
	orgmri_buf_free(&rel);
	orgmri_buf_putc(b, ',');
	csv_field(b, ev->discriminator ? ev->discriminator : "");
	for (size_t i = 0; i < w->nnames; i++) {
		orgmri_buf_putc(b, ',');
		csv_field(b, w->row[i] ? w->row[i] : "");
	}
	orgmri_buf_putc(b, '\n');
	return write_line(w, err);
}

static orgmri_writer *writer_new(FILE *fp)
{
	orgmri_writer *w = calloc(1, sizeof(*w));
	if (w)
		w->fp = fp;
	return w;
}

int orgmri_jsonl_writer_new(orgmri_writer **out, FILE *fp, orgmri_error *err)
{
	if (!(*out = writer_new(fp)))
		return orgmri_seterr(err, ORGMRI_ENOMEM, "out of memory");
	(*out)->sink.event = jsonl_event;
	return 0;
}

int orgmri_csv_writer_new(orgmri_writer **out, FILE *fp,
                          const char *const *attr_names, size_t nattrs,
                          orgmri_error *err)
{
	orgmri_writer *w = writer_new(fp);
	*out = NULL;
	if (!w)
		return orgmri_seterr(err, ORGMRI_ENOMEM, "out of memory");
	w->csv = 1;
	w->sink.event = csv_event;
	w->names = calloc(nattrs ? nattrs : 1, sizeof(*w->names));
	w->row = calloc(nattrs ? nattrs : 1, sizeof(*w->row));
	if (!w->names || !w->row)
		goto oom;
	orgmri_buf_puts(&w->line, "time,object,activity,actor,related,id");
	for (size_t i = 0; i < nattrs; i++) {
		if (!(w->names[i] = strdup(attr_names[i])))
			goto oom;
		w->nnames++;
		orgmri_buf_putc(&w->line, ',');
		csv_field(&w->line, attr_names[i]);
	}
	orgmri_buf_putc(&w->line, '\n');
	if (write_line(w, err)) {
		orgmri_writer_close(w, NULL);
		return ORGMRI_EIO;
	}
	*out = w;
	return 0;
oom:
	orgmri_writer_close(w, NULL);
	return orgmri_seterr(err, ORGMRI_ENOMEM, "out of memory");
}

orgmri_sink *orgmri_writer_sink(orgmri_writer *w)
{
	return &w->sink;
}

int orgmri_writer_close(orgmri_writer *w, orgmri_error *err)
{
	if (!w)
		return 0;
	int rc = 0;
	if (fflush(w->fp) != 0 || w->failed)
		rc = orgmri_seterr(err, ORGMRI_EIO, "write failed");
	for (size_t i = 0; i < w->nnames; i++)
		free(w->names[i]);
	free(w->names);
	free(w->row);
	orgmri_buf_free(&w->line);
	free(w);
	return rc;
}
