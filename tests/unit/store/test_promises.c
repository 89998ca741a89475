/*
 * test_promises.c — promises in the SQLite store (store/promises.h,
 * src/store/sqlite/promises.c) together with the durable timers
 * (store/sqlite/timers.c): recording one with its event, notice and timers;
 * the reminder and the escalation fired by hd_store_timers_fire exactly
 * once, to the right agents; resolving cancels both; refused transitions;
 * a customer's call-back request owned by the ticket's team.
 *
 * Every test opens a fresh store in its own temporary directory (the tests
 * run with leak detection). The timers are fired with explicit instants,
 * so no clock is moved.
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
#include <sys/stat.h>
#include <unistd.h>

#include "store/promises.h"
#include "store/store.h"
#include "util/timeutil.h"

static const int64_t MIN = 60000;

struct fx {
	char dir[64];
	struct hd_store *st;
	struct hd_arena a;
	struct hd_actor alice; /* an admin agent, the API caller */
	int64_t bob;           /* another agent, the ticket's assignee */
	int64_t ticket;        /* a ticket of a customer with an e-mail address */
};

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	return remove(path);
}

static int64_t new_ticket(struct fx *f, int64_t team, int64_t assignee, const char *email)
{
	struct hd_ticket_new t;
	struct hd_err err = { 0 };
	int64_t id = 0;

	memset(&t, 0, sizeof(t));
	t.subject = "Printer on fire";
	t.requester.kind = HD_IDKIND_EMAIL;
	t.requester.value = email;
	t.requester.name = "Ada";
	t.created_by = HD_AUTHOR_AGENT;
	t.priority = HD_PRIORITY_NORMAL;
	t.channel = HD_CHANNEL_EMAIL;
	t.team_id = team;
	t.assignee_id = assignee;
	t.text = "It smokes.";
	if (hd_store_ticket_create(f->st, &f->alice, &t, NULL, &id, &err))
		print_error("ticket: %s\n", err.msg);
	return id;
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	struct hd_store_opts o = { .readers = 2, .cache_kib = 1024, .autoreply_max = 1000000 };
	struct hd_agent_new a1 = { "Alice Agent", "alice@example.com", HD_ROLE_ADMIN, NULL };
	struct hd_agent_new a2 = { "Bob Agent", "bob@example.com", HD_ROLE_AGENT, NULL };
	struct hd_err err = { 0 };

	snprintf(f->dir, sizeof(f->dir), "/tmp/heed-promises-XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	o.data_dir = f->dir;
	if (hd_store_open(&f->st, &o, &err)) {
		print_error("open: %s\n", err.msg);
		return -1;
	}
	hd_arena_init(&f->a, 64 << 20);
	f->alice.kind = HD_AUTHOR_AGENT;
	f->alice.role = HD_ROLE_ADMIN;
	if (hd_store_agent_create(f->st, &a1, NULL, &f->alice.id, &err) ||
	    hd_store_agent_create(f->st, &a2, NULL, &f->bob, &err))
		return -1;
	f->ticket = new_ticket(f, 0, f->bob, "ada@example.com");
	*state = f;
	return f->ticket ? 0 : -1;
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

/* ---- helpers ------------------------------------------------------------ */

static int64_t make(struct fx *f, enum hd_promise_kind kind, int64_t due, int64_t owner)
{
	struct hd_promise_new in = { .kind = kind, .channel = -1, .due_at = due,
				     .description = "a new drum", .owner_agent_id = owner,
				     .remind_minutes = 30 };
	struct hd_err err = { 0 };
	int64_t id = 0;

	assert_int_equal(hd_store_promise_create(f->st, &f->alice, f->ticket, &in, NULL, &id, &err),
			 0);
	return id;
}

static struct hd_promise get(struct fx *f, int64_t id)
{
	struct hd_promise p;

	assert_int_equal(hd_store_promise_get(f->st, id, &p, &f->a, NULL), 0);
	return p;
}

/* How many events of `type` ticket `tid` has; the last one's data in *data. */
static int count_events(struct fx *f, int64_t tid, const char *type, const char **data)
{
	struct hd_event *es;
	size_t n;
	int64_t next;
	int k = 0;

	assert_int_equal(hd_store_event_list(f->st, tid, 0, 200, &es, &n, &next, &f->a, NULL), 0);
	for (size_t i = 0; i < n; i++)
		if (!strcmp(es[i].type, type)) {
			k++;
			if (data)
				*data = es[i].data;
		}
	return k;
}

/* Outbox items of ticket `tid` of `kind`, addresses joined with spaces. */
static int count_mail(struct fx *f, int64_t tid, const char *kind, char *to, size_t len)
{
	struct hd_outbox_item *os;
	size_t n, o = 0;
	int64_t next;
	int k = 0;

	if (to)
		to[0] = '\0';
	assert_int_equal(hd_store_outbox_list(f->st, tid, 0, 200, &os, &n, &next, &f->a, NULL), 0);
	for (size_t i = 0; i < n; i++)
		if (!strcmp(os[i].kind, kind)) {
			k++;
			if (to && o < len)
				o += (size_t)snprintf(to + o, len - o, "%s%s", o ? " " : "",
						      os[i].to_addr);
		}
	return k;
}

/* ---- tests -------------------------------------------------------------- */

static void create_records_event_notice_and_timers(void **state)
{
	struct fx *f = *state;
	int64_t now = hd_now_ms(), due = now + 2 * 60 * MIN, next = 0;
	int64_t id = make(f, HD_PROMISE_CALLBACK, due, 0);
	struct hd_promise p = get(f, id);
	const char *data = NULL;
	char to[256];

	assert_int_equal(p.ticket_id, f->ticket);
	assert_int_equal(p.kind, HD_PROMISE_CALLBACK);
	assert_int_equal(p.channel, HD_CHANNEL_PHONE);
	assert_string_equal(p.description, "a new drum");
	assert_int_equal(p.due_at, due);
	assert_int_equal(p.remind_at, due - 30 * MIN);
	assert_int_equal(p.owner_agent_id, f->alice.id);
	assert_int_equal(p.owner_team_id, 0);
	assert_int_equal(p.requested_by, HD_AUTHOR_AGENT);
	assert_int_equal(p.status, HD_PROMISE_OPEN);
	assert_null(p.note);
	assert_int_equal(count_events(f, f->ticket, "promise.created", &data), 1);
	assert_non_null(strstr(data, "\"notice_queued\":true"));
	assert_int_equal(count_mail(f, f->ticket, "promise", to, sizeof(to)), 1);
	assert_string_equal(to, "ada@example.com");
	assert_int_equal(hd_store_timers_next(f->st, &next, NULL), 0);
	assert_int_equal(next, due - 30 * MIN);
}

static void reminder_then_escalation_each_exactly_once(void **state)
{
	struct fx *f = *state;
	int64_t now = hd_now_ms(), due = now + 2 * 60 * MIN, next;
	int64_t id = make(f, HD_PROMISE_UPDATE, due, 0);
	const char *data = NULL;
	char to[256];
	int fired = -1;

	/* nothing is due yet */
	assert_int_equal(hd_store_timers_fire(f->st, due - 31 * MIN, 0, &fired, NULL), 0);
	assert_int_equal(fired, 0);
	/* the reminder: to the owner */
	assert_int_equal(hd_store_timers_fire(f->st, due - 30 * MIN, 0, &fired, NULL), 0);
	assert_int_equal(fired, 1);
	assert_int_equal(get(f, id).reminded_at, due - 30 * MIN);
	assert_int_equal(get(f, id).overdue_at, 0);
	assert_int_equal(count_mail(f, f->ticket, "notify", to, sizeof(to)), 1);
	assert_string_equal(to, "alice@example.com");
	assert_int_equal(count_events(f, f->ticket, "promise.reminded", &data), 1);
	assert_non_null(strstr(data, "\"notified_id\":1"));
	assert_int_equal(hd_store_timers_fire(f->st, due - 1, 0, &fired, NULL), 0);
	assert_int_equal(fired, 0);
	/* the escalation: the ticket's lead (its assignee, bob) and the owner */
	assert_int_equal(hd_store_timers_fire(f->st, due, 0, &fired, NULL), 0);
	assert_int_equal(fired, 1);
	assert_int_equal(get(f, id).overdue_at, due);
	assert_int_equal(get(f, id).status, HD_PROMISE_OPEN);
	assert_int_equal(count_mail(f, f->ticket, "notify", to, sizeof(to)), 3);
	assert_string_equal(to, "alice@example.com bob@example.com alice@example.com");
	assert_int_equal(count_events(f, f->ticket, "promise.overdue", &data), 1);
	assert_non_null(strstr(data, "\"notified_ids\":[2,1]"));
	/* nothing is left to fire */
	assert_int_equal(hd_store_timers_fire(f->st, due + 60 * MIN, 0, &fired, NULL), 0);
	assert_int_equal(fired, 0);
	assert_int_equal(hd_store_timers_next(f->st, &next, NULL), 0);
	assert_int_equal(next, 0);
}

static void resolving_cancels_the_timers(void **state)
{
	struct fx *f = *state;
	int64_t due = hd_now_ms() + 60 * MIN, next = -1;
	int64_t kept = make(f, HD_PROMISE_FIX, due, 0), broken = make(f, HD_PROMISE_OTHER, due, 0);
	const char *data = NULL;
	int fired = -1;

	assert_int_equal(hd_store_promise_resolve(f->st, &f->alice, kept, HD_PROMISE_KEPT, NULL, NULL),
			 0);
	assert_int_equal(hd_store_promise_resolve(f->st, &f->alice, broken, HD_PROMISE_BROKEN,
						  "vendor slipped", NULL),
			 0);
	assert_int_equal(hd_store_timers_next(f->st, &next, NULL), 0);
	assert_int_equal(next, 0);
	assert_int_equal(hd_store_timers_fire(f->st, due + 60 * MIN, 0, &fired, NULL), 0);
	assert_int_equal(fired, 0);
	assert_int_equal(get(f, kept).status, HD_PROMISE_KEPT);
	assert_true(get(f, kept).resolved_at > 0);
	assert_string_equal(get(f, broken).note, "vendor slipped");
	assert_int_equal(get(f, broken).reminded_at, 0);
	assert_int_equal(count_events(f, f->ticket, "promise.kept", &data), 1);
	assert_non_null(strstr(data, "\"note\":null"));
	assert_non_null(strstr(data, "\"late\":false"));
	assert_int_equal(count_events(f, f->ticket, "promise.broken", &data), 1);
	assert_non_null(strstr(data, "\"note\":\"vendor slipped\""));
	assert_int_equal(count_mail(f, f->ticket, "notify", NULL, 0), 0);
}

static void refused_transitions_and_input(void **state)
{
	struct fx *f = *state;
	int64_t now = hd_now_ms(), id = make(f, HD_PROMISE_UPDATE, now + 60 * MIN, 0), pid;
	struct hd_promise_new in = { .kind = HD_PROMISE_UPDATE, .channel = -1, .due_at = now - MIN,
				     .remind_minutes = 30 };
	struct hd_err err = { 0 };

	assert_int_equal(hd_store_promise_resolve(f->st, &f->alice, id, HD_PROMISE_BROKEN, "", &err),
			 HD_EINVAL);
	assert_string_equal(err.field, "note");
	assert_int_equal(hd_store_promise_resolve(f->st, &f->alice, id, HD_PROMISE_KEPT, NULL, NULL),
			 0);
	hd_err_clear(&err);
	assert_int_equal(hd_store_promise_resolve(f->st, &f->alice, id, HD_PROMISE_BROKEN, "x", &err),
			 HD_ECONFLICT);
	assert_int_equal(hd_store_promise_resolve(f->st, &f->alice, 999, HD_PROMISE_KEPT, NULL, NULL),
			 HD_ENOTFOUND);

	hd_err_clear(&err);
	assert_int_equal(hd_store_promise_create(f->st, &f->alice, f->ticket, &in, NULL, &pid, &err),
			 HD_EINVAL);
	assert_string_equal(err.field, "due_at");
	in.due_at = now + 60 * MIN;
	in.owner_agent_id = 12345;
	hd_err_clear(&err);
	assert_int_equal(hd_store_promise_create(f->st, &f->alice, f->ticket, &in, NULL, &pid, &err),
			 HD_EINVAL);
	assert_string_equal(err.field, "owner_id");
	in.owner_agent_id = 0;
	assert_int_equal(hd_store_promise_create(f->st, &f->alice, 999999, &in, NULL, &pid, NULL),
			 HD_ENOTFOUND);
	/* nothing half-written */
	assert_int_equal(count_events(f, f->ticket, "promise.created", NULL), 1);
}

static void callback_request_is_the_teams(void **state)
{
	struct fx *f = *state;
	int64_t team = 0, tid, id, due = hd_now_ms() + 3 * 60 * MIN, again;
	struct hd_promise_new in = { .kind = HD_PROMISE_CALLBACK, .channel = HD_CHANNEL_PHONE,
				     .due_at = due, .description = "call on +4420794600",
				     .customer_requested = 1, .remind_minutes = 30,
				     .phone = "+4420794600" };
	struct hd_promise_filter filt = { .has_status = 1, .status = HD_PROMISE_OPEN, .limit = 10 };
	struct hd_customer cu;
	struct hd_promise *ps;
	struct hd_ticket t;
	const char *data = NULL;
	size_t n;
	int64_t next;
	int fired;

	assert_int_equal(hd_store_team_create(f->st, "Phones", NULL, 0, NULL, &team, NULL), 0);
	tid = new_ticket(f, team, 0, "cleo@example.com");
	assert_int_equal(hd_store_promise_create(f->st, &f->alice, tid, &in, NULL, &id, NULL), 0);
	assert_int_equal(get(f, id).owner_team_id, team);
	assert_int_equal(get(f, id).owner_agent_id, 0);
	assert_int_equal(get(f, id).requested_by, HD_AUTHOR_CUSTOMER);
	assert_int_equal(count_events(f, tid, "promise.created", &data), 1);
	assert_non_null(strstr(data, "\"phone_identity\":\"added\""));
	assert_int_equal(hd_store_ticket_get(f->st, tid, &t, &f->a, NULL), 0);
	assert_int_equal(hd_store_customer_get(f->st, t.customer_id, &cu, &f->a, NULL), 0);
	assert_int_equal(cu.nidentities, 2);
	/* the same number again is known */
	assert_int_equal(hd_store_promise_create(f->st, &f->alice, tid, &in, NULL, &again, NULL), 0);
	assert_int_equal(count_events(f, tid, "promise.created", &data), 2);
	assert_non_null(strstr(data, "\"phone_identity\":\"known\""));

	filt.owner_team_id = team;
	assert_int_equal(hd_store_promise_list(f->st, &filt, &ps, &n, &next, &f->a, NULL), 0);
	assert_int_equal(n, 2);
	assert_int_equal(ps[0].id, again); /* newest first */
	assert_int_equal(ps[1].id, id);
	/* a team without a lead and a ticket without an assignee: nobody to
	 * mail, but the reminder is recorded */
	assert_int_equal(hd_store_timers_fire(f->st, due - 30 * MIN, 0, &fired, NULL), 0);
	assert_int_equal(fired, 2);
	assert_int_equal(count_events(f, tid, "promise.reminded", &data), 2);
	assert_non_null(strstr(data, "\"notified_id\":null"));
	assert_int_equal(count_mail(f, tid, "notify", NULL, 0), 0);
}

static void listing_by_ticket_pages_oldest_first(void **state)
{
	struct fx *f = *state;
	int64_t due = hd_now_ms() + 60 * MIN, ids[3], next;
	struct hd_promise_filter filt = { .ticket_id = f->ticket, .limit = 2 };
	struct hd_promise *ps;
	size_t n;

	for (int i = 0; i < 3; i++)
		ids[i] = make(f, HD_PROMISE_UPDATE, due + i, 0);
	assert_int_equal(hd_store_promise_list(f->st, &filt, &ps, &n, &next, &f->a, NULL), 0);
	assert_int_equal(n, 2);
	assert_int_equal(ps[0].id, ids[0]);
	assert_int_equal(next, ids[1]);
	filt.after = next;
	assert_int_equal(hd_store_promise_list(f->st, &filt, &ps, &n, &next, &f->a, NULL), 0);
	assert_int_equal(n, 1);
	assert_int_equal(ps[0].id, ids[2]);
	assert_int_equal(next, 0);
	filt.ticket_id = 999999;
	assert_int_equal(hd_store_promise_list(f->st, &filt, &ps, &n, &next, &f->a, NULL),
			 HD_ENOTFOUND);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(create_records_event_notice_and_timers, setup,
						teardown),
		cmocka_unit_test_setup_teardown(reminder_then_escalation_each_exactly_once, setup,
						teardown),
		cmocka_unit_test_setup_teardown(resolving_cancels_the_timers, setup, teardown),
		cmocka_unit_test_setup_teardown(refused_transitions_and_input, setup, teardown),
		cmocka_unit_test_setup_teardown(callback_request_is_the_teams, setup, teardown),
		cmocka_unit_test_setup_teardown(listing_by_ticket_pages_oldest_first, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
