// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The srtprelay generic netlink messages: requests built exactly as the uapi header's
 * attribute tree says; replies parsed leniently (unknown attributes skipped, so a newer
 * module works) but strictly where we know the attribute. No system calls here: the socket
 * is kflow_nl.c.
 */
#include "kflow.h"

#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#define GENL_HDR_LEN MNL_ALIGN(sizeof(struct genlmsghdr))

static const char *const stat_names[__SRTPRELAY_A_STATS_MAX] = {
	[SRTPRELAY_A_STATS_PACKETS] = "packets",
	[SRTPRELAY_A_STATS_BYTES] = "bytes",
	[SRTPRELAY_A_STATS_PASSED] = "passed",
	[SRTPRELAY_A_STATS_DROP_AUTH] = "drop_auth",
	[SRTPRELAY_A_STATS_DROP_REPLAY] = "drop_replay",
	[SRTPRELAY_A_STATS_DROP_SOURCE] = "drop_source",
	[SRTPRELAY_A_STATS_DROP_SSRC] = "drop_ssrc",
	[SRTPRELAY_A_STATS_DROP_MALFORMED] = "drop_malformed",
	[SRTPRELAY_A_STATS_DROP_PAYLOAD_TYPE] = "drop_payload_type",
	[SRTPRELAY_A_STATS_DROP_SEND] = "drop_send",
	[SRTPRELAY_A_STATS_LAST_PACKET_AGE_MS] = "last_packet_age_ms",
	[SRTPRELAY_A_STATS_NO_FLOW] = "no_flow",
};

void kflow_init(struct kflow *f)
{
	memset(f, 0, sizeof(*f));
	f->media = SRTPRELAY_MEDIA_RTP;
}

void kflow_wipe(struct kflow *f)
{
	explicit_bzero(f->decrypt.key, sizeof(f->decrypt.key));
	explicit_bzero(f->decrypt.salt, sizeof(f->decrypt.salt));
	explicit_bzero(f->encrypt.key, sizeof(f->encrypt.key));
	explicit_bzero(f->encrypt.salt, sizeof(f->encrypt.salt));
}

const char *kflow_stat_name(unsigned int i)
{
	return i < __SRTPRELAY_A_STATS_MAX ? stat_names[i] : NULL;
}

/* --- requests --- */

static struct nlmsghdr *put_hdr(void *buf, size_t size, uint16_t type, uint16_t flags,
				uint32_t seq, uint8_t cmd, uint8_t version)
{
	struct genlmsghdr *g;
	struct nlmsghdr *nlh;

	if (size < MNL_NLMSG_HDRLEN + GENL_HDR_LEN)
		return NULL;
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = flags;
	nlh->nlmsg_seq = seq;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = cmd;
	g->version = version;
	return nlh;
}

/* Writes ss as the struct sockaddr_in or sockaddr_in6 the kernel expects, nothing else set. */
static int put_addr(struct nlmsghdr *nlh, size_t size, uint16_t type,
		    const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)ss;
		struct sockaddr_in a;

		memset(&a, 0, sizeof(a));
		a.sin_family = AF_INET;
		a.sin_port = in->sin_port;
		a.sin_addr = in->sin_addr;
		return mnl_attr_put_check(nlh, size, type, sizeof(a), &a) ? 0 : -EMSGSIZE;
	}
	if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)ss;
		struct sockaddr_in6 a;

		memset(&a, 0, sizeof(a));
		a.sin6_family = AF_INET6;
		a.sin6_port = in6->sin6_port;
		a.sin6_addr = in6->sin6_addr;
		a.sin6_scope_id = in6->sin6_scope_id;
		return mnl_attr_put_check(nlh, size, type, sizeof(a), &a) ? 0 : -EMSGSIZE;
	}
	return -EAFNOSUPPORT;
}

static int put_u32(struct nlmsghdr *nlh, size_t size, uint16_t type, uint32_t v)
{
	return mnl_attr_put_u32_check(nlh, size, type, v) ? 0 : -EMSGSIZE;
}

static int put_ssrcs(struct nlmsghdr *nlh, size_t size, const struct kflow_crypto *c)
{
	struct nlattr *list, *e;

	if (c->nssrc > SRTPRELAY_MAX_SSRCS)
		return -EINVAL;
	list = mnl_attr_nest_start_check(nlh, size, SRTPRELAY_A_CRYPTO_SSRCS);
	if (!list)
		return -EMSGSIZE;
	for (unsigned int i = 0; i < c->nssrc; i++) {
		/* Entries are typed 0: the kernel reads them as an array (NLA_NESTED_ARRAY). */
		e = mnl_attr_nest_start_check(nlh, size, 0);
		if (!e || put_u32(nlh, size, SRTPRELAY_A_SSRC_ID, c->ssrc[i].id) ||
		    put_u32(nlh, size, SRTPRELAY_A_SSRC_ROC, c->ssrc[i].roc))
			return -EMSGSIZE;
		if ((c->ssrc[i].has & KFLOW_SSRC_HAS_SEQ) &&
		    !mnl_attr_put_u16_check(nlh, size, SRTPRELAY_A_SSRC_SEQ, c->ssrc[i].seq))
			return -EMSGSIZE;
		if ((c->ssrc[i].has & KFLOW_SSRC_HAS_RTCP_INDEX) &&
		    put_u32(nlh, size, SRTPRELAY_A_SSRC_RTCP_INDEX, c->ssrc[i].rtcp_index))
			return -EMSGSIZE;
		mnl_attr_nest_end(nlh, e);
	}
	mnl_attr_nest_end(nlh, list);
	return 0;
}

static int put_crypto(struct nlmsghdr *nlh, size_t size, uint16_t type,
		      const struct kflow_crypto *c)
{
	struct nlattr *nest;

	if (!c->key_len || c->key_len > KFLOW_KEY_MAX || !c->salt_len ||
	    c->salt_len > KFLOW_SALT_MAX || c->mki_len > SRTPRELAY_MKI_MAX)
		return -EINVAL;
	nest = mnl_attr_nest_start_check(nlh, size, type);
	if (!nest || put_u32(nlh, size, SRTPRELAY_A_CRYPTO_SUITE, c->suite) ||
	    !mnl_attr_put_check(nlh, size, SRTPRELAY_A_CRYPTO_KEY, c->key_len, c->key) ||
	    !mnl_attr_put_check(nlh, size, SRTPRELAY_A_CRYPTO_SALT, c->salt_len, c->salt) ||
	    (c->mki_len &&
	     !mnl_attr_put_check(nlh, size, SRTPRELAY_A_CRYPTO_MKI, c->mki_len, c->mki)) ||
	    put_u32(nlh, size, SRTPRELAY_A_CRYPTO_FLAGS, c->flags))
		return -EMSGSIZE;
	if (c->nssrc) {
		int ret = put_ssrcs(nlh, size, c);

		if (ret)
			return ret;
	}
	mnl_attr_nest_end(nlh, nest);
	return 0;
}

static int put_flow(struct nlmsghdr *nlh, size_t size, const struct kflow *f)
{
	int ret;

	if (f->npt > SRTPRELAY_MAX_PAYLOAD_TYPES)
		return -EINVAL;
	ret = put_addr(nlh, size, SRTPRELAY_A_FLOW_LOCAL, &f->local);
	if (!ret)
		ret = put_addr(nlh, size, SRTPRELAY_A_FLOW_SOURCE, &f->source);
	if (!ret)
		ret = put_addr(nlh, size, SRTPRELAY_A_FLOW_PEER, &f->peer);
	if (!ret && f->expect.ss_family != AF_UNSPEC)
		ret = put_addr(nlh, size, SRTPRELAY_A_FLOW_EXPECT, &f->expect);
	if (!ret)
		ret = put_u32(nlh, size, SRTPRELAY_A_FLOW_FLAGS, f->flags);
	if (!ret)
		ret = put_u32(nlh, size, SRTPRELAY_A_FLOW_MEDIA, f->media);
	if (!ret && f->npt &&
	    !mnl_attr_put_check(nlh, size, SRTPRELAY_A_FLOW_PAYLOAD_TYPES, f->npt, f->pt))
		ret = -EMSGSIZE;
	if (!ret && f->has_cookie &&
	    !mnl_attr_put_check(nlh, size, SRTPRELAY_A_FLOW_COOKIE, sizeof(f->cookie), &f->cookie))
		ret = -EMSGSIZE;
	if (!ret)
		ret = put_u32(nlh, size, SRTPRELAY_A_FLOW_SET_FLAGS, f->set_flags);
	if (!ret && f->decrypt.present)
		ret = put_crypto(nlh, size, SRTPRELAY_A_FLOW_DECRYPT, &f->decrypt);
	if (!ret && f->encrypt.present)
		ret = put_crypto(nlh, size, SRTPRELAY_A_FLOW_ENCRYPT, &f->encrypt);
	return ret;
}

int kflow_msg_set(void *buf, size_t size, uint16_t family, uint32_t seq, const struct kflow *f)
{
	struct nlmsghdr *nlh = put_hdr(buf, size, family, NLM_F_REQUEST | NLM_F_ACK, seq,
				       SRTPRELAY_CMD_SET_FLOW, SRTPRELAY_GENL_VERSION);
	int ret;

	if (!nlh)
		return -EMSGSIZE;
	ret = put_flow(nlh, size, f);
	if (ret) {
		/* The half-built message may already hold a key. */
		explicit_bzero(buf, size);
		return ret;
	}
	return (int)nlh->nlmsg_len;
}

static int msg_local(void *buf, size_t size, uint16_t family, uint32_t seq, uint8_t cmd,
		     const struct sockaddr_storage *local)
{
	struct nlmsghdr *nlh = put_hdr(buf, size, family, NLM_F_REQUEST | NLM_F_ACK, seq, cmd,
				       SRTPRELAY_GENL_VERSION);
	int ret;

	if (!nlh)
		return -EMSGSIZE;
	ret = put_addr(nlh, size, SRTPRELAY_A_FLOW_LOCAL, local);
	return ret ? ret : (int)nlh->nlmsg_len;
}

int kflow_msg_del(void *buf, size_t size, uint16_t family, uint32_t seq,
		  const struct sockaddr_storage *local)
{
	return msg_local(buf, size, family, seq, SRTPRELAY_CMD_DEL_FLOW, local);
}

int kflow_msg_get(void *buf, size_t size, uint16_t family, uint32_t seq,
		  const struct sockaddr_storage *local)
{
	return msg_local(buf, size, family, seq, SRTPRELAY_CMD_GET_FLOW, local);
}

int kflow_msg_dump(void *buf, size_t size, uint16_t family, uint32_t seq)
{
	/* No NLM_F_ACK: a dump ends with NLMSG_DONE, which carries the status. */
	struct nlmsghdr *nlh = put_hdr(buf, size, family, NLM_F_REQUEST | NLM_F_DUMP, seq,
				       SRTPRELAY_CMD_GET_FLOW, SRTPRELAY_GENL_VERSION);

	return nlh ? (int)nlh->nlmsg_len : -EMSGSIZE;
}

int kflow_msg_flush(void *buf, size_t size, uint16_t family, uint32_t seq,
		    const uint64_t *cookie)
{
	struct nlmsghdr *nlh = put_hdr(buf, size, family, NLM_F_REQUEST | NLM_F_ACK, seq,
				       SRTPRELAY_CMD_FLUSH, SRTPRELAY_GENL_VERSION);

	if (!nlh)
		return -EMSGSIZE;
	if (cookie &&
	    !mnl_attr_put_check(nlh, size, SRTPRELAY_A_FLOW_COOKIE, sizeof(*cookie), cookie))
		return -EMSGSIZE;
	return (int)nlh->nlmsg_len;
}

int kflow_msg_get_stats(void *buf, size_t size, uint16_t family, uint32_t seq)
{
	struct nlmsghdr *nlh = put_hdr(buf, size, family, NLM_F_REQUEST | NLM_F_ACK, seq,
				       SRTPRELAY_CMD_GET_STATS, SRTPRELAY_GENL_VERSION);

	return nlh ? (int)nlh->nlmsg_len : -EMSGSIZE;
}

int kflow_msg_getfamily(void *buf, size_t size, uint32_t seq)
{
	struct nlmsghdr *nlh = put_hdr(buf, size, GENL_ID_CTRL, NLM_F_REQUEST | NLM_F_ACK, seq,
				       CTRL_CMD_GETFAMILY, 1);

	if (!nlh || !mnl_attr_put_strz_check(nlh, size, CTRL_ATTR_FAMILY_NAME,
					     SRTPRELAY_GENL_NAME))
		return -EMSGSIZE;
	return (int)nlh->nlmsg_len;
}

/* --- replies --- */

/* What a known attribute must look like. */
enum akind { A_SKIP, A_U16, A_U32, A_U64, A_ADDR, A_BIN, A_NEST, A_STR };

struct aspec {
	uint8_t kind;
	uint8_t min, max;	/* A_BIN: payload length bounds */
	const char *why;	/* the parse error naming this attribute */
};

/* One nesting level being parsed: its specs, and where the accepted attributes go. */
struct level {
	const struct aspec *spec;
	unsigned int max;
	const struct nlattr **tb;
	const char *why;
};

static bool attr_shape_ok(const struct nlattr *a, const struct aspec *s)
{
	uint16_t len = mnl_attr_get_payload_len(a);
	const struct sockaddr *sa = mnl_attr_get_payload(a);

	switch (s->kind) {
	case A_U16:
		return len == sizeof(uint16_t);
	case A_U32:
		return len == sizeof(uint32_t);
	case A_U64:
		return len == sizeof(uint64_t);
	case A_ADDR:
		return (len == sizeof(struct sockaddr_in) && sa->sa_family == AF_INET) ||
		       (len == sizeof(struct sockaddr_in6) && sa->sa_family == AF_INET6);
	case A_BIN:
		return len >= s->min && len <= s->max;
	case A_NEST:
		return mnl_attr_validate(a, MNL_TYPE_NESTED) == 0;
	case A_STR:
		return mnl_attr_validate(a, MNL_TYPE_NUL_STRING) == 0;
	}
	return false;
}

/*
 * Keeps the attributes of this level that we know and that have the right shape. Unknown
 * types (a newer module) and the padding attributes of 64-bit values are skipped.
 */
static int level_cb(const struct nlattr *a, void *data)
{
	struct level *l = data;
	uint16_t type = mnl_attr_get_type(a);

	if (type > l->max || l->spec[type].kind == A_SKIP)
		return MNL_CB_OK;
	if (!attr_shape_ok(a, &l->spec[type])) {
		l->why = l->spec[type].why;
		errno = EPROTO;
		return MNL_CB_ERROR;
	}
	l->tb[type] = a;
	return MNL_CB_OK;
}

/*
 * The attributes fill len octets exactly. mnl stops quietly at an attribute that overruns
 * its container; we call that a malformed message instead of parsing half of it.
 */
static bool attrs_fill(const void *start, int len)
{
	const struct nlattr *a = start;

	while (mnl_attr_ok(a, len)) {
		len -= MNL_ALIGN(a->nla_len);
		a = mnl_attr_next(a);
	}
	return len <= 0;
}

static int parse_level(const struct nlattr *nest, const struct nlmsghdr *nlh,
		       const struct aspec *spec, unsigned int max, const struct nlattr **tb,
		       const char **why)
{
	struct level l = { .spec = spec, .max = max, .tb = tb };
	bool whole;
	int ret;

	memset(tb, 0, (max + 1) * sizeof(*tb));
	if (nest)
		whole = attrs_fill(mnl_attr_get_payload(nest), mnl_attr_get_payload_len(nest));
	else
		whole = attrs_fill(mnl_nlmsg_get_payload_offset(nlh, GENL_HDR_LEN),
				   (int)(nlh->nlmsg_len - MNL_NLMSG_HDRLEN - GENL_HDR_LEN));
	if (!whole) {
		if (why)
			*why = "an attribute overruns its message or nest";
		return -EPROTO;
	}
	if (nest)
		ret = mnl_attr_parse_nested(nest, level_cb, &l);
	else
		ret = mnl_attr_parse(nlh, GENL_HDR_LEN, level_cb, &l);
	if (ret == MNL_CB_ERROR) {
		if (why)
			*why = l.why;
		return -EPROTO;
	}
	return 0;
}

static const struct aspec flow_spec[SRTPRELAY_A_FLOW_MAX + 1] = {
	[SRTPRELAY_A_FLOW_LOCAL] = { A_ADDR, 0, 0, "malformed SRTPRELAY_A_FLOW_LOCAL" },
	[SRTPRELAY_A_FLOW_SOURCE] = { A_ADDR, 0, 0, "malformed SRTPRELAY_A_FLOW_SOURCE" },
	[SRTPRELAY_A_FLOW_PEER] = { A_ADDR, 0, 0, "malformed SRTPRELAY_A_FLOW_PEER" },
	[SRTPRELAY_A_FLOW_EXPECT] = { A_ADDR, 0, 0, "malformed SRTPRELAY_A_FLOW_EXPECT" },
	[SRTPRELAY_A_FLOW_FLAGS] = { A_U32, 0, 0, "malformed SRTPRELAY_A_FLOW_FLAGS" },
	[SRTPRELAY_A_FLOW_MEDIA] = { A_U32, 0, 0, "malformed SRTPRELAY_A_FLOW_MEDIA" },
	[SRTPRELAY_A_FLOW_PAYLOAD_TYPES] = { A_BIN, 1, SRTPRELAY_MAX_PAYLOAD_TYPES,
					     "malformed SRTPRELAY_A_FLOW_PAYLOAD_TYPES" },
	[SRTPRELAY_A_FLOW_COOKIE] = { A_U64, 0, 0, "malformed SRTPRELAY_A_FLOW_COOKIE" },
	[SRTPRELAY_A_FLOW_SET_FLAGS] = { A_U32, 0, 0, "malformed SRTPRELAY_A_FLOW_SET_FLAGS" },
	[SRTPRELAY_A_FLOW_DECRYPT] = { A_NEST, 0, 0, "malformed SRTPRELAY_A_FLOW_DECRYPT" },
	[SRTPRELAY_A_FLOW_ENCRYPT] = { A_NEST, 0, 0, "malformed SRTPRELAY_A_FLOW_ENCRYPT" },
	[SRTPRELAY_A_FLOW_STATS] = { A_NEST, 0, 0, "malformed SRTPRELAY_A_FLOW_STATS" },
};

/* Keys and salts never come back (the header promises it), so they are not parsed. */
static const struct aspec crypto_spec[SRTPRELAY_A_CRYPTO_MAX + 1] = {
	[SRTPRELAY_A_CRYPTO_SUITE] = { A_U32, 0, 0, "malformed SRTPRELAY_A_CRYPTO_SUITE" },
	[SRTPRELAY_A_CRYPTO_MKI] = { A_BIN, 1, SRTPRELAY_MKI_MAX,
				     "malformed SRTPRELAY_A_CRYPTO_MKI" },
	[SRTPRELAY_A_CRYPTO_FLAGS] = { A_U32, 0, 0, "malformed SRTPRELAY_A_CRYPTO_FLAGS" },
	[SRTPRELAY_A_CRYPTO_SSRCS] = { A_NEST, 0, 0, "malformed SRTPRELAY_A_CRYPTO_SSRCS" },
	[SRTPRELAY_A_CRYPTO_DRIVER] = { A_STR, 0, 0, "malformed SRTPRELAY_A_CRYPTO_DRIVER" },
};

static const struct aspec ssrc_spec[SRTPRELAY_A_SSRC_MAX + 1] = {
	[SRTPRELAY_A_SSRC_ID] = { A_U32, 0, 0, "malformed SRTPRELAY_A_SSRC_ID" },
	[SRTPRELAY_A_SSRC_ROC] = { A_U32, 0, 0, "malformed SRTPRELAY_A_SSRC_ROC" },
	[SRTPRELAY_A_SSRC_SEQ] = { A_U16, 0, 0, "malformed SRTPRELAY_A_SSRC_SEQ" },
	[SRTPRELAY_A_SSRC_RTCP_INDEX] = { A_U32, 0, 0, "malformed SRTPRELAY_A_SSRC_RTCP_INDEX" },
};

/* Every counter is an NLA_U64; _PAD is alignment padding. */
#define STAT(i) [i] = { A_U64, 0, 0, "malformed counter in a stats nest" }
static const struct aspec stats_spec[SRTPRELAY_A_STATS_MAX + 1] = {
	STAT(SRTPRELAY_A_STATS_PACKETS), STAT(SRTPRELAY_A_STATS_BYTES),
	STAT(SRTPRELAY_A_STATS_PASSED), STAT(SRTPRELAY_A_STATS_DROP_AUTH),
	STAT(SRTPRELAY_A_STATS_DROP_REPLAY), STAT(SRTPRELAY_A_STATS_DROP_SOURCE),
	STAT(SRTPRELAY_A_STATS_DROP_SSRC), STAT(SRTPRELAY_A_STATS_DROP_MALFORMED),
	STAT(SRTPRELAY_A_STATS_DROP_PAYLOAD_TYPE), STAT(SRTPRELAY_A_STATS_DROP_SEND),
	STAT(SRTPRELAY_A_STATS_LAST_PACKET_AGE_MS), STAT(SRTPRELAY_A_STATS_NO_FLOW),
};
#undef STAT

static const struct aspec global_spec[SRTPRELAY_A_GLOBAL_MAX + 1] = {
	[SRTPRELAY_A_GLOBAL_FLOWS] = { A_U32, 0, 0, "malformed SRTPRELAY_A_GLOBAL_FLOWS" },
	[SRTPRELAY_A_GLOBAL_STATS] = { A_NEST, 0, 0, "malformed SRTPRELAY_A_GLOBAL_STATS" },
	[SRTPRELAY_A_GLOBAL_DRIVERS] = { A_NEST, 0, 0, "malformed SRTPRELAY_A_GLOBAL_DRIVERS" },
};

static const struct aspec driver_spec[SRTPRELAY_A_DRIVER_MAX + 1] = {
	[SRTPRELAY_A_DRIVER_CTR] = { A_STR, 0, 0, "malformed SRTPRELAY_A_DRIVER_CTR" },
	[SRTPRELAY_A_DRIVER_HMAC] = { A_STR, 0, 0, "malformed SRTPRELAY_A_DRIVER_HMAC" },
	[SRTPRELAY_A_DRIVER_GCM] = { A_STR, 0, 0, "malformed SRTPRELAY_A_DRIVER_GCM" },
};

static void get_addr(const struct nlattr *a, struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (a)
		memcpy(ss, mnl_attr_get_payload(a), mnl_attr_get_payload_len(a));
}

static uint64_t get_u64(const struct nlattr *a)
{
	uint64_t v;

	memcpy(&v, mnl_attr_get_payload(a), sizeof(v));
	return v;
}

static void get_str(const struct nlattr *a, char *dst, size_t size)
{
	if (a)
		snprintf(dst, size, "%s", mnl_attr_get_str(a));
	else
		dst[0] = '\0';
}

static int parse_stats(const struct nlattr *nest, struct kflow_stats *s, const char **why)
{
	const struct nlattr *tb[SRTPRELAY_A_STATS_MAX + 1];
	int ret = parse_level(nest, NULL, stats_spec, SRTPRELAY_A_STATS_MAX, tb, why);

	if (ret)
		return ret;
	memset(s, 0, sizeof(*s));
	s->present = true;
	for (unsigned int i = 1; i <= SRTPRELAY_A_STATS_MAX; i++)
		if (tb[i])
			s->c[i] = get_u64(tb[i]);
	return 0;
}

/* The SSRC list: an array whose entries' own types carry no meaning. */
struct ssrc_walk {
	struct kflow_crypto *c;
	const char *why;
};

static int ssrc_entry_cb(const struct nlattr *e, void *data)
{
	const struct nlattr *tb[SRTPRELAY_A_SSRC_MAX + 1];
	struct ssrc_walk *w = data;
	struct kflow_ssrc *s;

	if (mnl_attr_validate(e, MNL_TYPE_NESTED)) {
		w->why = "malformed entry in SRTPRELAY_A_CRYPTO_SSRCS";
		errno = EPROTO;
		return MNL_CB_ERROR;
	}
	if (parse_level(e, NULL, ssrc_spec, SRTPRELAY_A_SSRC_MAX, tb, &w->why)) {
		errno = EPROTO;
		return MNL_CB_ERROR;
	}
	if (!tb[SRTPRELAY_A_SSRC_ID]) {
		w->why = "SSRC entry without SRTPRELAY_A_SSRC_ID";
		errno = EPROTO;
		return MNL_CB_ERROR;
	}
	/* A newer module may track more SSRCs than we have room for: keep the first ones. */
	if (w->c->nssrc == SRTPRELAY_MAX_SSRCS)
		return MNL_CB_OK;
	s = &w->c->ssrc[w->c->nssrc++];
	memset(s, 0, sizeof(*s));
	s->id = mnl_attr_get_u32(tb[SRTPRELAY_A_SSRC_ID]);
	if (tb[SRTPRELAY_A_SSRC_ROC])
		s->roc = mnl_attr_get_u32(tb[SRTPRELAY_A_SSRC_ROC]);
	if (tb[SRTPRELAY_A_SSRC_SEQ]) {
		s->seq = mnl_attr_get_u16(tb[SRTPRELAY_A_SSRC_SEQ]);
		s->has |= KFLOW_SSRC_HAS_SEQ;
	}
	if (tb[SRTPRELAY_A_SSRC_RTCP_INDEX]) {
		s->rtcp_index = mnl_attr_get_u32(tb[SRTPRELAY_A_SSRC_RTCP_INDEX]);
		s->has |= KFLOW_SSRC_HAS_RTCP_INDEX;
	}
	return MNL_CB_OK;
}

static int parse_crypto(const struct nlattr *nest, struct kflow_crypto *c, const char **why)
{
	const struct nlattr *tb[SRTPRELAY_A_CRYPTO_MAX + 1];
	int ret = parse_level(nest, NULL, crypto_spec, SRTPRELAY_A_CRYPTO_MAX, tb, why);

	if (ret)
		return ret;
	memset(c, 0, sizeof(*c));
	if (!tb[SRTPRELAY_A_CRYPTO_SUITE]) {
		if (why)
			*why = "crypto context without SRTPRELAY_A_CRYPTO_SUITE";
		return -EPROTO;
	}
	c->present = true;
	c->suite = mnl_attr_get_u32(tb[SRTPRELAY_A_CRYPTO_SUITE]);
	if (tb[SRTPRELAY_A_CRYPTO_FLAGS])
		c->flags = mnl_attr_get_u32(tb[SRTPRELAY_A_CRYPTO_FLAGS]);
	if (tb[SRTPRELAY_A_CRYPTO_MKI]) {
		c->mki_len = (uint8_t)mnl_attr_get_payload_len(tb[SRTPRELAY_A_CRYPTO_MKI]);
		memcpy(c->mki, mnl_attr_get_payload(tb[SRTPRELAY_A_CRYPTO_MKI]), c->mki_len);
	}
	get_str(tb[SRTPRELAY_A_CRYPTO_DRIVER], c->driver, sizeof(c->driver));
	if (tb[SRTPRELAY_A_CRYPTO_SSRCS]) {
		const struct nlattr *list = tb[SRTPRELAY_A_CRYPTO_SSRCS];
		struct ssrc_walk w = { .c = c, .why = "malformed SRTPRELAY_A_CRYPTO_SSRCS" };

		if (!attrs_fill(mnl_attr_get_payload(list), mnl_attr_get_payload_len(list)) ||
		    mnl_attr_parse_nested(list, ssrc_entry_cb, &w) == MNL_CB_ERROR) {
			if (why)
				*why = w.why;
			return -EPROTO;
		}
	}
	return 0;
}

static int check_genl(const struct nlmsghdr *nlh, uint8_t cmd, const char **why)
{
	const struct genlmsghdr *g;

	if (nlh->nlmsg_len < MNL_NLMSG_HDRLEN + GENL_HDR_LEN) {
		if (why)
			*why = "message shorter than its generic netlink header";
		return -EPROTO;
	}
	g = mnl_nlmsg_get_payload(nlh);
	if (g->cmd != cmd) {
		if (why)
			*why = "reply to a different command";
		return -EPROTO;
	}
	return 0;
}

static int copy_pts(const struct nlattr *a, struct kflow *f, const char **why)
{
	const uint8_t *pt = mnl_attr_get_payload(a);

	f->npt = mnl_attr_get_payload_len(a);
	for (unsigned int i = 0; i < f->npt; i++) {
		if (pt[i] > 127) {
			if (why)
				*why = "payload type above 127 in SRTPRELAY_A_FLOW_PAYLOAD_TYPES";
			return -EPROTO;
		}
		f->pt[i] = pt[i];
	}
	return 0;
}

int kflow_parse(const struct nlmsghdr *nlh, struct kflow *f, const char **why)
{
	const struct nlattr *tb[SRTPRELAY_A_FLOW_MAX + 1];
	int ret = check_genl(nlh, SRTPRELAY_CMD_GET_FLOW, why);

	if (!ret)
		ret = parse_level(NULL, nlh, flow_spec, SRTPRELAY_A_FLOW_MAX, tb, why);
	if (ret)
		return ret;
	kflow_init(f);
	if (!tb[SRTPRELAY_A_FLOW_LOCAL]) {
		if (why)
			*why = "flow without SRTPRELAY_A_FLOW_LOCAL";
		return -EPROTO;
	}
	get_addr(tb[SRTPRELAY_A_FLOW_LOCAL], &f->local);
	get_addr(tb[SRTPRELAY_A_FLOW_SOURCE], &f->source);
	get_addr(tb[SRTPRELAY_A_FLOW_PEER], &f->peer);
	get_addr(tb[SRTPRELAY_A_FLOW_EXPECT], &f->expect);
	if (tb[SRTPRELAY_A_FLOW_FLAGS])
		f->flags = mnl_attr_get_u32(tb[SRTPRELAY_A_FLOW_FLAGS]);
	if (tb[SRTPRELAY_A_FLOW_MEDIA])
		f->media = mnl_attr_get_u32(tb[SRTPRELAY_A_FLOW_MEDIA]);
	if (tb[SRTPRELAY_A_FLOW_COOKIE]) {
		f->has_cookie = true;
		f->cookie = get_u64(tb[SRTPRELAY_A_FLOW_COOKIE]);
	}
	if (tb[SRTPRELAY_A_FLOW_SET_FLAGS])
		f->set_flags = mnl_attr_get_u32(tb[SRTPRELAY_A_FLOW_SET_FLAGS]);
	if (tb[SRTPRELAY_A_FLOW_PAYLOAD_TYPES])
		ret = copy_pts(tb[SRTPRELAY_A_FLOW_PAYLOAD_TYPES], f, why);
	if (!ret && tb[SRTPRELAY_A_FLOW_DECRYPT])
		ret = parse_crypto(tb[SRTPRELAY_A_FLOW_DECRYPT], &f->decrypt, why);
	if (!ret && tb[SRTPRELAY_A_FLOW_ENCRYPT])
		ret = parse_crypto(tb[SRTPRELAY_A_FLOW_ENCRYPT], &f->encrypt, why);
	if (!ret && tb[SRTPRELAY_A_FLOW_STATS])
		ret = parse_stats(tb[SRTPRELAY_A_FLOW_STATS], &f->stats, why);
	return ret;
}

int kflow_parse_global(const struct nlmsghdr *nlh, struct kflow_global *g, const char **why)
{
	const struct nlattr *tb[SRTPRELAY_A_GLOBAL_MAX + 1];
	const struct nlattr *dtb[SRTPRELAY_A_DRIVER_MAX + 1];
	int ret = check_genl(nlh, SRTPRELAY_CMD_GET_STATS, why);

	if (!ret)
		ret = parse_level(NULL, nlh, global_spec, SRTPRELAY_A_GLOBAL_MAX, tb, why);
	if (ret)
		return ret;
	memset(g, 0, sizeof(*g));
	if (tb[SRTPRELAY_A_GLOBAL_FLOWS])
		g->flows = mnl_attr_get_u32(tb[SRTPRELAY_A_GLOBAL_FLOWS]);
	if (tb[SRTPRELAY_A_GLOBAL_STATS]) {
		ret = parse_stats(tb[SRTPRELAY_A_GLOBAL_STATS], &g->stats, why);
		if (ret)
			return ret;
	}
	if (tb[SRTPRELAY_A_GLOBAL_DRIVERS]) {
		ret = parse_level(tb[SRTPRELAY_A_GLOBAL_DRIVERS], NULL, driver_spec,
				  SRTPRELAY_A_DRIVER_MAX, dtb, why);
		if (ret)
			return ret;
		get_str(dtb[SRTPRELAY_A_DRIVER_CTR], g->driver_ctr, sizeof(g->driver_ctr));
		get_str(dtb[SRTPRELAY_A_DRIVER_HMAC], g->driver_hmac, sizeof(g->driver_hmac));
		get_str(dtb[SRTPRELAY_A_DRIVER_GCM], g->driver_gcm, sizeof(g->driver_gcm));
	}
	return 0;
}

static const struct aspec ctrl_spec[CTRL_ATTR_VERSION + 1] = {
	[CTRL_ATTR_FAMILY_ID] = { A_U16, 0, 0, "malformed CTRL_ATTR_FAMILY_ID" },
	[CTRL_ATTR_VERSION] = { A_U32, 0, 0, "malformed CTRL_ATTR_VERSION" },
};

int kflow_parse_family(const struct nlmsghdr *nlh, uint16_t *id, uint32_t *version)
{
	const struct nlattr *tb[CTRL_ATTR_VERSION + 1];
	int ret = check_genl(nlh, CTRL_CMD_NEWFAMILY, NULL);

	if (!ret)
		ret = parse_level(NULL, nlh, ctrl_spec, CTRL_ATTR_VERSION, tb, NULL);
	if (ret)
		return ret;
	if (!tb[CTRL_ATTR_FAMILY_ID])
		return -EPROTO;
	*id = mnl_attr_get_u16(tb[CTRL_ATTR_FAMILY_ID]);
	if (version)
		*version = tb[CTRL_ATTR_VERSION] ? mnl_attr_get_u32(tb[CTRL_ATTR_VERSION]) : 0;
	return 0;
}
