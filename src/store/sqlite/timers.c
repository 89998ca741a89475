/*
 * timers.c — durable timers: every due time heed must act on is a row of
 * `timers`, deleted in the same transaction as the action it triggers, so
 * each fires exactly once, also across crashes (docs/internals/commitments.md).
 *
 * hd_timer_set keeps one row per (kind, ref_id). hd_store_timers_fire runs
 * the handler of every due row, oldest first, and deletes it. The timer
 * thread (jobs/timers.c) asks hd_store_timers_next when to wake.
 */
#include <stdio.h>
#include <string.h>

#include "store/sqlite/internal.h"
#include "util/timeutil.h"
#include "util/banned.h"

int hd_timer_set(struct hd_conn *c, const char *kind, int64_t ticket_id, int64_t ref_id,
		 int64_t due_at, struct hd_err *err)
{
	sqlite3_stmt *s;
	int rc = 0;

	if (due_at)
		s = hd_db_stmt(c,
			       "INSERT INTO timers (due_at, kind, ticket_id, ref_id) "
			       "VALUES (?1, ?2, ?3, ?4) ON CONFLICT (kind, ref_id) DO UPDATE "
			       "SET due_at = excluded.due_at, ticket_id = excluded.ticket_id",
			       err);
	else
		s = hd_db_stmt(c, "DELETE FROM timers WHERE kind = ?2 AND ref_id = ?4", err);
	if (!s)
		return HD_EIO;
	if (due_at)
		sqlite3_bind_int64(s, 1, due_at);
	sqlite3_bind_text(s, 2, kind, -1, SQLITE_STATIC);
	if (due_at)
		sqlite3_bind_int64(s, 3, ticket_id);
	sqlite3_bind_int64(s, 4, ref_id);
	if (sqlite3_step(s) != SQLITE_DONE)
		rc = hd_db_error(c, sqlite3_errcode(c->db), err);
	hd_db_done(s);
	if (!rc && due_at)
		hd_store_timers_kick(c->st, due_at);
	return rc;
}

/* The handlers, by kind. A timer of a kind not listed (written by a newer
 * heed) is left alone. */
static const struct {
	const char *kind;
	hd_timer_fn fn;
} handlers[] = {
	{ "sla.warn", hd_sla_fire_warn },
	{ "sla.breach", hd_sla_fire_breach },
	{ "ticket.autoclose", hd_ticket_fire_autoclose },
	{ "promise.remind", hd_promise_fire_remind },
	{ "promise.overdue", hd_promise_fire_overdue },
};

static hd_timer_fn handler(const char *kind)
{
	for (size_t i = 0; i < sizeof(handlers) / sizeof(handlers[0]); i++)
		if (strcmp(handlers[i].kind, kind) == 0)
			return handlers[i].fn;
	return NULL;
}

struct fire_ctx {
	int64_t now;
	int max;
	int fired;
};

static int delete_timer(struct hd_conn *c, int64_t id, struct hd_err *err)
{
	sqlite3_stmt *s = hd_db_stmt(c, "DELETE FROM timers WHERE id = ?1", err);
	int rc = 0;

	if (!s)
		return HD_EIO;
	sqlite3_bind_int64(s, 1, id);
	if (sqlite3_step(s) != SQLITE_DONE)
		rc = hd_db_error(c, sqlite3_errcode(c->db), err);
	hd_db_done(s);
	return rc;
}

#define FIRE_BATCH 64

static int fire_job(struct hd_conn *c, void *arg, struct hd_err *err)
{
	struct fire_ctx *x = arg;
	struct {
		int64_t id, due, ticket, ref;
		char kind[32];
	} due[FIRE_BATCH];
	int n = 0, rc = 0;
	sqlite3_stmt *s;

	x->fired = 0;
	s = hd_db_stmt(c,
		       "SELECT id, due_at, ticket_id, ref_id, kind FROM timers "
		       "WHERE due_at <= ?1 ORDER BY due_at LIMIT ?2",
		       err);
	if (!s)
		return HD_EIO;
	sqlite3_bind_int64(s, 1, x->now);
	sqlite3_bind_int(s, 2, x->max < FIRE_BATCH ? x->max : FIRE_BATCH);
	while (n < FIRE_BATCH && sqlite3_step(s) == SQLITE_ROW) {
		due[n].id = sqlite3_column_int64(s, 0);
		due[n].due = sqlite3_column_int64(s, 1);
		due[n].ticket = sqlite3_column_int64(s, 2);
		due[n].ref = sqlite3_column_int64(s, 3);
		snprintf(due[n].kind, sizeof(due[n].kind), "%s",
			 (const char *)sqlite3_column_text(s, 4));
		n++;
	}
	hd_db_done(s);
	for (int i = 0; i < n && !rc; i++) {
		hd_timer_fn fn = handler(due[i].kind);
		struct hd_err e = { 0 };

		/* each timer in its own savepoint: one that cannot be acted on
		 * (its ticket is gone, its data is broken) is dropped with a
		 * log line instead of blocking every timer behind it */
		rc = hd_db_exec(c, "SAVEPOINT timer", err);
		if (rc)
			break;
		/* deleted first: a handler may set the same timer again */
		rc = delete_timer(c, due[i].id, &e);
		if (!rc && fn)
			rc = fn(c, due[i].ticket, due[i].ref, due[i].due, x->now, &e);
		if (rc && rc != HD_EIO && rc != HD_EBUSY && rc != HD_ENOMEM) {
			fprintf(stderr, "heed: timer %s of ticket %lld dropped: %s\n", due[i].kind,
				(long long)due[i].ticket, e.msg);
			hd_db_exec(c, "ROLLBACK TO timer", NULL);
			rc = delete_timer(c, due[i].id, err);
		} else if (rc) {
			*err = e; /* the database is busy or failing: retry the batch later */
			hd_db_exec(c, "ROLLBACK TO timer", NULL);
		}
		hd_db_exec(c, "RELEASE timer", NULL);
		x->fired++;
	}
	return rc;
}

int hd_store_timers_fire(struct hd_store *st, int64_t now, int max, int *fired,
			 struct hd_err *err)
{
	struct fire_ctx x = { now, max > 0 ? max : FIRE_BATCH, 0 };
	int rc = hd_writer_run(st, fire_job, &x, err);

	*fired = rc ? 0 : x.fired;
	return rc;
}

int hd_store_timers_next(struct hd_store *st, int64_t *due, struct hd_err *err)
{
	struct hd_conn *c;
	sqlite3_stmt *s;
	int rc = hd_db_acquire(st, &c, err);

	*due = 0;
	if (rc)
		return rc;
	s = hd_db_stmt(c, "SELECT min(due_at) FROM timers", err);
	if (!s) {
		rc = HD_EIO;
	} else {
		if (sqlite3_step(s) == SQLITE_ROW)
			*due = sqlite3_column_int64(s, 0);
		hd_db_done(s);
	}
	hd_db_release(st, c);
	return rc;
}

void hd_store_timers_on_set(struct hd_store *st, void (*fn)(void *ctx, int64_t due), void *ctx)
{
	st->timer_wake = fn;
	st->timer_wake_ctx = ctx;
}

void hd_store_timers_kick(struct hd_store *st, int64_t due_at)
{
	if (st->timer_wake)
		st->timer_wake(st->timer_wake_ctx, due_at);
}
