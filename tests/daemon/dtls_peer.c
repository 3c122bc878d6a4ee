// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * A DTLS-SRTP peer for the daemon tests, built on OpenSSL and libsrtp2 and never on our own
 * code, so the relay's DTLS-SRTP is checked against an independent implementation.
 *
 *   dtls_peer BIND_ADDR:PORT RELAY_ADDR:PORT client|server CERT_PEM KEY_PEM EXPECT_FP
 *             SEND_COUNT RECV_COUNT TIMEOUT_MS [profiles=LIST] [ssrc=HEX] [stun=UFRAG:PWD]
 *
 * Addresses are "a.b.c.d:port" or "[v6]:port" (bind port 0: any). The one UDP socket is
 * connected to RELAY, so the kernel drops datagrams from anywhere else; it carries STUN, DTLS
 * and SRTP, told apart by their first byte (RFC 7983). Output, one line each, in order:
 *   fingerprint sha-256 AB:CD:...    our certificate's, for the SDP the test sends
 *   port N                           the bound port
 *   stun ok                          only with stun=: a checked Binding success response
 *   handshake ok profile NAME        DTLS 1.2 done, NAME as OpenSSL spells the SRTP profile
 *   sent N received M ok K bad B     at the end
 * stun= sends Binding requests (USERNAME "UFRAG:peer", keyed with PWD, ICE-CONTROLLING,
 * USE-CANDIDATE) every 200 ms until a response arrives or TIMEOUT_MS passes. EXPECT_FP is the
 * relay's certificate fingerprint ("-" skips the check); a self-signed certificate is fine,
 * the trust comes from the fingerprint. After the handshake the peer sends SEND_COUNT SRTP
 * packets, one per 2 ms (SEQ from 1000, PT 0, SSRC from ssrc=, default 5eed0001, payload
 * filled from the SEQ like tests/kmod/endpoint.c), and checks every RTP packet it receives
 * the same way. It stops when all are sent and RECV_COUNT good ones arrived, or when all are
 * sent and nothing arrived for TIMEOUT_MS; it then sends close_notify. TIMEOUT_MS also bounds
 * the handshake, counted from the last DTLS datagram received. Other lines: "alert sent|
 * received: ...", "dtls close_notify received", "rtcp received N ok K"; diagnostics on stderr.
 * Exit: 0 handshake ok and ok >= RECV_COUNT; 1 too few good packets; 2 usage, setup or STUN
 * failure; 3 fingerprint mismatch; 4 handshake failed.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/srtp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <srtp2/srtp.h>

#define PAYLOAD		160
#define FIRST_SEQ	1000
#define SEND_GAP_MS	2
#define STUN_RTX_MS	200
#define DTLS_MTU	1200
#define MAX_DGRAM	2048
#define MAX_QUEUED	64
#define DEFAULT_PROFILES \
	"SRTP_AEAD_AES_256_GCM:SRTP_AEAD_AES_128_GCM:SRTP_AES128_CM_SHA1_80:SRTP_AES128_CM_SHA1_32"

#define STUN_COOKIE		0x2112A442u
#define STUN_BINDING_REQ	0x0001
#define STUN_BINDING_OK		0x0101
#define STUN_BINDING_ERR	0x0111
#define STUN_A_USERNAME		0x0006
#define STUN_A_INTEGRITY	0x0008
#define STUN_A_ERROR_CODE	0x0009
#define STUN_A_XOR_MAPPED	0x0020
#define STUN_A_PRIORITY		0x0024
#define STUN_A_USE_CANDIDATE	0x0025
#define STUN_A_FINGERPRINT	0x8028
#define STUN_A_ICE_CONTROLLING	0x802A
#define STUN_FP_XOR		0x5354554Eu

/* The SRTP profiles of RFC 5764 and RFC 7714 that libsrtp2 can key. */
struct profile {
	const char *name;
	int key_len, salt_len;
	void (*rtp)(srtp_crypto_policy_t *p);
	void (*rtcp)(srtp_crypto_policy_t *p);
};

static const struct profile profiles[] = {
	{ "SRTP_AES128_CM_SHA1_80", 16, 14, srtp_crypto_policy_set_rtp_default,
	  srtp_crypto_policy_set_rtp_default },
	/* RFC 5764 4.1.2: the _32 profiles keep the 80-bit tag for SRTCP */
	{ "SRTP_AES128_CM_SHA1_32", 16, 14, srtp_crypto_policy_set_aes_cm_128_hmac_sha1_32,
	  srtp_crypto_policy_set_rtp_default },
	{ "SRTP_AEAD_AES_128_GCM", 16, 12, srtp_crypto_policy_set_aes_gcm_128_16_auth,
	  srtp_crypto_policy_set_aes_gcm_128_16_auth },
	{ "SRTP_AEAD_AES_256_GCM", 32, 12, srtp_crypto_policy_set_aes_gcm_256_16_auth,
	  srtp_crypto_policy_set_aes_gcm_256_16_auth },
};

struct dgram {
	int len;
	unsigned char b[MAX_DGRAM];
};

struct peer {
	int fd, v6, client;
	const char *expect_fp;
	int fp_mismatch;
	char got_fp[3 * 32];
	SSL *ssl;
	const unsigned char *in;	/* the datagram the BIO hands to OpenSSL next */
	int in_len;
	srtp_t tx, rx;
	uint32_t ssrc;
	int timeout_ms;
	struct dgram queue[MAX_QUEUED];	/* datagrams that arrived before their phase */
	int queued;
	long sent, received, ok, bad, rtcp, rtcp_ok;
};

static struct peer P;	/* one peer per process; OpenSSL's verify callback reaches it here */

static void die(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3), noreturn));

static void die(int code, const char *fmt, ...)
{
	va_list ap;

	fputs("dtls_peer: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(code);
}

static long long now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static socklen_t parse_addr(const char *s, struct sockaddr_storage *ss)
{
	struct sockaddr_in6 *a6 = (void *)ss;
	struct sockaddr_in *a4 = (void *)ss;
	const char *colon = strrchr(s, ':');
	char host[INET6_ADDRSTRLEN + 2], *end;
	size_t n = colon ? (size_t)(colon - s) : 0;
	unsigned long port;

	memset(ss, 0, sizeof(*ss));
	if (!colon || n >= sizeof(host))
		die(2, "bad address %s", s);
	port = strtoul(colon + 1, &end, 10);
	if (!colon[1] || *end || port > 65535)
		die(2, "bad port in %s", s);
	if (s[0] == '[') {
		if (n < 2 || s[n - 1] != ']')
			die(2, "bad address %s", s);
		memcpy(host, s + 1, n - 2);
		host[n - 2] = 0;
		a6->sin6_family = AF_INET6;
		a6->sin6_port = htons((uint16_t)port);
		if (inet_pton(AF_INET6, host, &a6->sin6_addr) != 1)
			die(2, "bad IPv6 address %s", s);
		return sizeof(*a6);
	}
	memcpy(host, s, n);
	host[n] = 0;
	a4->sin_family = AF_INET;
	a4->sin_port = htons((uint16_t)port);
	if (inet_pton(AF_INET, host, &a4->sin_addr) != 1)
		die(2, "bad IPv4 address %s", s);
	return sizeof(*a4);
}

static long parse_count(const char *s, const char *what)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (!*s || *end || v < 0 || v > 100000000)
		die(2, "bad %s %s", what, s);
	return v;
}

static uint32_t parse_ssrc(const char *s)
{
	char *end;
	unsigned long long v = strtoull(s, &end, 16);

	if (!*s || *end || v > 0xFFFFFFFFu)
		die(2, "bad ssrc=%s", s);
	return (uint32_t)v;
}

static void fingerprint(X509 *cert, char *out)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int len = 0;

	if (!X509_digest(cert, EVP_sha256(), md, &len) || len != 32)
		die(2, "cannot hash a certificate");
	for (unsigned int i = 0; i < len; i++)
		sprintf(out + 3 * i, i + 1 < len ? "%02X:" : "%02X", md[i]);
}

/* --- the socket: one datagram per call, ICMP errors of a connected UDP socket ignored --- */

static int recv_dgram(struct dgram *d, long long wait_ms)
{
	struct pollfd pfd = { .fd = P.fd, .events = POLLIN };
	ssize_t n;

	if (wait_ms < 0)
		wait_ms = 0;
	if (poll(&pfd, 1, (int)(wait_ms > 60000 ? 60000 : wait_ms)) <= 0)
		return 0;
	n = recv(P.fd, d->b, sizeof(d->b), 0);
	if (n < 0 && errno != EINTR && errno != ECONNREFUSED && errno != EAGAIN)
		die(2, "recv: %s", strerror(errno));
	d->len = n < 0 ? 0 : (int)n;
	return d->len;
}

static void send_dgram(const void *b, size_t len)
{
	/* ECONNREFUSED reports an earlier ICMP; like any loss, the protocols above recover */
	if (send(P.fd, b, len, 0) < 0 && errno != ECONNREFUSED && errno != EINTR)
		die(2, "send: %s", strerror(errno));
}

enum kind { K_STUN, K_DTLS, K_RTP, K_OTHER };

static enum kind classify(const struct dgram *d)
{
	unsigned char b = d->b[0];

	if (b <= 3)
		return K_STUN;
	if (b >= 20 && b <= 63)
		return K_DTLS;
	if (b >= 128 && b <= 191)
		return K_RTP;
	return K_OTHER;
}

static void enqueue(const struct dgram *d)
{
	if (P.queued < MAX_QUEUED)
		P.queue[P.queued++] = *d;
}

static struct dgram backlog[MAX_QUEUED];
static int backlog_n, backlog_i;

/* The next phase reads what the previous one queued before it reads the socket again. */
static void take_queue(void)
{
	memcpy(backlog, P.queue, (size_t)P.queued * sizeof(backlog[0]));
	backlog_n = P.queued;
	backlog_i = 0;
	P.queued = 0;
}

static int next_dgram(struct dgram *d, long long wait_ms)
{
	if (backlog_i < backlog_n) {
		*d = backlog[backlog_i++];
		return d->len;
	}
	return wait_ms < 0 ? 0 : recv_dgram(d, wait_ms);
}

/* --- STUN (RFC 8489) with the ICE attributes of RFC 8445 --- */

static uint32_t crc32(const unsigned char *b, size_t len)
{
	uint32_t c = 0xFFFFFFFFu;

	while (len--) {
		c ^= *b++;
		for (int k = 0; k < 8; k++)
			c = (c >> 1) ^ (0xEDB88320u & -(c & 1));
	}
	return ~c;
}

static void put16(unsigned char *b, unsigned v)
{
	b[0] = (unsigned char)(v >> 8);
	b[1] = (unsigned char)v;
}

static void put32(unsigned char *b, uint32_t v)
{
	put16(b, v >> 16);
	put16(b + 2, v & 0xFFFF);
}

static unsigned get16(const unsigned char *b)
{
	return (unsigned)b[0] << 8 | b[1];
}

static uint32_t get32(const unsigned char *b)
{
	return (uint32_t)get16(b) << 16 | get16(b + 2);
}

static size_t stun_attr(unsigned char *m, size_t off, unsigned type, const void *v, size_t len)
{
	put16(m + off, type);
	put16(m + off + 2, (unsigned)len);
	memcpy(m + off + 4, v, len);
	memset(m + off + 4 + len, 0, (4 - len % 4) % 4);
	return off + 4 + (len + 3) / 4 * 4;
}

static void hmac_sha1(const char *key, const unsigned char *d, size_t len, unsigned char *out)
{
	unsigned int n = 20;

	if (!HMAC(EVP_sha1(), key, (int)strlen(key), d, len, out, &n) || n != 20)
		die(2, "HMAC-SHA1 failed");
}

/* MESSAGE-INTEGRITY and FINGERPRINT close a message: each covers the header with the
 * length field already counting itself. */
static size_t stun_seal(unsigned char *m, size_t off, const char *pwd)
{
	unsigned char mac[20], crc[4];

	put16(m + 2, (unsigned)(off - 20 + 24));
	hmac_sha1(pwd, m, off, mac);
	off = stun_attr(m, off, STUN_A_INTEGRITY, mac, sizeof(mac));
	put16(m + 2, (unsigned)(off - 20 + 8));
	put32(crc, crc32(m, off) ^ STUN_FP_XOR);
	return stun_attr(m, off, STUN_A_FINGERPRINT, crc, sizeof(crc));
}

static size_t stun_request(unsigned char *m, const char *ufrag, const char *pwd)
{
	unsigned char prio[4], tie[8];
	char user[600];
	size_t off;

	snprintf(user, sizeof(user), "%s:peer", ufrag);
	put32(prio, 110u << 24 | 65535u << 8 | 255);	/* peer-reflexive, component 1 */
	if (RAND_bytes(tie, sizeof(tie)) != 1 || RAND_bytes(m + 8, 12) != 1)
		die(2, "RAND_bytes failed");
	put16(m, STUN_BINDING_REQ);
	put32(m + 4, STUN_COOKIE);
	off = stun_attr(m, 20, STUN_A_USERNAME, user, strlen(user));
	off = stun_attr(m, off, STUN_A_PRIORITY, prio, sizeof(prio));
	off = stun_attr(m, off, STUN_A_ICE_CONTROLLING, tie, sizeof(tie));
	off = stun_attr(m, off, STUN_A_USE_CANDIDATE, "", 0);
	return stun_seal(m, off, pwd);
}

/* 1: a valid success response to our transaction; 0: not ours; dies on a bad answer */
static int stun_response(const struct dgram *d, const unsigned char *req, const char *pwd)
{
	const unsigned char *m = d->b;
	size_t len = (size_t)d->len, off = 20, mi = 0, fp = 0, mapped = 0;
	unsigned char mac[20], copy[MAX_DGRAM];
	unsigned type;

	if (len < 20 || get32(m + 4) != STUN_COOKIE || get16(m + 2) + 20u != len || len % 4 ||
	    memcmp(m + 8, req + 8, 12))
		return 0;
	type = get16(m);
	while (off + 4 <= len) {
		unsigned at = get16(m + off), alen = get16(m + off + 2);

		if (off + 4 + alen > len || fp)
			die(2, "stun: malformed response");
		if (at == STUN_A_INTEGRITY && !mi)
			mi = off;
		else if (at == STUN_A_FINGERPRINT)
			fp = off;
		else if (at == STUN_A_XOR_MAPPED && !mi)
			mapped = off;
		else if (at == STUN_A_ERROR_CODE && type == STUN_BINDING_ERR && alen >= 4)
			die(2, "stun: error response %u %.*s", m[off + 6] * 100 + m[off + 7],
			    (int)alen - 4, (const char *)m + off + 8);
		off += 4 + (alen + 3u) / 4 * 4;
	}
	if (type != STUN_BINDING_OK)
		die(2, "stun: unexpected response type 0x%04x", type);
	if (!fp || get16(m + fp + 2) != 4 || get32(m + fp + 4) != (crc32(m, fp) ^ STUN_FP_XOR))
		die(2, "stun: response FINGERPRINT missing or wrong");
	if (!mi || get16(m + mi + 2) != 20)
		die(2, "stun: response without MESSAGE-INTEGRITY");
	memcpy(copy, m, mi);
	put16(copy + 2, (unsigned)(mi - 20 + 24));
	hmac_sha1(pwd, copy, mi, mac);
	if (CRYPTO_memcmp(mac, m + mi + 4, 20))
		die(2, "stun: response MESSAGE-INTEGRITY wrong");
	if (!mapped)
		die(2, "stun: response without XOR-MAPPED-ADDRESS");
	return 1;
}

static void stun_phase(const char *cred)
{
	const char *colon = strchr(cred, ':');
	unsigned char req[MAX_DGRAM];
	char ufrag[256];
	long long deadline = now_ms() + P.timeout_ms, next = 0;
	struct dgram d;
	size_t len;

	if (!colon || colon == cred || !colon[1] || (size_t)(colon - cred) >= sizeof(ufrag))
		die(2, "bad stun=UFRAG:PWD");
	memcpy(ufrag, cred, (size_t)(colon - cred));
	ufrag[colon - cred] = 0;
	len = stun_request(req, ufrag, colon + 1);
	for (;;) {
		long long t = now_ms();

		if (t >= deadline)
			die(2, "stun: no Binding response within %d ms", P.timeout_ms);
		if (t >= next) {
			send_dgram(req, len);
			next = t + STUN_RTX_MS;
		}
		if (!recv_dgram(&d, (next < deadline ? next : deadline) - t))
			continue;
		if (classify(&d) == K_STUN) {
			if (stun_response(&d, req, colon + 1))
				break;
		} else {
			enqueue(&d);	/* the relay may start DTLS as soon as it answers */
		}
	}
	printf("stun ok\n");
}

/* --- DTLS: a BIO that writes each record flight as one datagram and reads the one the
 * main loop offers, so the socket stays ours for STUN and SRTP --- */

static int bio_write(BIO *b, const char *data, int len)
{
	BIO_clear_retry_flags(b);
	send_dgram(data, (size_t)len);
	return len;
}

static int bio_read(BIO *b, char *out, int len)
{
	int n = P.in_len;

	BIO_clear_retry_flags(b);
	if (!P.in) {
		BIO_set_retry_read(b);
		return -1;
	}
	if (n > len)
		n = len;	/* cannot happen: OpenSSL reads DTLS into a full-record buffer */
	memcpy(out, P.in, (size_t)n);
	P.in = NULL;
	return n;
}

static long bio_ctrl(BIO *b, int cmd, long num, void *ptr)
{
	(void)b;
	(void)num;
	(void)ptr;
	switch (cmd) {
	case BIO_CTRL_FLUSH:
		return 1;
	case BIO_CTRL_DGRAM_GET_MTU_OVERHEAD:
		return P.v6 ? 48 : 28;
	default:
		return 0;
	}
}

static int bio_create(BIO *b)
{
	BIO_set_init(b, 1);
	return 1;
}

static BIO *udp_bio(void)
{
	BIO_METHOD *m = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "dtls_peer");
	BIO *b;

	if (!m || !BIO_meth_set_write(m, bio_write) || !BIO_meth_set_read(m, bio_read) ||
	    !BIO_meth_set_ctrl(m, bio_ctrl) || !BIO_meth_set_create(m, bio_create) ||
	    !(b = BIO_new(m)))
		die(2, "cannot make the BIO");
	return b;
}

static int verify_cb(int preverify_ok, X509_STORE_CTX *x)
{
	(void)preverify_ok;	/* self-signed is expected: the fingerprint is the trust */
	if (X509_STORE_CTX_get_error_depth(x) != 0 || !strcmp(P.expect_fp, "-"))
		return 1;
	fingerprint(X509_STORE_CTX_get_current_cert(x), P.got_fp);
	if (strcasecmp(P.got_fp, P.expect_fp)) {
		P.fp_mismatch = 1;
		X509_STORE_CTX_set_error(x, X509_V_ERR_CERT_REJECTED);	/* bad_certificate */
		return 0;
	}
	return 1;
}

static void info_cb(const SSL *ssl, int where, int ret)
{
	(void)ssl;
	if (where & SSL_CB_ALERT)
		printf("alert %s: %s %s\n", where & SSL_CB_READ ? "received" : "sent",
		       SSL_alert_type_string_long(ret), SSL_alert_desc_string_long(ret));
}

static SSL *dtls_setup(const char *cert, const char *key, const char *profile_list)
{
	SSL_CTX *ctx = SSL_CTX_new(DTLS_method());
	SSL *ssl;
	BIO *bio;

	if (!ctx || !SSL_CTX_set_min_proto_version(ctx, DTLS1_2_VERSION) ||
	    !SSL_CTX_set_max_proto_version(ctx, DTLS1_2_VERSION) ||
	    !SSL_CTX_set_cipher_list(ctx, "ECDHE+aECDSA:ECDHE+aRSA:!aNULL:!eNULL:!3DES:!RC4"))
		die(2, "cannot set up the DTLS context");
	if (SSL_CTX_use_certificate_chain_file(ctx, cert) != 1)
		die(2, "cannot load the certificate %s", cert);
	if (SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) != 1 ||
	    SSL_CTX_check_private_key(ctx) != 1)
		die(2, "cannot load the key %s or it does not match", key);
	if (SSL_CTX_set_tlsext_use_srtp(ctx, profile_list))	/* 0 is success here */
		die(2, "OpenSSL rejects profiles=%s", profile_list);
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, verify_cb);
	SSL_CTX_set_info_callback(ctx, info_cb);
	SSL_CTX_set_options(ctx, SSL_OP_NO_QUERY_MTU | SSL_OP_NO_TICKET |
				 SSL_OP_NO_RENEGOTIATION);
	ssl = SSL_new(ctx);
	SSL_CTX_free(ctx);	/* the SSL holds its own reference */
	if (!ssl || !SSL_set_mtu(ssl, DTLS_MTU))
		die(2, "cannot set up the DTLS session");
	bio = udp_bio();
	SSL_set_bio(ssl, bio, bio);	/* one reference for both directions */
	if (P.client)
		SSL_set_connect_state(ssl);
	else
		SSL_set_accept_state(ssl);
	return ssl;
}

static const char *ssl_reason(void)
{
	unsigned long e = ERR_peek_last_error();
	const char *r = e ? ERR_reason_error_string(e) : NULL;

	return r ? r : "unknown error";
}

static void handshake_failed(const char *why)
{
	if (P.fp_mismatch) {
		printf("fingerprint mismatch\n");
		fprintf(stderr, "dtls_peer: got certificate %s, expected %s\n", P.got_fp,
			P.expect_fp);
	} else {
		printf("handshake failed: %s\n", why);
	}
	if (SSL_is_init_finished(P.ssl))
		SSL_shutdown(P.ssl);	/* OpenSSL finished: tell the relay the session is no use */
	exit(P.fp_mismatch ? 3 : 4);
}

/* Runs the handshake on one more datagram (or on none: the client's first flight). */
static int handshake_step(const struct dgram *d)
{
	int r;

	P.in = d ? d->b : NULL;
	P.in_len = d ? d->len : 0;
	ERR_clear_error();
	r = SSL_do_handshake(P.ssl);
	P.in = NULL;
	if (r == 1)
		return 1;
	switch (SSL_get_error(P.ssl, r)) {
	case SSL_ERROR_WANT_READ:
	case SSL_ERROR_WANT_WRITE:
		return 0;
	case SSL_ERROR_ZERO_RETURN:
		handshake_failed("close_notify before the handshake completed");
		break;
	default:
		handshake_failed(ssl_reason());
	}
	return 0;
}

/* DTLS timers as a poll deadline: -1 when none runs */
static long long dtls_timer(void)
{
	struct timeval tv;

	if (!DTLSv1_get_timeout(P.ssl, &tv))
		return -1;
	return now_ms() + tv.tv_sec * 1000 + (tv.tv_usec + 999) / 1000;
}

static void handshake_phase(void)
{
	long long deadline = now_ms() + P.timeout_ms;
	struct dgram d;
	int done = 0;

	take_queue();
	if (P.client)
		done = handshake_step(NULL);
	while (!done) {
		long long t = now_ms(), timer = dtls_timer(), until = deadline;

		if (t >= deadline)
			handshake_failed("timeout");
		if (timer >= 0 && timer <= t) {
			if (DTLSv1_handle_timeout(P.ssl) < 0)
				handshake_failed(ssl_reason());
			continue;
		}
		if (timer >= 0 && timer < until)
			until = timer;
		if (!next_dgram(&d, until - t))
			continue;
		if (classify(&d) == K_DTLS) {
			deadline = now_ms() + P.timeout_ms;	/* the relay is alive */
			done = handshake_step(&d);
		} else if (classify(&d) == K_RTP) {
			enqueue(&d);	/* the relay finished first: its media waits for the keys */
		}
	}
	while (next_dgram(&d, -1))	/* what came with the last flight, in order */
		enqueue(&d);
}

/* --- SRTP keyed from the handshake (RFC 5764 4.2) --- */

static const struct profile *find_profile(const char *name)
{
	for (size_t i = 0; i < sizeof(profiles) / sizeof(profiles[0]); i++)
		if (!strcmp(profiles[i].name, name))
			return &profiles[i];
	return NULL;
}

static srtp_t srtp_session(const struct profile *p, const unsigned char *key,
			   const unsigned char *salt, int outbound)
{
	unsigned char master[32 + 14];
	srtp_policy_t pol;
	srtp_t s;

	memcpy(master, key, (size_t)p->key_len);
	memcpy(master + p->key_len, salt, (size_t)p->salt_len);
	memset(&pol, 0, sizeof(pol));
	p->rtp(&pol.rtp);
	p->rtcp(&pol.rtcp);
	pol.key = master;
	pol.ssrc.type = outbound ? ssrc_specific : ssrc_any_inbound;
	pol.ssrc.value = outbound ? P.ssrc : 0;
	pol.window_size = 1024;
	pol.allow_repeat_tx = 0;
	if (srtp_create(&s, &pol) != srtp_err_status_ok)
		die(2, "srtp_create failed for %s", p->name);
	OPENSSL_cleanse(master, sizeof(master));
	return s;
}

static void srtp_setup(void)
{
	SRTP_PROTECTION_PROFILE *sp = SSL_get_selected_srtp_profile(P.ssl);
	X509 *cert = SSL_get0_peer_certificate(P.ssl);
	unsigned char km[2 * (32 + 14)], *ck, *sk, *cs, *ss;
	const struct profile *p;
	int kl, sl;

	if (!cert)
		handshake_failed("no peer certificate");
	fingerprint(cert, P.got_fp);	/* the verify callback checked it; be sure */
	if (strcmp(P.expect_fp, "-") && strcasecmp(P.got_fp, P.expect_fp)) {
		P.fp_mismatch = 1;
		handshake_failed("fingerprint");
	}
	if (!sp)
		handshake_failed("no SRTP profile negotiated");
	p = find_profile(sp->name);
	if (!p)
		handshake_failed("negotiated an SRTP profile we did not offer");
	kl = p->key_len;
	sl = p->salt_len;
	if (SSL_export_keying_material(P.ssl, km, (size_t)(2 * (kl + sl)), "EXTRACTOR-dtls_srtp",
				       19, NULL, 0, 0) != 1)
		handshake_failed("keying material export failed");
	ck = km;
	sk = km + kl;
	cs = km + 2 * kl;
	ss = km + 2 * kl + sl;
	P.tx = srtp_session(p, P.client ? ck : sk, P.client ? cs : ss, 1);
	P.rx = srtp_session(p, P.client ? sk : ck, P.client ? ss : cs, 0);
	OPENSSL_cleanse(km, sizeof(km));
	printf("handshake ok profile %s\n", sp->name);
}

/* --- media: the same packets and checks as tests/kmod/endpoint.c --- */

static int make_packet(unsigned char *b, uint16_t seq, uint32_t ssrc)
{
	b[0] = 0x80;
	b[1] = 0;
	put16(b + 2, seq);
	put32(b + 4, seq * 160u);
	put32(b + 8, ssrc);
	for (int i = 0; i < PAYLOAD; i++)
		b[12 + i] = (unsigned char)(seq * 7 + i);
	return 12 + PAYLOAD;
}

static int check_packet(const unsigned char *b, int len)
{
	uint16_t seq;

	if (len != 12 + PAYLOAD || (b[0] >> 6) != 2)
		return 0;
	seq = (uint16_t)(b[2] << 8 | b[3]);
	for (int i = 0; i < PAYLOAD; i++)
		if (b[12 + i] != (unsigned char)(seq * 7 + i))
			return 0;
	return 1;
}

static void send_rtp(void)
{
	unsigned char b[12 + PAYLOAD + SRTP_MAX_TRAILER_LEN];
	int len = make_packet(b, (uint16_t)(FIRST_SEQ + P.sent), P.ssrc);

	if (srtp_protect(P.tx, b, &len) != srtp_err_status_ok)
		die(2, "srtp_protect failed");
	send_dgram(b, (size_t)len);
	P.sent++;
}

static void media_in(struct dgram *d)
{
	int len = d->len;

	if (len >= 2 && d->b[1] >= 192 && d->b[1] <= 223) {	/* muxed RTCP (RFC 5761) */
		P.rtcp++;
		if (srtp_unprotect_rtcp(P.rx, d->b, &len) == srtp_err_status_ok)
			P.rtcp_ok++;
		return;
	}
	P.received++;
	if (srtp_unprotect(P.rx, d->b, &len) == srtp_err_status_ok && check_packet(d->b, len))
		P.ok++;
	else
		P.bad++;
}

/* DTLS after the handshake: a retransmitted flight to answer, or an alert.
 * Returns 0 once the DTLS session is over. */
static int dtls_record(const struct dgram *d)
{
	unsigned char buf[MAX_DGRAM];
	int r;

	P.in = d->b;
	P.in_len = d->len;
	ERR_clear_error();
	while ((r = SSL_read(P.ssl, buf, sizeof(buf))) > 0)
		fprintf(stderr, "dtls_peer: ignoring %d bytes of DTLS application data\n", r);
	P.in = NULL;
	switch (SSL_get_error(P.ssl, r)) {
	case SSL_ERROR_WANT_READ:
	case SSL_ERROR_WANT_WRITE:
		return 1;
	case SSL_ERROR_ZERO_RETURN:
		printf("dtls close_notify received\n");
		return 0;
	default:
		printf("dtls failed: %s\n", ssl_reason());
		return 0;
	}
}

static void media_phase(long send_count, long recv_count)
{
	long long last_rx = now_ms(), next_send = last_rx;
	int dtls_open = 1;
	struct dgram d;

	take_queue();
	for (;;) {
		long long t = now_ms(), timer = dtls_open ? dtls_timer() : -1, until;

		if (P.sent >= send_count && (P.ok >= recv_count || t - last_rx >= P.timeout_ms))
			break;
		if (timer >= 0 && timer <= t) {
			if (DTLSv1_handle_timeout(P.ssl) < 0) {
				printf("dtls failed: %s\n", ssl_reason());
				dtls_open = 0;
			}
			continue;
		}
		if (P.sent < send_count && t >= next_send) {
			send_rtp();
			next_send += SEND_GAP_MS;
			continue;
		}
		until = P.sent < send_count ? next_send : last_rx + P.timeout_ms;
		if (timer >= 0 && timer < until)
			until = timer;
		if (!next_dgram(&d, until - t))
			continue;
		if (classify(&d) == K_DTLS && dtls_open) {
			dtls_open = dtls_record(&d);
		} else if (classify(&d) == K_RTP) {
			last_rx = now_ms();
			media_in(&d);
		}
	}
	if (dtls_open)
		SSL_shutdown(P.ssl);	/* close_notify: DTLS sends it once, without waiting */
}

static void usage(void)
{
	fprintf(stderr, "usage: dtls_peer BIND_ADDR:PORT RELAY_ADDR:PORT client|server CERT_PEM "
			"KEY_PEM EXPECT_FP\n"
			"                 SEND_COUNT RECV_COUNT TIMEOUT_MS [profiles=LIST] "
			"[ssrc=HEX] [stun=UFRAG:PWD]\n");
	exit(2);
}

static void check_profiles(const char *list)
{
	char copy[512], *save = NULL;

	if (strlen(list) >= sizeof(copy))
		die(2, "profiles= too long");
	strcpy(copy, list);
	for (char *t = strtok_r(copy, ":", &save); t; t = strtok_r(NULL, ":", &save))
		if (!find_profile(t))
			die(2, "unsupported SRTP profile %s", t);
}

static void open_socket(const char *bind_s, const char *relay_s)
{
	struct sockaddr_storage me, relay;
	socklen_t mlen = parse_addr(bind_s, &me), rlen = parse_addr(relay_s, &relay);

	if (me.ss_family != relay.ss_family)
		die(2, "%s and %s are not of one address family", bind_s, relay_s);
	P.v6 = me.ss_family == AF_INET6;
	P.fd = socket(me.ss_family, SOCK_DGRAM, 0);
	if (P.fd < 0 || bind(P.fd, (void *)&me, mlen) < 0)
		die(2, "bind %s: %s", bind_s, strerror(errno));
	if (connect(P.fd, (void *)&relay, rlen) < 0)
		die(2, "connect %s: %s", relay_s, strerror(errno));
	mlen = sizeof(me);
	if (getsockname(P.fd, (void *)&me, &mlen) < 0)
		die(2, "getsockname: %s", strerror(errno));
	printf("port %u\n", ntohs(P.v6 ? ((struct sockaddr_in6 *)&me)->sin6_port :
				      ((struct sockaddr_in *)&me)->sin_port));
}

int main(int argc, char **argv)
{
	const char *profile_list = DEFAULT_PROFILES, *stun = NULL;
	long send_count, recv_count;
	char fp[3 * 32];

	if (argc < 10 || (strcmp(argv[3], "client") && strcmp(argv[3], "server")))
		usage();
	P.client = !strcmp(argv[3], "client");
	P.expect_fp = argv[6];
	send_count = parse_count(argv[7], "SEND_COUNT");
	recv_count = parse_count(argv[8], "RECV_COUNT");
	P.timeout_ms = (int)parse_count(argv[9], "TIMEOUT_MS");
	P.ssrc = 0x5eed0001;
	for (int i = 10; i < argc; i++) {
		if (!strncmp(argv[i], "profiles=", 9))
			profile_list = argv[i] + 9;
		else if (!strncmp(argv[i], "ssrc=", 5))
			P.ssrc = parse_ssrc(argv[i] + 5);
		else if (!strncmp(argv[i], "stun=", 5))
			stun = argv[i] + 5;
		else
			usage();
	}
	check_profiles(profile_list);
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (srtp_init() != srtp_err_status_ok)
		die(2, "srtp_init failed");

	P.ssl = dtls_setup(argv[4], argv[5], profile_list);
	fingerprint(SSL_get_certificate(P.ssl), fp);
	printf("fingerprint sha-256 %s\n", fp);
	open_socket(argv[1], argv[2]);

	if (stun)
		stun_phase(stun);
	handshake_phase();
	srtp_setup();
	media_phase(send_count, recv_count);
	if (P.rtcp)
		printf("rtcp received %ld ok %ld\n", P.rtcp, P.rtcp_ok);
	printf("sent %ld received %ld ok %ld bad %ld\n", P.sent, P.received, P.ok, P.bad);
	return P.ok >= recv_count ? 0 : 1;
}
