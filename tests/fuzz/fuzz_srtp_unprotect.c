// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * libFuzzer target for the SRTP core's unprotect paths (SRTP and SRTCP, every suite, with and
 * without an MKI). The first input octet picks suite, direction and MKI; the rest is the packet,
 * copied to a buffer of exactly its size so ASan sees any overread.
 *
 * Two oracles besides the sanitizers: unprotect never succeeds on a packet of a suite with
 * authentication unless it was produced by protect; and whatever protect accepts, unprotect
 * must turn back into the same bytes. NULL_NULL needs no tag, so fuzzed packets also reach
 * everything after authentication (window, stream slots, padding checks).
 */
#include "srtp.h"
#include "srtp_openssl.h"

#include <stdlib.h>
#include <string.h>

#define NSUITES (SRTP_SUITE_COUNT - 1)

static struct srtp_ctx tx[NSUITES][2], rx[NSUITES][2];
static struct srtp_stream txs[NSUITES][2][3], rxs[NSUITES][2][3];

static void setup(void)
{
	for (unsigned int s = 0; s < NSUITES; s++) {
		for (int m = 0; m < 2; m++) {
			struct srtp_policy p = { .suite = (uint8_t)(s + 1) };

			memset(p.key, 0x11 * (s + 1), sizeof(p.key));
			memset(p.salt, 0x5a, sizeof(p.salt));
			if (m) {
				p.mki_len = 3;
				memcpy(p.mki, "\x01\x02\x03", 3);
			}
			if (srtp_ctx_init(&tx[s][m], &srtp_openssl_ops, &p, txs[s][m], 3) ||
			    srtp_ctx_init(&rx[s][m], &srtp_openssl_ops, &p, rxs[s][m], 3))
				abort();
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool ready;
	unsigned int s, m, rtcp;
	uint8_t *buf, *copy;
	uint32_t len, len2;
	int ret;

	if (!ready) {
		setup();
		ready = true;
	}
	if (size < 1 || size > 4096)
		return 0;
	s = data[0] % NSUITES;
	m = (data[0] >> 4) & 1;
	rtcp = (data[0] >> 5) & 1;
	data++;
	size--;
	memset(rxs[s][m], 0, sizeof(rxs[s][m]));
	memset(txs[s][m], 0, sizeof(txs[s][m]));

	/* 1. the input as a received packet */
	buf = malloc(size ? size : 1);
	memcpy(buf, data, size);
	len = (uint32_t)size;
	ret = (rtcp ? srtp_rtcp_unprotect : srtp_rtp_unprotect)(&rx[s][m], buf, &len);
	if (ret == 0 && (len > size || rx[s][m].suite->hmac ||
			 rx[s][m].suite->cipher == SRTP_CIPHER_AES_GCM))
		abort();	/* a forgery that authenticated, or a length that grew */
	free(buf);

	/* 2. the input as a packet to send: protect, then unprotect must give it back */
	buf = malloc(size + SRTP_MAX_TRAILER);
	copy = malloc(size ? size : 1);
	memcpy(buf, data, size);
	memcpy(copy, data, size);
	len = (uint32_t)size;
	memset(rxs[s][m], 0, sizeof(rxs[s][m]));
	ret = (rtcp ? srtp_rtcp_protect : srtp_rtp_protect)(&tx[s][m], buf, &len,
							      (uint32_t)size + SRTP_MAX_TRAILER);
	if (ret == 0) {
		len2 = len;
		ret = (rtcp ? srtp_rtcp_unprotect : srtp_rtp_unprotect)(&rx[s][m], buf, &len2);
		if (ret || len2 != size || memcmp(buf, copy, size))
			abort();
	}
	free(buf);
	free(copy);
	return 0;
}
