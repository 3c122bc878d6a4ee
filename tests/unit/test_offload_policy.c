// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The offload policy (daemon/offload/policy.c) on hand-built streams, no kernel: when a
 * stream may go to the kernel, the flow it gets (addresses, expected source, flags for the
 * endpoint-learning rules), and the hand-over of each SSRC's ROC, SEQ and SRTCP index in
 * both directions.
 */
#include "check.h"
#include "packet.h"
#include "policy.h"
#include "relay.h"
#include "srtp_openssl.h"

#include <netinet/in.h>

struct fixture {
	struct call call;
	struct media_side a, b;
	struct msock sa[COMP_COUNT], sb[COMP_COUNT];
};

/* A at 127.0.0.2:5000 on our 10.0.0.1:30000, B at 127.0.0.3:6000 on our 10.0.0.1:30002;
 * A confirmed from its SDP address, B not yet (its SDP address is usable). Plain RTP. */
/* What the cases set of the call's media policy (--endpoint-learning). */
static struct media_policy policy = { .learning = EL_HEURISTIC, .consent_timeout = 30 };

static void setup(struct fixture *f)
{
	memset(f, 0, sizeof(*f));
	f->call.leg[0].call = f->call.leg[1].call = &f->call;
	f->call.policy = &policy;
	memcpy(f->call.id, "pol", 3);
	f->call.id_len = 3;
	f->a.leg = &f->call.leg[0];
	f->b.leg = &f->call.leg[1];
	f->call.leg[0].call = f->call.leg[1].call = &f->call;
	f->a.other = &f->b;
	f->b.other = &f->a;
	f->a.local = f->b.local = check_addr("10.0.0.1", 0);
	f->a.peer[COMP_RTP].sdp = check_addr("127.0.0.2", 5000);
	f->a.peer[COMP_RTCP].sdp = check_addr("127.0.0.2", 5001);
	f->b.peer[COMP_RTP].sdp = check_addr("127.0.0.3", 6000);
	f->b.peer[COMP_RTCP].sdp = check_addr("127.0.0.3", 6001);
	f->a.peer[COMP_RTP].learned = f->a.peer[COMP_RTP].sdp;
	f->a.peer[COMP_RTP].confirmed = true;
	for (int c = 0; c < COMP_COUNT; c++) {
		f->sa[c] = (struct msock){ .fd = 10 + c, .port = (uint16_t)(30000 + c),
					   .comp = (uint8_t)c, .side = &f->a };
		f->sb[c] = (struct msock){ .fd = 20 + c, .port = (uint16_t)(30002 + c),
					   .comp = (uint8_t)c, .side = &f->b };
		f->a.sock[c] = &f->sa[c];
		f->b.sock[c] = &f->sb[c];
	}
}

static bool is(const struct sockaddr_storage *a, const char *ip, unsigned int port)
{
	struct sockaddr_storage b = check_addr(ip, port);

	return addr_equal(a, &b);
}

static void plain_flow(void)
{
	struct fixture f;
	struct kflow k;

	setup(&f);
	CHECK(offload_possible(&f.a));
	CHECK(offload_flow(&f.a, COMP_RTP, 77, &k));
	CHECK(is(&k.local, "10.0.0.1", 30000));
	CHECK(is(&k.source, "10.0.0.1", 30002));
	CHECK(is(&k.peer, "127.0.0.3", 6000));	/* B unconfirmed: its SDP address */
	CHECK(is(&k.expect, "127.0.0.2", 5000));
	CHECK_EQ(k.media, SRTPRELAY_MEDIA_RTP);
	CHECK_EQ(k.flags, 0);
	CHECK(k.has_cookie && k.cookie == 77);
	CHECK(!k.decrypt.present && !k.encrypt.present);
	/* RTCP: only once A's RTCP source is confirmed too. */
	CHECK(!offload_flow(&f.a, COMP_RTCP, 77, &k));
	f.a.peer[COMP_RTCP].learned = f.a.peer[COMP_RTCP].sdp;
	f.a.peer[COMP_RTCP].confirmed = true;
	CHECK(offload_flow(&f.a, COMP_RTCP, 77, &k));
	CHECK(is(&k.local, "10.0.0.1", 30001) && is(&k.peer, "127.0.0.3", 6001));
	CHECK_EQ(k.media, SRTPRELAY_MEDIA_RTCP);
	/* rtcp-mux: one flow for both, from the RTP ports. */
	f.a.rtcp_mux = f.b.rtcp_mux = true;
	CHECK(offload_flow(&f.a, COMP_RTP, 77, &k));
	CHECK_EQ(k.media, SRTPRELAY_MEDIA_MUX);
	/* The cookie is the call-id's, and only its. */
	CHECK(offload_cookie(&f.call) == offload_cookie(&f.call));
	f.call.id[2] = 'x';
	CHECK(offload_cookie(&f.call) != 77 && offload_cookie(&f.call) != 0);
}

/* Each thing that keeps a stream in userspace, alone. */
static void stays_in_userspace(void)
{
	struct fixture f;

	setup(&f);
	f.a.peer[COMP_RTP].confirmed = false;
	CHECK(!offload_possible(&f.a));
	setup(&f);
	f.a.raw = true;
	CHECK(!offload_possible(&f.a));
	setup(&f);
	f.b.rejected = true;
	CHECK(!offload_possible(&f.a));
	setup(&f);
	f.a.secure = true;	/* SRTP in, its key not known yet */
	CHECK(!offload_possible(&f.a));
	setup(&f);
	f.b.secure = true;	/* SRTP out, DTLS still handshaking */
	CHECK(!offload_possible(&f.a));
	setup(&f);
	f.b.n_bundled = 1;	/* B owns a bundle: userspace demultiplexes its port */
	CHECK(!offload_possible(&f.a));
	setup(&f);
	f.b.consent_lost = true;
	CHECK(!offload_possible(&f.a));
	setup(&f);
	f.b.zero_hold = true;	/* B held with c=0.0.0.0: it gets nothing */
	CHECK(!offload_possible(&f.a));
	setup(&f);
	memset(&f.b.peer[COMP_RTP].sdp, 0, sizeof(f.b.peer[COMP_RTP].sdp));	/* no destination */
	CHECK(!offload_possible(&f.a));
	f.b.peer[COMP_RTP].learned = check_addr("127.0.0.3", 6000);
	f.b.peer[COMP_RTP].confirmed = true;
	CHECK(offload_possible(&f.a));
}

/* Endpoint learning in the kernel: a stream relayed for a source other than the SDP address
 * hands packets from elsewhere up (the SDP address may still take it over), unless ICE
 * nominated that source or strict-source holds; with learning off, any port of the SDP IP. */
static void learning_flags(void)
{
	struct fixture f;
	struct kflow k;

	setup(&f);
	f.a.peer[COMP_RTP].learned = check_addr("192.0.2.9", 7000);	/* a NAT */
	CHECK(offload_flow(&f.a, COMP_RTP, 1, &k));
	CHECK(is(&k.expect, "192.0.2.9", 7000));
	CHECK_EQ(k.flags, SRTPRELAY_FLOW_F_SOURCE_PASS);
	f.a.peer[COMP_RTP].by_ice = true;
	CHECK(offload_flow(&f.a, COMP_RTP, 1, &k));
	CHECK_EQ(k.flags, 0);
	f.a.peer[COMP_RTP].by_ice = false;
	f.a.strict_source = true;
	CHECK(offload_flow(&f.a, COMP_RTP, 1, &k));
	CHECK_EQ(k.flags, 0);

	policy.learning = EL_OFF;
	setup(&f);
	CHECK(offload_flow(&f.a, COMP_RTP, 1, &k));
	CHECK(is(&k.expect, "127.0.0.2", 0) && k.flags == 0);
	policy.learning = EL_HEURISTIC;
}

static void key_ctx(struct srtp_ctx *c, struct srtp_policy *pol, struct srtp_stream *st,
		    uint8_t seed)
{
	*pol = (struct srtp_policy){ .suite = SRTP_AES_CM_128_HMAC_SHA1_80 };
	memset(pol->key, seed, sizeof(pol->key));
	memset(pol->salt, seed + 1, sizeof(pol->salt));
	memset(st, 0, sizeof(*st) * CALL_MAX_SSRC);
	srtp_ctx_init(c, &srtp_openssl_ops, pol, st, CALL_MAX_SSRC);
}

/* Where userspace left each SSRC goes into the flow; what the kernel hands back comes in. */
static void handover_state(void)
{
	struct fixture f;
	struct kflow k;
	const struct kflow_ssrc *s;

	setup(&f);
	f.a.secure = f.b.secure = true;
	key_ctx(&f.a.in, &f.a.in_pol, f.a.in_st, 1);
	key_ctx(&f.b.out, &f.b.out_pol, f.b.out_st, 3);
	f.a.in_on = f.b.out_on = true;
	f.a.in_st[0] = (struct srtp_stream){ .ssrc = 0x1234,
		.flags = SRTP_STREAM_USED | SRTP_STREAM_RTP_SEEN | SRTP_STREAM_RTCP_SEEN };
	f.a.in_st[0].rtp.top = (uint64_t)2 << 16 | 65000;	/* ROC 2, SEQ 65000 */
	f.a.in_st[0].rtcp.top = 41;
	f.b.out_st[0] = (struct srtp_stream){ .ssrc = 0x5678, .flags = SRTP_STREAM_USED,
					      .rtcp_tx_index = 100 };
	f.b.out_st[0].rtp.top = (uint64_t)1 << 16 | 7;
	CHECK(offload_possible(&f.a));
	CHECK(offload_flow(&f.a, COMP_RTP, 1, &k));
	CHECK(k.decrypt.present && k.decrypt.suite == SRTP_AES_CM_128_HMAC_SHA1_80);
	CHECK(k.decrypt.key_len == 16 && k.decrypt.key[0] == 1 && k.decrypt.salt[0] == 2);
	CHECK_EQ(k.decrypt.nssrc, 1);
	s = &k.decrypt.ssrc[0];
	CHECK(s->id == 0x1234 && s->roc == 2 && s->seq == 65000 && s->rtcp_index == 41);
	CHECK(s->has == (KFLOW_SSRC_HAS_SEQ | KFLOW_SSRC_HAS_RTCP_INDEX));
	CHECK(k.encrypt.present && k.encrypt.key[0] == 3 && k.encrypt.nssrc == 1);
	s = &k.encrypt.ssrc[0];
	/* Outbound: the ROC, no SEQ seen, and an SRTCP index ahead of the last one sent. */
	CHECK(s->id == 0x5678 && s->roc == 1 && s->has == KFLOW_SSRC_HAS_RTCP_INDEX);
	CHECK(s->rtcp_index > 100);
	kflow_wipe(&k);
	CHECK(k.decrypt.key[0] == 0 && k.encrypt.key[0] == 0);

	/* Handed back: the kernel got to ROC 3, SEQ 10; userspace takes up from there. */
	{
		struct kflow_crypto kc = { .present = true, .nssrc = 1 };

		kc.ssrc[0] = (struct kflow_ssrc){ .id = 0x1234, .roc = 3, .seq = 10,
						  .has = KFLOW_SSRC_HAS_SEQ };
		offload_take_state(&f.a.in, true, &kc, false);
		CHECK(f.a.in_st[0].rtp.top == ((uint64_t)3 << 16 | 10));
		/* Never backwards: an older state does not move it. */
		kc.ssrc[0].roc = 1;
		offload_take_state(&f.a.in, true, &kc, false);
		CHECK(f.a.in_st[0].rtp.top == ((uint64_t)3 << 16 | 10));
	}
	/* A key the kernel cannot use (a key derivation rate) keeps the stream here. */
	f.a.in_pol.flags |= SRTP_POLICY_KDR;
	CHECK(!offload_flow(&f.a, COMP_RTP, 1, &k));
	srtp_ctx_free(&f.a.in);
	srtp_ctx_free(&f.b.out);
}

static const struct check_case cases[] = {
	CASE(plain_flow),
	CASE(stays_in_userspace),
	CASE(learning_flags),
	CASE(handover_state),
};

CHECK_MAIN("offload_policy", cases)
