/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * ICE in offer/answer: which endpoints the relay speaks ICE-lite to (the ng ICE flag and
 * their own SDP), and what a Binding request arriving on one of our media sockets does.
 */
#ifndef SRTPRELAY_SESSION_ICE_H
#define SRTPRELAY_SESSION_ICE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

struct media_side;
struct msock;
struct ng_req;
struct relay;
struct sdp;
struct sdp_media;
struct srtprelayd;

/* m's endpoint wrote sm: whether it speaks ICE, and its ufrag. 0, or -EINVAL with err. */
int session_ice_seen(struct media_side *m, const struct sdp *sdp, const struct sdp_media *sm,
		     char *err, size_t errlen);
/*
 * Before we write SDP to m: ICE=force switches our ICE on, ICE=remove off; otherwise we
 * speak ICE when m's own SDP did, or (m has sent no SDP yet) when the other endpoint's did.
 * 0, or -EIO with err when there was no randomness for credentials.
 */
int session_ice_toward(struct media_side *m, bool heard_from_m, const struct ng_req *req,
		       char *err, size_t errlen);
/* The relay's STUN hook: answers a Binding request that arrived on s from 'from'. */
void session_stun(struct relay *r, struct msock *s, const struct sockaddr_storage *from,
		  uint8_t *pkt, uint32_t len);
/* Every second: an ICE endpoint whose checks stopped for --consent-timeout gets no more
 * media (RFC 7675), in userspace (packet.c) and from the kernel, until they resume. */
void session_ice_tick(struct srtprelayd *d, struct media_side *m, double now);

#endif
