/*
 * test_portal.c — customers signing in to the portal in the SQLite store
 * (src/store/sqlite/portal.c): a link is mailed only to a known, unbounced
 * e-mail identity; it works once and until it expires; a changed token
 * never works; portal sessions are looked up by hash only, slide, end, and
 * are not agents' sessions.
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
#include <sys/stat.h>
#include <unistd.h>

#include "store/store.h"
#include "util/arena.h"
#include "util/secret.h"

static const int64_t MINUTE = 60 * 1000;
static const int64_t T0 = 1800000000000; /* 2027-01-15 */

struct fx {
	char dir[64];
	struct hd_store *st;
	int64_t cara; /* a customer with cara@example.com */
};

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb, (void)flag, (void)ftw;
	return remove(path);
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	struct hd_store_opts o = { .readers = 2, .cache_kib = 1024,
				   .public_url = "https://help.example" };
	struct hd_actor sys = { HD_AUTHOR_SYSTEM, 0, HD_ROLE_ADMIN };
	struct hd_identity_new id = { HD_IDKIND_EMAIL, "cara@example.com" };
	struct hd_customer_new c = { .name = "Cara", .identities = &id, .nidentities = 1 };
	struct hd_err err = { 0 };

	if (!f || hd_secret_init())
		return -1;
	snprintf(f->dir, sizeof(f->dir), "/tmp/heed-portal-XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	o.data_dir = f->dir;
	if (hd_store_open(&f->st, &o, &err) ||
	    hd_store_customer_create(f->st, &sys, &c, NULL, &f->cara, &err)) {
		print_error("setup: %s\n", err.msg);
		return -1;
	}
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

/* How many sign-in mails are queued; the token of the latest into `tok`. */
static size_t links(struct fx *f, char *tok, size_t len)
{
	struct hd_outbox_item *os;
	struct hd_arena a;
	size_t n, found = 0;
	int64_t next;

	hd_arena_init(&a, 1 << 20);
	assert_int_equal(hd_store_outbox_list(f->st, 0, 0, 200, &os, &n, &next, &a, NULL), 0);
	for (size_t i = 0; i < n; i++) {
		const char *p;

		if (strcmp(os[i].kind, "magic_link"))
			continue;
		found++;
		assert_int_equal(os[i].ticket_id, 0);
		assert_string_equal(os[i].to_addr, "cara@example.com");
		p = strstr(os[i].body_text, "https://help.example/portal/signin/");
		assert_non_null(p);
		p += strlen("https://help.example/portal/signin/");
		snprintf(tok, len, "%.*s", (int)strcspn(p, "\n"), p);
	}
	hd_arena_release(&a);
	return found;
}

/* Sign in with link `tok` at `now` using cookie token `cookie`. */
static int sign_in(struct fx *f, const char *tok, const char *cookie, int64_t now,
		   struct hd_portal_session *s)
{
	char hash[HD_HASH_HEX_LEN + 1], csrf[HD_CSRF_LEN + 1];
	struct hd_session_new in = { 0, hash, csrf, "192.0.2.1", "Test/1", now };

	hd_secret_sha256_hex(cookie, strlen(cookie), hash);
	memset(csrf, 'c', HD_CSRF_LEN);
	csrf[HD_CSRF_LEN] = '\0';
	return hd_store_portal_signin(f->st, tok, &in, s, NULL);
}

static int lookup(struct fx *f, const char *cookie, int64_t now, struct hd_portal_session *s)
{
	char hash[HD_HASH_HEX_LEN + 1];

	hd_secret_sha256_hex(cookie, strlen(cookie), hash);
	return hd_store_portal_session_lookup(f->st, hash, now, s, NULL);
}

/* ---- tests -------------------------------------------------------------- */

static void link_only_for_known_addresses(void **state)
{
	struct fx *f = *state;
	char tok[HD_PORTAL_TOKEN_MAX];
	int queued = -1;

	assert_int_equal(hd_store_portal_link_request(f->st, "nobody@example.com", T0, &queued,
						      NULL), 0);
	assert_int_equal(queued, 0);
	assert_int_equal(links(f, tok, sizeof(tok)), 0);
	assert_int_equal(hd_store_portal_link_request(f->st, "cara@example.com", T0, &queued, NULL),
			 0);
	assert_int_equal(queued, 1);
	assert_int_equal(links(f, tok, sizeof(tok)), 1);
	assert_true(strlen(tok) > 40);
}

static void a_link_works_once_until_it_expires(void **state)
{
	struct fx *f = *state;
	struct hd_portal_session s;
	char first[HD_PORTAL_TOKEN_MAX], second[HD_PORTAL_TOKEN_MAX];

	assert_int_equal(hd_store_portal_link_request(f->st, "cara@example.com", T0, NULL, NULL), 0);
	links(f, first, sizeof(first));
	assert_int_equal(hd_store_portal_link_request(f->st, "cara@example.com", T0, NULL, NULL), 0);
	links(f, second, sizeof(second));
	assert_string_not_equal(first, second);

	assert_int_equal(sign_in(f, first, "hp_cookie-1", T0 + MINUTE, &s), 0);
	assert_int_equal(s.customer_id, f->cara);
	assert_true(s.id > 0);
	assert_int_equal(sign_in(f, first, "hp_cookie-2", T0 + MINUTE, &s), HD_EUNAUTH);
	/* the second link is still good until T0 + 30 min, and not after */
	assert_int_equal(sign_in(f, second, "hp_cookie-3", T0 + 30 * MINUTE, &s), HD_EUNAUTH);
	assert_int_equal(sign_in(f, second, "hp_cookie-3", T0 + 30 * MINUTE - 1, &s), 0);
}

static void a_changed_token_never_works(void **state)
{
	struct fx *f = *state;
	struct hd_portal_session s;
	char tok[HD_PORTAL_TOKEN_MAX], bad[HD_PORTAL_TOKEN_MAX + 8];
	size_t n;

	assert_int_equal(hd_store_portal_link_request(f->st, "cara@example.com", T0, NULL, NULL), 0);
	links(f, tok, sizeof(tok));
	n = strlen(tok);
	snprintf(bad, sizeof(bad), "%s", tok);
	bad[n - 1] = bad[n - 1] == '0' ? '1' : '0'; /* the MAC */
	assert_int_equal(sign_in(f, bad, "hp_x1", T0, &s), HD_EUNAUTH);
	snprintf(bad, sizeof(bad), "9%s", tok); /* another customer */
	assert_int_equal(sign_in(f, bad, "hp_x2", T0, &s), HD_EUNAUTH);
	assert_int_equal(sign_in(f, "", "hp_x3", T0, &s), HD_EUNAUTH);
	assert_int_equal(sign_in(f, "1.2.3.4", "hp_x4", T0, &s), HD_EUNAUTH);
	assert_int_equal(sign_in(f, tok, "hp_x5", T0, &s), 0);
}

static void sessions_by_hash_slide_and_end(void **state)
{
	struct fx *f = *state;
	struct hd_portal_session s, got;
	struct hd_session agent;
	char tok[HD_PORTAL_TOKEN_MAX], hash[HD_HASH_HEX_LEN + 1];

	assert_int_equal(hd_store_portal_link_request(f->st, "cara@example.com", T0, NULL, NULL), 0);
	links(f, tok, sizeof(tok));
	assert_int_equal(sign_in(f, tok, "hp_cookie", T0, &s), 0);
	assert_int_equal(s.expires_at, T0 + HD_PORTAL_IDLE_MS);
	assert_int_equal(lookup(f, "hp_cookie", T0 + MINUTE, &got), 0);
	assert_int_equal(got.id, s.id);
	assert_int_equal(got.customer_id, f->cara);
	assert_int_equal(strlen(got.csrf_token), HD_CSRF_LEN);
	assert_int_equal(lookup(f, "hp_other", T0 + MINUTE, &got), HD_EUNAUTH);
	/* the portal cookie is no agent session */
	hd_secret_sha256_hex("hp_cookie", 9, hash);
	assert_int_equal(hd_store_session_lookup(f->st, hash, T0 + MINUTE, &agent, NULL), HD_EUNAUTH);
	/* used: slides, never past the absolute end */
	assert_int_equal(hd_store_portal_session_touch(f->st, &s, T0 + HD_PORTAL_IDLE_MS - 1, NULL), 0);
	assert_int_equal(lookup(f, "hp_cookie", T0 + HD_PORTAL_IDLE_MS + 1, &got), 0);
	assert_int_equal(hd_store_portal_session_touch(f->st, &s, T0 + HD_PORTAL_MAX_MS - MINUTE,
						       NULL), HD_EUNAUTH);
	/* signing out */
	assert_int_equal(hd_store_portal_session_delete(f->st, s.id, NULL), 0);
	assert_int_equal(lookup(f, "hp_cookie", T0 + 2 * MINUTE, &got), HD_EUNAUTH);
	assert_int_equal(hd_store_portal_session_delete(f->st, s.id, NULL), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(link_only_for_known_addresses, setup, teardown),
		cmocka_unit_test_setup_teardown(a_link_works_once_until_it_expires, setup, teardown),
		cmocka_unit_test_setup_teardown(a_changed_token_never_works, setup, teardown),
		cmocka_unit_test_setup_teardown(sessions_by_hash_slide_and_end, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
