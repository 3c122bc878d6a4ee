/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * BUNDLE (RFC 8843) toward one endpoint: the media its SDP grouped share the transport of
 * the group's first accepted media, its "owner": one port, one ICE agent, one DTLS
 * association, one endpoint address. Each media keeps its own SRTP contexts (keyed alike,
 * with the owner's DTLS keys) and its own counterpart on the other leg, which has separate
 * ports as a SIP endpoint expects.
 *
 * What arrives on the owner's port goes to the media that knows its SSRC, else to the one
 * whose m= line lists its payload type (and then knows the SSRC), else to the owner; RTCP
 * goes by its sender's SSRC, else to the owner. Streams of a bundle with several media stay
 * in userspace: the kernel has one context per port. Who joins whose bundle, and keying the
 * members, is the session's (session_bundle.c).
 */
#ifndef SRTPRELAY_BUNDLE_H
#define SRTPRELAY_BUNDLE_H

#include <stdbool.h>
#include <stdint.h>

#include "call.h"

/* The media of owner t's bundle that a packet (RTP, or RTCP if rtcp) belongs to. */
struct media_side *bundle_demux(struct media_side *t, const uint8_t *pkt, uint32_t len,
				bool rtcp);
/* True if another media of y's bundle sends this SSRC to the endpoint already (the same key
 * and SSRC twice would repeat a keystream). */
bool bundle_ssrc_clash(const struct media_side *y, uint32_t ssrc);
/* The payload types of an m= line's format list into pt_map. */
void bundle_pt_map(uint8_t pt_map[16], const char *fmts, size_t len);

#endif
