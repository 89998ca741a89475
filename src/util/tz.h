/*
 * tz.h — load an IANA time zone (e.g. "Europe/Berlin") as data for the
 * business-hours calendar (domain/calendar.h).
 *
 * Shell side: reads the system's zoneinfo through GLib's GTimeZone. The
 * domain never sees a zone name; it gets the offsets and transitions this
 * module extracts for a range of instants.
 */
#ifndef HD_TZ_H
#define HD_TZ_H

#include <stdint.h>

#include "domain/calendar.h"
#include "util/err.h"

/** Transitions one zone buffer holds: ~2 a year for two centuries. */
#define HD_TZ_MAX_TRANSITIONS 400

/** A loaded zone. `zone.trans` points into `trans` of the same buffer, so a
 * buffer must not be copied by value once loaded (copy `zone` only while
 * the buffer lives). Caller-owned; nothing to free. */
struct hd_zone_buf {
	struct hd_zone zone;
	struct hd_zone_transition trans[HD_TZ_MAX_TRANSITIONS];
};

/** Fill `out` with the zone `iana_name`'s offset changes in [from_ms, to_ms]
 * (to the second) and the offset in force at from_ms as the initial offset.
 * The zone is exact within that range only: before from_ms it reports the
 * offset at from_ms, after to_ms the last offset. HD_EINVAL for an unknown
 * name or from > to; HD_ETOOBIG when the range holds more than
 * HD_TZ_MAX_TRANSITIONS changes. */
int hd_tz_load(const char *iana_name, int64_t from_ms, int64_t to_ms, struct hd_zone_buf *out,
	       struct hd_err *err);

#endif
