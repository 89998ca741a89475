/*
 * h_people.c — /api/v1/teams, /api/v1/agents and /api/v1/tokens.
 * Creating and changing teams and agents needs an administrator; an agent
 * may change their own name and password and create tokens for themselves.
 */
#include <stdio.h>
#include <string.h>

#include "domain/identity.h"
#include "http/handlers.h"
#include "http/input.h"
#include "http/output.h"
#include "util/secret.h"
#include "util/banned.h"

/* ---- teams --------------------------------------------------------------- */

static void answer_team(struct hd_req *r, struct hd_res *res, int64_t id, unsigned status)
{
	struct hd_team t;
	struct hd_err err = { 0 };
	char loc[64];

	if (hd_store_team_get(r->app->store, id, &t, &r->arena, &err)) {
		hd_res_err(res, &err);
		return;
	}
	snprintf(loc, sizeof(loc), "/api/v1/teams/%lld", (long long)id);
	if (status == 201)
		HD_RES_CREATED(r, res, hd_out_team, &t, loc);
	else
		HD_RES_ONE(res, status, hd_out_team, &t);
}

void hd_h_team_list(struct hd_req *r, struct hd_res *res)
{
	struct hd_team *ts;
	struct hd_err err = { 0 };
	size_t n;

	if (hd_store_team_list(r->app->store, &ts, &n, &r->arena, &err)) {
		hd_res_err(res, &err);
		return;
	}
	HD_RES_PAGE(res, hd_out_team, ts, n, 0);
}

/* member_ids: an array of agent ids into an arena array. */
static int member_ids(struct hd_req *r, json_t *root, int64_t **ids, size_t *n, int *set,
		      struct hd_err *err)
{
	json_t *arr = json_object_get(root, "member_ids"), *v;
	size_t i;

	*set = arr != NULL;
	*n = 0;
	*ids = NULL;
	if (!arr)
		return 0;
	if (!json_is_array(arr) || json_array_size(arr) > 10000)
		return hd_err_set(err, HD_EINVAL, "member_ids",
				  "member_ids must be an array of agent ids");
	*ids = hd_arena_alloc(&r->arena, sizeof(**ids) * (json_array_size(arr) + 1));
	if (!*ids)
		return hd_err_set(err, HD_ENOMEM, NULL, "out of memory");
	json_array_foreach(arr, i, v)
	{
		if (!json_is_integer(v) || json_integer_value(v) <= 0)
			return hd_err_set(err, HD_EINVAL, "member_ids",
					  "member_ids must be an array of agent ids");
		(*ids)[(*n)++] = json_integer_value(v);
	}
	return 0;
}

/* lead_id: absent (`*set` 0), null (none) or an agent id. */
static int lead_id(json_t *root, int *set, int64_t *id, struct hd_err *err)
{
	json_t *v = json_object_get(root, "lead_id");

	*set = v != NULL;
	*id = json_is_integer(v) ? json_integer_value(v) : 0;
	if (v && !json_is_null(v) && *id <= 0)
		return hd_err_set(err, HD_EINVAL, "lead_id", "lead_id must be an agent id or null");
	return 0;
}

void hd_h_team_create(struct hd_req *r, struct hd_res *res)
{
	static const char *const fields[] = { "name", "member_ids", "lead_id", NULL };
	struct hd_err err = { 0 };
	const char *name;
	json_t *root;
	int64_t id, *ids, lead;
	size_t n;
	int set, set_lead;

	if (!hd_req_require_admin(r, res) || hd_req_body(r, res, &root))
		return;
	if (hd_in_only(root, fields, "a team", &err) ||
	    hd_in_str(root, "name", 1, 1, HD_NAME_MAX, 0, &name, &err) ||
	    member_ids(r, root, &ids, &n, &set, &err) || lead_id(root, &set_lead, &lead, &err) ||
	    hd_store_team_create_led(r->app->store, name, set ? ids : NULL, n, lead, &r->idem, &id,
				     &err))
		hd_res_err(res, &err);
	else
		answer_team(r, res, id, 201);
	json_decref(root);
}

void hd_h_team_get(struct hd_req *r, struct hd_res *res)
{
	answer_team(r, res, r->ids[0], 200);
}

void hd_h_team_update(struct hd_req *r, struct hd_res *res)
{
	static const char *const fields[] = { "name", "member_ids", "lead_id", NULL };
	struct hd_err err = { 0 };
	const char *name;
	json_t *root;
	int64_t *ids, lead;
	size_t n;
	int set, set_lead;

	if (!hd_req_require_admin(r, res) || hd_req_body(r, res, &root))
		return;
	if (hd_in_only(root, fields, "a team change", &err) ||
	    hd_in_str(root, "name", 0, 1, HD_NAME_MAX, 0, &name, &err) ||
	    member_ids(r, root, &ids, &n, &set, &err) || lead_id(root, &set_lead, &lead, &err) ||
	    hd_store_team_update_led(r->app->store, r->ids[0], name, set ? ids : NULL, n, set_lead,
				     lead, &err))
		hd_res_err(res, &err);
	else
		answer_team(r, res, r->ids[0], 200);
	json_decref(root);
}

/* ---- agents -------------------------------------------------------------- */

static void answer_agent(struct hd_req *r, struct hd_res *res, int64_t id, unsigned status)
{
	struct hd_agent a;
	struct hd_err err = { 0 };
	char loc[64];

	if (hd_store_agent_get(r->app->store, id, &a, &r->arena, &err)) {
		hd_res_err(res, &err);
		return;
	}
	snprintf(loc, sizeof(loc), "/api/v1/agents/%lld", (long long)id);
	if (status == 201)
		HD_RES_CREATED(r, res, hd_out_agent, &a, loc);
	else
		HD_RES_ONE(res, status, hd_out_agent, &a);
}

void hd_h_agent_list(struct hd_req *r, struct hd_res *res)
{
	struct hd_agent *as;
	struct hd_err err = { 0 };
	size_t n;

	if (hd_store_agent_list(r->app->store, &as, &n, &r->arena, &err)) {
		hd_res_err(res, &err);
		return;
	}
	HD_RES_PAGE(res, hd_out_agent, as, n, 0);
}

static int in_role(json_t *root, int *set, enum hd_role *role, struct hd_err *err)
{
	const char *s;
	int v;

	*set = 0;
	if (hd_in_str(root, "role", 0, 1, 16, 0, &s, err))
		return HD_EINVAL;
	if (!s)
		return 0;
	v = hd_role_parse(s);
	if (v < 0)
		return hd_err_set(err, HD_EINVAL, "role", "role must be agent or admin");
	*set = 1;
	*role = (enum hd_role)v;
	return 0;
}

/* A password of 10..200 bytes hashed into the arena; NULL when absent. */
static int in_password(struct hd_req *r, json_t *root, const char **hash, struct hd_err *err)
{
	const char *pw;
	char *h;

	*hash = NULL;
	if (hd_in_str(root, "password", 0, 10, 200, 0, &pw, err))
		return hd_err_set(err, HD_EINVAL, "password", "a password has 10 to 200 characters");
	if (!pw)
		return 0;
	h = hd_arena_alloc(&r->arena, HD_PWHASH_LEN);
	if (!h || hd_secret_pwhash(pw, h))
		return hd_err_set(err, HD_ENOMEM, NULL, "out of memory");
	*hash = h;
	return 0;
}

void hd_h_agent_create(struct hd_req *r, struct hd_res *res)
{
	static const char *const fields[] = { "name", "email", "role", "password", NULL };
	struct hd_agent_new in;
	struct hd_err err = { 0 };
	char email[HD_IDENTITY_MAX];
	const char *raw;
	json_t *root;
	int64_t id;
	int set;

	if (!hd_req_require_admin(r, res) || hd_req_body(r, res, &root))
		return;
	memset(&in, 0, sizeof(in));
	in.role = HD_ROLE_AGENT;
	if (hd_in_only(root, fields, "an agent", &err) ||
	    hd_in_str(root, "name", 1, 1, HD_NAME_MAX, 0, &in.name, &err) ||
	    hd_in_str(root, "email", 1, 3, HD_IDENTITY_MAX - 1, 0, &raw, &err) ||
	    hd_identity_normalize(HD_IDKIND_EMAIL, raw, email, "email", &err) ||
	    in_role(root, &set, &in.role, &err) ||
	    in_password(r, root, &in.password_hash, &err))
		goto fail;
	in.email = email;
	if (hd_store_agent_create(r->app->store, &in, &r->idem, &id, &err))
		goto fail;
	answer_agent(r, res, id, 201);
	json_decref(root);
	return;
fail:
	hd_res_err(res, &err);
	json_decref(root);
}

void hd_h_agent_me(struct hd_req *r, struct hd_res *res)
{
	answer_agent(r, res, r->who.id, 200);
}

void hd_h_agent_get(struct hd_req *r, struct hd_res *res)
{
	answer_agent(r, res, r->ids[0], 200);
}

void hd_h_agent_update(struct hd_req *r, struct hd_res *res)
{
	static const char *const fields[] = { "name", "role", "active", "password", NULL };
	struct hd_agent_patch p;
	struct hd_err err = { 0 };
	json_t *root, *active;
	int admin = r->who.role == HD_ROLE_ADMIN;

	if (!admin && r->ids[0] != r->who.id) {
		hd_res_problem(res, 403, "forbidden", "Forbidden",
			       "only an administrator can change another agent", NULL);
		return;
	}
	if (hd_req_body(r, res, &root))
		return;
	memset(&p, 0, sizeof(p));
	if (hd_in_only(root, fields, "an agent change", &err) ||
	    hd_in_str(root, "name", 0, 1, HD_NAME_MAX, 0, &p.name, &err) ||
	    in_role(root, &p.set_role, &p.role, &err) ||
	    in_password(r, root, &p.password_hash, &err))
		goto fail;
	active = json_object_get(root, "active");
	if (active && !json_is_boolean(active)) {
		hd_err_set(&err, HD_EINVAL, "active", "active must be true or false");
		goto fail;
	}
	p.set_active = active != NULL;
	p.active = json_is_true(active);
	p.set_name = p.name != NULL;
	p.set_password = p.password_hash != NULL;
	if (!admin && (p.set_role || p.set_active)) {
		hd_res_problem(res, 403, "forbidden", "Forbidden",
			       "only an administrator can change roles or deactivate agents",
			       NULL);
		json_decref(root);
		return;
	}
	if (r->ids[0] == r->who.id && ((p.set_active && !p.active) ||
				       (p.set_role && p.role != HD_ROLE_ADMIN && admin))) {
		hd_err_set(&err, HD_ECONFLICT, NULL,
			   "you cannot deactivate yourself or give up your own admin role");
		goto fail;
	}
	if (hd_store_agent_update(r->app->store, r->ids[0], &p, &err))
		goto fail;
	answer_agent(r, res, r->ids[0], 200);
	json_decref(root);
	return;
fail:
	hd_res_err(res, &err);
	json_decref(root);
}

/* ---- tokens -------------------------------------------------------------- */

void hd_h_token_create(struct hd_req *r, struct hd_res *res)
{
	static const char *const fields[] = { "name", "agent_id", NULL };
	struct hd_err err = { 0 };
	char token[64], hash[HD_HASH_HEX_LEN + 1];
	const char *name;
	json_t *root, *aid;
	int64_t agent = r->who.id, id;

	if (hd_req_body(r, res, &root))
		return;
	if (hd_in_only(root, fields, "a token", &err) ||
	    hd_in_str(root, "name", 1, 1, HD_NAME_MAX, 0, &name, &err))
		goto fail;
	aid = json_object_get(root, "agent_id");
	if (aid) {
		if (!json_is_integer(aid) || json_integer_value(aid) <= 0) {
			hd_err_set(&err, HD_EINVAL, "agent_id", "agent_id must be an agent id");
			goto fail;
		}
		agent = json_integer_value(aid);
		if (agent != r->who.id && !hd_req_require_admin(r, res)) {
			json_decref(root);
			return;
		}
	}
	hd_secret_token("hd_", token, sizeof(token));
	hd_secret_sha256_hex(token, strlen(token), hash);
	if (hd_store_token_create(r->app->store, agent, name, hash, &id, &err))
		goto fail;
	hd_res_json(res, 201,
		    json_pack("{s:I,s:I,s:s,s:s}", "id", (json_int_t)id, "agent_id",
			      (json_int_t)agent, "name", name, "token", token));
	json_decref(root);
	return;
fail:
	hd_res_err(res, &err);
	json_decref(root);
}
