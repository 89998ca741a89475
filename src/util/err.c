/*
 * err.c — the error detail record (see err.h).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "util/err.h"
#include "util/banned.h"

int hd_err_set(struct hd_err *err, int code, const char *field, const char *fmt, ...)
{
	va_list ap;

	if (!err || err->code)
		return code;
	err->code = code;
	snprintf(err->field, sizeof(err->field), "%s", field ? field : "");
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return code;
}

void hd_err_clear(struct hd_err *err)
{
	if (err)
		memset(err, 0, sizeof(*err));
}

const char *hd_err_name(int code)
{
	switch (code) {
	case HD_OK: return "ok";
	case HD_EINVAL: return "invalid";
	case HD_ENOTFOUND: return "not-found";
	case HD_ECONFLICT: return "conflict";
	case HD_EIO: return "io";
	case HD_ENOMEM: return "no-memory";
	case HD_EBUSY: return "busy";
	case HD_EDENIED: return "forbidden";
	case HD_ETOOBIG: return "too-big";
	case HD_EPRECOND: return "precondition-failed";
	case HD_EUNAUTH: return "unauthorized";
	}
	return "unknown";
}
