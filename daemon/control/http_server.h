/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Prometheus metrics over HTTP on --listen-http: one request per connection, GET (or HEAD)
 * /metrics gets metrics.c's text, anything else a short error, and the connection closes
 * after the reply. A tcp_server listener: 32 connections, 4 from one address, 10 s for the
 * request head.
 */
#ifndef SRTPRELAY_HTTP_SERVER_H
#define SRTPRELAY_HTTP_SERVER_H

struct srtprelayd;
struct http_server;

int http_server_start(struct srtprelayd *d, struct http_server **out);
void http_server_tick(struct http_server *h, double now);
void http_server_free(struct http_server *h);

#endif
