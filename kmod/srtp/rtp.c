// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * SRTP packets (RFC 3711 3.1, RFC 7714 8):
 *   AES-CM / NULL:  RTP header | payload (encrypted)     | MKI | HMAC tag
 *   AES-GCM:        RTP header | payload (encrypted) | tag | MKI
 * The header is authenticated (the AAD for GCM); HMAC also covers the ROC, which is not sent.
 */
#include "srtp.h"

/* Parses the RTP header (RFC 3550 5.1, with CSRCs and 5.3.1 extension); never reads past len. */
int srtp_rtp_parse(const uint8_t *pkt, uint32_t len, struct srtp_rtp_hdr *h)
{
	uint32_t hl;

	if (unlikely(len < 12))
		return -SRTP_ERR_TRUNCATED;
	if (unlikely((pkt[0] >> 6) != 2))
		return -SRTP_ERR_MALFORMED;
	hl = 12 + 4 * (pkt[0] & 0x0f);
	if (pkt[0] & 0x10) {
		if (unlikely(len < hl + 4))
			return -SRTP_ERR_TRUNCATED;
		hl += 4 + 4 * (uint32_t)srtp_get_be16(pkt + hl + 2);
	}
	if (unlikely(len < hl))
		return -SRTP_ERR_TRUNCATED;
	h->hdr_len = hl;
	h->pt = pkt[1] & 0x7f;
	h->seq = srtp_get_be16(pkt + 2);
	h->ssrc = srtp_get_be32(pkt + 8);
	return 0;
}

/* With the P bit set, the last octet counts padding octets that must fit in the payload. */
int srtp_rtp_check_padding(const uint8_t *pkt, uint32_t len, uint32_t hdr_len)
{
	uint8_t pad;

	if (!(pkt[0] & 0x20))
		return 0;
	if (unlikely(len <= hdr_len))
		return -SRTP_ERR_MALFORMED;
	pad = pkt[len - 1];
	if (unlikely(pad == 0 || pad > len - hdr_len))
		return -SRTP_ERR_MALFORMED;
	return 0;
}

/* AES-CM: salt XOR SSRC << 64 XOR index << 16 (RFC 3711 4.1.1). */
static void iv_aes_cm(uint8_t iv[16], const uint8_t salt[SRTP_CM_SALT_LEN], uint32_t ssrc,
		      uint64_t index)
{
	memcpy(iv, salt, SRTP_CM_SALT_LEN);
	iv[14] = 0;
	iv[15] = 0;
	srtp_xor_be(iv + 4, ssrc, 4);
	srtp_xor_be(iv + 8, index, 6);
}

/* GCM: salt XOR (00 00 | SSRC | ROC | SEQ) (RFC 7714 8.1). */
static void iv_gcm_rtp(uint8_t iv[12], const uint8_t salt[SRTP_CM_SALT_LEN], uint32_t ssrc,
		       uint64_t index)
{
	memcpy(iv, salt, SRTP_GCM_SALT_LEN);
	srtp_xor_be(iv + 2, ssrc, 4);
	srtp_xor_be(iv + 6, index, 6);
}

static uint8_t rtp_tag_len(const struct srtp_ctx *c)
{
	if (c->policy.flags & SRTP_POLICY_UNAUTHENTICATED_SRTP)
		return 0;
	return c->suite->rtp_tag_len;
}

/* Fills the parts of j both directions share, for a packet of len octets without trailer. */
static void rtp_job(struct srtp_ctx *c, struct srtp_job *j, const struct srtp_rtp_hdr *h,
		    uint32_t len, uint64_t index)
{
	bool gcm = c->suite->cipher == SRTP_CIPHER_AES_GCM;

	j->keys = &c->rtp;
	j->index = index;
	j->ssrc = h->ssrc;
	j->hdr_len = h->hdr_len;
	j->body_len = len - h->hdr_len;
	j->tag_len = rtp_tag_len(c);
	if (c->suite->cipher != SRTP_CIPHER_NULL &&
	    !(c->policy.flags & SRTP_POLICY_UNENCRYPTED_SRTP))
		j->flags |= SRTP_JOB_ENCRYPT;
	if (gcm) {
		j->flags |= SRTP_JOB_AEAD;
		iv_gcm_rtp(j->iv, c->rtp.salt, h->ssrc, index);
		j->tag_off = len;
		j->tail_len = 0;
	} else {
		iv_aes_cm(j->iv, c->rtp.salt, h->ssrc, index);
		j->auth_len = len;
		j->tail_len = 4;
		srtp_put_be32(j->tail, (uint32_t)(index >> 16));
	}
}

/*
 * Describes protecting the RTP packet pkt[0, len) in a buffer of cap octets and writes its
 * MKI. The sender's ROC follows the SEQs it is given, reordered or not (the relay forwards in
 * arrival order); re-sending an index is not refused here, the receiver's window is.
 */
int srtp_rtp_protect_prepare(struct srtp_ctx *c, uint8_t *pkt, uint32_t len, uint32_t cap,
			 struct srtp_job *j)
{
	bool gcm = c->suite->cipher == SRTP_CIPHER_AES_GCM;
	uint32_t mki = c->policy.mki_len, grow;
	struct srtp_rtp_hdr h;
	struct srtp_stream *st;
	uint64_t index;
	bool too_old, is_new;
	int ret;

	ret = srtp_rtp_parse(pkt, len, &h);
	if (!ret)
		ret = srtp_rtp_check_padding(pkt, len, h.hdr_len);
	if (ret)
		return ret;
	grow = mki + rtp_tag_len(c);
	if (unlikely(cap < len || cap - len < grow))
		return -SRTP_ERR_NOSPACE;
	ret = srtp_stream_lookup(c, h.ssrc, true, &is_new);
	if (ret < 0)
		return ret;
	st = &c->streams[ret];
	index = srtp_estimate_index(st, h.seq, &too_old);
	ret = srtp_key_refresh(c, &c->rtp, false, index);
	if (ret)
		return ret;
	if (!(st->flags & SRTP_STREAM_RTP_SEEN) || index > st->rtp.top) {
		srtp_window_update(&st->rtp, st->flags & SRTP_STREAM_RTP_SEEN, index);
		st->flags |= SRTP_STREAM_RTP_SEEN;
	}

	memset(j, 0, sizeof(*j));
	rtp_job(c, j, &h, len, index);
	j->stream = (uint16_t)(st - c->streams);
	j->out_len = len + grow;
	memcpy(pkt + (gcm ? len + SRTP_GCM_TAG_LEN : len), c->policy.mki, mki);
	if (!gcm)
		j->tag_off = len + mki;
	return 0;
}

/*
 * Describes unprotecting the SRTP packet pkt[0, len): parses it, checks its MKI, estimates
 * its index and checks the replay window. Changes no state; srtp_unprotect_finish() does.
 */
int srtp_rtp_unprotect_prepare(struct srtp_ctx *c, const uint8_t *pkt, uint32_t len,
			   struct srtp_job *j)
{
	bool gcm = c->suite->cipher == SRTP_CIPHER_AES_GCM;
	uint32_t mki = c->policy.mki_len, trailer, mki_off;
	struct srtp_stream fresh, *st;
	struct srtp_rtp_hdr h;
	uint64_t index;
	bool too_old, is_new;
	int ret;

	ret = srtp_rtp_parse(pkt, len, &h);
	if (ret)
		return ret;
	trailer = mki + rtp_tag_len(c);
	if (unlikely(len - h.hdr_len < trailer))
		return -SRTP_ERR_TRUNCATED;
	mki_off = gcm ? len - mki : len - trailer;
	if (unlikely(mki && memcmp(pkt + mki_off, c->policy.mki, mki)))
		return -SRTP_ERR_MKI;
	ret = srtp_stream_lookup(c, h.ssrc, false, &is_new);
	if (ret < 0)
		return ret;
	if (is_new) {
		memset(&fresh, 0, sizeof(fresh));
		st = &fresh;
	} else {
		st = &c->streams[ret];
	}
	index = srtp_estimate_index(st, h.seq, &too_old);
	if (unlikely(too_old))
		return -SRTP_ERR_REPLAY_OLD;
	ret = srtp_window_check(&st->rtp, st->flags & SRTP_STREAM_RTP_SEEN, index);
	if (!ret)
		ret = srtp_key_refresh(c, &c->rtp, false, index);
	if (ret)
		return ret;

	memset(j, 0, sizeof(*j));
	rtp_job(c, j, &h, len - trailer, index);
	if (is_new)
		j->flags |= SRTP_JOB_NEW_STREAM;
	else
		j->stream = (uint16_t)(st - c->streams);
	if (!gcm)
		j->tag_off = len - j->tag_len;
	j->out_len = len - trailer;
	return 0;
}

/* Protects the RTP packet in pkt (cap octets of room) in place; *len grows by the trailer. */
int srtp_rtp_protect(struct srtp_ctx *c, uint8_t *pkt, uint32_t *len, uint32_t cap)
{
	struct srtp_job j;
	int ret = srtp_rtp_protect_prepare(c, pkt, *len, cap, &j);

	if (!ret)
		ret = srtp_job_crypt(c, &j, pkt, true);
	if (!ret)
		*len = j.out_len;
	else
		srtp_count_drop(c, ret);
	return ret;
}

/* Verifies and decrypts the SRTP packet in pkt in place; *len shrinks to the RTP packet. */
int srtp_rtp_unprotect(struct srtp_ctx *c, uint8_t *pkt, uint32_t *len)
{
	struct srtp_job j;
	int ret = srtp_rtp_unprotect_prepare(c, pkt, *len, &j);

	if (!ret)
		ret = srtp_job_crypt(c, &j, pkt, false);
	if (!ret)
		ret = srtp_unprotect_finish(c, &j, pkt);
	if (!ret)
		*len = j.out_len;
	else
		srtp_count_drop(c, ret);
	return ret;
}
