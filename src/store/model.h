/*
 * model.h — the records heed stores, as the store hands them out.
 *
 * Strings in these structs point into the arena the caller passed to the
 * store function that filled them; they live as long as that arena. An id of
 * 0 means "none" (no team, no assignee); a time of 0 means "not yet".
 * Instants are ms since the Unix epoch, UTC.
 */
#ifndef HD_STORE_MODEL_H
#define HD_STORE_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "domain/enums.h"
#include "domain/lifecycle.h"
#include "domain/sla.h"

/** A running SLA clock of a ticket, as shown with the ticket. */
struct hd_sla_view {
	enum hd_sla_metric metric;
	struct hd_sla_clock clock;
};

struct hd_ticket {
	int64_t id; /* the customer-visible number */
	const char *subject;
	struct hd_lifecycle lc; /* status, first_response_at, solved_at, closed_at, reopen_count */
	enum hd_priority priority;
	enum hd_channel channel;
	int64_t team_id;
	const char *team_name; /* NULL when no team */
	int64_t assignee_id;
	const char *assignee_name;
	int64_t customer_id;
	const char *customer_name;
	int64_t created_at;
	int64_t updated_at;
	int64_t first_response_due; /* promised in the acknowledgement; 0 for agent-created */
	int64_t version;            /* increases by one with every change (ETag) */
	int64_t message_count;
	int64_t related_id;       /* the ticket this one follows up or is linked to; 0: none */
	const char *related_kind; /* "follow_up" or "linked"; NULL when none */
	int64_t sla_policy_id;    /* 0: the desk's default */
	int64_t sla_next_due;     /* earliest due time of a running SLA clock; 0: none */
	const char *sla_state;    /* ok, warning, breached, paused; NULL: no clock */
	const char **tags;        /* sorted; NULL when not loaded (lists) */
	size_t ntags;
	const struct hd_sla_view *clocks; /* running SLA clocks; NULL when not loaded */
	size_t nclocks;
	int64_t clocks_at;        /* the instant their state is shown for */
};


struct hd_attachment {
	int64_t id;
	int64_t message_id;
	const char *filename;
	const char *content_type;
	int64_t size;
	const char *sha256;
};

struct hd_message {
	int64_t id;
	int64_t ticket_id;
	enum hd_author author;
	int64_t author_id; /* agent or customer id; 0 for system */
	const char *author_name;
	enum hd_visibility visibility;
	const char *text;
	const char *html; /* NULL when none */
	const char *source_id; /* e.g. the e-mail Message-ID; NULL when none */
	const char *display_text; /* without quoted history; NULL: same as text */
	int has_raw;           /* the raw e-mail is kept */
	int64_t created_at;
	struct hd_attachment *attachments;
	size_t nattachments;
};

struct hd_identity {
	int64_t id;
	int64_t customer_id;
	enum hd_idkind kind;
	const char *value;
	int64_t created_at;
	int64_t bounced_at;        /* mail to it bounced; 0: never */
	const char *bounce_reason; /* NULL when never bounced */
};

struct hd_customer {
	int64_t id;
	const char *name;
	int64_t organization_id;
	const char *organization_name;
	const char *notes;
	int64_t created_at;
	int64_t updated_at;
	struct hd_identity *identities;
	size_t nidentities;
};

struct hd_organization {
	int64_t id;
	const char *name;
	const char *domain; /* e-mail domain, NULL when none */
	int64_t created_at;
};

struct hd_team {
	int64_t id;
	const char *name;
	int64_t lead_id; /* the agent told about trouble (SLA warnings); 0: none */
	int64_t created_at;
	int64_t *member_ids;
	size_t nmembers;
};

struct hd_agent {
	int64_t id;
	const char *name;
	const char *email;
	enum hd_role role;
	int active;
	int64_t created_at;
	int64_t *team_ids;
	size_t nteams;
};

struct hd_event {
	int64_t id;
	int64_t ticket_id;
	enum hd_author actor_kind; /* agent, customer or system */
	int64_t actor_id;
	const char *actor_name;
	const char *type; /* "ticket.created", "ticket.updated", "message.added", ... */
	const char *data; /* JSON object text: {"before": {...}, "after": {...}} etc. */
	int64_t at;
};

struct hd_outbox_item {
	int64_t id;
	int64_t ticket_id;
	const char *kind; /* "ack", "reply", ... */
	const char *to_addr;
	const char *subject;
	const char *body_text;
	const char *body_html;  /* NULL when text only */
	const char *message_id; /* stable across retries, with <> */
	const char *status;     /* "queued", "sent", "failed" */
	int attempts;
	int64_t next_attempt_at;
	int64_t created_at;
	int64_t sent_at;        /* 0 until sent */
	const char *last_error; /* the last failure, NULL when none */
	const char *from_name;  /* NULL: the desk's name */
	const char *in_reply_to;/* with <>, NULL when none */
	const char *refs;       /* space-separated, NULL when none */
	const char *auto_submitted; /* NULL for a person's reply */
};

struct hd_search_hit {
	int64_t ticket_id;
	const char *subject;
	enum hd_status status;
	int64_t message_id; /* 0 when the subject matched */
	const char *snippet; /* with \x02 before and \x03 after each matched word */
	double rank;
};

/** An e-mail heed refused, kept with the reason. */
struct hd_quarantined {
	int64_t id;
	const char *raw_sha256;
	int64_t size;
	const char *reason;
	const char *source; /* "mailgate", "imap:<mailbox>" */
	int64_t created_at;
};

/** Who does something: recorded on every event. */
struct hd_actor {
	enum hd_author kind;
	int64_t id;
	enum hd_role role; /* meaningful for agents */
};

#endif
