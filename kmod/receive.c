// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The packet path: the xtables target SRTPRELAY, called from the daemon's nftables rule at raw
 * priority in prerouting (before conntrack). Per packet: find the flow by destination address
 * and port, hand anything that is not our RTP or RTCP back to the stack, check the source,
 * unprotect, check the payload type, protect for the other side, send.
 *
 * Stream state (the SRTP core's prepare and finish steps) changes under the flow's spinlock;
 * the crypto runs outside it and may finish asynchronously, in pkt_crypto_done().
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/netfilter/x_tables.h>
#include <linux/slab.h>
#include <linux/udp.h>
#include <net/ipv6.h>
#include <net/dsfield.h>
#include <net/ip.h>

#include "packet.h"

atomic_t srtprelay_inflight = ATOMIC_INIT(0);

/* Where a UDP datagram came from and went to; -1 for what the module does not take. */
static int parse_udp(struct sk_buff *skb, struct flow_addr *local, struct flow_addr *from,
		     u32 *off, u32 *len, u8 *tos)
{
	const struct udphdr *uh;
	u32 nh = skb_network_offset(skb), l3, avail;

	memset(local, 0, sizeof(*local));
	memset(from, 0, sizeof(*from));
	if (skb->protocol == htons(ETH_P_IP)) {
		const struct iphdr *iph = ip_hdr(skb);

		if (iph->protocol != IPPROTO_UDP || ip_is_fragment(iph))
			return -1;
		l3 = iph->ihl * 4;
		if (!pskb_may_pull(skb, nh + l3 + sizeof(*uh)))
			return -1;
		iph = ip_hdr(skb);
		local->family = from->family = AF_INET;
		local->v4 = iph->daddr;
		from->v4 = iph->saddr;
		*tos = iph->tos;
		avail = ntohs(iph->tot_len) - l3;
	} else if (skb->protocol == htons(ETH_P_IPV6)) {
		const struct ipv6hdr *ip6h = ipv6_hdr(skb);

		/* Extension headers are rare on media; the socket path takes those. */
		if (ip6h->nexthdr != IPPROTO_UDP)
			return -1;
		l3 = sizeof(*ip6h);
		if (!pskb_may_pull(skb, nh + l3 + sizeof(*uh)))
			return -1;
		ip6h = ipv6_hdr(skb);
		local->family = from->family = AF_INET6;
		local->v6 = ip6h->daddr;
		from->v6 = ip6h->saddr;
		if (ipv6_addr_type(&ip6h->daddr) & IPV6_ADDR_LINKLOCAL)
			local->scope_id = skb->dev ? skb->dev->ifindex : 0;
		if (ipv6_addr_type(&ip6h->saddr) & IPV6_ADDR_LINKLOCAL)
			from->scope_id = local->scope_id;
		*tos = ipv6_get_dsfield(ip6h);
		avail = ntohs(ip6h->payload_len);
	} else {
		return -1;
	}
	uh = (const struct udphdr *)(skb->data + nh + l3);
	local->port = uh->dest;
	from->port = uh->source;
	if (ntohs(uh->len) < sizeof(*uh) || ntohs(uh->len) > avail ||
	    nh + l3 + ntohs(uh->len) > skb->len)
		return -1;
	*off = nh + l3 + sizeof(*uh);
	*len = ntohs(uh->len) - sizeof(*uh);
	return 0;
}

static bool addr_match(const struct flow_addr *want, const struct flow_addr *a, bool port)
{
	if (want->family != a->family || (port && want->port != a->port))
		return false;
	if (a->family == AF_INET)
		return want->v4 == a->v4;
	return ipv6_addr_equal(&want->v6, &a->v6);
}

/* Under flow->lock: may a packet from this source be relayed? */
static bool source_ok(const struct srtprelay_flow *flow, const struct flow_addr *from)
{
	const struct flow_cfg *cfg = &flow->cfg;

	if (flow->has_learned)
		return addr_match(&flow->learned, from, true);
	if (cfg->has_expect)
		return addr_match(&cfg->expect, from, cfg->expect.port != 0);
	return true;
}

/* Which counter an error of the SRTP core, or of the crypto, belongs under. */
static unsigned int drop_reason(int err)
{
	/* The core's classes (srtp_err_drop, shared with the daemon) as the module's counters;
	 * the module has no cipher counter: a failing cipher counts with the transmit. */
	static const unsigned int by_class[] = {
		[SRTP_DROP_MALFORMED] = SRTPRELAY_A_STATS_DROP_MALFORMED,
		[SRTP_DROP_AUTH] = SRTPRELAY_A_STATS_DROP_AUTH,
		[SRTP_DROP_REPLAY] = SRTPRELAY_A_STATS_DROP_REPLAY,
		[SRTP_DROP_NO_STREAM] = SRTPRELAY_A_STATS_DROP_SSRC,
		[SRTP_DROP_CRYPTO] = SRTPRELAY_A_STATS_DROP_SEND,
	};

	if (err == -EBADMSG)	/* the crypto API found a forged tag */
		return SRTPRELAY_A_STATS_DROP_AUTH;
	if (err >= 0 || err <= -SRTP_ERR_COUNT)	/* an errno of the crypto API or the send */
		return SRTPRELAY_A_STATS_DROP_SEND;
	return by_class[srtp_err_drop(err)];
}

static void pkt_free(struct pkt *p)
{
	flow_put(p->flow);
	kfree(p);
	atomic_dec(&srtprelay_inflight);
}

/* Counts one dropped packet under its reason, with a rate-limited debug line naming it. */
static void count_drop(struct srtprelay_flow *flow, unsigned int why, const struct flow_addr *from,
		       int err)
{
	static const char *const what[__SRTPRELAY_A_STATS_MAX] = {
		[SRTPRELAY_A_STATS_DROP_AUTH] = "failed authentication",
		[SRTPRELAY_A_STATS_DROP_REPLAY] = "was a replay",
		[SRTPRELAY_A_STATS_DROP_SOURCE] = "came from an unexpected source",
		[SRTPRELAY_A_STATS_DROP_SSRC] = "had a new SSRC and no room for it",
		[SRTPRELAY_A_STATS_DROP_MALFORMED] = "was malformed",
		[SRTPRELAY_A_STATS_DROP_PAYLOAD_TYPE] = "had a payload type not allowed",
		[SRTPRELAY_A_STATS_DROP_SEND] = "could not be protected or sent",
	};

	flow_count(flow->stats, why, 1);
	if (from->family == AF_INET6)
		net_dbg_ratelimited("srtprelay: a packet from [%pI6c]:%u %s (%d)\n", &from->v6,
				    ntohs(from->port), what[why] ? what[why] : "was dropped", err);
	else
		net_dbg_ratelimited("srtprelay: a packet from %pI4:%u %s (%d)\n", &from->v4,
				    ntohs(from->port), what[why] ? what[why] : "was dropped", err);
}

static void pkt_drop(struct pkt *p, int err)
{
	count_drop(p->flow, drop_reason(err), &p->from, err);
	kfree_skb(p->skb);
	pkt_free(p);
}

/* Payload room for the protected packet: what follows p->off in the buffer. */
static u32 pkt_cap(const struct pkt *p)
{
	return p->skb->len - p->off + skb_tailroom(p->skb);
}

static void pkt_transmit(struct pkt *p)
{
	struct srtprelay_flow *flow = p->flow;
	u32 in_len = p->len;
	int ret;

	if (p->dir == PKT_PROTECT) {
		u32 end = p->off + p->job.out_len;

		if (end > p->skb->len)
			skb_put(p->skb, end - p->skb->len);
		p->len = p->job.out_len;
	}
	WRITE_ONCE(flow->last_packet, jiffies ? jiffies : 1);
	flow_count(flow->stats, SRTPRELAY_A_STATS_PACKETS, 1);
	flow_count(flow->stats, SRTPRELAY_A_STATS_BYTES, in_len);
	ret = pkt_send(p);
	if (unlikely(ret < 0 || ret == NET_XMIT_DROP))
		count_drop(flow, SRTPRELAY_A_STATS_DROP_SEND, &p->from, ret);
	pkt_free(p);
}

/* The packet is plain RTP/RTCP now: check it, then protect it for the other side. */
static void pkt_relay(struct pkt *p)
{
	struct srtprelay_flow *flow = p->flow;
	struct flow_crypto *out = flow->crypto[1];
	const u8 *data = pkt_data(p);
	int ret;

	if (!p->rtcp && flow->cfg.pt_limited &&
	    !(flow->cfg.pt_allowed[(data[1] & 0x7f) / 64] & (1ull << ((data[1] & 0x7f) % 64)))) {
		count_drop(flow, SRTPRELAY_A_STATS_DROP_PAYLOAD_TYPE, &p->from, 0);
		kfree_skb(p->skb);
		pkt_free(p);
		return;
	}
	if (!out) {
		pkt_transmit(p);
		return;
	}
	p->dir = PKT_PROTECT;
	spin_lock_bh(&flow->lock);
	ret = (p->rtcp ? srtp_rtcp_protect_prepare : srtp_rtp_protect_prepare)(
		&out->ctx, pkt_data(p), p->len, pkt_cap(p), &p->job);
	spin_unlock_bh(&flow->lock);
	if (!ret)
		ret = pkt_crypto(p);
	if (ret == -EINPROGRESS)
		return;
	pkt_crypto_done(p, ret);
}

/* Where every crypto step ends, synchronously or from a completion callback. */
void pkt_crypto_done(struct pkt *p, int err)
{
	struct srtprelay_flow *flow = p->flow;
	struct flow_crypto *in = flow->crypto[0];

	if (unlikely(err)) {
		pkt_drop(p, err);
		return;
	}
	if (p->dir == PKT_PROTECT) {
		pkt_transmit(p);
		return;
	}
	spin_lock_bh(&flow->lock);
	err = srtp_unprotect_finish(&in->ctx, &p->job, pkt_data(p));
	if (!err && (flow->cfg.flags & SRTPRELAY_FLOW_F_LEARN_SOURCE) && !flow->has_learned) {
		flow->learned = p->from;
		flow->has_learned = true;
	}
	spin_unlock_bh(&flow->lock);
	if (unlikely(err)) {
		pkt_drop(p, err);
		return;
	}
	p->len = p->job.out_len;
	pkt_relay(p);
}

/* Plain RTP/RTCP in: the header must parse; the first packet teaches the source. */
static int plain_in(struct pkt *p)
{
	struct srtprelay_flow *flow = p->flow;
	struct srtp_rtp_hdr h;
	int ret;

	ret = p->rtcp ? srtp_rtcp_check_header(pkt_data(p), p->len)
		      : srtp_rtp_parse(pkt_data(p), p->len, &h);
	if (ret)
		return ret;
	spin_lock_bh(&flow->lock);
	if ((flow->cfg.flags & SRTPRELAY_FLOW_F_LEARN_SOURCE) && !flow->has_learned) {
		flow->learned = p->from;
		flow->has_learned = true;
	}
	spin_unlock_bh(&flow->lock);
	return 0;
}

/*
 * Takes the packet: returns NF_STOLEN once it belongs to the module (relayed, dropped, or in
 * async crypto), XT_CONTINUE to give it back to the stack untouched, NF_DROP to drop it.
 */
static unsigned int pkt_take(struct sk_buff *skb, struct net *net, struct srtprelay_flow *flow,
			     const struct flow_addr *from, u32 off, u32 len, u8 tos, bool rtcp)
{
	struct flow_crypto *in = flow->crypto[0];
	struct pkt *p;
	bool ok;
	int ret;

	spin_lock_bh(&flow->lock);
	ok = source_ok(flow, from);
	spin_unlock_bh(&flow->lock);
	if (unlikely(!ok)) {
		if (flow->cfg.flags & SRTPRELAY_FLOW_F_SOURCE_PASS) {
			flow_count(flow->stats, SRTPRELAY_A_STATS_PASSED, 1);
			return XT_CONTINUE;	/* the daemon decides: it may take the stream over */
		}
		count_drop(flow, SRTPRELAY_A_STATS_DROP_SOURCE, from, 0);
		return NF_DROP;
	}
	/* The packet is rewritten in place and may grow by an SRTP trailer. */
	if (unlikely(skb_ensure_writable(skb, skb->len) ||
		     (skb_tailroom(skb) < (int)flow->tailroom &&
		      pskb_expand_head(skb, 0, (int)flow->tailroom - skb_tailroom(skb), GFP_ATOMIC)))) {
		count_drop(flow, SRTPRELAY_A_STATS_DROP_SEND, from, -ENOMEM);
		return NF_DROP;
	}
	p = kmalloc(sizeof(*p) + flow->reqsize, GFP_ATOMIC);
	if (unlikely(!p)) {
		count_drop(flow, SRTPRELAY_A_STATS_DROP_SEND, from, -ENOMEM);
		return NF_DROP;
	}
	refcount_inc(&flow->refs);
	atomic_inc(&srtprelay_inflight);
	*p = (struct pkt){ .skb = skb, .flow = flow, .net = net, .from = *from, .off = off,
			   .len = len, .tos = tos, .dir = PKT_UNPROTECT, .rtcp = rtcp };

	if (!in) {
		ret = plain_in(p);
	} else {
		spin_lock_bh(&flow->lock);
		ret = (rtcp ? srtp_rtcp_unprotect_prepare : srtp_rtp_unprotect_prepare)(
			&in->ctx, pkt_data(p), len, &p->job);
		spin_unlock_bh(&flow->lock);
		if (!ret)
			ret = pkt_crypto(p);
	}
	if (ret == -EINPROGRESS)
		return NF_STOLEN;
	/* New SSRCs beyond capacity, and (if asked) forgeries the HMAC caught before any byte
	 * changed, go to the socket as they came. */
	if (ret == -SRTP_ERR_NO_STREAM ||
	    (ret == -EBADMSG && (flow->cfg.flags & SRTPRELAY_FLOW_F_AUTH_FAIL_PASS) &&
	     !(p->job.flags & SRTP_JOB_AEAD))) {
		flow_count(flow->stats, ret == -EBADMSG ? SRTPRELAY_A_STATS_DROP_AUTH
							 : SRTPRELAY_A_STATS_PASSED, 1);
		pkt_free(p);
		return XT_CONTINUE;
	}
	if (!in && !ret)
		pkt_relay(p);
	else
		pkt_crypto_done(p, ret);
	return NF_STOLEN;
}

static unsigned int srtprelay_tg(struct sk_buff *skb, const struct xt_action_param *par)
{
	struct net *net = xt_net(par);
	struct srtprelay_net *sn = srtprelay_pernet(net);
	struct flow_addr local, from;
	struct srtprelay_flow *flow;
	enum srtp_pkt_class class;
	u32 off, len;
	u8 tos;

	if (parse_udp(skb, &local, &from, &off, &len, &tos))
		return XT_CONTINUE;
	flow = flow_lookup(sn, &local);
	if (!flow) {
		flow_count(sn->gone, SRTPRELAY_A_STATS_NO_FLOW, 1);
		return XT_CONTINUE;
	}
	if (unlikely(len < 2 || !pskb_may_pull(skb, off + 2))) {
		flow_count(flow->stats, SRTPRELAY_A_STATS_PASSED, 1);
		return XT_CONTINUE;
	}
	class = srtp_classify(skb->data + off, len);
	if ((class == SRTP_CLASS_RTP && flow->cfg.media == SRTPRELAY_MEDIA_RTCP) ||
	    (class == SRTP_CLASS_RTCP && flow->cfg.media == SRTPRELAY_MEDIA_RTP) ||
	    (class != SRTP_CLASS_RTP && class != SRTP_CLASS_RTCP)) {
		flow_count(flow->stats, SRTPRELAY_A_STATS_PASSED, 1);	/* STUN, DTLS, ... */
		return XT_CONTINUE;
	}
	return pkt_take(skb, net, flow, &from, off, len, tos, class == SRTP_CLASS_RTCP);
}

static struct xt_target srtprelay_tg_reg __read_mostly = {
	.name = SRTPRELAY_XT_TARGET,
	.revision = 0,
	.family = NFPROTO_UNSPEC,
	.target = srtprelay_tg,
	.targetsize = 0,
	/* Before conntrack sees the packet, so relayed media never creates entries. */
	.hooks = 1 << NF_INET_PRE_ROUTING,
	.me = THIS_MODULE,
};

int __init srtprelay_target_init(void)
{
	return xt_register_target(&srtprelay_tg_reg);
}

void srtprelay_target_exit(void)
{
	xt_unregister_target(&srtprelay_tg_reg);
}
