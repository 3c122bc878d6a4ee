/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/* The daemon's state: one of these, owned by main(), passed to whatever needs it. */
#ifndef SRTPRELAY_DAEMON_H
#define SRTPRELAY_DAEMON_H

#include <stdint.h>

#include "call.h"
#include "options.h"
#include "ports.h"
#include "relay.h"

struct ng_cache;
struct ng_server;
struct kernel;

/* ng requests by command and outcome, for statistics and metrics. */
#define NG_COMMANDS(X)                        \
	X(PING, "ping")                       \
	X(OFFER, "offer")                     \
	X(ANSWER, "answer")                   \
	X(DELETE, "delete")                   \
	X(QUERY, "query")                     \
	X(LIST, "list")                       \
	X(STATISTICS, "statistics")

enum ng_cmd_index {
#define X(e, s) NGI_##e,
	NG_COMMANDS(X)
#undef X
	NGI_UNKNOWN,
	NGI_COUNT
};

struct srtprelayd {
	struct config cfg;
	struct port_pool ports;
	struct relay relay;
	struct calls calls;
	struct ng_cache *cache;
	struct ng_server *ng;
	struct kernel *kern;	/* NULL: userspace only */
	double started;
	uint64_t ng_requests[NGI_COUNT][2];	/* [command][0 ok, 1 error] */
	uint64_t ng_retransmits;
	uint64_t dtls_handshakes[2];	/* [0 ok, 1 failed] */
	/* TCP control connections (ng_server.c), [0 ng, 1 http]: refused at accept (listener
	 * or per-source limit), closed for sitting on a partial request too long. */
	uint64_t conns_refused[2], conns_timed_out[2];
};

#endif
