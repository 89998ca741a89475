/*
 * events.c — the append-only event log of every ticket.
 *
 * Events are written only inside the write that causes them (never on their
 * own), so the timeline is exactly the history of the data.
 */
#include "store/sqlite/internal.h"
#include "util/banned.h"

int hd_event_append(struct hd_conn *c, int64_t ticket_id, const struct hd_actor *who,
		    const char *type, const char *data, int64_t at, struct hd_err *err)
{
	sqlite3_stmt *s = hd_db_stmt(c,
				     "INSERT INTO events (ticket_id, actor_kind, actor_id, type, "
				     "data, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
				     err);
	int rc = 0;

	if (!s)
		return HD_EIO;
	sqlite3_bind_int64(s, 1, ticket_id);
	sqlite3_bind_text(s, 2, hd_author_name(who->kind), -1, SQLITE_STATIC);
	hd_db_bind_id(s, 3, who->id);
	sqlite3_bind_text(s, 4, type, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 5, data ? data : "{}", -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 6, at);
	if (sqlite3_step(s) != SQLITE_DONE)
		rc = hd_db_error(c, sqlite3_errcode(c->db), err);
	hd_db_done(s);
	return rc;
}

static void read_event(sqlite3_stmt *s, void *item, struct hd_arena *a)
{
	struct hd_event *e = item;

	e->id = sqlite3_column_int64(s, 0);
	e->ticket_id = sqlite3_column_int64(s, 1);
	e->actor_kind = hd_author_parse((const char *)sqlite3_column_text(s, 2));
	e->actor_id = sqlite3_column_int64(s, 3);
	e->type = hd_db_text(s, 4, a);
	e->data = hd_db_text(s, 5, a);
	e->at = sqlite3_column_int64(s, 6);
	e->actor_name = hd_db_text(s, 7, a);
}

int hd_store_event_list(struct hd_store *st, int64_t id, int64_t after, int limit,
			struct hd_event **out, size_t *n, int64_t *next, struct hd_arena *a,
			struct hd_err *err)
{
	struct hd_conn *c;
	sqlite3_stmt *s;
	int rc = hd_db_acquire(st, &c, err);

	*out = NULL;
	*n = 0;
	*next = 0;
	if (rc)
		return rc;
	rc = hd_db_require(c, "SELECT 1 FROM tickets WHERE id = ?1", id, HD_ENOTFOUND, NULL,
			   "ticket", err);
	if (rc)
		goto out;
	s = hd_db_stmt(c,
		       "SELECT e.id, e.ticket_id, e.actor_kind, e.actor_id, e.type, e.data, e.at, "
		       "  CASE e.actor_kind WHEN 'agent' THEN (SELECT name FROM agents WHERE id = "
		       "  e.actor_id) WHEN 'customer' THEN (SELECT name FROM customers WHERE id = "
		       "  e.actor_id) END "
		       "FROM events e WHERE e.ticket_id = ?1 AND e.id > ?2 ORDER BY e.id LIMIT ?3",
		       err);
	if (!s) {
		rc = HD_EIO;
		goto out;
	}
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_int64(s, 2, after);
	sqlite3_bind_int(s, 3, limit + 1);
	rc = hd_db_collect(c, s, sizeof(**out), limit, read_event, (void **)out, n, next, a, err);
out:
	hd_db_release(st, c);
	return rc;
}

/* ---- live updates ---------------------------------------------------------- */

static void read_event_bare(sqlite3_stmt *s, void *item, struct hd_arena *a)
{
	struct hd_event *e = item;

	e->id = sqlite3_column_int64(s, 0);
	e->ticket_id = sqlite3_column_int64(s, 1);
	e->actor_kind = hd_author_parse((const char *)sqlite3_column_text(s, 2));
	e->actor_id = sqlite3_column_int64(s, 3);
	e->type = hd_db_text(s, 4, a);
	e->at = sqlite3_column_int64(s, 5);
}

int hd_store_events_since(struct hd_store *st, int64_t after, int limit, struct hd_event **out,
			  size_t *n, struct hd_arena *a, struct hd_err *err)
{
	struct hd_conn *c;
	sqlite3_stmt *s;
	int rc = hd_db_acquire(st, &c, err);

	*out = NULL;
	*n = 0;
	if (rc)
		return rc;
	s = hd_db_stmt(c,
		       "SELECT id, ticket_id, actor_kind, actor_id, type, at FROM events "
		       "WHERE id > ?1 ORDER BY id LIMIT ?2",
		       err);
	if (!s) {
		rc = HD_EIO;
		goto out;
	}
	sqlite3_bind_int64(s, 1, after);
	sqlite3_bind_int(s, 2, limit);
	rc = hd_db_collect(c, s, sizeof(**out), 0, read_event_bare, (void **)out, n, NULL, a, err);
out:
	hd_db_release(st, c);
	return rc;
}

/* The newest event id on connection `c` (0: none, or on error). */
int64_t hd_event_last(struct hd_conn *c)
{
	sqlite3_stmt *s = hd_db_stmt(c, "SELECT max(id) FROM events", NULL);
	int64_t id = 0;

	if (!s)
		return 0;
	if (sqlite3_step(s) == SQLITE_ROW)
		id = sqlite3_column_int64(s, 0);
	hd_db_done(s);
	return id;
}

int hd_store_events_last(struct hd_store *st, int64_t *id, struct hd_err *err)
{
	struct hd_conn *c;
	int rc = hd_db_acquire(st, &c, err);

	*id = 0;
	if (rc)
		return rc;
	*id = hd_event_last(c);
	hd_db_release(st, c);
	return 0;
}
