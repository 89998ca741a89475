/*
 * request.c — reading the parts of a request a handler needs.
 */
#include <stdio.h>
#include <string.h>

#include "http/handlers.h"
#include "http/http.h"
#include "util/banned.h"

const char *hd_req_query(struct hd_req *r, const char *key)
{
	return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, key);
}

const char *hd_req_header(struct hd_req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

int hd_req_body(struct hd_req *r, struct hd_res *res, json_t **root)
{
	json_error_t je;
	const char *ct = hd_req_header(r, MHD_HTTP_HEADER_CONTENT_TYPE);
	char detail[300];

	*root = NULL;
	if (ct && strncmp(ct, "application/json", 16) != 0 &&
	    strncmp(ct, "application/merge-patch+json", 28) != 0) {
		hd_res_problem(res, 415, "unsupported-media-type", "Unsupported media type",
			       "the body must be JSON (Content-Type: application/json)",
			       "Content-Type");
		return -1;
	}
	if (r->body.len == 0) {
		hd_res_problem(res, 400, "malformed", "Malformed request",
			       "the request needs a JSON body", NULL);
		return -1;
	}
	*root = json_loadb(r->body.buf, r->body.len, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &je);
	if (!*root) {
		snprintf(detail, sizeof(detail), "malformed JSON at line %d, column %d: %s",
			 je.line, je.column, je.text);
		hd_res_problem(res, 400, "malformed", "Malformed JSON", detail, NULL);
		return -1;
	}
	if (!json_is_object(*root)) {
		json_decref(*root);
		*root = NULL;
		hd_res_problem(res, 400, "malformed", "Malformed request",
			       "the body must be a JSON object", NULL);
		return -1;
	}
	return 0;
}

int hd_req_require_admin(struct hd_req *r, struct hd_res *res)
{
	if (r->who.kind == HD_AUTHOR_AGENT && r->who.role == HD_ROLE_ADMIN)
		return 1;
	hd_res_problem(res, 403, "forbidden", "Forbidden", "this needs an administrator", NULL);
	return 0;
}

const char *hd_req_query_fn(void *ctx, const char *key)
{
	return hd_req_query(ctx, key);
}
