// SPDX-License-Identifier: GPL-2.0 OR MIT
#include <errno.h>
#include <poll.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "addr.h"
#include "log.h"
#include "relay.h"
#include "tcp_server.h"

struct tcp_sock {
	struct relay_hook hook;	/* first: the ring hands us back this pointer */
	int fd;
	bool armed, closing, listener;
	struct tcp_server *srv;
	struct tcp_conn c;	/* connections */
	double since;		/* connections: when the pending request began arriving */
	struct tcp_sock *next;
} __attribute__((aligned(16)));

struct tcp_server {
	struct relay *r;
	const struct tcp_limits *lim;
	tcp_handler *fn;
	void *arg;
	struct tcp_counters *cnt;
	struct tcp_sock *socks;	/* the listener and its connections */
	unsigned int n_conns;
	struct log_limit limit;
};

static void sock_complete(struct relay *r, struct relay_hook *h, struct io_uring_cqe *cqe);

static void arm(struct tcp_sock *s)
{
	struct io_uring_sqe *sqe;

	if (s->armed)
		return;
	sqe = relay_sqe(s->srv->r);
	io_uring_prep_poll_multishot(sqe, s->fd, POLLIN);
	io_uring_sqe_set_data64(sqe, (uint64_t)(uintptr_t)s | EV_HOOK);
	s->armed = true;
}

static struct tcp_sock *sock_new(struct tcp_server *srv, int fd, bool listener)
{
	struct tcp_sock *s = aligned_alloc(16, sizeof(*s));

	if (!s)
		return NULL;
	memset(s, 0, sizeof(*s));
	s->hook.complete = sock_complete;
	s->fd = s->c.fd = fd;
	s->listener = listener;
	s->srv = srv;
	s->next = srv->socks;
	srv->socks = s;
	arm(s);
	return s;
}

/* Closes now; the record goes when its poll has finished (its last completion). */
static void sock_close(struct tcp_sock *s)
{
	struct io_uring_sqe *sqe;

	if (s->closing)
		return;
	s->closing = true;
	if (!s->listener)
		s->srv->n_conns--;
	if (s->armed) {
		sqe = relay_sqe(s->srv->r);
		io_uring_prep_poll_remove(sqe, (uint64_t)(uintptr_t)s | EV_HOOK);
		io_uring_sqe_set_data64(sqe, EV_IGNORE);
	}
	close(s->fd);
	s->fd = s->c.fd = -1;
}

static void sock_unlink_free(struct tcp_sock *s)
{
	for (struct tcp_sock **pp = &s->srv->socks; *pp; pp = &(*pp)->next)
		if (*pp == s) {
			*pp = s->next;
			break;
		}
	free(s->c.buf);
	free(s);
}

static unsigned int from_source(const struct tcp_server *srv, const struct sockaddr_storage *from)
{
	unsigned int n = 0;

	for (const struct tcp_sock *s = srv->socks; s; s = s->next)
		n += !s->listener && !s->closing && addr_same_host(&s->c.peer, from);
	return n;
}

static void listen_readable(struct tcp_sock *l)
{
	struct tcp_server *srv = l->srv;
	const struct tcp_limits *lim = srv->lim;

	for (;;) {
		struct sockaddr_storage from;
		socklen_t fl = sizeof(from);
		int fd = accept4(l->fd, (struct sockaddr *)&from, &fl, SOCK_NONBLOCK | SOCK_CLOEXEC);
		struct tcp_sock *s;
		char a[64];

		if (fd < 0)
			return;
		if (srv->n_conns >= lim->conns || from_source(srv, &from) >= lim->per_source) {
			srv->cnt->refused++;
			log_ratelimited(&srv->limit, LOG_WARNING, "%s: refusing a TCP connection from "
					"%s: %s", lim->name, addr_str(&from, a, sizeof(a)),
					srv->n_conns >= lim->conns ? "listener full" :
					"too many from that address");
			close(fd);
			continue;
		}
		s = sock_new(srv, fd, false);
		if (!s) {
			close(fd);
			continue;
		}
		s->c.peer = from;
		s->since = now_mono();
		srv->n_conns++;
	}
}

void tcp_consume(struct tcp_conn *c, size_t n)
{
	struct tcp_sock *s = (struct tcp_sock *)((char *)c - offsetof(struct tcp_sock, c));

	memmove(c->buf, c->buf + n, c->len - n);
	c->len -= n;
	c->buf[c->len] = '\0';
	if (n && c->len && s->srv->lim->idle_ok)
		s->since = now_mono();	/* the rest is the start of the next request */
}

bool tcp_send(struct tcp_conn *c, const void *p, size_t n)
{
	return send(c->fd, p, n, MSG_DONTWAIT | MSG_NOSIGNAL) == (ssize_t)n;
}

static void conn_readable(struct tcp_sock *s)
{
	struct tcp_server *srv = s->srv;
	size_t cap = srv->lim->buf_max + 1;	/* room for the NUL */

	for (;;) {
		ssize_t n;

		if (!s->c.buf && !(s->c.buf = malloc(cap)))
			break;
		if (s->c.len + 1 >= cap) {
			log_ratelimited(&srv->limit, LOG_WARNING, "%s: request longer than %zu octets",
					srv->lim->name, srv->lim->buf_max);
			srv->fn(srv->arg, &s->c);	/* it may still answer (HTTP 431) */
			break;
		}
		n = recv(s->fd, s->c.buf + s->c.len, cap - s->c.len - 1, MSG_DONTWAIT);
		if (n == 0)
			break;
		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				return;
			break;
		}
		if (!s->c.len && srv->lim->idle_ok)
			s->since = now_mono();	/* a request begins: its clock starts */
		s->c.len += (size_t)n;
		s->c.buf[s->c.len] = '\0';
		if (!srv->fn(srv->arg, &s->c))
			break;
	}
	sock_close(s);
}

static void sock_complete(struct relay *r, struct relay_hook *h, struct io_uring_cqe *cqe)
{
	struct tcp_sock *s = (struct tcp_sock *)h;

	(void)r;
	if (!(cqe->flags & IORING_CQE_F_MORE))
		s->armed = false;
	if (!s->closing && cqe->res > 0) {
		if (s->listener)
			listen_readable(s);
		else
			conn_readable(s);
	}
	if (s->closing) {
		if (!s->armed)
			sock_unlink_free(s);
		return;
	}
	arm(s);
}

int tcp_server_start(struct relay *r, const struct sockaddr_storage *addr,
		     const struct tcp_limits *lim, tcp_handler *fn, void *arg,
		     struct tcp_counters *counters, struct tcp_server **out)
{
	struct tcp_server *srv = calloc(1, sizeof(*srv));
	int one = 1, fd, err;

	if (!srv)
		return -ENOMEM;
	*srv = (struct tcp_server){ .r = r, .lim = lim, .fn = fn, .arg = arg, .cnt = counters };
	fd = socket(addr->ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		err = -errno;
		goto fail;
	}
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (const struct sockaddr *)addr, addr_len(addr)) < 0 || listen(fd, 64) < 0 ||
	    !sock_new(srv, fd, true)) {
		err = errno ? -errno : -ENOMEM;
		close(fd);
		goto fail;
	}
	*out = srv;
	return 0;
fail:
	free(srv);
	return err;
}

void tcp_server_tick(struct tcp_server *srv, double now)
{
	const struct tcp_limits *lim;

	if (!srv)
		return;
	lim = srv->lim;
	for (struct tcp_sock *s = srv->socks; s; s = s->next) {
		char a[64];

		if (s->listener || s->closing || (lim->idle_ok && !s->c.len) ||
		    now - s->since < lim->partial_timeout)
			continue;
		srv->cnt->timed_out++;
		log_ratelimited(&srv->limit, LOG_INFO, "%s: closing TCP connection from %s: request "
				"incomplete after %.0f s", lim->name,
				addr_str(&s->c.peer, a, sizeof(a)), lim->partial_timeout);
		sock_close(s);
	}
}

void tcp_server_free(struct tcp_server *srv)
{
	if (!srv)
		return;
	while (srv->socks) {
		struct tcp_sock *s = srv->socks;

		if (s->fd >= 0)
			close(s->fd);
		srv->socks = s->next;
		free(s->c.buf);
		free(s);
	}
	free(srv);
}
