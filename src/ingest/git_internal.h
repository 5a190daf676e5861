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
                          orgmri_buf *paths, orgmri_error *err);

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
} git_commit_diff;

/*
 * Diff each of the `n` commits `ids` against its first parent (a root
 * commit against the empty tree) into out[i], with `nthreads` threads,
 * each opening the repository at `path` itself (libgit2 objects are not
 * shared between threads).  Commits whose committer time is before
 * `since_ms` are skipped.  progress(done, ctx) is called now and then
 * from the calling thread.  Returns 0, or the error of the first commit
 * (in `ids` order among those that failed) with its id in the message.
 * The caller frees every out[i].paths (free(NULL) for those not
 * computed), after an error too.
 */
int orgmri_git_diff_commits(const char *path, const git_oid *const *ids,
                            size_t n, int64_t since_ms, int nthreads,
                            git_commit_diff *out,
                            void (*progress)(size_t done, void *ctx),
                            void *progress_ctx, orgmri_error *err);

#endif
