/*
 * fuzz_signin_link.c — arbitrary bytes as a portal sign-in token (the path
 * segment of /portal/signin/<token>, the body of POST /portal/session),
 * checked under a fixed key: never a crash, and never accepted unless it
 * is exactly a token the key signed for what it names.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/signin_link.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const unsigned char key[HD_MSGID_KEYLEN] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	char tok[512], again[HD_SIGNIN_LINK_MAX];
	int64_t customer = 0, expires = 0, c2, e2;

	if (size >= sizeof(tok))
		return 0;
	memcpy(tok, data, size);
	tok[size] = '\0';
	if (!hd_signin_link_check(key, tok, &customer, &expires))
		return 0;
	/* Accepted: it must name a real customer and instant, and a token made
	 * for them must check out the same. */
	if (customer <= 0 || expires <= 0 ||
	    hd_signin_link_make(key, customer, expires, again, sizeof(again)) ||
	    !hd_signin_link_check(key, again, &c2, &e2) || c2 != customer || e2 != expires)
		abort();
	return 0;
}
