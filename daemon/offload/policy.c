// SPDX-License-Identifier: GPL-2.0 OR MIT
/* What a stream's kernel flow is (policy.h): no I/O, no netlink. */
#include <string.h>

#include "packet.h"
#include "policy.h"
#include "relay.h"

/*
 * The SRTCP index an encrypting context hands over: a little ahead of its own. Packets already
 * queued on the socket are still protected by the side handing over after the other took
 * the stream (or just before it let go), and an index used twice under one key would repeat
 * a keystream; a gap in SRTCP indexes costs nothing.
 */
#define RTCP_INDEX_MARGIN 64
static uint32_t rtcp_index_ahead(uint32_t index)
{
	return index + RTCP_INDEX_MARGIN > 0x7fffffffu ? 0x7fffffffu : index + RTCP_INDEX_MARGIN;
}

/* A context's key and where its streams stand, for a flow; outbound: it encrypts. */
static bool crypto_from(struct kflow_crypto *kc, const struct srtp_policy *pol,
			const struct srtp_stream *st, bool outbound)
{
	const struct srtp_suite *suite = srtp_suite_get(pol->suite);
	struct kflow_ssrc *s;

	if (!suite || (pol->flags & SRTP_POLICY_KDR))
		return false;
	kc->present = true;
	kc->suite = pol->suite;	/* enum srtprelay_suite has the core's numbering */
	kc->flags = 0;
	if (pol->flags & SRTP_POLICY_UNENCRYPTED_SRTP)
		kc->flags |= SRTPRELAY_CRYPTO_F_UNENCRYPTED_SRTP;
	if (pol->flags & SRTP_POLICY_UNENCRYPTED_SRTCP)
		kc->flags |= SRTPRELAY_CRYPTO_F_UNENCRYPTED_SRTCP;
	if (pol->flags & SRTP_POLICY_UNAUTHENTICATED_SRTP)
		kc->flags |= SRTPRELAY_CRYPTO_F_UNAUTHENTICATED_SRTP;
	kc->key_len = suite->key_len;
	memcpy(kc->key, pol->key, suite->key_len);
	kc->salt_len = suite->salt_len;
	memcpy(kc->salt, pol->salt, suite->salt_len);
	kc->mki_len = pol->mki_len;
	memcpy(kc->mki, pol->mki, pol->mki_len);
	kc->nssrc = 0;
	for (unsigned int i = 0; i < CALL_MAX_SSRC && kc->nssrc < SRTPRELAY_MAX_SSRCS; i++) {
		if (!(st[i].flags & SRTP_STREAM_USED))
			continue;
		s = &kc->ssrc[kc->nssrc++];
		memset(s, 0, sizeof(*s));
		s->id = st[i].ssrc;
		s->roc = (uint32_t)(st[i].rtp.top >> 16);
		/* where userspace left it: the kernel takes no packet relayed here again */
		if (st[i].flags & SRTP_STREAM_RTP_SEEN) {
			s->seq = (uint16_t)st[i].rtp.top;
			s->has |= KFLOW_SSRC_HAS_SEQ;
		}
		if (outbound ? st[i].rtcp_tx_index != 0 : (st[i].flags & SRTP_STREAM_RTCP_SEEN)) {
			s->rtcp_index = outbound ? rtcp_index_ahead(st[i].rtcp_tx_index) :
						   (uint32_t)st[i].rtcp.top;
			s->has |= KFLOW_SSRC_HAS_RTCP_INDEX;
		}
	}
	return true;
}

void offload_take_state(struct srtp_ctx *ctx, bool on, const struct kflow_crypto *kc,
			bool outbound)
{
	for (unsigned int i = 0; on && kc->present && i < kc->nssrc; i++) {
		const struct kflow_ssrc *k = &kc->ssrc[i];
		struct srtp_stream_state s = {
			.rtp_index = (uint64_t)k->roc << 16 | k->seq,
			.rtcp_index = outbound ? rtcp_index_ahead(k->rtcp_index) : k->rtcp_index,
			.has_rtp = k->has & KFLOW_SSRC_HAS_SEQ,
			.has_rtcp = k->has & KFLOW_SSRC_HAS_RTCP_INDEX,
		};

		if (s.has_rtp || s.has_rtcp)
			srtp_stream_advance(ctx, k->id, &s);	/* no room: that SSRC starts over */
	}
}

bool offload_flow(const struct media_side *x, unsigned int comp, uint64_t cookie,
		  struct kflow *f)
{
	const struct media_side *y = x->other;
	const struct peer *src = &x->peer[comp];
	const struct sockaddr_storage *to = packet_destination(y, comp);
	const struct msock *out = y->sock[y->rtcp_mux ? COMP_RTP : comp];

	if (!x->sock[comp] || !out || !to || !src->confirmed)
		return false;
	kflow_init(f);
	f->local = x->local;
	addr_set_port(&f->local, x->sock[comp]->port);
	f->source = y->local;
	addr_set_port(&f->source, out->port);
	f->peer = *to;
	f->expect = src->learned;
	if (media_policy(x)->learning == EL_OFF && !src->by_ice && !x->strict_source)
		addr_set_port(&f->expect, 0);	/* any port of the SDP address */
	if (packet_sdp_may_take_over(x, comp))
		f->flags |= SRTPRELAY_FLOW_F_SOURCE_PASS;
	f->media = x->rtcp_mux ? SRTPRELAY_MEDIA_MUX :
		   comp == COMP_RTP ? SRTPRELAY_MEDIA_RTP : SRTPRELAY_MEDIA_RTCP;
	f->has_cookie = true;
	f->cookie = cookie;
	if (x->in_on && !crypto_from(&f->decrypt, &x->in_pol, x->in_st, false))
		return false;
	if (y->out_on && !crypto_from(&f->encrypt, &y->out_pol, y->out_st, true)) {
		kflow_wipe(f);
		return false;
	}
	return true;
}

/* A bundle of several media has one port for several contexts: userspace demultiplexes. */
static bool in_bundle(const struct media_side *m)
{
	return m->bundle || m->n_bundled;
}

bool offload_possible(const struct media_side *x)
{
	const struct media_side *y = x->other;

	return y && !x->raw && !x->rejected && !y->rejected && x->sock[COMP_RTP] &&
	       !in_bundle(x) && !in_bundle(y) && !y->consent_lost &&
	       y->sock[COMP_RTP] && x->peer[COMP_RTP].confirmed &&
	       (!x->secure || x->in_on) && (!y->secure || y->out_on) &&
	       packet_destination(y, COMP_RTP);
}

uint64_t offload_cookie(const struct call *c)
{
	uint64_t h = 1469598103934665603ull;	/* FNV-1a 64 */

	for (unsigned int i = 0; i < c->id_len; i++)
		h = (h ^ (uint8_t)c->id[i]) * 1099511628211ull;
	return h;
}
