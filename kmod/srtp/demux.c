// SPDX-License-Identifier: GPL-2.0 OR MIT
/* Telling packets apart on one port: RFC 7983 by first octet, RFC 5761 for RTCP. */
#include "srtp.h"

/* Classifies a datagram: STUN, DTLS, RTP, RTCP (rtcp-mux aware) or anything else. */
enum srtp_pkt_class srtp_classify(const uint8_t *pkt, uint32_t len)
{
	uint8_t b;

	if (unlikely(len < 2))
		return SRTP_CLASS_OTHER;
	b = pkt[0];
	if (b <= 3)
		return SRTP_CLASS_STUN;
	if (b >= 20 && b <= 63)
		return SRTP_CLASS_DTLS;
	if (b >= 128 && b <= 191) {
		/* RFC 5761 4: RTCP packet types 192..223 are payload types 64..95 with M set. */
		if (pkt[1] >= 192 && pkt[1] <= 223)
			return SRTP_CLASS_RTCP;
		return SRTP_CLASS_RTP;
	}
	return SRTP_CLASS_OTHER;
}
