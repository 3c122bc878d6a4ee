// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Self-tests run at module load: the shared SRTP core with the kernel crypto backend must
 * reproduce published packets byte for byte (RFC 3711 B.3, RFC 6188 7.4, RFC 7714 16-17,
 * libsrtp's end-to-end AES-CM packets) and turn them back into the originals. The same
 * vectors are checked in userspace by tests/unit/test_srtp_vectors.c.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "compat.h"
#include "crypto.h"
#include "selftest.h"

struct vec {
	const char *name;
	u8 suite;
	u8 flags;		/* SRTP_POLICY_* */
	bool rtcp;
	bool session;		/* key and salt are session keys (RFC 7714), not master */
	u32 rtcp_index;		/* SRTCP index the packet is sent with */
	const char *key, *salt, *in, *out;
};

#define B3_KEY "e1f97a0d3e018be0d64fa32c06de4139"
#define B3_SALT "0ec675ad498afeebb6960b3aabe6"
#define GCM_KEY128 "000102030405060708090a0b0c0d0e0f"
#define GCM_KEY256 "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
#define GCM_SALT "517569642070726f2071756f"
#define RTP_7714 "8040f17b8041f8d35501a0b247616c6c696120657374206f6d6e69732064697669736120" \
		 "696e207061727465732074726573"
#define RTCP_7714 "81c8000d4d6172734e5450314e545032525450200000042a0000e9304c756e61" \
		  "deadbeefdeadbeefdeadbeefdeadbeefdeadbeef"

static const struct vec vecs[] = {
	{ "libsrtp aes128-cm-sha1-80 rtp", SRTP_AES_CM_128_HMAC_SHA1_80, 0, false, false, 0,
	  B3_KEY, B3_SALT, "800f1234decafbadcafebabeabababababababababababababababab",
	  "800f1234decafbadcafebabe4e55dc4ce79978d88ca4d215949d2402b78d6acc99ea179b8dbb" },
	{ "libsrtp aes128-cm-sha1-80 rtcp", SRTP_AES_CM_128_HMAC_SHA1_80, 0, true, false, 1,
	  B3_KEY, B3_SALT, "81c8000bcafebabeabababababababababababababababab",
	  "81c8000bcafebabe7128035be487b9bdbef89041f977a5a880000001993e08cd54d6c1230798" },
	{ "libsrtp aes256-cm-sha1-80 rtp", SRTP_AES_256_CM_HMAC_SHA1_80, 0, false, false, 0,
	  "f0f04914b513f2763a1b1fa130f10e2998f6f6e43e4309d1e622a0e332b9f1b6",
	  "3b04803de51ee7c96423ab5b78d2",
	  "800f1234decafbadcafebabeabababababababababababababababab",
	  "800f1234decafbadcafebabef1d9de17ff251ff1aa007774b0b4b40da08d9d9a5b3a55d8873b" },
	{ "rfc7714 16 aead-aes-128-gcm rtp", SRTP_AEAD_AES_128_GCM, 0, false, true, 0,
	  GCM_KEY128, GCM_SALT, RTP_7714,
	  "8040f17b8041f8d35501a0b2f24de3a3fb34de6cacba861c9d7e4bcabe633bd50d294e6f"
	  "42a5f47a51c7d19b36de3adf8833899d7f27beb16a9152cf765ee4390cce" },
	{ "rfc7714 16 aead-aes-256-gcm rtp", SRTP_AEAD_AES_256_GCM, 0, false, true, 0,
	  GCM_KEY256, GCM_SALT, RTP_7714,
	  "8040f17b8041f8d35501a0b232b1de78a822fe12ef9f78fa332e33aab18012389a58e2f3"
	  "b50b2a0276ffae0f1ba63799b87b7aa3db36dfffd6b0f9bb7878d7a76c13" },
	{ "rfc7714 17.1 aead-aes-128-gcm rtcp", SRTP_AEAD_AES_128_GCM, 0, true, true, 0x5d4,
	  GCM_KEY128, GCM_SALT, RTCP_7714,
	  "81c8000d4d61727363e94885dcdab67ca727d7662f6b7e997ff5c0f76c06f32d"
	  "c676a5f1730d6fda4ce09b4686303ded0bb9275bc84aa45896cf4d2fc5abf87245d9eade800005d4" },
	{ "rfc7714 17.4 aead-aes-256-gcm rtcp e=0", SRTP_AEAD_AES_256_GCM,
	  SRTP_POLICY_UNENCRYPTED_SRTCP, true, true, 0x5d4, GCM_KEY256, GCM_SALT, RTCP_7714,
	  RTCP_7714 "91db4afbfeee5a978fab4393ed2615fe000005d4" },
};

struct scratch {
	struct srtp_ctx tx, rx;
	struct srtp_stream txs[1], rxs[1];
	struct srtp_policy pol;
	u8 in[128], out[128], pkt[160];
	u8 key[32], salt[14];
};

static int unhex(u8 *dst, const char *hex, size_t cap)
{
	size_t n = strlen(hex) / 2;

	if (n > cap || hex2bin(dst, hex, n))
		return -EINVAL;
	return (int)n;
}

/* A context keyed with session keys directly, as RFC 7714's vectors give them. */
static int session_ctx(struct srtp_ctx *c, struct srtp_stream *st, const struct vec *v,
		       const u8 *key, int key_len, const u8 *salt)
{
	const struct srtp_ops *ops = &srtprelay_crypto_ops;

	memset(c, 0, sizeof(*c));
	c->suite = srtp_suite_get(v->suite);
	c->ops = ops;
	c->policy.suite = v->suite;
	c->policy.flags = v->flags;
	c->streams = st;
	c->max_streams = 1;
	memcpy(c->rtp.salt, salt, SRTP_GCM_SALT_LEN);
	memcpy(c->rtcp.salt, salt, SRTP_GCM_SALT_LEN);
	if (ops->gcm_new(&c->rtp.cipher, key, key_len))
		return -EINVAL;
	if (ops->gcm_new(&c->rtcp.cipher, key, key_len)) {
		ops->gcm_free(c->rtp.cipher);
		c->rtp.cipher = NULL;
		return -EINVAL;
	}
	return 0;
}

static int make_ctx(struct scratch *s, struct srtp_ctx *c, struct srtp_stream *st,
		    const struct vec *v, int key_len)
{
	memset(st, 0, sizeof(*st));
	if (v->session)
		return session_ctx(c, st, v, s->key, key_len, s->salt);
	return srtp_ctx_init(c, &srtprelay_crypto_ops, &s->pol, st, 1);
}

static int run_vec(struct scratch *s, const struct vec *v)
{
	int key_len, in_len, out_len, ret;
	u32 len;

	memset(&s->pol, 0, sizeof(s->pol));
	key_len = unhex(s->key, v->key, sizeof(s->key));
	in_len = unhex(s->in, v->in, sizeof(s->in));
	out_len = unhex(s->out, v->out, sizeof(s->out));
	if (key_len < 0 || in_len < 0 || out_len < 0 || unhex(s->salt, v->salt, sizeof(s->salt)) < 0)
		return -EINVAL;
	s->pol.suite = v->suite;
	s->pol.flags = v->flags;
	memcpy(s->pol.key, s->key, key_len);
	memcpy(s->pol.salt, s->salt, sizeof(s->salt));

	ret = make_ctx(s, &s->tx, s->txs, v, key_len);
	if (ret) {
		pr_err("self-test %s: no transmit context (%d)\n", v->name, ret);
		return ret;
	}
	if (v->rtcp) {
		ret = srtp_stream_set_roc(&s->tx, srtp_get_be32(s->in + 4), 0);
		s->txs[0].rtcp_tx_index = v->rtcp_index - 1;
	}
	memcpy(s->pkt, s->in, in_len);
	len = in_len;
	if (ret >= 0)
		ret = (v->rtcp ? srtp_rtcp_protect : srtp_rtp_protect)(&s->tx, s->pkt, &len,
								      sizeof(s->pkt));
	srtp_ctx_free(&s->tx);
	if (ret || len != out_len || memcmp(s->pkt, s->out, out_len)) {
		pr_err("self-test %s: protect gave %d, %u octets\n", v->name, ret, len);
		return -EBADMSG;
	}

	ret = make_ctx(s, &s->rx, s->rxs, v, key_len);
	if (ret) {
		pr_err("self-test %s: no receive context (%d)\n", v->name, ret);
		return ret;
	}
	ret = (v->rtcp ? srtp_rtcp_unprotect : srtp_rtp_unprotect)(&s->rx, s->pkt, &len);
	srtp_ctx_free(&s->rx);
	if (ret || len != in_len || memcmp(s->pkt, s->in, in_len)) {
		pr_err("self-test %s: unprotect gave %d, %u octets\n", v->name, ret, len);
		return -EBADMSG;
	}
	return 0;
}

/* Runs every vector; 0 when all pass. */
int srtprelay_selftest(void)
{
	struct scratch *s = kzalloc(sizeof(*s), GFP_KERNEL);
	int failed = 0;

	if (!s)
		return -ENOMEM;
	for (size_t i = 0; i < ARRAY_SIZE(vecs); i++)
		if (run_vec(s, &vecs[i]))
			failed++;
	kfree_sensitive(s);
	if (failed) {
		pr_err("self-tests: %d of %zu FAILED\n", failed, ARRAY_SIZE(vecs));
		return -EBADMSG;
	}
	pr_info("self-tests: pass\n");
	return 0;
}
