/*
 * metrics_read.c — the sources of the metrics (see metrics.c for how a call
 * runs them): for each, the query over its rows and how a row is folded
 * into the accumulators (metrics_acc.c), which summarise them into result
 * rows.
 *
 * A source reads only the columns it needs over an index range of its own
 * instant; the indexes that serve them are listed in docs/internals/
 * metrics.md. Rows are folded by heed_fold(), an aggregate function, so
 * SQLite's own loop walks the index and no row comes back through
 * sqlite3_step: per group and for the total, samples (durations) or a few
 * counters. Sources made only of counters are read with count(*) over
 * index ranges when no grouping needs their rows, and from their daily
 * tables (sla_daily, close_daily, kept by triggers) for the whole days of
 * the period when the database has them.
 *
 * Grouping is done in C, not in SQL: a GROUP BY over a million rows makes
 * SQLite sort them, while a small hash of group keys costs a few ns a row.
 * Everything here may run on a helper thread: it allocates with malloc,
 * never in the caller's arena, and frees it all but the result rows.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "domain/enums.h"
#include "store/sqlite/metrics_read.h"
#include "util/sbuf.h"
#include "util/banned.h"

#define DAY_MS ((int64_t)86400000)
#define HOUR_MS ((int64_t)3600000)

/* ---- sources -------------------------------------------------------------------- */

struct task;
/* Fold one row's values (after the task pointer; the group key, when
 * grouping, is the last of them) into the task's accumulators. */
typedef void (*fold_fn)(struct task *t, sqlite3_value **v, struct hd_mslot *g);

/* A counter a source can read with count(*) over an index range instead of
 * folding its rows: the rows matching `cond` go to counter `slot`. */
struct src_count {
	const char *cond;
	int slot;
};

/* One source: its table; the conditions selecting its rows — `lead` on
 * the leading columns of its index (NULL: none), then `range` on its
 * instant (?1 = from, ?2 = to, ?3 = now; NULL: none); the column of its
 * instant (for day and week groups; NULL: not in the period); the column of
 * each dimension; the value columns it folds in business or calendar time;
 * and — for sources made only of counters — the counts that answer it
 * without grouping (each replacing `lead`). */
struct src_def {
	const char *from;
	const char *join; /* added when a ticket's channel or priority is needed */
	const char *lead;
	const char *range;
	const char *at;
	const char *team, *agent, *channel, *priority;
	const char *cols[2]; /* [business], [calendar] */
	fold_fn fold;
	const struct src_count *counts; /* NULL-terminated by cond; NULL: always fold */
	const char *daily; /* the table of its counts per day (see read_daily), or NULL */
	int zero_none;     /* none is 0 or '' here, not NULL (the daily tables) */
};

/* A source being read: what it reads and what it gathered so far. */
struct task {
	enum hd_msrc src;
	const struct hd_metric_query *q;
	enum hd_metric_group group;
	int weight_arg; /* reading a daily table: 1 + the index of its count among the values */
	struct hd_macc acc;
	struct hd_err *err;
};

/* The first byte of a text value ('\0' for NULL or ""), read without the
 * copy sqlite3_value_text makes to add a terminator. */
static char val_c0(sqlite3_value *v)
{
	const unsigned char *p = sqlite3_value_blob(v);

	return p && sqlite3_value_bytes(v) > 0 ? (char)p[0] : '\0';
}

/* The index of a text value in an enum's names (name_fn), or -1. */
static int val_enum(sqlite3_value *v, const char *(*name_fn)(int), int count)
{
	const char *p = sqlite3_value_blob(v);
	size_t n = (size_t)sqlite3_value_bytes(v);

	for (int i = 0; p && i < count; i++)
		if (strlen(name_fn(i)) == n && !memcmp(p, name_fn(i), n))
			return i;
	return -1;
}

static void fold_duration(struct task *t, sqlite3_value **v, struct hd_mslot *g)
{
	if (sqlite3_value_type(v[0]) != SQLITE_NULL)
		hd_macc_sample(&t->acc, g, sqlite3_value_int64(v[0]));
}

static void fold_solved(struct task *t, sqlite3_value **v, struct hd_mslot *g)
{
	int reopens = sqlite3_value_int(v[1]);

	if (sqlite3_value_type(v[0]) != SQLITE_NULL && (t->q->which & HD_M_FULL_RESOLUTION))
		hd_macc_sample(&t->acc, g, sqlite3_value_int64(v[0]));
	hd_macc_count(&t->acc, g, 0, 1);
	if (reopens > 0) {
		hd_macc_count(&t->acc, g, 1, 1);
		hd_macc_count(&t->acc, g, 2, reopens);
	}
}

/* The weight of a row: 1, or the count of a daily table's row. */
static int64_t weight(const struct task *t, sqlite3_value **v)
{
	return t->weight_arg ? sqlite3_value_int64(v[t->weight_arg - 1]) : 1;
}

static void fold_closed(struct task *t, sqlite3_value **v, struct hd_mslot *g)
{
	int64_t n = weight(t, v);

	switch (val_c0(v[0])) {
	case 'c': hd_macc_count(&t->acc, g, 0, n); break;
	case 'u': hd_macc_count(&t->acc, g, 1, n); break;
	case 'r':
		hd_macc_count(&t->acc, g, 2, n);
		switch (val_c0(v[1])) {
		case 's': hd_macc_count(&t->acc, g, 3, n); break;
		case 'd': hd_macc_count(&t->acc, g, 4, n); break;
		case 'm': hd_macc_count(&t->acc, g, 5, n); break;
		default: break;
		}
		break;
	default: break;
	}
}

/* The SLA target of a metric name (enum hd_sla_metric order), or -1. */
static int fold_sla_metric(sqlite3_value *v)
{
	switch (val_c0(v)) {
	case 'f': return 0; /* first_response */
	case 'n': return 1; /* next_response */
	case 'p': return 2; /* periodic_update */
	case 'r': return 3; /* resolution */
	default: return -1;
	}
}

/* 0 met, 1 breached, 2 cancelled, or -1. */
static int fold_sla_outcome(sqlite3_value *v)
{
	switch (val_c0(v)) {
	case 'm': return 0;
	case 'b': return 1;
	case 'c': return 2;
	default: return -1;
	}
}

static void fold_sla(struct task *t, sqlite3_value **v, struct hd_mslot *g)
{
	int m = fold_sla_metric(v[0]), o = fold_sla_outcome(v[1]);

	if (m >= 0 && o >= 0)
		hd_macc_count(&t->acc, g, m * 3 + o, weight(t, v));
}

static void fold_promise(struct task *t, sqlite3_value **v, struct hd_mslot *g)
{
	char c = val_c0(v[0]);

	if (c == 'k' || c == 'b')
		hd_macc_count(&t->acc, g, c == 'k' ? 0 : 1, 1);
}

static void fold_overdue(struct task *t, sqlite3_value **v, struct hd_mslot *g)
{
	hd_macc_count(&t->acc, g, 0, 1);
}

static void fold_backlog(struct task *t, sqlite3_value **v, struct hd_mslot *g)
{
	static const int64_t limits[HD_AGE__COUNT - 1] = { HOUR_MS,    8 * HOUR_MS, DAY_MS,
							   3 * DAY_MS, 7 * DAY_MS,  30 * DAY_MS };
	int64_t age = t->q->now - sqlite3_value_int64(v[1]);
	int st = val_enum(v[0], hd_status_name, HD_STATUS_ON_HOLD + 1), a = 0;

	if (st < 0)
		return;
	while (a < HD_AGE__COUNT - 1 && age >= limits[a])
		a++;
	hd_macc_count(&t->acc, g, st, 1);
	hd_macc_count(&t->acc, g, 4 + a, 1);
}

#define TICKET_DIMS "team_id", "assignee_id", "channel", "priority"

static const struct src_count sla_counts[] = {
	{ "metric = 'first_response' AND outcome = 'met'", 0 },
	{ "metric = 'first_response' AND outcome = 'breached'", 1 },
	{ "metric = 'first_response' AND outcome = 'cancelled'", 2 },
	{ "metric = 'next_response' AND outcome = 'met'", 3 },
	{ "metric = 'next_response' AND outcome = 'breached'", 4 },
	{ "metric = 'next_response' AND outcome = 'cancelled'", 5 },
	{ "metric = 'periodic_update' AND outcome = 'met'", 6 },
	{ "metric = 'periodic_update' AND outcome = 'breached'", 7 },
	{ "metric = 'periodic_update' AND outcome = 'cancelled'", 8 },
	{ "metric = 'resolution' AND outcome = 'met'", 9 },
	{ "metric = 'resolution' AND outcome = 'breached'", 10 },
	{ "metric = 'resolution' AND outcome = 'cancelled'", 11 },
	{ NULL, 0 },
};

static const struct src_count close_counts[] = {
	{ "close_kind = 'confirmed'", 0 },
	{ "close_kind = 'unconfirmed'", 1 },
	{ "close_kind = 'reason'", 2 },
	{ "close_kind = 'reason' AND close_reason = 'spam'", 3 },
	{ "close_kind = 'reason' AND close_reason = 'duplicate'", 4 },
	{ "close_kind = 'reason' AND close_reason = 'merged'", 5 },
	{ NULL, 0 },
};

/* The SLA clocks' and closes' ranges are written with the leading index
 * columns spelt out (IN lists), so that a fold seeks each (metric, outcome)
 * or kind range of the index instead of scanning it all. */
static const struct src_def defs[HD_MSRC__COUNT] = {
	[HD_MSRC_SLA] = { "sla_clocks", NULL,
		      "metric IN ('first_response', 'next_response', 'periodic_update', "
		      "'resolution') AND outcome IN ('met', 'breached', 'cancelled')",
		      "ended_at >= ?1 AND ended_at < ?2", "ended_at", TICKET_DIMS,
		      { "metric, outcome", "metric, outcome" }, fold_sla, sla_counts, "sla_daily", 0 },
	[HD_MSRC_NEXT_RESPONSE] = { "responses", NULL, "kind = 'next'", "at >= ?1 AND at < ?2", "at",
				"team_id", "agent_id", "channel", "priority",
				{ "waited_bus", "waited_cal" }, fold_duration, NULL, NULL, 0 },
	[HD_MSRC_FIRST_RESPONSE] = { "responses", NULL, "kind = 'first'", "at >= ?1 AND at < ?2",
				 "at", "team_id", "agent_id", "channel", "priority",
				 { "waited_bus", "waited_cal" }, fold_duration, NULL, NULL, 0 },
	[HD_MSRC_SOLVED] = { "tickets", NULL, NULL, "solved_at >= ?1 AND solved_at < ?2", "solved_at",
			 TICKET_DIMS, { "full_res_bus, reopen_count", "full_res_cal, reopen_count" },
			 fold_solved, NULL, NULL, 0 },
	[HD_MSRC_FIRST_SOLVED] = { "tickets", NULL, NULL,
			       "first_solved_at >= ?1 AND first_solved_at < ?2", "first_solved_at",
			       TICKET_DIMS, { "first_res_bus", "first_res_cal" }, fold_duration,
			       NULL, NULL, 0 },
	[HD_MSRC_CLOSED] = { "tickets", NULL, "close_kind IN ('confirmed', 'unconfirmed', 'reason')",
			 "closed_at >= ?1 AND closed_at < ?2", "closed_at", TICKET_DIMS,
			 { "close_kind, close_reason", "close_kind, close_reason" }, fold_closed,
			 close_counts, "close_daily", 0 },
	[HD_MSRC_BACKLOG] = { "tickets", NULL, "active = 1", NULL, NULL, TICKET_DIMS,
			  { "status, created_at", "status, created_at" }, fold_backlog, NULL, NULL, 0 },
	[HD_MSRC_PROMISES] = { "promises p", " JOIN tickets t ON t.id = p.ticket_id", NULL,
			   "p.resolved_at >= ?1 AND p.resolved_at < ?2", "p.resolved_at",
			   "p.owner_team_id", "p.owner_agent_id", "t.channel", "t.priority",
			   { "p.status", "p.status" }, fold_promise, NULL, NULL, 0 },
	[HD_MSRC_OVERDUE] = { "promises p", " JOIN tickets t ON t.id = p.ticket_id",
			  "p.status = 'open'", "p.due_at < ?3", NULL, "p.owner_team_id",
			  "p.owner_agent_id", "t.channel", "t.priority", { "1", "1" }, fold_overdue,
			  NULL, NULL, 0 },
};

/* ---- one source --------------------------------------------------------------- */

static int64_t floor_to(int64_t t, int64_t unit, int64_t offset)
{
	int64_t x = t - offset, q = x / unit;

	if (x % unit < 0)
		q--;
	return q * unit + offset;
}

/* The group key of a row from its key value. */
static int64_t group_key(enum hd_metric_group g, sqlite3_value *v)
{
	switch (g) {
	case HD_MG_TEAM:
	case HD_MG_AGENT:
		return sqlite3_value_int64(v); /* NULL (none) reads as 0 */
	case HD_MG_CHANNEL:
		return val_enum(v, hd_channel_name, HD_CHANNEL__COUNT);
	case HD_MG_PRIORITY:
		return val_enum(v, hd_priority_name, HD_PRIORITY__COUNT);
	case HD_MG_DAY:
		return floor_to(sqlite3_value_int64(v), DAY_MS, 0);
	case HD_MG_WEEK: /* 1970-01-05, 4 days after the epoch, was a Monday */
		return floor_to(sqlite3_value_int64(v), 7 * DAY_MS, 4 * DAY_MS);
	default:
		return 0;
	}
}

#define FOLD_PTR "heed_metrics_task"

/* heed_fold(task, values..., [key]): folds each row into the task bound as
 * ?8 (sqlite3_bind_pointer). An aggregate, so that SQLite's own loop reads
 * the index and no row is handed back through sqlite3_step. The pointer is
 * kept in the aggregate's context after the first row: fetching it checks
 * its type name with strcmp, which cost 6% of a scan done on every row. */
static void fold_step(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct task **tp = sqlite3_aggregate_context(ctx, sizeof(*tp)), *t;
	struct hd_mslot *g = NULL;

	if (!tp)
		return;
	if (!*tp)
		*tp = sqlite3_value_pointer(argv[0], FOLD_PTR);
	t = *tp;
	if (!t || t->acc.oom)
		return;
	if (t->group != HD_MG_NONE && !(g = hd_macc_group(&t->acc, group_key(t->group, argv[argc - 1]))))
		return;
	defs[t->src].fold(t, argv + 1, g);
}

static void fold_final(sqlite3_context *ctx)
{
	sqlite3_result_null(ctx);
}

/* A statement using heed_fold on `c`, registering the function on the
 * connection the first time (reader connections are opened by db.c, which
 * knows nothing of metrics). */
static sqlite3_stmt *fold_stmt(struct hd_conn *c, const char *sql, struct hd_err *err)
{
	sqlite3_stmt *s = hd_db_stmt(c, sql, NULL);

	if (s)
		return s;
	if (sqlite3_create_function_v2(c->db, "heed_fold", -1, SQLITE_UTF8 | SQLITE_DIRECTONLY,
				       NULL, NULL, fold_step, fold_final, NULL) != SQLITE_OK) {
		hd_db_error(c, sqlite3_errcode(c->db), err);
		return NULL;
	}
	return hd_db_stmt(c, sql, err);
}

/* The filters asked for, on the source's columns. Each is written with a
 * unary + so that SQLite keeps reading the source's own index range (which
 * covers these columns) instead of picking a ticket index on the team or
 * assignee and looking up every ticket of it (measured: a team's reopens
 * took 1.7 s that way, against 0.1 s over the range). */
static void add_filters(struct hd_sbuf *sql, const struct src_def *d,
			const struct hd_metric_query *q)
{
	const char *none = d->zero_none ? "= 0" : "IS NULL";

	if (q->team_id)
		hd_sbuf_addf(sql, " AND +%s %s", d->team, q->team_id > 0 ? "= ?4" : none);
	if (q->agent_id)
		hd_sbuf_addf(sql, " AND +%s %s", d->agent, q->agent_id > 0 ? "= ?5" : none);
	if (q->channel >= 0)
		hd_sbuf_addf(sql, " AND +%s = ?6", d->channel);
	if (q->priority >= 0)
		hd_sbuf_addf(sql, " AND +%s = ?7", d->priority);
}

/* Whether task `t` is answered by counts alone (no groups). */
static int by_counts(const struct task *t)
{
	return defs[t->src].counts && t->group == HD_MG_NONE;
}

/* The column of source `d` that keys group `g` (NULL: no group). */
static const char *group_column(const struct src_def *d, enum hd_metric_group g)
{
	switch (g) {
	case HD_MG_TEAM: return d->team;
	case HD_MG_AGENT: return d->agent;
	case HD_MG_CHANNEL: return d->channel;
	case HD_MG_PRIORITY: return d->priority;
	case HD_MG_DAY:
	case HD_MG_WEEK: return d->at;
	default: return NULL;
	}
}

/* The parameters every query may use: ?1 from, ?2 to, ?3 now, ?4 team,
 * ?5 agent, ?6 channel, ?7 priority (?8 is the fold's task). */
static void bind_query(sqlite3_stmt *s, const struct hd_metric_query *q, int64_t from,
		       int64_t to)
{
	sqlite3_bind_int64(s, 1, from);
	sqlite3_bind_int64(s, 2, to);
	sqlite3_bind_int64(s, 3, q->now);
	sqlite3_bind_int64(s, 4, q->team_id);
	sqlite3_bind_int64(s, 5, q->agent_id);
	if (q->channel >= 0)
		sqlite3_bind_text(s, 6, hd_channel_name(q->channel), -1, SQLITE_STATIC);
	if (q->priority >= 0)
		sqlite3_bind_text(s, 7, hd_priority_name(q->priority), -1, SQLITE_STATIC);
}

/* " WHERE a AND b" of the conditions given (either may be NULL). */
static void add_where(struct hd_sbuf *sql, const char *a, const char *b)
{
	hd_sbuf_addf(sql, "%s%s%s%s", a || b ? " WHERE " : "", a ? a : "", a && b ? " AND " : "",
		     b ? b : "");
}

/* The query of task `t`: either one count(*) per counter (each an index
 * range SQLite counts in its own loop), or heed_fold over the rows with the
 * value columns and the group key. Only the filters asked for are written,
 * so each combination is its own cached statement reading nothing more. */
static int build_sql(const struct task *t, struct hd_sbuf *sql)
{
	const struct src_def *d = &defs[t->src];
	const struct hd_metric_query *q = t->q;
	int join = d->join && (q->channel >= 0 || q->priority >= 0 || t->group == HD_MG_CHANNEL ||
			       t->group == HD_MG_PRIORITY);
	const char *key = group_column(d, t->group);

	if (by_counts(t)) {
		hd_sbuf_adds(sql, "SELECT ");
		for (const struct src_count *k = d->counts; k->cond; k++) {
			hd_sbuf_addf(sql, "%s(SELECT count(*) FROM %s%s", k == d->counts ? "" : ", ",
				     d->from, join ? d->join : "");
			add_where(sql, k->cond, d->range);
			add_filters(sql, d, q);
			hd_sbuf_adds(sql, ")");
		}
		return hd_sbuf_adds(sql, "");
	}
	hd_sbuf_addf(sql, "SELECT heed_fold(?8, %s%s%s) FROM %s%s", d->cols[!q->business],
		     key ? ", " : "", key ? key : "", d->from, join ? d->join : "");
	add_where(sql, d->lead, d->range);
	add_filters(sql, d, q);
	return hd_sbuf_adds(sql, "");
}

/* The counters of a result row source `src` fills, from slot `sl`. */
static void fill_row(enum hd_msrc src, const struct hd_mslot *sl, struct hd_metric_row *r)
{
	const int64_t *c = sl->c;

	memset(r, 0, sizeof(*r));
	r->key = sl->key;
	switch (src) {
	case HD_MSRC_SOLVED:
		r->reopens = (struct hd_metric_reopens){ c[0], c[1], c[2] };
		break;
	case HD_MSRC_CLOSED:
		r->closes = (struct hd_metric_closes){ c[0], c[1], c[2], c[3], c[4], c[5] };
		break;
	case HD_MSRC_SLA:
		for (int m = 0; m < HD_METRIC_SLA_TARGETS; m++) {
			r->sla.met[m] = c[m * 3];
			r->sla.breached[m] = c[m * 3 + 1];
			r->sla.cancelled[m] = c[m * 3 + 2];
		}
		break;
	case HD_MSRC_PROMISES:
		r->promises.kept = c[0];
		r->promises.broken = c[1];
		break;
	case HD_MSRC_OVERDUE: r->promises.overdue = c[0]; break;
	case HD_MSRC_BACKLOG:
		for (int i = 0; i < 4; i++) {
			r->backlog.by_status[i] = c[i];
			r->backlog.total += c[i];
		}
		for (int i = 0; i < HD_AGE__COUNT; i++)
			r->backlog.by_age[i] = c[4 + i];
		break;
	default: break;
	}
}

/* Where in a result row the duration source `src` summarises is; 0: none. */
static size_t stats_field(enum hd_msrc src)
{
	switch (src) {
	case HD_MSRC_FIRST_RESPONSE: return offsetof(struct hd_metric_row, first_response);
	case HD_MSRC_NEXT_RESPONSE: return offsetof(struct hd_metric_row, next_response);
	case HD_MSRC_FIRST_SOLVED: return offsetof(struct hd_metric_row, first_resolution);
	case HD_MSRC_SOLVED: return offsetof(struct hd_metric_row, full_resolution);
	default: return 0;
	}
}

/* Run task `t`'s query `sql` on `c` over [from, to): the counters come
 * back as columns (added to the total), or the rows are folded into t->acc. */
static int read_range(struct hd_conn *c, struct task *t, const char *sql, int64_t from,
		      int64_t to)
{
	const struct hd_metric_query *q = t->q;
	sqlite3_stmt *s = by_counts(t) ? hd_db_stmt(c, sql, t->err) : fold_stmt(c, sql, t->err);
	int step, rc = 0;

	if (!s)
		return HD_EIO;
	bind_query(s, q, from, to);
	sqlite3_bind_pointer(s, 8, t, FOLD_PTR, NULL);
	step = sqlite3_step(s);
	if (step == SQLITE_ROW && by_counts(t))
		for (int i = 0; defs[t->src].counts[i].cond; i++)
			t->acc.total.c[defs[t->src].counts[i].slot] += sqlite3_column_int64(s, i);
	if (step != SQLITE_ROW)
		rc = hd_db_error(c, step, t->err);
	hd_db_done(s);
	return rc;
}

/* ---- daily counts --------------------------------------------------------------- */

/* sla_daily and close_daily hold, per UTC day (of ended_at, closed_at:
 * instant / 86400000), kind and dimensions (0 or '' for none), how many SLA
 * clocks ended or tickets closed. Triggers on sla_clocks and tickets keep
 * them (docs/internals/metrics.md), so that counts over whole days read one
 * row per combination instead of one per clock or ticket (11x and 9x fewer
 * at 1M tickets). The same query serves whole days whatever the filters and
 * groups; only the partial days at the ends of a period read the rows. */
static const struct src_def daily_defs[] = {
	{ "sla_daily", NULL, NULL, "day >= ?1 AND day < ?2", "day * 86400000", "team_id",
	  "assignee_id", "channel", "priority", { "metric, outcome, n", "metric, outcome, n" },
	  fold_sla, NULL, NULL, 1 },
	{ "close_daily", NULL, NULL, "day >= ?1 AND day < ?2", "day * 86400000", "team_id",
	  "assignee_id", "channel", "priority",
	  { "close_kind, close_reason, n", "close_kind, close_reason, n" }, fold_closed, NULL, NULL,
	  1 },
};

/* The daily table of task `t`'s source, if the database has it; NULL when
 * the source has none or the database predates it (its rows are read one by
 * one then). */
static const struct src_def *daily_of(struct hd_conn *c, const struct task *t, int *rc)
{
	const char *name = defs[t->src].daily;

	*rc = 0;
	if (!name || t->q->from < 0)
		return NULL;
	for (size_t i = 0; i < sizeof(daily_defs) / sizeof(daily_defs[0]); i++) {
		if (strcmp(daily_defs[i].from, name))
			continue;
		*rc = hd_db_exists(c,
				   i ? "SELECT 1 FROM sqlite_schema WHERE name = 'close_daily' AND ?1"
				     : "SELECT 1 FROM sqlite_schema WHERE name = 'sla_daily' AND ?1",
				   1, t->err);
		return *rc == 1 ? &daily_defs[i] : NULL;
	}
	return NULL;
}

/* Fold the rows of daily table `d` for the whole UTC days [day_a, day_b),
 * each weighing its count. */
static int read_daily(struct hd_conn *c, struct task *t, const struct src_def *d, int64_t day_a,
		      int64_t day_b)
{
	const char *key = group_column(d, t->group);
	struct hd_sbuf sql;
	sqlite3_stmt *s = NULL;
	int rc;

	hd_sbuf_init(&sql, 4096);
	hd_sbuf_addf(&sql, "SELECT heed_fold(?8, %s%s%s) FROM %s WHERE %s", d->cols[0],
		     key ? ", " : "", key ? key : "", d->from, d->range);
	add_filters(&sql, d, t->q);
	rc = hd_sbuf_adds(&sql, "");
	if (rc) {
		rc = hd_err_set(t->err, rc, NULL, "metrics: query too long");
		goto out;
	}
	s = fold_stmt(c, sql.buf, t->err);
	if (!s) {
		rc = HD_EIO;
		goto out;
	}
	bind_query(s, t->q, day_a, day_b);
	sqlite3_bind_pointer(s, 8, t, FOLD_PTR, NULL);
	t->weight_arg = 3; /* kind, reason or outcome, then n */
	rc = sqlite3_step(s);
	t->weight_arg = 0;
	rc = rc == SQLITE_ROW ? 0 : hd_db_error(c, rc, t->err);
out:
	hd_db_done(s);
	hd_sbuf_release(&sql);
	return rc;
}

/* Read task `t` over the query's period: from the rows, or from its daily
 * table for the whole days in it and from the rows at its ends. */
static int read_task(struct hd_conn *c, struct task *t, const char *sql)
{
	const struct hd_metric_query *q = t->q;
	int64_t day_a = (q->from + DAY_MS - 1) / DAY_MS, day_b = q->to / DAY_MS;
	int rc;
	const struct src_def *daily = daily_of(c, t, &rc);

	if (rc < 0)
		return rc;
	if (!daily || day_a >= day_b)
		return read_range(c, t, sql, q->from, q->to);
	rc = read_daily(c, t, daily, day_a, day_b);
	if (!rc && q->from < day_a * DAY_MS)
		rc = read_range(c, t, sql, q->from, day_a * DAY_MS);
	if (!rc && day_b * DAY_MS < q->to)
		rc = read_range(c, t, sql, day_b * DAY_MS, q->to);
	return rc;
}

/* ---- running a source --------------------------------------------------------- */

int hd_mread_is_now(enum hd_msrc src)
{
	return defs[src].at == NULL;
}

int hd_mread_run(struct hd_conn *c, struct hd_mtask *m)
{
	struct task t;
	struct hd_sbuf sql;
	int rc;

	memset(&t, 0, sizeof(t));
	t.src = m->src;
	t.q = m->q;
	t.group = m->group;
	t.acc.budget = m->budget;
	t.err = &m->err;
	hd_sbuf_init(&sql, 8192);
	rc = build_sql(&t, &sql);
	if (rc) {
		rc = hd_err_set(t.err, rc, NULL, "metrics: query too long");
		goto out;
	}
	rc = read_task(c, &t, sql.buf);
	if (!rc && t.acc.oom)
		rc = atomic_load(t.acc.budget) < 0
			     ? hd_err_set(t.err, HD_EINVAL, "from",
					  "the period holds more than %lld samples; ask for a "
					  "shorter one",
					  (long long)HD_METRICS_MAX_SAMPLES)
			     : hd_err_set(t.err, HD_ENOMEM, NULL, "out of memory");
	if (rc)
		goto out;
	m->rows = malloc((1 + t.acc.ng) * sizeof(*m->rows));
	if (!m->rows) {
		rc = hd_err_set(t.err, HD_ENOMEM, NULL, "out of memory");
		goto out;
	}
	m->nrows = 1 + t.acc.ng;
	fill_row(t.src, &t.acc.total, &m->rows[0]);
	for (size_t i = 0; i < t.acc.ng; i++)
		fill_row(t.src, &t.acc.g[i], &m->rows[1 + i]);
	if (stats_field(t.src) && hd_macc_summarise(&t.acc, m->rows, stats_field(t.src)))
		rc = hd_err_set(t.err, HD_ENOMEM, NULL, "out of memory");
out:
	hd_sbuf_release(&sql);
	hd_macc_release(&t.acc);
	return rc;
}
