/*
 * output.h — the JSON form of heed's records, as the API documents them
 * (docs/openapi.yaml). Each function returns a new reference the caller
 * owns (or NULL when out of memory).
 */
#ifndef HD_HTTP_OUTPUT_H
#define HD_HTTP_OUTPUT_H

#include <jansson.h>

#include "store/model.h"

json_t *hd_out_time(int64_t ms);
json_t *hd_out_ticket(const struct hd_ticket *t);
json_t *hd_out_message(const struct hd_message *m);
json_t *hd_out_customer(const struct hd_customer *c);
json_t *hd_out_identity(const struct hd_identity *i);
json_t *hd_out_org(const struct hd_organization *o);
json_t *hd_out_team(const struct hd_team *t);
json_t *hd_out_agent(const struct hd_agent *a);
json_t *hd_out_event(const struct hd_event *e);
json_t *hd_out_outbox(const struct hd_outbox_item *o);
json_t *hd_out_search_hit(const struct hd_search_hit *h);

/** {"items": items, "next_after": next or null}; consumes `items`. */
json_t *hd_out_page(json_t *items, int64_t next);

#endif
