// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Running an SRTP job (kmod/srtp: what to authenticate, encrypt, where the tag goes) on the
 * transforms of its context, in softirq. HMAC-SHA1 is a synchronous shash; AES-CTR and AES-GCM
 * may complete asynchronously (the AES-NI drivers defer to cryptd when the FPU is busy), in
 * which case the completion callback carries on with the same code the synchronous path runs.
 */
#include <crypto/aead.h>
#include <crypto/hash.h>
#include <crypto/skcipher.h>

#include "compat.h"
#include "packet.h"

static int job_hmac(const struct srtp_job *j, const u8 *data, u8 mac[20])
{
	SHASH_DESC_ON_STACK(desc, (struct crypto_shash *)j->keys->auth);
	int ret;

	desc->tfm = j->keys->auth;
	ret = crypto_shash_init(desc);
	if (!ret)
		ret = crypto_shash_update(desc, data, j->auth_len);
	if (!ret && j->tail_len)
		ret = crypto_shash_update(desc, j->tail, j->tail_len);
	if (!ret)
		ret = crypto_shash_final(desc, mac);
	shash_desc_zero(desc);
	return ret;
}

/* Verifies (unprotect) or writes (protect) the HMAC tag; -EBADMSG on a mismatch. */
static int pkt_auth(struct pkt *p)
{
	const struct srtp_job *j = &p->job;
	u8 *data = pkt_data(p);
	u8 mac[20];
	int ret;

	if (!j->tag_len || (j->flags & SRTP_JOB_AEAD))
		return 0;
	ret = job_hmac(j, data, mac);
	if (ret)
		return ret;
	if (p->dir == PKT_PROTECT)
		memcpy(data + j->tag_off, mac, j->tag_len);
	else if (crypto_memneq(mac, data + j->tag_off, j->tag_len))
		ret = -EBADMSG;
	memzero_explicit(mac, sizeof(mac));
	return ret;
}

static COMPAT_CRYPTO_CALLBACK(pkt_cipher_done, data, err)
{
	struct pkt *p = COMPAT_CRYPTO_CALLBACK_DATA(data);

	if (err == -EINPROGRESS)
		return;	/* a backlogged request has started: the real completion follows */
	/* protect authenticates after encrypting; unprotect authenticated before */
	if (!err && p->dir == PKT_PROTECT)
		err = pkt_auth(p);
	pkt_crypto_done(p, err);
}

static int pkt_ctr(struct pkt *p)
{
	struct skcipher_request *req = (void *)p->req;
	const struct srtp_job *j = &p->job;

	memcpy(p->iv, j->iv, 16);
	sg_init_one(&p->sg[0], pkt_data(p) + j->hdr_len, j->body_len);
	skcipher_request_set_tfm(req, j->keys->cipher);
	skcipher_request_set_callback(req, CRYPTO_TFM_REQ_MAY_BACKLOG, pkt_cipher_done, p);
	skcipher_request_set_crypt(req, p->sg, p->sg, j->body_len, p->iv);
	return crypto_skcipher_encrypt(req);
}

/* AAD = header | tail (SRTCP's E|index), then the text and the 16-octet tag. */
static int pkt_gcm(struct pkt *p)
{
	struct aead_request *req = (void *)p->req;
	const struct srtp_job *j = &p->job;
	u8 *data = pkt_data(p);
	unsigned int n = 0, text = j->body_len;

	memcpy(p->iv, j->iv, 12);
	sg_init_table(p->sg, 3);
	sg_set_buf(&p->sg[n++], data, j->hdr_len);
	if (j->tail_len)
		sg_set_buf(&p->sg[n++], j->tail, j->tail_len);
	sg_set_buf(&p->sg[n++], data + j->hdr_len, j->body_len + SRTP_GCM_TAG_LEN);
	sg_mark_end(&p->sg[n - 1]);
	aead_request_set_tfm(req, j->keys->cipher);
	aead_request_set_callback(req, CRYPTO_TFM_REQ_MAY_BACKLOG, pkt_cipher_done, p);
	aead_request_set_ad(req, j->hdr_len + j->tail_len);
	if (p->dir == PKT_PROTECT) {
		aead_request_set_crypt(req, p->sg, p->sg, text, p->iv);
		return crypto_aead_encrypt(req);
	}
	aead_request_set_crypt(req, p->sg, p->sg, text + SRTP_GCM_TAG_LEN, p->iv);
	return crypto_aead_decrypt(req);
}

/*
 * Runs p->job: verify then decrypt, or encrypt then authenticate. 0 when done, -EINPROGRESS
 * when pkt_crypto_done() will be called later, -EBADMSG for a forgery (on the synchronous
 * path an HMAC forgery leaves the packet as it came), another error for a failure.
 */
int pkt_crypto(struct pkt *p)
{
	const struct srtp_job *j = &p->job;
	int ret;

	if (p->dir == PKT_UNPROTECT) {
		ret = pkt_auth(p);
		if (ret)
			return ret;
	}
	if (j->flags & SRTP_JOB_AEAD)
		ret = pkt_gcm(p);
	else if (j->flags & SRTP_JOB_ENCRYPT)
		ret = pkt_ctr(p);
	else
		ret = 0;
	if (ret == -EINPROGRESS || ret == -EBUSY)
		return -EINPROGRESS;
	if (!ret && p->dir == PKT_PROTECT)
		ret = pkt_auth(p);
	return ret;
}
