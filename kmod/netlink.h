/* SPDX-License-Identifier: GPL-2.0 OR MIT */
#ifndef SRTPRELAY_NETLINK_H
#define SRTPRELAY_NETLINK_H

#include <net/genetlink.h>

struct flow_addr;

extern struct genl_family srtprelay_family;

int srtprelay_genl_init(void);
void srtprelay_genl_exit(void);
int srtprelay_nl_local(struct nlattr **tb, struct flow_addr *out, struct netlink_ext_ack *extack);

/* nlreply.c */
int srtprelay_nl_get_flow(struct sk_buff *skb, struct genl_info *info);
int srtprelay_nl_dump_flows(struct sk_buff *skb, struct netlink_callback *cb);
int srtprelay_nl_get_stats(struct sk_buff *skb, struct genl_info *info);

#endif
