/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * The userspace relay: one io_uring, one ring of provided buffers shared by every media
 * socket, a multishot recvmsg armed on each socket. A received packet is processed in its
 * buffer (packet.c) and sent from that same buffer with an io_uring sendmsg; the buffer goes
 * back to the ring when the send completes. When the ring runs dry the kernel ends a
 * socket's multishot with -ENOBUFS; such sockets are re-armed once buffers come back.
 *
 * The ng control sockets and the 1-second timer run on the same ring (relay_loop() hands
 * their completions to the callbacks in struct relay_hooks).
 */
#ifndef SRTPRELAY_RELAY_H
#define SRTPRELAY_RELAY_H

#include <liburing.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "call.h"

struct port_pool;

/* One local UDP socket. Freed only after io_uring has reported its last completion. */
struct msock {
	int fd;
	uint16_t port;
	uint8_t comp;		/* COMP_RTP or COMP_RTCP (with rtcp-mux: RTP carries both) */
	bool armed;		/* a multishot receive is pending */
	bool dead;		/* its stream is gone; free on the final completion */
	struct media_side *side;
	struct msock *next_rearm;
	struct port_pool *pool;	/* its port goes back here when the fd is closed */
	struct msock *prev_closing, *next_closing;	/* dead, waiting for its last completion */
};

#define RELAY_BUF_SIZE 2048	/* per packet: recvmsg header, address, payload, trailer room */

/* What a completion is for: the low bits of user_data (pointers are 16-aligned). */
enum ev_kind { EV_MEDIA = 1, EV_SEND = 2, EV_TIMER = 3, EV_IGNORE = 4, EV_HOOK = 5 };
#define EV_MASK 0xfull

struct relay;

/* Something else on the ring (the ng server): called with its completion. */
struct relay_hook {
	void (*complete)(struct relay *r, struct relay_hook *h, struct io_uring_cqe *cqe);
};

struct relay_stats {
	uint64_t rx, tx, tx_errors, no_buffers, stun, dtls;
};

struct relay {
	struct io_uring ring;
	struct io_uring_buf_ring *br;
	uint8_t *bufs;
	unsigned int nbufs;
	uint16_t bgid;
	struct send_slot *slots;	/* per buffer id: the sendmsg in flight */
	struct msock *rearm;	/* sockets whose multishot ended for want of buffers */
	struct msock *closing;	/* closed sockets whose receive is being cancelled */
	unsigned int inflight_sends;
	struct relay_stats stats;
	void (*tick)(struct relay *r, void *arg);	/* every second */
	void (*stun)(struct relay *r, struct msock *s, const struct sockaddr_storage *from,
		     uint8_t *pkt, uint32_t len);
	void (*dtls)(struct relay *r, struct msock *s, const struct sockaddr_storage *from,
		     uint8_t *pkt, uint32_t len);
	/* An endpoint was just confirmed (its stream may now go to the kernel). */
	void (*confirmed)(struct relay *r, struct media_side *m);
	void *arg;
	volatile sig_atomic_t stop;	/* set from a signal handler */
	struct __kernel_timespec tick_ts;
};

/* Sets up the ring and nbufs buffers (a power of two). Returns 0 or -errno with a reason logged. */
int relay_init(struct relay *r, unsigned int nbufs);
void relay_exit(struct relay *r);
/*
 * Creates a socket record for fd and starts receiving on it. port belongs to pool (may be
 * NULL) and goes back to it when the fd is finally closed.
 */
struct msock *relay_sock_new(struct relay *r, int fd, uint16_t port, uint8_t comp,
			     struct media_side *side, struct port_pool *pool);
/*
 * Stops receiving and closes; the record is freed when io_uring lets go of it, and the
 * socket's port goes back to s->pool (if set) once the fd is really closed.
 */
void relay_sock_close(struct relay *r, struct msock *s);
/* Finishes every pending close now (synchronous cancels), so that their ports are free
 * again; for when the port range runs out. */
void relay_flush_closing(struct relay *r);
/* Gets an SQE, flushing the queue to the kernel if it is full. */
struct io_uring_sqe *relay_sqe(struct relay *r);
/* Submits what is queued and handles the completions that are there (waiting for at least
 * one if wait); returns how many, or -errno. */
int relay_run_once(struct relay *r, bool wait);
/* Runs until r->stop. */
int relay_loop(struct relay *r);
/* Sends one datagram now (control traffic), not through the ring. */
int relay_send_now(int fd, const void *buf, size_t len, const struct sockaddr_storage *to);

#endif
