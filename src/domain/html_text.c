/*
 * html_text.c — readable plain text from HTML (see html_text.h).
 *
 * One left-to-right pass. Text is not written as it is read: white space and
 * line breaks are owed (`space`, `breaks`) and paid only when the next
 * visible character arrives, so runs collapse, nothing dangles at the end of
 * a line and there are never leading or trailing blank lines.
 */
#include <stdint.h>
#include <string.h>

#include "domain/html_text.h"
#include "util/err.h"
#include "util/banned.h"

struct conv {
	struct hd_sbuf *out;
	size_t start; /* out->len on entry: never trim below it */
	int space;    /* white space seen since the last character */
	int breaks;   /* line breaks owed before the next character, 0..2 */
	int pre;      /* depth of <pre> */
	int quote;    /* depth of <blockquote> */
	int no_head_end; /* searched for </head> once and it is not there */
	int rc;
};

/* ---------------------------------------------------------------- output */

static void add(struct conv *c, const char *s, size_t n)
{
	if (!c->rc)
		c->rc = hd_sbuf_add(c->out, s, n);
}

static char last(const struct conv *c)
{
	return c->out->len > c->start ? c->out->buf[c->out->len - 1] : '\n';
}

/* Drop trailing spaces and tabs (only what this call wrote). */
static void trim_blanks(struct conv *c)
{
	struct hd_sbuf *o = c->out;

	while (o->len > c->start && (o->buf[o->len - 1] == ' ' || o->buf[o->len - 1] == '\t'))
		o->len--;
	if (o->cap)
		o->buf[o->len] = '\0';
}

/* Write visible text, first paying the owed line breaks or space. */
static void put(struct conv *c, const char *s, size_t n)
{
	struct hd_sbuf *o = c->out;

	if (c->rc || !n)
		return;
	if (c->breaks && o->len > c->start) {
		int have = 0;

		trim_blanks(c);
		if (last(c) == '\n')
			have = o->len - c->start >= 2 && o->buf[o->len - 2] == '\n' ? 2 : 1;
		for (int i = have; i < c->breaks; i++)
			add(c, "\n", 1);
	}
	c->breaks = 0;
	if (last(c) == '\n') {
		for (int i = 0; i < c->quote && i < 16; i++)
			add(c, ">", 1);
		if (c->quote)
			add(c, " ", 1);
	} else if (c->space && last(c) != ' ') {
		add(c, " ", 1);
	}
	c->space = 0;
	add(c, s, n);
}

static void owe_breaks(struct conv *c, int n)
{
	if (c->breaks < n)
		c->breaks = n;
}

static void put_cp(struct conv *c, uint32_t cp)
{
	char u[4];
	size_t n;

	if (cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r') {
		if (!c->pre)
			c->space = 1;
		else if (cp == '\n')
			c->breaks = c->breaks < 2 ? c->breaks + 1 : 2;
		else if (cp != '\r')
			put(c, cp == ' ' ? " " : "\t", 1);
		return;
	}
	if (cp == 0 || cp < 0x20 || cp == 0x7f || (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		cp = 0xfffd;
	if (cp < 0x80) {
		u[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		u[0] = (char)(0xc0 | (cp >> 6));
		u[1] = (char)(0x80 | (cp & 0x3f));
		n = 2;
	} else if (cp < 0x10000) {
		u[0] = (char)(0xe0 | (cp >> 12));
		u[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[2] = (char)(0x80 | (cp & 0x3f));
		n = 3;
	} else {
		u[0] = (char)(0xf0 | (cp >> 18));
		u[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		u[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[3] = (char)(0x80 | (cp & 0x3f));
		n = 4;
	}
	put(c, u, n);
}

/* ------------------------------------------------- character references */

struct entity {
	const char *name;
	uint32_t cp;
};

/* Named references seen in real mail. &nbsp; is a plain space on purpose:
 * mail clients use it for indentation and empty paragraphs. */
static const struct entity entities[] = {
	{ "amp", '&' },     { "lt", '<' },       { "gt", '>' },       { "quot", '"' },
	{ "apos", '\'' },   { "nbsp", ' ' },     { "ensp", ' ' },     { "emsp", ' ' },
	{ "thinsp", ' ' },  { "shy", 0xad },     { "copy", 0xa9 },    { "reg", 0xae },
	{ "trade", 0x2122 }, { "hellip", 0x2026 }, { "mdash", 0x2014 }, { "ndash", 0x2013 },
	{ "lsquo", 0x2018 }, { "rsquo", 0x2019 }, { "sbquo", 0x201a }, { "ldquo", 0x201c },
	{ "rdquo", 0x201d }, { "bdquo", 0x201e }, { "laquo", 0xab },  { "raquo", 0xbb },
	{ "bull", 0x2022 }, { "middot", 0xb7 },  { "euro", 0x20ac },  { "pound", 0xa3 },
	{ "yen", 0xa5 },    { "cent", 0xa2 },    { "sect", 0xa7 },    { "para", 0xb6 },
	{ "deg", 0xb0 },    { "plusmn", 0xb1 },  { "times", 0xd7 },   { "divide", 0xf7 },
	{ "micro", 0xb5 },  { "iexcl", 0xa1 },   { "iquest", 0xbf },  { "frac12", 0xbd },
	{ "frac14", 0xbc }, { "frac34", 0xbe },  { "rarr", 0x2192 },  { "larr", 0x2190 },
	{ "zwnj", 0x200c }, { "zwj", 0x200d },   { "szlig", 0xdf },   { "oelig", 0x153 },
	{ "OElig", 0x152 }, { "scaron", 0x161 }, { "Scaron", 0x160 }, { "agrave", 0xe0 },
	{ "aacute", 0xe1 }, { "acirc", 0xe2 },   { "atilde", 0xe3 },  { "auml", 0xe4 },
	{ "aring", 0xe5 },  { "aelig", 0xe6 },   { "ccedil", 0xe7 },  { "egrave", 0xe8 },
	{ "eacute", 0xe9 }, { "ecirc", 0xea },   { "euml", 0xeb },    { "igrave", 0xec },
	{ "iacute", 0xed }, { "icirc", 0xee },   { "iuml", 0xef },    { "ntilde", 0xf1 },
	{ "ograve", 0xf2 }, { "oacute", 0xf3 },  { "ocirc", 0xf4 },   { "otilde", 0xf5 },
	{ "ouml", 0xf6 },   { "oslash", 0xf8 },  { "ugrave", 0xf9 },  { "uacute", 0xfa },
	{ "ucirc", 0xfb },  { "uuml", 0xfc },    { "yacute", 0xfd },  { "yuml", 0xff },
	{ "Agrave", 0xc0 }, { "Aacute", 0xc1 },  { "Acirc", 0xc2 },   { "Atilde", 0xc3 },
	{ "Auml", 0xc4 },   { "Aring", 0xc5 },   { "AElig", 0xc6 },   { "Ccedil", 0xc7 },
	{ "Egrave", 0xc8 }, { "Eacute", 0xc9 },  { "Ecirc", 0xca },   { "Euml", 0xcb },
	{ "Igrave", 0xcc }, { "Iacute", 0xcd },  { "Icirc", 0xce },   { "Iuml", 0xcf },
	{ "Ntilde", 0xd1 }, { "Ograve", 0xd2 },  { "Oacute", 0xd3 },  { "Ocirc", 0xd4 },
	{ "Otilde", 0xd5 }, { "Ouml", 0xd6 },    { "Oslash", 0xd8 },  { "Ugrave", 0xd9 },
	{ "Uacute", 0xda }, { "Ucirc", 0xdb },   { "Uuml", 0xdc },    { "Yacute", 0xdd },
};

/* What HTML maps &#128; .. &#159; to (the windows-1252 meaning). */
static const uint16_t c1_cp1252[32] = {
	0x20ac, 0xfffd, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021,
	0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0xfffd, 0x017d, 0xfffd,
	0xfffd, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014,
	0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0xfffd, 0x017e, 0x0178,
};

static int is_alpha(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z');
}

static int is_digit(char ch)
{
	return ch >= '0' && ch <= '9';
}

static int hex_val(char ch)
{
	if (is_digit(ch))
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/* Decode the reference at s[0] == '&'. Returns the bytes consumed, or 0 when
 * it is not a reference we know (the '&' is then literal text). */
static size_t entity(struct conv *c, const char *s, size_t n)
{
	size_t i = 1;

	if (i < n && s[i] == '#') {
		uint32_t cp = 0;
		int hex = 0, digits = 0;

		i++;
		if (i < n && (s[i] == 'x' || s[i] == 'X')) {
			hex = 1;
			i++;
		}
		for (; i < n; i++) {
			int v = hex ? hex_val(s[i]) : (is_digit(s[i]) ? s[i] - '0' : -1);

			if (v < 0)
				break;
			if (++digits <= 8)
				cp = cp * (hex ? 16 : 10) + (uint32_t)v;
			else
				cp = 0x110000; /* too long: invalid */
		}
		if (!digits)
			return 0;
		if (i < n && s[i] == ';')
			i++;
		if (cp >= 0x80 && cp <= 0x9f)
			cp = c1_cp1252[cp - 0x80];
		put_cp(c, cp);
		return i;
	}
	while (i < n && i <= 32 && (is_alpha(s[i]) || is_digit(s[i])))
		i++;
	if (i == 1 || i >= n || s[i] != ';')
		return 0;
	for (size_t k = 0; k < sizeof(entities) / sizeof(entities[0]); k++) {
		if (strlen(entities[k].name) == i - 1 && !memcmp(entities[k].name, s + 1, i - 1)) {
			if (entities[k].cp == 0xad)
				return i + 1; /* soft hyphen: invisible */
			if (entities[k].cp == ' ')
				put(c, " ", 1); /* visible, never collapsed */
			else
				put_cp(c, entities[k].cp);
			return i + 1;
		}
	}
	return 0;
}

/* ------------------------------------------------------------------ tags */

static char lower(char ch)
{
	return ch >= 'A' && ch <= 'Z' ? (char)(ch - 'A' + 'a') : ch;
}

/* Offset of the first case-insensitive `needle` in s[from..n), or n. With
 * `word`, the match must not run on into a longer name ("</head" is not
 * "</header"). */
static size_t find_ci(const char *s, size_t n, size_t from, const char *needle, int word)
{
	size_t m = strlen(needle);

	for (size_t i = from; i + m <= n; i++) {
		size_t k = 0;

		while (k < m && lower(s[i + k]) == needle[k])
			k++;
		if (k == m && (!word || i + m == n || !(is_alpha(s[i + m]) || is_digit(s[i + m]))))
			return i;
	}
	return n;
}

/* Offset just past the '>' that ends the tag starting at s[i] == '<',
 * quotes respected; n when it never ends. */
static size_t tag_end(const char *s, size_t n, size_t i)
{
	char q = 0;

	for (i++; i < n; i++) {
		if (q) {
			if (s[i] == q)
				q = 0;
		} else if (s[i] == '"' || s[i] == '\'') {
			q = s[i];
		} else if (s[i] == '>') {
			return i + 1;
		}
	}
	return n;
}

static int name_is(const char *name, const char *const *set)
{
	for (; *set; set++)
		if (!strcmp(name, *set))
			return 1;
	return 0;
}

static const char *const para_tags[] = { "p",  "h1", "h2",  "h3", "h4", "h5", "h6",
					 "ul", "ol", "dl", "table", "hr", "pre", "blockquote",
					 NULL };
static const char *const line_tags[] = {
	"div",    "li",     "tr",     "dt",      "dd",       "section", "article",
	"header", "footer", "nav",    "aside",   "main",     "figure",  "figcaption",
	"address", "center", "fieldset", "form", "legend",   "caption", "option",
	NULL
};
/* Elements whose content is never shown. */
static const char *const hidden_tags[] = { "script", "style", "title", "template", "head",
					   NULL };

/* Handle the tag s[i..end). Returns where reading resumes. */
static size_t tag(struct conv *c, const char *s, size_t n, size_t i, size_t end)
{
	char name[16];
	size_t k = i + 1, len = 0;
	int closing = 0;

	if (k < end && s[k] == '/') {
		closing = 1;
		k++;
	}
	while (k < end && (is_alpha(s[k]) || is_digit(s[k]))) {
		if (len < sizeof(name) - 1)
			name[len++] = lower(s[k]);
		else
			len = sizeof(name); /* too long for any tag we know */
		k++;
	}
	if (len >= sizeof(name))
		return end;
	name[len] = '\0';

	if (!closing && name_is(name, hidden_tags) && s[end - 2] != '/') {
		char close[20];
		size_t at;

		close[0] = '<';
		close[1] = '/';
		memcpy(close + 2, name, len + 1);
		if (!strcmp(name, "head") && c->no_head_end)
			return end;
		at = find_ci(s, n, end, close, 1);
		if (at < n)
			return tag_end(s, n, at);
		if (strcmp(name, "head"))
			return n; /* an unclosed <script> hides the rest, as in a browser */
		c->no_head_end = 1; /* an unclosed <head>: show it, and never search again */
		return end;
	}
	if (!strcmp(name, "br")) {
		c->breaks = c->breaks < 2 ? c->breaks + 1 : 2;
	} else if (name_is(name, para_tags)) {
		owe_breaks(c, 2);
		if (!strcmp(name, "blockquote"))
			c->quote += closing ? (c->quote > 0 ? -1 : 0) : 1;
		else if (!strcmp(name, "pre"))
			c->pre += closing ? (c->pre > 0 ? -1 : 0) : 1;
	} else if (name_is(name, line_tags)) {
		owe_breaks(c, 1);
		if (!closing && !strcmp(name, "li"))
			put(c, "- ", 2);
	} else if (!strcmp(name, "td") || !strcmp(name, "th")) {
		c->space = 1;
	}
	return end;
}

/* ------------------------------------------------------------------ main */

int hd_html_to_text(const char *s, size_t n, struct hd_sbuf *out)
{
	struct conv c = { .out = out, .start = out->len };
	size_t i = 0;

	while (i < n && !c.rc) {
		char ch = s[i];

		if (ch == '<' && i + 1 < n) {
			char nx = s[i + 1];

			if (nx == '!' && n - i >= 4 && !memcmp(s + i, "<!--", 4)) {
				size_t at = find_ci(s, n, i + 4, "-->", 0);

				i = at == n ? n : at + 3;
				continue;
			}
			if (nx == '!' || nx == '?') {
				i = tag_end(s, n, i);
				continue;
			}
			if (nx == '/' || is_alpha(nx)) {
				i = tag(&c, s, n, i, tag_end(s, n, i));
				continue;
			}
		}
		if (ch == '&') {
			size_t used = entity(&c, s + i, n - i);

			if (used) {
				i += used;
				continue;
			}
		}
		if (ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' || ch == '\f') {
			put_cp(&c, ch == '\f' ? ' ' : (uint32_t)ch);
			i++;
			continue;
		}
		/* a run of ordinary bytes (UTF-8 sequences pass through whole) */
		size_t j = i + 1;

		while (j < n && s[j] != '<' && s[j] != '&' && s[j] != ' ' && s[j] != '\t' &&
		       s[j] != '\n' && s[j] != '\r' && s[j] != '\f')
			j++;
		put(&c, s + i, j - i);
		i = j;
	}
	if (c.rc)
		return c.rc;
	trim_blanks(&c);
	while (out->len > c.start && out->buf[out->len - 1] == '\n')
		out->len--;
	if (out->cap)
		out->buf[out->len] = '\0';
	return 0;
}
