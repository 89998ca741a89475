/*
 * fuzz_query.c — arbitrary bytes as a query string ("a=b&c=d"), split the
 * way libmicrohttpd does (without percent-decoding, which MHD owns), fed to
 * the ticket-list filter and page parsers.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "http/input.h"

#define MAXARGS 32

struct args {
	char *keys[MAXARGS];
	char *vals[MAXARGS];
	int n;
};

static const char *get(void *ctx, const char *key)
{
	struct args *a = ctx;

	for (int i = 0; i < a->n; i++)
		if (!strcmp(a->keys[i], key))
			return a->vals[i];
	return NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char buf[4096];
	struct args a = { .n = 0 };
	struct hd_ticket_filter f;
	int64_t after;
	int limit;
	char *p = buf, *save;

	if (size >= sizeof(buf))
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	for (char *pair = strtok_r(p, "&", &save); pair && a.n < MAXARGS;
	     pair = strtok_r(NULL, "&", &save)) {
		char *eq = strchr(pair, '=');

		a.keys[a.n] = pair;
		a.vals[a.n] = eq ? eq + 1 : pair + strlen(pair);
		if (eq)
			*eq = '\0';
		a.n++;
	}
	hd_in_ticket_filter(get, &a, 7, &f, NULL);
	hd_in_page(get, &a, 50, &after, &limit, NULL);
	return 0;
}
