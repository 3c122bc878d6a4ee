// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Call-ids and tags are byte strings. The call table hashes, compares and unlinks them over
 * their length, so ids that differ only after a NUL are different calls and a destroyed call
 * leaves no bucket behind; the ng layer refuses a NUL in an identifier before any call
 * exists (the sequence that once left a freed call in its bucket: offer with call-id "a\0b"
 * whose SDP fails after the call was created, then more requests for that id).
 */
#include "check.h"
#include "call.h"
#include "daemon.h"
#include "log.h"
#include "ng_cache.h"
#include "ng_server.h"
#include "session.h"

#include <netinet/in.h>

static unsigned int buckets_used(const struct calls *t)
{
	unsigned int n = 0;

	for (uint32_t i = 0; i < t->nbuckets; i++)
		n += t->bucket[i] != NULL;	/* the pointer only: a stale one must not be read */
	return n;
}

static void table_by_length(void)
{
	static const struct {
		const char *id;
		size_t len;
	} ids[] = { { "a\0b", 3 }, { "a\0c", 3 }, { "a", 1 }, { "\xff\xfe\x80", 3 } };
	struct call *c[4];
	struct calls t;

	CHECK_EQ(calls_init(&t, 1024), 0);
	for (int i = 0; i < 4; i++) {
		c[i] = call_create(&t, ids[i].id, ids[i].len);
		CHECK(c[i]);
	}
	for (int i = 0; i < 4; i++)
		CHECK(call_find(&t, ids[i].id, ids[i].len) == c[i]);
	CHECK(!call_find(&t, "a\0d", 3));
	for (int i = 0; i < 4; i++) {
		call_destroy(&t, c[i]);
		for (int j = i + 1; j < 4; j++)
			CHECK(call_find(&t, ids[j].id, ids[j].len) == c[j]);
	}
	CHECK_EQ(t.count, 0);
	CHECK_EQ(buckets_used(&t), 0);
	calls_free(&t);
}

static void tags_by_length(void)
{
	struct calls t;
	struct call *c;
	struct leg *a, *b;

	CHECK_EQ(calls_init(&t, 16), 0);
	c = call_create(&t, "x", 1);
	CHECK(c);
	a = call_leg_get(c, "f\0x", 3);
	b = call_leg_get(c, "f", 1);
	CHECK(a && b && a != b);
	CHECK(call_leg(c, "f\0x", 3) == a);
	CHECK(call_leg(c, "f", 1) == b);
	CHECK(!call_leg(c, "f\0y", 3));
	call_destroy(&t, c);
	calls_free(&t);
}

static struct srtprelayd d;
static struct strbuf reply;

static int daemon_up(void)
{
	struct sockaddr_in *lo = (struct sockaddr_in *)&d.cfg.iface[0].local;
	char err[256];

	config_defaults(&d.cfg);
	d.cfg.n_iface = 1;
	lo->sin_family = AF_INET;
	lo->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	d.cfg.iface[0].advertised = d.cfg.iface[0].local;
	d.cfg.port_min = 47000;
	d.cfg.port_max = 47099;
	log_setup(LOG_CRIT, true);
	if (config_validate(&d.cfg, err, sizeof(err)) ||
	    ports_init(&d.ports, (uint16_t)d.cfg.port_min, (uint16_t)d.cfg.port_max) ||
	    calls_init(&d.calls, 1024) || relay_init(&d.relay, 64))
		return -1;
	d.cache = ng_cache_new(30);
	d.started = now_mono();
	return d.cache ? 0 : -1;
}

static void bstr(struct strbuf *b, const char *s, size_t n)
{
	sb_addf(b, "%zu:", n);
	sb_add(b, s, n);
}

/* One ng request "<cookie> d7:command..e" with the call-id given as bytes. */
static void request(const char *cookie, const char *cmd, const char *id, size_t idlen,
		    const char *sdp)
{
	struct strbuf q = { 0 };
	struct sockaddr_storage from = check_addr("127.0.0.1", 5000);

	sb_addf(&q, "%s d", cookie);
	bstr(&q, "call-id", 7);
	bstr(&q, id, idlen);
	bstr(&q, "command", 7);
	bstr(&q, cmd, strlen(cmd));
	if (sdp) {
		bstr(&q, "from-tag", 8);
		bstr(&q, "ft", 2);
		bstr(&q, "sdp", 3);
		bstr(&q, sdp, strlen(sdp));
	}
	sb_addc(&q, 'e');
	ng_server_request(&d, q.p, q.len, &from, &reply);
	sb_free(&q);
}

static bool reply_has(const char *s)
{
	return reply.len && memmem(reply.p, reply.len, s, strlen(s));
}

#define SDP(c)	"v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 " c "\r\nt=0 0\r\n" \
		"m=audio 4000 RTP/AVP 0\r\n"

static void ng_nul_refused(void)
{
	char cookie[32];

	CHECK_EQ(daemon_up(), 0);
	request("c0", "offer", "a\0b", 3, SDP("bogus.invalid"));
	CHECK(reply_has("6:result5:error"));
	CHECK(reply_has("'call-id' must not contain a NUL byte"));
	CHECK_EQ(d.calls.count, 0);
	for (int i = 1; i <= 150; i++) {
		snprintf(cookie, sizeof(cookie), "c%d", i);
		request(cookie, i % 2 ? "query" : "delete", "a\0b", 3, NULL);
		CHECK(reply_has("must not contain a NUL byte"));
	}
	CHECK_EQ(buckets_used(&d.calls), 0);

	/* A failed offer for a good id leaves nothing behind either. */
	request("c200", "offer", "a", 1, SDP("bogus.invalid"));
	CHECK(reply_has("6:result5:error"));
	CHECK_EQ(d.calls.count, 0);
	CHECK_EQ(buckets_used(&d.calls), 0);

	/* High octets are ordinary bytes of an id: the call is found by them, exactly. */
	request("c300", "offer", "\xff\xfe\x80", 3, SDP("127.0.0.1"));
	CHECK(reply_has("6:result2:ok"));
	request("c301", "query", "\xff\xfe\x80", 3, NULL);
	CHECK(reply_has("6:result2:ok"));
	request("c302", "query", "\xff\xfe", 2, NULL);
	CHECK(reply_has("6:result5:error"));
	while (d.calls.head)
		session_call_delete(&d, d.calls.head);
	relay_flush_closing(&d.relay);
	CHECK_EQ(d.ports.used, 0);
	CHECK_EQ(buckets_used(&d.calls), 0);
}

static void ng_overlong_refused(void)
{
	char id[CALL_ID_MAX + 1];

	memset(id, 'x', sizeof(id));
	request("o1", "offer", id, CALL_ID_MAX, SDP("127.0.0.1"));
	CHECK(reply_has("'call-id' is longer than 255 bytes"));
	request("o2", "offer", id, CALL_ID_MAX - 1, SDP("127.0.0.1"));
	CHECK(reply_has("6:result2:ok"));
	request("o3", "delete", id, CALL_ID_MAX - 1, NULL);
	CHECK(reply_has("6:result2:ok"));
	relay_flush_closing(&d.relay);
	CHECK_EQ(d.calls.count, 0);
}

static const struct check_case cases[] = {
	CASE(table_by_length),
	CASE(tags_by_length),
	CASE(ng_nul_refused),
	CASE(ng_overlong_refused),
};

CHECK_MAIN("call_ids", cases)
