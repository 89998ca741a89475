/*
 * metrics_read.h — what metrics.c (the call: planning, threads, merging)
 * and metrics_read.c (the sources: their queries and folds) share. Nothing
 * outside those two files includes it.
 */
#ifndef HD_STORE_SQLITE_METRICS_READ_H
#define HD_STORE_SQLITE_METRICS_READ_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "store/metrics.h"
#include "store/sqlite/internal.h"

/* The queries a call is made of, most expensive first (see metrics_read.c). */
enum hd_msrc {
	HD_MSRC_SLA,            /* ended SLA clocks: counts per target and outcome */
	HD_MSRC_NEXT_RESPONSE,  /* responses, kind next: samples */
	HD_MSRC_FIRST_RESPONSE, /* responses, kind first: samples */
	HD_MSRC_SOLVED,         /* tickets by latest solve: full resolution, reopens */
	HD_MSRC_FIRST_SOLVED,   /* tickets by first solve: first resolution */
	HD_MSRC_CLOSED,         /* tickets by close: counts per kind and reason */
	HD_MSRC_BACKLOG,        /* active tickets now */
	HD_MSRC_PROMISES,       /* promises by resolution: kept, broken */
	HD_MSRC_OVERDUE,        /* open promises past due now */
	HD_MSRC__COUNT
};

/* Samples one call may collect over all its sources (8 bytes each, and
 * once more when grouping): 256 MB. */
#define HD_METRICS_MAX_SAMPLES ((int64_t)32 << 20)

/** One source of one call, run on one reader connection. */
struct hd_mtask {
	enum hd_msrc src;
	const struct hd_metric_query *q;
	enum hd_metric_group group; /* HD_MG_NONE for "now" sources in day/week calls */
	_Atomic int64_t *budget;    /* samples the whole call may still collect */
	/* results: [0] the total, then one row per group (any order); malloc'd,
	 * the caller frees them */
	struct hd_metric_row *rows;
	size_t nrows;
	int rc;
	struct hd_err err;
};

/** Whether source `src` measures the present (backlog, overdue promises)
 * rather than a period: it has no day or week groups. */
int hd_mread_is_now(enum hd_msrc src);

/** Run task `t` on reader connection `c`: read its rows, summarise them into
 * t->rows. 0 or a negative HD_E* code (also left in t->rc's caller), the
 * reason in t->err. */
int hd_mread_run(struct hd_conn *c, struct hd_mtask *t);

#endif
