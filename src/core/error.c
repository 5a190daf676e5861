/*
 * error.c - the error record: setting, prefixing and formatting it.
 */
#include <stdio.h>
#include <string.h>

#include "core/util.h"

void orgmri_error_clear(orgmri_error *err)
{
	if (err)
		memset(err, 0, sizeof(*err));
}

const char *orgmri_strerror(int code)
{
	static const struct { int code; const char *name; } names[] = {
		{ ORGMRI_OK, "success" },
		{ ORGMRI_ENOMEM, "out of memory" },
		{ ORGMRI_EINVAL, "invalid argument" },
		{ ORGMRI_EPARSE, "parse error" },
		{ ORGMRI_EIO, "input/output error" },
		{ ORGMRI_ESTORE, "store error" },
		{ ORGMRI_ENOTFOUND, "not found" },
		{ ORGMRI_EUNSUPPORTED, "unsupported" },
		{ ORGMRI_ELIMIT, "size limit exceeded" },
		{ ORGMRI_ECORRUPT, "corrupt data" },
	};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].code == code)
			return names[i].name;
	return "unknown error";
}

int orgmri_seterr(orgmri_error *err, int code, const char *fmt, ...)
{
	if (!err)
		return code;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err->message, sizeof(err->message), fmt, ap);
	va_end(ap);
	err->code = code;
	return code;
}

void orgmri_seterr_at(orgmri_error *err, const char *file, long line,
                      long column)
{
	if (!err)
		return;
	if (file)
		snprintf(err->file, sizeof(err->file), "%s", file);
	err->line = line;
	err->column = column;
}

void orgmri_err_prefix(orgmri_error *err, const char *fmt, ...)
{
	if (!err)
		return;
	char prefix[ORGMRI_ERROR_MSG_MAX], old[ORGMRI_ERROR_MSG_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
	memcpy(old, err->message, sizeof(old));
	snprintf(err->message, sizeof(err->message), "%s: %s", prefix, old);
}

char *orgmri_error_format(const orgmri_error *err, char *buf, size_t size)
{
	if (!buf || size == 0)
		return buf;
	buf[0] = '\0';
	if (!err)
		return buf;
	size_t n = 0;
#define ADD(...)                                                          \
	do {                                                              \
		if (n < size) {                                           \
			int k_ = snprintf(buf + n, size - n, __VA_ARGS__); \
			if (k_ > 0)                                       \
				n += (size_t)k_;                          \
		}                                                         \
	} while (0)
	if (err->file[0]) {
		ADD("%s", err->file);
		if (err->line > 0) {
			ADD(":%ld", err->line);
			if (err->column > 0)
				ADD(":%ld", err->column);
		}
		ADD(": ");
	} else if (err->line > 0) {
		ADD("line %ld", err->line);
		if (err->column > 0)
			ADD(", column %ld", err->column);
		ADD(": ");
	}
	if (err->record > 0 && err->line <= 0)
		ADD("record %lld: ", err->record);
	if (err->path[0])
		ADD("%s: ", err->path);
	ADD("%s", err->message[0] ? err->message : orgmri_strerror(err->code));
#undef ADD
	return buf;
}
