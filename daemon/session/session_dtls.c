// SPDX-License-Identifier: GPL-2.0 OR MIT
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "bundle.h"
#include "session_bundle.h"
#include "call.h"
#include "daemon.h"
#include "dtls.h"
#include "kernel.h"
#include "log.h"
#include "ng_req.h"
#include "packet.h"
#include "relay.h"
#include "sdp.h"
#include "session.h"
#include "session_dtls.h"

bool session_dtls_offered(const struct sdp *sdp, const struct sdp_media *sm)
{
	return sdp_proto_is_dtls(sm->proto) && sdp_proto_is_srtp(sm->proto) &&
	       (sm->sec.fingerprint.s || sdp->session.fingerprint.s);
}

static uint8_t setup_parse(struct sdp_str s)
{
	if (sdp_str_caseeq(s, "actpass"))
		return DTLS_SETUP_ACTPASS;
	if (sdp_str_caseeq(s, "passive"))
		return DTLS_SETUP_PASSIVE;
	return DTLS_SETUP_ACTIVE;	/* also when absent: RFC 4145's default */
}

int session_dtls_seen(struct media_side *m, const struct sdp *sdp, const struct sdp_media *sm,
		      char *err, size_t errlen)
{
	const struct sdp_section *sec = sm->sec.fingerprint.s ? &sm->sec : &sdp->session;
	struct sdp_str setup = sm->sec.setup.s ? sm->sec.setup : sdp->session.setup;
	struct dtls_fingerprint fp;
	char text[DTLS_HASH_MAX + 2 + DTLS_FP_TEXT_MAX];
	int n;

	n = snprintf(text, sizeof(text), "%.*s %.*s", (int)sec->fingerprint_hash.len,
		     sec->fingerprint_hash.s, (int)sec->fingerprint.len, sec->fingerprint.s);
	if (n < 0 || (size_t)n >= sizeof(text) || dtls_fingerprint_parse(text, (size_t)n, &fp)) {
		snprintf(err, errlen, "media %u: a=fingerprint is not a sha-1/-224/-256/-384/-512 "
			 "fingerprint", m->index + 1);
		return -EINVAL;
	}
	/* A new certificate is a new association (RFC 5763 5: a changed fingerprint). */
	if (m->dtls.conn && (fp.len != m->dtls.fp.len || memcmp(fp.fp, m->dtls.fp.fp, fp.len) ||
			     strcmp(fp.hash, m->dtls.fp.hash))) {
		dtls_conn_free(m->dtls.conn);
		m->dtls.conn = NULL;
	}
	m->dtls.fp = fp;
	m->dtls.peer_setup = setup_parse(setup);
	m->dtls.on = true;
	return 0;
}

static void dtls_send(void *arg, const uint8_t *pkt, size_t len)
{
	struct media_side *m = arg;
	const struct sockaddr_storage *to = m->dtls.from.ss_family ? &m->dtls.from :
					    m->ice.on && m->ice.last_from.ss_family ? &m->ice.last_from :
					    packet_destination(m, COMP_RTP);

	if (!to || !m->sock[COMP_RTP])
		return;
	(void)sendto(m->sock[COMP_RTP]->fd, pkt, len, MSG_DONTWAIT, (const struct sockaddr *)to,
		     addr_len(to));
}

/* The association for a role; an existing one in the same role carries on (a re-INVITE
 * with the same fingerprint keeps its keys). */
static void make_conn(struct media_side *m, bool client)
{
	if (m->dtls.conn && m->dtls.client == client &&
	    dtls_conn_state(m->dtls.conn) != DTLS_FAILED)
		return;
	dtls_conn_free(m->dtls.conn);
	m->dtls.client = client;
	m->dtls.from.ss_family = 0;
	m->dtls.conn = dtls_conn_new(client, &m->dtls.fp, dtls_send, m);
	if (!m->dtls.conn)
		log_err("[%s] out of memory for a DTLS association", m->leg->call->id);
}

void session_dtls_setup(struct media_side *m, bool to_offerer, int flag)
{
	bool have = m->dtls.conn && dtls_conn_state(m->dtls.conn) != DTLS_FAILED;
	uint8_t ours;

	m->dtls.on = true;
	if (!to_offerer) {
		/* A re-offer keeps the role of a live association, so it is not torn down. */
		if (have)
			ours = m->dtls.client ? DTLS_SETUP_ACTIVE : DTLS_SETUP_PASSIVE;
		else
			ours = flag == NG_DTLS_PASSIVE ? DTLS_SETUP_PASSIVE :
			       flag == NG_DTLS_ACTIVE ? DTLS_SETUP_ACTIVE : DTLS_SETUP_ACTPASS;
		m->dtls.our_setup = ours;
		return;
	}
	if (m->dtls.peer_setup == DTLS_SETUP_ACTIVE)
		ours = DTLS_SETUP_PASSIVE;
	else if (m->dtls.peer_setup == DTLS_SETUP_PASSIVE)
		ours = DTLS_SETUP_ACTIVE;
	else if (have)
		ours = m->dtls.client ? DTLS_SETUP_ACTIVE : DTLS_SETUP_PASSIVE;
	else
		ours = flag == NG_DTLS_PASSIVE ? DTLS_SETUP_PASSIVE : DTLS_SETUP_ACTIVE;
	m->dtls.our_setup = ours;
	make_conn(m, ours == DTLS_SETUP_ACTIVE);
}

static void early_free(struct dtls_side *t)
{
	for (unsigned int i = 0; i < t->n_early; i++)
		free(t->early[i]);
	t->n_early = 0;
}

/* Keeps a datagram that came before the roles were fixed; 0 when there is no room. */
static void early_keep(struct dtls_side *t, const uint8_t *pkt, uint32_t len)
{
	uint8_t *copy;

	if (t->n_early >= DTLS_EARLY_MAX || len > 2048 || !(copy = malloc(len)))
		return;
	memcpy(copy, pkt, len);
	t->early[t->n_early] = copy;
	t->early_len[t->n_early++] = (uint16_t)len;
}

static void handshake_done(struct srtprelayd *d, struct media_side *m);

void session_dtls_answered(struct srtprelayd *d, struct media_side *m)
{
	bool client = m->dtls.peer_setup == DTLS_SETUP_PASSIVE;

	m->dtls.our_setup = client ? DTLS_SETUP_ACTIVE : DTLS_SETUP_PASSIVE;
	make_conn(m, client);
	/* As server, the ClientHello that came with (or before) the answer starts it now. */
	for (unsigned int i = 0; !client && m->dtls.conn && i < m->dtls.n_early; i++)
		if (dtls_conn_input(m->dtls.conn, m->dtls.early[i], m->dtls.early_len[i]) ==
		    DTLS_CONNECTED)
			handshake_done(d, m);
	early_free(&m->dtls);
}

void session_dtls_off(struct media_side *m)
{
	dtls_conn_free(m->dtls.conn);
	early_free(&m->dtls);
	memset(&m->dtls, 0, sizeof(m->dtls));
}

const char *session_dtls_setup_name(const struct media_side *m)
{
	if (!m->dtls.on)
		return NULL;
	switch (m->dtls.our_setup) {
	case DTLS_SETUP_ACTIVE:
		return "active";
	case DTLS_SETUP_PASSIVE:
		return "passive";
	default:
		return "actpass";
	}
}

static void handshake_done(struct srtprelayd *d, struct media_side *m)
{
	struct srtp_policy in, out;
	const char *profile = "";
	char err[160];

	if (dtls_conn_keys(m->dtls.conn, &in, &out, &profile) ||
	    session_key_side(m, &in, &out, err, sizeof(err))) {
		d->dtls_handshakes[1]++;
		log_warn("[%s] DTLS-SRTP with %s: no SRTP keys from the handshake",
			 m->leg->call->id, m->leg->tag);
	} else {
		d->dtls_handshakes[0]++;
		log_notice("[%s] DTLS-SRTP with %s: %s, %s", m->leg->call->id, m->leg->tag,
			   profile, m->dtls.client ? "we are client" : "we are server");
		kernel_update_media(d, m);
		bundle_key_members(d, m);
	}
	explicit_bzero(&in, sizeof(in));
	explicit_bzero(&out, sizeof(out));
}

static void handshake_failed(struct srtprelayd *d, struct media_side *m)
{
	d->dtls_handshakes[1]++;
	log_warn("[%s] DTLS-SRTP with %s failed: %s", m->leg->call->id, m->leg->tag,
		 dtls_conn_error(m->dtls.conn));
}

void session_dtls_packet(struct relay *r, struct msock *s, const struct sockaddr_storage *from,
			 uint8_t *pkt, uint32_t len)
{
	struct media_side *m = s->side;
	enum dtls_state before, after;

	if (!m)
		return;
	/* One association per stream, on its RTP port (WebRTC multiplexes RTCP there). */
	if (m->dtls.on && !m->dtls.conn && s->comp == COMP_RTP &&
	    m->dtls.our_setup == DTLS_SETUP_ACTPASS) {
		m->dtls.from = *from;
		early_keep(&m->dtls, pkt, len);
		return;
	}
	if (!m->dtls.on || !m->dtls.conn || s->comp != COMP_RTP) {
		m->stats[s->comp].drops[DROP_OTHER]++;
		return;
	}
	before = dtls_conn_state(m->dtls.conn);
	if (before == DTLS_HANDSHAKING)
		m->dtls.from = *from;	/* answer where the peer is, not where SDP said */
	after = dtls_conn_input(m->dtls.conn, pkt, len);
	if (before == DTLS_HANDSHAKING && after == DTLS_CONNECTED)
		handshake_done(r->arg, m);
	else if (before == DTLS_HANDSHAKING && after == DTLS_FAILED)
		handshake_failed(r->arg, m);
}

void session_dtls_tick(struct srtprelayd *d, struct media_side *m)
{
	struct dtls_conn *c = m->dtls.conn;

	if (!c || dtls_conn_state(c) != DTLS_HANDSHAKING)
		return;
	if (!dtls_conn_started(c)) {
		/* A client sends its first flight once it knows where: with ICE, after the
		 * endpoint's first authenticated check; otherwise to its SDP address. */
		if (m->dtls.client && (m->ice.on ? m->ice.last_request > 0 :
				       packet_destination(m, COMP_RTP) != NULL))
			dtls_conn_start(c);
	} else {
		dtls_conn_tick(c);
	}
	if (dtls_conn_state(c) == DTLS_FAILED)
		handshake_failed(d, m);
}
