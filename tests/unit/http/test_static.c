/*
 * test_static.c — the embedded web app's table and which asset answers
 * which path (http/static): index.html for the app's routes, hashed files
 * under /assets/, nothing for the API, the confirmation pages or file names;
 * and the Accept-Encoding rule for gzip.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "http/static.h"

static void test_table_sorted_and_complete(void **state)
{
	int js = 0, css = 0;

	assert_true(hd_web_nassets >= 3);
	for (size_t i = 0; i < hd_web_nassets; i++) {
		const struct hd_web_asset *a = &hd_web_assets[i];

		if (i > 0)
			assert_true(strcmp(hd_web_assets[i - 1].path, a->path) < 0);
		assert_ptr_equal(hd_web_asset_find(a->path), a);
		assert_true(a->len > 0);
		if (a->gzip)
			assert_true(a->gzip_len > 0 && a->gzip_len < a->len);
		assert_int_equal(a->hashed, strncmp(a->path, "/assets/", 8) == 0);
		js += strstr(a->path, ".js") != NULL;
		css += strstr(a->path, ".css") != NULL;
	}
	assert_int_equal(js, 2); /* the agent app and the customer portal */
	assert_int_equal(css, 2);
	assert_null(hd_web_asset_find(""));
	assert_null(hd_web_asset_find("/"));
	assert_null(hd_web_asset_find("/index.htm"));
}

static void test_route(void **state)
{
	const struct hd_web_asset *index = hd_web_asset_find("/index.html");
	/* clang-format off */
	static const char *const app[] = {
		"/", "/queue/all", "/tickets/12", "/tickets/12/", "/a/b/c", "/a.b/c", "/api2",
		"/confirm", "/assetsx", "/portalx", "/portals/1",
	};
	static const char *const none[] = {
		"", "api", "/api", "/api/", "/api/v1/tickets", "/confirm/abc", "/assets", "/assets/",
		"/assets/nope.js", "/assets/../index.html", "/index.html", "/favicon.ico",
		"/tickets/12.json", "/a.b/c.d",
	};
	/* clang-format on */

	static const char *const portal_paths[] = {
	    "/portal",
	    "/portal/",
	    "/portal/tickets",
	    "/portal/tickets/12",
	    "/portal/signin/abc_12",
	    "/portal/signin/12.1763900000000.00ff.Ab-_9", /* a sign-in token has dots */
	};
	const struct hd_web_asset *portal = hd_web_asset_find("/portal.html");

	assert_non_null(portal);
	assert_false(portal->hashed);
	assert_non_null(strstr(portal->content_type, "text/html"));
	for (size_t i = 0; i < sizeof(portal_paths) / sizeof(portal_paths[0]); i++)
		assert_ptr_equal(hd_static_route(portal_paths[i]), portal);
	assert_null(hd_static_route("/portal.html"));
	assert_null(hd_static_route("/portal/x.js"));
	assert_null(hd_static_route("/portal/signin/a/b.c"));
	assert_null(hd_static_route("/portal/signin/a b.c"));
	assert_non_null(index);
	assert_false(index->hashed);
	assert_non_null(strstr(index->content_type, "text/html"));
	for (size_t i = 0; i < sizeof(app) / sizeof(app[0]); i++)
		assert_ptr_equal(hd_static_route(app[i]), index);
	for (size_t i = 0; i < sizeof(none) / sizeof(none[0]); i++)
		assert_null(hd_static_route(none[i]));
	for (size_t i = 0; i < hd_web_nassets; i++)
		if (hd_web_assets[i].hashed)
			assert_ptr_equal(hd_static_route(hd_web_assets[i].path), &hd_web_assets[i]);
}

static void test_accepts_gzip(void **state)
{
	/* clang-format off */
	static const char *const yes[] = {
		"gzip", "GZIP", "gzip, deflate, br", "br;q=1.0, gzip;q=0.5", " deflate ,gzip",
		"*", "gzip;q=0.001", "gzip; q=1", "*, gzip;q=0.5",
	};
	static const char *const no[] = {
		"", ",,,", "br", "identity", "gzipx", "xgzip", "x-gzip", "gzip;q=0",
		"gzip; q=0.000", "gzip;Q=0.0", "*;q=0", "deflate;gzip", "gzip;q=0, *", "*, gzip;q=0",
	};
	/* clang-format on */

	assert_false(hd_static_accepts_gzip(NULL));
	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		if (!hd_static_accepts_gzip(yes[i]))
			fail_msg("should accept gzip: \"%s\"", yes[i]);
	for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		if (hd_static_accepts_gzip(no[i]))
			fail_msg("should not accept gzip: \"%s\"", no[i]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_table_sorted_and_complete),
	    cmocka_unit_test(test_route),
	    cmocka_unit_test(test_accepts_gzip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
