// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Packet index estimation (RFC 3711 Appendix A) and replay windows.
 *
 * The window is a ring of 64-bit words below the highest index seen (the RFC 6479 layout):
 * advancing clears only the words passed over, so neither a check nor an update ever shifts
 * the whole bitmap. One word is kept as slack, which leaves a 192-packet window.
 */
#include "srtp.h"

#define WORD_OF(i) ((uint32_t)((i) >> 6) & (SRTP_REPLAY_WORDS - 1))
#define BIT_OF(i) ((uint64_t)1 << ((i) & 63))

/*
 * Guesses the 48-bit index of a packet with this SEQ from the stream's highest index: the
 * candidate among ROC-1, ROC and ROC+1 closest to the last SEQ. Sets too_old for a packet that
 * would need a ROC below zero (sent before the stream's first packet, or forged).
 */
uint64_t srtp_estimate_index(const struct srtp_stream *st, uint16_t seq, bool *too_old)
{
	uint32_t roc = (uint32_t)(st->rtp.top >> 16);
	uint16_t s_l = (uint16_t)st->rtp.top;
	uint32_t v = roc;

	*too_old = false;
	if (!(st->flags & SRTP_STREAM_RTP_SEEN))
		return (uint64_t)roc << 16 | seq;	/* the first packet: its ROC is the preset */
	if (s_l < 32768) {
		if ((int32_t)seq - (int32_t)s_l > 32768) {
			if (roc == 0) {
				*too_old = true;
				return seq;
			}
			v = roc - 1;
		}
	} else if ((int32_t)s_l - 32768 > (int32_t)seq) {
		v = roc + 1;
	}
	return (uint64_t)v << 16 | seq;
}

/* 0 when index may be accepted; -SRTP_ERR_REPLAY or -SRTP_ERR_REPLAY_OLD when not. */
int srtp_window_check(const struct srtp_window *w, bool seen, uint64_t index)
{
	if (!seen || index > w->top)
		return 0;
	if (w->top - index >= SRTP_REPLAY_WINDOW)
		return -SRTP_ERR_REPLAY_OLD;
	if (w->bits[WORD_OF(index)] & BIT_OF(index))
		return -SRTP_ERR_REPLAY;
	return 0;
}

/* Records index as received; only after the packet has been authenticated. */
void srtp_window_update(struct srtp_window *w, bool seen, uint64_t index)
{
	if (!seen) {
		memset(w->bits, 0, sizeof(w->bits));
		w->top = index;
	} else if (index > w->top) {
		uint64_t words = (index >> 6) - (w->top >> 6);

		if (words > SRTP_REPLAY_WORDS)
			words = SRTP_REPLAY_WORDS;
		for (uint64_t i = 1; i <= words; i++)
			w->bits[WORD_OF((w->top >> 6 << 6) + (i << 6))] = 0;
		w->top = index;
	}
	w->bits[WORD_OF(index)] |= BIT_OF(index);
}
