/*
 * lifecycle.h — how a ticket's state changes when something happens to it.
 *
 * The shell loads a ticket's lifecycle fields, asks one of these functions
 * what the new fields are, and writes them together with an event. The rules
 * live only here. Pure: time is a parameter, nothing is read or written.
 *
 * Rules (the commitments engine refines them):
 *  - A closed ticket is final: nothing changes it; a customer writing again
 *    gets a follow-up ticket (HD_ECONFLICT tells the shell so).
 *  - A public customer message reopens a solved ticket (reopen_count + 1)
 *    and moves a pending ticket back to open.
 *  - The first public agent message sets first_response_at and turns a new
 *    ticket open. Internal notes never count as a response.
 *  - Moving to solved stamps solved_at; leaving solved clears it. Moving to
 *    closed stamps closed_at.
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
};

/** A message by `author` with `vis` was added at `now`: write the new fields
 * to `*next` (which may alias `cur`). HD_ECONFLICT (with `err`) when the
 * ticket is closed. */
int hd_lifecycle_on_message(const struct hd_lifecycle *cur, enum hd_author author,
			    enum hd_visibility vis, int64_t now, struct hd_lifecycle *next,
			    struct hd_err *err);

/** Someone asks to set status `to` at `now`. HD_ECONFLICT when the move is
 * not allowed (leaving closed). Setting the current status is a no-op
 * (returns 0, `*next` equals `*cur`). */
int hd_lifecycle_set_status(const struct hd_lifecycle *cur, enum hd_status to, int64_t now,
			    struct hd_lifecycle *next, struct hd_err *err);

/** Whether `s` counts as an open (unsolved) ticket for queues. */
int hd_status_is_active(enum hd_status s);

#endif
