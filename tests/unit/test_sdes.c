// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * SDES negotiation: a=crypto values parsed into policies (session parameters included),
 * formatted back, our offer list (the offerer's suites first, SDES-no / SDES-only, keys kept
 * across re-offers) and our choice when answering.
 */
#include "check.h"
#include "sdes.h"

#include <errno.h>

static int parse(const char *v, struct sdes_line *l, char *err)
{
	return sdes_parse_line(v, strlen(v), l, err, 160);
}

static void parse_lines(void)
{
	struct sdes_line l;
	char err[160];

	CHECK_EQ(parse("1 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR",
		       &l, err), 0);
	CHECK_EQ(l.tag, 1);
	CHECK_EQ(l.pol.suite, SRTP_AES_CM_128_HMAC_SHA1_80);
	CHECK_EQ(l.pol.key[0], 0x3d);	/* "PS1u" */
	CHECK_EQ(l.pol.flags, 0);
	CHECK_EQ(parse("7 AEAD_AES_256_GCM inline:"
		       "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWYwMTIzNDU2Nzg5YWI= "
		       "UNENCRYPTED_SRTCP KDR=10 WSH=128",
		       &l, err), 0);
	CHECK_EQ(l.tag, 7);
	CHECK_EQ(l.pol.suite, SRTP_AEAD_AES_256_GCM);
	CHECK_EQ(l.pol.flags, SRTP_POLICY_UNENCRYPTED_SRTCP | SRTP_POLICY_KDR);
	CHECK_EQ(l.pol.kdr_log2, 10);
	CHECK_EQ(parse("1 F8_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR", &l,
		       err), -ENOTSUP);
	CHECK(strstr(err, "F8_128_HMAC_SHA1_80"));
	CHECK_EQ(parse("1 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR "
		       "FEC_ORDER=FEC_SRTP", &l, err), -ENOTSUP);
	CHECK(strstr(err, "FEC_ORDER"));
	CHECK(parse("x AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR", &l,
		    err) < 0);
	CHECK(parse("1 AES_CM_128_HMAC_SHA1_80 inline:short", &l, err) < 0);
	CHECK(parse("1", &l, err) < 0);
	CHECK(parse("", &l, err) < 0);
}

static void format_round_trip(void)
{
	struct sdes_line l, back;
	struct strbuf sb = STRBUF_INIT;
	char err[160];

	CHECK_EQ(sdes_generate(&l, 3, SRTP_AES_256_CM_HMAC_SHA1_32), 0);
	l.pol.flags = SRTP_POLICY_UNENCRYPTED_SRTP;
	sdes_format_line(&l, &sb);
	CHECK(!strncmp(sb.p, "crypto:3 AES_256_CM_HMAC_SHA1_32 inline:", 40));
	CHECK(strstr(sb.p, " UNENCRYPTED_SRTP"));
	CHECK_EQ(parse(sb.p + 7, &back, err), 0);
	CHECK(sdes_policy_equal(&l.pol, &back.pol));
	CHECK_EQ(back.tag, 3);
	sb_free(&sb);
}

static void offer_list(void)
{
	struct sdes_state offerer = { 0 }, ours = { 0 };
	struct sdes_line keep;
	char err[160];
	unsigned int n;

	/* No preference: the defaults, strongest first, tags 1.. */
	n = sdes_build_offer(NULL, 0, 0, &ours);
	CHECK_EQ(n, sdes_n_default_suites);
	CHECK_EQ(ours.ours[0].pol.suite, SRTP_AEAD_AES_256_GCM);
	CHECK_EQ(ours.ours[0].tag, 1);
	CHECK_EQ(ours.ours[n - 1].tag, n);
	/* The offerer's suites and tags come first. */
	CHECK_EQ(sdes_parse_line("5 AES_CM_128_HMAC_SHA1_32 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR",
				 strlen("5 AES_CM_128_HMAC_SHA1_32 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR"), &offerer.remote[0], err, sizeof(err)), 0);
	offerer.n_remote = 1;
	keep = ours.ours[6];	/* our AES_CM_128_HMAC_SHA1_80 key */
	CHECK_EQ(keep.pol.suite, SRTP_AES_CM_128_HMAC_SHA1_80);
	n = sdes_build_offer(&offerer, 0, 0, &ours);
	CHECK_EQ(ours.ours[0].tag, 5);
	CHECK_EQ(ours.ours[0].pol.suite, SRTP_AES_CM_128_HMAC_SHA1_32);
	CHECK_EQ(ours.ours[1].tag, 6);
	/* A re-offer keeps our keys. */
	for (unsigned int i = 0; i < n; i++)
		if (ours.ours[i].pol.suite == SRTP_AES_CM_128_HMAC_SHA1_80)
			CHECK_MEM(ours.ours[i].pol.key, keep.pol.key, 16);
	/* SDES-no and SDES-only. */
	n = sdes_build_offer(&offerer, 1u << SRTP_AES_CM_128_HMAC_SHA1_32 |
					       1u << SRTP_AEAD_AES_256_GCM, 0, &ours);
	CHECK_EQ(n, sdes_n_default_suites - 2);
	CHECK_EQ(ours.ours[0].pol.suite, SRTP_AEAD_AES_128_GCM);
	n = sdes_build_offer(&offerer, 0, 1u << SRTP_AES_CM_128_HMAC_SHA1_80, &ours);
	CHECK_EQ(n, 1);
	CHECK_EQ(ours.ours[0].pol.suite, SRTP_AES_CM_128_HMAC_SHA1_80);
	CHECK_EQ(ours.ours[0].tag, 1);	/* the offerer's tag 5 was filtered out */
	/* NULL cipher only by name. */
	n = sdes_build_offer(NULL, 0, 1u << SRTP_NULL_HMAC_SHA1_80, &ours);
	CHECK_EQ(n, 1);
	CHECK_EQ(ours.ours[0].pol.suite, SRTP_NULL_HMAC_SHA1_80);
}

/* A re-offer after the side answered: the line in use stays first, with its tag and key. */
static void reoffer_keeps_line_in_use(void)
{
	struct sdes_state ours = { 0 };
	struct sdes_line used;
	unsigned int n = sdes_build_offer(NULL, 0, 0, &ours);

	CHECK(n > 5);
	used = ours.ours[4];	/* what the phone answered with */
	ours.ours[0] = used;
	ours.n_ours = 1;
	ours.remote[0] = used;	/* its own line, as its answer gave it */
	ours.n_remote = 1;
	n = sdes_build_offer(NULL, 0, 0, &ours);
	CHECK_EQ(n, sdes_n_default_suites);
	CHECK_EQ(ours.ours[0].tag, used.tag);
	CHECK_EQ(ours.ours[0].pol.suite, used.pol.suite);
	CHECK_MEM(ours.ours[0].pol.key, used.pol.key, 16);
	for (unsigned int i = 1; i < n; i++)
		CHECK(ours.ours[i].tag != used.tag && ours.ours[i].pol.suite != used.pol.suite);
}

static void answer_choice(void)
{
	struct sdes_state st = { 0 };
	char err[160];
	uint8_t first_key[32];

	CHECK_EQ(parse("1 AES_256_CM_HMAC_SHA1_80 inline:"
		       "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWYwMTIzNDU2Nzg5YWJjZA==",
		       &st.remote[0], err), 0);
	CHECK_EQ(parse("2 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR "
		       "UNENCRYPTED_SRTCP", &st.remote[1], err), 0);
	st.n_remote = 2;
	CHECK_EQ(sdes_answer(&st, 0, 0), 0);
	CHECK_EQ(st.n_ours, 1);
	CHECK_EQ(st.ours[0].tag, 1);
	CHECK_EQ(st.ours[0].pol.suite, SRTP_AES_256_CM_HMAC_SHA1_80);
	memcpy(first_key, st.ours[0].pol.key, 32);
	/* The same offer again: the same key (no re-key on a re-INVITE). */
	CHECK_EQ(sdes_answer(&st, 0, 0), 0);
	CHECK_MEM(st.ours[0].pol.key, first_key, 32);
	/* SDES-no for the first: the second is chosen, its parameters mirrored. */
	CHECK_EQ(sdes_answer(&st, 1u << SRTP_AES_256_CM_HMAC_SHA1_80, 0), 1);
	CHECK_EQ(st.ours[0].tag, 2);
	CHECK_EQ(st.ours[0].pol.flags, SRTP_POLICY_UNENCRYPTED_SRTCP);
	CHECK_EQ(sdes_answer(&st, 0, 1u << SRTP_AEAD_AES_128_GCM), -1);
}

static const struct check_case cases[] = {
	CASE(parse_lines),
	CASE(format_round_trip),
	CASE(offer_list),
	CASE(reoffer_keeps_line_in_use),
	CASE(answer_choice),
};
CHECK_MAIN("sdes", cases)
