/*
 * arena.c — bump allocator with a cap (see arena.h).
 *
 * Chunks grow geometrically from 4 KiB up to 1 MiB; a request larger than a
 * chunk gets a chunk of its own.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/arena.h"
#include "util/banned.h"

struct hd_arena_chunk {
	struct hd_arena_chunk *next;
	size_t size; /* usable bytes in data[] */
	size_t off;  /* next free byte */
	_Alignas(max_align_t) unsigned char data[];
};

#define ARENA_ALIGN _Alignof(max_align_t)

void hd_arena_init(struct hd_arena *a, size_t max)
{
	a->head = NULL;
	a->used = 0;
	a->max = max;
}

void hd_arena_release(struct hd_arena *a)
{
	struct hd_arena_chunk *c = a->head;

	while (c) {
		struct hd_arena_chunk *next = c->next;
		free(c);
		c = next;
	}
	a->head = NULL;
	a->used = 0;
}

void *hd_arena_alloc(struct hd_arena *a, size_t n)
{
	struct hd_arena_chunk *c = a->head;
	size_t need = (n + ARENA_ALIGN - 1) & ~(ARENA_ALIGN - 1);
	void *p;

	if (need < n)
		return NULL;
	if (!c || c->size - c->off < need) {
		size_t size = c ? c->size * 2 : 4096;

		if (size > (1u << 20))
			size = 1u << 20;
		if (size < need)
			size = need;
		/* a->used <= a->max always holds, so this cannot wrap */
		if (a->max - a->used < sizeof(*c) || size > a->max - a->used - sizeof(*c))
			return NULL;
		c = malloc(sizeof(*c) + size);
		if (!c)
			return NULL;
		c->size = size;
		c->off = 0;
		c->next = a->head;
		a->head = c;
		a->used += size + sizeof(*c);
	}
	p = c->data + c->off;
	c->off += need;
	memset(p, 0, n);
	return p;
}

char *hd_arena_strndup(struct hd_arena *a, const char *s, size_t n)
{
	char *p;

	if (n == SIZE_MAX)
		return NULL;
	p = hd_arena_alloc(a, n + 1);
	if (!p)
		return NULL;
	if (n)
		memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *hd_arena_strdup(struct hd_arena *a, const char *s)
{
	return s ? hd_arena_strndup(a, s, strlen(s)) : NULL;
}

char *hd_arena_printf(struct hd_arena *a, const char *fmt, ...)
{
	va_list ap;
	int n;
	char *p;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return NULL;
	p = hd_arena_alloc(a, (size_t)n + 1);
	if (!p)
		return NULL;
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}
