/*
 * enums.c — names of heed's closed vocabularies (see enums.h).
 *
 * The tables below are the single source of the text forms; the API, the
 * database CHECK constraints and the OpenAPI document use the same words.
 */
#include <string.h>

#include "domain/enums.h"
#include "util/banned.h"

static const char *const status_names[] = { "new", "open", "pending", "on_hold", "solved",
					    "closed" };
static const char *const priority_names[] = { "low", "normal", "high", "urgent" };
static const char *const channel_names[] = { "api", "email", "web", "phone", "chat", "social" };
static const char *const author_names[] = { "customer", "agent", "system" };
static const char *const visibility_names[] = { "public", "internal" };
static const char *const idkind_names[] = { "email", "phone", "handle" };
static const char *const role_names[] = { "agent", "admin" };
static const char *const close_kind_names[] = { "none", "confirmed", "unconfirmed", "reason" };
static const char *const close_reason_names[] = { "none", "spam", "duplicate", "merged" };

static int lookup(const char *const *names, int n, const char *s)
{
	if (!s)
		return -1;
	for (int i = 0; i < n; i++)
		if (strcmp(names[i], s) == 0)
			return i;
	return -1;
}

#define NAMES(prefix, table, count)                                                            \
	int hd_##prefix##_parse(const char *s) { return lookup(table, count, s); }             \
	const char *hd_##prefix##_name(int v)                                                  \
	{                                                                                      \
		return v >= 0 && v < (count) ? table[v] : "unknown";                           \
	}

_Static_assert(sizeof(status_names) / sizeof(*status_names) == HD_STATUS__COUNT, "status");
_Static_assert(sizeof(priority_names) / sizeof(*priority_names) == HD_PRIORITY__COUNT, "prio");
_Static_assert(sizeof(channel_names) / sizeof(*channel_names) == HD_CHANNEL__COUNT, "channel");
_Static_assert(sizeof(author_names) / sizeof(*author_names) == HD_AUTHOR__COUNT, "author");
_Static_assert(sizeof(visibility_names) / sizeof(*visibility_names) == HD_VIS__COUNT, "vis");
_Static_assert(sizeof(idkind_names) / sizeof(*idkind_names) == HD_IDKIND__COUNT, "idkind");
_Static_assert(sizeof(role_names) / sizeof(*role_names) == HD_ROLE__COUNT, "role");
_Static_assert(sizeof(close_kind_names) / sizeof(*close_kind_names) == HD_CLOSE__COUNT, "close");
_Static_assert(sizeof(close_reason_names) / sizeof(*close_reason_names) == HD_REASON__COUNT,
	       "reason");

NAMES(status, status_names, HD_STATUS__COUNT)
NAMES(priority, priority_names, HD_PRIORITY__COUNT)
NAMES(channel, channel_names, HD_CHANNEL__COUNT)
NAMES(author, author_names, HD_AUTHOR__COUNT)
NAMES(visibility, visibility_names, HD_VIS__COUNT)
NAMES(idkind, idkind_names, HD_IDKIND__COUNT)
NAMES(role, role_names, HD_ROLE__COUNT)
NAMES(close_kind, close_kind_names, HD_CLOSE__COUNT)
NAMES(close_reason, close_reason_names, HD_REASON__COUNT)
