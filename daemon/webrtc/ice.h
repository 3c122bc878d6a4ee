/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * ICE-lite (RFC 8445 2.5, 8.2) on the relay's side of one stream. The relay has one host
 * candidate per component, never sends checks and is always the controlled agent: it answers
 * the endpoint's Binding requests (authenticated with our ice-pwd, RFC 8445 7.3), which also
 * serve as the endpoint's consent checks (RFC 7675), and takes the address of a nominated
 * pair (USE-CANDIDATE) as the endpoint's address for media.
 */
#ifndef SRTPRELAY_ICE_H
#define SRTPRELAY_ICE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#define ICE_UFRAG_LEN 8		/* ours; RFC 8445 asks for at least 4 characters */
#define ICE_PWD_LEN 24		/* ours; at least 22 */
#define ICE_REMOTE_UFRAG_MAX 64
#define ICE_LINES 5		/* ufrag, pwd, a candidate per component, end-of-candidates */
#define ICE_LINE_MAX 160

struct ice_lite {
	bool on;		/* we speak ICE to this endpoint */
	bool peer;		/* its last SDP announced ICE (an ice-ufrag) */
	char ufrag[ICE_UFRAG_LEN + 1], pwd[ICE_PWD_LEN + 1];
	char remote_ufrag[ICE_REMOTE_UFRAG_MAX + 1];	/* the endpoint's; "" when unknown */
	double last_request;	/* last authenticated Binding request (its consent); 0 never */
	struct sockaddr_storage last_from;	/* where it came from */
	uint64_t requests, bad_requests, role_conflicts, nominations;
};

/*
 * The endpoint's SDP announced ufrag (len 0: no ICE). A new ufrag where we had one is an
 * ICE restart: RFC 8445 9 wants both sides to change, so we take new credentials too.
 * -1 when the ufrag is too long or the random source failed.
 */
int ice_seen(struct ice_lite *ice, const char *ufrag, size_t len);
/* ICE on (credentials made if there are none) or off (they go). -1: no randomness. */
int ice_set(struct ice_lite *ice, bool on);

/*
 * Our SDP lines (without "a=") for a stream on addr (a numeric address) and rtp_port, with
 * RTCP on rtp_port + 1 unless mux: ufrag, pwd, host candidates, end-of-candidates. Returns
 * how many were written into lines.
 */
unsigned int ice_sdp_lines(const struct ice_lite *ice, const char *addr, uint16_t rtp_port,
			   bool mux, char lines[ICE_LINES][ICE_LINE_MAX]);

/* What ice_answer() made of a request. */
enum ice_verdict {
	ICE_IGNORE,		/* not for us (a response, not a Binding request, malformed): silence */
	ICE_REJECT,		/* answered with an error response */
	ICE_OK,			/* a valid check, answered with success */
	ICE_NOMINATED,		/* the same, with USE-CANDIDATE: use this address for media */
};

/*
 * Answers the STUN message pkt (len octets) that arrived from 'from' for component comp:
 * writes the response into resp (cap octets) and its length into *resp_len (0: none).
 */
enum ice_verdict ice_answer(struct ice_lite *ice, const uint8_t *pkt, size_t len,
			    const struct sockaddr_storage *from, double now,
			    uint8_t *resp, size_t cap, size_t *resp_len);

#endif
