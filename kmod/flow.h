/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Flows: what the module relays, keyed by local address and UDP port, one table per network
 * namespace. Lookups are RCU and lock-free; changes (netlink, process context) hold the
 * namespace's mutex. A flow is never changed in place: SET builds a new one and swaps it in.
 */
#ifndef SRTPRELAY_FLOW_H
#define SRTPRELAY_FLOW_H

#include <linux/in6.h>
#include <linux/list.h>
#include <linux/netlink.h>
#include <linux/rhashtable.h>
#include <linux/workqueue.h>
#include <net/net_namespace.h>
#include <linux/spinlock.h>
#include <linux/u64_stats_sync.h>

#include "srtp.h"
#include <uapi/linux/srtprelay.h>

/* An IPv4 or IPv6 address and port, zero-padded so that it can be a hash key. */
struct flow_addr {
	union {
		__be32 v4;
		struct in6_addr v6;
	};
	__be16 port;
	u8 family;		/* AF_INET or AF_INET6 */
	u8 pad;
	u32 scope_id;		/* IPv6 link-local only */
};

struct relay_stats {
	u64 c[__SRTPRELAY_A_STATS_MAX];	/* indexed by enum srtprelay_stats_attr */
	struct u64_stats_sync syncp;
};

/* One direction's SRTP context; its per-SSRC state lives in the same struct. */
struct flow_crypto {
	struct srtp_ctx ctx;
	struct srtp_stream streams[SRTPRELAY_MAX_SSRCS];
	char driver[64];
};

/* What netlink asks for, before any transform exists. */
/* Where an SSRC's stream stands elsewhere (the daemon's relay, or a flow before). */
struct flow_ssrc_cfg {
	u32 id, roc, rtcp_index;
	u16 seq;
	bool has_seq, has_rtcp_index;
};

struct flow_cfg {
	struct flow_addr local, source, peer, expect;
	bool has_expect;
	u32 flags;		/* enum srtprelay_flow_flag */
	u32 media;		/* enum srtprelay_media */
	u64 cookie;
	u64 pt_allowed[2];	/* bit n: payload type n may pass; all ones when not limited */
	bool pt_limited;
	struct srtp_policy pol[2];	/* [0] decrypt, [1] encrypt */
	bool has_pol[2];
	u32 nssrc[2];
	struct flow_ssrc_cfg ssrc[2][SRTPRELAY_MAX_SSRCS];
};

struct srtprelay_flow {
	struct rhash_head node;
	struct list_head list;		/* in srtprelay_net.list, for flush and dump */
	struct flow_addr key;		/* = cfg.local */
	struct flow_cfg cfg;		/* keys and salts wiped */
	struct flow_crypto *crypto[2];	/* [0] decrypt, [1] encrypt; NULL: plain RTP */
	spinlock_t lock;		/* per-SSRC state and the learned source */
	struct flow_addr learned;	/* with LEARN_SOURCE, once locked on */
	bool has_learned;
	unsigned long last_packet;	/* jiffies; 0: none yet */
	/* Shared with the flow that replaces this one (and counted by both while this one's
	 * last packets finish); freed with the last flow that holds it. */
	struct relay_stats __percpu *stats;
	refcount_t *stats_refs;
	unsigned int reqsize;		/* largest crypto request of its transforms */
	unsigned int tailroom;		/* most a packet grows by on protect; 0: never */
	refcount_t refs;		/* the table's, and one per packet in async crypto */
	struct rcu_head rcu;
	struct work_struct free_work;	/* transforms are freed in process context */
};

struct srtprelay_net {
	struct rhashtable flows;
	struct mutex lock;		/* serialises every change of the table */
	struct list_head list;		/* every flow, under lock */
	u32 count;
	u32 gen;			/* bumped on every change, for consistent dumps */
	struct relay_stats __percpu *gone;	/* counters of deleted flows, and NO_FLOW */
};

/* Packets inside async crypto; module exit waits for none. */
extern atomic_t srtprelay_inflight;

struct srtprelay_net *srtprelay_pernet(struct net *net);
/* The per-namespace flow tables and the workqueue that frees retired flows; unregister
 * waits until every retired flow is freed. */
int srtprelay_flows_register(void);
void srtprelay_flows_unregister(void);

/* Failures say why in extack, where they happen. */
int flow_set(struct srtprelay_net *sn, const struct flow_cfg *cfg, u32 set_flags,
	     struct netlink_ext_ack *extack);
int flow_del(struct srtprelay_net *sn, const struct flow_addr *local);
void flow_flush(struct srtprelay_net *sn, bool by_cookie, u64 cookie);
struct srtprelay_flow *flow_lookup(struct srtprelay_net *sn, const struct flow_addr *local);
void flow_snapshot_streams(struct srtprelay_flow *flow, int dir,
			   struct srtp_stream out[SRTPRELAY_MAX_SSRCS]);
void flow_put(struct srtprelay_flow *flow);
void flow_stats_sum(struct relay_stats __percpu *pc, u64 out[__SRTPRELAY_A_STATS_MAX]);
void flow_count(struct relay_stats __percpu *pc, unsigned int what, u64 n);

#endif
