// SPDX-License-Identifier: GPL-2.0 OR MIT
/* Contexts and their streams, and running a job through the ops table. */
#include "srtp.h"

static int check_policy(const struct srtp_suite *s, const struct srtp_policy *p)
{
	if (!s || (p->flags & ~SRTP_POLICY_ALL) || p->mki_len > SRTP_MKI_LEN_MAX)
		return -SRTP_ERR_INVAL;
	if ((p->flags & SRTP_POLICY_KDR) && p->kdr_log2 > SRTP_MAX_KDR_LOG2)
		return -SRTP_ERR_INVAL;
	/*
	 * An AEAD cannot leave out either half for SRTP; SRTCP with E=0 is authenticated-only
	 * GCM (RFC 7714 9.2, 17.3).
	 */
	if (s->cipher == SRTP_CIPHER_AES_GCM &&
	    (p->flags & (SRTP_POLICY_UNENCRYPTED_SRTP | SRTP_POLICY_UNAUTHENTICATED_SRTP)))
		return -SRTP_ERR_INVAL;
	return 0;
}

/*
 * Sets up c for policy p: derives and keys the session transforms once. streams is used as
 * it is: zero it for new state, or hand over an earlier context's array to carry ROCs and
 * replay windows across a re-key. On failure c holds nothing to free.
 */
int srtp_ctx_init(struct srtp_ctx *c, const struct srtp_ops *ops, const struct srtp_policy *p,
		  struct srtp_stream *streams, uint16_t max_streams)
{
	const struct srtp_suite *s = srtp_suite_get(p->suite);
	int ret = check_policy(s, p);

	memset(c, 0, sizeof(*c));
	if (ret)
		return ret;
	if (!ops || (max_streams && !streams))
		return -SRTP_ERR_INVAL;
	c->suite = s;
	c->ops = ops;
	c->policy = *p;
	c->streams = streams;
	c->max_streams = max_streams;
	ret = srtp_derive_keys(ops, s, p, false, 0, &c->rtp);
	if (!ret) {
		ret = srtp_derive_keys(ops, s, p, true, 0, &c->rtcp);
		if (ret)
			srtp_keys_free(ops, s, &c->rtp);
	}
	/* Without a key derivation rate the master key is never needed again. */
	if (ret || !(p->flags & SRTP_POLICY_KDR)) {
		srtp_wipe(c->policy.key, sizeof(c->policy.key));
		srtp_wipe(c->policy.salt, sizeof(c->policy.salt));
	}
	if (ret)
		memset(c, 0, sizeof(*c));
	return ret;
}

/* Frees c's transforms and wipes its keys; the streams array stays the caller's. */
void srtp_ctx_free(struct srtp_ctx *c)
{
	if (!c->suite)
		return;
	srtp_keys_free(c->ops, c->suite, &c->rtp);
	srtp_keys_free(c->ops, c->suite, &c->rtcp);
	srtp_wipe(&c->policy, sizeof(c->policy));
	c->suite = NULL;
}

/* The slot of ssrc in c->streams, or -1. */
int srtp_stream_find(const struct srtp_ctx *c, uint32_t ssrc)
{
	for (uint16_t i = 0; i < c->max_streams; i++)
		if ((c->streams[i].flags & SRTP_STREAM_USED) && c->streams[i].ssrc == ssrc)
			return i;
	return -1;
}

static int stream_free_slot(const struct srtp_ctx *c)
{
	for (uint16_t i = 0; i < c->max_streams; i++)
		if (!(c->streams[i].flags & SRTP_STREAM_USED))
			return i;
	return -1;
}

/* Finds ssrc's slot or claims a free one; -SRTP_ERR_NO_STREAM when all are taken. */
static int stream_get(struct srtp_ctx *c, uint32_t ssrc)
{
	int i = srtp_stream_find(c, ssrc);

	if (i >= 0)
		return i;
	i = stream_free_slot(c);
	if (i < 0)
		return -SRTP_ERR_NO_STREAM;
	memset(&c->streams[i], 0, sizeof(c->streams[i]));
	c->streams[i].ssrc = ssrc;
	c->streams[i].flags = SRTP_STREAM_USED;
	return i;
}

/* Finds the slot a packet of ssrc uses; *is_new when the SSRC has none but one is free. */
int srtp_stream_lookup(struct srtp_ctx *c, uint32_t ssrc, bool create, bool *is_new)
{
	int i = srtp_stream_find(c, ssrc);

	*is_new = false;
	if (i >= 0)
		return i;
	if (create)
		return stream_get(c, ssrc);
	if (stream_free_slot(c) < 0)
		return -SRTP_ERR_NO_STREAM;
	*is_new = true;
	return 0;
}

/*
 * Sets the ROC of ssrc from outside (a stream another relay or the kernel carried before):
 * before its first packet that ROC is used as is; afterwards it replaces the tracked one and
 * the replay window restarts below the same SEQ. Returns the slot or a negative error.
 */
int srtp_stream_set_roc(struct srtp_ctx *c, uint32_t ssrc, uint32_t roc)
{
	int i = stream_get(c, ssrc);
	struct srtp_stream *st;

	if (i < 0)
		return i;
	st = &c->streams[i];
	st->rtp.top = (uint64_t)roc << 16 | (st->rtp.top & 0xffff);
	memset(st->rtp.bits, 0, sizeof(st->rtp.bits));
	if (st->flags & SRTP_STREAM_RTP_SEEN)
		st->rtp.bits[(st->rtp.top >> 6) & (SRTP_REPLAY_WORDS - 1)] |=
			(uint64_t)1 << (st->rtp.top & 63);
	return i;
}

/* A window whose highest index is top and every index below it taken. */
static void window_full(struct srtp_window *w, uint64_t top)
{
	unsigned int bit = (unsigned int)(top & 63);

	w->top = top;
	memset(w->bits, 0xff, sizeof(w->bits));
	/* top's own word: nothing above top (those indexes are still to come) */
	w->bits[(top >> 6) & (SRTP_REPLAY_WORDS - 1)] =
		bit == 63 ? ~(uint64_t)0 : ((uint64_t)1 << (bit + 1)) - 1;
}

int srtp_stream_advance(struct srtp_ctx *c, uint32_t ssrc, const struct srtp_stream_state *s)
{
	int i = stream_get(c, ssrc);
	struct srtp_stream *st;
	uint64_t idx;

	if (i < 0)
		return i;
	st = &c->streams[i];
	if (s->has_rtp) {
		idx = s->rtp_index & 0xffffffffffffull;
		if (!(st->flags & SRTP_STREAM_RTP_SEEN) || idx > st->rtp.top)
			window_full(&st->rtp, idx);
		st->flags |= SRTP_STREAM_RTP_SEEN;
	}
	if (s->has_rtcp) {
		idx = s->rtcp_index & 0x7fffffffu;
		if (!(st->flags & SRTP_STREAM_RTCP_SEEN) || idx > st->rtcp.top)
			window_full(&st->rtcp, idx);
		st->flags |= SRTP_STREAM_RTCP_SEEN;
		if (idx > st->rtcp_tx_index)
			st->rtcp_tx_index = (uint32_t)idx;
	}
	return i;
}

/* Re-derives k when the key derivation rate says index needs other session keys. */
int srtp_key_refresh(struct srtp_ctx *c, struct srtp_keys *k, bool rtcp, uint64_t index)
{
	struct srtp_keys fresh;
	uint64_t r;
	int ret;

	if (likely(!(c->policy.flags & SRTP_POLICY_KDR)))
		return 0;
	r = index >> c->policy.kdr_log2;
	if (r == k->r)
		return 0;
	ret = srtp_derive_keys(c->ops, c->suite, &c->policy, rtcp, r, &fresh);
	if (ret)
		return ret;
	srtp_keys_free(c->ops, c->suite, k);
	*k = fresh;
	return 0;
}

/* Compares without an early exit, so a forger learns nothing from timing. */
static bool tag_differs(const uint8_t *a, const uint8_t *b, uint32_t n)
{
	uint8_t d = 0;

	for (uint32_t i = 0; i < n; i++)
		d |= a[i] ^ b[i];
	return d != 0;
}

static int job_aead(const struct srtp_ops *ops, const struct srtp_job *j, uint8_t *pkt,
		    bool protect)
{
	uint8_t *text = pkt + j->hdr_len;

	if (protect)
		return ops->gcm_seal(j->keys->cipher, j->iv, pkt, j->hdr_len, j->tail, j->tail_len,
				     text, j->body_len, pkt + j->tag_off) ? -SRTP_ERR_CRYPTO : 0;
	return ops->gcm_open(j->keys->cipher, j->iv, pkt, j->hdr_len, j->tail, j->tail_len,
			     text, j->body_len, pkt + j->tag_off) ? -SRTP_ERR_AUTH : 0;
}

/*
 * Runs j on pkt through the ops table: encrypt then authenticate to protect, verify then
 * decrypt to unprotect. -SRTP_ERR_AUTH leaves pkt unchanged.
 */
int srtp_job_crypt(const struct srtp_ctx *c, const struct srtp_job *j, uint8_t *pkt, bool protect)
{
	const struct srtp_ops *ops = c->ops;
	bool enc = j->flags & SRTP_JOB_ENCRYPT;
	uint8_t mac[20];

	if (j->flags & SRTP_JOB_AEAD)
		return job_aead(ops, j, pkt, protect);
	if (protect && enc && ops->ctr_xor(j->keys->cipher, j->iv, pkt + j->hdr_len, j->body_len))
		return -SRTP_ERR_CRYPTO;
	if (j->tag_len) {
		if (ops->hmac(j->keys->auth, pkt, j->auth_len, j->tail, j->tail_len, mac))
			return -SRTP_ERR_CRYPTO;
		if (protect)
			memcpy(pkt + j->tag_off, mac, j->tag_len);
		else if (tag_differs(mac, pkt + j->tag_off, j->tag_len))
			return -SRTP_ERR_AUTH;
	}
	if (!protect && enc && ops->ctr_xor(j->keys->cipher, j->iv, pkt + j->hdr_len, j->body_len))
		return -SRTP_ERR_CRYPTO;
	return 0;
}

/*
 * Completes an unprotect whose job authenticated: checks the decrypted packet's own framing,
 * then records its index in the replay window and, for SRTP, its ROC. Checking the window
 * again here keeps a duplicate that raced through crypto on another CPU out.
 */
int srtp_unprotect_finish(struct srtp_ctx *c, const struct srtp_job *j, const uint8_t *pkt)
{
	bool rtcp = j->flags & SRTP_JOB_RTCP;
	uint8_t seen_flag = rtcp ? SRTP_STREAM_RTCP_SEEN : SRTP_STREAM_RTP_SEEN;
	struct srtp_stream *st;
	struct srtp_window *w;
	int ret;

	ret = rtcp ? srtp_rtcp_check_header(pkt, j->out_len)
		   : srtp_rtp_check_padding(pkt, j->out_len, j->hdr_len);
	if (ret)
		return ret;
	ret = (j->flags & SRTP_JOB_NEW_STREAM) ? stream_get(c, j->ssrc) : j->stream;
	if (ret < 0)
		return ret;
	st = &c->streams[ret];
	if (unlikely(!(st->flags & SRTP_STREAM_USED) || st->ssrc != j->ssrc))
		return -SRTP_ERR_NO_STREAM;
	w = rtcp ? &st->rtcp : &st->rtp;
	ret = srtp_window_check(w, st->flags & seen_flag, j->index);
	if (ret)
		return ret;
	srtp_window_update(w, st->flags & seen_flag, j->index);
	st->flags |= seen_flag;
	return 0;
}
