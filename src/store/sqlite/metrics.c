/*
 * metrics.c — the help desk's metrics (store/metrics.h): planning a call,
 * running its sources in parallel and merging what they found.
 *
 * A call is split into sources, one query each (metrics_read.c: first
 * responses, next responses, first solves, latest solves, closes, ended SLA
 * clocks, resolved promises, overdue promises, the backlog). They run on up
 * to HD_METRICS_THREADS reader connections at once — the caller's thread is
 * one of them, helpers take the rest — each producing partial result rows
 * (the total and its groups) in malloc'd memory. The caller then merges the
 * partial rows by group key into the answer, in its arena.
 *
 * Sources of one call read different snapshots (one per connection), a few
 * milliseconds apart at most; each figure is consistent in itself.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "store/sqlite/metrics_read.h"
#include "util/banned.h"

/* ---- names ----------------------------------------------------------------- */

static const char *const group_names[] = { "none",	   "team", "agent", "channel",
					   "priority", "day",  "week" };
_Static_assert(sizeof(group_names) / sizeof(*group_names) == HD_MG__COUNT, "groups");

static const char *const age_names[] = { "under_1h", "1h_8h", "8h_24h", "1d_3d",
					 "3d_7d",    "7d_30d", "over_30d" };
_Static_assert(sizeof(age_names) / sizeof(*age_names) == HD_AGE__COUNT, "ages");

const char *hd_metric_group_name(int g)
{
	return g >= 0 && g < HD_MG__COUNT ? group_names[g] : "unknown";
}

int hd_metric_group_parse(const char *s)
{
	for (int i = 0; s && i < HD_MG__COUNT; i++)
		if (!strcmp(s, group_names[i]))
			return i;
	return -1;
}

const char *hd_metric_age_name(int a)
{
	return a >= 0 && a < HD_AGE__COUNT ? age_names[a] : "unknown";
}

/* ---- the call ------------------------------------------------------------------- */

struct run {
	struct hd_store *st;
	struct hd_mtask *tasks;
	size_t ntasks;
	_Atomic size_t next;
};

/* Take tasks until none is left, on one reader connection. */
static void *worker(void *arg)
{
	struct run *r = arg;
	struct hd_conn *c = NULL;
	size_t i;

	while ((i = atomic_fetch_add(&r->next, 1)) < r->ntasks) {
		struct hd_mtask *t = &r->tasks[i];

		if (!c && (t->rc = hd_db_acquire(r->st, &c, &t->err))) {
			c = NULL;
			continue;
		}
		t->rc = hd_mread_run(c, t);
	}
	hd_db_release(r->st, c);
	return NULL;
}

static void add_stats(struct hd_stats *dst, const struct hd_stats *src)
{
	if (src->count) /* each duration comes from exactly one source */
		*dst = *src;
}

/* Merge partial row `s` (one source's figures) into `d`. */
static void add_row(struct hd_metric_row *d, const struct hd_metric_row *s)
{
	add_stats(&d->first_response, &s->first_response);
	add_stats(&d->next_response, &s->next_response);
	add_stats(&d->first_resolution, &s->first_resolution);
	add_stats(&d->full_resolution, &s->full_resolution);
	for (int m = 0; m < HD_METRIC_SLA_TARGETS; m++) {
		d->sla.met[m] += s->sla.met[m];
		d->sla.breached[m] += s->sla.breached[m];
		d->sla.cancelled[m] += s->sla.cancelled[m];
	}
	d->reopens.solved += s->reopens.solved;
	d->reopens.reopened += s->reopens.reopened;
	d->reopens.reopens += s->reopens.reopens;
	d->closes.confirmed += s->closes.confirmed;
	d->closes.unconfirmed += s->closes.unconfirmed;
	d->closes.reason += s->closes.reason;
	d->closes.spam += s->closes.spam;
	d->closes.duplicate += s->closes.duplicate;
	d->closes.merged += s->closes.merged;
	d->promises.kept += s->promises.kept;
	d->promises.broken += s->promises.broken;
	d->promises.overdue += s->promises.overdue;
	d->backlog.total += s->backlog.total;
	for (int i = 0; i < 4; i++)
		d->backlog.by_status[i] += s->backlog.by_status[i];
	for (int i = 0; i < HD_AGE__COUNT; i++)
		d->backlog.by_age[i] += s->backlog.by_age[i];
}

static int cmp_row_key(const void *a, const void *b)
{
	int64_t x = (*(const struct hd_metric_row *const *)a)->key;
	int64_t y = (*(const struct hd_metric_row *const *)b)->key;

	return x < y ? -1 : x > y;
}

/* The union of the tasks' groups, by ascending key, into out->groups. */
static int merge_groups(struct hd_mtask *tasks, size_t n, int has_now, struct hd_metrics *out,
			struct hd_arena *a, struct hd_err *err)
{
	const struct hd_metric_row **all;
	size_t total = 0, k = 0, ng = 0;
	int rc = 0;

	for (size_t i = 0; i < n; i++)
		total += tasks[i].nrows - 1;
	if (!total)
		return 0;
	all = malloc(total * sizeof(*all));
	if (!all)
		return hd_err_set(err, HD_ENOMEM, NULL, "out of memory");
	for (size_t i = 0; i < n; i++)
		for (size_t j = 1; j < tasks[i].nrows; j++)
			all[k++] = &tasks[i].rows[j];
	qsort(all, total, sizeof(*all), cmp_row_key);
	for (size_t i = 0; i < total; i++)
		ng += !i || all[i]->key != all[i - 1]->key;
	out->groups = hd_arena_alloc(a, ng * sizeof(*out->groups));
	if (!out->groups) {
		rc = hd_err_set(err, HD_ENOMEM, NULL, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < total; i++) {
		if (!i || all[i]->key != all[i - 1]->key) {
			struct hd_metric_row *g = &out->groups[out->ngroups++];

			g->key = all[i]->key;
			g->has_now = has_now;
		}
		add_row(&out->groups[out->ngroups - 1], all[i]);
	}
out:
	free(all);
	return rc;
}

/* The sources `which` needs, the longest first (they are handed out in
 * this order, so the long ones start at once): the samples (~80 ms each at
 * 1M tickets a month), then the counts (SLA ~30 ms from its daily table). */
static size_t plan(const struct hd_metric_query *q, enum hd_msrc *srcs)
{
	static const struct {
		enum hd_msrc src;
		unsigned which;
	} need[] = {
		{ HD_MSRC_FIRST_RESPONSE, HD_M_FIRST_RESPONSE },
		{ HD_MSRC_SOLVED, HD_M_FULL_RESOLUTION | HD_M_REOPENS },
		{ HD_MSRC_NEXT_RESPONSE, HD_M_NEXT_RESPONSE },
		{ HD_MSRC_FIRST_SOLVED, HD_M_FIRST_RESOLUTION },
		{ HD_MSRC_SLA, HD_M_SLA },
		{ HD_MSRC_CLOSED, HD_M_CLOSES },
		{ HD_MSRC_BACKLOG, HD_M_BACKLOG },
		{ HD_MSRC_PROMISES, HD_M_PROMISES },
		{ HD_MSRC_OVERDUE, HD_M_PROMISES },
	};
	size_t n = 0;

	for (size_t i = 0; i < sizeof(need) / sizeof(need[0]); i++)
		if (q->which & need[i].which)
			srcs[n++] = need[i].src;
	return n;
}

int hd_store_metrics(struct hd_store *st, const struct hd_metric_query *q,
		     struct hd_metrics *out, struct hd_arena *a, struct hd_err *err)
{
	_Atomic int64_t budget = HD_METRICS_MAX_SAMPLES;
	struct hd_mtask tasks[HD_MSRC__COUNT];
	enum hd_msrc srcs[HD_MSRC__COUNT];
	pthread_t th[HD_METRICS_THREADS];
	struct run r;
	size_t n = plan(q, srcs), nth = 0;
	int by_time = q->group == HD_MG_DAY || q->group == HD_MG_WEEK, rc = 0;

	memset(out, 0, sizeof(*out));
	memset(tasks, 0, sizeof(tasks));
	for (size_t i = 0; i < n; i++) {
		tasks[i].src = srcs[i];
		tasks[i].q = q;
		/* the backlog and overdue promises are now: no day or week */
		tasks[i].group = by_time && hd_mread_is_now(srcs[i]) ? HD_MG_NONE : q->group;
		tasks[i].budget = &budget;
	}
	r.st = st;
	r.tasks = tasks;
	r.ntasks = n;
	atomic_init(&r.next, 0);
	/* Helpers for all but one connection's worth of work; the caller's
	 * thread is the last worker. A helper that cannot start is no error:
	 * the others take its share. */
	while (nth + 1 < HD_METRICS_THREADS && nth + 1 < n &&
	       pthread_create(&th[nth], NULL, worker, &r) == 0)
		nth++;
	worker(&r);
	for (size_t i = 0; i < nth; i++)
		pthread_join(th[i], NULL);
	for (size_t i = 0; i < n && !rc; i++)
		if (tasks[i].rc)
			rc = hd_err_set(err, tasks[i].rc, tasks[i].err.field[0] ? tasks[i].err.field : NULL,
					"%s", tasks[i].err.msg);
	if (rc)
		goto out;
	out->total.has_now = 1;
	for (size_t i = 0; i < n; i++)
		add_row(&out->total, &tasks[i].rows[0]);
	rc = merge_groups(tasks, n, !by_time, out, a, err);
out:
	for (size_t i = 0; i < n; i++)
		free(tasks[i].rows);
	return rc;
}
