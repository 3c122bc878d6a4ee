// SPDX-License-Identifier: GPL-2.0 OR MIT
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "call.h"
#include "log.h"

static const char *const drop_names[] = {
#define X(e, s) s,
	DROP_REASONS(X)
#undef X
};

const char *drop_name(unsigned int r)
{
	return r < DROP_COUNT ? drop_names[r] : "?";
}

static uint32_t hash_id(const char *s, size_t len)
{
	uint32_t h = 2166136261u;	/* FNV-1a */

	for (size_t i = 0; i < len; i++)
		h = (h ^ (uint8_t)s[i]) * 16777619u;
	return h;
}

const struct media_policy media_policy_default = {
	.learning = EL_HEURISTIC,
	.consent_timeout = OPT_CONSENT_TIMEOUT,
};

int calls_init(struct calls *t, uint32_t nbuckets)
{
	memset(t, 0, sizeof(*t));
	t->policy = media_policy_default;
	t->bucket = calloc(nbuckets, sizeof(*t->bucket));
	t->nbuckets = nbuckets;
	return t->bucket ? 0 : -ENOMEM;
}

void calls_free(struct calls *t)
{
	while (t->head)
		call_destroy(t, t->head);
	free(t->bucket);
	t->bucket = NULL;
}

struct call *call_find(struct calls *t, const char *id, size_t len)
{
	struct call *c;

	if (len >= CALL_ID_MAX)
		return NULL;
	for (c = t->bucket[hash_id(id, len) % t->nbuckets]; c; c = c->hnext)
		if (c->id_len == len && !memcmp(c->id, id, len))
			return c;
	return NULL;
}

struct call *call_create(struct calls *t, const char *id, size_t len)
{
	uint32_t b = hash_id(id, len) % t->nbuckets;
	struct timespec ts;
	struct call *c;

	if (!len || len >= CALL_ID_MAX)
		return NULL;
	c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	memcpy(c->id, id, len);
	c->id_len = (uint16_t)len;
	c->leg[0].call = c;
	c->leg[1].call = c;
	c->offerer = -1;
	c->policy = &t->policy;
	c->created = c->last_signal = now_mono();
	clock_gettime(CLOCK_REALTIME, &ts);
	c->created_wall = (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
	c->hnext = t->bucket[b];
	t->bucket[b] = c;
	c->next = t->head;
	if (t->head)
		t->head->prev = c;
	t->head = c;
	t->count++;
	t->created_total++;
	return c;
}

struct leg *call_leg(struct call *c, const char *tag, size_t len)
{
	if (!len || len >= CALL_TAG_MAX)
		return NULL;
	for (unsigned int i = 0; i < c->n_legs; i++)
		if (c->leg[i].tag_len == len && !memcmp(c->leg[i].tag, tag, len))
			return &c->leg[i];
	return NULL;
}

struct leg *call_leg_get(struct call *c, const char *tag, size_t len)
{
	struct leg *l = call_leg(c, tag, len);

	if (l || !len || len >= CALL_TAG_MAX)
		return l;
	if (c->n_legs >= 2)
		return NULL;
	l = &c->leg[c->n_legs++];
	memcpy(l->tag, tag, len);
	l->tag[len] = '\0';
	l->tag_len = (uint8_t)len;
	return l;
}

void media_side_free(struct media_side *m)
{
	if (!m)
		return;
	if (m->in_on)
		srtp_ctx_free(&m->in);
	if (m->out_on)
		srtp_ctx_free(&m->out);
	dtls_conn_free(m->dtls.conn);
	for (unsigned int i = 0; i < m->dtls.n_early; i++)
		free(m->dtls.early[i]);
	explicit_bzero(m, sizeof(*m));
	free(m);
}

void media_stats(const struct media_side *m, unsigned int comp, struct stream_stats *out)
{
	out->packets = m->stats[comp].packets + m->kbase[comp].packets + m->kcur[comp].packets;
	out->bytes = m->stats[comp].bytes + m->kbase[comp].bytes + m->kcur[comp].bytes;
	for (int d = 0; d < DROP_COUNT; d++)
		out->drops[d] = m->stats[comp].drops[d] + m->kbase[comp].drops[d] +
				m->kcur[comp].drops[d];
}

void stream_stats_add(struct stream_stats *to, const struct stream_stats *from)
{
	to->packets += from->packets;
	to->bytes += from->bytes;
	for (int d = 0; d < DROP_COUNT; d++)
		to->drops[d] += from->drops[d];
}

void call_totals(const struct call *c, struct stream_stats tot[COMP_COUNT])
{
	memset(tot, 0, sizeof(*tot) * COMP_COUNT);
	for (unsigned int l = 0; l < c->n_legs; l++)
		for (unsigned int i = 0; i < c->leg[l].n_media; i++) {
			const struct media_side *m = c->leg[l].media[i];

			if (!m)
				continue;
			for (unsigned int k = 0; k < COMP_COUNT; k++) {
				struct stream_stats st;

				media_stats(m, k, &st);
				stream_stats_add(&tot[k], &st);
			}
		}
}

double call_last_packet(const struct call *c)
{
	double last = 0;

	for (unsigned int l = 0; l < c->n_legs; l++)
		for (unsigned int i = 0; i < c->leg[l].n_media; i++)
			if (c->leg[l].media[i] && c->leg[l].media[i]->last_packet > last)
				last = c->leg[l].media[i]->last_packet;
	return last;
}

void call_destroy(struct calls *t, struct call *c)
{
	struct stream_stats tot[COMP_COUNT];
	struct call **pp = &t->bucket[hash_id(c->id, c->id_len) % t->nbuckets];

	call_totals(c, tot);
	for (int k = 0; k < COMP_COUNT; k++)
		stream_stats_add(&t->closed, &tot[k]);
	while (*pp && *pp != c)
		pp = &(*pp)->hnext;
	if (*pp)
		*pp = c->hnext;
	if (c->prev)
		c->prev->next = c->next;
	else
		t->head = c->next;
	if (c->next)
		c->next->prev = c->prev;
	for (unsigned int l = 0; l < 2; l++)
		for (unsigned int i = 0; i < c->leg[l].n_media; i++)
			media_side_free(c->leg[l].media[i]);
	t->count--;
	t->deleted_total++;
	free(c);
}
