// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Kernel offload, start-up half: decide which mode the daemon runs in and say so in one
 * line. Pushing flows (kflow.h) and the nftables rule (nft.h) come with the offload work;
 * until then every stream is relayed in userspace and d->kern stays NULL, which is also
 * what --table=-1 and a missing module give.
 */
#include <errno.h>
#include <string.h>

#include "daemon.h"
#include "kernel.h"
#include "kflow.h"
#include "log.h"

void kernel_start(struct srtprelayd *d)
{
	struct kflow_nl nl;
	int err;

	d->kern = NULL;
	if (d->cfg.table < 0) {
		log_notice("kernel offload off (--table=-1): relaying in userspace");
		return;
	}
	err = kflow_nl_open(&nl);	/* closes itself on failure */
	if (err == -ENOENT) {
		log_warn("kernel module srtprelay is not loaded (run: modprobe srtprelay); "
			 "relaying in userspace");
	} else if (err) {
		log_warn("kernel module srtprelay unusable (%s); relaying in userspace",
			 nl.errmsg[0] ? nl.errmsg : strerror(-err));
	} else {
		log_notice("kernel module srtprelay found; stream offload is not enabled in "
			   "this build: relaying in userspace");
	}
	if (!err)
		kflow_nl_close(&nl);
}

void kernel_stop(struct srtprelayd *d)
{
	d->kern = NULL;
}

void kernel_update_media(struct srtprelayd *d, struct media_side *m)
{
	(void)d;
	(void)m;
}

void kernel_remove_side(struct srtprelayd *d, struct media_side *m)
{
	(void)d;
	(void)m;
}

void kernel_sync_call(struct srtprelayd *d, struct call *c)
{
	(void)d;
	(void)c;
}
