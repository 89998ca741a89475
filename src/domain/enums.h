/*
 * enums.h — the closed vocabularies of heed: ticket status, priority,
 * channel, message author and visibility, identity kind, agent role.
 *
 * Each enum has a stable lower-case text name used in the API, the database
 * and events. `hd_<enum>_parse` maps a name to a value (-1 when unknown);
 * `hd_<enum>_name` maps back (static storage). Pure: no I/O, no allocation.
 */
#ifndef HD_DOMAIN_ENUMS_H
#define HD_DOMAIN_ENUMS_H

#include <stddef.h>

enum hd_status {
	HD_STATUS_NEW,
	HD_STATUS_OPEN,
	HD_STATUS_PENDING, /* waiting on the customer */
	HD_STATUS_ON_HOLD, /* waiting on a third party */
	HD_STATUS_SOLVED,  /* awaiting the customer's confirmation */
	HD_STATUS_CLOSED,
	HD_STATUS__COUNT
};

enum hd_priority {
	HD_PRIORITY_LOW,
	HD_PRIORITY_NORMAL,
	HD_PRIORITY_HIGH,
	HD_PRIORITY_URGENT,
	HD_PRIORITY__COUNT
};

enum hd_channel {
	HD_CHANNEL_API,
	HD_CHANNEL_EMAIL,
	HD_CHANNEL_WEB,
	HD_CHANNEL_PHONE,
	HD_CHANNEL_CHAT,
	HD_CHANNEL_SOCIAL,
	HD_CHANNEL__COUNT
};

enum hd_author {
	HD_AUTHOR_CUSTOMER,
	HD_AUTHOR_AGENT,
	HD_AUTHOR_SYSTEM,
	HD_AUTHOR__COUNT
};

enum hd_visibility {
	HD_VIS_PUBLIC,
	HD_VIS_INTERNAL,
	HD_VIS__COUNT
};

enum hd_idkind {
	HD_IDKIND_EMAIL,
	HD_IDKIND_PHONE,
	HD_IDKIND_HANDLE,
	HD_IDKIND__COUNT
};

enum hd_role {
	HD_ROLE_AGENT,
	HD_ROLE_ADMIN,
	HD_ROLE__COUNT
};

/* How a ticket was closed. */
enum hd_close_kind {
	HD_CLOSE_NONE,        /* not closed */
	HD_CLOSE_CONFIRMED,   /* the customer said it is solved */
	HD_CLOSE_UNCONFIRMED, /* no answer within the grace period after solving */
	HD_CLOSE_REASON,      /* an agent closed it without solving, with a reason */
	HD_CLOSE__COUNT
};

/* Why an agent closed a ticket without solving it. */
enum hd_close_reason {
	HD_REASON_NONE,
	HD_REASON_SPAM,
	HD_REASON_DUPLICATE,
	HD_REASON_MERGED,
	HD_REASON__COUNT
};

int hd_status_parse(const char *s);
const char *hd_status_name(int v);
int hd_priority_parse(const char *s);
const char *hd_priority_name(int v);
int hd_channel_parse(const char *s);
const char *hd_channel_name(int v);
int hd_author_parse(const char *s);
const char *hd_author_name(int v);
int hd_visibility_parse(const char *s);
const char *hd_visibility_name(int v);
int hd_idkind_parse(const char *s);
const char *hd_idkind_name(int v);
int hd_role_parse(const char *s);
const char *hd_role_name(int v);
int hd_close_kind_parse(const char *s);
const char *hd_close_kind_name(int v);
int hd_close_reason_parse(const char *s);
const char *hd_close_reason_name(int v);

#endif
