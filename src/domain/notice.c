/*
 * notice.c — the "is it solved?" mail (see notice.h).
 */
#include "domain/ack.h"
#include "domain/notice.h"
#include "util/banned.h"

int hd_notice_solved(const struct hd_solved_notice *in, struct hd_sbuf *subject,
		     struct hd_sbuf *body)
{
	char when[64];
	int rc;

	hd_ack_format_due(in->close_at, when, sizeof(when));
	rc = hd_sbuf_addf(subject, "[#%lld] Is your request solved? %s", (long long)in->ticket,
			  in->subject);
	rc = rc ? rc
		: hd_sbuf_addf(body, "Hello%s%s,\n\n", in->customer_name && *in->customer_name ? " " : "",
			       in->customer_name ? in->customer_name : "");
	rc = rc ? rc
		: hd_sbuf_addf(body,
			       "we believe your request #%lld \"%s\" is solved. Only you can tell "
			       "us if it really is:\n\n"
			       "  Yes, it is solved:\n  %s\n\n"
			       "  No, it is still a problem:\n  %s\n\n"
			       "You can also simply reply to this mail and your request opens "
			       "again.\n\n"
			       "If we do not hear from you, we will close it on %s.\n\n"
			       "-- \n%s\n",
			       (long long)in->ticket, in->subject, in->yes_url, in->no_url, when,
			       in->desk_name);
	return rc;
}
