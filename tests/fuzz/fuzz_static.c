/*
 * fuzz_static.c — arbitrary bytes as a URL path and an Accept-Encoding
 * header (split at the first newline) for the web app's path routing and
 * gzip negotiation (http/static). Whatever the input, nothing under /api/ or
 * /confirm/ is ever the app's, and index.html is only for paths without a
 * file extension (a portal sign-in link's token may have dots).
 */
#include <assert.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "http/static.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char buf[4096];
	char *nl, *ae = NULL;
	const struct hd_web_asset *a;

	if (size >= sizeof(buf))
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	nl = strchr(buf, '\n');
	if (nl) {
		*nl = '\0';
		ae = nl + 1;
	}
	a = hd_static_route(buf);
	if (a) {
		assert(buf[0] == '/');
		assert(strncmp(buf, "/api/", 5) != 0 && strncmp(buf, "/confirm/", 9) != 0);
		if (a->hashed)
			assert(strcmp(buf, a->path) == 0); /* an asset only by its own name */
		else if (strncmp(buf, "/portal/signin/", 15) != 0)
			assert(strchr(strrchr(buf, '/'), '.') == NULL);
	}
	(void)hd_static_accepts_gzip(ae);
	return 0;
}
