/*
 * test_bounce.c — plain-text bounces (domain/bounce): recognising one by
 * sender and subject, and reading the failed address, status, diagnostic
 * and returned Message-ID out of Exim, Postfix/qmail and Exchange texts.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "domain/bounce.h"

static void recognises_bounces_by_sender_and_subject(void **state)
{
	assert_true(hd_bounce_looks_like("mailer-daemon@mx.example.org", "Mail Delivery System",
					 NULL, "Undelivered Mail Returned to Sender"));
	assert_true(hd_bounce_looks_like("postmaster@outlook.com", "Microsoft Outlook", NULL,
					 "Undeliverable: Your order"));
	assert_true(hd_bounce_looks_like("noreply@example.org", "", "",
					 "Mail delivery failed: returning message to sender"));
	assert_true(hd_bounce_looks_like("mailer-daemon@googlemail.com", "Mail Delivery Subsystem",
					 NULL, "Delivery Status Notification (Failure)"));
	assert_true(hd_bounce_looks_like("x@example.org", "Mail Delivery Subsystem", NULL,
					 "Delivery Status Notification (Delay)"));
	/* a person writing about an undeliverable parcel is not a bounce */
	assert_false(hd_bounce_looks_like("ann@example.com", "Ann", "ann@example.com",
					  "Undeliverable parcel"));
	/* the mail system writing about something else is not a bounce */
	assert_false(hd_bounce_looks_like("postmaster@example.org", "", NULL, "Hello"));
	assert_false(hd_bounce_looks_like(NULL, NULL, NULL, NULL));
}

static void tells_delays_from_failures(void **state)
{
	assert_true(hd_bounce_is_delay("Delivery Status Notification (Delay)"));
	assert_true(hd_bounce_is_delay("Warning: message 1abc-0001 delayed 24 hours"));
	assert_false(hd_bounce_is_delay("Mail delivery failed: returning message to sender"));
	assert_false(hd_bounce_is_delay(NULL));
}

static int slice_is(const char *p, size_t n, const char *want)
{
	return n == strlen(want) && !memcmp(p, want, n);
}

static void reads_an_exim_bounce(void **state)
{
	static const char text[] =
		"This message was created automatically by mail delivery software.\n\n"
		"A message that you sent could not be delivered to one or more of its\n"
		"recipients. This is a permanent error. The following address(es) failed:\n\n"
		"  nobody@example.org\n"
		"    host mx.example.org [192.0.2.1]\n"
		"    SMTP error from remote mail server after RCPT TO:<nobody@example.org>:\n"
		"    550 5.1.1 <nobody@example.org>: Recipient address rejected\n\n"
		"------ This is a copy of the message, including all the headers. ------\n\n"
		"From: Support <support@acme.test>\n"
		"To: nobody@example.org\n"
		"Message-ID: <abc.123@acme.test>\n";
	const char *ex[] = { "mailer-daemon@mx.acme.test", "support@acme.test" };
	struct hd_bounce_guess g;

	hd_bounce_scan(text, strlen(text), ex, 2, &g);
	assert_true(slice_is(g.recipient, g.recipient_len, "nobody@example.org"));
	assert_true(slice_is(g.status, g.status_len, "5.1.1"));
	assert_true(slice_is(g.diagnostic, g.diagnostic_len,
			     "550 5.1.1 <nobody@example.org>: Recipient address rejected"));
	assert_true(slice_is(g.message_id, g.message_id_len, "<abc.123@acme.test>"));
}

static void reads_a_postfix_text(void **state)
{
	static const char text[] =
		"I'm sorry to have to inform you that your message could not\n"
		"be delivered to one or more recipients.\n\n"
		"<Bob@Example.NET>: host mx.example.net[198.51.100.7] said: 550 5.1.1\n"
		"    User unknown (in reply to RCPT TO command)\n";
	struct hd_bounce_guess g;

	hd_bounce_scan(text, strlen(text), NULL, 0, &g);
	assert_true(slice_is(g.recipient, g.recipient_len, "Bob@Example.NET"));
	assert_true(slice_is(g.status, g.status_len, "5.1.1"));
	assert_int_equal(g.message_id_len, 0);
}

static void skips_the_original_sender(void **state)
{
	static const char text[] =
		"Your message from support@acme.test to carol@example.com couldn't be delivered.\n"
		"Remote server returned '554 No such mailbox here'\n";
	const char *ex[] = { "support@acme.test" };
	struct hd_bounce_guess g;

	hd_bounce_scan(text, strlen(text), ex, 1, &g);
	assert_true(slice_is(g.recipient, g.recipient_len, "carol@example.com"));
	assert_int_equal(g.status_len, 0);
}

static void smtp_reply_without_enhanced_code(void **state)
{
	static const char text[] = "host 192.0.2.10 said:\n550 No such user here\n";
	struct hd_bounce_guess g;

	hd_bounce_scan(text, strlen(text), NULL, 0, &g);
	assert_int_equal(g.status_len, 0); /* not "2.0.2" out of the IP address */
	assert_true(slice_is(g.diagnostic, g.diagnostic_len, "550 No such user here"));
	assert_int_equal(g.recipient_len, 0);
}

static void mail_system_addresses_are_never_the_recipient(void **state)
{
	static const char text[] = "  MAILER-DAEMON@example.org\n  postmaster@example.org\n";
	struct hd_bounce_guess g;

	hd_bounce_scan(text, strlen(text), NULL, 0, &g);
	assert_int_equal(g.recipient_len, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(recognises_bounces_by_sender_and_subject),
		cmocka_unit_test(tells_delays_from_failures),
		cmocka_unit_test(reads_an_exim_bounce),
		cmocka_unit_test(reads_a_postfix_text),
		cmocka_unit_test(skips_the_original_sender),
		cmocka_unit_test(smtp_reply_without_enhanced_code),
		cmocka_unit_test(mail_system_addresses_are_never_the_recipient),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
