/*
 * parse.h — one e-mail message, as heed needs it, parsed with GMime.
 *
 * Every byte of MIME (RFC 5322/2045-2049, RFC 2047 encoded words, charsets,
 * base64, quoted-printable) is decoded by GMime; this module only walks the
 * tree GMime builds and copies what heed keeps into the caller's arena:
 * addresses, threading headers, the signals that say "automatic mail",
 * the text and HTML bodies (UTF-8), attachments and inline images, and the
 * report of a delivery status notification (bounce).
 *
 * Owns: nothing after return; every string and buffer in `struct hd_mail`
 * lives in the arena passed to hd_mail_parse().
 * Thread safety: hd_mail_init() once per process before any thread parses;
 * then hd_mail_parse() may run on any thread at once.
 */
#ifndef HD_MAIL_PARSE_H
#define HD_MAIL_PARSE_H

#include <stddef.h>
#include <stdint.h>

#include "util/arena.h"
#include "util/err.h"

/** An address: `addr` lower-cased local@domain ("" when unusable), `name`
 * the decoded display name ("" when none). */
struct hd_mail_addr {
	const char *name;
	const char *addr;
};

/** An attachment or inline part, decoded (transfer encoding removed). */
struct hd_mail_part {
	const char *filename;     /* decoded; "attachment-N" when none given */
	const char *content_type; /* "type/subtype", lower case */
	const char *content_id;   /* without <>, NULL when none */
	int is_inline;            /* Content-Disposition inline or referenced by cid: */
	const unsigned char *data;
	size_t len;
};

/** What a delivery status notification (multipart/report;
 * report-type=delivery-status, RFC 3464) reports, or a non-standard bounce
 * recognised by its shape. */
struct hd_mail_dsn {
	int is_dsn;              /* the message is a bounce / DSN */
	const char *recipient;   /* the address that failed, lower case; NULL if unknown */
	const char *action;      /* "failed", "delayed", "delivered", ...; NULL if unknown */
	const char *status;      /* "5.1.1" ...; NULL if unknown */
	const char *diagnostic;  /* Diagnostic-Code text; NULL if none */
	const char *orig_message_id; /* Message-ID of the bounced message (without <>), if found */
};

struct hd_mail {
	const char *message_id;   /* without <>, NULL when the header is missing or empty */
	const char *in_reply_to;  /* first id in In-Reply-To, without <>; NULL when none */
	const char **references;  /* ids from References then In-Reply-To, without <>, deduplicated;
				     at most 100 (the first and the newest of References) */
	size_t nreferences;
	const char *subject;      /* decoded UTF-8, "" when none */
	int64_t date;             /* ms since the epoch from Date:, 0 when missing/bad */
	struct hd_mail_addr from;     /* first usable From address, else Sender, else
					 Return-Path; never "" after a successful parse */
	struct hd_mail_addr reply_to; /* first Reply-To; addr "" when none */
	struct hd_mail_addr *recipients; /* To, Cc, Delivered-To, X-Original-To, in that order;
					    usable addresses only, each once, at most 256 */
	size_t nrecipients;
	const char *return_path;  /* Return-Path address; "" for <> (or no usable address);
				     NULL when no header */

	/* automation signals, raw header values (trimmed), NULL when absent */
	const char *auto_submitted;
	const char *precedence;
	const char *x_loop;
	const char *list_id;
	const char *list_unsubscribe;
	const char *x_auto_response_suppress;
	const char *x_heed_loop;  /* our own loop header (see compose.h) */

	const char *text;  /* the full plain text (UTF-8, "\n" line ends); from text/plain,
			      or converted from the HTML when there is no text part;
			      "" when none */
	const char *html;  /* the HTML alternative (UTF-8), NULL when none */
	struct hd_mail_part *parts; /* attachments and inline images, in tree order;
				       a forwarded message/rfc822 is one part with its raw
				       bytes; winmail.dat stays an attachment */
	size_t nparts;
	struct hd_mail_dsn dsn;
	int calendar;      /* a text/calendar part is present (meeting invitation) */
};

/** Call once per process (wraps g_mime_init). Safe to call again and from
 * any thread (pthread_once); hd_mail_parse() calls it too. */
void hd_mail_init(void);

/** Parse `len` bytes of one RFC 5322 message. Returns 0, or HD_EINVAL with
 * a reason in `err` when the bytes are not a message heed can accept (no
 * headers at all, no usable sender address); HD_ETOOBIG when `len` exceeds
 * `max_len`; HD_ENOMEM when the arena's cap is reached (parts, text and
 * HTML together can take a few times `len`). Never crashes on any input. */
int hd_mail_parse(const void *raw, size_t len, size_t max_len, struct hd_mail *out,
		  struct hd_arena *a, struct hd_err *err);

#endif
