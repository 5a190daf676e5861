/*
 * arena.c - bump allocation for data that lives and dies together
 * (a loaded table's strings, an interning pool).  Requests larger than a
 * block get a block of their own.
 */
#include <stdlib.h>
#include <string.h>

#include "core/util.h"

struct orgmri_arena_block {
	orgmri_arena_block *next;
	size_t used, size;
	max_align_t data[];
};

void orgmri_arena_init(orgmri_arena *a, size_t block_size)
{
	a->head = NULL;
	a->block_size = block_size ? block_size : 64 * 1024;
	a->total = 0;
}

void *orgmri_arena_alloc(orgmri_arena *a, size_t size)
{
	size = (size + 7) & ~(size_t)7;
	if (size == 0)
		size = 8;
	orgmri_arena_block *b = a->head;
	if (!b || b->size - b->used < size) {
		size_t bs = size > a->block_size ? size : a->block_size;
		if (bs > SIZE_MAX - sizeof(*b))
			return NULL;
		b = malloc(sizeof(*b) + bs);
		if (!b)
			return NULL;
		b->used = 0;
		b->size = bs;
		/* A big one-off block goes behind the head so the head's free
		 * space is not wasted. */
		if (a->head && size > a->block_size) {
			b->next = a->head->next;
			a->head->next = b;
		} else {
			b->next = a->head;
			a->head = b;
		}
	}
	void *p = (char *)b->data + b->used;
	b->used += size;
	a->total += size;
	return p;
}

char *orgmri_arena_strndup(orgmri_arena *a, const char *s, size_t len)
{
	if (len == SIZE_MAX)
		return NULL;
	char *p = orgmri_arena_alloc(a, len + 1);
	if (!p)
		return NULL;
	if (len)
		memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

char *orgmri_arena_strdup(orgmri_arena *a, const char *s)
{
	return orgmri_arena_strndup(a, s, strlen(s));
}

void orgmri_arena_free(orgmri_arena *a)
{
	orgmri_arena_block *b = a->head;
	while (b) {
		orgmri_arena_block *next = b->next;
		free(b);
		b = next;
	}
	a->head = NULL;
	a->total = 0;
}

void orgmri_arena_reset(orgmri_arena *a)
{
	orgmri_arena_block *keep = a->head;
	if (!keep)
		return;
	orgmri_arena_block *b = keep->next;
	while (b) {
		orgmri_arena_block *next = b->next;
		free(b);
		b = next;
	}
	keep->next = NULL;
	keep->used = 0;
	a->total = 0;
}
