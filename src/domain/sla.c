/*
 * sla.c — SLA clocks: starting, pausing, resuming, ending and the due and
 * warning instants of each (the rules are in sla.h). Policy data and
 * matching are in sla_policy.c.
 */
#include <string.h>

#include "domain/sla.h"
#include "util/banned.h"

#define MIN_MS ((int64_t)60000)

/* Time counted in [a, b): business time with a calendar, else real time. */
static int64_t span(const struct hd_calendar *cal, int business, int64_t a, int64_t b)
{
	int64_t ms = 0;

	if (b <= a)
		return 0;
	if (!business || !cal)
		return b - a;
	if (hd_cal_minutes_between(cal, a, b, &ms))
		return 0;
	return ms;
}

int64_t hd_sla_elapsed(const struct hd_sla_clock *k, const struct hd_calendar *cal, int64_t now)
{
	if (!k->present)
		return 0;
	return k->elapsed_ms + (k->running_since ? span(cal, k->business, k->running_since, now) : 0);
}

/* The instant `ms` of counted time after `from`. */
static int advance(const struct hd_calendar *cal, int business, int64_t from, int64_t ms,
		   int64_t *out)
{
	if (ms <= 0) {
		*out = from;
		return 0;
	}
	if (!business || !cal) {
		*out = from + ms;
		return 0;
	}
	return hd_cal_add_ms(cal, from, ms, out);
}

/* Due and warning instants of a running clock; 0 while paused. */
static int schedule(struct hd_sla_clock *k, const struct hd_calendar *cal, int64_t warn_min,
		    int64_t now)
{
	int64_t left, rc;

	k->due_at = 0;
	k->warn_at = 0;
	if (!k->running_since) {
		/* paused past its target before the breach was recorded: due now */
		if (!k->breached_at && k->elapsed_ms > k->target_min * MIN_MS)
			k->due_at = now;
		return 0;
	}
	left = k->target_min * MIN_MS - k->elapsed_ms;
	rc = advance(cal, k->business, k->running_since, left, &k->due_at);
	if (rc) {
		k->due_at = 0; /* the calendar never opens: nothing can be due */
		return (int)rc;
	}
	if (warn_min > 0 && !k->warned_at) {
		int64_t w = left - warn_min * MIN_MS;

		if (advance(cal, k->business, k->running_since, w, &k->warn_at))
			k->warn_at = 0;
	}
	return 0;
}

/* The cycle of metric `m` the facts call for: its start, or 0 for none. */
static int64_t wanted_start(enum hd_sla_metric m, const struct hd_sla_facts *f)
{
	switch (m) {
	case HD_SLA_FIRST_RESPONSE:
		return f->first_response_at || f->status == HD_STATUS_CLOSED ? 0 : f->created_at;
	case HD_SLA_NEXT_RESPONSE:
		return f->first_response_at && f->status != HD_STATUS_CLOSED ? f->unanswered_since
									      : 0;
	case HD_SLA_PERIODIC_UPDATE:
		/* paused while solved (a reopen is not charged for it) */
		return f->status == HD_STATUS_CLOSED ? 0 : f->last_public_reply_at;
	case HD_SLA_RESOLUTION:
		return f->status == HD_STATUS_CLOSED ? 0 : f->created_at;
	default:
		return 0;
	}
}

/* When and how a cycle that is no longer wanted ended: answered (met or
 * breached by the time counted) or cancelled (the ticket closed first). */
static void end_cycle(enum hd_sla_metric m, const struct hd_sla_facts *f,
		      const struct hd_calendar *cal, int64_t now, struct hd_sla_clock *k)
{
	int64_t at = now;
	int answered;

	switch (m) {
	case HD_SLA_FIRST_RESPONSE:
		answered = f->first_response_at != 0;
		if (answered)
			at = f->first_response_at;
		break;
	case HD_SLA_NEXT_RESPONSE:
	case HD_SLA_PERIODIC_UPDATE:
		answered = f->last_public_reply_at > k->started_at;
		if (answered)
			at = f->last_public_reply_at;
		break;
	case HD_SLA_RESOLUTION:
		answered = f->solved_at != 0;
		break;
	default:
		answered = 0;
	}
	if (at > now)
		at = now;
	if (at < k->started_at)
		at = k->started_at;
	k->elapsed_ms = hd_sla_elapsed(k, cal, at);
	k->running_since = 0;
	k->due_at = 0;
	k->warn_at = 0;
	k->ended_at = at;
	if (k->breached_at || (answered && k->elapsed_ms > k->target_min * MIN_MS))
		k->outcome = HD_SLA_BREACHED;
	else
		k->outcome = answered ? HD_SLA_MET : HD_SLA_CANCELLED;
}

static int paused_in(const struct hd_sla_policy *p, enum hd_status s)
{
	return s == HD_STATUS_SOLVED || s == HD_STATUS_CLOSED || (p->pause_statuses & (1u << s));
}

int hd_sla_plan(const struct hd_sla_policy *p, const struct hd_calendar *cal,
		const struct hd_calendar *was_cal, const struct hd_sla_facts *facts,
		const struct hd_sla_clock was[HD_SLA__COUNT], int64_t now,
		struct hd_sla_step out[HD_SLA__COUNT])
{
	int rc = 0;

	if (p && !p->calendar_id)
		cal = NULL;
	for (int m = 0; m < HD_SLA__COUNT; m++) {
		struct hd_sla_step *o = &out[m];
		int64_t start = p && p->target_min[m] > 0 ? wanted_start(m, facts) : 0;
		int business = cal != NULL;
		/* time up to now counts as the clock counted it so far */
		const struct hd_calendar *old = was[m].business ? was_cal : NULL;
		int run;

		memset(o, 0, sizeof(*o));
		o->cur = was[m];
		if (o->cur.present && o->cur.started_at != start) {
			o->ended = o->cur;
			end_cycle(m, facts, old, now, &o->ended);
			memset(&o->cur, 0, sizeof(o->cur));
		}
		if (!start)
			continue;
		run = !paused_in(p, facts->status);
		if (!o->cur.present) {
			o->cur.present = 1;
			o->cur.started_at = start;
			o->cur.business = business;
			o->cur.outcome = HD_SLA_RUNNING;
			/* a cycle found paused starts counting when it resumes */
			o->cur.running_since = run ? (start < now ? start : now) : 0;
		} else if (o->cur.running_since && !run) {
			o->cur.elapsed_ms = hd_sla_elapsed(&o->cur, old, now);
			o->cur.running_since = 0;
		} else if (!o->cur.running_since && run) {
			o->cur.running_since = now;
		} else if (o->cur.running_since && (o->cur.business != business || old != cal)) {
			/* the policy changed its way of counting: keep what was
			 * counted so far, count the new way from now on */
			o->cur.elapsed_ms = hd_sla_elapsed(&o->cur, old, now);
			o->cur.running_since = now;
		}
		o->cur.business = business;
		o->cur.target_min = p->target_min[m];
		if (schedule(&o->cur, cal, p->warn_min, now) && !rc)
			rc = HD_ENOTFOUND;
	}
	return rc;
}

const char *hd_sla_clock_state(const struct hd_sla_clock *k, int64_t now)
{
	if (!k->present)
		return "none";
	if (k->ended_at)
		return k->outcome == HD_SLA_BREACHED ? "breached"
		       : k->outcome == HD_SLA_MET    ? "met"
						     : "cancelled";
	if (k->breached_at || (k->due_at && now >= k->due_at) ||
	    k->elapsed_ms > k->target_min * MIN_MS)
		return "breached";
	if (!k->running_since)
		return "paused";
	if (k->warned_at || (k->warn_at && now >= k->warn_at))
		return "warning";
	return "ok";
}
