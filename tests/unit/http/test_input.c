/*
 * test_input.c — the request parsers (http/input): every field's
 * validation path, unknown fields, caps, enum words, requester rules,
 * base64 attachments, patch semantics and query-string filters.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "http/input.h"

/* ---- helpers ----------------------------------------------------------- */

static struct hd_arena arena;
static struct hd_err err;

static int setup(void **state)
{
	hd_arena_init(&arena, 64 << 20);
	hd_err_clear(&err);
	return 0;
}

static int teardown(void **state)
{
	hd_arena_release(&arena);
	return 0;
}

static json_t *J(const char *text)
{
	json_error_t e;
	json_t *j = json_loads(text, JSON_ALLOW_NUL, &e);

	if (!j)
		fail_msg("bad test JSON %s: %s", text, e.text);
	return j;
}

/* The error must be `code` naming `field`. */
static void expect_err(int rc, int code, const char *field)
{
	if (rc != code)
		fail_msg("rc %d, want %d (field \"%s\", msg \"%s\")", rc, code, err.field, err.msg);
	assert_int_equal(err.code, code);
	if (field)
		assert_string_equal(err.field, field);
	assert_true(err.msg[0] != '\0');
	hd_err_clear(&err);
}

struct tn {
	struct hd_ticket_new t;
	struct hd_upload *up;
	size_t nup;
};

static int ticket(const char *text, struct tn *o, int64_t max_att)
{
	json_t *j = J(text);
	int rc;

	hd_err_clear(&err);
	rc = hd_in_ticket_new(j, &o->t, &o->up, &o->nup, max_att, &arena, &err);
	/* strings point into the document: copy what the tests look at */
	if (!rc) {
		o->t.subject = hd_arena_strdup(&arena, o->t.subject);
		o->t.text = hd_arena_strdup(&arena, o->t.text);
		o->t.html = hd_arena_strdup(&arena, o->t.html);
		o->t.team_name = hd_arena_strdup(&arena, o->t.team_name);
		o->t.requester.name = hd_arena_strdup(&arena, o->t.requester.name);
		for (size_t i = 0; i < o->nup; i++) {
			o->up[i].filename = hd_arena_strdup(&arena, o->up[i].filename);
			o->up[i].content_type = hd_arena_strdup(&arena, o->up[i].content_type);
		}
	}
	json_decref(j);
	return rc;
}

/* A ticket body with `extra` spliced into the top-level object. */
static int ticket_with(const char *extra, struct tn *o)
{
	char text[4096];

	snprintf(text, sizeof(text),
		 "{\"subject\":\"Printer\",\"requester\":{\"email\":\"ada@example.com\"},"
		 "\"message\":{\"text\":\"hi\"}%s%s}",
		 extra[0] ? "," : "", extra);
	return ticket(text, o, 1 << 20);
}

/* A ticket body with `requester` as the requester. */
static int ticket_req(const char *requester, struct tn *o)
{
	char text[4096];

	snprintf(text, sizeof(text),
		 "{\"subject\":\"S\",\"requester\":%s,\"message\":{\"text\":\"hi\"}}", requester);
	return ticket(text, o, 1 << 20);
}

/* A ticket body whose message is `message`. */
static int ticket_msg(const char *message, struct tn *o, int64_t max_att)
{
	char *text = malloc(strlen(message) + 200);
	int rc;

	snprintf(text, strlen(message) + 200,
		 "{\"subject\":\"S\",\"requester\":{\"phone\":\"12345\"},\"message\":%s}",
		 message);
	rc = ticket(text, o, max_att);
	free(text);
	return rc;
}

/* ---- hd_in_id ---------------------------------------------------------- */

static void id_accepts_positive_up_to_18_digits(void **state)
{
	int64_t v = 0;

	assert_int_equal(hd_in_id("1", "id", &v, &err), 0);
	assert_int_equal(v, 1);
	assert_int_equal(hd_in_id("42", "id", &v, &err), 0);
	assert_int_equal(v, 42);
	assert_int_equal(hd_in_id("999999999999999999", "id", &v, &err), 0);
	assert_int_equal(v, 999999999999999999);
}

static void id_refuses_zero_signs_junk_and_19_digits(void **state)
{
	static const char *const bad[] = { "",   "0",   "00",  "-1", "+1", " 1", "1 ", "1a", "a1",
					   "0x10", "1.0", "1e3",
					   "1000000000000000000", "9223372036854775807",
					   "9223372036854775808", "99999999999999999999999999" };

	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		int64_t v = 77;

		hd_err_clear(&err);
		if (hd_in_id(bad[i], "ticket", &v, &err) != HD_EINVAL)
			fail_msg("accepted \"%s\"", bad[i]);
		assert_string_equal(err.field, "ticket");
		assert_int_equal(v, 77);
	}
}

/* ---- hd_in_str --------------------------------------------------------- */

static void str_required_and_optional(void **state)
{
	json_t *j = J("{\"a\":\"x\",\"n\":null,\"i\":5,\"o\":{},\"b\":true}");
	const char *s = "sentinel";

	assert_int_equal(hd_in_str(j, "a", 1, 1, 10, 0, &s, &err), 0);
	assert_string_equal(s, "x");
	assert_int_equal(hd_in_str(j, "missing", 0, 1, 10, 0, &s, &err), 0);
	assert_null(s);
	assert_int_equal(hd_in_str(j, "n", 0, 1, 10, 0, &s, &err), 0);
	assert_null(s);
	expect_err(hd_in_str(j, "missing", 1, 1, 10, 0, &s, &err), HD_EINVAL, "missing");
	expect_err(hd_in_str(j, "n", 1, 1, 10, 0, &s, &err), HD_EINVAL, "n");
	expect_err(hd_in_str(j, "i", 0, 1, 10, 0, &s, &err), HD_EINVAL, "i");
	expect_err(hd_in_str(j, "o", 0, 1, 10, 0, &s, &err), HD_EINVAL, "o");
	expect_err(hd_in_str(j, "b", 0, 1, 10, 0, &s, &err), HD_EINVAL, "b");
	json_decref(j);
}

static void str_length_limits_are_bytes(void **state)
{
	/* "é" is two bytes */
	json_t *j = J("{\"e\":\"\",\"three\":\"abc\",\"u\":\"\\u00e9\\u00e9\"}");
	const char *s;

	expect_err(hd_in_str(j, "e", 1, 1, 10, 0, &s, &err), HD_EINVAL, "e");
	assert_int_equal(hd_in_str(j, "e", 1, 0, 10, 0, &s, &err), 0);
	assert_string_equal(s, "");
	assert_int_equal(hd_in_str(j, "three", 1, 3, 3, 0, &s, &err), 0);
	expect_err(hd_in_str(j, "three", 1, 4, 10, 0, &s, &err), HD_EINVAL, "three");
	expect_err(hd_in_str(j, "three", 1, 1, 2, 0, &s, &err), HD_EINVAL, "three");
	assert_int_equal(hd_in_str(j, "u", 1, 4, 4, 0, &s, &err), 0);
	expect_err(hd_in_str(j, "u", 1, 1, 3, 0, &s, &err), HD_EINVAL, "u");
	json_decref(j);
}

static void str_control_characters(void **state)
{
	json_t *j = J("{\"nl\":\"a\\nb\",\"cr\":\"a\\rb\",\"tab\":\"a\\tb\",\"bel\":\"a\\u0007b\","
		      "\"del\":\"a\\u007fb\",\"esc\":\"\\u001b[31m\",\"ok\":\"caf\\u00e9 \\u2603\"}");
	const char *s;

	assert_int_equal(hd_in_str(j, "ok", 1, 0, 100, 0, &s, &err), 0);
	for (int multi = 0; multi < 2; multi++) {
		expect_err(hd_in_str(j, "bel", 1, 0, 100, multi, &s, &err), HD_EINVAL, "bel");
		expect_err(hd_in_str(j, "del", 1, 0, 100, multi, &s, &err), HD_EINVAL, "del");
		expect_err(hd_in_str(j, "esc", 1, 0, 100, multi, &s, &err), HD_EINVAL, "esc");
	}
	expect_err(hd_in_str(j, "nl", 1, 0, 100, 0, &s, &err), HD_EINVAL, "nl");
	expect_err(hd_in_str(j, "cr", 1, 0, 100, 0, &s, &err), HD_EINVAL, "cr");
	expect_err(hd_in_str(j, "tab", 1, 0, 100, 0, &s, &err), HD_EINVAL, "tab");
	assert_int_equal(hd_in_str(j, "nl", 1, 0, 100, 1, &s, &err), 0);
	assert_int_equal(hd_in_str(j, "cr", 1, 0, 100, 1, &s, &err), 0);
	assert_int_equal(hd_in_str(j, "tab", 1, 0, 100, 1, &s, &err), 0);
	json_decref(j);
}

static void str_embedded_nul_is_refused(void **state)
{
	json_t *j = json_object();
	const char *s;

	json_object_set_new(j, "z", json_stringn("ab\0cd", 5));
	expect_err(hd_in_str(j, "z", 1, 0, 100, 1, &s, &err), HD_EINVAL, "z");
	expect_err(hd_in_str(j, "z", 1, 0, 100, 0, &s, &err), HD_EINVAL, "z");
	json_decref(j);
}

/* ---- POST /tickets ----------------------------------------------------- */

static void ticket_minimal_gets_defaults(void **state)
{
	struct tn o;

	assert_int_equal(ticket("{\"subject\":\"Printer on fire\","
				"\"requester\":{\"email\":\"  Ada@Example.COM \"},"
				"\"message\":{\"text\":\"It burns.\\nHelp.\"}}",
				&o, 1 << 20),
			 0);
	assert_string_equal(o.t.subject, "Printer on fire");
	assert_int_equal(o.t.requester.customer_id, 0);
	assert_int_equal(o.t.requester.kind, HD_IDKIND_EMAIL);
	assert_string_equal(o.t.requester.value, "ada@example.com");
	assert_null(o.t.requester.name);
	assert_string_equal(o.t.text, "It burns.\nHelp.");
	assert_null(o.t.html);
	assert_int_equal(o.t.priority, HD_PRIORITY_NORMAL);
	assert_int_equal(o.t.channel, HD_CHANNEL_API);
	assert_int_equal(o.t.created_by, HD_AUTHOR_CUSTOMER);
	assert_int_equal(o.t.team_id, 0);
	assert_null(o.t.team_name);
	assert_int_equal(o.t.assignee_id, 0);
	assert_int_equal(o.nup, 0);
}

static void ticket_all_fields(void **state)
{
	struct tn o;

	assert_int_equal(ticket("{\"subject\":\"S\",\"requester\":{\"handle\":\"Twitter:@Ada\","
				"\"name\":\"Ada L\"},\"message\":{\"text\":\"t\",\"html\":\"<p>t</p>\"},"
				"\"priority\":\"urgent\",\"channel\":\"social\",\"team\":\"Billing\","
				"\"assignee_id\":7,\"created_by\":\"agent\"}",
				&o, 1 << 20),
			 0);
	assert_int_equal(o.t.requester.kind, HD_IDKIND_HANDLE);
	assert_string_equal(o.t.requester.value, "twitter:@ada");
	assert_string_equal(o.t.requester.name, "Ada L");
	assert_string_equal(o.t.html, "<p>t</p>");
	assert_int_equal(o.t.priority, HD_PRIORITY_URGENT);
	assert_int_equal(o.t.channel, HD_CHANNEL_SOCIAL);
	assert_string_equal(o.t.team_name, "Billing");
	assert_int_equal(o.t.team_id, 0);
	assert_int_equal(o.t.assignee_id, 7);
	assert_int_equal(o.t.created_by, HD_AUTHOR_AGENT);
}

static void ticket_unknown_fields_are_named(void **state)
{
	struct tn o;

	expect_err(ticket_with("\"colour\":\"red\"", &o), HD_EINVAL, "colour");
	expect_err(ticket_with("\"Subject\":\"x\"", &o), HD_EINVAL, "Subject");
	expect_err(ticket_req("{\"email\":\"a@b.c\",\"mail\":\"x\"}", &o), HD_EINVAL, "mail");
	expect_err(ticket_msg("{\"text\":\"x\",\"body\":\"y\"}", &o, 100), HD_EINVAL, "body");
	expect_err(ticket_msg("{\"text\":\"x\",\"attachments\":[{\"filename\":\"a\","
			      "\"content_base64\":\"\",\"size\":1}]}",
			      &o, 100),
		   HD_EINVAL, "size");
}

static void ticket_subject_rules(void **state)
{
	struct tn o;
	char big[700], text[900];

	expect_err(ticket("{\"requester\":{\"email\":\"a@b.c\"},\"message\":{\"text\":\"x\"}}", &o,
			  100),
		   HD_EINVAL, "subject");
	expect_err(ticket("{\"subject\":\"\",\"requester\":{\"email\":\"a@b.c\"},"
			  "\"message\":{\"text\":\"x\"}}",
			  &o, 100),
		   HD_EINVAL, "subject");
	expect_err(ticket("{\"subject\":null,\"requester\":{\"email\":\"a@b.c\"},"
			  "\"message\":{\"text\":\"x\"}}",
			  &o, 100),
		   HD_EINVAL, "subject");
	expect_err(ticket("{\"subject\":5,\"requester\":{\"email\":\"a@b.c\"},"
			  "\"message\":{\"text\":\"x\"}}",
			  &o, 100),
		   HD_EINVAL, "subject");
	expect_err(ticket("{\"subject\":\"two\\nlines\",\"requester\":{\"email\":\"a@b.c\"},"
			  "\"message\":{\"text\":\"x\"}}",
			  &o, 100),
		   HD_EINVAL, "subject");
	memset(big, 's', HD_SUBJECT_MAX);
	big[HD_SUBJECT_MAX] = '\0';
	snprintf(text, sizeof(text),
		 "{\"subject\":\"%s\",\"requester\":{\"email\":\"a@b.c\"},"
		 "\"message\":{\"text\":\"x\"}}",
		 big);
	assert_int_equal(ticket(text, &o, 100), 0);
	big[HD_SUBJECT_MAX] = 's';
	big[HD_SUBJECT_MAX + 1] = '\0';
	snprintf(text, sizeof(text),
		 "{\"subject\":\"%s\",\"requester\":{\"email\":\"a@b.c\"},"
		 "\"message\":{\"text\":\"x\"}}",
		 big);
	expect_err(ticket(text, &o, 100), HD_EINVAL, "subject");
}

static void ticket_requester_exactly_one(void **state)
{
	struct tn o;

	expect_err(ticket("{\"subject\":\"S\",\"message\":{\"text\":\"x\"}}", &o, 100), HD_EINVAL,
		   "requester");
	expect_err(ticket_req("\"ada@example.com\"", &o), HD_EINVAL, "requester");
	expect_err(ticket_req("null", &o), HD_EINVAL, "requester");
	expect_err(ticket_req("{}", &o), HD_EINVAL, "requester");
	expect_err(ticket_req("{\"name\":\"Ada\"}", &o), HD_EINVAL, "requester");
	expect_err(ticket_req("{\"email\":\"a@b.c\",\"phone\":\"12345\"}", &o), HD_EINVAL,
		   "requester");
	expect_err(ticket_req("{\"email\":\"a@b.c\",\"customer_id\":4}", &o), HD_EINVAL,
		   "requester");
	expect_err(ticket_req("{\"handle\":\"x\",\"phone\":\"12345\"}", &o), HD_EINVAL,
		   "requester");
	assert_int_equal(ticket_req("{\"customer_id\":4}", &o), 0);
	assert_int_equal(o.t.requester.customer_id, 4);
	assert_null(o.t.requester.value);
	assert_int_equal(ticket_req("{\"phone\":\"+49 30 1234567\",\"customer_id\":null}", &o), 0);
	assert_int_equal(o.t.requester.kind, HD_IDKIND_PHONE);
	assert_string_equal(o.t.requester.value, "+49301234567");
	assert_int_equal(o.t.requester.customer_id, 0);
}

static void ticket_requester_field_validation(void **state)
{
	struct tn o;
	char name[300], text[600];

	expect_err(ticket_req("{\"email\":\"not-an-address\"}", &o), HD_EINVAL, "email");
	expect_err(ticket_req("{\"email\":5}", &o), HD_EINVAL, "email");
	expect_err(ticket_req("{\"email\":\"\"}", &o), HD_EINVAL, "email");
	expect_err(ticket_req("{\"phone\":\"call me\"}", &o), HD_EINVAL, "phone");
	expect_err(ticket_req("{\"handle\":\"a\\u0001b\"}", &o), HD_EINVAL, "handle");
	expect_err(ticket_req("{\"customer_id\":0}", &o), HD_EINVAL, "customer_id");
	expect_err(ticket_req("{\"customer_id\":-4}", &o), HD_EINVAL, "customer_id");
	expect_err(ticket_req("{\"customer_id\":\"4\"}", &o), HD_EINVAL, "customer_id");
	expect_err(ticket_req("{\"customer_id\":4.0}", &o), HD_EINVAL, "customer_id");
	expect_err(ticket_req("{\"email\":\"a@b.c\",\"name\":7}", &o), HD_EINVAL, "name");
	memset(name, 'n', HD_NAME_MAX + 1);
	name[HD_NAME_MAX + 1] = '\0';
	snprintf(text, sizeof(text), "{\"email\":\"a@b.c\",\"name\":\"%s\"}", name);
	expect_err(ticket_req(text, &o), HD_EINVAL, "name");
	name[HD_NAME_MAX] = '\0';
	snprintf(text, sizeof(text), "{\"email\":\"a@b.c\",\"name\":\"%s\"}", name);
	assert_int_equal(ticket_req(text, &o), 0);
}

static void ticket_message_rules(void **state)
{
	struct tn o;

	expect_err(ticket("{\"subject\":\"S\",\"requester\":{\"email\":\"a@b.c\"}}", &o, 100),
		   HD_EINVAL, "message");
	expect_err(ticket_msg("\"just text\"", &o, 100), HD_EINVAL, "message");
	expect_err(ticket_msg("null", &o, 100), HD_EINVAL, "message");
	expect_err(ticket_msg("{}", &o, 100), HD_EINVAL, "text");
	expect_err(ticket_msg("{\"text\":\"\"}", &o, 100), HD_EINVAL, "text");
	expect_err(ticket_msg("{\"text\":[\"x\"]}", &o, 100), HD_EINVAL, "text");
	expect_err(ticket_msg("{\"text\":\"x\\u0000y\"}", &o, 100), HD_EINVAL, "text");
	expect_err(ticket_msg("{\"text\":\"x\",\"html\":5}", &o, 100), HD_EINVAL, "html");
	assert_int_equal(ticket_msg("{\"text\":\"line\\r\\n\\tindented\",\"html\":\"\"}", &o, 100),
			 0);
	assert_string_equal(o.t.text, "line\r\n\tindented");
}

static void ticket_text_cap(void **state)
{
	struct tn o;
	size_t n = HD_TEXT_MAX + 1;
	char *msg = malloc(n + 32);

	memcpy(msg, "{\"text\":\"", 9);
	memset(msg + 9, 'x', n);
	memcpy(msg + 9 + n, "\"}", 3);
	expect_err(ticket_msg(msg, &o, 100), HD_EINVAL, "text");
	memcpy(msg + 9 + n - 1, "\"}", 3);
	assert_int_equal(ticket_msg(msg, &o, 100), 0);
	free(msg);
}

static void ticket_enum_words(void **state)
{
	struct tn o;

	assert_int_equal(ticket_with("\"priority\":\"low\",\"channel\":\"email\"", &o), 0);
	assert_int_equal(o.t.priority, HD_PRIORITY_LOW);
	assert_int_equal(o.t.channel, HD_CHANNEL_EMAIL);
	expect_err(ticket_with("\"priority\":\"URGENT\"", &o), HD_EINVAL, "priority");
	assert_int_equal(ticket_with("\"priority\":\"nope\"", &o), HD_EINVAL);
	assert_non_null(strstr(err.msg, "low, normal, high, urgent"));
	hd_err_clear(&err);
	expect_err(ticket_with("\"priority\":3", &o), HD_EINVAL, "priority");
	expect_err(ticket_with("\"priority\":\"\"", &o), HD_EINVAL, "priority");
	expect_err(ticket_with("\"channel\":\"fax\"", &o), HD_EINVAL, "channel");
	expect_err(ticket_with("\"created_by\":\"system\"", &o), HD_EINVAL, "created_by");
	expect_err(ticket_with("\"created_by\":\"robot\"", &o), HD_EINVAL, "created_by");
	assert_int_equal(ticket_with("\"created_by\":\"customer\"", &o), 0);
	assert_int_equal(o.t.created_by, HD_AUTHOR_CUSTOMER);
	assert_int_equal(ticket_with("\"priority\":null", &o), 0);
	assert_int_equal(o.t.priority, HD_PRIORITY_NORMAL);
}

static void ticket_team_and_assignee(void **state)
{
	struct tn o;

	assert_int_equal(ticket_with("\"team\":3", &o), 0);
	assert_int_equal(o.t.team_id, 3);
	assert_null(o.t.team_name);
	assert_int_equal(ticket_with("\"team_id\":4", &o), 0);
	assert_int_equal(o.t.team_id, 4);
	assert_int_equal(ticket_with("\"team\":null", &o), 0);
	assert_int_equal(o.t.team_id, 0);
	assert_null(o.t.team_name);
	expect_err(ticket_with("\"team\":0", &o), HD_EINVAL, "team");
	expect_err(ticket_with("\"team\":-2", &o), HD_EINVAL, "team");
	expect_err(ticket_with("\"team\":true", &o), HD_EINVAL, "team");
	expect_err(ticket_with("\"team\":\"\"", &o), HD_EINVAL, "team");
	expect_err(ticket_with("\"team\":[1]", &o), HD_EINVAL, "team");
	expect_err(ticket_with("\"team_id\":\"3\"", &o), HD_EINVAL, "team_id");
	expect_err(ticket_with("\"team_id\":0", &o), HD_EINVAL, "team_id");
	expect_err(ticket_with("\"assignee_id\":-1", &o), HD_EINVAL, "assignee_id");
	expect_err(ticket_with("\"assignee_id\":1.5", &o), HD_EINVAL, "assignee_id");
	assert_int_equal(ticket_with("\"assignee_id\":null", &o), 0);
	assert_int_equal(o.t.assignee_id, 0);
}

static void ticket_body_must_be_an_object_of_fields(void **state)
{
	struct tn o;

	expect_err(ticket("[]", &o, 100), HD_EINVAL, NULL);
	expect_err(ticket("{}", &o, 100), HD_EINVAL, NULL);
}

/* ---- attachments ------------------------------------------------------- */

static void attachment_is_decoded(void **state)
{
	struct tn o;

	assert_int_equal(ticket_msg("{\"text\":\"x\",\"attachments\":["
				    "{\"filename\":\"hello.txt\",\"content_type\":\"text/plain\","
				    "\"content_base64\":\"aGVsbG8=\"},"
				    "{\"filename\":\"b.bin\",\"content_base64\":\"AAEC/w==\"},"
				    "{\"filename\":\"empty\",\"content_base64\":\"\"}]}",
				    &o, 1024),
			 0);
	assert_int_equal(o.nup, 3);
	assert_string_equal(o.up[0].filename, "hello.txt");
	assert_string_equal(o.up[0].content_type, "text/plain");
	assert_int_equal(o.up[0].len, 5);
	assert_memory_equal(o.up[0].data, "hello", 5);
	assert_string_equal(o.up[1].content_type, "application/octet-stream");
	assert_int_equal(o.up[1].len, 4);
	assert_memory_equal(o.up[1].data, "\x00\x01\x02\xff", 4);
	assert_int_equal(o.up[2].len, 0);
}

static void attachment_base64_may_be_wrapped(void **state)
{
	struct tn o;

	assert_int_equal(ticket_msg("{\"text\":\"x\",\"attachments\":[{\"filename\":\"h\","
				    "\"content_base64\":\"aGVs\\r\\nbG8g\\nd29y bGQ=\"}]}",
				    &o, 1024),
			 0);
	assert_int_equal(o.up[0].len, 11);
	assert_memory_equal(o.up[0].data, "hello world", 11);
}

static void attachment_invalid_base64(void **state)
{
	static const char *const bad[] = { "!!!!", "aGVsbG8=junk", "aGVsbG8===", "a", "aGV=sbG8",
					   "aGVs\\u0000bG8=", "aGVs_bG8=", "aGVs-bG8=" };

	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		struct tn o;
		char text[256];
		int rc;

		snprintf(text, sizeof(text),
			 "{\"text\":\"x\",\"attachments\":[{\"filename\":\"f\","
			 "\"content_base64\":\"%s\"}]}",
			 bad[i]);
		rc = ticket_msg(text, &o, 1024);
		if (rc != HD_EINVAL)
			fail_msg("%s: rc %d", bad[i], rc);
		hd_err_clear(&err);
	}
}

static void attachment_size_cap(void **state)
{
	struct tn o;
	const char *five = "{\"text\":\"x\",\"attachments\":[{\"filename\":\"h\","
			   "\"content_base64\":\"aGVsbG8=\"}]}";

	const char *two = "{\"text\":\"x\",\"attachments\":[{\"filename\":\"h\","
			  "\"content_base64\":\"aGk=\"}]}";
	const char *three = "{\"text\":\"x\",\"attachments\":[{\"filename\":\"h\","
			    "\"content_base64\":\"aGV5\"}]}";

	/* exactly at the cap is allowed, whatever the padding */
	assert_int_equal(ticket_msg(three, &o, 3), 0);
	expect_err(ticket_msg(three, &o, 2), HD_ETOOBIG, "attachments");
	assert_int_equal(ticket_msg(two, &o, 3), 0);
	assert_int_equal(ticket_msg(two, &o, 2), 0);
	assert_int_equal(o.up[0].len, 2);
	expect_err(ticket_msg(two, &o, 1), HD_ETOOBIG, "attachments");
	assert_int_equal(ticket_msg(five, &o, 6), 0);
	assert_int_equal(ticket_msg(five, &o, 5), 0);
	assert_int_equal(o.up[0].len, 5);
	expect_err(ticket_msg(five, &o, 4), HD_ETOOBIG, "attachments");
	expect_err(ticket_msg(five, &o, 0), HD_ETOOBIG, "attachments");
}

static void attachment_far_over_cap_is_refused_before_decoding(void **state)
{
	struct tn o;
	size_t n = 400000; /* 300000 bytes decoded */
	char *text = malloc(n + 200);
	size_t o1;

	o1 = (size_t)snprintf(text, 200, "{\"text\":\"x\",\"attachments\":[{\"filename\":\"big\","
				   "\"content_base64\":\"");
	memset(text + o1, 'A', n);
	memcpy(text + o1 + n, "\"}]}", 5);
	expect_err(ticket_msg(text, &o, 1000), HD_ETOOBIG, "attachments");
	assert_int_equal(ticket_msg(text, &o, 300000), 0);
	assert_int_equal(o.up[0].len, 300000);
	free(text);
}

static void attachment_fields(void **state)
{
	struct tn o;

	expect_err(ticket_msg("{\"text\":\"x\",\"attachments\":{}}", &o, 100), HD_EINVAL,
		   "attachments");
	expect_err(ticket_msg("{\"text\":\"x\",\"attachments\":[\"aGk=\"]}", &o, 100), HD_EINVAL,
		   "attachments");
	expect_err(ticket_msg("{\"text\":\"x\",\"attachments\":[{\"content_base64\":\"aGk=\"}]}",
			      &o, 100),
		   HD_EINVAL, "filename");
	expect_err(ticket_msg("{\"text\":\"x\",\"attachments\":[{\"filename\":\"a\"}]}", &o, 100),
		   HD_EINVAL, "content_base64");
	expect_err(ticket_msg("{\"text\":\"x\",\"attachments\":[{\"filename\":\"../etc/passwd\","
			      "\"content_base64\":\"aGk=\"}]}",
			      &o, 100),
		   HD_EINVAL, "filename");
	expect_err(ticket_msg("{\"text\":\"x\",\"attachments\":[{\"filename\":\"a\\\\b\","
			      "\"content_base64\":\"aGk=\"}]}",
			      &o, 100),
		   HD_EINVAL, "filename");
	expect_err(ticket_msg("{\"text\":\"x\",\"attachments\":[{\"filename\":\"\","
			      "\"content_base64\":\"aGk=\"}]}",
			      &o, 100),
		   HD_EINVAL, "filename");
	expect_err(ticket_msg("{\"text\":\"x\",\"attachments\":[{\"filename\":\"a\\nb\","
			      "\"content_base64\":\"aGk=\"}]}",
			      &o, 100),
		   HD_EINVAL, "filename");
	expect_err(ticket_msg("{\"text\":\"x\",\"attachments\":[{\"filename\":\"a\","
			      "\"content_type\":\"x\",\"content_base64\":\"aGk=\"}]}",
			      &o, 100),
		   HD_EINVAL, "content_type");
	assert_int_equal(ticket_msg("{\"text\":\"x\",\"attachments\":null}", &o, 100), 0);
	assert_int_equal(o.nup, 0);
	assert_int_equal(ticket_msg("{\"text\":\"x\",\"attachments\":[]}", &o, 100), 0);
	assert_int_equal(o.nup, 0);
}

static void attachment_count_cap(void **state)
{
	char text[8192];
	struct tn o;
	size_t n;

	for (int count = HD_MAX_ATTACHMENTS; count <= HD_MAX_ATTACHMENTS + 1; count++) {
		n = (size_t)snprintf(text, sizeof(text), "{\"text\":\"x\",\"attachments\":[");
		for (int i = 0; i < count; i++)
			n += (size_t)snprintf(text + n, sizeof(text) - n,
					      "%s{\"filename\":\"f%d\",\"content_base64\":\"aGk=\"}",
					      i ? "," : "", i);
		snprintf(text + n, sizeof(text) - n, "]}");
		if (count == HD_MAX_ATTACHMENTS) {
			assert_int_equal(ticket_msg(text, &o, 100), 0);
			assert_int_equal(o.nup, HD_MAX_ATTACHMENTS);
		} else {
			expect_err(ticket_msg(text, &o, 100), HD_EINVAL, "attachments");
		}
	}
}

/* ---- PATCH /tickets/{id} ----------------------------------------------- */

static int patch(const char *text, struct hd_ticket_patch *p, const char **team)
{
	json_t *j = J(text);
	int rc;

	hd_err_clear(&err);
	rc = hd_in_ticket_patch(j, p, team, &arena, &err);
	if (!rc && *team)
		*team = hd_arena_strdup(&arena, *team);
	if (!rc && p->subject)
		p->subject = hd_arena_strdup(&arena, p->subject);
	for (size_t i = 0; !rc && i < p->ntags; i++)
		((const char **)p->tags)[i] = hd_arena_strdup(&arena, p->tags[i]);
	json_decref(j);
	return rc;
}

static void patch_tags_and_close_reason(void **state)
{
	struct hd_ticket_patch p;
	const char *team;

	assert_int_equal(patch("{\"tags\": [\"vip\", \"sla-breached\", \"a.b:c_d\"]}", &p, &team), 0);
	assert_true(p.set_tags);
	assert_int_equal(p.ntags, 3);
	assert_string_equal(p.tags[1], "sla-breached");
	assert_int_equal(patch("{\"tags\": []}", &p, &team), 0);
	assert_true(p.set_tags);
	assert_int_equal(p.ntags, 0);
	assert_int_equal(patch("{\"tags\": [\"VIP\"]}", &p, &team), HD_EINVAL);
	assert_string_equal(err.field, "tags");
	assert_int_equal(patch("{\"tags\": [\"two words\"]}", &p, &team), HD_EINVAL);
	assert_int_equal(patch("{\"tags\": [\"\"]}", &p, &team), HD_EINVAL);
	assert_int_equal(patch("{\"tags\": \"vip\"}", &p, &team), HD_EINVAL);
	assert_int_equal(patch("{\"tags\": [1]}", &p, &team), HD_EINVAL);
	assert_int_equal(patch("{\"status\": \"closed\", \"close_reason\": \"spam\"}", &p, &team), 0);
	assert_int_equal(p.close_reason, HD_REASON_SPAM);
	assert_int_equal(patch("{\"close_reason\": \"none\"}", &p, &team), HD_EINVAL);
	assert_string_equal(err.field, "close_reason");
	assert_int_equal(patch("{\"close_reason\": \"fixed\"}", &p, &team), HD_EINVAL);
}

static void patch_sets_only_given_fields(void **state)
{
	struct hd_ticket_patch p;
	const char *team;

	assert_int_equal(patch("{\"status\":\"solved\"}", &p, &team), 0);
	assert_true(p.set_status);
	assert_int_equal(p.status, HD_STATUS_SOLVED);
	assert_false(p.set_subject || p.set_priority || p.set_team || p.set_assignee);
	assert_null(team);
	assert_int_equal(p.if_version, 0);

	assert_int_equal(patch("{\"subject\":\"New\",\"priority\":\"high\"}", &p, &team), 0);
	assert_true(p.set_subject && p.set_priority);
	assert_false(p.set_status || p.set_team || p.set_assignee);
	assert_string_equal(p.subject, "New");
	assert_int_equal(p.priority, HD_PRIORITY_HIGH);
}

static void patch_absent_null_and_value(void **state)
{
	struct hd_ticket_patch p;
	const char *team;

	assert_int_equal(patch("{\"assignee_id\":null}", &p, &team), 0);
	assert_true(p.set_assignee);
	assert_int_equal(p.assignee_id, 0);
	assert_int_equal(patch("{\"assignee_id\":9}", &p, &team), 0);
	assert_true(p.set_assignee);
	assert_int_equal(p.assignee_id, 9);
	assert_int_equal(patch("{\"status\":\"open\"}", &p, &team), 0);
	assert_false(p.set_assignee);

	assert_int_equal(patch("{\"team\":null}", &p, &team), 0);
	assert_true(p.set_team);
	assert_int_equal(p.team_id, 0);
	assert_null(team);
	assert_int_equal(patch("{\"team_id\":null}", &p, &team), 0);
	assert_true(p.set_team);
	assert_int_equal(p.team_id, 0);
	assert_int_equal(patch("{\"team\":5}", &p, &team), 0);
	assert_true(p.set_team);
	assert_int_equal(p.team_id, 5);
	assert_int_equal(patch("{\"team_id\":6}", &p, &team), 0);
	assert_int_equal(p.team_id, 6);
	assert_int_equal(patch("{\"team\":\"Billing\"}", &p, &team), 0);
	assert_true(p.set_team);
	assert_string_equal(team, "Billing");
}

static void patch_refusals(void **state)
{
	struct hd_ticket_patch p;
	const char *team;

	expect_err(patch("{}", &p, &team), HD_EINVAL, NULL);
	expect_err(patch("{\"subject\":null}", &p, &team), HD_EINVAL, NULL);
	expect_err(patch("{\"subject\":\"\"}", &p, &team), HD_EINVAL, "subject");
	expect_err(patch("{\"status\":\"done\"}", &p, &team), HD_EINVAL, "status");
	expect_err(patch("{\"status\":1}", &p, &team), HD_EINVAL, "status");
	expect_err(patch("{\"priority\":\"meh\"}", &p, &team), HD_EINVAL, "priority");
	expect_err(patch("{\"team\":0}", &p, &team), HD_EINVAL, "team");
	expect_err(patch("{\"team\":\"\"}", &p, &team), HD_EINVAL, "team");
	expect_err(patch("{\"team\":false}", &p, &team), HD_EINVAL, "team");
	expect_err(patch("{\"team_id\":-1}", &p, &team), HD_EINVAL, "team_id");
	expect_err(patch("{\"assignee_id\":\"me\"}", &p, &team), HD_EINVAL, "assignee_id");
	expect_err(patch("{\"status\":\"open\",\"version\":3}", &p, &team), HD_EINVAL,
		   "version");
	expect_err(patch("{\"status\":\"open\",\"if_version\":3}", &p, &team), HD_EINVAL,
		   "if_version");
}

/* ---- POST /tickets/{id}/messages --------------------------------------- */

static int message(const char *text, struct hd_message_new *m, int64_t max_att)
{
	json_t *j = J(text);
	struct hd_upload *up;
	size_t nup;
	int rc;

	hd_err_clear(&err);
	rc = hd_in_message_new(j, m, &up, &nup, max_att, &arena, &err);
	if (!rc && m->text)
		m->text = hd_arena_strdup(&arena, m->text);
	if (!rc)
		m->nattachments = nup; /* reuse the count for the tests */
	json_decref(j);
	return rc;
}

static void message_defaults_and_fields(void **state)
{
	struct hd_message_new m;

	assert_int_equal(message("{\"text\":\"Hello\"}", &m, 100), 0);
	assert_int_equal(m.author, HD_AUTHOR_AGENT);
	assert_int_equal(m.visibility, HD_VIS_PUBLIC);
	assert_string_equal(m.text, "Hello");
	assert_int_equal(m.nattachments, 0);
	assert_int_equal(message("{\"text\":\"note\",\"visibility\":\"internal\"}", &m, 100), 0);
	assert_int_equal(m.visibility, HD_VIS_INTERNAL);
	assert_int_equal(message("{\"text\":\"me\",\"author\":\"customer\"}", &m, 100), 0);
	assert_int_equal(m.author, HD_AUTHOR_CUSTOMER);
	assert_int_equal(message("{\"text\":\"x\",\"attachments\":[{\"filename\":\"a\","
				 "\"content_base64\":\"aGk=\"}]}",
				 &m, 100),
			 0);
	assert_int_equal(m.nattachments, 1);
}

static void message_refusals(void **state)
{
	struct hd_message_new m;

	expect_err(message("{}", &m, 100), HD_EINVAL, "text");
	expect_err(message("{\"text\":\"\"}", &m, 100), HD_EINVAL, "text");
	expect_err(message("{\"text\":\"x\",\"to\":\"y\"}", &m, 100), HD_EINVAL, "to");
	expect_err(message("{\"text\":\"x\",\"visibility\":\"private\"}", &m, 100), HD_EINVAL,
		   "visibility");
	expect_err(message("{\"text\":\"x\",\"author\":\"system\"}", &m, 100), HD_EINVAL,
		   "author");
	expect_err(message("{\"text\":\"x\",\"author\":\"customer\",\"visibility\":\"internal\"}",
			   &m, 100),
		   HD_EINVAL, "visibility");
	expect_err(message("{\"text\":\"x\",\"attachments\":[{\"filename\":\"a\","
			   "\"content_base64\":\"aGVsbG8=\"}]}",
			   &m, 2),
		   HD_ETOOBIG, "attachments");
}

/* ---- customers --------------------------------------------------------- */

static int customer(const char *text, struct hd_customer_new *c)
{
	json_t *j = J(text);
	int rc;

	hd_err_clear(&err);
	rc = hd_in_customer_new(j, c, &arena, &err);
	if (!rc) {
		c->name = hd_arena_strdup(&arena, c->name);
		c->notes = hd_arena_strdup(&arena, c->notes);
	}
	json_decref(j);
	return rc;
}

static void customer_with_identities_and_shortcuts(void **state)
{
	struct hd_customer_new c;

	assert_int_equal(customer("{\"name\":\"Ada\",\"notes\":\"VIP\\nline 2\","
				  "\"organization_id\":3,"
				  "\"identities\":[{\"kind\":\"handle\",\"value\":\"Slack:Ada\"}],"
				  "\"email\":\"ADA@example.com\",\"phone\":\"+1 (555) 0100\"}",
				  &c),
			 0);
	assert_string_equal(c.name, "Ada");
	assert_string_equal(c.notes, "VIP\nline 2");
	assert_int_equal(c.organization_id, 3);
	assert_int_equal(c.nidentities, 3);
	assert_int_equal(c.identities[0].kind, HD_IDKIND_HANDLE);
	assert_string_equal(c.identities[0].value, "slack:ada");
	assert_int_equal(c.identities[1].kind, HD_IDKIND_EMAIL);
	assert_string_equal(c.identities[1].value, "ada@example.com");
	assert_int_equal(c.identities[2].kind, HD_IDKIND_PHONE);
	assert_string_equal(c.identities[2].value, "+15550100");
}

static void customer_duplicate_identity_after_normalising(void **state)
{
	struct hd_customer_new c;

	expect_err(customer("{\"identities\":[{\"kind\":\"email\",\"value\":\"A@B.C\"}],"
			    "\"email\":\"a@b.c\"}",
			    &c),
		   HD_EINVAL, "identities");
	expect_err(customer("{\"identities\":[{\"kind\":\"phone\",\"value\":\"+1 555 0100\"},"
			    "{\"kind\":\"phone\",\"value\":\"+1-555-0100\"}]}",
			    &c),
		   HD_EINVAL, "identities");
	/* the same text under two kinds is two identities */
	assert_int_equal(customer("{\"identities\":[{\"kind\":\"handle\",\"value\":\"a@b.c\"}],"
				  "\"email\":\"a@b.c\"}",
				  &c),
			 0);
	assert_int_equal(c.nidentities, 2);
}

static void customer_refusals(void **state)
{
	struct hd_customer_new c;
	char text[8192];
	size_t n;

	expect_err(customer("{\"nickname\":\"x\"}", &c), HD_EINVAL, "nickname");
	expect_err(customer("{\"name\":5}", &c), HD_EINVAL, "name");
	expect_err(customer("{\"name\":\"a\\tb\"}", &c), HD_EINVAL, "name");
	expect_err(customer("{\"notes\":\"a\\u0007\"}", &c), HD_EINVAL, "notes");
	expect_err(customer("{\"organization_id\":0}", &c), HD_EINVAL, "organization_id");
	expect_err(customer("{\"identities\":{}}", &c), HD_EINVAL, "identities");
	expect_err(customer("{\"identities\":[\"a@b.c\"]}", &c), HD_EINVAL, "identities");
	expect_err(customer("{\"identities\":[{\"value\":\"a@b.c\"}]}", &c), HD_EINVAL, "kind");
	expect_err(customer("{\"identities\":[{\"kind\":\"fax\",\"value\":\"1\"}]}", &c),
		   HD_EINVAL, "kind");
	expect_err(customer("{\"identities\":[{\"kind\":\"email\"}]}", &c), HD_EINVAL, "value");
	expect_err(customer("{\"identities\":[{\"kind\":\"email\",\"value\":\"nope\"}]}", &c),
		   HD_EINVAL, "value");
	expect_err(customer("{\"identities\":[{\"kind\":\"email\",\"value\":\"a@b.c\",\"x\":1}]}",
			    &c),
		   HD_EINVAL, "x");
	expect_err(customer("{\"email\":\"nope\"}", &c), HD_EINVAL, "email");
	expect_err(customer("{\"phone\":\"12\"}", &c), HD_EINVAL, "phone");
	n = (size_t)snprintf(text, sizeof(text), "{\"identities\":[");
	for (int i = 0; i < 101; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n,
				      "%s{\"kind\":\"handle\",\"value\":\"h%d\"}", i ? "," : "", i);
	snprintf(text + n, sizeof(text) - n, "]}");
	expect_err(customer(text, &c), HD_EINVAL, "identities");
}

static int cpatch(const char *text, struct hd_customer_patch *p)
{
	json_t *j = J(text);
	int rc;

	hd_err_clear(&err);
	rc = hd_in_customer_patch(j, p, &err);
	if (!rc) {
		p->name = hd_arena_strdup(&arena, p->name);
		p->notes = hd_arena_strdup(&arena, p->notes);
	}
	json_decref(j);
	return rc;
}

static void customer_patch_semantics(void **state)
{
	struct hd_customer_patch p;

	assert_int_equal(cpatch("{\"name\":\"Ada\"}", &p), 0);
	assert_true(p.set_name);
	assert_false(p.set_notes || p.set_organization);
	assert_string_equal(p.name, "Ada");
	assert_int_equal(cpatch("{\"organization_id\":null}", &p), 0);
	assert_true(p.set_organization);
	assert_int_equal(p.organization_id, 0);
	assert_false(p.set_name || p.set_notes);
	assert_int_equal(cpatch("{\"organization_id\":12,\"notes\":\"\"}", &p), 0);
	assert_true(p.set_organization && p.set_notes);
	assert_int_equal(p.organization_id, 12);
	assert_string_equal(p.notes, "");
	expect_err(cpatch("{}", &p), HD_EINVAL, NULL);
	expect_err(cpatch("{\"email\":\"a@b.c\"}", &p), HD_EINVAL, "email");
	expect_err(cpatch("{\"organization_id\":\"1\"}", &p), HD_EINVAL, "organization_id");
}

static int identity(const char *text, struct hd_identity_new *id)
{
	json_t *j = J(text);
	int rc;

	hd_err_clear(&err);
	rc = hd_in_identity_new(j, id, &arena, &err);
	json_decref(j);
	return rc;
}

static void identity_new(void **state)
{
	struct hd_identity_new id;

	assert_int_equal(identity("{\"kind\":\"phone\",\"value\":\" +1 555-0100 \"}", &id), 0);
	assert_int_equal(id.kind, HD_IDKIND_PHONE);
	assert_string_equal(id.value, "+15550100");
	assert_int_equal(identity("{\"kind\":\"email\",\"value\":\"X@Y.Z\"}", &id), 0);
	assert_string_equal(id.value, "x@y.z");
	expect_err(identity("{\"value\":\"x@y.z\"}", &id), HD_EINVAL, "kind");
	expect_err(identity("{\"kind\":\"email\"}", &id), HD_EINVAL, "value");
	expect_err(identity("{\"kind\":\"email\",\"value\":\"x\"}", &id), HD_EINVAL, "value");
	expect_err(identity("{\"kind\":\"email\",\"value\":\"x@y.z\",\"primary\":true}", &id),
		   HD_EINVAL, "primary");
	expect_err(identity("[]", &id), HD_EINVAL, "identity");
}

/* ---- query strings ----------------------------------------------------- */

struct qs {
	const char *kv[16]; /* key, value, key, value, ..., NULL */
};

static const char *qget(void *ctx, const char *key)
{
	struct qs *q = ctx;

	for (int i = 0; q->kv[i]; i += 2)
		if (!strcmp(q->kv[i], key))
			return q->kv[i + 1];
	return NULL;
}

static int filter(struct qs q, int64_t me, struct hd_ticket_filter *f)
{
	hd_err_clear(&err);
	return hd_in_ticket_filter(qget, &q, me, f, &err);
}

static void filter_defaults(void **state)
{
	struct hd_ticket_filter f;
	struct qs q = { { NULL } };

	assert_int_equal(filter(q, 7, &f), 0);
	assert_false(f.has_status || f.active_only || f.has_priority);
	assert_int_equal(f.team_id, 0);
	assert_int_equal(f.assignee_id, 0);
	assert_int_equal(f.customer_id, 0);
	assert_int_equal(f.after, 0);
	assert_int_equal(f.limit, 50);
}

static void filter_status(void **state)
{
	struct hd_ticket_filter f;

	assert_int_equal(filter((struct qs){ { "status", "active", NULL } }, 7, &f), 0);
	assert_true(f.active_only);
	assert_false(f.has_status);
	assert_int_equal(filter((struct qs){ { "status", "on_hold", NULL } }, 7, &f), 0);
	assert_true(f.has_status);
	assert_int_equal(f.status, HD_STATUS_ON_HOLD);
	assert_false(f.active_only);
	expect_err(filter((struct qs){ { "status", "Active", NULL } }, 7, &f), HD_EINVAL,
		   "status");
	assert_int_equal(filter((struct qs){ { "status", "", NULL } }, 7, &f), 0);
	assert_false(f.has_status || f.active_only);
	assert_int_equal(filter((struct qs){ { "priority", "urgent", NULL } }, 7, &f), 0);
	assert_true(f.has_priority);
	assert_int_equal(f.priority, HD_PRIORITY_URGENT);
	expect_err(filter((struct qs){ { "priority", "2", NULL } }, 7, &f), HD_EINVAL, "priority");
}

static void filter_assignee_me_none_id(void **state)
{
	struct hd_ticket_filter f;

	assert_int_equal(filter((struct qs){ { "assignee", "me", NULL } }, 7, &f), 0);
	assert_int_equal(f.assignee_id, 7);
	assert_int_equal(filter((struct qs){ { "assignee", "none", NULL } }, 7, &f), 0);
	assert_int_equal(f.assignee_id, -1);
	assert_int_equal(filter((struct qs){ { "assignee", "12", NULL } }, 7, &f), 0);
	assert_int_equal(f.assignee_id, 12);
	expect_err(filter((struct qs){ { "assignee", "me", NULL } }, 0, &f), HD_EINVAL,
		   "assignee");
	expect_err(filter((struct qs){ { "assignee", "bob", NULL } }, 7, &f), HD_EINVAL,
		   "assignee");
	expect_err(filter((struct qs){ { "assignee", "-1", NULL } }, 7, &f), HD_EINVAL,
		   "assignee");
	expect_err(filter((struct qs){ { "assignee", "0", NULL } }, 7, &f), HD_EINVAL,
		   "assignee");
}

static void filter_team_and_customer(void **state)
{
	struct hd_ticket_filter f;

	assert_int_equal(filter((struct qs){ { "team", "none", NULL } }, 7, &f), 0);
	assert_int_equal(f.team_id, -1);
	assert_int_equal(filter((struct qs){ { "team", "3", "customer", "9", NULL } }, 7, &f), 0);
	assert_int_equal(f.team_id, 3);
	assert_int_equal(f.customer_id, 9);
	expect_err(filter((struct qs){ { "team", "me", NULL } }, 7, &f), HD_EINVAL, "team");
	expect_err(filter((struct qs){ { "customer", "none", NULL } }, 7, &f), HD_EINVAL,
		   "customer");
	expect_err(filter((struct qs){ { "customer", "x", NULL } }, 7, &f), HD_EINVAL,
		   "customer");
}

static void filter_ids_of_19_digits_are_refused(void **state)
{
	struct hd_ticket_filter f;

	expect_err(filter((struct qs){ { "team", "1234567890123456789", NULL } }, 7, &f),
		   HD_EINVAL, "team");
	expect_err(filter((struct qs){ { "assignee", "9223372036854775808", NULL } }, 7, &f),
		   HD_EINVAL, "assignee");
	expect_err(filter((struct qs){ { "customer", "99999999999999999999999", NULL } }, 7, &f),
		   HD_EINVAL, "customer");
	expect_err(filter((struct qs){ { "after", "18446744073709551617", NULL } }, 7, &f),
		   HD_EINVAL, "after");
	assert_int_equal(filter((struct qs){ { "team", "999999999999999999", NULL } }, 7, &f), 0);
	assert_int_equal(f.team_id, 999999999999999999);
}

static void page_limit_and_after(void **state)
{
	int64_t after;
	int limit;
	struct qs q;

	q = (struct qs){ { NULL } };
	assert_int_equal(hd_in_page(qget, &q, 25, &after, &limit, &err), 0);
	assert_int_equal(limit, 25);
	assert_int_equal(after, 0);
	q = (struct qs){ { "limit", "1", "after", "100", NULL } };
	assert_int_equal(hd_in_page(qget, &q, 25, &after, &limit, &err), 0);
	assert_int_equal(limit, 1);
	assert_int_equal(after, 100);
	q = (struct qs){ { "limit", "200", "after", "", NULL } };
	assert_int_equal(hd_in_page(qget, &q, 25, &after, &limit, &err), 0);
	assert_int_equal(limit, 200);
	assert_int_equal(after, 0);
	static const char *const bad_limits[] = { "0", "201", "-1", "", "ten", "1e2",
						  "99999999999999999999" };
	for (size_t i = 0; i < sizeof(bad_limits) / sizeof(*bad_limits); i++) {
		q = (struct qs){ { "limit", bad_limits[i], NULL } };
		hd_err_clear(&err);
		if (hd_in_page(qget, &q, 25, &after, &limit, &err) != HD_EINVAL)
			fail_msg("limit=%s accepted", bad_limits[i]);
		assert_string_equal(err.field, "limit");
	}
	q = (struct qs){ { "after", "0", NULL } };
	hd_err_clear(&err);
	expect_err(hd_in_page(qget, &q, 25, &after, &limit, &err), HD_EINVAL, "after");
	q = (struct qs){ { "after", "abc", NULL } };
	expect_err(hd_in_page(qget, &q, 25, &after, &limit, &err), HD_EINVAL, "after");
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(id_accepts_positive_up_to_18_digits),
		T(id_refuses_zero_signs_junk_and_19_digits),
		T(str_required_and_optional),
		T(str_length_limits_are_bytes),
		T(str_control_characters),
		T(str_embedded_nul_is_refused),
		T(ticket_minimal_gets_defaults),
		T(ticket_all_fields),
		T(ticket_unknown_fields_are_named),
		T(ticket_subject_rules),
		T(ticket_requester_exactly_one),
		T(ticket_requester_field_validation),
		T(ticket_message_rules),
		T(ticket_text_cap),
		T(ticket_enum_words),
		T(ticket_team_and_assignee),
		T(ticket_body_must_be_an_object_of_fields),
		T(attachment_is_decoded),
		T(attachment_base64_may_be_wrapped),
		T(attachment_invalid_base64),
		T(attachment_size_cap),
		T(attachment_far_over_cap_is_refused_before_decoding),
		T(attachment_fields),
		T(attachment_count_cap),
		T(patch_sets_only_given_fields),
		T(patch_tags_and_close_reason),
		T(patch_absent_null_and_value),
		T(patch_refusals),
		T(message_defaults_and_fields),
		T(message_refusals),
		T(customer_with_identities_and_shortcuts),
		T(customer_duplicate_identity_after_normalising),
		T(customer_refusals),
		T(customer_patch_semantics),
		T(identity_new),
		T(filter_defaults),
		T(filter_status),
		T(filter_assignee_me_none_id),
		T(filter_team_and_customer),
		T(filter_ids_of_19_digits_are_refused),
		T(page_limit_and_after),
	};
	return cmocka_run_group_tests_name("http/input", tests, NULL, NULL);
}
