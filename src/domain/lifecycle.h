/*
 * lifecycle.h — how a ticket's state changes when something happens to it.
 *
 * The shell loads a ticket's lifecycle fields, asks one of these functions
 * what the new fields are, and writes them together with an event. The rules
 * live only here. Pure: time is a parameter, nothing is read or written.
 *
 * Statuses: new, open, pending (waiting on the customer), on_hold (waiting
 * on a third party), solved (awaiting the customer's confirmation), closed.
 * Rules:
 *  - The customer decides when it is solved (G4). An agent solves; the
 *    customer confirms (closed, confirmed) or says it is still a problem
 *    (reopened: open again, reopen_count + 1). Without an answer the ticket
 *    closes by itself after the grace period (closed, unconfirmed).
 *  - An agent closes a ticket only with a reason (spam, duplicate, merged),
 *    from any status but closed: recorded apart from resolutions.
 *  - A closed ticket is final: nothing changes it; a customer writing again
 *    gets a follow-up ticket (HD_ECONFLICT tells the shell so).
 *  - A public customer message reopens a solved ticket (reopen_count + 1)
 *    and moves a pending ticket back to open.
 *  - The first public agent message sets first_response_at and turns a new
 *    ticket open. Internal notes never count as a response.
 *  - Moving to solved stamps solved_at (and first_solved_at the first time);
 *    leaving solved for an unsolved status clears solved_at. Closing stamps
 *    closed_at and keeps solved_at. Nothing goes back to new.
 */
#ifndef HD_DOMAIN_LIFECYCLE_H
#define HD_DOMAIN_LIFECYCLE_H

#include <stdint.h>

#include "domain/enums.h"
#include "util/err.h"

/** The lifecycle fields of a ticket. 0 in a time field means "not yet". */
struct hd_lifecycle {
	enum hd_status status;
	int64_t first_response_at;
	int64_t solved_at;
	int64_t closed_at;
	int reopen_count;
	int64_t first_solved_at;
	enum hd_close_kind close_kind;
	enum hd_close_reason close_reason;
};

/** A message by `author` with `vis` was added at `now`: write the new fields
 * to `*next` (which may alias `cur`). HD_ECONFLICT (with `err`) when the
 * ticket is closed. */
int hd_lifecycle_on_message(const struct hd_lifecycle *cur, enum hd_author author,
			    enum hd_visibility vis, int64_t now, struct hd_lifecycle *next,
			    struct hd_err *err);

/** An agent asks to set status `to` at `now`, with `reason` (HD_REASON_NONE
 * when none). Closing needs a reason; a reason is only for closing
 * (HD_EINVAL). HD_ECONFLICT, with the reason in `err`, when the move is not
 * allowed (leaving closed, back to new, closing without a reason). Setting
 * the current status is a no-op (returns 0, `*next` equals `*cur`). */
int hd_lifecycle_set_status(const struct hd_lifecycle *cur, enum hd_status to,
			    enum hd_close_reason reason, int64_t now, struct hd_lifecycle *next,
			    struct hd_err *err);

/** The customer answers whether a solved ticket is solved: `yes` closes it
 * (confirmed), otherwise it reopens. HD_ECONFLICT when it is not solved. */
int hd_lifecycle_confirm(const struct hd_lifecycle *cur, int yes, int64_t now,
			 struct hd_lifecycle *next, struct hd_err *err);

/** The grace period after solving ran out: closed, unconfirmed.
 * HD_ECONFLICT when the ticket is not solved (any more). */
int hd_lifecycle_autoclose(const struct hd_lifecycle *cur, int64_t now, struct hd_lifecycle *next,
			   struct hd_err *err);

/** When a ticket closes by itself: solved_at + grace_ms; 0 unless solved. */
int64_t hd_lifecycle_autoclose_at(const struct hd_lifecycle *cur, int64_t grace_ms);

/** Whether `s` counts as an open (unsolved) ticket for queues. */
int hd_status_is_active(enum hd_status s);

#endif
