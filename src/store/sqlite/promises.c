/*
 * promises.c — promises made to customers (G3): recording one, listing,
 * marking kept or broken, and the two timer handlers that remind the owner
 * before it is due and escalate when it is overdue (store/promises.h).
 *
 * domain/promise decides (is the due time acceptable, may the promise be
 * resolved, what do the texts say); this file stores what it decided in
 * the same transaction as the event, the mail and the timers. A timer
 * handler finds the promise resolved since its timer was set: it does
 * nothing. Nothing here ever resolves a promise on its own: closing the
 * ticket leaves its promises open.
 */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "domain/promise.h"
#include "store/promises.h"
#include "store/sqlite/internal.h"
#include "util/sbuf.h"
#include "util/timeutil.h"
#include "util/banned.h"

#define PROMISE_COLS                                                                           \
	"id, ticket_id, kind, channel, description, due_at, remind_at, owner_agent_id, "       \
	"owner_team_id, requested_by, created_by, status, note, created_at, resolved_at, "     \
	"reminded_at, overdue_at "

#define TIMER_REMIND "promise.remind"
#define TIMER_OVERDUE "promise.overdue"

/* An arena for one promise read inside a write (description, note). */
#define ROW_ARENA_MAX (64 << 10)

static void read_promise(sqlite3_stmt *s, void *item, struct hd_arena *a)
{
	struct hd_promise *p = item;
	int ch = hd_channel_parse((const char *)sqlite3_column_text(s, 3));
	int st = hd_promise_status_parse((const char *)sqlite3_column_text(s, 11));
	int kind = hd_promise_kind_parse((const char *)sqlite3_column_text(s, 2));
	const char *desc;

	p->id = sqlite3_column_int64(s, 0);
	p->ticket_id = sqlite3_column_int64(s, 1);
	p->kind = kind < 0 ? HD_PROMISE_OTHER : (enum hd_promise_kind)kind;
	p->channel = ch < 0 ? HD_CHANNEL_API : (enum hd_channel)ch;
	desc = hd_db_text(s, 4, a);
	p->description = desc ? desc : "";
	p->due_at = sqlite3_column_int64(s, 5);
	p->remind_at = sqlite3_column_int64(s, 6);
	p->owner_agent_id = sqlite3_column_int64(s, 7);
	p->owner_team_id = sqlite3_column_int64(s, 8);
	p->requested_by = hd_author_parse((const char *)sqlite3_column_text(s, 9)) ==
					  HD_AUTHOR_CUSTOMER
				  ? HD_AUTHOR_CUSTOMER
				  : HD_AUTHOR_AGENT;
	p->created_by = sqlite3_column_int64(s, 10);
	p->status = st < 0 ? HD_PROMISE_OPEN : (enum hd_promise_status)st;
	p->note = hd_db_text(s, 12, a);
	p->created_at = sqlite3_column_int64(s, 13);
	p->resolved_at = sqlite3_column_int64(s, 14);
	p->reminded_at = sqlite3_column_int64(s, 15);
	p->overdue_at = sqlite3_column_int64(s, 16);
}

/* Promise `id` on connection `c` (a reader or the writer). */
static int load_promise(struct hd_conn *c, int64_t id, struct hd_promise *p, struct hd_arena *a,
			struct hd_err *err)
{
	sqlite3_stmt *s = hd_db_stmt(c, "SELECT " PROMISE_COLS "FROM promises WHERE id = ?1", err);

	if (!s)
		return HD_EIO;
	sqlite3_bind_int64(s, 1, id);
	return hd_db_get(c, s, read_promise, p, a, "promise", id, err);
}

/* What a promise needs to know about its ticket, read inside a write. */
struct ticket_facts {
	enum hd_status status;
	enum hd_channel channel;
	int64_t team_id, assignee_id, customer_id;
	char subject[1024];
	char customer_name[256];
};

static int load_ticket(struct hd_conn *c, int64_t tid, struct ticket_facts *t,
		       struct hd_err *err)
{
	sqlite3_stmt *s = hd_db_stmt(c,
				     "SELECT t.status, t.channel, t.team_id, t.assignee_id, "
				     "t.customer_id, t.subject, cu.name FROM tickets t "
				     "LEFT JOIN customers cu ON cu.id = t.customer_id WHERE t.id = ?1",
				     err);
	int rc = 0, step, v;

	if (!s)
		return HD_EIO;
	sqlite3_bind_int64(s, 1, tid);
	step = sqlite3_step(s);
	if (step == SQLITE_ROW) {
		v = hd_status_parse((const char *)sqlite3_column_text(s, 0));
		t->status = v < 0 ? HD_STATUS_OPEN : (enum hd_status)v;
		v = hd_channel_parse((const char *)sqlite3_column_text(s, 1));
		t->channel = v < 0 ? HD_CHANNEL_API : (enum hd_channel)v;
		t->team_id = sqlite3_column_int64(s, 2);
		t->assignee_id = sqlite3_column_int64(s, 3);
		t->customer_id = sqlite3_column_int64(s, 4);
		snprintf(t->subject, sizeof(t->subject), "%s",
			 sqlite3_column_text(s, 5) ? (const char *)sqlite3_column_text(s, 5) : "");
		snprintf(t->customer_name, sizeof(t->customer_name), "%s",
			 sqlite3_column_text(s, 6) ? (const char *)sqlite3_column_text(s, 6) : "");
	} else if (step == SQLITE_DONE) {
		rc = hd_err_set(err, HD_ENOTFOUND, NULL, "there is no ticket %lld", (long long)tid);
	} else {
		rc = hd_db_error(c, step, err);
	}
	hd_db_done(s);
	return rc;
}

static struct hd_promise_text text_of(const struct hd_promise *p, const struct ticket_facts *t,
				      const char *desk_name)
{
	struct hd_promise_text x = {
		.ticket = p->ticket_id,
		.subject = t->subject,
		.customer_name = t->customer_name,
		.kind = p->kind,
		.channel = p->channel,
		.due_at = p->due_at,
		.description = p->description,
		.customer_requested = p->requested_by == HD_AUTHOR_CUSTOMER,
		.desk_name = desk_name,
	};
	return x;
}

static json_t *json_id(int64_t id)
{
	return id ? json_integer(id) : json_null();
}

static json_t *json_time(int64_t ms)
{
	char buf[HD_RFC3339_LEN];

	return ms ? json_string(hd_time_format(ms, buf)) : json_null();
}

/* Run `sql` with ?1 = id and ?2 = `v` (an UPDATE of one promise). */
static int update_one(struct hd_conn *c, const char *sql, int64_t id, int64_t v,
		      struct hd_err *err)
{
	sqlite3_stmt *s = hd_db_stmt(c, sql, err);
	int rc = 0;

	if (!s)
		return HD_EIO;
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_int64(s, 2, v);
	if (sqlite3_step(s) != SQLITE_DONE)
		rc = hd_db_error(c, sqlite3_errcode(c->db), err);
	hd_db_done(s);
	return rc;
}

/* ---- create --------------------------------------------------------------- */

/* A customer's phone number for a call-back becomes one of their
 * identities when nobody has it yet. `*outcome`: "added", "known" (theirs
 * already) or "taken" (another customer's; left alone). */
static int add_phone(struct hd_conn *c, int64_t customer, const char *phone, int64_t now,
		     const char **outcome, struct hd_err *err)
{
	sqlite3_stmt *s = hd_db_stmt(c,
				     "SELECT customer_id FROM identities WHERE kind = 'phone' "
				     "AND value = ?1",
				     err);
	int64_t holder = 0;
	int step;

	if (!s)
		return HD_EIO;
	sqlite3_bind_text(s, 1, phone, -1, SQLITE_STATIC);
	step = sqlite3_step(s);
	if (step == SQLITE_ROW)
		holder = sqlite3_column_int64(s, 0);
	hd_db_done(s);
	if (step != SQLITE_ROW && step != SQLITE_DONE)
		return hd_db_error(c, step, err);
	if (holder) {
		*outcome = holder == customer ? "known" : "taken";
		return 0;
	}
	*outcome = "added";
	return hd_identity_insert(c, customer, HD_IDKIND_PHONE, phone, now, NULL, err);
}

/* Queue the notice that tells the customer; `*queued` 0 when they have no
 * address to mail. */
static int tell_customer(struct hd_conn *c, const struct hd_promise *p,
			 const struct ticket_facts *t, const char *desk_name, int64_t now,
			 int *queued, struct hd_err *err)
{
	struct hd_promise_text x = text_of(p, t, desk_name);
	struct hd_sbuf subject, body;
	int rc;

	hd_sbuf_init(&subject, 2048);
	hd_sbuf_init(&body, 16384);
	rc = hd_promise_notice(&x, &subject, &body);
	if (rc)
		rc = hd_err_set(err, rc, NULL, "the promise notice is too long");
	else
		rc = hd_outmail_notice(c, p->ticket_id, "promise", subject.buf, body.buf, now,
				       queued, err);
	hd_sbuf_release(&subject);
	hd_sbuf_release(&body);
	return rc;
}

static int insert_promise(struct hd_conn *c, struct hd_promise *p, struct hd_err *err)
{
	sqlite3_stmt *s = hd_db_stmt(c,
				     "INSERT INTO promises (ticket_id, kind, channel, description, "
				     "due_at, remind_at, owner_agent_id, owner_team_id, "
				     "requested_by, created_by, status, created_at) VALUES "
				     "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, 'open', ?11)",
				     err);
	int rc = 0;

	if (!s)
		return HD_EIO;
	sqlite3_bind_int64(s, 1, p->ticket_id);
	sqlite3_bind_text(s, 2, hd_promise_kind_name(p->kind), -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, hd_channel_name(p->channel), -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, p->description, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 5, p->due_at);
	hd_db_bind_id(s, 6, p->remind_at);
	hd_db_bind_id(s, 7, p->owner_agent_id);
	hd_db_bind_id(s, 8, p->owner_team_id);
	sqlite3_bind_text(s, 9, hd_author_name(p->requested_by), -1, SQLITE_STATIC);
	hd_db_bind_id(s, 10, p->created_by);
	sqlite3_bind_int64(s, 11, p->created_at);
	if (sqlite3_step(s) != SQLITE_DONE)
		rc = hd_db_error(c, sqlite3_errcode(c->db), err);
	hd_db_done(s);
	if (!rc)
		p->id = sqlite3_last_insert_rowid(c->db);
	return rc;
}

struct create_ctx {
	const struct hd_actor *who;
	int64_t ticket_id;
	const struct hd_promise_new *in;
	struct hd_idem *idem;
	int64_t now;
	int64_t id;
};

/* Who owns the new promise: the given agent or the caller; for a
 * customer's request the ticket's team, else its assignee. */
static int choose_owner(struct hd_conn *c, const struct create_ctx *x,
			const struct ticket_facts *t, struct hd_promise *p, struct hd_err *err)
{
	const struct hd_promise_new *in = x->in;

	if (in->customer_requested) {
		p->owner_team_id = t->team_id;
		p->owner_agent_id = t->team_id ? 0 : t->assignee_id;
		return 0;
	}
	if (in->owner_agent_id)
		p->owner_agent_id = in->owner_agent_id;
	else if (x->who->kind == HD_AUTHOR_AGENT)
		p->owner_agent_id = x->who->id;
	if (!p->owner_agent_id)
		return 0;
	return hd_db_require(c, "SELECT 1 FROM agents WHERE id = ?1 AND active = 1",
			     p->owner_agent_id, HD_EINVAL, "owner_id", "active agent", err);
}

static int create_job(struct hd_conn *c, void *arg, struct hd_err *err)
{
	struct create_ctx *x = arg;
	const struct hd_promise_new *in = x->in;
	const char *phone_outcome = NULL;
	struct ticket_facts t;
	struct hd_promise p;
	json_t *data;
	int rc = hd_idem_check(c, x->idem, &x->id, err), queued = 0;

	if (rc)
		return rc < 0 ? rc : 0;
	rc = load_ticket(c, x->ticket_id, &t, err);
	if (rc)
		return rc;
	if (t.status == HD_STATUS_CLOSED)
		return hd_err_set(err, HD_ECONFLICT, NULL,
				  "ticket %lld is closed; make the promise on its follow-up ticket",
				  (long long)x->ticket_id);
	memset(&p, 0, sizeof(p));
	p.ticket_id = x->ticket_id;
	p.kind = in->kind;
	p.channel = in->channel >= 0 ? (enum hd_channel)in->channel
				     : hd_promise_default_channel(in->kind, t.channel);
	p.description = in->description ? in->description : "";
	p.due_at = in->due_at;
	p.requested_by = in->customer_requested ? HD_AUTHOR_CUSTOMER : HD_AUTHOR_AGENT;
	p.created_by = x->who->id;
	p.created_at = x->now;
	rc = hd_promise_validate((int)p.kind, (int)p.channel, p.due_at, x->now, err);
	rc = rc ? rc : choose_owner(c, x, &t, &p, err);
	if (rc)
		return rc;
	p.remind_at = hd_promise_remind_at(p.due_at, in->remind_minutes, x->now);
	rc = insert_promise(c, &p, err);
	if (!rc && in->customer_requested && in->phone)
		rc = add_phone(c, t.customer_id, in->phone, x->now, &phone_outcome, err);
	rc = rc ? rc : hd_timer_set(c, TIMER_REMIND, p.ticket_id, p.id, p.remind_at, err);
	rc = rc ? rc : hd_timer_set(c, TIMER_OVERDUE, p.ticket_id, p.id, p.due_at, err);
	rc = rc ? rc
		: tell_customer(c, &p, &t, in->desk_name ? in->desk_name : c->st->desk_name,
				x->now, &queued, err);
	if (rc)
		return rc;
	data = json_pack("{s:I,s:s,s:s,s:o,s:o,s:o,s:o,s:s,s:b}", "promise_id", (json_int_t)p.id,
			 "kind", hd_promise_kind_name(p.kind), "channel",
			 hd_channel_name(p.channel), "due_at", json_time(p.due_at), "remind_at",
			 json_time(p.remind_at), "owner_id", json_id(p.owner_agent_id),
			 "owner_team_id", json_id(p.owner_team_id), "requested_by",
			 hd_author_name(p.requested_by), "notice_queued", queued);
	if (data && phone_outcome)
		json_object_set_new(data, "phone_identity", json_string(phone_outcome));
	rc = hd_event_json(c, p.ticket_id, x->who, "promise.created", data, x->now, err);
	x->id = p.id;
	return rc ? rc : hd_idem_save(c, x->idem, x->id, x->now, err);
}

int hd_store_promise_create(struct hd_store *st, const struct hd_actor *who, int64_t ticket_id,
			    const struct hd_promise_new *in, struct hd_idem *idem, int64_t *id,
			    struct hd_err *err)
{
	struct create_ctx x = { who, ticket_id, in, idem, hd_now_ms(), 0 };
	int rc = hd_writer_run(st, create_job, &x, err);

	*id = x.id;
	return rc;
}

/* ---- read ----------------------------------------------------------------- */

int hd_store_promise_get(struct hd_store *st, int64_t id, struct hd_promise *out,
			 struct hd_arena *a, struct hd_err *err)
{
	struct hd_conn *c;
	int rc = hd_db_acquire(st, &c, err);

	if (rc)
		return rc;
	rc = load_promise(c, id, out, a, err);
	hd_db_release(st, c);
	return rc;
}

int hd_store_promise_list(struct hd_store *st, const struct hd_promise_filter *f,
			  struct hd_promise **out, size_t *n, int64_t *next, struct hd_arena *a,
			  struct hd_err *err)
{
	struct hd_conn *c = NULL;
	struct hd_sbuf sql;
	sqlite3_stmt *s;
	int rc;

	*out = NULL;
	*n = 0;
	*next = 0;
	hd_sbuf_init(&sql, 2048);
	/* only the conditions present appear, so each combination is its own
	 * cached statement that can use its index */
	rc = hd_sbuf_adds(&sql, "SELECT " PROMISE_COLS "FROM promises WHERE 1");
	if (f->ticket_id)
		rc = rc ? rc : hd_sbuf_adds(&sql, " AND ticket_id = ?1");
	if (f->has_status)
		rc = rc ? rc : hd_sbuf_adds(&sql, " AND status = ?2");
	if (f->owner_agent_id)
		rc = rc ? rc : hd_sbuf_adds(&sql, " AND owner_agent_id = ?3");
	if (f->owner_team_id)
		rc = rc ? rc : hd_sbuf_adds(&sql, " AND owner_team_id = ?4");
	if (f->due_before)
		rc = rc ? rc : hd_sbuf_adds(&sql, " AND due_at < ?5");
	if (f->after)
		rc = rc ? rc : hd_sbuf_adds(&sql, f->ticket_id ? " AND id > ?6" : " AND id < ?6");
	rc = rc ? rc
		: hd_sbuf_adds(&sql, f->ticket_id ? " ORDER BY id LIMIT ?7"
						  : " ORDER BY id DESC LIMIT ?7");
	if (rc) {
		rc = hd_err_set(err, HD_ENOMEM, NULL, "query too long");
		goto out;
	}
	rc = hd_db_acquire(st, &c, err);
	if (rc)
		goto out;
	if (f->ticket_id) {
		rc = hd_db_require(c, "SELECT 1 FROM tickets WHERE id = ?1", f->ticket_id,
				   HD_ENOTFOUND, NULL, "ticket", err);
		if (rc)
			goto out;
	}
	s = hd_db_stmt(c, sql.buf, err);
	if (!s) {
		rc = HD_EIO;
		goto out;
	}
	if (f->ticket_id)
		sqlite3_bind_int64(s, 1, f->ticket_id);
	if (f->has_status)
		sqlite3_bind_text(s, 2, hd_promise_status_name(f->status), -1, SQLITE_STATIC);
	if (f->owner_agent_id)
		sqlite3_bind_int64(s, 3, f->owner_agent_id);
	if (f->owner_team_id)
		sqlite3_bind_int64(s, 4, f->owner_team_id);
	if (f->due_before)
		sqlite3_bind_int64(s, 5, f->due_before);
	if (f->after)
		sqlite3_bind_int64(s, 6, f->after);
	sqlite3_bind_int(s, 7, f->limit + 1);
	rc = hd_db_collect(c, s, sizeof(**out), f->limit, read_promise, (void **)out, n, next, a,
			   err);
out:
	if (c)
		hd_db_release(st, c);
	hd_sbuf_release(&sql);
	return rc;
}

/* ---- resolve -------------------------------------------------------------- */

struct resolve_ctx {
	const struct hd_actor *who;
	int64_t id;
	enum hd_promise_status to;
	const char *note;
	int64_t now;
};

static int resolve_job(struct hd_conn *c, void *arg, struct hd_err *err)
{
	struct resolve_ctx *x = arg;
	struct hd_promise p;
	struct hd_arena a;
	sqlite3_stmt *s;
	int rc;

	hd_arena_init(&a, ROW_ARENA_MAX);
	rc = load_promise(c, x->id, &p, &a, err);
	rc = rc ? rc : hd_promise_check_resolve((int)p.status, (int)x->to, x->note, err);
	if (rc)
		goto out;
	s = hd_db_stmt(c,
		       "UPDATE promises SET status = ?2, note = ?3, resolved_at = ?4 WHERE id = ?1",
		       err);
	if (!s) {
		rc = HD_EIO;
		goto out;
	}
	sqlite3_bind_int64(s, 1, x->id);
	sqlite3_bind_text(s, 2, hd_promise_status_name(x->to), -1, SQLITE_STATIC);
	hd_db_bind_text(s, 3, x->note && x->note[0] ? x->note : NULL);
	sqlite3_bind_int64(s, 4, x->now);
	if (sqlite3_step(s) != SQLITE_DONE)
		rc = hd_db_error(c, sqlite3_errcode(c->db), err);
	hd_db_done(s);
	rc = rc ? rc : hd_timer_set(c, TIMER_REMIND, p.ticket_id, p.id, 0, err);
	rc = rc ? rc : hd_timer_set(c, TIMER_OVERDUE, p.ticket_id, p.id, 0, err);
	rc = rc ? rc
		: hd_event_json(c, p.ticket_id, x->who,
				x->to == HD_PROMISE_KEPT ? "promise.kept" : "promise.broken",
				json_pack("{s:I,s:s?,s:o,s:b}", "promise_id", (json_int_t)p.id,
					  "note", x->note && x->note[0] ? x->note : NULL,
					  "due_at", json_time(p.due_at), "late",
					  x->now > p.due_at),
				x->now, err);
out:
	hd_arena_release(&a);
	return rc;
}

int hd_store_promise_resolve(struct hd_store *st, const struct hd_actor *who, int64_t id,
			     enum hd_promise_status to, const char *note, struct hd_err *err)
{
	struct resolve_ctx x = { who, id, to, note, hd_now_ms() };

	return hd_writer_run(st, resolve_job, &x, err);
}

/* ---- timer handlers (timers.c runs them inside the write that deletes
 * the timer) ------------------------------------------------------------ */

/* Mail agent `agent` about promise `p`. Nothing when `agent` is 0. */
static int alert(struct hd_conn *c, enum hd_promise_alert which, const struct hd_promise *p,
		 const struct ticket_facts *t, int64_t agent, int64_t now, struct hd_err *err)
{
	struct hd_promise_text x = text_of(p, t, c->st->desk_name);
	struct hd_sbuf subject, body;
	int rc;

	if (!agent)
		return 0;
	hd_sbuf_init(&subject, 2048);
	hd_sbuf_init(&body, 16384);
	rc = hd_promise_alert(which, p->id, &x, &subject, &body);
	if (rc)
		rc = hd_err_set(err, rc, NULL, "the promise alert is too long");
	else
		rc = hd_outmail_notify(c, p->ticket_id, agent, subject.buf, body.buf, now, err);
	hd_sbuf_release(&subject);
	hd_sbuf_release(&body);
	return rc;
}

/* Load promise `pid` and its ticket for a handler. 1 when the promise is
 * still open (the handler acts), 0 when it is gone or resolved. */
static int load_open(struct hd_conn *c, int64_t pid, struct hd_promise *p,
		     struct ticket_facts *t, struct hd_arena *a, struct hd_err *err)
{
	int rc = load_promise(c, pid, p, a, NULL);

	if (rc == HD_ENOTFOUND || (!rc && p->status != HD_PROMISE_OPEN))
		return 0;
	if (rc)
		return hd_err_set(err, rc, NULL, "cannot read promise %lld", (long long)pid);
	rc = load_ticket(c, p->ticket_id, t, err);
	return rc ? rc : 1;
}

int hd_promise_fire_remind(struct hd_conn *c, int64_t tid, int64_t pid, int64_t due,
			   int64_t now, struct hd_err *err)
{
	struct hd_actor sys = { HD_AUTHOR_SYSTEM, 0, HD_ROLE_AGENT };
	struct ticket_facts t;
	struct hd_promise p;
	struct hd_arena a;
	int64_t to = 0;
	int rc;

	hd_arena_init(&a, ROW_ARENA_MAX);
	rc = load_open(c, pid, &p, &t, &a, err);
	if (rc <= 0)
		goto out;
	/* the owner; for a team's promise whoever leads the ticket's work */
	to = p.owner_agent_id;
	rc = to ? 0 : hd_ticket_lead(c, p.ticket_id, &to, err);
	rc = rc ? rc : alert(c, HD_PROMISE_ALERT_REMIND, &p, &t, to, now, err);
	rc = rc ? rc
		: update_one(c, "UPDATE promises SET reminded_at = ?2 WHERE id = ?1", pid, now,
			     err);
	rc = rc ? rc
		: hd_event_json(c, p.ticket_id, &sys, "promise.reminded",
				json_pack("{s:I,s:o,s:o}", "promise_id", (json_int_t)pid,
					  "due_at", json_time(p.due_at), "notified_id",
					  json_id(to)),
				now, err);
out:
	hd_arena_release(&a);
	return rc;
}

int hd_promise_fire_overdue(struct hd_conn *c, int64_t tid, int64_t pid, int64_t due,
			    int64_t now, struct hd_err *err)
{
	struct hd_actor sys = { HD_AUTHOR_SYSTEM, 0, HD_ROLE_AGENT };
	struct ticket_facts t;
	struct hd_promise p;
	struct hd_arena a;
	int64_t lead = 0;
	json_t *notified = NULL;
	int rc;

	hd_arena_init(&a, ROW_ARENA_MAX);
	rc = load_open(c, pid, &p, &t, &a, err);
	if (rc <= 0)
		goto out;
	notified = json_array();
	/* escalate to the lead, and tell the owner it is late */
	rc = hd_ticket_lead(c, p.ticket_id, &lead, err);
	rc = rc ? rc : alert(c, HD_PROMISE_ALERT_OVERDUE, &p, &t, lead, now, err);
	if (!rc && lead)
		json_array_append_new(notified, json_integer(lead));
	if (!rc && p.owner_agent_id && p.owner_agent_id != lead) {
		rc = alert(c, HD_PROMISE_ALERT_OVERDUE, &p, &t, p.owner_agent_id, now, err);
		json_array_append_new(notified, json_integer(p.owner_agent_id));
	}
	rc = rc ? rc
		: update_one(c, "UPDATE promises SET overdue_at = ?2 WHERE id = ?1", pid, now,
			     err);
	rc = rc ? rc
		: hd_event_json(c, p.ticket_id, &sys, "promise.overdue",
				json_pack("{s:I,s:o,s:O}", "promise_id", (json_int_t)pid,
					  "due_at", json_time(p.due_at), "notified_ids",
					  notified),
				now, err);
out:
	json_decref(notified);
	hd_arena_release(&a);
	return rc;
}
