/*
 * emit.c - the canonical events of each simulation step.
 *
 * The vocabulary is DESIGN.md's: object keys
 *   issue:SHOP-12  change:acme/shop#12  commit:acme/shop@<sha>
 *   build:acme/shop/actions/7  deployment:acme/shop/3  incident:acme/shop/INC-1
 * and the attributes team (security, qa), environment (production),
 * additions, deletions, files, ai_assisted, labels, status/from/to/category,
 * bot, severity, title, repo.
 *
 * Commit hashes, sizes and titles are derived from the seed and the
 * object's number through splitmix64, not drawn from the simulation's
 * stream, so what an event says never changes what the simulation does.
 */
#include <inttypes.h>
#include <string.h>

#include "gen/sim.h"
#include "orgmri/time.h"

static const char *const pool_prefix[NPOOLS] = { "dev", "rev", "sec", "qa" };

void gen_person(const gen_sim *g, uint32_t unit, int pool, uint32_t i,
                char *buf, size_t size)
{
	snprintf(buf, size, "%s%02u%s", pool_prefix[pool], i + 1,
	         g->units[unit].suffix);
}

/* A reproducible 64-bit value for (what, n), independent of the
 * simulation's random stream. */
static uint64_t mix(const gen_sim *g, uint64_t what, uint64_t n)
{
	uint64_t st = g->p.seed ^ (what * 0xd1b54a32d192ed03ULL) ^
	              (n * 0x9e3779b97f4a7c15ULL);
	gen_splitmix64(&st);
	return gen_splitmix64(&st);
}

static void sha_of(const gen_sim *g, uint32_t commit, char out[41])
{
	static const char hex[] = "0123456789abcdef";
	for (int w = 0; w < 3; w++) {
		uint64_t v = mix(g, 11 + (uint64_t)w, commit);
		for (int i = 0; i < 16 && w * 16 + i < 40; i++)
			out[w * 16 + i] = hex[(v >> (4 * i)) & 15];
	}
	out[40] = '\0';
}

/* Lines added/deleted and files touched by one commit: roughly
 * log-normal around 40 added lines, AI-assisted work 40% larger. */
static void commit_size(const gen_sim *g, uint32_t commit, int ai,
                        long *add, long *del, long *files)
{
	uint64_t v = mix(g, 21, commit);
	double u1 = (double)(v & 0xffff) / 65536.0;
	double u2 = (double)((v >> 16) & 0xffff) / 65536.0;
	double u3 = (double)((v >> 32) & 0xffff) / 65536.0;
	/* a cheap bell shape from three uniforms */
	double z = (u1 + u2 + u3 - 1.5) * 2.0;
	double a = 40.0 * (ai ? 1.4 : 1.0);
	for (int i = 0; i < 6; i++)
		a *= z > 0 ? 1.0 + z / 6 : 1.0 / (1.0 - z / 6);
	*add = (long)a + 1;
	*del = (long)(a * (0.1 + 0.4 * u2));
	*files = 1 + *add / 40;
}

static void commit_key(const gen_sim *g, const gen_change *c, uint32_t k,
                       char *buf, size_t size)
{
	char sha[41];
	sha_of(g, k, sha);
	snprintf(buf, size, "commit:%s@%s", g->units[c->unit].repo, sha);
}

static void change_key(const gen_sim *g, const gen_change *c, char *buf,
                       size_t size)
{
	snprintf(buf, size, "change:%s#%u", g->units[c->unit].repo, c->number);
}

static void issue_key(const gen_sim *g, const gen_change *c, char *buf,
                      size_t size)
{
	snprintf(buf, size, "issue:%s-%u", g->units[c->unit].issue_prefix,
	         c->issue);
}

static void emit(gen_sim *g, int64_t t, const char *object,
                 const char *activity, const char *actor, const char *id,
                 const char *const *related, size_t nrelated,
                 const orgmri_attr *attrs, size_t nattrs)
{
	g->events++;
	if (!g->sink || g->rc)
		return;
	orgmri_event ev = { t, object, activity, actor, id, related, nrelated,
	                    attrs, nattrs };
	int rc = g->sink->event(g->sink, &ev, g->err);
	if (rc)
		g->rc = rc;
}

#define A_STR(n, v) { (n), (v), ORGMRI_ATTR_STRING }
#define A_INT(n, v) { (n), (v), ORGMRI_ATTR_INT }
#define A_BOOL(n, v) { (n), (v) ? "true" : "false", ORGMRI_ATTR_BOOL }

static const char *const verbs[] = { "Add", "Fix", "Refactor", "Speed up",
                                     "Support", "Clean up", "Harden",
                                     "Document" };
static const char *const nouns[] = { "checkout", "search", "cart",
                                     "payments", "login", "export",
                                     "pricing", "inventory", "emails",
                                     "reports", "API client", "sessions" };

static void title_of(const gen_sim *g, const gen_change *c, char *buf,
                     size_t size)
{
	uint64_t v = mix(g, 31, ((uint64_t)c->unit << 32) | c->issue);
	snprintf(buf, size, "%s %s", c->bug ? "Fix" : verbs[v % 8],
	         nouns[(v >> 8) % 12]);
}

void gen_emit_issue_created(gen_sim *g, const gen_change *c)
{
	char key[96], title[64], pm[32];
	issue_key(g, c, key, sizeof(key));
	title_of(g, c, title, sizeof(title));
	snprintf(pm, sizeof(pm), "pm01%s", g->units[c->unit].suffix);
	orgmri_attr attrs[] = {
		A_STR("title", title), A_STR("labels", c->bug ? "bug" : "feature"),
		A_STR("status", "To Do"), A_STR("category", "ready"),
	};
	emit(g, c->arrival, key, "created", pm, NULL, NULL, 0, attrs, 4);
}

void gen_emit_status(gen_sim *g, const gen_change *c, int64_t t,
                     const char *from, const char *to, const char *category)
{
	char key[96], actor[64];
	issue_key(g, c, key, sizeof(key));
	gen_person(g, c->unit, POOL_CODING, c->author, actor, sizeof(actor));
	orgmri_attr attrs[] = {
		A_STR("from", from), A_STR("to", to), A_STR("category", category),
	};
	emit(g, t, key, "status_changed", actor, to, NULL, 0, attrs, 3);
}

void gen_emit_issue_resolved(gen_sim *g, const gen_change *c, int64_t t)
{
	char key[96], actor[64];
	issue_key(g, c, key, sizeof(key));
	gen_person(g, c->unit, POOL_CODING, c->author, actor, sizeof(actor));
	emit(g, t, key, "resolved", actor, NULL, NULL, 0, NULL, 0);
}

void gen_emit_commit(gen_sim *g, const gen_change *c, uint32_t k, int64_t t)
{
	char key[128], actor[64], sa[24], sd[24], sf[24];
	long add, del, files;
	commit_key(g, c, k, key, sizeof(key));
	gen_person(g, c->unit, POOL_CODING, c->author, actor, sizeof(actor));
	commit_size(g, k, c->ai, &add, &del, &files);
	snprintf(sa, sizeof(sa), "%ld", add);
	snprintf(sd, sizeof(sd), "%ld", del);
	snprintf(sf, sizeof(sf), "%ld", files);
	orgmri_attr attrs[] = {
		A_STR("repo", g->units[c->unit].repo), A_INT("additions", sa),
		A_INT("deletions", sd), A_INT("files", sf),
		A_BOOL("ai_assisted", c->ai),
	};
	emit(g, t, key, "authored", actor, NULL, NULL, 0, attrs, 5);
	emit(g, t, key, "committed", actor, NULL, NULL, 0, NULL, 0);
}

/* Room for n related objects in g->rel, strings built in g->scratch. */
static int rel_reserve(gen_sim *g, size_t n)
{
	if (n <= g->rel_cap)
		return 0;
	size_t cap = g->rel_cap ? g->rel_cap : 64;
	while (cap < n)
		cap *= 2;
	size_t *o = orgmri_reallocarray(g->offs, cap, sizeof(*o));
	if (o)
		g->offs = o;
	const char **r = o ? orgmri_reallocarray(g->rel, cap, sizeof(*r)) : NULL;
	if (!r) {
		g->rc = g->rc ? g->rc : ORGMRI_ENOMEM;
		return ORGMRI_ENOMEM;
	}
	g->rel = r;
	g->rel_cap = cap;
	return 0;
}

static void rel_add(gen_sim *g, size_t i, const char *s)
{
	g->offs[i] = g->scratch.len;
	orgmri_buf_put(&g->scratch, s, strlen(s) + 1);
}

/* Point g->rel at the n strings (after the buffer stopped growing). */
static const char *const *rel_done(gen_sim *g, size_t n)
{
	if (g->scratch.oom) {
		g->rc = g->rc ? g->rc : ORGMRI_ENOMEM;
		return NULL;
	}
	for (size_t i = 0; i < n; i++)
		g->rel[i] = g->scratch.ptr + g->offs[i];
	return g->rel;
}

void gen_emit_opened(gen_sim *g, const gen_change *c)
{
	char key[96], actor[64], title[64], buf[128];
	char sa[24], sd[24], sf[24];
	long add = 0, del = 0, files = 0;
	size_t n = 0;
	for (uint32_t k = c->commit_head; k != GEN_NONE; k = g->commits[k].next)
		n++;
	if (rel_reserve(g, n + 1))
		return;
	orgmri_buf_clear(&g->scratch);
	n = 0;
	for (uint32_t k = c->commit_head; k != GEN_NONE; k = g->commits[k].next) {
		long a, d, f;
		commit_size(g, k, c->ai, &a, &d, &f);
		add += a;
		del += d;
		files += f;
		commit_key(g, c, k, buf, sizeof(buf));
		rel_add(g, n++, buf);
	}
	issue_key(g, c, buf, sizeof(buf));
	rel_add(g, n++, buf);
	const char *const *rel = rel_done(g, n);
	if (!rel)
		return;
	change_key(g, c, key, sizeof(key));
	gen_person(g, c->unit, POOL_CODING, c->author, actor, sizeof(actor));
	title_of(g, c, title, sizeof(title));
	snprintf(sa, sizeof(sa), "%ld", add);
	snprintf(sd, sizeof(sd), "%ld", del);
	snprintf(sf, sizeof(sf), "%ld", files);
	orgmri_attr attrs[] = {
		A_STR("title", title), A_STR("repo", g->units[c->unit].repo),
		A_INT("additions", sa), A_INT("deletions", sd), A_INT("files", sf),
		A_BOOL("ai_assisted", c->ai),
		A_STR("labels", c->ai ? (c->bug ? "bug,ai-assisted" : "ai-assisted")
		                      : (c->bug ? "bug" : "")),
	};
	emit(g, c->opened, key, "opened", actor, NULL, rel, n, attrs,
	     attrs[6].value[0] ? 7 : 6);
	emit(g, c->opened, key, "review_requested", actor, NULL, NULL, 0, NULL, 0);
}

void gen_emit_change(gen_sim *g, const gen_change *c, int64_t t,
                     const char *activity, const char *actor,
                     const char *team, uint32_t commit)
{
	char key[96], ck[128];
	change_key(g, c, key, sizeof(key));
	const char *rel[1] = { ck };
	if (commit != GEN_NONE)
		commit_key(g, c, commit, ck, sizeof(ck));
	orgmri_attr attrs[] = { A_STR("team", team) };
	emit(g, t, key, activity, actor, NULL, rel, commit != GEN_NONE,
	     attrs, team != NULL);
}

void gen_emit_build(gen_sim *g, const gen_change *c, uint32_t commit,
                    uint32_t run, int64_t start, int64_t end, int failed)
{
	char key[112], chk[96], ck[128];
	snprintf(key, sizeof(key), "build:%s/actions/%u", g->units[c->unit].repo,
	         run);
	change_key(g, c, chk, sizeof(chk));
	commit_key(g, c, commit, ck, sizeof(ck));
	const char *rel[2] = { chk, ck };
	orgmri_attr attrs[] = { A_BOOL("bot", 1),
	                        A_STR("repo", g->units[c->unit].repo) };
	emit(g, start, key, "ci_started", "github-actions[bot]", NULL, rel, 2,
	     attrs, 2);
	emit(g, end, key, failed ? "ci_failed" : "ci_passed",
	     "github-actions[bot]", NULL, NULL, 0, attrs, 1);
}

void gen_emit_deploy(gen_sim *g, const gen_deployment *d, int64_t t,
                     const char *activity)
{
	char key[112], buf[128];
	snprintf(key, sizeof(key), "deployment:%s/%u", g->units[d->unit].repo,
	         d->number);
	orgmri_attr attrs[] = { A_STR("environment", "production"),
	                        A_BOOL("bot", 1) };
	size_t n = 0;
	const char *const *rel = NULL;
	if (strcmp(activity, "deployed") == 0) {
		/* every change shipped and every commit in it */
		size_t want = 0;
		for (uint32_t c = d->first; c != GEN_NONE;
		     c = g->changes[c].next_pending)
			for (uint32_t k = g->changes[c].commit_head; k != GEN_NONE;
			     k = g->commits[k].next)
				want += 1;
		for (uint32_t c = d->first; c != GEN_NONE;
		     c = g->changes[c].next_pending)
			want++;
		if (rel_reserve(g, want))
			return;
		orgmri_buf_clear(&g->scratch);
		for (uint32_t c = d->first; c != GEN_NONE;
		     c = g->changes[c].next_pending) {
			change_key(g, &g->changes[c], buf, sizeof(buf));
			rel_add(g, n++, buf);
			for (uint32_t k = g->changes[c].commit_head; k != GEN_NONE;
			     k = g->commits[k].next) {
				commit_key(g, &g->changes[c], k, buf, sizeof(buf));
				rel_add(g, n++, buf);
			}
		}
		if (!(rel = rel_done(g, n)))
			return;
	}
	emit(g, t, key, activity, "deploy-bot", NULL, rel, n, attrs, 2);
}

void gen_emit_incident(gen_sim *g, const gen_deployment *d, uint32_t number,
                       int64_t opened, int64_t resolved, const char *severity)
{
	char key[112], dk[112], actor[64], title[96];
	snprintf(key, sizeof(key), "incident:%s/INC-%u", g->units[d->unit].repo,
	         number);
	snprintf(dk, sizeof(dk), "deployment:%s/%u", g->units[d->unit].repo,
	         d->number);
	snprintf(title, sizeof(title), "Production errors after deployment %u",
	         d->number);
	gen_person(g, d->unit, POOL_CODING,
	           (uint32_t)(number % (uint32_t)g->p.coding.capacity), actor,
	           sizeof(actor));
	const char *rel[1] = { dk };
	orgmri_attr attrs[] = { A_STR("severity", severity),
	                        A_STR("title", title) };
	emit(g, opened, key, "incident_opened", actor, NULL, rel, 1, attrs, 2);
	emit(g, resolved, key, "incident_resolved", actor, NULL, NULL, 0, NULL, 0);
}

int orgmri_gen_teams_write(const orgmri_gen_params *p, FILE *fp,
                           orgmri_error *err)
{
	static const char *const teams[NPOOLS] = { "developers", "reviewers",
	                                           "security", "qa" };
	const int caps[NPOOLS] = { p->coding.capacity, p->review.capacity,
	                           p->security.capacity, p->qa.capacity };
	char tb[ORGMRI_TIME_BUFSZ];
	fprintf(fp, "# People of the generated organisation (orgmri generate).\n"
	            "[ai]\n\trollout = %s\n", orgmri_time_format(p->rollout, tb));
	for (int q = 0; q < NPOOLS; q++) {
		fprintf(fp, "[team \"%s\"]\n", teams[q]);
		for (int u = 0; u < p->units; u++)
			for (int i = 0; i < caps[q]; i++) {
				char suffix[16] = "";
				if (u)
					snprintf(suffix, sizeof(suffix), ".u%d", u + 1);
				fprintf(fp, "\tmember = %s%02d%s\n", pool_prefix[q], i + 1,
				        suffix);
			}
	}
	if (fflush(fp) != 0 || ferror(fp))
		return orgmri_seterr(err, ORGMRI_EIO, "write failed");
	return 0;
}

static const char *const attr_names[] = {
	"additions", "ai_assisted", "bot", "category", "deletions",
	"environment", "files", "from", "labels", "repo", "severity", "status",
	"team", "title", "to", NULL
};

const char *const *orgmri_gen_attr_names(size_t *n)
{
	if (n)
		*n = sizeof(attr_names) / sizeof(attr_names[0]) - 1;
	return attr_names;
}
