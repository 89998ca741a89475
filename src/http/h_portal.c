/*
 * h_portal.c — the customer portal's API (/api/v1/portal/...): the public
 * web form that opens a ticket, signing in by a link mailed to the
 * customer (store/sqlite/portal.c), and what a signed-in customer may see
 * and do on their own tickets.
 *
 * A customer sees only their own tickets: any other id answers 404, the
 * same as one that does not exist, so ids cannot be probed. They see public
 * messages only (never an internal note), agents by name, and their
 * promises without the agents' notes. Writes go through the same store
 * calls as everything else, as the customer (struct hd_actor kind
 * customer), so the lifecycle rules are the store's: a reply reopens a
 * solved ticket, a reply on a closed one starts a follow-up.
 *
 * The public routes are limited in memory per client address and e-mail
 * (util/ratelimit.h); asking for a link answers 202 whether or not the
 * address is known, so the portal never tells who is a customer.
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "domain/identity.h"
#include "domain/promise.h"
#include "http/handlers.h"
#include "http/input.h"
#include "http/output.h"
#include "store/promises.h"
#include "util/ratelimit.h"
#include "util/secret.h"
#include "util/timeutil.h"
#include "util/banned.h"

#define HOUR_MS (3600LL * 1000)
#define FORM_MAX_IP 20   /* web-form tickets per client address per hour */
#define LINK_MAX_EMAIL 5 /* sign-in links per e-mail address per hour */
#define LINK_MAX_IP 20   /* sign-in links asked for per client address per hour */
#define SIGNIN_MAX_IP 50 /* sign-in attempts per client address per hour */
#define RL_KEYS 16384

/* ---- process-wide limits ------------------------------------------------ */

static struct hd_ratelimit form_ip, link_email, link_ip, signin_ip;
static int limits_ready;
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void init_once(void)
{
	limits_ready = !hd_ratelimit_init(&form_ip, FORM_MAX_IP, HOUR_MS, RL_KEYS) &&
		       !hd_ratelimit_init(&link_email, LINK_MAX_EMAIL, HOUR_MS, RL_KEYS) &&
		       !hd_ratelimit_init(&link_ip, LINK_MAX_IP, HOUR_MS, RL_KEYS) &&
		       !hd_ratelimit_init(&signin_ip, SIGNIN_MAX_IP, HOUR_MS, RL_KEYS);
}

/* Count a hit of `key` in `rl`; non-zero with 429 answered when it has
 * used up its window (or the tables could not be made). */
static int limited(struct hd_res *res, struct hd_ratelimit *rl, const char *key, int64_t now)
{
	int64_t wait = HOUR_MS;
	char detail[128];

	pthread_once(&once, init_once);
	if (limits_ready && !hd_ratelimit_hit(rl, key, now, &wait))
		return 0;
	res->retry_after = (int)((wait + 999) / 1000);
	snprintf(detail, sizeof(detail), "too many requests; try again in %d minute(s)",
		 (res->retry_after + 59) / 60);
	hd_res_problem(res, 429, "too-many-requests", "Too many requests", detail, NULL);
	return -1;
}

/* ---- output ------------------------------------------------------------- */

static void out_ticket(struct hd_jw *w, const struct hd_ticket *t)
{
	char ref[32];

	snprintf(ref, sizeof(ref), "#%lld", (long long)t->id);
	hd_jw_obj(w);
	hd_jw_kint(w, "id", t->id);
	hd_jw_kstr(w, "reference", ref);
	hd_jw_kstr(w, "subject", t->subject);
	hd_jw_kstr(w, "status", hd_status_name(t->lc.status));
	hd_jw_kbool(w, "awaiting_confirmation", t->lc.status == HD_STATUS_SOLVED);
	hd_jw_kstr(w, "channel", hd_channel_name(t->channel));
	hd_jw_ktime(w, "created_at", t->created_at);
	hd_jw_ktime(w, "updated_at", t->updated_at);
	hd_jw_kint(w, "reopen_count", t->lc.reopen_count);
	hd_jw_ktime(w, "first_response_due", t->first_response_due);
	hd_jw_ktime(w, "first_response_at", t->lc.first_response_at);
	hd_jw_ktime(w, "sla_next_due", t->sla_next_due);
	hd_jw_kid(w, "related_id", t->related_id);
	hd_jw_kstr(w, "related_kind", t->related_kind);
	hd_jw_obj_end(w);
}

static void out_message(struct hd_jw *w, const struct hd_message *m)
{
	const char *name = m->author == HD_AUTHOR_CUSTOMER ? "you"
			   : m->author_name && m->author_name[0] ? m->author_name
								  : "Support";

	hd_jw_obj(w);
	hd_jw_kint(w, "id", m->id);
	hd_jw_kint(w, "ticket_id", m->ticket_id);
	hd_jw_kstr(w, "author", hd_author_name(m->author));
	hd_jw_kstr(w, "author_name", name);
	hd_jw_kstr(w, "text", m->display_text ? m->display_text : m->text);
	hd_jw_ktime(w, "created_at", m->created_at);
	hd_jw_obj_end(w);
}

static void out_promise(struct hd_jw *w, const struct hd_promise *p)
{
	hd_jw_obj(w);
	hd_jw_kint(w, "id", p->id);
	hd_jw_kint(w, "ticket_id", p->ticket_id);
	hd_jw_kstr(w, "kind", hd_promise_kind_name(p->kind));
	hd_jw_kstr(w, "channel", hd_channel_name(p->channel));
	hd_jw_kstr(w, "description", p->description ? p->description : "");
	hd_jw_ktime(w, "due_at", p->due_at);
	hd_jw_kstr(w, "status", hd_promise_status_name(p->status));
	hd_jw_kbool(w, "overdue", hd_promise_is_overdue((int)p->status, p->due_at, hd_now_ms()));
	hd_jw_kstr(w, "requested_by", hd_author_name(p->requested_by));
	hd_jw_ktime(w, "created_at", p->created_at);
	hd_jw_ktime(w, "resolved_at", p->resolved_at);
	hd_jw_obj_end(w);
}

/* Ticket r->ids[0] into `t` when it is the signed-in customer's; else
 * answers 404 (also for another customer's) and returns non-zero. */
static int own_ticket(struct hd_req *r, struct hd_res *res, struct hd_ticket *t)
{
	struct hd_err err = { 0 };
	int rc = hd_store_ticket_get(r->app->store, r->ids[0], t, &r->arena, &err);

	if (!rc && t->customer_id == r->who.id)
		return 0;
	if (rc && rc != HD_ENOTFOUND)
		hd_res_err(res, &err);
	else
		hd_res_problem(res, 404, "not-found", "Not found", "you have no such ticket", NULL);
	return -1;
}

static void answer_own_ticket(struct hd_req *r, struct hd_res *res)
{
	struct hd_ticket t;

	if (!own_ticket(r, res, &t))
		HD_RES_ONE(res, 200, out_ticket, &t);
}

/* ---- the web form -------------------------------------------------------- */

void hd_h_portal_ticket_create(struct hd_req *r, struct hd_res *res)
{
	static const char *const fields[] = { "email", "name", "subject", "text", NULL };
	struct hd_actor who = { HD_AUTHOR_CUSTOMER, 0, HD_ROLE_AGENT };
	struct hd_ticket_new in;
	struct hd_ticket t;
	struct hd_err err = { 0 };
	struct hd_jw w;
	char ip[HD_SESSION_IP_MAX + 1], email[HD_IDENTITY_MAX], ref[32], loc[64];
	const char *raw;
	json_t *root;
	int64_t id;

	hd_req_client_address(r, ip, sizeof(ip));
	if (limited(res, &form_ip, ip, hd_now_ms()) || hd_req_body(r, res, &root))
		return;
	memset(&in, 0, sizeof(in));
	if (hd_in_only(root, fields, "a web-form ticket", &err) ||
	    hd_in_str(root, "email", 1, 1, HD_IDENTITY_MAX - 1, 0, &raw, &err) ||
	    hd_identity_normalize(HD_IDKIND_EMAIL, raw, email, "email", &err) ||
	    hd_in_str(root, "name", 0, 0, HD_NAME_MAX, 0, &in.requester.name, &err) ||
	    hd_in_str(root, "subject", 1, 1, HD_SUBJECT_MAX, 0, &in.subject, &err) ||
	    hd_in_str(root, "text", 1, 1, HD_TEXT_MAX, 1, &in.text, &err))
		goto fail;
	in.requester.kind = HD_IDKIND_EMAIL;
	in.requester.value = email;
	in.created_by = HD_AUTHOR_CUSTOMER;
	in.priority = HD_PRIORITY_NORMAL;
	in.channel = HD_CHANNEL_WEB;
	in.desk_name = r->app->cfg->desk_name;
	if (hd_store_ticket_create(r->app->store, &who, &in, &r->idem, &id, &err) ||
	    hd_store_ticket_get(r->app->store, id, &t, &r->arena, &err))
		goto fail;
	snprintf(ref, sizeof(ref), "#%lld", (long long)id);
	snprintf(loc, sizeof(loc), "/api/v1/portal/tickets/%lld", (long long)id);
	hd_jw_init(&w, HD_OUT_MAX);
	hd_jw_obj(&w);
	hd_jw_kint(&w, "ticket_id", id);
	hd_jw_kstr(&w, "reference", ref);
	hd_jw_kstr(&w, "status", hd_status_name(t.lc.status));
	hd_jw_ktime(&w, "first_response_due", t.first_response_due);
	hd_jw_obj_end(&w);
	hd_res_created(r, res, &w, loc);
	json_decref(root);
	return;
fail:
	hd_res_err(res, &err);
	json_decref(root);
}

/* ---- signing in ------------------------------------------------------------ */

void hd_h_portal_magic_link(struct hd_req *r, struct hd_res *res)
{
	static const char *const fields[] = { "email", NULL };
	struct hd_err err = { 0 };
	char ip[HD_SESSION_IP_MAX + 1], email[HD_IDENTITY_MAX];
	const char *raw;
	json_t *root;
	int64_t now = hd_now_ms();

	hd_req_client_address(r, ip, sizeof(ip));
	if (limited(res, &link_ip, ip, now) || hd_req_body(r, res, &root))
		return;
	if (hd_in_only(root, fields, "a sign-in link request", &err) ||
	    hd_in_str(root, "email", 1, 1, HD_IDENTITY_MAX - 1, 0, &raw, &err) ||
	    hd_identity_normalize(HD_IDKIND_EMAIL, raw, email, "email", &err)) {
		hd_res_err(res, &err);
		goto out;
	}
	if (limited(res, &link_email, email, now))
		goto out;
	if (hd_store_portal_link_request(r->app->store, email, now, NULL, &err)) {
		hd_res_err(res, &err);
		goto out;
	}
	hd_res_json(res, 202,
		    json_pack("{s:s}", "detail",
			      "if this address is known to us, a sign-in link is on its way; it "
			      "works once, for 30 minutes"));
out:
	json_decref(root);
}

/* Set-Cookie for `token` living `max_age` s ("" and 0: clear it); Secure
 * when heed is reached over https. */
static void set_cookie(struct hd_req *r, struct hd_res *res, const char *token, long long max_age)
{
	int secure = !strncasecmp(r->app->cfg->public_url, "https://", 8);

	snprintf(res->cookie, sizeof(res->cookie),
		 HD_PORTAL_COOKIE "=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=%lld%s", token,
		 max_age, secure ? "; Secure" : "");
}

/* {"customer": {id, name}, "csrf_token"} with `status`. */
static int answer_session(struct hd_req *r, struct hd_res *res, unsigned status,
			  const struct hd_portal_session *s)
{
	struct hd_customer c;
	struct hd_err err = { 0 };
	struct hd_jw w;

	if (hd_store_customer_get(r->app->store, s->customer_id, &c, &r->arena, &err)) {
		hd_res_err(res, &err);
		return -1;
	}
	hd_jw_init(&w, HD_OUT_MAX);
	hd_jw_obj(&w);
	hd_jw_key(&w, "customer");
	hd_jw_obj(&w);
	hd_jw_kint(&w, "id", c.id);
	hd_jw_kstr(&w, "name", c.name ? c.name : "");
	hd_jw_obj_end(&w);
	hd_jw_kstr(&w, "csrf_token", s->csrf_token);
	hd_jw_ktime(&w, "expires_at", s->expires_at);
	hd_jw_obj_end(&w);
	hd_res_jw(res, status, &w);
	return res->status == status ? 0 : -1;
}

void hd_h_portal_session_create(struct hd_req *r, struct hd_res *res)
{
	static const char *const fields[] = { "token", NULL };
	char ip[HD_SESSION_IP_MAX + 1], token[64], hash[HD_HASH_HEX_LEN + 1], csrf[64];
	struct hd_session_new in = { 0 };
	struct hd_portal_session s;
	struct hd_err err = { 0 };
	const char *link;
	json_t *root;

	in.now = hd_now_ms();
	hd_req_client_address(r, ip, sizeof(ip));
	if (limited(res, &signin_ip, ip, in.now) || hd_req_body(r, res, &root))
		return;
	if (hd_in_only(root, fields, "a portal sign-in", &err) ||
	    hd_in_str(root, "token", 1, 1, HD_PORTAL_TOKEN_MAX - 1, 0, &link, &err)) {
		hd_res_err(res, &err);
		goto out;
	}
	hd_secret_token("hp_", token, sizeof(token));
	hd_secret_sha256_hex(token, strlen(token), hash);
	hd_secret_token("", csrf, sizeof(csrf));
	in.token_hash = hash;
	in.csrf_token = csrf;
	in.ip = ip;
	in.user_agent = hd_req_header(r, "User-Agent");
	if (hd_store_portal_signin(r->app->store, link, &in, &s, &err)) {
		hd_res_err(res, &err);
		goto out;
	}
	if (!answer_session(r, res, 201, &s))
		set_cookie(r, res, token, HD_PORTAL_MAX_MS / 1000);
out:
	json_decref(root);
}

void hd_h_portal_session_get(struct hd_req *r, struct hd_res *res)
{
	answer_session(r, res, 200, &r->portal);
}

void hd_h_portal_session_delete(struct hd_req *r, struct hd_res *res)
{
	struct hd_err err = { 0 };

	if (hd_store_portal_session_delete(r->app->store, r->portal.id, &err)) {
		hd_res_err(res, &err);
		return;
	}
	res->status = 204;
	set_cookie(r, res, "", 0);
}

/* ---- the signed-in customer's tickets -------------------------------------- */

void hd_h_portal_ticket_list(struct hd_req *r, struct hd_res *res)
{
	struct hd_ticket_filter f;
	struct hd_ticket *ts;
	struct hd_err err = { 0 };
	size_t n;
	int64_t next;

	memset(&f, 0, sizeof(f));
	f.customer_id = r->who.id;
	if (hd_in_page(hd_req_query_fn, r, 50, &f.after, &f.limit, &err) ||
	    hd_store_ticket_list(r->app->store, &f, &ts, &n, &next, &r->arena, &err)) {
		hd_res_err(res, &err);
		return;
	}
	HD_RES_PAGE(res, out_ticket, ts, n, next);
}

void hd_h_portal_ticket_get(struct hd_req *r, struct hd_res *res)
{
	answer_own_ticket(r, res);
}

void hd_h_portal_message_list(struct hd_req *r, struct hd_res *res)
{
	struct hd_ticket t;
	struct hd_message *ms;
	struct hd_err err = { 0 };
	int64_t after, next;
	size_t n;
	int limit;

	if (own_ticket(r, res, &t))
		return;
	if (hd_in_page(hd_req_query_fn, r, 100, &after, &limit, &err) ||
	    hd_store_message_list(r->app->store, t.id, 0, after, limit, &ms, &n, &next, &r->arena,
				  &err)) {
		hd_res_err(res, &err);
		return;
	}
	HD_RES_PAGE(res, out_message, ms, n, next);
}

void hd_h_portal_message_create(struct hd_req *r, struct hd_res *res)
{
	static const char *const fields[] = { "text", NULL };
	struct hd_message_new in;
	struct hd_message m;
	struct hd_ticket t;
	struct hd_err err = { 0 };
	json_t *root;
	int64_t mid;
	char loc[96];

	if (own_ticket(r, res, &t) || hd_req_body(r, res, &root))
		return;
	memset(&in, 0, sizeof(in));
	if (hd_in_only(root, fields, "a message", &err) ||
	    hd_in_str(root, "text", 1, 1, HD_TEXT_MAX, 1, &in.text, &err))
		goto fail;
	in.author = HD_AUTHOR_CUSTOMER;
	in.visibility = HD_VIS_PUBLIC;
	/* on a closed ticket the store starts a follow-up: m.ticket_id says which */
	if (hd_store_message_add(r->app->store, &r->who, t.id, &in, &r->idem, &mid, &err) ||
	    hd_store_message_get(r->app->store, mid, &m, &r->arena, &err))
		goto fail;
	snprintf(loc, sizeof(loc), "/api/v1/portal/tickets/%lld/messages", (long long)m.ticket_id);
	HD_RES_CREATED(r, res, out_message, &m, loc);
	json_decref(root);
	return;
fail:
	hd_res_err(res, &err);
	json_decref(root);
}

void hd_h_portal_confirm(struct hd_req *r, struct hd_res *res)
{
	static const char *const fields[] = { "answer", NULL };
	struct hd_ticket t;
	struct hd_err err = { 0 };
	const char *a = NULL;
	json_t *root;

	if (own_ticket(r, res, &t) || hd_req_body(r, res, &root))
		return;
	if (hd_in_only(root, fields, "a confirmation", &err) ||
	    hd_in_str(root, "answer", 1, 1, 8, 0, &a, &err))
		goto fail;
	if (strcmp(a, "yes") && strcmp(a, "no")) {
		hd_err_set(&err, HD_EINVAL, "answer", "answer must be yes or no");
		goto fail;
	}
	if (hd_store_ticket_confirm(r->app->store, &r->who, t.id, !strcmp(a, "yes"), &err))
		goto fail;
	json_decref(root);
	answer_own_ticket(r, res);
	return;
fail:
	hd_res_err(res, &err);
	json_decref(root);
}

void hd_h_portal_promise_list(struct hd_req *r, struct hd_res *res)
{
	struct hd_promise_filter f;
	struct hd_promise *ps;
	struct hd_ticket t;
	struct hd_err err = { 0 };
	size_t n;
	int64_t next;

	if (own_ticket(r, res, &t))
		return;
	memset(&f, 0, sizeof(f));
	f.ticket_id = t.id;
	if (hd_in_page(hd_req_query_fn, r, 100, &f.after, &f.limit, &err) ||
	    hd_store_promise_list(r->app->store, &f, &ps, &n, &next, &r->arena, &err)) {
		hd_res_err(res, &err);
		return;
	}
	HD_RES_PAGE(res, out_promise, ps, n, next);
}

void hd_h_portal_callback_request(struct hd_req *r, struct hd_res *res)
{
	struct hd_ticket t;

	if (own_ticket(r, res, &t))
		return;
	/* The agents' call-back request, as the customer: a promise records
	 * the agent who made it in created_by, so the customer's id must not
	 * go there (0: not an agent). The idempotency key is already the
	 * customer's (router.c). */
	r->who.id = 0;
	hd_h_callback_request(r, res);
}
