/*
 * http.h — what the HTTP layer's files share: the request and response of
 * one call, and the helpers every handler uses.
 *
 * A request owns an arena (freed when the connection's request ends) that
 * holds everything a handler allocates. A handler fills `struct hd_res`;
 * the server turns it into an MHD response. Handlers never talk to MHD
 * directly except through these helpers.
 */
#ifndef HD_HTTP_H
#define HD_HTTP_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>
#include <microhttpd.h>

#include "store/store.h"
#include "util/arena.h"
#include "util/config.h"
#include "util/sbuf.h"

struct hd_app {
	struct hd_store *store;
	const struct hd_config *cfg;
	int64_t started_at;
	const char *data_dir;
	struct hd_live *live; /* live updates (live.c); set by hd_server_start */
};

enum hd_method {
	HD_GET,
	HD_HEAD,
	HD_POST,
	HD_PATCH,
	HD_PUT,
	HD_DELETE,
	HD_OPTIONS,
	HD_METHOD_OTHER
};

struct hd_res {
	unsigned status;
	const char *ctype;
	char *body;   /* malloc'd; handed to MHD */
	size_t len;
	int fd;       /* >= 0: send this file instead of body */
	uint64_t fd_size;
	const char *disposition; /* Content-Disposition for files */
	char etag[40];
	char location[160];
	const char *allow;
	int replayed; /* Idempotent-Replayed: true */
	char cookie[192]; /* Set-Cookie value (sessions); "": none */
	int retry_after;  /* > 0: Retry-After in seconds (429) */
	/* The embedded web app (static.c): */
	const void *static_body;   /* instead of body: static bytes (len), never freed */
	const char *cache_control; /* NULL: no-store */
	const char *encoding;      /* Content-Encoding, or NULL */
	const char *vary;          /* Vary, or NULL */
	const char *csp;           /* Content-Security-Policy of HTML; NULL: the default */
	char extra_name[48];       /* one more header (e.g. X-Heed-Blocked-Images); "" none */
	char extra_value[48];
	struct hd_live_stream *stream; /* an event stream (live.c) instead of a body */
};

enum hd_req_state {
	HD_REQ_READING, /* headers and body arriving */
	HD_REQ_QUEUED,  /* a write handed to an executor; connection suspended */
	HD_REQ_DONE,    /* the executor answered into `res` */
};

struct hd_req {
	struct MHD_Connection *conn;
	enum hd_req_state state;
	struct hd_req *next; /* executor queue */
	struct hd_app *app;
	enum hd_method method;
	const char *path;
	struct hd_arena arena;
	struct hd_sbuf body;
	int too_big;     /* the body passed max_body_bytes; answered with 413 */
	int answered;    /* a response was queued already */
	struct hd_actor who;
	struct hd_session session; /* the web app session signed in with; id 0: none */
	struct hd_portal_session portal; /* a customer's portal session; id 0: none */
	int64_t ids[3];  /* numeric path segments matched by the router */
	char word[136];  /* a "*" path segment matched by the router (a token) */
	struct hd_idem idem;
	char request_hash[72];
	struct hd_res res; /* the answer of a write run by an executor */
};


typedef void (*hd_handler)(struct hd_req *r, struct hd_res *res);

/* ---- responses (problem.c) ---- */

/** Answer `status` with the JSON `root` (consumed; NULL answers 500). */
void hd_res_json(struct hd_res *res, unsigned status, json_t *root);

/** Answer an RFC 9457 problem. `slug` names the problem type
 * ("/problems/<slug>"); `field` (may be NULL) names the input at fault. */
void hd_res_problem(struct hd_res *res, unsigned status, const char *slug, const char *title,
		    const char *detail, const char *field);

/** Answer the problem that `err` describes, choosing the status from its
 * code (HD_EINVAL 422, HD_ENOTFOUND 404, HD_ECONFLICT 409, ...). */
void hd_res_err(struct hd_res *res, const struct hd_err *err);

/* ---- request helpers (request.c) ---- */

/** A query-string argument, or NULL. */
const char *hd_req_query(struct hd_req *r, const char *key);

/** A request header, or NULL. */
const char *hd_req_header(struct hd_req *r, const char *name);

/** Who is asking, as text, into `out` (`len` bytes): the peer's address,
 * or for a peer on the loopback interface (a reverse proxy) the last
 * address of X-Forwarded-For (h_session.c). */
void hd_req_client_address(struct hd_req *r, char *out, size_t len);

/** Answer `status` with an HTML page (`html` is copied). */
void hd_res_html(struct hd_res *res, unsigned status, const char *html);

/** Parse the body as a JSON object into `*root` (caller decrefs). On
 * failure answers 415 (not JSON) or 400 (malformed, naming line and column;
 * not an object) and returns non-zero. */
int hd_req_body(struct hd_req *r, struct hd_res *res, json_t **root);

/** Whether the caller is an admin; otherwise answer 403 and return 0. */
int hd_req_require_admin(struct hd_req *r, struct hd_res *res);

/* ---- routing (router.c) ---- */

/** Find the handler for the request's method and path and run it. */
void hd_route(struct hd_req *r, struct hd_res *res);

/* ---- authentication (auth.c) ---- */

/** The cookie that carries a web app session. */
#define HD_SESSION_COOKIE "heed_session"

/** Authenticate with the Authorization header (a Bearer API token) or,
 * without one, the session cookie; fills r->who (and r->session for a
 * cookie). A request with the cookie that is not GET or HEAD must carry
 * the session's X-CSRF-Token. On failure answers 401 (403 for a missing or
 * wrong CSRF token) and returns non-zero. */
int hd_auth(struct hd_req *r, struct hd_res *res);

/** Authenticate with the session cookie only (no CSRF check): fills
 * r->who and r->session, or answers 401 and returns non-zero. */
int hd_auth_session(struct hd_req *r, struct hd_res *res);

/** The cookie that carries a customer's portal session. */
#define HD_PORTAL_COOKIE "heed_portal"

/** Authenticate a customer with the portal cookie only (never a Bearer
 * token or the agents' cookie): fills r->portal and r->who (kind customer,
 * id the customer's). A request that is not GET or HEAD must carry the
 * portal session's X-CSRF-Token. On failure answers 401 (403 for a missing
 * or wrong CSRF token) and returns non-zero. */
int hd_auth_customer(struct hd_req *r, struct hd_res *res);

/* ---- server (server.c) ---- */

struct hd_server;

/** Start serving `app` on cfg->listen with cfg->workers threads. The bound
 * port (useful with port 0) goes to `*port`. */
int hd_server_start(struct hd_app *app, struct hd_server **out, unsigned *port,
		    struct hd_err *err);

/** Stop accepting, finish running requests, free the server. */
void hd_server_stop(struct hd_server *s);

#endif
