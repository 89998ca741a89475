/*
 * fuzz_json_misc.c — arbitrary bytes as the body of the customer and
 * identity endpoints.
 */
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "http/input.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t *root = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, NULL);
	struct hd_arena a;
	struct hd_customer_new cn;
	struct hd_customer_patch cp;
	struct hd_identity_new in;

	if (!root)
		return 0;
	if (json_is_object(root)) {
		hd_arena_init(&a, 64u << 20);
		hd_in_customer_new(root, &cn, &a, NULL);
		hd_in_customer_patch(root, &cp, NULL);
		hd_in_identity_new(root, &in, &a, NULL);
		{
			struct hd_promise_new pn;
			int64_t ms;

			hd_in_promise_new(root, &pn, NULL);
			hd_in_time(root, "preferred_at", 0, &ms, NULL);
		}
		hd_arena_release(&a);
	}
	json_decref(root);
	return 0;
}
