// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * srtprelay-ctl's command lines, without a kernel: "flow add" words into struct kflow,
 * addresses, numbers, port ranges, and the dump output (words and JSON). ctl/ is not part
 * of libsrtprelay.a, so its two socket-free files are compiled into this test directly.
 */
#include "check.h"

#include "ctl.h"
#include "sdes_key.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>

#include <net/if.h>

/* RFC 4568's example key (30 octets) and a 44-octet one for AES-256 / GCM-256. */
#define KEY128 "inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR"
#define KEY256 "inline:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKis="
/* 46 octets, for AES_256_CM (32-octet key, 14-octet salt). */
#define KEY256CM "inline:ZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXp7fH1+f4CBgoOEhYaHiImKi4yNjo+QkQ=="

/* Splits a command line at spaces into argv (words are never empty here). */
static int split(char *line, char **argv, int max)
{
	int argc = 0;

	for (char *w = strtok(line, " "); w && argc < max; w = strtok(NULL, " "))
		argv[argc++] = w;
	return argc;
}

static int parse_line(const char *text, struct kflow *f, char *err)
{
	char line[1024], *argv[64];
	int argc;

	snprintf(line, sizeof(line), "%s", text);
	argc = split(line, argv, 64);
	err[0] = '\0';
	return ctl_parse_flow(argc, argv, f, err, CTL_ERR_MAX);
}

static uint16_t port_of(const struct sockaddr_storage *ss)
{
	return ntohs(ss->ss_family == AF_INET ? ((const struct sockaddr_in *)ss)->sin_port :
						((const struct sockaddr_in6 *)ss)->sin6_port);
}

static bool addr_is(const struct sockaddr_storage *ss, const char *text)
{
	char buf[128];

	ctl_format_addr(ss, buf, sizeof(buf));
	return !strcmp(buf, text);
}

/* The issue's own example. */
static void issue_example(void)
{
	char err[CTL_ERR_MAX];
	uint8_t raw[30];
	struct kflow f;

	CHECK_EQ(parse_line("10.0.0.1:30000 to 10.0.1.2:4000 from 10.0.1.1:30002 decrypt "
			    "AES_CM_128_HMAC_SHA1_80 " KEY128 " encrypt AEAD_AES_256_GCM " KEY256,
			    &f, err), 0);
	CHECK(addr_is(&f.local, "10.0.0.1:30000"));
	CHECK(addr_is(&f.peer, "10.0.1.2:4000"));
	CHECK(addr_is(&f.source, "10.0.1.1:30002"));
	CHECK_EQ(f.expect.ss_family, AF_UNSPEC);
	CHECK_EQ(f.media, SRTPRELAY_MEDIA_RTP);
	CHECK(!f.flags && !f.set_flags && !f.npt && !f.has_cookie);
	CHECK(f.decrypt.present);
	CHECK_EQ(f.decrypt.suite, SRTPRELAY_SUITE_AES_CM_128_HMAC_SHA1_80);
	CHECK_EQ(sdes_base64_decode(&KEY128[7], 40, raw, sizeof(raw)), 30);
	CHECK_EQ(f.decrypt.key_len, 16);
	CHECK_MEM(f.decrypt.key, raw, 16);
	CHECK_EQ(f.decrypt.salt_len, 14);
	CHECK_MEM(f.decrypt.salt, raw + 16, 14);
	CHECK(f.encrypt.present);
	CHECK_EQ(f.encrypt.suite, SRTPRELAY_SUITE_AEAD_AES_256_GCM);
	CHECK_EQ(f.encrypt.key_len, 32);
	CHECK_EQ(f.encrypt.salt_len, 12);
	for (int i = 0; i < 32; i++)
		CHECK_EQ(f.encrypt.key[i], i);
	for (int i = 0; i < 12; i++)
		CHECK_EQ(f.encrypt.salt[i], 32 + i);
}

static void every_option(void)
{
	char err[CTL_ERR_MAX];
	struct kflow f;

	CHECK_EQ(parse_line("[2001:db8::1]:30000 from [2001:db8::1]:30002 to [2001:db8::2]:4000 "
			    "expect [2001:db8::2] learn auth-fail-pass media mux pt 0,8,101 "
			    "cookie 0x10 create reset-state "
			    "decrypt AES_CM_128_HMAC_SHA1_32 " KEY128 "|2^31|7:2 ssrc 0x1234 roc 5 "
			    "ssrc 99 unencrypted-srtcp "
			    "encrypt AES_256_CM_HMAC_SHA1_80 " KEY256CM " unauthenticated-srtp "
			    "ssrc 4294967295", &f, err), 0);
	CHECK(addr_is(&f.local, "[2001:db8::1]:30000"));
	CHECK(addr_is(&f.source, "[2001:db8::1]:30002"));
	CHECK(addr_is(&f.peer, "[2001:db8::2]:4000"));
	CHECK(addr_is(&f.expect, "[2001:db8::2]:0"));
	CHECK_EQ(f.flags, SRTPRELAY_FLOW_F_LEARN_SOURCE | SRTPRELAY_FLOW_F_AUTH_FAIL_PASS);
	CHECK_EQ(f.set_flags, SRTPRELAY_SET_F_CREATE | SRTPRELAY_SET_F_RESET_STATE);
	CHECK_EQ(f.media, SRTPRELAY_MEDIA_MUX);
	CHECK_EQ(f.npt, 3);
	CHECK_MEM(f.pt, "\x00\x08\x65", 3);
	CHECK(f.has_cookie && f.cookie == 16);
	CHECK_EQ(f.decrypt.suite, SRTPRELAY_SUITE_AES_CM_128_HMAC_SHA1_32);
	CHECK_EQ(f.decrypt.mki_len, 2);
	CHECK_MEM(f.decrypt.mki, "\x00\x07", 2);
	CHECK_EQ(f.decrypt.flags, SRTPRELAY_CRYPTO_F_UNENCRYPTED_SRTCP);
	CHECK_EQ(f.decrypt.nssrc, 2);
	CHECK(f.decrypt.ssrc[0].id == 0x1234 && f.decrypt.ssrc[0].roc == 5);
	CHECK(f.decrypt.ssrc[1].id == 99 && f.decrypt.ssrc[1].roc == 0);
	CHECK_EQ(f.encrypt.suite, SRTPRELAY_SUITE_AES_256_CM_HMAC_SHA1_80);
	CHECK_EQ(f.encrypt.flags, SRTPRELAY_CRYPTO_F_UNAUTHENTICATED_SRTP);
	CHECK_EQ(f.encrypt.nssrc, 1);
	CHECK_EQ(f.encrypt.ssrc[0].id, 0xffffffffu);
	CHECK_EQ(f.encrypt.key_len, 32);
	CHECK_EQ(f.encrypt.salt_len, 14);
	CHECK_EQ(f.encrypt.key[0], 100);
	CHECK_EQ(f.encrypt.salt[13], 145);
}

/* Plain RTP both ways, and the link-local zone of an IPv6 address. */
static void plain_and_zone(void)
{
	char err[CTL_ERR_MAX], line[256];
	unsigned int lo = if_nametoindex("lo");
	struct kflow f;

	CHECK_EQ(parse_line("1.2.3.4:5 to 5.6.7.8:9 from 1.2.3.4:6 media rtcp", &f, err), 0);
	CHECK(!f.decrypt.present && !f.encrypt.present);
	CHECK_EQ(f.media, SRTPRELAY_MEDIA_RTCP);
	CHECK_EQ(port_of(&f.local), 5);
	CHECK_EQ(parse_line("[fe80::1%7]:5 to [fe80::2%7]:9 from [fe80::1%7]:6", &f, err), 0);
	CHECK_EQ(((struct sockaddr_in6 *)&f.local)->sin6_scope_id, 7);
	if (lo) {
		snprintf(line, sizeof(line), "[fe80::1%%lo]:5 to [fe80::2]:9 from [fe80::1%%lo]:6");
		CHECK_EQ(parse_line(line, &f, err), 0);
		CHECK_EQ(((struct sockaddr_in6 *)&f.source)->sin6_scope_id, lo);
	}
}

/* Each bad command line fails with the expected words, and leaves no key behind. */
static void bad_lines_refused(void)
{
	static const struct { const char *line, *msg; } bad[] = {
		{ "", "missing LOCAL" },
		{ "10.0.0.1:30000", "missing 'to PEER'" },
		{ "10.0.0.1:30000 to 10.0.1.2:4000", "missing 'from SOURCE'" },
		{ "10.0.0.1:30000 from 10.0.1.1:1", "missing 'to PEER'" },
		{ "10.0.0.1:30000 to 10.0.1.2:4000 from 10.0.1.1:1 to 1.1.1.1:1", "given twice" },
		{ "10.0.0.1 to 10.0.1.2:4000 from 10.0.1.1:1", "ADDR:PORT" },
		{ "10.0.0.1:0 to 10.0.1.2:4000 from 10.0.1.1:1", "port of 1 to 65535" },
		{ "10.0.0.1:70000 to 10.0.1.2:4000 from 10.0.1.1:1", "port of 1 to 65535" },
		{ "10.0.0.1:1x to 10.0.1.2:4000 from 10.0.1.1:1", "port of 1 to 65535" },
		{ "10.0.0.256:1 to 10.0.1.2:4000 from 10.0.1.1:1", "not an address" },
		{ "host:1 to 10.0.1.2:4000 from 10.0.1.1:1", "not an address" },
		{ "2001:db8::1:5 to 10.0.1.2:4000 from 10.0.1.1:1", "need brackets" },
		{ "[2001:db8::1:5 to 10.0.1.2:4000 from 10.0.1.1:1", "not an address" },
		{ "[10.0.0.1]:5 to 10.0.1.2:4000 from 10.0.1.1:1", "not an address" },
		{ "[fe80::1%nosuchif0]:5 to 10.0.1.2:4000 from 10.0.1.1:1", "no such interface" },
		{ "[::1]:5 to 10.0.1.2:4000 from [::1]:6", "all be IPv4 or all IPv6" },
		{ "1.1.1.1:5 to 1.1.1.2:4 from 1.1.1.1:6 expect [::1]", "all be IPv4 or all IPv6" },
		{ "1.1.1.1:5 to", "'to' needs an address" },
		{ "1.1.1.1:5 to 1.1.1.2:4 from 1.1.1.1:6 frobnicate", "unknown word 'frobnicate'" },
		{ "1.1.1.1:5 to 1.1.1.2:4 from 1.1.1.1:6 unencrypted-srtp", "must follow" },
		{ "1.1.1.1:5 to 1.1.1.2:4 from 1.1.1.1:6 ssrc 1", "must follow" },
		{ "1.1.1.1:5 to 1.1.1.2:4 from 1.1.1.1:6 decrypt", "needs a crypto suite" },
		{ "1.1.1.1:5 to 1.1.1.2:4 from 1.1.1.1:6 decrypt AES_CM_128_HMAC_SHA1_80",
		  "needs a crypto suite and a key" },
		{ "1.1.1.1:5 to 1.1.1.2:4 from 1.1.1.1:6 decrypt AES_CM_128_HMAC_SHA1_99 " KEY128,
		  "unknown crypto suite 'AES_CM_128_HMAC_SHA1_99' (known: AES_CM_128_HMAC_SHA1_80" },
		{ "1.1.1.1:5 to 1.1.1.2:4 from 1.1.1.1:6 decrypt AES_CM_128_HMAC_SHA1_80 "
		  "inline:****", "decrypt key: the key is not valid base64" },
		{ "1.1.1.1:5 to 1.1.1.2:4 from 1.1.1.1:6 encrypt AES_CM_128_HMAC_SHA1_80 " KEY256,
		  "encrypt key: AES_CM_128_HMAC_SHA1_80 needs 30 octets" },
		{ "1.1.1.1:5 to 1.1.1.2:4 from 1.1.1.1:6 decrypt AEAD_AES_256_GCM " KEY128,
		  "needs 44 octets" },
		{ "1.1.1.1:5 to 1.1.1.2:4 from 1.1.1.1:6 decrypt AES_CM_128_HMAC_SHA1_80 "
		  "PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR", "must start with \"inline:\"" },
		{ "1.1.1.1:5 to 1.1.1.2:4 from 1.1.1.1:6 decrypt AES_CM_128_HMAC_SHA1_80 " KEY128
		  " decrypt AES_CM_128_HMAC_SHA1_80 " KEY128, "'decrypt' given twice" },
		{ "1.1.1.1:5 to 1.1.1.2:4 from 1.1.1.1:6 decrypt AES_CM_128_HMAC_SHA1_80 " KEY128
		  " ssrc 0x100000000", "bad SSRC" },
		{ "1.1.1.1:5 to 1.1.1.2:4 from 1.1.1.1:6 decrypt AES_CM_128_HMAC_SHA1_80 " KEY128
		  " ssrc 1 roc -1", "bad ROC" },
		{ "1.1.1.1:5 to 1.1.1.2:4 from 1.1.1.1:6 decrypt AES_CM_128_HMAC_SHA1_80 " KEY128
		  " ssrc 1 ssrc 1", "given twice" },
		{ "1.1.1.1:5 to 1.1.1.2:4 from 1.1.1.1:6 decrypt AES_CM_128_HMAC_SHA1_80 " KEY128
		  " ssrc 1 ssrc 2 ssrc 3 ssrc 4 ssrc 5 ssrc 6 ssrc 7 ssrc 8 ssrc 9", "at most 8" },
		{ "1.1.1.1:5 to 1.1.1.2:4 from 1.1.1.1:6 pt 0,8,128", "bad payload type list" },
		{ "1.1.1.1:5 to 1.1.1.2:4 from 1.1.1.1:6 pt 0,8,8", "bad payload type list" },
		{ "1.1.1.1:5 to 1.1.1.2:4 from 1.1.1.1:6 pt 0,,8", "bad payload type list" },
		{ "1.1.1.1:5 to 1.1.1.2:4 from 1.1.1.1:6 pt 0,", "bad payload type list" },
		{ "1.1.1.1:5 to 1.1.1.2:4 from 1.1.1.1:6 pt x", "bad payload type list" },
		{ "1.1.1.1:5 to 1.1.1.2:4 from 1.1.1.1:6 media video", "unknown media 'video'" },
		{ "1.1.1.1:5 to 1.1.1.2:4 from 1.1.1.1:6 cookie -5", "bad cookie" },
		{ "1.1.1.1:5 to 1.1.1.2:4 from 1.1.1.1:6 cookie 18446744073709551616", "bad cookie" },
		{ "1.1.1.1:5 to 1.1.1.2:4 from 1.1.1.1:6 create update", "exclude each other" },
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char err[CTL_ERR_MAX];
		struct kflow f;

		if (parse_line(bad[i].line, &f, err) != -EINVAL || !strstr(err, bad[i].msg)) {
			fprintf(stderr, "  '%s':\n    got \"%s\"\n    want \"%s\"\n", bad[i].line,
				err, bad[i].msg);
			CHECK(0);
		}
		for (int k = 0; k < KFLOW_KEY_MAX; k++)
			CHECK(!f.decrypt.key[k] && !f.encrypt.key[k]);
	}
}

static void numbers_and_ports(void)
{
	char err[CTL_ERR_MAX];
	uint16_t min, max;
	uint64_t v;

	CHECK(!ctl_parse_u64("0", 10, &v) && v == 0);
	CHECK(!ctl_parse_u64("0x1F", 255, &v) && v == 31);
	CHECK(!ctl_parse_u64("18446744073709551615", UINT64_MAX, &v) && v == UINT64_MAX);
	CHECK_EQ(ctl_parse_u64("18446744073709551616", UINT64_MAX, &v), -ERANGE);
	CHECK_EQ(ctl_parse_u64("256", 255, &v), -ERANGE);
	CHECK_EQ(ctl_parse_u64("", 255, &v), -EINVAL);
	CHECK_EQ(ctl_parse_u64("0x", 255, &v), -EINVAL);
	CHECK_EQ(ctl_parse_u64("-1", 255, &v), -EINVAL);
	CHECK_EQ(ctl_parse_u64("1 ", 255, &v), -EINVAL);
	CHECK_EQ(ctl_parse_u64("0x1g", 255, &v), -EINVAL);

	CHECK(!ctl_parse_ports("30000-40000", &min, &max, err, sizeof(err)));
	CHECK(min == 30000 && max == 40000);
	CHECK(!ctl_parse_ports("5060", &min, &max, err, sizeof(err)) && min == 5060 && max == 5060);
	CHECK(!ctl_parse_ports("1-65535", &min, &max, err, sizeof(err)));
	CHECK_EQ(ctl_parse_ports("0-5", &min, &max, err, sizeof(err)), -EINVAL);
	CHECK(strstr(err, "bad port range '0-5'"));
	CHECK_EQ(ctl_parse_ports("40000-30000", &min, &max, err, sizeof(err)), -EINVAL);
	CHECK_EQ(ctl_parse_ports("1-65536", &min, &max, err, sizeof(err)), -EINVAL);
	CHECK_EQ(ctl_parse_ports("-5", &min, &max, err, sizeof(err)), -EINVAL);
	CHECK_EQ(ctl_parse_ports("5-", &min, &max, err, sizeof(err)), -EINVAL);
	CHECK_EQ(ctl_parse_ports("123456789-5", &min, &max, err, sizeof(err)), -EINVAL);
	CHECK_EQ(ctl_parse_ports("", &min, &max, err, sizeof(err)), -EINVAL);
}

/* What "flow dump" prints for a flow the kernel reported: words, then JSON. */
static void dump_output(void)
{
	char err[CTL_ERR_MAX], *text = NULL;
	size_t len = 0;
	struct kflow f;
	FILE *out;

	CHECK_EQ(parse_line("10.0.0.1:30000 to 10.0.1.2:4000 from 10.0.1.1:30002 learn pt 0,8 "
			    "cookie 7 decrypt AES_CM_128_HMAC_SHA1_80 " KEY128 "|1:1 ssrc 0x1234 "
			    "roc 2", &f, err), 0);
	/* As GET returns it: no keys, plus driver, sequence numbers and counters. */
	kflow_wipe(&f);
	f.decrypt.key_len = f.decrypt.salt_len = 0;
	snprintf(f.decrypt.driver, sizeof(f.decrypt.driver), "ctr \"x\"\n");
	f.decrypt.ssrc[0].has = KFLOW_SSRC_HAS_SEQ;
	f.decrypt.ssrc[0].seq = 9;
	f.stats.present = true;
	f.stats.c[SRTPRELAY_A_STATS_PACKETS] = 3;
	f.stats.c[SRTPRELAY_A_STATS_LAST_PACKET_AGE_MS] = UINT64_MAX;

	out = open_memstream(&text, &len);
	CHECK(out);
	ctl_print_flow(out, &f, false);
	ctl_print_flow(out, &f, true);
	fclose(out);
	CHECK(strstr(text, "10.0.0.1:30000 to 10.0.1.2:4000 from 10.0.1.1:30002 media rtp "
			   "flags learn pt 0,8 cookie 7 decrypt AES_CM_128_HMAC_SHA1_80 mki 01 "
			   "ssrc 0x00001234 roc 2 seq 9"));
	/* One line per flow even when a driver name holds a quote or a newline. */
	CHECK(strstr(text, " driver \"ctr ?x??\" packets 3\n"));
	CHECK(!strstr(text, "PS1u"));
	CHECK(strstr(text, "{\"local\":\"10.0.0.1:30000\",\"source\":\"10.0.1.1:30002\","
			   "\"peer\":\"10.0.1.2:4000\",\"expect\":null,\"media\":\"rtp\","
			   "\"flags\":[\"learn\"],\"payload_types\":[0,8],\"cookie\":7,"
			   "\"decrypt\":{\"suite\":\"AES_CM_128_HMAC_SHA1_80\",\"mki\":\"01\","
			   "\"flags\":[],\"ssrcs\":[{\"ssrc\":4660,\"roc\":2,\"seq\":9}],"
			   "\"driver\":\"ctr \\\"x\\\"\\u000a\"},\"encrypt\":null,"
			   "\"stats\":{\"packets\":3,"));
	CHECK(strstr(text, "\"last_packet_age_ms\":null"));
	free(text);
}

static const struct check_case cases[] = {
	CASE(issue_example),
	CASE(every_option),
	CASE(plain_and_zone),
	CASE(bad_lines_refused),
	CASE(numbers_and_ports),
	CASE(dump_output),
};

CHECK_MAIN("ctl_args", cases)
