// SPDX-License-Identifier: GPL-2.0 OR MIT
/* Sending a relayed packet: new UDP and IP headers from the flow's source to its peer. */
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/udp.h>
#include <net/ip.h>
#include <net/ip6_route.h>
#include <net/ipv6.h>
#include <net/netfilter/nf_conntrack.h>
#include <net/route.h>
#include <net/ip6_checksum.h>
#include <net/udp.h>

#include "packet.h"

static int send4(struct pkt *p)
{
	const struct flow_cfg *cfg = &p->flow->cfg;
	struct sk_buff *skb = p->skb;
	struct flowi4 fl4 = {
		.daddr = cfg->peer.v4,
		.saddr = cfg->source.v4,
		.flowi4_proto = IPPROTO_UDP,
		.fl4_sport = cfg->source.port,
		.fl4_dport = cfg->peer.port,
	};
	struct rtable *rt = ip_route_output_key(p->net, &fl4);
	struct iphdr *iph;

	if (IS_ERR(rt)) {
		kfree_skb(skb);
		return PTR_ERR(rt);
	}
	skb_dst_set(skb, &rt->dst);
	udp_set_csum(false, skb, fl4.saddr, fl4.daddr, skb->len);
	iph = skb_push(skb, sizeof(*iph));
	skb_reset_network_header(skb);
	iph->version = 4;
	iph->ihl = sizeof(*iph) / 4;
	iph->tos = p->tos;	/* media keeps its DSCP across the relay */
	iph->frag_off = 0;
	iph->ttl = ip4_dst_hoplimit(&rt->dst);
	iph->protocol = IPPROTO_UDP;
	iph->saddr = fl4.saddr;
	iph->daddr = fl4.daddr;
	iph->tot_len = htons(skb->len);
	ip_select_ident(p->net, skb, NULL);
	skb->protocol = htons(ETH_P_IP);
	memset(IPCB(skb), 0, sizeof(*IPCB(skb)));
	return ip_local_out(p->net, NULL, skb);
}

static int send6(struct pkt *p)
{
	const struct flow_cfg *cfg = &p->flow->cfg;
	struct sk_buff *skb = p->skb;
	struct flowi6 fl6 = {
		.daddr = cfg->peer.v6,
		.saddr = cfg->source.v6,
		.flowi6_proto = IPPROTO_UDP,
		.flowi6_oif = cfg->peer.scope_id,
		.fl6_sport = cfg->source.port,
		.fl6_dport = cfg->peer.port,
	};
	struct dst_entry *dst = ip6_route_output(p->net, NULL, &fl6);
	struct ipv6hdr *ip6h;
	int ret = dst->error;

	if (ret) {
		dst_release(dst);
		kfree_skb(skb);
		return ret;
	}
	skb_dst_set(skb, dst);
	udp6_set_csum(false, skb, &fl6.saddr, &fl6.daddr, skb->len);
	ip6h = skb_push(skb, sizeof(*ip6h));
	skb_reset_network_header(skb);
	ip6_flow_hdr(ip6h, p->tos, 0);
	ip6h->payload_len = htons(skb->len - sizeof(*ip6h));
	ip6h->nexthdr = IPPROTO_UDP;
	ip6h->hop_limit = ip6_dst_hoplimit(dst);
	ip6h->saddr = fl6.saddr;
	ip6h->daddr = fl6.daddr;
	skb->protocol = htons(ETH_P_IPV6);
	memset(IP6CB(skb), 0, sizeof(*IP6CB(skb)));
	return ip6_local_out(p->net, NULL, skb);
}

/*
 * Sends the UDP payload at p->off (p->len octets) to the flow's peer; consumes the skb. The
 * packet is marked untracked: relayed media must not create conntrack entries on the way out
 * any more than on the way in.
 */
int pkt_send(struct pkt *p)
{
	const struct flow_cfg *cfg = &p->flow->cfg;
	struct sk_buff *skb = p->skb;
	struct udphdr *uh;

	skb_pull(skb, p->off);
	skb_trim(skb, p->len);
	skb_dst_drop(skb);
	nf_reset_ct(skb);
	nf_ct_set(skb, NULL, IP_CT_UNTRACKED);
	skb->tstamp = 0;
	skb->ip_summed = CHECKSUM_NONE;
	uh = skb_push(skb, sizeof(*uh));
	skb_reset_transport_header(skb);
	uh->source = cfg->source.port;
	uh->dest = cfg->peer.port;
	uh->len = htons(skb->len);
	uh->check = 0;
	return cfg->peer.family == AF_INET ? send4(p) : send6(p);
}
