/*
 * test_store.c — the SQLite store (store/store.h, src/store/sqlite/).
 *
 * Every test opens a fresh store in its own temporary directory and closes
 * it at the end (the tests run with leak detection): schema, people and
 * tokens, ticket creation with customers and acknowledgements, idempotency,
 * the lifecycle through messages, conditional updates, listing and cursors,
 * customers and identities, search, blobs, and group commit under
 * concurrent writers.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <ftw.h>
#include <pthread.h>
#include <sys/stat.h>
#include <unistd.h>

#include "domain/search_query.h"
#include "domain/ack.h"
#include "store/store.h"
#include "util/secret.h"


struct fx {
	char dir[64];
	struct hd_store *st;
	struct hd_arena a;
	struct hd_actor agent; /* an admin agent, the API caller */
};

/* ---- fixture ----------------------------------------------------------- */

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	return remove(path);
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	/* many tickets from one address here: lift the automatic-reply limit */
	struct hd_store_opts o = { .readers = 4, .cache_kib = 2048, .autoreply_max = 1000000 };
	struct hd_agent_new an = { "Alice Agent", "alice@example.com", HD_ROLE_ADMIN, NULL };
	struct hd_err err = { 0 };

	snprintf(f->dir, sizeof(f->dir), "/tmp/heed-store-XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	o.data_dir = f->dir;
	if (hd_store_open(&f->st, &o, &err)) {
		print_error("open: %s\n", err.msg);
		return -1;
	}
	hd_arena_init(&f->a, 256 << 20);
	f->agent.kind = HD_AUTHOR_AGENT;
	f->agent.role = HD_ROLE_ADMIN;
	if (hd_store_agent_create(f->st, &an, NULL, &f->agent.id, &err))
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	hd_store_close(f->st);
	hd_arena_release(&f->a);
	nftw(f->dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	free(f);
	return 0;
}

/* A customer-created ticket by e-mail (or `kind`). */
static struct hd_ticket_new tnew(const char *subject, enum hd_idkind kind, const char *value,
				 const char *text)
{
	struct hd_ticket_new t;

	memset(&t, 0, sizeof(t));
	t.subject = subject;
	t.requester.kind = kind;
	t.requester.value = value;
	t.requester.name = "Ada Lovelace";
	t.created_by = HD_AUTHOR_CUSTOMER;
	t.priority = HD_PRIORITY_NORMAL;
	t.channel = HD_CHANNEL_API;
	t.text = text;
	t.desk_name = "Acme Support";
	return t;
}

static int64_t create(struct fx *f, const struct hd_ticket_new *t)
{
	struct hd_err err = { 0 };
	int64_t id = 0;

	if (hd_store_ticket_create(f->st, &f->agent, t, NULL, &id, &err))
		fail_msg("create: %s", err.msg);
	assert_true(id > 0);
	return id;
}

static int64_t create_simple(struct fx *f, const char *subject, const char *email)
{
	struct hd_ticket_new t = tnew(subject, HD_IDKIND_EMAIL, email, "Please help.");

	return create(f, &t);
}

static struct hd_ticket get(struct fx *f, int64_t id)
{
	struct hd_ticket t;
	struct hd_err err = { 0 };

	if (hd_store_ticket_get(f->st, id, &t, &f->a, &err))
		fail_msg("get %lld: %s", (long long)id, err.msg);
	return t;
}

/* Does ticket `id` have an event of `type`? Returns how many. */
static int events_of(struct fx *f, int64_t id, const char *type, const char **data)
{
	struct hd_event *ev;
	size_t n;
	int64_t next;
	int count = 0;

	assert_int_equal(hd_store_event_list(f->st, id, 0, 200, &ev, &n, &next, &f->a, NULL), 0);
	for (size_t i = 0; i < n; i++)
		if (!strcmp(ev[i].type, type)) {
			count++;
			if (data)
				*data = ev[i].data;
		}
	return count;
}

static size_t outbox_count(struct fx *f, int64_t tid, struct hd_outbox_item **items)
{
	struct hd_outbox_item *it;
	size_t n;
	int64_t next;

	assert_int_equal(hd_store_outbox_list(f->st, tid, 0, 100, &it, &n, &next, &f->a, NULL), 0);
	if (items)
		*items = it;
	return n;
}

static int add_msg(struct fx *f, int64_t tid, enum hd_author author, enum hd_visibility vis,
		   const char *text, int64_t *mid)
{
	struct hd_message_new m;
	struct hd_actor cust = { HD_AUTHOR_CUSTOMER, 0, HD_ROLE_AGENT };
	int64_t dummy;

	memset(&m, 0, sizeof(m));
	m.author = author;
	m.author_id = author == HD_AUTHOR_AGENT ? f->agent.id : 0;
	m.visibility = vis;
	m.text = text;
	return hd_store_message_add(f->st, author == HD_AUTHOR_AGENT ? &f->agent : &cust, tid, &m,
				    NULL, mid ? mid : &dummy, NULL);
}

static int set_status(struct fx *f, int64_t tid, enum hd_status s)
{
	struct hd_ticket_patch p;

	memset(&p, 0, sizeof(p));
	p.set_status = 1;
	p.status = s;
	return hd_store_ticket_update(f->st, &f->agent, tid, &p, NULL);
}

/* ---- schema, people, tokens ------------------------------------------- */

static void schema_is_current(void **state)
{
	struct fx *f = *state;
	int have = -1, want = -1;

	assert_int_equal(hd_store_schema_version(f->st, &have, &want), 0);
	assert_true(want > 0);
	assert_int_equal(have, want);
	assert_int_equal(hd_store_ping(f->st, NULL), 0);
}

static void reopening_keeps_data_and_version(void **state)
{
	struct fx *f = *state;
	struct hd_store_opts o = { .data_dir = f->dir, .readers = 2, .cache_kib = 1024 };
	int64_t id = create_simple(f, "Persist me", "p@example.com");
	int have, want;

	hd_store_close(f->st);
	f->st = NULL;
	assert_int_equal(hd_store_open(&f->st, &o, NULL), 0);
	assert_int_equal(hd_store_schema_version(f->st, &have, &want), 0);
	assert_int_equal(have, want);
	assert_string_equal(get(f, id).subject, "Persist me");
}

static void agent_team_and_token(void **state)
{
	struct fx *f = *state;
	struct hd_agent_new an = { "Bob", "bob@example.com", HD_ROLE_AGENT, NULL };
	struct hd_agent ag;
	struct hd_team tm;
	struct hd_actor who;
	struct hd_agent_patch ap;
	char tok[64], hash[HD_HASH_HEX_LEN + 1], other[HD_HASH_HEX_LEN + 1];
	int64_t bob, team, found, tid;
	struct hd_err err = { 0 };

	assert_int_equal(hd_store_agent_create(f->st, &an, NULL, &bob, &err), 0);
	assert_int_equal(hd_store_agent_get(f->st, bob, &ag, &f->a, NULL), 0);
	assert_string_equal(ag.name, "Bob");
	assert_string_equal(ag.email, "bob@example.com");
	assert_int_equal(ag.role, HD_ROLE_AGENT);
	assert_true(ag.active);
	assert_int_equal(hd_store_agent_create(f->st, &an, NULL, &found, NULL), HD_ECONFLICT);
	assert_int_equal(hd_store_agent_get(f->st, 999999, &ag, &f->a, NULL), HD_ENOTFOUND);

	assert_int_equal(hd_store_team_create(f->st, "Support", NULL, 0, NULL, &team, NULL), 0);
	assert_int_equal(hd_store_team_find(f->st, "Support", &found, NULL), 0);
	assert_int_equal(found, team);
	assert_int_equal(hd_store_team_find(f->st, "Nope", &found, NULL), HD_ENOTFOUND);
	assert_int_equal(hd_store_team_create(f->st, "Support", NULL, 0, NULL, &found, NULL), HD_ECONFLICT);
	assert_int_equal(hd_store_team_update(f->st, team, NULL, &bob, 1, NULL), 0);
	assert_int_equal(hd_store_team_get(f->st, team, &tm, &f->a, NULL), 0);
	assert_string_equal(tm.name, "Support");
	assert_int_equal(tm.nmembers, 1);
	assert_int_equal(tm.member_ids[0], bob);

	hd_secret_token("hd_", tok, sizeof(tok));
	hd_secret_sha256_hex(tok, strlen(tok), hash);
	assert_int_equal(hd_store_token_create(f->st, bob, "cli", hash, &tid, NULL), 0);
	assert_int_equal(hd_store_token_lookup(f->st, hash, &who, NULL), 0);
	assert_int_equal(who.kind, HD_AUTHOR_AGENT);
	assert_int_equal(who.id, bob);
	assert_int_equal(who.role, HD_ROLE_AGENT);
	hd_secret_sha256_hex("other", 5, other);
	assert_int_equal(hd_store_token_lookup(f->st, other, &who, NULL), HD_EUNAUTH);

	/* a deactivated agent's token no longer works */
	memset(&ap, 0, sizeof(ap));
	ap.set_active = 1;
	ap.active = 0;
	assert_int_equal(hd_store_agent_update(f->st, bob, &ap, NULL), 0);
	assert_int_equal(hd_store_token_lookup(f->st, hash, &who, NULL), HD_EUNAUTH);
}

/* ---- ticket creation --------------------------------------------------- */

static void ticket_by_email_creates_then_reuses_customer(void **state)
{
	struct fx *f = *state;
	int64_t a = create_simple(f, "First", "ada@example.com");
	int64_t b = create_simple(f, "Second", "ada@example.com");
	struct hd_ticket ta = get(f, a), tb = get(f, b);
	struct hd_customer c;
	struct hd_customer *list;
	size_t n;
	int64_t next;

	assert_true(b > a);
	assert_string_equal(ta.subject, "First");
	assert_int_equal(ta.lc.status, HD_STATUS_NEW);
	assert_int_equal(ta.message_count, 1);
	/* no SLA policy: the desk's default, 480 minutes of calendar time */
	assert_int_equal(ta.first_response_due, ta.created_at + 480 * 60000);
	assert_int_equal(ta.lc.first_response_at, 0);
	assert_int_equal(ta.team_id, 0);
	assert_null(ta.team_name);
	assert_true(ta.customer_id > 0);
	assert_int_equal(tb.customer_id, ta.customer_id);
	assert_true(ta.version >= 1);
	assert_int_equal(hd_store_customer_get(f->st, ta.customer_id, &c, &f->a, NULL), 0);
	assert_string_equal(c.name, "Ada Lovelace");
	assert_int_equal(c.nidentities, 1);
	assert_int_equal(c.identities[0].kind, HD_IDKIND_EMAIL);
	assert_string_equal(c.identities[0].value, "ada@example.com");
	assert_int_equal(hd_store_customer_list(f->st, NULL, 0, 50, &list, &n, &next, &f->a, NULL),
			 0);
	assert_int_equal(n, 1);
	assert_int_equal(events_of(f, a, "ticket.created", NULL), 1);
}

static void ticket_get_unknown_is_not_found(void **state)
{
	struct fx *f = *state;
	struct hd_ticket t;

	assert_int_equal(hd_store_ticket_get(f->st, 424242, &t, &f->a, NULL), HD_ENOTFOUND);
}

static void customer_ticket_queues_acknowledgement(void **state)
{
	struct fx *f = *state;
	struct hd_ticket_new t = tnew("Printer on fire", HD_IDKIND_EMAIL, "ada@example.com",
				      "It burns.\nPlease hurry.");
	int64_t id = create(f, &t);
	struct hd_outbox_item *it;
	char want[128], due[64];

	assert_int_equal(outbox_count(f, id, &it), 1);
	hd_ack_format_due(get(f, id).first_response_due, due, sizeof(due));
	assert_string_equal(it[0].kind, "ack");
	assert_int_equal(it[0].ticket_id, id);
	assert_string_equal(it[0].to_addr, "ada@example.com");
	snprintf(want, sizeof(want), "[#%lld] We have received your request: Printer on fire",
		 (long long)id);
	assert_string_equal(it[0].subject, want);
	assert_non_null(strstr(it[0].body_text, "> It burns.\n> Please hurry.\n"));
	assert_non_null(strstr(it[0].body_text, "Hello Ada Lovelace,"));
	assert_non_null(strstr(it[0].body_text, due));
	assert_non_null(strstr(it[0].body_text, "Acme Support"));
	assert_string_equal(it[0].status, "queued");
	assert_non_null(it[0].message_id);
	assert_int_equal(events_of(f, id, "ack.queued", NULL), 1);
	assert_int_equal(events_of(f, id, "ack.skipped", NULL), 0);
}

static void agent_ticket_has_no_acknowledgement(void **state)
{
	struct fx *f = *state;
	struct hd_ticket_new t = tnew("Called in", HD_IDKIND_EMAIL, "ada@example.com", "Notes");
	int64_t id;
	struct hd_ticket tk;

	t.created_by = HD_AUTHOR_AGENT;
	id = create(f, &t);
	assert_int_equal(outbox_count(f, id, NULL), 0);
	assert_int_equal(events_of(f, id, "ack.queued", NULL), 0);
	tk = get(f, id);
	assert_int_equal(tk.first_response_due, 0);
	/* the agent wrote the first public message: it is the first response */
	assert_int_equal(tk.lc.status, HD_STATUS_OPEN);
	assert_true(tk.lc.first_response_at > 0);
}

static void phone_only_customer_skips_acknowledgement(void **state)
{
	struct fx *f = *state;
	struct hd_ticket_new t = tnew("Phoned", HD_IDKIND_PHONE, "+15550100", "Call back");
	int64_t id = create(f, &t);

	assert_int_equal(outbox_count(f, id, NULL), 0);
	assert_int_equal(events_of(f, id, "ack.skipped", NULL), 1);
	assert_int_equal(events_of(f, id, "ack.queued", NULL), 0);
	assert_int_equal(outbox_count(f, 0, NULL), 0);
}

static void ticket_for_existing_customer_id(void **state)
{
	struct fx *f = *state;
	int64_t a = create_simple(f, "One", "ada@example.com");
	struct hd_ticket_new t = tnew("Two", HD_IDKIND_EMAIL, NULL, "x");
	int64_t b, id;
	struct hd_err err = { 0 };

	t.requester.customer_id = get(f, a).customer_id;
	b = create(f, &t);
	assert_int_equal(get(f, b).customer_id, t.requester.customer_id);
	/* the customer has an e-mail address: acknowledged there */
	assert_int_equal(outbox_count(f, b, NULL), 1);
	t.requester.customer_id = 987654;
	assert_int_not_equal(hd_store_ticket_create(f->st, &f->agent, &t, NULL, &id, &err), 0);
}

static void ticket_team_by_name_and_bad_references(void **state)
{
	struct fx *f = *state;
	struct hd_ticket_new t = tnew("Teamed", HD_IDKIND_EMAIL, "ada@example.com", "x");
	int64_t team, id = 0;
	struct hd_ticket *list;
	size_t n;
	int64_t next;
	struct hd_ticket_filter fl;

	assert_int_equal(hd_store_team_create(f->st, "Billing", NULL, 0, NULL, &team, NULL), 0);
	t.team_name = "Billing";
	id = create(f, &t);
	assert_int_equal(get(f, id).team_id, team);
	assert_string_equal(get(f, id).team_name, "Billing");
	t.team_name = "No Such Team";
	assert_int_not_equal(hd_store_ticket_create(f->st, &f->agent, &t, NULL, &id, NULL), 0);
	t.team_name = NULL;
	t.team_id = 999999;
	assert_int_not_equal(hd_store_ticket_create(f->st, &f->agent, &t, NULL, &id, NULL), 0);
	t.team_id = 0;
	t.assignee_id = 999999;
	assert_int_not_equal(hd_store_ticket_create(f->st, &f->agent, &t, NULL, &id, NULL), 0);
	/* none of the refused ones left a ticket behind */
	memset(&fl, 0, sizeof(fl));
	fl.limit = 200;
	assert_int_equal(hd_store_ticket_list(f->st, &fl, &list, &n, &next, &f->a, NULL), 0);
	assert_int_equal(n, 1);
}

/* ---- idempotency ------------------------------------------------------- */

static void idempotent_create_replays_and_conflicts(void **state)
{
	struct fx *f = *state;
	struct hd_ticket_new t = tnew("Once", HD_IDKIND_EMAIL, "ada@example.com", "x");
	struct hd_idem idem = { "key-1", f->agent.id, "hash-a", 0 };
	struct hd_ticket_filter fl;
	struct hd_ticket *list;
	size_t n;
	int64_t id1 = 0, id2 = 0, id3 = 0, next;
	struct hd_err err = { 0 };

	assert_int_equal(hd_store_ticket_create(f->st, &f->agent, &t, &idem, &id1, NULL), 0);
	assert_int_equal(idem.replayed, 0);
	idem.replayed = 0;
	assert_int_equal(hd_store_ticket_create(f->st, &f->agent, &t, &idem, &id2, NULL), 0);
	assert_int_equal(idem.replayed, 1);
	assert_int_equal(id2, id1);
	idem.replayed = 0;
	idem.request_hash = "hash-b";
	assert_int_equal(hd_store_ticket_create(f->st, &f->agent, &t, &idem, &id3, &err),
			 HD_ECONFLICT);
	memset(&fl, 0, sizeof(fl));
	fl.limit = 200;
	assert_int_equal(hd_store_ticket_list(f->st, &fl, &list, &n, &next, &f->a, NULL), 0);
	assert_int_equal(n, 1);
	assert_int_equal(outbox_count(f, 0, NULL), 1);
	/* the same key from another agent is another request */
	{
		struct hd_agent_new an = { "Carol", "carol@example.com", HD_ROLE_AGENT, NULL };
		struct hd_idem other = { "key-1", 0, "hash-a", 0 };
		int64_t carol, id4 = 0;

		assert_int_equal(hd_store_agent_create(f->st, &an, NULL, &carol, NULL), 0);
		other.agent_id = carol;
		assert_int_equal(hd_store_ticket_create(f->st, &f->agent, &t, &other, &id4, NULL),
				 0);
		assert_int_equal(other.replayed, 0);
		assert_int_not_equal(id4, id1);
	}
}

/* ---- messages and the lifecycle --------------------------------------- */

static void messages_drive_the_lifecycle(void **state)
{
	struct fx *f = *state;
	int64_t id = create_simple(f, "Lifecycle", "ada@example.com"), note, reply;
	struct hd_ticket t;

	/* an internal note is not a response */
	assert_int_equal(add_msg(f, id, HD_AUTHOR_AGENT, HD_VIS_INTERNAL, "note", &note), 0);
	t = get(f, id);
	assert_int_equal(t.lc.status, HD_STATUS_NEW);
	assert_int_equal(t.lc.first_response_at, 0);
	/* the first public agent reply is */
	assert_int_equal(add_msg(f, id, HD_AUTHOR_AGENT, HD_VIS_PUBLIC, "reply", &reply), 0);
	t = get(f, id);
	assert_int_equal(t.lc.status, HD_STATUS_OPEN);
	assert_true(t.lc.first_response_at > 0);
	assert_int_equal(t.message_count, 3);
	assert_true(events_of(f, id, "message.added", NULL) >= 2);

	/* solved, then the customer writes: reopened */
	assert_int_equal(set_status(f, id, HD_STATUS_SOLVED), 0);
	t = get(f, id);
	assert_int_equal(t.lc.status, HD_STATUS_SOLVED);
	assert_true(t.lc.solved_at > 0);
	assert_int_equal(add_msg(f, id, HD_AUTHOR_CUSTOMER, HD_VIS_PUBLIC, "still broken", NULL),
			 0);
	t = get(f, id);
	assert_int_equal(t.lc.status, HD_STATUS_OPEN);
	assert_int_equal(t.lc.reopen_count, 1);
	assert_int_equal(t.lc.solved_at, 0);

	/* closing needs a reason; closed is final; the customer writing
	 * again starts a follow-up ticket */
	assert_int_equal(set_status(f, id, HD_STATUS_CLOSED), HD_ECONFLICT);
	{
		struct hd_ticket_patch p;

		memset(&p, 0, sizeof(p));
		p.set_status = 1;
		p.status = HD_STATUS_CLOSED;
		p.close_reason = HD_REASON_DUPLICATE;
		assert_int_equal(hd_store_ticket_update(f->st, &f->agent, id, &p, NULL), 0);
	}
	assert_int_equal(add_msg(f, id, HD_AUTHOR_CUSTOMER, HD_VIS_PUBLIC, "hello?", NULL), 0);
	assert_int_equal(events_of(f, id, "ticket.linked", NULL), 1);
	assert_int_equal(add_msg(f, id, HD_AUTHOR_AGENT, HD_VIS_PUBLIC, "bye", NULL),
			 HD_ECONFLICT);
	assert_int_equal(set_status(f, id, HD_STATUS_OPEN), HD_ECONFLICT);
	t = get(f, id);
	assert_int_equal(t.lc.status, HD_STATUS_CLOSED);
	assert_int_equal(t.lc.close_kind, HD_CLOSE_REASON);
	assert_int_equal(t.lc.close_reason, HD_REASON_DUPLICATE);
	assert_true(t.lc.closed_at > 0);
	assert_int_equal(t.message_count, 4);
}

static void message_list_hides_internal_notes(void **state)
{
	struct fx *f = *state;
	int64_t id = create_simple(f, "Notes", "ada@example.com"), note, next;
	struct hd_message *m;
	struct hd_message one;
	size_t n;

	assert_int_equal(add_msg(f, id, HD_AUTHOR_AGENT, HD_VIS_INTERNAL, "secret", &note), 0);
	assert_int_equal(add_msg(f, id, HD_AUTHOR_AGENT, HD_VIS_PUBLIC, "public", NULL), 0);
	assert_int_equal(hd_store_message_list(f->st, id, 1, 0, 50, &m, &n, &next, &f->a, NULL),
			 0);
	assert_int_equal(n, 3);
	assert_string_equal(m[0].text, "Please help.");
	assert_int_equal(m[0].author, HD_AUTHOR_CUSTOMER);
	assert_string_equal(m[1].text, "secret");
	assert_true(m[0].id < m[1].id && m[1].id < m[2].id);
	assert_int_equal(hd_store_message_list(f->st, id, 0, 0, 50, &m, &n, &next, &f->a, NULL),
			 0);
	assert_int_equal(n, 2);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(m[i].visibility, HD_VIS_PUBLIC);
	assert_int_equal(hd_store_message_get(f->st, note, &one, &f->a, NULL), 0);
	assert_string_equal(one.text, "secret");
	assert_int_equal(one.visibility, HD_VIS_INTERNAL);
	assert_int_equal(add_msg(f, 777777, HD_AUTHOR_AGENT, HD_VIS_PUBLIC, "x", NULL),
			 HD_ENOTFOUND);
}

static void update_with_stale_version_is_refused(void **state)
{
	struct fx *f = *state;
	int64_t id = create_simple(f, "Versioned", "ada@example.com");
	struct hd_ticket t = get(f, id);
	struct hd_ticket_patch p;
	const char *data = NULL;
	struct hd_err err = { 0 };

	memset(&p, 0, sizeof(p));
	p.set_subject = 1;
	p.subject = "Renamed";
	p.set_priority = 1;
	p.priority = HD_PRIORITY_HIGH;
	p.if_version = t.version + 1;
	assert_int_equal(hd_store_ticket_update(f->st, &f->agent, id, &p, &err), HD_EPRECOND);
	assert_string_equal(get(f, id).subject, "Versioned");
	p.if_version = t.version;
	assert_int_equal(hd_store_ticket_update(f->st, &f->agent, id, &p, NULL), 0);
	t = get(f, id);
	assert_string_equal(t.subject, "Renamed");
	assert_int_equal(t.priority, HD_PRIORITY_HIGH);
	assert_int_equal(t.version, p.if_version + 1);
	/* the old version is now stale */
	assert_int_equal(hd_store_ticket_update(f->st, &f->agent, id, &p, NULL), HD_EPRECOND);
	assert_int_equal(events_of(f, id, "ticket.updated", &data), 1);
	assert_non_null(strstr(data, "\"before\""));
	assert_non_null(strstr(data, "Versioned"));
	assert_non_null(strstr(data, "Renamed"));
	p.if_version = 0;
	assert_int_equal(hd_store_ticket_update(f->st, &f->agent, 999999, &p, NULL), HD_ENOTFOUND);
}

/* ---- listing ----------------------------------------------------------- */

static int list(struct fx *f, const struct hd_ticket_filter *fl, struct hd_ticket **out,
		size_t *n, int64_t *next)
{
	return hd_store_ticket_list(f->st, fl, out, n, next, &f->a, NULL);
}

static void list_pages_newest_first(void **state)
{
	struct fx *f = *state;
	int64_t ids[7], next = 0;
	struct hd_ticket_filter fl;
	struct hd_ticket *t;
	size_t n, seen = 0;
	int pages = 0;

	for (int i = 0; i < 7; i++)
		ids[i] = create_simple(f, "Paged", "ada@example.com");
	memset(&fl, 0, sizeof(fl));
	fl.limit = 3;
	do {
		assert_int_equal(list(f, &fl, &t, &n, &next), 0);
		for (size_t i = 0; i < n; i++) {
			assert_int_equal(t[i].id, ids[6 - seen]);
			seen++;
		}
		pages++;
		if (next)
			assert_int_equal(next, t[n - 1].id);
		fl.after = next;
	} while (next && pages < 10);
	assert_int_equal(seen, 7);
	assert_int_equal(pages, 3);
	/* an exact multiple of the page size still ends with next = 0 */
	fl.after = 0;
	fl.limit = 7;
	assert_int_equal(list(f, &fl, &t, &n, &next), 0);
	assert_int_equal(n, 7);
	if (next) {
		fl.after = next;
		assert_int_equal(list(f, &fl, &t, &n, &next), 0);
		assert_int_equal(n, 0);
		assert_int_equal(next, 0);
	}
}

static void list_filters(void **state)
{
	struct fx *f = *state;
	struct hd_ticket_new tn = tnew("Filtered", HD_IDKIND_EMAIL, "bob@example.com", "x");
	struct hd_ticket_filter fl;
	struct hd_ticket *t;
	struct hd_ticket_patch p;
	size_t n;
	int64_t next, team, a, b, c, d, bobcust;

	assert_int_equal(hd_store_team_create(f->st, "Ops", NULL, 0, NULL, &team, NULL), 0);
	a = create_simple(f, "A", "ada@example.com");
	tn.team_id = team;
	b = create(f, &tn);
	tn.team_id = 0;
	tn.assignee_id = f->agent.id;
	tn.priority = HD_PRIORITY_URGENT;
	c = create(f, &tn);
	d = create_simple(f, "D", "ada@example.com");
	assert_int_equal(set_status(f, d, HD_STATUS_SOLVED), 0);
	bobcust = get(f, b).customer_id;

	memset(&fl, 0, sizeof(fl));
	fl.limit = 50;
	fl.active_only = 1;
	assert_int_equal(list(f, &fl, &t, &n, &next), 0);
	assert_int_equal(n, 3);
	for (size_t i = 0; i < n; i++)
		assert_int_not_equal(t[i].id, d);

	memset(&fl, 0, sizeof(fl));
	fl.limit = 50;
	fl.has_status = 1;
	fl.status = HD_STATUS_SOLVED;
	assert_int_equal(list(f, &fl, &t, &n, &next), 0);
	assert_int_equal(n, 1);
	assert_int_equal(t[0].id, d);

	memset(&fl, 0, sizeof(fl));
	fl.limit = 50;
	fl.team_id = team;
	assert_int_equal(list(f, &fl, &t, &n, &next), 0);
	assert_int_equal(n, 1);
	assert_int_equal(t[0].id, b);
	fl.team_id = -1;
	assert_int_equal(list(f, &fl, &t, &n, &next), 0);
	assert_int_equal(n, 3);
	for (size_t i = 0; i < n; i++)
		assert_int_not_equal(t[i].id, b);

	memset(&fl, 0, sizeof(fl));
	fl.limit = 50;
	fl.assignee_id = f->agent.id;
	assert_int_equal(list(f, &fl, &t, &n, &next), 0);
	assert_int_equal(n, 1);
	assert_int_equal(t[0].id, c);
	fl.assignee_id = -1;
	assert_int_equal(list(f, &fl, &t, &n, &next), 0);
	assert_int_equal(n, 3);

	memset(&fl, 0, sizeof(fl));
	fl.limit = 50;
	fl.customer_id = bobcust;
	assert_int_equal(list(f, &fl, &t, &n, &next), 0);
	assert_int_equal(n, 2);
	assert_int_equal(t[0].id, c);
	assert_int_equal(t[1].id, b);

	memset(&fl, 0, sizeof(fl));
	fl.limit = 50;
	fl.has_priority = 1;
	fl.priority = HD_PRIORITY_URGENT;
	assert_int_equal(list(f, &fl, &t, &n, &next), 0);
	assert_int_equal(n, 1);
	assert_int_equal(t[0].id, c);

	/* unassigning through an update moves the ticket between filters */
	memset(&p, 0, sizeof(p));
	p.set_assignee = 1;
	p.assignee_id = 0;
	assert_int_equal(hd_store_ticket_update(f->st, &f->agent, c, &p, NULL), 0);
	memset(&fl, 0, sizeof(fl));
	fl.limit = 50;
	fl.assignee_id = -1;
	assert_int_equal(list(f, &fl, &t, &n, &next), 0);
	assert_int_equal(n, 4);
	(void)a;
}

/* ---- customers and identities ----------------------------------------- */

static int64_t customer(struct fx *f, const char *name, const struct hd_identity_new *ids,
			size_t n, int want_rc)
{
	struct hd_customer_new c = { name, 0, NULL, ids, n };
	int64_t id = 0;

	assert_int_equal(hd_store_customer_create(f->st, &f->agent, &c, NULL, &id, NULL), want_rc);
	return id;
}

static size_t search_customers(struct fx *f, const char *q, struct hd_customer **out)
{
	struct hd_customer *c;
	size_t n;
	int64_t next;

	assert_int_equal(hd_store_customer_list(f->st, q, 0, 50, &c, &n, &next, &f->a, NULL), 0);
	if (out)
		*out = c;
	return n;
}

static void customer_list_searches_identities_and_names(void **state)
{
	struct fx *f = *state;
	struct hd_identity_new ada[] = { { HD_IDKIND_EMAIL, "ada@example.com" },
					 { HD_IDKIND_PHONE, "+15550100" } };
	struct hd_identity_new bob[] = { { HD_IDKIND_EMAIL, "bob@example.org" } };
	struct hd_identity_new pct[] = { { HD_IDKIND_HANDLE, "x:100%_off" } };
	struct hd_customer *c;
	int64_t a = customer(f, "Ada Lovelace", ada, 2, 0);
	int64_t b = customer(f, "Bob Builder", bob, 1, 0);
	int64_t p = customer(f, "Percent", pct, 1, 0);

	assert_int_equal(search_customers(f, NULL, &c), 3);
	assert_int_equal(c[0].id, p); /* newest first */
	assert_int_equal(search_customers(f, "ada@example.com", &c), 1);
	assert_int_equal(c[0].id, a);
	assert_int_equal(search_customers(f, "ada@", &c), 1);
	assert_int_equal(search_customers(f, "bob@example.org", &c), 1);
	assert_int_equal(c[0].id, b);
	assert_int_equal(search_customers(f, "+1555", &c), 1);
	assert_int_equal(c[0].id, a);
	assert_int_equal(search_customers(f, "Bob", &c), 1);
	assert_int_equal(c[0].id, b);
	assert_int_equal(search_customers(f, "Ada Love", &c), 1);
	assert_int_equal(search_customers(f, "Lovelace", &c), 0); /* a prefix, not a substring */
	assert_int_equal(search_customers(f, "example", &c), 0);
	assert_int_equal(search_customers(f, "zzz", &c), 0);
	/* LIKE wildcards in q are literal */
	assert_int_equal(search_customers(f, "%", &c), 0);
	assert_int_equal(search_customers(f, "_", &c), 0);
	assert_int_equal(search_customers(f, "x:100%", &c), 1);
	assert_int_equal(c[0].id, p);
}

static void customer_list_pages(void **state)
{
	struct fx *f = *state;
	struct hd_customer *c;
	size_t n;
	int64_t next, ids[5];

	for (int i = 0; i < 5; i++) {
		char v[32];
		struct hd_identity_new id = { HD_IDKIND_EMAIL, v };

		snprintf(v, sizeof(v), "c%d@example.com", i);
		ids[i] = customer(f, "Same", &id, 1, 0);
	}
	assert_int_equal(hd_store_customer_list(f->st, NULL, 0, 2, &c, &n, &next, &f->a, NULL), 0);
	assert_int_equal(n, 2);
	assert_int_equal(c[0].id, ids[4]);
	assert_int_equal(next, ids[3]);
	assert_int_equal(hd_store_customer_list(f->st, "Same", next, 10, &c, &n, &next, &f->a,
						NULL),
			 0);
	assert_int_equal(n, 3);
	assert_int_equal(c[2].id, ids[0]);
	assert_int_equal(next, 0);
}

static void identity_conflicts_and_removal(void **state)
{
	struct fx *f = *state;
	struct hd_identity_new ada[] = { { HD_IDKIND_EMAIL, "ada@example.com" } };
	struct hd_identity_new phone = { HD_IDKIND_PHONE, "+15550100" };
	struct hd_identity_new taken = { HD_IDKIND_EMAIL, "ada@example.com" };
	struct hd_identity_new handle_same_text = { HD_IDKIND_HANDLE, "ada@example.com" };
	int64_t a = customer(f, "Ada", ada, 1, 0), b, iid, iid2, tid;
	struct hd_customer c;
	struct hd_err err = { 0 };

	/* a second customer with Ada's address */
	customer(f, "Impostor", ada, 1, HD_ECONFLICT);
	assert_int_equal(search_customers(f, NULL, NULL), 1);
	b = customer(f, "Bob", NULL, 0, 0);
	assert_int_equal(hd_store_identity_add(f->st, &f->agent, b, &taken, NULL, &iid, &err),
			 HD_ECONFLICT);
	assert_int_equal(hd_store_identity_add(f->st, &f->agent, a, &taken, NULL, &iid, NULL),
			 HD_ECONFLICT);
	/* the same text under another kind is another identity */
	assert_int_equal(hd_store_identity_add(f->st, &f->agent, b, &handle_same_text, NULL, &iid2,
					       NULL),
			 0);
	assert_int_equal(hd_store_identity_add(f->st, &f->agent, a, &phone, NULL, &iid, NULL), 0);
	assert_int_equal(hd_store_customer_get(f->st, a, &c, &f->a, NULL), 0);
	assert_int_equal(c.nidentities, 2);
	assert_int_equal(hd_store_identity_add(f->st, &f->agent, 999999, &phone, NULL, &iid2, NULL),
			 HD_ENOTFOUND);

	/* removing: only the owner's identity, then it is free again */
	assert_int_equal(hd_store_identity_remove(f->st, &f->agent, b, iid, NULL), HD_ENOTFOUND);
	assert_int_equal(hd_store_identity_remove(f->st, &f->agent, a, iid, NULL), 0);
	assert_int_equal(hd_store_identity_remove(f->st, &f->agent, a, iid, NULL), HD_ENOTFOUND);
	assert_int_equal(hd_store_customer_get(f->st, a, &c, &f->a, NULL), 0);
	assert_int_equal(c.nidentities, 1);
	assert_string_equal(c.identities[0].value, "ada@example.com");
	assert_int_equal(hd_store_identity_add(f->st, &f->agent, b, &phone, NULL, &iid, NULL), 0);
	/* a ticket by that phone now goes to Bob */
	{
		struct hd_ticket_new t = tnew("By phone", HD_IDKIND_PHONE, "+15550100", "x");

		tid = create(f, &t);
		assert_int_equal(get(f, tid).customer_id, b);
	}
}

static void customer_update(void **state)
{
	struct fx *f = *state;
	int64_t a = customer(f, "Ada", NULL, 0, 0), org;
	struct hd_customer_patch p = { 1, 0, 1, "Ada L.", 0, "likes tea" };
	struct hd_customer c;

	assert_int_equal(hd_store_customer_update(f->st, &f->agent, a, &p, NULL), 0);
	assert_int_equal(hd_store_customer_get(f->st, a, &c, &f->a, NULL), 0);
	assert_string_equal(c.name, "Ada L.");
	assert_string_equal(c.notes, "likes tea");
	assert_int_equal(hd_store_org_create(f->st, "Acme", "acme.com", NULL, &org, NULL), 0);
	memset(&p, 0, sizeof(p));
	p.set_organization = 1;
	p.organization_id = org;
	assert_int_equal(hd_store_customer_update(f->st, &f->agent, a, &p, NULL), 0);
	assert_int_equal(hd_store_customer_get(f->st, a, &c, &f->a, NULL), 0);
	assert_int_equal(c.organization_id, org);
	assert_string_equal(c.organization_name, "Acme");
	assert_string_equal(c.name, "Ada L.");
	p.organization_id = 0;
	assert_int_equal(hd_store_customer_update(f->st, &f->agent, a, &p, NULL), 0);
	assert_int_equal(hd_store_customer_get(f->st, a, &c, &f->a, NULL), 0);
	assert_int_equal(c.organization_id, 0);
	assert_int_equal(hd_store_customer_update(f->st, &f->agent, 999999, &p, NULL),
			 HD_ENOTFOUND);
}

/* ---- search ------------------------------------------------------------ */

static int search(struct fx *f, const char *q, int internal, struct hd_search_hit **hits,
		  size_t *n)
{
	struct hd_sbuf fts;
	int rc;

	hd_sbuf_init(&fts, 4096);
	assert_int_equal(hd_search_query_build(q, &fts, NULL), 0);
	rc = hd_store_search(f->st, fts.buf, internal, 20, hits, n, &f->a, NULL);
	hd_sbuf_release(&fts);
	return rc;
}

static void search_ranks_and_respects_internal_notes(void **state)
{
	struct fx *f = *state;
	struct hd_ticket_new t1 = tnew("Printer printer printer jam", HD_IDKIND_EMAIL,
				       "ada@example.com", "the printer jams again");
	struct hd_ticket_new t2 = tnew("Invoice question", HD_IDKIND_EMAIL, "ada@example.com",
				       "about my invoice; also a printer, once, in a long message "
				       "that talks mostly about other things like billing cycles");
	int64_t a = create(f, &t1), b = create(f, &t2), note;
	struct hd_search_hit *h;
	size_t n;

	assert_int_equal(search(f, "printer", 0, &h, &n), 0);
	assert_true(n >= 2);
	assert_int_equal(h[0].ticket_id, a);
	for (size_t i = 1; i < n; i++)
		assert_true(h[i - 1].rank <= h[i].rank);
	assert_non_null(h[0].snippet);
	assert_non_null(strcasestr(h[0].snippet, "printer"));
	assert_int_equal(h[0].status, HD_STATUS_NEW);

	assert_int_equal(search(f, "invoice", 0, &h, &n), 0);
	assert_true(n >= 1);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(h[i].ticket_id, b);

	assert_int_equal(add_msg(f, b, HD_AUTHOR_AGENT, HD_VIS_INTERNAL, "zebracorn suspected",
				 &note),
			 0);
	assert_int_equal(search(f, "zebracorn", 0, &h, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(search(f, "zebracorn", 1, &h, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(h[0].ticket_id, b);
	assert_int_equal(h[0].message_id, note);
	assert_int_equal(search(f, "zebra*", 1, &h, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(search(f, "nothing-like-this", 1, &h, &n), 0);
	assert_int_equal(n, 0);
}

static void search_subject_change_is_indexed(void **state)
{
	struct fx *f = *state;
	int64_t a = create_simple(f, "Old words", "ada@example.com");
	struct hd_ticket_patch p;
	struct hd_search_hit *h;
	size_t n;

	memset(&p, 0, sizeof(p));
	p.set_subject = 1;
	p.subject = "Quasar outage";
	assert_int_equal(hd_store_ticket_update(f->st, &f->agent, a, &p, NULL), 0);
	assert_int_equal(search(f, "quasar", 0, &h, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(h[0].ticket_id, a);
	assert_int_equal(h[0].message_id, 0);
	assert_string_equal(h[0].subject, "Quasar outage");
	assert_int_equal(search(f, "old words", 0, &h, &n), 0);
	assert_int_equal(n, 0);
}

static void search_bad_expression_is_invalid(void **state)
{
	struct fx *f = *state;
	struct hd_search_hit *h;
	size_t n;

	assert_int_equal(hd_store_search(f->st, "\"unbalanced", 0, 10, &h, &n, &f->a, NULL),
			 HD_EINVAL);
}

/* ---- blobs ------------------------------------------------------------- */

static int nfiles;

static int count_file(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	nfiles += flag == FTW_F;
	return 0;
}

static void blob_twice_is_one_file(void **state)
{
	struct fx *f = *state;
	char sha1[HD_HASH_HEX_LEN + 1], sha2[HD_HASH_HEX_LEN + 1], want[HD_HASH_HEX_LEN + 1];
	char path[4096], dir[128];
	struct stat sb;

	assert_int_equal(hd_store_blob_put(f->st, "hello", 5, sha1, NULL), 0);
	assert_int_equal(hd_store_blob_put(f->st, "hello", 5, sha2, NULL), 0);
	hd_secret_sha256_hex("hello", 5, want);
	assert_string_equal(sha1, want);
	assert_string_equal(sha2, want);
	assert_int_equal(hd_store_blob_path(f->st, sha1, path, sizeof(path)), 0);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_size, 5);
	snprintf(dir, sizeof(dir), "%s/blobs", f->dir);
	nfiles = 0;
	nftw(dir, count_file, 16, FTW_PHYS);
	assert_int_equal(nfiles, 1);
	assert_int_equal(hd_store_blob_put(f->st, "", 0, sha2, NULL), 0);
	nfiles = 0;
	nftw(dir, count_file, 16, FTW_PHYS);
	assert_int_equal(nfiles, 2);
	assert_int_equal(hd_store_blob_path(f->st, "abc", path, sizeof(path)), HD_EINVAL);
	assert_int_equal(hd_store_blob_path(f->st,
					    "../../../../../../../../../../../../../etc/passwd"
					    "aaaaaaaaaaaaaaa",
					    path, sizeof(path)),
			 HD_EINVAL);
	memcpy(want, sha1, sizeof(want));
	want[0] = 'A';
	assert_int_equal(hd_store_blob_path(f->st, want, path, sizeof(path)), HD_EINVAL);
}

static void message_with_attachment(void **state)
{
	struct fx *f = *state;
	int64_t id = create_simple(f, "Attached", "ada@example.com"), mid, next;
	char sha[HD_HASH_HEX_LEN + 1];
	struct hd_attachment_new an = { "log.txt", "text/plain", 5, sha };
	struct hd_message_new m;
	struct hd_message *ms;
	struct hd_attachment at;
	size_t n;

	assert_int_equal(hd_store_blob_put(f->st, "hello", 5, sha, NULL), 0);
	memset(&m, 0, sizeof(m));
	m.author = HD_AUTHOR_AGENT;
	m.author_id = f->agent.id;
	m.text = "see attached";
	m.attachments = &an;
	m.nattachments = 1;
	assert_int_equal(hd_store_message_add(f->st, &f->agent, id, &m, NULL, &mid, NULL), 0);
	assert_int_equal(hd_store_message_list(f->st, id, 1, 0, 50, &ms, &n, &next, &f->a, NULL),
			 0);
	assert_int_equal(n, 2);
	assert_int_equal(ms[1].nattachments, 1);
	assert_string_equal(ms[1].attachments[0].filename, "log.txt");
	assert_string_equal(ms[1].attachments[0].sha256, sha);
	assert_int_equal(ms[1].attachments[0].size, 5);
	assert_int_equal(hd_store_attachment_get(f->st, ms[1].attachments[0].id, &at, &f->a, NULL),
			 0);
	assert_string_equal(at.content_type, "text/plain");
	assert_int_equal(at.message_id, mid);
}

/* ---- group commit ------------------------------------------------------ */

#define THREADS 8
#define PER_THREAD 200

struct worker {
	struct fx *f;
	int n;
	int64_t ids[PER_THREAD];
	int failures;      /* good jobs that failed */
	int bad_succeeded; /* bad jobs that did not fail */
};

static void *work(void *arg)
{
	struct worker *w = arg;
	char email[64], subject[64];

	snprintf(email, sizeof(email), "worker%d@example.com", w->n);
	for (int i = 0; i < PER_THREAD; i++) {
		struct hd_ticket_new t;
		int64_t id = 0;

		snprintf(subject, sizeof(subject), "w%d-%d", w->n, i);
		t = tnew(subject, HD_IDKIND_EMAIL, email, "concurrent");
		if (hd_store_ticket_create(w->f->st, &w->f->agent, &t, NULL, &id, NULL) || id <= 0)
			w->failures++;
		w->ids[i] = id;
		if (i % 4 == 0) { /* interleave a job that must fail */
			int64_t bad = 0;

			t.team_id = 900000 + i;
			if (hd_store_ticket_create(w->f->st, &w->f->agent, &t, NULL, &bad, NULL) ==
			    0)
				w->bad_succeeded++;
		}
	}
	return NULL;
}

static int cmp_id(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

static void group_commit_under_concurrent_writers(void **state)
{
	struct fx *f = *state;
	pthread_t th[THREADS];
	struct worker *w = calloc(THREADS, sizeof(*w));
	int64_t *all = calloc(THREADS * PER_THREAD, sizeof(*all));
	struct hd_ticket_filter fl;
	struct hd_ticket *t;
	size_t n, total = 0;
	int64_t next;

	for (int i = 0; i < THREADS; i++) {
		w[i].f = f;
		w[i].n = i;
		assert_int_equal(pthread_create(&th[i], NULL, work, &w[i]), 0);
	}
	for (int i = 0; i < THREADS; i++)
		pthread_join(th[i], NULL);
	for (int i = 0; i < THREADS; i++) {
		assert_int_equal(w[i].failures, 0);
		assert_int_equal(w[i].bad_succeeded, 0);
		memcpy(all + i * PER_THREAD, w[i].ids, sizeof(w[i].ids));
	}
	qsort(all, THREADS * PER_THREAD, sizeof(*all), cmp_id);
	for (int i = 1; i < THREADS * PER_THREAD; i++)
		assert_true(all[i] > all[i - 1]);
	/* every ticket is there, with its own subject and one message */
	for (int i = 0; i < THREADS; i++)
		for (int j = 0; j < PER_THREAD; j += 37) {
			struct hd_ticket tk = get(f, w[i].ids[j]);
			char subject[64];

			snprintf(subject, sizeof(subject), "w%d-%d", i, j);
			assert_string_equal(tk.subject, subject);
			assert_int_equal(tk.message_count, 1);
		}
	memset(&fl, 0, sizeof(fl));
	fl.limit = 200;
	do {
		assert_int_equal(list(f, &fl, &t, &n, &next), 0);
		total += n;
		fl.after = next;
	} while (next);
	assert_int_equal(total, THREADS * PER_THREAD);
	/* one customer per worker, one acknowledgement per ticket */
	assert_int_equal(search_customers(f, NULL, NULL), THREADS);
	{
		struct hd_outbox_item *it;
		size_t cnt = 0;
		int64_t after = 0;

		do {
			assert_int_equal(hd_store_outbox_list(f->st, 0, after, 200, &it, &n, &next,
							      &f->a, NULL),
					 0);
			cnt += n;
			after = next;
		} while (next);
		assert_int_equal(cnt, THREADS * PER_THREAD);
	}
	free(all);
	free(w);
}

int main(void)
{
	hd_secret_init();
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(schema_is_current),
		T(reopening_keeps_data_and_version),
		T(agent_team_and_token),
		T(ticket_by_email_creates_then_reuses_customer),
		T(ticket_get_unknown_is_not_found),
		T(customer_ticket_queues_acknowledgement),
		T(agent_ticket_has_no_acknowledgement),
		T(phone_only_customer_skips_acknowledgement),
		T(ticket_for_existing_customer_id),
		T(ticket_team_by_name_and_bad_references),
		T(idempotent_create_replays_and_conflicts),
		T(messages_drive_the_lifecycle),
		T(message_list_hides_internal_notes),
		T(update_with_stale_version_is_refused),
		T(list_pages_newest_first),
		T(list_filters),
		T(customer_list_searches_identities_and_names),
		T(customer_list_pages),
		T(identity_conflicts_and_removal),
		T(customer_update),
		T(search_ranks_and_respects_internal_notes),
		T(search_subject_change_is_indexed),
		T(search_bad_expression_is_invalid),
		T(blob_twice_is_one_file),
		T(message_with_attachment),
		T(group_commit_under_concurrent_writers),
	};
	return cmocka_run_group_tests_name("store/sqlite", tests, NULL, NULL);
}
