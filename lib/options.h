/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * srtprelayd's settings: the command line and the config file set the same keys, named as
 * rtpengine names them (--interface, --listen-ng, --port-min, --port-max, --table, --timeout,
 * --foreground, --config-file...), so a deployment switches by changing the binary name.
 *
 * The config file is INI: "key = value" lines under [srtprelay] (or [rtpengine], so an
 * rtpengine.conf works as it is); '#' and ';' start comments; a list (interface) may be
 * given as several lines or separated by ';'. The command line overrides the file.
 */
#ifndef SRTPRELAY_OPTIONS_H
#define SRTPRELAY_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/socket.h>

#include "addr.h"

#define CONFIG_MAX_IFACES 8
#define CONFIG_ERR_MAX 256
#define CONFIG_PATH_MAX 256

/* One --interface: "[NAME/]ADDRESS[!ADVERTISED]". */
struct config_iface {
	char name[32];
	struct sockaddr_storage local;	/* port 0 */
	struct sockaddr_storage advertised;	/* what SDP shows; = local unless "!" */
};

/* --endpoint-learning, rtpengine's names and meanings, in the order of el_names (options.c).
 * What each does: packet.c. */
enum endpoint_learning { EL_DELAYED, EL_IMMEDIATE, EL_OFF, EL_HEURISTIC, EL_COUNT };
/* --consent-timeout's default, seconds (RFC 7675 says 30). */
#define OPT_CONSENT_TIMEOUT 30

struct config {
	struct config_iface iface[CONFIG_MAX_IFACES];
	unsigned int n_iface;
	struct sockaddr_storage listen_ng;	/* UDP */
	struct sockaddr_storage listen_tcp_ng;	/* TCP; family 0 = none */
	struct sockaddr_storage listen_http;	/* metrics; family 0 = none */
	unsigned int port_min, port_max;
	int table;		/* -1: userspace only */
	bool foreground;
	unsigned int timeout;	/* seconds without media before a call ends; 0 = never */
	unsigned int silent_timeout;	/* the same for a call on hold (all streams inactive) */
	unsigned int final_timeout;	/* any call ends after this long; 0 = never */
	unsigned int consent_timeout;	/* ICE consent (RFC 7675) lapses after this; 0 = never */
	unsigned int endpoint_learning;	/* enum endpoint_learning */
	unsigned int delete_delay;	/* accepted for compatibility; deletes are immediate */
	int log_level;		/* syslog level 3..7 */
	bool log_stderr;
	unsigned int max_calls;	/* 0 = unlimited */
	unsigned int reply_cache_mb;	/* ng retransmit cache budget, MiB; 0 = no cache */
	char config_file[CONFIG_PATH_MAX];
	char config_section[64];
	char pidfile[CONFIG_PATH_MAX];
	char dtls_cert[CONFIG_PATH_MAX];	/* PEM certificate + key; "" = generate */
};

/* The defaults: port range 30000-40000, table 0, timeout 60, log level 5 (notice). */
void config_defaults(struct config *c);
/*
 * Sets one key (a long option name without "--") from its text value. Returns 0, or
 * -EINVAL / -ENOENT (unknown key) with a sentence in err.
 */
int config_set(struct config *c, const char *key, const char *value, char *err, size_t errlen);
/* Reads an INI file; errors name the file, line and key. */
int config_load_file(struct config *c, const char *path, char *err, size_t errlen);
/*
 * The whole start-up sequence: defaults, --config-file (if given) then the other options.
 * Returns 0, 1 if --help or --version printed something, or -EINVAL with err filled.
 */
int config_from_args(struct config *c, int argc, char **argv, char *err, size_t errlen);
/* Checks the combination (ports, interfaces); fills err. */
int config_validate(const struct config *c, char *err, size_t errlen);
void config_usage(FILE *f);

#endif
