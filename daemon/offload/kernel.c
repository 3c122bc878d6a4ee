// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Kernel offload. With --table >= 0 and srtprelay.ko loaded, the daemon installs its nftables
 * rule for the port range and hands each endpoint's stream to the module once it can:
 *
 *   - both endpoints of the media are confirmed (their first packet, authenticated for SRTP,
 *     came through the userspace relay), so the flows carry exact expected sources and exact
 *     destinations and the kernel never has to learn anything;
 *   - both directions' keys are known (SDES: at answer time) and the kernel can use them
 *     (no key derivation rate);
 *   - the media is RTP (not udptl or the like).
 *
 * One flow per local port that receives from the endpoint: RTP (or RTP+RTCP with rtcp-mux),
 * and RTCP once that endpoint's RTCP source is confirmed too. A flow carries the per-SSRC
 * ROCs of the userspace contexts, so the kernel continues where userspace stopped; a re-key
 * or a new SSRC after a re-INVITE replaces the flow in place and the module keeps its
 * per-SSRC state. What the module hands back (STUN, DTLS, unknown SSRC) reaches the same
 * sockets and the userspace path.
 *
 * Counters: once a second one dump of all flows refreshes every offloaded side's counters and
 * last-packet time (silence detection for --timeout); query and delete read their call's
 * flows directly.
 *
 * Restart rule: flows found at start-up were left by an earlier run that did not shut down
 * cleanly. They keep relaying (calls survive a daemon crash), their ports stay reserved so no
 * new call can take them, and each is deleted once silent for --timeout seconds (60 s when
 * the timeout is 0), releasing its port. A clean shutdown removes our flows and the rule.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "daemon.h"
#include "kernel.h"
#include "kflow.h"
#include "log.h"
#include "nft.h"
#include "packet.h"
#include "policy.h"

#define ORPHAN_DEFAULT_TIMEOUT 60

struct orphan {
	struct sockaddr_storage local;
	struct orphan *next;
};

struct kernel {
	struct kflow_nl nl;
	bool rule;
	struct media_side **by_port;	/* port - port_min -> the side whose flow sits there */
	unsigned int offloaded;		/* sides with flows */
	struct orphan *orphans;
	struct log_limit limit;
};

/* The local address of one of m's sockets. */
static struct sockaddr_storage *sock_addr(const struct media_side *m, unsigned int comp,
					  struct sockaddr_storage *out)
{
	*out = m->local;
	addr_set_port(out, m->sock[comp]->port);
	return out;
}

static struct media_side **slot(struct srtprelayd *d, uint16_t port)
{
	if (port < d->cfg.port_min || port > d->cfg.port_max)
		return NULL;
	return &d->kern->by_port[port - d->cfg.port_min];
}

/* Counters of a dump or get into the side's live kernel counters. */
static void take_stats(struct media_side *m, unsigned int comp, const struct kflow *f)
{
	const uint64_t *c = f->stats.c;
	struct stream_stats *k = &m->kcur[comp];
	double now;

	if (!f->stats.present)
		return;
	k->packets = c[SRTPRELAY_A_STATS_PACKETS];
	k->bytes = c[SRTPRELAY_A_STATS_BYTES];
	k->drops[DROP_AUTH] = c[SRTPRELAY_A_STATS_DROP_AUTH];
	k->drops[DROP_REPLAY] = c[SRTPRELAY_A_STATS_DROP_REPLAY];
	k->drops[DROP_BAD_SOURCE] = c[SRTPRELAY_A_STATS_DROP_SOURCE];
	k->drops[DROP_UNKNOWN_SSRC] = c[SRTPRELAY_A_STATS_DROP_SSRC];
	k->drops[DROP_MALFORMED] = c[SRTPRELAY_A_STATS_DROP_MALFORMED] +
				   c[SRTPRELAY_A_STATS_DROP_PAYLOAD_TYPE];
	k->drops[DROP_SEND] = c[SRTPRELAY_A_STATS_DROP_SEND];
	if (c[SRTPRELAY_A_STATS_LAST_PACKET_AGE_MS] != UINT64_MAX) {
		now = now_mono() - (double)c[SRTPRELAY_A_STATS_LAST_PACKET_AGE_MS] / 1000.0;
		if (now > m->last_packet)
			m->last_packet = now;
	}
}

static void flow_gone(struct srtprelayd *d, struct media_side *m, unsigned int comp)
{
	struct stream_stats *k = &m->kcur[comp], *b = &m->kbase[comp];
	struct media_side **s = m->sock[comp] ? slot(d, m->sock[comp]->port) : NULL;

	stream_stats_add(b, k);
	memset(k, 0, sizeof(*k));
	if (s && *s == m)
		*s = NULL;
}

/* Pushes (or replaces) x's flows; removes them if x can no longer be offloaded. */
static void push_side(struct srtprelayd *d, struct media_side *x)
{
	struct kernel *k = d->kern;
	uint64_t cookie = offload_cookie(x->leg->call);
	bool any = false;

	if (!offload_possible(x)) {
		kernel_remove_side(d, x);
		return;
	}
	for (unsigned int comp = 0; comp < (x->rtcp_mux ? 1u : COMP_COUNT); comp++) {
		struct kflow f;
		int err;

		if (!offload_flow(x, comp, cookie, &f))
			continue;
		err = kflow_set(&k->nl, &f);
		kflow_wipe(&f);
		if (err) {
			log_ratelimited(&k->limit, LOG_WARNING, "[%s] kernel flow for port %u: %s",
					x->leg->call->id, x->sock[comp]->port,
					k->nl.errmsg[0] ? k->nl.errmsg : strerror(-err));
			continue;
		}
		*slot(d, x->sock[comp]->port) = x;
		any = true;
	}
	if (any && !x->kernel) {
		x->kernel = true;
		k->offloaded++;
		log_info("[%s] %s stream %u of %s relayed by the kernel", x->leg->call->id, x->type,
			 x->index + 1, x->leg->tag[0] ? x->leg->tag : "(callee)");
	}
}

void kernel_update_media(struct srtprelayd *d, struct media_side *m)
{
	if (!d->kern || !m)
		return;
	push_side(d, m);
	if (m->other)
		push_side(d, m->other);
}

void kernel_remove_side(struct srtprelayd *d, struct media_side *m)
{
	struct kernel *k = d->kern;

	if (!k || !m || !m->kernel)
		return;
	for (unsigned int comp = 0; comp < COMP_COUNT; comp++) {
		struct sockaddr_storage local;
		struct kflow f;

		if (!m->sock[comp])
			continue;
		if (!kflow_get(&k->nl, sock_addr(m, comp, &local), &f)) {
			take_stats(m, comp, &f);
			/* userspace goes on where the kernel was: ROCs, replay windows, SRTCP */
			offload_take_state(&m->in, m->in_on, &f.decrypt, false);
			if (m->other)
				offload_take_state(&m->other->out, m->other->out_on, &f.encrypt,
					   true);
		}
		kflow_del(&k->nl, &local);
		flow_gone(d, m, comp);
	}
	m->kernel = false;
	k->offloaded--;
}

void kernel_sync_call(struct srtprelayd *d, struct call *c)
{
	struct kernel *k = d->kern;

	if (!k)
		return;
	for (unsigned int l = 0; l < c->n_legs; l++)
		for (unsigned int i = 0; i < c->leg[l].n_media; i++) {
			struct media_side *m = c->leg[l].media[i];

			for (unsigned int comp = 0; m && m->kernel && comp < COMP_COUNT; comp++) {
				struct sockaddr_storage local;
				struct kflow f;

				if (m->sock[comp] &&
				    !kflow_get(&k->nl, sock_addr(m, comp, &local), &f))
					take_stats(m, comp, &f);
			}
		}
}

struct dump_ctx {
	struct srtprelayd *d;
	struct sockaddr_storage silent[256];
	unsigned int n_silent;
};

static int dump_one(const struct kflow *f, void *arg)
{
	struct dump_ctx *ctx = arg;
	uint16_t port = addr_port(&f->local);
	struct media_side **s = slot(ctx->d, port);
	unsigned int timeout = ctx->d->cfg.timeout ? ctx->d->cfg.timeout : ORPHAN_DEFAULT_TIMEOUT;

	if (s && *s) {
		struct media_side *m = *s;
		unsigned int comp = m->sock[COMP_RTCP] && m->sock[COMP_RTCP]->port == port ?
				    COMP_RTCP : COMP_RTP;

		take_stats(m, comp, f);
		return 0;
	}
	/* Not one of ours: an orphan of an earlier run (or a stale flow). */
	for (struct orphan *o = ctx->d->kern->orphans; o; o = o->next)
		if (addr_equal(&o->local, &f->local)) {
			uint64_t age = f->stats.c[SRTPRELAY_A_STATS_LAST_PACKET_AGE_MS];

			if (f->stats.present && age / 1000 >= timeout &&
			    ctx->n_silent < sizeof(ctx->silent) / sizeof(ctx->silent[0]))
				ctx->silent[ctx->n_silent++] = f->local;
			return 0;
		}
	return 0;
}

static void orphan_remove(struct srtprelayd *d, const struct sockaddr_storage *local)
{
	struct kernel *k = d->kern;
	char a[64];

	for (struct orphan **pp = &k->orphans; *pp; pp = &(*pp)->next) {
		struct orphan *o = *pp;

		if (!addr_equal(&o->local, local))
			continue;
		kflow_del(&k->nl, local);
		ports_release(&d->ports, addr_port(local));
		log_notice("kernel flow %s from an earlier run went silent: removed",
			   addr_str(local, a, sizeof(a)));
		*pp = o->next;
		free(o);
		return;
	}
}

void kernel_tick(struct srtprelayd *d)
{
	struct kernel *k = d->kern;
	struct dump_ctx *ctx;

	if (!k || (!k->offloaded && !k->orphans))
		return;
	ctx = calloc(1, sizeof(*ctx));
	if (!ctx)
		return;
	ctx->d = d;
	if (kflow_dump(&k->nl, dump_one, ctx) && k->nl.errmsg[0])
		log_ratelimited(&k->limit, LOG_WARNING, "kernel flow dump: %s", k->nl.errmsg);
	for (unsigned int i = 0; i < ctx->n_silent; i++)
		orphan_remove(d, &ctx->silent[i]);
	free(ctx);
}

static int adopt_one(const struct kflow *f, void *arg)
{
	struct srtprelayd *d = arg;
	struct orphan *o;

	if (!ports_reserve(&d->ports, addr_port(&f->local)))
		return 0;	/* outside our range now: leave it to its owner */
	o = calloc(1, sizeof(*o));
	if (!o)
		return -ENOMEM;
	o->local = f->local;
	o->next = d->kern->orphans;
	d->kern->orphans = o;
	return 0;
}

void kernel_start(struct srtprelayd *d)
{
	struct kernel *k;
	char err[SRTPRELAY_NFT_ERR_MAX];
	unsigned int n = 0;
	int ret;

	d->kern = NULL;
	if (d->cfg.table < 0) {
		log_notice("kernel offload off (--table=-1): relaying in userspace");
		return;
	}
	k = calloc(1, sizeof(*k));
	if (!k)
		return;
	k->by_port = calloc(d->cfg.port_max - d->cfg.port_min + 1, sizeof(*k->by_port));
	ret = k->by_port ? kflow_nl_open(&k->nl) : -ENOMEM;	/* closes itself on failure */
	if (ret) {
		if (ret == -ENOENT)
			log_warn("kernel module srtprelay is not loaded (run: modprobe srtprelay); "
				 "relaying in userspace");
		else
			log_warn("kernel module srtprelay unusable (%s); relaying in userspace",
				 k->nl.errmsg[0] ? k->nl.errmsg : strerror(-ret));
		free(k->by_port);
		free(k);
		return;
	}
	ret = srtprelay_nft_install((uint16_t)d->cfg.port_min, (uint16_t)d->cfg.port_max, err,
				    sizeof(err));
	if (ret) {
		log_warn("cannot install the nftables rule (%s); relaying in userspace", err);
		kflow_nl_close(&k->nl);
		free(k->by_port);
		free(k);
		return;
	}
	k->rule = true;
	d->kern = k;
	kflow_dump(&k->nl, adopt_one, d);
	for (struct orphan *o = k->orphans; o; o = o->next)
		n++;
	log_notice("kernel offload on: srtprelay.ko relays established streams of ports %u-%u",
		   d->cfg.port_min, d->cfg.port_max);
	if (n)
		log_notice("kept %u kernel flows of an earlier run; each goes once silent for %u s",
			   n, d->cfg.timeout ? d->cfg.timeout : ORPHAN_DEFAULT_TIMEOUT);
}

void kernel_stop(struct srtprelayd *d)
{
	struct kernel *k = d->kern;
	char err[SRTPRELAY_NFT_ERR_MAX];

	if (!k)
		return;
	/* Calls are gone by now; what is left (orphans) goes with us on a clean stop. */
	kflow_flush(&k->nl, NULL);
	while (k->orphans) {
		struct orphan *o = k->orphans;

		k->orphans = o->next;
		ports_release(&d->ports, addr_port(&o->local));
		free(o);
	}
	if (k->rule && srtprelay_nft_remove(err, sizeof(err)))
		log_warn("cannot remove the nftables rule: %s", err);
	kflow_nl_close(&k->nl);
	free(k->by_port);
	free(k);
	d->kern = NULL;
}
