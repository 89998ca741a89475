/*
 * outbox.c — reading the durable outbox (rows are written by the writes
 * that cause them, e.g. the acknowledgement in tickets.c).
 */
#include "store/sqlite/internal.h"
#include "util/banned.h"

static void read_outbox(sqlite3_stmt *s, void *item, struct hd_arena *a)
{
	struct hd_outbox_item *o = item;

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

int hd_store_outbox_list(struct hd_store *st, int64_t ticket_id, int64_t after, int limit,
			 struct hd_outbox_item **out, size_t *n, int64_t *next, struct hd_arena *a,
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
	s = hd_db_stmt(c,
		       "SELECT id, ticket_id, kind, to_addr, subject, body_text, message_id, status, "
		       "attempts, next_attempt_at, created_at FROM outbox "
		       "WHERE (?1 = 0 OR ticket_id = ?1) AND id > ?2 ORDER BY id LIMIT ?3",
		       err);
	if (!s) {
		rc = HD_EIO;
	} else {
		sqlite3_bind_int64(s, 1, ticket_id);
		sqlite3_bind_int64(s, 2, after);
		sqlite3_bind_int(s, 3, limit + 1);
		rc = hd_db_collect(c, s, sizeof(**out), limit, read_outbox, (void **)out, n, next,
				   a, err);
	}
	hd_db_release(st, c);
	return rc;
}
