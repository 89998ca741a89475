/*
 * test_config.c — heed's settings (util/config): defaults, heed.conf
 * parsing (comments, quotes, bad lines named by number, unknown keys,
 * ranges), HEED_* environment variables, loading a file and the
 * format/parse round trip.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "util/config.h"

static int parse(struct hd_config *c, const char *text, struct hd_err *err)
{
	hd_config_defaults(c);
	hd_err_clear(err);
	return hd_config_parse(c, text, strlen(text), err);
}

/* Parsing `text` fails; the message names line `line`. */
static void expect_bad_line(const char *text, int line, const char *field)
{
	struct hd_config c;
	struct hd_err err;
	char want[32];

	assert_int_equal(parse(&c, text, &err), HD_EINVAL);
	assert_int_equal(err.code, HD_EINVAL);
	snprintf(want, sizeof(want), "line %d:", line);
	if (!strstr(err.msg, want))
		fail_msg("message \"%s\" does not name %s", err.msg, want);
	if (field)
		assert_string_equal(err.field, field);
}

static void defaults(void **state)
{
	struct hd_config c;

	hd_config_defaults(&c);
	assert_string_equal(c.listen, "127.0.0.1:8080");
	/* every default is a value hd_config_set would accept */
	assert_true(c.workers >= 0 && c.workers <= 1024); /* 0: one per core */
	assert_true(c.readers >= 1 && c.readers <= 1024);
	assert_true(c.cache_kib >= 64 && c.cache_kib <= 16ll << 20);
	assert_string_equal(c.desk_name, "heed support");
	assert_true(c.first_response_minutes >= 1 && c.first_response_minutes <= 525600);
	assert_true(c.max_body_bytes >= 1024 && c.max_body_bytes <= 1ll << 30);
	assert_true(c.max_attachment_bytes >= 1024 && c.max_attachment_bytes <= 1ll << 30);
	assert_true(c.max_attachment_bytes <= c.max_body_bytes);
	assert_string_equal(c.public_url, "http://127.0.0.1:8080");
}

static void parses_every_key(void **state)
{
	struct hd_config c;
	struct hd_err err;

	assert_int_equal(parse(&c,
			       "listen = 0.0.0.0:9000\n"
			       "workers = 4\n"
			       "readers = 2\n"
			       "cache_kib = 64\n"
			       "desk_name = \"Acme Support\"\n"
			       "first_response_minutes = 60\n"
			       "max_body_bytes = 1024\n"
			       "max_attachment_bytes = 1073741824\n"
			       "public_url = https://help.example.com/?a=b\n",
			       &err),
			 0);
	assert_string_equal(c.listen, "0.0.0.0:9000");
	assert_int_equal(c.workers, 4);
	assert_int_equal(c.readers, 2);
	assert_int_equal(c.cache_kib, 64);
	assert_string_equal(c.desk_name, "Acme Support");
	assert_int_equal(c.first_response_minutes, 60);
	assert_int_equal(c.max_body_bytes, 1024);
	assert_int_equal(c.max_attachment_bytes, 1073741824);
	assert_string_equal(c.public_url, "https://help.example.com/?a=b");
}

static void comments_blank_lines_and_spacing(void **state)
{
	struct hd_config c;
	struct hd_err err;

	assert_int_equal(parse(&c,
			       "# a comment\n"
			       "\n"
			       "   \t \n"
			       "   # indented comment\n"
			       "workers=3   # trailing comment\n"
			       "\treaders\t=\t5\t\r\n"
			       "desk_name =   spaced   name  \n",
			       &err),
			 0);
	assert_int_equal(c.workers, 3);
	assert_int_equal(c.readers, 5);
	assert_string_equal(c.desk_name, "spaced   name");
}

static void empty_text_and_no_final_newline(void **state)
{
	struct hd_config c;
	struct hd_err err;

	struct hd_config def;

	hd_config_defaults(&def);
	assert_int_equal(parse(&c, "", &err), 0);
	assert_memory_equal(&c, &def, sizeof(c));
	assert_int_equal(parse(&c, "workers = 9", &err), 0);
	assert_int_equal(c.workers, 9);
}

static void later_lines_win(void **state)
{
	struct hd_config c;
	struct hd_err err;

	assert_int_equal(parse(&c, "workers = 2\nworkers = 3\n", &err), 0);
	assert_int_equal(c.workers, 3);
}

static void quotes_are_removed_once(void **state)
{
	struct hd_config c;
	struct hd_err err;

	assert_int_equal(parse(&c, "desk_name = \"\"\n", &err), 0);
	assert_string_equal(c.desk_name, "");
	assert_int_equal(parse(&c, "desk_name = \"say \"hi\"\"\n", &err), 0);
	assert_string_equal(c.desk_name, "say \"hi\"");
	assert_int_equal(parse(&c, "desk_name = \"  padded  \"\n", &err), 0);
	assert_string_equal(c.desk_name, "  padded  ");
	assert_int_equal(parse(&c, "workers = \"7\"\n", &err), 0);
	assert_int_equal(c.workers, 7);
}

static void hash_inside_quotes_is_part_of_the_value(void **state)
{
	struct hd_config c;
	struct hd_err err;

	assert_int_equal(parse(&c, "desk_name = \"Team #1\"  # the first team\n", &err), 0);
	assert_string_equal(c.desk_name, "Team #1");
}

static void line_without_equals_names_the_line(void **state)
{
	expect_bad_line("workers = 2\nworkers 4\n", 2, NULL);
	expect_bad_line("# c\n\n\njust words\n", 4, NULL);
}

static void empty_key_is_an_error(void **state)
{
	expect_bad_line("= 4\n", 1, NULL);
	expect_bad_line("workers = 1\n  = x\n", 2, NULL);
}

static void unknown_key_names_line_and_key(void **state)
{
	struct hd_config c;
	struct hd_err err;

	expect_bad_line("workers = 1\nreaders = 1\ncolour = blue\n", 3, "colour");
	assert_int_equal(parse(&c, "Workers = 1\n", &err), HD_EINVAL);
	assert_non_null(strstr(err.msg, "Workers"));
	expect_bad_line("work ers = 1\n", 1, NULL);
}

static void nul_byte_is_an_error(void **state)
{
	struct hd_config c;
	struct hd_err err = { 0 };
	const char text[] = "workers = 1\nreaders = 2\0\n";

	hd_config_defaults(&c);
	assert_int_equal(hd_config_parse(&c, text, sizeof(text) - 1, &err), HD_EINVAL);
	assert_non_null(strstr(err.msg, "line 2"));
}

static void overlong_value_is_an_error(void **state)
{
	char text[1200];

	memset(text, 'x', sizeof(text));
	memcpy(text, "desk_name = ", 12);
	text[sizeof(text) - 2] = '\n';
	text[sizeof(text) - 1] = '\0';
	expect_bad_line(text, 1, NULL);
	/* 128 bytes do not fit desk_name[128] */
	memset(text, 'y', sizeof(text));
	memcpy(text, "\n\ndesk_name = ", 14);
	text[14 + 128] = '\0';
	expect_bad_line(text, 3, "desk_name");
}

static void integer_ranges(void **state)
{
	struct {
		const char *line;
		int ok;
	} cases[] = {
		{ "workers = 1", 1 },
		{ "workers = 1024", 1 },
		{ "workers = 0", 1 }, /* 0: one per core */
		{ "workers = -1", 0 },
		{ "workers = 1025", 0 },
		{ "workers = -1", 0 },
		{ "workers = 4x", 0 },
		{ "workers = x4", 0 },
		{ "workers = 4.0", 0 },
		{ "workers =", 0 },
		{ "workers = 99999999999999999999999", 0 },
		{ "readers = 0", 0 },
		{ "readers = 1024", 1 },
		{ "cache_kib = 63", 0 },
		{ "cache_kib = 64", 1 },
		{ "cache_kib = 16777216", 1 },
		{ "cache_kib = 16777217", 0 },
		{ "first_response_minutes = 0", 0 },
		{ "first_response_minutes = 525600", 1 },
		{ "first_response_minutes = 525601", 0 },
		{ "max_body_bytes = 1023", 0 },
		{ "max_body_bytes = 1073741825", 0 },
		{ "max_attachment_bytes = 1024", 1 },
		{ "max_attachment_bytes = 0", 0 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		struct hd_config c;
		struct hd_err err;
		int rc = parse(&c, cases[i].line, &err);

		if (cases[i].ok != (rc == 0))
			fail_msg("%s: rc %d", cases[i].line, rc);
		if (!cases[i].ok)
			assert_non_null(strstr(err.msg, "line 1"));
	}
}

static void refused_value_keeps_old_setting(void **state)
{
	struct hd_config c;
	struct hd_err err = { 0 };

	int workers;
	int64_t cache_kib;

	hd_config_defaults(&c);
	workers = c.workers;
	cache_kib = c.cache_kib;
	assert_int_equal(hd_config_set(&c, "workers", "5000", &err), HD_EINVAL);
	assert_string_equal(err.field, "workers");
	assert_int_equal(c.workers, workers);
	assert_int_equal(hd_config_set(&c, "cache_kib", "1", NULL), HD_EINVAL);
	assert_int_equal(c.cache_kib, cache_kib);
	assert_int_equal(hd_config_set(&c, "listen", "nope", NULL), HD_EINVAL);
	assert_string_equal(c.listen, "127.0.0.1:8080");
}

static void listen_must_be_host_and_port(void **state)
{
	struct hd_config c;

	hd_config_defaults(&c);
	assert_int_equal(hd_config_set(&c, "listen", "[::1]:8443", NULL), 0);
	assert_string_equal(c.listen, "[::1]:8443");
	assert_int_equal(hd_config_set(&c, "listen", "localhost:0", NULL), 0);
	assert_int_equal(hd_config_set(&c, "listen", "localhost", NULL), HD_EINVAL);
	assert_int_equal(hd_config_set(&c, "listen", ":8080", NULL), HD_EINVAL);
	assert_int_equal(hd_config_set(&c, "listen", "host:", NULL), HD_EINVAL);
	assert_int_equal(hd_config_set(&c, "listen", "host:65536", NULL), HD_EINVAL);
	assert_int_equal(hd_config_set(&c, "listen", "host:http", NULL), HD_EINVAL);
	assert_string_equal(c.listen, "localhost:0");
}

static void environment_overrides(void **state)
{
	struct hd_config c, def;
	struct hd_err err = { 0 };

	hd_config_defaults(&c);
	hd_config_defaults(&def);
	setenv("HEED_WORKERS", "7", 1);
	setenv("HEED_DESK_NAME", "Env Desk", 1);
	setenv("HEED_FIRST_RESPONSE_MINUTES", "15", 1);
	setenv("HEED_MAX_ATTACHMENT_BYTES", "2048", 1);
	setenv("HEED_LISTEN", "0.0.0.0:1234", 1);
	assert_int_equal(hd_config_env(&c, &err), 0);
	assert_int_equal(c.workers, 7);
	assert_string_equal(c.desk_name, "Env Desk");
	assert_int_equal(c.first_response_minutes, 15);
	assert_int_equal(c.max_attachment_bytes, 2048);
	assert_string_equal(c.listen, "0.0.0.0:1234");
	assert_int_equal(c.readers, def.readers);
	unsetenv("HEED_WORKERS");
	unsetenv("HEED_DESK_NAME");
	unsetenv("HEED_FIRST_RESPONSE_MINUTES");
	unsetenv("HEED_MAX_ATTACHMENT_BYTES");
	unsetenv("HEED_LISTEN");
}

static void bad_environment_value_is_an_error(void **state)
{
	struct hd_config c, def;
	struct hd_err err = { 0 };

	hd_config_defaults(&c);
	hd_config_defaults(&def);
	setenv("HEED_READERS", "0", 1);
	assert_int_equal(hd_config_env(&c, &err), HD_EINVAL);
	assert_string_equal(err.field, "readers");
	assert_int_equal(c.readers, def.readers);
	unsetenv("HEED_READERS");
	hd_err_clear(&err);
	assert_int_equal(hd_config_env(&c, &err), 0);
}

static void load_file_and_missing_file(void **state)
{
	char dir[] = "/tmp/heed-cfg-XXXXXX", path[128];
	struct hd_config c, def;
	struct hd_err err = { 0 };
	FILE *f;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/heed.conf", dir);
	hd_config_defaults(&c);
	hd_config_defaults(&def);
	assert_int_equal(hd_config_load(&c, path, &err), 0); /* missing: fine */
	assert_int_equal(c.workers, def.workers);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("# test\nworkers = 12\ndesk_name = \"File Desk\"\n", f);
	fclose(f);
	assert_int_equal(hd_config_load(&c, path, &err), 0);
	assert_int_equal(c.workers, 12);
	assert_string_equal(c.desk_name, "File Desk");
	f = fopen(path, "w");
	fputs("workers = 12\nbogus = 1\n", f);
	fclose(f);
	assert_int_equal(hd_config_load(&c, path, &err), HD_EINVAL);
	assert_non_null(strstr(err.msg, "line 2"));
	unlink(path);
	rmdir(dir);
}

static void format_parses_back(void **state)
{
	struct hd_config c, back;
	struct hd_err err = { 0 };
	char text[4096];

	hd_config_defaults(&c);
	assert_int_equal(hd_config_set(&c, "workers", "3", NULL), 0);
	assert_int_equal(hd_config_set(&c, "desk_name", "Acme  Support", NULL), 0);
	assert_int_equal(hd_config_set(&c, "max_body_bytes", "4096", NULL), 0);
	hd_config_format(&c, text, sizeof(text));
	hd_config_defaults(&back);
	assert_int_equal(hd_config_parse(&back, text, strlen(text), &err), 0);
	assert_memory_equal(&c, &back, sizeof(c));
}

static void format_parses_back_with_hash_in_name(void **state)
{
	struct hd_config c, back;
	struct hd_err err = { 0 };
	char text[4096];

	hd_config_defaults(&c);
	assert_int_equal(hd_config_set(&c, "desk_name", "Support #1", NULL), 0);
	hd_config_format(&c, text, sizeof(text));
	hd_config_defaults(&back);
	assert_int_equal(hd_config_parse(&back, text, strlen(text), &err), 0);
	assert_string_equal(back.desk_name, "Support #1");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(defaults),
		cmocka_unit_test(parses_every_key),
		cmocka_unit_test(comments_blank_lines_and_spacing),
		cmocka_unit_test(empty_text_and_no_final_newline),
		cmocka_unit_test(later_lines_win),
		cmocka_unit_test(quotes_are_removed_once),
		cmocka_unit_test(hash_inside_quotes_is_part_of_the_value),
		cmocka_unit_test(line_without_equals_names_the_line),
		cmocka_unit_test(empty_key_is_an_error),
		cmocka_unit_test(unknown_key_names_line_and_key),
		cmocka_unit_test(nul_byte_is_an_error),
		cmocka_unit_test(overlong_value_is_an_error),
		cmocka_unit_test(integer_ranges),
		cmocka_unit_test(refused_value_keeps_old_setting),
		cmocka_unit_test(listen_must_be_host_and_port),
		cmocka_unit_test(environment_overrides),
		cmocka_unit_test(bad_environment_value_is_an_error),
		cmocka_unit_test(load_file_and_missing_file),
		cmocka_unit_test(format_parses_back),
		cmocka_unit_test(format_parses_back_with_hash_in_name),
	};
	return cmocka_run_group_tests_name("util/config", tests, NULL, NULL);
}
