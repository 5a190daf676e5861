/*
 * git_internal.h - what the files of the git adapter share: reading a
 * commit message (title, recognised change, revert, AI-assistant
 * trailers) and counting lines changed between two trees.  The message
 * functions are pure, so unit tests call them directly on text.
 */
#ifndef ORGMRI_INGEST_GIT_INTERNAL_H
#define ORGMRI_INGEST_GIT_INTERNAL_H

#include <git2.h>
#include <stddef.h>
#include <stdint.h>

#include "orgmri/config.h"
#include "orgmri/error.h"
#include "core/util.h"

/* How a commit message says it merged a change. */
typedef enum git_change_style {
	GIT_CHANGE_NONE = 0,
	GIT_CHANGE_GITHUB,  /* "Merge pull request #N from OWNER/BRANCH" */
	GIT_CHANGE_SQUASH,  /* title ends in "(#N)" */
	GIT_CHANGE_GITLAB,  /* a line "See merge request GROUP/PROJECT!N" */
	GIT_CHANGE_MERGE    /* any other merge commit (a plain branch merge) */
} git_change_style;

/* Longest GitLab project path kept ("group/sub/project"). */
#define GIT_PROJECT_MAX 200

typedef struct git_change_ref {
	git_change_style style;
	long long number;                /* PR/MR number, 0 for plain merges */
	char project[GIT_PROJECT_MAX];   /* GitLab "group/project", else "" */
} git_change_ref;

/* Name of a style as stored in the change's `style` attribute. */
const char *orgmri_git_style_name(git_change_style s);

/*
 * Recognise a change in message `msg` of a commit with `nparents`
 * parents.  GitHub and GitLab forms need a merge commit (2+ parents);
 * the squash form needs a single parent; any other merge commit is
 * GIT_CHANGE_MERGE; everything else GIT_CHANGE_NONE.
 */
void orgmri_git_parse_change(const char *msg, unsigned nparents,
                             git_change_ref *out);

/*
 * The title: the first line, without trailing blanks, cut to valid UTF-8
 * and at most `size` - 1 bytes.  Writes into buf, returns its length.
 */
size_t orgmri_git_title(const char *msg, char *buf, size_t size);

/*
 * The PR title GitHub writes after a blank line under "Merge pull request
 * #N from ...": the first non-empty body line.  Same contract as
 * orgmri_git_title; returns 0 when the body is empty.
 */
size_t orgmri_git_body_first_line(const char *msg, char *buf, size_t size);

/* If msg contains "This reverts commit <40 hex>", copy the hex (41 bytes
 * with NUL) to sha and return 1; else 0. */
int orgmri_git_parse_revert(const char *msg, char sha[41]);

/* The AI-assistant marker rules (docs/git.md). */
typedef struct git_ai_rules {
	char **trailers;  /* trailer keys that always mark (e.g. Assisted-by) */
	size_t ntrailers;
	char **names;     /* names that mark when in a Co-authored-by value */
	size_t nnames;
} git_ai_rules;

/* Load from cfg keys ai.trailer and ai.name (each multi-valued; set
 * values replace the defaults).  Free with orgmri_git_ai_free. */
int orgmri_git_ai_load(git_ai_rules *r, const orgmri_config *cfg,
                       orgmri_error *err);
void orgmri_git_ai_free(git_ai_rules *r);

/*
 * Does msg carry an AI-assistant trailer?  Returns 1 and copies the
 * matching trailer ("Key: value", cut to `size`) to `which`, else 0.
 * Trailers are read with git's rules (git_message_trailers).
 */
int orgmri_git_ai_marker(const git_ai_rules *r, const char *msg,
                         char *which, size_t size);

/* Lines added and deleted, and files changed, between two trees. */
typedef struct git_diff_counts {
	long long additions, deletions, files;
} git_diff_counts;

/* Longest `paths` text kept per commit (docs/git.md). */
#define GIT_PATHS_MAX 65536

/*
 * Compare `old_tree` (NULL = the empty tree) with `new_tree` as
 * `git diff --numstat --no-renames` does: every changed path is a file,
 * binary files count as changed with no lines.  When `paths` is not
 * NULL, the full path of every file counted in `files` that is valid
 * UTF-8 is appended to it, each followed by a NUL byte, in git's tree
 * order.  Returns 0 or an ORGMRI_E* code with a message naming the
 * object that could not be read.
 */
int orgmri_git_diff_trees(git_repository *repo, const git_tree *old_tree,
                          const git_tree *new_tree, git_diff_counts *out,
                          orgmri_buf *paths, orgmri_buf *hunks,
                          orgmri_error *err);

/*
 * The hunks list (`hunks` above, when not NULL): for every file of text
 * on both sides or one (no binary file, no submodule) a record
 *
 *     git_hunk_file header; char path[header.path_len];
 *     char from[header.from_len]; git_hunk h[header.nhunks];
 *
 * First the renames: a file deleted and one added whose lines are at
 * least half the same (git's default -M50%), with `from` the deleted
 * path and the hunks between the two texts; then every other file in
 * git's tree order, from_len 0.  (The counts and `paths` do not pair
 * renames: they are --no-renames.)
 * packed without padding (read them with memcpy).  A hunk is what a
 * zero-context diff of the file reports: lines old_start ..
 * old_start + old_lines - 1 of the old text (1-based) were replaced by
 * new_lines lines; when old_lines is 0, the new lines follow line
 * old_start (0: at the top).  A file added whole is one hunk {0, 0, N},
 * one deleted whole {1, N, 0}.  Hunks come in ascending old_start.
 */
typedef struct git_hunk_file {
	uint32_t path_len, nhunks, from_len;
} git_hunk_file;

typedef struct git_hunk {
	uint32_t old_start, old_lines, new_lines;
} git_hunk;

/*
 * The `paths` attribute from a NUL-separated list (as written by
 * orgmri_git_diff_trees): sorted bytewise, joined with "\n", keeping
 * whole paths while the text stays within `cap` bytes.  Returns a
 * malloc'd string (caller frees) or NULL on out of memory; *truncated
 * is set to 1 when paths were left out.
 */
char *orgmri_git_join_paths(const char *list, size_t len, size_t cap,
                            int *truncated);

/* One commit's counts against its first parent, for the parallel pass. */
typedef struct git_commit_diff {
	git_diff_counts counts;
	int have;  /* 0: not computed (before --since, or a shallow boundary) */
	int paths_truncated;
	char *paths;  /* the `paths` text (malloc'd), NULL when !have */
	/* Set by the caller before orgmri_git_diff_commits: 1 to have the
	 * hunks list as well (hunks, hunks_len; malloc'd, caller frees). */
	int want_hunks;
	char *hunks;
	size_t hunks_len;
	/* Filled by the git adapter's churn pass (git_churn.c). */
	int have_churn;
	long long churn;
} git_commit_diff;

/*
 * Diff each of the `n` commits `ids` against its first parent (a root
 * commit against the empty tree) into out[i], with `nthreads` threads,
 * each opening the repository at `path` itself (libgit2 objects are not
 * shared between threads).  Commits whose committer time is before
 * `since_ms` are skipped.  progress(done, ctx) is called now and then
 * from the calling thread.  Returns 0, or the error of the first commit
 * (in `ids` order among those that failed) with its id in the message.
 * out[i].want_hunks is read before out[i] is filled (the rest of out[i]
 * is overwritten).  The caller frees every out[i].paths and
 * out[i].hunks (NULL for those not computed), after an error too.
 */
int orgmri_git_diff_commits(const char *path, const git_oid *const *ids,
                            size_t n, int64_t since_ms, int nthreads,
                            git_commit_diff *out,
                            void (*progress)(size_t done, void *ctx),
                            void *progress_ctx, orgmri_error *err);

/* ---- line churn (git_churn.c, docs/git.md "Churn") ---------------------- */

/* Lines rewritten within this long after they were written count. */
#define GIT_CHURN_WINDOW_MS (21LL * 86400000)

/* Line ages of the files along one first-parent line. */
typedef struct git_churn git_churn;

int orgmri_git_churn_new(git_churn **out, int64_t window_ms);
void orgmri_git_churn_free(git_churn *c);

/*
 * Apply one commit, at committer time `time`, given its hunks list (the
 * format above): *rewritten = the lines it deleted or replaced that an
 * earlier applied commit had written less than the window before
 * `time`.  Lines written at or before `forget_before` may be forgotten:
 * pass the earliest time of the commits still to come minus the window
 * (INT64_MAX after the last).  Returns 0, ORGMRI_ENOMEM, or
 * ORGMRI_ECORRUPT for a malformed list.
 */
int orgmri_git_churn_apply(git_churn *c, int64_t time, int64_t forget_before,
                           const char *hunks, size_t len,
                           long long *rewritten);

/* Files holding ages of lines still young to some later commit. */
size_t orgmri_git_churn_live_files(const git_churn *c);

/* Which commits the churn pass replays. */
typedef struct git_churn_plan git_churn_plan;

/*
 * Walk the first-parent line back from `head`.  Its commits that this
 * ingest diffs (in `oids`, committed at or after `since_ms`) are the
 * targets: their diffs[index].want_hunks is set.  Older commits of the
 * line are replayed only (they were ingested before, or are before
 * --since), back to a window and a week of slack before the earliest
 * target; a full ingest goes back to the root.  *out is freed with
 * orgmri_git_churn_plan_free.
 */
int orgmri_git_churn_plan(git_repository *repo, const git_oid *head,
                          const orgmri_intern *oids, int64_t since_ms,
                          int64_t window_ms, git_commit_diff *diffs,
                          git_churn_plan **out, orgmri_error *err);
void orgmri_git_churn_plan_free(git_churn_plan *p);

/* Commits on the planned line; *extra = those replayed only. */
size_t orgmri_git_churn_plan_size(const git_churn_plan *p, size_t *extra);

/*
 * After the targets were diffed: diff the replay-only commits (on
 * `threads` threads, opening the repository at `path`), apply the whole
 * line oldest first, and set diffs[index].churn and have_churn of every
 * target that has a diff.  Frees the targets' hunks.
 */
int orgmri_git_churn_run(const git_churn_plan *p, const char *path,
                         int threads, int64_t window_ms,
                         git_commit_diff *diffs, orgmri_error *err);

#endif
