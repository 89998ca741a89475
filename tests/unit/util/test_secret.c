/*
 * test_secret.c — tokens, SHA-256 and password hashing (util/secret).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "util/err.h"
#include "util/secret.h"

static int setup(void **state)
{
	return hd_secret_init();
}

static int is_b64url(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '_';
}

static void token_is_prefix_and_43_base64url(void **state)
{
	char tok[HD_TOKEN_LEN + 1];

	hd_secret_token("hd_", tok, sizeof(tok));
	assert_int_equal(strlen(tok), 3 + 43);
	assert_memory_equal(tok, "hd_", 3);
	for (int i = 3; i < 46; i++)
		assert_true(is_b64url(tok[i]));
}

static void tokens_differ(void **state)
{
	char a[64], b[64];

	hd_secret_token("hd_", a, sizeof(a));
	hd_secret_token("hd_", b, sizeof(b));
	assert_string_not_equal(a, b);
}

static void token_other_prefix(void **state)
{
	char tok[64];

	hd_secret_token("x", tok, sizeof(tok));
	assert_int_equal(strlen(tok), 44);
	assert_int_equal(tok[0], 'x');
	hd_secret_token("", tok, sizeof(tok));
	assert_int_equal(strlen(tok), 43);
}

static void token_needs_room_for_prefix_43_and_nul(void **state)
{
	char tok[64];

	hd_secret_token("hd_", tok, 47);
	assert_int_equal(strlen(tok), 46);
	memset(tok, 'q', sizeof(tok));
	hd_secret_token("hd_", tok, 46);
	assert_string_equal(tok, "");
}

static void sha256_known_vectors(void **state)
{
	char hex[HD_HASH_HEX_LEN + 1];
	const char *long_in = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";

	hd_secret_sha256_hex("abc", 3, hex);
	assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	hd_secret_sha256_hex("", 0, hex);
	assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	hd_secret_sha256_hex(long_in, strlen(long_in), hex);
	assert_string_equal(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
	assert_int_equal(strlen(hex), HD_HASH_HEX_LEN);
}

static void sha256_of_binary_with_nul(void **state)
{
	char a[HD_HASH_HEX_LEN + 1], b[HD_HASH_HEX_LEN + 1];

	hd_secret_sha256_hex("a\0b", 3, a);
	hd_secret_sha256_hex("a", 1, b);
	assert_string_not_equal(a, b);
}

static void password_is_four_groups_of_five(void **state)
{
	char pw[32];

	for (int round = 0; round < 50; round++) {
		hd_secret_password(pw, 24);
		assert_int_equal(strlen(pw), 23);
		for (int i = 0; i < 23; i++) {
			if (i % 6 == 5) {
				assert_int_equal(pw[i], '-');
				continue;
			}
			assert_true(is_b64url(pw[i]) && pw[i] != '-' && pw[i] != '_');
			assert_null(strchr("0O1lI", pw[i]));
		}
	}
}

static void password_hash_verifies(void **state)
{
	char hash[HD_PWHASH_LEN];

	assert_int_equal(hd_secret_pwhash("correct horse", hash), 0);
	assert_true(strncmp(hash, "$argon2id$", 10) == 0);
	assert_true(strlen(hash) < HD_PWHASH_LEN);
	assert_int_equal(hd_secret_pwverify(hash, "correct horse"), 0);
	assert_int_equal(hd_secret_pwverify(hash, "correct horsf"), HD_EUNAUTH);
	assert_int_equal(hd_secret_pwverify(hash, ""), HD_EUNAUTH);
	assert_int_equal(hd_secret_pwverify(hash, "correct horse "), HD_EUNAUTH);
}

static void password_hash_is_salted(void **state)
{
	char a[HD_PWHASH_LEN], b[HD_PWHASH_LEN];

	assert_int_equal(hd_secret_pwhash("same", a), 0);
	assert_int_equal(hd_secret_pwhash("same", b), 0);
	assert_string_not_equal(a, b);
	assert_int_equal(hd_secret_pwverify(b, "same"), 0);
}

static void garbage_hash_never_verifies(void **state)
{
	assert_int_equal(hd_secret_pwverify("", "x"), HD_EUNAUTH);
	assert_int_equal(hd_secret_pwverify("not a hash", "not a hash"), HD_EUNAUTH);
	assert_int_equal(hd_secret_pwverify("$argon2id$v=19$m=65536,t=2,p=1$AAAA$BBBB", "x"),
			 HD_EUNAUTH);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(token_is_prefix_and_43_base64url),
		cmocka_unit_test(tokens_differ),
		cmocka_unit_test(token_other_prefix),
		cmocka_unit_test(token_needs_room_for_prefix_43_and_nul),
		cmocka_unit_test(sha256_known_vectors),
		cmocka_unit_test(sha256_of_binary_with_nul),
		cmocka_unit_test(password_is_four_groups_of_five),
		cmocka_unit_test(password_hash_verifies),
		cmocka_unit_test(password_hash_is_salted),
		cmocka_unit_test(garbage_hash_never_verifies),
	};
	return cmocka_run_group_tests_name("util/secret", tests, setup, NULL);
}
