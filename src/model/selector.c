/*
 * selector.c - parsing and evaluating stage selectors.
 *
 * A selector names which event of a work item marks a stage boundary
 * (grammar in include/orgmri/model.h).  Parsing is separate from
 * resolving so that a configuration can be checked before any data is
 * loaded; evaluation is a single pass over an item's contiguous slice of
 * the sorted event table, so a stream costs O(events) per stage.
 */
#include <string.h>

#include "core/util.h"
#include "model/selector.h"

static int copy_name(char *dst, const char *s, size_t len, const char *what,
                     orgmri_error *err)
{
	if (len == 0 || len >= SEL_NAME_MAX)
		return orgmri_seterr(err, ORGMRI_EPARSE,
		                     "selector: %s must be 1-%d characters", what,
		                     SEL_NAME_MAX - 1);
	memcpy(dst, s, len);
	dst[len] = '\0';
	return 0;
}

/* TERM := ACTIVITY ["[" KEY "=" VALUE "]"] */
static int parse_term(const char *s, size_t len, sel_term *t,
                      orgmri_error *err)
{
	memset(t, 0, sizeof(*t));
	const char *br = memchr(s, '[', len);
	if (!br)
		return copy_name(t->activity, s, len, "an activity", err);
	if (s[len - 1] != ']')
		return orgmri_seterr(err, ORGMRI_EPARSE,
		                     "selector: \"%.*s\": missing ']'", (int)len, s);
	const char *in = br + 1, *close = s + len - 1;
	const char *eq = memchr(in, '=', (size_t)(close - in));
	if (!eq)
		return orgmri_seterr(err, ORGMRI_EPARSE,
		                     "selector: \"%.*s\": expected [KEY=VALUE]",
		                     (int)len, s);
	int rc = copy_name(t->activity, s, (size_t)(br - s), "an activity", err);
	if (!rc)
		rc = copy_name(t->key, in, (size_t)(eq - in), "a key", err);
	/* an empty value is allowed: [KEY=] means "without KEY" */
	if (!rc && close > eq + 1)
		rc = copy_name(t->value, eq + 1, (size_t)(close - eq - 1), "a value",
		               err);
	return rc;
}

/* ANY := TERM ("," TERM)* */
static int parse_any(const char *s, size_t len, sel_any *a, orgmri_error *err)
{
	a->nterms = 0;
	while (len > 0) {
		const char *comma = memchr(s, ',', len);
		size_t l = comma ? (size_t)(comma - s) : len;
		if (a->nterms == SEL_MAX_TERMS)
			return orgmri_seterr(err, ORGMRI_EPARSE,
			                     "selector: more than %d activities",
			                     SEL_MAX_TERMS);
		int rc = parse_term(s, l, &a->terms[a->nterms++], err);
		if (rc)
			return rc;
		if (!comma)
			break;
		s += l + 1;
		len -= l + 1;
		if (len == 0)
			return orgmri_seterr(err, ORGMRI_EPARSE,
			                     "selector: trailing ','");
	}
	if (a->nterms == 0)
		return orgmri_seterr(err, ORGMRI_EPARSE, "selector: no activity");
	return 0;
}

static int parse_alts(const char *s, size_t len, selector *out,
                      orgmri_error *err)
{
	out->nalts = 0;
	for (;;) {
		const char *bar = memchr(s, '|', len);
		size_t l = bar ? (size_t)(bar - s) : len;
		if (out->nalts == SEL_MAX_ALTS)
			return orgmri_seterr(err, ORGMRI_EPARSE,
			                     "selector: more than %d alternatives",
			                     SEL_MAX_ALTS);
		int rc = parse_any(s, l, &out->alts[out->nalts++], err);
		if (rc)
			return rc;
		if (!bar)
			return 0;
		s += l + 1;
		len -= l + 1;
	}
}

static const struct {
	const char *name;
	int via;
} vias[] = {
	{ "commits", VIA_COMMITS },
	{ "deploy", VIA_DEPLOY },
};

int selector_parse(const char *text, selector *out, orgmri_error *err)
{
	memset(out, 0, sizeof(*out));
	if (!text)
		return orgmri_seterr(err, ORGMRI_EPARSE, "selector is empty");
	const char *p = text;
	while (*p == ' ')
		p++;
	if (strncmp(p, "first ", 6) == 0) {
		p += 6;
	} else if (strncmp(p, "last ", 5) == 0) {
		out->last = 1;
		p += 5;
	} else {
		return orgmri_seterr(err, ORGMRI_EPARSE,
		                     "selector \"%.80s\" must start with "
		                     "\"first \" or \"last \"", text);
	}
	while (*p == ' ')
		p++;
	/* the activity part runs to the first space or '@' outside brackets */
	const char *q = p;
	int depth = 0;
	while (*q && (depth || (*q != ' ' && *q != '@'))) {
		depth += *q == '[' ? 1 : *q == ']' ? -1 : 0;
		q++;
	}
	int rc = parse_alts(p, (size_t)(q - p), out, err);
	if (rc)
		return rc;
	while (*q) {
		while (*q == ' ')
			q++;
		if (!*q)
			break;
		if (strncmp(q, "!author", 7) == 0 && (q[7] == '\0' || q[7] == ' ' ||
		                                      q[7] == '@')) {
			out->not_author = 1;
			q += 7;
			continue;
		}
		if (*q != '@')
			return orgmri_seterr(err, ORGMRI_EPARSE,
			                     "selector \"%.80s\": unexpected \"%.20s\"",
			                     text, q);
		q++;
		size_t l = strcspn(q, " ");
		size_t i;
		for (i = 0; i < sizeof(vias) / sizeof(vias[0]); i++)
			if (strlen(vias[i].name) == l && strncmp(q, vias[i].name, l) == 0)
				break;
		if (i == sizeof(vias) / sizeof(vias[0]))
			return orgmri_seterr(err, ORGMRI_EPARSE,
			                     "selector \"%.80s\": unknown \"@%.*s\" "
			                     "(choose @commits or @deploy)", text, (int)l,
			                     q);
		out->via = vias[i].via;
		q += l;
	}
	return 0;
}

int orgmri_selector_check(const char *text, orgmri_error *err)
{
	selector s;
	return selector_parse(text, &s, err);
}

void selector_resolve(selector *s, const orgmri_table *t)
{
	for (int a = 0; a < s->nalts; a++)
		for (int i = 0; i < s->alts[a].nterms; i++) {
			sel_term *term = &s->alts[a].terms[i];
			term->act = orgmri_table_activity(t, term->activity);
			term->akey = term->key[0] ? orgmri_table_attr_key(t, term->key)
			                          : ORGMRI_NONE;
		}
}

static int term_matches(const sel_term *term, const orgmri_table *t, size_t ev)
{
	if (term->act == ORGMRI_NONE || t->ev_activity[ev] != term->act)
		return 0;
	if (!term->key[0])
		return 1;
	const char *v = orgmri_table_attr(t, ev, term->akey);
	/* [KEY=] matches events without that attribute (or with it empty):
	 * "approved[team=]" is an approval not given for a team. */
	if (!term->value[0])
		return !v || !v[0];
	return v && strcmp(v, term->value) == 0;
}

static int any_matches(const sel_any *a, const orgmri_table *t, size_t ev)
{
	for (int i = 0; i < a->nterms; i++)
		if (term_matches(&a->terms[i], t, ev))
			return 1;
	return 0;
}

int64_t selector_match(const selector *s, const orgmri_table *t, size_t lo,
                       size_t hi, uint32_t author)
{
	for (int a = 0; a < s->nalts; a++) {
		int64_t best = ORGMRI_NO_TIME;
		for (size_t ev = lo; ev < hi; ev++) {
			if (!any_matches(&s->alts[a], t, ev))
				continue;
			if (s->not_author) {
				uint32_t who = t->ev_actor[ev];
				if ((author && who == author) ||
				    (t->person_bot && t->person_bot[who]))
					continue;
			}
			/* events are sorted by time within an object */
			best = t->ev_time[ev];
			if (!s->last)
				break;
		}
		if (best != ORGMRI_NO_TIME)
			return best;
	}
	return ORGMRI_NO_TIME;
}
