/*
 * auth.c — who is calling: a Bearer API token (integrations) or the web
 * app's session cookie (heed_session), each stored only as its SHA-256.
 *
 * The Authorization header wins: with it the cookie is not looked at. With
 * the cookie, a request that changes something (anything but GET and HEAD)
 * must also carry X-CSRF-Token equal to the session's CSRF token: another
 * site can make a browser send the cookie, but cannot read the token.
 * Bearer requests need no CSRF token (browsers never add that header on
 * their own).
 *
 * Every request needs its agent; looking it up in the database each time
 * cost a tenth of a ticket GET. A small cache keeps recent lookups of both
 * kinds for AUTH_TTL_MS, and drops everything when the store's auth epoch
 * changes (an agent deactivated or their role changed, a session ended), so
 * a revoked agent or a signed-out session is refused at once. Only valid
 * credentials are cached; a wrong one always reaches the store. A session's
 * own end (expires_at, wall clock) is checked on every request, cached or
 * not, and a session in use is "touched" (its idle end moved forward, one
 * write) at most once per SESSION_TOUCH_MS.
 */
#include <pthread.h>
#include <string.h>

#include <sodium.h>

#include "http/http.h"
#include "util/secret.h"
#include "util/timeutil.h"
#include "util/banned.h"

#define AUTH_SLOTS 1024
#define AUTH_TTL_MS 10000
#define SESSION_TOUCH_MS 60000

enum cred_kind {
	CRED_TOKEN = 1,
	CRED_SESSION,
};

struct auth_slot {
	char hash[HD_HASH_HEX_LEN + 1];
	enum cred_kind kind;
	struct hd_session s; /* s.who for both kinds; the rest for a session (id 0: a token) */
	int64_t expires;     /* monotonic ms */
	uint64_t epoch;
};

static struct auth_slot auth_cache[AUTH_SLOTS];
static pthread_mutex_t auth_mu = PTHREAD_MUTEX_INITIALIZER;

/* ---- the cache ------------------------------------------------------------ */

static struct auth_slot *slot_of(const char *hash)
{
	unsigned h = 0;

	for (int i = 0; i < 8; i++)
		h = h * 16 + (unsigned)(hash[i] <= '9' ? hash[i] - '0' : hash[i] - 'a' + 10);
	return &auth_cache[h % AUTH_SLOTS];
}

static int cache_get(enum cred_kind kind, const char *hash, uint64_t epoch, int64_t now,
		     struct hd_session *out)
{
	struct auth_slot *s = slot_of(hash);
	int hit;

	pthread_mutex_lock(&auth_mu);
	hit = s->kind == kind && s->epoch == epoch && s->expires > now && !strcmp(s->hash, hash);
	if (hit)
		*out = s->s;
	pthread_mutex_unlock(&auth_mu);
	return hit;
}

static void cache_put(enum cred_kind kind, const char *hash, uint64_t epoch, int64_t now,
		      const struct hd_session *in)
{
	struct auth_slot *s = slot_of(hash);

	pthread_mutex_lock(&auth_mu);
	memcpy(s->hash, hash, sizeof(s->hash));
	s->kind = kind;
	s->s = *in;
	s->expires = now + AUTH_TTL_MS;
	s->epoch = epoch;
	pthread_mutex_unlock(&auth_mu);
}

static int unauthorized(struct hd_res *res, const char *detail)
{
	hd_res_problem(res, 401, "unauthorized", "Unauthorized", detail, NULL);
	return -1;
}

/* The SHA-256 of credential `c` into `hash`; non-zero when it cannot be one. */
static int credential_hash(const char *c, char *hash)
{
	size_t n = strlen(c);

	if (n < 8 || n > 256)
		return -1;
	hd_secret_sha256_hex(c, n, hash);
	return 0;
}

/* ---- Bearer API tokens ---------------------------------------------------- */

/* `h`: the Authorization header. */
static int auth_bearer(struct hd_req *r, struct hd_res *res, const char *h)
{
	char hash[HD_HASH_HEX_LEN + 1];
	struct hd_session s = { 0 };
	struct hd_err err = { 0 };
	uint64_t epoch;
	int64_t now;

	if (strncasecmp(h, "Bearer ", 7) != 0)
		return unauthorized(res, "send an API token: Authorization: Bearer <token>");
	h += 7;
	while (*h == ' ')
		h++;
	if (credential_hash(h, hash))
		return unauthorized(res, "the API token is not valid");
	/* The epoch is read before the lookup: a change that races with it
	 * makes the entry stale at once rather than trusted for 10 s. */
	epoch = hd_store_auth_epoch(r->app->store);
	now = hd_mono_ms();
	if (cache_get(CRED_TOKEN, hash, epoch, now, &s)) {
		r->who = s.who;
		return 0;
	}
	if (hd_store_token_lookup(r->app->store, hash, &s.who, &err)) {
		if (err.code == HD_EUNAUTH)
			return unauthorized(res, "the API token is not valid");
		hd_res_err(res, &err);
		return -1;
	}
	cache_put(CRED_TOKEN, hash, epoch, now, &s);
	r->who = s.who;
	return 0;
}

/* ---- session cookies ------------------------------------------------------- */

static int auth_cookie(struct hd_req *r, struct hd_res *res)
{
	const char *tok = MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, HD_SESSION_COOKIE);
	char hash[HD_HASH_HEX_LEN + 1];
	struct hd_err err = { 0 };
	uint64_t epoch;
	int64_t mono, now;
	int cached;

	if (!tok)
		return unauthorized(res, "there is no session: sign in (POST /api/v1/session)");
	if (credential_hash(tok, hash))
		return unauthorized(res, "the session is not valid; sign in again");
	epoch = hd_store_auth_epoch(r->app->store);
	mono = hd_mono_ms();
	now = hd_now_ms();
	cached = cache_get(CRED_SESSION, hash, epoch, mono, &r->session) &&
		 r->session.expires_at > now;
	if (!cached && hd_store_session_lookup(r->app->store, hash, now, &r->session, &err))
		goto fail;
	if (now - r->session.last_seen_at >= SESSION_TOUCH_MS) {
		if (hd_store_session_touch(r->app->store, &r->session, now, &err))
			goto fail;
		cached = 0;
	}
	if (!cached)
		cache_put(CRED_SESSION, hash, epoch, mono, &r->session);
	r->who = r->session.who;
	return 0;
fail:
	memset(&r->session, 0, sizeof(r->session));
	if (err.code == HD_EUNAUTH)
		return unauthorized(res, "the session has ended; sign in again");
	hd_res_err(res, &err);
	return -1;
}

/* Whether the request may go on as far as CSRF goes: a request with a
 * cookie that changes something (not GET or HEAD) must carry the session's
 * CSRF token `want`. */
static int csrf_ok(struct hd_req *r, const char *want)
{
	const char *h;

	if (r->method == HD_GET || r->method == HD_HEAD)
		return 1;
	h = hd_req_header(r, "X-CSRF-Token");
	return h && strlen(h) == HD_CSRF_LEN && sodium_memcmp(h, want, HD_CSRF_LEN) == 0;
}

/* The agents' session: answers 403 when csrf_ok refuses. */
static int check_csrf(struct hd_req *r, struct hd_res *res)
{
	if (csrf_ok(r, r->session.csrf_token))
		return 0;
	hd_res_problem(res, 403, "csrf", "Missing or wrong CSRF token",
		       "missing or wrong CSRF token: send the session's csrf_token (from "
		       "/api/v1/session) in X-CSRF-Token",
		       "X-CSRF-Token");
	return -1;
}

int hd_auth_session(struct hd_req *r, struct hd_res *res)
{
	return auth_cookie(r, res);
}

int hd_auth(struct hd_req *r, struct hd_res *res)
{
	const char *h = hd_req_header(r, MHD_HTTP_HEADER_AUTHORIZATION);

	if (h)
		return auth_bearer(r, res, h);
	if (!MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, HD_SESSION_COOKIE))
		return unauthorized(res, "send an API token (Authorization: Bearer <token>) or "
					 "sign in (POST /api/v1/session)");
	if (auth_cookie(r, res))
		return -1;
	return check_csrf(r, res);
}

/* ---- customers' portal sessions ---------------------------------------------- */

/* Customers sign in rarely and read little: no cache, one indexed read per
 * request, a touch at most once per SESSION_TOUCH_MS. */
int hd_auth_customer(struct hd_req *r, struct hd_res *res)
{
	const char *tok = MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, HD_PORTAL_COOKIE);
	char hash[HD_HASH_HEX_LEN + 1];
	struct hd_err err = { 0 };
	int64_t now = hd_now_ms();

	if (!tok)
		return unauthorized(res, "there is no portal session: sign in with the link we "
					 "mail you (POST /api/v1/portal/magic-link)");
	if (credential_hash(tok, hash) ||
	    hd_store_portal_session_lookup(r->app->store, hash, now, &r->portal, &err) ||
	    (now - r->portal.last_seen_at >= SESSION_TOUCH_MS &&
	     hd_store_portal_session_touch(r->app->store, &r->portal, now, &err))) {
		memset(&r->portal, 0, sizeof(r->portal));
		if (!err.code || err.code == HD_EUNAUTH)
			return unauthorized(res, "the portal session has ended; sign in again");
		hd_res_err(res, &err);
		return -1;
	}
	r->who.kind = HD_AUTHOR_CUSTOMER;
	r->who.id = r->portal.customer_id;
	r->who.role = HD_ROLE_AGENT; /* meaningless for customers */
	if (csrf_ok(r, r->portal.csrf_token))
		return 0;
	hd_res_problem(res, 403, "csrf", "Missing or wrong CSRF token",
		       "missing or wrong CSRF token: send the portal session's csrf_token (from "
		       "/api/v1/portal/session) in X-CSRF-Token",
		       "X-CSRF-Token");
	return -1;
}
