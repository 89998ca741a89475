/*
 * tickets.c — creating, reading, changing and listing tickets.
 *
 * A ticket's lifecycle fields change only through domain/lifecycle; this
 * file loads them, asks the domain, and writes the answer together with the
 * events that describe it.
 */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "store/sqlite/internal.h"
#include "util/sbuf.h"
#include "util/timeutil.h"
#include "util/banned.h"

#define TICKET_COLS                                                                            \
	"t.id, t.subject, t.status, t.priority, t.channel, t.team_id, tm.name, t.assignee_id, " \
	"ag.name, t.customer_id, cu.name, t.created_at, t.updated_at, t.first_response_due, "   \
	"t.first_response_at, t.solved_at, t.closed_at, t.reopen_count, t.version, "            \
	"t.message_count, t.related_id, t.related_kind, t.first_solved_at, t.close_kind, "    \
	"t.close_reason, t.sla_policy_id, t.sla_next_due, t.sla_state "
#define TICKET_FROM                                                                            \
	"FROM tickets t LEFT JOIN teams tm ON tm.id = t.team_id "                              \
	"LEFT JOIN agents ag ON ag.id = t.assignee_id "                                        \
	"LEFT JOIN customers cu ON cu.id = t.customer_id "

static void read_ticket(sqlite3_stmt *s, void *item, struct hd_arena *a)
{
	struct hd_ticket *t = item;

	t->id = sqlite3_column_int64(s, 0);
	t->subject = hd_db_text(s, 1, a);
	t->lc.status = hd_status_parse((const char *)sqlite3_column_text(s, 2));
	t->priority = hd_priority_parse((const char *)sqlite3_column_text(s, 3));
	t->channel = hd_channel_parse((const char *)sqlite3_column_text(s, 4));
	t->team_id = sqlite3_column_int64(s, 5);
	t->team_name = hd_db_text(s, 6, a);
	t->assignee_id = sqlite3_column_int64(s, 7);
	t->assignee_name = hd_db_text(s, 8, a);
	t->customer_id = sqlite3_column_int64(s, 9);
	t->customer_name = hd_db_text(s, 10, a);
	t->created_at = sqlite3_column_int64(s, 11);
	t->updated_at = sqlite3_column_int64(s, 12);
	t->first_response_due = sqlite3_column_int64(s, 13);
	t->lc.first_response_at = sqlite3_column_int64(s, 14);
	t->lc.solved_at = sqlite3_column_int64(s, 15);
	t->lc.closed_at = sqlite3_column_int64(s, 16);
	t->lc.reopen_count = sqlite3_column_int(s, 17);
	t->version = sqlite3_column_int64(s, 18);
	t->message_count = sqlite3_column_int64(s, 19);
	t->related_id = sqlite3_column_int64(s, 20);
	t->related_kind = hd_db_text(s, 21, a);
	t->lc.first_solved_at = sqlite3_column_int64(s, 22);
	t->lc.close_kind = sqlite3_column_type(s, 23) == SQLITE_NULL
				   ? HD_CLOSE_NONE
				   : hd_close_kind_parse((const char *)sqlite3_column_text(s, 23));
	t->lc.close_reason = sqlite3_column_type(s, 24) == SQLITE_NULL
				     ? HD_REASON_NONE
				     : hd_close_reason_parse((const char *)sqlite3_column_text(s, 24));
	t->sla_policy_id = sqlite3_column_int64(s, 25);
	t->sla_next_due = sqlite3_column_int64(s, 26);
	t->sla_state = hd_db_text(s, 27, a);
	t->tags = NULL;
	t->ntags = 0;
}


int hd_ticket_load(struct hd_conn *c, int64_t id, struct hd_ticket_row *r, struct hd_err *err)
{
	sqlite3_stmt *s = hd_db_stmt(c,
				     "SELECT status, first_response_at, solved_at, closed_at, "
				     "reopen_count, team_id, assignee_id, customer_id, version, "
				     "priority, subject, first_solved_at, close_kind, close_reason, "
				     "created_at, unanswered_since, channel FROM tickets WHERE id = ?1",
				     err);
	int rc = 0, step;

	if (!s)
		return HD_EIO;
	sqlite3_bind_int64(s, 1, id);
	step = sqlite3_step(s);
	if (step == SQLITE_ROW) {
		const char *kind = (const char *)sqlite3_column_text(s, 12);
		const char *reason = (const char *)sqlite3_column_text(s, 13);

		r->lc.status = hd_status_parse((const char *)sqlite3_column_text(s, 0));
		r->lc.first_response_at = sqlite3_column_int64(s, 1);
		r->lc.solved_at = sqlite3_column_int64(s, 2);
		r->lc.closed_at = sqlite3_column_int64(s, 3);
		r->lc.reopen_count = sqlite3_column_int(s, 4);
		r->team_id = sqlite3_column_int64(s, 5);
		r->assignee_id = sqlite3_column_int64(s, 6);
		r->customer_id = sqlite3_column_int64(s, 7);
		r->version = sqlite3_column_int64(s, 8);
		r->priority = hd_priority_parse((const char *)sqlite3_column_text(s, 9));
		snprintf(r->subject, sizeof(r->subject), "%s",
			 (const char *)sqlite3_column_text(s, 10));
		r->lc.first_solved_at = sqlite3_column_int64(s, 11);
		r->lc.close_kind = kind ? (enum hd_close_kind)hd_close_kind_parse(kind) : HD_CLOSE_NONE;
		r->lc.close_reason =
			reason ? (enum hd_close_reason)hd_close_reason_parse(reason) : HD_REASON_NONE;
		r->created_at = sqlite3_column_int64(s, 14);
		r->unanswered_since = sqlite3_column_int64(s, 15);
		r->channel = hd_channel_parse((const char *)sqlite3_column_text(s, 16));
	} else if (step == SQLITE_DONE) {
		rc = hd_err_set(err, HD_ENOTFOUND, NULL, "there is no ticket %lld", (long long)id);
	} else {
		rc = hd_db_error(c, step, err);
	}
	hd_db_done(s);
	return rc;
}

/* A ticket was solved at `lc->solved_at`: its resolution times (calendar
 * and business), the first time also the first resolution. */
static int stamp_resolution(struct hd_conn *c, int64_t id, const struct hd_ticket_row *r,
			    const struct hd_lifecycle *lc, int64_t now, struct hd_err *err)
{
	int64_t cal = lc->solved_at - r->created_at, bus = 0;
	int first = lc->first_solved_at == lc->solved_at;
	sqlite3_stmt *s;
	int rc = hd_sla_business_ms(c, id, r->created_at, lc->solved_at, now, &bus, err);

	if (rc)
		return rc;
	s = hd_db_stmt(c,
		       "UPDATE tickets SET full_res_cal = ?2, full_res_bus = ?3, "
		       "first_res_cal = CASE WHEN ?4 THEN ?2 ELSE first_res_cal END, "
		       "first_res_bus = CASE WHEN ?4 THEN ?3 ELSE first_res_bus END WHERE id = ?1",
		       err);
	if (!s)
		return HD_EIO;
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_int64(s, 2, cal);
	sqlite3_bind_int64(s, 3, bus);
	sqlite3_bind_int(s, 4, first);
	if (sqlite3_step(s) != SQLITE_DONE)
		rc = hd_db_error(c, sqlite3_errcode(c->db), err);
	hd_db_done(s);
	return rc;
}

/* Write the lifecycle fields (from `r->lc` to `lc`), bump version and
 * updated_at, keep the auto-close timer and resolution times in step with
 * the status, and bring the SLA clocks up to date. */
int hd_ticket_save(struct hd_conn *c, int64_t id, const struct hd_ticket_row *r,
			  const struct hd_lifecycle *lc, int64_t now, int add_messages,
			  struct hd_err *err)
{
	sqlite3_stmt *s = hd_db_stmt(c,
				     "UPDATE tickets SET status = ?2, active = ?3, "
				     "first_response_at = ?4, solved_at = ?5, closed_at = ?6, "
				     "reopen_count = ?7, updated_at = ?8, version = version + 1, "
				     "message_count = message_count + ?9, first_solved_at = ?10, "
				     "close_kind = ?11, close_reason = ?12 WHERE id = ?1",
				     err);
	int rc = 0;

	if (!s)
		return HD_EIO;
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_text(s, 2, hd_status_name(lc->status), -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 3, hd_status_is_active(lc->status));
	hd_db_bind_id(s, 4, lc->first_response_at);
	hd_db_bind_id(s, 5, lc->solved_at);
	hd_db_bind_id(s, 6, lc->closed_at);
	sqlite3_bind_int(s, 7, lc->reopen_count);
	sqlite3_bind_int64(s, 8, now);
	sqlite3_bind_int(s, 9, add_messages);
	hd_db_bind_id(s, 10, lc->first_solved_at);
	hd_db_bind_text(s, 11, lc->close_kind ? hd_close_kind_name(lc->close_kind) : NULL);
	hd_db_bind_text(s, 12, lc->close_reason ? hd_close_reason_name(lc->close_reason) : NULL);
	if (sqlite3_step(s) != SQLITE_DONE)
		rc = hd_db_error(c, sqlite3_errcode(c->db), err);
	hd_db_done(s);
	if (!rc && lc->status != r->lc.status)
		rc = hd_timer_set(c, "ticket.autoclose", id, id,
				  hd_lifecycle_autoclose_at(lc, c->st->autoclose_grace_ms), err);
	if (!rc && lc->status == HD_STATUS_SOLVED && r->lc.status != HD_STATUS_SOLVED)
		rc = stamp_resolution(c, id, r, lc, now, err);
	return rc ? rc : hd_sla_refresh(c, id, now, err);
}

int hd_event_json(struct hd_conn *c, int64_t tid, const struct hd_actor *who, const char *type,
		  json_t *data, int64_t now, struct hd_err *err)
{
	char *text = data ? json_dumps(data, JSON_COMPACT) : NULL;
	int rc;

	json_decref(data);
	if (!text)
		return hd_err_set(err, HD_ENOMEM, NULL, "out of memory");
	rc = hd_event_append(c, tid, who, type, text, now, err);
	free(text);
	return rc;
}

static json_t *json_id(int64_t id)
{
	return id ? json_integer(id) : json_null();
}

static int check_team(struct hd_conn *c, int64_t id, struct hd_err *err)
{
	return hd_db_require(c, "SELECT 1 FROM teams WHERE id = ?1", id, HD_EINVAL, "team", "team",
			     err);
}

static int check_agent(struct hd_conn *c, int64_t id, struct hd_err *err)
{
	return hd_db_require(c, "SELECT 1 FROM agents WHERE id = ?1 AND active = 1", id, HD_EINVAL,
			     "assignee", "active agent", err);
}

static int team_by_name(struct hd_conn *c, const char *name, int64_t *id, struct hd_err *err)
{
	sqlite3_stmt *s = hd_db_stmt(c, "SELECT id FROM teams WHERE name = ?1", err);
	int rc = 0;

	if (!s)
		return HD_EIO;
	sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
	if (sqlite3_step(s) == SQLITE_ROW)
		*id = sqlite3_column_int64(s, 0);
	else
		rc = hd_err_set(err, HD_EINVAL, "team", "there is no team named \"%s\"", name);
	hd_db_done(s);
	return rc;
}

/* A public agent reply at `now` answered the customer: record the response
 * sample (first or next) and, for the first, the ticket's first response
 * time. */
static int record_response(struct hd_conn *c, int64_t id, const struct hd_ticket_row *r,
			   int64_t agent_id, int64_t now, struct hd_err *err)
{
	int first = !r->lc.first_response_at;
	int64_t from = first ? r->created_at : r->unanswered_since, bus = 0;
	sqlite3_stmt *s;
	int rc;

	if (!first && !from)
		return 0; /* nobody was waiting: an update, not a response */
	rc = hd_sla_business_ms(c, id, from, now, now, &bus, err);
	if (rc)
		return rc;
	s = hd_db_stmt(c,
		       "INSERT INTO responses (ticket_id, at, kind, waited_cal, waited_bus, agent_id, "
		       "team_id, channel, priority) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
		       err);
	if (!s)
		return HD_EIO;
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_int64(s, 2, now);
	sqlite3_bind_text(s, 3, first ? "first" : "next", -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 4, now - from);
	sqlite3_bind_int64(s, 5, bus);
	hd_db_bind_id(s, 6, agent_id);
	hd_db_bind_id(s, 7, r->team_id);
	sqlite3_bind_text(s, 8, hd_channel_name(r->channel), -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 9, hd_priority_name(r->priority), -1, SQLITE_STATIC);
	if (sqlite3_step(s) != SQLITE_DONE)
		rc = hd_db_error(c, sqlite3_errcode(c->db), err);
	hd_db_done(s);
	if (rc || !first)
		return rc;
	s = hd_db_stmt(c, "UPDATE tickets SET frt_cal = ?2, frt_bus = ?3 WHERE id = ?1", err);
	if (!s)
		return HD_EIO;
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_int64(s, 2, now - from);
	sqlite3_bind_int64(s, 3, bus);
	if (sqlite3_step(s) != SQLITE_DONE)
		rc = hd_db_error(c, sqlite3_errcode(c->db), err);
	hd_db_done(s);
	return rc;
}

/* Who is waiting for whom: a public customer message starts the wait (the
 * oldest unanswered one counts); a public agent reply ends it. */
static int track_wait(struct hd_conn *c, int64_t id, enum hd_author author, int64_t now,
		      struct hd_err *err)
{
	sqlite3_stmt *s = hd_db_stmt(
		c,
		author == HD_AUTHOR_CUSTOMER
			? "UPDATE tickets SET unanswered_since = coalesce(unanswered_since, ?2) "
			  "WHERE id = ?1"
			: "UPDATE tickets SET unanswered_since = NULL, last_public_reply_at = ?2 "
			  "WHERE id = ?1",
		err);
	int rc = 0;

	if (!s)
		return HD_EIO;
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_int64(s, 2, now);
	if (sqlite3_step(s) != SQLITE_DONE)
		rc = hd_db_error(c, sqlite3_errcode(c->db), err);
	hd_db_done(s);
	return rc;
}

/* ---- create ------------------------------------------------------------- */

int hd_ticket_insert(struct hd_conn *c, const struct hd_actor *who, const struct hd_ticket_new *in,
		     int64_t now, int64_t *id, struct hd_err *err)
{
	struct hd_lifecycle lc = { .status = HD_STATUS_NEW };
	struct hd_message_new m;
	int64_t team = in->team_id, assignee = in->assignee_id, customer = 0, mid = 0, due = 0;
	struct hd_ticket_new ack;
	sqlite3_stmt *s;
	json_t *data;
	int rc = 0;

	if (!team && in->team_name)
		rc = team_by_name(c, in->team_name, &team, err);
	else if (team)
		rc = check_team(c, team, err);
	if (!rc && in->assignee_id)
		rc = check_agent(c, in->assignee_id, err);
	if (!rc)
		rc = hd_customer_resolve(c, &in->requester, now, &customer, err);
	if (!rc && in->related_id && !strcmp(in->related_kind, "follow_up"))
		rc = hd_followup_owner(c, in->related_id, &team, &assignee, err);
	if (rc)
		return rc;

	memset(&m, 0, sizeof(m));
	m.author = in->created_by;
	m.author_id = in->created_by == HD_AUTHOR_AGENT ? who->id : customer;
	m.visibility = in->internal ? HD_VIS_INTERNAL : HD_VIS_PUBLIC;
	m.text = in->text;
	m.display_text = in->display_text;
	m.html = in->html;
	m.source_id = in->source_id;
	m.raw_sha256 = in->raw_sha256;
	m.attachments = in->attachments;
	m.nattachments = in->nattachments;
	rc = hd_lifecycle_on_message(&lc, m.author, m.visibility, now, &lc, err);
	if (rc)
		return rc;

	s = hd_db_stmt(c,
		       "INSERT INTO tickets (subject, status, active, priority, channel, team_id, "
		       "assignee_id, customer_id, created_at, updated_at, first_response_due, "
		       "first_response_at, message_count, related_id, related_kind) "
		       "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9, ?10, ?11, 1, ?12, ?13)",
		       err);
	if (!s)
		return HD_EIO;
	sqlite3_bind_text(s, 1, in->subject, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, hd_status_name(lc.status), -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 3, hd_status_is_active(lc.status));
	sqlite3_bind_text(s, 4, hd_priority_name(in->priority), -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 5, hd_channel_name(in->channel), -1, SQLITE_STATIC);
	hd_db_bind_id(s, 6, team);
	hd_db_bind_id(s, 7, assignee);
	sqlite3_bind_int64(s, 8, customer);
	sqlite3_bind_int64(s, 9, now);
	hd_db_bind_id(s, 11, lc.first_response_at);
	hd_db_bind_id(s, 12, in->related_id);
	hd_db_bind_text(s, 13, in->related_id ? in->related_kind : NULL);
	if (sqlite3_step(s) != SQLITE_DONE)
		rc = hd_db_error(c, sqlite3_errcode(c->db), err);
	hd_db_done(s);
	if (rc)
		return rc;
	*id = sqlite3_last_insert_rowid(c->db);

	rc = hd_message_insert(c, *id, &m, m.author_id, now, &mid, err);
	if (rc)
		return rc;
	data = json_pack("{s:s,s:s,s:s,s:s,s:o,s:o,s:I,s:s,s:I}", "subject", in->subject, "status",
			 hd_status_name(lc.status), "priority", hd_priority_name(in->priority),
			 "channel", hd_channel_name(in->channel), "team_id", json_id(team),
			 "assignee_id", json_id(assignee), "customer_id",
			 (json_int_t)customer, "created_by", hd_author_name(in->created_by),
			 "message_id", (json_int_t)mid);
	if (data && in->related_id) {
		json_object_set_new(data, "related_id", json_integer(in->related_id));
		json_object_set_new(data, "related_kind", json_string(in->related_kind));
	}
	rc = hd_event_json(c, *id, who, "ticket.created", data, now, err);
	if (!rc && m.visibility == HD_VIS_PUBLIC && m.author != HD_AUTHOR_SYSTEM)
		rc = track_wait(c, *id, m.author, now, err);
	if (!rc && in->related_id && !strcmp(in->related_kind, "follow_up"))
		rc = hd_followup_history(c, *id, in->related_id, now, err);
	rc = rc ? rc : hd_sla_refresh(c, *id, now, err);
	if (rc || in->created_by != HD_AUTHOR_CUSTOMER)
		return rc;
	/* the acknowledgement promises what the SLA policy says */
	s = hd_db_stmt(c, "SELECT first_response_due FROM tickets WHERE id = ?1", err);
	if (!s)
		return HD_EIO;
	sqlite3_bind_int64(s, 1, *id);
	if (sqlite3_step(s) == SQLITE_ROW)
		due = sqlite3_column_int64(s, 0);
	hd_db_done(s);
	ack = *in;
	ack.first_response_due = due;
	return hd_outmail_ack(c, &ack, *id, customer, now, err);
}

struct create_ctx {
	const struct hd_actor *who;
	const struct hd_ticket_new *in;
	struct hd_idem *idem;
	int64_t now;
	int64_t id;
};

static int create_job(struct hd_conn *c, void *arg, struct hd_err *err)
{
	struct create_ctx *x = arg;
	int rc = hd_idem_check(c, x->idem, &x->id, err);

	if (rc)
		return rc < 0 ? rc : 0;
	rc = hd_ticket_insert(c, x->who, x->in, x->now, &x->id, err);
	return rc ? rc : hd_idem_save(c, x->idem, x->id, x->now, err);
}

int hd_store_ticket_create(struct hd_store *st, const struct hd_actor *who,
			   const struct hd_ticket_new *in, struct hd_idem *idem, int64_t *id,
			   struct hd_err *err)
{
	struct create_ctx x = { who, in, idem, hd_now_ms(), 0 };
	int rc = hd_writer_run(st, create_job, &x, err);

	*id = x.id;
	return rc;
}

/* ---- get ---------------------------------------------------------------- */

int hd_store_ticket_get(struct hd_store *st, int64_t id, struct hd_ticket *out,
			struct hd_arena *a, struct hd_err *err)
{
	struct hd_conn *c;
	sqlite3_stmt *s;
	int rc = hd_db_acquire(st, &c, err);

	if (rc)
		return rc;
	s = hd_db_stmt(c, "SELECT " TICKET_COLS TICKET_FROM "WHERE t.id = ?1", err);
	if (!s) {
		rc = HD_EIO;
	} else {
		sqlite3_bind_int64(s, 1, id);
		rc = hd_db_get(c, s, read_ticket, out, a, "ticket", id, err);
	}
	if (!rc)
		rc = hd_tags_load(c, id, &out->tags, &out->ntags, a, err);
	hd_db_release(st, c);
	return rc;
}

/* ---- update ------------------------------------------------------------- */

struct update_ctx {
	const struct hd_actor *who;
	int64_t id;
	const struct hd_ticket_patch *p;
	int64_t now;
};

static void change(json_t *before, json_t *after, const char *field, json_t *b, json_t *a)
{
	json_object_set_new(before, field, b);
	json_object_set_new(after, field, a);
}

static int update_job(struct hd_conn *c, void *arg, struct hd_err *err)
{
	struct update_ctx *x = arg;
	const struct hd_ticket_patch *p = x->p;
	struct hd_ticket_row r;
	struct hd_lifecycle lc;
	json_t *before = json_object(), *after = json_object();
	sqlite3_stmt *s;
	int rc;

	rc = hd_ticket_load(c, x->id, &r, err);
	if (rc)
		goto out;
	if (p->if_version && p->if_version != r.version) {
		rc = hd_err_set(err, HD_EPRECOND, "If-Match",
				"the ticket was changed by someone else (version %lld, you had "
				"%lld); reload it and try again",
				(long long)r.version, (long long)p->if_version);
		goto out;
	}
	lc = r.lc;
	if (p->set_status || p->close_reason) {
		rc = hd_lifecycle_set_status(&r.lc, p->set_status ? p->status : r.lc.status,
					     p->close_reason, x->now, &lc, err);
		if (rc)
			goto out;
		if (lc.status != r.lc.status)
			change(before, after, "status", json_string(hd_status_name(r.lc.status)),
			       json_string(hd_status_name(lc.status)));
		if (lc.reopen_count != r.lc.reopen_count)
			change(before, after, "reopen_count", json_integer(r.lc.reopen_count),
			       json_integer(lc.reopen_count));
		if (lc.close_reason != r.lc.close_reason)
			change(before, after, "close_reason", json_null(),
			       json_string(hd_close_reason_name(lc.close_reason)));
	}
	if (r.lc.status == HD_STATUS_CLOSED &&
	    (p->set_subject || p->set_priority || p->set_team || p->set_assignee || p->set_tags)) {
		rc = hd_err_set(err, HD_ECONFLICT, NULL,
				"a closed ticket cannot change; open a follow-up ticket instead");
		goto out;
	}
	if (p->set_team && p->team_id != r.team_id) {
		if (p->team_id && (rc = check_team(c, p->team_id, err)))
			goto out;
		change(before, after, "team_id", json_id(r.team_id), json_id(p->team_id));
		r.team_id = p->team_id;
	}
	if (p->set_assignee && p->assignee_id != r.assignee_id) {
		if (p->assignee_id && (rc = check_agent(c, p->assignee_id, err)))
			goto out;
		change(before, after, "assignee_id", json_id(r.assignee_id),
		       json_id(p->assignee_id));
		r.assignee_id = p->assignee_id;
	}
	if (p->set_priority && p->priority != r.priority) {
		change(before, after, "priority", json_string(hd_priority_name(r.priority)),
		       json_string(hd_priority_name(p->priority)));
		r.priority = p->priority;
	}
	if (p->set_subject && strcmp(p->subject, r.subject) != 0)
		change(before, after, "subject", json_string(r.subject), json_string(p->subject));
	if (p->set_tags && (rc = hd_tags_replace(c, x->id, p->tags, p->ntags, before, after, err)))
		goto out;
	if (json_object_size(after) == 0)
		goto out; /* nothing changes: no event, no new version */

	s = hd_db_stmt(c,
		       "UPDATE tickets SET team_id = ?2, assignee_id = ?3, priority = ?4, "
		       "subject = coalesce(?5, subject) WHERE id = ?1",
		       err);
	if (!s) {
		rc = HD_EIO;
		goto out;
	}
	sqlite3_bind_int64(s, 1, x->id);
	hd_db_bind_id(s, 2, r.team_id);
	hd_db_bind_id(s, 3, r.assignee_id);
	sqlite3_bind_text(s, 4, hd_priority_name(r.priority), -1, SQLITE_STATIC);
	hd_db_bind_text(s, 5, p->set_subject ? p->subject : NULL);
	if (sqlite3_step(s) != SQLITE_DONE)
		rc = hd_db_error(c, sqlite3_errcode(c->db), err);
	hd_db_done(s);
	rc = rc ? rc : hd_ticket_save(c, x->id, &r, &lc, x->now, 0, err);
	if (!rc) {
		rc = hd_event_json(c, x->id, x->who, "ticket.updated",
				json_pack("{s:O,s:O}", "before", before, "after", after), x->now,
				err);
	}
	if (!rc && lc.status == HD_STATUS_SOLVED && r.lc.status != HD_STATUS_SOLVED)
		rc = hd_resolution_ask(c, x->id, r.customer_id, r.subject, &lc, x->now, err);
out:
	json_decref(before);
	json_decref(after);
	return rc;
}

int hd_store_ticket_update(struct hd_store *st, const struct hd_actor *who, int64_t id,
			   const struct hd_ticket_patch *p, struct hd_err *err)
{
	struct update_ctx x = { who, id, p, hd_now_ms() };

	return hd_writer_run(st, update_job, &x, err);
}

/* ---- message lifecycle (used by messages.c through the store API) ------- */

int hd_ticket_add_message(struct hd_conn *c, const struct hd_actor *who, int64_t id,
			  const struct hd_message_new *in, int64_t now, int64_t *mid,
			  struct hd_err *err)
{
	struct hd_ticket_row r;
	struct hd_lifecycle lc;
	int64_t author_id;
	int public_words = in->visibility == HD_VIS_PUBLIC && in->author != HD_AUTHOR_SYSTEM;
	int rc = hd_ticket_load(c, id, &r, err);

	if (rc)
		return rc;
	rc = hd_lifecycle_on_message(&r.lc, in->author, in->visibility, now, &lc, err);
	if (rc)
		return rc;
	author_id = in->author_id                   ? in->author_id
		    : in->author == HD_AUTHOR_CUSTOMER ? r.customer_id
		    : in->author == HD_AUTHOR_AGENT    ? who->id
						       : 0;
	rc = hd_message_insert(c, id, in, author_id, now, mid, err);
	if (!rc && public_words && in->author == HD_AUTHOR_AGENT)
		rc = record_response(c, id, &r, author_id, now, err);
	if (!rc && public_words)
		rc = track_wait(c, id, in->author, now, err);
	rc = rc ? rc : hd_ticket_save(c, id, &r, &lc, now, 1, err);
	rc = rc ? rc
		: hd_event_json(c, id, who, "message.added",
				json_pack("{s:I,s:s,s:s,s:I}", "message_id", (json_int_t)*mid,
					  "author", hd_author_name(in->author), "visibility",
					  hd_visibility_name(in->visibility), "attachments",
					  (json_int_t)in->nattachments),
				now, err);
	if (!rc && lc.status != r.lc.status) {
		json_t *data = json_pack("{s:{s:s},s:{s:s}}", "before", "status",
					 hd_status_name(r.lc.status), "after", "status",
					 hd_status_name(lc.status));

		if (data && lc.reopen_count != r.lc.reopen_count)
			json_object_set_new(data, "reopened", json_true());
		rc = hd_event_json(c, id, who, "ticket.updated", data, now, err);
	}
	if (!rc && in->author == HD_AUTHOR_AGENT && in->visibility == HD_VIS_PUBLIC)
		rc = hd_outmail_reply(c, who, id, r.customer_id, r.subject, in, *mid, now, err);
	return rc;
}

/* The customer's words on a closed ticket start a follow-up ticket, linked
 * to it, with its subject, owner and story (followup.c); `*mid` is the new
 * ticket's first message. HD_ENOTFOUND (without touching `err`) when the
 * message belongs on ticket `id` itself. */
static int follow_up(struct hd_conn *c, const struct hd_actor *who, int64_t id,
		     const struct hd_message_new *in, int64_t now, int64_t *mid,
		     struct hd_err *err)
{
	struct hd_ticket_new t;
	struct hd_ticket_row r;
	sqlite3_stmt *s;
	int64_t nid = 0;
	int rc;

	if (in->author != HD_AUTHOR_CUSTOMER || in->visibility != HD_VIS_PUBLIC)
		return HD_ENOTFOUND;
	rc = hd_ticket_load(c, id, &r, err);
	if (rc || r.lc.status != HD_STATUS_CLOSED)
		return rc ? rc : HD_ENOTFOUND;
	memset(&t, 0, sizeof(t));
	t.subject = r.subject;
	t.requester.customer_id = r.customer_id;
	t.created_by = HD_AUTHOR_CUSTOMER;
	t.priority = r.priority;
	t.channel = r.channel;
	t.text = in->text;
	t.html = in->html;
	t.display_text = in->display_text;
	t.source_id = in->source_id;
	t.raw_sha256 = in->raw_sha256;
	t.attachments = in->attachments;
	t.nattachments = in->nattachments;
	t.related_id = id;
	t.related_kind = "follow_up";
	rc = hd_ticket_insert(c, who, &t, now, &nid, err);
	s = rc ? NULL : hd_db_stmt(c, "SELECT min(id) FROM messages WHERE ticket_id = ?1", err);
	if (!rc && !s)
		return HD_EIO;
	if (!rc) {
		sqlite3_bind_int64(s, 1, nid);
		if (sqlite3_step(s) == SQLITE_ROW)
			*mid = sqlite3_column_int64(s, 0);
		hd_db_done(s);
		rc = hd_event_json(c, id, who, "ticket.linked",
				   json_pack("{s:I,s:s,s:s}", "ticket_id", (json_int_t)nid, "kind",
					     "follow_up", "why", "the customer wrote on a closed ticket"),
				   now, err);
	}
	return rc;
}

struct msg_ctx {
	const struct hd_actor *who;
	int64_t id;
	const struct hd_message_new *in;
	struct hd_idem *idem;
	int64_t now;
	int64_t mid;
};

static int message_job(struct hd_conn *c, void *arg, struct hd_err *err)
{
	struct msg_ctx *x = arg;
	int rc = hd_idem_check(c, x->idem, &x->mid, err);

	if (rc)
		return rc < 0 ? rc : 0;
	rc = follow_up(c, x->who, x->id, x->in, x->now, &x->mid, err);
	if (rc == HD_ENOTFOUND)
		rc = hd_ticket_add_message(c, x->who, x->id, x->in, x->now, &x->mid, err);
	return rc ? rc : hd_idem_save(c, x->idem, x->mid, x->now, err);
}

int hd_store_message_add(struct hd_store *st, const struct hd_actor *who, int64_t id,
			 const struct hd_message_new *in, struct hd_idem *idem, int64_t *mid,
			 struct hd_err *err)
{
	struct msg_ctx x = { who, id, in, idem, hd_now_ms(), 0 };
	int rc = hd_writer_run(st, message_job, &x, err);

	*mid = x.mid;
	return rc;
}

/* ---- list --------------------------------------------------------------- */

int hd_store_ticket_list(struct hd_store *st, const struct hd_ticket_filter *f,
			 struct hd_ticket **out, size_t *n, int64_t *next, struct hd_arena *a,
			 struct hd_err *err)
{
	struct hd_conn *c = NULL;
	struct hd_sbuf sql;
	sqlite3_stmt *s;
	int rc;

	*out = NULL;
	*n = 0;
	*next = 0;
	hd_sbuf_init(&sql, 4096);
	/* Only conditions that are present appear in the SQL, so each filter
	 * combination is its own (cached) statement that can use its index. */
	rc = hd_sbuf_adds(&sql, "SELECT " TICKET_COLS TICKET_FROM "WHERE 1");
	if (f->has_status)
		rc = rc ? rc : hd_sbuf_adds(&sql, " AND t.status = ?1");
	else if (f->active_only)
		rc = rc ? rc : hd_sbuf_adds(&sql, " AND t.active = 1");
	if (f->team_id > 0)
		rc = rc ? rc : hd_sbuf_adds(&sql, " AND t.team_id = ?2");
	else if (f->team_id < 0)
		rc = rc ? rc : hd_sbuf_adds(&sql, " AND t.team_id IS NULL");
	if (f->assignee_id > 0)
		rc = rc ? rc : hd_sbuf_adds(&sql, " AND t.assignee_id = ?3");
	else if (f->assignee_id < 0)
		rc = rc ? rc : hd_sbuf_adds(&sql, " AND t.assignee_id IS NULL");
	if (f->customer_id)
		rc = rc ? rc : hd_sbuf_adds(&sql, " AND t.customer_id = ?4");
	if (f->has_priority)
		rc = rc ? rc : hd_sbuf_adds(&sql, " AND t.priority = ?5");
	if (f->after)
		rc = rc ? rc : hd_sbuf_adds(&sql, " AND t.id < ?6");
	rc = rc ? rc : hd_sbuf_adds(&sql, " ORDER BY t.id DESC LIMIT ?7");
	if (rc) {
		rc = hd_err_set(err, HD_ENOMEM, NULL, "query too long");
		goto out;
	}
	rc = hd_db_acquire(st, &c, err);
	if (rc)
		goto out;
	s = hd_db_stmt(c, sql.buf, err);
	if (!s) {
		rc = HD_EIO;
		goto out;
	}
	if (f->has_status)
		sqlite3_bind_text(s, 1, hd_status_name(f->status), -1, SQLITE_STATIC);
	if (f->team_id > 0)
		sqlite3_bind_int64(s, 2, f->team_id);
	if (f->assignee_id > 0)
		sqlite3_bind_int64(s, 3, f->assignee_id);
	if (f->customer_id)
		sqlite3_bind_int64(s, 4, f->customer_id);
	if (f->has_priority)
		sqlite3_bind_text(s, 5, hd_priority_name(f->priority), -1, SQLITE_STATIC);
	if (f->after)
		sqlite3_bind_int64(s, 6, f->after);
	sqlite3_bind_int(s, 7, f->limit + 1);
	rc = hd_db_collect(c, s, sizeof(**out), f->limit, read_ticket, (void **)out, n, next, a,
			   err);
out:
	hd_db_release(st, c);
	hd_sbuf_release(&sql);
	return rc;
}
