/*
 * presence.c — who has a ticket open, for collision notices: an agent says
 * "viewing", "replying" or "left" (POST /api/v1/tickets/{id}/presence) and
 * everyone reads it (GET) or hears it on the stream (`event: presence`).
 *
 * Kept in memory only, each entry for PRESENCE_TTL_MS after its last POST
 * (a client repeats it while the ticket stays open); a server restart
 * forgets it all, which is right for something this fleeting. At most
 * PRESENCE_MAX entries; beyond that a POST answers 503.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/handlers.h"
#include "http/http.h"
#include "http/live.h"
#include "http/jsonw.h"
#include "util/timeutil.h"
#include "util/banned.h"

#define PRESENCE_TTL_MS 60000
#define PRESENCE_MAX 4096

struct presence {
	int64_t ticket_id, agent_id;
	char name[128];
	const char *state; /* "viewing" or "replying" (static) */
	int64_t since;     /* wall clock ms: when this state began */
	int64_t expires;   /* monotonic ms */
};

static struct presence table[PRESENCE_MAX];
static size_t ntable;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;

/* Push one change on the live stream. */
static void push(struct hd_live *lv, int64_t tid, int64_t aid, const char *name,
		 const char *state)
{
	json_t *o = json_pack("{sI sI ss ss}", "ticket_id", (json_int_t)tid, "agent_id",
			      (json_int_t)aid, "agent_name", name, "state", state);
	char *text = o ? json_dumps(o, JSON_COMPACT) : NULL;

	if (text)
		hd_live_push_presence(lv, tid, text);
	free(text);
	json_decref(o);
}

void hd_presence_expire(struct hd_live *lv)
{
	struct presence gone[64];
	size_t ngone = 0;
	int64_t now = hd_mono_ms();

	pthread_mutex_lock(&mu);
	for (size_t i = 0; i < ntable && ngone < 64;) {
		if (table[i].expires > now) {
			i++;
			continue;
		}
		gone[ngone++] = table[i];
		table[i] = table[--ntable];
	}
	pthread_mutex_unlock(&mu);
	for (size_t i = 0; i < ngone; i++)
		push(lv, gone[i].ticket_id, gone[i].agent_id, gone[i].name, "left");
}

void hd_presence_clear(void)
{
	pthread_mutex_lock(&mu);
	ntable = 0;
	pthread_mutex_unlock(&mu);
}

/* The ticket in the path must exist: 0, or answered 404. */
static int ticket_exists(struct hd_req *r, struct hd_res *res)
{
	struct hd_ticket t;
	struct hd_err err = { 0 };

	if (hd_store_ticket_get(r->app->store, r->ids[0], &t, &r->arena, &err)) {
		hd_res_err(res, &err);
		return -1;
	}
	return 0;
}

/* Answer ticket r->ids[0]'s presence: others first, then the caller. */
static void answer(struct hd_req *r, struct hd_res *res)
{
	json_t *items = json_array(), *mine = NULL;
	int64_t now = hd_mono_ms();

	pthread_mutex_lock(&mu);
	for (size_t i = 0; i < ntable; i++) {
		const struct presence *p = &table[i];
		char since[HD_RFC3339_LEN];
		json_t *o;

		if (p->ticket_id != r->ids[0] || p->expires <= now)
			continue;
		o = json_pack("{sI ss ss ss sb}", "agent_id", (json_int_t)p->agent_id, "agent_name",
			      p->name, "state", p->state, "since", hd_time_format(p->since, since),
			      "me", p->agent_id == r->who.id);
		if (p->agent_id == r->who.id)
			mine = o;
		else
			json_array_append_new(items, o);
	}
	pthread_mutex_unlock(&mu);
	if (mine)
		json_array_append_new(items, mine);
	hd_res_json(res, 200, json_pack("{so}", "items", items));
}

void hd_h_presence_get(struct hd_req *r, struct hd_res *res)
{
	if (ticket_exists(r, res))
		return;
	answer(r, res);
}

void hd_h_presence_set(struct hd_req *r, struct hd_res *res)
{
	static const char *const states[] = { "viewing", "replying", "left" };
	struct hd_agent ag;
	struct hd_err err = { 0 };
	const char *state = NULL, *given;
	json_t *root;
	size_t i;
	int changed = 0;

	if (hd_req_body(r, res, &root))
		return;
	given = json_string_value(json_object_get(root, "state"));
	for (i = 0; given && i < 3; i++)
		if (!strcmp(given, states[i]))
			state = states[i];
	json_decref(root);
	if (!state) {
		hd_err_set(&err, HD_EINVAL, "state", "state must be viewing, replying or left");
		hd_res_err(res, &err);
		return;
	}
	if (ticket_exists(r, res))
		return;
	if (hd_store_agent_get(r->app->store, r->who.id, &ag, &r->arena, &err)) {
		hd_res_err(res, &err);
		return;
	}
	pthread_mutex_lock(&mu);
	for (i = 0; i < ntable; i++)
		if (table[i].ticket_id == r->ids[0] && table[i].agent_id == r->who.id)
			break;
	if (state == states[2]) { /* left */
		if (i < ntable) {
			table[i] = table[--ntable];
			changed = 1;
		}
	} else {
		if (i == ntable) {
			if (ntable == PRESENCE_MAX) {
				pthread_mutex_unlock(&mu);
				hd_res_problem(res, 503, "unavailable", "Too many presences",
					       "too many agents are present on tickets; retry later",
					       NULL);
				return;
			}
			memset(&table[ntable++], 0, sizeof(table[0]));
			table[i].ticket_id = r->ids[0];
			table[i].agent_id = r->who.id;
		}
		if (table[i].state != state) {
			table[i].state = state;
			table[i].since = hd_now_ms();
			changed = 1;
		}
		snprintf(table[i].name, sizeof(table[i].name), "%s", ag.name ? ag.name : "");
		table[i].expires = hd_mono_ms() + PRESENCE_TTL_MS;
	}
	pthread_mutex_unlock(&mu);
	if (changed)
		push(r->app->live, r->ids[0], r->who.id, ag.name ? ag.name : "", state);
	answer(r, res);
}
