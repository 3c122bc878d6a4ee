// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * ng requests: ng_split, and ng_req_parse on every request of a real Kamailio 5.6 capture
 * (tests/ng/kamailio-5.6-rtpengine-module.txt, replayed byte for byte from its B64 lines),
 * field by field; then the three ways flags arrive (dictionary keys, the "flags" list, the
 * "rtpp-flags" string), SDES-no/-only masks, what ends up in the warning, and what is refused.
 *
 * Run from the top of the tree (tests/run.sh does), where tests/ng/ is.
 */
#include "bencode.h"
#include "check.h"
#include "ng_req.h"
#include "srtp.h"
#include "strbuf.h"

#include <errno.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <sys/socket.h>

#define CAPTURE "tests/ng/kamailio-5.6-rtpengine-module.txt"
#define POOL 512

static struct bval pool[POOL];
static struct bdoc doc = { .nodes = pool, .cap = POOL };
static struct ng_req req;
static char err[160];

static bool str_is(struct ng_str s, const char *lit)
{
	return s.len == strlen(lit) && !memcmp(s.s, lit, s.len);
}

static bool absent(struct ng_str s)
{
	return s.len == 0;
}

/* Parses a bencoded dictionary into req; the result of ng_req_parse, or -1000 if the bencode
 * itself is refused. */
static int parse_len(const char *body, size_t len)
{
	const struct bval *v;

	err[0] = '\0';
	v = bencode_parse(&doc, body, len, err, sizeof(err));
	if (!v) {
		fprintf(stderr, "  bencode: %s\n", err);
		return -1000;
	}
	return ng_req_parse(v, &req, err, sizeof(err));
}

static int parse(const char *body)
{
	return parse_len(body, strlen(body));
}

/* Builds "d7:command<cmd>...e" around the given pairs (already bencoded) and parses it. */
static int req_with(const char *cmd, const char *pairs)
{
	static struct strbuf sb;
	int r;

	sb_reset(&sb);
	sb_addf(&sb, "d7:command%zu:%s%se", strlen(cmd), cmd, pairs);
	if (sb.oom)
		return -ENOMEM;
	r = parse_len(sb.p, sb.len);
	/* (the request's strings point into sb: keep it until the next call) */
	return r;
}

/* An offer with everything it needs, plus the given pairs. */
static int offer_with(const char *pairs)
{
	static struct strbuf sb;

	sb_reset(&sb);
	sb_addf(&sb, "7:call-id2:c18:from-tag2:f13:sdp5:v=0\r\n%s", pairs);
	return sb.oom ? -ENOMEM : req_with("offer", sb.p);
}

/* An offer with this rtpp-flags string. */
static int offer_rtpp(const char *flags)
{
	static struct strbuf sb;

	sb_reset(&sb);
	sb_addf(&sb, "10:rtpp-flags%zu:%s", strlen(flags), flags);
	return sb.oom ? -ENOMEM : offer_with(sb.p);
}

/* --- ng_split --- */

static void split(void)
{
	struct ng_str cookie;
	const char *body;
	size_t blen;
	const char *d = "0_15063_0 d7:command4:pinge";

	CHECK_EQ(ng_split(d, strlen(d), &cookie, &body, &blen), 0);
	CHECK(str_is(cookie, "0_15063_0"));
	CHECK(cookie.s == d);
	CHECK(body == d + 10);
	CHECK_EQ(blen, strlen("d7:command4:pinge"));

	/* Only the first space separates; the body keeps what follows. */
	d = "abc  de f";
	CHECK_EQ(ng_split(d, strlen(d), &cookie, &body, &blen), 0);
	CHECK(str_is(cookie, "abc"));
	CHECK_EQ(blen, 5);
	CHECK(!memcmp(body, " de f", 5));
	/* An empty body. */
	d = "cookie ";
	CHECK_EQ(ng_split(d, strlen(d), &cookie, &body, &blen), 0);
	CHECK(str_is(cookie, "cookie"));
	CHECK_EQ(blen, 0);
	CHECK(body == d + 7);
	/* One-character cookie. */
	CHECK_EQ(ng_split("x y", 3, &cookie, &body, &blen), 0);
	CHECK(str_is(cookie, "x") && blen == 1 && body[0] == 'y');
	/* No space, an empty cookie, nothing at all. */
	CHECK_EQ(ng_split("cookie", 6, &cookie, &body, &blen), -EINVAL);
	CHECK_EQ(ng_split(" d7:command4:pinge", 18, &cookie, &body, &blen), -EINVAL);
	CHECK_EQ(ng_split(" ", 1, &cookie, &body, &blen), -EINVAL);
	CHECK_EQ(ng_split("", 0, &cookie, &body, &blen), -EINVAL);
	/* The length is respected: a space past it does not count. */
	CHECK_EQ(ng_split("abc def", 3, &cookie, &body, &blen), -EINVAL);
	CHECK_EQ(ng_split("abc def", 4, &cookie, &body, &blen), 0);
	CHECK_EQ(blen, 0);
	/* Binary cookies are opaque. */
	{
		static const char bin[] = { 'a', '\0', '\n', ' ', 'd', 'e' };

		CHECK_EQ(ng_split(bin, sizeof(bin), &cookie, &body, &blen), 0);
		CHECK_EQ(cookie.len, 3);
		CHECK_EQ(blen, 2);
	}
}

/* --- the capture --- */

static int b64val(int c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/* Standard base64 with padding up to the end of the line; the byte count or -1. */
static long b64dec(const char *s, char *out, size_t cap)
{
	size_t n = 0;
	unsigned int acc = 0, bits = 0;

	for (; *s && *s != '\n' && *s != '\r'; s++) {
		int v;

		if (*s == '=')
			break;
		v = b64val((unsigned char)*s);
		if (v < 0)
			return -1;
		acc = acc << 6 | (unsigned int)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (n == cap)
				return -1;
			out[n++] = (char)(acc >> bits & 0xff);
		}
	}
	return (long)n;
}

/* The RAW line with \r and \n made real again. */
static long unraw(const char *s, char *out, size_t cap)
{
	size_t n = 0;

	for (; *s && *s != '\n'; s++) {
		char c = *s;

		if (c == '\\' && (s[1] == 'r' || s[1] == 'n'))
			c = *++s == 'r' ? '\r' : '\n';
		if (n == cap)
			return -1;
		out[n++] = c;
	}
	return (long)n;
}

struct entry {
	unsigned int no;
	bool request;		/* proxy->daemon */
	char cookie[64];
	char what[32];		/* the command, or "reply" */
	char result[32];	/* replies: result=... */
	size_t bytes;		/* as the header says */
	char *dgram;		/* from B64 */
	long len;
	char *raw;		/* from RAW */
	long raw_len;
};

#define MAX_ENTRIES 64

static struct entry entries[MAX_ENTRIES];
static unsigned int n_entries;
static char *capture;

static void free_capture(void)
{
	for (unsigned int i = 0; i < n_entries; i++) {
		free(entries[i].dgram);
		free(entries[i].raw);
	}
	n_entries = 0;
	free(capture);
	capture = NULL;
}

/* Reads CAPTURE into entries[]; false with a message if it cannot. */
static bool load_capture(void)
{
	FILE *f;
	long size;
	struct entry *e = NULL;

	free_capture();
	f = fopen(CAPTURE, "rb");
	if (!f) {
		fprintf(stderr, "  cannot open %s: run from the top of the tree, and keep the "
				"fixture there\n", CAPTURE);
		return false;
	}
	fseek(f, 0, SEEK_END);
	size = ftell(f);
	rewind(f);
	capture = malloc((size_t)size + 1);
	if (!capture || fread(capture, 1, (size_t)size, f) != (size_t)size) {
		fclose(f);
		fprintf(stderr, "  cannot read %s\n", CAPTURE);
		return false;
	}
	fclose(f);
	capture[size] = '\0';

	for (char *line = capture; line && *line; line = strchr(line, '\n'), line = line ? line + 1 : NULL) {
		if (!strncmp(line, "#### ", 5)) {
			char dir[32], peer[64], *p;

			if (n_entries == MAX_ENTRIES) {
				fprintf(stderr, "  more than %d entries\n", MAX_ENTRIES);
				return false;
			}
			e = &entries[n_entries++];
			memset(e, 0, sizeof(*e));
			if (sscanf(line, "#### %u %*s %31s peer=%63s cookie=%63s %31s", &e->no, dir, peer,
				   e->cookie, e->what) != 5) {
				fprintf(stderr, "  bad header: %.80s\n", line);
				return false;
			}
			e->request = !strcmp(dir, "proxy->daemon");
			p = strstr(line, " result=");
			if (p && p < strchr(line, '\n'))
				sscanf(p, " result=%31s", e->result);
			p = strchr(line, '(');
			if (!p || sscanf(p, "(%zu bytes)", &e->bytes) != 1) {
				fprintf(stderr, "  no byte count: %.80s\n", line);
				return false;
			}
		} else if (e && !strncmp(line, "B64: ", 5) && !e->dgram) {
			e->dgram = malloc(8192);
			e->len = e->dgram ? b64dec(line + 5, e->dgram, 8192) : -1;
			if (e->len < 0) {
				fprintf(stderr, "  entry %u: bad base64\n", e->no);
				return false;
			}
		} else if (e && !strncmp(line, "RAW: ", 5) && !e->raw) {
			e->raw = malloc(8192);
			e->raw_len = e->raw ? unraw(line + 5, e->raw, 8192) : -1;
		}
	}
	return true;
}

static const struct entry *find_entry(const char *cookie, bool request)
{
	for (unsigned int i = 0; i < n_entries; i++)
		if (entries[i].request == request && !strcmp(entries[i].cookie, cookie))
			return &entries[i];
	return NULL;
}

static void capture_file(void)
{
	unsigned int requests = 0, replies = 0;

	if (!load_capture()) {
		check_fail(__FILE__, __LINE__, "the capture " CAPTURE " is readable");
		return;
	}
	CHECK_EQ(n_entries, 18);
	for (unsigned int i = 0; i < n_entries; i++) {
		const struct entry *e = &entries[i];

		if (!e->dgram || e->len != (long)e->bytes || e->raw_len != e->len ||
		    memcmp(e->raw, e->dgram, (size_t)e->len)) {
			fprintf(stderr, "  entry %u: %ld bytes from B64, %zu in the header, %ld from RAW\n",
				e->no, e->len, e->bytes, e->raw_len);
			CHECK(0);
		}
		if (e->request)
			requests++;
		else
			replies++;
	}
	CHECK_EQ(requests, 9);
	CHECK_EQ(replies, 9);
}

/* What each request of the capture must come out as. */
static const struct expect {
	const char *cookie;
	enum ng_cmd cmd;
	const char *call_id, *from_tag, *to_tag;	/* NULL: absent */
	size_t sdp_len;					/* 0: absent */
	enum ng_ice ice;
	enum ng_dtls dtls;
	enum ng_proto proto;
	bool replace;	/* origin and session-connection */
	bool received_from;
} expect[] = {
	{ "0_15063_0", NG_CMD_PING, NULL, NULL, NULL, 0, NG_ICE_DEFAULT, NG_DTLS_DEFAULT,
	  NG_PROTO_NONE, false, false },
	/* plain call */
	{ "0_15064_0", NG_CMD_OFFER, "plain-c7d6790bc54442f4@loopback-a.invalid", "96d07c2570",
	  NULL, 223, NG_ICE_DEFAULT, NG_DTLS_DEFAULT, NG_PROTO_NONE, true, true },
	{ "0_15063_1", NG_CMD_ANSWER, "plain-c7d6790bc54442f4@loopback-a.invalid", "96d07c2570",
	  "345ea08b86", 257, NG_ICE_DEFAULT, NG_DTLS_DEFAULT, NG_PROTO_NONE, true, true },
	{ "0_15063_2", NG_CMD_DELETE, "plain-c7d6790bc54442f4@loopback-a.invalid", "96d07c2570",
	  NULL, 0, NG_ICE_DEFAULT, NG_DTLS_DEFAULT, NG_PROTO_NONE, false, true },
	/* SDES call: offer "ICE=remove DTLS=off RTP/AVP", answer "ICE=remove RTP/SAVP" */
	{ "0_15064_1", NG_CMD_OFFER, "sdes-bffc2337f37e4084@loopback-a.invalid", "66e32b530b",
	  NULL, 648, NG_ICE_REMOVE, NG_DTLS_OFF, NG_PROTO_RTP_AVP, true, true },
	{ "0_15063_3", NG_CMD_ANSWER, "sdes-bffc2337f37e4084@loopback-a.invalid", "66e32b530b",
	  "e9e0e4966d", 257, NG_ICE_REMOVE, NG_DTLS_DEFAULT, NG_PROTO_RTP_SAVP, true, true },
	/* the callee hangs up: from-tag is the callee's */
	{ "0_15063_4", NG_CMD_DELETE, "sdes-bffc2337f37e4084@loopback-a.invalid", "e9e0e4966d",
	  NULL, 0, NG_ICE_DEFAULT, NG_DTLS_DEFAULT, NG_PROTO_NONE, false, true },
	/* cancelled call */
	{ "0_15063_5", NG_CMD_OFFER, "cancel-6edccb98bceb48ff@loopback-a.invalid", "d23341e625",
	  NULL, 223, NG_ICE_DEFAULT, NG_DTLS_DEFAULT, NG_PROTO_NONE, true, true },
	{ "0_15063_6", NG_CMD_DELETE, "cancel-6edccb98bceb48ff@loopback-a.invalid", "d23341e625",
	  NULL, 0, NG_ICE_DEFAULT, NG_DTLS_DEFAULT, NG_PROTO_NONE, false, true },
};

static bool opt_is(struct ng_str s, const char *lit)
{
	return lit ? str_is(s, lit) : absent(s);
}

/* Every field an untouched request leaves at zero stays there. */
static bool rest_default(const struct ng_req *q)
{
	return !q->via_branch.len && !q->media_address.len && !q->label.len &&
	       !q->direction[0].len && !q->direction[1].len && !q->dtls_reverse &&
	       !q->rtcp_mux_offer && !q->rtcp_mux_demux && !q->rtcp_mux_accept &&
	       !q->rtcp_mux_reject && !q->rtcp_mux_require && !q->sdes_off && !q->sdes_no &&
	       !q->sdes_only && !q->strict_source && !q->symmetric && !q->asymmetric &&
	       !q->trust_address && !q->generate_mid && !q->port_latching && !q->record_call &&
	       !q->addr_family && !q->limit;
}

static void capture_requests(void)
{
	unsigned int seen = 0;

	if (!load_capture()) {
		check_fail(__FILE__, __LINE__, "the capture " CAPTURE " is readable");
		return;
	}
	for (size_t i = 0; i < sizeof(expect) / sizeof(expect[0]); i++) {
		const struct expect *x = &expect[i];
		const struct entry *e = find_entry(x->cookie, true);
		struct ng_str cookie;
		const char *body;
		size_t blen;
		int r;

		if (!e) {
			fprintf(stderr, "  request %s is not in the capture\n", x->cookie);
			CHECK(0);
		}
		CHECK_EQ(ng_split(e->dgram, (size_t)e->len, &cookie, &body, &blen), 0);
		CHECK(str_is(cookie, x->cookie));
		r = parse_len(body, blen);
		if (r)
			fprintf(stderr, "  %s: %d %s\n", x->cookie, r, err);
		CHECK_EQ(r, 0);
		CHECK_EQ(req.cmd, x->cmd);
		CHECK(str_is(req.cmd_name, e->what));
		CHECK(opt_is(req.call_id, x->call_id));
		CHECK(opt_is(req.from_tag, x->from_tag));
		CHECK(opt_is(req.to_tag, x->to_tag));
		CHECK_EQ(req.sdp.len, x->sdp_len);
		if (x->sdp_len) {
			/* The SDP is the body's own bytes. */
			CHECK(req.sdp.s > body && req.sdp.s + req.sdp.len < body + blen);
			CHECK(!memcmp(req.sdp.s, "v=0\r\n", 5));
			CHECK(!memcmp(req.sdp.s + req.sdp.len - 2, "\r\n", 2));
		}
		CHECK_EQ(req.ice, x->ice);
		CHECK_EQ(req.dtls, x->dtls);
		CHECK_EQ(req.proto, x->proto);
		CHECK_EQ(req.replace_origin, x->replace);
		CHECK_EQ(req.replace_session_connection, x->replace);
		if (x->received_from) {
			CHECK(str_is(req.received_from_family, "IP4"));
			CHECK(str_is(req.received_from_addr, "127.0.0.1"));
		} else {
			CHECK(absent(req.received_from_family) && absent(req.received_from_addr));
		}
		CHECK(rest_default(&req));
		/* "supports": ["load limit"] is Kamailio's, not a flag: nothing was ignored. */
		if (req.warning[0])
			fprintf(stderr, "  warning: %s\n", req.warning);
		CHECK(req.warning[0] == '\0');
		seen++;
	}
	/* No request of the capture went untested. */
	for (unsigned int i = 0; i < n_entries; i++)
		if (entries[i].request) {
			bool listed = false;

			for (size_t k = 0; k < sizeof(expect) / sizeof(expect[0]); k++)
				listed |= !strcmp(expect[k].cookie, entries[i].cookie);
			if (!listed)
				fprintf(stderr, "  request %s not covered\n", entries[i].cookie);
			CHECK(listed);
		}
	CHECK_EQ(seen, 9);
	free_capture();
}

/* The daemon's replies in the capture are bencode too, big and nested: they parse, and say
 * the result their header says. */
static void capture_replies(void)
{
	unsigned int seen = 0;

	if (!load_capture()) {
		check_fail(__FILE__, __LINE__, "the capture " CAPTURE " is readable");
		return;
	}
	for (unsigned int i = 0; i < n_entries; i++) {
		const struct entry *e = &entries[i];
		const struct entry *q;
		struct ng_str cookie;
		const char *body;
		size_t blen;
		const struct bval *v;

		if (e->request)
			continue;
		q = find_entry(e->cookie, true);
		CHECK(q);	/* every reply answers a request of the capture */
		CHECK_EQ(ng_split(e->dgram, (size_t)e->len, &cookie, &body, &blen), 0);
		CHECK(cookie.len == strlen(e->cookie) && !memcmp(cookie.s, e->cookie, cookie.len));
		CHECK_EQ(bencode_span(body, blen), (long)blen);
		v = bencode_parse(&doc, body, blen, err, sizeof(err));
		if (!v)
			fprintf(stderr, "  reply %s: %s\n", e->cookie, err);
		CHECK(v && v->type == BV_DICT);
		CHECK(bv_is_str(bv_dict_get(v, "result"), e->result));
		if (!strcmp(q->what, "offer") || !strcmp(q->what, "answer")) {
			const struct bval *sdp = bv_dict_get(v, "sdp");

			CHECK(sdp && sdp->type == BV_STR && sdp->len > 100);
		}
		if (!strcmp(q->what, "delete")) {
			CHECK(bv_dict_get(v, "tags") && bv_dict_get(v, "tags")->type == BV_DICT);
			CHECK(bv_dict_get(v, "created") && bv_dict_get(v, "created")->type == BV_INT);
		}
		/* Incomplete as a stream until the last byte. */
		CHECK_EQ(bencode_span(body, blen - 1), 0);
		seen++;
	}
	CHECK_EQ(seen, 9);
	free_capture();
}

/* --- flags --- */

static uint32_t bit(unsigned int suite)
{
	return 1u << suite;
}

static void rtpp_flags_string(void)
{
	int r;

	r = offer_rtpp("replace-origin replace-session-connection ICE=remove RTP/AVP "
		       "SDES-off rtcp-mux-demux SDES-no-AES_CM_128_HMAC_SHA1_32 "
		       "direction=internal\tdirection=external;DTLS=passive  address-family=IP6 "
		       "media-address=192.0.2.1 label=callee via-branch=z9hG4bK1 strict-source "
		       "symmetric trust-address generate-mid port-latching record-call "
		       "SDES-only-AEAD_AES_256_GCM DTLS-reverse=yes");
	if (r)
		fprintf(stderr, "  %s\n", err);
	CHECK_EQ(r, 0);
	CHECK_EQ(req.cmd, NG_CMD_OFFER);
	CHECK(req.replace_origin && req.replace_session_connection);
	CHECK_EQ(req.ice, NG_ICE_REMOVE);
	CHECK_EQ(req.proto, NG_PROTO_RTP_AVP);
	CHECK(req.sdes_off);
	CHECK(req.rtcp_mux_demux);
	CHECK(!req.rtcp_mux_offer && !req.rtcp_mux_accept && !req.rtcp_mux_reject &&
	      !req.rtcp_mux_require);
	CHECK_EQ(req.sdes_no, bit(SRTP_AES_CM_128_HMAC_SHA1_32));
	CHECK_EQ(req.sdes_only, bit(SRTP_AEAD_AES_256_GCM));
	CHECK(str_is(req.direction[0], "internal"));
	CHECK(str_is(req.direction[1], "external"));
	CHECK_EQ(req.dtls, NG_DTLS_PASSIVE);
	CHECK(req.dtls_reverse);
	CHECK_EQ(req.addr_family, AF_INET6);
	CHECK(str_is(req.media_address, "192.0.2.1"));
	CHECK(str_is(req.label, "callee"));
	CHECK(str_is(req.via_branch, "z9hG4bK1"));
	CHECK(req.strict_source && req.symmetric && req.trust_address && req.generate_mid &&
	      req.port_latching && req.record_call);
	CHECK(!req.asymmetric);
	if (req.warning[0])
		fprintf(stderr, "  warning: %s\n", req.warning);
	CHECK(req.warning[0] == '\0');

	/* Each separator alone, and leading/trailing/repeated separators. */
	CHECK_EQ(offer_rtpp(" ;\tRTP/SAVPF;;IP4\t \t;"), 0);
	CHECK_EQ(req.proto, NG_PROTO_RTP_SAVPF);
	CHECK_EQ(req.addr_family, AF_INET);
	CHECK(req.warning[0] == '\0');
	CHECK_EQ(offer_rtpp(""), 0);
	CHECK(req.warning[0] == '\0');
	/* Every transport protocol by name. */
	CHECK_EQ(offer_rtpp("RTP/SAVP"), 0);
	CHECK_EQ(req.proto, NG_PROTO_RTP_SAVP);
	CHECK_EQ(offer_rtpp("RTP/AVPF"), 0);
	CHECK_EQ(req.proto, NG_PROTO_RTP_AVPF);
	CHECK_EQ(offer_rtpp("UDP/TLS/RTP/SAVP"), 0);
	CHECK_EQ(req.proto, NG_PROTO_UDP_TLS_RTP_SAVP);
	CHECK_EQ(offer_rtpp("transport-protocol=UDP/TLS/RTP/SAVPF"), 0);
	CHECK_EQ(req.proto, NG_PROTO_UDP_TLS_RTP_SAVPF);
	/* ICE and DTLS values. */
	CHECK_EQ(offer_rtpp("ICE=force"), 0);
	CHECK_EQ(req.ice, NG_ICE_FORCE);
	CHECK_EQ(offer_rtpp("ICE=force-relay"), 0);
	CHECK_EQ(req.ice, NG_ICE_FORCE_RELAY);
	CHECK_EQ(offer_rtpp("ICE=force_relay"), 0);
	CHECK_EQ(req.ice, NG_ICE_FORCE_RELAY);
	CHECK_EQ(offer_rtpp("ICE=optional"), 0);
	CHECK_EQ(req.ice, NG_ICE_OPTIONAL);
	CHECK_EQ(offer_rtpp("ICE=remove ICE=default"), 0);
	CHECK_EQ(req.ice, NG_ICE_DEFAULT);
	CHECK_EQ(offer_rtpp("DTLS=no"), 0);
	CHECK_EQ(req.dtls, NG_DTLS_OFF);
	CHECK_EQ(offer_rtpp("DTLS=disable"), 0);
	CHECK_EQ(req.dtls, NG_DTLS_OFF);
	CHECK_EQ(offer_rtpp("DTLS=active"), 0);
	CHECK_EQ(req.dtls, NG_DTLS_ACTIVE);
	CHECK(req.warning[0] == '\0');
	/* rtcp-mux, every one. */
	CHECK_EQ(offer_rtpp("rtcp-mux-offer rtcp-mux-demux rtcp-mux-accept "
			    "rtcp-mux-reject rtcp-mux=require"), 0);
	CHECK(req.rtcp_mux_offer && req.rtcp_mux_demux && req.rtcp_mux_accept &&
	      req.rtcp_mux_reject && req.rtcp_mux_require);
	CHECK(req.warning[0] == '\0');
	/* The string form refuses a non-string. */
	CHECK_EQ(offer_with("10:rtpp-flagsi1e"), -EINVAL);
	CHECK(strstr(err, "rtpp-flags"));
}

static void flags_list(void)
{
	int r;

	r = offer_with("5:flagsl13:trust-address26:SDES-only-AEAD_AES_256_GCM9:RTP/SAVPF"
		       "9:ICE=force14:rtcp-mux-offer10:asymmetric3:IP414:replace-origin"
		       "26:replace-session-connection31:SDES-no-AES_CM_128_HMAC_SHA1_80"
		       "33:SDES-only-AES_256_CM_HMAC_SHA1_8018:direction=external0:e");
	if (r)
		fprintf(stderr, "  %s\n", err);
	CHECK_EQ(r, 0);
	CHECK(req.trust_address && req.asymmetric);
	CHECK_EQ(req.sdes_only, bit(SRTP_AEAD_AES_256_GCM) | bit(SRTP_AES_256_CM_HMAC_SHA1_80));
	CHECK_EQ(req.sdes_no, bit(SRTP_AES_CM_128_HMAC_SHA1_80));
	CHECK_EQ(req.proto, NG_PROTO_RTP_SAVPF);
	CHECK_EQ(req.ice, NG_ICE_FORCE);
	CHECK(req.rtcp_mux_offer);
	CHECK_EQ(req.addr_family, AF_INET);
	CHECK(req.replace_origin && req.replace_session_connection);
	CHECK(str_is(req.direction[0], "external") && absent(req.direction[1]));
	CHECK(!req.sdes_off);
	CHECK(req.warning[0] == '\0');

	/* A single string instead of a list. */
	CHECK_EQ(offer_with("5:flags13:strict-source"), 0);
	CHECK(req.strict_source);
	/* Anything but strings is refused. */
	CHECK_EQ(offer_with("5:flagsl13:strict-sourcei1ee"), -EINVAL);
	CHECK(strstr(err, "'flags' must be a list of strings"));
	CHECK_EQ(offer_with("5:flagsi1e"), -EINVAL);
	CHECK(strstr(err, "'flags'"));
	CHECK_EQ(offer_with("5:flagsd1:a1:be"), -EINVAL);
	CHECK_EQ(offer_with("5:flagsllee"), -EINVAL);
	CHECK_EQ(offer_with("5:flagsle"), 0);
}

/* Flags as the rtpengine module's own dictionary keys (what Kamailio sends). */
static void flag_keys(void)
{
	int r;

	r = offer_with("4:DTLS7:passive12:DTLS-reverse6:active"
		       "18:transport-protocol17:UDP/TLS/RTP/SAVPF14:address-family3:IP6"
		       "3:ICE11:force-relay5:label6:caller13:media-address11:203.0.113.5"
		       "10:via-branch4:z9hG8:rtcp-muxl5:demux6:accepte"
		       "4:SDESl26:no-AES_CM_128_HMAC_SHA1_8020:no-NULL_HMAC_SHA1_32"
		       "21:only-AEAD_AES_128_GCMe9:directionl8:external8:internale"
		       "7:replacel18:session-connectione5:limiti5e");
	if (r)
		fprintf(stderr, "  %s\n", err);
	CHECK_EQ(r, 0);
	CHECK_EQ(req.dtls, NG_DTLS_PASSIVE);
	CHECK(req.dtls_reverse);
	CHECK_EQ(req.proto, NG_PROTO_UDP_TLS_RTP_SAVPF);
	CHECK_EQ(req.addr_family, AF_INET6);
	CHECK_EQ(req.ice, NG_ICE_FORCE_RELAY);
	CHECK(str_is(req.label, "caller"));
	CHECK(str_is(req.media_address, "203.0.113.5"));
	CHECK(str_is(req.via_branch, "z9hG"));
	CHECK(req.rtcp_mux_demux && req.rtcp_mux_accept);
	CHECK(!req.rtcp_mux_offer && !req.rtcp_mux_reject && !req.rtcp_mux_require);
	CHECK_EQ(req.sdes_no, bit(SRTP_AES_CM_128_HMAC_SHA1_80) | bit(SRTP_NULL_HMAC_SHA1_32));
	CHECK_EQ(req.sdes_only, bit(SRTP_AEAD_AES_128_GCM));
	CHECK(!req.sdes_off);
	CHECK(str_is(req.direction[0], "external"));
	CHECK(str_is(req.direction[1], "internal"));
	CHECK(!req.replace_origin && req.replace_session_connection);
	CHECK_EQ(req.limit, 5);
	if (req.warning[0])
		fprintf(stderr, "  warning: %s\n", req.warning);
	CHECK(req.warning[0] == '\0');

	/* Single strings where lists are allowed; "session connection" with a space. */
	CHECK_EQ(offer_with("4:SDES3:off8:rtcp-mux7:require7:replace18:session connection"
			    "9:direction8:internal"), 0);
	CHECK(req.sdes_off);
	CHECK(req.rtcp_mux_require);
	CHECK(req.replace_session_connection && !req.replace_origin);
	CHECK(str_is(req.direction[0], "internal") && absent(req.direction[1]));
	CHECK(req.warning[0] == '\0');
	CHECK_EQ(offer_with("4:SDES2:no"), 0);
	CHECK(req.sdes_off);
	CHECK_EQ(offer_with("4:SDES7:disable"), 0);
	CHECK(req.sdes_off);
	/* A third direction is one too many. */
	CHECK_EQ(offer_with("9:directionl1:a1:b1:ce"), 0);
	CHECK(str_is(req.direction[0], "a") && str_is(req.direction[1], "b"));
	CHECK(strstr(req.warning, "'c'"));
	/* Keys, like every dictionary, in any order: the command may come last or first. */
	CHECK_EQ(parse("d3:ICE6:remove7:call-id1:x3:sdp3:v=08:from-tag1:f7:command5:offere"), 0);
	CHECK_EQ(req.cmd, NG_CMD_OFFER);
	CHECK_EQ(req.ice, NG_ICE_REMOVE);
}

static void sdes_masks(void)
{
	static const struct {
		const char *name;
		unsigned int id;
	} suites[] = {
		{ "AES_CM_128_HMAC_SHA1_80", SRTP_AES_CM_128_HMAC_SHA1_80 },
		{ "AES_CM_128_HMAC_SHA1_32", SRTP_AES_CM_128_HMAC_SHA1_32 },
		{ "AES_192_CM_HMAC_SHA1_80", SRTP_AES_192_CM_HMAC_SHA1_80 },
		{ "AES_192_CM_HMAC_SHA1_32", SRTP_AES_192_CM_HMAC_SHA1_32 },
		{ "AES_256_CM_HMAC_SHA1_80", SRTP_AES_256_CM_HMAC_SHA1_80 },
		{ "AES_256_CM_HMAC_SHA1_32", SRTP_AES_256_CM_HMAC_SHA1_32 },
		{ "AEAD_AES_128_GCM", SRTP_AEAD_AES_128_GCM },
		{ "AEAD_AES_256_GCM", SRTP_AEAD_AES_256_GCM },
		{ "NULL_HMAC_SHA1_80", SRTP_NULL_HMAC_SHA1_80 },
		{ "NULL_HMAC_SHA1_32", SRTP_NULL_HMAC_SHA1_32 },
		{ "AES_CM_128_NULL_AUTH", SRTP_AES_CM_128_NULL_AUTH },
		{ "NULL_NULL", SRTP_NULL_NULL },
	};
	uint32_t all = 0;
	char pairs[1024];

	for (size_t i = 0; i < sizeof(suites) / sizeof(suites[0]); i++) {
		char flag[64];

		snprintf(flag, sizeof(flag), "SDES-no-%s", suites[i].name);
		snprintf(pairs, sizeof(pairs), "5:flagsl%zu:%se", strlen(flag), flag);
		CHECK_EQ(offer_with(pairs), 0);
		CHECK_EQ(req.sdes_no, bit(suites[i].id));
		CHECK_EQ(req.sdes_only, 0);
		snprintf(flag, sizeof(flag), "SDES-only-%s", suites[i].name);
		CHECK_EQ(offer_rtpp(flag), 0);
		CHECK_EQ(req.sdes_only, bit(suites[i].id));
		CHECK_EQ(req.sdes_no, 0);
		CHECK(req.warning[0] == '\0');
		all |= bit(suites[i].id);
	}
	CHECK_EQ(all, ((1u << SRTP_SUITE_COUNT) - 1) & ~1u);
	/* Accumulated, and the same suite twice is the same bit. */
	CHECK_EQ(offer_rtpp("SDES-no-NULL_NULL SDES-no-AEAD_AES_128_GCM "
			    "SDES-no-NULL_NULL SDES-only-AES_CM_128_HMAC_SHA1_80"), 0);
	CHECK_EQ(req.sdes_no, bit(SRTP_NULL_NULL) | bit(SRTP_AEAD_AES_128_GCM));
	CHECK_EQ(req.sdes_only, bit(SRTP_AES_CM_128_HMAC_SHA1_80));
	/* Unknown suites, prefixes of suites and case differences are not suites. */
	CHECK_EQ(offer_rtpp("SDES-no-F8_128_HMAC_SHA1_80 SDES-no-AES_CM_128 "
			    "SDES-only-aes_cm_128_hmac_sha1_80 SDES-no-"), 0);
	CHECK_EQ(req.sdes_no, 0);
	CHECK_EQ(req.sdes_only, 0);
	CHECK(strstr(req.warning, "F8_128_HMAC_SHA1_80"));
	CHECK(strstr(req.warning, "'SDES-no-AES_CM_128'"));
	CHECK(strstr(req.warning, "aes_cm_128_hmac_sha1_80"));
	CHECK(strstr(req.warning, "'SDES-no-'"));
}

static void unknown_flags_warn(void)
{
	size_t n;

	CHECK_EQ(offer_rtpp("frobnicate ICE=remove loop-protect"), 0);
	CHECK_EQ(req.ice, NG_ICE_REMOVE);
	CHECK(req.warning[0]);
	CHECK(strstr(req.warning, "frobnicate"));
	CHECK(strstr(req.warning, "loop-protect"));
	CHECK(!strstr(req.warning, "ICE"));
	CHECK(!strncmp(req.warning, "ignored ", 8));

	/* Known keys with values we do not know: the field is left alone. */
	CHECK_EQ(offer_with("3:ICE5:bogus4:DTLS3:hot18:transport-protocol7:RTP/XYZ"
			    "14:address-family3:IP5"), 0);
	CHECK_EQ(req.ice, NG_ICE_DEFAULT);
	CHECK_EQ(req.dtls, NG_DTLS_DEFAULT);
	CHECK_EQ(req.proto, NG_PROTO_NONE);
	CHECK_EQ(req.addr_family, 0);
	CHECK(strstr(req.warning, "'bogus'"));
	CHECK(strstr(req.warning, "'hot'"));
	CHECK(strstr(req.warning, "'RTP/XYZ'"));
	CHECK(strstr(req.warning, "'IP5'"));
	CHECK_EQ(offer_rtpp("ICE=bogus DTLS=hot rtcp-mux-never x=y SDES-"), 0);
	CHECK_EQ(req.ice, NG_ICE_DEFAULT);
	CHECK(strstr(req.warning, "'ICE=bogus'"));
	CHECK(strstr(req.warning, "'DTLS=hot'"));
	CHECK(strstr(req.warning, "'rtcp-mux-never'"));
	CHECK(strstr(req.warning, "'x=y'"));
	CHECK(strstr(req.warning, "'SDES-'"));
	CHECK_EQ(offer_with("8:rtcp-muxl5:bogus5:offere7:replacel4:nonee4:SDES5:maybe"), 0);
	CHECK(req.rtcp_mux_offer);
	CHECK(strstr(req.warning, "'bogus'"));
	CHECK(strstr(req.warning, "'none'"));
	CHECK(strstr(req.warning, "'maybe'"));

	/* Keys that are neither ours nor flags are no reason to warn. */
	CHECK_EQ(offer_with("8:supportsl10:load limite11:record call2:no"
			    "39:a-key-longer-than-any-key-we-know-of-xx1:y"), 0);
	CHECK(req.warning[0] == '\0');

	/* However many there are, the warning stays bounded and terminated. */
	{
		char flags[1600];
		size_t k = 0;

		for (int i = 0; i < 120; i++)
			k += (size_t)snprintf(flags + k, sizeof(flags) - k, "unknown%03d ", i);
		CHECK_EQ(offer_rtpp(flags), 0);
		n = strnlen(req.warning, sizeof(req.warning));
		CHECK(n < sizeof(req.warning));
		CHECK(n > sizeof(req.warning) / 2);
		CHECK(strstr(req.warning, "'unknown000'"));
		/* Each entry is whole or absent, never cut. */
		CHECK(req.warning[n - 1] == '\'');
	}
	/* A flag longer than the whole warning. */
	{
		char flags[600];

		memset(flags, 'q', sizeof(flags) - 1);
		flags[sizeof(flags) - 1] = '\0';
		CHECK_EQ(offer_rtpp(flags), 0);
		CHECK(strnlen(req.warning, sizeof(req.warning)) < sizeof(req.warning));
	}
}

/* What a warning says about an ignored value: "<what> '<value>'", as for flags. */
static void warning_format(void)
{
	CHECK_EQ(offer_rtpp("frobnicate"), 0);
	CHECK(!strcmp(req.warning, "ignored flag 'frobnicate'"));
	CHECK_EQ(offer_with("3:ICE5:bogus"), 0);
	CHECK(!strcmp(req.warning, "ignored value 'bogus'"));
	CHECK_EQ(offer_with("8:rtcp-mux5:bogus"), 0);
	if (strcmp(req.warning, "ignored rtcp-mux 'bogus'"))
		fprintf(stderr, "  warning: \"%s\"\n", req.warning);
	CHECK(!strcmp(req.warning, "ignored rtcp-mux 'bogus'"));
}

static void missing_fields(void)
{
	/* Offer: call-id, from-tag and SDP. */
	CHECK_EQ(req_with("offer", "8:from-tag1:f3:sdp3:v=0"), -EINVAL);
	CHECK_EQ(req.cmd, NG_CMD_OFFER);
	CHECK(!strcmp(err, "Missing call-id"));
	CHECK_EQ(req_with("offer", "7:call-id0:8:from-tag1:f3:sdp3:v=0"), -EINVAL);
	CHECK(!strcmp(err, "Missing call-id"));
	CHECK_EQ(req_with("offer", "7:call-id1:c3:sdp3:v=0"), -EINVAL);
	CHECK(!strcmp(err, "Missing from-tag"));
	CHECK_EQ(req_with("offer", "7:call-id1:c8:from-tag1:f"), -EINVAL);
	CHECK(!strcmp(err, "No SDP body"));
	CHECK_EQ(req_with("offer", "7:call-id1:c8:from-tag1:f3:sdp0:"), -EINVAL);
	CHECK(!strcmp(err, "No SDP body"));
	CHECK_EQ(req_with("offer", "7:call-id1:c8:from-tag1:f3:sdp3:v=0"), 0);
	/* Answer: the to-tag too. */
	CHECK_EQ(req_with("answer", "7:call-id1:c8:from-tag1:f3:sdp3:v=0"), -EINVAL);
	CHECK_EQ(req.cmd, NG_CMD_ANSWER);
	CHECK(!strcmp(err, "Missing to-tag"));
	CHECK_EQ(req_with("answer", "7:call-id1:c8:from-tag1:f6:to-tag1:t3:sdp3:v=0"), 0);
	CHECK(str_is(req.to_tag, "t"));
	/* Delete and query: the call-id only. */
	CHECK_EQ(req_with("delete", "8:from-tag1:f"), -EINVAL);
	CHECK_EQ(req.cmd, NG_CMD_DELETE);
	CHECK(!strcmp(err, "Missing call-id"));
	CHECK_EQ(req_with("delete", "7:call-id1:c"), 0);
	CHECK_EQ(req_with("query", ""), -EINVAL);
	CHECK_EQ(req.cmd, NG_CMD_QUERY);
	CHECK(!strcmp(err, "Missing call-id"));
	CHECK_EQ(req_with("query", "7:call-id1:c"), 0);
	/* Ping, list, statistics: nothing. */
	CHECK_EQ(req_with("ping", ""), 0);
	CHECK_EQ(req.cmd, NG_CMD_PING);
	CHECK_EQ(req_with("list", "5:limiti32e"), 0);
	CHECK_EQ(req.cmd, NG_CMD_LIST);
	CHECK_EQ(req.limit, 32);
	CHECK_EQ(req_with("statistics", ""), 0);
	CHECK_EQ(req.cmd, NG_CMD_STATISTICS);
	/* An unknown command is for the caller to refuse; its name is kept. */
	CHECK_EQ(req_with("start recording", "7:call-id1:c"), 0);
	CHECK_EQ(req.cmd, NG_CMD_UNKNOWN);
	CHECK(str_is(req.cmd_name, "start recording"));
	CHECK_EQ(req_with("Offer", ""), 0);
	CHECK_EQ(req.cmd, NG_CMD_UNKNOWN);
	/* No command. */
	CHECK_EQ(parse("d7:call-id1:ce"), -EINVAL);
	CHECK(!strcmp(err, "No command given"));
	CHECK_EQ(req.cmd, NG_CMD_UNKNOWN);
	CHECK_EQ(parse("de"), -EINVAL);
	CHECK(!strcmp(err, "No command given"));
}

static void wrong_types(void)
{
	static const struct {
		const char *pairs;
		const char *err;
	} bad[] = {
		{ "7:call-idi5e", "'call-id' must be a string" },
		{ "8:from-tagl1:fe", "'from-tag' must be a string" },
		{ "6:to-tagde", "'to-tag' must be a string" },
		{ "3:sdpl3:v=0e", "'sdp' must be a string" },
		{ "10:via-branchi0e", "'via-branch' must be a string" },
		{ "13:media-addressle", "'media-address' must be a string" },
		{ "5:labeli1e", "'label' must be a string" },
		{ "3:ICEl6:removee", "'ICE' must be a string" },
		{ "4:DTLSi0e", "'DTLS' must be a string" },
		{ "18:transport-protocoll7:RTP/AVPe", "'transport-protocol' must be a string" },
		{ "14:address-familyi4e", "'address-family' must be a string" },
		{ "12:DTLS-reverseli1ee", "'DTLS-reverse' must be a string" },
		{ "10:rtpp-flagsl1:xe", "'rtpp-flags' must be a string" },
		{ "5:flagsi1e", "'flags' must be a list of strings" },
		{ "7:replacel6:origini1ee", "'replace' must be a list of strings" },
		{ "8:rtcp-muxi1e", "'rtcp-mux' must be a list of strings" },
		{ "4:SDESd2:no1:xe", "'SDES' must be a list of strings" },
		{ "9:directionll8:internalee", "'direction' must be a list of strings" },
		{ "13:received-from3:IP4", "'received-from' must be [family, address]" },
		{ "13:received-froml3:IP4e", "'received-from' must be [family, address]" },
		{ "13:received-froml3:IP41:a1:be", "'received-from' must be [family, address]" },
		{ "13:received-fromli4e1:ae", "'received-from' must be [family, address]" },
		{ "13:received-froml3:IP4lee", "'received-from' must be [family, address]" },
		{ "13:received-fromle", "'received-from' must be [family, address]" },
		{ "5:limit2:10", "'limit' must be an integer" },
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int r = offer_with(bad[i].pairs);

		if (r != -EINVAL || strcmp(err, bad[i].err)) {
			fprintf(stderr, "  %s: %d \"%s\" (expected \"%s\")\n", bad[i].pairs, r, err,
				bad[i].err);
			CHECK(0);
		}
		CHECK_EQ(req.cmd, NG_CMD_OFFER);
	}
	/* The command must be a string; the request a dictionary. */
	CHECK_EQ(parse("d7:commandi1ee"), -EINVAL);
	CHECK(!strcmp(err, "No command given"));
	CHECK_EQ(parse("d7:commandl5:offeree"), -EINVAL);
	CHECK_EQ(parse("l7:command4:pinge"), -EINVAL);
	CHECK(!strcmp(err, "Request is not a dictionary"));
	CHECK_EQ(parse("4:ping"), -EINVAL);
	CHECK(!strcmp(err, "Request is not a dictionary"));
	CHECK_EQ(parse("i0e"), -EINVAL);
	err[0] = '\0';
	CHECK_EQ(ng_req_parse(NULL, &req, err, sizeof(err)), -EINVAL);
	CHECK(!strcmp(err, "Request is not a dictionary"));
	/* Types of keys we do not know do not matter. */
	CHECK_EQ(offer_with("8:supportsi1e6:customd1:al1:bee"), 0);
	/* Nor do types of keys that are too long to be ours. */
	CHECK_EQ(offer_with("39:call-id-call-id-call-id-call-id-call-idi1e"), 0);
	/* An error message is cut to the buffer, never past it. */
	{
		char small[6];
		const struct bval *v;

		memset(small, 'x', sizeof(small));
		v = bencode_parse(&doc, "d7:command5:offere", 18, err, sizeof(err));
		CHECK(v);
		CHECK_EQ(ng_req_parse(v, &req, small, sizeof(small)), -EINVAL);
		CHECK(!strcmp(small, "Missi"));
	}
}

/* Values point into the request, so they keep any byte; the received-from pair is kept. */
static void values_verbatim(void)
{
	static const char body[] = "d7:command5:offer7:call-id5:a\xff" "b c8:from-tag3:f;g3:sdp3:v=0"
				   "13:received-froml3:IP611:2001:db8::1ee";
	int r = parse_len(body, sizeof(body) - 1);

	if (r)
		fprintf(stderr, "  %s\n", err);
	CHECK_EQ(r, 0);
	CHECK_EQ(req.call_id.len, 5);
	CHECK_MEM(req.call_id.s, "a\xff" "b c", 5);
	CHECK(req.call_id.s > body && req.call_id.s < body + sizeof(body));
	CHECK(str_is(req.from_tag, "f;g"));
	CHECK(str_is(req.received_from_family, "IP6"));
	CHECK(str_is(req.received_from_addr, "2001:db8::1"));
	/* A later parse starts from a clean slate. */
	CHECK_EQ(req_with("ping", ""), 0);
	CHECK(absent(req.call_id) && absent(req.received_from_addr) && rest_default(&req));
	CHECK(req.warning[0] == '\0');
}

/* A NUL in an identifier is refused up front, naming the key (see check_ids). */
static void ids_with_nul(void)
{
	static const char *const keys[] = { "7:call-id", "8:from-tag", "6:to-tag", "10:via-branch",
					     "5:label" };
	char body[160];

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		int n = snprintf(body, sizeof(body), "d7:command5:query%s3:a_be", keys[i]);
		char *u = memchr(body, '_', (size_t)n);

		*u = '\0';
		if (i)	/* a call-id, so that only the key under test is wrong */
			n = snprintf(body + n - 1, sizeof(body) - (size_t)n + 1, "7:call-id1:xe") + n - 1;
		CHECK_EQ(parse_len(body, (size_t)n), -EINVAL);
		CHECK(strstr(err, "must not contain a NUL byte"));
		CHECK(strstr(err, strchr(keys[i], ':') + 1));
	}
}

/* rtpengine's key spellings with spaces for dashes, in every kind of key. */
static void keys_with_spaces(void)
{
	static const char body[] = "d7:command6:answer7:call id2:c18:from tag2:f16:to tag2:t1"
				   "3:sdp5:v=0\r\n18:transport protocol7:RTP/AVP14:address family3:IP6"
				   "10:via branch2:z98:rtcp muxl5:demuxe13:media address9:192.0.2.1e";
	int r = parse_len(body, sizeof(body) - 1);

	if (r)
		fprintf(stderr, "  %s\n", err);
	CHECK_EQ(r, 0);
	CHECK(str_is(req.call_id, "c1") && str_is(req.from_tag, "f1") && str_is(req.to_tag, "t1"));
	CHECK_EQ(req.proto, NG_PROTO_RTP_AVP);
	CHECK_EQ(req.addr_family, AF_INET6);
	CHECK(str_is(req.via_branch, "z9") && req.rtcp_mux_demux);
	CHECK(str_is(req.media_address, "192.0.2.1"));
	CHECK(req.warning[0] == '\0');
}

static const struct check_case cases[] = {
	CASE(split),
	CASE(capture_file),
	CASE(capture_requests),
	CASE(capture_replies),
	CASE(rtpp_flags_string),
	CASE(flags_list),
	CASE(flag_keys),
	CASE(sdes_masks),
	CASE(unknown_flags_warn),
	CASE(warning_format),
	CASE(missing_fields),
	CASE(wrong_types),
	CASE(values_verbatim),
	CASE(ids_with_nul),
	CASE(keys_with_spaces),
};

CHECK_MAIN("ng_req", cases)
