/*
 * policy_json.h — business-hours calendars and SLA policies as JSON
 * documents, to and from the domain's structs (domain/calendar.h,
 * domain/sla.h).
 *
 * One document format serves three places: the API's request bodies, the
 * `definition` the store keeps (the canonical form written by
 * hd_calendar_json / hd_sla_policy_json) and the responses (that stored
 * form plus id, position and times). So there is one parser and one writer,
 * shared by the HTTP layer, every store backend (which parse the stored
 * definitions again for the SLA engine) and the fuzzer; the format is
 * described in docs/commitments.md and docs/openapi.yaml.
 *
 * The parsers see outside input: strict and total. Every member is
 * type-checked and capped, unknown members are refused naming them (field),
 * and the result is checked by the domain (hd_cal_validate,
 * hd_sla_policy_validate) before it is returned. Pure apart from
 * hd_calendar_load_zone, which reads the system's zoneinfo (util/tz).
 */
#ifndef HD_STORE_POLICY_JSON_H
#define HD_STORE_POLICY_JSON_H

#include <stdint.h>

#include <jansson.h>

#include "domain/calendar.h"
#include "domain/sla.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/tz.h"

/** Names of calendars and policies: 1 to this many bytes. */
#define HD_POLICY_NAME_MAX (HD_SLA_NAME_MAX - 1)
/** Holidays and closures one calendar may list. */
#define HD_CAL_MAX_HOLIDAYS 1000
#define HD_CAL_MAX_CLOSURES 1000
/** A closure's reason: at most this many bytes. */
#define HD_CAL_REASON_MAX 200
/** Targets and warnings in minutes: 1 to a year (365 days). */
#define HD_SLA_MINUTES_MAX ((int64_t)365 * 24 * 60)

/** A calendar document, parsed. `name`, `time_zone` and `reasons[i]` point
 * into the JSON document; the arrays `cal` refers to (holidays, closures),
 * `reasons` and `zbuf` are in the arena: keep both alive while using it.
 * `cal.zone` is UTC (no transitions) until hd_calendar_load_zone. */
struct hd_calendar_def {
	const char *name;
	const char *time_zone;  /* an IANA name, e.g. "Europe/Berlin" */
	struct hd_calendar cal; /* week, holidays (sorted), closures (sorted) */
	const char **reasons;   /* [cal.nclosures], NULL where none was given */
	struct hd_zone_buf *zbuf; /* NULL until hd_calendar_load_zone */
};

/** Parse the calendar document `doc` (any JSON value; an object is
 * expected) into `*out`, arrays in `a`. Hours are sorted per day, holidays
 * sorted without duplicates, closures sorted; overlaps are refused. 0, or
 * HD_EINVAL naming the member in `err` (hd_cal_validate's "week" is
 * reported as "hours"); HD_ENOMEM when the arena is full. */
int hd_calendar_parse(json_t *doc, struct hd_calendar_def *out, struct hd_arena *a,
		      struct hd_err *err);

/** Load d->time_zone for the instants [from_ms, to_ms] into a zone buffer
 * in `a` (d->zbuf, reused when already there) and point d->cal.zone at it.
 * HD_EINVAL with field "time_zone" for an unknown zone. */
int hd_calendar_load_zone(struct hd_calendar_def *d, int64_t from_ms, int64_t to_ms,
			  struct hd_arena *a, struct hd_err *err);

/** The canonical document of `d` (name, time_zone, hours with all seven
 * days, holidays, closures). A new reference the caller decrefs; NULL when
 * out of memory. */
json_t *hd_calendar_json(const struct hd_calendar_def *d);

/** Parse the policy document `doc` into `*out` (id 0; pause_statuses
 * HD_SLA_DEFAULT_PAUSE when pause_in is absent or null) and its optional
 * "position" into `*position` (0 when absent or null). The policy passed
 * hd_sla_policy_validate. 0, or HD_EINVAL naming the member in `err`.
 * Whether ids (calendar, teams, organizations) exist is the store's check. */
int hd_sla_policy_parse(json_t *doc, struct hd_sla_policy *out, int64_t *position,
			struct hd_err *err);

/** The canonical document of `p` (without position: the store keeps the
 * order). A new reference the caller decrefs; NULL when out of memory. */
json_t *hd_sla_policy_json(const struct hd_sla_policy *p);

#endif
