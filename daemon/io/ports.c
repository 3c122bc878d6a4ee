// SPDX-License-Identifier: GPL-2.0 OR MIT
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ports.h"

int ports_init(struct port_pool *p, uint16_t min, uint16_t max)
{
	memset(p, 0, sizeof(*p));
	if (min > max)
		return -EINVAL;
	p->min = min;
	p->max = max;
	p->bitmap = calloc(((size_t)max - min) / 8 + 1, 1);
	return p->bitmap ? 0 : -ENOMEM;
}

void ports_free(struct port_pool *p)
{
	free(p->bitmap);
	p->bitmap = NULL;
}

static bool taken(const struct port_pool *p, uint32_t port)
{
	uint32_t i = port - p->min;

	return p->bitmap[i / 8] & (1u << (i % 8));
}

static void mark(struct port_pool *p, uint32_t port, bool on)
{
	uint32_t i = port - p->min;

	if (on) {
		p->bitmap[i / 8] |= (uint8_t)(1u << (i % 8));
		p->used++;
	} else if (taken(p, port)) {
		p->bitmap[i / 8] &= (uint8_t)~(1u << (i % 8));
		p->used--;
	}
}

int ports_open_socket(const struct sockaddr_storage *local, uint16_t port)
{
	struct sockaddr_storage ss = *local;
	socklen_t len;
	int fd, one = 1;

	fd = socket(ss.ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_UDP);
	if (fd < 0)
		return -errno;
	if (ss.ss_family == AF_INET6) {
		((struct sockaddr_in6 *)&ss)->sin6_port = htons(port);
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
		len = sizeof(struct sockaddr_in6);
	} else {
		((struct sockaddr_in *)&ss)->sin_port = htons(port);
		len = sizeof(struct sockaddr_in);
	}
	if (bind(fd, (struct sockaddr *)&ss, len) < 0) {
		int e = -errno;

		close(fd);
		return e;
	}
	return fd;
}

int ports_alloc(struct port_pool *p, const struct sockaddr_storage *local, bool pair,
		int fd[2], uint16_t *port)
{
	uint32_t n = ports_total(p), tries;

	fd[0] = fd[1] = -1;
	for (tries = 0; tries < n; tries++) {
		uint32_t cand = p->min + (p->next + tries) % n;

		if (pair && ((cand & 1) || cand + 1 > p->max))
			continue;
		if (taken(p, cand) || (pair && taken(p, cand + 1)))
			continue;
		fd[0] = ports_open_socket(local, (uint16_t)cand);
		if (fd[0] == -EADDRINUSE)
			continue;	/* someone else's: skip it */
		if (fd[0] < 0)
			return fd[0];
		if (pair) {
			fd[1] = ports_open_socket(local, (uint16_t)(cand + 1));
			if (fd[1] < 0) {
				int e = fd[1];

				close(fd[0]);
				fd[0] = fd[1] = -1;
				if (e == -EADDRINUSE)
					continue;
				return e;
			}
			mark(p, cand + 1, true);
		}
		mark(p, cand, true);
		p->next = (cand - p->min + (pair ? 2 : 1)) % n;
		*port = (uint16_t)cand;
		return 0;
	}
	return -EADDRNOTAVAIL;
}

void ports_release(struct port_pool *p, uint16_t port)
{
	if (port >= p->min && port <= p->max)
		mark(p, port, false);
}

bool ports_reserve(struct port_pool *p, uint16_t port)
{
	if (port < p->min || port > p->max || taken(p, port))
		return false;
	mark(p, port, true);
	return true;
}
