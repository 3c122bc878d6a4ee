// SPDX-License-Identifier: GPL-2.0 OR MIT
/* srtprelay.ko: module init and exit only. */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>

#include "selftest.h"

static int __init srtprelay_init(void)
{
	int ret = srtprelay_selftest();

	/* A core that miscomputes SRTP must not carry media. */
	return ret ? -ENOTRECOVERABLE : 0;
}

static void __exit srtprelay_exit(void)
{
}

module_init(srtprelay_init);
module_exit(srtprelay_exit);
MODULE_LICENSE("Dual MIT/GPL");
MODULE_DESCRIPTION("Kernel-assisted SRTP media relay");
/* Without these loaded first the crypto API quietly settles for the generic C ciphers. */
MODULE_SOFTDEP("pre: aesni_intel ghash_clmulni_intel sha1_ssse3");
