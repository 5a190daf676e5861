/*
 * files.c - which files each commit changed, from the commit events'
 * `paths` attribute (the git adapter's contract, docs/git.md: the paths
 * changed against the first parent, sorted bytewise, one per line), read
 * once into an index that churn, the truck factor, CODEOWNERS coverage
 * and integration pain share.
 *
 * A file is a (repository, path) pair, so two repositories' README.md are
 * two files.  A commit's time is its `authored` event's time (when the
 * work was written; a rebase keeps it), else the time of the event that
 * carries `paths`; its author is the `authored` actor, else that event's
 * actor.  Merge commits (parents >= 2 or merge=true) are marked: their
 * first-parent diff repeats what the merged commits changed, so the
 * metrics leave them out (docs/metrics.md, "Files changed").
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "metrics/files.h"
#include "orgmri/metrics.h"

const char *files_key_repo(const char *key, size_t *len)
{
	const char *colon = strchr(key, ':');
	const char *s = colon ? colon + 1 : key;
	*len = strcspn(s, "@#!");
	return s;
}

static int truthy(const char *v)
{
	return v && (strcasecmp(v, "true") == 0 || strcmp(v, "1") == 0);
}

typedef struct ids {
	uint32_t paths, truncated, parents, merge, repo, authored, churn,
	         additions;
} ids;

/* The facts of commit object o; *ev_paths = the event carrying `paths`
 * (the first one), or SIZE_MAX when none does. */
static void commit_facts(const orgmri_table *t, const ids *k, uint32_t o,
                         files_commit *c, size_t *ev_paths,
                         const char **repo)
{
	size_t lo = t->obj_first[o], hi = t->obj_first[o + 1];
	int64_t authored = ORGMRI_NO_TIME;
	uint32_t author = 0;
	*ev_paths = SIZE_MAX;
	*repo = NULL;
	memset(c, 0, sizeof(*c));
	c->churn_lines = -1;
	for (size_t ev = lo; ev < hi; ev++) {
		if (t->ev_activity[ev] == k->authored && authored == ORGMRI_NO_TIME) {
			authored = t->ev_time[ev];
			author = t->ev_actor[ev];
		}
		/* one pass over the event's attributes */
		uint32_t set = t->ev_attrs[ev];
		for (uint32_t a = set ? t->aset_first[set] : 0;
		     set && a < t->aset_first[set + 1]; a++) {
			uint32_t key = t->aset_key[a];
			const char *v = orgmri_table_aset_value(t, a);
			if (key == k->paths && *ev_paths == SIZE_MAX)
				*ev_paths = ev;
			else if ((key == k->parents && atol(v) >= 2) ||
			         (key == k->merge && truthy(v)))
				c->merge = 1;
			else if (key == k->truncated && truthy(v))
				c->truncated = 1;
			else if (key == k->repo && !*repo)
				*repo = v;
			else if (key == k->churn && c->churn_lines < 0)
				c->churn_lines = atoll(v);
			else if (key == k->additions && !c->additions)
				c->additions = atoll(v);
		}
	}
	c->object = o;
	if (*ev_paths != SIZE_MAX) {
		c->time = authored != ORGMRI_NO_TIME ? authored : t->ev_time[*ev_paths];
		c->author = author ? author : t->ev_actor[*ev_paths];
	}
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

/* Intern each line of `paths` as "REPO\nPATH" and append the ids. */
static int add_paths(files_index *fx, files_commit *c, const char *repo,
                     size_t rlen, const char *paths, orgmri_buf *key,
                     size_t *cap)
{
	c->first = (uint32_t)fx->nfile;
	for (const char *p = paths; *p;) {
		size_t l = strcspn(p, "\n");
		if (l > 0) {
			orgmri_buf_clear(key);
			orgmri_buf_put(key, repo, rlen);
			orgmri_buf_putc(key, '\n');
			orgmri_buf_put(key, p, l);
			if (key->oom)
				return ORGMRI_ENOMEM;
			uint32_t before = fx->files.count;
			int64_t id = orgmri_intern_add(&fx->files, key->ptr, key->len);
			if (id < 0)
				return ORGMRI_ENOMEM;
			if (fx->files.count != before) {
				uint32_t *fr = orgmri_reallocarray(fx->file_repo,
				                                   fx->files.count,
				                                   sizeof(*fr));
				if (!fr)
					return ORGMRI_ENOMEM;
				fx->file_repo = fr;
				fr[id] = c->repo;
			}
			if (fx->nfile == *cap) {
				size_t nc = *cap ? *cap * 2 : 4096;
				uint32_t *f = orgmri_reallocarray(fx->file, nc, sizeof(*f));
				if (!f)
					return ORGMRI_ENOMEM;
				fx->file = f;
				*cap = nc;
			}
			fx->file[fx->nfile++] = (uint32_t)id;
		}
		p += l + (p[l] == '\n');
	}
	c->n = (uint32_t)(fx->nfile - c->first);
	if (c->n == 0)
		return 0;
	/* sorted and unique within the commit (a repeated line is one file) */
	qsort(fx->file + c->first, c->n, sizeof(uint32_t), cmp_u32);
	uint32_t w = 0;
	for (uint32_t i = 0; i < c->n; i++)
		if (i == 0 || fx->file[c->first + i] != fx->file[c->first + w - 1])
			fx->file[c->first + w++] = fx->file[c->first + i];
	c->n = w;
	fx->nfile = c->first + w;
	return 0;
}

int files_build(const orgmri_model *m, files_index *fx)
{
	const orgmri_table *t = m->table;
	memset(fx, 0, sizeof(*fx));
	orgmri_intern_init(&fx->files);
	orgmri_intern_init(&fx->repos);
	fx->last_time = INT64_MIN;
	ids k = { orgmri_table_attr_key(t, "paths"),
	          orgmri_table_attr_key(t, "paths_truncated"),
	          orgmri_table_attr_key(t, "parents"),
	          orgmri_table_attr_key(t, "merge"),
	          orgmri_table_attr_key(t, "repo"),
	          orgmri_table_activity(t, "authored"),
	          orgmri_table_attr_key(t, "churn_lines"),
	          orgmri_table_attr_key(t, "additions") };
	uint32_t commit = orgmri_table_type(t, "commit");
	if (k.paths == ORGMRI_NONE || commit == ORGMRI_NONE)
		return 0;
	fx->commit_of = malloc((t->nobjects ? t->nobjects : 1) * sizeof(uint32_t));
	if (!fx->commit_of)
		return ORGMRI_ENOMEM;
	size_t ccap = 0, fcap = 0;
	orgmri_buf key = ORGMRI_BUF_INIT;
	int rc = 0;
	for (size_t o = 0; o < t->nobjects && !rc; o++) {
		fx->commit_of[o] = ORGMRI_NONE;
		if (t->obj_type[o] != commit)
			continue;
		files_commit c;
		size_t ev;
		const char *repo;
		commit_facts(t, &k, (uint32_t)o, &c, &ev, &repo);
		if (ev == SIZE_MAX)
			continue;
		size_t rlen;
		if (!repo || !*repo)
			repo = files_key_repo(orgmri_table_object_key(t, o), &rlen);
		else
			rlen = strlen(repo);
		int64_t rid = orgmri_intern_add(&fx->repos, repo, rlen);
		if (rid < 0) {
			rc = ORGMRI_ENOMEM;
			break;
		}
		c.repo = (uint32_t)rid;
		if ((rc = add_paths(fx, &c, repo, rlen,
		                    orgmri_table_attr(t, ev, k.paths), &key, &fcap)))
			break;
		if (fx->ncommits == ccap) {
			size_t nc = ccap ? ccap * 2 : 1024;
			files_commit *v = orgmri_reallocarray(fx->commit, nc, sizeof(*v));
			if (!v) {
				rc = ORGMRI_ENOMEM;
				break;
			}
			fx->commit = v;
			ccap = nc;
		}
		fx->commit_of[o] = (uint32_t)fx->ncommits;
		fx->commit[fx->ncommits++] = c;
		fx->truncated += c.truncated;
		if (c.time > fx->last_time)
			fx->last_time = c.time;
	}
	orgmri_buf_free(&key);
	return rc;
}

void files_free(files_index *fx)
{
	free(fx->commit);
	free(fx->file);
	free(fx->commit_of);
	free(fx->file_repo);
	orgmri_intern_free(&fx->files);
	orgmri_intern_free(&fx->repos);
	memset(fx, 0, sizeof(*fx));
}
