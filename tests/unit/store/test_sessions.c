/*
 * test_sessions.c — web app sessions in the SQLite store
 * (src/store/sqlite/sessions.c): create and look up by token hash only;
 * sliding idle end capped by the absolute end; a deactivated agent's
 * sessions refused; signing out one session or all of an agent's; ended
 * sessions purged; the auth epoch moves on every sign-out; long client
 * strings cut.
 *
 * Every test opens a fresh store in its own temporary directory. Instants
 * are passed in, so no clock is read or moved.
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
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/store.h"
#include "util/secret.h"

static const int64_t HOUR = 3600 * 1000;
static const int64_t T0 = 1800000000000; /* 2027-01-15 */

struct fx {
	char dir[64];
	struct hd_store *st;
	int64_t alice, bob; /* an admin and an agent */
};

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	return remove(path);
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	struct hd_store_opts o = { .readers = 2, .cache_kib = 1024 };
	struct hd_agent_new a1 = { "Alice Agent", "alice@example.com", HD_ROLE_ADMIN, NULL };
	struct hd_agent_new a2 = { "Bob Agent", "bob@example.com", HD_ROLE_AGENT, NULL };
	struct hd_err err = { 0 };

	if (!f || hd_secret_init())
		return -1;
	snprintf(f->dir, sizeof(f->dir), "/tmp/heed-sessions-XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	o.data_dir = f->dir;
	if (hd_store_open(&f->st, &o, &err)) {
		print_error("open: %s\n", err.msg);
		return -1;
	}
	if (hd_store_agent_create(f->st, &a1, NULL, &f->alice, &err) ||
	    hd_store_agent_create(f->st, &a2, NULL, &f->bob, &err))
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	hd_store_close(f->st);
	nftw(f->dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	free(f);
	return 0;
}

/* ---- helpers ------------------------------------------------------------ */

/* The hash of token `tok` into `hash` (HD_HASH_HEX_LEN + 1 bytes). */
static const char *hash_of(const char *tok, char *hash)
{
	hd_secret_sha256_hex(tok, strlen(tok), hash);
	return hash;
}

/* A session for `agent` signed in at `now` with cookie token `tok`. */
static int64_t sign_in(struct fx *f, int64_t agent, const char *tok, int64_t now)
{
	char hash[HD_HASH_HEX_LEN + 1];
	char csrf[HD_CSRF_LEN + 1];
	struct hd_session_new in = { agent, hash_of(tok, hash), csrf, "192.0.2.1", "TestAgent/1",
				     now };
	struct hd_err err = { 0 };
	int64_t id = 0;

	memset(csrf, 'c', HD_CSRF_LEN);
	csrf[HD_CSRF_LEN] = '\0';
	assert_int_equal(hd_store_session_create(f->st, &in, &id, &err), 0);
	assert_true(id > 0);
	return id;
}

/* hd_store_session_lookup of token `tok` at `now`. */
static int lookup(struct fx *f, const char *tok, int64_t now, struct hd_session *s)
{
	char hash[HD_HASH_HEX_LEN + 1];

	return hd_store_session_lookup(f->st, hash_of(tok, hash), now, s, NULL);
}

/* A column of session `id`, read straight from the database file. */
static void column(struct fx *f, int64_t id, const char *col, char *out, size_t len)
{
	char path[128], sql[128];
	sqlite3 *db;
	sqlite3_stmt *s;

	snprintf(path, sizeof(path), "%s/heed.db", f->dir);
	snprintf(sql, sizeof(sql), "SELECT %s FROM sessions WHERE id = %lld", col, (long long)id);
	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &s, NULL), SQLITE_OK);
	out[0] = '\0';
	if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_text(s, 0))
		snprintf(out, len, "%s", (const char *)sqlite3_column_text(s, 0));
	sqlite3_finalize(s);
	sqlite3_close(db);
}

/* ---- tests -------------------------------------------------------------- */

static void create_and_lookup_by_hash_only(void **state)
{
	struct fx *f = *state;
	struct hd_session s;
	char got[128], hash[HD_HASH_HEX_LEN + 1];
	int64_t id = sign_in(f, f->bob, "hs_secret-token-1", T0);

	assert_int_equal(lookup(f, "hs_secret-token-1", T0 + 1000, &s), 0);
	assert_int_equal(s.id, id);
	assert_int_equal(s.who.id, f->bob);
	assert_int_equal(s.who.kind, HD_AUTHOR_AGENT);
	assert_int_equal(s.who.role, HD_ROLE_AGENT);
	assert_int_equal(strlen(s.csrf_token), HD_CSRF_LEN);
	assert_int_equal(s.created_at, T0);
	assert_int_equal(s.last_seen_at, T0);
	assert_int_equal(s.expires_at, T0 + HD_SESSION_IDLE_MS);
	/* the database keeps the hash, never the token */
	column(f, id, "token_hash", got, sizeof(got));
	assert_string_equal(got, hash_of("hs_secret-token-1", hash));
	column(f, id, "ip", got, sizeof(got));
	assert_string_equal(got, "192.0.2.1");
	column(f, id, "user_agent", got, sizeof(got));
	assert_string_equal(got, "TestAgent/1");
	/* a wrong token, and the hash given as if it were the token */
	assert_int_equal(lookup(f, "hs_secret-token-2", T0, &s), HD_EUNAUTH);
	assert_int_equal(lookup(f, hash, T0, &s), HD_EUNAUTH);
}

static void idle_end_slides_up_to_the_absolute_end(void **state)
{
	struct fx *f = *state;
	struct hd_session s;
	int64_t now = T0;

	sign_in(f, f->bob, "hs_sliding", T0);
	/* unused for the idle time: ended */
	assert_int_equal(lookup(f, "hs_sliding", T0 + HD_SESSION_IDLE_MS - 1, &s), 0);
	assert_int_equal(lookup(f, "hs_sliding", T0 + HD_SESSION_IDLE_MS, &s), HD_EUNAUTH);
	/* used every 11 hours: lives on, until 30 days after sign-in */
	while (now + 11 * HOUR < T0 + HD_SESSION_MAX_MS) {
		now += 11 * HOUR;
		assert_int_equal(lookup(f, "hs_sliding", now, &s), 0);
		assert_int_equal(hd_store_session_touch(f->st, &s, now, NULL), 0);
		assert_int_equal(s.last_seen_at, now);
		assert_int_equal(s.expires_at, hd_session_expiry(T0, now));
		assert_true(s.expires_at <= T0 + HD_SESSION_MAX_MS);
	}
	assert_int_equal(s.expires_at, T0 + HD_SESSION_MAX_MS);
	assert_int_equal(lookup(f, "hs_sliding", T0 + HD_SESSION_MAX_MS - 1, &s), 0);
	assert_int_equal(lookup(f, "hs_sliding", T0 + HD_SESSION_MAX_MS, &s), HD_EUNAUTH);
	/* an ended session cannot be touched back to life */
	s.created_at = T0 + HD_SESSION_MAX_MS; /* as if it were younger */
	assert_int_equal(hd_store_session_touch(f->st, &s, T0 + HD_SESSION_MAX_MS, NULL),
			 HD_EUNAUTH);
}

static void deactivated_agent_is_refused(void **state)
{
	struct fx *f = *state;
	struct hd_agent_patch off = { .set_active = 1, .active = 0 };
	struct hd_agent_patch on = { .set_active = 1, .active = 1 };
	char hash[HD_HASH_HEX_LEN + 1], csrf[HD_CSRF_LEN + 1];
	struct hd_session_new in = { f->bob, hash_of("hs_second", hash), csrf, NULL, NULL, T0 };
	struct hd_session s;
	uint64_t epoch;
	int64_t id = 0;

	sign_in(f, f->bob, "hs_bob", T0);
	epoch = hd_store_auth_epoch(f->st);
	assert_int_equal(hd_store_agent_update(f->st, f->bob, &off, NULL), 0);
	assert_true(hd_store_auth_epoch(f->st) != epoch);
	assert_int_equal(lookup(f, "hs_bob", T0 + 1, &s), HD_EUNAUTH);
	/* nor can a new session be started for them */
	memset(csrf, 'x', HD_CSRF_LEN);
	csrf[HD_CSRF_LEN] = '\0';
	assert_int_equal(hd_store_session_create(f->st, &in, &id, NULL), HD_EUNAUTH);
	assert_int_equal(hd_store_agent_update(f->st, f->bob, &on, NULL), 0);
	assert_int_equal(lookup(f, "hs_bob", T0 + 2, &s), 0);
	/* an unknown agent */
	in.agent_id = 999999;
	assert_int_equal(hd_store_session_create(f->st, &in, &id, NULL), HD_EUNAUTH);
}

static void sign_out_one_or_all(void **state)
{
	struct fx *f = *state;
	struct hd_session s;
	uint64_t epoch = hd_store_auth_epoch(f->st);
	int64_t b1 = sign_in(f, f->bob, "hs_bob-laptop", T0), n = -1;

	sign_in(f, f->bob, "hs_bob-phone", T0);
	sign_in(f, f->bob, "hs_bob-tablet", T0);
	sign_in(f, f->alice, "hs_alice", T0);
	assert_int_equal(hd_store_session_delete(f->st, b1, NULL), 0);
	assert_true(hd_store_auth_epoch(f->st) != epoch);
	assert_int_equal(lookup(f, "hs_bob-laptop", T0, &s), HD_EUNAUTH);
	assert_int_equal(lookup(f, "hs_bob-phone", T0, &s), 0);
	/* ending it again is no error */
	assert_int_equal(hd_store_session_delete(f->st, b1, NULL), 0);
	epoch = hd_store_auth_epoch(f->st);
	assert_int_equal(hd_store_session_delete_agent(f->st, f->bob, &n, NULL), 0);
	assert_int_equal(n, 2);
	assert_true(hd_store_auth_epoch(f->st) != epoch);
	assert_int_equal(lookup(f, "hs_bob-phone", T0, &s), HD_EUNAUTH);
	assert_int_equal(lookup(f, "hs_bob-tablet", T0, &s), HD_EUNAUTH);
	assert_int_equal(lookup(f, "hs_alice", T0, &s), 0);
	assert_int_equal(s.who.role, HD_ROLE_ADMIN);
	assert_int_equal(hd_store_session_delete_agent(f->st, f->bob, &n, NULL), 0);
	assert_int_equal(n, 0);
}

static void ended_sessions_are_purged_on_sign_in(void **state)
{
	struct fx *f = *state;
	struct hd_session s;

	sign_in(f, f->bob, "hs_old", T0);
	sign_in(f, f->bob, "hs_newer", T0 + HOUR);
	sign_in(f, f->alice, "hs_new", T0 + HD_SESSION_IDLE_MS + 1);
	/* looked up as of a moment it was alive: its row is gone */
	assert_int_equal(lookup(f, "hs_old", T0 + 1, &s), HD_EUNAUTH);
	assert_int_equal(lookup(f, "hs_newer", T0 + HOUR + 1, &s), 0);
}

static void long_client_strings_are_cut(void **state)
{
	struct fx *f = *state;
	char ua[600], ip[200], hash[HD_HASH_HEX_LEN + 1], csrf[HD_CSRF_LEN + 1], got[700];
	struct hd_session_new in = { f->bob, hash_of("hs_long", hash), csrf, ip, ua, T0 };
	int64_t id = 0;
	size_t n;

	memset(csrf, 'c', HD_CSRF_LEN);
	csrf[HD_CSRF_LEN] = '\0';
	memset(ip, '1', sizeof(ip) - 1);
	ip[sizeof(ip) - 1] = '\0';
	/* "é" (2 bytes) repeated: a cut at 255 bytes would split one */
	for (n = 0; n + 2 < sizeof(ua); n += 2)
		memcpy(ua + n, "\xc3\xa9", 2);
	ua[n] = '\0';
	assert_int_equal(hd_store_session_create(f->st, &in, &id, NULL), 0);
	column(f, id, "user_agent", got, sizeof(got));
	assert_int_equal(strlen(got), 254);
	column(f, id, "ip", got, sizeof(got));
	assert_int_equal(strlen(got), HD_SESSION_IP_MAX);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(create_and_lookup_by_hash_only, setup, teardown),
		cmocka_unit_test_setup_teardown(idle_end_slides_up_to_the_absolute_end, setup,
						teardown),
		cmocka_unit_test_setup_teardown(deactivated_agent_is_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(sign_out_one_or_all, setup, teardown),
		cmocka_unit_test_setup_teardown(ended_sessions_are_purged_on_sign_in, setup,
						teardown),
		cmocka_unit_test_setup_teardown(long_client_strings_are_cut, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
