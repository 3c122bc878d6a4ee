// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * SDES key parameters (RFC 4568 6.1) to and from master key, salt and MKI. The base64 code
 * is our own rather than OpenSSL's EVP_DecodeBlock, which rejects the unpadded form some
 * endpoints send and counts padding as decoded octets.
 */
#include "sdes_key.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

static const char b64_alphabet[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static int b64_value(char c)
{
	const char *p;

	if (c == '\0')
		return -1;
	p = strchr(b64_alphabet, c);
	return p ? (int)(p - b64_alphabet) : -1;
}

int sdes_base64_decode(const char *in, size_t len, uint8_t *out, size_t cap)
{
	size_t pad = 0, n = 0, i;
	uint32_t acc = 0;
	int bits = 0;

	while (len && in[len - 1] == '=' && pad < 2) {
		len--;
		pad++;
	}
	/* One leftover character carries 6 bits: never a whole octet. */
	if (len % 4 == 1 || (pad && (len + pad) % 4))
		return -EINVAL;
	for (i = 0; i < len; i++) {
		int v = b64_value(in[i]);

		if (v < 0)
			return -EINVAL;
		acc = (acc << 6) | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (n == cap)
				return -ENOSPC;
			out[n++] = (uint8_t)(acc >> bits);
		}
	}
	return (int)n;
}

int sdes_base64_encode(const uint8_t *in, size_t len, char *out, size_t size)
{
	size_t need = (len + 2) / 3 * 4 + 1, o = 0;

	if (size < need)
		return -ENOSPC;
	for (size_t i = 0; i < len; i += 3) {
		uint32_t v = (uint32_t)in[i] << 16;

		if (i + 1 < len)
			v |= (uint32_t)in[i + 1] << 8;
		if (i + 2 < len)
			v |= in[i + 2];
		out[o++] = b64_alphabet[(v >> 18) & 63];
		out[o++] = b64_alphabet[(v >> 12) & 63];
		out[o++] = i + 1 < len ? b64_alphabet[(v >> 6) & 63] : '=';
		out[o++] = i + 2 < len ? b64_alphabet[v & 63] : '=';
	}
	out[o] = '\0';
	return (int)o;
}

void sdes_key_wipe(struct sdes_key *k)
{
	explicit_bzero(k, sizeof(*k));
}

/* A decimal number of n octets, at most max. */
static bool parse_dec(const char *s, size_t n, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;

	if (!n || n > 20)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		if (v > (max - (uint64_t)(s[i] - '0')) / 10)
			return false;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	*out = v;
	return true;
}

static int parse_lifetime(const char *s, size_t n, struct sdes_key *k, char *err, size_t errlen)
{
	uint64_t v;

	if (n > 2 && s[0] == '2' && s[1] == '^') {
		if (!parse_dec(s + 2, n - 2, SDES_LIFETIME_LOG2_MAX, &v))
			goto bad;
		v = 1ull << v;
	} else if (!parse_dec(s, n, 1ull << SDES_LIFETIME_LOG2_MAX, &v) || !v) {
		goto bad;
	}
	k->has_lifetime = true;
	k->lifetime = v;
	return 0;
bad:
	snprintf(err, errlen, "bad key lifetime \"%.*s\": expected 2^N or a count, at most 2^%d",
		 (int)n, s, SDES_LIFETIME_LOG2_MAX);
	return -EINVAL;
}

static int parse_mki(const char *s, size_t n, struct sdes_key *k, char *err, size_t errlen)
{
	const char *colon = memchr(s, ':', n);
	uint64_t value, len;

	if (!colon || !parse_dec(colon + 1, n - (size_t)(colon + 1 - s), 128, &len) || !len ||
	    !parse_dec(s, (size_t)(colon - s), UINT64_MAX, &value)) {
		snprintf(err, errlen, "bad MKI \"%.*s\": expected value:length in decimal",
			 (int)n, s);
		return -EINVAL;
	}
	if (len > SRTP_MKI_LEN_MAX) {
		snprintf(err, errlen, "MKI length %u is longer than the %d octets supported",
			 (unsigned int)len, SRTP_MKI_LEN_MAX);
		return -EINVAL;
	}
	if (len < 8 && value >> (8 * len)) {
		snprintf(err, errlen, "MKI value %llu does not fit in %u octet%s",
			 (unsigned long long)value, (unsigned int)len, len == 1 ? "" : "s");
		return -EINVAL;
	}
	/* Big-endian in len octets; a value has at most 8, so longer MKIs start with zeros. */
	k->mki_len = (uint8_t)len;
	memset(k->mki, 0, len);
	for (unsigned int i = 0; i < len && i < 8; i++)
		k->mki[len - 1 - i] = (uint8_t)(value >> (8 * i));
	return 0;
}

/* Decodes the key||salt part into k, checking its length against the suite. */
static int parse_key_salt(const char *s, size_t n, const struct srtp_suite *suite,
			  struct sdes_key *k, char *err, size_t errlen)
{
	size_t want = (size_t)suite->key_len + suite->salt_len;
	uint8_t raw[SRTP_KEY_LEN_MAX + SRTP_CM_SALT_LEN + 3];
	int got = sdes_base64_decode(s, n, raw, sizeof(raw));

	if (got == -EINVAL) {
		snprintf(err, errlen, "the key is not valid base64");
		return -EINVAL;
	}
	if (got < 0 || (size_t)got != want) {
		if (got < 0)
			snprintf(err, errlen, "%s needs %zu octets of master key and salt "
				 "(%zu base64 characters), got more", suite->name, want,
				 (want + 2) / 3 * 4);
		else
			snprintf(err, errlen, "%s needs %zu octets of master key and salt "
				 "(%zu base64 characters), got %d", suite->name, want,
				 (want + 2) / 3 * 4, got);
		explicit_bzero(raw, sizeof(raw));
		return -EINVAL;
	}
	k->key_len = suite->key_len;
	k->salt_len = suite->salt_len;
	memcpy(k->key, raw, k->key_len);
	memcpy(k->salt, raw + k->key_len, k->salt_len);
	explicit_bzero(raw, sizeof(raw));
	return 0;
}

static int parse_fields(const char *p, size_t len, const struct srtp_suite *suite,
			struct sdes_key *out, char *err, size_t errlen)
{
	const char *f[3], *end = p + len;
	size_t flen[3];
	unsigned int nf = 0;
	int ret;

	for (;;) {
		const char *bar = memchr(p, '|', (size_t)(end - p));

		if (nf == 3) {
			snprintf(err, errlen, "too many '|' fields: expected key|lifetime|MKI");
			return -EINVAL;
		}
		f[nf] = p;
		flen[nf++] = (size_t)((bar ? bar : end) - p);
		if (!bar)
			break;
		p = bar + 1;
	}
	ret = parse_key_salt(f[0], flen[0], suite, out, err, errlen);
	/* One optional field: an MKI has a colon, a lifetime never does. */
	if (!ret && nf == 2 && memchr(f[1], ':', flen[1]))
		ret = parse_mki(f[1], flen[1], out, err, errlen);
	else if (!ret && nf >= 2)
		ret = parse_lifetime(f[1], flen[1], out, err, errlen);
	if (!ret && nf == 3)
		ret = parse_mki(f[2], flen[2], out, err, errlen);
	return ret;
}

int sdes_key_parse(const char *param, size_t len, const struct srtp_suite *suite,
		   struct sdes_key *out, char *err, size_t errlen)
{
	static const char method[] = "inline:";
	const size_t mlen = sizeof(method) - 1;
	int ret;

	memset(out, 0, sizeof(*out));
	if (!suite) {
		snprintf(err, errlen, "no crypto suite for the key");
		return -EINVAL;
	}
	/* RFC 4568's ABNF literal "inline" is case-insensitive, as all ABNF strings are. */
	if (len < mlen || strncasecmp(param, method, mlen)) {
		snprintf(err, errlen, "the key must start with \"inline:\"");
		return -EINVAL;
	}
	if (memchr(param, ';', len)) {
		snprintf(err, errlen, "several master keys (';') are not supported");
		return -EINVAL;
	}
	ret = parse_fields(param + mlen, len - mlen, suite, out, err, errlen);
	if (ret)
		sdes_key_wipe(out);
	return ret;
}

int sdes_key_format(const struct sdes_key *k, char *out, size_t size)
{
	uint8_t raw[SRTP_KEY_LEN_MAX + SRTP_CM_SALT_LEN];
	unsigned long long mki = 0;
	char tail[64] = "";
	size_t t;
	int n;

	if (k->key_len > SRTP_KEY_LEN_MAX || k->salt_len > SRTP_CM_SALT_LEN ||
	    k->mki_len > SRTP_MKI_LEN_MAX)
		return -EINVAL;
	if (size < 8)
		return -ENOSPC;
	/* Powers of two in the 2^N form, as offers usually write them. */
	if (k->has_lifetime && k->lifetime && !(k->lifetime & (k->lifetime - 1)))
		snprintf(tail, sizeof(tail), "|2^%d", __builtin_ctzll(k->lifetime));
	else if (k->has_lifetime)
		snprintf(tail, sizeof(tail), "|%llu", (unsigned long long)k->lifetime);
	/* The value in decimal: an MKI longer than 8 octets must start with zeros to have one. */
	for (unsigned int i = 0; i < k->mki_len; i++) {
		if (k->mki_len - i > 8 && k->mki[i])
			return -EINVAL;
		mki = mki << 8 | k->mki[i];
	}
	t = strlen(tail);
	if (k->mki_len)
		snprintf(tail + t, sizeof(tail) - t, "|%llu:%u", mki, k->mki_len);
	t = strlen(tail);

	memcpy(out, "inline:", 7);
	memcpy(raw, k->key, k->key_len);
	memcpy(raw + k->key_len, k->salt, k->salt_len);
	n = sdes_base64_encode(raw, (size_t)k->key_len + k->salt_len, out + 7, size - 7);
	explicit_bzero(raw, sizeof(raw));
	if (n < 0 || 7 + (size_t)n + t >= size) {
		explicit_bzero(out, size);
		return -ENOSPC;
	}
	memcpy(out + 7 + n, tail, t + 1);
	return 7 + n + (int)t;
}
