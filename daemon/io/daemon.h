/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/* The daemon's state: one of these, owned by main(), passed to whatever needs it. */
#ifndef SRTPRELAY_DAEMON_H
#define SRTPRELAY_DAEMON_H

#include <stdint.h>

#include "call.h"
#include "options.h"
#include "ng_req.h"
#include "ports.h"
#include "relay.h"
#include "tcp_server.h"

struct ng_cache;
struct ng_server;
struct kernel;

struct srtprelayd {
	struct config cfg;
	struct port_pool ports;
	struct relay relay;
	struct calls calls;
	struct ng_cache *cache;
	struct ng_server *ng;
	struct kernel *kern;	/* NULL: userspace only */
	double started;
	uint64_t ng_requests[NG_CMD_COUNT][2];	/* [enum ng_cmd][0 ok, 1 error] */
	uint64_t ng_retransmits;
	uint64_t dtls_handshakes[2];	/* [0 ok, 1 failed] */
	/* TCP control connections (tcp_server.h), [0 ng, 1 http]. */
	struct tcp_counters conns[2];
};

#endif
