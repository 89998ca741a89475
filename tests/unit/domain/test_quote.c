/*
 * test_quote.c — the display text of a reply (domain/quote): one case per
 * rule (trailing quotes, attributions in several languages, Outlook blocks,
 * separators, signatures, mobile footers), interleaved replies, and the
 * "never empty" fallback.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "domain/quote.h"
#include "util/err.h"

struct quote_case {
	const char *rule;
	const char *text;
	const char *display;
};

static const struct quote_case cases[] = {
	{ "plain text is unchanged", "Hello,\n\nthe printer is on fire.\n\nAnn",
	  "Hello,\n\nthe printer is on fire.\n\nAnn" },
	{ "trailing quote", "Thanks!\n\n> old\n> older\n", "Thanks!" },
	{ "On ... wrote:",
	  "Yes.\n\nOn Mon, 3 Mar 2025 at 10:00, Ann <ann@example.com> wrote:\n> q\n", "Yes." },
	{ "wrapped attribution (Gmail)",
	  "Yes.\n\nOn Mon, Mar 3, 2025 at 10:00 AM Ann Example <\nann@example.com> wrote:\n\n> q\n",
	  "Yes." },
	{ "Am ... schrieb ...:",
	  "Ja.\n\nAm 03.03.2025 um 10:00 schrieb Max Muster <max@example.de>:\n> Frage\n", "Ja." },
	{ "Le ... a \xc3\xa9" "crit :",
	  "Oui.\n\nLe lun. 3 mars 2025 \xc3\xa0 10:00, Jean <jean@example.fr> a \xc3\xa9"
	  "crit :\n> question\n",
	  "Oui." },
	{ "El ... escribi\xc3\xb3:",
	  "S\xc3\xad.\n\nEl lun, 3 mar 2025 a las 10:00, Ana (<ana@example.es>) escribi\xc3\xb3:\n"
	  "> pregunta\n",
	  "S\xc3\xad." },
	{ "attribution above unquoted history",
	  "Sure.\n\nOn 2025-03-03 10:00, Ann wrote:\nold text that is not quoted\n", "Sure." },
	{ "a sentence is not an attribution", "On Monday I wrote:\nthe printer is broken",
	  "On Monday I wrote:\nthe printer is broken" },
	{ "short \"X wrote:\" above a quote", "Yes\n\nAnn Example wrote:\n\n> q\n> r", "Yes" },
	{ "Original Message", "Fine.\n\n-----Original Message-----\nFrom: a\nSent: b\n\nold",
	  "Fine." },
	{ "Urspr\xc3\xbcngliche Nachricht",
	  "Gut.\n\n-----Urspr\xc3\xbcngliche Nachricht-----\nVon: a\nGesendet: b\n\nalt", "Gut." },
	{ "underscore separator and Outlook header",
	  "Fine.\n\n________________________________\nFrom: Ann <a@example.com>\nSent: Monday\n"
	  "To: b\nSubject: c\n\nold",
	  "Fine." },
	{ "Outlook header without separator",
	  "Fine.\n\nFrom: Ann Example\nSent: Monday, March 3, 2025 10:00 AM\nTo: Support\n\nold",
	  "Fine." },
	{ "bold Outlook header from HTML",
	  "Fine.\n\n*From:* Ann Example\n*Sent:* Monday, March 3, 2025\n\nold", "Fine." },
	{ "From: alone is content", "From: the warehouse\nwe got the box",
	  "From: the warehouse\nwe got the box" },
	{ "signature", "Hi\n\n-- \nAnn Example\nACME Corp", "Hi" },
	{ "signature without its space", "Hi\n--\nAnn", "Hi" },
	{ "quoted signature is not a cut", "> -- \n> sig\nanswer", "> -- \n> sig\nanswer" },
	{ "Sent from my iPhone", "Ok\n\nSent from my iPhone\n\nOn 3 Mar 2025, Ann wrote:\n> x",
	  "Ok" },
	{ "Get Outlook for Android", "Ok\n\nGet Outlook for Android\n", "Ok" },
	{ "Von meinem iPhone gesendet", "Ok\n\nVon meinem iPhone gesendet", "Ok" },
	{ "a long sentence is not a footer",
	  "Sent from my office this morning, the parcel should arrive on Friday at the latest.",
	  "Sent from my office this morning, the parcel should arrive on Friday at the latest." },
	{ "interleaved reply keeps questions and answers",
	  "On Mon, 3 Mar 2025, Ann <a@example.com> wrote:\n> q1\nanswer1\n\n> q2\nanswer2\n\n"
	  "> rest\n> more\n",
	  "On Mon, 3 Mar 2025, Ann <a@example.com> wrote:\n> q1\nanswer1\n\n> q2\nanswer2" },
	{ "bottom posting is kept", "On 3 Mar 2025, Ann wrote:\n> q\n\nmy answer",
	  "On 3 Mar 2025, Ann wrote:\n> q\n\nmy answer" },
	{ "interleaved reply with signature",
	  "> q1\nanswer1\n\nOn 3 Mar 2025, Ann wrote:\n> q2\n-- \nBob", "> q1\nanswer1" },
	{ "entirely quoted keeps the original", "> a\n> b\n", "> a\n> b" },
	{ "signature only keeps the original", "-- \nAnn", "-- \nAnn" },
	{ "a forward is content",
	  "FYI, see below.\n\n---------- Forwarded message ---------\nFrom: Ann <a@example.com>\n"
	  "Date: Mon, 3 Mar 2025 at 10:00\nSubject: Broken\nTo: b@example.com\n\nIt is broken.\n",
	  "FYI, see below.\n\n---------- Forwarded message ---------\nFrom: Ann <a@example.com>\n"
	  "Date: Mon, 3 Mar 2025 at 10:00\nSubject: Broken\nTo: b@example.com\n\nIt is broken." },
	{ "a forward below the signature (Gmail)",
	  "Please help.\n-- \nBob\n\nBegin forwarded message:\n\nFrom: Ann\nDate: 3 Mar 2025\n"
	  "\nx",
	  "Please help.\n-- \nBob\n\nBegin forwarded message:\n\nFrom: Ann\nDate: 3 Mar 2025\n"
	  "\nx" },
	{ "a forward inside the quoted history is history",
	  "Done.\n\nOn 3 Mar 2025, Ann wrote:\n> ---------- Forwarded message ---------\n> x",
	  "Done." },
	{ "signature above an Outlook block",
	  "Thanks\n-- \nBob\n\nFrom: Ann\nSent: Monday\n\nold", "Thanks" },
	{ "CRLF line ends", "Hi\r\nthere\r\n\r\n> q\r\n", "Hi\nthere" },
	{ "leading blank lines", "\n\n  \nHi", "Hi" },
	{ "empty", "", "" },
};

static void strips_each_case(void **state)
{
	int bad = 0;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t n = strlen(cases[i].text);
		struct hd_sbuf out;

		/* the display text is never longer than the text */
		hd_sbuf_init(&out, n + 1);
		assert_int_equal(hd_quote_strip(cases[i].text, n, &out), 0);
		if (strcmp(out.buf, cases[i].display)) {
			print_error("%s: got \"%s\", want \"%s\"\n", cases[i].rule, out.buf,
				    cases[i].display);
			bad++;
		}
		hd_sbuf_release(&out);
	}
	assert_int_equal(bad, 0);
}

static void reads_only_len_bytes(void **state)
{
	struct hd_sbuf out;

	hd_sbuf_init(&out, 64);
	assert_int_equal(hd_quote_strip("Hi\n> q\nNOT THIS", 7, &out), 0);
	assert_string_equal(out.buf, "Hi");
	hd_sbuf_release(&out);
}

static void full_buffer_is_an_error(void **state)
{
	struct hd_sbuf out;

	hd_sbuf_init(&out, 4);
	assert_int_equal(hd_quote_strip("Hello there", 11, &out), HD_ETOOBIG);
	hd_sbuf_release(&out);
}

static void many_attributions_stay_fast(void **state)
{
	/* every line an attribution with a quote and an answer after it */
	static const char unit[] = "On 3 Mar 2025, Ann wrote:\n> q\nanswer\n";
	size_t reps = 20000, n = reps * (sizeof(unit) - 1);
	char *text = malloc(n);
	struct hd_sbuf out;

	assert_non_null(text);
	for (size_t i = 0; i < reps; i++)
		memcpy(text + i * (sizeof(unit) - 1), unit, sizeof(unit) - 1);
	hd_sbuf_init(&out, n + 1);
	assert_int_equal(hd_quote_strip(text, n, &out), 0);
	assert_int_equal(out.len, n - 1);
	hd_sbuf_release(&out);
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(strips_each_case),
		cmocka_unit_test(reads_only_len_bytes),
		cmocka_unit_test(full_buffer_is_an_error),
		cmocka_unit_test(many_attributions_stay_fast),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
