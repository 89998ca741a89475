/*
 * test_mail_parse.c — hd_mail_parse (mail/parse) over the corpus of tricky
 * messages in tests/mail/corpus: one table row per message with what heed
 * must read out of it (charsets, encoded words, broken MIME, bodies, parts,
 * bounces, automation signals). Then the details of one reply (threading,
 * recipients, dates), the caps (a 20 MB attachment built here rather than
 * committed, a message over the cap, a full arena) and two invariants over
 * the whole corpus: every string is valid UTF-8, and every prefix of every
 * message either parses or fails cleanly.
 *
 * LeakSanitizer: GMime and GLib keep their one-time tables (type system,
 * charset maps, iconv cache) in static pointers, which LSan counts as
 * reachable, so nothing needs suppressing; main() still calls
 * g_mime_shutdown() at the end so that a leak report shows only our leaks.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <gmime/gmime.h>

#include "domain/quote.h"
#include "mail/parse.h"
#include "util/sbuf.h"

#ifndef HD_SOURCE_DIR
#error "HD_SOURCE_DIR must name the source tree (see tests/unit/meson.build)"
#endif

#define CORPUS HD_SOURCE_DIR "/tests/mail/corpus/"
#define MAX_LEN (32u << 20)
#define ARENA_MAX (256u << 20)

/* ------------------------------------------------------------- helpers */

static char *slurp(const char *name, size_t *len)
{
	char path[512];
	FILE *f;
	char *buf = NULL;
	long n;

	snprintf(path, sizeof(path), CORPUS "%s.eml", name);
	f = fopen(path, "rb");
	if (!f)
		fail_msg("cannot open %s", path);
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0) {
		buf = malloc((size_t)n + 1);
		if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
			free(buf);
			buf = NULL;
		}
		*len = (size_t)n;
	}
	fclose(f);
	if (!buf)
		fail_msg("cannot read %s", path);
	return buf;
}

/* `want` NULL means "must be NULL". */
static void str_is(const char *what, const char *name, const char *got, const char *want)
{
	if (!want && !got)
		return;
	if (!want || !got || strcmp(got, want))
		fail_msg("%s: %s is \"%s\", want \"%s\"", name, what, got ? got : "(null)",
			 want ? want : "(null)");
}

static void has(const char *what, const char *name, const char *hay, const char *needle)
{
	if (needle && !strstr(hay, needle))
		fail_msg("%s: %s \"%s\" lacks \"%s\"", name, what, hay, needle);
}

/* ---------------------------------------------------------- the corpus */

struct part_want {
	const char *content_type;
	const char *filename;
	int is_inline;
};

struct dsn_want {
	int is_dsn;
	const char *recipient, *action, *status, *diag_has, *orig_message_id;
};

struct signals_want {
	const char *auto_submitted, *precedence, *x_loop, *list_id, *list_unsubscribe;
	const char *x_auto_response_suppress, *x_heed_loop, *return_path;
};

struct want {
	const char *name;
	int rc;
	const char *subject;
	const char *from_addr, *from_name;
	const char *message_id;
	const char *text_has[2]; /* substrings of the text */
	const char *display;     /* hd_quote_strip() of the text; NULL: not checked */
	int html;                /* an HTML alternative is present */
	size_t nparts;
	struct part_want parts[2];
	int calendar;
	struct dsn_want dsn;
	struct signals_want sig;
};

static const struct want corpus[] = {
	{ .name = "utf8_reply",
	  .subject = "Re: [#42] Printer on fire",
	  .from_addr = "ann.example@example.com",
	  .from_name = "Ann Exampl\xc3\xa9",
	  .message_id = "reply-1@mail.example.com",
	  .text_has = { "Gr\xc3\xbc\xc3\x9f" "e, \xe2\x98\x83", "> Ticket #42" },
	  .display = "Thanks \xe2\x80\x94 the fire is out now. "
		     "Gr\xc3\xbc\xc3\x9f" "e, \xe2\x98\x83",
	  .sig = { .return_path = "ann@example.com" } },
	{ .name = "latin1_qp",
	  .subject = "Probl\xc3\xa8me de connexion",
	  .from_addr = "francois@example.fr",
	  .from_name = "Fran\xc3\xa7ois Lef\xc3\xa8vre",
	  .message_id = "latin1@example.fr",
	  .text_has = { "je n'arrive pas \xc3\xa0 me connecter", "Fran\xc3\xa7ois" } },
	{ .name = "windows1252",
	  .subject = "Refund \xe2\x80\x93 \xe2\x82\xac" "10",
	  .from_addr = "pat@example.com",
	  .from_name = "Pat",
	  .message_id = "cp1252@example.com",
	  .text_has = { "\xe2\x82\xac" "10 and it\xe2\x80\x99s "
			"\xe2\x80\x9c" "broken\xe2\x80\x9d" } },
	{ .name = "iso2022jp",
	  .subject = "\xe8\xab\x8b\xe6\xb1\x82\xe6\x9b\xb8\xe3\x81\xab\xe3\x81\xa4\xe3\x81\x84"
		     "\xe3\x81\xa6",
	  .from_addr = "taro@example.jp",
	  .from_name = "\xe5\xb1\xb1\xe7\x94\xb0\xe5\xa4\xaa\xe9\x83\x8e",
	  .message_id = "jp-1@example.jp",
	  .text_has = { "\xe8\xab\x8b\xe6\xb1\x82\xe6\x9b\xb8\xe3\x81\x8c\xe5\xb1\x8a\xe3\x81\x8d"
			"\xe3\x81\xbe\xe3\x81\x9b\xe3\x82\x93" } },
	{ .name = "koi8r",
	  .subject = "\xd0\x92\xd1\x85\xd0\xbe\xd0\xb4 \xd0\xbd\xd0\xb5 \xd1\x80\xd0\xb0\xd0\xb1"
		     "\xd0\xbe\xd1\x82\xd0\xb0\xd0\xb5\xd1\x82",
	  .from_addr = "ivan@example.ru",
	  .from_name = "\xd0\x98\xd0\xb2\xd0\xb0\xd0\xbd \xd0\x9f\xd0\xb5\xd1\x82\xd1\x80\xd0\xbe"
		       "\xd0\xb2",
	  .message_id = "koi8@example.ru",
	  .text_has = { "\xd0\x97\xd0\xb4\xd1\x80\xd0\xb0\xd0\xb2\xd1\x81\xd1\x82\xd0\xb2\xd1\x83"
			"\xd0\xb9\xd1\x82\xd0\xb5!" } },
	{ .name = "undeclared_8bit",
	  .subject = "Caf\xc3\xa9 cr\xc3\xa8me",
	  .from_addr = "jerome@example.fr",
	  .from_name = "J\xc3\xa9r\xc3\xb4me Dupr\xc3\xa9",
	  .message_id = "undeclared@example.fr",
	  .text_has = { "Le caf\xc3\xa9 est froid. \xc3\x80 bient\xc3\xb4t." } },
	{ .name = "missing_boundary_end",
	  .subject = "Missing end boundary",
	  .from_addr = "sam@example.com",
	  .from_name = "",
	  .message_id = "noend@example.com",
	  .text_has = { "See the attached invoice." },
	  .nparts = 1,
	  .parts = { { "application/pdf", "invoice.pdf", 0 } } },
	{ .name = "bad_base64",
	  .subject = "Bad base64",
	  .from_addr = "sam@example.com",
	  .from_name = "",
	  .message_id = "badb64@example.com",
	  .text_has = { "Screenshot attached." },
	  .nparts = 1,
	  .parts = { { "image/png", "shot.png", 0 } } },
	{ .name = "no_content_type",
	  .subject = "No MIME headers",
	  .from_addr = "old@example.com",
	  .from_name = "Old Client",
	  .message_id = "nomime@example.com",
	  .text_has = { "Plain old RFC 822 mail" } },
	{ .name = "no_message_id",
	  .subject = "Where is my id",
	  .from_addr = "nomsgid@example.com",
	  .from_name = "",
	  .message_id = NULL,
	  .text_has = { "no Message-ID header" } },
	{ .name = "html_only",
	  .subject = "HTML only",
	  .from_addr = "news@example.com",
	  .from_name = "Marketing Person",
	  .message_id = "html-only@example.com",
	  .text_has = { "Hello & welcome,\n\nprices < 10 \xe2\x82\xac \xe2\x80\x93 caf\xc3\xa9",
			"> old question" },
	  .display = "Hello & welcome,\n\nprices < 10 \xe2\x82\xac \xe2\x80\x93 caf\xc3\xa9",
	  .html = 1 },
	{ .name = "alternative_cid",
	  .subject = "Logo problem",
	  .from_addr = "d@example.com",
	  .from_name = "Designer",
	  .message_id = "cid@example.com",
	  .text_has = { "The logo below is blurry." },
	  .html = 1,
	  .nparts = 1,
	  .parts = { { "image/png", "logo.png", 1 } } },
	{ .name = "attachment_rfc2231",
	  .subject = "Anhang",
	  .from_addr = "hans@example.de",
	  .from_name = "",
	  .message_id = "rfc2231@example.de",
	  .text_has = { "Siehe Anhang." },
	  .nparts = 1,
	  .parts = { { "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
		       "Pr\xc3\xbc" "fbericht M\xc3\xa4rz 2025.xlsx", 0 } } },
	{ .name = "winmail",
	  .subject = "Winmail attachment",
	  .from_addr = "outlook-user@example.com",
	  .from_name = "",
	  .message_id = "tnef@example.com",
	  .text_has = { "Please find the report attached." },
	  .nparts = 1,
	  .parts = { { "application/ms-tnef", "winmail.dat", 0 } } },
	{ .name = "forwarded_rfc822",
	  .subject = "Fwd: Original question",
	  .from_addr = "sales@acme.test",
	  .from_name = "Sales",
	  .message_id = "fwd-1@acme.test",
	  .text_has = { "Can you answer this one?" },
	  .nparts = 1,
	  .parts = { { "message/rfc822", "forwarded-message.eml", 0 } } },
	{ .name = "calendar_invite",
	  .subject = "Onboarding call",
	  .from_addr = "org@example.com",
	  .from_name = "Org",
	  .message_id = "cal@example.com",
	  .text_has = { "When: Monday 10 March 2025" },
	  .html = 1,
	  .nparts = 1,
	  .parts = { { "text/calendar", "attachment-1", 0 } },
	  .calendar = 1 },
	{ .name = "auto_reply",
	  .subject = "Automatic reply: [#42] Printer on fire",
	  .from_addr = "dana@example.com",
	  .from_name = "Dana",
	  .message_id = "ooo@example.com",
	  .text_has = { "out of the office" },
	  .sig = { .auto_submitted = "auto-replied",
		   .precedence = "auto_reply",
		   .x_auto_response_suppress = "All" } },
	{ .name = "mailing_list",
	  .subject = "[users] Weekly digest",
	  .from_addr = "member@example.org",
	  .from_name = "List Member",
	  .message_id = "list-1@example.org",
	  .text_has = { "Nothing new" },
	  .sig = { .precedence = "list",
		   .x_loop = "users@lists.example.org",
		   .list_id = "Users of Example <users.lists.example.org>",
		   .list_unsubscribe = "<mailto:users-leave@lists.example.org>, "
				       "<https://lists.example.org/unsub>" } },
	{ .name = "bounce_postfix",
	  .subject = "Undelivered Mail Returned to Sender",
	  .from_addr = "mailer-daemon@mx.acme.test",
	  .from_name = "Mail Delivery System",
	  .message_id = "20250308100000.AB12@mx.acme.test",
	  .text_has = { "could not\nbe delivered" },
	  .nparts = 1,
	  .parts = { { "text/rfc822-headers", "attachment-1", 0 } },
	  .dsn = { 1, "nobody@example.net", "failed", "5.1.1", "Recipient address rejected",
		   "ack-42@acme.test" },
	  .sig = { .auto_submitted = "auto-replied", .return_path = "" } },
	{ .name = "bounce_exim",
	  .subject = "Mail delivery failed: returning message to sender",
	  .from_addr = "mailer-daemon@mail.acme.test",
	  .from_name = "Mail Delivery System",
	  .message_id = "E1tqXyZ-0001Ab-Cd@mail.acme.test",
	  .text_has = { "The following address(es) failed" },
	  .dsn = { 1, "gone@example.org", "failed", "5.1.1", "550 5.1.1 <gone@example.org>",
		   "ack-43@acme.test" },
	  .sig = { .auto_submitted = "auto-replied", .return_path = "" } },
	{ .name = "bounce_exchange",
	  .subject = "Undeliverable: [#44] We have received your request",
	  .from_addr = "postmaster@contoso.onmicrosoft.com",
	  .from_name = "Microsoft Outlook",
	  .message_id = "5f1c2b3a-ndr@contoso.onmicrosoft.com",
	  .text_has = { "Your message to jdoe@contoso.com couldn't be delivered." },
	  .html = 1,
	  .nparts = 1,
	  .parts = { { "message/rfc822", "returned-message.eml", 0 } },
	  .dsn = { 1, "jdoe@contoso.com", "failed", "5.1.10", "RESOLVER.ADR.RecipientNotFound",
		   "ack-44@acme.test" },
	  .sig = { .auto_submitted = "auto-replied" } },
	{ .name = "bounce_gmail_delay",
	  .subject = "Delivery Status Notification (Delay)",
	  .from_addr = "mailer-daemon@googlemail.com",
	  .from_name = "Mail Delivery Subsystem",
	  .message_id = "delay-1@mx.google.com",
	  .text_has = { "Gmail will retry" },
	  .nparts = 1,
	  .parts = { { "text/rfc822-headers", "attachment-1", 0 } },
	  .dsn = { 1, "slow@example.com", "delayed", "4.4.1", "did not accept",
		   "ack-45@acme.test" } },
	{ .name = "sender_only",
	  .subject = "Sender but no From",
	  .from_addr = "bulk@example.com",
	  .from_name = "Bulk Sender",
	  .message_id = "sender-only@example.com",
	  .text_has = { "Hello from the Sender header." } },
	{ .name = "no_sender", .rc = HD_EINVAL },
	{ .name = "not_a_message", .rc = HD_EINVAL },
	{ .name = "apple_inline",
	  .subject = "Screenshot in the middle",
	  .from_addr = "mac@example.com",
	  .from_name = "Mac User",
	  .message_id = "apple-1@example.com",
	  .text_has = { "Here is what I see:", "And this happens after I click OK." },
	  .nparts = 1,
	  .parts = { { "image/png", "screen.png", 1 } } },
	{ .name = "pgp_signed",
	  .subject = "Signed request",
	  .from_addr = "careful@example.com",
	  .from_name = "Careful",
	  .message_id = "signed@example.com",
	  .text_has = { "Please delete my account." } },
	{ .name = "heed_loop",
	  .subject = "[#7] We have received your request",
	  .from_addr = "help@other.test",
	  .from_name = "Other Desk",
	  .message_id = "loop@other.test",
	  .text_has = { "Thank you for contacting Other Desk." },
	  .sig = { .auto_submitted = "auto-replied",
		   .x_heed_loop = "help@other.test",
		   .return_path = "" } },
};

static void check_one(const struct want *w)
{
	struct hd_arena a;
	struct hd_mail m;
	struct hd_err err = { 0 };
	size_t len;
	char *raw = slurp(w->name, &len);
	int rc;

	hd_arena_init(&a, ARENA_MAX);
	rc = hd_mail_parse(raw, len, MAX_LEN, &m, &a, &err);
	free(raw);
	if (rc != w->rc)
		fail_msg("%s: rc %d (%s), want %d", w->name, rc, err.msg, w->rc);
	if (rc) {
		assert_true(err.msg[0] != '\0');
		hd_arena_release(&a);
		return;
	}
	str_is("subject", w->name, m.subject, w->subject);
	str_is("from.addr", w->name, m.from.addr, w->from_addr);
	str_is("from.name", w->name, m.from.name, w->from_name);
	str_is("message_id", w->name, m.message_id, w->message_id);
	for (int i = 0; i < 2; i++)
		has("text", w->name, m.text, w->text_has[i]);
	if (w->display) {
		struct hd_sbuf d;

		hd_sbuf_init(&d, strlen(m.text) + 1);
		assert_int_equal(hd_quote_strip(m.text, strlen(m.text), &d), 0);
		str_is("display text", w->name, d.buf, w->display);
		hd_sbuf_release(&d);
	}
	if (!!m.html != w->html)
		fail_msg("%s: html %s, want %s", w->name, m.html ? "present" : "absent",
			 w->html ? "present" : "absent");
	if (m.nparts != w->nparts)
		fail_msg("%s: %zu parts, want %zu", w->name, m.nparts, w->nparts);
	for (size_t i = 0; i < m.nparts && i < 2; i++) {
		str_is("part content type", w->name, m.parts[i].content_type,
		       w->parts[i].content_type);
		str_is("part filename", w->name, m.parts[i].filename, w->parts[i].filename);
		if (m.parts[i].is_inline != w->parts[i].is_inline)
			fail_msg("%s: part %zu inline %d", w->name, i, m.parts[i].is_inline);
		assert_non_null(m.parts[i].data);
	}
	assert_int_equal(m.calendar, w->calendar);

	assert_int_equal(m.dsn.is_dsn, w->dsn.is_dsn);
	str_is("dsn.recipient", w->name, m.dsn.recipient, w->dsn.recipient);
	str_is("dsn.action", w->name, m.dsn.action, w->dsn.action);
	str_is("dsn.status", w->name, m.dsn.status, w->dsn.status);
	str_is("dsn.orig_message_id", w->name, m.dsn.orig_message_id, w->dsn.orig_message_id);
	if (w->dsn.diag_has)
		has("dsn.diagnostic", w->name, m.dsn.diagnostic ? m.dsn.diagnostic : "",
		    w->dsn.diag_has);
	else
		assert_null(m.dsn.diagnostic);

	str_is("auto_submitted", w->name, m.auto_submitted, w->sig.auto_submitted);
	str_is("precedence", w->name, m.precedence, w->sig.precedence);
	str_is("x_loop", w->name, m.x_loop, w->sig.x_loop);
	str_is("list_id", w->name, m.list_id, w->sig.list_id);
	str_is("list_unsubscribe", w->name, m.list_unsubscribe, w->sig.list_unsubscribe);
	str_is("x_auto_response_suppress", w->name, m.x_auto_response_suppress,
	       w->sig.x_auto_response_suppress);
	str_is("x_heed_loop", w->name, m.x_heed_loop, w->sig.x_heed_loop);
	str_is("return_path", w->name, m.return_path, w->sig.return_path);
	hd_arena_release(&a);
}

static void corpus_reads_as_expected(void **state)
{
	for (size_t i = 0; i < sizeof(corpus) / sizeof(corpus[0]); i++)
		check_one(&corpus[i]);
}

/* ------------------------------------------------------- one reply, in full */

static void reply_threading_recipients_and_date(void **state)
{
	struct hd_arena a;
	struct hd_mail m;
	size_t len;
	char *raw = slurp("utf8_reply", &len);

	hd_arena_init(&a, ARENA_MAX);
	assert_int_equal(hd_mail_parse(raw, len, MAX_LEN, &m, &a, NULL), 0);
	assert_string_equal(m.in_reply_to, "ack-42@acme.test");
	assert_int_equal(m.nreferences, 2);
	assert_string_equal(m.references[0], "orig-1@mail.example.com");
	assert_string_equal(m.references[1], "ack-42@acme.test");
	assert_int_equal(m.date, 1740993300000); /* Mon, 03 Mar 2025 10:15:00 +0100 */
	assert_string_equal(m.reply_to.addr, "ann.home@example.net");
	assert_string_equal(m.reply_to.name, "Ann at home");
	/* To, Cc, Delivered-To, X-Original-To; lower case; each address once */
	assert_int_equal(m.nrecipients, 4);
	assert_string_equal(m.recipients[0].addr, "support@acme.test");
	assert_string_equal(m.recipients[0].name, "ACME Support");
	assert_string_equal(m.recipients[1].addr, "bob@example.com");
	assert_string_equal(m.recipients[2].addr, "carol@example.com");
	assert_string_equal(m.recipients[2].name, "Carol");
	assert_string_equal(m.recipients[3].addr, "help@acme.test");
	assert_null(strchr(m.text, '\r')); /* CRLF became LF */
	hd_arena_release(&a);
	free(raw);
}

static void references_are_capped_and_deduplicated(void **state)
{
	struct hd_sbuf sb;
	struct hd_arena a;
	struct hd_mail m;

	hd_sbuf_init(&sb, 1 << 20);
	assert_int_equal(hd_sbuf_adds(&sb, "From: a@example.com\nReferences:"), 0);
	for (int i = 0; i < 500; i++)
		assert_int_equal(hd_sbuf_addf(&sb, " <id-%d@x>", i % 250), 0);
	assert_int_equal(hd_sbuf_adds(&sb, "\nIn-Reply-To: <last@x>\n\nbody\n"), 0);
	hd_arena_init(&a, ARENA_MAX);
	assert_int_equal(hd_mail_parse(sb.buf, sb.len, MAX_LEN, &m, &a, NULL), 0);
	assert_true(m.nreferences <= 100);
	assert_string_equal(m.references[0], "id-0@x");      /* the thread's root */
	assert_string_equal(m.references[m.nreferences - 1], "last@x"); /* the parent */
	for (size_t i = 0; i < m.nreferences; i++)
		for (size_t j = i + 1; j < m.nreferences; j++)
			assert_string_not_equal(m.references[i], m.references[j]);
	hd_arena_release(&a);
	hd_sbuf_release(&sb);
}

static void bare_in_reply_to_and_null_return_path(void **state)
{
	static const char raw[] = "Return-Path: < >\nFrom: a@example.com\n"
				  "In-Reply-To: abc.def@example.org\nMessage-ID: <>\n\nhi\n";
	struct hd_arena a;
	struct hd_mail m;

	hd_arena_init(&a, ARENA_MAX);
	assert_int_equal(hd_mail_parse(raw, sizeof(raw) - 1, MAX_LEN, &m, &a, NULL), 0);
	assert_string_equal(m.in_reply_to, "abc.def@example.org");
	assert_string_equal(m.return_path, "");
	assert_null(m.message_id); /* empty is missing */
	hd_arena_release(&a);
}

/* ---------------------------------------------------------------- caps */

#define HUGE (20u << 20)

/* A message with a HUGE-byte attachment, base64 in 76-column lines. */
static char *huge_message(size_t *len)
{
	static const char head[] = "From: big@example.com\r\nTo: support@acme.test\r\n"
				   "Subject: big\r\nMIME-Version: 1.0\r\n"
				   "Content-Type: multipart/mixed; boundary=B\r\n\r\n--B\r\n"
				   "Content-Type: text/plain\r\n\r\nsee attachment\r\n--B\r\n"
				   "Content-Type: application/octet-stream\r\n"
				   "Content-Disposition: attachment; filename=big.bin\r\n"
				   "Content-Transfer-Encoding: base64\r\n\r\n";
	static const char tail[] = "\r\n--B--\r\n";
	static const char b64[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t groups = HUGE / 3, n = 0;
	size_t cap = sizeof(head) + groups * 4 + groups * 4 / 76 * 2 + sizeof(tail) + 16;
	char *buf = malloc(cap);

	assert_non_null(buf);
	memcpy(buf, head, sizeof(head) - 1);
	n = sizeof(head) - 1;
	for (size_t g = 0; g < groups; g++) {
		/* bytes 3g, 3g+1, 3g+2 of the data are (3g + k) & 0xff */
		unsigned char b0 = (unsigned char)(3 * g), b1 = (unsigned char)(3 * g + 1),
			      b2 = (unsigned char)(3 * g + 2);

		buf[n++] = b64[b0 >> 2];
		buf[n++] = b64[((b0 & 3) << 4) | (b1 >> 4)];
		buf[n++] = b64[((b1 & 15) << 2) | (b2 >> 6)];
		buf[n++] = b64[b2 & 63];
		if ((g + 1) % 19 == 0) {
			buf[n++] = '\r';
			buf[n++] = '\n';
		}
	}
	memcpy(buf + n, tail, sizeof(tail) - 1);
	n += sizeof(tail) - 1;
	*len = n;
	return buf;
}

static void huge_attachment_within_the_cap(void **state)
{
	size_t len;
	char *raw = huge_message(&len);
	struct hd_arena a;
	struct hd_mail m;
	struct hd_err err = { 0 };
	size_t data_len = HUGE / 3 * 3;

	hd_arena_init(&a, ARENA_MAX);
	assert_int_equal(hd_mail_parse(raw, len, MAX_LEN, &m, &a, &err), 0);
	assert_string_equal(m.text, "see attachment");
	assert_int_equal(m.nparts, 1);
	assert_string_equal(m.parts[0].filename, "big.bin");
	assert_int_equal(m.parts[0].len, data_len);
	for (size_t i = 0; i < data_len; i += 4093)
		assert_int_equal(m.parts[0].data[i], (unsigned char)i);
	assert_int_equal(m.parts[0].data[data_len - 1], (unsigned char)(data_len - 1));
	hd_arena_release(&a);

	/* the same message when the arena cannot hold it: a clean HD_ENOMEM */
	hd_arena_init(&a, 1u << 20);
	assert_int_equal(hd_mail_parse(raw, len, MAX_LEN, &m, &a, &err), HD_ENOMEM);
	hd_arena_release(&a);
	free(raw);
}

static void over_the_cap_is_refused(void **state)
{
	size_t len;
	char *raw = huge_message(&len);
	struct hd_arena a;
	struct hd_mail m;
	struct hd_err err = { 0 };

	hd_arena_init(&a, ARENA_MAX);
	assert_int_equal(hd_mail_parse(raw, len, 10u << 20, &m, &a, &err), HD_ETOOBIG);
	assert_int_equal(err.code, HD_ETOOBIG);
	hd_err_clear(&err);
	assert_int_equal(hd_mail_parse(raw, len, len - 1, &m, &a, &err), HD_ETOOBIG);
	hd_err_clear(&err);
	assert_int_equal(hd_mail_parse(raw, 0, len, &m, &a, &err), HD_EINVAL);
	hd_arena_release(&a);
	free(raw);
}

/* ------------------------------------------------------------ invariants */

static void all_valid_utf8(const char *name, const struct hd_mail *m)
{
	const char *s[] = { m->message_id, m->in_reply_to, m->subject, m->from.name, m->from.addr,
			    m->reply_to.name, m->reply_to.addr, m->return_path,
			    m->auto_submitted, m->precedence, m->list_id, m->text, m->html,
			    m->dsn.recipient, m->dsn.diagnostic, m->dsn.orig_message_id };

	for (size_t i = 0; i < sizeof(s) / sizeof(s[0]); i++)
		if (s[i] && !g_utf8_validate(s[i], -1, NULL))
			fail_msg("%s: string %zu is not valid UTF-8", name, i);
	for (size_t i = 0; i < m->nrecipients; i++)
		assert_true(g_utf8_validate(m->recipients[i].name, -1, NULL));
	for (size_t i = 0; i < m->nparts; i++)
		assert_true(g_utf8_validate(m->parts[i].filename, -1, NULL));
}

static void every_string_is_utf8_and_every_prefix_parses(void **state)
{
	for (size_t i = 0; i < sizeof(corpus) / sizeof(corpus[0]); i++) {
		size_t len;
		char *raw = slurp(corpus[i].name, &len);

		for (size_t cut = 0; cut <= len; cut += cut < 400 ? 1 : 37) {
			struct hd_arena a;
			struct hd_mail m;
			int rc;

			hd_arena_init(&a, ARENA_MAX);
			rc = hd_mail_parse(raw, cut, MAX_LEN, &m, &a, NULL);
			assert_true(rc == 0 || rc == HD_EINVAL);
			if (rc == 0) {
				all_valid_utf8(corpus[i].name, &m);
				assert_true(m.from.addr[0] != '\0');
			}
			hd_arena_release(&a);
		}
		free(raw);
	}
}

static void invalid_bytes_become_replacement_characters(void **state)
{
	static const char raw[] = "From: a@example.com\nSubject: bad \xff\xfe utf-8\n"
				  "Content-Type: text/plain; charset=utf-8\n\n"
				  "caf\xc3 \x00 ok \xe2\x82\xac\n";
	struct hd_arena a;
	struct hd_mail m;

	hd_arena_init(&a, ARENA_MAX);
	assert_int_equal(hd_mail_parse(raw, sizeof(raw) - 1, MAX_LEN, &m, &a, NULL), 0);
	all_valid_utf8("invalid bytes", &m);
	assert_string_equal(m.text, "caf\xef\xbf\xbd \xef\xbf\xbd ok \xe2\x82\xac\n");
	hd_arena_release(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(corpus_reads_as_expected),
		cmocka_unit_test(reply_threading_recipients_and_date),
		cmocka_unit_test(references_are_capped_and_deduplicated),
		cmocka_unit_test(bare_in_reply_to_and_null_return_path),
		cmocka_unit_test(huge_attachment_within_the_cap),
		cmocka_unit_test(over_the_cap_is_refused),
		cmocka_unit_test(every_string_is_utf8_and_every_prefix_parses),
		cmocka_unit_test(invalid_bytes_become_replacement_characters),
	};
	int rc;

	hd_mail_init();
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	g_mime_shutdown();
	return rc;
}
