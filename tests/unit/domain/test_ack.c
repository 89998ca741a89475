/*
 * test_ack.c — the acknowledgement text (domain/ack): subject, greeting,
 * due time, the quoted copy of the request and its 4000-byte cap.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "domain/ack.h"

static const int64_t DUE = 1795442700000; /* Monday 23 November 2026, 14:05 UTC */

static struct hd_ack_input input(const char *name, const char *message)
{
	struct hd_ack_input in = { 42, "Printer on fire", name, message, DUE, "Acme Support" };
	return in;
}

struct out {
	struct hd_sbuf subject, body;
};

static int compose(const struct hd_ack_input *in, struct out *o, size_t max)
{
	hd_sbuf_init(&o->subject, max);
	hd_sbuf_init(&o->body, max);
	return hd_ack_compose(in, &o->subject, &o->body);
}

static void release(struct out *o)
{
	hd_sbuf_release(&o->subject);
	hd_sbuf_release(&o->body);
}

static int count(const char *hay, const char *needle)
{
	int n = 0;

	for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
		n++;
	return n;
}

static void subject_carries_ticket_reference(void **state)
{
	struct hd_ack_input in = input("Ada", "help");
	struct out o;

	assert_int_equal(compose(&in, &o, 1 << 16), 0);
	assert_string_equal(o.subject.buf, "[#42] We have received your request: Printer on fire");
	release(&o);
}

static void whole_body_reads_as_expected(void **state)
{
	struct hd_ack_input in = input("Ada", "My printer\n\nis on fire.");
	struct out o;

	assert_int_equal(compose(&in, &o, 1 << 16), 0);
	assert_string_equal(
		o.body.buf,
		"Hello Ada,\n\n"
		"thank you for contacting Acme Support. We have received your request and opened "
		"ticket #42 for it.\n\n"
		"A member of our team will answer you by Monday 23 November 2026, 14:05 UTC at the "
		"latest.\n\n"
		"If you write to us about this request, please keep \"[#42]\" in the subject so "
		"that it reaches the same ticket.\n"
		"\nYour request:\n\n"
		"> My printer\n"
		">\n"
		"> is on fire.\n"
		"\n-- \nAcme Support\n");
	release(&o);
}

static void greeting_without_name(void **state)
{
	struct hd_ack_input in = input(NULL, "x");
	struct out o;

	assert_int_equal(compose(&in, &o, 1 << 16), 0);
	assert_true(strncmp(o.body.buf, "Hello,\n\n", 8) == 0);
	release(&o);
	in = input("", "x");
	assert_int_equal(compose(&in, &o, 1 << 16), 0);
	assert_true(strncmp(o.body.buf, "Hello,\n\n", 8) == 0);
	release(&o);
}

static void no_message_means_no_quote_section(void **state)
{
	struct hd_ack_input in = input("Ada", NULL);
	struct out o;

	assert_int_equal(compose(&in, &o, 1 << 16), 0);
	assert_null(strstr(o.body.buf, "Your request:"));
	assert_null(strstr(o.body.buf, "> "));
	assert_non_null(strstr(o.body.buf, "\n-- \nAcme Support\n"));
	release(&o);
	in = input("Ada", "");
	assert_int_equal(compose(&in, &o, 1 << 16), 0);
	assert_null(strstr(o.body.buf, "Your request:"));
	release(&o);
}

static void crlf_lines_are_quoted_without_cr(void **state)
{
	struct hd_ack_input in = input("Ada", "one\r\ntwo\r\n\r\nthree\r\n");
	struct out o;

	assert_int_equal(compose(&in, &o, 1 << 16), 0);
	assert_non_null(strstr(o.body.buf, "> one\n> two\n>\n> three\n\n-- \n"));
	assert_null(strchr(o.body.buf, '\r'));
	release(&o);
}

/* `lines` lines of 99 'x' and a newline each (100 bytes per line). */
static char *lines_of_100(int lines)
{
	char *m = malloc((size_t)lines * 100 + 1);

	for (int i = 0; i < lines; i++) {
		memset(m + i * 100, 'x', 99);
		m[i * 100 + 99] = '\n';
	}
	m[lines * 100] = '\0';
	return m;
}

static void long_message_is_cut_at_a_line_end(void **state)
{
	char *msg = lines_of_100(50); /* 5000 bytes */
	struct hd_ack_input in = input("Ada", msg);
	struct out o;
	const char *quote;

	assert_int_equal(compose(&in, &o, 1 << 16), 0);
	quote = strstr(o.body.buf, "Your request:\n\n");
	assert_non_null(quote);
	/* 40 full lines = the first 4000 bytes; never a partial line */
	assert_int_equal(count(quote, "> xxxx"), 40);
	assert_non_null(strstr(quote, "shortened"));
	assert_non_null(strstr(o.body.buf, "x\n> [...] (shortened; we have your full message)\n"));
	release(&o);
	free(msg);
}

static void message_of_exactly_4000_bytes_is_whole(void **state)
{
	char *msg = lines_of_100(40); /* 4000 bytes */
	struct hd_ack_input in = input("Ada", msg);
	struct out o;

	assert_int_equal(compose(&in, &o, 1 << 16), 0);
	assert_int_equal(count(o.body.buf, "> xxxx"), 40);
	assert_null(strstr(o.body.buf, "shortened"));
	release(&o);
	free(msg);
}

static void quoted_part_never_exceeds_cap(void **state)
{
	/* one 4001-byte line: no whole line fits, only the note remains */
	char *msg = malloc(4002);
	struct hd_ack_input in;
	struct out o;

	memset(msg, 'y', 4001);
	msg[4001] = '\0';
	in = input("Ada", msg);
	assert_int_equal(compose(&in, &o, 1 << 16), 0);
	assert_null(strstr(o.body.buf, "yyyy"));
	assert_non_null(strstr(o.body.buf, "shortened"));
	assert_true(o.body.len < 4000);
	release(&o);
	free(msg);
}

static void small_subject_buffer_is_too_big(void **state)
{
	struct hd_ack_input in = input("Ada", "x");
	struct out o;

	hd_sbuf_init(&o.subject, 16);
	hd_sbuf_init(&o.body, 1 << 16);
	assert_int_equal(hd_ack_compose(&in, &o.subject, &o.body), HD_ETOOBIG);
	release(&o);
}

static void small_body_buffer_is_too_big(void **state)
{
	char *msg = lines_of_100(30);
	struct hd_ack_input in = input("Ada", msg);
	struct out o;

	hd_sbuf_init(&o.subject, 1 << 16);
	hd_sbuf_init(&o.body, 1024);
	assert_int_equal(hd_ack_compose(&in, &o.subject, &o.body), HD_ETOOBIG);
	assert_true(o.body.len < 1024);
	release(&o);
	free(msg);
}

static void due_time_format(void **state)
{
	char out[64];

	hd_ack_format_due(DUE, out, sizeof(out));
	assert_string_equal(out, "Monday 23 November 2026, 14:05 UTC");
	hd_ack_format_due(DUE + 59999, out, sizeof(out));
	assert_string_equal(out, "Monday 23 November 2026, 14:05 UTC");
	hd_ack_format_due(0, out, sizeof(out));
	assert_string_equal(out, "Thursday 1 January 1970, 00:00 UTC");
	hd_ack_format_due(1709199000000, out, sizeof(out)); /* 2024-02-29T09:30:00Z */
	assert_string_equal(out, "Thursday 29 February 2024, 09:30 UTC");
	hd_ack_format_due(1735689599000, out, sizeof(out)); /* 2024-12-31T23:59:59Z */
	assert_string_equal(out, "Tuesday 31 December 2024, 23:59 UTC");
	hd_ack_format_due(253402300799000, out, sizeof(out)); /* 9999-12-31T23:59:59Z */
	assert_string_equal(out, "Friday 31 December 9999, 23:59 UTC");
}

static void due_time_before_epoch(void **state)
{
	char out[64];

	hd_ack_format_due(-60000, out, sizeof(out));
	assert_string_equal(out, "Wednesday 31 December 1969, 23:59 UTC");
	/* -1 ms is still 23:59:59.999 on the last day of 1969 */
	hd_ack_format_due(-1, out, sizeof(out));
	assert_string_equal(out, "Wednesday 31 December 1969, 23:59 UTC");
}

static void due_time_truncates_to_buffer(void **state)
{
	char out[10];

	hd_ack_format_due(DUE, out, sizeof(out));
	assert_int_equal(strlen(out), 9);
	assert_string_equal(out, "Monday 23");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(subject_carries_ticket_reference),
		cmocka_unit_test(whole_body_reads_as_expected),
		cmocka_unit_test(greeting_without_name),
		cmocka_unit_test(no_message_means_no_quote_section),
		cmocka_unit_test(crlf_lines_are_quoted_without_cr),
		cmocka_unit_test(long_message_is_cut_at_a_line_end),
		cmocka_unit_test(message_of_exactly_4000_bytes_is_whole),
		cmocka_unit_test(quoted_part_never_exceeds_cap),
		cmocka_unit_test(small_subject_buffer_is_too_big),
		cmocka_unit_test(small_body_buffer_is_too_big),
		cmocka_unit_test(due_time_format),
		cmocka_unit_test(due_time_before_epoch),
		cmocka_unit_test(due_time_truncates_to_buffer),
	};
	return cmocka_run_group_tests_name("domain/ack", tests, NULL, NULL);
}
