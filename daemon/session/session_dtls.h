/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * DTLS-SRTP in offer/answer (RFC 5763): which endpoints key SRTP with DTLS, the a=setup we
 * write them, the association once the answer has fixed who is client, and what a DTLS
 * datagram arriving on a media socket does. A finished handshake keys the side's SRTP
 * contexts as an SDES answer would, and the stream may then go to the kernel.
 */
#ifndef SRTPRELAY_SESSION_DTLS_H
#define SRTPRELAY_SESSION_DTLS_H

#include <stdbool.h>
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

/* Whether sm (what m's endpoint wrote) keys SRTP with DTLS: a TLS profile and a fingerprint. */
bool session_dtls_offered(const struct sdp *sdp, const struct sdp_media *sm);
/*
 * m's endpoint wrote sm: its fingerprint and a=setup. A new fingerprint ends the old
 * association (a new handshake re-keys). 0, or -EINVAL with err for an unusable fingerprint.
 */
int session_dtls_seen(struct media_side *m, const struct sdp *sdp, const struct sdp_media *sm,
		      char *err, size_t errlen);
/*
 * The a=setup we write to m: in an offer (to_offerer false) actpass unless the flag says
 * passive or active; in an answer to m's offer, the role its a=setup leaves us (active when
 * it said actpass, as RFC 5763 recommends, unless the flag says passive). Fixes the role
 * then, and makes the association.
 */
void session_dtls_setup(struct media_side *m, bool to_offerer, int flag);
/* m's endpoint answered our actpass offer: its a=setup fixes the roles; a ClientHello that
 * came early is taken now. */
void session_dtls_answered(struct srtprelayd *d, struct media_side *m);
/* DTLS off for m: association and state go. */
void session_dtls_off(struct media_side *m);
/* Our a=fingerprint and a=setup values for m's SDP; setup NULL when m speaks no DTLS. */
const char *session_dtls_setup_name(const struct media_side *m);

/* The relay's DTLS hook: a datagram for m's association. */
void session_dtls_packet(struct relay *r, struct msock *s, const struct sockaddr_storage *from,
			 uint8_t *pkt, uint32_t len);
/* Once a second (and when an ICE check told us the endpoint's address): timers, and a
 * client's first flight once it knows where to send it. */
void session_dtls_tick(struct srtprelayd *d, struct media_side *m);

#endif
