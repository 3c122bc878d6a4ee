// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The netlink ABI of include/uapi/linux/srtprelay.h, without the module:
 *   - every request kflow.c builds, walked back with plain mnl_attr_parse() and compared
 *     field by field with what the header's attribute tree says (types, exact lengths,
 *     nesting and NLA_F_NESTED, which the kernel's strict validation requires);
 *   - replies written here the way the kernel writes them (64-bit padding attributes,
 *     SSRC entries typed 0), parsed by kflow_parse(), with unknown attributes in the middle
 *     skipped and known ones of the wrong shape refused.
 * The socket side is test_kflow_nl.c.
 */
#include "check.h"
#include "kflow.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>

#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#define FAMILY 0x1234
#define SEQ 77

/* --- an independent walk over a message --- */

struct walk {
	const struct nlattr *tb[64];
	unsigned int count[64];
	unsigned int n;
	bool all_nested_flagged;	/* every attribute that has children has NLA_F_NESTED */
};

static int walk_cb(const struct nlattr *a, void *data)
{
	struct walk *w = data;
	uint16_t t = mnl_attr_get_type(a);

	w->n++;
	if (t < 64) {
		w->tb[t] = a;
		w->count[t]++;
	}
	return MNL_CB_OK;
}

static int walk_msg(const struct nlmsghdr *nlh, struct walk *w)
{
	memset(w, 0, sizeof(*w));
	return mnl_attr_parse(nlh, sizeof(struct genlmsghdr), walk_cb, w);
}

static int walk_nest(const struct nlattr *a, struct walk *w)
{
	memset(w, 0, sizeof(*w));
	return mnl_attr_parse_nested(a, walk_cb, w);
}

/* The attributes fill the message exactly: nothing after the last one, none overrun. */
static bool covers(const struct nlmsghdr *nlh)
{
	const struct nlattr *a;
	const char *end = (const char *)nlh + nlh->nlmsg_len, *last = NULL;

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr))
		last = (const char *)a + MNL_ALIGN(a->nla_len);
	return last == end;
}

static bool is_nested(const struct nlattr *a)
{
	return a && (a->nla_type & NLA_F_NESTED);
}

static const struct genlmsghdr *genl(const struct nlmsghdr *nlh)
{
	return mnl_nlmsg_get_payload(nlh);
}

#define CHECK_LEN(a, n)                                       \
	do {                                                  \
		CHECK((a) != NULL);                           \
		CHECK_EQ(mnl_attr_get_payload_len(a), (n));   \
	} while (0)

/* --- fixtures --- */

static void v4(struct sockaddr_storage *ss, const char *ip, uint16_t port)
{
	struct sockaddr_in *in = (struct sockaddr_in *)ss;

	memset(ss, 0, sizeof(*ss));
	in->sin_family = AF_INET;
	in->sin_port = htons(port);
	inet_pton(AF_INET, ip, &in->sin_addr);
}

static void v6(struct sockaddr_storage *ss, const char *ip, uint16_t port, uint32_t scope)
{
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	in6->sin6_family = AF_INET6;
	in6->sin6_port = htons(port);
	in6->sin6_scope_id = scope;
	in6->sin6_flowinfo = htonl(0x12345);	/* must not reach the kernel */
	inet_pton(AF_INET6, ip, &in6->sin6_addr);
}

static void full_flow(struct kflow *f)
{
	kflow_init(f);
	v4(&f->local, "10.0.0.1", 30000);
	v4(&f->source, "10.0.1.1", 30002);
	v4(&f->peer, "10.0.1.2", 4000);
	v4(&f->expect, "10.0.1.2", 0);
	f->flags = SRTPRELAY_FLOW_F_LEARN_SOURCE | SRTPRELAY_FLOW_F_AUTH_FAIL_PASS;
	f->media = SRTPRELAY_MEDIA_MUX;
	f->npt = 3;
	memcpy(f->pt, "\x00\x08\x65", 3);
	f->has_cookie = true;
	f->cookie = 0x1122334455667788ull;
	f->set_flags = SRTPRELAY_SET_F_CREATE | SRTPRELAY_SET_F_RESET_STATE;

	f->decrypt.present = true;
	f->decrypt.suite = SRTPRELAY_SUITE_AES_CM_128_HMAC_SHA1_80;
	f->decrypt.key_len = 16;
	f->decrypt.salt_len = 14;
	for (int i = 0; i < 32; i++)
		f->decrypt.key[i] = (uint8_t)(0xa0 + i);
	for (int i = 0; i < 14; i++)
		f->decrypt.salt[i] = (uint8_t)(0x50 + i);
	f->decrypt.mki_len = 4;
	memcpy(f->decrypt.mki, "\x00\x00\x00\x01", 4);
	f->decrypt.flags = SRTPRELAY_CRYPTO_F_UNENCRYPTED_SRTCP;
	f->decrypt.nssrc = 2;
	f->decrypt.ssrc[0].id = 0x11111111;
	f->decrypt.ssrc[1].id = 0x22222222;
	f->decrypt.ssrc[1].roc = 7;
	f->decrypt.ssrc[1].seq = 0xfffe;	/* a hand-over: where userspace left it */
	f->decrypt.ssrc[1].rtcp_index = 0x7fffffff;
	f->decrypt.ssrc[1].has = KFLOW_SSRC_HAS_SEQ | KFLOW_SSRC_HAS_RTCP_INDEX;

	f->encrypt.present = true;
	f->encrypt.suite = SRTPRELAY_SUITE_AEAD_AES_256_GCM;
	f->encrypt.key_len = 32;
	f->encrypt.salt_len = 12;
	for (int i = 0; i < 32; i++)
		f->encrypt.key[i] = (uint8_t)(0xc0 + i);
	for (int i = 0; i < 12; i++)
		f->encrypt.salt[i] = (uint8_t)(0x70 + i);
}

/* Compares an address attribute with the struct sockaddr_in/in6 the kernel expects. */
static bool addr_attr_is(const struct nlattr *a, const struct sockaddr_storage *ss)
{
	if (!a)
		return false;
	if (ss->ss_family == AF_INET) {
		struct sockaddr_in want;

		memcpy(&want, ss, sizeof(want));
		memset(want.sin_zero, 0, sizeof(want.sin_zero));
		return mnl_attr_get_payload_len(a) == sizeof(want) &&
		       !memcmp(mnl_attr_get_payload(a), &want, sizeof(want));
	} else {
		struct sockaddr_in6 want;

		memcpy(&want, ss, sizeof(want));
		want.sin6_flowinfo = 0;
		return mnl_attr_get_payload_len(a) == sizeof(want) &&
		       !memcmp(mnl_attr_get_payload(a), &want, sizeof(want));
	}
}

/* --- requests --- */

static bool crypto_matches(const struct nlattr *nest, const struct kflow_crypto *c)
{
	struct walk w, list, entry;
	const struct nlattr *e;
	unsigned int i = 0;

	if (!is_nested(nest) || walk_nest(nest, &w) != MNL_CB_OK || w.n != 4u + !!c->mki_len +
	    !!c->nssrc)
		return false;
	if (mnl_attr_get_payload_len(w.tb[SRTPRELAY_A_CRYPTO_SUITE]) != 4 ||
	    mnl_attr_get_u32(w.tb[SRTPRELAY_A_CRYPTO_SUITE]) != c->suite ||
	    mnl_attr_get_payload_len(w.tb[SRTPRELAY_A_CRYPTO_KEY]) != c->key_len ||
	    memcmp(mnl_attr_get_payload(w.tb[SRTPRELAY_A_CRYPTO_KEY]), c->key, c->key_len) ||
	    mnl_attr_get_payload_len(w.tb[SRTPRELAY_A_CRYPTO_SALT]) != c->salt_len ||
	    memcmp(mnl_attr_get_payload(w.tb[SRTPRELAY_A_CRYPTO_SALT]), c->salt, c->salt_len) ||
	    mnl_attr_get_payload_len(w.tb[SRTPRELAY_A_CRYPTO_FLAGS]) != 4 ||
	    mnl_attr_get_u32(w.tb[SRTPRELAY_A_CRYPTO_FLAGS]) != c->flags)
		return false;
	if (c->mki_len && (mnl_attr_get_payload_len(w.tb[SRTPRELAY_A_CRYPTO_MKI]) != c->mki_len ||
			   memcmp(mnl_attr_get_payload(w.tb[SRTPRELAY_A_CRYPTO_MKI]), c->mki,
				  c->mki_len)))
		return false;
	if (!c->nssrc)
		return !w.tb[SRTPRELAY_A_CRYPTO_SSRCS];
	if (!is_nested(w.tb[SRTPRELAY_A_CRYPTO_SSRCS]) ||
	    walk_nest(w.tb[SRTPRELAY_A_CRYPTO_SSRCS], &list) != MNL_CB_OK || list.n != c->nssrc ||
	    list.count[0] != c->nssrc)
		return false;
	mnl_attr_for_each_nested(e, w.tb[SRTPRELAY_A_CRYPTO_SSRCS]) {
		const struct kflow_ssrc *s = &c->ssrc[i];
		unsigned int n = 2 + !!(s->has & KFLOW_SSRC_HAS_SEQ) +
				 !!(s->has & KFLOW_SSRC_HAS_RTCP_INDEX);

		if (!is_nested(e) || walk_nest(e, &entry) != MNL_CB_OK || entry.n != n ||
		    mnl_attr_get_payload_len(entry.tb[SRTPRELAY_A_SSRC_ID]) != 4 ||
		    mnl_attr_get_u32(entry.tb[SRTPRELAY_A_SSRC_ID]) != c->ssrc[i].id ||
		    mnl_attr_get_payload_len(entry.tb[SRTPRELAY_A_SSRC_ROC]) != 4 ||
		    mnl_attr_get_u32(entry.tb[SRTPRELAY_A_SSRC_ROC]) != c->ssrc[i].roc)
			return false;
		if ((s->has & KFLOW_SSRC_HAS_SEQ) &&
		    (mnl_attr_get_payload_len(entry.tb[SRTPRELAY_A_SSRC_SEQ]) != 2 ||
		     mnl_attr_get_u16(entry.tb[SRTPRELAY_A_SSRC_SEQ]) != s->seq))
			return false;
		if ((s->has & KFLOW_SSRC_HAS_RTCP_INDEX) &&
		    (mnl_attr_get_payload_len(entry.tb[SRTPRELAY_A_SSRC_RTCP_INDEX]) != 4 ||
		     mnl_attr_get_u32(entry.tb[SRTPRELAY_A_SSRC_RTCP_INDEX]) != s->rtcp_index))
			return false;
		i++;
	}
	return i == c->nssrc;
}

static void set_full_v4(void)
{
	uint8_t buf[KFLOW_MSG_MAX];
	const struct nlmsghdr *nlh = (const void *)buf;
	struct kflow f;
	struct walk w;
	uint64_t cookie;

	full_flow(&f);
	CHECK(kflow_msg_set(buf, sizeof(buf), FAMILY, SEQ, &f) > 0);
	CHECK_EQ(nlh->nlmsg_type, FAMILY);
	CHECK_EQ(nlh->nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK);
	CHECK_EQ(nlh->nlmsg_seq, SEQ);
	CHECK_EQ(genl(nlh)->cmd, SRTPRELAY_CMD_SET_FLOW);
	CHECK_EQ(genl(nlh)->version, SRTPRELAY_GENL_VERSION);
	CHECK_EQ(genl(nlh)->reserved, 0);
	CHECK(covers(nlh));
	CHECK_EQ(walk_msg(nlh, &w), MNL_CB_OK);
	CHECK_EQ(w.n, 11);	/* every attribute of SET_FLOW, each once */
	for (int t = SRTPRELAY_A_FLOW_LOCAL; t <= SRTPRELAY_A_FLOW_ENCRYPT; t++)
		CHECK_EQ(w.count[t], 1);
	CHECK(addr_attr_is(w.tb[SRTPRELAY_A_FLOW_LOCAL], &f.local));
	CHECK(addr_attr_is(w.tb[SRTPRELAY_A_FLOW_SOURCE], &f.source));
	CHECK(addr_attr_is(w.tb[SRTPRELAY_A_FLOW_PEER], &f.peer));
	CHECK(addr_attr_is(w.tb[SRTPRELAY_A_FLOW_EXPECT], &f.expect));
	CHECK_LEN(w.tb[SRTPRELAY_A_FLOW_FLAGS], 4);
	CHECK_EQ(mnl_attr_get_u32(w.tb[SRTPRELAY_A_FLOW_FLAGS]), f.flags);
	CHECK_LEN(w.tb[SRTPRELAY_A_FLOW_MEDIA], 4);
	CHECK_EQ(mnl_attr_get_u32(w.tb[SRTPRELAY_A_FLOW_MEDIA]), SRTPRELAY_MEDIA_MUX);
	CHECK_LEN(w.tb[SRTPRELAY_A_FLOW_PAYLOAD_TYPES], 3);
	CHECK_MEM(mnl_attr_get_payload(w.tb[SRTPRELAY_A_FLOW_PAYLOAD_TYPES]), "\x00\x08\x65", 3);
	CHECK_LEN(w.tb[SRTPRELAY_A_FLOW_COOKIE], 8);
	memcpy(&cookie, mnl_attr_get_payload(w.tb[SRTPRELAY_A_FLOW_COOKIE]), 8);
	CHECK_EQ(cookie, f.cookie);
	CHECK_LEN(w.tb[SRTPRELAY_A_FLOW_SET_FLAGS], 4);
	CHECK_EQ(mnl_attr_get_u32(w.tb[SRTPRELAY_A_FLOW_SET_FLAGS]), f.set_flags);
	CHECK(crypto_matches(w.tb[SRTPRELAY_A_FLOW_DECRYPT], &f.decrypt));
	CHECK(crypto_matches(w.tb[SRTPRELAY_A_FLOW_ENCRYPT], &f.encrypt));
	/* Plain attributes carry no nested flag. */
	CHECK(!is_nested(w.tb[SRTPRELAY_A_FLOW_LOCAL]));
}

static void set_v6(void)
{
	uint8_t buf[KFLOW_MSG_MAX];
	const struct nlmsghdr *nlh = (const void *)buf;
	struct kflow f;
	struct walk w;

	kflow_init(&f);
	v6(&f.local, "2001:db8::1", 30000, 0);
	v6(&f.source, "fe80::1", 30002, 3);
	v6(&f.peer, "2001:db8::2", 4000, 0);
	CHECK(kflow_msg_set(buf, sizeof(buf), FAMILY, SEQ, &f) > 0);
	CHECK_EQ(walk_msg(nlh, &w), MNL_CB_OK);
	CHECK_LEN(w.tb[SRTPRELAY_A_FLOW_LOCAL], sizeof(struct sockaddr_in6));
	CHECK(addr_attr_is(w.tb[SRTPRELAY_A_FLOW_LOCAL], &f.local));
	CHECK(addr_attr_is(w.tb[SRTPRELAY_A_FLOW_SOURCE], &f.source));
	CHECK_EQ(((const struct sockaddr_in6 *)mnl_attr_get_payload(
			  w.tb[SRTPRELAY_A_FLOW_SOURCE]))->sin6_scope_id, 3);
	CHECK(addr_attr_is(w.tb[SRTPRELAY_A_FLOW_PEER], &f.peer));
}

/* Only what is set goes out: no expect, payload types, cookie or crypto contexts. */
static void set_minimal(void)
{
	uint8_t buf[KFLOW_MSG_MAX];
	const struct nlmsghdr *nlh = (const void *)buf;
	struct kflow f;
	struct walk w;

	kflow_init(&f);
	v4(&f.local, "10.0.0.1", 30000);
	v4(&f.source, "10.0.0.1", 30002);
	v4(&f.peer, "10.0.0.2", 4000);
	CHECK(kflow_msg_set(buf, sizeof(buf), FAMILY, SEQ, &f) > 0);
	CHECK(covers(nlh));
	CHECK_EQ(walk_msg(nlh, &w), MNL_CB_OK);
	CHECK_EQ(w.n, 6);
	CHECK(!w.tb[SRTPRELAY_A_FLOW_EXPECT] && !w.tb[SRTPRELAY_A_FLOW_PAYLOAD_TYPES]);
	CHECK(!w.tb[SRTPRELAY_A_FLOW_COOKIE] && !w.tb[SRTPRELAY_A_FLOW_DECRYPT]);
	CHECK(!w.tb[SRTPRELAY_A_FLOW_ENCRYPT]);
	CHECK_EQ(mnl_attr_get_u32(w.tb[SRTPRELAY_A_FLOW_MEDIA]), SRTPRELAY_MEDIA_RTP);
}

static bool contains(const uint8_t *hay, size_t n, const uint8_t *needle, size_t m)
{
	for (size_t i = 0; i + m <= n; i++)
		if (!memcmp(hay + i, needle, m))
			return true;
	return false;
}

static void set_refuses(void)
{
	uint8_t buf[KFLOW_MSG_MAX];
	struct kflow f;

	full_flow(&f);
	f.local.ss_family = AF_UNIX;
	CHECK_EQ(kflow_msg_set(buf, sizeof(buf), FAMILY, SEQ, &f), -EAFNOSUPPORT);
	full_flow(&f);
	f.decrypt.nssrc = SRTPRELAY_MAX_SSRCS + 1;
	CHECK_EQ(kflow_msg_set(buf, sizeof(buf), FAMILY, SEQ, &f), -EINVAL);
	full_flow(&f);
	f.encrypt.key_len = 0;
	CHECK_EQ(kflow_msg_set(buf, sizeof(buf), FAMILY, SEQ, &f), -EINVAL);
	full_flow(&f);
	f.npt = SRTPRELAY_MAX_PAYLOAD_TYPES + 1;
	CHECK_EQ(kflow_msg_set(buf, sizeof(buf), FAMILY, SEQ, &f), -EINVAL);
	/* Out of room once the decrypt key is in: nothing of it may stay in the buffer. */
	full_flow(&f);
	CHECK_EQ(kflow_msg_set(buf, 200, FAMILY, SEQ, &f), -EMSGSIZE);
	CHECK(!contains(buf, sizeof(buf), f.decrypt.key, 16));
	CHECK_EQ(kflow_msg_set(buf, 8, FAMILY, SEQ, &f), -EMSGSIZE);
	/* kflow_wipe() clears every secret. */
	kflow_wipe(&f);
	for (int i = 0; i < KFLOW_KEY_MAX; i++)
		CHECK(!f.decrypt.key[i] && !f.encrypt.key[i]);
	for (int i = 0; i < KFLOW_SALT_MAX; i++)
		CHECK(!f.decrypt.salt[i] && !f.encrypt.salt[i]);
}

static void other_requests(void)
{
	uint8_t buf[256];
	const struct nlmsghdr *nlh = (const void *)buf;
	struct sockaddr_storage local;
	uint64_t cookie = 42, got;
	struct walk w;

	v6(&local, "2001:db8::1", 30000, 0);
	CHECK(kflow_msg_del(buf, sizeof(buf), FAMILY, SEQ, &local) > 0);
	CHECK_EQ(genl(nlh)->cmd, SRTPRELAY_CMD_DEL_FLOW);
	CHECK_EQ(nlh->nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK);
	CHECK(covers(nlh));
	CHECK_EQ(walk_msg(nlh, &w), MNL_CB_OK);
	CHECK(w.n == 1 && addr_attr_is(w.tb[SRTPRELAY_A_FLOW_LOCAL], &local));

	CHECK(kflow_msg_get(buf, sizeof(buf), FAMILY, SEQ, &local) > 0);
	CHECK_EQ(genl(nlh)->cmd, SRTPRELAY_CMD_GET_FLOW);
	CHECK_EQ(nlh->nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK);
	CHECK_EQ(walk_msg(nlh, &w), MNL_CB_OK);
	CHECK(w.n == 1 && addr_attr_is(w.tb[SRTPRELAY_A_FLOW_LOCAL], &local));

	CHECK(kflow_msg_dump(buf, sizeof(buf), FAMILY, SEQ) > 0);
	CHECK_EQ(genl(nlh)->cmd, SRTPRELAY_CMD_GET_FLOW);
	CHECK_EQ(nlh->nlmsg_flags, NLM_F_REQUEST | NLM_F_DUMP);
	CHECK_EQ(nlh->nlmsg_len, MNL_NLMSG_HDRLEN + sizeof(struct genlmsghdr));

	CHECK(kflow_msg_flush(buf, sizeof(buf), FAMILY, SEQ, NULL) > 0);
	CHECK_EQ(genl(nlh)->cmd, SRTPRELAY_CMD_FLUSH);
	CHECK_EQ(nlh->nlmsg_len, MNL_NLMSG_HDRLEN + sizeof(struct genlmsghdr));
	CHECK(kflow_msg_flush(buf, sizeof(buf), FAMILY, SEQ, &cookie) > 0);
	CHECK_EQ(walk_msg(nlh, &w), MNL_CB_OK);
	CHECK_EQ(w.n, 1);
	CHECK_LEN(w.tb[SRTPRELAY_A_FLOW_COOKIE], 8);
	memcpy(&got, mnl_attr_get_payload(w.tb[SRTPRELAY_A_FLOW_COOKIE]), 8);
	CHECK_EQ(got, 42);

	CHECK(kflow_msg_get_stats(buf, sizeof(buf), FAMILY, SEQ) > 0);
	CHECK_EQ(genl(nlh)->cmd, SRTPRELAY_CMD_GET_STATS);
	CHECK_EQ(nlh->nlmsg_len, MNL_NLMSG_HDRLEN + sizeof(struct genlmsghdr));

	CHECK(kflow_msg_getfamily(buf, sizeof(buf), SEQ) > 0);
	CHECK_EQ(nlh->nlmsg_type, GENL_ID_CTRL);
	CHECK_EQ(genl(nlh)->cmd, CTRL_CMD_GETFAMILY);
	CHECK_EQ(walk_msg(nlh, &w), MNL_CB_OK);
	CHECK(!strcmp(mnl_attr_get_str(w.tb[CTRL_ATTR_FAMILY_NAME]), SRTPRELAY_GENL_NAME));

	CHECK_EQ(kflow_msg_dump(buf, 8, FAMILY, SEQ), -EMSGSIZE);
	CHECK_EQ(kflow_msg_del(buf, 24, FAMILY, SEQ, &local), -EMSGSIZE);
}

/* --- replies, written the way the kernel writes them --- */

static struct nlmsghdr *reply_hdr(void *buf, uint8_t cmd, uint16_t flags)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct genlmsghdr *g;

	nlh->nlmsg_type = FAMILY;
	nlh->nlmsg_flags = flags;
	nlh->nlmsg_seq = SEQ;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = cmd;
	g->version = SRTPRELAY_GENL_VERSION;
	return nlh;
}

static void put_addr4(struct nlmsghdr *nlh, uint16_t type, const char *ip, uint16_t port)
{
	struct sockaddr_storage ss;

	v4(&ss, ip, port);
	mnl_attr_put(nlh, type, sizeof(struct sockaddr_in), &ss);
}

/* nla_put_u64_64bit() on a platform that pads: a zero-length pad attribute first. */
static void put_u64_padded(struct nlmsghdr *nlh, uint16_t type, uint64_t v, uint16_t pad)
{
	mnl_attr_put(nlh, pad, 0, NULL);
	mnl_attr_put(nlh, type, sizeof(v), &v);
}

static void put_ssrc_entry(struct nlmsghdr *nlh, uint32_t id, uint32_t roc, int seq,
			   int64_t rtcp_index)
{
	struct nlattr *e = mnl_attr_nest_start(nlh, 0);

	mnl_attr_put_u32(nlh, SRTPRELAY_A_SSRC_ID, id);
	mnl_attr_put_u32(nlh, SRTPRELAY_A_SSRC_ROC, roc);
	if (seq >= 0)
		mnl_attr_put_u16(nlh, SRTPRELAY_A_SSRC_SEQ, (uint16_t)seq);
	if (rtcp_index >= 0)
		mnl_attr_put_u32(nlh, SRTPRELAY_A_SSRC_RTCP_INDEX, (uint32_t)rtcp_index);
	mnl_attr_put_u32(nlh, 77, 0xdead);	/* a newer module's per-SSRC field */
	mnl_attr_nest_end(nlh, e);
}

/* A GET_FLOW reply as nlreply.c writes one, with unknown attributes at every level. */
static struct nlmsghdr *full_reply(void *buf, uint16_t flags)
{
	struct nlmsghdr *nlh = reply_hdr(buf, SRTPRELAY_CMD_GET_FLOW, flags);
	struct nlattr *nest, *list;

	put_addr4(nlh, SRTPRELAY_A_FLOW_LOCAL, "10.0.0.1", 30000);
	put_addr4(nlh, SRTPRELAY_A_FLOW_SOURCE, "10.0.1.1", 30002);
	mnl_attr_put_u32(nlh, 99, 1);		/* unknown, between known ones */
	put_addr4(nlh, SRTPRELAY_A_FLOW_PEER, "10.0.1.2", 4000);
	put_addr4(nlh, SRTPRELAY_A_FLOW_EXPECT, "10.0.1.2", 4002);
	mnl_attr_put_u32(nlh, SRTPRELAY_A_FLOW_FLAGS, SRTPRELAY_FLOW_F_LEARN_SOURCE);
	mnl_attr_put_u32(nlh, SRTPRELAY_A_FLOW_MEDIA, SRTPRELAY_MEDIA_RTCP);
	put_u64_padded(nlh, SRTPRELAY_A_FLOW_COOKIE, 0xfeedfacecafebeefull, SRTPRELAY_A_FLOW_PAD);
	mnl_attr_put(nlh, SRTPRELAY_A_FLOW_PAYLOAD_TYPES, 2, "\x00\x7f");
	mnl_attr_put(nlh, __SRTPRELAY_A_FLOW_MAX, 5, "hello");	/* the next attribute type */

	nest = mnl_attr_nest_start(nlh, SRTPRELAY_A_FLOW_DECRYPT);
	mnl_attr_put_u32(nlh, SRTPRELAY_A_CRYPTO_SUITE, SRTPRELAY_SUITE_AES_CM_128_HMAC_SHA1_32);
	mnl_attr_put_u32(nlh, SRTPRELAY_A_CRYPTO_FLAGS, SRTPRELAY_CRYPTO_F_UNENCRYPTED_SRTP);
	mnl_attr_put(nlh, SRTPRELAY_A_CRYPTO_MKI, 2, "\x12\x34");
	mnl_attr_put_strz(nlh, SRTPRELAY_A_CRYPTO_DRIVER, "ctr-aes-aesni hmac(sha1-avx2)");
	mnl_attr_put_u32(nlh, 50, 5);
	list = mnl_attr_nest_start(nlh, SRTPRELAY_A_CRYPTO_SSRCS);
	put_ssrc_entry(nlh, 0xabcdef01, 3, 65535, -1);
	put_ssrc_entry(nlh, 0x01020304, 0, -1, 1000);
	mnl_attr_nest_end(nlh, list);
	mnl_attr_nest_end(nlh, nest);

	nest = mnl_attr_nest_start(nlh, SRTPRELAY_A_FLOW_ENCRYPT);
	mnl_attr_put_u32(nlh, SRTPRELAY_A_CRYPTO_SUITE, SRTPRELAY_SUITE_AEAD_AES_128_GCM);
	mnl_attr_put_u32(nlh, SRTPRELAY_A_CRYPTO_FLAGS, 0);
	mnl_attr_put_strz(nlh, SRTPRELAY_A_CRYPTO_DRIVER, "gcm-aes-aesni");
	list = mnl_attr_nest_start(nlh, SRTPRELAY_A_CRYPTO_SSRCS);
	mnl_attr_nest_end(nlh, list);
	mnl_attr_nest_end(nlh, nest);

	nest = mnl_attr_nest_start(nlh, SRTPRELAY_A_FLOW_STATS);
	for (uint16_t i = SRTPRELAY_A_STATS_PACKETS; i < SRTPRELAY_A_STATS_PAD; i++)
		put_u64_padded(nlh, i, 1000u + i, SRTPRELAY_A_STATS_PAD);
	put_u64_padded(nlh, 60, 6, SRTPRELAY_A_STATS_PAD);	/* a newer counter */
	mnl_attr_nest_end(nlh, nest);
	return nlh;
}

static void parse_full(void)
{
	uint8_t buf[4096];
	const struct nlmsghdr *nlh = full_reply(buf, 0);
	struct sockaddr_storage want;
	const char *why = NULL;
	struct kflow f;

	CHECK_EQ(kflow_parse(nlh, &f, &why), 0);
	v4(&want, "10.0.0.1", 30000);
	CHECK_MEM(&f.local, &want, sizeof(struct sockaddr_in));
	v4(&want, "10.0.1.1", 30002);
	CHECK_MEM(&f.source, &want, sizeof(struct sockaddr_in));
	v4(&want, "10.0.1.2", 4000);
	CHECK_MEM(&f.peer, &want, sizeof(struct sockaddr_in));
	v4(&want, "10.0.1.2", 4002);
	CHECK_MEM(&f.expect, &want, sizeof(struct sockaddr_in));
	CHECK_EQ(f.flags, SRTPRELAY_FLOW_F_LEARN_SOURCE);
	CHECK_EQ(f.media, SRTPRELAY_MEDIA_RTCP);
	CHECK(f.has_cookie);
	CHECK_EQ(f.cookie, 0xfeedfacecafebeefull);
	CHECK_EQ(f.npt, 2);
	CHECK(f.pt[0] == 0 && f.pt[1] == 127);

	CHECK(f.decrypt.present);
	CHECK_EQ(f.decrypt.suite, SRTPRELAY_SUITE_AES_CM_128_HMAC_SHA1_32);
	CHECK_EQ(f.decrypt.flags, SRTPRELAY_CRYPTO_F_UNENCRYPTED_SRTP);
	CHECK_EQ(f.decrypt.mki_len, 2);
	CHECK_MEM(f.decrypt.mki, "\x12\x34", 2);
	CHECK(!strcmp(f.decrypt.driver, "ctr-aes-aesni hmac(sha1-avx2)"));
	CHECK_EQ(f.decrypt.key_len, 0);
	CHECK_EQ(f.decrypt.nssrc, 2);
	CHECK_EQ(f.decrypt.ssrc[0].id, 0xabcdef01);
	CHECK_EQ(f.decrypt.ssrc[0].roc, 3);
	CHECK_EQ(f.decrypt.ssrc[0].has, KFLOW_SSRC_HAS_SEQ);
	CHECK_EQ(f.decrypt.ssrc[0].seq, 65535);
	CHECK_EQ(f.decrypt.ssrc[1].id, 0x01020304);
	CHECK_EQ(f.decrypt.ssrc[1].has, KFLOW_SSRC_HAS_RTCP_INDEX);
	CHECK_EQ(f.decrypt.ssrc[1].rtcp_index, 1000);

	CHECK(f.encrypt.present);
	CHECK_EQ(f.encrypt.suite, SRTPRELAY_SUITE_AEAD_AES_128_GCM);
	CHECK_EQ(f.encrypt.mki_len, 0);
	CHECK_EQ(f.encrypt.nssrc, 0);
	CHECK(!strcmp(f.encrypt.driver, "gcm-aes-aesni"));

	CHECK(f.stats.present);
	for (int i = SRTPRELAY_A_STATS_PACKETS; i < SRTPRELAY_A_STATS_PAD; i++)
		CHECK_EQ(f.stats.c[i], 1000 + i);
	CHECK(kflow_stat_name(SRTPRELAY_A_STATS_DROP_AUTH));
	CHECK(!strcmp(kflow_stat_name(SRTPRELAY_A_STATS_DROP_AUTH), "drop_auth"));
	CHECK(!kflow_stat_name(SRTPRELAY_A_STATS_PAD) && !kflow_stat_name(999));
}

/* A plain flow: no expect, crypto, cookie, payload types or stats. */
static void parse_plain(void)
{
	uint8_t buf[512];
	struct nlmsghdr *nlh = reply_hdr(buf, SRTPRELAY_CMD_GET_FLOW, 0);
	struct kflow f;

	put_addr4(nlh, SRTPRELAY_A_FLOW_LOCAL, "10.0.0.1", 30000);
	CHECK_EQ(kflow_parse(nlh, &f, NULL), 0);
	CHECK_EQ(f.expect.ss_family, AF_UNSPEC);
	CHECK_EQ(f.source.ss_family, AF_UNSPEC);
	CHECK(!f.decrypt.present && !f.encrypt.present && !f.has_cookie && !f.npt);
	CHECK(!f.stats.present);
	CHECK_EQ(f.media, SRTPRELAY_MEDIA_RTP);
}

/* Where a deliberately malformed attribute goes. */
enum where { TOP, CRYPTO, SSRC, STATS };

struct bad_case {
	enum where where;
	uint16_t type;
	uint16_t len;
	const void *data;	/* NULL: zeros */
	const char *why;	/* expected in the parser's explanation */
};

static struct nlmsghdr *bad_reply(void *buf, const struct bad_case *c)
{
	static const uint8_t zeros[256];
	struct nlmsghdr *nlh = reply_hdr(buf, SRTPRELAY_CMD_GET_FLOW, 0);
	const void *data = c->data ? c->data : zeros;
	struct nlattr *n1 = NULL, *n2 = NULL, *n3 = NULL;

	put_addr4(nlh, SRTPRELAY_A_FLOW_LOCAL, "10.0.0.1", 30000);
	if (c->where == CRYPTO || c->where == SSRC) {
		n1 = mnl_attr_nest_start(nlh, SRTPRELAY_A_FLOW_DECRYPT);
		mnl_attr_put_u32(nlh, SRTPRELAY_A_CRYPTO_SUITE, 1);
	}
	if (c->where == SSRC) {
		n2 = mnl_attr_nest_start(nlh, SRTPRELAY_A_CRYPTO_SSRCS);
		n3 = mnl_attr_nest_start(nlh, 0);
		mnl_attr_put_u32(nlh, SRTPRELAY_A_SSRC_ID, 1);
	}
	if (c->where == STATS)
		n1 = mnl_attr_nest_start(nlh, SRTPRELAY_A_FLOW_STATS);
	mnl_attr_put(nlh, c->type, c->len, data);
	if (n3)
		mnl_attr_nest_end(nlh, n3);
	if (n2)
		mnl_attr_nest_end(nlh, n2);
	if (n1)
		mnl_attr_nest_end(nlh, n1);
	return nlh;
}

static void parse_rejects_bad_shapes(void)
{
	struct sockaddr_in in4_as_v6 = { .sin_family = AF_INET6 };
	struct sockaddr_in6 in6_as_v4 = { .sin6_family = AF_INET };
	static const uint8_t pt_too_high[] = { 0, 200 };
	const struct bad_case cases[] = {
		{ TOP, SRTPRELAY_A_FLOW_LOCAL, 3, NULL, "SRTPRELAY_A_FLOW_LOCAL" },
		{ TOP, SRTPRELAY_A_FLOW_LOCAL, sizeof(in4_as_v6), &in4_as_v6,
		  "SRTPRELAY_A_FLOW_LOCAL" },
		{ TOP, SRTPRELAY_A_FLOW_PEER, sizeof(in6_as_v4), &in6_as_v4,
		  "SRTPRELAY_A_FLOW_PEER" },
		{ TOP, SRTPRELAY_A_FLOW_EXPECT, 20, NULL, "SRTPRELAY_A_FLOW_EXPECT" },
		{ TOP, SRTPRELAY_A_FLOW_FLAGS, 2, NULL, "SRTPRELAY_A_FLOW_FLAGS" },
		{ TOP, SRTPRELAY_A_FLOW_MEDIA, 8, NULL, "SRTPRELAY_A_FLOW_MEDIA" },
		{ TOP, SRTPRELAY_A_FLOW_COOKIE, 4, NULL, "SRTPRELAY_A_FLOW_COOKIE" },
		{ TOP, SRTPRELAY_A_FLOW_PAYLOAD_TYPES, 0, NULL, "PAYLOAD_TYPES" },
		{ TOP, SRTPRELAY_A_FLOW_PAYLOAD_TYPES, 129, NULL, "PAYLOAD_TYPES" },
		{ TOP, SRTPRELAY_A_FLOW_PAYLOAD_TYPES, 2, pt_too_high, "above 127" },
		{ TOP, SRTPRELAY_A_FLOW_DECRYPT, 3, NULL, "SRTPRELAY_A_FLOW_DECRYPT" },
		{ TOP, SRTPRELAY_A_FLOW_STATS, 2, NULL, "SRTPRELAY_A_FLOW_STATS" },
		{ CRYPTO, SRTPRELAY_A_CRYPTO_SUITE, 2, NULL, "SRTPRELAY_A_CRYPTO_SUITE" },
		{ CRYPTO, SRTPRELAY_A_CRYPTO_MKI, SRTPRELAY_MKI_MAX + 1, NULL, "SRTPRELAY_A_CRYPTO_MKI" },
		{ CRYPTO, SRTPRELAY_A_CRYPTO_MKI, 0, NULL, "SRTPRELAY_A_CRYPTO_MKI" },
		{ CRYPTO, SRTPRELAY_A_CRYPTO_FLAGS, 1, NULL, "SRTPRELAY_A_CRYPTO_FLAGS" },
		{ CRYPTO, SRTPRELAY_A_CRYPTO_DRIVER, 3, "abc", "SRTPRELAY_A_CRYPTO_DRIVER" },
		{ CRYPTO, SRTPRELAY_A_CRYPTO_SSRCS, 2, NULL, "SRTPRELAY_A_CRYPTO_SSRCS" },
		{ SSRC, SRTPRELAY_A_SSRC_SEQ, 4, NULL, "SRTPRELAY_A_SSRC_SEQ" },
		{ SSRC, SRTPRELAY_A_SSRC_ID, 2, NULL, "SRTPRELAY_A_SSRC_ID" },
		{ SSRC, SRTPRELAY_A_SSRC_RTCP_INDEX, 8, NULL, "SRTPRELAY_A_SSRC_RTCP_INDEX" },
		{ STATS, SRTPRELAY_A_STATS_DROP_AUTH, 4, NULL, "counter" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint8_t buf[1024];
		const char *why = NULL;
		struct kflow f;
		int ret = kflow_parse(bad_reply(buf, &cases[i]), &f, &why);

		if (ret != -EPROTO || !why || !strstr(why, cases[i].why)) {
			fprintf(stderr, "  case %zu: ret %d, why \"%s\", want \"%s\"\n", i, ret,
				why ? why : "(null)", cases[i].why);
			CHECK(0);
		}
	}
}

static void parse_rejects_missing(void)
{
	uint8_t buf[1024];
	struct nlmsghdr *nlh;
	struct nlattr *n1, *n2, *n3;
	const char *why = NULL;
	struct kflow f;

	nlh = reply_hdr(buf, SRTPRELAY_CMD_GET_FLOW, 0);
	put_addr4(nlh, SRTPRELAY_A_FLOW_PEER, "10.0.0.1", 1);
	CHECK_EQ(kflow_parse(nlh, &f, &why), -EPROTO);
	CHECK(strstr(why, "without SRTPRELAY_A_FLOW_LOCAL"));

	nlh = reply_hdr(buf, SRTPRELAY_CMD_GET_FLOW, 0);
	put_addr4(nlh, SRTPRELAY_A_FLOW_LOCAL, "10.0.0.1", 1);
	n1 = mnl_attr_nest_start(nlh, SRTPRELAY_A_FLOW_ENCRYPT);
	mnl_attr_put_u32(nlh, SRTPRELAY_A_CRYPTO_FLAGS, 0);
	mnl_attr_nest_end(nlh, n1);
	CHECK_EQ(kflow_parse(nlh, &f, &why), -EPROTO);
	CHECK(strstr(why, "without SRTPRELAY_A_CRYPTO_SUITE"));

	nlh = reply_hdr(buf, SRTPRELAY_CMD_GET_FLOW, 0);
	put_addr4(nlh, SRTPRELAY_A_FLOW_LOCAL, "10.0.0.1", 1);
	n1 = mnl_attr_nest_start(nlh, SRTPRELAY_A_FLOW_ENCRYPT);
	mnl_attr_put_u32(nlh, SRTPRELAY_A_CRYPTO_SUITE, 1);
	n2 = mnl_attr_nest_start(nlh, SRTPRELAY_A_CRYPTO_SSRCS);
	n3 = mnl_attr_nest_start(nlh, 0);
	mnl_attr_put_u32(nlh, SRTPRELAY_A_SSRC_ROC, 1);
	mnl_attr_nest_end(nlh, n3);
	mnl_attr_nest_end(nlh, n2);
	mnl_attr_nest_end(nlh, n1);
	CHECK_EQ(kflow_parse(nlh, &f, &why), -EPROTO);
	CHECK(strstr(why, "without SRTPRELAY_A_SSRC_ID"));

	/* A reply to another command is not a flow. */
	nlh = reply_hdr(buf, SRTPRELAY_CMD_GET_STATS, 0);
	put_addr4(nlh, SRTPRELAY_A_FLOW_LOCAL, "10.0.0.1", 1);
	CHECK_EQ(kflow_parse(nlh, &f, &why), -EPROTO);
	CHECK(strstr(why, "different command"));
}

/* A message cut inside an attribute, or too short for its genetlink header. */
static void parse_rejects_truncated(void)
{
	uint8_t buf[4096];
	struct nlmsghdr *nlh = full_reply(buf, 0);
	const char *why = NULL;
	struct kflow f;

	for (uint32_t len = nlh->nlmsg_len - 1; len > MNL_NLMSG_HDRLEN; len -= 3) {
		nlh->nlmsg_len = len;
		/* Either refused, or parsed from whole attributes only: never past the end. */
		(void)kflow_parse(nlh, &f, &why);
	}
	nlh->nlmsg_len = MNL_NLMSG_HDRLEN + 2;
	CHECK_EQ(kflow_parse(nlh, &f, &why), -EPROTO);
	nlh = full_reply(buf, 0);
	nlh->nlmsg_len -= 2;	/* the last attribute now claims more than the message has */
	CHECK_EQ(kflow_parse(nlh, &f, &why), -EPROTO);
}

/* A newer module with more SSRCs than we have room for: the first ones are kept. */
static void parse_many_ssrcs(void)
{
	uint8_t buf[4096];
	struct nlmsghdr *nlh = reply_hdr(buf, SRTPRELAY_CMD_GET_FLOW, 0);
	struct nlattr *n1, *n2;
	struct kflow f;

	put_addr4(nlh, SRTPRELAY_A_FLOW_LOCAL, "10.0.0.1", 1);
	n1 = mnl_attr_nest_start(nlh, SRTPRELAY_A_FLOW_DECRYPT);
	mnl_attr_put_u32(nlh, SRTPRELAY_A_CRYPTO_SUITE, 1);
	n2 = mnl_attr_nest_start(nlh, SRTPRELAY_A_CRYPTO_SSRCS);
	for (uint32_t i = 0; i < SRTPRELAY_MAX_SSRCS + 3; i++)
		put_ssrc_entry(nlh, 100 + i, i, -1, -1);
	mnl_attr_nest_end(nlh, n2);
	mnl_attr_nest_end(nlh, n1);
	CHECK_EQ(kflow_parse(nlh, &f, NULL), 0);
	CHECK_EQ(f.decrypt.nssrc, SRTPRELAY_MAX_SSRCS);
	CHECK_EQ(f.decrypt.ssrc[SRTPRELAY_MAX_SSRCS - 1].id, 100 + SRTPRELAY_MAX_SSRCS - 1);
}

static void parse_global(void)
{
	uint8_t buf[2048];
	struct nlmsghdr *nlh = reply_hdr(buf, SRTPRELAY_CMD_GET_STATS, 0);
	struct kflow_global g;
	struct nlattr *nest;
	const char *why = NULL;

	mnl_attr_put_u32(nlh, SRTPRELAY_A_GLOBAL_FLOWS, 12);
	mnl_attr_put_u32(nlh, 40, 1);
	nest = mnl_attr_nest_start(nlh, SRTPRELAY_A_GLOBAL_STATS);
	put_u64_padded(nlh, SRTPRELAY_A_STATS_NO_FLOW, 99, SRTPRELAY_A_STATS_PAD);
	put_u64_padded(nlh, SRTPRELAY_A_STATS_PACKETS, 5, SRTPRELAY_A_STATS_PAD);
	mnl_attr_nest_end(nlh, nest);
	nest = mnl_attr_nest_start(nlh, SRTPRELAY_A_GLOBAL_DRIVERS);
	mnl_attr_put_strz(nlh, SRTPRELAY_A_DRIVER_CTR, "ctr-aes-aesni");
	mnl_attr_put_strz(nlh, SRTPRELAY_A_DRIVER_HMAC, "hmac(sha1-generic)");
	mnl_attr_put_strz(nlh, 9, "unknown");
	mnl_attr_put_strz(nlh, SRTPRELAY_A_DRIVER_GCM, "unavailable");
	mnl_attr_nest_end(nlh, nest);
	CHECK_EQ(kflow_parse_global(nlh, &g, &why), 0);
	CHECK_EQ(g.flows, 12);
	CHECK(g.stats.present);
	CHECK_EQ(g.stats.c[SRTPRELAY_A_STATS_NO_FLOW], 99);
	CHECK_EQ(g.stats.c[SRTPRELAY_A_STATS_PACKETS], 5);
	CHECK(!strcmp(g.driver_ctr, "ctr-aes-aesni"));
	CHECK(!strcmp(g.driver_hmac, "hmac(sha1-generic)"));
	CHECK(!strcmp(g.driver_gcm, "unavailable"));

	mnl_attr_put(nlh, SRTPRELAY_A_GLOBAL_FLOWS, 8, "\0\0\0\0\0\0\0\0");
	CHECK_EQ(kflow_parse_global(nlh, &g, &why), -EPROTO);
	CHECK(strstr(why, "SRTPRELAY_A_GLOBAL_FLOWS"));
}

static void parse_family(void)
{
	uint8_t buf[1024];
	struct nlmsghdr *nlh = reply_hdr(buf, CTRL_CMD_NEWFAMILY, 0);
	struct nlattr *ops;
	uint16_t id = 0;
	uint32_t version = 0;

	nlh->nlmsg_type = GENL_ID_CTRL;
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, SRTPRELAY_GENL_NAME);
	mnl_attr_put_u16(nlh, CTRL_ATTR_FAMILY_ID, 0x22);
	mnl_attr_put_u32(nlh, CTRL_ATTR_VERSION, 1);
	mnl_attr_put_u32(nlh, CTRL_ATTR_HDRSIZE, 0);
	ops = mnl_attr_nest_start(nlh, CTRL_ATTR_OPS);
	mnl_attr_nest_end(nlh, ops);
	CHECK_EQ(kflow_parse_family(nlh, &id, &version), 0);
	CHECK_EQ(id, 0x22);
	CHECK_EQ(version, 1);

	nlh = reply_hdr(buf, CTRL_CMD_NEWFAMILY, 0);
	mnl_attr_put_u32(nlh, CTRL_ATTR_FAMILY_ID, 0x22);	/* 4 octets: not a u16 */
	CHECK_EQ(kflow_parse_family(nlh, &id, NULL), -EPROTO);
}

static const struct check_case cases[] = {
	CASE(set_full_v4),
	CASE(set_v6),
	CASE(set_minimal),
	CASE(set_refuses),
	CASE(other_requests),
	CASE(parse_full),
	CASE(parse_plain),
	CASE(parse_rejects_bad_shapes),
	CASE(parse_rejects_missing),
	CASE(parse_rejects_truncated),
	CASE(parse_many_ssrcs),
	CASE(parse_global),
	CASE(parse_family),
};

CHECK_MAIN("kflow", cases)
