// SPDX-License-Identifier: GPL-2.0 OR MIT
/* srtprelay-ctl stats: the namespace's counters and the crypto drivers in use. */
#include "ctl.h"

#include <string.h>

int stats_main(int argc, char **argv)
{
	bool json = argc == 2 && !strcmp(argv[1], "--json");
	struct kflow_nl nl;
	struct kflow_global g;
	int ret;

	if (argc > 2 || (argc == 2 && !json))
		return ctl_error("stats", "usage: stats [--json]");
	ret = kflow_nl_open(&nl);
	if (!ret)
		ret = kflow_get_stats(&nl, &g);
	if (ret) {
		ctl_kernel_error("stats", ret, &nl);
		kflow_nl_close(&nl);
		return 1;
	}
	kflow_nl_close(&nl);
	ctl_print_global(stdout, &g, json);
	return 0;
}
