/*
 * h_metrics.c — /api/v1/metrics/...: the help desk's figures over a period
 * (docs/metrics.md defines them; store/metrics.h computes them).
 *
 * Every route takes the same query string — from, to, team, agent,
 * channel, priority, group_by, time — and answers
 *   {"from", "to", "time", "group_by", "total": {...}, "groups": [{"key", ...}]}
 * where the total and each group carry the route's figures. Durations are
 * {"count", "mean_ms", "median_ms", "p75_ms", "p90_ms", "p95_ms", "p99_ms",
 * "min_ms", "max_ms"} (integers, ms; null when count is 0); rates are
 * numbers from 0 to 1 rounded to 4 decimals, null when nothing was counted.
 *
 * The query string is strict: a parameter these routes do not know, or one
 * given twice, is a 422 naming it, like a bad value.
 */
#include <stdio.h>
#include <string.h>

#include "domain/enums.h"
#include "http/handlers.h"
#include "http/input.h"
#include "http/output.h"
#include "store/metrics.h"
#include "util/timeutil.h"
#include "util/banned.h"

#define DAY_MS ((int64_t)86400000)
#define DEFAULT_DAYS 30
#define MAX_DAYS 3660

static const char *const params[] = { "from",	  "to",	      "team", "agent", "channel",
				      "priority", "group_by", "time", NULL };

/* ---- the query string ------------------------------------------------------ */

struct scan {
	const char *bad; /* the first unknown or repeated parameter */
	int repeated;
	unsigned seen;   /* bit per params[] entry */
};

static enum MHD_Result scan_arg(void *cls, enum MHD_ValueKind kind, const char *key,
				const char *value)
{
	struct scan *s = cls;

	for (int i = 0; params[i]; i++)
		if (!strcmp(key, params[i])) {
			if (s->seen & (1u << i)) {
				s->bad = params[i];
				s->repeated = 1;
				return MHD_NO;
			}
			s->seen |= 1u << i;
			return MHD_YES;
		}
	s->bad = key;
	return MHD_NO;
}

/* A team or agent filter: an id, "none", or (agent) "me". */
static int filter_id(const char *s, const char *field, int64_t me, int64_t *out,
		     struct hd_err *err)
{
	*out = 0;
	if (!s || !s[0])
		return 0;
	if (!strcmp(s, "none")) {
		*out = -1;
		return 0;
	}
	if (me && !strcmp(s, "me")) {
		*out = me;
		return 0;
	}
	if (hd_in_id(s, field, out, NULL))
		return hd_err_set(err, HD_EINVAL, field, "%s must be an id%s", field,
				  me ? ", \"me\" or \"none\"" : " or \"none\"");
	return 0;
}

/* An enum filter; -1 when absent. */
static int filter_enum(const char *s, const char *field, int (*parse)(const char *),
		       const char *words, int *out, struct hd_err *err)
{
	*out = -1;
	if (!s || !s[0])
		return 0;
	*out = parse(s);
	if (*out < 0)
		return hd_err_set(err, HD_EINVAL, field, "%s must be one of %s", field, words);
	return 0;
}

static int instant(const char *s, const char *field, int64_t *out, struct hd_err *err)
{
	if (hd_time_parse(s, out))
		return hd_err_set(err, HD_EINVAL, field,
				  "%s must be an RFC 3339 instant such as 2026-11-01T00:00:00Z",
				  field);
	return 0;
}

/* The query string into `q` (which figures: `which`). */
static int parse_query(struct hd_req *r, unsigned which, struct hd_metric_query *q,
		       struct hd_err *err)
{
	const char *from = hd_req_query(r, "from"), *to = hd_req_query(r, "to");
	const char *group = hd_req_query(r, "group_by"), *time = hd_req_query(r, "time");
	struct scan sc = { NULL, 0, 0 };
	int rc;

	memset(q, 0, sizeof(*q));
	q->which = which;
	q->now = hd_now_ms();
	MHD_get_connection_values(r->conn, MHD_GET_ARGUMENT_KIND, scan_arg, &sc);
	if (sc.bad)
		return hd_err_set(err, HD_EINVAL, sc.bad,
				  sc.repeated ? "%s is given more than once"
					      : "unknown parameter \"%s\": the metrics take from, "
						"to, team, agent, channel, priority, group_by, time",
				  sc.bad);
	q->to = q->now;
	if (to && to[0] && (rc = instant(to, "to", &q->to, err)))
		return rc;
	q->from = q->to - DEFAULT_DAYS * DAY_MS;
	if (from && from[0] && (rc = instant(from, "from", &q->from, err)))
		return rc;
	if (q->from < 0)
		return hd_err_set(err, HD_EINVAL, "from", "from must be after 1970");
	if (q->to <= q->from)
		return hd_err_set(err, HD_EINVAL, "to", "to must be after from");
	if (q->to - q->from > MAX_DAYS * DAY_MS)
		return hd_err_set(err, HD_EINVAL, "from", "the period may be at most %d days",
				  MAX_DAYS);
	q->business = 1;
	if (time && time[0]) {
		if (strcmp(time, "business") && strcmp(time, "calendar"))
			return hd_err_set(err, HD_EINVAL, "time",
					  "time must be one of business, calendar");
		q->business = !strcmp(time, "business");
	}
	q->group = HD_MG_NONE;
	if (group && group[0]) {
		int g = hd_metric_group_parse(group);

		if (g < 0)
			return hd_err_set(err, HD_EINVAL, "group_by",
					  "group_by must be one of team, agent, channel, "
					  "priority, day, week");
		q->group = (enum hd_metric_group)g;
	}
	if (which == HD_M_BACKLOG && (q->group == HD_MG_DAY || q->group == HD_MG_WEEK))
		return hd_err_set(err, HD_EINVAL, "group_by",
				  "the backlog is counted now: group it by team, agent, channel "
				  "or priority");
	rc = filter_id(hd_req_query(r, "team"), "team", 0, &q->team_id, err);
	rc = rc ? rc : filter_id(hd_req_query(r, "agent"), "agent", r->who.id, &q->agent_id, err);
	rc = rc ? rc
		: filter_enum(hd_req_query(r, "channel"), "channel", hd_channel_parse,
			      "api, email, web, phone, chat, social", &q->channel, err);
	rc = rc ? rc
		: filter_enum(hd_req_query(r, "priority"), "priority", hd_priority_parse,
			      "low, normal, high, urgent", &q->priority, err);
	return rc;
}

/* ---- figures --------------------------------------------------------------- */

/* A rate: 4 decimals, without trailing zeros; null when nothing was counted. */
static void out_rate(struct hd_jw *w, const char *key, int64_t part, int64_t whole)
{
	char buf[32];
	int n;

	hd_jw_key(w, key);
	if (whole <= 0) {
		hd_jw_null(w);
		return;
	}
	n = snprintf(buf, sizeof(buf), "%.4f", (double)part / (double)whole);
	while (n > 1 && buf[n - 1] == '0')
		buf[--n] = '\0';
	if (buf[n - 1] == '.')
		buf[--n] = '\0';
	hd_jw_raw(w, buf);
}

/* A value that exists only when `on` (null otherwise). */
static void out_maybe(struct hd_jw *w, const char *key, int on, int64_t v)
{
	hd_jw_key(w, key);
	if (on)
		hd_jw_int(w, v);
	else
		hd_jw_null(w);
}

static void out_duration(struct hd_jw *w, const char *key, const struct hd_stats *s)
{
	const struct {
		const char *name;
		int64_t v;
	} f[] = { { "mean_ms", s->mean }, { "median_ms", s->median }, { "p75_ms", s->p75 },
		  { "p90_ms", s->p90 },	  { "p95_ms", s->p95 },	      { "p99_ms", s->p99 },
		  { "min_ms", s->min },	  { "max_ms", s->max } };

	hd_jw_key(w, key);
	hd_jw_obj(w);
	hd_jw_kint(w, "count", s->count);
	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++)
		out_maybe(w, f[i].name, s->count > 0, f[i].v);
	hd_jw_obj_end(w);
}

static void out_attain(struct hd_jw *w, const char *key, int64_t met, int64_t breached,
		       int64_t cancelled)
{
	hd_jw_key(w, key);
	hd_jw_obj(w);
	hd_jw_kint(w, "met", met);
	hd_jw_kint(w, "breached", breached);
	hd_jw_kint(w, "cancelled", cancelled);
	out_rate(w, "attainment", met, met + breached);
	hd_jw_obj_end(w);
}

static void sla_all(const struct hd_metric_sla *s, int64_t *met, int64_t *breached,
		    int64_t *cancelled)
{
	*met = *breached = *cancelled = 0;
	for (int m = 0; m < HD_METRIC_SLA_TARGETS; m++) {
		*met += s->met[m];
		*breached += s->breached[m];
		*cancelled += s->cancelled[m];
	}
}

static void out_sla(struct hd_jw *w, const struct hd_metric_row *r)
{
	static const char *const targets[HD_METRIC_SLA_TARGETS] = {
		"first_response", "next_response", "periodic_update", "resolution"
	};
	int64_t met, breached, cancelled;

	hd_jw_key(w, "sla");
	hd_jw_obj(w);
	for (int m = 0; m < HD_METRIC_SLA_TARGETS; m++)
		out_attain(w, targets[m], r->sla.met[m], r->sla.breached[m], r->sla.cancelled[m]);
	sla_all(&r->sla, &met, &breached, &cancelled);
	out_attain(w, "all", met, breached, cancelled);
	hd_jw_obj_end(w);
}

static void out_reopens(struct hd_jw *w, const struct hd_metric_row *r)
{
	hd_jw_key(w, "reopens");
	hd_jw_obj(w);
	hd_jw_kint(w, "solved", r->reopens.solved);
	hd_jw_kint(w, "reopened", r->reopens.reopened);
	hd_jw_kint(w, "reopens", r->reopens.reopens);
	out_rate(w, "reopen_rate", r->reopens.reopened, r->reopens.solved);
	hd_jw_obj_end(w);
}

static void out_closes(struct hd_jw *w, const struct hd_metric_row *r)
{
	const struct hd_metric_closes *c = &r->closes;

	hd_jw_key(w, "closes");
	hd_jw_obj(w);
	hd_jw_kint(w, "closed", c->confirmed + c->unconfirmed + c->reason);
	hd_jw_kint(w, "confirmed", c->confirmed);
	hd_jw_kint(w, "unconfirmed", c->unconfirmed);
	hd_jw_kint(w, "reason", c->reason);
	hd_jw_kint(w, "spam", c->spam);
	hd_jw_kint(w, "duplicate", c->duplicate);
	hd_jw_kint(w, "merged", c->merged);
	out_rate(w, "confirmed_rate", c->confirmed, c->confirmed + c->unconfirmed);
	hd_jw_obj_end(w);
}

static void out_promises(struct hd_jw *w, const struct hd_metric_row *r)
{
	hd_jw_key(w, "promises");
	hd_jw_obj(w);
	hd_jw_kint(w, "kept", r->promises.kept);
	hd_jw_kint(w, "broken", r->promises.broken);
	out_rate(w, "kept_rate", r->promises.kept, r->promises.kept + r->promises.broken);
	out_maybe(w, "overdue", r->has_now, r->promises.overdue);
	hd_jw_obj_end(w);
}

static void out_backlog(struct hd_jw *w, const struct hd_metric_row *r)
{
	const struct hd_metric_backlog *b = &r->backlog;

	hd_jw_key(w, "backlog");
	hd_jw_obj(w);
	hd_jw_kint(w, "total", b->total);
	hd_jw_key(w, "by_status");
	hd_jw_obj(w);
	for (int s = HD_STATUS_NEW; s <= HD_STATUS_ON_HOLD; s++)
		hd_jw_kint(w, hd_status_name(s), b->by_status[s]);
	hd_jw_obj_end(w);
	hd_jw_key(w, "by_age");
	hd_jw_obj(w);
	for (int a = 0; a < HD_AGE__COUNT; a++)
		hd_jw_kint(w, hd_metric_age_name(a), b->by_age[a]);
	hd_jw_obj_end(w);
	hd_jw_obj_end(w);
}

/* The headline figures (GET /metrics/summary). */
static void out_summary(struct hd_jw *w, const struct hd_metric_row *r)
{
	int64_t met, breached, cancelled;

	sla_all(&r->sla, &met, &breached, &cancelled);
	out_duration(w, "first_response", &r->first_response);
	out_duration(w, "resolution", &r->full_resolution);
	out_rate(w, "reopen_rate", r->reopens.reopened, r->reopens.solved);
	out_rate(w, "sla_attainment", met, met + breached);
	out_rate(w, "promise_kept_rate", r->promises.kept, r->promises.kept + r->promises.broken);
	out_rate(w, "confirmed_close_rate", r->closes.confirmed,
		 r->closes.confirmed + r->closes.unconfirmed);
	out_maybe(w, "backlog", r->has_now, r->backlog.total);
	out_maybe(w, "overdue_promises", r->has_now, r->promises.overdue);
}

static void out_first_response(struct hd_jw *w, const struct hd_metric_row *r)
{
	out_duration(w, "first_response", &r->first_response);
}

static void out_next_response(struct hd_jw *w, const struct hd_metric_row *r)
{
	out_duration(w, "next_response", &r->next_response);
}

static void out_resolution(struct hd_jw *w, const struct hd_metric_row *r)
{
	out_duration(w, "first_resolution", &r->first_resolution);
	out_duration(w, "full_resolution", &r->full_resolution);
}

/* ---- the routes ------------------------------------------------------------ */

struct route_def {
	unsigned which;
	void (*body)(struct hd_jw *w, const struct hd_metric_row *r);
};

static void out_key(struct hd_jw *w, enum hd_metric_group g, int64_t key)
{
	char buf[HD_RFC3339_LEN];

	hd_jw_key(w, "key");
	switch (g) {
	case HD_MG_TEAM:
	case HD_MG_AGENT: hd_jw_id(w, key); break; /* 0: none, null */
	case HD_MG_CHANNEL: hd_jw_str(w, hd_channel_name((int)key)); break;
	case HD_MG_PRIORITY: hd_jw_str(w, hd_priority_name((int)key)); break;
	default: hd_jw_str(w, hd_time_format(key, buf)); break;
	}
}

static void metrics(struct hd_req *r, struct hd_res *res, const struct route_def *d)
{
	struct hd_metric_query q;
	struct hd_metrics m;
	struct hd_err err = { 0 };
	struct hd_jw w;
	char buf[HD_RFC3339_LEN];

	if (parse_query(r, d->which, &q, &err) ||
	    hd_store_metrics(r->app->store, &q, &m, &r->arena, &err)) {
		hd_res_err(res, &err);
		return;
	}
	hd_jw_init(&w, HD_OUT_MAX);
	hd_jw_obj(&w);
	hd_jw_kstr(&w, "from", hd_time_format(q.from, buf));
	hd_jw_kstr(&w, "to", hd_time_format(q.to, buf));
	hd_jw_kstr(&w, "time", q.business ? "business" : "calendar");
	hd_jw_kstr(&w, "group_by", q.group == HD_MG_NONE ? NULL : hd_metric_group_name(q.group));
	hd_jw_key(&w, "total");
	hd_jw_obj(&w);
	d->body(&w, &m.total);
	hd_jw_obj_end(&w);
	hd_jw_key(&w, "groups");
	hd_jw_arr(&w);
	for (size_t i = 0; i < m.ngroups; i++) {
		hd_jw_obj(&w);
		out_key(&w, q.group, m.groups[i].key);
		d->body(&w, &m.groups[i]);
		hd_jw_obj_end(&w);
	}
	hd_jw_arr_end(&w);
	hd_jw_obj_end(&w);
	hd_res_jw(res, 200, &w);
}

#define ROUTE(name, which, body)                                                               \
	void hd_h_metrics_##name(struct hd_req *r, struct hd_res *res)                        \
	{                                                                                      \
		static const struct route_def d = { which, body };                             \
		metrics(r, res, &d);                                                           \
	}

/* The summary reads what its headline figures need: not next responses nor
 * first resolutions, which have their own routes. */
ROUTE(summary,
      HD_M_FIRST_RESPONSE | HD_M_FULL_RESOLUTION | HD_M_REOPENS | HD_M_SLA | HD_M_CLOSES |
	      HD_M_PROMISES | HD_M_BACKLOG,
      out_summary)
ROUTE(first_response, HD_M_FIRST_RESPONSE, out_first_response)
ROUTE(next_response, HD_M_NEXT_RESPONSE, out_next_response)
ROUTE(resolution, HD_M_FIRST_RESOLUTION | HD_M_FULL_RESOLUTION, out_resolution)
ROUTE(sla, HD_M_SLA, out_sla)
ROUTE(reopens, HD_M_REOPENS, out_reopens)
ROUTE(closes, HD_M_CLOSES, out_closes)
ROUTE(promises, HD_M_PROMISES, out_promises)
ROUTE(backlog, HD_M_BACKLOG, out_backlog)
