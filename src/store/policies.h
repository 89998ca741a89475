/*
 * policies.h — the store's interface for business-hours calendars and SLA
 * policies (part of store.h, which includes it).
 *
 * Both are kept as their JSON documents in canonical form
 * (store/policy_json.h): the store parses and checks what it is given, and
 * keeps nothing it could not parse back. Names are unique without regard to
 * case. Policies are ordered by `position`, 1..n without gaps: a ticket gets
 * the first policy that matches (domain/sla.h), so the order is part of the
 * configuration and every write keeps it dense.
 *
 * Rules of store.h apply: errors are 0 or a negative HD_E* code with the
 * reason in `err`; records come back with their strings in the caller's
 * arena. Every write here also tells the SLA engine to reload its parsed
 * configuration (hd_sla_config_get in store/sqlite/internal.h).
 */
#ifndef HD_STORE_POLICIES_H
#define HD_STORE_POLICIES_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "util/arena.h"
#include "util/err.h"

struct hd_store;
struct hd_idem;

/** A stored calendar or SLA policy: `definition` is its canonical document
 * (JSON text without id, position and times), the name repeated from it;
 * `position` counts from 1 for policies and is 0 for calendars. */
struct hd_def_rec {
	int64_t id;
	const char *name;
	int64_t position;
	const char *definition;
	int64_t created_at;
	int64_t updated_at;
};

/* ---- calendars --------------------------------------------------------- */

/** Create a calendar from its document `doc` (the API's body; borrowed).
 * HD_EINVAL for a document hd_calendar_parse refuses or an unknown time
 * zone (field time_zone); HD_ECONFLICT for a name in use. */
int hd_store_calendar_create(struct hd_store *st, json_t *doc, struct hd_idem *idem, int64_t *id,
			     struct hd_err *err);

/** Replace the members of calendar `id` that `patch` (an object; borrowed)
 * gives; null resets a member to its default, where it has one. The result
 * is checked like a new calendar. HD_ENOTFOUND when there is none. */
int hd_store_calendar_update(struct hd_store *st, int64_t id, json_t *patch,
			     struct hd_err *err);

/** Delete calendar `id`. HD_ECONFLICT while a policy counts in it. */
int hd_store_calendar_delete(struct hd_store *st, int64_t id, struct hd_err *err);

int hd_store_calendar_get(struct hd_store *st, int64_t id, struct hd_def_rec *out,
			  struct hd_arena *a, struct hd_err *err);

/** Every calendar, by name. */
int hd_store_calendar_list(struct hd_store *st, struct hd_def_rec **out, size_t *n,
			   struct hd_arena *a, struct hd_err *err);

/* ---- SLA policies ------------------------------------------------------ */

/** Create a policy from its document `doc` (borrowed) at its "position"
 * (moving those from there one down; past the end or absent: last).
 * HD_EINVAL for a document hd_sla_policy_parse refuses or an id that names
 * no calendar, team or organization; HD_ECONFLICT for a name in use. */
int hd_store_sla_policy_create(struct hd_store *st, json_t *doc, struct hd_idem *idem,
			       int64_t *id, struct hd_err *err);

/** Replace the members of policy `id` that `patch` gives (as for
 * calendars); a "position" moves it and renumbers the others. */
int hd_store_sla_policy_update(struct hd_store *st, int64_t id, json_t *patch,
			       struct hd_err *err);

/** Delete policy `id`; the ones after it move up. Tickets it covered get
 * another policy at their next change. */
int hd_store_sla_policy_delete(struct hd_store *st, int64_t id, struct hd_err *err);

int hd_store_sla_policy_get(struct hd_store *st, int64_t id, struct hd_def_rec *out,
			    struct hd_arena *a, struct hd_err *err);

/** Every policy, in order. */
int hd_store_sla_policy_list(struct hd_store *st, struct hd_def_rec **out, size_t *n,
			     struct hd_arena *a, struct hd_err *err);

/* ---- team leads --------------------------------------------------------
 * The lead of a team is whom SLA warnings and breaches are mailed to
 * (notify_lead). These extend hd_store_team_create/_update (store.h, whose
 * teams section they belong in) and are implemented with them in people.c.
 */

/** hd_store_team_create, with agent `lead_id` (an active agent; 0: none)
 * as the lead, in the same transaction: HD_EINVAL (field lead_id) for an
 * unknown or inactive agent, and nothing is created. */
int hd_store_team_create_led(struct hd_store *st, const char *name, const int64_t *members,
			     size_t nmembers, int64_t lead_id, struct hd_idem *idem, int64_t *id,
			     struct hd_err *err);

/** hd_store_team_update, and with `set_lead` also the lead (`lead_id` an
 * active agent; 0 clears it), all or nothing. */
int hd_store_team_update_led(struct hd_store *st, int64_t id, const char *name,
			     const int64_t *members, size_t nmembers, int set_lead, int64_t lead_id,
			     struct hd_err *err);

#endif
