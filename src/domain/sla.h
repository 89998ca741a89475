/*
 * sla.h — service-level policies and the clocks they run on a ticket.
 *
 * A policy says which tickets it covers (conditions) and how long each kind
 * of answer may take (targets), in business hours of a calendar or in plain
 * calendar time. Policies are ordered; a ticket gets the first one that
 * matches. For the ticket, each target runs as a clock:
 *  - first_response: from creation until the first public agent reply;
 *  - next_response: from the oldest customer message no public agent reply
 *    has answered yet, until the next public agent reply;
 *  - periodic_update: from a public agent reply until the next one (paused
 *    while solved, ended when closed);
 *  - resolution: from creation until solved. Solving pauses it; a reopen
 *    resumes it with the time already used; it ends when the ticket closes.
 * A clock pauses while the ticket's status is in the policy's pause set
 * (default pending and on_hold) and while solved. Only public agent replies
 * count as responses; internal notes never do.
 *
 * hd_sla_plan() is the one place these rules live: given the ticket's facts,
 * the policy, the calendar and the clocks as they were, it says what the
 * clocks are now — which ended (met, breached, or cancelled when the ticket
 * closed without the answer), which started, and each one's due and warning
 * instants. The shell stores the clocks and sets timers at warn_at and
 * due_at; when one fires it stamps warned_at/breached_at and runs the
 * policy's escalation actions.
 *
 * Pure: no I/O, no clock — `now` is a parameter. Instants are ms (UTC).
 */
#ifndef HD_DOMAIN_SLA_H
#define HD_DOMAIN_SLA_H

#include <stddef.h>
#include <stdint.h>

#include "domain/calendar.h"
#include "domain/enums.h"
#include "util/err.h"

enum hd_sla_metric {
	HD_SLA_FIRST_RESPONSE,
	HD_SLA_NEXT_RESPONSE,
	HD_SLA_PERIODIC_UPDATE,
	HD_SLA_RESOLUTION,
	HD_SLA__COUNT
};

/** "first_response", ... ; -1 when unknown. */
int hd_sla_metric_parse(const char *s);
const char *hd_sla_metric_name(int m);

enum hd_sla_act {
	HD_SLA_ACT_NOTIFY_LEAD,     /* mail the team lead (else the assignee) */
	HD_SLA_ACT_RAISE_PRIORITY,  /* one step up, at most urgent */
	HD_SLA_ACT_SET_TEAM,        /* reassign to team_id */
	HD_SLA_ACT_ADD_TAG,         /* add tag */
	HD_SLA_ACT__COUNT
};

int hd_sla_act_parse(const char *s);
const char *hd_sla_act_name(int a);

#define HD_SLA_MAX_IDS 16
#define HD_SLA_MAX_TAGS 16
#define HD_SLA_TAG_MAX 64 /* bytes with the NUL */
#define HD_SLA_MAX_ACTIONS 8
#define HD_SLA_NAME_MAX 128

struct hd_sla_action {
	enum hd_sla_act kind;
	int64_t team_id;            /* HD_SLA_ACT_SET_TEAM */
	char tag[HD_SLA_TAG_MAX];   /* HD_SLA_ACT_ADD_TAG */
};

/** A policy as plain data (no pointers: it can be copied and cached). An
 * empty condition (mask 0, count 0) matches every ticket. */
struct hd_sla_policy {
	int64_t id;
	char name[HD_SLA_NAME_MAX];
	unsigned priorities;        /* bit (1u << hd_priority); 0: any */
	unsigned channels;          /* bit (1u << hd_channel); 0: any */
	int64_t teams[HD_SLA_MAX_IDS];
	size_t nteams;              /* the ticket's team is one of these */
	int64_t orgs[HD_SLA_MAX_IDS];
	size_t norgs;               /* the customer's organization is one of these */
	char tags[HD_SLA_MAX_TAGS][HD_SLA_TAG_MAX];
	size_t ntags;               /* the ticket carries at least one of these */
	int64_t target_min[HD_SLA__COUNT]; /* minutes; 0: no target */
	int64_t calendar_id;        /* business hours of this calendar; 0: calendar time */
	unsigned pause_statuses;    /* bit (1u << hd_status) where clocks pause */
	int64_t warn_min;           /* warn this many minutes before a breach; 0: never */
	struct hd_sla_action on_warn[HD_SLA_MAX_ACTIONS];
	size_t non_warn;
	struct hd_sla_action on_breach[HD_SLA_MAX_ACTIONS];
	size_t non_breach;
};

/** The default pause set: pending and on_hold. */
#define HD_SLA_DEFAULT_PAUSE ((1u << HD_STATUS_PENDING) | (1u << HD_STATUS_ON_HOLD))

/** Check a policy: targets >= 0 and at most a year, masks within the enums,
 * counts within limits, tags non-empty, actions complete. 0, or HD_EINVAL
 * with the field in `err`. */
int hd_sla_policy_validate(const struct hd_sla_policy *p, struct hd_err *err);

/** What a policy's conditions look at. `tags` may be NULL when ntags is 0. */
struct hd_sla_subject {
	enum hd_priority priority;
	enum hd_channel channel;
	int64_t team_id;  /* 0: none */
	int64_t org_id;   /* 0: none */
	const char *const *tags;
	size_t ntags;
};

/** 1 when `p`'s conditions all hold for `s`. */
int hd_sla_matches(const struct hd_sla_policy *p, const struct hd_sla_subject *s);

/** The index of the first policy of `p[0..n)` matching `s`, or -1. */
int hd_sla_match(const struct hd_sla_policy *p, size_t n, const struct hd_sla_subject *s);

/* ---- clocks ----------------------------------------------------------- */

enum hd_sla_outcome {
	HD_SLA_RUNNING,   /* not ended */
	HD_SLA_MET,
	HD_SLA_BREACHED,
	HD_SLA_CANCELLED  /* the ticket closed without the answer being due */
};

const char *hd_sla_outcome_name(int o);

/** One cycle of one metric's clock. */
struct hd_sla_clock {
	int64_t id;             /* the shell's row id; 0: not stored yet */
	int present;            /* 0: no clock */
	int64_t started_at;
	int64_t target_min;
	int business;           /* counted in business hours */
	int64_t elapsed_ms;     /* counted before running_since */
	int64_t running_since;  /* 0: paused */
	int64_t due_at;         /* 0 while paused */
	int64_t warn_at;        /* 0 while paused or without a warning */
	int64_t warned_at;      /* set by the shell when the warning fired */
	int64_t breached_at;    /* set by the shell when the breach fired */
	int64_t ended_at;
	enum hd_sla_outcome outcome;
};

/** What the clocks look at in a ticket. */
struct hd_sla_facts {
	enum hd_status status;
	int64_t created_at;
	int64_t first_response_at;    /* 0: no public agent reply yet */
	int64_t unanswered_since;     /* 0: no customer message waits for an answer */
	int64_t last_public_reply_at; /* 0: none */
	int64_t solved_at;            /* 0: not solved (a ticket closed from solved keeps it) */
};

/** The result of hd_sla_plan for one metric: `ended` is a cycle that ended
 * now (present == 0: none), `cur` the cycle running or paused afterwards
 * (present == 0: none; id 0 when it is a new cycle to insert). */
struct hd_sla_step {
	struct hd_sla_clock ended;
	struct hd_sla_clock cur;
};

/** Bring the clocks `was[HD_SLA__COUNT]` (present == 0 where none runs) up to
 * date at `now` for a ticket with `facts` under policy `p` (NULL: no policy;
 * every clock ends: met when its answer came, otherwise cancelled). `cal` is
 * the policy's calendar (ignored when p->calendar_id is 0: calendar time);
 * `was_cal` the calendar the business-hours clocks in `was` were counted in
 * until now (the previous policy's; NULL: none). A clock whose target or
 * policy changed keeps its start and the time already counted (in the old
 * way) and gets the new target, counted the new way from now on (changing
 * priority or team recomputes the due times). Writes `out[HD_SLA__COUNT]`.
 * 0, or HD_ENOTFOUND when the calendar cannot give a due time (it never
 * opens, or an instant is out of its range): that clock gets no due time. */
int hd_sla_plan(const struct hd_sla_policy *p, const struct hd_calendar *cal,
		const struct hd_calendar *was_cal, const struct hd_sla_facts *facts,
		const struct hd_sla_clock was[HD_SLA__COUNT], int64_t now,
		struct hd_sla_step out[HD_SLA__COUNT]);

/** The time a clock has counted up to `now` (business ms when business). */
int64_t hd_sla_elapsed(const struct hd_sla_clock *k, const struct hd_calendar *cal, int64_t now);

/** The state a ticket's clock shows: "ok", "warning", "breached", "paused",
 * "met", "cancelled". */
const char *hd_sla_clock_state(const struct hd_sla_clock *k, int64_t now);

#endif
