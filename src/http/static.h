/*
 * static.h — the agent web app, embedded in the binary and served by heed.
 *
 * web/build.mjs bundles the app; web/embed.mjs turns the bundle into a
 * generated C file (web_assets.c in the build directory) that defines
 * hd_web_assets[]: every file of the app, sorted by path. Nothing here reads
 * the file system.
 */
#ifndef HD_HTTP_STATIC_H
#define HD_HTTP_STATIC_H

#include <stddef.h>

struct hd_req;
struct hd_res;

/** One file of the web app. All pointers are to static storage. */
struct hd_web_asset {
	const char *path;          /* URL path: "/index.html", "/assets/main-3FQX2K.js" */
	const char *content_type;  /* with charset for text */
	const unsigned char *data; /* the file */
	size_t len;
	const unsigned char *gzip; /* the file gzipped, or NULL when that is not smaller */
	size_t gzip_len;
	int hashed; /* the name carries the content's hash: cacheable forever */
};

/** The app's files, sorted by path (strcmp), and how many (generated). */
extern const struct hd_web_asset hd_web_assets[];
extern const size_t hd_web_nassets;

/** The Content-Security-Policy of the app's HTML: scripts, styles, images,
 * fonts and requests from heed itself only; no inline script or style. */
#define HD_WEB_CSP                                                                                 \
	"default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "          \
	"connect-src 'self'; font-src 'self'; frame-src 'self'; form-action 'self'; "              \
	"base-uri 'none'; frame-ancestors 'none'"

/** The asset at exactly `path`, or NULL. */
const struct hd_web_asset *hd_web_asset_find(const char *path);

/**
 * Which asset answers a GET of `path` (the URL path, without the query):
 *   /assets/<name>       that file, if there is one;
 *   any other path outside /api/, /assets/ and /confirm/ whose last segment
 *                        has no file extension (/, /tickets/12): index.html
 *                        (the app routes in the browser), except /portal
 *                        and /portal/...: portal.html (the customer portal);
 *   /portal/signin/<token>  portal.html, though the token has dots;
 *   anything else        NULL (the caller answers 404).
 */
const struct hd_web_asset *hd_static_route(const char *path);

/** Whether an Accept-Encoding header value (may be NULL) lets us send gzip:
 * a "gzip" element (any case) that is not q=0, or, without one, a "*" that
 * is not q=0. */
int hd_static_accepts_gzip(const char *accept_encoding);

/**
 * Answer a GET (or HEAD) that no API route matched with hd_static_route()'s
 * asset: a hashed one cached for a year, the others (index.html) no-store;
 * HTML with HD_WEB_CSP; gzipped when the client accepts it. Returns 1 when
 * it answered `res`, 0 when the path is not the app's (the caller answers
 * 404).
 */
int hd_static_serve(struct hd_req *r, struct hd_res *res);

#endif
