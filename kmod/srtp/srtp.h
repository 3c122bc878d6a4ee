/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * The SRTP core: SRTP/SRTCP packet logic shared by srtprelay.ko and srtprelayd.
 *
 * What lives here: suites, key derivation (RFC 3711 4.3, RFC 6188, RFC 7714), packet index and
 * ROC estimation (RFC 3711 Appendix A), replay windows, IV construction, RTP/RTCP parsing and
 * the SRTP/SRTCP packet layouts. What does not: the ciphers themselves, which sit behind
 * struct srtp_ops (the kernel crypto API in the module, OpenSSL in userspace), and any memory
 * allocation: every piece of state is in a struct the caller owns.
 *
 * A context (struct srtp_ctx) is one direction of one master key: an inbound context only
 * unprotects, an outbound one only protects. It tracks several SSRCs in a caller-supplied array
 * of struct srtp_stream.
 *
 * Per packet there are two ways to use it:
 *   - srtp_rtp_protect() / srtp_rtp_unprotect() / srtp_rtcp_protect() / srtp_rtcp_unprotect(): everything,
 *     synchronously, through the ops table. The daemon uses these.
 *   - the job API: *_prepare() parses the packet, estimates its index, checks the replay window
 *     and describes the cryptographic work in a struct srtp_job (IV, which bytes are
 *     authenticated, encrypted, where the tag goes); the caller runs it (possibly
 *     asynchronously); srtp_unprotect_finish() then commits the replay window and ROC. The
 *     kernel uses this, so that an async crypto driver never blocks the packet path.
 *
 * Errors are negative enum srtp_err values. A packet that fails never changes stream state.
 */
#ifndef SRTP_CORE_H
#define SRTP_CORE_H

#include "srtp_compat.h"

enum srtp_suite_id {
	SRTP_SUITE_INVALID = 0,
	SRTP_AES_CM_128_HMAC_SHA1_80,
	SRTP_AES_CM_128_HMAC_SHA1_32,
	SRTP_AES_192_CM_HMAC_SHA1_80,
	SRTP_AES_192_CM_HMAC_SHA1_32,
	SRTP_AES_256_CM_HMAC_SHA1_80,
	SRTP_AES_256_CM_HMAC_SHA1_32,
	SRTP_AEAD_AES_128_GCM,
	SRTP_AEAD_AES_256_GCM,
	SRTP_NULL_HMAC_SHA1_80,
	SRTP_NULL_HMAC_SHA1_32,
	SRTP_AES_CM_128_NULL_AUTH,
	SRTP_NULL_NULL,
	SRTP_SUITE_COUNT
};

enum srtp_cipher { SRTP_CIPHER_NULL, SRTP_CIPHER_AES_CM, SRTP_CIPHER_AES_GCM };

struct srtp_suite {
	const char *name;	/* as SDES (RFC 4568) spells it */
	uint8_t id;		/* enum srtp_suite_id */
	uint8_t cipher;		/* enum srtp_cipher */
	uint8_t key_len;	/* master and session key: 16, 24 or 32 */
	uint8_t salt_len;	/* master salt: 14, or 12 for GCM */
	uint8_t rtp_tag_len;	/* HMAC tag on SRTP, or the GCM tag */
	uint8_t rtcp_tag_len;	/* SRTCP always carries an 80-bit HMAC tag (RFC 4568 6.2) */
	bool hmac;
};

enum srtp_err {
	SRTP_OK = 0,
	SRTP_ERR_TRUNCATED,	/* shorter than its headers and trailer say */
	SRTP_ERR_MALFORMED,	/* not version 2, bad padding, RTCP lengths that do not add up */
	SRTP_ERR_AUTH,		/* authentication tag mismatch */
	SRTP_ERR_REPLAY,	/* index already received */
	SRTP_ERR_REPLAY_OLD,	/* index older than the replay window */
	SRTP_ERR_NO_STREAM,	/* a new SSRC and no free stream slot */
	SRTP_ERR_MKI,		/* the MKI is not this context's */
	SRTP_ERR_NOSPACE,	/* no room after the packet for the SRTP trailer */
	SRTP_ERR_CRYPTO,	/* the cipher backend failed */
	SRTP_ERR_INVAL,		/* bad policy or arguments */
	SRTP_ERR_COUNT
};

/*
 * What an error means for a relay's counters: the one map the module and the daemon both
 * count by, so the same packet is the same drop on either path. Anything else (an error
 * code this core does not return) counts as malformed.
 */
enum srtp_drop {
	SRTP_DROP_MALFORMED,	/* truncated, malformed, bad arguments */
	SRTP_DROP_AUTH,		/* tag mismatch, wrong MKI */
	SRTP_DROP_REPLAY,	/* replayed, or older than the window */
	SRTP_DROP_NO_STREAM,	/* a new SSRC and no room for it */
	SRTP_DROP_CRYPTO,	/* the cipher failed, or no room for the trailer */
};

static inline enum srtp_drop srtp_err_drop(int err)
{
	switch (-err) {
	case SRTP_ERR_AUTH:
	case SRTP_ERR_MKI:
		return SRTP_DROP_AUTH;
	case SRTP_ERR_REPLAY:
	case SRTP_ERR_REPLAY_OLD:
		return SRTP_DROP_REPLAY;
	case SRTP_ERR_NO_STREAM:
		return SRTP_DROP_NO_STREAM;
	case SRTP_ERR_CRYPTO:
	case SRTP_ERR_NOSPACE:
		return SRTP_DROP_CRYPTO;
	default:
		return SRTP_DROP_MALFORMED;
	}
}

#define SRTP_KEY_LEN_MAX 32
#define SRTP_CM_SALT_LEN 14	/* AES-CM session salt; GCM uses the first 12 octets */
#define SRTP_GCM_SALT_LEN 12
#define SRTP_MKI_LEN_MAX 128	/* RFC 4568 6.1: an MKI length is 1 to 128 octets */
#define SRTP_HMAC_KEY_LEN 20
#define SRTP_GCM_TAG_LEN 16
#define SRTP_MAX_KDR_LOG2 24	/* RFC 3711: the key derivation rate is 0 or 2^0..2^24 */
/* Largest growth of a packet on protect with an MKI of mki octets: SRTCP E||index + MKI +
 * 16-byte tag; SRTP_MAX_TRAILER for any MKI. */
#define SRTP_TRAILER_LEN(mki) (4 + (mki) + SRTP_GCM_TAG_LEN)
#define SRTP_MAX_TRAILER SRTP_TRAILER_LEN(SRTP_MKI_LEN_MAX)

/* struct srtp_policy.flags: SDES session parameters (RFC 4568 6.3) and the KDR. */
#define SRTP_POLICY_UNENCRYPTED_SRTP 0x01
#define SRTP_POLICY_UNENCRYPTED_SRTCP 0x02
#define SRTP_POLICY_UNAUTHENTICATED_SRTP 0x04
#define SRTP_POLICY_KDR 0x08	/* kdr_log2 is valid: session keys change every 2^kdr_log2 */
#define SRTP_POLICY_ALL 0x0f

/* What negotiation produced for one direction. */
struct srtp_policy {
	uint8_t suite;		/* enum srtp_suite_id */
	uint8_t flags;		/* SRTP_POLICY_* */
	uint8_t kdr_log2;
	uint8_t mki_len;	/* 0 = no MKI in packets */
	uint8_t mki[SRTP_MKI_LEN_MAX];
	uint8_t key[SRTP_KEY_LEN_MAX];
	uint8_t salt[SRTP_CM_SALT_LEN];
};

/*
 * The backend. Transforms are created and keyed once per context (*_new, which may sleep and
 * allocate); the per-packet calls only use them. All return 0 or a negative errno.
 */
struct srtp_ops {
	int (*ctr_new)(void **h, const uint8_t *key, uint32_t key_len);
	/* XORs the AES-CTR keystream that starts at counter block iv into buf. */
	int (*ctr_xor)(void *h, const uint8_t iv[16], uint8_t *buf, uint32_t len);
	void (*ctr_free)(void *h);
	int (*hmac_new)(void **h, const uint8_t *key, uint32_t key_len);
	/* HMAC-SHA1 of a || b, all 20 octets. */
	int (*hmac)(void *h, const uint8_t *a, uint32_t a_len, const uint8_t *b, uint32_t b_len,
		    uint8_t out[20]);
	void (*hmac_free)(void *h);
	int (*gcm_new)(void **h, const uint8_t *key, uint32_t key_len);
	/* AES-GCM, 12-octet IV, AAD = aad || aad2, text encrypted in place, 16-octet tag. */
	int (*gcm_seal)(void *h, const uint8_t iv[12], const uint8_t *aad, uint32_t aad_len,
			const uint8_t *aad2, uint32_t aad2_len, uint8_t *text, uint32_t len,
			uint8_t tag[16]);
	/* As gcm_seal, decrypting; -EBADMSG when the tag does not verify. */
	int (*gcm_open)(void *h, const uint8_t iv[12], const uint8_t *aad, uint32_t aad_len,
			const uint8_t *aad2, uint32_t aad2_len, uint8_t *text, uint32_t len,
			const uint8_t tag[16]);
	void (*gcm_free)(void *h);
};

/* A replay window: the highest index seen and a ring of bits below it (RFC 6479 style). */
#define SRTP_REPLAY_WORDS 4
#define SRTP_REPLAY_WINDOW ((SRTP_REPLAY_WORDS - 1) * 64)	/* 192 packets */
struct srtp_window {
	uint64_t top;
	uint64_t bits[SRTP_REPLAY_WORDS];
};

/* struct srtp_stream.flags */
#define SRTP_STREAM_USED 0x01
#define SRTP_STREAM_RTP_SEEN 0x02	/* rtp.top holds a real index; else only its ROC is set */
#define SRTP_STREAM_RTCP_SEEN 0x04

/* Per-SSRC state. Plain data: copying the array carries ROC and windows to a new context. */
struct srtp_stream {
	uint32_t ssrc;
	uint8_t flags;
	uint32_t rtcp_tx_index;	/* outbound: the last SRTCP index sent */
	struct srtp_window rtp;	/* rtp.top = ROC << 16 | highest SEQ */
	struct srtp_window rtcp;
};

struct srtp_keys {
	void *cipher;		/* AES-CTR or AES-GCM handle; NULL for the NULL cipher */
	void *auth;		/* HMAC-SHA1 handle; NULL without HMAC */
	uint8_t salt[SRTP_CM_SALT_LEN];
	uint64_t r;		/* index DIV kdr these keys belong to */
};

struct srtp_ctx {
	const struct srtp_suite *suite;
	const struct srtp_ops *ops;
	struct srtp_policy policy;	/* the master key stays only while the KDR needs it */
	struct srtp_keys rtp, rtcp;
	struct srtp_stream *streams;
	uint16_t max_streams;
	/* Packets the one-call API refused, by enum srtp_err; job API users count their own. */
	uint64_t drops[SRTP_ERR_COUNT];
};

/* struct srtp_job.flags */
#define SRTP_JOB_ENCRYPT 0x01	/* the body is (to be) encrypted */
#define SRTP_JOB_AEAD 0x02	/* GCM: hdr_len octets + tail are the AAD */
#define SRTP_JOB_RTCP 0x04
#define SRTP_JOB_NEW_STREAM 0x08	/* unprotect: first packet of this SSRC */

/*
 * The cryptographic work for one packet, as _prepare() describes it:
 *   AES-CM / NULL: body = pkt[hdr_len, hdr_len + body_len) is the ciphertext;
 *                  HMAC over pkt[0, auth_len) || tail; tag_len octets at tag_off.
 *   GCM:           AAD = pkt[0, hdr_len) || tail; text = the body; 16-octet tag at tag_off.
 */
struct srtp_job {
	struct srtp_keys *keys;
	uint64_t index;		/* SRTP: ROC << 16 | SEQ; SRTCP: the 31-bit index */
	uint32_t ssrc;
	uint16_t stream;	/* slot in ctx->streams */
	uint8_t flags;		/* SRTP_JOB_* */
	uint8_t tag_len;
	uint32_t hdr_len;
	uint32_t body_len;
	uint32_t auth_len;
	uint32_t tag_off;
	uint32_t out_len;	/* packet length once the job is done */
	uint8_t tail_len;
	uint8_t tail[4];	/* SRTP: the ROC (RFC 3711 4.2); GCM SRTCP: E || index */
	uint8_t iv[16];
};

/* RTP header facts (RFC 3550 5.1). */
struct srtp_rtp_hdr {
	uint32_t hdr_len;	/* fixed header + CSRCs + extension */
	uint32_t ssrc;
	uint16_t seq;
	uint8_t pt;
};

/* Counts a refusal of the one-call API in c->drops. */
static inline void srtp_count_drop(struct srtp_ctx *c, int err)
{
	if (err < 0 && -err < SRTP_ERR_COUNT)
		c->drops[-err]++;
}

/* suite.c */
const struct srtp_suite *srtp_suite_get(unsigned int id);
const struct srtp_suite *srtp_suite_by_name(const char *name, uint32_t len);
const char *srtp_strerror(int err);

/* context.c */
int srtp_ctx_init(struct srtp_ctx *c, const struct srtp_ops *ops, const struct srtp_policy *p,
		  struct srtp_stream *streams, uint16_t max_streams);
void srtp_ctx_free(struct srtp_ctx *c);
int srtp_stream_find(const struct srtp_ctx *c, uint32_t ssrc);
int srtp_stream_set_roc(struct srtp_ctx *c, uint32_t ssrc, uint32_t roc);

/* Where another context left a stream (userspace handing it to the kernel, or back). */
struct srtp_stream_state {
	uint64_t rtp_index;	/* highest RTP index, ROC << 16 | SEQ */
	uint32_t rtcp_index;	/* highest SRTCP index received, or sent (outbound) */
	bool has_rtp, has_rtcp;
};
/*
 * Moves ssrc's stream forward to s, never back: where s is ahead (or the stream has seen
 * nothing), the highest index becomes s's and every index at or below it counts as
 * received, so nothing the other context took can be replayed here (a packet reordered
 * across the hand-over is dropped with them); an outbound stream's next SRTCP index follows
 * s's. Where the stream is ahead already (the newer state), it stays. Returns the slot or a
 * negative error.
 */
int srtp_stream_advance(struct srtp_ctx *c, uint32_t ssrc, const struct srtp_stream_state *s);
int srtp_job_crypt(const struct srtp_ctx *c, const struct srtp_job *j, uint8_t *pkt, bool protect);
int srtp_unprotect_finish(struct srtp_ctx *c, const struct srtp_job *j, const uint8_t *pkt);
int srtp_stream_lookup(struct srtp_ctx *c, uint32_t ssrc, bool create, bool *is_new);
int srtp_key_refresh(struct srtp_ctx *c, struct srtp_keys *k, bool rtcp, uint64_t index);

/* kdf.c */
int srtp_derive_keys(const struct srtp_ops *ops, const struct srtp_suite *s,
		     const struct srtp_policy *p, bool rtcp, uint64_t r, struct srtp_keys *k);
void srtp_keys_free(const struct srtp_ops *ops, const struct srtp_suite *s, struct srtp_keys *k);
int srtp_kdf(const struct srtp_ops *ops, void *prf, const uint8_t master_salt[SRTP_CM_SALT_LEN],
	     uint8_t label, uint64_t r, uint8_t *out, uint32_t len);

/* replay.c */
uint64_t srtp_estimate_index(const struct srtp_stream *st, uint16_t seq, bool *too_old);
int srtp_window_check(const struct srtp_window *w, bool seen, uint64_t index);
void srtp_window_update(struct srtp_window *w, bool seen, uint64_t index);

/* rtp.c */
int srtp_rtp_parse(const uint8_t *pkt, uint32_t len, struct srtp_rtp_hdr *h);
int srtp_rtp_check_padding(const uint8_t *pkt, uint32_t len, uint32_t hdr_len);
int srtp_rtp_protect_prepare(struct srtp_ctx *c, uint8_t *pkt, uint32_t len, uint32_t cap,
			 struct srtp_job *j);
int srtp_rtp_unprotect_prepare(struct srtp_ctx *c, const uint8_t *pkt, uint32_t len,
			   struct srtp_job *j);
int srtp_rtp_protect(struct srtp_ctx *c, uint8_t *pkt, uint32_t *len, uint32_t cap);
int srtp_rtp_unprotect(struct srtp_ctx *c, uint8_t *pkt, uint32_t *len);

/* rtcp.c */
int srtp_rtcp_check_header(const uint8_t *pkt, uint32_t len);
int srtp_rtcp_check_compound(const uint8_t *pkt, uint32_t len);
int srtp_rtcp_protect_prepare(struct srtp_ctx *c, uint8_t *pkt, uint32_t len, uint32_t cap,
			  struct srtp_job *j);
int srtp_rtcp_unprotect_prepare(struct srtp_ctx *c, const uint8_t *pkt, uint32_t len,
			    struct srtp_job *j);
int srtp_rtcp_protect(struct srtp_ctx *c, uint8_t *pkt, uint32_t *len, uint32_t cap);
int srtp_rtcp_unprotect(struct srtp_ctx *c, uint8_t *pkt, uint32_t *len);

/* demux.c: RFC 7983 first-octet demultiplexing, RFC 5761 RTP/RTCP on one port. */
enum srtp_pkt_class {
	SRTP_CLASS_OTHER,
	SRTP_CLASS_STUN,
	SRTP_CLASS_DTLS,
	SRTP_CLASS_RTP,
	SRTP_CLASS_RTCP,
};
enum srtp_pkt_class srtp_classify(const uint8_t *pkt, uint32_t len);

#endif
