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

#include "addr.h"
#include "call.h"
#include "options.h"

/* Seconds after a stream's first packet during which only its SDP address can confirm its
 * endpoint; a source elsewhere (a NAT) is confirmed once this passed (see packet.c). */
#define LEARN_WINDOW 3.0
/* False once the ICE endpoint t (a transport owner) let its consent lapse (its call's
 * media_policy says after how long). */
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
 * pkt (len octets, cap octets of room) arrived from src on a socket of t (a transport
 * owner) for component comp. On 0, pkt/len hold the packet to send and out says where;
 * otherwise the return is PKT_* or -1 - a drop reason, already counted in the side's stats.
 */
int packet_process(struct media_side *t, unsigned int comp, const struct sockaddr_storage *src,
		   uint8_t *pkt, uint32_t *len, uint32_t cap, double now, struct pkt_out *out);
/* Where side y's endpoint gets component comp: the confirmed address, else its SDP one;
 * NULL when neither is usable, or while y holds with the zero address. */
const struct sockaddr_storage *packet_destination(const struct media_side *y, unsigned int comp);
/* True if a packet from the SDP address of x's component comp would still take over its
 * confirmed endpoint: the kernel must hand such packets up instead of dropping them. */
bool packet_sdp_may_take_over(const struct media_side *x, unsigned int comp);

#endif
