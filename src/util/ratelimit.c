/*
 * ratelimit.c — failure counting per key in a fixed-size, set-associative
 * table (see ratelimit.h). The key's slot is found by a SipHash of the key
 * (libsodium's crypto_shorthash) under a random key made at init.
 */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "util/err.h"
#include "util/ratelimit.h"
#include "util/banned.h"

int hd_ratelimit_init(struct hd_ratelimit *rl, int max, int64_t window_ms, size_t nkeys)
{
	memset(rl, 0, sizeof(*rl));
	rl->max = max;
	rl->window_ms = window_ms;
	rl->nsets = nkeys / HD_RL_WAYS + 1;
	rl->slots = calloc(rl->nsets * HD_RL_WAYS, sizeof(*rl->slots));
	if (!rl->slots)
		return HD_ENOMEM;
	randombytes_buf(rl->key, sizeof(rl->key));
	pthread_mutex_init(&rl->mu, NULL);
	return 0;
}

void hd_ratelimit_release(struct hd_ratelimit *rl)
{
	if (!rl->slots)
		return;
	pthread_mutex_destroy(&rl->mu);
	free(rl->slots);
	rl->slots = NULL;
}

static uint64_t hash_of(const struct hd_ratelimit *rl, const char *key)
{
	unsigned char out[crypto_shorthash_BYTES];
	uint64_t h;

	crypto_shorthash(out, (const unsigned char *)key, strlen(key), rl->key);
	memcpy(&h, out, sizeof(h));
	return h ? h : 1; /* 0 marks a free slot */
}

/* Whether slot `s` counts at `now`: taken, and its window not over. */
static int live(const struct hd_ratelimit *rl, const struct hd_rl_slot *s, int64_t now)
{
	return s->hash && now - s->start < rl->window_ms;
}

/* Under rl->mu: the live slot of `h`, or NULL. With `claim`, a missing one
 * is made: in a free or ended slot of its set, else in the one whose
 * window started first. */
static struct hd_rl_slot *find(struct hd_ratelimit *rl, uint64_t h, int64_t now, int claim)
{
	struct hd_rl_slot *set = &rl->slots[(h % rl->nsets) * HD_RL_WAYS], *victim = NULL;

	for (int i = 0; i < HD_RL_WAYS; i++)
		if (set[i].hash == h && live(rl, &set[i], now))
			return &set[i];
	if (!claim)
		return NULL;
	for (int i = 0; i < HD_RL_WAYS; i++) {
		if (!live(rl, &set[i], now)) {
			victim = &set[i];
			break;
		}
		if (!victim || set[i].start < victim->start)
			victim = &set[i];
	}
	victim->hash = h;
	victim->start = now;
	victim->count = 0;
	return victim;
}

int hd_ratelimit_hit(struct hd_ratelimit *rl, const char *key, int64_t now, int64_t *retry_ms)
{
	uint64_t h = hash_of(rl, key);
	struct hd_rl_slot *s;
	int refused = 0;

	pthread_mutex_lock(&rl->mu);
	s = find(rl, h, now, 1);
	if (s->count >= rl->max) {
		refused = 1;
		if (retry_ms)
			*retry_ms = s->start + rl->window_ms - now;
	} else {
		s->count++;
	}
	pthread_mutex_unlock(&rl->mu);
	return refused;
}

void hd_ratelimit_undo(struct hd_ratelimit *rl, const char *key, int64_t now)
{
	uint64_t h = hash_of(rl, key);
	struct hd_rl_slot *s;

	pthread_mutex_lock(&rl->mu);
	s = find(rl, h, now, 0);
	if (s && s->count > 0)
		s->count--;
	pthread_mutex_unlock(&rl->mu);
}

void hd_ratelimit_clear(struct hd_ratelimit *rl, const char *key)
{
	uint64_t h = hash_of(rl, key);
	struct hd_rl_slot *set = &rl->slots[(h % rl->nsets) * HD_RL_WAYS];

	pthread_mutex_lock(&rl->mu);
	for (int i = 0; i < HD_RL_WAYS; i++)
		if (set[i].hash == h)
			memset(&set[i], 0, sizeof(set[i]));
	pthread_mutex_unlock(&rl->mu);
}
