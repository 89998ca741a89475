/*
 * lifecycle.c — ticket state changes (see lifecycle.h for the rules).
 */
#include "domain/lifecycle.h"
#include "util/banned.h"

int hd_lifecycle_on_message(const struct hd_lifecycle *cur, enum hd_author author,
			    enum hd_visibility vis, int64_t now, struct hd_lifecycle *next,
			    struct hd_err *err)
{
	struct hd_lifecycle n = *cur;

	if (cur->status == HD_STATUS_CLOSED)
		return hd_err_set(err, HD_ECONFLICT, "status",
				  "the ticket is closed; a new message starts a follow-up ticket");
	if (vis == HD_VIS_PUBLIC && author == HD_AUTHOR_CUSTOMER) {
		if (cur->status == HD_STATUS_SOLVED) {
			n.status = HD_STATUS_OPEN;
			n.solved_at = 0;
			n.reopen_count++;
		} else if (cur->status == HD_STATUS_PENDING) {
			n.status = HD_STATUS_OPEN;
		}
	} else if (vis == HD_VIS_PUBLIC && author == HD_AUTHOR_AGENT) {
		if (!n.first_response_at)
			n.first_response_at = now;
		if (cur->status == HD_STATUS_NEW)
			n.status = HD_STATUS_OPEN;
	}
	*next = n;
	return 0;
}

int hd_lifecycle_set_status(const struct hd_lifecycle *cur, enum hd_status to, int64_t now,
			    struct hd_lifecycle *next, struct hd_err *err)
{
	struct hd_lifecycle n = *cur;

	if ((int)to < 0 || to >= HD_STATUS__COUNT)
		return hd_err_set(err, HD_EINVAL, "status", "unknown status");
	if (to == cur->status) {
		*next = n;
		return 0;
	}
	if (cur->status == HD_STATUS_CLOSED)
		return hd_err_set(err, HD_ECONFLICT, "status",
				  "a closed ticket cannot change; open a follow-up ticket instead");
	if (to == HD_STATUS_NEW)
		return hd_err_set(err, HD_ECONFLICT, "status",
				  "a ticket cannot go back to new once it has been worked on");
	if (cur->status == HD_STATUS_SOLVED) {
		n.solved_at = 0;
		if (to != HD_STATUS_CLOSED)
			n.reopen_count++;
	}
	if (to == HD_STATUS_SOLVED)
		n.solved_at = now;
	if (to == HD_STATUS_CLOSED) {
		n.closed_at = now;
		if (cur->status == HD_STATUS_SOLVED)
			n.solved_at = cur->solved_at;
	}
	n.status = to;
	*next = n;
	return 0;
}

int hd_status_is_active(enum hd_status s)
{
	return s == HD_STATUS_NEW || s == HD_STATUS_OPEN || s == HD_STATUS_PENDING ||
	       s == HD_STATUS_ON_HOLD;
}
