/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * The media port range (--port-min..--port-max): which ports our calls hold, and binding
 * UDP sockets on them. A stream takes an even/odd pair (RTP, RTCP) or, with rtcp-mux, one
 * port. Allocation walks the range from where the last one stopped, so a port just freed
 * is not handed out again at once (late packets of the old call would land in the new one).
 * A port some other program holds is skipped.
 */
#ifndef SRTPRELAY_PORTS_H
#define SRTPRELAY_PORTS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

struct port_pool {
	uint16_t min, max;
	uint32_t next;		/* where the next search starts */
	uint32_t used;		/* ports held */
	uint8_t *bitmap;	/* one bit per port of the range */
};

int ports_init(struct port_pool *p, uint16_t min, uint16_t max);
void ports_free(struct port_pool *p);
/*
 * Binds a non-blocking UDP socket on local (address only) for one port, or two sockets
 * on an even/odd pair when pair is set. Fills fd[] (fd[1] = -1 without pair) and *port
 * (the first). Returns 0 or -EADDRNOTAVAIL when the range is exhausted, another -errno for
 * socket errors.
 */
int ports_alloc(struct port_pool *p, const struct sockaddr_storage *local, bool pair,
		int fd[2], uint16_t *port);
/* Gives back a port (the caller closes the socket). */
void ports_release(struct port_pool *p, uint16_t port);
/* Marks a port as held without a socket (a kernel flow left by an earlier run); false if
 * it is outside the range or already held. */
bool ports_reserve(struct port_pool *p, uint16_t port);
/* Binds fd on local with port; the socket options every media socket gets. */
int ports_open_socket(const struct sockaddr_storage *local, uint16_t port);
static inline uint32_t ports_total(const struct port_pool *p)
{
	return (uint32_t)p->max - p->min + 1;
}

#endif
