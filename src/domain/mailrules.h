/*
 * mailrules.h — what heed decides about an incoming e-mail: may it be
 * answered automatically, which ticket does it name, does it join that
 * ticket or start a new one.
 *
 * The mail shell (src/mail/) parses a message and the store gathers facts
 * (does the ticket exist, is the sender its customer); these functions only
 * decide. Pure: no I/O, no clock, no allocation.
 */
#ifndef HD_DOMAIN_MAILRULES_H
#define HD_DOMAIN_MAILRULES_H

#include <stddef.h>
#include <stdint.h>

#include "domain/enums.h"

/* ---- automatic replies --------------------------------------------------- */

/** The signals of one incoming message that say "a machine sent this"
 * (raw header values, NULL when the header is absent). */
struct hd_mail_signals {
	const char *from;            /* sender address, lower case */
	const char *return_path;     /* NULL: no header; "": the null sender <> */
	const char *auto_submitted;
	const char *precedence;
	const char *x_loop;
	const char *list_id;
	const char *list_unsubscribe;
	const char *x_auto_response_suppress;
	const char *x_heed_loop;
	int is_bounce;               /* a delivery status notification */
};

/** NULL when the message may get an automatic reply (acknowledgement);
 * otherwise the reason it must not (static text, for the event log).
 * Refuses: Auto-Submitted other than "no", Precedence bulk/list/junk,
 * X-Loop, List-Id or List-Unsubscribe, X-Auto-Response-Suppress naming
 * AutoReply/All/OOF, any heed loop header, the null return path,
 * mailer-daemon/postmaster/noreply-style senders and bounces. (Replies to
 * our own automatic mail are caught by the store, which knows what we sent:
 * HD_MAIL_REASON_OUR_AUTO.) */
const char *hd_mail_autoreply_block(const struct hd_mail_signals *s);

#define HD_MAIL_REASON_OUR_AUTO "the message answers one of our automatic messages"

/** 1 when `addr` is a robot mailbox nobody reads (mailer-daemon,
 * postmaster, noreply, no-reply, do-not-reply, donotreply, bounce(s)). */
int hd_mail_is_robot(const char *addr);

/** At most `max` automatic replies per address per window: given how many
 * were sent to this address inside the window, may one more go? */
int hd_mail_autoreply_allowed(int64_t sent_in_window, int64_t max);

/* ---- which ticket a message names ---------------------------------------- */

/** The ticket named by the first "[#123]" tag in `subject`, 0 when none:
 * heed puts its tag first ("[#9] Re: [#4] ..." for a follow-up of 4), and
 * replies only prepend "Re:". Also accepts "[Desk #123]" — any bracketed
 * text ending in "#<digits>]". */
int64_t hd_mail_subject_ticket(const char *subject);

/** The ticket named by a plus-address "<local>+<n>@<domain>" of the desk
 * address `desk` ("<local>@<domain>"), 0 when `addr` is not one. */
int64_t hd_mail_plus_ticket(const char *addr, const char *desk);

/* ---- joining a ticket or starting one ------------------------------------ */

/** How a candidate ticket was found, strongest first. */
enum hd_thread_via {
	HD_VIA_SIGNED_ID,  /* our signed Message-ID in In-Reply-To/References */
	HD_VIA_KNOWN_ID,   /* a Message-ID we stored (the customer's own earlier mail) */
	HD_VIA_SUBJECT,    /* [#123] in the subject */
	HD_VIA_PLUS,       /* support+123@ */
};

/** What the store found out about one candidate ticket. */
struct hd_thread_candidate {
	int64_t ticket_id;
	enum hd_thread_via via;
	int exists;
	enum hd_status status;
	int sender_is_customer;    /* the sender's identity belongs to the ticket's customer */
	int sender_is_participant; /* the sender was on an earlier mail of the ticket */
};

enum hd_thread_action {
	HD_THREAD_NEW,       /* start a new ticket */
	HD_THREAD_APPEND,    /* add to `ticket_id` */
	HD_THREAD_LINKED,    /* start a new ticket linked to `ticket_id` (not a participant) */
	HD_THREAD_FOLLOW_UP, /* start a new ticket as a follow-up of closed `ticket_id` */
};

struct hd_thread_decision {
	enum hd_thread_action action;
	int64_t ticket_id; /* the ticket appended to or linked from; 0 for NEW */
	const char *why;   /* static text for the event log */
};

/** Decide from candidates given strongest first (the first that exists
 * wins; the rest are ignored). A sender who is neither the ticket's
 * customer nor a participant is never merged silently: LINKED. A closed
 * ticket is final: FOLLOW_UP. */
void hd_thread_decide(const struct hd_thread_candidate *c, size_t n,
		      struct hd_thread_decision *out);

#endif
