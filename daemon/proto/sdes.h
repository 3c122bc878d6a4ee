/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * SDES negotiation (RFC 4568): a=crypto attribute values to and from struct sdes_line, our
 * own fresh keys, and which suites we offer and accept.
 *
 * Each side's a=crypto key is the key that side encrypts with: what an endpoint announces
 * keys our inbound context for it, what we announce to it keys our outbound one.
 */
#ifndef SRTPRELAY_SDES_H
#define SRTPRELAY_SDES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "srtp.h"
#include "strbuf.h"

#define SDES_MAX_LINES 16

/* One a=crypto line: the policy its key makes. */
struct sdes_line {
	uint32_t tag;
	struct srtp_policy pol;
};

struct sdes_state {
	struct sdes_line remote[SDES_MAX_LINES];	/* what the endpoint announced */
	unsigned int n_remote;
	struct sdes_line ours[SDES_MAX_LINES];	/* what we gave it */
	unsigned int n_ours;
};

/* Suites we offer when the other side gave no preference, strongest first (as rtpengine). */
extern const uint8_t sdes_default_suites[];
extern const unsigned int sdes_n_default_suites;

/*
 * Parses an a=crypto value ("TAG SUITE inline:KEY[|LIFETIME][|MKI:LEN] [PARAMS]").
 * -ENOTSUP with a sentence in err for a suite or session parameter we do not support
 * (the caller skips the line), -EINVAL for a malformed one.
 */
int sdes_parse_line(const char *v, size_t len, struct sdes_line *out, char *err, size_t errlen);
/* Appends "crypto:TAG SUITE inline:KEY[ PARAMS]" (no "a=", no line end). */
void sdes_format_line(const struct sdes_line *l, struct strbuf *sb);
/* Fresh random key and salt for suite. */
int sdes_generate(struct sdes_line *l, uint32_t tag, unsigned int suite);
/*
 * Builds the list we offer to a side: first, once the side answered ('ours' has its line),
 * the line in use with its tag and key; then the suites the offerer
 * announced (their order, and their tags where free) that we support; then our defaults;
 * minus 'no' (bit per suite id), limited to 'only' if non-zero. Keys already in 'ours' for
 * a suite are kept, so a re-offer does not re-key. Returns the number of lines.
 */
unsigned int sdes_build_offer(const struct sdes_state *offerer, uint32_t no, uint32_t only,
			      struct sdes_state *ours);
/* Index of our offered line with this tag and suite, or -1. */
int sdes_find(const struct sdes_line *lines, unsigned int n, uint32_t tag, unsigned int suite);
/*
 * Answers an offer: picks the first line of st->remote that we support and that 'no'/'only'
 * allow, and makes st->ours the single line we answer with (reusing our key when the suite
 * did not change). Returns the index into st->remote or -1.
 */
int sdes_answer(struct sdes_state *st, uint32_t no, uint32_t only);
bool sdes_policy_equal(const struct srtp_policy *a, const struct srtp_policy *b);

#endif
