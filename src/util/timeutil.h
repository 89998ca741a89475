/*
 * timeutil.h — instants as milliseconds since the Unix epoch (UTC), and
 * their RFC 3339 text form.
 *
 * heed keeps every instant as int64 milliseconds (UTC). Only the shell reads
 * the clock (hd_now_ms); domain code receives "now" as a parameter.
 */
#ifndef HD_TIMEUTIL_H
#define HD_TIMEUTIL_H

#include <stddef.h>
#include <stdint.h>

#define HD_RFC3339_LEN 32

/** Whole seconds of `ms`, rounded down (also before 1970). */
static inline int64_t hd_ms_floor_sec(int64_t ms)
{
	int64_t s = ms / 1000;

	return ms % 1000 < 0 ? s - 1 : s;
}

/** The current wall-clock time in ms. Shell code only. */
int64_t hd_now_ms(void);

#ifdef HD_TEST_CLOCK
/** Test builds only: move hd_now_ms() forward by `ms` (> 0) for the whole
 * process; the new now. Never compiled into a release build. */
int64_t hd_clock_advance(int64_t ms);

/** Test builds only: how far the clock was moved in total. */
int64_t hd_clock_offset(void);

/** Test builds only: the file in `data_dir` that keeps the offset across
 * restarts (so a test can crash and restart heed in "the future"). */
#define HD_TEST_CLOCK_FILE "test-clock-offset"
#endif

/** A monotonic clock in ms, for measuring durations. */
int64_t hd_mono_ms(void);

/** Format `ms` as "2026-11-23T11:40:00.123Z" (milliseconds always shown)
 * into `out` (at least HD_RFC3339_LEN bytes). Returns `out`. */
char *hd_time_format(int64_t ms, char *out);

/** Parse an RFC 3339 timestamp with a Z or ±hh:mm offset and optional
 * fraction into ms since the epoch. 0 or HD_EINVAL. */
int hd_time_parse(const char *s, int64_t *ms);

#endif
