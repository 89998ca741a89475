/*
 * test_search_query.c — user text to FTS5 expression (domain/search_query).
 *
 * Outputs are checked byte for byte, and every output is also run through a
 * real FTS5 MATCH in an in-memory SQLite database: whatever a person types,
 * the expression must never be an FTS5 syntax error.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "domain/search_query.h"

static sqlite3 *db;

static int db_setup(void **state)
{
	static const char *const docs[] = {
		"hello world",        "the printer is broken", "printing invoices",
		"M\xc3\xbcller GmbH", "refund NEAR the end",   "title: colon here",
		"snake_case_word",    "hello there",
	};
	sqlite3_stmt *st;

	if (sqlite3_open(":memory:", &db) != SQLITE_OK)
		return -1;
	if (sqlite3_exec(db, "CREATE VIRTUAL TABLE t USING fts5(body)", NULL, NULL, NULL))
		return -1;
	if (sqlite3_prepare_v2(db, "INSERT INTO t(body) VALUES (?)", -1, &st, NULL))
		return -1;
	for (size_t i = 0; i < sizeof(docs) / sizeof(*docs); i++) {
		sqlite3_bind_text(st, 1, docs[i], -1, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_DONE)
			return -1;
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	return 0;
}

static int db_teardown(void **state)
{
	sqlite3_close(db);
	return 0;
}

/* Run `expr` through FTS5; returns the number of matching rows or -1 on an
 * FTS5 error (printed). */
static int fts_count(const char *expr)
{
	sqlite3_stmt *st;
	int n = 0, rc;

	if (sqlite3_prepare_v2(db, "SELECT rowid FROM t WHERE t MATCH ?", -1, &st, NULL))
		return -1;
	sqlite3_bind_text(st, 1, expr, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		n++;
	if (rc != SQLITE_DONE) {
		print_error("FTS5 refused %s: %s\n", expr, sqlite3_errmsg(db));
		n = -1;
	}
	sqlite3_finalize(st);
	return n;
}

/* Build `q`, check the result is exactly `want`, and that FTS5 accepts it
 * and finds `rows` rows (-2: do not check the count). */
static void expect(const char *q, const char *want, int rows)
{
	struct hd_sbuf out;
	struct hd_err err = { 0 };
	int n;

	hd_sbuf_init(&out, 4096);
	assert_int_equal(hd_search_query_build(q, &out, &err), 0);
	assert_string_equal(out.buf, want);
	n = fts_count(out.buf);
	assert_true(n >= 0);
	if (rows != -2)
		assert_int_equal(n, rows);
	hd_sbuf_release(&out);
}

static void expect_none(const char *q)
{
	struct hd_sbuf out;
	struct hd_err err = { 0 };

	hd_sbuf_init(&out, 4096);
	assert_int_equal(hd_search_query_build(q, &out, &err), HD_EINVAL);
	assert_int_equal(err.code, HD_EINVAL);
	assert_string_equal(err.field, "q");
	hd_sbuf_release(&out);
}

static void single_word_is_quoted(void **state)
{
	expect("hello", "\"hello\"", 2);
	expect("  hello  ", "\"hello\"", 2);
}

static void words_are_anded(void **state)
{
	expect("hello world", "\"hello\" \"world\"", 1);
	expect("world hello", "\"world\" \"hello\"", 1);
	expect("hello nosuchword", "\"hello\" \"nosuchword\"", 0);
}

static void quoted_text_is_a_phrase(void **state)
{
	expect("\"hello world\"", "\"hello world\"", 1);
	expect("\"world hello\"", "\"world hello\"", 0);
	expect("\"printer   is, broken!\"", "\"printer is broken\"", 1);
}

static void unterminated_quote_runs_to_the_end(void **state)
{
	expect("\"hello world", "\"hello world\"", 1);
	expect("printer \"is broken", "\"printer\" \"is broken\"", 1);
	expect("foo\"bar", "\"foo\" \"bar\"", 0);
}

static void trailing_star_is_a_prefix(void **state)
{
	expect("print*", "\"print\"*", 2);
	expect("hel* wor*", "\"hel\"* \"wor\"*", 1);
	expect("print* broken", "\"print\"* \"broken\"", 1);
	/* a star inside or before a word is only a separator */
	expect("*print", "\"print\"", 0);
	expect("pri*nter", "\"pri\"* \"nter\"", 0);
	/* a star after a phrase does not make it a prefix */
	expect("\"hel wor\"*", "\"hel wor\"", 0);
	expect("\"print*\"", "\"print\"", 0);
}

static void fts5_operators_are_plain_words(void **state)
{
	expect("refund NEAR end", "\"refund\" \"NEAR\" \"end\"", 1);
	expect("NEAR(refund end)", "\"NEAR\" \"refund\" \"end\"", 1);
	expect("hello AND world", "\"hello\" \"AND\" \"world\"", 0);
	expect("hello OR printer", "\"hello\" \"OR\" \"printer\"", 0);
	expect("NOT hello", "\"NOT\" \"hello\"", 0);
	expect("title:colon", "\"title\" \"colon\"", 1);
	expect("body:hello", "\"body\" \"hello\"", 0);
	expect("^hello", "\"hello\"", 2);
	expect("-hello +world", "\"hello\" \"world\"", 1);
	expect("{body}: hello", "\"body\" \"hello\"", 0);
}

static void quotes_inside_words_cannot_escape(void **state)
{
	expect("a\"\"b", "\"a\" \"b\"", -2);
	expect("\"\"\"hello\"\"\"", "\"hello\"", 2);
	expect("'hello'", "\"hello\"", 2);
	expect("hello\\\"world", "\"hello\" \"world\"", -2);
}

static void utf8_words_stay_whole(void **state)
{
	expect("M\xc3\xbcller", "\"M\xc3\xbcller\"", 1);
	expect("m\xc3\xbcl*", "\"m\xc3\xbcl\"*", 1);
}

static void underscore_is_a_word_byte(void **state)
{
	expect("snake_case_word", "\"snake_case_word\"", 1);
	expect("_", "\"_\"", -2);
	expect("__*", "\"__\"*", -2);
}

static void nothing_searchable_is_invalid(void **state)
{
	expect_none("");
	expect_none("   ");
	expect_none("*");
	expect_none("\"\"");
	expect_none("\"");
	expect_none("!@#$%^&*()-+=:;,.<>?/\\|{}[]~`'");
	expect_none("\" ! \"");
}

static void at_most_sixteen_terms(void **state)
{
	struct hd_sbuf out;
	char q[512] = "";
	size_t o = 0;
	int quotes = 0;

	for (int i = 0; i < 20; i++)
		o += (size_t)snprintf(q + o, sizeof(q) - o, "w%d ", i);
	hd_sbuf_init(&out, 4096);
	assert_int_equal(hd_search_query_build(q, &out, NULL), 0);
	for (const char *p = out.buf; *p; p++)
		quotes += *p == '"';
	assert_int_equal(quotes, 2 * HD_SEARCH_MAX_TERMS);
	assert_non_null(strstr(out.buf, "\"w15\""));
	assert_null(strstr(out.buf, "\"w16\""));
	assert_true(fts_count(out.buf) >= 0);
	hd_sbuf_release(&out);
}

static void phrase_counts_as_one_term(void **state)
{
	struct hd_sbuf out;
	char q[512] = "\"a b c d e f g h i j k l m n o p q r s t\" ";
	size_t o = strlen(q);

	for (int i = 0; i < 20; i++)
		o += (size_t)snprintf(q + o, sizeof(q) - o, "w%d ", i);
	hd_sbuf_init(&out, 4096);
	assert_int_equal(hd_search_query_build(q, &out, NULL), 0);
	assert_non_null(strstr(out.buf, "\"a b c d e f g h i j k l m n o p q r s t\""));
	assert_non_null(strstr(out.buf, "\"w14\""));
	assert_null(strstr(out.buf, "\"w15\""));
	assert_true(fts_count(out.buf) >= 0);
	hd_sbuf_release(&out);
}

static void appends_to_existing_buffer(void **state)
{
	struct hd_sbuf out;

	hd_sbuf_init(&out, 4096);
	assert_int_equal(hd_sbuf_adds(&out, "X:"), 0);
	assert_int_equal(hd_search_query_build("ab cd", &out, NULL), 0);
	assert_string_equal(out.buf, "X:\"ab\" \"cd\"");
	hd_sbuf_release(&out);
}

static void full_buffer_is_too_big(void **state)
{
	struct hd_sbuf out;
	struct hd_err err = { 0 };

	hd_sbuf_init(&out, 8);
	assert_int_equal(hd_search_query_build("hello world again", &out, &err), HD_ETOOBIG);
	assert_int_equal(err.code, HD_ETOOBIG);
	assert_string_equal(err.field, "q");
	assert_true(out.len < 8);
	hd_sbuf_release(&out);
}

/* Random mixes of FTS5-significant bytes: every accepted output must be a
 * valid FTS5 expression. */
static void random_input_always_valid_fts5(void **state)
{
	static const char alphabet[] = "ab \"*:^()-+{}[]NEAR,.\\'\t_\xc3\xa9/AND OR NOT 0";
	uint32_t seed = 12345;

	for (int round = 0; round < 3000; round++) {
		char q[40];
		size_t len;
		struct hd_sbuf out;
		int rc;

		seed = seed * 1103515245u + 12345u;
		len = (seed >> 16) % (sizeof(q) - 1);
		for (size_t i = 0; i < len; i++) {
			seed = seed * 1103515245u + 12345u;
			q[i] = alphabet[(seed >> 16) % (sizeof(alphabet) - 1)];
		}
		q[len] = '\0';
		hd_sbuf_init(&out, 4096);
		rc = hd_search_query_build(q, &out, NULL);
		assert_true(rc == 0 || rc == HD_EINVAL);
		if (rc == 0) {
			if (fts_count(out.buf) < 0)
				fail_msg("input [%s] gave invalid FTS5 [%s]", q, out.buf);
		} else {
			assert_int_equal(out.len, 0);
		}
		hd_sbuf_release(&out);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(single_word_is_quoted),
		cmocka_unit_test(words_are_anded),
		cmocka_unit_test(quoted_text_is_a_phrase),
		cmocka_unit_test(unterminated_quote_runs_to_the_end),
		cmocka_unit_test(trailing_star_is_a_prefix),
		cmocka_unit_test(fts5_operators_are_plain_words),
		cmocka_unit_test(quotes_inside_words_cannot_escape),
		cmocka_unit_test(utf8_words_stay_whole),
		cmocka_unit_test(underscore_is_a_word_byte),
		cmocka_unit_test(nothing_searchable_is_invalid),
		cmocka_unit_test(at_most_sixteen_terms),
		cmocka_unit_test(phrase_counts_as_one_term),
		cmocka_unit_test(appends_to_existing_buffer),
		cmocka_unit_test(full_buffer_is_too_big),
		cmocka_unit_test(random_input_always_valid_fts5),
	};
	return cmocka_run_group_tests_name("domain/search_query", tests, db_setup, db_teardown);
}
