// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Load tools for the relay benchmarks (tests/bench/bench_relay.py). SRTP comes from
 * libsrtp2, not from our core, as it would from a real endpoint. Every PORT / DESTPORT may
 * also be written ADDR:PORT (IPv4); a bare port means 127.0.0.1 (gen: any address).
 *
 *   udpload gen SRCPORT PACKETS SUITE STREAMFILE
 *       STREAMFILE: one line per stream, "DESTPORT KEYHEX [DESTADDR]" (KEYHEX "-" for plain
 *       RTP, DESTADDR 127.0.0.1 when absent).
 *       Builds PACKETS packets round-robin over the streams (each its own SSRC and SEQ),
 *       protecting them beforehand, then sends them from 127.0.0.1:SRCPORT as fast as
 *       sendmmsg goes. Prints "sent N seconds S".
 *   udpload sink PORT SECONDS
 *       Counts datagrams on PORT until 1 s after the last one or SECONDS. Prints
 *       "received N seconds S" (S from the first to the last datagram).
 *   udpload fwd PORT DESTPORT SECONDS
 *       The ceiling: recvmmsg on PORT, sendmmsg everything to DESTPORT, nothing else.
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

#define BATCH 64
#define PAYLOAD 160
#define MAX_STREAMS 20000
#define PKT_MAX 256

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(const char *what)
{
	perror(what);
	exit(2);
}

/* "PORT" or "A.B.C.D:PORT" into a; def is the address when none is given. */
static void endpoint(const char *s, struct sockaddr_in *a, uint32_t def)
{
	const char *colon = strchr(s, ':');
	char addr[32];

	memset(a, 0, sizeof(*a));
	a->sin_family = AF_INET;
	a->sin_addr.s_addr = htonl(def);
	if (colon && (size_t)(colon - s) < sizeof(addr)) {
		memcpy(addr, s, (size_t)(colon - s));
		addr[colon - s] = '\0';
		if (inet_pton(AF_INET, addr, &a->sin_addr) != 1) {
			fprintf(stderr, "bad address %s\n", s);
			exit(2);
		}
		s = colon + 1;
	}
	a->sin_port = htons((uint16_t)atoi(s));
}

static int udp_socket(const char *where, uint32_t def)
{
	struct sockaddr_in a;
	int fd = socket(AF_INET, SOCK_DGRAM, 0), big = 8 << 20;

	endpoint(where, &a, def);
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0)
		die("bind");
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &big, sizeof(big));
	setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &big, sizeof(big));
	return fd;
}

struct stream {
	struct sockaddr_in to;
	srtp_t srtp;
	uint16_t seq;
	uint32_t ssrc;
};

static srtp_t srtp_session(const char *suite, const char *hex, uint32_t ssrc)
{
	srtp_policy_t p;
	unsigned char key[64];
	size_t n = strlen(hex) / 2;
	srtp_t s;

	if (!strcmp(hex, "-"))
		return NULL;
	memset(&p, 0, sizeof(p));
	if (!strcmp(suite, "AES_CM_128_HMAC_SHA1_80")) {
		srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&p.rtp);
	} else if (!strcmp(suite, "AEAD_AES_128_GCM")) {
		srtp_crypto_policy_set_aes_gcm_128_16_auth(&p.rtp);
	} else {
		fprintf(stderr, "unknown suite %s\n", suite);
		exit(2);
	}
	p.rtcp = p.rtp;
	for (size_t i = 0; i < n && i < sizeof(key); i++)
		sscanf(hex + 2 * i, "%2hhx", &key[i]);
	p.key = key;
	p.ssrc.type = ssrc_specific;
	p.ssrc.value = ssrc;
	p.window_size = 1024;
	if (srtp_create(&s, &p) != srtp_err_status_ok)
		die("srtp_create");
	return s;
}

static int gen(int argc, char **argv)
{
	int fd, nstreams = 0, total;
	long i;
	struct stream *st = calloc(MAX_STREAMS, sizeof(*st));
	unsigned char (*pkts)[PKT_MAX];
	int *lens, *dest;
	char line[256];
	FILE *f;
	double t0, t1;

	if (argc < 6 || !st)
		return 2;
	fd = udp_socket(argv[2], INADDR_ANY);
	total = atoi(argv[3]);
	f = fopen(argv[5], "r");
	if (!f)
		die(argv[5]);
	while (fgets(line, sizeof(line), f) && nstreams < MAX_STREAMS) {
		char hex[200], addr[32] = "127.0.0.1";
		int port;

		if (sscanf(line, "%d %199s %31s", &port, hex, addr) < 2)
			continue;
		st[nstreams].to.sin_family = AF_INET;
		st[nstreams].to.sin_port = htons((uint16_t)port);
		if (inet_pton(AF_INET, addr, &st[nstreams].to.sin_addr) != 1)
			die("stream address");
		st[nstreams].ssrc = 0x10000000u + (uint32_t)nstreams;
		st[nstreams].seq = (uint16_t)(nstreams * 13);
		st[nstreams].srtp = srtp_session(argv[4], hex, st[nstreams].ssrc);
		nstreams++;
	}
	fclose(f);
	if (!nstreams)
		return 2;
	pkts = malloc((size_t)total * PKT_MAX);
	lens = malloc((size_t)total * sizeof(int));
	dest = malloc((size_t)total * sizeof(int));
	if (!pkts || !lens || !dest)
		die("malloc");
	for (i = 0; i < total; i++) {
		struct stream *s = &st[i % nstreams];
		unsigned char *b = pkts[i];
		int len = 12 + PAYLOAD;

		b[0] = 0x80;
		b[1] = 0;
		b[2] = (unsigned char)(s->seq >> 8);
		b[3] = (unsigned char)s->seq;
		memcpy(b + 4, &(uint32_t){ htonl(s->seq * 160u) }, 4);
		memcpy(b + 8, &(uint32_t){ htonl(s->ssrc) }, 4);
		memset(b + 12, (int)(i & 0xff), PAYLOAD);
		s->seq++;
		if (s->srtp && srtp_protect(s->srtp, b, &len) != srtp_err_status_ok)
			die("srtp_protect");
		lens[i] = len;
		dest[i] = (int)(i % nstreams);
	}
	t0 = now();
	for (i = 0; i < total;) {
		struct mmsghdr mm[BATCH];
		struct iovec iov[BATCH];
		int n = 0, sent;

		for (; n < BATCH && i + n < total; n++) {
			iov[n].iov_base = pkts[i + n];
			iov[n].iov_len = (size_t)lens[i + n];
			memset(&mm[n], 0, sizeof(mm[n]));
			mm[n].msg_hdr.msg_iov = &iov[n];
			mm[n].msg_hdr.msg_iovlen = 1;
			mm[n].msg_hdr.msg_name = &st[dest[i + n]].to;
			mm[n].msg_hdr.msg_namelen = sizeof(struct sockaddr_in);
		}
		sent = sendmmsg(fd, mm, (unsigned int)n, 0);
		if (sent < 0) {
			if (errno == EAGAIN || errno == ENOBUFS || errno == EINTR)
				continue;
			die("sendmmsg");
		}
		i += sent;
	}
	t1 = now();
	printf("sent %d seconds %.6f\n", total, t1 - t0);
	return 0;
}

/* Receives batches until idle for 'idle' seconds after the first packet, or the deadline. */
static long drain(int fd, double seconds, double idle, int fwd_fd, struct sockaddr_in *fwd_to,
		  double *first, double *last)
{
	static unsigned char bufs[BATCH][2048];
	struct mmsghdr mm[BATCH];
	struct iovec iov[BATCH];
	double deadline = now() + seconds;
	long count = 0;

	*first = *last = 0;
	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		double t = now(), left = *first ? *last + idle - t : deadline - t;
		int n;

		if (left <= 0 || t >= deadline)
			break;
		if (poll(&p, 1, (int)(left * 1000) + 1) <= 0)
			continue;
		for (int k = 0; k < BATCH; k++) {
			iov[k].iov_base = bufs[k];
			iov[k].iov_len = sizeof(bufs[k]);
			memset(&mm[k], 0, sizeof(mm[k]));
			mm[k].msg_hdr.msg_iov = &iov[k];
			mm[k].msg_hdr.msg_iovlen = 1;
		}
		n = recvmmsg(fd, mm, BATCH, MSG_DONTWAIT, NULL);
		if (n <= 0)
			continue;
		*last = now();
		if (!*first)
			*first = *last;
		count += n;
		if (fwd_fd >= 0) {
			for (int k = 0; k < n; k++) {
				iov[k].iov_len = mm[k].msg_len;
				mm[k].msg_hdr.msg_name = fwd_to;
				mm[k].msg_hdr.msg_namelen = sizeof(*fwd_to);
			}
			sendmmsg(fwd_fd, mm, (unsigned int)n, 0);
		}
	}
	return count;
}

int main(int argc, char **argv)
{
	double first, last;
	long n;

	if (argc >= 6 && !strcmp(argv[1], "gen")) {
		if (srtp_init() != srtp_err_status_ok)
			die("srtp_init");
		return gen(argc, argv);
	}
	if (argc >= 4 && !strcmp(argv[1], "sink")) {
		int fd = udp_socket(argv[2], INADDR_LOOPBACK);

		printf("ready\n");
		fflush(stdout);
		n = drain(fd, atof(argv[3]), 1.0, -1, NULL, &first, &last);
		printf("received %ld seconds %.6f\n", n, last - first);
		return 0;
	}
	if (argc >= 5 && !strcmp(argv[1], "fwd")) {
		int fd = udp_socket(argv[2], INADDR_LOOPBACK);
		struct sockaddr_in to;

		endpoint(argv[3], &to, INADDR_LOOPBACK);
		printf("ready\n");
		fflush(stdout);
		n = drain(fd, atof(argv[4]), 1.5, fd, &to, &first, &last);
		printf("forwarded %ld\n", n);
		return 0;
	}
	fprintf(stderr, "usage: udpload gen SRCPORT PACKETS SUITE STREAMFILE | sink PORT SECONDS | "
			"fwd PORT DESTPORT SECONDS\n");
	return 2;
}
