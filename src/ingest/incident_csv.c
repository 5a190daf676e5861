/*
 * incident_csv.c - the "incidents" adapter: incident exports in CSV, as
 * PagerDuty ("Incidents -> Export CSV"), Opsgenie and most on-call tools
 * write them.  The columns are found by name (table `roles`, first
 * matching name wins, case-insensitive); an id and a creation time are
 * required, the rest optional:
 *
 *   id        id, incident_id, tinyid, alias, incident_number, number
 *   created   created, created_at, created_on, createdat, opened_at,
 *             triggered_at, start_time
 *   resolved  resolved, resolved_at, resolved_on, closed_at, closedat,
 *             end_time
 *   service   service, service_name, services, impacted_services
 *   severity  severity, priority, urgency  (the first non-empty cell)
 *   title     title, summary, message, description
 *   status    status
 *
 * Each row becomes incident:ID with incident_opened at `created` and,
 * when `resolved` is filled, incident_resolved.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ingest/csvsplit.h"
#include "ingest/platform.h"

enum { R_ID, R_CREATED, R_RESOLVED, R_SERVICE, R_SEV1, R_SEV2, R_SEV3,
       R_TITLE, R_STATUS, NROLES };

/* Names per role, in order of preference; "" ends a list. */
static const char *const roles[NROLES][8] = {
	[R_ID] = { "id", "incident_id", "tinyid", "alias", "incident_number",
	           "number", "" },
	[R_CREATED] = { "created", "created_at", "created_on", "createdat",
	                "opened_at", "triggered_at", "start_time", "" },
	[R_RESOLVED] = { "resolved", "resolved_at", "resolved_on", "closed_at",
	                 "closedat", "end_time", "" },
	[R_SERVICE] = { "service", "service_name", "services",
	                "impacted_services", "" },
	[R_SEV1] = { "severity", "" },
	[R_SEV2] = { "priority", "" },
	[R_SEV3] = { "urgency", "" },
	[R_TITLE] = { "title", "summary", "message", "description", "" },
	[R_STATUS] = { "status", "" },
};

/* Column of each role (-1 = absent), from a header's names. */
typedef struct layout {
	long col[NROLES];
} layout;

/* Header names compare with ' ' and '_' as equal ("Created At"). */
static int same_name(const char *a, const char *b)
{
	for (; *a && *b; a++, b++) {
		char x = *a == ' ' ? '_' : *a, y = *b == ' ' ? '_' : *b;
		if ((x | 0x20) != (y | 0x20))
			return 0;
	}
	return !*a && !*b;
}

static void find_columns(const csv_reader *r, layout *l)
{
	for (int k = 0; k < NROLES; k++) {
		l->col[k] = -1;
		for (int n = 0; roles[k][n][0] && l->col[k] < 0; n++)
			for (size_t i = 0; i < r->nfields; i++) {
				const char *h = csv_split_field(r, i);
				if (i == 0 && (unsigned char)h[0] == 0xef)
					h += 3; /* UTF-8 byte order mark */
				if (same_name(h, roles[k][n])) {
					l->col[k] = (long)i;
					break;
				}
			}
	}
}

/* The canonical CSV format also has time/object/activity columns; it is
 * not an incident export. */
static int is_canonical(const csv_reader *r)
{
	for (size_t i = 0; i < r->nfields; i++)
		if (strcasecmp(csv_split_field(r, i), "activity") == 0)
			return 1;
	return 0;
}

static int detect(const char *path)
{
	if (!orgmri_path_has_suffix(path, ".csv") || orgmri_path_is_dir(path))
		return 0;
	FILE *fp = fopen(path, "rb");
	if (!fp)
		return 0;
	csv_reader r;
	int score = 0;
	long col;
	if (csv_split_init(&r, fp) == 0 && csv_split_next(&r, &col) == 1) {
		layout l;
		find_columns(&r, &l);
		if (l.col[R_ID] >= 0 && l.col[R_CREATED] >= 0 && !is_canonical(&r))
			score = 8; /* above the canonical csv's 5 */
	}
	csv_split_free(&r);
	fclose(fp);
	return score;
}

static const char *cell(const csv_reader *r, const layout *l, int role)
{
	if (l->col[role] < 0)
		return NULL;
	const char *v = csv_split_field(r, (size_t)l->col[role]);
	return v[0] ? v : NULL;
}

/* One row: returns 0, ORGMRI_EPARSE with e (column) set, or fatal. */
static int row(orgmri_adapter_ctx *ctx, plat_event *pe, const csv_reader *r,
               const layout *l, size_t ncols, orgmri_error *e)
{
	if (r->nfields != ncols)
		return orgmri_seterr(e, ORGMRI_EPARSE, "expected %zu fields, found "
		                     "%zu", ncols, r->nfields);
	const char *id = cell(r, l, R_ID), *c = cell(r, l, R_CREATED);
	const char *res = cell(r, l, R_RESOLVED);
	if (!id || !c) {
		e->column = r->cols[l->col[id ? R_CREATED : R_ID]];
		return orgmri_seterr(e, ORGMRI_EPARSE, "empty %s", id ? "creation "
		                     "time" : "incident id");
	}
	int64_t tc, tr = 0;
	int rc;
	if ((rc = plat_time_parse(c, &tc, e))) {
		e->column = r->cols[l->col[R_CREATED]];
		return rc;
	}
	if (res && (rc = plat_time_parse(res, &tr, e))) {
		e->column = r->cols[l->col[R_RESOLVED]];
		return rc;
	}
	const char *sev = cell(r, l, R_SEV1);
	if (!sev)
		sev = cell(r, l, R_SEV2);
	if (!sev)
		sev = cell(r, l, R_SEV3);
	plat_event_reset(pe);
	const char *obj = plat_fmt(pe, "incident:%s", id);
	plat_begin(pe, obj, "incident_opened", tc, NULL, NULL);
	plat_attr(pe, "severity", sev);
	plat_attr(pe, "service", cell(r, l, R_SERVICE));
	plat_attr(pe, "title", cell(r, l, R_TITLE));
	plat_attr(pe, "state", cell(r, l, R_STATUS));
	if ((rc = plat_emit(ctx, pe, e)))
		return rc;
	if (res) {
		plat_begin(pe, obj, "incident_resolved", tr, NULL, NULL);
		plat_attr(pe, "severity", sev);
		plat_attr(pe, "service", cell(r, l, R_SERVICE));
		if ((rc = plat_emit(ctx, pe, e)))
			return rc;
	}
	return 0;
}

static int run(orgmri_adapter_ctx *ctx, orgmri_error *err)
{
	FILE *fp = fopen(ctx->path, "rb");
	if (!fp)
		return orgmri_seterr(err, ORGMRI_EIO, "%s: cannot open: %s",
		                     ctx->path, strerror(errno));
	csv_reader r;
	plat_event pe;
	plat_event_init(&pe);
	layout l;
	long col = 0;
	int rc = csv_split_init(&r, fp);
	if (rc) {
		rc = orgmri_seterr(err, rc, "out of memory");
		goto done;
	}
	if ((rc = csv_split_next(&r, &col)) <= 0) {
		rc = orgmri_seterr(err, ORGMRI_EPARSE, "%s: %s", ctx->path,
		                   rc ? "bad CSV header" : "empty file");
		goto done;
	}
	find_columns(&r, &l);
	if (l.col[R_ID] < 0 || l.col[R_CREATED] < 0) {
		rc = orgmri_seterr(err, ORGMRI_EPARSE, "header has no %s column "
		                   "(docs/platforms.md lists the names read)",
		                   l.col[R_ID] < 0 ? "incident id" : "creation time");
		orgmri_seterr_at(err, ctx->path, 1, 0);
		goto done;
	}
	size_t ncols = r.nfields;
	rc = 0;
	for (;;) {
		orgmri_error e;
		orgmri_error_clear(&e);
		int got = csv_split_next(&r, &col);
		if (got == 0)
			break;
		if (got == ORGMRI_EIO || got == ORGMRI_ENOMEM) {
			rc = orgmri_seterr(err, got, "%s: %s", ctx->path,
			                   got == ORGMRI_EIO ? "read failed"
			                                     : "out of memory");
			break;
		}
		int crc;
		if (got < 0) {
			crc = orgmri_seterr(&e, got, got == ORGMRI_ELIMIT ?
			                    "record longer than the size cap" :
			                    "stray '\"' in a field");
			e.column = col;
		} else if (r.nfields == 1 && !csv_split_field(&r, 0)[0]) {
			continue; /* blank line */
		} else {
			crc = row(ctx, &pe, &r, &l, ncols, &e);
		}
		if (crc == 0)
			continue;
		if (crc != ORGMRI_EPARSE && crc != ORGMRI_ELIMIT) {
			if (err)
				*err = e;
			rc = crc;
			break;
		}
		orgmri_seterr_at(&e, ctx->path, r.line, e.column);
		if ((rc = orgmri_adapter_bad_record(ctx, &e, err)))
			break;
	}
done:
	csv_split_free(&r);
	plat_event_free(&pe);
	fclose(fp);
	return rc;
}

const orgmri_adapter orgmri_adapter_incidents = {
	"incidents", "incident export CSV (PagerDuty, Opsgenie: id, created, "
	"resolved, service, severity; docs/platforms.md)",
	detect, run,
};
