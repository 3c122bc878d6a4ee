/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * What the userspace relay does with one packet, without any I/O: demultiplex, check the
 * source, unprotect, protect for the other side, and say where it goes. The io_uring loop
 * (relay.c) and the tests both call this.
 */
#ifndef SRTPRELAY_PACKET_H
#define SRTPRELAY_PACKET_H

#include <stdint.h>
#include <sys/socket.h>

#include "call.h"
#include "options.h"

/* Seconds after a stream's first packet during which only its SDP address can confirm its
 * endpoint; a source elsewhere (a NAT) is confirmed once this passed (see packet.c). */
#define LEARN_WINDOW 3.0
/* --endpoint-learning (enum endpoint_learning), set once at start. */
extern unsigned int endpoint_learning;
/* RFC 7675: an ICE endpoint whose checks stopped this long ago gets no more media (until
 * they resume). --consent-timeout sets consent_timeout; 0 turns it off. */
#define CONSENT_TIMEOUT 30.0
extern double consent_timeout;
/* False once the ICE endpoint t (a transport owner) let its consent lapse. */
bool packet_consent_ok(const struct media_side *t, double now);

/* Results of packet_process() besides 0 (send it) and -1 - enum drop_reason. */
#define PKT_STUN 1		/* hand to ICE */
#define PKT_DTLS 2		/* hand to DTLS */

struct pkt_out {
	struct msock *sock;	/* send from here */
	struct sockaddr_storage to;
	uint8_t comp;		/* what it was: COMP_RTP or COMP_RTCP */
};

/*
 * pkt (len octets, cap octets of room) arrived on s from src. On 0, pkt/len hold the
 * packet to send and out says where; otherwise the return is PKT_* or -1 - a drop reason,
 * already counted in the side's stats.
 */
int packet_process(struct msock *s, const struct sockaddr_storage *src, uint8_t *pkt,
		   uint32_t *len, uint32_t cap, double now, struct pkt_out *out);
bool addr_equal(const struct sockaddr_storage *a, const struct sockaddr_storage *b);
/* True if ss has a family, a non-zero port and a specified address. */
bool addr_usable(const struct sockaddr_storage *ss);
socklen_t addr_len(const struct sockaddr_storage *ss);
/* The port of an AF_INET / AF_INET6 address, in host order; setting it. */
uint16_t addr_port(const struct sockaddr_storage *ss);
void addr_set_port(struct sockaddr_storage *ss, uint16_t port);
/* Where side y's endpoint gets component comp: the confirmed address, else its SDP one;
 * NULL when neither is usable. */
const struct sockaddr_storage *packet_destination(const struct media_side *y, unsigned int comp);
/* True if a packet from the SDP address of x's component comp would still take over its
 * confirmed endpoint: the kernel must hand such packets up instead of dropping them. */
bool packet_sdp_may_take_over(const struct media_side *x, unsigned int comp);

#endif
