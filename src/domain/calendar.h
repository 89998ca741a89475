/*
 * calendar.h — business-hours arithmetic: is a calendar open at an instant,
 * when does it next open, the instant N business minutes after a start, and
 * the business time between two instants.
 *
 * A calendar is data: a time zone (its UTC offsets as a sorted list of
 * transitions, loaded by the shell with hd_tz_load in util/tz.h), a weekly
 * schedule in local wall-clock minutes, holidays as local dates, and one-off
 * closures as UTC ranges. Every array is owned by the caller and only read
 * here; nothing is allocated, copied or kept. Pure: no I/O, no clock reads —
 * every instant is a parameter (int64 ms since the Unix epoch, UTC).
 *
 * What "open" means (the one definition everything else follows from):
 * an instant t is open when, at t, the local wall clock (t + the zone's
 * offset in force at t) shows a weekday and time of day inside one of that
 * weekday's intervals, the local date is not a holiday, and t lies in no
 * closure. Business time is real elapsed time spent open. Consequences at
 * daylight-saving changes:
 *  - spring forward (a gap): local times that never occur are never open, so
 *    an interval 01:00-05:00 on a day that skips 02:00-03:00 gives 3 hours;
 *  - fall back (an overlap): the repeated local hour is open twice in real
 *    time, so 01:00-05:00 on a day that repeats 02:00-03:00 gives 5 hours.
 *
 * The functions walk open spans interval by interval and day by day (never
 * minute by minute), so each call costs about one step per open interval or
 * closed day it crosses. Searches give up after HD_CAL_HORIZON_MS of closed
 * time in a row (HD_ENOTFOUND). Instants must lie within ±HD_CAL_MAX_ABS_MS.
 *
 * Calendars should pass hd_cal_validate first; the other functions assert the
 * structural limits (counts) and otherwise give unspecified (but memory-safe)
 * answers for an invalid calendar.
 */
#ifndef HD_DOMAIN_CALENDAR_H
#define HD_DOMAIN_CALENDAR_H

#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

/** A calendar that stays closed this long from a start is "never open". */
#define HD_CAL_HORIZON_MS ((int64_t)732 * 86400000)
/** Instants accepted by the functions: about ±285,000 years. */
#define HD_CAL_MAX_ABS_MS ((int64_t)1 << 53)
/** Open intervals per weekday. */
#define HD_CAL_MAX_INTERVALS 8

/* ---- time zone -------------------------------------------------------- */

/** From instant `at_ms` (UTC) on, the zone's local time is UTC + `offset_s`. */
struct hd_zone_transition {
	int64_t at_ms;
	int32_t offset_s;
};

/** A time zone as data. `trans` (caller-owned, may be NULL when `ntrans` is
 * 0) is sorted by strictly increasing `at_ms`; before the first transition
 * the offset is `initial_offset_s`. A fixed-offset zone has no transitions.
 * Offsets are below one day in magnitude. */
struct hd_zone {
	int32_t initial_offset_s;
	const struct hd_zone_transition *trans;
	size_t ntrans;
};

/** The zone's UTC offset in seconds in force at `t_ms`. */
int32_t hd_zone_offset_at(const struct hd_zone *z, int64_t t_ms);

/* ---- calendar --------------------------------------------------------- */

/** Open from local minute-of-day `start` (inclusive) to `end` (exclusive),
 * 0 <= start < end <= 1440. An overnight shift is two intervals on two days
 * (e.g. Monday 1320-1440 and Tuesday 0-360). */
struct hd_cal_interval {
	int16_t start;
	int16_t end;
};

/** A local calendar date (proleptic Gregorian), e.g. {2026, 12, 25}. */
struct hd_cal_date {
	int16_t year;
	int8_t month;
	int8_t day;
};

/** A one-off closure: closed for UTC instants in [from_ms, to_ms). */
struct hd_cal_range {
	int64_t from_ms;
	int64_t to_ms;
};

/** A business-hours calendar. Every pointer is caller-owned and read only.
 *  - `week[d][0 .. nintervals[d])`: the open intervals of weekday d
 *    (0 = Monday .. 6 = Sunday), sorted, not overlapping (touching is fine);
 *  - `holidays`: local dates closed all day, strictly increasing;
 *  - `closures`: sorted by `from_ms`, not overlapping, from < to. */
struct hd_calendar {
	struct hd_zone zone;
	struct hd_cal_interval week[7][HD_CAL_MAX_INTERVALS];
	uint8_t nintervals[7];
	const struct hd_cal_date *holidays;
	size_t nholidays;
	const struct hd_cal_range *closures;
	size_t nclosures;
};

/** Check the zone, schedule, holidays and closures. 0, or HD_EINVAL with the
 * reason in `err` (field "zone", "week", "holidays" or "closures"). */
int hd_cal_validate(const struct hd_calendar *cal, struct hd_err *err);

/** 1 when `cal` is open at `t_ms`, else 0 (also for an out-of-range t). */
int hd_cal_is_open(const struct hd_calendar *cal, int64_t t_ms);

/** The first open instant at or after `t_ms` (t itself when open) into
 * `*out`. HD_ENOTFOUND when closed for HD_CAL_HORIZON_MS from t;
 * HD_EINVAL when t is out of range. */
int hd_cal_next_open(const struct hd_calendar *cal, int64_t t_ms, int64_t *out);

/** The earliest instant at which `minutes` business minutes (exactly
 * minutes * 60000 ms of open time) have elapsed since `start_ms` into
 * `*out`; a start inside a minute counts the partial minute exactly. When
 * the time runs out at the very end of an open span the answer is that end
 * (Friday 16:30 + 30 min = Friday 17:00, not Monday). 0 minutes gives the
 * next open instant. HD_EINVAL for negative minutes or out-of-range input;
 * HD_ENOTFOUND when the calendar stays closed for HD_CAL_HORIZON_MS. */
int hd_cal_add_minutes(const struct hd_calendar *cal, int64_t start_ms, int64_t minutes,
		       int64_t *out);

/** As hd_cal_add_minutes for `ms` milliseconds of open time. */
int hd_cal_add_ms(const struct hd_calendar *cal, int64_t start_ms, int64_t ms, int64_t *out);

/** The open time in ms within [a_ms, b_ms) into `*out_ms` (0 for a never-open
 * calendar). HD_EINVAL when a > b or either is out of range. */
int hd_cal_minutes_between(const struct hd_calendar *cal, int64_t a_ms, int64_t b_ms,
			   int64_t *out_ms);

#endif
