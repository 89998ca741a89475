/*
 * router.c — the API's routes: method + path pattern -> handler.
 *
 * A pattern segment "#" matches a positive decimal id (up to 18 digits),
 * stored in r->ids[] in order; "*" matches a token segment (letters, digits,
 * ".", "_", "-"; up to 128), stored in r->word. A path that matches a pattern with another
 * method gets 405 with an Allow header; no match gets 404. Every route but
 * /api/v1/health and signing in needs authentication (auth.c: a Bearer
 * token, or the session cookie plus X-CSRF-Token on writes); the customer
 * portal's routes (/api/v1/portal/) need a customer's portal cookie
 * instead. POSTs carry Idempotency-Key here.
 * A GET that matches no route may be the web app's (static.c).
 */
#include <stdio.h>
#include <string.h>

#include "http/handlers.h"
#include "http/http.h"
#include "http/static.h"
#include "util/secret.h"
#include "util/banned.h"

struct route {
	enum hd_method method;
	const char *pattern;
	hd_handler fn;
	int public; /* no authentication */
};

static const struct route routes[] = {
	{ HD_GET, "/api/v1/health", hd_h_health, 1 },
	{ HD_GET, "/api/v1/tickets", hd_h_ticket_list, 0 },
	{ HD_POST, "/api/v1/tickets", hd_h_ticket_create, 0 },
	{ HD_GET, "/api/v1/tickets/#", hd_h_ticket_get, 0 },
	{ HD_PATCH, "/api/v1/tickets/#", hd_h_ticket_update, 0 },
	{ HD_GET, "/api/v1/tickets/#/messages", hd_h_message_list, 0 },
	{ HD_POST, "/api/v1/tickets/#/messages", hd_h_message_create, 0 },
	{ HD_GET, "/api/v1/tickets/#/events", hd_h_event_list, 0 },
	{ HD_GET, "/api/v1/tickets/#/outbox", hd_h_outbox_list, 0 },
	{ HD_GET, "/api/v1/tickets/#/promises", hd_h_ticket_promise_list, 0 },
	{ HD_POST, "/api/v1/tickets/#/promises", hd_h_promise_create, 0 },
	{ HD_POST, "/api/v1/tickets/#/callback-requests", hd_h_callback_request, 0 },
	{ HD_GET, "/api/v1/promises", hd_h_promise_list, 0 },
	{ HD_GET, "/api/v1/promises/#", hd_h_promise_get, 0 },
	{ HD_PATCH, "/api/v1/promises/#", hd_h_promise_update, 0 },
	{ HD_GET, "/api/v1/attachments/#", hd_h_attachment_get, 0 },
	{ HD_GET, "/api/v1/customers", hd_h_customer_list, 0 },
	{ HD_POST, "/api/v1/customers", hd_h_customer_create, 0 },
	{ HD_GET, "/api/v1/customers/#", hd_h_customer_get, 0 },
	{ HD_PATCH, "/api/v1/customers/#", hd_h_customer_update, 0 },
	{ HD_GET, "/api/v1/customers/#/tickets", hd_h_customer_tickets, 0 },
	{ HD_POST, "/api/v1/customers/#/identities", hd_h_identity_add, 0 },
	{ HD_DELETE, "/api/v1/customers/#/identities/#", hd_h_identity_remove, 0 },
	{ HD_GET, "/api/v1/organizations", hd_h_org_list, 0 },
	{ HD_POST, "/api/v1/organizations", hd_h_org_create, 0 },
	{ HD_GET, "/api/v1/organizations/#", hd_h_org_get, 0 },
	{ HD_GET, "/api/v1/teams", hd_h_team_list, 0 },
	{ HD_POST, "/api/v1/teams", hd_h_team_create, 0 },
	{ HD_GET, "/api/v1/teams/#", hd_h_team_get, 0 },
	{ HD_PATCH, "/api/v1/teams/#", hd_h_team_update, 0 },
	{ HD_GET, "/api/v1/agents", hd_h_agent_list, 0 },
	{ HD_POST, "/api/v1/agents", hd_h_agent_create, 0 },
	{ HD_GET, "/api/v1/agents/me", hd_h_agent_me, 0 },
	{ HD_GET, "/api/v1/agents/#", hd_h_agent_get, 0 },
	{ HD_PATCH, "/api/v1/agents/#", hd_h_agent_update, 0 },
	{ HD_POST, "/api/v1/tokens", hd_h_token_create, 0 },
	{ HD_POST, "/api/v1/session", hd_h_session_create, 1 },
	{ HD_GET, "/api/v1/session", hd_h_session_get, 0 },
	{ HD_DELETE, "/api/v1/session", hd_h_session_delete, 0 },
	{ HD_DELETE, "/api/v1/sessions", hd_h_sessions_delete, 0 },
	{ HD_GET, "/api/v1/calendars", hd_h_calendar_list, 0 },
	{ HD_POST, "/api/v1/calendars", hd_h_calendar_create, 0 },
	{ HD_GET, "/api/v1/calendars/#", hd_h_calendar_get, 0 },
	{ HD_PATCH, "/api/v1/calendars/#", hd_h_calendar_update, 0 },
	{ HD_DELETE, "/api/v1/calendars/#", hd_h_calendar_delete, 0 },
	{ HD_GET, "/api/v1/calendars/#/business-time", hd_h_calendar_business_time, 0 },
	{ HD_GET, "/api/v1/sla-policies", hd_h_sla_policy_list, 0 },
	{ HD_POST, "/api/v1/sla-policies", hd_h_sla_policy_create, 0 },
	{ HD_GET, "/api/v1/sla-policies/#", hd_h_sla_policy_get, 0 },
	{ HD_PATCH, "/api/v1/sla-policies/#", hd_h_sla_policy_update, 0 },
	{ HD_DELETE, "/api/v1/sla-policies/#", hd_h_sla_policy_delete, 0 },
	{ HD_GET, "/api/v1/search", hd_h_search, 0 },
	{ HD_GET, "/api/v1/mail/quarantine", hd_h_quarantine_list, 0 },
	{ HD_GET, "/api/v1/metrics/summary", hd_h_metrics_summary, 0 },
	{ HD_GET, "/api/v1/metrics/first_response", hd_h_metrics_first_response, 0 },
	{ HD_GET, "/api/v1/metrics/next_response", hd_h_metrics_next_response, 0 },
	{ HD_GET, "/api/v1/metrics/resolution", hd_h_metrics_resolution, 0 },
	{ HD_GET, "/api/v1/metrics/sla", hd_h_metrics_sla, 0 },
	{ HD_GET, "/api/v1/metrics/reopens", hd_h_metrics_reopens, 0 },
	{ HD_GET, "/api/v1/metrics/closes", hd_h_metrics_closes, 0 },
	{ HD_GET, "/api/v1/metrics/promises", hd_h_metrics_promises, 0 },
	{ HD_GET, "/api/v1/metrics/backlog", hd_h_metrics_backlog, 0 },
	{ HD_POST, "/api/v1/tickets/#/confirmation", hd_h_ticket_confirm, 0 },
	{ HD_GET, "/api/v1/messages/#/html", hd_h_message_html, 0 },
	{ HD_POST, "/api/v1/portal/tickets", hd_h_portal_ticket_create, 1 },
	{ HD_GET, "/api/v1/portal/tickets", hd_h_portal_ticket_list, 0 },
	{ HD_GET, "/api/v1/portal/tickets/#", hd_h_portal_ticket_get, 0 },
	{ HD_GET, "/api/v1/portal/tickets/#/messages", hd_h_portal_message_list, 0 },
	{ HD_POST, "/api/v1/portal/tickets/#/messages", hd_h_portal_message_create, 0 },
	{ HD_POST, "/api/v1/portal/tickets/#/confirmation", hd_h_portal_confirm, 0 },
	{ HD_GET, "/api/v1/portal/tickets/#/promises", hd_h_portal_promise_list, 0 },
	{ HD_POST, "/api/v1/portal/tickets/#/callback-requests", hd_h_portal_callback_request, 0 },
	{ HD_POST, "/api/v1/portal/magic-link", hd_h_portal_magic_link, 1 },
	{ HD_POST, "/api/v1/portal/session", hd_h_portal_session_create, 1 },
	{ HD_GET, "/api/v1/portal/session", hd_h_portal_session_get, 0 },
	{ HD_DELETE, "/api/v1/portal/session", hd_h_portal_session_delete, 0 },
	{ HD_GET, "/api/v1/stream", hd_h_stream, 0 },
	{ HD_GET, "/api/v1/tickets/#/presence", hd_h_presence_get, 0 },
	{ HD_POST, "/api/v1/tickets/#/presence", hd_h_presence_set, 0 },
	{ HD_GET, "/confirm/*", hd_h_confirm_page, 1 },
	{ HD_POST, "/confirm/*", hd_h_confirm_post, 1 },
#ifdef HD_TEST_CLOCK
	{ HD_POST, "/api/v1/test/clock", hd_h_test_clock, 0 },
#endif
};

#define NROUTES (sizeof(routes) / sizeof(routes[0]))

/* Match `path` against `pattern`, collecting ids. 1 on a match. */
static int match(const char *pattern, const char *path, int64_t *ids, char *word)
{
	int nid = 0;

	while (*pattern && *path) {
		if (*pattern == '*') {
			size_t n = strspn(path, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
						"0123456789._-");

			if (n == 0 || n > 128)
				return 0;
			memcpy(word, path, n);
			word[n] = '\0';
			path += n;
			pattern++;
			continue;
		}
		if (*pattern == '#') {
			int64_t v = 0;
			int digits = 0;

			while (*path >= '0' && *path <= '9' && digits < 18) {
				v = v * 10 + (*path - '0');
				path++;
				digits++;
			}
			if (!digits || (*path >= '0' && *path <= '9') || v <= 0 || nid == 3)
				return 0;
			ids[nid++] = v;
			pattern++;
			continue;
		}
		if (*pattern != *path)
			return 0;
		pattern++;
		path++;
	}
	if (*path == '/' && path[1] == '\0')
		path++; /* a trailing slash is forgiven */
	return *pattern == '\0' && *path == '\0';
}

/* Routes under /api/v1/portal/ that are not public are a customer's: only
 * the portal cookie signs them in (auth.c hd_auth_customer). */
static int is_portal(const char *pattern)
{
	return !strncmp(pattern, "/api/v1/portal/", 15);
}

static const char *method_name(enum hd_method m)
{
	static const char *const names[] = { "GET", "HEAD", "POST", "PATCH", "PUT", "DELETE",
					     "OPTIONS", "?" };
	return names[m];
}

/* Idempotency-Key: remember it with a hash of the request. 0, or answered. */
static int idempotency(struct hd_req *r, struct hd_res *res)
{
	const char *key = hd_req_header(r, "Idempotency-Key");
	struct hd_sbuf sb;
	size_t n;

	if (!key)
		return 0;
	n = strlen(key);
	if (n == 0 || n > 255) {
		hd_res_problem(res, 400, "malformed", "Malformed request",
			       "Idempotency-Key must have 1 to 255 characters", "Idempotency-Key");
		return -1;
	}
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)key[i] < 0x21 || (unsigned char)key[i] > 0x7e) {
			hd_res_problem(res, 400, "malformed", "Malformed request",
				       "Idempotency-Key must be printable ASCII without spaces",
				       "Idempotency-Key");
			return -1;
		}
	hd_sbuf_init(&sb, r->body.len + 4096);
	if (hd_sbuf_addf(&sb, "%s %s\n", method_name(r->method), r->path) ||
	    hd_sbuf_add(&sb, r->body.buf, r->body.len)) {
		hd_sbuf_release(&sb);
		hd_res_problem(res, 413, "too-big", "Too large", "request too large", NULL);
		return -1;
	}
	hd_secret_sha256_hex(sb.buf, sb.len, r->request_hash);
	hd_sbuf_release(&sb);
	r->idem.key = key;
	/* Customers' keys are kept apart from agents' (negative ids); the
	 * public portal form's are all under 0. */
	r->idem.agent_id = r->who.kind == HD_AUTHOR_CUSTOMER ? -r->who.id : r->who.id;
	r->idem.request_hash = r->request_hash;
	return 0;
}

void hd_route(struct hd_req *r, struct hd_res *res)
{
	enum hd_method m = r->method == HD_HEAD ? HD_GET : r->method;
	char allow[64] = "";
	int path_known = 0;

	for (size_t i = 0; i < NROUTES; i++) {
		int64_t ids[3] = { 0, 0, 0 };

		if (!match(routes[i].pattern, r->path, ids, r->word))
			continue;
		path_known = 1;
		if (routes[i].method != m) {
			size_t o = strlen(allow);

			snprintf(allow + o, sizeof(allow) - o, "%s%s", o ? ", " : "",
				 method_name(routes[i].method));
			continue;
		}
		memcpy(r->ids, ids, sizeof(ids));
		if (!routes[i].public && (is_portal(routes[i].pattern) ? hd_auth_customer(r, res)
								       : hd_auth(r, res)))
			return;
		if (m == HD_POST && idempotency(r, res))
			return;
		routes[i].fn(r, res);
		return;
	}
	if (path_known) {
		static __thread char allow_hdr[64];

		snprintf(allow_hdr, sizeof(allow_hdr), "%s", allow);
		res->allow = allow_hdr;
		hd_res_problem(res, 405, "method-not-allowed", "Method not allowed",
			       "this resource does not support that method", NULL);
		return;
	}
	if (m == HD_GET && hd_static_serve(r, res)) /* the web app: /, /tickets/12, /assets/... */
		return;
	hd_res_problem(res, 404, "not-found", "Not found", "there is no such resource", NULL);
}
