/*
 * signin_link.c — signing and checking portal sign-in tokens (see
 * signin_link.h).
 */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "util/err.h"
#include "util/signin_link.h"
#include "util/banned.h"

#define LINK_MAC_BYTES 16
#define LINK_NONCE_BYTES 8

/* "M<customer>.<expires>.<nonce>" into `out`; its length. */
static int link_signed_part(int64_t customer, int64_t expires, const char *nonce, char *out,
			    size_t outlen)
{
	return snprintf(out, outlen, "M%lld.%lld.%s", (long long)customer, (long long)expires,
			nonce);
}

static void link_mac(const unsigned char *key, const char *part, size_t len, char *hex)
{
	unsigned char mac[crypto_auth_hmacsha256_BYTES];

	crypto_auth_hmacsha256(mac, (const unsigned char *)part, len, key);
	sodium_bin2hex(hex, 2 * LINK_MAC_BYTES + 1, mac, LINK_MAC_BYTES);
}

int hd_signin_link_make(const unsigned char key[HD_MSGID_KEYLEN], int64_t customer,
			int64_t expires, char *out, size_t outlen)
{
	unsigned char nonce[LINK_NONCE_BYTES];
	char nonce_hex[2 * LINK_NONCE_BYTES + 1], part[96], mac[2 * LINK_MAC_BYTES + 1];
	int n;

	randombytes_buf(nonce, sizeof(nonce));
	sodium_bin2hex(nonce_hex, sizeof(nonce_hex), nonce, sizeof(nonce));
	n = link_signed_part(customer, expires, nonce_hex, part, sizeof(part));
	link_mac(key, part, (size_t)n, mac);
	n = snprintf(out, outlen, "%lld.%lld.%s.%s", (long long)customer, (long long)expires,
		     nonce_hex, mac);
	return n < 0 || (size_t)n >= outlen ? HD_EINVAL : 0;
}

/* A positive decimal of at most 18 digits at *p, ending in '.'. */
static int decimal(const char **p, int64_t *v)
{
	const char *d = *p;
	int64_t x = 0;

	while (*d >= '0' && *d <= '9' && d - *p < 18)
		x = x * 10 + (*d++ - '0');
	if (d == *p || *d != '.' || x <= 0)
		return 0;
	*v = x;
	*p = d + 1;
	return 1;
}

/* 1 with the customer and expiry when this key signed `token`. */
int hd_signin_link_check(const unsigned char key[HD_MSGID_KEYLEN], const char *token,
			 int64_t *customer, int64_t *expires)
{
	const char *p = token;
	char nonce[2 * LINK_NONCE_BYTES + 1], part[96], want[2 * LINK_MAC_BYTES + 1];
	int64_t c, e;
	int n;

	if (!decimal(&p, &c) || !decimal(&p, &e))
		return 0;
	if (strspn(p, "0123456789abcdef") != 2 * LINK_NONCE_BYTES || p[2 * LINK_NONCE_BYTES] != '.')
		return 0;
	memcpy(nonce, p, 2 * LINK_NONCE_BYTES);
	nonce[2 * LINK_NONCE_BYTES] = '\0';
	p += 2 * LINK_NONCE_BYTES + 1;
	if (strlen(p) != 2 * LINK_MAC_BYTES)
		return 0;
	n = link_signed_part(c, e, nonce, part, sizeof(part));
	link_mac(key, part, (size_t)n, want);
	if (sodium_memcmp(want, p, 2 * LINK_MAC_BYTES) != 0)
		return 0;
	*customer = c;
	*expires = e;
	return 1;
}
