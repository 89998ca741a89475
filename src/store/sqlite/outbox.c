/*
 * outbox.c — reading the durable outbox (rows are written by the writes
 * that cause them, e.g. the acknowledgement in tickets.c).
 */
#include "store/sqlite/internal.h"
#include "util/banned.h"

int hd_store_outbox_list(struct hd_store *st, int64_t ticket_id, int64_t after, int limit,
			 struct hd_outbox_item **out, size_t *n, int64_t *next, struct hd_arena *a,
			 struct hd_err *err)
{
	struct hd_conn *c;
	sqlite3_stmt *s;
	size_t cap = (size_t)limit;
	int rc = hd_db_acquire(st, &c, err), step;

	*out = NULL;
	*n = 0;
	*next = 0;
	if (rc)
		return rc;
	s = hd_db_stmt(c,
		       "SELECT id, ticket_id, kind, to_addr, subject, body_text, message_id, status, "
		       "attempts, next_attempt_at, created_at FROM outbox "
		       "WHERE (?1 = 0 OR ticket_id = ?1) AND id > ?2 ORDER BY id LIMIT ?3",
		       err);
	if (!s) {
		rc = HD_EIO;
		goto out;
	}
	*out = hd_arena_alloc(a, sizeof(**out) * cap);
	if (!*out) {
		rc = hd_err_set(err, HD_ENOMEM, NULL, "out of memory");
		goto out;
	}
	sqlite3_bind_int64(s, 1, ticket_id);
	sqlite3_bind_int64(s, 2, after);
	sqlite3_bind_int(s, 3, limit + 1);
	while ((step = sqlite3_step(s)) == SQLITE_ROW) {
		struct hd_outbox_item *o;

		if (*n == cap) {
			*next = (*out)[cap - 1].id;
			break;
		}
		o = &(*out)[(*n)++];
		o->id = sqlite3_column_int64(s, 0);
		o->ticket_id = sqlite3_column_int64(s, 1);
		o->kind = hd_db_text(s, 2, a);
		o->to_addr = hd_db_text(s, 3, a);
		o->subject = hd_db_text(s, 4, a);
		o->body_text = hd_db_text(s, 5, a);
		o->message_id = hd_db_text(s, 6, a);
		o->status = hd_db_text(s, 7, a);
		o->attempts = sqlite3_column_int(s, 8);
		o->next_attempt_at = sqlite3_column_int64(s, 9);
		o->created_at = sqlite3_column_int64(s, 10);
	}
	if (step != SQLITE_ROW && step != SQLITE_DONE)
		rc = hd_db_error(c, step, err);
out:
	hd_db_done(s);
	hd_db_release(st, c);
	return rc;
}
