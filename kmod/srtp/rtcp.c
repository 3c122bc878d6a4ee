// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * SRTCP packets (RFC 3711 3.4, RFC 7714 9):
 *   AES-CM / NULL:  header (8) | rest (encrypted if E)       | E|index | MKI | HMAC tag
 *   AES-GCM:        header (8) | rest (encrypted if E) | tag | E|index | MKI
 * HMAC covers everything up to and including E|index. GCM's AAD is the header and E|index
 * when E is set, or the whole packet and E|index when it is not.
 */
#include "srtp.h"

#define SRTCP_E 0x80000000u
#define SRTCP_INDEX_MASK 0x7fffffffu

static bool rtcp_type_ok(uint8_t pt)
{
	return pt >= 192 && pt <= 223;	/* RFC 5761 4: the RTCP range, also under rtcp-mux */
}

/*
 * What SRTCP itself needs of an RTCP packet: a version 2 header of an RTCP type, with the
 * sender SSRC. The rest is the endpoints' business: published vectors (RFC 7714 17, libsrtp's)
 * carry length fields that do not add up, and a relay must not be stricter than the peers.
 */
int srtp_rtcp_check_header(const uint8_t *pkt, uint32_t len)
{
	if (unlikely(len < 8))
		return -SRTP_ERR_TRUNCATED;
	if (unlikely((pkt[0] >> 6) != 2 || !rtcp_type_ok(pkt[1])))
		return -SRTP_ERR_MALFORMED;
	return 0;
}

/*
 * Checks a (compound) RTCP packet: version 2 and an RTCP type in every part, lengths that add
 * up to len exactly, padding only in the last part.
 */
int srtp_rtcp_check_compound(const uint8_t *pkt, uint32_t len)
{
	uint32_t off = 0;

	if (unlikely(len < 8))
		return -SRTP_ERR_TRUNCATED;
	while (off < len) {
		uint32_t plen;

		if (unlikely(len - off < 4))
			return -SRTP_ERR_TRUNCATED;
		if (unlikely((pkt[off] >> 6) != 2 || !rtcp_type_ok(pkt[off + 1])))
			return -SRTP_ERR_MALFORMED;
		plen = 4 * ((uint32_t)srtp_get_be16(pkt + off + 2) + 1);
		if (unlikely(plen > len - off))
			return -SRTP_ERR_TRUNCATED;
		if (pkt[off] & 0x20) {
			uint8_t pad = pkt[off + plen - 1];

			if (unlikely(off + plen != len || pad == 0 || pad > plen - 4))
				return -SRTP_ERR_MALFORMED;
		}
		off += plen;
	}
	return 0;
}

static void srtcp_iv(struct srtp_job *j, const struct srtp_ctx *c)
{
	const uint8_t *salt = c->rtcp.salt;

	if (j->flags & SRTP_JOB_AEAD) {
		/* salt XOR (00 00 | SSRC | 00 00 | 0 | index) (RFC 7714 9.1) */
		memcpy(j->iv, salt, SRTP_GCM_SALT_LEN);
		srtp_xor_be(j->iv + 2, j->ssrc, 4);
		srtp_xor_be(j->iv + 8, j->index, 4);
	} else {
		memcpy(j->iv, salt, SRTP_CM_SALT_LEN);
		j->iv[14] = 0;
		j->iv[15] = 0;
		srtp_xor_be(j->iv + 4, j->ssrc, 4);
		srtp_xor_be(j->iv + 8, j->index, 6);
	}
}

/*
 * Fills j for an SRTCP packet whose RTCP part is pkt[0, len) and whose E|index word is
 * already known; idx_off is where that word sits.
 */
static void rtcp_job(struct srtp_ctx *c, struct srtp_job *j, uint32_t len, uint32_t word,
		     uint32_t idx_off)
{
	bool gcm = c->suite->cipher == SRTP_CIPHER_AES_GCM;

	j->keys = &c->rtcp;
	j->flags |= SRTP_JOB_RTCP;
	j->index = word & SRTCP_INDEX_MASK;
	if ((word & SRTCP_E) && c->suite->cipher != SRTP_CIPHER_NULL)
		j->flags |= SRTP_JOB_ENCRYPT;
	j->tag_len = c->suite->rtcp_tag_len;
	j->hdr_len = 8;
	j->body_len = len - 8;
	if (gcm) {
		j->flags |= SRTP_JOB_AEAD;
		if (!(j->flags & SRTP_JOB_ENCRYPT)) {
			j->hdr_len = len;	/* all of it is AAD */
			j->body_len = 0;
		}
		j->tail_len = 4;
		srtp_put_be32(j->tail, word);
		j->tag_off = len;
	} else {
		j->auth_len = idx_off + 4;
		j->tag_off = idx_off + 4 + c->policy.mki_len;
	}
	srtcp_iv(j, c);
}

/*
 * Describes protecting the (compound) RTCP packet pkt[0, len), in a buffer of cap octets, with
 * the next SRTCP index of its sender SSRC; writes E|index and the MKI.
 */
int srtp_rtcp_protect_prepare(struct srtp_ctx *c, uint8_t *pkt, uint32_t len, uint32_t cap,
			  struct srtp_job *j)
{
	bool gcm = c->suite->cipher == SRTP_CIPHER_AES_GCM;
	uint32_t mki = c->policy.mki_len, grow, word, idx_off;
	struct srtp_stream *st;
	bool is_new;
	int ret;

	ret = srtp_rtcp_check_header(pkt, len);
	if (ret)
		return ret;
	grow = 4 + mki + c->suite->rtcp_tag_len;
	if (unlikely(cap < len || cap - len < grow))
		return -SRTP_ERR_NOSPACE;
	ret = srtp_stream_lookup(c, srtp_get_be32(pkt + 4), true, &is_new);
	if (ret < 0)
		return ret;
	st = &c->streams[ret];
	word = (st->rtcp_tx_index + 1) & SRTCP_INDEX_MASK;
	ret = srtp_key_refresh(c, &c->rtcp, true, word);
	if (ret)
		return ret;
	st->rtcp_tx_index = word;
	if (c->suite->cipher != SRTP_CIPHER_NULL &&
	    !(c->policy.flags & SRTP_POLICY_UNENCRYPTED_SRTCP))
		word |= SRTCP_E;

	memset(j, 0, sizeof(*j));
	j->ssrc = st->ssrc;
	j->stream = (uint16_t)(st - c->streams);
	idx_off = gcm ? len + SRTP_GCM_TAG_LEN : len;
	rtcp_job(c, j, len, word, idx_off);
	srtp_put_be32(pkt + idx_off, word);
	memcpy(pkt + idx_off + 4, c->policy.mki, mki);
	j->out_len = len + grow;
	return 0;
}

/*
 * Describes unprotecting the SRTCP packet pkt[0, len): parses the trailer, checks the MKI and
 * the replay window. Changes no state; srtp_unprotect_finish() does.
 */
int srtp_rtcp_unprotect_prepare(struct srtp_ctx *c, const uint8_t *pkt, uint32_t len,
			    struct srtp_job *j)
{
	bool gcm = c->suite->cipher == SRTP_CIPHER_AES_GCM;
	uint32_t mki = c->policy.mki_len, tag = c->suite->rtcp_tag_len, idx_off, rtcp_len, word;
	const struct srtp_stream *st = NULL;
	bool is_new;
	int ret;

	ret = srtp_rtcp_check_header(pkt, len);
	if (ret)
		return ret;
	if (unlikely(len < 8 + 4 + mki + tag))
		return -SRTP_ERR_TRUNCATED;
	idx_off = gcm ? len - mki - 4 : len - tag - mki - 4;
	rtcp_len = gcm ? idx_off - tag : idx_off;
	if (unlikely(mki && memcmp(pkt + idx_off + 4, c->policy.mki, mki)))
		return -SRTP_ERR_MKI;
	word = srtp_get_be32(pkt + idx_off);

	memset(j, 0, sizeof(*j));
	j->ssrc = srtp_get_be32(pkt + 4);
	ret = srtp_stream_lookup(c, j->ssrc, false, &is_new);
	if (ret < 0)
		return ret;
	if (is_new) {
		j->flags |= SRTP_JOB_NEW_STREAM;
	} else {
		j->stream = (uint16_t)ret;
		st = &c->streams[ret];
	}
	rtcp_job(c, j, rtcp_len, word, idx_off);
	if (st) {
		ret = srtp_window_check(&st->rtcp, st->flags & SRTP_STREAM_RTCP_SEEN, j->index);
		if (ret)
			return ret;
	}
	ret = srtp_key_refresh(c, &c->rtcp, true, j->index);
	if (ret)
		return ret;
	j->out_len = rtcp_len;
	return 0;
}

/* Protects the RTCP packet in pkt (cap octets of room) in place; *len grows by the trailer. */
int srtp_rtcp_protect(struct srtp_ctx *c, uint8_t *pkt, uint32_t *len, uint32_t cap)
{
	struct srtp_job j;
	int ret = srtp_rtcp_protect_prepare(c, pkt, *len, cap, &j);

	if (!ret)
		ret = srtp_job_crypt(c, &j, pkt, true);
	if (!ret)
		*len = j.out_len;
	else
		srtp_count_drop(c, ret);
	return ret;
}

/* Verifies and decrypts the SRTCP packet in pkt in place; *len shrinks to the RTCP packet. */
int srtp_rtcp_unprotect(struct srtp_ctx *c, uint8_t *pkt, uint32_t *len)
{
	struct srtp_job j;
	int ret = srtp_rtcp_unprotect_prepare(c, pkt, *len, &j);

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
