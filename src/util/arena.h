/*
 * arena.h — per-request / per-message bump allocator.
 *
 * An arena hands out memory that lives until hd_arena_release(); nothing is
 * freed one piece at a time. Every HTTP request and every ingested message
 * gets one, so a handler never frees individual strings and never leaks them.
 * An arena has a cap: an allocation that would take it past `max` bytes fails
 * (returns NULL) instead of growing without bound on hostile input.
 *
 * Invariant: after hd_arena_init() the arena is usable; after
 * hd_arena_release() it is empty and may be reused.
 */
#ifndef HD_ARENA_H
#define HD_ARENA_H

#include <stddef.h>

struct hd_arena_chunk;

struct hd_arena {
	struct hd_arena_chunk *head; /* newest chunk first */
	size_t used;                 /* bytes handed out plus chunk overhead */
	size_t max;                  /* cap on `used` */
};

/** Start an empty arena that may hold at most `max` bytes. */
void hd_arena_init(struct hd_arena *a, size_t max);

/** Free everything the arena handed out. The arena stays usable. */
void hd_arena_release(struct hd_arena *a);

/** `n` bytes aligned for any type, zeroed; NULL when over the cap or out of
 * memory. The arena owns the memory. */
void *hd_arena_alloc(struct hd_arena *a, size_t n);

/** A NUL-terminated copy of `s[0..n)`; the arena owns it. NULL on failure. */
char *hd_arena_strndup(struct hd_arena *a, const char *s, size_t n);

/** A copy of the NUL-terminated `s` (NULL stays NULL); the arena owns it. */
char *hd_arena_strdup(struct hd_arena *a, const char *s);

/** printf into the arena; the arena owns the result. NULL on failure. */
char *hd_arena_printf(struct hd_arena *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
