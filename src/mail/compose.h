/*
 * compose.h — building the MIME message heed sends, with GMime.
 *
 * An outbound message (acknowledgement, agent reply, automatic notice) is
 * composed here from an outbox row: plain text plus, when given, an HTML
 * alternative (multipart/alternative), UTF-8, RFC 2047 headers for non-ASCII
 * names and subjects, our stable Message-ID, threading headers, and for
 * automatic mail `Auto-Submitted` plus heed's loop header.
 *
 * Owns: the returned bytes are in the caller's arena.
 */
#ifndef HD_MAIL_COMPOSE_H
#define HD_MAIL_COMPOSE_H

#include <stddef.h>
#include <stdint.h>

#include "util/arena.h"
#include "util/err.h"

/** The loop header every mail heed sends carries; a message arriving with it
 * was sent by a heed (ours or another one) and is never auto-answered. */
#define HD_MAIL_LOOP_HEADER "X-Heed-Loop"

struct hd_mail_out {
	const char *from_name;    /* e.g. "Ana at Acme Support"; may be NULL */
	const char *from_addr;    /* envelope and header sender */
	const char *to_name;      /* may be NULL */
	const char *to_addr;
	const char *subject;      /* UTF-8 */
	const char *text;         /* UTF-8 plain text */
	const char *html;         /* UTF-8 HTML alternative; NULL: text only */
	const char *message_id;   /* with or without <>; stable across retries */
	const char *in_reply_to;  /* with or without <>; NULL when none */
	const char *references;   /* space-separated ids; NULL when none */
	const char *auto_submitted; /* "auto-replied" / "auto-generated"; NULL for a person's reply */
	const char *loop_value;   /* value of HD_MAIL_LOOP_HEADER (the desk's address) */
	int64_t date;             /* ms since the epoch */
};

/** Compose `m` into RFC 5322 bytes (CRLF line ends) in the arena. */
int hd_mail_compose(const struct hd_mail_out *m, char **out, size_t *len, struct hd_arena *a,
		    struct hd_err *err);

#endif
