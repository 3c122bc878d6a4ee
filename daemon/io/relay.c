// SPDX-License-Identifier: GPL-2.0 OR MIT
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "log.h"
#include "packet.h"
#include "ports.h"
#include "relay.h"

struct send_slot {
	struct msghdr mh;
	struct iovec iov;
	struct sockaddr_storage to;
};

/* The recvmsg template every multishot receive uses: room for the source address. */
static struct msghdr recv_tmpl = { .msg_namelen = sizeof(struct sockaddr_storage) };

static struct log_limit send_limit;

struct io_uring_sqe *relay_sqe(struct relay *r)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(&r->ring);

	if (!sqe) {
		io_uring_submit(&r->ring);
		sqe = io_uring_get_sqe(&r->ring);
	}
	return sqe;
}

static void buf_recycle(struct relay *r, unsigned int bid, unsigned int *pending)
{
	io_uring_buf_ring_add(r->br, r->bufs + (size_t)bid * RELAY_BUF_SIZE, RELAY_BUF_SIZE,
			      (unsigned short)bid, io_uring_buf_ring_mask(r->nbufs), (int)*pending);
	(*pending)++;
}

static void arm_tick(struct relay *r)
{
	struct io_uring_sqe *sqe = relay_sqe(r);

	r->tick_ts.tv_sec = 1;
	r->tick_ts.tv_nsec = 0;
	io_uring_prep_timeout(sqe, &r->tick_ts, 0, 0);
	io_uring_sqe_set_data64(sqe, EV_TIMER);
}

int relay_init(struct relay *r, unsigned int nbufs)
{
	struct io_uring_params p = { 0 };
	struct io_uring_buf_reg reg = { 0 };
	unsigned int pending = 0;
	int ret;

	memset(r, 0, sizeof(*r));
	p.flags = IORING_SETUP_CQSIZE | IORING_SETUP_SUBMIT_ALL;
	p.cq_entries = nbufs * 4 < 4096 ? 4096 : nbufs * 4;	/* at least the SQ size */
	ret = io_uring_queue_init_params(2048, &r->ring, &p);
	if (ret < 0) {
		log_err("io_uring_setup: %s (srtprelayd needs Linux 6.0 or newer)", strerror(-ret));
		return ret;
	}
	r->nbufs = nbufs;
	r->bgid = 1;
	r->br = mmap(NULL, nbufs * sizeof(struct io_uring_buf), PROT_READ | PROT_WRITE,
		     MAP_ANONYMOUS | MAP_PRIVATE, -1, 0);
	r->bufs = malloc((size_t)nbufs * RELAY_BUF_SIZE);
	r->slots = calloc(nbufs, sizeof(*r->slots));
	if (r->br == MAP_FAILED || !r->bufs || !r->slots) {
		if (r->br == MAP_FAILED)
			r->br = NULL;
		relay_exit(r);
		return -ENOMEM;
	}
	reg.ring_addr = (unsigned long)r->br;
	reg.ring_entries = nbufs;
	reg.bgid = r->bgid;
	ret = io_uring_register_buf_ring(&r->ring, &reg, 0);
	if (ret) {
		log_err("io_uring provided buffer rings: %s (srtprelayd needs Linux 6.0 or newer)",
			strerror(-ret));
		relay_exit(r);
		return ret;
	}
	io_uring_buf_ring_init(r->br);
	for (unsigned int i = 0; i < nbufs; i++)
		buf_recycle(r, i, &pending);
	io_uring_buf_ring_advance(r->br, (int)pending);
	arm_tick(r);
	return 0;
}

void relay_exit(struct relay *r)
{
	if (r->ring.ring_fd > 0)
		io_uring_queue_exit(&r->ring);
	if (r->br)
		munmap(r->br, r->nbufs * sizeof(struct io_uring_buf));
	free(r->bufs);
	free(r->slots);
	r->br = NULL;
	r->bufs = NULL;
	r->slots = NULL;
}

static void arm(struct relay *r, struct msock *s)
{
	struct io_uring_sqe *sqe = relay_sqe(r);

	io_uring_prep_recvmsg_multishot(sqe, s->fd, &recv_tmpl, 0);
	sqe->flags |= IOSQE_BUFFER_SELECT;
	sqe->buf_group = r->bgid;
	io_uring_sqe_set_data64(sqe, (uint64_t)(uintptr_t)s | EV_MEDIA);
	s->armed = true;
}

struct msock *relay_sock_new(struct relay *r, int fd, uint16_t port, uint8_t comp,
			     struct media_side *side, struct port_pool *pool)
{
	struct msock *s = aligned_alloc(16, (sizeof(*s) + 15) & ~(size_t)15);

	if (!s)
		return NULL;
	memset(s, 0, sizeof(*s));
	s->fd = fd;
	s->port = port;
	s->comp = comp;
	s->side = side;
	s->pool = pool;
	arm(r, s);
	return s;
}

/* The fd really goes: close it and give its port back. */
static void sock_release(struct msock *s)
{
	if (s->fd < 0)
		return;
	close(s->fd);
	s->fd = -1;
	if (s->pool)
		ports_release(s->pool, s->port);
}

static void closing_unlink(struct relay *r, struct msock *s)
{
	if (s->prev_closing)
		s->prev_closing->next_closing = s->next_closing;
	else if (r->closing == s)
		r->closing = s->next_closing;
	if (s->next_closing)
		s->next_closing->prev_closing = s->prev_closing;
	s->prev_closing = s->next_closing = NULL;
}

void relay_sock_close(struct relay *r, struct msock *s)
{
	s->dead = true;
	s->side = NULL;
	if (s->armed) {
		/*
		 * The fd stays open until the receive's final completion (complete() closes it):
		 * sends already queued for it are issued before the cancel, and no new socket
		 * can get the fd number while the ring still refers to it. Nothing is submitted
		 * here, so tearing down a call costs no system call per socket.
		 */
		struct io_uring_sqe *sqe = relay_sqe(r);

		io_uring_prep_cancel64(sqe, (uint64_t)(uintptr_t)s | EV_MEDIA, 0);
		io_uring_sqe_set_data64(sqe, EV_IGNORE);
		s->next_closing = r->closing;
		if (r->closing)
			r->closing->prev_closing = s;
		r->closing = s;
		return;
	}
	/* Not armed (waiting for buffers): queued sends must reach the kernel first. */
	io_uring_submit(&r->ring);
	sock_release(s);
	for (struct msock **pp = &r->rearm; *pp; pp = &(*pp)->next_rearm)
		if (*pp == s) {
			*pp = s->next_rearm;
			break;
		}
	free(s);
}

void relay_flush_closing(struct relay *r)
{
	io_uring_submit(&r->ring);	/* queued sends and cancels first */
	for (struct msock *s = r->closing; s; s = s->next_closing) {
		struct io_uring_sync_cancel_reg reg = {
			.addr = (uint64_t)(uintptr_t)s | EV_MEDIA,
			.timeout = { .tv_sec = -1, .tv_nsec = -1 },
		};

		if (s->fd < 0)
			continue;
		/* -ENOENT: the cancel queued earlier already did it. Either way it is done. */
		io_uring_register_sync_cancel(&r->ring, &reg);
		sock_release(s);
	}
}

int relay_send_now(int fd, const void *buf, size_t len, const struct sockaddr_storage *to)
{
	ssize_t n = sendto(fd, buf, len, MSG_DONTWAIT, (const struct sockaddr *)to, addr_len(to));

	return n < 0 ? -errno : 0;
}

static bool queue_send(struct relay *r, unsigned int bid, uint8_t *pkt, uint32_t len,
		       const struct pkt_out *out)
{
	struct send_slot *sl = &r->slots[bid];
	struct io_uring_sqe *sqe = relay_sqe(r);

	if (!sqe)
		return false;
	sl->to = out->to;
	sl->iov.iov_base = pkt;
	sl->iov.iov_len = len;
	memset(&sl->mh, 0, sizeof(sl->mh));
	sl->mh.msg_name = &sl->to;
	sl->mh.msg_namelen = addr_len(&sl->to);
	sl->mh.msg_iov = &sl->iov;
	sl->mh.msg_iovlen = 1;
	io_uring_prep_sendmsg(sqe, out->sock->fd, &sl->mh, MSG_DONTWAIT);
	io_uring_sqe_set_data64(sqe, (uint64_t)bid << 4 | EV_SEND);
	r->inflight_sends++;
	return true;
}

/* One receive completion; returns true if its buffer is now owned by a send. */
static bool media_complete(struct relay *r, struct msock *s, struct io_uring_cqe *cqe,
			   double now)
{
	unsigned int bid = cqe->flags >> IORING_CQE_BUFFER_SHIFT;
	struct io_uring_recvmsg_out *o;
	struct sockaddr_storage src;
	struct pkt_out out;
	uint8_t *buf, *pkt;
	uint32_t len, cap;
	int ret;

	if (s->dead || !s->side)
		return false;
	buf = r->bufs + (size_t)bid * RELAY_BUF_SIZE;
	o = io_uring_recvmsg_validate(buf, cqe->res, &recv_tmpl);
	if (!o || (o->flags & MSG_TRUNC) || o->namelen > sizeof(src))
		return false;
	memset(&src, 0, sizeof(src));
	memcpy(&src, io_uring_recvmsg_name(o), o->namelen);
	pkt = io_uring_recvmsg_payload(o, &recv_tmpl);
	len = io_uring_recvmsg_payload_length(o, cqe->res, &recv_tmpl);
	cap = (uint32_t)(buf + RELAY_BUF_SIZE - pkt);
	r->stats.rx++;
	ret = packet_process(s->side, s->comp, &src, pkt, &len, cap, now, &out);
	if (s->side->kernel_check) {
		s->side->kernel_check = false;
		if (r->confirmed)
			r->confirmed(r, s->side);
	}
	if (ret == PKT_STUN) {
		r->stats.stun++;
		if (r->stun)
			r->stun(r, s, &src, pkt, len);
		return false;
	}
	if (ret == PKT_DTLS) {
		r->stats.dtls++;
		if (r->dtls)
			r->dtls(r, s, &src, pkt, len);
		return false;
	}
	if (ret)
		return false;
	return queue_send(r, bid, pkt, len, &out);
}

static void complete(struct relay *r, struct io_uring_cqe *cqe, double now, unsigned int *recycled)
{
	uint64_t ud = io_uring_cqe_get_data64(cqe);
	unsigned int kind = ud & EV_MASK;

	switch (kind) {
	case EV_MEDIA: {
		struct msock *s = (struct msock *)(uintptr_t)(ud & ~EV_MASK);
		bool kept = false;

		if (cqe->flags & IORING_CQE_F_BUFFER) {
			if (cqe->res > 0)
				kept = media_complete(r, s, cqe, now);
			if (!kept)
				buf_recycle(r, cqe->flags >> IORING_CQE_BUFFER_SHIFT, recycled);
		}
		if (cqe->flags & IORING_CQE_F_MORE)
			break;
		s->armed = false;
		if (s->dead) {
			closing_unlink(r, s);
			sock_release(s);
			free(s);
		} else if (cqe->res == -ENOBUFS) {
			r->stats.no_buffers++;
			s->next_rearm = r->rearm;
			r->rearm = s;
		} else {
			arm(r, s);
		}
		break;
	}
	case EV_SEND: {
		unsigned int bid = (unsigned int)(ud >> 4);

		r->inflight_sends--;
		if (cqe->res < 0) {
			r->stats.tx_errors++;
			log_ratelimited(&send_limit, LOG_INFO, "media send: %s", strerror(-cqe->res));
		} else {
			r->stats.tx++;
		}
		buf_recycle(r, bid, recycled);
		break;
	}
	case EV_TIMER:
		if (r->tick)
			r->tick(r, r->arg);
		arm_tick(r);
		break;
	case EV_HOOK: {
		struct relay_hook *h = (struct relay_hook *)(uintptr_t)(ud & ~EV_MASK);

		h->complete(r, h, cqe);
		break;
	}
	default:
		break;
	}
}

int relay_run_once(struct relay *r, bool wait)
{
	struct io_uring_cqe *cqe;
	unsigned int head, n = 0, recycled = 0;
	double now;
	int ret;

	ret = wait ? io_uring_submit_and_wait(&r->ring, 1) : io_uring_submit(&r->ring);
	if (ret < 0 && ret != -EINTR && ret != -EAGAIN && ret != -EBUSY && ret != -ETIME) {
		log_err("io_uring: %s", strerror(-ret));
		return ret;
	}
	now = now_mono();
	io_uring_for_each_cqe(&r->ring, head, cqe) {
		complete(r, cqe, now, &recycled);
		n++;
		/* Give buffers back in batches so receives never starve. */
		if (recycled >= 64) {
			io_uring_buf_ring_advance(r->br, (int)recycled);
			recycled = 0;
		}
	}
	io_uring_cq_advance(&r->ring, n);
	if (recycled)
		io_uring_buf_ring_advance(r->br, (int)recycled);
	while (r->rearm && r->inflight_sends < r->nbufs / 2) {
		struct msock *s = r->rearm;

		r->rearm = s->next_rearm;
		arm(r, s);
	}
	return (int)n;
}

int relay_loop(struct relay *r)
{
	while (!r->stop) {
		int ret = relay_run_once(r, true);

		if (ret < 0)
			return ret;
	}
	return 0;
}
