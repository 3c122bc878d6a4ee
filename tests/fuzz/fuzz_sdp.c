// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * libFuzzer target for the SDP parser and writer. The input is the SDP body, exactly its size
 * as libFuzzer hands it over, so ASan sees any read past its end.
 *
 * Oracles besides the sanitizers: a refusal always comes with a reason; what parses is given
 * back octet for octet by the empty rewrite; and a rewrite derived from a hash of the input
 * (ports, addresses, protocol, a=rtcp, rtcp-mux, direction, dropped classes, extra lines)
 * either is refused for a limit it would break or gives SDP that parses again and says what
 * the rewrite asked for.
 */
#include "sdp.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct sdp in, out;
static struct sdp_rewrite rw;

static const struct {
	const char *addr;
	int family;
} addrs[] = {
	{ NULL, 0 },
	{ "127.0.0.1", AF_INET },
	{ "2001:db8::1", AF_INET6 },
	{ "relay.example.com", AF_INET },
};
static const char *const protos[] = { NULL, "RTP/AVP", "RTP/SAVPF", "UDP/TLS/RTP/SAVPF" };
static const char *const dirs[] = { NULL, "sendrecv", "sendonly", "recvonly", "inactive" };
static const char *const extra[] = {
	"crypto:1 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR",
	"rtcp-mux", "ssrc:1 cname:x", "candidate:1 1 udp 1 192.0.2.1 5 typ host", "mid:0",
	"fingerprint:sha-256 AA:BB", "x-relay",
};

static uint64_t rng;

static unsigned int pick(unsigned int n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned int)(rng % n);
}

#define PICK(a) ((a)[pick(sizeof(a) / sizeof((a)[0]))])

static void derive(void)
{
	unsigned int k;

	memset(&rw, 0, sizeof(rw));
	k = pick(4);
	rw.origin_addr = addrs[k].addr;
	rw.origin_family = addrs[k].family;
	k = pick(4);
	rw.session_addr = addrs[k].addr;
	rw.session_family = addrs[k].family;
	rw.session_drop = pick(128);
	rw.session_add = &extra[pick(5)];
	rw.n_session_add = pick(3);
	for (unsigned int i = 0; i < in.n_media; i++) {
		struct sdp_media_rw *m = &rw.media[i];

		m->reject = !pick(8);
		m->port = pick(2) ? (uint16_t)pick(65536) : 0;
		m->proto = PICK(protos);
		k = pick(4);
		m->conn_addr = addrs[k].addr;
		m->conn_family = addrs[k].family;
		m->rtcp = (uint8_t)pick(3);
		m->rtcp_port = (uint16_t)pick(65536);
		k = pick(4);
		m->rtcp_addr = addrs[k].addr;
		m->rtcp_family = addrs[k].family;
		m->rtcp_mux = pick(2);
		m->direction = PICK(dirs);
		m->drop = pick(128);
		m->add = &extra[pick(5)];
		m->n_add = pick(3);
	}
}

static void die(const char *what, const struct strbuf *sb, const char *err)
{
	fprintf(stderr, "fuzz_sdp: %s (%s)\n%.*s\n", what, err, sb ? (int)sb->len : 0,
		sb && sb->p ? sb->p : "");
	abort();
}

static bool eq(struct sdp_str s, const char *lit)
{
	return sdp_str_eq(s, lit);
}

/* What the rewritten media section must say. */
static void check_media(unsigned int i, const struct strbuf *sb)
{
	const struct sdp_media_rw *w = &rw.media[i];
	const struct sdp_media *m = &out.media[i];
	const struct sdp_conn *c = m->sec.conn.present ? &m->sec.conn : &out.session.conn;
	bool adds_crypto = false;

	for (unsigned int k = 0; k < w->n_add; k++)
		adds_crypto |= !strncmp(w->add[k], "crypto:", 7);
	if ((w->reject && m->port) || (!w->reject && w->port && m->port != w->port))
		die("m= port", sb, "");
	if (w->proto && !eq(m->proto, w->proto))
		die("m= proto", sb, "");
	if ((w->drop & SDP_DROP_CRYPTO) && !adds_crypto && m->sec.n_crypto)
		die("a=crypto kept", sb, "");
	if (w->rtcp == SDP_RTCP_SET && (!m->rtcp.present || m->rtcp.port != w->rtcp_port ||
					(w->rtcp_addr && !eq(m->rtcp.addr, w->rtcp_addr))))
		die("a=rtcp", sb, "");
	if (w->rtcp == SDP_RTCP_DROP && m->rtcp.present)
		die("a=rtcp kept", sb, "");
	if (w->rtcp_mux && !m->sec.rtcp_mux)
		die("a=rtcp-mux", sb, "");
	if (w->direction && strcmp(sdp_dir_name(m->dir), w->direction))
		die("direction", sb, "");
	if (w->conn_addr && (!c->present || !eq(c->addr, w->conn_addr)))
		die("media c=", sb, "");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct strbuf sb = STRBUF_INIT;
	char err[SDP_ERR_MAX] = "";
	uint64_t h = 1469598103934665603ull;
	int r;

	if (sdp_parse(&in, (const char *)data, size, err, sizeof(err))) {
		if (strncmp(err, "SDP", 3))
			die("refused without a reason", NULL, err);
		return 0;
	}
	r = sdp_write(&in, NULL, &sb, err, sizeof(err));
	if (r || sb.len != size || (size && memcmp(sb.p, data, size)))
		die("identity rewrite differs", &sb, err);

	for (size_t i = 0; i < size; i++)
		h = (h ^ data[i]) * 1099511628211ull;
	rng = h | 1;
	derive();
	sb_reset(&sb);
	r = sdp_write(&in, &rw, &sb, err, sizeof(err));
	if (r) {
		/* Only an input already at a limit may be pushed over it. */
		if (!strstr(err, "too many attributes") && !strstr(err, "line too long"))
			die("rewrite refused", &sb, err);
	} else {
		if (sdp_parse(&out, sb.p, sb.len, err, sizeof(err)))
			die("rewritten SDP does not parse", &sb, err);
		if (out.n_media != in.n_media)
			die("media count", &sb, "");
		if (rw.origin_addr && !eq(out.origin.addr, rw.origin_addr))
			die("o= address", &sb, "");
		if (rw.session_addr && in.session.conn.present &&
		    !eq(out.session.conn.addr, rw.session_addr))
			die("session c=", &sb, "");
		for (unsigned int i = 0; i < out.n_media; i++)
			check_media(i, &sb);
	}
	sb_free(&sb);
	return 0;
}
