/*
 * gzinput.c - plain-or-gzip input with a cap on the expanded size (see
 * gzinput.h).  zlib's inflate with windowBits 15 + 16 reads one gzip
 * member; at its end we reset and go on when more input follows, as
 * gunzip does for concatenated members.
 */
#include <stdlib.h>
#include <string.h>

#include "ingest/gzinput.h"

#define IN_CHUNK (128 * 1024)

int gzinput_open(gzinput *g, FILE *fp, const char *name, uint64_t max,
                 orgmri_error *err)
{
	memset(g, 0, sizeof(*g));
	g->fp = fp;
	g->name = name;
	g->max = max;
	g->npeek = fread(g->peek, 1, 2, fp);
	if (g->npeek < 2 && ferror(fp))
		return orgmri_seterr(err, ORGMRI_EIO, "%s: cannot read", name);
	g->gzip = g->npeek == 2 && g->peek[0] == 0x1f && g->peek[1] == 0x8b;
	if (!g->gzip)
		return 0;
	g->in = malloc(IN_CHUNK);
	if (!g->in)
		return orgmri_seterr(err, ORGMRI_ENOMEM, "out of memory");
	memcpy(g->in, g->peek, 2);
	g->z.next_in = g->in;
	g->z.avail_in = 2;
	g->npeek = 0;
	if (inflateInit2(&g->z, 15 + 16) != Z_OK) {
		free(g->in);
		g->in = NULL;
		return orgmri_seterr(err, ORGMRI_ENOMEM, "%s: cannot start gunzip",
		                     name);
	}
	return 0;
}

static long over_cap(gzinput *g, orgmri_error *err)
{
	return orgmri_seterr(err, ORGMRI_ELIMIT,
	                     "%s: input expands beyond %llu bytes (a gzip bomb?); "
	                     "refusing to read further", g->name,
	                     (unsigned long long)g->max);
}

static long read_gzip(gzinput *g, unsigned char *out, size_t n,
                      orgmri_error *err)
{
	g->z.next_out = out;
	g->z.avail_out = (uInt)n;
	while (g->z.avail_out == n && !g->zdone) {
		if (g->z.avail_in == 0) {
			size_t got = fread(g->in, 1, IN_CHUNK, g->fp);
			if (got == 0) {
				if (ferror(g->fp))
					return orgmri_seterr(err, ORGMRI_EIO, "%s: read failed",
					                     g->name);
				return orgmri_seterr(err, ORGMRI_EPARSE,
				                     "%s: gzip data ends early (truncated "
				                     "file?)", g->name);
			}
			g->z.next_in = g->in;
			g->z.avail_in = (uInt)got;
		}
		int zr = inflate(&g->z, Z_NO_FLUSH);
		if (zr == Z_STREAM_END) {
			/* Another member may follow; trailing zero padding ends it. */
			int c = g->z.avail_in ? g->z.next_in[0] : getc(g->fp);
			if (!g->z.avail_in && c != EOF)
				ungetc(c, g->fp);
			if (c == EOF || c == 0)
				g->zdone = 1;
			else if (inflateReset(&g->z) != Z_OK)
				return orgmri_seterr(err, ORGMRI_EPARSE, "%s: bad gzip data",
				                     g->name);
		} else if (zr != Z_OK && zr != Z_BUF_ERROR) {
			return orgmri_seterr(err, ORGMRI_EPARSE, "%s: bad gzip data: %s",
			                     g->name, g->z.msg ? g->z.msg : "inflate failed");
		}
	}
	return (long)(n - g->z.avail_out);
}

long gzinput_read(gzinput *g, void *buf, size_t n, orgmri_error *err)
{
	if (g->eof || n == 0)
		return 0;
	if (n > (1u << 30))
		n = 1u << 30;
	long got;
	if (g->gzip) {
		got = read_gzip(g, buf, n, err);
	} else {
		size_t k = 0;
		while (g->peekpos < g->npeek && k < n)
			((unsigned char *)buf)[k++] = g->peek[g->peekpos++];
		got = (long)(k + fread((char *)buf + k, 1, n - k, g->fp));
		if (got == 0 && ferror(g->fp))
			return orgmri_seterr(err, ORGMRI_EIO, "%s: read failed", g->name);
	}
	if (got < 0)
		return got;
	if (got == 0)
		g->eof = 1;
	g->total += (uint64_t)got;
	if (g->total > g->max)
		return over_cap(g, err);
	return got;
}

void gzinput_close(gzinput *g)
{
	if (g->gzip && g->in)
		inflateEnd(&g->z);
	free(g->in);
	g->in = NULL;
}
