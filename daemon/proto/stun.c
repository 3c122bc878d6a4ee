// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * STUN messages for the ICE-lite agent: parsing, FINGERPRINT and MESSAGE-INTEGRITY checks,
 * and the Binding messages we build (see stun.h). HMAC-SHA1 goes through OpenSSL 3's EVP_MAC,
 * which takes the message in pieces, so the integrity check hashes a patched copy of the
 * header followed by the packet's own attributes and never writes into the packet. The CRC-32
 * is a bitwise loop: STUN messages are small and a table would buy nothing here.
 */
#include "stun.h"

#include <errno.h>
#include <string.h>
#include <netinet/in.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#define ATTR_HDR 4
#define MI_ATTR_LEN (ATTR_HDR + STUN_HMAC_LEN)
#define FP_ATTR_LEN (ATTR_HDR + 4)
#define STUN_LEN_MAX (STUN_HEADER_LEN + 0xffff)

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint64_t get64(const uint8_t *p)
{
	return (uint64_t)get32(p) << 32 | get32(p + 4);
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
}

static void put64(uint8_t *p, uint64_t v)
{
	put32(p, (uint32_t)(v >> 32));
	put32(p + 4, (uint32_t)v);
}

static size_t pad4(size_t n)
{
	return (n + 3) & ~(size_t)3;
}

/* CRC-32 as in ISO HDLC, Ethernet and zlib: reflected polynomial 0xEDB88320, all ones in and
 * out. */
static uint32_t crc32_stun(const uint8_t *p, size_t n)
{
	uint32_t crc = 0xffffffffu;

	for (size_t i = 0; i < n; i++) {
		crc ^= p[i];
		for (int k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1)));
	}
	return ~crc;
}

/* HMAC-SHA1 under key of hdr (20 octets) then body; false if OpenSSL fails. */
static bool hmac_sha1(const uint8_t *key, size_t key_len, const uint8_t *hdr,
		      const uint8_t *body, size_t body_len, uint8_t out[STUN_HMAC_LEN])
{
	char digest[] = "SHA1";
	OSSL_PARAM params[] = {
		OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
		OSSL_PARAM_construct_end(),
	};
	EVP_MAC *mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
	EVP_MAC_CTX *ctx = mac ? EVP_MAC_CTX_new(mac) : NULL;
	size_t n = 0;
	bool ok;

	ok = ctx && EVP_MAC_init(ctx, key, key_len, params) == 1 &&
	     EVP_MAC_update(ctx, hdr, STUN_HEADER_LEN) == 1 &&
	     (!body_len || EVP_MAC_update(ctx, body, body_len) == 1) &&
	     EVP_MAC_final(ctx, out, &n, STUN_HMAC_LEN) == 1 && n == STUN_HMAC_LEN;
	EVP_MAC_CTX_free(ctx);	/* clears the keyed state */
	EVP_MAC_free(mac);
	return ok;
}

/* --- parsing --- */

static int parse_header(const uint8_t *pkt, size_t len, struct stun_msg *m)
{
	if (len < STUN_HEADER_LEN || len > STUN_LEN_MAX)
		return -EINVAL;
	if (pkt[0] & 0xc0)
		return -EINVAL;
	if (get32(pkt + 4) != STUN_MAGIC_COOKIE)
		return -EINVAL;
	if (get16(pkt + 2) % 4 || get16(pkt + 2) != len - STUN_HEADER_LEN)
		return -EINVAL;
	m->type = get16(pkt);
	memcpy(m->txid, pkt + 8, STUN_TXID_LEN);
	return 0;
}

/* An XOR-MAPPED-ADDRESS value v (n octets) into ss: the port is XORed with the cookie's top
 * half, the address with the cookie and then the transaction id (hdr is the packet). */
static int parse_address(const uint8_t *v, uint16_t n, const uint8_t *hdr,
			 struct sockaddr_storage *ss)
{
	uint8_t mask[16];
	uint16_t port;

	if (n < 4)
		return -EBADMSG;
	memcpy(mask, hdr + 4, 16);	/* cookie || transaction id */
	port = get16(v + 2) ^ (uint16_t)(STUN_MAGIC_COOKIE >> 16);
	memset(ss, 0, sizeof(*ss));
	if (v[1] == 0x01 && n == 8) {
		struct sockaddr_in *sin = (struct sockaddr_in *)ss;
		uint8_t *a = (uint8_t *)&sin->sin_addr;

		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
		for (int i = 0; i < 4; i++)
			a[i] = v[4 + i] ^ mask[i];
		return 0;
	}
	if (v[1] == 0x02 && n == 20) {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(port);
		for (int i = 0; i < 16; i++)
			sin6->sin6_addr.s6_addr[i] = v[4 + i] ^ mask[i];
		return 0;
	}
	return -EBADMSG;
}

static int parse_error_code(const uint8_t *v, uint16_t n, struct stun_msg *m)
{
	unsigned int cls, num;

	if (n < 4)
		return -EBADMSG;
	cls = v[2] & 0x07;
	num = v[3];
	if (cls < 3 || cls > 6 || num > 99)
		return -EBADMSG;
	m->has_error = true;
	m->error_code = (uint16_t)(cls * 100 + num);
	m->error_reason.p = v + 4;
	m->error_reason.len = (uint16_t)(n - 4);
	return 0;
}

static void keep_bytes(struct stun_bytes *b, const uint8_t *v, uint16_t n)
{
	if (!b->p) {
		b->p = v;
		b->len = n;
	}
}

static void note_unknown(struct stun_msg *m, uint16_t type)
{
	for (unsigned int i = 0; i < m->n_unknown; i++)
		if (m->unknown[i] == type)
			return;
	if (m->n_unknown < STUN_UNKNOWN_MAX)
		m->unknown[m->n_unknown++] = type;
}

static int parse_role(struct stun_msg *m, enum stun_role role, const uint8_t *v, uint16_t n)
{
	if (n != 8)
		return -EBADMSG;
	if (m->role == role)
		return 0;	/* a repeat: the first one counts */
	if (m->role != STUN_ROLE_NONE)
		return -EBADMSG;	/* both roles at once */
	m->role = role;
	m->tiebreaker = get64(v);
	return 0;
}

/* One attribute before MESSAGE-INTEGRITY (and MESSAGE-INTEGRITY itself). */
static int parse_attr(const uint8_t *pkt, size_t off, uint16_t type, uint16_t n,
		      struct stun_msg *m)
{
	const uint8_t *v = pkt + off + ATTR_HDR;

	switch (type) {
	case STUN_ATTR_USERNAME:
		if (n > STUN_USERNAME_MAX)
			return -EBADMSG;
		keep_bytes(&m->username, v, n);
		return 0;
	case STUN_ATTR_REALM:
		keep_bytes(&m->realm, v, n);
		return 0;
	case STUN_ATTR_NONCE:
		keep_bytes(&m->nonce, v, n);
		return 0;
	case STUN_ATTR_SOFTWARE:
		keep_bytes(&m->software, v, n);
		return 0;
	case STUN_ATTR_MESSAGE_INTEGRITY:
		if (n != STUN_HMAC_LEN)
			return -EBADMSG;
		m->has_integrity = true;
		m->integrity_off = off;
		return 0;
	case STUN_ATTR_PRIORITY:
		if (n != 4)
			return -EBADMSG;
		if (!m->has_priority) {
			m->has_priority = true;
			m->priority = get32(v);
		}
		return 0;
	case STUN_ATTR_USE_CANDIDATE:
		if (n != 0)
			return -EBADMSG;
		m->use_candidate = true;
		return 0;
	case STUN_ATTR_ICE_CONTROLLING:
		return parse_role(m, STUN_ROLE_CONTROLLING, v, n);
	case STUN_ATTR_ICE_CONTROLLED:
		return parse_role(m, STUN_ROLE_CONTROLLED, v, n);
	case STUN_ATTR_ERROR_CODE:
		return m->has_error ? 0 : parse_error_code(v, n, m);
	case STUN_ATTR_XOR_MAPPED_ADDRESS:
		if (m->has_xor_mapped)
			return 0;
		if (parse_address(v, n, pkt, &m->xor_mapped))
			return -EBADMSG;
		m->has_xor_mapped = true;
		return 0;
	case STUN_ATTR_MAPPED_ADDRESS:
	case STUN_ATTR_UNKNOWN_ATTRIBUTES:
		return 0;
	}
	if (stun_attr_required(type))
		note_unknown(m, type);
	return 0;
}

int stun_parse(const uint8_t *pkt, size_t len, struct stun_msg *m)
{
	size_t off = STUN_HEADER_LEN;
	int r;

	memset(m, 0, sizeof(*m));
	r = parse_header(pkt, len, m);
	if (r)
		return r;
	while (off < len) {
		uint16_t type, n;

		if (len - off < ATTR_HDR)
			return -EBADMSG;
		type = get16(pkt + off);
		n = get16(pkt + off + 2);
		if (pad4(n) > len - off - ATTR_HDR)
			return -EBADMSG;
		if (m->has_fingerprint)
			return -EBADMSG;	/* FINGERPRINT must be last */
		if (type == STUN_ATTR_FINGERPRINT) {
			if (n != 4)
				return -EBADMSG;
			m->has_fingerprint = true;
			m->fingerprint = get32(pkt + off + ATTR_HDR);
			m->fingerprint_off = off;
		} else if (!m->has_integrity) {
			r = parse_attr(pkt, off, type, n, m);
			if (r)
				return r;
		}
		off += ATTR_HDR + pad4(n);
	}
	return 0;
}

/* --- checks --- */

bool stun_check_fingerprint(const uint8_t *pkt, size_t len, const struct stun_msg *m)
{
	if (!m->has_fingerprint || m->fingerprint_off < STUN_HEADER_LEN ||
	    m->fingerprint_off > len || len - m->fingerprint_off < FP_ATTR_LEN)
		return false;
	return (crc32_stun(pkt, m->fingerprint_off) ^ STUN_FINGERPRINT_XOR) == m->fingerprint;
}

bool stun_check_integrity(const uint8_t *pkt, size_t len, const struct stun_msg *m,
			  const uint8_t *key, size_t key_len)
{
	size_t off = m->integrity_off;
	uint8_t hdr[STUN_HEADER_LEN], mac[STUN_HMAC_LEN];
	bool ok;

	if (!m->has_integrity || !key || !key_len || off < STUN_HEADER_LEN || off > len ||
	    len - off < MI_ATTR_LEN)
		return false;
	memcpy(hdr, pkt, STUN_HEADER_LEN);
	put16(hdr + 2, (uint16_t)(off + MI_ATTR_LEN - STUN_HEADER_LEN));
	if (!hmac_sha1(key, key_len, hdr, pkt + STUN_HEADER_LEN, off - STUN_HEADER_LEN, mac))
		return false;
	ok = CRYPTO_memcmp(mac, pkt + off + ATTR_HDR, STUN_HMAC_LEN) == 0;
	OPENSSL_cleanse(mac, sizeof(mac));
	return ok;
}

bool stun_username_matches(const struct stun_msg *m, const char *local_ufrag,
			   const char *remote_ufrag)
{
	size_t ll = strlen(local_ufrag), n = m->username.len;
	const uint8_t *u = m->username.p;

	if (!u || n < ll + 1 || memcmp(u, local_ufrag, ll) || u[ll] != ':')
		return false;
	if (!remote_ufrag)
		return true;
	return n - ll - 1 == strlen(remote_ufrag) && !memcmp(u + ll + 1, remote_ufrag, n - ll - 1);
}

/* --- building --- */

/* A message under construction; the builders size it first, so the writes cannot fail. */
struct wbuf {
	uint8_t *p;
	size_t len;
};

static void put_header(struct wbuf *w, uint16_t type, const uint8_t txid[STUN_TXID_LEN])
{
	put16(w->p, type);
	put16(w->p + 2, 0);
	put32(w->p + 4, STUN_MAGIC_COOKIE);
	memcpy(w->p + 8, txid, STUN_TXID_LEN);
	w->len = STUN_HEADER_LEN;
}

/* Appends an attribute of n octets and returns where its value goes; the padding is zeroed. */
static uint8_t *put_attr(struct wbuf *w, uint16_t type, size_t n)
{
	uint8_t *v = w->p + w->len + ATTR_HDR;

	put16(w->p + w->len, type);
	put16(w->p + w->len + 2, (uint16_t)n);
	memset(v + n, 0, pad4(n) - n);
	w->len += ATTR_HDR + pad4(n);
	put16(w->p + 2, (uint16_t)(w->len - STUN_HEADER_LEN));
	return v;
}

static size_t xor_address_len(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET)
		return 8;
	if (ss->ss_family == AF_INET6)
		return 20;
	return 0;
}

static void put_xor_address(struct wbuf *w, const struct sockaddr_storage *ss)
{
	const uint8_t *mask = w->p + 4;	/* cookie || transaction id, already written */
	size_t n = xor_address_len(ss);
	uint8_t *v = put_attr(w, STUN_ATTR_XOR_MAPPED_ADDRESS, n);
	const uint8_t *a;
	uint16_t port;

	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *sin = (const struct sockaddr_in *)ss;

		a = (const uint8_t *)&sin->sin_addr;
		port = ntohs(sin->sin_port);
	} else {
		const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)ss;

		a = sin6->sin6_addr.s6_addr;
		port = ntohs(sin6->sin6_port);
	}
	v[0] = 0;
	v[1] = n == 8 ? 0x01 : 0x02;
	put16(v + 2, port ^ (uint16_t)(STUN_MAGIC_COOKIE >> 16));
	for (size_t i = 0; i < n - 4; i++)
		v[4 + i] = a[i] ^ mask[i];
}

/* MESSAGE-INTEGRITY (when keyed) and FINGERPRINT, the two closing attributes. */
static size_t trailer_len(const uint8_t *key, size_t key_len)
{
	return (key && key_len ? MI_ATTR_LEN : 0) + FP_ATTR_LEN;
}

static bool finish(struct wbuf *w, const uint8_t *key, size_t key_len)
{
	uint8_t *v;

	if (key && key_len) {
		size_t body = w->len - STUN_HEADER_LEN;

		/* put_attr() has already set the length to cover MESSAGE-INTEGRITY. */
		v = put_attr(w, STUN_ATTR_MESSAGE_INTEGRITY, STUN_HMAC_LEN);
		if (!hmac_sha1(key, key_len, w->p, w->p + STUN_HEADER_LEN, body, v))
			return false;
	}
	v = put_attr(w, STUN_ATTR_FINGERPRINT, 4);
	put32(v, crc32_stun(w->p, w->len - FP_ATTR_LEN) ^ STUN_FINGERPRINT_XOR);
	return true;
}

/* What finish() returns to the caller: the length, or 0 with out wiped if HMAC failed. */
static size_t done(struct wbuf *w, const uint8_t *key, size_t key_len)
{
	if (finish(w, key, key_len))
		return w->len;
	memset(w->p, 0, w->len);
	return 0;
}

size_t stun_build_binding_success(uint8_t *out, size_t cap, const uint8_t txid[STUN_TXID_LEN],
				  const struct sockaddr_storage *mapped, const uint8_t *key,
				  size_t key_len)
{
	size_t alen = xor_address_len(mapped);
	struct wbuf w = { out, 0 };

	if (!alen || cap < STUN_HEADER_LEN + ATTR_HDR + alen + trailer_len(key, key_len))
		return 0;
	put_header(&w, STUN_BINDING_SUCCESS, txid);
	put_xor_address(&w, mapped);
	return done(&w, key, key_len);
}

static const char *default_reason(uint16_t code)
{
	switch (code) {
	case STUN_ERR_BAD_REQUEST:
		return "Bad Request";
	case STUN_ERR_UNAUTHORIZED:
		return "Unauthorized";
	case STUN_ERR_UNKNOWN_ATTRIBUTE:
		return "Unknown Attribute";
	case STUN_ERR_ROLE_CONFLICT:
		return "Role Conflict";
	case 500:
		return "Server Error";
	}
	return "";
}

size_t stun_build_binding_error(uint8_t *out, size_t cap, const uint8_t txid[STUN_TXID_LEN],
				uint16_t code, const char *reason, const uint16_t *unknown,
				unsigned int n_unknown, const uint8_t *key, size_t key_len)
{
	struct wbuf w = { out, 0 };
	size_t rlen, need;
	uint8_t *v;

	if (code < 300 || code > 699 || n_unknown > STUN_UNKNOWN_MAX || (n_unknown && !unknown))
		return 0;
	if (!reason)
		reason = default_reason(code);
	rlen = strnlen(reason, STUN_REASON_MAX + 1);
	if (rlen > STUN_REASON_MAX)
		return 0;
	need = STUN_HEADER_LEN + ATTR_HDR + pad4(4 + rlen) + trailer_len(key, key_len);
	if (n_unknown)
		need += ATTR_HDR + pad4(2 * (size_t)n_unknown);
	if (cap < need)
		return 0;
	put_header(&w, STUN_BINDING_ERROR, txid);
	v = put_attr(&w, STUN_ATTR_ERROR_CODE, 4 + rlen);
	v[0] = 0;
	v[1] = 0;
	v[2] = (uint8_t)(code / 100);
	v[3] = (uint8_t)(code % 100);
	memcpy(v + 4, reason, rlen);
	if (n_unknown) {
		v = put_attr(&w, STUN_ATTR_UNKNOWN_ATTRIBUTES, 2 * (size_t)n_unknown);
		for (unsigned int i = 0; i < n_unknown; i++)
			put16(v + 2 * i, unknown[i]);
	}
	return done(&w, key, key_len);
}

size_t stun_build_binding_request(uint8_t *out, size_t cap, const uint8_t txid[STUN_TXID_LEN],
				  const char *username, uint32_t priority, enum stun_role role,
				  uint64_t tiebreaker, bool use_candidate, const uint8_t *key,
				  size_t key_len)
{
	size_t ulen = username ? strnlen(username, STUN_USERNAME_MAX + 1) : 0, need;
	struct wbuf w = { out, 0 };

	if (ulen > STUN_USERNAME_MAX || role > STUN_ROLE_CONTROLLED)
		return 0;
	need = STUN_HEADER_LEN + trailer_len(key, key_len);
	if (username)
		need += ATTR_HDR + pad4(ulen);
	if (priority)
		need += ATTR_HDR + 4;
	if (role != STUN_ROLE_NONE)
		need += ATTR_HDR + 8;
	if (use_candidate)
		need += ATTR_HDR;
	if (cap < need)
		return 0;
	put_header(&w, STUN_BINDING_REQUEST, txid);
	if (username)
		memcpy(put_attr(&w, STUN_ATTR_USERNAME, ulen), username, ulen);
	if (priority)
		put32(put_attr(&w, STUN_ATTR_PRIORITY, 4), priority);
	if (role != STUN_ROLE_NONE)
		put64(put_attr(&w, role == STUN_ROLE_CONTROLLING ? STUN_ATTR_ICE_CONTROLLING
								 : STUN_ATTR_ICE_CONTROLLED, 8),
		      tiebreaker);
	if (use_candidate)
		put_attr(&w, STUN_ATTR_USE_CANDIDATE, 0);
	return done(&w, key, key_len);
}
