/*
 * seed_metrics.c — a worked history for seeded tickets (heed seed --days),
 * so that the metrics (store/metrics.h) have realistic data to read.
 *
 * For each ticket of a seeding batch it plays a plausible life from the
 * ticket's creation up to `now`, with a deterministic generator: a first
 * reply after a wait drawn from a long-tailed mix (minutes mostly, days
 * sometimes, faster for urgent tickets), zero to three rounds of customer
 * follow-up and agent reply, a solve, sometimes a reopen and a second
 * solve, and a close — confirmed by the customer or unconfirmed after the
 * grace period; 3% of tickets are closed at once as spam, duplicates or
 * merged. Whatever would happen after `now` has not happened yet: such
 * tickets are still new, open, pending or on hold (the backlog).
 *
 * It writes what the commitments engine would have written: the ticket's
 * status and measurement columns, one `responses` row per agent reply that
 * answered the customer, ended `sla_clocks` rows (targets by priority) and
 * a promise on 6% of the tickets. Business time is approximated from
 * calendar time (a share of it, smaller for long waits, as nights and
 * weekends pass); no calendar is consulted. Never used outside seeding.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/sqlite/internal.h"
#include "util/banned.h"

#define MIN_MS ((int64_t)60000)
#define HOUR_MS (60 * MIN_MS)
#define DAY_MS (24 * HOUR_MS)
#define AGENTS_PER_TEAM 5
#define MAX_TEAMS 64
#define GRACE_MS (7 * DAY_MS)

struct seed_ticket {
	int64_t id, created, team;
	int prio; /* 0 low .. 3 urgent */
};

/* What the simulation decided for one ticket. */
struct life {
	const char *status, *channel, *close_kind, *close_reason;
	int64_t assignee, first_response_at, first_solved_at, solved_at, closed_at;
	int64_t frt[2], first_res[2], full_res[2]; /* [calendar, business]; -1: none */
	int reopens;
};

struct sim {
	struct hd_conn *c;
	uint64_t *rng;
	int64_t now;
	int64_t teams[MAX_TEAMS];
	int64_t agents[MAX_TEAMS][AGENTS_PER_TEAM];
	int nteams;
};

static const char *const prio_names[] = { "low", "normal", "high", "urgent" };
/* SLA targets in business minutes by priority (low .. urgent) */
static const int64_t target_first[] = { 1440, 480, 240, 60 };
static const int64_t target_next[] = { 480, 240, 120, 60 };
static const int64_t target_resolution[] = { 5760, 2880, 1440, 480 };

static uint64_t rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* Uniform in [lo, hi). */
static int64_t between(struct sim *m, int64_t lo, int64_t hi)
{
	return lo + (int64_t)(rnd(m->rng) % (uint64_t)(hi - lo));
}

static int chance(struct sim *m, int percent)
{
	return (int)(rnd(m->rng) % 100) < percent;
}

/* Business time of a calendar wait: most of a short one, a third or so of
 * a long one (nights and weekends). */
static int64_t business(struct sim *m, int64_t cal)
{
	return cal < 8 * HOUR_MS ? cal * between(m, 50, 101) / 100 : cal * between(m, 22, 46) / 100;
}

/* How long an agent takes to answer: long-tailed, faster when urgent. */
static int64_t reply_wait(struct sim *m, int prio, int first)
{
	int r = (int)(rnd(m->rng) % 1000);
	int64_t w;

	if (r < 550)
		w = between(m, 2 * MIN_MS, 60 * MIN_MS);
	else if (r < 800)
		w = between(m, HOUR_MS, 4 * HOUR_MS);
	else if (r < 930)
		w = between(m, 4 * HOUR_MS, 16 * HOUR_MS);
	else if (r < 990)
		w = between(m, 16 * HOUR_MS, 2 * DAY_MS);
	else
		w = between(m, 2 * DAY_MS, 6 * DAY_MS);
	if (!first)
		w = w * 2 / 3;
	return prio == 3 ? w / 4 : prio == 2 ? w / 2 : prio == 0 ? w * 3 / 2 : w;
}

static const char *pick_channel(struct sim *m)
{
	int r = (int)(rnd(m->rng) % 100);

	return r < 45 ? "email" : r < 70 ? "web" : r < 82 ? "chat" : r < 92 ? "phone" : r < 97 ? "api"
												      : "social";
}

/* ---- writing ------------------------------------------------------------------ */

static int step_done(struct hd_conn *c, sqlite3_stmt *s, struct hd_err *err)
{
	int rc = sqlite3_step(s) == SQLITE_DONE ? 0 : hd_db_error(c, sqlite3_errcode(c->db), err);

	hd_db_done(s);
	return rc;
}

static int put_response(struct sim *m, const struct seed_ticket *t, const struct life *l,
			int64_t at, const char *kind, int64_t waited, struct hd_err *err)
{
	sqlite3_stmt *s = hd_db_stmt(m->c,
				     "INSERT INTO responses (ticket_id, at, kind, waited_cal, "
				     "waited_bus, agent_id, team_id, channel, priority) VALUES "
				     "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
				     err);

	if (!s)
		return HD_EIO;
	sqlite3_bind_int64(s, 1, t->id);
	sqlite3_bind_int64(s, 2, at);
	sqlite3_bind_text(s, 3, kind, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 4, waited);
	sqlite3_bind_int64(s, 5, business(m, waited));
	hd_db_bind_id(s, 6, l->assignee);
	hd_db_bind_id(s, 7, t->team);
	sqlite3_bind_text(s, 8, l->channel, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 9, prio_names[t->prio], -1, SQLITE_STATIC);
	return step_done(m->c, s, err);
}

/* An SLA clock of `metric` that ran from `start` to `end` (business ms
 * `used`) against `target` minutes; `outcome` NULL: met or breached by the
 * time used. */
static int put_clock(struct sim *m, const struct seed_ticket *t, const struct life *l,
		     const char *metric, int64_t start, int64_t end, int64_t used, int64_t target,
		     const char *outcome, struct hd_err *err)
{
	sqlite3_stmt *s = hd_db_stmt(m->c,
				     "INSERT INTO sla_clocks (ticket_id, metric, target_min, business, "
				     "started_at, elapsed_ms, due_at, breached_at, ended_at, outcome, "
				     "team_id, assignee_id, channel, priority) VALUES (?1, ?2, ?3, 1, "
				     "?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
				     err);
	int breached = used > target * MIN_MS;

	if (!s)
		return HD_EIO;
	sqlite3_bind_int64(s, 1, t->id);
	sqlite3_bind_text(s, 2, metric, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 3, target);
	sqlite3_bind_int64(s, 4, start);
	sqlite3_bind_int64(s, 5, used);
	sqlite3_bind_int64(s, 6, start + target * MIN_MS);
	if (!outcome && breached)
		sqlite3_bind_int64(s, 7, start + target * MIN_MS);
	sqlite3_bind_int64(s, 8, end);
	sqlite3_bind_text(s, 9, outcome ? outcome : breached ? "breached" : "met", -1,
			  SQLITE_STATIC);
	hd_db_bind_id(s, 10, t->team);
	hd_db_bind_id(s, 11, l->assignee);
	sqlite3_bind_text(s, 12, l->channel, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 13, prio_names[t->prio], -1, SQLITE_STATIC);
	return step_done(m->c, s, err);
}

static int put_promise(struct sim *m, const struct seed_ticket *t, const struct life *l,
		       int64_t made, struct hd_err *err)
{
	static const char *const kinds[] = { "callback", "update", "fix", "other" };
	int64_t due = made + between(m, 2 * HOUR_MS, 3 * DAY_MS), resolved = 0;
	const char *status = "open";
	sqlite3_stmt *s;
	int r = (int)(rnd(m->rng) % 100);

	if (r < 82) {
		status = "kept";
		resolved = between(m, made, due);
	} else if (r < 95) {
		status = "broken";
		resolved = due + between(m, MIN_MS, DAY_MS);
	}
	if (resolved >= m->now) { /* not resolved yet */
		status = "open";
		resolved = 0;
	}
	s = hd_db_stmt(m->c,
		       "INSERT INTO promises (ticket_id, kind, description, due_at, owner_agent_id, "
		       "owner_team_id, requested_by, status, created_at, resolved_at) VALUES (?1, "
		       "?2, 'seeded', ?3, ?4, ?5, 'agent', ?6, ?7, ?8)",
		       err);
	if (!s)
		return HD_EIO;
	sqlite3_bind_int64(s, 1, t->id);
	sqlite3_bind_text(s, 2, kinds[rnd(m->rng) % 4], -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 3, due);
	hd_db_bind_id(s, 4, l->assignee);
	hd_db_bind_id(s, 5, t->team);
	sqlite3_bind_text(s, 6, status, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 7, made);
	hd_db_bind_id(s, 8, resolved);
	return step_done(m->c, s, err);
}

static int put_ticket(struct sim *m, const struct seed_ticket *t, const struct life *l,
		      struct hd_err *err)
{
	sqlite3_stmt *s = hd_db_stmt(m->c,
				     "UPDATE tickets SET status = ?2, active = ?3, channel = ?4, "
				     "assignee_id = ?5, first_response_at = ?6, first_solved_at = ?7, "
				     "solved_at = ?8, closed_at = ?9, close_kind = ?10, "
				     "close_reason = ?11, reopen_count = ?12, frt_cal = ?13, "
				     "frt_bus = ?14, first_res_cal = ?15, first_res_bus = ?16, "
				     "full_res_cal = ?17, full_res_bus = ?18 WHERE id = ?1",
				     err);
	int active = strcmp(l->status, "solved") && strcmp(l->status, "closed");

	if (!s)
		return HD_EIO;
	sqlite3_bind_int64(s, 1, t->id);
	sqlite3_bind_text(s, 2, l->status, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 3, active);
	sqlite3_bind_text(s, 4, l->channel, -1, SQLITE_STATIC);
	hd_db_bind_id(s, 5, l->assignee);
	hd_db_bind_id(s, 6, l->first_response_at);
	hd_db_bind_id(s, 7, l->first_solved_at);
	hd_db_bind_id(s, 8, l->solved_at);
	hd_db_bind_id(s, 9, l->closed_at);
	hd_db_bind_text(s, 10, l->close_kind);
	hd_db_bind_text(s, 11, l->close_reason);
	sqlite3_bind_int(s, 12, l->reopens);
	for (int i = 0; i < 2; i++) {
		if (l->frt[i] >= 0)
			sqlite3_bind_int64(s, 13 + i, l->frt[i]);
		if (l->first_res[i] >= 0)
			sqlite3_bind_int64(s, 15 + i, l->first_res[i]);
		if (l->full_res[i] >= 0)
			sqlite3_bind_int64(s, 17 + i, l->full_res[i]);
	}
	return step_done(m->c, s, err);
}

/* ---- one ticket's life ----------------------------------------------------------- */

/* Solved at `at`: the resolution figures. */
static void solved(struct sim *m, const struct seed_ticket *t, struct life *l, int64_t at)
{
	if (!l->first_solved_at) {
		l->first_solved_at = at;
		l->first_res[0] = at - t->created;
		l->first_res[1] = business(m, l->first_res[0]);
	}
	l->solved_at = at;
	l->full_res[0] = at - t->created;
	l->full_res[1] = business(m, l->full_res[0]);
	l->status = "solved";
}

/* Solved at `at` for good: the close that follows, confirmed by the
 * customer or after the grace period, unless it is still to come. */
static int solved_for_good(struct sim *m, const struct seed_ticket *t, struct life *l,
			   int64_t at, struct hd_err *err)
{
	int confirmed = chance(m, 40);
	int64_t close_at = confirmed ? at + between(m, 10 * MIN_MS, 2 * DAY_MS) : at + GRACE_MS;

	solved(m, t, l, at);
	if (close_at >= m->now)
		return 0;
	l->status = "closed";
	l->closed_at = close_at;
	l->close_kind = confirmed ? "confirmed" : "unconfirmed";
	return put_clock(m, t, l, "resolution", t->created, close_at, l->full_res[1],
			 target_resolution[t->prio], NULL, err);
}

/* The rest of a ticket's life after its first reply at `last`. */
static int follow_up(struct sim *m, const struct seed_ticket *t, struct life *l, int64_t last,
		     struct hd_err *err)
{
	static const int rounds[] = { 0, 0, 0, 0, 1, 1, 1, 1, 2, 3 }; /* avg ~0.95 */
	int n = rounds[rnd(m->rng) % 10], rc = 0;
	int64_t at, w;

	for (int i = 0; i < n && !rc; i++) {
		int64_t asked = last + between(m, 10 * MIN_MS, 2 * DAY_MS);

		if (asked >= m->now) /* the customer has not written back yet */
			break;
		w = reply_wait(m, t->prio, 0);
		if (asked + w >= m->now) {
			l->status = "open";
			return 0;
		}
		rc = put_response(m, t, l, asked + w, "next", w, err);
		rc = rc ? rc : put_clock(m, t, l, "next_response", asked, asked + w, business(m, w),
					 target_next[t->prio], NULL, err);
		if (!rc && chance(m, 15))
			rc = put_clock(m, t, l, "periodic_update", last, asked + w,
				       business(m, asked + w - last), 1440, NULL, err);
		last = asked + w;
	}
	at = last + between(m, 0, DAY_MS) * (int64_t)between(m, 0, 5) / 4;
	if (rc || at >= m->now) {
		l->status = chance(m, 60) ? "pending" : chance(m, 40) ? "on_hold" : "open";
		return rc;
	}
	if (!chance(m, 8))
		return solved_for_good(m, t, l, at, err);
	/* solved, then reopened by the customer, answered and solved again */
	solved(m, t, l, at);
	at += between(m, HOUR_MS, 2 * DAY_MS);
	if (at >= m->now)
		return 0;
	l->reopens = 1;
	l->solved_at = 0;
	l->full_res[0] = l->full_res[1] = -1;
	l->status = "open";
	w = reply_wait(m, t->prio, 0);
	if (at + w >= m->now)
		return 0;
	rc = put_response(m, t, l, at + w, "next", w, err);
	at += w + between(m, 0, DAY_MS);
	if (rc || at >= m->now)
		return rc;
	return solved_for_good(m, t, l, at, err);
}

static int live(struct sim *m, const struct seed_ticket *t, struct hd_err *err)
{
	struct life l;
	int64_t w, first;
	int rc = 0, ti = 0;

	memset(&l, 0, sizeof(l));
	l.frt[0] = l.frt[1] = l.first_res[0] = l.first_res[1] = l.full_res[0] = l.full_res[1] = -1;
	l.channel = pick_channel(m);
	l.status = "new";
	for (int i = 0; i < m->nteams; i++)
		if (m->teams[i] == t->team)
			ti = i;
	if (m->nteams && chance(m, 92))
		l.assignee = m->agents[ti][rnd(m->rng) % AGENTS_PER_TEAM];
	if (chance(m, 3)) { /* spam, duplicate or merged: closed at once */
		int64_t at = t->created + between(m, 5 * MIN_MS, 2 * HOUR_MS);
		int r = (int)(rnd(m->rng) % 100);

		if (at >= m->now)
			return put_ticket(m, t, &l, err);
		l.status = "closed";
		l.closed_at = at;
		l.close_kind = "reason";
		l.close_reason = r < 65 ? "spam" : r < 90 ? "duplicate" : "merged";
		rc = put_clock(m, t, &l, "first_response", t->created, at, 0, target_first[t->prio],
			       "cancelled", err);
		return rc ? rc : put_ticket(m, t, &l, err);
	}
	w = reply_wait(m, t->prio, 1);
	first = t->created + w;
	if (first < m->now) {
		l.status = "open";
		l.first_response_at = first;
		l.frt[0] = w;
		l.frt[1] = business(m, w);
		rc = put_response(m, t, &l, first, "first", w, err);
		rc = rc ? rc : put_clock(m, t, &l, "first_response", t->created, first, l.frt[1],
					 target_first[t->prio], NULL, err);
		if (!rc && chance(m, 6))
			rc = put_promise(m, t, &l, first, err);
		rc = rc ? rc : follow_up(m, t, &l, first, err);
	}
	return rc ? rc : put_ticket(m, t, &l, err);
}

/* ---- the batch -------------------------------------------------------------------- */

/* The seeded teams, and five agents for each (created once). */
static int load_people(struct sim *m, struct hd_err *err)
{
	sqlite3_stmt *s = hd_db_stmt(m->c, "SELECT id FROM teams ORDER BY id LIMIT 64", err);
	char email[96], name[64];
	int rc = 0;

	if (!s)
		return HD_EIO;
	while (sqlite3_step(s) == SQLITE_ROW)
		m->teams[m->nteams++] = sqlite3_column_int64(s, 0);
	hd_db_done(s);
	for (int i = 0; i < m->nteams && !rc; i++)
		for (int k = 0; k < AGENTS_PER_TEAM && !rc; k++) {
			snprintf(email, sizeof(email), "agent%d.%d@seed.invalid", i + 1, k + 1);
			snprintf(name, sizeof(name), "Agent %d.%d", i + 1, k + 1);
			s = hd_db_stmt(m->c,
				       "INSERT INTO agents (name, email, role, created_at) VALUES "
				       "(?1, ?2, 'agent', ?3) ON CONFLICT (email) DO UPDATE SET "
				       "email = excluded.email RETURNING id",
				       err);
			if (!s)
				return HD_EIO;
			sqlite3_bind_text(s, 1, name, -1, SQLITE_TRANSIENT);
			sqlite3_bind_text(s, 2, email, -1, SQLITE_TRANSIENT);
			sqlite3_bind_int64(s, 3, m->now);
			if (sqlite3_step(s) == SQLITE_ROW)
				m->agents[i][k] = sqlite3_column_int64(s, 0);
			else
				rc = hd_db_error(m->c, sqlite3_errcode(m->c->db), err);
			hd_db_done(s);
			s = rc ? NULL
			       : hd_db_stmt(m->c,
					    "INSERT OR IGNORE INTO team_members (team_id, agent_id) "
					    "VALUES (?1, ?2)",
					    err);
			if (!rc && !s)
				return HD_EIO;
			if (s) {
				sqlite3_bind_int64(s, 1, m->teams[i]);
				sqlite3_bind_int64(s, 2, m->agents[i][k]);
				rc = step_done(m->c, s, err);
			}
		}
	return rc;
}

int hd_seed_metrics(struct hd_conn *c, int64_t first, int64_t last, int64_t now, uint64_t *rng,
		    struct hd_err *err)
{
	struct sim m;
	struct seed_ticket *ts = NULL;
	sqlite3_stmt *s;
	size_t n = 0, cap = (size_t)(last - first + 1);
	int rc;

	memset(&m, 0, sizeof(m));
	m.c = c;
	m.rng = rng;
	m.now = now;
	rc = load_people(&m, err);
	if (rc)
		goto out;
	ts = calloc(cap, sizeof(*ts));
	s = ts ? hd_db_stmt(c,
			    "SELECT id, created_at, coalesce(team_id, 0), priority FROM tickets "
			    "WHERE id BETWEEN ?1 AND ?2",
			    err)
	       : NULL;
	if (!s) {
		rc = ts ? HD_EIO : hd_err_set(err, HD_ENOMEM, NULL, "out of memory");
		goto out;
	}
	sqlite3_bind_int64(s, 1, first);
	sqlite3_bind_int64(s, 2, last);
	while (n < cap && sqlite3_step(s) == SQLITE_ROW) {
		const char *p = (const char *)sqlite3_column_text(s, 3);

		ts[n].id = sqlite3_column_int64(s, 0);
		ts[n].created = sqlite3_column_int64(s, 1);
		ts[n].team = sqlite3_column_int64(s, 2);
		for (int i = 0; i < 4; i++)
			if (p && !strcmp(p, prio_names[i]))
				ts[n].prio = i;
		n++;
	}
	hd_db_done(s);
	for (size_t i = 0; i < n && !rc; i++)
		rc = live(&m, &ts[i], err);
out:
	free(ts);
	return rc;
}
