/*
 * ratelimit.h — counting failures per key (an e-mail address, a client
 * address) in a fixed window, in memory, in a table of fixed size.
 *
 * A key may be hit `max` times per window; the window starts at the key's
 * first hit and lasts `window_ms`. The table never grows: keys are spread
 * over sets of HD_RL_WAYS slots by a keyed hash (random per table, so no
 * one can aim keys at one set), and a full set gives up the slot whose
 * window started first. So a limit can be forgotten early under a flood of
 * distinct keys, never enforced for longer than it should. Nothing is kept
 * across restarts, nor shared between processes.
 *
 * Time is a parameter (`now`, ms); the table reads no clock. All functions
 * are thread-safe.
 */
#ifndef HD_RATELIMIT_H
#define HD_RATELIMIT_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#define HD_RL_WAYS 4

struct hd_rl_slot {
	uint64_t hash;  /* keyed hash of the key; 0: free */
	int64_t start;  /* when the window began */
	int count;      /* hits in the window */
};

struct hd_ratelimit {
	pthread_mutex_t mu;
	int max;               /* hits allowed per window */
	int64_t window_ms;
	unsigned char key[16]; /* of the keyed hash */
	size_t nsets;
	struct hd_rl_slot *slots; /* nsets * HD_RL_WAYS, malloc'd */
};

/** Make `rl` allow `max` hits per `window_ms` per key, for about `nkeys`
 * keys at once. 0 or HD_ENOMEM. Release with hd_ratelimit_release. */
int hd_ratelimit_init(struct hd_ratelimit *rl, int max, int64_t window_ms, size_t nkeys);

/** Free the table. */
void hd_ratelimit_release(struct hd_ratelimit *rl);

/** Count a hit of `key` at `now` and return 0 when the key is within its
 * limit; when it has used up its window, count nothing, return 1 and put
 * into `*retry_ms` (may be NULL) how long until it may try again (> 0). */
int hd_ratelimit_hit(struct hd_ratelimit *rl, const char *key, int64_t now, int64_t *retry_ms);

/** Take back one hit of `key` (one that turned out not to be a failure). */
void hd_ratelimit_undo(struct hd_ratelimit *rl, const char *key, int64_t now);

/** Forget `key`'s hits. */
void hd_ratelimit_clear(struct hd_ratelimit *rl, const char *key);

#endif
