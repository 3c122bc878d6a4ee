// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Prometheus text exposition (version 0.0.4) of the daemon's counters, served at /metrics on
 * --listen-http (ng_server.c does the HTTP). Names follow Prometheus conventions: a
 * srtprelay_ prefix, _total for counters, base units, labels for the dimensions.
 */
#include "daemon.h"
#include "fdlimit.h"
#include "log.h"
#include "metrics.h"
#include "ng.h"
#include "ng_cache.h"
#include "session.h"

static void head(struct strbuf *sb, const char *name, const char *type, const char *help)
{
	sb_addf(sb, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

void metrics_render(struct srtprelayd *d, struct strbuf *sb)
{
	struct daemon_totals t;

	daemon_totals(d, &t);
	head(sb, "srtprelay_calls", "gauge", "Calls now.");
	sb_addf(sb, "srtprelay_calls %u\n", d->calls.count);
	head(sb, "srtprelay_calls_total", "counter", "Calls by how they ended (created: all).");
	sb_addf(sb, "srtprelay_calls_total{event=\"created\"} %llu\n",
		(unsigned long long)d->calls.created_total);
	sb_addf(sb, "srtprelay_calls_total{event=\"deleted\"} %llu\n",
		(unsigned long long)(d->calls.deleted_total - d->calls.timeout_total));
	sb_addf(sb, "srtprelay_calls_total{event=\"timeout\"} %llu\n",
		(unsigned long long)d->calls.timeout_total);
	head(sb, "srtprelay_streams", "gauge", "Media streams by who relays them.");
	sb_addf(sb, "srtprelay_streams{mode=\"kernel\"} %u\n", t.kernel_streams);
	sb_addf(sb, "srtprelay_streams{mode=\"userspace\"} %u\n", t.streams - t.kernel_streams);
	head(sb, "srtprelay_packets_total", "counter", "Media packets relayed (kernel and userspace).");
	sb_addf(sb, "srtprelay_packets_total %llu\n", (unsigned long long)t.all.packets);
	head(sb, "srtprelay_bytes_total", "counter", "Media bytes relayed, as received.");
	sb_addf(sb, "srtprelay_bytes_total %llu\n", (unsigned long long)t.all.bytes);
	head(sb, "srtprelay_drops_total", "counter", "Media packets not relayed, by reason.");
	for (unsigned int r = 0; r < DROP_COUNT; r++)
		sb_addf(sb, "srtprelay_drops_total{reason=\"%s\"} %llu\n", drop_name(r),
			(unsigned long long)t.all.drops[r]);
	head(sb, "srtprelay_ng_requests_total", "counter", "ng requests by command and result.");
	for (unsigned int k = 1; k <= NG_CMD_COUNT; k++)	/* the commands, then "unknown" */
		for (unsigned int i = k % NG_CMD_COUNT, e = 0; e < 2; e++)
			sb_addf(sb, "srtprelay_ng_requests_total{command=\"%s\",result=\"%s\"} %llu\n",
				ng_cmd_name(i), e ? "error" : "ok",
				(unsigned long long)d->ng_requests[i][e]);
	head(sb, "srtprelay_ng_retransmits_total", "counter",
	     "ng requests answered from the retransmit cache.");
	sb_addf(sb, "srtprelay_ng_retransmits_total %llu\n",
		(unsigned long long)d->ng_retransmits);
	head(sb, "srtprelay_control_connections_total", "counter",
	     "TCP control connections refused (listener or per-source limit) or closed with a "
	     "request left incomplete too long, by listener.");
	for (int l = 0; l < 2; l++) {
		const char *name = l ? "http" : "ng";

		sb_addf(sb, "srtprelay_control_connections_total{listener=\"%s\",event=\"refused\"} "
			"%llu\n", name, (unsigned long long)d->conns[l].refused);
		sb_addf(sb, "srtprelay_control_connections_total{listener=\"%s\",event=\"timed_out\"} "
			"%llu\n", name, (unsigned long long)d->conns[l].timed_out);
	}
	head(sb, "srtprelay_ng_reply_cache_bytes", "gauge",
	     "Bytes the ng retransmit cache holds (--reply-cache-mb bounds it).");
	sb_addf(sb, "srtprelay_ng_reply_cache_bytes %zu\n", d->cache ? ng_cache_bytes(d->cache) : 0);
	head(sb, "srtprelay_dtls_handshakes_total", "counter",
	     "DTLS-SRTP handshakes by result (failed: error, or certificate not the SDP's).");
	sb_addf(sb, "srtprelay_dtls_handshakes_total{result=\"ok\"} %llu\n",
		(unsigned long long)d->dtls_handshakes[0]);
	sb_addf(sb, "srtprelay_dtls_handshakes_total{result=\"failed\"} %llu\n",
		(unsigned long long)d->dtls_handshakes[1]);
	head(sb, "srtprelay_ports_used", "gauge", "Media ports held.");
	sb_addf(sb, "srtprelay_ports_used %u\n", d->ports.used);
	head(sb, "srtprelay_ports", "gauge", "Media ports in --port-min..--port-max.");
	sb_addf(sb, "srtprelay_ports %u\n", ports_total(&d->ports));
	head(sb, "srtprelay_open_files_limit", "gauge",
	     "RLIMIT_NOFILE: every media port is one descriptor.");
	sb_addf(sb, "srtprelay_open_files_limit %lu\n", fdlimit_max());
	head(sb, "srtprelay_open_files", "gauge", "Descriptors open now.");
	sb_addf(sb, "srtprelay_open_files %lu\n", fdlimit_in_use());
	head(sb, "srtprelay_kernel_offload", "gauge", "1 when srtprelay.ko relays streams.");
	sb_addf(sb, "srtprelay_kernel_offload %d\n", d->kern ? 1 : 0);
	head(sb, "srtprelay_userspace_packets_total", "counter",
	     "Datagrams through the userspace relay (io_uring), by what happened.");
	sb_addf(sb, "srtprelay_userspace_packets_total{event=\"received\"} %llu\n",
		(unsigned long long)d->relay.stats.rx);
	sb_addf(sb, "srtprelay_userspace_packets_total{event=\"sent\"} %llu\n",
		(unsigned long long)d->relay.stats.tx);
	sb_addf(sb, "srtprelay_userspace_packets_total{event=\"send_error\"} %llu\n",
		(unsigned long long)d->relay.stats.tx_errors);
	sb_addf(sb, "srtprelay_userspace_packets_total{event=\"stun\"} %llu\n",
		(unsigned long long)d->relay.stats.stun);
	sb_addf(sb, "srtprelay_userspace_packets_total{event=\"dtls\"} %llu\n",
		(unsigned long long)d->relay.stats.dtls);
	head(sb, "srtprelay_userspace_buffer_shortages_total", "counter",
	     "Times a socket's receive stopped for want of buffers.");
	sb_addf(sb, "srtprelay_userspace_buffer_shortages_total %llu\n",
		(unsigned long long)d->relay.stats.no_buffers);
	head(sb, "srtprelay_uptime_seconds", "gauge", "Seconds since start.");
	sb_addf(sb, "srtprelay_uptime_seconds %.0f\n", now_mono() - d->started);
}
