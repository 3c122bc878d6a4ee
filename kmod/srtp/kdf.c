// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Session key derivation: the AES-CM PRF of RFC 3711 4.3.3, with the master key's own AES
 * size (RFC 6188 for 192/256 bits), and RFC 7714's 96-bit GCM salts multiplied by 2^16
 * (RFC 7714 errata 4938) before they enter it.
 */
#include "srtp.h"

enum {
	LABEL_RTP_ENC = 0, LABEL_RTP_AUTH = 1, LABEL_RTP_SALT = 2,
	LABEL_RTCP_ENC = 3, LABEL_RTCP_AUTH = 4, LABEL_RTCP_SALT = 5,
};

/*
 * Writes len octets of PRF output for label and r = index DIV kdr: the AES-CM keystream that
 * starts at (master_salt XOR (label || r)) * 2^16, with prf keyed by the master key.
 */
int srtp_kdf(const struct srtp_ops *ops, void *prf, const uint8_t master_salt[SRTP_CM_SALT_LEN],
	     uint8_t label, uint64_t r, uint8_t *out, uint32_t len)
{
	uint8_t iv[16];

	memcpy(iv, master_salt, SRTP_CM_SALT_LEN);
	iv[14] = 0;
	iv[15] = 0;
	iv[7] ^= label;
	srtp_xor_be(iv + 8, r, 6);
	memset(out, 0, len);
	return ops->ctr_xor(prf, iv, out, len) ? -SRTP_ERR_CRYPTO : 0;
}

/* Frees the transforms of k and wipes its salt. */
void srtp_keys_free(const struct srtp_ops *ops, const struct srtp_suite *s, struct srtp_keys *k)
{
	if (k->cipher)
		(s->cipher == SRTP_CIPHER_AES_GCM ? ops->gcm_free : ops->ctr_free)(k->cipher);
	k->cipher = NULL;
	if (k->auth)
		ops->hmac_free(k->auth);
	k->auth = NULL;
	srtp_wipe(k->salt, sizeof(k->salt));
}

static int new_cipher(const struct srtp_ops *ops, const struct srtp_suite *s, void **h,
		      const uint8_t *key)
{
	if (s->cipher == SRTP_CIPHER_AES_GCM)
		return ops->gcm_new(h, key, s->key_len);
	return ops->ctr_new(h, key, s->key_len);
}

/*
 * Derives the SRTP (or, with rtcp, the SRTCP) session keys for r and keys the backend's
 * transforms with them. On failure k is left empty.
 */
int srtp_derive_keys(const struct srtp_ops *ops, const struct srtp_suite *s,
		     const struct srtp_policy *p, bool rtcp, uint64_t r, struct srtp_keys *k)
{
	uint8_t label = rtcp ? LABEL_RTCP_ENC : LABEL_RTP_ENC;
	uint8_t salt[SRTP_CM_SALT_LEN] = { 0 };
	uint8_t key[SRTP_KEY_LEN_MAX];
	void *prf = NULL;
	int ret;

	memset(k, 0, sizeof(*k));
	k->r = r;
	/* A 12-octet GCM master salt becomes the top 12 octets of the 14-octet PRF salt. */
	memcpy(salt, p->salt, s->salt_len);
	if (ops->ctr_new(&prf, p->key, s->key_len))
		return -SRTP_ERR_CRYPTO;

	if (s->cipher != SRTP_CIPHER_NULL) {
		ret = srtp_kdf(ops, prf, salt, label, r, key, s->key_len);
		if (!ret && new_cipher(ops, s, &k->cipher, key))
			ret = -SRTP_ERR_CRYPTO;
		if (ret)
			goto out;
	}
	if (s->hmac) {
		ret = srtp_kdf(ops, prf, salt, label + 1, r, key, SRTP_HMAC_KEY_LEN);
		if (!ret && ops->hmac_new(&k->auth, key, SRTP_HMAC_KEY_LEN))
			ret = -SRTP_ERR_CRYPTO;
		if (ret)
			goto out;
	}
	ret = srtp_kdf(ops, prf, salt, label + 2, r, k->salt, SRTP_CM_SALT_LEN);
out:
	ops->ctr_free(prf);
	srtp_wipe(key, sizeof(key));
	srtp_wipe(salt, sizeof(salt));
	if (ret)
		srtp_keys_free(ops, s, k);
	return ret;
}
