/*
 * sla.c — a ticket's SLA clocks in the database: the refresh every ticket
 * write ends with, the warning and breach timers and their escalations,
 * and business time for the per-ticket measurements.
 *
 * The rules are domain/sla (hd_sla_plan); this file loads the facts, stores
 * what the domain answers (sla_clocks rows, the ticket's sla_* columns, the
 * timers) and runs the policy's actions when a timer fires. When no policy
 * matches, the desk's default applies: a first response within
 * first_response_minutes of calendar time (what the acknowledgement
 * promises), nothing else.
 */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "store/sqlite/internal.h"
#include "util/banned.h"

#define MAX_TAGS 64

/* What the refresh reads of a ticket. */
struct sla_ticket {
	struct hd_sla_facts facts;
	enum hd_priority priority;
	enum hd_channel channel;
	int64_t team_id, assignee_id, org_id, policy_id;
	char tags[MAX_TAGS][HD_SLA_TAG_MAX];
	const char *tagp[MAX_TAGS];
	size_t ntags;
};

static int load_ticket(struct hd_conn *c, int64_t tid, struct sla_ticket *t, struct hd_err *err)
{
	sqlite3_stmt *s = hd_db_stmt(c,
				     "SELECT t.status, t.created_at, t.first_response_at, "
				     "t.unanswered_since, t.last_public_reply_at, t.solved_at, "
				     "t.priority, t.channel, t.team_id, t.assignee_id, "
				     "cu.organization_id, t.sla_policy_id FROM tickets t "
				     "JOIN customers cu ON cu.id = t.customer_id WHERE t.id = ?1",
				     err);
	int rc = 0;

	memset(t, 0, sizeof(*t));
	if (!s)
		return HD_EIO;
	sqlite3_bind_int64(s, 1, tid);
	if (sqlite3_step(s) == SQLITE_ROW) {
		t->facts.status = hd_status_parse((const char *)sqlite3_column_text(s, 0));
		t->facts.created_at = sqlite3_column_int64(s, 1);
		t->facts.first_response_at = sqlite3_column_int64(s, 2);
		t->facts.unanswered_since = sqlite3_column_int64(s, 3);
		t->facts.last_public_reply_at = sqlite3_column_int64(s, 4);
		t->facts.solved_at = sqlite3_column_int64(s, 5);
		t->priority = hd_priority_parse((const char *)sqlite3_column_text(s, 6));
		t->channel = hd_channel_parse((const char *)sqlite3_column_text(s, 7));
		t->team_id = sqlite3_column_int64(s, 8);
		t->assignee_id = sqlite3_column_int64(s, 9);
		t->org_id = sqlite3_column_int64(s, 10);
		t->policy_id = sqlite3_column_int64(s, 11);
	} else {
		rc = hd_err_set(err, HD_ENOTFOUND, NULL, "there is no ticket %lld", (long long)tid);
	}
	hd_db_done(s);
	if (rc)
		return rc;
	s = hd_db_stmt(c, "SELECT tag FROM ticket_tags WHERE ticket_id = ?1 ORDER BY tag", err);
	if (!s)
		return HD_EIO;
	sqlite3_bind_int64(s, 1, tid);
	while (t->ntags < MAX_TAGS && sqlite3_step(s) == SQLITE_ROW) {
		snprintf(t->tags[t->ntags], HD_SLA_TAG_MAX, "%s",
			 (const char *)sqlite3_column_text(s, 0));
		t->tagp[t->ntags] = t->tags[t->ntags];
		t->ntags++;
	}
	hd_db_done(s);
	return 0;
}

/* The desk's default when no policy matches (see the header comment). */
static void default_policy(const struct hd_store *st, struct hd_sla_policy *p)
{
	memset(p, 0, sizeof(*p));
	snprintf(p->name, sizeof(p->name), "default");
	p->target_min[HD_SLA_FIRST_RESPONSE] = st->first_response_minutes;
	p->pause_statuses = HD_SLA_DEFAULT_PAUSE;
}

/* The policy for ticket `t` into `*p` and its calendar (NULL: calendar
 * time); `*was_cal` (may be NULL) receives the calendar of the policy the
 * ticket had until now. */
static int policy_for(struct hd_conn *c, const struct sla_ticket *t, int64_t now,
		      struct hd_sla_policy *p, const struct hd_calendar **cal,
		      const struct hd_calendar **was_cal, struct hd_err *err)
{
	const struct hd_sla_config *cfg;
	struct hd_sla_subject subj;
	int i, rc = hd_sla_config_get(c, now, &cfg, err);

	*cal = NULL;
	if (rc)
		return rc;
	if (was_cal) {
		*was_cal = NULL;
		for (size_t k = 0; k < cfg->npolicies; k++)
			if (cfg->policies[k].id == t->policy_id && cfg->policies[k].calendar_id)
				*was_cal = hd_sla_config_calendar(cfg, cfg->policies[k].calendar_id);
	}
	subj.priority = t->priority;
	subj.channel = t->channel;
	subj.team_id = t->team_id;
	subj.org_id = t->org_id;
	subj.tags = t->tagp;
	subj.ntags = t->ntags;
	i = hd_sla_match(cfg->policies, cfg->npolicies, &subj);
	if (i < 0) {
		default_policy(c->st, p);
		return 0;
	}
	*p = cfg->policies[i];
	*cal = p->calendar_id ? hd_sla_config_calendar(cfg, p->calendar_id) : NULL;
	return 0;
}

static void read_clock(sqlite3_stmt *s, struct hd_sla_clock *k)
{
	memset(k, 0, sizeof(*k));
	k->present = 1;
	k->id = sqlite3_column_int64(s, 0);
	k->target_min = sqlite3_column_int64(s, 2);
	k->business = sqlite3_column_int(s, 3);
	k->started_at = sqlite3_column_int64(s, 4);
	k->elapsed_ms = sqlite3_column_int64(s, 5);
	k->running_since = sqlite3_column_int64(s, 6);
	k->due_at = sqlite3_column_int64(s, 7);
	k->warn_at = sqlite3_column_int64(s, 8);
	k->warned_at = sqlite3_column_int64(s, 9);
	k->breached_at = sqlite3_column_int64(s, 10);
	k->outcome = HD_SLA_RUNNING;
}

#define CLOCK_COLS                                                                             \
	"id, metric, target_min, business, started_at, elapsed_ms, running_since, due_at, "     \
	"warn_at, warned_at, breached_at "

static int load_clocks(struct hd_conn *c, int64_t tid, struct hd_sla_clock k[HD_SLA__COUNT],
		       struct hd_err *err)
{
	sqlite3_stmt *s = hd_db_stmt(c,
				     "SELECT " CLOCK_COLS "FROM sla_clocks "
				     "WHERE ticket_id = ?1 AND ended_at IS NULL",
				     err);

	memset(k, 0, sizeof(*k) * HD_SLA__COUNT);
	if (!s)
		return HD_EIO;
	sqlite3_bind_int64(s, 1, tid);
	while (sqlite3_step(s) == SQLITE_ROW) {
		int m = hd_sla_metric_parse((const char *)sqlite3_column_text(s, 1));

		if (m >= 0)
			read_clock(s, &k[m]);
	}
	hd_db_done(s);
	return 0;
}

static int step_done(struct hd_conn *c, sqlite3_stmt *s, struct hd_err *err)
{
	int rc = sqlite3_step(s) == SQLITE_DONE ? 0 : hd_db_error(c, sqlite3_errcode(c->db), err);

	hd_db_done(s);
	return rc;
}

/* Store a cycle that ended, with the ticket's dimensions for attainment. */
static int save_ended(struct hd_conn *c, const struct sla_ticket *t, const struct hd_sla_clock *k,
		      struct hd_err *err)
{
	sqlite3_stmt *s = hd_db_stmt(c,
				     "UPDATE sla_clocks SET elapsed_ms = ?2, running_since = NULL, "
				     "due_at = NULL, warn_at = NULL, ended_at = ?3, outcome = ?4, "
				     "team_id = ?5, assignee_id = ?6, channel = ?7, priority = ?8 "
				     "WHERE id = ?1",
				     err);
	int rc;

	if (!s)
		return HD_EIO;
	sqlite3_bind_int64(s, 1, k->id);
	sqlite3_bind_int64(s, 2, k->elapsed_ms);
	sqlite3_bind_int64(s, 3, k->ended_at);
	sqlite3_bind_text(s, 4, hd_sla_outcome_name(k->outcome), -1, SQLITE_STATIC);
	hd_db_bind_id(s, 5, t->team_id);
	hd_db_bind_id(s, 6, t->assignee_id);
	sqlite3_bind_text(s, 7, hd_channel_name(t->channel), -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 8, hd_priority_name(t->priority), -1, SQLITE_STATIC);
	rc = step_done(c, s, err);
	rc = rc ? rc : hd_timer_set(c, "sla.warn", 0, k->id, 0, err);
	return rc ? rc : hd_timer_set(c, "sla.breach", 0, k->id, 0, err);
}

/* Insert or update the running (or paused) cycle and set its timers. */
static int save_cur(struct hd_conn *c, int64_t tid, int m, int64_t policy_id,
		    struct hd_sla_clock *k, struct hd_err *err)
{
	sqlite3_stmt *s;
	int rc;

	if (k->id)
		s = hd_db_stmt(c,
			       "UPDATE sla_clocks SET policy_id = ?2, target_min = ?3, business = ?4, "
			       "elapsed_ms = ?5, running_since = ?6, due_at = ?7, warn_at = ?8 "
			       "WHERE id = ?1",
			       err);
	else
		s = hd_db_stmt(c,
			       "INSERT INTO sla_clocks (ticket_id, metric, policy_id, target_min, "
			       "business, elapsed_ms, running_since, due_at, warn_at, started_at) "
			       "VALUES (?9, ?10, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?11)",
			       err);
	if (!s)
		return HD_EIO;
	if (k->id)
		sqlite3_bind_int64(s, 1, k->id);
	hd_db_bind_id(s, 2, policy_id);
	sqlite3_bind_int64(s, 3, k->target_min);
	sqlite3_bind_int(s, 4, k->business);
	sqlite3_bind_int64(s, 5, k->elapsed_ms);
	hd_db_bind_id(s, 6, k->running_since);
	hd_db_bind_id(s, 7, k->due_at);
	hd_db_bind_id(s, 8, k->warn_at);
	if (!k->id) {
		sqlite3_bind_int64(s, 9, tid);
		sqlite3_bind_text(s, 10, hd_sla_metric_name(m), -1, SQLITE_STATIC);
		sqlite3_bind_int64(s, 11, k->started_at);
	}
	rc = step_done(c, s, err);
	if (rc)
		return rc;
	if (!k->id)
		k->id = sqlite3_last_insert_rowid(c->db);
	rc = hd_timer_set(c, "sla.warn", tid, k->id, k->warned_at ? 0 : k->warn_at, err);
	return rc ? rc
		  : hd_timer_set(c, "sla.breach", tid, k->id, k->breached_at ? 0 : k->due_at, err);
}

/* The ticket's summary columns: earliest due, worst state, first response due. */
static int save_summary(struct hd_conn *c, int64_t tid, int64_t policy_id,
			const struct hd_sla_step st[HD_SLA__COUNT], int64_t now, struct hd_err *err)
{
	static const char *const rank[] = { "ok", "warning", "breached" };
	int64_t next = 0;
	int worst = -1, any = 0;
	sqlite3_stmt *s;

	for (int m = 0; m < HD_SLA__COUNT; m++) {
		const struct hd_sla_clock *k = &st[m].cur;
		const char *state;

		if (!k->present)
			continue;
		any = 1;
		if (k->due_at && !k->breached_at && (!next || k->due_at < next))
			next = k->due_at;
		state = hd_sla_clock_state(k, now);
		for (int r = 0; r < 3; r++)
			if (!strcmp(state, rank[r]) && r > worst)
				worst = r;
	}
	s = hd_db_stmt(c,
		       "UPDATE tickets SET sla_policy_id = ?2, sla_next_due = ?3, sla_state = ?4, "
		       "first_response_due = coalesce(?5, first_response_due) WHERE id = ?1",
		       err);
	if (!s)
		return HD_EIO;
	sqlite3_bind_int64(s, 1, tid);
	hd_db_bind_id(s, 2, policy_id);
	hd_db_bind_id(s, 3, next);
	hd_db_bind_text(s, 4, worst >= 0 ? rank[worst] : any ? "paused" : NULL);
	hd_db_bind_id(s, 5, st[HD_SLA_FIRST_RESPONSE].cur.due_at);
	return step_done(c, s, err);
}

int hd_sla_refresh(struct hd_conn *c, int64_t tid, int64_t now, struct hd_err *err)
{
	struct hd_sla_clock was[HD_SLA__COUNT];
	struct hd_sla_step st[HD_SLA__COUNT];
	const struct hd_calendar *cal, *was_cal;
	struct hd_sla_policy p;
	struct sla_ticket t;
	int rc = load_ticket(c, tid, &t, err);

	rc = rc ? rc : policy_for(c, &t, now, &p, &cal, &was_cal, err);
	rc = rc ? rc : load_clocks(c, tid, was, err);
	if (rc)
		return rc;
	/* HD_ENOTFOUND: the calendar never opens; the clocks get no due time */
	hd_sla_plan(&p, cal, was_cal, &t.facts, was, now, st);
	for (int m = 0; m < HD_SLA__COUNT && !rc; m++) {
		if (st[m].ended.present && st[m].ended.id)
			rc = save_ended(c, &t, &st[m].ended, err);
		if (!rc && st[m].cur.present)
			rc = save_cur(c, tid, m, p.id, &st[m].cur, err);
	}
	return rc ? rc : save_summary(c, tid, p.id, st, now, err);
}

int hd_sla_business_ms(struct hd_conn *c, int64_t tid, int64_t a, int64_t b, int64_t now,
		       int64_t *ms, struct hd_err *err)
{
	const struct hd_calendar *cal;
	struct hd_sla_policy p;
	struct sla_ticket t;
	int rc = load_ticket(c, tid, &t, err);

	rc = rc ? rc : policy_for(c, &t, now, &p, &cal, NULL, err);
	if (rc)
		return rc;
	*ms = b > a ? b - a : 0;
	if (cal && b > a && hd_cal_minutes_between(cal, a, b, ms))
		*ms = b - a;
	return 0;
}

/* ---- warnings, breaches and escalation ------------------------------------ */

/* The running clock `clock_id` of ticket `tid`, or HD_ENOTFOUND when it
 * ended meanwhile (then the timer has nothing to do). */
static int running_clock(struct hd_conn *c, int64_t clock_id, struct hd_sla_clock *k,
			 char *metric, size_t mlen, struct hd_err *err)
{
	sqlite3_stmt *s = hd_db_stmt(c,
				     "SELECT " CLOCK_COLS "FROM sla_clocks "
				     "WHERE id = ?1 AND ended_at IS NULL",
				     err);
	int rc = HD_ENOTFOUND;

	if (!s)
		return HD_EIO;
	sqlite3_bind_int64(s, 1, clock_id);
	if (sqlite3_step(s) == SQLITE_ROW) {
		read_clock(s, k);
		snprintf(metric, mlen, "%s", (const char *)sqlite3_column_text(s, 1));
		rc = 0;
	}
	hd_db_done(s);
	return rc;
}

static int ticket_set(struct hd_conn *c, int64_t tid, const char *sql, sqlite3_int64 v,
		      const char *text, struct hd_err *err)
{
	sqlite3_stmt *s = hd_db_stmt(c, sql, err);

	if (!s)
		return HD_EIO;
	sqlite3_bind_int64(s, 1, tid);
	if (text)
		sqlite3_bind_text(s, 2, text, -1, SQLITE_STATIC);
	else
		sqlite3_bind_int64(s, 2, v);
	return step_done(c, s, err);
}

/* Run one escalation action; `done` (a JSON array) records what happened. */
static int run_action(struct hd_conn *c, int64_t tid, const struct hd_sla_action *a,
		      const char *metric, const char *what, int64_t now, json_t *done,
		      struct hd_err *err)
{
	struct sla_ticket t;
	char subject[256], text[512];
	int64_t lead = 0;
	int rc = load_ticket(c, tid, &t, err);

	if (rc)
		return rc;
	switch (a->kind) {
	case HD_SLA_ACT_NOTIFY_LEAD:
		rc = hd_ticket_lead(c, tid, &lead, err);
		snprintf(subject, sizeof(subject), "[#%lld] SLA %s: %s", (long long)tid, what,
			 metric);
		snprintf(text, sizeof(text),
			 "Ticket #%lld: the %s target is %s.\n\nPlease look at it now.\n",
			 (long long)tid, metric,
			 strcmp(what, "warning") ? "breached" : "about to be breached");
		rc = rc ? rc : hd_outmail_notify(c, tid, lead, subject, text, now, err);
		json_array_append_new(done, json_pack("{s:s,s:o}", "action", "notify_lead",
						      "agent_id",
						      lead ? json_integer(lead) : json_null()));
		return rc;
	case HD_SLA_ACT_RAISE_PRIORITY:
		if (t.priority + 1 >= HD_PRIORITY__COUNT)
			return 0;
		rc = ticket_set(c, tid, "UPDATE tickets SET priority = ?2 WHERE id = ?1", 0,
				hd_priority_name(t.priority + 1), err);
		json_array_append_new(done, json_pack("{s:s,s:s,s:s}", "action", "raise_priority",
						      "from", hd_priority_name(t.priority), "to",
						      hd_priority_name(t.priority + 1)));
		return rc;
	case HD_SLA_ACT_SET_TEAM:
		if (t.team_id == a->team_id)
			return 0;
		rc = hd_db_exists(c, "SELECT 1 FROM teams WHERE id = ?1", a->team_id, err);
		if (rc <= 0)
			return rc; /* the team was deleted: nothing to do */
		rc = ticket_set(c, tid, "UPDATE tickets SET team_id = ?2 WHERE id = ?1", a->team_id,
				NULL, err);
		json_array_append_new(done, json_pack("{s:s,s:I}", "action", "set_team", "team_id",
						      (json_int_t)a->team_id));
		return rc;
	case HD_SLA_ACT_ADD_TAG: {
		sqlite3_stmt *s = hd_db_stmt(
			c, "INSERT OR IGNORE INTO ticket_tags (ticket_id, tag) VALUES (?1, ?2)", err);

		if (!s)
			return HD_EIO;
		sqlite3_bind_int64(s, 1, tid);
		sqlite3_bind_text(s, 2, a->tag, -1, SQLITE_STATIC);
		rc = step_done(c, s, err);
		json_array_append_new(done,
				      json_pack("{s:s,s:s}", "action", "add_tag", "tag", a->tag));
		return rc;
	}
	default:
		return 0;
	}
}

/* A warning (`breach` 0) or breach timer of clock `clock_id` fired. */
static int fire(struct hd_conn *c, int64_t tid, int64_t clock_id, int breach, int64_t now,
		struct hd_err *err)
{
	struct hd_actor sys = { HD_AUTHOR_SYSTEM, 0, HD_ROLE_AGENT };
	const struct hd_calendar *cal;
	struct hd_sla_policy p;
	struct hd_sla_clock k;
	struct sla_ticket t;
	const struct hd_sla_action *acts;
	char metric[32];
	size_t nacts;
	json_t *done;
	int rc = running_clock(c, clock_id, &k, metric, sizeof(metric), err);

	if (rc == HD_ENOTFOUND)
		return 0;
	rc = rc ? rc : load_ticket(c, tid, &t, err);
	rc = rc ? rc : policy_for(c, &t, now, &p, &cal, NULL, err);
	if (rc)
		return rc;
	rc = ticket_set(c, clock_id,
			breach ? "UPDATE sla_clocks SET breached_at = ?2 WHERE id = ?1"
			       : "UPDATE sla_clocks SET warned_at = ?2 WHERE id = ?1",
			now, NULL, err);
	if (rc)
		return rc;
	acts = breach ? p.on_breach : p.on_warn;
	nacts = breach ? p.non_breach : p.non_warn;
	done = json_array();
	for (size_t i = 0; i < nacts && !rc; i++)
		rc = run_action(c, tid, &acts[i], metric, breach ? "breach" : "warning", now, done,
				err);
	rc = rc ? rc
		: hd_event_json(c, tid, &sys, breach ? "sla.breached" : "sla.warning",
				json_pack("{s:s,s:I,s:I,s:I,s:o}", "metric", metric, "policy_id",
					  (json_int_t)p.id, "target_minutes",
					  (json_int_t)k.target_min, "due_at",
					  (json_int_t)k.due_at, "actions", json_incref(done)),
				now, err);
	json_decref(done);
	/* the ticket shows a new state (and maybe priority, team, tags) */
	rc = rc ? rc
		: ticket_set(c, tid,
			     "UPDATE tickets SET version = version + 1, updated_at = ?2 WHERE id = ?1",
			     now, NULL, err);
	return rc ? rc : hd_sla_refresh(c, tid, now, err);
}

int hd_sla_fire_warn(struct hd_conn *c, int64_t tid, int64_t clock_id, int64_t due, int64_t now,
		     struct hd_err *err)
{
	return fire(c, tid, clock_id, 0, now, err);
}

int hd_sla_fire_breach(struct hd_conn *c, int64_t tid, int64_t clock_id, int64_t due,
		       int64_t now, struct hd_err *err)
{
	return fire(c, tid, clock_id, 1, now, err);
}

/* ---- reading a ticket's clocks ------------------------------------------ */

static void read_view(sqlite3_stmt *s, void *item, struct hd_arena *a)
{
	struct hd_sla_view *v = item;

	read_clock(s, &v->clock);
	v->metric = hd_sla_metric_parse((const char *)sqlite3_column_text(s, 1));
}

int hd_store_sla_clocks(struct hd_store *st, int64_t tid, struct hd_sla_view **out, size_t *n,
			struct hd_arena *a, struct hd_err *err)
{
	return hd_db_query_id(st,
			      "SELECT " CLOCK_COLS "FROM sla_clocks "
			      "WHERE ticket_id = ?1 AND ended_at IS NULL ORDER BY metric",
			      tid, sizeof(**out), read_view, (void **)out, n, a, err);
}
