/*
 * h_customers.c — /api/v1/customers, their identities and tickets, and
 * /api/v1/organizations.
 */
#include <stdio.h>
#include <string.h>

#include "domain/identity.h"
#include "http/handlers.h"
#include "http/input.h"
#include "http/output.h"
#include "util/banned.h"

static void answer_customer(struct hd_req *r, struct hd_res *res, int64_t id, unsigned status)
{
	struct hd_customer c;
	struct hd_err err = { 0 };
	char loc[64];

	if (hd_store_customer_get(r->app->store, id, &c, &r->arena, &err)) {
		hd_res_err(res, &err);
		return;
	}
	snprintf(loc, sizeof(loc), "/api/v1/customers/%lld", (long long)id);
	if (status == 201)
		HD_RES_CREATED(r, res, hd_out_customer, &c, loc);
	else
		HD_RES_ONE(res, status, hd_out_customer, &c);
}

void hd_h_customer_list(struct hd_req *r, struct hd_res *res)
{
	struct hd_customer *cs;
	struct hd_err err = { 0 };
	const char *q = hd_req_query(r, "q");
	char norm[HD_IDENTITY_MAX];
	int64_t after, next;
	size_t n;
	int limit;

	if (q) {
		/* An e-mail or phone number is matched in its normal form; anything
		 * else as a lower-case prefix of a name or an identity. */
		if (strlen(q) >= HD_IDENTITY_MAX) {
			hd_err_set(&err, HD_EINVAL, "q", "q has at most %d characters",
				   HD_IDENTITY_MAX - 1);
			hd_res_err(res, &err);
			return;
		}
		if (!(strchr(q, '@') && !hd_identity_normalize(HD_IDKIND_EMAIL, q, norm, "q", NULL)) &&
		    !(q[0] == '+' && !hd_identity_normalize(HD_IDKIND_PHONE, q, norm, "q", NULL)))
			hd_identity_normalize(HD_IDKIND_HANDLE, q, norm, "q", NULL);
		if (!q[0])
			norm[0] = '\0';
		q = norm[0] ? hd_arena_strdup(&r->arena, norm) : NULL;
	}
	if (hd_in_page(hd_req_query_fn, r, 50, &after, &limit, &err) ||
	    hd_store_customer_list(r->app->store, q, after, limit, &cs, &n, &next, &r->arena,
				   &err)) {
		hd_res_err(res, &err);
		return;
	}
	HD_RES_PAGE(res, hd_out_customer, cs, n, next);
}

void hd_h_customer_create(struct hd_req *r, struct hd_res *res)
{
	struct hd_customer_new in;
	struct hd_err err = { 0 };
	json_t *root;
	int64_t id;

	if (hd_req_body(r, res, &root))
		return;
	if (hd_in_customer_new(root, &in, &r->arena, &err) ||
	    hd_store_customer_create(r->app->store, &r->who, &in, &r->idem, &id, &err))
		hd_res_err(res, &err);
	else
		answer_customer(r, res, id, 201);
	json_decref(root);
}

void hd_h_customer_get(struct hd_req *r, struct hd_res *res)
{
	answer_customer(r, res, r->ids[0], 200);
}

void hd_h_customer_update(struct hd_req *r, struct hd_res *res)
{
	struct hd_customer_patch p;
	struct hd_err err = { 0 };
	json_t *root;

	if (hd_req_body(r, res, &root))
		return;
	if (hd_in_customer_patch(root, &p, &err) ||
	    hd_store_customer_update(r->app->store, &r->who, r->ids[0], &p, &err))
		hd_res_err(res, &err);
	else
		answer_customer(r, res, r->ids[0], 200);
	json_decref(root);
}

void hd_h_customer_tickets(struct hd_req *r, struct hd_res *res)
{
	struct hd_ticket_filter f;
	struct hd_customer c;
	struct hd_ticket *ts;
	struct hd_err err = { 0 };
	size_t n;
	int64_t next;

	memset(&f, 0, sizeof(f));
	f.customer_id = r->ids[0];
	if (hd_store_customer_get(r->app->store, r->ids[0], &c, &r->arena, &err) ||
	    hd_in_page(hd_req_query_fn, r, 50, &f.after, &f.limit, &err) ||
	    hd_store_ticket_list(r->app->store, &f, &ts, &n, &next, &r->arena, &err)) {
		hd_res_err(res, &err);
		return;
	}
	HD_RES_PAGE(res, hd_out_ticket, ts, n, next);
}

void hd_h_identity_add(struct hd_req *r, struct hd_res *res)
{
	struct hd_identity_new in;
	struct hd_err err = { 0 };
	json_t *root;
	int64_t iid;

	if (hd_req_body(r, res, &root))
		return;
	if (hd_in_identity_new(root, &in, &r->arena, &err) ||
	    hd_store_identity_add(r->app->store, &r->who, r->ids[0], &in, &r->idem, &iid, &err))
		hd_res_err(res, &err);
	else
		answer_customer(r, res, r->ids[0], 201);
	json_decref(root);
}

void hd_h_identity_remove(struct hd_req *r, struct hd_res *res)
{
	struct hd_err err = { 0 };

	if (hd_store_identity_remove(r->app->store, &r->who, r->ids[0], r->ids[1], &err))
		hd_res_err(res, &err);
	else
		answer_customer(r, res, r->ids[0], 200);
}

/* ---- organizations ------------------------------------------------------- */

void hd_h_org_list(struct hd_req *r, struct hd_res *res)
{
	struct hd_organization *os;
	struct hd_err err = { 0 };
	size_t n;

	if (hd_store_org_list(r->app->store, &os, &n, &r->arena, &err)) {
		hd_res_err(res, &err);
		return;
	}
	HD_RES_PAGE(res, hd_out_org, os, n, 0);
}

void hd_h_org_create(struct hd_req *r, struct hd_res *res)
{
	static const char *const fields[] = { "name", "domain", NULL };
	struct hd_organization o;
	struct hd_err err = { 0 };
	const char *name, *domain;
	json_t *root;
	int64_t id;
	char loc[64];

	if (hd_req_body(r, res, &root))
		return;
	if (hd_in_only(root, fields, "an organization", &err) ||
	    hd_in_str(root, "name", 1, 1, HD_NAME_MAX, 0, &name, &err) ||
	    hd_in_str(root, "domain", 0, 1, 253, 0, &domain, &err) ||
	    hd_store_org_create(r->app->store, name, domain, &r->idem, &id, &err) ||
	    hd_store_org_get(r->app->store, id, &o, &r->arena, &err))
		goto fail;
	snprintf(loc, sizeof(loc), "/api/v1/organizations/%lld", (long long)id);
	HD_RES_CREATED(r, res, hd_out_org, &o, loc);
	json_decref(root);
	return;
fail:
	hd_res_err(res, &err);
	json_decref(root);
}

void hd_h_org_get(struct hd_req *r, struct hd_res *res)
{
	struct hd_organization o;
	struct hd_err err = { 0 };

	if (hd_store_org_get(r->app->store, r->ids[0], &o, &r->arena, &err))
		hd_res_err(res, &err);
	else
		HD_RES_ONE(res, 200, hd_out_org, &o);
}
