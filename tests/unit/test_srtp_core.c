// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The SRTP core's behaviour beyond the vectors: what it refuses (tampered, replayed, too old,
 * truncated, malformed packets, a wrong MKI, a full stream table, bad policies), ROC and
 * window edge cases, a non-zero key derivation rate checked against an independent
 * computation, and the prepare/crypt/finish split the kernel uses.
 */
#include "check.h"
#include "srtp.h"
#include "srtp_openssl.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

static const struct srtp_ops *ops = &srtp_openssl_ops;

struct pair {
	struct srtp_ctx tx, rx;
	struct srtp_stream txs[2], rxs[2];
};

static const uint8_t KEY[32] = "0123456789abcdef0123456789abcde";
static const uint8_t SALT[14] = "saltsaltsalt!";

static int pair_init(struct pair *p, unsigned int suite, uint8_t flags, uint8_t kdr_log2)
{
	struct srtp_policy pol = { .suite = (uint8_t)suite, .flags = flags, .kdr_log2 = kdr_log2 };

	memset(p, 0, sizeof(*p));
	memcpy(pol.key, KEY, sizeof(KEY));
	memcpy(pol.salt, SALT, sizeof(SALT));
	if (srtp_ctx_init(&p->tx, ops, &pol, p->txs, 2))
		return -1;
	return srtp_ctx_init(&p->rx, ops, &pol, p->rxs, 2);
}

static void pair_free(struct pair *p)
{
	srtp_ctx_free(&p->tx);
	srtp_ctx_free(&p->rx);
}

static uint32_t rtp(uint8_t *b, uint16_t seq, uint32_t ssrc, uint32_t payload)
{
	memset(b, 0, 12 + payload);
	b[0] = 0x80;
	b[1] = 0;
	b[2] = (uint8_t)(seq >> 8);
	b[3] = (uint8_t)seq;
	srtp_put_be32(b + 8, ssrc);
	for (uint32_t i = 0; i < payload; i++)
		b[12 + i] = (uint8_t)(i * 7 + seq);
	return 12 + payload;
}

static uint32_t rtcp(uint8_t *b, uint32_t ssrc)
{
	memset(b, 0, 28);
	b[0] = 0x80;
	b[1] = 200;
	b[3] = 6;
	srtp_put_be32(b + 4, ssrc);
	return 28;
}

static const unsigned int every_suite[] = {
	SRTP_AES_CM_128_HMAC_SHA1_80, SRTP_AES_CM_128_HMAC_SHA1_32, SRTP_AES_192_CM_HMAC_SHA1_80,
	SRTP_AES_192_CM_HMAC_SHA1_32, SRTP_AES_256_CM_HMAC_SHA1_80, SRTP_AES_256_CM_HMAC_SHA1_32,
	SRTP_AEAD_AES_128_GCM, SRTP_AEAD_AES_256_GCM, SRTP_NULL_HMAC_SHA1_80,
	SRTP_NULL_HMAC_SHA1_32,
};

/* Flipping any single bit of a protected packet makes it fail, and leaves it as it was. */
static void tampered_packets_fail_auth(void)
{
	for (size_t s = 0; s < sizeof(every_suite) / sizeof(every_suite[0]); s++) {
		for (int is_rtcp = 0; is_rtcp < 2; is_rtcp++) {
			struct pair p;
			uint8_t b[256], orig[256];
			uint32_t len, plen;

			CHECK(pair_init(&p, every_suite[s], 0, 0) == 0);
			plen = is_rtcp ? rtcp(b, 77) : rtp(b, 1000, 77, 60);
			len = plen;
			CHECK_EQ((is_rtcp ? srtp_rtcp_protect : srtp_rtp_protect)(&p.tx, b, &len,
									      sizeof(b)), 0);
			memcpy(orig, b, len);
			for (uint32_t bit = 0; bit < len * 8; bit += 3) {
				uint32_t l = len;
				int ret;

				/* The SRTCP E bit and the first octet's version are parsed
				 * before authentication; the rest must fail authentication. */
				b[bit / 8] ^= (uint8_t)(1 << (bit % 8));
				ret = (is_rtcp ? srtp_rtcp_unprotect : srtp_rtp_unprotect)(&p.rx, b, &l);
				if (ret != -SRTP_ERR_AUTH && ret != -SRTP_ERR_MALFORMED &&
				    ret != -SRTP_ERR_TRUNCATED) {
					fprintf(stderr, "  %s rtcp=%d bit %u: %d\n",
						srtp_suite_get(every_suite[s])->name, is_rtcp, bit, ret);
					CHECK(0);
				}
				b[bit / 8] ^= (uint8_t)(1 << (bit % 8));
				CHECK_MEM(b, orig, len);
			}
			/* and the untouched packet still goes through */
			CHECK_EQ((is_rtcp ? srtp_rtcp_unprotect : srtp_rtp_unprotect)(&p.rx, b, &len), 0);
			CHECK_EQ(len, plen);
			pair_free(&p);
		}
	}
}

static void replayed_packets_rejected(void)
{
	struct pair p;
	uint8_t b[128], copy[128];
	uint32_t len, clen;

	CHECK(pair_init(&p, SRTP_AES_CM_128_HMAC_SHA1_80, 0, 0) == 0);
	len = rtp(b, 5, 9, 20);
	CHECK_EQ(srtp_rtp_protect(&p.tx, b, &len, sizeof(b)), 0);
	memcpy(copy, b, len);
	clen = len;
	CHECK_EQ(srtp_rtp_unprotect(&p.rx, b, &len), 0);
	CHECK_EQ(srtp_rtp_unprotect(&p.rx, copy, &clen), -SRTP_ERR_REPLAY);

	len = rtcp(b, 9);
	CHECK_EQ(srtp_rtcp_protect(&p.tx, b, &len, sizeof(b)), 0);
	memcpy(copy, b, len);
	clen = len;
	CHECK_EQ(srtp_rtcp_unprotect(&p.rx, b, &len), 0);
	CHECK_EQ(srtp_rtcp_unprotect(&p.rx, copy, &clen), -SRTP_ERR_REPLAY);
	CHECK_EQ(p.rx.drops[SRTP_ERR_REPLAY], 2);	/* refusals are counted, by reason */
	CHECK_EQ(p.rx.drops[SRTP_ERR_AUTH], 0);
	pair_free(&p);
}

/* A packet older than the window is refused before decryption; newer ones still pass. */
static void too_old_packets_rejected(void)
{
	struct pair p;
	uint8_t old[128], b[128];
	uint32_t olen, len;

	CHECK(pair_init(&p, SRTP_AEAD_AES_128_GCM, 0, 0) == 0);
	olen = rtp(old, 100, 9, 20);
	CHECK_EQ(srtp_rtp_protect(&p.tx, old, &olen, sizeof(old)), 0);
	for (uint16_t seq = 101; seq <= 100 + SRTP_REPLAY_WINDOW; seq++) {
		len = rtp(b, seq, 9, 20);
		CHECK_EQ(srtp_rtp_protect(&p.tx, b, &len, sizeof(b)), 0);
		CHECK_EQ(srtp_rtp_unprotect(&p.rx, b, &len), 0);
	}
	CHECK_EQ(srtp_rtp_unprotect(&p.rx, old, &olen), -SRTP_ERR_REPLAY_OLD);
	pair_free(&p);
}

/* Every truncation of a valid packet is an error, never a read past the end (ASan run too). */
static void truncated_packets_rejected(void)
{
	for (size_t s = 0; s < sizeof(every_suite) / sizeof(every_suite[0]); s++) {
		struct pair p;
		uint8_t b[128], *heap;
		uint32_t len;

		CHECK(pair_init(&p, every_suite[s], 0, 0) == 0);
		len = rtp(b, 1, 2, 4);
		CHECK_EQ(srtp_rtp_protect(&p.tx, b, &len, sizeof(b)), 0);
		for (uint32_t cut = 0; cut < len; cut++) {
			uint32_t l = cut;

			heap = malloc(cut ? cut : 1);	/* exact size, so overreads are caught */
			memcpy(heap, b, cut);
			CHECK(srtp_rtp_unprotect(&p.rx, heap, &l) < 0);
			free(heap);
		}
		len = rtcp(b, 2);
		CHECK_EQ(srtp_rtcp_protect(&p.tx, b, &len, sizeof(b)), 0);
		for (uint32_t cut = 0; cut < len; cut++) {
			uint32_t l = cut;

			heap = malloc(cut ? cut : 1);
			memcpy(heap, b, cut);
			CHECK(srtp_rtcp_unprotect(&p.rx, heap, &l) < 0);
			free(heap);
		}
		pair_free(&p);
	}
}

static void rtp_parse_errors(void)
{
	struct srtp_rtp_hdr h;
	uint8_t b[64] = { 0x80 };

	CHECK_EQ(srtp_rtp_parse(b, 11, &h), -SRTP_ERR_TRUNCATED);
	CHECK_EQ(srtp_rtp_parse(b, 12, &h), 0);
	CHECK_EQ(h.hdr_len, 12);
	b[0] = 0x40;
	CHECK_EQ(srtp_rtp_parse(b, 12, &h), -SRTP_ERR_MALFORMED);
	b[0] = 0x8f;	/* 15 CSRCs need 72 octets */
	CHECK_EQ(srtp_rtp_parse(b, 64, &h), -SRTP_ERR_TRUNCATED);
	b[0] = 0x91;	/* one CSRC and an extension header */
	CHECK_EQ(srtp_rtp_parse(b, 16, &h), -SRTP_ERR_TRUNCATED);
	b[18] = 0;
	b[19] = 2;	/* two extension words */
	CHECK_EQ(srtp_rtp_parse(b, 27, &h), -SRTP_ERR_TRUNCATED);
	CHECK_EQ(srtp_rtp_parse(b, 28, &h), 0);
	CHECK_EQ(h.hdr_len, 28);
	/* padding: the count must be non-zero and fit after the header */
	b[0] = 0xa0;
	b[15] = 4;
	CHECK_EQ(srtp_rtp_check_padding(b, 16, 12), 0);
	b[15] = 5;
	CHECK_EQ(srtp_rtp_check_padding(b, 16, 12), -SRTP_ERR_MALFORMED);
	b[15] = 0;
	CHECK_EQ(srtp_rtp_check_padding(b, 16, 12), -SRTP_ERR_MALFORMED);
	CHECK_EQ(srtp_rtp_check_padding(b, 12, 12), -SRTP_ERR_MALFORMED);
}

static void rtcp_compound_parse(void)
{
	uint8_t b[64] = { 0 };

	/* SR (7 words) + SDES (3 words) */
	b[0] = 0x80, b[1] = 200, b[3] = 6;
	b[28] = 0x81, b[29] = 202, b[31] = 2;
	CHECK_EQ(srtp_rtcp_check_compound(b, 40), 0);
	CHECK_EQ(srtp_rtcp_check_compound(b, 39), -SRTP_ERR_TRUNCATED);
	CHECK_EQ(srtp_rtcp_check_compound(b, 44), -SRTP_ERR_MALFORMED);	/* a version 0 part */
	CHECK_EQ(srtp_rtcp_check_compound(b, 42), -SRTP_ERR_TRUNCATED);
	CHECK_EQ(srtp_rtcp_check_compound(b, 7), -SRTP_ERR_TRUNCATED);
	b[29] = 100;	/* not an RTCP type */
	CHECK_EQ(srtp_rtcp_check_compound(b, 40), -SRTP_ERR_MALFORMED);
	b[29] = 202;
	b[0] = 0xa0;	/* padding in a packet that is not the last */
	CHECK_EQ(srtp_rtcp_check_compound(b, 40), -SRTP_ERR_MALFORMED);
	b[0] = 0x80;
	b[28] = 0xa1, b[39] = 4;	/* padding in the last one */
	CHECK_EQ(srtp_rtcp_check_compound(b, 40), 0);
	b[39] = 9;
	CHECK_EQ(srtp_rtcp_check_compound(b, 40), -SRTP_ERR_MALFORMED);
	CHECK_EQ(srtp_rtcp_check_header(b, 8), 0);
	b[1] = 96;
	CHECK_EQ(srtp_rtcp_check_header(b, 8), -SRTP_ERR_MALFORMED);
}

static void wrong_mki_rejected(void)
{
	struct srtp_policy pol = { .suite = SRTP_AES_CM_128_HMAC_SHA1_80, .mki_len = 2,
				   .mki = { 1, 2 } };
	struct srtp_stream s1[1] = { 0 }, s2[1] = { 0 };
	struct srtp_ctx tx, rx;
	uint8_t b[128];
	uint32_t len;

	CHECK_EQ(srtp_ctx_init(&tx, ops, &pol, s1, 1), 0);
	pol.mki[1] = 3;
	CHECK_EQ(srtp_ctx_init(&rx, ops, &pol, s2, 1), 0);
	len = rtp(b, 1, 1, 10);
	CHECK_EQ(srtp_rtp_protect(&tx, b, &len, sizeof(b)), 0);
	CHECK_EQ(len, 12 + 10 + 2 + 10);
	CHECK_EQ(srtp_rtp_unprotect(&rx, b, &len), -SRTP_ERR_MKI);
	srtp_ctx_free(&tx);
	srtp_ctx_free(&rx);
}

/*
 * A full stream table refuses new SSRCs with NO_STREAM; forged packets of unknown SSRCs do not
 * take slots (only an authenticated packet claims one).
 */
static void stream_table_capacity(void)
{
	struct pair p;
	uint8_t b[128];
	uint32_t len;

	CHECK(pair_init(&p, SRTP_AES_CM_128_HMAC_SHA1_80, 0, 0) == 0);
	for (uint32_t ssrc = 100; ssrc < 110; ssrc++) {
		len = rtp(b, 1, ssrc, 10);
		b[20] ^= 1;	/* forged: never authenticates */
		CHECK_EQ(srtp_rtp_unprotect(&p.rx, b, &len), -SRTP_ERR_AUTH);
	}
	CHECK_EQ(p.rxs[0].flags | p.rxs[1].flags, 0);
	for (uint32_t ssrc = 1; ssrc <= 2; ssrc++) {
		len = rtp(b, 1, ssrc, 10);
		CHECK_EQ(srtp_rtp_protect(&p.tx, b, &len, sizeof(b)), 0);
		CHECK_EQ(srtp_rtp_unprotect(&p.rx, b, &len), 0);
	}
	len = rtp(b, 1, 3, 10);
	CHECK_EQ(srtp_rtp_protect(&p.tx, b, &len, sizeof(b)), -SRTP_ERR_NO_STREAM);
	CHECK_EQ(srtp_rtp_unprotect(&p.rx, b, &len), -SRTP_ERR_NO_STREAM);
	pair_free(&p);
}

static void no_room_for_trailer(void)
{
	struct pair p;
	uint8_t b[128];
	uint32_t len;

	CHECK(pair_init(&p, SRTP_AEAD_AES_256_GCM, 0, 0) == 0);
	len = rtp(b, 1, 1, 10);
	CHECK_EQ(srtp_rtp_protect(&p.tx, b, &len, len + 15), -SRTP_ERR_NOSPACE);
	CHECK_EQ(srtp_rtp_protect(&p.tx, b, &len, len + 16), 0);
	len = rtcp(b, 1);
	CHECK_EQ(srtp_rtcp_protect(&p.tx, b, &len, len + 19), -SRTP_ERR_NOSPACE);
	CHECK_EQ(srtp_rtcp_protect(&p.tx, b, &len, len + 20), 0);
	pair_free(&p);
}

static void bad_policies_refused(void)
{
	struct srtp_policy pol = { .suite = SRTP_AEAD_AES_128_GCM };
	struct srtp_stream st[1];
	struct srtp_ctx c;

	pol.flags = SRTP_POLICY_UNENCRYPTED_SRTP;
	CHECK_EQ(srtp_ctx_init(&c, ops, &pol, st, 1), -SRTP_ERR_INVAL);
	pol.flags = SRTP_POLICY_UNAUTHENTICATED_SRTP;
	CHECK_EQ(srtp_ctx_init(&c, ops, &pol, st, 1), -SRTP_ERR_INVAL);
	pol.flags = 0x80;
	CHECK_EQ(srtp_ctx_init(&c, ops, &pol, st, 1), -SRTP_ERR_INVAL);
	pol.flags = SRTP_POLICY_KDR;
	pol.kdr_log2 = 25;
	CHECK_EQ(srtp_ctx_init(&c, ops, &pol, st, 1), -SRTP_ERR_INVAL);
	pol.flags = 0;
	pol.mki_len = SRTP_MKI_LEN_MAX + 1;
	CHECK_EQ(srtp_ctx_init(&c, ops, &pol, st, 1), -SRTP_ERR_INVAL);
	pol.mki_len = 0;
	pol.suite = 0;
	CHECK_EQ(srtp_ctx_init(&c, ops, &pol, st, 1), -SRTP_ERR_INVAL);
	pol.suite = SRTP_SUITE_COUNT;
	CHECK_EQ(srtp_ctx_init(&c, ops, &pol, st, 1), -SRTP_ERR_INVAL);
	CHECK(srtp_suite_by_name("AES_CM_128_HMAC_SHA1_80", 23) ==
	      srtp_suite_get(SRTP_AES_CM_128_HMAC_SHA1_80));
	CHECK(srtp_suite_by_name("AES_CM_128_HMAC_SHA1_8", 22) == NULL);
	CHECK(srtp_suite_by_name("AES_CM_128_HMAC_SHA1_800", 24) == NULL);
}

/* The unencrypted/unauthenticated session parameters of RFC 4568 6.3. */
static void session_parameters(void)
{
	struct pair p;
	uint8_t b[128], plain[128];
	uint32_t len, plen;

	CHECK(pair_init(&p, SRTP_AES_CM_128_HMAC_SHA1_80,
			SRTP_POLICY_UNENCRYPTED_SRTP | SRTP_POLICY_UNAUTHENTICATED_SRTP, 0) == 0);
	plen = len = rtp(b, 1, 1, 10);
	memcpy(plain, b, len);
	CHECK_EQ(srtp_rtp_protect(&p.tx, b, &len, sizeof(b)), 0);
	CHECK_EQ(len, plen);	/* no tag */
	CHECK_MEM(b, plain, plen);	/* not encrypted */
	CHECK_EQ(srtp_rtp_unprotect(&p.rx, b, &len), 0);
	pair_free(&p);

	CHECK(pair_init(&p, SRTP_AES_CM_128_HMAC_SHA1_80, SRTP_POLICY_UNENCRYPTED_SRTCP, 0) == 0);
	plen = len = rtcp(b, 1);
	memcpy(plain, b, len);
	CHECK_EQ(srtp_rtcp_protect(&p.tx, b, &len, sizeof(b)), 0);
	CHECK_EQ(len, plen + 4 + 10);
	CHECK_MEM(b, plain, plen);
	CHECK_EQ(b[plen] & 0x80, 0);	/* E = 0 */
	CHECK_EQ(srtp_rtcp_unprotect(&p.rx, b, &len), 0);
	pair_free(&p);
}

static void index_estimation(void)
{
	struct srtp_stream st = { .flags = SRTP_STREAM_USED | SRTP_STREAM_RTP_SEEN };
	bool old;

	st.rtp.top = 5ull << 16 | 100;
	CHECK_EQ(srtp_estimate_index(&st, 101, &old), 5ull << 16 | 101);
	CHECK_EQ(srtp_estimate_index(&st, 65000, &old), 4ull << 16 | 65000);	/* before wrap */
	st.rtp.top = 5ull << 16 | 65500;
	CHECK_EQ(srtp_estimate_index(&st, 3, &old), 6ull << 16 | 3);	/* after wrap */
	CHECK_EQ(srtp_estimate_index(&st, 65000, &old), 5ull << 16 | 65000);
	st.rtp.top = 10;
	CHECK_EQ(srtp_estimate_index(&st, 65000, &old), 65000);
	CHECK(old);	/* would need ROC -1 */
	st.flags = SRTP_STREAM_USED;
	st.rtp.top = 7ull << 16;	/* preset ROC, no packet yet */
	CHECK_EQ(srtp_estimate_index(&st, 60000, &old), 7ull << 16 | 60000);
	CHECK(!old);
}

static void replay_window_edges(void)
{
	struct srtp_window w = { 0 };

	srtp_window_update(&w, false, 1000);
	CHECK_EQ(srtp_window_check(&w, true, 1000), -SRTP_ERR_REPLAY);
	CHECK_EQ(srtp_window_check(&w, true, 999), 0);
	CHECK_EQ(srtp_window_check(&w, true, 1000 - SRTP_REPLAY_WINDOW + 1), 0);
	CHECK_EQ(srtp_window_check(&w, true, 1000 - SRTP_REPLAY_WINDOW), -SRTP_ERR_REPLAY_OLD);
	srtp_window_update(&w, true, 990);
	CHECK_EQ(srtp_window_check(&w, true, 990), -SRTP_ERR_REPLAY);
	/* a jump far ahead clears the ring: old bits must not mark new indexes */
	srtp_window_update(&w, true, 1000 + 64 * 3);
	CHECK_EQ(srtp_window_check(&w, true, 1000 + 64 * 3 - 64 * 2 - 8), 0);
	srtp_window_update(&w, true, 1000 + 10000);
	for (uint64_t i = 1000 + 10000 - SRTP_REPLAY_WINDOW + 1; i < 1000 + 10000; i++)
		CHECK_EQ(srtp_window_check(&w, true, i), 0);
	CHECK_EQ(srtp_window_check(&w, true, 1000 + 10000), -SRTP_ERR_REPLAY);
	/* every index in a dense run is marked once and only once */
	for (uint64_t i = 20000; i < 20000 + 1000; i++) {
		CHECK_EQ(srtp_window_check(&w, true, i), 0);
		srtp_window_update(&w, true, i);
		CHECK_EQ(srtp_window_check(&w, true, i), -SRTP_ERR_REPLAY);
		if (i >= 20100)
			CHECK_EQ(srtp_window_check(&w, true, i - 100), -SRTP_ERR_REPLAY);
	}
}

/* A ROC set from outside is used by the first packet, on both sides. */
static void roc_from_outside(void)
{
	struct pair p;
	uint8_t b[128];
	uint32_t len;
	int i;

	CHECK(pair_init(&p, SRTP_AES_CM_128_HMAC_SHA1_80, 0, 0) == 0);
	CHECK(srtp_stream_set_roc(&p.tx, 42, 3) >= 0);
	len = rtp(b, 500, 42, 10);
	CHECK_EQ(srtp_rtp_protect(&p.tx, b, &len, sizeof(b)), 0);
	/* a receiver that assumes ROC 0 cannot authenticate it (the ROC is in the HMAC) */
	CHECK_EQ(srtp_rtp_unprotect(&p.rx, b, &len), -SRTP_ERR_AUTH);
	CHECK(srtp_stream_set_roc(&p.rx, 42, 3) >= 0);
	CHECK_EQ(srtp_rtp_unprotect(&p.rx, b, &len), 0);
	i = srtp_stream_find(&p.rx, 42);
	CHECK(i >= 0);
	CHECK_EQ(p.rxs[i].rtp.top, 3ull << 16 | 500);
	pair_free(&p);
}

/*
 * A stream handed from one context to another (userspace to the kernel and back): the new
 * one takes the ROC, refuses what the old one took (a replay across the hand-over), accepts
 * what follows; an outbound one continues the SRTCP index; stale state never moves back.
 */
static void hand_over_state(void)
{
	struct pair p, q;	/* p.rx: the context before, q.rx / q.tx: after */
	struct srtp_stream_state s = { 0 };
	uint8_t b[128], kept[3][128];
	uint32_t len, kept_len[3];
	int i;

	CHECK(pair_init(&p, SRTP_AES_CM_128_HMAC_SHA1_80, 0, 0) == 0);
	CHECK(pair_init(&q, SRTP_AES_CM_128_HMAC_SHA1_80, 0, 0) == 0);
	for (uint32_t n = 65500; n < 65536 + 40; n++) {	/* across a ROC change */
		len = rtp(b, (uint16_t)n, 9, 20);
		CHECK_EQ(srtp_rtp_protect(&p.tx, b, &len, sizeof(b)), 0);
		if (n >= 65536 + 37) {	/* three an attacker kept */
			memcpy(kept[n - 65536 - 37], b, len);
			kept_len[n - 65536 - 37] = len;
		}
		CHECK_EQ(srtp_rtp_unprotect(&p.rx, b, &len), 0);
	}
	for (int k = 0; k < 2; k++) {	/* and two SRTCP */
		len = rtcp(b, 9);
		CHECK_EQ(srtp_rtcp_protect(&p.tx, b, &len, sizeof(b)), 0);
		CHECK_EQ(srtp_rtcp_unprotect(&p.rx, b, &len), 0);
	}
	i = srtp_stream_find(&p.rx, 9);
	CHECK(i >= 0);
	s.rtp_index = p.rxs[i].rtp.top;
	s.rtcp_index = (uint32_t)p.rxs[i].rtcp.top;
	s.has_rtp = s.has_rtcp = true;
	CHECK_EQ(s.rtp_index, 1ull << 16 | 39);
	CHECK(srtp_stream_advance(&q.rx, 9, &s) >= 0);
	for (int k = 0; k < 3; k++) {
		len = kept_len[k];
		CHECK_EQ(srtp_rtp_unprotect(&q.rx, kept[k], &len), -SRTP_ERR_REPLAY);
	}
	len = rtp(b, 40, 9, 20);
	CHECK_EQ(srtp_rtp_protect(&p.tx, b, &len, sizeof(b)), 0);
	CHECK_EQ(srtp_rtp_unprotect(&q.rx, b, &len), 0);	/* ROC 1 carried over */
	/* A packet reordered just above the old top and below the new one still passes. */
	len = rtp(b, 42, 9, 20);
	CHECK_EQ(srtp_rtp_protect(&p.tx, b, &len, sizeof(b)), 0);
	CHECK_EQ(srtp_rtp_unprotect(&q.rx, b, &len), 0);
	len = rtp(b, 41, 9, 20);
	CHECK_EQ(srtp_rtp_protect(&p.tx, b, &len, sizeof(b)), 0);
	CHECK_EQ(srtp_rtp_unprotect(&q.rx, b, &len), 0);
	/* Stale state (the old context's, again) does not move it back. */
	CHECK(srtp_stream_advance(&q.rx, 9, &s) >= 0);
	i = srtp_stream_find(&q.rx, 9);
	CHECK_EQ(q.rxs[i].rtp.top, 1ull << 16 | 42);
	/* Outbound: the SRTCP index goes on from the old sender's, so p.rx (which saw 1 and 2)
	 * takes the new sender's next one. */
	i = srtp_stream_find(&p.tx, 9);
	s.rtp_index = p.txs[i].rtp.top;
	s.rtcp_index = p.txs[i].rtcp_tx_index;
	CHECK_EQ(s.rtcp_index, 2);
	CHECK(srtp_stream_advance(&q.tx, 9, &s) >= 0);
	len = rtcp(b, 9);
	CHECK_EQ(srtp_rtcp_protect(&q.tx, b, &len, sizeof(b)), 0);
	CHECK_EQ(srtp_rtcp_unprotect(&p.rx, b, &len), 0);
	len = rtp(b, 43, 9, 20);
	CHECK_EQ(srtp_rtp_protect(&q.tx, b, &len, sizeof(b)), 0);
	CHECK_EQ(srtp_rtp_unprotect(&p.rx, b, &len), 0);	/* the sender's ROC carried too */
	pair_free(&p);
	pair_free(&q);
}

/* Carrying the streams array into a re-keyed context keeps the ROC. */
static void rekey_keeps_roc(void)
{
	struct srtp_policy pol = { .suite = SRTP_AEAD_AES_128_GCM };
	struct srtp_stream txs[1] = { 0 }, rxs[1] = { 0 };
	struct srtp_ctx tx, rx;
	uint8_t b[128];
	uint32_t len;

	CHECK_EQ(srtp_ctx_init(&tx, ops, &pol, txs, 1), 0);
	CHECK_EQ(srtp_ctx_init(&rx, ops, &pol, rxs, 1), 0);
	for (uint32_t seq = 65530; seq < 65536 + 5; seq++) {
		len = rtp(b, (uint16_t)seq, 1, 10);
		CHECK_EQ(srtp_rtp_protect(&tx, b, &len, sizeof(b)), 0);
		CHECK_EQ(srtp_rtp_unprotect(&rx, b, &len), 0);
	}
	srtp_ctx_free(&tx);
	srtp_ctx_free(&rx);
	pol.key[0] = 1;	/* new master key, same streams */
	CHECK_EQ(srtp_ctx_init(&tx, ops, &pol, txs, 1), 0);
	CHECK_EQ(srtp_ctx_init(&rx, ops, &pol, rxs, 1), 0);
	len = rtp(b, 6, 1, 10);
	CHECK_EQ(srtp_rtp_protect(&tx, b, &len, sizeof(b)), 0);
	CHECK_EQ(srtp_rtp_unprotect(&rx, b, &len), 0);
	CHECK_EQ(rxs[0].rtp.top, 1ull << 16 | 6);
	srtp_ctx_free(&tx);
	srtp_ctx_free(&rx);
}

/* --- a non-zero key derivation rate, against a direct computation with OpenSSL --- */

static void aes_ctr(const uint8_t *key, const uint8_t iv[16], uint8_t *buf, int len)
{
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
	int out;

	EVP_EncryptInit_ex(c, EVP_aes_128_ctr(), NULL, key, iv);
	EVP_EncryptUpdate(c, buf, &out, buf, len);
	EVP_CIPHER_CTX_free(c);
}

/* RFC 3711 4.3.1 written out: x = key_id XOR master_salt, key_id = label || r. */
static void ref_kdf(uint8_t label, uint64_t r, uint8_t *out, int len)
{
	uint8_t iv[16] = { 0 };

	memcpy(iv, SALT, 14);
	iv[7] ^= label;
	for (int i = 0; i < 6; i++)
		iv[8 + i] ^= (uint8_t)(r >> (40 - 8 * i));
	memset(out, 0, (size_t)len);
	aes_ctr(KEY, iv, out, len);
}

static void ref_protect(uint8_t *b, uint32_t len, uint64_t index, uint64_t r, uint8_t *out)
{
	uint8_t k[16], a[20], s[14], iv[16] = { 0 }, roc[4];
	unsigned int maclen;

	ref_kdf(0, r, k, 16);
	ref_kdf(1, r, a, 20);
	ref_kdf(2, r, s, 14);
	memcpy(out, b, len);
	memcpy(iv, s, 14);
	for (int i = 0; i < 4; i++)
		iv[4 + i] ^= b[8 + i];
	for (int i = 0; i < 6; i++)
		iv[8 + i] ^= (uint8_t)(index >> (40 - 8 * i));
	aes_ctr(k, iv, out + 12, (int)len - 12);
	srtp_put_be32(roc, (uint32_t)(index >> 16));
	memcpy(out + len, roc, 4);	/* HMAC over packet || ROC, then the tag replaces it */
	HMAC(EVP_sha1(), a, 20, out, len + 4, out + len, &maclen);
}

static void key_derivation_rate(void)
{
	struct pair p;
	uint8_t b[128], want[128 + 32];
	uint32_t len;

	CHECK(pair_init(&p, SRTP_AES_CM_128_HMAC_SHA1_80, SRTP_POLICY_KDR, 4) == 0);
	for (uint32_t seq = 0; seq < 50; seq++) {
		uint32_t plain = rtp(b, (uint16_t)seq, 0xabcd, 24);

		ref_protect(b, plain, seq, seq >> 4, want);
		len = plain;
		CHECK_EQ(srtp_rtp_protect(&p.tx, b, &len, sizeof(b)), 0);
		CHECK_EQ(len, plain + 10);
		CHECK_MEM(b, want, len);
		CHECK_EQ(srtp_rtp_unprotect(&p.rx, b, &len), 0);
		CHECK_EQ(len, plain);
	}
	pair_free(&p);
}

/* The split API gives the same packets as the one-call API, and finish alone commits state. */
static void job_split_matches(void)
{
	struct pair p, q;
	uint8_t a[128], b[128];
	uint32_t alen, blen;
	struct srtp_job j;

	CHECK(pair_init(&p, SRTP_AEAD_AES_256_GCM, 0, 0) == 0);
	CHECK(pair_init(&q, SRTP_AEAD_AES_256_GCM, 0, 0) == 0);
	alen = blen = rtp(a, 7, 8, 30);
	memcpy(b, a, alen);
	CHECK_EQ(srtp_rtp_protect(&p.tx, a, &alen, sizeof(a)), 0);
	CHECK_EQ(srtp_rtp_protect_prepare(&q.tx, b, blen, sizeof(b), &j), 0);
	CHECK_EQ(srtp_job_crypt(&q.tx, &j, b, true), 0);
	CHECK_EQ(j.out_len, alen);
	CHECK_MEM(a, b, alen);

	CHECK_EQ(srtp_rtp_unprotect_prepare(&q.rx, b, alen, &j), 0);
	CHECK(j.flags & SRTP_JOB_NEW_STREAM);
	CHECK_EQ(srtp_job_crypt(&q.rx, &j, b, false), 0);
	CHECK_EQ(srtp_stream_find(&q.rx, 8), -1);	/* nothing committed yet */
	CHECK_EQ(srtp_unprotect_finish(&q.rx, &j, b), 0);
	CHECK(srtp_stream_find(&q.rx, 8) >= 0);
	/* a duplicate that passed prepare before the first finished is caught by finish */
	CHECK_EQ(srtp_unprotect_finish(&q.rx, &j, b), -SRTP_ERR_REPLAY);
	pair_free(&p);
	pair_free(&q);
}

static void classify(void)
{
	uint8_t stun[2] = { 0x00, 0x01 }, dtls[2] = { 22, 0xfe }, rtpp[2] = { 0x80, 0x60 };
	uint8_t rtcpp[2] = { 0x81, 200 }, other[2] = { 70, 0 };

	CHECK_EQ(srtp_classify(stun, 2), SRTP_CLASS_STUN);
	CHECK_EQ(srtp_classify(dtls, 2), SRTP_CLASS_DTLS);
	CHECK_EQ(srtp_classify(rtpp, 2), SRTP_CLASS_RTP);
	CHECK_EQ(srtp_classify(rtcpp, 2), SRTP_CLASS_RTCP);
	CHECK_EQ(srtp_classify(other, 2), SRTP_CLASS_OTHER);
	CHECK_EQ(srtp_classify(rtpp, 1), SRTP_CLASS_OTHER);
	rtpp[1] = 0x80 | 95;	/* marker set, PT 95: RTCP range by RFC 5761 */
	CHECK_EQ(srtp_classify(rtpp, 2), SRTP_CLASS_RTCP);
	rtpp[1] = 0x80 | 96;
	CHECK_EQ(srtp_classify(rtpp, 2), SRTP_CLASS_RTP);
}

static const struct check_case cases[] = {
	CASE(tampered_packets_fail_auth),
	CASE(replayed_packets_rejected),
	CASE(too_old_packets_rejected),
	CASE(truncated_packets_rejected),
	CASE(rtp_parse_errors),
	CASE(rtcp_compound_parse),
	CASE(wrong_mki_rejected),
	CASE(stream_table_capacity),
	CASE(no_room_for_trailer),
	CASE(bad_policies_refused),
	CASE(session_parameters),
	CASE(index_estimation),
	CASE(replay_window_edges),
	CASE(roc_from_outside),
	CASE(hand_over_state),
	CASE(rekey_keeps_roc),
	CASE(key_derivation_rate),
	CASE(job_split_matches),
	CASE(classify),
};

CHECK_MAIN("core", cases)
