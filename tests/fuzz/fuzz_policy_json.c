/*
 * fuzz_policy_json.c — arbitrary bytes as a calendar or SLA policy document
 * (the bodies of POST/PATCH /calendars and /sla-policies, and what the
 * store parses back): JSON parsing with jansson exactly as the server does,
 * then store/policy_json's parsers.
 *
 * Beyond "no crash": whatever parses must write a canonical document that
 * parses again to the same canonical document, and a time zone that passed
 * the parser must never be something GLib would read as a file path.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "store/policy_json.h"

/* Canonical form of a calendar (NULL when `doc` does not parse). */
static json_t *calendar_canon(json_t *doc)
{
	struct hd_calendar_def d;
	struct hd_arena a;
	json_t *out = NULL;

	hd_arena_init(&a, 64u << 20);
	if (hd_calendar_parse(doc, &d, &a, NULL) == 0) {
		if (d.time_zone[0] == '/' || strchr(d.time_zone, '.') || strchr(d.time_zone, ':'))
			abort();
		out = hd_calendar_json(&d);
	}
	hd_arena_release(&a);
	return out;
}

static json_t *policy_canon(json_t *doc)
{
	struct hd_sla_policy p;
	int64_t position;

	return hd_sla_policy_parse(doc, &p, &position, NULL) == 0 ? hd_sla_policy_json(&p) : NULL;
}

/* canon(doc) is a fixed point of canon. */
static void check(json_t *doc, json_t *(*canon)(json_t *))
{
	json_t *once = canon(doc), *twice;

	if (!once)
		return;
	twice = canon(once);
	if (!twice || !json_equal(once, twice))
		abort();
	json_decref(once);
	json_decref(twice);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t *root = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL,
				  NULL);

	if (!root)
		return 0;
	check(root, calendar_canon);
	check(root, policy_canon);
	json_decref(root);
	return 0;
}
