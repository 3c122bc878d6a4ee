// SPDX-License-Identifier: GPL-2.0 OR MIT
/* srtprelay-ctl nft install|remove|status: the rule that hands packets to the module. */
#include "ctl.h"

#include <string.h>

#include "nft.h"

/* The documented exit code of "nft status" when the rule is not there. */
#define NFT_STATUS_MISSING 3

static int nft_install(int argc, char **argv)
{
	char err[CTL_ERR_MAX];
	uint16_t min, max;

	if (argc != 3 || strcmp(argv[1], "--ports"))
		return ctl_error("nft install", "usage: nft install --ports MIN-MAX");
	if (ctl_parse_ports(argv[2], &min, &max, err, sizeof(err)))
		return ctl_error("nft install", "%s", err);
	if (srtprelay_nft_install(min, max, err, sizeof(err)))
		return ctl_error("nft install", "%s", err);
	printf("installed: table inet %s, chain %s (prerouting, priority raw): "
	       "udp dport %u-%u -> %s\n", SRTPRELAY_NFT_TABLE, SRTPRELAY_NFT_CHAIN, min, max,
	       SRTPRELAY_XT_TARGET);
	return 0;
}

static int nft_remove(int argc, char **argv)
{
	char err[CTL_ERR_MAX];

	(void)argv;
	if (argc != 1)
		return ctl_error("nft remove", "usage: nft remove");
	if (srtprelay_nft_remove(err, sizeof(err)))
		return ctl_error("nft remove", "%s", err);
	return 0;
}

static int nft_status(int argc, char **argv)
{
	struct srtprelay_nft_status st;
	char err[CTL_ERR_MAX];

	(void)argv;
	if (argc != 1)
		return ctl_error("nft status", "usage: nft status");
	if (srtprelay_nft_status(&st, err, sizeof(err)))
		return ctl_error("nft status", "%s", err);
	if (!st.table || !st.chain || !st.rule) {
		printf("not installed: %s\n", !st.table ? "no table inet " SRTPRELAY_NFT_TABLE :
		       !st.chain ? "no chain " SRTPRELAY_NFT_CHAIN " in the table" :
				   "no rule calling " SRTPRELAY_XT_TARGET " in the chain");
		return NFT_STATUS_MISSING;
	}
	printf("installed: table inet %s, chain %s (hook %u, priority %d): udp dport %u-%u -> %s\n",
	       SRTPRELAY_NFT_TABLE, SRTPRELAY_NFT_CHAIN, st.hooknum, st.priority, st.port_min,
	       st.port_max, SRTPRELAY_XT_TARGET);
	if (st.priority >= SRTPRELAY_NFT_PRIORITY + 100)
		printf("warning: priority %d is not before conntrack (-200)\n", st.priority);
	if (st.other_rules)
		printf("warning: %u other rule%s in the chain\n", st.other_rules,
		       st.other_rules == 1 ? "" : "s");
	return 0;
}

int nft_main(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "install"))
		return nft_install(argc - 1, argv + 1);
	if (argc >= 2 && !strcmp(argv[1], "remove"))
		return nft_remove(argc - 1, argv + 1);
	if (argc >= 2 && !strcmp(argv[1], "status"))
		return nft_status(argc - 1, argv + 1);
	return ctl_error("nft", "expected install --ports MIN-MAX, remove or status");
}
