/*
 * mailrules.c — automatic-reply, ticket-reference and threading rules for
 * incoming e-mail (see mailrules.h).
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "domain/mailrules.h"
#include "util/banned.h"

/* `value` (a header value) starts with `word`, case-insensitively, followed
 * by the end or a non-word character. */
static int starts_word(const char *value, const char *word)
{
	size_t n = strlen(word);

	while (*value == ' ' || *value == '\t')
		value++;
	return strncasecmp(value, word, n) == 0 &&
	       !(isalnum((unsigned char)value[n]) || value[n] == '-' || value[n] == '_');
}

/* `value` contains `word` as a token, case-insensitively. */
static int has_token(const char *value, const char *word)
{
	size_t n = strlen(word);

	for (const char *p = value; *p; p++) {
		if ((p == value || !isalnum((unsigned char)p[-1])) && strncasecmp(p, word, n) == 0 &&
		    !isalnum((unsigned char)p[n]))
			return 1;
	}
	return 0;
}

int hd_mail_is_robot(const char *addr)
{
	static const char *const robots[] = {
		"mailer-daemon", "postmaster", "noreply",  "no-reply", "no_reply",
		"do-not-reply",  "donotreply", "do_not_reply", "bounce",   "bounces",
	};
	const char *at = addr ? strchr(addr, '@') : NULL;
	size_t local, plus;

	if (!at)
		return 0;
	local = (size_t)(at - addr);
	plus = strcspn(addr, "+@"); /* "bounces+xyz@" is a robot too */
	if (plus < local)
		local = plus;
	for (size_t i = 0; i < sizeof(robots) / sizeof(robots[0]); i++)
		if (strlen(robots[i]) == local && strncasecmp(addr, robots[i], local) == 0)
			return 1;
	return 0;
}

const char *hd_mail_autoreply_block(const struct hd_mail_signals *s)
{
	if (s->x_heed_loop)
		return "the message was sent by a heed help desk (loop header)";
	if (s->is_bounce)
		return "the message is a delivery status notification (bounce)";
	if (s->auto_submitted && !starts_word(s->auto_submitted, "no"))
		return "the message is automatic (Auto-Submitted)";
	if (s->precedence && (starts_word(s->precedence, "bulk") ||
			      starts_word(s->precedence, "list") ||
			      starts_word(s->precedence, "junk")))
		return "the message is bulk or list mail (Precedence)";
	if (s->x_loop)
		return "the message is looping (X-Loop)";
	if (s->list_id || s->list_unsubscribe)
		return "the message came from a mailing list (List-Id/List-Unsubscribe)";
	if (s->x_auto_response_suppress &&
	    (has_token(s->x_auto_response_suppress, "all") ||
	     has_token(s->x_auto_response_suppress, "autoreply") ||
	     has_token(s->x_auto_response_suppress, "oof")))
		return "the sender asked for no automatic replies (X-Auto-Response-Suppress)";
	if (s->return_path && !s->return_path[0])
		return "the message has an empty return path (<>)";
	if (hd_mail_is_robot(s->from))
		return "the sender is a robot mailbox (mailer-daemon, postmaster, noreply)";
	return NULL;
}

int hd_mail_autoreply_allowed(int64_t sent_in_window, int64_t max)
{
	return sent_in_window < max;
}

/* Digits at `p` as a positive ticket number ending at `end` (exclusive);
 * 0 when empty, not all digits or too large. */
static int64_t number(const char *p, const char *end)
{
	int64_t n = 0;

	if (p >= end || end - p > 15)
		return 0;
	for (; p < end; p++) {
		if (*p < '0' || *p > '9')
			return 0;
		n = n * 10 + (*p - '0');
	}
	return n;
}

int64_t hd_mail_subject_ticket(const char *subject)
{
	for (const char *close = subject ? strchr(subject, ']') : NULL; close;
	     close = strchr(close + 1, ']')) {
		const char *hash = close, *open;
		int64_t n;

		while (hash > subject && hash[-1] >= '0' && hash[-1] <= '9')
			hash--;
		if (hash == close || hash == subject || hash[-1] != '#')
			continue;
		/* an opening bracket before the '#' with no ']' in between */
		for (open = hash - 1; open > subject && open[-1] != '[' && open[-1] != ']'; open--)
			;
		if (open == subject || open[-1] != '[' || close - open > 80)
			continue;
		n = number(hash, close);
		if (n)
			return n;
	}
	return 0;
}

int64_t hd_mail_plus_ticket(const char *addr, const char *desk)
{
	const char *dat, *aat, *plus;
	size_t local;

	if (!addr || !desk || !(dat = strchr(desk, '@')) || !(aat = strchr(addr, '@')))
		return 0;
	local = (size_t)(dat - desk);
	plus = addr + local;
	if (plus >= aat || strncasecmp(addr, desk, local) != 0 || *plus != '+' ||
	    strcasecmp(aat, dat) != 0)
		return 0;
	return number(plus + 1, aat);
}

void hd_thread_decide(const struct hd_thread_candidate *c, size_t n,
		      struct hd_thread_decision *out)
{
	out->action = HD_THREAD_NEW;
	out->ticket_id = 0;
	out->why = "no ticket reference";
	for (size_t i = 0; i < n; i++) {
		if (!c[i].exists || c[i].ticket_id <= 0)
			continue;
		out->ticket_id = c[i].ticket_id;
		if (!c[i].sender_is_customer && !c[i].sender_is_participant) {
			out->action = HD_THREAD_LINKED;
			out->why = "the sender is not a participant of the referenced ticket";
		} else if (c[i].status == HD_STATUS_CLOSED) {
			out->action = HD_THREAD_FOLLOW_UP;
			out->why = "the referenced ticket is closed";
		} else {
			out->action = HD_THREAD_APPEND;
			out->why = c[i].via == HD_VIA_SIGNED_ID  ? "reply to our message"
				   : c[i].via == HD_VIA_KNOWN_ID ? "reply to an earlier message"
				   : c[i].via == HD_VIA_SUBJECT  ? "ticket tag in the subject"
								 : "ticket plus-address";
		}
		return;
	}
}
