// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Offer/answer. For an offer from leg A (the from-tag) to leg B:
 *   - A's media sides take A's SDP: endpoint addresses, protocol, rtcp-mux, a=crypto. If A
 *     speaks SDES SRTP we choose A's crypto line now (it does not depend on B), so both of
 *     A's contexts are keyed before any packet can arrive and nothing unauthenticated
 *     passes.
 *   - B's media sides get our ports and, if B is to speak SRTP, our own fresh keys (one
 *     a=crypto line per allowed suite).
 *   - the SDP for B is A's, rewritten: addresses, ports, protocol, a=rtcp, a=crypto.
 * The answer from B fixes B's endpoint, B's chosen suite and key, and B's rtcp-mux; the SDP
 * for A is B's rewritten with A's ports, A's protocol and our answer a=crypto line.
 *
 * A re-INVITE (new offer in the same dialog, from either side) goes through the same code:
 * sockets stay, a key or endpoint that did not change stays, so hold and resume never
 * disturb the media; a changed key re-keys the context and keeps every SSRC's ROC and
 * replay window.
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bundle.h"
#include "session_bundle.h"
#include "daemon.h"
#include "fdlimit.h"
#include "kernel.h"
#include "log.h"
#include "ng_req.h"
#include "packet.h"
#include "sdes.h"
#include "sdp.h"
#include "session.h"
#include "session_dtls.h"
#include "session_ice.h"
#include "session_sdp.h"
#include "srtp_openssl.h"

static const char *proto_name(enum ng_proto p)
{
	switch (p) {
	case NG_PROTO_RTP_AVP: return "RTP/AVP";
	case NG_PROTO_RTP_SAVP: return "RTP/SAVP";
	case NG_PROTO_RTP_AVPF: return "RTP/AVPF";
	case NG_PROTO_RTP_SAVPF: return "RTP/SAVPF";
	case NG_PROTO_UDP_TLS_RTP_SAVP: return "UDP/TLS/RTP/SAVP";
	case NG_PROTO_UDP_TLS_RTP_SAVPF: return "UDP/TLS/RTP/SAVPF";
	default: return NULL;
	}
}

static bool proto_srtp(const char *p)
{
	struct sdp_str x = { p, strlen(p) };

	return sdp_proto_is_srtp(x);
}

static const struct config_iface *pick_iface(const struct config *cfg, struct ng_str name,
					     int family)
{
	for (unsigned int i = 0; name.len && i < cfg->n_iface; i++)
		if (strlen(cfg->iface[i].name) == name.len &&
		    !memcmp(cfg->iface[i].name, name.s, name.len))
			return &cfg->iface[i];
	for (unsigned int i = 0; family && i < cfg->n_iface; i++)
		if (cfg->iface[i].local.ss_family == family)
			return &cfg->iface[i];
	return family ? NULL : &cfg->iface[0];
}

/* The address family an SDP's media are at: its first media's c= (else the session's). */
static int sdp_family(const struct sdp *sdp)
{
	for (unsigned int i = 0; i < sdp->n_media; i++) {
		const struct sdp_conn *c = sdp_media_conn(sdp, &sdp->media[i]);

		if (c && sdp->media[i].port)
			return c->family;
	}
	return sdp->session.conn.present ? sdp->session.conn.family : 0;
}

/* Adds "what[: detail]" to the request's warning text. */
static void warnf(struct strbuf *warn, const char *what, const char *detail)
{
	if (warn->len)
		sb_adds(warn, "; ");
	sb_adds(warn, what);
	if (detail) {
		sb_adds(warn, ": ");
		sb_adds(warn, detail);
	}
}

static struct media_side *side_get(struct leg *l, unsigned int i)
{
	struct media_side *m = l->media[i];

	if (m)
		return m;
	m = calloc(1, sizeof(*m));
	if (!m)
		return NULL;
	m->leg = l;
	m->index = i;
	snprintf(m->direction, sizeof(m->direction), "sendrecv");
	l->media[i] = m;
	if (l->n_media <= i)
		l->n_media = i + 1;
	return m;
}

/* Our two ports facing this side's endpoint (RTP even, RTCP odd), once per media side. */
static int side_sockets(struct srtprelayd *d, struct media_side *m, const struct config_iface *ifc)
{
	int fd[2], err;
	uint16_t port;

	if (m->sock[COMP_RTP])
		return 0;
	err = ports_alloc(&d->ports, &ifc->local, true, fd, &port);
	if (err == -EADDRNOTAVAIL && d->relay.closing) {
		/* Ports of calls just deleted wait for their sockets' cancels: finish those. */
		relay_flush_closing(&d->relay);
		err = ports_alloc(&d->ports, &ifc->local, true, fd, &port);
	}
	if (err)
		return err;
	m->sock[COMP_RTP] = relay_sock_new(&d->relay, fd[0], port, COMP_RTP, m, &d->ports);
	m->sock[COMP_RTCP] = m->sock[COMP_RTP] ?
		relay_sock_new(&d->relay, fd[1], (uint16_t)(port + 1), COMP_RTCP, m,
			       &d->ports) : NULL;
	if (!m->sock[COMP_RTCP]) {
		if (m->sock[COMP_RTP]) {
			relay_sock_close(&d->relay, m->sock[COMP_RTP]);	/* returns the port */
		} else {
			close(fd[0]);
			ports_release(&d->ports, port);
		}
		close(fd[1]);
		ports_release(&d->ports, (uint16_t)(port + 1));
		m->sock[COMP_RTP] = NULL;
		return -ENOMEM;
	}
	m->local = ifc->local;
	m->advertised = ifc->advertised;
	return 0;
}

/* The endpoint's a=crypto lines into m->sdes.remote; lines we cannot use are warned about. */
static void side_crypto(struct media_side *m, const struct sdp_media *sm, struct strbuf *warn)
{
	const struct sdp_attr *a = NULL;
	char e[128];

	m->sdes.n_remote = 0;
	while ((a = sdp_attr_find_id(&sm->sec, SDP_A_CRYPTO, a)) &&
	       m->sdes.n_remote < SDES_MAX_LINES) {
		struct sdes_line *l = &m->sdes.remote[m->sdes.n_remote];

		e[0] = '\0';
		if (a->value.s && !sdes_parse_line(a->value.s, a->value.len, l, e, sizeof(e)))
			m->sdes.n_remote++;
		else
			warnf(warn, "a=crypto line skipped", e[0] ? e : "malformed");
	}
}

/*
 * (Re-)keys one direction. An unchanged policy leaves the context alone; a new one keeps
 * the per-SSRC state (ROC, replay window, SRTCP index), so a re-key loses no packets.
 */
static int key_ctx(struct srtp_ctx *ctx, bool *on, struct srtp_policy *cur,
		   struct srtp_stream *st, const struct srtp_policy *want)
{
	struct srtp_ctx fresh;
	int err;

	if (*on && sdes_policy_equal(cur, want))
		return 0;
	err = srtp_ctx_init(&fresh, &srtp_openssl_ops, want, st, CALL_MAX_SSRC);
	if (err)
		return err;
	if (*on)
		srtp_ctx_free(ctx);
	else
		memset(st, 0, sizeof(*st) * CALL_MAX_SSRC);
	*ctx = fresh;
	*cur = *want;
	*on = true;
	explicit_bzero(&fresh, sizeof(fresh));
	return 0;
}

static void unkey(struct media_side *m)
{
	if (m->in_on)
		srtp_ctx_free(&m->in);
	if (m->out_on)
		srtp_ctx_free(&m->out);
	m->in_on = m->out_on = false;
	explicit_bzero(&m->in_pol, sizeof(m->in_pol));
	explicit_bzero(&m->out_pol, sizeof(m->out_pol));
}

int session_key_side(struct media_side *m, const struct srtp_policy *in,
		     const struct srtp_policy *out, char *err, size_t errlen)
{
	int e = key_ctx(&m->in, &m->in_on, &m->in_pol, m->in_st, in);

	if (!e)
		e = key_ctx(&m->out, &m->out_on, &m->out_pol, m->out_st, out);
	if (e)
		snprintf(err, errlen, "media %u: SRTP context: %s", m->index + 1,
			 srtp_strerror(e));
	return e ? -EINVAL : 0;
}

static bool tag_set(struct leg *l, struct ng_str tag)
{
	if (!tag.len || tag.len >= CALL_TAG_MAX || l->tag[0])
		return false;
	memcpy(l->tag, tag.s, tag.len);
	l->tag[tag.len] = '\0';
	l->tag_len = (uint8_t)tag.len;
	return true;
}

/* True if one of the section's a=crypto lines is a suite we can key. */
static bool has_usable_crypto(const struct sdp_media *sm)
{
	const struct sdp_attr *a = NULL;
	struct sdes_line l;
	char e[128];
	bool ok = false;

	while (!ok && (a = sdp_attr_find_id(&sm->sec, SDP_A_CRYPTO, a)))
		ok = a->value.s && !sdes_parse_line(a->value.s, a->value.len, &l, e, sizeof(e));
	explicit_bzero(&l, sizeof(l));
	return ok;
}

/*
 * Everything that can make an offer fail on the SDP or the flags, checked before the call
 * is touched: a refused re-INVITE leaves the call exactly as it was.
 */
static int offer_check(const struct sdp *sdp, const struct ng_req *req, char *err, size_t errlen)
{
	const char *bproto = proto_name(req->proto);

	for (unsigned int i = 0; i < sdp->n_media; i++) {
		const struct sdp_media *sm = &sdp->media[i];
		bool raw = !sdp_proto_is_rtp(sm->proto);
		const char *yp = bproto && !raw ? bproto : NULL;
		struct sdp_str ys = yp ? (struct sdp_str){ yp, strlen(yp) } : sm->proto;

		if (sdp_media_rejected(sdp, sm) || raw)
			continue;
		if (sm->type.len >= sizeof(((struct media_side *)0)->type) ||
		    sm->proto.len >= sizeof(((struct media_side *)0)->proto)) {
			snprintf(err, errlen, "media %u: type or protocol too long", i + 1);
			return -EINVAL;
		}
		if (sdp_proto_is_dtls(sm->proto) && sdp_proto_is_srtp(sm->proto) &&
		    !session_dtls_offered(sdp, sm) && !sm->sec.n_crypto) {
			snprintf(err, errlen, "media %u: %.*s without a=fingerprint or a=crypto: "
				 "no way to key SRTP", i + 1, (int)sm->proto.len, sm->proto.s);
			return -EINVAL;
		}
		if (sdp_proto_is_srtp(sm->proto) && !session_dtls_offered(sdp, sm) &&
		    !has_usable_crypto(sm)) {
			snprintf(err, errlen, "media %u: none of the offered a=crypto suites is "
				 "supported", i + 1);
			return -ENOTSUP;
		}
		if (sdp_proto_is_srtp(ys) && sdp_proto_is_dtls(ys) && req->dtls == NG_DTLS_OFF) {
			snprintf(err, errlen, "media %u: DTLS=off leaves no way to key %.*s",
				 i + 1, (int)ys.len, ys.s);
			return -ENOTSUP;
		}
		if (sdp_proto_is_srtp(ys) && !sdp_proto_is_dtls(ys) && req->sdes_off) {
			snprintf(err, errlen, "media %u: SDES-off leaves no way to key %.*s "
				 "(DTLS-SRTP needs a UDP/TLS profile)", i + 1, (int)ys.len, ys.s);
			return -ENOTSUP;
		}
	}
	return 0;
}

/* The call an offer is for, and its offering leg: found, or made (*fresh). */
static struct leg *offer_leg(struct srtprelayd *d, const struct ng_req *req, bool *fresh,
			     char *err, size_t errlen, int *ret)
{
	struct call *c = call_find(&d->calls, req->call_id.s, req->call_id.len);
	struct leg *a;

	*fresh = false;
	*ret = -EINVAL;
	if (!c) {
		if (d->cfg.max_calls && d->calls.count >= d->cfg.max_calls) {
			snprintf(err, errlen, "Call limit reached (%u calls)", d->cfg.max_calls);
			*ret = -ENOSPC;
			return NULL;
		}
		c = call_create(&d->calls, req->call_id.s, req->call_id.len);
		if (!c) {
			snprintf(err, errlen, "Cannot create call (call-id too long?)");
			return NULL;
		}
		*fresh = true;
	}
	a = call_leg_get(c, req->from_tag.s, req->from_tag.len);
	if (!a) {
		snprintf(err, errlen, "Call already has two other parties (from-tag unknown)");
		if (*fresh)
			session_call_delete(d, c);
		return NULL;
	}
	if (c->n_legs < 2)
		c->n_legs = 2;	/* the other leg exists, its tag comes with the answer */
	tag_set(leg_other(a), req->to_tag);
	c->last_signal = now_mono();
	*ret = 0;
	return a;
}

/* What B is offered for A's media x: profile, rtcp-mux, ICE and DTLS as the flags say. */
static int offer_shape_b(const struct ng_req *req, const struct sdp_media *sm,
			 struct media_side *x, struct media_side *y, char *err, size_t errlen)
{
	/* What B is to speak: what the flags ask for, else what A speaks (offer_check has
	 * refused what we cannot key). */
	const char *bproto = x->raw ? NULL : proto_name(req->proto);
	int ret;

	snprintf(y->proto, sizeof(y->proto), "%s", bproto ? bproto : x->proto);
	snprintf(y->type, sizeof(y->type), "%s", x->type);
	y->raw = x->raw;
	y->secure = !y->raw && proto_srtp(y->proto);
	y->rejected = false;
	/* rtcp-mux: accept A's unless told to reject it (demux still accepts it, as rtpengine
	 * does: WebRTC needs it); offer it to B if A did, unless demux. */
	x->rtcp_mux = x->mux_sdp = !x->raw && sm->sec.rtcp_mux && !req->rtcp_mux_reject;
	y->mux_sdp = !y->raw && ((sm->sec.rtcp_mux && !req->rtcp_mux_demux) ||
				 req->rtcp_mux_offer || req->rtcp_mux_require);
	/* B hears ICE from us as the flag says, or as it (or else A) spoke before. */
	ret = session_ice_toward(y, x->leg->call->answered, req, err, errlen);
	if (ret)
		return ret;
	/* B keys with DTLS when its profile is UDP/TLS/...: we offer our certificate. */
	if (y->secure && sdp_proto_is_dtls((struct sdp_str){ y->proto, strlen(y->proto) }))
		session_dtls_setup(y, false, req->dtls);
	else
		session_dtls_off(y);
	return 0;
}

static int offer_sockets(struct srtprelayd *d, struct media_side *x, struct media_side *y,
			 const struct config_iface *ia, const struct config_iface *ib, char *err,
			 size_t errlen)
{
	int ret = side_sockets(d, x, ia);

	if (!ret)
		ret = side_sockets(d, y, ib);
	if (ret == -EMFILE || ret == -ENFILE)
		snprintf(err, errlen, "Out of file descriptors (open-file limit %lu reached): "
			 "raise LimitNOFILE", fdlimit_max());
	else if (ret)
		snprintf(err, errlen, ret == -EADDRNOTAVAIL ?
			 "Ran out of ports (--port-min..--port-max all in use)" :
			 "Cannot open media sockets: %s", strerror(-ret));
	return ret;
}

/* Keys: A's from its a=crypto (our answer to A picks its line now; with DTLS the handshake
 * gives them after the answer), and B's offer: our fresh keys, one line per allowed suite. */
static int offer_keys(const struct ng_req *req, const struct sdp_media *sm, unsigned int i,
		      struct media_side *x, struct media_side *y, struct strbuf *warn, char *err,
		      size_t errlen)
{
	if (x->secure && x->dtls.on) {
		x->sdes.n_remote = x->sdes.n_ours = 0;
	} else if (x->secure) {
		int k, ret;

		side_crypto(x, sm, warn);
		k = sdes_answer(&x->sdes, 0, 0);
		if (k < 0) {
			snprintf(err, errlen, "media %u: none of the offered a=crypto suites is "
				 "supported", i + 1);
			return -ENOTSUP;
		}
		ret = session_key_side(x, &x->sdes.remote[k].pol, &x->sdes.ours[0].pol, err, errlen);
		if (ret)
			return ret;
	} else {
		unkey(x);
		x->sdes.n_remote = x->sdes.n_ours = 0;
	}
	if (y->secure && y->dtls.on) {
		y->sdes.n_ours = y->sdes.n_remote = 0;
	} else if (y->secure) {
		if (!sdes_build_offer(x->secure && !x->dtls.on ? &x->sdes : NULL, req->sdes_no,
				      req->sdes_only, &y->sdes)) {
			snprintf(err, errlen, "media %u: SDES-no/SDES-only leave no crypto suite to "
				 "offer", i + 1);
			return -ENOTSUP;
		}
	} else {
		unkey(y);
		y->sdes.n_ours = y->sdes.n_remote = 0;
	}
	return 0;
}

/* One m= line of A's offer: what A is (address, ICE, DTLS), what B gets, sockets, keys. */
static int offer_media(struct srtprelayd *d, const struct ng_req *req, const struct sdp *sdp,
		       unsigned int i, struct leg *a, const struct config_iface *ia,
		       const struct config_iface *ib, struct strbuf *warn, char *err,
		       size_t errlen)
{
	const struct sdp_media *sm = &sdp->media[i];
	struct media_side *x = side_get(a, i), *y = side_get(leg_other(a), i);
	int ret;

	if (!x || !y) {
		snprintf(err, errlen, "Out of memory");
		return -ENOMEM;
	}
	x->other = y;
	y->other = x;
	ret = session_sdp_endpoint(x, sdp, sm, req, err, errlen);
	if (!ret && x->passthrough) {
		/* Not ours to relay (TCP, SCTP): B gets the line as A wrote it, no port. */
		snprintf(y->type, sizeof(y->type), "%s", x->type);
		snprintf(y->proto, sizeof(y->proto), "%s", x->proto);
		y->passthrough = true;
		y->rejected = false;
		return 0;
	}
	if (!ret)
		ret = session_ice_seen(x, sdp, sm, err, errlen);
	if (!ret && session_dtls_offered(sdp, sm))
		ret = session_dtls_seen(x, sdp, sm, err, errlen);
	else if (!ret)
		session_dtls_off(x);
	if (ret)
		return ret;
	if (x->rejected) {
		y->rejected = true;
		return 0;
	}
	ret = offer_shape_b(req, sm, x, y, err, errlen);
	if (!ret)
		ret = offer_sockets(d, x, y, ia, ib, err, errlen);
	if (!ret)
		ret = offer_keys(req, sm, i, x, y, warn, err, errlen);
	return ret;
}

int session_offer(struct srtprelayd *d, const struct ng_req *req, struct strbuf *out,
		  struct strbuf *warn, char *err, size_t errlen)
{
	const struct config_iface *ia, *ib;
	const struct sdp *sdp;
	struct leg *a;
	bool fresh;
	int ret, fa, fb;

	if (!req->from_tag.len) {
		snprintf(err, errlen, "No from-tag in message");
		return -EINVAL;
	}
	sdp = session_sdp_parse(req, err, errlen);
	if (!sdp)
		return -EINVAL;
	ret = offer_check(sdp, req, err, errlen);
	if (ret)
		return ret;
	/* Each side in its own SDP's family: A's from its offer, B's as address-family says,
	 * else A's; a direction naming an interface wins. */
	fa = sdp_family(sdp);
	fb = req->addr_family ? req->addr_family : fa;
	ia = pick_iface(&d->cfg, req->direction[0], fa);
	ib = pick_iface(&d->cfg, req->direction[1], fb);
	if (!ia || !ib) {
		snprintf(err, errlen, "No interface of address family %s (--interface)",
			 (ia ? fb : fa) == AF_INET6 ? "IPv6" : "IPv4");
		return -EADDRNOTAVAIL;
	}
	a = offer_leg(d, req, &fresh, err, errlen, &ret);
	if (!a)
		return ret;
	/* A re-offer (one adding media too) stays on the interfaces the call was set up on,
	 * unless it names others. */
	if (a->iface && !req->direction[0].len)
		ia = a->iface;
	if (leg_other(a)->iface && !req->direction[1].len && !req->addr_family)
		ib = leg_other(a)->iface;
	a->iface = ia;
	leg_other(a)->iface = ib;
	for (unsigned int i = 0; i < sdp->n_media && !ret; i++)
		ret = offer_media(d, req, sdp, i, a, ia, ib, warn, err, errlen);
	if (!ret) {
		a->call->offerer = a == &a->call->leg[0] ? 0 : 1;
		ret = session_sdp_write(req, sdp, leg_other(a), false, out, err, errlen);
	}
	if (ret) {
		if (fresh)
			session_call_delete(d, a->call);
		return ret;
	}
	for (unsigned int i = 0; i < a->n_media; i++)
		kernel_update_media(d, a->media[i]);
	log_notice("[%s] offer from %s: %u media", a->call->id, a->tag, sdp->n_media);
	return 0;
}

/* What can make an answer fail, checked before any media side changes. */
static int answer_check(const struct sdp *sdp, struct leg *b, char *err, size_t errlen)
{
	for (unsigned int i = 0; i < sdp->n_media; i++) {
		const struct sdp_media *sm = &sdp->media[i];
		const struct media_side *y = b->media[i];
		const struct sdp_attr *a = NULL;
		struct sdes_line l;
		unsigned int n = 0;
		int found = -1;
		char e[128];

		if (!y || sdp_media_rejected(sdp, sm) || y->passthrough)
			continue;
		if (!y->sock[COMP_RTP]) {
			snprintf(err, errlen, "media %u: answer accepts a stream the offer "
				 "rejected", i + 1);
			return -EINVAL;
		}
		if (!sdp_proto_is_rtp(sm->proto) || !sdp_proto_is_srtp(sm->proto))
			continue;
		if (!y->secure) {
			snprintf(err, errlen, "media %u: answer is SRTP (%.*s) but we offered %s",
				 i + 1, (int)sm->proto.len, sm->proto.s, y->proto);
			return -EINVAL;
		}
		if (y->dtls.on) {
			if (!session_dtls_offered(sdp, sm)) {
				snprintf(err, errlen, "media %u: we offered DTLS-SRTP; the answer "
					 "has no a=fingerprint", i + 1);
				return -EINVAL;
			}
			continue;
		}
		while ((a = sdp_attr_find_id(&sm->sec, SDP_A_CRYPTO, a)))
			if (a->value.s &&
			    !sdes_parse_line(a->value.s, a->value.len, &l, e, sizeof(e))) {
				n++;
				found = sdes_find(y->sdes.ours, y->sdes.n_ours, l.tag,
						  l.pol.suite);
			}
		explicit_bzero(&l, sizeof(l));
		if (n != 1) {
			snprintf(err, errlen, "media %u: an SRTP answer needs exactly one usable "
				 "a=crypto line (has %u)", i + 1, n);
			return -EINVAL;
		}
		if (found < 0) {
			snprintf(err, errlen, "media %u: the answer's a=crypto line is not one "
				 "we offered (tag and suite)", i + 1);
			return -EINVAL;
		}
	}
	return 0;
}

/* B's answer for one media: its endpoint and, for SRTP, the line it chose of ours. */
static int answer_media(struct srtprelayd *d, struct media_side *y, const struct sdp *sdp,
			const struct sdp_media *sm, const struct ng_req *req, struct strbuf *warn,
			char *err, size_t errlen)
{
	struct media_side *x = y->other;
	int ret, k;

	ret = session_sdp_endpoint(y, sdp, sm, req, err, errlen);
	if (ret)
		return ret;
	if (y->rejected) {
		x->rejected = true;
		return 0;
	}
	if (x->passthrough) {
		y->passthrough = true;	/* the answer's line goes back as it came too */
		return 0;
	}
	if (!y->sock[COMP_RTP]) {
		snprintf(err, errlen, "media %u: answer accepts a stream the offer rejected",
			 y->index + 1);
		return -EINVAL;
	}
	x->rejected = false;
	/* What B's answer says of ICE; A hears ICE from us as the flag says, or as its offer
	 * spoke. */
	ret = session_ice_seen(y, sdp, sm, err, errlen);
	if (!ret)
		ret = session_ice_toward(x, true, req, err, errlen);
	if (ret)
		return ret;
	/* Our answer to A's DTLS offer fixes the roles on A's side. */
	if (x->dtls.on)
		session_dtls_setup(x, true, req->dtls);
	y->rtcp_mux = y->mux_sdp && sm->sec.rtcp_mux;
	y->mux_sdp = y->rtcp_mux;
	if (!y->secure || y->raw) {
		unkey(y);
		return 0;
	}
	if (y->dtls.on) {
		/* The answer fixes the roles: the handshake may start. */
		ret = session_dtls_seen(y, sdp, sm, err, errlen);
		if (!ret)
			session_dtls_answered(d, y);
		return ret;
	}
	side_crypto(y, sm, warn);
	if (y->sdes.n_remote != 1) {
		snprintf(err, errlen, "media %u: an SRTP answer needs exactly one usable "
			 "a=crypto line (has %u)", y->index + 1, y->sdes.n_remote);
		return -EINVAL;
	}
	k = sdes_find(y->sdes.ours, y->sdes.n_ours, y->sdes.remote[0].tag,
		      y->sdes.remote[0].pol.suite);
	if (k < 0) {
		snprintf(err, errlen, "media %u: the answer's a=crypto tag %u is not one we "
			 "offered with that suite", y->index + 1, y->sdes.remote[0].tag);
		return -EINVAL;
	}
	/* Keep only the chosen line of ours, with the answerer's session parameters. */
	if (k)
		y->sdes.ours[0] = y->sdes.ours[k];
	explicit_bzero(&y->sdes.ours[1], sizeof(y->sdes.ours[0]) * (SDES_MAX_LINES - 1));
	y->sdes.n_ours = 1;
	y->sdes.ours[0].pol.flags = y->sdes.remote[0].pol.flags;
	y->sdes.ours[0].pol.kdr_log2 = y->sdes.remote[0].pol.kdr_log2;
	return session_key_side(y, &y->sdes.remote[0].pol, &y->sdes.ours[0].pol, err, errlen);
}

int session_answer(struct srtprelayd *d, const struct ng_req *req, struct strbuf *out,
		   struct strbuf *warn, char *err, size_t errlen)
{
	const struct sdp *sdp;
	struct call *c;
	struct leg *a, *b;
	int ret;

	if (!req->from_tag.len || !req->to_tag.len) {
		snprintf(err, errlen, "An answer needs from-tag and to-tag");
		return -EINVAL;
	}
	c = call_find(&d->calls, req->call_id.s, req->call_id.len);
	if (!c) {
		snprintf(err, errlen, "Unknown call-id");
		return -ENOENT;
	}
	a = call_leg(c, req->from_tag.s, req->from_tag.len);
	if (!a) {
		snprintf(err, errlen, "Unknown from-tag");
		return -ENOENT;
	}
	b = leg_other(a);
	if (!b->tag[0])
		tag_set(b, req->to_tag);
	else if (!call_leg(c, req->to_tag.s, req->to_tag.len))
		warnf(warn, "to-tag differs from the one seen before (forked call?): "
		      "answer taken for the existing leg", NULL);
	sdp = session_sdp_parse(req, err, errlen);
	if (!sdp)
		return -EINVAL;
	if (sdp->n_media > b->n_media) {
		snprintf(err, errlen, "Answer has %u media sections, the offer had %u",
			 sdp->n_media, b->n_media);
		return -EINVAL;
	}
	ret = answer_check(sdp, b, err, errlen);
	if (ret)
		return ret;
	c->last_signal = now_mono();
	for (unsigned int i = 0; i < sdp->n_media; i++) {
		ret = answer_media(d, b->media[i], sdp, &sdp->media[i], req, warn, err, errlen);
		if (ret)
			return ret;
	}
	/* Media the offerer bundled share its first one's transport; the answer says so. */
	bundle_assign(a);
	bundle_assign(b);
	ret = session_sdp_write(req, sdp, a, true, out, err, errlen);
	if (ret)
		return ret;
	c->answered = true;
	c->offerer = -1;
	for (unsigned int i = 0; i < a->n_media; i++)
		kernel_update_media(d, a->media[i]);
	log_notice("[%s] answer from %s: %u media", c->id, b->tag, sdp->n_media);
	return 0;
}
