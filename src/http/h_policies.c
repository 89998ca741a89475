/*
 * h_policies.c — /api/v1/calendars and /api/v1/sla-policies: business-hours
 * calendars and SLA policies, and a calculator for a calendar's business
 * time. Any agent may read them; writing needs an administrator.
 *
 * The store parses and checks the documents (store/policy_json.h) inside
 * its write, so the handlers only route: body in, record out. A record is
 * answered as its stored definition with id, position (policies) and times
 * added; that stored form is the canonical one, so what a client reads back
 * is exactly what heed will use.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/handlers.h"
#include "http/input.h"
#include "http/output.h"
#include "store/policy_json.h"
#include "util/timeutil.h"
#include "util/banned.h"

#define DAY_MS ((int64_t)86400000)
/* business-time: the longest span ?to= may ask about (about ten years) */
#define SPAN_MAX_MS (3660 * DAY_MS)
/* the last instant an RFC 3339 time can show: 9999-12-31T23:59:59.999Z */
#define LAST_MS ((int64_t)253402300799999)

/* What differs between calendars and policies. */
struct kind {
	const char *path; /* the collection's path */
	int (*create)(struct hd_store *st, json_t *doc, struct hd_idem *idem, int64_t *id,
		      struct hd_err *err);
	int (*update)(struct hd_store *st, int64_t id, json_t *patch, struct hd_err *err);
	int (*remove)(struct hd_store *st, int64_t id, struct hd_err *err);
	int (*get)(struct hd_store *st, int64_t id, struct hd_def_rec *out, struct hd_arena *a,
		   struct hd_err *err);
	int (*list)(struct hd_store *st, struct hd_def_rec **out, size_t *n, struct hd_arena *a,
		    struct hd_err *err);
};

static const struct kind calendars = {
	"/api/v1/calendars",	 hd_store_calendar_create, hd_store_calendar_update,
	hd_store_calendar_delete, hd_store_calendar_get,    hd_store_calendar_list,
};

static const struct kind policies = {
	"/api/v1/sla-policies",	   hd_store_sla_policy_create, hd_store_sla_policy_update,
	hd_store_sla_policy_delete, hd_store_sla_policy_get,	hd_store_sla_policy_list,
};

/* ---- output -------------------------------------------------------------- */

/* The API form of a record: id, name, position (policies), the other
 * members of the definition, created_at, updated_at. NULL when out of
 * memory or when the stored definition is damaged. */
static json_t *record_json(const struct hd_def_rec *d)
{
	json_t *def = json_loads(d->definition, 0, NULL), *o = json_object(), *v;
	char t[2][HD_RFC3339_LEN];
	const char *key;
	int bad = !json_is_object(def);

	bad |= json_object_set_new(o, "id", json_integer(d->id));
	bad |= json_object_set_new(o, "name", json_string(d->name));
	if (d->position)
		bad |= json_object_set_new(o, "position", json_integer(d->position));
	json_object_foreach(def, key, v)
	{
		if (strcmp(key, "name"))
			bad |= json_object_set(o, key, v);
	}
	hd_time_format(d->created_at, t[0]);
	hd_time_format(d->updated_at, t[1]);
	bad |= json_object_set_new(o, "created_at", json_string(t[0]));
	bad |= json_object_set_new(o, "updated_at", json_string(t[1]));
	json_decref(def);
	if (bad) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static void out_record(struct hd_jw *w, const struct hd_def_rec *d)
{
	json_t *o = record_json(d);
	char *text = o ? json_dumps(o, JSON_COMPACT) : NULL;

	if (text)
		hd_jw_raw(w, text);
	else
		w->failed = 1; /* answered as a problem by hd_res_jw */
	free(text);
	json_decref(o);
}

static void answer(struct hd_req *r, struct hd_res *res, const struct kind *k, int64_t id,
		   unsigned status)
{
	struct hd_def_rec d;
	struct hd_err err = { 0 };
	char loc[80];

	if (k->get(r->app->store, id, &d, &r->arena, &err)) {
		hd_res_err(res, &err);
		return;
	}
	snprintf(loc, sizeof(loc), "%s/%lld", k->path, (long long)id);
	if (status == 201)
		HD_RES_CREATED(r, res, out_record, &d, loc);
	else
		HD_RES_ONE(res, status, out_record, &d);
}

/* ---- the operations, for either kind ---------------------------------------- */

static void list(struct hd_req *r, struct hd_res *res, const struct kind *k)
{
	struct hd_def_rec *ds;
	struct hd_err err = { 0 };
	size_t n;

	if (k->list(r->app->store, &ds, &n, &r->arena, &err)) {
		hd_res_err(res, &err);
		return;
	}
	HD_RES_PAGE(res, out_record, ds, n, 0);
}

static void create(struct hd_req *r, struct hd_res *res, const struct kind *k)
{
	struct hd_err err = { 0 };
	json_t *root;
	int64_t id;

	if (!hd_req_require_admin(r, res) || hd_req_body(r, res, &root))
		return;
	if (k->create(r->app->store, root, &r->idem, &id, &err))
		hd_res_err(res, &err);
	else
		answer(r, res, k, id, 201);
	json_decref(root);
}

static void update(struct hd_req *r, struct hd_res *res, const struct kind *k)
{
	struct hd_err err = { 0 };
	json_t *root;

	if (!hd_req_require_admin(r, res) || hd_req_body(r, res, &root))
		return;
	if (k->update(r->app->store, r->ids[0], root, &err))
		hd_res_err(res, &err);
	else
		answer(r, res, k, r->ids[0], 200);
	json_decref(root);
}

static void delete(struct hd_req *r, struct hd_res *res, const struct kind *k)
{
	struct hd_err err = { 0 };

	if (!hd_req_require_admin(r, res))
		return;
	if (k->remove(r->app->store, r->ids[0], &err))
		hd_res_err(res, &err);
	else
		res->status = 204; /* no body */
}

void hd_h_calendar_list(struct hd_req *r, struct hd_res *res)
{
	list(r, res, &calendars);
}

void hd_h_calendar_create(struct hd_req *r, struct hd_res *res)
{
	create(r, res, &calendars);
}

void hd_h_calendar_get(struct hd_req *r, struct hd_res *res)
{
	answer(r, res, &calendars, r->ids[0], 200);
}

void hd_h_calendar_update(struct hd_req *r, struct hd_res *res)
{
	update(r, res, &calendars);
}

void hd_h_calendar_delete(struct hd_req *r, struct hd_res *res)
{
	delete(r, res, &calendars);
}

void hd_h_sla_policy_list(struct hd_req *r, struct hd_res *res)
{
	list(r, res, &policies);
}

void hd_h_sla_policy_create(struct hd_req *r, struct hd_res *res)
{
	create(r, res, &policies);
}

void hd_h_sla_policy_get(struct hd_req *r, struct hd_res *res)
{
	answer(r, res, &policies, r->ids[0], 200);
}

void hd_h_sla_policy_update(struct hd_req *r, struct hd_res *res)
{
	update(r, res, &policies);
}

void hd_h_sla_policy_delete(struct hd_req *r, struct hd_res *res)
{
	delete(r, res, &policies);
}

/* ---- business time -------------------------------------------------------- */

/* The query's instant `key` into `*ms`; absent is 0 unless required. */
static int query_time(struct hd_req *r, const char *key, int required, int64_t *ms,
		      struct hd_err *err)
{
	const char *s = hd_req_query(r, key);

	*ms = 0;
	if (!s && !required)
		return 0;
	if (!s || hd_time_parse(s, ms))
		return hd_err_set(err, HD_EINVAL, key,
				  "%s must be an RFC 3339 time such as 2026-11-23T09:00:00Z", key);
	return 0;
}

/* ?minutes=: 0 to HD_SLA_MINUTES_MAX; -1 when absent. */
static int query_minutes(struct hd_req *r, int64_t *minutes, struct hd_err *err)
{
	const char *s = hd_req_query(r, "minutes");

	*minutes = -1;
	if (!s)
		return 0;
	if (!strcmp(s, "0"))
		*minutes = 0;
	else if (hd_in_id(s, "minutes", minutes, NULL) || *minutes > HD_SLA_MINUTES_MAX)
		return hd_err_set(err, HD_EINVAL, "minutes",
				  "minutes must be a whole number from 0 to %lld",
				  (long long)HD_SLA_MINUTES_MAX);
	return 0;
}

/* What the calendar answers for [from, to] or from + minutes, into `w`.
 * The zone is loaded around the span; for minutes, again up to the answer
 * when it lies past the first guess, so the answer is exact. */
static int business_time(struct hd_req *r, struct hd_calendar_def *d, int64_t from, int64_t to,
			 int64_t minutes, struct hd_jw *w, struct hd_err *err)
{
	int64_t end = minutes >= 0 ? from + 800 * DAY_MS : to, out = 0;
	int rc = hd_calendar_load_zone(d, from - 2 * DAY_MS, end + 2 * DAY_MS, &r->arena, err);

	if (!rc && minutes < 0) {
		rc = hd_cal_minutes_between(&d->cal, from, to, &out);
		hd_jw_kint(w, "business_ms", out);
		return rc;
	}
	rc = rc ? rc : hd_cal_add_minutes(&d->cal, from, minutes, &out);
	if (!rc && out > end) {
		rc = hd_calendar_load_zone(d, from - 2 * DAY_MS, out + 2 * DAY_MS, &r->arena, err);
		rc = rc ? rc : hd_cal_add_minutes(&d->cal, from, minutes, &out);
	}
	if (rc == HD_ENOTFOUND) { /* closed for two years in a row: no due time */
		rc = 0;
		out = 0;
	}
	if (!rc && out > LAST_MS)
		return hd_err_set(err, HD_EINVAL, "minutes", "the answer lies after the year 9999");
	hd_jw_ktime(w, "due", out);
	return rc;
}

void hd_h_calendar_business_time(struct hd_req *r, struct hd_res *res)
{
	struct hd_err err = { 0 };
	struct hd_calendar_def d;
	struct hd_def_rec rec;
	struct hd_jw w;
	json_t *doc = NULL;
	int64_t from, to, minutes;

	hd_jw_init(&w, HD_OUT_MAX);
	if (query_time(r, "from", 1, &from, &err) || query_time(r, "to", 0, &to, &err) ||
	    query_minutes(r, &minutes, &err))
		goto fail;
	if ((minutes < 0) == !hd_req_query(r, "to")) {
		hd_err_set(&err, HD_EINVAL, "minutes", "give either minutes or to");
		goto fail;
	}
	if (minutes < 0 && (to < from || to - from > SPAN_MAX_MS)) {
		hd_err_set(&err, HD_EINVAL, "to", "to must be from `from` to ten years after it");
		goto fail;
	}
	if (hd_store_calendar_get(r->app->store, r->ids[0], &rec, &r->arena, &err))
		goto fail;
	doc = json_loads(rec.definition, 0, NULL);
	if (hd_calendar_parse(doc, &d, &r->arena, &err))
		goto fail;
	hd_jw_obj(&w);
	if (business_time(r, &d, from, to, minutes, &w, &err)) {
		hd_err_set(&err, HD_EINVAL, "from", "that time is out of range");
		goto fail;
	}
	hd_jw_obj_end(&w);
	hd_res_jw(res, 200, &w);
	json_decref(doc);
	return;
fail:
	hd_jw_release(&w);
	hd_res_err(res, &err);
	json_decref(doc);
}
