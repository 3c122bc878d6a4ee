// SPDX-License-Identifier: GPL-2.0 OR MIT
/* The per-namespace flow table: creation, replacement, deletion, lookup, counters. */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/workqueue.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>
#include <crypto/aead.h>
#include <crypto/hash.h>
#include <crypto/skcipher.h>

#include "crypto.h"
#include "flow.h"

/* Frees retired flows, in process context; module exit waits for it. */
static struct workqueue_struct *srtprelay_wq;
static unsigned int srtprelay_net_id __read_mostly;

struct srtprelay_net *srtprelay_pernet(struct net *net)
{
	return net_generic(net, srtprelay_net_id);
}

static const struct rhashtable_params flow_params = {
	.key_len = sizeof(struct flow_addr),
	.key_offset = offsetof(struct srtprelay_flow, key),
	.head_offset = offsetof(struct srtprelay_flow, node),
	.automatic_shrinking = true,
};

static struct relay_stats __percpu *stats_alloc(void)
{
	struct relay_stats __percpu *s = alloc_percpu_gfp(struct relay_stats, GFP_KERNEL);
	int cpu;

	if (s)
		for_each_possible_cpu(cpu)
			u64_stats_init(&per_cpu_ptr(s, cpu)->syncp);
	return s;
}

/* Adds n to counter what (enum srtprelay_stats_attr) on this CPU; any context. */
void flow_count(struct relay_stats __percpu *pc, unsigned int what, u64 n)
{
	struct relay_stats *s = get_cpu_ptr(pc);

	u64_stats_update_begin(&s->syncp);
	s->c[what] += n;
	u64_stats_update_end(&s->syncp);
	put_cpu_ptr(pc);
}

/* Sums the per-CPU counters into out (which it zeroes first). */
void flow_stats_sum(struct relay_stats __percpu *pc, u64 out[__SRTPRELAY_A_STATS_MAX])
{
	int cpu;

	memset(out, 0, sizeof(u64) * __SRTPRELAY_A_STATS_MAX);
	for_each_possible_cpu(cpu) {
		const struct relay_stats *s = per_cpu_ptr(pc, cpu);
		u64 v[__SRTPRELAY_A_STATS_MAX];
		unsigned int start;

		do {
			start = u64_stats_fetch_begin(&s->syncp);
			memcpy(v, s->c, sizeof(v));
		} while (u64_stats_fetch_retry(&s->syncp, start));
		for (int i = 0; i < __SRTPRELAY_A_STATS_MAX; i++)
			out[i] += v[i];
	}
}

static void crypto_driver_name(struct flow_crypto *fc)
{
	const struct srtp_keys *k = &fc->ctx.rtp;
	const char *c = "", *a = "";

	if (fc->ctx.suite->cipher == SRTP_CIPHER_AES_GCM)
		c = crypto_tfm_alg_driver_name(crypto_aead_tfm(k->cipher));
	else if (k->cipher)
		c = crypto_tfm_alg_driver_name(crypto_skcipher_tfm(k->cipher));
	if (k->auth)
		a = crypto_tfm_alg_driver_name(crypto_shash_tfm(k->auth));
	snprintf(fc->driver, sizeof(fc->driver), "%s%s%s", c, *c && *a ? " " : "", a);
}

static void flow_crypto_free(struct flow_crypto *fc)
{
	if (!fc)
		return;
	srtp_ctx_free(&fc->ctx);
	kfree_sensitive(fc);
}

/*
 * One SSRC's state from netlink, which only moves the stream forward: a flow replaced while
 * the kernel relayed it knows more than the daemon, whose relay stopped seeing its packets.
 * With a SEQ (or an SRTCP index) the stream takes that highest index and every index below
 * it as received; a ROC alone presets a stream without packets.
 */
static int flow_ssrc_state(struct srtp_ctx *ctx, const struct flow_ssrc_cfg *s)
{
	struct srtp_stream_state st = {
		.rtp_index = (u64)s->roc << 16 | s->seq,
		.rtcp_index = s->rtcp_index,
		.has_rtp = s->has_seq,
		.has_rtcp = s->has_rtcp_index,
	};
	int i;

	if (s->has_seq || s->has_rtcp_index) {
		i = srtp_stream_advance(ctx, s->id, &st);
		if (i < 0 || s->has_seq)
			return i;
	}
	i = srtp_stream_find(ctx, s->id);
	if (i >= 0 && (ctx->streams[i].flags & SRTP_STREAM_RTP_SEEN) &&
	    (u32)(ctx->streams[i].rtp.top >> 16) >= s->roc)
		return i;	/* it has seen packets of that ROC, or later ones */
	return srtp_stream_set_roc(ctx, s->id, s->roc);
}

/*
 * One direction's context: per-SSRC state from the flow it replaces (unless reset), then the
 * state netlink gave, then session keys derived from the master key.
 */
static struct flow_crypto *flow_crypto_new(const struct flow_cfg *cfg, int dir,
					   const struct srtprelay_flow *old, bool reset_state,
					   struct netlink_ext_ack *extack)
{
	struct flow_crypto *fc = kzalloc(sizeof(*fc), GFP_KERNEL);
	int ret;

	if (!fc)
		return ERR_PTR(-ENOMEM);
	if (old && old->crypto[dir] && !reset_state)
		flow_snapshot_streams((struct srtprelay_flow *)old, dir, fc->streams);
	ret = srtp_ctx_init(&fc->ctx, &srtprelay_crypto_ops, &cfg->pol[dir], fc->streams,
			    SRTPRELAY_MAX_SSRCS);
	if (unlikely(ret)) {
		kfree_sensitive(fc);
		if (ret == -SRTP_ERR_INVAL) {
			NL_SET_ERR_MSG_MOD(extack, "the suite does not allow these crypto flags");
			return ERR_PTR(-EINVAL);
		}
		NL_SET_ERR_MSG_MOD(extack, "crypto transform unavailable");
		return ERR_PTR(-ENOENT);
	}
	for (u32 i = 0; i < cfg->nssrc[dir]; i++) {
		if (unlikely(flow_ssrc_state(&fc->ctx, &cfg->ssrc[dir][i]) < 0)) {
			flow_crypto_free(fc);
			NL_SET_ERR_MSG_MOD(extack, "no room for another SSRC's state");
			return ERR_PTR(-ENOSPC);
		}
	}
	crypto_driver_name(fc);
	return fc;
}

static void flow_free(struct srtprelay_flow *flow)
{
	flow_crypto_free(flow->crypto[0]);
	flow_crypto_free(flow->crypto[1]);
	if (flow->stats_refs && refcount_dec_and_test(flow->stats_refs)) {
		free_percpu(flow->stats);
		kfree(flow->stats_refs);
	}
	kfree(flow);
}

static void flow_free_work(struct work_struct *w)
{
	flow_free(container_of(w, struct srtprelay_flow, free_work));
}

/* Drops a reference; the last one frees the flow, from process context. */
void flow_put(struct srtprelay_flow *flow)
{
	if (refcount_dec_and_test(&flow->refs)) {
		INIT_WORK(&flow->free_work, flow_free_work);
		queue_work(srtprelay_wq, &flow->free_work);
	}
}

static void flow_rcu_put(struct rcu_head *rcu)
{
	flow_put(container_of(rcu, struct srtprelay_flow, rcu));
}

/* Drops the table's reference once no packet can still find the flow. */
static void flow_retire(struct srtprelay_flow *flow)
{
	call_rcu(&flow->rcu, flow_rcu_put);
}

static unsigned int crypto_reqsize(const struct flow_crypto *fc)
{
	const struct srtp_keys *k[2] = { &fc->ctx.rtp, &fc->ctx.rtcp };
	unsigned int n = 0;

	for (int i = 0; i < 2; i++) {
		if (!k[i]->cipher)
			continue;
		if (fc->ctx.suite->cipher == SRTP_CIPHER_AES_GCM)
			n = max(n, (unsigned int)(sizeof(struct aead_request) +
						  crypto_aead_reqsize(k[i]->cipher)));
		else
			n = max(n, (unsigned int)(sizeof(struct skcipher_request) +
						  crypto_skcipher_reqsize(k[i]->cipher)));
	}
	return n;
}

static struct srtprelay_flow *flow_create(const struct flow_cfg *cfg,
					  const struct srtprelay_flow *old, bool reset_state,
					  struct netlink_ext_ack *extack)
{
	struct srtprelay_flow *flow = kzalloc(sizeof(*flow), GFP_KERNEL);
	int ret = -ENOMEM;

	if (!flow)
		return ERR_PTR(-ENOMEM);
	flow->cfg = *cfg;
	memzero_explicit(flow->cfg.pol, sizeof(flow->cfg.pol));
	flow->key = cfg->local;
	spin_lock_init(&flow->lock);
	refcount_set(&flow->refs, 1);
	if (old) {
		/* Packets already on their way through old count where this flow counts. */
		flow->stats = old->stats;
		flow->stats_refs = old->stats_refs;
		refcount_inc(flow->stats_refs);
	} else {
		flow->stats_refs = kmalloc(sizeof(*flow->stats_refs), GFP_KERNEL);
		flow->stats = flow->stats_refs ? stats_alloc() : NULL;
		if (!flow->stats) {
			kfree(flow->stats_refs);
			flow->stats_refs = NULL;
			goto fail;
		}
		refcount_set(flow->stats_refs, 1);
	}
	for (int d = 0; d < 2; d++) {
		if (!cfg->has_pol[d])
			continue;
		flow->crypto[d] = flow_crypto_new(cfg, d, old, reset_state, extack);
		if (IS_ERR(flow->crypto[d])) {
			ret = PTR_ERR(flow->crypto[d]);
			flow->crypto[d] = NULL;
			goto fail;
		}
		flow->reqsize = max(flow->reqsize, crypto_reqsize(flow->crypto[d]));
	}
	if (cfg->has_pol[1])
		flow->tailroom = SRTP_TRAILER_LEN(cfg->pol[1].mki_len);
	if (old && !reset_state) {
		flow->has_learned = old->has_learned;
		flow->learned = old->learned;
		flow->last_packet = READ_ONCE(old->last_packet);
	}
	return flow;
fail:
	flow_free(flow);
	return ERR_PTR(ret);
}

/* Copies the per-SSRC state of one direction, consistent with the packet path. */
void flow_snapshot_streams(struct srtprelay_flow *flow, int dir,
			   struct srtp_stream out[SRTPRELAY_MAX_SSRCS])
{
	spin_lock_bh(&flow->lock);
	memcpy(out, flow->crypto[dir]->streams, sizeof(flow->crypto[dir]->streams));
	spin_unlock_bh(&flow->lock);
}

/*
 * Adds the flow cfg describes, or replaces the one at the same local address in one step: the
 * new flow inherits the counters and (unless SRTPRELAY_SET_F_RESET_STATE) the per-SSRC state.
 */
int flow_set(struct srtprelay_net *sn, const struct flow_cfg *cfg, u32 set_flags,
	     struct netlink_ext_ack *extack)
{
	struct srtprelay_flow *old, *flow;
	int ret = 0;

	mutex_lock(&sn->lock);
	old = rhashtable_lookup_fast(&sn->flows, &cfg->local, flow_params);
	if (old && (set_flags & SRTPRELAY_SET_F_CREATE)) {
		NL_SET_ERR_MSG_MOD(extack, "a flow exists at this local address");
		ret = -EEXIST;
	} else if (!old && (set_flags & SRTPRELAY_SET_F_UPDATE)) {
		NL_SET_ERR_MSG_MOD(extack, "no flow at this local address to update");
		ret = -ENOENT;
	} else if (!old && sn->count >= SRTPRELAY_MAX_FLOWS) {
		NL_SET_ERR_MSG_MOD(extack, "SRTPRELAY_MAX_FLOWS flows in this namespace already");
		ret = -ENOSPC;
	}
	if (ret)
		goto out;
	flow = flow_create(cfg, old, set_flags & SRTPRELAY_SET_F_RESET_STATE, extack);
	if (IS_ERR(flow)) {
		ret = PTR_ERR(flow);
		goto out;
	}
	if (old) {
		ret = rhashtable_replace_fast(&sn->flows, &old->node, &flow->node, flow_params);
		if (ret) {	/* cannot happen under sn->lock; undo cleanly anyway */
			flow_free(flow);
			goto out;
		}
		list_replace(&old->list, &flow->list);
		flow_retire(old);
	} else {
		ret = rhashtable_insert_fast(&sn->flows, &flow->node, flow_params);
		if (ret) {
			flow_free(flow);
			goto out;
		}
		list_add_tail(&flow->list, &sn->list);
		sn->count++;
	}
	sn->gen++;
out:
	mutex_unlock(&sn->lock);
	return ret;
}

/* Unlinks flow (sn->lock held), keeps its counters in the namespace's total, frees it later. */
static void flow_unlink(struct srtprelay_net *sn, struct srtprelay_flow *flow)
{
	u64 sum[__SRTPRELAY_A_STATS_MAX];

	rhashtable_remove_fast(&sn->flows, &flow->node, flow_params);
	list_del(&flow->list);
	sn->count--;
	sn->gen++;
	flow_stats_sum(flow->stats, sum);
	sum[SRTPRELAY_A_STATS_LAST_PACKET_AGE_MS] = 0;
	for (int i = 0; i < __SRTPRELAY_A_STATS_MAX; i++)
		if (sum[i])
			flow_count(sn->gone, i, sum[i]);
	flow_retire(flow);
}

/* Deletes the flow at local; -ENOENT if there is none. */
int flow_del(struct srtprelay_net *sn, const struct flow_addr *local)
{
	struct srtprelay_flow *flow;
	int ret = -ENOENT;

	mutex_lock(&sn->lock);
	flow = rhashtable_lookup_fast(&sn->flows, local, flow_params);
	if (flow) {
		flow_unlink(sn, flow);
		ret = 0;
	}
	mutex_unlock(&sn->lock);
	return ret;
}

/* Deletes every flow, or every flow with this cookie. */
void flow_flush(struct srtprelay_net *sn, bool by_cookie, u64 cookie)
{
	struct srtprelay_flow *flow, *tmp;

	mutex_lock(&sn->lock);
	list_for_each_entry_safe(flow, tmp, &sn->list, list)
		if (!by_cookie || flow->cfg.cookie == cookie)
			flow_unlink(sn, flow);
	mutex_unlock(&sn->lock);
}

/* The flow at local, or NULL; the caller holds rcu_read_lock() (softirq counts). */
struct srtprelay_flow *flow_lookup(struct srtprelay_net *sn, const struct flow_addr *local)
{
	return rhashtable_lookup(&sn->flows, local, flow_params);
}

static int __net_init srtprelay_net_init(struct net *net)
{
	struct srtprelay_net *sn = srtprelay_pernet(net);
	int ret;

	mutex_init(&sn->lock);
	INIT_LIST_HEAD(&sn->list);
	sn->gone = stats_alloc();
	if (!sn->gone)
		return -ENOMEM;
	ret = rhashtable_init(&sn->flows, &flow_params);
	if (ret)
		free_percpu(sn->gone);
	return ret;
}

/* The namespace is going away: no packet or netlink command can reach its flows any more. */
static void __net_exit srtprelay_net_exit(struct net *net)
{
	struct srtprelay_net *sn = srtprelay_pernet(net);

	flow_flush(sn, false, 0);
	rhashtable_destroy(&sn->flows);
	free_percpu(sn->gone);
}

static struct pernet_operations srtprelay_net_ops = {
	.init = srtprelay_net_init,
	.exit = srtprelay_net_exit,
	.id = &srtprelay_net_id,
	.size = sizeof(struct srtprelay_net),
};

int srtprelay_flows_register(void)
{
	int ret;

	/* Unbound: freeing a flow needs no particular CPU (7.x asks for one of the two). */
	srtprelay_wq = alloc_workqueue("srtprelay", WQ_UNBOUND, 0);
	if (!srtprelay_wq)
		return -ENOMEM;
	ret = register_pernet_subsys(&srtprelay_net_ops);
	if (ret)
		destroy_workqueue(srtprelay_wq);
	return ret;
}

void srtprelay_flows_unregister(void)
{
	unregister_pernet_subsys(&srtprelay_net_ops);
	/* Retired flows wait for a grace period, then for the workqueue: let both drain. */
	rcu_barrier();
	destroy_workqueue(srtprelay_wq);
}
