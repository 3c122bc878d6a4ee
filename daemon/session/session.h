/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Offer/answer: what an ng offer or answer does to a call (ports, endpoints, SDES keys, the
 * SDP we hand back), and the life of a call around it (sync with the kernel, timeouts,
 * deletion).
 */
#ifndef SRTPRELAY_SESSION_H
#define SRTPRELAY_SESSION_H

#include <stddef.h>

#include "call.h"
#include "srtp.h"
#include "strbuf.h"

struct srtprelayd;
struct call;
struct ng_req;

/* An offer from req->from_tag's endpoint; sdp gets what goes to the other side. */
int session_offer(struct srtprelayd *d, const struct ng_req *req, struct strbuf *sdp,
		  struct strbuf *warn, char *err, size_t errlen);
/* The answer from req->to_tag's endpoint; sdp gets what goes back to the offerer. */
int session_answer(struct srtprelayd *d, const struct ng_req *req, struct strbuf *sdp,
		   struct strbuf *warn, char *err, size_t errlen);
/* Keys m's SRTP contexts: in unprotects what its endpoint sends, out protects what it gets.
 * Unchanged policies keep their per-SSRC state. 0, or -EINVAL with err. */
int session_key_side(struct media_side *m, const struct srtp_policy *in,
		     const struct srtp_policy *out, char *err, size_t errlen);
/* Pulls the kernel's counters for this call's streams (no-op in userspace mode). */
void session_call_sync(struct srtprelayd *d, struct call *c);
/* Takes the call's streams out of the kernel, keeping their final counters. */
void session_call_stop(struct srtprelayd *d, struct call *c);
/* Stops and frees the call. */
void session_call_delete(struct srtprelayd *d, struct call *c);
/* Everything relayed since start (live and ended calls), and the streams by mode. */
struct daemon_totals {
	struct stream_stats all;
	unsigned int streams, kernel_streams;
};
void daemon_totals(struct srtprelayd *d, struct daemon_totals *t);
/* Once a second: timeouts. */
void session_tick(struct srtprelayd *d);

#endif
