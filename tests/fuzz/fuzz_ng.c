// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The whole ng path of srtprelayd on arbitrary input: cookie split, retransmit cache,
 * bencode, request decoding, the commands, offer/answer with SDP parsing and rewriting, SDES,
 * port allocation and media sockets (bound on 127.0.0.1 in a small range). The input is
 * one or more ng datagrams separated by SEP, so that sequences (offer, answer, query,
 * re-offer, delete) are explored; after each input every call is deleted and the ring
 * drained, so inputs do not depend on each other. SEP is not a single NUL, so that a NUL
 * (or any other octet) inside a call-id or tag reaches the commands, and a sequence can
 * repeat such an id (fuzz_ng.dict carries SEP and those octets).
 */
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon.h"
#include "log.h"
#include "ng_cache.h"
#include "ng_server.h"
#include "dtls.h"
#include "session.h"

static struct srtprelayd d;
static struct strbuf reply;

#define SEP "\n\0ng\0\n"
#define SEP_LEN (sizeof(SEP) - 1)

static void setup(void)
{
	struct sockaddr_in *lo = (struct sockaddr_in *)&d.cfg.iface[0].local;
	char err[256];

	config_defaults(&d.cfg);
	d.cfg.n_iface = 1;
	lo->sin_family = AF_INET;
	lo->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	d.cfg.iface[0].advertised = d.cfg.iface[0].local;
	d.cfg.port_min = 47000;
	d.cfg.port_max = 47999;
	d.cfg.max_calls = 64;
	log_setup(LOG_CRIT, true);
	if (config_validate(&d.cfg, err, sizeof(err))) {
		fprintf(stderr, "fuzz_ng setup: %s\n", err);
		abort();
	}
	if (ports_init(&d.ports, (uint16_t)d.cfg.port_min, (uint16_t)d.cfg.port_max) ||
	    calls_init(&d.calls, 1024) || relay_init(&d.relay, 64))
		abort();
	d.cache = ng_cache_new(30);
	if (!d.cache || dtls_init(NULL, err, sizeof(err)))	/* DTLS offers make associations */
		abort();
	d.started = now_mono();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool ready;
	struct sockaddr_storage from = { .ss_family = AF_INET };
	size_t off = 0;

	if (!ready) {
		setup();
		ready = true;
	}
	while (off < size) {
		const uint8_t *end = memmem(data + off, size - off, SEP, SEP_LEN);
		size_t len = end ? (size_t)(end - (data + off)) : size - off;
		/* A private copy, exactly len long, so ASan sees any read past the message. */
		char *msg = malloc(len ? len : 1);

		if (!msg)
			abort();
		memcpy(msg, data + off, len);
		ng_server_request(&d, msg, len, &from, &reply);
		if (reply.len && (reply.len < 2 || reply.p[reply.len - 1] != 'e'))
			abort();	/* every reply is a complete bencoded dictionary */
		free(msg);
		off += len + SEP_LEN;
	}
	while (d.calls.head)
		session_call_delete(&d, d.calls.head);
	relay_flush_closing(&d.relay);	/* ports come back when their fds are closed */
	if (d.ports.used)
		abort();	/* every port came back */
	relay_run_once(&d.relay, false);
	/* A new cache per input: a cached reply would hide the code from the next input. */
	ng_cache_free(d.cache);
	d.cache = ng_cache_new(30);
	return 0;
}
