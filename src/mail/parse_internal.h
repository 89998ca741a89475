/*
 * parse_internal.h — what parse.c shares with parse_dsn.c, and nothing else
 * may use: the state of one hd_mail_parse() call and the helpers that copy
 * what GMime returns into the caller's arena as valid UTF-8.
 *
 * Owns: nothing. Strings these helpers return live in the walk's arena;
 * GMime objects and streams they return are the caller's to unref.
 * On a full arena they record HD_ENOMEM in `w->rc` and return "" (never
 * NULL for a non-NULL input), so a walk can carry on and fail once at the end.
 */
#ifndef HD_MAIL_PARSE_INTERNAL_H
#define HD_MAIL_PARSE_INTERNAL_H

#include <stddef.h>

#include <gmime/gmime.h>

#include "mail/parse.h"
#include "util/sbuf.h"

/** The state of one hd_mail_parse() call. */
struct hd_mail_walk {
	struct hd_mail *m;
	struct hd_arena *a;
	GMimeParserOptions *opts;
	int rc;                   /* HD_ENOMEM once the arena is full */
	size_t cap_parts;         /* slots in m->parts */
	struct hd_sbuf text;      /* the body text so far (copied to m->text at the end) */
	int have_text;            /* a text/plain body part was seen */
	GMimeObject *text_parent; /* the container of the first one */
	int report;               /* inside multipart/report; report-type=delivery-status */
	int dsn_failed;           /* the recipient block kept says Action: failed */
	int dsn_block;            /* a recipient block was kept */
	int dsn_parts;            /* delivery-status parts seen */
	const char *returned_id;  /* Message-ID of the first message/rfc822 or
				     text/rfc822-headers part */
};

/** Record that the arena is full (HD_ENOMEM in `w->rc`, once). */
void hd_mail_nomem(struct hd_mail_walk *w);

/** s[0..n) into the arena as valid UTF-8 (NUL and bad bytes become U+FFFD). */
const char *hd_mail_utf8(struct hd_mail_walk *w, const char *s, size_t n);

/** A header value as heed keeps it: line breaks dropped (unfolding), with
 * `collapse` every run of white space and control characters one space,
 * trimmed, valid UTF-8, in the arena. NULL stays NULL. */
const char *hd_mail_clean(struct hd_mail_walk *w, const char *v, int collapse);

/** An address as heed keeps it, in the arena: lower case, or "" when it is
 * not usable (no '@', empty local part or domain, spaces, too long). */
const char *hd_mail_norm_addr(struct hd_mail_walk *w, const char *addr);

/** The first usable mailbox of `l` (group members included) into `out`;
 * 1 when there was one. */
int hd_mail_first_mailbox(struct hd_mail_walk *w, InternetAddressList *l,
			  struct hd_mail_addr *out);

/** The decoded bytes of a leaf (transfer encoding removed) in a new memory
 * stream; the caller unrefs it. */
GMimeStream *hd_mail_leaf_bytes(GMimePart *p);

/** The bytes a memory stream holds (owned by the stream). */
GByteArray *hd_mail_bytes(GMimeStream *mem);

/** Read a message/delivery-status part of a multipart/report into
 * `w->m->dsn` (parse_dsn.c). */
void hd_mail_dsn_fields(struct hd_mail_walk *w, GMimePart *p);

/** After the walk: recognise a bounce that is not a standard DSN, and fill
 * what a DSN's report left open from the text (parse_dsn.c). */
void hd_mail_bounce_from_text(struct hd_mail_walk *w);

#endif
