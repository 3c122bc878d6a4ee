// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * ng over UDP and TCP on the relay's io_uring. UDP: a multishot poll on the socket wakes us,
 * then we read until EAGAIN; replies are small and go out at once with sendto(). TCP: a
 * tcp_server listener (its limits below), whose connections carry a stream of messages.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "bencode.h"
#include "daemon.h"
#include "http_server.h"
#include "log.h"
#include "ng.h"
#include "ng_cache.h"
#include "ng_req.h"
#include "ng_server.h"
#include "tcp_server.h"

#define NG_DGRAM_MAX 65536
#define NG_CACHE_SECONDS 30	/* a reply is kept 30 to 60 s */

/* A TCP ng listener: 256 connections, 64 from one address, 30 s for a request to complete;
 * a connection with nothing pending may stay open (Kamailio keeps its own for good). */
static const struct tcp_limits ng_tcp_limits = {
	.name = "ng", .conns = 256, .per_source = 64, .partial_timeout = 30.0, .idle_ok = true,
	.buf_max = 1 << 20,
};

struct ng_server {
	struct relay_hook hook;	/* first: the UDP socket's completions */
	struct srtprelayd *d;
	int fd;
	bool armed;
	char *dgram;
	struct strbuf reply;
	struct tcp_server *tcp;
	struct http_server *http;
} __attribute__((aligned(16)));

static struct log_limit ng_limit;

void ng_server_request(struct srtprelayd *d, const char *data, size_t len,
		       const struct sockaddr_storage *from, struct strbuf *reply)
{
	struct ng_str cookie;
	const char *body, *cached;
	size_t body_len, clen;
	double now = now_mono();

	sb_reset(reply);
	if (ng_split(data, len, &cookie, &body, &body_len)) {
		char a[64];

		log_ratelimited(&ng_limit, LOG_WARNING, "ng: message from %s without a cookie",
				addr_str(from, a, sizeof(a)));
		return;
	}
	cached = ng_cache_get(d->cache, cookie.s, cookie.len, from, now, &clen);
	if (cached) {
		d->ng_retransmits++;
		sb_add(reply, cached, clen);
		return;
	}
	sb_add(reply, cookie.s, cookie.len);
	sb_addc(reply, ' ');
	ng_handle(d, body, body_len, reply);
	if (reply->oom) {
		sb_reset(reply);
		return;
	}
	ng_cache_put(d->cache, cookie.s, cookie.len, from, reply->p, reply->len, now);
}

static void udp_readable(struct ng_server *srv)
{
	for (int n = 0; n < 256; n++) {
		struct sockaddr_storage from;
		socklen_t fl = sizeof(from);
		ssize_t len = recvfrom(srv->fd, srv->dgram, NG_DGRAM_MAX, MSG_DONTWAIT,
				       (struct sockaddr *)&from, &fl);

		if (len < 0) {
			if (errno != EAGAIN && errno != EINTR)
				log_ratelimited(&ng_limit, LOG_WARNING, "ng: recvfrom: %s",
						strerror(errno));
			return;
		}
		ng_server_request(srv->d, srv->dgram, (size_t)len, &from, &srv->reply);
		if (srv->reply.len &&
		    sendto(srv->fd, srv->reply.p, srv->reply.len, MSG_DONTWAIT,
			   (struct sockaddr *)&from, addr_len(&from)) < 0)
			log_ratelimited(&ng_limit, LOG_WARNING, "ng: reply: %s", strerror(errno));
	}
}

static void udp_arm(struct ng_server *srv)
{
	struct io_uring_sqe *sqe = relay_sqe(&srv->d->relay);

	io_uring_prep_poll_multishot(sqe, srv->fd, POLLIN);
	io_uring_sqe_set_data64(sqe, (uint64_t)(uintptr_t)srv | EV_HOOK);
	srv->armed = true;
}

static void udp_complete(struct relay *r, struct relay_hook *h, struct io_uring_cqe *cqe)
{
	struct ng_server *srv = (struct ng_server *)h;

	(void)r;
	if (!(cqe->flags & IORING_CQE_F_MORE))
		srv->armed = false;
	if (cqe->res > 0)
		udp_readable(srv);
	if (!srv->armed)
		udp_arm(srv);
}

/* Every complete "<cookie> <bencode>" at the start of what a TCP connection received. */
static bool tcp_messages(void *arg, struct tcp_conn *c)
{
	struct ng_server *srv = arg;
	size_t off = 0;

	while (off < c->len) {
		const char *m = c->buf + off, *sp;
		size_t avail = c->len - off;
		long span;

		/* Whitespace between messages is tolerated. */
		if (*m == '\n' || *m == '\r' || *m == ' ') {
			off++;
			continue;
		}
		sp = memchr(m, ' ', avail);
		if (!sp)
			break;
		span = bencode_span(sp + 1, avail - (size_t)(sp + 1 - m));
		if (span < 0)
			return false;	/* garbage: the stream cannot be resynchronised */
		if (span == 0)
			break;
		ng_server_request(srv->d, m, (size_t)(sp + 1 - m) + (size_t)span, &c->peer,
				  &srv->reply);
		if (srv->reply.len && !tcp_send(c, srv->reply.p, srv->reply.len))
			return false;
		off += (size_t)(sp + 1 - m) + (size_t)span;
	}
	tcp_consume(c, off);
	return true;
}

void ng_server_tick(struct srtprelayd *d, double now)
{
	if (!d->ng)
		return;
	tcp_server_tick(d->ng->tcp, now);
	http_server_tick(d->ng->http, now);
}

int ng_server_start(struct srtprelayd *d)
{
	struct ng_server *srv = aligned_alloc(16, sizeof(*srv));
	int one = 1, ret;
	char a[64];

	if (!srv)
		return -ENOMEM;
	memset(srv, 0, sizeof(*srv));
	srv->hook.complete = udp_complete;
	srv->d = d;
	srv->fd = -1;
	srv->dgram = malloc(NG_DGRAM_MAX);
	d->cache = ng_cache_new(NG_CACHE_SECONDS);
	d->ng = srv;
	if (!srv->dgram || !d->cache)
		return -ENOMEM;
	ng_cache_set_limit(d->cache, (size_t)d->cfg.reply_cache_mb << 20);
	srv->fd = socket(d->cfg.listen_ng.ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (srv->fd < 0 ||
	    (setsockopt(srv->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)),
	     bind(srv->fd, (const struct sockaddr *)&d->cfg.listen_ng,
		  addr_len(&d->cfg.listen_ng)) < 0)) {
		ret = -errno;
		log_err("cannot listen for ng on UDP %s: %s",
			addr_str(&d->cfg.listen_ng, a, sizeof(a)), strerror(-ret));
		return ret;
	}
	udp_arm(srv);
	/* TCP ng only where asked (--listen-tcp-ng), as rtpengine does. */
	if (d->cfg.listen_tcp_ng.ss_family) {
		ret = tcp_server_start(&d->relay, &d->cfg.listen_tcp_ng, &ng_tcp_limits,
				       tcp_messages, srv, &d->conns[0], &srv->tcp);
		if (ret) {
			log_err("cannot listen for ng on TCP %s: %s",
				addr_str(&d->cfg.listen_tcp_ng, a, sizeof(a)), strerror(-ret));
			return ret;
		}
		log_notice("ng control on TCP %s", addr_str(&d->cfg.listen_tcp_ng, a, sizeof(a)));
	}
	if (d->cfg.listen_http.ss_family) {
		ret = http_server_start(d, &srv->http);
		if (ret)
			return ret;
	}
	log_notice("ng control on %s (UDP)", addr_str(&d->cfg.listen_ng, a, sizeof(a)));
	return 0;
}

/* After the ring is gone: nothing will complete any more, so everything can go. */
void ng_server_stop(struct srtprelayd *d)
{
	struct ng_server *srv = d->ng;

	if (!srv)
		return;
	if (srv->fd >= 0)
		close(srv->fd);
	tcp_server_free(srv->tcp);
	http_server_free(srv->http);
	free(srv->dgram);
	sb_free(&srv->reply);
	free(srv);
	d->ng = NULL;
	ng_cache_free(d->cache);
	d->cache = NULL;
}
