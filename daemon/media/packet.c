// SPDX-License-Identifier: GPL-2.0 OR MIT
#include <netinet/in.h>
#include <string.h>

#include "bundle.h"
#include "log.h"
#include "options.h"
#include "packet.h"

static struct log_limit src_limit, auth_limit;

static int drop(struct media_side *x, unsigned int comp, enum drop_reason r)
{
	x->stats[comp].drops[r]++;
	return -1 - (int)r;
}

const struct sockaddr_storage *packet_destination(const struct media_side *y, unsigned int comp)
{
	const struct peer *p = &y->peer[y->rtcp_mux ? COMP_RTP : comp];

	if (y->zero_hold)
		return NULL;	/* it asked for nothing: c=0.0.0.0 */
	if (p->confirmed)
		return &p->learned;
	return addr_usable(&p->sdp) ? &p->sdp : NULL;
}

/*
 * Endpoint learning: which source a side's packets may come from, and where its media goes.
 * The rules that hold in every mode:
 *  - until the endpoint is confirmed, media goes to the address its SDP gave (never to a
 *    source merely seen), so a stranger who speaks first receives nothing;
 *  - a packet from the SDP address and port confirms the endpoint at once, and takes it over
 *    from a source confirmed earlier (not from one an ICE nomination confirmed);
 *  - with strict-source only the SDP address is accepted;
 *  - for SRTP all of this runs only once the packet has authenticated (RTP bleed).
 * How a source other than the SDP address (a NAT) gets confirmed, by mode:
 *  - delayed: the first such source is tentative; it is confirmed by its own packet once
 *    LEARN_WINDOW passed since the first packet with the SDP address silent;
 *  - heuristic: the same, but during the window a source of a better rank replaces the
 *    tentative one: the SDP address on another port, then the SDP port on another address;
 *  - immediate: the first packet's source is confirmed at once (rtpengine's immediate);
 *  - off: nothing is learned; media goes to the SDP address, packets are accepted from the
 *    SDP address's IP on any port (asymmetric endpoints).
 */
enum { RANK_SDP, RANK_SAME_IP, RANK_SAME_PORT, RANK_OTHER };

static uint8_t rank_of(unsigned int mode, const struct peer *p,
		       const struct sockaddr_storage *src)
{
	if (addr_equal(src, &p->sdp))
		return RANK_SDP;
	if (mode != EL_HEURISTIC || !addr_usable(&p->sdp))
		return RANK_OTHER;
	if (addr_same_host(src, &p->sdp))
		return RANK_SAME_IP;
	return src->ss_family == p->sdp.ss_family && addr_port(src) == addr_port(&p->sdp) ?
		       RANK_SAME_PORT : RANK_OTHER;
}

bool packet_sdp_may_take_over(const struct media_side *x, unsigned int comp)
{
	const struct peer *p = &x->peer[x->rtcp_mux ? COMP_RTP : comp];

	return p->confirmed && !p->by_ice && !x->strict_source &&
	       media_policy(x)->learning != EL_OFF && addr_usable(&p->sdp) &&
	       !addr_equal(&p->learned, &p->sdp);
}

static bool source_ok(struct media_side *x, unsigned int comp, const struct sockaddr_storage *src)
{
	struct peer *p = &x->peer[x->rtcp_mux ? COMP_RTP : comp];
	unsigned int mode = media_policy(x)->learning;

	if (mode == EL_OFF && !p->by_ice)
		return addr_usable(&p->sdp) && (x->strict_source ? addr_equal(src, &p->sdp) :
								   addr_same_host(src, &p->sdp));
	if (p->confirmed)
		return addr_equal(src, &p->learned) ||
		       (addr_equal(src, &p->sdp) && packet_sdp_may_take_over(x, comp));
	if (addr_equal(src, &p->sdp))
		return true;
	if (x->strict_source)
		return false;
	if (mode == EL_IMMEDIATE || !p->learned.ss_family ||
	    addr_equal(src, &p->learned))
		return true;
	/* One tentative address at a time; in heuristic mode a better one replaces it. */
	return rank_of(mode, p, src) < p->rank;
}

static void confirm(struct media_side *x, struct peer *p, const struct sockaddr_storage *src)
{
	p->learned = *src;
	p->confirmed = true;
	x->kernel_check = true;
}

static void learn(struct media_side *x, unsigned int comp, const struct sockaddr_storage *src,
		  double now)
{
	struct peer *p = &x->peer[x->rtcp_mux ? COMP_RTP : comp];
	unsigned int mode = media_policy(x)->learning;
	uint8_t rank;

	if (p->confirmed && addr_equal(src, &p->learned))
		return;
	if (mode == EL_OFF && !p->by_ice) {
		if (!p->confirmed)
			confirm(x, p, &p->sdp);	/* media stays on the SDP address */
		return;
	}
	rank = rank_of(mode, p, src);
	if (rank == RANK_SDP || mode == EL_IMMEDIATE) {
		confirm(x, p, src);	/* source_ok let it take over a confirmed one */
		return;
	}
	if (!p->learn_start)
		p->learn_start = now;
	if (!p->learned.ss_family || rank < p->rank) {
		p->learned = *src;
		p->rank = rank;
	}
	if (now >= p->learn_start + LEARN_WINDOW)
		confirm(x, p, src);
}

/* The core's drop classes (srtp_err_drop, shared with the module) as our counters. */
static enum drop_reason srtp_drop_reason(int err)
{
	static const enum drop_reason map[] = {
		[SRTP_DROP_MALFORMED] = DROP_MALFORMED,	[SRTP_DROP_AUTH] = DROP_AUTH,
		[SRTP_DROP_REPLAY] = DROP_REPLAY,	[SRTP_DROP_NO_STREAM] = DROP_UNKNOWN_SSRC,
		[SRTP_DROP_CRYPTO] = DROP_CRYPTO,
	};

	return map[srtp_err_drop(err)];
}

/* Non-RTP media: same source rules, no demultiplexing, no crypto. */
static int raw_forward(struct media_side *x, struct media_side *y, unsigned int comp,
		       const struct sockaddr_storage *src, uint32_t len, double now,
		       struct pkt_out *out)
{
	const struct sockaddr_storage *to;

	if (!source_ok(x, comp, src))
		return drop(x, comp, DROP_BAD_SOURCE);
	learn(x, comp, src, now);
	x->stats[comp].packets++;
	x->stats[comp].bytes += len;
	x->last_packet = now;
	if (!y || y->rejected || !(to = packet_destination(y, comp)) || !y->sock[comp])
		return drop(x, comp, DROP_NO_DEST);
	out->sock = y->sock[comp];
	out->to = *to;
	out->comp = (uint8_t)comp;
	return 0;
}

/* RTP's SSRC, or RTCP's sender SSRC (len checked by the caller: at least 12). */
static uint32_t pkt_ssrc(const uint8_t *pkt, unsigned int comp)
{
	const uint8_t *p = pkt + (comp == COMP_RTCP ? 4 : 8);

	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

bool packet_consent_ok(const struct media_side *t, double now)
{
	double timeout = media_policy(t)->consent_timeout;

	return !t->ice.on || !t->ice.last_request || !timeout ||
	       now - t->ice.last_request <= timeout;
}

int packet_process(struct media_side *t, unsigned int comp, const struct sockaddr_storage *src,
		   uint8_t *pkt, uint32_t *len, uint32_t cap, double now, struct pkt_out *out)
{
	struct media_side *x = t, *y = x->other, *yt;
	const struct sockaddr_storage *to;
	int err;

	if (x->raw)
		return raw_forward(x, y, comp, src, *len, now, out);
	switch (srtp_classify(pkt, *len)) {
	case SRTP_CLASS_STUN:
		return PKT_STUN;
	case SRTP_CLASS_DTLS:
		return PKT_DTLS;
	case SRTP_CLASS_RTCP:
		comp = COMP_RTCP;
		break;
	case SRTP_CLASS_RTP:
		/* On a non-muxed RTCP port everything is RTCP. */
		break;
	default:
		return drop(x, comp, DROP_OTHER);
	}
	/* The transport (t: the port's owner) checks the source; the media the packet is for
	 * (x: t itself, or one of its bundle) decrypts and counts it. */
	if (!source_ok(t, comp, src)) {
		char a[64];

		log_ratelimited(&src_limit, LOG_INFO, "dropping media from unexpected source %s",
				addr_str(src, a, sizeof(a)));
		return drop(t, comp, DROP_BAD_SOURCE);
	}
	if (t->n_bundled) {
		x = bundle_demux(t, pkt, *len, comp == COMP_RTCP);
		y = x->other;
	}
	if (x->secure && !x->in_on)
		return drop(x, comp, DROP_AUTH);	/* its key is not known yet */
	if (x->in_on) {
		err = comp == COMP_RTCP ? srtp_rtcp_unprotect(&x->in, pkt, len) :
					  srtp_rtp_unprotect(&x->in, pkt, len);
		if (err) {
			if (-err == SRTP_ERR_AUTH)
				log_ratelimited(&auth_limit, LOG_INFO,
						"SRTP%s authentication failure",
						comp == COMP_RTCP ? "C" : "");
			return drop(x, comp, srtp_drop_reason(err));
		}
	}
	learn(t, comp, src, now);
	x->stats[comp].packets++;
	x->stats[comp].bytes += *len;
	x->last_packet = now;
	if (comp == COMP_RTP && *len >= 12)
		x->last_ssrc = pkt_ssrc(pkt, comp);

	if (!y || y->rejected)
		return drop(x, comp, DROP_NO_DEST);
	yt = side_transport(y);	/* where y's media goes: its bundle's transport */
	if (!(to = packet_destination(yt, comp)))
		return drop(x, comp, DROP_NO_DEST);
	if (!packet_consent_ok(yt, now))
		return drop(x, comp, DROP_NO_CONSENT);
	/* An SRTP endpoint whose key is not known yet (DTLS still handshaking) gets nothing:
	 * never media in clear to a side that asked for SRTP. */
	if (y->secure && !y->raw && !y->out_on)
		return drop(x, comp, DROP_CRYPTO);
	if (yt->n_bundled && *len >= 12 && bundle_ssrc_clash(y, pkt_ssrc(pkt, comp)))
		return drop(x, comp, DROP_SSRC_CLASH);
	if (y->out_on) {
		err = comp == COMP_RTCP ? srtp_rtcp_protect(&y->out, pkt, len, cap) :
					  srtp_rtp_protect(&y->out, pkt, len, cap);
		if (err)
			return drop(x, comp, err == -SRTP_ERR_NOSPACE || err == -SRTP_ERR_CRYPTO ?
						     DROP_CRYPTO : DROP_MALFORMED);
	}
	out->sock = yt->sock[yt->rtcp_mux ? COMP_RTP : comp];
	if (!out->sock)
		out->sock = yt->sock[COMP_RTP];
	out->to = *to;
	out->comp = (uint8_t)comp;
	return 0;
}
