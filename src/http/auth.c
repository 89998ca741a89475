/*
 * auth.c — who is calling: a Bearer API token (stored only as its SHA-256).
 *
 * Every request needs the token's agent; looking it up in the database each
 * time cost a tenth of a ticket GET. A small cache keeps recent lookups for
 * AUTH_TTL_MS, and drops everything when the store's auth epoch changes (an
 * agent deactivated or their role changed), so a revoked agent is refused at
 * once. Only valid tokens are cached; a wrong token always reaches the store.
 */
#include <pthread.h>
#include <string.h>

#include "http/http.h"
#include "util/secret.h"
#include "util/timeutil.h"
#include "util/banned.h"

#define AUTH_SLOTS 1024
#define AUTH_TTL_MS 10000

struct auth_slot {
	char hash[HD_HASH_HEX_LEN + 1];
	struct hd_actor who;
	int64_t expires; /* monotonic ms */
	uint64_t epoch;
};

static struct auth_slot auth_cache[AUTH_SLOTS];
static pthread_mutex_t auth_mu = PTHREAD_MUTEX_INITIALIZER;

static struct auth_slot *slot_of(const char *hash)
{
	unsigned h = 0;

	for (int i = 0; i < 8; i++)
		h = h * 16 + (unsigned)(hash[i] <= '9' ? hash[i] - '0' : hash[i] - 'a' + 10);
	return &auth_cache[h % AUTH_SLOTS];
}

static int cache_get(const char *hash, uint64_t epoch, int64_t now, struct hd_actor *who)
{
	struct auth_slot *s = slot_of(hash);
	int hit;

	pthread_mutex_lock(&auth_mu);
	hit = s->epoch == epoch && s->expires > now && !strcmp(s->hash, hash);
	if (hit)
		*who = s->who;
	pthread_mutex_unlock(&auth_mu);
	return hit;
}

static void cache_put(const char *hash, uint64_t epoch, int64_t now, const struct hd_actor *who)
{
	struct auth_slot *s = slot_of(hash);

	pthread_mutex_lock(&auth_mu);
	memcpy(s->hash, hash, sizeof(s->hash));
	s->who = *who;
	s->expires = now + AUTH_TTL_MS;
	s->epoch = epoch;
	pthread_mutex_unlock(&auth_mu);
}

int hd_auth(struct hd_req *r, struct hd_res *res)
{
	const char *h = hd_req_header(r, MHD_HTTP_HEADER_AUTHORIZATION);
	char hash[HD_HASH_HEX_LEN + 1];
	struct hd_err err = { 0 };
	uint64_t epoch;
	int64_t now;
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
	/* The epoch is read before the lookup: a change that races with it
	 * makes the entry stale at once rather than trusted for 10 s. */
	epoch = hd_store_auth_epoch(r->app->store);
	now = hd_mono_ms();
	if (cache_get(hash, epoch, now, &r->who))
		return 0;
	if (hd_store_token_lookup(r->app->store, hash, &r->who, &err)) {
		if (err.code == HD_EUNAUTH)
			hd_res_problem(res, 401, "unauthorized", "Unauthorized",
				       "the API token is not valid", NULL);
		else
			hd_res_err(res, &err);
		return -1;
	}
	cache_put(hash, epoch, now, &r->who);
	return 0;
}
