/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * The ng control transport: "<cookie> <bencoded dict>" over UDP (one per datagram, reply to
 * the sender's address: each Kamailio worker has its own port) and over TCP (a stream of
 * such messages, on --listen-tcp-ng only). A request whose cookie and source were seen in the last minute gets the
 * cached reply, byte for byte, and is not run again.
 */
#ifndef SRTPRELAY_NG_SERVER_H
#define SRTPRELAY_NG_SERVER_H

#include <stddef.h>
#include <sys/socket.h>

#include "strbuf.h"

struct srtprelayd;
struct ng_server;

/* Binds UDP on d->cfg.listen_ng, TCP on listen_tcp_ng and HTTP on listen_http (if set), and
 * arms them. */
int ng_server_start(struct srtprelayd *d);
/* Once a second: closes connections that sat on a partial request too long. */
void ng_server_tick(struct srtprelayd *d, double now);
void ng_server_stop(struct srtprelayd *d);
/*
 * One request datagram from 'from', as the transports see it; writes the whole reply
 * (cookie included) into reply, or leaves it empty when there is nothing to answer.
 */
void ng_server_request(struct srtprelayd *d, const char *data, size_t len,
		       const struct sockaddr_storage *from, struct strbuf *reply);

#endif
