/*
 * scenario.c - what-if scenarios: a small language of changes to a
 * calibrated model ("coding.time*0.6, security.capacity+2"), read from
 * command-line flags or from a file with one scenario per line.
 *
 * A term is TARGET.KNOB OP VALUE or a global knob; the table below says
 * which operators each knob takes.  Parsing checks everything, so that
 * applying a parsed scenario cannot fail except for values that leave the
 * model unusable (fewer than one server).
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "orgmri/sim.h"

enum {
	K_TIME = 0, K_CAPACITY, K_SKIP, K_QUEUE,  /* per stage */
	K_ARRIVALS, K_WIP, K_CADENCE, K_BATCH     /* global / deploy */
};

typedef struct knob_def {
	const char *name;
	int per_stage;      /* 1: STAGE.name, 0: global or deploy.name */
	const char *deploy; /* for deploy.* knobs, the name after "deploy." */
	const char *ops;    /* allowed operators */
	int code;
} knob_def;

static const knob_def knobs[] = {
	{ "time", 1, NULL, "*", K_TIME },
	{ "capacity", 1, NULL, "+-=", K_CAPACITY },
	{ "skip", 1, NULL, "=", K_SKIP },
	{ "queue", 1, NULL, "=", K_QUEUE },
	{ "arrivals", 0, NULL, "*", K_ARRIVALS },
	{ "wip", 0, NULL, "=", K_WIP },
	{ "cadence", 0, "deploy", "*", K_CADENCE },
	{ "batch", 0, "deploy", "=", K_BATCH },
};

#define NKNOBS (sizeof(knobs) / sizeof(knobs[0]))

/* Words allowed as values of skip= and queue=. */
static const struct { const char *word; int knob; double value; } words[] = {
	{ "none", K_SKIP, -1 },
	{ "low", K_SKIP, ORGMRI_TIER_LOW },
	{ "medium", K_SKIP, ORGMRI_TIER_MEDIUM },
	{ "high", K_SKIP, ORGMRI_TIER_HIGH },
	{ "all", K_SKIP, ORGMRI_TIER_HIGH },
	{ "fifo", K_QUEUE, ORGMRI_SIM_FIFO },
	{ "priority", K_QUEUE, ORGMRI_SIM_PRIORITY },
};

static const char *skip_space(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

static int parse_value(const knob_def *k, const char *p, size_t len,
                       double *out)
{
	char buf[64];
	if (len == 0 || len >= sizeof(buf))
		return -1;
	memcpy(buf, p, len);
	buf[len] = 0;
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (words[i].knob == k->code && strcmp(words[i].word, buf) == 0) {
			*out = words[i].value;
			return 0;
		}
	if (k->code == K_SKIP || k->code == K_QUEUE)
		return -1;
	errno = 0;
	char *end;
	double v = strtod(buf, &end);
	if (errno || *end || !isfinite(v) || v < 0 || v > 1e6)
		return -1;
	if ((k->code == K_CAPACITY || k->code == K_WIP || k->code == K_BATCH) &&
	    v != floor(v))
		return -1;
	*out = v;
	return 0;
}

/* Parse one term [p, p + len) into ch. */
static int parse_term(const char *p, size_t len, orgmri_sim_change *ch,
                      orgmri_error *err)
{
	size_t op = 0;
	while (op < len && !strchr("*+-=", p[op]))
		op++;
	if (op == len || op == 0)
		return orgmri_seterr(err, ORGMRI_EINVAL, "scenario term '%.*s': "
		                     "expected NAME OP VALUE (OP one of * + - =)",
		                     (int)len, p);
	size_t nlen = op;
	while (nlen && p[nlen - 1] == ' ')
		nlen--;
	const char *dot = memchr(p, '.', nlen);
	const char *kname = dot ? dot + 1 : p;
	size_t klen = dot ? (size_t)(p + nlen - kname) : nlen;
	ch->target = -1;
	const knob_def *k = NULL;
	for (size_t i = 0; i < NKNOBS && !k; i++) {
		if (strlen(knobs[i].name) != klen ||
		    memcmp(knobs[i].name, kname, klen) != 0)
			continue;
		if (knobs[i].per_stage && dot) {
			ch->target = orgmri_sim_stage_find(p, (size_t)(dot - p));
			if (ch->target >= 0 && ch->target != ORGMRI_STAGE_DEPLOY)
				k = &knobs[i];
		} else if (!knobs[i].per_stage && !dot == !knobs[i].deploy) {
			if (!dot || ((size_t)(dot - p) == strlen(knobs[i].deploy) &&
			             memcmp(p, knobs[i].deploy, (size_t)(dot - p)) == 0))
				k = &knobs[i];
		}
	}
	if (!k)
		return orgmri_seterr(err, ORGMRI_EINVAL, "scenario term '%.*s': "
		                     "unknown setting '%.*s' (see docs/simulation.md)",
		                     (int)len, p, (int)nlen, p);
	ch->knob = k->code;
	ch->op = p[op];
	if (!strchr(k->ops, ch->op))
		return orgmri_seterr(err, ORGMRI_EINVAL, "scenario term '%.*s': "
		                     "'%.*s' takes the operator(s) %s",
		                     (int)len, p, (int)nlen, p, k->ops);
	const char *v = skip_space(p + op + 1);
	size_t vlen = (size_t)(p + len - v);
	while (vlen && v[vlen - 1] == ' ')
		vlen--;
	if (parse_value(k, v, vlen, &ch->value) ||
	    (k->code == K_CADENCE && !(ch->value > 0)))
		return orgmri_seterr(err, ORGMRI_EINVAL, "scenario term '%.*s': "
		                     "bad value '%.*s'", (int)len, p, (int)vlen, v);
	return 0;
}

int orgmri_sim_scenario_parse(const char *text, orgmri_sim_scenario *sc,
                              orgmri_error *err)
{
	memset(sc, 0, sizeof(*sc));
	const char *p = skip_space(text);
	const char *colon = strchr(p, ':');
	if (colon) {
		size_t n = (size_t)(colon - p);
		while (n && p[n - 1] == ' ')
			n--;
		if (n == 0 || n >= sizeof(sc->name))
			return orgmri_seterr(err, ORGMRI_EINVAL, "scenario '%s': name "
			                     "must be 1..63 characters", text);
		memcpy(sc->name, p, n);
		p = skip_space(colon + 1);
	} else {
		snprintf(sc->name, sizeof(sc->name), "%s", p);
	}
	while (*p) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		while (len && (p[len - 1] == ' ' || p[len - 1] == '\t' ||
		               p[len - 1] == '\n' || p[len - 1] == '\r'))
			len--;
		if (sc->nchanges == ORGMRI_SIM_MAX_CHANGES)
			return orgmri_seterr(err, ORGMRI_ELIMIT, "scenario '%s': more "
			                     "than %d terms", sc->name,
			                     ORGMRI_SIM_MAX_CHANGES);
		int rc = parse_term(p, len, &sc->change[sc->nchanges], err);
		if (rc)
			return rc;
		sc->nchanges++;
		p = end ? skip_space(end + 1) : p + len;
		p = skip_space(p);
		while (*p == '\n' || *p == '\r')
			p++;
	}
	if (sc->nchanges == 0)
		return orgmri_seterr(err, ORGMRI_EINVAL, "scenario '%s': no changes",
		                     text);
	return 0;
}

int orgmri_sim_scenario_load(const char *path, orgmri_sim_scenario **out,
                             size_t *n, orgmri_error *err)
{
	*out = NULL;
	*n = 0;
	FILE *fp = fopen(path, "r");
	if (!fp) {
		int rc = orgmri_seterr(err, ORGMRI_EIO, "cannot open: %s",
		                       strerror(errno));
		orgmri_seterr_at(err, path, 0, 0);
		return rc;
	}
	char line[1024];
	long lineno = 0;
	int rc = 0;
	while (fgets(line, sizeof(line), fp)) {
		lineno++;
		if (!strchr(line, '\n') && !feof(fp)) {
			rc = orgmri_seterr(err, ORGMRI_ELIMIT,
			                   "line longer than %zu bytes", sizeof(line) - 2);
			break;
		}
		char *hash = strchr(line, '#');
		if (hash)
			*hash = 0;
		const char *p = skip_space(line);
		if (*p == 0 || *p == '\n' || *p == '\r')
			continue;
		if (*n == 256) {
			rc = orgmri_seterr(err, ORGMRI_ELIMIT, "more than 256 scenarios");
			break;
		}
		orgmri_sim_scenario *v = orgmri_reallocarray(*out, *n + 1, sizeof(*v));
		if (!v) {
			rc = orgmri_seterr(err, ORGMRI_ENOMEM, "out of memory");
			break;
		}
		*out = v;
		if ((rc = orgmri_sim_scenario_parse(p, &v[*n], err)))
			break;
		/* a name taken from the text must not keep the newline */
		v[*n].name[strcspn(v[*n].name, "\r\n")] = 0;
		(*n)++;
	}
	fclose(fp);
	if (rc) {
		orgmri_seterr_at(err, path, lineno, 0);
		free(*out);
		*out = NULL;
		*n = 0;
	}
	return rc;
}

static double apply_op(double x, char op, double v)
{
	switch (op) {
	case '*': return x * v;
	case '+': return x + v;
	case '-': return x - v;
	default: return v;
	}
}

int orgmri_sim_scenario_apply(const orgmri_sim_scenario *sc,
                              orgmri_sim_model *m, orgmri_error *err)
{
	for (int i = 0; i < sc->nchanges; i++) {
		const orgmri_sim_change *c = &sc->change[i];
		orgmri_sim_stage *st = c->target >= 0 ? &m->stage[c->target] : NULL;
		double x;
		switch (c->knob) {
		case K_TIME: st->time_scale = apply_op(st->time_scale, c->op, c->value);
			break;
		case K_CAPACITY:
			if (st->servers == 0)
				return orgmri_seterr(err, ORGMRI_EINVAL, "scenario '%s': "
				                     "%s has no known capacity (no one "
				                     "is recorded doing it), so it "
				                     "cannot change", sc->name,
				                     orgmri_sim_stage_name(c->target));
			x = apply_op(st->servers, c->op, c->value);
			if (x < 1)
				return orgmri_seterr(err, ORGMRI_EINVAL, "scenario '%s': "
				                     "%s would have %g people (at least 1)",
				                     sc->name,
				                     orgmri_sim_stage_name(c->target), x);
			st->servers = (int)x;
			break;
		case K_SKIP: st->skip_tier = (int)c->value; break;
		case K_QUEUE: st->queue = (int)c->value; break;
		case K_ARRIVALS:
			m->arrival_scale = apply_op(m->arrival_scale, c->op, c->value);
			break;
		case K_WIP: m->wip = (int)c->value; break;
		case K_CADENCE:
			m->cadence_scale = apply_op(m->cadence_scale, c->op, c->value);
			break;
		case K_BATCH: m->batch_max = (int)c->value; break;
		default:
			return orgmri_seterr(err, ORGMRI_EINVAL, "scenario: bad change");
		}
	}
	return 0;
}
