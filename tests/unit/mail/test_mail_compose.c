/*
 * test_mail_compose.c — mail/compose: what heed sends parses back (with
 * GMime's own parser) to exactly what it was asked to send, and every line
 * of it is a legal SMTP line.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <gmime/gmime.h>

#include "mail/compose.h"
#include "mail/parse.h"

#define NAME_FROM "Ana Müller, Acme Support"
#define NAME_TO "Bjørn Ødegård"
#define SUBJECT "Re: Grüße — ваш заказ #42 ✓"
#define TEXT                                                                                       \
	"Hallo Bjørn,\n\ndanke für Ihre Nachricht — wir kümmern uns darum.\n"                    \
	".a line that starts with a dot\nFrom the start of a line\ntrailing space \n"            \
	"\n-- \nAna\n"
#define HTML "<p>Hallo Bjørn,</p>\n<p>danke für Ihre Nachricht — <b>wir</b> kümmern uns.</p>\n"

static struct hd_arena arena;

static int setup(void **state)
{
	hd_mail_init(); /* the test parses with GMime too */
	return 0;
}

static int before(void **state)
{
	hd_arena_init(&arena, 16 << 20);
	return 0;
}

static int after(void **state)
{
	hd_arena_release(&arena);
	return 0;
}

static struct hd_mail_out sample(void)
{
	struct hd_mail_out m = {
		.from_name = NAME_FROM,
		.from_addr = "support@acme.example",
		.to_name = NAME_TO,
		.to_addr = "bjorn@customer.example",
		.subject = SUBJECT,
		.text = TEXT,
		.message_id = "heed.T42.0123456789abcdef.aabbccddeeff00112233@acme.example",
		.in_reply_to = "<cust-1@mail.customer.example>",
		.references = "cust-0@mail.customer.example <cust-1@mail.customer.example>",
		.loop_value = "support@acme.example",
		.date = 1700000000123,
	};
	return m;
}

/* Every line ends with CRLF, has at most 998 bytes before it, and only
 * 7-bit bytes appear: the message needs neither 8BITMIME nor BINARYMIME. */
static void assert_smtp_lines(const char *buf, size_t len)
{
	size_t start = 0;

	assert_true(len >= 2);
	assert_memory_equal(buf + len - 2, "\r\n", 2);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)buf[i];
		assert_true(c != 0 && c < 0x80);
		if (c == '\r') {
			assert_true(i + 1 < len && buf[i + 1] == '\n');
		} else if (c == '\n') {
			assert_true(i > 0 && buf[i - 1] == '\r');
			assert_true(i - 1 - start <= 998);
			start = i + 1;
		}
	}
}

static char *compose(const struct hd_mail_out *m, size_t *len)
{
	struct hd_err err = {0};
	char *out = NULL;

	assert_int_equal(hd_mail_compose(m, &out, len, &arena, &err), 0);
	assert_non_null(out);
	assert_int_equal(strlen(out), *len);
	assert_smtp_lines(out, *len);
	return out;
}

static GMimeMessage *parse(const char *buf, size_t len)
{
	GMimeStream *stream = g_mime_stream_mem_new_with_buffer(buf, len);
	GMimeParser *parser = g_mime_parser_new_with_stream(stream);
	GMimeMessage *msg = g_mime_parser_construct_message(parser, NULL);

	g_object_unref(parser);
	g_object_unref(stream);
	assert_non_null(msg);
	return msg;
}

/* The decoded content of a leaf part with CRLF turned back into LF;
 * g_free it. */
static char *decoded(GMimeObject *obj)
{
	GMimeStream *mem = g_mime_stream_mem_new();
	GMimeStream *filtered = g_mime_stream_filter_new(mem);
	GMimeFilter *dos2unix = g_mime_filter_dos2unix_new(FALSE);
	GByteArray *bytes;
	char *s;

	assert_true(GMIME_IS_PART(obj));
	g_mime_stream_filter_add(GMIME_STREAM_FILTER(filtered), dos2unix);
	if (g_mime_part_get_content(GMIME_PART(obj))) /* NULL: an empty body */
		g_mime_data_wrapper_write_to_stream(g_mime_part_get_content(GMIME_PART(obj)),
						    filtered);
	g_mime_stream_flush(filtered);
	bytes = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem));
	s = g_strndup(bytes->len ? (const char *)bytes->data : "", bytes->len);
	g_object_unref(dos2unix);
	g_object_unref(filtered);
	g_object_unref(mem);
	return s;
}

static void assert_mailbox(InternetAddressList *list, const char *name, const char *addr)
{
	InternetAddress *ia;

	assert_int_equal(internet_address_list_length(list), 1);
	ia = internet_address_list_get_address(list, 0);
	assert_true(INTERNET_ADDRESS_IS_MAILBOX(ia));
	if (name)
		assert_string_equal(internet_address_get_name(ia), name);
	else /* no display name: GMime reports it as NULL or "" */
		assert_true(!internet_address_get_name(ia) || !*internet_address_get_name(ia));
	assert_string_equal(internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(ia)), addr);
}

static void assert_text_part(GMimeObject *obj, const char *subtype, const char *want)
{
	GMimeContentType *ct = g_mime_object_get_content_type(obj);
	char *got;

	assert_true(g_mime_content_type_is_type(ct, "text", subtype));
	assert_string_equal(g_mime_content_type_get_parameter(ct, "charset"), "utf-8");
	got = decoded(obj);
	assert_string_equal(got, want);
	g_free(got);
}

/* How many header lines of the top-level block start with `name:`. */
static int header_count(const char *buf, const char *name)
{
	const char *end = strstr(buf, "\r\n\r\n");
	size_t n = strlen(name);
	int count = 0;

	for (const char *p = buf; p && p < end; p = strstr(p, "\r\n"), p = p ? p + 2 : NULL)
		if (!g_ascii_strncasecmp(p, name, n) && p[n] == ':')
			count++;
	return count;
}

static void text_only(void **state)
{
	struct hd_mail_out m = sample();
	GMimeObject *obj, *body;
	GMimeReferences *refs;
	GDateTime *date;
	GMimeMessage *msg;
	size_t len;
	char *raw = compose(&m, &len);

	msg = parse(raw, len);
	obj = GMIME_OBJECT(msg);
	assert_mailbox(g_mime_message_get_from(msg), NAME_FROM, "support@acme.example");
	assert_mailbox(g_mime_message_get_to(msg), NAME_TO, "bjorn@customer.example");
	assert_string_equal(g_mime_message_get_subject(msg), SUBJECT);
	/* non-ASCII went out as encoded words, not raw UTF-8 */
	assert_non_null(strstr(raw, "=?"));

	assert_string_equal(g_mime_message_get_message_id(msg), m.message_id);
	assert_int_equal(header_count(raw, "Message-Id"), 1);
	assert_non_null(strstr(raw, "\r\nMessage-Id: <" /* exact, brackets added once */
				    "heed.T42.0123456789abcdef.aabbccddeeff00112233@acme.example>\r\n"));
	assert_string_equal(g_mime_object_get_header(obj, "In-Reply-To"),
			    "<cust-1@mail.customer.example>");
	refs = g_mime_references_parse(NULL, g_mime_object_get_header(obj, "References"));
	assert_int_equal(g_mime_references_length(refs), 2);
	assert_string_equal(g_mime_references_get_message_id(refs, 0),
			    "cust-0@mail.customer.example");
	assert_string_equal(g_mime_references_get_message_id(refs, 1),
			    "cust-1@mail.customer.example");
	g_mime_references_free(refs);

	assert_string_equal(g_mime_object_get_header(obj, HD_MAIL_LOOP_HEADER),
			    "support@acme.example");
	assert_null(g_mime_object_get_header(obj, "Auto-Submitted"));
	assert_null(g_mime_object_get_header(obj, "Precedence"));
	assert_null(g_mime_object_get_header(obj, "X-Auto-Response-Suppress"));
	assert_int_equal(header_count(raw, "MIME-Version"), 1);
	assert_string_equal(g_mime_object_get_header(obj, "MIME-Version"), "1.0");

	date = g_mime_message_get_date(msg);
	assert_non_null(date);
	assert_int_equal(g_date_time_to_unix(date), 1700000000);

	body = g_mime_message_get_mime_part(msg);
	assert_text_part(body, "plain", TEXT);
	g_object_unref(msg);
}

static void text_and_html(void **state)
{
	struct hd_mail_out m = sample();
	GMimeMultipart *alt;
	GMimeObject *obj, *body;
	GMimeMessage *msg;
	size_t len;
	char *raw;

	m.html = HTML;
	m.auto_submitted = "auto-replied";
	m.in_reply_to = NULL;
	m.references = NULL;
	raw = compose(&m, &len);
	msg = parse(raw, len);
	obj = GMIME_OBJECT(msg);

	body = g_mime_message_get_mime_part(msg);
	assert_true(GMIME_IS_MULTIPART(body));
	assert_true(g_mime_content_type_is_type(g_mime_object_get_content_type(body), "multipart",
						"alternative"));
	alt = GMIME_MULTIPART(body);
	assert_int_equal(g_mime_multipart_get_count(alt), 2);
	assert_text_part(g_mime_multipart_get_part(alt, 0), "plain", TEXT);
	assert_text_part(g_mime_multipart_get_part(alt, 1), "html", HTML);

	assert_string_equal(g_mime_object_get_header(obj, "Auto-Submitted"), "auto-replied");
	assert_string_equal(g_mime_object_get_header(obj, "Precedence"), "bulk");
	assert_string_equal(g_mime_object_get_header(obj, "X-Auto-Response-Suppress"), "All");
	assert_string_equal(g_mime_object_get_header(obj, HD_MAIL_LOOP_HEADER),
			    "support@acme.example");
	assert_null(g_mime_object_get_header(obj, "In-Reply-To"));
	assert_null(g_mime_object_get_header(obj, "References"));
	assert_string_equal(g_mime_message_get_subject(msg), SUBJECT);
	g_object_unref(msg);
}

static void bracketed_ids_are_not_doubled(void **state)
{
	struct hd_mail_out m = sample();
	GMimeMessage *msg;
	size_t len;
	char *raw;

	m.message_id = "<x1@acme.example>";
	m.in_reply_to = "y1@mail.example";
	m.references = "  <y0@mail.example>   y1@mail.example ";
	m.loop_value = NULL; /* falls back to the sender */
	raw = compose(&m, &len);
	assert_non_null(strstr(raw, "\r\nMessage-Id: <x1@acme.example>\r\n"));
	assert_non_null(strstr(raw, "\r\nIn-Reply-To: <y1@mail.example>\r\n"));
	assert_non_null(strstr(raw, "\r\nReferences: <y0@mail.example> <y1@mail.example>\r\n"));
	msg = parse(raw, len);
	assert_string_equal(g_mime_message_get_message_id(msg), "x1@acme.example");
	assert_string_equal(g_mime_object_get_header(GMIME_OBJECT(msg), HD_MAIL_LOOP_HEADER),
			    "support@acme.example");
	g_object_unref(msg);
}

/* A long thread keeps the newest 100 ids, folded over several lines. */
static void references_are_capped(void **state)
{
	struct hd_mail_out m = sample();
	GString *refs = g_string_new(NULL);
	GMimeReferences *parsed;
	GMimeMessage *msg;
	size_t len;
	char *raw;

	for (int i = 0; i < 150; i++)
		g_string_append_printf(refs, "<ref-%d@mail.example> ", i);
	m.references = refs->str;
	raw = compose(&m, &len);
	msg = parse(raw, len);
	parsed = g_mime_references_parse(
		NULL, g_mime_object_get_header(GMIME_OBJECT(msg), "References"));
	assert_int_equal(g_mime_references_length(parsed), 100);
	assert_string_equal(g_mime_references_get_message_id(parsed, 0), "ref-50@mail.example");
	assert_string_equal(g_mime_references_get_message_id(parsed, 99), "ref-149@mail.example");
	g_mime_references_free(parsed);
	g_object_unref(msg);
	g_string_free(refs, TRUE);
}

/* 200 KB on one line (no newline at all), in ASCII and in UTF-8, plus a
 * 2000-byte subject word and display name: GMime must wrap or encode all of
 * it, and it must still decode to the same bytes. */
static void long_lines_are_encoded(void **state)
{
	struct hd_mail_out m = sample();
	GString *text = g_string_new(NULL), *html = g_string_new("<p>");
	char *subject = g_strnfill(2000, 's');
	char *name = g_strnfill(2000, 'n');
	GMimeMessage *msg;
	GMimeMultipart *alt;
	size_t len;
	char *raw;

	while (text->len < 200 * 1024)
		g_string_append(text, "abcdefghij");
	while (html->len < 200 * 1024)
		g_string_append(html, "äöü ");
	m.text = text->str;
	m.html = html->str;
	m.subject = subject;
	m.from_name = name;
	raw = compose(&m, &len);
	msg = parse(raw, len);
	alt = GMIME_MULTIPART(g_mime_message_get_mime_part(msg));
	assert_text_part(g_mime_multipart_get_part(alt, 0), "plain", text->str);
	assert_text_part(g_mime_multipart_get_part(alt, 1), "html", html->str);
	assert_string_equal(g_mime_message_get_subject(msg), subject);
	assert_mailbox(g_mime_message_get_from(msg), name, "support@acme.example");
	g_object_unref(msg);
	g_free(subject);
	g_free(name);
	g_string_free(text, TRUE);
	g_string_free(html, TRUE);
}

/* A subject or name quoted from a customer's mail cannot add a header. */
static void header_injection_is_neutralised(void **state)
{
	struct hd_mail_out m = sample();
	GMimeMessage *msg;
	size_t len;
	char *raw;

	m.subject = "Hi\r\nBcc: evil@attacker.example";
	m.from_name = "Ana\nX-Evil: 1";
	m.auto_submitted = "auto-replied\r\nX-Evil: 2";
	raw = compose(&m, &len);
	assert_null(strstr(raw, "\r\nBcc:"));
	assert_null(strstr(raw, "\r\nX-Evil:"));
	msg = parse(raw, len);
	assert_string_equal(g_mime_message_get_subject(msg), "Hi  Bcc: evil@attacker.example");
	assert_null(g_mime_object_get_header(GMIME_OBJECT(msg), "Bcc"));
	assert_int_equal(internet_address_list_length(g_mime_message_get_bcc(msg)), 0);
	g_object_unref(msg);
}

static void empty_subject_and_text(void **state)
{
	struct hd_mail_out m = sample();
	GMimeMessage *msg;
	size_t len;
	char *raw;

	m.subject = NULL;
	m.text = "";
	m.from_name = NULL;
	m.to_name = "";
	raw = compose(&m, &len);
	assert_non_null(strstr(raw, "\r\nTo: bjorn@customer.example\r\n"));
	assert_non_null(strstr(raw, "\r\nSubject: \r\n"));
	msg = parse(raw, len);
	assert_mailbox(g_mime_message_get_to(msg), NULL, "bjorn@customer.example");
	assert_text_part(g_mime_message_get_mime_part(msg), "plain", "");
	g_object_unref(msg);
}

static void bad_input_is_refused(void **state)
{
	static const struct {
		const char *field, *from, *to, *id, *irt, *refs;
	} cases[] = {
		{"from_addr", "no-at-sign", "b@x.example", "i@x", NULL, NULL},
		{"from_addr", "", "b@x.example", "i@x", NULL, NULL},
		{"to_addr", "a@x.example", "b@x.example\r\nRCPT TO:<c@x>", "i@x", NULL, NULL},
		{"to_addr", "a@x.example", "Bob <b@x.example>", "i@x", NULL, NULL},
		{"to_addr", "a@x.example", NULL, "i@x", NULL, NULL},
		{"message_id", "a@x.example", "b@x.example", NULL, NULL, NULL},
		{"message_id", "a@x.example", "b@x.example", "<>", NULL, NULL},
		{"message_id", "a@x.example", "b@x.example", "i d@x", NULL, NULL},
		{"in_reply_to", "a@x.example", "b@x.example", "i@x", "a\r\nb", NULL},
		{"references", "a@x.example", "b@x.example", "i@x", NULL, "<a@x> <b\x01@x>"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct hd_mail_out m = sample();
		struct hd_err err = {0};
		char *out = (char *)"untouched";
		size_t len = 1;

		m.from_addr = cases[i].from;
		m.to_addr = cases[i].to;
		m.message_id = cases[i].id;
		m.in_reply_to = cases[i].irt;
		m.references = cases[i].refs;
		assert_int_equal(hd_mail_compose(&m, &out, &len, &arena, &err), HD_EINVAL);
		assert_string_equal(err.field, cases[i].field);
		assert_null(out);
		assert_int_equal(len, 0);
	}
}

static void over_the_arena_cap(void **state)
{
	struct hd_mail_out m = sample();
	struct hd_arena small;
	struct hd_err err = {0};
	char *text = g_strnfill(64 * 1024, 'x');
	char *out;
	size_t len;

	hd_arena_init(&small, 16 * 1024);
	assert_int_equal(hd_mail_compose(&m, &out, &len, &small, &err), 0); /* fits */
	m.text = text;
	hd_arena_release(&small);
	hd_err_clear(&err);
	assert_int_equal(hd_mail_compose(&m, &out, &len, &small, &err), HD_ETOOBIG);
	hd_arena_init(&small, 64 * 1024 + 100); /* the text fits, the encoded message not */
	hd_err_clear(&err);
	assert_int_equal(hd_mail_compose(&m, &out, &len, &small, &err), HD_ENOMEM);
	hd_arena_release(&small);
	g_free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(text_only, before, after),
		cmocka_unit_test_setup_teardown(text_and_html, before, after),
		cmocka_unit_test_setup_teardown(bracketed_ids_are_not_doubled, before, after),
		cmocka_unit_test_setup_teardown(references_are_capped, before, after),
		cmocka_unit_test_setup_teardown(long_lines_are_encoded, before, after),
		cmocka_unit_test_setup_teardown(header_injection_is_neutralised, before, after),
		cmocka_unit_test_setup_teardown(empty_subject_and_text, before, after),
		cmocka_unit_test_setup_teardown(bad_input_is_refused, before, after),
		cmocka_unit_test_setup_teardown(over_the_arena_cap, before, after),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
