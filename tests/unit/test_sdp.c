// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * SDP parsing and rewriting: the real offers in tests/sdp/fixtures/ (sipML5 2013 with SDES,
 * Chromium 156 with DTLS, ICE and BUNDLE, and the bodies Kamailio and rtpengine exchanged in
 * tests/sdp/fixtures/kamailio-*.sdp), field by field; the empty rewrite gives every fixture
 * back octet for octet; rewrites of small hand-written bodies give exact text, with "\r\n"
 * and "\n" endings; rewriting Kamailio's offers as rtpengine was asked to gives rtpengine's
 * lines; malformed input and limits are refused with a reason.
 *
 * Run from the top of the tree (tests/run.sh does), where tests/sdp/fixtures/ is.
 */
#include "check.h"
#include "sdes.h"
#include "sdes_key.h"
#include "sdp.h"

#include <errno.h>
#include <sys/socket.h>

#define FIXTURES "tests/sdp/fixtures/"
#define HDR "v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\n"
#define MINI "v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\nm=audio 1 RTP/AVP 0\r\n"

static struct sdp sdp, sdp2;	/* large: kept out of the stack */
static char err[SDP_ERR_MAX];
static char text[1 << 18];

static const char *const fixtures[] = {
	"sipml5-chrome-2013", "chromium-156-offer", "chromium-156-offer-pcmu-first",
	"kamailio-plain-offer", "kamailio-plain-offer-reply", "kamailio-plain-answer",
	"kamailio-plain-answer-reply", "kamailio-sdes-offer", "kamailio-sdes-offer-reply",
	"kamailio-sdes-answer", "kamailio-sdes-answer-reply", "kamailio-cancel-offer",
	"kamailio-cancel-offer-reply", "kamailio-plain-offer-ours", "rewrite-all-in",
	"rewrite-all-out",
};

/* Reads FIXTURES<name>.sdp into buf; its length, or -1 (with a message). */
static long load(const char *name, char *buf, size_t cap)
{
	char path[256];
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), FIXTURES "%s.sdp", name);
	f = fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "  cannot open %s (run from the top of the tree)\n", path);
		return -1;
	}
	n = fread(buf, 1, cap, f);
	fclose(f);
	return n < cap ? (long)n : -1;
}

static int parse_str(struct sdp *s, const char *t)
{
	err[0] = '\0';
	return sdp_parse(s, t, strlen(t), err, sizeof(err));
}

/* Writes s rewritten by rw into sb (reset first); the result of sdp_write. */
static int rewrite(const struct sdp *s, const struct sdp_rewrite *rw, struct strbuf *sb)
{
	sb_reset(sb);
	err[0] = '\0';
	return sdp_write(s, rw, sb, err, sizeof(err));
}

static bool str_is(struct sdp_str s, const char *lit)
{
	if (sdp_str_eq(s, lit))
		return true;
	fprintf(stderr, "  got '%.*s', expected '%s'\n", (int)s.len, s.s ? s.s : "", lit);
	return false;
}

static bool text_is(const struct strbuf *sb, const char *want)
{
	if (sb->len == strlen(want) && !memcmp(sb->p, want, sb->len))
		return true;
	fprintf(stderr, "  got:\n%.*s\n  expected:\n%s\n", (int)sb->len, sb->p ? sb->p : "", want);
	return false;
}

/* Turns the "\r\n" endings of the C string t into "\n". */
static void to_lf(char *t)
{
	char *o = t;

	for (; *t; t++)
		if (*t != '\r')
			*o++ = *t;
	*o = '\0';
}

/* How often line (with its ending) is a whole line of t. */
static unsigned int count_line(const char *t, size_t tlen, const char *line, size_t len)
{
	unsigned int n = 0;

	for (size_t i = 0; i + len <= tlen; i++)
		n += (!i || t[i - 1] == '\n') && !memcmp(t + i, line, len);
	return n;
}

/* Whether a and b hold the same "\r\n" lines, in any order (equal lengths: nothing else). */
static bool same_lines(const char *a, size_t alen, const char *b, size_t blen)
{
	for (const char *p = a, *e; p < a + alen; p = e + 2) {
		e = memmem(p, (size_t)(a + alen - p), "\r\n", 2);
		if (!e || alen != blen || count_line(a, alen, p, (size_t)(e + 2 - p)) !=
					      count_line(b, blen, p, (size_t)(e + 2 - p))) {
			fprintf(stderr, "  line '%.*s' differs\n", e ? (int)(e - p) : 0, p);
			return false;
		}
	}
	return alen == blen;
}

static unsigned int count_tcp_candidates(const struct sdp_section *sec)
{
	const struct sdp_attr *a = NULL;
	unsigned int n = 0;

	while ((a = sdp_attr_find_id(sec, SDP_A_CANDIDATE, a))) {
		struct sdp_str v = a->value, tok;

		/* foundation component transport ... */
		sdp_token(&v, &tok);
		sdp_token(&v, &tok);
		if (sdp_token(&v, &tok) && sdp_str_caseeq(tok, "tcp"))
			n++;
	}
	return n;
}

static void sipml5_2013(void)
{
	const struct sdp_media *m = &sdp.media[0];
	const struct sdp_attr *a;
	struct sdp_crypto c;
	struct sdes_key key;
	struct sdes_line line;
	long n = load("sipml5-chrome-2013", text, sizeof(text));

	CHECK(n > 0);
	CHECK_EQ(sdp_parse(&sdp, text, (size_t)n, err, sizeof(err)), 0);
	CHECK(!strcmp(sdp.eol, "\r\n"));
	CHECK(str_is(sdp.origin.addr, "192.0.2.10") && sdp.origin.family == AF_INET);
	CHECK(!sdp.session.conn.present && str_is(sdp.bundle, "audio"));
	CHECK_EQ(sdp.n_media, 1);
	CHECK(str_is(m->type, "audio") && m->port == 35291 && m->port_count == 1);
	CHECK(str_is(m->proto, "RTP/SAVPF"));
	CHECK(sdp_proto_is_srtp(m->proto) && sdp_proto_is_avpf(m->proto));
	CHECK(!sdp_proto_is_dtls(m->proto));
	CHECK_EQ(m->n_fmts, 10);
	CHECK(str_is(m->fmts, "111 103 104 0 8 107 106 105 13 126"));
	CHECK(m->sec.conn.present && str_is(m->sec.conn.addr, "198.51.100.7"));
	CHECK(m->rtcp.present && m->rtcp.port == 35291 && str_is(m->rtcp.addr, "198.51.100.7"));
	/* This endpoint sends candidates but no ICE credentials, and no a=rtcp-mux. */
	CHECK(!m->sec.ice_ufrag.s && !m->sec.ice_pwd.s && !m->sec.rtcp_mux);
	CHECK_EQ(m->sec.n_candidates, 10);
	CHECK_EQ(count_tcp_candidates(&m->sec), 4);
	CHECK_EQ(m->sec.n_ssrc, 4);
	CHECK(m->sec.dir == SDP_DIR_NONE && m->dir == SDP_DIR_SENDRECV);
	CHECK_EQ(m->sec.n_crypto, 2);
	a = sdp_attr_find_id(&m->sec, SDP_A_CRYPTO, NULL);
	CHECK(a && sdp_crypto_get(a, &c) == 0);
	CHECK(c.tag == 0 && str_is(c.suite, "AES_CM_128_HMAC_SHA1_32"));
	CHECK(str_is(c.key_params, "inline:KAECDDgcHP+us1cLDMQnMU7r7tPUGp20csN2YXpx"));
	CHECK(!c.session_params.s);
	a = sdp_attr_find(&m->sec, "crypto", a);
	CHECK(a && sdp_crypto_get(a, &c) == 0);
	CHECK(c.tag == 1 && str_is(c.suite, "AES_CM_128_HMAC_SHA1_80"));
	CHECK(!sdp_attr_find(&m->sec, "crypto", a));
	/* The spans are what the SDES code takes. */
	CHECK_EQ(sdes_key_parse(c.key_params.s, c.key_params.len,
				srtp_suite_get(SRTP_AES_CM_128_HMAC_SHA1_80), &key, err,
				sizeof(err)), 0);
	CHECK_EQ(key.key_len, 16);
	CHECK_EQ(sdes_parse_line(a->value.s, a->value.len, &line, err, sizeof(err)), 0);
	CHECK(line.tag == 1 && line.pol.suite == SRTP_AES_CM_128_HMAC_SHA1_80);
	a = sdp_attr_find(&sdp.session, "msid-semantic", NULL);
	CHECK(a && str_is(a->value, " WMS akLep2Ro5PJZMHZbFqARiPlU485AHVNwnnUK"));
}

static void chromium_156(void)
{
	static const struct {
		const char *name, *ufrag, *first_fmt;
		uint16_t port;
	} cases[] = {
		{ "chromium-156-offer", "1H2y", "111", 49944 },
		{ "chromium-156-offer-pcmu-first", "uKS2", "0", 49890 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct sdp_media *m = &sdp.media[0];
		const struct sdp_attr *a = NULL;
		struct sdp_str fmts, tok;
		long n = load(cases[i].name, text, sizeof(text));
		unsigned int extmaps = 0;

		CHECK(n > 0);
		CHECK_EQ(sdp_parse(&sdp, text, (size_t)n, err, sizeof(err)), 0);
		CHECK(str_is(sdp.bundle, "0") && sdp.session.n_attrs == 3 && !sdp.session.ice_lite);
		CHECK(sdp_attr_find(&sdp.session, "extmap-allow-mixed", NULL));
		CHECK(sdp.n_media == 1 && m->port == cases[i].port);
		CHECK(str_is(m->proto, "UDP/TLS/RTP/SAVPF"));
		CHECK(sdp_proto_is_dtls(m->proto) && sdp_proto_is_srtp(m->proto));
		CHECK_EQ(m->n_fmts, 8);
		fmts = m->fmts;
		CHECK(sdp_token(&fmts, &tok) && str_is(tok, cases[i].first_fmt));
		CHECK(str_is(m->sec.mid, "0"));
		CHECK(str_is(m->sec.fingerprint_hash, "sha-256") && m->sec.fingerprint.len == 95);
		CHECK(str_is(m->sec.setup, "actpass"));
		CHECK(str_is(m->sec.ice_ufrag, cases[i].ufrag));
		CHECK_EQ(m->sec.ice_pwd.len, 24);
		CHECK(str_is(m->sec.ice_options, "trickle"));
		CHECK(m->sec.n_candidates == 2 && count_tcp_candidates(&m->sec) == 1);
		CHECK(!m->sec.end_of_candidates && m->sec.rtcp_mux);
		CHECK(m->rtcp.present && m->rtcp.port == 9 && str_is(m->rtcp.addr, "0.0.0.0"));
		CHECK(m->sec.dir == SDP_DIR_SENDRECV && m->sec.n_ssrc == 2 && !m->sec.n_crypto);
		while ((a = sdp_attr_find(&m->sec, "extmap", a)))
			extmaps++;
		CHECK_EQ(extmaps, 4);
		CHECK_EQ(m->sec.n_attrs, 31);
	}
}

/* The empty rewrite gives back every fixture exactly, with "\r\n" and with "\n". */
static void identity_fixtures(void)
{
	struct strbuf sb = STRBUF_INIT;
	static struct sdp_rewrite none;

	for (size_t i = 0; i < sizeof(fixtures) / sizeof(fixtures[0]); i++) {
		long n = load(fixtures[i], text, sizeof(text) - 1);

		CHECK(n > 0);
		text[n] = '\0';
		CHECK_EQ(sdp_parse(&sdp, text, (size_t)n, err, sizeof(err)), 0);
		CHECK_EQ(rewrite(&sdp, NULL, &sb), 0);
		CHECK_EQ(sb.len, n);
		CHECK_MEM(sb.p, text, (size_t)n);
		CHECK_EQ(rewrite(&sdp, &none, &sb), 0);
		CHECK(text_is(&sb, text));
		to_lf(text);
		CHECK_EQ(parse_str(&sdp, text), 0);
		CHECK(!strcmp(sdp.eol, "\n"));
		CHECK_EQ(rewrite(&sdp, NULL, &sb), 0);
		CHECK(text_is(&sb, text));
	}
	sb_free(&sb);
}

enum match { SAME_LINES, EXACT, EXACT_LF };

/*
 * Rewrites fixture in with rw and compares with fixture want: as sets of lines, exactly, or
 * exactly after both had their "\r\n" turned into "\n". The result must parse (into sdp2,
 * which points into a buffer kept until the next call).
 */
static bool fixture_case(const char *in, const char *want, const struct sdp_rewrite *rw,
			 enum match how)
{
	static char wbuf[8192];
	static struct strbuf sb = STRBUF_INIT;
	long n = load(in, text, sizeof(text) - 1), wn = load(want, wbuf, sizeof(wbuf) - 1);
	bool ok = n > 0 && wn > 0;

	if (ok) {
		text[n] = wbuf[wn] = '\0';
		if (how == EXACT_LF) {
			to_lf(text);
			to_lf(wbuf);
		}
		ok = !parse_str(&sdp, text) && !rewrite(&sdp, rw, &sb) &&
		     (how == SAME_LINES ? same_lines(sb.p, sb.len, wbuf, (size_t)wn)
					: text_is(&sb, wbuf)) &&
		     !sdp_parse(&sdp2, sb.p, sb.len, err, sizeof(err));
	}
	if (!ok)
		fprintf(stderr, "  %s -> %s: %s\n%.*s\n", in, want, err, (int)sb.len,
			sb.p ? sb.p : "");
	return ok;
}

/* Kamailio's call (plain-offer...) rewritten with rw has the lines of rtpengine's reply. */
static bool kamailio_case(const char *call, const struct sdp_rewrite *rw)
{
	char in[64], reply[64];

	snprintf(in, sizeof(in), "kamailio-%s", call);
	snprintf(reply, sizeof(reply), "kamailio-%s-reply", call);
	return fixture_case(in, reply, rw, SAME_LINES);
}

static void kamailio_rw(struct sdp_rewrite *rw, uint16_t port)
{
	memset(rw, 0, sizeof(*rw));
	rw->origin_addr = rw->session_addr = "127.0.0.1";
	rw->origin_family = rw->session_family = AF_INET;
	rw->media[0].port = port;
	rw->media[0].rtcp = SDP_RTCP_SET;
	rw->media[0].rtcp_port = (uint16_t)(port + 1);
}

/* The plain call: "replace-origin replace-session-connection", offer, answer and cancel. */
static void kamailio_plain(void)
{
	struct sdp_rewrite rw;

	kamailio_rw(&rw, 35000);
	CHECK(kamailio_case("plain-offer", &rw));
	/* In our order: rtpengine's lines, a=rtcp appended rather than before a=ptime. */
	CHECK(fixture_case("kamailio-plain-offer", "kamailio-plain-offer-ours", &rw, EXACT));
	/* The answer had a=rtcp with an address: replaced where it was. */
	kamailio_rw(&rw, 35010);
	CHECK(kamailio_case("plain-answer", &rw));
	kamailio_rw(&rw, 35056);
	CHECK(kamailio_case("cancel-offer", &rw));
}

/*
 * The SDES call: the offer "ICE=remove DTLS=off RTP/AVP" (no session c=: the media's is
 * replaced), the answer "ICE=remove RTP/SAVP" with our a=crypto.
 */
static void kamailio_sdes(void)
{
	static const char *const crypto[] = {
		"crypto:1 AES_CM_128_HMAC_SHA1_80 inline:0cLWuNx9idRw5orybpzBkSvB5yOsFYNQLft1cNVM",
	};
	struct sdp_rewrite rw;

	kamailio_rw(&rw, 35026);
	rw.media[0].proto = "RTP/AVP";
	rw.media[0].drop = SDP_DROP_CRYPTO | SDP_DROP_ICE | SDP_DROP_DTLS;
	CHECK(kamailio_case("sdes-offer", &rw));
	CHECK(!sdp2.session.conn.present);
	CHECK(str_is(sdp2.media[0].sec.conn.addr, "127.0.0.1"));
	CHECK(!sdp2.media[0].sec.n_crypto && !sdp2.media[0].sec.n_candidates);
	kamailio_rw(&rw, 35044);
	rw.media[0].proto = "RTP/SAVP";
	rw.media[0].add = crypto;
	rw.media[0].n_add = 1;
	CHECK(kamailio_case("sdes-answer", &rw));
	CHECK_EQ(sdp2.media[0].sec.n_crypto, 1);
}

static void small_rw(struct sdp_rewrite *rw)
{
	static const char *const sess_add[] = { "x-relay:1" };
	static const char *const crypto[] = {
		"crypto:7 AES_CM_128_HMAC_SHA1_32 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR",
	};

	memset(rw, 0, sizeof(*rw));
	rw->origin_addr = rw->session_addr = "2001:db8::1";
	rw->origin_family = rw->session_family = AF_INET6;
	rw->session_drop = SDP_DROP_ICE;
	rw->session_add = sess_add;
	rw->n_session_add = 1;
	rw->media[0] = (struct sdp_media_rw){
		.port = 40000, .proto = "RTP/AVP", .conn_addr = "203.0.113.5",
		.conn_family = AF_INET, .rtcp = SDP_RTCP_SET, .rtcp_port = 40001,
		.rtcp_addr = "203.0.113.5", .rtcp_family = AF_INET, .rtcp_mux = true,
		.direction = "sendrecv", .drop = SDP_DROP_CRYPTO | SDP_DROP_ICE,
		.add = crypto, .n_add = 1,
	};
	/* Rejected: port 0, its mux dropped, a direction appended; c= as the session's. */
	rw->media[1] = (struct sdp_media_rw){
		.reject = true, .rtcp = SDP_RTCP_DROP, .drop = SDP_DROP_RTCP_MUX,
		.direction = "inactive", .conn_addr = "2001:db8::1", .conn_family = AF_INET6,
	};
}

static void small_parse(void)
{
	const struct sdp_media *a = &sdp.media[0], *v = &sdp.media[1];
	struct sdp_crypto c;
	long n = load("rewrite-all-in", text, sizeof(text));

	CHECK(n > 0);
	CHECK_EQ(sdp_parse(&sdp, text, (size_t)n, err, sizeof(err)), 0);
	CHECK(sdp.session.ice_lite);
	CHECK(str_is(sdp.bundle, "a v"));
	CHECK(str_is(sdp.session.conn.addr, "192.0.2.1"));
	CHECK_EQ(sdp.n_media, 2);
	CHECK(a->port == 5000 && a->port_count == 2);
	CHECK(a->rtcp.present && a->rtcp.port == 5001 && !a->rtcp.addr.s);
	CHECK(!a->sec.conn.present && sdp_media_conn(&sdp, a) == &sdp.session.conn);
	CHECK_EQ(a->dir, SDP_DIR_SENDONLY);
	CHECK_EQ(v->dir, SDP_DIR_SENDRECV);
	CHECK(!v->rtcp.present && v->sec.rtcp_mux);
	CHECK_EQ(sdp_crypto_get(sdp_attr_find_id(&a->sec, SDP_A_CRYPTO, NULL), &c), 0);
	CHECK(str_is(c.key_params, "inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|2^20|1:4"));
	CHECK(str_is(c.session_params, "UNENCRYPTED_SRTCP"));
	CHECK(str_is(v->sec.mid, "v"));
	CHECK_EQ(v->sec.attrs[0].lineno, 19);
}

/* Every kind of change at once, exactly, in both line endings. */
static void small_rewrite(void)
{
	struct sdp_rewrite rw;

	small_rw(&rw);
	CHECK(fixture_case("rewrite-all-in", "rewrite-all-out", &rw, EXACT));
	CHECK_EQ(sdp2.media[1].port, 0);
	CHECK_EQ(sdp2.media[0].dir, SDP_DIR_SENDRECV);
	CHECK(fixture_case("rewrite-all-in", "rewrite-all-out", &rw, EXACT_LF));
}

static void conn_placement(void)
{
	static const char in[] = "v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\ns=-\r\nc=IN IP4 10.0.0.1\r\n"
				 "t=0 0\r\nm=audio 4000 RTP/AVP 0\r\nb=AS:64\r\n";
	struct strbuf sb = STRBUF_INIT;
	struct sdp_rewrite rw;

	CHECK_EQ(parse_str(&sdp, in), 0);
	memset(&rw, 0, sizeof(rw));
	/* The session's c= says the same: no media c=. */
	rw.media[0].conn_addr = "10.0.0.1";
	rw.media[0].conn_family = AF_INET;
	CHECK_EQ(rewrite(&sdp, &rw, &sb), 0);
	CHECK(text_is(&sb, in));
	/* It says something else: a c= after m=, before b=. */
	rw.media[0].conn_addr = "10.0.0.2";
	CHECK_EQ(rewrite(&sdp, &rw, &sb), 0);
	CHECK(strstr(sb.p, "m=audio 4000 RTP/AVP 0\r\nc=IN IP4 10.0.0.2\r\nb=AS:64\r\n"));
	/* Unless the session's becomes the same. */
	rw.session_addr = "10.0.0.2";
	rw.session_family = AF_INET;
	CHECK_EQ(rewrite(&sdp, &rw, &sb), 0);
	CHECK(strstr(sb.p, "c=IN IP4 10.0.0.2\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\nb=AS:64\r\n"));
	/* A port change drops "/2"; a proto change alone keeps it. */
	CHECK_EQ(parse_str(&sdp, "v=0\no=- 1 1 IN IP4 1.2.3.4\nm=audio 5000/2 RTP/AVP 0  8\n"), 0);
	memset(&rw, 0, sizeof(rw));
	rw.media[0].proto = "RTP/SAVP";
	CHECK_EQ(rewrite(&sdp, &rw, &sb), 0);
	CHECK(text_is(&sb, "v=0\no=- 1 1 IN IP4 1.2.3.4\nm=audio 5000/2 RTP/SAVP 0  8\n"));
	rw.media[0].port = 6000;
	CHECK_EQ(rewrite(&sdp, &rw, &sb), 0);
	CHECK(text_is(&sb, "v=0\no=- 1 1 IN IP4 1.2.3.4\nm=audio 6000 RTP/SAVP 0  8\n"));
	sb_free(&sb);
}

/* No ending on the last line, and trailing empty lines: both kept, new lines fit in. */
static void line_endings(void)
{
	static const char open_end[] = MINI "a=sendrecv", tail[] = MINI "\r\n\r\n";
	struct strbuf sb = STRBUF_INIT;
	struct sdp_rewrite rw;

	CHECK_EQ(parse_str(&sdp, open_end), 0);
	CHECK_EQ(rewrite(&sdp, NULL, &sb), 0);
	CHECK(text_is(&sb, open_end));
	memset(&rw, 0, sizeof(rw));
	rw.media[0].rtcp = SDP_RTCP_SET;
	rw.media[0].rtcp_port = 2;
	CHECK_EQ(rewrite(&sdp, &rw, &sb), 0);
	CHECK(text_is(&sb, MINI "a=sendrecv\r\na=rtcp:2\r\n"));
	/* The direction replaced on the open line stays open. */
	rw.media[0].rtcp = SDP_RTCP_KEEP;
	rw.media[0].direction = "recvonly";
	CHECK_EQ(rewrite(&sdp, &rw, &sb), 0);
	CHECK(text_is(&sb, MINI "a=recvonly"));
	CHECK_EQ(parse_str(&sdp, tail), 0);
	CHECK_EQ(sdp.tail.len, 4);
	CHECK_EQ(rewrite(&sdp, NULL, &sb), 0);
	CHECK(text_is(&sb, tail));
	rw.media[0].direction = NULL;
	rw.media[0].rtcp_mux = true;
	CHECK_EQ(rewrite(&sdp, &rw, &sb), 0);
	CHECK(text_is(&sb, MINI "a=rtcp-mux\r\n\r\n\r\n"));
	/* Not twice; and a media-level a=group is no session BUNDLE. */
	CHECK_EQ(parse_str(&sdp, MINI "a=rtcp-mux\r\na=group:BUNDLE 0\r\n"), 0);
	CHECK(!sdp.bundle.s);
	CHECK_EQ(rewrite(&sdp, &rw, &sb), 0);
	CHECK(text_is(&sb, MINI "a=rtcp-mux\r\na=group:BUNDLE 0\r\n"));
	sb_free(&sb);
}

/* Whether sdp_write refuses rw for sdp, saying why. */
static bool bad_rewrite(const struct sdp_rewrite *rw, const char *why)
{
	struct strbuf sb = STRBUF_INIT;
	bool ok = rewrite(&sdp, rw, &sb) == -EINVAL && !strcmp(err, why);

	if (!ok)
		fprintf(stderr, "  got '%s', expected '%s'\n", err, why);
	sb_free(&sb);
	return ok;
}

static void malformed(void)
{
	static const struct {
		const char *in;
		const char *reason;
	} cases[] = {
		{ "", "SDP: empty" },
		{ "o=- 1 1 IN IP4 1.2.3.4\r\n", "SDP line 1: no v= line" },
		{ "\r\nv=0\r\n", "SDP line 1: no v= line" },
		{ "v=1\r\n", "SDP line 1: unsupported SDP version" },
		{ "v=0\r\ns=-\r\nt=0 0\r\n", "SDP: no o= line" },
		{ "v=0\r\no=- 1 IN IP4 1.2.3.4\r\n", "SDP line 2: bad o= line" },
		{ "v=0\r\no=- 1 1 IN IPX 1.2.3.4\r\n", "SDP line 2: bad o= line" },
		{ HDR "o=- 1 1 IN IP4 1.2.3.4\r\n", "SDP line 4: more than one o= line" },
		{ MINI "o=- 1 1 IN IP4 1.2.3.4\r\n", "SDP line 4: o= line inside" },
		{ HDR "t=0 0\r\nm=audio 70000 RTP/AVP 0\r\n", "SDP line 5: bad m= port" },
		{ HDR "t=0 0\r\nm=audio 12a RTP/AVP 0\r\n", "SDP line 5: bad m= port" },
		{ HDR "t=0 0\r\nm=audio -1 RTP/AVP 0\r\n", "SDP line 5: bad m= port" },
		{ HDR "t=0 0\r\nm=audio 5000/0 RTP/AVP 0\r\n", "SDP line 5: bad m= port" },
		{ HDR "t=0 0\r\nm=audio 5000/ RTP/AVP 0\r\n", "SDP line 5: bad m= port" },
		{ HDR "t=0 0\r\nm=audio 000000 RTP/AVP 0\r\n", "SDP line 5: bad m= port" },
		{ HDR "m=audio 5000\r\n", "SDP line 4: bad m= line" },
		{ HDR "c=IN IP4\r\n", "SDP line 4: bad c= line" },
		{ HDR "c=IN IP5 1.2.3.4\r\n", "SDP line 4: bad c= line" },
		{ HDR "c=XX IP4 1.2.3.4\r\n", "SDP line 4: bad c= line" },
		{ HDR "c=IN IP4 1.2.3.4 5\r\n", "SDP line 4: bad c= line" },
		{ HDR "c=IN IP4 /127\r\n", "SDP line 4: bad c= line" },
		{ HDR "c=IN IP4 1.2.3.4\r\nc=IN IP4 1.2.3.4\r\n", "SDP line 5: more than one c=" },
		{ HDR "s\r\n", "SDP line 4: not a type=value line" },
		{ HDR "1=x\r\n", "SDP line 4: not a type=value line" },
		{ HDR "\r\na=x\r\n", "SDP line 4: empty line" },
		{ HDR "a=x\rb\r\n", "SDP line 4: CR inside a line" },
		{ HDR "a=x\r", "SDP line 4: CR inside a line" },
		{ MINI "a=rtcp:x\r\n", "SDP line 4: bad a=rtcp port" },
		{ MINI "a=rtcp\r\n", "SDP line 4: bad a=rtcp port" },
		{ MINI "a=rtcp:9 IN IP4\r\n", "SDP line 4: bad a=rtcp address" },
		{ MINI "a=crypto:1 AES_CM_128_HMAC_SHA1_80\r\n", "SDP line 4: bad a=crypto" },
		{ MINI "a=crypto:x AES inline:x\r\n", "SDP line 4: bad a=crypto" },
		{ HDR "a=fingerprint:sha-256\r\n", "SDP line 4: bad a=fingerprint" },
	};
	struct sdp_rewrite rw;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (parse_str(&sdp, cases[i].in) != -EINVAL ||
		    strncmp(err, cases[i].reason, strlen(cases[i].reason))) {
			fprintf(stderr, "  %zu: '%s', expected '%s'\n", i, err, cases[i].reason);
			CHECK(0);
		}
	}
	/* A NUL octet, which a C string cannot show. */
	CHECK_EQ(sdp_parse(&sdp, HDR "a=x\0y\r\n", sizeof(HDR) + 7, err, sizeof(err)), -EINVAL);
	CHECK(!strcmp(err, "SDP line 4: NUL octet"));
	/* Rewrites that would not make SDP. */
	CHECK_EQ(parse_str(&sdp, MINI), 0);
	memset(&rw, 0, sizeof(rw));
	rw.origin_addr = "1.2.3.4\r\na=evil";
	rw.origin_family = AF_INET;
	CHECK(bad_rewrite(&rw, "bad rewrite: origin"));
	rw.origin_addr = "1.2.3.4";
	rw.origin_family = 0;
	CHECK(bad_rewrite(&rw, "bad address family: origin"));
	rw.origin_addr = NULL;
	rw.media[0].direction = "sideways";
	CHECK(bad_rewrite(&rw, "bad direction: sideways"));
	rw.media[0].direction = NULL;
	rw.media[0].proto = "RTP/AVP 0";
	CHECK(bad_rewrite(&rw, "bad rewrite: proto"));
	rw.media[0].proto = NULL;
	rw.media[0].add = (const char *const[]){ "crypto:1 AES_CM_128_HMAC_SHA1_80" };
	rw.media[0].n_add = 1;
	CHECK(bad_rewrite(&rw, "bad extra attribute: bad a=crypto"));
}

/* Builds HDR + n_media m= sections of n_attrs a= lines each (+ one line of line_len). */
static size_t build(char *out, size_t cap, unsigned int n_media, unsigned int n_attrs,
		    size_t line_len)
{
	size_t n = (size_t)snprintf(out, cap, HDR);

	for (unsigned int i = 0; i < n_media && n < cap; i++) {
		n += (size_t)snprintf(out + n, cap - n, "m=audio %u RTP/AVP 0\r\n", 2000 + 2 * i);
		for (unsigned int k = 0; k < n_attrs && n < cap; k++)
			n += (size_t)snprintf(out + n, cap - n, "a=x-%u\r\n", k);
	}
	if (line_len && n + line_len + 2 < cap) {
		memcpy(out + n, "a=", 2);
		memset(out + n + 2, 'x', line_len - 2);
		memcpy(out + n + line_len, "\r\n", 2);
		n += line_len + 2;
	}
	return n;
}

/* Whether the first n octets of text are refused, saying why. */
static bool refused(size_t n, const char *why)
{
	if (sdp_parse(&sdp, text, n, err, sizeof(err)) == -EINVAL && !strcmp(err, why))
		return true;
	fprintf(stderr, "  got '%s', expected '%s'\n", err, why);
	return false;
}

static void limits(void)
{
	static const char *const more[] = { "x-more" };
	struct sdp_rewrite rw;
	size_t n;

	n = build(text, sizeof(text), SDP_MAX_MEDIA, 4, 0);
	CHECK_EQ(sdp_parse(&sdp, text, n, err, sizeof(err)), 0);
	CHECK_EQ(sdp.n_media, SDP_MAX_MEDIA);
	n = build(text, sizeof(text), SDP_MAX_MEDIA + 1, 0, 0);
	CHECK(refused(n, "SDP line 36: more than 32 m= lines"));
	n = build(text, sizeof(text), 1, SDP_MAX_ATTRS, 0);
	CHECK_EQ(sdp_parse(&sdp, text, n, err, sizeof(err)), 0);
	CHECK_EQ(sdp.media[0].sec.n_attrs, SDP_MAX_ATTRS);
	/* The writer will not make a section the parser refuses. */
	memset(&rw, 0, sizeof(rw));
	rw.media[0].add = more;
	rw.media[0].n_add = 1;
	CHECK(bad_rewrite(&rw, "too many attributes in a section"));
	n = build(text, sizeof(text), 1, SDP_MAX_ATTRS + 1, 0);
	CHECK(refused(n, "SDP line 517: more than 512 a= lines in one section"));
	n = build(text, sizeof(text), SDP_MAX_MEDIA, SDP_MAX_ATTRS_TOTAL / SDP_MAX_MEDIA, 0);
	CHECK_EQ(sdp_parse(&sdp, text, n, err, sizeof(err)), 0);
	CHECK_EQ(sdp.n_attr_pool, SDP_MAX_ATTRS_TOTAL);
	n = build(text, sizeof(text), SDP_MAX_MEDIA, SDP_MAX_ATTRS_TOTAL / SDP_MAX_MEDIA + 1, 0);
	CHECK(refused(n, "SDP line 2084: more than 2048 a= lines"));
	n = build(text, sizeof(text), 1, 0, SDP_MAX_LINE);
	CHECK_EQ(sdp_parse(&sdp, text, n, err, sizeof(err)), 0);
	CHECK_EQ(sdp.media[0].sec.attrs[0].name.len, SDP_MAX_LINE - 2);
	n = build(text, sizeof(text), 1, 0, SDP_MAX_LINE + 1);
	CHECK(refused(n, "SDP line 5: line longer than 4096 octets"));
	/* Without an ending, too: the parser reads no further than len. */
	CHECK(refused(n - 2, "SDP line 5: line longer than 4096 octets"));
}

static void helpers(void)
{
	static const struct {
		const char *proto;
		bool rtp, srtp, avpf, dtls;
	} protos[] = {
		{ "RTP/AVP", 1, 0, 0, 0 }, { "RTP/SAVP", 1, 1, 0, 0 }, { "RTP/AVPF", 1, 0, 1, 0 },
		{ "RTP/SAVPF", 1, 1, 1, 0 }, { "UDP/TLS/RTP/SAVP", 1, 1, 0, 1 },
		{ "UDP/TLS/RTP/SAVPF", 1, 1, 1, 1 }, { "UDP/DTLS/SCTP", 0, 0, 0, 1 },
		{ "udp", 0, 0, 0, 0 }, { "RTP/SAVPFX", 1, 0, 0, 0 }, { "SAVP/RTP", 1, 0, 0, 0 },
	};
	struct sdp_str list = { "  a  bb c ", 10 }, tok;

	for (size_t i = 0; i < sizeof(protos) / sizeof(protos[0]); i++) {
		struct sdp_str p = { protos[i].proto, strlen(protos[i].proto) };

		if (sdp_proto_is_rtp(p) != protos[i].rtp ||
		    sdp_proto_is_srtp(p) != protos[i].srtp ||
		    sdp_proto_is_avpf(p) != protos[i].avpf ||
		    sdp_proto_is_dtls(p) != protos[i].dtls) {
			fprintf(stderr, "  %s\n", protos[i].proto);
			CHECK(0);
		}
	}
	CHECK(sdp_token(&list, &tok) && str_is(tok, "a"));
	CHECK(sdp_token(&list, &tok) && str_is(tok, "bb"));
	CHECK(sdp_token(&list, &tok) && str_is(tok, "c"));
	CHECK(!sdp_token(&list, &tok));
	CHECK(!strcmp(sdp_dir_name(SDP_DIR_INACTIVE), "inactive") && !sdp_dir_name(SDP_DIR_NONE));
	/* Effective directions: the media's, else the session's. */
	CHECK_EQ(parse_str(&sdp, HDR "a=recvonly\r\nm=audio 1 RTP/AVP 0\r\nm=audio 3 RTP/AVP 0\r\n"
			   "a=inactive\r\na=SENDONLY\r\n"), 0);
	CHECK_EQ(sdp.session.dir, SDP_DIR_RECVONLY);
	CHECK_EQ(sdp.media[0].dir, SDP_DIR_RECVONLY);
	CHECK_EQ(sdp.media[1].dir, SDP_DIR_INACTIVE);
	CHECK(sdp_attr_find(&sdp.media[1].sec, "sendonly", NULL) == &sdp.media[1].sec.attrs[1]);
	CHECK(!sdp_attr_find(&sdp.media[0].sec, "sendonly", NULL));
	CHECK(sdp_media_attr(&sdp, &sdp.media[0], "recvonly") == &sdp.session.attrs[0]);
	CHECK(sdp_media_attr(&sdp, &sdp.media[1], "inactive") == &sdp.media[1].sec.attrs[0]);
	CHECK(sdp_media_conn(&sdp, &sdp.media[0]) == NULL);
	/* The digest keeps the first of a kind. */
	CHECK_EQ(parse_str(&sdp, MINI "a=mid:x\r\na=mid:y\r\na=setup:active\r\na=setup:x\r\n"), 0);
	CHECK(str_is(sdp.media[0].sec.mid, "x") && str_is(sdp.media[0].sec.setup, "active"));
	CHECK_EQ(sdp_attr_check("crypto:1 X inline:y", 19, err, sizeof(err)), 0);
	CHECK_EQ(sdp_attr_check("rtcp:99999", 10, err, sizeof(err)), -EINVAL);
	CHECK(!strcmp(err, "bad a=rtcp port"));
}

/* Heavy rewrites of every fixture parse again and say what was asked. */
static void rewrite_reparses(void)
{
	struct strbuf sb = STRBUF_INIT;
	static struct sdp_rewrite rw;

	for (size_t i = 0; i < sizeof(fixtures) / sizeof(fixtures[0]); i++) {
		long n = load(fixtures[i], text, sizeof(text));

		CHECK(n > 0);
		CHECK_EQ(sdp_parse(&sdp, text, (size_t)n, err, sizeof(err)), 0);
		small_rw(&rw);
		rw.media[1].reject = false;
		CHECK_EQ(rewrite(&sdp, &rw, &sb), 0);
		CHECK_EQ(sdp_parse(&sdp2, sb.p, sb.len, err, sizeof(err)), 0);
		CHECK_EQ(sdp2.n_media, sdp.n_media);
		CHECK_EQ(sdp2.media[0].port, 40000);
		CHECK(str_is(sdp2.media[0].proto, "RTP/AVP"));
		CHECK(str_is(sdp2.origin.addr, "2001:db8::1"));
		CHECK_EQ(sdp2.media[0].sec.n_crypto, 1);
		CHECK(!sdp2.media[0].sec.n_candidates && !sdp2.media[0].sec.ice_ufrag.s);
		CHECK(sdp2.media[0].sec.rtcp_mux);
		CHECK_EQ(sdp2.media[0].rtcp.port, 40001);
		CHECK(str_is(sdp2.media[0].rtcp.addr, "203.0.113.5"));
		CHECK_EQ(sdp2.media[0].dir, SDP_DIR_SENDRECV);
		CHECK(str_is(sdp2.media[0].sec.conn.addr, "203.0.113.5"));
		CHECK_EQ(sdp2.session.n_attrs, sdp.session.n_attrs + 1 - sdp.session.ice_lite);
	}
	sb_free(&sb);
}

static const struct check_case cases[] = {
	CASE(sipml5_2013),
	CASE(chromium_156),
	CASE(identity_fixtures),
	CASE(kamailio_plain),
	CASE(kamailio_sdes),
	CASE(small_parse),
	CASE(small_rewrite),
	CASE(conn_placement),
	CASE(line_endings),
	CASE(malformed),
	CASE(limits),
	CASE(helpers),
	CASE(rewrite_reparses),
};

CHECK_MAIN("sdp", cases)
