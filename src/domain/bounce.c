/*
 * bounce.c — plain-text bounces (see bounce.h).
 *
 * Heuristics on free text, so each one is narrow and they are tried from the
 * most to the least specific. Each pass is linear in the text.
 */
#include <string.h>

#include "domain/bounce.h"
#include "util/banned.h"

/* ------------------------------------------------------------- helpers */

static char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

static int is_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

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

/* Offset of `p` (lower case) in s[from..n), case-insensitively; n if none. */
static size_t find_ci(const char *s, size_t n, size_t from, const char *p)
{
	for (size_t i = from; i < n; i++)
		if (lower(s[i]) == p[0] && starts_ci(s + i, n - i, p))
			return i;
	return n;
}

static int contains_ci(const char *s, const char *p)
{
	return s && find_ci(s, strlen(s), 0, p) < strlen(s);
}

static int any_contains_ci(const char *s, const char *const *list)
{
	for (; *list; list++)
		if (contains_ci(s, *list))
			return 1;
	return 0;
}

/* ------------------------------------------------------------ recognise */

static const char *const daemons[] = { "mailer-daemon@", "mailer_daemon@", "mailerdaemon@",
				       "mail-daemon@",   "postmaster@",    NULL };

static const char *const bounce_subjects[] = {
	"undelivered mail",	"undeliverable",	"delivery status notification",
	"mail delivery failed", "delivery failure",	"delivery has failed",
	"failure notice",	"returned mail",	"returned to sender",
	"could not be delivered", "not delivered",	"delivery notification",
	"delivery problem",	"delivery delayed",	"delayed mail",
	"warning: message",	"unzustellbar",		"non remis",
	"non distribuable",	NULL,
};

int hd_bounce_looks_like(const char *from_addr, const char *from_name, const char *return_path,
			 const char *subject)
{
	int daemon = (return_path && !return_path[0]) || contains_ci(from_name, "mail delivery");

	for (const char *const *d = daemons; !daemon && *d && from_addr; d++)
		daemon = starts_ci(from_addr, strlen(from_addr), *d);
	return daemon && subject && any_contains_ci(subject, bounce_subjects);
}

int hd_bounce_is_delay(const char *subject)
{
	return contains_ci(subject, "delay") || contains_ci(subject, "warning: message");
}

/* ------------------------------------------------------------ addresses */

static int local_char(char c)
{
	return is_alnum(c) || (c && strchr(".!#$%&'*+/=?^_`{|}~-", c)) || (unsigned char)c >= 0x80;
}

static int domain_char(char c)
{
	return is_alnum(c) || c == '-' || c == '.' || (unsigned char)c >= 0x80;
}

/* The address around the '@' at s[at] as s[*b..*e); 0 when it is not one. */
static int addr_at(const char *s, size_t n, size_t at, size_t *b, size_t *e)
{
	size_t i = at, j = at + 1, dots = 0;

	while (i > 0 && at - i < 64 && local_char(s[i - 1]))
		i--;
	while (i < at && s[i] == '.')
		i++;
	while (j < n && j - at < 255 && domain_char(s[j]))
		j++;
	while (j > at + 1 && (s[j - 1] == '.' || s[j - 1] == '-'))
		j--; /* "... to bob@example.org." */
	for (size_t k = at + 1; k < j; k++)
		dots += s[k] == '.';
	if (i == at || j - at < 4 || !dots || s[at + 1] == '.')
		return 0;
	*b = i;
	*e = j;
	return 1;
}

static int excluded(const char *s, size_t n, const char *const *ex, size_t nex)
{
	for (const char *const *d = daemons; *d; d++)
		if (starts_ci(s, n, *d))
			return 1;
	for (size_t i = 0; i < nex; i++) {
		size_t m = ex[i] ? strlen(ex[i]) : 0;

		if (m == n && starts_ci(s, n, ex[i]))
			return 1; /* ex[] is lower case */
	}
	return 0;
}

struct scan {
	const char *t;
	size_t n;
	const char *const *ex;
	size_t nex;
	struct hd_bounce_guess *out;
};

/* The first usable address in t[from..to); 1 when found (stored in out). */
static int first_addr(struct scan *sc, size_t from, size_t to)
{
	for (size_t i = from; i < to; i++) {
		size_t b, e;

		if (sc->t[i] != '@' || !addr_at(sc->t, sc->n, i, &b, &e))
			continue;
		if (!excluded(sc->t + b, e - b, sc->ex, sc->nex)) {
			sc->out->recipient = sc->t + b;
			sc->out->recipient_len = e - b;
			return 1;
		}
		i = e;
	}
	return 0;
}

/* A line: [b, e) without its line end and surrounding white space. */
static size_t line_trim(const char *t, size_t n, size_t off, size_t *b, size_t *e)
{
	const char *nl = memchr(t + off, '\n', n - off);
	size_t end = nl ? (size_t)(nl - t) : n;

	*b = off;
	*e = end;
	while (*b < *e && (t[*b] == ' ' || t[*b] == '\t'))
		(*b)++;
	while (*e > *b && (t[*e - 1] == ' ' || t[*e - 1] == '\t' || t[*e - 1] == '\r'))
		(*e)--;
	return nl ? end + 1 : n;
}

/* Is t[b..e) exactly one usable address? Then it is the recipient. */
static int whole_addr(struct scan *sc, size_t b, size_t e)
{
	const char *at = b < e ? memchr(sc->t + b, '@', e - b) : NULL;
	size_t ab, ae;

	if (!at || !addr_at(sc->t, e, (size_t)(at - sc->t), &ab, &ae) || ab != b || ae != e ||
	    excluded(sc->t + b, e - b, sc->ex, sc->nex))
		return 0;
	sc->out->recipient = sc->t + b;
	sc->out->recipient_len = e - b;
	return 1;
}

/* Exim's "  bob@example.org" alone on a line, or Postfix's and qmail's
 * "<bob@example.org>: host ... said: ..." opening one. */
static int recipient_by_line(struct scan *sc)
{
	for (size_t off = 0, next; off < sc->n; off = next) {
		size_t b, e;

		next = line_trim(sc->t, sc->n, off, &b, &e);
		if (b < e && sc->t[b] == '<') {
			const char *close = memchr(sc->t + b, '>', e - b);
			size_t c = close ? (size_t)(close - sc->t) : e;

			if (close && (c + 1 == e || sc->t[c + 1] == ':') &&
			    whole_addr(sc, b + 1, c))
				return 1;
		} else if (whole_addr(sc, b, e)) {
			return 1;
		}
	}
	return 0;
}

static const char *const recipient_phrases[] = {
	"rcpt to:", "delivered to", "delivery to", "message to", "recipient", "failed:", NULL,
};

/* ---------------------------------------------------------------- scan */

/* An enhanced status code x.y.z (x in 2, 4, 5) standing alone. */
static int status_at(const char *t, size_t n, size_t i, size_t *len)
{
	size_t j = i + 1;

	if ((t[i] != '2' && t[i] != '4' && t[i] != '5') || (i > 0 && (is_alnum(t[i - 1]) ||
								     t[i - 1] == '.')))
		return 0;
	for (int part = 0; part < 2; part++) {
		size_t d = 0;

		if (j >= n || t[j] != '.')
			return 0;
		j++;
		while (j < n && is_digit(t[j]) && d < 4) {
			j++;
			d++;
		}
		if (d == 0 || d > 3)
			return 0;
	}
	if (j < n && (is_alnum(t[j]) || (t[j] == '.' && j + 1 < n && is_digit(t[j + 1]))))
		return 0;
	*len = j - i;
	return 1;
}

static void status_and_diagnostic(const char *t, size_t n, struct hd_bounce_guess *out)
{
	for (size_t off = 0, next; off < n; off = next) {
		size_t b, e, len;

		next = line_trim(t, n, off, &b, &e);
		for (size_t i = b; i < e && !out->status_len; i++) {
			if (status_at(t, e, i, &len)) {
				out->status = t + i;
				out->status_len = len;
				out->diagnostic = t + b;
				out->diagnostic_len = e - b > 500 ? 500 : e - b;
				return;
			}
		}
		/* an SMTP reply line without an enhanced code: "550 No such user" */
		if (!out->diagnostic_len && e - b > 4 && (t[b] == '5' || t[b] == '4') &&
		    is_digit(t[b + 1]) && is_digit(t[b + 2]) &&
		    (t[b + 3] == ' ' || t[b + 3] == '-')) {
			out->diagnostic = t + b;
			out->diagnostic_len = e - b > 500 ? 500 : e - b;
		}
	}
}

static void message_id(const char *t, size_t n, struct hd_bounce_guess *out)
{
	for (size_t off = 0, next; off < n; off = next) {
		size_t b, e;

		next = line_trim(t, n, off, &b, &e);
		if (starts_ci(t + b, e - b, "message-id:")) {
			b += strlen("message-id:");
			while (b < e && (t[b] == ' ' || t[b] == '\t'))
				b++;
			if (b < e) {
				out->message_id = t + b;
				out->message_id_len = e - b;
				return;
			}
		}
	}
}

void hd_bounce_scan(const char *text, size_t len, const char *const *exclude, size_t n,
		    struct hd_bounce_guess *out)
{
	struct scan sc = { text, len, exclude, n, out };

	memset(out, 0, sizeof(*out));
	if (!recipient_by_line(&sc)) {
		int found = 0;

		for (const char *const *p = recipient_phrases; *p && !found; p++) {
			size_t at = find_ci(text, len, 0, *p);

			if (at < len)
				found = first_addr(&sc, at, at + 300 < len ? at + 300 : len);
		}
		if (!found)
			first_addr(&sc, 0, len);
	}
	status_and_diagnostic(text, len, out);
	message_id(text, len, out);
}
