// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * A media endpoint for the VM tests, built on libsrtp2 and not on our SRTP core, so the relay
 * is checked by an independent implementation.
 *
 *   endpoint send SUITE KEYHEX DEST SRCPORT COUNT SSRC [rtcp|dup|replay=MS]
 *   endpoint recv SUITE KEYHEX LISTEN COUNT TIMEOUT_MS [rtcp] [first=MS] [exact]
 *
 * SUITE is an SDES name or "none" (plain RTP); KEYHEX the master key and salt, and after a "/"
 * an MKI that every packet carries (RFC 4568's "|1:32" is "/" and 31 zero octets then 01); DEST/LISTEN
 * "a.b.c.d:port" or "[v6]:port". send numbers packets from SEQ 65500 so they cross a SEQ wrap
 * and fills each payload from its SEQ ("dup" sends every packet twice, a replay; "replay=MS"
 * sends the first packet, waits MS, sends the second, then both again as they were protected
 * (replays of a packet relayed before a hand-over and of one after), then the rest); recv checks
 * every payload and prints
 * "received N ok M bad K" and exits 0 when M == COUNT ("exact": and nothing more arrives in
 * TIMEOUT_MS after that). recv gives up after TIMEOUT_MS without a packet, or before the
 * first one after first=MS (default TIMEOUT_MS): a slow guest (the KASAN kernel under TCG, on
 * a loaded host) may take many seconds to start the sender, which a deadline from the start
 * would count as loss.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <srtp2/srtp.h>

#define PAYLOAD 160
#define FIRST_SEQ 65500

struct suite {
	const char *name;
	void (*set)(srtp_crypto_policy_t *p);
	void (*set_rtcp)(srtp_crypto_policy_t *p);
};

static const struct suite suites[] = {
	{ "AES_CM_128_HMAC_SHA1_80", srtp_crypto_policy_set_rtp_default,
	  srtp_crypto_policy_set_rtp_default },
	{ "AES_CM_128_HMAC_SHA1_32", srtp_crypto_policy_set_aes_cm_128_hmac_sha1_32,
	  srtp_crypto_policy_set_rtp_default },
	{ "AES_256_CM_HMAC_SHA1_80", srtp_crypto_policy_set_aes_cm_256_hmac_sha1_80,
	  srtp_crypto_policy_set_aes_cm_256_hmac_sha1_80 },
	{ "AES_256_CM_HMAC_SHA1_32", srtp_crypto_policy_set_aes_cm_256_hmac_sha1_32,
	  srtp_crypto_policy_set_aes_cm_256_hmac_sha1_80 },
	{ "AEAD_AES_128_GCM", srtp_crypto_policy_set_aes_gcm_128_16_auth,
	  srtp_crypto_policy_set_aes_gcm_128_16_auth },
	{ "AEAD_AES_256_GCM", srtp_crypto_policy_set_aes_gcm_256_16_auth,
	  srtp_crypto_policy_set_aes_gcm_256_16_auth },
	{ "NULL_HMAC_SHA1_80", srtp_crypto_policy_set_null_cipher_hmac_sha1_80,
	  srtp_crypto_policy_set_null_cipher_hmac_sha1_80 },
};

static int die(const char *what)
{
	fprintf(stderr, "endpoint: %s\n", what);
	exit(2);
}

static socklen_t parse_addr(const char *s, struct sockaddr_storage *ss)
{
	char host[128];
	const char *colon = strrchr(s, ':');
	struct sockaddr_in *a4 = (void *)ss;
	struct sockaddr_in6 *a6 = (void *)ss;
	size_t n;

	memset(ss, 0, sizeof(*ss));
	if (!colon || (size_t)(colon - s) >= sizeof(host))
		die("bad address");
	n = (size_t)(colon - s);
	if (s[0] == '[') {
		memcpy(host, s + 1, n - 2);
		host[n - 2] = 0;
		a6->sin6_family = AF_INET6;
		a6->sin6_port = htons((uint16_t)atoi(colon + 1));
		if (inet_pton(AF_INET6, host, &a6->sin6_addr) != 1)
			die("bad IPv6 address");
		return sizeof(*a6);
	}
	memcpy(host, s, n);
	host[n] = 0;
	a4->sin_family = AF_INET;
	a4->sin_port = htons((uint16_t)atoi(colon + 1));
	if (inet_pton(AF_INET, host, &a4->sin_addr) != 1)
		die("bad IPv4 address");
	return sizeof(*a4);
}

/* 1: packets carry the MKI given after KEYHEX's "/" */
static int use_mki;

static size_t unhex(const char *hex, size_t n, unsigned char *out, size_t cap)
{
	if (n / 2 > cap)
		die("key or MKI too long");
	for (size_t i = 0; i < n / 2; i++)
		sscanf(hex + 2 * i, "%2hhx", &out[i]);
	return n / 2;
}

static srtp_t session(const char *suite, const char *hex, int outbound)
{
	static unsigned char key[64], mki[128];
	static srtp_master_key_t mk, *mkp = &mk;
	const char *slash = strchr(hex, '/');
	srtp_policy_t p;
	srtp_t s;
	size_t i;

	if (!strcmp(suite, "none"))
		return NULL;
	unhex(hex, slash ? (size_t)(slash - hex) : strlen(hex), key, sizeof(key));
	memset(&p, 0, sizeof(p));
	for (i = 0; i < sizeof(suites) / sizeof(suites[0]); i++) {
		if (!strcmp(suites[i].name, suite)) {
			suites[i].set(&p.rtp);
			suites[i].set_rtcp(&p.rtcp);
			break;
		}
	}
	if (i == sizeof(suites) / sizeof(suites[0]))
		die("unknown suite");
	if (slash) {
		mk.key = key;
		mk.mki_id = mki;
		mk.mki_size = (unsigned int)unhex(slash + 1, strlen(slash + 1), mki, sizeof(mki));
		p.keys = &mkp;
		p.num_master_keys = 1;
		use_mki = 1;
	} else {
		p.key = key;
	}
	p.window_size = 1024;
	p.ssrc.type = outbound ? ssrc_any_outbound : ssrc_any_inbound;
	if (srtp_create(&s, &p) != srtp_err_status_ok)
		die("srtp_create failed");
	return s;
}

static int make_packet(unsigned char *b, uint16_t seq, uint32_t ssrc, int rtcp)
{
	if (rtcp) {	/* an SR whose report body carries the counter */
		memset(b, 0, 28);
		b[0] = 0x80;
		b[1] = 200;
		b[3] = 6;
		memcpy(b + 4, &(uint32_t){ htonl(ssrc) }, 4);
		memcpy(b + 24, &(uint32_t){ htonl(seq) }, 4);
		return 28;
	}
	b[0] = 0x80;
	b[1] = 0;
	b[2] = (unsigned char)(seq >> 8);
	b[3] = (unsigned char)seq;
	memcpy(b + 4, &(uint32_t){ htonl(seq * 160u) }, 4);
	memcpy(b + 8, &(uint32_t){ htonl(ssrc) }, 4);
	for (int i = 0; i < PAYLOAD; i++)
		b[12 + i] = (unsigned char)(seq * 7 + i);
	return 12 + PAYLOAD;
}

static int check_packet(const unsigned char *b, int len, int rtcp)
{
	uint16_t seq;

	if (rtcp)
		return len == 28 && b[1] == 200;
	if (len != 12 + PAYLOAD || (b[0] >> 6) != 2)
		return 0;
	seq = (uint16_t)(b[2] << 8 | b[3]);
	for (int i = 0; i < PAYLOAD; i++)
		if (b[12 + i] != (unsigned char)(seq * 7 + i))
			return 0;
	return 1;
}

static int do_send(char **argv, int rtcp, int dup, int replay_ms)
{
	struct sockaddr_storage dst, src;
	socklen_t dlen = parse_addr(argv[4], &dst);
	int count = atoi(argv[6]), fd;
	uint32_t ssrc = (uint32_t)strtoul(argv[7], NULL, 0);
	srtp_t s = session(argv[2], argv[3], 1);
	unsigned char b[1500], kept[2][1500];
	int kept_len[2] = { 0, 0 };

	fd = socket(dst.ss_family, SOCK_DGRAM, 0);
	memset(&src, 0, sizeof(src));
	src.ss_family = dst.ss_family;
	((struct sockaddr_in *)&src)->sin_port = htons((uint16_t)atoi(argv[5]));
	if (fd < 0 || bind(fd, (void *)&src, dlen) < 0)
		die("bind");
	for (int i = 0; i < count; i++) {
		int len = make_packet(b, (uint16_t)(FIRST_SEQ + i), ssrc, rtcp);

		if (s && (rtcp ? srtp_protect_rtcp_mki(s, b, &len, use_mki, 0)
			       : srtp_protect_mki(s, b, &len, use_mki, 0)))
			die("protect failed");
		for (int copy = 0; copy <= dup; copy++)
			if (sendto(fd, b, (size_t)len, 0, (void *)&dst, dlen) < 0)
				die("sendto");
		if (i < 2) {
			memcpy(kept[i], b, (size_t)len);
			kept_len[i] = len;
		}
		if (i == 0 && replay_ms)
			nanosleep(&(struct timespec){ replay_ms / 1000,
						      (replay_ms % 1000) * 1000000L }, NULL);
		/* the first two again, while they are still inside a replay window */
		for (int k = 0; replay_ms && i == 1 && k < 2; k++)
			if (sendto(fd, kept[k], (size_t)kept_len[k], 0, (void *)&dst, dlen) < 0)
				die("sendto");
		nanosleep(&(struct timespec){ 0, 300000 }, NULL);	/* ~3000 pps */
	}
	close(fd);
	return 0;
}

static int do_recv(char **argv, int rtcp, int first, int exact)
{
	struct sockaddr_storage me;
	socklen_t mlen = parse_addr(argv[4], &me);
	int count = atoi(argv[5]), timeout = atoi(argv[6]), fd, got = 0, ok = 0, bad = 0;
	srtp_t s = session(argv[2], argv[3], 0);
	struct timespec t0, t;
	unsigned char b[2048];

	fd = socket(me.ss_family, SOCK_DGRAM, 0);
	if (fd < 0 || bind(fd, (void *)&me, mlen) < 0)
		die("bind");
	printf("listening\n");
	fflush(stdout);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (ok < count || (exact && ok == count)) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		long left;
		int len;

		clock_gettime(CLOCK_MONOTONIC, &t);
		left = (got ? timeout : first) -
		       ((t.tv_sec - t0.tv_sec) * 1000 + (t.tv_nsec - t0.tv_nsec) / 1000000);
		if (left <= 0 || poll(&pfd, 1, (int)left) <= 0)
			break;
		len = (int)recv(fd, b, sizeof(b), 0);
		if (len < 0)
			continue;
		got++;
		clock_gettime(CLOCK_MONOTONIC, &t0);	/* silence counts from the last packet */
		if (s && (rtcp ? srtp_unprotect_rtcp_mki(s, b, &len, use_mki)
			       : srtp_unprotect_mki(s, b, &len, use_mki))) {
			bad++;
			continue;
		}
		if (check_packet(b, len, rtcp))
			ok++;
		else
			bad++;
	}
	printf("received %d ok %d bad %d\n", got, ok, bad);
	return ok == count && (!exact || got == count) ? 0 : 1;
}

int main(int argc, char **argv)
{
	int rtcp;

	if (srtp_init() != srtp_err_status_ok)
		die("srtp_init");
	if (argc >= 8 && !strcmp(argv[1], "send")) {
		rtcp = argc > 8 && !strcmp(argv[8], "rtcp");
		return do_send(argv, rtcp, argc > 8 && !strcmp(argv[8], "dup"),
			       argc > 8 && !strncmp(argv[8], "replay=", 7) ? atoi(argv[8] + 7) : 0);
	}
	if (argc >= 7 && !strcmp(argv[1], "recv")) {
		int first = atoi(argv[6]), exact = 0;

		rtcp = 0;
		for (int i = 7; i < argc; i++) {
			if (!strcmp(argv[i], "rtcp"))
				rtcp = 1;
			else if (!strncmp(argv[i], "first=", 6))
				first = atoi(argv[i] + 6);
			else if (!strcmp(argv[i], "exact"))
				exact = 1;
		}
		return do_recv(argv, rtcp, first, exact);
	}
	fprintf(stderr, "usage: endpoint send SUITE KEYHEX DEST SRCPORT COUNT SSRC "
			"[rtcp|dup|replay=MS]\n"
			"       endpoint recv SUITE KEYHEX LISTEN COUNT TIMEOUT_MS [rtcp] [first=MS] "
			"[exact]\n");
	return 2;
}
