// SPDX-License-Identifier: GPL-2.0 OR MIT
#include <string.h>

#include "bundle.h"

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

void bundle_pt_map(uint8_t pt_map[16], const char *fmts, size_t len)
{
	size_t i = 0;

	memset(pt_map, 0, 16);
	while (i < len) {
		unsigned int pt = 0, digits = 0;

		while (i < len && fmts[i] == ' ')
			i++;
		while (i < len && fmts[i] >= '0' && fmts[i] <= '9' && digits < 4) {
			pt = pt * 10 + (unsigned int)(fmts[i++] - '0');
			digits++;
		}
		if (digits && pt < 128 && (i == len || fmts[i] == ' '))
			pt_map[pt / 8] |= (uint8_t)(1u << (pt % 8));
		while (i < len && fmts[i] != ' ')
			i++;	/* not a number (a raw format): skipped */
	}
}

static bool knows_ssrc(const struct media_side *m, uint32_t ssrc)
{
	if (!m->in_on)
		return m->last_packet > 0 && m->last_ssrc == ssrc;
	for (unsigned int i = 0; i < CALL_MAX_SSRC; i++)
		if ((m->in_st[i].flags & SRTP_STREAM_USED) && m->in_st[i].ssrc == ssrc)
			return true;
	return false;
}

static bool has_pt(const struct media_side *m, uint8_t pt)
{
	return m->pt_map[pt / 8] & (1u << (pt % 8));
}

/*
 * RTP goes to the medium that knows its SSRC, unless its payload type is another medium's
 * and not this one's: a browser that bundles may send before its answer reaches us (it has
 * our offer, and DTLS is done), its video is then taken in on the first medium's transport,
 * and that medium learns the video SSRC; once the answer bundles them, the payload type puts
 * the stream right. A payload type no medium lists leaves the SSRC's medium in charge.
 */
struct media_side *bundle_demux(struct media_side *t, const uint8_t *pkt, uint32_t len,
				bool rtcp)
{
	struct leg *l = t->leg;
	struct media_side *by_pt = NULL, *by_ssrc = NULL;
	uint32_t ssrc;
	uint8_t pt;

	if (!t->n_bundled || len < (rtcp ? 8u : 12u))
		return t;
	ssrc = be32(pkt + (rtcp ? 4 : 8));
	pt = pkt[1] & 0x7f;
	for (unsigned int i = 0; i < l->n_media; i++) {
		struct media_side *m = l->media[i];

		if (!m || m->rejected || (m != t && m->bundle != t))
			continue;
		if (!by_ssrc && knows_ssrc(m, ssrc))
			by_ssrc = m;
		if (!rtcp && !by_pt && has_pt(m, pt))
			by_pt = m;
	}
	if (by_ssrc && (rtcp || !by_pt || has_pt(by_ssrc, pt)))
		return by_ssrc;
	return by_pt ? by_pt : t;
}

static bool sends_ssrc(const struct media_side *m, uint32_t ssrc)
{
	for (unsigned int i = 0; m->out_on && i < CALL_MAX_SSRC; i++)
		if ((m->out_st[i].flags & SRTP_STREAM_USED) && m->out_st[i].ssrc == ssrc)
			return true;
	return false;
}

bool bundle_ssrc_clash(const struct media_side *y, uint32_t ssrc)
{
	const struct media_side *t = y->bundle ? y->bundle : y;
	const struct leg *l = y->leg;

	if (!t->n_bundled)
		return false;
	for (unsigned int i = 0; i < l->n_media; i++) {
		const struct media_side *m = l->media[i];

		if (m && m != y && (m == t || m->bundle == t) && sends_ssrc(m, ssrc))
			return true;
	}
	return false;
}
