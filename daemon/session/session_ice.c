// SPDX-License-Identifier: GPL-2.0 OR MIT
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "call.h"
#include "daemon.h"
#include "ice.h"
#include "kernel.h"
#include "log.h"
#include "ng_req.h"
#include "packet.h"
#include "relay.h"
#include "sdp.h"
#include "session_dtls.h"
#include "session_ice.h"

int session_ice_seen(struct media_side *m, const struct sdp *sdp, const struct sdp_media *sm,
		     char *err, size_t errlen)
{
	struct sdp_str ufrag = sm->sec.ice_ufrag.s ? sm->sec.ice_ufrag : sdp->session.ice_ufrag;

	if (ice_seen(&m->ice, ufrag.s, ufrag.s ? ufrag.len : 0)) {
		snprintf(err, errlen, "media %u: a=ice-ufrag longer than %d characters",
			 m->index + 1, ICE_REMOTE_UFRAG_MAX);
		return -EINVAL;
	}
	return 0;
}

int session_ice_toward(struct media_side *m, bool heard_from_m, const struct ng_req *req,
		       char *err, size_t errlen)
{
	bool on;

	if (req->ice == NG_ICE_FORCE || req->ice == NG_ICE_FORCE_RELAY)
		on = true;
	else if (req->ice == NG_ICE_REMOVE)
		on = false;
	else if (heard_from_m)
		on = m->ice.peer;
	else
		on = m->other && m->other->ice.peer;
	on = on && !m->raw && !m->rejected;
	if (ice_set(&m->ice, on)) {
		snprintf(err, errlen, "No randomness for ICE credentials");
		return -EIO;
	}
	return 0;
}

/*
 * A nominated pair fixes the endpoint's address for this component, even over one learned
 * or confirmed before: the request was authenticated with our ice-pwd, which only the
 * endpoint's signalling has, so it is as good as an authenticated SRTP packet, and ICE may
 * move a stream (a new network, an ICE restart).
 */
static void nominate(struct relay *r, struct msock *s, const struct sockaddr_storage *from)
{
	struct media_side *m = s->side;
	struct peer *p = &m->peer[m->rtcp_mux ? COMP_RTP : s->comp];

	if (p->confirmed && addr_equal(&p->learned, from))
		return;
	p->learned = *from;
	p->confirmed = true;
	p->by_ice = true;
	p->learn_start = 0;
	if (r->confirmed)
		r->confirmed(r, m);
}

void session_stun(struct relay *r, struct msock *s, const struct sockaddr_storage *from,
		  uint8_t *pkt, uint32_t len)
{
	static struct log_limit limit;
	struct media_side *m = s->side;
	uint8_t resp[512];
	size_t resp_len = 0;
	enum ice_verdict v;

	if (!m)
		return;
	if (!m->ice.on) {
		m->stats[s->comp].drops[DROP_OTHER]++;
		return;
	}
	v = ice_answer(&m->ice, pkt, len, from, now_mono(), resp, sizeof(resp), &resp_len);
	if (v == ICE_IGNORE)
		m->stats[s->comp].drops[DROP_OTHER]++;
	if (v == ICE_REJECT)
		log_ratelimited(&limit, LOG_INFO, "[%s] refused an ICE check on port %u",
				m->leg->call->id, s->port);
	if (resp_len && sendto(s->fd, resp, resp_len, MSG_DONTWAIT, (const struct sockaddr *)from,
			       addr_len(from)) < 0)
		r->stats.tx_errors++;
	if (v == ICE_NOMINATED)
		nominate(r, s, from);
	if (v == ICE_OK || v == ICE_NOMINATED)
		session_dtls_tick(r->arg, m);	/* a DTLS client now knows where to start */
}

void session_ice_tick(struct srtprelayd *d, struct media_side *m, double now)
{
	bool lost = !packet_consent_ok(m, now);

	if (lost == m->consent_lost)
		return;
	m->consent_lost = lost;
	if (lost)
		log_notice("[%s] %s stream %u of %s: no ICE check for %.0f s, consent expired: "
			   "no more media to it until its checks resume", m->leg->call->id,
			   m->type, m->index + 1, m->leg->tag[0] ? m->leg->tag : "(callee)",
			   now - m->ice.last_request);
	else
		log_notice("[%s] %s stream %u of %s: ICE checks again, media to it resumes",
			   m->leg->call->id, m->type, m->index + 1,
			   m->leg->tag[0] ? m->leg->tag : "(callee)");
	kernel_update_media(d, m);	/* its kernel flows go, or come back */
}
