/*
 * xmlscan.h - a small streaming XML reader for data formats such as XES,
 * where everything is in elements and attributes and text is ignored.
 *
 * It reports start and end tags with their attributes (names and values
 * NUL-terminated, values with entities and character references decoded
 * and attribute-value normalisation applied) and, when asked, text; it
 * checks that tags nest and match, skips comments, processing
 * instructions and CDATA, and
 * refuses a DOCTYPE that declares entities.  Input is UTF-8 (the XES
 * norm) or ASCII; ISO-8859-1 named in the XML declaration is converted to
 * UTF-8; UTF-16 and other encodings are refused.  Invalid UTF-8 reaches
 * the callbacks and is left to them.  Positions are 1-based lines and
 * byte columns (of the converted text).
 *
 * Why not expat: expat is general (encodings, DTDs, namespaces) and was
 * 73% of the XES read time in a profile; this reader does what XES needs
 * at several times the speed (bench/xes.sh).
 */
#ifndef ORGMRI_INGEST_XMLSCAN_H
#define ORGMRI_INGEST_XMLSCAN_H

#include <stdint.h>

#include "core/util.h"
#include "ingest/gzinput.h"

#define XMLSCAN_MAX_DEPTH 256
#define XMLSCAN_MAX_ATTRS 64     /* attributes on one element */

typedef struct xmlscan xmlscan;

typedef struct xmlscan_handlers {
	/* atts: name, value, name, value, ..., NULL */
	void (*start)(void *ctx, const char *name, const char **atts);
	void (*end)(void *ctx, const char *name);
	/* Text inside the root element, entities decoded, `len` bytes (not
	 * NUL-terminated); may come in several pieces (around comments).
	 * NULL = text skipped. */
	void (*text)(void *ctx, const char *text, size_t len);
} xmlscan_handlers;

/*
 * Read all of `in`, calling the handlers.  `max_token` caps one tag's
 * length (attribute values included).  Returns 0, ORGMRI_EPARSE (not
 * well-formed; err has message, file, line, column), ORGMRI_ELIMIT,
 * ORGMRI_EUNSUPPORTED (entity declarations), an input error, or -1 when a
 * handler called xmlscan_stop (err untouched).
 */
int xmlscan_run(gzinput *in, const char *name, size_t max_token,
                const xmlscan_handlers *h, void *ctx, xmlscan **handle,
                orgmri_error *err);

/* From inside a handler: stop after it returns. */
void xmlscan_stop(xmlscan *x);
/* Position of the tag being reported. */
long xmlscan_line(const xmlscan *x);
long xmlscan_column(const xmlscan *x);

#endif
