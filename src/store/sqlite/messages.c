/*
 * messages.c — messages of a ticket and their attachments.
 *
 * Adding a message changes the ticket's lifecycle, so the write itself lives
 * with the ticket (tickets.c: hd_store_message_add); this file inserts the
 * rows and reads them back.
 */
#include <string.h>

#include "store/sqlite/internal.h"
#include "util/banned.h"

int hd_message_insert(struct hd_conn *c, int64_t ticket_id, const struct hd_message_new *m,
		      int64_t author_id, int64_t now, int64_t *mid, struct hd_err *err)
{
	sqlite3_stmt *s = hd_db_stmt(c,
				     "INSERT INTO messages (ticket_id, author, author_id, "
				     "visibility, text, html, source_id, created_at, display_text, "
				     "raw_sha256) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
				     err);
	int rc = 0;

	if (!s)
		return HD_EIO;
	sqlite3_bind_int64(s, 1, ticket_id);
	sqlite3_bind_text(s, 2, hd_author_name(m->author), -1, SQLITE_STATIC);
	hd_db_bind_id(s, 3, author_id);
	sqlite3_bind_text(s, 4, hd_visibility_name(m->visibility), -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 5, m->text ? m->text : "", -1, SQLITE_STATIC);
	hd_db_bind_text(s, 6, m->html);
	hd_db_bind_text(s, 7, m->source_id);
	sqlite3_bind_int64(s, 8, now);
	hd_db_bind_text(s, 9, m->display_text);
	hd_db_bind_text(s, 10, m->raw_sha256);
	if (sqlite3_step(s) != SQLITE_DONE)
		rc = hd_db_error(c, sqlite3_errcode(c->db), err);
	hd_db_done(s);
	if (rc)
		return rc;
	*mid = sqlite3_last_insert_rowid(c->db);
	for (size_t i = 0; i < m->nattachments && !rc; i++) {
		const struct hd_attachment_new *at = &m->attachments[i];

		s = hd_db_stmt(c,
			       "INSERT INTO attachments (message_id, filename, content_type, size, "
			       "sha256) VALUES (?1, ?2, ?3, ?4, ?5)",
			       err);
		if (!s)
			return HD_EIO;
		sqlite3_bind_int64(s, 1, *mid);
		sqlite3_bind_text(s, 2, at->filename, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 3, at->content_type, -1, SQLITE_STATIC);
		sqlite3_bind_int64(s, 4, at->size);
		sqlite3_bind_text(s, 5, at->sha256, -1, SQLITE_STATIC);
		if (sqlite3_step(s) != SQLITE_DONE)
			rc = hd_db_error(c, sqlite3_errcode(c->db), err);
		hd_db_done(s);
	}
	return rc;
}

#define MESSAGE_COLS                                                                           \
	"m.id, m.ticket_id, m.author, m.author_id, m.visibility, m.text, m.html, m.source_id, " \
	"m.created_at, CASE m.author WHEN 'agent' THEN (SELECT name FROM agents WHERE id = "   \
	"m.author_id) WHEN 'customer' THEN (SELECT name FROM customers WHERE id = "           \
	"m.author_id) ELSE 'heed' END, m.display_text, m.raw_sha256 IS NOT NULL "

static void read_message(sqlite3_stmt *s, void *item, struct hd_arena *a)
{
	struct hd_message *m = item;

	m->id = sqlite3_column_int64(s, 0);
	m->ticket_id = sqlite3_column_int64(s, 1);
	m->author = hd_author_parse((const char *)sqlite3_column_text(s, 2));
	m->author_id = sqlite3_column_int64(s, 3);
	m->visibility = hd_visibility_parse((const char *)sqlite3_column_text(s, 4));
	m->text = hd_db_text(s, 5, a);
	m->html = hd_db_text(s, 6, a);
	m->source_id = hd_db_text(s, 7, a);
	m->created_at = sqlite3_column_int64(s, 8);
	m->author_name = hd_db_text(s, 9, a);
	m->display_text = hd_db_text(s, 10, a);
	m->has_raw = sqlite3_column_int(s, 11);
}

static void read_attachment(sqlite3_stmt *s, void *item, struct hd_arena *a)
{
	struct hd_attachment *at = item;

	at->id = sqlite3_column_int64(s, 0);
	at->message_id = sqlite3_column_int64(s, 1);
	at->filename = hd_db_text(s, 2, a);
	at->content_type = hd_db_text(s, 3, a);
	at->size = sqlite3_column_int64(s, 4);
	at->sha256 = hd_db_text(s, 5, a);
}

#define ATTACHMENT_SELECT                                                                      \
	"SELECT id, message_id, filename, content_type, size, sha256 FROM attachments "

/* Fill the attachments of msgs[0..n). */
static int load_attachments(struct hd_conn *c, struct hd_message *msgs, size_t n,
			    struct hd_arena *a, struct hd_err *err)
{
	int rc = 0;

	for (size_t i = 0; i < n && !rc; i++) {
		sqlite3_stmt *s = hd_db_stmt(
			c, ATTACHMENT_SELECT "WHERE message_id = ?1 ORDER BY id", err);

		if (!s)
			return HD_EIO;
		sqlite3_bind_int64(s, 1, msgs[i].id);
		rc = hd_db_collect(c, s, sizeof(struct hd_attachment), 0, read_attachment,
				   (void **)&msgs[i].attachments, &msgs[i].nattachments, NULL, a,
				   err);
	}
	return rc;
}

int hd_store_message_list(struct hd_store *st, int64_t id, int internal, int64_t after,
			  int limit, struct hd_message **out, size_t *n, int64_t *next,
			  struct hd_arena *a, struct hd_err *err)
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
		       "SELECT " MESSAGE_COLS "FROM messages m WHERE m.ticket_id = ?1 AND m.id > ?2 "
		       "AND (?3 OR m.visibility = 'public') ORDER BY m.id LIMIT ?4",
		       err);
	if (!s) {
		rc = HD_EIO;
		goto out;
	}
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_int64(s, 2, after);
	sqlite3_bind_int(s, 3, internal);
	sqlite3_bind_int(s, 4, limit + 1);
	rc = hd_db_collect(c, s, sizeof(**out), limit, read_message, (void **)out, n, next, a,
			   err);
	rc = rc ? rc : load_attachments(c, *out, *n, a, err);
out:
	hd_db_release(st, c);
	return rc;
}

int hd_store_message_get(struct hd_store *st, int64_t mid, struct hd_message *out,
			 struct hd_arena *a, struct hd_err *err)
{
	struct hd_conn *c;
	sqlite3_stmt *s;
	int rc = hd_db_acquire(st, &c, err);

	if (rc)
		return rc;
	memset(out, 0, sizeof(*out));
	s = hd_db_stmt(c, "SELECT " MESSAGE_COLS "FROM messages m WHERE m.id = ?1", err);
	if (!s) {
		rc = HD_EIO;
	} else {
		sqlite3_bind_int64(s, 1, mid);
		rc = hd_db_get(c, s, read_message, out, a, "message", mid, err);
		rc = rc ? rc : load_attachments(c, out, 1, a, err);
	}
	hd_db_release(st, c);
	return rc;
}

int hd_store_attachment_get(struct hd_store *st, int64_t aid, struct hd_attachment *out,
			    struct hd_arena *a, struct hd_err *err)
{
	struct hd_conn *c;
	sqlite3_stmt *s;
	int rc = hd_db_acquire(st, &c, err);

	if (rc)
		return rc;
	s = hd_db_stmt(c, ATTACHMENT_SELECT "WHERE id = ?1", err);
	if (!s) {
		rc = HD_EIO;
	} else {
		sqlite3_bind_int64(s, 1, aid);
		rc = hd_db_get(c, s, read_attachment, out, a, "attachment", aid, err);
	}
	hd_db_release(st, c);
	return rc;
}
