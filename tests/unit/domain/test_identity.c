/*
 * test_identity.c — validation and normalisation of customer identities
 * (domain/identity): e-mail, phone and handle.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "domain/identity.h"

/* Normalise and return the result code; `out` gets the canonical value. */
static int norm(enum hd_idkind kind, const char *in, char *out, struct hd_err *err)
{
	hd_err_clear(err);
	memset(out, 0x55, HD_IDENTITY_MAX);
	return hd_identity_normalize(kind, in, out, "value", err);
}

static void expect_ok(enum hd_idkind kind, const char *in, const char *want)
{
	char out[HD_IDENTITY_MAX];
	struct hd_err err;

	assert_int_equal(norm(kind, in, out, &err), 0);
	assert_string_equal(out, want);
	assert_int_equal(err.code, 0);
}

static void expect_bad(enum hd_idkind kind, const char *in)
{
	char out[HD_IDENTITY_MAX];
	struct hd_err err;

	assert_int_equal(norm(kind, in, out, &err), HD_EINVAL);
	assert_int_equal(err.code, HD_EINVAL);
	assert_string_equal(err.field, "value");
	assert_true(err.msg[0] != '\0');
}

/* ---- e-mail ------------------------------------------------------------ */

static void email_is_lower_cased_and_trimmed(void **state)
{
	expect_ok(HD_IDKIND_EMAIL, "Ada@Example.COM", "ada@example.com");
	expect_ok(HD_IDKIND_EMAIL, "  ada@example.com\t\r\n", "ada@example.com");
	expect_ok(HD_IDKIND_EMAIL, "a@b", "a@b");
	expect_ok(HD_IDKIND_EMAIL, "first.last+tag@sub.example.org", "first.last+tag@sub.example.org");
}

static void email_needs_exactly_one_at_between_parts(void **state)
{
	expect_bad(HD_IDKIND_EMAIL, "");
	expect_bad(HD_IDKIND_EMAIL, "   ");
	expect_bad(HD_IDKIND_EMAIL, "ada");
	expect_bad(HD_IDKIND_EMAIL, "@example.com");
	expect_bad(HD_IDKIND_EMAIL, "ada@");
	expect_bad(HD_IDKIND_EMAIL, "ada@@example.com");
	expect_bad(HD_IDKIND_EMAIL, "a@b@c");
}

static void email_refuses_spaces_quotes_brackets_controls(void **state)
{
	expect_bad(HD_IDKIND_EMAIL, "ada lovelace@example.com");
	expect_bad(HD_IDKIND_EMAIL, "\"ada\"@example.com");
	expect_bad(HD_IDKIND_EMAIL, "<ada@example.com>");
	expect_bad(HD_IDKIND_EMAIL, "ada@example.com, bob@example.com");
	expect_bad(HD_IDKIND_EMAIL, "ada@exa\x01mple.com");
	expect_bad(HD_IDKIND_EMAIL, "ada@example.com\x7f");
	expect_bad(HD_IDKIND_EMAIL, "ada\\@example.com");
	expect_bad(HD_IDKIND_EMAIL, "ada(x)@example.com");
	expect_bad(HD_IDKIND_EMAIL, "ada;@example.com");
}

static void email_domain_must_be_well_formed(void **state)
{
	expect_bad(HD_IDKIND_EMAIL, "ada@.example.com");
	expect_bad(HD_IDKIND_EMAIL, "ada@example.com.");
	expect_bad(HD_IDKIND_EMAIL, "ada@example..com");
}

static void email_length_limit_is_254(void **state)
{
	char in[300], out[HD_IDENTITY_MAX];
	struct hd_err err;

	/* 254 bytes: local part of 64 + '@' + domain of 189 */
	memset(in, 'a', 64);
	in[64] = '@';
	memset(in + 65, 'b', 189);
	in[254] = '\0';
	assert_int_equal(norm(HD_IDKIND_EMAIL, in, out, &err), 0);
	assert_int_equal(strlen(out), 254);
	/* 255 bytes */
	memset(in + 65, 'b', 190);
	in[255] = '\0';
	assert_int_equal(norm(HD_IDKIND_EMAIL, in, out, &err), HD_EINVAL);
	/* far over the buffer size must not write past `out` (ASan checks) */
	memset(in, 'a', 298);
	in[10] = '@';
	in[299] = '\0';
	assert_int_equal(norm(HD_IDKIND_EMAIL, in, out, &err), HD_EINVAL);
}

static void email_trim_is_not_counted_in_length(void **state)
{
	char in[300], out[HD_IDENTITY_MAX];
	struct hd_err err;

	/* 254 meaningful bytes surrounded by spaces: still fine */
	memset(in, ' ', 20);
	memset(in + 20, 'a', 64);
	in[84] = '@';
	memset(in + 85, 'b', 189);
	memset(in + 274, ' ', 20);
	in[294] = '\0';
	assert_int_equal(norm(HD_IDKIND_EMAIL, in, out, &err), 0);
	assert_int_equal(strlen(out), 254);
	assert_int_equal(out[0], 'a');
}

static void email_keeps_non_ascii_bytes(void **state)
{
	expect_ok(HD_IDKIND_EMAIL, "J\xc3\xbcrgen@B\xc3\xa4r.de", "j\xc3\xbcrgen@b\xc3\xa4r.de");
}

/* ---- phone ------------------------------------------------------------- */

static void phone_drops_separators_and_keeps_plus(void **state)
{
	expect_ok(HD_IDKIND_PHONE, "+49 (30) 123-45.67", "+49301234567");
	expect_ok(HD_IDKIND_PHONE, "030 1234567", "0301234567");
	expect_ok(HD_IDKIND_PHONE, "  +1 555 0100  ", "+15550100");
	expect_ok(HD_IDKIND_PHONE, "12345", "12345");
}

static void phone_digit_count_is_5_to_20(void **state)
{
	expect_bad(HD_IDKIND_PHONE, "1234");
	expect_bad(HD_IDKIND_PHONE, "+1 2-3 4");
	expect_ok(HD_IDKIND_PHONE, "12345678901234567890", "12345678901234567890");
	expect_ok(HD_IDKIND_PHONE, "+12345678901234567890", "+12345678901234567890");
	expect_bad(HD_IDKIND_PHONE, "123456789012345678901");
	expect_bad(HD_IDKIND_PHONE, "");
	expect_bad(HD_IDKIND_PHONE, "+");
	expect_bad(HD_IDKIND_PHONE, "(--) ..");
}

static void phone_refuses_letters_and_inner_plus(void **state)
{
	expect_bad(HD_IDKIND_PHONE, "555-CALL-NOW");
	expect_bad(HD_IDKIND_PHONE, "123+4567");
	expect_bad(HD_IDKIND_PHONE, "++1234567");
	expect_bad(HD_IDKIND_PHONE, "12345x67");
	expect_bad(HD_IDKIND_PHONE, "12345\n67");
}

static void phone_very_long_input_is_refused_safely(void **state)
{
	char in[400];

	memset(in, '1', sizeof(in) - 1);
	in[sizeof(in) - 1] = '\0';
	expect_bad(HD_IDKIND_PHONE, in);
	/* many separators and few digits: under HD_IDENTITY_MAX after trimming? no */
	memset(in, '-', 250);
	memcpy(in + 250, "12345", 6);
	expect_ok(HD_IDKIND_PHONE, in, "12345");
}

/* ---- handle ------------------------------------------------------------ */

static void handle_is_trimmed_and_lower_cased(void **state)
{
	expect_ok(HD_IDKIND_HANDLE, "  Twitter:@Acme ", "twitter:@acme");
	expect_ok(HD_IDKIND_HANDLE, "x", "x");
	expect_ok(HD_IDKIND_HANDLE, "with inner space", "with inner space");
}

static void handle_length_is_1_to_200(void **state)
{
	char in[260], want[260];

	expect_bad(HD_IDKIND_HANDLE, "");
	expect_bad(HD_IDKIND_HANDLE, " \t ");
	memset(in, 'H', 200);
	in[200] = '\0';
	memset(want, 'h', 200);
	want[200] = '\0';
	expect_ok(HD_IDKIND_HANDLE, in, want);
	memset(in, 'h', 201);
	in[201] = '\0';
	expect_bad(HD_IDKIND_HANDLE, in);
	memset(in, 'h', 259);
	in[259] = '\0';
	expect_bad(HD_IDKIND_HANDLE, in);
}

static void handle_refuses_control_characters(void **state)
{
	expect_bad(HD_IDKIND_HANDLE, "slack:\x01user");
	expect_bad(HD_IDKIND_HANDLE, "slack:us\ter");
	expect_bad(HD_IDKIND_HANDLE, "slack:user\x7f");
	expect_bad(HD_IDKIND_HANDLE, "slack:\nuser");
}

static void unknown_kind_is_refused(void **state)
{
	expect_bad((enum hd_idkind)HD_IDKIND__COUNT, "ada@example.com");
}

static void null_err_is_allowed(void **state)
{
	char out[HD_IDENTITY_MAX];

	assert_int_equal(hd_identity_normalize(HD_IDKIND_EMAIL, "bad", out, "email", NULL),
			 HD_EINVAL);
	assert_int_equal(hd_identity_normalize(HD_IDKIND_EMAIL, "A@B.C", out, "email", NULL), 0);
	assert_string_equal(out, "a@b.c");
}

static void err_names_the_given_field(void **state)
{
	char out[HD_IDENTITY_MAX];
	struct hd_err err = { 0 };

	assert_int_equal(hd_identity_normalize(HD_IDKIND_PHONE, "abc", out, "requester.phone", &err),
			 HD_EINVAL);
	assert_string_equal(err.field, "requester.phone");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(email_is_lower_cased_and_trimmed),
		cmocka_unit_test(email_needs_exactly_one_at_between_parts),
		cmocka_unit_test(email_refuses_spaces_quotes_brackets_controls),
		cmocka_unit_test(email_domain_must_be_well_formed),
		cmocka_unit_test(email_length_limit_is_254),
		cmocka_unit_test(email_trim_is_not_counted_in_length),
		cmocka_unit_test(email_keeps_non_ascii_bytes),
		cmocka_unit_test(phone_drops_separators_and_keeps_plus),
		cmocka_unit_test(phone_digit_count_is_5_to_20),
		cmocka_unit_test(phone_refuses_letters_and_inner_plus),
		cmocka_unit_test(phone_very_long_input_is_refused_safely),
		cmocka_unit_test(handle_is_trimmed_and_lower_cased),
		cmocka_unit_test(handle_length_is_1_to_200),
		cmocka_unit_test(handle_refuses_control_characters),
		cmocka_unit_test(unknown_kind_is_refused),
		cmocka_unit_test(null_err_is_allowed),
		cmocka_unit_test(err_names_the_given_field),
	};
	return cmocka_run_group_tests_name("domain/identity", tests, NULL, NULL);
}
