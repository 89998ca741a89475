/*
 * portal.c — customers signing in to the portal (tables `portal_sessions`
 * and `portal_links_used`, schema migration 6).
 *
 * A customer asks for a link with their e-mail address; when it is one of
 * a customer's e-mail identities, a mail (outbox kind "magic_link", about
 * no ticket) carries <public_url>/portal/signin/<token>, the token signed
 * with the desk's mail key (util/signin_link.h), naming the customer and
 * when it expires. Nothing is stored when a link is sent; when one is used,
 * the SHA-256 of the token is kept until the link would have expired, so
 * it works once.
 *
 * Portal sessions are the agents' (sessions.c) kept apart: their own table,
 * their own cookie, the SHA-256 of the cookie's token only, a CSRF token,
 * a sliding end (HD_PORTAL_IDLE_MS) capped at HD_PORTAL_MAX_MS.
 *
 * Must never: tell the caller whether an address is known beyond `queued`
 * (the HTTP layer answers the same either way); keep a session token or a
 * link token itself.
 */
#include <stdio.h>
#include <string.h>

#include "store/sqlite/internal.h"
#include "util/sbuf.h"
#include "util/secret.h"
#include "util/signin_link.h"
#include "util/timeutil.h"
#include "util/banned.h"

/* ---- asking for a link --------------------------------------------------------- */

struct link_ctx {
	const char *email;
	int64_t now;
	int queued;
};

/* The sign-in mail for customer `name` into `subj` and `body`. */
static int link_mail(const struct hd_store *st, const char *name, const char *url,
		     int64_t expires, struct hd_sbuf *subj, struct hd_sbuf *body)
{
	char until[HD_RFC3339_LEN];
	int rc = hd_sbuf_addf(subj, "Your sign-in link for %s", st->desk_name);

	hd_time_format(expires, until);
	rc = rc ? rc
		: hd_sbuf_addf(body,
			       "Hello%s%s,\n\n"
			       "here is your link to see your requests with %s:\n\n%s\n\n"
			       "It works once, until %s (30 minutes). If you did not ask for it, "
			       "you can ignore this mail: nobody can sign in without it.\n\n"
			       "-- \n%s\n",
			       name[0] ? " " : "", name, st->desk_name, url, until, st->desk_name);
	return rc;
}

static int link_job(struct hd_conn *c, void *arg, struct hd_err *err)
{
	struct link_ctx *x = arg;
	const struct hd_store *st = c->st;
	struct hd_outbox_new o;
	struct hd_sbuf subj, body;
	sqlite3_stmt *s;
	char token[HD_PORTAL_TOKEN_MAX], url[512], name[256] = "", msgid[HD_MSGID_MAX];
	int64_t customer = 0, expires = x->now + HD_PORTAL_LINK_MS, oid;
	int rc;

	s = hd_db_stmt(c,
		       "SELECT c.id, c.name FROM identities i JOIN customers c ON c.id = i.customer_id "
		       "WHERE i.kind = 'email' AND i.value = ?1 AND i.bounced_at IS NULL",
		       err);
	if (!s)
		return HD_EIO;
	sqlite3_bind_text(s, 1, x->email, -1, SQLITE_STATIC);
	if (sqlite3_step(s) == SQLITE_ROW) {
		customer = sqlite3_column_int64(s, 0);
		snprintf(name, sizeof(name), "%s", (const char *)sqlite3_column_text(s, 1));
	}
	hd_db_done(s);
	if (!customer)
		return 0;
	rc = hd_signin_link_make(st->mail_key, customer, expires, token, sizeof(token));
	if (rc)
		return hd_err_set(err, rc, NULL, "cannot sign the sign-in link");
	snprintf(url, sizeof(url), "%s/portal/signin/%s", st->public_url, token);
	hd_sbuf_init(&subj, 2048);
	hd_sbuf_init(&body, 8192);
	rc = link_mail(st, name, url, expires, &subj, &body);
	if (rc) {
		rc = hd_err_set(err, rc, NULL, "the sign-in mail is too long");
		goto out;
	}
	memset(&o, 0, sizeof(o));
	o.kind = "magic_link";
	o.to_addr = x->email;
	o.subject = subj.buf;
	o.body_text = body.buf;
	o.auto_submitted = "auto-generated";
	rc = hd_outbox_queue(c, &o, x->now, &oid, msgid, err);
	x->queued = !rc;
out:
	hd_sbuf_release(&subj);
	hd_sbuf_release(&body);
	return rc;
}

int hd_store_portal_link_request(struct hd_store *st, const char *email, int64_t now,
				 int *queued, struct hd_err *err)
{
	struct link_ctx x = { email, now, 0 };
	int rc = hd_writer_run(st, link_job, &x, err);

	if (queued)
		*queued = x.queued;
	return rc;
}

/* ---- signing in ------------------------------------------------------------- */

struct signin_ctx {
	const char *token;
	const struct hd_session_new *in;
	struct hd_portal_session *out;
};

/* Run `sql` with ?1 = `v`; 0 or the error. `*changes` (may be NULL) how
 * many rows it changed. */
static int exec1(struct hd_conn *c, const char *sql, int64_t v, int64_t *changes,
		 struct hd_err *err)
{
	sqlite3_stmt *s = hd_db_stmt(c, sql, err);
	int step;

	if (!s)
		return HD_EIO;
	sqlite3_bind_int64(s, 1, v);
	step = sqlite3_step(s);
	if (changes)
		*changes = sqlite3_changes(c->db);
	hd_db_done(s);
	return step == SQLITE_DONE ? 0 : hd_db_error(c, step, err);
}

static int unusable(struct hd_err *err)
{
	return hd_err_set(err, HD_EUNAUTH, "token",
			  "this sign-in link is not valid, has expired or was used already; ask "
			  "for a new one");
}

/* Inside a write: remember that link `token` (expiring at `expires`) was
 * used; HD_EUNAUTH when it had been. */
static int mark_used(struct hd_conn *c, const char *token, int64_t expires, int64_t now,
		     struct hd_err *err)
{
	char hash[HD_HASH_HEX_LEN + 1];
	sqlite3_stmt *s;
	int rc = exec1(c, "DELETE FROM portal_links_used WHERE expires_at <= ?1", now, NULL, err);

	if (rc)
		return rc;
	hd_secret_sha256_hex(token, strlen(token), hash);
	s = hd_db_stmt(c,
		       "INSERT INTO portal_links_used (token_hash, used_at, expires_at) "
		       "VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING",
		       err);
	if (!s)
		return HD_EIO;
	sqlite3_bind_text(s, 1, hash, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, now);
	sqlite3_bind_int64(s, 3, expires);
	if (sqlite3_step(s) != SQLITE_DONE)
		rc = hd_db_error(c, sqlite3_errcode(c->db), err);
	else if (!sqlite3_changes(c->db))
		rc = unusable(err);
	hd_db_done(s);
	return rc;
}

/* When a portal session started at `created` and used at `now` ends. */
static int64_t portal_expiry(int64_t created, int64_t now)
{
	int64_t idle = now + HD_PORTAL_IDLE_MS, max = created + HD_PORTAL_MAX_MS;

	return idle < max ? idle : max;
}

static int signin_job(struct hd_conn *c, void *arg, struct hd_err *err)
{
	struct signin_ctx *x = arg;
	const struct hd_session_new *in = x->in;
	struct hd_portal_session *o = x->out;
	int64_t customer, expires, n;
	sqlite3_stmt *s;
	int rc;

	if (!hd_signin_link_check(c->st->mail_key, x->token, &customer, &expires) ||
	    expires <= in->now)
		return unusable(err);
	rc = mark_used(c, x->token, expires, in->now, err);
	rc = rc ? rc
		: exec1(c, "DELETE FROM portal_sessions WHERE expires_at <= ?1", in->now, NULL,
			err);
	if (rc)
		return rc;
	s = hd_db_stmt(c,
		       "INSERT INTO portal_sessions (customer_id, token_hash, csrf_token, "
		       "created_at, last_seen_at, expires_at, ip, user_agent) "
		       "SELECT id, ?2, ?3, ?4, ?4, ?5, substr(?6, 1, 64), substr(?7, 1, 255) "
		       "FROM customers WHERE id = ?1",
		       err);
	if (!s)
		return HD_EIO;
	memset(o, 0, sizeof(*o));
	o->customer_id = customer;
	o->created_at = o->last_seen_at = in->now;
	o->expires_at = portal_expiry(in->now, in->now);
	snprintf(o->csrf_token, sizeof(o->csrf_token), "%s", in->csrf_token);
	sqlite3_bind_int64(s, 1, customer);
	sqlite3_bind_text(s, 2, in->token_hash, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, in->csrf_token, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 4, in->now);
	sqlite3_bind_int64(s, 5, o->expires_at);
	hd_db_bind_text(s, 6, in->ip);
	hd_db_bind_text(s, 7, in->user_agent);
	if (sqlite3_step(s) != SQLITE_DONE) {
		rc = hd_db_error(c, sqlite3_errcode(c->db), err);
	} else {
		n = sqlite3_changes(c->db);
		o->id = sqlite3_last_insert_rowid(c->db);
		if (!n)
			rc = unusable(err); /* the customer is gone */
	}
	hd_db_done(s);
	return rc;
}

int hd_store_portal_signin(struct hd_store *st, const char *token,
			   const struct hd_session_new *in, struct hd_portal_session *out,
			   struct hd_err *err)
{
	struct signin_ctx x = { token, in, out };

	return hd_writer_run(st, signin_job, &x, err);
}

/* ---- the session on later requests -------------------------------------------- */

int hd_store_portal_session_lookup(struct hd_store *st, const char *token_hash, int64_t now,
				   struct hd_portal_session *out, struct hd_err *err)
{
	struct hd_conn *c;
	sqlite3_stmt *s;
	int rc = hd_db_acquire(st, &c, err);

	if (rc)
		return rc;
	s = hd_db_stmt(c,
		       "SELECT id, customer_id, csrf_token, created_at, last_seen_at, expires_at "
		       "FROM portal_sessions WHERE token_hash = ?1 AND expires_at > ?2",
		       err);
	if (!s) {
		rc = HD_EIO;
	} else {
		sqlite3_bind_text(s, 1, token_hash, -1, SQLITE_STATIC);
		sqlite3_bind_int64(s, 2, now);
		memset(out, 0, sizeof(*out));
		if (sqlite3_step(s) == SQLITE_ROW) {
			const char *csrf = (const char *)sqlite3_column_text(s, 2);

			out->id = sqlite3_column_int64(s, 0);
			out->customer_id = sqlite3_column_int64(s, 1);
			if (csrf && strlen(csrf) == HD_CSRF_LEN)
				memcpy(out->csrf_token, csrf, HD_CSRF_LEN + 1);
			out->created_at = sqlite3_column_int64(s, 3);
			out->last_seen_at = sqlite3_column_int64(s, 4);
			out->expires_at = sqlite3_column_int64(s, 5);
		} else {
			rc = hd_err_set(err, HD_EUNAUTH, NULL, "the session has ended; sign in again");
		}
	}
	hd_db_done(s);
	hd_db_release(st, c);
	if (!rc && !out->csrf_token[0])
		rc = hd_err_set(err, HD_EUNAUTH, NULL, "the session is not valid; sign in again");
	return rc;
}

struct touch_ctx {
	const struct hd_portal_session *s;
};

static int touch_job(struct hd_conn *c, void *arg, struct hd_err *err)
{
	const struct hd_portal_session *p = ((struct touch_ctx *)arg)->s;
	sqlite3_stmt *s = hd_db_stmt(c,
				     "UPDATE portal_sessions SET last_seen_at = ?2, expires_at = ?3 "
				     "WHERE id = ?1 AND expires_at > ?2",
				     err);
	int rc = 0;

	if (!s)
		return HD_EIO;
	sqlite3_bind_int64(s, 1, p->id);
	sqlite3_bind_int64(s, 2, p->last_seen_at);
	sqlite3_bind_int64(s, 3, p->expires_at);
	if (sqlite3_step(s) != SQLITE_DONE)
		rc = hd_db_error(c, sqlite3_errcode(c->db), err);
	else if (!sqlite3_changes(c->db))
		rc = hd_err_set(err, HD_EUNAUTH, NULL, "the session has ended; sign in again");
	hd_db_done(s);
	return rc;
}

int hd_store_portal_session_touch(struct hd_store *st, struct hd_portal_session *s, int64_t now,
				  struct hd_err *err)
{
	struct hd_portal_session next = *s;
	struct touch_ctx x = { &next };
	int rc;

	next.last_seen_at = now;
	next.expires_at = portal_expiry(s->created_at, now);
	rc = hd_writer_run(st, touch_job, &x, err);
	if (!rc)
		*s = next;
	return rc;
}

struct delete_ctx {
	int64_t id;
};

static int delete_job(struct hd_conn *c, void *arg, struct hd_err *err)
{
	return exec1(c, "DELETE FROM portal_sessions WHERE id = ?1",
		     ((struct delete_ctx *)arg)->id, NULL, err);
}

int hd_store_portal_session_delete(struct hd_store *st, int64_t id, struct hd_err *err)
{
	struct delete_ctx x = { id };

	return hd_writer_run(st, delete_job, &x, err);
}
