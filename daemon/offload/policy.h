/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * The offload policy, pure: whether a media side's stream may go to the kernel, and the flow
 * that carries it (addresses, expected source, flags, keys, and where each SSRC's ROC, SEQ
 * and SRTCP index stand), and the reverse hand-over of that state. kernel.c pushes what this
 * decides; nothing here does I/O, so it is unit-tested with hand-built streams.
 */
#ifndef SRTPRELAY_OFFLOAD_POLICY_H
#define SRTPRELAY_OFFLOAD_POLICY_H

#include <stdbool.h>
#include <stdint.h>

#include "call.h"
#include "kflow.h"

/* What x's endpoint sends may be relayed by the kernel: RTP, both sides accepted, not in a
 * bundle of several media, x's endpoint confirmed, keys known both ways, the other side's
 * destination known (not on hold by the zero address) and its ICE consent valid. */
bool offload_possible(const struct media_side *x);
/* The flow for what x's endpoint sends on component comp; false if it cannot be built (no
 * socket, unconfirmed source, a key the kernel cannot use). Wipe f with kflow_wipe. */
bool offload_flow(const struct media_side *x, unsigned int comp, uint64_t cookie,
		  struct kflow *f);
/* The cookie every flow of call c carries (a hash of its call-id). */
uint64_t offload_cookie(const struct call *c);
/* Where the kernel left a context's streams, into userspace's (a flow handed back);
 * outbound: the context encrypts, and its SRTCP index moves a margin ahead. */
void offload_take_state(struct srtp_ctx *ctx, bool on, const struct kflow_crypto *kc,
			bool outbound);

#endif
