/*
 * git_msg.c - what a commit message tells the git adapter: its title,
 * the change (pull/merge request) it merged, the commit it reverts and
 * whether an AI assistant is credited in a trailer.
 *
 * The patterns are the ones the hosting services write themselves:
 *   GitHub merge button:  "Merge pull request #12 from alice/topic"
 *   GitHub squash merge:  "Add export (#12)" (title ends in "(#N)")
 *   GitLab merge commit:  body line "See merge request group/project!12"
 *   git revert:           "This reverts commit <40 hex digits>."
 * Numbers are capped (9 digits) so hostile messages cannot overflow.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/util.h"
#include "ingest/git_internal.h"

#define MAX_NUMBER_DIGITS 9

static const char *const style_names[] = {
	"none", "github", "squash", "gitlab", "merge",
};

const char *orgmri_git_style_name(git_change_style s)
{
	return (unsigned)s < sizeof(style_names) / sizeof(style_names[0])
	       ? style_names[s] : "none";
}

/* Parse 1..MAX_NUMBER_DIGITS decimal digits at s; returns how many were
 * read (0 = none or too many). */
static size_t parse_number(const char *s, long long *out)
{
	size_t n = 0;
	long long v = 0;
	while (isdigit((unsigned char)s[n])) {
		if (n == MAX_NUMBER_DIGITS)
			return 0;
		v = v * 10 + (s[n] - '0');
		n++;
	}
	*out = v;
	return n;
}

static size_t line_len(const char *s)
{
	const char *nl = strchr(s, '\n');
	return nl ? (size_t)(nl - s) : strlen(s);
}

/* Copy a line without trailing blanks, cut to valid UTF-8 and size-1. */
static size_t copy_line(const char *s, size_t len, char *buf, size_t size)
{
	while (len > 0 && isspace((unsigned char)s[len - 1]))
		len--;
	if (len >= size)
		len = size - 1;
	len = orgmri_utf8_valid_prefix(s, len);
	memcpy(buf, s, len);
	buf[len] = '\0';
	return len;
}

size_t orgmri_git_title(const char *msg, char *buf, size_t size)
{
	while (*msg == '\n')
		msg++;
	return copy_line(msg, line_len(msg), buf, size);
}

size_t orgmri_git_body_first_line(const char *msg, char *buf, size_t size)
{
	const char *p = msg + line_len(msg);
	while (*p) {
		p++; /* past '\n' */
		size_t n = line_len(p);
		size_t k = 0;
		while (k < n && isspace((unsigned char)p[k]))
			k++;
		if (k < n)
			return copy_line(p + k, n - k, buf, size);
		p += n;
	}
	buf[0] = '\0';
	return 0;
}

/* "Merge pull request #N from ..." at the start of the title. */
static int github_merge(const char *msg, long long *num)
{
	static const char prefix[] = "Merge pull request #";
	if (strncmp(msg, prefix, sizeof(prefix) - 1) != 0)
		return 0;
	const char *p = msg + sizeof(prefix) - 1;
	size_t n = parse_number(p, num);
	return n > 0 && strncmp(p + n, " from ", 6) == 0;
}

/* Title ends in "(#N)". */
static int squash_merge(const char *msg, long long *num)
{
	char title[1024];
	size_t len = orgmri_git_title(msg, title, sizeof(title));
	if (len < 4 || title[len - 1] != ')')
		return 0;
	size_t i = len - 1;
	while (i > 0 && isdigit((unsigned char)title[i - 1]))
		i--;
	if (i < 2 || title[i - 1] != '#' || title[i - 2] != '(' || i == len - 1)
		return 0;
	return parse_number(title + i, num) == len - 1 - i;
}

/* A line "See merge request GROUP/PROJECT!N". */
static int gitlab_merge(const char *msg, git_change_ref *out)
{
	static const char key[] = "See merge request ";
	for (const char *p = msg; (p = strstr(p, key)); p++) {
		if (p != msg && p[-1] != '\n')
			continue;
		const char *path = p + sizeof(key) - 1;
		const char *bang = path;
		while (*bang && *bang != '!' && *bang != '\n' && *bang != ' ')
			bang++;
		size_t plen = (size_t)(bang - path);
		if (*bang != '!' || plen == 0 || plen >= GIT_PROJECT_MAX ||
		    orgmri_utf8_valid_prefix(path, plen) != plen)
			continue;
		if (!parse_number(bang + 1, &out->number))
			continue;
		memcpy(out->project, path, plen);
		out->project[plen] = '\0';
		return 1;
	}
	return 0;
}

void orgmri_git_parse_change(const char *msg, unsigned nparents,
                             git_change_ref *out)
{
	memset(out, 0, sizeof(*out));
	if (nparents >= 2) {
		if (github_merge(msg, &out->number))
			out->style = GIT_CHANGE_GITHUB;
		else if (gitlab_merge(msg, out))
			out->style = GIT_CHANGE_GITLAB;
		else
			out->style = GIT_CHANGE_MERGE;
	} else if (nparents == 1 && squash_merge(msg, &out->number)) {
		out->style = GIT_CHANGE_SQUASH;
	}
}

int orgmri_git_parse_revert(const char *msg, char sha[41])
{
	static const char key[] = "This reverts commit ";
	const char *p = strstr(msg, key);
	if (!p)
		return 0;
	p += sizeof(key) - 1;
	for (int i = 0; i < 40; i++)
		if (!isxdigit((unsigned char)p[i]))
			return 0;
	if (isxdigit((unsigned char)p[40]))
		return 0;
	for (int i = 0; i < 40; i++)
		sha[i] = (char)tolower((unsigned char)p[i]);
	sha[40] = '\0';
	return 1;
}

/* ---- AI-assistant trailers ------------------------------------------ */

/* Trailers whose presence alone marks a commit. */
static const char *const default_trailers[] = {
	"Assisted-by", "Generated-by", "Made-with", "AI-assisted",
};

/* Names that mark a commit when a Co-authored-by trailer mentions them
 * (case-insensitive substring of the value, which holds name and email). */
static const char *const default_names[] = {
	"copilot", "claude", "anthropic", "cursor", "aider", "codex",
	"chatgpt", "openai", "gemini", "devin", "windsurf", "codeium",
	"tabnine", "codewhisperer", "amazon q", "jules", "sweep-ai",
};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

typedef struct str_list {
	char **v;
	size_t n;
} str_list;

static int push_str(const char *value, void *p)
{
	str_list *l = p;
	char **v = orgmri_reallocarray(l->v, l->n + 1, sizeof(*v));
	if (!v)
		return ORGMRI_ENOMEM;
	l->v = v;
	if (!(v[l->n] = strdup(value)))
		return ORGMRI_ENOMEM;
	l->n++;
	return 0;
}

static int load_list(str_list *l, const orgmri_config *cfg, const char *key,
                     const char *const *defs, size_t ndefs)
{
	int rc = cfg ? orgmri_config_each(cfg, key, push_str, l) : 0;
	int use_defaults = l->n == 0;
	for (size_t i = 0; !rc && use_defaults && i < ndefs; i++)
		rc = push_str(defs[i], l);
	return rc;
}

int orgmri_git_ai_load(git_ai_rules *r, const orgmri_config *cfg,
                       orgmri_error *err)
{
	memset(r, 0, sizeof(*r));
	str_list t = { NULL, 0 }, n = { NULL, 0 };
	int rc = load_list(&t, cfg, "ai.trailer", default_trailers,
	                   NELEM(default_trailers));
	r->trailers = t.v;
	r->ntrailers = t.n;
	if (!rc)
		rc = load_list(&n, cfg, "ai.name", default_names,
		               NELEM(default_names));
	r->names = n.v;
	r->nnames = n.n;
	if (rc) {
		orgmri_git_ai_free(r);
		return orgmri_seterr(err, ORGMRI_ENOMEM, "out of memory");
	}
	return 0;
}

void orgmri_git_ai_free(git_ai_rules *r)
{
	for (size_t i = 0; i < r->ntrailers; i++)
		free(r->trailers[i]);
	for (size_t i = 0; i < r->nnames; i++)
		free(r->names[i]);
	free(r->trailers);
	free(r->names);
	memset(r, 0, sizeof(*r));
}

static int contains_nocase(const char *hay, const char *needle)
{
	size_t n = strlen(needle);
	for (; *hay; hay++)
		if (strncasecmp(hay, needle, n) == 0)
			return 1;
	return 0;
}

static int trailer_marks(const git_ai_rules *r, const git_message_trailer *t)
{
	for (size_t i = 0; i < r->ntrailers; i++)
		if (strcasecmp(t->key, r->trailers[i]) == 0)
			return 1;
	if (strcasecmp(t->key, "Co-authored-by") != 0)
		return 0;
	for (size_t i = 0; i < r->nnames; i++)
		if (contains_nocase(t->value, r->names[i]))
			return 1;
	return 0;
}

int orgmri_git_ai_marker(const git_ai_rules *r, const char *msg,
                         char *which, size_t size)
{
	/* Cheap test first: no trailer without a ':' after a newline. */
	if (!strchr(msg, '\n') || !strchr(msg, ':'))
		return 0;
	git_message_trailer_array arr;
	memset(&arr, 0, sizeof(arr));
	if (git_message_trailers(&arr, msg) != 0)
		return 0;
	int found = 0;
	for (size_t i = 0; i < arr.count && !found; i++) {
		if (!trailer_marks(r, &arr.trailers[i]))
			continue;
		found = 1;
		char line[512];
		snprintf(line, sizeof(line), "%s: %s", arr.trailers[i].key,
		         arr.trailers[i].value);
		copy_line(line, strlen(line), which, size);
	}
	git_message_trailer_array_free(&arr);
	return found;
}
