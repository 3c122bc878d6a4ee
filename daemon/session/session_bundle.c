// SPDX-License-Identifier: GPL-2.0 OR MIT
#include <stdlib.h>

#include "dtls.h"
#include "kernel.h"
#include "log.h"
#include "session.h"
#include "session_bundle.h"

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
