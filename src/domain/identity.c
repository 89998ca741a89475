/*
 * identity.c — identity normalisation (see identity.h).
 */
#include <string.h>

#include "domain/identity.h"
#include "util/banned.h"

static void trim(const char **s, size_t *n)
{
	while (*n && (**s == ' ' || **s == '\t' || **s == '\r' || **s == '\n')) {
		(*s)++;
		(*n)--;
	}
	while (*n && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t' || (*s)[*n - 1] == '\r' ||
		      (*s)[*n - 1] == '\n'))
		(*n)--;
}

static char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

static int norm_email(const char *s, size_t n, char *out, const char *field, struct hd_err *err)
{
	size_t at = 0, ats = 0;

	if (n == 0 || n > 254)
		return hd_err_set(err, HD_EINVAL, field, "an e-mail address has 3 to 254 characters");
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c <= 0x20 || c == 0x7f || c == '<' || c == '>' || c == '(' || c == ')' ||
		    c == ',' || c == ';' || c == '"' || c == '\\')
			return hd_err_set(err, HD_EINVAL, field,
					  "an e-mail address cannot contain spaces, quotes, "
					  "brackets or control characters");
		if (c == '@') {
			at = i;
			ats++;
		}
		out[i] = lower((char)c);
	}
	out[n] = '\0';
	if (ats != 1 || at == 0 || at == n - 1)
		return hd_err_set(err, HD_EINVAL, field,
				  "an e-mail address needs exactly one '@' between a name and a "
				  "domain");
	if (out[at + 1] == '.' || out[n - 1] == '.' || strstr(out + at, ".."))
		return hd_err_set(err, HD_EINVAL, field, "the domain of the e-mail address is malformed");
	return 0;
}

static int norm_phone(const char *s, size_t n, char *out, const char *field, struct hd_err *err)
{
	size_t o = 0, digits = 0;

	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (c == '+' && o == 0) {
			out[o++] = c;
		} else if (c >= '0' && c <= '9') {
			if (++digits > 20)
				break;
			out[o++] = c;
		} else if (c == ' ' || c == '-' || c == '.' || c == '(' || c == ')' || c == '/') {
			continue;
		} else {
			return hd_err_set(err, HD_EINVAL, field,
					  "a phone number has digits, an optional leading '+' and "
					  "separators only");
		}
	}
	out[o] = '\0';
	if (digits < 5 || digits > 20)
		return hd_err_set(err, HD_EINVAL, field, "a phone number has 5 to 20 digits");
	return 0;
}

static int norm_handle(const char *s, size_t n, char *out, const char *field, struct hd_err *err)
{
	if (n == 0 || n > 200)
		return hd_err_set(err, HD_EINVAL, field, "a handle has 1 to 200 characters");
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20 || c == 0x7f)
			return hd_err_set(err, HD_EINVAL, field,
					  "a handle cannot contain control characters");
		out[i] = lower((char)c);
	}
	out[n] = '\0';
	return 0;
}

int hd_identity_normalize(enum hd_idkind kind, const char *in, char *out, const char *field,
			  struct hd_err *err)
{
	size_t n = strlen(in);

	trim(&in, &n);
	if (n >= HD_IDENTITY_MAX)
		return hd_err_set(err, HD_EINVAL, field, "an identity has at most %d characters",
				  HD_IDENTITY_MAX - 1);
	switch (kind) {
	case HD_IDKIND_EMAIL: return norm_email(in, n, out, field, err);
	case HD_IDKIND_PHONE: return norm_phone(in, n, out, field, err);
	case HD_IDKIND_HANDLE: return norm_handle(in, n, out, field, err);
	default: break;
	}
	return hd_err_set(err, HD_EINVAL, field, "unknown identity kind");
}
