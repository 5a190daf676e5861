/*
 * buf.c - growable byte buffer and checked array allocation.
 *
 * The buffer's `oom` flag is sticky so a caller can append many pieces and
 * check once at the end.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"

void *orgmri_reallocarray(void *p, size_t n, size_t size)
{
	if (size && n > SIZE_MAX / size)
		return NULL;
	size_t total = n * size;
	return realloc(p, total ? total : 1);
}

int orgmri_array_reserve(void **p, size_t *cap, size_t need, size_t size,
                         size_t first, int zero)
{
	if (need <= *cap)
		return 0;
	size_t n = *cap ? *cap : (first ? first : 1);
	while (n < need) {
		if (n > SIZE_MAX / 2)
			return ORGMRI_ENOMEM;
		n *= 2;
	}
	char *q = orgmri_reallocarray(*p, n, size);
	if (!q)
		return ORGMRI_ENOMEM;
	if (zero)
		memset(q + *cap * size, 0, (n - *cap) * size);
	*p = q;
	*cap = n;
	return 0;
}

int orgmri_buf_grow(orgmri_buf *b, size_t extra)
{
	if (b->oom)
		return ORGMRI_ENOMEM;
	if (extra > SIZE_MAX - b->len - 1) {
		b->oom = 1;
		return ORGMRI_ENOMEM;
	}
	size_t need = b->len + extra + 1;
	if (need <= b->cap)
		return 0;
	size_t cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap = cap > SIZE_MAX / 2 ? need : cap * 2;
	char *p = realloc(b->ptr, cap);
	if (!p) {
		b->oom = 1;
		return ORGMRI_ENOMEM;
	}
	b->ptr = p;
	b->cap = cap;
	return 0;
}

int orgmri_buf_put(orgmri_buf *b, const void *data, size_t len)
{
	if (orgmri_buf_grow(b, len))
		return ORGMRI_ENOMEM;
	if (len)
		memcpy(b->ptr + b->len, data, len);
	b->len += len;
	b->ptr[b->len] = '\0';
	return 0;
}

int orgmri_buf_puts(orgmri_buf *b, const char *s)
{
	return orgmri_buf_put(b, s, strlen(s));
}

int orgmri_buf_putc(orgmri_buf *b, char c)
{
	if (b->len + 1 < b->cap) {
		b->ptr[b->len++] = c;
		b->ptr[b->len] = '\0';
		return 0;
	}
	return orgmri_buf_put(b, &c, 1);
}

int orgmri_buf_printf(orgmri_buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || orgmri_buf_grow(b, (size_t)n))
		return b->oom = 1, ORGMRI_ENOMEM;
	va_start(ap, fmt);
	vsnprintf(b->ptr + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return 0;
}

int orgmri_buf_put_json_string(orgmri_buf *b, const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	/* Worst case every byte becomes \u00XX. */
	if (len > (SIZE_MAX - 2) / 6 || orgmri_buf_grow(b, len * 6 + 2))
		return b->oom = 1, ORGMRI_ENOMEM;
	char *o = b->ptr + b->len;
	*o++ = '"';
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x20 && c != '"' && c != '\\') {
			*o++ = (char)c;
			continue;
		}
		*o++ = '\\';
		switch (c) {
		case '"': *o++ = '"'; break;
		case '\\': *o++ = '\\'; break;
		case '\n': *o++ = 'n'; break;
		case '\r': *o++ = 'r'; break;
		case '\t': *o++ = 't'; break;
		case '\b': *o++ = 'b'; break;
		case '\f': *o++ = 'f'; break;
		default:
			*o++ = 'u'; *o++ = '0'; *o++ = '0';
			*o++ = hex[c >> 4]; *o++ = hex[c & 15];
		}
	}
	*o++ = '"';
	b->len = (size_t)(o - b->ptr);
	b->ptr[b->len] = '\0';
	return 0;
}

const char *orgmri_buf_cstr(orgmri_buf *b)
{
	if (!b->ptr && orgmri_buf_grow(b, 0))
		return "";
	b->ptr[b->len] = '\0';
	return b->ptr;
}

void orgmri_buf_clear(orgmri_buf *b)
{
	b->len = 0;
	if (b->ptr)
		b->ptr[0] = '\0';
}

void orgmri_buf_free(orgmri_buf *b)
{
	free(b->ptr);
	b->ptr = NULL;
	b->len = b->cap = 0;
	b->oom = 0;
}
