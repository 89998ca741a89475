/*
 * test_sla.c — domain/sla clocks (hd_sla_plan, hd_sla_elapsed,
 * hd_sla_clock_state): when each metric starts and ends and with which
 * outcome, pausing and resuming, due and warning instants in calendar time
 * and in business hours (a fixed-offset zone and Berlin's DST changes),
 * policy changes, and a property test that drives random tickets through
 * domain/lifecycle and hd_sla_plan step by step and checks the invariants
 * of the clocks after every step.
 *
 * Each test names the rule of sla.h it checks. Tickets are driven the way
 * the shell drives them (struct desk below): lifecycle decides the status,
 * a public customer message starts the wait, a public agent reply ends it,
 * and every write ends with hd_sla_plan whose `cur` clocks are stored (a new
 * cycle gets the next row id).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "domain/lifecycle.h"
#include "domain/sla.h"

#define MIN ((int64_t)60000)
#define HOUR (60 * MIN)
#define DAY (24 * HOUR)

#define FR HD_SLA_FIRST_RESPONSE
#define NR HD_SLA_NEXT_RESPONSE
#define PU HD_SLA_PERIODIC_UPDATE
#define RES HD_SLA_RESOLUTION

/* UTC instant of a calendar date and time (as in test_calendar.c). */
static int64_t utc(int y, int mo, int d, int h, int mi)
{
	int64_t days = 0;

	for (int yy = 1970; yy < y; yy++)
		days += (yy % 4 == 0 && yy % 100 != 0) || yy % 400 == 0 ? 366 : 365;
	for (int m = 1; m < mo; m++) {
		static const int dim[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

		days += dim[m - 1] + (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0));
	}
	days += d - 1;
	return days * DAY + h * HOUR + mi * MIN;
}

/* The office: a fixed UTC+01:00 zone, open 09:00-17:00 local, Monday to
 * Friday. T0 is Monday 23 November 2026, 10:00 local (09:00 UTC). */
static const struct hd_zone plus_one = {.initial_offset_s = 3600};
static struct hd_zone_transition berlin_trans[2];
static struct hd_zone berlin;
static int64_t T0;

static int setup(void **state)
{
	(void)state;
	T0 = utc(2026, 11, 23, 9, 0);
	/* Europe/Berlin in 2026: CEST from 29 March, CET again from 25 October */
	berlin_trans[0] = (struct hd_zone_transition){utc(2026, 3, 29, 1, 0), 7200};
	berlin_trans[1] = (struct hd_zone_transition){utc(2026, 10, 25, 1, 0), 3600};
	berlin = (struct hd_zone){.initial_offset_s = 3600, .trans = berlin_trans, .ntrans = 2};
	return 0;
}

/* Open [start, end) local minutes on the weekdays in `mask` (bit 0 = Monday). */
static struct hd_calendar cal_of(struct hd_zone z, int start, int end, unsigned mask)
{
	struct hd_calendar c;

	memset(&c, 0, sizeof(c));
	c.zone = z;
	for (int d = 0; d < 7; d++) {
		if (!(mask & (1u << d)))
			continue;
		c.week[d][0] = (struct hd_cal_interval){(int16_t)start, (int16_t)end};
		c.nintervals[d] = 1;
	}
	assert_int_equal(hd_cal_validate(&c, NULL), 0);
	return c;
}

#define WEEKDAYS 0x1fu

static struct hd_calendar office(void)
{
	return cal_of(plus_one, 9 * 60, 17 * 60, WEEKDAYS);
}

/* A policy with these targets (minutes, 0: none) in calendar time, the
 * default pause set and no warning. */
static struct hd_sla_policy policy(int64_t fr, int64_t nr, int64_t pu, int64_t res)
{
	struct hd_sla_policy p = {
		.id = 1,
		.name = "test",
		.target_min = {[FR] = fr, [NR] = nr, [PU] = pu, [RES] = res},
		.pause_statuses = HD_SLA_DEFAULT_PAUSE,
	};

	return p;
}

/* ---- a ticket driven like the shell drives it ---------------------------- */

struct desk {
	const struct hd_sla_policy *p;
	const struct hd_calendar *cal;
	struct hd_lifecycle lc;
	struct hd_sla_facts f;
	struct hd_sla_clock was[HD_SLA__COUNT]; /* the stored clocks */
	struct hd_sla_step out[HD_SLA__COUNT];  /* the last plan */
	int64_t next_id;
};

/* Every write ends here: plan at `now`, store the current clocks. */
static void refresh(struct desk *d, int64_t now)
{
	d->f.status = d->lc.status;
	d->f.first_response_at = d->lc.first_response_at;
	d->f.solved_at = d->lc.solved_at;
	assert_int_equal(hd_sla_plan(d->p, d->cal, d->cal, &d->f, d->was, now, d->out), 0);
	for (int m = 0; m < HD_SLA__COUNT; m++) {
		d->was[m] = d->out[m].cur;
		if (d->was[m].present && !d->was[m].id)
			d->was[m].id = ++d->next_id;
	}
}

/* A customer opens a ticket at `at`. */
static struct desk desk_open(const struct hd_sla_policy *p, const struct hd_calendar *cal,
			     int64_t at)
{
	struct desk d = {
		.p = p,
		.cal = cal,
		.lc = {.status = HD_STATUS_NEW},
		.f = {.created_at = at, .unanswered_since = at},
	};

	refresh(&d, at);
	return d;
}

static void customer_writes(struct desk *d, int64_t at)
{
	assert_int_equal(hd_lifecycle_on_message(&d->lc, HD_AUTHOR_CUSTOMER, HD_VIS_PUBLIC, at,
						 &d->lc, NULL),
			 0);
	if (!d->f.unanswered_since)
		d->f.unanswered_since = at;
	refresh(d, at);
}

static void agent_replies(struct desk *d, int64_t at)
{
	assert_int_equal(hd_lifecycle_on_message(&d->lc, HD_AUTHOR_AGENT, HD_VIS_PUBLIC, at, &d->lc,
						 NULL),
			 0);
	d->f.unanswered_since = 0;
	d->f.last_public_reply_at = at;
	refresh(d, at);
}

static void agent_notes(struct desk *d, int64_t at)
{
	assert_int_equal(hd_lifecycle_on_message(&d->lc, HD_AUTHOR_AGENT, HD_VIS_INTERNAL, at,
						 &d->lc, NULL),
			 0);
	refresh(d, at);
}

static void set_status(struct desk *d, enum hd_status s, enum hd_close_reason r, int64_t at)
{
	assert_int_equal(hd_lifecycle_set_status(&d->lc, s, r, at, &d->lc, NULL), 0);
	refresh(d, at);
}

static void confirm(struct desk *d, int yes, int64_t at)
{
	assert_int_equal(hd_lifecycle_confirm(&d->lc, yes, at, &d->lc, NULL), 0);
	refresh(d, at);
}

/* The clock of metric m after the last plan, and the cycle that ended. */
#define CUR(d, m) (&(d).out[m].cur)
#define ENDED(d, m) (&(d).out[m].ended)

/* A running cycle: started at `start`, counting since `since` with `elapsed`
 * counted before, due at `due`. */
static void expect_running(const struct hd_sla_clock *k, int64_t start, int64_t since,
			   int64_t elapsed, int64_t due)
{
	assert_true(k->present);
	assert_int_equal(k->outcome, HD_SLA_RUNNING);
	assert_int_equal(k->ended_at, 0);
	assert_int_equal(k->started_at, start);
	assert_int_equal(k->running_since, since);
	assert_int_equal(k->elapsed_ms, elapsed);
	assert_int_equal(k->due_at, due);
}

static void expect_paused(const struct hd_sla_clock *k, int64_t start, int64_t elapsed)
{
	assert_true(k->present);
	assert_int_equal(k->outcome, HD_SLA_RUNNING);
	assert_int_equal(k->started_at, start);
	assert_int_equal(k->running_since, 0);
	assert_int_equal(k->elapsed_ms, elapsed);
	assert_int_equal(k->due_at, 0);
	assert_int_equal(k->warn_at, 0);
}

static void expect_ended(const struct hd_sla_clock *k, int64_t id, enum hd_sla_outcome outcome,
			 int64_t ended_at, int64_t elapsed)
{
	assert_true(k->present);
	assert_int_equal(k->id, id);
	if (k->outcome != outcome)
		fail_msg("outcome %s, want %s", hd_sla_outcome_name(k->outcome),
			 hd_sla_outcome_name(outcome));
	assert_int_equal(k->ended_at, ended_at);
	assert_int_equal(k->elapsed_ms, elapsed);
	assert_int_equal(k->running_since, 0);
	assert_int_equal(k->due_at, 0);
	assert_int_equal(k->warn_at, 0);
}

/* ---- first response ------------------------------------------------------ */

/* Rule: first_response runs from creation until the first public agent
 * reply; internal notes never count; a metric without a target has no clock. */
static void first_response_runs_from_creation_until_first_public_reply(void **state)
{
	struct hd_sla_policy p = policy(60, 0, 0, 0);
	struct desk d = desk_open(&p, NULL, T0);

	(void)state;
	expect_running(CUR(d, FR), T0, T0, 0, T0 + 60 * MIN);
	assert_int_equal(CUR(d, FR)->target_min, 60);
	assert_int_equal(CUR(d, FR)->business, 0);
	assert_int_equal(CUR(d, FR)->warn_at, 0);
	assert_false(ENDED(d, FR)->present);
	for (int m = NR; m < HD_SLA__COUNT; m++)
		assert_false(CUR(d, m)->present);

	refresh(&d, T0 + 20 * MIN); /* nothing happened: the same cycle */
	assert_int_equal(CUR(d, FR)->id, 1);
	expect_running(CUR(d, FR), T0, T0, 0, T0 + 60 * MIN);
	agent_notes(&d, T0 + 30 * MIN);
	assert_int_equal(CUR(d, FR)->id, 1);
	assert_false(ENDED(d, FR)->present);

	agent_replies(&d, T0 + 45 * MIN);
	expect_ended(ENDED(d, FR), 1, HD_SLA_MET, T0 + 45 * MIN, 45 * MIN);
	assert_false(CUR(d, FR)->present);
	refresh(&d, T0 + 50 * HOUR);
	assert_false(CUR(d, FR)->present);
	assert_false(ENDED(d, FR)->present);
}

/* Rule: an answered clock is met when the time counted is within the
 * target, breached when over it or when the shell recorded the breach; the
 * reply's time counts, not the refresh's. */
static void first_response_met_or_breached_by_elapsed_time(void **state)
{
	const struct {
		int64_t reply, refresh, breached_at; /* after T0; breached_at 0: none */
		enum hd_sla_outcome outcome;
		const char *rule;
	} cases[] = {
		{59 * MIN, 59 * MIN, 0, HD_SLA_MET, "answered before the target: met"},
		{60 * MIN, 60 * MIN, 0, HD_SLA_MET, "answered exactly at the target: met"},
		{60 * MIN + 1, 60 * MIN + 1, 0, HD_SLA_BREACHED, "answered 1 ms late: breached"},
		{3 * HOUR, 3 * HOUR, 60 * MIN, HD_SLA_BREACHED, "the shell recorded the breach"},
		{3 * HOUR, 3 * HOUR, 0, HD_SLA_BREACHED, "late without a recorded breach"},
		{30 * MIN, 2 * HOUR, 0, HD_SLA_MET, "a late refresh: the reply time counts"},
		{30 * MIN, 20 * MIN, 0, HD_SLA_MET, "a reply stamped after now ends it now"},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct hd_sla_policy p = policy(60, 0, 0, 0);
		struct desk d = desk_open(&p, NULL, T0);

		d.was[FR].breached_at = cases[i].breached_at ? T0 + cases[i].breached_at : 0;
		assert_int_equal(hd_lifecycle_on_message(&d.lc, HD_AUTHOR_AGENT, HD_VIS_PUBLIC,
							 T0 + cases[i].reply, &d.lc, NULL),
				 0);
		d.f.unanswered_since = 0;
		d.f.last_public_reply_at = T0 + cases[i].reply;
		refresh(&d, T0 + cases[i].refresh);
		if (ENDED(d, FR)->outcome != cases[i].outcome)
			fail_msg("%s: outcome %s", cases[i].rule,
				 hd_sla_outcome_name(ENDED(d, FR)->outcome));
		{
			int64_t at = cases[i].reply < cases[i].refresh ? cases[i].reply
								       : cases[i].refresh;

			expect_ended(ENDED(d, FR), 1, cases[i].outcome, T0 + at, at);
		}
	}
}

/* Rule: a ticket closed without an answer cancels its first-response clock
 * (unless the shell had recorded the breach): a closed ticket runs no clock. */
static void first_response_cancelled_when_closed_without_reply(void **state)
{
	const struct {
		int64_t close, breached_at;
		enum hd_sla_outcome outcome;
	} cases[] = {
		{10 * MIN, 0, HD_SLA_CANCELLED},
		{3 * HOUR, 0, HD_SLA_CANCELLED},
		{3 * HOUR, 60 * MIN, HD_SLA_BREACHED},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct hd_sla_policy p = policy(60, 0, 0, 480);
		struct desk d = desk_open(&p, NULL, T0);

		d.was[FR].breached_at = cases[i].breached_at ? T0 + cases[i].breached_at : 0;
		set_status(&d, HD_STATUS_CLOSED, HD_REASON_SPAM, T0 + cases[i].close);
		assert_false(CUR(d, FR)->present);
		expect_ended(ENDED(d, FR), 1, cases[i].outcome, T0 + cases[i].close,
			     cases[i].close);
		assert_false(CUR(d, RES)->present);
		expect_ended(ENDED(d, RES), 2, HD_SLA_CANCELLED, T0 + cases[i].close,
			     cases[i].close);
		refresh(&d, T0 + 10 * DAY); /* and nothing comes back */
		for (int m = 0; m < HD_SLA__COUNT; m++) {
			assert_false(CUR(d, m)->present);
			assert_false(ENDED(d, m)->present);
		}
	}
}

/* ---- next response ----------------------------------------------------- */

/* Rule: next_response runs from the oldest customer message no public
 * agent reply has answered yet until the next public agent reply; before the
 * first response, first_response covers the wait. */
static void next_response_runs_from_unanswered_since(void **state)
{
	struct hd_sla_policy p = policy(0, 30, 0, 0);
	struct desk d = desk_open(&p, NULL, T0);

	(void)state;
	assert_false(CUR(d, NR)->present); /* not before the first response */
	customer_writes(&d, T0 + 5 * MIN);
	assert_false(CUR(d, NR)->present);
	agent_replies(&d, T0 + 10 * MIN);
	assert_false(CUR(d, NR)->present);
	assert_false(ENDED(d, NR)->present);

	customer_writes(&d, T0 + HOUR);
	expect_running(CUR(d, NR), T0 + HOUR, T0 + HOUR, 0, T0 + HOUR + 30 * MIN);
	assert_int_equal(d.was[NR].id, 1);
	customer_writes(&d, T0 + HOUR + 10 * MIN); /* the oldest message still counts */
	assert_int_equal(CUR(d, NR)->id, 1);
	expect_running(CUR(d, NR), T0 + HOUR, T0 + HOUR, 0, T0 + HOUR + 30 * MIN);
	agent_notes(&d, T0 + HOUR + 15 * MIN); /* a note answers nothing */
	assert_int_equal(CUR(d, NR)->id, 1);
	agent_replies(&d, T0 + HOUR + 20 * MIN);
	expect_ended(ENDED(d, NR), 1, HD_SLA_MET, T0 + HOUR + 20 * MIN, 20 * MIN);
	assert_false(CUR(d, NR)->present);

	customer_writes(&d, T0 + 3 * HOUR); /* a new cycle */
	expect_running(CUR(d, NR), T0 + 3 * HOUR, T0 + 3 * HOUR, 0, T0 + 3 * HOUR + 30 * MIN);
	assert_int_equal(d.was[NR].id, 2);
	agent_replies(&d, T0 + 4 * HOUR);
	expect_ended(ENDED(d, NR), 2, HD_SLA_BREACHED, T0 + 4 * HOUR, HOUR);

	/* a late refresh: the new cycle counts from the message, the ended one
	 * ends at the reply */
	d.f.unanswered_since = T0 + 5 * HOUR;
	refresh(&d, T0 + 5 * HOUR + 10 * MIN);
	expect_running(CUR(d, NR), T0 + 5 * HOUR, T0 + 5 * HOUR, 0, T0 + 5 * HOUR + 30 * MIN);
	d.f.unanswered_since = 0;
	d.f.last_public_reply_at = T0 + 5 * HOUR + 20 * MIN;
	refresh(&d, T0 + 6 * HOUR);
	expect_ended(ENDED(d, NR), 3, HD_SLA_MET, T0 + 5 * HOUR + 20 * MIN, 20 * MIN);
}

/* Rule: a waiting customer message on a ticket that closes without an
 * answer cancels next_response. */
static void next_response_cancelled_at_close(void **state)
{
	struct hd_sla_policy p = policy(0, 30, 0, 0);
	struct desk d = desk_open(&p, NULL, T0);

	(void)state;
	agent_replies(&d, T0 + 10 * MIN);
	customer_writes(&d, T0 + HOUR);
	set_status(&d, HD_STATUS_CLOSED, HD_REASON_DUPLICATE, T0 + HOUR + 5 * MIN);
	expect_ended(ENDED(d, NR), 1, HD_SLA_CANCELLED, T0 + HOUR + 5 * MIN, 5 * MIN);
	assert_false(CUR(d, NR)->present);
}

/* ---- periodic update ----------------------------------------------------- */

/* Rule: periodic_update runs from a public agent reply until the next one,
 * restarting at each reply, while the ticket is unsolved. */
static void periodic_update_restarts_at_each_reply(void **state)
{
	struct hd_sla_policy p = policy(0, 0, 120, 0);
	struct desk d = desk_open(&p, NULL, T0);
	const int64_t r1 = T0 + 10 * MIN, r2 = r1 + HOUR, r3 = r2 + 3 * HOUR;

	(void)state;
	assert_false(CUR(d, PU)->present); /* no reply yet */
	agent_replies(&d, r1);
	expect_running(CUR(d, PU), r1, r1, 0, r1 + 2 * HOUR);
	customer_writes(&d, r1 + 30 * MIN); /* a customer message is no update */
	assert_int_equal(CUR(d, PU)->id, 1);
	assert_false(ENDED(d, PU)->present);

	agent_replies(&d, r2);
	expect_ended(ENDED(d, PU), 1, HD_SLA_MET, r2, HOUR);
	expect_running(CUR(d, PU), r2, r2, 0, r2 + 2 * HOUR);
	assert_int_equal(d.was[PU].id, 2);

	agent_replies(&d, r3);
	expect_ended(ENDED(d, PU), 2, HD_SLA_BREACHED, r3, 3 * HOUR);
	assert_int_equal(d.was[PU].id, 3);

	/* solving pauses the cycle: no update is owed while solved */
	set_status(&d, HD_STATUS_SOLVED, HD_REASON_NONE, r3 + HOUR);
	assert_false(ENDED(d, PU)->present);
	expect_paused(CUR(d, PU), r3, HOUR);
}

/* Rule: solving pauses every clock and a reopen resumes it — so a reopen
 * must not charge periodic_update for the time the ticket was solved.
 * Known bug (see the report): solving ends the periodic cycle and the reopen
 * starts a new one at the last reply, running since then, solved time and all. */
static void periodic_update_after_reopen_excludes_solved_time(void **state)
{
	struct hd_sla_policy p = policy(0, 0, 240, 0);
	struct desk d = desk_open(&p, NULL, T0);

	(void)state;
	agent_replies(&d, T0 + 10 * MIN);
	set_status(&d, HD_STATUS_SOLVED, HD_REASON_NONE, T0 + 20 * MIN);
	customer_writes(&d, T0 + 3 * DAY); /* "still broken": reopened */
	assert_int_equal(d.lc.status, HD_STATUS_OPEN);
	assert_true(CUR(d, PU)->present);
	/* at most the 10 minutes counted before the solve */
	if (hd_sla_elapsed(CUR(d, PU), NULL, T0 + 3 * DAY) > 10 * MIN)
		fail_msg("periodic_update counts %lld min at the reopen, due %lld min before it",
			 (long long)(hd_sla_elapsed(CUR(d, PU), NULL, T0 + 3 * DAY) / MIN),
			 (long long)((T0 + 3 * DAY - CUR(d, PU)->due_at) / MIN));
	assert_true(CUR(d, PU)->due_at > T0 + 3 * DAY);
}

/* ---- resolution -------------------------------------------------------- */

/* Rule: resolution runs from creation; solving pauses it; a reopen resumes
 * it with the time already counted; it ends when the ticket closes — met
 * when it had been solved within the target. */
static void resolution_pauses_while_solved_and_resumes_on_reopen(void **state)
{
	struct hd_sla_policy p = policy(0, 0, 0, 8 * 60);
	struct desk d = desk_open(&p, NULL, T0);

	(void)state;
	expect_running(CUR(d, RES), T0, T0, 0, T0 + 8 * HOUR);
	agent_replies(&d, T0 + HOUR);
	set_status(&d, HD_STATUS_SOLVED, HD_REASON_NONE, T0 + 2 * HOUR);
	expect_paused(CUR(d, RES), T0, 2 * HOUR);
	assert_int_equal(CUR(d, RES)->id, 1);
	assert_string_equal(hd_sla_clock_state(CUR(d, RES), T0 + 20 * HOUR), "paused");

	confirm(&d, 0, T0 + 26 * HOUR); /* "no, still broken" */
	expect_running(CUR(d, RES), T0, T0 + 26 * HOUR, 2 * HOUR, T0 + 32 * HOUR);
	assert_int_equal(CUR(d, RES)->id, 1);
	assert_false(ENDED(d, RES)->present);

	set_status(&d, HD_STATUS_SOLVED, HD_REASON_NONE, T0 + 27 * HOUR);
	expect_paused(CUR(d, RES), T0, 3 * HOUR);
	confirm(&d, 1, T0 + 30 * HOUR);
	expect_ended(ENDED(d, RES), 1, HD_SLA_MET, T0 + 30 * HOUR, 3 * HOUR);
	assert_false(CUR(d, RES)->present);
}

/* Rule: resolution ends at close — met or breached by the time counted when
 * it had been solved (whichever way it closed), cancelled when closed without
 * being solved (a recorded breach stays a breach). */
static void resolution_outcome_at_close(void **state)
{
	enum how { CONFIRM, GRACE, REASON_FROM_SOLVED, REASON_FROM_OPEN, REASON_AFTER_REOPEN };
	const struct {
		enum how how;
		int64_t solve_after, breached_at;
		enum hd_sla_outcome outcome;
		int64_t elapsed;
		const char *rule;
	} cases[] = {
		{CONFIRM, 2 * HOUR, 0, HD_SLA_MET, 2 * HOUR, "confirmed: met"},
		{GRACE, 2 * HOUR, 0, HD_SLA_MET, 2 * HOUR, "closed after the grace period: met"},
		{CONFIRM, 9 * HOUR, 0, HD_SLA_BREACHED, 9 * HOUR, "solved too late: breached"},
		{CONFIRM, 9 * HOUR, 8 * HOUR, HD_SLA_BREACHED, 9 * HOUR, "recorded breach"},
		{REASON_FROM_SOLVED, 2 * HOUR, 0, HD_SLA_MET, 2 * HOUR,
		 "closed with a reason after solving: it had been solved"},
		{REASON_FROM_OPEN, 0, 0, HD_SLA_CANCELLED, 10 * HOUR,
		 "closed without solving: cancelled"},
		{REASON_FROM_OPEN, 0, 8 * HOUR, HD_SLA_BREACHED, 10 * HOUR,
		 "closed without solving after a recorded breach"},
		{REASON_AFTER_REOPEN, 2 * HOUR, 0, HD_SLA_CANCELLED, 5 * HOUR,
		 "solved, reopened, closed with a reason: not solved when it closed"},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct hd_sla_policy p = policy(0, 0, 0, 8 * 60);
		struct desk d = desk_open(&p, NULL, T0);
		const int64_t end = T0 + 10 * HOUR;

		agent_replies(&d, T0 + 30 * MIN);
		if (cases[i].solve_after)
			set_status(&d, HD_STATUS_SOLVED, HD_REASON_NONE, T0 + cases[i].solve_after);
		d.was[RES].breached_at = cases[i].breached_at ? T0 + cases[i].breached_at : 0;
		switch (cases[i].how) {
		case CONFIRM:
			confirm(&d, 1, end);
			break;
		case GRACE:
			assert_int_equal(hd_lifecycle_autoclose(&d.lc, end, &d.lc, NULL), 0);
			refresh(&d, end);
			break;
		case REASON_FROM_SOLVED:
		case REASON_FROM_OPEN:
			set_status(&d, HD_STATUS_CLOSED, HD_REASON_MERGED, end);
			break;
		case REASON_AFTER_REOPEN:
			set_status(&d, HD_STATUS_OPEN, HD_REASON_NONE, end - 3 * HOUR);
			set_status(&d, HD_STATUS_CLOSED, HD_REASON_SPAM, end);
			break;
		}
		if (ENDED(d, RES)->outcome != cases[i].outcome)
			fail_msg("%s: outcome %s", cases[i].rule,
				 hd_sla_outcome_name(ENDED(d, RES)->outcome));
		expect_ended(ENDED(d, RES), 1, cases[i].outcome, end, cases[i].elapsed);
		assert_string_equal(hd_sla_clock_state(ENDED(d, RES), end),
				    hd_sla_outcome_name(cases[i].outcome));
	}
}

/* ---- pausing ------------------------------------------------------------ */

/* Rule: clocks pause while pending, on_hold (the default pause set) and
 * solved: no due or warning time while paused; after resuming, due = resume
 * + what is left of the target. */
static void clocks_pause_in_pending_on_hold_and_solved(void **state)
{
	const struct {
		enum hd_status status;
		int pauses;
	} cases[] = {
		{HD_STATUS_NEW, 0},     {HD_STATUS_OPEN, 0},   {HD_STATUS_PENDING, 1},
		{HD_STATUS_ON_HOLD, 1}, {HD_STATUS_SOLVED, 1},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct hd_sla_policy p = policy(60, 0, 0, 480);
		struct desk d;
		const int64_t resume = T0 + 70 * MIN;

		p.warn_min = 15;
		d = desk_open(&p, NULL, T0);
		if (cases[i].status != HD_STATUS_NEW)
			set_status(&d, cases[i].status, HD_REASON_NONE, T0 + 10 * MIN);
		else
			refresh(&d, T0 + 10 * MIN);
		if (!cases[i].pauses) {
			expect_running(CUR(d, FR), T0, T0, 0, T0 + 60 * MIN);
			assert_int_equal(CUR(d, FR)->warn_at, T0 + 45 * MIN);
			expect_running(CUR(d, RES), T0, T0, 0, T0 + 480 * MIN);
			continue;
		}
		expect_paused(CUR(d, FR), T0, 10 * MIN);
		expect_paused(CUR(d, RES), T0, 10 * MIN);
		assert_string_equal(hd_sla_clock_state(CUR(d, FR), T0 + 20 * MIN), "paused");
		refresh(&d, T0 + 40 * MIN); /* still paused: nothing counts */
		expect_paused(CUR(d, FR), T0, 10 * MIN);
		assert_int_equal(hd_sla_elapsed(CUR(d, FR), NULL, T0 + 60 * MIN), 10 * MIN);

		set_status(&d, HD_STATUS_OPEN, HD_REASON_NONE, resume);
		expect_running(CUR(d, FR), T0, resume, 10 * MIN, resume + 50 * MIN);
		assert_int_equal(CUR(d, FR)->warn_at, resume + 35 * MIN);
		expect_running(CUR(d, RES), T0, resume, 10 * MIN, resume + 470 * MIN);
		assert_int_equal(CUR(d, RES)->warn_at, resume + 455 * MIN);
		assert_int_equal(CUR(d, FR)->id, 1);
		assert_int_equal(CUR(d, RES)->id, 2);
		assert_int_equal(hd_sla_elapsed(CUR(d, FR), NULL, resume + 5 * MIN), 15 * MIN);
	}
}

/* Rule: the policy's pause set decides which statuses pause (solved always
 * does); a cycle that starts paused counts from when it resumes. */
static void custom_pause_set(void **state)
{
	const unsigned def = HD_SLA_DEFAULT_PAUSE;
	const struct {
		unsigned pause;
		enum hd_status status;
		int runs;
	} cases[] = {
		{def, HD_STATUS_NEW, 1},
		{def, HD_STATUS_OPEN, 1},
		{def, HD_STATUS_PENDING, 0},
		{def, HD_STATUS_ON_HOLD, 0},
		{def, HD_STATUS_SOLVED, 0},
		{1u << HD_STATUS_ON_HOLD, HD_STATUS_PENDING, 1},
		{1u << HD_STATUS_ON_HOLD, HD_STATUS_ON_HOLD, 0},
		{0, HD_STATUS_PENDING, 1},
		{0, HD_STATUS_ON_HOLD, 1},
		{0, HD_STATUS_SOLVED, 0}, /* solved pauses whatever the set */
		{1u << HD_STATUS_OPEN, HD_STATUS_OPEN, 0},
		{1u << HD_STATUS_OPEN, HD_STATUS_NEW, 1},
		{1u << HD_STATUS_NEW, HD_STATUS_NEW, 0},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct hd_sla_policy p = policy(0, 0, 0, 120);
		struct hd_sla_facts f = {.status = cases[i].status, .created_at = T0};
		struct hd_sla_clock was[HD_SLA__COUNT] = {{0}};
		struct hd_sla_step out[HD_SLA__COUNT];
		const struct hd_sla_clock *k = &out[RES].cur;

		p.pause_statuses = cases[i].pause;
		if (cases[i].status == HD_STATUS_SOLVED)
			f.solved_at = T0;
		assert_int_equal(hd_sla_plan(&p, NULL, NULL, &f, was, T0, out), 0);
		was[RES] = *k;
		assert_int_equal(hd_sla_plan(&p, NULL, NULL, &f, was, T0 + HOUR, out), 0);
		if (cases[i].runs) {
			expect_running(k, T0, T0, 0, T0 + 2 * HOUR);
			assert_int_equal(hd_sla_elapsed(k, NULL, T0 + HOUR), HOUR);
		} else {
			expect_paused(k, T0, 0);
		}
		/* resuming (the set does not hold open any more): counts from now */
		if (!cases[i].runs) {
			p.pause_statuses = 0;
			f.status = HD_STATUS_OPEN;
			f.solved_at = 0;
			was[RES] = *k;
			assert_int_equal(hd_sla_plan(&p, NULL, NULL, &f, was, T0 + 2 * HOUR, out), 0);
			expect_running(k, T0, T0 + 2 * HOUR, 0, T0 + 4 * HOUR);
		}
	}
}

/* Rule: a clock paused past its target before the shell recorded the
 * breach gets due_at = now, so the shell records it; once recorded, a paused
 * clock has no due time. Exactly at the target is not past it. */
static void clock_paused_past_target_is_due_now(void **state)
{
	struct hd_sla_policy p = policy(60, 0, 0, 0);
	struct desk d = desk_open(&p, NULL, T0);

	(void)state;
	set_status(&d, HD_STATUS_PENDING, HD_REASON_NONE, T0 + 90 * MIN);
	assert_int_equal(CUR(d, FR)->running_since, 0);
	assert_int_equal(CUR(d, FR)->elapsed_ms, 90 * MIN);
	assert_int_equal(CUR(d, FR)->due_at, T0 + 90 * MIN);
	assert_int_equal(CUR(d, FR)->warn_at, 0);
	assert_string_equal(hd_sla_clock_state(CUR(d, FR), T0 + 90 * MIN), "breached");
	refresh(&d, T0 + 2 * HOUR); /* the timer has not fired yet: still due now */
	assert_int_equal(CUR(d, FR)->due_at, T0 + 2 * HOUR);
	d.was[FR].breached_at = T0 + 2 * HOUR; /* the shell fired it */
	refresh(&d, T0 + 3 * HOUR);
	assert_int_equal(CUR(d, FR)->due_at, 0);
	assert_string_equal(hd_sla_clock_state(CUR(d, FR), T0 + 3 * HOUR), "breached");
	agent_replies(&d, T0 + 4 * HOUR);
	expect_ended(ENDED(d, FR), 1, HD_SLA_BREACHED, T0 + 4 * HOUR, 90 * MIN);

	/* paused exactly at the target: not past it */
	d = desk_open(&p, NULL, T0);
	set_status(&d, HD_STATUS_ON_HOLD, HD_REASON_NONE, T0 + 60 * MIN);
	expect_paused(CUR(d, FR), T0, 60 * MIN);
	assert_string_equal(hd_sla_clock_state(CUR(d, FR), T0 + 61 * MIN), "paused");

	/* a target lowered below the time counted while paused */
	{
		struct hd_sla_policy low = policy(30, 0, 0, 0);

		set_status(&d, HD_STATUS_ON_HOLD, HD_REASON_NONE, T0 + 60 * MIN); /* no-op */
		d.p = &low;
		refresh(&d, T0 + 2 * HOUR);
		assert_false(ENDED(d, FR)->present);
		assert_int_equal(CUR(d, FR)->id, 1);
		assert_int_equal(CUR(d, FR)->elapsed_ms, 60 * MIN);
		assert_int_equal(CUR(d, FR)->due_at, T0 + 2 * HOUR);
		assert_int_equal(CUR(d, FR)->target_min, 30);
	}
}

/* ---- due and warning instants -------------------------------------------- */

/* Rule: warn_at = due - warn_min (never before the clock started); no
 * warning with warn_min 0 or once the shell recorded the warning. */
static void warn_at_is_due_minus_warn_min(void **state)
{
	const struct {
		int64_t warn_min, warned_at;
		int64_t warn_at; /* after T0; -1: none */
		const char *state_at_50;
	} cases[] = {
		{0, 0, -1, "ok"},
		{15, 0, 45 * MIN, "warning"},
		{5, 0, 55 * MIN, "ok"},
		{60, 0, 0, "warning"},
		{90, 0, 0, "warning"}, /* longer than the target: at once */
		{15, 45 * MIN, -1, "warning"},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct hd_sla_policy p = policy(60, 0, 0, 0);
		struct desk d;

		p.warn_min = cases[i].warn_min;
		d = desk_open(&p, NULL, T0);
		d.was[FR].warned_at = cases[i].warned_at ? T0 + cases[i].warned_at : 0;
		refresh(&d, T0 + 50 * MIN);
		assert_int_equal(CUR(d, FR)->due_at, T0 + 60 * MIN);
		assert_int_equal(CUR(d, FR)->warn_at,
				 cases[i].warn_at < 0 ? 0 : T0 + cases[i].warn_at);
		assert_string_equal(hd_sla_clock_state(CUR(d, FR), T0 + 50 * MIN),
				    cases[i].state_at_50);
	}
}

/* Rule: in business hours the due time counts only open time: a 60-minute
 * target started Friday 16:30 in a 09:00-17:00 Monday-Friday calendar is due
 * Monday 09:30, warned 45 business minutes before (Friday 16:45); a policy
 * in calendar time ignores the calendar. */
static void business_hours_due_times(void **state)
{
	struct hd_calendar cal = office();
	struct hd_sla_policy p = policy(60, 0, 0, 0);
	const int64_t fri1630 = utc(2026, 11, 20, 15, 30); /* local 16:30 */
	struct desk d;

	(void)state;
	p.calendar_id = 7;
	p.warn_min = 45;
	d = desk_open(&p, &cal, fri1630);
	assert_int_equal(CUR(d, FR)->business, 1);
	assert_int_equal(CUR(d, FR)->due_at, utc(2026, 11, 23, 8, 30));  /* Mon 09:30 */
	assert_int_equal(CUR(d, FR)->warn_at, utc(2026, 11, 20, 15, 45)); /* Fri 16:45 */
	assert_int_equal(hd_sla_elapsed(CUR(d, FR), &cal, utc(2026, 11, 21, 11, 0)), 30 * MIN);
	assert_int_equal(hd_sla_elapsed(CUR(d, FR), &cal, utc(2026, 11, 23, 8, 15)), 45 * MIN);
	assert_string_equal(hd_sla_clock_state(CUR(d, FR), utc(2026, 11, 21, 11, 0)), "warning");
	agent_replies(&d, utc(2026, 11, 23, 8, 20)); /* Monday 09:20 */
	expect_ended(ENDED(d, FR), 1, HD_SLA_MET, utc(2026, 11, 23, 8, 20), 50 * MIN);

	/* created on Saturday: counts from Monday's opening */
	d = desk_open(&p, &cal, utc(2026, 11, 21, 11, 0));
	assert_int_equal(CUR(d, FR)->due_at, utc(2026, 11, 23, 9, 0)); /* Mon 10:00 */
	assert_int_equal(hd_sla_elapsed(CUR(d, FR), &cal, utc(2026, 11, 23, 8, 0)), 0);

	/* the same target in calendar time (calendar_id 0: the calendar is ignored) */
	p.calendar_id = 0;
	d = desk_open(&p, &cal, fri1630);
	assert_int_equal(CUR(d, FR)->business, 0);
	assert_int_equal(CUR(d, FR)->due_at, fri1630 + HOUR);
	assert_int_equal(CUR(d, FR)->warn_at, fri1630 + 15 * MIN);
	/* a calendar the shell could not load: calendar time */
	p.calendar_id = 7;
	d = desk_open(&p, NULL, fri1630);
	assert_int_equal(CUR(d, FR)->business, 0);
	assert_int_equal(CUR(d, FR)->due_at, fri1630 + HOUR);

	/* paused over the weekend in business hours: resume + what is left */
	d = desk_open(&p, &cal, utc(2026, 11, 20, 15, 0)); /* Fri 16:00 */
	set_status(&d, HD_STATUS_PENDING, HD_REASON_NONE, utc(2026, 11, 20, 15, 40));
	expect_paused(CUR(d, FR), utc(2026, 11, 20, 15, 0), 40 * MIN);
	set_status(&d, HD_STATUS_OPEN, HD_REASON_NONE, utc(2026, 11, 21, 12, 0)); /* Sat */
	expect_running(CUR(d, FR), utc(2026, 11, 20, 15, 0), utc(2026, 11, 21, 12, 0), 40 * MIN,
		       utc(2026, 11, 23, 8, 20)); /* Mon 09:20 */

	/* paused with the whole target used, resumed on Saturday: due at once,
	 * not at Monday's opening (nothing is left to count) */
	d = desk_open(&p, &cal, utc(2026, 11, 20, 15, 0)); /* Fri 16:00 */
	set_status(&d, HD_STATUS_PENDING, HD_REASON_NONE, utc(2026, 11, 20, 16, 0)); /* 17:00 */
	expect_paused(CUR(d, FR), utc(2026, 11, 20, 15, 0), 60 * MIN);
	set_status(&d, HD_STATUS_OPEN, HD_REASON_NONE, utc(2026, 11, 21, 12, 0));
	assert_int_equal(CUR(d, FR)->due_at, utc(2026, 11, 21, 12, 0));
	assert_int_equal(CUR(d, FR)->warn_at, utc(2026, 11, 21, 12, 0));
}

/* Rule: business time is real time spent open, across DST changes too:
 * Friday 16:30 + 60 business minutes is Monday 09:30 local whether the
 * weekend springs forward or falls back; calendar time is plain ms. */
static void business_hours_across_dst(void **state)
{
	struct hd_calendar cal = cal_of(berlin, 9 * 60, 17 * 60, WEEKDAYS);
	struct hd_sla_policy p = policy(60, 0, 0, 0);
	const struct {
		int64_t start, due_business;
	} cases[] = {
		/* Fri 27 March 16:30 CET .. Mon 30 March 09:30 CEST */
		{utc(2026, 3, 27, 15, 30), utc(2026, 3, 30, 7, 30)},
		/* Fri 23 October 16:30 CEST .. Mon 26 October 09:30 CET */
		{utc(2026, 10, 23, 14, 30), utc(2026, 10, 26, 8, 30)},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct desk d;

		p.calendar_id = 3;
		d = desk_open(&p, &cal, cases[i].start);
		assert_int_equal(CUR(d, FR)->due_at, cases[i].due_business);
		assert_int_equal(hd_sla_elapsed(CUR(d, FR), &cal, cases[i].due_business - 30 * MIN),
				 30 * MIN);
		p.calendar_id = 0;
		d = desk_open(&p, &cal, cases[i].start);
		assert_int_equal(CUR(d, FR)->due_at, cases[i].start + HOUR);
	}
}

/* Rule: a calendar that never opens gives no due time (HD_ENOTFOUND from
 * hd_sla_plan); the clocks still run and nothing is ever due. */
static void never_open_calendar_has_no_due_time(void **state)
{
	struct hd_calendar closed = cal_of(plus_one, 0, 1440, 0);
	struct hd_sla_policy p = policy(60, 0, 0, 480);
	struct hd_sla_facts f = {.status = HD_STATUS_NEW, .created_at = T0};
	struct hd_sla_clock was[HD_SLA__COUNT] = {{0}};
	struct hd_sla_step out[HD_SLA__COUNT];

	(void)state;
	p.calendar_id = 9;
	p.warn_min = 10;
	assert_int_equal(hd_sla_plan(&p, &closed, &closed, &f, was, T0, out), HD_ENOTFOUND);
	for (int m = 0; m < HD_SLA__COUNT; m++) {
		if (m != FR && m != RES) {
			assert_false(out[m].cur.present);
			continue;
		}
		expect_running(&out[m].cur, T0, T0, 0, 0);
		assert_int_equal(out[m].cur.warn_at, 0);
		assert_int_equal(hd_sla_elapsed(&out[m].cur, &closed, T0 + 30 * DAY), 0);
		assert_string_equal(hd_sla_clock_state(&out[m].cur, T0 + 30 * DAY), "ok");
	}
}

/* ---- policy changes -------------------------------------------------------- */

/* Rule: a clock whose target or policy changed keeps its start and the time
 * already counted and gets the new target and due times; a switch from
 * calendar time to business hours keeps what was counted so far; a metric
 * whose target goes away ends its cycle. */
static void target_change_keeps_start_and_elapsed(void **state)
{
	struct hd_calendar cal = office();
	struct hd_sla_policy p1 = policy(0, 0, 0, 480), p2 = policy(0, 0, 0, 240), p3, p4;
	struct desk d = desk_open(&p1, &cal, T0); /* Monday 10:00 local */

	(void)state;
	p2.id = 2;
	p2.warn_min = 30;
	set_status(&d, HD_STATUS_PENDING, HD_REASON_NONE, T0 + HOUR);
	set_status(&d, HD_STATUS_OPEN, HD_REASON_NONE, T0 + 2 * HOUR);
	expect_running(CUR(d, RES), T0, T0 + 2 * HOUR, HOUR, T0 + 9 * HOUR);

	d.p = &p2; /* e.g. the priority went up */
	refresh(&d, T0 + 3 * HOUR);
	assert_false(ENDED(d, RES)->present);
	assert_int_equal(CUR(d, RES)->id, 1);
	assert_int_equal(CUR(d, RES)->target_min, 240);
	expect_running(CUR(d, RES), T0, T0 + 2 * HOUR, HOUR, T0 + 5 * HOUR);
	assert_int_equal(CUR(d, RES)->warn_at, T0 + 4 * HOUR + 30 * MIN);
	assert_int_equal(hd_sla_elapsed(CUR(d, RES), NULL, T0 + 3 * HOUR), 2 * HOUR);

	/* to business hours at Monday 14:00 local: 3 h counted, 5 h left of 8 h:
	 * 14:00-17:00 Monday, 09:00-11:00 Tuesday */
	p3 = policy(0, 0, 0, 480);
	p3.id = 3;
	p3.calendar_id = 7;
	p3.warn_min = 30;
	d.p = &p3;
	refresh(&d, T0 + 4 * HOUR);
	assert_int_equal(CUR(d, RES)->id, 1);
	assert_int_equal(CUR(d, RES)->business, 1);
	expect_running(CUR(d, RES), T0, T0 + 4 * HOUR, 3 * HOUR, utc(2026, 11, 24, 10, 0));
	assert_int_equal(CUR(d, RES)->warn_at, utc(2026, 11, 24, 9, 30));

	/* paused, then the target changes: the time counted stays */
	set_status(&d, HD_STATUS_ON_HOLD, HD_REASON_NONE, T0 + 5 * HOUR);
	expect_paused(CUR(d, RES), T0, 4 * HOUR);
	p4 = p3;
	p4.target_min[RES] = 600;
	d.p = &p4;
	refresh(&d, T0 + 6 * HOUR);
	expect_paused(CUR(d, RES), T0, 4 * HOUR);
	assert_int_equal(CUR(d, RES)->target_min, 600);

	/* the new policy has no resolution target: the cycle ends (unanswered) */
	p4.target_min[RES] = 0;
	p4.target_min[FR] = 60;
	refresh(&d, T0 + 7 * HOUR);
	expect_ended(ENDED(d, RES), 1, HD_SLA_CANCELLED, T0 + 7 * HOUR, 4 * HOUR);
	assert_false(CUR(d, RES)->present);
	assert_true(CUR(d, FR)->present); /* a new first-response cycle, from creation */
	assert_int_equal(CUR(d, FR)->started_at, T0);
}

/* Rule: a switch of calendar keeps what was counted so far — also from
 * business hours back to calendar time. Known bug (see the report): the
 * time since the clock last resumed is then counted in calendar time,
 * nights and weekends included, because the old calendar is not passed. */
static void business_to_calendar_time_keeps_business_elapsed(void **state)
{
	struct hd_calendar cal = office();
	struct hd_sla_policy biz = policy(0, 0, 0, 480), plain = policy(0, 0, 0, 480);
	struct desk d;

	(void)state;
	biz.calendar_id = 7;
	plain.id = 2;
	d = desk_open(&biz, &cal, T0); /* Monday 10:00 local */
	refresh(&d, utc(2026, 11, 24, 8, 0)); /* Tuesday 09:00 local: 7 business hours */
	assert_int_equal(hd_sla_elapsed(CUR(d, RES), &cal, utc(2026, 11, 24, 8, 0)), 7 * HOUR);
	d.p = &plain;
	refresh(&d, utc(2026, 11, 24, 8, 0));
	assert_int_equal(CUR(d, RES)->business, 0);
	if (CUR(d, RES)->elapsed_ms != 7 * HOUR)
		fail_msg("after the switch elapsed is %lld min, 420 counted in business hours",
			 (long long)(CUR(d, RES)->elapsed_ms / MIN));
}

/* Rule: no policy (NULL) cancels every running or paused clock. */
static void null_policy_cancels_running_clocks(void **state)
{
	struct hd_sla_policy p = policy(60, 30, 120, 480);
	struct desk d = desk_open(&p, NULL, T0);

	(void)state;
	assert_true(CUR(d, FR)->present);
	assert_true(CUR(d, RES)->present);
	d.p = NULL;
	refresh(&d, T0 + 10 * MIN);
	expect_ended(ENDED(d, FR), 1, HD_SLA_CANCELLED, T0 + 10 * MIN, 10 * MIN);
	expect_ended(ENDED(d, RES), 2, HD_SLA_CANCELLED, T0 + 10 * MIN, 10 * MIN);
	for (int m = 0; m < HD_SLA__COUNT; m++)
		assert_false(CUR(d, m)->present);

	/* next response, periodic update and resolution, paused on hold */
	d = desk_open(&p, NULL, T0);
	agent_replies(&d, T0 + 10 * MIN);
	customer_writes(&d, T0 + 20 * MIN);
	set_status(&d, HD_STATUS_ON_HOLD, HD_REASON_NONE, T0 + 30 * MIN);
	assert_true(CUR(d, NR)->present && CUR(d, PU)->present && CUR(d, RES)->present);
	d.p = NULL;
	refresh(&d, T0 + 40 * MIN);
	expect_ended(ENDED(d, NR), 4, HD_SLA_CANCELLED, T0 + 40 * MIN, 10 * MIN);
	expect_ended(ENDED(d, PU), 3, HD_SLA_CANCELLED, T0 + 40 * MIN, 20 * MIN);
	expect_ended(ENDED(d, RES), 2, HD_SLA_CANCELLED, T0 + 40 * MIN, 30 * MIN);
	for (int m = 0; m < HD_SLA__COUNT; m++)
		assert_false(CUR(d, m)->present);
}

/* ---- elapsed and state ------------------------------------------------------ */

/* Rule: elapsed = time counted before running_since + time since it (in
 * business hours when the clock is business and there is a calendar). */
static void elapsed_counts_since_running_since(void **state)
{
	struct hd_calendar cal = office();
	const int64_t sat = utc(2026, 11, 21, 12, 0), mon10 = utc(2026, 11, 23, 9, 0);
	const struct {
		struct hd_sla_clock k;
		const struct hd_calendar *cal;
		int64_t now, want;
		const char *rule;
	} cases[] = {
		{{.present = 0, .elapsed_ms = 5, .running_since = T0}, NULL, T0 + HOUR, 0,
		 "no clock: nothing counted"},
		{{.present = 1, .elapsed_ms = 7 * MIN}, NULL, T0 + HOUR, 7 * MIN,
		 "paused: what was counted"},
		{{.present = 1, .elapsed_ms = 7 * MIN, .running_since = T0}, NULL, T0 + HOUR,
		 67 * MIN, "running: plus the time since it resumed"},
		{{.present = 1, .elapsed_ms = 7 * MIN, .running_since = T0}, NULL, T0 - HOUR,
		 7 * MIN, "a `now` before running_since adds nothing"},
		{{.present = 1, .business = 1, .running_since = sat}, &cal, mon10, HOUR,
		 "business: the weekend is closed"},
		{{.present = 1, .business = 0, .running_since = sat}, &cal, mon10,
		 mon10 - sat, "calendar time ignores the calendar"},
		{{.present = 1, .business = 1, .running_since = sat}, NULL, mon10, mon10 - sat,
		 "business without a calendar: calendar time"},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		if (hd_sla_elapsed(&cases[i].k, cases[i].cal, cases[i].now) != cases[i].want)
			fail_msg("%s: %lld, want %lld", cases[i].rule,
				 (long long)hd_sla_elapsed(&cases[i].k, cases[i].cal,
							   cases[i].now),
				 (long long)cases[i].want);
}

/* Rule: the state a clock shows — none, met/breached/cancelled once ended,
 * breached when due or recorded or paused past the target, paused, warning
 * from warn_at or once recorded, else ok. */
static void clock_state_values(void **state)
{
	const int64_t due = T0 + HOUR, warn = T0 + 45 * MIN;
	const struct hd_sla_clock run = {.present = 1, .started_at = T0, .target_min = 60,
					 .running_since = T0, .due_at = due, .warn_at = warn};
	const struct hd_sla_clock paused = {.present = 1, .started_at = T0, .target_min = 60,
					    .elapsed_ms = 10 * MIN};
	struct {
		struct hd_sla_clock k;
		int64_t now;
		const char *want;
	} cases[] = {
		{{.present = 0}, T0, "none"},
		{run, T0 + 10 * MIN, "ok"},
		{run, warn - 1, "ok"},
		{run, warn, "warning"},
		{run, due - 1, "warning"},
		{run, due, "breached"},
		{run, T0 + 10 * MIN, "warning"}, /* warned_at set below */
		{run, T0 + 10 * MIN, "breached"}, /* breached_at set below */
		{paused, T0 + 10 * HOUR, "paused"},
		{paused, T0 + 10 * HOUR, "breached"}, /* elapsed 61 min, below */
		{paused, T0 + 10 * HOUR, "paused"},   /* elapsed exactly 60 min, below */
		{paused, T0 + 10 * HOUR, "breached"}, /* breached_at, below */
		{run, T0 + 10 * HOUR, "met"},         /* ended, below */
		{run, T0 + 10 * MIN, "breached"},     /* ended breached, below */
		{run, T0 + 10 * MIN, "cancelled"},    /* ended cancelled, below */
	};

	(void)state;
	cases[6].k.warned_at = T0 + 5 * MIN;
	cases[7].k.breached_at = T0 + 5 * MIN;
	cases[9].k.elapsed_ms = 61 * MIN;
	cases[10].k.elapsed_ms = 60 * MIN;
	cases[11].k.breached_at = T0 + 5 * MIN;
	for (int i = 12; i <= 14; i++) {
		cases[i].k.running_since = 0;
		cases[i].k.due_at = 0;
		cases[i].k.warn_at = 0;
		cases[i].k.ended_at = T0 + 30 * MIN;
	}
	cases[12].k.outcome = HD_SLA_MET;
	cases[13].k.outcome = HD_SLA_BREACHED;
	cases[14].k.outcome = HD_SLA_CANCELLED;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *got = hd_sla_clock_state(&cases[i].k, cases[i].now);

		if (strcmp(got, cases[i].want) != 0)
			fail_msg("case %zu: %s, want %s", i, got, cases[i].want);
	}
}

/* ---- property test ---------------------------------------------------------- */

static uint64_t rng_state = 0x243f6a8885a308d3u;

static uint64_t rnd(uint64_t n)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return n ? rng_state % n : 0;
}

struct sim {
	int ticket, step;
	const struct hd_sla_policy *p;
	const struct hd_calendar *cal;
	struct hd_lifecycle lc;
	struct hd_sla_facts f;
	struct hd_sla_clock was[HD_SLA__COUNT];
	int64_t seen[HD_SLA__COUNT]; /* elapsed of was[m] at the last plan */
	int64_t next_id;
};

#define CHECK(cond)                                                                                \
	do {                                                                                       \
		if (!(cond))                                                                       \
			fail_msg("ticket %d step %d metric %s: %s", s->ticket, s->step,            \
				 hd_sla_metric_name(m), #cond);                                    \
	} while (0)

/* Where the facts want a cycle of metric m (0: none), by the rules of sla.h. */
static int64_t oracle_start(const struct hd_sla_policy *p, int m, const struct hd_sla_facts *f)
{
	if (!p || p->target_min[m] <= 0 || f->status == HD_STATUS_CLOSED)
		return 0;
	switch (m) {
	case FR: return f->first_response_at ? 0 : f->created_at;
	case NR: return f->first_response_at ? f->unanswered_since : 0;
	case PU: return f->last_public_reply_at;
	default: return f->created_at;
	}
}

static int oracle_runs(const struct hd_sla_policy *p, enum hd_status st)
{
	return st != HD_STATUS_SOLVED && st != HD_STATUS_CLOSED &&
	       !(p->pause_statuses & (1u << st));
}

static int64_t max64(int64_t a, int64_t b)
{
	return a > b ? a : b;
}

/* The invariants of one plan at `now` (out[] from s->was[]). */
static void check_step(struct sim *s, const struct hd_sla_step out[HD_SLA__COUNT], int64_t now)
{
	const struct hd_calendar *cal = s->p && s->p->calendar_id ? s->cal : NULL;

	for (int m = 0; m < HD_SLA__COUNT; m++) {
		const struct hd_sla_clock *was = &s->was[m], *e = &out[m].ended, *k = &out[m].cur;
		int64_t start = oracle_start(s->p, m, &s->f);

		/* at most one cycle per metric: the stored one continues or ends */
		if (!was->present)
			CHECK(!e->present && k->id == 0);
		else if (e->present)
			CHECK(e->id == was->id && k->id == 0);
		else
			CHECK(k->present && k->id == was->id);

		if (e->present) { /* an ended cycle has an outcome */
			int64_t target = e->target_min * MIN;

			CHECK(e->outcome == HD_SLA_MET || e->outcome == HD_SLA_BREACHED ||
			      e->outcome == HD_SLA_CANCELLED);
			CHECK(e->ended_at >= e->started_at && e->ended_at <= now);
			CHECK(e->running_since == 0 && e->due_at == 0 && e->warn_at == 0);
			CHECK(e->elapsed_ms >= s->seen[m]); /* never decreases */
			CHECK(e->elapsed_ms <= e->ended_at - e->started_at);
			CHECK(e->outcome != HD_SLA_MET ||
			      (!e->breached_at && e->elapsed_ms <= target));
			CHECK(e->outcome != HD_SLA_BREACHED || e->breached_at ||
			      e->elapsed_ms > target);
			CHECK(e->outcome != HD_SLA_CANCELLED || !e->breached_at);
			CHECK(!strcmp(hd_sla_clock_state(e, now), hd_sla_outcome_name(e->outcome)));
		}

		CHECK(!!k->present == !!start); /* a cycle exactly where the rules want one */
		if (!k->present)
			continue;
		{
			int64_t el = hd_sla_elapsed(k, cal, now), target = k->target_min * MIN;

			CHECK(k->started_at == start);
			CHECK(k->outcome == HD_SLA_RUNNING && k->ended_at == 0);
			CHECK(k->target_min == s->p->target_min[m]);
			CHECK(k->business == (cal != NULL));
			CHECK(el <= now - k->started_at); /* at most the wall time */
			if (k->id == was->id)
				CHECK(el >= s->seen[m]); /* never decreases within a cycle */
			CHECK(!!k->running_since == oracle_runs(s->p, s->f.status));
			if (k->running_since) {
				CHECK(k->running_since >= k->started_at && k->running_since <= now);
				CHECK(k->due_at >= k->running_since); /* this calendar opens */
				/* due = resume + what is left; warn = due - warn_min */
				CHECK(hd_sla_elapsed(k, cal, k->due_at) ==
				      max64(target, k->elapsed_ms));
				if (s->p->warn_min > 0 && !k->warned_at) {
					int64_t w = max64(target - s->p->warn_min * MIN,
							  k->elapsed_ms);

					CHECK(k->warn_at >= k->running_since);
					CHECK(k->warn_at <= k->due_at);
					CHECK(hd_sla_elapsed(k, cal, k->warn_at) == w);
				} else {
					CHECK(k->warn_at == 0);
				}
			} else {
				CHECK(k->warn_at == 0);
				CHECK(k->due_at ==
				      (!k->breached_at && k->elapsed_ms > target ? now : 0));
			}
			CHECK(strcmp(hd_sla_clock_state(k, now), "met") != 0 &&
			      strcmp(hd_sla_clock_state(k, now), "cancelled") != 0);
		}
	}
}

/* The shell's timers up to `now`: stamp warnings and breaches that fell due. */
static void fire_timers(struct sim *s, int64_t now)
{
	for (int m = 0; m < HD_SLA__COUNT; m++) {
		struct hd_sla_clock *k = &s->was[m];

		if (!k->present)
			continue;
		if (k->warn_at && !k->warned_at && k->warn_at <= now)
			k->warned_at = k->warn_at;
		if (k->due_at && !k->breached_at && k->due_at <= now)
			k->breached_at = k->due_at;
	}
}

static void sim_plan(struct sim *s, int64_t now)
{
	struct hd_sla_step out[HD_SLA__COUNT];
	int rc;

	s->f.status = s->lc.status;
	s->f.first_response_at = s->lc.first_response_at;
	s->f.solved_at = s->lc.solved_at;
	rc = hd_sla_plan(s->p, s->cal, s->cal, &s->f, s->was, now, out);
	if (rc != 0)
		fail_msg("ticket %d step %d: hd_sla_plan %d", s->ticket, s->step, rc);
	check_step(s, out, now);
	for (int m = 0; m < HD_SLA__COUNT; m++) {
		s->was[m] = out[m].cur;
		if (s->was[m].present && !s->was[m].id)
			s->was[m].id = ++s->next_id;
		s->seen[m] = hd_sla_elapsed(&s->was[m], s->p && s->p->calendar_id ? s->cal : NULL,
					    now);
	}
}

static int64_t rnd_delta(void)
{
	switch (rnd(4)) {
	case 0: return 1 + (int64_t)rnd(60000);         /* within a minute */
	case 1: return (int64_t)(1 + rnd(120)) * MIN;   /* minutes */
	case 2: return (int64_t)(1 + rnd(48)) * HOUR;   /* hours */
	default: return (int64_t)rnd(4 * HOUR) + (int64_t)rnd(2); /* any ms, even 0 */
	}
}

#define PROP_TICKETS 2000
#define PROP_STEPS 60

/* Property: for random tickets, every plan keeps the invariants of
 * check_step — at most one cycle per metric, elapsed never decreasing
 * within a cycle and never above the wall time since the start, due_at at
 * or after running_since while running (due = resume + what is left),
 * ended cycles with an outcome, cycles exactly where sla.h wants them. */
static void random_tickets_keep_clock_invariants(void **state)
{
	struct hd_calendar cals[2];
	struct hd_sla_policy pol[4];
	long plans = 0, cycles = 0;

	(void)state;
	cals[0] = office();
	cals[1] = cal_of(berlin, 8 * 60, 18 * 60, WEEKDAYS);
	pol[0] = policy(60, 30, 120, 480);
	pol[0].warn_min = 15;
	pol[1] = pol[0];
	pol[1].id = 2;
	pol[1].calendar_id = 1;
	pol[2] = policy(5, 5, 10, 20);
	pol[2].id = 3;
	pol[2].warn_min = 2;
	pol[2].pause_statuses = 1u << HD_STATUS_ON_HOLD;
	pol[3] = policy(30, 0, 60, 240);
	pol[3].id = 4;
	pol[3].calendar_id = 2;
	pol[3].pause_statuses = 0;

	for (int t = 0; t < PROP_TICKETS; t++) {
		struct sim sim = {.ticket = t};
		struct sim *s = &sim;
		/* a start in 2026, often just before a DST change */
		int64_t now = rnd(2) ? utc(2026, 1, 1, 0, 0) + (int64_t)rnd(360 * 24 * 60) * MIN
				     : utc(2026, 3, 26, 0, 0) + (int64_t)rnd(7) * DAY;

		now += (int64_t)rnd(60000);
		s->cal = &cals[rnd(2)];
		s->p = &pol[rnd(4)];
		s->lc = (struct hd_lifecycle){.status = HD_STATUS_NEW};
		s->f = (struct hd_sla_facts){.created_at = now, .unanswered_since = now};
		sim_plan(s, now);
		for (s->step = 1; s->step <= PROP_STEPS; s->step++) {
			uint64_t ev = rnd(100);

			now += rnd_delta();
			fire_timers(s, now);
			if (ev < 25) { /* a public customer message */
				int rc = hd_lifecycle_on_message(&s->lc, HD_AUTHOR_CUSTOMER,
								 HD_VIS_PUBLIC, now, &s->lc, NULL);

				if (rc == 0 && !s->f.unanswered_since)
					s->f.unanswered_since = now;
			} else if (ev < 50) { /* a public agent reply */
				if (hd_lifecycle_on_message(&s->lc, HD_AUTHOR_AGENT, HD_VIS_PUBLIC,
							    now, &s->lc, NULL) == 0) {
					s->f.unanswered_since = 0;
					s->f.last_public_reply_at = now;
				}
			} else if (ev < 55) { /* an internal note */
				(void)hd_lifecycle_on_message(&s->lc, (enum hd_author)rnd(2),
							      HD_VIS_INTERNAL, now, &s->lc, NULL);
			} else if (ev < 80) { /* a status change, sometimes with a reason */
				enum hd_status to = (enum hd_status)rnd(HD_STATUS__COUNT);
				enum hd_close_reason r = rnd(3) ? (enum hd_close_reason)rnd(
									  HD_REASON__COUNT)
								: HD_REASON_NONE;

				if (to == HD_STATUS_CLOSED && rnd(4))
					r = HD_REASON_NONE; /* mostly refused: closing is rare */
				(void)hd_lifecycle_set_status(&s->lc, to, r, now, &s->lc, NULL);
			} else if (ev < 86) {
				(void)hd_lifecycle_confirm(&s->lc, (int)rnd(2), now, &s->lc, NULL);
			} else if (ev < 88) {
				(void)hd_lifecycle_autoclose(&s->lc, now, &s->lc, NULL);
			} else if (ev < 92) { /* the policy changes (or none applies) */
				uint64_t i = rnd(5);

				s->p = i < 4 ? &pol[i] : NULL;
			} /* else only time passes */
			sim_plan(s, now);
			plans++;
		}
		cycles += s->next_id;
	}
	printf("# %ld plans over %d random tickets, %ld cycles\n", plans, PROP_TICKETS, cycles);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(first_response_runs_from_creation_until_first_public_reply),
		cmocka_unit_test(first_response_met_or_breached_by_elapsed_time),
		cmocka_unit_test(first_response_cancelled_when_closed_without_reply),
		cmocka_unit_test(next_response_runs_from_unanswered_since),
		cmocka_unit_test(next_response_cancelled_at_close),
		cmocka_unit_test(periodic_update_restarts_at_each_reply),
		cmocka_unit_test(periodic_update_after_reopen_excludes_solved_time),
		cmocka_unit_test(resolution_pauses_while_solved_and_resumes_on_reopen),
		cmocka_unit_test(resolution_outcome_at_close),
		cmocka_unit_test(clocks_pause_in_pending_on_hold_and_solved),
		cmocka_unit_test(custom_pause_set),
		cmocka_unit_test(clock_paused_past_target_is_due_now),
		cmocka_unit_test(warn_at_is_due_minus_warn_min),
		cmocka_unit_test(business_hours_due_times),
		cmocka_unit_test(business_hours_across_dst),
		cmocka_unit_test(never_open_calendar_has_no_due_time),
		cmocka_unit_test(target_change_keeps_start_and_elapsed),
		cmocka_unit_test(business_to_calendar_time_keeps_business_elapsed),
		cmocka_unit_test(null_policy_cancels_running_clocks),
		cmocka_unit_test(elapsed_counts_since_running_since),
		cmocka_unit_test(clock_state_values),
		cmocka_unit_test(random_tickets_keep_clock_invariants),
	};

	return cmocka_run_group_tests_name("domain/sla", tests, setup, NULL);
}
