/*
 * quote.c — cutting quoted history and signatures off a reply (see quote.h).
 *
 * Works on line offsets into the caller's text; nothing is copied until the
 * kept lines are written to `out`. Every rule looks only at lines that are
 * not quoted, so a "-- " or "From:" inside a quote never cuts anything.
 * The look-ahead after an attribution stops at the first new line or the
 * next hard cut, so the work stays about linear in the text.
 */
#include <string.h>

#include "domain/quote.h"
#include "util/err.h"
#include "util/banned.h"

/* A line: s[0..n) without its line end; `next` is where the next one starts. */
struct line {
	const char *s;
	size_t n;
	size_t off, next;
};

static int line_at(const char *t, size_t len, size_t off, struct line *l)
{
	const char *nl;

	if (off >= len)
		return 0;
	nl = memchr(t + off, '\n', len - off);
	l->s = t + off;
	l->off = off;
	l->n = nl ? (size_t)(nl - l->s) : len - off;
	l->next = nl ? (size_t)(nl - t) + 1 : len;
	if (l->n && l->s[l->n - 1] == '\r')
		l->n--;
	return 1;
}

/* ------------------------------------------------------------ predicates */

static int is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

/* The line without surrounding white space (and without leading '*', which
 * HTML-to-text and markdown use for bold labels like "*From:*"). */
static void trimmed(const struct line *l, int stars, const char **s, size_t *n)
{
	const char *p = l->s;
	size_t m = l->n;

	while (m && (is_ws(*p) || (stars && *p == '*'))) {
		p++;
		m--;
	}
	while (m && is_ws(p[m - 1]))
		m--;
	*s = p;
	*n = m;
}

static int is_blank(const struct line *l)
{
	for (size_t i = 0; i < l->n; i++)
		if (!is_ws(l->s[i]))
			return 0;
	return 1;
}

static int is_quoted(const struct line *l)
{
	size_t i = 0;

	while (i < l->n && (l->s[i] == ' ' || l->s[i] == '\t'))
		i++;
	return i < l->n && l->s[i] == '>';
}

static char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* ASCII case-insensitive: does s[0..n) start with `p`? (UTF-8 bytes of `p`
 * must match exactly.) */
static int starts_ci(const char *s, size_t n, const char *p)
{
	size_t m = strlen(p);

	if (m > n)
		return 0;
	for (size_t i = 0; i < m; i++)
		if (lower(s[i]) != p[i])
			return 0;
	return 1;
}

static int ends_ci(const char *s, size_t n, const char *p)
{
	size_t m = strlen(p);

	return m <= n && starts_ci(s + n - m, m, p);
}

static int contains_ci(const char *s, size_t n, const char *p)
{
	size_t m = strlen(p);

	for (size_t i = 0; i + m <= n; i++)
		if (starts_ci(s + i, n - i, p))
			return 1;
	return 0;
}

static int has_digit(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] >= '0' && s[i] <= '9')
			return 1;
	return 0;
}

static int any_prefix(const char *s, size_t n, const char *const *list)
{
	for (; *list; list++)
		if (starts_ci(s, n, *list))
			return 1;
	return 0;
}

static int is_signature(const struct line *l)
{
	size_t n = l->n;

	while (n > 2 && is_ws(l->s[n - 1]))
		n--;
	return n == 2 && l->s[0] == '-' && l->s[1] == '-';
}

static const char *const footers[] = {
	"sent from my ",	 "sent from mail for windows", "sent from outlook",
	"sent from yahoo mail", "sent from samsung",	     "sent with proton",
	"get outlook for ",	 "von meinem ",		     "envoyé de mon ",
	"envoyé depuis mon ",	 "enviado desde mi ",	     "enviado do meu ",
	"inviato da ",		 NULL,
};

static int is_footer(const struct line *l)
{
	const char *s;
	size_t n;

	trimmed(l, 0, &s, &n);
	return n <= 60 && any_prefix(s, n, footers);
}

static const char *const original_names[] = {
	"original message",	  "ursprüngliche nachricht", "message d'origine",
	"mensaje original",	  "oorspronkelijk bericht",  "messaggio originale",
	NULL,
};

/* "-----Original Message-----" and its translations, or "_____..." */
static int is_separator(const struct line *l)
{
	const char *s;
	size_t n, dl = 0, dr = 0;

	trimmed(l, 0, &s, &n);
	if (n >= 20) {
		size_t u = 0;

		while (u < n && s[u] == '_')
			u++;
		if (u == n)
			return 1;
	}
	while (dl < n && s[dl] == '-')
		dl++;
	while (dr < n - dl && s[n - 1 - dr] == '-')
		dr++;
	if (dl < 2 || dr < 2)
		return 0;
	s += dl;
	n -= dl + dr;
	while (n && is_ws(*s)) {
		s++;
		n--;
	}
	while (n && is_ws(s[n - 1]))
		n--;
	for (const char *const *p = original_names; *p; p++)
		if (strlen(*p) == n && starts_ci(s, n, *p))
			return 1;
	return 0;
}

/* French puts a (often non-breaking) space before the colon. */
static const char *const from_labels[] = { "from:", "von:", "de :", "de\xc2\xa0:", "de:",
					   "van:", "da:", NULL };
static const char *const sent_labels[] = { "sent:",	  "date:",     "gesendet:",
					   "datum:",	  "envoyé :",  "envoyé\xc2\xa0:",
					   "envoyé:",	  "enviado:",  "verzonden:",
					   "inviato:",	  NULL };

/* An Outlook header block: "From: x" with "Sent: y" within three lines. */
static int is_header_block(const char *t, size_t len, const struct line *l)
{
	const char *s;
	size_t n, off = l->next;
	struct line x;

	trimmed(l, 1, &s, &n);
	if (!any_prefix(s, n, from_labels))
		return 0;
	for (int k = 0; k < 3 && line_at(t, len, off, &x); k++, off = x.next) {
		trimmed(&x, 1, &s, &n);
		if (any_prefix(s, n, sent_labels))
			return 1;
	}
	return 0;
}

static const char *const forward_marks[] = {
	"forwarded message",	     "begin forwarded message", "weitergeleitete nachricht",
	"message transféré",	     "mensaje reenviado",	"messaggio inoltrato",
	"doorgestuurd bericht",	     NULL,
};

/* "---------- Forwarded message ---------", "Begin forwarded message:" */
static int is_forward(const struct line *l)
{
	const char *s;
	size_t n;

	if (is_quoted(l))
		return 0;
	trimmed(l, 0, &s, &n);
	while (n && (*s == '-' || *s == ' ')) {
		s++;
		n--;
	}
	return n <= 80 && any_prefix(s, n, forward_marks);
}

/* A hard cut: the rest of the text is never the sender's new words. */
static int is_hard_cut(const char *t, size_t len, const struct line *l)
{
	if (is_quoted(l))
		return 0;
	return is_signature(l) || is_footer(l) || is_separator(l) || is_header_block(t, len, l);
}

struct attribution {
	const char *prefix; /* how the line starts */
	const char *verb;   /* what it says, somewhere on the (one or two) lines */
};

static const struct attribution attributions[] = {
	{ "on ", "wrote" },	{ "am ", "schrieb" },	{ "le ", "écrit" },
	{ "el ", "escribió" }, { "op ", "schreef" },	{ "il ", "scritto" },
};

/* An attribution line ("On <date>, <name> wrote:"). Returns how many lines
 * it spans (1 or 2; Gmail wraps long ones), 0 when it is not one. */
static int attribution_lines(const char *t, size_t len, const struct line *l)
{
	const char *s, *s2 = NULL;
	size_t n, n2 = 0;
	struct line x;
	int two;

	if (is_quoted(l))
		return 0;
	trimmed(l, 0, &s, &n);
	if (n == 0 || n > 300)
		return 0;
	two = line_at(t, len, l->next, &x) && !is_quoted(&x);
	if (two) {
		trimmed(&x, 0, &s2, &n2);
		two = n2 && n2 <= 300;
	}
	for (size_t k = 0; k < sizeof(attributions) / sizeof(attributions[0]); k++) {
		const struct attribution *a = &attributions[k];

		/* a date has digits: "On Monday I wrote:" is a sentence */
		if (!starts_ci(s, n, a->prefix))
			continue;
		if (s[n - 1] == ':' && contains_ci(s, n, a->verb) && has_digit(s, n))
			return 1;
		if (two && s2[n2 - 1] == ':' &&
		    (contains_ci(s, n, a->verb) || contains_ci(s2, n2, a->verb)) &&
		    (has_digit(s, n) || has_digit(s2, n2)))
			return 2;
	}
	/* "Jane Doe <jane@example.com> wrote:" right above quoted lines */
	if (n <= 200 && ends_ci(s, n, " wrote:")) {
		size_t off = l->next;

		while (line_at(t, len, off, &x) && is_blank(&x))
			off = x.next;
		if (off < len && is_quoted(&x))
			return 1;
	}
	return 0;
}

/* After an attribution: do quoted lines and new lines alternate (an
 * interleaved reply) before the next hard cut? */
static int interleaved_after(const char *t, size_t len, size_t off)
{
	struct line x;
	int seen_quote = 0;

	for (; line_at(t, len, off, &x); off = x.next) {
		if (is_hard_cut(t, len, &x))
			break;
		if (is_quoted(&x))
			seen_quote = 1;
		else if (seen_quote && !is_blank(&x))
			return 1;
	}
	return 0;
}

/* ----------------------------------------------------------------- strip */

#define FORWARD ((size_t)-1)

/* Where the display text ends: the first Outlook separator or header block
 * or attribution followed only by history; else the first signature or
 * footer. FORWARD when a forwarded message starts before any of those but a
 * signature: what was forwarded is the point of the message (and Gmail puts
 * the signature above it). */
static size_t find_cut(const char *t, size_t len)
{
	struct line l;
	size_t sig = len;

	for (size_t off = 0; line_at(t, len, off, &l); off = l.next) {
		int al;

		if (is_forward(&l))
			return FORWARD;
		if (is_quoted(&l))
			continue;
		if (is_signature(&l) || is_footer(&l)) {
			if (sig == len)
				sig = l.off;
			continue;
		}
		if (is_separator(&l) || is_header_block(t, len, &l))
			return sig < len ? sig : l.off;
		al = attribution_lines(t, len, &l);
		if (al) {
			struct line x = l;

			if (al == 2)
				line_at(t, len, l.next, &x);
			if (!interleaved_after(t, len, x.next))
				return sig < len ? sig : l.off;
		}
	}
	return sig;
}

/* Drop the trailing block of quoted and blank lines before `end`, and the
 * attribution that introduces it; returns the new end (0: nothing left).
 * Lines are found by walking forward, so no backward line parsing. */
static size_t drop_trailing_quote(const char *t, size_t end)
{
	struct line l;
	size_t keep = 0;              /* end of the last line neither blank nor quoted */
	size_t attr_to = (size_t)-1;  /* end of the last attribution seen */
	size_t before_attr = 0;       /* `keep` just before that attribution */
	size_t attr_second = (size_t)-1; /* offset of a wrapped attribution's 2nd line */

	for (size_t off = 0; line_at(t, end, off, &l); off = l.next) {
		if (is_blank(&l) || is_quoted(&l))
			continue;
		if (l.off == attr_second) {
			attr_to = l.off + l.n;
		} else {
			int al = attribution_lines(t, end, &l);

			if (al) {
				before_attr = keep;
				attr_to = l.off + l.n;
				attr_second = al == 2 ? l.next : (size_t)-1;
			}
		}
		keep = l.off + l.n;
	}
	return keep == attr_to ? before_attr : keep;
}

static int emit(struct hd_sbuf *out, const char *t, size_t end)
{
	struct line l;
	size_t off = 0;
	int rc = 0, first = 1;

	while (line_at(t, end, off, &l) && is_blank(&l))
		off = l.next;
	for (; !rc && line_at(t, end, off, &l); off = l.next) {
		if (!first)
			rc = hd_sbuf_add(out, "\n", 1);
		first = 0;
		rc = rc ? rc : hd_sbuf_add(out, l.s, l.n);
	}
	return rc;
}

int hd_quote_strip(const char *text, size_t len, struct hd_sbuf *out)
{
	size_t cut = find_cut(text, len);
	size_t end = cut == FORWARD ? len : drop_trailing_quote(text, cut);

	if (end == 0)
		end = len; /* nothing of the sender's own: keep the original */
	return emit(out, text, end);
}
