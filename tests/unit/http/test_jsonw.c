/*
 * test_jsonw.c — the streaming JSON writer: nesting, commas, escaping, and
 * that every document it writes parses back (with jansson) to the same data.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "http/jsonw.h"

static void nested_objects_and_arrays_get_commas_right(void **state)
{
	struct hd_jw w;

	hd_jw_init(&w, 4096);
	hd_jw_obj(&w);
	hd_jw_kint(&w, "a", 1);
	hd_jw_key(&w, "b");
	hd_jw_arr(&w);
	hd_jw_int(&w, 2);
	hd_jw_obj(&w);
	hd_jw_obj_end(&w);
	hd_jw_arr(&w);
	hd_jw_arr_end(&w);
	hd_jw_null(&w);
	hd_jw_arr_end(&w);
	hd_jw_kid(&w, "c", 0);
	hd_jw_kbool(&w, "d", 1);
	hd_jw_obj_end(&w);
	assert_false(w.failed);
	assert_string_equal(w.sb.buf, "{\"a\":1,\"b\":[2,{},[],null],\"c\":null,\"d\":true}");
	hd_jw_release(&w);
}

static void strings_are_escaped_and_round_trip(void **state)
{
	const char *s = "quote\" backslash\\ nl\n cr\r tab\t bell\x07 del\x7f ünïcode </script>";
	struct hd_jw w;
	json_t *j;

	hd_jw_init(&w, 4096);
	hd_jw_obj(&w);
	hd_jw_kstr(&w, "s", s);
	hd_jw_kstr(&w, "n", NULL);
	hd_jw_obj_end(&w);
	j = json_loads(w.sb.buf, 0, NULL);
	assert_non_null(j);
	assert_string_equal(json_string_value(json_object_get(j, "s")), s);
	assert_true(json_is_null(json_object_get(j, "n")));
	assert_non_null(strstr(w.sb.buf, "\\u0007"));
	json_decref(j);
	hd_jw_release(&w);
}

static void numbers_times_and_raw(void **state)
{
	struct hd_jw w;

	hd_jw_init(&w, 4096);
	hd_jw_arr(&w);
	hd_jw_int(&w, INT64_MIN);
	hd_jw_int(&w, INT64_MAX);
	hd_jw_double(&w, -1.5);
	hd_jw_double(&w, 0.0 / 0.0);
	hd_jw_time(&w, 0);
	hd_jw_time(&w, 1795434616123);
	hd_jw_raw(&w, "{\"x\":[1]}");
	hd_jw_raw(&w, NULL);
	hd_jw_arr_end(&w);
	assert_string_equal(w.sb.buf, "[-9223372036854775808,9223372036854775807,-1.5,null,null,"
				      "\"2026-11-23T11:50:16.123Z\",{\"x\":[1]},{}]");
	hd_jw_release(&w);
}

static void overflowing_the_cap_fails_instead_of_growing(void **state)
{
	struct hd_jw w;

	hd_jw_init(&w, 16);
	hd_jw_arr(&w);
	hd_jw_str(&w, "this is longer than sixteen bytes");
	hd_jw_arr_end(&w);
	assert_true(w.failed);
	assert_true(w.sb.len < 16);
	hd_jw_release(&w);
}

static void too_deep_nesting_fails(void **state)
{
	struct hd_jw w;

	hd_jw_init(&w, 4096);
	for (int i = 0; i < HD_JW_DEPTH + 2; i++)
		hd_jw_arr(&w);
	assert_true(w.failed);
	hd_jw_release(&w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(nested_objects_and_arrays_get_commas_right),
		cmocka_unit_test(strings_are_escaped_and_round_trip),
		cmocka_unit_test(numbers_times_and_raw),
		cmocka_unit_test(overflowing_the_cap_fails_instead_of_growing),
		cmocka_unit_test(too_deep_nesting_fails),
	};
	return cmocka_run_group_tests_name("http/jsonw", tests, NULL, NULL);
}
