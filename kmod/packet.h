/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * One packet on its way through the module. Everything it needs beyond the skb (the SRTP job,
 * IV, scatterlist and the crypto request) sits in one GFP_ATOMIC block, as esp4 does, so that
 * an asynchronous cipher can finish the packet later from its completion callback.
 */
#ifndef SRTPRELAY_PACKET_H
#define SRTPRELAY_PACKET_H

#include <linux/netfilter/x_tables.h>
#include <linux/scatterlist.h>
#include <linux/skbuff.h>
#include <crypto/algapi.h>

#include "flow.h"

enum pkt_dir { PKT_UNPROTECT, PKT_PROTECT };

struct pkt {
	struct sk_buff *skb;
	struct srtprelay_flow *flow;	/* holds a reference */
	struct net *net;
	struct srtp_job job;
	struct flow_addr from;		/* where the packet came from */
	u32 off;			/* UDP payload offset from skb->data */
	u32 len;			/* UDP payload length */
	u8 tos;				/* IPv4 TOS or IPv6 traffic class, kept on output */
	u8 dir;				/* enum pkt_dir: the job in progress */
	bool rtcp;
	bool pass_on_fail;		/* authentication failure goes to the socket */
	u8 iv[16];
	struct scatterlist sg[4];
	u8 req[] __aligned(CRYPTO_MINALIGN);	/* flow->reqsize octets */
};

static inline u8 *pkt_data(const struct pkt *p)
{
	return p->skb->data + p->off;
}

/* pktcrypto.c: 0 done, -EINPROGRESS (pkt_crypto_done() follows), or an error. */
int pkt_crypto(struct pkt *p);
void pkt_crypto_done(struct pkt *p, int err);

/* receive.c */
int srtprelay_target_init(void);
void srtprelay_target_exit(void);

/* send.c */
int pkt_send(struct pkt *p);

#endif
