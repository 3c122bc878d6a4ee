// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The nftables rule for srtprelay.ko, as one nf_tables batch transaction built with
 * libnftnl. The verdict is the module's xtables target, reached through nft_compat: an
 * expression "target" naming SRTPRELAY, revision 0, with an empty info blob (the target
 * takes no options, and nft_compat wants the attribute present and XT_ALIGN(targetsize),
 * here 0, octets long).
 *
 * nft_compat looks up an inet table's targets under NFPROTO_INET, then NFPROTO_UNSPEC, so
 * the module registers SRTPRELAY as NFPROTO_UNSPEC. Kernels that carry d0009effa886 but not
 * its fix 7e0f122c6591 (some stable releases of early 2024) refuse xtables targets in inet
 * tables with EOPNOTSUPP; the error message says so.
 */
#include "nft.h"

#include <errno.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libmnl/libmnl.h>
#include <libnftnl/chain.h>
#include <libnftnl/common.h>
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <libnftnl/table.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>

#include "uapi/linux/srtprelay.h"

#define UDP_DPORT_OFFSET 2	/* offsetof(struct udphdr, dest) */

static struct nftnl_table *table_new(void)
{
	struct nftnl_table *t = nftnl_table_alloc();

	if (t) {
		nftnl_table_set_str(t, NFTNL_TABLE_NAME, SRTPRELAY_NFT_TABLE);
		nftnl_table_set_u32(t, NFTNL_TABLE_FAMILY, NFPROTO_INET);
	}
	return t;
}

static struct nftnl_chain *chain_new(void)
{
	struct nftnl_chain *c = nftnl_chain_alloc();

	if (c) {
		nftnl_chain_set_str(c, NFTNL_CHAIN_TABLE, SRTPRELAY_NFT_TABLE);
		nftnl_chain_set_str(c, NFTNL_CHAIN_NAME, SRTPRELAY_NFT_CHAIN);
		nftnl_chain_set_u32(c, NFTNL_CHAIN_FAMILY, NFPROTO_INET);
		nftnl_chain_set_u32(c, NFTNL_CHAIN_HOOKNUM, NF_INET_PRE_ROUTING);
		nftnl_chain_set_s32(c, NFTNL_CHAIN_PRIO, SRTPRELAY_NFT_PRIORITY);
		nftnl_chain_set_str(c, NFTNL_CHAIN_TYPE, "filter");
		nftnl_chain_set_u32(c, NFTNL_CHAIN_POLICY, NF_ACCEPT);
	}
	return c;
}

static struct nftnl_expr *cmp_new(uint32_t op, const void *data, uint32_t len)
{
	struct nftnl_expr *e = nftnl_expr_alloc("cmp");

	if (e) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_SREG, NFT_REG_1);
		nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_OP, op);
		nftnl_expr_set(e, NFTNL_EXPR_CMP_DATA, data, len);
	}
	return e;
}

static struct nftnl_expr *meta_l4proto_new(void)
{
	struct nftnl_expr *e = nftnl_expr_alloc("meta");

	if (e) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_META_KEY, NFT_META_L4PROTO);
		nftnl_expr_set_u32(e, NFTNL_EXPR_META_DREG, NFT_REG_1);
	}
	return e;
}

static struct nftnl_expr *udp_dport_new(void)
{
	struct nftnl_expr *e = nftnl_expr_alloc("payload");

	if (e) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_DREG, NFT_REG_1);
		nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_BASE, NFT_PAYLOAD_TRANSPORT_HEADER);
		nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_OFFSET, UDP_DPORT_OFFSET);
		nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_LEN, sizeof(uint16_t));
	}
	return e;
}

static struct nftnl_expr *target_new(void)
{
	struct nftnl_expr *e = nftnl_expr_alloc("target");
	/* libnftnl takes ownership of the info blob and frees it with the expression; it
	 * must be a heap pointer even though its length is 0. */
	void *info = calloc(1, 1);

	if (!e || !info) {
		free(info);
		if (e)
			nftnl_expr_free(e);
		return NULL;
	}
	nftnl_expr_set_str(e, NFTNL_EXPR_TG_NAME, SRTPRELAY_XT_TARGET);
	nftnl_expr_set_u32(e, NFTNL_EXPR_TG_REV, 0);
	nftnl_expr_set(e, NFTNL_EXPR_TG_INFO, info, 0);
	return e;
}

/* meta l4proto udp, udp dport >= min, udp dport <= max, then the target. */
static struct nftnl_rule *rule_new(uint16_t port_min, uint16_t port_max)
{
	const uint8_t udp = IPPROTO_UDP;
	const uint16_t min = htons(port_min), max = htons(port_max);
	struct nftnl_rule *r = nftnl_rule_alloc();
	struct nftnl_expr *e[6];
	bool ok = r != NULL;
	size_t i;

	/* In an inet table the transport header is any protocol's: UDP must be checked
	 * first. Ports in network byte order order correctly under nft_cmp's memcmp(). */
	e[0] = meta_l4proto_new();
	e[1] = cmp_new(NFT_CMP_EQ, &udp, sizeof(udp));
	e[2] = udp_dport_new();
	e[3] = cmp_new(NFT_CMP_GTE, &min, sizeof(min));
	e[4] = cmp_new(NFT_CMP_LTE, &max, sizeof(max));
	e[5] = target_new();
	for (i = 0; i < 6; i++)
		ok = ok && e[i];
	if (!ok) {
		for (i = 0; i < 6; i++)
			if (e[i])
				nftnl_expr_free(e[i]);
		if (r)
			nftnl_rule_free(r);
		return NULL;
	}
	nftnl_rule_set_str(r, NFTNL_RULE_TABLE, SRTPRELAY_NFT_TABLE);
	nftnl_rule_set_str(r, NFTNL_RULE_CHAIN, SRTPRELAY_NFT_CHAIN);
	nftnl_rule_set_u32(r, NFTNL_RULE_FAMILY, NFPROTO_INET);
	/* No NFTA_RULE_COMPAT: nft_compat only consults it for targets that declare a
	 * protocol, which SRTPRELAY does not. */
	for (i = 0; i < 6; i++)
		nftnl_rule_add_expr(r, e[i]);
	return r;
}

/* --- building the transactions --- */

struct batch {
	struct mnl_nlmsg_batch *b;
	uint32_t seq;
	bool full;
};

static struct nlmsghdr *batch_put(struct batch *bt, uint16_t type, uint16_t flags)
{
	return nftnl_nlmsg_build_hdr(mnl_nlmsg_batch_current(bt->b), type, NFPROTO_INET, flags,
				     bt->seq++);
}

static void batch_next(struct batch *bt)
{
	if (!mnl_nlmsg_batch_next(bt->b))
		bt->full = true;
}

/* Starts a batch in buf; mnl lets the last message overflow into the second half. */
static int batch_start(struct batch *bt, void *buf, size_t size, uint32_t seq)
{
	if (size < SRTPRELAY_NFT_BATCH_SIZE)
		return -EMSGSIZE;
	bt->b = mnl_nlmsg_batch_start(buf, size / 2);
	bt->seq = seq;
	bt->full = false;
	if (!bt->b)
		return -ENOMEM;
	nftnl_batch_begin(mnl_nlmsg_batch_current(bt->b), bt->seq++);
	batch_next(bt);
	return 0;
}

static int batch_finish(struct batch *bt)
{
	int len;

	nftnl_batch_end(mnl_nlmsg_batch_current(bt->b), bt->seq++);
	batch_next(bt);
	len = bt->full ? -EMSGSIZE : (int)mnl_nlmsg_batch_size(bt->b);
	mnl_nlmsg_batch_stop(bt->b);
	return len;
}

int srtprelay_nft_build_install(void *buf, size_t size, uint32_t seq, uint16_t port_min,
				uint16_t port_max)
{
	struct nftnl_table *t = table_new();
	struct nftnl_chain *c = chain_new();
	struct nftnl_rule *flush = nftnl_rule_alloc();
	struct nftnl_rule *r = NULL;
	struct batch bt;
	int ret = -EINVAL;

	if (port_min && port_min <= port_max) {
		r = rule_new(port_min, port_max);
		ret = (t && c && flush && r) ? batch_start(&bt, buf, size, seq) : -ENOMEM;
	}
	if (!ret) {
		/* No NLM_F_EXCL: table and chain may exist from an earlier install. */
		nftnl_table_nlmsg_build_payload(batch_put(&bt, NFT_MSG_NEWTABLE,
							  NLM_F_CREATE | NLM_F_ACK), t);
		batch_next(&bt);
		nftnl_chain_nlmsg_build_payload(batch_put(&bt, NFT_MSG_NEWCHAIN,
							  NLM_F_CREATE | NLM_F_ACK), c);
		batch_next(&bt);
		/* A rule deletion naming only table and chain flushes the chain, so an older
		 * rule (another port range) goes in the same transaction. */
		nftnl_rule_set_str(flush, NFTNL_RULE_TABLE, SRTPRELAY_NFT_TABLE);
		nftnl_rule_set_str(flush, NFTNL_RULE_CHAIN, SRTPRELAY_NFT_CHAIN);
		nftnl_rule_set_u32(flush, NFTNL_RULE_FAMILY, NFPROTO_INET);
		nftnl_rule_nlmsg_build_payload(batch_put(&bt, NFT_MSG_DELRULE, NLM_F_ACK), flush);
		batch_next(&bt);
		nftnl_rule_nlmsg_build_payload(batch_put(&bt, NFT_MSG_NEWRULE,
							 NLM_F_CREATE | NLM_F_APPEND | NLM_F_ACK),
					       r);
		batch_next(&bt);
		ret = batch_finish(&bt);
	}
	if (t)
		nftnl_table_free(t);
	if (c)
		nftnl_chain_free(c);
	if (flush)
		nftnl_rule_free(flush);
	if (r)
		nftnl_rule_free(r);
	return ret;
}

int srtprelay_nft_build_remove(void *buf, size_t size, uint32_t seq)
{
	struct nftnl_table *t = table_new();
	struct batch bt;
	int ret = t ? batch_start(&bt, buf, size, seq) : -ENOMEM;

	if (!ret) {
		/* Creating the table first makes its deletion succeed when it was not there. */
		nftnl_table_nlmsg_build_payload(batch_put(&bt, NFT_MSG_NEWTABLE,
							  NLM_F_CREATE | NLM_F_ACK), t);
		batch_next(&bt);
		nftnl_table_nlmsg_build_payload(batch_put(&bt, NFT_MSG_DELTABLE, NLM_F_ACK), t);
		batch_next(&bt);
		ret = batch_finish(&bt);
	}
	if (t)
		nftnl_table_free(t);
	return ret;
}

/* --- recognising the rule --- */

static bool expr_is(struct nftnl_expr *e, const char *name)
{
	const char *n = nftnl_expr_get_str(e, NFTNL_EXPR_NAME);

	return n && !strcmp(n, name);
}

/* A comparison of the UDP destination port: EQ sets both ends, GTE/LTE one each. */
static void take_port(struct nftnl_expr *e, uint16_t *min, uint16_t *max)
{
	uint32_t op = nftnl_expr_get_u32(e, NFTNL_EXPR_CMP_OP), len = 0;
	const void *data = nftnl_expr_get(e, NFTNL_EXPR_CMP_DATA, &len);
	uint16_t port;

	if (!data || len != sizeof(port))
		return;
	memcpy(&port, data, sizeof(port));
	port = ntohs(port);
	if (op == NFT_CMP_EQ || op == NFT_CMP_GTE)
		*min = port;
	if (op == NFT_CMP_EQ || op == NFT_CMP_LTE)
		*max = port;
}

int srtprelay_nft_rule_ports(struct nftnl_rule *r, uint16_t *port_min, uint16_t *port_max)
{
	struct nftnl_expr_iter *it = nftnl_expr_iter_create(r);
	bool dport = false, target = false;
	uint16_t min = 0, max = 0;
	struct nftnl_expr *e;

	if (!it)
		return -ENOMEM;
	while ((e = nftnl_expr_iter_next(it))) {
		if (expr_is(e, "payload")) {
			dport = nftnl_expr_get_u32(e, NFTNL_EXPR_PAYLOAD_BASE) ==
					NFT_PAYLOAD_TRANSPORT_HEADER &&
				nftnl_expr_get_u32(e, NFTNL_EXPR_PAYLOAD_OFFSET) == UDP_DPORT_OFFSET &&
				nftnl_expr_get_u32(e, NFTNL_EXPR_PAYLOAD_LEN) == sizeof(uint16_t);
		} else if (expr_is(e, "cmp") && dport) {
			take_port(e, &min, &max);
		} else {
			dport = false;
			if (expr_is(e, "target")) {
				const char *n = nftnl_expr_get_str(e, NFTNL_EXPR_TG_NAME);

				target = n && !strcmp(n, SRTPRELAY_XT_TARGET);
			}
		}
	}
	nftnl_expr_iter_destroy(it);
	if (!target)
		return -ENOENT;
	*port_min = min <= max ? min : 0;
	*port_max = min <= max ? max : 0;
	return 0;
}

/* --- talking to nf_tables --- */

static struct mnl_socket *nft_open(char *err, size_t errlen)
{
	struct mnl_socket *s = mnl_socket_open(NETLINK_NETFILTER);
	int one = 1;

	if (!s) {
		snprintf(err, errlen, "cannot open a netfilter netlink socket: %s",
			 strerror(errno));
		return NULL;
	}
	if (mnl_socket_bind(s, 0, MNL_SOCKET_AUTOPID) < 0) {
		snprintf(err, errlen, "netfilter netlink bind: %s", strerror(errno));
		mnl_socket_close(s);
		return NULL;
	}
	mnl_socket_setsockopt(s, NETLINK_EXT_ACK, &one, sizeof(one));
	return s;
}

/* Why a step of the install or remove transaction failed, in the user's terms. */
static void explain(const char *step, int error, const char *extack, char *err, size_t errlen)
{
	const char *hint = "";

	if (error == EPERM)
		hint = " (nftables needs CAP_NET_ADMIN)";
	else if (!strcmp(step, "rule") && error == ENOENT)
		hint = " (the xtables target " SRTPRELAY_XT_TARGET " is not registered: "
		       "srtprelay module not loaded? run: modprobe srtprelay)";
	else if (!strcmp(step, "rule") && error == EOPNOTSUPP)
		hint = " (this kernel's nft_compat refuses xtables targets in inet tables; "
		       "Linux commit 7e0f122c6591 lifts that)";
	else if (!strcmp(step, "batch") && error == EOPNOTSUPP)
		hint = " (nf_tables is not available in this kernel)";
	snprintf(err, errlen, "nftables refused the %s: %s%s%s%s", step, strerror(error), hint,
		 extack[0] ? ": " : "", extack);
}

/*
 * Sends a batch and reads every answer. nfnetlink handles a batch inside our sendmsg(), so
 * all acks and errors are queued by the time it returns: reading until the queue is empty
 * sees them all. Reports the first failure, naming its step (steps[seq - seq0]).
 */
static int send_batch(struct mnl_socket *s, const void *buf, size_t len, uint32_t seq0,
		      const char *const *steps, size_t nsteps, char *err, size_t errlen)
{
	uint8_t rx[16384];
	char extack[SRTPRELAY_NFT_ERR_MAX] = "";
	int first = 0;
	const char *step = "batch";

	if (mnl_socket_sendto(s, buf, len) < 0) {
		snprintf(err, errlen, "netfilter netlink send: %s", strerror(errno));
		return -errno;
	}
	for (;;) {
		ssize_t n = recv(mnl_socket_get_fd(s), rx, sizeof(rx), MSG_DONTWAIT);
		const struct nlmsghdr *nlh = (const struct nlmsghdr *)rx;
		int left = (int)n;

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		if (n < 0) {
			snprintf(err, errlen, "netfilter netlink receive: %s", strerror(errno));
			return -errno;
		}
		for (; mnl_nlmsg_ok(nlh, left); nlh = mnl_nlmsg_next(nlh, &left)) {
			const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);
			const struct nlattr *a;

			if (nlh->nlmsg_type != NLMSG_ERROR || first ||
			    mnl_nlmsg_get_payload_len(nlh) < sizeof(*e) || !e->error)
				continue;
			first = e->error < 0 ? -e->error : e->error;
			if (nlh->nlmsg_seq - seq0 < nsteps)
				step = steps[nlh->nlmsg_seq - seq0];
			if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
				continue;
			mnl_attr_for_each(a, nlh, (nlh->nlmsg_flags & NLM_F_CAPPED) ? sizeof(*e) :
				sizeof(e->error) + MNL_ALIGN(e->msg.nlmsg_len))
				if (mnl_attr_get_type(a) == NLMSGERR_ATTR_MSG &&
				    !mnl_attr_validate(a, MNL_TYPE_NUL_STRING))
					snprintf(extack, sizeof(extack), "%s", mnl_attr_get_str(a));
		}
	}
	if (!first)
		return 0;
	explain(step, first, extack, err, errlen);
	return -first;
}

static int run_batch(int built, const void *buf, uint32_t seq, const char *const *steps,
		     size_t nsteps, char *err, size_t errlen)
{
	struct mnl_socket *s;
	int ret;

	if (built < 0) {
		snprintf(err, errlen, "cannot build the nftables batch: %s", strerror(-built));
		return built;
	}
	s = nft_open(err, errlen);
	if (!s)
		return -EIO;
	ret = send_batch(s, buf, (size_t)built, seq, steps, nsteps, err, errlen);
	mnl_socket_close(s);
	return ret;
}

int srtprelay_nft_install(uint16_t port_min, uint16_t port_max, char *err, size_t errlen)
{
	static const char *const steps[] = { "batch", "table", "chain", "chain flush", "rule",
					     "batch" };
	uint8_t buf[SRTPRELAY_NFT_BATCH_SIZE];
	uint32_t seq = (uint32_t)time(NULL);
	int built = srtprelay_nft_build_install(buf, sizeof(buf), seq, port_min, port_max);

	if (built == -EINVAL) {
		snprintf(err, errlen, "bad port range %u-%u: need 1 <= min <= max <= 65535",
			 port_min, port_max);
		return built;
	}
	return run_batch(built, buf, seq, steps, sizeof(steps) / sizeof(steps[0]), err, errlen);
}

int srtprelay_nft_remove(char *err, size_t errlen)
{
	static const char *const steps[] = { "batch", "table", "table deletion", "batch" };
	uint8_t buf[SRTPRELAY_NFT_BATCH_SIZE];
	uint32_t seq = (uint32_t)time(NULL);
	int built = srtprelay_nft_build_remove(buf, sizeof(buf), seq);

	return run_batch(built, buf, seq, steps, sizeof(steps) / sizeof(steps[0]), err, errlen);
}

/* --- status --- */

/* Sends one request and runs cb over the answer until the ack or NLMSG_DONE. */
static int query(struct mnl_socket *s, struct nlmsghdr *req, mnl_cb_t cb, void *data)
{
	uint8_t rx[16384];
	uint32_t portid = mnl_socket_get_portid(s);
	int ret;

	if (mnl_socket_sendto(s, req, req->nlmsg_len) < 0)
		return -errno;
	do {
		ssize_t n = mnl_socket_recvfrom(s, rx, sizeof(rx));

		if (n < 0)
			return -errno;
		ret = mnl_cb_run(rx, (size_t)n, req->nlmsg_seq, portid, cb, data);
	} while (ret > MNL_CB_STOP);
	return ret < 0 ? -errno : 0;
}

static int chain_cb(const struct nlmsghdr *nlh, void *data)
{
	struct srtprelay_nft_status *st = data;
	struct nftnl_chain *c = nftnl_chain_alloc();

	if (!c || nftnl_chain_nlmsg_parse(nlh, c) < 0) {
		if (c)
			nftnl_chain_free(c);
		return MNL_CB_ERROR;
	}
	st->chain = true;
	st->hooknum = nftnl_chain_get_u32(c, NFTNL_CHAIN_HOOKNUM);
	st->priority = nftnl_chain_get_s32(c, NFTNL_CHAIN_PRIO);
	nftnl_chain_free(c);
	return MNL_CB_OK;
}

static int rule_cb(const struct nlmsghdr *nlh, void *data)
{
	struct srtprelay_nft_status *st = data;
	struct nftnl_rule *r = nftnl_rule_alloc();
	uint16_t min, max;

	if (!r || nftnl_rule_nlmsg_parse(nlh, r) < 0) {
		if (r)
			nftnl_rule_free(r);
		return MNL_CB_ERROR;
	}
	if (!st->rule && !srtprelay_nft_rule_ports(r, &min, &max)) {
		st->rule = true;
		st->port_min = min;
		st->port_max = max;
	} else {
		st->other_rules++;
	}
	nftnl_rule_free(r);
	return MNL_CB_OK;
}

static int table_cb(const struct nlmsghdr *nlh, void *data)
{
	(void)nlh;
	((struct srtprelay_nft_status *)data)->table = true;
	return MNL_CB_OK;
}

/* The three lookups: table, chain, the chain's rules; ENOENT just ends the walk. */
static int status_walk(struct mnl_socket *s, struct srtprelay_nft_status *st, uint32_t seq)
{
	uint8_t buf[1024];
	struct nftnl_table *t = table_new();
	struct nftnl_chain *c = chain_new();
	struct nftnl_rule *r = nftnl_rule_alloc();
	struct nlmsghdr *nlh;
	int ret = -ENOMEM;

	if (t && c && r) {
		nlh = nftnl_nlmsg_build_hdr((char *)buf, NFT_MSG_GETTABLE, NFPROTO_INET, NLM_F_ACK,
					    seq++);
		nftnl_table_nlmsg_build_payload(nlh, t);
		ret = query(s, nlh, table_cb, st);
	}
	if (!ret) {
		/* A GET names the chain; its hook and type are what we want to read back. */
		nftnl_chain_unset(c, NFTNL_CHAIN_HOOKNUM);
		nftnl_chain_unset(c, NFTNL_CHAIN_PRIO);
		nftnl_chain_unset(c, NFTNL_CHAIN_TYPE);
		nftnl_chain_unset(c, NFTNL_CHAIN_POLICY);
		nlh = nftnl_nlmsg_build_hdr((char *)buf, NFT_MSG_GETCHAIN, NFPROTO_INET, NLM_F_ACK,
					    seq++);
		nftnl_chain_nlmsg_build_payload(nlh, c);
		ret = query(s, nlh, chain_cb, st);
	}
	if (!ret) {
		/* A dump naming table and chain lists only that chain's rules. */
		nftnl_rule_set_str(r, NFTNL_RULE_TABLE, SRTPRELAY_NFT_TABLE);
		nftnl_rule_set_str(r, NFTNL_RULE_CHAIN, SRTPRELAY_NFT_CHAIN);
		nlh = nftnl_nlmsg_build_hdr((char *)buf, NFT_MSG_GETRULE, NFPROTO_INET, NLM_F_DUMP,
					    seq++);
		nftnl_rule_nlmsg_build_payload(nlh, r);
		ret = query(s, nlh, rule_cb, st);
	}
	if (t)
		nftnl_table_free(t);
	if (c)
		nftnl_chain_free(c);
	if (r)
		nftnl_rule_free(r);
	return ret == -ENOENT ? 0 : ret;
}

int srtprelay_nft_status(struct srtprelay_nft_status *st, char *err, size_t errlen)
{
	struct mnl_socket *s;
	int ret;

	memset(st, 0, sizeof(*st));
	s = nft_open(err, errlen);
	if (!s)
		return -EIO;
	ret = status_walk(s, st, (uint32_t)time(NULL));
	mnl_socket_close(s);
	if (ret)
		snprintf(err, errlen, "cannot read the nftables ruleset: %s%s", strerror(-ret),
			 ret == -EPERM ? " (needs CAP_NET_ADMIN)" : "");
	return ret;
}
