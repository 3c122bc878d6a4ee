// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * ns per 172-octet RTP packet (12-octet header, 160-octet payload), protect and unprotect, for
 * every suite: the SRTP core (OpenSSL backend), Debian's libsrtp2, and the floor: the cheapest
 * way this OpenSSL does the same primitives (AES-CTR over 160 octets plus HMAC-SHA1 over 172
 * with precomputed states; or one AES-GCM seal/open), measured in the same run.
 * Not a pass/fail test. Targets: ours/floor <= 1.5, ours/libsrtp < 1.
 */
#define OPENSSL_SUPPRESS_DEPRECATED
#include "srtp.h"
#include "srtp_openssl.h"

#include <srtp2/srtp.h>
#include <openssl/evp.h>
#include <openssl/sha.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define PAYLOAD 160
#define PLEN (12 + PAYLOAD)
#define NPKT 16384
#define ROUNDS 7
#define SLOT 256

static uint8_t key[64];
static uint8_t *pkts;	/* NPKT protected packets */
static uint32_t lens[NPKT];

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static void make_rtp(uint8_t *b, uint16_t seq)
{
	memset(b, 0, PLEN);
	b[0] = 0x80;
	b[1] = 0;
	b[2] = (uint8_t)(seq >> 8);
	b[3] = (uint8_t)seq;
	memcpy(b + 8, "\x12\x34\x56\x78", 4);
	for (int i = 12; i < PLEN; i++)
		b[i] = (uint8_t)i;
}

/* --- ours --- */

static struct srtp_stream streams[2];

static void ours_ctx(struct srtp_ctx *c, unsigned int suite)
{
	struct srtp_policy p = { .suite = (uint8_t)suite };

	memcpy(p.key, key, 32);
	memcpy(p.salt, key + 32, 14);
	memset(streams, 0, sizeof(streams));
	if (srtp_ctx_init(c, &srtp_openssl_ops, &p, streams, 2))
		abort();
}

static double ours_protect(unsigned int suite)
{
	struct srtp_ctx c;
	double best = 1e18;

	for (int r = 0; r < ROUNDS; r++) {
		double t;

		ours_ctx(&c, suite);
		for (int i = 0; i < NPKT; i++)
			make_rtp(pkts + i * SLOT, (uint16_t)i);
		t = now_ns();
		for (int i = 0; i < NPKT; i++) {
			lens[i] = PLEN;
			if (srtp_rtp_protect(&c, pkts + i * SLOT, &lens[i], SLOT))
				abort();
		}
		t = (now_ns() - t) / NPKT;
		best = t < best ? t : best;
		srtp_ctx_free(&c);
	}
	return best;
}

/* Unprotects the packets ours_protect() left, with a fresh receiver each round. */
static double ours_unprotect(unsigned int suite)
{
	static uint8_t copy[NPKT * SLOT];
	struct srtp_ctx c;
	double best = 1e18;

	for (int r = 0; r < ROUNDS; r++) {
		double t;

		ours_ctx(&c, suite);
		memcpy(copy, pkts, sizeof(copy));
		t = now_ns();
		for (int i = 0; i < NPKT; i++) {
			uint32_t len = lens[i];

			if (srtp_rtp_unprotect(&c, copy + i * SLOT, &len))
				abort();
		}
		t = (now_ns() - t) / NPKT;
		best = t < best ? t : best;
		srtp_ctx_free(&c);
	}
	return best;
}

/* --- libsrtp2 --- */

struct lib_suite {
	unsigned int ours;
	void (*set)(srtp_crypto_policy_t *p);
};

static void null_hmac_32(srtp_crypto_policy_t *p)
{
	srtp_crypto_policy_set_null_cipher_hmac_sha1_80(p);
	p->auth_tag_len = 4;
}

static const struct lib_suite lib_suites[] = {
	{ SRTP_AES_CM_128_HMAC_SHA1_80, srtp_crypto_policy_set_rtp_default },
	{ SRTP_AES_CM_128_HMAC_SHA1_32, srtp_crypto_policy_set_aes_cm_128_hmac_sha1_32 },
	{ SRTP_AES_192_CM_HMAC_SHA1_80, srtp_crypto_policy_set_aes_cm_192_hmac_sha1_80 },
	{ SRTP_AES_192_CM_HMAC_SHA1_32, srtp_crypto_policy_set_aes_cm_192_hmac_sha1_32 },
	{ SRTP_AES_256_CM_HMAC_SHA1_80, srtp_crypto_policy_set_aes_cm_256_hmac_sha1_80 },
	{ SRTP_AES_256_CM_HMAC_SHA1_32, srtp_crypto_policy_set_aes_cm_256_hmac_sha1_32 },
	{ SRTP_AEAD_AES_128_GCM, srtp_crypto_policy_set_aes_gcm_128_16_auth },
	{ SRTP_AEAD_AES_256_GCM, srtp_crypto_policy_set_aes_gcm_256_16_auth },
	{ SRTP_NULL_HMAC_SHA1_80, srtp_crypto_policy_set_null_cipher_hmac_sha1_80 },
	{ SRTP_NULL_HMAC_SHA1_32, null_hmac_32 },
	{ SRTP_AES_CM_128_NULL_AUTH, srtp_crypto_policy_set_aes_cm_128_null_auth },
	{ SRTP_NULL_NULL, srtp_crypto_policy_set_null_cipher_hmac_null },
};

static srtp_t lib_session(const struct lib_suite *s, bool tx)
{
	srtp_policy_t p;
	srtp_t session;

	memset(&p, 0, sizeof(p));
	s->set(&p.rtp);
	s->set(&p.rtcp);
	p.key = key;
	p.window_size = 128;
	p.ssrc.type = tx ? ssrc_any_outbound : ssrc_any_inbound;
	if (srtp_create(&session, &p) != srtp_err_status_ok)
		abort();
	return session;
}

static double lib_protect(const struct lib_suite *s)
{
	double best = 1e18;

	for (int r = 0; r < ROUNDS; r++) {
		srtp_t session = lib_session(s, true);
		double t;

		for (int i = 0; i < NPKT; i++)
			make_rtp(pkts + i * SLOT, (uint16_t)i);
		t = now_ns();
		for (int i = 0; i < NPKT; i++) {
			int len = PLEN;

			if (srtp_protect(session, pkts + i * SLOT, &len))
				abort();
			lens[i] = (uint32_t)len;
		}
		t = (now_ns() - t) / NPKT;
		best = t < best ? t : best;
		srtp_dealloc(session);
	}
	return best;
}

static double lib_unprotect(const struct lib_suite *s)
{
	static uint8_t copy[NPKT * SLOT];
	double best = 1e18;

	for (int r = 0; r < ROUNDS; r++) {
		srtp_t session = lib_session(s, false);
		double t;

		memcpy(copy, pkts, sizeof(copy));
		t = now_ns();
		for (int i = 0; i < NPKT; i++) {
			int len = (int)lens[i];

			if (srtp_unprotect(session, copy + i * SLOT, &len))
				abort();
		}
		t = (now_ns() - t) / NPKT;
		best = t < best ? t : best;
		srtp_dealloc(session);
	}
	return best;
}

/* --- the floor: the same primitives, called directly --- */

static double time_loop(void (*fn)(void *arg, uint8_t *b, int i), void *arg)
{
	double best = 1e18;

	for (int r = 0; r < ROUNDS; r++) {
		double t;

		for (int i = 0; i < NPKT; i++)
			make_rtp(pkts + i * SLOT, (uint16_t)i);
		t = now_ns();
		for (int i = 0; i < NPKT; i++)
			fn(arg, pkts + i * SLOT, i);
		t = (now_ns() - t) / NPKT;
		best = t < best ? t : best;
	}
	return best;
}

static void evp_ctr(void *ctx, uint8_t *b, int i)
{
	uint8_t iv[16] = { 0 };
	int out;

	iv[15] = (uint8_t)i;
	EVP_EncryptInit_ex(ctx, NULL, NULL, NULL, iv);
	EVP_EncryptUpdate(ctx, b + 12, &out, b + 12, PAYLOAD);
}

/* CTR built from ECB over counter blocks: one call for all ten blocks, no IV re-init. */
static void ecb_ctr(void *ctx, uint8_t *b, int i)
{
	uint8_t ks[PAYLOAD];
	int out;

	memset(ks, 0, sizeof(ks));
	for (int k = 0; k < PAYLOAD / 16; k++) {
		ks[16 * k + 15] = (uint8_t)k;
		ks[16 * k + 14] = (uint8_t)i;
	}
	EVP_EncryptUpdate(ctx, ks, &out, ks, PAYLOAD);
	for (int k = 0; k < PAYLOAD; k++)
		b[12 + k] ^= ks[k];
}

static SHA_CTX hmac_in, hmac_out;

static void hmac_sha1(void *unused, uint8_t *b, int i)
{
	SHA_CTX c = hmac_in;
	uint8_t d[20];

	(void)unused;
	(void)i;
	SHA1_Update(&c, b, PLEN);
	SHA1_Final(d, &c);
	c = hmac_out;
	SHA1_Update(&c, d, 20);
	SHA1_Final(b + PLEN, &c);
}

static void gcm_seal(void *ctx, uint8_t *b, int i)
{
	uint8_t iv[12] = { 0 };
	int out;

	iv[11] = (uint8_t)i;
	EVP_EncryptInit_ex(ctx, NULL, NULL, NULL, iv);
	EVP_EncryptUpdate(ctx, NULL, &out, b, 12);
	EVP_EncryptUpdate(ctx, b + 12, &out, b + 12, PAYLOAD);
	EVP_EncryptFinal_ex(ctx, b + PLEN, &out);
	EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, 16, b + PLEN);
}

static EVP_CIPHER_CTX *keyed(const EVP_CIPHER *c)
{
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();

	EVP_EncryptInit_ex(ctx, c, NULL, key, NULL);
	return ctx;
}

static double floor_ctr(int key_len, double *evp, double *ecb)
{
	EVP_CIPHER_CTX *a = keyed(key_len == 16 ? EVP_aes_128_ctr() : key_len == 24 ?
				  EVP_aes_192_ctr() : EVP_aes_256_ctr());
	EVP_CIPHER_CTX *b = keyed(key_len == 16 ? EVP_aes_128_ecb() : key_len == 24 ?
				  EVP_aes_192_ecb() : EVP_aes_256_ecb());

	EVP_CIPHER_CTX_set_padding(b, 0);
	*evp = time_loop(evp_ctr, a);
	*ecb = time_loop(ecb_ctr, b);
	EVP_CIPHER_CTX_free(a);
	EVP_CIPHER_CTX_free(b);
	return *evp < *ecb ? *evp : *ecb;
}

int main(void)
{
	double hmac, ctr_floor[33], ctr_evp[33], ctr_ecb[33], gcm[33];
	uint8_t pad[64];

	for (int i = 0; i < 64; i++)
		key[i] = (uint8_t)(i * 13 + 1);
	pkts = aligned_alloc(64, NPKT * SLOT);
	if (srtp_init() != srtp_err_status_ok || !pkts)
		return 1;

	memset(pad, 0x36, 64);
	SHA1_Init(&hmac_in);
	SHA1_Update(&hmac_in, pad, 64);
	memset(pad, 0x5c, 64);
	SHA1_Init(&hmac_out);
	SHA1_Update(&hmac_out, pad, 64);
	hmac = time_loop(hmac_sha1, NULL);
	for (int k = 16; k <= 32; k += 8)
		ctr_floor[k] = floor_ctr(k, &ctr_evp[k], &ctr_ecb[k]);
	for (int k = 16; k <= 32; k += 16) {
		EVP_CIPHER_CTX *c = keyed(k == 16 ? EVP_aes_128_gcm() : EVP_aes_256_gcm());

		gcm[k] = time_loop(gcm_seal, c);
		EVP_CIPHER_CTX_free(c);
	}

	printf("srtp core bench: ns per %d-octet RTP packet, best of %d rounds of %d packets\n",
	       PLEN, ROUNDS, NPKT);
	printf("floor parts: HMAC-SHA1/172 %.0f ns; AES-CTR/160 (EVP IV re-init | ECB counter "
	       "blocks): 128 %.0f|%.0f, 192 %.0f|%.0f, 256 %.0f|%.0f; AES-GCM seal 128 %.0f, "
	       "256 %.0f\n\n", hmac, ctr_evp[16], ctr_ecb[16], ctr_evp[24], ctr_ecb[24],
	       ctr_evp[32], ctr_ecb[32], gcm[16], gcm[32]);
	printf("%-26s %-10s %8s %8s %8s %11s %13s\n", "suite", "op", "ours", "libsrtp", "floor",
	       "ours/floor", "ours/libsrtp");
	for (size_t i = 0; i < sizeof(lib_suites) / sizeof(lib_suites[0]); i++) {
		const struct srtp_suite *s = srtp_suite_get(lib_suites[i].ours);
		double fl = 0, op[4];

		if (s->cipher == SRTP_CIPHER_AES_GCM)
			fl = gcm[s->key_len];
		else if (s->cipher == SRTP_CIPHER_AES_CM)
			fl = ctr_floor[s->key_len];
		if (s->hmac)
			fl += hmac;
		op[0] = ours_protect(s->id);
		op[1] = ours_unprotect(s->id);
		op[2] = lib_protect(&lib_suites[i]);
		op[3] = lib_unprotect(&lib_suites[i]);
		for (int u = 0; u < 2; u++) {
			printf("%-26s %-10s %8.0f %8.0f %8.0f", s->name, u ? "unprotect" : "protect",
			       op[u], op[2 + u], fl);
			if (fl > 0)
				printf(" %11.2f", op[u] / fl);
			else
				printf(" %11s", "-");
			printf(" %13.2f\n", op[u] / op[2 + u]);
		}
	}
	free(pkts);
	return 0;
}
