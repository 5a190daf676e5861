/*
 * attrs.c - encode and decode the flat JSON attribute objects kept in the
 * store (see attrs.h for why not a general JSON library here).
 */
#include <string.h>

#include "core/attrs.h"

int orgmri_is_int_text(const char *s, size_t len)
{
	size_t i = 0;
	if (len && s[0] == '-')
		i++;
	if (i == len || len - i > 18)
		return 0;
	if (s[i] == '0' && len - i > 1)
		return 0;
	for (; i < len; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

int orgmri_is_number_text(const char *s, size_t len)
{
	size_t i = 0;
	if (i < len && s[i] == '-')
		i++;
	if (i == len)
		return 0;
	if (s[i] == '0')
		i++;
	else if (s[i] >= '1' && s[i] <= '9')
		while (i < len && s[i] >= '0' && s[i] <= '9')
			i++;
	else
		return 0;
	if (i < len && s[i] == '.') {
		size_t j = ++i;
		while (i < len && s[i] >= '0' && s[i] <= '9')
			i++;
		if (i == j)
			return 0;
	}
	if (i < len && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		if (i < len && (s[i] == '+' || s[i] == '-'))
			i++;
		size_t j = i;
		while (i < len && s[i] >= '0' && s[i] <= '9')
			i++;
		if (i == j)
			return 0;
	}
	return i == len;
}

void orgmri_attrs_sort(orgmri_attr *attrs, size_t n)
{
	for (size_t i = 1; i < n; i++) {
		orgmri_attr a = attrs[i];
		size_t j = i;
		while (j > 0 && strcmp(attrs[j - 1].name, a.name) > 0) {
			attrs[j] = attrs[j - 1];
			j--;
		}
		attrs[j] = a;
	}
}

int orgmri_attrs_encode(orgmri_buf *b, const orgmri_attr *attrs, size_t n)
{
	if (n == 0)
		return 0;
	orgmri_buf_putc(b, '{');
	for (size_t i = 0; i < n; i++) {
		const orgmri_attr *a = &attrs[i];
		if (i)
			orgmri_buf_putc(b, ',');
		orgmri_buf_put_json_string(b, a->name, strlen(a->name));
		orgmri_buf_putc(b, ':');
		size_t vl = strlen(a->value);
		int bare = (a->type == ORGMRI_ATTR_INT &&
		            orgmri_is_int_text(a->value, vl)) ||
		           (a->type == ORGMRI_ATTR_REAL &&
		            orgmri_is_number_text(a->value, vl)) ||
		           (a->type == ORGMRI_ATTR_BOOL &&
		            (strcmp(a->value, "true") == 0 ||
		             strcmp(a->value, "false") == 0));
		if (bare)
			orgmri_buf_put(b, a->value, vl);
		else
			orgmri_buf_put_json_string(b, a->value, vl);
	}
	orgmri_buf_putc(b, '}');
	return b->oom ? ORGMRI_ENOMEM : 0;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9') return c - '0';
	if (c >= 'a' && c <= 'f') return c - 'a' + 10;
	if (c >= 'A' && c <= 'F') return c - 'A' + 10;
	return -1;
}

static void put_utf8(orgmri_buf *b, unsigned cp)
{
	char u[4];
	size_t n;
	if (cp < 0x80) {
		u[0] = (char)cp; n = 1;
	} else if (cp < 0x800) {
		u[0] = (char)(0xc0 | (cp >> 6));
		u[1] = (char)(0x80 | (cp & 0x3f)); n = 2;
	} else if (cp < 0x10000) {
		u[0] = (char)(0xe0 | (cp >> 12));
		u[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[2] = (char)(0x80 | (cp & 0x3f)); n = 3;
	} else {
		u[0] = (char)(0xf0 | (cp >> 18));
		u[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		u[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[3] = (char)(0x80 | (cp & 0x3f)); n = 4;
	}
	orgmri_buf_put(b, u, n);
}

static int read_u4(const char *s, size_t len, size_t i, unsigned *out)
{
	if (i + 4 > len)
		return -1;
	unsigned v = 0;
	for (size_t k = 0; k < 4; k++) {
		int h = hexval(s[i + k]);
		if (h < 0)
			return -1;
		v = v * 16 + (unsigned)h;
	}
	*out = v;
	return 0;
}

/* Decode the string starting after the opening quote at *pos; append it
 * with its NUL to scratch; return its offset in scratch or -1. */
static long decode_string(const char *s, size_t len, size_t *pos,
                          orgmri_buf *scratch)
{
	size_t start = scratch->len, i = *pos;
	while (i < len && s[i] != '"') {
		size_t j = i;
		while (j < len && s[j] != '"' && s[j] != '\\')
			j++;
		orgmri_buf_put(scratch, s + i, j - i);
		i = j;
		if (i < len && s[i] == '\\') {
			if (++i >= len)
				return -1;
			char c = s[i++];
			switch (c) {
			case '"': case '\\': case '/': orgmri_buf_putc(scratch, c); break;
			case 'n': orgmri_buf_putc(scratch, '\n'); break;
			case 'r': orgmri_buf_putc(scratch, '\r'); break;
			case 't': orgmri_buf_putc(scratch, '\t'); break;
			case 'b': orgmri_buf_putc(scratch, '\b'); break;
			case 'f': orgmri_buf_putc(scratch, '\f'); break;
			case 'u': {
				unsigned cp, lo;
				if (read_u4(s, len, i, &cp))
					return -1;
				i += 4;
				if (cp >= 0xd800 && cp <= 0xdbff && i + 6 <= len &&
				    s[i] == '\\' && s[i + 1] == 'u' &&
				    !read_u4(s, len, i + 2, &lo) && lo >= 0xdc00 &&
				    lo <= 0xdfff) {
					cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
					i += 6;
				}
				put_utf8(scratch, cp);
				break;
			}
			default:
				return -1;
			}
		}
	}
	if (i >= len)
		return -1;
	*pos = i + 1;
	orgmri_buf_putc(scratch, '\0');
	return scratch->oom ? -1 : (long)start;
}

long orgmri_attrs_decode(const char *s, size_t len, orgmri_buf *scratch,
                         orgmri_attr *attrs, size_t max)
{
	orgmri_buf_clear(scratch);
	if (len == 0)
		return 0;
	/* Offsets first: scratch may move while it grows. */
	long offs[2 * 256];
	orgmri_attr_type types[256];
	size_t n = 0, i = 0;
	if (max > 256)
		max = 256;
	if (s[i++] != '{')
		return ORGMRI_ECORRUPT;
	while (i < len && s[i] != '}') {
		if (n && s[i++] != ',')
			return ORGMRI_ECORRUPT;
		if (i >= len || s[i++] != '"')
			return ORGMRI_ECORRUPT;
		long k = decode_string(s, len, &i, scratch);
		if (k < 0 || i >= len || s[i++] != ':' || i >= len)
			return ORGMRI_ECORRUPT;
		long v;
		orgmri_attr_type t;
		if (s[i] == '"') {
			i++;
			v = decode_string(s, len, &i, scratch);
			t = ORGMRI_ATTR_STRING;
		} else {
			size_t j = i;
			while (j < len && s[j] != ',' && s[j] != '}')
				j++;
			if (j - i == 4 && memcmp(s + i, "true", 4) == 0)
				t = ORGMRI_ATTR_BOOL;
			else if (j - i == 5 && memcmp(s + i, "false", 5) == 0)
				t = ORGMRI_ATTR_BOOL;
			else if (orgmri_is_int_text(s + i, j - i))
				t = ORGMRI_ATTR_INT;
			else if (orgmri_is_number_text(s + i, j - i))
				t = ORGMRI_ATTR_REAL;
			else
				return ORGMRI_ECORRUPT;
			v = (long)scratch->len;
			orgmri_buf_put(scratch, s + i, j - i);
			orgmri_buf_putc(scratch, '\0');
			i = j;
		}
		if (v < 0 || scratch->oom)
			return scratch->oom ? ORGMRI_ENOMEM : ORGMRI_ECORRUPT;
		if (n < max) {
			offs[2 * n] = k;
			offs[2 * n + 1] = v;
			types[n] = t;
			n++;
		}
	}
	for (size_t a = 0; a < n; a++) {
		attrs[a].name = scratch->ptr + offs[2 * a];
		attrs[a].value = scratch->ptr + offs[2 * a + 1];
		attrs[a].type = types[a];
	}
	return (long)n;
}
