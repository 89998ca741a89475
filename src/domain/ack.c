/*
 * ack.c — composing the acknowledgement (see ack.h).
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "domain/ack.h"
#include "util/timeutil.h"
#include "util/banned.h"

#define ACK_QUOTE_MAX 4000

void hd_ack_format_due(int64_t ms, char *out, size_t outlen)
{
	static const char *const days[] = { "Sunday",   "Monday", "Tuesday", "Wednesday",
					    "Thursday", "Friday", "Saturday" };
	static const char *const months[] = { "January", "February", "March",     "April",
					      "May",     "June",     "July",      "August",
					      "September", "October", "November", "December" };
	time_t t = (time_t)hd_ms_floor_sec(ms);
	struct tm tm;

	if (!gmtime_r(&t, &tm)) {
		snprintf(out, outlen, "soon");
		return;
	}
	snprintf(out, outlen, "%s %d %s %d, %02d:%02d UTC", days[tm.tm_wday], tm.tm_mday,
		 months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min);
}

/* Quote `msg` line by line with "> ", at most ACK_QUOTE_MAX bytes of it. */
static int quote(struct hd_sbuf *body, const char *msg)
{
	size_t n = strlen(msg), i = 0;
	int rc = 0;

	while (i < n && !rc) {
		const char *nl = memchr(msg + i, '\n', n - i);
		size_t len = nl ? (size_t)(nl - (msg + i)) : n - i;

		if (i + len > ACK_QUOTE_MAX) {
			rc = hd_sbuf_adds(body, "> [...] (shortened; we have your full message)\n");
			break;
		}
		if (len && msg[i + len - 1] == '\r')
			len--;
		rc = hd_sbuf_adds(body, len ? "> " : ">");
		rc = rc ? rc : hd_sbuf_add(body, msg + i, len);
		rc = rc ? rc : hd_sbuf_adds(body, "\n");
		i += (nl ? (size_t)(nl - (msg + i)) + 1 : n - i);
	}
	return rc;
}

int hd_ack_compose(const struct hd_ack_input *in, struct hd_sbuf *subject, struct hd_sbuf *body)
{
	char due[64];
	int rc;

	hd_ack_format_due(in->first_response_due, due, sizeof(due));
	rc = hd_sbuf_addf(subject, "[#%lld] We have received your request: %s",
			  (long long)in->ticket, in->subject);
	if (rc)
		return rc;
	if (in->customer_name && in->customer_name[0])
		rc = hd_sbuf_addf(body, "Hello %s,\n\n", in->customer_name);
	else
		rc = hd_sbuf_adds(body, "Hello,\n\n");
	rc = rc ? rc
		: hd_sbuf_addf(body,
			       "thank you for contacting %s. We have received your request and "
			       "opened ticket #%lld for it.\n\n"
			       "%s%s%s"
			       "If you write to us about this request, please keep \"[#%lld]\" in "
			       "the subject so that it reaches the same ticket.\n",
			       in->desk_name, (long long)in->ticket,
			       in->first_response_due ? "A member of our team will answer you by " : "",
			       in->first_response_due ? due : "",
			       in->first_response_due ? " at the latest.\n\n" : "",
			       (long long)in->ticket);
	if (!rc && in->message && in->message[0]) {
		rc = hd_sbuf_adds(body, "\nYour request:\n\n");
		rc = rc ? rc : quote(body, in->message);
	}
	rc = rc ? rc : hd_sbuf_addf(body, "\n-- \n%s\n", in->desk_name);
	return rc;
}
