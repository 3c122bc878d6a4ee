// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The SRTP core against the published vectors in tests/vectors/srtp-test-vectors.txt:
 * RFC 3711 B.2/B.3, RFC 6188 7.1-7.4, RFC 7714 16-17, and libsrtp's end-to-end AES-CM
 * packets. (B.1 is AES-f8, a cipher no SDES or DTLS-SRTP peer negotiates; we do not ship it.)
 */
#include "check.h"
#include "srtp.h"
#include "srtp_openssl.h"

static const struct srtp_ops *ops = &srtp_openssl_ops;

static unsigned char *unhex(const char *hex, int *n)
{
	static unsigned char bufs[8][2048];
	static int next;
	unsigned char *b = bufs[next++ % 8];

	*n = check_unhex(hex, b, sizeof(bufs[0]));
	if (*n < 0) {
		fprintf(stderr, "bad hex in test: %s\n", hex);
		abort();
	}
	return b;
}

/* --- keystreams: RFC 3711 B.2, RFC 6188 7.1 and 7.3 --- */

struct ks_block {
	unsigned int block;
	const char *hex;
};

static void check_keystream(const char *key_hex, const struct ks_block *blocks, size_t n)
{
	int klen, slen;
	unsigned char *key = unhex(key_hex, &klen);
	unsigned char *salt = unhex("f0f1f2f3f4f5f6f7f8f9fafbfcfd", &slen);
	unsigned char iv[16] = { 0 }, *ks;
	size_t len = 1044512;	/* the RFC's keystream segment, 65282 blocks */
	void *h;

	memcpy(iv, salt, 14);
	CHECK(ops->ctr_new(&h, key, (uint32_t)klen) == 0);
	ks = calloc(1, len);
	CHECK(ks);
	CHECK(ops->ctr_xor(h, iv, ks, (uint32_t)len) == 0);
	ops->ctr_free(h);
	for (size_t i = 0; i < n; i++) {
		int blen;
		unsigned char *want = unhex(blocks[i].hex, &blen);

		if (memcmp(ks + 16 * blocks[i].block, want, 16))
			fprintf(stderr, "  block %04x\n", blocks[i].block);
		CHECK_MEM(ks + 16 * blocks[i].block, want, 16);	/* a failure leaks ks: fine here */
	}
	free(ks);
}

static void rfc3711_b2_keystream(void)
{
	static const struct ks_block b[] = {
		{ 0x0000, "e03ead0935c95e80e166b16dd92b4eb4" },
		{ 0x0001, "d23513162b02d0f72a43a2fe4a5f97ab" },
		{ 0x0002, "41e95b3bb0a2e8dd477901e4fca894c0" },
		{ 0xfeff, "ec8cdf7398607cb0f2d21675ea9ea1e4" },
		{ 0xff00, "362b7c3c6773516318a077d7fc5073ae" },
		{ 0xff01, "6a2cc3787889374fbeb4c81b17ba6c44" },
	};
	check_keystream("2b7e151628aed2a6abf7158809cf4f3c", b, 6);
}

static void rfc6188_71_aes256_keystream(void)
{
	static const struct ks_block b[] = {
		{ 0x0000, "92bdd28a93c3f52511c677d08b5515a4" },
		{ 0x0001, "9da71b2378a854f67050756ded165bac" },
		{ 0x0002, "63c4868b7096d88421b563b8c94c9a31" },
		{ 0xfeff, "cea518c90fd91ced9cbb18c078a54711" },
		{ 0xff00, "3dbc4814f4da5f00a08772b63c6a046d" },
		{ 0xff01, "6eb246913062a16891433e97dd01a57f" },
	};
	check_keystream("57f82fe3613fd170a85ec93c40b1f0922ec4cb0dc025b58272147cc438944a98", b, 6);
}

static void rfc6188_73_aes192_keystream(void)
{
	static const struct ks_block b[] = {
		{ 0x0000, "35096cba4610028dc1b57503804ce37c" },
		{ 0x0001, "5de986291dcce161d5165ec4568f5c9a" },
		{ 0x0002, "474a40c77894bc17180202272a4c264d" },
		{ 0xfeff, "d108d1a31a00bad6367ec23eb044b415" },
		{ 0xff00, "c8f57129fdeb970b59f917b257662d4c" },
		{ 0xff01, "a5dab625811034e8cebdfeb6dc158dd3" },
	};
	check_keystream("eab234764e517b2d3d160d587d8c86219740f65f99b6bcf7", b, 6);
}

/* --- key derivation: RFC 3711 B.3, RFC 6188 7.2 and 7.4 --- */

static void check_kdf(const char *mkey, const char *msalt, const char *ckey, const char *csalt,
		      const char *akey)
{
	int klen, slen, n;
	unsigned char *key = unhex(mkey, &klen), *salt = unhex(msalt, &slen);
	unsigned char out[128], *want;
	void *prf;

	CHECK(slen == 14);
	CHECK(ops->ctr_new(&prf, key, (uint32_t)klen) == 0);
	want = unhex(ckey, &n);
	CHECK(srtp_kdf(ops, prf, salt, 0, 0, out, (uint32_t)n) == 0);
	CHECK_MEM(out, want, n);
	want = unhex(csalt, &n);
	CHECK(srtp_kdf(ops, prf, salt, 2, 0, out, (uint32_t)n) == 0);
	CHECK_MEM(out, want, n);
	want = unhex(akey, &n);
	CHECK(srtp_kdf(ops, prf, salt, 1, 0, out, (uint32_t)n) == 0);
	CHECK_MEM(out, want, n);
	ops->ctr_free(prf);
}

static void rfc3711_b3_kdf(void)
{
	check_kdf("e1f97a0d3e018be0d64fa32c06de4139", "0ec675ad498afeebb6960b3aabe6",
		  "c61e7a93744f39ee10734afe3ff7a087", "30cbbc08863d8c85d49db34a9ae1",
		  "cebe321f6ff7716b6fd4ab49af256a156d38baa48f0a0acf3c34e2359e6cdbce"
		  "e049646c43d9327ad175578ef72270986371c10c9a369ac2f94a8c5fbcdddc25"
		  "6d6e919a48b610ef17c2041e474035766b68642c59bbfc2f34db60dbdfb2");
}

static void rfc6188_72_aes256_kdf(void)
{
	check_kdf("f0f04914b513f2763a1b1fa130f10e2998f6f6e43e4309d1e622a0e332b9f1b6",
		  "3b04803de51ee7c96423ab5b78d2",
		  "5ba1064e30ec51613cad926c5a28ef731ec7fb397f70a960653caf06554cd8c4",
		  "fa31791685ca444a9e07c6c64e93", "fd9c32d39ed5fbb5a9dc96b30818454d1313dc05");
}

static void rfc6188_74_aes192_kdf(void)
{
	check_kdf("73edc66c4fa15776fb57f9505c17136550ffda71f3e8e5f1",
		  "c8522f3acd4ce86d5add78edbb11",
		  "31874736a8f1143870c26e4857d8a5b2c4a354407faadabb",
		  "2372b82d639b6d8503a47adc0a6c", "355b10973cd95b9eacf4061c7e1a7151e7cfbfcb");
}

/* --- RFC 7714: GCM packets from given session keys (no KDF) --- */

static struct srtp_stream gcm_streams[4];

/* A context keyed directly with a session key and salt, as RFC 7714's vectors are. */
static int gcm_ctx(struct srtp_ctx *c, unsigned int suite, const char *key_hex, uint8_t flags)
{
	int klen, slen;
	unsigned char *key = unhex(key_hex, &klen);
	unsigned char *salt = unhex("517569642070726f2071756f", &slen);

	memset(c, 0, sizeof(*c));
	memset(gcm_streams, 0, sizeof(gcm_streams));
	c->suite = srtp_suite_get(suite);
	c->ops = ops;
	c->policy.suite = (uint8_t)suite;
	c->policy.flags = flags;
	c->streams = gcm_streams;
	c->max_streams = 4;
	memcpy(c->rtp.salt, salt, 12);
	memcpy(c->rtcp.salt, salt, 12);
	if (ops->gcm_new(&c->rtp.cipher, key, (uint32_t)klen) ||
	    ops->gcm_new(&c->rtcp.cipher, key, (uint32_t)klen))
		return -1;
	return 0;
}

#define RTP_7714 "8040f17b8041f8d35501a0b247616c6c696120657374206f6d6e697320" \
		 "64697669736120696e207061727465732074726573"

static void check_gcm_rtp(unsigned int suite, const char *key, const char *srtp_hex)
{
	struct srtp_ctx tx, rx;
	unsigned char pkt[256];
	int n, m;
	unsigned char *rtp = unhex(RTP_7714, &n), *want = unhex(srtp_hex, &m);
	uint32_t len = (uint32_t)n;

	CHECK(gcm_ctx(&tx, suite, key, 0) == 0);
	memcpy(pkt, rtp, len);
	CHECK_EQ(srtp_rtp_protect(&tx, pkt, &len, sizeof(pkt)), 0);
	CHECK_EQ(len, m);
	CHECK_MEM(pkt, want, m);
	srtp_ctx_free(&tx);

	CHECK(gcm_ctx(&rx, suite, key, 0) == 0);
	CHECK_EQ(srtp_rtp_unprotect(&rx, pkt, &len), 0);
	CHECK_EQ(len, n);
	CHECK_MEM(pkt, rtp, n);
	srtp_ctx_free(&rx);
}

static void rfc7714_16_aes128_gcm_rtp(void)
{
	check_gcm_rtp(SRTP_AEAD_AES_128_GCM, "000102030405060708090a0b0c0d0e0f",
		      "8040f17b8041f8d35501a0b2f24de3a3fb34de6cacba861c9d7e4bcabe633bd50d294e6f"
		      "42a5f47a51c7d19b36de3adf8833899d7f27beb16a9152cf765ee4390cce");
}

static void rfc7714_16_aes256_gcm_rtp(void)
{
	check_gcm_rtp(SRTP_AEAD_AES_256_GCM,
		      "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
		      "8040f17b8041f8d35501a0b232b1de78a822fe12ef9f78fa332e33aab18012389a58e2f3"
		      "b50b2a0276ffae0f1ba63799b87b7aa3db36dfffd6b0f9bb7878d7a76c13");
}

#define RTCP_7714 "81c8000d4d6172734e5450314e545032525450200000042a0000e9304c756e61" \
		  "deadbeefdeadbeefdeadbeefdeadbeefdeadbeef"

/* Protects (as SRTCP index 0x5d4) and unprotects, comparing with the RFC's packet. */
static void check_gcm_rtcp(unsigned int suite, const char *key, uint8_t flags,
			   const char *srtcp_hex)
{
	struct srtp_ctx tx, rx;
	unsigned char pkt[256];
	int n, m;
	unsigned char *rtcp = unhex(RTCP_7714, &n), *want = unhex(srtcp_hex, &m);
	uint32_t len = (uint32_t)n;

	CHECK(gcm_ctx(&tx, suite, key, flags) == 0);
	CHECK(srtp_stream_set_roc(&tx, 0x4d617273, 0) == 0);
	gcm_streams[0].rtcp_tx_index = 0x5d3;
	memcpy(pkt, rtcp, len);
	CHECK_EQ(srtp_rtcp_protect(&tx, pkt, &len, sizeof(pkt)), 0);
	CHECK_EQ(len, m);
	CHECK_MEM(pkt, want, m);
	srtp_ctx_free(&tx);

	CHECK(gcm_ctx(&rx, suite, key, 0) == 0);
	CHECK_EQ(srtp_rtcp_unprotect(&rx, pkt, &len), 0);
	CHECK_EQ(len, n);
	CHECK_MEM(pkt, rtcp, n);
	srtp_ctx_free(&rx);
}

static void rfc7714_171_aes128_gcm_rtcp(void)
{
	check_gcm_rtcp(SRTP_AEAD_AES_128_GCM, "000102030405060708090a0b0c0d0e0f", 0,
		       "81c8000d4d61727363e94885dcdab67ca727d7662f6b7e997ff5c0f76c06f32d"
		       "c676a5f1730d6fda4ce09b4686303ded0bb9275bc84aa45896cf4d2fc5abf87245d9eade"
		       "800005d4");
}

static void rfc7714_172_aes256_gcm_rtcp(void)
{
	check_gcm_rtcp(SRTP_AEAD_AES_256_GCM,
		       "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f", 0,
		       "81c8000d4d617273d50ae4d1f5ce5d304ba297e47d470c282c3ece5dbffe0a50"
		       "a2eaa5c1110555be8415f658c61de0476f1b6fad1d1eb30c4446839f57ff6f6cb26ac3be"
		       "800005d4");
}

static void rfc7714_173_aes128_gcm_rtcp_auth_only(void)
{
	check_gcm_rtcp(SRTP_AEAD_AES_128_GCM, "000102030405060708090a0b0c0d0e0f",
		       SRTP_POLICY_UNENCRYPTED_SRTCP,
		       RTCP_7714 "841dd9683dd78ec92ae58790125f62b3000005d4");
}

static void rfc7714_174_aes256_gcm_rtcp_auth_only(void)
{
	check_gcm_rtcp(SRTP_AEAD_AES_256_GCM,
		       "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
		       SRTP_POLICY_UNENCRYPTED_SRTCP,
		       RTCP_7714 "91db4afbfeee5a978fab4393ed2615fe000005d4");
}

/* --- libsrtp's end-to-end AES-CM packets: master key -> KDF -> packet --- */

static struct srtp_stream e2e_streams[2][4];

static void e2e(unsigned int suite, const char *mkey, const char *msalt, bool rtcp,
		const char *in_hex, const char *out_hex)
{
	struct srtp_policy p = { .suite = (uint8_t)suite };
	struct srtp_ctx tx, rx;
	unsigned char pkt[256];
	int n, m, kl, sl;
	unsigned char *in = unhex(in_hex, &n), *want = unhex(out_hex, &m);
	unsigned char *k = unhex(mkey, &kl), *s = unhex(msalt, &sl);
	uint32_t len = (uint32_t)n;

	memcpy(p.key, k, (size_t)kl);
	memcpy(p.salt, s, (size_t)sl);
	memset(e2e_streams, 0, sizeof(e2e_streams));
	CHECK_EQ(srtp_ctx_init(&tx, ops, &p, e2e_streams[0], 4), 0);
	CHECK_EQ(srtp_ctx_init(&rx, ops, &p, e2e_streams[1], 4), 0);
	memcpy(pkt, in, len);
	CHECK_EQ((rtcp ? srtp_rtcp_protect : srtp_rtp_protect)(&tx, pkt, &len, sizeof(pkt)), 0);
	CHECK_EQ(len, m);
	CHECK_MEM(pkt, want, m);
	CHECK_EQ((rtcp ? srtp_rtcp_unprotect : srtp_rtp_unprotect)(&rx, pkt, &len), 0);
	CHECK_EQ(len, n);
	CHECK_MEM(pkt, in, n);
	srtp_ctx_free(&tx);
	srtp_ctx_free(&rx);
}

#define B3_KEY "e1f97a0d3e018be0d64fa32c06de4139"
#define B3_SALT "0ec675ad498afeebb6960b3aabe6"

static void libsrtp_aes128_cm_sha1_80_rtp(void)
{
	e2e(SRTP_AES_CM_128_HMAC_SHA1_80, B3_KEY, B3_SALT, false,
	    "800f1234decafbadcafebabeabababababababababababababababab",
	    "800f1234decafbadcafebabe4e55dc4ce79978d88ca4d215949d2402b78d6acc99ea179b8dbb");
}

static void libsrtp_aes128_cm_sha1_80_rtcp(void)
{
	e2e(SRTP_AES_CM_128_HMAC_SHA1_80, B3_KEY, B3_SALT, true,
	    "81c8000bcafebabeabababababababababababababababab",
	    "81c8000bcafebabe7128035be487b9bdbef89041f977a5a880000001993e08cd54d6c1230798");
}

static void libsrtp_aes256_cm_sha1_80_rtp(void)
{
	e2e(SRTP_AES_256_CM_HMAC_SHA1_80,
	    "f0f04914b513f2763a1b1fa130f10e2998f6f6e43e4309d1e622a0e332b9f1b6",
	    "3b04803de51ee7c96423ab5b78d2", false,
	    "800f1234decafbadcafebabeabababababababababababababababab",
	    "800f1234decafbadcafebabef1d9de17ff251ff1aa007774b0b4b40da08d9d9a5b3a55d8873b");
}

static const struct check_case cases[] = {
	CASE(rfc3711_b2_keystream),
	CASE(rfc6188_71_aes256_keystream),
	CASE(rfc6188_73_aes192_keystream),
	CASE(rfc3711_b3_kdf),
	CASE(rfc6188_72_aes256_kdf),
	CASE(rfc6188_74_aes192_kdf),
	CASE(rfc7714_16_aes128_gcm_rtp),
	CASE(rfc7714_16_aes256_gcm_rtp),
	CASE(rfc7714_171_aes128_gcm_rtcp),
	CASE(rfc7714_172_aes256_gcm_rtcp),
	CASE(rfc7714_173_aes128_gcm_rtcp_auth_only),
	CASE(rfc7714_174_aes256_gcm_rtcp_auth_only),
	CASE(libsrtp_aes128_cm_sha1_80_rtp),
	CASE(libsrtp_aes128_cm_sha1_80_rtcp),
	CASE(libsrtp_aes256_cm_sha1_80_rtp),
};

CHECK_MAIN("vectors", cases)
