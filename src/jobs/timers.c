/*
 * timers.c — the timer thread (see timers.h).
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "jobs/timers.h"
#include "util/timeutil.h"
#include "util/banned.h"

#define BATCH 64

struct hd_timer_worker {
	struct hd_store *st;
	int64_t poll_ms;
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t wake;
	int stop;
	int kicked;
	int64_t waiting_until; /* heed's clock; the thread sleeps until then */
};

/* Called by the store whenever a timer is set to `due`. */
static void on_set(void *ctx, int64_t due)
{
	struct hd_timer_worker *w = ctx;

	pthread_mutex_lock(&w->mu);
	if (due < w->waiting_until) {
		w->kicked = 1;
		pthread_cond_signal(&w->wake);
	}
	pthread_mutex_unlock(&w->mu);
}

void hd_timer_worker_kick(struct hd_timer_worker *w)
{
	if (!w)
		return;
	pthread_mutex_lock(&w->mu);
	w->kicked = 1;
	pthread_cond_signal(&w->wake);
	pthread_mutex_unlock(&w->mu);
}

/* Sleep (real time) for `ms` unless kicked or stopped. */
static void sleep_ms(struct hd_timer_worker *w, int64_t ms)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	ts.tv_sec += ms / 1000;
	ts.tv_nsec += (long)(ms % 1000) * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&w->mu);
	while (!w->stop && !w->kicked)
		if (pthread_cond_timedwait(&w->wake, &w->mu, &ts) == ETIMEDOUT)
			break;
	w->kicked = 0;
	pthread_mutex_unlock(&w->mu);
}

static void *run(void *arg)
{
	struct hd_timer_worker *w = arg;
	int64_t backoff = 0;

	for (;;) {
		struct hd_err err = { 0 };
		int64_t now = hd_now_ms(), next = 0, wait;
		int fired = 0, rc;

		pthread_mutex_lock(&w->mu);
		if (w->stop) {
			pthread_mutex_unlock(&w->mu);
			break;
		}
		pthread_mutex_unlock(&w->mu);
		rc = hd_store_timers_fire(w->st, now, BATCH, &fired, &err);
		if (rc) {
			/* the database is busy or broken: nothing is lost, the
			 * timers stay; try again later */
			fprintf(stderr, "heed: timers: %s\n", err.msg);
			backoff = backoff ? (backoff * 2 > 60000 ? 60000 : backoff * 2) : 1000;
			sleep_ms(w, backoff);
			continue;
		}
		backoff = 0;
		if (fired == BATCH)
			continue; /* more may be due */
		if (hd_store_timers_next(w->st, &next, &err))
			next = 0;
		now = hd_now_ms();
		wait = next ? next - now : w->poll_ms;
		if (wait > w->poll_ms)
			wait = w->poll_ms;
		if (next && next <= now)
			continue;
		pthread_mutex_lock(&w->mu);
		w->waiting_until = now + wait;
		pthread_mutex_unlock(&w->mu);
		sleep_ms(w, wait);
	}
	return NULL;
}

int hd_timer_worker_start(struct hd_timer_worker **out, struct hd_store *st, int64_t poll_ms,
			  struct hd_err *err)
{
	struct hd_timer_worker *w = calloc(1, sizeof(*w));
	pthread_condattr_t ca;

	*out = NULL;
	if (!w)
		return hd_err_set(err, HD_ENOMEM, NULL, "out of memory");
	w->st = st;
	w->poll_ms = poll_ms > 0 ? poll_ms : 1000;
	w->waiting_until = INT64_MAX;
	pthread_mutex_init(&w->mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&w->wake, &ca);
	pthread_condattr_destroy(&ca);
	hd_store_timers_on_set(st, on_set, w);
	if (pthread_create(&w->thread, NULL, run, w) != 0) {
		hd_store_timers_on_set(st, NULL, NULL);
		pthread_cond_destroy(&w->wake);
		pthread_mutex_destroy(&w->mu);
		free(w);
		return hd_err_set(err, HD_EIO, NULL, "cannot start the timer thread");
	}
	*out = w;
	return 0;
}

void hd_timer_worker_stop(struct hd_timer_worker *w)
{
	if (!w)
		return;
	pthread_mutex_lock(&w->mu);
	w->stop = 1;
	pthread_cond_signal(&w->wake);
	pthread_mutex_unlock(&w->mu);
	pthread_join(w->thread, NULL);
	hd_store_timers_on_set(w->st, NULL, NULL);
	pthread_cond_destroy(&w->wake);
	pthread_mutex_destroy(&w->mu);
	free(w);
}
