/*
 * output.h — the JSON form of heed's records, as the API documents them
 * (docs/openapi.yaml), written with the streaming writer (jsonw.h).
 *
 * Each hd_out_<record>() writes one JSON object as the next value in `w`.
 * The HD_RES_* macros make a whole response out of one record or a page of
 * them ({"items": [...], "next_after": cursor-or-null}).
 */
#ifndef HD_HTTP_OUTPUT_H
#define HD_HTTP_OUTPUT_H

#include "http/http.h"
#include "http/jsonw.h"
#include "store/model.h"

/** Cap on one response body. */
#define HD_OUT_MAX ((size_t)1 << 30)

void hd_out_ticket(struct hd_jw *w, const struct hd_ticket *t);
void hd_out_message(struct hd_jw *w, const struct hd_message *m);
void hd_out_customer(struct hd_jw *w, const struct hd_customer *c);
void hd_out_identity(struct hd_jw *w, const struct hd_identity *i);
void hd_out_org(struct hd_jw *w, const struct hd_organization *o);
void hd_out_team(struct hd_jw *w, const struct hd_team *t);
void hd_out_agent(struct hd_jw *w, const struct hd_agent *a);
void hd_out_event(struct hd_jw *w, const struct hd_event *e);
void hd_out_outbox(struct hd_jw *w, const struct hd_outbox_item *o);
void hd_out_quarantined(struct hd_jw *w, const struct hd_quarantined *q);
void hd_out_search_hit(struct hd_jw *w, const struct hd_search_hit *h);

/** Answer `status` with the document in `w` (its buffer is handed over;
 * a document that overflowed its cap answers a problem instead). */
void hd_res_jw(struct hd_res *res, unsigned status, struct hd_jw *w);

/** Answer 201 with `w`, a Location and the Idempotent-Replayed header. */
void hd_res_created(struct hd_req *r, struct hd_res *res, struct hd_jw *w, const char *location);

/* Answer `status` with record `rec` written by `fn`. */
#define HD_RES_ONE(res, status, fn, rec)                                                       \
	do {                                                                                   \
		struct hd_jw w_;                                                               \
		hd_jw_init(&w_, HD_OUT_MAX);                                                   \
		fn(&w_, rec);                                                                  \
		hd_res_jw(res, status, &w_);                                                   \
	} while (0)

/* Answer 201 (or a replay) with record `rec`, at `loc`. */
#define HD_RES_CREATED(r, res, fn, rec, loc)                                                   \
	do {                                                                                   \
		struct hd_jw w_;                                                               \
		hd_jw_init(&w_, HD_OUT_MAX);                                                   \
		fn(&w_, rec);                                                                  \
		hd_res_created(r, res, &w_, loc);                                              \
	} while (0)

/* Answer 200 with a page of the `n` records in `arr`. */
#define HD_RES_PAGE(res, fn, arr, n, next)                                                     \
	do {                                                                                   \
		struct hd_jw w_;                                                               \
		hd_jw_init(&w_, HD_OUT_MAX);                                                   \
		hd_jw_obj(&w_);                                                                \
		hd_jw_key(&w_, "items");                                                       \
		hd_jw_arr(&w_);                                                                \
		for (size_t i_ = 0; i_ < (n); i_++)                                            \
			fn(&w_, &(arr)[i_]);                                                   \
		hd_jw_arr_end(&w_);                                                            \
		hd_jw_kid(&w_, "next_after", next);                                            \
		hd_jw_obj_end(&w_);                                                            \
		hd_res_jw(res, 200, &w_);                                                      \
	} while (0)

#endif
