// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * ng over UDP and TCP on the relay's io_uring: a multishot poll on each socket wakes us,
 * then we read until EAGAIN. Replies are small and go out at once with sendto()/send().
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "bencode.h"
#include "daemon.h"
#include "log.h"
#include "metrics.h"
#include "ng.h"
#include "ng_cache.h"
#include "ng_req.h"
#include "ng_server.h"
#include "options.h"
#include "packet.h"

#define NG_DGRAM_MAX 65536
#define NG_TCP_MAX (1 << 20)	/* one message on a TCP connection */
#define NG_CACHE_SECONDS 30	/* a reply is kept 30 to 60 s */

/* ng over UDP, ng over TCP (listener, connection), metrics over HTTP (listener, connection). */
enum ng_sock_kind { NGS_UDP, NGS_LISTEN, NGS_CONN, NGS_HTTP_LISTEN, NGS_HTTP_CONN };

#define HTTP_REQUEST_MAX 8192

/*
 * What one TCP listener allows, so that no client starves another listener or another
 * client: connections at once, connections from one source address, and how long a
 * connection may sit on a partial request (ng) or on an unfinished request head (HTTP).
 * An ng connection with nothing pending may stay open: Kamailio keeps its own for good.
 */
static const struct listen_limits {
	unsigned int conns, per_source;
	double partial_timeout;
	int idx;	/* into conns_refused / conns_timed_out */
} ng_limits = { 256, 64, 30.0, 0 }, http_limits = { 32, 4, 10.0, 1 };

struct ng_sock {
	struct relay_hook hook;	/* first: the ring hands us back this pointer */
	enum ng_sock_kind kind;
	int fd;
	bool armed, closing;
	struct ng_server *srv;
	struct sockaddr_storage peer;	/* connections */
	char *buf;			/* connections: what has arrived and not been handled */
	size_t len;
	double since;			/* connections: when what is in buf began arriving */
	struct ng_sock *listener;	/* connections: who accepted it */
	const struct listen_limits *limits;	/* listeners */
	unsigned int n_conns;		/* listeners: connections open */
	struct ng_sock *next;
} __attribute__((aligned(16)));

struct ng_server {
	struct srtprelayd *d;
	struct ng_sock *socks;
	char *dgram;
	struct strbuf reply;
};

static struct log_limit ng_limit;

static void sock_complete(struct relay *r, struct relay_hook *h, struct io_uring_cqe *cqe);

static void arm(struct relay *r, struct ng_sock *s)
{
	struct io_uring_sqe *sqe;

	if (s->armed)
		return;
	sqe = relay_sqe(r);
	io_uring_prep_poll_multishot(sqe, s->fd, POLLIN);
	io_uring_sqe_set_data64(sqe, (uint64_t)(uintptr_t)s | EV_HOOK);
	s->armed = true;
}

static struct ng_sock *sock_new(struct ng_server *srv, enum ng_sock_kind kind, int fd)
{
	struct ng_sock *s = aligned_alloc(16, sizeof(*s));

	if (!s)
		return NULL;
	memset(s, 0, sizeof(*s));
	s->hook.complete = sock_complete;
	s->kind = kind;
	s->fd = fd;
	s->srv = srv;
	s->next = srv->socks;
	srv->socks = s;
	arm(&srv->d->relay, s);
	return s;
}

/* Closes now; the record goes when its poll has finished (its last completion). */
static void sock_close(struct ng_server *srv, struct ng_sock *s)
{
	struct io_uring_sqe *sqe;

	if (s->closing)
		return;
	s->closing = true;
	if (s->listener)
		s->listener->n_conns--;
	if (s->armed) {
		sqe = relay_sqe(&srv->d->relay);
		io_uring_prep_poll_remove(sqe, (uint64_t)(uintptr_t)s | EV_HOOK);
		io_uring_sqe_set_data64(sqe, EV_IGNORE);
	}
	close(s->fd);
	s->fd = -1;
}

static void sock_unlink_free(struct ng_server *srv, struct ng_sock *s)
{
	for (struct ng_sock **pp = &srv->socks; *pp; pp = &(*pp)->next)
		if (*pp == s) {
			*pp = s->next;
			break;
		}
	free(s->buf);
	free(s);
}

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

static void udp_readable(struct ng_server *srv, struct ng_sock *s)
{
	for (int n = 0; n < 256; n++) {
		struct sockaddr_storage from;
		socklen_t fl = sizeof(from);
		ssize_t len = recvfrom(s->fd, srv->dgram, NG_DGRAM_MAX, MSG_DONTWAIT,
				       (struct sockaddr *)&from, &fl);

		if (len < 0) {
			if (errno != EAGAIN && errno != EINTR)
				log_ratelimited(&ng_limit, LOG_WARNING, "ng: recvfrom: %s",
						strerror(errno));
			return;
		}
		ng_server_request(srv->d, srv->dgram, (size_t)len, &from, &srv->reply);
		if (srv->reply.len &&
		    sendto(s->fd, srv->reply.p, srv->reply.len, MSG_DONTWAIT,
			   (struct sockaddr *)&from, addr_len(&from)) < 0)
			log_ratelimited(&ng_limit, LOG_WARNING, "ng: reply: %s", strerror(errno));
	}
}

/* Connections of listener l from from's address. */
static unsigned int from_source(const struct ng_server *srv, const struct ng_sock *l,
				const struct sockaddr_storage *from)
{
	unsigned int n = 0;

	for (const struct ng_sock *c = srv->socks; c; c = c->next)
		n += c->listener == l && !c->closing && addr_same_host(&c->peer, from);
	return n;
}

static void listen_readable(struct ng_server *srv, struct ng_sock *s)
{
	const struct listen_limits *lim = s->limits;

	for (;;) {
		struct sockaddr_storage from;
		socklen_t fl = sizeof(from);
		int fd = accept4(s->fd, (struct sockaddr *)&from, &fl, SOCK_NONBLOCK | SOCK_CLOEXEC);
		struct ng_sock *c;
		char a[64];

		if (fd < 0)
			return;
		if (s->n_conns >= lim->conns || from_source(srv, s, &from) >= lim->per_source) {
			srv->d->conns_refused[lim->idx]++;
			log_ratelimited(&ng_limit, LOG_WARNING, "%s: refusing a TCP connection from "
					"%s: %s", lim->idx ? "metrics" : "ng",
					addr_str(&from, a, sizeof(a)),
					s->n_conns >= lim->conns ? "listener full" :
					"too many from that address");
			close(fd);
			continue;
		}
		c = sock_new(srv, s->kind == NGS_HTTP_LISTEN ? NGS_HTTP_CONN : NGS_CONN, fd);
		if (!c) {
			close(fd);
			continue;
		}
		c->peer = from;
		c->listener = s;
		c->since = now_mono();
		s->n_conns++;
	}
}

void ng_server_tick(struct srtprelayd *d, double now)
{
	struct ng_server *srv = d->ng;

	if (!srv)
		return;
	for (struct ng_sock *c = srv->socks; c; c = c->next) {
		const struct listen_limits *lim;
		char a[64];

		if (!c->listener || c->closing)
			continue;
		lim = c->listener->limits;
		if ((c->kind == NGS_CONN && !c->len) || now - c->since < lim->partial_timeout)
			continue;
		d->conns_timed_out[lim->idx]++;
		log_ratelimited(&ng_limit, LOG_INFO, "%s: closing TCP connection from %s: request "
				"incomplete after %.0f s", lim->idx ? "metrics" : "ng",
				addr_str(&c->peer, a, sizeof(a)), lim->partial_timeout);
		sock_close(srv, c);
	}
}

/* Handles every complete "<cookie> <bencode>" at the start of s->buf. */
static bool conn_messages(struct ng_server *srv, struct ng_sock *s)
{
	size_t off = 0;

	while (off < s->len) {
		const char *m = s->buf + off, *sp;
		size_t avail = s->len - off;
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
		ng_server_request(srv->d, m, (size_t)(sp + 1 - m) + (size_t)span, &s->peer,
				  &srv->reply);
		if (srv->reply.len && send(s->fd, srv->reply.p, srv->reply.len,
					   MSG_DONTWAIT | MSG_NOSIGNAL) != (ssize_t)srv->reply.len)
			return false;
		off += (size_t)(sp + 1 - m) + (size_t)span;
	}
	memmove(s->buf, s->buf + off, s->len - off);
	s->len -= off;
	if (off && s->len)
		s->since = now_mono();	/* the rest is the start of the next request */
	return true;
}

/*
 * One HTTP request per connection: GET /metrics gets the Prometheus text, anything else a
 * short error; the connection closes after the reply. Returns false to close, true to wait
 * for the rest of the request.
 */
static bool http_request(struct ng_server *srv, struct ng_sock *s)
{
	struct strbuf body = STRBUF_INIT, *out = &srv->reply;
	const char *status = "200 OK";
	char *end;

	if (s->len + 1 >= HTTP_REQUEST_MAX) {
		status = "431 Request Header Fields Too Large";
	} else {
		s->buf[s->len] = '\0';
		end = strstr(s->buf, "\r\n\r\n");
		if (!end)
			end = strstr(s->buf, "\n\n");
		if (!end)
			return true;
		if (strncmp(s->buf, "GET ", 4) && strncmp(s->buf, "HEAD ", 5))
			status = "405 Method Not Allowed";
		else if (strncmp(strchr(s->buf, ' ') + 1, "/metrics ", 9) &&
			 strncmp(strchr(s->buf, ' ') + 1, "/metrics?", 9))
			status = "404 Not Found";
	}
	if (status[0] == '2')
		metrics_render(srv->d, &body);
	else
		sb_addf(&body, "%s\n", status);
	sb_reset(out);
	sb_addf(out, "HTTP/1.1 %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n"
		"Connection: close\r\n\r\n", status, status[0] == '2' ?
		"text/plain; version=0.0.4; charset=utf-8" : "text/plain", body.len);
	if (strncmp(s->buf, "HEAD ", 5))
		sb_add(out, body.p ? body.p : "", body.len);
	sb_free(&body);
	if (!out->oom && send(s->fd, out->p, out->len, MSG_DONTWAIT | MSG_NOSIGNAL) < 0)
		log_ratelimited(&ng_limit, LOG_INFO, "metrics reply: %s", strerror(errno));
	return false;
}

static void conn_readable(struct ng_server *srv, struct ng_sock *s)
{
	/* One buffer per connection, sized for what it carries (+1 for http_request's NUL). */
	size_t cap = s->kind == NGS_HTTP_CONN ? HTTP_REQUEST_MAX : NG_TCP_MAX;

	for (;;) {
		ssize_t n;

		if (!s->buf) {
			s->buf = malloc(cap);
			if (!s->buf)
				goto close;
		}
		if (s->len + 1 >= cap) {
			if (s->kind == NGS_HTTP_CONN)
				http_request(srv, s);	/* 431 */
			else
				log_ratelimited(&ng_limit, LOG_WARNING, "ng: TCP message too long");
			goto close;
		}
		n = recv(s->fd, s->buf + s->len, cap - s->len - 1, MSG_DONTWAIT);
		if (n == 0)
			goto close;
		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				return;
			goto close;
		}
		if (!s->len && s->kind == NGS_CONN)
			s->since = now_mono();	/* a request begins: its clock starts */
		s->len += (size_t)n;
		if (s->kind == NGS_HTTP_CONN ? !http_request(srv, s) : !conn_messages(srv, s))
			goto close;
	}
close:
	sock_close(srv, s);
}

static void sock_complete(struct relay *r, struct relay_hook *h, struct io_uring_cqe *cqe)
{
	struct ng_sock *s = (struct ng_sock *)h;
	struct ng_server *srv = s->srv;

	if (!(cqe->flags & IORING_CQE_F_MORE))
		s->armed = false;
	if (s->closing) {
		if (!s->armed)
			sock_unlink_free(srv, s);
		return;
	}
	if (cqe->res > 0) {
		if (s->kind == NGS_UDP)
			udp_readable(srv, s);
		else if (s->kind == NGS_LISTEN || s->kind == NGS_HTTP_LISTEN)
			listen_readable(srv, s);
		else
			conn_readable(srv, s);
	}
	if (s->closing) {
		if (!s->armed)
			sock_unlink_free(srv, s);
		return;
	}
	if (!s->armed)
		arm(r, s);
}

static int bind_socket(const struct sockaddr_storage *ss, int type)
{
	int fd = socket(ss->ss_family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0), one = 1;

	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (const struct sockaddr *)ss, addr_len(ss)) < 0 ||
	    (type == SOCK_STREAM && listen(fd, 64) < 0)) {
		int e = -errno;

		close(fd);
		return e;
	}
	return fd;
}

int ng_server_start(struct srtprelayd *d)
{
	struct ng_server *srv = calloc(1, sizeof(*srv));
	struct ng_sock *l;
	char a[64];
	int fd;

	if (!srv)
		return -ENOMEM;
	srv->d = d;
	srv->dgram = malloc(NG_DGRAM_MAX);
	d->cache = ng_cache_new(NG_CACHE_SECONDS);
	if (!srv->dgram || !d->cache) {
		free(srv->dgram);
		free(srv);
		return -ENOMEM;
	}
	ng_cache_set_limit(d->cache, (size_t)d->cfg.reply_cache_mb << 20);
	d->ng = srv;
	fd = bind_socket(&d->cfg.listen_ng, SOCK_DGRAM);
	if (fd < 0) {
		log_err("cannot listen for ng on UDP %s: %s",
			addr_str(&d->cfg.listen_ng, a, sizeof(a)), strerror(-fd));
		return fd;
	}
	sock_new(srv, NGS_UDP, fd);
	/* TCP ng only where asked (--listen-tcp-ng), as rtpengine does. */
	if (d->cfg.listen_tcp_ng.ss_family) {
		fd = bind_socket(&d->cfg.listen_tcp_ng, SOCK_STREAM);
		if (fd < 0) {
			log_err("cannot listen for ng on TCP %s: %s",
				addr_str(&d->cfg.listen_tcp_ng, a, sizeof(a)),
				strerror(-fd));
			return fd;
		}
		if (!(l = sock_new(srv, NGS_LISTEN, fd)))
			return -ENOMEM;
		l->limits = &ng_limits;
		log_notice("ng control on TCP %s",
			   addr_str(&d->cfg.listen_tcp_ng, a, sizeof(a)));
	}
	if (d->cfg.listen_http.ss_family) {
		fd = bind_socket(&d->cfg.listen_http, SOCK_STREAM);
		if (fd < 0) {
			log_err("cannot listen for metrics on %s: %s",
				addr_str(&d->cfg.listen_http, a, sizeof(a)), strerror(-fd));
			return fd;
		}
		if (!(l = sock_new(srv, NGS_HTTP_LISTEN, fd)))
			return -ENOMEM;
		l->limits = &http_limits;
		log_notice("Prometheus metrics on http://%s/metrics",
			   addr_str(&d->cfg.listen_http, a, sizeof(a)));
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
	while (srv->socks) {
		struct ng_sock *s = srv->socks;

		if (s->fd >= 0)
			close(s->fd);
		srv->socks = s->next;
		free(s->buf);
		free(s);
	}
	free(srv->dgram);
	sb_free(&srv->reply);
	free(srv);
	d->ng = NULL;
	ng_cache_free(d->cache);
	d->cache = NULL;
}
