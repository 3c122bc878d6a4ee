// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The socket side of the srtprelay netlink client: resolving the family, sending a request
 * and reading its replies until the ack, NLMSG_DONE or an error, with the kernel's extended
 * ack message kept for the user. Messages themselves are built and parsed in kflow.c.
 */
#include "kflow.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

/* Keeps the kernel's extended ack message (or the missing attribute's type) for the user. */
static void read_extack(struct kflow_nl *nl, const struct nlmsghdr *nlh, size_t off)
{
	const struct nlattr *a;

	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS) || off > mnl_nlmsg_get_payload_len(nlh))
		return;
	mnl_attr_for_each(a, nlh, off) {
		if (mnl_attr_get_type(a) == NLMSGERR_ATTR_MSG &&
		    !mnl_attr_validate(a, MNL_TYPE_NUL_STRING))
			snprintf(nl->errmsg, sizeof(nl->errmsg), "%s", mnl_attr_get_str(a));
		else if (mnl_attr_get_type(a) == NLMSGERR_ATTR_MISS_TYPE && !nl->errmsg[0] &&
			 mnl_attr_get_payload_len(a) == sizeof(uint32_t))
			snprintf(nl->errmsg, sizeof(nl->errmsg), "missing attribute type %u",
				 mnl_attr_get_u32(a));
	}
}

/* Where NLMSG_ERROR's TLVs start: after the echoed request, unless the echo was capped. */
static int handle_error(struct kflow_nl *nl, const struct nlmsghdr *nlh)
{
	const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);
	size_t off = sizeof(*e);

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*e))
		return -EPROTO;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += MNL_ALIGN(e->msg.nlmsg_len) - sizeof(e->msg);
	if (e->error)
		read_extack(nl, nlh, off);
	return e->error > 0 ? -e->error : e->error;
}

static int handle_done(struct kflow_nl *nl, const struct nlmsghdr *nlh)
{
	int err;

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(err))
		return 0;
	memcpy(&err, mnl_nlmsg_get_payload(nlh), sizeof(err));
	if (err)
		read_extack(nl, nlh, sizeof(err));
	return err > 0 ? -err : err;
}

struct talk {
	uint32_t seq;
	int (*cb)(const struct nlmsghdr *nlh, void *arg);
	void *arg;
	int result;	/* the first failure */
	bool done, intr;
};

/* Handles one datagram's messages; sets t->done at the ack, NLMSG_DONE or an error. */
static void handle_datagram(struct kflow_nl *nl, const void *buf, size_t len, struct talk *t)
{
	const struct nlmsghdr *nlh = buf;
	int n = (int)len, ret;

	for (; mnl_nlmsg_ok(nlh, n); nlh = mnl_nlmsg_next(nlh, &n)) {
		/* Leftovers of an earlier request on a reused socket are not ours. */
		if (!mnl_nlmsg_portid_ok(nlh, nl->portid) || !mnl_nlmsg_seq_ok(nlh, t->seq))
			continue;
		switch (nlh->nlmsg_type) {
		case NLMSG_NOOP:
			continue;
		case NLMSG_ERROR:
			ret = handle_error(nl, nlh);
			t->done = true;
			break;
		case NLMSG_DONE:
			ret = handle_done(nl, nlh);
			t->done = true;
			break;
		case NLMSG_OVERRUN:
			ret = -EOVERFLOW;
			t->done = true;
			break;
		default:
			if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
				t->intr = true;
			ret = (t->cb && !t->result) ? t->cb(nlh, t->arg) : 0;
			break;
		}
		if (ret < 0 && !t->result)
			t->result = ret;
		if (t->done)
			return;
	}
}

int kflow_nl_talk(struct kflow_nl *nl, struct nlmsghdr *req,
		  int (*cb)(const struct nlmsghdr *nlh, void *arg), void *arg)
{
	struct talk t = { .seq = req->nlmsg_seq, .cb = cb, .arg = arg };
	ssize_t n;

	nl->errmsg[0] = '\0';
	if (mnl_socket_sendto(nl->sock, req, req->nlmsg_len) < 0) {
		t.result = -errno;
		snprintf(nl->errmsg, sizeof(nl->errmsg), "netlink send: %s", strerror(errno));
		return t.result;
	}
	while (!t.done) {
		n = mnl_socket_recvfrom(nl->sock, nl->rx, KFLOW_RX_SIZE);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			/* ENOBUFS: replies were lost; the socket is still usable for new requests. */
			int err = -errno;

			snprintf(nl->errmsg, sizeof(nl->errmsg), "netlink receive: %s",
				 strerror(errno));
			return err;
		}
		handle_datagram(nl, nl->rx, (size_t)n, &t);
	}
	if (!t.result && t.intr) {
		snprintf(nl->errmsg, sizeof(nl->errmsg),
			 "the flow table changed during the dump; run it again");
		return -EINTR;
	}
	return t.result;
}

static int family_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct kflow_nl *nl = arg;

	if (nlh->nlmsg_type != GENL_ID_CTRL)
		return 0;
	return kflow_parse_family(nlh, &nl->family, NULL);
}

int kflow_resolve_family(struct kflow_nl *nl)
{
	uint8_t buf[256];
	int ret = kflow_msg_getfamily(buf, sizeof(buf), ++nl->seq);

	if (ret < 0)
		return ret;
	nl->family = 0;
	ret = kflow_nl_talk(nl, (struct nlmsghdr *)buf, family_cb, nl);
	if (ret == -ENOENT) {
		snprintf(nl->errmsg, sizeof(nl->errmsg),
			 "generic netlink family \"%s\" not found: srtprelay module not loaded? "
			 "run: modprobe srtprelay", SRTPRELAY_GENL_NAME);
		return ret;
	}
	if (!ret && !nl->family) {
		snprintf(nl->errmsg, sizeof(nl->errmsg), "nlctrl did not return a family id");
		return -EPROTO;
	}
	return ret;
}

/* Closes what kflow_nl_open() got so far, keeping its explanation for the caller. */
static int open_failed(struct kflow_nl *nl, int ret)
{
	char msg[KFLOW_ERRMSG_MAX];

	memcpy(msg, nl->errmsg, sizeof(msg));
	kflow_nl_close(nl);
	memcpy(nl->errmsg, msg, sizeof(msg));
	return ret;
}

int kflow_nl_open(struct kflow_nl *nl)
{
	int one = 1, ret;

	memset(nl, 0, sizeof(*nl));
	nl->rx = malloc(KFLOW_RX_SIZE);
	nl->sock = mnl_socket_open(NETLINK_GENERIC);
	if (!nl->rx || !nl->sock) {
		ret = nl->rx ? -errno : -ENOMEM;
		snprintf(nl->errmsg, sizeof(nl->errmsg), "cannot open a generic netlink socket: %s",
			 strerror(-ret));
		return open_failed(nl, ret);
	}
	/* Best effort: kernels before 4.12 have no extended acks and still work without. */
	mnl_socket_setsockopt(nl->sock, NETLINK_EXT_ACK, &one, sizeof(one));
	/* An error must not echo a SET request, keys included, back into our buffer. */
	mnl_socket_setsockopt(nl->sock, NETLINK_CAP_ACK, &one, sizeof(one));
	if (mnl_socket_bind(nl->sock, 0, MNL_SOCKET_AUTOPID) < 0) {
		ret = -errno;
		snprintf(nl->errmsg, sizeof(nl->errmsg), "netlink bind: %s", strerror(errno));
		return open_failed(nl, ret);
	}
	nl->portid = mnl_socket_get_portid(nl->sock);
	nl->seq = (uint32_t)time(NULL);
	ret = kflow_resolve_family(nl);
	return ret ? open_failed(nl, ret) : 0;
}

void kflow_nl_close(struct kflow_nl *nl)
{
	if (nl->sock)
		mnl_socket_close(nl->sock);
	if (nl->rx)
		explicit_bzero(nl->rx, KFLOW_RX_SIZE);
	free(nl->rx);
	memset(nl, 0, sizeof(*nl));
}

int kflow_set(struct kflow_nl *nl, const struct kflow *f)
{
	uint8_t buf[KFLOW_MSG_MAX];
	int ret = kflow_msg_set(buf, sizeof(buf), nl->family, ++nl->seq, f);

	if (ret >= 0)
		ret = kflow_nl_talk(nl, (struct nlmsghdr *)buf, NULL, NULL);
	else
		snprintf(nl->errmsg, sizeof(nl->errmsg), "cannot build the request: %s",
			 strerror(-ret));
	explicit_bzero(buf, sizeof(buf));
	/* Without NETLINK_CAP_ACK (old kernels) an error reply echoes the request. */
	explicit_bzero(nl->rx, KFLOW_RX_SIZE);
	return ret;
}

static int simple(struct kflow_nl *nl, int built,
		  int (*cb)(const struct nlmsghdr *nlh, void *arg), void *arg, uint8_t *buf)
{
	if (built < 0) {
		snprintf(nl->errmsg, sizeof(nl->errmsg), "cannot build the request: %s",
			 strerror(-built));
		return built;
	}
	return kflow_nl_talk(nl, (struct nlmsghdr *)buf, cb, arg);
}

int kflow_del(struct kflow_nl *nl, const struct sockaddr_storage *local)
{
	uint8_t buf[256];

	return simple(nl, kflow_msg_del(buf, sizeof(buf), nl->family, ++nl->seq, local),
		      NULL, NULL, buf);
}

struct parse_one {
	struct kflow_nl *nl;
	struct kflow *out;
	struct kflow_global *global;
	int (*cb)(const struct kflow *f, void *arg);
	void *arg;
	bool got;
};

static int flow_reply_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct parse_one *p = arg;
	const char *why = NULL;
	struct kflow f;
	int ret;

	if (nlh->nlmsg_type != p->nl->family)
		return 0;
	ret = kflow_parse(nlh, p->out ? p->out : &f, &why);
	if (ret) {
		snprintf(p->nl->errmsg, sizeof(p->nl->errmsg), "bad reply from the kernel: %s",
			 why ? why : "unparsable");
		return ret;
	}
	p->got = true;
	return p->cb ? p->cb(&f, p->arg) : 0;
}

int kflow_get(struct kflow_nl *nl, const struct sockaddr_storage *local, struct kflow *out)
{
	struct parse_one p = { .nl = nl, .out = out };
	uint8_t buf[256];
	int ret = simple(nl, kflow_msg_get(buf, sizeof(buf), nl->family, ++nl->seq, local),
			 flow_reply_cb, &p, buf);

	if (!ret && !p.got) {
		snprintf(nl->errmsg, sizeof(nl->errmsg), "the kernel acknowledged without a flow");
		return -EPROTO;
	}
	return ret;
}

int kflow_dump(struct kflow_nl *nl, int (*cb)(const struct kflow *f, void *arg), void *arg)
{
	struct parse_one p = { .nl = nl, .cb = cb, .arg = arg };
	uint8_t buf[64];

	return simple(nl, kflow_msg_dump(buf, sizeof(buf), nl->family, ++nl->seq),
		      flow_reply_cb, &p, buf);
}

int kflow_flush(struct kflow_nl *nl, const uint64_t *cookie)
{
	uint8_t buf[64];

	return simple(nl, kflow_msg_flush(buf, sizeof(buf), nl->family, ++nl->seq, cookie),
		      NULL, NULL, buf);
}

static int global_reply_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct parse_one *p = arg;
	const char *why = NULL;
	int ret;

	if (nlh->nlmsg_type != p->nl->family)
		return 0;
	ret = kflow_parse_global(nlh, p->global, &why);
	if (ret) {
		snprintf(p->nl->errmsg, sizeof(p->nl->errmsg), "bad reply from the kernel: %s",
			 why ? why : "unparsable");
		return ret;
	}
	p->got = true;
	return 0;
}

int kflow_get_stats(struct kflow_nl *nl, struct kflow_global *out)
{
	struct parse_one p = { .nl = nl, .global = out };
	uint8_t buf[64];
	int ret = simple(nl, kflow_msg_get_stats(buf, sizeof(buf), nl->family, ++nl->seq),
			 global_reply_cb, &p, buf);

	if (!ret && !p.got) {
		snprintf(nl->errmsg, sizeof(nl->errmsg), "the kernel acknowledged without stats");
		return -EPROTO;
	}
	return ret;
}
