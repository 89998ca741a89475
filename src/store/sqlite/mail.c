/*
 * mail.c — storing accepted e-mail: deduplication, threading, bounces,
 * quarantine and IMAP positions.
 *
 * The mail shell (src/mail/) has parsed the message, written its blobs and
 * decided what it can decide without the database; here, inside one write,
 * the facts are gathered (which tickets the message names, whether the
 * sender belongs to them), domain/mailrules decides, and the ticket, the
 * message, the acknowledgement and the events are written together with the
 * row that makes re-delivery a no-op.
 */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "domain/mailrules.h"
#include "store/sqlite/internal.h"
#include "util/secret.h"
#include "util/timeutil.h"
#include "util/banned.h"

#define MAX_CANDIDATES 8

static const struct hd_actor SYSTEM = { HD_AUTHOR_SYSTEM, 0, HD_ROLE_AGENT };

/* Step a statement expecting at most one row whose column 0 is an id. */
static int one_id(struct hd_conn *c, sqlite3_stmt *s, int64_t *id, struct hd_err *err)
{
	int step = sqlite3_step(s), rc = 0;

	*id = 0;
	if (step == SQLITE_ROW)
		*id = sqlite3_column_int64(s, 0);
	else if (step != SQLITE_DONE)
		rc = hd_db_error(c, step, err);
	hd_db_done(s);
	return rc;
}

/* Keep the raw message (once per content). */
static int keep_raw(struct hd_conn *c, const void *raw, size_t len, const char *sha,
		    struct hd_err *err)
{
	sqlite3_stmt *s = hd_db_stmt(c, "INSERT OR IGNORE INTO mail_raw (sha256, data) VALUES (?1, ?2)",
				     err);
	int rc = 0;

	if (!s)
		return HD_EIO;
	sqlite3_bind_text(s, 1, sha, -1, SQLITE_STATIC);
	sqlite3_bind_blob64(s, 2, raw, len, SQLITE_STATIC);
	if (sqlite3_step(s) != SQLITE_DONE)
		rc = hd_db_error(c, sqlite3_errcode(c->db), err);
	hd_db_done(s);
	return rc;
}

static int seen_before(struct hd_conn *c, const struct hd_mail_new *in,
		       struct hd_mail_result *res, struct hd_err *err)
{
	sqlite3_stmt *s = hd_db_stmt(c,
				     "SELECT ticket_id, msg_id FROM mail_seen "
				     "WHERE message_id = ?1 AND content_hash = ?2",
				     err);
	int step, rc = 0;

	if (!s)
		return HD_EIO;
	sqlite3_bind_text(s, 1, in->message_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, in->content_hash, -1, SQLITE_STATIC);
	step = sqlite3_step(s);
	if (step == SQLITE_ROW) {
		res->outcome = HD_MAIL_DUPLICATE;
		res->ticket_id = sqlite3_column_int64(s, 0);
		res->message_id = sqlite3_column_int64(s, 1);
		res->why = "the same message was delivered before";
		rc = 1;
	} else if (step != SQLITE_DONE) {
		rc = hd_db_error(c, step, err);
	}
	hd_db_done(s);
	return rc;
}

static int remember(struct hd_conn *c, const struct hd_mail_new *in,
		    const struct hd_mail_result *res, int64_t now, struct hd_err *err)
{
	sqlite3_stmt *s = hd_db_stmt(c,
				     "INSERT INTO mail_seen (message_id, content_hash, ticket_id, "
				     "msg_id, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
				     err);
	int rc = 0;

	if (!s)
		return HD_EIO;
	sqlite3_bind_text(s, 1, in->message_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, in->content_hash, -1, SQLITE_STATIC);
	hd_db_bind_id(s, 3, res->ticket_id);
	hd_db_bind_id(s, 4, res->message_id);
	sqlite3_bind_int64(s, 5, now);
	if (sqlite3_step(s) != SQLITE_DONE)
		rc = hd_db_error(c, sqlite3_errcode(c->db), err);
	hd_db_done(s);
	return rc;
}

/* ---- threading ----------------------------------------------------------- */

/* The ticket a stored message with Message-ID `id` belongs to, or 0. */
static int known_id(struct hd_conn *c, const char *id, int64_t *ticket, struct hd_err *err)
{
	sqlite3_stmt *s = hd_db_stmt(c,
				     "SELECT ticket_id FROM messages WHERE source_id = ?1 "
				     "ORDER BY id DESC LIMIT 1",
				     err);

	if (!s)
		return HD_EIO;
	sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
	return one_id(c, s, ticket, err);
}

/* Whether one of `refs` is an automatic mail we sent (an acknowledgement):
 * a message answering it is never acknowledged again. */
static int answers_our_auto_mail(struct hd_conn *c, const struct hd_mail_new *in, int *yes,
				 struct hd_err *err)
{
	*yes = 0;
	for (size_t i = 0; i < in->nreferences && !*yes; i++) {
		sqlite3_stmt *s = hd_db_stmt(c,
					     "SELECT 1 FROM outbox WHERE message_id = '<' || ?1 || '>' "
					     "AND auto_submitted IS NOT NULL",
					     err);
		int64_t hit;
		int rc;

		if (!s)
			return HD_EIO;
		sqlite3_bind_text(s, 1, in->references[i], -1, SQLITE_STATIC);
		rc = one_id(c, s, &hit, err);
		if (rc)
			return rc;
		*yes = hit != 0;
	}
	return 0;
}

/* Fill in what the store knows about candidate `k` for sender `from`. */
static int candidate_facts(struct hd_conn *c, struct hd_thread_candidate *k, const char *from,
			   struct hd_err *err)
{
	sqlite3_stmt *s = hd_db_stmt(c,
				     "SELECT t.status, "
				     " EXISTS (SELECT 1 FROM identities i WHERE i.kind = 'email' "
				     "   AND i.value = ?2 AND i.customer_id = t.customer_id), "
				     " EXISTS (SELECT 1 FROM ticket_participants p "
				     "   WHERE p.ticket_id = t.id AND p.addr = ?2) "
				     "FROM tickets t WHERE t.id = ?1",
				     err);
	int step, rc = 0;

	if (!s)
		return HD_EIO;
	sqlite3_bind_int64(s, 1, k->ticket_id);
	sqlite3_bind_text(s, 2, from, -1, SQLITE_STATIC);
	step = sqlite3_step(s);
	k->exists = step == SQLITE_ROW;
	if (k->exists) {
		k->status = hd_status_parse((const char *)sqlite3_column_text(s, 0));
		k->sender_is_customer = sqlite3_column_int(s, 1);
		k->sender_is_participant = sqlite3_column_int(s, 2);
	} else if (step != SQLITE_DONE) {
		rc = hd_db_error(c, step, err);
	}
	hd_db_done(s);
	return rc;
}

static void add_candidate(struct hd_thread_candidate *k, size_t *n, int64_t ticket,
			  enum hd_thread_via via)
{
	if (ticket <= 0 || *n == MAX_CANDIDATES)
		return;
	for (size_t i = 0; i < *n; i++)
		if (k[i].ticket_id == ticket)
			return;
	memset(&k[*n], 0, sizeof(k[*n]));
	k[*n].ticket_id = ticket;
	k[(*n)++].via = via;
}

/* Candidates strongest first: our signed ids, then ids we stored, then the
 * subject tag, then the plus-address. */
static int thread(struct hd_conn *c, const struct hd_mail_new *in,
		  struct hd_thread_decision *d, struct hd_err *err)
{
	struct hd_thread_candidate k[MAX_CANDIDATES];
	size_t n = 0;
	int64_t t;
	int rc = 0;

	for (size_t i = 0; i < in->nreferences; i++)
		if (hd_msgid_ticket(c->st->mail_key, in->references[i], &t))
			add_candidate(k, &n, t, HD_VIA_SIGNED_ID);
	for (size_t i = 0; i < in->nreferences && i < 20 && !rc; i++) {
		rc = known_id(c, in->references[i], &t, err);
		add_candidate(k, &n, t, HD_VIA_KNOWN_ID);
	}
	add_candidate(k, &n, in->subject_ticket, HD_VIA_SUBJECT);
	add_candidate(k, &n, in->plus_ticket, HD_VIA_PLUS);
	for (size_t i = 0; i < n && !rc; i++)
		rc = candidate_facts(c, &k[i], in->sender_addr, err);
	if (!rc)
		hd_thread_decide(k, n, d);
	return rc;
}

static int add_participants(struct hd_conn *c, int64_t ticket, const struct hd_mail_new *in,
			    struct hd_err *err)
{
	int rc = 0;

	for (size_t i = 0; i <= in->nparticipants && !rc; i++) {
		const char *addr = i == in->nparticipants ? in->sender_addr : in->participants[i];
		sqlite3_stmt *s = hd_db_stmt(c,
					     "INSERT OR IGNORE INTO ticket_participants (ticket_id, "
					     "addr) VALUES (?1, ?2)",
					     err);

		if (!s)
			return HD_EIO;
		sqlite3_bind_int64(s, 1, ticket);
		sqlite3_bind_text(s, 2, addr, -1, SQLITE_STATIC);
		if (sqlite3_step(s) != SQLITE_DONE)
			rc = hd_db_error(c, sqlite3_errcode(c->db), err);
		hd_db_done(s);
	}
	return rc;
}

/* ---- bounces ------------------------------------------------------------- */

/* The signed Message-ID of ours a bounce returns (the bounced message's own
 * id, else one it refers to), with its ticket; NULL when none. */
static const char *bounced_id(struct hd_conn *c, const struct hd_mail_new *in, int64_t *t)
{
	if (in->bounce_orig_id && hd_msgid_ticket(c->st->mail_key, in->bounce_orig_id, t))
		return in->bounce_orig_id;
	for (size_t i = 0; i < in->nreferences; i++)
		if (hd_msgid_ticket(c->st->mail_key, in->references[i], t))
			return in->references[i];
	*t = 0;
	return NULL;
}

/* A delivery status notification. The address is marked as bouncing only
 * when the bounce returns a mail we sent to that very address (our signed
 * Message-ID, the outbox row's recipient): anyone can send a report naming
 * any address, and a forged one must not silence a customer's
 * acknowledgements. */
static int bounce(struct hd_conn *c, const struct hd_mail_new *in, struct hd_mail_result *res,
		  int64_t now, struct hd_err *err)
{
	sqlite3_stmt *s;
	const char *ours;
	int64_t t = 0, iid = 0, sent = 0;
	int rc = 0;

	res->outcome = HD_MAIL_BOUNCE;
	res->why = "delivery status notification";
	ours = bounced_id(c, in, &t);
	if (!ours)
		return 0; /* about no mail of ours: kept (mail_raw), nothing to note */
	if (in->bounce_recipient) {
		s = hd_db_stmt(c,
			       "SELECT id FROM outbox WHERE message_id = '<' || ?1 || '>' "
			       "AND to_addr = ?2",
			       err);
		if (!s)
			return HD_EIO;
		sqlite3_bind_text(s, 1, ours, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 2, in->bounce_recipient, -1, SQLITE_STATIC);
		rc = one_id(c, s, &sent, err);
	}
	if (!rc && sent) {
		s = hd_db_stmt(c,
			       "UPDATE identities SET bounced_at = ?2, bounce_reason = ?3 "
			       "WHERE kind = 'email' AND value = ?1 RETURNING id",
			       err);
		if (!s)
			return HD_EIO;
		sqlite3_bind_text(s, 1, in->bounce_recipient, -1, SQLITE_STATIC);
		sqlite3_bind_int64(s, 2, now);
		sqlite3_bind_text(s, 3, in->bounce_reason ? in->bounce_reason : "bounced", -1,
				  SQLITE_STATIC);
		rc = one_id(c, s, &iid, err);
	}
	if (rc)
		return rc;
	s = hd_db_stmt(c, "SELECT id FROM tickets WHERE id = ?1", err);
	if (!s)
		return HD_EIO;
	sqlite3_bind_int64(s, 1, t);
	rc = one_id(c, s, &res->ticket_id, err);
	if (rc || !res->ticket_id)
		return rc;
	return hd_event_json(c, t, &SYSTEM, "mail.bounced",
			     json_pack("{s:s?,s:s?,s:s,s:b}", "address", in->bounce_recipient,
				       "reason", in->bounce_reason, "raw_sha256", in->raw_sha256,
				       "identity_marked", iid != 0),
			     now, err);
}

/* Mail from `addr` shows the address works again: clear its bounce mark.
 * (A server's "250" for our mail does not: bounces come later.) */
static int unbounce(struct hd_conn *c, const char *addr, struct hd_err *err)
{
	sqlite3_stmt *s = hd_db_stmt(c,
				     "UPDATE identities SET bounced_at = NULL, bounce_reason = NULL "
				     "WHERE kind = 'email' AND value = ?1 AND bounced_at IS NOT NULL",
				     err);
	int rc = 0;

	if (!s)
		return HD_EIO;
	sqlite3_bind_text(s, 1, addr, -1, SQLITE_STATIC);
	if (sqlite3_step(s) != SQLITE_DONE)
		rc = hd_db_error(c, sqlite3_errcode(c->db), err);
	hd_db_done(s);
	return rc;
}

/* ---- ingest ---------------------------------------------------------------- */

static int ingest_one(struct hd_conn *c, const struct hd_mail_new *in, struct hd_mail_result *res,
		      int64_t now, struct hd_err *err)
{
	struct hd_thread_decision d;
	struct hd_actor who = { HD_AUTHOR_CUSTOMER, 0, HD_ROLE_AGENT };
	int auto_ref = 0;
	int rc;

	memset(res, 0, sizeof(*res));
	rc = seen_before(c, in, res, err);
	if (rc)
		return rc < 0 ? rc : 0;
	rc = keep_raw(c, in->raw, in->raw_len, in->raw_sha256, err);
	if (rc)
		return rc;
	if (in->is_bounce) {
		rc = bounce(c, in, res, now, err);
		return rc ? rc : remember(c, in, res, now, err);
	}
	rc = thread(c, in, &d, err);
	rc = rc ? rc : unbounce(c, in->sender_addr, err);
	if (rc)
		return rc;
	res->why = d.why;
	if (d.action == HD_THREAD_APPEND) {
		struct hd_requester r = { 0, HD_IDKIND_EMAIL, in->sender_addr, in->from_name };
		struct hd_message_new m;

		memset(&m, 0, sizeof(m));
		rc = hd_customer_resolve(c, &r, now, &who.id, err);
		if (rc)
			return rc;
		m.author = HD_AUTHOR_CUSTOMER;
		m.author_id = who.id;
		m.visibility = in->internal ? HD_VIS_INTERNAL : HD_VIS_PUBLIC;
		m.text = in->text;
		m.display_text = in->display_text;
		m.html = in->html;
		m.source_id = in->message_id;
		m.raw_sha256 = in->raw_sha256;
		m.attachments = in->attachments;
		m.nattachments = in->nattachments;
		res->outcome = HD_MAIL_APPENDED;
		res->ticket_id = d.ticket_id;
		rc = hd_ticket_add_message(c, &who, d.ticket_id, &m, now, &res->message_id, err);
	} else {
		struct hd_ticket_new t;

		rc = answers_our_auto_mail(c, in, &auto_ref, err);
		if (rc)
			return rc;
		memset(&t, 0, sizeof(t));
		t.subject = in->subject && *in->subject ? in->subject : "(no subject)";
		t.requester.kind = HD_IDKIND_EMAIL;
		t.requester.value = in->from_addr;
		t.requester.name = in->from_name;
		t.created_by = HD_AUTHOR_CUSTOMER;
		t.priority = HD_PRIORITY_NORMAL;
		t.channel = HD_CHANNEL_EMAIL;
		t.team_name = in->team_name;
		t.text = in->text;
		t.display_text = in->display_text;
		t.html = in->html;
		t.attachments = in->attachments;
		t.nattachments = in->nattachments;
		t.source_id = in->message_id;
		t.raw_sha256 = in->raw_sha256;
		t.internal = in->internal;
		t.no_ack_reason = in->no_ack_reason  ? in->no_ack_reason
				  : auto_ref     ? HD_MAIL_REASON_OUR_AUTO
				  : in->internal ? "the mail was forwarded as a note"
						 : NULL;
		if (d.action != HD_THREAD_NEW) {
			t.related_id = d.ticket_id;
			t.related_kind = d.action == HD_THREAD_FOLLOW_UP ? "follow_up" : "linked";
			res->related_id = d.ticket_id;
		}
		res->outcome = HD_MAIL_CREATED;
		rc = hd_ticket_insert(c, &who, &t, now, &res->ticket_id, err);
		if (!rc) {
			sqlite3_stmt *s = hd_db_stmt(c,
						     "SELECT id FROM messages WHERE ticket_id = ?1 "
						     "ORDER BY id LIMIT 1",
						     err);

			if (!s)
				return HD_EIO;
			sqlite3_bind_int64(s, 1, res->ticket_id);
			rc = one_id(c, s, &res->message_id, err);
		}
		if (!rc && d.action != HD_THREAD_NEW)
			rc = hd_event_json(c, d.ticket_id, &SYSTEM, "ticket.linked",
					   json_pack("{s:I,s:s,s:s}", "ticket_id",
						     (json_int_t)res->ticket_id, "kind",
						     t.related_kind, "why", d.why),
					   now, err);
	}
	rc = rc ? rc : add_participants(c, res->ticket_id, in, err);
	rc = rc ? rc
		: hd_event_json(c, res->ticket_id, &SYSTEM, "mail.received",
				json_pack("{s:s,s:s,s:I,s:s,s:s}", "mail_id", in->message_id, "from",
					  in->sender_addr, "message_id",
					  (json_int_t)res->message_id, "why", d.why, "raw_sha256",
					  in->raw_sha256),
				now, err);
	return rc ? rc : remember(c, in, res, now, err);
}

static int save_mark(struct hd_conn *c, const struct hd_mailbox_mark *m, int64_t now,
		     struct hd_err *err)
{
	sqlite3_stmt *s = hd_db_stmt(c,
				     "INSERT INTO mailbox_state (name, uidvalidity, last_uid, "
				     "updated_at) VALUES (?1, ?2, ?3, ?4) ON CONFLICT (name) DO "
				     "UPDATE SET uidvalidity = ?2, last_uid = ?3, updated_at = ?4",
				     err);
	int rc = 0;

	if (!s)
		return HD_EIO;
	sqlite3_bind_text(s, 1, m->name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, m->uidvalidity);
	sqlite3_bind_int64(s, 3, m->last_uid);
	sqlite3_bind_int64(s, 4, now);
	if (sqlite3_step(s) != SQLITE_DONE)
		rc = hd_db_error(c, sqlite3_errcode(c->db), err);
	hd_db_done(s);
	return rc;
}

struct ingest_ctx {
	const struct hd_mail_new *in;
	size_t n;
	struct hd_mail_result *res;
	const struct hd_mailbox_mark *mark;
	int64_t now;
};

static int ingest_job(struct hd_conn *c, void *arg, struct hd_err *err)
{
	struct ingest_ctx *x = arg;
	int rc;

	/* All or nothing: no savepoint per message, whose statement journal
	 * would copy every hot page again for each message. The caller retries
	 * a failed batch message by message. */
	for (size_t i = 0; i < x->n; i++) {
		rc = ingest_one(c, &x->in[i], &x->res[i], x->now, err);
		if (rc)
			return rc;
	}
	return x->mark ? save_mark(c, x->mark, x->now, err) : 0;
}

int hd_store_mail_ingest(struct hd_store *st, const struct hd_mail_new *in,
			 struct hd_mail_result *res, struct hd_err *err)
{
	struct ingest_ctx x = { in, 1, res, NULL, hd_now_ms() };

	return hd_writer_run(st, ingest_job, &x, err);
}

int hd_store_mail_ingest_batch(struct hd_store *st, const struct hd_mail_new *in, size_t n,
			       struct hd_mail_result *res, const struct hd_mailbox_mark *mark,
			       struct hd_err *err)
{
	struct ingest_ctx x = { in, n, res, mark, hd_now_ms() };

	return hd_writer_run(st, ingest_job, &x, err);
}

/* ---- quarantine ---------------------------------------------------------- */

struct quarantine_ctx {
	const void *raw;
	size_t len;
	const char *reason, *source;
	int64_t now, id;
	char sha[65];
};

static int quarantine_job(struct hd_conn *c, void *arg, struct hd_err *err)
{
	struct quarantine_ctx *x = arg;
	int rc = keep_raw(c, x->raw, x->len, x->sha, err);
	sqlite3_stmt *s = rc ? NULL : hd_db_stmt(c,
				     "INSERT INTO mail_quarantine (raw_sha256, size, reason, source, "
				     "created_at) VALUES (?1, ?2, ?3, ?4, ?5) "
				     "ON CONFLICT (raw_sha256, source) DO UPDATE SET reason = ?3 "
				     "RETURNING id",
				     err);

	if (rc || !s)
		return rc ? rc : HD_EIO;
	sqlite3_bind_text(s, 1, x->sha, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, (int64_t)x->len);
	sqlite3_bind_text(s, 3, x->reason, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, x->source, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 5, x->now);
	return one_id(c, s, &x->id, err);
}

int hd_store_mail_quarantine(struct hd_store *st, const void *raw, size_t len,
			     const char *reason, const char *source, int64_t *id,
			     struct hd_err *err)
{
	struct quarantine_ctx x = { raw, len, reason, source, hd_now_ms(), 0, "" };
	int rc;

	hd_secret_sha256_hex(raw, len, x.sha);
	rc = hd_writer_run(st, quarantine_job, &x, err);

	*id = x.id;
	return rc;
}

static void read_quarantined(sqlite3_stmt *s, void *item, struct hd_arena *a)
{
	struct hd_quarantined *q = item;

	q->id = sqlite3_column_int64(s, 0);
	q->raw_sha256 = hd_db_text(s, 1, a);
	q->size = sqlite3_column_int64(s, 2);
	q->reason = hd_db_text(s, 3, a);
	q->source = hd_db_text(s, 4, a);
	q->created_at = sqlite3_column_int64(s, 5);
}

int hd_store_quarantine_list(struct hd_store *st, int64_t after, int limit,
			     struct hd_quarantined **out, size_t *n, int64_t *next,
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
	s = hd_db_stmt(c,
		       "SELECT id, raw_sha256, size, reason, source, created_at FROM mail_quarantine "
		       "WHERE (?1 = 0 OR id < ?1) ORDER BY id DESC LIMIT ?2",
		       err);
	if (!s) {
		rc = HD_EIO;
	} else {
		sqlite3_bind_int64(s, 1, after);
		sqlite3_bind_int(s, 2, limit + 1);
		rc = hd_db_collect(c, s, sizeof(**out), limit, read_quarantined, (void **)out, n,
				   next, a, err);
	}
	hd_db_release(st, c);
	return rc;
}

/* ---- mailbox positions --------------------------------------------------- */

int hd_store_mailbox_get(struct hd_store *st, const char *name, uint32_t *uidvalidity,
			 uint32_t *last_uid, struct hd_err *err)
{
	struct hd_conn *c;
	sqlite3_stmt *s;
	int rc = hd_db_acquire(st, &c, err);

	*uidvalidity = *last_uid = 0;
	if (rc)
		return rc;
	s = hd_db_stmt(c, "SELECT uidvalidity, last_uid FROM mailbox_state WHERE name = ?1", err);
	if (!s) {
		rc = HD_EIO;
	} else {
		int step;

		sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
		step = sqlite3_step(s);
		if (step == SQLITE_ROW) {
			*uidvalidity = (uint32_t)sqlite3_column_int64(s, 0);
			*last_uid = (uint32_t)sqlite3_column_int64(s, 1);
		} else if (step != SQLITE_DONE) {
			/* never "not read yet" by mistake: that re-reads the folder */
			rc = hd_db_error(c, step, err);
		}
		hd_db_done(s);
	}
	hd_db_release(st, c);
	return rc;
}

struct mark_ctx {
	const struct hd_mailbox_mark *mark;
	int64_t now;
};

static int mark_job(struct hd_conn *c, void *arg, struct hd_err *err)
{
	struct mark_ctx *x = arg;

	return save_mark(c, x->mark, x->now, err);
}

int hd_store_mailbox_set(struct hd_store *st, const struct hd_mailbox_mark *mark,
			 struct hd_err *err)
{
	struct mark_ctx x = { mark, hd_now_ms() };

	return hd_writer_run(st, mark_job, &x, err);
}
