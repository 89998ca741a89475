/*
 * handlers.h — one function per API operation (the router's table lists
 * them with their paths). Each reads the request, calls the store, and
 * answers JSON or a problem; none keeps state between requests.
 */
#ifndef HD_HTTP_HANDLERS_H
#define HD_HTTP_HANDLERS_H

#include "http/http.h"

/* h_tickets.c */
void hd_h_ticket_list(struct hd_req *r, struct hd_res *res);
void hd_h_ticket_create(struct hd_req *r, struct hd_res *res);
void hd_h_ticket_get(struct hd_req *r, struct hd_res *res);
void hd_h_ticket_update(struct hd_req *r, struct hd_res *res);
void hd_h_message_list(struct hd_req *r, struct hd_res *res);
void hd_h_message_create(struct hd_req *r, struct hd_res *res);
void hd_h_event_list(struct hd_req *r, struct hd_res *res);
void hd_h_outbox_list(struct hd_req *r, struct hd_res *res);
void hd_h_attachment_get(struct hd_req *r, struct hd_res *res);
void hd_h_message_html(struct hd_req *r, struct hd_res *res);

/* h_customers.c */
void hd_h_customer_list(struct hd_req *r, struct hd_res *res);
void hd_h_customer_create(struct hd_req *r, struct hd_res *res);
void hd_h_customer_get(struct hd_req *r, struct hd_res *res);
void hd_h_customer_update(struct hd_req *r, struct hd_res *res);
void hd_h_customer_tickets(struct hd_req *r, struct hd_res *res);
void hd_h_identity_add(struct hd_req *r, struct hd_res *res);
void hd_h_identity_remove(struct hd_req *r, struct hd_res *res);
void hd_h_org_list(struct hd_req *r, struct hd_res *res);
void hd_h_org_create(struct hd_req *r, struct hd_res *res);
void hd_h_org_get(struct hd_req *r, struct hd_res *res);

/* h_people.c */
void hd_h_team_list(struct hd_req *r, struct hd_res *res);
void hd_h_team_create(struct hd_req *r, struct hd_res *res);
void hd_h_team_get(struct hd_req *r, struct hd_res *res);
void hd_h_team_update(struct hd_req *r, struct hd_res *res);
void hd_h_agent_list(struct hd_req *r, struct hd_res *res);
void hd_h_agent_create(struct hd_req *r, struct hd_res *res);
void hd_h_agent_me(struct hd_req *r, struct hd_res *res);
void hd_h_agent_get(struct hd_req *r, struct hd_res *res);
void hd_h_agent_update(struct hd_req *r, struct hd_res *res);
void hd_h_token_create(struct hd_req *r, struct hd_res *res);

/* h_session.c */
void hd_h_session_create(struct hd_req *r, struct hd_res *res);
void hd_h_session_get(struct hd_req *r, struct hd_res *res);
void hd_h_session_delete(struct hd_req *r, struct hd_res *res);
void hd_h_sessions_delete(struct hd_req *r, struct hd_res *res);

/* h_policies.c */
void hd_h_calendar_list(struct hd_req *r, struct hd_res *res);
void hd_h_calendar_create(struct hd_req *r, struct hd_res *res);
void hd_h_calendar_get(struct hd_req *r, struct hd_res *res);
void hd_h_calendar_update(struct hd_req *r, struct hd_res *res);
void hd_h_calendar_delete(struct hd_req *r, struct hd_res *res);
void hd_h_calendar_business_time(struct hd_req *r, struct hd_res *res);
void hd_h_sla_policy_list(struct hd_req *r, struct hd_res *res);
void hd_h_sla_policy_create(struct hd_req *r, struct hd_res *res);
void hd_h_sla_policy_get(struct hd_req *r, struct hd_res *res);
void hd_h_sla_policy_update(struct hd_req *r, struct hd_res *res);
void hd_h_sla_policy_delete(struct hd_req *r, struct hd_res *res);

/* h_misc.c */
void hd_h_health(struct hd_req *r, struct hd_res *res);
void hd_h_search(struct hd_req *r, struct hd_res *res);
void hd_h_quarantine_list(struct hd_req *r, struct hd_res *res);

/* h_metrics.c */
void hd_h_metrics_summary(struct hd_req *r, struct hd_res *res);
void hd_h_metrics_first_response(struct hd_req *r, struct hd_res *res);
void hd_h_metrics_next_response(struct hd_req *r, struct hd_res *res);
void hd_h_metrics_resolution(struct hd_req *r, struct hd_res *res);
void hd_h_metrics_sla(struct hd_req *r, struct hd_res *res);
void hd_h_metrics_reopens(struct hd_req *r, struct hd_res *res);
void hd_h_metrics_closes(struct hd_req *r, struct hd_res *res);
void hd_h_metrics_promises(struct hd_req *r, struct hd_res *res);
void hd_h_metrics_backlog(struct hd_req *r, struct hd_res *res);

/* h_promises.c */
void hd_h_promise_create(struct hd_req *r, struct hd_res *res);
void hd_h_ticket_promise_list(struct hd_req *r, struct hd_res *res);
void hd_h_callback_request(struct hd_req *r, struct hd_res *res);
void hd_h_promise_list(struct hd_req *r, struct hd_res *res);
void hd_h_promise_get(struct hd_req *r, struct hd_res *res);
void hd_h_promise_update(struct hd_req *r, struct hd_res *res);

/* h_portal.c */
void hd_h_portal_ticket_create(struct hd_req *r, struct hd_res *res);
void hd_h_portal_ticket_list(struct hd_req *r, struct hd_res *res);
void hd_h_portal_ticket_get(struct hd_req *r, struct hd_res *res);
void hd_h_portal_message_list(struct hd_req *r, struct hd_res *res);
void hd_h_portal_message_create(struct hd_req *r, struct hd_res *res);
void hd_h_portal_confirm(struct hd_req *r, struct hd_res *res);
void hd_h_portal_promise_list(struct hd_req *r, struct hd_res *res);
void hd_h_portal_callback_request(struct hd_req *r, struct hd_res *res);
void hd_h_portal_magic_link(struct hd_req *r, struct hd_res *res);
void hd_h_portal_session_create(struct hd_req *r, struct hd_res *res);
void hd_h_portal_session_get(struct hd_req *r, struct hd_res *res);
void hd_h_portal_session_delete(struct hd_req *r, struct hd_res *res);

/* h_resolution.c */
void hd_h_confirm_page(struct hd_req *r, struct hd_res *res);
void hd_h_confirm_post(struct hd_req *r, struct hd_res *res);
void hd_h_ticket_confirm(struct hd_req *r, struct hd_res *res);

/* live.c, presence.c */
void hd_h_stream(struct hd_req *r, struct hd_res *res);
void hd_h_presence_get(struct hd_req *r, struct hd_res *res);
void hd_h_presence_set(struct hd_req *r, struct hd_res *res);
#ifdef HD_TEST_CLOCK
void hd_h_test_clock(struct hd_req *r, struct hd_res *res);
#endif

/** The query-string lookup for the input parsers (ctx: struct hd_req *). */
const char *hd_req_query_fn(void *ctx, const char *key);

#endif
