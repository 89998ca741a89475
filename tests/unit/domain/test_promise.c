/*
 * test_promise.c — the rules and texts of promises (domain/promise): names,
 * validation of a new promise, when to remind, which transitions are
 * allowed, overdue, the customer's notice and the agents' alerts.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "domain/promise.h"

static const int64_t DUE = 1795442700000; /* Monday 23 November 2026, 14:05 UTC */
static const int64_t MIN = 60000;
static const int64_t DAY = 24 * 3600 * 1000ll;

static void names_round_trip(void **state)
{
	for (int k = 0; k < HD_PROMISE_KIND__COUNT; k++)
		assert_int_equal(hd_promise_kind_parse(hd_promise_kind_name(k)), k);
	for (int s = 0; s < HD_PROMISE_STATUS__COUNT; s++)
		assert_int_equal(hd_promise_status_parse(hd_promise_status_name(s)), s);
	assert_string_equal(hd_promise_kind_name(HD_PROMISE_CALLBACK), "callback");
	assert_string_equal(hd_promise_status_name(HD_PROMISE_BROKEN), "broken");
	assert_int_equal(hd_promise_kind_parse("Callback"), -1);
	assert_int_equal(hd_promise_kind_parse(""), -1);
	assert_int_equal(hd_promise_kind_parse(NULL), -1);
	assert_int_equal(hd_promise_status_parse("closed"), -1);
	assert_string_equal(hd_promise_kind_name(99), "unknown");
	assert_string_equal(hd_promise_status_name(-1), "unknown");
}

static void default_channel(void **state)
{
	assert_int_equal(hd_promise_default_channel(HD_PROMISE_CALLBACK, HD_CHANNEL_EMAIL),
			 HD_CHANNEL_PHONE);
	assert_int_equal(hd_promise_default_channel(HD_PROMISE_UPDATE, HD_CHANNEL_EMAIL),
			 HD_CHANNEL_EMAIL);
	assert_int_equal(hd_promise_default_channel(HD_PROMISE_FIX, HD_CHANNEL_CHAT),
			 HD_CHANNEL_CHAT);
}

/* Data-driven: each case is a new promise and the field it fails on
 * (NULL: accepted). */
static void validate_cases(void **state)
{
	static const struct {
		int kind, channel;
		int64_t due_from_now;
		const char *field;
	} cases[] = {
		{ HD_PROMISE_CALLBACK, HD_CHANNEL_PHONE, 1, NULL },
		{ HD_PROMISE_UPDATE, HD_CHANNEL_EMAIL, 30 * 60000, NULL },
		{ HD_PROMISE_FIX, HD_CHANNEL_API, 366 * 24 * 3600 * 1000ll, NULL },
		{ HD_PROMISE_OTHER, HD_CHANNEL_SOCIAL, 7 * 24 * 3600 * 1000ll, NULL },
		{ HD_PROMISE_UPDATE, HD_CHANNEL_EMAIL, 0, "due_at" },
		{ HD_PROMISE_UPDATE, HD_CHANNEL_EMAIL, -60000, "due_at" },
		{ HD_PROMISE_UPDATE, HD_CHANNEL_EMAIL, 366 * 24 * 3600 * 1000ll + 1, "due_at" },
		{ -1, HD_CHANNEL_EMAIL, 60000, "kind" },
		{ HD_PROMISE_KIND__COUNT, HD_CHANNEL_EMAIL, 60000, "kind" },
		{ HD_PROMISE_FIX, -1, 60000, "channel" },
		{ HD_PROMISE_FIX, HD_CHANNEL__COUNT, 60000, "channel" },
	};
	const int64_t now = DUE - 3 * DAY;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct hd_err err = { 0 };
		int rc = hd_promise_validate(cases[i].kind, cases[i].channel,
					     now + cases[i].due_from_now, now, &err);

		if (!cases[i].field) {
			assert_int_equal(rc, 0);
			continue;
		}
		assert_int_equal(rc, HD_EINVAL);
		assert_string_equal(err.field, cases[i].field);
		assert_true(strlen(err.msg) > 10);
	}
}

static void remind_before_due(void **state)
{
	int64_t now = DUE - 3 * DAY;

	/* 30 minutes before */
	assert_int_equal(hd_promise_remind_at(DUE, 30, now), DUE - 30 * MIN);
	/* due sooner than the lead time: remind at once, never in the past */
	assert_int_equal(hd_promise_remind_at(DUE, 30, DUE - 10 * MIN), DUE - 10 * MIN);
	assert_int_equal(hd_promise_remind_at(DUE, 30, DUE - 30 * MIN), DUE - 30 * MIN);
	assert_int_equal(hd_promise_remind_at(DUE, 30, DUE - 30 * MIN - 1), DUE - 30 * MIN);
	/* no reminder configured, or due already */
	assert_int_equal(hd_promise_remind_at(DUE, 0, now), 0);
	assert_int_equal(hd_promise_remind_at(DUE, -5, now), 0);
	assert_int_equal(hd_promise_remind_at(DUE, 30, DUE), 0);
	assert_int_equal(hd_promise_remind_at(DUE, 30, DUE + 1), 0);
	/* a week's lead */
	assert_int_equal(hd_promise_remind_at(DUE, 7 * 24 * 60, now), now);
}

/* Every (from, to, note) combination against the rule: open -> kept |
 * broken (broken needs a note); anything from a resolved promise is a
 * conflict. */
static void transitions(void **state)
{
	static const char *const notes[] = { NULL, "", "called, left a voicemail" };

	for (int from = 0; from < HD_PROMISE_STATUS__COUNT; from++)
		for (int to = -1; to <= HD_PROMISE_STATUS__COUNT; to++)
			for (size_t n = 0; n < 3; n++) {
				struct hd_err err = { 0 };
				int rc = hd_promise_check_resolve(from, to, notes[n], &err);
				int has_note = notes[n] && notes[n][0];
				int want;

				if (from != HD_PROMISE_OPEN)
					want = HD_ECONFLICT;
				else if (to != HD_PROMISE_KEPT && to != HD_PROMISE_BROKEN)
					want = HD_EINVAL;
				else if (to == HD_PROMISE_BROKEN && !has_note)
					want = HD_EINVAL;
				else
					want = 0;
				assert_int_equal(rc, want);
				if (want == HD_EINVAL)
					assert_string_equal(err.field,
							    to == HD_PROMISE_BROKEN ? "note"
										    : "status");
			}
}

static void overdue(void **state)
{
	assert_false(hd_promise_is_overdue(HD_PROMISE_OPEN, DUE, DUE - 1));
	assert_true(hd_promise_is_overdue(HD_PROMISE_OPEN, DUE, DUE));
	assert_true(hd_promise_is_overdue(HD_PROMISE_OPEN, DUE, DUE + DAY));
	assert_false(hd_promise_is_overdue(HD_PROMISE_KEPT, DUE, DUE + DAY));
	assert_false(hd_promise_is_overdue(HD_PROMISE_BROKEN, DUE, DUE + DAY));
}

static struct hd_promise_text text(enum hd_promise_kind kind, enum hd_channel ch)
{
	struct hd_promise_text t = { 42,	   "Printer on fire", "Ada", kind, ch, DUE,
				     "a replacement drum", 0,		"Acme Support" };
	return t;
}

static void sentences(void **state)
{
	static const struct {
		enum hd_promise_kind kind;
		enum hd_channel ch;
		const char *want;
	} cases[] = {
		{ HD_PROMISE_CALLBACK, HD_CHANNEL_PHONE, "We will call you back by " },
		{ HD_PROMISE_CALLBACK, HD_CHANNEL_CHAT, "We will get back to you in the chat by " },
		{ HD_PROMISE_UPDATE, HD_CHANNEL_EMAIL, "We will send you an update by e-mail by " },
		{ HD_PROMISE_UPDATE, HD_CHANNEL_API, "We will send you an update by " },
		{ HD_PROMISE_FIX, HD_CHANNEL_EMAIL, "We will have a fix for you by " },
		{ HD_PROMISE_OTHER, HD_CHANNEL_WEB, "We will get back to you on our website by " },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct hd_promise_text t = text(cases[i].kind, cases[i].ch);
		struct hd_sbuf sb;
		char want[256];

		hd_sbuf_init(&sb, 1024);
		assert_int_equal(hd_promise_sentence(&t, &sb), 0);
		snprintf(want, sizeof(want), "%sMonday 23 November 2026, 14:05 UTC", cases[i].want);
		assert_string_equal(sb.buf, want);
		hd_sbuf_release(&sb);
	}
}

static void notice_for_the_customer(void **state)
{
	struct hd_promise_text t = text(HD_PROMISE_CALLBACK, HD_CHANNEL_PHONE);
	struct hd_sbuf subject, body;

	hd_sbuf_init(&subject, 4096);
	hd_sbuf_init(&body, 1 << 16);
	assert_int_equal(hd_promise_notice(&t, &subject, &body), 0);
	assert_string_equal(subject.buf,
			    "[#42] We will call you back by Monday 23 November 2026, 14:05 UTC");
	assert_string_equal(body.buf,
			    "Hello Ada,\n\n"
			    "We will call you back by Monday 23 November 2026, 14:05 UTC.\n\n"
			    "What we promised: a replacement drum\n\n"
			    "This is about your request \"Printer on fire\" (ticket #42). If you "
			    "write to us about it, please keep \"[#42]\" in the subject so that it "
			    "reaches the same ticket.\n"
			    "\n-- \nAcme Support\n");
	hd_sbuf_release(&subject);
	hd_sbuf_release(&body);
}

static void notice_for_a_callback_request(void **state)
{
	struct hd_promise_text t = text(HD_PROMISE_CALLBACK, HD_CHANNEL_PHONE);
	struct hd_sbuf subject, body;

	t.customer_requested = 1;
	t.customer_name = NULL;
	t.description = "internal: on +441234567890";
	hd_sbuf_init(&subject, 4096);
	hd_sbuf_init(&body, 1 << 16);
	assert_int_equal(hd_promise_notice(&t, &subject, &body), 0);
	assert_non_null(strstr(body.buf, "Hello,\n\nwe have received your request to be called "
					 "back. We will call you back by Monday"));
	/* their own request is not repeated back to them */
	assert_null(strstr(body.buf, "What we promised"));
	assert_null(strstr(body.buf, "+441234567890"));
	hd_sbuf_release(&subject);
	hd_sbuf_release(&body);
}

static void notice_too_big(void **state)
{
	struct hd_promise_text t = text(HD_PROMISE_UPDATE, HD_CHANNEL_EMAIL);
	struct hd_sbuf subject, body;

	hd_sbuf_init(&subject, 4096);
	hd_sbuf_init(&body, 64);
	assert_int_equal(hd_promise_notice(&t, &subject, &body), HD_ETOOBIG);
	hd_sbuf_release(&subject);
	hd_sbuf_release(&body);
}

static void alerts_for_agents(void **state)
{
	struct hd_promise_text t = text(HD_PROMISE_CALLBACK, HD_CHANNEL_PHONE);
	struct hd_sbuf subject, body;

	hd_sbuf_init(&subject, 4096);
	hd_sbuf_init(&body, 1 << 16);
	assert_int_equal(hd_promise_alert(HD_PROMISE_ALERT_REMIND, 7, &t, &subject, &body), 0);
	assert_string_equal(subject.buf, "[#42] Promise due soon: call the customer back by phone "
					 "by Monday 23 November 2026, 14:05 UTC");
	assert_non_null(strstr(body.buf, "Promise 7 on ticket #42 \"Printer on fire\" is due by "
					 "Monday 23 November 2026, 14:05 UTC."));
	assert_non_null(strstr(body.buf, "Promised: call the customer back by phone.\n"));
	assert_non_null(strstr(body.buf, "Customer: Ada\n"));
	assert_non_null(strstr(body.buf, "Details: a replacement drum\n"));
	assert_non_null(strstr(body.buf, "PATCH /api/v1/promises/7"));

	hd_sbuf_reset(&subject);
	hd_sbuf_reset(&body);
	t.customer_requested = 1;
	assert_int_equal(hd_promise_alert(HD_PROMISE_ALERT_OVERDUE, 7, &t, &subject, &body), 0);
	assert_non_null(strstr(subject.buf, "[#42] Promise overdue: call the customer back"));
	assert_non_null(strstr(body.buf, "was due by Monday 23 November 2026, 14:05 UTC and is "
					 "still open"));
	assert_non_null(strstr(body.buf, "Promised: call the customer back by phone (the customer "
					 "asked for it).\n"));
	hd_sbuf_release(&subject);
	hd_sbuf_release(&body);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(names_round_trip),
		cmocka_unit_test(default_channel),
		cmocka_unit_test(validate_cases),
		cmocka_unit_test(remind_before_due),
		cmocka_unit_test(transitions),
		cmocka_unit_test(overdue),
		cmocka_unit_test(sentences),
		cmocka_unit_test(notice_for_the_customer),
		cmocka_unit_test(notice_for_a_callback_request),
		cmocka_unit_test(notice_too_big),
		cmocka_unit_test(alerts_for_agents),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
