/*
 * test_metrics.c — the store's metrics (store/metrics.h) on a real SQLite
 * database: a store is opened in a temporary directory, the rows the
 * commitments engine would have written (responses, tickets' measurement
 * columns, ended SLA clocks, promises) are inserted with SQL on a second
 * connection, and every figure is checked against values worked out by
 * hand in the comments. Periods are checked at their bounds (from is in, to
 * is out), with every filter, every grouping, and both ways of reading
 * counts: from the rows, and from the daily tables of schema migration 4
 * (whole days from the table, partial days at the ends from the rows).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <ftw.h>
#include <sqlite3.h>
#include <sys/stat.h>

#include "store/metrics.h"

#define MIN ((int64_t)60000)
#define HOUR (60 * MIN)
#define DAY (24 * HOUR)
/* Monday 2026-01-05 00:00 UTC */
#define T0 ((int64_t)1767571200000)
#define NOW (T0 + 10 * DAY)

/* ids of the fixtures */
enum { TEAM_X = 1, TEAM_Y = 2, A1 = 11, A2 = 12 };

struct fx {
	char dir[64];
	struct hd_store *st;
	sqlite3 *db; /* a second connection, for the fixtures */
	struct hd_arena a;
};

/* ---- fixture ----------------------------------------------------------- */

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	return remove(path);
}

static void sql(struct fx *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sql(struct fx *f, const char *fmt, ...)
{
	char buf[2048], *msg = NULL;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (sqlite3_exec(f->db, buf, NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("%s: %s", buf, msg);
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	struct hd_store_opts o;
	struct hd_err err = { 0 };
	char path[128];

	memset(&o, 0, sizeof(o));
	o.readers = 4;
	o.cache_kib = 2048;
	snprintf(f->dir, sizeof(f->dir), "/tmp/heed-metrics-XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	o.data_dir = f->dir;
	if (hd_store_open(&f->st, &o, &err)) {
		print_error("open: %s\n", err.msg);
		return -1;
	}
	snprintf(path, sizeof(path), "%s/heed.db", f->dir);
	if (sqlite3_open(path, &f->db) != SQLITE_OK)
		return -1;
	sqlite3_busy_timeout(f->db, 5000);
	hd_arena_init(&f->a, 64 << 20);
	*state = f;
	sql(f, "INSERT INTO teams (id, name, created_at) VALUES (%d, 'X', 0), (%d, 'Y', 0);"
	       "INSERT INTO agents (id, name, email, role, created_at) VALUES"
	       " (%d, 'A1', 'a1@example.com', 'agent', 0), (%d, 'A2', 'a2@example.com', 'agent', 0);"
	       "INSERT INTO customers (id, name, created_at, updated_at) VALUES (1, 'C', 0, 0);",
	    TEAM_X, TEAM_Y, A1, A2);
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	sqlite3_close(f->db);
	hd_store_close(f->st);
	hd_arena_release(&f->a);
	nftw(f->dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	free(f);
	return 0;
}

/* Read every count from the rows: without the daily tables (and their
 * triggers) of schema migration 4, as the code falls back to. */
static void drop_daily_tables(struct fx *f)
{
	char *msg = NULL;

	if (sqlite3_exec(f->db,
			 "DROP TRIGGER sla_daily_ai; DROP TRIGGER sla_daily_au; DROP TRIGGER sla_daily_ad;"
			 "DROP TRIGGER close_daily_ai; DROP TRIGGER close_daily_au;"
			 "DROP TRIGGER close_daily_ad; DROP TABLE sla_daily; DROP TABLE close_daily;",
			 NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("dropping the daily tables: %s", msg);
}

static struct hd_metric_query query(unsigned which, int64_t from, int64_t to)
{
	struct hd_metric_query q;

	memset(&q, 0, sizeof(q));
	q.from = from;
	q.to = to;
	q.now = NOW;
	q.channel = q.priority = -1;
	q.business = 1;
	q.which = which;
	return q;
}

static struct hd_metrics run(struct fx *f, const struct hd_metric_query *q)
{
	struct hd_metrics m;
	struct hd_err err = { 0 };

	if (hd_store_metrics(f->st, q, &m, &f->a, &err))
		fail_msg("metrics: %s", err.msg);
	return m;
}

static void check_stats(const struct hd_stats *s, int64_t count, int64_t mean, int64_t median,
			int64_t p75, int64_t p90, int64_t min, int64_t max)
{
	assert_int_equal(s->count, count);
	assert_int_equal(s->mean, mean);
	assert_int_equal(s->median, median);
	assert_int_equal(s->p75, p75);
	assert_int_equal(s->p90, p90);
	assert_int_equal(s->min, min);
	assert_int_equal(s->max, max);
}

/* ---- fixtures ------------------------------------------------------------ */

static void response(struct fx *f, const char *kind, int64_t at, int64_t cal, int64_t bus,
		     int agent, int team, const char *channel, const char *priority)
{
	sql(f,
	    "INSERT INTO responses (ticket_id, at, kind, waited_cal, waited_bus, agent_id, team_id,"
	    " channel, priority) VALUES (1, %lld, '%s', %lld, %lld, nullif(%d, 0), nullif(%d, 0),"
	    " '%s', '%s')",
	    (long long)at, kind, (long long)cal, (long long)bus, agent, team, channel, priority);
}

/* First responses in [T0, T0 + 7d), business (calendar) ms:
 *   T0        60000 (60000)       A2 Y web normal
 *   T0+1h    300000 (600000)      A1 X email normal
 *   T0+1d+2h 1800000 (3600000)    A2 Y web high
 *   T0+2d    120000 (120000)      A1 X email urgent
 *   T0+3d         0 (7200000)     -  - chat low
 * and outside: T0-1, T0+7d. One next response in, one out. */
static void responses(struct fx *f)
{
	response(f, "first", T0, 60000, 60000, A2, TEAM_Y, "web", "normal");
	response(f, "first", T0 + HOUR, 600000, 300000, A1, TEAM_X, "email", "normal");
	response(f, "first", T0 + DAY + 2 * HOUR, 3600000, 1800000, A2, TEAM_Y, "web", "high");
	response(f, "first", T0 + 2 * DAY, 120000, 120000, A1, TEAM_X, "email", "urgent");
	response(f, "first", T0 + 3 * DAY, 7200000, 0, 0, 0, "chat", "low");
	response(f, "first", T0 - 1, 999, 999, A1, TEAM_X, "email", "normal");
	response(f, "first", T0 + 7 * DAY, 999, 999, A1, TEAM_X, "email", "normal");
	response(f, "next", T0 + 4 * HOUR, 300000, 200000, A1, TEAM_X, "email", "normal");
	response(f, "next", T0 + 8 * DAY, 5, 5, A1, TEAM_X, "email", "normal");
}

struct tk {
	int id;
	int64_t created;
	const char *status;
	int team, assignee;
	const char *channel, *priority;
	int64_t first_solved, solved, closed;
	const char *close_kind, *close_reason;
	int reopens;
	int64_t first_cal, first_bus, full_cal, full_bus; /* -1: NULL */
};

static void ticket(struct fx *f, const struct tk *t)
{
	int active = strcmp(t->status, "solved") && strcmp(t->status, "closed");

	sql(f,
	    "INSERT INTO tickets (id, subject, status, active, priority, channel, team_id,"
	    " assignee_id, customer_id, created_at, updated_at, first_solved_at, solved_at,"
	    " closed_at, close_kind, close_reason, reopen_count, first_res_cal, first_res_bus,"
	    " full_res_cal, full_res_bus) VALUES (%d, 's', '%s', %d, '%s', '%s', nullif(%d, 0),"
	    " nullif(%d, 0), 1, %lld, %lld, nullif(%lld, 0), nullif(%lld, 0), nullif(%lld, 0),"
	    " %s%s%s, %s%s%s, %d, nullif(%lld, -1), nullif(%lld, -1), nullif(%lld, -1),"
	    " nullif(%lld, -1))",
	    t->id, t->status, active, t->priority, t->channel, t->team, t->assignee,
	    (long long)t->created, (long long)t->created, (long long)t->first_solved,
	    (long long)t->solved, (long long)t->closed, t->close_kind ? "'" : "",
	    t->close_kind ? t->close_kind : "NULL", t->close_kind ? "'" : "",
	    t->close_reason ? "'" : "", t->close_reason ? t->close_reason : "NULL",
	    t->close_reason ? "'" : "", t->reopens, (long long)t->first_cal,
	    (long long)t->first_bus, (long long)t->full_cal, (long long)t->full_bus);
}

/* In [T0, T0 + 7d):
 *   first solves: T1 (bus 100000000), T2 (3000000), T3 (3600000)
 *   latest solves: T1 (100000000), T2 (90000000, reopened once), T4 (400000000, once)
 *   closes: T1 confirmed, T5 reason spam, T6 unconfirmed (T4 closes after)
 * Active now (T0 + 10d): T3 open 9d old, T7 new 30 min, T8 pending 2d,
 * T9 on hold 40d. */
static void tickets(struct fx *f)
{
	static const struct tk ts[] = {
		{ 101, T0 - 2 * DAY, "closed", TEAM_X, A1, "email", "normal", T0 + DAY, T0 + DAY,
		  T0 + 2 * DAY, "confirmed", NULL, 0, 259200000, 100000000, 259200000, 100000000 },
		{ 102, T0, "solved", TEAM_Y, A2, "web", "high", T0 + HOUR, T0 + 2 * DAY, 0, NULL,
		  NULL, 1, 3600000, 3000000, 172800000, 90000000 },
		{ 103, T0 + DAY, "open", TEAM_X, A1, "email", "urgent", T0 + DAY + HOUR, 0, 0,
		  NULL, NULL, 2, 3600000, 3600000, -1, -1 },
		{ 104, T0 - 10 * DAY, "closed", 0, 0, "chat", "low", T0 - 5 * DAY, T0 + 3 * DAY,
		  T0 + 8 * DAY, "unconfirmed", NULL, 1, 432000000, 200000000, 1123200000,
		  400000000 },
		{ 105, T0 + 2 * DAY, "closed", TEAM_Y, 0, "web", "normal", 0, 0,
		  T0 + 2 * DAY + 5 * MIN, "reason", "spam", 0, -1, -1, -1, -1 },
		{ 106, T0 - 4 * DAY, "closed", TEAM_X, A1, "email", "normal", T0 - 2 * DAY,
		  T0 - 2 * DAY, T0 + 5 * DAY, "unconfirmed", NULL, 0, 172800000, 50000000,
		  172800000, 50000000 },
		{ 107, NOW - 30 * MIN, "new", TEAM_Y, 0, "web", "normal", 0, 0, 0, NULL, NULL, 0,
		  -1, -1, -1, -1 },
		{ 108, NOW - 2 * DAY, "pending", TEAM_Y, A2, "web", "low", 0, 0, 0, NULL, NULL, 0,
		  -1, -1, -1, -1 },
		{ 109, NOW - 40 * DAY, "on_hold", 0, 0, "phone", "normal", 0, 0, 0, NULL, NULL, 0,
		  -1, -1, -1, -1 },
	};

	for (size_t i = 0; i < sizeof(ts) / sizeof(ts[0]); i++)
		ticket(f, &ts[i]);
}

static void clock(struct fx *f, const char *metric, const char *outcome, int64_t ended,
		  int team, int assignee, const char *channel, const char *priority)
{
	sql(f,
	    "INSERT INTO sla_clocks (ticket_id, metric, target_min, business, started_at,"
	    " ended_at, outcome, team_id, assignee_id, channel, priority) VALUES (1, '%s', 60, 1,"
	    " 0, nullif(%lld, 0), %s%s%s, nullif(%d, 0), nullif(%d, 0), '%s', '%s')",
	    metric, (long long)ended, outcome ? "'" : "", outcome ? outcome : "NULL",
	    outcome ? "'" : "", team, assignee, channel, priority);
}

/* Ended clocks; see test_sla for which fall in which period. */
static void clocks(struct fx *f)
{
	clock(f, "first_response", "met", T0 + HOUR, TEAM_X, A1, "email", "normal");
	clock(f, "first_response", "breached", T0 + DAY + 2 * HOUR, TEAM_Y, A2, "web", "high");
	clock(f, "first_response", "cancelled", T0 + 2 * DAY, TEAM_Y, 0, "web", "normal");
	clock(f, "next_response", "met", T0 + 4 * HOUR, TEAM_X, A1, "email", "normal");
	clock(f, "resolution", "met", T0 + 2 * DAY, TEAM_X, A1, "email", "normal");
	clock(f, "resolution", "breached", T0 + 5 * DAY, TEAM_Y, A2, "web", "high");
	clock(f, "periodic_update", "met", T0 + 6 * DAY + 23 * HOUR, TEAM_X, A1, "email", "low");
	clock(f, "first_response", "met", T0 - 1, TEAM_X, A1, "email", "normal");
	clock(f, "first_response", NULL, 0, TEAM_X, A1, "email", "normal"); /* running */
	clock(f, "first_response", "met", T0 + 5 * DAY + 30 * MIN, 0, 0, "chat", "low");
}

static void promise(struct fx *f, int ticket, const char *status, int64_t due, int64_t resolved,
		    int agent, int team)
{
	sql(f,
	    "INSERT INTO promises (ticket_id, kind, due_at, owner_agent_id, owner_team_id,"
	    " requested_by, status, created_at, resolved_at) VALUES (%d, 'callback', %lld,"
	    " nullif(%d, 0), nullif(%d, 0), 'agent', '%s', 0, nullif(%lld, 0))",
	    ticket, (long long)due, agent, team, status, (long long)resolved);
}

/* In [T0, T0 + 7d): kept (X, A1, on T1 email), broken (Y, A2, on T2 web);
 * kept after it. Open and past due now: on T3 (X, A1, email) and on T5 (Y,
 * no agent, web); open and due tomorrow: not overdue. */
static void promises(struct fx *f)
{
	promise(f, 101, "kept", T0 + DAY, T0 + DAY, A1, TEAM_X);
	promise(f, 102, "broken", T0 + 2 * DAY, T0 + 2 * DAY, A2, TEAM_Y);
	promise(f, 101, "kept", T0 + 8 * DAY, T0 + 8 * DAY, A1, TEAM_X);
	promise(f, 103, "open", NOW - HOUR, 0, A1, TEAM_X);
	promise(f, 103, "open", NOW + DAY, 0, A1, TEAM_X);
	promise(f, 105, "open", NOW - 3 * DAY, 0, 0, TEAM_Y);
}

/* ---- tests --------------------------------------------------------------- */

static void test_empty_desk(void **state)
{
	struct fx *f = *state;
	struct hd_metric_query q = query(HD_M_ALL, T0, T0 + 7 * DAY);
	struct hd_metrics m;

	m = run(f, &q);
	assert_int_equal(m.ngroups, 0);
	assert_int_equal(m.total.first_response.count, 0);
	assert_int_equal(m.total.full_resolution.count, 0);
	assert_int_equal(m.total.sla.met[0] + m.total.sla.breached[3], 0);
	assert_int_equal(m.total.backlog.total, 0);
	assert_int_equal(m.total.promises.overdue, 0);
	assert_true(m.total.has_now);
	q.group = HD_MG_TEAM;
	m = run(f, &q);
	assert_int_equal(m.ngroups, 0);
}

static void test_first_response(void **state)
{
	struct fx *f = *state;
	struct hd_metric_query q = query(HD_M_FIRST_RESPONSE | HD_M_NEXT_RESPONSE, T0, T0 + 7 * DAY);
	struct hd_metrics m;

	responses(f);
	/* business: 0 60000 120000 300000 1800000; mean 2280000 / 5 */
	m = run(f, &q);
	check_stats(&m.total.first_response, 5, 456000, 120000, 300000, 1800000, 0, 1800000);
	assert_int_equal(m.total.first_response.p95, 1800000);
	assert_int_equal(m.total.first_response.p99, 1800000);
	check_stats(&m.total.next_response, 1, 200000, 200000, 200000, 200000, 200000, 200000);
	/* calendar: 60000 120000 600000 3600000 7200000 */
	q.business = 0;
	m = run(f, &q);
	check_stats(&m.total.first_response, 5, 2316000, 600000, 3600000, 7200000, 60000,
		    7200000);
	q.business = 1;
	/* filters */
	q.team_id = TEAM_X; /* 300000 120000 */
	m = run(f, &q);
	check_stats(&m.total.first_response, 2, 210000, 120000, 300000, 300000, 120000, 300000);
	q.team_id = -1; /* none: 0 */
	m = run(f, &q);
	check_stats(&m.total.first_response, 1, 0, 0, 0, 0, 0, 0);
	q.team_id = 0;
	q.agent_id = A2; /* 60000 1800000 */
	m = run(f, &q);
	check_stats(&m.total.first_response, 2, 930000, 60000, 1800000, 1800000, 60000, 1800000);
	assert_int_equal(m.total.next_response.count, 0);
	q.agent_id = 0;
	q.channel = HD_CHANNEL_WEB;
	q.priority = HD_PRIORITY_HIGH;
	m = run(f, &q);
	check_stats(&m.total.first_response, 1, 1800000, 1800000, 1800000, 1800000, 1800000,
		    1800000);
	q.channel = q.priority = -1;
	/* the bounds: from is in, to is out */
	q.from = T0 + HOUR;
	q.to = T0 + 2 * DAY;
	m = run(f, &q);
	check_stats(&m.total.first_response, 2, 1050000, 300000, 1800000, 1800000, 300000,
		    1800000);
}

static void test_first_response_groups(void **state)
{
	struct fx *f = *state;
	struct hd_metric_query q = query(HD_M_FIRST_RESPONSE, T0, T0 + 7 * DAY);
	struct hd_metrics m;

	responses(f);
	q.group = HD_MG_TEAM; /* none, X, Y */
	m = run(f, &q);
	assert_int_equal(m.ngroups, 3);
	assert_int_equal(m.groups[0].key, 0);
	check_stats(&m.groups[0].first_response, 1, 0, 0, 0, 0, 0, 0);
	assert_int_equal(m.groups[1].key, TEAM_X);
	assert_int_equal(m.groups[1].first_response.median, 120000);
	assert_int_equal(m.groups[2].key, TEAM_Y);
	assert_int_equal(m.groups[2].first_response.median, 60000);
	assert_int_equal(m.total.first_response.count, 5); /* the total is still all of them */
	q.group = HD_MG_AGENT;
	m = run(f, &q);
	assert_int_equal(m.ngroups, 3);
	assert_int_equal(m.groups[1].key, A1);
	assert_int_equal(m.groups[2].key, A2);
	q.group = HD_MG_CHANNEL; /* email, web, chat in enum order */
	m = run(f, &q);
	assert_int_equal(m.ngroups, 3);
	assert_int_equal(m.groups[0].key, HD_CHANNEL_EMAIL);
	assert_int_equal(m.groups[1].key, HD_CHANNEL_WEB);
	assert_int_equal(m.groups[2].key, HD_CHANNEL_CHAT);
	assert_int_equal(m.groups[2].first_response.count, 1);
	q.group = HD_MG_PRIORITY; /* low, normal, high, urgent */
	m = run(f, &q);
	assert_int_equal(m.ngroups, 4);
	assert_int_equal(m.groups[1].key, HD_PRIORITY_NORMAL);
	assert_int_equal(m.groups[1].first_response.count, 2);
	q.group = HD_MG_DAY; /* T0: 60000 300000; then one a day */
	m = run(f, &q);
	assert_int_equal(m.ngroups, 4);
	assert_int_equal(m.groups[0].key, T0);
	check_stats(&m.groups[0].first_response, 2, 180000, 60000, 300000, 300000, 60000, 300000);
	assert_int_equal(m.groups[3].key, T0 + 3 * DAY);
	assert_false(m.groups[0].has_now);
	q.group = HD_MG_WEEK; /* T0 is a Monday */
	q.from = T0 - 3 * DAY;
	m = run(f, &q);
	assert_int_equal(m.ngroups, 2);
	assert_int_equal(m.groups[0].key, T0 - 7 * DAY);
	assert_int_equal(m.groups[0].first_response.count, 1); /* T0 - 1 */
	assert_int_equal(m.groups[1].key, T0);
	assert_int_equal(m.groups[1].first_response.count, 5);
}

static void test_resolution_reopens(void **state)
{
	struct fx *f = *state;
	struct hd_metric_query q = query(HD_M_FIRST_RESOLUTION | HD_M_FULL_RESOLUTION |
						 HD_M_REOPENS,
					 T0, T0 + 7 * DAY);
	struct hd_metrics m;

	tickets(f);
	m = run(f, &q);
	/* first: 3000000 3600000 100000000 */
	check_stats(&m.total.first_resolution, 3, 35533333, 3600000, 100000000, 100000000,
		    3000000, 100000000);
	/* full: 90000000 100000000 400000000 */
	check_stats(&m.total.full_resolution, 3, 196666667, 100000000, 400000000, 400000000,
		    90000000, 400000000);
	assert_int_equal(m.total.reopens.solved, 3);
	assert_int_equal(m.total.reopens.reopened, 2);
	assert_int_equal(m.total.reopens.reopens, 2);
	q.business = 0; /* full, calendar: 172800000 259200000 1123200000 */
	m = run(f, &q);
	assert_int_equal(m.total.full_resolution.median, 259200000);
	q.business = 1;
	q.team_id = TEAM_X; /* first: T1, T3; full: T1 */
	m = run(f, &q);
	assert_int_equal(m.total.first_resolution.count, 2);
	assert_int_equal(m.total.first_resolution.median, 3600000);
	assert_int_equal(m.total.full_resolution.count, 1);
	assert_int_equal(m.total.reopens.reopened, 0);
	q.team_id = 0;
	q.group = HD_MG_AGENT; /* none (T4), A1 (T1; T1 T3), A2 (T2) */
	m = run(f, &q);
	assert_int_equal(m.ngroups, 3);
	assert_int_equal(m.groups[0].key, 0);
	assert_int_equal(m.groups[0].full_resolution.count, 1);
	assert_int_equal(m.groups[0].first_resolution.count, 0);
	assert_int_equal(m.groups[0].reopens.reopened, 1);
	assert_int_equal(m.groups[1].first_resolution.count, 2);
	assert_int_equal(m.groups[2].reopens.reopens, 1);
}

static void check_closes(struct fx *f)
{
	struct hd_metric_query q = query(HD_M_CLOSES, T0, T0 + 7 * DAY);
	struct hd_metrics m;

	m = run(f, &q);
	assert_int_equal(m.total.closes.confirmed, 1);
	assert_int_equal(m.total.closes.unconfirmed, 1);
	assert_int_equal(m.total.closes.reason, 1);
	assert_int_equal(m.total.closes.spam, 1);
	assert_int_equal(m.total.closes.duplicate + m.total.closes.merged, 0);
	q.to = T0 + 8 * DAY + 1; /* T4 too */
	m = run(f, &q);
	assert_int_equal(m.total.closes.unconfirmed, 2);
	q.to = T0 + 7 * DAY;
	q.channel = HD_CHANNEL_WEB; /* T5 */
	m = run(f, &q);
	assert_int_equal(m.total.closes.reason, 1);
	assert_int_equal(m.total.closes.confirmed + m.total.closes.unconfirmed, 0);
	q.channel = -1;
	q.agent_id = -1; /* no assignee: T5 */
	m = run(f, &q);
	assert_int_equal(m.total.closes.spam, 1);
	assert_int_equal(m.total.closes.confirmed + m.total.closes.unconfirmed, 0);
	q.agent_id = 0;
	q.group = HD_MG_DAY; /* T0+2d: T1 and T5; T0+5d: T6 */
	m = run(f, &q);
	assert_int_equal(m.ngroups, 2);
	assert_int_equal(m.groups[0].key, T0 + 2 * DAY);
	assert_int_equal(m.groups[0].closes.confirmed, 1);
	assert_int_equal(m.groups[0].closes.spam, 1);
	assert_int_equal(m.groups[1].key, T0 + 5 * DAY);
	assert_int_equal(m.groups[1].closes.unconfirmed, 1);
	/* a period of partial days: [T0 + 2d + 1 min, T0 + 5d + 1 h) */
	q = query(HD_M_CLOSES, T0 + 2 * DAY + MIN, T0 + 5 * DAY + HOUR);
	m = run(f, &q);
	assert_int_equal(m.total.closes.confirmed, 0);
	assert_int_equal(m.total.closes.spam, 1);
	assert_int_equal(m.total.closes.unconfirmed, 1);
}

static void test_closes(void **state)
{
	struct fx *f = *state;

	drop_daily_tables(f);
	tickets(f);
	check_closes(f);
}

static void test_closes_daily(void **state)
{
	struct fx *f = *state;

	tickets(f);
	check_closes(f);
	/* the triggers follow a change of team after the close */
	sql(f, "UPDATE tickets SET team_id = %d WHERE id = 105", TEAM_X);
	{
		struct hd_metric_query q = query(HD_M_CLOSES, T0, T0 + 7 * DAY);
		struct hd_metrics m;

		q.team_id = TEAM_X;
		m = run(f, &q);
		assert_int_equal(m.total.closes.spam, 1);
		assert_int_equal(m.total.closes.confirmed, 1);
		q.team_id = TEAM_Y;
		m = run(f, &q);
		assert_int_equal(m.total.closes.spam, 0);
	}
}

static void check_sla(struct fx *f)
{
	struct hd_metric_query q = query(HD_M_SLA, T0, T0 + 7 * DAY);
	struct hd_metrics m;

	/* whole days: first met 2 (T0+1h, T0+5d+30m), breached 1, cancelled 1;
	 * next met 1; periodic met 1; resolution met 1, breached 1 */
	m = run(f, &q);
	assert_int_equal(m.total.sla.met[0], 2);
	assert_int_equal(m.total.sla.breached[0], 1);
	assert_int_equal(m.total.sla.cancelled[0], 1);
	assert_int_equal(m.total.sla.met[1], 1);
	assert_int_equal(m.total.sla.met[2], 1);
	assert_int_equal(m.total.sla.met[3], 1);
	assert_int_equal(m.total.sla.breached[3], 1);
	/* partial days: [T0 + 3h, T0 + 5d + 1h) drops T0+1h and T0+6d+23h */
	q.from = T0 + 3 * HOUR;
	q.to = T0 + 5 * DAY + HOUR;
	m = run(f, &q);
	assert_int_equal(m.total.sla.met[0], 1);
	assert_int_equal(m.total.sla.breached[0], 1);
	assert_int_equal(m.total.sla.met[1], 1);
	assert_int_equal(m.total.sla.met[2], 0);
	assert_int_equal(m.total.sla.breached[3], 1);
	/* filters and groups */
	q = query(HD_M_SLA, T0, T0 + 7 * DAY);
	q.team_id = TEAM_X; /* first met, next met, resolution met, periodic met */
	m = run(f, &q);
	assert_int_equal(m.total.sla.met[0] + m.total.sla.met[1] + m.total.sla.met[2] +
				 m.total.sla.met[3],
			 4);
	assert_int_equal(m.total.sla.breached[0] + m.total.sla.breached[3], 0);
	q.team_id = -1; /* none: T0+5d+30m */
	m = run(f, &q);
	assert_int_equal(m.total.sla.met[0], 1);
	q.team_id = 0;
	q.agent_id = -1; /* no assignee: the cancelled one and T0+5d+30m */
	m = run(f, &q);
	assert_int_equal(m.total.sla.met[0], 1);
	assert_int_equal(m.total.sla.cancelled[0], 1);
	q.agent_id = 0;
	q.priority = HD_PRIORITY_HIGH;
	m = run(f, &q);
	assert_int_equal(m.total.sla.breached[0], 1);
	assert_int_equal(m.total.sla.breached[3], 1);
	assert_int_equal(m.total.sla.met[0], 0);
	q.priority = -1;
	q.group = HD_MG_CHANNEL; /* email, web, chat */
	m = run(f, &q);
	assert_int_equal(m.ngroups, 3);
	assert_int_equal(m.groups[0].key, HD_CHANNEL_EMAIL);
	assert_int_equal(m.groups[0].sla.met[0], 1);
	assert_int_equal(m.groups[1].key, HD_CHANNEL_WEB);
	assert_int_equal(m.groups[1].sla.cancelled[0], 1);
	assert_int_equal(m.groups[2].key, HD_CHANNEL_CHAT);
	q.group = HD_MG_WEEK;
	q.from = T0 + 3 * HOUR;
	m = run(f, &q);
	assert_int_equal(m.ngroups, 1);
	assert_int_equal(m.groups[0].key, T0);
	assert_int_equal(m.groups[0].sla.met[0], 1);
	assert_int_equal(m.groups[0].sla.met[2], 1);
	q.group = HD_MG_DAY;
	m = run(f, &q);
	assert_int_equal(m.ngroups, 5); /* T0, +1d, +2d, +5d, +6d */
	assert_int_equal(m.groups[0].key, T0);
	assert_int_equal(m.groups[0].sla.met[1], 1);
	assert_int_equal(m.groups[0].sla.met[0], 0);
	assert_int_equal(m.groups[3].key, T0 + 5 * DAY);
	assert_int_equal(m.groups[3].sla.breached[3], 1);
}

static void test_sla(void **state)
{
	struct fx *f = *state;

	drop_daily_tables(f);
	clocks(f);
	check_sla(f);
}

static void test_sla_daily(void **state)
{
	struct fx *f = *state;

	clocks(f);
	check_sla(f);
	/* the triggers follow an outcome changed and a clock removed */
	sql(f, "UPDATE sla_clocks SET outcome = 'breached' WHERE ended_at = %lld",
	    (long long)(T0 + HOUR));
	sql(f, "DELETE FROM sla_clocks WHERE ended_at = %lld", (long long)(T0 + 4 * HOUR));
	{
		struct hd_metric_query q = query(HD_M_SLA, T0, T0 + 7 * DAY);
		struct hd_metrics m = run(f, &q);

		assert_int_equal(m.total.sla.met[0], 1);
		assert_int_equal(m.total.sla.breached[0], 2);
		assert_int_equal(m.total.sla.met[1], 0);
	}
}

static void test_promises(void **state)
{
	struct fx *f = *state;
	struct hd_metric_query q = query(HD_M_PROMISES, T0, T0 + 7 * DAY);
	struct hd_metrics m;

	tickets(f);
	promises(f);
	m = run(f, &q);
	assert_int_equal(m.total.promises.kept, 1);
	assert_int_equal(m.total.promises.broken, 1);
	assert_int_equal(m.total.promises.overdue, 2);
	q.team_id = TEAM_X;
	m = run(f, &q);
	assert_int_equal(m.total.promises.kept, 1);
	assert_int_equal(m.total.promises.broken, 0);
	assert_int_equal(m.total.promises.overdue, 1);
	q.team_id = 0;
	q.agent_id = -1; /* the team-owned one */
	m = run(f, &q);
	assert_int_equal(m.total.promises.kept + m.total.promises.broken, 0);
	assert_int_equal(m.total.promises.overdue, 1);
	q.agent_id = 0;
	q.channel = HD_CHANNEL_WEB; /* the ticket's channel: T2 and T5 */
	m = run(f, &q);
	assert_int_equal(m.total.promises.broken, 1);
	assert_int_equal(m.total.promises.overdue, 1);
	q.channel = -1;
	q.group = HD_MG_TEAM;
	m = run(f, &q);
	assert_int_equal(m.ngroups, 2);
	assert_int_equal(m.groups[0].key, TEAM_X);
	assert_int_equal(m.groups[0].promises.overdue, 1);
	assert_true(m.groups[0].has_now);
	q.group = HD_MG_DAY; /* overdue is now: only in the total */
	m = run(f, &q);
	assert_int_equal(m.ngroups, 2);
	assert_int_equal(m.groups[0].promises.kept, 1);
	assert_int_equal(m.groups[0].promises.overdue, 0);
	assert_false(m.groups[0].has_now);
	assert_int_equal(m.total.promises.overdue, 2);
}

static void test_backlog(void **state)
{
	struct fx *f = *state;
	struct hd_metric_query q = query(HD_M_BACKLOG, T0, T0 + 7 * DAY);
	struct hd_metrics m;

	tickets(f);
	m = run(f, &q);
	assert_int_equal(m.total.backlog.total, 4);
	assert_int_equal(m.total.backlog.by_status[HD_STATUS_NEW], 1);
	assert_int_equal(m.total.backlog.by_status[HD_STATUS_OPEN], 1);
	assert_int_equal(m.total.backlog.by_status[HD_STATUS_PENDING], 1);
	assert_int_equal(m.total.backlog.by_status[HD_STATUS_ON_HOLD], 1);
	assert_int_equal(m.total.backlog.by_age[HD_AGE_1H], 1);
	assert_int_equal(m.total.backlog.by_age[HD_AGE_3D], 1);
	assert_int_equal(m.total.backlog.by_age[HD_AGE_30D], 1);
	assert_int_equal(m.total.backlog.by_age[HD_AGE_OLD], 1);
	assert_int_equal(m.total.backlog.by_age[HD_AGE_8H] + m.total.backlog.by_age[HD_AGE_24H] +
				 m.total.backlog.by_age[HD_AGE_7D],
			 0);
	q.team_id = TEAM_Y; /* T7, T8 */
	m = run(f, &q);
	assert_int_equal(m.total.backlog.total, 2);
	q.team_id = 0;
	q.group = HD_MG_PRIORITY; /* low T8, normal T7 T9, urgent T3 */
	m = run(f, &q);
	assert_int_equal(m.ngroups, 3);
	assert_int_equal(m.groups[0].key, HD_PRIORITY_LOW);
	assert_int_equal(m.groups[1].backlog.total, 2);
	assert_int_equal(m.groups[2].key, HD_PRIORITY_URGENT);
	assert_int_equal(m.groups[2].backlog.by_status[HD_STATUS_OPEN], 1);
	q.group = HD_MG_DAY; /* the backlog is now: no day groups */
	m = run(f, &q);
	assert_int_equal(m.ngroups, 0);
	assert_int_equal(m.total.backlog.total, 4);
}

static void test_everything_at_once(void **state)
{
	struct fx *f = *state;
	struct hd_metric_query q = query(HD_M_ALL, T0, T0 + 7 * DAY);
	struct hd_metrics m;

	responses(f);
	tickets(f);
	clocks(f);
	promises(f);
	q.group = HD_MG_TEAM;
	m = run(f, &q);
	/* the union of every source's groups: none, X, Y */
	assert_int_equal(m.ngroups, 3);
	assert_int_equal(m.total.first_response.count, 5);
	assert_int_equal(m.total.full_resolution.count, 3);
	assert_int_equal(m.total.closes.confirmed, 1);
	assert_int_equal(m.total.sla.met[0], 2);
	assert_int_equal(m.total.promises.overdue, 2);
	assert_int_equal(m.total.backlog.total, 4);
	assert_int_equal(m.groups[1].key, TEAM_X);
	assert_int_equal(m.groups[1].first_response.count, 2);
	assert_int_equal(m.groups[1].backlog.total, 1);
	assert_int_equal(m.groups[1].promises.overdue, 1);
	assert_int_equal(m.groups[2].closes.spam, 1);
}

static void test_names(void **state)
{
	(void)state;
	assert_int_equal(hd_metric_group_parse("week"), HD_MG_WEEK);
	assert_int_equal(hd_metric_group_parse("none"), HD_MG_NONE);
	assert_int_equal(hd_metric_group_parse("month"), -1);
	assert_int_equal(hd_metric_group_parse(NULL), -1);
	assert_string_equal(hd_metric_group_name(HD_MG_AGENT), "agent");
	assert_string_equal(hd_metric_age_name(HD_AGE_OLD), "over_30d");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test_setup_teardown(test_empty_desk, setup, teardown),
		cmocka_unit_test_setup_teardown(test_first_response, setup, teardown),
		cmocka_unit_test_setup_teardown(test_first_response_groups, setup, teardown),
		cmocka_unit_test_setup_teardown(test_resolution_reopens, setup, teardown),
		cmocka_unit_test_setup_teardown(test_closes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_closes_daily, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sla, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sla_daily, setup, teardown),
		cmocka_unit_test_setup_teardown(test_promises, setup, teardown),
		cmocka_unit_test_setup_teardown(test_backlog, setup, teardown),
		cmocka_unit_test_setup_teardown(test_everything_at_once, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
