/*
 * outmail.c — the mail a write queues in the outbox: the acknowledgement
 * of a new ticket (unless the mail was automatic, the address bounced or
 * the per-address limit is reached, each recorded as ack.skipped) and an
 * agent's public reply, threaded to the customer's mail. Both get a signed
 * Message-ID (outbox.c) and are written in the transaction that caused them.
 */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "domain/ack.h"
#include "domain/mailrules.h"
#include "store/sqlite/internal.h"
#include "util/sbuf.h"
#include "util/timeutil.h"
#include "util/banned.h"

/* A Message-ID we can quote in In-Reply-To/References: printable ASCII,
 * no spaces or angle brackets, at most 250 bytes. Senders' ids are not
 * always that (8-bit, huge); such an id is left out rather than making the
 * whole mail impossible to send. */
static int usable_id(const char *id)
{
	size_t n = 0;

	if (!id)
		return 0;
	for (; id[n]; n++)
		if ((unsigned char)id[n] <= 0x20 || (unsigned char)id[n] >= 0x7f || id[n] == '<' ||
		    id[n] == '>' || n >= 250)
			return 0;
	return n > 0;
}

/* The customer's e-mail address to write to: the one given (`preferred`,
 * the address they wrote from) or their first e-mail identity. Empty when
 * they have none. `*bounced` tells whether mail to it bounced. */
static int mail_address(struct hd_conn *c, const char *preferred, int64_t customer_id, char *out,
			size_t outlen, int *bounced, struct hd_err *err)
{
	sqlite3_stmt *s = hd_db_stmt(c,
				     "SELECT value, bounced_at IS NOT NULL FROM identities "
				     "WHERE customer_id = ?1 AND kind = 'email' "
				     "ORDER BY value = ?2 DESC, id LIMIT 1",
				     err);

	out[0] = '\0';
	*bounced = 0;
	if (!s)
		return HD_EIO;
	sqlite3_bind_int64(s, 1, customer_id);
	hd_db_bind_text(s, 2, preferred);
	if (sqlite3_step(s) == SQLITE_ROW) {
		snprintf(out, outlen, "%s", (const char *)sqlite3_column_text(s, 0));
		*bounced = sqlite3_column_int(s, 1);
	}
	hd_db_done(s);
	return 0;
}

/* How many automatic replies went to `to` within the rate-limit window
 * (older entries of that address are dropped: the log stays small). */
static int autoreplies_sent(struct hd_conn *c, const char *to, int64_t since, int64_t *n,
			    struct hd_err *err)
{
	sqlite3_stmt *s = hd_db_stmt(c, "DELETE FROM autoreply_log WHERE addr = ?1 AND at <= ?2",
				     err);
	int rc;

	if (!s)
		return HD_EIO;
	sqlite3_bind_text(s, 1, to, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, since);
	rc = sqlite3_step(s) == SQLITE_DONE ? 0 : hd_db_error(c, sqlite3_errcode(c->db), err);
	hd_db_done(s);
	if (rc)
		return rc;
	s = hd_db_stmt(c, "SELECT count(*) FROM autoreply_log WHERE addr = ?1 AND at > ?2", err);
	if (!s)
		return HD_EIO;
	sqlite3_bind_text(s, 1, to, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, since);
	*n = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
	hd_db_done(s);
	return 0;
}

static int ack_skipped(struct hd_conn *c, int64_t tid, const char *reason, int64_t now,
		       struct hd_err *err)
{
	struct hd_actor sys = { HD_AUTHOR_SYSTEM, 0, HD_ROLE_AGENT };

	return hd_event_json(c, tid, &sys, "ack.skipped", json_pack("{s:s}", "reason", reason),
			     now, err);
}

int hd_outmail_ack(struct hd_conn *c, const struct hd_ticket_new *in, int64_t tid,
		   int64_t customer_id, int64_t now, struct hd_err *err)
{
	struct hd_actor sys = { HD_AUTHOR_SYSTEM, 0, HD_ROLE_AGENT };
	const struct hd_store *st = c->st;
	struct hd_sbuf subject, body;
	struct hd_ack_input ai;
	struct hd_outbox_new o;
	sqlite3_stmt *s;
	char to[320], msgid[HD_MSGID_MAX], name[256] = "";
	int64_t oid = 0, sent = 0;
	int rc, bounced;

	if (in->no_ack_reason)
		return ack_skipped(c, tid, in->no_ack_reason, now, err);
	rc = mail_address(c, in->requester.kind == HD_IDKIND_EMAIL ? in->requester.value : NULL,
			  customer_id, to, sizeof(to), &bounced, err);
	if (rc)
		return rc;
	if (!to[0])
		return ack_skipped(c, tid, "the customer has no e-mail address", now, err);
	if (bounced)
		return ack_skipped(c, tid, "mail to the customer's address bounced", now, err);
	rc = autoreplies_sent(c, to, now - st->autoreply_window_ms, &sent, err);
	if (rc)
		return rc;
	if (!hd_mail_autoreply_allowed(sent, st->autoreply_max))
		return ack_skipped(c, tid, "too many automatic replies to this address recently",
				   now, err);
	s = hd_db_stmt(c, "SELECT name FROM customers WHERE id = ?1", err);
	if (!s)
		return HD_EIO;
	sqlite3_bind_int64(s, 1, customer_id);
	if (sqlite3_step(s) == SQLITE_ROW)
		snprintf(name, sizeof(name), "%s", (const char *)sqlite3_column_text(s, 0));
	hd_db_done(s);

	memset(&ai, 0, sizeof(ai));
	ai.ticket = tid;
	ai.subject = in->subject;
	ai.customer_name = name;
	ai.message = in->display_text ? in->display_text : in->text;
	ai.first_response_due = in->first_response_due;
	ai.desk_name = in->desk_name ? in->desk_name : st->desk_name;
	hd_sbuf_init(&subject, 2048);
	hd_sbuf_init(&body, 64 * 1024);
	rc = hd_ack_compose(&ai, &subject, &body);
	if (rc) {
		rc = hd_err_set(err, rc, NULL, "the acknowledgement is too long");
		goto out;
	}
	memset(&o, 0, sizeof(o));
	o.ticket_id = tid;
	o.kind = "ack";
	o.to_addr = to;
	o.subject = subject.buf;
	o.body_text = body.buf;
	o.in_reply_to = usable_id(in->source_id) ? in->source_id : NULL;
	o.auto_submitted = in->channel == HD_CHANNEL_EMAIL ? "auto-replied" : "auto-generated";
	rc = hd_outbox_queue(c, &o, now, &oid, msgid, err);
	s = rc ? NULL : hd_db_stmt(c, "INSERT INTO autoreply_log (addr, at) VALUES (?1, ?2)", err);
	if (!rc && !s)
		rc = HD_EIO;
	if (!rc) {
		sqlite3_bind_text(s, 1, to, -1, SQLITE_STATIC);
		sqlite3_bind_int64(s, 2, now);
		if (sqlite3_step(s) != SQLITE_DONE)
			rc = hd_db_error(c, sqlite3_errcode(c->db), err);
		hd_db_done(s);
	}
	if (!rc) {
		char due[HD_RFC3339_LEN];

		rc = hd_event_json(c, tid, &sys, "ack.queued",
				   json_pack("{s:I,s:s,s:s,s:o}", "outbox_id", (json_int_t)oid,
					     "to", to, "message_id", msgid, "first_response_due",
					     in->first_response_due
						     ? json_string(hd_time_format(in->first_response_due, due))
						     : json_null()),
				   now, err);
	}
out:
	hd_sbuf_release(&subject);
	hd_sbuf_release(&body);
	return rc;
}

/* The threading headers of a reply on ticket `tid`: In-Reply-To is the
 * customer's latest mail, References every mail of the ticket we know the
 * Message-ID of (the last 20, oldest first). */
static int reply_threading(struct hd_conn *c, int64_t tid, struct hd_sbuf *irt,
			   struct hd_sbuf *refs, struct hd_err *err)
{
	sqlite3_stmt *s = hd_db_stmt(c,
				     "SELECT source_id, author FROM (SELECT id, source_id, author "
				     "FROM messages WHERE ticket_id = ?1 AND source_id IS NOT NULL "
				     "ORDER BY id DESC LIMIT 20) ORDER BY id",
				     err);
	int rc = 0;

	if (!s)
		return HD_EIO;
	sqlite3_bind_int64(s, 1, tid);
	while (!rc && sqlite3_step(s) == SQLITE_ROW) {
		const char *id = (const char *)sqlite3_column_text(s, 0);

		if (!usable_id(id))
			continue;
		if (strcmp((const char *)sqlite3_column_text(s, 1), "customer") == 0) {
			hd_sbuf_reset(irt);
			rc = hd_sbuf_adds(irt, id);
		}
		rc = rc ? rc : hd_sbuf_addf(refs, "%s<%s>", refs->len ? " " : "", id);
	}
	hd_db_done(s);
	return rc == HD_ETOOBIG ? 0 : rc; /* too many: keep what fits */
}

/* A public agent message on a ticket whose customer has an e-mail address
 * goes out as a reply: "[#id] subject", threaded, from the agent's name. */
int hd_outmail_reply(struct hd_conn *c, const struct hd_actor *who, int64_t tid,
		     int64_t customer_id, const char *ticket_subject, const struct hd_message_new *m,
		     int64_t mid, int64_t now, struct hd_err *err)
{
	struct hd_actor sys = { HD_AUTHOR_SYSTEM, 0, HD_ROLE_AGENT };
	struct hd_sbuf subject, irt, refs;
	struct hd_outbox_new o;
	sqlite3_stmt *s;
	char to[320], from[512] = "", msgid[HD_MSGID_MAX];
	int64_t oid = 0;
	int rc, bounced;

	rc = mail_address(c, NULL, customer_id, to, sizeof(to), &bounced, err);
	if (rc || !to[0])
		return rc;
	s = hd_db_stmt(c, "SELECT name FROM agents WHERE id = ?1", err);
	if (!s)
		return HD_EIO;
	sqlite3_bind_int64(s, 1, who->id);
	if (sqlite3_step(s) == SQLITE_ROW)
		snprintf(from, sizeof(from), "%s (%s)", (const char *)sqlite3_column_text(s, 0),
			 c->st->desk_name);
	hd_db_done(s);
	hd_sbuf_init(&subject, 2048);
	hd_sbuf_init(&irt, 1024);
	hd_sbuf_init(&refs, 8192);
	rc = hd_sbuf_addf(&subject, "[#%lld] %s", (long long)tid, ticket_subject);
	rc = rc ? rc : reply_threading(c, tid, &irt, &refs, err);
	if (rc)
		goto out;
	memset(&o, 0, sizeof(o));
	o.ticket_id = tid;
	o.kind = "reply";
	o.to_addr = to;
	o.from_name = from[0] ? from : NULL;
	o.subject = subject.buf;
	o.body_text = m->text ? m->text : "";
	o.body_html = m->html;
	o.in_reply_to = irt.len ? irt.buf : NULL;
	o.refs = refs.len ? refs.buf : NULL;
	rc = hd_outbox_queue(c, &o, now, &oid, msgid, err);
	rc = rc ? rc
		: hd_event_json(c, tid, &sys, "reply.queued",
				json_pack("{s:I,s:I,s:s,s:s,s:b}", "outbox_id", (json_int_t)oid,
					  "message_id", (json_int_t)mid, "to", to, "mail_id",
					  msgid, "address_bounced", bounced),
				now, err);
out:
	hd_sbuf_release(&subject);
	hd_sbuf_release(&irt);
	hd_sbuf_release(&refs);
	return rc;
}

int hd_outmail_notice(struct hd_conn *c, int64_t tid, const char *kind, const char *subject,
		      const char *text, int64_t now, int *queued, struct hd_err *err)
{
	struct hd_actor sys = { HD_AUTHOR_SYSTEM, 0, HD_ROLE_AGENT };
	struct hd_sbuf irt, refs;
	struct hd_outbox_new o;
	sqlite3_stmt *s;
	char to[320], msgid[HD_MSGID_MAX];
	int64_t oid = 0, customer = 0;
	int rc, bounced;

	*queued = 0;
	s = hd_db_stmt(c, "SELECT customer_id FROM tickets WHERE id = ?1", err);
	if (!s)
		return HD_EIO;
	sqlite3_bind_int64(s, 1, tid);
	if (sqlite3_step(s) == SQLITE_ROW)
		customer = sqlite3_column_int64(s, 0);
	hd_db_done(s);
	rc = mail_address(c, NULL, customer, to, sizeof(to), &bounced, err);
	if (rc || !to[0] || bounced)
		return rc;
	hd_sbuf_init(&irt, 1024);
	hd_sbuf_init(&refs, 8192);
	rc = reply_threading(c, tid, &irt, &refs, err);
	if (rc)
		goto out;
	memset(&o, 0, sizeof(o));
	o.ticket_id = tid;
	o.kind = kind;
	o.to_addr = to;
	o.subject = subject;
	o.body_text = text;
	o.in_reply_to = irt.len ? irt.buf : NULL;
	o.refs = refs.len ? refs.buf : NULL;
	o.auto_submitted = "auto-generated";
	rc = hd_outbox_queue(c, &o, now, &oid, msgid, err);
	rc = rc ? rc
		: hd_event_json(c, tid, &sys, "notice.queued",
				json_pack("{s:s,s:I,s:s,s:s}", "kind", kind, "outbox_id",
					  (json_int_t)oid, "to", to, "mail_id", msgid),
				now, err);
	*queued = !rc;
out:
	hd_sbuf_release(&irt);
	hd_sbuf_release(&refs);
	return rc;
}

int hd_outmail_notify(struct hd_conn *c, int64_t tid, int64_t agent_id, const char *subject,
		      const char *text, int64_t now, struct hd_err *err)
{
	struct hd_outbox_new o;
	sqlite3_stmt *s;
	char to[320] = "", msgid[HD_MSGID_MAX];
	int64_t oid;

	if (!agent_id)
		return 0;
	s = hd_db_stmt(c, "SELECT email FROM agents WHERE id = ?1 AND active = 1", err);
	if (!s)
		return HD_EIO;
	sqlite3_bind_int64(s, 1, agent_id);
	if (sqlite3_step(s) == SQLITE_ROW)
		snprintf(to, sizeof(to), "%s", (const char *)sqlite3_column_text(s, 0));
	hd_db_done(s);
	if (!to[0])
		return 0;
	memset(&o, 0, sizeof(o));
	o.ticket_id = tid;
	o.kind = "notify";
	o.to_addr = to;
	o.subject = subject;
	o.body_text = text;
	o.auto_submitted = "auto-generated";
	return hd_outbox_queue(c, &o, now, &oid, msgid, err);
}

int hd_ticket_lead(struct hd_conn *c, int64_t tid, int64_t *agent_id, struct hd_err *err)
{
	sqlite3_stmt *s = hd_db_stmt(c,
				     "SELECT coalesce(tm.lead_id, t.assignee_id, 0) FROM tickets t "
				     "LEFT JOIN teams tm ON tm.id = t.team_id WHERE t.id = ?1",
				     err);

	*agent_id = 0;
	if (!s)
		return HD_EIO;
	sqlite3_bind_int64(s, 1, tid);
	if (sqlite3_step(s) == SQLITE_ROW)
		*agent_id = sqlite3_column_int64(s, 0);
	hd_db_done(s);
	return 0;
}
