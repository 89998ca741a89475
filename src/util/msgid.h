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

#endif
