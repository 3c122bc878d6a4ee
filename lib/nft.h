/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * The nftables rule that hands media packets to srtprelay.ko:
 *
 *     table inet srtprelay {
 *         chain prerouting {
 *             type filter hook prerouting priority raw; policy accept;
 *             meta l4proto udp udp dport PORT_MIN-PORT_MAX  xt target SRTPRELAY
 *         }
 *     }
 *
 * Priority raw (-300) runs before conntrack (-200), so relayed packets never create
 * conntrack entries. The table is ours alone: install replaces its rule, remove deletes it.
 */
#ifndef SRTPRELAY_NFT_H
#define SRTPRELAY_NFT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct nftnl_rule;

#define SRTPRELAY_NFT_TABLE "srtprelay"
#define SRTPRELAY_NFT_CHAIN "prerouting"
#define SRTPRELAY_NFT_PRIORITY (-300)	/* NF_IP_PRI_RAW */
/* A buffer this large holds any batch built here (half of it is mnl's overflow room). */
#define SRTPRELAY_NFT_BATCH_SIZE 8192
#define SRTPRELAY_NFT_ERR_MAX 256

struct srtprelay_nft_status {
	bool table;		/* table inet srtprelay exists */
	bool chain;		/* with its prerouting chain */
	uint32_t hooknum;	/* the chain's hook and priority, when chain is set */
	int32_t priority;
	bool rule;		/* a rule calling the SRTPRELAY target */
	uint16_t port_min;	/* its UDP destination port range; 0-0 if not recognised */
	uint16_t port_max;
	unsigned int other_rules;	/* rules in the chain that are not ours */
};

/*
 * Builds the install transaction into buf (size octets, at least SRTPRELAY_NFT_BATCH_SIZE):
 * batch begin, table, chain, flush of the chain, the rule, batch end, with sequence numbers
 * seq, seq + 1, ... Returns the batch length, or -EINVAL for an empty port range
 * (port_min 0 or above port_max), -EMSGSIZE, -ENOMEM.
 */
int srtprelay_nft_build_install(void *buf, size_t size, uint32_t seq, uint16_t port_min,
				uint16_t port_max);
/*
 * Builds the remove transaction: batch begin, create the table if missing, delete the
 * table, batch end; so removing what is not there succeeds.
 */
int srtprelay_nft_build_remove(void *buf, size_t size, uint32_t seq);
/*
 * Recognises our rule: 0 with the port range if r calls the SRTPRELAY target (the range is
 * 0-0 if the match before it is not the one install writes), -ENOENT if it does not.
 */
int srtprelay_nft_rule_ports(struct nftnl_rule *r, uint16_t *port_min, uint16_t *port_max);

/* Installs (or replaces) the rule in one transaction. On failure err says why. */
int srtprelay_nft_install(uint16_t port_min, uint16_t port_max, char *err, size_t errlen);
/* Deletes the table with everything in it. */
int srtprelay_nft_remove(char *err, size_t errlen);
/* Reads what is installed. Missing pieces are not an error: st says what exists. */
int srtprelay_nft_status(struct srtprelay_nft_status *st, char *err, size_t errlen);

#endif
