// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The generic netlink family, as include/uapi/linux/srtprelay.h documents it: parsing requests
 * into struct flow_cfg, and writing flows and counters back.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/in.h>
#include <linux/in6.h>
#include <net/genetlink.h>
#include <net/ipv6.h>
#include <crypto/aead.h>
#include <crypto/hash.h>
#include <crypto/skcipher.h>

#include "flow.h"
#include "netlink.h"

/* The uapi suite numbers are the core's; nothing else maps between them. */
static_assert((int)SRTPRELAY_SUITE_AES_CM_128_HMAC_SHA1_80 == (int)SRTP_AES_CM_128_HMAC_SHA1_80);
static_assert((int)SRTPRELAY_SUITE_AES_CM_128_HMAC_SHA1_32 == (int)SRTP_AES_CM_128_HMAC_SHA1_32);
static_assert((int)SRTPRELAY_SUITE_AES_192_CM_HMAC_SHA1_80 == (int)SRTP_AES_192_CM_HMAC_SHA1_80);
static_assert((int)SRTPRELAY_SUITE_AES_192_CM_HMAC_SHA1_32 == (int)SRTP_AES_192_CM_HMAC_SHA1_32);
static_assert((int)SRTPRELAY_SUITE_AES_256_CM_HMAC_SHA1_80 == (int)SRTP_AES_256_CM_HMAC_SHA1_80);
static_assert((int)SRTPRELAY_SUITE_AES_256_CM_HMAC_SHA1_32 == (int)SRTP_AES_256_CM_HMAC_SHA1_32);
static_assert((int)SRTPRELAY_SUITE_AEAD_AES_128_GCM == (int)SRTP_AEAD_AES_128_GCM);
static_assert((int)SRTPRELAY_SUITE_AEAD_AES_256_GCM == (int)SRTP_AEAD_AES_256_GCM);
static_assert((int)SRTPRELAY_SUITE_NULL_HMAC_SHA1_80 == (int)SRTP_NULL_HMAC_SHA1_80);
static_assert((int)SRTPRELAY_SUITE_NULL_HMAC_SHA1_32 == (int)SRTP_NULL_HMAC_SHA1_32);
static_assert((int)SRTPRELAY_SUITE_AES_CM_128_NULL_AUTH == (int)SRTP_AES_CM_128_NULL_AUTH);
static_assert((int)SRTPRELAY_SUITE_NULL_NULL == (int)SRTP_NULL_NULL);
static_assert((int)SRTPRELAY_SUITE_MAX == (int)SRTP_SUITE_COUNT - 1);
static_assert((int)SRTPRELAY_MKI_MAX == (int)SRTP_MKI_LEN_MAX);
static_assert((int)SRTPRELAY_CRYPTO_F_UNENCRYPTED_SRTP == (int)SRTP_POLICY_UNENCRYPTED_SRTP);
static_assert((int)SRTPRELAY_CRYPTO_F_UNENCRYPTED_SRTCP == (int)SRTP_POLICY_UNENCRYPTED_SRTCP);
static_assert((int)SRTPRELAY_CRYPTO_F_UNAUTHENTICATED_SRTP == (int)SRTP_POLICY_UNAUTHENTICATED_SRTP);


static const struct nla_policy ssrc_policy[SRTPRELAY_A_SSRC_MAX + 1] = {
	[SRTPRELAY_A_SSRC_ID] = { .type = NLA_U32 },
	[SRTPRELAY_A_SSRC_ROC] = { .type = NLA_U32 },
	[SRTPRELAY_A_SSRC_SEQ] = { .type = NLA_U16 },
	[SRTPRELAY_A_SSRC_RTCP_INDEX] = { .type = NLA_U32 },	/* 31 bits: checked below */
};

static const struct nla_policy crypto_policy[SRTPRELAY_A_CRYPTO_MAX + 1] = {
	[SRTPRELAY_A_CRYPTO_SUITE] = NLA_POLICY_RANGE(NLA_U32, 1, SRTPRELAY_SUITE_MAX),
	[SRTPRELAY_A_CRYPTO_KEY] = { .type = NLA_BINARY, .len = SRTP_KEY_LEN_MAX },
	[SRTPRELAY_A_CRYPTO_SALT] = { .type = NLA_BINARY, .len = SRTP_CM_SALT_LEN },
	[SRTPRELAY_A_CRYPTO_MKI] = { .type = NLA_BINARY, .len = SRTPRELAY_MKI_MAX },
	[SRTPRELAY_A_CRYPTO_FLAGS] = { .type = NLA_U32 },
	[SRTPRELAY_A_CRYPTO_SSRCS] = NLA_POLICY_NESTED_ARRAY(ssrc_policy),
	[SRTPRELAY_A_CRYPTO_DRIVER] = { .type = NLA_REJECT },
};

static const struct nla_policy flow_policy[SRTPRELAY_A_FLOW_MAX + 1] = {
	[SRTPRELAY_A_FLOW_LOCAL] = { .type = NLA_BINARY, .len = sizeof(struct sockaddr_in6) },
	[SRTPRELAY_A_FLOW_SOURCE] = { .type = NLA_BINARY, .len = sizeof(struct sockaddr_in6) },
	[SRTPRELAY_A_FLOW_PEER] = { .type = NLA_BINARY, .len = sizeof(struct sockaddr_in6) },
	[SRTPRELAY_A_FLOW_EXPECT] = { .type = NLA_BINARY, .len = sizeof(struct sockaddr_in6) },
	[SRTPRELAY_A_FLOW_FLAGS] = { .type = NLA_U32 },
	[SRTPRELAY_A_FLOW_MEDIA] = NLA_POLICY_MAX(NLA_U32, SRTPRELAY_MEDIA_MAX),
	[SRTPRELAY_A_FLOW_PAYLOAD_TYPES] = { .type = NLA_BINARY,
					     .len = SRTPRELAY_MAX_PAYLOAD_TYPES },
	[SRTPRELAY_A_FLOW_COOKIE] = { .type = NLA_U64 },
	[SRTPRELAY_A_FLOW_SET_FLAGS] = { .type = NLA_U32 },
	[SRTPRELAY_A_FLOW_DECRYPT] = NLA_POLICY_NESTED(crypto_policy),
	[SRTPRELAY_A_FLOW_ENCRYPT] = NLA_POLICY_NESTED(crypto_policy),
	[SRTPRELAY_A_FLOW_STATS] = { .type = NLA_REJECT },
	[SRTPRELAY_A_FLOW_PAD] = { .type = NLA_REJECT },
};

static int parse_addr(const struct nlattr *a, struct flow_addr *out,
		      struct netlink_ext_ack *extack)
{
	memset(out, 0, sizeof(*out));
	if (nla_len(a) == sizeof(struct sockaddr_in)) {
		const struct sockaddr_in *s = nla_data(a);

		if (s->sin_family != AF_INET)
			goto bad;
		out->family = AF_INET;
		out->v4 = s->sin_addr.s_addr;
		out->port = s->sin_port;
		return 0;
	}
	if (nla_len(a) == sizeof(struct sockaddr_in6)) {
		const struct sockaddr_in6 *s = nla_data(a);

		if (s->sin6_family != AF_INET6)
			goto bad;
		out->family = AF_INET6;
		out->v6 = s->sin6_addr;
		out->port = s->sin6_port;
		if (ipv6_addr_type(&s->sin6_addr) & IPV6_ADDR_LINKLOCAL)
			out->scope_id = s->sin6_scope_id;
		return 0;
	}
bad:
	NL_SET_ERR_MSG_ATTR(extack, a, "expected a struct sockaddr_in or struct sockaddr_in6");
	return -EINVAL;
}

static int parse_flags(const struct nlattr *a, u32 all, u32 *out, struct netlink_ext_ack *extack)
{
	*out = a ? nla_get_u32(a) : 0;
	if (*out & ~all) {
		NL_SET_ERR_MSG_ATTR(extack, a, "unknown flag bits");
		return -EOPNOTSUPP;
	}
	return 0;
}

static int parse_ssrcs(const struct nlattr *list, struct flow_cfg *cfg, int dir,
		       struct netlink_ext_ack *extack)
{
	struct nlattr *tb[SRTPRELAY_A_SSRC_MAX + 1];
	const struct nlattr *e;
	int rem, ret;

	nla_for_each_nested(e, list, rem) {
		struct flow_ssrc_cfg *s;

		if (cfg->nssrc[dir] == SRTPRELAY_MAX_SSRCS) {
			NL_SET_ERR_MSG_ATTR(extack, e, "more than SRTPRELAY_MAX_SSRCS SSRCs");
			return -EINVAL;
		}
		ret = nla_parse_nested(tb, SRTPRELAY_A_SSRC_MAX, e, ssrc_policy, extack);
		if (ret)
			return ret;
		if (!tb[SRTPRELAY_A_SSRC_ID]) {
			NL_SET_ERR_MSG_ATTR(extack, e, "SSRC entry without SRTPRELAY_A_SSRC_ID");
			return -EINVAL;
		}
		s = &cfg->ssrc[dir][cfg->nssrc[dir]++];
		s->id = nla_get_u32(tb[SRTPRELAY_A_SSRC_ID]);
		s->roc = tb[SRTPRELAY_A_SSRC_ROC] ? nla_get_u32(tb[SRTPRELAY_A_SSRC_ROC]) : 0;
		s->has_seq = tb[SRTPRELAY_A_SSRC_SEQ];
		s->seq = s->has_seq ? nla_get_u16(tb[SRTPRELAY_A_SSRC_SEQ]) : 0;
		s->has_rtcp_index = tb[SRTPRELAY_A_SSRC_RTCP_INDEX];
		s->rtcp_index = s->has_rtcp_index ?
				nla_get_u32(tb[SRTPRELAY_A_SSRC_RTCP_INDEX]) : 0;
		if (s->rtcp_index > 0x7fffffff) {
			NL_SET_ERR_MSG_ATTR(extack, tb[SRTPRELAY_A_SSRC_RTCP_INDEX],
					    "SRTCP index above 2^31 - 1");
			return -EINVAL;
		}
	}
	return 0;
}

/* Copies an exact-length secret out of the request and wipes it there. */
static int take_secret(struct nlattr *a, u8 *dst, unsigned int len, bool is_key,
		       struct netlink_ext_ack *extack)
{
	if (!a && is_key) {
		NL_SET_ERR_MSG_MOD(extack, "crypto context without SRTPRELAY_A_CRYPTO_KEY");
		return -EINVAL;
	}
	if (!a) {
		NL_SET_ERR_MSG_MOD(extack, "crypto context without SRTPRELAY_A_CRYPTO_SALT");
		return -EINVAL;
	}
	if (nla_len(a) != len) {
		NL_SET_ERR_MSG_ATTR(extack, a, "wrong length for this suite");
		memzero_explicit(nla_data(a), nla_len(a));
		return -EINVAL;
	}
	memcpy(dst, nla_data(a), len);
	memzero_explicit(nla_data(a), len);
	return 0;
}

static int parse_crypto(struct nlattr *nest, struct flow_cfg *cfg, int dir,
			struct netlink_ext_ack *extack)
{
	struct nlattr *tb[SRTPRELAY_A_CRYPTO_MAX + 1];
	struct srtp_policy *p = &cfg->pol[dir];
	const struct srtp_suite *s;
	u32 flags;
	int ret;

	ret = nla_parse_nested(tb, SRTPRELAY_A_CRYPTO_MAX, nest, crypto_policy, extack);
	if (ret)
		return ret;
	if (!tb[SRTPRELAY_A_CRYPTO_SUITE]) {
		NL_SET_ERR_MSG_ATTR(extack, nest, "crypto context without SRTPRELAY_A_CRYPTO_SUITE");
		return -EINVAL;
	}
	s = srtp_suite_get(nla_get_u32(tb[SRTPRELAY_A_CRYPTO_SUITE]));
	p->suite = s->id;
	ret = take_secret(tb[SRTPRELAY_A_CRYPTO_KEY], p->key, s->key_len, true, extack);
	if (!ret)
		ret = take_secret(tb[SRTPRELAY_A_CRYPTO_SALT], p->salt, s->salt_len, false, extack);
	if (!ret)
		ret = parse_flags(tb[SRTPRELAY_A_CRYPTO_FLAGS], __SRTPRELAY_CRYPTO_F_ALL, &flags,
				  extack);
	if (ret)
		return ret;
	p->flags = (u8)flags;
	if (tb[SRTPRELAY_A_CRYPTO_MKI]) {
		p->mki_len = nla_len(tb[SRTPRELAY_A_CRYPTO_MKI]);
		if (!p->mki_len) {
			NL_SET_ERR_MSG_ATTR(extack, tb[SRTPRELAY_A_CRYPTO_MKI], "empty MKI");
			return -EINVAL;
		}
		memcpy(p->mki, nla_data(tb[SRTPRELAY_A_CRYPTO_MKI]), p->mki_len);
	}
	cfg->has_pol[dir] = true;
	if (tb[SRTPRELAY_A_CRYPTO_SSRCS])
		return parse_ssrcs(tb[SRTPRELAY_A_CRYPTO_SSRCS], cfg, dir, extack);
	return 0;
}

static int parse_pts(const struct nlattr *a, struct flow_cfg *cfg, struct netlink_ext_ack *extack)
{
	const u8 *pt = nla_data(a);

	if (!nla_len(a)) {
		NL_SET_ERR_MSG_ATTR(extack, a, "empty payload type list");
		return -EINVAL;
	}
	cfg->pt_limited = true;
	for (int i = 0; i < nla_len(a); i++) {
		if (pt[i] > 127) {
			NL_SET_ERR_MSG_ATTR(extack, a, "payload types are 0 to 127");
			return -EINVAL;
		}
		cfg->pt_allowed[pt[i] / 64] |= 1ull << (pt[i] % 64);
	}
	return 0;
}

static int need_addr(struct nlattr **tb, int type, struct flow_addr *out,
		     struct netlink_ext_ack *extack)
{
	if (tb[type])
		return parse_addr(tb[type], out, extack);
	if (type == SRTPRELAY_A_FLOW_LOCAL)
		NL_SET_ERR_MSG_MOD(extack, "missing SRTPRELAY_A_FLOW_LOCAL");
	else if (type == SRTPRELAY_A_FLOW_SOURCE)
		NL_SET_ERR_MSG_MOD(extack, "missing SRTPRELAY_A_FLOW_SOURCE");
	else
		NL_SET_ERR_MSG_MOD(extack, "missing SRTPRELAY_A_FLOW_PEER");
	return -EINVAL;
}

/* Parses SRTPRELAY_A_FLOW_LOCAL alone, for GET and DEL. */
int srtprelay_nl_local(struct nlattr **tb, struct flow_addr *out, struct netlink_ext_ack *extack)
{
	return need_addr(tb, SRTPRELAY_A_FLOW_LOCAL, out, extack);
}

static int parse_flow(struct nlattr **tb, struct flow_cfg *cfg, u32 *set_flags,
		      struct netlink_ext_ack *extack)
{
	int ret;

	memset(cfg, 0, sizeof(*cfg));
	cfg->pt_allowed[0] = cfg->pt_allowed[1] = ~0ull;
	ret = need_addr(tb, SRTPRELAY_A_FLOW_LOCAL, &cfg->local, extack);
	if (!ret)
		ret = need_addr(tb, SRTPRELAY_A_FLOW_SOURCE, &cfg->source, extack);
	if (!ret)
		ret = need_addr(tb, SRTPRELAY_A_FLOW_PEER, &cfg->peer, extack);
	if (!ret && tb[SRTPRELAY_A_FLOW_EXPECT]) {
		cfg->has_expect = true;
		ret = parse_addr(tb[SRTPRELAY_A_FLOW_EXPECT], &cfg->expect, extack);
	}
	if (ret)
		return ret;
	if (cfg->source.family != cfg->local.family || cfg->peer.family != cfg->local.family ||
	    (cfg->has_expect && cfg->expect.family != cfg->local.family)) {
		NL_SET_ERR_MSG_MOD(extack, "flow addresses must all be IPv4 or all IPv6");
		return -EINVAL;
	}
	ret = parse_flags(tb[SRTPRELAY_A_FLOW_FLAGS], __SRTPRELAY_FLOW_F_ALL, &cfg->flags, extack);
	if (!ret)
		ret = parse_flags(tb[SRTPRELAY_A_FLOW_SET_FLAGS], __SRTPRELAY_SET_F_ALL, set_flags,
				  extack);
	if (ret)
		return ret;
	if (tb[SRTPRELAY_A_FLOW_MEDIA])
		cfg->media = nla_get_u32(tb[SRTPRELAY_A_FLOW_MEDIA]);
	if (tb[SRTPRELAY_A_FLOW_COOKIE])
		cfg->cookie = nla_get_u64(tb[SRTPRELAY_A_FLOW_COOKIE]);
	if (tb[SRTPRELAY_A_FLOW_PAYLOAD_TYPES]) {
		cfg->pt_allowed[0] = cfg->pt_allowed[1] = 0;
		ret = parse_pts(tb[SRTPRELAY_A_FLOW_PAYLOAD_TYPES], cfg, extack);
		if (ret)
			return ret;
	}
	if (tb[SRTPRELAY_A_FLOW_DECRYPT])
		ret = parse_crypto(tb[SRTPRELAY_A_FLOW_DECRYPT], cfg, 0, extack);
	if (!ret && tb[SRTPRELAY_A_FLOW_ENCRYPT])
		ret = parse_crypto(tb[SRTPRELAY_A_FLOW_ENCRYPT], cfg, 1, extack);
	return ret;
}

static int nl_set_flow(struct sk_buff *skb, struct genl_info *info)
{
	struct srtprelay_net *sn = srtprelay_pernet(genl_info_net(info));
	struct flow_cfg *cfg = kzalloc(sizeof(*cfg), GFP_KERNEL);
	u32 set_flags = 0;
	int ret;

	if (!cfg)
		return -ENOMEM;
	ret = parse_flow(info->attrs, cfg, &set_flags, info->extack);
	if (!ret)
		ret = flow_set(sn, cfg, set_flags, info->extack);
	kfree_sensitive(cfg);
	return ret;
}

static int nl_del_flow(struct sk_buff *skb, struct genl_info *info)
{
	struct srtprelay_net *sn = srtprelay_pernet(genl_info_net(info));
	struct flow_addr local;
	int ret = srtprelay_nl_local(info->attrs, &local, info->extack);

	return ret ? ret : flow_del(sn, &local);
}

static int nl_flush(struct sk_buff *skb, struct genl_info *info)
{
	const struct nlattr *c = info->attrs[SRTPRELAY_A_FLOW_COOKIE];

	flow_flush(srtprelay_pernet(genl_info_net(info)), c != NULL, c ? nla_get_u64(c) : 0);
	return 0;
}

static const struct genl_ops srtprelay_ops[] = {
	{
		.cmd = SRTPRELAY_CMD_SET_FLOW,
		.doit = nl_set_flow,
		.policy = flow_policy,
		.maxattr = SRTPRELAY_A_FLOW_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = SRTPRELAY_CMD_DEL_FLOW,
		.doit = nl_del_flow,
		.policy = flow_policy,
		.maxattr = SRTPRELAY_A_FLOW_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = SRTPRELAY_CMD_GET_FLOW,
		.doit = srtprelay_nl_get_flow,
		.dumpit = srtprelay_nl_dump_flows,
		.policy = flow_policy,
		.maxattr = SRTPRELAY_A_FLOW_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = SRTPRELAY_CMD_FLUSH,
		.doit = nl_flush,
		.policy = flow_policy,
		.maxattr = SRTPRELAY_A_FLOW_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = SRTPRELAY_CMD_GET_STATS,
		.doit = srtprelay_nl_get_stats,
		.policy = flow_policy,
		.maxattr = SRTPRELAY_A_FLOW_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
};

struct genl_family srtprelay_family __ro_after_init = {
	.name = SRTPRELAY_GENL_NAME,
	.version = SRTPRELAY_GENL_VERSION,
	.module = THIS_MODULE,
	.netnsok = true,
	.ops = srtprelay_ops,
	.n_ops = ARRAY_SIZE(srtprelay_ops),
	/* Every command is new: strict checking of the genetlink header's reserved fields. */
	.resv_start_op = SRTPRELAY_CMD_MAX + 1,
};

int __init srtprelay_genl_init(void)
{
	return genl_register_family(&srtprelay_family);
}

void srtprelay_genl_exit(void)
{
	genl_unregister_family(&srtprelay_family);
}
