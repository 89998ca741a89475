/*
 * tz.c — IANA zones through GLib (see tz.h).
 *
 * GTimeZone does not list its transition instants, but it answers "which
 * interval holds this UTC second". So we sample that every few hours over
 * the range and, where the interval changes, bisect to the exact second.
 * No zone changes its offset twice within SCAN_STEP_S.
 */
#include <glib.h>

#include "util/timeutil.h"
#include "util/tz.h"
#include "util/banned.h"

#define SCAN_STEP_S ((gint64)6 * 3600)

int hd_tz_load(const char *iana_name, int64_t from_ms, int64_t to_ms, struct hd_zone_buf *out,
	       struct hd_err *err)
{
	GTimeZone *tz = NULL;
	gint64 t, end;
	int idx, rc = 0;
	gint32 off;
	size_t n = 0;

	out->zone.initial_offset_s = 0;
	out->zone.trans = out->trans;
	out->zone.ntrans = 0;
	if (!iana_name || !*iana_name)
		return hd_err_set(err, HD_EINVAL, "time_zone", "a time zone name is required");
	if (from_ms > to_ms)
		return hd_err_set(err, HD_EINVAL, "time_zone", "the range ends before it starts");
	tz = g_time_zone_new_identifier(iana_name);
	if (!tz)
		return hd_err_set(err, HD_EINVAL, "time_zone", "unknown time zone \"%s\"",
				  iana_name);
	t = hd_ms_floor_sec(from_ms);
	end = hd_ms_floor_sec(to_ms);
	idx = g_time_zone_find_interval(tz, G_TIME_TYPE_UNIVERSAL, t);
	off = g_time_zone_get_offset(tz, idx);
	out->zone.initial_offset_s = off;
	while (t < end) {
		gint64 next = t + SCAN_STEP_S < end ? t + SCAN_STEP_S : end;
		gint64 lo = t, hi = next;
		int nidx = g_time_zone_find_interval(tz, G_TIME_TYPE_UNIVERSAL, next);
		gint32 noff;

		if (nidx == idx) {
			t = next;
			continue;
		}
		/* interval idx holds lo, not hi: find the first second after it */
		while (hi - lo > 1) {
			gint64 mid = lo + (hi - lo) / 2;

			if (g_time_zone_find_interval(tz, G_TIME_TYPE_UNIVERSAL, mid) == idx)
				lo = mid;
			else
				hi = mid;
		}
		idx = g_time_zone_find_interval(tz, G_TIME_TYPE_UNIVERSAL, hi);
		noff = g_time_zone_get_offset(tz, idx);
		if (noff != off) {
			if (n == HD_TZ_MAX_TRANSITIONS) {
				rc = hd_err_set(err, HD_ETOOBIG, "time_zone",
						"more than %d offset changes in the range",
						HD_TZ_MAX_TRANSITIONS);
				goto out;
			}
			out->trans[n].at_ms = (int64_t)hi * 1000;
			out->trans[n].offset_s = noff;
			n++;
			off = noff;
		}
		t = hi;
	}
out:
	out->zone.ntrans = n;
	g_time_zone_unref(tz);
	return rc;
}
