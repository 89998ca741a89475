/*
 * html_safe.c — mail HTML made safe to show (see html_safe.h).
 *
 * libxml2 parses; this file walks the tree and writes a new document from
 * allow-lists, so nothing the lists do not name can reach the output.
 */
#include <string.h>
#include <strings.h>

#include <libxml/HTMLparser.h>
#include <libxml/tree.h>

#include "mail/html_safe.h"
#include "util/err.h"
#include "util/banned.h"

#define MAX_DEPTH 200

static const char *const kept[] = {
	"a",	  "abbr",  "address", "b",     "big",	"blockquote", "br",    "caption",
	"center", "cite",  "code",    "col",   "colgroup", "dd",	 "del",	 "div",
	"dl",	  "dt",	   "em",      "font",  "h1",	"h2",	      "h3",    "h4",
	"h5",	  "h6",	   "hr",      "i",     "img",	"ins",	      "kbd",   "li",
	"ol",	  "p",	   "pre",     "q",     "s",	"samp",	      "small", "span",
	"strike", "strong", "sub",    "sup",   "table", "tbody",      "td",    "tfoot",
	"th",	  "thead", "tr",      "tt",    "u",	"ul",	      NULL,
};

/* dropped with everything inside */
static const char *const dropped[] = {
	"script", "style",  "iframe",  "object",   "embed",  "form",   "input", "button",
	"select", "option", "textarea", "link",	    "meta",   "base",   "frame", "frameset",
	"noframes", "applet", "svg",	"math",	    "template", "audio", "video", "source",
	"track",  "canvas", "noscript", "title",    "head",   "param",  "xml",   "portal",
	NULL,
};

static const char *const attrs[] = {
	"align", "valign", "bgcolor", "color",	 "face", "size",  "width", "height",
	"border", "cellpadding", "cellspacing", "colspan", "rowspan", "dir", "lang", "title",
	"alt",	 "style", "start",   "type",	 "class", NULL,
};

static int listed(const char *const *list, const char *name)
{
	for (int i = 0; list[i]; i++)
		if (!strcasecmp(list[i], name))
			return 1;
	return 0;
}

static int add_escaped(struct hd_sbuf *out, const char *s, int attr)
{
	int rc = 0;

	for (const char *p = s; *p && !rc; p++) {
		switch (*p) {
		case '&': rc = hd_sbuf_adds(out, "&amp;"); break;
		case '<': rc = hd_sbuf_adds(out, "&lt;"); break;
		case '>': rc = hd_sbuf_adds(out, "&gt;"); break;
		case '"': rc = attr ? hd_sbuf_adds(out, "&quot;") : hd_sbuf_add(out, p, 1); break;
		default: rc = hd_sbuf_add(out, p, 1);
		}
	}
	return rc;
}

static int add_attr(struct hd_sbuf *out, const char *name, const char *value)
{
	int rc = hd_sbuf_addf(out, " %s=\"", name);

	rc = rc ? rc : add_escaped(out, value, 1);
	return rc ? rc : hd_sbuf_adds(out, "\"");
}

/* `value` after leading spaces and control characters, which browsers skip
 * in URLs ("  java\tscript:" tricks are handled by the scheme test). */
static const char *url_start(const char *v)
{
	while (*v && (unsigned char)*v <= 0x20)
		v++;
	return v;
}

static int has_scheme(const char *url, const char *scheme)
{
	return !strncasecmp(url, scheme, strlen(scheme));
}

/* A style attribute that can load or run nothing. */
static int style_ok(const char *v)
{
	static const char *const bad[] = { "url(", "expression", "@import", "behavior",
					   "javascript", "\\", NULL };

	for (int i = 0; bad[i]; i++)
		if (strcasestr(v, bad[i]))
			return 0;
	return 1;
}

struct walk {
	struct hd_sbuf *out;
	int images;
	int blocked;
};

static int walk_children(struct walk *w, xmlNode *n, int depth);

static int element(struct walk *w, xmlNode *n, int depth)
{
	const char *name = (const char *)n->name;
	int keep, rc;

	if (listed(dropped, name))
		return 0;
	keep = listed(kept, name);
	if (!keep)
		return walk_children(w, n, depth + 1);
	rc = hd_sbuf_addf(w->out, "<%s", name);
	for (xmlAttr *a = n->properties; a && !rc; a = a->next) {
		const char *an = (const char *)a->name;
		xmlChar *v = xmlNodeListGetString(n->doc, a->children, 1);
		const char *val = v ? (const char *)v : "";

		if (!strcasecmp(name, "a") && !strcasecmp(an, "href")) {
			const char *u = url_start(val);

			if (has_scheme(u, "http:") || has_scheme(u, "https:") || has_scheme(u, "mailto:"))
				rc = add_attr(w->out, "href", u);
		} else if (!strcasecmp(name, "img") && !strcasecmp(an, "src")) {
			const char *u = url_start(val);

			if (has_scheme(u, "data:image/png") || has_scheme(u, "data:image/gif") ||
			    has_scheme(u, "data:image/jpeg") || has_scheme(u, "data:image/webp")) {
				rc = add_attr(w->out, "src", u);
			} else if (has_scheme(u, "http:") || has_scheme(u, "https:")) {
				if (w->images) {
					rc = add_attr(w->out, "src", u);
				} else {
					rc = add_attr(w->out, "data-heed-src", u);
					w->blocked++;
				}
			}
		} else if (listed(attrs, an) && (strcasecmp(an, "style") || style_ok(val))) {
			rc = add_attr(w->out, an, val);
		}
		xmlFree(v);
	}
	if (!rc && !strcasecmp(name, "a"))
		rc = hd_sbuf_adds(w->out, " target=\"_blank\" rel=\"noopener noreferrer\"");
	rc = rc ? rc : hd_sbuf_adds(w->out, ">");
	if (rc || !strcasecmp(name, "br") || !strcasecmp(name, "hr") ||
	    !strcasecmp(name, "img") || !strcasecmp(name, "col"))
		return rc;
	rc = walk_children(w, n, depth + 1);
	return rc ? rc : hd_sbuf_addf(w->out, "</%s>", name);
}

static int walk_children(struct walk *w, xmlNode *parent, int depth)
{
	int rc = 0;

	if (depth > MAX_DEPTH)
		return 0; /* deeper than any real mail: left out */
	for (xmlNode *n = parent->children; n && !rc; n = n->next) {
		if (n->type == XML_ELEMENT_NODE)
			rc = element(w, n, depth);
		else if ((n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) &&
			 n->content)
			rc = add_escaped(w->out, (const char *)n->content, 0);
		/* comments, processing instructions, DTDs: dropped */
	}
	return rc;
}

int hd_html_safe(const char *html, size_t len, int images, struct hd_sbuf *out, int *blocked)
{
	struct walk w = { out, images, 0 };
	htmlDocPtr doc = NULL;
	xmlNode *root;
	int rc;

	if (len > 0 && len < (size_t)1 << 30)
		doc = htmlReadMemory(html, (int)len, NULL, "UTF-8",
				     HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
					     HTML_PARSE_NONET | HTML_PARSE_NODEFDTD);
	rc = hd_sbuf_adds(out, "<!doctype html><html><head><meta charset=\"utf-8\">"
			       "<base target=\"_blank\"></head><body>");
	root = doc ? xmlDocGetRootElement(doc) : NULL;
	if (!rc && root) {
		/* the document element itself is never kept: walk what it holds */
		rc = walk_children(&w, root, 0);
	}
	rc = rc ? rc : hd_sbuf_adds(out, "</body></html>");
	if (doc)
		xmlFreeDoc(doc);
	if (blocked)
		*blocked = w.blocked;
	return rc;
}
