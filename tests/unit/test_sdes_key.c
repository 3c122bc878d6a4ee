// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * SDES key parameters (RFC 4568 6.1): the RFC's own example, every suite's key and salt
 * lengths, padding variants, the optional lifetime and MKI, and malformed input, each
 * refused with a message that says what is wrong. Base64 against RFC 4648's vectors.
 */
#include "check.h"
#include "sdes_key.h"

#include <errno.h>

static const struct srtp_suite *suite(unsigned int id)
{
	return srtp_suite_get(id);
}

/* Parses p for suite id; returns the result and leaves the message in err. */
static int parse(const char *p, unsigned int id, struct sdes_key *k, char *err)
{
	err[0] = '\0';
	return sdes_key_parse(p, strlen(p), suite(id), k, err, SDES_KEY_ERR_MAX);
}

static bool all_zero(const void *p, size_t n)
{
	const uint8_t *b = p;

	for (size_t i = 0; i < n; i++)
		if (b[i])
			return false;
	return true;
}

/* RFC 4568 6.1's example key parameter, with the MKI shortened to what we support. */
static void rfc4568_example(void)
{
	static const char line[] = "inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|2^20|1:4";
	uint8_t raw[30];
	char err[SDES_KEY_ERR_MAX], out[128];
	struct sdes_key k;

	CHECK_EQ(sdes_base64_decode("PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR", 40, raw,
				    sizeof(raw)), 30);
	CHECK_EQ(parse(line, SRTP_AES_CM_128_HMAC_SHA1_80, &k, err), 0);
	CHECK_EQ(k.key_len, 16);
	CHECK_EQ(k.salt_len, 14);
	CHECK_MEM(k.key, raw, 16);
	CHECK_MEM(k.salt, raw + 16, 14);
	CHECK(k.has_lifetime);
	CHECK_EQ(k.lifetime, 1u << 20);
	CHECK_EQ(k.mki_len, 4);
	CHECK_MEM(k.mki, "\x00\x00\x00\x01", 4);
	/* And back to the same text. */
	CHECK_EQ(sdes_key_format(&k, out, sizeof(out)), (int)strlen(line));
	CHECK(!strcmp(out, line));
}

/* The RFC's own "1:32": a 32-octet MKI, value 1 in its last octet; 128 octets is the most. */
static void rfc4568_long_mki(void)
{
	static const char line[] = "inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|2^20|1:32";
	uint8_t want[128] = { 0 };
	char err[SDES_KEY_ERR_MAX], out[256];
	struct sdes_key k;

	CHECK_EQ(parse(line, SRTP_AES_CM_128_HMAC_SHA1_80, &k, err), 0);
	CHECK_EQ(k.mki_len, 32);
	want[31] = 1;
	CHECK_MEM(k.mki, want, 32);
	CHECK_EQ(sdes_key_format(&k, out, sizeof(out)), (int)strlen(line));
	CHECK(!strcmp(out, line));
	/* A value wider than 8 octets' worth of zeros still lands at the end. */
	CHECK_EQ(parse("inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|18446744073709551615:128",
		       SRTP_AES_CM_128_HMAC_SHA1_80, &k, err), 0);
	CHECK_EQ(k.mki_len, 128);
	memset(want + 120, 0xff, 8);
	want[31] = 0;
	CHECK_MEM(k.mki, want, 128);
	CHECK_EQ(parse("inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|1:129",
		       SRTP_AES_CM_128_HMAC_SHA1_80, &k, err), -EINVAL);
	CHECK(all_zero(&k, sizeof(k)));
	CHECK_EQ(parse("inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|256:1",
		       SRTP_AES_CM_128_HMAC_SHA1_80, &k, err), -EINVAL);
	CHECK(strstr(err, "does not fit"));
}

/* Each suite's key||salt length, padded and unpadded; a format/parse round trip. */
static void every_suite_length(void)
{
	for (unsigned int id = 1; id < SRTP_SUITE_COUNT; id++) {
		const struct srtp_suite *s = suite(id);
		size_t n = (size_t)s->key_len + s->salt_len;
		uint8_t raw[64];
		char text[128], err[SDES_KEY_ERR_MAX];
		struct sdes_key k, back;
		char *eq;

		for (size_t i = 0; i < n; i++)
			raw[i] = (uint8_t)(i * 37 + id);
		memset(&k, 0, sizeof(k));
		k.key_len = s->key_len;
		k.salt_len = s->salt_len;
		memcpy(k.key, raw, k.key_len);
		memcpy(k.salt, raw + k.key_len, k.salt_len);
		CHECK(sdes_key_format(&k, text, sizeof(text)) > 0);
		CHECK_EQ(parse(text, id, &back, err), 0);
		CHECK_MEM(back.key, raw, s->key_len);
		CHECK_MEM(back.salt, raw + s->key_len, s->salt_len);
		CHECK(!back.has_lifetime && !back.mki_len);
		/* Some endpoints leave the padding out. */
		eq = strchr(text, '=');
		if (eq) {
			*eq = '\0';
			CHECK_EQ(parse(text, id, &back, err), 0);
			CHECK_MEM(back.salt, raw + s->key_len, s->salt_len);
		}
	}
}

static void optional_fields(void)
{
	static const char key[] = "inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR";
	char line[128], err[SDES_KEY_ERR_MAX], out[128];
	struct sdes_key k;

	/* A lone field with a colon is an MKI... */
	snprintf(line, sizeof(line), "%s|258:2", key);
	CHECK_EQ(parse(line, SRTP_AES_CM_128_HMAC_SHA1_32, &k, err), 0);
	CHECK(!k.has_lifetime);
	CHECK_EQ(k.mki_len, 2);
	CHECK_MEM(k.mki, "\x01\x02", 2);
	/* ...and without one a lifetime, also as a plain count. */
	snprintf(line, sizeof(line), "%s|1000", key);
	CHECK_EQ(parse(line, SRTP_AES_CM_128_HMAC_SHA1_32, &k, err), 0);
	CHECK(k.has_lifetime && k.lifetime == 1000 && !k.mki_len);
	CHECK(sdes_key_format(&k, out, sizeof(out)) > 0);
	CHECK(!strcmp(out, line));
	/* "inline" is an ABNF literal: case does not matter. */
	snprintf(line, sizeof(line), "INLINE:%s", key + 7);
	CHECK_EQ(parse(line, SRTP_AES_CM_128_HMAC_SHA1_80, &k, err), 0);
	/* The largest lifetime and MKI we take. */
	snprintf(line, sizeof(line), "%s|2^48|4294967295:4", key);
	CHECK_EQ(parse(line, SRTP_AES_CM_128_HMAC_SHA1_80, &k, err), 0);
	CHECK_EQ(k.lifetime, 1ull << 48);
	CHECK_MEM(k.mki, "\xff\xff\xff\xff", 4);
}

/* Each malformed parameter fails with a message containing the expected words. */
static void malformed_refused(void)
{
	static const struct { const char *param; unsigned int suite; const char *msg; } bad[] = {
		{ "", SRTP_AES_CM_128_HMAC_SHA1_80, "inline:" },
		{ "PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR", SRTP_AES_CM_128_HMAC_SHA1_80,
		  "inline:" },
		{ "inline:", SRTP_AES_CM_128_HMAC_SHA1_80, "got 0" },
		{ "inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBRA", SRTP_AES_CM_128_HMAC_SHA1_80,
		  "not valid base64" },
		{ "inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVB", SRTP_AES_CM_128_HMAC_SHA1_80,
		  "got 29" },
		{ "inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR", SRTP_AEAD_AES_128_GCM,
		  "AEAD_AES_128_GCM needs 28 octets" },
		{ "inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR", SRTP_AES_256_CM_HMAC_SHA1_80,
		  "needs 46 octets of master key and salt (64 base64 characters), got 30" },
		{ "inline:PS1uQCVeeCFCanVmcjkp*ywjNWhcYD0mXXtxaVBR", SRTP_AES_CM_128_HMAC_SHA1_80,
		  "not valid base64" },
		{ "inline:PS1uQCVeeCFCanVm=jkpPywjNWhcYD0mXXtxaVBR", SRTP_AES_CM_128_HMAC_SHA1_80,
		  "not valid base64" },
		{ "inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR ", SRTP_AES_CM_128_HMAC_SHA1_80,
		  "not valid base64" },
		{ "inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|", SRTP_AES_CM_128_HMAC_SHA1_80,
		  "lifetime" },
		{ "inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|2^49", SRTP_AES_CM_128_HMAC_SHA1_80,
		  "lifetime" },
		{ "inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|0", SRTP_AES_CM_128_HMAC_SHA1_80,
		  "lifetime" },
		{ "inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|2^x", SRTP_AES_CM_128_HMAC_SHA1_80,
		  "lifetime" },
		{ "inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|2^20|300:1",
		  SRTP_AES_CM_128_HMAC_SHA1_80, "does not fit in 1 octet" },
		{ "inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|2^20|1:0",
		  SRTP_AES_CM_128_HMAC_SHA1_80, "bad MKI" },
		{ "inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|2^20|x:4",
		  SRTP_AES_CM_128_HMAC_SHA1_80, "bad MKI" },
		{ "inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|2^20|1:4|",
		  SRTP_AES_CM_128_HMAC_SHA1_80, "too many" },
		{ "inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|2^20|1:4;"
		  "inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR", SRTP_AES_CM_128_HMAC_SHA1_80,
		  "several master keys" },
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char err[SDES_KEY_ERR_MAX];
		struct sdes_key k;

		if (parse(bad[i].param, bad[i].suite, &k, err) != -EINVAL ||
		    !strstr(err, bad[i].msg)) {
			fprintf(stderr, "  '%s': got \"%s\", want \"%s\"\n", bad[i].param, err,
				bad[i].msg);
			CHECK(0);
		}
		CHECK(all_zero(&k, sizeof(k)));
	}
}

static void no_suite_refused(void)
{
	char err[SDES_KEY_ERR_MAX];
	struct sdes_key k;

	CHECK_EQ(sdes_key_parse("inline:AAAA", 11, NULL, &k, err, sizeof(err)), -EINVAL);
	CHECK(err[0]);
}

/* Only len octets are read: the parameter may sit inside a longer SDP line. */
static void length_bounded(void)
{
	static const char line[] = "inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|2^20 extra";
	char err[SDES_KEY_ERR_MAX];
	struct sdes_key k;

	CHECK_EQ(sdes_key_parse(line, strlen(line) - 6, suite(SRTP_AES_CM_128_HMAC_SHA1_80), &k,
				err, sizeof(err)), 0);
	CHECK_EQ(k.lifetime, 1u << 20);
}

/* RFC 4648 section 10's vectors, and the forms we refuse. */
static void base64_vectors(void)
{
	static const char *const plain[] = { "", "f", "fo", "foo", "foob", "fooba", "foobar" };
	static const char *const enc[] = { "", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=",
					   "Zm9vYmFy" };
	uint8_t out[16];
	char text[16];

	for (size_t i = 0; i < 7; i++) {
		size_t n = strlen(plain[i]);

		CHECK_EQ(sdes_base64_encode((const uint8_t *)plain[i], n, text, sizeof(text)),
			 (int)strlen(enc[i]));
		CHECK(!strcmp(text, enc[i]));
		CHECK_EQ(sdes_base64_decode(enc[i], strlen(enc[i]), out, sizeof(out)), (int)n);
		CHECK_MEM(out, plain[i], n);
	}
	CHECK_EQ(sdes_base64_decode("Zm9vYg", 6, out, sizeof(out)), 4);
	CHECK_EQ(sdes_base64_decode("Z", 1, out, sizeof(out)), -EINVAL);
	CHECK_EQ(sdes_base64_decode("Zg=", 3, out, sizeof(out)), -EINVAL);
	CHECK_EQ(sdes_base64_decode("Zm9v=", 5, out, sizeof(out)), -EINVAL);
	CHECK_EQ(sdes_base64_decode("Zg===", 5, out, sizeof(out)), -EINVAL);
	CHECK_EQ(sdes_base64_decode("Zm9vYmFy", 8, out, 5), -ENOSPC);
	CHECK_EQ(sdes_base64_encode((const uint8_t *)"foo", 3, text, 4), -ENOSPC);
}

static void format_refuses_small_buffer(void)
{
	struct sdes_key k = { .key_len = 16, .salt_len = 14, .mki_len = 2, .mki = { 1, 2 } };
	char out[48];

	CHECK_EQ(sdes_key_format(&k, out, sizeof(out)), -ENOSPC);
	CHECK(all_zero(out, sizeof(out)));
	CHECK_EQ(sdes_key_format(&k, out, 4), -ENOSPC);
	/* An MKI whose value needs more than 64 bits has no decimal form here. */
	k.mki_len = 9;
	CHECK_EQ(sdes_key_format(&k, out, sizeof(out)), -EINVAL);
}

static const struct check_case cases[] = {
	CASE(rfc4568_example),
	CASE(rfc4568_long_mki),
	CASE(every_suite_length),
	CASE(optional_fields),
	CASE(malformed_refused),
	CASE(no_suite_refused),
	CASE(length_bounded),
	CASE(base64_vectors),
	CASE(format_refuses_small_buffer),
};

CHECK_MAIN("sdes_key", cases)
