/*
 * promise.h — promises made to a customer (G3): "I'll call you back by
 * 10:00 Tuesday" as a record with a due time that heed keeps an eye on.
 *
 * A promise has a kind (call back, send an update, ship a fix, other), a
 * channel it will be kept on, a due instant and an owner (an agent, or the
 * ticket's team when the customer asked for it). It starts open; the owner
 * marks it kept or broken, and a resolved promise is final:
 *
 *     open ──> kept
 *       └───> broken   (a note saying why is required)
 *
 * heed reminds the owner `remind_minutes` before the due time (at once when
 * the promise is due sooner than that) and escalates when it is overdue.
 *
 * This module holds those rules and composes the texts: the notice that
 * tells the customer, and the reminder and escalation mail for agents. The
 * shell (store/sqlite/promises.c) stores promises, sets the timers and
 * queues the mail. Pure: no I/O, no clock (`now` is a parameter), output
 * only into the caller's buffers. Instants are ms since the epoch (UTC).
 */
#ifndef HD_DOMAIN_PROMISE_H
#define HD_DOMAIN_PROMISE_H

#include <stdint.h>

#include "domain/enums.h"
#include "util/err.h"
#include "util/sbuf.h"

enum hd_promise_kind {
	HD_PROMISE_CALLBACK, /* call the customer back */
	HD_PROMISE_UPDATE,   /* send them an update */
	HD_PROMISE_FIX,      /* ship a fix */
	HD_PROMISE_OTHER,
	HD_PROMISE_KIND__COUNT
};

enum hd_promise_status {
	HD_PROMISE_OPEN,
	HD_PROMISE_KEPT,
	HD_PROMISE_BROKEN,
	HD_PROMISE_STATUS__COUNT
};

/** "callback", "update", "fix", "other"; -1 when unknown. */
int hd_promise_kind_parse(const char *s);
/** The name of kind `k` (static storage); "unknown" out of range. */
const char *hd_promise_kind_name(int k);
/** "open", "kept", "broken"; -1 when unknown. */
int hd_promise_status_parse(const char *s);
/** The name of status `s` (static storage); "unknown" out of range. */
const char *hd_promise_status_name(int s);

/** The furthest ahead a promise may be due: 366 days. */
#define HD_PROMISE_MAX_AHEAD_MS (366ll * 24 * 3600 * 1000)
/** Remind this many minutes before the due time unless configured. */
#define HD_PROMISE_REMIND_DEFAULT_MIN 30
/** Caps on the free texts (bytes). */
#define HD_PROMISE_DESCRIPTION_MAX 2000
#define HD_PROMISE_NOTE_MAX 2000

/** The channel a promise is kept on when none is given: the phone for a
 * call-back, else the ticket's own channel `ticket_channel`. */
enum hd_channel hd_promise_default_channel(enum hd_promise_kind kind,
					   enum hd_channel ticket_channel);

/** Check a new promise of `kind` on `channel` due at `due_at`, made at
 * `now`: the kind and channel are known values, and the due time is after
 * `now` and at most HD_PROMISE_MAX_AHEAD_MS later. 0, or HD_EINVAL naming
 * the field ("kind", "channel", "due_at") in `err`. */
int hd_promise_validate(int kind, int channel, int64_t due_at, int64_t now, struct hd_err *err);

/** When to remind the owner of a promise due at `due_at`: `remind_minutes`
 * before it, but never before `now` (a promise due sooner is reminded of at
 * once). 0 (no reminder) when `remind_minutes` <= 0 or the promise is due
 * already. */
int64_t hd_promise_remind_at(int64_t due_at, int64_t remind_minutes, int64_t now);

/** May a promise with status `cur` be marked `to` with `note` (NULL or ""
 * for none)? 0 when it may; HD_ECONFLICT when `cur` is resolved already
 * (a resolved promise is final); HD_EINVAL when `to` is not kept or broken,
 * or `to` is broken without a note. */
int hd_promise_check_resolve(int cur, int to, const char *note, struct hd_err *err);

/** 1 when a promise with `status` due at `due_at` is open and past due at
 * `now`. */
int hd_promise_is_overdue(int status, int64_t due_at, int64_t now);

/** What the texts say about a promise. */
struct hd_promise_text {
	int64_t ticket;            /* the customer-visible ticket number */
	const char *subject;       /* the ticket's subject */
	const char *customer_name; /* may be NULL or "" */
	enum hd_promise_kind kind;
	enum hd_channel channel;
	int64_t due_at;
	const char *description;   /* what was promised; may be NULL or "" */
	int customer_requested;    /* the customer asked for it (a call-back request) */
	const char *desk_name;     /* signs mail to the customer */
};

/** The sentence that states the promise, without a final period: "We will
 * call you back by Monday 23 November 2026, 14:05 UTC". Appended to `out`;
 * 0 or HD_ETOOBIG. */
int hd_promise_sentence(const struct hd_promise_text *t, struct hd_sbuf *out);

/** The notice to the customer: subject "[#42] <sentence>" and a plain-text
 * body that states the promise and what was promised. Appended to the
 * buffers; 0 or HD_ETOOBIG. */
int hd_promise_notice(const struct hd_promise_text *t, struct hd_sbuf *subject,
		      struct hd_sbuf *body);

/** Which mail an agent gets about a promise. */
enum hd_promise_alert {
	HD_PROMISE_ALERT_REMIND,  /* it is due soon */
	HD_PROMISE_ALERT_OVERDUE, /* it is past due and still open */
};

/** The mail to an agent about promise number `promise_id`: subject and
 * plain-text body appended to the buffers; 0 or HD_ETOOBIG. */
int hd_promise_alert(enum hd_promise_alert which, int64_t promise_id,
		     const struct hd_promise_text *t, struct hd_sbuf *subject, struct hd_sbuf *body);

#endif
