// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * DTLS-SRTP associations (daemon/dtls.c) against each other in memory: the handshake
 * completes through lost datagrams, both sides derive crosswise keys of the agreed profile, a
 * certificate that does not match the SDP fingerprint fails the handshake on both ends (an
 * alert, not a silent refusal after it), and a=fingerprint
 * values parse or are refused. The interop with an independent peer (OpenSSL + libsrtp2) is
 * in tests/daemon.
 */
#include "check.h"
#include "dtls.h"

#include <time.h>

/* A datagram queue between the two ends, with a switch to lose the next n datagrams. */
struct wire {
	uint8_t pkt[16][2048];
	size_t len[16];
	unsigned int n, lose;
};

static void to_wire(void *arg, const uint8_t *pkt, size_t len)
{
	struct wire *w = arg;

	if (w->lose) {
		w->lose--;
		return;
	}
	if (w->n < 16 && len <= sizeof(w->pkt[0])) {
		memcpy(w->pkt[w->n], pkt, len);
		w->len[w->n++] = len;
	}
}

static void deliver(struct wire *w, struct dtls_conn *to)
{
	unsigned int n = w->n;

	w->n = 0;
	for (unsigned int i = 0; i < n; i++)
		dtls_conn_input(to, w->pkt[i], w->len[i]);
}

static struct dtls_fingerprint ours(void)
{
	struct dtls_fingerprint fp;
	const char *s = dtls_our_fingerprint();

	if (dtls_fingerprint_parse(s, strlen(s), &fp))
		memset(&fp, 0, sizeof(fp));
	return fp;
}

/* Runs the exchange for at most rounds; the timers are driven as if a second passed. */
static void run(struct dtls_conn *cl, struct dtls_conn *sv, struct wire *to_sv, struct wire *to_cl)
{
	dtls_conn_start(cl);
	for (int round = 0; round < 20; round++) {
		deliver(to_sv, sv);
		deliver(to_cl, cl);
		if (dtls_conn_state(cl) != DTLS_HANDSHAKING && dtls_conn_state(sv) != DTLS_HANDSHAKING)
			return;
		if (!to_sv->n && !to_cl->n) {
			dtls_conn_tick(cl);
			dtls_conn_tick(sv);
		}
	}
}

static void handshake_and_keys(void)
{
	struct wire to_sv = { 0 }, to_cl = { 0 };
	struct dtls_fingerprint fp = ours();
	struct dtls_conn *cl = dtls_conn_new(true, &fp, to_wire, &to_sv);
	struct dtls_conn *sv = dtls_conn_new(false, &fp, to_wire, &to_cl);
	struct srtp_policy cin, cout, sin, sout;
	const char *prof = NULL;

	CHECK(cl && sv);
	run(cl, sv, &to_sv, &to_cl);
	CHECK_EQ(dtls_conn_state(cl), DTLS_CONNECTED);
	CHECK_EQ(dtls_conn_state(sv), DTLS_CONNECTED);
	CHECK(!dtls_conn_keys(cl, &cin, &cout, &prof));
	CHECK(prof && !strcmp(prof, "SRTP_AEAD_AES_256_GCM"));	/* our first choice */
	CHECK(!dtls_conn_keys(sv, &sin, &sout, NULL));
	CHECK_EQ(cout.suite, srtp_suite_by_name("AEAD_AES_256_GCM", 16)->id);
	CHECK_MEM(&cout, &sin, sizeof(cout));	/* what the client sends, the server reads */
	CHECK_MEM(&sout, &cin, sizeof(sout));
	CHECK(memcmp(cout.key, sout.key, 32));
	dtls_conn_free(cl);
	dtls_conn_free(sv);
}

/* The first flight and a later one are lost: the retransmission timers recover. */
static void lost_flights_are_retransmitted(void)
{
	struct wire to_sv = { .lose = 1 }, to_cl = { .lose = 1 };
	struct dtls_fingerprint fp = ours();
	struct dtls_conn *cl = dtls_conn_new(true, &fp, to_wire, &to_sv);
	struct dtls_conn *sv = dtls_conn_new(false, &fp, to_wire, &to_cl);

	CHECK(cl && sv);
	/* OpenSSL's timer starts at one second: the rounds wait for it to run out */
	dtls_conn_start(cl);
	for (int i = 0; i < 40 && (dtls_conn_state(cl) == DTLS_HANDSHAKING ||
				   dtls_conn_state(sv) == DTLS_HANDSHAKING); i++) {
		deliver(&to_sv, sv);
		deliver(&to_cl, cl);
		if (!to_sv.n && !to_cl.n) {
			struct timespec ts = { 0, 100 * 1000 * 1000 };

			nanosleep(&ts, NULL);
			dtls_conn_tick(cl);
			dtls_conn_tick(sv);
		}
	}
	CHECK_EQ(dtls_conn_state(cl), DTLS_CONNECTED);
	CHECK_EQ(dtls_conn_state(sv), DTLS_CONNECTED);
	dtls_conn_free(cl);
	dtls_conn_free(sv);
}

static void fingerprint_mismatch_fails(void)
{
	struct wire to_sv = { 0 }, to_cl = { 0 };
	struct dtls_fingerprint fp = ours(), bad = fp;
	struct dtls_conn *cl, *sv;

	bad.fp[5] ^= 1;
	cl = dtls_conn_new(true, &fp, to_wire, &to_sv);
	sv = dtls_conn_new(false, &bad, to_wire, &to_cl);
	CHECK(cl && sv);
	run(cl, sv, &to_sv, &to_cl);
	CHECK_EQ(dtls_conn_state(sv), DTLS_FAILED);
	CHECK(strstr(dtls_conn_error(sv), "fingerprint"));
	/* refused in the handshake, with an alert: the client never believes it has keys */
	CHECK_EQ(dtls_conn_state(cl), DTLS_FAILED);
	dtls_conn_free(cl);
	dtls_conn_free(sv);
}

static void garbage_is_not_a_handshake(void)
{
	struct wire w = { 0 };
	struct dtls_fingerprint fp = ours();
	struct dtls_conn *sv = dtls_conn_new(false, &fp, to_wire, &w);
	uint8_t junk[300];

	CHECK(sv);
	for (unsigned int i = 0; i < sizeof(junk); i++)
		junk[i] = (uint8_t)(i * 37 + 22);
	junk[0] = 22;	/* looks like a handshake record */
	for (size_t n = 0; n <= sizeof(junk); n += 13)
		dtls_conn_input(sv, junk, n);
	CHECK(dtls_conn_state(sv) != DTLS_CONNECTED);
	dtls_conn_free(sv);
}

static void fingerprint_values(void)
{
	struct dtls_fingerprint fp;
	const char *good = "sha-256 4A:AD:B9:B1:3F:82:18:3B:54:02:12:DF:3E:5D:49:6B:19:E5:7C:AB:"
			   "3A:1E:9F:3B:11:80:29:C0:A4:46:43:52";
	const char *bad[] = {
		"sha-256", "sha-256 ", "md5 4A:AD", "sha-256 4A:AD:B9",
		"sha-256 4A:AD:B9:B1:3F:82:18:3B:54:02:12:DF:3E:5D:49:6B:19:E5:7C:AB:3A:1E:9F:3B:"
		"11:80:29:C0:A4:46:43:52:",
		"sha-256 4AAD:B9:B1:3F:82:18:3B:54:02:12:DF:3E:5D:49:6B:19:E5:7C:AB:3A:1E:9F:3B:11:"
		"80:29:C0:A4:46:43:52",
		"sha-256 ZZ:AD:B9:B1:3F:82:18:3B:54:02:12:DF:3E:5D:49:6B:19:E5:7C:AB:3A:1E:9F:3B:11:"
		"80:29:C0:A4:46:43:52",
	};

	CHECK(!dtls_fingerprint_parse(good, strlen(good), &fp));
	CHECK(!strcmp(fp.hash, "sha-256") && fp.len == 32 && fp.fp[0] == 0x4a && fp.fp[31] == 0x52);
	const char *sha1 = "SHA-1 4A:AD:B9:B1:3F:82:18:3B:54:02:12:DF:3E:5D:49:6B:19:E5:7C:AB";

	CHECK(!dtls_fingerprint_parse(sha1, strlen(sha1), &fp));
	CHECK(!strcmp(fp.hash, "sha-1") && fp.len == 20);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CHECK(dtls_fingerprint_parse(bad[i], strlen(bad[i]), &fp));
	CHECK(!strncmp(dtls_our_fingerprint(), "sha-256 ", 8));
	CHECK_EQ(strlen(dtls_our_fingerprint()), 8 + 32 * 3 - 1);
}

/*
 * Chrome 156's ClientHello (tests/vectors/chromium-156-dtls-client-handshake.pcap, captured):
 * 1413 octets in two fragments (an X25519MLKEM768 key share), offering DTLS 1.3 and 1.2. The
 * server reassembles it, in either order, and answers with a DTLS 1.2 ServerHello.
 */
static size_t pcap_dtls_from(const uint8_t *pcap, size_t len, uint16_t sport, uint8_t out[][1500],
			     size_t *lens, size_t max)
{
	size_t off = 24, n = 0;

	while (off + 16 <= len && n < max) {
		uint32_t incl = (uint32_t)pcap[off + 8] | (uint32_t)pcap[off + 9] << 8 |
				(uint32_t)pcap[off + 10] << 16 | (uint32_t)pcap[off + 11] << 24;
		const uint8_t *ip = pcap + off + 16 + 14;	/* Ethernet */
		size_t ihl;

		off += 16 + incl;
		if (off > len || incl < 14 + 20 + 8)
			break;
		ihl = (size_t)(ip[0] & 15) * 4;
		if (ip[9] != 17 || (ip[ihl] << 8 | ip[ihl + 1]) != sport)
			continue;
		if (incl - 14 - ihl - 8 > 1500 || ip[ihl + 8] < 20 || ip[ihl + 8] > 63)
			continue;	/* not DTLS (RFC 7983) */
		lens[n] = incl - 14 - ihl - 8;
		memcpy(out[n], ip + ihl + 8, lens[n]);
		n++;
	}
	return n;
}

static void chrome_client_hello_reassembled(void)
{
	static uint8_t pcap[16384], dg[4][1500];
	size_t len, lens[4], n;
	FILE *f = fopen("tests/vectors/chromium-156-dtls-client-handshake.pcap", "rb");
	struct dtls_fingerprint fp = ours();

	CHECK(f);
	len = fread(pcap, 1, sizeof(pcap), f);
	fclose(f);
	n = pcap_dtls_from(pcap, len, 49890, dg, lens, 4);
	CHECK(n >= 2 && lens[0] == 1200 && dg[0][13] == 1);	/* ClientHello, fragment 1 */
	for (int order = 0; order < 2; order++) {
		struct wire w = { 0 };
		struct dtls_conn *sv = dtls_conn_new(false, &fp, to_wire, &w);

		CHECK(sv);
		dtls_conn_input(sv, dg[order ? 1 : 0], lens[order ? 1 : 0]);
		CHECK(w.n == 0);	/* half a ClientHello: nothing to say yet */
		dtls_conn_input(sv, dg[order ? 0 : 1], lens[order ? 0 : 1]);
		CHECK_EQ(dtls_conn_state(sv), DTLS_HANDSHAKING);
		CHECK(w.n >= 1 && w.len[0] > 13 + 12 + 2);
		/* record: handshake; message: ServerHello; server_version: DTLS 1.2 */
		CHECK_EQ(w.pkt[0][0], 22);
		CHECK_EQ(w.pkt[0][13], 2);
		CHECK(w.pkt[0][25] == 0xfe && w.pkt[0][26] == 0xfd);
		dtls_conn_free(sv);
	}
}

static const struct check_case cases[] = {
	CASE(fingerprint_values),
	CASE(handshake_and_keys),
	CASE(lost_flights_are_retransmitted),
	CASE(fingerprint_mismatch_fails),
	CASE(garbage_is_not_a_handshake),
	CASE(chrome_client_hello_reassembled),
};

int main(int argc, char **argv)
{
	char err[128];

	if (dtls_init(NULL, err, sizeof(err))) {
		printf("FAIL dtls.init: %s\n", err);
		return 1;
	}
	return check_run("dtls", cases, sizeof(cases) / sizeof(cases[0]), argc, argv);
}
