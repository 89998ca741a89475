/*
 * fuzz_html_safe.c — arbitrary bytes as a mail's HTML body through
 * mail/html_safe: never a crash, and the output never carries a script
 * element, an event handler attribute or a javascript: URL, with or
 * without remote images.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mail/html_safe.h"

/* A URL html_safe may write: web, mail and inline images only. */
static int url_ok(const char *v)
{
	return !strncasecmp(v, "http:", 5) || !strncasecmp(v, "https:", 6) ||
	       !strncasecmp(v, "mailto:", 7) || !strncasecmp(v, "data:image/", 11);
}

/* Text is escaped (no raw "<" in it) and attribute values are written in
 * double quotes with < > " escaped, so each "<...>" of the output is exactly
 * one tag html_safe wrote. With the quoted values taken out, no tag may be a
 * script, frame, object or form, or carry an event handler; every href and
 * src must be a URL of an allowed kind. */
static void check(const char *s)
{
	static const char *const bad[] = { "<script", "<iframe", "<object", "<embed", "<form",
					   "<svg", "<style", " on", NULL };
	char tag[8192], bare[8192];

	for (const char *p = strchr(s, '<'); p; p = strchr(p + 1, '<')) {
		const char *end = strchr(p, '>');
		size_t n, b = 0;
		int quoted = 0;

		if (!end)
			abort(); /* an unclosed tag in our own output */
		n = (size_t)(end - p);
		if (n >= sizeof(tag))
			n = sizeof(tag) - 1;
		memcpy(tag, p, n);
		tag[n] = '\0';
		for (size_t i = 0; i < n; i++) {
			if (tag[i] != '"') {
				if (!quoted)
					bare[b++] = tag[i];
				continue;
			}
			quoted = !quoted;
			/* a value opens: its attribute is the word before "=" */
			if (quoted && ((i >= 5 && !strncmp(tag + i - 5, " src=", 5)) ||
				       (i >= 6 && !strncmp(tag + i - 6, " href=", 6))) &&
			    !url_ok(tag + i + 1))
				abort();
		}
		bare[b] = '\0';
		for (int i = 0; bad[i]; i++)
			if (strcasestr(bare, bad[i]))
				abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	for (int images = 0; images < 2; images++) {
		struct hd_sbuf out;

		hd_sbuf_init(&out, 16u << 20);
		if (hd_html_safe((const char *)data, size, images, &out, NULL) == 0)
			check(out.buf);
		hd_sbuf_release(&out);
	}
	return 0;
}
