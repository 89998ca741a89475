/*
 * test_html_text.c — readable text from HTML (domain/html_text): hidden
 * elements, line structure, white space, character references, caps.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "domain/html_text.h"
#include "util/err.h"

struct html_case {
	const char *name;
	const char *html;
	const char *text;
};

static const struct html_case cases[] = {
	{ "paragraphs", "<p>Hello</p><p>World</p>", "Hello\n\nWorld" },
	{ "line breaks", "a<br>b<br/><BR >c<br><br><br><br>d", "a\nb\n\nc\n\nd" },
	{ "hidden elements",
	  "<html><head><title>T</title><style>p{color:red}</style></head>"
	  "<body><script type=\"text/javascript\">alert('<p>x</p>')</script>Hi</body></html>",
	  "Hi" },
	{ "named references", "&amp; &lt; &gt; &quot; &apos; &#39; &copy; &eacute;&Auml; &euro;",
	  "& < > \" ' ' \xc2\xa9 \xc3\xa9\xc3\x84 \xe2\x82\xac" },
	{ "nbsp is a space that stays", "a&nbsp;&nbsp;b", "a  b" },
	{ "numeric references", "&#233;&#xE9;&#XE9;&#150;&#x1F600;",
	  "\xc3\xa9\xc3\xa9\xc3\xa9\xe2\x80\x93\xf0\x9f\x98\x80" },
	{ "invalid code points", "&#0;&#xD800;&#1114112;&#99999999999;",
	  "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd" },
	{ "unknown references stay", "&bogus; & &#; &#xZZ; AT&T", "&bogus; & &#; &#xZZ; AT&T" },
	{ "white space collapses", "  a \n\t b  \r\n c ", "a b c" },
	{ "pre keeps white space", "<pre>a\n  b</pre>c", "a\n  b\n\nc" },
	{ "lists", "<ul><li>one</li><li>two</li></ul>after", "- one\n- two\n\nafter" },
	{ "blockquote is quoted", "<p>Reply</p><blockquote>old<br>text<blockquote>older"
				  "</blockquote></blockquote>",
	  "Reply\n\n> old\n> text\n\n>> older" },
	{ "comments", "a<!-- <p>hidden</p> -->b<!-- never closed", "ab" },
	{ "literal less-than", "1 < 2 and 3<4 <", "1 < 2 and 3<4 <" },
	{ "tables", "<table><tr><td>a</td><td>b</td></tr><tr><th>c</th></tr></table>",
	  "a b\nc" },
	{ "quoted > in attribute", "<a title=\"a>b\" href='x>y'>link</a> here", "link here" },
	{ "header is not head", "<header>Top</header>body", "Top\nbody" },
	{ "unclosed head is shown", "<head><p>x", "x" },
	{ "unclosed script hides the rest", "shown<script>var a = 1; hidden", "shown" },
	{ "doctype and processing instructions", "<!DOCTYPE html><?xml version=\"1.0\"?>x", "x" },
	{ "divs", "<div>a</div><div>b</div><div><br></div><div>c</div>", "a\nb\n\nc" },
	{ "soft hyphen vanishes", "co&shy;operate", "cooperate" },
	{ "empty", "", "" },
	{ "only markup", "<html><body><p></p><br></body></html>", "" },
	{ "utf-8 passes through", "<b>gr\xc3\xbc\xc3\x9f</b> \xe6\x97\xa5\xe6\x9c\xac",
	  "gr\xc3\xbc\xc3\x9f \xe6\x97\xa5\xe6\x9c\xac" },
};

static void converts_each_case(void **state)
{
	int bad = 0;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct hd_sbuf out;

		hd_sbuf_init(&out, 1 << 16);
		assert_int_equal(hd_html_to_text(cases[i].html, strlen(cases[i].html), &out), 0);
		bad += strcmp(out.buf, cases[i].text) != 0;
		if (strcmp(out.buf, cases[i].text))
			print_error("%s: got \"%s\", want \"%s\"\n", cases[i].name, out.buf,
				    cases[i].text);
		hd_sbuf_release(&out);
	}
	assert_int_equal(bad, 0);
}

static void appends_after_existing_content(void **state)
{
	struct hd_sbuf out;

	hd_sbuf_init(&out, 1 << 10);
	assert_int_equal(hd_sbuf_adds(&out, "X: "), 0);
	assert_int_equal(hd_html_to_text("<p> Hello </p><br><br>", 22, &out), 0);
	assert_string_equal(out.buf, "X: Hello");
	hd_sbuf_release(&out);
}

static void reads_only_len_bytes(void **state)
{
	struct hd_sbuf out;

	hd_sbuf_init(&out, 1 << 10);
	assert_int_equal(hd_html_to_text("<p>abc</p>NOT THIS", 10, &out), 0);
	assert_string_equal(out.buf, "abc");
	hd_sbuf_release(&out);
}

static void full_buffer_is_an_error(void **state)
{
	struct hd_sbuf out;

	hd_sbuf_init(&out, 8);
	assert_int_equal(hd_html_to_text("<p>a long paragraph</p>", 23, &out), HD_ETOOBIG);
	hd_sbuf_release(&out);
}

static void hostile_input_stays_linear(void **state)
{
	/* many unclosed <head> tags and references: must finish quickly */
	size_t n = 1 << 20;
	char *html = malloc(n);
	struct hd_sbuf out;

	assert_non_null(html);
	for (size_t i = 0; i < n; i++)
		html[i] = "<head>&amp"[i % 10];
	hd_sbuf_init(&out, n * 8);
	assert_int_equal(hd_html_to_text(html, n, &out), 0);
	hd_sbuf_release(&out);
	free(html);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(converts_each_case),
		cmocka_unit_test(appends_after_existing_content),
		cmocka_unit_test(reads_only_len_bytes),
		cmocka_unit_test(full_buffer_is_an_error),
		cmocka_unit_test(hostile_input_stays_linear),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
