/*
 * html.c - the self-contained HTML report: the document around the
 * blocks, its CSS (screen and print), the text blocks, tables, tiles and
 * recommendations, and the single escaping function every caller string
 * passes through.  The charts are in svg.c / svg_charts.c.
 *
 * The markup is written so that it is also well-formed XML: void elements
 * are closed ("<meta ... />"), every attribute value is quoted, only the
 * five XML character references and numeric ones are used.  The tests
 * parse whole documents with expat to hold us to that.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "orgmri/orgmri.h"
#include "render/html.h"

/* ---- escaping ---------------------------------------------------------- */

static const char replacement[] = "\xEF\xBF\xBD"; /* U+FFFD */
static const char ellipsis[] = "\xE2\x80\xA6";    /* U+2026 */

/* Length of the valid UTF-8 sequence at s (1-4), or 0 when invalid;
 * *cp gets its code point.  Follows RFC 3629: no overlongs, no
 * surrogates, nothing past U+10FFFF. */
static size_t utf8_decode(const unsigned char *s, size_t avail, uint32_t *cp)
{
	unsigned c = s[0];
	size_t len;
	unsigned lo = 0x80, hi = 0xBF;
	if (c < 0x80) {
		*cp = c;
		return 1;
	} else if (c >= 0xC2 && c <= 0xDF) {
		len = 2, *cp = c & 0x1F;
	} else if (c >= 0xE0 && c <= 0xEF) {
		len = 3, *cp = c & 0x0F;
		if (c == 0xE0)
			lo = 0xA0;
		if (c == 0xED)
			hi = 0x9F;
	} else if (c >= 0xF0 && c <= 0xF4) {
		len = 4, *cp = c & 0x07;
		if (c == 0xF0)
			lo = 0x90;
		if (c == 0xF4)
			hi = 0x8F;
	} else {
		return 0;
	}
	if (avail < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		unsigned b = s[i];
		if (b < (i == 1 ? lo : 0x80) || b > (i == 1 ? hi : 0xBF))
			return 0;
		*cp = (*cp << 6) | (b & 0x3F);
	}
	return len;
}

/* Characters XML 1.0 forbids or HTML calls control characters. */
static int unwanted(uint32_t cp)
{
	if (cp < 0x20)
		return cp != '\t' && cp != '\n' && cp != '\r';
	return cp == 0x7F || (cp >= 0x80 && cp <= 0x9F) || cp == 0xFFFE ||
	       cp == 0xFFFF;
}

static const char *reference(unsigned char c)
{
	switch (c) {
	case '&': return "&amp;";
	case '<': return "&lt;";
	case '>': return "&gt;";
	case '"': return "&quot;";
	case '\'': return "&#39;";
	default: return NULL;
	}
}

int orgmri_html_escape(orgmri_buf *b, const char *s, size_t max_chars)
{
	if (!s)
		return 0;
	const unsigned char *p = (const unsigned char *)s;
	size_t len = strlen(s), i = 0, chars = 0;
	while (i < len) {
		uint32_t cp = 0;
		size_t n = utf8_decode(p + i, len - i, &cp);
		if ((max_chars && chars == max_chars) ||
		    i + (n ? n : 1) > ORGMRI_REPORT_TEXT_MAX) {
			orgmri_buf_puts(b, ellipsis);
			return b->oom ? ORGMRI_ENOMEM : 1;
		}
		const char *ref = n == 1 ? reference(p[i]) : NULL;
		if (ref)
			orgmri_buf_puts(b, ref);
		else if (n == 0 || unwanted(cp))
			orgmri_buf_puts(b, replacement);
		else
			orgmri_buf_put(b, p + i, n);
		i += n ? n : 1;
		chars++;
	}
	return b->oom ? ORGMRI_ENOMEM : 0;
}

size_t orgmri_html_text_chars(const char *s)
{
	size_t chars = 0;
	for (const unsigned char *p = (const unsigned char *)s; p && *p; p++)
		chars += (*p & 0xC0) != 0x80;
	return chars;
}

/* ---- numbers and dates ------------------------------------------------- */

char *orgmri_fmt_fixed(char *buf, size_t cap, double v, int decimals)
{
	static const double scale[] = { 1, 10, 100, 1e3, 1e4, 1e5, 1e6 };
	if (decimals < 0)
		decimals = 0;
	if (decimals > 6)
		decimals = 6;
	if (!isfinite(v)) {
		snprintf(buf, cap, "n/a");
		return buf;
	}
	double scaled = round(v * scale[decimals]);
	if (fabs(scaled) >= 9e15) {
		/* Too large for exact integer digits: "1.23e+17", the mantissa
		 * formatted here so that no locale decides the point. */
		int e = (int)floor(log10(fabs(v)));
		double m = v / pow(10, e);
		if (fabs(m) >= 9.995) {
			m /= 10;
			e++;
		}
		char mant[16];
		orgmri_fmt_fixed(mant, sizeof(mant), m, 2);
		snprintf(buf, cap, "%se+%d", mant, e);
		return buf;
	}
	long long q = (long long)scaled;
	if (q == 0) {
		snprintf(buf, cap, decimals ? "0.%0*d" : "0", decimals, 0);
		return buf;
	}
	unsigned long long a = q < 0 ? (unsigned long long)-q : (unsigned long long)q;
	unsigned long long d = (unsigned long long)scale[decimals];
	if (decimals)
		snprintf(buf, cap, "%s%llu.%0*llu", q < 0 ? "-" : "", a / d,
		         decimals, a % d);
	else
		snprintf(buf, cap, "%s%llu", q < 0 ? "-" : "", a);
	return buf;
}

char *orgmri_fmt_value(char *buf, size_t cap, double v)
{
	double a = fabs(v);
	if (a < 1e15 && v == floor(v))
		return orgmri_fmt_fixed(buf, cap, v, 0);  /* counts: "12", not "12.0" */
	return orgmri_fmt_fixed(buf, cap, v, a >= 100 ? 0 : a >= 10 ? 1 : 2);
}

/* Inverse of orgmri_days_from_civil (H. Hinnant's civil_from_days). */
void orgmri_civil_from_days(int64_t days, int64_t *y, unsigned *m, unsigned *d)
{
	days += 719468;
	int64_t era = (days >= 0 ? days : days - 146096) / 146097;
	unsigned doe = (unsigned)(days - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int64_t)yoe + era * 400 + (*m <= 2);
}

char *orgmri_fmt_date(char *buf, size_t cap, int64_t ms)
{
	int64_t days = ms / 86400000 - (ms % 86400000 < 0);  /* floor */
	int64_t y;
	unsigned m, d;
	orgmri_civil_from_days(days, &y, &m, &d);
	snprintf(buf, cap, "%04lld-%02u-%02u", (long long)y, m, d);
	return buf;
}

/* ---- the report's state ------------------------------------------------ */

int orgmri_report_fail(orgmri_report *r, int code, const char *fmt, ...)
{
	if (r->status)
		return r->status;
	va_list ap;
	va_start(ap, fmt);
	char msg[ORGMRI_ERROR_MSG_MAX];
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	orgmri_error_clear(&r->err);
	orgmri_seterr(&r->err, code, "html report: %s", msg);
	r->status = code;
	return code;
}

int orgmri_report_settle(orgmri_report *r)
{
	if (r->status)
		return r->status;
	if (r->body.oom || r->toc.oom || r->head.oom || r->title.oom)
		return orgmri_report_fail(r, ORGMRI_ENOMEM, "out of memory");
	if (r->body.len > ORGMRI_REPORT_SIZE_MAX)
		return orgmri_report_fail(r, ORGMRI_ELIMIT,
		                          "the document is larger than %u bytes",
		                          ORGMRI_REPORT_SIZE_MAX);
	return 0;
}

int orgmri_report_ready(orgmri_report *r)
{
	if (!r)
		return ORGMRI_EINVAL;
	if (orgmri_report_settle(r))
		return r->status;
	if (r->in_table)
		return orgmri_report_fail(r, ORGMRI_EINVAL,
		                          "a block was added inside an open table");
	return 0;
}

void orgmri_report_text(orgmri_report *r, const char *s)
{
	orgmri_html_escape(&r->body, s, 0);
}

void orgmri_report_raw(orgmri_report *r, const char *s)
{
	orgmri_buf_puts(&r->body, s);
}

int orgmri_report_new(orgmri_report **out, const char *title,
                      const char *subtitle, orgmri_error *err)
{
	*out = NULL;
	orgmri_report *r = calloc(1, sizeof(*r));
	if (!r)
		return orgmri_seterr(err, ORGMRI_ENOMEM, "out of memory");
	orgmri_html_escape(&r->title, title ? title : "orgmri report", 0);
	orgmri_buf_puts(&r->head, "<header><h1>");
	orgmri_buf_put(&r->head, r->title.ptr, r->title.len);
	orgmri_buf_puts(&r->head, "</h1>\n");
	if (subtitle && *subtitle) {
		orgmri_buf_puts(&r->head, "<p class=\"subtitle\">");
		orgmri_html_escape(&r->head, subtitle, 0);
		orgmri_buf_puts(&r->head, "</p>\n");
	}
	orgmri_buf_puts(&r->head, "</header>\n");
	if (r->title.oom || r->head.oom) {
		orgmri_report_free(r);
		return orgmri_seterr(err, ORGMRI_ENOMEM, "out of memory");
	}
	*out = r;
	return 0;
}

void orgmri_report_free(orgmri_report *r)
{
	if (!r)
		return;
	orgmri_buf_free(&r->body);
	orgmri_buf_free(&r->toc);
	orgmri_buf_free(&r->head);
	orgmri_buf_free(&r->title);
	free(r);
}

/* ---- text blocks ------------------------------------------------------- */

static void close_section(orgmri_report *r)
{
	if (r->in_section)
		orgmri_report_raw(r, "</section>\n");
	r->in_section = 0;
}

int orgmri_report_section(orgmri_report *r, const char *heading)
{
	if (orgmri_report_ready(r))
		return r ? r->status : ORGMRI_EINVAL;
	close_section(r);
	unsigned id = ++r->nsections;
	orgmri_buf_printf(&r->body, "<section id=\"s%u\">\n<h2>", id);
	orgmri_report_text(r, heading);
	orgmri_report_raw(r, "</h2>\n");
	orgmri_buf_printf(&r->toc, "<li><a href=\"#s%u\">", id);
	orgmri_html_escape(&r->toc, heading, 0);
	orgmri_buf_puts(&r->toc, "</a></li>\n");
	r->in_section = 1;
	return orgmri_report_settle(r);
}

/* One element with escaped text: <tag class="cls">prefix text</tag>. */
static int element(orgmri_report *r, const char *open, const char *prefix,
                   const char *text, const char *close)
{
	if (orgmri_report_ready(r))
		return r ? r->status : ORGMRI_EINVAL;
	orgmri_report_raw(r, open);
	if (prefix)
		orgmri_report_raw(r, prefix);
	orgmri_report_text(r, text);
	orgmri_report_raw(r, close);
	return orgmri_report_settle(r);
}

int orgmri_report_heading(orgmri_report *r, const char *heading)
{
	return element(r, "<h3>", NULL, heading, "</h3>\n");
}

int orgmri_report_paragraph(orgmri_report *r, const char *text)
{
	return element(r, "<p>", NULL, text, "</p>\n");
}

int orgmri_report_note(orgmri_report *r, const char *text)
{
	return element(r, "<p class=\"note\">",
	               "<strong>How to read this: </strong>", text, "</p>\n");
}

int orgmri_report_warning(orgmri_report *r, const char *text)
{
	return element(r, "<p class=\"warning\" role=\"note\">",
	               "<strong>Note: </strong>", text, "</p>\n");
}

/* ---- tables ------------------------------------------------------------ */

static char align_of(const char *align, size_t i)
{
	return align && i < strlen(align) && align[i] == 'r' ? 'r' : 'l';
}

static void cell(orgmri_buf *b, const char *tag, const char *text, char al)
{
	orgmri_buf_printf(b, al == 'r' ? "<%s class=\"r\">" : "<%s>", tag);
	orgmri_html_escape(b, text, 0);
	orgmri_buf_printf(b, "</%s>", tag);
}

static void table_head(orgmri_buf *b, const char *caption,
                       const char *const *headers, size_t ncols,
                       const char *align)
{
	orgmri_buf_puts(b, "<div class=\"table-wrap\"><table>");
	if (caption && *caption) {
		orgmri_buf_puts(b, "<caption>");
		orgmri_html_escape(b, caption, 0);
		orgmri_buf_puts(b, "</caption>");
	}
	orgmri_buf_puts(b, "\n<thead><tr>");
	for (size_t i = 0; i < ncols; i++) {
		orgmri_buf_puts(b, align_of(align, i) == 'r' ?
		                "<th scope=\"col\" class=\"r\">" : "<th scope=\"col\">");
		orgmri_html_escape(b, headers ? headers[i] : NULL, 0);
		orgmri_buf_puts(b, "</th>");
	}
	orgmri_buf_puts(b, "</tr></thead>\n<tbody>\n");
}

static void table_row(orgmri_buf *b, const char *const *cells, size_t ncols,
                      const char *align)
{
	orgmri_buf_puts(b, "<tr>");
	for (size_t i = 0; i < ncols; i++)
		cell(b, "td", cells[i], align_of(align, i));
	orgmri_buf_puts(b, "</tr>\n");
}

int orgmri_report_table_begin(orgmri_report *r, const char *caption,
                              const char *const *headers, size_t ncols,
                              const char *align)
{
	if (orgmri_report_ready(r))
		return r ? r->status : ORGMRI_EINVAL;
	if (ncols == 0 || !headers)
		return orgmri_report_fail(r, ORGMRI_EINVAL, "a table needs columns");
	size_t alen = align ? strlen(align) : 0;
	if (alen >= sizeof(r->table_align_buf))
		alen = sizeof(r->table_align_buf) - 1;
	memcpy(r->table_align_buf, align ? align : "", alen);
	r->table_align_buf[alen] = '\0';
	r->table_align = r->table_align_buf;
	table_head(&r->body, caption, headers, ncols, r->table_align);
	r->in_table = 1;
	r->table_cols = ncols;
	return orgmri_report_settle(r);
}

int orgmri_report_table_row(orgmri_report *r, const char *const *cells)
{
	if (!r)
		return ORGMRI_EINVAL;
	if (orgmri_report_settle(r))
		return r->status;
	if (!r->in_table || !cells)
		return orgmri_report_fail(r, ORGMRI_EINVAL,
		                          "a table row outside a table");
	table_row(&r->body, cells, r->table_cols, r->table_align);
	return orgmri_report_settle(r);
}

int orgmri_report_table_end(orgmri_report *r)
{
	if (!r)
		return ORGMRI_EINVAL;
	if (orgmri_report_settle(r))
		return r->status;
	if (!r->in_table)
		return orgmri_report_fail(r, ORGMRI_EINVAL, "no table to end");
	orgmri_report_raw(r, "</tbody></table></div>\n");
	r->in_table = 0;
	return orgmri_report_settle(r);
}

void orgmri_report_details_open(orgmri_report *r, const char *summary)
{
	orgmri_report_raw(r, "<details><summary>");
	orgmri_report_text(r, summary);
	orgmri_report_raw(r, "</summary>\n");
}

void orgmri_report_subtable_begin(orgmri_report *r, const char *caption,
                                  const char *const *headers, size_t ncols,
                                  const char *align)
{
	table_head(&r->body, caption, headers, ncols, align);
}

void orgmri_report_subtable_row(orgmri_report *r, const char *const *cells,
                                size_t ncols, const char *align)
{
	table_row(&r->body, cells, ncols, align);
}

void orgmri_report_subtable_end(orgmri_report *r)
{
	orgmri_report_raw(r, "</tbody></table></div>\n");
}

void orgmri_report_details_close(orgmri_report *r)
{
	orgmri_report_raw(r, "</details>\n");
}

/* ---- tiles and recommendations ----------------------------------------- */

static const char *const tone_class[] = {
	[ORGMRI_TONE_NEUTRAL] = "tone-neutral",
	[ORGMRI_TONE_BEST] = "tone-best",
	[ORGMRI_TONE_GOOD] = "tone-good",
	[ORGMRI_TONE_FAIR] = "tone-fair",
	[ORGMRI_TONE_POOR] = "tone-poor",
};

static void tile(orgmri_report *r, const orgmri_report_tile *t)
{
	unsigned tone = (unsigned)t->tone;
	if (tone >= sizeof(tone_class) / sizeof(tone_class[0]))
		tone = ORGMRI_TONE_NEUTRAL;
	orgmri_buf_printf(&r->body, "<div class=\"tile %s\">\n"
	                  "<div class=\"label\">", tone_class[tone]);
	orgmri_report_text(r, t->label);
	orgmri_report_raw(r, "</div>\n<div><span class=\"value\">");
	orgmri_report_text(r, t->value ? t->value : "n/a");
	orgmri_report_raw(r, "</span>");
	if (t->unit && *t->unit) {
		orgmri_report_raw(r, " <span class=\"unit\">");
		orgmri_report_text(r, t->unit);
		orgmri_report_raw(r, "</span>");
	}
	orgmri_report_raw(r, "</div>\n");
	if (t->tier && *t->tier) {
		orgmri_report_raw(r, "<div><span class=\"tier\">");
		orgmri_report_text(r, t->tier);
		orgmri_report_raw(r, "</span></div>\n");
	}
	if (t->detail && *t->detail) {
		orgmri_report_raw(r, "<div class=\"detail\">");
		orgmri_report_text(r, t->detail);
		orgmri_report_raw(r, "</div>\n");
	}
	orgmri_report_raw(r, "</div>\n");
}

int orgmri_report_tiles(orgmri_report *r, const orgmri_report_tile *tiles,
                        size_t n)
{
	if (orgmri_report_ready(r))
		return r ? r->status : ORGMRI_EINVAL;
	if (n && !tiles)
		return orgmri_report_fail(r, ORGMRI_EINVAL, "tiles: no array");
	orgmri_report_raw(r, "<div class=\"tiles\">\n");
	for (size_t i = 0; i < n; i++)
		tile(r, &tiles[i]);
	orgmri_report_raw(r, "</div>\n");
	return orgmri_report_settle(r);
}

int orgmri_report_recommendations(orgmri_report *r,
                                  const orgmri_report_rec *recs, size_t n)
{
	if (orgmri_report_ready(r))
		return r ? r->status : ORGMRI_EINVAL;
	if (n && !recs)
		return orgmri_report_fail(r, ORGMRI_EINVAL,
		                          "recommendations: no array");
	orgmri_report_raw(r, "<ol class=\"recs\">\n");
	for (size_t i = 0; i < n; i++) {
		orgmri_report_raw(r, "<li><strong>");
		orgmri_report_text(r, recs[i].title);
		orgmri_report_raw(r, "</strong>");
		if (recs[i].why && *recs[i].why) {
			orgmri_report_raw(r, "<br />\n<span class=\"why\">Why: ");
			orgmri_report_text(r, recs[i].why);
			orgmri_report_raw(r, "</span>");
		}
		if (recs[i].effect && *recs[i].effect) {
			orgmri_report_raw(r, "<br />\n<span class=\"effect\">"
			                     "Likely effect: ");
			orgmri_report_text(r, recs[i].effect);
			orgmri_report_raw(r, "</span>");
		}
		orgmri_report_raw(r, "</li>\n");
	}
	orgmri_report_raw(r, "</ol>\n");
	return orgmri_report_settle(r);
}

/* ---- the document ------------------------------------------------------ */

/*
 * Screen and print styles.  System fonts only (nothing to download);
 * colours of the tiers pass WCAG AA contrast with white text; on paper
 * the page background and the contents go, figures and tiles are not
 * split across pages, and a chart's table of numbers is printed when the
 * reader opened it (a folded one is left out rather than printed as a
 * useless "Show the numbers").
 */
static const char css[] =
	":root{--fg:#1f2328;--muted:#59636e;--line:#d1d9e0;--accent:#0b5cad}\n"
	"*{box-sizing:border-box}\n"
	"body{margin:0;background:#f3f5f7;color:var(--fg);"
	"font:15px/1.5 system-ui,-apple-system,\"Segoe UI\",Roboto,"
	"\"Liberation Sans\",\"DejaVu Sans\",Arial,sans-serif}\n"
	"main{max-width:1000px;margin:0 auto;padding:24px 32px 48px;"
	"background:#fff;min-height:100vh}\n"
	"h1{font-size:28px;line-height:1.2;margin:8px 0 4px}\n"
	"h2{font-size:22px;margin:0 0 8px}\n"
	"h3{font-size:17px;margin:20px 0 6px}\n"
	".subtitle{color:var(--muted);margin:0 0 12px}\n"
	"nav.toc{border:1px solid var(--line);border-radius:6px;"
	"padding:8px 16px;margin:12px 0 8px;font-size:14px}\n"
	"nav.toc ol{margin:4px 0;padding-left:20px;columns:2}\n"
	"a{color:var(--accent)}\n"
	"section{border-top:1px solid var(--line);margin-top:28px;"
	"padding-top:16px}\n"
	"p{margin:8px 0;max-width:75ch}\n"
	".note,.warning{border-left:4px solid var(--accent);background:#eef5fc;"
	"padding:8px 12px;border-radius:0 4px 4px 0;max-width:none}\n"
	".warning{border-left-color:#9a6700;background:#fff8e6}\n"
	".table-wrap{overflow-x:auto}\n"
	"table{border-collapse:collapse;margin:8px 0 16px;font-size:14px}\n"
	"caption{text-align:left;font-weight:600;padding:4px 0}\n"
	"th,td{border-bottom:1px solid var(--line);padding:4px 10px;"
	"text-align:left;vertical-align:top;overflow-wrap:anywhere}\n"
	"th{background:#f6f8fa}\n"
	".r{text-align:right;font-variant-numeric:tabular-nums;"
	"white-space:nowrap}\n"
	".tiles{display:grid;grid-template-columns:repeat(auto-fill,"
	"minmax(210px,1fr));gap:12px;margin:12px 0}\n"
	".tile{border:1px solid var(--line);border-top:6px solid var(--tone);"
	"border-radius:6px;padding:10px 14px;overflow-wrap:anywhere}\n"
	".tile .label{font-size:13px;color:var(--muted);font-weight:600}\n"
	".tile .value{font-size:28px;font-weight:700;line-height:1.3}\n"
	".tile .unit{color:var(--muted)}\n"
	".tile .detail{font-size:13px;color:var(--muted);margin-top:4px}\n"
	".tier{display:inline-block;padding:0 10px;border-radius:10px;"
	"font-size:12px;font-weight:700;color:#fff;background:var(--tone)}\n"
	".tone-neutral{--tone:#6e7781}.tone-best{--tone:#116329}"
	".tone-good{--tone:#1a7f37}.tone-fair{--tone:#9a6700}"
	".tone-poor{--tone:#cf222e}\n"
	".recs li{margin:8px 0}.recs .why,.recs .effect{color:var(--muted)}\n"
	"figure{margin:20px 0 28px}\n"
	"figcaption{font-weight:700;font-size:16px;margin-bottom:4px}\n"
	"svg.chart{display:block;width:100%;max-width:900px;height:auto}\n"
	"svg.chart text{font-size:12px;fill:#1f2328}\n"
	"svg.chart .axis{stroke:#59636e;stroke-width:1}\n"
	"svg.chart .grid{stroke:#e4e8ec;stroke-width:1}\n"
	"svg.chart .tick{fill:#59636e}\n"
	"svg.chart .atitle{font-weight:600;fill:#444c56}\n"
	"svg.chart .marker{stroke:#8250df;stroke-width:1.5;"
	"stroke-dasharray:5 4}\n"
	"svg.chart .mlabel{fill:#6639ba;font-weight:600}\n"
	"svg.chart .ref{stroke-width:1.5;stroke-dasharray:6 3;fill:none}\n"
	"svg.chart .empty{font-size:15px;fill:#59636e}\n"
	/* a white halo keeps value labels readable over lines and bars */
	"svg.chart .val{fill:#444c56;paint-order:stroke;stroke:#fff;"
	"stroke-width:3px;stroke-linejoin:round}\n"
	"svg.chart .clabel{fill:#cf222e;font-weight:700}\n"
	".how{font-size:14px;color:var(--muted);margin:4px 0}\n"
	"details{margin:4px 0 8px;font-size:14px}\n"
	"summary{cursor:pointer;color:var(--accent)}\n"
	"footer{margin-top:40px;font-size:13px;color:var(--muted)}\n"
	"@media print{\n"
	"body{background:#fff;font-size:11pt}\n"
	"main{max-width:none;padding:0;min-height:0}\n"
	"nav.toc{display:none}\n"
	"a{color:inherit;text-decoration:none}\n"
	/* browsers drop backgrounds on paper: tier badges become outlined */
	".tier{color:var(--tone);background:none;border:1px solid var(--tone)}\n"
	"figure,.tile,tr,.note,.warning{break-inside:avoid}\n"
	"h2,h3,figcaption{break-after:avoid}\n"
	/* tables of numbers print when opened on screen; folded ones go */
	"details:not([open]){display:none}\n"
	"summary{color:inherit}\n"
	"@page{margin:15mm}\n"
	"}\n";

int orgmri_report_render(orgmri_report *r, char **html, size_t *len,
                         orgmri_error *err)
{
	*html = NULL;
	if (len)
		*len = 0;
	if (!r)
		return orgmri_seterr(err, ORGMRI_EINVAL, "html report: no report");
	if (orgmri_report_settle(r) || (r->in_table &&
	    orgmri_report_fail(r, ORGMRI_EINVAL, "a table was not ended"))) {
		if (err)
			*err = r->err;
		return r->status;
	}
	orgmri_buf doc = ORGMRI_BUF_INIT;
	orgmri_buf_puts(&doc, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
	                "<meta charset=\"utf-8\" />\n"
	                "<meta name=\"viewport\" content=\"width=device-width, "
	                "initial-scale=1\" />\n"
	                "<meta name=\"generator\" content=\"orgmri ");
	orgmri_buf_puts(&doc, orgmri_version());
	orgmri_buf_puts(&doc, "\" />\n<title>");
	orgmri_buf_put(&doc, r->title.ptr, r->title.len);
	orgmri_buf_puts(&doc, "</title>\n<style>\n");
	orgmri_buf_puts(&doc, css);
	orgmri_buf_puts(&doc, "</style>\n</head>\n<body>\n<main>\n");
	orgmri_buf_put(&doc, r->head.ptr, r->head.len);
	if (r->nsections > 1) {
		orgmri_buf_puts(&doc, "<nav class=\"toc\" aria-label=\"Contents\">"
		                "<strong>Contents</strong>\n<ol>\n");
		orgmri_buf_put(&doc, r->toc.ptr, r->toc.len);
		orgmri_buf_puts(&doc, "</ol></nav>\n");
	}
	if (r->body.len)
		orgmri_buf_put(&doc, r->body.ptr, r->body.len);
	if (r->in_section)
		orgmri_buf_puts(&doc, "</section>\n");
	orgmri_buf_puts(&doc, "<footer>Made by orgmri ");
	orgmri_buf_puts(&doc, orgmri_version());
	orgmri_buf_puts(&doc, ". This file is self-contained: it loads nothing "
	                "from the network.</footer>\n</main>\n</body>\n</html>\n");
	if (doc.oom) {
		orgmri_buf_free(&doc);
		return orgmri_seterr(err, ORGMRI_ENOMEM, "html report: out of memory");
	}
	*html = doc.ptr;
	if (len)
		*len = doc.len;
	return 0;
}

int orgmri_report_write_file(orgmri_report *r, const char *path,
                             orgmri_error *err)
{
	char *html;
	size_t len;
	int rc = orgmri_report_render(r, &html, &len, err);
	if (rc)
		return rc;
	FILE *fp = fopen(path, "wb");
	if (!fp) {
		rc = orgmri_seterr(err, ORGMRI_EIO, "cannot write %s: %s", path,
		                   strerror(errno));
		goto done;
	}
	int bad = fwrite(html, 1, len, fp) != len;
	bad |= fclose(fp) != 0;
	if (bad)
		rc = orgmri_seterr(err, ORGMRI_EIO, "writing %s failed: %s", path,
		                   strerror(errno));
done:
	free(html);
	return rc;
}
