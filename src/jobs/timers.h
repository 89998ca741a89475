/*
 * timers.h — the thread that fires heed's durable timers (SLA warnings and
 * breaches, auto-close of solved tickets, promise reminders and overdue
 * escalations; see docs/internals/commitments.md).
 *
 * One thread per `heed serve`. It sleeps until the earliest due time in the
 * store (hd_store_timers_next: one index probe, never a scan), then fires
 * what is due in batches; each timer fires in the transaction that deletes
 * it, so exactly once, also across restarts and crashes. A timer set in
 * this process wakes the thread at once (hd_store_timers_on_set); one set
 * by another process (heed mailgate) is found within poll_ms.
 */
#ifndef HD_JOBS_TIMERS_H
#define HD_JOBS_TIMERS_H

#include <stdint.h>

#include "store/store.h"
#include "util/err.h"

struct hd_timer_worker;

/** Start the thread; it looks again at least every `poll_ms` (0: 1000). */
int hd_timer_worker_start(struct hd_timer_worker **out, struct hd_store *st, int64_t poll_ms,
			  struct hd_err *err);

/** Wake the thread now (e.g. after the test clock moved). NULL is fine. */
void hd_timer_worker_kick(struct hd_timer_worker *w);

/** Finish the current batch, stop and free. NULL is fine. */
void hd_timer_worker_stop(struct hd_timer_worker *w);

#endif
