/*
 * static.c — serving the embedded web app (see static.h).
 *
 * The router calls hd_static_serve() for a GET that matched no API route.
 * Paths are only ever looked up in the generated table (never the file
 * system), so "..", NULs or odd characters simply find nothing.
 *
 * Caching: a file under /assets/ is named by its content hash, so it is
 * sent with a year of max-age and "immutable"; index.html names the current
 * hashes and is never cached, so a new binary is picked up by the next page
 * load. /portal and /portal/... answer portal.html, the customers' page,
 * instead. This module must never serve anything under /api/ or /confirm/.
 */
#include <string.h>
#include <strings.h>

#include "http/http.h"
#include "http/static.h"
#include "util/banned.h"

#define CACHE_FOREVER "public, max-age=31536000, immutable"

const struct hd_web_asset *hd_web_asset_find(const char *path)
{
	size_t lo = 0, hi = hd_web_nassets;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(path, hd_web_assets[mid].path);

		if (c == 0)
			return &hd_web_assets[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

/* Whether the parameters of one Accept-Encoding element (after its ';',
 * up to `end`) say q=0, i.e. "not acceptable". */
static int q_is_zero(const char *p, const char *end)
{
	p += strspn(p, " \t");
	if (end - p < 3 || (p[0] != 'q' && p[0] != 'Q') || p[1] != '=')
		return 0;
	p += 2;
	if (*p != '0')
		return 0;
	for (p++; p < end && *p != ' ' && *p != '\t'; p++)
		if (*p != '.' && *p != '0')
			return 0;
	return 1;
}

int hd_static_accepts_gzip(const char *ae)
{
	const char *p = ae;
	int gzip = -1, star = -1; /* -1: not named; else whether acceptable */

	if (!ae)
		return 0;
	while (*p) {
		const char *end, *semi;
		size_t n;
		int ok;

		p += strspn(p, " \t,");
		if (!*p)
			break;
		end = p + strcspn(p, ",");
		n = strcspn(p, " \t;,");
		semi = memchr(p, ';', (size_t)(end - p));
		ok = !semi || !q_is_zero(semi + 1, end);
		if (n == 4 && !strncasecmp(p, "gzip", 4))
			gzip = ok;
		else if (n == 1 && *p == '*')
			star = ok;
		p = end;
	}
	/* "*" stands for the codings not named (RFC 9110, 12.5.3) */
	return gzip >= 0 ? gzip : star > 0;
}

/* Whether the app owns `path`: not the API, not the confirmation pages. */
static int app_path(const char *path)
{
	return path[0] == '/' && strncmp(path, "/api/", 5) != 0 && strcmp(path, "/api") != 0 &&
	       strncmp(path, "/confirm/", 9) != 0;
}

/* Whether the last segment of `path` looks like a file name (has a dot). */
static int has_extension(const char *path)
{
	const char *last = strrchr(path, '/');

	return strchr(last ? last : path, '.') != NULL;
}

/* Whether `path` is a portal sign-in link, /portal/signin/<token>: the
 * token (util/signin_link.h) has dots, so it is let through by name. */
static int portal_signin(const char *path)
{
	static const char prefix[] = "/portal/signin/";
	const char *t = path + sizeof(prefix) - 1;

	if (strncmp(path, prefix, sizeof(prefix) - 1) != 0)
		return 0;
	return *t && strlen(t) < 256 &&
	       strspn(t, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-") ==
	           strlen(t);
}

const struct hd_web_asset *hd_static_route(const char *path)
{
	if (!app_path(path) || strcmp(path, "/assets") == 0)
		return NULL;
	if (strncmp(path, "/assets/", 8) == 0)
		return hd_web_asset_find(path);
	if (portal_signin(path))
		return hd_web_asset_find("/portal.html");
	if (has_extension(path))
		return NULL;
	/* the customer portal is a page of its own (web/src/portal/) */
	if (strcmp(path, "/portal") == 0 || strncmp(path, "/portal/", 8) == 0)
		return hd_web_asset_find("/portal.html");
	return hd_web_asset_find("/index.html");
}

int hd_static_serve(struct hd_req *r, struct hd_res *res)
{
	const struct hd_web_asset *a = hd_static_route(r->path);

	if (!a)
		return 0;
	res->status = 200;
	res->ctype = a->content_type;
	res->cache_control = a->hashed ? CACHE_FOREVER : NULL;
	if (strncmp(a->content_type, "text/html", 9) == 0)
		res->csp = HD_WEB_CSP;
	res->static_body = a->data;
	res->len = a->len;
	if (a->gzip) {
		res->vary = "Accept-Encoding";
		if (hd_static_accepts_gzip(hd_req_header(r, MHD_HTTP_HEADER_ACCEPT_ENCODING))) {
			res->static_body = a->gzip;
			res->len = a->gzip_len;
			res->encoding = "gzip";
		}
	}
	return 1;
}
