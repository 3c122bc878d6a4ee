// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * BUNDLE (bundle.c, packet.c) without sockets: a browser's audio and video on one port of
 * the relay, the SIP phone's on two; who joins a bundle; demultiplexing by payload type,
 * then SSRC, RTCP by its sender SSRC; media toward the browser leaving from the one port,
 * each media with its own context; a phone SSRC that would repeat a keystream refused; and
 * ICE consent freshness (RFC 7675).
 */
#include "bundle.h"
#include "session_bundle.h"
#include "check.h"
#include "packet.h"
#include "relay.h"
#include "srtp_openssl.h"

#include <netinet/in.h>

/* Leg 0: the browser, audio (a[0], the owner) and video (a[1]) on port 30000, at
 * 127.0.0.2:5000. Leg 1: the phone, audio 127.0.0.3:6000 and video 127.0.0.3:6002 (RTCP on
 * the next ports), our ports 30010/30012. */
struct fixture {
	struct call call;
	struct media_side a[2], b[2];
	struct msock sa[2], sb[2][COMP_COUNT];
	struct srtp_ctx br_tx, br_rx;	/* the browser's own sender and receiver */
	struct srtp_stream br_tx_st[CALL_MAX_SSRC], br_rx_st[CALL_MAX_SSRC];
};

static void key(struct srtp_ctx *c, struct srtp_stream *st, struct srtp_policy *pol_out,
		uint8_t seed)
{
	struct srtp_policy pol = { .suite = SRTP_AEAD_AES_128_GCM };

	memset(pol.key, seed, sizeof(pol.key));
	memset(pol.salt, seed + 1, sizeof(pol.salt));
	memset(st, 0, sizeof(*st) * CALL_MAX_SSRC);
	srtp_ctx_init(c, &srtp_openssl_ops, &pol, st, CALL_MAX_SSRC);
	if (pol_out)
		*pol_out = pol;
}

static void setup(struct fixture *f)
{
	memset(f, 0, sizeof(*f));
	for (int l = 0; l < 2; l++) {
		f->call.leg[l].call = &f->call;
		f->call.leg[l].n_media = 2;
	}
	f->call.n_legs = 2;
	f->call.policy = &media_policy_default;
	for (int i = 0; i < 2; i++) {
		struct media_side *a = &f->a[i], *b = &f->b[i];

		a->leg = &f->call.leg[0];
		b->leg = &f->call.leg[1];
		f->call.leg[0].media[i] = a;
		f->call.leg[1].media[i] = b;
		a->index = b->index = (unsigned int)i;
		a->other = b;
		b->other = a;
		snprintf(a->mid, sizeof(a->mid), "%d", i);
		a->bundled = true;
		a->rtcp_mux = a->mux_sdp = true;
		a->secure = a->dtls.on = true;
		a->peer[COMP_RTP].sdp = a->peer[COMP_RTCP].sdp = check_addr("127.0.0.2", 5000);
		f->sa[i] = (struct msock){ .fd = 10 + i, .port = (uint16_t)(30000 + 2 * i),
					   .comp = COMP_RTP, .side = a };
		a->sock[COMP_RTP] = &f->sa[i];
		b->peer[COMP_RTP].sdp = check_addr("127.0.0.3", 6000 + 2 * (unsigned int)i);
		b->peer[COMP_RTCP].sdp = check_addr("127.0.0.3", 6001 + 2 * (unsigned int)i);
		for (int c = 0; c < COMP_COUNT; c++) {
			f->sb[i][c] = (struct msock){ .fd = 20 + 2 * i + c,
						      .port = (uint16_t)(30010 + 2 * i + c),
						      .comp = (uint8_t)c, .side = b };
			b->sock[c] = &f->sb[i][c];
		}
	}
	bundle_pt_map(f->a[0].pt_map, "111 0", 5);
	bundle_pt_map(f->a[1].pt_map, "96 97", 5);
	/* One DTLS association's keys for both media (what bundle_key_members does). */
	for (int i = 0; i < 2; i++) {
		key(&f->a[i].in, f->a[i].in_st, &f->a[i].in_pol, 1);
		key(&f->a[i].out, f->a[i].out_st, &f->a[i].out_pol, 7);
		f->a[i].in_on = f->a[i].out_on = true;
	}
	key(&f->br_tx, f->br_tx_st, NULL, 1);
	key(&f->br_rx, f->br_rx_st, NULL, 7);
	bundle_assign(&f->call.leg[0]);
}

static void teardown(struct fixture *f)
{
	for (int i = 0; i < 2; i++) {
		srtp_ctx_free(&f->a[i].in);
		srtp_ctx_free(&f->a[i].out);
	}
	srtp_ctx_free(&f->br_tx);
	srtp_ctx_free(&f->br_rx);
}

static uint32_t rtp(uint8_t *p, uint8_t pt, uint16_t seq, uint32_t ssrc)
{
	memset(p, 0, 112);
	p[0] = 0x80;
	p[1] = pt;
	p[2] = (uint8_t)(seq >> 8);
	p[3] = (uint8_t)seq;
	p[8] = (uint8_t)(ssrc >> 24);
	p[9] = (uint8_t)(ssrc >> 16);
	p[10] = (uint8_t)(ssrc >> 8);
	p[11] = (uint8_t)ssrc;
	for (int i = 12; i < 112; i++)
		p[i] = (uint8_t)(i ^ pt);
	return 112;
}

/* An RTCP receiver report from ssrc, no report blocks. */
static uint32_t rr(uint8_t *p, uint32_t ssrc)
{
	memset(p, 0, 8);
	p[0] = 0x80;
	p[1] = 201;
	p[3] = 1;
	p[4] = (uint8_t)(ssrc >> 24);
	p[5] = (uint8_t)(ssrc >> 16);
	p[6] = (uint8_t)(ssrc >> 8);
	p[7] = (uint8_t)ssrc;
	return 8;
}

/* The browser sends pkt (len) protected on the bundle's one port. */
static int from_browser(struct fixture *f, uint8_t *p, uint32_t len, bool rtcp, double now,
			struct pkt_out *out)
{
	struct sockaddr_storage src = check_addr("127.0.0.2", 5000);

	if (rtcp ? srtp_rtcp_protect(&f->br_tx, p, &len, 256) :
		   srtp_rtp_protect(&f->br_tx, p, &len, 256))
		return 99;
	return packet_process(f->sa[0].side, f->sa[0].comp, &src, p, &len, 256, now, out);
}

static int from_phone(struct fixture *f, int media, uint8_t *p, uint32_t *len, double now,
		      struct pkt_out *out)
{
	struct sockaddr_storage src = check_addr("127.0.0.3", 6000 + 2 * (unsigned int)media);

	return packet_process(f->sb[media][COMP_RTP].side, COMP_RTP, &src, p, len, 256, now, out);
}

static void assign(void)
{
	struct fixture f;

	setup(&f);
	CHECK(f.a[0].bundle == NULL);
	CHECK(f.a[1].bundle == &f.a[0]);
	CHECK_EQ(f.a[0].n_bundled, 1);
	CHECK(side_transport(&f.a[1]) == &f.a[0]);
	CHECK_EQ(f.b[0].n_bundled + f.b[1].n_bundled, 0);	/* the phone bundled nothing */
	/* Without rtcp-mux video cannot share the port; neither can a rejected one. */
	f.a[1].rtcp_mux = false;
	bundle_assign(&f.call.leg[0]);
	CHECK(f.a[1].bundle == NULL);
	CHECK_EQ(f.a[0].n_bundled, 0);
	f.a[1].rtcp_mux = true;
	f.a[1].rejected = true;
	bundle_assign(&f.call.leg[0]);
	CHECK(f.a[1].bundle == NULL);
	/* A rejected first media: the video is the bundle alone. */
	f.a[1].rejected = false;
	f.a[0].rejected = true;
	bundle_assign(&f.call.leg[0]);
	CHECK(f.a[1].bundle == NULL && f.a[0].bundle == NULL);
	CHECK_EQ(f.a[0].n_bundled + f.a[1].n_bundled, 0);
	teardown(&f);
}

static void pt_map(void)
{
	uint8_t m[16];

	bundle_pt_map(m, "111 63 9 0 127", 14);
	CHECK(m[111 / 8] & (1u << (111 % 8)));
	CHECK(m[0] & 1u);
	CHECK(m[127 / 8] & 0x80u);
	CHECK(!(m[96 / 8] & (1u << (96 % 8))));
	/* Not payload types: "webrtc-datachannel", 128, 300, "9x", an overlong number. */
	bundle_pt_map(m, "webrtc-datachannel 128 300 9x 00096", 35);
	for (int i = 0; i < 16; i++)
		CHECK_EQ(m[i], 0);
}

/* Audio and video arrive on one port and go to the phone's two, each unprotected with its
 * own media's context; RTCP follows its sender's SSRC. */
static void demultiplex(void)
{
	struct fixture f;
	struct pkt_out out;
	uint8_t p[256];

	setup(&f);
	CHECK_EQ(from_browser(&f, p, rtp(p, 111, 1, 0xa0), false, 1, &out), 0);
	CHECK(out.sock == &f.sb[0][COMP_RTP]);
	CHECK(addr_equal(&out.to, &f.b[0].peer[COMP_RTP].sdp));
	CHECK_EQ(from_browser(&f, p, rtp(p, 96, 1, 0xb0), false, 1, &out), 0);
	CHECK(out.sock == &f.sb[1][COMP_RTP]);
	CHECK_EQ(p[1], 96);
	CHECK_EQ(f.a[0].stats[COMP_RTP].packets, 1);
	CHECK_EQ(f.a[1].stats[COMP_RTP].packets, 1);
	/* A known SSRC wins over a payload type no medium lists... */
	CHECK_EQ(from_browser(&f, p, rtp(p, 50, 2, 0xb0), false, 1, &out), 0);
	CHECK(out.sock == &f.sb[1][COMP_RTP]);
	/* An unknown payload type from an unknown SSRC: the owner's. */
	CHECK_EQ(from_browser(&f, p, rtp(p, 50, 1, 0xc0), false, 1, &out), 0);
	CHECK(out.sock == &f.sb[0][COMP_RTP]);
	/* RTCP: the video sender's report to the phone's video RTCP port; one from an SSRC
	 * no media sends (Chrome's receive-only 1) to the owner's. */
	CHECK_EQ(from_browser(&f, p, rr(p, 0xb0), true, 1, &out), 0);
	CHECK(out.sock == &f.sb[1][COMP_RTCP]);
	CHECK(addr_equal(&out.to, &f.b[1].peer[COMP_RTCP].sdp));
	CHECK_EQ(from_browser(&f, p, rr(p, 1), true, 1, &out), 0);
	CHECK(out.sock == &f.sb[0][COMP_RTCP]);
	/* The source check is the transport's: the same packets from elsewhere go nowhere. */
	{
		struct sockaddr_storage src = check_addr("127.0.0.9", 5000);
		uint32_t len = rtp(p, 96, 3, 0xb0);

		CHECK_EQ(srtp_rtp_protect(&f.br_tx, p, &len, sizeof(p)), 0);
		CHECK_EQ(packet_process(f.sa[0].side, f.sa[0].comp, &src, p, &len, 256, 1, &out),
			 -1 - DROP_BAD_SOURCE);
	}
	teardown(&f);
}

/* Firefox answering with max-bundle sends before its answer is in: its video SSRC is learned
 * by the audio, alone on the port then. Once bundled, the video's payload type wins over
 * that, and the audio keeps its own stream. */
static void sent_before_the_answer(void)
{
	struct fixture f;
	struct pkt_out out;
	uint8_t p[256];

	setup(&f);
	f.a[1].bundled = false;
	bundle_assign(&f.call.leg[0]);
	CHECK_EQ(f.a[0].n_bundled, 0);
	CHECK_EQ(from_browser(&f, p, rtp(p, 96, 1, 0xb0), false, 1, &out), 0);
	CHECK(out.sock == &f.sb[0][COMP_RTP]);
	f.a[1].bundled = true;
	bundle_assign(&f.call.leg[0]);
	CHECK_EQ(from_browser(&f, p, rtp(p, 96, 2, 0xb0), false, 1, &out), 0);
	CHECK(out.sock == &f.sb[1][COMP_RTP]);
	CHECK_EQ(from_browser(&f, p, rtp(p, 111, 1, 0xa0), false, 1, &out), 0);
	CHECK(out.sock == &f.sb[0][COMP_RTP]);
	teardown(&f);
}

/* The phone's video goes to the browser from the bundle's port, under the video media's
 * context, and the browser opens it. */
static void toward_the_bundle(void)
{
	struct fixture f;
	struct pkt_out out;
	uint8_t p[256], ref[256];
	uint32_t len;

	setup(&f);
	len = rtp(p, 96, 500, 0x5eed);
	memcpy(ref, p, len);
	CHECK_EQ(from_phone(&f, 1, p, &len, 1, &out), 0);
	CHECK(out.sock == &f.sa[0]);
	CHECK(addr_equal(&out.to, &f.a[0].peer[COMP_RTP].sdp));
	CHECK_EQ(srtp_rtp_unprotect(&f.br_rx, p, &len), 0);
	CHECK_EQ(len, 112);
	CHECK_MEM(p, ref, 112);
	CHECK(f.a[1].out_st[0].flags & SRTP_STREAM_USED);
	CHECK(!(f.a[0].out_st[0].flags & SRTP_STREAM_USED));
	/* The phone's audio with the video's SSRC would repeat its keystream: refused. */
	len = rtp(p, 0, 500, 0x5eed);
	CHECK_EQ(from_phone(&f, 0, p, &len, 1, &out), -1 - DROP_SSRC_CLASH);
	CHECK_EQ(f.b[0].stats[COMP_RTP].drops[DROP_SSRC_CLASH], 1);
	len = rtp(p, 0, 500, 0xa0d10);
	CHECK_EQ(from_phone(&f, 0, p, &len, 1, &out), 0);
	CHECK(out.sock == &f.sa[0]);
	teardown(&f);
}

/* RFC 7675: media to an ICE endpoint stops when its checks stop, and resumes with them. */
static void consent(void)
{
	struct fixture f;
	struct pkt_out out;
	uint8_t p[256];
	uint32_t len;

	setup(&f);
	f.a[0].ice.on = true;
	len = rtp(p, 0, 1, 0x77);
	CHECK_EQ(from_phone(&f, 0, p, &len, 100, &out), 0);	/* no check yet: not lapsed */
	f.a[0].ice.last_request = 100;
	len = rtp(p, 96, 1, 0x78);
	CHECK_EQ(from_phone(&f, 1, p, &len, 100 + OPT_CONSENT_TIMEOUT, &out), 0);
	len = rtp(p, 96, 2, 0x78);
	CHECK_EQ(from_phone(&f, 1, p, &len, 101 + OPT_CONSENT_TIMEOUT, &out), -1 - DROP_NO_CONSENT);
	CHECK_EQ(f.b[1].stats[COMP_RTP].drops[DROP_NO_CONSENT], 1);
	CHECK(!packet_consent_ok(&f.a[0], 101 + OPT_CONSENT_TIMEOUT));
	f.a[0].ice.last_request = 130;	/* a check came */
	len = rtp(p, 96, 3, 0x78);
	CHECK_EQ(from_phone(&f, 1, p, &len, 131, &out), 0);
	teardown(&f);
}

static const struct check_case cases[] = {
	CASE(assign),
	CASE(pt_map),
	CASE(demultiplex),
	CASE(sent_before_the_answer),
	CASE(toward_the_bundle),
	CASE(consent),
};
CHECK_MAIN("bundle", cases)
