/*
 * auth.c — who is calling: a Bearer API token (stored only as its SHA-256).
 */
#include <string.h>

#include "http/http.h"
#include "util/secret.h"
#include "util/banned.h"

int hd_auth(struct hd_req *r, struct hd_res *res)
{
	const char *h = hd_req_header(r, MHD_HTTP_HEADER_AUTHORIZATION);
	char hash[HD_HASH_HEX_LEN + 1];
	struct hd_err err = { 0 };
	size_t n;

	if (!h || strncasecmp(h, "Bearer ", 7) != 0) {
		hd_res_problem(res, 401, "unauthorized", "Unauthorized",
			       "send an API token: Authorization: Bearer <token>", NULL);
		return -1;
	}
	h += 7;
	while (*h == ' ')
		h++;
	n = strlen(h);
	if (n < 8 || n > 256) {
		hd_res_problem(res, 401, "unauthorized", "Unauthorized", "the API token is not valid",
			       NULL);
		return -1;
	}
	hd_secret_sha256_hex(h, n, hash);
	if (hd_store_token_lookup(r->app->store, hash, &r->who, &err)) {
		if (err.code == HD_EUNAUTH)
			hd_res_problem(res, 401, "unauthorized", "Unauthorized",
				       "the API token is not valid", NULL);
		else
			hd_res_err(res, &err);
		return -1;
	}
	return 0;
}
