/*
 * timeutil.c — instants and RFC 3339 (see timeutil.h).
 */
#include <stdio.h>
#include <string.h>
#include <stdatomic.h>
#include <time.h>

#include "util/err.h"
#include "util/timeutil.h"
#include "util/banned.h"

#ifdef HD_TEST_CLOCK
/* Test builds only (meson -Dtest_clock=true): how far heed's clock runs
 * ahead of the real one. */
static _Atomic int64_t clock_offset;

int64_t hd_clock_advance(int64_t ms)
{
	if (ms > 0)
		clock_offset += ms;
	return hd_now_ms();
}

int64_t hd_clock_offset(void)
{
	return clock_offset;
}
#endif

int64_t hd_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
#ifdef HD_TEST_CLOCK
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000 + clock_offset;
#else
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
#endif
}

int64_t hd_mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

char *hd_time_format(int64_t ms, char *out)
{
	int64_t sec = hd_ms_floor_sec(ms);
	int frac = (int)(ms % 1000 < 0 ? ms % 1000 + 1000 : ms % 1000);
	time_t t = (time_t)sec;
	struct tm tm;

	if (!gmtime_r(&t, &tm)) {
		snprintf(out, HD_RFC3339_LEN, "1970-01-01T00:00:00.000Z");
		return out;
	}
	snprintf(out, HD_RFC3339_LEN, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
		 (tm.tm_year + 1900) % 10000, (tm.tm_mon + 1) % 100, tm.tm_mday % 100,
		 tm.tm_hour % 100, tm.tm_min % 100, tm.tm_sec % 100, frac % 1000);
	return out;
}

static int digits(const char *s, int n, int *out)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar. */
static int64_t days_from_civil(int64_t y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

int hd_time_parse(const char *s, int64_t *ms)
{
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int y, mo, d, h, mi, sec, frac = 0, off = 0;
	size_t n = strlen(s), i = 19;

	if (n < 20 || digits(s, 4, &y) || s[4] != '-' || digits(s + 5, 2, &mo) || s[7] != '-' ||
	    digits(s + 8, 2, &d) || (s[10] != 'T' && s[10] != 't' && s[10] != ' ') ||
	    digits(s + 11, 2, &h) || s[13] != ':' || digits(s + 14, 2, &mi) || s[16] != ':' ||
	    digits(s + 17, 2, &sec))
		return HD_EINVAL;
	if (mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] || h > 23 || mi > 59 || sec > 60)
		return HD_EINVAL;
	if (mo == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return HD_EINVAL;
	if (s[i] == '.') {
		int scale = 100, nd = 0;

		for (i++; i < n && s[i] >= '0' && s[i] <= '9'; i++, nd++) {
			frac += (s[i] - '0') * scale;
			scale /= 10;
		}
		if (!nd)
			return HD_EINVAL;
	}
	if (i < n && (s[i] == 'Z' || s[i] == 'z') && i + 1 == n) {
		off = 0;
	} else if (i + 6 == n && (s[i] == '+' || s[i] == '-') && s[i + 3] == ':') {
		int oh, om;

		if (digits(s + i + 1, 2, &oh) || digits(s + i + 4, 2, &om) || oh > 23 || om > 59)
			return HD_EINVAL;
		off = (oh * 60 + om) * (s[i] == '-' ? -1 : 1);
	} else {
		return HD_EINVAL;
	}
	if (sec == 60)
		sec = 59; /* a leap second is read as the last second of the minute */
	*ms = ((days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec) - off * 60) * 1000 +
	      frac;
	return 0;
}
