/*
 * calendar.c — business-hours arithmetic (see calendar.h for the meaning of
 * "open" across DST changes).
 *
 * Everything is built on one step, next_span(): the first open span [a, b)
 * at or after t. It is found in three layers:
 *  - local_next(): the next weekly interval on a non-holiday date, in local
 *    time (ms since the epoch as if local were UTC), day by day;
 *  - sched_span(): the same in UTC, one zone piece (constant offset between
 *    two transitions) at a time, clipped to the piece;
 *  - next_span(): minus the closures.
 * Spans may be fragments of one longer open stretch (cut at midnight or at a
 * transition); callers just keep stepping.
 */
#include <assert.h>

#include "domain/calendar.h"
#include "util/banned.h"

#define DAY_MS ((int64_t)86400000)
#define MIN_MS ((int64_t)60000)

/* ---- dates -------------------------------------------------------------- */

static int64_t floordiv(int64_t a, int64_t b)
{
	int64_t q = a / b;

	return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

/* The date of day number `z` packed as year * 10000 + month * 100 + day. */
static int64_t civil_key(int64_t z)
{
	int64_t era, doe, yoe, y, doy, mp, d, m;

	z += 719468;
	era = floordiv(z, 146097);
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	d = doy - (153 * mp + 2) / 5 + 1;
	m = mp < 10 ? mp + 3 : mp - 9;
	y += m <= 2;
	return y * 10000 + m * 100 + d;
}

static int64_t date_key(const struct hd_cal_date *d)
{
	return (int64_t)d->year * 10000 + d->month * 100 + d->day;
}

static int is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int y, int m)
{
	static const int dim[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

	return m == 2 && is_leap(y) ? 29 : dim[m - 1];
}

static int is_holiday(const struct hd_calendar *cal, int64_t day)
{
	int64_t key = civil_key(day);
	size_t lo = 0, hi = cal->nholidays;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int64_t k = date_key(&cal->holidays[mid]);

		if (k == key)
			return 1;
		if (k < key)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

/* ---- zone ----------------------------------------------------------------- */

/* Index of the first transition after t (ntrans when none). */
static size_t zone_next_index(const struct hd_zone *z, int64_t t)
{
	size_t lo = 0, hi = z->ntrans;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (z->trans[mid].at_ms <= t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

int32_t hd_zone_offset_at(const struct hd_zone *z, int64_t t_ms)
{
	size_t i = zone_next_index(z, t_ms);

	return i == 0 ? z->initial_offset_s : z->trans[i - 1].offset_s;
}

/* ---- spans -------------------------------------------------------------- */

/* The first open local span [*ls, *le) with *le > l whose start is before
 * `limit` (all local ms). 0 or HD_ENOTFOUND. */
static int local_next(const struct hd_calendar *cal, int64_t l, int64_t limit, int64_t *ls,
		      int64_t *le)
{
	int64_t day = floordiv(l, DAY_MS);

	for (; day * DAY_MS < limit; day++) {
		int64_t base = day * DAY_MS;
		int w = (int)((day % 7 + 7 + 3) % 7); /* 1970-01-01 was a Thursday */
		unsigned n = cal->nintervals[w];

		assert(n <= HD_CAL_MAX_INTERVALS);
		if (n == 0 || is_holiday(cal, day))
			continue;
		for (unsigned i = 0; i < n; i++) {
			int64_t s = base + cal->week[w][i].start * MIN_MS;
			int64_t e = base + cal->week[w][i].end * MIN_MS;

			if (e <= l)
				continue;
			if (s >= limit)
				return HD_ENOTFOUND;
			*ls = s;
			*le = e;
			return 0;
		}
	}
	return HD_ENOTFOUND;
}

/* The first open span of the schedule (holidays included, closures not)
 * with end > t, start clipped to >= t and < limit. 0 or HD_ENOTFOUND. */
static int sched_span(const struct hd_calendar *cal, int64_t t, int64_t limit, int64_t *a,
		      int64_t *b)
{
	const struct hd_zone *z = &cal->zone;

	while (t < limit) {
		size_t i = zone_next_index(z, t);
		int64_t off = (int64_t)(i == 0 ? z->initial_offset_s : z->trans[i - 1].offset_s) *
			      1000;
		int64_t piece_end = i < z->ntrans ? z->trans[i].at_ms : INT64_MAX;
		int64_t stop = piece_end < limit ? piece_end : limit;
		int64_t ls, le;

		if (local_next(cal, t + off, stop + off, &ls, &le) == 0) {
			*a = ls - off > t ? ls - off : t;
			*b = le - off < piece_end ? le - off : piece_end;
			return 0;
		}
		t = stop;
	}
	return HD_ENOTFOUND;
}

/* Index of the first closure with to_ms > t. */
static size_t closure_index(const struct hd_calendar *cal, int64_t t)
{
	size_t lo = 0, hi = cal->nclosures;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (cal->closures[mid].to_ms <= t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The first open span [*a, *b) with *b > t, *a >= t and *a < limit. */
static int next_span(const struct hd_calendar *cal, int64_t t, int64_t limit, int64_t *a,
		     int64_t *b)
{
	while (t < limit) {
		int64_t sa, sb;
		size_t ci;

		if (sched_span(cal, t, limit, &sa, &sb) < 0)
			return HD_ENOTFOUND;
		ci = closure_index(cal, sa);
		if (ci < cal->nclosures && cal->closures[ci].from_ms <= sa) {
			t = cal->closures[ci].to_ms; /* closed from sa to there */
			continue;
		}
		if (ci < cal->nclosures && cal->closures[ci].from_ms < sb)
			sb = cal->closures[ci].from_ms;
		*a = sa;
		*b = sb;
		return 0;
	}
	return HD_ENOTFOUND;
}

static int in_range(int64_t t)
{
	return t >= -HD_CAL_MAX_ABS_MS && t <= HD_CAL_MAX_ABS_MS;
}

/* ---- public ------------------------------------------------------------- */

int hd_cal_validate(const struct hd_calendar *cal, struct hd_err *err)
{
	const struct hd_zone *z = &cal->zone;

	if (z->ntrans && !z->trans)
		return hd_err_set(err, HD_EINVAL, "zone", "transitions are missing");
	for (size_t i = 0; i <= z->ntrans; i++) {
		int32_t off = i == 0 ? z->initial_offset_s : z->trans[i - 1].offset_s;

		if (off <= -86400 || off >= 86400)
			return hd_err_set(err, HD_EINVAL, "zone", "offset %ld s is a day or more",
					  (long)off);
		if (i > 0 && !in_range(z->trans[i - 1].at_ms))
			return hd_err_set(err, HD_EINVAL, "zone", "transition %zu is out of range",
					  i - 1);
		if (i > 1 && z->trans[i - 1].at_ms <= z->trans[i - 2].at_ms)
			return hd_err_set(err, HD_EINVAL, "zone",
					  "transitions are not in increasing order at %zu", i - 1);
	}
	for (int d = 0; d < 7; d++) {
		if (cal->nintervals[d] > HD_CAL_MAX_INTERVALS)
			return hd_err_set(err, HD_EINVAL, "week",
					  "weekday %d has more than %d intervals", d,
					  HD_CAL_MAX_INTERVALS);
		for (unsigned i = 0; i < cal->nintervals[d]; i++) {
			const struct hd_cal_interval *iv = &cal->week[d][i];

			if (iv->start < 0 || iv->end > 1440 || iv->start >= iv->end)
				return hd_err_set(err, HD_EINVAL, "week",
						  "weekday %d interval %u: need 0 <= start < end "
						  "<= 1440 minutes",
						  d, i);
			if (i > 0 && iv->start < cal->week[d][i - 1].end)
				return hd_err_set(err, HD_EINVAL, "week",
						  "weekday %d interval %u overlaps or precedes the "
						  "one before",
						  d, i);
		}
	}
	if (cal->nholidays && !cal->holidays)
		return hd_err_set(err, HD_EINVAL, "holidays", "holidays are missing");
	for (size_t i = 0; i < cal->nholidays; i++) {
		const struct hd_cal_date *h = &cal->holidays[i];

		if (h->year < 1 || h->month < 1 || h->month > 12 || h->day < 1 ||
		    h->day > days_in_month(h->year, h->month))
			return hd_err_set(err, HD_EINVAL, "holidays",
					  "holiday %zu (%d-%02d-%02d) is not a date", i, h->year,
					  h->month, h->day);
		if (i > 0 && date_key(h) <= date_key(&cal->holidays[i - 1]))
			return hd_err_set(err, HD_EINVAL, "holidays",
					  "holiday %zu is not after the one before", i);
	}
	if (cal->nclosures && !cal->closures)
		return hd_err_set(err, HD_EINVAL, "closures", "closures are missing");
	for (size_t i = 0; i < cal->nclosures; i++) {
		const struct hd_cal_range *c = &cal->closures[i];

		if (!in_range(c->from_ms) || !in_range(c->to_ms) || c->from_ms >= c->to_ms)
			return hd_err_set(err, HD_EINVAL, "closures",
					  "closure %zu: need from < to, within range", i);
		if (i > 0 && c->from_ms < cal->closures[i - 1].to_ms)
			return hd_err_set(err, HD_EINVAL, "closures",
					  "closure %zu overlaps or precedes the one before", i);
	}
	return 0;
}

int hd_cal_is_open(const struct hd_calendar *cal, int64_t t_ms)
{
	int64_t a, b;

	if (!in_range(t_ms))
		return 0;
	return next_span(cal, t_ms, t_ms + 1, &a, &b) == 0 && a == t_ms;
}

int hd_cal_next_open(const struct hd_calendar *cal, int64_t t_ms, int64_t *out)
{
	int64_t a, b;
	int rc;

	if (!in_range(t_ms))
		return HD_EINVAL;
	rc = next_span(cal, t_ms, t_ms + HD_CAL_HORIZON_MS, &a, &b);
	if (rc == 0)
		*out = a;
	return rc;
}

int hd_cal_add_ms(const struct hd_calendar *cal, int64_t start_ms, int64_t ms, int64_t *out)
{
	int64_t left = ms, t = start_ms;

	if (!in_range(start_ms) || ms < 0 || ms > HD_CAL_MAX_ABS_MS)
		return HD_EINVAL;
	if (ms == 0)
		return hd_cal_next_open(cal, start_ms, out);
	for (;;) {
		int64_t a, b;

		if (!in_range(t))
			return HD_EINVAL;
		if (next_span(cal, t, t + HD_CAL_HORIZON_MS, &a, &b) < 0)
			return HD_ENOTFOUND;
		if (left <= b - a) {
			*out = a + left;
			return 0;
		}
		left -= b - a;
		t = b;
	}
}

int hd_cal_add_minutes(const struct hd_calendar *cal, int64_t start_ms, int64_t minutes,
		       int64_t *out)
{
	if (minutes < 0 || minutes > HD_CAL_MAX_ABS_MS / MIN_MS)
		return HD_EINVAL;
	return hd_cal_add_ms(cal, start_ms, minutes * MIN_MS, out);
}

int hd_cal_minutes_between(const struct hd_calendar *cal, int64_t a_ms, int64_t b_ms,
			   int64_t *out_ms)
{
	int64_t total = 0, t = a_ms, a, b;

	if (!in_range(a_ms) || !in_range(b_ms) || a_ms > b_ms)
		return HD_EINVAL;
	while (next_span(cal, t, b_ms, &a, &b) == 0) {
		if (b > b_ms)
			b = b_ms;
		total += b - a;
		t = b;
	}
	*out_ms = total;
	return 0;
}
