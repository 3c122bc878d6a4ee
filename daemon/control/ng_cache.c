// SPDX-License-Identifier: GPL-2.0 OR MIT
#include <netinet/in.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ng_cache.h"
#include "packet.h"

#define NBUCKETS 16384

struct entry {
	struct entry *next;		/* in its bucket */
	struct entry *younger;		/* in its generation, oldest first */
	struct sockaddr_storage from;
	size_t clen, rlen;
	char *reply;
	char cookie[NG_CACHE_MAX_COOKIE];
};

struct generation {
	struct entry *bucket[NBUCKETS];
	struct entry *oldest, *newest;
	unsigned int count;
	size_t bytes;
};

struct ng_cache {
	struct generation gen[2];	/* [0] current, [1] previous */
	double rotated;
	unsigned int period;
	size_t max_bytes;
};

struct ng_cache *ng_cache_new(unsigned int rotate_seconds)
{
	struct ng_cache *c = calloc(1, sizeof(*c));

	if (c) {
		c->period = rotate_seconds ? rotate_seconds : 30;
		c->max_bytes = NG_CACHE_DEFAULT_BYTES;
	}
	return c;
}

void ng_cache_set_limit(struct ng_cache *c, size_t max_bytes)
{
	c->max_bytes = max_bytes;
}

size_t ng_cache_bytes(const struct ng_cache *c)
{
	return c->gen[0].bytes + c->gen[1].bytes;
}

unsigned int ng_cache_count(const struct ng_cache *c)
{
	return c->gen[0].count + c->gen[1].count;
}

static size_t cost(const struct entry *e)
{
	return sizeof(*e) + e->rlen;
}

static void gen_clear(struct generation *g)
{
	for (unsigned int b = 0; b < NBUCKETS; b++)
		while (g->bucket[b]) {
			struct entry *e = g->bucket[b];

			g->bucket[b] = e->next;
			free(e->reply);
			free(e);
		}
	g->oldest = g->newest = NULL;
	g->count = 0;
	g->bytes = 0;
}

void ng_cache_free(struct ng_cache *c)
{
	if (!c)
		return;
	gen_clear(&c->gen[0]);
	gen_clear(&c->gen[1]);
	free(c);
}

static void rotate(struct ng_cache *c, double now)
{
	if (!c->rotated)
		c->rotated = now;
	if (now - c->rotated >= 2 * (double)c->period) {
		/* Idle for two periods or more: everything cached is stale. */
		gen_clear(&c->gen[0]);
		gen_clear(&c->gen[1]);
		c->rotated = now;
	} else if (now - c->rotated >= c->period) {
		gen_clear(&c->gen[1]);
		c->gen[1] = c->gen[0];
		memset(&c->gen[0], 0, sizeof(c->gen[0]));
		c->rotated += c->period;
	}
}

static unsigned int hash(const char *cookie, size_t clen)
{
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < clen; i++)
		h = (h ^ (uint8_t)cookie[i]) * 16777619u;
	return h % NBUCKETS;
}

/* Drops the oldest reply of all: the previous generation's first, else the current one's. */
static void evict_oldest(struct ng_cache *c)
{
	struct generation *g = c->gen[1].oldest ? &c->gen[1] : &c->gen[0];
	struct entry *e = g->oldest, **pp;

	if (!e)
		return;
	for (pp = &g->bucket[hash(e->cookie, e->clen)]; *pp != e; pp = &(*pp)->next)
		;
	*pp = e->next;
	g->oldest = e->younger;
	if (!g->oldest)
		g->newest = NULL;
	g->count--;
	g->bytes -= cost(e);
	free(e->reply);
	free(e);
}

static struct entry *find(struct generation *g, unsigned int b, const char *cookie, size_t clen,
			  const struct sockaddr_storage *from)
{
	for (struct entry *e = g->bucket[b]; e; e = e->next)
		if (e->clen == clen && !memcmp(e->cookie, cookie, clen) &&
		    addr_equal(&e->from, from))
			return e;
	return NULL;
}

const char *ng_cache_get(struct ng_cache *c, const char *cookie, size_t clen,
			 const struct sockaddr_storage *from, double now, size_t *len)
{
	unsigned int b = hash(cookie, clen);
	struct entry *e;

	if (clen > NG_CACHE_MAX_COOKIE)
		return NULL;
	rotate(c, now);
	e = find(&c->gen[0], b, cookie, clen, from);
	if (!e)
		e = find(&c->gen[1], b, cookie, clen, from);
	if (!e)
		return NULL;
	*len = e->rlen;
	return e->reply;
}

void ng_cache_put(struct ng_cache *c, const char *cookie, size_t clen,
		  const struct sockaddr_storage *from, const char *reply, size_t rlen, double now)
{
	unsigned int b = hash(cookie, clen);
	struct generation *g;
	struct entry *e;

	if (clen > NG_CACHE_MAX_COOKIE)
		return;
	rotate(c, now);
	g = &c->gen[0];
	if (sizeof(*e) + rlen > c->max_bytes || find(g, b, cookie, clen, from))
		return;
	while (ng_cache_count(c) >= NG_CACHE_MAX_ENTRIES ||
	       ng_cache_bytes(c) + sizeof(*e) + rlen > c->max_bytes)
		evict_oldest(c);
	e = calloc(1, sizeof(*e));
	if (!e)
		return;
	e->reply = malloc(rlen ? rlen : 1);
	if (!e->reply) {
		free(e);
		return;
	}
	memcpy(e->reply, reply, rlen);
	e->rlen = rlen;
	memcpy(e->cookie, cookie, clen);
	e->clen = clen;
	e->from = *from;
	e->next = g->bucket[b];
	g->bucket[b] = e;
	if (g->newest)
		g->newest->younger = e;
	else
		g->oldest = e;
	g->newest = e;
	g->count++;
	g->bytes += cost(e);
}
