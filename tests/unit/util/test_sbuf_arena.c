/*
 * test_sbuf_arena.c — the two memory containers (util/sbuf, util/arena):
 * caps that refuse instead of growing, unchanged buffers after a refusal,
 * ownership on detach, alignment and zeroing in the arena.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "util/arena.h"
#include "util/err.h"
#include "util/sbuf.h"

/* ---- sbuf -------------------------------------------------------------- */

static void sbuf_starts_empty_and_terminated(void **state)
{
	struct hd_sbuf sb;

	hd_sbuf_init(&sb, 100);
	assert_non_null(sb.buf);
	assert_string_equal(sb.buf, "");
	assert_int_equal(sb.len, 0);
	hd_sbuf_release(&sb);
	assert_non_null(sb.buf);
	assert_int_equal(sb.len, 0);
	assert_int_equal(sb.max, 100);
}

static void sbuf_appends_bytes_strings_and_formats(void **state)
{
	struct hd_sbuf sb;

	hd_sbuf_init(&sb, 1000);
	assert_int_equal(hd_sbuf_add(&sb, "abcdef", 3), 0);
	assert_int_equal(hd_sbuf_adds(&sb, "-"), 0);
	assert_int_equal(hd_sbuf_addf(&sb, "%d/%s/%05.1f", 42, "x", 2.25), 0);
	assert_string_equal(sb.buf, "abc-42/x/002.2");
	assert_int_equal(sb.len, strlen(sb.buf));
	assert_int_equal(hd_sbuf_add(&sb, "", 0), 0);
	assert_int_equal(hd_sbuf_addf(&sb, "%s", ""), 0);
	assert_int_equal(sb.len, 14);
	hd_sbuf_release(&sb);
}

static void sbuf_keeps_embedded_nul_bytes(void **state)
{
	struct hd_sbuf sb;

	hd_sbuf_init(&sb, 100);
	assert_int_equal(hd_sbuf_add(&sb, "a\0b", 3), 0);
	assert_int_equal(sb.len, 3);
	assert_memory_equal(sb.buf, "a\0b", 4);
	hd_sbuf_release(&sb);
}

static void sbuf_grows_across_many_appends(void **state)
{
	struct hd_sbuf sb;

	hd_sbuf_init(&sb, 1 << 20);
	for (int i = 0; i < 10000; i++)
		assert_int_equal(hd_sbuf_addf(&sb, "%04d", i % 10000), 0);
	assert_int_equal(sb.len, 40000);
	assert_memory_equal(sb.buf + 39996, "9999", 5);
	assert_true(sb.cap <= sb.max);
	hd_sbuf_release(&sb);
}

static void sbuf_max_includes_the_nul(void **state)
{
	struct hd_sbuf sb;

	hd_sbuf_init(&sb, 8);
	assert_int_equal(hd_sbuf_adds(&sb, "1234567"), 0); /* 7 + NUL = 8 */
	assert_int_equal(hd_sbuf_add(&sb, "", 0), 0);
	assert_int_equal(hd_sbuf_adds(&sb, "8"), HD_ETOOBIG);
	assert_string_equal(sb.buf, "1234567");
	assert_true(sb.cap <= 8);
	hd_sbuf_release(&sb);
}

static void sbuf_refused_append_leaves_buffer_unchanged(void **state)
{
	struct hd_sbuf sb;
	char big[200];

	memset(big, 'z', sizeof(big));
	hd_sbuf_init(&sb, 100);
	assert_int_equal(hd_sbuf_adds(&sb, "keep me"), 0);
	assert_int_equal(hd_sbuf_add(&sb, big, sizeof(big)), HD_ETOOBIG);
	assert_string_equal(sb.buf, "keep me");
	assert_int_equal(sb.len, 7);
	assert_int_equal(hd_sbuf_addf(&sb, "%0150d", 1), HD_ETOOBIG);
	assert_string_equal(sb.buf, "keep me");
	assert_int_equal(sb.len, 7);
	assert_int_equal(hd_sbuf_add(&sb, big, 92), 0); /* 7 + 92 + NUL = 100 */
	assert_int_equal(sb.len, 99);
	assert_int_equal(hd_sbuf_addf(&sb, "x"), HD_ETOOBIG);
	assert_int_equal(sb.len, 99);
	assert_int_equal(sb.buf[99], '\0');
	hd_sbuf_release(&sb);
}

static void sbuf_size_overflow_is_refused(void **state)
{
	struct hd_sbuf sb;

	hd_sbuf_init(&sb, SIZE_MAX);
	assert_int_equal(hd_sbuf_adds(&sb, "ab"), 0);
	assert_int_equal(hd_sbuf_add(&sb, "x", SIZE_MAX - 1), HD_ETOOBIG);
	assert_int_equal(hd_sbuf_add(&sb, "x", SIZE_MAX), HD_ETOOBIG);
	assert_string_equal(sb.buf, "ab");
	hd_sbuf_release(&sb);
}

static void sbuf_max_of_one_holds_only_the_nul(void **state)
{
	struct hd_sbuf sb;

	hd_sbuf_init(&sb, 1);
	assert_int_equal(hd_sbuf_add(&sb, "", 0), 0);
	assert_int_equal(hd_sbuf_adds(&sb, "a"), HD_ETOOBIG);
	assert_string_equal(sb.buf, "");
	hd_sbuf_release(&sb);
}

static void sbuf_detach_hands_over_ownership(void **state)
{
	struct hd_sbuf sb;
	size_t len = 99;
	char *p;

	hd_sbuf_init(&sb, 100);
	assert_int_equal(hd_sbuf_adds(&sb, "hello"), 0);
	p = hd_sbuf_detach(&sb, &len);
	assert_string_equal(p, "hello");
	assert_int_equal(len, 5);
	/* the buffer is empty again and usable */
	assert_string_equal(sb.buf, "");
	assert_int_equal(sb.len, 0);
	assert_int_equal(sb.max, 100);
	assert_int_equal(hd_sbuf_adds(&sb, "again"), 0);
	assert_string_equal(sb.buf, "again");
	assert_string_equal(p, "hello");
	free(p); /* the caller owns it (ASan would see a double free) */
	hd_sbuf_release(&sb);
}

static void sbuf_detach_of_empty_is_a_fresh_string(void **state)
{
	struct hd_sbuf sb;
	size_t len = 99;
	char *p, *q;

	hd_sbuf_init(&sb, 100);
	p = hd_sbuf_detach(&sb, &len);
	assert_non_null(p);
	assert_string_equal(p, "");
	assert_int_equal(len, 0);
	q = hd_sbuf_detach(&sb, NULL);
	assert_non_null(q);
	assert_ptr_not_equal(p, q);
	free(p);
	free(q);
}

static void sbuf_reset_keeps_storage(void **state)
{
	struct hd_sbuf sb;
	char *before;

	hd_sbuf_init(&sb, 1000);
	hd_sbuf_reset(&sb); /* on the shared empty string: still fine */
	assert_string_equal(sb.buf, "");
	assert_int_equal(hd_sbuf_adds(&sb, "some text"), 0);
	before = sb.buf;
	hd_sbuf_reset(&sb);
	assert_string_equal(sb.buf, "");
	assert_int_equal(sb.len, 0);
	assert_ptr_equal(sb.buf, before);
	assert_int_equal(hd_sbuf_adds(&sb, "new"), 0);
	assert_string_equal(sb.buf, "new");
	hd_sbuf_release(&sb);
}

/* ---- arena ------------------------------------------------------------- */

static void arena_memory_is_zeroed_and_aligned(void **state)
{
	struct hd_arena a;

	hd_arena_init(&a, 1 << 20);
	for (size_t n = 1; n < 300; n += 7) {
		unsigned char *p = hd_arena_alloc(&a, n);

		assert_non_null(p);
		assert_int_equal((uintptr_t)p % _Alignof(max_align_t), 0);
		for (size_t i = 0; i < n; i++)
			assert_int_equal(p[i], 0);
		memset(p, 0xab, n);
	}
	hd_arena_release(&a);
}

static void arena_reuse_after_release_is_zeroed(void **state)
{
	struct hd_arena a;
	unsigned char *p;

	hd_arena_init(&a, 1 << 20);
	p = hd_arena_alloc(&a, 64);
	memset(p, 0xff, 64);
	hd_arena_release(&a);
	assert_null(a.head);
	assert_int_equal(a.used, 0);
	p = hd_arena_alloc(&a, 64);
	assert_non_null(p);
	for (int i = 0; i < 64; i++)
		assert_int_equal(p[i], 0);
	hd_arena_release(&a);
}

static void arena_allocations_do_not_overlap(void **state)
{
	struct hd_arena a;
	unsigned char *ptrs[200];

	hd_arena_init(&a, 16 << 20);
	for (int i = 0; i < 200; i++) {
		ptrs[i] = hd_arena_alloc(&a, 1000);
		assert_non_null(ptrs[i]);
		memset(ptrs[i], i, 1000);
	}
	for (int i = 0; i < 200; i++)
		for (int j = 0; j < 1000; j += 111)
			assert_int_equal(ptrs[i][j], (unsigned char)i);
	hd_arena_release(&a);
}

static void arena_big_allocation_gets_its_own_chunk(void **state)
{
	struct hd_arena a;
	unsigned char *p;

	hd_arena_init(&a, 64 << 20);
	p = hd_arena_alloc(&a, 3 << 20);
	assert_non_null(p);
	p[0] = 1;
	p[(3 << 20) - 1] = 2;
	assert_non_null(hd_arena_alloc(&a, 16));
	hd_arena_release(&a);
}

static void arena_refuses_past_its_cap(void **state)
{
	struct hd_arena a;
	size_t got = 0;

	hd_arena_init(&a, 64 * 1024);
	assert_null(hd_arena_alloc(&a, 64 * 1024));
	assert_null(hd_arena_alloc(&a, 1 << 20));
	while (hd_arena_alloc(&a, 512))
		got += 512;
	assert_true(got > 0);
	assert_true(got <= 64 * 1024);
	assert_true(a.used <= a.max);
	/* still refusing; still releasable */
	assert_null(hd_arena_alloc(&a, 4096));
	hd_arena_release(&a);
}

static void arena_huge_requests_are_refused_without_overflow(void **state)
{
	struct hd_arena a;

	hd_arena_init(&a, 1 << 20);
	assert_null(hd_arena_alloc(&a, SIZE_MAX));
	assert_null(hd_arena_alloc(&a, SIZE_MAX - 8));
	assert_null(hd_arena_strndup(&a, "x", SIZE_MAX));
	/* with a chunk already in use, used + size must not wrap past the cap */
	assert_non_null(hd_arena_alloc(&a, 16));
	assert_null(hd_arena_alloc(&a, SIZE_MAX - 4096));
	assert_null(hd_arena_alloc(&a, SIZE_MAX / 2));
	assert_true(a.used <= a.max);
	hd_arena_release(&a);
}

static void arena_strndup_and_strdup(void **state)
{
	struct hd_arena a;
	char *s;

	hd_arena_init(&a, 1 << 20);
	s = hd_arena_strndup(&a, "hello world", 5);
	assert_string_equal(s, "hello");
	s = hd_arena_strndup(&a, "", 0);
	assert_non_null(s);
	assert_string_equal(s, "");
	s = hd_arena_strndup(&a, "a\0b", 3);
	assert_memory_equal(s, "a\0b", 4);
	s = hd_arena_strdup(&a, "copy");
	assert_string_equal(s, "copy");
	assert_null(hd_arena_strdup(&a, NULL));
	hd_arena_release(&a);
}

static void arena_printf(void **state)
{
	struct hd_arena a;
	char *s;
	char big[5000];

	hd_arena_init(&a, 1 << 20);
	s = hd_arena_printf(&a, "#%lld: %s", 42LL, "subject");
	assert_string_equal(s, "#42: subject");
	s = hd_arena_printf(&a, "%s", "");
	assert_string_equal(s, "");
	memset(big, 'q', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	s = hd_arena_printf(&a, "<%s>", big);
	assert_int_equal(strlen(s), sizeof(big) + 1);
	assert_int_equal(s[0], '<');
	assert_int_equal(s[sizeof(big)], '>');
	hd_arena_release(&a);
}

static void arena_printf_and_strdup_respect_cap(void **state)
{
	struct hd_arena a;
	char big[9000];

	memset(big, 'q', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	hd_arena_init(&a, 8192);
	assert_null(hd_arena_printf(&a, "%s", big));
	assert_null(hd_arena_strdup(&a, big));
	assert_non_null(hd_arena_strdup(&a, "small"));
	hd_arena_release(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sbuf_starts_empty_and_terminated),
		cmocka_unit_test(sbuf_appends_bytes_strings_and_formats),
		cmocka_unit_test(sbuf_keeps_embedded_nul_bytes),
		cmocka_unit_test(sbuf_grows_across_many_appends),
		cmocka_unit_test(sbuf_max_includes_the_nul),
		cmocka_unit_test(sbuf_refused_append_leaves_buffer_unchanged),
		cmocka_unit_test(sbuf_size_overflow_is_refused),
		cmocka_unit_test(sbuf_max_of_one_holds_only_the_nul),
		cmocka_unit_test(sbuf_detach_hands_over_ownership),
		cmocka_unit_test(sbuf_detach_of_empty_is_a_fresh_string),
		cmocka_unit_test(sbuf_reset_keeps_storage),
		cmocka_unit_test(arena_memory_is_zeroed_and_aligned),
		cmocka_unit_test(arena_reuse_after_release_is_zeroed),
		cmocka_unit_test(arena_allocations_do_not_overlap),
		cmocka_unit_test(arena_big_allocation_gets_its_own_chunk),
		cmocka_unit_test(arena_refuses_past_its_cap),
		cmocka_unit_test(arena_strndup_and_strdup),
		cmocka_unit_test(arena_printf),
		cmocka_unit_test(arena_printf_and_strdup_respect_cap),
		/* last: a sanitizer abort here must not hide the others */
		cmocka_unit_test(arena_huge_requests_are_refused_without_overflow),
	};
	return cmocka_run_group_tests_name("util/sbuf_arena", tests, NULL, NULL);
}
