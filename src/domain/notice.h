/*
 * notice.h — the automatic mail a customer gets when their ticket is solved
 * (G4): the question "is it solved?" with one link for yes and one for no,
 * and the date the ticket closes by itself without an answer.
 *
 * Pure: the links and instants come in as parameters; the shell signs the
 * links (util/msgid) and queues the mail in the write that solved the ticket.
 */
#ifndef HD_DOMAIN_NOTICE_H
#define HD_DOMAIN_NOTICE_H

#include <stdint.h>

#include "util/sbuf.h"

struct hd_solved_notice {
	int64_t ticket;
	const char *subject;       /* the ticket's subject */
	const char *customer_name; /* may be NULL or "" */
	const char *yes_url;
	const char *no_url;
	int64_t close_at;          /* closes by itself then without an answer */
	const char *desk_name;
};

/** Compose the subject ("[#12] Is your request solved? ...") and the plain
 * text body. 0, or HD_ETOOBIG when a buffer is full. */
int hd_notice_solved(const struct hd_solved_notice *in, struct hd_sbuf *subject,
		     struct hd_sbuf *body);

#endif
