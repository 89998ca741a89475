/*
 * fuzz_json_ticket.c — arbitrary bytes as the body of POST /tickets,
 * PATCH /tickets/{id} and POST /tickets/{id}/messages: JSON parsing with
 * jansson exactly as the server does, then heed's input parsers.
 */
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "http/input.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t *root = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, NULL);
	struct hd_arena a;
	struct hd_ticket_new tn;
	struct hd_ticket_patch tp;
	struct hd_message_new mn;
	struct hd_upload *ups;
	size_t nups;
	const char *team;

	if (!root)
		return 0;
	if (json_is_object(root)) {
		hd_arena_init(&a, 64u << 20);
		hd_in_ticket_new(root, &tn, &ups, &nups, 1 << 20, &a, NULL);
		hd_in_ticket_patch(root, &tp, &team, &a, NULL);
		hd_in_message_new(root, &mn, &ups, &nups, 1 << 20, &a, NULL);
		hd_arena_release(&a);
	}
	json_decref(root);
	return 0;
}
