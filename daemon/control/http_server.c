// SPDX-License-Identifier: GPL-2.0 OR MIT
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon.h"
#include "http_server.h"
#include "log.h"
#include "metrics.h"
#include "strbuf.h"
#include "tcp_server.h"

static const struct tcp_limits http_limits = {
	.name = "metrics", .conns = 32, .per_source = 4, .partial_timeout = 10.0,
	.idle_ok = false, .buf_max = 8191,
};

struct http_server {
	struct srtprelayd *d;
	struct tcp_server *tcp;
	struct strbuf reply;
	struct log_limit limit;
};

/*
 * One HTTP request per connection: GET /metrics gets the Prometheus text, anything else a
 * short error; the connection closes after the reply. Returns false to close, true to wait
 * for the rest of the request.
 */
static bool http_request(void *arg, struct tcp_conn *s)
{
	struct http_server *h = arg;
	struct strbuf body = STRBUF_INIT, *out = &h->reply;
	const char *status = "200 OK";
	char *end;

	if (s->len >= http_limits.buf_max) {
		status = "431 Request Header Fields Too Large";
	} else {
		end = strstr(s->buf, "\r\n\r\n");
		if (!end)
			end = strstr(s->buf, "\n\n");
		if (!end)
			return true;
		if (strncmp(s->buf, "GET ", 4) && strncmp(s->buf, "HEAD ", 5))
			status = "405 Method Not Allowed";
		else if (strncmp(strchr(s->buf, ' ') + 1, "/metrics ", 9) &&
			 strncmp(strchr(s->buf, ' ') + 1, "/metrics?", 9))
			status = "404 Not Found";
	}
	if (status[0] == '2')
		metrics_render(h->d, &body);
	else
		sb_addf(&body, "%s\n", status);
	sb_reset(out);
	sb_addf(out, "HTTP/1.1 %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n"
		"Connection: close\r\n\r\n", status, status[0] == '2' ?
		"text/plain; version=0.0.4; charset=utf-8" : "text/plain", body.len);
	if (strncmp(s->buf, "HEAD ", 5))
		sb_add(out, body.p ? body.p : "", body.len);
	sb_free(&body);
	if (!out->oom && !tcp_send(s, out->p, out->len))
		log_ratelimited(&h->limit, LOG_INFO, "metrics reply: %s", strerror(errno));
	return false;
}

int http_server_start(struct srtprelayd *d, struct http_server **out)
{
	struct http_server *h = calloc(1, sizeof(*h));
	char a[64];
	int ret;

	if (!h)
		return -ENOMEM;
	h->d = d;
	ret = tcp_server_start(&d->relay, &d->cfg.listen_http, &http_limits, http_request, h,
			       &d->conns[1], &h->tcp);
	if (ret) {
		log_err("cannot listen for metrics on %s: %s",
			addr_str(&d->cfg.listen_http, a, sizeof(a)), strerror(-ret));
		free(h);
		return ret;
	}
	*out = h;
	log_notice("Prometheus metrics on http://%s/metrics",
		   addr_str(&d->cfg.listen_http, a, sizeof(a)));
	return 0;
}

void http_server_tick(struct http_server *h, double now)
{
	if (h)
		tcp_server_tick(h->tcp, now);
}

void http_server_free(struct http_server *h)
{
	if (!h)
		return;
	tcp_server_free(h->tcp);
	sb_free(&h->reply);
	free(h);
}
