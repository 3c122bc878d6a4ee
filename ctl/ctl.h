/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * srtprelay-ctl: configures srtprelay.ko by hand. One *_main() per subcommand, each in its
 * own file; argument parsing (args.c) and printing (format.c) touch no socket, so that the
 * unit tests can drive them.
 */
#ifndef SRTPRELAY_CTL_H
#define SRTPRELAY_CTL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/socket.h>

#include "kflow.h"

#define CTL_ERR_MAX 512

extern const char *ctl_prog;	/* argv[0] of srtprelay-ctl, for messages */

/* Subcommands: argv[0] is the subcommand's own name. */
int flow_main(int argc, char **argv);
int nft_main(int argc, char **argv);
int stats_main(int argc, char **argv);
/* list, show CALL-ID, terminate CALL-ID: the daemon's calls over ng (calls.c). */
int calls_main(int argc, char **argv);

struct bval;
/* A bencoded value as JSON. */
void ctl_print_json(FILE *out, const struct bval *v);

/* --- args.c --- */

/*
 * Parses "A.B.C.D:PORT" or "[IPV6]:PORT" (a "%zone" after the IPv6 address names the
 * interface of a link-local one). With port_optional, the ":PORT" may be left out and
 * means 0. Returns 0 or -EINVAL with err set.
 */
int ctl_parse_addr(const char *s, bool port_optional, struct sockaddr_storage *ss, char *err,
		   size_t errlen);
/* Parses a decimal or 0x-hexadecimal number up to max. */
int ctl_parse_u64(const char *s, uint64_t max, uint64_t *out);
/* Parses "MIN-MAX" (or one port) into a UDP port range, 1 <= MIN <= MAX. */
int ctl_parse_ports(const char *s, uint16_t *min, uint16_t *max, char *err, size_t errlen);
/*
 * Parses the words after "flow add" into f:
 *   LOCAL to PEER from SOURCE [expect ADDR[:PORT]] [learn] [auth-fail-pass]
 *   [media rtp|rtcp|mux] [pt N,N,...] [cookie N] [create|update] [reset-state]
 *   [decrypt SUITE KEY [CRYPTO...]] [encrypt SUITE KEY [CRYPTO...]]
 * where CRYPTO is any of: ssrc ID [roc N], unencrypted-srtp, unencrypted-srtcp,
 * unauthenticated-srtp, and KEY an SDES key parameter "inline:BASE64[|LIFETIME][|MKI:LEN]".
 * Returns 0, or -EINVAL with err saying which word is wrong; f holds no key then.
 */
int ctl_parse_flow(int argc, char **argv, struct kflow *f, char *err, size_t errlen);

/* --- format.c --- */

/* "1.2.3.4:5" or "[::1]:5" ("-" for no address); always NUL-terminated. */
void ctl_format_addr(const struct sockaddr_storage *ss, char *buf, size_t size);
/* The SDES name of enum srtprelay_suite id, or NULL. */
const char *ctl_suite_name(uint32_t id);
/* One flow on one line: words for people, or a JSON object. Never prints keys. */
void ctl_print_flow(FILE *out, const struct kflow *f, bool json);
/* The namespace's totals and crypto drivers. */
void ctl_print_global(FILE *out, const struct kflow_global *g, bool json);

/* --- main.c --- */

/* Prints "srtprelay-ctl: what: message" to stderr; returns 1 for use as an exit code. */
int ctl_error(const char *what, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Reports a failed kernel call: errno text plus the kernel's own explanation if any. */
int ctl_kernel_error(const char *what, int err, const struct kflow_nl *nl);

#endif
