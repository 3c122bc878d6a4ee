/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * The SDP side of offer/answer (session.c): reading the endpoint's SDP from an ng request and
 * what it says about that endpoint, and writing what goes to the other leg, with that leg's
 * addresses, ports, protocol, a=rtcp, rtcp-mux, a=mid, and our a=crypto, DTLS and ICE lines.
 */
#ifndef SRTPRELAY_SESSION_SDP_H
#define SRTPRELAY_SESSION_SDP_H

#include <stdbool.h>
#include <stddef.h>

#include "strbuf.h"

struct ng_req;
struct sdp;
struct leg;
struct media_side;
struct sdp_media;

/*
 * Parses req->sdp. The result lives in static storage (one request at a time) until the
 * next call; NULL with a sentence in err for a missing, malformed or too large body.
 */
const struct sdp *session_sdp_parse(const struct ng_req *req, char *err, size_t errlen);
/*
 * What m= section sm of sdp says about the endpoint that wrote it, into m: type, profile,
 * direction, a=mid and bundle, and its RTP/RTCP addresses (learning starts over only if they
 * really moved). 0, or -EINVAL with err for an address that is not one.
 */
int session_sdp_endpoint(struct media_side *m, const struct sdp *sdp, const struct sdp_media *sm,
			 const struct ng_req *req, char *err, size_t errlen);
/*
 * Appends 'in' (the other endpoint's SDP) rewritten for leg 'to': each media section gets
 * to's socket port, advertised address, protocol and the a=crypto lines to->media[i]
 * offers or answers with; media without a socket on 'to' are rejected. An answer gives each
 * media the offerer's a=mid and repeats its a=group:BUNDLE (a browser refuses an answer that
 * drops them); an offer with generate-mid numbers media that have no a=mid. 0 or -errno.
 */
int session_sdp_write(const struct ng_req *req, const struct sdp *in, struct leg *to, bool answer,
		      struct strbuf *out, char *err, size_t errlen);

#endif
