/*
 * problem.c — JSON and RFC 9457 problem+json responses.
 *
 * Every error heed answers is a problem document:
 *   {"type": "/problems/<slug>", "title": ..., "status": ..., "detail": ...,
 *    "field": <the input at fault, when known>}
 */
#include <stdlib.h>
#include <string.h>

#include "http/http.h"
#include "util/banned.h"

void hd_res_json(struct hd_res *res, unsigned status, json_t *root)
{
	char *text = root ? json_dumps(root, JSON_COMPACT) : NULL;

	json_decref(root);
	if (!text) {
		hd_res_problem(res, 500, "internal", "Internal error",
			       "the response could not be built", NULL);
		return;
	}
	free(res->body);
	res->status = status;
	res->ctype = "application/json";
	res->body = text;
	res->len = strlen(text);
}

void hd_res_html(struct hd_res *res, unsigned status, const char *html)
{
	free(res->body);
	res->status = status;
	res->ctype = "text/html; charset=utf-8";
	res->body = strdup(html);
	res->len = res->body ? strlen(res->body) : 0;
	if (!res->body)
		hd_res_problem(res, 500, "internal", "Internal error", "out of memory", NULL);
}

void hd_res_problem(struct hd_res *res, unsigned status, const char *slug, const char *title,
		    const char *detail, const char *field)
{
	json_t *p = json_object();
	char type[96];
	char *text;

	snprintf(type, sizeof(type), "/problems/%s", slug);
	json_object_set_new(p, "type", json_string(type));
	json_object_set_new(p, "title", json_string(title));
	json_object_set_new(p, "status", json_integer(status));
	if (detail && detail[0])
		json_object_set_new(p, "detail", json_string(detail));
	if (field && field[0])
		json_object_set_new(p, "field", json_string(field));
	text = json_dumps(p, JSON_COMPACT);
	json_decref(p);
	free(res->body);
	res->status = status;
	res->ctype = "application/problem+json";
	res->body = text ? text : strdup("{\"title\":\"Internal error\",\"status\":500}");
	res->len = res->body ? strlen(res->body) : 0;
	if (!text)
		res->status = 500;
}

void hd_res_err(struct hd_res *res, const struct hd_err *err)
{
	const char *detail = err && err->msg[0] ? err->msg : NULL;
	const char *field = err ? err->field : NULL;

	switch (err ? err->code : HD_EIO) {
	case HD_EINVAL:
		hd_res_problem(res, 422, "invalid", "Invalid input", detail, field);
		break;
	case HD_ENOTFOUND:
		hd_res_problem(res, 404, "not-found", "Not found", detail, field);
		break;
	case HD_ECONFLICT:
		hd_res_problem(res, 409, "conflict", "Conflict", detail, field);
		break;
	case HD_EDENIED:
		hd_res_problem(res, 403, "forbidden", "Forbidden", detail, field);
		break;
	case HD_EUNAUTH:
		hd_res_problem(res, 401, "unauthorized", "Unauthorized", detail, field);
		break;
	case HD_ETOOBIG:
		hd_res_problem(res, 413, "too-big", "Too large", detail, field);
		break;
	case HD_EPRECOND:
		hd_res_problem(res, 412, "precondition-failed", "Precondition failed", detail,
			       field);
		break;
	case HD_EBUSY:
		hd_res_problem(res, 503, "busy", "Busy, try again", detail, field);
		break;
	default:
		hd_res_problem(res, 503, "unavailable", "Temporarily unavailable",
			       "heed could not complete the request; nothing was changed unless "
			       "a retry says so. Try again.",
			       NULL);
		break;
	}
}
