// SPDX-License-Identifier: GPL-2.0 OR MIT
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bundle.h"
#include "dtls.h"
#include "kernel.h"
#include "log.h"
#include "session.h"

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

/* Whether m may share owner t's transport. */
static bool can_join(const struct media_side *t, const struct media_side *m)
{
	return m->bundled && m->mid[0] && !m->rejected && !m->raw && m->sock[COMP_RTP] &&
	       m->rtcp_mux && m->secure == t->secure && m->dtls.on == t->dtls.on;
}

static void make_member(struct media_side *t, struct media_side *m)
{
	char err[160];

	dtls_conn_free(m->dtls.conn);	/* the owner's association keys it */
	m->dtls.conn = NULL;
	for (unsigned int i = 0; i < m->dtls.n_early; i++)
		free(m->dtls.early[i]);
	m->dtls.n_early = 0;
	if (m->bundle != t)
		log_info("[%s] %s stream %u of %s bundled with stream %u", m->leg->call->id,
			 m->type, m->index + 1, m->leg->tag[0] ? m->leg->tag : "(callee)",
			 t->index + 1);
	m->bundle = t;
	t->n_bundled++;
	if (m->dtls.on && t->in_on && t->out_on &&
	    session_key_side(m, &t->in_pol, &t->out_pol, err, sizeof(err)))
		log_warn("[%s] %s", m->leg->call->id, err);
}

void bundle_assign(struct leg *l)
{
	struct media_side *t = NULL;

	for (unsigned int i = 0; i < l->n_media; i++)
		if (l->media[i])
			l->media[i]->n_bundled = 0;
	for (unsigned int i = 0; i < l->n_media; i++) {
		struct media_side *m = l->media[i];

		if (!m)
			continue;
		if (!t && can_join(m, m)) {
			t = m;
			m->bundle = NULL;
		} else if (t && can_join(t, m)) {
			make_member(t, m);
		} else {
			m->bundle = NULL;
		}
	}
}

void bundle_key_members(struct srtprelayd *d, struct media_side *t)
{
	struct leg *l = t->leg;
	char err[160];

	for (unsigned int i = 0; t->n_bundled && i < l->n_media; i++) {
		struct media_side *m = l->media[i];

		if (!m || m->bundle != t)
			continue;
		if (session_key_side(m, &t->in_pol, &t->out_pol, err, sizeof(err)))
			log_warn("[%s] %s", l->call->id, err);
		else
			kernel_update_media(d, m);
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

struct media_side *bundle_demux(struct media_side *t, const uint8_t *pkt, uint32_t len,
				bool rtcp)
{
	struct leg *l = t->leg;
	struct media_side *by_pt = NULL;
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
		if (knows_ssrc(m, ssrc))
			return m;
		if (!rtcp && !by_pt && (m->pt_map[pt / 8] & (1u << (pt % 8))))
			by_pt = m;
	}
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
