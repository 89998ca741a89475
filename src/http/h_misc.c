/*
 * h_misc.c — /api/v1/health, /api/v1/search and /api/v1/mail/quarantine.
 */
#include <string.h>

#include "domain/search_query.h"
#include "http/handlers.h"
#include "http/input.h"
#include "http/output.h"
#include "util/timeutil.h"
#include "util/banned.h"

void hd_h_health(struct hd_req *r, struct hd_res *res)
{
	struct hd_err err = { 0 };
	int have = 0, want = 0;

	if (hd_store_ping(r->app->store, &err)) {
		hd_res_problem(res, 503, "unavailable", "Database unavailable", err.msg, NULL);
		return;
	}
	hd_store_schema_version(r->app->store, &have, &want);
	hd_res_json(res, 200,
		    json_pack("{s:s,s:s,s:i,s:I}", "status", "ok", "version", HEED_VERSION,
			      "schema_version", have, "uptime_ms",
			      (json_int_t)(hd_now_ms() - r->app->started_at)));
}

void hd_h_search(struct hd_req *r, struct hd_res *res)
{
	const char *q = hd_req_query(r, "q"), *lim = hd_req_query(r, "limit");
	struct hd_search_hit *hits;
	struct hd_err err = { 0 };
	struct hd_sbuf fts;
	struct hd_jw w;
	size_t n;
	int limit = 20;

	if (!q || !q[0]) {
		hd_err_set(&err, HD_EINVAL, "q", "q (what to search for) is required");
		hd_res_err(res, &err);
		return;
	}
	if (lim) {
		int64_t v;

		if (hd_in_id(lim, "limit", &v, NULL) || v > 100) {
			hd_err_set(&err, HD_EINVAL, "limit", "limit must be a whole number from 1 to 100");
			hd_res_err(res, &err);
			return;
		}
		limit = (int)v;
	}
	hd_sbuf_init(&fts, 8192);
	if (hd_search_query_build(q, &fts, &err) ||
	    hd_store_search(r->app->store, fts.buf, 1, limit, &hits, &n, &r->arena, &err)) {
		hd_res_err(res, &err);
		hd_sbuf_release(&fts);
		return;
	}
	hd_sbuf_release(&fts);
	hd_jw_init(&w, HD_OUT_MAX);
	hd_jw_obj(&w);
	hd_jw_key(&w, "items");
	hd_jw_arr(&w);
	for (size_t i = 0; i < n; i++)
		hd_out_search_hit(&w, &hits[i]);
	hd_jw_arr_end(&w);
	hd_jw_kstr(&w, "q", q);
	hd_jw_obj_end(&w);
	hd_res_jw(res, 200, &w);
}

/* ---- mail quarantine ----------------------------------------------------- */

void hd_h_quarantine_list(struct hd_req *r, struct hd_res *res)
{
	struct hd_quarantined *qs;
	struct hd_err err = { 0 };
	int64_t after, next;
	size_t n;
	int limit;

	if (!hd_req_require_admin(r, res))
		return;
	if (hd_in_page(hd_req_query_fn, r, 50, &after, &limit, &err) ||
	    hd_store_quarantine_list(r->app->store, after, limit, &qs, &n, &next, &r->arena, &err)) {
		hd_res_err(res, &err);
		return;
	}
	HD_RES_PAGE(res, hd_out_quarantined, qs, n, next);
}
