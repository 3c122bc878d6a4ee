// SPDX-License-Identifier: GPL-2.0 OR MIT
/* The SRTP suites we speak, with their parameters (RFC 4568, RFC 6188, RFC 7714). */
#include "srtp.h"

#define HMAC_SUITE(i, n, c, k, tag)                                                     \
	[i] = { .name = n, .id = i, .cipher = c, .key_len = k, .salt_len = SRTP_CM_SALT_LEN, \
		.rtp_tag_len = tag, .rtcp_tag_len = 10, .hmac = true }

static const struct srtp_suite suites[SRTP_SUITE_COUNT] = {
	HMAC_SUITE(SRTP_AES_CM_128_HMAC_SHA1_80, "AES_CM_128_HMAC_SHA1_80", SRTP_CIPHER_AES_CM, 16, 10),
	HMAC_SUITE(SRTP_AES_CM_128_HMAC_SHA1_32, "AES_CM_128_HMAC_SHA1_32", SRTP_CIPHER_AES_CM, 16, 4),
	HMAC_SUITE(SRTP_AES_192_CM_HMAC_SHA1_80, "AES_192_CM_HMAC_SHA1_80", SRTP_CIPHER_AES_CM, 24, 10),
	HMAC_SUITE(SRTP_AES_192_CM_HMAC_SHA1_32, "AES_192_CM_HMAC_SHA1_32", SRTP_CIPHER_AES_CM, 24, 4),
	HMAC_SUITE(SRTP_AES_256_CM_HMAC_SHA1_80, "AES_256_CM_HMAC_SHA1_80", SRTP_CIPHER_AES_CM, 32, 10),
	HMAC_SUITE(SRTP_AES_256_CM_HMAC_SHA1_32, "AES_256_CM_HMAC_SHA1_32", SRTP_CIPHER_AES_CM, 32, 4),
	/* The NULL cipher still derives its keys with the AES-128 PRF. */
	HMAC_SUITE(SRTP_NULL_HMAC_SHA1_80, "NULL_HMAC_SHA1_80", SRTP_CIPHER_NULL, 16, 10),
	HMAC_SUITE(SRTP_NULL_HMAC_SHA1_32, "NULL_HMAC_SHA1_32", SRTP_CIPHER_NULL, 16, 4),
	[SRTP_AEAD_AES_128_GCM] = { .name = "AEAD_AES_128_GCM", .id = SRTP_AEAD_AES_128_GCM,
		.cipher = SRTP_CIPHER_AES_GCM, .key_len = 16, .salt_len = SRTP_GCM_SALT_LEN,
		.rtp_tag_len = SRTP_GCM_TAG_LEN, .rtcp_tag_len = SRTP_GCM_TAG_LEN },
	[SRTP_AEAD_AES_256_GCM] = { .name = "AEAD_AES_256_GCM", .id = SRTP_AEAD_AES_256_GCM,
		.cipher = SRTP_CIPHER_AES_GCM, .key_len = 32, .salt_len = SRTP_GCM_SALT_LEN,
		.rtp_tag_len = SRTP_GCM_TAG_LEN, .rtcp_tag_len = SRTP_GCM_TAG_LEN },
	[SRTP_AES_CM_128_NULL_AUTH] = { .name = "AES_CM_128_NULL_AUTH",
		.id = SRTP_AES_CM_128_NULL_AUTH, .cipher = SRTP_CIPHER_AES_CM, .key_len = 16,
		.salt_len = SRTP_CM_SALT_LEN },
	[SRTP_NULL_NULL] = { .name = "NULL_NULL", .id = SRTP_NULL_NULL,
		.cipher = SRTP_CIPHER_NULL, .key_len = 16, .salt_len = SRTP_CM_SALT_LEN },
};

/* Returns the suite with this enum srtp_suite_id, or NULL. */
const struct srtp_suite *srtp_suite_get(unsigned int id)
{
	if (id == SRTP_SUITE_INVALID || id >= SRTP_SUITE_COUNT)
		return NULL;
	return &suites[id];
}

/* Returns the suite SDES calls name (len octets, not NUL-terminated), or NULL. */
const struct srtp_suite *srtp_suite_by_name(const char *name, uint32_t len)
{
	for (unsigned int i = 1; i < SRTP_SUITE_COUNT; i++) {
		const char *n = suites[i].name;
		uint32_t k = 0;

		while (k < len && n[k] && n[k] == name[k])
			k++;
		if (k == len && !n[k])
			return &suites[i];
	}
	return NULL;
}

static const char *const err_names[SRTP_ERR_COUNT] = {
	[SRTP_OK] = "ok",
	[SRTP_ERR_TRUNCATED] = "truncated packet",
	[SRTP_ERR_MALFORMED] = "malformed packet",
	[SRTP_ERR_AUTH] = "authentication failed",
	[SRTP_ERR_REPLAY] = "replayed packet",
	[SRTP_ERR_REPLAY_OLD] = "packet older than the replay window",
	[SRTP_ERR_NO_STREAM] = "no free stream for a new SSRC",
	[SRTP_ERR_MKI] = "unknown MKI",
	[SRTP_ERR_NOSPACE] = "no room for the SRTP trailer",
	[SRTP_ERR_CRYPTO] = "cipher backend failure",
	[SRTP_ERR_INVAL] = "invalid argument",
};

/* Names a (negative or positive) enum srtp_err value. */
const char *srtp_strerror(int err)
{
	if (err < 0)
		err = -err;
	return err < SRTP_ERR_COUNT ? err_names[err] : "unknown error";
}
