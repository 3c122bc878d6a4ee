// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * srtprelayd: settings, then the relay ring, the ng server and the kernel check, then the
 * loop until SIGTERM/SIGINT; on the way out every call is deleted (ports, keys, kernel
 * flows) and the nftables rule removed.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "daemon.h"
#include "fdlimit.h"
#include "kernel.h"
#include "log.h"
#include "ng_server.h"
#include "packet.h"
#include "session.h"
#include "session_dtls.h"
#include "session_ice.h"
#include "dtls.h"

#define RELAY_BUFFERS 4096
#define CALL_BUCKETS 65536

static struct srtprelayd daemon_state;

static void on_signal(int sig)
{
	(void)sig;
	daemon_state.relay.stop = 1;
}

static void on_confirmed(struct relay *r, struct media_side *m)
{
	kernel_update_media(r->arg, m);
}

static void on_tick(struct relay *r, void *arg)
{
	(void)r;
	session_tick(arg);
	ng_server_tick(arg, now_mono());
}

/* Every media port is a socket: say so at start when the fd limit, not the range, caps calls. */
static void fd_plan(const struct srtprelayd *d)
{
	struct fdlimit_plan p;

	fdlimit_setup(d->cfg.port_max - d->cfg.port_min + 1, &p);
	if (p.calls_by_fds < p.calls_by_ports)
		log_warn("open-file limit %lu allows about %lu calls, fewer than the %lu of "
			 "--port-min..--port-max: raise LimitNOFILE (ulimit -n) to %lu for the whole "
			 "range", p.limit, p.calls_by_fds, p.calls_by_ports,
			 (unsigned long)(d->cfg.port_max - d->cfg.port_min + 1) + FDLIMIT_RESERVE);
}

/* systemd's readiness protocol (Type=notify) without libsystemd: one datagram. */
static void notify_ready(void)
{
	const char *path = getenv("NOTIFY_SOCKET");
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	socklen_t len;
	int fd;

	if (!path || (path[0] != '/' && path[0] != '@') || strlen(path) >= sizeof(sun.sun_path))
		return;
	memcpy(sun.sun_path, path, strlen(path));
	if (sun.sun_path[0] == '@')
		sun.sun_path[0] = '\0';
	len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(path));
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return;
	if (sendto(fd, "READY=1", 7, 0, (struct sockaddr *)&sun, len) < 0)
		log_debug("sd_notify: %s", strerror(errno));
	close(fd);
}

static int write_pidfile(const char *path)
{
	FILE *f;

	if (!path[0])
		return 0;
	f = fopen(path, "w");
	if (!f) {
		log_err("cannot write pid file %s: %s", path, strerror(errno));
		return -errno;
	}
	fprintf(f, "%d\n", (int)getpid());
	fclose(f);
	return 0;
}

int main(int argc, char **argv)
{
	struct srtprelayd *d = &daemon_state;
	struct sigaction sa = { .sa_handler = on_signal };
	char err[CONFIG_ERR_MAX];
	int ret;

	ret = config_from_args(&d->cfg, argc, argv, err, sizeof(err));
	if (ret == 1)
		return 0;
	if (!ret)
		ret = config_validate(&d->cfg, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "srtprelayd: %s\n", err);
		return 2;
	}
	log_setup(d->cfg.log_level, d->cfg.log_stderr || d->cfg.foreground);
	if (dtls_init(d->cfg.dtls_cert, err, sizeof(err))) {
		fprintf(stderr, "srtprelayd: %s\n", err);
		return 1;
	}
	if (!d->cfg.foreground && daemon(0, 0) < 0) {
		fprintf(stderr, "srtprelayd: daemon: %s\n", strerror(errno));
		return 1;
	}
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	signal(SIGHUP, SIG_IGN);

	d->started = now_mono();
	fd_plan(d);
	if (ports_init(&d->ports, (uint16_t)d->cfg.port_min, (uint16_t)d->cfg.port_max) ||
	    calls_init(&d->calls, CALL_BUCKETS)) {
		log_err("out of memory");
		return 1;
	}
	d->calls.policy.learning = d->cfg.endpoint_learning;
	d->calls.policy.consent_timeout = d->cfg.consent_timeout;
	ret = relay_init(&d->relay, RELAY_BUFFERS);
	if (ret)
		return 1;
	d->relay.tick = on_tick;
	d->relay.confirmed = on_confirmed;
	d->relay.stun = session_stun;
	d->relay.dtls = session_dtls_packet;
	d->relay.arg = d;
	ret = ng_server_start(d);
	if (ret)
		goto out;
	kernel_start(d);
	if (write_pidfile(d->cfg.pidfile)) {
		ret = 1;
		goto out;
	}
	log_notice("srtprelayd ready: ports %u-%u, timeout %u s", d->cfg.port_min,
		   d->cfg.port_max, d->cfg.timeout);
	notify_ready();
	ret = relay_loop(&d->relay);
	log_notice("shutting down: %u calls", d->calls.count);
out:
	while (d->calls.head)
		session_call_delete(d, d->calls.head);
	kernel_stop(d);
	relay_exit(&d->relay);
	ng_server_stop(d);
	calls_free(&d->calls);
	ports_free(&d->ports);
	if (d->cfg.pidfile[0])
		unlink(d->cfg.pidfile);
	return ret ? 1 : 0;
}
