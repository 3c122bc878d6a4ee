// SPDX-License-Identifier: GPL-2.0 OR MIT
/* A call's life after signalling: counters synced, kernel flows stopped, sockets closed and
 * the call freed, timeouts once a second, and the daemon's totals. */
#include "daemon.h"
#include "kernel.h"
#include "log.h"
#include "session.h"
#include "session_dtls.h"
#include "session_ice.h"

void session_call_sync(struct srtprelayd *d, struct call *c)
{
	kernel_sync_call(d, c);
}

void session_call_stop(struct srtprelayd *d, struct call *c)
{
	for (unsigned int l = 0; l < 2; l++)
		for (unsigned int i = 0; i < c->leg[l].n_media; i++)
			if (c->leg[l].media[i])
				kernel_remove_side(d, c->leg[l].media[i]);
}

void session_call_delete(struct srtprelayd *d, struct call *c)
{
	session_call_stop(d, c);
	for (unsigned int l = 0; l < 2; l++)
		for (unsigned int i = 0; i < c->leg[l].n_media; i++) {
			struct media_side *m = c->leg[l].media[i];

			for (unsigned int k = 0; m && k < COMP_COUNT; k++)
				if (m->sock[k]) {
					/* its port goes back when the fd closes */
					relay_sock_close(&d->relay, m->sock[k]);
					m->sock[k] = NULL;
				}
		}
	call_destroy(&d->calls, c);
}

/* On hold: no stream of the call is sendrecv (sendonly, recvonly, inactive or rejected),
 * so silence is expected and --silent-timeout applies instead of --timeout. */
static bool call_on_hold(const struct call *c)
{
	for (unsigned int l = 0; l < c->n_legs; l++)
		for (unsigned int i = 0; i < c->leg[l].n_media; i++) {
			const struct media_side *m = c->leg[l].media[i];

			if (m && !m->rejected && !strcmp(m->direction, "sendrecv"))
				return false;
		}
	return true;
}

void session_tick(struct srtprelayd *d)
{
	double now = now_mono();
	struct call *c, *next;

	kernel_tick(d);
	for (c = d->calls.head; c; c = next) {
		double last;
		const char *why = NULL;

		next = c->next;
		for (unsigned int l = 0; l < 2; l++)
			for (unsigned int i = 0; i < c->leg[l].n_media; i++)
				if (c->leg[l].media[i]) {
					session_dtls_tick(d, c->leg[l].media[i]);
					session_ice_tick(d, c->leg[l].media[i], now);
				}
		last = call_last_packet(c);
		if (last < c->last_signal)
			last = c->last_signal;
		if (call_on_hold(c) ? d->cfg.silent_timeout && now - last > d->cfg.silent_timeout :
				      d->cfg.timeout && now - last > d->cfg.timeout)
			why = "no media";
		else if (d->cfg.final_timeout && now - c->created > d->cfg.final_timeout)
			why = "final timeout";
		if (!why)
			continue;
		log_notice("[%s] timeout (%s for %.0f s): call deleted", c->id, why, now - last);
		d->calls.timeout_total++;
		session_call_delete(d, c);
	}
}

void daemon_totals(struct srtprelayd *d, struct daemon_totals *t)
{
	struct stream_stats tot[COMP_COUNT];

	memset(t, 0, sizeof(*t));
	t->all = d->calls.closed;
	for (const struct call *c = d->calls.head; c; c = c->next) {
		call_totals(c, tot);
		for (int k = 0; k < COMP_COUNT; k++)
			stream_stats_add(&t->all, &tot[k]);
		for (unsigned int l = 0; l < c->n_legs; l++)
			for (unsigned int i = 0; i < c->leg[l].n_media; i++) {
				const struct media_side *m = c->leg[l].media[i];

				if (!m || !m->sock[COMP_RTP])
					continue;
				t->streams++;
				t->kernel_streams += m->kernel;
			}
	}
}
