/*
 * msgid.h — heed's signed Message-IDs, so a reply finds its ticket.
 *
 * Every mail heed sends carries a Message-ID of the form
 *   <heed.T<ticket>.<nonce>.<mac>@<domain>>
 * where mac is a truncated HMAC-SHA-256 (libsodium) of "T<ticket>.<nonce>"
 * under the installation's secret key. A reply quotes it in In-Reply-To or
 * References; only a Message-ID this installation signed names a ticket, so
 * an id made up by a sender, or one from another heed, is never trusted.
 * The domain is not signed: changing the mail domain keeps old replies
 * threading.
 */
#ifndef HD_MSGID_H
#define HD_MSGID_H

#include <stddef.h>
#include <stdint.h>

#define HD_MSGID_KEYLEN 32
#define HD_MSGID_MAX 192 /* buffer size for a composed id, with <> */

/** Compose a new signed id for `ticket` with a random nonce into `out`
 * (HD_MSGID_MAX bytes), with angle brackets. 0, or HD_EINVAL when the
 * domain is too long. */
int hd_msgid_make(const unsigned char key[HD_MSGID_KEYLEN], int64_t ticket, const char *domain,
		  char *out, size_t outlen);

/** 1 and the ticket in `*ticket` when `id` (with or without <>) is a
 * Message-ID this key signed; 0 otherwise. Constant-time MAC check. */
int hd_msgid_ticket(const unsigned char key[HD_MSGID_KEYLEN], const char *id, int64_t *ticket);

/* Confirmation links: "Yes, solved" / "No, still a problem" in the mail a
 * customer gets when their ticket is solved. The token names the ticket and
 * the instant it was solved, signed with the same key (under another
 * prefix, so a link's MAC is never a Message-ID's): a link works only for
 * the resolution it was sent for. */

#define HD_LINK_MAX 64 /* buffer size for a token */

/** "<ticket>.<solved_at>.<mac>" into `out`. 0 or HD_EINVAL (too small). */
int hd_link_make(const unsigned char key[HD_MSGID_KEYLEN], int64_t ticket, int64_t solved_at,
		 char *out, size_t outlen);

/** 1 with the ticket and the solve instant when this key signed `token`;
 * 0 otherwise. Constant-time MAC check. */
int hd_link_check(const unsigned char key[HD_MSGID_KEYLEN], const char *token, int64_t *ticket,
		  int64_t *solved_at);

#endif
