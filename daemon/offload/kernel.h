/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Kernel offload: srtprelay.ko relays a stream once both its directions are known. This
 * file decides when, builds the flows (kflow.h) and installs the nftables rule (nft.h).
 * With --table=-1, or when the module is missing, d->kern stays NULL and every function
 * here does nothing: the userspace relay carries everything.
 */
#ifndef SRTPRELAY_KERNEL_H
#define SRTPRELAY_KERNEL_H

struct srtprelayd;
struct call;
struct media_side;

/* Checks the module and installs the rule; logs one line saying which mode we run in. */
void kernel_start(struct srtprelayd *d);
/* Removes the rule and our flows. */
void kernel_stop(struct srtprelayd *d);
/* (Re)pushes the flows of one media section (both directions) if it can be offloaded. */
void kernel_update_media(struct srtprelayd *d, struct media_side *m);
/* Takes one side's flow out of the kernel, adding its counters to the userspace ones. */
void kernel_remove_side(struct srtprelayd *d, struct media_side *m);
/* Refreshes counters and last-packet times of a call's kernel flows. */
void kernel_sync_call(struct srtprelayd *d, struct call *c);
/* Once a second: every flow's counters in one dump; silent flows of an earlier run go. */
void kernel_tick(struct srtprelayd *d);

#endif
