/*
 * imap_folder.c — an IMAP folder name as modified UTF-7, as a quoted string
 * and as a URL path (see imap_folder.h).
 *
 * GLib does the charset work (UTF-8 to UTF-16BE, base64) and libcurl the URL
 * escaping; this file only applies RFC 3501's rules around them. The bytes
 * produced here end up on the wire in EXAMINE, SELECT, MOVE, COPY and CREATE
 * commands, so any change shows up at the IMAP server.
 *
 * Must never: let a control character (CR, LF above all) or a byte of
 * malformed UTF-8 through, or write past a caller's buffer.
 */
#include <assert.h>
#include <stdio.h>
#include <string.h>

#include <curl/curl.h>
#include <glib.h>

#include "mail/imap_folder.h"
#include "util/err.h"
#include "util/sbuf.h"
#include "util/banned.h"

/* Append the UTF-8 run `utf8[0..len)` to `out` as "&" + its UTF-16BE in
 * base64 with "," for "/" and no padding + "-". */
static int mb64_run(struct hd_sbuf *out, const char *utf8, size_t len)
{
	gsize n16 = 0;
	gchar *be = g_convert(utf8, (gssize)len, "UTF-16BE", "UTF-8", NULL, &n16, NULL);
	gchar *b64 = be ? g_base64_encode((const guchar *)be, n16) : NULL;
	size_t n = 0;
	int rc = HD_EINVAL;

	if (!b64)
		goto out;
	for (; b64[n] && b64[n] != '='; n++)
		if (b64[n] == '/')
			b64[n] = ',';
	rc = hd_sbuf_add(out, "&", 1);
	if (!rc)
		rc = hd_sbuf_add(out, b64, n);
	if (!rc)
		rc = hd_sbuf_add(out, "-", 1);
out:
	g_free(be);
	g_free(b64);
	return rc;
}

int hd_imap_folder_encode(const char *folder, struct hd_sbuf *out)
{
	const unsigned char *p = (const unsigned char *)folder, *run;
	int rc = 0;

	assert(folder && out);
	if (!g_utf8_validate(folder, -1, NULL))
		return HD_EINVAL;
	while (*p && !rc) {
		if (*p < 0x20 || *p == 0x7f)
			return HD_EINVAL;
		if (*p < 0x80) {
			rc = *p == '&' ? hd_sbuf_adds(out, "&-") : hd_sbuf_add(out, p, 1);
			p++;
			continue;
		}
		for (run = p; *p >= 0x80; p++)
			;
		rc = mb64_run(out, (const char *)run, (size_t)(p - run));
	}
	return rc;
}

/* Append `s[0..len)` to `out` as an IMAP quoted string: in quotes, with a
 * backslash before each '"' and '\'. */
static int quote(struct hd_sbuf *out, const char *s, size_t len)
{
	int rc = hd_sbuf_add(out, "\"", 1);

	for (size_t i = 0; i < len && !rc; i++) {
		if (s[i] == '"' || s[i] == '\\')
			rc = hd_sbuf_add(out, "\\", 1);
		if (!rc)
			rc = hd_sbuf_add(out, &s[i], 1);
	}
	if (!rc)
		rc = hd_sbuf_add(out, "\"", 1);
	return rc;
}

/* `base` + `s[0..len)` percent-encoded into `url` (`urlsize` bytes).
 * curl_easy_escape ignores its handle since libcurl 7.82. */
static int url_path(char *url, size_t urlsize, const char *base, const char *s, size_t len)
{
	char *esc = curl_easy_escape(NULL, s, (int)len);
	int n;

	if (!esc)
		return HD_ENOMEM;
	n = snprintf(url, urlsize, "%s%s", base, esc);
	curl_free(esc);
	return n < 0 || (size_t)n >= urlsize ? HD_EINVAL : 0;
}

int hd_imap_folder_names(const char *folder, const char *base, char *arg, size_t argsize, char *url,
                         size_t urlsize)
{
	struct hd_sbuf enc, q;
	int rc;

	assert(folder && arg && argsize > 0);
	assert(!url || (base && urlsize > 0));
	hd_sbuf_init(&enc, HD_IMAP_FOLDER_MAX);
	hd_sbuf_init(&q, argsize);
	if (!*folder) {
		rc = HD_EINVAL;
		goto out;
	}
	rc = hd_imap_folder_encode(folder, &enc);
	if (!rc)
		rc = quote(&q, enc.buf, enc.len);
	if (rc)
		goto out;
	memcpy(arg, q.buf, q.len + 1);
	if (url)
		rc = url_path(url, urlsize, base, enc.buf, enc.len);
out:
	hd_sbuf_release(&enc);
	hd_sbuf_release(&q);
	return rc;
}
