/*
 * test_enums.c — the closed vocabularies (domain/enums): every name parses
 * back to its value, unknown words and out-of-range values are refused.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "domain/enums.h"

struct vocab {
	const char *what;
	int (*parse)(const char *);
	const char *(*name)(int);
	int count;
	const char *words[8];
};

static const struct vocab vocabs[] = {
	{ "status", hd_status_parse, hd_status_name, HD_STATUS__COUNT,
	  { "new", "open", "pending", "on_hold", "solved", "closed" } },
	{ "priority", hd_priority_parse, hd_priority_name, HD_PRIORITY__COUNT,
	  { "low", "normal", "high", "urgent" } },
	{ "channel", hd_channel_parse, hd_channel_name, HD_CHANNEL__COUNT,
	  { "api", "email", "web", "phone", "chat", "social" } },
	{ "author", hd_author_parse, hd_author_name, HD_AUTHOR__COUNT,
	  { "customer", "agent", "system" } },
	{ "visibility", hd_visibility_parse, hd_visibility_name, HD_VIS__COUNT,
	  { "public", "internal" } },
	{ "idkind", hd_idkind_parse, hd_idkind_name, HD_IDKIND__COUNT,
	  { "email", "phone", "handle" } },
	{ "role", hd_role_parse, hd_role_name, HD_ROLE__COUNT, { "agent", "admin" } },
};

#define NVOCABS (sizeof(vocabs) / sizeof(*vocabs))

static void names_are_the_documented_words(void **state)
{
	for (size_t v = 0; v < NVOCABS; v++)
		for (int i = 0; i < vocabs[v].count; i++)
			assert_string_equal(vocabs[v].name(i), vocabs[v].words[i]);
}

static void every_name_parses_back(void **state)
{
	for (size_t v = 0; v < NVOCABS; v++)
		for (int i = 0; i < vocabs[v].count; i++)
			assert_int_equal(vocabs[v].parse(vocabs[v].name(i)), i);
}

static void word_lists_are_complete(void **state)
{
	for (size_t v = 0; v < NVOCABS; v++) {
		int n = 0;

		while (n < 8 && vocabs[v].words[n])
			n++;
		assert_int_equal(n, vocabs[v].count);
	}
}

static void unknown_words_are_refused(void **state)
{
	static const char *const bad[] = { "", "Open", "OPEN", " open", "open ", "on-hold",
					   "onhold", "unknown", "opened", "ope" };

	for (size_t v = 0; v < NVOCABS; v++) {
		assert_int_equal(vocabs[v].parse(NULL), -1);
		for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++)
			assert_int_equal(vocabs[v].parse(bad[i]), -1);
	}
	assert_int_equal(hd_priority_parse("Urgent"), -1);
	assert_int_equal(hd_role_parse("root"), -1);
	assert_int_equal(hd_channel_parse("mail"), -1);
}

static void out_of_range_values_are_unknown(void **state)
{
	for (size_t v = 0; v < NVOCABS; v++) {
		assert_string_equal(vocabs[v].name(-1), "unknown");
		assert_string_equal(vocabs[v].name(vocabs[v].count), "unknown");
		assert_string_equal(vocabs[v].name(1000000), "unknown");
		assert_string_equal(vocabs[v].name(-2147483647 - 1), "unknown");
	}
}

static void values_are_stable(void **state)
{
	/* stored in the database: the numbering must not change */
	assert_int_equal(HD_STATUS_NEW, 0);
	assert_int_equal(HD_STATUS_CLOSED, 5);
	assert_int_equal(HD_PRIORITY_URGENT, 3);
	assert_int_equal(HD_CHANNEL_SOCIAL, 5);
	assert_int_equal(HD_AUTHOR_SYSTEM, 2);
	assert_int_equal(HD_VIS_INTERNAL, 1);
	assert_int_equal(HD_IDKIND_HANDLE, 2);
	assert_int_equal(HD_ROLE_ADMIN, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(names_are_the_documented_words),
		cmocka_unit_test(every_name_parses_back),
		cmocka_unit_test(word_lists_are_complete),
		cmocka_unit_test(unknown_words_are_refused),
		cmocka_unit_test(out_of_range_values_are_unknown),
		cmocka_unit_test(values_are_stable),
	};
	return cmocka_run_group_tests_name("domain/enums", tests, NULL, NULL);
}
