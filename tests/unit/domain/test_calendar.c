/*
 * test_calendar.c — domain/calendar: business-hours arithmetic on hand-picked
 * edge cases (weekends, holidays, closures, midnight, year end, DST in
 * Berlin, New York and Lord Howe, 24/7, never open), and a property test
 * against a brute-force minute-by-minute reference over random calendars.
 * Zones come from util/tz (GLib's zoneinfo), loaded once for 2025..2028.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "domain/calendar.h"
#include "util/tz.h"

#define MIN ((int64_t)60000)
#define HOUR (60 * MIN)
#define DAY (24 * HOUR)

enum { Z_UTC, Z_BERLIN, Z_NEW_YORK, Z_LORD_HOWE, Z__COUNT };
static const char *const zone_names[Z__COUNT] = {"Etc/UTC", "Europe/Berlin", "America/New_York",
						 "Australia/Lord_Howe"};
static struct hd_zone_buf zones[Z__COUNT];

/* UTC instant of a calendar date and time (timegm is not C11; do it by hand). */
static int64_t utc(int y, int mo, int d, int h, int mi)
{
	int64_t days = 0;

	for (int yy = 1970; yy < y; yy++)
		days += (yy % 4 == 0 && yy % 100 != 0) || yy % 400 == 0 ? 366 : 365;
	for (int m = 1; m < mo; m++) {
		static const int dim[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

		days += dim[m - 1] + (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0));
	}
	days += d - 1;
	return days * DAY + h * HOUR + mi * MIN;
}

static int load_zones(void **state)
{
	(void)state;
	for (int i = 0; i < Z__COUNT; i++) {
		struct hd_err err = {0};

		if (hd_tz_load(zone_names[i], utc(2025, 1, 1, 0, 0), utc(2029, 1, 1, 0, 0),
			       &zones[i], &err) != 0) {
			fprintf(stderr, "# %s: %s\n", zone_names[i], err.msg);
			return -1;
		}
	}
	return 0;
}

/* A calendar in zone `z` open [start, end) local minutes on the weekdays in
 * `mask` (bit 0 = Monday). */
static struct hd_calendar cal_of(int z, int start, int end, unsigned mask)
{
	struct hd_calendar c;

	memset(&c, 0, sizeof(c));
	c.zone = zones[z].zone;
	for (int d = 0; d < 7; d++) {
		if (!(mask & (1u << d)))
			continue;
		c.week[d][0].start = (int16_t)start;
		c.week[d][0].end = (int16_t)end;
		c.nintervals[d] = 1;
	}
	assert_int_equal(hd_cal_validate(&c, NULL), 0);
	return c;
}

#define WEEKDAYS 0x1fu
#define ALLDAYS 0x7fu

static int64_t add(const struct hd_calendar *c, int64_t t, int64_t minutes)
{
	int64_t out = -1;

	assert_int_equal(hd_cal_add_minutes(c, t, minutes, &out), 0);
	return out;
}

static int64_t between(const struct hd_calendar *c, int64_t a, int64_t b)
{
	int64_t out = -1;

	assert_int_equal(hd_cal_minutes_between(c, a, b, &out), 0);
	return out;
}

/* ---- zones ---------------------------------------------------------------- */

static void zones_load_from_zoneinfo(void **state)
{
	struct hd_zone_buf buf;
	struct hd_err err = {0};
	const struct hd_zone *b = &zones[Z_BERLIN].zone;

	(void)state;
	assert_int_equal(hd_tz_load("Nowhere/Atlantis", 0, DAY, &buf, &err), HD_EINVAL);
	assert_string_equal(err.field, "time_zone");
	assert_int_equal(hd_tz_load("Europe/Berlin", DAY, 0, &buf, NULL), HD_EINVAL);
	assert_int_equal(zones[Z_UTC].zone.ntrans, 0);
	assert_int_equal(b->initial_offset_s, 3600);
	assert_int_equal(b->ntrans, 8); /* two a year, 2025..2028 */
	assert_int_equal(b->trans[2].at_ms, utc(2026, 3, 29, 1, 0));
	assert_int_equal(b->trans[2].offset_s, 7200);
	assert_int_equal(b->trans[3].at_ms, utc(2026, 10, 25, 1, 0));
	assert_int_equal(b->trans[3].offset_s, 3600);
	assert_int_equal(hd_zone_offset_at(b, utc(2026, 3, 29, 1, 0) - 1), 3600);
	assert_int_equal(hd_zone_offset_at(b, utc(2026, 3, 29, 1, 0)), 7200);
	assert_int_equal(hd_zone_offset_at(&zones[Z_LORD_HOWE].zone, utc(2026, 7, 1, 0, 0)),
			 37800);
	assert_int_equal(hd_zone_offset_at(&zones[Z_LORD_HOWE].zone, utc(2026, 12, 1, 0, 0)),
			 39600);
}

/* ---- validation ----------------------------------------------------------- */

static void validation_names_the_problem(void **state)
{
	struct hd_calendar c = cal_of(Z_UTC, 540, 1020, WEEKDAYS);
	struct hd_cal_date bad_date[] = {{2026, 2, 30}};
	struct hd_cal_date unsorted[] = {{2026, 12, 25}, {2026, 1, 1}};
	struct hd_cal_date leap[] = {{2028, 2, 29}};
	struct hd_cal_range bad_range[] = {{10, 10}};
	struct hd_cal_range overlap[] = {{0, 100}, {50, 200}};
	struct hd_cal_range touching[] = {{0, 100}, {100, 200}};
	struct hd_zone_transition unsorted_tr[] = {{100, 0}, {100, 3600}};
	struct hd_err err = {0};

	(void)state;
	c.week[0][1] = (struct hd_cal_interval){1000, 1100}; /* overlaps 540-1020 */
	c.nintervals[0] = 2;
	assert_int_equal(hd_cal_validate(&c, &err), HD_EINVAL);
	assert_string_equal(err.field, "week");
	c.week[0][1] = (struct hd_cal_interval){100, 200}; /* before 540-1020 */
	assert_int_equal(hd_cal_validate(&c, NULL), HD_EINVAL);
	c.week[0][1] = (struct hd_cal_interval){1020, 1441}; /* past midnight */
	assert_int_equal(hd_cal_validate(&c, NULL), HD_EINVAL);
	c.week[0][1] = (struct hd_cal_interval){1100, 1100}; /* empty */
	assert_int_equal(hd_cal_validate(&c, NULL), HD_EINVAL);
	c.week[0][1] = (struct hd_cal_interval){1020, 1440}; /* touching is fine */
	assert_int_equal(hd_cal_validate(&c, NULL), 0);
	c.nintervals[1] = 9;
	assert_int_equal(hd_cal_validate(&c, NULL), HD_EINVAL);
	c.nintervals[1] = 1;

	hd_err_clear(&err);
	c.holidays = bad_date;
	c.nholidays = 1;
	assert_int_equal(hd_cal_validate(&c, &err), HD_EINVAL);
	assert_string_equal(err.field, "holidays");
	assert_non_null(strstr(err.msg, "2026-02-30"));
	c.holidays = unsorted;
	c.nholidays = 2;
	assert_int_equal(hd_cal_validate(&c, NULL), HD_EINVAL);
	c.holidays = leap;
	c.nholidays = 1;
	assert_int_equal(hd_cal_validate(&c, NULL), 0);

	hd_err_clear(&err);
	c.closures = bad_range;
	c.nclosures = 1;
	assert_int_equal(hd_cal_validate(&c, &err), HD_EINVAL);
	assert_string_equal(err.field, "closures");
	c.closures = overlap;
	c.nclosures = 2;
	assert_int_equal(hd_cal_validate(&c, NULL), HD_EINVAL);
	c.closures = touching;
	assert_int_equal(hd_cal_validate(&c, NULL), 0);

	hd_err_clear(&err);
	c.zone.trans = unsorted_tr;
	c.zone.ntrans = 2;
	assert_int_equal(hd_cal_validate(&c, &err), HD_EINVAL);
	assert_string_equal(err.field, "zone");
	c.zone.ntrans = 0;
	c.zone.initial_offset_s = 86400;
	assert_int_equal(hd_cal_validate(&c, NULL), HD_EINVAL);
}

/* ---- hand-picked cases ---------------------------------------------------- */

static void friday_evening_rolls_to_monday(void **state)
{
	struct hd_calendar c = cal_of(Z_UTC, 9 * 60, 17 * 60, WEEKDAYS);
	int64_t fri17 = utc(2026, 11, 20, 17, 0), out;

	(void)state;
	assert_int_equal(add(&c, fri17, 30), utc(2026, 11, 23, 9, 30));
	assert_int_equal(add(&c, utc(2026, 11, 20, 16, 45), 30), utc(2026, 11, 23, 9, 15));
	/* time that runs out exactly at closing ends there, not on Monday */
	assert_int_equal(add(&c, utc(2026, 11, 20, 16, 30), 30), fri17);
	/* a start mid-minute counts the partial minute exactly */
	assert_int_equal(add(&c, fri17 - 29500, 1), utc(2026, 11, 23, 9, 0) + 30500);
	/* 0 minutes: the next open instant */
	assert_int_equal(add(&c, fri17, 0), utc(2026, 11, 23, 9, 0));
	assert_int_equal(add(&c, fri17 - 1, 0), fri17 - 1);
	assert_int_equal(hd_cal_is_open(&c, fri17 - 1), 1);
	assert_int_equal(hd_cal_is_open(&c, fri17), 0);
	assert_int_equal(hd_cal_is_open(&c, utc(2026, 11, 23, 9, 0)), 1);
	assert_int_equal(hd_cal_next_open(&c, utc(2026, 11, 21, 12, 0), &out), 0);
	assert_int_equal(out, utc(2026, 11, 23, 9, 0));
	/* a whole week is 5 x 8 hours; 40 hours later is the same time */
	assert_int_equal(between(&c, utc(2026, 11, 23, 0, 0), utc(2026, 11, 30, 0, 0)), 40 * HOUR);
	assert_int_equal(add(&c, utc(2026, 11, 24, 11, 0), 40 * 60), utc(2026, 12, 1, 11, 0));
	assert_int_equal(between(&c, fri17 - 1500, utc(2026, 11, 23, 9, 0) + 7), 1507);
	assert_int_equal(between(&c, fri17, fri17), 0);
	assert_int_equal(hd_cal_minutes_between(&c, fri17, fri17 - 1, &out), HD_EINVAL);
	assert_int_equal(hd_cal_add_minutes(&c, fri17, -1, &out), HD_EINVAL);
}

static void holidays_close_the_whole_local_day(void **state)
{
	struct hd_calendar c = cal_of(Z_UTC, 9 * 60, 17 * 60, WEEKDAYS);
	struct hd_cal_date hol[] = {{2026, 11, 23}, {2026, 11, 24}};

	(void)state;
	c.holidays = hol;
	c.nholidays = 1;
	assert_int_equal(add(&c, utc(2026, 11, 20, 17, 0), 30), utc(2026, 11, 24, 9, 30));
	c.nholidays = 2;
	assert_int_equal(add(&c, utc(2026, 11, 20, 17, 0), 30), utc(2026, 11, 25, 9, 30));
	assert_int_equal(hd_cal_is_open(&c, utc(2026, 11, 24, 12, 0)), 0);
	assert_int_equal(between(&c, utc(2026, 11, 23, 0, 0), utc(2026, 11, 30, 0, 0)), 24 * HOUR);

	/* a holiday is a local date: in New York it ends at 05:00 UTC */
	c = cal_of(Z_NEW_YORK, 0, 1440, ALLDAYS);
	c.holidays = hol;
	c.nholidays = 1;
	assert_int_equal(hd_cal_is_open(&c, utc(2026, 11, 23, 12, 0)), 0);
	assert_int_equal(hd_cal_is_open(&c, utc(2026, 11, 24, 4, 59)), 0);
	assert_int_equal(hd_cal_is_open(&c, utc(2026, 11, 24, 5, 0)), 1);
	assert_int_equal(hd_cal_is_open(&c, utc(2026, 11, 23, 4, 59)), 1);
}

static void closures_cut_intervals(void **state)
{
	struct hd_calendar c = cal_of(Z_UTC, 9 * 60, 17 * 60, WEEKDAYS);
	struct hd_cal_range cl[] = {
		{utc(2026, 11, 24, 10, 0), utc(2026, 11, 24, 12, 0)},
		{utc(2026, 11, 25, 16, 0), utc(2026, 11, 26, 10, 0)},
	};

	(void)state;
	c.closures = cl;
	c.nclosures = 2;
	assert_int_equal(add(&c, utc(2026, 11, 24, 9, 0), 120), utc(2026, 11, 24, 13, 0));
	assert_int_equal(hd_cal_is_open(&c, utc(2026, 11, 24, 11, 0)), 0);
	assert_int_equal(hd_cal_is_open(&c, utc(2026, 11, 24, 12, 0)), 1);
	assert_int_equal(add(&c, utc(2026, 11, 24, 10, 30), 0), utc(2026, 11, 24, 12, 0));
	/* a closure across the night: Wednesday 15:30 + 60 = Thursday 10:30 */
	assert_int_equal(add(&c, utc(2026, 11, 25, 15, 30), 60), utc(2026, 11, 26, 10, 30));
	assert_int_equal(between(&c, utc(2026, 11, 24, 0, 0), utc(2026, 11, 27, 0, 0)),
			 (6 + 7 + 7) * HOUR);
}

static void overnight_shift_crosses_midnight(void **state)
{
	struct hd_calendar c = cal_of(Z_UTC, 22 * 60, 1440, 0x1u); /* Monday 22:00-24:00 */

	(void)state;
	c.week[1][0] = (struct hd_cal_interval){0, 6 * 60}; /* Tuesday 00:00-06:00 */
	c.nintervals[1] = 1;
	assert_int_equal(hd_cal_validate(&c, NULL), 0);
	assert_int_equal(add(&c, utc(2026, 11, 23, 23, 30), 60), utc(2026, 11, 24, 0, 30));
	assert_int_equal(add(&c, utc(2026, 11, 23, 23, 30), 30), utc(2026, 11, 24, 0, 0));
	assert_int_equal(hd_cal_is_open(&c, utc(2026, 11, 24, 0, 0)), 1);
	assert_int_equal(between(&c, utc(2026, 11, 23, 21, 0), utc(2026, 11, 24, 7, 0)), 8 * HOUR);
	assert_int_equal(add(&c, utc(2026, 11, 24, 5, 0), 120), utc(2026, 11, 30, 23, 0));
}

static void year_end_and_holiday(void **state)
{
	struct hd_calendar c = cal_of(Z_BERLIN, 9 * 60, 17 * 60, ALLDAYS);
	struct hd_cal_date hol[] = {{2026, 12, 25}, {2027, 1, 1}};

	(void)state;
	c.holidays = hol;
	c.nholidays = 2;
	/* 31 Dec 16:00 CET + 2 h: one hour on the 31st, 1 Jan closed, 2 Jan 10:00 */
	assert_int_equal(add(&c, utc(2026, 12, 31, 15, 0), 120), utc(2027, 1, 2, 9, 0));
	assert_int_equal(between(&c, utc(2026, 12, 31, 0, 0), utc(2027, 1, 3, 0, 0)), 16 * HOUR);
}

static void berlin_spring_forward(void **state)
{
	/* Sunday 29 March 2026: 02:00 CET becomes 03:00 CEST (01:00 UTC) */
	struct hd_calendar c = cal_of(Z_BERLIN, 60, 300, 1u << 6); /* Sundays 01:00-05:00 */
	int64_t out;

	(void)state;
	/* 01:00 CET = 00:00 UTC .. 05:00 CEST = 03:00 UTC: 3 real hours */
	assert_int_equal(between(&c, utc(2026, 3, 28, 0, 0), utc(2026, 3, 30, 0, 0)), 3 * HOUR);
	assert_int_equal(between(&c, utc(2026, 3, 21, 0, 0), utc(2026, 3, 23, 0, 0)), 4 * HOUR);
	assert_int_equal(add(&c, utc(2026, 3, 29, 0, 30), 60), utc(2026, 3, 29, 1, 30));
	assert_int_equal(add(&c, utc(2026, 3, 29, 0, 30), 150), utc(2026, 3, 29, 3, 0));
	assert_int_equal(add(&c, utc(2026, 3, 29, 0, 30), 151), utc(2026, 4, 4, 23, 1));

	/* an interval wholly inside the gap never happens that day */
	c = cal_of(Z_BERLIN, 120, 180, 1u << 6);
	assert_int_equal(hd_cal_next_open(&c, utc(2026, 3, 28, 0, 0), &out), 0);
	assert_int_equal(out, utc(2026, 4, 5, 0, 0)); /* 02:00 CEST a week later */
	assert_int_equal(between(&c, utc(2026, 3, 28, 0, 0), utc(2026, 3, 30, 0, 0)), 0);

	/* partly inside: 02:15-03:30 opens at 03:00 CEST */
	c = cal_of(Z_BERLIN, 135, 210, 1u << 6);
	assert_int_equal(hd_cal_next_open(&c, utc(2026, 3, 29, 0, 0), &out), 0);
	assert_int_equal(out, utc(2026, 3, 29, 1, 0));
	assert_int_equal(add(&c, utc(2026, 3, 29, 0, 0), 30), utc(2026, 3, 29, 1, 30));
	assert_int_equal(add(&c, utc(2026, 3, 29, 0, 0), 31), utc(2026, 4, 5, 0, 16));
}

static void berlin_fall_back(void **state)
{
	/* Sunday 25 October 2026: 03:00 CEST becomes 02:00 CET (01:00 UTC) */
	struct hd_calendar c = cal_of(Z_BERLIN, 60, 300, 1u << 6);

	(void)state;
	/* 01:00 CEST = 23:00 UTC (Sat) .. 05:00 CET = 04:00 UTC: 5 real hours */
	assert_int_equal(between(&c, utc(2026, 10, 24, 0, 0), utc(2026, 10, 26, 0, 0)), 5 * HOUR);
	assert_int_equal(add(&c, utc(2026, 10, 24, 23, 0), 300), utc(2026, 10, 25, 4, 0));
	/* the repeated hour counts twice: 02:00-03:00 is open 00:00-02:00 UTC */
	c = cal_of(Z_BERLIN, 120, 180, 1u << 6);
	assert_int_equal(between(&c, utc(2026, 10, 24, 0, 0), utc(2026, 10, 26, 0, 0)), 2 * HOUR);
	assert_int_equal(add(&c, utc(2026, 10, 25, 0, 0), 90), utc(2026, 10, 25, 1, 30));
	assert_int_equal(hd_cal_is_open(&c, utc(2026, 10, 25, 0, 59)), 1);
	assert_int_equal(hd_cal_is_open(&c, utc(2026, 10, 25, 1, 0)), 1);
	assert_int_equal(hd_cal_is_open(&c, utc(2026, 10, 25, 2, 0)), 0);
}

static void new_york_dst(void **state)
{
	struct hd_calendar c = cal_of(Z_NEW_YORK, 9 * 60, 17 * 60, WEEKDAYS);

	(void)state;
	/* Friday 6 March 16:30 EST + 60 = Monday 9 March 09:30 EDT */
	assert_int_equal(add(&c, utc(2026, 3, 6, 21, 30), 60), utc(2026, 3, 9, 13, 30));
	/* Friday 30 October 16:30 EDT + 60 = Monday 2 November 09:30 EST */
	assert_int_equal(add(&c, utc(2026, 10, 30, 20, 30), 60), utc(2026, 11, 2, 14, 30));
	assert_int_equal(hd_cal_is_open(&c, utc(2026, 7, 1, 13, 0)), 1);
	assert_int_equal(hd_cal_is_open(&c, utc(2026, 12, 1, 13, 0)), 0);
}

static void lord_howe_half_hour_dst(void **state)
{
	struct hd_calendar c = cal_of(Z_LORD_HOWE, 60, 180, ALLDAYS); /* 01:00-03:00 */

	(void)state;
	/* 4 October 2026: 02:00 +10:30 becomes 02:30 +11: 90 minutes open */
	assert_int_equal(between(&c, utc(2026, 10, 3, 12, 0), utc(2026, 10, 4, 12, 0)), 90 * MIN);
	assert_int_equal(add(&c, utc(2026, 10, 3, 14, 30), 60), utc(2026, 10, 3, 15, 30));
	assert_int_equal(add(&c, utc(2026, 10, 3, 14, 30), 75), utc(2026, 10, 3, 15, 45));
	/* 5 April 2026: 02:00 +11 becomes 01:30 +10:30: 150 minutes open */
	assert_int_equal(between(&c, utc(2026, 4, 4, 12, 0), utc(2026, 4, 5, 12, 0)), 150 * MIN);
	assert_int_equal(add(&c, utc(2026, 4, 4, 14, 0), 150), utc(2026, 4, 4, 16, 30));
}

static void open_all_week(void **state)
{
	struct hd_calendar c = cal_of(Z_BERLIN, 0, 1440, ALLDAYS);
	int64_t t = utc(2026, 3, 1, 12, 34) + 567, out;

	(void)state;
	assert_int_equal(hd_cal_is_open(&c, t), 1);
	assert_int_equal(add(&c, t, 0), t);
	assert_int_equal(add(&c, t, 1), t + MIN);
	assert_int_equal(add(&c, t, 365 * 1440), t + 365 * DAY);
	assert_int_equal(between(&c, t, t + 400 * DAY), 400 * DAY);
	assert_int_equal(hd_cal_next_open(&c, t, &out), 0);
	assert_int_equal(out, t);
}

static void never_open(void **state)
{
	struct hd_calendar c = cal_of(Z_BERLIN, 0, 1440, 0);
	struct hd_cal_range all[] = {{utc(2025, 1, 1, 0, 0), utc(2030, 1, 1, 0, 0)}};
	int64_t out = 42;

	(void)state;
	assert_int_equal(hd_cal_next_open(&c, utc(2026, 1, 1, 0, 0), &out), HD_ENOTFOUND);
	assert_int_equal(hd_cal_add_minutes(&c, utc(2026, 1, 1, 0, 0), 0, &out), HD_ENOTFOUND);
	assert_int_equal(hd_cal_add_minutes(&c, utc(2026, 1, 1, 0, 0), 5, &out), HD_ENOTFOUND);
	assert_int_equal(out, 42);
	assert_int_equal(between(&c, utc(2026, 1, 1, 0, 0), utc(2027, 1, 1, 0, 0)), 0);
	assert_int_equal(hd_cal_is_open(&c, utc(2026, 1, 1, 0, 0)), 0);

	/* open every day, but closed by one long closure */
	c = cal_of(Z_UTC, 0, 1440, ALLDAYS);
	c.closures = all;
	c.nclosures = 1;
	assert_int_equal(hd_cal_next_open(&c, utc(2026, 1, 1, 0, 0), &out), HD_ENOTFOUND);
	assert_int_equal(hd_cal_next_open(&c, utc(2028, 3, 1, 0, 0), &out), 0);
	assert_int_equal(out, utc(2030, 1, 1, 0, 0));
}

/* ---- brute-force reference ------------------------------------------------ */

/* Open at t? Straight from the definition in calendar.h, with libc's
 * gmtime_r for the date and linear scans for everything else. Exact for
 * calendars whose open set changes only on whole UTC minutes. */
static int ref_open(const struct hd_calendar *c, int64_t t)
{
	int32_t off = c->zone.initial_offset_s;
	int64_t l, day, mod;
	time_t secs;
	struct tm tm;
	int w;

	for (size_t i = 0; i < c->zone.ntrans; i++)
		if (c->zone.trans[i].at_ms <= t)
			off = c->zone.trans[i].offset_s;
	for (size_t i = 0; i < c->nclosures; i++)
		if (c->closures[i].from_ms <= t && t < c->closures[i].to_ms)
			return 0;
	l = t + (int64_t)off * 1000;
	day = l / DAY - (l % DAY < 0);
	mod = (l - day * DAY) / MIN;
	secs = (time_t)(day * 86400);
	gmtime_r(&secs, &tm);
	w = (tm.tm_wday + 6) % 7;
	for (size_t i = 0; i < c->nholidays; i++)
		if (c->holidays[i].year == tm.tm_year + 1900 &&
		    c->holidays[i].month == tm.tm_mon + 1 && c->holidays[i].day == tm.tm_mday)
			return 0;
	for (unsigned i = 0; i < c->nintervals[w]; i++)
		if (c->week[w][i].start <= mod && mod < c->week[w][i].end)
			return 1;
	return 0;
}

static int64_t next_minute(int64_t t)
{
	return (t / MIN - (t % MIN < 0)) * MIN + MIN;
}

/* 0 and *out, or 1 when the answer is more than `cap` minutes of real time away. */
static int ref_next_open(const struct hd_calendar *c, int64_t t, int cap, int64_t *out)
{
	for (int i = 0; i < cap; i++, t = next_minute(t)) {
		if (ref_open(c, t)) {
			*out = t;
			return 0;
		}
	}
	return 1;
}

static int ref_add(const struct hd_calendar *c, int64_t t, int64_t minutes, int cap,
		   int64_t *out)
{
	int64_t left = minutes * MIN;

	if (minutes == 0)
		return ref_next_open(c, t, cap, out);
	for (int i = 0; i < cap; i++) {
		int64_t nb = next_minute(t);

		if (ref_open(c, t)) {
			if (left <= nb - t) {
				*out = t + left;
				return 0;
			}
			left -= nb - t;
		}
		t = nb;
	}
	return 1;
}

static int64_t ref_between(const struct hd_calendar *c, int64_t a, int64_t b)
{
	int64_t total = 0;

	while (a < b) {
		int64_t nb = next_minute(a) < b ? next_minute(a) : b;

		if (ref_open(c, a))
			total += nb - a;
		a = nb;
	}
	return total;
}

/* ---- property test -------------------------------------------------------- */

static uint64_t rng_state = 0x9e3779b97f4a7c15u;

static uint64_t rnd(uint64_t n)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return n ? rng_state % n : 0;
}

static int cmp_i16(const void *a, const void *b)
{
	return *(const int16_t *)a - *(const int16_t *)b;
}

/* A local minute, often near the hours where DST changes happen. */
static int16_t rnd_minute(void)
{
	if (rnd(2))
		return (int16_t)(rnd(10) * 30); /* 00:00 .. 04:30 on the half hour */
	return (int16_t)rnd(1441);
}

static void random_week(struct hd_calendar *c)
{
	for (int d = 0; d < 7; d++) {
		int16_t pts[2 * 4];
		unsigned n = (unsigned)rnd(5), k = 0;

		if (rnd(8) == 0) { /* all day */
			c->week[d][0] = (struct hd_cal_interval){0, 1440};
			c->nintervals[d] = 1;
			continue;
		}
		for (unsigned i = 0; i < 2 * n; i++)
			pts[i] = rnd_minute();
		qsort(pts, 2 * n, sizeof(pts[0]), cmp_i16);
		for (unsigned i = 0; i + 1 < 2 * n; i += 2) {
			int16_t s = pts[i], e = pts[i + 1];

			if (s >= e || (k > 0 && s < c->week[d][k - 1].end))
				continue;
			c->week[d][k++] = (struct hd_cal_interval){s, e};
		}
		c->nintervals[d] = (uint8_t)k;
	}
}

/* An instant in 2026..2027, often within days of one of the zone's changes. */
static int64_t rnd_instant(const struct hd_zone *z)
{
	int64_t base = utc(2026, 1, 1, 0, 0), t;

	if (z->ntrans && rnd(2))
		t = z->trans[rnd(z->ntrans)].at_ms - 2 * DAY + (int64_t)rnd(4 * 24 * 60) * MIN;
	else
		t = base + (int64_t)rnd(700 * 24 * 60) * MIN;
	return rnd(3) ? t + (int64_t)rnd(60000) : t;
}

#define PROP_CALENDARS 500
#define PROP_QUERIES 4
#define REF_CAP (6 * 24 * 60) /* reference walks at most 6 days */

static void matches_minute_by_minute_reference(void **state)
{
	int checked = 0, skipped = 0;

	(void)state;
	for (int n = 0; n < PROP_CALENDARS; n++) {
		struct hd_calendar c;
		struct hd_cal_date hol[4];
		struct hd_cal_range cl[3];
		size_t nh = 0, nc = 0;
		struct hd_err err = {0};
		int64_t focus;

		memset(&c, 0, sizeof(c));
		c.zone = zones[rnd(Z__COUNT)].zone;
		random_week(&c);
		/* everything happens within days of one focus instant, often a DST change */
		focus = rnd_instant(&c.zone);
		for (int i = (int)rnd(4); i > 0; i--) { /* sorted, distinct dates near focus */
			time_t secs = (time_t)((focus / DAY - 3 + (int64_t)rnd(3) + 3 * (int64_t)nh) * 86400);
			struct tm tm;

			gmtime_r(&secs, &tm);
			hol[nh++] = (struct hd_cal_date){(int16_t)(tm.tm_year + 1900),
							 (int8_t)(tm.tm_mon + 1), (int8_t)tm.tm_mday};
		}
		for (int i = (int)rnd(4); i > 0 && nc < 3; i--) { /* minute-aligned */
			int64_t from = (focus / MIN - 2 * 24 * 60 + (int64_t)rnd(4 * 24 * 60)) * MIN;
			int64_t to = from + (int64_t)(1 + rnd(rnd(2) ? 120 : 24 * 60)) * MIN;

			if (nc && from < cl[nc - 1].to_ms)
				continue;
			cl[nc++] = (struct hd_cal_range){from, to};
		}
		c.holidays = hol;
		c.nholidays = nh;
		c.closures = cl;
		c.nclosures = nc;
		if (hd_cal_validate(&c, &err) != 0)
			fail_msg("calendar %d invalid: %s", n, err.msg);

		for (int q = 0; q < PROP_QUERIES; q++) {
			int64_t a = focus - 2 * DAY + (int64_t)rnd(3 * DAY), b, got, want;
			int64_t minutes = rnd(4) ? (int64_t)rnd(600) : (int64_t)rnd(3000);
			int rc;

			assert_int_equal(hd_cal_is_open(&c, a), ref_open(&c, a));
			b = a + (int64_t)rnd(3 * 24 * 60 * 60) * 1000 + (int64_t)rnd(1000);
			assert_int_equal(hd_cal_minutes_between(&c, a, b, &got), 0);
			want = ref_between(&c, a, b);
			if (got != want)
				fail_msg("calendar %d: between(%lld, %lld) = %lld, reference %lld", n,
					 (long long)a, (long long)b, (long long)got,
					 (long long)want);
			if (ref_add(&c, a, minutes, REF_CAP, &want) != 0) {
				skipped++;
				continue;
			}
			rc = hd_cal_add_minutes(&c, a, minutes, &got);
			if (rc != 0 || got != want)
				fail_msg("calendar %d: add(%lld, %lld) = %d %lld, reference %lld", n,
					 (long long)a, (long long)minutes, rc, (long long)got,
					 (long long)want);
			/* and back: the business time from a to the answer is the duration */
			assert_int_equal(between(&c, a, got), minutes * MIN);
			checked++;
		}
	}
	printf("# %d add/between comparisons, %d add comparisons skipped (reference cap)\n",
	       checked, skipped);
	assert_true(checked > PROP_CALENDARS);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(zones_load_from_zoneinfo),
		cmocka_unit_test(validation_names_the_problem),
		cmocka_unit_test(friday_evening_rolls_to_monday),
		cmocka_unit_test(holidays_close_the_whole_local_day),
		cmocka_unit_test(closures_cut_intervals),
		cmocka_unit_test(overnight_shift_crosses_midnight),
		cmocka_unit_test(year_end_and_holiday),
		cmocka_unit_test(berlin_spring_forward),
		cmocka_unit_test(berlin_fall_back),
		cmocka_unit_test(new_york_dst),
		cmocka_unit_test(lord_howe_half_hour_dst),
		cmocka_unit_test(open_all_week),
		cmocka_unit_test(never_open),
		cmocka_unit_test(matches_minute_by_minute_reference),
	};

	return cmocka_run_group_tests(tests, load_zones, NULL);
}
