/*
 * metrics.h — the store's interface for the help desk's metrics: first and
 * next response time, first and full resolution time, SLA attainment,
 * reopens, closes, promises and the backlog, over a period, filtered and
 * optionally grouped (docs/metrics.md defines every figure).
 *
 * The store only reads what the commitments engine wrote as tickets were
 * worked: the `responses` rows, the tickets' measurement columns, ended
 * `sla_clocks` rows and resolved `promises` (docs/internals/commitments.md).
 * Each figure is taken from the rows whose own instant lies in the period:
 *
 *   first_response, next_response   responses.at
 *   first resolution                tickets.first_solved_at
 *   full resolution, reopens        tickets.solved_at (the latest solve)
 *   closes                          tickets.closed_at
 *   sla                             sla_clocks.ended_at
 *   promises kept/broken            promises.resolved_at
 *   backlog, overdue promises       now (the period does not apply)
 *
 * Durations are summarised exactly (domain/stats.h: nearest-rank
 * percentiles over every sample), never estimated.
 *
 * Reads run on reader connections; the metrics of one call are read in
 * parallel on up to HD_METRICS_THREADS connections, each with its own
 * snapshot (figures of different tables may be a few milliseconds apart).
 *
 * Conventions of store.h: 0 or a negative HD_E* code, the reason in `err`;
 * arrays returned live in the caller's arena.
 */
#ifndef HD_STORE_METRICS_H
#define HD_STORE_METRICS_H

#include <stddef.h>
#include <stdint.h>

#include "domain/stats.h"
#include "store/store.h"

/** How many connections one metrics call reads on at most (the caller's
 * thread included). */
#define HD_METRICS_THREADS 2

/** Which figures to compute (bits). */
enum hd_metric_set {
	HD_M_FIRST_RESPONSE = 1 << 0,
	HD_M_NEXT_RESPONSE = 1 << 1,
	HD_M_FIRST_RESOLUTION = 1 << 2,
	HD_M_FULL_RESOLUTION = 1 << 3,
	HD_M_SLA = 1 << 4,
	HD_M_REOPENS = 1 << 5,
	HD_M_CLOSES = 1 << 6,
	HD_M_PROMISES = 1 << 7,
	HD_M_BACKLOG = 1 << 8,
	HD_M_ALL = (1 << 9) - 1
};

/** How to split the figures into groups (besides the total). */
enum hd_metric_group {
	HD_MG_NONE,
	HD_MG_TEAM,     /* key: team id, 0 for none */
	HD_MG_AGENT,    /* key: agent id, 0 for none */
	HD_MG_CHANNEL,  /* key: enum hd_channel */
	HD_MG_PRIORITY, /* key: enum hd_priority */
	HD_MG_DAY,      /* key: the UTC day's first ms */
	HD_MG_WEEK,     /* key: the first ms of the UTC week (Monday) */
	HD_MG__COUNT
};

/** "none", "team", ... (static storage); -1 when unknown. */
const char *hd_metric_group_name(int g);
int hd_metric_group_parse(const char *s);

/** What to measure. The team and agent of a figure are those its row
 * records: the replying agent and the ticket's team at the reply for
 * responses, the assignee and team when an SLA clock ended, the owner of a
 * promise, and the ticket's current assignee and team otherwise (docs/
 * metrics.md). */
struct hd_metric_query {
	int64_t from, to;   /* the period [from, to), ms; from < to */
	int64_t now;        /* for the backlog's ages and overdue promises */
	int64_t team_id;    /* 0: any; -1: none; else this team */
	int64_t agent_id;   /* 0: any; -1: none; else this agent */
	int channel;        /* -1: any; else an enum hd_channel */
	int priority;       /* -1: any; else an enum hd_priority */
	int business;       /* durations in business time (1) or calendar time (0) */
	enum hd_metric_group group;
	unsigned which;     /* enum hd_metric_set bits */
};

/** SLA clocks that ended in the period, per metric (enum hd_sla_metric
 * order: first_response, next_response, periodic_update, resolution). */
#define HD_METRIC_SLA_TARGETS 4
struct hd_metric_sla {
	int64_t met[HD_METRIC_SLA_TARGETS];
	int64_t breached[HD_METRIC_SLA_TARGETS];
	int64_t cancelled[HD_METRIC_SLA_TARGETS];
};

/** Tickets solved (latest solve) in the period. */
struct hd_metric_reopens {
	int64_t solved;   /* tickets */
	int64_t reopened; /* of them, reopened at least once */
	int64_t reopens;  /* their reopens, all together */
};

/** Tickets closed in the period, by how. */
struct hd_metric_closes {
	int64_t confirmed;   /* the customer confirmed the solution */
	int64_t unconfirmed; /* closed after the grace period without an answer */
	int64_t reason;      /* closed without solving: spam + duplicate + merged (+ other) */
	int64_t spam, duplicate, merged;
};

/** Promises resolved in the period, and open ones past due now. */
struct hd_metric_promises {
	int64_t kept, broken;
	int64_t overdue; /* open and past due at `now` */
};

/** Age buckets of the backlog (age = now - created_at). */
enum hd_metric_age {
	HD_AGE_1H,  /* < 1 hour */
	HD_AGE_8H,  /* 1 to 8 hours */
	HD_AGE_24H, /* 8 to 24 hours */
	HD_AGE_3D,  /* 1 to 3 days */
	HD_AGE_7D,  /* 3 to 7 days */
	HD_AGE_30D, /* 7 to 30 days */
	HD_AGE_OLD, /* 30 days and more */
	HD_AGE__COUNT
};

/** "under_1h", "1h_8h", ... (static storage). */
const char *hd_metric_age_name(int a);

/** Active tickets now: by status (new, open, pending, on_hold) and by age. */
struct hd_metric_backlog {
	int64_t total;
	int64_t by_status[4];
	int64_t by_age[HD_AGE__COUNT];
};

/** The figures of one group, or of everything (the total). Only the parts
 * asked for in `which` are filled; the others are zero. */
struct hd_metric_row {
	int64_t key; /* see enum hd_metric_group; 0 for the total */
	struct hd_stats first_response, next_response, first_resolution, full_resolution;
	struct hd_metric_sla sla;
	struct hd_metric_reopens reopens;
	struct hd_metric_closes closes;
	struct hd_metric_promises promises;
	struct hd_metric_backlog backlog;
	int has_now; /* backlog and overdue apply (not in day or week groups) */
};

struct hd_metrics {
	struct hd_metric_row total;
	struct hd_metric_row *groups; /* arena; ascending key; only groups with data */
	size_t ngroups;
};

/** Compute the figures `q` asks for into `*out` (groups in the arena). */
int hd_store_metrics(struct hd_store *st, const struct hd_metric_query *q,
		     struct hd_metrics *out, struct hd_arena *a, struct hd_err *err);

#endif
