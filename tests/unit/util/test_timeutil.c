/*
 * test_timeutil.c — RFC 3339 formatting and parsing (util/timeutil):
 * offsets, fractions, leap days, year ends, dates before 1970, far dates
 * and round trips.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "util/err.h"
#include "util/timeutil.h"

static const char *fmt(int64_t ms)
{
	static char buf[HD_RFC3339_LEN];

	return hd_time_format(ms, buf);
}

static int64_t parse_ok(const char *s)
{
	int64_t ms = 0x5555;

	if (hd_time_parse(s, &ms) != 0)
		fail_msg("refused %s", s);
	return ms;
}

static void parse_bad(const char *s)
{
	int64_t ms = 0x5555;

	if (hd_time_parse(s, &ms) != HD_EINVAL)
		fail_msg("accepted %s", s);
	assert_int_equal(ms, 0x5555);
}

static void format_shows_milliseconds_always(void **state)
{
	assert_string_equal(fmt(0), "1970-01-01T00:00:00.000Z");
	assert_string_equal(fmt(1795442700000), "2026-11-23T14:05:00.000Z");
	assert_string_equal(fmt(1795442700123), "2026-11-23T14:05:00.123Z");
	assert_string_equal(fmt(1795442700001), "2026-11-23T14:05:00.001Z");
	assert_string_equal(fmt(1795442700999), "2026-11-23T14:05:00.999Z");
}

static void format_returns_out(void **state)
{
	char buf[HD_RFC3339_LEN];

	assert_ptr_equal(hd_time_format(0, buf), buf);
}

static void format_year_ends_and_leap_days(void **state)
{
	assert_string_equal(fmt(1735689599999), "2024-12-31T23:59:59.999Z");
	assert_string_equal(fmt(1735689600000), "2025-01-01T00:00:00.000Z");
	assert_string_equal(fmt(951825600000), "2000-02-29T12:00:00.000Z");
	assert_string_equal(fmt(1709164800000), "2024-02-29T00:00:00.000Z");
	assert_string_equal(fmt(4107542400000), "2100-03-01T00:00:00.000Z");
}

static void format_before_1970(void **state)
{
	assert_string_equal(fmt(-1), "1969-12-31T23:59:59.999Z");
	assert_string_equal(fmt(-999), "1969-12-31T23:59:59.001Z");
	assert_string_equal(fmt(-1000), "1969-12-31T23:59:59.000Z");
	assert_string_equal(fmt(-1001), "1969-12-31T23:59:58.999Z");
	assert_string_equal(fmt(-86400000), "1969-12-31T00:00:00.000Z");
	assert_string_equal(fmt(-62167219200000), "0000-01-01T00:00:00.000Z");
}

static void format_far_future(void **state)
{
	assert_string_equal(fmt(253402300799999), "9999-12-31T23:59:59.999Z");
}

static void format_extremes_do_not_crash(void **state)
{
	/* Out of the RFC 3339 range: any 24-byte text, but no crash or UB. */
	const int64_t extremes[] = { INT64_MAX, INT64_MIN, INT64_MIN + 1, INT64_MAX - 999,
				     -62167219200001 };

	for (size_t i = 0; i < sizeof(extremes) / sizeof(*extremes); i++) {
		const char *s = fmt(extremes[i]);

		assert_true(strlen(s) < HD_RFC3339_LEN);
	}
}

static void parse_utc(void **state)
{
	assert_int_equal(parse_ok("1970-01-01T00:00:00Z"), 0);
	assert_int_equal(parse_ok("2026-11-23T14:05:00Z"), 1795442700000);
	assert_int_equal(parse_ok("2026-11-23t14:05:00z"), 1795442700000);
	assert_int_equal(parse_ok("2026-11-23 14:05:00Z"), 1795442700000);
}

static void parse_offsets(void **state)
{
	assert_int_equal(parse_ok("2026-11-23T15:05:00+01:00"), 1795442700000);
	assert_int_equal(parse_ok("2026-11-23T08:35:00-05:30"), 1795442700000);
	assert_int_equal(parse_ok("2026-11-23T14:05:00+00:00"), 1795442700000);
	assert_int_equal(parse_ok("2026-11-23T14:05:00-00:00"), 1795442700000);
	assert_int_equal(parse_ok("2026-11-24T13:04:00+22:59"), 1795442700000);
	/* an offset moves the instant across a day and a year end */
	assert_int_equal(parse_ok("2025-01-01T00:30:00+01:00"), 1735687800000);
	assert_int_equal(parse_ok("2024-12-31T23:30:00-01:00"), 1735691400000);
}

static void parse_fractions(void **state)
{
	assert_int_equal(parse_ok("2026-11-23T14:05:00.1Z"), 1795442700100);
	assert_int_equal(parse_ok("2026-11-23T14:05:00.12Z"), 1795442700120);
	assert_int_equal(parse_ok("2026-11-23T14:05:00.123Z"), 1795442700123);
	assert_int_equal(parse_ok("2026-11-23T14:05:00.123456789Z"), 1795442700123);
	assert_int_equal(parse_ok("2026-11-23T14:05:00.999999+01:00"), 1795439100999);
	assert_int_equal(parse_ok("2026-11-23T14:05:00.000000000000000000001Z"), 1795442700000);
	parse_bad("2026-11-23T14:05:00.Z");
	parse_bad("2026-11-23T14:05:00.");
	parse_bad("2026-11-23T14:05:00,5Z");
}

static void parse_leap_days(void **state)
{
	assert_int_equal(parse_ok("2024-02-29T00:00:00Z"), 1709164800000);
	assert_int_equal(parse_ok("2000-02-29T12:00:00Z"), 951825600000);
	parse_bad("2023-02-29T00:00:00Z");
	parse_bad("1900-02-29T00:00:00Z");
	parse_bad("2100-02-29T00:00:00Z");
	parse_bad("2024-02-30T00:00:00Z");
}

static void parse_day_and_field_ranges(void **state)
{
	parse_bad("2026-04-31T00:00:00Z");
	parse_bad("2026-06-31T00:00:00Z");
	parse_bad("2026-09-31T00:00:00Z");
	parse_bad("2026-11-31T00:00:00Z");
	parse_bad("2026-01-32T00:00:00Z");
	parse_bad("2026-00-10T00:00:00Z");
	parse_bad("2026-13-10T00:00:00Z");
	parse_bad("2026-01-00T00:00:00Z");
	parse_bad("2026-01-01T24:00:00Z");
	parse_bad("2026-01-01T00:60:00Z");
	parse_bad("2026-01-01T00:00:61Z");
	parse_bad("2026-01-01T00:00:00+24:00");
	parse_bad("2026-01-01T00:00:00+01:60");
	assert_int_equal(parse_ok("2026-12-31T23:59:59Z"), 1798761599000);
	assert_int_equal(parse_ok("2026-01-31T00:00:00Z"), 1769817600000);
}

static void parse_leap_second_is_last_second(void **state)
{
	assert_int_equal(parse_ok("2016-12-31T23:59:60Z"), parse_ok("2016-12-31T23:59:59Z"));
}

static void parse_before_1970_and_far(void **state)
{
	assert_int_equal(parse_ok("1969-12-31T23:59:59.999Z"), -1);
	assert_int_equal(parse_ok("1969-12-31T00:00:00Z"), -86400000);
	assert_int_equal(parse_ok("0000-01-01T00:00:00Z"), -62167219200000);
	assert_int_equal(parse_ok("0000-02-29T00:00:00Z"), -62162121600000);
	assert_int_equal(parse_ok("9999-12-31T23:59:59.999Z"), 253402300799999);
	assert_int_equal(parse_ok("1600-03-01T00:00:00Z"), -11670912000000);
}

static void parse_malformed(void **state)
{
	static const char *const bad[] = {
		"",
		"2026",
		"2026-11-23",
		"2026-11-23T14:05Z",
		"2026-11-23T14:05:00",
		"2026-11-23T14:05:00ZZ",
		"2026-11-23T14:05:00Z ",
		" 2026-11-23T14:05:00Z",
		"2026-11-23X14:05:00Z",
		"2026/11/23T14:05:00Z",
		"2026-11-23T14-05-00Z",
		"26-11-23T14:05:00Z",
		"+2026-11-23T14:05:00Z",
		"-2026-11-23T14:05:00Z",
		"2026-1-23T14:05:00Z",
		"2026-11-23T14:05:00+0100",
		"2026-11-23T14:05:00+01",
		"2026-11-23T14:05:00+01:0",
		"2026-11-23T14:05:00+01:000",
		"2026-11-23T14:05:00 +01:00",
		"2026-11-23T14:05:00*01:00",
		"2026-11-23T14:05:00+a1:00",
		"2O26-11-23T14:05:00Z",
		"2026-11-23T14:05:0OZ",
		"2026-11-23T14:05:00.12a",
		"2026-11-23T14:05:00.12aZ",
		"2026-11-23T14:05:00Zjunk",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++)
		parse_bad(bad[i]);
}

static void round_trips(void **state)
{
	static const int64_t ms[] = {
		0, 1, 999, 1000, -1, -999, -1000, -1001, 951825600000, 1709164800000,
		1735689599999, 1735689600000, 1795442700123, 253402300799999, -62167219200000,
		-62162121600000, 4107542400000, 1234567890123,
	};

	for (size_t i = 0; i < sizeof(ms) / sizeof(*ms); i++) {
		char buf[HD_RFC3339_LEN];
		int64_t back = 0;

		hd_time_format(ms[i], buf);
		assert_int_equal(hd_time_parse(buf, &back), 0);
		assert_int_equal(back, ms[i]);
	}
	/* a sweep across many days and times of day */
	for (int64_t t = -5000000000000; t < 5000000000000; t += 7777777777) {
		char buf[HD_RFC3339_LEN];
		int64_t back = 0;

		hd_time_format(t, buf);
		assert_int_equal(hd_time_parse(buf, &back), 0);
		assert_int_equal(back, t);
	}
}

static void clocks_move_forward(void **state)
{
	int64_t a = hd_now_ms(), m = hd_mono_ms();

	assert_true(a > 1700000000000);
	assert_true(hd_now_ms() >= a);
	assert_true(hd_mono_ms() >= m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(format_shows_milliseconds_always),
		cmocka_unit_test(format_returns_out),
		cmocka_unit_test(format_year_ends_and_leap_days),
		cmocka_unit_test(format_before_1970),
		cmocka_unit_test(format_far_future),
		cmocka_unit_test(parse_utc),
		cmocka_unit_test(parse_offsets),
		cmocka_unit_test(parse_fractions),
		cmocka_unit_test(parse_leap_days),
		cmocka_unit_test(parse_day_and_field_ranges),
		cmocka_unit_test(parse_leap_second_is_last_second),
		cmocka_unit_test(parse_before_1970_and_far),
		cmocka_unit_test(parse_malformed),
		cmocka_unit_test(round_trips),
		cmocka_unit_test(clocks_move_forward),
		/* last: a sanitizer abort here must not hide the others */
		cmocka_unit_test(format_extremes_do_not_crash),
	};
	return cmocka_run_group_tests_name("util/timeutil", tests, NULL, NULL);
}
