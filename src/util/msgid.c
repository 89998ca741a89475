/*
 * msgid.c — signing and checking heed's Message-IDs (see msgid.h).
 */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "util/err.h"
#include "util/msgid.h"
#include "util/banned.h"

#define MAC_BYTES 10 /* 80 bits: forging one takes 2^80 tries */
#define NONCE_BYTES 8

/* The MAC of `what[0..len)` as lower-case hex into `hex` (2*MAC_BYTES+1). */
static void mac_hex(const unsigned char key[HD_MSGID_KEYLEN], const char *what, size_t len,
		    char *hex)
{
	unsigned char mac[crypto_auth_hmacsha256_BYTES];

	crypto_auth_hmacsha256(mac, (const unsigned char *)what, len, key);
	sodium_bin2hex(hex, 2 * MAC_BYTES + 1, mac, MAC_BYTES);
}

int hd_msgid_make(const unsigned char key[HD_MSGID_KEYLEN], int64_t ticket, const char *domain,
		  char *out, size_t outlen)
{
	unsigned char nonce[NONCE_BYTES];
	char signed_part[64], nonce_hex[2 * NONCE_BYTES + 1], mac[2 * MAC_BYTES + 1];
	int n;

	randombytes_buf(nonce, sizeof(nonce));
	sodium_bin2hex(nonce_hex, sizeof(nonce_hex), nonce, sizeof(nonce));
	n = snprintf(signed_part, sizeof(signed_part), "T%lld.%s", (long long)ticket, nonce_hex);
	mac_hex(key, signed_part, (size_t)n, mac);
	n = snprintf(out, outlen, "<heed.%s.%s@%s>", signed_part, mac, domain);
	return n < 0 || (size_t)n >= outlen ? HD_EINVAL : 0;
}

int hd_msgid_ticket(const unsigned char key[HD_MSGID_KEYLEN], const char *id, int64_t *ticket)
{
	const char *p = id, *dot, *at;
	char want[2 * MAC_BYTES + 1];
	long long t = 0;
	size_t len;

	if (*p == '<')
		p++;
	if (strncmp(p, "heed.T", 6) != 0)
		return 0;
	/* "T<digits>.<16 hex>" is the signed part; then ".<mac>@" */
	for (const char *d = p + 6; *d >= '0' && *d <= '9'; d++) {
		if (t > (INT64_MAX - 9) / 10)
			return 0;
		t = t * 10 + (*d - '0');
	}
	dot = strchr(p + 6, '.');
	if (!dot || t <= 0 || dot == p + 6 || strspn(p + 6, "0123456789") != (size_t)(dot - p - 6))
		return 0;
	if (strspn(dot + 1, "0123456789abcdef") != 2 * NONCE_BYTES || dot[1 + 2 * NONCE_BYTES] != '.')
		return 0;
	len = (size_t)(dot + 1 + 2 * NONCE_BYTES - (p + 5));
	at = dot + 2 + 2 * NONCE_BYTES;
	if (strspn(at, "0123456789abcdef") != 2 * MAC_BYTES || at[2 * MAC_BYTES] != '@')
		return 0;
	mac_hex(key, p + 5, len, want);
	if (sodium_memcmp(want, at, 2 * MAC_BYTES) != 0)
		return 0;
	*ticket = (int64_t)t;
	return 1;
}

/* ---- confirmation links ---------------------------------------------------- */

/* "C<ticket>.<solved_at>": the C keeps a link's MAC from ever being a
 * Message-ID's and the other way round. */
static int link_signed_part(int64_t ticket, int64_t solved_at, char *out, size_t outlen)
{
	return snprintf(out, outlen, "C%lld.%lld", (long long)ticket, (long long)solved_at);
}

int hd_link_make(const unsigned char key[HD_MSGID_KEYLEN], int64_t ticket, int64_t solved_at,
		 char *out, size_t outlen)
{
	char part[64], mac[2 * MAC_BYTES + 1];
	int n = link_signed_part(ticket, solved_at, part, sizeof(part));

	mac_hex(key, part, (size_t)n, mac);
	n = snprintf(out, outlen, "%lld.%lld.%s", (long long)ticket, (long long)solved_at, mac);
	return n < 0 || (size_t)n >= outlen ? HD_EINVAL : 0;
}

/* A positive decimal of at most 18 digits at *p, ending at `end`. */
static int decimal(const char **p, char end, int64_t *v)
{
	const char *d = *p;
	int64_t x = 0;

	while (*d >= '0' && *d <= '9' && d - *p < 18)
		x = x * 10 + (*d++ - '0');
	if (d == *p || *d != end || x <= 0)
		return 0;
	*v = x;
	*p = d + 1;
	return 1;
}

int hd_link_check(const unsigned char key[HD_MSGID_KEYLEN], const char *token, int64_t *ticket,
		  int64_t *solved_at)
{
	const char *p = token;
	char part[64], want[2 * MAC_BYTES + 1];
	int64_t t, s;
	int n;

	if (!decimal(&p, '.', &t) || !decimal(&p, '.', &s) || strlen(p) != 2 * MAC_BYTES)
		return 0;
	n = link_signed_part(t, s, part, sizeof(part));
	mac_hex(key, part, (size_t)n, want);
	if (sodium_memcmp(want, p, 2 * MAC_BYTES) != 0)
		return 0;
	*ticket = t;
	*solved_at = s;
	return 1;
}
