/*
 * promises.h — the store's interface for promises made to customers (G3).
 *
 * A promise belongs to a ticket. Every change is one write transaction
 * together with its event on the ticket ("promise.created", "promise.kept",
 * "promise.broken", "promise.reminded", "promise.overdue"), the mail it
 * causes and its durable timers: "promise.remind" at remind_at and
 * "promise.overdue" at due_at (ref_id = the promise's id), both cleared
 * when the promise is resolved. The rules (validation, transitions, texts)
 * are domain/promise.h's; this layer stores what they decide.
 *
 * Closing a ticket does not resolve its promises: they stay open (and are
 * escalated) until someone marks them kept or broken.
 *
 * The conventions of store.h hold: 0 or a negative HD_E* code, the reason
 * in `err`; strings of records returned through OUT parameters live in the
 * caller's arena.
 */
#ifndef HD_STORE_PROMISES_H
#define HD_STORE_PROMISES_H

#include <stddef.h>
#include <stdint.h>

#include "domain/promise.h"
#include "store/store.h"

/** A promise as the store hands it out. Times are ms (UTC), 0: not (yet). */
struct hd_promise {
	int64_t id;
	int64_t ticket_id;
	enum hd_promise_kind kind;
	enum hd_channel channel;
	const char *description;      /* never NULL ("" when none) */
	int64_t due_at;
	int64_t remind_at;            /* 0: no reminder */
	int64_t owner_agent_id;       /* 0: none (a team owns it) */
	int64_t owner_team_id;        /* 0: none */
	enum hd_author requested_by;  /* HD_AUTHOR_AGENT or HD_AUTHOR_CUSTOMER */
	int64_t created_by;           /* the agent (or integration) that recorded it; 0: unknown */
	enum hd_promise_status status;
	const char *note;             /* NULL until resolved with one */
	int64_t created_at;
	int64_t resolved_at;
	int64_t reminded_at;          /* the reminder went out */
	int64_t overdue_at;           /* the escalation went out */
};

/** A promise to record on a ticket. */
struct hd_promise_new {
	enum hd_promise_kind kind;
	int channel;                /* enum hd_channel; -1: hd_promise_default_channel */
	int64_t due_at;
	const char *description;    /* NULL: "" */
	int64_t owner_agent_id;     /* agent-made: 0 means the caller (`who`) */
	int customer_requested;     /* 1: the customer asked (a call-back request):
				     * owned by the ticket's team (else its assignee) */
	int64_t remind_minutes;     /* remind this long before due; <= 0: never */
	const char *phone;          /* customer_requested: a normalised phone number to
				     * add to the customer's identities when it is free;
				     * NULL: none */
	const char *desk_name;      /* signs the customer's notice; NULL: the store's */
};

/** Record promise `in` on ticket `ticket_id` for `who`, with its event, its
 * timers and the notice (outbox kind "promise") telling the customer, in
 * one transaction; `*id` receives the promise's id. HD_ENOTFOUND for an
 * unknown ticket, HD_ECONFLICT for a closed one, HD_EINVAL for a due time
 * domain/promise refuses or an owner that is not an active agent. */
int hd_store_promise_create(struct hd_store *st, const struct hd_actor *who, int64_t ticket_id,
			    const struct hd_promise_new *in, struct hd_idem *idem, int64_t *id,
			    struct hd_err *err);

/** Load promise `id` into `*out`. HD_ENOTFOUND when there is none. */
int hd_store_promise_get(struct hd_store *st, int64_t id, struct hd_promise *out,
			 struct hd_arena *a, struct hd_err *err);

/** Which promises to list. */
struct hd_promise_filter {
	int64_t ticket_id;       /* 0: every ticket's; else this ticket's, oldest first */
	int has_status;
	enum hd_promise_status status;
	int64_t owner_agent_id;  /* 0: any */
	int64_t owner_team_id;   /* 0: any */
	int64_t due_before;      /* 0: any; else due_at < due_before */
	int64_t after;           /* cursor: id > after (one ticket) or id < after (all) */
	int limit;               /* 1..200 */
};

/** Promises matching `f`: one ticket's oldest first, everyone's newest
 * first. `*out` is an arena array of `*n`; `*next` the cursor of the next
 * page or 0. With f->ticket_id set, HD_ENOTFOUND when there is no such
 * ticket. */
int hd_store_promise_list(struct hd_store *st, const struct hd_promise_filter *f,
			  struct hd_promise **out, size_t *n, int64_t *next, struct hd_arena *a,
			  struct hd_err *err);

/** Mark promise `id` kept or broken (`to`) with `note` (NULL: none; a
 * broken promise needs one), clearing its timers, with a "promise.kept" or
 * "promise.broken" event. HD_ECONFLICT when it is resolved already,
 * HD_EINVAL for a refused `to` or a missing note. */
int hd_store_promise_resolve(struct hd_store *st, const struct hd_actor *who, int64_t id,
			     enum hd_promise_status to, const char *note, struct hd_err *err);

#endif
