// SPDX-License-Identifier: GPL-2.0 OR MIT
/* srtprelay-ctl flow add|del|show|dump|flush. */
#include "ctl.h"

#include <errno.h>
#include <string.h>
#include <strings.h>

/* "--json" as the last word; removes it from argc. */
static bool take_json(int *argc, char **argv)
{
	if (*argc > 1 && !strcmp(argv[*argc - 1], "--json")) {
		(*argc)--;
		return true;
	}
	return false;
}

/* Hides KEY words from /proc/PID/cmdline as soon as they have been read. */
static void wipe_keys(int argc, char **argv)
{
	for (int i = 0; i < argc; i++)
		if (!strncasecmp(argv[i], "inline:", 7))
			explicit_bzero(argv[i], strlen(argv[i]));
}

static int flow_add(int argc, char **argv, struct kflow_nl *nl)
{
	char err[CTL_ERR_MAX];
	struct kflow f;
	int ret = ctl_parse_flow(argc - 1, argv + 1, &f, err, sizeof(err));

	wipe_keys(argc, argv);
	if (ret)
		return ctl_error("flow add", "%s", err);
	ret = kflow_nl_open(nl);
	if (!ret)
		ret = kflow_set(nl, &f);
	kflow_wipe(&f);
	return ret ? ctl_kernel_error("flow add", ret, nl) : 0;
}

/* del and show take exactly one LOCAL address. */
static int flow_local(int argc, char **argv, const char *what, struct sockaddr_storage *local)
{
	char err[CTL_ERR_MAX];

	if (argc != 2)
		return ctl_error(what, "expected one LOCAL address, e.g. %s 10.0.0.1:30000", what);
	if (ctl_parse_addr(argv[1], false, local, err, sizeof(err)))
		return ctl_error(what, "%s", err);
	return 0;
}

static int flow_del(int argc, char **argv, struct kflow_nl *nl)
{
	struct sockaddr_storage local;
	int ret;

	if (flow_local(argc, argv, "flow del", &local))
		return 1;
	ret = kflow_nl_open(nl);
	if (!ret)
		ret = kflow_del(nl, &local);
	return ret ? ctl_kernel_error("flow del", ret, nl) : 0;
}

static int flow_show(int argc, char **argv, struct kflow_nl *nl)
{
	bool json = take_json(&argc, argv);
	struct sockaddr_storage local;
	struct kflow f;
	int ret;

	if (flow_local(argc, argv, "flow show", &local))
		return 1;
	ret = kflow_nl_open(nl);
	if (!ret)
		ret = kflow_get(nl, &local, &f);
	if (ret)
		return ctl_kernel_error("flow show", ret, nl);
	ctl_print_flow(stdout, &f, json);
	return 0;
}

static int print_cb(const struct kflow *f, void *arg)
{
	ctl_print_flow(stdout, f, *(bool *)arg);
	return 0;
}

static int flow_dump(int argc, char **argv, struct kflow_nl *nl)
{
	bool json = take_json(&argc, argv);
	int ret;

	if (argc != 1)
		return ctl_error("flow dump", "unexpected '%s'; usage: flow dump [--json]", argv[1]);
	ret = kflow_nl_open(nl);
	if (!ret)
		ret = kflow_dump(nl, print_cb, &json);
	fflush(stdout);
	return ret ? ctl_kernel_error("flow dump", ret, nl) : 0;
}

static int flow_flush(int argc, char **argv, struct kflow_nl *nl)
{
	uint64_t cookie;
	int ret;

	if (argc != 1 && (argc != 3 || strcmp(argv[1], "cookie") ||
			  ctl_parse_u64(argv[2], UINT64_MAX, &cookie)))
		return ctl_error("flow flush", "usage: flow flush [cookie N]");
	ret = kflow_nl_open(nl);
	if (!ret)
		ret = kflow_flush(nl, argc == 3 ? &cookie : NULL);
	return ret ? ctl_kernel_error("flow flush", ret, nl) : 0;
}

int flow_main(int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*fn)(int argc, char **argv, struct kflow_nl *nl);
	} subs[] = {
		{ "add", flow_add }, { "del", flow_del }, { "show", flow_show },
		{ "dump", flow_dump }, { "flush", flow_flush },
	};
	struct kflow_nl nl = { 0 };
	int ret;

	if (argc < 2)
		return ctl_error("flow", "expected add, del, show, dump or flush");
	for (size_t i = 0; i < sizeof(subs) / sizeof(subs[0]); i++) {
		if (strcmp(argv[1], subs[i].name))
			continue;
		ret = subs[i].fn(argc - 1, argv + 1, &nl);
		kflow_nl_close(&nl);
		return ret;
	}
	return ctl_error("flow", "unknown subcommand '%s': expected add, del, show, dump or flush",
			 argv[1]);
}
