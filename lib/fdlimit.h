/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * The open-file limit against the port range: every media port is one socket, so the fd
 * limit, not --port-min..--port-max, may be what caps the calls. At start the soft limit is
 * raised to the hard one and, if it still allows fewer sockets than the range has ports,
 * one line says how many calls that leaves.
 */
#ifndef SRTPRELAY_FDLIMIT_H
#define SRTPRELAY_FDLIMIT_H

#include <stdbool.h>

/* Descriptors kept for everything but media (ng, io_uring, netlink, DTLS, logs). */
#define FDLIMIT_RESERVE 64
/* Media sockets of a plain call: RTP and RTCP on both sides. */
#define FDLIMIT_SOCKS_PER_CALL 4

struct fdlimit_plan {
	unsigned long limit;		/* RLIMIT_NOFILE after raising it */
	unsigned long calls_by_ports;	/* what the port range allows */
	unsigned long calls_by_fds;	/* what the fd limit allows */
	bool raised;			/* the soft limit was raised */
};

/* Raises the soft limit to the hard one; plans for ports media ports. */
void fdlimit_setup(unsigned long ports, struct fdlimit_plan *plan);
/* The current limit, and the descriptors open now (counted in /proc/self/fd). */
unsigned long fdlimit_max(void);
unsigned long fdlimit_in_use(void);

#endif
