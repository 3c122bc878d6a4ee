/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * A TCP listener and its connections on the relay's io_uring (a multishot poll per socket),
 * for the control protocols: ng over TCP and HTTP for metrics. Each listener has its own
 * limits, so that no client starves another listener or another client: connections at
 * once, connections from one source address, and how long a connection may sit on an
 * incomplete request. What a connection receives is handed to the listener's handler,
 * which consumes the complete requests at the start of the buffer and replies.
 */
#ifndef SRTPRELAY_TCP_SERVER_H
#define SRTPRELAY_TCP_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

struct relay;

struct tcp_limits {
	const char *name;	/* in log lines: "ng", "metrics" */
	unsigned int conns, per_source;
	double partial_timeout;	/* seconds a request may stay incomplete */
	bool idle_ok;		/* a connection with nothing pending may stay open for good */
	size_t buf_max;		/* the longest request, in octets */
};

struct tcp_counters {
	uint64_t refused;	/* at accept: the listener or the source at its limit */
	uint64_t timed_out;	/* a request left incomplete for partial_timeout */
};

/* One accepted connection, as a handler sees it. */
struct tcp_conn {
	int fd;
	struct sockaddr_storage peer;
	char *buf;		/* what arrived and was not consumed; NUL after len */
	size_t len;
};

/* Consumes what it can of c->buf (tcp_consume) and replies (tcp_send); false closes. */
typedef bool tcp_handler(void *arg, struct tcp_conn *c);

struct tcp_server;

/* Listens on addr; 0, or -errno. counters (kept by the caller) are counted into. */
int tcp_server_start(struct relay *r, const struct sockaddr_storage *addr,
		     const struct tcp_limits *lim, tcp_handler *fn, void *arg,
		     struct tcp_counters *counters, struct tcp_server **out);
/* Once a second: closes connections whose request stayed incomplete too long. */
void tcp_server_tick(struct tcp_server *s, double now);
/* After the ring is gone: closes and frees everything. */
void tcp_server_free(struct tcp_server *s);
/* The first n octets of c->buf are handled. */
void tcp_consume(struct tcp_conn *c, size_t n);
/* Sends all of p, or returns false (the connection is then to be closed). */
bool tcp_send(struct tcp_conn *c, const void *p, size_t n);

#endif
