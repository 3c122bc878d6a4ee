// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * struct srtp_ops on OpenSSL 3. Every transform is keyed once per context.
 *  - AES-CTR is AES-ECB over counter blocks we lay out, XORed in: re-initialising an EVP
 *    CTR context with a packet's IV costs more than the 160 octets of AES themselves
 *    (tests/bench/bench_srtp measures both: 67 against 30 ns here).
 *  - AES-GCM goes through EVP, setting only the IV per packet.
 *  - HMAC-SHA1 keeps the inner and outer hash states after the key blocks and starts every
 *    packet from copies of them. That needs the SHA1_* functions: OpenSSL 3.0's EVP can copy
 *    a digest state only through a heap allocation (dupctx), which costs more than hashing a
 *    voice packet.
 */
#define OPENSSL_SUPPRESS_DEPRECATED
#include "srtp_openssl.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/evp.h>
#include <openssl/sha.h>

static const EVP_CIPHER *aes_cipher(uint32_t key_len, bool gcm)
{
	switch (key_len) {
	case 16:
		return gcm ? EVP_aes_128_gcm() : EVP_aes_128_ecb();
	case 24:
		return gcm ? NULL : EVP_aes_192_ecb();
	case 32:
		return gcm ? EVP_aes_256_gcm() : EVP_aes_256_ecb();
	}
	return NULL;
}

static int cipher_new(void **h, const uint8_t *key, uint32_t key_len, bool gcm)
{
	const EVP_CIPHER *cipher = aes_cipher(key_len, gcm);
	EVP_CIPHER_CTX *ctx;

	if (!cipher)
		return -EINVAL;
	ctx = EVP_CIPHER_CTX_new();
	if (!ctx)
		return -ENOMEM;
	if (EVP_EncryptInit_ex(ctx, cipher, NULL, key, NULL) != 1 ||
	    EVP_CIPHER_CTX_set_padding(ctx, 0) != 1) {
		EVP_CIPHER_CTX_free(ctx);
		return -EINVAL;
	}
	*h = ctx;
	return 0;
}

static int ctr_new(void **h, const uint8_t *key, uint32_t key_len)
{
	return cipher_new(h, key, key_len, false);
}

/* Adds one to a 128-bit big-endian counter block. */
static void ctr_inc(uint8_t ctr[16])
{
	for (int i = 15; i >= 0 && ++ctr[i] == 0; i--)
		;
}

/* buf ^= ks, eight octets at a time: a byte loop of unknown length does not vectorise at -O2. */
static void xor_into(uint8_t *buf, const uint8_t *ks, uint32_t n)
{
	uint32_t i = 0;

	for (; i + 8 <= n; i += 8) {
		uint64_t a, b;

		memcpy(&a, buf + i, 8);
		memcpy(&b, ks + i, 8);
		a ^= b;
		memcpy(buf + i, &a, 8);
	}
	for (; i < n; i++)
		buf[i] ^= ks[i];
}

#define CTR_CHUNK 512	/* keystream made per ECB call: a voice packet fits in one */

static int ctr_xor(void *h, const uint8_t iv[16], uint8_t *buf, uint32_t len)
{
	uint8_t ks[CTR_CHUNK] __attribute__((aligned(16))), ctr[16];
	uint32_t used = len < CTR_CHUNK ? (len + 15) / 16 * 16 : CTR_CHUNK;
	int out;

	memcpy(ctr, iv, sizeof(ctr));
	while (len) {
		uint32_t n = len < CTR_CHUNK ? len : CTR_CHUNK, blocks = (n + 15) / 16;

		for (uint32_t b = 0; b < blocks; b++) {
			memcpy(ks + 16 * b, ctr, 16);
			ctr_inc(ctr);
		}
		if (EVP_EncryptUpdate(h, ks, &out, ks, (int)(16 * blocks)) != 1)
			return -EIO;
		xor_into(buf, ks, n);
		buf += n;
		len -= n;
	}
	srtp_wipe(ks, used);	/* in key derivation this keystream is key material */
	return 0;
}

static void cipher_free(void *h)
{
	EVP_CIPHER_CTX_free(h);	/* cleans the expanded key */
}

struct hmac_sha1 {
	SHA_CTX inner, outer;	/* states after hashing key ^ ipad and key ^ opad */
};

static int hmac_new(void **h, const uint8_t *key, uint32_t key_len)
{
	struct hmac_sha1 *m;
	uint8_t pad[SHA_CBLOCK];

	if (key_len > SHA_CBLOCK)
		return -EINVAL;
	m = malloc(sizeof(*m));
	if (!m)
		return -ENOMEM;
	memset(pad, 0x36, sizeof(pad));
	for (uint32_t i = 0; i < key_len; i++)
		pad[i] ^= key[i];
	SHA1_Init(&m->inner);
	SHA1_Update(&m->inner, pad, sizeof(pad));
	for (uint32_t i = 0; i < sizeof(pad); i++)
		pad[i] ^= 0x36 ^ 0x5c;
	SHA1_Init(&m->outer);
	SHA1_Update(&m->outer, pad, sizeof(pad));
	srtp_wipe(pad, sizeof(pad));
	*h = m;
	return 0;
}

static int hmac(void *h, const uint8_t *a, uint32_t a_len, const uint8_t *b, uint32_t b_len,
		uint8_t out[20])
{
	const struct hmac_sha1 *m = h;
	SHA_CTX c = m->inner;

	SHA1_Update(&c, a, a_len);
	if (b_len)
		SHA1_Update(&c, b, b_len);
	SHA1_Final(out, &c);
	c = m->outer;
	SHA1_Update(&c, out, SHA_DIGEST_LENGTH);
	SHA1_Final(out, &c);	/* c now holds only the digest, which is public: no wipe */
	return 0;
}

static void hmac_free(void *h)
{
	if (h)
		srtp_wipe(h, sizeof(struct hmac_sha1));
	free(h);
}

static int gcm_new(void **h, const uint8_t *key, uint32_t key_len)
{
	return cipher_new(h, key, key_len, true);
}

/* Starts a GCM operation for iv in direction enc and feeds it the two AAD pieces. */
static int gcm_begin(EVP_CIPHER_CTX *ctx, int enc, const uint8_t iv[12], const uint8_t *aad,
		     uint32_t aad_len, const uint8_t *aad2, uint32_t aad2_len)
{
	int out;

	if (EVP_CipherInit_ex(ctx, NULL, NULL, NULL, iv, enc) != 1)
		return -EIO;
	if (aad_len && EVP_CipherUpdate(ctx, NULL, &out, aad, (int)aad_len) != 1)
		return -EIO;
	if (aad2_len && EVP_CipherUpdate(ctx, NULL, &out, aad2, (int)aad2_len) != 1)
		return -EIO;
	return 0;
}

static int gcm_seal(void *h, const uint8_t iv[12], const uint8_t *aad, uint32_t aad_len,
		    const uint8_t *aad2, uint32_t aad2_len, uint8_t *text, uint32_t len,
		    uint8_t tag[16])
{
	int out;

	if (gcm_begin(h, 1, iv, aad, aad_len, aad2, aad2_len) ||
	    (len && EVP_CipherUpdate(h, text, &out, text, (int)len) != 1) ||
	    EVP_CipherFinal_ex(h, text + len, &out) != 1 ||
	    EVP_CIPHER_CTX_ctrl(h, EVP_CTRL_GCM_GET_TAG, 16, tag) != 1)
		return -EIO;
	return 0;
}

static int gcm_open(void *h, const uint8_t iv[12], const uint8_t *aad, uint32_t aad_len,
		    const uint8_t *aad2, uint32_t aad2_len, uint8_t *text, uint32_t len,
		    const uint8_t tag[16])
{
	int out;

	if (gcm_begin(h, 0, iv, aad, aad_len, aad2, aad2_len) ||
	    (len && EVP_CipherUpdate(h, text, &out, text, (int)len) != 1) ||
	    EVP_CIPHER_CTX_ctrl(h, EVP_CTRL_GCM_SET_TAG, 16, (void *)tag) != 1)
		return -EIO;
	if (EVP_CipherFinal_ex(h, text + len, &out) == 1)
		return 0;
	/*
	 * A forgery: put the ciphertext back (GCM's keystream does not depend on the AAD), so
	 * that the caller may try the packet on another context, e.g. across a re-key.
	 */
	if (len && (EVP_CipherInit_ex(h, NULL, NULL, NULL, iv, 1) != 1 ||
		    EVP_CipherUpdate(h, text, &out, text, (int)len) != 1))
		return -EIO;
	return -EBADMSG;
}

const struct srtp_ops srtp_openssl_ops = {
	.ctr_new = ctr_new,
	.ctr_xor = ctr_xor,
	.ctr_free = cipher_free,
	.hmac_new = hmac_new,
	.hmac = hmac,
	.hmac_free = hmac_free,
	.gcm_new = gcm_new,
	.gcm_seal = gcm_seal,
	.gcm_open = gcm_open,
	.gcm_free = cipher_free,
};
