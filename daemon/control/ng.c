// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The ng commands. Replies follow rtpengine's shapes where Kamailio or an operator's
 * tooling reads them: "result" ("ok", "pong", "error"), "error-reason", "warning", "sdp";
 * query/delete give "created", "last signal", "tags" (per leg: medias, streams, counters)
 * and "totals" ("RTP"/"RTCP": packets, bytes, errors). Our own additions are named
 * plainly: per-stream "mode" (userspace or kernel) and "drops" by reason.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bencode.h"
#include "daemon.h"
#include "fdlimit.h"
#include "log.h"
#include "ng.h"
#include "ng_req.h"
#include "options.h"
#include "packet.h"
#include "session.h"

#define NG_MAX_NODES 4096	/* bencode values in one request */

static const char *const comp_name[COMP_COUNT] = { "RTP", "RTCP" };

static void reply_error(struct strbuf *reply, const char *reason)
{
	be_dict(reply);
	be_kstr(reply, "result", "error");
	be_kstr(reply, "error-reason", reason);
	be_end(reply);
}

static void put_endpoint(struct strbuf *sb, const char *key, const struct sockaddr_storage *ss)
{
	char a[INET6_ADDRSTRLEN] = "";
	const void *addr;

	if (ss->ss_family != AF_INET && ss->ss_family != AF_INET6)
		return;
	addr = ss->ss_family == AF_INET6 ? (const void *)&((const struct sockaddr_in6 *)ss)->sin6_addr :
					    (const void *)&((const struct sockaddr_in *)ss)->sin_addr;
	inet_ntop(ss->ss_family, addr, a, sizeof(a));
	be_str(sb, key);
	be_dict(sb);
	be_kstr(sb, "family", ss->ss_family == AF_INET6 ? "IPv6" : "IPv4");
	be_kstr(sb, "address", a);
	be_kint(sb, "port", addr_port(ss));
	be_end(sb);
}

static void put_stats(struct strbuf *sb, const struct stream_stats *st)
{
	uint64_t errors = 0;

	for (int r = 0; r < DROP_COUNT; r++)
		errors += st->drops[r];
	be_kint(sb, "packets", (long long)st->packets);
	be_kint(sb, "bytes", (long long)st->bytes);
	be_kint(sb, "errors", (long long)errors);
	be_str(sb, "drops");
	be_dict(sb);
	for (int r = 0; r < DROP_COUNT; r++)
		be_kint(sb, drop_name((unsigned int)r), (long long)st->drops[r]);
	be_end(sb);
}

static void put_stream(struct strbuf *sb, const struct media_side *m, unsigned int comp)
{
	struct stream_stats st;
	const struct media_side *t = side_transport(m);	/* a bundle's media: its port */
	const struct peer *p = &t->peer[t->rtcp_mux ? COMP_RTP : comp];
	const struct msock *s = t->sock[t->rtcp_mux ? COMP_RTP : comp];

	be_dict(sb);
	be_kstr(sb, "component", comp == COMP_RTP ? "1" : "2");
	if (s)
		be_kint(sb, "local port", s->port);
	put_endpoint(sb, "endpoint", p->confirmed ? &p->learned : &p->sdp);
	put_endpoint(sb, "advertised endpoint", &p->sdp);
	be_kstr(sb, "mode", m->kernel ? "kernel" : "userspace");
	be_kint(sb, "confirmed", p->confirmed);
	if (comp == COMP_RTP && m->last_ssrc)
		be_kint(sb, "SSRC", m->last_ssrc);
	be_kint(sb, "last packet", m->last_packet > 0 ? (long long)m->last_packet : 0);
	be_str(sb, "stats");
	be_dict(sb);
	media_stats(m, comp, &st);
	put_stats(sb, &st);
	if (m->kernel || m->kbase[comp].packets) {
		be_str(sb, "kernel");
		be_dict(sb);
		be_kint(sb, "packets", (long long)(m->kbase[comp].packets + m->kcur[comp].packets));
		be_kint(sb, "bytes", (long long)(m->kbase[comp].bytes + m->kcur[comp].bytes));
		be_end(sb);
	}
	be_end(sb);
	be_end(sb);
}

static void put_media(struct strbuf *sb, const struct media_side *m)
{
	be_dict(sb);
	be_kint(sb, "index", m->index + 1);
	be_kstr(sb, "type", m->type);
	be_kstr(sb, "protocol", m->proto);
	be_kstr(sb, "direction", m->direction);
	if (m->in_on)
		be_kstr(sb, "crypto suite in", srtp_suite_get(m->in_pol.suite)->name);
	if (m->out_on)
		be_kstr(sb, "crypto suite out", srtp_suite_get(m->out_pol.suite)->name);
	be_str(sb, "flags");
	be_list(sb);
	if (m->rtcp_mux)
		be_str(sb, "RTCP-mux");
	if (m->rejected)
		be_str(sb, "rejected");
	if (m->strict_source)
		be_str(sb, "strict source");
	if (m->bundle || m->n_bundled)
		be_str(sb, "BUNDLE");
	if (side_transport(m)->consent_lost)
		be_str(sb, "ICE consent expired");
	be_end(sb);
	be_str(sb, "streams");
	be_list(sb);
	put_stream(sb, m, COMP_RTP);
	if (!m->rtcp_mux && !m->raw)
		put_stream(sb, m, COMP_RTCP);
	be_end(sb);
	be_end(sb);
}

static void put_totals(struct strbuf *sb, const struct stream_stats tot[COMP_COUNT])
{
	be_str(sb, "totals");
	be_dict(sb);
	for (int k = 0; k < COMP_COUNT; k++) {
		be_str(sb, comp_name[k]);
		be_dict(sb);
		put_stats(sb, &tot[k]);
		be_end(sb);
	}
	be_end(sb);
}

void ng_call_details(struct srtprelayd *d, const struct call *c, struct strbuf *sb)
{
	struct stream_stats tot[COMP_COUNT];
	double now = now_mono();

	(void)d;
	be_kint(sb, "created", (long long)c->created_wall);
	be_kint(sb, "created_us", (long long)((c->created_wall - (long long)c->created_wall) * 1e6));
	be_kint(sb, "last signal", (long long)(c->created_wall + (c->last_signal - c->created)));
	be_kint(sb, "age", (long long)(now - c->created));
	be_str(sb, "tags");
	be_dict(sb);
	for (unsigned int l = 0; l < c->n_legs; l++) {
		const struct leg *leg = &c->leg[l];
		const struct leg *other = &c->leg[!l];

		be_str(sb, leg->tag);
		be_dict(sb);
		be_kstr(sb, "tag", leg->tag);
		be_kstr(sb, "in dialogue with", other->tag);
		be_str(sb, "medias");
		be_list(sb);
		for (unsigned int i = 0; i < leg->n_media; i++)
			if (leg->media[i])
				put_media(sb, leg->media[i]);
		be_end(sb);
		be_end(sb);
	}
	be_end(sb);
	call_totals(c, tot);
	put_totals(sb, tot);
}

static struct call *find_call(struct srtprelayd *d, const struct ng_req *req, char *err,
			      size_t errlen)
{
	struct call *c = call_find(&d->calls, req->call_id.s, req->call_id.len);

	if (!c) {
		snprintf(err, errlen, "Unknown call-id");
		return NULL;
	}
	/* A tag, when given, must be one of the call's: from-tag is the callee's tag when the
	 * callee hangs up, so either leg's tag finds the call. */
	if (req->from_tag.len && !call_leg(c, req->from_tag.s, req->from_tag.len) &&
	    !(req->to_tag.len && call_leg(c, req->to_tag.s, req->to_tag.len))) {
		snprintf(err, errlen, "Unknown tag");
		return NULL;
	}
	return c;
}

static int cmd_offer_answer(struct srtprelayd *d, const struct ng_req *req, struct strbuf *reply,
			    char *err, size_t errlen)
{
	struct strbuf sdp = STRBUF_INIT, warn = STRBUF_INIT;
	int ret;

	if (req->warning[0])
		sb_adds(&warn, req->warning);
	ret = req->cmd == NG_CMD_OFFER ? session_offer(d, req, &sdp, &warn, err, errlen) :
					 session_answer(d, req, &sdp, &warn, err, errlen);
	if (!ret && (sdp.oom || warn.oom)) {
		snprintf(err, errlen, "Out of memory");
		ret = -ENOMEM;
	}
	if (!ret) {
		be_dict(reply);
		be_kstr(reply, "result", "ok");
		be_str(reply, "sdp");
		be_strn(reply, sdp.p ? sdp.p : "", sdp.len);
		if (warn.len)
			be_kstr(reply, "warning", warn.p);
		be_end(reply);
	}
	if (sdp.p)
		explicit_bzero(sdp.p, sdp.cap);	/* it carries our SDES keys */
	sb_free(&sdp);
	sb_free(&warn);
	return ret;
}

static int cmd_delete(struct srtprelayd *d, const struct ng_req *req, struct strbuf *reply,
		      char *err, size_t errlen)
{
	struct call *c = find_call(d, req, err, errlen);

	if (!c)
		return -ENOENT;
	session_call_stop(d, c);
	be_dict(reply);
	be_kstr(reply, "result", "ok");
	if (req->warning[0])
		be_kstr(reply, "warning", req->warning);
	ng_call_details(d, c, reply);
	be_end(reply);
	log_notice("[%s] deleted", c->id);
	session_call_delete(d, c);
	return 0;
}

static int cmd_query(struct srtprelayd *d, const struct ng_req *req, struct strbuf *reply,
		     char *err, size_t errlen)
{
	struct call *c = find_call(d, req, err, errlen);

	if (!c)
		return -ENOENT;
	session_call_sync(d, c);
	be_dict(reply);
	be_kstr(reply, "result", "ok");
	ng_call_details(d, c, reply);
	be_end(reply);
	return 0;
}

/* list: call-ids, 32 unless "limit" says otherwise, never more than NG_LIST_MAX (a reply
 * must fit a datagram, and every reply is cached for retransmits). */
#define NG_LIST_DEFAULT 32
#define NG_LIST_MAX 500

static int cmd_list(struct srtprelayd *d, const struct ng_req *req, struct strbuf *reply,
		    char *err, size_t errlen)
{
	long long limit = req->limit > 0 ? req->limit : NG_LIST_DEFAULT;

	if (limit > NG_LIST_MAX)
		limit = NG_LIST_MAX;

	be_dict(reply);
	be_kstr(reply, "result", "ok");
	be_str(reply, "calls");
	be_list(reply);
	for (const struct call *c = d->calls.head; c && limit > 0; c = c->next, limit--)
		be_str(reply, c->id);
	be_end(reply);
	be_end(reply);
	(void)err, (void)errlen;
	return 0;
}

static int cmd_statistics(struct srtprelayd *d, const struct ng_req *req, struct strbuf *reply,
			  char *err, size_t errlen)
{
	struct daemon_totals t;

	/* Counters of offloaded streams are at most a second old (kernel_tick). */
	daemon_totals(d, &t);
	be_dict(reply);
	be_kstr(reply, "result", "ok");
	be_str(reply, "statistics");
	be_dict(reply);
	be_str(reply, "currentstatistics");
	be_dict(reply);
	be_kint(reply, "sessionsown", d->calls.count);
	be_kint(reply, "sessionstotal", (long long)d->calls.created_total);
	be_kint(reply, "sessionsdeleted", (long long)d->calls.deleted_total);
	be_kint(reply, "sessionstimedout", (long long)d->calls.timeout_total);
	be_kint(reply, "streams", t.streams);
	be_kint(reply, "streamskernel", t.kernel_streams);
	be_kint(reply, "streamsuserspace", t.streams - t.kernel_streams);
	be_kint(reply, "portsused", d->ports.used);
	be_kint(reply, "portstotal", ports_total(&d->ports));
	be_kint(reply, "fdlimit", (long long)fdlimit_max());
	be_kint(reply, "fdsinuse", (long long)fdlimit_in_use());
	be_kstr(reply, "mode", d->kern ? "kernel" : "userspace");
	be_kint(reply, "uptime", (long long)(now_mono() - d->started));
	be_end(reply);
	be_str(reply, "totalstatistics");
	be_dict(reply);
	be_kint(reply, "packets", (long long)t.all.packets);
	be_kint(reply, "bytes", (long long)t.all.bytes);
	be_str(reply, "drops");
	be_dict(reply);
	for (int r = 0; r < DROP_COUNT; r++)
		be_kint(reply, drop_name((unsigned int)r), (long long)t.all.drops[r]);
	be_end(reply);
	be_kint(reply, "relay_rx", (long long)d->relay.stats.rx);
	be_kint(reply, "relay_tx", (long long)d->relay.stats.tx);
	be_kint(reply, "relay_tx_errors", (long long)d->relay.stats.tx_errors);
	be_kint(reply, "relay_no_buffers", (long long)d->relay.stats.no_buffers);
	be_end(reply);
	be_str(reply, "controlstatistics");
	be_dict(reply);
	for (unsigned int k = 1; k <= NG_CMD_COUNT; k++) {
		unsigned int i = k % NG_CMD_COUNT;	/* the commands, then "unknown" */

		be_str(reply, ng_cmd_name(i));
		be_dict(reply);
		be_kint(reply, "ok", (long long)d->ng_requests[i][0]);
		be_kint(reply, "error", (long long)d->ng_requests[i][1]);
		be_end(reply);
	}
	be_kint(reply, "retransmits", (long long)d->ng_retransmits);
	be_end(reply);
	be_end(reply);
	be_end(reply);
	(void)req, (void)err, (void)errlen;
	return 0;
}

static int cmd_ping(struct srtprelayd *d, const struct ng_req *req, struct strbuf *reply,
		    char *err, size_t errlen)
{
	(void)d, (void)req, (void)err, (void)errlen;
	be_dict(reply);
	be_kstr(reply, "result", "pong");
	be_end(reply);
	return 0;
}

static int cmd_unknown(struct srtprelayd *d, const struct ng_req *req, struct strbuf *reply,
		       char *err, size_t errlen)
{
	(void)d, (void)reply;
	snprintf(err, errlen, "Unrecognized command '%.*s'",
		 (int)(req->cmd_name.len > 64 ? 64 : req->cmd_name.len), req->cmd_name.s);
	return -EINVAL;
}

/* The handler of each command of NG_COMMANDS (ng_req.h); 0 or -errno with err filled. */
static int (*const handlers[NG_CMD_COUNT])(struct srtprelayd *d, const struct ng_req *req,
					   struct strbuf *reply, char *err, size_t errlen) = {
	[NG_CMD_UNKNOWN] = cmd_unknown,
	[NG_CMD_PING] = cmd_ping,
	[NG_CMD_OFFER] = cmd_offer_answer,
	[NG_CMD_ANSWER] = cmd_offer_answer,
	[NG_CMD_DELETE] = cmd_delete,
	[NG_CMD_QUERY] = cmd_query,
	[NG_CMD_LIST] = cmd_list,
	[NG_CMD_STATISTICS] = cmd_statistics,
};

void ng_handle(struct srtprelayd *d, const char *body, size_t len, struct strbuf *reply)
{
	static struct bval nodes[NG_MAX_NODES];
	struct bdoc doc = { nodes, 0, NG_MAX_NODES };
	struct ng_req req;
	struct bval *root;
	char err[256] = "";
	int ret = -EINVAL;
	size_t start = reply->len;

	root = bencode_parse(&doc, body, len, err, sizeof(err));
	if (!root) {
		char why[300];

		snprintf(why, sizeof(why), "Failed to decode bencode: %s", err);
		d->ng_requests[NG_CMD_UNKNOWN][1]++;
		reply_error(reply, why);
		return;
	}
	ret = ng_req_parse(root, &req, err, sizeof(err));
	if (!ret)
		ret = handlers[req.cmd](d, &req, reply, err, sizeof(err));
	d->ng_requests[req.cmd][ret ? 1 : 0]++;
	if (ret) {
		reply->len = start;	/* drop anything half-written */
		if (reply->p)
			reply->p[start] = '\0';
		if (req.cmd == NG_CMD_OFFER || req.cmd == NG_CMD_ANSWER)
			log_warn("[%.*s] %s failed: %s", (int)(req.call_id.len > 128 ? 128 :
					req.call_id.len), req.call_id.s ? req.call_id.s : "",
				 req.cmd == NG_CMD_OFFER ? "offer" : "answer", err);
		reply_error(reply, err);
	}
	/*
	 * Sockets this request closed (a delete, a failed offer, a stream removed) give their
	 * ports back before the reply goes out: a client that deletes a call and then asks for
	 * statistics, or offers again at once, sees them free.
	 */
	if (d->relay.closing)
		relay_flush_closing(&d->relay);
}
