/*
 * input.h — turning request bodies (JSON) and query strings into the
 * store's input records, with a clear error for anything malformed.
 *
 * These parsers see only outside input, so they are strict and total: every
 * field is type-checked and length-capped, unknown enum words are refused
 * with the list of allowed ones, and nothing here does I/O (attachments are
 * decoded into the arena; the handler stores them). Strings in the output
 * point into the JSON document or the arena: keep both alive while using it.
 * Each has a libFuzzer harness in tests/fuzz/.
 */
#ifndef HD_HTTP_INPUT_H
#define HD_HTTP_INPUT_H

#include <jansson.h>

#include "store/promises.h"
#include "store/store.h"
#include "util/arena.h"
#include "util/err.h"

#define HD_SUBJECT_MAX 500
#define HD_NAME_MAX 200
#define HD_TAGS_MAX 32
#define HD_TEXT_MAX (4 << 20)
#define HD_MAX_ATTACHMENTS 50

/** A decoded attachment from a request, not stored yet. */
struct hd_upload {
	const char *filename;
	const char *content_type;
	const unsigned char *data;
	size_t len;
};

/** A query-string lookup: the value of `key`, or NULL. */
typedef const char *(*hd_query_fn)(void *ctx, const char *key);

/** POST /tickets. `uploads` get the decoded attachments (arena). */
int hd_in_ticket_new(json_t *root, struct hd_ticket_new *out, struct hd_upload **uploads,
		     size_t *nuploads, int64_t max_attachment, struct hd_arena *a,
		     struct hd_err *err);

/** PATCH /tickets/{id}. A "team" given by name is left in `*team_name`
 * for the caller to look up. */
int hd_in_ticket_patch(json_t *root, struct hd_ticket_patch *out, const char **team_name,
		       struct hd_arena *a, struct hd_err *err);

/** POST /tickets/{id}/messages. */
int hd_in_message_new(json_t *root, struct hd_message_new *out, struct hd_upload **uploads,
		      size_t *nuploads, int64_t max_attachment, struct hd_arena *a,
		      struct hd_err *err);

/** POST /customers. */
int hd_in_customer_new(json_t *root, struct hd_customer_new *out, struct hd_arena *a,
		       struct hd_err *err);

/** PATCH /customers/{id}. */
int hd_in_customer_patch(json_t *root, struct hd_customer_patch *out, struct hd_err *err);

/** POST /customers/{id}/identities: {"kind", "value"}, value normalised
 * into the arena. */
int hd_in_identity_new(json_t *root, struct hd_identity_new *out, struct hd_arena *a,
		       struct hd_err *err);

/** Refuse any member of `obj` not named in `allowed` (NULL-terminated), so a
 * misspelt field is an error naming it instead of being ignored. `where`
 * completes "unknown field \"x\" in ..." ("a ticket"). */
int hd_in_only(json_t *obj, const char *const *allowed, const char *where, struct hd_err *err);

/** A required or optional string field with length limits (bytes) and no
 * control characters unless `multiline`. `*out` NULL when absent. */
int hd_in_str(json_t *obj, const char *key, int required, size_t min, size_t max,
	      int multiline, const char **out, struct hd_err *err);

/** GET /tickets filters; `me` is the caller's agent id for assignee=me. */
int hd_in_ticket_filter(hd_query_fn q, void *ctx, int64_t me, struct hd_ticket_filter *out,
			struct hd_err *err);

/** ?after=&limit= (limit 1..200, default `def`). */
int hd_in_page(hd_query_fn q, void *ctx, int def, int64_t *after, int *limit,
	       struct hd_err *err);

/** A positive id from text; HD_EINVAL naming `field` otherwise. */
int hd_in_id(const char *s, const char *field, int64_t *out, struct hd_err *err);

/** An RFC 3339 member `key` into `*ms` (0 when absent or null). */
int hd_in_time(json_t *root, const char *key, int required, int64_t *ms, struct hd_err *err);

/** POST /tickets/{id}/promises: {kind, due_at, channel?, description?, owner_id?}.
 * Strings point into `root`. */
int hd_in_promise_new(json_t *root, struct hd_promise_new *out, struct hd_err *err);

#endif
