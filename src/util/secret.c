/*
 * secret.c — tokens and password hashing on libsodium (see secret.h).
 */
#include <string.h>

#include <sodium.h>

#include "util/err.h"
#include "util/secret.h"
#include "util/banned.h"

int hd_secret_init(void)
{
	return sodium_init() < 0 ? HD_EIO : 0;
}

void hd_secret_token(const char *prefix, char *out, size_t outlen)
{
	unsigned char raw[32];
	size_t plen = strlen(prefix);

	randombytes_buf(raw, sizeof(raw));
	if (outlen < plen + sodium_base64_ENCODED_LEN(sizeof(raw),
						      sodium_base64_VARIANT_URLSAFE_NO_PADDING)) {
		out[0] = '\0';
		return;
	}
	memcpy(out, prefix, plen);
	sodium_bin2base64(out + plen, outlen - plen, raw, sizeof(raw),
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(raw, sizeof(raw));
}

void hd_secret_sha256_hex(const void *data, size_t len, char *hex)
{
	unsigned char h[crypto_hash_sha256_BYTES];

	crypto_hash_sha256(h, data, len);
	sodium_bin2hex(hex, HD_HASH_HEX_LEN + 1, h, sizeof(h));
}

void hd_secret_password(char *out, size_t outlen)
{
	/* No 0/O/1/l/I: the password is read off a terminal and typed. */
	static const char alphabet[] = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
	size_t o = 0;

	for (int g = 0; g < 4 && o + 6 < outlen; g++) {
		if (g)
			out[o++] = '-';
		for (int i = 0; i < 5; i++)
			out[o++] = alphabet[randombytes_uniform(sizeof(alphabet) - 1)];
	}
	out[o] = '\0';
}

int hd_secret_pwhash(const char *password, char *out)
{
	if (crypto_pwhash_str(out, password, strlen(password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
			      crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
		return HD_ENOMEM;
	return 0;
}

int hd_secret_pwverify(const char *hash, const char *password)
{
	return crypto_pwhash_str_verify(hash, password, strlen(password)) == 0 ? 0 : HD_EUNAUTH;
}
