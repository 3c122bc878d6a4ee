// SPDX-License-Identifier: GPL-2.0 OR MIT
/* srtprelay.ko: module and network namespace set-up and teardown only. */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/delay.h>
#include <linux/module.h>
#include <linux/rcupdate.h>
#include <linux/workqueue.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>

#include "flow.h"
#include "netlink.h"
#include "packet.h"
#include "selftest.h"

struct workqueue_struct *srtprelay_wq;
static unsigned int srtprelay_net_id __read_mostly;

struct srtprelay_net *srtprelay_pernet(struct net *net)
{
	return net_generic(net, srtprelay_net_id);
}

static int __net_init srtprelay_net_init(struct net *net)
{
	return srtprelay_flows_init(srtprelay_pernet(net));
}

static void __net_exit srtprelay_net_exit(struct net *net)
{
	srtprelay_flows_exit(srtprelay_pernet(net));
}

static struct pernet_operations srtprelay_net_ops = {
	.init = srtprelay_net_init,
	.exit = srtprelay_net_exit,
	.id = &srtprelay_net_id,
	.size = sizeof(struct srtprelay_net),
};

static int __init srtprelay_init(void)
{
	int ret = srtprelay_selftest();

	/* A core that miscomputes SRTP must not carry media. */
	if (ret)
		return -ENOTRECOVERABLE;
	srtprelay_wq = alloc_workqueue("srtprelay", 0, 0);
	if (!srtprelay_wq)
		return -ENOMEM;
	ret = register_pernet_subsys(&srtprelay_net_ops);
	if (ret)
		goto err_wq;
	ret = srtprelay_genl_init();
	if (ret)
		goto err_pernet;
	ret = srtprelay_target_init();
	if (ret)
		goto err_genl;
	return 0;

err_genl:
	srtprelay_genl_exit();
err_pernet:
	unregister_pernet_subsys(&srtprelay_net_ops);
err_wq:
	rcu_barrier();
	destroy_workqueue(srtprelay_wq);
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
	unregister_pernet_subsys(&srtprelay_net_ops);
	/* Retired flows wait for a grace period, then for the workqueue: let both drain. */
	rcu_barrier();
	destroy_workqueue(srtprelay_wq);
}

module_init(srtprelay_init);
module_exit(srtprelay_exit);
MODULE_LICENSE("Dual MIT/GPL");
MODULE_DESCRIPTION("Kernel-assisted SRTP media relay");
MODULE_ALIAS_GENL_FAMILY(SRTPRELAY_GENL_NAME);
/* Without these loaded first the crypto API quietly settles for the generic C ciphers. */
MODULE_SOFTDEP("pre: aesni_intel ghash_clmulni_intel sha1_ssse3");
