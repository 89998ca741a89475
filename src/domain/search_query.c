/*
 * search_query.c — user text to FTS5 expression (see search_query.h).
 *
 * A term is a run of "word" bytes: ASCII letters and digits, '_', and every
 * byte >= 0x80 (so UTF-8 words stay whole); anything else separates terms,
 * except inside double quotes, where it becomes part of a phrase.
 */
#include <string.h>

#include "domain/search_query.h"
#include "util/banned.h"

static int is_word(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c >= 0x80;
}

/* Emit one quoted FTS5 string made of the word runs in s[0..n), separated by
 * single spaces (a phrase when there are several). Returns 1 if emitted. */
static int emit(struct hd_sbuf *out, const char *s, size_t n, int prefix, int first, int *rc)
{
	int any = 0;

	for (size_t i = 0; i < n;) {
		size_t j = i;

		while (j < n && is_word((unsigned char)s[j]))
			j++;
		if (j > i) {
			if (!any)
				*rc = *rc ? *rc : hd_sbuf_adds(out, first ? "\"" : " \"");
			else
				*rc = *rc ? *rc : hd_sbuf_adds(out, " ");
			*rc = *rc ? *rc : hd_sbuf_add(out, s + i, j - i);
			any = 1;
			i = j;
		} else {
			i++;
		}
	}
	if (any) {
		*rc = *rc ? *rc : hd_sbuf_adds(out, "\"");
		if (prefix)
			*rc = *rc ? *rc : hd_sbuf_adds(out, "*");
	}
	return any;
}

int hd_search_query_build(const char *q, struct hd_sbuf *out, struct hd_err *err)
{
	size_t n = strlen(q), i = 0;
	int terms = 0, rc = 0;

	while (i < n && terms < HD_SEARCH_MAX_TERMS && !rc) {
		if (q[i] == '"') {
			const char *end = memchr(q + i + 1, '"', n - i - 1);
			size_t len = end ? (size_t)(end - (q + i + 1)) : n - i - 1;

			terms += emit(out, q + i + 1, len, 0, terms == 0, &rc);
			i += len + 1 + (end ? 1 : 0);
		} else if (is_word((unsigned char)q[i])) {
			size_t j = i;

			while (j < n && is_word((unsigned char)q[j]))
				j++;
			terms += emit(out, q + i, j - i, j < n && q[j] == '*', terms == 0, &rc);
			i = j;
		} else {
			i++;
		}
	}
	if (rc)
		return hd_err_set(err, rc, "q", "the search query is too long");
	if (!terms)
		return hd_err_set(err, HD_EINVAL, "q", "the search query has no word to look for");
	return 0;
}
