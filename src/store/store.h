/*
 * store.h — the one interface between heed and its database.
 *
 * Everything heed keeps goes through these functions; one implementation per
 * backend lives below (sqlite/ is the default). Rules every implementation
 * keeps:
 *  - Every write is one transaction together with the events it appends, so
 *    the timeline, audit log and live updates can never disagree with the
 *    data. Concurrent writes are grouped into one commit (group commit) and
 *    a write returns only once it is durable.
 *  - A write carrying an idempotency record (struct hd_idem) is done at most
 *    once per (agent, key): a retry gets HD_OK with `replayed` set and the id
 *    the first call produced; the same key with another body gets
 *    HD_ECONFLICT.
 *  - Reads may run on any thread at once; each thread gets its own
 *    connection and prepared statements.
 *  - Records returned through OUT parameters have their strings in the
 *    caller's arena (`struct hd_arena *a`); nothing must be freed one by one.
 *  - Errors: 0 or a negative HD_E* code, the reason in `err` (may be NULL).
 */
#ifndef HD_STORE_H
#define HD_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "store/model.h"
#include "store/policies.h"
#include "util/arena.h"
#include "util/err.h"

struct hd_store;

struct hd_store_opts {
	const char *data_dir;   /* holds heed.db and blobs/ */
	int readers;            /* max read connections kept open (>= 1) */
	int64_t cache_kib;      /* page cache per connection */
	const char *mail_domain;/* domain of the Message-IDs we send; NULL: "heed.invalid" */
	const char *desk_name;  /* names the desk in automatic mail; NULL: "heed" */
	int autoreply_max;      /* automatic replies per address per window; 0: 10 */
	int64_t autoreply_window_ms; /* 0: 3 hours */
	int64_t first_response_minutes; /* the default SLA when no policy matches; 0: 480 */
	int64_t autoclose_grace_ms;     /* solved tickets close unconfirmed after; 0: 7 days */
	const char *public_url;         /* where customers reach heed (links); NULL: none */
};

/* ---- lifecycle --------------------------------------------------------- */

/** Open (creating if needed) the store in opts->data_dir and bring its
 * schema up to date. The caller owns `*out` and frees it with
 * hd_store_close(). */
int hd_store_open(struct hd_store **out, const struct hd_store_opts *opts, struct hd_err *err);

/** Stop the writer, close every connection, free the store. NULL is fine. */
void hd_store_close(struct hd_store *st);

/** The schema version the database is at, and the one this binary wants. */
int hd_store_schema_version(struct hd_store *st, int *have, int *want);

/** Cheap liveness check: runs a trivial query. */
int hd_store_ping(struct hd_store *st, struct hd_err *err);

/* ---- idempotency ------------------------------------------------------- */

/** An Idempotency-Key attached to a write. `request_hash` is the hex SHA-256
 * of method, path and body. On return `replayed` is 1 when the write was
 * done before and this call only returned its result. */
struct hd_idem {
	const char *key;        /* NULL: no idempotency */
	int64_t agent_id;
	const char *request_hash;
	int replayed;
};

/* ---- tickets ----------------------------------------------------------- */

struct hd_requester {
	int64_t customer_id;  /* 0: find or create by identity below */
	enum hd_idkind kind;  /* when customer_id == 0 */
	const char *value;    /* normalised identity value */
	const char *name;     /* display name for a new customer; may be NULL */
};

struct hd_attachment_new {
	const char *filename;
	const char *content_type;
	int64_t size;
	const char *sha256; /* blob already written with hd_store_blob_put */
};

struct hd_ticket_new {
	const char *subject;
	struct hd_requester requester;
	enum hd_author created_by; /* customer: acknowledgement sent; agent: none */
	enum hd_priority priority;
	enum hd_channel channel;
	int64_t team_id;      /* 0: none */
	const char *team_name;/* alternative to team_id; NULL: none */
	int64_t assignee_id;  /* 0: none */
	const char *text;     /* first message */
	const char *html;     /* may be NULL */
	const struct hd_attachment_new *attachments;
	size_t nattachments;
	int64_t first_response_due; /* set by the store from the SLA policy; callers leave 0 */
	const char *desk_name;      /* signs the acknowledgement; NULL: the store's */
	/* e-mail: */
	const char *display_text;   /* first message without quoted history; NULL: text */
	const char *source_id;      /* the first message's Message-ID (without <>) */
	const char *raw_sha256;     /* the raw e-mail in mail_raw; NULL: none */
	const char *no_ack_reason;  /* non-NULL: send no acknowledgement, record why */
	int64_t related_id;         /* the ticket this one follows up or is linked to; 0: none */
	const char *related_kind;   /* "follow_up" or "linked" */
	int internal;               /* the first message is an internal note */
};

/** Create a ticket, its first message, the customer if new, the events and
 * (for customer-created tickets) the acknowledgement in the outbox — all in
 * one transaction. `*id` receives the ticket number. */
int hd_store_ticket_create(struct hd_store *st, const struct hd_actor *who,
			   const struct hd_ticket_new *in, struct hd_idem *idem, int64_t *id,
			   struct hd_err *err);

/** The customer answers "is it solved?" with the signed link `token`
 * (util/msgid hd_link_make): `yes` closes the ticket (confirmed), no reopens
 * it. `*ticket` receives the ticket's id when the token is genuine.
 * HD_ENOTFOUND for a token that is not ours; HD_ECONFLICT when the ticket is
 * no longer awaiting that answer (reopened, solved again, closed). */
int hd_store_resolution_answer(struct hd_store *st, const char *token, int yes, int64_t *ticket,
			       struct hd_err *err);

/** 1 with the ticket and solve instant when `token` is a confirmation
 * link this desk signed; 0 otherwise. Reads nothing. */
int hd_store_link_check(struct hd_store *st, const char *token, int64_t *ticket,
			int64_t *solved_at);

/** The same answer relayed by an agent or integration for ticket `id`. */
int hd_store_ticket_confirm(struct hd_store *st, const struct hd_actor *who, int64_t id, int yes,
			    struct hd_err *err);

/** The running SLA clocks of ticket `id` (arena array). */
int hd_store_sla_clocks(struct hd_store *st, int64_t id, struct hd_sla_view **out, size_t *n,
			struct hd_arena *a, struct hd_err *err);

/** Load ticket `id` into `*out`. HD_ENOTFOUND when there is none. */
int hd_store_ticket_get(struct hd_store *st, int64_t id, struct hd_ticket *out,
			struct hd_arena *a, struct hd_err *err);

/** What to change in a ticket; a field is changed only when its `set_` flag
 * is on. An id of 0 with its flag on clears the team or assignee. */
struct hd_ticket_patch {
	int set_subject, set_status, set_priority, set_team, set_assignee, set_tags;
	const char *subject;
	enum hd_close_reason close_reason; /* with status closed: why (HD_REASON_NONE: none) */
	const char *const *tags;           /* set_tags: the ticket's tags from now on */
	size_t ntags;
	enum hd_status status;
	enum hd_priority priority;
	int64_t team_id;
	int64_t assignee_id;
	int64_t if_version; /* 0: unconditional; else HD_EPRECOND unless equal */
};

/** Apply `p` to ticket `id` with one "ticket.updated" event listing each
 * changed field's before and after. Status moves follow domain/lifecycle. */
int hd_store_ticket_update(struct hd_store *st, const struct hd_actor *who, int64_t id,
			   const struct hd_ticket_patch *p, struct hd_err *err);

struct hd_ticket_filter {
	int has_status;
	enum hd_status status;
	int active_only;      /* status in new/open/pending/on_hold */
	int64_t team_id;      /* 0: any; -1: no team */
	int64_t assignee_id;  /* 0: any; -1: unassigned */
	int64_t customer_id;  /* 0: any */
	int has_priority;
	enum hd_priority priority;
	int64_t after;        /* cursor: tickets with id < after (newest first); 0: start */
	int limit;            /* 1..200 */
};

/** Tickets matching `f`, newest first. `*out` is an arena array of `*n`;
 * `*next` is the cursor for the next page or 0 when this is the last. */
int hd_store_ticket_list(struct hd_store *st, const struct hd_ticket_filter *f,
			 struct hd_ticket **out, size_t *n, int64_t *next, struct hd_arena *a,
			 struct hd_err *err);

/* ---- messages ---------------------------------------------------------- */

struct hd_message_new {
	enum hd_author author;
	int64_t author_id; /* agent id, or 0: the ticket's customer */
	enum hd_visibility visibility;
	const char *text;
	const char *html;
	const char *source_id;    /* e.g. the e-mail's Message-ID (without <>) */
	const char *display_text; /* without quoted history; NULL: same as text */
	const char *raw_sha256;   /* the raw e-mail in mail_raw; NULL: none */
	const struct hd_attachment_new *attachments;
	size_t nattachments;
};

/** Add a message to ticket `id`, updating the ticket's lifecycle (a customer
 * reply reopens a solved ticket, the first public agent reply is the first
 * response) with events. `*mid` receives the message id. */
int hd_store_message_add(struct hd_store *st, const struct hd_actor *who, int64_t id,
			 const struct hd_message_new *in, struct hd_idem *idem, int64_t *mid,
			 struct hd_err *err);

/** Messages of ticket `id` oldest first, with their attachments; internal
 * notes only when `internal` is on. Cursor: messages with id > after. */
int hd_store_message_list(struct hd_store *st, int64_t id, int internal, int64_t after,
			  int limit, struct hd_message **out, size_t *n, int64_t *next,
			  struct hd_arena *a, struct hd_err *err);

/** One message by id. */
int hd_store_message_get(struct hd_store *st, int64_t mid, struct hd_message *out,
			 struct hd_arena *a, struct hd_err *err);

/** Attachment metadata by id. */
int hd_store_attachment_get(struct hd_store *st, int64_t aid, struct hd_attachment *out,
			    struct hd_arena *a, struct hd_err *err);

/* ---- blobs (content-addressed files under data_dir/blobs) ------------- */

/** Write `data` durably as a blob (fsync'd before return); its SHA-256 hex
 * goes to `sha256` (65 bytes). Writing the same content twice is a no-op. */
int hd_store_blob_put(struct hd_store *st, const void *data, size_t len, char *sha256,
		      struct hd_err *err);

/** The path of blob `sha256` into `path` (`len` bytes). HD_EINVAL for a
 * malformed hash. */
int hd_store_blob_path(struct hd_store *st, const char *sha256, char *path, size_t len);

/* ---- events ------------------------------------------------------------ */

/** Events of ticket `id`, oldest first; cursor: events with id > after. */
int hd_store_event_list(struct hd_store *st, int64_t id, int64_t after, int limit,
			struct hd_event **out, size_t *n, int64_t *next, struct hd_arena *a,
			struct hd_err *err);

/** Events of every ticket with id > after, oldest first, at most `limit`
 * (1..500), without actor names (live updates, http/live.c). One indexed
 * read of the primary key. */
int hd_store_events_since(struct hd_store *st, int64_t after, int limit, struct hd_event **out,
			  size_t *n, struct hd_arena *a, struct hd_err *err);

/** The newest event's id into `*id` (0: none), read from the database, so
 * it sees events other processes (heed mailgate) wrote. */
int hd_store_events_last(struct hd_store *st, int64_t *id, struct hd_err *err);

/** `fn(ctx, last_event)` is called on the writer thread after each group
 * commit that added events (`last_event`: the newest event id). It must be
 * quick and must not write. NULL removes it; once this returns, the previous
 * function is not running and will not be called. */
void hd_store_on_commit(struct hd_store *st, void (*fn)(void *ctx, int64_t last_event),
			void *ctx);

/* ---- customers --------------------------------------------------------- */

struct hd_identity_new {
	enum hd_idkind kind;
	const char *value; /* normalised */
};

struct hd_customer_new {
	const char *name;
	int64_t organization_id;
	const char *notes;
	const struct hd_identity_new *identities;
	size_t nidentities;
};

/** Create a customer with its identities. HD_ECONFLICT when an identity
 * already belongs to someone. */
int hd_store_customer_create(struct hd_store *st, const struct hd_actor *who,
			     const struct hd_customer_new *in, struct hd_idem *idem, int64_t *id,
			     struct hd_err *err);

int hd_store_customer_get(struct hd_store *st, int64_t id, struct hd_customer *out,
			  struct hd_arena *a, struct hd_err *err);

struct hd_customer_patch {
	int set_name, set_organization, set_notes;
	const char *name;
	int64_t organization_id;
	const char *notes;
};

int hd_store_customer_update(struct hd_store *st, const struct hd_actor *who, int64_t id,
			     const struct hd_customer_patch *p, struct hd_err *err);

/** Customers, newest first. `q` (may be NULL) matches an identity value
 * exactly (after normalisation by the caller, given as `q_identity`) or a
 * name/identity prefix. Cursor: id < after. */
int hd_store_customer_list(struct hd_store *st, const char *q, int64_t after, int limit,
			   struct hd_customer **out, size_t *n, int64_t *next, struct hd_arena *a,
			   struct hd_err *err);

/** Add an identity to customer `id`; `*iid` receives its id. HD_ECONFLICT
 * when it belongs to a customer already. */
int hd_store_identity_add(struct hd_store *st, const struct hd_actor *who, int64_t id,
			  const struct hd_identity_new *in, struct hd_idem *idem, int64_t *iid,
			  struct hd_err *err);

/** Remove identity `iid` of customer `id`. */
int hd_store_identity_remove(struct hd_store *st, const struct hd_actor *who, int64_t id,
			     int64_t iid, struct hd_err *err);

/* ---- organizations ----------------------------------------------------- */

int hd_store_org_create(struct hd_store *st, const char *name, const char *domain,
			struct hd_idem *idem, int64_t *id, struct hd_err *err);
int hd_store_org_get(struct hd_store *st, int64_t id, struct hd_organization *out,
		     struct hd_arena *a, struct hd_err *err);
int hd_store_org_list(struct hd_store *st, struct hd_organization **out, size_t *n,
		      struct hd_arena *a, struct hd_err *err);

/* ---- teams and agents -------------------------------------------------- */

/** Create a team with the agents `members[0..nmembers)` (NULL: none), in
 * one transaction: an unknown agent (HD_EINVAL) creates nothing. */
int hd_store_team_create(struct hd_store *st, const char *name, const int64_t *members,
			 size_t nmembers, struct hd_idem *idem, int64_t *id, struct hd_err *err);
int hd_store_team_get(struct hd_store *st, int64_t id, struct hd_team *out, struct hd_arena *a,
		      struct hd_err *err);
/** Team by exact name; HD_ENOTFOUND when none. */
int hd_store_team_find(struct hd_store *st, const char *name, int64_t *id, struct hd_err *err);
int hd_store_team_list(struct hd_store *st, struct hd_team **out, size_t *n, struct hd_arena *a,
		       struct hd_err *err);
/** Rename the team (`name` NULL: keep) and/or replace its members
 * (`members` NULL: keep), in one transaction: all or nothing. */
int hd_store_team_update(struct hd_store *st, int64_t id, const char *name,
			 const int64_t *members, size_t nmembers, struct hd_err *err);

struct hd_agent_new {
	const char *name;
	const char *email; /* normalised */
	enum hd_role role;
	const char *password_hash; /* argon2id string; may be NULL (no password sign-in) */
};

int hd_store_agent_create(struct hd_store *st, const struct hd_agent_new *in,
			  struct hd_idem *idem, int64_t *id, struct hd_err *err);
int hd_store_agent_get(struct hd_store *st, int64_t id, struct hd_agent *out, struct hd_arena *a,
		       struct hd_err *err);
int hd_store_agent_list(struct hd_store *st, struct hd_agent **out, size_t *n, struct hd_arena *a,
			struct hd_err *err);

struct hd_agent_patch {
	int set_name, set_role, set_active, set_password;
	const char *name;
	enum hd_role role;
	int active;
	const char *password_hash;
};

int hd_store_agent_update(struct hd_store *st, int64_t id, const struct hd_agent_patch *p,
			  struct hd_err *err);

/** The password hash of the active agent with `email`, and its id. */
int hd_store_agent_password(struct hd_store *st, const char *email, int64_t *id, char **hash,
			    struct hd_arena *a, struct hd_err *err);

/* ---- API tokens -------------------------------------------------------- */

/** Store the SHA-256 `token_hash` of a new token for agent `agent_id`. */
int hd_store_token_create(struct hd_store *st, int64_t agent_id, const char *name,
			  const char *token_hash, int64_t *id, struct hd_err *err);

/** The active agent a token hash belongs to. HD_EUNAUTH when none. */
int hd_store_token_lookup(struct hd_store *st, const char *token_hash, struct hd_actor *who,
			  struct hd_err *err);

/** A number that changes whenever an agent's role or active flag may have
 * changed, or a session ended, in this process: a cache of token or session
 * lookups made under another number must be dropped. */
uint64_t hd_store_auth_epoch(struct hd_store *st);

/* ---- sessions (web app sign-in; store/sqlite/sessions.c) -------------- */

/* A session ends after HD_SESSION_IDLE_MS without use (sliding) and at the
 * latest HD_SESSION_MAX_MS after sign-in, whichever comes first. */
#define HD_SESSION_IDLE_MS (12LL * 3600 * 1000)
#define HD_SESSION_MAX_MS (30LL * 86400 * 1000)
#define HD_CSRF_LEN 43      /* the CSRF token: 43 base64url characters (buffer: +1) */
#define HD_SESSION_IP_MAX 64 /* bytes of the client address kept */
#define HD_SESSION_UA_MAX 255 /* bytes of the User-Agent kept (cut at a character) */

/** When a session signed in at `created_at` and used at `now` ends. */
static inline int64_t hd_session_expiry(int64_t created_at, int64_t now)
{
	int64_t idle = now + HD_SESSION_IDLE_MS, max = created_at + HD_SESSION_MAX_MS;

	return idle < max ? idle : max;
}

struct hd_session_new {
	int64_t agent_id;
	const char *token_hash; /* hex SHA-256 of the cookie's token; never the token */
	const char *csrf_token; /* HD_CSRF_LEN characters */
	const char *ip;         /* may be NULL; cut to HD_SESSION_IP_MAX bytes */
	const char *user_agent; /* may be NULL; cut to HD_SESSION_UA_MAX bytes */
	int64_t now;            /* sign-in instant */
};

/** A live session. Plain data (no arena), so it can be copied into a cache. */
struct hd_session {
	int64_t id;             /* 0: none */
	struct hd_actor who;    /* its agent */
	char csrf_token[HD_CSRF_LEN + 1];
	int64_t created_at, last_seen_at, expires_at;
};

/** Start a session for the active agent in->agent_id (HD_EUNAUTH when it is
 * not active), deleting sessions that have ended in the same write.
 * `*id` receives its id. */
int hd_store_session_create(struct hd_store *st, const struct hd_session_new *in, int64_t *id,
			    struct hd_err *err);

/** The session whose token hashes to `token_hash`, if it has not ended at
 * `now` and its agent is active, into `*out`. HD_EUNAUTH otherwise. */
int hd_store_session_lookup(struct hd_store *st, const char *token_hash, int64_t now,
			    struct hd_session *out, struct hd_err *err);

/** Record that session `s` was used at `now`: moves its end by the idle
 * time (never past the absolute limit) and updates s->last_seen_at and
 * s->expires_at. HD_EUNAUTH when the session is gone. */
int hd_store_session_touch(struct hd_store *st, struct hd_session *s, int64_t now,
			   struct hd_err *err);

/** End session `id` (signing out). Ending one that is gone is no error.
 * Changes the auth epoch, so caches drop it at once. */
int hd_store_session_delete(struct hd_store *st, int64_t id, struct hd_err *err);

/** End every session of agent `agent_id` ("sign out everywhere"); `*n`
 * (may be NULL) receives how many. Changes the auth epoch. */
int hd_store_session_delete_agent(struct hd_store *st, int64_t agent_id, int64_t *n,
				  struct hd_err *err);

/* ---- portal (customers sign in by e-mail link; store/sqlite/portal.c) -- */

/* A sign-in link works once, for HD_PORTAL_LINK_MS after it was sent. A
 * customer's session ends after HD_PORTAL_IDLE_MS without use and at the
 * latest HD_PORTAL_MAX_MS after sign-in. */
#define HD_PORTAL_LINK_MS (30LL * 60 * 1000)
#define HD_PORTAL_IDLE_MS (12LL * 3600 * 1000)
#define HD_PORTAL_MAX_MS (7LL * 86400 * 1000)
#define HD_PORTAL_TOKEN_MAX 128 /* buffer size for a sign-in link's token (util/signin_link.h) */

/** A customer's portal session. Plain data (no arena). */
struct hd_portal_session {
	int64_t id;          /* 0: none */
	int64_t customer_id;
	char csrf_token[HD_CSRF_LEN + 1];
	int64_t created_at, last_seen_at, expires_at;
};

/** Queue a sign-in mail (outbox kind "magic_link", no ticket) to `email`
 * (normalised) when it is an e-mail identity of a customer whose mail has
 * not bounced: a link to `<public_url>/portal/signin/<token>`, the token
 * signed with the desk's key, naming the customer and expiring
 * HD_PORTAL_LINK_MS after `now`. `*queued` (may be NULL) tells whether a
 * mail was queued; an unknown address is no error (the caller must not
 * tell the difference either). */
int hd_store_portal_link_request(struct hd_store *st, const char *email, int64_t now,
				 int *queued, struct hd_err *err);

/** Use sign-in token `token` at `now`: when it is genuine, unexpired and
 * unused, mark it used and start a session for its customer in one write,
 * with `in` (agent_id ignored; token_hash, csrf_token, ip, user_agent as
 * for agents). `*out` receives the session. HD_EUNAUTH otherwise. */
int hd_store_portal_signin(struct hd_store *st, const char *token,
			   const struct hd_session_new *in, struct hd_portal_session *out,
			   struct hd_err *err);

/** The live portal session whose cookie token hashes to `token_hash`;
 * HD_EUNAUTH when none. */
int hd_store_portal_session_lookup(struct hd_store *st, const char *token_hash, int64_t now,
				   struct hd_portal_session *out, struct hd_err *err);

/** Record that portal session `s` was used at `now` (sliding end). */
int hd_store_portal_session_touch(struct hd_store *st, struct hd_portal_session *s, int64_t now,
				  struct hd_err *err);

/** End portal session `id`. Ending one that is gone is no error. */
int hd_store_portal_session_delete(struct hd_store *st, int64_t id, struct hd_err *err);

/* ---- outbox ------------------------------------------------------------ */

/** Outbox items, oldest first; `ticket_id` 0 for all. */
int hd_store_outbox_list(struct hd_store *st, int64_t ticket_id, int64_t after, int limit,
			 struct hd_outbox_item **out, size_t *n, int64_t *next, struct hd_arena *a,
			 struct hd_err *err);

/** Queued items due at `now`, most overdue first, at most `limit`;
 * `*next_due` the next later due time (0 when none), so the worker knows
 * how long it may sleep. */
int hd_store_outbox_due(struct hd_store *st, int64_t now, int limit,
			struct hd_outbox_item **out, size_t *n, int64_t *next_due,
			struct hd_arena *a, struct hd_err *err);

enum hd_outbox_result {
	HD_OUTBOX_SENT,   /* accepted by the SMTP server */
	HD_OUTBOX_RETRY,  /* try again at `retry_at` */
	HD_OUTBOX_FAILED, /* permanent failure: shown on the ticket, never retried */
};

/** Record one delivery attempt of item `id` with an event on its ticket
 * ("mail.sent" / "mail.failed"). An item no longer queued is left alone. */
int hd_store_outbox_result(struct hd_store *st, int64_t id, enum hd_outbox_result result,
			   const char *error, int64_t retry_at, struct hd_err *err);

/* ---- e-mail ------------------------------------------------------------ */

/** One accepted e-mail, parsed and decided on by the mail shell; blobs
 * (raw message, attachments) already written with hd_store_blob_put. */
struct hd_mail_new {
	const char *message_id;   /* without <>; never NULL (synthesised when missing) */
	const char *content_hash; /* hex SHA-256 of what the message says */
	const void *raw;          /* the message as received, kept with it */
	size_t raw_len;
	const char *raw_sha256;   /* its hex SHA-256 */
	const char *subject;
	const char *sender_addr;  /* From: who wrote; decides whether a reply may join */
	const char *from_addr;    /* who a new ticket is for: Reply-To, else From */
	const char *from_name;
	const char *const *references; /* In-Reply-To first, then References newest first */
	size_t nreferences;
	const char *const *participants; /* other addresses on the mail (To, Cc) */
	size_t nparticipants;
	int64_t subject_ticket;   /* [#123] in the subject; 0: none */
	int64_t plus_ticket;      /* support+123@; 0: none */
	const char *text;         /* full text */
	const char *display_text; /* without quoted history; NULL: text */
	const char *html;
	const struct hd_attachment_new *attachments;
	size_t nattachments;
	const char *no_ack_reason;/* non-NULL: never acknowledge (automatic mail) */
	int internal;             /* mailgate --action note: an internal note */
	const char *team_name;    /* team of new tickets; NULL: none */
	/* a delivery status notification: */
	int is_bounce;
	const char *bounce_recipient; /* the address that failed; NULL: unknown */
	const char *bounce_reason;    /* status and diagnostic */
	const char *bounce_orig_id;   /* Message-ID of the mail that bounced; NULL: unknown */
};

enum hd_mail_outcome {
	HD_MAIL_CREATED,   /* a new ticket */
	HD_MAIL_APPENDED,  /* added to an existing ticket */
	HD_MAIL_DUPLICATE, /* seen before: nothing written */
	HD_MAIL_BOUNCE,    /* a bounce: address marked, noted on its ticket */
};

struct hd_mail_result {
	enum hd_mail_outcome outcome;
	int64_t ticket_id;  /* 0 for a bounce about no ticket */
	int64_t message_id; /* the stored message; 0 when none */
	int64_t related_id; /* for a new ticket linked to / following another */
	const char *why;    /* static text: how the ticket was chosen */
};

/** Where an IMAP folder has been read up to, saved with the messages. */
struct hd_mailbox_mark {
	const char *name;
	uint32_t uidvalidity;
	uint32_t last_uid;
};

/** Store one e-mail: deduplicate (same Message-ID and content hash: a
 * no-op), thread it (our signed Message-ID, a known Message-ID, the [#n]
 * tag, the plus-address — never merging a stranger into a ticket), create
 * the customer, ticket or message, the acknowledgement and the events, all
 * in one transaction. */
int hd_store_mail_ingest(struct hd_store *st, const struct hd_mail_new *in,
			 struct hd_mail_result *res, struct hd_err *err);

/** Store `n` e-mails and `mark` (may be NULL) in one commit, all or
 * nothing: when one fails, nothing is stored and its error is returned
 * (the caller may then store them one by one to find it). */
int hd_store_mail_ingest_batch(struct hd_store *st, const struct hd_mail_new *in, size_t n,
			       struct hd_mail_result *res, const struct hd_mailbox_mark *mark,
			       struct hd_err *err);

/** Keep a message heed will never accept (`raw`, `len` bytes) with the
 * reason; `*id` the quarantine id. */
int hd_store_mail_quarantine(struct hd_store *st, const void *raw, size_t len,
			     const char *reason, const char *source, int64_t *id,
			     struct hd_err *err);

/** Quarantined messages, newest first; cursor: id < after. */
int hd_store_quarantine_list(struct hd_store *st, int64_t after, int limit,
			     struct hd_quarantined **out, size_t *n, int64_t *next,
			     struct hd_arena *a, struct hd_err *err);

/** The saved position of mailbox `name`; zeros when never read. */
int hd_store_mailbox_get(struct hd_store *st, const char *name, uint32_t *uidvalidity,
			 uint32_t *last_uid, struct hd_err *err);

/** Save the position of a mailbox on its own (nothing new to store). */
int hd_store_mailbox_set(struct hd_store *st, const struct hd_mailbox_mark *mark,
			 struct hd_err *err);

/* ---- search ------------------------------------------------------------ */

/** Full-text search over subjects and message text; `fts` is an FTS5
 * expression built by domain/search_query. Best first. Internal notes are
 * searched only when `internal` is on. */
int hd_store_search(struct hd_store *st, const char *fts, int internal, int limit,
		    struct hd_search_hit **out, size_t *n, struct hd_arena *a, struct hd_err *err);

/* ---- bulk seeding (benchmarks and demos) ------------------------------- */

struct hd_seed_opts {
	int64_t tickets;
	int messages_per_ticket;
	int64_t customers;
	int teams;
	int days; /* > 0: tickets spread over the last `days` days, each with a worked
		   * history for the metrics (sqlite/seed_metrics.c); 0: one a second */
	/* called after each batch; done = -1 when the search index rebuild starts */
	void (*progress)(int64_t done, int64_t total, void *ctx);
	void *progress_ctx;
};

/** Insert synthetic teams, customers, tickets and messages in large
 * transactions, reporting progress. */
int hd_store_seed(struct hd_store *st, const struct hd_seed_opts *o, struct hd_err *err);

/* ---- timers (store/sqlite/timers.c) ------------------------------------ */

/** Fire up to `max` timers due at `now`, oldest first, each in the write
 * that deletes it (exactly once); `*fired` receives how many. */
int hd_store_timers_fire(struct hd_store *st, int64_t now, int max, int *fired,
			 struct hd_err *err);

/** The earliest due time of any timer into `*due` (0: none). */
int hd_store_timers_next(struct hd_store *st, int64_t *due, struct hd_err *err);

/** `fn(ctx, due)` is called (from any thread, possibly inside a write that
 * may still roll back) whenever a timer is set to fire at `due`. */
void hd_store_timers_on_set(struct hd_store *st, void (*fn)(void *ctx, int64_t due), void *ctx);

/** Call the function registered with hd_store_timers_on_set. */
void hd_store_timers_kick(struct hd_store *st, int64_t due_at);

#endif
