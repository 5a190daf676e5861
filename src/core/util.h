/*
 * util.h - small internal helpers shared by every module: error setting,
 * checked allocation, a growable byte buffer and an arena.
 *
 * Nothing here is public API.  Allocation failure is an ordinary error:
 * the helpers return NULL / ORGMRI_ENOMEM and never abort.
 */
#ifndef ORGMRI_CORE_UTIL_H
#define ORGMRI_CORE_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include "orgmri/error.h"

#if defined(__GNUC__)
#define ORGMRI_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define ORGMRI_PRINTF(a, b)
#endif

/* Set code and message (printf-style); keeps location fields.  Returns
 * code so callers can write `return set_error(err, ...)`.  err may be NULL. */
int orgmri_seterr(orgmri_error *err, int code, const char *fmt, ...)
	ORGMRI_PRINTF(3, 4);
/* Set the file/line/column location of err (NULL file keeps the old). */
void orgmri_seterr_at(orgmri_error *err, const char *file, long line,
                      long column);
/* Prefix err->message with "prefix: " (e.g. a JSON path or a field). */
void orgmri_err_prefix(orgmri_error *err, const char *fmt, ...)
	ORGMRI_PRINTF(2, 3);

/* Multiply-overflow-checked allocation helpers. */
void *orgmri_reallocarray(void *p, size_t n, size_t size);

/* Room for `need` elements in the array *p of *cap elements of `size`
 * bytes: the capacity doubles, from `first` when the array is empty; with
 * `zero`, the elements added are zero-filled.  0, or ORGMRI_ENOMEM with
 * *p and *cap unchanged.  The common case (room already) is inline. */
int orgmri_array_reserve(void **p, size_t *cap, size_t need, size_t size,
                         size_t first, int zero);
static inline int orgmri_array_grow(void **p, size_t *cap, size_t need,
                                    size_t size, size_t first, int zero)
{
	return need <= *cap ? 0 :
	       orgmri_array_reserve(p, cap, need, size, first, zero);
}

/* ---- growable byte buffer -------------------------------------------- */

typedef struct orgmri_buf {
	char *ptr;
	size_t len, cap;
	int oom;  /* sticky: set once an append failed */
} orgmri_buf;

#define ORGMRI_BUF_INIT { NULL, 0, 0, 0 }

int orgmri_buf_grow(orgmri_buf *b, size_t extra);
int orgmri_buf_put(orgmri_buf *b, const void *data, size_t len);
int orgmri_buf_puts(orgmri_buf *b, const char *s);
int orgmri_buf_putc(orgmri_buf *b, char c);
int orgmri_buf_printf(orgmri_buf *b, const char *fmt, ...)
	ORGMRI_PRINTF(2, 3);
/* Append `s` as a JSON string literal, quotes included. */
int orgmri_buf_put_json_string(orgmri_buf *b, const char *s, size_t len);
/* Make ptr a NUL-terminated string (len unchanged). */
const char *orgmri_buf_cstr(orgmri_buf *b);
void orgmri_buf_clear(orgmri_buf *b);
void orgmri_buf_free(orgmri_buf *b);

/* ---- arena ------------------------------------------------------------ */

/* Bump allocator: many small allocations, one free. */
typedef struct orgmri_arena_block orgmri_arena_block;
typedef struct orgmri_arena {
	orgmri_arena_block *head;
	size_t block_size;
	size_t total;  /* bytes handed out, for memory reports */
} orgmri_arena;

void orgmri_arena_init(orgmri_arena *a, size_t block_size);
void *orgmri_arena_alloc(orgmri_arena *a, size_t size);  /* 8-aligned */
char *orgmri_arena_strndup(orgmri_arena *a, const char *s, size_t len);
char *orgmri_arena_strdup(orgmri_arena *a, const char *s);
void orgmri_arena_free(orgmri_arena *a);
/* Forget everything allocated but keep one block for reuse. */
void orgmri_arena_reset(orgmri_arena *a);

/* ---- string interning ------------------------------------------------- */

/*
 * Maps strings to dense ids 0, 1, 2, ... in order of first sight.  The
 * strings are copied into the pool's arena; names[id] gives them back.
 * Open addressing with linear probing on a 64-bit FNV-1a/murmur mix hash.
 */
typedef struct orgmri_intern {
	orgmri_arena arena;
	const char **names;   /* id -> string */
	uint32_t *lens;       /* id -> length */
	uint32_t count, names_cap;
	uint32_t *slots;      /* id + 1, 0 = empty */
	uint32_t nslots;      /* power of two */
} orgmri_intern;

void orgmri_intern_init(orgmri_intern *in);
void orgmri_intern_free(orgmri_intern *in);
/* Id of s, adding it when new.  Returns -1 (as int64) on out of memory. */
int64_t orgmri_intern_add(orgmri_intern *in, const char *s, size_t len);
/* Id of s, or UINT32_MAX when absent. */
uint32_t orgmri_intern_find(const orgmri_intern *in, const char *s,
                            size_t len);
uint64_t orgmri_hash(const void *data, size_t len);

/* ---- sorting ---------------------------------------------------------- */

/* Sort v ascending (numeric order; core/sort.c says how).  n may be 0
 * with v NULL. */
void orgmri_sort_doubles(double *v, size_t n);

/* ---- UTF-8 ------------------------------------------------------------ */

/* Length of the valid UTF-8 prefix of s (== len when all valid). */
size_t orgmri_utf8_valid_prefix(const char *s, size_t len);

#endif
