// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * libFuzzer target for what arrives on a media socket: the STUN / DTLS / RTP / RTCP
 * demultiplexer (packet.c) and what it hands on, ICE (session_stun: STUN parsing, integrity,
 * answers) and DTLS (session_dtls_packet: the association of a side whose roles are fixed,
 * or one still waiting for its answer). Each input sets up the same WebRTC call over ng (a
 * DTLS + ICE + rtcp-mux browser-like offerer, a plain answerer, a second DTLS side still
 * unanswered), then feeds datagrams: the input is a sequence of [selector, length (16 bits),
 * datagram]; the selector picks the socket and the source address. Oracles: the sanitizers, and every
 * datagram the relay would send (packet_process's output) is no larger than its buffer.
 */
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon.h"
#include "dtls.h"
#include "log.h"
#include "ng_cache.h"
#include "ng_server.h"
#include "packet.h"
#include "relay.h"
#include "session.h"
#include "session_dtls.h"
#include "session_ice.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct srtprelayd d;
static struct strbuf reply;

#define FP "sha-256 4A:AD:B9:B1:3F:82:18:3B:54:02:12:DF:3E:5D:49:6B:19:E5:7C:AB:3A:1E:9F:3B:" \
	   "11:80:29:C0:A4:46:43:52"
#define BROWSER "v=0\r\no=- 1 1 IN IP4 127.0.0.2\r\ns=-\r\nc=IN IP4 127.0.0.2\r\nt=0 0\r\n" \
	"a=group:BUNDLE 0\r\nm=audio 5000 UDP/TLS/RTP/SAVPF 111 0\r\na=mid:0\r\n" \
	"a=ice-ufrag:brws\r\na=ice-pwd:browserpassword0123456789\r\na=fingerprint:" FP "\r\n" \
	"a=setup:actpass\r\na=rtcp-mux\r\n"
#define PHONE "v=0\r\no=- 2 2 IN IP4 127.0.0.3\r\ns=-\r\nc=IN IP4 127.0.0.3\r\nt=0 0\r\n" \
	"m=audio 6000 RTP/AVP 0\r\n"

static void ng(const char *bencoded)
{
	struct sockaddr_storage from = { .ss_family = AF_INET };
	char *msg = strdup(bencoded);

	if (!msg)
		abort();
	ng_server_request(&d, msg, strlen(msg), &from, &reply);
	free(msg);
}

static void offer_answer(void)
{
	char buf[2048];

	snprintf(buf, sizeof(buf), "c1 d7:command5:offer7:call-id1:w8:from-tag1:a3:sdp%zu:%s"
		 "18:transport-protocol7:RTP/AVP3:ICE6:remove4:DTLS3:offe", strlen(BROWSER), BROWSER);
	ng(buf);
	snprintf(buf, sizeof(buf), "c2 d7:command6:answer7:call-id1:w8:from-tag1:a6:to-tag1:b"
		 "3:sdp%zu:%s3:ICE5:force4:DTLS7:passivee", strlen(PHONE), PHONE);
	ng(buf);
	/* a DTLS side still waiting for its answer: what comes early is kept */
	snprintf(buf, sizeof(buf), "c3 d7:command5:offer7:call-id1:v8:from-tag1:c3:sdp%zu:%s"
		 "18:transport-protocol17:UDP/TLS/RTP/SAVPF3:ICE5:forcee", strlen(PHONE), PHONE);
	ng(buf);
}

static void setup(void)
{
	struct sockaddr_in *lo = (struct sockaddr_in *)&d.cfg.iface[0].local;
	char err[256];

	config_defaults(&d.cfg);
	d.cfg.n_iface = 1;
	lo->sin_family = AF_INET;
	lo->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	d.cfg.iface[0].advertised = d.cfg.iface[0].local;
	d.cfg.port_min = 48000;
	d.cfg.port_max = 48099;
	log_setup(LOG_CRIT, true);
	if (config_validate(&d.cfg, err, sizeof(err)) || dtls_init(NULL, err, sizeof(err)) ||
	    ports_init(&d.ports, (uint16_t)d.cfg.port_min, (uint16_t)d.cfg.port_max) ||
	    calls_init(&d.calls, 64) || relay_init(&d.relay, 64)) {
		fprintf(stderr, "fuzz_media setup: %s\n", err);
		abort();
	}
	d.relay.arg = &d;
	d.cache = ng_cache_new(30);
	if (!d.cache)
		abort();
	d.started = now_mono();
}

/* Every media socket of every call, in a fixed order. */
static unsigned int sockets(struct msock **out, unsigned int max)
{
	unsigned int n = 0;

	for (struct call *c = d.calls.head; c; c = c->next)
		for (unsigned int l = 0; l < 2; l++)
			for (unsigned int i = 0; i < c->leg[l].n_media; i++)
				for (unsigned int k = 0; k < COMP_COUNT; k++) {
					struct media_side *m = c->leg[l].media[i];

					if (m && m->sock[k] && n < max)
						out[n++] = m->sock[k];
				}
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool ready;
	static uint8_t buf[2048 + 64];
	struct msock *socks[16];
	unsigned int n;
	size_t off = 0;

	if (!ready) {
		setup();
		ready = true;
	}
	offer_answer();
	n = sockets(socks, 16);
	if (!n)
		abort();	/* the calls did not come up */
	while (off + 3 <= size) {
		uint8_t sel = data[off];
		size_t len = (size_t)data[off + 1] << 8 | data[off + 2];
		struct sockaddr_storage src = { .ss_family = AF_INET };
		struct sockaddr_in *sin = (struct sockaddr_in *)&src;
		struct pkt_out out;
		struct msock *s;
		uint32_t plen;
		int ret;

		off += 3;
		if (len > size - off)
			len = size - off;
		if (len > 2048) {
			off += len;
			continue;
		}
		s = socks[sel % n];
		/* the SDP's endpoints (5000 / 6000), or a stranger */
		sin->sin_addr.s_addr = htonl(0x7f000002 + (sel >> 6 & 1));
		sin->sin_port = htons(sel & 0x20 ? 7777 : (sel >> 6 & 1) ? 6000 : 5000);
		plen = (uint32_t)len;
		memcpy(buf, data + off, plen);
		ret = packet_process(s->side, s->comp, &src, buf, &plen, sizeof(buf), now_mono(), &out);
		if (ret == 0 && plen > sizeof(buf))
			abort();
		if (ret == PKT_STUN)
			session_stun(&d.relay, s, &src, buf, plen);
		else if (ret == PKT_DTLS)
			session_dtls_packet(&d.relay, s, &src, buf, plen);
		off += len;
	}
	while (d.calls.head)
		session_call_delete(&d, d.calls.head);
	relay_flush_closing(&d.relay);
	if (d.ports.used)
		abort();
	relay_run_once(&d.relay, false);
	ng_cache_free(d.cache);
	d.cache = ng_cache_new(30);
	return 0;
}
