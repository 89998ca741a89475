/*
 * outbox.c — the durable outbox: mail is queued by the write that causes
 * it (an acknowledgement with its ticket, a reply with its message) and
 * delivered later by the outbox worker (jobs/outbox.c), which reports each
 * attempt back here. Delivery is at least once: a row stays queued until a
 * server accepted it, and its Message-ID never changes, so a retry after a
 * crash is recognisably the same mail.
 */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "store/sqlite/internal.h"
#include "util/timeutil.h"
#include "util/banned.h"

#define OUTBOX_COLS                                                                            \
	"id, ticket_id, kind, to_addr, subject, body_text, message_id, status, attempts, "     \
	"next_attempt_at, created_at, body_html, sent_at, last_error, from_name, in_reply_to, " \
	"refs, auto_submitted "

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
	o->body_html = hd_db_text(s, 11, a);
	o->sent_at = sqlite3_column_int64(s, 12);
	o->last_error = hd_db_text(s, 13, a);
	o->from_name = hd_db_text(s, 14, a);
	o->in_reply_to = hd_db_text(s, 15, a);
	o->refs = hd_db_text(s, 16, a);
	o->auto_submitted = hd_db_text(s, 17, a);
}

int hd_outbox_queue(struct hd_conn *c, const struct hd_outbox_new *o, int64_t now, int64_t *id,
		    char *msgid, struct hd_err *err)
{
	sqlite3_stmt *s;
	char irt[264] = ""; /* ids are at most 250 bytes (outmail.c) */
	int rc = hd_msgid_make(c->st->mail_key, o->ticket_id, c->st->mail_domain, msgid,
			       HD_MSGID_MAX);

	if (rc)
		return hd_err_set(err, rc, NULL, "the mail domain is too long");
	if (o->in_reply_to && *o->in_reply_to)
		snprintf(irt, sizeof(irt), "<%s>", o->in_reply_to);
	s = hd_db_stmt(c,
		       "INSERT INTO outbox (ticket_id, kind, to_addr, subject, body_text, body_html, "
		       "message_id, next_attempt_at, created_at, from_name, in_reply_to, refs, "
		       "auto_submitted) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8, ?9, ?10, ?11, ?12)",
		       err);
	if (!s)
		return HD_EIO;
	hd_db_bind_id(s, 1, o->ticket_id);
	sqlite3_bind_text(s, 2, o->kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, o->to_addr, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, o->subject, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 5, o->body_text, -1, SQLITE_STATIC);
	hd_db_bind_text(s, 6, o->body_html);
	sqlite3_bind_text(s, 7, msgid, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 8, now);
	hd_db_bind_text(s, 9, o->from_name);
	hd_db_bind_text(s, 10, irt[0] ? irt : NULL);
	hd_db_bind_text(s, 11, o->refs);
	hd_db_bind_text(s, 12, o->auto_submitted);
	if (sqlite3_step(s) != SQLITE_DONE)
		rc = hd_db_error(c, sqlite3_errcode(c->db), err);
	else
		*id = sqlite3_last_insert_rowid(c->db);
	hd_db_done(s);
	return rc;
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
		       "SELECT " OUTBOX_COLS "FROM outbox "
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

int hd_store_outbox_due(struct hd_store *st, int64_t now, int limit,
			struct hd_outbox_item **out, size_t *n, int64_t *next_due,
			struct hd_arena *a, struct hd_err *err)
{
	struct hd_conn *c;
	sqlite3_stmt *s;
	int rc = hd_db_acquire(st, &c, err);

	*out = NULL;
	*n = 0;
	*next_due = 0;
	if (rc)
		return rc;
	s = hd_db_stmt(c,
		       "SELECT " OUTBOX_COLS "FROM outbox WHERE status = 'queued' "
		       "AND next_attempt_at <= ?1 ORDER BY next_attempt_at, id LIMIT ?2",
		       err);
	if (!s) {
		rc = HD_EIO;
		goto out;
	}
	sqlite3_bind_int64(s, 1, now);
	sqlite3_bind_int(s, 2, limit);
	rc = hd_db_collect(c, s, sizeof(**out), 0, read_outbox, (void **)out, n, NULL, a, err);
	if (rc)
		goto out;
	s = hd_db_stmt(c,
		       "SELECT min(next_attempt_at) FROM outbox WHERE status = 'queued' "
		       "AND next_attempt_at > ?1",
		       err);
	if (!s) {
		rc = HD_EIO;
		goto out;
	}
	sqlite3_bind_int64(s, 1, now);
	if (sqlite3_step(s) == SQLITE_ROW)
		*next_due = sqlite3_column_int64(s, 0);
	hd_db_done(s);
out:
	hd_db_release(st, c);
	return rc;
}

struct result_ctx {
	int64_t id;
	enum hd_outbox_result result;
	const char *error;
	int64_t retry_at;
	int64_t now;
};

static int result_job(struct hd_conn *c, void *arg, struct hd_err *err)
{
	struct result_ctx *x = arg;
	struct hd_actor sys = { HD_AUTHOR_SYSTEM, 0, HD_ROLE_AGENT };
	static const char *const status[] = { "sent", "queued", "failed" };
	sqlite3_stmt *s = hd_db_stmt(c,
				     "UPDATE outbox SET status = ?2, attempts = attempts + 1, "
				     "next_attempt_at = ?3, last_error = ?4, "
				     "sent_at = CASE WHEN ?2 = 'sent' THEN ?5 END "
				     "WHERE id = ?1 AND status = 'queued' "
				     "RETURNING ticket_id, to_addr, kind, attempts",
				     err);
	int64_t ticket = 0, attempts = 0;
	char to[320] = "", kind[32] = "";
	int rc = 0, step;

	if (!s)
		return HD_EIO;
	sqlite3_bind_int64(s, 1, x->id);
	sqlite3_bind_text(s, 2, status[x->result], -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 3, x->result == HD_OUTBOX_RETRY ? x->retry_at : x->now);
	hd_db_bind_text(s, 4, x->error);
	sqlite3_bind_int64(s, 5, x->now);
	step = sqlite3_step(s);
	if (step == SQLITE_ROW) {
		ticket = sqlite3_column_int64(s, 0);
		snprintf(to, sizeof(to), "%s", (const char *)sqlite3_column_text(s, 1));
		snprintf(kind, sizeof(kind), "%s", (const char *)sqlite3_column_text(s, 2));
		attempts = sqlite3_column_int64(s, 3);
	} else if (step != SQLITE_DONE) {
		rc = hd_db_error(c, step, err);
	}
	hd_db_done(s);
	if (rc || !ticket)
		return rc; /* already settled (another worker), or not about a ticket */
	if (x->result == HD_OUTBOX_SENT)
		return hd_event_json(c, ticket, &sys, "mail.sent",
				     json_pack("{s:I,s:s,s:s,s:I}", "outbox_id", (json_int_t)x->id,
					       "kind", kind, "to", to, "attempts",
					       (json_int_t)attempts),
				     x->now, err);
	if (x->result == HD_OUTBOX_FAILED)
		return hd_event_json(c, ticket, &sys, "mail.failed",
				     json_pack("{s:I,s:s,s:s,s:s,s:I}", "outbox_id",
					       (json_int_t)x->id, "kind", kind, "to", to, "error",
					       x->error ? x->error : "", "attempts",
					       (json_int_t)attempts),
				     x->now, err);
	return 0;
}

int hd_store_outbox_result(struct hd_store *st, int64_t id, enum hd_outbox_result result,
			   const char *error, int64_t retry_at, struct hd_err *err)
{
	struct result_ctx x = { id, result, error, retry_at, hd_now_ms() };

	return hd_writer_run(st, result_job, &x, err);
}
