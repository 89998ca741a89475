/*
 * h_promises.c — promises made to customers (G3): /api/v1/promises,
 * /api/v1/tickets/{id}/promises and /api/v1/tickets/{id}/callback-requests.
 *
 * Parses the request strictly (unknown members refused, lengths capped),
 * lets the store (store/promises.h) and domain/promise decide, and answers
 * the promise as JSON. A call-back request is an integration relaying the
 * customer's wish to be called: it becomes a promise owned by the ticket's
 * team, due at the time the customer prefers or `callback_due_minutes`
 * (heed.conf) from now.
 */
#include <stdio.h>
#include <string.h>

#include "domain/identity.h"
#include "domain/promise.h"
#include "http/handlers.h"
#include "http/input.h"
#include "http/output.h"
#include "store/promises.h"
#include "util/timeutil.h"
#include "util/banned.h"


/* ---- output --------------------------------------------------------------- */

/* One promise as docs/openapi.yaml's Promise schema; `overdue` is decided
 * at the moment of answering. */
static void out_promise(struct hd_jw *w, const struct hd_promise *p)
{
	hd_jw_obj(w);
	hd_jw_kint(w, "id", p->id);
	hd_jw_kint(w, "ticket_id", p->ticket_id);
	hd_jw_kstr(w, "kind", hd_promise_kind_name(p->kind));
	hd_jw_kstr(w, "channel", hd_channel_name(p->channel));
	hd_jw_kstr(w, "description", p->description ? p->description : "");
	hd_jw_ktime(w, "due_at", p->due_at);
	hd_jw_ktime(w, "remind_at", p->remind_at);
	hd_jw_kid(w, "owner_id", p->owner_agent_id);
	hd_jw_kid(w, "owner_team_id", p->owner_team_id);
	hd_jw_kstr(w, "requested_by", hd_author_name(p->requested_by));
	hd_jw_kid(w, "created_by", p->created_by);
	hd_jw_kstr(w, "status", hd_promise_status_name(p->status));
	hd_jw_kbool(w, "overdue", hd_promise_is_overdue((int)p->status, p->due_at, hd_now_ms()));
	hd_jw_kstr(w, "note", p->note);
	hd_jw_ktime(w, "created_at", p->created_at);
	hd_jw_ktime(w, "resolved_at", p->resolved_at);
	hd_jw_ktime(w, "reminded_at", p->reminded_at);
	hd_jw_ktime(w, "overdue_at", p->overdue_at);
	hd_jw_obj_end(w);
}

/* Answer with promise `id` as it is now (201 with a Location after a
 * create). */
static void answer_promise(struct hd_req *r, struct hd_res *res, int64_t id, unsigned status)
{
	struct hd_promise p;
	struct hd_err err = { 0 };
	char loc[64];

	if (hd_store_promise_get(r->app->store, id, &p, &r->arena, &err)) {
		hd_res_err(res, &err);
		return;
	}
	if (status == 201) {
		snprintf(loc, sizeof(loc), "/api/v1/promises/%lld", (long long)id);
		HD_RES_CREATED(r, res, out_promise, &p, loc);
	} else {
		HD_RES_ONE(res, status, out_promise, &p);
	}
}

/* ---- input ---------------------------------------------------------------- */

/* ---- handlers ------------------------------------------------------------- */

void hd_h_promise_create(struct hd_req *r, struct hd_res *res)
{
	struct hd_promise_new in;
	struct hd_err err = { 0 };
	json_t *root;
	int64_t id;

	if (hd_req_body(r, res, &root))
		return;
	if (hd_in_promise_new(root, &in, &err))
		goto fail;
	in.remind_minutes = r->app->cfg->promise_remind_minutes;
	in.desk_name = r->app->cfg->desk_name;
	if (hd_store_promise_create(r->app->store, &r->who, r->ids[0], &in, &r->idem, &id, &err))
		goto fail;
	answer_promise(r, res, id, 201);
	json_decref(root);
	return;
fail:
	hd_res_err(res, &err);
	json_decref(root);
}

/* The description of a call-back request: the number and the customer's
 * words, for the agent who calls. Arena text; NULL when out of memory. */
static const char *callback_description(struct hd_arena *a, const char *phone, const char *note)
{
	return hd_arena_printf(a, "The customer asked to be called back%s%s.%s%s",
			       phone ? " on " : "", phone ? phone : "",
			       note && note[0] ? "\n" : "", note && note[0] ? note : "");
}

/* POST /tickets/{id}/callback-requests: {phone?, preferred_at?, note?} */
void hd_h_callback_request(struct hd_req *r, struct hd_res *res)
{
	static const char *const fields[] = { "phone", "preferred_at", "note", NULL };
	struct hd_promise_new in;
	struct hd_err err = { 0 };
	const char *phone_in, *note;
	char *phone = NULL;
	int64_t id, now = hd_now_ms();
	json_t *root;
	int rc;

	if (hd_req_body(r, res, &root))
		return;
	memset(&in, 0, sizeof(in));
	rc = hd_in_only(root, fields, "a call-back request", &err);
	rc = rc ? rc : hd_in_str(root, "phone", 0, 1, HD_IDENTITY_MAX - 1, 0, &phone_in, &err);
	rc = rc ? rc : hd_in_str(root, "note", 0, 0, HD_PROMISE_NOTE_MAX, 1, &note, &err);
	rc = rc ? rc : hd_in_time(root, "preferred_at", 0, &in.due_at, &err);
	if (rc)
		goto fail;
	if (phone_in) {
		phone = hd_arena_alloc(&r->arena, HD_IDENTITY_MAX);
		if (!phone) {
			hd_err_set(&err, HD_ENOMEM, NULL, "out of memory");
			goto fail;
		}
		if (hd_identity_normalize(HD_IDKIND_PHONE, phone_in, phone, "phone", &err))
			goto fail;
	}
	if (in.due_at &&
	    hd_promise_validate(HD_PROMISE_CALLBACK, HD_CHANNEL_PHONE, in.due_at, now, NULL)) {
		hd_err_set(&err, HD_EINVAL, "preferred_at",
			   "preferred_at must be in the future and within a year");
		goto fail;
	}
	if (!in.due_at)
		in.due_at = now + r->app->cfg->callback_due_minutes * 60000;
	in.kind = HD_PROMISE_CALLBACK;
	in.channel = HD_CHANNEL_PHONE;
	in.customer_requested = 1;
	in.phone = phone;
	in.description = callback_description(&r->arena, phone, note);
	in.remind_minutes = r->app->cfg->promise_remind_minutes;
	in.desk_name = r->app->cfg->desk_name;
	if (!in.description) {
		hd_err_set(&err, HD_ENOMEM, NULL, "out of memory");
		goto fail;
	}
	if (hd_store_promise_create(r->app->store, &r->who, r->ids[0], &in, &r->idem, &id, &err))
		goto fail;
	answer_promise(r, res, id, 201);
	json_decref(root);
	return;
fail:
	hd_res_err(res, &err);
	json_decref(root);
}

void hd_h_promise_get(struct hd_req *r, struct hd_res *res)
{
	answer_promise(r, res, r->ids[0], 200);
}

/* PATCH /promises/{id}: {status: kept|broken, note?} */
void hd_h_promise_update(struct hd_req *r, struct hd_res *res)
{
	static const char *const fields[] = { "status", "note", NULL };
	struct hd_err err = { 0 };
	const char *status, *note;
	json_t *root;
	int to, rc;

	if (hd_req_body(r, res, &root))
		return;
	rc = hd_in_only(root, fields, "a promise change", &err);
	rc = rc ? rc : hd_in_str(root, "status", 1, 1, 32, 0, &status, &err);
	rc = rc ? rc : hd_in_str(root, "note", 0, 0, HD_PROMISE_NOTE_MAX, 1, &note, &err);
	if (rc)
		goto fail;
	to = hd_promise_status_parse(status);
	if (to < 0) {
		hd_err_set(&err, HD_EINVAL, "status", "status must be kept or broken");
		goto fail;
	}
	if (hd_store_promise_resolve(r->app->store, &r->who, r->ids[0], (enum hd_promise_status)to,
				     note, &err))
		goto fail;
	answer_promise(r, res, r->ids[0], 200);
	json_decref(root);
	return;
fail:
	hd_res_err(res, &err);
	json_decref(root);
}

static void answer_page(struct hd_req *r, struct hd_res *res, const struct hd_promise_filter *f)
{
	struct hd_promise *ps;
	struct hd_err err = { 0 };
	int64_t next;
	size_t n;

	if (hd_store_promise_list(r->app->store, f, &ps, &n, &next, &r->arena, &err)) {
		hd_res_err(res, &err);
		return;
	}
	HD_RES_PAGE(res, out_promise, ps, n, next);
}

/* GET /tickets/{id}/promises: the ticket's promises, oldest first. */
void hd_h_ticket_promise_list(struct hd_req *r, struct hd_res *res)
{
	struct hd_promise_filter f;
	struct hd_err err = { 0 };

	memset(&f, 0, sizeof(f));
	f.ticket_id = r->ids[0];
	if (hd_in_page(hd_req_query_fn, r, 100, &f.after, &f.limit, &err)) {
		hd_res_err(res, &err);
		return;
	}
	answer_page(r, res, &f);
}

/* GET /promises?status=&owner=me|<id>&team=<id>&due_before=&after=&limit= */
void hd_h_promise_list(struct hd_req *r, struct hd_res *res)
{
	struct hd_promise_filter f;
	struct hd_err err = { 0 };
	const char *s;

	memset(&f, 0, sizeof(f));
	s = hd_req_query(r, "status");
	if (s && s[0]) {
		int v = hd_promise_status_parse(s);

		if (v < 0) {
			hd_err_set(&err, HD_EINVAL, "status", "status must be one of open, kept, broken");
			goto fail;
		}
		f.has_status = 1;
		f.status = (enum hd_promise_status)v;
	}
	s = hd_req_query(r, "owner");
	if (s && s[0]) {
		if (!strcmp(s, "me"))
			f.owner_agent_id = r->who.id;
		else if (hd_in_id(s, "owner", &f.owner_agent_id, NULL)) {
			hd_err_set(&err, HD_EINVAL, "owner", "owner must be an agent's id or \"me\"");
			goto fail;
		}
	}
	s = hd_req_query(r, "team");
	if (s && s[0] && hd_in_id(s, "team", &f.owner_team_id, &err))
		goto fail;
	s = hd_req_query(r, "due_before");
	if (s && s[0] && hd_time_parse(s, &f.due_before)) {
		hd_err_set(&err, HD_EINVAL, "due_before",
			   "due_before must be an RFC 3339 time such as 2026-11-23T14:05:00Z");
		goto fail;
	}
	if (hd_in_page(hd_req_query_fn, r, 50, &f.after, &f.limit, &err))
		goto fail;
	answer_page(r, res, &f);
	return;
fail:
	hd_res_err(res, &err);
}
