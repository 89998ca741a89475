/*
 * test_msgid.c — util/msgid: heed's signed Message-IDs name their ticket
 * and nothing else does.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "util/msgid.h"
#include "util/secret.h"

static const unsigned char KEY[HD_MSGID_KEYLEN] = "0123456789abcdef0123456789abcdef";
static const unsigned char OTHER[HD_MSGID_KEYLEN] = "fedcba9876543210fedcba9876543210";

static int setup(void **state)
{
	return hd_secret_init();
}

static void round_trip(void **state)
{
	char id[HD_MSGID_MAX];
	int64_t t = 0;

	assert_int_equal(hd_msgid_make(KEY, 123, "acme.example", id, sizeof(id)), 0);
	assert_true(id[0] == '<' && id[strlen(id) - 1] == '>');
	assert_non_null(strstr(id, "@acme.example>"));
	assert_int_equal(hd_msgid_ticket(KEY, id, &t), 1);
	assert_int_equal(t, 123);
	/* without angle brackets, as parsers hand it out */
	id[strlen(id) - 1] = '\0';
	t = 0;
	assert_int_equal(hd_msgid_ticket(KEY, id + 1, &t), 1);
	assert_int_equal(t, 123);
}

static void ids_are_unique(void **state)
{
	char a[HD_MSGID_MAX], b[HD_MSGID_MAX];

	hd_msgid_make(KEY, 1, "d", a, sizeof(a));
	hd_msgid_make(KEY, 1, "d", b, sizeof(b));
	assert_string_not_equal(a, b);
}

static void another_key_is_refused(void **state)
{
	char id[HD_MSGID_MAX];
	int64_t t = 0;

	hd_msgid_make(OTHER, 5, "other.example", id, sizeof(id));
	assert_int_equal(hd_msgid_ticket(KEY, id, &t), 0);
	assert_int_equal(t, 0);
}

static void every_tampered_byte_is_refused(void **state)
{
	char id[HD_MSGID_MAX], bad[HD_MSGID_MAX];
	int64_t t;
	size_t at;

	hd_msgid_make(KEY, 4242, "acme.example", id, sizeof(id));
	at = (size_t)(strchr(id, '@') - id);
	for (size_t i = 1; i < at; i++) {
		snprintf(bad, sizeof(bad), "%s", id);
		bad[i] = bad[i] == '1' ? '2' : '1';
		assert_int_equal(hd_msgid_ticket(KEY, bad, &t), 0);
	}
}

static void the_domain_is_not_signed(void **state)
{
	char id[HD_MSGID_MAX], moved[HD_MSGID_MAX + 32];
	int64_t t = 0;

	hd_msgid_make(KEY, 8, "old.example", id, sizeof(id));
	*strchr(id, '@') = '\0';
	snprintf(moved, sizeof(moved), "%s@new.example>", id);
	assert_int_equal(hd_msgid_ticket(KEY, moved, &t), 1);
	assert_int_equal(t, 8);
}

static void junk_is_refused(void **state)
{
	static const char *const junk[] = {
		"", "<>", "heed.", "<heed.T>", "<heed.T1.@x>", "<heed.T0.0011223344556677.00@x>",
		"<heed.T-1.0011223344556677.00112233445566778899@x>",
		"<heed.T1.0011223344556677.00112233445566778899>",
		"<heed.T99999999999999999999999.0011223344556677.00112233445566778899@x>",
		"<CAF=abc@mail.gmail.com>",
	};
	int64_t t;

	for (size_t i = 0; i < sizeof(junk) / sizeof(junk[0]); i++)
		assert_int_equal(hd_msgid_ticket(KEY, junk[i], &t), 0);
}

static void long_domain_is_refused(void **state)
{
	char id[HD_MSGID_MAX], domain[300];

	memset(domain, 'a', sizeof(domain) - 1);
	domain[sizeof(domain) - 1] = '\0';
	assert_int_not_equal(hd_msgid_make(KEY, 1, domain, id, sizeof(id)), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(round_trip),
		cmocka_unit_test(ids_are_unique),
		cmocka_unit_test(another_key_is_refused),
		cmocka_unit_test(every_tampered_byte_is_refused),
		cmocka_unit_test(the_domain_is_not_signed),
		cmocka_unit_test(junk_is_refused),
		cmocka_unit_test(long_domain_is_refused),
	};
	return cmocka_run_group_tests_name("util/msgid", tests, setup, NULL);
}
