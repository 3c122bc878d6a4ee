/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * SDES key parameters (RFC 4568 6.1): "inline:" base64(master key || master salt), then an
 * optional "|" lifetime ("2^31" or a decimal count) and an optional "|" MKI as
 * "value:length" (decimal value, length in octets). For example
 *     inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|2^20|1:4   (RFC 4568's own example)
 */
#ifndef SRTPRELAY_SDES_KEY_H
#define SRTPRELAY_SDES_KEY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "srtp.h"

#define SDES_KEY_ERR_MAX 160
/* 2^48 packets is the longest SRTP master key lifetime (RFC 3711 9.2). */
#define SDES_LIFETIME_LOG2_MAX 48

struct sdes_key {
	uint8_t key[SRTP_KEY_LEN_MAX];
	uint8_t key_len;
	uint8_t salt[SRTP_CM_SALT_LEN];
	uint8_t salt_len;
	uint8_t mki[SRTP_MKI_LEN_MAX];
	uint8_t mki_len;	/* 0: no MKI */
	bool has_lifetime;
	uint64_t lifetime;	/* packets */
};

/*
 * Parses one key parameter (len octets, not necessarily NUL-terminated) for suite into out.
 * Returns 0, or -EINVAL with a sentence in err (errlen octets) saying what is wrong; out is
 * wiped on failure.
 */
int sdes_key_parse(const char *param, size_t len, const struct srtp_suite *suite,
		   struct sdes_key *out, char *err, size_t errlen);
/*
 * Writes k as a key parameter ("inline:...", with "|2^N" or "|N" and "|value:length" when
 * set) into out. Returns its length, or -ENOSPC if out is too small, -EINVAL if k cannot be
 * expressed (an MKI longer than SRTP_MKI_LEN_MAX).
 */
int sdes_key_format(const struct sdes_key *k, char *out, size_t size);
/* Wipes the key, salt and MKI in k. */
void sdes_key_wipe(struct sdes_key *k);

/*
 * Base64 (RFC 4648, standard alphabet). Decoding accepts missing "=" padding, which some
 * SDES endpoints leave out, and rejects any other character. Returns the decoded length,
 * -EINVAL for malformed input or -ENOSPC if it does not fit in cap octets.
 */
int sdes_base64_decode(const char *in, size_t len, uint8_t *out, size_t cap);
/* Encodes with padding and a terminating NUL; returns the length or -ENOSPC. */
int sdes_base64_encode(const uint8_t *in, size_t len, char *out, size_t size);

#endif
