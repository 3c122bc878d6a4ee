// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The nftables transactions of daemon/nft.c, parsed back message by message: batch
 * framing, table, base chain (prerouting, priority raw, before conntrack), chain flush, and
 * the rule's expressions in order down to the raw nft_compat target attributes. Then, in a
 * network namespace of its own when one can be had, the real kernel's answer.
 */
#include "check.h"
#include "nft.h"

#include <errno.h>
#include <netinet/in.h>
#include <sched.h>

#include <libmnl/libmnl.h>
#include <libnftnl/chain.h>
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <libnftnl/table.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nf_tables_compat.h>
#include <linux/netfilter/nfnetlink.h>

#include "uapi/linux/srtprelay.h"

#define SEQ 500
#define NFT_TYPE(m) ((NFNL_SUBSYS_NFTABLES << 8) | (m))

/* Splits a batch into its messages. */
static int messages(const void *buf, int len, const struct nlmsghdr **msg, int max)
{
	const struct nlmsghdr *nlh = buf;
	int n = 0;

	for (; mnl_nlmsg_ok(nlh, len) && n < max; nlh = mnl_nlmsg_next(nlh, &len))
		msg[n++] = nlh;
	return len ? -1 : n;
}

static bool is_batch(const struct nlmsghdr *nlh, uint16_t type, uint32_t seq)
{
	const struct nfgenmsg *g = mnl_nlmsg_get_payload(nlh);

	return nlh->nlmsg_type == type && nlh->nlmsg_seq == seq &&
	       ntohs(g->res_id) == NFNL_SUBSYS_NFTABLES;
}

static bool is_msg(const struct nlmsghdr *nlh, uint16_t type, uint16_t flags, uint32_t seq)
{
	const struct nfgenmsg *g = mnl_nlmsg_get_payload(nlh);

	return nlh->nlmsg_type == NFT_TYPE(type) && nlh->nlmsg_flags == (NLM_F_REQUEST | flags) &&
	       nlh->nlmsg_seq == seq && g->nfgen_family == NFPROTO_INET;
}

static struct nftnl_expr *next_expr(struct nftnl_expr_iter *it, const char *name)
{
	struct nftnl_expr *e = nftnl_expr_iter_next(it);

	return e && !strcmp(nftnl_expr_get_str(e, NFTNL_EXPR_NAME), name) ? e : NULL;
}

static bool cmp_is(struct nftnl_expr *e, uint32_t op, const void *data, uint32_t len)
{
	uint32_t got = 0;
	const void *d = e ? nftnl_expr_get(e, NFTNL_EXPR_CMP_DATA, &got) : NULL;

	return d && nftnl_expr_get_u32(e, NFTNL_EXPR_CMP_SREG) == NFT_REG_1 &&
	       nftnl_expr_get_u32(e, NFTNL_EXPR_CMP_OP) == op && got == len && !memcmp(d, data, len);
}

/* meta l4proto, cmp udp, payload dport, cmp >= min, cmp <= max, target: nothing else. */
static void check_rule_exprs(struct nftnl_rule *r, uint16_t min, uint16_t max)
{
	struct nftnl_expr_iter *it = nftnl_expr_iter_create(r);
	uint16_t bmin = htons(min), bmax = htons(max);
	uint8_t udp = IPPROTO_UDP;
	struct nftnl_expr *e;
	uint32_t len = 99;

	CHECK(it);
	e = next_expr(it, "meta");
	CHECK(e && nftnl_expr_get_u32(e, NFTNL_EXPR_META_KEY) == NFT_META_L4PROTO);
	CHECK_EQ(nftnl_expr_get_u32(e, NFTNL_EXPR_META_DREG), NFT_REG_1);
	CHECK(cmp_is(next_expr(it, "cmp"), NFT_CMP_EQ, &udp, 1));
	e = next_expr(it, "payload");
	CHECK(e);
	CHECK_EQ(nftnl_expr_get_u32(e, NFTNL_EXPR_PAYLOAD_BASE), NFT_PAYLOAD_TRANSPORT_HEADER);
	CHECK_EQ(nftnl_expr_get_u32(e, NFTNL_EXPR_PAYLOAD_OFFSET), 2);
	CHECK_EQ(nftnl_expr_get_u32(e, NFTNL_EXPR_PAYLOAD_LEN), 2);
	CHECK_EQ(nftnl_expr_get_u32(e, NFTNL_EXPR_PAYLOAD_DREG), NFT_REG_1);
	CHECK(cmp_is(next_expr(it, "cmp"), NFT_CMP_GTE, &bmin, 2));
	CHECK(cmp_is(next_expr(it, "cmp"), NFT_CMP_LTE, &bmax, 2));
	e = next_expr(it, "target");
	CHECK(e);
	CHECK(!strcmp(nftnl_expr_get_str(e, NFTNL_EXPR_TG_NAME), SRTPRELAY_XT_TARGET));
	CHECK_EQ(nftnl_expr_get_u32(e, NFTNL_EXPR_TG_REV), 0);
	CHECK(nftnl_expr_is_set(e, NFTNL_EXPR_TG_INFO));
	nftnl_expr_get(e, NFTNL_EXPR_TG_INFO, &len);
	CHECK_EQ(len, 0);
	CHECK(!nftnl_expr_iter_next(it));
	nftnl_expr_iter_destroy(it);
}

/* The target's raw attributes, as nft_compat reads them. */
static void check_raw_target(const struct nlmsghdr *nlh)
{
	const struct nlattr *a, *list = NULL, *last = NULL, *name = NULL, *data = NULL;
	const struct nlattr *tg[NFTA_TARGET_MAX + 1] = { NULL };

	mnl_attr_for_each(a, nlh, sizeof(struct nfgenmsg))
		if (mnl_attr_get_type(a) == NFTA_RULE_EXPRESSIONS)
			list = a;
		else
			CHECK(mnl_attr_get_type(a) != NFTA_RULE_COMPAT);
	CHECK(list);
	mnl_attr_for_each_nested(a, list)
		last = a;
	CHECK(last && mnl_attr_get_type(last) == NFTA_LIST_ELEM);
	mnl_attr_for_each_nested(a, last) {
		if (mnl_attr_get_type(a) == NFTA_EXPR_NAME)
			name = a;
		if (mnl_attr_get_type(a) == NFTA_EXPR_DATA)
			data = a;
	}
	CHECK(name && !strcmp(mnl_attr_get_str(name), "target"));
	CHECK(data);
	mnl_attr_for_each_nested(a, data)
		if (mnl_attr_get_type(a) <= NFTA_TARGET_MAX)
			tg[mnl_attr_get_type(a)] = a;
	CHECK(tg[NFTA_TARGET_NAME] && tg[NFTA_TARGET_REV] && tg[NFTA_TARGET_INFO]);
	CHECK(!strcmp(mnl_attr_get_str(tg[NFTA_TARGET_NAME]), "SRTPRELAY"));
	CHECK_EQ(mnl_attr_get_payload_len(tg[NFTA_TARGET_REV]), 4);
	CHECK_EQ(mnl_attr_get_u32(tg[NFTA_TARGET_REV]), htonl(0));
	/* nft_compat: the info blob must be exactly XT_ALIGN(targetsize) = 0 octets. */
	CHECK_EQ(mnl_attr_get_payload_len(tg[NFTA_TARGET_INFO]), 0);
}

static void install_batch(void)
{
	uint8_t buf[SRTPRELAY_NFT_BATCH_SIZE];
	const struct nlmsghdr *m[8];
	struct nftnl_table *t = nftnl_table_alloc();
	struct nftnl_chain *c = nftnl_chain_alloc();
	struct nftnl_rule *flush = nftnl_rule_alloc(), *r = nftnl_rule_alloc();
	uint16_t min = 0, max = 0;
	int len = srtprelay_nft_build_install(buf, sizeof(buf), SEQ, 30000, 40000);

	CHECK(t && c && flush && r);
	CHECK(len > 0);
	CHECK_EQ(messages(buf, len, m, 8), 6);
	CHECK(is_batch(m[0], NFNL_MSG_BATCH_BEGIN, SEQ));
	/* No NLM_F_EXCL on table and chain: installing again must work. */
	CHECK(is_msg(m[1], NFT_MSG_NEWTABLE, NLM_F_CREATE | NLM_F_ACK, SEQ + 1));
	CHECK(nftnl_table_nlmsg_parse(m[1], t) >= 0);
	CHECK(!strcmp(nftnl_table_get_str(t, NFTNL_TABLE_NAME), "srtprelay"));

	CHECK(is_msg(m[2], NFT_MSG_NEWCHAIN, NLM_F_CREATE | NLM_F_ACK, SEQ + 2));
	CHECK(nftnl_chain_nlmsg_parse(m[2], c) >= 0);
	CHECK(!strcmp(nftnl_chain_get_str(c, NFTNL_CHAIN_TABLE), "srtprelay"));
	CHECK(!strcmp(nftnl_chain_get_str(c, NFTNL_CHAIN_NAME), SRTPRELAY_NFT_CHAIN));
	CHECK(!strcmp(nftnl_chain_get_str(c, NFTNL_CHAIN_TYPE), "filter"));
	CHECK_EQ(nftnl_chain_get_u32(c, NFTNL_CHAIN_HOOKNUM), NF_INET_PRE_ROUTING);
	CHECK_EQ(nftnl_chain_get_u32(c, NFTNL_CHAIN_POLICY), NF_ACCEPT);
	/* The verdict must come before conntrack (-200): relayed media gets no entries. */
	CHECK_EQ(nftnl_chain_get_s32(c, NFTNL_CHAIN_PRIO), -300);

	CHECK(is_msg(m[3], NFT_MSG_DELRULE, NLM_F_ACK, SEQ + 3));
	CHECK(nftnl_rule_nlmsg_parse(m[3], flush) >= 0);
	CHECK(!strcmp(nftnl_rule_get_str(flush, NFTNL_RULE_CHAIN), SRTPRELAY_NFT_CHAIN));
	CHECK(!nftnl_rule_is_set(flush, NFTNL_RULE_HANDLE));

	CHECK(is_msg(m[4], NFT_MSG_NEWRULE, NLM_F_CREATE | NLM_F_APPEND | NLM_F_ACK, SEQ + 4));
	CHECK(nftnl_rule_nlmsg_parse(m[4], r) >= 0);
	CHECK(!strcmp(nftnl_rule_get_str(r, NFTNL_RULE_TABLE), "srtprelay"));
	CHECK(!strcmp(nftnl_rule_get_str(r, NFTNL_RULE_CHAIN), SRTPRELAY_NFT_CHAIN));
	check_rule_exprs(r, 30000, 40000);
	if (check_failed_now)
		return;
	check_raw_target(m[4]);
	if (check_failed_now)
		return;
	CHECK_EQ(srtprelay_nft_rule_ports(r, &min, &max), 0);
	CHECK(min == 30000 && max == 40000);

	CHECK(is_batch(m[5], NFNL_MSG_BATCH_END, SEQ + 5));
	nftnl_table_free(t);
	nftnl_chain_free(c);
	nftnl_rule_free(flush);
	nftnl_rule_free(r);
}

static void remove_batch(void)
{
	uint8_t buf[SRTPRELAY_NFT_BATCH_SIZE];
	const struct nlmsghdr *m[8];
	struct nftnl_table *t = nftnl_table_alloc();
	int len = srtprelay_nft_build_remove(buf, sizeof(buf), SEQ);

	CHECK(t && len > 0);
	CHECK_EQ(messages(buf, len, m, 8), 4);
	CHECK(is_batch(m[0], NFNL_MSG_BATCH_BEGIN, SEQ));
	CHECK(is_msg(m[1], NFT_MSG_NEWTABLE, NLM_F_CREATE | NLM_F_ACK, SEQ + 1));
	CHECK(is_msg(m[2], NFT_MSG_DELTABLE, NLM_F_ACK, SEQ + 2));
	CHECK(nftnl_table_nlmsg_parse(m[2], t) >= 0);
	CHECK(!strcmp(nftnl_table_get_str(t, NFTNL_TABLE_NAME), "srtprelay"));
	CHECK(is_batch(m[3], NFNL_MSG_BATCH_END, SEQ + 3));
	nftnl_table_free(t);
}

static void build_refuses(void)
{
	uint8_t buf[SRTPRELAY_NFT_BATCH_SIZE];

	CHECK_EQ(srtprelay_nft_build_install(buf, sizeof(buf), SEQ, 0, 100), -EINVAL);
	CHECK_EQ(srtprelay_nft_build_install(buf, sizeof(buf), SEQ, 2000, 1000), -EINVAL);
	CHECK_EQ(srtprelay_nft_build_install(buf, 1024, SEQ, 1000, 2000), -EMSGSIZE);
	CHECK_EQ(srtprelay_nft_build_remove(buf, 1024, SEQ), -EMSGSIZE);
	CHECK(srtprelay_nft_build_install(buf, sizeof(buf), SEQ, 5004, 5004) > 0);
}

/* Rules written by someone else: a single port, or no SRTPRELAY target at all. */
static void foreign_rules(void)
{
	struct nftnl_rule *r = nftnl_rule_alloc();
	struct nftnl_expr *p = nftnl_expr_alloc("payload"), *c = nftnl_expr_alloc("cmp");
	struct nftnl_expr *t = nftnl_expr_alloc("target");
	uint16_t port = htons(5060), min = 1, max = 1;

	CHECK(r && p && c && t);
	nftnl_expr_set_u32(p, NFTNL_EXPR_PAYLOAD_BASE, NFT_PAYLOAD_TRANSPORT_HEADER);
	nftnl_expr_set_u32(p, NFTNL_EXPR_PAYLOAD_OFFSET, 2);
	nftnl_expr_set_u32(p, NFTNL_EXPR_PAYLOAD_LEN, 2);
	nftnl_expr_set_u32(c, NFTNL_EXPR_CMP_OP, NFT_CMP_EQ);
	nftnl_expr_set(c, NFTNL_EXPR_CMP_DATA, &port, sizeof(port));
	nftnl_rule_add_expr(r, p);
	nftnl_rule_add_expr(r, c);
	CHECK_EQ(srtprelay_nft_rule_ports(r, &min, &max), -ENOENT);
	nftnl_expr_set_str(t, NFTNL_EXPR_TG_NAME, "SRTPRELAY");
	nftnl_rule_add_expr(r, t);
	CHECK_EQ(srtprelay_nft_rule_ports(r, &min, &max), 0);
	CHECK(min == 5060 && max == 5060);
	nftnl_rule_free(r);
}

/*
 * The kernel's answer, in a network namespace of our own (never the host's ruleset).
 * Without srtprelay.ko the rule is refused with the module hint and nothing is left
 * behind, the transaction being atomic; removing is idempotent either way.
 */
static void real_kernel(void)
{
	struct srtprelay_nft_status st;
	char err[SRTPRELAY_NFT_ERR_MAX] = "";
	int ret;

	if (unshare(CLONE_NEWNET) && unshare(CLONE_NEWUSER | CLONE_NEWNET)) {
		fprintf(stderr, "  no network namespace to play in; skipped\n");
		return;
	}
	if (srtprelay_nft_status(&st, err, sizeof(err))) {
		fprintf(stderr, "  no nf_tables here (%s); skipped\n", err);
		return;
	}
	CHECK(!st.table && !st.rule);
	CHECK_EQ(srtprelay_nft_remove(err, sizeof(err)), 0);
	ret = srtprelay_nft_install(30000, 40000, err, sizeof(err));
	fprintf(stderr, "  install: %d %s\n", ret, err);
	CHECK_EQ(srtprelay_nft_status(&st, err, sizeof(err)), 0);
	if (ret) {
		CHECK(strstr(err, "modprobe srtprelay") || ret != -ENOENT);
		CHECK(!st.table);
	} else {
		CHECK(st.table && st.chain && st.rule);
		CHECK(st.port_min == 30000 && st.port_max == 40000 && !st.other_rules);
		CHECK_EQ(st.priority, -300);
		CHECK_EQ(srtprelay_nft_install(1000, 2000, err, sizeof(err)), 0);
		CHECK_EQ(srtprelay_nft_status(&st, err, sizeof(err)), 0);
		CHECK(st.rule && st.port_min == 1000 && !st.other_rules);
	}
	CHECK_EQ(srtprelay_nft_remove(err, sizeof(err)), 0);
	CHECK_EQ(srtprelay_nft_status(&st, err, sizeof(err)), 0);
	CHECK(!st.table);
}

static const struct check_case cases[] = {
	CASE(install_batch),
	CASE(remove_batch),
	CASE(build_refuses),
	CASE(foreign_rules),
	CASE(real_kernel),	/* last: it moves the process into a new network namespace */
};

CHECK_MAIN("nft", cases)
