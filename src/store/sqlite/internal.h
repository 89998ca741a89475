/*
 * internal.h — what the SQLite store's files share, and nothing outside
 * src/store/sqlite/ may include.
 *
 * Connections: one writer connection owned by the writer thread
 * (writer.c), and a pool of reader connections handed to one thread at a
 * time (db.c). Each connection caches its prepared statements, keyed by the
 * SQL text, so hot paths prepare nothing.
 */
#ifndef HD_STORE_SQLITE_INTERNAL_H
#define HD_STORE_SQLITE_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

#include <sqlite3.h>

#include "domain/sla.h"
#include "store/store.h"
#include "util/msgid.h"

#define HD_STMT_CACHE 96

struct hd_stmt_slot {
	uint64_t hash;   /* FNV-1a of the SQL text */
	const char *sql; /* sqlite3_sql(st): owned by the statement */
	sqlite3_stmt *st;
};

struct hd_conn {
	sqlite3 *db;
	struct hd_store *st;  /* the store this connection belongs to */
	struct hd_conn *next; /* free list */
	int nslots;
	struct hd_stmt_slot slots[HD_STMT_CACHE];
};

struct hd_wjob;

struct hd_writer {
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t wake; /* the writer waits here for jobs */
	struct hd_wjob *head, *tail;
	int stop;
	int running;
	struct hd_conn *conn;
	/* background checkpoints (see writer.c) */
	pthread_t ckpt_thread;
	pthread_cond_t ckpt_wake;
	int ckpt_running;
	int checkpoint_wanted;
	int wal_pages; /* WAL length after the last commit (writer thread only) */
	struct hd_conn *ckpt;
	/* hd_store_on_commit: called under mu after a commit that added events */
	void (*on_commit)(void *ctx, int64_t last_event);
	void *on_commit_ctx;
	int64_t last_event; /* newest event id seen after a commit (writer thread) */
};

struct hd_store {
	char *data_dir;
	char *db_path;
	char *blob_dir;
	int64_t cache_kib;
	int max_readers;
	pthread_mutex_t pool_mu;
	struct hd_conn *pool;
	int nreaders;
	struct hd_writer writer;
	_Atomic uint64_t auth_epoch; /* see hd_store_auth_epoch */
	unsigned char mail_key[HD_MSGID_KEYLEN]; /* signs our Message-IDs (settings table) */
	char *mail_domain;                       /* right-hand side of our Message-IDs */
	char *desk_name;                         /* names the desk in automatic mail */
	int autoreply_max;                       /* see hd_store_opts */
	int64_t autoreply_window_ms;
	int64_t first_response_minutes;          /* see hd_store_opts */
	int64_t autoclose_grace_ms;
	char *public_url;
	void (*timer_wake)(void *ctx, int64_t due); /* see hd_store_timers_on_set */
	void *timer_wake_ctx;
	struct hd_sla_config *sla_cfg; /* writer thread only: see hd_sla_config_get */
	_Atomic uint64_t sla_gen;      /* bumped by hd_sla_config_invalidate */
};

/* ---- db.c ---- */

/** Open a connection to the store's database with heed's pragmas. */
int hd_db_connect(struct hd_store *st, int writer, struct hd_conn **out, struct hd_err *err);
void hd_db_disconnect(struct hd_conn *c);

/** Take a reader connection (opening one if the pool is empty); give it back
 * with hd_db_release. */
int hd_db_acquire(struct hd_store *st, struct hd_conn **out, struct hd_err *err);
void hd_db_release(struct hd_store *st, struct hd_conn *c);

/** The cached prepared statement for `sql` (prepared on first use), reset
 * and with bindings cleared. NULL on a prepare error (logged in `err`).
 * The caller resets it (hd_db_done) when finished. */
sqlite3_stmt *hd_db_stmt(struct hd_conn *c, const char *sql, struct hd_err *err);

/** Reset a statement so it holds no read snapshot. NULL is fine. */
void hd_db_done(sqlite3_stmt *st);

/** Map a SQLite result code to an HD_E* code, recording the message. */
int hd_db_error(struct hd_conn *c, int rc, struct hd_err *err);

/** Run `sql` (one or more statements, no results). */
int hd_db_exec(struct hd_conn *c, const char *sql, struct hd_err *err);

/** Column text copied into the arena; NULL stays NULL. */
const char *hd_db_text(sqlite3_stmt *st, int col, struct hd_arena *a);

/** Reads the current row of a statement into one record (in the arena). */
typedef void (*hd_row_fn)(sqlite3_stmt *s, void *item, struct hd_arena *a);

/** Step the bound statement `s` and read every row with `read` into an
 * arena array of `size`-byte records (`*out`, `*n`). With `limit` > 0 the
 * statement must ask for limit + 1 rows: at most `limit` are kept, and if
 * there was one more, `*next` (may be NULL) is column 0 of the last kept
 * row — the cursor for the next page; otherwise 0. With `limit` <= 0 every
 * row is kept. Resets `s`. */
int hd_db_collect(struct hd_conn *c, sqlite3_stmt *s, size_t size, int limit, hd_row_fn read,
		  void **out, size_t *n, int64_t *next, struct hd_arena *a, struct hd_err *err);

/** On a reader connection: run `sql` with `?1` bound to `id` and collect
 * every row (see hd_db_collect). For "all of them (id 0) or this one". */
int hd_db_query_id(struct hd_store *st, const char *sql, int64_t id, size_t size,
		   hd_row_fn read, void **out, size_t *n, struct hd_arena *a, struct hd_err *err);

/** Step the bound statement `s` once: a row is read into `item`; no row is
 * HD_ENOTFOUND "there is no <what> <id>". Resets `s`. */
int hd_db_get(struct hd_conn *c, sqlite3_stmt *s, hd_row_fn read, void *item,
	      struct hd_arena *a, const char *what, int64_t id, struct hd_err *err);

/** 1 when `sql` (one `?1` parameter) returns a row for `id`, 0 when it
 * returns none, a negative HD_E* code on error. */
int hd_db_exists(struct hd_conn *c, const char *sql, int64_t id, struct hd_err *err);

/** 0 when `sql` returns a row for `id`; otherwise `code` (HD_ENOTFOUND for
 * the resource in the path, HD_EINVAL for an id given in the body) with
 * "there is no <what> <id>" naming `field`. */
int hd_db_require(struct hd_conn *c, const char *sql, int64_t id, int code, const char *field,
		  const char *what, struct hd_err *err);

/** Bind helpers: bind NULL for 0 ids / NULL strings. */
int hd_db_bind_id(sqlite3_stmt *st, int idx, int64_t id);
int hd_db_bind_text(sqlite3_stmt *st, int idx, const char *s);

/* ---- rank.c ---- */

/** Register the heed_rank() FTS5 ranking function on `db`. */
int hd_rank_register(sqlite3 *db, struct hd_err *err);

/* ---- schema.c ---- */

/** Apply pending migrations on the writer connection. */
int hd_schema_migrate(struct hd_conn *c, struct hd_err *err);
/** Inside a write: `start` 1 stops indexing new rows for full-text search;
 * `start` 0 rebuilds the whole index and indexes new rows again. */
int hd_schema_fts_bulk(struct hd_conn *c, int start, struct hd_err *err);

/** The latest schema version this binary knows. */
int hd_schema_latest(void);

/* ---- writer.c ---- */

typedef int (*hd_wfn)(struct hd_conn *c, void *ctx, struct hd_err *err);

int hd_writer_start(struct hd_store *st, struct hd_err *err);
void hd_writer_stop(struct hd_store *st);

/** Run `fn(conn, ctx)` inside the next group commit and wait until it is
 * durable. `fn` runs in its own savepoint: when it fails, only its changes
 * are undone and its error is returned. */
int hd_writer_run(struct hd_store *st, hd_wfn fn, void *ctx, struct hd_err *err);

/* ---- idem.c ---- */

/** Inside a write: if `idem` names a key already used, set `*id` to the
 * stored result, idem->replayed = 1 and return 1; HD_ECONFLICT when the key
 * was used with another request; 0 when the write should go ahead. */
int hd_idem_check(struct hd_conn *c, struct hd_idem *idem, int64_t *id, struct hd_err *err);

/** Inside the same write, after success: remember the key's result. */
int hd_idem_save(struct hd_conn *c, const struct hd_idem *idem, int64_t id, int64_t now,
		 struct hd_err *err);

/* ---- events.c ---- */

/** Append an event to ticket `ticket_id`; `data` is JSON object text. */
int hd_event_append(struct hd_conn *c, int64_t ticket_id, const struct hd_actor *who,
		    const char *type, const char *data, int64_t at, struct hd_err *err);

/** The newest event id as connection `c` sees it (0: none, or on error). */
int64_t hd_event_last(struct hd_conn *c);

/* ---- customers.c ---- */

/** Inside a write: the customer owning identity (kind, value), created with
 * `name` when unknown. */
int hd_customer_resolve(struct hd_conn *c, const struct hd_requester *r, int64_t now,
			int64_t *customer_id, struct hd_err *err);

/** Inside a write: insert an identity for customer `id`. */
int hd_identity_insert(struct hd_conn *c, int64_t customer_id, enum hd_idkind kind,
		       const char *value, int64_t now, int64_t *iid, struct hd_err *err);

/* ---- messages.c ---- */

/** Inside a write: insert a message row and its attachments. */
int hd_message_insert(struct hd_conn *c, int64_t ticket_id, const struct hd_message_new *m,
		      int64_t author_id, int64_t now, int64_t *mid, struct hd_err *err);

/* ---- outbox.c ---- */

/** A mail to send, written in the same transaction as what caused it. */
struct hd_outbox_new {
	int64_t ticket_id;
	const char *kind;           /* "ack", "reply", ... */
	const char *to_addr;
	const char *from_name;      /* display name of the sender; NULL: the desk */
	const char *subject;
	const char *body_text;
	const char *body_html;      /* NULL: text only */
	const char *in_reply_to;    /* without <>; NULL: none */
	const char *refs;           /* space-separated ids with <>; NULL: none */
	const char *auto_submitted; /* NULL for a person's reply */
};

/** Inside a write: queue `o` with a new signed Message-ID (into `msgid`,
 * HD_MSGID_MAX bytes); `*id` receives the outbox id. */
int hd_outbox_queue(struct hd_conn *c, const struct hd_outbox_new *o, int64_t now, int64_t *id,
		    char *msgid, struct hd_err *err);

/* ---- outmail.c ---- */

/** Inside the write that created ticket `tid` for `customer_id`: queue its
 * acknowledgement, or record with ack.skipped why there is none. */
int hd_outmail_ack(struct hd_conn *c, const struct hd_ticket_new *in, int64_t tid,
		   int64_t customer_id, int64_t now, struct hd_err *err);

/** Inside the write that added public agent message `mid` (`m`) to ticket
 * `tid`: queue it as mail to the customer when they have an address. */
int hd_outmail_reply(struct hd_conn *c, const struct hd_actor *who, int64_t tid,
		     int64_t customer_id, const char *ticket_subject, const struct hd_message_new *m,
		     int64_t mid, int64_t now, struct hd_err *err);

/** Inside a write: mail agent `agent_id` (kind "notify", automatic) about
 * ticket `tid`. Nothing when the agent is inactive or 0. */
int hd_outmail_notify(struct hd_conn *c, int64_t tid, int64_t agent_id, const char *subject,
		      const char *text, int64_t now, struct hd_err *err);

/** Who to tell about trouble on ticket `tid`: its team's lead, else its
 * assignee, else 0. */
int hd_ticket_lead(struct hd_conn *c, int64_t tid, int64_t *agent_id, struct hd_err *err);

/** Inside a write: mail ticket `tid`'s customer an automatic notice (`kind`
 * e.g. "solved", "promise"), threaded to the ticket like a reply. When they
 * have no usable address nothing is queued and `*queued` is 0. */
int hd_outmail_notice(struct hd_conn *c, int64_t tid, const char *kind, const char *subject,
		      const char *text, int64_t now, int *queued, struct hd_err *err);

/* ---- timers.c ---- */

/** Inside a write: timer (`kind`, `ref_id`) of ticket `ticket_id` fires at
 * `due_at`, replacing an earlier setting; `due_at` 0 removes it. */
int hd_timer_set(struct hd_conn *c, const char *kind, int64_t ticket_id, int64_t ref_id,
		 int64_t due_at, struct hd_err *err);

/** A timer's action, run inside the write that deletes the timer. */
typedef int (*hd_timer_fn)(struct hd_conn *c, int64_t ticket_id, int64_t ref_id, int64_t due_at,
			   int64_t now, struct hd_err *err);

/* ---- timer handlers (see timers.c for the kinds) ---- */

int hd_sla_fire_warn(struct hd_conn *c, int64_t tid, int64_t clock_id, int64_t due, int64_t now,
		     struct hd_err *err);
int hd_sla_fire_breach(struct hd_conn *c, int64_t tid, int64_t clock_id, int64_t due,
		       int64_t now, struct hd_err *err);
int hd_ticket_fire_autoclose(struct hd_conn *c, int64_t tid, int64_t ref, int64_t due,
			     int64_t now, struct hd_err *err);
/* promises.c: `ref` is the promise's id */
int hd_promise_fire_remind(struct hd_conn *c, int64_t tid, int64_t pid, int64_t due,
			   int64_t now, struct hd_err *err);
int hd_promise_fire_overdue(struct hd_conn *c, int64_t tid, int64_t pid, int64_t due,
			    int64_t now, struct hd_err *err);

struct json_t;

/* ---- sla.c ---- */

/** Inside a write that changed ticket `tid`: bring its SLA clocks, their
 * timers and the ticket's sla_* columns up to date (see sla.c). */
int hd_sla_refresh(struct hd_conn *c, int64_t tid, int64_t now, struct hd_err *err);

/** Business time in [a, b) under ticket `tid`'s SLA calendar (real time
 * when its policy counts calendar time). */
int hd_sla_business_ms(struct hd_conn *c, int64_t tid, int64_t a, int64_t b, int64_t now,
		       int64_t *ms, struct hd_err *err);

/* ---- tags.c ---- */

/** Inside a write: ticket `tid`'s tags become `tags[0..n)` (normalised by
 * the caller); the change goes into `before`/`after` under "tags". */
int hd_tags_replace(struct hd_conn *c, int64_t tid, const char *const *tags, size_t n,
		    struct json_t *before, struct json_t *after, struct hd_err *err);

/** Ticket `tid`'s tags, sorted, as an arena array. */
int hd_tags_load(struct hd_conn *c, int64_t tid, const char ***out, size_t *n,
		 struct hd_arena *a, struct hd_err *err);

/* ---- resolution.c ---- */

/** Inside the write that solved ticket `tid`: ask its customer whether it
 * is solved (mail with signed yes/no links), recorded as resolution.asked. */
int hd_resolution_ask(struct hd_conn *c, int64_t tid, int64_t customer_id, const char *subject,
		      const struct hd_lifecycle *lc, int64_t now, struct hd_err *err);

/* ---- followup.c ---- */

/** The team and agent of ticket `old` into `*team`/`*assignee` where those
 * are 0 (an inactive agent is not inherited). */
int hd_followup_owner(struct hd_conn *c, int64_t old, int64_t *team, int64_t *assignee,
		      struct hd_err *err);

/** Inside the write creating follow-up `id` of ticket `old`: an internal
 * note with the old ticket's subject, how it closed and its last public
 * messages. */
int hd_followup_history(struct hd_conn *c, int64_t id, int64_t old, int64_t now,
			struct hd_err *err);

/* ---- policies.c ---- */

/** The SLA configuration, parsed and ready to use: the policies in order
 * and the calendars they count in, each with its zone loaded for
 * [base - 400 days, base + 800 days] (exact there; outside, the nearest
 * offset). Owned by the store; everything lives in `arena`. */
struct hd_sla_config {
	struct hd_sla_policy *policies; /* by position; ids set */
	size_t npolicies;
	struct hd_sla_cal {
		int64_t id;
		struct hd_calendar cal;
	} *cals; /* by increasing id; see hd_sla_config_calendar */
	size_t ncals;
	int64_t base;  /* the `now` it was built for */
	uint64_t gen;  /* st->sla_gen when it was built */
	struct hd_arena arena;
};

/** Writer thread only (inside a writer job): the SLA configuration as the
 * job's transaction sees it, in `*out`. Cached in the store and rebuilt
 * when a calendar or policy was written since (hd_sla_config_invalidate) or
 * `now` lies more than 30 days from the instant it was built for. `*out`
 * stays valid until the next call (so for the rest of the job). */
int hd_sla_config_get(struct hd_conn *c, int64_t now, const struct hd_sla_config **out,
		      struct hd_err *err);

/** Calendar `calendar_id` of `cfg`; NULL when none (0, deleted, or its
 * zone no longer loads: the policy then counts calendar time). */
const struct hd_calendar *hd_sla_config_calendar(const struct hd_sla_config *cfg,
						 int64_t calendar_id);

/** Any thread: the cached configuration is out of date. */
void hd_sla_config_invalidate(struct hd_store *st);

/** Free a configuration (NULL is fine); hd_store_close does. */
void hd_sla_config_free(struct hd_sla_config *cfg);

/* ---- seed_metrics.c ---- */

/** Inside a seeding write: give tickets first..last (ids) the history of
 * being worked up to `now` — status, measurement columns, responses, ended
 * SLA clocks, promises (heed seed --days). Deterministic from `*rng`. */
int hd_seed_metrics(struct hd_conn *c, int64_t first, int64_t last, int64_t now, uint64_t *rng,
		    struct hd_err *err);

/* ---- tickets.c (shared with mail.c) ---- */

/** The fields the lifecycle and a change need, read inside a write. */
struct hd_ticket_row {
	struct hd_lifecycle lc;
	int64_t team_id, assignee_id, customer_id, version, created_at;
	int64_t unanswered_since;
	enum hd_priority priority;
	enum hd_channel channel;
	char subject[1024];
};

/** Inside a write: load ticket `id`'s row. HD_ENOTFOUND when there is none. */
int hd_ticket_load(struct hd_conn *c, int64_t id, struct hd_ticket_row *r, struct hd_err *err);

/** Inside a write: store the lifecycle `lc` of ticket `id` (loaded as `r`),
 * bump its version, keep the auto-close timer and the resolution times in
 * step with the status and refresh its SLA clocks. */
int hd_ticket_save(struct hd_conn *c, int64_t id, const struct hd_ticket_row *r,
		   const struct hd_lifecycle *lc, int64_t now, int add_messages,
		   struct hd_err *err);

/** Inside a write: create a ticket as hd_store_ticket_create does (without
 * the idempotency record). */
int hd_ticket_insert(struct hd_conn *c, const struct hd_actor *who, const struct hd_ticket_new *in,
		     int64_t now, int64_t *id, struct hd_err *err);

/** Inside a write: add a message to ticket `id` as hd_store_message_add
 * does (without the idempotency record). */
int hd_ticket_add_message(struct hd_conn *c, const struct hd_actor *who, int64_t id,
			  const struct hd_message_new *in, int64_t now, int64_t *mid,
			  struct hd_err *err);

/** Append an event whose data is a JSON object (consumed; NULL: out of memory). */
struct json_t;
int hd_event_json(struct hd_conn *c, int64_t tid, const struct hd_actor *who, const char *type,
		  struct json_t *data, int64_t now, struct hd_err *err);

#endif
