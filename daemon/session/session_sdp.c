// SPDX-License-Identifier: GPL-2.0 OR MIT
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "bundle.h"
#include "call.h"
#include "ng_req.h"
#include "options.h"
#include "packet.h"
#include "relay.h"
#include "ice.h"
#include "sdes.h"
#include "session_dtls.h"
#include "sdp.h"
#include "session_sdp.h"

#define LINE_MAX_LEN 192

/* Everything one offer or answer needs for its SDP; static: the daemon has one thread. */
static struct job {
	struct sdp sdp;
	struct sdp_rewrite rw;
	char addr[INET6_ADDRSTRLEN];
	char media_addr[SDP_MAX_MEDIA][INET6_ADDRSTRLEN];
	char lines[SDP_MAX_MEDIA][SDES_MAX_LINES + 1][LINE_MAX_LEN];
	char ice[SDP_MAX_MEDIA][ICE_LINES][ICE_LINE_MAX];
	char dtls[SDP_MAX_MEDIA][2][LINE_MAX_LEN];
	char mid[SDP_MAX_MEDIA][48];
	char group[16 + CALL_MAX_MEDIA * 32];	/* "group:BUNDLE " and mids of at most 31 */
	const char *add[SDP_MAX_MEDIA][SDES_MAX_LINES + 1 + ICE_LINES + 2 + 1];
	const char *session_add[2];
} job;

const struct sdp *session_sdp_parse(const struct ng_req *req, char *err, size_t errlen)
{
	char e[SDP_ERR_MAX];

	if (!req->sdp.len) {
		snprintf(err, errlen, "No SDP body");
		return NULL;
	}
	if (sdp_parse(&job.sdp, req->sdp.s, req->sdp.len, e, sizeof(e))) {
		snprintf(err, errlen, "Failed to parse SDP: %s", e);
		return NULL;
	}
	if (job.sdp.n_media > CALL_MAX_MEDIA) {
		snprintf(err, errlen, "Too many media sections (%u, at most %d)", job.sdp.n_media,
			 CALL_MAX_MEDIA);
		return NULL;
	}
	return &job.sdp;
}

static bool copy_str(char *dst, size_t size, struct sdp_str s)
{
	if (s.len >= size)
		return false;
	memcpy(dst, s.s, s.len);
	dst[s.len] = '\0';
	return true;
}

/* "192.0.2.1" of the given family and a port into ss; false if it is not an address. */
static bool to_sockaddr(struct sdp_str a, int family, uint16_t port, struct sockaddr_storage *ss)
{
	char buf[INET6_ADDRSTRLEN];
	void *addr;

	if (family != AF_INET6)
		family = AF_INET;	/* IP4, or an address type inet_pton will refuse */
	addr = family == AF_INET6 ? (void *)&((struct sockaddr_in6 *)ss)->sin6_addr :
				    (void *)&((struct sockaddr_in *)ss)->sin_addr;

	memset(ss, 0, sizeof(*ss));
	if (!copy_str(buf, sizeof(buf), a) || inet_pton(family, buf, addr) != 1)
		return false;
	ss->ss_family = (sa_family_t)family;
	addr_set_port(ss, port);
	return true;
}

/* A new SDP address for an endpoint: learning starts over only if it really moved. */
static void peer_set(struct peer *p, const struct sockaddr_storage *ss)
{
	if (!addr_usable(ss) || addr_equal(ss, &p->sdp))
		return;	/* 0.0.0.0 (old-style hold) or unchanged: keep what we learned */
	p->sdp = *ss;
	if (p->confirmed && addr_equal(&p->learned, ss))
		return;
	memset(&p->learned, 0, sizeof(p->learned));
	p->confirmed = false;
	p->by_ice = false;
	p->learn_start = 0;
	p->rank = 0;
}

/* Its a=mid, and whether its a=group:BUNDLE names it (an answer to it must say so too). */
static void side_mid(struct media_side *m, const struct sdp *sdp, const struct sdp_media *sm)
{
	m->mid[0] = '\0';
	m->bundled = false;
	if (!sm->sec.mid.s || !copy_str(m->mid, sizeof(m->mid), sm->sec.mid) ||
	    strpbrk(m->mid, " \t"))
		return;
	m->bundled = sdp_bundle_has(sdp, sm->sec.mid);
}

int session_sdp_endpoint(struct media_side *m, const struct sdp *sdp, const struct sdp_media *sm,
			 const struct ng_req *req, char *err, size_t errlen)
{
	const struct sdp_conn *conn = sdp_media_conn(sdp, sm);
	struct sockaddr_storage rtp, rtcp;
	struct sdp_str addr = { 0 };
	int family = AF_INET;

	if (!copy_str(m->type, sizeof(m->type), sm->type) ||
	    !copy_str(m->proto, sizeof(m->proto), sm->proto)) {
		snprintf(err, errlen, "media %u: type or protocol too long", m->index + 1);
		return -EINVAL;
	}
	m->rejected = sdp_media_rejected(sdp, sm);
	m->passthrough = !m->rejected && sdp_proto_is_passthrough(sm->proto);
	m->raw = !sdp_proto_is_rtp(sm->proto);
	m->secure = !m->raw && sdp_proto_is_srtp(sm->proto);
	snprintf(m->direction, sizeof(m->direction), "%s",
		 sdp_dir_name(sm->dir) ? sdp_dir_name(sm->dir) : "sendrecv");
	m->strict_source = req->strict_source;
	m->zero_hold = false;
	side_mid(m, sdp, sm);
	bundle_pt_map(m->pt_map, sm->fmts.s, sm->fmts.s ? sm->fmts.len : 0);
	if (conn) {
		addr = conn->addr;
		family = conn->family;
	}
	if (req->media_address.len) {
		addr.s = req->media_address.s;
		addr.len = req->media_address.len;
		family = memchr(addr.s, ':', addr.len) ? AF_INET6 : AF_INET;
	}
	if (m->rejected || !addr.len)
		return 0;
	if (!to_sockaddr(addr, family, sm->port, &rtp)) {
		snprintf(err, errlen, "media %u: connection address is not an IP address",
			 m->index + 1);
		return -EINVAL;
	}
	/* 0.0.0.0 or :: with a port: on hold the RFC 2543 way; what we learned stays. Not so
	 * with ICE (the address comes from candidates: trickle's m=audio 9) or in a BUNDLE
	 * group (max-bundle's m=video 9 rides the first media's transport). */
	m->zero_hold = sm->port && !addr_usable(&rtp) && !m->bundled && !sm->sec.ice_ufrag.s &&
		       !sdp->session.ice_ufrag.s;
	rtcp = rtp;
	if (sm->rtcp.present && sm->rtcp.addr.s) {
		if (!to_sockaddr(sm->rtcp.addr, sm->rtcp.family, sm->rtcp.port, &rtcp)) {
			snprintf(err, errlen, "media %u: a=rtcp address is not an IP address",
				 m->index + 1);
			return -EINVAL;
		}
	} else {
		addr_set_port(&rtcp, sm->rtcp.present ? sm->rtcp.port : (uint16_t)(sm->port + 1));
	}
	peer_set(&m->peer[COMP_RTP], &rtp);
	peer_set(&m->peer[COMP_RTCP], &rtcp);
	return 0;
}

/* Our a=crypto lines for y (its offer list, or the one line we answer with). */
static void crypto_lines(const struct media_side *y, unsigned int i, struct sdp_media_rw *mr)
{
	struct strbuf line = STRBUF_INIT;

	for (unsigned int k = 0; y->secure && k < y->sdes.n_ours; k++) {
		sb_reset(&line);
		sdes_format_line(&y->sdes.ours[k], &line);
		if (line.oom || !line.len || line.len >= LINE_MAX_LEN)
			continue;
		memcpy(job.lines[i][mr->n_add], line.p, line.len + 1);
		job.add[i][mr->n_add] = job.lines[i][mr->n_add];
		mr->n_add++;
	}
	if (line.p)
		explicit_bzero(line.p, line.cap);
	sb_free(&line);
	mr->add = job.add[i];
}

/*
 * a=mid for media i toward y: in an answer the offerer's own (whatever the other side's SDP
 * had goes), in an offer toward a bundle y's own, else with generate-mid its index when the
 * SDP has none. Returns the mid y is given (also one the SDP had and keeps), or NULL.
 */
static const char *mid_line(const struct ng_req *req, const struct sdp *in,
			    const struct media_side *y, bool answer, unsigned int i,
			    struct sdp_media_rw *mr)
{
	const struct sdp_str had = in->media[i].sec.mid;

	if ((answer || side_transport(y)->n_bundled) && y->mid[0]) {
		mr->drop |= SDP_DROP_MID;
		snprintf(job.mid[i], sizeof(job.mid[i]), "mid:%s", y->mid);
	} else if (answer) {
		mr->drop |= SDP_DROP_MID;	/* the offerer gave none: an answer has none */
		return NULL;
	} else if (req->generate_mid && !had.s) {
		snprintf(job.mid[i], sizeof(job.mid[i]), "mid:%u", i);
	} else {
		if (!had.s || !had.len || had.len >= sizeof(job.mid[i]) - 4 ||
		    memchr(had.s, ' ', had.len))
			return NULL;
		snprintf(job.mid[i], sizeof(job.mid[i]), "mid:%.*s", (int)had.len, had.s);
		return job.mid[i] + 4;	/* the SDP's own line stays */
	}
	job.add[i][mr->n_add++] = job.mid[i];
	mr->add = job.add[i];
	return job.mid[i] + 4;
}

/* Adds mid to the a=group:BUNDLE line being built. */
static void group_add(size_t *glen, const char *mid)
{
	if (*glen + strlen(mid) + 2 < sizeof(job.group))
		*glen += (size_t)snprintf(job.group + *glen, sizeof(job.group) - *glen, "%s%s",
					  *glen ? " " : "group:BUNDLE ", mid);
}

/* DTLS-SRTP toward y (a transport owner): our certificate's fingerprint and our role. */
static void dtls_lines(const struct media_side *y, unsigned int i, struct sdp_media_rw *mr)
{
	snprintf(job.dtls[i][0], LINE_MAX_LEN, "fingerprint:%s", dtls_our_fingerprint());
	snprintf(job.dtls[i][1], LINE_MAX_LEN, "setup:%s", session_dtls_setup_name(y));
	job.add[i][mr->n_add++] = job.dtls[i][0];
	job.add[i][mr->n_add++] = job.dtls[i][1];
	mr->add = job.add[i];
}

/* ICE-lite toward y (a transport owner): our credentials and host candidates (the session
 * gets a=ice-lite). */
static void ice_lines(const struct media_side *y, unsigned int i, struct sdp_media_rw *mr)
{
	unsigned int n = ice_sdp_lines(&y->ice, job.media_addr[i], y->sock[COMP_RTP]->port,
				       y->mux_sdp, job.ice[i]);

	for (unsigned int k = 0; k < n; k++)
		job.add[i][mr->n_add++] = job.ice[i][k];
	mr->add = job.add[i];
}

/*
 * The other side held with the zero address (RFC 2543): y sees that address too, in y's
 * family (unless replace zero-address asks for ours), and a direction that says so:
 * sendonly when the holder wrote none (as rtpengine does).
 */
static void zero_hold_lines(const struct ng_req *req, const struct sdp *in,
			    const struct media_side *y, unsigned int i, struct sdp_media_rw *mr)
{
	const struct media_side *x = y->other;

	if (!x || !x->zero_hold)
		return;
	if (!req->replace_zero_address)
		mr->conn_addr = mr->conn_family == AF_INET6 ? "::" : "0.0.0.0";
	if (in->media[i].sec.dir == SDP_DIR_NONE && in->session.dir == SDP_DIR_NONE)
		mr->direction = "sendonly";
}

/* A line we do not relay goes as it came; where it used the session's c=, which becomes
 * ours, it keeps its endpoint's address on a c= of its own. */
static void passthrough_line(const struct sdp *in, unsigned int i, struct sdp_media_rw *mr)
{
	const struct sdp_conn *sc = &in->session.conn;

	if (in->media[i].sec.conn.present || !sc->present)
		return;
	if (!copy_str(job.media_addr[i], sizeof(job.media_addr[i]), sc->addr))
		return;
	mr->conn_addr = job.media_addr[i];
	mr->conn_family = sc->family;
}

int session_sdp_write(const struct ng_req *req, const struct sdp *in, struct leg *to, bool answer,
		      struct strbuf *out, char *err, size_t errlen)
{
	struct sdp_rewrite *rw = &job.rw;
	const struct sockaddr_storage *adv = NULL;
	struct media_side *owner = NULL;
	bool ice = false;
	size_t glen = 0;
	int ret;

	memset(rw, 0, sizeof(*rw));
	/* The bundle whose media share one transport (bundle.c); without one, an answer
	 * keeps only the first media of the offerer's group in its own. */
	for (unsigned int i = 0; i < to->n_media && !owner; i++)
		if (to->media[i] && to->media[i]->n_bundled)
			owner = to->media[i];
	for (unsigned int i = 0; i < in->n_media; i++) {
		struct media_side *y = to->media[i], *t = y ? side_transport(y) : NULL;
		struct sdp_media_rw *mr = &rw->media[i];
		const char *mid;
		uint16_t port;

		if (y && y->passthrough && in->media[i].port) {
			passthrough_line(in, i, mr);
			continue;
		}
		/* Never another endpoint's keys, ICE or DTLS, and bundle-only is the offerer's own
		 * way of offering: ours has a port on every line. */
		mr->drop = SDP_DROP_BUNDLE_ONLY;
		if (!y || !y->sock[COMP_RTP] || sdp_media_rejected(in, &in->media[i])) {
			mr->reject = true;
			mr->drop |= SDP_DROP_CRYPTO | SDP_DROP_ICE | SDP_DROP_DTLS;
			/* a rejected line still names the profile this endpoint speaks */
			if (y && y->proto[0] && !y->raw)
				mr->proto = y->proto;
			continue;
		}
		port = t->sock[COMP_RTP]->port;
		if (!adv)
			adv = &t->advertised;
		/* advertised has port 0: the address alone */
		addr_str(&t->advertised, job.media_addr[i], sizeof(job.media_addr[i]));
		mr->port = port;
		mr->proto = y->proto;
		mr->conn_addr = job.media_addr[i];
		mr->conn_family = t->advertised.ss_family;
		zero_hold_lines(req, in, y, i, mr);
		mid = mid_line(req, in, y, answer, i, mr);
		/* The group: the bundle's media; in an answer without one, the first media of
		 * the offerer's group alone (RFC 8843 lets the answerer move the others out: they
		 * keep their own port, ICE and DTLS); in an offer to a WebRTC endpoint (DTLS and
		 * rtcp-mux), every media with a mid, each on its own port, for the answer to
		 * bundle (a max-bundle browser refuses an offer without a group). */
		if (owner ? t == owner && y->mid[0] :
		    answer ? y->bundled && y->mid[0] && !glen :
		    mid && !y->raw && y->dtls.on && y->mux_sdp)
			group_add(&glen, owner || answer ? y->mid : mid);
		if (y->raw)
			continue;
		mr->rtcp = SDP_RTCP_SET;
		mr->rtcp_port = t->mux_sdp ? port : (uint16_t)(port + 1);
		mr->rtcp_mux = t->mux_sdp;
		mr->drop |= SDP_DROP_CRYPTO | SDP_DROP_ICE | SDP_DROP_DTLS |
			   (t->mux_sdp ? 0 : SDP_DROP_RTCP_MUX);
		crypto_lines(y, i, mr);
		if (t->dtls.on)
			dtls_lines(t, i, mr);
		if (t->ice.on) {
			ice_lines(t, i, mr);
			ice = true;
		}
	}
	if (adv) {
		addr_str(adv, job.addr, sizeof(job.addr));
		rw->session_addr = job.addr;
		rw->session_family = adv->ss_family;
		if (req->replace_origin) {
			rw->origin_addr = job.addr;
			rw->origin_family = adv->ss_family;
		}
	}
	rw->session_drop = SDP_DROP_ICE | SDP_DROP_DTLS;
	rw->session_add = job.session_add;
	/* Only our own group, never the other side's: its group was for its own transport,
	 * and toward a side that does not bundle with us (a SIP phone: a port per media)
	 * a group would claim bundling nobody does. */
	rw->session_drop |= SDP_DROP_GROUP;
	if (glen)
		job.session_add[rw->n_session_add++] = job.group;
	if (ice)
		job.session_add[rw->n_session_add++] = "ice-lite";
	ret = sdp_write(in, rw, out, err, errlen);
	job.group[0] = '\0';
	explicit_bzero(job.lines, sizeof(job.lines));	/* our keys */
	explicit_bzero(job.ice, sizeof(job.ice));	/* our ICE passwords */
	return ret;
}
