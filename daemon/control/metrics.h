/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/* The Prometheus text of the daemon's counters (GET /metrics on --listen-http). */
#ifndef SRTPRELAY_METRICS_H
#define SRTPRELAY_METRICS_H

#include "strbuf.h"

struct srtprelayd;

void metrics_render(struct srtprelayd *d, struct strbuf *sb);

#endif
