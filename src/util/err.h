/*
 * err.h — heed's error codes and the error detail record.
 *
 * Every fallible heed function returns 0 on success or a negative HD_E* code.
 * A caller that wants to know *why* passes a `struct hd_err *`; the first
 * failure in a chain of calls writes its message there and the rest of the
 * chain only passes the code up, so an error is reported once, where it was
 * understood. `err` may always be NULL.
 */
#ifndef HD_ERR_H
#define HD_ERR_H

enum hd_errcode {
	HD_OK = 0,
	HD_EINVAL = -1,    /* bad input from outside: 400/422, quarantine, exit 65 */
	HD_ENOTFOUND = -2, /* no such record: 404 */
	HD_ECONFLICT = -3, /* uniqueness or state conflict: 409 */
	HD_EIO = -4,       /* disk, database or system failure: 500/503, retry */
	HD_ENOMEM = -5,    /* allocation failed or a cap was hit while building */
	HD_EBUSY = -6,     /* temporarily unavailable: 503 with Retry-After */
	HD_EDENIED = -7,   /* authenticated but not allowed: 403 */
	HD_ETOOBIG = -8,   /* over a size cap: 413 */
	HD_EPRECOND = -9,  /* If-Match failed: 412 */
	HD_EUNAUTH = -10,  /* missing or bad credentials: 401 */
};

/** Detail of a failure. `code` is the HD_E* code, `msg` a sentence meant for
 * the person who sent the input, `field` the JSON pointer or option name it
 * concerns ("" when none). */
struct hd_err {
	int code;
	char field[64];
	char msg[256];
};

/** Record an error in `err` (if non-NULL and still empty) and return `code`,
 * so that `return hd_err_set(err, HD_EINVAL, "subject", "is required");`
 * reads naturally. `field` may be NULL. */
int hd_err_set(struct hd_err *err, int code, const char *field, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/** Clear `err` so it can be reused. */
void hd_err_clear(struct hd_err *err);

/** A short, stable name of `code` ("invalid", "not-found", ...). Static storage. */
const char *hd_err_name(int code);

#endif
