// SPDX-License-Identifier: GPL-2.0 OR MIT
/* srtprelay.ko: module init and exit only; each part sets up its own state. */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/delay.h>
#include <linux/module.h>

#include "flow.h"
#include "netlink.h"
#include "packet.h"
#include "selftest.h"

static int __init srtprelay_init(void)
{
	int ret = srtprelay_selftest();

	/* A core that miscomputes SRTP must not carry media. */
	if (ret)
		return -ENOTRECOVERABLE;
	ret = srtprelay_flows_register();
	if (ret)
		return ret;
	ret = srtprelay_genl_init();
	if (ret)
		goto err_flows;
	ret = srtprelay_target_init();
	if (ret)
		goto err_genl;
	return 0;

err_genl:
	srtprelay_genl_exit();
err_flows:
	srtprelay_flows_unregister();
	return ret;
}

static void __exit srtprelay_exit(void)
{
	/* No rule can use the target now (nft_compat holds the module while one does). */
	srtprelay_target_exit();
	/* Packets already in async crypto finish before their flows and code go away. */
	while (atomic_read(&srtprelay_inflight))
		msleep(1);
	srtprelay_genl_exit();
	srtprelay_flows_unregister();
}

module_init(srtprelay_init);
module_exit(srtprelay_exit);
MODULE_LICENSE("Dual MIT/GPL");
MODULE_DESCRIPTION("Kernel-assisted SRTP media relay");
MODULE_ALIAS_GENL_FAMILY(SRTPRELAY_GENL_NAME);
/* Without these loaded first the crypto API quietly settles for the generic C ciphers. */
MODULE_SOFTDEP("pre: aesni_intel ghash_clmulni_intel sha1_ssse3");
