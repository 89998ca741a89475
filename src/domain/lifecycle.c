/*
 * lifecycle.c — ticket state changes (see lifecycle.h for the rules).
 */
#include <string.h>

#include "domain/lifecycle.h"
#include "util/banned.h"

static int closed_conflict(struct hd_err *err)
{
	return hd_err_set(err, HD_ECONFLICT, "status",
			  "the ticket is closed; a new message starts a follow-up ticket");
}

static void reopen(struct hd_lifecycle *n, enum hd_status to)
{
	n->status = to;
	n->solved_at = 0;
	n->reopen_count++;
}

static void solve(struct hd_lifecycle *n, int64_t now)
{
	n->status = HD_STATUS_SOLVED;
	n->solved_at = now;
	if (!n->first_solved_at)
		n->first_solved_at = now;
}

static void close_as(struct hd_lifecycle *n, enum hd_close_kind kind, enum hd_close_reason reason,
		     int64_t now)
{
	n->status = HD_STATUS_CLOSED;
	n->closed_at = now;
	n->close_kind = kind;
	n->close_reason = reason;
}

int hd_lifecycle_on_message(const struct hd_lifecycle *cur, enum hd_author author,
			    enum hd_visibility vis, int64_t now, struct hd_lifecycle *next,
			    struct hd_err *err)
{
	struct hd_lifecycle n = *cur;

	if (cur->status == HD_STATUS_CLOSED)
		return closed_conflict(err);
	if (vis == HD_VIS_PUBLIC && author == HD_AUTHOR_CUSTOMER) {
		if (cur->status == HD_STATUS_SOLVED)
			reopen(&n, HD_STATUS_OPEN);
		else if (cur->status == HD_STATUS_PENDING)
			n.status = HD_STATUS_OPEN;
	} else if (vis == HD_VIS_PUBLIC && author == HD_AUTHOR_AGENT) {
		if (!n.first_response_at)
			n.first_response_at = now;
		if (cur->status == HD_STATUS_NEW)
			n.status = HD_STATUS_OPEN;
	}
	*next = n;
	return 0;
}

int hd_lifecycle_set_status(const struct hd_lifecycle *cur, enum hd_status to,
			    enum hd_close_reason reason, int64_t now, struct hd_lifecycle *next,
			    struct hd_err *err)
{
	struct hd_lifecycle n = *cur;

	if ((int)to < 0 || to >= HD_STATUS__COUNT)
		return hd_err_set(err, HD_EINVAL, "status", "unknown status");
	if ((int)reason < 0 || reason >= HD_REASON__COUNT)
		return hd_err_set(err, HD_EINVAL, "close_reason", "unknown close reason");
	if (reason != HD_REASON_NONE && to != HD_STATUS_CLOSED)
		return hd_err_set(err, HD_EINVAL, "close_reason",
				  "a close reason is given only when closing a ticket");
	if (to == cur->status && reason == HD_REASON_NONE) {
		*next = n;
		return 0;
	}
	if (cur->status == HD_STATUS_CLOSED)
		return hd_err_set(err, HD_ECONFLICT, "status",
				  "a closed ticket cannot change; open a follow-up ticket instead");
	if (to == HD_STATUS_NEW)
		return hd_err_set(err, HD_ECONFLICT, "status",
				  "a ticket cannot go back to new once it has been worked on");
	if (to == HD_STATUS_CLOSED) {
		if (reason == HD_REASON_NONE)
			return hd_err_set(
				err, HD_ECONFLICT, "status",
				cur->status == HD_STATUS_SOLVED
					? "a solved ticket closes when the customer confirms it or "
					  "when the grace period ends; to close it anyway give a "
					  "close_reason (spam, duplicate or merged)"
					: "solve the ticket and the customer confirms it; to close it "
					  "without solving give a close_reason (spam, duplicate or "
					  "merged)");
		close_as(&n, HD_CLOSE_REASON, reason, now);
	} else if (to == HD_STATUS_SOLVED) {
		solve(&n, now);
	} else if (cur->status == HD_STATUS_SOLVED) {
		reopen(&n, to);
	} else {
		n.status = to;
	}
	*next = n;
	return 0;
}

int hd_lifecycle_confirm(const struct hd_lifecycle *cur, int yes, int64_t now,
			 struct hd_lifecycle *next, struct hd_err *err)
{
	struct hd_lifecycle n = *cur;

	if (cur->status != HD_STATUS_SOLVED)
		return hd_err_set(err, HD_ECONFLICT, "status",
				  cur->status == HD_STATUS_CLOSED
					  ? "the ticket is already closed"
					  : "the ticket is not waiting for your confirmation any more");
	if (yes)
		close_as(&n, HD_CLOSE_CONFIRMED, HD_REASON_NONE, now);
	else
		reopen(&n, HD_STATUS_OPEN);
	*next = n;
	return 0;
}

int hd_lifecycle_autoclose(const struct hd_lifecycle *cur, int64_t now, struct hd_lifecycle *next,
			   struct hd_err *err)
{
	struct hd_lifecycle n = *cur;

	if (cur->status != HD_STATUS_SOLVED)
		return hd_err_set(err, HD_ECONFLICT, "status", "the ticket is not solved");
	close_as(&n, HD_CLOSE_UNCONFIRMED, HD_REASON_NONE, now);
	*next = n;
	return 0;
}

int64_t hd_lifecycle_autoclose_at(const struct hd_lifecycle *cur, int64_t grace_ms)
{
	return cur->status == HD_STATUS_SOLVED && cur->solved_at ? cur->solved_at + grace_ms : 0;
}

int hd_status_is_active(enum hd_status s)
{
	return s == HD_STATUS_NEW || s == HD_STATUS_OPEN || s == HD_STATUS_PENDING ||
	       s == HD_STATUS_ON_HOLD;
}
