/*
 * test_lifecycle.c — every state change of domain/lifecycle.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "domain/lifecycle.h"

static const int64_t NOW = 1795434616000;

static struct hd_lifecycle lc(enum hd_status s)
{
	struct hd_lifecycle l = { s, 0, 0, 0, 0 };
	return l;
}

static void customer_reply_reopens_solved(void **state)
{
	struct hd_lifecycle cur = lc(HD_STATUS_SOLVED), next;

	cur.solved_at = NOW - 1000;
	assert_int_equal(hd_lifecycle_on_message(&cur, HD_AUTHOR_CUSTOMER, HD_VIS_PUBLIC, NOW, &next,
						 NULL),
			 0);
	assert_int_equal(next.status, HD_STATUS_OPEN);
	assert_int_equal(next.reopen_count, 1);
	assert_int_equal(next.solved_at, 0);
}

static void customer_reply_answers_pending(void **state)
{
	struct hd_lifecycle cur = lc(HD_STATUS_PENDING), next;

	assert_int_equal(hd_lifecycle_on_message(&cur, HD_AUTHOR_CUSTOMER, HD_VIS_PUBLIC, NOW, &next,
						 NULL),
			 0);
	assert_int_equal(next.status, HD_STATUS_OPEN);
	assert_int_equal(next.reopen_count, 0);
}

static void customer_reply_keeps_new_open_and_hold(void **state)
{
	enum hd_status keep[] = { HD_STATUS_NEW, HD_STATUS_OPEN, HD_STATUS_ON_HOLD };

	for (size_t i = 0; i < 3; i++) {
		struct hd_lifecycle cur = lc(keep[i]), next;

		assert_int_equal(hd_lifecycle_on_message(&cur, HD_AUTHOR_CUSTOMER, HD_VIS_PUBLIC,
							 NOW, &next, NULL),
				 0);
		assert_int_equal(next.status, keep[i]);
	}
}

static void first_public_agent_reply_is_first_response(void **state)
{
	struct hd_lifecycle cur = lc(HD_STATUS_NEW), next, again;

	assert_int_equal(hd_lifecycle_on_message(&cur, HD_AUTHOR_AGENT, HD_VIS_PUBLIC, NOW, &next,
						 NULL),
			 0);
	assert_int_equal(next.status, HD_STATUS_OPEN);
	assert_int_equal(next.first_response_at, NOW);
	assert_int_equal(hd_lifecycle_on_message(&next, HD_AUTHOR_AGENT, HD_VIS_PUBLIC, NOW + 5000,
						 &again, NULL),
			 0);
	assert_int_equal(again.first_response_at, NOW);
}

static void internal_note_is_never_a_response(void **state)
{
	struct hd_lifecycle cur = lc(HD_STATUS_NEW), next;

	assert_int_equal(hd_lifecycle_on_message(&cur, HD_AUTHOR_AGENT, HD_VIS_INTERNAL, NOW, &next,
						 NULL),
			 0);
	assert_int_equal(next.status, HD_STATUS_NEW);
	assert_int_equal(next.first_response_at, 0);
}

static void closed_refuses_messages(void **state)
{
	struct hd_lifecycle cur = lc(HD_STATUS_CLOSED), next;
	struct hd_err err = { 0 };

	assert_int_equal(hd_lifecycle_on_message(&cur, HD_AUTHOR_CUSTOMER, HD_VIS_PUBLIC, NOW, &next,
						 &err),
			 HD_ECONFLICT);
	assert_int_equal(err.code, HD_ECONFLICT);
}

static void solve_and_close_stamp_times(void **state)
{
	struct hd_lifecycle cur = lc(HD_STATUS_OPEN), solved, closed;

	assert_int_equal(hd_lifecycle_set_status(&cur, HD_STATUS_SOLVED, NOW, &solved, NULL), 0);
	assert_int_equal(solved.solved_at, NOW);
	assert_int_equal(hd_lifecycle_set_status(&solved, HD_STATUS_CLOSED, NOW + 1, &closed, NULL),
			 0);
	assert_int_equal(closed.closed_at, NOW + 1);
	assert_int_equal(closed.solved_at, NOW);
	assert_int_equal(closed.reopen_count, 0);
}

static void reopening_solved_by_agent_counts(void **state)
{
	struct hd_lifecycle cur = lc(HD_STATUS_SOLVED), next;

	cur.solved_at = NOW;
	assert_int_equal(hd_lifecycle_set_status(&cur, HD_STATUS_OPEN, NOW, &next, NULL), 0);
	assert_int_equal(next.reopen_count, 1);
	assert_int_equal(next.solved_at, 0);
}

static void closed_is_final_and_new_is_unreachable(void **state)
{
	struct hd_lifecycle closed = lc(HD_STATUS_CLOSED), open = lc(HD_STATUS_OPEN), next;

	for (int s = 0; s < HD_STATUS__COUNT; s++) {
		int rc = hd_lifecycle_set_status(&closed, (enum hd_status)s, NOW, &next, NULL);

		assert_int_equal(rc, s == HD_STATUS_CLOSED ? 0 : HD_ECONFLICT);
	}
	assert_int_equal(hd_lifecycle_set_status(&open, HD_STATUS_NEW, NOW, &next, NULL),
			 HD_ECONFLICT);
	assert_int_equal(hd_lifecycle_set_status(&open, (enum hd_status)99, NOW, &next, NULL),
			 HD_EINVAL);
}

static void same_status_is_noop(void **state)
{
	for (int s = 0; s < HD_STATUS__COUNT; s++) {
		struct hd_lifecycle cur = lc((enum hd_status)s), next;

		cur.reopen_count = 3;
		assert_int_equal(hd_lifecycle_set_status(&cur, (enum hd_status)s, NOW, &next, NULL),
				 0);
		assert_memory_equal(&cur, &next, sizeof(cur));
	}
}

static void active_statuses(void **state)
{
	assert_true(hd_status_is_active(HD_STATUS_NEW));
	assert_true(hd_status_is_active(HD_STATUS_OPEN));
	assert_true(hd_status_is_active(HD_STATUS_PENDING));
	assert_true(hd_status_is_active(HD_STATUS_ON_HOLD));
	assert_false(hd_status_is_active(HD_STATUS_SOLVED));
	assert_false(hd_status_is_active(HD_STATUS_CLOSED));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(customer_reply_reopens_solved),
		cmocka_unit_test(customer_reply_answers_pending),
		cmocka_unit_test(customer_reply_keeps_new_open_and_hold),
		cmocka_unit_test(first_public_agent_reply_is_first_response),
		cmocka_unit_test(internal_note_is_never_a_response),
		cmocka_unit_test(closed_refuses_messages),
		cmocka_unit_test(solve_and_close_stamp_times),
		cmocka_unit_test(reopening_solved_by_agent_counts),
		cmocka_unit_test(closed_is_final_and_new_is_unreachable),
		cmocka_unit_test(same_status_is_noop),
		cmocka_unit_test(active_statuses),
	};
	return cmocka_run_group_tests_name("domain/lifecycle", tests, NULL, NULL);
}
