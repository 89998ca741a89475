/*
 * signin_link.h — the signed token of a portal sign-in link (the "magic
 * link" mailed to a customer, store/sqlite/portal.c).
 *
 * A token is
 *   <customer>.<expires_at>.<nonce>.<mac>
 * where nonce is 8 random bytes and mac a truncated (128-bit) HMAC-SHA-256
 * (libsodium) of "M<customer>.<expires_at>.<nonce>" under the desk's mail
 * key (util/msgid.h). The "M" keeps a token's MAC from ever being a
 * Message-ID's or a confirmation link's. The token itself says nothing
 * about whether it was used: the store keeps that.
 */
#ifndef HD_SIGNIN_LINK_H
#define HD_SIGNIN_LINK_H

#include <stddef.h>
#include <stdint.h>

#include "util/msgid.h"

#define HD_SIGNIN_LINK_MAX 128 /* buffer size for a token; tokens are shorter */

/** A new token for `customer` expiring at `expires_at` (ms) into `out`.
 * 0, or HD_EINVAL when `outlen` is too small. */
int hd_signin_link_make(const unsigned char key[HD_MSGID_KEYLEN], int64_t customer,
			int64_t expires_at, char *out, size_t outlen);

/** 1 with the customer and expiry when this key signed `token` (any
 * string from outside); 0 otherwise. Constant-time MAC check; reads no
 * clock (the caller compares the expiry). */
int hd_signin_link_check(const unsigned char key[HD_MSGID_KEYLEN], const char *token,
			 int64_t *customer, int64_t *expires_at);

#endif
