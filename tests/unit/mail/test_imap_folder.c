/*
 * test_imap_folder.c — mail/imap_folder: a folder name as modified UTF-7
 * (RFC 3501 5.1.3), as an IMAP quoted string and as an imap:// URL path.
 *
 * The expected values were checked outside this code: RFC 3501's own example
 * ("~peter/mail/&U,BTFw-/&ZeVnLIqe-"), and Python's base64 of the UTF-16BE
 * (and its "utf-7" codec, which writes "+" for "&" and "/" for ","). Non-ASCII
 * input is spelled as \x escapes so the source encoding cannot matter.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <glib.h>

#include "mail/imap_folder.h"
#include "util/err.h"
#include "util/sbuf.h"

#define BASE    "imap://127.0.0.1:143/"
#define ARG_MAX 2048 /* as imap.c's command buffers */
#define URL_MAX 4096

struct folder_case {
	const char *what;
	const char *folder; /* UTF-8 */
	const char *arg;    /* quoted modified UTF-7 */
	const char *path;   /* URL path after BASE */
};

static const struct folder_case cases[] = {
    {"ASCII", "INBOX", "\"INBOX\"", "INBOX"},
    {"space", "Support Queue", "\"Support Queue\"", "Support%20Queue"},
    {"hierarchy and brackets", "[Gmail]/Sent Mail", "\"[Gmail]/Sent Mail\"",
     "%5BGmail%5D%2FSent%20Mail"},
    {"URL-unreserved characters stay", "x.y_z-~", "\"x.y_z-~\"", "x.y_z-~"},
    {"URL-reserved characters", "% ?#;+,=", "\"% ?#;+,=\"", "%25%20%3F%23%3B%2B%2C%3D"},
    {"& alone", "&", "\"&-\"", "%26-"},
    {"& inside", "R&D", "\"R&-D\"", "R%26-D"},
    {"&&", "&&", "\"&-&-\"", "%26-%26-"},
    {"Entw\xc3\xbcrfe (u-umlaut)", "Entw\xc3\xbcrfe", "\"Entw&APw-rfe\"", "Entw%26APw-rfe"},
    {"e-acute", "\xc3\xa9", "\"&AOk-\"", "%26AOk-"},
    {"two characters are one run", "\xc3\xa9\xc3\xa9", "\"&AOkA6Q-\"", "%26AOkA6Q-"},
    {"three characters, no padding", "\xc3\xa9\xc3\xa9\xc3\xa9", "\"&AOkA6QDp-\"", "%26AOkA6QDp-"},
    {"ASCII ends a run", "a \xc3\xa9 b", "\"a &AOk- b\"", "a%20%26AOk-%20b"},
    {"& next to a run", "\xce\xa9mega&\xce\xa9", "\"&A6k-mega&-&A6k-\"", "%26A6k-mega%26-%26A6k-"},
    {"euro sign", "\xe2\x82\xac", "\"&IKw-\"", "%26IKw-"},
    {"Japanese (RFC 3501 5.1.3)", "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e", "\"&ZeVnLIqe-\"",
     "%26ZeVnLIqe-"},
    {"RFC 3501 5.1.3 example",
     "~peter/mail/\xe5\x8f\xb0\xe5\x8c\x97/\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e",
     "\"~peter/mail/&U,BTFw-/&ZeVnLIqe-\"", "~peter%2Fmail%2F%26U%2CBTFw-%2F%26ZeVnLIqe-"},
    {"emoji: a surrogate pair", "\xf0\x9f\x98\x80", "\"&2D3eAA-\"", "%262D3eAA-"},
    {"emoji between ASCII", "a\xf0\x9f\x98\x80z", "\"a&2D3eAA-z\"", "a%262D3eAA-z"},
    {"two G clefs (U+1D11E)", "\xf0\x9d\x84\x9e\xf0\x9d\x84\x9e", "\"&2DTdHtg03R4-\"",
     "%262DTdHtg03R4-"},
    {"U+10FFFF: ',' for '/'", "\xf4\x8f\xbf\xbf", "\"&2,,f,w-\"", "%262%2C%2Cf%2Cw-"},
    {"U+FFFE", "\xef\xbf\xbe", "\"&,,4-\"", "%26%2C%2C4-"},
    {"double quote", "a\"b", "\"a\\\"b\"", "a%22b"},
    {"backslash", "a\\b", "\"a\\\\b\"", "a%5Cb"},
    {"only quote and backslash", "\"\\", "\"\\\"\\\\\"", "%22%5C"},
    /* a C1 control is not ASCII: base64 carries it, nothing raw is sent */
    {"U+0085 (C1 control)", "\xc2\x85", "\"&AIU-\"", "%26AIU-"},
};

static void names_of(const char *folder, int want_rc, char *arg, char *url)
{
	char dest[ARG_MAX];

	assert_int_equal(hd_imap_folder_names(folder, BASE, arg, ARG_MAX, url, URL_MAX), want_rc);
	/* without a URL (a MOVE destination) the quoted form is the same */
	assert_int_equal(hd_imap_folder_names(folder, NULL, dest, sizeof(dest), NULL, 0), want_rc);
	if (!want_rc)
		assert_string_equal(dest, arg);
}

static void table(void **state)
{
	char arg[ARG_MAX], url[URL_MAX], want[URL_MAX];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		print_message("# %s\n", cases[i].what);
		names_of(cases[i].folder, 0, arg, url);
		assert_string_equal(arg, cases[i].arg);
		snprintf(want, sizeof(want), "%s%s", BASE, cases[i].path);
		assert_string_equal(url, want);
	}
}

/* Every printable ASCII character but '&' stands for itself. */
static void printable_ascii(void **state)
{
	struct hd_sbuf out;
	char all[96], *want, **parts;
	size_t n = 0;

	(void)state;
	for (int c = 0x20; c < 0x7f; c++)
		all[n++] = (char)c;
	all[n] = '\0';
	parts = g_strsplit(all, "&", -1);
	want = g_strjoinv("&-", parts);
	g_strfreev(parts);
	hd_sbuf_init(&out, 1024);
	assert_int_equal(hd_imap_folder_encode(all, &out), 0);
	assert_string_equal(out.buf, want);
	assert_int_equal(out.len, 95 + 1);
	hd_sbuf_release(&out);
	g_free(want);
}

/* hd_imap_folder_encode appends to what `out` holds. */
static void encode_appends(void **state)
{
	struct hd_sbuf out;

	(void)state;
	hd_sbuf_init(&out, 64);
	assert_int_equal(hd_sbuf_adds(&out, "x/"), 0);
	assert_int_equal(hd_imap_folder_encode("Entw\xc3\xbcrfe", &out), 0);
	assert_string_equal(out.buf, "x/Entw&APw-rfe");
	hd_sbuf_release(&out);
}

static void refused(void **state)
{
	static const struct {
		const char *what, *folder;
		int rc;
	} bad[] = {
	    {"empty", "", HD_EINVAL},
	    {"CR", "INBOX\r", HD_EINVAL},
	    {"LF", "IN\nBOX", HD_EINVAL},
	    {"command injection", "INBOX\r\nA1 DELETE INBOX", HD_EINVAL},
	    {"tab", "a\tb", HD_EINVAL},
	    {"SOH", "\x01", HD_EINVAL},
	    {"escape sequence", "\x1b[31mred", HD_EINVAL},
	    {"DEL", "a\x7f", HD_EINVAL},
	    {"control after a run", "\xc3\xa9\n", HD_EINVAL},
	    {"stray continuation byte", "a\x80", HD_EINVAL},
	    {"0xFF", "\xff", HD_EINVAL},
	    {"truncated sequence", "Entw\xc3", HD_EINVAL},
	    {"bad continuation", "\xc3(", HD_EINVAL},
	    {"overlong '/'", "\xc0\xaf", HD_EINVAL},
	    {"UTF-8 of a surrogate (CESU-8)", "\xed\xa0\xbd\xed\xb8\x80", HD_EINVAL},
	    {"above U+10FFFF", "\xf4\x90\x80\x80", HD_EINVAL},
	    {"Latin-1, not UTF-8", "Entw\xfcrfe", HD_EINVAL},
	};
	char arg[ARG_MAX], url[URL_MAX];
	struct hd_sbuf out;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		print_message("# %s\n", bad[i].what);
		names_of(bad[i].folder, bad[i].rc, arg, url);
		if (!*bad[i].folder)
			continue;
		hd_sbuf_init(&out, 1024);
		assert_int_equal(hd_imap_folder_encode(bad[i].folder, &out), bad[i].rc);
		hd_sbuf_release(&out);
	}
}

/* `n` copies of `unit`; g_free() it. */
static char *rep(const char *unit, size_t n)
{
	GString *s = g_string_new(NULL);

	while (n--)
		g_string_append(s, unit);
	return g_string_free(s, FALSE);
}

/* The modified UTF-7 form may have HD_IMAP_FOLDER_MAX - 1 bytes; the quoted
 * form must fit the caller's array. */
static void long_names(void **state)
{
	static const struct {
		const char *unit; /* repeated */
		size_t n;
		int rc;
	} lens[] = {
	    {"a", 1023, 0}, /* 1023 bytes */
	    {"a", 1024, HD_ETOOBIG},
	    {"&", 511, 0}, /* "&-" x 511 = 1022 */
	    {"&", 512, HD_ETOOBIG},
	    {"\xc3\xbc", 382, 0},          /* "&" + 1019 + "-" = 1021 */
	    {"\xc3\xbc", 383, HD_ETOOBIG}, /* 1024 */
	    {"\xf0\x9f\x98\x80", 191, 0},  /* "&" + 1019 + "-" */
	    {"\xf0\x9f\x98\x80", 192, HD_ETOOBIG},
	    {"\"", 1022, 0},          /* quoted: 2 + 2044 + NUL = 2047 */
	    {"\"", 1023, HD_ETOOBIG}, /* 2049 > ARG_MAX */
	};
	char arg[ARG_MAX], url[URL_MAX];

	(void)state;
	for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		char *folder = rep(lens[i].unit, lens[i].n);

		print_message("# \"%s\" x %zu\n", lens[i].unit, lens[i].n);
		names_of(folder, lens[i].rc, arg, url);
		g_free(folder);
	}
}

/* A URL or argument that does not fit the caller's array is refused, never
 * cut short. */
static void small_buffers(void **state)
{
	char arg[8], url[28];

	(void)state;
	assert_int_equal(hd_imap_folder_names("INBOX", BASE, arg, sizeof(arg), url, sizeof(url)),
	                 0);
	assert_string_equal(arg, "\"INBOX\"");  /* 8 bytes with the NUL */
	assert_string_equal(url, BASE "INBOX"); /* 27 */
	assert_int_equal(hd_imap_folder_names("INBOX1", BASE, arg, sizeof(arg), url, sizeof(url)),
	                 HD_ETOOBIG);
	assert_int_equal(hd_imap_folder_names("A B", BASE, arg, sizeof(arg), url, sizeof(url)),
	                 0); /* BASE "A%20B": 27 with the NUL */
	assert_int_equal(hd_imap_folder_names("AB CD", BASE, arg, sizeof(arg), url, sizeof(url)),
	                 HD_EINVAL); /* BASE "AB%20CD": 29 > 28 */
}

/* Decode modified UTF-7 back to UTF-8 (test-only). Fails the test on two
 * adjacent base64 runs, which RFC 3501 5.1.3 forbids ("&AOk-&AOk-" must be
 * "&AOkA6Q-"). */
static char *decode(const char *m)
{
	GString *s = g_string_new(NULL);
	int after_run = 0;

	while (*m) {
		const char *end;
		GString *b64;
		gchar *utf8;
		guchar *be;
		gsize nbe;

		if (*m != '&') {
			g_string_append_c(s, *m++);
			after_run = 0;
			continue;
		}
		end = strchr(m, '-');
		assert_non_null(end);
		if (end == m + 1) {
			g_string_append_c(s, '&');
			m = end + 1;
			after_run = 0;
			continue;
		}
		assert_false(after_run);
		after_run = 1;
		b64 = g_string_new_len(m + 1, end - m - 1);
		g_strdelimit(b64->str, ",", '/');
		while (b64->len % 4)
			g_string_append_c(b64, '=');
		be = g_base64_decode(b64->str, &nbe);
		utf8 = g_convert((const gchar *)be, (gssize)nbe, "UTF-8", "UTF-16BE", NULL, NULL,
		                 NULL);
		assert_non_null(utf8);
		g_string_append(s, utf8);
		g_free(utf8);
		g_free(be);
		g_string_free(b64, TRUE);
		m = end + 1;
	}
	return g_string_free(s, FALSE);
}

/* Random names from all planes (fixed seed) encode to printable ASCII and
 * decode back to themselves. */
static void round_trip(void **state)
{
	GRand *rnd = g_rand_new_with_seed(3501);
	struct hd_sbuf out;

	(void)state;
	hd_sbuf_init(&out, HD_IMAP_FOLDER_MAX);
	for (int i = 0; i < 2000; i++) {
		GString *name = g_string_new(NULL);
		int len = g_rand_int_range(rnd, 1, 12);
		char *back;

		for (int k = 0; k < len; k++) {
			static const guint32 top[] = {0x7f, 0x800, 0x10000, 0x110000};
			gunichar c = (gunichar)g_rand_int_range(
			    rnd, 0x20, (gint32)top[g_rand_int_range(rnd, 0, 4)]);

			if (c == 0x7f || (c >= 0xd800 && c < 0xe000))
				c = '&'; /* refused, or not a character */
			g_string_append_unichar(name, c);
		}
		hd_sbuf_reset(&out);
		assert_int_equal(hd_imap_folder_encode(name->str, &out), 0);
		for (size_t j = 0; j < out.len; j++)
			assert_true(out.buf[j] >= 0x20 && out.buf[j] < 0x7f);
		back = decode(out.buf);
		assert_string_equal(back, name->str);
		g_free(back);
		g_string_free(name, TRUE);
	}
	hd_sbuf_release(&out);
	g_rand_free(rnd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(table),          cmocka_unit_test(printable_ascii),
	    cmocka_unit_test(encode_appends), cmocka_unit_test(refused),
	    cmocka_unit_test(long_names),     cmocka_unit_test(small_buffers),
	    cmocka_unit_test(round_trip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
