// SPDX-License-Identifier: GPL-2.0 OR MIT
/* srtprelay-ctl: the subcommand table and the shared error reporting. */
#include "ctl.h"

#include <errno.h>
#include <stdarg.h>
#include <string.h>

const char *ctl_prog = "srtprelay-ctl";

static int help_main(int argc, char **argv);

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *description;
} commands[] = {
	{ "list", calls_main, "The daemon's calls, one line each (over ng)" },
	{ "show", calls_main, "One call: legs, streams, addresses, suites, counters, mode" },
	{ "terminate", calls_main, "Ends a call (ng delete) and prints its final counters" },
	{ "flow", flow_main, "Adds, deletes, shows, dumps or flushes kernel flows" },
	{ "stats", stats_main, "Shows the kernel's totals and crypto drivers" },
	{ "nft", nft_main, "Installs, removes or shows the nftables rule" },
	{ "help", help_main, "Shows this help" },
};

static const char usage_text[] =
	"\n"
	"  flow add LOCAL to PEER from SOURCE [OPTIONS] [decrypt SUITE KEY [CRYPTO]]\n"
	"           [encrypt SUITE KEY [CRYPTO]]\n"
	"      OPTIONS: expect ADDR[:PORT]  learn  auth-fail-pass  source-pass  media rtp|rtcp|mux\n"
	"               pt N,N,...  cookie N  create|update  reset-state\n"
	"      CRYPTO:  ssrc ID [roc N]  unencrypted-srtp  unencrypted-srtcp\n"
	"               unauthenticated-srtp\n"
	"      KEY:     an SDES key parameter, inline:BASE64[|LIFETIME][|MKI:LEN]\n"
	"      SUITE:   AES_CM_128_HMAC_SHA1_80, AEAD_AES_256_GCM, ... (RFC 4568, 6188, 7714)\n"
	"      Addresses are A.B.C.D:PORT or [IPV6]:PORT.\n"
	"  flow del LOCAL\n"
	"  flow show LOCAL [--json]\n"
	"  flow dump [--json]        every flow, one per line\n"
	"  flow flush [cookie N]     every flow, or those with the cookie\n"
	"  stats [--json]\n"
	"  nft install --ports MIN-MAX\n"
	"  nft remove\n"
	"  nft status                exit code 3 when the rule is not installed\n"
	"  list [--json]             the daemon's calls (ng; --ng ADDR:PORT, default 127.0.0.1:2223)\n"
	"  show CALL-ID [--json]\n"
	"  terminate CALL-ID [--json]\n"
	"\n"
	"Commands:\n";

static void usage(FILE *out)
{
	fprintf(out, "Usage: %s <command> [<arguments>]\n", ctl_prog);
	fputs(usage_text, out);
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(out, "  %-9s %s\n", commands[i].name, commands[i].description);
}

static int help_main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	usage(stdout);
	return 0;
}

int ctl_error(const char *what, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: %s: ", ctl_prog, what);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return 1;
}

int ctl_kernel_error(const char *what, int err, const struct kflow_nl *nl)
{
	const char *hint = "";

	if (err == -EPERM)
		hint = " (srtprelay needs CAP_NET_ADMIN)";
	/* Failures while opening (no family id yet) carry their whole story already. */
	if (nl && nl->errmsg[0] && !nl->family)
		return ctl_error(what, "%s", nl->errmsg);
	if (nl && nl->errmsg[0])
		return ctl_error(what, "%s: %s%s", strerror(-err), nl->errmsg, hint);
	return ctl_error(what, "%s%s", strerror(-err), hint);
}

int main(int argc, char **argv)
{
	if (argc > 0 && argv[0] && argv[0][0])
		ctl_prog = argv[0];
	if (argc < 2) {
		usage(stderr);
		return 1;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))
		return help_main(argc - 1, argv + 1);
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].fn(argc - 1, argv + 1);
	ctl_error(argv[1], "unknown command; see '%s help'", ctl_prog);
	return 1;
}
