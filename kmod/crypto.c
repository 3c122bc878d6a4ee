// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * struct srtp_ops on the kernel crypto API: ctr(aes), hmac(sha1), gcm(aes), allocated and
 * keyed once per context. These calls run in process context (key derivation when a flow is
 * added, self-tests), so they wait for async drivers and bounce data through the heap: callers
 * hand in stack buffers, which a scatterlist must not point at.
 */
#include <crypto/aead.h>
#include <crypto/hash.h>
#include <crypto/skcipher.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>

#include "crypto.h"

static int ctr_new(void **h, const u8 *key, u32 key_len)
{
	struct crypto_skcipher *tfm = crypto_alloc_skcipher("ctr(aes)", 0, 0);
	int ret;

	if (IS_ERR(tfm))
		return PTR_ERR(tfm);
	ret = crypto_skcipher_setkey(tfm, key, key_len);
	if (ret) {
		crypto_free_skcipher(tfm);
		return ret;
	}
	*h = tfm;
	return 0;
}

static int ctr_xor(void *h, const u8 iv[16], u8 *buf, u32 len)
{
	struct crypto_skcipher *tfm = h;
	struct skcipher_request *req;
	struct scatterlist sg;
	DECLARE_CRYPTO_WAIT(wait);
	u8 *bounce;
	int ret;

	bounce = kmalloc(len + 16, GFP_KERNEL);
	if (!bounce)
		return -ENOMEM;
	req = skcipher_request_alloc(tfm, GFP_KERNEL);
	if (!req) {
		kfree(bounce);
		return -ENOMEM;
	}
	memcpy(bounce, buf, len);
	memcpy(bounce + len, iv, 16);	/* the request advances its IV: give it a copy */
	sg_init_one(&sg, bounce, len);
	skcipher_request_set_callback(req, CRYPTO_TFM_REQ_MAY_BACKLOG | CRYPTO_TFM_REQ_MAY_SLEEP,
				      crypto_req_done, &wait);
	skcipher_request_set_crypt(req, &sg, &sg, len, bounce + len);
	ret = crypto_wait_req(crypto_skcipher_encrypt(req), &wait);
	if (!ret)
		memcpy(buf, bounce, len);
	skcipher_request_free(req);
	kfree_sensitive(bounce);	/* in key derivation this is key material */
	return ret;
}

static void ctr_free(void *h)
{
	crypto_free_skcipher(h);
}

static int hmac_new(void **h, const u8 *key, u32 key_len)
{
	struct crypto_shash *tfm = crypto_alloc_shash("hmac(sha1)", 0, 0);
	int ret;

	if (IS_ERR(tfm))
		return PTR_ERR(tfm);
	ret = crypto_shash_setkey(tfm, key, key_len);
	if (ret) {
		crypto_free_shash(tfm);
		return ret;
	}
	*h = tfm;
	return 0;
}

static int hmac(void *h, const u8 *a, u32 a_len, const u8 *b, u32 b_len, u8 out[20])
{
	SHASH_DESC_ON_STACK(desc, (struct crypto_shash *)h);
	int ret;

	desc->tfm = h;
	ret = crypto_shash_init(desc);
	if (!ret)
		ret = crypto_shash_update(desc, a, a_len);
	if (!ret && b_len)
		ret = crypto_shash_update(desc, b, b_len);
	if (!ret)
		ret = crypto_shash_final(desc, out);
	shash_desc_zero(desc);
	return ret;
}

static void hmac_free(void *h)
{
	crypto_free_shash(h);
}

static int gcm_new(void **h, const u8 *key, u32 key_len)
{
	struct crypto_aead *tfm = crypto_alloc_aead("gcm(aes)", 0, 0);
	int ret;

	if (IS_ERR(tfm))
		return PTR_ERR(tfm);
	ret = crypto_aead_setkey(tfm, key, key_len);
	if (!ret)
		ret = crypto_aead_setauthsize(tfm, SRTP_GCM_TAG_LEN);
	if (ret) {
		crypto_free_aead(tfm);
		return ret;
	}
	*h = tfm;
	return 0;
}

/* One GCM operation over a heap copy laid out as IV | AAD | AAD2 | text | tag. */
static int gcm_run(struct crypto_aead *tfm, bool enc, const u8 iv[12], const u8 *aad,
		   u32 aad_len, const u8 *aad2, u32 aad2_len, u8 *text, u32 len, u8 tag[16])
{
	u32 ad = aad_len + aad2_len, total = 12 + ad + len + SRTP_GCM_TAG_LEN;
	struct aead_request *req;
	struct scatterlist sg;
	DECLARE_CRYPTO_WAIT(wait);
	u8 *b;
	int ret;

	b = kmalloc(total, GFP_KERNEL);
	if (!b)
		return -ENOMEM;
	req = aead_request_alloc(tfm, GFP_KERNEL);
	if (!req) {
		kfree(b);
		return -ENOMEM;
	}
	memcpy(b, iv, 12);
	memcpy(b + 12, aad, aad_len);
	memcpy(b + 12 + aad_len, aad2, aad2_len);
	memcpy(b + 12 + ad, text, len);
	memcpy(b + 12 + ad + len, tag, SRTP_GCM_TAG_LEN);
	sg_init_one(&sg, b + 12, total - 12);
	aead_request_set_callback(req, CRYPTO_TFM_REQ_MAY_BACKLOG | CRYPTO_TFM_REQ_MAY_SLEEP,
				  crypto_req_done, &wait);
	aead_request_set_ad(req, ad);
	aead_request_set_crypt(req, &sg, &sg, enc ? len : len + SRTP_GCM_TAG_LEN, b);
	ret = crypto_wait_req(enc ? crypto_aead_encrypt(req) : crypto_aead_decrypt(req), &wait);
	if (!ret) {
		memcpy(text, b + 12 + ad, len);
		if (enc)
			memcpy(tag, b + 12 + ad + len, SRTP_GCM_TAG_LEN);
	}
	aead_request_free(req);
	kfree_sensitive(b);
	return ret;
}

static int gcm_seal(void *h, const u8 iv[12], const u8 *aad, u32 aad_len, const u8 *aad2,
		    u32 aad2_len, u8 *text, u32 len, u8 tag[16])
{
	return gcm_run(h, true, iv, aad, aad_len, aad2, aad2_len, text, len, tag);
}

static int gcm_open(void *h, const u8 iv[12], const u8 *aad, u32 aad_len, const u8 *aad2,
		    u32 aad2_len, u8 *text, u32 len, const u8 tag[16])
{
	u8 t[SRTP_GCM_TAG_LEN];

	memcpy(t, tag, sizeof(t));
	return gcm_run(h, false, iv, aad, aad_len, aad2, aad2_len, text, len, t);
}

static void gcm_free(void *h)
{
	crypto_free_aead(h);
}

const struct srtp_ops srtprelay_crypto_ops = {
	.ctr_new = ctr_new,
	.ctr_xor = ctr_xor,
	.ctr_free = ctr_free,
	.hmac_new = hmac_new,
	.hmac = hmac,
	.hmac_free = hmac_free,
	.gcm_new = gcm_new,
	.gcm_seal = gcm_seal,
	.gcm_open = gcm_open,
	.gcm_free = gcm_free,
};
