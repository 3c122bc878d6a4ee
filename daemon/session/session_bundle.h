/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * BUNDLE on a call (RFC 8843): which media of a leg share whose transport after an answer,
 * and keying the members from their owner's DTLS association. Demultiplexing the packets
 * of a bundle is the media layer's (bundle.h).
 */
#ifndef SRTPRELAY_SESSION_BUNDLE_H
#define SRTPRELAY_SESSION_BUNDLE_H

#include "call.h"

struct srtprelayd;

/*
 * Fixes who shares whose transport on leg l, from what its SDP grouped (after an answer):
 * media with an a=mid in the group, accepted, RTP with rtcp-mux and keyed the same way as
 * the first, join it. A new member's own DTLS association goes; if the owner is keyed
 * already, the member is keyed alike.
 */
void bundle_assign(struct leg *l);
/* After the owner's DTLS handshake: its keys for every member too. */
void bundle_key_members(struct srtprelayd *d, struct media_side *owner);

#endif
