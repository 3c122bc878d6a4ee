// SPDX-License-Identifier: GPL-2.0 OR MIT
/* Ours first: OpenSSL's srtp.h defines SRTP_AEAD_AES_128_GCM and friends as macros, which
 * would rename our suite ids; below, suites are found by name instead. */
#include "dtls.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

/*
 * Offered and accepted, strongest first (RFC 7714 GCM, then RFC 5764's AES-CM); the peer's
 * order decides when we are the server, as TLS wants.
 */
#define SRTP_PROFILES "SRTP_AEAD_AES_256_GCM:SRTP_AEAD_AES_128_GCM:SRTP_AES128_CM_SHA1_80:" \
		      "SRTP_AES128_CM_SHA1_32"
/* ECDHE with AEAD ciphers only, for both ECDSA (browsers) and RSA certificates of peers. */
#define CIPHERS "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:" \
		"ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-AES128-GCM-SHA256:" \
		"ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-CHACHA20-POLY1305"
#define DTLS_MTU 1200		/* fits any path a WebRTC peer uses */

static struct {
	SSL_CTX *ctx;
	BIO_METHOD *out_method;
	char fingerprint[DTLS_HASH_MAX + 1 + DTLS_FP_TEXT_MAX];
} g;

struct dtls_conn {
	SSL *ssl;
	BIO *in;		/* datagrams from the peer, one at a time */
	struct dtls_fingerprint expect;
	dtls_send_fn *send;
	void *arg;
	enum dtls_state state;
	bool client, started;
	char error[128];
};

static bool cert_matches(X509 *cert, const struct dtls_fingerprint *expect);

/*
 * The peer's certificate is self-signed: trust comes from its SDP fingerprint, not a chain.
 * The leaf is checked here, so a wrong certificate fails the handshake with a fatal alert
 * (bad_certificate) instead of leaving the peer believing it has keys.
 */
static int check_cert_cb(int ok, X509_STORE_CTX *store)
{
	SSL *ssl = X509_STORE_CTX_get_ex_data(store, SSL_get_ex_data_X509_STORE_CTX_idx());
	struct dtls_conn *c = ssl ? SSL_get_app_data(ssl) : NULL;

	(void)ok;
	if (X509_STORE_CTX_get_error_depth(store) != 0)
		return 1;	/* intermediates of a chain, if any: the leaf decides */
	if (!c || !cert_matches(X509_STORE_CTX_get_current_cert(store), &c->expect)) {
		X509_STORE_CTX_set_error(store, X509_V_ERR_CERT_REJECTED);
		return 0;
	}
	return 1;
}

/* Our side of the association writes whole datagrams: each write is one. */
static int out_write(BIO *b, const char *data, int len)
{
	struct dtls_conn *c = BIO_get_data(b);

	if (len > 0 && c)
		c->send(c->arg, (const uint8_t *)data, (size_t)len);
	return len;
}

static long out_ctrl(BIO *b, int cmd, long num, void *ptr)
{
	(void)b;
	(void)num;
	(void)ptr;
	switch (cmd) {
	case BIO_CTRL_FLUSH:
		return 1;
	case BIO_CTRL_DGRAM_QUERY_MTU:
	case BIO_CTRL_DGRAM_GET_FALLBACK_MTU:
		return DTLS_MTU;
	default:
		return 0;
	}
}

static int out_create(BIO *b)
{
	BIO_set_init(b, 1);
	return 1;
}

static void fp_text(const uint8_t *fp, unsigned int len, char *out, size_t cap)
{
	size_t n = 0;

	out[0] = '\0';
	for (unsigned int i = 0; i < len && n + 3 < cap; i++)
		n += (size_t)snprintf(out + n, cap - n, i ? ":%02X" : "%02X", fp[i]);
}

/* A fresh ECDSA P-256 certificate, CN=srtprelay, valid from a day ago for 30 days. */
static int make_cert(X509 **cert, EVP_PKEY **key)
{
	X509_NAME *name;
	uint8_t serial[8];
	BIGNUM *bn = NULL;
	int ok = 0;

	*cert = NULL;
	*key = EVP_EC_gen("P-256");
	if (!*key || !(*cert = X509_new()) || RAND_bytes(serial, sizeof(serial)) != 1)
		goto out;
	serial[0] &= 0x7f;	/* a positive serial */
	bn = BN_bin2bn(serial, sizeof(serial), NULL);
	name = X509_get_subject_name(*cert);
	ok = bn && X509_set_version(*cert, 2) &&
	     BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(*cert)) &&
	     X509_gmtime_adj(X509_getm_notBefore(*cert), -86400) &&
	     X509_gmtime_adj(X509_getm_notAfter(*cert), 30L * 86400) &&
	     X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
					(const unsigned char *)"srtprelay", -1, -1, 0) &&
	     X509_set_issuer_name(*cert, name) && X509_set_pubkey(*cert, *key) &&
	     X509_sign(*cert, *key, EVP_sha256()) > 0;
out:
	BN_free(bn);
	if (!ok) {
		X509_free(*cert);
		EVP_PKEY_free(*key);
		*cert = NULL;
		*key = NULL;
	}
	return ok ? 0 : -1;
}

static int load_cert(const char *path, X509 **cert, EVP_PKEY **key, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");

	*cert = NULL;
	*key = NULL;
	if (!f) {
		snprintf(err, errlen, "--dtls-certificate %s: cannot open", path);
		return -1;
	}
	*cert = PEM_read_X509(f, NULL, NULL, NULL);
	rewind(f);
	*key = PEM_read_PrivateKey(f, NULL, NULL, NULL);
	fclose(f);
	if (!*cert || !*key || X509_check_private_key(*cert, *key) != 1) {
		snprintf(err, errlen, "--dtls-certificate %s: needs a PEM certificate and its "
			 "private key", path);
		X509_free(*cert);
		EVP_PKEY_free(*key);
		return -1;
	}
	return 0;
}

int dtls_init(const char *path, char *err, size_t errlen)
{
	uint8_t md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	X509 *cert;
	EVP_PKEY *key;
	int r;

	if (path && path[0])
		r = load_cert(path, &cert, &key, err, errlen);
	else if ((r = make_cert(&cert, &key)))
		snprintf(err, errlen, "cannot make a DTLS certificate");
	if (r)
		return -1;
	g.ctx = SSL_CTX_new(DTLS_method());
	g.out_method = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "srtprelay-dtls");
	r = g.ctx && g.out_method &&
	    SSL_CTX_set_min_proto_version(g.ctx, DTLS1_2_VERSION) &&
	    SSL_CTX_set_max_proto_version(g.ctx, DTLS1_2_VERSION) &&
	    SSL_CTX_use_certificate(g.ctx, cert) == 1 && SSL_CTX_use_PrivateKey(g.ctx, key) == 1 &&
	    SSL_CTX_set_cipher_list(g.ctx, CIPHERS) == 1 &&
	    SSL_CTX_set1_groups_list(g.ctx, "X25519:P-256:P-384") == 1 &&
	    SSL_CTX_set_tlsext_use_srtp(g.ctx, SRTP_PROFILES) == 0 &&	/* 0 is success */
	    BIO_meth_set_write(g.out_method, out_write) &&
	    BIO_meth_set_ctrl(g.out_method, out_ctrl) &&
	    BIO_meth_set_create(g.out_method, out_create) &&
	    X509_digest(cert, EVP_sha256(), md, &mdlen) == 1;
	X509_free(cert);
	EVP_PKEY_free(key);
	if (!r) {
		snprintf(err, errlen, "cannot set up DTLS: %s",
			 ERR_reason_error_string(ERR_get_error()) ?: "OpenSSL error");
		dtls_exit();
		return -1;
	}
	SSL_CTX_set_verify(g.ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT,
			   check_cert_cb);
	SSL_CTX_set_read_ahead(g.ctx, 1);
	strcpy(g.fingerprint, "sha-256 ");
	fp_text(md, mdlen, g.fingerprint + 8, sizeof(g.fingerprint) - 8);
	return 0;
}

void dtls_exit(void)
{
	SSL_CTX_free(g.ctx);
	BIO_meth_free(g.out_method);
	memset(&g, 0, sizeof(g));
}

const char *dtls_our_fingerprint(void)
{
	return g.fingerprint;
}

static const EVP_MD *hash_md(const char *sdp_name)
{
	static const struct {
		const char *sdp, *ossl;
	} names[] = {
		{ "sha-1", "SHA1" }, { "sha-224", "SHA224" }, { "sha-256", "SHA256" },
		{ "sha-384", "SHA384" }, { "sha-512", "SHA512" },
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(sdp_name, names[i].sdp))
			return EVP_get_digestbyname(names[i].ossl);
	return NULL;
}

int dtls_fingerprint_parse(const char *s, size_t len, struct dtls_fingerprint *out)
{
	size_t i = 0, h = 0;
	const EVP_MD *md;

	memset(out, 0, sizeof(*out));
	while (i < len && s[i] != ' ' && h < sizeof(out->hash) - 1)
		out->hash[h++] = (char)tolower((unsigned char)s[i++]);
	if (i >= len || s[i] != ' ')
		return -1;
	while (i < len && s[i] == ' ')
		i++;
	md = hash_md(out->hash);
	if (!md)
		return -1;
	for (;;) {
		unsigned int v;
		char two[3];

		if (i + 2 > len || out->len >= DTLS_FP_MAX)
			return -1;
		two[0] = s[i];
		two[1] = s[i + 1];
		two[2] = '\0';
		if (!isxdigit((unsigned char)two[0]) || !isxdigit((unsigned char)two[1]) ||
		    sscanf(two, "%2x", &v) != 1)
			return -1;
		out->fp[out->len++] = (uint8_t)v;
		i += 2;
		if (i == len)
			break;
		if (s[i] != ':')
			return -1;
		i++;
	}
	if (i != len || out->len != (unsigned int)EVP_MD_get_size(md))
		return -1;
	return 0;
}

struct dtls_conn *dtls_conn_new(bool client, const struct dtls_fingerprint *expect,
				dtls_send_fn *send, void *arg)
{
	struct dtls_conn *c = calloc(1, sizeof(*c));
	BIO *out;

	if (!c)
		return NULL;
	c->ssl = g.ctx ? SSL_new(g.ctx) : NULL;
	c->in = BIO_new(BIO_s_mem());
	out = g.out_method ? BIO_new(g.out_method) : NULL;
	if (!c->ssl || !c->in || !out) {
		SSL_free(c->ssl);
		BIO_free(c->in);
		BIO_free(out);
		free(c);
		return NULL;
	}
	BIO_set_mem_eof_return(c->in, -1);
	BIO_set_data(out, c);
	SSL_set_app_data(c->ssl, c);
	SSL_set_bio(c->ssl, c->in, out);	/* the SSL owns both now */
	SSL_set_options(c->ssl, SSL_OP_NO_QUERY_MTU);
	SSL_set_mtu(c->ssl, DTLS_MTU);
	DTLS_set_link_mtu(c->ssl, DTLS_MTU);
	if (client)
		SSL_set_connect_state(c->ssl);
	else
		SSL_set_accept_state(c->ssl);
	c->client = client;
	c->expect = *expect;
	c->send = send;
	c->arg = arg;
	c->state = DTLS_HANDSHAKING;
	return c;
}

void dtls_conn_free(struct dtls_conn *c)
{
	if (!c)
		return;
	SSL_free(c->ssl);
	explicit_bzero(c, sizeof(*c));
	free(c);
}

static void fail(struct dtls_conn *c, const char *why)
{
	unsigned long e = ERR_get_error();

	snprintf(c->error, sizeof(c->error), "%s%s%s", why, e ? ": " : "",
		 e ? (ERR_reason_error_string(e) ?: "OpenSSL error") : "");
	ERR_clear_error();
	c->state = DTLS_FAILED;
}

/* RFC 5763 5: the certificate must be the one the peer's SDP fingerprint names. */
static bool cert_matches(X509 *cert, const struct dtls_fingerprint *expect)
{
	const EVP_MD *md = hash_md(expect->hash);
	uint8_t d[EVP_MAX_MD_SIZE];
	unsigned int n = 0;

	return cert && md && X509_digest(cert, md, d, &n) == 1 && n == expect->len &&
	       !CRYPTO_memcmp(d, expect->fp, n);
}

/* Once more after the handshake, on the certificate the session kept. */
static bool check_peer(struct dtls_conn *c)
{
	X509 *cert = SSL_get1_peer_certificate(c->ssl);
	bool ok = cert_matches(cert, &c->expect);

	X509_free(cert);
	return ok;
}

static void step(struct dtls_conn *c)
{
	int r, e;

	if (c->state == DTLS_CONNECTED) {
		uint8_t sink[2048];

		/* Alerts, a retransmitted Finished (answered by OpenSSL), stray data. */
		while ((r = SSL_read(c->ssl, sink, sizeof(sink))) > 0)
			;
		e = SSL_get_error(c->ssl, r);
		if (e == SSL_ERROR_ZERO_RETURN || e == SSL_ERROR_SSL)
			ERR_clear_error();	/* keys stay: SRTP goes on after close_notify */
		return;
	}
	if (c->state != DTLS_HANDSHAKING)
		return;
	r = SSL_do_handshake(c->ssl);
	if (r != 1 && SSL_get_verify_result(c->ssl) == X509_V_ERR_CERT_REJECTED) {
		fail(c, "the peer's certificate does not match its SDP fingerprint");
		return;
	}
	if (r == 1) {
		if (!check_peer(c))
			fail(c, "the peer's certificate does not match its SDP fingerprint");
		else if (!SSL_get_selected_srtp_profile(c->ssl))
			fail(c, "no SRTP profile agreed (use_srtp)");
		else
			c->state = DTLS_CONNECTED;
		return;
	}
	e = SSL_get_error(c->ssl, r);
	if (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE)
		fail(c, "handshake failed");
}

void dtls_conn_start(struct dtls_conn *c)
{
	if (c->started)
		return;
	c->started = true;
	if (c->client)
		step(c);
}

enum dtls_state dtls_conn_input(struct dtls_conn *c, const uint8_t *pkt, size_t len)
{
	if (c->state == DTLS_FAILED || len > 65535)
		return c->state;
	c->started = true;	/* a server starts with the peer's first flight */
	if (BIO_write(c->in, pkt, (int)len) != (int)len) {
		fail(c, "out of memory");
		return c->state;
	}
	step(c);
	(void)BIO_reset(c->in);	/* what the record layer did not take was not DTLS */
	return c->state;
}

void dtls_conn_tick(struct dtls_conn *c)
{
	if (c->state == DTLS_HANDSHAKING && c->started && DTLSv1_handle_timeout(c->ssl) < 0)
		fail(c, "retransmission failed");
}

enum dtls_state dtls_conn_state(const struct dtls_conn *c)
{
	return c->state;
}

bool dtls_conn_started(const struct dtls_conn *c)
{
	return c->started;
}

const char *dtls_conn_error(const struct dtls_conn *c)
{
	return c->error[0] ? c->error : "no error";
}

int dtls_conn_keys(struct dtls_conn *c, struct srtp_policy *in, struct srtp_policy *out,
		   const char **profile)
{
	/* RFC 5764 4.1.2 and RFC 7714 14.2 names, and the SDES names of the same suites */
	static const char *const names[][2] = {
		{ "SRTP_AES128_CM_SHA1_80", "AES_CM_128_HMAC_SHA1_80" },
		{ "SRTP_AES128_CM_SHA1_32", "AES_CM_128_HMAC_SHA1_32" },
		{ "SRTP_AEAD_AES_128_GCM", "AEAD_AES_128_GCM" },
		{ "SRTP_AEAD_AES_256_GCM", "AEAD_AES_256_GCM" },
	};
	const SRTP_PROTECTION_PROFILE *p = SSL_get_selected_srtp_profile(c->ssl);
	const struct srtp_suite *s = NULL;
	uint8_t km[2 * (32 + 14)];
	unsigned int kl, sl;
	struct srtp_policy *cli = c->client ? out : in, *srv = c->client ? in : out;

	if (c->state != DTLS_CONNECTED || !p)
		return -1;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]) && !s; i++)
		if (!strcmp(p->name, names[i][0]))
			s = srtp_suite_by_name(names[i][1], (uint32_t)strlen(names[i][1]));
	if (!s)
		return -1;
	kl = s->key_len;
	sl = s->salt_len;
	/* RFC 5764 4.2: client key | server key | client salt | server salt */
	if (SSL_export_keying_material(c->ssl, km, 2 * (kl + sl), "EXTRACTOR-dtls_srtp", 19,
				       NULL, 0, 0) != 1)
		return -1;
	memset(in, 0, sizeof(*in));
	memset(out, 0, sizeof(*out));
	cli->suite = srv->suite = s->id;
	memcpy(cli->key, km, kl);
	memcpy(srv->key, km + kl, kl);
	memcpy(cli->salt, km + 2 * kl, sl);
	memcpy(srv->salt, km + 2 * kl + sl, sl);
	explicit_bzero(km, sizeof(km));
	if (profile)
		*profile = p->name;
	return 0;
}
