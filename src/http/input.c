/*
 * input.c — request parsers (see input.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "domain/identity.h"
#include "domain/promise.h"
#include "http/input.h"
#include "util/timeutil.h"
#include "util/banned.h"

/* ---- primitives ---------------------------------------------------------- */

int hd_in_id(const char *s, const char *field, int64_t *out, struct hd_err *err)
{
	int64_t v = 0;
	int n = 0;

	for (; s[n] >= '0' && s[n] <= '9' && n < 18; n++)
		v = v * 10 + (s[n] - '0');
	if (!n || s[n] || v <= 0) /* a 19th digit is left in s[n]: too long */
		return hd_err_set(err, HD_EINVAL, field, "%s must be a positive whole number", field);
	*out = v;
	return 0;
}

int hd_in_str(json_t *obj, const char *key, int required, size_t min, size_t max,
	      int multiline, const char **out, struct hd_err *err)
{
	json_t *v = json_object_get(obj, key);
	const char *s;
	size_t n;

	*out = NULL;
	if (!v || json_is_null(v)) {
		if (required)
			return hd_err_set(err, HD_EINVAL, key, "%s is required", key);
		return 0;
	}
	if (!json_is_string(v))
		return hd_err_set(err, HD_EINVAL, key, "%s must be a string", key);
	s = json_string_value(v);
	n = json_string_length(v);
	if (n < min || n > max)
		return hd_err_set(err, HD_EINVAL, key, "%s must have %zu to %zu bytes", key, min,
				  max);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == 0 || (c < 0x20 && !(multiline && (c == '\n' || c == '\r' || c == '\t'))) ||
		    c == 0x7f)
			return hd_err_set(err, HD_EINVAL, key,
					  "%s must not contain control characters", key);
	}
	*out = s;
	return 0;
}

/* An optional id field: absent -> *set 0; null -> *set 1, *id 0; a positive
 * integer -> *set 1, *id. */
static int in_opt_id(json_t *obj, const char *key, int *set, int64_t *id, struct hd_err *err)
{
	json_t *v = json_object_get(obj, key);

	*set = 0;
	if (!v)
		return 0;
	*set = 1;
	*id = 0;
	if (json_is_null(v))
		return 0;
	if (!json_is_integer(v) || json_integer_value(v) <= 0)
		return hd_err_set(err, HD_EINVAL, key, "%s must be a positive integer or null", key);
	*id = json_integer_value(v);
	return 0;
}

/* An enum-valued string: `parse` maps the word; `words` lists the allowed. */
static int in_enum(json_t *obj, const char *key, int (*parse)(const char *), const char *words,
		   int *set, int *value, struct hd_err *err)
{
	const char *s;
	int rc = hd_in_str(obj, key, 0, 1, 32, 0, &s, err);

	*set = 0;
	if (rc || !s)
		return rc;
	*value = parse(s);
	if (*value < 0)
		return hd_err_set(err, HD_EINVAL, key, "%s must be one of %s", key, words);
	*set = 1;
	return 0;
}

int hd_in_only(json_t *obj, const char *const *allowed, const char *where, struct hd_err *err)
{
	const char *key;
	json_t *v;

	json_object_foreach(obj, key, v)
	{
		int ok = 0;

		for (const char *const *a = allowed; *a && !ok; a++)
			ok = !strcmp(*a, key);
		if (!ok)
			return hd_err_set(err, HD_EINVAL, key, "unknown field \"%s\" in %s", key,
					  where);
	}
	return 0;
}

#define STATUS_WORDS "new, open, pending, on_hold, solved, closed"
#define PRIORITY_WORDS "low, normal, high, urgent"
#define CHANNEL_WORDS "api, email, web, phone, chat, social"

/* ---- attachments --------------------------------------------------------- */

static int in_attachments(json_t *root, struct hd_upload **out, size_t *n, int64_t max_size,
			  struct hd_arena *a, struct hd_err *err)
{
	static const char *const fields[] = { "filename", "content_type", "content_base64", NULL };
	json_t *arr = json_object_get(root, "attachments"), *item;
	size_t i;

	*out = NULL;
	*n = 0;
	if (!arr || json_is_null(arr))
		return 0;
	if (!json_is_array(arr))
		return hd_err_set(err, HD_EINVAL, "attachments", "attachments must be an array");
	if (json_array_size(arr) > HD_MAX_ATTACHMENTS)
		return hd_err_set(err, HD_EINVAL, "attachments", "at most %d attachments",
				  HD_MAX_ATTACHMENTS);
	*out = hd_arena_alloc(a, sizeof(**out) * (json_array_size(arr) + 1));
	if (!*out)
		return hd_err_set(err, HD_ENOMEM, NULL, "out of memory");
	json_array_foreach(arr, i, item)
	{
		struct hd_upload *u = &(*out)[i];
		const char *b64, *end;
		size_t b64len, cap, len;
		unsigned char *bin;
		int rc;

		if (!json_is_object(item))
			return hd_err_set(err, HD_EINVAL, "attachments",
					  "each attachment must be an object");
		rc = hd_in_only(item, fields, "an attachment", err);
		rc = rc ? rc : hd_in_str(item, "filename", 1, 1, 255, 0, &u->filename, err);
		rc = rc ? rc
			: hd_in_str(item, "content_type", 0, 3, 255, 0, &u->content_type, err);
		rc = rc ? rc : hd_in_str(item, "content_base64", 1, 0, SIZE_MAX, 1, &b64, err);
		if (rc)
			return rc;
		if (strchr(u->filename, '/') || strchr(u->filename, '\\'))
			return hd_err_set(err, HD_EINVAL, "filename",
					  "a file name cannot contain / or \\");
		if (!u->content_type)
			u->content_type = "application/octet-stream";
		b64len = strlen(b64);
		cap = b64len / 4 * 3 + 3;
		/* Padding makes b64len/4*3 up to 2 more than the data: refuse early
		 * only what is certainly too big; the exact check follows decoding. */
		if ((int64_t)(b64len / 4 * 3) > max_size + 2)
			return hd_err_set(err, HD_ETOOBIG, "attachments",
					  "attachment \"%s\" is larger than %lld bytes", u->filename,
					  (long long)max_size);
		bin = hd_arena_alloc(a, cap ? cap : 1);
		if (!bin)
			return hd_err_set(err, HD_ENOMEM, NULL, "out of memory");
		if (sodium_base642bin(bin, cap, b64, b64len, " \r\n", &len, &end,
				      sodium_base64_VARIANT_ORIGINAL) != 0 ||
		    end != b64 + b64len)
			return hd_err_set(err, HD_EINVAL, "content_base64",
					  "attachment \"%s\" is not valid base64", u->filename);
		if ((int64_t)len > max_size)
			return hd_err_set(err, HD_ETOOBIG, "attachments",
					  "attachment \"%s\" is larger than %lld bytes", u->filename,
					  (long long)max_size);
		u->data = bin;
		u->len = len;
		(*n)++;
	}
	return 0;
}

/* ---- tickets ------------------------------------------------------------- */

static int in_requester(json_t *root, struct hd_requester *r, struct hd_arena *a,
			struct hd_err *err)
{
	static const char *const fields[] = { "email", "phone", "handle", "customer_id", "name",
					      NULL };
	json_t *req = json_object_get(root, "requester");
	const char *kinds[] = { "email", "phone", "handle" };
	int given = 0, set, rc;
	char norm[HD_IDENTITY_MAX];

	if (!req)
		return hd_err_set(err, HD_EINVAL, "requester",
				  "requester is required: {\"email\"|\"phone\"|\"handle\"|"
				  "\"customer_id\", \"name\"}");
	if (!json_is_object(req))
		return hd_err_set(err, HD_EINVAL, "requester", "requester must be an object");
	rc = hd_in_only(req, fields, "requester", err);
	rc = rc ? rc : hd_in_str(req, "name", 0, 0, HD_NAME_MAX, 0, &r->name, err);
	rc = rc ? rc : in_opt_id(req, "customer_id", &set, &r->customer_id, err);
	if (rc)
		return rc;
	given += set && r->customer_id;
	for (int k = 0; k < 3; k++) {
		const char *v;

		rc = hd_in_str(req, kinds[k], 0, 1, HD_IDENTITY_MAX - 1, 0, &v, err);
		if (rc)
			return rc;
		if (!v)
			continue;
		rc = hd_identity_normalize((enum hd_idkind)k, v, norm, kinds[k], err);
		if (rc)
			return rc;
		r->kind = (enum hd_idkind)k;
		r->value = hd_arena_strdup(a, norm);
		given++;
	}
	if (given != 1)
		return hd_err_set(err, HD_EINVAL, "requester",
				  "requester needs exactly one of email, phone, handle or "
				  "customer_id");
	return 0;
}

int hd_in_ticket_new(json_t *root, struct hd_ticket_new *out, struct hd_upload **uploads,
		     size_t *nuploads, int64_t max_attachment, struct hd_arena *a,
		     struct hd_err *err)
{
	static const char *const fields[] = { "subject",  "requester", "message",  "priority",
					      "team",     "team_id",   "channel",  "assignee_id",
					      "created_by", NULL };
	static const char *const msg_fields[] = { "text", "html", "attachments", NULL };
	json_t *msg = json_object_get(root, "message"), *team;
	int set, v, rc;

	memset(out, 0, sizeof(*out));
	*uploads = NULL;
	*nuploads = 0;
	out->priority = HD_PRIORITY_NORMAL;
	out->channel = HD_CHANNEL_API;
	out->created_by = HD_AUTHOR_CUSTOMER;
	rc = hd_in_only(root, fields, "a ticket", err);
	rc = rc ? rc : hd_in_str(root, "subject", 1, 1, HD_SUBJECT_MAX, 0, &out->subject, err);
	rc = rc ? rc : in_requester(root, &out->requester, a, err);
	if (rc)
		return rc;
	if (!msg || !json_is_object(msg))
		return hd_err_set(err, HD_EINVAL, "message",
				  "message is required: {\"text\": \"...\"}");
	rc = hd_in_only(msg, msg_fields, "message", err);
	rc = rc ? rc : hd_in_str(msg, "text", 1, 1, HD_TEXT_MAX, 1, &out->text, err);
	rc = rc ? rc : hd_in_str(msg, "html", 0, 0, HD_TEXT_MAX, 1, &out->html, err);
	rc = rc ? rc : in_attachments(msg, uploads, nuploads, max_attachment, a, err);
	rc = rc ? rc
		: in_enum(root, "priority", hd_priority_parse, PRIORITY_WORDS, &set, &v, err);
	if (rc)
		return rc;
	if (set)
		out->priority = (enum hd_priority)v;
	rc = in_enum(root, "channel", hd_channel_parse, CHANNEL_WORDS, &set, &v, err);
	if (rc)
		return rc;
	if (set)
		out->channel = (enum hd_channel)v;
	rc = in_enum(root, "created_by", hd_author_parse, "customer, agent", &set, &v, err);
	if (rc)
		return rc;
	if (set) {
		if (v == HD_AUTHOR_SYSTEM)
			return hd_err_set(err, HD_EINVAL, "created_by",
					  "created_by must be one of customer, agent");
		out->created_by = (enum hd_author)v;
	}
	team = json_object_get(root, "team");
	if (team && json_is_integer(team)) {
		if (json_integer_value(team) <= 0)
			return hd_err_set(err, HD_EINVAL, "team", "team must be a team id or name");
		out->team_id = json_integer_value(team);
	} else if (team && !json_is_null(team)) {
		rc = hd_in_str(root, "team", 0, 1, HD_NAME_MAX, 0, &out->team_name, err);
		if (rc)
			return hd_err_set(err, HD_EINVAL, "team", "team must be a team id or name");
	}
	rc = in_opt_id(root, "team_id", &set, &out->team_id, err);
	rc = rc ? rc : in_opt_id(root, "assignee_id", &set, &out->assignee_id, err);
	return rc;
}

/* "tags": an array of at most HD_TAGS_MAX distinct lower-case words
 * ([a-z0-9._:-], 1 to 63 bytes) into an arena array. */
static int in_tags(json_t *root, int *set, const char *const **out, size_t *n,
		   struct hd_arena *a, struct hd_err *err)
{
	json_t *arr = json_object_get(root, "tags"), *v;
	const char **tags;
	size_t i;

	*set = arr != NULL;
	*out = NULL;
	*n = 0;
	if (!arr)
		return 0;
	if (!json_is_array(arr) || json_array_size(arr) > HD_TAGS_MAX)
		return hd_err_set(err, HD_EINVAL, "tags",
				  "tags must be an array of at most %d words", HD_TAGS_MAX);
	tags = hd_arena_alloc(a, (json_array_size(arr) + 1) * sizeof(*tags));
	if (!tags)
		return hd_err_set(err, HD_ENOMEM, NULL, "out of memory");
	json_array_foreach(arr, i, v) {
		const char *t = json_string_value(v);
		size_t len = t ? strlen(t) : 0;

		if (!t || len == 0 || len > 63 ||
		    strspn(t, "abcdefghijklmnopqrstuvwxyz0123456789._:-") != len)
			return hd_err_set(err, HD_EINVAL, "tags",
					  "each tag is a lower-case word of letters, digits and "
					  "._:- (1 to 63 characters)");
		tags[(*n)++] = t;
	}
	*out = tags;
	return 0;
}

int hd_in_ticket_patch(json_t *root, struct hd_ticket_patch *out, const char **team_name,
		       struct hd_arena *a, struct hd_err *err)
{
	static const char *const fields[] = { "subject", "status",      "priority",
					      "team",    "team_id",     "assignee_id",
					      "tags",    "close_reason", NULL };
	json_t *team;
	int v = 0, rc, set_reason = 0;

	memset(out, 0, sizeof(*out));
	*team_name = NULL;
	rc = hd_in_only(root, fields, "a ticket change", err);
	rc = rc ? rc : hd_in_str(root, "subject", 0, 1, HD_SUBJECT_MAX, 0, &out->subject, err);
	if (rc)
		return rc;
	out->set_subject = out->subject != NULL;
	rc = in_enum(root, "status", hd_status_parse, STATUS_WORDS, &out->set_status, &v, err);
	if (rc)
		return rc;
	out->status = (enum hd_status)v;
	rc = in_enum(root, "priority", hd_priority_parse, PRIORITY_WORDS, &out->set_priority, &v,
		     err);
	if (rc)
		return rc;
	out->priority = (enum hd_priority)v;
	rc = in_opt_id(root, "team_id", &out->set_team, &out->team_id, err);
	rc = rc ? rc : in_opt_id(root, "assignee_id", &out->set_assignee, &out->assignee_id, err);
	rc = rc ? rc : in_tags(root, &out->set_tags, &out->tags, &out->ntags, a, err);
	rc = rc ? rc
		: in_enum(root, "close_reason", hd_close_reason_parse, "spam, duplicate, merged",
			  &set_reason, &v, err);
	if (rc)
		return rc;
	if (set_reason && v == HD_REASON_NONE)
		return hd_err_set(err, HD_EINVAL, "close_reason",
				  "close_reason must be one of spam, duplicate, merged");
	out->close_reason = set_reason ? (enum hd_close_reason)v : HD_REASON_NONE;
	team = json_object_get(root, "team");
	if (team) {
		out->set_team = 1;
		if (json_is_integer(team) && json_integer_value(team) > 0)
			out->team_id = json_integer_value(team);
		else if (json_is_null(team))
			out->team_id = 0;
		else if (hd_in_str(root, "team", 1, 1, HD_NAME_MAX, 0, team_name, NULL))
			return hd_err_set(err, HD_EINVAL, "team",
					  "team must be a team id, a team name or null");
	}
	if (!out->set_subject && !out->set_status && !out->set_priority && !out->set_team &&
	    !out->set_assignee && !out->set_tags && !set_reason)
		return hd_err_set(err, HD_EINVAL, NULL,
				  "nothing to change: give subject, status, priority, team, "
				  "assignee_id or tags");
	return 0;
}

int hd_in_message_new(json_t *root, struct hd_message_new *out, struct hd_upload **uploads,
		      size_t *nuploads, int64_t max_attachment, struct hd_arena *a,
		      struct hd_err *err)
{
	static const char *const fields[] = { "text", "html", "visibility", "author",
					      "attachments", NULL };
	int set, v, rc;

	memset(out, 0, sizeof(*out));
	out->author = HD_AUTHOR_AGENT;
	out->visibility = HD_VIS_PUBLIC;
	rc = hd_in_only(root, fields, "a message", err);
	rc = rc ? rc : hd_in_str(root, "text", 1, 1, HD_TEXT_MAX, 1, &out->text, err);
	rc = rc ? rc : hd_in_str(root, "html", 0, 0, HD_TEXT_MAX, 1, &out->html, err);
	rc = rc ? rc
		: in_enum(root, "visibility", hd_visibility_parse, "public, internal", &set, &v,
			  err);
	if (rc)
		return rc;
	if (set)
		out->visibility = (enum hd_visibility)v;
	rc = in_enum(root, "author", hd_author_parse, "agent, customer", &set, &v, err);
	if (rc)
		return rc;
	if (set) {
		if (v == HD_AUTHOR_SYSTEM)
			return hd_err_set(err, HD_EINVAL, "author",
					  "author must be one of agent, customer");
		out->author = (enum hd_author)v;
	}
	if (out->author == HD_AUTHOR_CUSTOMER && out->visibility == HD_VIS_INTERNAL)
		return hd_err_set(err, HD_EINVAL, "visibility",
				  "a customer's message is always public");
	return in_attachments(root, uploads, nuploads, max_attachment, a, err);
}

/* ---- customers ----------------------------------------------------------- */

static int in_identity(json_t *obj, struct hd_identity_new *out, struct hd_arena *a,
		       const char *where, struct hd_err *err)
{
	static const char *const fields[] = { "kind", "value", NULL };
	char norm[HD_IDENTITY_MAX];
	const char *value;
	int set = 0, v = 0, rc;

	if (!json_is_object(obj))
		return hd_err_set(err, HD_EINVAL, where, "an identity is {\"kind\", \"value\"}");
	rc = hd_in_only(obj, fields, "an identity", err);
	rc = rc ? rc : in_enum(obj, "kind", hd_idkind_parse, "email, phone, handle", &set, &v, err);
	if (!rc && !set)
		rc = hd_err_set(err, HD_EINVAL, "kind", "kind is required (email, phone, handle)");
	rc = rc ? rc : hd_in_str(obj, "value", 1, 1, HD_IDENTITY_MAX - 1, 0, &value, err);
	rc = rc ? rc : hd_identity_normalize((enum hd_idkind)v, value, norm, "value", err);
	if (rc)
		return rc;
	out->kind = (enum hd_idkind)v;
	out->value = hd_arena_strdup(a, norm);
	return out->value ? 0 : hd_err_set(err, HD_ENOMEM, NULL, "out of memory");
}

int hd_in_customer_new(json_t *root, struct hd_customer_new *out, struct hd_arena *a,
		       struct hd_err *err)
{
	static const char *const fields[] = { "name",  "organization_id", "notes", "identities",
					      "email", "phone", NULL };
	static const char *const shortcuts[] = { "email", "phone" };
	json_t *ids = json_object_get(root, "identities"), *item;
	struct hd_identity_new *arr;
	size_t i, n = 0;
	int set, rc;

	memset(out, 0, sizeof(*out));
	rc = hd_in_only(root, fields, "a customer", err);
	rc = rc ? rc : hd_in_str(root, "name", 0, 0, HD_NAME_MAX, 0, &out->name, err);
	rc = rc ? rc : hd_in_str(root, "notes", 0, 0, 65536, 1, &out->notes, err);
	rc = rc ? rc : in_opt_id(root, "organization_id", &set, &out->organization_id, err);
	if (rc)
		return rc;
	if (ids && !json_is_array(ids))
		return hd_err_set(err, HD_EINVAL, "identities", "identities must be an array");
	if (ids && json_array_size(ids) > 100)
		return hd_err_set(err, HD_EINVAL, "identities", "at most 100 identities");
	arr = hd_arena_alloc(a, sizeof(*arr) * ((ids ? json_array_size(ids) : 0) + 2));
	if (!arr)
		return hd_err_set(err, HD_ENOMEM, NULL, "out of memory");
	json_array_foreach(ids, i, item)
	{
		rc = in_identity(item, &arr[n++], a, "identities", err);
		if (rc)
			return rc;
	}
	for (int k = 0; k < 2; k++) {
		const char *v;
		char norm[HD_IDENTITY_MAX];

		rc = hd_in_str(root, shortcuts[k], 0, 1, HD_IDENTITY_MAX - 1, 0, &v, err);
		rc = rc ? rc
			: v ? hd_identity_normalize((enum hd_idkind)k, v, norm, shortcuts[k], err)
			    : 0;
		if (rc)
			return rc;
		if (v) {
			arr[n].kind = (enum hd_idkind)k;
			arr[n++].value = hd_arena_strdup(a, norm);
		}
	}
	for (size_t x = 0; x < n; x++)
		for (size_t y = 0; y < x; y++)
			if (arr[x].kind == arr[y].kind && !strcmp(arr[x].value, arr[y].value))
				return hd_err_set(err, HD_EINVAL, "identities",
						  "the identity %s is given twice", arr[x].value);
	out->identities = arr;
	out->nidentities = n;
	return 0;
}

int hd_in_customer_patch(json_t *root, struct hd_customer_patch *out, struct hd_err *err)
{
	static const char *const fields[] = { "name", "organization_id", "notes", NULL };
	int rc;

	memset(out, 0, sizeof(*out));
	rc = hd_in_only(root, fields, "a customer change", err);
	rc = rc ? rc : hd_in_str(root, "name", 0, 0, HD_NAME_MAX, 0, &out->name, err);
	rc = rc ? rc : hd_in_str(root, "notes", 0, 0, 65536, 1, &out->notes, err);
	rc = rc ? rc
		: in_opt_id(root, "organization_id", &out->set_organization, &out->organization_id,
			    err);
	if (rc)
		return rc;
	out->set_name = out->name != NULL;
	out->set_notes = out->notes != NULL;
	if (!out->set_name && !out->set_notes && !out->set_organization)
		return hd_err_set(err, HD_EINVAL, NULL,
				  "nothing to change: give name, notes or organization_id");
	return 0;
}

int hd_in_identity_new(json_t *root, struct hd_identity_new *out, struct hd_arena *a,
		       struct hd_err *err)
{
	return in_identity(root, out, a, "identity", err);
}

/* ---- query strings ------------------------------------------------------- */

int hd_in_page(hd_query_fn q, void *ctx, int def, int64_t *after, int *limit,
	       struct hd_err *err)
{
	const char *s = q(ctx, "after");
	int64_t v;

	*after = 0;
	*limit = def;
	if (s && s[0] && hd_in_id(s, "after", after, err))
		return HD_EINVAL;
	s = q(ctx, "limit");
	if (s) {
		if (hd_in_id(s, "limit", &v, NULL) || v > 200)
			return hd_err_set(err, HD_EINVAL, "limit",
					  "limit must be a whole number from 1 to 200");
		*limit = (int)v;
	}
	return 0;
}

/* "none" -> -1, "me" -> me (when allowed), else a positive id. */
static int filter_id(hd_query_fn q, void *ctx, const char *key, int64_t me, int64_t *out,
		     struct hd_err *err)
{
	const char *s = q(ctx, key);

	*out = 0;
	if (!s || !s[0])
		return 0;
	if (!strcmp(s, "none")) {
		*out = -1;
		return 0;
	}
	if (me && !strcmp(s, "me")) {
		*out = me;
		return 0;
	}
	if (hd_in_id(s, key, out, NULL))
		return hd_err_set(err, HD_EINVAL, key, "%s must be an id%s", key,
				  me ? ", \"me\" or \"none\"" : " or \"none\"");
	return 0;
}

int hd_in_ticket_filter(hd_query_fn q, void *ctx, int64_t me, struct hd_ticket_filter *out,
			struct hd_err *err)
{
	const char *s;
	int rc;

	memset(out, 0, sizeof(*out));
	s = q(ctx, "status");
	if (s && s[0]) {
		if (!strcmp(s, "active")) {
			out->active_only = 1;
		} else {
			int v = hd_status_parse(s);

			if (v < 0)
				return hd_err_set(err, HD_EINVAL, "status",
						  "status must be one of active, " STATUS_WORDS);
			out->has_status = 1;
			out->status = (enum hd_status)v;
		}
	}
	s = q(ctx, "priority");
	if (s && s[0]) {
		int v = hd_priority_parse(s);

		if (v < 0)
			return hd_err_set(err, HD_EINVAL, "priority",
					  "priority must be one of " PRIORITY_WORDS);
		out->has_priority = 1;
		out->priority = (enum hd_priority)v;
	}
	rc = filter_id(q, ctx, "team", 0, &out->team_id, err);
	rc = rc ? rc : filter_id(q, ctx, "assignee", me, &out->assignee_id, err);
	rc = rc ? rc : filter_id(q, ctx, "customer", 0, &out->customer_id, err);
	if (!rc && out->customer_id < 0)
		rc = hd_err_set(err, HD_EINVAL, "customer", "customer must be an id");
	return rc ? rc : hd_in_page(q, ctx, 50, &out->after, &out->limit, err);
}

/* ---- promises ------------------------------------------------------------ */

/* An optional RFC 3339 member; `*ms` 0 when absent or null. */
int hd_in_time(json_t *root, const char *key, int required, int64_t *ms, struct hd_err *err)
{
	const char *s;
	int rc = hd_in_str(root, key, required, 1, 64, 0, &s, err);

	*ms = 0;
	if (rc || !s)
		return rc;
	if (hd_time_parse(s, ms))
		return hd_err_set(err, HD_EINVAL, key,
				  "%s must be an RFC 3339 time such as 2026-11-23T14:05:00Z", key);
	return 0;
}

/* POST /tickets/{id}/promises: {kind, due_at, channel?, description?, owner_id?} */
int hd_in_promise_new(json_t *root, struct hd_promise_new *out, struct hd_err *err)
{
	static const char *const fields[] = { "kind",	     "due_at",	 "channel",
					      "description", "owner_id", NULL };
	json_t *owner = json_object_get(root, "owner_id");
	const char *kind, *channel;
	int rc;

	memset(out, 0, sizeof(*out));
	out->channel = -1;
	rc = hd_in_only(root, fields, "a promise", err);
	rc = rc ? rc : hd_in_str(root, "kind", 1, 1, 32, 0, &kind, err);
	rc = rc ? rc : hd_in_str(root, "channel", 0, 1, 32, 0, &channel, err);
	rc = rc ? rc
		: hd_in_str(root, "description", 0, 0, HD_PROMISE_DESCRIPTION_MAX, 1,
			    &out->description, err);
	rc = rc ? rc : hd_in_time(root, "due_at", 1, &out->due_at, err);
	if (rc)
		return rc;
	if (hd_promise_kind_parse(kind) < 0)
		return hd_err_set(err, HD_EINVAL, "kind", "kind must be one of callback, update, fix, other");
	out->kind = (enum hd_promise_kind)hd_promise_kind_parse(kind);
	if (channel && (out->channel = hd_channel_parse(channel)) < 0)
		return hd_err_set(err, HD_EINVAL, "channel", "channel must be one of " CHANNEL_WORDS);
	if (owner && !json_is_null(owner)) {
		if (!json_is_integer(owner) || json_integer_value(owner) <= 0)
			return hd_err_set(err, HD_EINVAL, "owner_id",
					  "owner_id must be an agent's id or null");
		out->owner_agent_id = json_integer_value(owner);
	}
	return 0;
}
