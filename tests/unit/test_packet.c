// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The userspace relay's per-packet decisions (packet.c) without sockets: forwarding both
 * ways, endpoint learning and the RTP-bleed defence, strict-source, SRTP<->RTP bridging
 * with authentication failures and replays counted, rtcp-mux to separate ports, and the
 * STUN/DTLS hand-off.
 */
#include "check.h"
#include "packet.h"
#include "relay.h"
#include "srtp_openssl.h"

#include <netinet/in.h>

struct fixture {
	struct call call;
	struct media_side a, b;
	struct msock sa[COMP_COUNT], sb[COMP_COUNT];
};

/* A at 127.0.0.2:5000 (rtcp 5001), B at 127.0.0.3:6000 (rtcp 6001), plain RTP. */
/* What the cases set of the call's media policy (--endpoint-learning). */
static struct media_policy policy = { .learning = EL_HEURISTIC, .consent_timeout = 30 };

static void setup(struct fixture *f)
{
	memset(f, 0, sizeof(*f));
	f->call.leg[0].call = f->call.leg[1].call = &f->call;
	f->call.policy = &policy;
	f->a.leg = &f->call.leg[0];
	f->b.leg = &f->call.leg[1];
	f->a.other = &f->b;
	f->b.other = &f->a;
	f->a.peer[COMP_RTP].sdp = check_addr("127.0.0.2", 5000);
	f->a.peer[COMP_RTCP].sdp = check_addr("127.0.0.2", 5001);
	f->b.peer[COMP_RTP].sdp = check_addr("127.0.0.3", 6000);
	f->b.peer[COMP_RTCP].sdp = check_addr("127.0.0.3", 6001);
	for (int c = 0; c < COMP_COUNT; c++) {
		f->sa[c] = (struct msock){ .fd = 10 + c, .port = (uint16_t)(30000 + c),
					   .comp = (uint8_t)c, .side = &f->a };
		f->sb[c] = (struct msock){ .fd = 20 + c, .port = (uint16_t)(30002 + c),
					   .comp = (uint8_t)c, .side = &f->b };
		f->a.sock[c] = &f->sa[c];
		f->b.sock[c] = &f->sb[c];
	}
}

static uint32_t rtp(uint8_t *p, uint16_t seq, uint32_t ssrc)
{
	memset(p, 0, 172);
	p[0] = 0x80;
	p[1] = 0;
	p[2] = (uint8_t)(seq >> 8);
	p[3] = (uint8_t)seq;
	p[8] = (uint8_t)(ssrc >> 24);
	p[9] = (uint8_t)(ssrc >> 16);
	p[10] = (uint8_t)(ssrc >> 8);
	p[11] = (uint8_t)ssrc;
	for (int i = 12; i < 172; i++)
		p[i] = (uint8_t)(i + seq);
	return 172;
}

static int feed(struct msock *s, struct sockaddr_storage src, uint8_t *p, uint32_t *len,
		double now, struct pkt_out *out)
{
	return packet_process(s->side, s->comp, &src, p, len, 256, now, out);
}

static void rtp_both_ways(void)
{
	struct fixture f;
	struct pkt_out out;
	uint8_t p[256];
	uint32_t len = rtp(p, 1, 0x1234);

	setup(&f);
	CHECK_EQ(feed(&f.sa[COMP_RTP], check_addr("127.0.0.2", 5000), p, &len, 1, &out), 0);
	CHECK(out.sock == &f.sb[COMP_RTP]);
	CHECK(addr_equal(&out.to, &f.b.peer[COMP_RTP].sdp));
	CHECK_EQ(len, 172);
	CHECK(f.a.peer[COMP_RTP].confirmed);
	len = rtp(p, 1, 0x5678);
	CHECK_EQ(feed(&f.sb[COMP_RTP], check_addr("127.0.0.3", 6000), p, &len, 1, &out), 0);
	CHECK(out.sock == &f.sa[COMP_RTP]);
	CHECK(addr_equal(&out.to, &f.a.peer[COMP_RTP].sdp));
	CHECK_EQ(f.a.stats[COMP_RTP].packets, 1);
	CHECK_EQ(f.a.stats[COMP_RTP].bytes, 172);
	CHECK_EQ(f.a.last_ssrc, 0x1234);
}

/* Once an endpoint is confirmed, nobody else can steer its stream. */
static void rtp_bleed_refused(void)
{
	struct fixture f;
	struct pkt_out out;
	uint8_t p[256];
	uint32_t len = rtp(p, 1, 1);

	setup(&f);
	CHECK_EQ(feed(&f.sa[COMP_RTP], check_addr("127.0.0.2", 5000), p, &len, 1, &out), 0);
	len = rtp(p, 2, 1);
	CHECK_EQ(feed(&f.sa[COMP_RTP], check_addr("127.0.0.66", 4444), p, &len, 2, &out),
		 -1 - DROP_BAD_SOURCE);
	CHECK_EQ(f.a.stats[COMP_RTP].drops[DROP_BAD_SOURCE], 1);
	/* Media to A still goes to A, not to the stranger. */
	len = rtp(p, 1, 2);
	CHECK_EQ(feed(&f.sb[COMP_RTP], check_addr("127.0.0.3", 6000), p, &len, 3, &out), 0);
	CHECK(addr_equal(&out.to, &f.a.peer[COMP_RTP].sdp));
	/* Even much later. */
	len = rtp(p, 3, 1);
	CHECK_EQ(feed(&f.sa[COMP_RTP], check_addr("127.0.0.66", 4444), p, &len, 100, &out),
		 -1 - DROP_BAD_SOURCE);
}

/* Where B's next packet for A goes. */
static struct sockaddr_storage to_a(struct fixture *f, double now)
{
	struct pkt_out out;
	uint8_t p[256];
	uint32_t len = rtp(p, 1, 9);

	memset(&out, 0, sizeof(out));
	if (feed(&f->sb[COMP_RTP], check_addr("127.0.0.3", 6000), p, &len, now, &out))
		memset(&out.to, 0, sizeof(out.to));
	return out.to;
}

static int from_a(struct fixture *f, const char *ip, unsigned int port, double now)
{
	struct pkt_out out;
	uint8_t p[256];
	uint32_t len = rtp(p, (uint16_t)(now * 50), 1);

	return feed(&f->sa[COMP_RTP], check_addr(ip, port), p, &len, now, &out);
}

static bool is(struct sockaddr_storage a, const char *ip, unsigned int port)
{
	struct sockaddr_storage b = check_addr(ip, port);

	return addr_equal(&a, &b);
}

/* Behind a NAT the source differs from SDP: media goes to the SDP address until the window
 * passed with the SDP address silent, then to the NAT address. */
static void learning_behind_nat(void)
{
	struct fixture f;

	for (unsigned int mode = EL_DELAYED; mode <= EL_HEURISTIC; mode += EL_HEURISTIC) {
		policy.learning = mode;
		setup(&f);
		CHECK_EQ(from_a(&f, "10.9.9.9", 7000, 1), 0);
		CHECK(!f.a.peer[COMP_RTP].confirmed);
		CHECK(is(to_a(&f, 1.1), "127.0.0.2", 5000));
		/* A second stranger inside the window is refused. */
		CHECK_EQ(from_a(&f, "10.8.8.8", 7000, 1.5), -1 - DROP_BAD_SOURCE);
		CHECK(is(to_a(&f, 2), "127.0.0.2", 5000));
		CHECK_EQ(from_a(&f, "10.9.9.9", 7000, 1 + LEARN_WINDOW), 0);
		CHECK(f.a.peer[COMP_RTP].confirmed);
		CHECK(is(to_a(&f, 4.1), "10.9.9.9", 7000));
		CHECK_EQ(from_a(&f, "10.8.8.8", 7000, 5), -1 - DROP_BAD_SOURCE);
	}
	policy.learning = EL_HEURISTIC;
}

/* A stranger who speaks first and long: it is confirmed only after the window, and the real
 * endpoint (SDP address and port) takes the stream back with its first packet. */
static void stranger_first(void)
{
	struct fixture f;

	setup(&f);
	for (double t = 1; t < 5; t += 0.5)
		CHECK_EQ(from_a(&f, "127.0.0.66", 4444, t), 0);
	CHECK(f.a.peer[COMP_RTP].confirmed);
	CHECK(is(to_a(&f, 5), "127.0.0.66", 4444));
	CHECK(packet_sdp_may_take_over(&f.a, COMP_RTP));
	CHECK_EQ(from_a(&f, "127.0.0.2", 5000, 5.1), 0);
	CHECK(is(to_a(&f, 5.2), "127.0.0.2", 5000));
	CHECK(!packet_sdp_may_take_over(&f.a, COMP_RTP));
	CHECK_EQ(from_a(&f, "127.0.0.66", 4444, 5.3), -1 - DROP_BAD_SOURCE);
	CHECK_EQ(from_a(&f, "127.0.0.66", 4444, 60), -1 - DROP_BAD_SOURCE);
	CHECK(is(to_a(&f, 60), "127.0.0.2", 5000));

	/* A stranger inside the window never gets media: it goes to the SDP address, and the
	 * endpoint's first packet confirms it. */
	setup(&f);
	CHECK_EQ(from_a(&f, "127.0.0.66", 4444, 1), 0);
	CHECK(is(to_a(&f, 1.5), "127.0.0.2", 5000));
	CHECK_EQ(from_a(&f, "127.0.0.2", 5000, 2), 0);
	CHECK(f.a.peer[COMP_RTP].confirmed);
	CHECK_EQ(from_a(&f, "127.0.0.66", 4444, 2 + LEARN_WINDOW), -1 - DROP_BAD_SOURCE);

	/* A nomination by ICE is final against the SDP address. */
	setup(&f);
	f.a.peer[COMP_RTP].learned = check_addr("127.0.0.77", 7777);
	f.a.peer[COMP_RTP].confirmed = f.a.peer[COMP_RTP].by_ice = true;
	CHECK(!packet_sdp_may_take_over(&f.a, COMP_RTP));
	CHECK_EQ(from_a(&f, "127.0.0.2", 5000, 1), -1 - DROP_BAD_SOURCE);
	CHECK(is(to_a(&f, 1), "127.0.0.77", 7777));
}

/* heuristic: in the window, the SDP address on another port beats another address. */
static void learning_heuristic(void)
{
	struct fixture f;

	setup(&f);
	CHECK_EQ(from_a(&f, "10.9.9.9", 7000, 1), 0);
	CHECK_EQ(from_a(&f, "127.0.0.2", 5900, 1.5), 0);
	CHECK_EQ(from_a(&f, "10.9.9.9", 7000, 1.6), -1 - DROP_BAD_SOURCE);
	CHECK_EQ(from_a(&f, "10.9.9.9", 7000, 4.5), -1 - DROP_BAD_SOURCE);
	CHECK_EQ(from_a(&f, "127.0.0.2", 5900, 4.5), 0);
	CHECK(f.a.peer[COMP_RTP].confirmed);
	CHECK(is(to_a(&f, 4.6), "127.0.0.2", 5900));

	/* delayed keeps the first one. */
	policy.learning = EL_DELAYED;
	setup(&f);
	CHECK_EQ(from_a(&f, "10.9.9.9", 7000, 1), 0);
	CHECK_EQ(from_a(&f, "127.0.0.2", 5900, 1.5), -1 - DROP_BAD_SOURCE);
	CHECK_EQ(from_a(&f, "10.9.9.9", 7000, 4.5), 0);
	CHECK(is(to_a(&f, 4.6), "10.9.9.9", 7000));
	policy.learning = EL_HEURISTIC;
}

/* immediate: the first source at once; off: the SDP address only, any of its ports in. */
static void learning_immediate_off(void)
{
	struct fixture f;

	policy.learning = EL_IMMEDIATE;
	setup(&f);
	CHECK_EQ(from_a(&f, "10.9.9.9", 7000, 1), 0);
	CHECK(f.a.peer[COMP_RTP].confirmed);
	CHECK(is(to_a(&f, 1.1), "10.9.9.9", 7000));
	CHECK_EQ(from_a(&f, "10.8.8.8", 7000, 1.2), -1 - DROP_BAD_SOURCE);
	CHECK_EQ(from_a(&f, "127.0.0.2", 5000, 1.3), 0);	/* the SDP address still wins */
	CHECK(is(to_a(&f, 1.4), "127.0.0.2", 5000));

	policy.learning = EL_OFF;
	setup(&f);
	CHECK_EQ(from_a(&f, "10.9.9.9", 7000, 1), -1 - DROP_BAD_SOURCE);
	CHECK_EQ(from_a(&f, "10.9.9.9", 7000, 10), -1 - DROP_BAD_SOURCE);
	CHECK_EQ(from_a(&f, "127.0.0.2", 5900, 11), 0);	/* asymmetric: another port */
	CHECK(is(to_a(&f, 11), "127.0.0.2", 5000));
	CHECK_EQ(from_a(&f, "127.0.0.2", 5000, 12), 0);
	CHECK(!packet_sdp_may_take_over(&f.a, COMP_RTP));
	policy.learning = EL_HEURISTIC;
}

static void strict_source(void)
{
	struct fixture f;
	struct pkt_out out;
	uint8_t p[256];
	uint32_t len = rtp(p, 1, 1);

	setup(&f);
	f.a.strict_source = true;
	CHECK_EQ(feed(&f.sa[COMP_RTP], check_addr("10.9.9.9", 7000), p, &len, 1, &out),
		 -1 - DROP_BAD_SOURCE);
	len = rtp(p, 2, 1);
	CHECK_EQ(feed(&f.sa[COMP_RTP], check_addr("127.0.0.2", 5000), p, &len, 1, &out), 0);
}

static void set_ctx(struct srtp_ctx *c, struct srtp_stream *st, unsigned int suite,
		    uint8_t seed)
{
	struct srtp_policy pol = { .suite = (uint8_t)suite };

	memset(pol.key, seed, sizeof(pol.key));
	memset(pol.salt, seed + 1, sizeof(pol.salt));
	memset(st, 0, sizeof(*st) * CALL_MAX_SSRC);
	srtp_ctx_init(c, &srtp_openssl_ops, &pol, st, CALL_MAX_SSRC);
}

/* A speaks SRTP (AES_CM_128_80), B plain RTP; then B speaks GCM. */
static void srtp_bridging(void)
{
	struct fixture f;
	struct pkt_out out;
	struct srtp_ctx ep, ep_rx;
	struct srtp_stream st[CALL_MAX_SSRC], st_rx[CALL_MAX_SSRC];
	uint8_t p[256], ref[256];
	uint32_t len = rtp(p, 65535, 7);

	setup(&f);
	set_ctx(&f.a.in, f.a.in_st, SRTP_AES_CM_128_HMAC_SHA1_80, 1);
	f.a.in_on = true;
	set_ctx(&ep, st, SRTP_AES_CM_128_HMAC_SHA1_80, 1);	/* A's own sender */
	memcpy(ref, p, len);
	CHECK_EQ(srtp_rtp_protect(&ep, p, &len, sizeof(p)), 0);
	CHECK_EQ(len, 182);
	CHECK_EQ(feed(&f.sa[COMP_RTP], check_addr("127.0.0.2", 5000), p, &len, 1, &out), 0);
	CHECK_EQ(len, 172);
	CHECK_MEM(p, ref, 172);

	/* A forged packet from elsewhere fails authentication and teaches nothing. */
	setup(&f);
	set_ctx(&f.a.in, f.a.in_st, SRTP_AES_CM_128_HMAC_SHA1_80, 1);
	f.a.in_on = true;
	len = rtp(p, 1, 7);
	len += 10;
	CHECK_EQ(feed(&f.sa[COMP_RTP], check_addr("10.6.6.6", 1), p, &len, 1, &out), -1 - DROP_AUTH);
	CHECK_EQ(f.a.stats[COMP_RTP].drops[DROP_AUTH], 1);
	CHECK_EQ(f.a.peer[COMP_RTP].learned.ss_family, 0);
	/* The genuine packet, replayed, is counted as a replay. */
	srtp_ctx_free(&ep);
	set_ctx(&ep, st, SRTP_AES_CM_128_HMAC_SHA1_80, 1);
	len = rtp(p, 2, 7);
	CHECK_EQ(srtp_rtp_protect(&ep, p, &len, sizeof(p)), 0);
	memcpy(ref, p, len);
	CHECK_EQ(feed(&f.sa[COMP_RTP], check_addr("10.6.6.6", 1), p, &len, 1, &out), 0);
	len = 182;
	memcpy(p, ref, len);
	CHECK_EQ(feed(&f.sa[COMP_RTP], check_addr("10.6.6.6", 1), p, &len, 1, &out), -1 - DROP_REPLAY);
	CHECK_EQ(f.a.stats[COMP_RTP].drops[DROP_REPLAY], 1);

	/* Plain from B, protected with GCM towards A; A's receiver opens it. */
	set_ctx(&f.a.out, f.a.out_st, SRTP_AEAD_AES_256_GCM, 5);
	f.a.out_on = true;
	set_ctx(&ep_rx, st_rx, SRTP_AEAD_AES_256_GCM, 5);
	len = rtp(p, 100, 9);
	memcpy(ref, p, len);
	CHECK_EQ(feed(&f.sb[COMP_RTP], check_addr("127.0.0.3", 6000), p, &len, 1, &out), 0);
	CHECK_EQ(len, 188);
	CHECK(out.sock == &f.sa[COMP_RTP]);
	CHECK_EQ(srtp_rtp_unprotect(&ep_rx, p, &len), 0);
	CHECK_MEM(p, ref, 172);
	srtp_ctx_free(&ep);
	srtp_ctx_free(&ep_rx);
	srtp_ctx_free(&f.a.in);
	srtp_ctx_free(&f.a.out);
}

/* A muxes RTP and RTCP on one port; B does not: RTCP goes to B's RTCP port. */
static void rtcp_mux_to_separate(void)
{
	struct fixture f;
	struct pkt_out out;
	uint8_t p[256] = { 0x81, 200, 0, 6 };	/* an SR, 28 octets */
	uint32_t len = 28;

	setup(&f);
	f.a.rtcp_mux = true;
	f.a.sock[COMP_RTCP] = NULL;
	CHECK_EQ(feed(&f.sa[COMP_RTP], check_addr("127.0.0.2", 5000), p, &len, 1, &out), 0);
	CHECK(out.sock == &f.sb[COMP_RTCP]);
	CHECK(addr_equal(&out.to, &f.b.peer[COMP_RTCP].sdp));
	CHECK_EQ(out.comp, COMP_RTCP);
	CHECK_EQ(f.a.stats[COMP_RTCP].packets, 1);
	/* And back: B's RTCP goes to A's one port. */
	len = 28;
	CHECK_EQ(feed(&f.sb[COMP_RTCP], check_addr("127.0.0.3", 6001), p, &len, 1, &out), 0);
	CHECK(out.sock == &f.sa[COMP_RTP]);
	CHECK(addr_equal(&out.to, &f.a.peer[COMP_RTP].sdp));
}

static void stun_dtls_and_junk(void)
{
	struct fixture f;
	struct pkt_out out;
	uint8_t stun[20] = { 0x00, 0x01, 0, 0, 0x21, 0x12, 0xa4, 0x42 };
	uint8_t dtls[13] = { 22, 0xfe, 0xfd };
	uint8_t junk[4] = { 0x40, 1, 2, 3 };
	uint32_t len = sizeof(stun);

	setup(&f);
	CHECK_EQ(feed(&f.sa[COMP_RTP], check_addr("127.0.0.2", 5000), stun, &len, 1, &out), PKT_STUN);
	len = sizeof(dtls);
	CHECK_EQ(feed(&f.sa[COMP_RTP], check_addr("127.0.0.2", 5000), dtls, &len, 1, &out), PKT_DTLS);
	len = sizeof(junk);
	CHECK_EQ(feed(&f.sa[COMP_RTP], check_addr("127.0.0.2", 5000), junk, &len, 1, &out),
		 -1 - DROP_OTHER);
}

/* The other side speaks SRTP but has no key yet (DTLS is still handshaking, found by a real
 * browser): its media is dropped and counted, never sent in clear. */
static void no_clear_media_to_srtp_side_without_key(void)
{
	struct fixture f;
	struct pkt_out out;
	uint8_t p[256];
	uint32_t len = rtp(p, 1, 1);

	setup(&f);
	f.b.secure = true;	/* B: SAVPF, keys from a handshake not finished */
	CHECK_EQ(feed(&f.sa[COMP_RTP], check_addr("127.0.0.2", 5000), p, &len, 1, &out),
		 -1 - DROP_CRYPTO);
	CHECK_EQ(f.a.stats[COMP_RTP].drops[DROP_CRYPTO], 1);
}

static void no_destination_yet(void)
{
	struct fixture f;
	struct pkt_out out;
	uint8_t p[256];
	uint32_t len = rtp(p, 1, 1);

	setup(&f);
	memset(&f.b.peer, 0, sizeof(f.b.peer));	/* no answer yet */
	CHECK_EQ(feed(&f.sa[COMP_RTP], check_addr("127.0.0.2", 5000), p, &len, 1, &out),
		 -1 - DROP_NO_DEST);
	CHECK_EQ(f.a.stats[COMP_RTP].drops[DROP_NO_DEST], 1);
}

static const struct check_case cases[] = {
	CASE(rtp_both_ways),
	CASE(rtp_bleed_refused),
	CASE(learning_behind_nat),
	CASE(stranger_first),
	CASE(learning_heuristic),
	CASE(learning_immediate_off),
	CASE(strict_source),
	CASE(srtp_bridging),
	CASE(rtcp_mux_to_separate),
	CASE(stun_dtls_and_junk),
	CASE(no_destination_yet),
	CASE(no_clear_media_to_srtp_side_without_key),
};
CHECK_MAIN("packet", cases)
