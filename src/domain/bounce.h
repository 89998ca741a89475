/*
 * bounce.h — recognising a bounce by its shape, and reading what it says.
 *
 * Standard bounces are delivery status notifications (multipart/report,
 * RFC 3464) and mail/parse.c reads their fields with GMime. Many mail
 * systems send plain-text bounces instead (Exim, qmail, appliances, old
 * Exchange): this module recognises those by sender and subject, and guesses
 * from the text the address that failed, the status code, the line with the
 * remote server's answer and the Message-ID of the returned message. A
 * ticket system must know a bounce when it sees one: answering it starts a
 * mail loop, and the failed address belongs on the customer's record.
 * Pure: no I/O, no allocation; results are slices of the caller's text.
 */
#ifndef HD_DOMAIN_BOUNCE_H
#define HD_DOMAIN_BOUNCE_H

#include <stddef.h>

/** Does a message from `from_addr` (lower case) / `from_name`, with
 * `return_path` (NULL: no header; "": <>) and `subject`, look like a bounce?
 * The sender must be a mail system (mailer-daemon, postmaster, a "Mail
 * Delivery ..." name) or the return path empty, and the subject one that
 * bounces use ("Undelivered Mail Returned to Sender", "Mail delivery
 * failed", "Undeliverable:", "Delivery Status Notification (Failure)", ...).
 * Any argument may be NULL. */
int hd_bounce_looks_like(const char *from_addr, const char *from_name, const char *return_path,
			 const char *subject);

/** Does `subject` say that delivery is only delayed (a warning)? */
int hd_bounce_is_delay(const char *subject);

/** What the text of a bounce says; each field is a slice of that text with
 * length 0 when not found. */
struct hd_bounce_guess {
	const char *recipient; /* the address that failed, as written */
	size_t recipient_len;
	const char *status; /* enhanced status code, "5.1.1" */
	size_t status_len;
	const char *diagnostic; /* the line with the remote server's answer */
	size_t diagnostic_len;
	const char *message_id; /* value of the returned message's Message-ID: line */
	size_t message_id_len;
};

/** Guess from the bounce text `text[0..len)`. Addresses in `exclude[0..n)`
 * (lower case: the bounce's sender and recipients, i.e. the original sender)
 * and mailer-daemon / postmaster addresses are never the failed recipient.
 * The recipient is, in order of trust: an address alone on its line (Exim),
 * "<addr>:" opening a line (Postfix, qmail), "RCPT TO:<addr>", an address
 * following "delivered to", "message to", "recipient" or "failed", else the
 * first other address in the text. */
void hd_bounce_scan(const char *text, size_t len, const char *const *exclude, size_t n,
		    struct hd_bounce_guess *out);

#endif
