// SPDX-License-Identifier: GPL-2.0 OR MIT
/* What netlink reports: one flow (GET), every flow (dump), and the namespace's totals. */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/in.h>
#include <linux/in6.h>
#include <linux/jiffies.h>
#include <net/genetlink.h>
#include <net/sock.h>
#include <crypto/aead.h>
#include <crypto/hash.h>
#include <crypto/skcipher.h>

#include "flow.h"
#include "netlink.h"

static int put_addr(struct sk_buff *skb, int type, const struct flow_addr *a)
{
	if (a->family == AF_INET) {
		struct sockaddr_in s = {
			.sin_family = AF_INET, .sin_port = a->port, .sin_addr.s_addr = a->v4,
		};

		return nla_put(skb, type, sizeof(s), &s);
	} else {
		struct sockaddr_in6 s = {
			.sin6_family = AF_INET6, .sin6_port = a->port, .sin6_addr = a->v6,
			.sin6_scope_id = a->scope_id,
		};

		return nla_put(skb, type, sizeof(s), &s);
	}
}

static int put_counters(struct sk_buff *skb, int type, const u64 *c)
{
	struct nlattr *nest = nla_nest_start(skb, type);

	if (!nest)
		return -EMSGSIZE;
	for (int i = SRTPRELAY_A_STATS_PACKETS; i < SRTPRELAY_A_STATS_PAD; i++)
		if (nla_put_u64_64bit(skb, i, c[i], SRTPRELAY_A_STATS_PAD))
			return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

static int put_ssrc(struct sk_buff *skb, const struct srtp_stream *st, bool outbound)
{
	struct nlattr *e = nla_nest_start(skb, 0);
	u32 rtcp_index = outbound ? st->rtcp_tx_index : (u32)st->rtcp.top;

	if (!e || nla_put_u32(skb, SRTPRELAY_A_SSRC_ID, st->ssrc) ||
	    nla_put_u32(skb, SRTPRELAY_A_SSRC_ROC, (u32)(st->rtp.top >> 16)))
		return -EMSGSIZE;
	if ((st->flags & SRTP_STREAM_RTP_SEEN) &&
	    nla_put_u16(skb, SRTPRELAY_A_SSRC_SEQ, (u16)st->rtp.top))
		return -EMSGSIZE;
	if ((outbound || (st->flags & SRTP_STREAM_RTCP_SEEN)) &&
	    nla_put_u32(skb, SRTPRELAY_A_SSRC_RTCP_INDEX, rtcp_index))
		return -EMSGSIZE;
	nla_nest_end(skb, e);
	return 0;
}

static int put_crypto(struct sk_buff *skb, int type, struct srtprelay_flow *flow, int dir)
{
	const struct flow_crypto *fc = flow->crypto[dir];
	const struct srtp_policy *p = &fc->ctx.policy;
	struct nlattr *nest, *list;

	nest = nla_nest_start(skb, type);
	if (!nest || nla_put_u32(skb, SRTPRELAY_A_CRYPTO_SUITE, p->suite) ||
	    nla_put_u32(skb, SRTPRELAY_A_CRYPTO_FLAGS, p->flags & ~SRTP_POLICY_KDR) ||
	    (p->mki_len && nla_put(skb, SRTPRELAY_A_CRYPTO_MKI, p->mki_len, p->mki)) ||
	    nla_put_string(skb, SRTPRELAY_A_CRYPTO_DRIVER, fc->driver))
		return -EMSGSIZE;
	list = nla_nest_start(skb, SRTPRELAY_A_CRYPTO_SSRCS);
	if (!list)
		return -EMSGSIZE;
	for (int i = 0; i < SRTPRELAY_MAX_SSRCS; i++) {
		struct srtp_stream st;

		spin_lock_bh(&flow->lock);
		st = fc->streams[i];
		spin_unlock_bh(&flow->lock);
		if ((st.flags & SRTP_STREAM_USED) && put_ssrc(skb, &st, dir == 1))
			return -EMSGSIZE;
	}
	nla_nest_end(skb, list);
	nla_nest_end(skb, nest);
	return 0;
}

static int put_pts(struct sk_buff *skb, const struct flow_cfg *cfg)
{
	u8 pts[SRTPRELAY_MAX_PAYLOAD_TYPES];
	int n = 0;

	if (!cfg->pt_limited)
		return 0;
	for (int pt = 0; pt < 128; pt++)
		if (cfg->pt_allowed[pt / 64] & (1ull << (pt % 64)))
			pts[n++] = (u8)pt;
	return nla_put(skb, SRTPRELAY_A_FLOW_PAYLOAD_TYPES, n, pts);
}

static int put_flow_stats(struct sk_buff *skb, struct srtprelay_flow *flow)
{
	unsigned long last = READ_ONCE(flow->last_packet);
	u64 c[__SRTPRELAY_A_STATS_MAX];

	flow_stats_sum(flow->stats, c);
	c[SRTPRELAY_A_STATS_LAST_PACKET_AGE_MS] =
		last ? jiffies_to_msecs(jiffies - last) : U64_MAX;
	return put_counters(skb, SRTPRELAY_A_FLOW_STATS, c);
}

/* Writes one flow as a GET_FLOW message; never sleeps. */
static int fill_flow(struct sk_buff *skb, struct srtprelay_flow *flow, u32 portid, u32 seq,
		     int flags, struct netlink_callback *cb)
{
	const struct flow_cfg *cfg = &flow->cfg;
	struct flow_addr expect = cfg->expect;
	bool has_expect = cfg->has_expect;
	void *hdr;

	hdr = genlmsg_put(skb, portid, seq, &srtprelay_family, flags, SRTPRELAY_CMD_GET_FLOW);
	if (!hdr)
		return -EMSGSIZE;
	if (cb)
		genl_dump_check_consistent(cb, hdr);
	spin_lock_bh(&flow->lock);
	if (flow->has_learned) {
		expect = flow->learned;
		has_expect = true;
	}
	spin_unlock_bh(&flow->lock);
	if (put_addr(skb, SRTPRELAY_A_FLOW_LOCAL, &cfg->local) ||
	    put_addr(skb, SRTPRELAY_A_FLOW_SOURCE, &cfg->source) ||
	    put_addr(skb, SRTPRELAY_A_FLOW_PEER, &cfg->peer) ||
	    (has_expect && put_addr(skb, SRTPRELAY_A_FLOW_EXPECT, &expect)) ||
	    nla_put_u32(skb, SRTPRELAY_A_FLOW_FLAGS, cfg->flags) ||
	    nla_put_u32(skb, SRTPRELAY_A_FLOW_MEDIA, cfg->media) ||
	    nla_put_u64_64bit(skb, SRTPRELAY_A_FLOW_COOKIE, cfg->cookie, SRTPRELAY_A_FLOW_PAD) ||
	    put_pts(skb, cfg) ||
	    (flow->crypto[0] && put_crypto(skb, SRTPRELAY_A_FLOW_DECRYPT, flow, 0)) ||
	    (flow->crypto[1] && put_crypto(skb, SRTPRELAY_A_FLOW_ENCRYPT, flow, 1)) ||
	    put_flow_stats(skb, flow)) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

int srtprelay_nl_get_flow(struct sk_buff *skb, struct genl_info *info)
{
	struct srtprelay_net *sn = srtprelay_pernet(genl_info_net(info));
	struct srtprelay_flow *flow;
	struct flow_addr local;
	struct sk_buff *msg;
	int ret;

	ret = srtprelay_nl_local(info->attrs, &local, info->extack);
	if (ret)
		return ret;
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	rcu_read_lock();
	flow = flow_lookup(sn, &local);
	ret = flow ? fill_flow(msg, flow, info->snd_portid, info->snd_seq, 0, NULL) : -ENOENT;
	rcu_read_unlock();
	if (ret) {
		nlmsg_free(msg);
		return ret;
	}
	return genlmsg_reply(msg, info);
}

/* One flow per message; cb->args[0] counts the flows already sent. */
int srtprelay_nl_dump_flows(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct srtprelay_net *sn = srtprelay_pernet(sock_net(skb->sk));
	struct srtprelay_flow *flow;
	long idx = 0, start = cb->args[0];

	mutex_lock(&sn->lock);
	cb->seq = sn->gen;
	list_for_each_entry(flow, &sn->list, list) {
		if (idx < start) {
			idx++;
			continue;
		}
		if (fill_flow(skb, flow, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
			      NLM_F_MULTI, cb))
			break;
		idx++;
	}
	mutex_unlock(&sn->lock);
	cb->args[0] = idx;
	return skb->len;
}

/* The driver the crypto API picks for name right now, e.g. "ctr-aes-aesni". */
static int put_driver(struct sk_buff *skb, int type, int kind, const char *name)
{
	const char *driver = "unavailable";
	struct crypto_skcipher *s = NULL;
	struct crypto_shash *h = NULL;
	struct crypto_aead *a = NULL;
	int ret;

	if (kind == 0)
		s = crypto_alloc_skcipher(name, 0, 0);
	else if (kind == 1)
		h = crypto_alloc_shash(name, 0, 0);
	else
		a = crypto_alloc_aead(name, 0, 0);
	if (!IS_ERR_OR_NULL(s))
		driver = crypto_tfm_alg_driver_name(crypto_skcipher_tfm(s));
	if (!IS_ERR_OR_NULL(h))
		driver = crypto_tfm_alg_driver_name(crypto_shash_tfm(h));
	if (!IS_ERR_OR_NULL(a))
		driver = crypto_tfm_alg_driver_name(crypto_aead_tfm(a));
	ret = nla_put_string(skb, type, driver);
	if (!IS_ERR_OR_NULL(s))
		crypto_free_skcipher(s);
	if (!IS_ERR_OR_NULL(h))
		crypto_free_shash(h);
	if (!IS_ERR_OR_NULL(a))
		crypto_free_aead(a);
	return ret;
}

static int fill_stats(struct sk_buff *msg, struct srtprelay_net *sn)
{
	u64 total[__SRTPRELAY_A_STATS_MAX], one[__SRTPRELAY_A_STATS_MAX];
	struct srtprelay_flow *flow;
	struct nlattr *drivers;
	u32 count;

	mutex_lock(&sn->lock);
	count = sn->count;
	flow_stats_sum(sn->gone, total);
	list_for_each_entry(flow, &sn->list, list) {
		flow_stats_sum(flow->stats, one);
		for (int i = 0; i < __SRTPRELAY_A_STATS_MAX; i++)
			total[i] += one[i];
	}
	mutex_unlock(&sn->lock);
	total[SRTPRELAY_A_STATS_LAST_PACKET_AGE_MS] = U64_MAX;	/* not a namespace total */

	if (nla_put_u32(msg, SRTPRELAY_A_GLOBAL_FLOWS, count) ||
	    put_counters(msg, SRTPRELAY_A_GLOBAL_STATS, total))
		return -EMSGSIZE;
	drivers = nla_nest_start(msg, SRTPRELAY_A_GLOBAL_DRIVERS);
	if (!drivers || put_driver(msg, SRTPRELAY_A_DRIVER_CTR, 0, "ctr(aes)") ||
	    put_driver(msg, SRTPRELAY_A_DRIVER_HMAC, 1, "hmac(sha1)") ||
	    put_driver(msg, SRTPRELAY_A_DRIVER_GCM, 2, "gcm(aes)"))
		return -EMSGSIZE;
	nla_nest_end(msg, drivers);
	return 0;
}

int srtprelay_nl_get_stats(struct sk_buff *skb, struct genl_info *info)
{
	struct sk_buff *msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	void *hdr;

	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &srtprelay_family, 0, SRTPRELAY_CMD_GET_STATS);
	if (!hdr || fill_stats(msg, srtprelay_pernet(genl_info_net(info)))) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}
