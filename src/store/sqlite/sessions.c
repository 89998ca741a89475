/*
 * sessions.c — the web app's sign-in sessions (table `sessions`, schema
 * migration 5).
 *
 * A session row holds the SHA-256 of the random token in the browser's
 * cookie (never the token itself, so a copy of the database signs no one
 * in), the CSRF token the app echoes on writes, and when it ends:
 * expires_at slides forward by HD_SESSION_IDLE_MS on use but never past
 * created_at + HD_SESSION_MAX_MS (hd_session_expiry). A session counts only
 * while its agent is active. Every function takes `now` from the caller, so
 * the store reads no clock here.
 *
 * Must never: keep or return a session token; let a deleted session keep
 * working from a cache (deletes change the auth epoch).
 */
#include <string.h>

#include "store/sqlite/internal.h"
#include "util/banned.h"

/* The first `max` bytes of `s`, not cutting a UTF-8 character, into `buf`. */
static const char *cut(const char *s, size_t max, char *buf)
{
	size_t n;

	if (!s)
		return NULL;
	n = strlen(s);
	if (n <= max)
		return s;
	n = max;
	while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
		n--;
	memcpy(buf, s, n);
	buf[n] = '\0';
	return buf;
}

struct session_ctx {
	const struct hd_session_new *in;
	struct hd_session *s;
	int64_t id, agent, n;
};

/* Inside a write: forget sessions that have ended by `now`. */
static int purge_ended(struct hd_conn *c, int64_t now, struct hd_err *err)
{
	sqlite3_stmt *s = hd_db_stmt(c, "DELETE FROM sessions WHERE expires_at <= ?1", err);
	int step;

	if (!s)
		return HD_EIO;
	sqlite3_bind_int64(s, 1, now);
	step = sqlite3_step(s);
	hd_db_done(s);
	return step == SQLITE_DONE ? 0 : hd_db_error(c, step, err);
}

static int session_create_job(struct hd_conn *c, void *arg, struct hd_err *err)
{
	struct session_ctx *x = arg;
	const struct hd_session_new *in = x->in;
	char ip[HD_SESSION_IP_MAX + 1], ua[HD_SESSION_UA_MAX + 1];
	sqlite3_stmt *s;
	int rc = purge_ended(c, in->now, err), step;

	if (rc)
		return rc;
	s = hd_db_stmt(c,
		       "INSERT INTO sessions (agent_id, token_hash, csrf_token, created_at, "
		       "last_seen_at, expires_at, ip, user_agent) "
		       "SELECT id, ?2, ?3, ?4, ?4, ?5, ?6, ?7 FROM agents WHERE id = ?1 AND active = 1",
		       err);
	if (!s)
		return HD_EIO;
	sqlite3_bind_int64(s, 1, in->agent_id);
	sqlite3_bind_text(s, 2, in->token_hash, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, in->csrf_token, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 4, in->now);
	sqlite3_bind_int64(s, 5, hd_session_expiry(in->now, in->now));
	hd_db_bind_text(s, 6, cut(in->ip, HD_SESSION_IP_MAX, ip));
	hd_db_bind_text(s, 7, cut(in->user_agent, HD_SESSION_UA_MAX, ua));
	step = sqlite3_step(s);
	if (step != SQLITE_DONE)
		rc = hd_db_error(c, step, err);
	else if (!sqlite3_changes(c->db))
		rc = hd_err_set(err, HD_EUNAUTH, NULL, "the agent is not active");
	else
		x->id = sqlite3_last_insert_rowid(c->db);
	hd_db_done(s);
	return rc;
}

int hd_store_session_create(struct hd_store *st, const struct hd_session_new *in, int64_t *id,
			    struct hd_err *err)
{
	struct session_ctx x = { .in = in };
	int rc = hd_writer_run(st, session_create_job, &x, err);

	*id = x.id;
	return rc;
}

/* The row of the lookup below into `out`. */
static void read_session(sqlite3_stmt *s, struct hd_session *out)
{
	const char *csrf = (const char *)sqlite3_column_text(s, 3);

	memset(out, 0, sizeof(*out));
	out->id = sqlite3_column_int64(s, 0);
	out->who.kind = HD_AUTHOR_AGENT;
	out->who.id = sqlite3_column_int64(s, 1);
	out->who.role = hd_role_parse((const char *)sqlite3_column_text(s, 2));
	if (csrf && strlen(csrf) == HD_CSRF_LEN)
		memcpy(out->csrf_token, csrf, HD_CSRF_LEN + 1);
	out->created_at = sqlite3_column_int64(s, 4);
	out->last_seen_at = sqlite3_column_int64(s, 5);
	out->expires_at = sqlite3_column_int64(s, 6);
}

int hd_store_session_lookup(struct hd_store *st, const char *token_hash, int64_t now,
			    struct hd_session *out, struct hd_err *err)
{
	struct hd_conn *c;
	sqlite3_stmt *s;
	int rc = hd_db_acquire(st, &c, err);

	if (rc)
		return rc;
	s = hd_db_stmt(c,
		       "SELECT s.id, a.id, a.role, s.csrf_token, s.created_at, s.last_seen_at, "
		       "s.expires_at FROM sessions s JOIN agents a ON a.id = s.agent_id "
		       "WHERE s.token_hash = ?1 AND s.expires_at > ?2 AND a.active = 1",
		       err);
	if (!s) {
		rc = HD_EIO;
	} else {
		sqlite3_bind_text(s, 1, token_hash, -1, SQLITE_STATIC);
		sqlite3_bind_int64(s, 2, now);
		if (sqlite3_step(s) == SQLITE_ROW)
			read_session(s, out);
		else
			rc = hd_err_set(err, HD_EUNAUTH, NULL, "the session has ended; sign in again");
	}
	hd_db_done(s);
	hd_db_release(st, c);
	/* A row without a well-formed CSRF token could never pass a write. */
	if (!rc && !out->csrf_token[0])
		rc = hd_err_set(err, HD_EUNAUTH, NULL, "the session is not valid; sign in again");
	return rc;
}

static int session_touch_job(struct hd_conn *c, void *arg, struct hd_err *err)
{
	struct session_ctx *x = arg;
	sqlite3_stmt *s = hd_db_stmt(c,
				     "UPDATE sessions SET last_seen_at = ?2, expires_at = ?3 "
				     "WHERE id = ?1 AND expires_at > ?2",
				     err);
	int rc = 0;

	if (!s)
		return HD_EIO;
	sqlite3_bind_int64(s, 1, x->s->id);
	sqlite3_bind_int64(s, 2, x->s->last_seen_at);
	sqlite3_bind_int64(s, 3, x->s->expires_at);
	if (sqlite3_step(s) != SQLITE_DONE)
		rc = hd_db_error(c, sqlite3_errcode(c->db), err);
	else if (!sqlite3_changes(c->db))
		rc = hd_err_set(err, HD_EUNAUTH, NULL, "the session has ended; sign in again");
	hd_db_done(s);
	return rc;
}

int hd_store_session_touch(struct hd_store *st, struct hd_session *s, int64_t now,
			   struct hd_err *err)
{
	struct hd_session next = *s;
	struct session_ctx x = { .s = &next };
	int rc;

	next.last_seen_at = now;
	next.expires_at = hd_session_expiry(s->created_at, now);
	rc = hd_writer_run(st, session_touch_job, &x, err);
	if (!rc)
		*s = next;
	return rc;
}

static int session_delete_job(struct hd_conn *c, void *arg, struct hd_err *err)
{
	struct session_ctx *x = arg;
	sqlite3_stmt *s = hd_db_stmt(c,
				     x->agent ? "DELETE FROM sessions WHERE agent_id = ?1"
					      : "DELETE FROM sessions WHERE id = ?1",
				     err);
	int rc = 0;

	if (!s)
		return HD_EIO;
	sqlite3_bind_int64(s, 1, x->agent ? x->agent : x->id);
	if (sqlite3_step(s) != SQLITE_DONE)
		rc = hd_db_error(c, sqlite3_errcode(c->db), err);
	else
		x->n = sqlite3_changes(c->db);
	hd_db_done(s);
	return rc;
}

int hd_store_session_delete(struct hd_store *st, int64_t id, struct hd_err *err)
{
	struct session_ctx x = { .id = id };
	int rc = hd_writer_run(st, session_delete_job, &x, err);

	/* Cached lookups of the session must not outlive it. */
	atomic_fetch_add(&st->auth_epoch, 1);
	return rc;
}

int hd_store_session_delete_agent(struct hd_store *st, int64_t agent_id, int64_t *n,
				  struct hd_err *err)
{
	struct session_ctx x = { .agent = agent_id };
	int rc = hd_writer_run(st, session_delete_job, &x, err);

	atomic_fetch_add(&st->auth_epoch, 1);
	if (n)
		*n = x.n;
	return rc;
}
