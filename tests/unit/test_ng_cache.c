// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The ng retransmit cache: a reply comes back for the same (cookie, source) only, byte for
 * byte; it lives one to two rotation periods, however long the cache sat idle; cookies too
 * long are not kept; it holds at most NG_CACHE_MAX_ENTRIES and its byte budget, the oldest
 * replies going first.
 */
#include "check.h"
#include "ng_cache.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdbool.h>

#define T0 1000.0	/* monotonic seconds: never 0 in practice */

static struct sockaddr_storage v4(const char *ip, unsigned short port)
{
	struct sockaddr_storage ss;
	struct sockaddr_in *s = (struct sockaddr_in *)&ss;

	memset(&ss, 0, sizeof(ss));
	s->sin_family = AF_INET;
	s->sin_port = htons(port);
	inet_pton(AF_INET, ip, &s->sin_addr);
	return ss;
}

static struct sockaddr_storage v6(const char *ip, unsigned short port)
{
	struct sockaddr_storage ss;
	struct sockaddr_in6 *s = (struct sockaddr_in6 *)&ss;

	memset(&ss, 0, sizeof(ss));
	s->sin6_family = AF_INET6;
	s->sin6_port = htons(port);
	inet_pton(AF_INET6, ip, &s->sin6_addr);
	return ss;
}

static void put(struct ng_cache *c, const char *cookie, const struct sockaddr_storage *from,
		const char *reply, double now)
{
	ng_cache_put(c, cookie, strlen(cookie), from, reply, strlen(reply), now);
}

/* The cached reply is exactly 'reply' (NULL: nothing cached). */
static bool got(struct ng_cache *c, const char *cookie, const struct sockaddr_storage *from,
		double now, const char *reply)
{
	size_t len = 12345;
	const char *r = ng_cache_get(c, cookie, strlen(cookie), from, now, &len);

	if (!reply)
		return !r;
	return r && len == strlen(reply) && !memcmp(r, reply, len);
}

static void put_get(void)
{
	struct ng_cache *c = ng_cache_new(30);
	struct sockaddr_storage a = v4("127.0.0.1", 56133);
	char reply[] = "d6:result4:ponge";
	static const char bin[] = { 'd', '\0', 'e', '\r', '\n' };
	const char *r;
	size_t len = 0;

	CHECK(c);
	CHECK(got(c, "0_15063_0", &a, T0, NULL));	/* empty */
	ng_cache_put(c, "0_15063_0", 9, &a, reply, strlen(reply), T0);
	/* The cache keeps its own copy. */
	memset(reply, 'X', strlen(reply));
	CHECK(got(c, "0_15063_0", &a, T0, "d6:result4:ponge"));
	CHECK(got(c, "0_15063_0", &a, T0 + 1, "d6:result4:ponge"));
	/* Cookies are opaque bytes. */
	ng_cache_put(c, "k\0y", 3, &a, bin, sizeof(bin), T0);
	r = ng_cache_get(c, "k\0y", 3, &a, T0, &len);
	CHECK(r && len == sizeof(bin) && !memcmp(r, bin, sizeof(bin)));
	CHECK(!ng_cache_get(c, "k\0z", 3, &a, T0, &len));
	CHECK(!ng_cache_get(c, "k", 1, &a, T0, &len));
	/* An empty reply is a reply. */
	ng_cache_put(c, "empty", 5, &a, "", 0, T0);
	len = 99;
	r = ng_cache_get(c, "empty", 5, &a, T0, &len);
	CHECK(r && len == 0);
	/* The first reply stays: a retransmission must get what the first one got. */
	put(c, "0_15063_0", &a, "d6:result5:errore", T0 + 2);
	CHECK(got(c, "0_15063_0", &a, T0 + 2, "d6:result4:ponge"));
	ng_cache_free(c);
	ng_cache_free(NULL);
}

/* The key is (cookie, source address and port). */
static void key_is_cookie_and_source(void)
{
	struct ng_cache *c = ng_cache_new(30);
	struct sockaddr_storage a = v4("127.0.0.1", 56133), a_port = v4("127.0.0.1", 49022),
				a_ip = v4("127.0.0.2", 56133), b = v6("2001:db8::1", 56133),
				b_port = v6("2001:db8::1", 56134), b_ip = v6("2001:db8::2", 56133),
				mapped = v6("::ffff:127.0.0.1", 56133);

	CHECK(c);
	put(c, "0_15063_1", &a, "A", T0);
	CHECK(got(c, "0_15063_1", &a, T0, "A"));
	CHECK(got(c, "0_15063_1", &a_port, T0, NULL));	/* other Kamailio worker */
	CHECK(got(c, "0_15063_1", &a_ip, T0, NULL));
	CHECK(got(c, "0_15063_1", &b, T0, NULL));
	CHECK(got(c, "0_15063_1", &mapped, T0, NULL));
	CHECK(got(c, "0_15063_2", &a, T0, NULL));
	CHECK(got(c, "0_15063_", &a, T0, NULL));
	CHECK(got(c, "0_15063_10", &a, T0, NULL));
	/* The same cookie from elsewhere is another request with its own reply. */
	put(c, "0_15063_1", &a_port, "B", T0);
	put(c, "0_15063_1", &b, "C", T0);
	CHECK(got(c, "0_15063_1", &a, T0, "A"));
	CHECK(got(c, "0_15063_1", &a_port, T0, "B"));
	CHECK(got(c, "0_15063_1", &b, T0, "C"));
	CHECK(got(c, "0_15063_1", &b_port, T0, NULL));
	CHECK(got(c, "0_15063_1", &b_ip, T0, NULL));
	/* Only the address and port count, not the rest of the sockaddr. */
	{
		struct sockaddr_storage b2 = b;

		((struct sockaddr_in6 *)&b2)->sin6_flowinfo = htonl(7);
		CHECK(got(c, "0_15063_1", &b2, T0, "C"));
	}
	ng_cache_free(c);
}

/* Lifetime: a reply put in a period lives through the next one, and not beyond. */
static void expiry(void)
{
	struct ng_cache *c = ng_cache_new(30);
	struct sockaddr_storage a = v4("127.0.0.1", 5000);

	CHECK(c);
	put(c, "early", &a, "E", T0);		/* the period starts here */
	put(c, "late", &a, "L", T0 + 29.5);
	CHECK(got(c, "early", &a, T0 + 29.9, "E"));
	CHECK(got(c, "early", &a, T0 + 30, "E"));	/* one rotation: previous generation */
	CHECK(got(c, "late", &a, T0 + 30, "L"));
	CHECK(got(c, "early", &a, T0 + 59.9, "E"));
	CHECK(got(c, "late", &a, T0 + 59.9, "L"));
	CHECK(got(c, "early", &a, T0 + 60, NULL));	/* two rotations: gone */
	CHECK(got(c, "late", &a, T0 + 60, NULL));
	/* Gone for good, and the key can be used again. */
	CHECK(got(c, "early", &a, T0 + 61, NULL));
	put(c, "early", &a, "E2", T0 + 61);
	CHECK(got(c, "early", &a, T0 + 61, "E2"));
	ng_cache_free(c);

	/* Rotation is driven by put as much as by get. */
	c = ng_cache_new(10);
	CHECK(c);
	put(c, "x", &a, "X", T0);
	put(c, "y", &a, "Y", T0 + 10);
	put(c, "z", &a, "Z", T0 + 20);
	CHECK(got(c, "x", &a, T0 + 20, NULL));
	CHECK(got(c, "y", &a, T0 + 20, "Y"));
	CHECK(got(c, "z", &a, T0 + 20, "Z"));
	ng_cache_free(c);

	/* 0 seconds means the default period (30 s), not "expire at once". */
	c = ng_cache_new(0);
	CHECK(c);
	put(c, "d", &a, "D", T0);
	CHECK(got(c, "d", &a, T0 + 29, "D"));
	CHECK(got(c, "d", &a, T0 + 59, "D"));
	CHECK(got(c, "d", &a, T0 + 60, NULL));
	ng_cache_free(c);
}

/* After a long quiet spell nothing may come back, however long it was. */
static void expiry_after_idle(void)
{
	static const double idle[] = { 60, 89.9, 90, 91, 119, 120, 150, 3600, 86400 };
	unsigned int bad = 0;

	for (size_t i = 0; i < sizeof(idle) / sizeof(idle[0]); i++) {
		struct ng_cache *c = ng_cache_new(30);
		struct sockaddr_storage a = v4("127.0.0.1", 5000);

		CHECK(c);
		put(c, "0_1_1", &a, "R", T0);
		if (!got(c, "0_1_1", &a, T0 + idle[i], NULL)) {
			fprintf(stderr, "  reply put at %.0f still returned at %.1f (period 30 s)\n",
				T0, T0 + idle[i]);
			bad++;
		}
		ng_cache_free(c);
	}
	CHECK_EQ(bad, 0);
	/* The same through a put after the idle spell, not a get. */
	{
		struct ng_cache *c = ng_cache_new(30);
		struct sockaddr_storage a = v4("127.0.0.1", 5000);
		bool ok;

		CHECK(c);
		put(c, "old", &a, "R", T0);
		put(c, "new", &a, "N", T0 + 3600);
		ok = got(c, "old", &a, T0 + 3600, NULL) && got(c, "new", &a, T0 + 3600, "N");
		ng_cache_free(c);
		CHECK(ok);
	}
}

static void cookie_too_long(void)
{
	struct ng_cache *c = ng_cache_new(30);
	struct sockaddr_storage a = v4("127.0.0.1", 5000);
	char cookie[NG_CACHE_MAX_COOKIE + 2];
	const char *r;
	size_t len;

	CHECK(c);
	memset(cookie, 'c', sizeof(cookie));
	/* At the limit: kept. */
	ng_cache_put(c, cookie, NG_CACHE_MAX_COOKIE, &a, "ok", 2, T0);
	r = ng_cache_get(c, cookie, NG_CACHE_MAX_COOKIE, &a, T0, &len);
	CHECK(r && len == 2 && !memcmp(r, "ok", 2));
	/* One more: not kept, and looking it up is no error. */
	ng_cache_put(c, cookie, NG_CACHE_MAX_COOKIE + 1, &a, "no", 2, T0);
	CHECK(!ng_cache_get(c, cookie, NG_CACHE_MAX_COOKIE + 1, &a, T0, &len));
	ng_cache_put(c, cookie, NG_CACHE_MAX_COOKIE + 2, &a, "no", 2, T0);
	CHECK(!ng_cache_get(c, cookie, NG_CACHE_MAX_COOKIE + 2, &a, T0, &len));
	/* And the one at the limit is untouched. */
	r = ng_cache_get(c, cookie, NG_CACHE_MAX_COOKIE, &a, T0, &len);
	CHECK(r && len == 2 && !memcmp(r, "ok", 2));
	/* An empty cookie is a key like any other. */
	ng_cache_put(c, "", 0, &a, "e", 1, T0);
	r = ng_cache_get(c, "", 0, &a, T0, &len);
	CHECK(r && len == 1 && r[0] == 'e');
	ng_cache_free(c);
}

static void many_entries(void)
{
	struct ng_cache *c = ng_cache_new(30);
	struct sockaddr_storage a = v4("127.0.0.1", 5000), b = v4("127.0.0.1", 5001);
	char cookie[32], reply[32];
	unsigned int bad = 0;

	CHECK(c);
	/* A full generation. */
	for (unsigned int i = 0; i < NG_CACHE_MAX_ENTRIES; i++) {
		snprintf(cookie, sizeof(cookie), "0_%u_%u", i % 97, i);
		snprintf(reply, sizeof(reply), "r%u", i);
		put(c, cookie, &a, reply, T0 + (double)i / NG_CACHE_MAX_ENTRIES);
	}
	for (unsigned int i = 0; i < NG_CACHE_MAX_ENTRIES; i++) {
		snprintf(cookie, sizeof(cookie), "0_%u_%u", i % 97, i);
		snprintf(reply, sizeof(reply), "r%u", i);
		bad += !got(c, cookie, &a, T0 + 1, reply);
		bad += !got(c, cookie, &b, T0 + 1, NULL);
	}
	CHECK_EQ(bad, 0);
	/* Beyond the cap, the oldest reply makes room for the new one. */
	put(c, "over", &a, "O", T0 + 1);
	CHECK(got(c, "over", &a, T0 + 1, "O"));
	CHECK(got(c, "0_0_0", &a, T0 + 1, NULL));
	CHECK(got(c, "0_1_1", &a, T0 + 1, "r1"));
	CHECK_EQ(ng_cache_count(c), NG_CACHE_MAX_ENTRIES);
	ng_cache_free(c);
}

/* The budget is in bytes: big replies push out the oldest, one above it is not kept. */
static void byte_budget(void)
{
	struct ng_cache *c = ng_cache_new(30);
	struct sockaddr_storage a = v4("127.0.0.1", 5000);
	static char big[1000];
	char cookie[32];
	size_t one;

	CHECK(c);
	memset(big, 'x', sizeof(big));
	ng_cache_put(c, "probe", 5, &a, big, sizeof(big), T0);
	one = ng_cache_bytes(c);
	CHECK(one >= sizeof(big) && one < sizeof(big) + 512);
	ng_cache_free(c);

	c = ng_cache_new(30);
	CHECK(c);
	CHECK_EQ(ng_cache_bytes(c), 0);
	ng_cache_set_limit(c, 10 * one);
	for (int i = 0; i < 25; i++) {
		snprintf(cookie, sizeof(cookie), "c%d", i);
		big[0] = (char)('a' + i);
		ng_cache_put(c, cookie, strlen(cookie), &a, big, sizeof(big), T0 + i);
		CHECK(ng_cache_bytes(c) <= 10 * one);
	}
	CHECK_EQ(ng_cache_count(c), 10);
	for (int i = 0; i < 25; i++) {
		const char *r;
		size_t len;

		snprintf(cookie, sizeof(cookie), "c%d", i);
		r = ng_cache_get(c, cookie, strlen(cookie), &a, T0 + 25, &len);
		CHECK(i < 15 ? !r : r && len == sizeof(big) && r[0] == 'a' + i);
	}
	/* Larger than the whole budget: not cached, and nothing else is pushed out for it. */
	{
		char *huge = calloc(1, 11 * one);

		CHECK(huge);
		ng_cache_put(c, "huge", 4, &a, huge, 11 * one, T0 + 25);
		free(huge);
	}
	CHECK(got(c, "huge", &a, T0 + 25, NULL));
	CHECK_EQ(ng_cache_count(c), 10);
	/* 0 keeps nothing. */
	ng_cache_set_limit(c, 0);
	put(c, "zero", &a, "Z", T0 + 25);
	CHECK(got(c, "zero", &a, T0 + 25, NULL));
	ng_cache_free(c);
}

static const struct check_case cases[] = {
	CASE(put_get),
	CASE(key_is_cookie_and_source),
	CASE(expiry),
	CASE(expiry_after_idle),
	CASE(cookie_too_long),
	CASE(many_entries),
	CASE(byte_budget),
};

CHECK_MAIN("ng_cache", cases)
