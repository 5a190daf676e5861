/*
 * intern.c - string interning: dense ids for repeated strings (object
 * keys, actor names, activity names, attribute keys).
 *
 * Open addressing, linear probing, load factor at most 1/2; the table
 * stores id + 1 so that zero means empty and the strings themselves live
 * once, in the pool's arena.
 */
#include <stdlib.h>
#include <string.h>

#include "core/util.h"

uint64_t orgmri_hash(const void *data, size_t len)
{
	/* FNV-1a over 8-byte words, then a murmur3 finaliser. Good enough
	 * spread for identifiers and fast on short keys. */
	const unsigned char *p = data;
	uint64_t h = 0xcbf29ce484222325ull ^ (uint64_t)len;
	while (len >= 8) {
		uint64_t w;
		memcpy(&w, p, 8);
		h = (h ^ w) * 0x100000001b3ull;
		h ^= h >> 29;
		p += 8;
		len -= 8;
	}
	while (len--)
		h = (h ^ *p++) * 0x100000001b3ull;
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ull;
	h ^= h >> 33;
	return h;
}

void orgmri_intern_init(orgmri_intern *in)
{
	memset(in, 0, sizeof(*in));
	orgmri_arena_init(&in->arena, 256 * 1024);
}

void orgmri_intern_free(orgmri_intern *in)
{
	orgmri_arena_free(&in->arena);
	free(in->names);
	free(in->lens);
	free(in->slots);
	memset(in, 0, sizeof(*in));
}

static uint32_t probe(const orgmri_intern *in, const char *s, size_t len,
                      uint64_t h, int *found)
{
	uint32_t mask = in->nslots - 1;
	for (uint32_t i = (uint32_t)h & mask;; i = (i + 1) & mask) {
		uint32_t v = in->slots[i];
		if (v == 0) {
			*found = 0;
			return i;
		}
		if (in->lens[v - 1] == len &&
		    memcmp(in->names[v - 1], s, len) == 0) {
			*found = 1;
			return i;
		}
	}
}

static int rehash(orgmri_intern *in, uint32_t nslots)
{
	uint32_t *slots = calloc(nslots, sizeof(*slots));
	if (!slots)
		return ORGMRI_ENOMEM;
	free(in->slots);
	in->slots = slots;
	in->nslots = nslots;
	for (uint32_t id = 0; id < in->count; id++) {
		int found;
		uint64_t h = orgmri_hash(in->names[id], in->lens[id]);
		uint32_t i = probe(in, in->names[id], in->lens[id], h, &found);
		in->slots[i] = id + 1;
	}
	return 0;
}

uint32_t orgmri_intern_find(const orgmri_intern *in, const char *s,
                            size_t len)
{
	if (!in->nslots)
		return UINT32_MAX;
	int found;
	uint32_t i = probe(in, s, len, orgmri_hash(s, len), &found);
	return found ? in->slots[i] - 1 : UINT32_MAX;
}

int64_t orgmri_intern_add(orgmri_intern *in, const char *s, size_t len)
{
	if (len > UINT32_MAX || in->count >= UINT32_MAX / 2 - 1)
		return -1;
	if ((uint64_t)(in->count + 1) * 2 > in->nslots &&
	    rehash(in, in->nslots ? in->nslots * 2 : 64))
		return -1;
	int found;
	uint64_t h = orgmri_hash(s, len);
	uint32_t i = probe(in, s, len, h, &found);
	if (found)
		return in->slots[i] - 1;
	if (in->count == in->names_cap) {
		uint32_t cap = in->names_cap ? in->names_cap * 2 : 64;
		const char **names = orgmri_reallocarray((void *)in->names, cap,
		                                         sizeof(*names));
		if (!names)
			return -1;
		in->names = names;
		uint32_t *lens = orgmri_reallocarray(in->lens, cap, sizeof(*lens));
		if (!lens)
			return -1;
		in->lens = lens;
		in->names_cap = cap;
	}
	char *copy = orgmri_arena_strndup(&in->arena, s, len);
	if (!copy)
		return -1;
	in->names[in->count] = copy;
	in->lens[in->count] = (uint32_t)len;
	in->slots[i] = ++in->count;
	return in->count - 1;
}

size_t orgmri_utf8_valid_prefix(const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;
	while (i < len) {
		unsigned char c = s[i];
		if (c < 0x80) {
			i++;
			continue;
		}
		size_t n;
		uint32_t cp;
		if (c >= 0xc2 && c <= 0xdf) {
			n = 2; cp = c & 0x1f;
		} else if (c >= 0xe0 && c <= 0xef) {
			n = 3; cp = c & 0x0f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			n = 4; cp = c & 0x07;
		} else {
			return i;
		}
		if (i + n > len)
			return i;
		for (size_t k = 1; k < n; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return i;
			cp = (cp << 6) | (s[i + k] & 0x3f);
		}
		/* overlong, surrogates, beyond U+10FFFF */
		if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
		    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
			return i;
		i += n;
	}
	return i;
}
