// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * kflow_nl.c's socket loop against the running kernel, which always has the nlctrl family:
 * a reply followed by an ack, a multi-datagram dump ended by NLMSG_DONE, a callback that
 * fails mid-dump (the rest must still be drained), an extended ack message, and, as the
 * srtprelay module cannot be loaded on a build machine, the "module not loaded" message.
 * Without generic netlink at all (some sandboxes) the cases say so and pass.
 */
#include "check.h"
#include "kflow.h"

#include <errno.h>

#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

/* A socket as kflow_nl_open() makes one, without resolving our family. */
static bool raw_open(struct kflow_nl *nl)
{
	int one = 1;

	memset(nl, 0, sizeof(*nl));
	nl->rx = malloc(KFLOW_RX_SIZE);
	nl->sock = mnl_socket_open(NETLINK_GENERIC);
	if (!nl->rx || !nl->sock || mnl_socket_bind(nl->sock, 0, MNL_SOCKET_AUTOPID) < 0) {
		kflow_nl_close(nl);
		return false;
	}
	mnl_socket_setsockopt(nl->sock, NETLINK_EXT_ACK, &one, sizeof(one));
	mnl_socket_setsockopt(nl->sock, NETLINK_CAP_ACK, &one, sizeof(one));
	nl->portid = mnl_socket_get_portid(nl->sock);
	nl->seq = 1000;
	return true;
}

static struct nlmsghdr *ctrl_request(void *buf, uint32_t seq, uint16_t flags)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct genlmsghdr *g;

	nlh->nlmsg_type = GENL_ID_CTRL;
	nlh->nlmsg_flags = flags;
	nlh->nlmsg_seq = seq;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = CTRL_CMD_GETFAMILY;
	g->version = 1;
	return nlh;
}

static int count_cb(const struct nlmsghdr *nlh, void *arg)
{
	uint16_t id;

	if (nlh->nlmsg_type == GENL_ID_CTRL && !kflow_parse_family(nlh, &id, NULL))
		(*(int *)arg)++;
	return 0;
}

static int failing_cb(const struct nlmsghdr *nlh, void *arg)
{
	(void)nlh;
	(*(int *)arg)++;
	return -ECANCELED;
}

static void talk_to_nlctrl(void)
{
	uint8_t buf[256];
	struct nlmsghdr *nlh;
	struct kflow_nl nl;
	int n;

	if (!raw_open(&nl)) {
		fprintf(stderr, "  no generic netlink here; socket checks skipped\n");
		return;
	}
	/* A request answered by a reply and then an ack: nlctrl's own family. */
	nlh = ctrl_request(buf, ++nl.seq, NLM_F_REQUEST | NLM_F_ACK);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, "nlctrl");
	n = 0;
	CHECK_EQ(kflow_nl_talk(&nl, nlh, count_cb, &n), 0);
	CHECK_EQ(n, 1);

	/* A dump: many messages, several datagrams, ended by NLMSG_DONE. */
	nlh = ctrl_request(buf, ++nl.seq, NLM_F_REQUEST | NLM_F_DUMP);
	n = 0;
	CHECK_EQ(kflow_nl_talk(&nl, nlh, count_cb, &n), 0);
	CHECK(n >= 2);

	/* A callback's failure is the result, and the rest of the dump is still drained. */
	nlh->nlmsg_seq = ++nl.seq;
	n = 0;
	CHECK_EQ(kflow_nl_talk(&nl, nlh, failing_cb, &n), -ECANCELED);
	CHECK_EQ(n, 1);
	n = 0;
	nlh->nlmsg_seq = ++nl.seq;
	CHECK_EQ(kflow_nl_talk(&nl, nlh, count_cb, &n), 0);
	CHECK(n >= 2);

	/* An attribute too short for its type: refused with the kernel's own explanation
	 * (-ERANGE from nlctrl's lenient policy; strict families say -EINVAL). */
	nlh = ctrl_request(buf, ++nl.seq, NLM_F_REQUEST | NLM_F_ACK);
	mnl_attr_put_u8(nlh, CTRL_ATTR_FAMILY_ID, 1);
	n = kflow_nl_talk(&nl, nlh, NULL, NULL);
	CHECK(n == -EINVAL || n == -ERANGE);
	fprintf(stderr, "  kernel said: \"%s\"\n", nl.errmsg);
	CHECK(nl.errmsg[0]);
	kflow_nl_close(&nl);
}

/* Without the module, opening says what to do about it. */
static void module_not_loaded(void)
{
	struct kflow_nl nl;
	int ret = kflow_nl_open(&nl);

	if (!ret) {
		fprintf(stderr, "  srtprelay is loaded here; the not-loaded message is unchecked\n");
		kflow_nl_close(&nl);
		return;
	}
	if (ret != -ENOENT) {
		fprintf(stderr, "  no generic netlink here (%s); skipped\n", nl.errmsg);
		return;
	}
	CHECK(strstr(nl.errmsg, "modprobe srtprelay"));
	CHECK(!nl.sock && !nl.rx);
}

static const struct check_case cases[] = {
	CASE(talk_to_nlctrl),
	CASE(module_not_loaded),
};

CHECK_MAIN("kflow_nl", cases)
