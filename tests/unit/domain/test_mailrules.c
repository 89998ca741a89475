/*
 * test_mailrules.c — domain/mailrules: which mail may be answered
 * automatically, ticket tags and plus-addresses, and the threading
 * decision for every combination of candidate facts.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "domain/mailrules.h"

static struct hd_mail_signals person(void)
{
	struct hd_mail_signals s;

	memset(&s, 0, sizeof(s));
	s.from = "ana@example.com";
	s.return_path = "ana@example.com";
	return s;
}

static void a_person_gets_a_reply(void **state)
{
	struct hd_mail_signals s = person();

	assert_null(hd_mail_autoreply_block(&s));
	s.return_path = NULL; /* no Return-Path header at all (IMAP copies) */
	assert_null(hd_mail_autoreply_block(&s));
	s.auto_submitted = "no";
	assert_null(hd_mail_autoreply_block(&s));
	s.auto_submitted = " No ; comment";
	assert_null(hd_mail_autoreply_block(&s));
	s.precedence = "first-class";
	assert_null(hd_mail_autoreply_block(&s));
	s.x_auto_response_suppress = "DR, RN, NRN";
	assert_null(hd_mail_autoreply_block(&s));
}

static void every_robot_signal_blocks(void **state)
{
	struct hd_mail_signals s;

#define BLOCKED(field, value)                                                                  \
	do {                                                                                   \
		s = person();                                                                  \
		s.field = value;                                                               \
		assert_non_null(hd_mail_autoreply_block(&s));                                  \
	} while (0)
	BLOCKED(auto_submitted, "auto-replied");
	BLOCKED(auto_submitted, "auto-generated");
	BLOCKED(auto_submitted, "auto-notified; owner-email=\"x@y\"");
	BLOCKED(auto_submitted, "nope");
	BLOCKED(precedence, "bulk");
	BLOCKED(precedence, "List");
	BLOCKED(precedence, " junk");
	BLOCKED(x_loop, "support@example.com");
	BLOCKED(list_id, "<users.lists.example.com>");
	BLOCKED(list_unsubscribe, "<mailto:leave@example.com>");
	BLOCKED(x_auto_response_suppress, "All");
	BLOCKED(x_auto_response_suppress, "DR, OOF, AutoReply");
	BLOCKED(x_heed_loop, "support@example.com");
	BLOCKED(return_path, "");
	BLOCKED(from, "MAILER-DAEMON@mx.example.com");
	BLOCKED(from, "postmaster@example.com");
	BLOCKED(from, "noreply@shop.example");
	BLOCKED(from, "no-reply@shop.example");
	BLOCKED(from, "do-not-reply@shop.example");
	BLOCKED(from, "bounces+123-abc@mail.example");
	BLOCKED(is_bounce, 1);
#undef BLOCKED
}

static void robot_names_need_the_whole_local_part(void **state)
{
	assert_false(hd_mail_is_robot("noreplyable@example.com"));
	assert_false(hd_mail_is_robot("postmasters-friend@example.com"));
	assert_false(hd_mail_is_robot("ana@noreply.example"));
	assert_false(hd_mail_is_robot("not-an-address"));
	assert_false(hd_mail_is_robot(NULL));
	assert_true(hd_mail_is_robot("NoReply@example.com"));
}

static void rate_limit_counts_the_window(void **state)
{
	assert_true(hd_mail_autoreply_allowed(0, 10));
	assert_true(hd_mail_autoreply_allowed(9, 10));
	assert_false(hd_mail_autoreply_allowed(10, 10));
	assert_false(hd_mail_autoreply_allowed(0, 0));
}

static void subject_tags(void **state)
{
	assert_int_equal(hd_mail_subject_ticket("Re: [#123] Printer on fire"), 123);
	assert_int_equal(hd_mail_subject_ticket("[Acme Support #77] Re: hello"), 77);
	assert_int_equal(hd_mail_subject_ticket("Re: [#9] Re: [#4] follow-up of 4"), 9);
	assert_int_equal(hd_mail_subject_ticket("#123 without brackets"), 0);
	assert_int_equal(hd_mail_subject_ticket("[#] empty"), 0);
	assert_int_equal(hd_mail_subject_ticket("[#12a] letters"), 0);
	assert_int_equal(hd_mail_subject_ticket("#123]"), 0);
	assert_int_equal(hd_mail_subject_ticket("[#9999999999999999999] too big"), 0);
	assert_int_equal(hd_mail_subject_ticket("] [#5]"), 5);
	assert_int_equal(hd_mail_subject_ticket(""), 0);
	assert_int_equal(hd_mail_subject_ticket(NULL), 0);
}

static void plus_addresses(void **state)
{
	assert_int_equal(hd_mail_plus_ticket("support+42@acme.example", "support@acme.example"), 42);
	assert_int_equal(hd_mail_plus_ticket("Support+42@ACME.example", "support@acme.example"), 42);
	assert_int_equal(hd_mail_plus_ticket("support@acme.example", "support@acme.example"), 0);
	assert_int_equal(hd_mail_plus_ticket("support+x@acme.example", "support@acme.example"), 0);
	assert_int_equal(hd_mail_plus_ticket("support+42@other.example", "support@acme.example"), 0);
	assert_int_equal(hd_mail_plus_ticket("sales+42@acme.example", "support@acme.example"), 0);
	assert_int_equal(hd_mail_plus_ticket("supportx+42@acme.example", "support@acme.example"), 0);
	assert_int_equal(hd_mail_plus_ticket("support+@acme.example", "support@acme.example"), 0);
	assert_int_equal(hd_mail_plus_ticket(NULL, "support@acme.example"), 0);
	assert_int_equal(hd_mail_plus_ticket("support+1@acme.example", NULL), 0);
}

static struct hd_thread_candidate cand(int64_t id, enum hd_thread_via via, int exists,
				       enum hd_status st, int customer, int participant)
{
	struct hd_thread_candidate c = { id, via, exists, st, customer, participant };
	return c;
}

static void no_candidates_start_a_ticket(void **state)
{
	struct hd_thread_decision d;

	hd_thread_decide(NULL, 0, &d);
	assert_int_equal(d.action, HD_THREAD_NEW);
	assert_int_equal(d.ticket_id, 0);
}

static void missing_tickets_are_skipped(void **state)
{
	struct hd_thread_candidate c[2] = {
		cand(5, HD_VIA_SIGNED_ID, 0, HD_STATUS_OPEN, 1, 1),
		cand(7, HD_VIA_SUBJECT, 1, HD_STATUS_OPEN, 1, 0),
	};
	struct hd_thread_decision d;

	hd_thread_decide(c, 2, &d);
	assert_int_equal(d.action, HD_THREAD_APPEND);
	assert_int_equal(d.ticket_id, 7);
	c[1].exists = 0;
	hd_thread_decide(c, 2, &d);
	assert_int_equal(d.action, HD_THREAD_NEW);
}

static void the_strongest_existing_candidate_wins(void **state)
{
	struct hd_thread_candidate c[3] = {
		cand(1, HD_VIA_SIGNED_ID, 1, HD_STATUS_PENDING, 1, 0),
		cand(2, HD_VIA_SUBJECT, 1, HD_STATUS_OPEN, 1, 0),
		cand(3, HD_VIA_PLUS, 1, HD_STATUS_OPEN, 1, 0),
	};
	struct hd_thread_decision d;

	hd_thread_decide(c, 3, &d);
	assert_int_equal(d.action, HD_THREAD_APPEND);
	assert_int_equal(d.ticket_id, 1);
	assert_string_equal(d.why, "reply to our message");
}

static void every_status_and_sender_combination(void **state)
{
	for (int st = 0; st < HD_STATUS__COUNT; st++)
		for (int cu = 0; cu < 2; cu++)
			for (int pa = 0; pa < 2; pa++) {
				struct hd_thread_candidate c =
					cand(9, HD_VIA_KNOWN_ID, 1, (enum hd_status)st, cu, pa);
				struct hd_thread_decision d;
				enum hd_thread_action want =
					!cu && !pa ? HD_THREAD_LINKED
					: st == HD_STATUS_CLOSED ? HD_THREAD_FOLLOW_UP
								 : HD_THREAD_APPEND;

				hd_thread_decide(&c, 1, &d);
				assert_int_equal(d.action, want);
				assert_int_equal(d.ticket_id, 9);
				assert_non_null(d.why);
			}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_person_gets_a_reply),
		cmocka_unit_test(every_robot_signal_blocks),
		cmocka_unit_test(robot_names_need_the_whole_local_part),
		cmocka_unit_test(rate_limit_counts_the_window),
		cmocka_unit_test(subject_tags),
		cmocka_unit_test(plus_addresses),
		cmocka_unit_test(no_candidates_start_a_ticket),
		cmocka_unit_test(missing_tickets_are_skipped),
		cmocka_unit_test(the_strongest_existing_candidate_wins),
		cmocka_unit_test(every_status_and_sender_combination),
	};
	return cmocka_run_group_tests_name("domain/mailrules", tests, NULL, NULL);
}
