/*
 * event.c - checks on canonical events and the link vocabulary.
 *
 * The relation of a link is implied by the two object types; keeping that
 * rule in one table means adapters only say "this event involves that
 * object" and the vocabulary stays consistent across sources.
 */
#include <string.h>

#include "core/util.h"
#include "orgmri/event.h"

static const struct {
	const char *from, *to, *relation;
} relations[] = {
	{ "change", "commit", "contains" },
	{ "deployment", "commit", "deploys" },
	{ "deployment", "change", "deploys" },
	{ "incident", "deployment", "caused_by" },
	{ "incident", "change", "caused_by" },
	{ "incident", "commit", "caused_by" },
	{ "change", "issue", "implements" },
	{ "commit", "issue", "implements" },
	{ "commit", "commit", "reverts" },
	{ "change", "change", "reverts" },
	{ "build", "commit", "builds" },
	{ "build", "change", "builds" },
	{ "commit", "change", "belongs_to" },
};

static int eq(const char *a, size_t alen, const char *b)
{
	return strlen(b) == alen && memcmp(a, b, alen) == 0;
}

const char *orgmri_relation_name(const char *from_type, size_t from_len,
                                 const char *to_type, size_t to_len)
{
	for (size_t i = 0; i < sizeof(relations) / sizeof(relations[0]); i++)
		if (eq(from_type, from_len, relations[i].from) &&
		    eq(to_type, to_len, relations[i].to))
			return relations[i].relation;
	return "related";
}

size_t orgmri_object_type_len(const char *object)
{
	if (!object)
		return 0;
	const char *colon = strchr(object, ':');
	if (!colon || colon == object || colon[1] == '\0')
		return 0;
	return (size_t)(colon - object);
}

const orgmri_attr *orgmri_event_attr(const orgmri_event *ev, const char *name)
{
	for (size_t i = 0; i < ev->nattrs; i++)
		if (ev->attrs[i].name[0] == name[0] &&
		    strcmp(ev->attrs[i].name, name) == 0)
			return &ev->attrs[i];
	return NULL;
}

static int check_utf8(const char *s, const char *field, orgmri_error *err)
{
	/* Most text is ASCII: one pass up to the first other byte, and only
	 * from there the length and the full UTF-8 check (every event's
	 * strings go through here, twice on the pipeline's path). */
	size_t at = 0;
	while ((unsigned char)s[at] - 1u < 0x7fu)
		at++;
	if (!s[at])
		return 0;
	size_t len = at + strlen(s + at);
	size_t ok = at + orgmri_utf8_valid_prefix(s + at, len - at);
	if (ok != len)
		return orgmri_seterr(err, ORGMRI_EPARSE,
		                     "%s is not valid UTF-8 (byte %zu)", field,
		                     ok + 1);
	return 0;
}

int orgmri_event_validate(const orgmri_event *ev, orgmri_error *err)
{
	if (!ev->object || !orgmri_object_type_len(ev->object))
		return orgmri_seterr(err, ORGMRI_EPARSE,
		                     "object must be TYPE:KEY, got \"%.80s\"",
		                     ev->object ? ev->object : "");
	if (!ev->activity || !ev->activity[0])
		return orgmri_seterr(err, ORGMRI_EPARSE, "activity is missing");
	if (check_utf8(ev->object, "object", err) ||
	    check_utf8(ev->activity, "activity", err) ||
	    (ev->actor && check_utf8(ev->actor, "actor", err)) ||
	    (ev->discriminator && check_utf8(ev->discriminator, "id", err)))
		return ORGMRI_EPARSE;
	for (size_t i = 0; i < ev->nrelated; i++) {
		if (!orgmri_object_type_len(ev->related[i]))
			return orgmri_seterr(err, ORGMRI_EPARSE,
			                     "related[%zu] must be TYPE:KEY, got \"%.80s\"",
			                     i, ev->related[i] ? ev->related[i] : "");
		if (check_utf8(ev->related[i], "related", err))
			return ORGMRI_EPARSE;
	}
	for (size_t i = 0; i < ev->nattrs; i++) {
		const orgmri_attr *a = &ev->attrs[i];
		if (!a->name || !a->name[0])
			return orgmri_seterr(err, ORGMRI_EPARSE,
			                     "attribute %zu has no name", i);
		if (!a->value)
			return orgmri_seterr(err, ORGMRI_EPARSE,
			                     "attribute \"%s\" has no value", a->name);
		if (check_utf8(a->name, "attribute name", err) ||
		    check_utf8(a->value, "attribute value", err))
			return ORGMRI_EPARSE;
		for (size_t k = 0; k < i; k++)
			if (ev->attrs[k].name[0] == a->name[0] &&
			    strcmp(ev->attrs[k].name, a->name) == 0)
				return orgmri_seterr(err, ORGMRI_EPARSE,
				                     "attribute \"%s\" given twice",
				                     a->name);
	}
	return 0;
}
