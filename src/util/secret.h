/*
 * secret.h — random tokens, token hashes and password hashes (libsodium).
 *
 * API tokens are "hd_" + 43 characters of URL-safe base64 (32 random bytes).
 * Only the SHA-256 of a token is stored, so a stolen database does not hand
 * out working credentials. Passwords are hashed with argon2id
 * (crypto_pwhash_str, interactive limits).
 */
#ifndef HD_SECRET_H
#define HD_SECRET_H

#include <stddef.h>

#define HD_TOKEN_LEN 46      /* "hd_" + 43 base64url characters (buffer: +1) */
#define HD_HASH_HEX_LEN 64   /* SHA-256 as lower-case hex (buffer: +1) */
#define HD_PWHASH_LEN 128    /* crypto_pwhash_STRBYTES */

/** Initialise libsodium; call once at start. 0 or HD_EIO. */
int hd_secret_init(void);

/** Write a new random token with `prefix` (e.g. "hd_") into `out`
 * (`outlen` >= strlen(prefix) + 44). */
void hd_secret_token(const char *prefix, char *out, size_t outlen);

/** SHA-256 of `data[0..len)` as lower-case hex into `hex` (65 bytes). */
void hd_secret_sha256_hex(const void *data, size_t len, char *hex);

/** A readable random password (20 characters, 4 groups) into `out` (>= 24). */
void hd_secret_password(char *out, size_t outlen);

/** argon2id hash of `password` into `out` (HD_PWHASH_LEN bytes). 0 or HD_ENOMEM. */
int hd_secret_pwhash(const char *password, char *out);

/** 0 when `password` matches `hash`, HD_EUNAUTH otherwise. */
int hd_secret_pwverify(const char *hash, const char *password);

#endif
