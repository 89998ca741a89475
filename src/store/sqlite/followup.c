/*
 * followup.c — a customer writing on a closed ticket gets a new ticket
 * (a follow-up, related_kind "follow_up") that goes to the same team and
 * agent and carries the story so far, so nobody has to ask again.
 */
#include <stdio.h>
#include <string.h>

#include "store/sqlite/internal.h"
#include "util/sbuf.h"
#include "util/timeutil.h"
#include "util/banned.h"

/* A follow-up goes to whoever had the ticket it follows (unless given). */
int hd_followup_owner(struct hd_conn *c, int64_t old, int64_t *team, int64_t *assignee,
			 struct hd_err *err)
{
	sqlite3_stmt *s = hd_db_stmt(c,
				     "SELECT t.team_id, CASE WHEN a.active THEN t.assignee_id END "
				     "FROM tickets t LEFT JOIN agents a ON a.id = t.assignee_id "
				     "WHERE t.id = ?1",
				     err);

	if (!s)
		return HD_EIO;
	sqlite3_bind_int64(s, 1, old);
	if (sqlite3_step(s) == SQLITE_ROW) {
		if (!*team)
			*team = sqlite3_column_int64(s, 0);
		if (!*assignee)
			*assignee = sqlite3_column_int64(s, 1);
	}
	hd_db_done(s);
	return 0;
}

/* A follow-up carries the story so far: an internal note on the new ticket
 * with the old one's subject, how it closed and its last public messages. */
int hd_followup_history(struct hd_conn *c, int64_t id, int64_t old, int64_t now,
			 struct hd_err *err)
{
	struct hd_message_new m;
	struct hd_sbuf text;
	sqlite3_stmt *s;
	int64_t mid;
	int rc;

	hd_sbuf_init(&text, 16 * 1024);
	s = hd_db_stmt(c, "SELECT subject, coalesce(close_kind, status), closed_at FROM tickets "
			  "WHERE id = ?1", err);
	if (!s) {
		rc = HD_EIO;
		goto out;
	}
	sqlite3_bind_int64(s, 1, old);
	if (sqlite3_step(s) == SQLITE_ROW) {
		char when[HD_RFC3339_LEN];

		rc = hd_sbuf_addf(&text, "Follow-up to #%lld \"%s\" (closed %s, %s).\n",
				  (long long)old, (const char *)sqlite3_column_text(s, 0),
				  (const char *)sqlite3_column_text(s, 1),
				  hd_time_format(sqlite3_column_int64(s, 2), when));
	} else {
		rc = 0;
	}
	hd_db_done(s);
	s = rc ? NULL
	       : hd_db_stmt(c,
			    "SELECT author, coalesce(display_text, text), created_at FROM ("
			    "SELECT id, author, display_text, text, created_at FROM messages "
			    "WHERE ticket_id = ?1 AND visibility = 'public' ORDER BY id DESC "
			    "LIMIT 5) ORDER BY id",
			    err);
	if (!rc && !s)
		rc = HD_EIO;
	if (rc)
		goto out;
	sqlite3_bind_int64(s, 1, old);
	while (!rc && sqlite3_step(s) == SQLITE_ROW) {
		char when[HD_RFC3339_LEN];

		rc = hd_sbuf_addf(&text, "\n--- %s, %s:\n%.1500s\n",
				  (const char *)sqlite3_column_text(s, 0),
				  hd_time_format(sqlite3_column_int64(s, 2), when),
				  (const char *)sqlite3_column_text(s, 1));
	}
	hd_db_done(s);
	if (rc == HD_ETOOBIG)
		rc = 0; /* keep what fits */
	if (rc)
		goto out;
	memset(&m, 0, sizeof(m));
	m.author = HD_AUTHOR_SYSTEM;
	m.visibility = HD_VIS_INTERNAL;
	m.text = text.buf;
	rc = hd_message_insert(c, id, &m, 0, now, &mid, err);
	s = rc ? NULL : hd_db_stmt(c, "UPDATE tickets SET message_count = message_count + 1 "
				      "WHERE id = ?1", err);
	if (!rc && !s)
		rc = HD_EIO;
	if (!rc) {
		sqlite3_bind_int64(s, 1, id);
		if (sqlite3_step(s) != SQLITE_DONE)
			rc = hd_db_error(c, sqlite3_errcode(c->db), err);
		hd_db_done(s);
	}
out:
	hd_sbuf_release(&text);
	return rc;
}

