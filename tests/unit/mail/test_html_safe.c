/*
 * test_html_safe.c — mail HTML made safe: nothing that runs, loads or
 * submits survives; what people read does.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "mail/html_safe.h"

static char out_buf[1 << 16];
static int blocked;

static const char *safe(const char *html, int images)
{
	struct hd_sbuf out;

	hd_sbuf_init(&out, 1 << 20);
	assert_int_equal(hd_html_safe(html, strlen(html), images, &out, &blocked), 0);
	assert_true(out.len < sizeof(out_buf));
	memcpy(out_buf, out.buf, out.len + 1);
	hd_sbuf_release(&out);
	return out_buf;
}

#define HAS(s, x) assert_non_null(strstr((s), (x)))
#define HASNT(s, x)                                                                            \
	do {                                                                                   \
		if (strcasestr((s), (x)))                                                      \
			fail_msg("output has \"%s\": %s", (x), (s));                          \
	} while (0)

static void text_and_formatting_stay(void **state)
{
	const char *s = safe("<p>Hello <b>Ann</b>,<br>your <a href=\"https://example.com/t?a=1&amp;b=2\">"
			     "order</a> &amp; more.</p><table><tr><td colspan=2>x</td></tr></table>",
			     0);

	HAS(s, "<p>Hello <b>Ann</b>,<br>your ");
	HAS(s, "href=\"https://example.com/t?a=1&amp;b=2\"");
	HAS(s, "rel=\"noopener noreferrer\"");
	HAS(s, "&amp; more.</p>");
	HAS(s, "<td colspan=\"2\">x</td>");
	assert_int_equal(strncmp(s, "<!doctype html>", 15), 0);
}

static void scripts_and_handlers_go(void **state)
{
	static const char *const evil[] = {
		"<script>alert(1)</script><p>ok</p>",
		"<img src=x onerror=alert(1)>",
		"<body onload=alert(1)><p>ok</p></body>",
		"<a href=\"javascript:alert(1)\">x</a>",
		"<a href=\" \tjavascript:alert(1)\">x</a>",
		"<a href=\"JaVaScRiPt:alert(1)\">x</a>",
		"<a href=\"data:text/html,<script>alert(1)</script>\">x</a>",
		"<a href=\"vbscript:msgbox\">x</a>",
		"<svg onload=alert(1)><script>alert(1)</script></svg>",
		"<math><mi xlink:href=\"javascript:alert(1)\">x</mi></math>",
		"<iframe src=\"https://evil.example\"></iframe>",
		"<object data=\"x.swf\"></object><embed src=\"x.swf\">",
		"<form action=\"https://evil.example\"><input name=p><button>Go</button></form>",
		"<meta http-equiv=\"refresh\" content=\"0;url=https://evil.example\">",
		"<base href=\"https://evil.example/\"><link rel=stylesheet href=\"https://evil.example/a.css\">",
		"<div style=\"background:url(https://evil.example/t.gif)\">x</div>",
		"<div style=\"width:expression(alert(1))\">x</div>",
		"<style>@import 'https://evil.example/a.css'; body{background:url(x)}</style>",
		"<p>a<!-- <script>alert(1)</script> -->b</p>",
		"<scr<script>ipt>alert(1)</script>",
		"<img src=\"data:image/svg+xml,<svg onload=alert(1)>\">",
		"<template><script>alert(1)</script></template>",
		"<video src=x onerror=alert(1)></video><audio src=x>",
		"<p title=\"x\" onclick=\"alert(1)\" onmouseover=alert(2)>t</p>",
	};

	for (size_t i = 0; i < sizeof(evil) / sizeof(evil[0]); i++) {
		const char *s = safe(evil[i], 1);

		HASNT(s, "<script");
		HASNT(s, "javascript:");
		HASNT(s, "vbscript:");
		HASNT(s, "onerror");
		HASNT(s, "onload");
		HASNT(s, "onclick");
		HASNT(s, "onmouseover");
		HASNT(s, "<iframe");
		HASNT(s, "<object");
		HASNT(s, "<embed");
		HASNT(s, "<form");
		HASNT(s, "<input");
		HASNT(s, "<meta http-equiv");
		HASNT(s, "evil.example");
		HASNT(s, "expression(");
		HASNT(s, "url(");
		HASNT(s, "data:text");
		HASNT(s, "data:image/svg");
		HASNT(s, "<svg");
		HASNT(s, "<style");
	}
}

static void remote_images_wait_for_the_agent(void **state)
{
	const char *html = "<p><img alt=\"logo\" src=\"https://tracker.example/p.gif?u=1\">"
			   "<img src=\"http://t.example/x.png\"><img src=\"data:image/png;base64,iVBOR\">"
			   "<img src=\"cid:part1@x\"></p>";
	const char *s = safe(html, 0);

	assert_int_equal(blocked, 2);
	HASNT(s, " src=\"https://");
	HASNT(s, " src=\"http://");
	HAS(s, "data-heed-src=\"https://tracker.example/p.gif?u=1\"");
	HAS(s, "alt=\"logo\"");
	HAS(s, "src=\"data:image/png;base64,iVBOR\"");
	HASNT(s, "cid:");
	s = safe(html, 1);
	assert_int_equal(blocked, 0);
	HAS(s, " src=\"https://tracker.example/p.gif?u=1\"");
}

static void broken_and_hostile_structure(void **state)
{
	char deep[20000];
	size_t n = 0;

	/* unclosed tags, stray closers, and nesting deeper than any mail */
	safe("<p><b><i>unclosed <td>cell</tr></table></div>", 0);
	HAS(out_buf, "unclosed");
	for (int i = 0; i < 3000 && n + 6 < sizeof(deep); i++) {
		memcpy(deep + n, "<div>", 5);
		n += 5;
	}
	memcpy(deep + n, "deep", 5);
	safe(deep, 0);
	safe("", 0);
	HAS(out_buf, "<body></body>");
	/* attribute values cannot break out of their quotes */
	safe("<p title='a\"><script>alert(1)</script>'>x</p>", 0);
	HASNT(out_buf, "<script");
	HAS(out_buf, "title=\"a&quot;&gt;&lt;script&gt;");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(text_and_formatting_stay),
		cmocka_unit_test(scripts_and_handlers_go),
		cmocka_unit_test(remote_images_wait_for_the_agent),
		cmocka_unit_test(broken_and_hostile_structure),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
