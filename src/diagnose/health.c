/*
 * health.c - the measures behind the health indicators: concentration
 * (Gini, top-k share) and the rows that need the files each change
 * touches (truck factor, CODEOWNERS coverage, integration pain), whose
 * figures come from src/metrics (files.c, owners.c, integration.c,
 * people.c); thresholds and definitions in docs/diagnosis.md.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "diagnose/health.h"
#include "diagnose/stats.h"
#include "metrics/files.h"
#include "orgmri/metrics.h"
#include "orgmri/diagnose.h"

/* A sorted copy of v (NULL when empty or out of memory). */
static double *sorted_copy(const double *v, size_t n)
{
	double *s = n ? malloc(n * sizeof(*s)) : NULL;
	if (!s)
		return NULL;
	memcpy(s, v, n * sizeof(*s));
	orgmri_sort_doubles(s, n);
	return s;
}

/* Gini = sum_i (2i - n - 1) x_(i) / (n sum x), x sorted ascending,
 * i = 1..n: 0 when all equal, (n-1)/n when one holds everything. */
double orgmri_gini(const double *v, size_t n)
{
	double *s = sorted_copy(v, n);
	if (!s)
		return NAN;
	double num = 0, total = 0;
	for (size_t i = 0; i < n; i++) {
		num += (2.0 * (double)(i + 1) - (double)n - 1.0) * s[i];
		total += s[i];
	}
	free(s);
	return total > 0 ? num / ((double)n * total) : NAN;
}

double orgmri_top_share(const double *v, size_t n, size_t k)
{
	double *s = sorted_copy(v, n);
	if (!s)
		return NAN;
	double top = 0, total = 0;
	for (size_t i = 0; i < n; i++) {
		total += s[i];
		if (i >= n - (k < n ? k : n))
			top += s[i];
	}
	free(s);
	return total > 0 ? top / total : NAN;
}

/* ---- rows from the files each change touches ------------------------- */

orgmri_health_row *diag_health_row(orgmri_health_row *rows, size_t max,
                                   size_t *n, const char *name,
                                   const char *unit, double value,
                                   double threshold, int higher_is_worse)
{
	if (*n >= max)
		return NULL;
	orgmri_health_row *h = &rows[(*n)++];
	memset(h, 0, sizeof(*h));
	snprintf(h->name, sizeof(h->name), "%s", name);
	snprintf(h->unit, sizeof(h->unit), "%s", unit);
	h->value = value;
	h->threshold = threshold;
	h->higher_is_worse = higher_is_worse;
	h->concern = !isnan(value) && (higher_is_worse ? value > threshold
	                                               : value < threshold);
	return h;
}

#define NO_PATHS "not available: no commit carries the files it changed " \
	"(`paths`: ingest a git repository without --no-diff)"

typedef struct file_figures {
	int tf;
	long long tf_files;
	long long churn_commits, lines_added, lines_rewritten;
	orgmri_owner_coverage cov;
	orgmri_integration ip;
} file_figures;

static void truck_factor_row(const file_figures *f, orgmri_health_row *h)
{
	if (!h)
		return;
	if (f->tf >= 0)
		snprintf(h->detail, sizeof(h->detail), "%d people author (DOA) "
		         "enough of the %lld files changed before the period's end "
		         "that losing them orphans over half", f->tf, f->tf_files);
	else
		snprintf(h->detail, sizeof(h->detail), NO_PATHS);
}

static void coverage_row(const file_figures *f, orgmri_health_row *h)
{
	const orgmri_owner_coverage *c = &f->cov;
	if (!h)
		return;
	if (c->files)
		snprintf(h->detail, sizeof(h->detail), "%lld of %lld files changed "
		         "have an owner in CODEOWNERS (%lld repositories with one; "
		         "%lld files elsewhere)", c->owned, c->files, c->repos,
		         c->files_elsewhere);
	else if (c->available)
		snprintf(h->detail, sizeof(h->detail), "no file changed in the "
		         "period in a repository with a CODEOWNERS file");
	else if (f->tf >= 0)
		snprintf(h->detail, sizeof(h->detail), "not available: no "
		         "CODEOWNERS file recorded (git `codeowners` event)");
	else
		snprintf(h->detail, sizeof(h->detail), NO_PATHS);
}

static void overlap_row(const file_figures *f, orgmri_health_row *h)
{
	if (!h)
		return;
	if (f->ip.with_files)
		snprintf(h->detail, sizeof(h->detail), "%lld of %lld changes were "
		         "open while another change touched one of their files",
		         f->ip.overlapping, f->ip.with_files);
	else
		snprintf(h->detail, sizeof(h->detail), "%s", f->tf >= 0 ?
		         "not available: no change of the period has commits with "
		         "`paths`" : NO_PATHS);
}

static void base_merge_row(const file_figures *f, orgmri_health_row *h)
{
	if (!h)
		return;
	if (f->ip.with_parents)
		snprintf(h->detail, sizeof(h->detail), "%lld of %lld changes merged "
		         "their base branch in (%lld merge commits)",
		         f->ip.base_merged, f->ip.with_parents, f->ip.base_merges);
	else
		snprintf(h->detail, sizeof(h->detail), "not available: no change "
		         "of the period has commits with parent counts (git data)");
}

/* Line churn over the first-parent commits (`churn_lines`) authored in
 * [from, to) of repository `repo` (NULL: all); docs/metrics.md §6. */
static void line_churn(const files_index *fx, int64_t from, int64_t to,
                       const char *repo, file_figures *f)
{
	f->churn_commits = f->lines_added = f->lines_rewritten = 0;
	for (size_t i = 0; i < fx->ncommits; i++) {
		const files_commit *c = &fx->commit[i];
		if (c->churn_lines < 0 || c->time < from || c->time >= to ||
		    (repo && strcmp(fx->repos.names[c->repo], repo) != 0))
			continue;
		f->churn_commits++;
		f->lines_added += c->additions;
		f->lines_rewritten += c->churn_lines;
	}
}

static void churn_row(const file_figures *f, orgmri_health_row *h)
{
	if (!h)
		return;
	if (f->lines_added)
		snprintf(h->detail, sizeof(h->detail), "%lld lines rewritten within "
		         "21 days of being written, per %lld lines added (%lld "
		         "first-parent commits)", f->lines_rewritten, f->lines_added,
		         f->churn_commits);
	else
		snprintf(h->detail, sizeof(h->detail), "not available: no commit "
		         "of the period carries `churn_lines` (ingest a git "
		         "repository without --no-diff)");
}

int orgmri_health_files(const orgmri_model *m, const uint8_t *pick,
                        int64_t from, int64_t to, const char *repo,
                        orgmri_health_row *rows, size_t max, size_t *n,
                        orgmri_error *err)
{
	file_figures f;
	files_index fx;
	/* one index of the commits' files for the three figures */
	int rc = files_build(m, &fx);
	if (!rc && !(rc = files_truck_factor(m, &fx, to, repo, &f.tf,
	                                     &f.tf_files)) &&
	    !(rc = files_owner_coverage(m, &fx, from, to, &f.cov)))
		rc = files_integration(m, &fx, pick, to, &f.ip);
	line_churn(&fx, from, to, repo, &f);
	files_free(&fx);
	if (rc)
		return orgmri_seterr(err, rc, "out of memory computing the health "
		                     "rows from files");
	/* thresholds: docs/diagnosis.md section 4; a truck factor of 1 means
	 * one person's departure orphans most files */
	truck_factor_row(&f, diag_health_row(rows, max, n, "truck factor",
	                 "people", f.tf < 0 || f.tf_files == 0 ? NAN : f.tf,
	                 2, 0));
	coverage_row(&f, diag_health_row(rows, max, n, "CODEOWNERS coverage",
	             "%", f.cov.share, 0.8, 0));
	overlap_row(&f, diag_health_row(rows, max, n,
	            "integration: same files", "%", f.ip.overlap_share, 0.3, 1));
	base_merge_row(&f, diag_health_row(rows, max, n,
	               "integration: base merges", "%", f.ip.base_merge_share,
	               0.2, 1));
	churn_row(&f, diag_health_row(rows, max, n, "code churn", "%",
	          f.lines_added ? (double)f.lines_rewritten /
	                          (double)f.lines_added : NAN, 0.1, 1));
	return 0;
}
