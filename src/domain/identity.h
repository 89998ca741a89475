/*
 * identity.h — validating and normalising a customer's identities.
 *
 * One customer may have many identities (G5); each (kind, value) pair
 * belongs to exactly one customer, so the stored value must be canonical:
 *  - email: trimmed, lower-cased, one '@', non-empty local part and domain,
 *    no spaces or control characters, at most 254 bytes;
 *  - phone: '+' kept if leading, spaces, dots, dashes and parentheses
 *    dropped, 5 to 20 digits;
 *  - handle: trimmed, 1 to 200 printable bytes, lower-cased
 *    (e.g. "twitter:@acme").
 * Pure: writes into a caller buffer.
 */
#ifndef HD_DOMAIN_IDENTITY_H
#define HD_DOMAIN_IDENTITY_H

#include <stddef.h>

#include "domain/enums.h"
#include "util/err.h"

#define HD_IDENTITY_MAX 256

/** Normalise `in` of `kind` into `out` (HD_IDENTITY_MAX bytes).
 * 0 or HD_EINVAL with a reason in `err` (field `field`). */
int hd_identity_normalize(enum hd_idkind kind, const char *in, char *out, const char *field,
			  struct hd_err *err);

#endif
