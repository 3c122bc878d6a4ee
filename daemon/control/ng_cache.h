/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * The ng retransmit cache (rtpengine's idea): the reply to each (cookie, source) pair is kept
 * for one to two rotation periods, in two generations; a retransmitted request gets those
 * exact bytes back and is not run again. Lookups are O(1). Memory is bounded in bytes (the
 * replies and the entries holding them) and in entries: a new reply that does not fit pushes
 * out the oldest ones first; one larger than the whole budget is not cached.
 */
#ifndef SRTPRELAY_NG_CACHE_H
#define SRTPRELAY_NG_CACHE_H

#include <stddef.h>
#include <sys/socket.h>

#define NG_CACHE_MAX_COOKIE 64
#define NG_CACHE_MAX_ENTRIES 131072	/* both generations */
#define NG_CACHE_DEFAULT_BYTES (64u << 20)

struct ng_cache;

struct ng_cache *ng_cache_new(unsigned int rotate_seconds);
void ng_cache_free(struct ng_cache *c);
/* The byte budget (NG_CACHE_DEFAULT_BYTES until set); 0 caches nothing. */
void ng_cache_set_limit(struct ng_cache *c, size_t max_bytes);
/* What the cache holds now, in bytes as the budget counts them, and in entries. */
size_t ng_cache_bytes(const struct ng_cache *c);
unsigned int ng_cache_count(const struct ng_cache *c);
/* The cached reply for (cookie, from), or NULL; now = monotonic seconds. */
const char *ng_cache_get(struct ng_cache *c, const char *cookie, size_t clen,
			 const struct sockaddr_storage *from, double now, size_t *len);
void ng_cache_put(struct ng_cache *c, const char *cookie, size_t clen,
		  const struct sockaddr_storage *from, const char *reply, size_t rlen, double now);

#endif
