/*
 * ack.h — the acknowledgement a customer gets the moment they contact us (G1).
 *
 * Every customer contact is answered at once with the ticket reference, a
 * copy of what they asked and the time by which a person will answer. This
 * module only composes the text; the shell decides whether to send one
 * (not to automatic mail, not to bounces) and writes it to the outbox in the
 * same transaction as the ticket. Pure: the due time comes in as a parameter.
 */
#ifndef HD_DOMAIN_ACK_H
#define HD_DOMAIN_ACK_H

#include <stdint.h>

#include "util/err.h"
#include "util/sbuf.h"

struct hd_ack_input {
	int64_t ticket;           /* customer-visible ticket number */
	const char *subject;      /* the ticket's subject */
	const char *customer_name;/* may be NULL or "" */
	const char *message;      /* the customer's words, plain text; may be NULL */
	int64_t first_response_due; /* ms since the epoch, UTC; 0: no target, not mentioned */
	const char *desk_name;    /* e.g. "Acme Support" */
};

/** Compose the subject ("[#123] ...") into `subject` and the plain-text body
 * into `body`. The quoted copy of the customer's message is capped at
 * 4000 bytes (cut at a line end, with a note that it was shortened).
 * 0 or HD_ETOOBIG when a buffer is full. */
int hd_ack_compose(const struct hd_ack_input *in, struct hd_sbuf *subject, struct hd_sbuf *body);

/** Format `ms` for people: "Monday 23 November 2026, 14:05 UTC" into `out`
 * (at least 64 bytes). */
void hd_ack_format_due(int64_t ms, char *out, size_t outlen);

#endif
