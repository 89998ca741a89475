/*
 * test_lifecycle.c — every state change of domain/lifecycle, table-driven:
 * each status x each target status, with and without a close reason; each
 * message (customer/agent/system x public/internal) in each status; the
 * customer's confirmation, the automatic close and when it is due. Each
 * table row or test names the rule of lifecycle.h it checks.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "domain/lifecycle.h"

static const int64_t NOW = 1795434616000;
static const int64_t HOUR = 3600000;

/* A realistic ticket in status `s`: the time fields its history implies. It
 * has been answered; it was solved (and reopened) once before unless it is
 * new, so first_solved_at is set and must never move again. */
static struct hd_lifecycle fixture(enum hd_status s)
{
	struct hd_lifecycle l = {
		.status = s,
		.first_response_at = NOW - 50 * HOUR,
		.solved_at = 0,
		.closed_at = 0,
		.reopen_count = 1,
		.first_solved_at = NOW - 40 * HOUR,
		.close_kind = HD_CLOSE_NONE,
		.close_reason = HD_REASON_NONE,
	};

	switch (s) {
	case HD_STATUS_NEW:
		l.first_response_at = 0;
		l.reopen_count = 0;
		l.first_solved_at = 0;
		break;
	case HD_STATUS_SOLVED:
		l.solved_at = NOW - 2 * HOUR;
		break;
	case HD_STATUS_CLOSED:
		l.solved_at = NOW - 2 * HOUR;
		l.closed_at = NOW - HOUR;
		l.close_kind = HD_CLOSE_CONFIRMED;
		break;
	default:
		break;
	}
	return l;
}

/* A struct filled with a pattern no function writes: to see that a refused
 * change leaves `*next` alone. */
static struct hd_lifecycle untouched(void)
{
	struct hd_lifecycle l;

	memset(&l, 0x5a, sizeof(l));
	return l;
}

/* Field by field (the struct has padding, so no memcmp); `what` names the case. */
static void expect_lc(const char *what, const struct hd_lifecycle *want,
		      const struct hd_lifecycle *got)
{
	if (want->status != got->status)
		fail_msg("%s: status %s, want %s", what, hd_status_name(got->status),
			 hd_status_name(want->status));
#define FIELD(f)                                                                                   \
	if (want->f != got->f)                                                                     \
	fail_msg("%s: " #f " %lld, want %lld", what, (long long)got->f, (long long)want->f)
	FIELD(first_response_at);
	FIELD(solved_at);
	FIELD(closed_at);
	FIELD(reopen_count);
	FIELD(first_solved_at);
	FIELD(close_kind);
	FIELD(close_reason);
#undef FIELD
}

static void expect_untouched(const char *what, const struct hd_lifecycle *got)
{
	struct hd_lifecycle u = untouched();

	if (memcmp(&u, got, sizeof(u)) != 0)
		fail_msg("%s: a refused change wrote *next", what);
}

/* An agent sets status `to` without a reason, `*l` updated in place. */
static int set_in_place(struct hd_lifecycle *l, enum hd_status to, int64_t at)
{
	return hd_lifecycle_set_status(l, to, HD_REASON_NONE, at, l, NULL);
}

/* ---- what a change does ------------------------------------------------ */

enum effect {
	E_SAME,   /* nothing changes */
	E_MOVE,   /* status = to, nothing else */
	E_SOLVE,  /* solved, solved_at = now, first_solved_at = now the first time */
	E_REOPEN, /* status = to, solved_at = 0, reopen_count + 1 */
	E_CLOSE,  /* closed, closed_at = now, kind and reason given; solved_at kept */
	E_REFUSE, /* an error; *next untouched */
};

/* The fields `cur` should have after effect `e` at NOW. */
static struct hd_lifecycle apply(const struct hd_lifecycle *cur, enum effect e, enum hd_status to,
				 enum hd_close_kind kind, enum hd_close_reason reason)
{
	struct hd_lifecycle n = *cur;

	switch (e) {
	case E_MOVE:
		n.status = to;
		break;
	case E_SOLVE:
		n.status = HD_STATUS_SOLVED;
		n.solved_at = NOW;
		if (!n.first_solved_at)
			n.first_solved_at = NOW;
		break;
	case E_REOPEN:
		n.status = to;
		n.solved_at = 0;
		n.reopen_count++;
		break;
	case E_CLOSE:
		n.status = HD_STATUS_CLOSED;
		n.closed_at = NOW;
		n.close_kind = kind;
		n.close_reason = reason;
		break;
	default:
		break;
	}
	return n;
}

/* ---- set_status: every status x every target ---------------------------- */

#define N HD_STATUS_NEW
#define O HD_STATUS_OPEN
#define P HD_STATUS_PENDING
#define H HD_STATUS_ON_HOLD
#define S HD_STATUS_SOLVED
#define C HD_STATUS_CLOSED

struct status_case {
	enum hd_status from, to;
	int rc;
	enum effect effect;
	const char *rule;
};

/* Without a reason. */
static const struct status_case plain_moves[] = {
	{N, N, 0, E_SAME, "setting the current status is a no-op"},
	{N, O, 0, E_MOVE, "an agent opens a new ticket"},
	{N, P, 0, E_MOVE, "an agent waits on the customer"},
	{N, H, 0, E_MOVE, "an agent waits on a third party"},
	{N, S, 0, E_SOLVE, "solving stamps solved_at and first_solved_at"},
	{N, C, HD_ECONFLICT, E_REFUSE, "closing needs a reason"},

	{O, N, HD_ECONFLICT, E_REFUSE, "nothing goes back to new"},
	{O, O, 0, E_SAME, "setting the current status is a no-op"},
	{O, P, 0, E_MOVE, "open to pending"},
	{O, H, 0, E_MOVE, "open to on_hold"},
	{O, S, 0, E_SOLVE, "solving again keeps first_solved_at"},
	{O, C, HD_ECONFLICT, E_REFUSE, "closing needs a reason"},

	{P, N, HD_ECONFLICT, E_REFUSE, "nothing goes back to new"},
	{P, O, 0, E_MOVE, "pending to open is no reopen"},
	{P, P, 0, E_SAME, "setting the current status is a no-op"},
	{P, H, 0, E_MOVE, "pending to on_hold"},
	{P, S, 0, E_SOLVE, "pending to solved"},
	{P, C, HD_ECONFLICT, E_REFUSE, "closing needs a reason"},

	{H, N, HD_ECONFLICT, E_REFUSE, "nothing goes back to new"},
	{H, O, 0, E_MOVE, "on_hold to open is no reopen"},
	{H, P, 0, E_MOVE, "on_hold to pending"},
	{H, H, 0, E_SAME, "setting the current status is a no-op"},
	{H, S, 0, E_SOLVE, "on_hold to solved"},
	{H, C, HD_ECONFLICT, E_REFUSE, "closing needs a reason"},

	{S, N, HD_ECONFLICT, E_REFUSE, "nothing goes back to new"},
	{S, O, 0, E_REOPEN, "an agent reopening a solved ticket counts a reopen"},
	{S, P, 0, E_REOPEN, "solved to pending counts a reopen"},
	{S, H, 0, E_REOPEN, "solved to on_hold counts a reopen"},
	{S, S, 0, E_SAME, "solving a solved ticket does not re-stamp solved_at"},
	{S, C, HD_ECONFLICT, E_REFUSE, "a solved ticket closes by confirmation or grace"},

	{C, N, HD_ECONFLICT, E_REFUSE, "closed is final"},
	{C, O, HD_ECONFLICT, E_REFUSE, "closed is final"},
	{C, P, HD_ECONFLICT, E_REFUSE, "closed is final"},
	{C, H, HD_ECONFLICT, E_REFUSE, "closed is final"},
	{C, S, HD_ECONFLICT, E_REFUSE, "closed is final"},
	{C, C, 0, E_SAME, "setting the current status is a no-op, even closed"},
};

/* With a reason (each of spam, duplicate, merged). */
static const struct status_case reasoned_moves[] = {
	{N, C, 0, E_CLOSE, "an agent closes a new ticket with a reason"},
	{O, C, 0, E_CLOSE, "an agent closes an open ticket with a reason"},
	{P, C, 0, E_CLOSE, "an agent closes a pending ticket with a reason"},
	{H, C, 0, E_CLOSE, "an agent closes an on_hold ticket with a reason"},
	{S, C, 0, E_CLOSE, "a solved ticket closed with a reason keeps solved_at"},
	{C, C, HD_ECONFLICT, E_REFUSE, "closed is final: no second close"},
	/* a reason with a target other than closed is invalid, from anywhere */
	{N, N, HD_EINVAL, E_REFUSE, "a reason is only for closing"},
	{N, O, HD_EINVAL, E_REFUSE, "a reason is only for closing"},
	{O, O, HD_EINVAL, E_REFUSE, "a reason is only for closing (no-op target)"},
	{O, P, HD_EINVAL, E_REFUSE, "a reason is only for closing"},
	{P, H, HD_EINVAL, E_REFUSE, "a reason is only for closing"},
	{H, S, HD_EINVAL, E_REFUSE, "a reason is only for closing"},
	{S, O, HD_EINVAL, E_REFUSE, "a reason is only for closing"},
	{S, N, HD_EINVAL, E_REFUSE, "a reason is only for closing"},
	{C, O, HD_EINVAL, E_REFUSE, "a reason is only for closing, even on a closed ticket"},
	{C, S, HD_EINVAL, E_REFUSE, "a reason is only for closing, even on a closed ticket"},
};

#undef N
#undef O
#undef P
#undef H
#undef S
#undef C

static void run_status_case(const struct status_case *tc, enum hd_close_reason reason,
			    const struct hd_lifecycle *cur)
{
	struct hd_lifecycle next = untouched(), want;
	struct hd_err err = {0};
	char what[256];
	int rc;

	snprintf(what, sizeof(what), "%s -> %s reason %s (first_solved_at %s): %s",
		 hd_status_name(tc->from), hd_status_name(tc->to), hd_close_reason_name(reason),
		 cur->first_solved_at ? "set" : "0", tc->rule);
	rc = hd_lifecycle_set_status(cur, tc->to, reason, NOW, &next, &err);
	if (rc != tc->rc)
		fail_msg("%s: rc %d, want %d", what, rc, tc->rc);
	if (tc->effect == E_REFUSE) {
		expect_untouched(what, &next);
		assert_int_equal(err.code, tc->rc);
		assert_string_equal(err.field, tc->rc == HD_EINVAL ? "close_reason" : "status");
		assert_true(err.msg[0] != '\0');
		return;
	}
	assert_int_equal(err.code, 0);
	want = apply(cur, tc->effect, tc->to, HD_CLOSE_REASON, reason);
	expect_lc(what, &want, &next);
}

/* Rules: every status x every target without a reason (table plain_moves). */
static void set_status_every_move_without_reason(void **state)
{
	(void)state;
	assert_int_equal(sizeof(plain_moves) / sizeof(plain_moves[0]),
			 HD_STATUS__COUNT * HD_STATUS__COUNT);
	for (size_t i = 0; i < sizeof(plain_moves) / sizeof(plain_moves[0]); i++) {
		struct hd_lifecycle cur = fixture(plain_moves[i].from);

		run_status_case(&plain_moves[i], HD_REASON_NONE, &cur);
		/* and for a ticket that was never solved: the first solve stamps
		 * first_solved_at */
		cur.first_solved_at = 0;
		run_status_case(&plain_moves[i], HD_REASON_NONE, &cur);
	}
}

/* Rules: closing needs a reason, a reason is only for closing, closed is
 * final (table reasoned_moves, every reason). */
static void set_status_every_move_with_reason(void **state)
{
	(void)state;
	for (int r = HD_REASON_NONE + 1; r < HD_REASON__COUNT; r++)
		for (size_t i = 0; i < sizeof(reasoned_moves) / sizeof(reasoned_moves[0]); i++) {
			struct hd_lifecycle cur = fixture(reasoned_moves[i].from);

			run_status_case(&reasoned_moves[i], (enum hd_close_reason)r, &cur);
		}
}

/* Rule: with a reason, every target but closed is HD_EINVAL, from every
 * status (the exhaustive complement of reasoned_moves). */
static void reason_with_any_other_target_is_invalid(void **state)
{
	(void)state;
	for (int from = 0; from < HD_STATUS__COUNT; from++)
		for (int to = 0; to < HD_STATUS__COUNT; to++) {
			struct hd_lifecycle cur = fixture((enum hd_status)from);
			struct hd_lifecycle next = untouched();
			struct hd_err err = {0};

			if (to == HD_STATUS_CLOSED)
				continue;
			assert_int_equal(hd_lifecycle_set_status(&cur, (enum hd_status)to,
								 HD_REASON_SPAM, NOW, &next, &err),
					 HD_EINVAL);
			assert_string_equal(err.field, "close_reason");
			expect_untouched("reason with a non-closed target", &next);
		}
}

/* Rule: an unknown status or reason is bad input (HD_EINVAL), never a crash. */
static void unknown_status_or_reason_is_invalid(void **state)
{
	static const struct {
		int to, reason;
		const char *field;
	} bad[] = {
		{-1, HD_REASON_NONE, "status"},
		{HD_STATUS__COUNT, HD_REASON_NONE, "status"},
		{99, HD_REASON_SPAM, "status"},
		{HD_STATUS_CLOSED, -1, "close_reason"},
		{HD_STATUS_CLOSED, HD_REASON__COUNT, "close_reason"},
		{HD_STATUS_OPEN, 42, "close_reason"},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		for (int from = 0; from < HD_STATUS__COUNT; from++) {
			struct hd_lifecycle cur = fixture((enum hd_status)from);
			struct hd_lifecycle next = untouched();
			struct hd_err err = {0};

			int rc = hd_lifecycle_set_status(&cur, (enum hd_status)bad[i].to,
							 (enum hd_close_reason)bad[i].reason, NOW,
							 &next, &err);

			assert_int_equal(rc, HD_EINVAL);
			assert_string_equal(err.field, bad[i].field);
			expect_untouched("unknown status or reason", &next);
		}
}

/* Rule: solving stamps first_solved_at only the first time; solved_at every
 * time; a reopen clears solved_at but keeps first_solved_at. */
static void first_solved_at_is_stamped_once(void **state)
{
	struct hd_lifecycle l = {.status = HD_STATUS_OPEN, .first_response_at = NOW - HOUR};
	const int64_t t1 = NOW, t2 = NOW + HOUR, t3 = NOW + 2 * HOUR;

	(void)state;
	assert_int_equal(set_in_place(&l, HD_STATUS_SOLVED, t1), 0);
	assert_int_equal(l.solved_at, t1);
	assert_int_equal(l.first_solved_at, t1);
	assert_int_equal(set_in_place(&l, HD_STATUS_PENDING, t2), 0);
	assert_int_equal(l.solved_at, 0);
	assert_int_equal(l.first_solved_at, t1);
	assert_int_equal(l.reopen_count, 1);
	assert_int_equal(set_in_place(&l, HD_STATUS_SOLVED, t3), 0);
	assert_int_equal(l.solved_at, t3);
	assert_int_equal(l.first_solved_at, t1);
	assert_int_equal(l.reopen_count, 1);
}

/* Rule: `*next` may alias `cur` (every function reads all of cur first). */
static void next_may_alias_cur(void **state)
{
	struct hd_lifecycle l = fixture(HD_STATUS_SOLVED);
	const int64_t solved = l.solved_at;

	(void)state;
	assert_int_equal(hd_lifecycle_set_status(&l, HD_STATUS_CLOSED, HD_REASON_DUPLICATE, NOW, &l,
						 NULL),
			 0);
	assert_int_equal(l.status, HD_STATUS_CLOSED);
	assert_int_equal(l.solved_at, solved);
	assert_int_equal(l.close_reason, HD_REASON_DUPLICATE);
	l = fixture(HD_STATUS_SOLVED);
	assert_int_equal(hd_lifecycle_confirm(&l, 0, NOW, &l, NULL), 0);
	assert_int_equal(l.status, HD_STATUS_OPEN);
	assert_int_equal(l.reopen_count, 2);
	l = fixture(HD_STATUS_PENDING);
	assert_int_equal(hd_lifecycle_on_message(&l, HD_AUTHOR_CUSTOMER, HD_VIS_PUBLIC, NOW, &l,
						 NULL),
			 0);
	assert_int_equal(l.status, HD_STATUS_OPEN);
}

/* Rule: an error goes into `err` only if it is still empty; err may be NULL. */
static void err_may_be_null(void **state)
{
	struct hd_lifecycle cur = fixture(HD_STATUS_CLOSED), next;

	(void)state;
	assert_int_equal(hd_lifecycle_set_status(&cur, HD_STATUS_OPEN, HD_REASON_NONE, NOW, &next,
						 NULL),
			 HD_ECONFLICT);
	assert_int_equal(hd_lifecycle_confirm(&cur, 1, NOW, &next, NULL), HD_ECONFLICT);
	assert_int_equal(hd_lifecycle_autoclose(&cur, NOW, &next, NULL), HD_ECONFLICT);
	assert_int_equal(hd_lifecycle_on_message(&cur, HD_AUTHOR_AGENT, HD_VIS_PUBLIC, NOW, &next,
						 NULL),
			 HD_ECONFLICT);
}

/* ---- messages: every author x visibility x status ------------------------ */

struct message_case {
	enum hd_author author;
	enum hd_visibility vis;
	enum hd_status from;
	int rc;
	enum effect effect; /* E_MOVE/E_REOPEN to `to` */
	enum hd_status to;
	int responds; /* stamps first_response_at when still 0 */
	const char *rule;
};

#define CU HD_AUTHOR_CUSTOMER
#define AG HD_AUTHOR_AGENT
#define SY HD_AUTHOR_SYSTEM
#define PUB HD_VIS_PUBLIC
#define INT HD_VIS_INTERNAL

static const struct message_case messages[] = {
	{CU, PUB, HD_STATUS_NEW, 0, E_SAME, 0, 0, "a customer message keeps a new ticket new"},
	{CU, PUB, HD_STATUS_OPEN, 0, E_SAME, 0, 0, "a customer message keeps an open ticket open"},
	{CU, PUB, HD_STATUS_PENDING, 0, E_MOVE, HD_STATUS_OPEN, 0,
	 "a customer message moves pending back to open (no reopen)"},
	{CU, PUB, HD_STATUS_ON_HOLD, 0, E_SAME, 0, 0,
	 "a customer message leaves on_hold (waiting on a third party)"},
	{CU, PUB, HD_STATUS_SOLVED, 0, E_REOPEN, HD_STATUS_OPEN, 0,
	 "a customer message reopens a solved ticket"},
	{CU, PUB, HD_STATUS_CLOSED, HD_ECONFLICT, E_REFUSE, 0, 0,
	 "closed is final: a customer message starts a follow-up"},

	{CU, INT, HD_STATUS_NEW, 0, E_SAME, 0, 0, "an internal message changes nothing"},
	{CU, INT, HD_STATUS_OPEN, 0, E_SAME, 0, 0, "an internal message changes nothing"},
	{CU, INT, HD_STATUS_PENDING, 0, E_SAME, 0, 0, "an internal message changes nothing"},
	{CU, INT, HD_STATUS_ON_HOLD, 0, E_SAME, 0, 0, "an internal message changes nothing"},
	{CU, INT, HD_STATUS_SOLVED, 0, E_SAME, 0, 0, "an internal message does not reopen"},
	{CU, INT, HD_STATUS_CLOSED, HD_ECONFLICT, E_REFUSE, 0, 0, "closed is final"},

	{AG, PUB, HD_STATUS_NEW, 0, E_MOVE, HD_STATUS_OPEN, 1,
	 "the first public agent reply opens a new ticket and is the first response"},
	{AG, PUB, HD_STATUS_OPEN, 0, E_SAME, 0, 1, "a public agent reply is a response"},
	{AG, PUB, HD_STATUS_PENDING, 0, E_SAME, 0, 1, "a public agent reply keeps pending"},
	{AG, PUB, HD_STATUS_ON_HOLD, 0, E_SAME, 0, 1, "a public agent reply keeps on_hold"},
	{AG, PUB, HD_STATUS_SOLVED, 0, E_SAME, 0, 1,
	 "a public agent reply on a solved ticket does not reopen it"},
	{AG, PUB, HD_STATUS_CLOSED, HD_ECONFLICT, E_REFUSE, 0, 0, "closed is final"},

	{AG, INT, HD_STATUS_NEW, 0, E_SAME, 0, 0, "an internal note is never a response"},
	{AG, INT, HD_STATUS_OPEN, 0, E_SAME, 0, 0, "an internal note is never a response"},
	{AG, INT, HD_STATUS_PENDING, 0, E_SAME, 0, 0, "an internal note is never a response"},
	{AG, INT, HD_STATUS_ON_HOLD, 0, E_SAME, 0, 0, "an internal note is never a response"},
	{AG, INT, HD_STATUS_SOLVED, 0, E_SAME, 0, 0, "an internal note does not reopen"},
	{AG, INT, HD_STATUS_CLOSED, HD_ECONFLICT, E_REFUSE, 0, 0,
	 "closed is final, even for an internal note"},

	{SY, PUB, HD_STATUS_NEW, 0, E_SAME, 0, 0, "a system message is no response"},
	{SY, PUB, HD_STATUS_OPEN, 0, E_SAME, 0, 0, "a system message changes nothing"},
	{SY, PUB, HD_STATUS_PENDING, 0, E_SAME, 0, 0, "a system message does not answer pending"},
	{SY, PUB, HD_STATUS_ON_HOLD, 0, E_SAME, 0, 0, "a system message changes nothing"},
	{SY, PUB, HD_STATUS_SOLVED, 0, E_SAME, 0, 0, "a system message does not reopen"},
	{SY, PUB, HD_STATUS_CLOSED, HD_ECONFLICT, E_REFUSE, 0, 0, "closed is final"},

	{SY, INT, HD_STATUS_NEW, 0, E_SAME, 0, 0, "an internal message changes nothing"},
	{SY, INT, HD_STATUS_OPEN, 0, E_SAME, 0, 0, "an internal message changes nothing"},
	{SY, INT, HD_STATUS_PENDING, 0, E_SAME, 0, 0, "an internal message changes nothing"},
	{SY, INT, HD_STATUS_ON_HOLD, 0, E_SAME, 0, 0, "an internal message changes nothing"},
	{SY, INT, HD_STATUS_SOLVED, 0, E_SAME, 0, 0, "an internal message changes nothing"},
	{SY, INT, HD_STATUS_CLOSED, HD_ECONFLICT, E_REFUSE, 0, 0, "closed is final"},
};

#undef CU
#undef AG
#undef SY
#undef PUB
#undef INT

static void run_message_case(const struct message_case *tc, const struct hd_lifecycle *cur)
{
	struct hd_lifecycle next = untouched(), want;
	struct hd_err err = {0};
	char what[256];
	int rc;

	snprintf(what, sizeof(what), "%s %s message on %s (first_response_at %s): %s",
		 hd_visibility_name(tc->vis), hd_author_name(tc->author), hd_status_name(tc->from),
		 cur->first_response_at ? "set" : "0", tc->rule);
	rc = hd_lifecycle_on_message(cur, tc->author, tc->vis, NOW, &next, &err);
	if (rc != tc->rc)
		fail_msg("%s: rc %d, want %d", what, rc, tc->rc);
	if (tc->effect == E_REFUSE) {
		expect_untouched(what, &next);
		assert_int_equal(err.code, HD_ECONFLICT);
		assert_string_equal(err.field, "status");
		return;
	}
	want = apply(cur, tc->effect, tc->to, HD_CLOSE_NONE, HD_REASON_NONE);
	if (tc->responds && !want.first_response_at)
		want.first_response_at = NOW;
	expect_lc(what, &want, &next);
}

/* Rules: messages, author x visibility x status (table messages), each with
 * first_response_at unset and set. */
static void every_message_in_every_status(void **state)
{
	(void)state;
	assert_int_equal(sizeof(messages) / sizeof(messages[0]),
			 HD_AUTHOR__COUNT * HD_VIS__COUNT * HD_STATUS__COUNT);
	for (size_t i = 0; i < sizeof(messages) / sizeof(messages[0]); i++) {
		struct hd_lifecycle cur = fixture(messages[i].from);

		run_message_case(&messages[i], &cur);
		cur.first_response_at = cur.first_response_at ? 0 : NOW - HOUR;
		run_message_case(&messages[i], &cur);
	}
}

/* Rule: only the first public agent reply sets first_response_at. */
static void first_response_is_stamped_once(void **state)
{
	struct hd_lifecycle l = {.status = HD_STATUS_NEW};

	(void)state;
	assert_int_equal(
		hd_lifecycle_on_message(&l, HD_AUTHOR_AGENT, HD_VIS_INTERNAL, NOW, &l, NULL), 0);
	assert_int_equal(l.first_response_at, 0);
	assert_int_equal(hd_lifecycle_on_message(&l, HD_AUTHOR_AGENT, HD_VIS_PUBLIC, NOW + 1, &l,
						 NULL),
			 0);
	assert_int_equal(l.first_response_at, NOW + 1);
	assert_int_equal(l.status, HD_STATUS_OPEN);
	assert_int_equal(hd_lifecycle_on_message(&l, HD_AUTHOR_AGENT, HD_VIS_PUBLIC, NOW + 2, &l,
						 NULL),
			 0);
	assert_int_equal(l.first_response_at, NOW + 1);
}

/* ---- confirmation and automatic close ----------------------------------- */

/* Rules: confirm yes closes (confirmed, solved_at kept), confirm no reopens
 * (open, reopen_count + 1, solved_at cleared), and only a solved ticket
 * waits for a confirmation (HD_ECONFLICT otherwise). */
static void confirm_in_every_status(void **state)
{
	(void)state;
	for (int s = 0; s < HD_STATUS__COUNT; s++)
		for (int yes = 0; yes <= 1; yes++) {
			struct hd_lifecycle cur = fixture((enum hd_status)s);
			struct hd_lifecycle next = untouched(), want;
			struct hd_err err = {0};
			char what[128];
			int rc = hd_lifecycle_confirm(&cur, yes, NOW, &next, &err);

			snprintf(what, sizeof(what), "confirm %s on %s", yes ? "yes" : "no",
				 hd_status_name(s));
			if (s != HD_STATUS_SOLVED) {
				if (rc != HD_ECONFLICT)
					fail_msg("%s: rc %d, want HD_ECONFLICT", what, rc);
				assert_string_equal(err.field, "status");
				expect_untouched(what, &next);
				continue;
			}
			assert_int_equal(rc, 0);
			want = yes ? apply(&cur, E_CLOSE, HD_STATUS_CLOSED, HD_CLOSE_CONFIRMED,
					   HD_REASON_NONE)
				   : apply(&cur, E_REOPEN, HD_STATUS_OPEN, 0, 0);
			expect_lc(what, &want, &next);
		}
}

/* Rule: confirm yes keeps solved_at (the resolution time) and closed_at is
 * the confirmation time. */
static void confirm_yes_keeps_solved_at(void **state)
{
	struct hd_lifecycle l = {.status = HD_STATUS_OPEN, .first_response_at = NOW - HOUR};

	(void)state;
	assert_int_equal(set_in_place(&l, HD_STATUS_SOLVED, NOW), 0);
	assert_int_equal(hd_lifecycle_confirm(&l, 1, NOW + 5 * HOUR, &l, NULL), 0);
	assert_int_equal(l.status, HD_STATUS_CLOSED);
	assert_int_equal(l.close_kind, HD_CLOSE_CONFIRMED);
	assert_int_equal(l.close_reason, HD_REASON_NONE);
	assert_int_equal(l.solved_at, NOW);
	assert_int_equal(l.first_solved_at, NOW);
	assert_int_equal(l.closed_at, NOW + 5 * HOUR);
	assert_int_equal(l.reopen_count, 0);
}

/* Rule: the grace period closes only a solved ticket (closed, unconfirmed);
 * every other status is HD_ECONFLICT. */
static void autoclose_in_every_status(void **state)
{
	(void)state;
	for (int s = 0; s < HD_STATUS__COUNT; s++) {
		struct hd_lifecycle cur = fixture((enum hd_status)s);
		struct hd_lifecycle next = untouched(), want;
		struct hd_err err = {0};
		int rc = hd_lifecycle_autoclose(&cur, NOW, &next, &err);

		if (s != HD_STATUS_SOLVED) {
			if (rc != HD_ECONFLICT)
				fail_msg("autoclose on %s: rc %d, want HD_ECONFLICT",
					 hd_status_name(s), rc);
			assert_string_equal(err.field, "status");
			expect_untouched("autoclose refused", &next);
			continue;
		}
		assert_int_equal(rc, 0);
		want = apply(&cur, E_CLOSE, HD_STATUS_CLOSED, HD_CLOSE_UNCONFIRMED, HD_REASON_NONE);
		expect_lc("autoclose on solved", &want, &next);
	}
}

/* Rule: a ticket closes by itself at solved_at + grace, and only while solved. */
static void autoclose_at_only_while_solved(void **state)
{
	const int64_t grace = 72 * HOUR;

	(void)state;
	for (int s = 0; s < HD_STATUS__COUNT; s++) {
		struct hd_lifecycle cur = fixture((enum hd_status)s);
		int64_t want = s == HD_STATUS_SOLVED ? cur.solved_at + grace : 0;
		int64_t got = hd_lifecycle_autoclose_at(&cur, grace);

		/* closed keeps solved_at, but nothing is due any more */
		if (got != want)
			fail_msg("autoclose_at on %s: %lld, want %lld", hd_status_name(s),
				 (long long)got, (long long)want);
	}
	/* a solved ticket without solved_at (legacy row) has no due time */
	{
		struct hd_lifecycle l = {.status = HD_STATUS_SOLVED};

		assert_int_equal(hd_lifecycle_autoclose_at(&l, grace), 0);
	}
	/* re-solving moves the due time */
	{
		struct hd_lifecycle l = fixture(HD_STATUS_SOLVED);

		assert_int_equal(hd_lifecycle_confirm(&l, 0, NOW, &l, NULL), 0);
		assert_int_equal(hd_lifecycle_autoclose_at(&l, grace), 0);
		assert_int_equal(set_in_place(&l, HD_STATUS_SOLVED, NOW + HOUR), 0);
		assert_int_equal(hd_lifecycle_autoclose_at(&l, grace), NOW + HOUR + grace);
	}
}

/* Rule: closed is final — whichever way a ticket was closed, nothing changes it. */
static void closed_is_final_whichever_way(void **state)
{
	struct hd_lifecycle closed[3];

	(void)state;
	{
		struct hd_lifecycle s = fixture(HD_STATUS_SOLVED);

		assert_int_equal(hd_lifecycle_confirm(&s, 1, NOW, &closed[0], NULL), 0);
		assert_int_equal(hd_lifecycle_autoclose(&s, NOW, &closed[1], NULL), 0);
		s = fixture(HD_STATUS_OPEN);
		assert_int_equal(hd_lifecycle_set_status(&s, HD_STATUS_CLOSED, HD_REASON_SPAM, NOW,
							 &closed[2], NULL),
				 0);
	}
	for (int i = 0; i < 3; i++) {
		const struct hd_lifecycle *c = &closed[i];
		struct hd_lifecycle next = untouched();

		assert_int_equal(c->status, HD_STATUS_CLOSED);
		for (int to = 0; to < HD_STATUS__COUNT; to++)
			for (int r = 0; r < HD_REASON__COUNT; r++) {
				int rc = hd_lifecycle_set_status(c, (enum hd_status)to,
								 (enum hd_close_reason)r, NOW + 1,
								 &next, NULL);

				if (to == HD_STATUS_CLOSED && r == HD_REASON_NONE)
					assert_int_equal(rc, 0); /* the no-op */
				else
					assert_true(rc == HD_ECONFLICT || rc == HD_EINVAL);
			}
		assert_int_equal(hd_lifecycle_confirm(c, 1, NOW + 1, &next, NULL), HD_ECONFLICT);
		assert_int_equal(hd_lifecycle_confirm(c, 0, NOW + 1, &next, NULL), HD_ECONFLICT);
		assert_int_equal(hd_lifecycle_autoclose(c, NOW + 1, &next, NULL), HD_ECONFLICT);
		assert_int_equal(hd_lifecycle_autoclose_at(c, HOUR), 0);
		for (int a = 0; a < HD_AUTHOR__COUNT; a++)
			for (int v = 0; v < HD_VIS__COUNT; v++)
				assert_int_equal(hd_lifecycle_on_message(c, (enum hd_author)a,
									 (enum hd_visibility)v,
									 NOW + 1, &next, NULL),
						 HD_ECONFLICT);
	}
	assert_int_equal(closed[0].close_kind, HD_CLOSE_CONFIRMED);
	assert_int_equal(closed[1].close_kind, HD_CLOSE_UNCONFIRMED);
	assert_int_equal(closed[2].close_kind, HD_CLOSE_REASON);
	assert_int_equal(closed[2].close_reason, HD_REASON_SPAM);
}

/* Rule: new, open, pending and on_hold are active; solved and closed are not. */
static void active_statuses(void **state)
{
	static const int active[HD_STATUS__COUNT] = {
		[HD_STATUS_NEW] = 1, [HD_STATUS_OPEN] = 1,   [HD_STATUS_PENDING] = 1,
		[HD_STATUS_ON_HOLD] = 1, [HD_STATUS_SOLVED] = 0, [HD_STATUS_CLOSED] = 0,
	};

	(void)state;
	for (int s = 0; s < HD_STATUS__COUNT; s++)
		assert_int_equal(!!hd_status_is_active((enum hd_status)s), active[s]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(set_status_every_move_without_reason),
		cmocka_unit_test(set_status_every_move_with_reason),
		cmocka_unit_test(reason_with_any_other_target_is_invalid),
		cmocka_unit_test(unknown_status_or_reason_is_invalid),
		cmocka_unit_test(first_solved_at_is_stamped_once),
		cmocka_unit_test(next_may_alias_cur),
		cmocka_unit_test(err_may_be_null),
		cmocka_unit_test(every_message_in_every_status),
		cmocka_unit_test(first_response_is_stamped_once),
		cmocka_unit_test(confirm_in_every_status),
		cmocka_unit_test(confirm_yes_keeps_solved_at),
		cmocka_unit_test(autoclose_in_every_status),
		cmocka_unit_test(autoclose_at_only_while_solved),
		cmocka_unit_test(closed_is_final_whichever_way),
		cmocka_unit_test(active_statuses),
	};
	return cmocka_run_group_tests_name("domain/lifecycle", tests, NULL, NULL);
}
